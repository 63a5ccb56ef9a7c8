/* SPDX-License-Identifier: MIT */
/* Stage "typography": quotes, apostrophes, dashes, ellipses and spaces by house style.
 *
 * The style (which quotes, which dash, which no-break spaces) is data, loaded at open() from
 * dicts/styles/<lang>.tsv; this file holds only the mechanism. Each line is handled on its
 * own: quotes are paired with a stack inside the line, so a paragraph that continues a
 * quotation (an opening mark and no closing one) is handled sensibly without looking at
 * other lines.
 *
 * A line goes through three steps: protect (URLs, e-mail, paths, `code` are masked), collect
 * (each rule proposes small edits; the mask refuses an edit that touches protected or
 * already edited bytes, so rules never fight), apply (edits sorted and written through the
 * rewriter, one change record each). A line without any byte the rules care about is passed
 * through after one scan. */
#include "cd_protect.h"
#include "cd_stage.h"
#include "typography_style.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#define MASK_EDITED 2
#define MASK_CLOSING_QUOTE 3 /* a straight " or ' this line turned into a closing mark */

typedef struct typo_edit {
  size_t start, end;   /* bytes of the line */
  size_t r_off, r_len; /* replacement, in state->repl */
  const char *rule;
  double conf;
  bool flag; /* a flag: the text is kept */
} typo_edit;

/* An opening quote waiting for its closing one. */
typedef struct qopen {
  size_t pos, len;
  uint32_t cp;
  bool dbl; /* double-quote class (" “ ” „ « ») rather than single (' ‘ ’ ‚ ‹ ›) */
  bool straight; /* typed as " or ': already rewritten when pushed */
  int level;     /* 0 = the house outer pair, 1 = the inner pair */
  size_t id;     /* its index in typo_state.opens */
} qopen;

#define NO_POS ((size_t)-1)

/* How sure the line is about an opener's level, from a first (dry) pass over its quotes. */
enum {
  Q_CLEAR,       /* its enclosing quotations all close in the line: the level is known */
  Q_SHARED,      /* nested in a « whose » it shares (« … « … »): both stay guillemets */
  Q_UNCLEAR,     /* unclosed inside a quotation, or inside one that does not close */
  Q_TOP_UNCLEAR, /* top level, but a closing mark later in the line has no opener: the line
                    continues a quotation, so this one may be nested in it */
};

/* What the dry pass learnt about one opener of the line (in push order). */
typedef struct qinfo {
  size_t parent;    /* the opener it is nested in, or NO_POS */
  size_t close_pos; /* its closing mark, or NO_POS */
  uint32_t cp, close_cp;
  bool dbl;
  bool shares_close; /* unclosed «, closed by the » of the quotation nested in it */
  bool starts_line;  /* opens the line: a quoted paragraph that goes on past the line end */
  int mode;          /* Q_* */
} qinfo;

typedef struct typo_state {
  cd_typo_style *style;
  bool in_fence; /* inside a ``` fenced code block */
  unsigned char *mask;
  size_t mask_cap;
  typo_edit *edits;
  size_t n_edits, cap_edits;
  cd_buf repl;
  qopen *stack;
  size_t n_stack, cap_stack;
  qinfo *opens;
  size_t n_opens, cap_opens;
  size_t next_open;           /* openers met so far by the current scan of the line */
  size_t last_dbl_mark;       /* the last double quote mark that opens or closes, or NO_POS */
  size_t last_lone_dbl_close; /* the last double closing mark with no opener, or NO_POS */
} typo_state;

/* One line (or window) being worked on. */
typedef struct line_ctx {
  typo_state *st;
  const cd_typo_style *sty;
  const char *s;
  size_t n;          /* content bytes, without the line end */
  size_t indent_end; /* end of the leading indent (0 for a continuation window) */
  bool at_end;       /* the content ends the line (trailing spaces are stray) */
  cd_status status;  /* first allocation failure */
  bool dry;          /* the quotes pass only learns the line's structure: no edits */
  bool level_unsure; /* the quote being rewritten has a level the line does not prove */
} line_ctx;

/* ---- edits ----------------------------------------------------------------------------- */

static bool span_free(const line_ctx *c, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (c->st->mask[i])
      return false;
  return true;
}

/* Proposes replacing s[a, b) by r. Refused (false) when it touches protected or already
 * edited bytes; an edit that changes nothing is accepted and dropped. */
static bool push_edit(line_ctx *c, size_t a, size_t b, const char *r, size_t rlen, const char *rule,
                      double conf, bool flag);

static bool add_edit(line_ctx *c, size_t a, size_t b, const char *r, size_t rlen, const char *rule,
                     double conf) {
  if (b <= a || b > c->n || !span_free(c, a, b))
    return false;
  if (c->dry || (rlen == b - a && memcmp(c->s + a, r, rlen) == 0))
    return true;
  return push_edit(c, a, b, r, rlen, rule, conf, false);
}

/* Flags s[a, b) (a record whose text is unchanged) and keeps other edits off it. */
static void add_flag(line_ctx *c, size_t a, size_t b, const char *rule, double conf) {
  if (!c->dry && b > a && b <= c->n && span_free(c, a, b))
    push_edit(c, a, b, c->s + a, b - a, rule, conf, true);
}

static bool push_edit(line_ctx *c, size_t a, size_t b, const char *r, size_t rlen, const char *rule,
                      double conf, bool flag) {
  typo_state *st = c->st;
  if (CD_GROW(st->edits, st->n_edits, st->cap_edits)) {
    c->status = CD_ERR_NOMEM;
    return false;
  }
  typo_edit e = {a, b, st->repl.len, rlen, rule, conf, flag};
  if (cd_buf_append(&st->repl, r, rlen)) {
    c->status = CD_ERR_NOMEM;
    return false;
  }
  st->edits[st->n_edits++] = e;
  memset(st->mask + a, MASK_EDITED, b - a);
  return true;
}

static bool add_edit_str(line_ctx *c, size_t a, size_t b, const char *r, const char *rule,
                         double conf) {
  return add_edit(c, a, b, r, strlen(r), rule, conf);
}

static int cmp_edit(const void *x, const void *y) {
  const typo_edit *a = x, *b = y;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* ---- characters ------------------------------------------------------------------------ */

enum { C_EDGE, C_SPACE, C_ALNUM, C_OPENB, C_CLOSEB, C_DASH, C_QUOTE, C_OTHER };

static bool is_quote_cp(int32_t c) {
  switch (c) {
  case '"':
  case '\'':
  case 0x201C:
  case 0x201D:
  case 0x201E:
  case 0x201F:
  case 0x2018:
  case 0x2019:
  case 0x201A:
  case 0x201B:
  case 0x00AB:
  case 0x00BB:
  case 0x2039:
  case 0x203A: return true;
  default: return false;
  }
}

static bool is_double_class(int32_t c) {
  return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E || c == 0x201F || c == 0x00AB ||
         c == 0x00BB;
}

static int cls(int32_t c) {
  if (c < 0)
    return C_EDGE;
  if (c == ' ' || c == '\t' || u_isUWhiteSpace(c))
    return C_SPACE;
  if (is_quote_cp(c))
    return C_QUOTE;
  if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK))
    return C_ALNUM;
  switch (u_charType(c)) {
  case U_START_PUNCTUATION: return C_OPENB;
  case U_END_PUNCTUATION: return C_CLOSEB;
  case U_DASH_PUNCTUATION: return C_DASH;
  default: return C_OTHER;
  }
}

