/* SPDX-License-Identifier: MIT */
/* Stage "mojibake": repairs UTF-8 that was decoded in a legacy charset (once or several
 * times), on whole lines or on spans of a line, and C1 controls that stand for cp1252
 * punctuation.
 *
 * For each charset of dicts/mojibake/charsets.tsv, in order, a span of the line is a
 * candidate when its characters are, in that charset, the bytes of well-formed UTF-8
 * sequences (a lost 0xA0 read as a space and a lost tail read as U+FFFD are tolerated).
 * The candidate is decoded, and decoded again while that keeps helping (two or three
 * layers); the repair is kept when it removes enough badness (mojibake_score.c) and
 * produces nothing forbidden. When the rest of the line holds correct non-ASCII text, a
 * lone two-byte repair is not trusted. A line without any pair "lead character +
 * continuation character" in some charset (the fast path, one table lookup per non-ASCII
 * character) is left alone at once. */
#include "cd_stage.h"
#include "mojibake_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#define MJ_MAX_DEPTH 3
#define MJ_CONTEXT 3

typedef struct mj_fix {
  size_t s, e;             /* code point indexes in the line */
  size_t repl_off, repl_n; /* replacement in the state's pool */
  const char *rule;
  double conf;
  bool strong;        /* C1 inside, or a sequence of three bytes or more */
  bool word;          /* a sure repair into letters of a word: see word_repair() */
  bool punct_in_word; /* the span holds punctuation and has letters on both sides */
} mj_fix;

typedef struct mj_state {
  mj_tables *t;
  uint32_t *cp;
  size_t *off; /* byte offset of each code point, plus one past the end */
  size_t cap;
  uint32_t *pool;
  size_t pool_len, pool_cap;
  mj_fix *fix;
  size_t n_fix, cap_fix;
  uint8_t *covered; /* per code point: inside some candidate span */
  cd_buf utf8;
} mj_state;

/* ---- growable arrays -------------------------------------------------------------------- */

static bool reserve_line(mj_state *st, size_t n) {
  if (n + 1 <= st->cap)
    return true;
  size_t cap = st->cap ? st->cap : 256;
  while (cap < n + 1)
    cap *= 2;
  uint32_t *cp = realloc(st->cp, cap * sizeof *cp);
  if (cp)
    st->cp = cp;
  size_t *off = realloc(st->off, cap * sizeof *off);
  if (off)
    st->off = off;
  uint8_t *cov = realloc(st->covered, cap);
  if (cov)
    st->covered = cov;
  if (!cp || !off || !cov)
    return false;
  st->cap = cap;
  return true;
}

static bool pool_push(mj_state *st, const uint32_t *c, size_t n, size_t *at) {
  if (st->pool_len + n > st->pool_cap) {
    size_t cap = st->pool_cap ? st->pool_cap : 256;
    while (cap < st->pool_len + n)
      cap *= 2;
    uint32_t *p = realloc(st->pool, cap * sizeof *p);
    if (!p)
      return false;
    st->pool = p;
    st->pool_cap = cap;
  }
  *at = st->pool_len;
  if (n)
    memcpy(st->pool + st->pool_len, c, n * sizeof *c);
  st->pool_len += n;
  return true;
}

static bool fix_push(mj_state *st, const mj_fix *f) {
  if (CD_GROW(st->fix, st->n_fix, st->cap_fix))
    return false;
  st->fix[st->n_fix++] = *f;
  return true;
}

/* A small growable code point array for the layers below the first. */
typedef struct cpvec {
  uint32_t *v;
  size_t n, cap;
} cpvec;

static bool cv_push(cpvec *a, uint32_t c) {
  if (CD_GROW(a->v, a->n, a->cap))
    return false;
  a->v[a->n++] = c;
  return true;
}

static bool cv_append(cpvec *a, const uint32_t *c, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!cv_push(a, c[i]))
      return false;
  return true;
}

/* ---- reading UTF-8 sequences out of charset bytes ------------------------------------- */

static inline unsigned byte_of(const mj_charset *cs, uint32_t c) {
  if (c < 0x80)
    return c;
  return c < 0x10000 ? cs->from_cp[c] : MJ_NO_BYTE;
}

typedef struct seq {
  size_t len;  /* characters consumed; 0 = no sequence here */
  uint32_t cp; /* decoded code point (U+FFFD when the tail was lost) */
  bool weak;   /* a space stood for a lost 0xA0 */
  bool c1;     /* a C1 control was among the characters */
  unsigned bytes;
} seq;

/* One UTF-8 sequence whose bytes are the charset encodings of c[i..]. CESU-8 (a surrogate
 * pair as two three-byte sequences) is read as the pair's code point. */
static seq read_seq(const mj_charset *cs, const uint32_t *c, size_t n, size_t i, bool low) {
  seq r = {0, 0, false, false, 0};
  unsigned b0 = byte_of(cs, c[i]);
  if (b0 < 0xC2 || b0 > 0xF4)
    return r;
  size_t len = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  uint32_t v = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  bool c1 = c[i] >= 0x80 && c[i] < 0xA0;
  size_t real = 0; /* continuation characters that are not a stand-in */
  bool last_space = false, lost = false, qmark = false;
  size_t used = 1;
  for (size_t j = 1; j < len; j++) {
    uint32_t ch = i + j < n ? c[i + j] : 0;
    unsigned lo = 0x80, hi = 0xBF, b;
    if (j == 1) {
      if (b0 == 0xE0)
        lo = 0xA0;
      else if (b0 == 0xF0)
        lo = 0x90;
      else if (b0 == 0xF4)
        hi = 0x8F;
    }
    /* A lost byte: U+FFFD (a decoder's replacement) or '?' (an encoder's). The rest of
     * the sequence is taken when it is there; the whole reads as U+FFFD. */
    if (i + j < n && (ch == 0xFFFD || ch == '?') && !lost) {
      lost = true;
      qmark = ch == '?';
      used = j + 1;
      continue;
    }
    if (i + j >= n) {
      if (!lost)
        return r;
      break;
    }
    /* a no-break space that became a space: only as the last byte of a sequence, or in
     * U+2800 (the blank Braille cell social posts use as a spacer: E2 A0 80). As the
     * second byte of another sequence it would make Braille, Samaritan, Mongolian or CJK
     * out of a one-letter word, a space and a letter of clean cp1251 text ("в історії" is
     * no U+2833). The no-break space is the charset's own byte for it: 0xA0 in cp1252,
     * 0x9A in KOI8 (where "К", D0 9A, reads "п" + no-break space). */
    unsigned nb = byte_of(cs, 0xA0);
    if (ch == ' ' && nb && lo <= nb && nb <= hi && !lost &&
        (j == len - 1 || (len == 3 && j == 1 && b0 == 0xE2 && nb == 0xA0 && i + 2 < n &&
                          byte_of(cs, c[i + 2]) == 0x80))) {
      b = nb;
      if (j == len - 1)
        last_space = true;
    } else {
      b = byte_of(cs, ch);
      if (b < lo || b > hi) {
        if (!lost)
          return r;
        break;
      }
      if (b == nb && ch == ' ')
        last_space = true;
      real++;
    }
    c1 |= ch >= 0x80 && ch < 0xA0;
    v = (v << 6) | (b & 0x3F);
    used = j + 1;
  }
  if (lost) {
    r.len = used;
    r.cp = 0xFFFD;
    r.c1 = c1;
    /* '?' is common after a letter; it counts only next to clearer damage. */
    r.weak = qmark && real == 0;
    r.bytes = (unsigned)len;
    return r;
  }
  /* A space at the end is as likely a real space after a lone lead character. */
  bool weak = real == 0 || last_space;
  if (v >= 0xD800 && v <= 0xDBFF) {
    if (low)
      return r;
    seq lo2 = read_seq(cs, c, n, i + len, true);
    if (lo2.len != 3 || lo2.cp < 0xDC00 || lo2.cp > 0xDFFF)
      return r;
    r.len = len + 3;
    r.cp = 0x10000 + ((v - 0xD800) << 10) + (lo2.cp - 0xDC00);
    r.weak = weak || lo2.weak;
    r.c1 = c1 || lo2.c1;
    r.bytes = 4;
    return r;
  }
  if (v >= 0xDC00 && v <= 0xDFFF && !low)
    return r;
  r.len = len;
  r.cp = v;
  r.weak = weak;
  r.c1 = c1;
  r.bytes = (unsigned)len;
  return r;
}

