/* SPDX-License-Identifier: MIT */
/* The file's charset: the working UTF-8 buffer, offsets back into the original bytes, and
 * replacements encoded for the file (see wire_internal.h).
 *
 * A UTF-8 file is its own working buffer. Any other charset is converted with iconv in chunks;
 * a checkpoint (working offset, raw offset) is kept per chunk, and an offset between two is
 * found by converting the working text since the checkpoint back (exact for the charsets a
 * wire file comes in, where every character has one encoding). Memory: one checkpoint per
 * 4 KB. */
#include "wire_internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CS_CHUNK 4096

typedef struct wire_cp {
  size_t w;
  uint64_t raw;
} wire_cp;

struct wire_cs {
  iconv_t to_file; /* UTF-8 → the file's charset */
  wire_cp *cps;
  size_t ncps, cap;
};

static bool is_utf8_name(const char *cs) {
  return !cs || !*cs || strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0 ||
         strcasecmp(cs, "US-ASCII") == 0 || strcasecmp(cs, "ASCII") == 0;
}

void wire_cs_free(struct wire_cs *cs) {
  if (!cs)
    return;
  if (cs->to_file != (iconv_t)-1)
    iconv_close(cs->to_file);
  free(cs->cps);
  free(cs);
}

static cd_status add_cp(struct wire_cs *cs, size_t w, uint64_t raw) {
  if (cd_grow((void **)&cs->cps, cs->ncps, &cs->cap, sizeof *cs->cps))
    return CD_ERR_NOMEM;
  cs->cps[cs->ncps++] = (wire_cp){w, raw};
  return CD_OK;
}

/* Converts d->raw[d->bom..] into d->w with checkpoints. */
static cd_status convert(cd_wire_doc *d, iconv_t cd, cd_error *err) {
  struct wire_cs *cs = d->cs;
  size_t cap = (d->raw_len - d->bom) * 4 + 16, wl = 0;
  char *w = malloc(cap);
  if (!w)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->w = w;
  char *in = d->raw + d->bom;
  size_t left = d->raw_len - d->bom;
  while (left) {
    if (add_cp(cs, wl, (uint64_t)(in - d->raw)))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    size_t chunk = left < CS_CHUNK ? left : CS_CHUNK, chunk0 = chunk;
    char *out = w + wl;
    size_t room = cap - wl, room0 = room;
    size_t r = iconv(cd, &in, &chunk, &out, &room);
    size_t used = chunk0 - chunk;
    wl += room0 - room;
    if (r == (size_t)-1 && errno == EILSEQ)
      return cd_error_set(err, CD_ERR_INPUT, "%s: byte %llu is not valid %s", d->label,
                          (unsigned long long)(in - d->raw), d->charset);
    if (r == (size_t)-1 && errno == EINVAL && (chunk0 == left || used == 0))
      return cd_error_set(err, CD_ERR_INPUT, "%s: the file ends inside a %s character", d->label,
                          d->charset);
    if (r == (size_t)-1 && errno == E2BIG)
      return cd_error_set(err, CD_ERR_INTERNAL, "%s: conversion from %s overflowed", d->label,
                          d->charset);
    left -= used;
  }
  d->w_len = wl;
  return add_cp(cs, wl, d->raw_len) ? cd_error_set(err, CD_ERR_NOMEM, "out of memory") : CD_OK;
}

