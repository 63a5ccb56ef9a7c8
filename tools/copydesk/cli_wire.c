/* SPDX-License-Identifier: MIT */
/* The copydesk program's side of the wire formats (src/wire): sniffing an input's format,
 * reading a whole document, normalizing it and writing it back in one piece. */
#include "cd_wire.h"
#include "cli.h"

#include <errno.h>
#include <string.h>

#define SNIFF_BYTES 65536

int cli_wire_format_option(const char *sub, const char *arg, cd_wire_format *out) {
  if (cd_wire_format_from_name(arg, out))
    return CLI_OK;
  cli_error(sub, "--input-format wants auto, text, newsml, nitf, html, ninjs or anpa, not '%s'",
            arg);
  return CLI_USAGE;
}

cd_status cli_wire_sniff(FILE *in, const char *name, cd_wire_format forced, cd_buf *head,
                         cd_wire_format *fmt, cd_error *err) {
  cd_buf_clear(head);
  *fmt = forced;
  if (forced == CD_WIRE_TEXT)
    return CD_OK;
  if (cd_buf_reserve(head, SNIFF_BYTES))
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  size_t got;
  while (head->len < SNIFF_BYTES &&
         (got = fread(head->data + head->len, 1, SNIFF_BYTES - head->len, in)) > 0)
    head->len += got;
  if (ferror(in))
    return cd_error_set(err, CD_ERR_IO, "%s: read error: %s", name, strerror(errno));
  if (forced == CD_WIRE_AUTO)
    *fmt = cd_wire_detect(cd_buf_at(head, 0), head->len);
  return CD_OK;
}

/* The rest of in, after what head holds. */
static cd_status read_rest(FILE *in, const char *name, cd_buf *all, cd_error *err) {
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
    if (all->len + got > CD_WIRE_MAX_BYTES)
      return cd_error_set(err, CD_ERR_INPUT, "%s: larger than the %zu bytes a wire file may have",
                          name, CD_WIRE_MAX_BYTES);
    if (cd_buf_append(all, chunk, got))
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  }
  if (ferror(in))
    return cd_error_set(err, CD_ERR_IO, "%s: read error: %s", name, strerror(errno));
  return CD_OK;
}

/* --text: the prose, one unit a line, normalized as plain text (the change log's offsets are
 * then in that text). */
static cd_status prose_only(cd_normalizer *nz, const cd_wire_doc *d, const char *label,
                            const char *lang, cd_buf *out, cd_change_fn change, void *change_ud,
                            cd_normalize_report *rep, cd_error *err) {
  cd_buf prose = CD_BUF_INIT;
  cd_status st = cd_wire_prose(d, &prose, err);
  cd_mem_in m = {cd_buf_at(&prose, 0), prose.len, 0};
  if (!st)
    st = cd_normalizer_run_utf8(nz, label, lang ? lang : cd_wire_doc_lang(d), cd_mem_read, &m,
                                cd_buf_write, out, change, change_ud, rep, err);
  cd_buf_free(&prose);
  return st;
}

cd_status cli_wire_normalize(cd_normalizer *nz, const cd_normalize_options *o, const char *label,
                             const char *lang, const cli_wire_input *w, cd_write_fn write,
                             void *write_ud, cd_change_fn change, void *change_ud,
                             cd_normalize_report *rep, char doc_lang[16], cd_error *err) {
  doc_lang[0] = '\0';
  cd_status st = read_rest(w->in, w->name, w->head, err);
  cd_wire_options wo;
  cd_wire_options_init(&wo);
  wo.format = w->format;
  wo.label = label;
  wo.data_dir = o->data_dir;
  wo.ednotes = w->ednotes;
  wo.from_charset = o->from_charset;
  wo.strict = o->strict;
  cd_wire_doc *d = NULL;
  if (!st)
    st = cd_wire_parse(&wo, cd_buf_at(w->head, 0), w->head->len, &d, err);
  if (!st && w->nitf && cd_wire_doc_format(d) != CD_WIRE_ANPA)
    st = cd_error_set(err, CD_ERR_USAGE, "%s: --output-format nitf is for ANPA input, not %s",
                      w->name, cd_wire_format_name(cd_wire_doc_format(d)));
  cd_buf out = CD_BUF_INIT;
  if (!st && cd_wire_doc_lang(d))
    snprintf(doc_lang, 16, "%s", cd_wire_doc_lang(d));
  if (!st && w->text)
    st = prose_only(nz, d, label, lang, &out, change, change_ud, rep, err);
  else if (!st)
    st = cd_wire_normalize(nz, d, lang, &out, change, change_ud, rep, err);
  if (!st && w->nitf && !w->text) {
    cd_buf nitf = CD_BUF_INIT;
    st = cd_wire_anpa_nitf(d, cd_buf_at(&out, 0), out.len, &nitf, err);
    cd_buf_free(&out);
    out = nitf;
  }
  /* the whole document or nothing */
  if (!st && write)
    st = write(write_ud, cd_buf_at(&out, 0), out.len, err);
  cd_buf_free(&out);
  cd_wire_doc_free(d);
  return st;
}

/* ---- articles for check, align, segment ---- */

int cli_wire_article(const char *sub, const char *path, cd_buf *text, cd_wire_doc **doc,
                     char lang[16]) {
  if (doc)
    *doc = NULL;
  if (lang)
    lang[0] = '\0';
  cd_wire_format f = cd_wire_detect(cd_buf_at(text, 0), text->len);
  if (f == CD_WIRE_TEXT)
    return CLI_OK;
  cd_wire_options o;
  cd_wire_options_init(&o);
  o.format = f;
  o.label = strcmp(path, "-") == 0 ? "<stdin>" : path;
  o.data_dir = cli_data_dir();
  cd_wire_doc *d = NULL;
  cd_error err;
  cd_buf prose = CD_BUF_INIT;
  if (cd_wire_parse(&o, cd_buf_at(text, 0), text->len, &d, &err) ||
      cd_wire_prose(d, &prose, &err)) {
    cli_error(sub, "%s", err.message);
    cd_wire_doc_free(d);
    cd_buf_free(&prose);
    return CLI_USAGE;
  }
  if (lang && cd_wire_doc_lang(d))
    snprintf(lang, 16, "%s", cd_wire_doc_lang(d));
  cd_buf_free(text);
  *text = prose;
  if (doc)
    *doc = d;
  else
    cd_wire_doc_free(d);
  return CLI_OK;
}

int cli_read_article(const char *sub, const char *path, cd_buf *out) {
  int rc = cli_read_file(sub, path, out);
  return rc ? rc : cli_wire_article(sub, path, out, NULL, NULL);
}

void cli_wire_pos(void *ud, uint64_t line, size_t byte, uint64_t *file_line, uint64_t *file_col) {
  const cd_wire_doc *d = ud;
  if (line == 0 || line > cd_wire_unit_count(d))
    return;
  size_t u = (size_t)line - 1;
  uint64_t off = cd_wire_file_offset(d, u, cd_wire_prose_lead(d, u) + byte);
  unsigned long l, c;
  cd_wire_file_position(d, off, &l, &c);
  *file_line = l;
  *file_col = c;
}

bool cli_wire_is_article(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return false;
  char head[4096];
  size_t n = fread(head, 1, sizeof head, fp);
  fclose(fp);
  return cd_wire_detect(head, n) == CD_WIRE_NINJS;
}
