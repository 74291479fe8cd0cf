#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds newsflow and runs every test twice: on the Release
# build, then on an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

bash scripts/setup.sh

echo "== Release build and tests"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j 2

# Clang 19 (libstdc++'s std::expected needs Clang >= 16; Debian 12's default is 14): the same
# build gives the sanitized unit tests and the libFuzzer targets.
echo "== ASan + UBSan build (Clang 19, libFuzzer targets included) and tests"
# A build-asan configured by an older version of this script (GCC) cannot switch compilers
# in place: CMake would re-run with the old compiler first and drop the other settings.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-19' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
bash scripts/build.sh build-asan -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSFLOW_SANITIZE=ON -DNEWSFLOW_FUZZ=ON -DNEWSFLOW_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j 2 --label-exclude integration

echo "== Fuzzing: ${NEWSFLOW_FUZZ_SECONDS:-30} s per target (scripts/fuzz.sh)"
bash scripts/fuzz.sh build-asan "${NEWSFLOW_FUZZ_SECONDS:-30}"
