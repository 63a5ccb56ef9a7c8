/* SPDX-License-Identifier: MIT */
/* cd_names.h — people, places and organisations: canonical spellings per language, the
 * variants seen in the wild in any script, and lookup from any of them.
 *
 * Sources are TSV files (dicts/names/README.md); cd_names_compile() turns them into a
 * SQLite database (names.sqlite) holding entities, forms and lookup keys with an index per
 * key; cd_names_migrate() copies it into PostgreSQL. cd_names_open() opens either (no full
 * load: a key filter, plus indexed queries) and, optionally, a house overlay TSV whose rows
 * win.
 *
 * Keys (computed with ICU, never by hand):
 *   fold  — NFC, case folded, apostrophes unified to ', hyphens and spaces to one space;
 *           diacritics kept (Cyrillic marks are never stripped: Київ stays Київ);
 *   ascii — transliterated to Latin (Ukrainian 2010 national system, Ukrainian and Russian
 *           BGN/PCGN, and Any-Latin), Latin-ASCII, lower case, letters and digits only
 *           (several per Cyrillic form);
 *   skel  — consonant skeleton of the ascii key (fuzzy candidates, trusted only with context).
 */
#ifndef CD_NAMES_H
#define CD_NAMES_H

#include "cd_text.h"

/* Format version written into names.sqlite; a newer or older file is refused (2: the
 * blocked key filter with marked lookup keys; 3: a Cyrillic form romanized only with the
 * systems of its language). */
#define CD_NAMES_FORMAT 3

/* ---- keys and transliteration ---------------------------------------------------------- */

typedef struct cd_names_keyer cd_names_keyer;

/* translit_dir holds uk-Latn-2010.txt and names-skeleton.txt (dicts/translit). */
cd_status cd_names_keyer_new(const char *translit_dir, cd_names_keyer **out, cd_error *err);
void cd_names_keyer_free(cd_names_keyer *k);

typedef enum cd_translit {
  CD_TRANSLIT_UK2010, /* Ukrainian national 2010 (our rules) */
  CD_TRANSLIT_UK_BGN, /* ICU Ukrainian-Latin/BGN */
  CD_TRANSLIT_RU_BGN, /* ICU Russian-Latin/BGN */
  CD_TRANSLIT_ANY     /* ICU Any-Latin; Latin-ASCII; Any-Lower */
} cd_translit;

/* Transliterates s (UTF-8) into out (cleared first). */
cd_status cd_names_translit(cd_names_keyer *k, cd_translit sys, const char *s, size_t n,
                            cd_buf *out, cd_error *err);

typedef enum cd_key_kind { CD_KEY_FOLD = 1, CD_KEY_ASCII = 2, CD_KEY_SKEL = 3 } cd_key_kind;

/* The fold key of s into out (cleared first). */
cd_status cd_names_key_fold(cd_names_keyer *k, const char *s, size_t n, cd_buf *out, cd_error *err);
/* The distinct ascii keys of s, each NUL-terminated, one after the other, into out
 * (cleared first); *count receives how many. */
cd_status cd_names_key_ascii(cd_names_keyer *k, const char *s, size_t n, cd_buf *out, size_t *count,
                             cd_error *err);
/* The same for a form of a known language ("uk", "ru"; NULL = unknown): a Cyrillic form
 * is romanized only with the systems of its language (cd_names_key_ascii guesses from the
 * letters). */
cd_status cd_names_key_ascii_in(cd_names_keyer *k, const char *s, size_t n, const char *lang,
                                cd_buf *out, size_t *count, cd_error *err);
/* The skeleton key of s into out (cleared first). */
cd_status cd_names_key_skel(cd_names_keyer *k, const char *s, size_t n, cd_buf *out, cd_error *err);

/* The loose key of s (dicts/translit/names-loose.txt over its first ascii key) into out
 * (cleared first, NUL-terminated): spellings of one name in different transcriptions share
 * it (Syrskyi, Syrsky, Sirsky, Сирський -> sirski); for names the dictionary lacks. lang as
 * for cd_names_key_ascii_in. */
cd_status cd_names_key_loose(cd_names_keyer *k, const char *s, size_t n, const char *lang,
                             cd_buf *out, cd_error *err);

/* ---- sources and the compiled database -------------------------------------------------- */

/* Compiles TSV source files into db_path (replaced atomically). translit_dir as above.
 * Errors name the file and line (malformed line, unknown type, duplicate id, bad id). */
cd_status cd_names_compile(const char *const *tsv_paths, size_t n_paths, const char *translit_dir,
                           const char *db_path, cd_error *err);

