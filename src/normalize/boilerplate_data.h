/* SPDX-License-Identifier: MIT */
/* boilerplate_data.h — the boilerplate stage's data, compiled once at open() (internal).
 *
 * Everything the stage knows about boilerplate comes from dicts/boilerplate/ (see its
 * README): ICU regular expressions for lines to delete, exceptions to keep, datelines, the
 * list of section labels and the dash each house style puts after a dateline. This module
 * reads and checks those files; a bad line is a CD_ERR_DATA naming the file and line. */
#ifndef CD_BOILERPLATE_DATA_H
#define CD_BOILERPLATE_DATA_H

#include "cd_text.h"

#include <unicode/uregex.h>

typedef enum cd_bp_kind {
  CD_BP_DELETE,  /* the whole (trimmed) line matches: the line is deleted */
  CD_BP_KEEP,    /* the whole line matches: never deleted, whatever else matches */
  CD_BP_DATELINE /* matches at the start of a line; group "sep" is the separator */
} cd_bp_kind;

typedef struct cd_bp_pattern {
  cd_bp_kind kind;
  char *rule;        /* e.g. "boilerplate.share" (owned; outlives every call) */
  double confidence; /* 0..1 */
  URegularExpression *re;
  int32_t sep_group; /* dateline patterns: number of the named group "sep" */
  char *where;       /* "FILE:LINE", for messages */
} cd_bp_pattern;

typedef struct cd_bp_label {
  char *text; /* UTF-8, as written in the data */
  size_t len;
} cd_bp_label;

typedef struct cd_bp_data {
  cd_bp_pattern *patterns;
  size_t n_patterns, cap_patterns; /* in file order, files in name order */
  size_t n_delete;                 /* how many of them are delete patterns */
  cd_bp_label *labels;
  size_t n_labels, cap_labels;
  /* labels whose first byte is b are labels[label_first[b] .. label_first[b+1]) */
  size_t label_first[257];
  char dateline_sep[32]; /* the separator a dateline gets in this language, UTF-8 */
  size_t dateline_sep_len;
} cd_bp_data;

/* Loads data_dir/boilerplate/ for language lang (BCP-47; its primary subtag picks the
 * dateline style). On error, *out is NULL and err names the file and line. */
cd_status cd_bp_data_load(const char *data_dir, const char *lang, cd_bp_data **out, cd_error *err);
void cd_bp_data_free(cd_bp_data *d);

#endif
