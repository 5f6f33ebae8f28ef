#!/usr/bin/env bash
# Index benchmark (issue: foundation). On each corpus, in one run and with the same thread count:
#   (a) tree-sitter parse only of the same files with the same grammars (the floor)
#   (b) mu index --force         (c) mu index, nothing changed
#   (d) mu index after one file's content changed, and after a touch (mtime only)
# Prints a Markdown table for docs/BENCHMARKS.md. Medians of RUNS runs (default 3).
# Usage: bench/index_bench.sh [python|typescript|go|c|all]   (JOBS=2 RUNS=3 by default)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-release"
jobs=${JOBS:-2}
runs=${RUNS:-3}
work=${MU_BENCH_DIR:-/tmp/mu-bench}
which=${1:-all}

MU_EXTRA_PACKAGES="libpython3.11-testsuite golang-1.19-src linux-source-6.1 xz-utils time bc" \
    "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMU_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target mu mu_bench_parse >/dev/null
mu="$build/app/mu/mu"
floor="$build/bench/mu_bench_parse"
mkdir -p "$work"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
seconds() { # run a command, print its wall seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

prepare_python() {
    local dir="$work/python"
    if [ ! -d "$dir" ]; then
        cp -r /usr/lib/python3.11 "$dir"
    fi
    echo "$dir"
}

prepare_typescript() {
    local dir="$work/typescript"
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir.tmp"
        (cd "$dir.tmp" && npm pack --silent typescript@5.9.3 @types/node@22 >/dev/null)
        mkdir -p "$dir/typescript" "$dir/types-node"
        tar -xzf "$dir.tmp"/typescript-*.tgz -C "$dir/typescript" --strip-components=1
        tar -xzf "$dir.tmp"/types-node-*.tgz -C "$dir/types-node" --strip-components=1
        rm -rf "$dir.tmp"
    fi
    echo "$dir"
}

prepare_go() {
    local dir="$work/go"
    if [ ! -d "$dir" ]; then
        cp -r /usr/share/go-1.19/src "$dir"
    fi
    echo "$dir"
}

# A Linux subtree: kernel/ and fs/ of Debian's linux-source-6.1 (C, about 2400 files).
prepare_c() {
    local dir="$work/linux"
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir.tmp"
        tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp" linux-source-6.1/kernel linux-source-6.1/fs
        mv "$dir.tmp/linux-source-6.1" "$dir"
        rm -rf "$dir.tmp"
    fi
    echo "$dir"
}

bench() {
    local name=$1 dir=$2
    rm -rf "$dir/.mu"
    local a_list="" b_list="" rss_list=""
    for _ in $(seq "$runs"); do
        a_list+="$("$floor" "$dir" "$jobs" | sed 's/.*"seconds": \([0-9.]*\).*/\1/')"$'\n'
        rm -rf "$dir/.mu"
        local out
        out=$( { /usr/bin/time -f '%e %M' "$mu" index "$dir" --force --jobs "$jobs" --quiet; } 2>&1 | tail -1)
        b_list+="$(echo "$out" | cut -d' ' -f1)"$'\n'
        rss_list+="$(echo "$out" | cut -d' ' -f2)"$'\n'
    done
    local a b rss
    a=$(printf '%s' "$a_list" | median)
    b=$(printf '%s' "$b_list" | median)
    rss=$(printf '%s' "$rss_list" | median)
    local c_list="" d_list="" t_list="" start_list=""
    local victim
    victim=$(cd "$dir" && find . -path ./.mu -prune -o -type f \( -name '*.py' -o -name '*.ts' -o -name '*.go' \
        -o -name '*.c' \) -size +20k -print | sort | sed -n 1p)
    local comment='//'
    [[ "$victim" == *.py ]] && comment='#'
    for i in $(seq "$runs"); do
        c_list+="$(seconds "$mu" index "$dir" --jobs "$jobs" --quiet)"$'\n'
        printf '\n%s bench edit %s\n' "$comment" "$i" >> "$dir/$victim"
        d_list+="$(seconds "$mu" index "$dir" --jobs "$jobs" --quiet)"$'\n'
        touch "$dir/$victim"
        t_list+="$(seconds "$mu" index "$dir" --jobs "$jobs" --quiet)"$'\n'
        start_list+="$(seconds "$mu" --version)"$'\n'
    done
    local c d t start
    c=$(printf '%s' "$c_list" | median)
    d=$(printf '%s' "$d_list" | median)
    t=$(printf '%s' "$t_list" | median)
    start=$(printf '%s' "$start_list" | median)
    local stats files lines
    stats=$("$mu" status "$dir" --json)
    files=$("$floor" "$dir" 1 | sed 's/.*"files": \([0-9]*\).*/\1/')
    lines=$("$floor" "$dir" 1 | sed 's/.*"lines": \([0-9]*\).*/\1/')
    local nodes edges
    nodes=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["nodes"])')
    edges=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["edges"])')
    printf '| %s | %s | %s | %.2f | %.2f | **%.2f** | %.3f | %.3f (%.0f ms beyond start) | %.3f | %d | %.0f | %s | %s |\n' \
        "$name" "$files" "$lines" "$a" "$b" "$(echo "$b / $a" | bc -l)" "$c" "$d" \
        "$(echo "($d - $start) * 1000" | bc -l)" "$t" "$((rss / 1024))" "$(echo "$lines / $b" | bc -l)" "$nodes" "$edges"
}

echo "| corpus | files | lines | (a) parse only s | (b) index --force s | b/a | (c) unchanged s | (d) one file edited s | touched only s | peak RSS (b) MB | lines/s (b) | nodes | edges |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
case "$which" in
python | all) bench "Python stdlib" "$(prepare_python)" ;;
esac
case "$which" in
typescript | all) bench "TypeScript (typescript@5.9.3 + @types/node)" "$(prepare_typescript)" ;;
esac
case "$which" in
go | all) bench "Go 1.19 standard library" "$(prepare_go)" ;;
esac
case "$which" in
c | all) bench "Linux 6.1 kernel/ + fs/ (C)" "$(prepare_c)" ;;
esac
