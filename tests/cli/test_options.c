/* SPDX-License-Identifier: MIT */
/* The option tables (tools/copydesk/cli_opts.c): the getopt_long arrays and the --help lines
 * they make, every subcommand's table consistent, and `copydesk SUB --version`. */
#include "cd_test.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { T_FROM = 256, T_DRY };
static const cli_opt table[] = {
    {"lang", 'l', "LANG", 'l', "language of the text\nsecond line", "en|fr"},
    {"from", 0, "CHARSET", T_FROM, "input charset", NULL},
    {"a-rather-long-switch", 0, "VALUE", T_DRY, "on the next line", NULL},
    {"verbose", 'v', NULL, 'v', "say more", NULL},
    CLI_OPT_HELP,
    CLI_OPT_VERSION_ENTRY,
    CLI_OPT_END};

static void test_getopt_arrays(void **state) {
  (void)state;
  cli_getopt g;
  cli_getopt_build(table, &g);
  assert_string_equal(g.shortopts, ":l:vh");
  assert_string_equal(g.longopts[0].name, "lang");
  assert_int_equal(g.longopts[0].has_arg, required_argument);
  assert_int_equal(g.longopts[0].val, 'l');
  assert_int_equal(g.longopts[1].val, T_FROM);
  assert_int_equal(g.longopts[3].has_arg, no_argument);
  assert_int_equal(g.longopts[5].val, CLI_OPT_VERSION);
  assert_null(g.longopts[6].name);
  char *argv[] = {"x", "--from", "latin1", "-l", "fr", "--version", NULL};
  int c, seen = 0;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(6, argv, g.shortopts, g.longopts, NULL)) != -1)
    seen = seen * 10 + (c == T_FROM ? 1 : c == 'l' ? 2 : c == CLI_OPT_VERSION ? 3 : 9);
  assert_int_equal(seen, 123);
}

static void test_help_lines(void **state) {
  (void)state;
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  cli_opts_print(f, table, 20);
  fclose(f);
  /* the help starts at column 20; a label that leaves no space puts it on the next line */
  assert_string_equal(text, "  -l, --lang LANG   language of the text\n"
                            "                    second line\n"
                            "      --from CHARSET\n"
                            "                    input charset\n"
                            "      --a-rather-long-switch VALUE\n"
                            "                    on the next line\n"
                            "  -v, --verbose     say more\n"
                            "  -h, --help        this help\n"
                            "      --version     print copydesk's version and exit\n");
  free(text);
}

/* No subcommand's table repeats a long name, a short name or an id; every option has help,
 * an argument whenever it has values to complete, --help and --version. */
static void test_tables_consistent(void **state) {
  (void)state;
  const cli_command *cmds[] = {&cli_normalize, &cli_names, &cli_segment, &cli_align,
                               &cli_tm,        &cli_check, &cli_serve};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    bool help = false, version = false;
    size_t n = 0;
    for (const cli_opt *a = cmds[i]->options; a->name; a++, n++) {
      assert_true(a->help && *a->help);
      assert_true(!a->values || a->arg);
      help |= a->id == 'h';
      version |= a->id == CLI_OPT_VERSION;
      for (const cli_opt *b = a + 1; b->name; b++) {
        if (!strcmp(a->name, b->name) || a->id == b->id ||
            (a->short_name && a->short_name == b->short_name))
          fail_msg("%s: --%s and --%s clash", cmds[i]->name, a->name, b->name);
      }
    }
    assert_true(n <= CLI_OPTS_MAX);
    assert_true(help && version);
  }
}

static void test_subcommand_version(void **state) {
  (void)state;
  cd_buf want = CD_BUF_INIT, out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *top[] = {"copydesk", "--version", NULL};
  assert_int_equal(cdt_run(top, NULL, 0, &want, &err), 0);
  assert_non_null(strstr(want.data, "copydesk "));
  const char *const runs[][4] = {
      {"copydesk", "normalize", "--version", NULL}, {"copydesk", "names", "--version", NULL},
      {"copydesk", "segment", "--version", NULL},   {"copydesk", "align", "--version", NULL},
      {"copydesk", "tm", "--version", NULL},        {"copydesk", "check", "--version", NULL},
      {"copydesk", "serve", "--version", NULL},     {"copydesk", "tm", "lookup", "--version"},
      {"copydesk", "names", "lookup", "--version"}};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    const char *argv[5] = {runs[i][0], runs[i][1], runs[i][2], runs[i][3], NULL};
    assert_int_equal(cdt_run(argv, NULL, 0, &out, &err), 0);
    assert_string_equal(out.data, want.data);
  }
  cd_buf_free(&want);
  cd_buf_free(&out);
  cd_buf_free(&err);
}

/* -h, --help and `copydesk help SUB` print the same text, with the table's options. */
static void test_help_everywhere(void **state) {
  (void)state;
  cd_buf a = CD_BUF_INIT, b = CD_BUF_INIT, c = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *subs[] = {"normalize", "segment", "align", "check", "serve", "names", "tm"};
  for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
    const char *h1[] = {"copydesk", subs[i], "--help", NULL};
    const char *h2[] = {"copydesk", subs[i], "-h", NULL};
    const char *h3[] = {"copydesk", "help", subs[i], NULL};
    assert_int_equal(cdt_run(h1, NULL, 0, &a, &err), 0);
    assert_int_equal(cdt_run(h2, NULL, 0, &b, &err), 0);
    assert_int_equal(cdt_run(h3, NULL, 0, &c, &err), 0);
    assert_string_equal(a.data, b.data);
    assert_string_equal(a.data, c.data);
    assert_non_null(strstr(a.data, "\nOptions:\n"));
    assert_non_null(strstr(a.data, "  -h, --help "));
    assert_non_null(strstr(a.data, "      --version "));
  }
  const char *norm[] = {"copydesk", "normalize", "--help", NULL};
  assert_int_equal(cdt_run(norm, NULL, 0, &a, &err), 0);
  assert_non_null(strstr(a.data, "      --no-typography     skip the typography"));
  cd_buf_free(&a);
  cd_buf_free(&b);
  cd_buf_free(&c);
  cd_buf_free(&err);
}

static void test_dump_options_usage(void **state) {
  (void)state;
  cd_buf out = CD_BUF_INIT, err = CD_BUF_INIT;
  const char *bad[] = {"copydesk", "--dump-options", "fish", NULL};
  assert_int_equal(cdt_run(bad, NULL, 0, &out, &err), 2);
  const char *nosub[] = {"copydesk", "--dump-options", "man", "nosuch", NULL};
  assert_int_equal(cdt_run(nosub, NULL, 0, &out, &err), 2);
  const char *man[] = {"copydesk", "--dump-options", "man", "segment", NULL};
  assert_int_equal(cdt_run(man, NULL, 0, &out, &err), 0);
  assert_non_null(
      strstr(out.data, ".SH OPTIONS\n.TP\n\\fB\\-l\\fR, \\fB\\-\\-lang\\fR \\fILANG\\fR\n"));
  assert_non_null(strstr(out.data, "\\fB\\-\\-join\\-lines\\fR\n"));
  cd_buf_free(&out);
  cd_buf_free(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_getopt_arrays),     cmocka_unit_test(test_help_lines),
      cmocka_unit_test(test_tables_consistent), cmocka_unit_test(test_subcommand_version),
      cmocka_unit_test(test_help_everywhere),   cmocka_unit_test(test_dump_options_usage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
