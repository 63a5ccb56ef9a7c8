/* SPDX-License-Identifier: MIT */
/* Grouping the spellings of names the dictionary lacks across a batch (see cd_names.h,
 * cd_names_groups): check's names.unknown-variant and `names discover` share it. */
#include "cd_names.h"
#include "cd_strmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

typedef struct gname {
  char *key;     /* lang \t script \t surname key */
  char gkey[48]; /* the given name's key ("" for none) */
  char *surname; /* as written, and the bytes of its stem (no case ending) */
  size_t stem;
  char *given; /* NULL for a surname alone */
  size_t gstem;
  char *group;   /* key \t given key, once resolved; NULL: in no group */
  size_t weight; /* how many mentions it stands for */
  size_t doc;    /* the document it is in (SIZE_MAX: not said) */
  uint64_t line; /* its line there */
} gname;

/* A full-name mention's place: a surname alone joins that person only near one. */
typedef struct intro {
  size_t doc;
  uint64_t line;
} intro;

typedef struct intro_list {
  intro *v;
  size_t n, cap;
} intro_list;

/* A surname alone is that person when the same document names the person in full within
 * this many lines (a brief's "Later Dovhopoly said" after "General Mykyta Dovhopolyi"). */
#define INTRO_LINES 60

typedef struct spelling_count {
  size_t first; /* the name where it was first seen */
  size_t count;
} spelling_count;

/* Per group and part ('S' surname, 'G' given name): the most frequent spelling (the first
 * seen on a tie), the number of spellings, every spelling counted for messages. */
typedef struct part_best {
  spelling_count *best;
  size_t distinct;
  cd_buf summary; /* "'Syrskyi' 3×, 'Syrsky' 1×" */
} part_best;

struct cd_names_groups {
  cd_names_keyer *keyer; /* romanizes a Cyrillic form by the house rules (NULL: majority only) */
  gname *v;
  size_t n, cap;
  cd_strmap *givens;    /* lang \t script \t surname key -> its one given key, or -1 */
  cd_strmap *spellings; /* group \t part \t letters -> spelling_count */
  cd_strmap *best;      /* group \t part -> part_best */
  cd_strmap *intros;    /* key \t given key -> intro_list: where the full names are */
  cd_buf key;
};

cd_status cd_names_groups_new(cd_names_groups **out, cd_error *err) {
  cd_names_groups *g = calloc(1, sizeof *g);
  if (!g || !(g->givens = cd_strmap_new()) || !(g->spellings = cd_strmap_new()) ||
      !(g->best = cd_strmap_new())) {
    cd_names_groups_free(g);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  *out = g;
  return CD_OK;
}

void cd_names_groups_free(cd_names_groups *g) {
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++) {
    free(g->v[i].key);
    free(g->v[i].surname);
    free(g->v[i].given);
    free(g->v[i].group);
  }
  free(g->v);
  size_t pos = 0, kl;
  const char *key;
  void *val;
  while (g->spellings && cd_strmap_next(g->spellings, &pos, &key, &kl, &val))
    free(val);
  pos = 0;
  while (g->best && cd_strmap_next(g->best, &pos, &key, &kl, &val)) {
    cd_buf_free(&((part_best *)val)->summary);
    free(val);
  }
  pos = 0;
  while (g->intros && cd_strmap_next(g->intros, &pos, &key, &kl, &val)) {
    free(((intro_list *)val)->v);
    free(val);
  }
  cd_strmap_free(g->intros);
  cd_strmap_free(g->givens);
  cd_strmap_free(g->spellings);
  cd_strmap_free(g->best);
  cd_buf_free(&g->key);
  free(g);
}

