#!/usr/bin/env bash
# Run libFuzzer targets of a -Dfuzzing=enabled build for a while each and
# print one summary line per target (executions, coverage, crashes): the
# CI smoke run and the longer campaigns recorded in doc/fuzzing.md.
#
# usage: fuzz/campaign.sh BUILD_DIR SECONDS [JOBS] [TARGET...]
#   JOBS targets run at once (default 1).  The working corpus of each target
#   is BUILD_DIR/fuzz/campaign/TARGET (seeded from fuzz/corpus/TARGET, which
#   is never written to); crashes land in BUILD_DIR/fuzz/campaign/crashes.
# $FUZZ_SEED, when set, is libFuzzer's -seed for every target: the same
# inputs in the same order each run (the CI smoke run uses it, so that a red
# run can be replayed); unset, each run explores anew.
# Exit status 1 when any target crashed, leaked or timed out.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"
secs="$2"
jobs="${3:-1}"
shift $(( $# >= 3 ? 3 : $# ))
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in "$here"/*.options; do targets+=("$(basename "$f" .options)"); done
fi
work="$build/fuzz/campaign"
mkdir -p "$work/crashes"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
  local t="$1" bin="$build/fuzz/fuzz-$1"
  [ -x "$bin" ] || { echo "$t: no binary $bin" >&2; return 1; }
  mkdir -p "$work/$t"
  local max_len timeout rss
  max_len=$(sed -n 's/^max_len *= *//p' "$here/$t.options")
  timeout=$(sed -n 's/^timeout *= *//p' "$here/$t.options")
  rss=$(sed -n 's/^rss_limit_mb *= *//p' "$here/$t.options")
  local rc=0
  "$bin" -max_total_time="$secs" -print_final_stats=1 -dict="$here/$t.dict" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
    -max_len="${max_len:-65536}" -timeout="${timeout:-10}" -rss_limit_mb="${rss:-2048}" \
    -artifact_prefix="$work/crashes/$t-" "$work/$t" "$here/corpus/$t" \
    >"$work/$t.log" 2>&1 || rc=$?
  local runs cov ft
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$work/$t.log" | tail -1 | cut -d' ' -f2)
  local corpus
  corpus=$(find "$work/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "$t: ${secs}s, ${runs:-0} executions, cov ${cov:-0}, ft ${ft:-0}, corpus $corpus, crashes 0"
  else
    echo "$t: FAILED (exit $rc) after ${runs:-?} executions; see $work/$t.log and $work/crashes/"
    grep -m3 -E 'ERROR|SUMMARY|invariant' "$work/$t.log" || true
    return 1
  fi
}

status=0
pids=()
names=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  names+=("$t")
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
