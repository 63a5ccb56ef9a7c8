/* SPDX-License-Identifier: MIT */
/* Stage 1, decode: raw bytes to well-formed UTF-8 through glibc iconv, charset detected by
 * BOM, UTF-8 validation and uchardet: a BOM is certain, valid UTF-8 almost never happens by
 * accident in another charset, and uchardet guesses the rest (trusted as map_uchardet says). */
#include "cd_decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>

typedef enum { K_UTF8, K_UTF16LE, K_UTF16BE, K_UTF32LE, K_UTF32BE, K_ASCII_COMPAT } cd_kind;

struct cd_decoder {
  char charset[32];
  char label[256];
  bool convert, strict, detected;
  bool line_fallback; /* UTF-8 was detected, not declared: legacy lines may be rescued */
  cd_kind kind;
  iconv_t ic;
  cd_buf pending;   /* raw bytes not yet decoded; pending[0] is at in_pos */
  uint64_t in_pos;  /* raw offset of pending[0] */
  uint64_t out_pos; /* bytes of UTF-8 emitted so far */
  uint64_t invalid;
};

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* ---- detection --------------------------------------------------------------------------- */

static bool has_prefix(const char *s, size_t len, const char *p, size_t plen) {
  return len >= plen && memcmp(s, p, plen) == 0;
}

/* A valid UTF-8 sample, allowing a sequence cut by the end of a partial sample. */
static bool looks_utf8(const char *s, size_t len, bool is_all) {
  size_t vp = cd_utf8_valid_prefix(s, len);
  if (vp == len)
    return true;
  if (is_all || len - vp >= 4)
    return false;
  size_t i = vp;
  cd_utf8_next(s, len, &i);
  return i == len; /* the only fault is a sequence cut at the end */
}

/* BOM-less UTF-16 is common from Windows tools and uchardet misses it: ASCII-range text
 * in UTF-16 has a zero byte in every other position. */
static const char *sniff_utf16(const char *s, size_t len) {
  size_t n = len < 8192 ? len : 8192;
  n &= ~(size_t)1;
  if (n < 8)
    return NULL;
  size_t zeros_even = 0, zeros_odd = 0, half = n / 2;
  for (size_t i = 0; i < n; i += 2) {
    zeros_even += s[i] == 0;
    zeros_odd += s[i + 1] == 0;
  }
  if (zeros_odd * 10 >= half * 3 && zeros_even * 20 < half)
    return "UTF-16LE";
  if (zeros_even * 10 >= half * 3 && zeros_odd * 20 < half)
    return "UTF-16BE";
  return NULL;
}

/* The list's own spelling of name (a string literal that outlives uchardet), or NULL. */
static const char *name_in(const char *name, const char *const *list) {
  for (; *list; list++)
    if (strcasecmp(name, *list) == 0)
      return *list;
  return NULL;
}

/* uchardet's answer mapped onto what we trust, as measured on news copy: Cyrillic, Greek and CJK
 * answers were reliable; Latin answers for short text were not (WINDOWS-1250,
 * MAC-CENTRALEUROPE for cp1252), and ISO-8859-1 hides cp1252 punctuation in C1 controls, so
 * every Latin answer becomes WINDOWS-1252. KOI8-U is reported as KOI8-R. */
static const char *map_uchardet(const char *name) {
  static const char *const trusted[] = {
      "WINDOWS-1251", "ISO-8859-5",   "IBM866",       "IBM855",       "MAC-CYRILLIC",
      "KOI8-U",       "ISO-8859-7",   "WINDOWS-1253", "SHIFT_JIS",    "EUC-JP",
      "ISO-2022-JP",  "GB18030",      "BIG5",         "EUC-KR",       "UHC",
      "EUC-TW",       "WINDOWS-1255", "ISO-8859-8",   "WINDOWS-1256", NULL};
  if (!name || !*name)
    return "WINDOWS-1252";
  if (strcasecmp(name, "KOI8-R") == 0)
    return "KOI8-U";
  if (strcasecmp(name, "UTF-8") == 0)
    return "UTF-8";
  const char *known = name_in(name, trusted);
  return known ? known : "WINDOWS-1252";
}