static int cmp_fix(const void *a, const void *b) {
  const mj_fix *x = a, *y = b;
  return x->s < y->s ? -1 : x->s > y->s;
}

/* ---- the repair of one run of text ------------------------------------------------------ */

typedef struct span {
  size_t s, e;
  cpvec dec;
  bool strong;
  bool weak_only; /* every sequence leans on a space standing for 0xA0 */
  bool all_long;  /* every sequence is three bytes or more, none lost: rare by chance */
  size_t good;    /* sequences that decode to no mark and nothing forbidden, no space standing in */
  size_t undefined; /* sequences with a C1 control read as a byte the charset leaves undefined */
} span;

/* A lead character, a space standing for a lost 0xA0 and more sequences after it: when
 * the lead ends a word ("Буффон п╬п╠…", a clean word before a word in KOI8), the space is a
 * real one and the span starts after it. */
static bool starts_at_clean_word_end(const mj_charset *cs, const uint32_t *c, size_t n, size_t i,
                                     const seq *q) {
  if (!q->weak || q->len != 2 || c[i + 1] != ' ' || i == 0 || !mj_is_letter(c[i - 1]))
    return false;
  return i + 2 < n && c[i + 2] >= 0x80 && read_seq(cs, c, n, i + 2, false).len > 0;
}

/* The same inside a span: a lead and a space for a lost 0xA0 after a small letter, both of
 * one script, end a clean word ("конвекція ", "нипочём " before a word in KOI8): the span
 * stops before them. Mojibake leads after a continuation are capitals (cp1251 "Р",
 * cp1252 "Ã") or follow a symbol (KOI8 "п╣"). */
static bool small_letter_after_small(const uint32_t *c, size_t i) {
  return i > 0 && mj_is_letter(c[i - 1]) && mj_is_lower(c[i - 1]) && mj_is_letter(c[i]) &&
         mj_is_lower(c[i]) && mj_same_script(c[i - 1], c[i]);
}

static bool lead_ends_clean_word(const uint32_t *c, size_t i, const seq *q) {
  return q->weak && q->len == 2 && c[i + 1] == ' ' && small_letter_after_small(c, i);
}

/* A Cyrillic or Greek small letter right after a small letter of its script, where no span
 * took that one: the middle of a clean word ("виднілося√2": "я√" is KOI8 "і", but the word
 * was not damaged). In a damaged word every letter before a lead is part of a sequence.
 * Not for Latin: "doesnâ€™t" starts its span after a clean "n". */
static bool inside_clean_word(const uint32_t *c, size_t i) {
  return !mj_is_latin(c[i]) && small_letter_after_small(c, i);
}

/* Finds the next candidate span of charset k in c[from..n): a maximal run of consecutive
 * sequences. */
static bool next_span(const mj_charset *cs, const uint32_t *c, size_t n, size_t from, span *sp,
                      bool *oom) {
  size_t i = from;
  while (i < n) {
    if (c[i] < 0x80) {
      i++;
      continue;
    }
    seq q = read_seq(cs, c, n, i, false);
    if (!q.len || starts_at_clean_word_end(cs, c, n, i, &q) || lead_ends_clean_word(c, i, &q) ||
        inside_clean_word(c, i)) {
      i++;
      continue;
    }
    size_t s = i, real = 0, good = 0, undefined = 0;
    bool strong = false, all_long = true;
    sp->dec.n = 0;
    while (q.len && !(i > s && lead_ends_clean_word(c, i, &q))) {
      if (!cv_push(&sp->dec, q.cp)) {
        *oom = true;
        return false;
      }
      real += !q.weak;
      good += !q.weak && !mj_forbidden(q.cp) && !mj_is_mark(q.cp);
      undefined += cs->sloppy && q.c1;
      strong |= q.c1 || q.bytes >= 3;
      all_long &= q.bytes >= 3 && q.cp != 0xFFFD && !q.weak;
      i += q.len;
      q = (i < n && c[i] >= 0x80) ? read_seq(cs, c, n, i, false) : (seq){0, 0, 0, 0, 0};
    }
    sp->s = s;
    sp->e = i;
    sp->strong = strong;
    sp->weak_only = real == 0;
    sp->good = good;
    sp->undefined = undefined;
    sp->all_long = all_long;
    return true;
  }
  return false;
}

/* A repair must never give fewer letters than it takes from a word that is already well
 * formed: letters of one non-Latin script that some language writes, in lower case or
 * capitalized ("підпис", "сёмга", "Рівлін", "Изнурённость": і and ё are KOI8 continuation
 * bytes, and "пі" is no "Ц", "Рі" no cp1251 "г"). The word is c[s, e) extended to the
 * letters around it; a capitalized word needs three letters (cp1251 reads "и" as "Рё").
 * Latin is left out: MacRoman reads "pēc" as "pƒìc", lower-case letters only. */
