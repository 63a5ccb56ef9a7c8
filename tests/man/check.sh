#!/bin/sh
# SPDX-License-Identifier: MIT
# ctest: the generated man pages (build/man) format without a warning (groff -ww), and every
# option that a subcommand's --help lists (the option table) is in its page's OPTIONS.
# Usage: check.sh MAN_DIR COPYDESK. Skipped (77) without groff (apt-get install groff-base).
set -u
dir=$1
copydesk=$2
if ! command -v groff >/dev/null 2>&1; then
  echo "man_pages: groff not installed (apt-get install groff-base): skipped"
  exit 77
fi
fail=0
bad() {
  echo "man_pages: $*" >&2
  fail=1
}
for page in copydesk.1 copydesk-normalize.1 copydesk-names.1 copydesk-segment.1 \
  copydesk-align.1 copydesk-tm.1 copydesk-check.1 copydesk-serve.1 copydesk-dicts.5; do
  f=$dir/$page
  [ -f "$f" ] || { bad "no $page"; continue; }
  warnings=$(groff -k -ww -man -Tutf8 -z "$f" 2>&1)
  [ -z "$warnings" ] || bad "$page: groff -ww: $warnings"
  text=$(groff -k -man -Tutf8 "$f" 2>/dev/null | sed 's/.\x08//g')
  case $page in
    *.1) sections="NAME SYNOPSIS DESCRIPTION EXAMPLES EXIT_STATUS ENVIRONMENT SEE_ALSO" ;;
    *) sections="NAME DESCRIPTION FILES SEE_ALSO" ;;
  esac
  for s in $sections; do
    s=$(printf '%s' "$s" | tr _ ' ')
    printf '%s\n' "$text" | grep -q "^$s" || bad "$page: no $s section"
  done
done
for sub in normalize names segment align tm check serve; do
  f=$dir/copydesk-$sub.1
  [ -f "$f" ] || continue
  grep -q '^\.SH OPTIONS' "$f" || bad "copydesk-$sub.1: no OPTIONS section"
  opts=$("$copydesk" "$sub" --help | sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z-]*\).*/\1\2/p')
  [ -n "$opts" ] || bad "copydesk $sub --help lists no option"
  printf '%s\n' "$opts" | while IFS= read -r o; do
    long=$(printf '%s' "${o##*--}" | sed 's/-/\\-/g')
    grep -qF "\\fB\\-\\-$long\\fR" "$f" || { echo "man_pages: copydesk-$sub.1 lacks --$long" >&2; exit 1; }
    case $o in
      -?,*) short=$(printf '%s' "$o" | cut -c2)
        grep -qF "\\fB\\-$short\\fR, \\fB\\-\\-$long\\fR" "$f" ||
          { echo "man_pages: copydesk-$sub.1 lacks -$short" >&2; exit 1; } ;;
    esac
  done || fail=1
done
[ $fail -eq 0 ] && echo "man_pages: ok"
exit $fail