const char *cd_detect_charset(const char *s, size_t len, bool is_all) {
  if (has_prefix(s, len, "\xEF\xBB\xBF", 3))
    return "UTF-8";
  if (has_prefix(s, len, "\xFF\xFE\x00\x00", 4))
    return "UTF-32LE";
  if (has_prefix(s, len, "\x00\x00\xFE\xFF", 4))
    return "UTF-32BE";
  if (has_prefix(s, len, "\xFF\xFE", 2))
    return "UTF-16LE";
  if (has_prefix(s, len, "\xFE\xFF", 2))
    return "UTF-16BE";
  const char *u16 = sniff_utf16(s, len);
  if (u16)
    return u16;
  if (looks_utf8(s, len, is_all))
    return "UTF-8";
  uchardet_t h = uchardet_new();
  if (!h)
    return "WINDOWS-1252";
  const char *answer = "WINDOWS-1252";
  if (uchardet_handle_data(h, s, len) == 0) {
    uchardet_data_end(h);
    answer = map_uchardet(uchardet_get_charset(h));
  }
  uchardet_delete(h);
  return answer;
}

/* ---- decoder ----------------------------------------------------------------------------- */

static cd_kind kind_of(const char *cs) {
  if (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0)
    return K_UTF8;
  if (strcasecmp(cs, "UTF-16LE") == 0)
    return K_UTF16LE;
  if (strcasecmp(cs, "UTF-16BE") == 0 || strcasecmp(cs, "UTF-16") == 0)
    return K_UTF16BE; /* plain UTF-16 without BOM is big-endian; a BOM overrides below */
  if (strcasecmp(cs, "UTF-32LE") == 0)
    return K_UTF32LE;
  if (strcasecmp(cs, "UTF-32BE") == 0 || strcasecmp(cs, "UTF-32") == 0)
    return K_UTF32BE;
  return K_ASCII_COMPAT;
}

static const char *kind_name(cd_kind k) {
  switch (k) {
  case K_UTF16LE: return "UTF-16LE";
  case K_UTF16BE: return "UTF-16BE";
  case K_UTF32LE: return "UTF-32LE";
  case K_UTF32BE: return "UTF-32BE";
  default: return "UTF-8";
  }
}

static cd_status set_charset(cd_decoder *d, const char *cs, cd_error *err) {
  if (d->ic != (iconv_t)-1) {
    iconv_close(d->ic);
    d->ic = (iconv_t)-1;
  }
  d->kind = kind_of(cs);
  const char *name = d->kind == K_ASCII_COMPAT ? cs : kind_name(d->kind);
  snprintf(d->charset, sizeof d->charset, "%s", name);
  if (d->kind != K_UTF8) {
    d->ic = iconv_open("UTF-8", d->charset);
    if (d->ic == (iconv_t)-1)
      return cd_error_set(err, CD_ERR_USAGE, "%s: unknown charset '%s'", d->label, cs);
  }
  d->detected = true;
  return CD_OK;
}

cd_status cd_decoder_new(const char *from, bool convert, bool strict, const char *label,
                         cd_decoder **out, cd_error *err) {
  cd_decoder *d = calloc(1, sizeof *d);
  if (!d)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  d->ic = (iconv_t)-1;
  d->convert = convert;
  d->strict = strict;
  snprintf(d->label, sizeof d->label, "%s", label ? label : "-");
  snprintf(d->charset, sizeof d->charset, "UTF-8");
  if (!convert) {
    d->kind = K_UTF8;
    d->detected = true;
  } else if (from) {
    cd_status st = set_charset(d, from, err);
    if (st) {
      cd_decoder_free(d);
      return st;
    }
  }
  *out = d;
  return CD_OK;
}

void cd_decoder_free(cd_decoder *d) {
  if (!d)
    return;
  if (d->ic != (iconv_t)-1)
    iconv_close(d->ic);
  cd_buf_free(&d->pending);
  free(d);
}

cd_status cd_decoder_detect(cd_decoder *d, const char *prefix, size_t len, bool is_all,
                            cd_error *err) {
  if (d->detected)
    return CD_OK;
  cd_status st = set_charset(d, cd_detect_charset(prefix, len, is_all), err);
  d->line_fallback = !st && d->kind == K_UTF8;
  return st;
}

const char *cd_decoder_charset(const cd_decoder *d) { return d->charset; }
uint64_t cd_decoder_invalid_count(const cd_decoder *d) { return d->invalid; }

typedef struct emit_ctx {
  cd_decoder *d;
  cd_buf *out;
  cd_change_fn change;
  void *ud;
  cd_error *err;
} emit_ctx;

