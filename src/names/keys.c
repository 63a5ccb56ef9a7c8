/* SPDX-License-Identifier: MIT */
/* Lookup keys of names: fold, ascii (transliterations) and consonant skeleton, all with ICU.
 * Pure-ASCII input takes a fast path (no UTF-16 round trip) because most words in Latin
 * copy are ASCII and the stage computes keys for every capitalized word it has not seen. */
#include "cd_names.h"
#include "names_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#define MEMO 8192

/* A small direct-mapped memo of the transliterated keys of non-ASCII input: the compiler
 * keys every word of a form several times (full form, surname, filter words) and running
 * text repeats its names. */
typedef struct memo_ent {
  uint64_t h;
  char *in; /* NULL = empty */
  size_t in_len;
  char *out;
  size_t out_len, count;
  bool listed; /* its index is in memo_used */
} memo_ent;

struct cd_names_keyer {
  UTransliterator *uk2010, *uk_bgn, *ru_bgn, *any, *tail, *skel, *skel_ascii, *loose;
  UTransliterator *uk_de, *ru_de, *uk_fr, *ru_fr; /* German and French transcriptions */
  UChar *u;
  int32_t ucap;
  memo_ent memo[2][MEMO]; /* 0 ascii keys, 1 skeleton */
  cd_buf memo_used;       /* uint32_t which * MEMO + slot of entries ever filled */
};

static memo_ent *memo_find(cd_names_keyer *k, int which, const char *s, size_t n, bool *hit) {
  uint64_t h = cd_hash(s, n);
  memo_ent *e = &k->memo[which][h % MEMO];
  *hit = e->in && e->h == h && e->in_len == n && memcmp(e->in, s, n) == 0;
  if (!*hit) {
    free(e->in);
    free(e->out);
    bool listed = e->listed;
    memset(e, 0, sizeof *e);
    e->h = h;
    e->listed = listed;
    if (!listed) {
      uint32_t slot = (uint32_t)which * MEMO + (uint32_t)(h % MEMO);
      e->listed = cd_buf_append(&k->memo_used, &slot, sizeof slot) == CD_OK;
    }
  }
  return e;
}

/* Stores out (len bytes, NUL-terminated lists allowed) for s; silently skips on no memory. */
static void memo_store(memo_ent *e, const char *s, size_t n, const char *out, size_t len,
                       size_t count) {
  if (!e->listed)
    return; /* could not be listed for freeing: not kept */
  e->in = malloc(n + 1);
  e->out = malloc(len + 1);
  if (!e->in || !e->out) {
    free(e->in);
    free(e->out);
    e->in = e->out = NULL;
    return;
  }
  memcpy(e->in, s, n);
  memcpy(e->out, out, len);
  e->out[len] = '\0';
  e->in_len = n;
  e->out_len = len;
  e->count = count;
}

static cd_status memo_load(const memo_ent *e, cd_buf *out) {
  cd_buf_clear(out);
  if (cd_buf_reserve(out, e->out_len + 1))
    return CD_ERR_NOMEM;
  memcpy(out->data, e->out, e->out_len + 1);
  out->len = e->out_len;
  return CD_OK;
}

static cd_status read_whole(const char *path, cd_buf *out, cd_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return cd_error_set(err, CD_ERR_DATA, "%s: cannot open transliteration rules", path);
  char tmp[8192];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
    if (cd_buf_append(out, tmp, n)) {
      fclose(f);
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
  fclose(f);
  return CD_OK;
}

/* For ASCII input the script conversions of a rule file are the identity: a second
 * transliterator without them (the lines ":: Any-Latin ;", ":: Latin-ASCII ;", ":: NFC ;")
 * gives the same result several times faster. */
static void drop_identity_steps(cd_buf *b) {
  static const char *const steps[] = {":: Any-Latin ;", ":: Latin-ASCII ;", ":: NFC ;"};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    size_t l = strlen(steps[i]);
    for (size_t off = 0; off + l <= b->len; off++)
      if (memcmp(b->data + off, steps[i], l) == 0 && (off == 0 || b->data[off - 1] == '\n'))
        memset(b->data + off, ' ', l);
  }
}

static cd_status open_rules_x(const char *dir, const char *file, const char *id, bool ascii,
                              UTransliterator **out, cd_error *err);
static cd_status open_rules(const char *dir, const char *file, const char *id,
                            UTransliterator **out, cd_error *err) {
  return open_rules_x(dir, file, id, false, out, err);
}