static char *dup_span(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

cd_status cd_names_groups_add(cd_names_groups *g, const char *lang, const char *text,
                              const cd_names_unknown *u, size_t *index, cd_error *err) {
  return cd_names_groups_add_n(g, lang, text, u, 1, index, err);
}

cd_status cd_names_groups_add_at(cd_names_groups *g, const char *lang, const char *text,
                                 const cd_names_unknown *u, size_t doc, uint64_t line,
                                 size_t *index, cd_error *err) {
  cd_status st = cd_names_groups_add_n(g, lang, text, u, 1, index, err);
  if (!st) {
    g->v[*index].doc = doc;
    g->v[*index].line = line;
  }
  return st;
}

cd_status cd_names_groups_add_n(cd_names_groups *g, const char *lang, const char *text,
                                const cd_names_unknown *u, size_t weight, size_t *index,
                                cd_error *err) {
  if (CD_GROW(g->v, g->n, g->cap))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  gname *m = &g->v[g->n];
  memset(m, 0, sizeof *m);
  m->weight = weight;
  m->doc = SIZE_MAX;
  /* one alphabet's spellings only: a Latin "Armenia" quoted in Russian text is no variant */
  size_t i = u->surname_start;
  UErrorCode ec = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(cd_utf8_next(text, u->surname_end, &i), &ec);
  cd_buf k = CD_BUF_INIT;
  bool ok = !cd_buf_appendf(&k, "%s\t%d\t%s", lang ? lang : "", (int)sc, u->surname_key);
  m->key = ok ? k.data : NULL;
  m->surname = dup_span(text + u->surname_start, u->surname_end - u->surname_start);
  m->stem = u->surname_stem_end - u->surname_start;
  snprintf(m->gkey, sizeof m->gkey, "%s", u->given_key ? u->given_key : "");
  if (u->given_end > u->start) {
    m->given = dup_span(text + u->start, u->given_end - u->start);
    m->gstem = u->given_stem_end - u->start;
  }
  g->n++; /* counted even when incomplete, so that free releases it */
  if (!m->key || !m->surname || (u->given_end > u->start && !m->given))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  *index = g->n - 1;
  return CD_OK;
}

/* Per surname key: its one given key (borrowed from a name), or -1 for several. */
static cd_status collect_givens(cd_names_groups *g) {
  for (size_t i = 0; i < g->n; i++) {
    gname *m = &g->v[i];
    if (!m->gkey[0])
      continue;
    bool ins;
    void **v = cd_strmap_slot(g->givens, m->key, strlen(m->key), &ins);
    if (!v)
      return CD_ERR_NOMEM;
    if (ins)
      *v = m->gkey;
    else if ((uintptr_t)*v != (uintptr_t)-1 && strcmp(*v, m->gkey) != 0)
      *v = (void *)(uintptr_t)-1;
  }
  return CD_OK;
}

/* Where each person is named in full ("key \t given key" -> places), for names whose
 * document is known. */
static cd_status collect_intros(cd_names_groups *g) {
  cd_buf k = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < g->n && !st; i++) {
    const gname *m = &g->v[i];
    if (!m->gkey[0] || m->doc == SIZE_MAX)
      continue;
    cd_buf_clear(&k);
    bool ins;
    void **v = cd_buf_appendf(&k, "%s\t%s", m->key, m->gkey)
                   ? NULL
                   : cd_strmap_slot(g->intros, k.data, k.len, &ins);
    intro_list *l = v ? (ins ? (*v = calloc(1, sizeof(intro_list))) : *v) : NULL;
    if (!l || (l->n == l->cap &&
               !(l->v = realloc(l->v, (l->cap = l->cap ? 2 * l->cap : 4) * sizeof *l->v))))
      st = CD_ERR_NOMEM;
    else
      l->v[l->n++] = (intro){m->doc, m->line};
  }
  cd_buf_free(&k);
  return st;
}

/* Whether a surname alone (m) is near a full mention of the person group names. */
static bool introduced(const cd_names_groups *g, const gname *m, const char *group) {
  const intro_list *l = cd_strmap_get(g->intros, group, strlen(group));
  for (size_t i = 0; l && i < l->n; i++)
    if (l->v[i].doc == m->doc &&
        (l->v[i].line > m->line ? l->v[i].line - m->line : m->line - l->v[i].line) <= INTRO_LINES)
      return true;
  return false;
}

/* The group a name's spelling is compared within: "key \t given key". A surname alone joins
 * the one given name its surname has in the batch; with two (Hanno Meyer, Elske Meier) it
 * is nobody's (NULL); and where its document is known, only near a full mention (Бьерке, a
 * district of Oslo, is not Грэм Берк of another story). */