static int32_t cp_before(const line_ctx *c, size_t i) {
  if (i == 0)
    return -1;
  return cd_utf8_prev(c->s, &i);
}

static int32_t cp_at(const line_ctx *c, size_t i, size_t *next) {
  if (i >= c->n) {
    *next = i;
    return -1;
  }
  *next = i;
  return cd_utf8_next(c->s, c->n, next);
}

static bool is_seq(const line_ctx *c, size_t i, const char *lit, size_t l) {
  return i + l <= c->n && memcmp(c->s + i, lit, l) == 0;
}

static bool is_digit_cp(int32_t c) { return c >= 0 && u_isdigit(c); }
static bool is_ascii_digit(char b) { return b >= '0' && b <= '9'; }

/* A horizontal space that may sit next to a quote or punctuation mark: ' ', NBSP, NNBSP.
 * Returns its byte length at s[i], or 0. */
static size_t hspace_len(const line_ctx *c, size_t i) {
  if (i >= c->n)
    return 0;
  unsigned char b = (unsigned char)c->s[i];
  if (b == ' ')
    return 1;
  if (b == 0xC2 && i + 1 < c->n && (unsigned char)c->s[i + 1] == 0xA0)
    return 2;
  if (b == 0xE2 && i + 2 < c->n && (unsigned char)c->s[i + 1] == 0x80 &&
      (unsigned char)c->s[i + 2] == 0xAF)
    return 3;
  return 0;
}

/* Same, for the space ending at s[i) (looking backwards). */
static size_t hspace_len_before(const line_ctx *c, size_t i) {
  if (i >= 1 && c->s[i - 1] == ' ')
    return 1;
  if (i >= 2 && (unsigned char)c->s[i - 2] == 0xC2 && (unsigned char)c->s[i - 1] == 0xA0)
    return 2;
  if (i >= 3 && (unsigned char)c->s[i - 3] == 0xE2 && (unsigned char)c->s[i - 2] == 0x80 &&
      (unsigned char)c->s[i - 1] == 0xAF)
    return 3;
  return 0;
}

/* A run of horizontal spaces [a, b): where it ends, and the first no-break space in it. */
typedef struct hrun {
  size_t a, b;
  size_t nb_pos, nb_len; /* nb_len 0: only ordinary spaces */
  size_t count;          /* characters */
} hrun;

static hrun run_after(const line_ctx *c, size_t i) {
  hrun r = {i, i, 0, 0, 0};
  size_t l;
  while ((l = hspace_len(c, r.b)) > 0) {
    if (l > 1 && !r.nb_len) {
      r.nb_pos = r.b;
      r.nb_len = l;
    }
    r.b += l;
    r.count++;
  }
  return r;
}

static hrun run_before(const line_ctx *c, size_t i) {
  hrun r = {i, i, 0, 0, 0};
  size_t l;
  while (r.a > c->indent_end && (l = hspace_len_before(c, r.a)) > 0) {
    r.a -= l;
    if (l > 1) {
      r.nb_pos = r.a; /* keeps the first one found from the left */
      r.nb_len = l;
    }
    r.count++;
  }
  return r;
}

/* ---- quotes and apostrophes ----------------------------------------------------------- */

static const char *open_text(const cd_typo_style *y, int level) {
  return level == 0 ? y->quote_open : y->inner_open;
}
static const char *close_text(const cd_typo_style *y, int level) {
  return level == 0 ? y->quote_close : y->inner_close;
}

static bool is_guillemet(uint32_t cp) { return cp == 0x00AB || cp == 0x00BB; }

/* Rewrites a quote mark at [pos, pos+len) (cp) to target, fixing the space on its inner side:
 * after an opening mark (opening=true), before a closing one. Guillemets in a style with
 * guillemet_space get the configured no-break space there (an existing one is kept, an
 * ordinary space replaced); a guillemet turned into a mark without space loses its space. */
static void rewrite_quote(line_ctx *c, size_t pos, size_t len, uint32_t cp, const char *target,
                          bool opening, bool spaced_straight, double conf) {
  const cd_typo_style *y = c->sty;
  size_t tl = strlen(target);
  size_t tcp_i = 0;
  int32_t tcp = cd_utf8_next(target, tl, &tcp_i);
  bool changed = !(tl == len && memcmp(c->s + pos, target, tl) == 0);
  const char *qrule = c->level_unsure ? "typography.quote-level" : "typography.quote";
  const char *rule = changed ? qrule : "typography.nbsp";
  bool want = y->guillemet.mode == CD_TYPO_SPACE_INSERT && is_guillemet((uint32_t)tcp);
  bool drop = y->guillemet.mode != CD_TYPO_SPACE_KEEP && !want &&
              (cp != '"' && cp != '\'' ? true : spaced_straight);
  hrun r = opening ? run_after(c, pos + len) : run_before(c, pos);
  if ((opening && r.b >= c->n) || (!opening && r.a <= c->indent_end)) {
    /* a mark at the end (opening) or start (closing) of the line has no inside: » at the
     * start of a paragraph that continues a French quotation */
    add_edit(c, pos, pos + len, target, tl, rule, conf);
    return;
  }
  char buf[48];
  size_t bl = 0;
  if (want) {
    const char *sp = y->guillemet.text;
    size_t spl = y->guillemet.len;
    bool empty =
        opening
            ? is_seq(c, pos + len, "\xC2\xBB", 2)
            : ((pos >= 2 && memcmp(c->s + pos - 2, "\xC2\xAB", 2) == 0) ||
               (pos >= 1 && c->s[pos - 1] == '"' && c->st->mask[pos - 1] != MASK_CLOSING_QUOTE));
    if ((r.count == 1 && r.nb_len) || (r.count == 0 && empty)) {
      add_edit(c, pos, pos + len, target, tl, rule, conf); /* spaced already, or «» */
      return;
    }
    if (r.nb_len) { /* keep the kind of no-break space the text already has */
      sp = c->s + r.nb_pos;
      spl = r.nb_len;
    }
    if (tl + spl > sizeof buf)
      return;
    if (opening) {
      memcpy(buf, target, tl);
      memcpy(buf + tl, sp, spl);
    } else {
      memcpy(buf, sp, spl);
      memcpy(buf + spl, target, tl);
    }
    bl = tl + spl;
    bool done;
    if (r.count == 0)
      done = add_edit(c, pos, pos + len, buf, bl, changed ? rule : "typography.nbsp", conf);
    else if (opening)
      done = add_edit(c, pos, r.b, buf, bl, rule, conf);
    else
      done = add_edit(c, r.a, pos + len, buf, bl, rule, conf);
    if (!done) /* the space belongs to a neighbour's edit already: change the mark only */
      add_edit(c, pos, pos + len, target, tl, rule, conf);
    return;
  }
  if (drop && r.count > 0) {
    bool done = opening ? add_edit(c, pos, r.b, target, tl, qrule, conf)
                        : add_edit(c, r.a, pos + len, target, tl, qrule, conf);
    if (done)
      return;
  }
  add_edit(c, pos, pos + len, target, tl, rule, conf);
}

