#!/usr/bin/env bash
# The whole test suite, as CI runs it: install dependencies; build with
# warnings as errors and run every test; the same suite again under
# ASan+UBSan; the unit tests under valgrind memcheck; the threads and lazy
# loading tests under ThreadSanitizer; every libFuzzer target for a short smoke run under
# ASan+UBSan; cppcheck over src/.  Stays well under 45 minutes on 2 cores.
#
# FUZZ_SECONDS (default 30) sets the smoke run per target, FUZZ_SEED (default
# 1) its libFuzzer seed, so that the smoke run is the same each time (longer
# campaigns with fuzz/campaign.sh explore with fresh seeds); SKIP="asan
# valgrind tsan fuzz cppcheck" leaves stages out (for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

JOBS=$(nproc 2>/dev/null || echo 2)
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
SKIP=${SKIP:-}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
skip() { [[ " $SKIP " == *" $1 "* ]]; }
stage() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

stage "build with -Werror, whole suite"
[ -f build/build.ninja ] || meson setup build -Dwerror=true
meson configure build -Dwerror=true
meson compile -C build
meson test -C build --print-errorlogs --num-processes "$JOBS"

if ! skip asan; then
  stage "ASan+UBSan: whole suite"
  [ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  meson compile -C build-asan
  meson test -C build-asan --print-errorlogs --num-processes "$JOBS"
fi

if ! skip valgrind; then
  stage "valgrind memcheck: unit tests"
  meson test -C build --setup valgrind --suite unit --print-errorlogs --num-processes "$JOBS"
fi

if ! skip tsan; then
  stage "ThreadSanitizer: validators sharing a registry during hot reloads, lazy loading"
  [ -f build-tsan/build.ninja ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false
  meson compile -C build-tsan tests/test-threads tests/test-pack-lazy
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    meson test -C build-tsan --no-rebuild --print-errorlogs test-threads test-pack-lazy
fi

if ! skip fuzz; then
  stage "fuzz smoke: every target ${FUZZ_SECONDS}s under ASan+UBSan"
  # clang instruments the library for the engine; only the fuzz targets are
  # built (the shared library is linked with --no-undefined, which clang's
  # sanitizer runtime does not satisfy)
  [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzzing=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dtests=false
  targets=()
  for opt in fuzz/*.options; do targets+=("fuzz/fuzz-$(basename "$opt" .options)"); done
  ninja -C build-fuzz "${targets[@]}"
  FUZZ_SEED=${FUZZ_SEED:-1} fuzz/campaign.sh build-fuzz "$FUZZ_SECONDS" "$JOBS"
fi

if ! skip cppcheck; then
  stage "cppcheck: src/"
  cppcheck --quiet --enable=warning,portability,performance --std=c11 --inline-suppr -j "$JOBS" \
    --suppressions-list=tests/tools/cppcheck-suppressions.txt -I src -I include -I build \
    --error-exitcode=1 src/
fi
stage "all passed"
