/* SPDX-License-Identifier: MIT */
/* Fuzz harness: wire documents (src/wire). The first byte picks the options (bit 0: force the
 * NewsML reader instead of detecting, bit 1: editor's notes are prose, bits 2-4: the language);
 * the rest is the document. Invariants: no crash; a document read and written without edits
 * comes back byte for byte (ninjs, written by json-c: reads back with the same units; ANPA:
 * plain UTF-8 text without control characters; a file repaired on reading: UTF-8); a normalized
 * document reads again (well-formed, the same format) with no more units than before. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cd_status fw_parse(const char *s, size_t n, uint8_t flags, cd_wire_format f,
                          const char *charset, cd_wire_doc **d) {
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.from_charset = charset;
  o.format = f != CD_WIRE_AUTO ? f : flags & 1 ? CD_WIRE_NEWSML : CD_WIRE_AUTO;
  o.ednotes = flags & 2;
  o.label = "fuzz.xml";
  o.data_dir = getenv("COPYDESK_DATA") ? getenv("COPYDESK_DATA") : CD_FUZZ_DATA_DIR;
  cd_error err;
  return cd_wire_parse(&o, s, n, d, &err);
}

/* ANPA's output: UTF-8 without the framing's control characters. */
static bool fw_plain(const cd_buf *b) {
  for (size_t i = 0; i < b->len; i++)
    if ((unsigned char)b->data[i] < 0x20 && b->data[i] != '\n' && b->data[i] != '\t' &&
        b->data[i] != '\r')
      return false;
  return cd_utf8_is_valid(cd_buf_at(b, 0), b->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {"en", "fr", "de", "uk", "ru", NULL, NULL, NULL};
  static cd_normalizer *nz;
  if (size < 1)
    return 0;
  if (!nz) {
    cd_normalize_options o;
    cd_normalize_options_init(&o);
    o.data_dir = getenv("COPYDESK_DATA") ? getenv("COPYDESK_DATA") : CD_FUZZ_DATA_DIR;
    cd_error e;
    if (cd_normalizer_new(&o, &nz, &e))
      abort();
  }
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  cd_wire_doc *d = NULL;
  if (fw_parse(in, len, data[0], CD_WIRE_AUTO, NULL, &d) != CD_OK)
    return 0;
  cd_buf out = CD_BUF_INIT;
  cd_error err;
  size_t units = cd_wire_unit_count(d);
  cd_wire_format fmt = cd_wire_doc_format(d);
  bool rewritten = cd_wire_doc_rewritten(d);
  if (cd_wire_write(d, &out, &err))
    abort();
  cd_wire_doc_free(d);
  if (!cd_utf8_is_valid(cd_buf_at(&out, 0), out.len) && (fmt == CD_WIRE_ANPA || rewritten))
    abort(); /* a rewritten document is UTF-8 */
  if (fmt == CD_WIRE_ANPA && !fw_plain(&out))
    abort(); /* ANPA: clean plain text */
  if (fmt != CD_WIRE_NINJS && !rewritten && (out.len != len || (len && memcmp(out.data, in, len))))
    abort();                  /* markup formats: the same bytes */
  if (fmt == CD_WIRE_NINJS) { /* JSON is written by json-c: it reads back the same */
    if (fw_parse(cd_buf_at(&out, 0), out.len, data[0], fmt, NULL, &d) != CD_OK ||
        cd_wire_unit_count(d) != units)
      abort();
    cd_wire_doc_free(d);
  }
  if (fw_parse(in, len, data[0], CD_WIRE_AUTO, NULL, &d) != CD_OK)
    abort(); /* the same bytes read the same way */
  cd_buf_clear(&out);
  char charset[32];
  snprintf(charset, sizeof charset, "%s", cd_wire_doc_charset(d));
  cd_status ns = cd_wire_normalize(nz, d, langs[(data[0] >> 2) & 7], &out, NULL, NULL, NULL, &err);
  if (ns == CD_OK && fmt == CD_WIRE_ANPA) {
    if (!fw_plain(&out))
      abort();
  } else if (ns == CD_OK) {
    cd_wire_doc *again = NULL;
    /* the output is still a document of the same format, in the same charset (given: an
     * undeclared one is detected again, and may come out another way on other text) */
    if (fw_parse(cd_buf_at(&out, 0), out.len, data[0], fmt, charset, &again) != CD_OK)
      abort();
    if (cd_wire_doc_format(again) != fmt || cd_wire_unit_count(again) > units)
      abort();
    cd_wire_doc_free(again);
  }
  cd_wire_doc_free(d);
  cd_buf_free(&out);
  return 0;
}