/* A straight mark at pos that this line turned into a closing one (a closing quote, or an
 * apostrophe: ’) is remembered, so that the space rules judge it as what it becomes: the
 * next run must not find another context than this one did. */
static void mark_closing(line_ctx *c, size_t pos, uint32_t cp) {
  if ((cp == '"' || cp == '\'') && c->st->mask[pos] == MASK_EDITED)
    c->st->mask[pos] = MASK_CLOSING_QUOTE;
}

/* Rewrites a closing mark. */
static void rewrite_closing(line_ctx *c, size_t pos, size_t len, uint32_t cp, const char *target,
                            bool spaced_straight, double conf) {
  rewrite_quote(c, pos, len, cp, target, false, spaced_straight, conf);
  mark_closing(c, pos, cp);
}

static void apostrophe(line_ctx *c, size_t pos, size_t len, double conf) {
  add_edit_str(c, pos, pos + len, c->sty->apostrophe, "typography.apostrophe", conf);
  mark_closing(c, pos, (unsigned char)c->s[pos]);
}

/* '90s, '68: an apostrophe for elided century digits. */
static bool elided_year(const line_ctx *c, size_t i) {
  if (i + 2 > c->n || !is_ascii_digit(c->s[i]) || !is_ascii_digit(c->s[i + 1]))
    return false;
  size_t j = i + 2, nx;
  if (j < c->n && c->s[j] == 's')
    j++;
  int32_t after = cp_at(c, j, &nx);
  return after < 0 || !u_isalnum(after);
}

/* 'n', 'em, 'til: a leading apostrophe before a word of the style's list; *end gets the
 * end of the word. */
static bool elided_word(const line_ctx *c, size_t i, size_t *end) {
  size_t j = i;
  while (j < c->n && ((c->s[j] >= 'a' && c->s[j] <= 'z') || (c->s[j] >= 'A' && c->s[j] <= 'Z')))
    j++;
  *end = j;
  if (j == i)
    return false;
  size_t nx;
  int32_t after = cp_at(c, j, &nx);
  if (after >= 0 && u_isalpha(after))
    return false;
  return cd_typo_style_is_elision(c->sty, c->s + i, j - i);
}

static bool stack_push(line_ctx *c, qopen q) {
  typo_state *st = c->st;
  if (CD_GROW(st->stack, st->n_stack, st->cap_stack)) {
    c->status = CD_ERR_NOMEM;
    return false;
  }
  st->stack[st->n_stack++] = q;
  return true;
}

/* Whether opener q and the closing mark cp make a pair this style converts or keeps. */
static bool pairs_with(const cd_typo_style *y, const qopen *q, uint32_t cp, bool straight) {
  if (q->dbl != is_double_class((int32_t)cp))
    return false;
  if (q->straight || straight)
    return true;
  return (q->cp == y->cp_quote_open && cp == y->cp_quote_close) ||
         (q->cp == y->cp_inner_open && cp == y->cp_inner_close) ||
         cd_typo_style_is_foreign_pair(y, q->cp, cp);
}

enum { R_NONE, R_OPEN, R_CLOSE };

/* The shape of a curly mark says which side it is on when the context does not. */
static int shape_role(int32_t cp) {
  switch (cp) {
  case 0x201C:
  case 0x201E:
  case 0x201A:
  case 0x2018:
  case 0x00AB:
  case 0x2039:
  case 0x201F:
  case 0x201B: return R_OPEN;
  default: return R_CLOSE;
  }
}

/* ---- how sure a quotation's level is ---------------------------------------------------
 *
 * A level is changed (« » nested in « » become “ ”, “ ” at the top of a French line become
 * « », a straight " inside a quotation becomes ‘ ’) only when the nesting is clear in the
 * line: the enclosing quotations open and close in it. A first, dry pass over the line's
 * quotes records each opener, what it is nested in and where it closes; the real pass then
 * leaves a pair whose level it cannot know as typed and flags it (rule
 * typography.quote-level) instead of guessing. An opening mark that starts the line and does
 * not close in it opens a quoted paragraph that goes on: what it holds is nested in it.
 * French, Ukrainian and Russian editors close « … « … » with one », so an unclosed « whose
 * nested « … » ends the line's quotes is closed by that same mark: both stay guillemets, and
 * nothing is flagged. */

/* Whether the marks of q (opening cp; closing cp, or 0 for the opener alone) are already the
 * house marks of level. */
static bool typed_as(const cd_typo_style *y, const qopen *q, uint32_t close_cp, int level) {
  uint32_t o = level == 0 ? y->cp_quote_open : y->cp_inner_open;
  uint32_t cl = level == 0 ? y->cp_quote_close : y->cp_inner_close;
  return q->cp == o && (close_cp == 0 || close_cp == cl);
}

/* Records an opener in the dry pass; in the real pass, returns what the dry pass decided. */
static int note_open(line_ctx *c, const qopen *q) {
  typo_state *st = c->st;
  if (!c->dry)
    return q->id < st->n_opens ? st->opens[q->id].mode : Q_UNCLEAR;
  if (CD_GROW(st->opens, st->n_opens, st->cap_opens)) {
    c->status = CD_ERR_NOMEM;
    return Q_CLEAR;
  }
  size_t parent = st->n_stack ? st->stack[st->n_stack - 1].id : NO_POS;
  qinfo info = {parent, NO_POS, q->cp, 0, q->dbl, false, q->pos == c->indent_end, Q_CLEAR};
  st->opens[st->n_opens++] = info;
  return Q_CLEAR;
}

/* A pair closes. Dry pass: recorded. Real pass: true when its level is not known: its curly
 * marks are flagged (which keeps them as typed) and a straight one is to take the outer pair
 * (q->level is 0 for a straight opener then; a curly opener keeps its typed level). */
static bool note_close(line_ctx *c, const qopen *q, size_t pos, size_t len, uint32_t cp,
                       bool straight) {
  typo_state *st = c->st;
  if (c->dry) {
    st->opens[q->id].close_pos = pos;
    st->opens[q->id].close_cp = cp;
    return false;
  }
  int mode = st->opens[q->id].mode;
  bool curly = !q->straight && !straight;
  bool unknown = (mode == Q_UNCLEAR && (!curly || !typed_as(c->sty, q, cp, q->level))) ||
                 (mode == Q_TOP_UNCLEAR && curly && !typed_as(c->sty, q, cp, q->level));
  if (!unknown)
    return false;
  if (!q->straight)
    add_flag(c, q->pos, q->pos + q->len, "typography.quote-level", 0.5);
  if (!straight)
    add_flag(c, pos, pos + len, "typography.quote-level", 0.5);
  return true;
}

/* After the dry pass: which openers have a level the line proves. Parents come before their
 * children in st->opens, so one pass in order sees each parent's mode first. */