/* Records raw[0, raw_len) at raw offset in_off becoming out[out_start, end). */
static cd_status emit(emit_ctx *e, const char *rule, uint64_t in_off, const char *raw,
                      size_t raw_len, size_t out_start, double conf) {
  cd_decoder *d = e->d;
  size_t out_len = e->out->len - out_start;
  if (e->change) {
    cd_change c = {.file = d->label,
                   .stage = "decode",
                   .rule = rule,
                   .in_start = in_off,
                   .in_end = in_off + raw_len,
                   .out_start = d->out_pos,
                   .out_end = d->out_pos + out_len,
                   .before = raw,
                   .before_len = raw_len,
                   .before_is_raw = true,
                   .after = cd_buf_at(e->out, out_start),
                   .after_len = out_len,
                   .confidence = conf};
    cd_status st = e->change(e->ud, &c, e->err);
    if (st)
      return st;
  }
  d->out_pos += out_len;
  return CD_OK;
}

static cd_status copy_plain(emit_ctx *e, const char *p, size_t n) {
  cd_status st = cd_buf_append(e->out, p, n);
  if (st)
    return cd_error_set(e->err, st, "out of memory");
  e->d->out_pos += n;
  return CD_OK;
}

static cd_status invalid(emit_ctx *e, uint64_t in_off, const char *raw, size_t n,
                         const char *what) {
  cd_decoder *d = e->d;
  if (d->strict) {
    char hex[16] = "";
    for (size_t i = 0; i < n && i < 4; i++)
      snprintf(hex + 2 * i, 3, "%02X", (unsigned char)raw[i]);
    return cd_error_set(e->err, CD_ERR_INPUT, "%s: byte %llu: invalid %s sequence (0x%s)", d->label,
                        (unsigned long long)in_off, what, hex);
  }
  d->invalid++;
  size_t start = e->out->len;
  if (cd_buf_append(e->out, REPLACEMENT, 3))
    return cd_error_set(e->err, CD_ERR_NOMEM, "out of memory");
  return emit(e, "decode.invalid", in_off, raw, n, start, 1.0);
}

static cd_status convert_run(emit_ctx *e, iconv_t ic, const char *rule, uint64_t in_off,
                             const char *raw, size_t n, bool eof, size_t unit, size_t *used);

/* A line of a UTF-8 document that holds no well-formed multi-byte sequence but does hold
 * bytes above 0x7F was pasted in a legacy charset (wire files get concatenated): decode it
 * with the charset uchardet sees in that line, instead of turning every letter into U+FFFD.
 * Lines that mix well-formed UTF-8 with bad bytes are damage: their bad bytes are replaced. */
static bool legacy_line(const char *s, size_t n) {
  size_t i = 0;
  bool high = false;
  while (i < n) {
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    high = true;
    if (cd_utf8_next(s, n, &i) >= 0)
      return false;
  }
  return high;
}

