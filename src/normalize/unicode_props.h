/* SPDX-License-Identifier: MIT */
/* unicode_props.h — per-code-point facts the Unicode stage needs, taken from ICU and cached
 * (internal to the normalize module).
 *
 * The stage looks at every code point of every non-ASCII line. Asking ICU for six
 * properties per code point (quick check, combining class, boundary, category, script,
 * direction, ...) costs far more than the rest of the stage, so the answers are packed into
 * one 32-bit word per code point and cached for planes 0 and 1, filled lazily 256 code
 * points at a time. Nothing here is a hand-written table: every bit comes from ICU. */
#ifndef CD_UNICODE_PROPS_H
#define CD_UNICODE_PROPS_H

#include <stdbool.h>
#include <stdint.h>

#include <unicode/unorm2.h>

enum {
  UCP_NFC_OK = 1u << 0, /* NFC boundary before it and quick check YES: a safe starter */
  UCP_QC_YES = 1u << 1, /* NFC_Quick_Check = Yes */
  UCP_LETTER = 1u << 2, /* General_Category L* */
  UCP_MARK = 1u << 3,   /* General_Category M* */
  UCP_SPACE = 1u << 4,  /* White_Space */
  UCP_EMOJI = 1u << 5,  /* Extended_Pictographic, Emoji_Modifier, Regional_Indicator, U+20E3 */
  UCP_RTL = 1u << 6,    /* strong right-to-left (Bidi_Class R or AL) */
  UCP_EMOJI_COMPONENT = 1u << 7, /* Emoji_Component (tags of flag sequences, ...) */
  UCP_OTHER_SCRIPT = 1u << 8,    /* a letter of a script other than Latin, Cyrillic, Greek */
  UCP_CTX_SHIFT = 9,             /* 2 bits: the UCP_CTX_* of a letter or mark */
  UCP_SCRIPT_SHIFT = 11,         /* 2 bits: the UCP_SCRIPT_* of a letter */
  UCP_KIND_SHIFT = 13,           /* 3 bits: UCP_KIND_* */
  UCP_CCC_SHIFT = 16             /* 8 bits: Canonical_Combining_Class */
};

/* What a neighbouring letter says about the invisible characters next to it. */
enum { UCP_CTX_NONE = 0, UCP_CTX_LCG = 1, UCP_CTX_RTL = 2, UCP_CTX_OTHER = 3 };
/* Scripts that share look-alike letters. */
enum { UCP_SCRIPT_NONE = 0, UCP_SCRIPT_LATIN = 1, UCP_SCRIPT_CYRILLIC = 2, UCP_SCRIPT_GREEK = 3 };
/* How the stage treats a code point. */
enum {
  UCP_KIND_PLAIN = 0,
  UCP_KIND_CONTROL = 1, /* General_Category Cc */
  UCP_KIND_FORMAT = 2,  /* Cf and Default_Ignorable (ZWSP, WJ, BOM, soft hyphen, tags, ...) */
  UCP_KIND_BIDI = 3,    /* Bidi_Control (LRM, RLM, ALM, embeddings, overrides, isolates) */
  UCP_KIND_JOINER = 4,  /* Join_Control (ZWJ, ZWNJ) */
  UCP_KIND_VS = 5       /* Variation_Selector */
};

#define UCP_CTX(f) (((f) >> UCP_CTX_SHIFT) & 3u)
#define UCP_SCRIPT(f) (((f) >> UCP_SCRIPT_SHIFT) & 3u)
#define UCP_KIND(f) (((f) >> UCP_KIND_SHIFT) & 7u)
#define UCP_CCC(f) (((f) >> UCP_CCC_SHIFT) & 0xFFu)

#define UCP_CACHED 0x20000 /* planes 0 and 1 */

typedef struct ucp_table {
  const UNormalizer2 *nfc;
  uint32_t *flags;                 /* UCP_CACHED entries */
  uint8_t filled[UCP_CACHED >> 8]; /* one byte per block of 256 */
} ucp_table;

/* Returns false when out of memory or when ICU's NFC data is missing. */
bool ucp_init(ucp_table *t);
void ucp_free(ucp_table *t);
uint32_t ucp_compute(const ucp_table *t, int32_t c);
void ucp_fill_block(ucp_table *t, uint32_t block);

static inline uint32_t ucp_get(ucp_table *t, int32_t c) {
  if ((uint32_t)c < UCP_CACHED) {
    if (!t->filled[(uint32_t)c >> 8])
      ucp_fill_block(t, (uint32_t)c >> 8);
    return t->flags[c];
  }
  return ucp_compute(t, c);
}

#endif
