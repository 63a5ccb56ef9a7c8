#!/bin/sh
# SPDX-License-Identifier: MIT
# ctest fixture: `cmake --install` of the build tree into a fresh DESTDIR under it, then a
# check that the installation holds what a package ships and nothing else: the program in
# bin/, the data it reads in share/copydesk/ (no READMEs, build files, stamps or names sources),
# the library, its headers and its pkg-config file, the man pages and the bash and zsh completions.
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
for p in man1/copydesk.1 man1/copydesk-normalize.1 man1/copydesk-names.1 man1/copydesk-segment.1 \
    man1/copydesk-align.1 man1/copydesk-tm.1 man1/copydesk-check.1 man1/copydesk-serve.1 \
    man5/copydesk-dicts.5; do
  [ -f "$inst/$CD_MANDIR/$p" ] || fail "missing man page $p"
done
[ -f "$inst/$CD_DATADIR/bash-completion/completions/copydesk" ] || fail "no bash completion"
[ -f "$inst/$CD_DATADIR/zsh/vendor-completions/_copydesk" ] || fail "no zsh completion"
# nothing outside bin/, share/copydesk/, the library directory, include/copydesk/, the man
# pages and the completions
others=$(cd "$inst" && find . -type f -o -type l | grep -v -e "^\./$CD_BINDIR/copydesk\$" \
  -e "^\./$CD_DATADIR/copydesk/" -e "^\./$CD_LIBDIR/libcopydesk\.so" \
  -e "^\./$CD_LIBDIR/pkgconfig/copydesk\.pc\$" -e "^\./$CD_INCLUDEDIR/copydesk/[a-z_]*\.h\$" \
  -e "^\./$CD_DATADIR/bash-completion/completions/copydesk\$" \
  -e "^\./$CD_DATADIR/zsh/vendor-completions/_copydesk\$" \
  -e "^\./$CD_MANDIR/man1/copydesk[a-z-]*\.1\$" -e "^\./$CD_MANDIR/man5/copydesk-dicts\.5\$" || true)
[ -z "$others" ] || fail "unexpected files installed: $others"
echo "install_destdir: ok ($(cd "$inst" && find . -type f | wc -l) files under $inst)"