typedef struct cd_names cd_names;

typedef struct cd_names_options {
  const char *db_path; /* names.sqlite, or a PostgreSQL URL ("postgresql://…", "postgres://…")
                          holding a store put there by cd_names_migrate; NULL = none
                          (overlay only) */
  const char *house_file;   /* house overlay TSV; NULL = none */
  const char *translit_dir; /* dicts/translit */
} cd_names_options;

void cd_names_options_init(cd_names_options *o);
/* Opens the database read-only. A corrupt, foreign or newer-format file is CD_ERR_DATA with
 * a message naming it. */
cd_status cd_names_open(const cd_names_options *o, cd_names **out, cd_error *err);
/* Opens the names store of a data directory: names_db (a names.sqlite path or a PostgreSQL
 * URL) when given, else data_dir/names.sqlite when it can be read; the house overlay house
 * (NULL: none); the rules of data_dir/translit. With neither a database nor an overlay *out
 * is NULL and CD_OK (the caller says what it leaves out); *had_db (may be NULL) tells
 * whether there was a database. */
cd_status cd_names_open_dir(const char *data_dir, const char *names_db, const char *house,
                            cd_names **out, bool *had_db, cd_error *err);

/* Puts the compiled names store from_path (a names.sqlite file) into the PostgreSQL
 * database to_url, in one transaction: the tables are created when missing (under an
 * advisory lock), the store is loaded as a new generation that readers opening afterwards
 * use, and generations no open reader uses any longer are deleted. A failure leaves the
 * database as it was. Readers opened before keep the generation they opened. */
typedef struct cd_names_migrate_stats {
  uint64_t entities, forms, keys, context;
  int64_t generation;
} cd_names_migrate_stats;
cd_status cd_names_migrate(const char *from_path, const char *to_url, cd_names_migrate_stats *stats,
                           cd_error *err);
void cd_names_free(cd_names *db);
/* Number of entities (database + overlay-only entities). */
uint64_t cd_names_count(cd_names *db);
cd_names_keyer *cd_names_get_keyer(cd_names *db);

/* ---- lookup ------------------------------------------------------------------------------ */

typedef enum cd_match_level {
  CD_MATCH_EXACT = 1, /* the fold key of a listed form */
  CD_MATCH_TRANSLIT,  /* an ascii key (transliteration, missing diacritics) */
  CD_MATCH_FUZZY      /* skeleton / edit distance: needs context */
} cd_match_level;

typedef enum cd_match_part {
  CD_PART_FULL = 0,
  CD_PART_SURNAME = 1,
  CD_PART_GIVEN = 2
} cd_match_part;

typedef struct cd_names_hit {
  char id[96];    /* entity id */
  char type[8];   /* person, place, org */
  int64_t entity; /* internal entity number (valid for this handle) */
  bool house;     /* the entity comes from the house overlay only */
  cd_match_level level;
  cd_match_part part;
  bool context;    /* context confirmed it (given name, role, earlier mention) */
  bool historical; /* status=historical: never rewrite */
  double score;    /* 0..1 */
  char why[96];    /* "exact variant", "transliteration", "fuzzy + given name", ... */
} cd_names_hit;

typedef struct cd_names_query {
  const char *text; /* UTF-8 span to identify */
  size_t len;
  const char *before; /* the text before the span on the same line (context), may be NULL */
  size_t before_len;
  const char *lang; /* language of the text */
  bool fuzzy;       /* try skeleton matches too */
  bool best_only;   /* only what can be the best hit: stop at the first level (exact,
                       transliteration, fuzzy) that finds something (the mention
                       scanner, which uses the best two) */
} cd_names_query;

/* Finds entities for a span, best first, at most max hits. */
cd_status cd_names_find(cd_names *db, const cd_names_query *q, cd_names_hit *hits, size_t max,
                        size_t *n, cd_error *err);

/* The canonical form of an entity in lang (fallback en) into out; part selects the full
 * form or the surname. Returns CD_ERR_INPUT when the entity has no form at all. */
cd_status cd_names_canonical(cd_names *db, const cd_names_hit *hit, const char *lang,
                             cd_match_part part, cd_buf *out, cd_error *err);

/* Calls fn for every form of the entity: lang ("" = any), kind ("canonical"/"variant"). A
 * status other than CD_OK from fn stops the walk and is returned (fn sets err). */
typedef cd_status (*cd_names_form_fn)(void *ud, const char *lang, const char *kind,
                                      const char *form, cd_error *err);
