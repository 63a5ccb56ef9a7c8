#!/bin/sh
# SPDX-License-Identifier: MIT
# Every source file says its licence in its first lines (SPDX-License-Identifier), and the
# licence it names is the one in LICENSE: C and headers, CMake files, shell and Python
# scripts (data files, fixtures and fuzz corpora excepted).
set -eu
cd "$CD_SOURCE"
[ -f LICENSE ] && grep -q '^MIT License' LICENSE || { echo "licence_spdx: LICENSE is not the MIT licence" >&2; exit 1; }
missing=$(
  {
    find src tm tools tests include -type f \( -name '*.c' -o -name '*.h' -o -name '*.cmake' \
      -o -name 'CMakeLists.txt' -o -name '*.sh' -o -name '*.py' \) \
      ! -path 'tests/fixtures/*' ! -path 'tests/fuzz/corpus/*'
    # scripts without an extension: whatever starts with #!
    find tools .ci -type f ! -name '*.*' 2>/dev/null | while read -r f; do
      head -c 2 "$f" | grep -q '^#!' && echo "$f"
    done
    echo CMakeLists.txt
    [ ! -f debian/rules ] || echo debian/rules
  } | sort -u | while read -r f; do
    head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"
  done
)
if [ -n "$missing" ]; then
  echo "licence_spdx: no 'SPDX-License-Identifier: MIT' in the first lines of:" >&2
  echo "$missing" >&2
  exit 1
fi
echo "licence_spdx: ok"
