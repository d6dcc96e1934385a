#!/usr/bin/env bash
# ctest bench.smoke: every benchmark program once with tiny counts, so that they keep running and
# their requests keep getting the answers they expect as the server changes. The figures mean
# nothing here (no Release build, a busy machine); tests/bench/run.sh measures.
#
#   tests/bench/smoke.sh OCIFAKE_BENCH OCIFAKE_MICRO
set -euo pipefail
bench=$1 micro=$2
"$bench" startstop --cycles 5
"$bench" latency --requests 100 --block 10
"$bench" list --images 300
"$bench" list --images 300 --journal-limit 0 --no-walk
"$bench" lifecycles --cycles 5
"$bench" explore --rounds 1 --jobs 2
# Google Benchmark reports a skipped run and still exits 0.
out=$("$micro" --benchmark_min_time=0.01 --benchmark_filter='create|get|json|baseline' 2>&1)
echo "$out"
if grep -q 'ERROR OCCURRED' <<<"$out"; then
  echo "smoke.sh: a micro-benchmark's request failed" >&2
  exit 1
fi
