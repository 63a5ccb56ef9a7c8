#!/bin/sh
# SPDX-License-Identifier: MIT
# ctest: the generated zsh completion (share/zsh/vendor-completions/_copydesk) parses
# (zsh -n) and names every subcommand. Skipped (77) when zsh is not installed.
set -u
file=$1
if ! command -v zsh >/dev/null 2>&1; then
  echo "completion_zsh: zsh not installed (apt-get install zsh): skipped"
  exit 77
fi
zsh -n "$file" || { echo "completion_zsh: zsh -n $file failed" >&2; exit 1; }
head -n 1 "$file" | grep -qx '#compdef copydesk' || { echo "completion_zsh: no #compdef line" >&2; exit 1; }
for sub in normalize names segment align tm check serve; do
  grep -q "^    $sub)" "$file" || { echo "completion_zsh: no case for $sub" >&2; exit 1; }
done
grep -q -- "'--no-decode\[" "$file" || { echo "completion_zsh: no --no-decode" >&2; exit 1; }
echo "completion_zsh: ok"
