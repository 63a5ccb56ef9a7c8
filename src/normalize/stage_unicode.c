/* SPDX-License-Identifier: MIT */
/* Stage "unicode": NFC, stray controls, invisible characters, mixed-script look-alikes and
 * the stream-safe format, every edit logged with its own rule.
 *
 * The stage is on the hot path, so it is built around one forward pass over the segment:
 *   - a line that is printable ASCII (plus TAB) is left alone after one byte scan;
 *   - otherwise each code point is looked up in a cache of ICU properties (unicode_props.h)
 *     and the pass records "pieces" (input span -> replacement, rule) for what it changes.
 *     Text goes to UTF-16 only for a normalization unit that ICU's quick-check rules say
 *     may change (a code point that is not NFC_Quick_Check=Yes, or combining marks out of
 *     canonical order); already-NFC text is never converted.
 *   - words that mix Latin, Cyrillic and Greek letters are noted during the pass and
 *     examined afterwards (unicode_homoglyph.h); their repairs become pieces too.
 * Pieces never overlap; adjacent pieces of one rule are merged into one edit, so the log
 * shows the span that changed (a decomposed letter, a run of zero-width spaces), never the
 * whole line. The line end (seg->eol) is never looked at, so it cannot change.
 *
 * Policies (see the Unicode section of docs/normalize.md):
 *   - C0/C1 controls other than TAB are removed, NUL included. A control that is white
 *     space (VT, FF, a CR that is not part of CRLF, U+0085 NEL) becomes one space when it
 *     separates two non-space characters, else it is removed: NEL is text to the pipeline
 *     (never a line end) and becomes a plain space.
 *   - U+FEFF inside text is removed. ZWSP, WJ, soft hyphen and the other default-ignorable
 *     format characters are removed unless a neighbouring letter belongs to a script other
 *     than Latin, Cyrillic, Greek (Thai, Khmer, Arabic, ... where they carry meaning).
 *   - ZWJ/ZWNJ are kept next to emoji and next to letters of those other scripts (Persian,
 *     Indic, ...); removed inside or around Latin/Cyrillic/Greek words and between spaces.
 *   - Variation selectors are removed only right after a Latin/Cyrillic/Greek letter.
 *   - Bidi controls are removed inside a Latin/Cyrillic/Greek word, and anywhere on a line
 *     (window) without any right-to-left letter; kept otherwise.
 *   - More than 30 consecutive non-starters (ccc != 0) get a CGJ before the 31st. The count
 *     carries across the windows of one line.
 *   - U+FFFD is kept. */
#include "cd_stage.h"
#include "unicode_homoglyph.h"
#include "unicode_props.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define STREAM_SAFE_MAX 30

static const char R_NFC[] = "unicode.nfc";
static const char R_CONTROL[] = "unicode.control";
static const char R_ZERO_WIDTH[] = "unicode.zero-width";
static const char R_BOM[] = "unicode.bom";
static const char R_SOFT_HYPHEN[] = "unicode.soft-hyphen";
static const char R_BIDI[] = "unicode.bidi";
static const char R_VS[] = "unicode.variation-selector";
static const char R_HOMOGLYPH[] = "unicode.homoglyph";
static const char R_MIXED[] = "unicode.mixed-script";
static const char R_STREAM_SAFE[] = "unicode.stream-safe";

static const char CGJ_UTF8[] = "\xCD\x8F"; /* U+034F COMBINING GRAPHEME JOINER */

typedef struct piece {
  size_t s, e;   /* input span */
  size_t off, n; /* replacement, in ustate.pout */
  const char *rule;
  double conf;
} piece;

typedef struct span {
  size_t s, e;
} span;

/* Where a code point of a rebuilt word came from: a piece, or the input unchanged. */
typedef struct origin {
  size_t piece; /* SIZE_MAX: input */
  size_t pos, len;
} origin;

typedef struct ustate {
  ucp_table props;
  cd_homoglyph *hg;
  piece *pieces;
  size_t np, cap_p;
  span *words;
  size_t nw, cap_w;
  origin *orig;
  size_t cap_o;
  cd_buf pout, tmp, tmp2, acc;
  UChar *u16a, *u16b;
  int32_t cap_a, cap_b;
  /* carried from one window of a line to the next */
  unsigned ns_run, prev_ctx;
  bool prev_space, prev_emoji;
} ustate;

