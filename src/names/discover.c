/* SPDX-License-Identifier: MIT */
/* Discovering the names a batch uses that the dictionary lacks (see cd_names.h,
 * cd_names_discovery): the unknown-name finder over every text, the batch grouping of
 * cd_names_groups, a type guessed from the words before a name, contexts, the forms in
 * other languages that aligned pairs show, and a draft in the dictionary's TSV format. */
#include "cd_names.h"
#include "cd_strmap.h"
#include "names_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#define CONTEXT_AROUND 60 /* bytes of text on each side of a name in a context */

/* Identical mentions are counted, not kept: one record per language, keys and spelling as
 * written, so that memory follows the spellings of a batch, not its size. */
typedef struct spelling {
  char lang[16];
  char *written;      /* the whole name as written */
  cd_names_unknown u; /* its parts, offsets into written; keys owned */
  size_t count;       /* mentions */
  size_t index;       /* in the groups, once added */
  unsigned votes[3];  /* person, place, org evidence from the words before */
  bool proper;        /* every word a proper noun the language's dictionary has (Monday) */
  char *context[2];   /* the first two contexts */
} spelling;

struct cd_names_discovery {
  cd_names_scanner *sc;
  cd_names_groups *groups;
  spelling *sp;
  size_t n, cap;
  cd_strmap *by_spelling; /* lang \t surname key \t given key \t written -> index + 1 */
  cd_strmap *links;       /* "a b": spellings on the two sides of one pair */
  size_t *side;           /* the spellings of the first side of the pair being read */
  size_t nside, capside;
  uint64_t pair; /* the pair being read (0: none) */
  bool second_side;
  size_t *known; /* entity spans of the text being read */
  size_t n_known, cap_known;
  const char *text, *lang; /* the text being read */
  size_t len;
  cd_buf key;
  cd_names_candidate *cands;
  size_t ncands;
  cd_strmap *by_group; /* group key -> candidate index + 1 */
};

cd_status cd_names_discovery_new(cd_names_scanner *sc, cd_names_discovery **out, cd_error *err) {
  cd_names_discovery *d = calloc(1, sizeof *d);
  if (!d || !(d->by_spelling = cd_strmap_new()) || !(d->links = cd_strmap_new())) {
    cd_names_discovery_free(d);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  d->sc = sc;
  cd_status st = cd_names_groups_new(&d->groups, err);
  if (st) {
    cd_names_discovery_free(d);
    return st;
  }
  cd_names_groups_set_keyer(d->groups, cd_names_get_keyer(cd_names_scanner_db(sc)));
  *out = d;
  return CD_OK;
}

static void free_candidate(cd_names_candidate *c) {
  free(c->name);
  free(c->spellings);
  free(c->other_forms);
  free(c->variants);
}

void cd_names_discovery_free(cd_names_discovery *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n; i++) {
    spelling *p = &d->sp[i];
    free(p->written);
    free((char *)p->u.surname_key);
    free((char *)p->u.given_key);
    free(p->context[0]);
    free(p->context[1]);
  }
  for (size_t i = 0; i < d->ncands; i++)
    free_candidate(&d->cands[i]);
  free(d->cands);
  free(d->sp);
  free(d->side);
  free(d->known);
  cd_buf_free(&d->key);
  cd_strmap_free(d->by_spelling);
  cd_strmap_free(d->links);
  cd_strmap_free(d->by_group);
  cd_names_groups_free(d->groups);
  free(d);
}

static cd_status on_known(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  cd_names_discovery *d = ud;
  if (cd_grow((void **)&d->known, 2 * d->n_known + 2, &d->cap_known, sizeof *d->known))
    return CD_ERR_NOMEM;
  d->known[2 * d->n_known] = m->start;
  d->known[2 * d->n_known++ + 1] = m->end;
  return CD_OK;
}

/* The word that ends right before byte b of the line (skipping spaces and commas). */
static void word_before(const char *t, size_t b, size_t *wb, size_t *we) {
  size_t i = b;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == ','))
    i--;
  *we = i;
  while (i > 0 && t[i - 1] != ' ' && t[i - 1] != '\n' && t[i - 1] != '(')
    i--;
  *wb = i;
}