static bool merges_letters(const mj_tables *t, const uint32_t *c, size_t n, size_t s, size_t e,
                           const uint32_t *out, size_t m) {
  if (e - s < 2 || mj_is_latin(c[s]))
    return false;
  size_t ws = s, we = e;
  while (ws > 0 && mj_is_letter(c[ws - 1]))
    ws--;
  while (we < n && mj_is_letter(c[we]))
    we++;
  for (size_t i = ws; i < we; i++)
    if (!mj_is_letter(c[i]) || !mj_same_script(c[i], c[s]) ||
        !uset_contains(t->plausible, (UChar32)c[i]) || (i > ws && !mj_is_lower(c[i])))
      return false;
  if (!mj_is_lower(c[ws]) && we - ws < 3)
    return false;
  size_t letters = 0;
  for (size_t i = 0; i < m; i++)
    letters += mj_is_letter(out[i]);
  return letters < e - s;
}

static int window_badness(const mj_tables *t, const uint32_t *c, size_t n, size_t s, size_t e,
                          const uint32_t *mid, size_t mid_n, bool latin_line, cpvec *tmp,
                          bool *oom) {
  size_t lo = s > MJ_CONTEXT ? s - MJ_CONTEXT : 0, hi = e + MJ_CONTEXT < n ? e + MJ_CONTEXT : n;
  tmp->n = 0;
  if (!cv_append(tmp, c + lo, s - lo) || !cv_append(tmp, mid, mid_n) ||
      !cv_append(tmp, c + e, hi - e)) {
    *oom = true;
    return 0;
  }
  return mj_badness(t, tmp->v, tmp->n, latin_line);
}

/* Badness of the span itself, without the line around it: what is left of the line's other
 * mojibake around a span that reads fine ("√π", MacRoman "ù") proves nothing about it. */
static int own_badness(const mj_tables *t, const cpvec *cur, const span *sp) {
  return mj_badness(t, cur->v + sp->s, sp->e - sp->s, false);
}

/* Whether dec could hold another layer: a C1 control, or two characters that a charset's
 * table pairs as the two bytes of a sequence. */
static bool may_hold_layer(const mj_tables *t, const cpvec *dec) {
  for (size_t i = 0; i < dec->n; i++) {
    uint32_t c = dec->v[i];
    if ((c >= 0x80 && c < 0xA0) || (i + 1 < dec->n && c < 0x10000 && dec->v[i + 1] < 0x10000 &&
                                    (t->mask[c] & (t->mask[dec->v[i + 1]] >> 16) & 0xFFFF)))
      return true;
  }
  return false;
}

/* A U+FFFD right after a letter, with no continuation after it, is the mark of a byte lost
 * to the layer above, not one this layer lost: "π" + U+FFFD is no cp437 sequence, "á" +
 * U+FFFD no cp1250 one (while "â" + U+FFFD + "’" may be cp1252). */
static bool lost_above(const mj_tables *t, size_t k, const cpvec *cur, const span *sp) {
  for (size_t q = sp->s + 1; q < sp->e; q++) {
    unsigned after = q + 1 < sp->e ? byte_of(&t->cs[k], cur->v[q + 1]) : 0;
    if (cur->v[q] == 0xFFFD && mj_is_letter(cur->v[q - 1]) && !(after >= 0x80 && after <= 0xBF))
      return true;
  }
  return false;
}

/* Whether replacing the span sp of cur (read in charset k) by f pays off: f is plausible
 * text that merges no letters and removes badness, or (no worse) is a run of long sequences
 * or plain letters that earn it (see below). outer: the charset of the layer above. */
static bool layer_pays(const mj_tables *t, const cpvec *cur, const span *sp, const cpvec *f,
                       size_t k, size_t outer, cpvec *tmp, bool *oom) {
  if (!mj_plausible(f->v, f->n, sp->s > 0 ? cur->v[sp->s - 1] : 0,
                    sp->e < cur->n ? cur->v[sp->e] : 0) ||
      merges_letters(t, cur->v, cur->n, sp->s, sp->e, f->v, f->n))
    return false;
  bool plain = true;
  for (size_t q = 0; q < f->n; q++) {
    if (mj_forbidden(f->v[q]))
      return false;
    plain &= mj_is_plain_letter(f->v[q]);
  }
  int before = window_badness(t, cur->v, cur->n, sp->s, sp->e, cur->v + sp->s, sp->e - sp->s, false,
                              tmp, oom);
  int after = window_badness(t, cur->v, cur->n, sp->s, sp->e, f->v, f->n, false, tmp, oom);
  /* Inside text already decoded once, plain letters that remove some badness or a run of
   * long sequences need no further proof; nor do plain letters made of letters only ("СЃСЌСЂ"
   * and "Рё" are "сэр" and "и" once more), or read in the charset of the layer above (the
   * same decoder twice: "Å’il" is "Œil"). */
  int gain = before - after;
  bool from_letters = true;
  for (size_t q = sp->s; from_letters && q < sp->e; q++)
    from_letters = mj_is_letter(cur->v[q]);
  return !*oom &&
         (gain >= 1 || (gain == 0 && (sp->all_long || (plain && (own_badness(t, cur, sp) > 0 ||
                                                                 from_letters || k == outer)))));
}

/* Further layers: the repairs inside dec that pay off, judged with up to MJ_CONTEXT
 * characters of the line on each side (left[0..nl), right[0..nr)). Returns the number of
 * layers undone (0: none); out gets the result, *inner the innermost charset. */