typedef struct scan {
  ustate *st;
  const char *s;
  size_t n;
  bool line_end;
  size_t unit_start, unit_piece;
  bool unit_dirty;
  unsigned last_ccc;
  bool in_word;
  size_t word_start;
  unsigned word_mask;
  int has_rtl; /* -1: not looked yet */
  cd_status status;
} scan;

/* ---- small helpers ------------------------------------------------------------------- */

static inline int32_t next_cp(const char *s, size_t n, size_t i, size_t *j) {
  int32_t k = 0, rem = n - i > 8 ? 8 : (int32_t)(n - i);
  UChar32 c;
  U8_NEXT((const uint8_t *)s + i, k, rem, c);
  *j = i + (size_t)k;
  return c < 0 ? 0xFFFD : c; /* the decode stage guarantees well-formed input */
}

static bool ascii_clean(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  unsigned bad = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned b = p[i];
    bad |= (b - 0x20u >= 0x5Fu) & (b != '\t');
  }
  return !bad;
}

static void push_piece(scan *sc, size_t s, size_t e, const char *out, size_t n, const char *rule,
                       double conf) {
  ustate *st = sc->st;
  if (sc->status)
    return;
  if (CD_GROW(st->pieces, st->np, st->cap_p)) {
    sc->status = CD_ERR_NOMEM;
    return;
  }
  piece *p = &st->pieces[st->np];
  p->s = s;
  p->e = e;
  p->off = st->pout.len;
  p->n = n;
  p->rule = rule;
  p->conf = conf;
  if (n && cd_buf_append(&st->pout, out, n)) {
    sc->status = CD_ERR_NOMEM;
    return;
  }
  st->np++;
}

/* NFC of UTF-8 text through ICU's UTF-16 API; out receives UTF-8. */
static cd_status nfc_utf8(ustate *st, const char *in, size_t len, cd_buf *out) {
  if (len > INT32_MAX / 4)
    return CD_ERR_INTERNAL;
  UErrorCode ec = U_ZERO_ERROR;
  int32_t n16 = 0;
  u_strFromUTF8(st->u16a, st->cap_a, &n16, in, (int32_t)len, &ec);
  if (ec == U_BUFFER_OVERFLOW_ERROR) {
    UChar *p = realloc(st->u16a, ((size_t)n16 + 1) * sizeof *p);
    if (!p)
      return CD_ERR_NOMEM;
    st->u16a = p;
    st->cap_a = n16 + 1;
    ec = U_ZERO_ERROR;
    u_strFromUTF8(st->u16a, st->cap_a, &n16, in, (int32_t)len, &ec);
  }
  if (U_FAILURE(ec))
    return CD_ERR_INTERNAL;
  int32_t nn = unorm2_normalize(st->props.nfc, st->u16a, n16, st->u16b, st->cap_b, &ec);
  if (ec == U_BUFFER_OVERFLOW_ERROR) {
    UChar *p = realloc(st->u16b, ((size_t)nn + 1) * sizeof *p);
    if (!p)
      return CD_ERR_NOMEM;
    st->u16b = p;
    st->cap_b = nn + 1;
    ec = U_ZERO_ERROR;
    nn = unorm2_normalize(st->props.nfc, st->u16a, n16, st->u16b, st->cap_b, &ec);
  }
  if (U_FAILURE(ec))
    return CD_ERR_INTERNAL;
  cd_buf_clear(out);
  if (cd_buf_reserve(out, (size_t)nn * 3))
    return CD_ERR_NOMEM;
  int32_t n8 = 0;
  u_strToUTF8(out->data, (int32_t)(out->cap - 1), &n8, st->u16b, nn, &ec);
  if (U_FAILURE(ec))
    return CD_ERR_INTERNAL;
  out->len = (size_t)n8;
  out->data[out->len] = '\0';
  return CD_OK;
}

/* ---- normalization units ------------------------------------------------------------- */

static inline void open_unit(scan *sc, size_t at) {
  sc->unit_start = at;
  sc->unit_piece = sc->st->np;
  sc->unit_dirty = false;
  sc->last_ccc = 0;
}