static char cue_type(cd_names_discovery *d, const char *w, size_t n) {
  if (!n)
    return 0;
  if (cd_names_scanner_cue(d->sc, "person", w, n) || cd_names_scanner_cue(d->sc, "title", w, n) ||
      cd_names_scanner_cue(d->sc, "role", w, n))
    return 'p';
  if (cd_names_scanner_cue(d->sc, "place", w, n))
    return 'l';
  return cd_names_scanner_cue(d->sc, "lead", w, n) ? 'o' : 0;
}

/* What the words before the name say it is: a role or title (person), a word of place
 * (place), the head of an organisation's name (FC, Radio: organisation); the word before
 * that too ("the village of Orlivtsi", "the mayor of ..." is no evidence for the place). */
static char guess_type(cd_names_discovery *d, const cd_names_unknown *u) {
  size_t wb, we;
  word_before(d->text, u->start, &wb, &we);
  char t = cue_type(d, d->text + wb, we - wb);
  if (!t && we - wb <= 3 && wb > 0) { /* of, de, von, di: a short linking word */
    size_t vb, ve;
    word_before(d->text, wb, &vb, &ve);
    t = cue_type(d, d->text + vb, ve - vb);
    t = t == 'l' ? t : 0;
  }
  return t; /* two capitalised words are a person or a place (Vestre Aker): no evidence */
}

/* Whether the name is one word, a proper noun the language's dictionary has (Monday,
 * London): listed only when the batch spells it more than one way. A given name and a
 * surname are a person even when the dictionary has both (Ukrainian hunspell has thousands
 * of surnames): listed. */
static bool all_proper(cd_names_discovery *d, const cd_names_unknown *u) {
  const char *t = d->text;
  if (u->given_end > u->start)
    return false;
  for (size_t i = u->start; i < u->end;) {
    while (i < u->end && (t[i] == ' ' || t[i] == '-'))
      i++;
    size_t b = i;
    while (i < u->end && t[i] != ' ')
      i++;
    bool lower = b < i && t[b] >= 'a' && t[b] <= 'z'; /* a particle */
    if (b < i && !lower && !cd_names_scanner_proper(d->sc, t + b, i - b))
      return false;
  }
  return true;
}

/* The name in a window of its line, cut at character boundaries. */
static char *context_of(const char *t, size_t len, size_t b, size_t e) {
  size_t from = b > CONTEXT_AROUND ? b - CONTEXT_AROUND : 0, to = e + CONTEXT_AROUND;
  if (to > len)
    to = len;
  for (size_t i = from; i < b; i++)
    if (t[i] == '\n')
      from = i + 1;
  for (size_t i = e; i < to; i++)
    if (t[i] == '\n') {
      to = i;
      break;
    }
  while (from < b && ((unsigned char)t[from] & 0xC0) == 0x80)
    from++;
  while (to > e && to < len && ((unsigned char)t[to] & 0xC0) == 0x80)
    to--;
  cd_buf out = CD_BUF_INIT;
  if (cd_buf_append_str(&out, from > 0 ? "\xE2\x80\xA6" : "") ||
      cd_buf_append(&out, t + from, to - from) ||
      cd_buf_append_str(&out, to < len && t[to] != '\n' ? "\xE2\x80\xA6" : "")) {
    cd_buf_free(&out);
    return NULL;
  }
  for (size_t i = 0; i < out.len; i++)
    if (out.data[i] == '\t' || out.data[i] == '\r')
      out.data[i] = ' ';
  return out.data;
}

/* A new spelling record for u, its parts copied with offsets into its own string. */
static cd_status new_spelling(cd_names_discovery *d, const cd_names_unknown *u, size_t *out) {
  if (cd_grow((void **)&d->sp, d->n, &d->cap, sizeof *d->sp))
    return CD_ERR_NOMEM;
  spelling *p = &d->sp[d->n];
  memset(p, 0, sizeof *p);
  snprintf(p->lang, sizeof p->lang, "%s", d->lang);
  p->written = strndup(d->text + u->start, u->end - u->start);
  p->u = *u;
  size_t base = u->start;
  p->u.start -= base, p->u.end -= base, p->u.surname_start -= base, p->u.surname_end -= base;
  p->u.surname_stem_end -= base;
  if (u->given_end)
    p->u.given_end -= base, p->u.given_stem_end -= base;
  p->u.surname_key = strdup(u->surname_key);
  p->u.given_key = strdup(u->given_key);
  p->proper = all_proper(d, u);
  d->n++;
  if (!p->written || !p->u.surname_key || !p->u.given_key)
    return CD_ERR_NOMEM;
  *out = d->n - 1;
  return CD_OK;
}

