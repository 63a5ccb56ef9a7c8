/* SPDX-License-Identifier: MIT */
/* The document model: units, pieces, edits and the spliced output (see cd_wire.h). */
#include "wire_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cd_wire_options_init(cd_wire_options *o) { memset(o, 0, sizeof *o); }

bool wire_unit_open(const cd_wire_doc *d) { return d->unit_open; }

cd_status wire_unit_begin(cd_wire_doc *d, const char *role) {
  if (d->unit_open)
    return CD_OK;
  if (cd_grow((void **)&d->units, d->nunits, &d->cap_units, sizeof *d->units))
    return CD_ERR_NOMEM;
  wire_unit *u = &d->units[d->nunits++];
  memset(u, 0, sizeof *u);
  u->pub.role = role;
  u->text_off = d->texts.len;
  u->piece0 = d->npieces;
  d->unit_open = true;
  return CD_OK;
}

static bool blank(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(s, n, &i);
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x2007 ||
          c == 0x202F || (c >= 0x2000 && c <= 0x200B) || c == 0x3000))
      return false;
  }
  return true;
}

cd_status wire_unit_end(cd_wire_doc *d) {
  if (!d->unit_open)
    return CD_OK;
  d->unit_open = false;
  wire_unit *u = &d->units[d->nunits - 1];
  size_t len = d->texts.len - u->text_off;
  if (u->npieces == 0 || blank(cd_buf_at(&d->texts, u->text_off), len)) {
    if (u->npieces)
      d->nanchors = d->pieces[u->piece0].anchor0;
    d->npieces = u->piece0;
    d->texts.len = u->text_off;
    d->nunits--;
    return CD_OK;
  }
  u->pub.len = len;
  return cd_buf_append(&d->texts, "", 1) ? CD_ERR_NOMEM : CD_OK;
}

cd_status wire_piece_add(cd_wire_doc *d, size_t w_start, size_t w_end, const char *text, size_t len,
                         const wire_anchor *anchors, size_t nanchors, wire_escape esc) {
  if (!d->unit_open || w_end == w_start)
    return CD_OK;
  wire_unit *u = &d->units[d->nunits - 1];
  size_t base = d->texts.len - u->text_off;
  if (cd_grow((void **)&d->pieces, d->npieces, &d->cap_pieces, sizeof *d->pieces))
    return CD_ERR_NOMEM;
  wire_piece *p = &d->pieces[d->npieces++];
  *p = (wire_piece){d->nunits - 1, w_start, w_end, base, base + len, d->nanchors, 0, esc, false};
  /* the first anchor: the node's start */
  wire_anchor first = {base, w_start};
  for (size_t k = 0; k <= nanchors; k++) {
    wire_anchor a = k == 0 ? first : (wire_anchor){base + anchors[k - 1].d, anchors[k - 1].w};
    if (cd_grow((void **)&d->anchors, d->nanchors, &d->cap_anchors, sizeof *d->anchors))
      return CD_ERR_NOMEM;
    d->anchors[d->nanchors++] = a;
    p->nanchors++;
  }
  u->npieces++;
  return cd_buf_append(&d->texts, text, len) ? CD_ERR_NOMEM : CD_OK;
}

void wire_line_col(const cd_wire_doc *d, size_t w, unsigned long *line, unsigned long *col) {
  unsigned long l = 1;
  size_t ls = 0;
  for (size_t i = 0; i < w && i < d->w_len; i++)
    if (d->w[i] == '\n') {
      l++;
      ls = i + 1;
    }
  *line = l;
  *col = (unsigned long)cd_utf8_count(d->w + ls, w - ls) + 1;
}

/* ANPA or a repaired file: the units' spans, lines and columns in the file, not in the
 * working text. */