/* A unit runs from one safe starter to the next; the code points removed inside it do not
 * end it, so what they leave side by side is normalized together. Only a unit that the
 * quick-check rules call dirty is converted and normalized. */
static void close_unit(scan *sc, size_t end) {
  if (!sc->unit_dirty || sc->status)
    return;
  sc->unit_dirty = false;
  ustate *st = sc->st;
  cd_buf_clear(&st->tmp);
  size_t pos = sc->unit_start;
  for (size_t k = sc->unit_piece; k < st->np; k++) {
    const piece *p = &st->pieces[k];
    if (cd_buf_append(&st->tmp, sc->s + pos, p->s - pos) ||
        cd_buf_append(&st->tmp, cd_buf_at(&st->pout, p->off), p->n)) {
      sc->status = CD_ERR_NOMEM;
      return;
    }
    pos = p->e;
  }
  if (cd_buf_append(&st->tmp, sc->s + pos, end - pos)) {
    sc->status = CD_ERR_NOMEM;
    return;
  }
  cd_status s = nfc_utf8(st, st->tmp.data, st->tmp.len, &st->tmp2);
  if (s) {
    sc->status = s;
    return;
  }
  if (st->tmp2.len == st->tmp.len && memcmp(st->tmp2.data, st->tmp.data, st->tmp.len) == 0)
    return;
  st->np = sc->unit_piece; /* the removals inside become part of this one edit */
  push_piece(sc, sc->unit_start, end, st->tmp2.data, st->tmp2.len, R_NFC, 1.0);
}

/* A code point that stays in the text: stream-safe count and normalization units. */
static inline void nfc_step(scan *sc, size_t i, uint32_t f) {
  ustate *st = sc->st;
  unsigned ccc = UCP_CCC(f);
  if (ccc) {
    if (st->ns_run >= STREAM_SAFE_MAX) {
      close_unit(sc, i);
      push_piece(sc, i, i, CGJ_UTF8, sizeof CGJ_UTF8 - 1, R_STREAM_SAFE, 1.0);
      open_unit(sc, i);
      st->ns_run = 0;
    }
    st->ns_run++;
  } else {
    st->ns_run = 0;
  }
  if (f & UCP_NFC_OK) {
    if (sc->unit_dirty)
      close_unit(sc, i);
    open_unit(sc, i);
  } else if (!(f & UCP_QC_YES) || (ccc && ccc < sc->last_ccc)) {
    sc->unit_dirty = true;
  }
  sc->last_ccc = ccc;
}

/* ---- words --------------------------------------------------------------------------- */

static inline void word_add(scan *sc, size_t i, uint32_t f) {
  if (!sc->in_word) {
    sc->in_word = true;
    sc->word_start = i;
    sc->word_mask = 0;
  }
  if (f & UCP_LETTER) {
    unsigned scr = UCP_SCRIPT(f);
    if (scr)
      sc->word_mask |= 1u << (scr - 1);
    else if (f & UCP_OTHER_SCRIPT)
      sc->word_mask |= 8u;
  }
}

static inline void word_end(scan *sc, size_t e) {
  if (!sc->in_word)
    return;
  sc->in_word = false;
  unsigned m = sc->word_mask & 7u;
  if (!(m & (m - 1)) || (sc->word_mask & 8u))
    return; /* one script (or none), or a script that has no look-alike problem */
  ustate *st = sc->st;
  if (CD_GROW(st->words, st->nw, st->cap_w)) {
    sc->status = CD_ERR_NOMEM;
    return;
  }
  st->words[st->nw].s = sc->word_start;
  st->words[st->nw].e = e;
  st->nw++;
}

/* ---- the three kinds of code points ---------------------------------------------------- */

static void plain_char(scan *sc, size_t i, uint32_t f) {
  ustate *st = sc->st;
  nfc_step(sc, i, f);
  if (f & (UCP_LETTER | UCP_MARK))
    word_add(sc, i, f);
  else
    word_end(sc, i);
  if (f & UCP_LETTER)
    st->prev_ctx = UCP_CTX(f);
  else if (!(f & UCP_MARK))
    st->prev_ctx = UCP_CTX_NONE;
  st->prev_space = (f & UCP_SPACE) != 0;
  st->prev_emoji = (f & UCP_EMOJI) != 0;
}