static cd_status open_rules_x(const char *dir, const char *file, const char *id, bool ascii,
                              UTransliterator **out, cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", file);
  cd_buf b = CD_BUF_INIT;
  cd_status st = read_whole(path, &b, err);
  if (st) {
    cd_buf_free(&b);
    return st;
  }
  if (ascii)
    drop_identity_steps(&b);
  UErrorCode uc = U_ZERO_ERROR;
  int32_t ulen = 0;
  u_strFromUTF8(NULL, 0, &ulen, b.data ? b.data : "", (int32_t)b.len, &uc);
  uc = U_ZERO_ERROR;
  UChar *rules = malloc(((size_t)ulen + 1) * sizeof *rules);
  UChar uid[64];
  if (!rules) {
    cd_buf_free(&b);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  u_strFromUTF8(rules, ulen + 1, NULL, b.data ? b.data : "", (int32_t)b.len, &uc);
  u_uastrcpy(uid, id);
  UParseError pe;
  uc = U_ZERO_ERROR;
  *out = utrans_openU(uid, -1, UTRANS_FORWARD, rules, ulen, &pe, &uc);
  free(rules);
  cd_buf_free(&b);
  if (U_FAILURE(uc))
    return cd_error_set(err, CD_ERR_DATA, "%s: rule error %s at offset %d", path, u_errorName(uc),
                        (int)pe.offset);
  return CD_OK;
}

static cd_status open_builtin(const char *id, UTransliterator **out, cd_error *err) {
  UChar uid[128];
  u_uastrcpy(uid, id);
  UErrorCode uc = U_ZERO_ERROR;
  *out = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &uc);
  if (U_FAILURE(uc))
    return cd_error_set(err, CD_ERR_INTERNAL, "ICU transliterator %s: %s", id, u_errorName(uc));
  return CD_OK;
}

cd_status cd_names_keyer_new(const char *dir, cd_names_keyer **out, cd_error *err) {
  *out = NULL;
  cd_names_keyer *k = calloc(1, sizeof *k);
  if (!k)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status st = open_rules(dir, "uk-Latn-2010.txt", "x-uk-Latn-2010", &k->uk2010, err);
  if (!st)
    st = open_rules(dir, "names-skeleton.txt", "x-names-skeleton", &k->skel, err);
  if (!st)
    st = open_rules_x(dir, "names-skeleton.txt", "x-names-skeleton-ascii", true, &k->skel_ascii,
                      err);
  if (!st)
    st = open_rules_x(dir, "names-loose.txt", "x-names-loose", true, &k->loose, err);
  if (!st)
    st = open_rules(dir, "uk-Latn-de.txt", "x-uk-Latn-de", &k->uk_de, err);
  if (!st)
    st = open_rules(dir, "ru-Latn-de.txt", "x-ru-Latn-de", &k->ru_de, err);
  if (!st)
    st = open_rules(dir, "uk-Latn-fr.txt", "x-uk-Latn-fr", &k->uk_fr, err);
  if (!st)
    st = open_rules(dir, "ru-Latn-fr.txt", "x-ru-Latn-fr", &k->ru_fr, err);
  if (!st)
    st = open_builtin("Ukrainian-Latin/BGN", &k->uk_bgn, err);
  if (!st)
    st = open_builtin("Russian-Latin/BGN", &k->ru_bgn, err);
  if (!st)
    st = open_builtin("Any-Latin; Latin-ASCII; Any-Lower", &k->any, err);
  if (!st)
    st = open_builtin("Latin-ASCII; Any-Lower", &k->tail, err);
  if (st) {
    cd_names_keyer_free(k);
    return st;
  }
  *out = k;
  return CD_OK;
}

void cd_names_keyer_free(cd_names_keyer *k) {
  if (!k)
    return;
  UTransliterator *all[] = {k->uk2010,     k->uk_bgn, k->ru_bgn, k->any,   k->tail,  k->skel,
                            k->skel_ascii, k->loose,  k->uk_de,  k->ru_de, k->uk_fr, k->ru_fr};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i])
      utrans_close(all[i]);
  for (size_t off = 0; off + sizeof(uint32_t) <= k->memo_used.len; off += sizeof(uint32_t)) {
    uint32_t i;
    memcpy(&i, k->memo_used.data + off, sizeof i);
    memo_ent *e = &k->memo[i / MEMO][i % MEMO];
    free(e->in);
    free(e->out);
    e->in = e->out = NULL;
  }
  cd_buf_free(&k->memo_used);
  free(k->u);
  free(k);
}

