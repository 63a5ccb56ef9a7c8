/* SPDX-License-Identifier: MIT */
/* Fuzz harness: the checker on arbitrary text, as an article and as pairs (the input is
 * split at the first NUL into "article" and "pairs TSV" parts; each pairs line is split at
 * its first tab). The pairs part is then also read by the file readers of check (it may be
 * any bytes there): as a pairs TSV, as align's JSON beads and as a --glossary file, by a
 * second checker. Invariants: no crash, findings sorted, every finding's span inside its
 * context, columns >= 1; a file reader that refuses its input says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_check.h"
#include "fuzz_tmpfile.h"

static void check_findings(cd_checker *c) {
  for (size_t i = 0; i < cd_check_count(c); i++) {
    const cd_finding *f = cd_check_get(c, i);
    if (f->col < 1 || f->ctx_start > f->ctx_end || f->ctx_end > f->context_len)
      abort();
    if (i && strcmp(cd_check_get(c, i - 1)->file, f->file) == 0 &&
        cd_check_get(c, i - 1)->line > f->line)
      abort();
  }
}

/* The file readers: glossary (read when the checker is made), pairs TSV, JSON beads. */
static void check_files(const char *lang, const char *tlang, const uint8_t *p, size_t n) {
  static const char *tsv, *json;
  if (!tsv) {
    tsv = cdf_tmp_path(".tsv");
    json = cdf_tmp_path(".json");
  }
  cdf_tmp_write(tsv, p, n);
  cdf_tmp_write(json, p, n);
  cd_check_options o;
  cd_check_options_init(&o);
  o.data_dir = cdf_data_dir();
  o.glossary = tsv;
  cd_checker *c = NULL;
  cd_error err;
  err.message[0] = '\0';
  if (cd_checker_new(&o, &c, &err)) {
    if (!err.message[0])
      abort();
    o.glossary = NULL;
    if (cd_checker_new(&o, &c, &err))
      abort();
  }
  err.message[0] = '\0';
  if (cd_check_pairs_file(c, tsv, lang, tlang, &err) && !err.message[0])
    abort();
  err.message[0] = '\0';
  if (cd_check_pairs_file(c, json, lang, tlang, &err) && !err.message[0])
    abort();
  if (cd_check_finish(c, &err))
    abort();
  check_findings(c);
  cd_checker_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {"en", "fr", "de", "uk", "ru"};
  if (size < 1)
    return 0;
  const char *lang = langs[data[0] % 5], *tlang = langs[(data[0] / 5) % 5];
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  const char *nul = memchr(in, '\0', len);
  size_t alen = nul ? (size_t)(nul - in) : len;
  if (!cd_utf8_is_valid(in, len)) {
    /* the checker takes UTF-8 (the program decodes first); its file readers take anything */
    if (nul)
      check_files(lang, tlang, data + 1 + alen + 1, len - alen - 1);
    return 0;
  }
  cd_check_options o;
  cd_check_options_init(&o);
  o.data_dir = cdf_data_dir();
  cd_checker *c = NULL;
  cd_error err;
  if (cd_checker_new(&o, &c, &err))
    abort();
  if (cd_check_article(c, "fuzz.txt", lang, in, alen, &err))
    abort();
  uint64_t line = 0;
  for (size_t i = nul ? alen + 1 : len; i < len;) {
    const char *nl = memchr(in + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - in) : len;
    const char *tab = memchr(in + i, '\t', end - i);
    line++;
    if (tab) {
      cd_check_pair p = {in + i,      (size_t)(tab - (in + i)),
                         tab + 1,     end - (size_t)(tab - in) - 1,
                         lang,        tlang,
                         "pairs.tsv", line};
      if (cd_check_pair_add(c, &p, &err))
        abort();
    }
    i = end + 1;
  }
  if (cd_check_finish(c, &err))
    abort();
  check_findings(c);
  cd_buf out = CD_BUF_INIT;
  if (cd_check_write(c, CD_CHECK_HTML, &out, &err) || cd_check_write(c, CD_CHECK_JSON, &out, &err))
    abort();
  cd_buf_free(&out);
  cd_checker_free(c);
  if (nul)
    check_files(lang, tlang, data + 1 + alen + 1, len - alen - 1);
  return 0;
}
