/* SPDX-License-Identifier: MIT */
/* Word stems through hunspell: a dictionary per language, found in the hunspell directory
 * and loaded on first use (the Ukrainian one alone is 8 MB, so a run that stems no
 * Ukrainian word never reads it). */
#include "cd_stem.h"

#include <dirent.h>
#include <hunspell/hunspell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cd_strmap.h"

/* Longer words are not words hunspell knows (its limit is about 100 code points). */
#define STEM_MAX_BYTES 256
/* Words are Zipf-distributed, so a cache of recent words answers most calls; it is emptied
 * when it holds this many, which bounds its memory on a stream of any length. */
#define STEM_CACHE_MAX 65536

typedef struct cached_stems {
  size_t count, len; /* stems, bytes of data */
  char data[];       /* the stems, each followed by a NUL */
} cached_stems;

typedef struct lang_dict {
  Hunhandle *h;   /* NULL: no usable dictionary */
  cd_status st;   /* why not, when it exists but failed */
  char file[512]; /* the .dic path, for messages */
} lang_dict;

struct cd_stemmer {
  char *dir;
  cd_strmap *dicts; /* primary language subtag → lang_dict* */
  cd_strmap *cache; /* "lang\tword" → cached_stems* */
  cd_buf word;      /* NUL-terminated copy of the word for hunspell; the cache key */
};

void cd_stem_options_init(cd_stem_options *o) {
  memset(o, 0, sizeof *o);
  o->hunspell_dir = "/usr/share/hunspell";
}

