/* SPDX-License-Identifier: MIT */
/* The mojibake stage's tables: which charsets to try (dicts/mojibake/charsets.tsv), their
 * byte <-> code point maps (built through glibc iconv, never typed in), the fast-path mask
 * and the set of letters some language really uses (CLDR exemplars through ICU). */
#include "mojibake_internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>

/* Used when no data directory is known: the charset names only, in the documented order. */
static const char default_charsets[] = "cp1252\tCP1252\t2\tyes\tÂÃ\n"
                                       "latin-1\tISO-8859-1\t2\tno\tÂÃ\n"
                                       "cp1251\tCP1251\t2\tyes\t-\n"
                                       "cp1250\tCP1250\t2\tyes\t-\n"
                                       "iso-8859-2\tISO-8859-2\t2\tno\t-\n"
                                       "cp1257\tCP1257\t2\tyes\t-\n"
                                       "koi8\tKOI8-U+KOI8-R\t2\tno\t-\n"
                                       "macroman\tMACINTOSH\t2\tno\t-\n"
                                       "cp437\tCP437\t2\tno\t-\n";

static cd_status read_file(const char *path, cd_buf *out, bool *missing, cd_error *err) {
  FILE *f = fopen(path, "rb");
  *missing = false;
  if (!f) {
    if (errno == ENOENT) {
      *missing = true;
      return CD_OK;
    }
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open: %s", path, strerror(errno));
  }
  char chunk[4096];
  size_t got;
  cd_status st = CD_OK;
  while (!st && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
    st = cd_buf_append(out, chunk, got);
  if (!st && ferror(f))
    st = cd_error_set(err, CD_ERR_IO, "%s: read error", path);
  fclose(f);
  if (!st && !out->data)
    st = cd_buf_append(out, "", 0);
  return st;
}

/* Decodes byte b of charset ic into a code point, or MJ_UNDEFINED. */
static uint32_t decode_byte(iconv_t ic, unsigned char b) {
  char in[1] = {(char)b}, outb[8];
  char *ip = in, *op = outb;
  size_t il = 1, ol = sizeof outb;
  iconv(ic, NULL, NULL, NULL, NULL);
  if (iconv(ic, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
    return MJ_UNDEFINED;
  size_t i = 0;
  int32_t c = cd_utf8_next(outb, (size_t)(op - outb), &i);
  if (c < 0 || i != (size_t)(op - outb))
    return MJ_UNDEFINED; /* decomposed into several code points: not usable */
  return (uint32_t)c;
}

/* iconv_name may list several charsets joined by '+' ("KOI8-U+KOI8-R"): bytes decode as
 * in the first, and a character of any of them encodes to its byte, so that text damaged
 * through either variant is one candidate. */
static cd_status build_charset(mj_charset *cs, const char *src, size_t line, cd_error *err) {
  cs->from_cp = calloc(0x10000, 1);
  if (!cs->from_cp)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  char names[sizeof cs->iconv_name];
  snprintf(names, sizeof names, "%s", cs->iconv_name);
  bool first = true;
  for (char *name = names; name && *name; first = false) {
    char *plus = strchr(name, '+');
    if (plus)
      *plus = '\0';
    iconv_t ic = iconv_open("UTF-8", name);
    if (ic == (iconv_t)-1)
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: iconv does not know charset %s", src, line,
                          name);
    uint32_t map[256];
    for (unsigned b = 0; b < 256; b++) {
      map[b] = b < 0x80 ? b : decode_byte(ic, (unsigned char)b);
      if (b >= 0x80 && map[b] == MJ_UNDEFINED && cs->sloppy)
        map[b] = b; /* "sloppy": the byte's Latin-1 reading, e.g. 0x81 -> U+0081 */
    }
    iconv_close(ic);
    if (first)
      memcpy(cs->to_cp, map, sizeof map);
    for (unsigned b = 0x80; b < 256; b++)
      if (map[b] != MJ_UNDEFINED && map[b] < 0x10000 && map[b] >= 0x80 &&
          cs->from_cp[map[b]] == MJ_NO_BYTE)
        cs->from_cp[map[b]] = (uint8_t)b;
    name = plus ? plus + 1 : NULL;
  }
  /* Sloppy also means that a C1 control stands for its own byte: text that went through
   * Latin-1 in one place and cp1252 in another mixes both. */
  if (cs->sloppy)
    for (unsigned b = 0x80; b < 0xA0; b++)
      if (cs->from_cp[b] == MJ_NO_BYTE)
        cs->from_cp[b] = (uint8_t)b;
  return CD_OK;
}

/* Splits s at tabs into at most max fields (in place). */
static size_t split_tabs(char *s, char **f, size_t max) {
  size_t n = 0;
  while (n < max) {
    f[n++] = s;
    char *t = strchr(s, '\t');
    if (!t)
      break;
    *t = '\0';
    s = t + 1;
  }
  return n;
}

static cd_status add_strong(mj_tables *t, const char *s) {
  size_t len = strlen(s), i = 0;
  if (strcmp(s, "-") == 0)
    return CD_OK;
  while (i < len) {
    int32_t c = cd_utf8_next(s, len, &i);
    if (c < 0)
      return CD_ERR_DATA;
    bool seen = false;
    for (size_t k = 0; k < t->n_strong; k++)
      seen |= t->strong[k] == (uint32_t)c;
    if (!seen && t->n_strong < sizeof t->strong / sizeof t->strong[0])
      t->strong[t->n_strong++] = (uint32_t)c;
  }
  return CD_OK;
}

static cd_status parse_charsets(mj_tables *t, char *text, const char *src, cd_error *err) {
  size_t line = 0;
  char *save = text;
  while (save && *save) {
    char *l = save;
    char *nl = strchr(l, '\n');
    save = nl ? nl + 1 : NULL;
    if (nl)
      *nl = '\0';
    line++;
    size_t ll = strlen(l);
    if (ll && l[ll - 1] == '\r')
      l[--ll] = '\0';
    if (ll == 0 || l[0] == '#')
      continue;
    char *f[5] = {0};
    size_t nf = split_tabs(l, f, 5);
    if (nf < 3)
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: expected name, iconv, min_gain", src, line);
    if (t->n == MJ_MAX_CHARSETS)
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: more than %d charsets", src, line,
                          MJ_MAX_CHARSETS);
    mj_charset *cs = &t->cs[t->n];
    if (strlen(f[0]) >= sizeof cs->name || strlen(f[1]) >= sizeof cs->iconv_name)
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: name too long", src, line);
    snprintf(cs->name, sizeof cs->name, "%s", f[0]);
    snprintf(cs->iconv_name, sizeof cs->iconv_name, "%s", f[1]);
    char *end;
    long g = strtol(f[2], &end, 10);
    if (end == f[2] || *end || g < 0 || g > 100)
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: bad min_gain '%s'", src, line, f[2]);
    cs->min_gain = (int)g;
    cs->sloppy = nf > 3 && strcmp(f[3], "yes") == 0;
    cd_status st = build_charset(cs, src, line, err);
    t->n++; /* counted even on failure so that the free path sees from_cp */
    if (st)
      return st;
    if (nf > 4 && add_strong(t, f[4]))
      return cd_error_set(err, CD_ERR_DATA, "%s:%zu: strong leads are not UTF-8", src, line);
  }
  if (t->n == 0)
    return cd_error_set(err, CD_ERR_DATA, "%s: no charset listed", src);
  return CD_OK;
}

/* A list of one word a line ('#' starts a comment line) into *list, appended. */
static cd_status parse_list(char *text, char ***list, size_t *n) {
  for (char *l = text; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl)
      *nl = '\0';
    size_t ll = strlen(l);
    if (ll && l[ll - 1] == '\r')
      l[--ll] = '\0';
    if (ll && l[0] != '#') {
      char **nj = realloc(*list, (*n + 1) * sizeof *nj);
      if (!nj)
        return CD_ERR_NOMEM;
      *list = nj;
      (*list)[*n] = strdup(l);
      if (!(*list)[*n])
        return CD_ERR_NOMEM;
      (*n)++;
    }
    l = nl ? nl + 1 : NULL;
  }
  return CD_OK;
}