cd_status cd_names_forms(cd_names *db, const cd_names_hit *hit, cd_names_form_fn fn, void *ud,
                         cd_error *err);

/* Tests one context value of an entity (key "given", "role", "decl_uk", ...): calls fn for each
 * value. */
cd_status cd_names_context(cd_names *db, const cd_names_hit *hit, const char *key,
                           cd_names_form_fn fn, void *ud, cd_error *err);

/* Whether a word (folded) might be part of a known name: the cheap first test of the stage.
 * No false negatives for listed forms' words. */
bool cd_names_word_maybe(cd_names *db, const char *fold_or_ascii_key, size_t len);

/* ---- import / export ---------------------------------------------------------------------- */

typedef struct cd_names_import_stats {
  uint64_t read, written, skipped;
  char shape[32]; /* "wikidata", "wikidata-legacy", "jrc" */
} cd_names_import_stats;

typedef cd_status (*cd_names_write_fn)(void *ud, const char *p, size_t n, cd_error *err);

/* Streams a Wikidata entity JSON dump (one entity per line inside "[ … ]", gzip allowed, or a
 * single entity / {"entities":…} object) and writes TSV rows in the dicts/names format
 * (with the header line). Only humans (Q5) and places with labels are kept unless
 * keep_all. */
cd_status cd_names_import_wikidata(const char *path, bool keep_all, cd_names_write_fn w, void *ud,
                                   cd_names_import_stats *stats, cd_error *err);
/* JRC-Names style TSV: ID<TAB>TYPE<TAB>LANG<TAB>NAME (TYPE P/O, LANG u or ISO 639-1, + for
 * spaces); rows of one ID make one entity. gzip allowed. */
cd_status cd_names_import_jrc(const char *path, cd_names_write_fn w, void *ud,
                              cd_names_import_stats *stats, cd_error *err);

typedef enum cd_names_export_kind {
  CD_EXPORT_TSV,
  CD_EXPORT_DIC,
  CD_EXPORT_AFF
} cd_names_export_kind;
/* Exports the database (and overlay) as TSV, or the canonical names of lang as a hunspell
 * .dic (count line first) / a minimal .aff. */
cd_status cd_names_export(cd_names *db, cd_names_export_kind kind, const char *lang,
                          cd_names_write_fn w, void *ud, cd_error *err);

/* ---- resolving a span of text (shared by the lookup command and the normalize stage) ---- */

/* Splits an inflection suffix the entity lookup must ignore: English possessive 's / ’s /
 * s' (kept in the output), German genitive -s (kept only when lang is de). *core_len is the
 * length without it; *suffix_len its length; *keep whether the output keeps it. */
void cd_names_split_suffix(const char *s, size_t n, const char *lang, size_t *core_len,
                           size_t *suffix_len, bool *keep);

/* Builds the replacement for span (core + suffix) with hit in lang: canonical form (full or
 * surname as hit->part), all caps when the span is, suffix kept or dropped. */
cd_status cd_names_replacement(cd_names *db, const cd_names_hit *hit, const char *lang,
                               const char *span, size_t core_len, size_t span_len, bool keep,
                               cd_buf *out, cd_error *err);

/* Finds the best entities for a span, trying the suffix-less core when the whole span
 * finds nothing. *core_len / *suffix_keep report what was used. */
cd_status cd_names_find_span(cd_names *db, const cd_names_query *q, cd_names_hit *hits, size_t max,
                             size_t *n, size_t *core_len, bool *suffix_keep, cd_error *err);

/* ---- mentions in running text (the names stage of normalize, copydesk check) ------------ */

typedef struct cd_names_scanner cd_names_scanner;

typedef struct cd_names_scan_options {
  double threshold;         /* below this confidence a mention is reported, not rewritten
                               (default 0.9) */
  const char *data_dir;     /* the data directory (names/compound-heads.txt,
                               names/feminine-endings.txt); NULL = no lists */
  const char *hunspell_dir; /* default /usr/share/hunspell (uk_UA, ru_RU, de_DE, fr, en_US) */
} cd_names_scan_options;

void cd_names_scan_options_init(cd_names_scan_options *o);
/* A scanner over db (not owned: free the scanner first). It keeps per-document state (recent
 * full mentions, for surnames and near-misses later on) and per-word caches; hunspell
 * dictionaries are loaded on first need. o may be NULL (defaults). */
cd_status cd_names_scanner_new(cd_names *db, const cd_names_scan_options *o, cd_names_scanner **out,
                               cd_error *err);