cd_status cd_stemmer_new(const cd_stem_options *o, cd_stemmer **out, cd_error *err) {
  cd_stemmer *s = calloc(1, sizeof *s);
  const char *dir = o && o->hunspell_dir ? o->hunspell_dir : "/usr/share/hunspell";
  if (s) {
    s->dir = strdup(dir);
    s->dicts = cd_strmap_new();
    s->cache = cd_strmap_new();
  }
  if (!s || !s->dir || !s->dicts || !s->cache) {
    cd_stemmer_free(s);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  *out = s;
  return CD_OK;
}

static void free_cache(cd_strmap *m) {
  size_t pos = 0;
  const char *k;
  size_t kl;
  void *v;
  while (m && cd_strmap_next(m, &pos, &k, &kl, &v))
    free(v);
  cd_strmap_free(m);
}

void cd_stemmer_free(cd_stemmer *s) {
  if (!s)
    return;
  free_cache(s->cache);
  size_t pos = 0;
  const char *k;
  size_t kl;
  void *v;
  while (s->dicts && cd_strmap_next(s->dicts, &pos, &k, &kl, &v)) {
    lang_dict *d = v;
    if (d && d->h)
      Hunspell_destroy(d->h);
    free(d);
  }
  cd_strmap_free(s->dicts);
  cd_buf_free(&s->word);
  free(s->dir);
  free(s);
}

/* The primary subtag, lower case ASCII letters only (it becomes part of a file name);
 * false for anything else. */
static bool primary_subtag(const char *lang, char out[9]) {
  size_t k = 0;
  for (; lang && lang[k] && lang[k] != '-' && lang[k] != '_'; k++) {
    char ch = lang[k];
    if (k == 8 || !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
      return false;
    out[k] = (char)(ch | 0x20);
  }
  out[k] = '\0';
  return k >= 2;
}

static bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether dir/base.dic and dir/base.aff both exist; fills dic with the .dic path. */
static bool dict_pair(const char *dir, const char *base, char *dic, size_t cap) {
  char aff[sizeof((lang_dict *)0)->file];
  int a = snprintf(aff, sizeof aff, "%s/%s.aff", dir, base);
  int d = snprintf(dic, cap, "%s/%s.dic", dir, base);
  return a > 0 && (size_t)a < sizeof aff && d > 0 && (size_t)d < cap && file_exists(aff) &&
         file_exists(dic);
}

/* The first LANG_*.dic of the directory in name order (uk_UA, en_US), as a base name. */
static bool first_regional(const char *dir, const char *lang, char *base, size_t cap) {
  DIR *dp = opendir(dir);
  if (!dp)
    return false;
  size_t ll = strlen(lang);
  bool found = false;
  struct dirent *e;
  while ((e = readdir(dp))) {
    size_t n = strlen(e->d_name);
    if (n <= ll + 5 || memcmp(e->d_name, lang, ll) != 0 || e->d_name[ll] != '_' ||
        strcmp(e->d_name + n - 4, ".dic") != 0 || n - 4 >= cap)
      continue;
    if (found && strncmp(e->d_name, base, n - 4) >= 0)
      continue;
    memcpy(base, e->d_name, n - 4);
    base[n - 4] = '\0';
    found = true;
  }
  closedir(dp);
  return found;
}

/* Finds lang's dictionary: LANG, LANG_LANG, then the first LANG_*. */
static bool find_dict(const char *dir, const char *lang, char *dic, size_t cap) {
  char base[256];
  snprintf(base, sizeof base, "%s", lang);
  if (dict_pair(dir, base, dic, cap))
    return true;
  size_t n = strlen(lang);
  snprintf(base, sizeof base, "%s_", lang);
  for (size_t i = 0; i < n; i++)
    base[n + 1 + i] = (char)(lang[i] & ~0x20);
  base[2 * n + 1] = '\0';
  if (dict_pair(dir, base, dic, cap))
    return true;
  return first_regional(dir, lang, base, sizeof base) && dict_pair(dir, base, dic, cap);
}

static void load_dict(const char *dir, const char *lang, lang_dict *d) {
  if (!find_dict(dir, lang, d->file, sizeof d->file))
    return;
  char aff[sizeof d->file];
  size_t n = strlen(d->file);
  snprintf(aff, sizeof aff, "%.*s.aff", (int)(n - 4), d->file);
  d->h = Hunspell_create(aff, d->file);
  /* the stems are compared with UTF-8 text: another encoding would compare wrong */
  const char *enc = d->h ? Hunspell_get_dic_encoding(d->h) : NULL;
  if (!d->h || !enc || strcmp(enc, "UTF-8") != 0) {
    if (d->h)
      Hunspell_destroy(d->h);
    d->h = NULL;
    d->st = CD_ERR_DATA;
  }
}

/* The dictionary record of lang, loading it on first use; NULL only when out of memory. */
static lang_dict *get_dict(cd_stemmer *s, const char *lang) {
  bool ins;
  void **slot = cd_strmap_slot(s->dicts, lang, strlen(lang), &ins);
  if (!slot)
    return NULL;
  if (!*slot) {
    lang_dict *d = calloc(1, sizeof *d);
    if (!d)
      return NULL;
    *slot = d;
    load_dict(s->dir, lang, d);
  }
  return *slot;
}

bool cd_stem_has_dict(cd_stemmer *s, const char *lang) {
  char primary[9];
  if (!primary_subtag(lang, primary))
    return false;
  lang_dict *d = get_dict(s, primary);
  return d && d->h;
}

/* Stems of the NUL-terminated word with hunspell, as a cache entry; NULL when out of memory. */
static cached_stems *run_hunspell(Hunhandle *h, const char *word) {
  char **list = NULL;
  int ns = Hunspell_stem(h, &list, word);
  size_t len = 0;
  for (int i = 0; i < ns; i++)
    len += strlen(list[i]) + 1;
  cached_stems *e = malloc(sizeof *e + len + 1);
  if (e) {
    e->count = ns > 0 ? (size_t)ns : 0;
    e->len = 0;
    for (int i = 0; i < ns; i++) {
      size_t l = strlen(list[i]) + 1;
      memcpy(e->data + e->len, list[i], l);
      e->len += l;
    }
  }
  if (list)
    Hunspell_free_list(h, &list, ns);
  return e;
}

/* The cached stems of lang\tword (the key in s->word), computing them on a miss. */
static cached_stems *cached(cd_stemmer *s, Hunhandle *h, size_t word_off) {
  cached_stems *e = cd_strmap_get(s->cache, s->word.data, s->word.len);
  if (e)
    return e;
  if (cd_strmap_count(s->cache) >= STEM_CACHE_MAX) {
    free_cache(s->cache);
    s->cache = cd_strmap_new();
    if (!s->cache)
      return NULL;
  }
  e = run_hunspell(h, s->word.data + word_off);
  void **slot = e ? cd_strmap_slot(s->cache, s->word.data, s->word.len, NULL) : NULL;
  if (!slot) {
    free(e);
    return NULL;
  }
  *slot = e;
  return e;
}

cd_status cd_stem_word(cd_stemmer *s, const char *lang, const char *w, size_t n, cd_buf *out,
                       size_t *count, cd_error *err) {
  *count = 0;
  char primary[9];
  if (n == 0 || n > STEM_MAX_BYTES || memchr(w, '\0', n) || !primary_subtag(lang, primary))
    return CD_OK;
  lang_dict *d = get_dict(s, primary);
  if (!d)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  if (d->st)
    return cd_error_set(err, d->st, "%s: cannot load the hunspell dictionary (UTF-8 needed)",
                        d->file);
  if (!d->h)
    return CD_OK;
  cd_buf_clear(&s->word);
  size_t off = strlen(primary) + 1;
  if (cd_buf_appendf(&s->word, "%s\t", primary) || cd_buf_append(&s->word, w, n))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cached_stems *e = cached(s, d->h, off);
  if (!e || cd_buf_append(out, e->data, e->len))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  *count = e->count;
  return CD_OK;
}