static cd_status ensure_u(cd_names_keyer *k, int32_t need) {
  if (need <= k->ucap)
    return CD_OK;
  int32_t cap = need < 256 ? 256 : need * 2;
  UChar *p = realloc(k->u, (size_t)cap * sizeof *p);
  if (!p)
    return CD_ERR_NOMEM;
  k->u = p;
  k->ucap = cap;
  return CD_OK;
}

/* Loads s into k->u; returns its length in UTF-16 units, -1 on failure. */
static int32_t load_u(cd_names_keyer *k, const char *s, size_t n) {
  UErrorCode uc = U_ZERO_ERROR;
  int32_t ulen = 0;
  u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &uc);
  if (ensure_u(k, ulen * 4 + 64))
    return -1;
  uc = U_ZERO_ERROR;
  u_strFromUTF8(k->u, k->ucap, &ulen, s, (int32_t)n, &uc);
  return U_FAILURE(uc) ? -1 : ulen;
}

static cd_status run_trans(cd_names_keyer *k, UTransliterator *t, int32_t *ulen) {
  for (;;) {
    UErrorCode uc = U_ZERO_ERROR;
    int32_t len = *ulen, lim = *ulen;
    utrans_transUChars(t, k->u, &len, k->ucap, 0, &lim, &uc);
    if (uc == U_BUFFER_OVERFLOW_ERROR) {
      if (ensure_u(k, len + 64))
        return CD_ERR_NOMEM;
      continue; /* k->u still holds the input: transUChars fails before changing it */
    }
    if (U_FAILURE(uc))
      return CD_ERR_INTERNAL;
    *ulen = len;
    return CD_OK;
  }
}

static cd_status u_to_buf(const UChar *u, int32_t ulen, cd_buf *out) {
  UErrorCode uc = U_ZERO_ERROR;
  int32_t need = 0;
  u_strToUTF8(NULL, 0, &need, u, ulen, &uc);
  if (cd_buf_reserve(out, (size_t)need + 1))
    return CD_ERR_NOMEM;
  uc = U_ZERO_ERROR;
  u_strToUTF8(out->data + out->len, need + 1, NULL, u, ulen, &uc);
  if (U_FAILURE(uc))
    return CD_ERR_INTERNAL;
  out->len += (size_t)need;
  out->data[out->len] = '\0';
  return CD_OK;
}

static bool is_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80)
      return false;
  return true;
}

cd_status cd_names_translit(cd_names_keyer *k, cd_translit sys, const char *s, size_t n,
                            cd_buf *out, cd_error *err) {
  cd_buf_clear(out);
  if (n > CD_NAMES_TRANSLIT_MAX)
    return cd_error_set(err, CD_ERR_INPUT, "a name of more than %d bytes", CD_NAMES_TRANSLIT_MAX);
  UTransliterator *t = sys == CD_TRANSLIT_UK2010   ? k->uk2010
                       : sys == CD_TRANSLIT_UK_BGN ? k->uk_bgn
                       : sys == CD_TRANSLIT_RU_BGN ? k->ru_bgn
                                                   : k->any;
  int32_t ulen = load_u(k, s, n);
  if (ulen < 0)
    return cd_error_set(err, CD_ERR_INPUT, "invalid UTF-8 in a name");
  cd_status st = run_trans(k, t, &ulen);
  if (!st)
    st = u_to_buf(k->u, ulen, out);
  if (st)
    return cd_error_set(err, st, "transliteration failed");
  return CD_OK;
}

static bool is_apostrophe(UChar32 c) {
  return c == 0x27 || c == 0x2019 || c == 0x2BC || c == 0x60 || c == 0xB4 || c == 0x2018 ||
         c == 0x2B9;
}

static bool is_hyphen(UChar32 c) {
  return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 ||
         c == 0x2212;
}

