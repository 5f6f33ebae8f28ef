#!/usr/bin/env bash
# Fails (listing the files) when a tracked C++ file is not clang-format clean.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
command -v clang-format >/dev/null || { echo "clang-format is not installed" >&2; exit 1; }
bad=()
while IFS= read -r -d '' file; do
    clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done < <(git ls-files -z '*.cpp' '*.h' 2>/dev/null || find app core tests bench \( -name '*.cpp' -o -name '*.h' \) -print0)
if [ ${#bad[@]} -gt 0 ]; then
    printf 'not clang-format clean (run: clang-format -i FILE):\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "clang-format clean"
