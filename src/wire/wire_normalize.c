/* SPDX-License-Identifier: MIT */
/* Normalizing a wire document: the units as one text through one normalizer, the edits
 * composed across stages and mapped back into the units (see cd_wire.h).
 *
 * The stages report each edit in the coordinates of the text they received. Replaying them
 * stage by stage over a list of segments of the current text — each either an unchanged
 * slice of the original or changed text that stands for an original range — gives, at the
 * end, the changed ranges of the original (hunks) and what they became, and for each record
 * the original range it touched (for the change log). */
#include "wire_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec {
  int rank;   /* the stage's place in the pipeline */
  size_t seq; /* arrival order */
  size_t in_s, in_e, out_s, out_e;
  size_t o_s, o_e; /* the original range it touched, computed */
  /* offsets in the arena of NUL-terminated strings */
  size_t stage, rule, before, after, suggestion, why;
  bool has_suggestion, has_why;
  size_t before_len, after_len;
  double conf;
} rec;

typedef struct seg {
  size_t oa, ob, ca, cb;
  bool changed;
} seg;

typedef struct run_ctx {
  rec *recs;
  size_t nrecs, cap;
  cd_buf arena;
  cd_buf final;
} run_ctx;

/* Appends n bytes and a NUL to the arena; *off receives where. */
static bool keep(cd_buf *a, const char *p, size_t n, size_t *off) {
  *off = a->len;
  return cd_buf_append(a, p ? p : "", p ? n : 0) == CD_OK && cd_buf_append(a, "", 1) == CD_OK;
}

static cd_status collect(void *ud, const cd_change *c, cd_error *err) {
  run_ctx *r = ud;
  if (cd_grow((void **)&r->recs, r->nrecs, &r->cap, sizeof *r->recs))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  rec *x = &r->recs[r->nrecs];
  memset(x, 0, sizeof *x);
  x->rank = cd_change_stage_rank(c->stage);
  x->seq = r->nrecs;
  x->in_s = (size_t)c->in_start;
  x->in_e = (size_t)c->in_end;
  x->out_s = (size_t)c->out_start;
  x->out_e = (size_t)c->out_end;
  x->has_suggestion = c->suggestion != NULL;
  x->has_why = c->why != NULL;
  x->before_len = c->before_len;
  x->after_len = c->after_len;
  x->conf = c->confidence;
  cd_buf *a = &r->arena;
  if (!keep(a, c->stage, strlen(c->stage), &x->stage) ||
      !keep(a, c->rule, strlen(c->rule), &x->rule) ||
      !keep(a, c->before, c->before_len, &x->before) ||
      !keep(a, c->after, c->after_len, &x->after) ||
      !keep(a, c->suggestion, c->suggestion ? strlen(c->suggestion) : 0, &x->suggestion) ||
      !keep(a, c->why, c->why ? strlen(c->why) : 0, &x->why))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  r->nrecs++;
  return CD_OK;
}