void cd_names_scanner_free(cd_names_scanner *sc);
/* A new document: forgets earlier mentions. */
void cd_names_scanner_reset(cd_names_scanner *sc);
/* The line number of the next text (earlier mentions count for 12 lines); the scanner
 * also counts the line ends it sees. */
void cd_names_scanner_set_line(cd_names_scanner *sc, uint64_t line);

typedef struct cd_names_mention {
  size_t start, end;     /* bytes in the text */
  const char *entity;    /* entity id */
  const char *type;      /* person, place, org */
  const char *canonical; /* the house form for this span in the text's language: suffix kept
                            (Zelenskyy's), case matched (all caps), a case form of another
                            script as the lemma (Кривого Рогу -> Kryvyi Rih); when
                            is_canonical, the text itself */
  size_t canonical_len;
  bool is_canonical; /* the text already has the house form (or a case form of it) */
  bool rewrite;      /* confident: the names stage replaces the span with canonical;
                        false and !is_canonical: reported (flagged) only */
  double confidence; /* 0..1 */
  const char *rule;  /* names.variant, names.transliteration, names.inflection,
                        names.fuzzy, names.fuzzy+context */
  const char *why;   /* the evidence, in words ("a role of the person before the
                        name"); NULL for a mention already in house form */
} cd_names_mention;

/* Pointers in m are valid during the call only. A non-OK return stops the scan. */
typedef cd_status (*cd_names_mention_fn)(void *ud, const cd_names_mention *m, cd_error *err);

/* Reports every entity mention in text (UTF-8; spans never cross a line end), in order. The
 * same matching as the normalize stage. lang: the text's language ("en", "uk", "de-AT"). */
cd_status cd_names_scan(cd_names_scanner *sc, const char *text, size_t len, const char *lang,
                        cd_names_mention_fn fn, void *ud, cd_error *err);

/* ---- names the dictionary lacks ------------------------------------------------------- */

/* A capitalised name that is no entity of the dictionary: one to four words (particles
 * inside), none of them a common word of the language (hunspell, lower case), no acronym.
 * Keys group the spellings of one name across a batch (check's names.unknown-variant). */
typedef struct cd_names_unknown {
  size_t start, end;                 /* the whole name, bytes in the text */
  size_t surname_start, surname_end; /* its last word, without a possessive ('s) */
  size_t surname_stem_end; /* ... without its case ending (uk, ru: Довгополого) */
  size_t given_end;        /* the end of its first word; 0 for a surname alone */
  size_t given_stem_end;   /* ... without its case ending */
  const char *surname_key; /* cd_names_key_loose of the surname */
  const char *given_key;   /* loose key of the first word without its vowels
                              (Oleksandr, Alexander -> lksndr); "" for none */
} cd_names_unknown;

typedef cd_status (*cd_names_unknown_fn)(void *ud, const cd_names_unknown *u, cd_error *err);

/* Reports, in order, the names of text the dictionary lacks; known: n_known byte spans
 * [known[2i], known[2i+1]) of the entities cd_names_scan found there, skipped. */
cd_status cd_names_scan_unknown(cd_names_scanner *sc, const char *text, size_t len,
                                const char *lang, const size_t *known, size_t n_known,
                                cd_names_unknown_fn fn, void *ud, cd_error *err);

/* The spellings of names the dictionary lacks, grouped across a batch (check's
 * names.unknown-variant, `names discover`): per language, alphabet and surname key; a full
 * name's given name must agree (its key), a surname alone joins the one given name its
 * surname has in the batch and is in no group when it has two (Hanno Meyer, Elske Meier).
 * Spellings that differ only in case, hyphens, apostrophes or a case ending are one. */
typedef struct cd_names_groups cd_names_groups;

cd_status cd_names_groups_new(cd_names_groups **out, cd_error *err);
void cd_names_groups_free(cd_names_groups *g);
/* Adds one name found in text (in lang) by cd_names_scan_unknown; *index numbers it. */
cd_status cd_names_groups_add(cd_names_groups *g, const char *lang, const char *text,
                              const cd_names_unknown *u, size_t *index, cd_error *err);
/* The same with its place: document doc (any number that tells a batch's documents apart)
 * and line. A surname alone then joins the person only near a full mention in that
 * document. */
cd_status cd_names_groups_add_at(cd_names_groups *g, const char *lang, const char *text,
                                 const cd_names_unknown *u, size_t doc, uint64_t line,
                                 size_t *index, cd_error *err);
/* The same for weight mentions of one spelling at once (a caller that counts identical
 * mentions itself keeps memory to the spellings, not the mentions). */
