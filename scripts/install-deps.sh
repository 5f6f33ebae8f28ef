#!/usr/bin/env bash
# Installs what MU needs to build and test on Debian 12, and nothing that is already there:
# missing Debian packages (apt-get, as root or through sudo) and the pinned npm packages
# (tree-sitter grammars, tokenizer ranks: npm ci in each third_party/ folder with a lockfile).
# Safe to run any number of times.
#
#   scripts/install-deps.sh [--corpora BUILD_DIR]
#
# --corpora also installs the real-code corpora of the accuracy test (tests/integration/
# tst_accuracy.cpp, docs/ACCURACY.md) and unpacks the archived ones into BUILD_DIR/corpora, where
# the test looks for them: never into the source tree.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

corpora=""
while [ $# -gt 0 ]; do
    case "$1" in
    --corpora)
        [ $# -ge 2 ] || { echo "install-deps: --corpora needs a build directory" >&2; exit 2; }
        corpora="$(realpath -m "$2")/corpora"
        shift 2
        ;;
    *) echo "usage: install-deps.sh [--corpora BUILD_DIR]" >&2; exit 2 ;;
    esac
done

packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite qt6-svg-dev
    qt6-tools-dev qt6-l10n-tools
    libtree-sitter-dev libsqlite3-dev libyaml-cpp-dev libjemalloc-dev
    nodejs npm
    universal-ctags python3 clang-format
    python3-networkx graphviz
)
# Extra packages a caller asks for (e.g. benchmark corpora): MU_EXTRA_PACKAGES="a b".
read -r -a extra <<< "${MU_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")
if [ -n "$corpora" ]; then
    # Go and Rust standard libraries, OpenJDK 17 sources (src.zip), Linux 6.1 (tar.xz); the Python
    # stdlib comes with python3 and the Qt 6 headers with qt6-base-dev.
    packages+=(golang-1.19-src rust-src openjdk-17-source linux-source-6.1 unzip xz-utils)
fi

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
    # Waits for another apt/dpkg run (e.g. unattended upgrades) instead of failing on its lock.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

# Pinned npm packages (tree-sitter grammars, tokenizer rank tables, …): each folder of
# third_party/ with a package-lock.json is installed with `npm ci`, again only when its lockfile
# changed since the last install.
for lock in "$root"/third_party/*/package-lock.json; do
    dir=$(dirname "$lock")
    stamp="$dir/node_modules/.mu-lock-stamp"
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        echo "install-deps: fetching pinned npm packages of third_party/$(basename "$dir") (npm ci)"
        (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
        cp "$lock" "$stamp"
    fi
done

# Corpora: unpack only the parts the accuracy test reads, and only when the archive changed since
# the last unpacking (the stamp records the archive's size and mtime, and the command, so that
# changing the kept subtrees unpacks again).
unpack() { # unpack NAME ARCHIVE COMMAND...: runs COMMAND in a fresh $corpora/NAME
    local name=$1 archive=$2 dir="$corpora/$1"
    shift 2
    local identity
    identity="$(stat -L -c '%n %s %Y' "$archive") $*"
    if [ -f "$dir/.mu-stamp" ] && [ "$(cat "$dir/.mu-stamp")" = "$identity" ]; then
        return
    fi
    echo "install-deps: unpacking $name from $archive into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && "$@")
    echo "$identity" > "$dir/.mu-stamp"
}
if [ -n "$corpora" ]; then
    jdk=$(dpkg-query -L openjdk-17-source | grep '/src\.zip$' | head -n 1)
    unpack jdk "$jdk" unzip -q "$jdk" 'java.base/*'
    # xz cannot seek: the whole 138 MB archive is decompressed whatever is kept (15 s here).
    linux=/usr/src/linux-source-6.1.tar.xz
    unpack linux "$linux" tar -xJf "$linux" --strip-components=1 linux-source-6.1/fs/ext2 \
        linux-source-6.1/fs/ext4 linux-source-6.1/kernel/locking linux-source-6.1/kernel/sched \
        linux-source-6.1/kernel/time
fi