cd_status cd_names_key_fold(cd_names_keyer *k, const char *s, size_t n, cd_buf *out,
                            cd_error *err) {
  cd_buf_clear(out);
  if (cd_buf_reserve(out, n + 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  out->data[0] = '\0';
  if (is_ascii(s, n)) {
    bool space = false;
    for (size_t i = 0; i < n; i++) {
      char c = s[i];
      if (c == ' ' || c == '\t' || c == '-' || c == '\n' || c == '\r') {
        space = out->len > 0;
        continue;
      }
      if (space)
        out->data[out->len++] = ' ';
      space = false;
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      else if (c == '`')
        c = '\'';
      out->data[out->len++] = c;
    }
    out->data[out->len] = '\0';
    return CD_OK;
  }
  UErrorCode uc = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&uc);
  int32_t ulen = load_u(k, s, n);
  if (ulen < 0 || U_FAILURE(uc))
    return cd_error_set(err, CD_ERR_INPUT, "invalid UTF-8 in a name");
  UChar *tmp = malloc(((size_t)ulen * 3 + 16) * sizeof *tmp);
  if (!tmp)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  int32_t tl = unorm2_normalize(nfc, k->u, ulen, tmp, ulen * 3 + 16, &uc);
  if (U_FAILURE(uc)) {
    free(tmp);
    return cd_error_set(err, CD_ERR_INTERNAL, "NFC failed: %s", u_errorName(uc));
  }
  ulen = u_strFoldCase(k->u, k->ucap, tmp, tl, U_FOLD_CASE_DEFAULT, &uc);
  free(tmp);
  if (U_FAILURE(uc))
    return cd_error_set(err, CD_ERR_INTERNAL, "case folding failed: %s", u_errorName(uc));
  /* unify apostrophes and hyphens, collapse spaces (in place: output never grows) */
  int32_t w = 0;
  bool space = false;
  for (int32_t i = 0; i < ulen;) {
    UChar32 c;
    U16_NEXT(k->u, i, ulen, c);
    if (u_isUWhiteSpace(c) || is_hyphen(c)) {
      space = w > 0;
      continue;
    }
    if (space)
      k->u[w++] = ' ';
    space = false;
    if (is_apostrophe(c))
      c = '\'';
    U16_APPEND_UNSAFE(k->u, w, c);
  }
  if (u_to_buf(k->u, w, out))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return CD_OK;
}

/* Keeps ASCII letters and digits of the UTF-16 text, lower-cased, appended to out. */
static cd_status append_alnum(const UChar *u, int32_t ulen, cd_buf *out) {
  if (cd_buf_reserve(out, (size_t)ulen + 1))
    return CD_ERR_NOMEM;
  for (int32_t i = 0; i < ulen; i++) {
    UChar c = u[i];
    if (c >= 'A' && c <= 'Z')
      c = (UChar)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out->data[out->len++] = (char)c;
  }
  out->data[out->len] = '\0';
  return CD_OK;
}

static bool has_script(cd_names_keyer *k, int32_t ulen, UScriptCode want, bool *other) {
  bool found = false;
  *other = false;
  for (int32_t i = 0; i < ulen;) {
    UChar32 c;
    U16_NEXT(k->u, i, ulen, c);
    UErrorCode uc = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &uc);
    if (sc == want)
      found = true;
    else if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED && sc != USCRIPT_LATIN)
      *other = true;
  }
  return found;
}

/* Appends key (NUL-terminated) to out unless it is already there or empty. */
static cd_status add_unique(cd_buf *out, size_t start, size_t *count) {
  size_t klen = out->len - start;
  if (klen == 0)
    return CD_OK;
  const char *p = out->data;
  size_t off = 0;
  for (size_t i = 0; i < *count; i++) {
    size_t l = strlen(p + off);
    if (l == klen && memcmp(p + off, out->data + start, klen) == 0) {
      out->len = start;
      out->data[start] = '\0';
      return CD_OK;
    }
    off += l + 1;
  }
  if (cd_buf_append(out, "", 1)) /* the terminating NUL becomes part of the list */
    return CD_ERR_NOMEM;
  (*count)++;
  return CD_OK;
}

/* Which romanization systems fit a Cyrillic text: a system applied to letters outside its
 * alphabet drops them (Russian BGN on "Бахмуті" gives "bakhmut", a different word), so a
 * text with letters only Ukrainian has (і ї є ґ) gets the Ukrainian systems, one with
 * letters only Russian has (ы э ъ ё) the Russian one, one with Serbian or Macedonian
 * letters (ђ ј љ њ ћ џ ѓ ќ ѕ) the general Any-Latin; otherwise the form's language decides
 * (lang "uk" or "ru"), and without one every system applies. */
