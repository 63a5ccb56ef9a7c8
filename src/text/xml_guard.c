/* SPDX-License-Identifier: MIT */
/* The pre-parse guard shared by every libxml2 reader (see cd_xml.h). */
#include "cd_xml.h"

#include <string.h>

enum {
  G_TEXT,
  G_LT,
  G_TAG,
  G_TAGQ,
  G_END,
  G_PI,
  G_BANG,
  G_BANG2,
  G_COMMENT,
  G_CDATA,
  G_DECL,
  G_DECLQ
};

void cd_xml_guard_init(cd_xml_guard *g, const char *text_elem, bool keep_comments) {
  memset(g, 0, sizeof *g);
  g->line = 1;
  g->text_elem = text_elem;
  g->keep_comments = keep_comments;
}

static void out_byte(cd_xml_guard *in, char ch) {
  if (!in->out)
    return; /* checking only */
  if (in->out_len < in->out_cap)
    in->out[in->out_len++] = ch;
  else
    in->pend[in->npend++] = ch;
}

static void flush_held(cd_xml_guard *in) {
  for (int i = 0; i < in->nheld; i++)
    out_byte(in, in->held[i]);
  in->nheld = 0;
}

static void emit(cd_xml_guard *in, unsigned char ch) {
  flush_held(in);
  out_byte(in, (char)ch);
}

static void hold(cd_xml_guard *in, unsigned char ch) { in->held[in->nheld++] = (char)ch; }

/* A dropped comment or PI byte: gone, but a line end outside the text element is kept. */
static void drop(cd_xml_guard *in, unsigned char ch) {
  in->dropped++;
  if (in->keep_comments) {
    emit(in, ch);
    return;
  }
  in->nheld = 0;
  if (ch == '\n' && !in->in_text)
    out_byte(in, '\n');
}

static bool name_byte(unsigned char ch) {
  return ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && ch != '/' && ch != '>' &&
         ch != '[' && ch != '"' && ch != '\'';
}

static void name_add(cd_xml_guard *in, unsigned char ch) {
  if (in->nlen < (int)sizeof in->name - 1)
    in->name[in->nlen++] = (char)ch;
  in->name[in->nlen] = '\0';
}

static bool name_is_str(const cd_xml_guard *in, const char *s) { return strcmp(in->name, s) == 0; }

/* The XML declaration may only open the file (after a UTF-8 byte order mark). */
static bool at_file_start(const cd_xml_guard *in) {
  return in->lt_offset == 1 || (in->lt_offset == 4 && in->first[0] == 0xEF &&
                                in->first[1] == 0xBB && in->first[2] == 0xBF);
}

static bool guard_fail(cd_xml_guard *in, int why) {
  in->failed = in->line;
  in->why = why;
  return false;
}

static bool lex_byte(cd_xml_guard *in, unsigned char ch);

/* "<" or "<!" inside the internal subset that starts no comment or PI: back to the subset. */
static bool back_to_decl(cd_xml_guard *in, unsigned char ch, bool keyword) {
  flush_held(in);
  in->state = G_DECL;
  in->keyword = keyword;
  in->nlen = 0;
  in->name[0] = '\0';
  return lex_byte(in, ch);
}

static bool lex_tag(cd_xml_guard *in, unsigned char ch) {
  if (in->naming && name_byte(ch))
    name_add(in, ch);
  else
    in->naming = false;
  if (ch == '"' || ch == '\'') {
    in->quote = ch;
    in->state = G_TAGQ;
  } else if (ch == '=' && ++in->attrs > CD_XML_MAX_ATTRS) {
    return guard_fail(in, CD_XML_GUARD_ATTRS);
  } else if (ch == '>') {
    if (in->text_elem && name_is_str(in, in->text_elem) && in->prev != '/')
      in->in_text = true;
    in->state = G_TEXT;
  }
  emit(in, ch);
  return true;
}

static bool lex_decl(cd_xml_guard *in, unsigned char ch) {
  if (in->keyword) {
    if (name_byte(ch) && ch != '<' && ch != '%') {
      name_add(in, ch);
    } else {
      in->keyword = false;
      if (name_is_str(in, "ENTITY"))
        return guard_fail(in, CD_XML_GUARD_ENTITY);
    }
  }
  if (ch == '"' || ch == '\'') {
    in->quote = ch;
    in->state = G_DECLQ;
  } else if (ch == '[') {
    in->depth++;
  } else if (ch == ']' && in->depth > 0) {
    in->depth--;
  } else if (ch == '>' && in->depth == 0) {
    in->state = in->ret = G_TEXT;
  } else if (ch == '<' && in->depth > 0) {
    hold(in, ch);
    in->state = G_LT;
    return true;
  }
  emit(in, ch);
  return true;
}

