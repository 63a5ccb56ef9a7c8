/* SPDX-License-Identifier: MIT */
/* The prose rules of the XML wire formats: data_dir/wire/xml.tsv (format in that file). */
#include "cd_lines.h"
#include "wire_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_NS, K_ROOT, K_ELEM, K_LANG } line_kind;

typedef struct wire_rule {
  line_kind kind;
  rule_kind elem; /* for K_ELEM */
  char *vocab, *name, *value;
} wire_rule;

struct wire_rules {
  wire_rule *v;
  size_t n, cap;
};

static const struct {
  const char *word;
  line_kind kind;
  rule_kind elem;
} kinds[] = {{"ns", K_NS, RULE_NONE},           {"root", K_ROOT, RULE_NONE},
             {"unit", K_ELEM, RULE_UNIT},       {"context", K_ELEM, RULE_CONTEXT},
             {"skip", K_ELEM, RULE_SKIP},       {"break", K_ELEM, RULE_BREAK},
             {"content", K_ELEM, RULE_CONTENT}, {"lang", K_LANG, RULE_NONE}};

void wire_rules_free(wire_rules *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    free(r->v[i].vocab);
    free(r->v[i].name);
    free(r->v[i].value);
  }
  free(r->v);
  free(r);
}

/* Splits line into four TAB-separated fields (in place); false when there are not four. */
static bool fields4(char *line, char *f[4]) {
  for (int i = 0; i < 4; i++) {
    f[i] = line;
    char *tab = strchr(line, '\t');
    if (i < 3 && !tab)
      return false;
    if (i == 3 && tab)
      return false;
    if (tab) {
      *tab = '\0';
      line = tab + 1;
    }
  }
  return true;
}

static cd_status add_rule(wire_rules *r, char *f[4], cd_error *why) {
  size_t k = 0;
  while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].word, f[0]) != 0)
    k++;
  if (k == sizeof kinds / sizeof kinds[0] || !*f[1] || !*f[2] || !*f[3])
    return cd_error_set(why, CD_ERR_DATA, "unknown kind '%s' or empty field", f[0]);
  if (CD_GROW(r->v, r->n, r->cap))
    return CD_ERR_NOMEM;
  wire_rule *w = &r->v[r->n];
  w->kind = kinds[k].kind;
  w->elem = kinds[k].elem;
  w->vocab = strdup(f[1]);
  w->name = strdup(f[2]);
  w->value = strdup(f[3]);
  r->n++;
  if (!w->vocab || !w->name || !w->value)
    return CD_ERR_NOMEM;
  return CD_OK;
}

static cd_status rule_line(void *ud, char *line, size_t len, cd_error *why) {
  (void)len;
  char *f[4];
  if (!fields4(line, f))
    return cd_error_set(why, CD_ERR_DATA, "expected 4 TAB-separated fields");
  return add_rule(ud, f, why);
}

cd_status wire_rules_load(const char *data_dir, wire_rules **out, cd_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/wire/xml.tsv", data_dir ? data_dir : ".");
  wire_rules *r = calloc(1, sizeof *r);
  if (!r)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status st = cd_lines_each(path, rule_line, r, err);
  if (st) {
    wire_rules_free(r);
    return st;
  }
  *out = r;
  return CD_OK;
}

const char *wire_rules_vocab(const wire_rules *r, const char *ns_uri) {
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].kind == K_NS && strcmp(r->v[i].name, ns_uri) == 0)
      return r->v[i].vocab;
  return NULL;
}

bool wire_rules_root(const wire_rules *r, const char *vocab, const char *local, cd_wire_format *fmt,
                     const char **nons_vocab) {
  for (size_t i = 0; i < r->n; i++) {
    const wire_rule *w = &r->v[i];
    if (w->kind != K_ROOT || strcmp(w->name, local) != 0 || (vocab && strcmp(vocab, w->vocab)))
      continue;
    if (!cd_wire_format_from_name(w->value, fmt))
      continue;
    *nons_vocab = w->vocab;
    return true;
  }
  return false;
}

/* class (an element's class attribute, or NULL) holds the token t[0, n). */
static bool has_class(const char *class, const char *t, size_t n) {
  for (const char *p = class; p && *p;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    size_t k = strcspn(p, " \t\n\r");
    if (k == n && memcmp(p, t, n) == 0)
      return true;
    p += k;
  }
  return false;
}

/* A rule's element, "name" or "name.class", matches local (with class), qualified only when
 * wanted. */
static bool elem_matches(const char *rule, const char *local, const char *class, bool qualified) {
  const char *dot = strchr(rule, '.');
  if (!dot)
    return !qualified && strcmp(rule, local) == 0;
  size_t n = (size_t)(dot - rule);
  return qualified && strlen(local) == n && memcmp(rule, local, n) == 0 &&
         has_class(class, dot + 1, strlen(dot + 1));
}

rule_kind wire_rules_element(const wire_rules *r, const char *vocab, const char *local,
                             const char *class, const char **value) {
  if (!vocab)
    return RULE_NONE;
  for (int qualified = 1; qualified >= 0; qualified--) /* "section.notes" before "section" */
    for (size_t i = 0; i < r->n; i++) {
      const wire_rule *w = &r->v[i];
      if (w->kind == K_ELEM && strcmp(w->vocab, vocab) == 0 &&
          elem_matches(w->name, local, class, qualified)) {
        *value = w->value;
        return w->elem;
      }
    }
  return RULE_NONE;
}

const char *wire_rules_lang_attr(const wire_rules *r, const char *vocab, const char *local) {
  if (!vocab)
    return NULL;
  for (size_t i = 0; i < r->n; i++) {
    const wire_rule *w = &r->v[i];
    if (w->kind == K_LANG && strcmp(w->vocab, vocab) == 0 && strcmp(w->name, local) == 0)
      return w->value;
  }
  return NULL;
}