cd_status wire_cs_open(cd_wire_doc *d, const char *charset, cd_error *err) {
  const unsigned char *r = (const unsigned char *)d->raw;
  if (d->raw_len >= 3 && r[0] == 0xEF && r[1] == 0xBB && r[2] == 0xBF)
    d->bom = 3, charset = "UTF-8";
  else if (d->raw_len >= 2 && ((r[0] == 0xFF && r[1] == 0xFE) || (r[0] == 0xFE && r[1] == 0xFF)))
    d->bom = 2, charset = r[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
  snprintf(d->charset, sizeof d->charset, "%s", is_utf8_name(charset) ? "UTF-8" : charset);
  if (is_utf8_name(charset)) {
    d->w = d->raw + d->bom;
    d->w_len = d->raw_len - d->bom;
    d->w_is_raw = true;
    if (!cd_utf8_is_valid(d->w, d->w_len))
      return cd_error_set(err, CD_ERR_INPUT, "%s: byte %zu is not valid UTF-8", d->label,
                          d->bom + cd_utf8_valid_prefix(d->w, d->w_len));
    return CD_OK;
  }
  d->cs = calloc(1, sizeof *d->cs);
  if (!d->cs)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->cs->to_file = iconv_open(d->charset, "UTF-8");
  iconv_t from = iconv_open("UTF-8", d->charset);
  if (d->cs->to_file == (iconv_t)-1 || from == (iconv_t)-1) {
    if (from != (iconv_t)-1)
      iconv_close(from);
    return cd_error_set(err, CD_ERR_INPUT, "%s: unknown charset '%s'", d->label, d->charset);
  }
  cd_status st = convert(d, from, err);
  iconv_close(from);
  return st;
}

/* Bytes that working text w[a, b) takes in the file's charset. */
static uint64_t encoded_len(const cd_wire_doc *d, size_t a, size_t b) {
  char tmp[1024];
  char *in = d->w + a;
  size_t left = b - a;
  uint64_t n = 0;
  iconv(d->cs->to_file, NULL, NULL, NULL, NULL);
  while (left) {
    char *out = tmp;
    size_t room = sizeof tmp;
    size_t r = iconv(d->cs->to_file, &in, &left, &out, &room);
    n += sizeof tmp - room;
    if (r == (size_t)-1 && errno != E2BIG)
      break; /* cannot happen for text that came from this charset */
  }
  return n;
}

uint64_t wire_cs_raw_offset(const cd_wire_doc *d, size_t w) {
  if (d->w_is_raw)
    return (uint64_t)w + d->bom;
  const struct wire_cs *cs = d->cs;
  size_t lo = 0, hi = cs->ncps;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (cs->cps[mid].w <= w)
      lo = mid;
    else
      hi = mid;
  }
  return cs->cps[lo].raw + encoded_len(d, cs->cps[lo].w, w);
}

/* Appends one code point (UTF-8 bytes p[0, n)) in the file's charset; false when it has none. */
static bool encode_cp(const cd_wire_doc *d, const char *p, size_t n, cd_buf *out, bool *nomem) {
  if (d->w_is_raw) {
    *nomem = cd_buf_append(out, p, n) != CD_OK;
    return true;
  }
  char tmp[16];
  char *in = (char *)p, *o = tmp;
  size_t left = n, room = sizeof tmp;
  iconv(d->cs->to_file, NULL, NULL, NULL, NULL);
  if (iconv(d->cs->to_file, &in, &left, &o, &room) == (size_t)-1)
    return false;
  *nomem = cd_buf_append(out, tmp, sizeof tmp - room) != CD_OK;
  return true;
}

cd_status wire_cs_encode(const cd_wire_doc *d, const char *s, size_t n, wire_escape esc,
                         cd_buf *out) {
  for (size_t i = 0; i < n;) {
    size_t at = i;
    int32_t c = cd_utf8_next(s, n, &i);
    const char *lit = NULL;
    if (esc == WIRE_ESC_XML)
      lit = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : NULL;
    else if (esc == WIRE_ESC_CDATA && c == '>' && at >= 2 && s[at - 1] == ']' && s[at - 2] == ']')
      lit = "]]><![CDATA[>"; /* "]]>" cannot stand in a CDATA section */
    if (lit) {
      if (esc == WIRE_ESC_CDATA)
        out->len--, out->len--; /* the two ']' go after the split: "]]]]><![CDATA[>" */
      if ((esc == WIRE_ESC_CDATA && cd_buf_append_str(out, "]]")) || cd_buf_append_str(out, lit))
        return CD_ERR_NOMEM;
      continue;
    }
    bool nomem = false;
    if (encode_cp(d, s + at, i - at, out, &nomem)) {
      if (nomem)
        return CD_ERR_NOMEM;
      continue;
    }
    /* not in the file's charset: a character reference (outside CDATA) */
    const char *fmt = esc == WIRE_ESC_CDATA ? "]]>&#x%X;<![CDATA[" : "&#x%X;";
    if (cd_buf_appendf(out, fmt, (unsigned)c))
      return CD_ERR_NOMEM;
  }
  return CD_OK;
}