static void orig_spans(cd_wire_doc *d) {
  for (size_t i = 0; i < d->nunits; i++) {
    cd_wire_unit *u = &d->units[i].pub;
    u->start = wire_orig_to_file(d, (size_t)u->start);
    u->end = wire_orig_to_file(d, (size_t)u->end);
    unsigned long line = 1;
    size_t ls = 0;
    for (size_t k = 0; k < u->start && k < d->orig_len; k++)
      if (d->orig[k] == '\n') {
        line++;
        ls = k + 1;
      }
    u->line = line;
    u->col = (unsigned long)cd_utf8_count(d->orig + ls, (size_t)u->start - ls) + 1;
  }
}

void wire_units_finish(cd_wire_doc *d) {
  size_t w = 0;
  unsigned long line = 1;
  size_t ls = 0;
  for (size_t i = 0; i < d->nunits; i++) {
    wire_unit *u = &d->units[i];
    u->pub.text = cd_buf_at(&d->texts, u->text_off);
    u->pub.lang = u->lang[0] ? u->lang : NULL;
    const wire_piece *first = &d->pieces[u->piece0];
    const wire_piece *last = &d->pieces[u->piece0 + u->npieces - 1];
    u->pub.start = wire_cs_raw_offset(d, first->w_start);
    u->pub.end = wire_cs_raw_offset(d, last->w_end);
    /* line and column, counted incrementally (units are in document order) */
    for (; w < first->w_start; w++)
      if (d->w[w] == '\n') {
        line++;
        ls = w + 1;
      }
    u->pub.line = line;
    u->pub.col = (unsigned long)cd_utf8_count(d->w + ls, first->w_start - ls) + 1;
  }
  if (d->orig)
    orig_spans(d);
}

/* ---- a working text that is not the file: an ANPA rendering, a repaired file ---- */

cd_status wire_amap_add(cd_wire_doc *d, size_t p, uint64_t o) {
  if (d->namap && d->amap[d->namap - 1].p == p && d->amap[d->namap - 1].o == o)
    return CD_OK;
  if (cd_grow((void **)&d->amap, d->namap, &d->cap_amap, sizeof *d->amap))
    return CD_ERR_NOMEM;
  d->amap[d->namap++] = (wire_amap){p, o};
  return CD_OK;
}

cd_status wire_fix_add(cd_wire_doc *d, uint64_t in_s, uint64_t in_e, size_t out_s, size_t out_e,
                       const char *rule, const char *before, size_t before_len, double conf) {
  if (cd_grow((void **)&d->fixes, d->nfixes, &d->cap_fixes, sizeof *d->fixes))
    return CD_ERR_NOMEM;
  cd_buf *b = &d->fix_bytes;
  wire_fix f = {in_s, in_e, out_s, out_e, b->len, 0, conf};
  if (cd_buf_append(b, rule, strlen(rule) + 1))
    return CD_ERR_NOMEM;
  f.before = b->len;
  if (cd_buf_append(b, before, before_len) || cd_buf_append(b, "", 1) ||
      wire_amap_add(d, out_s, in_s) || wire_amap_add(d, out_e, in_e))
    return CD_ERR_NOMEM;
  d->fixes[d->nfixes++] = f;
  return CD_OK;
}

uint64_t wire_orig_to_file(const cd_wire_doc *d, size_t p) {
  size_t lo = 0, hi = d->namap;
  if (!hi)
    return p;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (d->amap[mid].p <= p)
      lo = mid;
    else
      hi = mid;
  }
  uint64_t o = d->amap[lo].o + (p - d->amap[lo].p);
  return lo + 1 < d->namap && o > d->amap[lo + 1].o ? d->amap[lo + 1].o : o;
}

size_t wire_orig_from_file(const cd_wire_doc *d, uint64_t o) {
  size_t lo = 0, hi = d->namap;
  if (!hi)
    return (size_t)o;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (d->amap[mid].o <= o)
      lo = mid;
    else
      hi = mid;
  }
  size_t p = d->amap[lo].p + (size_t)(o - d->amap[lo].o);
  return lo + 1 < d->namap && p > d->amap[lo + 1].p ? d->amap[lo + 1].p : p;
}