static cd_status group_of(cd_names_groups *g, gname *m) {
  const char *gk = m->gkey;
  if (!*gk) {
    void *v = cd_strmap_get(g->givens, m->key, strlen(m->key));
    if ((uintptr_t)v == (uintptr_t)-1)
      return CD_OK;
    gk = v ? v : "";
  }
  cd_buf b = CD_BUF_INIT;
  if (cd_buf_appendf(&b, "%s\t%s", m->key, gk)) {
    cd_buf_free(&b);
    return CD_ERR_NOMEM;
  }
  if (!m->gkey[0] && *gk && m->doc != SIZE_MAX && !introduced(g, m, b.data)) {
    cd_buf_free(&b);
    return CD_OK;
  }
  m->group = b.data;
  return CD_OK;
}

/* A spelling's letters in lower case: "Wi-Fi" and "WiFi", "I’ve" and "I've" are one
 * spelling (typography and case are other checks' business). */
static cd_status append_letters(cd_buf *out, const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    int32_t c = cd_utf8_next(s, n, &i);
    if (c >= 0 && u_isalpha(c) && cd_buf_append_cp(out, (uint32_t)u_tolower(c)))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}

static const char *part_of(const gname *m, char part, size_t *stem) {
  *stem = part == 'S' ? m->stem : m->gstem;
  return part == 'S' ? m->surname : m->given;
}

static cd_status count_spelling(cd_names_groups *g, size_t index, char part) {
  gname *m = &g->v[index];
  size_t stem;
  const char *s = part_of(m, part, &stem);
  cd_buf_clear(&g->key);
  if (cd_buf_appendf(&g->key, "%s\t%c\t", m->group, part) || append_letters(&g->key, s, stem))
    return CD_ERR_NOMEM;
  bool ins;
  void **v = cd_strmap_slot(g->spellings, g->key.data, g->key.len, &ins);
  if (!v || (ins && !(*v = calloc(1, sizeof(spelling_count)))))
    return CD_ERR_NOMEM;
  spelling_count *sc = *v;
  if (ins)
    sc->first = index;
  bool first = sc->count == 0;
  sc->count += m->weight;
  void **b = cd_strmap_slot(g->best, g->key.data, strlen(m->group) + 2, &ins);
  if (!b || (ins && !(*b = calloc(1, sizeof(part_best)))))
    return CD_ERR_NOMEM;
  part_best *pb = *b;
  if (first)
    pb->distinct++;
  if (!pb->best || sc->count > pb->best->count)
    pb->best = sc;
  return CD_OK;
}

/* A spelling of a group's part, for the summary: its map key ("group \t part \t letters",
 * the part's key its first plen bytes) and count. */
typedef struct spelled {
  const char *key;
  size_t plen;
  const spelling_count *sc;
} spelled;

/* By group and part, then the most frequent first, then the first seen: the summary never
 * follows the hash table's order. */
static int by_group_count(const void *x, const void *y) {
  const spelled *a = x, *b = y;
  int r = memcmp(a->key, b->key, a->plen < b->plen ? a->plen : b->plen);
  if (r || a->plen != b->plen)
    return r ? r : a->plen < b->plen ? -1 : 1;
  if (a->sc->count != b->sc->count)
    return a->sc->count > b->sc->count ? -1 : 1;
  return (a->sc->first > b->sc->first) - (a->sc->first < b->sc->first);
}

/* The summary of every spelling of each group and part, built once. */
static cd_status summarize(cd_names_groups *g) {
  size_t pos = 0, kl, stem, n = 0;
  const char *key;
  void *v;
  spelled *all = malloc((cd_strmap_count(g->spellings) + 1) * sizeof *all);
  if (!all)
    return CD_ERR_NOMEM;
  while (cd_strmap_next(g->spellings, &pos, &key, &kl, &v)) {
    size_t tab = kl; /* group \t part | \t letters */
    while (tab > 0 && key[tab - 1] != '\t')
      tab--;
    if (tab > 2)
      all[n++] = (spelled){key, tab - 1, v};
  }
  qsort(all, n, sizeof *all, by_group_count);
  cd_status st = CD_OK;
  for (size_t i = 0; i < n && !st; i++) {
    part_best *pb = cd_strmap_get(g->best, all[i].key, all[i].plen);
    if (pb && cd_buf_appendf(&pb->summary, "%s'%s' %zu\xC3\x97", pb->summary.len ? ", " : "",
                             part_of(&g->v[all[i].sc->first], all[i].key[all[i].plen - 1], &stem),
                             all[i].sc->count))
      st = CD_ERR_NOMEM;
  }
  free(all);
  return st;
}