static cd_status decode_legacy_line(emit_ctx *e, const char *s, size_t n, uint64_t base) {
  cd_decoder *d = e->d;
  const char *cs = cd_detect_charset(s, n, true);
  if (strcasecmp(cs, "UTF-8") == 0 || kind_of(cs) != K_ASCII_COMPAT)
    cs = "WINDOWS-1252";
  iconv_t ic = iconv_open("UTF-8", cs);
  if (ic == (iconv_t)-1)
    return cd_error_set(e->err, CD_ERR_INTERNAL, "%s: iconv cannot open %s", d->label, cs);
  char rule[48];
  snprintf(rule, sizeof rule, "decode.line-%s", cs);
  for (char *p = rule; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  cd_status st = CD_OK;
  size_t i = 0;
  while (i < n && !st) {
    size_t j = i;
    while (j < n && (unsigned char)s[j] < 0x80)
      j++;
    st = copy_plain(e, s + i, j - i);
    i = j;
    while (j < n && (unsigned char)s[j] >= 0x80)
      j++;
    if (!st && j > i) {
      size_t got;
      st = convert_run(e, ic, rule, base + i, s + i, j - i, true, 1, &got);
    }
    i = j;
  }
  iconv_close(ic);
  return st;
}

/* UTF-8 input, a line at a time: well-formed lines are copied, a legacy-charset line is
 * decoded as such (only when the charset was detected, not given), ill-formed subparts of
 * other lines become U+FFFD. A line without its end waits for more input (up to 1 MiB). */
static cd_status feed_utf8(emit_ctx *e, const char *s, size_t len, bool eof, size_t *used) {
  cd_decoder *d = e->d;
  size_t i = 0;
  if (d->in_pos == 0 && d->convert && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    cd_status st = emit(e, "decode.bom", 0, s, 3, e->out->len, 1.0);
    if (st)
      return st;
    i = 3;
  } else if (d->in_pos == 0 && d->convert && len < 3 && !eof &&
             memcmp(s, "\xEF\xBB\xBF", len) == 0) {
    *used = 0; /* maybe a BOM cut by the read; wait for more */
    return CD_OK;
  }
  while (i < len) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - s) + 1 : len;
    bool whole = nl || eof;
    if (!whole && len - i < (1u << 20))
      break; /* wait for the end of the line */
    size_t n = end - i;
    size_t run = cd_utf8_valid_prefix(s + i, n);
    if (run == n) {
      cd_status st = copy_plain(e, s + i, n);
      if (st)
        return st;
      i = end;
      continue;
    }
    if (whole && d->line_fallback && !d->strict && legacy_line(s + i, n)) {
      cd_status st = decode_legacy_line(e, s + i, n, d->in_pos + i);
      if (st)
        return st;
      i = end;
      continue;
    }
    while (i < end) {
      run = cd_utf8_valid_prefix(s + i, end - i);
      cd_status st = copy_plain(e, s + i, run);
      if (st)
        return st;
      i += run;
      if (i == end)
        break;
      size_t j = i;
      cd_utf8_next(s, end, &j);
      if (j == len && !eof) {
        *used = i; /* a sequence cut by the end of this chunk: keep it for the next */
        return CD_OK;
      }
      st = invalid(e, d->in_pos + i, s + i, j - i, "UTF-8");
      if (st)
        return st;
      i = j;
    }
  }
  *used = i;
  return CD_OK;
}

/* Converts raw[0, n) with iconv, appending to out; handles EILSEQ by replacement.
 * Stops early (setting *used < n) only at an incomplete sequence when !eof. */
static cd_status convert_run(emit_ctx *e, iconv_t ic, const char *rule, uint64_t in_off,
                             const char *raw, size_t n, bool eof, size_t unit, size_t *used) {
  size_t done = 0;
  while (done < n) {
    if (cd_buf_reserve(e->out, (n - done) * 4 + 16))
      return cd_error_set(e->err, CD_ERR_NOMEM, "out of memory");
    char *inp = (char *)raw + done;
    size_t inleft = n - done;
    char *outp = e->out->data + e->out->len;
    size_t outleft = e->out->cap - e->out->len - 1;
    size_t start = e->out->len;
    iconv(ic, NULL, NULL, NULL, NULL);
    size_t r = iconv(ic, &inp, &inleft, &outp, &outleft);
    int saved = errno;
    size_t consumed = (size_t)(inp - (raw + done));
    e->out->len = (size_t)(outp - e->out->data);
    e->out->data[e->out->len] = '\0';
    if (consumed) {
      cd_status st = emit(e, rule, in_off + done, raw + done, consumed, start, 1.0);
      if (st)
        return st;
      done += consumed;
    }
    if (r != (size_t)-1)
      break;
    if (saved == E2BIG)
      continue;
    if (saved == EINVAL && !eof) {
      *used = done;
      return CD_OK;
    }
    /* EILSEQ, or EINVAL at the end of input: one unit is bad. */
    size_t bad = unit;
    if (bad > n - done)
      bad = n - done;
    cd_status st = invalid(e, in_off + done, raw + done, bad, e->d->charset);
    if (st)
      return st;
    done += bad;
  }
  *used = n;
  return CD_OK;
}

/* ASCII-compatible legacy charsets: ASCII bytes pass through, each run of other bytes is
 * converted and logged as one edit. */
