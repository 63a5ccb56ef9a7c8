/* SPDX-License-Identifier: MIT */
/* Protected spans: URLs, e-mail addresses, domain names, file paths, `code`, @handles,
 * #hashtags, placeholders and markup (cd_protect.h).
 *
 * These are recognised by their ASCII shape only (a scheme and "://", "www.", an '@' with a
 * dotted domain, a leading '/' or drive letter); a false positive costs nothing but a missed
 * typographic fix, while a false negative would corrupt an address, so the shapes are
 * generous. Sentence punctuation glued to the end of a URL stays outside the span. */
#include "cd_protect.h"

#include <stdlib.h>

#include <stdbool.h>
#include <string.h>

static bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(unsigned char c) { return c == ' ' || c == '\t'; }

static void mark(unsigned char *mask, size_t a, size_t b) {
  if (b > a)
    memset(mask + a, CD_PROTECTED, b - a);
}

/* The end of a URL-like span starting in a token ending at `end`: trailing sentence
 * punctuation and closing quotes/brackets are prose, not part of the address. */
static size_t trim_end(const char *s, size_t start, size_t end) {
  while (end > start) {
    unsigned char c = (unsigned char)s[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
        c == ']' || c == '}' || c == '"' || c == '\'' || c == '>') {
      end--;
      continue;
    }
    /* » (C2 BB), ” ’ (E2 80 9D / 99), … (E2 80 A6) */
    if (end - start >= 2 && (unsigned char)s[end - 2] == 0xC2 && c == 0xBB) {
      end -= 2;
      continue;
    }
    if (end - start >= 3 && (unsigned char)s[end - 3] == 0xE2 &&
        (unsigned char)s[end - 2] == 0x80 && (c == 0x9D || c == 0x99 || c == 0xA6)) {
      end -= 3;
      continue;
    }
    break;
  }
  return end;
}

static bool starts_with(const char *s, size_t n, const char *lit) {
  size_t l = strlen(lit);
  return n >= l && memcmp(s, lit, l) == 0;
}

static size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* A character of a handle or hashtag: an ASCII letter, digit or '_', or any non-ASCII
 * character (letters of other scripts; the token ends at a space anyway). */
static bool handle_char(const char *p, size_t n) {
  unsigned char c = (unsigned char)p[0];
  if (c >= 0x80)
    return n >= utf8_len(c) && !(c == 0xC2 && n > 1 && (unsigned char)p[1] == 0xBB) &&
           !(c == 0xE2 && n > 2 && (unsigned char)p[1] == 0x80);
  return is_ascii_alnum(c) || c == '_';
}

static bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }

/* A bare domain name: labels of ASCII letters, digits and hyphens, the first of two
 * characters or more, joined by dots, ending in a top-level label of 2-6 lower-case
 * letters (site.tv, example.com.ua, matchtv.ru; not U.S., e.g., 3.5 or "end.The"). */
static bool bare_domain(const char *tok, size_t n) {
  size_t i = 0, label = 0, labels = 0, last = 0;
  bool last_lower = true;
  for (; i <= n; i++) {
    unsigned char c = i < n ? (unsigned char)tok[i] : '.';
    if (is_ascii_alnum(c) || (c == '-' && label > 0)) {
      label++;
      last_lower = last_lower && is_lower(c);
      continue;
    }
    if (c != '.' || label == 0 || (labels == 0 && label < 2))
      return false;
    labels++;
    last = label;
    if (i < n) {
      label = 0;
      last_lower = true;
    }
  }
  return labels >= 2 && last >= 2 && last <= 6 && last_lower;
}

