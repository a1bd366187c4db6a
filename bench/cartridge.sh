#!/usr/bin/env bash
# The RDKit PostgreSQL cartridge on a temporary cluster (unix socket in a temp dir plus
# 127.0.0.1, stopped and removed on exit). Usage: cartridge.sh OUT LEADS FRAGS SIMQ NQUERIES
# Loads OUT/parents.smi, builds the GiST indexes, times each query with psql's \timing and
# prints RESULT lines. Queries are built with mol_from_smiles(q::cstring) (a q::mol cast
# leaves inter-ring bonds aromatic and gives wrong hits).
set -euo pipefail
out=$1; leads=$2; frags=$3; simq=$4; nq=${5:-0}
pgbin=/usr/lib/postgresql/15/bin
tmp=$(mktemp -d /tmp/argan-pg.XXXXXX)
port=$((50000 + RANDOM % 10000))
as_pg=()
if [[ $(id -u) -eq 0 ]]; then chown postgres "$tmp"; as_pg=(runuser -u postgres --); fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w start \
  -o "-k $tmp -p $port -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c work_mem=256MB -c jit=off -c max_parallel_workers_per_gather=2" >/dev/null
psql=(psql -X -q -h "$tmp" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)
cp "$out/parents.smi" "$tmp/parents.smi"; chmod a+r "$tmp/parents.smi"

t0=$(date +%s.%N)
"${psql[@]}" <<SQL >/dev/null
CREATE EXTENSION rdkit;
CREATE TABLE raw(id integer, smiles text);
\copy raw FROM '$tmp/parents.smi'
CREATE TABLE mols AS SELECT id, mol_from_smiles(smiles::cstring) AS m FROM raw;
CREATE INDEX mols_m ON mols USING gist(m);
CREATE TABLE fps AS SELECT id, morganbv_fp(m) AS fp FROM mols WHERE m IS NOT NULL;
CREATE INDEX fps_fp ON fps USING gist(fp);
VACUUM ANALYZE mols; VACUUM ANALYZE fps;
SQL
t1=$(date +%s.%N)
size=$("${psql[@]}" -t -A -c "SELECT pg_database_size('postgres') / 1048576")
echo "RESULT cartridge_build seconds=$(/usr/bin/python3 -c "print(round($t1 - $t0, 1))") database_mib=$size"

# Runs one SQL template per query line (@Q@ = the query SMILES) with \timing; prints ms.
timed() {
  local file=$1 template=$2 prefix=${3:-}
  local sql="$tmp/q.sql"
  { echo "$prefix"; echo '\timing on'; echo '\o /dev/null'
    n=0
    while read -r smiles _; do
      [[ -z "$smiles" || "$smiles" == \#* ]] && continue
      n=$((n + 1)); [[ $nq -gt 0 && $n -gt $nq ]] && break
      echo "${template//@Q@/${smiles//\'/\'\'}}"
    done < "$file"; } > "$sql"
  "${psql[@]}" -f "$sql" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
stats() {
  /usr/bin/python3 -c '
import sys
v = sorted(float(x) for x in sys.stdin if x.strip())
def p(q):
    pos = q * (len(v) - 1); i = int(pos); f = pos - i
    return v[i] * (1 - f) + v[i + 1] * f if i + 1 < len(v) else v[i]
print("queries=%d median_ms=%.2f p95_ms=%.2f p99_ms=%.2f qps=%.2f" % (len(v), p(.5), p(.95), p(.99), len(v) / (sum(v) / 1000)))'
}
echo "RESULT cartridge_leads $(timed "$leads" "SELECT id FROM mols WHERE m @> mol_from_smiles('@Q@'::cstring) LIMIT 100;" | stats)"
echo "RESULT cartridge_frags $(timed "$frags" "SELECT id FROM mols WHERE m @> mol_from_smiles('@Q@'::cstring) LIMIT 100;" | stats)"
nq_sim=$([[ $nq -gt 0 && $nq -lt 100 ]] && echo "$nq" || echo 100)
nq=$nq_sim
echo "RESULT cartridge_top10_gist $(timed "$simq" "SELECT id FROM fps ORDER BY fp <%> morganbv_fp(mol_from_smiles('@Q@'::cstring)) LIMIT 10;" | stats)"
echo "RESULT cartridge_top10_exact $(timed "$simq" "SELECT id, tanimoto_sml(fp, morganbv_fp(mol_from_smiles('@Q@'::cstring))) AS s FROM fps ORDER BY s DESC LIMIT 10;" | stats)"
echo "RESULT cartridge_t08 $(timed "$simq" "SELECT count(*) FROM fps WHERE fp % morganbv_fp(mol_from_smiles('@Q@'::cstring));" "SET rdkit.tanimoto_threshold = 0.8;" | stats)"