void cd_names_groups_set_keyer(cd_names_groups *g, cd_names_keyer *k) { g->keyer = k; }

/* "surname key \t given key" of a group: the same person in any language and alphabet. */
static const char *person_of(const char *group) {
  const char *t = strchr(group, '\t');
  t = t ? strchr(t + 1, '\t') : NULL; /* lang \t script \t | surname key \t given key */
  return t ? t + 1 : group;
}

/* A Cyrillic name in its nominative, to romanize: no case ending, or an adjective's (-ий,
 * -ій, -ый, -ой: Довбищук, Сирський); other endings may be a genitive (Довбищука). */
static bool nominative(const gname *m) {
  static const char *const ends[] = {"\xD0\xB8\xD0\xB9", "\xD1\x96\xD0\xB9", "\xD1\x8B\xD0\xB9",
                                     "\xD0\xBE\xD0\xB9"};
  const char *e = m->surname + m->stem;
  if (!*e)
    return true;
  for (size_t i = 0; i < 4; i++)
    if (strcmp(e, ends[i]) == 0)
      return true;
  return false;
}

/* Per person: a Cyrillic name of the batch in its nominative (index + 1). */
static cd_status cyrillic_forms(cd_names_groups *g, cd_strmap *cyr) {
  for (size_t i = 0; i < g->n; i++) {
    const gname *m = &g->v[i];
    size_t at = 0;
    UErrorCode ec = U_ZERO_ERROR;
    int32_t c = cd_utf8_next(m->surname, strlen(m->surname), &at);
    if (!m->group || uscript_getScript(c, &ec) != USCRIPT_CYRILLIC || !nominative(m))
      continue;
    const char *p = person_of(m->group);
    bool ins;
    void **v = cd_strmap_slot(cyr, p, strlen(p), &ins);
    if (!v)
      return CD_ERR_NOMEM;
    if (ins)
      *v = (void *)(uintptr_t)(i + 1);
  }
  return CD_OK;
}

/* A Latin group whose person the batch also writes in Cyrillic: the spelling that follows
 * the house romanization of the Cyrillic form (Ukrainian 2010, Russian BGN/PCGN), when the
 * batch has it, is the suggestion rather than the majority. */
static cd_status prefer_house(cd_names_groups *g, cd_strmap *cyr) {
  cd_buf lat = CD_BUF_INIT;
  size_t pos = 0, kl;
  const char *key;
  void *v;
  cd_status st = CD_OK;
  while (!st && cd_strmap_next(g->best, &pos, &key, &kl, &v)) {
    part_best *pb = v;
    const gname *m = &g->v[pb->best->first];
    if (kl < 2 || key[kl - 1] != 'S' || pb->distinct < 2 || !m->group)
      continue;
    size_t at = 0;
    UErrorCode ec = U_ZERO_ERROR;
    if (uscript_getScript(cd_utf8_next(m->surname, strlen(m->surname), &at), &ec) != USCRIPT_LATIN)
      continue;
    const char *p = person_of(m->group);
    uintptr_t c = (uintptr_t)cd_strmap_get(cyr, p, strlen(p));
    if (!c)
      continue;
    const gname *cm = &g->v[c - 1];
    cd_translit sys = strncmp(cm->key, "ru", 2) == 0 ? CD_TRANSLIT_RU_BGN : CD_TRANSLIT_UK2010;
    cd_buf_clear(&lat);
    cd_buf_clear(&g->key);
    if (cd_names_translit(g->keyer, sys, cm->surname, strlen(cm->surname), &lat, NULL) ||
        cd_buf_appendf(&g->key, "%.*s\t", (int)(kl), key) ||
        append_letters(&g->key, cd_buf_at(&lat, 0), lat.len)) {
      st = CD_ERR_NOMEM;
      break;
    }
    spelling_count *house = cd_strmap_get(g->spellings, g->key.data, g->key.len);
    if (house)
      pb->best = house;
  }
  cd_buf_free(&lat);
  return st;
}

/* The mentions per key ("lang \t script \t surname key"). */
static cd_status key_weights(cd_names_groups *g, cd_strmap *w) {
  for (size_t i = 0; i < g->n; i++) {
    void **v = cd_strmap_slot(w, g->v[i].key, strlen(g->v[i].key), NULL);
    if (!v)
      return CD_ERR_NOMEM;
    *v = (void *)((uintptr_t)*v + g->v[i].weight);
  }
  return CD_OK;
}

