#!/bin/sh
# SPDX-License-Identifier: MIT
# The installed program (from install_destdir's DESTDIR) never reads the build tree: it gives
# the build's output with COPYDESK_DATA naming the installed data, and without it; a copy of
# the installation whose data is broken fails naming its own data (the build tree's data,
# intact, is not used); with the build tree's data moved away it still works, while the
# build tree's binary no longer gives its output (so the run really lacked that data).
set -eu
inst=$CD_DESTDIR$CD_PREFIX
bin=$inst/$CD_BINDIR/copydesk
sample=$CD_SOURCE/samples/wire-en.txt
work=$CD_BUILD/test-tmp/run-installed
rm -rf "$work"
mkdir -p "$work"
fail() { echo "install_run_installed: $*" >&2; exit 1; }
unset COPYDESK_DATA || true

COPYDESK_DATA=$CD_BUILD/data "$CD_BUILD/copydesk" normalize --lang en "$sample" >"$work/expected"
[ -s "$work/expected" ] || fail "the build tree's program wrote nothing"

COPYDESK_DATA=$inst/$CD_DATADIR/copydesk "$bin" normalize --lang en "$sample" >"$work/with-env" ||
  fail "the installed program failed with COPYDESK_DATA set"
cmp -s "$work/expected" "$work/with-env" || fail "output differs with COPYDESK_DATA=installed data"

"$bin" normalize --lang en "$sample" >"$work/no-env" ||
  fail "the installed program failed without COPYDESK_DATA"
cmp -s "$work/expected" "$work/no-env" || fail "output differs without COPYDESK_DATA"

# A copy of the installation with its styles removed: it must read its own (broken) data.
cp -a "$inst" "$work/copy"
rm -r "$work/copy/$CD_DATADIR/copydesk/styles"
if "$work/copy/$CD_BINDIR/copydesk" normalize --lang en "$sample" >"$work/copy.out" \
  2>"$work/copy.err"; then
  fail "a copy whose data lacks styles/ ran: it read some other data (the build tree's?)"
fi
grep -q "$work/copy/" "$work/copy.err" || fail "the error does not name the copy's data: $(cat "$work/copy.err")"

# The build tree's data moved away (this test runs alone: RUN_SERIAL).
moved=$CD_BUILD/data.moved-by-test
[ ! -e "$moved" ] || fail "$moved exists (a previous run interrupted?): move it back to $CD_BUILD/data"
mv "$CD_BUILD/data" "$moved"
trap 'mv "$moved" "$CD_BUILD/data"' EXIT INT TERM
"$bin" normalize --lang en "$sample" >"$work/moved" ||
  fail "the installed program failed with the build tree's data moved away"
cmp -s "$work/expected" "$work/moved" || fail "output differs with the build tree's data moved away"
if "$CD_BUILD/copydesk" normalize --lang en "$sample" >"$work/build-moved" 2>/dev/null &&
  cmp -s "$work/expected" "$work/build-moved"; then
  fail "the build tree's program gave its usual output without its data: the test proves nothing"
fi
echo "install_run_installed: ok"