static void protect_token(const char *s, size_t a, size_t b, unsigned char *mask) {
  /* skip opening punctuation: ( [ < " ' « “ ‘ */
  size_t t = a;
  while (t < b) {
    unsigned char c = (unsigned char)s[t];
    if (c == '(' || c == '[' || c == '<' || c == '"' || c == '\'')
      t++;
    else if (c == 0xC2 && t + 1 < b && (unsigned char)s[t + 1] == 0xAB)
      t += 2;
    else if (c == 0xE2 && t + 2 < b && (unsigned char)s[t + 1] == 0x80 &&
             ((unsigned char)s[t + 2] == 0x9C || (unsigned char)s[t + 2] == 0x98 ||
              (unsigned char)s[t + 2] == 0x9E))
      t += 3;
    else
      break;
  }
  const char *tok = s + t;
  size_t n = b - t;
  if (n == 0)
    return;
  /* scheme://... */
  for (size_t i = 0; i + 3 <= n; i++) {
    if (tok[i] == ':' && tok[i + 1] == '/' && tok[i + 2] == '/') {
      size_t st = i;
      while (st > 0 && (is_ascii_alnum((unsigned char)tok[st - 1]) || tok[st - 1] == '+' ||
                        tok[st - 1] == '-' || tok[st - 1] == '.'))
        st--;
      if (st < i) {
        mark(mask, t + st, trim_end(s, t + st, b));
        return;
      }
    }
  }
  if (starts_with(tok, n, "www.") ||
      (n >= 2 && (starts_with(tok, n, "~/") || starts_with(tok, n, "./") ||
                  starts_with(tok, n, "../") || starts_with(tok, n, "\\\\"))) ||
      (n >= 2 && tok[0] == '/' &&
       (is_ascii_alnum((unsigned char)tok[1]) || tok[1] == '.' || tok[1] == '_')) ||
      (n >= 3 && ((tok[0] >= 'A' && tok[0] <= 'Z') || (tok[0] >= 'a' && tok[0] <= 'z')) &&
       tok[1] == ':' && tok[2] == '\\')) {
    mark(mask, t, trim_end(s, t, b));
    return;
  }
  /* e-mail: local@domain.tld */
  const char *at = memchr(tok, '@', n);
  if (at && at > tok) {
    size_t ai = (size_t)(at - tok), ls = ai;
    while (ls > 0 && (is_ascii_alnum((unsigned char)tok[ls - 1]) || tok[ls - 1] == '.' ||
                      tok[ls - 1] == '_' || tok[ls - 1] == '%' || tok[ls - 1] == '+' ||
                      tok[ls - 1] == '\'' || tok[ls - 1] == '-'))
      ls--;
    size_t de = ai + 1;
    bool dot = false;
    while (de < n && (is_ascii_alnum((unsigned char)tok[de]) || tok[de] == '.' || tok[de] == '-')) {
      if (tok[de] == '.' && de + 1 < n && is_ascii_alnum((unsigned char)tok[de + 1]))
        dot = true;
      de++;
    }
    if (ls < ai && dot) {
      mark(mask, t + ls, trim_end(s, t + ls, t + de));
      return;
    }
  }
  /* @handle, #hashtag (any letters: #Україна), #PLACEHOLDER# */
  if ((tok[0] == '@' || tok[0] == '#') && n >= 2 && handle_char(tok + 1, n - 1)) {
    size_t e = 1;
    while (e < n && (handle_char(tok + e, n - e) ||
                     (tok[e] == '-' && e + 1 < n && handle_char(tok + e + 1, n - e - 1))))
      e += utf8_len((unsigned char)tok[e]);
    if (tok[0] == '#' && e < n && tok[e] == '#')
      e++;
    mark(mask, t, t + e);
    return;
  }
  if (bare_domain(tok, trim_end(s, t, b) - t)) {
    mark(mask, t, trim_end(s, t, b));
    return;
  }
  /* domain.tld/path without a scheme */
  const char *slash = memchr(tok, '/', n);
  if (slash && slash > tok) {
    size_t si = (size_t)(slash - tok);
    for (size_t i = 1; i + 1 < si; i++)
      if (tok[i] == '.' && is_ascii_alnum((unsigned char)tok[i - 1]) &&
          ((tok[i + 1] >= 'a' && tok[i + 1] <= 'z') || (tok[i + 1] >= 'A' && tok[i + 1] <= 'Z'))) {
        mark(mask, t, trim_end(s, t, b));
        return;
      }
  }
}

/* The end (exclusive) of a placeholder or tag starting at s[a], or 0: {{name}}, [[link]],
 * [PERSON5] and [first_name] (capitals and digits, or an underscore, in brackets), {name}
 * and ${city} (an identifier in braces), <b> </p> <br/> (a tag name after '<'), %s %d %1$s
 * and %(name)s (printf and Python conversions). An editor's [Spain] is prose. */
