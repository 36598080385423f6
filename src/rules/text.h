/* text.h - the multilingual text rule family: strict UTF-8, Unicode
 * character classes, normalisation and grapheme clusters (text-unicode.c,
 * the utf8proc adapter), BCP 47 language tags and the languages of
 * countries (text-lang.c), and the "text" check kind itself (text.c). */
#ifndef CBEC_TEXT_H
#define CBEC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "pack/pack.h"

/* ---- UTF-8 and code point classes (text-unicode.c) ---- */

/* Decode one Unicode scalar value strictly.  Returns the sequence length
 * (1-4) and the code point in *cp, or 0 for anything that is not a
 * shortest-form UTF-8 sequence of a scalar value: stray continuation
 * bytes, overlong forms, encoded surrogates, values past U+10FFFF,
 * truncated sequences. */
size_t cbec__text_decode(const char *s, size_t n, uint32_t *cp);

/* The same decoder inlined, for the loops that run over every text of a
 * message (n > 0 required). */
static inline size_t cbec__text_decode_fast(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (u[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((c & 0x1Fu) << 6) | (u[1] & 0x3Fu);
        return 2;
    }
    if ((c & 0xF0u) == 0xE0u) {
        if (n < 3 || ((u[1] ^ 0x80u) | (u[2] ^ 0x80u)) & 0xC0u)
            return 0;
        uint32_t v = ((c & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0; /* overlong, or a surrogate */
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 || (u[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] >= 0x90))
            return 0; /* overlong, or past U+10FFFF */
        *cp = ((c & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
        return 4;
    }
    return 0;
}

/* U+FDD0..U+FDEF and the last two code points of every plane. */
static inline bool cbec__text_is_noncharacter(uint32_t cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFEu) == 0xFFFEu;
}

/* The classes of characters the "unsafe" check reports, each a distinct
 * reason.  Values are bits so a rule can hold a set of them. */
typedef enum cbec_text_unsafe {
    CBEC_TEXT_SAFE = 0,
    CBEC_TEXT_CONTROL = 1 << 0,     /* Cc other than TAB, LF, CR */
    CBEC_TEXT_LINE_BREAK = 1 << 1,  /* TAB, LF, CR, U+2028, U+2029 */
    CBEC_TEXT_BIDI = 1 << 2,        /* embeddings, overrides, isolates (Trojan Source) */
    CBEC_TEXT_BIDI_MARK = 1 << 3,   /* LRM, RLM, ALM */
    CBEC_TEXT_ZERO_WIDTH = 1 << 4,  /* invisible characters (ZWSP, ZWJ, word joiner, ...) */
    CBEC_TEXT_PRIVATE_USE = 1 << 5, /* general category Co */
    CBEC_TEXT_UNASSIGNED = 1 << 6,  /* general category Cn (noncharacters excluded) */
    CBEC_TEXT_TAG = 1 << 7          /* tag characters U+E0000..U+E007F */
} cbec_text_unsafe;

#define CBEC_TEXT_ALL_UNSAFE 0xFFu

/* The unsafe class of one code point, without context (a zero-width
 * joiner inside an emoji sequence is still CBEC_TEXT_ZERO_WIDTH here; the
 * check decides with its neighbours). */
cbec_text_unsafe cbec__text_unsafe_class(uint32_t cp);
/* The class of cp when it is one of the classes in mask, else possibly
 * CBEC_TEXT_SAFE: a check that only asks about some classes skips the
 * look-up of the general category when it needs neither private use nor
 * unassigned code points. */
cbec_text_unsafe cbec__text_unsafe_class_in(uint32_t cp, unsigned mask);

/* Unicode properties the checks need (from utf8proc's tables). */
bool cbec__text_is_private_use(uint32_t cp);
bool cbec__text_is_unassigned(uint32_t cp);   /* Cn, noncharacters included */
bool cbec__text_is_letter_or_mark(uint32_t cp);
bool cbec__text_is_extended_pictographic(uint32_t cp);
bool cbec__text_is_emoji_modifier(uint32_t cp); /* skin tones U+1F3FB..U+1F3FF */
/* The version of Unicode of utf8proc's tables, e.g. "15.0.0". */
const char *cbec__text_unicode_version(void);

/* ---- normalisation (text-unicode.c) ---- */

typedef enum cbec_text_nf {
    CBEC_TEXT_NFC = 1,
    CBEC_TEXT_NFD = 2,
    CBEC_TEXT_NFKC = 3,
    CBEC_TEXT_NFKD = 4,
    CBEC_TEXT_NFKC_CASEFOLD = 5  /* NFKC with case folding and default ignorables removed (matching) */
} cbec_text_nf;

/* Outcomes of the normalisation functions. */
#define CBEC_TEXT_NF_OK 0
#define CBEC_TEXT_NF_LIMIT (-1)   /* no safe chunk boundary within 64 KiB, or output past max_out */
#define CBEC_TEXT_NF_NOMEM (-2)
#define CBEC_TEXT_NF_INVALID (-3) /* not strict UTF-8 */

/* Normalise valid UTF-8 s and append the result to out.  The text is
 * processed in chunks cut before "stable" characters, so memory stays
 * bounded whatever the length.  max_out bounds the bytes appended (0: no
 * bound). */
int cbec__text_normalize(cbec_text_nf form, const char *s, size_t n, size_t max_out, cbec_buf *out);

/* 1 when s is already in the form, 0 when not, or a negative
 * CBEC_TEXT_NF_* code.  Costs nothing for ASCII text. */
int cbec__text_is_normalized(cbec_text_nf form, const char *s, size_t n);

/* True when cp is left as it is by form (NFC, NFD, NFKC or NFKD) whatever
 * its neighbours: a starter that does not decompose (or, for NFC, that
 * composes back from its canonical decomposition, as "é" does) and is
 * never the second part of a composition.  Text made only of such code
 * points is already in the form, which cbec__text_is_normalized answers
 * without normalising anything; tests prove the property code point by
 * code point against utf8proc's own normalisation. */
bool cbec__text_nf_inert(cbec_text_nf form, uint32_t cp);

/* Normalisation works in chunks of at most this many bytes between
 * stable characters; text up to this length is always decided. */
#define CBEC_TEXT_NF_CHUNK_MAX (64 * 1024)

/* The canonical combining class of cp (tests). */
int cbec__text_combining_class(uint32_t cp);

/* The CJK Unified Ideographs of the basic block: all assigned letters
 * (general category Lo), starters without decompositions, in no unsafe
 * class and inert under every normalisation form, so the checks of
 * Chinese text need no table look-ups for them (tests check each of these
 * facts against utf8proc's tables). */
static inline bool cbec__text_is_basic_han(uint32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; }

/* ---- grapheme clusters and lengths (text-unicode.c) ---- */

/* Extended grapheme cluster boundaries (UAX #29) between prev and next;
 * *state starts at 0 for each text. */
bool cbec__text_grapheme_break(uint32_t prev, uint32_t next, int32_t *state);
/* Extended grapheme clusters in valid UTF-8. */
size_t cbec__text_graphemes(const char *s, size_t n);

/* ---- BCP 47 language tags (text-lang.c) ---- */

/* The registered subtags, read from Debian's iso-codes at pack load time
 * and kept in compact bit sets (a few kilobytes per rule). */
typedef struct cbec_langtab cbec_langtab;

/* Read ISO 15924 from dir, and with with_languages also ISO 639-3 (with
 * the ISO 639-1 two-letter codes it carries), ISO 639-5, ISO 639-2 (for
 * suggestions) and ISO 3166-1.  Returns CBEC_OK with a new table in *out,
 * or an error status with a message in err.  Without the language parts
 * only script subtags are checked.  With cache_dir (CBEC_OPT_CACHE_DIR;
 * NULL or "": none) a table built from files of the same identities is
 * taken from that cache instead of reading them, and one built is stored
 * there. */
/* The iso-codes standards a language table reads (i from 0; NULL past the last). */
const char *cbec__langtab_file(bool with_languages, size_t i);
int cbec__langtab_load(const char *dir, const char *cache_dir, bool with_languages, cbec_langtab **out, char *err,
                       size_t errlen);
void cbec__langtab_free(cbec_langtab *t);
/* Tables built from the files so far in the process (tests). */
unsigned long cbec__langtab_build_count(void);
/* True when code (4 letters, any case) is an ISO 15924 script code. */
bool cbec__langtab_has_script(const cbec_langtab *t, const char *code, size_t n);

/* A checked tag: the canonical form (RFC 5646 case conventions) and the
 * parts the rules match on.  A bare ISO 15924 code used as a key ("latn",
 * a Latin-script rendering) is kept as a script-only tag. */
typedef struct cbec_langtag {
    char canon[64];
    char language[9];   /* lower case; "" for a script-only key */
    char script[5];     /* title case; "" when absent */
    char region[4];     /* upper case; "" when absent */
} cbec_langtag;

/* Why a tag was refused, in both report languages (static or filled into
 * the caller's buffers). */
typedef struct cbec_langtag_error {
    char en[160];
    char zh[160];
} cbec_langtag_error;

/* Check s as a BCP 47 language tag (RFC 5646): well-formed, and with t
 * (NULL: syntax only) its language, script and region subtags registered
 * in ISO 639 / ISO 15924 / ISO 3166-1 or UN M.49.  allow_script_key
 * accepts a bare script code such as "latn".  Returns true and fills *out,
 * or false and fills *e. */
bool cbec__langtag_check(const cbec_langtab *t, const char *s, size_t n, bool allow_script_key,
                         cbec_langtag *out, cbec_langtag_error *e);

/* The common case of cbec__langtag_check without a table, done quickly:
 * a two-letter language subtag alone ("zh", "EN") is always well formed.
 * Returns true and fills *out exactly as the full check would, or false
 * when the tag needs the full check. */
bool cbec__langtag_quick(const char *s, size_t n, cbec_langtag *out);

/* RFC 4647 basic filtering, case-insensitive: range "zh" matches "zh",
 * "zh-CN" and "zh-Hans-CN"; "*" matches every tag.  A range that is a bare
 * script code ("Latn") matches tags with that script subtag and the
 * script-only key itself. */
bool cbec__langtag_matches(const char *range, const cbec_langtag *tag);

/* The official languages of a country (ISO 3166-1 alpha-2, any case) as a
 * space-separated list of ISO 639-1 codes, or NULL when the built-in table
 * does not know the country. */
const char *cbec__country_languages(const char *cc, size_t n);
/* Number of countries in the built-in table, and the i-th code (tests). */
size_t cbec__country_count(void);
const char *cbec__country_code(size_t i);

/* ---- the check kind (text.c) ---- */

extern const cbec_check_kind cbec__kind_text;

#endif /* CBEC_TEXT_H */
