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

cd_status cli_wire_normalize(const cd_normalize_options *o, const cli_wire_input *w,
                             cd_write_fn write, void *write_ud, cd_change_fn change,
                             void *change_ud, cd_normalize_report *rep, char doc_lang[16],
                             cd_error *err) {
  doc_lang[0] = '\0';
  cd_status st = read_rest(w->in, w->name, w->head, err);
  cd_wire_options wo;
  cd_wire_options_init(&wo);
  wo.format = w->format;
  wo.label = o->file_label;
  wo.data_dir = o->data_dir;
  wo.ednotes = w->ednotes;
  cd_wire_doc *d = NULL;
  if (!st)
    st = cd_wire_parse(&wo, cd_buf_at(w->head, 0), w->head->len, &d, err);
  cd_normalizer *nz = NULL;
  if (!st)
    st = cd_normalizer_new(o, &nz, err);
  cd_buf out = CD_BUF_INIT;
  if (!st) {
    if (cd_wire_doc_lang(d))
      snprintf(doc_lang, 16, "%s", cd_wire_doc_lang(d));
    st = cd_wire_normalize(nz, d, o->lang, &out, change, change_ud, rep, err);
  }
  /* the whole document or nothing */
  if (!st && write)
    st = write(write_ud, cd_buf_at(&out, 0), out.len, err);
  cd_buf_free(&out);
  cd_normalizer_free(nz);
  cd_wire_doc_free(d);
  return st;
}