/* ---- accessors -------------------------------------------------------------------------- */

cd_wire_format cd_wire_doc_format(const cd_wire_doc *d) { return d->format; }
bool cd_wire_doc_rewritten(const cd_wire_doc *d) { return d->orig != NULL; }
const char *cd_wire_doc_charset(const cd_wire_doc *d) { return d->charset; }
const char *cd_wire_doc_lang(const cd_wire_doc *d) { return d->lang[0] ? d->lang : NULL; }
size_t cd_wire_unit_count(const cd_wire_doc *d) { return d->nunits; }
const cd_wire_unit *cd_wire_unit_at(const cd_wire_doc *d, size_t i) {
  return i < d->nunits ? &d->units[i].pub : NULL;
}

void cd_wire_doc_free(cd_wire_doc *d) {
  if (!d)
    return;
  free(d->raw);
  if (!d->w_is_raw)
    free(d->w);
  wire_cs_free(d->cs);
  wire_rules_free(d->rules);
  wire_ninjs_free(d->nj);
  free(d->orig);
  free(d->amap);
  free(d->fixes);
  free(d->meta);
  cd_buf_free(&d->fix_bytes);
  free(d->role_buf);
  cd_buf_free(&d->texts);
  cd_buf_free(&d->repl);
  free(d->units);
  free(d->pieces);
  free(d->anchors);
  free(d->splices);
  free(d);
}

/* ---- offsets ---------------------------------------------------------------------------- */

/* The working offset of text offset t (unit-local) inside piece p. */
static size_t piece_w(const cd_wire_doc *d, const wire_piece *p, size_t t) {
  const wire_anchor *a = &d->anchors[p->anchor0];
  size_t lo = 0, hi = p->nanchors; /* the last anchor at or before t */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (a[mid].d <= t)
      lo = mid;
    else
      hi = mid;
  }
  size_t k = lo;
  size_t w = a[k].w + (t - a[k].d);
  return w > p->w_end ? p->w_end : w;
}

/* The piece of unit u that holds text offset t: the first whose span contains it (a
 * boundary between two pieces belongs to the earlier one). */
static size_t piece_index(const cd_wire_doc *d, const wire_unit *u, size_t t) {
  size_t lo = 0, hi = u->npieces; /* the first piece that ends at or after t */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->pieces[u->piece0 + mid].t_end < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < u->npieces ? lo : u->npieces - 1;
}

static const wire_piece *piece_at(const cd_wire_doc *d, const wire_unit *u, size_t t) {
  return &d->pieces[u->piece0 + piece_index(d, u, t)];
}

uint64_t cd_wire_file_offset(const cd_wire_doc *d, size_t unit, size_t off) {
  if (unit >= d->nunits)
    return d->raw_len;
  if (d->nj)
    return wire_ninjs_file_offset(d, unit, off);
  const wire_unit *u = &d->units[unit];
  uint64_t r = wire_cs_raw_offset(d, piece_w(d, piece_at(d, u, off), off));
  return d->orig ? wire_orig_to_file(d, (size_t)r) : r;
}

/* ---- edits ------------------------------------------------------------------------------- */

/* HTML keeps a literal '&' before letters as text ("AT&T", "&x"); an edit right after the
 * letters could make a reference of them (without its control character "&\x90uot;" is
 * "&uot;"). The '&' that begins the letters before start, or start. */
static uint64_t html_amp_before(const cd_wire_doc *d, uint64_t start) {
  uint64_t i = start;
  while (i > 0 && start - i < 32 && (isalnum((unsigned char)d->raw[i - 1]) || d->raw[i - 1] == '#'))
    i--;
  bool taken = d->nsplices && d->splices[d->nsplices - 1].end > (i ? i - 1 : 0);
  return i > 0 && d->raw[i - 1] == '&' && !taken ? i - 1 : start;
}

