/* SPDX-License-Identifier: MIT */
/* copydesk names discover (issue 19): the names a batch uses that the dictionary lacks,
 * their spellings, types, forms across aligned pairs, and a draft TSV that names compile
 * and --house take as it is. Hard negatives: proper nouns the language has (Monday), names
 * the dictionary has (Zelenskyy), common words at the start of a sentence. */
#include "cd_test.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void put(const char *dir, const char *name, const char *text) {
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  cdt_write_file(path, text, strlen(text));
}

static json_object *candidate(json_object *arr, const char *name) {
  for (size_t i = 0; i < json_object_array_length(arr); i++) {
    json_object *c = json_object_array_get_idx(arr, i), *n;
    if (json_object_object_get_ex(c, "name", &n) && strcmp(json_object_get_string(n), name) == 0)
      return c;
  }
  return NULL;
}

static const char *field(json_object *c, const char *key) {
  json_object *v;
  return json_object_object_get_ex(c, key, &v) && v ? json_object_get_string(v) : "";
}

static void write_batch(char *dir, size_t n) {
  snprintf(dir, n, "%s/discover-batch", cdt_tmpdir());
  mkdir(dir, 0755);
  put(dir, "front-en.txt",
      "General Mykyta Dovhopolyi visited the eastern front on Monday.\n"
      "Dovhopolyi said the brigades held their positions. Volodymyr Zelenskyy thanked him.\n");
  put(dir, "brief-en.txt",
      "Commander Mykyta Dovhopolyy met officers near the river.\n"
      "Later Dovhopoly told reporters that supplies had arrived in the village of Orlivtsi.\n");
  put(dir, "memo.en-uk.tsv",
      "General Myroslav Kovalchyshyn arrived in the city.\tГенерал Мирослав Ковальчишин "
      "прибув до міста.\n"
      "The brigade of Kovalchyshyn held the line.\tБригада Ковальчишина утримала позиції.\n");
  put(dir, "note-uk.txt", "Новий міністр Микола Гребенюк відвідав Харків у понеділок.\n");
}

static void test_discover_lists_and_drafts(void **state) {
  (void)state;
  char dir[4200], draft[4400];
  write_batch(dir, sizeof dir);
  snprintf(draft, sizeof draft, "%s/draft.tsv", cdt_tmpdir());
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "names", "discover", dir, "-o", draft, "--format", "json", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  json_object *arr = json_tokener_parse(out.data);
  if (!arr)
    fail_msg("not JSON:\n%s\nstderr: %s", out.data, err.data);
  json_object *m = candidate(arr, "Mykyta Dovhopolyi");
  assert_non_null(m);
  assert_string_equal(field(m, "type"), "person"); /* a given name, "General" before it */
  assert_string_equal(field(m, "lang"), "en");
  assert_non_null(strstr(field(m, "spellings"), "'Dovhopolyi' 2\xC3\x97"));
  assert_non_null(strstr(field(m, "spellings"), "'Dovhopoly' 1\xC3\x97"));
  /* across the aligned pair: the Ukrainian form of the new name */
  json_object *k = candidate(arr, "Myroslav Kovalchyshyn");
  assert_non_null(k);
  assert_non_null(strstr(field(k, "other_forms"), "uk:\xD0\x9C\xD0\xB8\xD1\x80\xD0\xBE"));
  /* a place word before a name says place */
  json_object *o = candidate(arr, "Orlivtsi");
  assert_non_null(o);
  assert_string_equal(field(o, "type"), "place");
  /* no proper noun of the language, no name of the dictionary, no sentence-start word */
  assert_null(candidate(arr, "Monday"));
  assert_null(candidate(arr, "Volodymyr Zelenskyy"));
  assert_null(candidate(arr, "Later"));
  /* a given name and a surname the Ukrainian dictionary has both are still a new person */
  json_object *h =
      candidate(arr, "\xD0\x9C\xD0\xB8\xD0\xBA\xD0\xBE\xD0\xBB\xD0\xB0 "
                     "\xD0\x93\xD1\x80\xD0\xB5\xD0\xB1\xD0\xB5\xD0\xBD\xD1\x8E\xD0\xBA");
  assert_non_null(h);
  assert_string_equal(field(h, "lang"), "uk");
  json_object_put(arr);

  /* the draft is the dictionary's format: --house and compile take it as it is */
  cd_buf d = CD_BUF_INIT;
  cdt_read_file(draft, &d);
  assert_non_null(strstr(d.data, "id\ttype\ten\tfr\tde\tuk\tru\tvariants\tcontext\n"));
  assert_non_null(strstr(d.data, "mykyta-dovhopolyi\tperson\tMykyta Dovhopolyi\t-\t-\t-\t-\t"));
  const char *l[] = {"copydesk", "names", "lookup", "Dovhopoly", "--house", draft, NULL};
  assert_int_equal(cdt_run(l, NULL, 0, &out, &err), 0);
  assert_non_null(strstr(out.data, "mykyta-dovhopolyi"));
  const char *db = cdt_tmpfile("draft.sqlite");
  const char *c[] = {"copydesk", "names", "compile", "-o", db, draft, NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 0);
  cd_buf_free(&d);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

static void test_discover_text_and_errors(void **state) {
  (void)state;
  char dir[4200];
  write_batch(dir, sizeof dir);
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *a[] = {"copydesk", "names", "discover", dir, "--min-count", "3", NULL};
  assert_int_equal(cdt_run(a, NULL, 0, &out, &err), 0);
  assert_int_equal(cd_buf_append(&out, "", 0), CD_OK);
  assert_non_null(strstr(out.data, "Mykyta Dovhopolyi  (en, person, 4 mentions)\n"));
  assert_null(strstr(out.data, "Orlivtsi")); /* one mention: under --min-count 3 */
  const char *b[] = {"copydesk", "names", "discover", "no-such-dir", NULL};
  assert_int_equal(cdt_run(b, NULL, 0, &out, &err), 2);
  assert_non_null(strstr(err.data, "no-such-dir"));
  const char *c[] = {"copydesk", "names", "discover", dir, "--min-count", "0", NULL};
  assert_int_equal(cdt_run(c, NULL, 0, &out, &err), 2);
  const char *e[] = {"copydesk", "names", "discover", NULL};
  assert_int_equal(cdt_run(e, NULL, 0, &out, &err), 2);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_discover_lists_and_drafts),
      cmocka_unit_test(test_discover_text_and_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