static void classify_opens(const line_ctx *c) {
  typo_state *st = c->st;
  const cd_typo_style *y = c->sty;
  for (size_t k = 0; k < st->n_opens; k++) {
    qinfo *o = &st->opens[k];
    if (o->parent == NO_POS || o->close_pos == NO_POS || o->close_pos != st->last_dbl_mark ||
        o->cp != 0x00AB || o->close_cp != 0x00BB || y->cp_quote_open != 0x00AB)
      continue;
    qinfo *p = &st->opens[o->parent];
    if (p->close_pos == NO_POS && p->cp == 0x00AB)
      p->shares_close = true;
  }
  for (size_t k = 0; k < st->n_opens; k++) {
    qinfo *o = &st->opens[k];
    if (o->parent == NO_POS) {
      bool lone_after = st->last_lone_dbl_close != NO_POS && o->dbl && o->close_pos != NO_POS &&
                        o->close_pos < st->last_lone_dbl_close;
      o->mode = lone_after ? Q_TOP_UNCLEAR : Q_CLEAR;
      continue;
    }
    const qinfo *p = &st->opens[o->parent];
    bool parent_closes =
        p->close_pos != NO_POS || p->shares_close || (p->parent == NO_POS && p->starts_line);
    if (o->close_pos == NO_POS || !parent_closes || p->mode == Q_UNCLEAR)
      o->mode = Q_UNCLEAR;
    else if (p->shares_close)
      o->mode = Q_SHARED;
    else
      o->mode = p->mode == Q_TOP_UNCLEAR ? Q_TOP_UNCLEAR : Q_CLEAR;
  }
}

/* One quote-like mark of the line, with its neighbours' classes. */
typedef struct qmark {
  size_t i, nx, len; /* where it starts and ends, its length */
  int32_t cp, prev, next;
  int pc, nc; /* the classes of the characters before and after it */
  bool straight, dbl;
} qmark;

/* What the scan remembers from the marks before. */
typedef struct qscan {
  size_t last_end;   /* where the previous mark ended */
  size_t force_apos; /* the second mark of rock 'n' roll */
  int last_role;
} qscan;

/* Reads the mark at i; false when the character there is no quote or apostrophe. */
static bool read_mark(line_ctx *c, const qscan *qs, size_t i, qmark *m) {
  m->i = i;
  m->cp = cp_at(c, i, &m->nx);
  m->len = m->nx - i;
  if (!is_quote_cp(m->cp) && m->cp != 0x02BC)
    return false;
  size_t nn;
  m->prev = cp_before(c, i);
  m->next = cp_at(c, m->nx, &nn);
  m->pc = cls(m->prev);
  m->nc = cls(m->next);
  m->straight = m->cp == '"' || m->cp == '\'';
  m->dbl = is_double_class(m->cp);
  /* A quote right after another quote takes that one's side. */
  if (m->pc == C_QUOTE && i == qs->last_end)
    m->pc = qs->last_role == R_OPEN ? C_SPACE : C_ALNUM;
  else if (m->pc == C_QUOTE)
    m->pc = C_OTHER;
  return true;
}

static bool opening_context(int pc) {
  return pc == C_EDGE || pc == C_SPACE || pc == C_OPENB || pc == C_DASH;
}

/* An apostrophe rather than a quotation mark: inside a word (it's, l'homme, O'Brien, 1990's;
 * 5'10 is a prime and is left), or eliding the start of a word or year ('n', '90s). True when
 * the mark was handled so. */
static bool apostrophe_mark(line_ctx *c, qscan *qs, const qmark *m) {
  int32_t cp = m->cp;
  if (m->i == qs->force_apos) {
    apostrophe(c, m->i, m->len, 0.9);
    qs->last_end = m->nx;
    qs->last_role = R_NONE;
    return true;
  }
  if (cp != '\'' && cp != 0x2019 && cp != 0x2018 && cp != 0x02BC)
    return false;
  if (m->pc == C_ALNUM &&
      (m->nc == C_ALNUM || (cp == 0x02BC && m->next >= 0 && u_isalpha(m->next)))) {
    if (!(is_digit_cp(m->prev) && is_digit_cp(m->next)) &&
        (cp == '\'' || (u_isalpha(m->prev) && u_isalpha(m->next))))
      apostrophe(c, m->i, m->len, cp == '\'' ? 0.98 : 0.9);
    return true;
  }
  if (cp == 0x02BC)
    return true;
  size_t wend = m->nx;
  if (!opening_context(m->pc) || !(elided_year(c, m->nx) || elided_word(c, m->nx, &wend)))
    return false;
  apostrophe(c, m->i, m->len, 0.9);
  if (wend > m->nx && wend < c->n && (c->s[wend] == '\'' || is_seq(c, wend, "\xE2\x80\x99", 3)))
    qs->force_apos = wend;
  qs->last_end = m->nx;
  qs->last_role = R_NONE;
  return true;
}

/* Which side of a quotation a mark is on, from its neighbours (and the open quotations for an
 * ambiguous straight mark); *conf how sure, *spaced for a straight mark with spaces inside. */
static int mark_role(const line_ctx *c, const qmark *m, double *conf, bool *spaced) {
  const cd_typo_style *y = c->sty;
  const typo_state *st = c->st;
  int pc = m->pc, nc = m->nc;
  bool open_ctx = opening_context(pc);
  bool next_gap = nc == C_EDGE || nc == C_SPACE;
  /* a mark before , . ; ! ? does not open anything: « oui », "yes". */
  bool next_punct = nc == C_OTHER && u_charType(m->next) == U_OTHER_PUNCTUATION;
  bool top_matches =
      st->n_stack > 0 && pairs_with(y, &st->stack[st->n_stack - 1], (uint32_t)m->cp, m->straight);
  int role = R_NONE;
  *conf = 0.95;
  *spaced = false;
  if (open_ctx && !next_gap && !next_punct)
    role = R_OPEN;
  else if (!open_ctx &&
           (next_gap || nc == C_OTHER || nc == C_CLOSEB || nc == C_DASH || nc == C_QUOTE))
    role = R_CLOSE;
  else if (pc == C_OTHER && nc == C_ALNUM) {
    role = top_matches ? R_CLOSE : R_OPEN; /* said:"Yes" vs "Yes,"he */
    *conf = 0.75;
  } else if (open_ctx && (next_gap || next_punct)) {
    /* « word » or " word " with spaces inside: a curly mark says its side by its shape; a
     * straight one is decided by the stack, only where the style spaces its quotes */
    if (!m->straight) {
      role = shape_role(m->cp);
      *conf = 0.8;
    } else if (y->guillemet.mode == CD_TYPO_SPACE_INSERT && m->dbl) {
      role = top_matches ? R_CLOSE : (nc != C_EDGE && !next_punct) ? R_OPEN : R_NONE;
      *conf = 0.6;
    }
    *spaced = m->straight;
  }
  /* (a curly mark inside a word keeps R_NONE: it is left) */
  if (is_guillemet((uint32_t)m->cp))
    role = shape_role(m->cp); /* « » are spaced in French: their shape, not their neighbours */
  return role;
}

/* An opening mark: pushed with its level; a straight one is rewritten now, a curly one when
 * its pair closes. */