static size_t placeholder_end(const char *s, size_t n, size_t a) {
  const char *close = NULL;
  if (a + 1 < n && ((s[a] == '{' && s[a + 1] == '{') || (s[a] == '[' && s[a + 1] == '['))) {
    const char *want = s[a] == '{' ? "}}" : "]]";
    for (size_t i = a + 2; i + 1 < n; i++)
      if (s[i] == want[0] && s[i + 1] == want[1])
        return i + 2;
    return 0;
  }
  if (s[a] == '[' || (s[a] == '{') || (s[a] == '$' && a + 1 < n && s[a + 1] == '{')) {
    /* [PERSON5], [first_name], {name}, ${city}: an identifier in brackets (capitals and
     * digits, or with an underscore; any identifier in braces) */
    size_t i = a + 1 + (s[a] == '$');
    char close = s[a] == '[' ? ']' : '}';
    bool lower = false, under = false;
    while (i < n && (is_ascii_alnum((unsigned char)s[i]) || s[i] == '_' ||
                     ((unsigned char)s[i] >= 0x80 && close == '}') ||
                     ((unsigned char)s[i] >= 0x80 && under))) {
      lower |= s[i] >= 'a' && s[i] <= 'z';
      under |= s[i] == '_';
      i++;
    }
    bool ident = close == '}' || under || !lower;
    return ident && i > a + 1 + (s[a] == '$') && i < n && s[i] == close ? i + 1 : 0;
  }
  if (s[a] == '%' && a + 1 < n && s[a + 1] == '(') {
    const char *e = memchr(s + a + 2, ')', n - a - 2);
    size_t i = e ? (size_t)(e - s) + 1 : 0;
    return e && !memchr(s + a, ' ', i - a) && i < n && strchr("sdifr", s[i]) && s[i] ? i + 1 : 0;
  }
  if (s[a] == '<') {
    size_t i = a + 1 + (a + 1 < n && s[a + 1] == '/');
    if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
      return 0;
    close = memchr(s + i, '>', n - i);
    return close && !memchr(s + i, '<', (size_t)(close - s) - i) ? (size_t)(close - s) + 1 : 0;
  }
  if (s[a] == '%' && a + 1 < n) {
    size_t i = a + 1;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      i++;
    if (i > a + 1 && i < n && s[i] == '$')
      i++;
    return i < n && strchr("sdiufxc", s[i]) && s[i] &&
                   (i + 1 >= n || !is_ascii_alnum((unsigned char)s[i + 1]))
               ? i + 1
               : 0;
  }
  return 0;
}

bool cd_protect_overlaps(const char *s, size_t n, size_t a, size_t b) {
  if (n == 0 || a >= b)
    return false;
  unsigned char stack[512];
  unsigned char *mask = n <= sizeof stack ? stack : calloc(n, 1);
  if (!mask)
    return true; /* out of memory: the safe answer leaves the text alone */
  if (mask == stack)
    memset(mask, 0, n);
  cd_protect_spans(s, n, mask);
  bool hit = false;
  for (size_t i = a; i < b && i < n && !hit; i++)
    hit = mask[i] == CD_PROTECTED;
  if (mask != stack)
    free(mask);
  return hit;
}

void cd_protect_spans(const char *s, size_t n, unsigned char *mask) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c != '{' && c != '[' && c != '<' && c != '%' && c != '$')
      continue;
    size_t e = placeholder_end(s, n, i);
    if (e) {
      mark(mask, i, e);
      i = e - 1;
    }
  }
  /* `code` spans, paired within the line */
  const char *p = memchr(s, '`', n);
  while (p) {
    size_t a = (size_t)(p - s);
    const char *q = memchr(s + a + 1, '`', n - a - 1);
    if (!q)
      break;
    size_t b = (size_t)(q - s) + 1;
    mark(mask, a, b);
    p = b < n ? memchr(s + b, '`', n - b) : NULL;
  }
  /* whitespace-separated tokens that look like addresses */
  size_t i = 0;
  while (i < n) {
    while (i < n && is_space((unsigned char)s[i]))
      i++;
    size_t a = i;
    bool interesting = false;
    while (i < n && !is_space((unsigned char)s[i])) {
      char c = s[i];
      if (c == ':' || c == '@' || c == '/' || c == '\\' || c == 'w' || c == '#' || c == '.')
        interesting = true;
      i++;
    }
    if (interesting && i > a)
      protect_token(s, a, i, mask);
  }
}