static cd_status write_final(void *ud, const char *p, size_t n, cd_error *err) {
  run_ctx *r = ud;
  return cd_buf_append(&r->final, p, n) ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

static int cmp_rec(const void *a, const void *b) {
  const rec *x = a, *y = b;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- composition ---- */

typedef struct segs {
  seg *v;
  size_t n, cap;
} segs;

static cd_status push(segs *s, seg x) {
  if (cd_grow((void **)&s->v, s->n, &s->cap, sizeof *s->v))
    return CD_ERR_NOMEM;
  s->v[s->n++] = x;
  return CD_OK;
}

static seg shifted(seg h, long long delta) {
  h.ca = (size_t)((long long)h.ca + delta);
  h.cb = (size_t)((long long)h.cb + delta);
  return h;
}

typedef struct comp {
  const segs *cur;
  size_t i;
  seg h;
  bool have;
  segs *next;
  long long delta;
  size_t total; /* original length */
} comp;

static void advance(comp *c) {
  c->i++;
  c->have = c->i < c->cur->n;
  if (c->have)
    c->h = c->cur->v[c->i];
}

/* Replays one record r of the current stage: the segments it covers (a changed one whole,
 * an unchanged one cut at the record's ends) become one changed segment. */
static cd_status apply(comp *c, rec *r) {
  while (c->have && c->h.cb <= r->in_s) {
    if (push(c->next, shifted(c->h, c->delta)))
      return CD_ERR_NOMEM;
    advance(c);
  }
  if (c->have && !c->h.changed && c->h.ca < r->in_s) { /* cut an unchanged slice */
    seg left = {c->h.oa, c->h.oa + (r->in_s - c->h.ca), c->h.ca, r->in_s, false};
    if (push(c->next, shifted(left, c->delta)))
      return CD_ERR_NOMEM;
    c->h.oa = left.ob;
    c->h.ca = r->in_s;
  }
  size_t rs = r->in_s, re = r->in_e, omin = 0, omax = 0;
  bool absorbed = false;
  while (c->have && c->h.ca < re) {
    if (!c->h.changed && c->h.cb > r->in_e) { /* cut at the end */
      size_t cut = r->in_e - c->h.ca;
      omin = absorbed ? omin : c->h.oa;
      omax = c->h.oa + cut;
      absorbed = true;
      c->h.oa += cut;
      c->h.ca = r->in_e;
      break;
    }
    rs = c->h.ca < rs ? c->h.ca : rs;
    re = c->h.cb > re ? c->h.cb : re;
    omin = absorbed ? omin : c->h.oa;
    omax = c->h.ob;
    absorbed = true;
    advance(c);
  }
  if (!absorbed)
    omin = omax = c->have ? c->h.oa : c->total;
  long long dl = (long long)(r->out_e - r->out_s) - (long long)(r->in_e - r->in_s);
  seg x = {omin, omax, (size_t)((long long)rs + c->delta), (size_t)((long long)re + c->delta + dl),
           true};
  r->o_s = omin;
  r->o_e = omax;
  c->delta += dl;
  return push(c->next, x);
}

/* The original range a flag (text unchanged) covers. */
static void locate_flag(const segs *cur, rec *r) {
  r->o_s = r->o_e = 0;
  for (size_t i = 0; i < cur->n; i++) {
    const seg *h = &cur->v[i];
    if (h->cb < r->in_s || h->ca > r->in_e)
      continue;
    size_t a = h->changed ? h->oa : h->oa + (r->in_s > h->ca ? r->in_s - h->ca : 0);
    size_t b = h->changed ? h->ob : h->oa + ((r->in_e < h->cb ? r->in_e : h->cb) - h->ca);
    if (r->o_s == 0 && r->o_e == 0)
      r->o_s = a;
    r->o_e = b;
  }
}

static bool unchanged(const run_ctx *rc, const rec *r) {
  return r->before_len == r->after_len &&
         memcmp(cd_buf_at(&rc->arena, r->before), cd_buf_at(&rc->arena, r->after), r->before_len) ==
             0;
}

/* Replays every stage; out receives the final segments. */
static cd_status compose(run_ctx *rc, size_t total, segs *out) {
  segs cur = {NULL, 0, 0}, next = {NULL, 0, 0};
  cd_status st = total ? push(&cur, (seg){0, total, 0, total, false}) : CD_OK;
  for (size_t k = 0; k < rc->nrecs && !st;) {
    size_t end = k;
    while (end < rc->nrecs && rc->recs[end].rank == rc->recs[k].rank)
      end++;
    comp c = {&cur, 0, cur.n ? cur.v[0] : (seg){0, 0, 0, 0, false}, cur.n > 0, &next, 0, total};
    next.n = 0;
    for (; k < end && !st; k++) {
      if (unchanged(rc, &rc->recs[k]))
        locate_flag(&cur, &rc->recs[k]);
      else
        st = apply(&c, &rc->recs[k]);
    }
    for (; c.have && !st; advance(&c))
      st = push(&next, shifted(c.h, c.delta));
    segs t = cur;
    cur = next;
    next = t;
  }
  free(next.v);
  *out = cur;
  return st;
}

/* ---- back into the document ---- */

/* The units, one a line. White space at either end of a unit is the markup's layout (an
 * indented paragraph, the space between a dateline element and the text), not prose: it
 * stays out of the text the stages see, so no stage trims or changes it. */
typedef struct joined {
  cd_buf text;
  size_t *uoff; /* where each unit's (trimmed) text starts */
  size_t *lead; /* bytes of white space trimmed at its start */
  size_t *tlen; /* bytes of its trimmed text */
  size_t *ids;  /* the document's index of each unit */
  size_t n;
} joined;

static bool xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static cd_status build_joined(const cd_wire_doc *d, joined *j) {
  size_t n = j->n ? j->n : 1;
  j->uoff = calloc(n, sizeof *j->uoff);
  j->lead = calloc(n, sizeof *j->lead);
  j->tlen = calloc(n, sizeof *j->tlen);
  if (!j->uoff || !j->lead || !j->tlen)
    return CD_ERR_NOMEM;
  for (size_t i = 0; i < j->n; i++) {
    const cd_wire_unit *u = cd_wire_unit_at(d, j->ids[i]);
    size_t a = 0, b = u->len;
    while (a < b && xml_space(u->text[a]))
      a++;
    while (b > a && xml_space(u->text[b - 1]))
      b--;
    j->uoff[i] = j->text.len;
    j->lead[i] = a;
    j->tlen[i] = b - a;
    if (cd_buf_append(&j->text, u->text + a, b - a) || cd_buf_append(&j->text, "\n", 1))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static size_t unit_of(const joined *j, size_t x) {
  size_t lo = 0, hi = j->n;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (j->uoff[mid] <= x)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static uint64_t joined_to_file(const cd_wire_doc *d, const joined *j, size_t x) {
  if (j->n == 0)
    return 0;
  size_t u = unit_of(j, x);
  size_t len = j->tlen[u], off = x - j->uoff[u];
  return cd_wire_file_offset(d, j->ids[u], j->lead[u] + (off < len ? off : len));
}

static bool cont_byte(const char *s, size_t i) { return ((unsigned char)s[i] & 0xC0) == 0x80; }

/* Orig[a, b) became fin[fa, fb): the common ends are dropped, then the edit goes to the
 * unit(s) it covers; the replacement to the first, the rest of the range is deleted. */
static cd_status put_hunk(cd_wire_doc *d, const joined *j, const char *orig, size_t a, size_t b,
                          const char *fin, size_t fa, size_t fb, cd_error *err) {
  while (a < b && fa < fb && orig[a] == fin[fa])
    a++, fa++;
  while (a > 0 && a < j->text.len && cont_byte(orig, a))
    a--, fa--;
  while (b > a && fb > fa && orig[b - 1] == fin[fb - 1])
    b--, fb--;
  while (b < j->text.len && b > a && cont_byte(orig, b))
    b++, fb++;
  if (a == b && fa == fb)
    return CD_OK;
  bool first = true;
  for (size_t u = unit_of(j, a); u < j->n && (j->uoff[u] <= b || first); u++) {
    size_t len = j->tlen[u];
    size_t la = a > j->uoff[u] ? a - j->uoff[u] : 0, lb = b > j->uoff[u] ? b - j->uoff[u] : 0;
    la = la < len ? la : len;
    lb = lb < len ? lb : len;
    if (first || lb > la) {
      cd_status st = cd_wire_replace(d, j->ids[u], j->lead[u] + la, j->lead[u] + lb,
                                     first ? fin + fa : "", first ? fb - fa : 0, err);
      if (st)
        return st;
    }
    first = false;
    if (a == b)
      break;
  }
  return CD_OK;
}

/* The repairs made while reading (decode records), first, as the pipeline's would be. */
static cd_status emit_fixes(const cd_wire_doc *d, cd_change_fn change, void *ud, cd_error *err) {
  for (size_t k = 0; k < d->nfixes; k++) {
    const wire_fix *f = &d->fixes[k];
    cd_change c = {.file = d->label,
                   .stage = "decode",
                   .rule = cd_buf_at(&d->fix_bytes, f->rule),
                   .in_start = f->in_s,
                   .in_end = f->in_e,
                   .out_start = cd_wire_output_offset(d, f->in_s),
                   .out_end = cd_wire_output_offset(d, f->in_e),
                   .before = cd_buf_at(&d->fix_bytes, f->before),
                   .before_len = (size_t)(f->in_e - f->in_s),
                   .before_is_raw = !cd_utf8_is_valid(cd_buf_at(&d->fix_bytes, f->before),
                                                      (size_t)(f->in_e - f->in_s)),
                   .after = d->raw + f->out_s,
                   .after_len = f->out_e - f->out_s,
                   .confidence = f->conf};
    cd_status st = change(ud, &c, err);
    if (st)
      return st;
  }
  return CD_OK;
}

static cd_status emit_changes(const cd_wire_doc *d, const joined *j, const run_ctx *rc,
                              cd_change_fn change, void *ud, cd_error *err) {

  for (size_t k = 0; k < rc->nrecs; k++) {
    const rec *r = &rc->recs[k];
    const cd_buf *a = &rc->arena;
    uint64_t fs = joined_to_file(d, j, r->o_s), fe = joined_to_file(d, j, r->o_e);
    /* ninjs: the offsets are inside a field's value, and the file is named "file#field" */
    const char *file = d->nj && j->n ? wire_ninjs_label(d, j->ids[unit_of(j, r->o_s)]) : d->label;
    cd_change c = {.file = file,
                   .stage = cd_buf_at(a, r->stage),
                   .rule = cd_buf_at(a, r->rule),
                   .in_start = fs,
                   .in_end = fe,
                   .out_start = cd_wire_output_offset(d, fs),
                   .out_end = cd_wire_output_offset(d, fe),
                   .before = cd_buf_at(a, r->before),
                   .before_len = r->before_len,
                   .after = cd_buf_at(a, r->after),
                   .after_len = r->after_len,
                   .confidence = r->conf,
                   .suggestion = r->has_suggestion ? cd_buf_at(a, r->suggestion) : NULL,
                   .why = r->has_why ? cd_buf_at(a, r->why) : NULL};
    if (c.out_start > c.out_end)
      c.out_start = c.out_end;
    cd_status st = change(ud, &c, err);
    if (st)
      return st;
  }
  return CD_OK;
}

static cd_status splice_all(cd_wire_doc *d, const joined *j, run_ctx *rc, cd_error *err) {
  if (rc->nrecs)
    qsort(rc->recs, rc->nrecs, sizeof *rc->recs, cmp_rec);
  segs fin = {NULL, 0, 0};
  cd_status st = compose(rc, j->text.len, &fin);
  if (st) {
    free(fin.v);
    return cd_error_set(err, st, "out of memory");
  }
  for (size_t i = 0; i < fin.n && !st; i++) {
    const seg *h = &fin.v[i];
    if (h->changed && h->cb <= rc->final.len)
      st = put_hunk(d, j, cd_buf_at(&j->text, 0), h->oa, h->ob, cd_buf_at(&rc->final, 0), h->ca,
                    h->cb, err);
  }
  free(fin.v);
  return st;
}

/* The units of one language: one text, one run of the normalizer. */
typedef struct group {
  char lang[16]; /* "" = none: the normalizer decides */
  joined j;
  run_ctx rc;
  size_t cap;
} group;

static void group_free(group *g) {
  cd_buf_free(&g->j.text);
  free(g->j.uoff);
  free(g->j.lead);
  free(g->j.tlen);
  free(g->j.ids);
  free(g->rc.recs);
  cd_buf_free(&g->rc.arena);
  cd_buf_free(&g->rc.final);
}

/* The language a unit is normalized in: the caller's, else the unit's own (xml:lang), else
 * the document's, else none. */
static const char *unit_lang(const cd_wire_doc *d, size_t i, const char *lang) {
  if (lang)
    return lang;
  const cd_wire_unit *u = cd_wire_unit_at(d, i);
  return u->lang ? u->lang : cd_wire_doc_lang(d) ? cd_wire_doc_lang(d) : "";
}

/* Units grouped by language, in order of first appearance (one group when all agree). */
static cd_status make_groups(const cd_wire_doc *d, const char *lang, group **out, size_t *ng) {
  group *g = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i <= cd_wire_unit_count(d); i++) {
    if (i == cd_wire_unit_count(d) && n)
      break;
    const char *l = i < cd_wire_unit_count(d) ? unit_lang(d, i, lang) : lang ? lang : "";
    size_t k = 0;
    while (k < n && strcmp(g[k].lang, l) != 0)
      k++;
    if (k == n) {
      if (cd_grow((void **)&g, n, &cap, sizeof *g))
        return CD_ERR_NOMEM;
      memset(&g[n], 0, sizeof g[n]);
      snprintf(g[n++].lang, sizeof g->lang, "%s", l);
    }
    if (i == cd_wire_unit_count(d))
      break; /* no unit: one empty group, the report still says what was used */
    if (cd_grow((void **)&g[k].j.ids, g[k].j.n, &g[k].cap, sizeof *g[k].j.ids))
      return CD_ERR_NOMEM;
    g[k].j.ids[g[k].j.n++] = i;
  }
  *out = g;
  *ng = n;
  return CD_OK;
}

static cd_status run_group(cd_normalizer *nz, cd_wire_doc *d, group *g, cd_normalize_report *rep,
                           cd_error *err) {
  if (build_joined(d, &g->j))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_mem_in m = {cd_buf_at(&g->j.text, 0), g->j.text.len, 0};
  cd_status st = cd_normalizer_run_utf8(nz, d->label, g->lang[0] ? g->lang : NULL, cd_mem_read, &m,
                                        write_final, &g->rc, collect, &g->rc, rep, err);
  return st ? st : splice_all(d, &g->j, &g->rc, err);
}

/* The first group's report, with every group's counts. */
static void add_report(cd_normalize_report *all, const cd_normalize_report *r, bool first) {
  if (first) {
    *all = *r;
    return;
  }
  all->lines_in += r->lines_in;
  all->lines_out += r->lines_out;
  all->edits += r->edits;
}

cd_status cd_wire_normalize(cd_normalizer *nz, cd_wire_doc *d, const char *lang, cd_buf *out,
                            cd_change_fn change, void *change_ud, cd_normalize_report *report,
                            cd_error *err) {
  group *g = NULL;
  size_t ng = 0;
  cd_normalize_report rep, one;
  memset(&rep, 0, sizeof rep);
  cd_status st = make_groups(d, lang, &g, &ng);
  if (st)
    st = cd_error_set(err, st, "out of memory");
  for (size_t k = 0; k < ng && !st; k++) {
    memset(&one, 0, sizeof one);
    st = run_group(nz, d, &g[k], &one, err);
    add_report(&rep, &one, k == 0);
  }
  size_t base = out->len;
  if (!st)
    st = cd_wire_write(d, out, err);
  if (!st && change)
    st = emit_fixes(d, change, change_ud, err);
  for (size_t k = 0; k < ng && !st && change; k++)
    st = emit_changes(d, &g[k].j, &g[k].rc, change, change_ud, err);
  snprintf(rep.charset, sizeof rep.charset, "%s", d->charset);
  rep.bytes_in = d->raw_len;
  rep.bytes_out = out->len - base;
  if (report)
    *report = rep;
  for (size_t k = 0; k < ng; k++)
    group_free(&g[k]);
  free(g);
  return st;
}