static cd_status feed_ascii_compat(emit_ctx *e, const char *s, size_t len, bool eof, size_t *used) {
  cd_decoder *d = e->d;
  char rule[48];
  snprintf(rule, sizeof rule, "decode.%s", d->charset);
  for (char *p = rule; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && (unsigned char)s[j] < 0x80)
      j++;
    cd_status st = copy_plain(e, s + i, j - i);
    if (st)
      return st;
    i = j;
    if (i == len)
      break;
    /* A run of non-ASCII bytes; multi-byte charsets may use ASCII trail bytes, so let
     * iconv decide where a word ends by extending the run to the next space or newline. */
    while (j < len && s[j] != ' ' && s[j] != '\n' && s[j] != '\r')
      j++;
    size_t got = 0, run = j - i;
    st = convert_run(e, d->ic, rule, d->in_pos + i, s + i, run, eof || j < len, 1, &got);
    if (st)
      return st;
    i += got;
    if (got < run)
      break; /* an incomplete sequence at the end of the chunk */
  }
  *used = i;
  return CD_OK;
}

/* UTF-16/32: split at the newline code unit so that each line is one logged edit. */
static cd_status feed_wide(emit_ctx *e, const char *s, size_t len, bool eof, size_t *used) {
  cd_decoder *d = e->d;
  size_t unit = (d->kind == K_UTF16LE || d->kind == K_UTF16BE) ? 2 : 4;
  bool le = d->kind == K_UTF16LE || d->kind == K_UTF32LE;
  size_t i = 0;
  if (d->in_pos == 0 && d->convert) {
    static const char b16le[] = "\xFF\xFE", b16be[] = "\xFE\xFF";
    static const char b32le[] = "\xFF\xFE\x00\x00", b32be[] = "\x00\x00\xFE\xFF";
    const char *bom = unit == 2 ? (le ? b16le : b16be) : (le ? b32le : b32be);
    if (len < unit && !eof) {
      *used = 0;
      return CD_OK;
    }
    if (len >= unit && memcmp(s, bom, unit) == 0) {
      cd_status st = emit(e, "decode.bom", 0, s, unit, e->out->len, 1.0);
      if (st)
        return st;
      i = unit;
    }
  }
  char rule[32];
  snprintf(rule, sizeof rule, "decode.%s",
           unit == 2 ? (le ? "utf-16le" : "utf-16be") : (le ? "utf-32le" : "utf-32be"));
  while (i < len) {
    size_t j = i, end = 0;
    for (; j + unit <= len; j += unit) {
      const unsigned char *u = (const unsigned char *)s + j;
      bool nl = unit == 2 ? (le ? (u[0] == 0x0A && u[1] == 0) : (u[0] == 0 && u[1] == 0x0A))
                          : (le ? (u[0] == 0x0A && !u[1] && !u[2] && !u[3])
                                : (!u[0] && !u[1] && !u[2] && u[3] == 0x0A));
      if (nl) {
        end = j + unit;
        break;
      }
    }
    if (!end) {
      if (!eof && len - i < (1u << 20))
        break; /* wait for the rest of the line */
      end = eof ? len : i + ((len - i) / unit) * unit;
      if (end == i)
        break;
    }
    size_t got = 0, run = end - i;
    cd_status st =
        convert_run(e, d->ic, rule, d->in_pos + i, s + i, run, eof || end < len, unit, &got);
    if (st)
      return st;
    i += got;
    if (got < run)
      break;
  }
  *used = i;
  return CD_OK;
}

cd_status cd_decoder_feed(cd_decoder *d, const char *raw, size_t len, bool eof, cd_buf *out,
                          cd_change_fn change, void *change_ud, cd_error *err) {
  if (!d->detected) {
    cd_status st = cd_decoder_detect(d, raw, len, eof, err);
    if (st)
      return st;
  }
  if (cd_buf_append(&d->pending, raw, len))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  emit_ctx e = {d, out, change, change_ud, err};
  size_t used = 0;
  cd_status st;
  switch (d->kind) {
  case K_UTF8: st = feed_utf8(&e, cd_buf_at(&d->pending, 0), d->pending.len, eof, &used); break;
  case K_ASCII_COMPAT:
    st = feed_ascii_compat(&e, cd_buf_at(&d->pending, 0), d->pending.len, eof, &used);
    break;
  default: st = feed_wide(&e, cd_buf_at(&d->pending, 0), d->pending.len, eof, &used); break;
  }
  if (st)
    return st;
  d->in_pos += used;
  cd_buf_consume(&d->pending, used);
  if (eof && d->pending.len) {
    /* Whatever is left cannot be decoded: an incomplete sequence at end of input. */
    st = invalid(&e, d->in_pos, d->pending.data, d->pending.len, d->charset);
    if (st)
      return st;
    d->in_pos += d->pending.len;
    cd_buf_clear(&d->pending);
  }
  return CD_OK;
}