cd_status cd_names_groups_add_n(cd_names_groups *g, const char *lang, const char *text,
                                const cd_names_unknown *u, size_t weight, size_t *index,
                                cd_error *err);
/* With a keyer, a Latin spelling that follows the house romanization of the Cyrillic form
 * the batch has for the same person (Ukrainian 2010, Russian BGN/PCGN) is the suggestion,
 * whatever the majority. */
void cd_names_groups_set_keyer(cd_names_groups *g, cd_names_keyer *k);
/* Groups what was added; call once, after the last add. */
cd_status cd_names_groups_resolve(cd_names_groups *g, cd_error *err);

typedef struct cd_names_variant {
  const char *written; /* the part as the name writes it, and its stem's bytes */
  size_t written_stem;
  const char *best; /* the group's most frequent spelling (first seen on a tie), as written */
  size_t best_stem;
  const char *summary; /* every spelling counted: "'Dovhopolyi' 3×, 'Dovhopoly' 1×" */
  size_t spellings;
} cd_names_variant;

/* Whether the part ('S' surname, 'G' given name) of name index is a minority spelling of
 * its group; fills out then. */
bool cd_names_groups_variant(cd_names_groups *g, size_t index, char part, cd_names_variant *out);

typedef struct cd_names_group_info {
  const char *group;   /* the group's key (names with the same key are one entity) */
  const char *surname; /* the majority surname as written, its stem's bytes, all spellings */
  size_t surname_stem;
  const char *surname_spellings;
  size_t surname_distinct; /* how many spellings of the surname */
  const char *given;       /* NULL when no name of the group has a given name */
  size_t given_stem;
  const char *given_spellings;
} cd_names_group_info;

/* The group of name index; false when it is in none (an ambiguous surname alone). */
bool cd_names_groups_info(cd_names_groups *g, size_t index, cd_names_group_info *out);

/* The names a batch uses that the dictionary lacks (`copydesk names discover`): texts and
 * both sides of aligned pairs are read with the scanner (which must outlive the
 * discovery), their unknown names grouped (cd_names_groups), each group one candidate. */
typedef struct cd_names_discovery cd_names_discovery;

typedef struct cd_names_candidate {
  char *name;       /* the majority full name, as written */
  const char *lang; /* the language of the texts it is in */
  const char *type; /* person, place, org from the words before it; NULL: no evidence */
  size_t mentions;
  char *spellings;        /* "'Dovhopolyi' 3×, 'Dovhopoly' 1×" (surname; "; " given name's) */
  char *variants;         /* other ways the batch writes it, "|"-separated; NULL: none */
  char *other_forms;      /* the forms aligned pairs show in other languages:
                             "uk:Довгополий|de:Dowhopolyj"; NULL: none */
  const char *context[2]; /* up to two short contexts (the second NULL when one) */
  unsigned votes[3];      /* person, place, org evidence */
  bool unknown_words;     /* some mention has a word the language's dictionary lacks */
  size_t distinct;        /* spellings of the surname */
} cd_names_candidate;

cd_status cd_names_discovery_new(cd_names_scanner *sc, cd_names_discovery **out, cd_error *err);
void cd_names_discovery_free(cd_names_discovery *d);
/* Reads one text in lang. pair: the same non-zero number for the two sides of one aligned
 * pair, added one after the other (0: an article). */
cd_status cd_names_discovery_add(cd_names_discovery *d, const char *text, size_t len,
                                 const char *lang, uint64_t pair, cd_error *err);
/* Groups what was read into candidates, most mentioned first. */
cd_status cd_names_discovery_finish(cd_names_discovery *d, cd_error *err);
size_t cd_names_discovery_count(const cd_names_discovery *d);
const cd_names_candidate *cd_names_discovery_get(const cd_names_discovery *d, size_t i);
/* Writes the candidates mentioned at least min_mentions times as a draft in the
 * dictionary's TSV format (dicts/names/README.md): one row per entity (the forms aligned
 * pairs show in other languages in their columns), the en column from the house
 * romanization of a Cyrillic form when the batch has no English one, the batch's other
 * spellings as variants, "-" where unknown; the compiler and the house
 * overlay read it as it is. */
cd_status cd_names_discovery_draft(cd_names_discovery *d, size_t min_mentions, cd_names_write_fn w,
                                   void *ud, cd_error *err);

/* ---- helpers shared with the normalize stage ------------------------------------------------ */

/* Shapes out like the all-caps original when orig is all caps (ICU upper-casing). */
cd_status cd_names_match_case(const char *orig, size_t orig_len, cd_buf *out);

#endif