static void open_mark(line_ctx *c, const qmark *m, double conf, bool spaced) {
  const cd_typo_style *y = c->sty;
  typo_state *st = c->st;
  /* A top-level single-quote mark is an inner quotation (the headline convention) only where
   * the inner pair is itself single; in fr, uk, ru it is a quotation like any. */
  int level = (!m->dbl && !is_double_class((int32_t)y->cp_inner_open)) ? 1 : 0;
  if (st->n_stack > 0)
    level = 1 - st->stack[st->n_stack - 1].level;
  qopen q = {m->i, m->len, (uint32_t)m->cp, m->dbl, m->straight, level, st->next_open++};
  int mode = note_open(c, &q);
  /* a « that shares its » stays « », the outer pair; a straight mark whose level is not known
   * takes the outer pair too (and says so in its rule) */
  if (mode == Q_SHARED || (mode == Q_UNCLEAR && m->straight))
    q.level = 0;
  if (c->status || !stack_push(c, q) || !m->straight)
    return;
  c->level_unsure = mode == Q_UNCLEAR;
  rewrite_quote(c, m->i, m->len, (uint32_t)m->cp, open_text(y, q.level), true, spaced,
                c->level_unsure ? 0.5 : conf);
  c->level_unsure = false;
}

/* A closing mark with no opener: a lone closing double quote is remembered in the dry pass;
 * in the real pass an apostrophe after a word, a straight " or a » still take the house
 * form. Anything else (a prime after a digit, an unmatched curly mark) is left alone. */
static void lone_close(line_ctx *c, const qmark *m, bool spaced) {
  const cd_typo_style *y = c->sty;
  if (c->dry) {
    if (m->dbl && !(m->straight && is_digit_cp(m->prev)))
      c->st->last_lone_dbl_close = m->i;
  } else if (m->cp == '\'' && m->prev >= 0 && u_isalpha(m->prev)) {
    apostrophe(c, m->i, m->len, 0.7); /* the players' union, goin' */
  } else if (m->cp == '"' && !is_digit_cp(m->prev)) {
    rewrite_closing(c, m->i, m->len, (uint32_t)m->cp, close_text(y, 0), spaced, 0.8);
  } else if (m->cp == 0x00BB && y->guillemet.mode == CD_TYPO_SPACE_INSERT) {
    /* a lone closing guillemet still gets its space */
    rewrite_quote(c, m->i, m->len, (uint32_t)m->cp, "\xC2\xBB", false, false, 0.8);
  }
}

/* A closing mark: its opener is the top for single quotes (else it is an apostrophe), at any
 * depth for double ones (an unclosed inner quote is dropped); the pair is rewritten. */
static void close_mark(line_ctx *c, const qmark *m, double conf, bool spaced) {
  const cd_typo_style *y = c->sty;
  typo_state *st = c->st;
  size_t k = st->n_stack;
  while (k > 0 && !pairs_with(y, &st->stack[k - 1], (uint32_t)m->cp, m->straight) && m->dbl)
    k--;
  if (k == 0 || !pairs_with(y, &st->stack[k - 1], (uint32_t)m->cp, m->straight)) {
    lone_close(c, m, spaced);
    return;
  }
  qopen q = st->stack[k - 1];
  st->n_stack = k - 1;
  double cf = m->straight && !m->dbl ? 0.75 : conf;
  /* a pair whose level is not known: curly marks are left as typed (and flagged), straight
   * ones take the outer pair */
  c->level_unsure = note_close(c, &q, m->i, m->len, (uint32_t)m->cp, m->straight);
  if (c->level_unsure)
    cf = 0.5;
  if (!q.straight)
    rewrite_quote(c, q.pos, q.len, q.cp, open_text(y, q.level), true, false, cf);
  int lv = c->level_unsure ? 0 : q.level;
  rewrite_closing(c, m->i, m->len, (uint32_t)m->cp, close_text(y, lv), spaced, cf);
  c->level_unsure = false;
}

/* Openers left open at the line's end (a paragraph that continues a quotation): a guillemet
 * still gets its space; other curly marks are left as typed, since nothing proves their
 * pair. */
static void unclosed_marks(line_ctx *c) {
  const cd_typo_style *y = c->sty;
  typo_state *st = c->st;
  for (size_t k = 0; k < st->n_stack && !c->status && !c->dry; k++) {
    const qopen *q = &st->stack[k];
    if (st->opens[q->id].mode == Q_UNCLEAR && !q->straight && !typed_as(y, q, 0, q->level))
      add_flag(c, q->pos, q->pos + q->len, "typography.quote-level", 0.5);
    if (q->cp == 0x00AB && y->guillemet.mode == CD_TYPO_SPACE_INSERT)
      rewrite_quote(c, q->pos, q->len, q->cp, "\xC2\xAB", true, false, 0.8);
  }
}

/* One pass over the line's quote marks: apostrophes, openers, closers. */
static void quotes_scan(line_ctx *c) {
  typo_state *st = c->st;
  st->n_stack = 0;
  qscan qs = {(size_t)-1, (size_t)-1, R_NONE};
  for (size_t i = 0; i < c->n && !c->status;) {
    unsigned char b = (unsigned char)c->s[i];
    qmark m;
    if (b != '"' && b != '\'' && b != 0xE2 && b != 0xC2 && b != 0xCA) {
      i++;
      continue;
    }
    if (!read_mark(c, &qs, i, &m) || apostrophe_mark(c, &qs, &m)) {
      i = m.nx;
      continue;
    }
    double conf;
    bool spaced;
    int role = mark_role(c, &m, &conf, &spaced);
    qs.last_end = m.nx;
    qs.last_role = role;
    if (c->dry && m.dbl && role != R_NONE)
      st->last_dbl_mark = i;
    if (role == R_OPEN)
      open_mark(c, &m, conf, spaced);
    else if (role == R_CLOSE)
      close_mark(c, &m, conf, spaced);
    i = m.nx;
  }
  unclosed_marks(c);
}

/* The quotes of a line: a dry scan learns their structure, the real one rewrites them. */
static void quotes_pass(line_ctx *c) {
  typo_state *st = c->st;
  st->n_opens = 0;
  st->last_dbl_mark = st->last_lone_dbl_close = NO_POS;
  st->next_open = 0;
  c->dry = true;
  quotes_scan(c);
  c->dry = false;
  if (c->status)
    return;
  classify_opens(c);
  st->next_open = 0;
  quotes_scan(c);
}

/* ---- dashes, ellipsis, spaces ---------------------------------------------------------- */

/* The first non-space byte before i (or (size_t)-1), and after j (or n). */
static size_t nonspace_before(const line_ctx *c, size_t i) {
  hrun r = run_before(c, i);
  return r.a > c->indent_end ? r.a : (size_t)-1;
}

static bool spaced_both(const line_ctx *c, size_t a, size_t b) {
  return a > 0 && c->s[a - 1] == ' ' && b < c->n && c->s[b] == ' ';
}

/* A dash between two words (not a bullet at the start, not dangling at the end, not a minus
 * between two numbers). */
static bool dash_context(const line_ctx *c, size_t a, size_t b) {
  size_t pe = nonspace_before(c, a);
  if (pe == (size_t)-1)
    return false;
  hrun r = run_after(c, b);
  if (r.b >= c->n)
    return false;
  size_t nx;
  int32_t prev = cp_before(c, pe), next = cp_at(c, r.b, &nx);
  if (is_digit_cp(prev) && is_digit_cp(next))
    return false;
  /* not <!-- -->, not a run of dashes */
  return prev >= 0 && next >= 0 && prev != '<' && next != '>' && cls(prev) != C_DASH &&
         cls(next) != C_DASH;
}

