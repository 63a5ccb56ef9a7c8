/* SPDX-License-Identifier: MIT */
/* copydesk names discover — the names a batch (articles, pairs, a TM) uses that the
 * dictionary lacks, listed with their spellings, and a draft for the house overlay. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_check.h"
#include "cd_lang.h"
#include "cd_names.h"
#include "cd_normalize.h"
#include "cd_tm_store.h"
#include "cli.h"

#define SUB "names discover"

typedef struct discover_run {
  cd_names_discovery *d;
  cd_normalizer *nz;
  const char *lang_opt;
  uint64_t pair;  /* the number of the pair being read */
  uint64_t units; /* TM units read, for the progress line */
  bool progress;
  cd_error err;
} discover_run;

/* An article: decoded, repaired and cleaned as check does; its language from -l, its name,
 * a confident detection or the desk's default (the normalizer decides and detects once). */
static int add_article(discover_run *r, const char *path) {
  cd_buf raw = CD_BUF_INIT, text = CD_BUF_INIT;
  char named[16], tgt[16], doc_lang[16];
  /* a wire document (NewsML, NITF, HTML, ninjs, ANPA): its prose */
  if (cli_read_file(SUB, path, &raw) || cli_wire_article(SUB, path, &raw, NULL, doc_lang)) {
    cd_buf_free(&raw);
    return -1;
  }
  const char *given = r->lang_opt;
  if (!given && cd_lang_from_filename(path, named, tgt) && cd_lang_tag_valid(named))
    given = named;
  if (!given && doc_lang[0])
    given = doc_lang;
  cd_normalize_report rep;
  int rc = 0;
  if (cd_normalizer_buffer(r->nz, path, given, cd_buf_at(&raw, 0), raw.len, &text, NULL, &rep,
                           &r->err)) {
    cli_error(SUB, "%s", r->err.message);
    rc = -1;
  } else if (strcmp(rep.lang, "und") == 0) {
    cli_lang_none(SUB, path, "its names are not read");
  } else if (cd_names_discovery_add(r->d, cd_buf_at(&text, 0), text.len, rep.lang, 0, &r->err)) {
    cli_error(SUB, "%s: %s", path, r->err.message);
    rc = -1;
  }
  cd_buf_free(&raw);
  cd_buf_free(&text);
  return rc;
}

static cd_status add_sides(discover_run *r, const char *src, size_t sl, const char *src_lang,
                           const char *tgt, size_t tl, const char *tgt_lang, cd_error *err) {
  r->pair++;
  cd_status st = cd_names_discovery_add(r->d, src, sl, src_lang, r->pair, err);
  return st ? st : cd_names_discovery_add(r->d, tgt, tl, tgt_lang, r->pair, err);
}

static cd_status on_pair(void *ud, const cd_check_pair *p, cd_error *err) {
  discover_run *r = ud;
  return add_sides(r, p->source, p->source_len, p->src_lang, p->target, p->target_len, p->tgt_lang,
                   err);
}

/* A pairs file: languages from its name, else each column's detected. */
static int add_pairs(discover_run *r, const char *path) {
  char src[16], tgt[16];
  if ((!cd_lang_from_filename(path, src, tgt) || strcmp(src, tgt) == 0) &&
      cli_pairs_langs(SUB, path, src, tgt))
    return -1;
  if (strcmp(src, "und") == 0 || strcmp(tgt, "und") == 0 || strcmp(src, tgt) == 0) {
    cli_error(SUB, "%s: languages unknown (detected %s and %s): name the file x.L1-L2.tsv", path,
              src, tgt);
    return -1;
  }
  if (cd_check_pairs_each(path, src, tgt, on_pair, r, &r->err)) {
    cli_error(SUB, "%s", r->err.message);
    return -1;
  }
  return 0;
}

static int on_unit(void *ud, const cd_tm_unit *u) {
  discover_run *r = ud;
  if (r->progress && ++r->units % 10000 == 0)
    fprintf(stderr, "\rcopydesk: " SUB ": %llu units", (unsigned long long)r->units);
  return add_sides(r, u->source, strlen(u->source), u->src_lang, u->target, strlen(u->target),
                   u->tgt_lang, &r->err) != CD_OK;
}

static int add_tm(discover_run *r, const char *path) {
  if (cli_tm_must_exist(SUB, path))
    return -1;
  cd_tm_store_options o;
  cd_tm_store_options_init(&o);
  o.read_only = true;
  cd_tm_store *st = NULL;
  r->progress = isatty(2);
  int rc = 0;
  if (cd_tm_store_new(path, &o, &st, &r->err) ||
      cd_tm_store_foreach(st, NULL, NULL, on_unit, r, &r->err)) {
    cli_error(SUB, "%s: %s", path, r->err.message);
    rc = -1;
  }
  if (r->progress)
    fprintf(stderr, "\rcopydesk: " SUB ": %llu units\n", (unsigned long long)r->units);
  cd_tm_store_free(st);
  return rc;
}

