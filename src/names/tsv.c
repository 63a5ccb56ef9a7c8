/* SPDX-License-Identifier: MIT */
/* The dicts/names TSV source format (dicts/names/README.md): parsing and validation. */
#include "names_internal.h"

#include "cd_lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cd_names_langs[CD_NAMES_NLANG] = {"en", "fr", "de", "uk", "ru"};

static const char header[] = "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext";

static bool id_ok(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return false;
  return true;
}

static cd_status parse_row(cd_names_row *r, cd_error *err) {
  /* the whole line, before the cells are cut apart with NULs */
  size_t bad = cd_utf8_valid_prefix(r->line, strlen(r->line));
  if (r->line[bad])
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: malformed line: invalid UTF-8 at byte %zu of the line", r->file,
                        r->lineno, bad + 1);
  char *cells[9];
  size_t n = 0;
  char *p = r->line;
  cells[n++] = p;
  for (; *p; p++)
    if (*p == '\t') {
      *p = '\0';
      if (n == 9)
        return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: malformed line: more than 9 columns",
                            r->file, r->lineno);
      cells[n++] = p + 1;
    }
  if (n != 9)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: malformed line: %zu columns, expected 9 (id type en fr de uk "
                        "ru variants context, tab-separated)",
                        r->file, r->lineno, n);
  r->id = cells[0];
  r->type = cells[1];
  if (!id_ok(r->id))
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s:%lu: bad id '%s' (lowercase ASCII letters, digits and '-')", r->file,
                        r->lineno, r->id);
  if (strcmp(r->type, "person") && strcmp(r->type, "place") && strcmp(r->type, "org"))
    return cd_error_set(err, CD_ERR_INPUT, "%s:%lu: unknown type '%s' (person, place or org)",
                        r->file, r->lineno, r->type);
  for (int i = 0; i < CD_NAMES_NLANG; i++)
    r->canon[i] = (strcmp(cells[2 + i], "-") == 0 || !cells[2 + i][0]) ? NULL : cells[2 + i];
  r->variants = strcmp(cells[7], "-") == 0 ? cells[7] + 1 : cells[7];
  r->context = strcmp(cells[8], "-") == 0 ? cells[8] + 1 : cells[8];
  return CD_OK;
}

cd_status cd_names_tsv_read(const char *path, cd_names_row_fn fn, void *ud, cd_error *err) {
  cd_lines in;
  cd_status st = cd_lines_open(&in, path, err);
  char *line;
  size_t len;
  bool have_header = false;
  while (!st && !(st = cd_lines_next(&in, &line, &len, err)) && line) {
    unsigned long lineno = (unsigned long)in.lineno;
    if (len == 0 || line[0] == '#')
      continue;
    if (!have_header) {
      if (strcmp(line, header) != 0)
        st = cd_error_set(err, CD_ERR_INPUT,
                          "%s:%lu: expected the header line 'id<TAB>type<TAB>en<TAB>fr<TAB>"
                          "de<TAB>uk<TAB>ru<TAB>variants<TAB>context'",
                          path, lineno);
      have_header = true;
      continue;
    }
    cd_names_row r;
    memset(&r, 0, sizeof r);
    r.file = path;
    r.lineno = lineno;
    r.line = strdup(line);
    if (!r.line) {
      st = cd_error_set(err, CD_ERR_NOMEM, "out of memory");
      break;
    }
    st = parse_row(&r, err);
    if (!st)
      st = fn(ud, &r, err);
    free(r.line);
  }
  cd_lines_close(&in);
  return st;
}

cd_status cd_names_ctx_each(const char *ctx, cd_names_ctx_fn fn, void *ud) {
  const char *p = ctx;
  while (*p) {
    const char *end = strchr(p, ';');
    if (!end)
      end = p + strlen(p);
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (eq) {
      const char *key = p;
      size_t klen = (size_t)(eq - p);
      while (klen && key[0] == ' ')
        key++, klen--;
      const char *v = eq + 1;
      while (v < end) {
        const char *ve = memchr(v, ',', (size_t)(end - v));
        if (!ve)
          ve = end;
        const char *vs = v;
        while (vs < ve && *vs == ' ')
          vs++;
        size_t vl = (size_t)(ve - vs);
        while (vl && vs[vl - 1] == ' ')
          vl--;
        if (vl) {
          cd_status st = fn(ud, key, klen, vs, vl);
          if (st)
            return st;
        }
        v = ve + 1;
      }
    }
    p = *end ? end + 1 : end;
  }
  return CD_OK;
}