static void free_list(char **list, size_t n) {
  for (size_t k = 0; k < n; k++)
    free(list[k]);
  free(list);
}

/* The standard exemplar letters of one language, in both cases, or NULL. */
static USet *exemplars_of(const char *loc) {
  UErrorCode ec = U_ZERO_ERROR;
  ULocaleData *ld = ulocdata_open(loc, &ec);
  if (U_FAILURE(ec))
    return NULL;
  ec = U_ZERO_ERROR;
  USet *es = ulocdata_getExemplarSet(ld, NULL, USET_IGNORE_SPACE, ULOCDATA_ES_STANDARD, &ec);
  ulocdata_close(ld);
  if (U_FAILURE(ec)) {
    if (es)
      uset_close(es);
    return NULL;
  }
  if (es)
    uset_closeOver(es, USET_ADD_CASE_MAPPINGS);
  return es;
}

/* t->alpha: per BMP code point from U+0080, bit j = a letter of language j of the list. */
static cd_status build_alphabets(mj_tables *t, char **langs, size_t n, cd_error *err) {
  t->alpha = calloc(0x10000, sizeof *t->alpha);
  if (!t->alpha)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  t->n_alpha = n < 32 ? n : 32;
  for (size_t j = 0; j < n && j < 32; j++) {
    USet *es = exemplars_of(langs[j]);
    if (!es)
      continue;
    for (int32_t r = 0; r < uset_getRangeCount(es); r++) {
      UChar32 lo, hi;
      UErrorCode ec = U_ZERO_ERROR;
      if (uset_getItem(es, r, &lo, &hi, NULL, 0, &ec) != 0 || U_FAILURE(ec))
        continue;
      for (UChar32 c = lo < 0x80 ? 0x80 : lo; c <= hi && c < 0x10000; c++)
        t->alpha[c] |= 1u << j;
    }
    uset_close(es);
  }
  return CD_OK;
}

