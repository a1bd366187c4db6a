#!/usr/bin/env bash
# Answer times of the bad-input corpus (tests/server/bad_input_test.cpp) against the real
# server: the test prints one "CASE <status> in <ms> ms: <name>" line per case (tests assert
# no timings); this runs it and prints the slowest cases and the maximum, for bench/RESULTS.md.
#   bench/bad_input_latency.sh [build-dir]      (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$build/tests/server_tests" --run_test=bad_input/the_corpus_answers_4xx_and_leaves_no_trace \
  --log_level=message >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
cases=$(grep -c 'CASE ' "$log")
echo "bad-input corpus: $cases cases, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
echo "slowest answers (ms, status, case):"
grep -o 'CASE [0-9]* in [0-9]* ms: .*' "$log" | awk '{ms=$4; st=$2; $1=$2=$3=$4=$5=""; print ms, st, $0}' |
  sort -rn | head -8
grep -o 'CASE [0-9]* in [0-9]* ms' "$log" | awk '{if ($4>m) m=$4} END {print "max", m, "ms"}'
grep -o 'memory (server + workers).*' "$log" || true