enum { SYS_UK = 1, SYS_RU = 2, SYS_ANY = 4 };
static unsigned cyr_systems(cd_names_keyer *k, int32_t ulen, const char *lang) {
  bool uk = false, ru = false, other = false;
  for (int32_t i = 0; i < ulen; i++) {
    UChar c = u_tolower(k->u[i]);
    if (c == 0x456 || c == 0x457 || c == 0x454 || c == 0x491)
      uk = true;
    else if (c == 0x44B || c == 0x44D || c == 0x44A || c == 0x451)
      ru = true;
    else if (c == 0x452 || c == 0x458 || c == 0x459 || c == 0x45A || c == 0x45B || c == 0x45F ||
             c == 0x453 || c == 0x45C || c == 0x455)
      other = true;
  }
  if (other || (uk && ru))
    return SYS_ANY;
  if (uk)
    return SYS_UK;
  if (ru)
    return SYS_RU;
  if (lang && strcmp(lang, "uk") == 0)
    return SYS_UK;
  if (lang && strcmp(lang, "ru") == 0)
    return SYS_RU;
  return SYS_UK | SYS_RU;
}

cd_status cd_names_key_ascii(cd_names_keyer *k, const char *s, size_t n, cd_buf *out, size_t *count,
                             cd_error *err) {
  return cd_names_key_ascii_in(k, s, n, NULL, out, count, err);
}