/* The letters that some language in CLDR writes (the standard exemplars of every
 * language ICU has; auxiliary sets list archaic letters such as ſ), in both cases. A letter outside
 * it (ɒ, ſ, ʅ) is what a wrong decoding produces, not what people write. */
static cd_status build_plausible(mj_tables *t, cd_error *err) {
  t->plausible = uset_openEmpty();
  if (!t->plausible)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  int32_t n = uloc_countAvailable();
  for (int32_t i = 0; i < n; i++) {
    const char *loc = uloc_getAvailable(i);
    if (strchr(loc, '_'))
      continue; /* languages only: regional variants add no letters */
    USet *es = exemplars_of(loc);
    if (es) {
      uset_addAll(t->plausible, es);
      uset_close(es);
    }
  }
  uset_freeze(t->plausible);
  return CD_OK;
}

static cd_status build_rules(mj_tables *t) {
  size_t n = t->n, total = n + n * n;
  t->rules = calloc(total, sizeof *t->rules);
  if (!t->rules)
    return CD_ERR_NOMEM;
  for (size_t o = 0; o < n; o++) {
    cd_buf b = CD_BUF_INIT;
    if (cd_buf_appendf(&b, "mojibake.utf8-as-%s", t->cs[o].name))
      return CD_ERR_NOMEM;
    t->rules[o] = b.data;
    for (size_t i = 0; i < n; i++) {
      cd_buf r = CD_BUF_INIT;
      cd_status st =
          o == i ? cd_buf_appendf(&r, "mojibake.utf8-as-%s-twice", t->cs[o].name)
                 : cd_buf_appendf(&r, "mojibake.utf8-as-%s-then-%s", t->cs[i].name, t->cs[o].name);
      if (st)
        return st;
      t->rules[n + o * n + i] = r.data;
    }
  }
  return CD_OK;
}

const char *mj_rule(const mj_tables *t, size_t layers, size_t outer, size_t inner) {
  if (layers <= 1)
    return t->rules[outer];
  if (layers == 2)
    return t->rules[t->n + outer * t->n + inner];
  return "mojibake.utf8-multi-layer";
}

