#!/usr/bin/env bash
# The main job: index DIR (default: the MU tree itself) into DIR/.mu/mubase, then serve it with the
# project's daemon in the foreground (HTTP + WebSocket on 127.0.0.1; Ctrl-C stops it cleanly).
# Installs what is missing and builds MU (Release) first. Extra arguments go to `mu daemon run`
# (e.g. --port 9200, --no-auth).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${1:-$root}
build="$root/build-release"

"$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMU_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target mu

shift || true
"$build/app/mu/mu" index "$target"
"$build/app/mu/mu" status "$target"
exec "$build/app/mu/mu" daemon run "$target" "$@"