static void spaced_dash(line_ctx *c, size_t a, size_t b, const char *rule, double conf) {
  if (spaced_both(c, a, b) && dash_context(c, a, b))
    add_edit_str(c, a, b, c->sty->dash, rule, conf);
}

/* 1990-1995, 2019-20: a year range, when the style sets a range dash. */
static void year_range(line_ctx *c, size_t h) {
  const char *s = c->s;
  size_t a = h, b = h + 1;
  while (a > 0 && is_ascii_digit(s[a - 1]))
    a--;
  while (b < c->n && is_ascii_digit(s[b]))
    b++;
  size_t ll = h - a, rl = b - h - 1;
  if (ll != 4 || (rl != 4 && rl != 2))
    return;
  size_t nx;
  int32_t before = cp_before(c, a), after = cp_at(c, b, &nx);
  if ((before >= 0 && (u_isalnum(before) || before == '-' || before == '/' || before == '.')) ||
      (after >= 0 && (u_isalnum(after) || after == '-' || after == '/')))
    return;
  long l = 0, r = 0;
  for (size_t k = a; k < h; k++)
    l = l * 10 + (s[k] - '0');
  for (size_t k = h + 1; k < b; k++)
    r = r * 10 + (s[k] - '0');
  if (l < 1000 || l > 2199 || (rl == 4 && r > 2199))
    return; /* 1234-5678 is a telephone number, not years */
  if (rl == 2 ? r <= l % 100 : r <= l)
    return;
  add_edit_str(c, h, h + 1, c->sty->number_range, "typography.dash", 0.8);
}

/* ---- routes, pairings and ranges ------------------------------------------------------ */

/* A word of letters (with inner hyphens or apostrophes: Ivano-Frankivsk, O’Brien) ending at
 * s[end); its start, or (size_t)-1 when there is no such word. */
static size_t word_start_before(const line_ctx *c, size_t end) {
  size_t i = end, start = (size_t)-1;
  while (i > c->indent_end) {
    size_t p = i;
    int32_t cp = cd_utf8_prev(c->s, &p);
    if (u_isalpha(cp)) {
      start = p;
    } else if (!((cp == '-' || cp == 0x2019) && start == i)) {
      break;
    }
    i = p;
  }
  return start; /* only ever set at a letter */
}

/* The same, starting at s[start): its end, or start when there is no word. */
static size_t word_end_after(const line_ctx *c, size_t start) {
  size_t i = start, end = start;
  while (i < c->n) {
    size_t nx = i;
    int32_t cp = cd_utf8_next(c->s, c->n, &nx);
    if (u_isalpha(cp))
      end = nx;
    else if (!((cp == '-' || cp == 0x2019) && end == i && i > start))
      break;
    i = nx;
  }
  return end;
}

static bool capitalized(const line_ctx *c, size_t w) {
  size_t i = w;
  return u_isupper(cd_utf8_next(c->s, c->n, &i));
}

/* digits[:.-–]digits at s[i]: a score (1:0, 2-1). */
static bool score_at(const line_ctx *c, size_t i) {
  size_t j = i;
  while (j < c->n && is_ascii_digit(c->s[j]))
    j++;
  if (j == i || j >= c->n)
    return false;
  size_t k = j + 1;
  if (c->s[j] != ':' && c->s[j] != '-') {
    if (!is_seq(c, j, "\xE2\x80\x93", 3))
      return false;
    k = j + 3;
  }
  size_t m = k;
  while (m < c->n && is_ascii_digit(c->s[m]))
    m++;
  size_t nx;
  return m > k && !u_isalnum(cp_at(c, m, &nx));
}

/* Lviv - Kyiv train, the match Dynamo - Shakhtar, Real Madrid - Bayern Munich 2:1: names of
 * one to three capitalized words around the dash at [a, b), with a route noun of the style
 * or a score next to them. */
static bool pairing(const line_ctx *c, size_t a, size_t b) {
  hrun l = run_before(c, a), r = run_after(c, b);
  size_t lw = word_start_before(c, l.a);
  size_t re = word_end_after(c, r.b);
  if (lw == (size_t)-1 || re == r.b || !capitalized(c, lw) || !capitalized(c, r.b))
    return false;
  const cd_typo_style *y = c->sty;
  /* names of up to three words on each side: Real Madrid - Bayern Munich 2:1 */
  for (int k = 0; k < 2; k++) {
    hrun sp = run_after(c, re);
    size_t ne = sp.count == 1 && sp.b < c->n ? word_end_after(c, sp.b) : sp.b;
    if (ne == sp.b || !capitalized(c, sp.b) ||
        cd_typo_style_is_range_noun(y, c->s + sp.b, ne - sp.b))
      break;
    re = ne;
  }
  for (int k = 0; k < 2; k++) {
    hrun sp = run_before(c, lw);
    size_t pw = sp.count == 1 ? word_start_before(c, sp.a) : (size_t)-1;
    if (pw == (size_t)-1 || !capitalized(c, pw) ||
        cd_typo_style_is_range_noun(y, c->s + pw, sp.a - pw))
      break;
    lw = pw;
  }
  hrun after = run_after(c, re);
  if (after.count == 1 && after.b < c->n) {
    if (score_at(c, after.b))
      return true;
    size_t ne = word_end_after(c, after.b);
    if (ne > after.b && cd_typo_style_is_range_noun(y, c->s + after.b, ne - after.b))
      return true;
  }
  hrun before = run_before(c, lw);
  if (before.count == 1) {
    size_t pw = word_start_before(c, before.a);
    if (pw != (size_t)-1 && cd_typo_style_is_range_noun(y, c->s + pw, before.a - pw))
      return true;
  }
  return false;
}

/* The integer part of the number s[0, n) (digits, then maybe a decimal part), at most nine
 * digits: enough to see whether a range ascends. */
static bool int_part(const char *s, size_t n, long *v) {
  long x = 0;
  size_t i = 0;
  while (i < n && is_ascii_digit(s[i])) {
    if (i == 9)
      return false;
    x = x * 10 + (s[i++] - '0');
  }
  *v = x;
  return i > 0;
}

/* A number (digits, maybe with one decimal point or comma) ending at s[end): its start and
 * integer part, or false. A number glued to a letter, a colon or another dash is not a range end.
 */
static bool number_before(const line_ctx *c, size_t end, size_t *start, long *val) {
  size_t i = end;
  while (i > 0 &&
         (is_ascii_digit(c->s[i - 1]) || ((c->s[i - 1] == '.' || c->s[i - 1] == ',') && i < end &&
                                          i >= 2 && is_ascii_digit(c->s[i - 2]))))
    i--;
  if (i == end || !is_ascii_digit(c->s[i]))
    return false;
  int32_t before = cp_before(c, i);
  if (before >= 0 && cls(before) != C_SPACE && cls(before) != C_OPENB)
    return false;
  /* (030) 1234 - 5678, 10 000 - 20 000: a telephone number or digit groups, not two ends */
  hrun gap = run_before(c, i);
  int32_t word_before = gap.count ? cp_before(c, gap.a) : -1;
  if (is_digit_cp(word_before) || word_before == ')')
    return false;
  *start = i;
  return int_part(c->s + i, end - i, val);
}

