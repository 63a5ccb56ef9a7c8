#!/bin/bash
# SPDX-License-Identifier: MIT
# ctest: the generated bash completion (share/bash-completion/completions/copydesk).
# Usage: bash.sh COMPLETION_FILE COPYDESK
# Sourced into a non-interactive bash, it registers itself; completing a command line lists
# the subcommands, every option of each subcommand's --help, the normalize stage switches and
# the values of an option's argument.
set -u
file=$1
copydesk=$2
fail=0
bad() {
  echo "completion_bash: $*" >&2
  fail=1
}

# shellcheck source=/dev/null
source "$file" || { echo "completion_bash: cannot source $file" >&2; exit 1; }
spec=$(complete -p copydesk 2>/dev/null) || bad "complete -p copydesk: nothing registered"
case $spec in *"-F _copydesk"*) ;; *) bad "complete -p copydesk: '$spec'" ;; esac

# complete WORD...: the candidates for the last word, one a line
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _copydesk
  if [ ${#COMPREPLY[@]} -gt 0 ]; then printf '%s\n' "${COMPREPLY[@]}"; fi
}
# expect "DESCRIPTION" CANDIDATES WORD...: each must be offered
expect() {
  local what=$1 got
  shift
  got=$(complete_line "${@:2}")
  for w in $1; do
    grep -qxF -- "$w" <<<"$got" || bad "$what: '$w' not offered for '${*:2}' (got: $(echo $got))"
  done
}

subs="normalize names segment align tm check serve"
expect "subcommands" "$subs help" copydesk ""
expect "subcommands after help" "$subs" copydesk help ""
expect "stage switches" "--no-decode --no-mojibake --no-unicode --no-typography \
--no-boilerplate --no-names" copydesk normalize --no-
got=$(complete_line copydesk normalize --no-)
grep -qvE -- '^--no-' <<<"$got" && bad "'copydesk normalize --no-' offers more than --no-*: $got"
expect "input formats" "newsml nitf ninjs" copydesk normalize --input-format n
expect "names actions" "lookup compile import export discover" copydesk names ""
expect "tm actions" "import export add stats lookup concord migrate" copydesk tm ""
expect "tm migrate options" "--from --to --busy-timeout" copydesk tm migrate --
expect "tm formats" "text json" copydesk tm lookup --format ""
expect "version" "--version" copydesk segment --v

# every option that a subcommand's --help lists is completed (the same table makes both)
for sub in $subs; do
  opts=$("$copydesk" "$sub" --help | sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z-]*\).*/\2/p')
  [ -n "$opts" ] || bad "$sub --help lists no option"
  case $sub in names | tm) action=lookup ;; *) action= ;; esac
  expect "$sub options" "$opts" copydesk "$sub" $action -
done

[ $fail -eq 0 ] && echo "completion_bash: ok"
exit $fail
