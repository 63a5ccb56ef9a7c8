#!/bin/sh
# SPDX-License-Identifier: MIT
# A ten-line program built against the installed library (install_destdir's DESTDIR) with
# `pkg-config --cflags --libs copydesk`, the prefix pointed into the DESTDIR, normalizes a
# string. Also: the library's SONAME, that it exports the public API only, and that the
# public header compiles as C++.
set -eu
inst=$CD_DESTDIR$CD_PREFIX
work=$CD_BUILD/test-tmp/pkgconfig
rm -rf "$work"
mkdir -p "$work"
fail() { echo "install_pkgconfig: $*" >&2; exit 1; }
export PKG_CONFIG_PATH="$inst/$CD_LIBDIR/pkgconfig"
pc() { pkg-config --define-variable=prefix="$inst" "$@" copydesk; }
flags="$(pc --cflags) $(pc --libs)"
case "$flags" in *"$CD_DESTDIR"*) ;; *) fail "pkg-config flags do not point into the DESTDIR: $flags" ;; esac
[ "$(pc --modversion)" = "$(sed -n 's/^project(copydesk VERSION \([0-9.]*\).*/\1/p' "$CD_SOURCE/CMakeLists.txt")" ] ||
  fail "pkg-config --modversion: $(pc --modversion)"

cat >"$work/prog.c" <<'PROG'
#include <copydesk/copydesk.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  const char *in = "He said \"wait\" -- then left.\n";
  cd_normalized *n; cd_error err; size_t len;
  if (argc < 2 || cd_normalize_text(in, strlen(in), "en", argv[1], &n, &err)) return 1;
  const cd_logged_change *c = cd_normalized_change(n, 0);
  printf("%s|%s|%zu|%s|%s", cd_version(), cd_normalized_lang(n), cd_normalized_change_count(n), c ? c->stage : "-", cd_normalized_text(n, &len));
  cd_normalized_free(n); return 0;
}
PROG
# shellcheck disable=SC2046,SC2086 # the flags are words
"$CD_CC" $CD_TEST_CFLAGS -std=c11 -Wall -Wextra -Werror $(pc --cflags) "$work/prog.c" -o "$work/prog" $(pc --libs) ||
  fail "cannot build a program against the installed library"
LD_LIBRARY_PATH="$inst/$CD_LIBDIR" "$work/prog" "$inst/$CD_DATADIR/copydesk" >"$work/out" ||
  fail "the program failed"
version=$(pc --modversion)
printf '%s|en|3|typography|He said \342\200\234wait\342\200\235 \342\200\224 then left.\n' "$version" >"$work/expected"
cmp -s "$work/out" "$work/expected" || fail "output: $(cat "$work/out"), expected: $(cat "$work/expected")"

so="$inst/$CD_LIBDIR/libcopydesk.so"
readelf -d "$so" | grep -q 'SONAME.*\[libcopydesk\.so\.[0-9]*\]' || fail "no SONAME libcopydesk.so.N"
readelf -d "$work/prog" | grep -q 'NEEDED.*\[libcopydesk\.so\.[0-9]*\]' || fail "prog does not need libcopydesk.so.N"
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^_' | sort)
unexpected=$(printf '%s\n' "$exported" | grep -v -x -e 'cd_version' -e 'cd_data_dir_installed' \
  -e 'cd_status_name' -e 'cd_normalize_text' -e 'cd_normalized_[a-z_]*' || true)
[ -z "$unexpected" ] || fail "exported beyond the public API: $(printf '%s ' $unexpected)"
printf '%s\n' "$exported" | grep -q -x cd_normalize_text || fail "cd_normalize_text not exported"
if command -v c++ >/dev/null 2>&1; then
  printf '#include <copydesk/copydesk.h>\nint main() { return cd_version() ? 0 : 1; }\n' >"$work/cxx.cc"
  # shellcheck disable=SC2046
  c++ -Wall -Wextra -Werror $(pc --cflags) -fsyntax-only "$work/cxx.cc" || fail "the header is not C++-clean"
fi
echo "install_pkgconfig: ok"