/* 2 - 3 degrees, 10 - 15 km, 5 - 8 %: two numbers, the first smaller, and a unit after. */
static bool number_range(const line_ctx *c, size_t a, size_t b, size_t *ra, size_t *rb) {
  hrun l = run_before(c, a), r = run_after(c, b);
  size_t ls, re = r.b;
  long lv, rv;
  if (l.count != 1 || r.count != 1 || !number_before(c, l.a, &ls, &lv))
    return false;
  while (re < c->n &&
         (is_ascii_digit(c->s[re]) || ((c->s[re] == '.' || c->s[re] == ',') && re + 1 < c->n &&
                                       is_ascii_digit(c->s[re + 1]) && re > r.b)))
    re++;
  if (re == r.b || !int_part(c->s + r.b, re - r.b, &rv) || !(lv < rv))
    return false;
  size_t nx;
  int32_t after = cp_at(c, re, &nx);
  if (after == ' ')
    after = cp_at(c, nx, &nx);
  if (is_digit_cp(after))
    return false; /* 1234 - 5678 90: more digit groups */
  bool unit = after >= 0 && (u_isalpha(after) || after == '%' || after == 0x00B0 ||
                             after == 0x2030 || u_charType(after) == U_CURRENCY_SYMBOL);
  *ra = l.a;
  *rb = r.b;
  return unit;
}

/* A spaced dash at [a, b) that joins a route, a pairing or a number range takes the style's
 * range dash (spaces kept between names, closed up between numbers), or is left as typed
 * when the style keeps ranges. True when the dash was such a one. */
static bool range_dash(line_ctx *c, size_t a, size_t b, bool hyphen) {
  const char *rd = c->sty->range_dash;
  size_t ra, rb;
  if (number_range(c, a, b, &ra, &rb)) {
    if (rd[0] && hyphen)
      add_edit_str(c, ra, rb, rd, "typography.dash", 0.85);
    return true;
  }
  if (!pairing(c, a, b))
    return false;
  if (rd[0])
    add_edit_str(c, a, b, rd, "typography.dash", 0.85);
  return true;
}

static void hyphens(line_ctx *c, size_t a, size_t b) {
  size_t n = b - a;
  if (n == 1) {
    if (!(spaced_both(c, a, b) && range_dash(c, a, b, true)))
      spaced_dash(c, a, b, "typography.dash", 0.9);
    if (c->sty->number_range[0] && a > 0 && b < c->n && is_ascii_digit(c->s[a - 1]) &&
        is_ascii_digit(c->s[b]))
      year_range(c, a);
    return;
  }
  if (n > 3)
    return; /* ---- is a rule line, not a dash */
  if (spaced_both(c, a, b)) {
    spaced_dash(c, a, b, "typography.dash", 0.95);
    return;
  }
  size_t nx;
  int32_t prev = cp_before(c, a), next = cp_at(c, b, &nx);
  if (prev >= 0 && next >= 0 && u_isalpha(prev) && u_isalpha(next)) {
    char buf[24];
    int k = snprintf(buf, sizeof buf, " %s ", c->sty->dash);
    if (k > 0 && (size_t)k < sizeof buf)
      add_edit(c, a, b, buf, (size_t)k, "typography.dash", 0.85);
  }
}

static bool high_punct(char b) { return b == ':' || b == ';' || b == '!' || b == '?'; }

/* What may follow : ; ! ? for it to be sentence punctuation (not 10:30, http:, :-) ). */
static bool punct_follow_ok(const line_ctx *c, size_t p) {
  size_t nx;
  int32_t next = cp_at(c, p + 1, &nx);
  int k = cls(next);
  if (k == C_EDGE || k == C_SPACE)
    return true;
  if (next == '!' || next == '?' || next == ';' || next == ':' || next == '.' || next == ',' ||
      next == 0x2026)
    return true;
  if (k == C_QUOTE) /* any mark: its shape may change in this very pass */
    return true;
  if (k == C_CLOSEB)
    return c->s[p] == '!' || c->s[p] == '?'; /* ;) and :) are smileys */
  return false;
}

/* What may precede : ; ! ? for the space rule: a word, a number, a closing quote/bracket. */
static bool punct_prev_ok(const line_ctx *c, int32_t prev, size_t prev_pos) {
  if (prev == '"' || prev == '\'') /* only once it is known to close */
    return c->st->mask[prev_pos] == MASK_CLOSING_QUOTE;
  int k = cls(prev);
  if (k == C_ALNUM || k == C_CLOSEB)
    return true;
  return prev == 0x00BB || prev == 0x201D || prev == 0x2019 || prev == 0x2026 ||
         prev == '.' || /* "..." may have just become "…" */
         (prev >= 0 &&
          ((uint32_t)prev == c->sty->cp_quote_close || (uint32_t)prev == c->sty->cp_inner_close));
}

/* The space before : ; ! ? at p, given the run of spaces r before it (maybe empty). */
static void punct_space(line_ctx *c, size_t p, hrun r) {
  const cd_typo_space *sp = c->s[p] == ':' ? &c->sty->colon : &c->sty->high_punct;
  if (sp->mode == CD_TYPO_SPACE_KEEP || !punct_follow_ok(c, p))
    return;
  if (r.a <= c->indent_end)
    return; /* nothing but spaces before: not a word's punctuation */
  int32_t prev = cp_before(c, r.a);
  if (!punct_prev_ok(c, prev, r.a - 1))
    return;
  if (sp->mode == CD_TYPO_SPACE_NONE) {
    if (r.count > 0)
      add_edit(c, r.a, r.b, "", 0, "typography.space", 0.85);
    return;
  }
  if (r.count == 1 && r.nb_len)
    return; /* already a no-break space, of either kind */
  if (r.count == 0) {
    char buf[8];
    memcpy(buf, sp->text, sp->len);
    buf[sp->len] = c->s[p];
    add_edit(c, p, p + 1, buf, sp->len + 1, "typography.nbsp", 0.85);
    return;
  }
  if (r.nb_len)
    add_edit(c, r.a, r.b, c->s + r.nb_pos, r.nb_len, "typography.nbsp", 0.9);
  else
    add_edit(c, r.a, r.b, sp->text, sp->len, "typography.nbsp", 0.9);
}

static void spaces_run(line_ctx *c, hrun r) {
  if (r.b >= c->n) {
    if (c->at_end) /* stray trailing spaces */
      add_edit(c, r.a, r.b, "", 0, "typography.space", 0.99);
    return;
  }
  if (high_punct(c->s[r.b])) {
    punct_space(c, r.b, r);
    if (!span_free(c, r.a, r.b))
      return;
  }
  if (r.count < 2)
    return;
  if (r.nb_len)
    add_edit(c, r.a, r.b, c->s + r.nb_pos, r.nb_len, "typography.space", 0.9);
  else
    add_edit(c, r.a, r.b, " ", 1, "typography.space", 0.95);
}