static cd_status add_splice(cd_wire_doc *d, const wire_piece *p, size_t ta, size_t tb,
                            const char *repl, size_t n) {
  if (cd_grow((void **)&d->splices, d->nsplices, &d->cap_splices, sizeof *d->splices))
    return CD_ERR_NOMEM;
  size_t off = d->repl.len;
  uint64_t start = wire_cs_raw_offset(d, piece_w(d, p, ta));
  uint64_t amp = d->format == CD_WIRE_HTML ? html_amp_before(d, start) : start;
  if (amp < start && (cd_buf_append_str(&d->repl, "&amp;") ||
                      cd_buf_append(&d->repl, d->raw + amp + 1, (size_t)(start - amp - 1))))
    return CD_ERR_NOMEM; /* the '&' written as a reference, its letters as they are */
  cd_status st = wire_cs_encode(d, repl, n, p->esc, &d->repl);
  if (st)
    return st;
  wire_splice *s = &d->splices[d->nsplices++];
  s->start = amp;
  s->end = wire_cs_raw_offset(d, piece_w(d, p, tb));
  s->repl_off = off;
  s->repl_len = d->repl.len - off;
  s->out_start = 0;
  s->piece = (size_t)(p - d->pieces);
  return CD_OK;
}

cd_status cd_wire_replace(cd_wire_doc *d, size_t unit, size_t start, size_t end, const char *repl,
                          size_t repl_len, cd_error *err) {
  if (unit >= d->nunits || start > end || end > d->units[unit].pub.len)
    return cd_error_set(err, CD_ERR_USAGE, "%s: edit outside unit %zu", d->label, unit);
  if (d->nj)
    return wire_ninjs_replace(d, unit, start, end, repl, repl_len, err);
  const wire_unit *u = &d->units[unit];
  /* The replacement goes to the text node where the edit starts; the rest of the edited
   * text, in later nodes, is deleted there (their markup stays). */
  bool first = true;
  for (size_t k = piece_index(d, u, start); k < u->npieces; k++) {
    const wire_piece *p = &d->pieces[u->piece0 + k];
    bool holds =
        first ? (start <= p->t_end && (start < p->t_end || end == start || k + 1 == u->npieces))
              : p->t_start < end;
    if (!holds)
      continue;
    size_t ta = start > p->t_start ? start : p->t_start;
    size_t tb = end < p->t_end ? end : p->t_end;
    if (first || tb > ta) {
      cd_status st = add_splice(d, p, ta, tb, first ? repl : "", first ? repl_len : 0);
      if (st)
        return cd_error_set(err, st, "%s: out of memory", d->label);
    }
    first = false;
    if (end <= p->t_end)
      break;
  }
  return CD_OK;
}

static int cmp_splice(const void *a, const void *b) {
  const wire_splice *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* Whether raw offset r lies inside one of the first n splices (sorted). */
static bool spliced(const cd_wire_doc *d, size_t n, uint64_t r) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (d->splices[mid].end <= r)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && d->splices[lo].start <= r && r < d->splices[lo].end;
}

/* HTML keeps a '<' that starts no markup as text ("a < b"); an edit after it could make it
 * start some ("<" then "?" once a control character between them is gone). In a text node
 * an edit touches, each such '<' is written "&lt;": the same text, whatever follows. */
static cd_status escape_html_lt(cd_wire_doc *d) {
  size_t n = d->nsplices;
  for (size_t i = 0; i < n; i++) {
    wire_piece *p = &d->pieces[d->splices[i].piece];
    if (p->lt_done || p->esc != WIRE_ESC_XML)
      continue;
    p->lt_done = true;
    for (size_t k = p->w_start; k < p->w_end; k++) {
      uint64_t r = wire_cs_raw_offset(d, k);
      if (d->w[k] != '<' || spliced(d, n, r))
        continue;
      if (cd_grow((void **)&d->splices, d->nsplices, &d->cap_splices, sizeof *d->splices))
        return CD_ERR_NOMEM;
      size_t off = d->repl.len;
      if (wire_cs_encode(d, "&lt;", 4, WIRE_ESC_NONE, &d->repl))
        return CD_ERR_NOMEM;
      uint64_t e = wire_cs_raw_offset(d, k + 1);
      d->splices[d->nsplices++] =
          (wire_splice){r, e, off, d->repl.len - off, 0, (size_t)(p - d->pieces)};
    }
  }
  if (d->nsplices > n)
    qsort(d->splices, d->nsplices, sizeof *d->splices, cmp_splice);
  return CD_OK;
}

