/* SPDX-License-Identifier: MIT */
/* Per-code-point facts for the Unicode stage, computed by ICU and cached (see the header). */
#include "unicode_props.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

bool ucp_init(ucp_table *t) {
  memset(t, 0, sizeof *t);
  UErrorCode ec = U_ZERO_ERROR;
  t->nfc = unorm2_getNFCInstance(&ec);
  if (U_FAILURE(ec))
    return false;
  /* calloc: the pages of blocks never used are never touched. */
  t->flags = calloc(UCP_CACHED, sizeof *t->flags);
  if (!t->flags)
    return false;
  ucp_fill_block(t, 0);
  return true;
}

void ucp_free(ucp_table *t) {
  if (!t)
    return;
  free(t->flags);
  t->flags = NULL;
}

static unsigned script_class(UScriptCode sc) {
  switch (sc) {
  case USCRIPT_LATIN: return UCP_SCRIPT_LATIN;
  case USCRIPT_CYRILLIC: return UCP_SCRIPT_CYRILLIC;
  case USCRIPT_GREEK: return UCP_SCRIPT_GREEK;
  default: return UCP_SCRIPT_NONE;
  }
}

uint32_t ucp_compute(const ucp_table *t, int32_t c) {
  uint32_t f = 0;
  UErrorCode ec = U_ZERO_ERROR;
  if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES)
    f |= UCP_QC_YES;
  if ((f & UCP_QC_YES) && unorm2_hasBoundaryBefore(t->nfc, c))
    f |= UCP_NFC_OK;
  uint32_t gc = U_GET_GC_MASK(c);
  bool letter = (gc & U_GC_L_MASK) != 0, mark = (gc & U_GC_M_MASK) != 0;
  if (letter)
    f |= UCP_LETTER;
  if (mark)
    f |= UCP_MARK;
  if (u_isUWhiteSpace(c))
    f |= UCP_SPACE;
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
      u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER) ||
      u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR) || c == 0x20E3)
    f |= UCP_EMOJI;
  if (u_hasBinaryProperty(c, UCHAR_EMOJI_COMPONENT))
    f |= UCP_EMOJI_COMPONENT;
  UCharDirection dir = u_charDirection(c);
  bool rtl = dir == U_RIGHT_TO_LEFT || dir == U_RIGHT_TO_LEFT_ARABIC;
  if (rtl)
    f |= UCP_RTL;
  UScriptCode sc = uscript_getScript(c, &ec);
  if (U_FAILURE(ec))
    sc = USCRIPT_UNKNOWN;
  unsigned scl = script_class(sc);
  if (letter || mark) {
    unsigned ctx;
    if (scl != UCP_SCRIPT_NONE)
      ctx = UCP_CTX_LCG;
    else if (rtl)
      ctx = UCP_CTX_RTL;
    else if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_UNKNOWN)
      ctx = UCP_CTX_NONE;
    else
      ctx = UCP_CTX_OTHER;
    f |= (uint32_t)ctx << UCP_CTX_SHIFT;
  }
  if (letter) {
    f |= (uint32_t)scl << UCP_SCRIPT_SHIFT;
    if (scl == UCP_SCRIPT_NONE && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED &&
        sc != USCRIPT_UNKNOWN)
      f |= UCP_OTHER_SCRIPT;
  }
  unsigned kind = UCP_KIND_PLAIN;
  if (gc & U_GC_CC_MASK)
    kind = UCP_KIND_CONTROL;
  else if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
    kind = UCP_KIND_BIDI;
  else if (u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL))
    kind = UCP_KIND_JOINER;
  else if (u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR))
    kind = UCP_KIND_VS;
  else if ((gc & U_GC_CF_MASK) && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    kind = UCP_KIND_FORMAT;
  f |= (uint32_t)kind << UCP_KIND_SHIFT;
  f |= (uint32_t)u_getCombiningClass(c) << UCP_CCC_SHIFT;
  return f;
}

void ucp_fill_block(ucp_table *t, uint32_t block) {
  uint32_t base = block << 8;
  for (uint32_t k = 0; k < 256; k++)
    t->flags[base + k] = ucp_compute(t, (int32_t)(base + k));
  t->filled[block] = 1;
}
