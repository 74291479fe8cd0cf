#!/usr/bin/env bash
# Fuzzes each libFuzzer target of a NEWSFLOW_FUZZ build for a while, starting from its seed
# corpus in tests/fuzz/corpus/TARGET. Usage: scripts/fuzz.sh [BUILD_DIR] [SECONDS_PER_TARGET]
# (defaults: build-asan, 30; CI runs the default, a long run is e.g. 3600). New interesting
# inputs go to a work directory (FUZZ_WORK, default a temporary one), never into the
# repository. A crash, leak or time-out fails the script and leaves the input under
# FUZZ_WORK: add it to tests/fuzz/corpus/TARGET (its ctest then replays it) and fix the bug.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-asan}"
seconds="${2:-30}"
work="${FUZZ_WORK:-$(mktemp -d)}"
status=0
for target in fuzz_decode fuzz_normalize fuzz_chain; do
  bin="$build/tests/fuzz/$target"
  [ -x "$bin" ] || { echo "fuzz.sh: no $bin (configure with CC=clang-19 CXX=clang++-19 -DNEWSFLOW_FUZZ=ON)" >&2; exit 2; }
  mkdir -p "$work/$target"
  echo "== $target: ${seconds} s"
  if ! ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
      "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$work/$target/" "$work/$target" "$root/tests/fuzz/corpus/$target" \
      > "$work/$target.log" 2>&1; then
    tail -40 "$work/$target.log" >&2
    echo "fuzz.sh: $target failed; the input is in $work/$target/ (crash-*, leak-*, timeout-*)" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|INFO: Loaded|cov:" "$work/$target.log" | tail -3
  fi
done
exit $status