/* A run of printable ASCII: all safe starters, all Latin letters or neutral signs, so only
 * its edges matter to units, words and context. */
static void ascii_run(scan *sc, size_t a, size_t e) {
  ustate *st = sc->st;
  const unsigned char *s = (const unsigned char *)sc->s;
  const uint32_t *fl = st->props.flags; /* block 0 is filled by ucp_init */
  if (sc->unit_dirty)
    close_unit(sc, a);
  open_unit(sc, e - 1);
  st->ns_run = 0;
  size_t k = a;
  while (k < e && (fl[s[k]] & UCP_LETTER))
    k++;
  if (k > a)
    word_add(sc, a, fl[s[a]]);
  if (k < e) {
    word_end(sc, k);
    size_t t = e;
    while (t > k && (fl[s[t - 1]] & UCP_LETTER))
      t--;
    if (t < e)
      word_add(sc, t, fl[s[t]]);
  }
  uint32_t lf = fl[s[e - 1]];
  st->prev_ctx = (lf & UCP_LETTER) ? UCP_CTX(lf) : UCP_CTX_NONE;
  st->prev_space = (lf & UCP_SPACE) != 0;
  st->prev_emoji = false;
}

static void control_char(scan *sc, size_t i, size_t j, uint32_t f) {
  ustate *st = sc->st;
  if (f & UCP_SPACE) {
    bool next_space = sc->line_end; /* the end of the line counts as space */
    if (j < sc->n) {
      size_t k;
      next_space = (ucp_get(&st->props, next_cp(sc->s, sc->n, j, &k)) & UCP_SPACE) != 0;
    }
    if (!st->prev_space && !next_space) {
      uint32_t sp = ucp_get(&st->props, ' ');
      nfc_step(sc, i, sp);
      word_end(sc, i);
      push_piece(sc, i, j, " ", 1, R_CONTROL, 0.95);
      st->prev_ctx = UCP_CTX_NONE;
      st->prev_space = true;
      st->prev_emoji = false;
      return;
    }
  }
  push_piece(sc, i, j, "", 0, R_CONTROL, 1.0);
}

static bool segment_has_rtl(scan *sc) {
  if (sc->has_rtl < 0) {
    sc->has_rtl = 0;
    for (size_t i = 0, j; i < sc->n; i = j) {
      if ((unsigned char)sc->s[i] < 0xD6) { /* below U+0590: no right-to-left letters */
        j = i + 1;
        while (j < sc->n && ((unsigned char)sc->s[j] & 0xC0) == 0x80)
          j++;
        continue;
      }
      if (ucp_get(&sc->st->props, next_cp(sc->s, sc->n, i, &j)) & UCP_RTL) {
        sc->has_rtl = 1;
        break;
      }
    }
  }
  return sc->has_rtl == 1;
}

/* A run of invisible characters, judged by the visible neighbours on both sides. */
static size_t invisible_run(scan *sc, size_t rs) {
  ustate *st = sc->st;
  size_t re = rs, j;
  while (re < sc->n) {
    uint32_t f = ucp_get(&st->props, next_cp(sc->s, sc->n, re, &j));
    if (UCP_KIND(f) < UCP_KIND_FORMAT)
      break;
    re = j;
  }
  unsigned next_ctx = UCP_CTX_NONE;
  bool next_emoji = false;
  if (re < sc->n) {
    uint32_t nf = ucp_get(&st->props, next_cp(sc->s, sc->n, re, &j));
    if (nf & (UCP_LETTER | UCP_MARK))
      next_ctx = UCP_CTX(nf);
    next_emoji = (nf & UCP_EMOJI) != 0;
  }
  unsigned pctx = st->prev_ctx;
  bool pemoji = st->prev_emoji;
  bool other = pctx == UCP_CTX_RTL || pctx == UCP_CTX_OTHER || next_ctx == UCP_CTX_RTL ||
               next_ctx == UCP_CTX_OTHER;
  for (size_t i = rs; i < re; i = j) {
    int32_t c = next_cp(sc->s, sc->n, i, &j);
    uint32_t f = ucp_get(&st->props, c);
    const char *rule = NULL;
    double conf = 0.95;
    switch (UCP_KIND(f)) {
    case UCP_KIND_FORMAT:
      if (c == 0xFEFF) {
        rule = R_BOM;
        conf = 1.0;
      } else if (f & UCP_EMOJI_COMPONENT) {
        if (!pemoji)
          rule = R_ZERO_WIDTH; /* tag characters outside an emoji flag sequence */
      } else if (!other) {
        rule = c == 0x00AD ? R_SOFT_HYPHEN : R_ZERO_WIDTH;
      }
      break;
    case UCP_KIND_JOINER:
      if (!pemoji && !next_emoji && !other) {
        rule = R_ZERO_WIDTH;
        conf = 0.9;
      }
      break;
    case UCP_KIND_VS:
      if (pctx == UCP_CTX_LCG && !pemoji) {
        rule = R_VS;
        conf = 0.9;
      }
      break;
    default: /* UCP_KIND_BIDI */
      if ((pctx == UCP_CTX_LCG && next_ctx == UCP_CTX_LCG) || !segment_has_rtl(sc)) {
        rule = R_BIDI;
        conf = 0.9;
      }
      break;
    }
    if (rule)
      push_piece(sc, i, j, "", 0, rule, conf);
    else
      nfc_step(sc, i, f); /* kept: part of the text, neutral for words and context */
  }
  return re;
}