static bool lex_lt(cd_xml_guard *in, unsigned char ch) {
  if (ch == '!') {
    hold(in, ch);
    in->state = G_BANG;
    return true;
  }
  if (ch == '?') {
    in->state = G_PI;
    in->run = 0;
    in->keep_pi = in->ret == G_TEXT && at_file_start(in);
    if (in->keep_pi)
      emit(in, ch);
    else
      drop(in, ch);
    return true;
  }
  if (in->ret == G_DECL)
    return back_to_decl(in, ch, false);
  in->attrs = 0;
  in->nlen = 0;
  in->name[0] = '\0';
  in->naming = true;
  in->state = ch == '/' ? G_END : G_TAG;
  if (ch == '>')
    in->state = G_TEXT;
  else if (ch != '/')
    name_add(in, ch);
  emit(in, ch);
  return true;
}

static bool lex_bang(cd_xml_guard *in, unsigned char ch) {
  if (ch == '-') {
    hold(in, ch);
    in->state = G_BANG2;
    return true;
  }
  if (in->ret == G_DECL)
    return back_to_decl(in, ch, true);
  in->depth = 0;
  in->run = 0;
  in->state = ch == '[' ? G_CDATA : ch == '>' ? G_TEXT : G_DECL;
  if (in->state == G_DECL) {
    in->ret = G_DECL;
    in->keyword = false;
  }
  emit(in, ch);
  return true;
}

static bool lex_byte(cd_xml_guard *in, unsigned char ch) {
  switch (in->state) {
  case G_TEXT:
    if (ch == '<') {
      hold(in, ch);
      in->state = G_LT;
      in->ret = G_TEXT;
      in->lt_offset = in->offset;
      return true;
    }
    break;
  case G_LT: return lex_lt(in, ch);
  case G_TAG: return lex_tag(in, ch);
  case G_TAGQ:
    if (ch == in->quote)
      in->state = G_TAG;
    break;
  case G_END:
    if (in->naming && name_byte(ch))
      name_add(in, ch);
    else
      in->naming = false;
    if (ch == '>') {
      if (in->text_elem && name_is_str(in, in->text_elem))
        in->in_text = false;
      in->state = G_TEXT;
    }
    break;
  case G_PI: /* ends at "?>" */
    if (in->keep_pi)
      emit(in, ch);
    else
      drop(in, ch);
    if (ch == '>' && in->run)
      in->state = in->ret;
    in->run = ch == '?';
    return true;
  case G_BANG: /* "<!-": a comment; "<![": CDATA; else a declaration */ return lex_bang(in, ch);
  case G_BANG2:
    if (ch != '-' && in->ret == G_DECL)
      return back_to_decl(in, ch, false);
    if (ch != '-') { /* "<!-x": not XML; libxml2 says so */
      in->state = in->ret = G_DECL;
      break;
    }
    in->state = G_COMMENT;
    in->run = 0;
    drop(in, ch);
    return true;
  case G_COMMENT: /* ends at "-->" */
    drop(in, ch);
    if (ch == '>' && in->run >= 2)
      in->state = in->ret;
    in->run = ch == '-' ? in->run + 1 : 0;
    return true;
  case G_CDATA: /* ends at "]]>" */
    if (ch == '>' && in->run >= 2)
      in->state = G_TEXT;
    in->run = ch == ']' ? in->run + 1 : 0;
    break;
  case G_DECL: /* <!DOCTYPE …[ internal subset ]> */ return lex_decl(in, ch);
  case G_DECLQ:
    if (ch == in->quote)
      in->state = G_DECL;
    break;
  }
  emit(in, ch);
  return true;
}

bool cd_xml_guard_byte(cd_xml_guard *in, unsigned char ch) {
  if (in->offset < 3)
    in->first[in->offset] = ch;
  in->offset++;
  if (ch == '\n')
    in->line++;
  bool ok = lex_byte(in, ch);
  in->prev = ch;
  /* Even skipped, comments cost inflating and scanning: a gzip bomb of them is refused. */
  if (ok && in->dropped > CD_XML_MAX_COMMENT_BYTES)
    return guard_fail(in, CD_XML_GUARD_COMMENTS);
  return ok;
}

bool cd_xml_guard_check(cd_xml_guard *g, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!cd_xml_guard_byte(g, (unsigned char)p[i]))
      return false;
  return true;
}

const char *cd_xml_guard_reason(const cd_xml_guard *g) {
  switch (g->why) {
  case CD_XML_GUARD_ENTITY: return "entity declaration refused (entities are never expanded)";
  case CD_XML_GUARD_COMMENTS:
    return "more than 4194304 bytes of comments and processing instructions (refused)";
  case CD_XML_GUARD_ATTRS: return "a start tag with more than 1000 attributes (refused unparsed)";
  default: return "";
  }
}

void cd_xml_guard_output(cd_xml_guard *g, char *buf, int cap) {
  g->out = buf;
  g->out_cap = cap;
  g->out_len = 0;
  int np = g->npend;
  g->npend = 0;
  char pend[sizeof g->pend];
  memcpy(pend, g->pend, (size_t)np);
  for (int i = 0; i < np; i++)
    out_byte(g, pend[i]);
}

void cd_xml_guard_end(cd_xml_guard *g) { flush_held(g); }
