#!/usr/bin/env bash
# Fails if any C++ source differs from what clang-format (root .clang-format) would write.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard '*.cpp' '*.hpp' '*.h' 2>/dev/null ||
                     find core apps tests bench -name '*.cpp' -o -name '*.hpp')
clang-format --dry-run --Werror "${files[@]}"