/* ---- mixed-script words -------------------------------------------------------------- */

static bool piece_before(const piece *p, size_t ws) {
  return p->e < ws || (p->e == ws && p->s < ws);
}

static cd_status add_origin(ustate *st, size_t *no, size_t piece_ix, size_t pos, size_t len) {
  if (CD_GROW(st->orig, *no, st->cap_o))
    return CD_ERR_NOMEM;
  st->orig[(*no)++] = (origin){piece_ix, pos, len};
  return CD_OK;
}

/* Appends text[a, b) to tmp, one origin per code point. */
static cd_status add_text(ustate *st, size_t *no, const char *text, size_t a, size_t b,
                          size_t piece_ix) {
  for (size_t i = a, j; i < b; i = j) {
    next_cp(text, b, i, &j);
    if (add_origin(st, no, piece_ix, i, j - i) || cd_buf_append(&st->tmp, text + i, j - i))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

/* Looks at one mixed-script word as it will read after the other edits; *cursor is the
 * first piece that may touch it (words come in order, pieces too). */
static cd_status check_word(scan *sc, size_t ws, size_t we, size_t n_sorted, size_t *cursor) {
  ustate *st = sc->st;
  size_t k0 = *cursor;
  while (k0 < n_sorted && piece_before(&st->pieces[k0], ws))
    k0++;
  *cursor = k0;
  size_t k1 = k0;
  for (; k1 < n_sorted && st->pieces[k1].s < we; k1++) {
    if (st->pieces[k1].s < ws)
      ws = st->pieces[k1].s;
    if (st->pieces[k1].e > we)
      we = st->pieces[k1].e;
  }
  /* The word as the reader will see it, with where each code point comes from. */
  cd_buf_clear(&st->tmp);
  size_t no = 0, pos = ws;
  for (size_t k = k0; k < k1; k++) {
    const piece *p = &st->pieces[k];
    if (add_text(st, &no, sc->s, pos, p->s, SIZE_MAX) ||
        add_text(st, &no, st->pout.data, p->off, p->off + p->n, k))
      return CD_ERR_NOMEM;
    pos = p->e;
  }
  if (add_text(st, &no, sc->s, pos, we, SIZE_MAX))
    return CD_ERR_NOMEM;

  double conf = 0;
  cd_homoglyph_verdict v = cd_homoglyph_check(st->hg, st->tmp.data, st->tmp.len, &st->tmp2, &conf);
  if (v == CD_HOMOGLYPH_REPAIRED) {
    /* A new letter could compose with a mark that followed the old one (Latin y + U+0306
     * becoming Cyrillic у + U+0306 = ў): such a repair is left to a person. */
    cd_status s = nfc_utf8(st, st->tmp2.data, st->tmp2.len, &st->acc);
    if (s)
      return s;
    if (st->acc.len != st->tmp2.len || memcmp(st->acc.data, st->tmp2.data, st->acc.len) != 0)
      v = CD_HOMOGLYPH_SUSPECT;
  }
  if (v == CD_HOMOGLYPH_SUSPECT && k0 == k1) {
    push_piece(sc, ws, we, sc->s + ws, we - ws, R_MIXED, 0.5);
    return sc->status;
  }
  if (v != CD_HOMOGLYPH_REPAIRED)
    return CD_OK;
  /* Same number of code points: walk both, replace what differs at its origin. */
  const char *a = st->tmp.data, *b = st->tmp2.data;
  size_t ia = 0, ib = 0;
  bool touched_pieces = false;
  for (size_t m = 0; m < no; m++) {
    size_t ja, jb;
    next_cp(a, st->tmp.len, ia, &ja);
    next_cp(b, st->tmp2.len, ib, &jb);
    bool differs = ja - ia != jb - ib || memcmp(a + ia, b + ib, ja - ia) != 0;
    if (differs) {
      const origin *o = &st->orig[m];
      if (o->piece == SIZE_MAX)
        push_piece(sc, o->pos, o->pos + o->len, b + ib, jb - ib, R_HOMOGLYPH, conf);
      else
        touched_pieces = true;
    }
    ia = ja;
    ib = jb;
  }
  if (touched_pieces) {
    /* A look-alike inside another edit (say a decomposed letter): that edit's text is
     * rebuilt from the repaired word and the edit is named after the repair. */
    for (size_t k = k0; k < k1; k++) {
      cd_buf_clear(&st->acc);
      bool changed = false;
      ia = ib = 0;
      for (size_t m = 0; m < no; m++) {
        size_t ja, jb;
        next_cp(a, st->tmp.len, ia, &ja);
        next_cp(b, st->tmp2.len, ib, &jb);
        if (st->orig[m].piece == k) {
          if (cd_buf_append(&st->acc, b + ib, jb - ib))
            return CD_ERR_NOMEM;
          changed |= ja - ia != jb - ib || memcmp(a + ia, b + ib, ja - ia) != 0;
        }
        ia = ja;
        ib = jb;
      }
      if (!changed)
        continue;
      piece *p = &st->pieces[k];
      p->off = st->pout.len;
      p->n = st->acc.len;
      p->rule = R_HOMOGLYPH;
      p->conf = p->conf < conf ? p->conf : conf;
      if (cd_buf_append(&st->pout, st->acc.data, st->acc.len))
        return CD_ERR_NOMEM;
    }
  }
  return sc->status;
}

static int piece_cmp(const void *x, const void *y) {
  const piece *a = x, *b = y;
  if (a->s != b->s)
    return a->s < b->s ? -1 : 1;
  if (a->e != b->e)
    return a->e < b->e ? -1 : 1;
  return 0;
}

static cd_status emit(ustate *st, cd_rewriter *rw) {
  for (size_t k = 0; k < st->np;) {
    const piece *p = &st->pieces[k];
    cd_buf_clear(&st->acc);
    if (cd_buf_append(&st->acc, cd_buf_at(&st->pout, p->off), p->n))
      return CD_ERR_NOMEM;
    size_t e = p->e, m = k + 1;
    double conf = p->conf;
    while (m < st->np && p->rule != R_MIXED && st->pieces[m].rule == p->rule &&
           st->pieces[m].s == e) {
      const piece *q = &st->pieces[m];
      if (cd_buf_append(&st->acc, cd_buf_at(&st->pout, q->off), q->n))
        return CD_ERR_NOMEM;
      e = q->e;
      conf = q->conf < conf ? q->conf : conf;
      m++;
    }
    cd_status s =
        cd_rw_replace(rw, p->s, e, st->acc.data ? st->acc.data : "", st->acc.len, p->rule, conf);
    if (s)
      return s;
    k = m;
  }
  return CD_OK;
}

/* ---- the stage ----------------------------------------------------------------------- */

static void reset_line(ustate *st) {
  st->ns_run = 0;
  st->prev_ctx = UCP_CTX_NONE;
  st->prev_space = true; /* the start of a line counts as space */
  st->prev_emoji = false;
}

static cd_status unicode_process(void *state, const cd_window *seg, cd_rewriter *rw,
                                 cd_error *err) {
  ustate *st = state;
  if (seg->line_start)
    reset_line(st);
  size_t n = seg->len - seg->eol;
  if (n == 0)
    return CD_OK;
  if (ascii_clean(seg->text, n)) {
    uint32_t f = st->props.flags[(unsigned char)seg->text[n - 1]];
    st->ns_run = 0;
    st->prev_ctx = (f & UCP_LETTER) ? UCP_CTX(f) : UCP_CTX_NONE;
    st->prev_space = (f & UCP_SPACE) != 0;
    st->prev_emoji = false;
    return CD_OK;
  }

  scan sc = {.st = st, .s = seg->text, .n = n, .line_end = seg->line_end, .has_rtl = -1};
  st->np = st->nw = 0;
  cd_buf_clear(&st->pout);
  open_unit(&sc, 0);
  for (size_t i = 0, j; i < n && !sc.status;) {
    int32_t c;
    unsigned char b = (unsigned char)seg->text[i];
    if (b - 0x20u < 0x5Fu) {
      for (j = i + 1; j < n && (unsigned char)seg->text[j] - 0x20u < 0x5Fu; j++)
        ;
      ascii_run(&sc, i, j);
      i = j;
      continue;
    }
    if (b < 0x80) {
      c = b;
      j = i + 1;
    } else if (b >= 0xC2 && b < 0xE0 && i + 1 < n &&
               ((unsigned char)seg->text[i + 1] & 0xC0) == 0x80) {
      c = (int32_t)(((b & 0x1Fu) << 6) | ((unsigned char)seg->text[i + 1] & 0x3Fu));
      j = i + 2;
    } else {
      c = next_cp(seg->text, n, i, &j);
    }
    uint32_t f = ucp_get(&st->props, c);
    unsigned kind = UCP_KIND(f);
    if (kind == UCP_KIND_PLAIN || c == '\t') {
      plain_char(&sc, i, f);
      i = j;
    } else if (kind == UCP_KIND_CONTROL) {
      control_char(&sc, i, j, f);
      i = j;
    } else {
      i = invisible_run(&sc, i);
    }
  }
  close_unit(&sc, n);
  word_end(&sc, n);

  size_t n_sorted = st->np, cursor = 0;
  for (size_t w = 0; w < st->nw && !sc.status; w++) {
    cd_status s = check_word(&sc, st->words[w].s, st->words[w].e, n_sorted, &cursor);
    if (s)
      sc.status = s;
  }
  if (!sc.status && st->np > n_sorted)
    qsort(st->pieces, st->np, sizeof *st->pieces, piece_cmp);
  if (!sc.status)
    sc.status = emit(st, rw);
  if (sc.status)
    return cd_error_set(err, sc.status, "unicode stage: line %llu: %s",
                        (unsigned long long)seg->line, cd_status_name(sc.status));
  return CD_OK;
}

static cd_status unicode_open(const cd_stage_env *env, void **state, cd_error *err) {
  *state = NULL;
  ustate *st = calloc(1, sizeof *st);
  if (!st)
    return cd_error_set(err, CD_ERR_NOMEM, "unicode stage: out of memory");
  if (!ucp_init(&st->props)) {
    ucp_free(&st->props);
    free(st);
    return cd_error_set(err, CD_ERR_INTERNAL, "unicode stage: ICU normalization data missing");
  }
  cd_status s = cd_homoglyph_new(env && env->lang ? env->lang : "en", &st->hg, err);
  if (s) {
    ucp_free(&st->props);
    free(st);
    return s;
  }
  reset_line(st);
  *state = st;
  return CD_OK;
}

static void unicode_close(void *state) {
  ustate *st = state;
  if (!st)
    return;
  ucp_free(&st->props);
  cd_homoglyph_free(st->hg);
  free(st->pieces);
  free(st->words);
  free(st->orig);
  free(st->u16a);
  free(st->u16b);
  cd_buf_free(&st->pout);
  cd_buf_free(&st->tmp);
  cd_buf_free(&st->tmp2);
  cd_buf_free(&st->acc);
  free(st);
}

const cd_stage_def cd_stage_unicode = {
    .name = "unicode",
    .flag = CD_STAGE_UNICODE,
    .open = unicode_open,
    .process = unicode_process,
    .close = unicode_close,
};