/* The record of u's spelling, created on first sight. */
static cd_status spelling_of(cd_names_discovery *d, const cd_names_unknown *u, size_t *out) {
  cd_buf_clear(&d->key);
  if (cd_buf_appendf(&d->key, "%s\t%s\t%s\t%.*s", d->lang, u->surname_key, u->given_key,
                     (int)(u->end - u->start), d->text + u->start))
    return CD_ERR_NOMEM;
  bool ins;
  void **v = cd_strmap_slot(d->by_spelling, d->key.data, d->key.len, &ins);
  if (!v)
    return CD_ERR_NOMEM;
  if (!ins) {
    *out = (size_t)(uintptr_t)*v - 1;
    return CD_OK;
  }
  cd_status st = new_spelling(d, u, out);
  if (!st)
    *v = (void *)(uintptr_t)(*out + 1);
  return st;
}

/* The two sides of one pair: a name of the first side and one of this side with the same
 * surname key, in another language, are one entity's forms. */
static cd_status link_pair(cd_names_discovery *d, size_t k) {
  for (size_t i = 0; i < d->nside; i++) {
    const spelling *a = &d->sp[d->side[i]], *b = &d->sp[k];
    if (strcmp(a->u.surname_key, b->u.surname_key) != 0 || strcmp(a->lang, b->lang) == 0)
      continue;
    char key[48];
    snprintf(key, sizeof key, "%zu %zu", d->side[i], k);
    if (!cd_strmap_slot(d->links, key, strlen(key), NULL))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static cd_status on_unknown(void *ud, const cd_names_unknown *u, cd_error *err) {
  cd_names_discovery *d = ud;
  size_t k;
  cd_status st = spelling_of(d, u, &k);
  if (st)
    return cd_error_set(err, st, "out of memory");
  spelling *p = &d->sp[k];
  p->count++;
  char t = guess_type(d, u); /* votes: person, place, organisation */
  if (t)
    p->votes[t == 'p' ? 0 : t == 'l' ? 1 : 2]++;
  int c = !p->context[0] ? 0 : !p->context[1] ? 1 : -1;
  if (c >= 0 && !(p->context[c] = context_of(d->text, d->len, u->start, u->end)))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (d->pair && !d->second_side) {
    if (cd_grow((void **)&d->side, d->nside, &d->capside, sizeof *d->side))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    d->side[d->nside++] = k;
  } else if (d->pair && link_pair(d, k)) {
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  return CD_OK;
}

cd_status cd_names_discovery_add(cd_names_discovery *d, const char *text, size_t len,
                                 const char *lang, uint64_t pair, cd_error *err) {
  d->second_side = pair && pair == d->pair;
  if (!d->second_side) { /* a new text, or the first side of a new pair */
    d->pair = pair;
    d->nside = 0;
  }
  d->n_known = 0;
  d->text = text;
  d->len = len;
  d->lang = lang && *lang ? lang : "und";
  cd_names_scanner_reset(d->sc);
  cd_status st = cd_names_scan(d->sc, text, len, lang, on_known, d, err);
  if (!st)
    st = cd_names_scan_unknown(d->sc, text, len, lang, d->known, d->n_known, on_unknown, d, err);
  return st;
}

/* ---- the candidates ------------------------------------------------------------------- */

static cd_status append_unique(char **list, const char *item) {
  size_t il = strlen(item), ll = *list ? strlen(*list) : 0;
  for (const char *p = *list; p && *p;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == il && memcmp(p, item, il) == 0)
      return CD_OK;
    p = bar ? bar + 1 : p + n;
  }
  char *q = realloc(*list, ll + il + 2);
  if (!q)
    return CD_ERR_NOMEM;
  if (ll)
    q[ll++] = '|';
  memcpy(q + ll, item, il + 1);
  *list = q;
  return CD_OK;
}

/* The candidate of spelling i's group: created on first sight with the group's majority
 * name. Returns its index + 1, 0 when the name is in no group, (size_t)-1 out of memory. */
static size_t candidate_of(cd_names_discovery *d, size_t i) {
  cd_names_group_info g;
  if (!cd_names_groups_info(d->groups, d->sp[i].index, &g))
    return 0;
  bool ins;
  void **v = cd_strmap_slot(d->by_group, g.group, strlen(g.group), &ins);
  if (!v)
    return (size_t)-1;
  if (!ins)
    return (size_t)(uintptr_t)*v;
  cd_names_candidate *p = realloc(d->cands, (d->ncands + 1) * sizeof *p);
  if (!p)
    return (size_t)-1;
  d->cands = p;
  cd_names_candidate *c = &d->cands[d->ncands++];
  memset(c, 0, sizeof *c);
  c->lang = d->sp[i].lang;
  cd_buf name = CD_BUF_INIT;
  bool ok = (!g.given || (!cd_buf_append_str(&name, g.given) && !cd_buf_append(&name, " ", 1))) &&
            !cd_buf_append_str(&name, g.surname);
  c->name = ok ? name.data : NULL;
  cd_buf sp = CD_BUF_INIT;
  ok = ok && !cd_buf_append_str(&sp, g.surname_spellings ? g.surname_spellings : "") &&
       (!g.given_spellings || !cd_buf_appendf(&sp, "; %s", g.given_spellings));
  c->spellings = ok ? sp.data : NULL;
  if (!ok) {
    cd_buf_free(&name);
    cd_buf_free(&sp);
    return (size_t)-1;
  }
  c->distinct = g.surname_distinct;
  *v = (void *)(uintptr_t)d->ncands;
  return d->ncands;
}

static const char *const type_names[] = {"person", "place", "org"};

static cd_status gather(cd_names_discovery *d, size_t *cand_of) {
  for (size_t i = 0; i < d->n; i++) {
    size_t k = candidate_of(d, i);
    if (k == (size_t)-1)
      return CD_ERR_NOMEM;
    cand_of[i] = k;
    if (!k)
      continue;
    const spelling *p = &d->sp[i];
    cd_names_candidate *c = &d->cands[k - 1];
    c->mentions += p->count;
    c->unknown_words = c->unknown_words || !p->proper;
    for (int t = 0; t < 3; t++)
      c->votes[t] += p->votes[t];
    for (int j = 0; j < 2 && p->context[j]; j++)
      if (!c->context[0])
        c->context[0] = p->context[j];
      else if (!c->context[1] && strcmp(c->context[0], p->context[j]) != 0)
        c->context[1] = p->context[j];
    if (strcmp(p->written, c->name) != 0 && append_unique(&c->variants, p->written))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

/* The forms in other languages that aligned pairs show: "uk:Довгополий". */
static cd_status cross_forms(cd_names_discovery *d, const size_t *cand_of) {
  cd_buf item = CD_BUF_INIT;
  cd_status st = CD_OK;
  size_t pos = 0, kl;
  const char *key;
  void *v;
  while (!st && cd_strmap_next(d->links, &pos, &key, &kl, &v)) {
    size_t x, y;
    if (sscanf(key, "%zu %zu", &x, &y) != 2)
      continue;
    size_t a = cand_of[x], b = cand_of[y];
    if (!a || !b || a == b)
      continue;
    for (int side = 0; side < 2 && !st; side++) {
      cd_names_candidate *to = &d->cands[(side ? b : a) - 1];
      const cd_names_candidate *from = &d->cands[(side ? a : b) - 1];
      cd_buf_clear(&item);
      st = cd_buf_appendf(&item, "%s:%s", from->lang, from->name);
      if (!st)
        st = append_unique(&to->other_forms, item.data);
    }
  }
  cd_buf_free(&item);
  return st;
}

static int by_mentions(const void *x, const void *y) {
  const cd_names_candidate *a = x, *b = y;
  if (a->mentions != b->mentions)
    return a->mentions > b->mentions ? -1 : 1;
  int r = strcmp(a->lang, b->lang);
  return r ? r : strcmp(a->name, b->name);
}

cd_status cd_names_discovery_finish(cd_names_discovery *d, cd_error *err) {
  cd_status st = CD_OK;
  for (size_t i = 0; i < d->n && !st; i++) {
    spelling *p = &d->sp[i];
    st = cd_names_groups_add_n(d->groups, p->lang, p->written, &p->u, p->count, &p->index, err);
  }
  if (!st)
    st = cd_names_groups_resolve(d->groups, err);
  if (st)
    return st;
  size_t *cand_of = calloc(d->n + 1, sizeof *cand_of);
  if (!cand_of || !(d->by_group = cd_strmap_new()))
    st = CD_ERR_NOMEM;
  if (!st)
    st = gather(d, cand_of);
  if (!st)
    st = cross_forms(d, cand_of);
  free(cand_of);
  if (st)
    return cd_error_set(err, st, "out of memory");
  /* a proper noun the language has (Monday, London), spelled one way: no new name */
  size_t kept = 0;
  for (size_t i = 0; i < d->ncands; i++) {
    if (d->cands[i].unknown_words || d->cands[i].distinct > 1)
      d->cands[kept++] = d->cands[i];
    else
      free_candidate(&d->cands[i]);
  }
  d->ncands = kept;
  for (size_t i = 0; i < d->ncands; i++) {
    cd_names_candidate *c = &d->cands[i];
    int best = -1;
    for (int t = 0; t < 3; t++)
      if (c->votes[t] && (best < 0 || c->votes[t] > c->votes[best]))
        best = t;
    c->type = best >= 0 ? type_names[best] : NULL;
  }
  qsort(d->cands, d->ncands, sizeof *d->cands, by_mentions);
  return CD_OK;
}

size_t cd_names_discovery_count(const cd_names_discovery *d) { return d->ncands; }

const cd_names_candidate *cd_names_discovery_get(const cd_names_discovery *d, size_t i) {
  return i < d->ncands ? &d->cands[i] : NULL;
}

/* ---- the draft for the house overlay ---------------------------------------------------- */

static const char *const draft_langs[] = {"en", "fr", "de", "uk", "ru"};

/* A candidate's forms per dictionary column (NULL: none), its own and the linked ones. */
typedef struct draft_row {
  const char *form[5];
  cd_buf variants;
  cd_buf col[5]; /* owned copies of linked forms */
} draft_row;

static int lang_col(const char *lang) {
  for (int i = 0; i < 5; i++)
    if (strncmp(lang, draft_langs[i], 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
      return i;
  return -1;
}

/* "uk:Довгополий|de:Dowhopolyj" into the row's columns (the first form per language). */
static cd_status take_other_forms(draft_row *r, const char *forms) {
  for (const char *p = forms; p && *p;) {
    const char *bar = strchr(p, '|'), *colon = strchr(p, ':');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    int k = colon && colon < p + n ? lang_col(p) : -1;
    if (k >= 0 && !r->form[k]) {
      if (cd_buf_append(&r->col[k], colon + 1, (size_t)(p + n - colon - 1)))
        return CD_ERR_NOMEM;
      r->form[k] = cd_buf_at(&r->col[k], 0);
    }
    p += n + (bar ? 1 : 0);
  }
  return CD_OK;
}

/* The id: the ASCII transliteration, words joined with '-', unique in the draft. */
static cd_status draft_id(cd_names_keyer *k, const char *name, cd_strmap *used, cd_buf *out) {
  cd_buf t = CD_BUF_INIT;
  cd_status st = cd_names_translit(k, CD_TRANSLIT_ANY, name, strlen(name), &t, NULL);
  cd_buf_clear(out);
  for (size_t i = 0; !st && i < t.len; i++) {
    char c = t.data[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum)
      st = cd_buf_append(out, &c, 1);
    else if (out->len && out->data[out->len - 1] != '-')
      st = cd_buf_append(out, "-", 1);
  }
  while (!st && out->len && out->data[out->len - 1] == '-')
    out->data[--out->len] = '\0';
  if (!st && !out->len)
    st = cd_buf_append_str(out, "name");
  size_t base = out->len;
  for (int n = 2; !st && cd_strmap_contains(used, out->data, out->len); n++) {
    out->len = base;
    st = cd_buf_appendf(out, "-%d", n);
  }
  if (!st && !cd_strmap_slot(used, out->data, out->len, NULL))
    st = CD_ERR_NOMEM;
  cd_buf_free(&t);
  return st;
}

/* The house romanization of a Cyrillic name for the en column (Ukrainian 2010, Russian
 * BGN/PCGN), when the batch has no English form. */
static cd_status house_latin(cd_names_keyer *k, const char *lang, const char *name, cd_buf *out) {
  cd_translit sys = strncmp(lang, "ru", 2) == 0 ? CD_TRANSLIT_RU_BGN : CD_TRANSLIT_UK2010;
  return cd_names_translit(k, sys, name, strlen(name), out, NULL);
}

static cd_status draft_variants(draft_row *r, const cd_names_candidate *c) {
  for (const char *p = c->variants; p && *p;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (cd_buf_appendf(&r->variants, "%s%s:%.*s", r->variants.len ? "|" : "", c->lang, (int)n, p))
      return CD_ERR_NOMEM;
    p += n + (bar ? 1 : 0);
  }
  return CD_OK;
}

static cd_status draft_line(cd_names_discovery *d, const cd_names_candidate *c, draft_row *r,
                            cd_strmap *used, cd_buf *line) {
  cd_names_keyer *k = cd_names_get_keyer(cd_names_scanner_db(d->sc));
  cd_buf id = CD_BUF_INIT, latin = CD_BUF_INIT;
  int own = lang_col(c->lang);
  if (own >= 0)
    r->form[own] = c->name;
  cd_status st = take_other_forms(r, c->other_forms);
  const char *cyr = r->form[3] ? r->form[3] : r->form[4];
  if (!st && !r->form[0] && cyr && !(st = house_latin(k, r->form[3] ? "uk" : "ru", cyr, &latin)))
    r->form[0] = cd_buf_at(&latin, 0);
  if (!st)
    st = draft_variants(r, c);
  if (!st)
    st = draft_id(k, r->form[0] ? r->form[0] : c->name, used, &id);
  const char *type = c->type ? c->type : strchr(c->name, ' ') ? "person" : "place";
  /* what the editor weighs goes in a comment: the row keeps the dictionary's keys */
  if (!st)
    st = cd_buf_appendf(line, "# %zu mention%s in the batch%s\n%s\t%s", c->mentions,
                        c->mentions == 1 ? "" : "s", c->type ? "" : "; type unsure", id.data, type);
  for (int i = 0; i < 5 && !st; i++)
    st = cd_buf_appendf(line, "\t%s", r->form[i] ? r->form[i] : "-");
  if (!st)
    st = cd_buf_appendf(line, "\t%s\tsource=copydesk-discover\n",
                        r->variants.len ? r->variants.data : "-");
  cd_buf_free(&id);
  cd_buf_free(&latin);
  return st;
}

/* Whether candidate c is a form another, earlier row of the draft already carries. */
static bool carried(const cd_names_discovery *d, size_t upto, const cd_names_candidate *c) {
  cd_buf item = CD_BUF_INIT;
  bool found = false;
  if (cd_buf_appendf(&item, "%s:%s", c->lang, c->name))
    return false;
  for (size_t i = 0; i < upto && !found; i++) {
    const char *o = d->cands[i].other_forms;
    for (const char *p = o ? strstr(o, item.data) : NULL; p && !found; p = strstr(p + 1, item.data))
      found = (p == o || p[-1] == '|') && (p[item.len] == '\0' || p[item.len] == '|');
  }
  cd_buf_free(&item);
  return found;
}

cd_status cd_names_discovery_draft(cd_names_discovery *d, size_t min_mentions, cd_names_write_fn w,
                                   void *ud, cd_error *err) {
  static const char head[] =
      "# Draft from `copydesk names discover`: review every row (type, spellings, the\n"
      "# canonical form per language) before appending it to the house overlay.\n"
      "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n";
  cd_status st = w(ud, head, sizeof head - 1, err);
  cd_strmap *used = cd_strmap_new();
  cd_buf line = CD_BUF_INIT;
  if (!used)
    st = st ? st : CD_ERR_NOMEM;
  for (size_t i = 0; i < d->ncands && !st; i++) {
    const cd_names_candidate *c = &d->cands[i];
    if (c->mentions < min_mentions || carried(d, i, c))
      continue;
    draft_row r = {0};
    cd_buf_clear(&line);
    st = draft_line(d, c, &r, used, &line);
    cd_buf_free(&r.variants);
    for (int k = 0; k < 5; k++)
      cd_buf_free(&r.col[k]);
    if (!st)
      st = w(ud, line.data, line.len, err);
  }
  cd_buf_free(&line);
  cd_strmap_free(used);
  return st == CD_ERR_NOMEM ? cd_error_set(err, st, "out of memory") : st;
}