cd_status cd_names_key_ascii_in(cd_names_keyer *k, const char *s, size_t n, const char *lang,
                                cd_buf *out, size_t *count, cd_error *err) {
  cd_buf_clear(out);
  *count = 0;
  if (n > CD_NAMES_TRANSLIT_MAX)
    return cd_error_set(err, CD_ERR_INPUT, "a name of more than %d bytes", CD_NAMES_TRANSLIT_MAX);
  if (cd_buf_reserve(out, n + 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (is_ascii(s, n)) {
    for (size_t i = 0; i < n; i++) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        out->data[out->len++] = c;
    }
    out->data[out->len] = '\0';
    if (add_unique(out, 0, count))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    return CD_OK;
  }
  bool hit = false;
  /* the memo holds query keys (no language): a form's keys are computed once anyway */
  memo_ent *me = lang ? NULL : memo_find(k, 0, s, n, &hit);
  if (hit) {
    *count = me->count;
    if (memo_load(me, out))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    return CD_OK;
  }
  int32_t ulen0 = load_u(k, s, n);
  if (ulen0 < 0)
    return cd_error_set(err, CD_ERR_INPUT, "invalid UTF-8 in a name");
  bool other;
  bool cyr = has_script(k, ulen0, USCRIPT_CYRILLIC, &other);
  UTransliterator *chains[8][2];
  size_t nchains = 0;
  unsigned sys = cyr ? cyr_systems(k, ulen0, lang) : 0;
  if (sys & SYS_UK) {
    chains[nchains][0] = k->uk2010, chains[nchains++][1] = k->tail;
    chains[nchains][0] = k->uk_bgn, chains[nchains++][1] = k->tail;
    chains[nchains][0] = k->uk_de, chains[nchains++][1] = k->tail;
    chains[nchains][0] = k->uk_fr, chains[nchains++][1] = k->tail;
  }
  if (sys & SYS_RU) {
    chains[nchains][0] = k->ru_bgn, chains[nchains++][1] = k->tail;
    chains[nchains][0] = k->ru_de, chains[nchains++][1] = k->tail;
    chains[nchains][0] = k->ru_fr, chains[nchains++][1] = k->tail;
  }
  /* Any-Latin (ISO 9 with its diacritics stripped: "Цян" -> "can", "Абрамович" ->
   * "abramovic") only where no national system fits: on Russian or Ukrainian names it
   * yields common words and other people's names */
  if ((cyr && (sys & SYS_ANY)) || (!cyr && other)) {
    chains[nchains][0] = k->any, chains[nchains++][1] = NULL;
  } else if (!cyr) {
    chains[nchains][0] = k->tail, chains[nchains++][1] = NULL;
  }
  for (size_t c = 0; c < nchains; c++) {
    int32_t ulen = load_u(k, s, n);
    cd_status st = ulen < 0 ? CD_ERR_INPUT : CD_OK;
    for (int j = 0; j < 2 && !st; j++)
      if (chains[c][j])
        st = run_trans(k, chains[c][j], &ulen);
    size_t start = out->len;
    if (!st)
      st = append_alnum(k->u, ulen, out);
    if (!st)
      st = add_unique(out, start, count);
    if (st)
      return cd_error_set(err, st, "transliteration failed");
  }
  if (me)
    memo_store(me, s, n, out->data, out->len, *count);
  return CD_OK;
}

cd_status cd_names_key_skel(cd_names_keyer *k, const char *s, size_t n, cd_buf *out,
                            cd_error *err) {
  cd_buf_clear(out);
  if (n > CD_NAMES_TRANSLIT_MAX)
    return cd_error_set(err, CD_ERR_INPUT, "a name of more than %d bytes", CD_NAMES_TRANSLIT_MAX);
  bool hit;
  memo_ent *me = memo_find(k, 1, s, n, &hit);
  if (hit) {
    if (memo_load(me, out))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    return CD_OK;
  }
  int32_t ulen = load_u(k, s, n);
  if (ulen < 0)
    return cd_error_set(err, CD_ERR_INPUT, "invalid UTF-8 in a name");
  cd_status st = run_trans(k, is_ascii(s, n) ? k->skel_ascii : k->skel, &ulen);
  if (!st)
    st = append_alnum(k->u, ulen, out);
  if (st)
    return cd_error_set(err, st, "skeleton key failed");
  if (cd_buf_reserve(out, 1))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  out->data[out->len] = '\0';
  memo_store(me, s, n, out->data, out->len, 1);
  return CD_OK;
}

cd_status cd_names_key_loose(cd_names_keyer *k, const char *s, size_t n, const char *lang,
                             cd_buf *out, cd_error *err) {
  size_t count;
  cd_status st = cd_names_key_ascii_in(k, s, n, lang, out, &count, err);
  if (st || !count || !out->len)
    return st;
  int32_t ulen = load_u(k, out->data, strlen(out->data)); /* the first ascii key */
  if (ulen < 0)
    return cd_error_set(err, CD_ERR_INPUT, "invalid UTF-8 in a name");
  cd_buf_clear(out);
  st = run_trans(k, k->loose, &ulen);
  if (!st)
    st = append_alnum(k->u, ulen, out);
  if (!st && cd_buf_reserve(out, 1))
    st = CD_ERR_NOMEM;
  if (st)
    return cd_error_set(err, st, "loose key failed");
  out->data[out->len] = '\0';
  return CD_OK;
}

/* "von der Leyen" for "Von der Layen": a capital the text has at the start stays (the
 * start of a sentence); the rest of the house form is kept as it is. */
static cd_status keep_initial_capital(const char *orig, size_t orig_len, cd_buf *out) {
  size_t i = 0, j = 0;
  int32_t c = orig_len ? cd_utf8_next(orig, orig_len, &i) : -1;
  int32_t d = out->len ? cd_utf8_next(out->data, out->len, &j) : -1;
  if (c < 0 || d < 0 || !u_isUUppercase(c) || !u_isULowercase(d))
    return CD_OK;
  cd_buf t = CD_BUF_INIT;
  cd_status st = cd_buf_append_cp(&t, (uint32_t)u_totitle(d));
  if (!st)
    st = cd_buf_append(&t, out->data + j, out->len - j);
  if (!st) {
    cd_buf_clear(out);
    st = cd_buf_append(out, t.data, t.len);
  }
  cd_buf_free(&t);
  return st;
}

cd_status cd_names_match_case(const char *orig, size_t orig_len, cd_buf *out) {
  /* all caps = at least two letters and no lower-case letter */
  int letters = 0;
  for (size_t i = 0; i < orig_len;) {
    int32_t c = cd_utf8_next(orig, orig_len, &i);
    if (c < 0)
      continue;
    if (u_isULowercase(c))
      return keep_initial_capital(orig, orig_len, out);
    if (u_isUUppercase(c))
      letters++;
  }
  if (letters < 2)
    return keep_initial_capital(orig, orig_len, out);
  UErrorCode uc = U_ZERO_ERROR;
  int32_t ulen = 0;
  u_strFromUTF8(NULL, 0, &ulen, out->data ? out->data : "", (int32_t)out->len, &uc);
  UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
  UChar *up = malloc(((size_t)ulen * 3 + 8) * sizeof *up);
  if (!u || !up) {
    free(u);
    free(up);
    return CD_ERR_NOMEM;
  }
  uc = U_ZERO_ERROR;
  u_strFromUTF8(u, ulen + 1, NULL, out->data ? out->data : "", (int32_t)out->len, &uc);
  int32_t ul = u_strToUpper(up, ulen * 3 + 8, u, ulen, "", &uc);
  free(u);
  cd_status st = U_FAILURE(uc) ? CD_ERR_INTERNAL : CD_OK;
  if (!st) {
    cd_buf_clear(out);
    st = u_to_buf(up, ul, out);
  }
  free(up);
  return st;
}
