#!/usr/bin/env bash
# The whole test suite (README command 2, run by .ci/run):
#   1. build/ with warnings as errors, all tests (unit, end-to-end, scenarios);
#   2. build-asan/ with AddressSanitizer + UndefinedBehaviorSanitizer, all tests again.
# Installs missing packages first through scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

scripts/setup.sh
(cd build && ctest --output-on-failure -j "$jobs")

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPARCOURS_WERROR=ON \
  -DPARCOURS_SANITIZE=ON -DPARCOURS_BUILD_BENCH=OFF
cmake --build build-asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")
