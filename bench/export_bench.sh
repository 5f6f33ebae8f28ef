#!/usr/bin/env bash
# Export benchmark (issue: exports): the whole Python stdlib graph exported in every format,
# in-process from a loaded snapshot and end to end through `mu export -f json -o FILE`.
# Target: json <= 2 s. Prints a Markdown table for docs/BENCHMARKS.md.
# Usage: bench/export_bench.sh [RUNS]   (BUILD=<build dir> to reuse a configured build; default
# build-release, configured here as Release)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-"$root/build-release"}
runs=${1:-5}
work=${MU_BENCH_DIR:-/tmp/mu-bench-export}

if [ -z "${BUILD:-}" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMU_BUILD_TESTS=OFF -DMU_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" -j2 --target mu mu_bench_export >/dev/null
mu="$build/app/mu/mu"

dir="$work/python"
if [ ! -d "$dir" ]; then
    mkdir -p "$work"
    cp -r /usr/lib/python3.11 "$dir"
fi
"$mu" index "$dir" >/dev/null

echo "Python stdlib ($dir), $runs runs:"
"$build/bench/mu_bench_export" "$dir" "$runs"