cd_status cd_wire_write(cd_wire_doc *d, cd_buf *out, cd_error *err) {
  if (d->nj)
    return wire_ninjs_write(d, out, err);
  if (d->nsplices)
    qsort(d->splices, d->nsplices, sizeof *d->splices, cmp_splice);
  if (d->format == CD_WIRE_HTML && d->nsplices && escape_html_lt(d))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  uint64_t pos = 0;
  size_t base = out->len;
  for (size_t i = 0; i < d->nsplices; i++) {
    wire_splice *s = &d->splices[i];
    if (s->start < pos || s->end < s->start || s->end > d->raw_len)
      return cd_error_set(err, CD_ERR_INTERNAL, "%s: overlapping edits at byte %llu", d->label,
                          (unsigned long long)s->start);
    if (cd_buf_append(out, d->raw + pos, (size_t)(s->start - pos)))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    s->out_start = out->len - base;
    if (cd_buf_append(out, cd_buf_at(&d->repl, s->repl_off), s->repl_len))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    pos = s->end;
  }
  if (cd_buf_append(out, d->raw + pos, d->raw_len - (size_t)pos))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return CD_OK;
}

uint64_t cd_wire_output_offset(const cd_wire_doc *d, uint64_t off) {
  if (d->nj)
    return off; /* ninjs: offsets are inside a field's value (wire_ninjs.c) */
  if (d->orig)
    off = wire_orig_from_file(d, off); /* ANPA, repaired: the output is the working text */
  /* the last splice before off (an insertion at off counts as before it); splices are sorted
   * by start, an insertion before a replacement at the same start */
  size_t lo = 0, hi = d->nsplices;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const wire_splice *s = &d->splices[mid];
    if (s->start < off || (s->start == off && s->end == s->start))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return off;
  const wire_splice *s = &d->splices[lo - 1];
  return off < s->end ? s->out_start : s->out_start + s->repl_len + (off - s->end);
}

static bool edge_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t cd_wire_prose_lead(const cd_wire_doc *d, size_t i) {
  const cd_wire_unit *u = cd_wire_unit_at(d, i);
  size_t a = 0;
  while (u && a < u->len && edge_space(u->text[a]))
    a++;
  return a;
}

cd_status cd_wire_prose(const cd_wire_doc *d, cd_buf *out, cd_error *err) {
  for (size_t i = 0; i < d->nunits; i++) {
    const cd_wire_unit *u = &d->units[i].pub;
    size_t a = cd_wire_prose_lead(d, i), b = u->len;
    while (b > a && edge_space(u->text[b - 1]))
      b--;
    for (size_t k = a; k < b; k++) {
      char c = u->text[k] == '\n' || u->text[k] == '\r' || u->text[k] == '\t' ? ' ' : u->text[k];
      if (cd_buf_append(out, &c, 1))
        return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    }
    if (cd_buf_append(out, "\n", 1))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  return CD_OK;
}

void cd_wire_file_position(const cd_wire_doc *d, uint64_t off, unsigned long *line,
                           unsigned long *col) {
  const char *s = d->orig ? d->orig : d->raw;
  size_t n = d->orig ? d->orig_len : d->raw_len;
  *line = *col = 1;
  if (!s)
    return;
  size_t ls = 0;
  for (size_t i = 0; i < off && i < n; i++)
    if (s[i] == '\n') {
      (*line)++;
      ls = i + 1;
    }
  *col = (unsigned long)cd_utf8_count(s + ls, (size_t)(off < n ? off : n) - ls) + 1;
}
