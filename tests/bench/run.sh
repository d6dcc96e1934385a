#!/usr/bin/env bash
# Builds ocifake_bench in Release and measures ocifake against a bare cpp-httplib baseline in one
# run (docs/performance.md): start+first answer+stop, wrk throughput for CreateImage and GetImage,
# single-connection latency, ListImages paging over 100,000 images, thread/descriptor growth
# over 1,000 servers, and explored runs per second; and the api layer's CPU time per operation without sockets (ocifake_micro). Prints every figure, then a Markdown table with ratios and targets.
#
#   tests/bench/run.sh            # the full run (about eight minutes)
#   QUICK=1 tests/bench/run.sh    # a smoke run with small counts; its figures mean little
#
# Environment: BUILD_DIR (default build-bench), JOBS (default 2), ROUNDS of wrk (3), DURATION of
# each 16-connection wrk run (10s) and DURATION1 of each single-connection one (5s), CYCLES (1000),
# LATENCY_CPU (0: the CPU the pinned single-connection run uses),
# REQUESTS for latency (5000), IMAGES (100000), EXPLORE_ROUNDS (20 explorations of 22 runs), RESULTS (the raw "name<TAB>value" file, default
# $BUILD_DIR/bench-results.tsv).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
jobs=${JOBS:-2}
if [[ -n ${QUICK:-} ]]; then
  rounds=${ROUNDS:-1} duration=${DURATION:-2s} duration1=${DURATION1:-1s} cycles=${CYCLES:-100} requests=${REQUESTS:-500} images=${IMAGES:-5000} explore_rounds=${EXPLORE_ROUNDS:-2}
else
  rounds=${ROUNDS:-3} duration=${DURATION:-10s} duration1=${DURATION1:-5s} cycles=${CYCLES:-1000} requests=${REQUESTS:-5000} images=${IMAGES:-100000} explore_rounds=${EXPLORE_ROUNDS:-20}
fi

command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DOCIFAKE_BENCH=ON -DOCIFAKE_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target ocifake_bench ocifake_micro >/dev/null
bench=$build/tests/bench/ocifake_bench
micro=$build/tests/bench/ocifake_micro
results=${RESULTS:-$build/bench-results.tsv}
work=$(mktemp -d)
serve_pid=
cleanup() {
  if [[ -n $serve_pid ]]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
: >"$results"

put() { printf '%s\t%s\n' "$1" "$2" | tee -a "$results"; }
load() { cut -d' ' -f1 /proc/loadavg; }
section() { echo "== $1 (load $(load))" >&2; put "load.$1" "$(load)"; }

put machine.nproc "$(nproc)"
put machine.cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
put machine.kernel "$(uname -r)"
put machine.commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
put run.date "$(date -u +%Y-%m-%dT%H:%MZ)"

section startstop
"$bench" startstop --cycles "$cycles" | tee -a "$results"

section latency
# Pinned to one CPU (the figure the target is checked on: what each server does per request), then
# free to use both (where the scheduler puts each wake-up adds its own share; reported).
"$bench" latency --requests "$requests" --cpu "${LATENCY_CPU:-0}" | tee -a "$results"
"$bench" latency --requests "$requests" | tee -a "$results"

# wrk: one fresh pair of servers per round, runs alternating ocifake/baseline (ABBA across rounds).
# Besides wrk's figures, the server process's CPU time per request (/proc/PID/stat, utime + stime):
# unlike requests per second it hardly depends on what else the machine runs.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
wrk_run() {  # name connections url script args...
  local name=$1 conns=$2 url=$3 script=$4 t0 t1 threads=2 time=$duration
  shift 4
  ((conns > 1)) || threads=1 time=$duration1
  t0=$(cpu_ticks)
  wrk -t$threads -c"$conns" -d"$time" --latency -s "$here/wrk/$script" "$url" -- "$@" >"$work/wrk.txt"
  t1=$(cpu_ticks)
  put "$name.rps" "$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"
  put "$name.server_cpu_us" "$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "%.1f", t * 1e6 / hz / $1}' "$work/wrk.txt")"
  put "$name.non2xx" "$(awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$work/wrk.txt")"
  put "$name.socket_errors" "$(awk '/Socket errors:/ {gsub(",", ""); n = $4 + $6 + $8 + $10} END {print n + 0}' "$work/wrk.txt")"
  put "$name.p50_ms" "$(awk '$1 == "50%" {v=$2; if (v ~ /us$/) {sub("us", "", v); v/=1000} else if (v ~ /ms$/) sub("ms", "", v); else if (v ~ /s$/) {sub("s", "", v); v*=1000}; print v}' "$work/wrk.txt")"
}
for ((r = 1; r <= rounds; r++)); do
  section "wrk$r"
  "$bench" serve >"$work/serve.txt" &
  serve_pid=$!
  for _ in $(seq 100); do grep -q '^ready' "$work/serve.txt" && break; sleep 0.1; done
  grep -q '^ready' "$work/serve.txt" || { echo "run.sh: ocifake_bench serve did not start" >&2; exit 1; }
  val() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$work/serve.txt"; }
  fake=$(val ocifake) bare=$(val baseline) comp=$(val compartment) image=$(val image)
  if ((r % 2)); then order="ocifake baseline"; else order="baseline ocifake"; fi
  # 16 connections (throughput), then one connection from another process (latency: wrk's p50).
  for conns in 16 1; do
    prefix=wrk; ((conns > 1)) || prefix=wrk1
    for op in create get; do
      for who in $order; do
        url=$fake; [[ $who == baseline ]] && url=$bare
        if [[ $op == create ]]; then
          wrk_run "$prefix.create.$who.r$r" "$conns" "$url" create_image.lua "$comp"
        else
          wrk_run "$prefix.get.$who.r$r" "$conns" "$url" get_image.lua "$image"
        fi
      done
    done
  done
  kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=
  grep '^served' "$work/serve.txt" | sed "s/^served/wrk.served.r$r/" | tee -a "$results"
done

section list
"$bench" list --images "$images" | tee -a "$results"
"$bench" list --images "$images" --journal-limit 0 --no-walk | tee -a "$results"

section micro
# name,iterations,real_time,cpu_time,time_unit,...: CPU time per operation of the api layer alone.
"$micro" --benchmark_format=csv 2>/dev/null | awk -F, '$1 ~ /^"BM_/ {gsub(/"/, "", $1); printf "micro.%s.cpu_%s\t%.1f\n", $1, $5, $4}' |
  tee -a "$results"

section lifecycles
"$bench" lifecycles --cycles "$cycles" | tee -a "$results"

section explore
"$bench" explore --rounds "$explore_rounds" --jobs 2 | tee -a "$results"
put load.end "$(load)"

echo
awk -F'\t' -v rounds="$rounds" -f "$here/summary.awk" "$results"
echo "raw figures: $results" >&2
