/* Protected spans for the typography stage: URLs, e-mail addresses, file paths, `code`.
 *
 * These are recognised by their ASCII shape only (a scheme and "://", "www.", an '@' with a
 * dotted domain, a leading '/' or drive letter); a false positive costs nothing but a missed
 * typographic fix, while a false negative would corrupt an address, so the shapes are
 * generous. Sentence punctuation glued to the end of a URL stays outside the span. */
#include "typography_protect.h"

#include <stdbool.h>
#include <string.h>

static bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(unsigned char c) { return c == ' ' || c == '\t'; }

static void mark(unsigned char *mask, size_t a, size_t b) {
  if (b > a)
    memset(mask + a, CD_TYPO_MASK_PROTECTED, b - a);
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

void cd_typo_protect(const char *s, size_t n, unsigned char *mask) {
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
      if (c == ':' || c == '@' || c == '/' || c == '\\' || c == 'w')
        interesting = true;
      i++;
    }
    if (interesting && i > a)
      protect_token(s, a, i, mask);
  }
}