/* The key a typo's key joins: the same with two adjacent letters of the surname key swapped
 * (Dovhoploi for Dovhopoli), when that key has more mentions (on a tie, the smaller key).
 * Short keys (under five letters) join nothing: too many names are one swap apart. */
static const char *swapped_home(cd_strmap *w, const char *key, size_t kl, cd_buf *tmp) {
  const char *tab = strrchr(key, '\t');
  size_t s = tab ? (size_t)(tab - key) + 1 : 0;
  uintptr_t own = (uintptr_t)cd_strmap_get(w, key, kl);
  if (kl - s < 5)
    return NULL;
  for (size_t i = s; i + 1 < kl; i++) {
    if (key[i] == key[i + 1])
      continue;
    cd_buf_clear(tmp);
    if (cd_buf_append(tmp, key, kl))
      return NULL;
    tmp->data[i] = key[i + 1];
    tmp->data[i + 1] = key[i];
    uintptr_t theirs = (uintptr_t)cd_strmap_get(w, tmp->data, tmp->len);
    if (theirs > own || (theirs && theirs == own && memcmp(tmp->data, key, kl) < 0))
      return tmp->data;
  }
  return NULL;
}

static cd_status merge_transpositions(cd_names_groups *g) {
  cd_strmap *w = cd_strmap_new();
  cd_buf tmp = CD_BUF_INIT;
  cd_status st = w ? key_weights(g, w) : CD_ERR_NOMEM;
  for (size_t i = 0; i < g->n && !st; i++) {
    gname *m = &g->v[i];
    const char *home = swapped_home(w, m->key, strlen(m->key), &tmp);
    if (!home)
      continue;
    char *k = strdup(home);
    if (!k) {
      st = CD_ERR_NOMEM;
      break;
    }
    free(m->key);
    m->key = k;
  }
  cd_buf_free(&tmp);
  cd_strmap_free(w);
  return st;
}

/* The surname key of a name's key ("lang \t script \t surname key"). */
static const char *surname_key_of(const char *key) {
  const char *t = strchr(key, '\t');
  t = t ? strchr(t + 1, '\t') : NULL;
  return t ? t + 1 : key;
}

static bool is_cyrillic_name(const gname *m) {
  size_t at = 0;
  UErrorCode ec = U_ZERO_ERROR;
  return uscript_getScript(cd_utf8_next(m->surname, strlen(m->surname), &at), &ec) ==
         USCRIPT_CYRILLIC;
}

/* Per Cyrillic surname of the batch, its Ukrainian and Russian romanizations' keys
 * (Гребенюк: hrebeniuk, grebeniuk), both -> the smaller: one name, whichever system a
 * writer followed. */
static cd_status romanization_aliases(cd_names_groups *g, cd_strmap *alias) {
  cd_buf uk = CD_BUF_INIT, ru = CD_BUF_INIT;
  cd_status st = CD_OK;
  for (size_t i = 0; i < g->n && !st; i++) {
    const gname *m = &g->v[i];
    if (!is_cyrillic_name(m))
      continue;
    cd_buf_clear(&uk);
    cd_buf_clear(&ru);
    if (cd_names_key_loose(g->keyer, m->surname, m->stem, "uk", &uk, NULL) ||
        cd_names_key_loose(g->keyer, m->surname, m->stem, "ru", &ru, NULL)) {
      st = CD_ERR_NOMEM;
      break;
    }
    if (uk.len < 3 || ru.len < 3 || (uk.len == ru.len && !memcmp(uk.data, ru.data, uk.len)))
      continue;
    const cd_buf *lo = strcmp(uk.data, ru.data) < 0 ? &uk : &ru;
    const cd_buf *hi = lo == &uk ? &ru : &uk;
    void **v = cd_strmap_slot(alias, hi->data, hi->len, NULL);
    char *c = v && !*v ? strdup(lo->data) : NULL;
    if (!v || (!*v && !c))
      st = CD_ERR_NOMEM;
    else if (!*v)
      *v = c;
  }
  cd_buf_free(&uk);
  cd_buf_free(&ru);
  return st;
}