static void print_text(const cd_names_discovery *d, size_t min) {
  for (size_t i = 0; i < cd_names_discovery_count(d); i++) {
    const cd_names_candidate *c = cd_names_discovery_get(d, i);
    if (c->mentions < min)
      continue;
    printf("%s  (%s, %s, %zu mention%s)\n", c->name, c->lang, c->type ? c->type : "type unknown",
           c->mentions, c->mentions == 1 ? "" : "s");
    printf("  spellings: %s\n", c->spellings);
    if (c->other_forms)
      printf("  in other languages: %s\n", c->other_forms);
    for (int k = 0; k < 2 && c->context[k]; k++)
      printf("  %s\n", c->context[k]);
  }
}

static int print_json(const cd_names_discovery *d, size_t min) {
  json_object *arr = json_object_new_array();
  for (size_t i = 0; arr && i < cd_names_discovery_count(d); i++) {
    const cd_names_candidate *c = cd_names_discovery_get(d, i);
    if (c->mentions < min)
      continue;
    json_object *o = json_object_new_object(), *ctx = json_object_new_array();
    json_object_object_add(o, "name", json_object_new_string(c->name));
    json_object_object_add(o, "lang", json_object_new_string(c->lang));
    json_object_object_add(o, "type", c->type ? json_object_new_string(c->type) : NULL);
    json_object_object_add(o, "mentions", json_object_new_int64((int64_t)c->mentions));
    json_object_object_add(o, "spellings", json_object_new_string(c->spellings));
    json_object_object_add(o, "variants", c->variants ? json_object_new_string(c->variants) : NULL);
    json_object_object_add(o, "other_forms",
                           c->other_forms ? json_object_new_string(c->other_forms) : NULL);
    for (int k = 0; k < 2 && c->context[k]; k++)
      json_object_array_add(ctx, json_object_new_string(c->context[k]));
    json_object_object_add(o, "contexts", ctx);
    json_object_array_add(arr, o);
  }
  if (!arr)
    return -1;
  puts(json_object_to_json_string_ext(arr,
                                      JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(arr);
  return 0;
}

static cd_status write_fp(void *ud, const char *p, size_t n, cd_error *err) {
  return fwrite(p, 1, n, ud) == n ? CD_OK : cd_error_set(err, CD_ERR_IO, "write failed");
}

static int write_draft(cd_names_discovery *d, size_t min, const char *output) {
  cli_outfile out;
  cd_error err;
  if (cli_outfile_open(&out, output, "names"))
    return -1;
  if (cd_names_discovery_draft(d, min, write_fp, out.fp, &err)) {
    cli_outfile_abort(&out);
    cli_error(SUB, "%s", err.message);
    return -1;
  }
  return cli_outfile_commit(&out, "names") ? -1 : 0;
}

static int read_inputs(discover_run *r, const cli_strvec *articles, const cli_strvec *pairs,
                       const char *tm) {
  for (size_t i = 0; i < articles->n; i++)
    if (add_article(r, articles->v[i]))
      return -1;
  for (size_t i = 0; i < pairs->n; i++)
    if (add_pairs(r, pairs->v[i]))
      return -1;
  return tm ? add_tm(r, tm) : 0;
}

int cli_names_discover(cd_names *db, char **operands, int n, const cli_discover_options *o) {
  cli_strvec articles = {0}, pairs = {0};
  discover_run r = {0};
  r.lang_opt = o->lang;
  cd_names_scanner *sc = NULL;
  cd_names_scan_options so;
  cd_names_scan_options_init(&so);
  so.data_dir = cli_data_dir();
  cd_normalize_options no;
  cd_normalize_options_init(&no);
  no.stages = CD_STAGE_DECODE | CD_STAGE_MOJIBAKE | CD_STAGE_UNICODE;
  no.data_dir = so.data_dir;
  char def[16];
  const char *def_from;
  if (cli_default_lang(SUB, def, &def_from))
    return CLI_USAGE;
  no.default_lang = def[0] ? def : NULL;
  int rc = CLI_USAGE;
  if (n == 0 && !o->tm) {
    cli_error(SUB, "nothing to read: give articles, directories, pairs files or --tm PATH");
    return CLI_USAGE;
  }
  if (cli_inputs(SUB, operands, n, &articles, &pairs))
    goto out;
  if (cd_names_scanner_new(db, &so, &sc, &r.err) || cd_names_discovery_new(sc, &r.d, &r.err) ||
      cd_normalizer_new(&no, &r.nz, &r.err)) {
    cli_error(SUB, "%s", r.err.message);
    goto out;
  }
  if (read_inputs(&r, &articles, &pairs, o->tm))
    goto out;
  if (cd_names_discovery_finish(r.d, &r.err)) {
    cli_error(SUB, "%s", r.err.message);
    goto out;
  }
  if (o->output && write_draft(r.d, o->min_count, o->output))
    goto out;
  if (o->json ? print_json(r.d, o->min_count) : (print_text(r.d, o->min_count), 0))
    goto out;
  rc = cli_flush_stdout(SUB) < 0 ? CLI_USAGE : CLI_OK;
out:
  cd_normalizer_free(r.nz);
  cd_names_discovery_free(r.d);
  cd_names_scanner_free(sc);
  cli_sv_free(&articles);
  cli_sv_free(&pairs);
  return rc;
}