static void main_pass(line_ctx *c) {
  const cd_typo_style *y = c->sty;
  size_t dl = strlen(y->dash);
  for (size_t i = c->indent_end; i < c->n && !c->status;) {
    unsigned char b = (unsigned char)c->s[i];
    if (b == ' ' || (b == 0xC2 && hspace_len(c, i)) || (b == 0xE2 && hspace_len(c, i))) {
      hrun r = run_after(c, i);
      spaces_run(c, r);
      i = r.b;
      continue;
    }
    if (b == '.') {
      if (is_seq(c, i, "...", 3) && (i == 0 || c->s[i - 1] != '.') &&
          (i + 3 == c->n || c->s[i + 3] != '.')) {
        add_edit_str(c, i, i + 3, y->ellipsis, "typography.ellipsis", 0.95);
        i += 3;
        continue;
      }
      if (is_seq(c, i, ". . .", 5) && (i == 0 || c->s[i - 1] != '.') &&
          !is_seq(c, i + 5, " .", 2) && !is_seq(c, i + 5, ".", 1)) {
        add_edit_str(c, i, i + 5, y->ellipsis, "typography.ellipsis", 0.9);
        i += 5;
        continue;
      }
      i++;
      continue;
    }
    if (b == '-') {
      size_t j = i;
      while (j < c->n && c->s[j] == '-')
        j++;
      hyphens(c, i, j);
      i = j;
      continue;
    }
    if (b == 0xE2 && i + 2 < c->n && (unsigned char)c->s[i + 1] == 0x80 &&
        ((unsigned char)c->s[i + 2] == 0x93 || (unsigned char)c->s[i + 2] == 0x94)) {
      /* a spaced en or em dash that is not the house dash */
      bool house = dl == 3 && memcmp(c->s + i, y->dash, 3) == 0;
      bool en_dash = (unsigned char)c->s[i + 2] == 0x93;
      bool range = en_dash && spaced_both(c, i, i + 3) && range_dash(c, i, i + 3, false);
      if (!house && !range)
        spaced_dash(c, i, i + 3, "typography.dash", 0.85);
      i += 3;
      continue;
    }
    if (high_punct((char)b)) {
      int32_t prev = cp_before(c, i);
      if (cls(prev) != C_SPACE) {
        hrun r = {i, i, 0, 0, 0};
        punct_space(c, i, r);
      }
      i++;
      continue;
    }
    i++;
  }
}

/* ---- the stage ------------------------------------------------------------------------- */

/* Bytes that can start something the stage rewrites. A line without them (and without two
 * spaces in a row or a trailing space) costs one scan. */
static bool needs_work(const line_ctx *c) {
  const char *s = c->s;
  size_t n = c->n;
  bool spacing_fr =
      c->sty->high_punct.mode == CD_TYPO_SPACE_INSERT || c->sty->colon.mode == CD_TYPO_SPACE_INSERT;
  if (n && s[n - 1] == ' ' && c->at_end)
    return true;
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)s[i];
    switch (b) {
    case '"':
    case '\'':
    case 0xC2:
    case 0xCA:
    case '`': return true;
    case 0xE2:
      if (i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
        unsigned char t = (unsigned char)s[i + 2];
        if ((t >= 0x93 && t <= 0x94) || (t >= 0x98 && t <= 0x9F) || t == 0xAF || t == 0xB9 ||
            t == 0xBA)
          return true;
      }
      break;
    case ' ':
      if (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '-' || high_punct(s[i + 1])))
        return true;
      break;
    case '.':
      if (i + 2 < n && (s[i + 1] == '.' || (s[i + 1] == ' ' && s[i + 2] == '.')))
        return true;
      break;
    case '-':
      if (i + 1 < n && s[i + 1] == '-')
        return true;
      if (c->sty->number_range[0] && i > 0 && is_ascii_digit(s[i - 1]))
        return true;
      break;
    case ':':
    case ';':
    case '!':
    case '?':
      if (spacing_fr)
        return true;
      break;
    default: break;
    }
  }
  return false;
}

/* ``` or ~~~ at the start of a line opens or closes a fenced code block. */
static bool fence_line(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return (n - i >= 3 && (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0));
}

static cd_status typography_open(const cd_stage_env *env, void **state, cd_error *err) {
  typo_state *st = calloc(1, sizeof *st);
  if (!st)
    return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
  cd_status rc = cd_typo_style_load(env->data_dir, env->lang, &st->style, err);
  if (rc) {
    free(st);
    return rc;
  }
  *state = st;
  return CD_OK;
}

static void typography_close(void *state) {
  typo_state *st = state;
  if (!st)
    return;
  cd_typo_style_free(st->style);
  free(st->mask);
  free(st->edits);
  free(st->stack);
  free(st->opens);
  cd_buf_free(&st->repl);
  free(st);
}

static cd_status typography_process(void *state, const cd_window *seg, cd_rewriter *rw,
                                    cd_error *err) {
  typo_state *st = state;
  line_ctx c = {st,    st->style, seg->text, seg->len - seg->eol, 0, seg->line_end,
                CD_OK, false,     false};
  if (seg->line_start && fence_line(c.s, c.n)) {
    st->in_fence = !st->in_fence;
    return CD_OK;
  }
  if (st->in_fence || c.n == 0 || !needs_work(&c))
    return CD_OK;
  if (seg->line_start)
    while (c.indent_end < c.n && (c.s[c.indent_end] == ' ' || c.s[c.indent_end] == '\t'))
      c.indent_end++;
  if (c.indent_end == c.n) {
    /* a line of spaces only: they are all trailing (tabs are kept) */
    if (c.at_end && memchr(c.s, '\t', c.n) == NULL)
      return cd_rw_replace(rw, 0, c.n, "", 0, "typography.space", 0.99);
    return CD_OK;
  }
  if (st->mask_cap < c.n) {
    unsigned char *m = realloc(st->mask, c.n);
    if (!m)
      return cd_error_set(err, CD_ERR_NOMEM, "out of memory");
    st->mask = m;
    st->mask_cap = c.n;
  }
  memset(st->mask, 0, c.n);
  st->n_edits = 0;
  cd_buf_clear(&st->repl);
  cd_protect_spans(c.s, c.n, st->mask);
  quotes_pass(&c);
  if (!c.status)
    main_pass(&c);
  if (c.status)
    return cd_error_set(err, c.status, "out of memory");
  if (st->n_edits == 0)
    return CD_OK;
  qsort(st->edits, st->n_edits, sizeof *st->edits, cmp_edit);
  for (size_t k = 0; k < st->n_edits; k++) {
    const typo_edit *e = &st->edits[k];
    cd_status rc = e->flag ? cd_rw_flag(rw, e->start, e->end, e->rule, e->conf)
                           : cd_rw_replace(rw, e->start, e->end, cd_buf_at(&st->repl, e->r_off),
                                           e->r_len, e->rule, e->conf);
    if (rc)
      return rc;
  }
  return CD_OK;
}

static void typography_reset(void *state) {
  typo_state *st = state;
  if (st)
    st->in_fence = false;
}

const cd_stage_def cd_stage_typography = {
    .name = "typography",
    .flag = CD_STAGE_TYPOGRAPHY,
    .open = typography_open,
    .process = typography_process,
    .close = typography_close,
    .reset = typography_reset,
};