/* Names whose surname key is the other system's romanization of a Cyrillic surname the
 * batch has take the one key: Hrebeniuk and Grebenyuk in English copy are one spelling
 * question when the batch writes Гребенюк (and two names when it does not). */
static cd_status merge_romanizations(cd_names_groups *g) {
  if (!g->keyer)
    return CD_OK;
  cd_strmap *alias = cd_strmap_new();
  cd_status st = alias ? romanization_aliases(g, alias) : CD_ERR_NOMEM;
  cd_buf k = CD_BUF_INIT;
  for (size_t i = 0; i < g->n && !st; i++) {
    gname *m = &g->v[i];
    const char *sk = surname_key_of(m->key);
    const char *to = cd_strmap_get(alias, sk, strlen(sk));
    if (!to)
      continue;
    cd_buf_clear(&k);
    if (cd_buf_append(&k, m->key, (size_t)(sk - m->key)) || cd_buf_append_str(&k, to)) {
      st = CD_ERR_NOMEM;
      break;
    }
    free(m->key);
    m->key = k.data;
    k = (cd_buf)CD_BUF_INIT;
  }
  cd_buf_free(&k);
  size_t pos = 0, kl;
  const char *key;
  void *v;
  while (alias && cd_strmap_next(alias, &pos, &key, &kl, &v))
    free(v);
  cd_strmap_free(alias);
  return st;
}

cd_status cd_names_groups_resolve(cd_names_groups *g, cd_error *err) {
  cd_status st = merge_romanizations(g);
  if (!st)
    st = merge_transpositions(g);
  if (!st)
    st = collect_givens(g);
  if (!st)
    st = g->intros || (g->intros = cd_strmap_new()) ? collect_intros(g) : CD_ERR_NOMEM;
  for (size_t i = 0; i < g->n && !st; i++) {
    if ((st = group_of(g, &g->v[i])) || !g->v[i].group)
      continue;
    st = count_spelling(g, i, 'S');
    if (!st && g->v[i].given)
      st = count_spelling(g, i, 'G');
  }
  if (!st)
    st = summarize(g);
  cd_strmap *cyr = g->keyer ? cd_strmap_new() : NULL;
  if (!st && g->keyer)
    st = cyr ? cyrillic_forms(g, cyr) : CD_ERR_NOMEM;
  if (!st && cyr)
    st = prefer_house(g, cyr);
  cd_strmap_free(cyr);
  return st ? cd_error_set(err, st, "out of memory") : CD_OK;
}

static const part_best *best_of(cd_names_groups *g, const gname *m, char part) {
  cd_buf_clear(&g->key);
  if (!m->group || cd_buf_appendf(&g->key, "%s\t%c", m->group, part))
    return NULL;
  return cd_strmap_get(g->best, g->key.data, g->key.len);
}

bool cd_names_groups_variant(cd_names_groups *g, size_t index, char part, cd_names_variant *out) {
  const gname *m = &g->v[index];
  const part_best *pb = part == 'G' && !m->given ? NULL : best_of(g, m, part);
  if (!pb || pb->distinct < 2)
    return false;
  out->written = part_of(m, part, &out->written_stem);
  out->best = part_of(&g->v[pb->best->first], part, &out->best_stem);
  out->summary = cd_buf_at(&pb->summary, 0);
  out->spellings = pb->distinct;
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT;
  bool same = !append_letters(&a, out->written, out->written_stem) &&
              !append_letters(&b, out->best, out->best_stem) && a.len == b.len &&
              (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
  cd_buf_free(&a);
  cd_buf_free(&b);
  return !same;
}

bool cd_names_groups_info(cd_names_groups *g, size_t index, cd_names_group_info *out) {
  const gname *m = &g->v[index];
  const part_best *pb = best_of(g, m, 'S');
  if (!pb)
    return false;
  memset(out, 0, sizeof *out);
  out->group = m->group;
  out->surname = part_of(&g->v[pb->best->first], 'S', &out->surname_stem);
  out->surname_spellings = cd_buf_at(&pb->summary, 0);
  out->surname_distinct = pb->distinct;
  const part_best *gb = best_of(g, m, 'G');
  if (gb) {
    out->given = part_of(&g->v[gb->best->first], 'G', &out->given_stem);
    out->given_spellings = cd_buf_at(&gb->summary, 0);
  }
  return true;
}