static size_t deeper(const mj_tables *t, const uint32_t *left, size_t nl, const cpvec *dec,
                     const uint32_t *right, size_t nr, cpvec *out, size_t depth, size_t *inner,
                     bool *oom) {
  size_t outer = *inner; /* the charset of the layer above */
  if (depth >= MJ_MAX_DEPTH || !may_hold_layer(t, dec))
    return 0;
  cpvec cur = {0}, next = {0}, tmp = {0};
  span sp = {0};
  size_t layers = 0;
  bool changed = false;
  if (!cv_append(&cur, left, nl) || !cv_append(&cur, dec->v, dec->n) || !cv_append(&cur, right, nr))
    *oom = true;
  for (size_t k = 0; k < t->n && !*oom; k++) {
    size_t from = nl;
    bool any = false;
    next.n = 0;
    if (!cv_append(&next, cur.v, nl))
      *oom = true;
    while (!*oom && next_span(&t->cs[k], cur.v, cur.n - nr, from, &sp, oom)) {
      if (sp.weak_only || lost_above(t, k, &cur, &sp)) {
        if (!cv_append(&next, cur.v + from, sp.e - from))
          *oom = true;
        from = sp.e;
        continue;
      }
      cpvec fin = {0};
      size_t lo = sp.s > MJ_CONTEXT ? sp.s - MJ_CONTEXT : 0;
      size_t hi = sp.e + MJ_CONTEXT < cur.n ? sp.e + MJ_CONTEXT : cur.n;
      size_t in2 = k, more = deeper(t, cur.v + lo, sp.s - lo, &sp.dec, cur.v + sp.e, hi - sp.e,
                                    &fin, depth + 1, &in2, oom);
      const cpvec *f = more ? &fin : &sp.dec;
      if (!*oom && layer_pays(t, &cur, &sp, f, k, outer, &tmp, oom)) {
        if (!cv_append(&next, cur.v + from, sp.s - from) || !cv_append(&next, f->v, f->n))
          *oom = true;
        any = true;
        if (!changed) {
          *inner = more ? in2 : k;
          changed = true;
        }
        if (1 + more > layers)
          layers = 1 + more;
      } else if (!cv_append(&next, cur.v + from, sp.e - from)) {
        *oom = true;
      }
      from = sp.e;
      free(fin.v);
    }
    if (any && !*oom) {
      if (!cv_append(&next, cur.v + from, cur.n - from))
        *oom = true;
      cpvec sw = cur;
      cur = next;
      next = sw;
    }
  }
  if (changed && !*oom) {
    out->n = 0;
    if (!cv_append(out, cur.v + nl, cur.n - nl - nr))
      *oom = true;
  }
  free(cur.v);
  free(next.v);
  free(tmp.v);
  free(sp.dec.v);
  return changed && !*oom ? layers : 0;
}

