#!/bin/sh
# SPDX-License-Identifier: MIT
# ctest fixture: `cmake --install` of the build tree into a fresh DESTDIR under it, then a
# check that the installation holds what a package ships and nothing else: the program in
# bin/, the data it reads in share/copydesk/ (no READMEs, build files, stamps or names sources),
# the library, its headers and its pkg-config file.
set -eu
rm -rf "$CD_DESTDIR"
DESTDIR=$CD_DESTDIR "$CMAKE_COMMAND" --install "$CD_BUILD" >/dev/null
inst=$CD_DESTDIR$CD_PREFIX
fail() { echo "install_destdir: $*" >&2; exit 1; }
[ -x "$inst/$CD_BINDIR/copydesk" ] || fail "no $CD_BINDIR/copydesk"
data=$inst/$CD_DATADIR/copydesk
for f in names.sqlite names.sqlite.filter styles/en.tsv abbrev/en.tsv boilerplate/patterns-en.tsv \
    langid/fpdb.conf langid/function-words.txt mojibake/charsets.tsv translit/uk-Latn-2010.txt \
    names/particles.txt check/quotes.tsv wire/xml.tsv; do
  [ -f "$data/$f" ] || fail "missing data file $f"
done
unwanted=$(find "$data" \( -name '*.md' -o -name '.*' -o -name '*.cmake' -o -name 'CMake*' \
  -o -path '*/names/*.tsv' \) -print)
[ -z "$unwanted" ] || fail "data that the program does not read: $unwanted"
# nothing outside bin/, share/copydesk/, the library directory and include/copydesk/
others=$(cd "$inst" && find . -type f -o -type l | grep -v -e "^\./$CD_BINDIR/copydesk\$" \
  -e "^\./$CD_DATADIR/copydesk/" -e "^\./$CD_LIBDIR/libcopydesk\.so" \
  -e "^\./$CD_LIBDIR/pkgconfig/copydesk\.pc\$" -e "^\./$CD_INCLUDEDIR/copydesk/[a-z_]*\.h\$" || true)
[ -z "$others" ] || fail "unexpected files installed: $others"
echo "install_destdir: ok ($(cd "$inst" && find . -type f | wc -l) files under $inst)"
