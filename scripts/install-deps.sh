#!/usr/bin/env bash
# Installs what MU needs to build and test on Debian 12, and nothing that is already there:
# missing Debian packages (apt-get, as root or through sudo) and the pinned tree-sitter grammars
# (npm ci from third_party/grammars). Safe to run any number of times.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite qt6-svg-dev
    qt6-tools-dev qt6-l10n-tools
    libtree-sitter-dev libsqlite3-dev libyaml-cpp-dev
    nodejs npm
    universal-ctags python3 clang-format
)
# Extra packages a caller asks for (e.g. benchmark corpora): MU_EXTRA_PACKAGES="a b".
read -r -a extra <<< "${MU_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
    [ -n "$p" ] || continue
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
# npm may come from elsewhere (nodesource, nvm): accept any working npm.
if command -v npm >/dev/null 2>&1; then
    filtered=()
    for p in "${missing[@]}"; do
        case "$p" in nodejs | npm) ;; *) filtered+=("$p") ;; esac
    done
    missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Grammars: reinstall only when the lockfile changed since the last install.
grammars="$root/third_party/grammars"
stamp="$grammars/node_modules/.mu-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$grammars/package-lock.json" "$stamp"; then
    echo "install-deps: fetching pinned tree-sitter grammars (npm ci)"
    (cd "$grammars" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$grammars/package-lock.json" "$stamp"
fi
