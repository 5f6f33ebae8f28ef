#!/usr/bin/env bash
# Builds MU with AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test suite
# through ctest. Installs what is missing first, including the accuracy test's corpora. Extra
# arguments go to ctest (e.g. -L unit).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-asan"
jobs=$(nproc 2>/dev/null || echo 2)

# The accuracy test's corpora too (unpacked into the build tree); MU_REQUIRE_CORPORA makes the test
# fail rather than skip if one is missing, so CI cannot pass without measuring.
"$root/scripts/install-deps.sh" --corpora "$build"
export MU_REQUIRE_CORPORA=1
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMU_SANITIZE=ON -DMU_BUILD_BENCH=OFF
fi
cmake --build "$build" -j "$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
# ctest prints the summary line ("100% tests passed, 0 tests failed out of N").
ctest --output-on-failure -j "$jobs" "$@"
