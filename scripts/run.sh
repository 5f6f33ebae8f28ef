#!/usr/bin/env bash
# The main job: index DIR (default: the MU tree itself) into DIR/.mu/mubase and show its status.
# Installs what is missing and builds MU (Release) first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${1:-$root}
build="$root/build-release"

"$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMU_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target mu

"$build/app/mu/mu" index "$target"
exec "$build/app/mu/mu" status "$target"