static bool latin_line_of(const uint32_t *c, size_t n) {
  size_t ascii = 0, other = 0;
  for (size_t i = 0; i < n; i++) {
    if ((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z'))
      ascii++;
    else if (c[i] >= 0x80 && mj_is_letter(c[i]))
      other++;
  }
  return ascii >= 4 && ascii >= other;
}

static bool overlaps(const mj_state *st, size_t s, size_t e) {
  for (size_t k = 0; k < st->n_fix; k++)
    if (s < st->fix[k].e && st->fix[k].s < e)
      return true;
  return false;
}

static double confidence_of(int gain) {
  double c = 0.6 + 0.08 * gain;
  return c > 0.99 ? 0.99 : c;
}

/* The fix that overlaps [s, e), or NULL. */
static const mj_fix *overlapping(const mj_state *st, size_t s, size_t e) {
  for (size_t k = 0; k < st->n_fix; k++)
    if (s < st->fix[k].e && st->fix[k].s < e)
      return &st->fix[k];
  return NULL;
}

/* The word that ends at c[i - 1] is in capitals ("HOTĂRÂ", "RÂ"); a capital glued to a
 * symbol ("°C") is a unit, not such a word. */
static bool caps_word_before(const uint32_t *c, size_t i) {
  size_t caps = 0;
  while (i > 0 && mj_is_letter(c[i - 1])) {
    if (mj_is_lower(c[i - 1]))
      return false;
    caps++;
    i--;
  }
  return caps >= 2 || (caps == 1 && (i == 0 || u_isUWhiteSpace((UChar32)c[i - 1])));
}

/* A repair that needs no other evidence on its line: every character of the span was a
 * lead or a continuation (no space standing for 0xA0), the result is letters (U+FFFD for a
 * lost byte among many more letters) of the script of the letters it is glued to, and it removed at
 * least the charset's min_gain of badness. Text that reads as valid UTF-8 by chance rarely
 * does all of that: "dÃ©cision", "Ð·Ð°Ð²Ð¾Ð´", "wspĂłlny" do. */
static bool word_repair(const uint32_t *c, size_t n, size_t s, size_t e, const cpvec *f, bool weak,
                        int gain, int need) {
  if (weak || gain < need || f->n == 0)
    return false;
  size_t letters = 0, lost = 0;
  for (size_t i = 0; i < f->n; i++) {
    if (f->v[i] == 0xFFFD)
      lost++;
    else if (mj_is_plain_letter(f->v[i]))
      letters++;
    else
      return false;
  }
  if (letters == 0 || lost * 2 >= letters)
    return false;
  /* a small letter in a word of capitals: "TÃ" + no-break space in a Vietnamese headline
   * (but "RÃ©ticulose" is a capitalized word) */
  bool lower_after = false;
  for (size_t i = e; i < n && mj_is_letter(c[i]) && !lower_after; i++)
    lower_after = mj_is_lower(c[i]);
  for (size_t i = 0; i < f->n && !lower_after; i++)
    if (mj_is_lower(f->v[i]) && caps_word_before(c, s))
      return false;
  uint32_t first = f->v[0] == 0xFFFD && f->n > 1 ? f->v[1] : f->v[0];
  uint32_t last = f->v[f->n - 1] == 0xFFFD && f->n > 1 ? f->v[f->n - 2] : f->v[f->n - 1];
  if (s > 0 && mj_is_letter(c[s - 1]) && !mj_same_script(c[s - 1], first))
    return false;
  return !(e < n && mj_is_letter(c[e]) && !mj_same_script(c[e], last));
}

/* "RaphaÃ«l", "sandÃ¡raca", "reposiÃ§Ã£o", "Ã–sterreich": punctuation (here « ¡ § –) with
 * letters on both sides in the span is no punctuation of the text, whatever the language
 * uses it for. */
static bool punct_in_word(const uint32_t *c, size_t n, size_t s, size_t e) {
  for (size_t i = s; i < e; i++)
    if (c[i] >= 0x80 && u_ispunct((UChar32)c[i]) && i > 0 && i + 1 < n && mj_is_letter(c[i - 1]) &&
        mj_is_letter(c[i + 1]))
      return true;
  return false;
}

typedef struct cand {
  mj_fix fx;
  int gain;
  bool plain; /* the repair gives letters and marks only */
  bool weak;  /* the span leans on spaces standing for 0xA0 only */
  bool all_long;
} cand;

/* Candidate spans of the line in charset k, with what each repair gains. */
static bool collect(mj_state *st, size_t n, size_t k, bool latin_line, cand **out, size_t *n_out) {
  const mj_tables *t = st->t;
  const uint32_t *c = st->cp;
  cpvec tmp = {0};
  span sp = {0};
  bool oom = false;
  size_t from = 0, cap = 0;
  *n_out = 0;
  while (!oom && next_span(&t->cs[k], c, n, from, &sp, &oom)) {
    from = sp.e;
    if (!sp.weak_only)
      memset(st->covered + sp.s, 1, sp.e - sp.s);
    /* "Ã" + space is "à", a word of its own: fix_a_grave() knows whether to keep the space. */
    if (sp.weak_only && sp.dec.n == 1 && sp.dec.v[0] == 0xE0)
      continue;
    /* "Â" + no-break space alone is a no-break space: fix_nbsp() asks its neighbours. */
    if (sp.dec.n == 1 && sp.dec.v[0] == 0xA0)
      continue;
    const mj_fix *o = overlapping(st, sp.s, sp.e);
    if (o) {
      /* Look again right after the repair already made there. */
      if (o->e < sp.e)
        from = o->e > sp.s ? o->e : sp.s + 1;
      continue;
    }
    cpvec fin = {0};
    size_t lo = sp.s > MJ_CONTEXT ? sp.s - MJ_CONTEXT : 0;
    size_t hi = sp.e + MJ_CONTEXT < n ? sp.e + MJ_CONTEXT : n;
    size_t inner = k,
           more = deeper(t, c + lo, sp.s - lo, &sp.dec, c + sp.e, hi - sp.e, &fin, 1, &inner, &oom);
    const cpvec *f = more ? &fin : &sp.dec;
    bool ok = !oom &&
              mj_plausible(f->v, f->n, sp.s > 0 ? c[sp.s - 1] : 0, sp.e < n ? c[sp.e] : 0) &&
              !merges_letters(t, c, n, sp.s, sp.e, f->v, f->n),
         plain = true;
    for (size_t q = 0; ok && q < f->n; q++) {
      ok = !mj_forbidden(f->v[q]);
      plain &= mj_is_plain_letter(f->v[q]);
    }
    if (ok) {
      int before =
          window_badness(t, c, n, sp.s, sp.e, c + sp.s, sp.e - sp.s, latin_line, &tmp, &oom);
      int after = window_badness(t, c, n, sp.s, sp.e, f->v, f->n, latin_line, &tmp, &oom);
      if (!oom && before - after >= 0) {
        if (CD_GROW(*out, *n_out, cap))
          oom = true;
        if (!oom) {
          cand *cd = &(*out)[(*n_out)++];
          mj_fix fx = {sp.s,
                       sp.e,
                       0,
                       f->n,
                       mj_rule(t, 1 + more, k, inner),
                       confidence_of(before - after),
                       sp.strong || more > 0,
                       false,
                       false};
          int need = t->cs[k].min_gain - (fx.strong ? 1 : 0);
          fx.word =
              word_repair(c, n, sp.s, sp.e, f, sp.weak_only, before - after, need < 1 ? 1 : need);
          fx.punct_in_word = punct_in_word(c, n, sp.s, sp.e);
          cd->fx = fx;
          cd->gain = before - after;
          cd->plain = plain;
          cd->weak = sp.weak_only;
          /* Three-byte sequences are rare by chance, except among letters: in Ukrainian
           * text read as KOI8-U, і є ї ґ are continuation bytes and "Біє", "біґ" spell
           * valid UTF-8, and in cp1251 "её" + no-break space is a CJK ideograph. Spans of
           * plain letters (and no-break spaces) must pay for themselves. */
          bool letters = true;
          for (size_t q = sp.s; letters && q < sp.e; q++)
            letters = mj_is_letter(c[q]) || c[q] == 0xA0;
          cd->all_long = sp.all_long && !letters;
          if (!pool_push(st, f->v, f->n, &cd->fx.repl_off))
            oom = true;
        }
      }
    }
    free(fin.v);
  }
  free(tmp.v);
  free(sp.dec.v);
  return !oom;
}

/* Leads each followed by a '?' with a letter right after ("zloÄ?in", "MaryÄ?Ä?in",
 * "Ã?guila"), or after a small letter ("maÄ?", "citeaČ›Ä?"): inside a word, or after a
 * capital that no lower-case word ends with, a '?' is no question mark but a byte an
 * encoder could not write. Trusted once the charset is at work on the line, unless the
 * lead is a small letter that ends a clean word ("untuosità?"). The line ends with a 0
 * (mojibake_process). */
static bool lost_in_word(const mj_state *st, const mj_fix *fx) {
  const uint32_t *c = st->cp;
  if ((fx->e - fx->s) % 2 || fx->repl_n != (fx->e - fx->s) / 2)
    return false;
  for (size_t i = fx->s; i < fx->e; i += 2)
    if (c[i + 1] != '?' || st->pool[fx->repl_off + (i - fx->s) / 2] != 0xFFFD ||
        small_letter_after_small(c, i))
      return false;
  bool capital_after_small = fx->s > 0 && mj_is_letter(c[fx->s - 1]) && mj_is_lower(c[fx->s - 1]) &&
                             mj_is_letter(c[fx->s]) && !mj_is_lower(c[fx->s]);
  return mj_is_letter(c[fx->e]) || capital_after_small;
}

/* A repair that gives U+FFFD: a sequence with a real continuation and a lost byte
 * ("á»?" in Vietnamese, the '?' an encoder's), kept where the charset is at work. */
static bool gives_lost_byte(const mj_state *st, const mj_fix *fx) {
  for (size_t i = 0; i < fx->repl_n; i++)
    if (st->pool[fx->repl_off + i] == 0xFFFD)
      return true;
  return false;
}

/* Which candidates of one charset to keep. Each repair must pay for itself (min_gain,
 * one less for a sequence of three bytes or with C1 controls, which chance rarely makes).
 * A charset that clearly repaired something on the line is at work there: its other
 * candidates are kept when they help at all, or give plain letters. Several small gains
 * together also show it at work. */
static bool decide(mj_state *st, const mj_charset *cs, cand *cd, size_t n) {
  size_t sure = 0, some = 0;
  int total = 0;
  for (size_t i = 0; i < n; i++) {
    if (cd[i].weak)
      continue;
    int need = cs->min_gain - (cd[i].fx.strong ? 1 : 0);
    if (cd[i].gain >= (need < 1 ? 1 : need) || (cd[i].all_long && cd[i].gain >= 0))
      sure++;
    if (cd[i].gain >= 1) {
      some++;
      total += cd[i].gain;
    }
  }
  bool at_work = sure > 0 || (some >= 2 && total >= cs->min_gain);
  if (!at_work)
    return true;
  for (size_t i = 0; i < n; i++)
    if (cd[i].weak
            ? cd[i].plain || lost_in_word(st, &cd[i].fx)
            : (cd[i].gain >= 1 || cd[i].plain || cd[i].all_long || gives_lost_byte(st, &cd[i].fx)))
      if (!fix_push(st, &cd[i].fx))
        return false;
  return true;
}

/* True when the charset reads 0x80..0x9F as C1 controls (ISO 8859). */
static bool iso_like(const mj_charset *cs) { return cs->to_cp[0x85] == 0x85; }

/* A C1 control that no sloppy Windows charset explains (as one of its undefined bytes)
 * shows that an ISO 8859 decoder was at work. */
static bool iso_c1(const mj_tables *t, uint32_t c) {
  if (c < 0x80 || c >= 0xA0)
    return false;
  for (size_t k = 0; k < t->n; k++)
    if (t->cs[k].sloppy && !iso_like(&t->cs[k]) && t->cs[k].to_cp[c] == c)
      return false;
  return true;
}

/* Mojibake spans of the line, charset by charset. A line with C1 controls went through an
 * ISO 8859 decoder: those charsets are tried first there. */
/* Counts, per language of alphabets.txt, the letters of v[0, n) from U+0080 up that its
 * alphabet has. */
static void count_alphabets(const mj_tables *t, const uint32_t *v, size_t n, uint32_t *count) {
  for (size_t i = 0; i < n; i++)
    if (v[i] >= 0x80 && v[i] < 0x10000 && mj_is_letter(v[i]))
      for (uint32_t m = t->alpha[v[i]], j = 0; m; m >>= 1, j++)
        count[j] += m & 1u;
}

/* The order in which to try the charsets on this line: the one whose spans decode the most
 * of it into characters (a combining mark is no character of its own) first, the order of
 * charsets.tsv among equals. Charsets that share the damaged line's lead characters differ
 * in a few continuation bytes (ś is 0x9C in cp1250, 0xB6 in ISO-8859-2): the charset that
 * explains the whole line must win each of its spans, or a Polish line comes out with its
 * "ł" left as "Ĺ‚". Among equals, the charset that gives the most letters of one alphabet,
 * counting the line's correct letters ("Ăś" in a Hungarian line is "ö" in ISO-8859-2, "Ü"
 * in cp1250, even beside a Greek "λ"). */
/* Charset a goes before b: it reads more of the line; or as much, with more letters of one
 * alphabet; or both, with fewer C1 controls taken for bytes it leaves undefined (a C1 control
 * is a character of ISO 8859: "Ä\x83" is Romanian ă both in ISO-8859-2 and, as an undefined
 * byte, in cp1250, but "ĂŽ" is î in the first and Î in the second). */
static bool ranks_before(size_t a, size_t b, const size_t *cover, const uint32_t *agree,
                         const size_t *undefined) {
  if (cover[a] != cover[b])
    return cover[a] > cover[b];
  if (agree[a] != agree[b])
    return agree[a] > agree[b];
  return undefined[a] < undefined[b];
}

static bool rank_charsets(mj_state *st, size_t n, size_t *order) {
  const mj_tables *t = st->t;
  size_t cover[MJ_MAX_CHARSETS] = {0}, undefined[MJ_MAX_CHARSETS] = {0};
  uint32_t count[MJ_MAX_CHARSETS][32], line[32] = {0}, agree[MJ_MAX_CHARSETS] = {0};
  span sp = {0};
  bool oom = false;
  memset(st->covered, 0, n);
  memset(count, 0, sizeof count);
  for (size_t k = 0; k < t->n && !oom; k++) {
    size_t from = 0;
    while (next_span(&t->cs[k], st->cp, n, from, &sp, &oom)) {
      from = sp.e;
      if (sp.weak_only)
        continue;
      memset(st->covered + sp.s, 1, sp.e - sp.s);
      cover[k] += sp.good;
      undefined[k] += sp.undefined;
      count_alphabets(t, sp.dec.v, sp.dec.n, count[k]);
    }
    order[k] = k;
  }
  free(sp.dec.v);
  for (size_t i = 0; i < n; i++)
    if (!st->covered[i])
      count_alphabets(t, st->cp + i, 1, line);
  for (size_t k = 0; k < t->n; k++)
    for (size_t j = 0; j < 32; j++)
      if (count[k][j] && count[k][j] + line[j] > agree[k])
        agree[k] = count[k][j] + line[j];
  for (size_t i = 1; i < t->n; i++) /* insertion sort: stable, a dozen entries */
    for (size_t j = i; j > 0 && ranks_before(order[j], order[j - 1], cover, agree, undefined);
         j--) {
      size_t x = order[j];
      order[j] = order[j - 1];
      order[j - 1] = x;
    }
  return !oom;
}

static bool find_fixes(mj_state *st, size_t n, bool latin_line) {
  const mj_tables *t = st->t;
  bool c1 = false;
  for (size_t i = 0; i < n && !c1; i++)
    c1 = iso_c1(t, st->cp[i]);
  cand *cd = NULL;
  size_t order[MJ_MAX_CHARSETS];
  bool ok = rank_charsets(st, n, order);
  for (int round = c1 ? 0 : 1; ok && round < 2; round++)
    for (size_t r = 0; ok && r < t->n; r++) {
      size_t k = order[r];
      if (c1 && iso_like(&t->cs[k]) != (round == 0))
        continue;
      size_t nc = 0;
      ok = collect(st, n, k, latin_line, &cd, &nc) && decide(st, &t->cs[k], cd, nc);
    }
  free(cd);
  return ok;
}

/* After the repairs the line should look like text. When much of what looked wrong is
 * still there, the line is a hopeless pile-up (or no mojibake at all): leave it. */
static bool gate_residual(mj_state *st, size_t n, bool latin_line) {
  if (st->n_fix == 0)
    return true;
  cpvec fixed = {0};
  size_t at = 0;
  bool ok = true;
  if (st->n_fix > 1)
    qsort(st->fix, st->n_fix, sizeof *st->fix, cmp_fix);
  for (size_t k = 0; ok && k < st->n_fix; k++) {
    ok = cv_append(&fixed, st->cp + at, st->fix[k].s - at) &&
         cv_append(&fixed, st->pool + st->fix[k].repl_off, st->fix[k].repl_n);
    at = st->fix[k].e;
  }
  ok = ok && cv_append(&fixed, st->cp + at, n - at);
  cpvec orig = {0};
  ok = ok && cv_append(&orig, st->cp, n);
  if (ok) {
    /* C1 punctuation is repaired later (fix_c1): judge both texts as if it were. */
    cpvec *both[2] = {&orig, &fixed};
    for (int b = 0; b < 2; b++)
      for (size_t i = 0; i < both[b]->n; i++) {
        uint32_t c = both[b]->v[i];
        if (c >= 0x80 && c < 0xA0 && st->t->cp1252[c - 0x80] != MJ_UNDEFINED)
          both[b]->v[i] = st->t->cp1252[c - 0x80];
      }
    int before = mj_badness(st->t, orig.v, orig.n, latin_line);
    int after = mj_badness(st->t, fixed.v, fixed.n, latin_line);
    if (after * 2 > before)
      st->n_fix = 0;
  }
  free(fixed.v);
  free(orig.v);
  return ok;
}

/* A line that has correct non-ASCII text outside every candidate span is mostly right:
 * one weak repair there is more likely a false alarm than damage. A word repair
 * (word_repair()) stands when that correct text has letters: a word damaged alone in a
 * Portuguese, Greek or Polish line, or when punctuation sits inside the word. Otherwise
 * correct punctuation alone ("Mccoy – DrÃ¥ber") says the line went through one program
 * that got it right: the pair may be meant. */
static void gate_inconsistent(mj_state *st, size_t n) {
  if (st->n_fix != 1 || st->fix[0].strong)
    return;
  bool other = false, letters = false;
  for (size_t i = 0; i < n; i++)
    if (st->cp[i] >= 0xA0 && !st->covered[i]) {
      other = true;
      letters |= mj_is_letter(st->cp[i]);
    }
  if (other && !(st->fix[0].word && (letters || st->fix[0].punct_in_word)))
    st->n_fix = 0;
}

static bool is_join_word(const mj_tables *t, const uint32_t *c, size_t n, size_t i) {
  size_t e = i;
  while (e < n && mj_is_letter(c[e]))
    e++;
  if (e < n && (c[e] == '\'' || c[e] == 0x2019))
    return false; /* "à s'éloigner": an elided word, not "às" */
  for (size_t k = 0; k < t->n_joins; k++) {
    const char *w = t->joins[k];
    size_t wl = strlen(w);
    if (wl != e - i)
      continue;
    size_t q = 0;
    while (q < wl && c[i + q] == (unsigned char)w[q])
      q++;
    if (q == wl)
      return true;
  }
  return false;
}

/* Punctuation that follows a word without a space: . , ; : ! ? ) ] and closing quotes. */
static bool ends_phrase(uint32_t c) {
  if (c < 0x80)
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
           c == ']' || c == '"' || c == '\'';
  int8_t t = u_charType((UChar32)c);
  return t == U_FINAL_PUNCTUATION || t == U_END_PUNCTUATION || c == 0x2026;
}

/* "Ã" + space: "à" whose no-break space (0xA0) became an ordinary space. Trusted after a
 * lower-case letter ("voilÃ le") or when the line already had a repair in a charset where
 * the character is the byte 0xC3 ("Г l’ouest" in a cp1251-damaged line). */
static bool fix_a_grave(mj_state *st, size_t n) {
  const mj_tables *t = st->t;
  const uint32_t *c = st->cp;
  size_t n_before = st->n_fix;
  for (size_t i = 0; i + 1 < n; i++) {
    if (c[i] < 0x80 || c[i + 1] != ' ')
      continue;
    bool c3 = false,
         evidence = c[i] == 0xC3 && i > 0 && mj_is_letter(c[i - 1]) && mj_is_lower(c[i - 1]);
    for (size_t k = 0; k < t->n; k++)
      if (byte_of(&t->cs[k], c[i]) == 0xC3) {
        c3 = true;
        for (size_t f = 0; f < n_before && !evidence; f++)
          evidence = strncmp(st->fix[f].rule, t->rules[k], strlen(t->rules[k])) == 0;
      }
    if (!c3 || !evidence)
      continue;
    if ((i > 0 && mj_is_letter(c[i - 1]) && !mj_is_lower(c[i - 1])) ||
        small_letter_after_small(c, i))
      continue; /* "JOÃ O", or the end of a clean word ("абиссинец " is no KOI8 "à") */
    /* at the end of the line or before punctuation the space was the no-break space of
     * "à" itself ("là." read as "lÃ" + 0xA0, flattened): "à" takes it */
    bool end = i + 2 >= n || ends_phrase(c[i + 2]);
    bool dbl = !end && c[i + 2] == ' ';
    size_t w = dbl ? i + 3 : i + 2;
    /* two spaces: the first was the no-break space, whatever word follows ("sitÃ  Leo") */
    if (overlaps(st, i, i + 2) ||
        (!end && (w >= n || !(mj_is_letter(c[w]) || (dbl && c[w] >= '0' && c[w] <= '9')) ||
                  (!dbl && !mj_is_lower(c[w])))))
      continue;
    bool join = end || (!dbl && is_join_word(t, c, n, w));
    uint32_t rep[2] = {0xE0, ' '};
    mj_fix fx = {i,    i + 2, 0,    (dbl || join) ? 1 : 2, "mojibake.a-grave-lost-nbsp", 0.8,
                 true, false, false};
    if (!pool_push(st, rep, fx.repl_n, &fx.repl_off) || !fix_push(st, &fx))
      return false;
  }
  return true;
}

/* "Â" + no-break space (or + space, when the no-break space was later flattened): a
 * no-break space (C2 A0) read as cp1252 or Latin-1. Decided by the neighbours alone: glued
 * to the end of a word, a number or a mark and followed by more text, it is mojibake in
 * every language; at the end of an all-capitals word it may be a Portuguese, Romanian or
 * French "Â", and it stays. */
static bool fix_nbsp(mj_state *st, size_t n) {
  const uint32_t *c = st->cp;
  for (size_t i = 1; i + 2 < n; i++) {
    if (c[i] != 0xC2 || (c[i + 1] != 0xA0 && c[i + 1] != ' ') || overlaps(st, i, i + 2))
      continue;
    uint32_t left = c[i - 1], right = c[i + 2];
    if (u_isUWhiteSpace((UChar32)left) || u_isUWhiteSpace((UChar32)right) || left == 0xC2)
      continue;
    if (mj_is_letter(left) && caps_word_before(c, i))
      continue;
    uint32_t nbsp = 0xA0;
    mj_fix fx = {i,    i + 2, 0,    1, "mojibake.nbsp-as-cp1252", c[i + 1] == ' ' ? 0.85 : 0.9,
                 true, false, false};
    if (!pool_push(st, &nbsp, 1, &fx.repl_off) || !fix_push(st, &fx))
      return false;
  }
  return true;
}

/* C1 controls outside any repair: cp1252 punctuation read as Latin-1. */
static bool fix_c1(mj_state *st, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t c = st->cp[i];
    if (c < 0x80 || c >= 0xA0 || overlaps(st, i, i + 1))
      continue;
    uint32_t r = st->t->cp1252[c - 0x80];
    if (r == MJ_UNDEFINED)
      continue; /* cp1252's holes: left for the Unicode stage */
    mj_fix fx = {i, i + 1, 0, 1, "mojibake.c1-as-cp1252", 0.9, true, false, false};
    if (!pool_push(st, &r, 1, &fx.repl_off) || !fix_push(st, &fx))
      return false;
  }
  return true;
}

/* ---- the fast path ---------------------------------------------------------------------- */

/* Badness around a lead character at byte i of s: up to MJ_CONTEXT characters before and
 * MJ_CONTEXT + 1 from it. */
static int local_badness(const mj_tables *t, const char *s, size_t len, size_t i) {
  uint32_t w[2 * MJ_CONTEXT + 2];
  size_t n = 0, b = i;
  for (int k = 0; k < MJ_CONTEXT && b > 0; k++) {
    size_t p = b;
    if (cd_utf8_prev(s, &p) < 0)
      break;
    b = p;
  }
  for (size_t j = b; j < len && n < sizeof w / sizeof w[0] && (j < i || n < 2 * MJ_CONTEXT + 2);) {
    int32_t c = cd_utf8_next(s, len, &j);
    w[n++] = c < 0 ? 0xFFFD : (uint32_t)c;
  }
  return mj_badness(t, w, n, false);
}

/* True when the text may hold mojibake: a C1 control, "Ã" before a space, or a lead
 * character followed by a continuation character of the same charset where the text
 * around already looks wrong. Legitimate text (Ukrainian "ці" is a valid sequence in
 * cp1251) costs one table lookup a character and a small badness check per pair. */
static bool suspicious(const mj_tables *t, const char *s, size_t len) {
  size_t i = 0, lead_at = 0;
  uint32_t prev_lead = 0;
  uint32_t prev = 0;
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      if (b == ' ' && (prev == 0xC3 || prev == 0xC2))
        return true;
      /* only the first byte of an ASCII run meets a lead */
      size_t run = 1;
      if (i + 1 < len && (unsigned char)s[i + 1] < 0x80)
        run += cd_ascii_prefix(s + i + 1, len - i - 1);
      prev_lead = 0;
      prev = (unsigned char)s[i + run - 1];
      i += run;
      continue;
    }
    size_t at = i;
    int32_t c = cd_utf8_next(s, len, &i);
    if (c < 0) {
      prev_lead = 0;
      continue;
    }
    if (c < 0xA0 || (c == 0xA0 && prev == 0xC2))
      return true;
    uint32_t m = c < 0x10000 ? t->mask[c] : 0;
    uint32_t pair = prev_lead & (m >> 16);
    if (pair) {
      if (local_badness(t, s, len, lead_at) > 0)
        return true;
      /* A lead of three bytes or more with two continuations: rare in real text. */
      size_t j = i;
      int32_t d = j < len ? cd_utf8_next(s, len, &j) : -1;
      uint32_t md = d >= 0 && d < 0x10000 ? t->mask[d] : 0;
      for (size_t k = 0; k < t->n; k++)
        if ((pair & (md >> 16) & (1u << k)) && byte_of(&t->cs[k], prev) >= 0xE0)
          return true;
    }
    prev_lead = m & 0xFFFF;
    lead_at = at;
    prev = (uint32_t)c;
  }
  return false;
}

