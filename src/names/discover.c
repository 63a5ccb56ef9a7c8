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

typedef struct found {
  char lang[16];
  char *written; /* the whole name as the text writes it */
  size_t index;  /* in the groups */
  char type;     /* 'p' person, 'l' place, 'o' organisation, 0 no evidence */
  bool proper;   /* every word a proper noun the language's dictionary has (Monday) */
  char *context; /* the name in a short window of its line */
  char *key;     /* its surname key (pairs link names with the same key) */
} found;

typedef struct link {
  size_t a, b; /* found indexes: one name on each side of a pair */
} link;

struct cd_names_discovery {
  cd_names_scanner *sc;
  cd_names_groups *groups;
  found *f;
  size_t n, cap;
  link *links;
  size_t nlinks, caplinks;
  uint64_t pair;    /* the pair being read (0: none) */
  size_t pair_from; /* its first side's first found name */
  size_t *known;    /* entity spans of the text being read */
  size_t n_known, cap_known;
  const char *text, *lang; /* the text being read */
  size_t len;
  uint64_t this_pair;
  cd_names_candidate *cands;
  size_t ncands;
  cd_strmap *by_group; /* group key -> candidate index + 1 */
};

cd_status cd_names_discovery_new(cd_names_scanner *sc, cd_names_discovery **out, cd_error *err) {
  cd_names_discovery *d = calloc(1, sizeof *d);
  if (!d)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->sc = sc;
  cd_status st = cd_names_groups_new(&d->groups, err);
  if (st) {
    free(d);
    return st;
  }
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
    free(d->f[i].context);
    free(d->f[i].key);
    free(d->f[i].written);
  }
  for (size_t i = 0; i < d->ncands; i++)
    free_candidate(&d->cands[i]);
  free(d->cands);
  free(d->f);
  free(d->links);
  free(d->known);
  cd_strmap_free(d->by_group);
  cd_names_groups_free(d->groups);
  free(d);
}

static cd_status grow(void **v, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return CD_OK;
  size_t c = *cap ? *cap * 2 : 64;
  void *p = realloc(*v, c * size);
  if (!p)
    return CD_ERR_NOMEM;
  *v = p;
  *cap = c;
  return CD_OK;
}

static cd_status on_known(void *ud, const cd_names_mention *m, cd_error *err) {
  (void)err;
  cd_names_discovery *d = ud;
  if (grow((void **)&d->known, &d->cap_known, 2 * d->n_known + 2, sizeof *d->known))
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

/* Whether every word of the name is a proper noun the language's dictionary has (Monday,
 * London): listed only when the batch spells it more than one way. */
static bool all_proper(cd_names_discovery *d, const cd_names_unknown *u) {
  const char *t = d->text;
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

/* The two sides of one pair: every name of the first side and every name of this one with
 * the same surname key, in another language, are one entity's forms. */
static cd_status link_pair(cd_names_discovery *d, size_t this_found) {
  for (size_t i = d->pair_from; i < this_found; i++) {
    if (strcmp(d->f[i].key, d->f[this_found].key) != 0 ||
        strcmp(d->f[i].lang, d->f[this_found].lang) == 0)
      continue;
    if (grow((void **)&d->links, &d->caplinks, d->nlinks, sizeof *d->links))
      return CD_ERR_NOMEM;
    d->links[d->nlinks++] = (link){i, this_found};
  }
  return CD_OK;
}

static cd_status on_unknown(void *ud, const cd_names_unknown *u, cd_error *err) {
  cd_names_discovery *d = ud;
  if (grow((void **)&d->f, &d->cap, d->n, sizeof *d->f))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  found *f = &d->f[d->n];
  memset(f, 0, sizeof *f);
  snprintf(f->lang, sizeof f->lang, "%s", d->lang);
  cd_status st = cd_names_groups_add(d->groups, d->lang, d->text, u, &f->index, err);
  if (st)
    return st;
  f->type = guess_type(d, u);
  f->proper = all_proper(d, u);
  f->context = context_of(d->text, d->len, u->start, u->end);
  f->key = strdup(u->surname_key);
  f->written = strndup(d->text + u->start, u->end - u->start);
  d->n++;
  if (!f->context || !f->key || !f->written)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  return d->this_pair && d->this_pair == d->pair && link_pair(d, d->n - 1)
             ? cd_error_set(err, CD_ERR_NOMEM, "out of memory")
             : CD_OK;
}

cd_status cd_names_discovery_add(cd_names_discovery *d, const char *text, size_t len,
                                 const char *lang, uint64_t pair, cd_error *err) {
  if (!pair || pair != d->pair) { /* a new text, or the first side of a new pair */
    d->pair = pair;
    d->pair_from = d->n;
  }
  /* the second side of a pair whose first side had names: link them */
  d->this_pair = pair && pair == d->pair && d->pair_from < d->n ? pair : 0;
  d->n_known = 0;
  d->text = text;
  d->len = len;
  d->lang = lang && *lang ? lang : "und";
  cd_names_scanner_reset(d->sc);
  cd_status st = cd_names_scan(d->sc, text, len, lang, on_known, d, err);
  if (!st)
    st = cd_names_scan_unknown(d->sc, text, len, lang, d->known, d->n_known, on_unknown, d, err);
  d->this_pair = 0;
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

/* The candidate of found i's group: created on first sight with the group's majority
 * name. Returns its index + 1, 0 when the name is in no group, (size_t)-1 out of memory. */
static size_t candidate_of(cd_names_discovery *d, size_t i) {
  cd_names_group_info g;
  if (!cd_names_groups_info(d->groups, d->f[i].index, &g))
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
  c->lang = d->f[i].lang;
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

static int type_slot(char t) { return t == 'p' ? 0 : t == 'l' ? 1 : t == 'o' ? 2 : -1; }

static cd_status gather(cd_names_discovery *d, size_t *cand_of) {
  for (size_t i = 0; i < d->n; i++) {
    size_t k = candidate_of(d, i);
    if (k == (size_t)-1)
      return CD_ERR_NOMEM;
    cand_of[i] = k;
    if (!k)
      continue;
    cd_names_candidate *c = &d->cands[k - 1];
    c->mentions++;
    c->unknown_words = c->unknown_words || !d->f[i].proper;
    int t = type_slot(d->f[i].type);
    if (t >= 0)
      c->votes[t]++;
    if (!c->context[0])
      c->context[0] = d->f[i].context;
    else if (!c->context[1] && strcmp(c->context[0], d->f[i].context) != 0)
      c->context[1] = d->f[i].context;
    if (strcmp(d->f[i].written, c->name) != 0 && append_unique(&c->variants, d->f[i].written))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

/* The forms in other languages that aligned pairs show: "uk:Довгополий". */
static cd_status cross_forms(cd_names_discovery *d, const size_t *cand_of) {
  cd_buf item = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < d->nlinks && !st; i++) {
    size_t a = cand_of[d->links[i].a], b = cand_of[d->links[i].b];
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
  cd_status st = cd_names_groups_resolve(d->groups, err);
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