static cd_status load_file(const char *dir, const char *name, cd_buf *b, bool *missing,
                           cd_buf *path, cd_error *err) {
  cd_buf_clear(path);
  if (cd_buf_appendf(path, "%s/mojibake/%s", dir, name))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return read_file(path->data, b, missing, err);
}

cd_status mj_tables_new(const char *data_dir, mj_tables **out, cd_error *err) {
  *out = NULL;
  mj_tables *t = calloc(1, sizeof *t);
  if (!t)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_buf text = CD_BUF_INIT, path = CD_BUF_INIT;
  bool missing = true;
  cd_status st = CD_OK;
  const char *src = "built-in charset list";
  if (data_dir) {
    st = load_file(data_dir, "charsets.tsv", &text, &missing, &path, err);
    if (!st && !missing)
      src = path.data;
  }
  if (!st && missing) {
    cd_buf_clear(&text);
    st = cd_buf_append_str(&text, default_charsets);
  }
  if (!st) {
    /* The message names the file, so keep a copy of the path while parsing. */
    char *srcname = strdup(src);
    st = srcname ? parse_charsets(t, text.data, srcname, err) : CD_ERR_NOMEM;
    free(srcname);
  }
  if (!st && data_dir) {
    cd_buf_clear(&text);
    st = load_file(data_dir, "a-grave-joins.txt", &text, &missing, &path, err);
    if (!st && !missing)
      st = parse_list(text.data, &t->joins, &t->n_joins);
  }
  char **langs = NULL;
  size_t n_langs = 0;
  if (!st && data_dir) {
    cd_buf_clear(&text);
    st = load_file(data_dir, "alphabets.txt", &text, &missing, &path, err);
    if (!st && !missing)
      st = parse_list(text.data, &langs, &n_langs);
  }
  if (!st)
    st = build_alphabets(t, langs, n_langs, err);
  free_list(langs, n_langs);
  /* cp1252's C1 range, for the punctuation rule. */
  if (!st) {
    iconv_t ic = iconv_open("UTF-8", "CP1252");
    if (ic == (iconv_t)-1)
      st = cd_error_set(err, CD_ERR_INTERNAL, "iconv cannot decode CP1252");
    else {
      for (unsigned b = 0x80; b < 0xA0; b++)
        t->cp1252[b - 0x80] = decode_byte(ic, (unsigned char)b);
      iconv_close(ic);
    }
  }
  if (!st) {
    t->mask = calloc(0x10000, sizeof *t->mask);
    if (!t->mask)
      st = CD_ERR_NOMEM;
    for (size_t k = 0; !st && k < t->n; k++)
      for (unsigned b = 0x80; b < 256; b++) {
        uint32_t c = t->cs[k].to_cp[b];
        if (c == MJ_UNDEFINED || c >= 0x10000)
          continue;
        if (b >= 0xC2 && b <= 0xF4)
          t->mask[c] |= 1u << k;
        else if (b < 0xC0)
          t->mask[c] |= 1u << (16 + k);
      }
    if (!st)
      t->mask[0xFFFD] |= 0xFFFF0000u; /* a lost continuation byte, in any charset */
  }
  if (!st)
    st = build_plausible(t, err);
  if (!st)
    st = build_rules(t);
  if (!st)
    st = mj_info_build(t);
  cd_buf_free(&text);
  cd_buf_free(&path);
  if (st) {
    if (st == CD_ERR_NOMEM)
      cd_error_set(err, st, "mojibake stage: out of memory");
    mj_tables_free(t);
    return st;
  }
  *out = t;
  return CD_OK;
}

void mj_tables_free(mj_tables *t) {
  if (!t)
    return;
  for (size_t k = 0; k < t->n; k++)
    free(t->cs[k].from_cp);
  if (t->rules)
    for (size_t k = 0; k < t->n + t->n * t->n; k++)
      free(t->rules[k]);
  free(t->rules);
  free_list(t->joins, t->n_joins);
  free(t->alpha);
  free(t->mask);
  free(t->info);
  if (t->plausible)
    uset_close(t->plausible);
  free(t);
}