/* ---- the stage -------------------------------------------------------------------------- */

static cd_status mojibake_open(const cd_stage_env *env, void **state, cd_error *err) {
  mj_state *st = calloc(1, sizeof *st);
  if (!st)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status s = mj_tables_new(env->data_dir, &st->t, err);
  if (s) {
    free(st);
    return s;
  }
  *state = st;
  return CD_OK;
}

static void mojibake_close(void *state) {
  mj_state *st = state;
  if (!st)
    return;
  mj_tables_free(st->t);
  free(st->cp);
  free(st->off);
  free(st->covered);
  free(st->pool);
  free(st->fix);
  cd_buf_free(&st->utf8);
  free(st);
}

static cd_status mojibake_process(void *state, const cd_window *seg, cd_rewriter *rw,
                                  cd_error *err) {
  mj_state *st = state;
  size_t len = seg->len - seg->eol;
  if (!suspicious(st->t, seg->text, len))
    return CD_OK;
  /* Decode the line into code points with their byte offsets. */
  size_t n = 0, i = 0;
  if (!reserve_line(st, len))
    return cd_error_set(err, CD_ERR_NOMEM, "line %llu: out of memory",
                        (unsigned long long)seg->line);
  while (i < len) {
    st->off[n] = i;
    int32_t c = cd_utf8_next(seg->text, len, &i);
    st->cp[n++] = c < 0 ? 0xFFFD : (uint32_t)c;
  }
  st->off[n] = len;
  st->cp[n] = 0; /* reserve_line() made room: lost_in_word() looks one past a span */
  st->n_fix = 0;
  st->pool_len = 0;
  memset(st->covered, 0, n);
  bool latin_line = latin_line_of(st->cp, n);
  bool ok = find_fixes(st, n, latin_line);
  if (ok)
    gate_inconsistent(st, n);
  ok = ok && gate_residual(st, n, latin_line);
  ok = ok && fix_a_grave(st, n) && fix_nbsp(st, n) && fix_c1(st, n);
  if (!ok)
    return cd_error_set(err, CD_ERR_NOMEM, "line %llu: out of memory",
                        (unsigned long long)seg->line);
  if (st->n_fix > 1)
    qsort(st->fix, st->n_fix, sizeof *st->fix, cmp_fix);
  for (size_t k = 0; k < st->n_fix; k++) {
    const mj_fix *f = &st->fix[k];
    cd_buf_clear(&st->utf8);
    for (size_t q = 0; q < f->repl_n; q++)
      if (cd_buf_append_cp(&st->utf8, st->pool[f->repl_off + q]))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    cd_status s = cd_rw_replace(rw, st->off[f->s], st->off[f->e],
                                st->utf8.data ? st->utf8.data : "", st->utf8.len, f->rule, f->conf);
    if (s)
      return cd_error_set(err, s, "line %llu: cannot record a mojibake repair",
                          (unsigned long long)seg->line);
  }
  return CD_OK;
}

const cd_stage_def cd_stage_mojibake = {
    .name = "mojibake",
    .flag = CD_STAGE_MOJIBAKE,
    .open = mojibake_open,
    .process = mojibake_process,
    .close = mojibake_close,
};
