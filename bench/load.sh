#!/usr/bin/env bash
# Load on loopback with wrk against the real server (read and write endpoints), for
# bench/RESULTS.md. Starts build/argan serve on a temporary database with the demo data.
#   bench/load.sh [seconds-per-run]     (default 15; needs wrk: scripts/setup --soak)
# For each endpoint and concurrency prints throughput and latency percentiles (p50, p99).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
argan=${ARGAN_BINARY:-build/argan}   # ARGAN_BINARY: another build of it
work=$(mktemp -d)
port=${ARGAN_LOAD_PORT:-18480}
threads=${ARGAN_LOAD_THREADS:-8}
cat >"$work/argan.properties" <<PROPS
argan.threads = $threads
argan.max_connections_per_client = 0
PROPS
echo "correct horse battery staple" | $argan user add --db "$work/argan.db" --email load@cise.ma \
  --role admin >/dev/null
token=$($argan token create --db "$work/argan.db" --email load@cise.ma)
$argan serve --port "$port" --host 127.0.0.1 --db "$work/argan.db" --config "$work/argan.properties" \
  --demo >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q "listening" "$work/server.log" && break; sleep 0.1; done
grep -q "listening" "$work/server.log" || { cat "$work/server.log"; exit 1; }
first=$(curl -s "http://127.0.0.1:$port/api/compounds?page_size=1" -H "Authorization: Bearer $token" |
  grep -o '"id":"CMP-[0-9]*"' | head -1 | cut -d'"' -f4)
cat >"$work/register.lua" <<'LUA'
-- A new batch of a demo compound per request (a write: record + audit entry, fsync'd).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ARGAN_TOKEN")
wrk.body = '{"structure":"OC(=O)CC(O)(CC(O)=O)C(O)=O","start_up":1,"batch":{"amount":1,"unit":"g"}}'
LUA
cat >"$work/auth.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ARGAN_TOKEN")
LUA
export ARGAN_TOKEN=$token
run() {  # name connections path [script]
  local name=$1 c=$2 path=$3 script=${4:-$work/auth.lua}
  local out
  local t=$((c < 2 ? c : 2))  # wrk needs at least one connection per thread
  out=$(wrk -t"$t" -c"$c" -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port$path" 2>&1)
  local rps p50 p99 non2xx
  rps=$(grep -o 'Requests/sec: *[0-9.]*' <<<"$out" | grep -o '[0-9.]*$' || echo "?")
  p50=$(awk '/Latency Distribution/{f=1} f && $1=="50%"{print $2; exit}' <<<"$out")
  p99=$(awk '/Latency Distribution/{f=1} f && $1=="99%"{print $2; exit}' <<<"$out")
  non2xx=$(grep -o 'Non-2xx or 3xx responses: *[0-9]*' <<<"$out" | grep -o '[0-9]*$' || echo 0)
  printf "| %-34s | %4s | %9s | %8s | %8s | %6s |\n" "$name" "$c" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
echo "server: $threads HTTP threads, $(nproc) cores, wrk -t2, ${seconds}s per run, $(date -u +%F)"
echo "| endpoint | conns | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
for c in 1 4 8 16; do run "GET /api/health" "$c" /api/health; done
for c in 1 4 8 16; do run "GET /api/compounds?page_size=20" "$c" "/api/compounds?page_size=20"; done
for c in 1 4 8; do run "GET /api/compounds/$first" "$c" "/api/compounds/$first"; done
for c in 1 4 8; do run "GET depiction.svg" "$c" "/api/compounds/$first/depiction.svg"; done
for c in 1 2 4 8; do run "POST /api/compounds (new batch)" "$c" /api/compounds "$work/register.lua"; done
# Overload: 4x the connections the server admits (threads + argan.max_queued = $((threads + 64))).
run "GET /api/compounds (4x admitted)" $((4 * (threads + 64))) "/api/compounds?page_size=20"
