#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs each for a
# given time, starting from its seed corpus in tests/fuzz/corpus/TARGET.
#
#   tests/fuzz/run.sh TARGET|all SECONDS [libFuzzer flags...]
#   tests/fuzz/run.sh body 600
#   nice -n 10 tests/fuzz/run.sh all 60 -jobs=1
#
# Targets: body, scenario, fault_rule, query, signature. Inputs the fuzzer finds go to
# BUILD/fuzz-corpus/TARGET (the seeds are never touched); a crasher is written to
# BUILD/fuzz-artifacts/TARGET/ and the script exits non-zero. Copy a crasher into
# tests/fuzz/corpus/TARGET/ so that ctest replays it in every build from then on.
# Environment: OCIFAKE_FUZZ_BUILD_DIR (default build-fuzz), OCIFAKE_FUZZ_JOBS (build jobs, default 2),
# OCIFAKE_FUZZ_NO_BUILD=1 (run what is built, e.g. two targets at once from one build).
set -euo pipefail
cd "$(dirname "$0")/../.."

all=(body scenario fault_rule query signature)
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET|all SECONDS [libFuzzer flags...]  (targets: ${all[*]})" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
if [ "$target" = all ]; then
  targets=("${all[@]}")
else
  case " ${all[*]} " in *" $target "*) ;; *) echo "$0: unknown target $target (targets: ${all[*]})" >&2; exit 2 ;; esac
  targets=("$target")
fi

build=${OCIFAKE_FUZZ_BUILD_DIR:-build-fuzz}
if [ "${OCIFAKE_FUZZ_NO_BUILD:-0}" != 1 ]; then
  if [ ! -e "$(${CXX_FUZZ:-clang++} -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
    echo "$0: clang's libFuzzer runtime is missing (Debian 12: libclang-rt-14-dev, Debian 13: libclang-rt-19-dev; bash .ci/install-deps installs it)" >&2
    exit 2
  fi
  CXX=${CXX_FUZZ:-clang++} cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCIFAKE_FUZZ=ON \
    -DOCIFAKE_SANITIZE=address,undefined -DOCIFAKE_EXAMPLES=OFF -DOCIFAKE_CONSUMER_TESTS=OFF >/dev/null
  cmake --build "$build" -j"${OCIFAKE_FUZZ_JOBS:-2}" --target "${targets[@]/#/fuzz_}" >/dev/null
fi

# UBSan reports are findings too: stop at the first, with a stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
status=0
for t in "${targets[@]}"; do
  work="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$work" "$artifacts"
  echo "== fuzz_$t for ${seconds}s"
  log="$build/fuzz-$t.log"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=20 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$@" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    # The last status line and the totals: executions, time, coverage, corpus size.
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  else
    status=1
    echo "fuzz_$t FOUND A PROBLEM (log: $log, inputs: $artifacts/)" >&2
    grep -vE '^#[0-9]+' "$log" | tail -60 >&2
  fi
done
exit $status
