#!/bin/sh
# SPDX-License-Identifier: MIT
# ctest: every C source and header follows the repository's .clang-format (one format, checked
# here rather than by habit). Skipped (77) without clang-format (apt-get install clang-format).
set -u
cd "$CD_SOURCE"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format not installed (apt-get install clang-format): skipped"
  exit 77
fi
bad=$(find src tm tools tests include -type f \( -name '*.c' -o -name '*.h' \) \
  ! -path 'tests/fixtures/*' ! -path 'tests/fuzz/corpus/*' | sort | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [ -n "$bad" ]; then
  echo "format: not as .clang-format lays it out (clang-format -i FILE):" >&2
  echo "$bad" >&2
  exit 1
fi
echo "format: ok"
