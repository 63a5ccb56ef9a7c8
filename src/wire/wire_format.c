/* SPDX-License-Identifier: MIT */
/* Format names, detection from the content, and cd_wire_parse (see cd_wire.h). */
#include "wire_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {"auto", "text", "newsml", "nitf", "html", "ninjs", "anpa"};

bool cd_wire_format_from_name(const char *name, cd_wire_format *out) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0) {
      *out = (cd_wire_format)i;
      return true;
    }
  return false;
}

const char *cd_wire_format_name(cd_wire_format f) {
  return (size_t)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static size_t skip_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    i++;
  return i;
}

static bool at(const char *s, size_t n, size_t i, const char *w) {
  size_t l = strlen(w);
  return i + l <= n && strncasecmp(s + i, w, l) == 0;
}

/* The local name of the first element of an XML-looking document (after the declaration,
 * comments, PIs and the DOCTYPE), into name; false when none is found in the first 64 KB. */
static bool first_element(const char *s, size_t n, size_t i, char name[64]) {
  if (n > 65536)
    n = 65536;
  while ((i = skip_ws(s, n, i)) < n && s[i] == '<') {
    const char *term = at(s, n, i, "<!--") ? "-->"
                       : at(s, n, i, "<?") ? "?>"
                       : at(s, n, i, "<!") ? ">"
                                           : NULL;
    if (term) {
      const char *end = memmem(s + i, n - i, term, strlen(term));
      if (!end)
        return false;
      i = (size_t)(end - s) + strlen(term);
      continue;
    }
    size_t a = i + 1, b = a;
    while (b < n && b - a < 63 && s[b] != ' ' && s[b] != '>' && s[b] != '/' && s[b] != '\t' &&
           s[b] != '\r' && s[b] != '\n')
      b++;
    const char *colon = memchr(s + a, ':', b - a);
    if (colon)
      a = (size_t)(colon - s) + 1;
    memcpy(name, s + a, b - a);
    name[b - a] = '\0';
    return b > a;
  }
  return false;
}

static bool looks_ninjs(const char *s, size_t n) {
  static const char *const keys[] = {"\"body_html\"",        "\"body_text\"", "\"headline\"",
                                     "\"description_text\"", "\"uri\"",       "\"guid\""};
  size_t lim = n < 65536 ? n : 65536;
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    if (memmem(s, lim, keys[k], strlen(keys[k])))
      return true;
  return false;
}

cd_wire_format cd_wire_detect(const char *s, size_t n) {
  size_t i = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  /* ANPA 1312: SYN SYN SOH, or SOH, before the header */
  if (i < n && (s[i] == 0x16 || s[i] == 0x01))
    return CD_WIRE_ANPA;
  /* UTF-16 with a byte-order mark: XML when its first character (after white space) is '<' */
  bool le = n >= 2 && (unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE;
  bool be = n >= 2 && (unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF;
  if (le || be) {
    size_t k = 2;
    while (k + 1 < n && s[k + le] == 0 &&
           (s[k + be] == ' ' || s[k + be] == '\n' || s[k + be] == '\r' || s[k + be] == '\t'))
      k += 2;
    return k + 1 < n && s[k + le] == 0 && s[k + be] == '<' ? CD_WIRE_NEWSML : CD_WIRE_TEXT;
  }
  i = skip_ws(s, n, i);
  if (i < n && s[i] == '{')
    return looks_ninjs(s, n) ? CD_WIRE_NINJS : CD_WIRE_TEXT;
  if (i >= n || s[i] != '<')
    return CD_WIRE_TEXT;
  if (at(s, n, i, "<!DOCTYPE html"))
    return CD_WIRE_HTML;
  char root[64];
  if (!first_element(s, n, i, root))
    return at(s, n, i, "<?xml") ? CD_WIRE_NEWSML : CD_WIRE_TEXT;
  if (strcasecmp(root, "html") == 0)
    return CD_WIRE_HTML;
  if (strcmp(root, "nitf") == 0)
    return CD_WIRE_NITF;
  /* An XML declaration, or a NewsML root: the reader's rules decide (an unknown root is an
   * error there). Text that merely starts with a tag ("<b>Update</b> ...") stays text. */
  static const char *const newsml[] = {"newsMessage", "newsItem", "NewsML", "NewsItem"};
  for (size_t k = 0; k < sizeof newsml / sizeof newsml[0]; k++)
    if (strcmp(root, newsml[k]) == 0)
      return CD_WIRE_NEWSML;
  return at(s, n, i, "<?xml") ? CD_WIRE_NEWSML : CD_WIRE_TEXT;
}

static bool is_xml(const char *s, size_t n) {
  size_t i = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  return at(s, n, i, "<?xml") || (n >= 2 && ((unsigned char)s[0] >= 0xFE));
}

cd_status cd_wire_parse(const cd_wire_options *o, const char *data, size_t len, cd_wire_doc **out,
                        cd_error *err) {
  *out = NULL;
  const char *label = o->label ? o->label : "-";
  if (len > CD_WIRE_MAX_BYTES)
    return cd_error_set(err, CD_ERR_INPUT,
                        "%s: %zu bytes: larger than the %zu a wire file may have", label, len,
                        CD_WIRE_MAX_BYTES);
  cd_wire_format f = o->format == CD_WIRE_AUTO ? cd_wire_detect(data, len) : o->format;
  if (f == CD_WIRE_TEXT)
    return cd_error_set(err, CD_ERR_USAGE, "%s: %s documents are not read yet", label,
                        cd_wire_format_name(f));
  cd_wire_doc *d = calloc(1, sizeof *d);
  if (!d || !(d->raw = malloc(len ? len : 1))) {
    free(d);
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  if (len)
    memcpy(d->raw, data, len);
  d->raw_len = len;
  d->format = f;
  snprintf(d->label, sizeof d->label, "%s", label);
  cd_status st = f == CD_WIRE_ANPA                         ? wire_anpa_read(d, o, err)
                 : f == CD_WIRE_NINJS                      ? wire_ninjs_read(d, o, err)
                 : f == CD_WIRE_HTML && !is_xml(data, len) ? wire_html_read(d, o, err)
                                                           : wire_xml_read(d, o, err);
  if (!st && f == CD_WIRE_HTML)
    d->format = CD_WIRE_HTML;
  if (st) {
    cd_wire_doc_free(d);
    return st;
  }
  if (!d->nj)
    wire_units_finish(d);
  *out = d;
  return CD_OK;
}
