/* text-unicode.c - the utf8proc adapter (the only file that includes
 * utf8proc.h): strict UTF-8 decoding, character classes, bounded
 * normalisation and grapheme clusters for the text rule family. */
#include "rules/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Chunks of a text are normalised one at a time so memory stays bounded:
 * a chunk ends before a stable character once it holds CHUNK_TARGET bytes;
 * a text with no stable character for CHUNK_MAX bytes is not decided. */
#define CHUNK_TARGET 4096
#define CHUNK_MAX CBEC_TEXT_NF_CHUNK_MAX

size_t cbec__text_decode(const char *s, size_t n, uint32_t *cp)
{
    return n ? cbec__text_decode_fast(s, n, cp) : 0;
}

/* Characters with no glyph that can hide or split text.  Variation
 * selectors are not here: they change how the preceding character looks
 * (emoji presentation) and hide nothing. */
static bool is_zero_width(uint32_t cp)
{
    switch (cp) {
    case 0x00AD: /* soft hyphen */
    case 0x034F: /* combining grapheme joiner */
    case 0x115F: case 0x1160: /* Hangul choseong/jungseong fillers */
    case 0x17B4: case 0x17B5: /* Khmer inherent vowels */
    case 0x180E: /* Mongolian vowel separator */
    case 0x200B: case 0x200C: case 0x200D: /* ZWSP, ZWNJ, ZWJ */
    case 0x3164: case 0xFFA0: /* Hangul fillers */
    case 0xFEFF: /* zero width no-break space (BOM) */
        return true;
    default:
        break;
    }
    return (cp >= 0x2060 && cp <= 0x2064) || /* word joiner, invisible operators */
           (cp >= 0x206A && cp <= 0x206F) || /* deprecated format characters */
           (cp >= 0xFFF9 && cp <= 0xFFFB) || /* interlinear annotation */
           (cp >= 0x1BCA0 && cp <= 0x1BCA3) || /* shorthand format controls */
           (cp >= 0x1D173 && cp <= 0x1D17A);   /* musical formatting */
}

/* The classes in the order they are tested; the general category (a
 * table look-up) only when with_category. */
static cbec_text_unsafe unsafe_class(uint32_t cp, bool with_category)
{
    if (cp == 0x09 || cp == 0x0A || cp == 0x0D || cp == 0x2028 || cp == 0x2029)
        return CBEC_TEXT_LINE_BREAK;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return CBEC_TEXT_CONTROL;
    if (cp < 0xA0)
        return CBEC_TEXT_SAFE;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return CBEC_TEXT_BIDI;
    if (cp == 0x200E || cp == 0x200F || cp == 0x061C)
        return CBEC_TEXT_BIDI_MARK;
    if (is_zero_width(cp))
        return CBEC_TEXT_ZERO_WIDTH;
    if (cp >= 0xE0000 && cp <= 0xE007F)
        return CBEC_TEXT_TAG;
    if (cbec__text_is_noncharacter(cp) || !with_category)
        return CBEC_TEXT_SAFE; /* a noncharacter is an encoding error of its own, reported first */
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    if (cat == UTF8PROC_CATEGORY_CO)
        return CBEC_TEXT_PRIVATE_USE;
    if (cat == UTF8PROC_CATEGORY_CN)
        return CBEC_TEXT_UNASSIGNED;
    return CBEC_TEXT_SAFE;
}

cbec_text_unsafe cbec__text_unsafe_class(uint32_t cp) { return unsafe_class(cp, true); }

cbec_text_unsafe cbec__text_unsafe_class_in(uint32_t cp, unsigned mask)
{
    return unsafe_class(cp, (mask & (CBEC_TEXT_PRIVATE_USE | CBEC_TEXT_UNASSIGNED)) != 0);
}

bool cbec__text_is_private_use(uint32_t cp)
{
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CO;
}

bool cbec__text_is_unassigned(uint32_t cp)
{
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CN;
}

bool cbec__text_is_letter_or_mark(uint32_t cp)
{
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME;
}

bool cbec__text_is_extended_pictographic(uint32_t cp)
{
    switch (utf8proc_get_property((utf8proc_int32_t)cp)->boundclass) {
    case UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC:
    case UTF8PROC_BOUNDCLASS_E_BASE:
    case UTF8PROC_BOUNDCLASS_E_BASE_GAZ:
    case UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ:
        return true;
    default:
        return false;
    }
}

bool cbec__text_is_emoji_modifier(uint32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

const char *cbec__text_unicode_version(void) { return utf8proc_unicode_version(); }

/* ---- normalisation ---- */

static utf8proc_option_t nf_options(cbec_text_nf form)
{
    switch (form) {
    case CBEC_TEXT_NFC: return UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    case CBEC_TEXT_NFD: return UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
    case CBEC_TEXT_NFKC: return UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    case CBEC_TEXT_NFKD: return UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    case CBEC_TEXT_NFKC_CASEFOLD:
        return UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    }
    return UTF8PROC_STABLE | UTF8PROC_COMPOSE;
}

/* A chunk may start before cp when nothing in front of cp can change
 * because of cp or what follows it: cp is a starter (combining class 0,
 * not a mark), has no decomposition of any kind, is not default-ignorable
 * (ignorables are dropped by the matching form) and is not a second
 * element of a canonical composition (Hangul medial vowels and final
 * consonants are the only such starters that are not marks). */
static bool chunk_may_start(uint32_t cp)
{
    if (cp < 0x80)
        return true;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
        return false;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    if (p->combining_class || p->decomp_seqindex != UINT16_MAX || p->ignorable)
        return false;
    return p->category < UTF8PROC_CATEGORY_MN || p->category > UTF8PROC_CATEGORY_ME;
}

typedef int (*chunk_fn)(void *ctx, const char *chunk, size_t len, bool ascii);

/* Cut s into chunks at stable characters and hand each to fn. */
static int for_each_chunk(const char *s, size_t n, chunk_fn fn, void *ctx)
{
    size_t start = 0, i = 0;
    bool ascii = true;
    while (i < n) {
        uint32_t cp;
        size_t k = cbec__text_decode(s + i, n - i, &cp);
        if (!k)
            return CBEC_TEXT_NF_INVALID;
        if (i - start >= CHUNK_TARGET && chunk_may_start(cp)) {
            int rc = fn(ctx, s + start, i - start, ascii);
            if (rc)
                return rc;
            start = i;
            ascii = true;
        } else if (i - start >= CHUNK_MAX) {
            return CBEC_TEXT_NF_LIMIT;
        }
        ascii &= cp < 0x80;
        i += k;
    }
    return n > start ? fn(ctx, s + start, n - start, ascii) : CBEC_TEXT_NF_OK;
}

typedef struct nf_ctx {
    utf8proc_option_t opts;
    bool keep_ascii;   /* the form leaves ASCII unchanged */
    cbec_buf *out;     /* normalise: output; is_normalized: NULL */
    size_t max_out;
    bool differs;
} nf_ctx;

static int nf_chunk(void *vctx, const char *chunk, size_t len, bool ascii)
{
    nf_ctx *c = vctx;
    if (ascii && c->keep_ascii) {
        if (c->out) {
            if (c->max_out && c->out->len + len > c->max_out)
                return CBEC_TEXT_NF_LIMIT;
            cbec__buf_add(c->out, chunk, len);
        }
        return CBEC_TEXT_NF_OK;
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)chunk, (utf8proc_ssize_t)len, &dst, c->opts);
    if (m < 0)
        return m == UTF8PROC_ERROR_NOMEM || m == UTF8PROC_ERROR_OVERFLOW ? CBEC_TEXT_NF_NOMEM
                                                                         : CBEC_TEXT_NF_INVALID;
    int rc = CBEC_TEXT_NF_OK;
    if (c->out) {
        if (c->max_out && c->out->len + (size_t)m > c->max_out)
            rc = CBEC_TEXT_NF_LIMIT;
        else
            cbec__buf_add(c->out, (const char *)dst, (size_t)m);
    } else if ((size_t)m != len || memcmp(dst, chunk, len) != 0) {
        c->differs = true;
        rc = 1; /* stop: the answer is known */
    }
    free(dst);
    return rc;
}

int cbec__text_normalize(cbec_text_nf form, const char *s, size_t n, size_t max_out, cbec_buf *out)
{
    nf_ctx c = {nf_options(form), form != CBEC_TEXT_NFKC_CASEFOLD, out, max_out, false};
    int rc = for_each_chunk(s, n, nf_chunk, &c);
    if (rc == CBEC_TEXT_NF_OK && out->oom)
        rc = CBEC_TEXT_NF_NOMEM;
    return rc;
}

/* Hangul syllables decompose algorithmically (utf8proc's tables carry no
 * mapping for them); their medial vowels and final consonants are the
 * second parts of algorithmic compositions. */
static bool is_hangul_syllable(uint32_t cp) { return cp >= 0xAC00 && cp <= 0xD7A3; }
static bool is_hangul_vt(uint32_t cp) { return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2); }

bool cbec__text_nf_inert(cbec_text_nf form, uint32_t cp)
{
    if (form < CBEC_TEXT_NFC || form > CBEC_TEXT_NFKD)
        return false; /* the matching form also folds case and drops ignorables */
    if (cp < 0x80 || cbec__text_is_basic_han(cp))
        return true;
    bool composes = form == CBEC_TEXT_NFC || form == CBEC_TEXT_NFKC;
    if (is_hangul_syllable(cp))
        return composes;
    if (is_hangul_vt(cp))
        return false;
    /* marks, including the spacing vowel signs of combining class 0 that
     * are the second parts of compositions (U+0BBE, U+0CC2, U+0DCF...) */
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    if (p->combining_class || (p->category >= UTF8PROC_CATEGORY_MN && p->category <= UTF8PROC_CATEGORY_ME))
        return false;
    if (p->decomp_seqindex == UINT16_MAX)
        return true;
    if (form != CBEC_TEXT_NFC || p->decomp_type != 0)
        return false; /* it decomposes, or its compatibility mapping counts */
    /* a precomposed letter ("é") is in NFC when NFC composes its canonical
     * decomposition back into it, and its decomposition starts with an
     * inert character (so the letter cannot compose with what precedes
     * it); this decides on a few code points, without allocating */
    utf8proc_int32_t d[8];
    int boundclass = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 8, UTF8PROC_DECOMPOSE, &boundclass);
    if (k < 2 || k > 8 || (uint32_t)d[0] == cp || !cbec__text_nf_inert(CBEC_TEXT_NFD, (uint32_t)d[0]))
        return false;
    return utf8proc_normalize_utf32(d, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE) == 1 && (uint32_t)d[0] == cp;
}

int cbec__text_combining_class(uint32_t cp)
{
    return utf8proc_get_property((utf8proc_int32_t)cp)->combining_class;
}

/* Text made of inert code points is in the form: nothing decomposes, all
 * are starters (no reordering) and none composes with what precedes it.
 * Returns 1 for such text, 0 when the normalisation must decide.  The
 * scan keeps the chunk boundaries of for_each_chunk, so text the chunked
 * path cannot decide (no boundary within CHUNK_MAX) is left to it. */
static int inert_scan(cbec_text_nf form, const char *s, size_t n)
{
    if (form < CBEC_TEXT_NFC || form > CBEC_TEXT_NFKD)
        return 0;
    size_t start = 0, i = 0;
    while (i < n) {
        uint32_t cp = (unsigned char)s[i];
        size_t k = 1;
        if (cp >= 0x80 && (!(k = cbec__text_decode_fast(s + i, n - i, &cp)) || !cbec__text_nf_inert(form, cp)))
            return 0;
        if (i - start >= CHUNK_TARGET) {
            if (chunk_may_start(cp))
                start = i;
            else if (i - start >= CHUNK_MAX)
                return 0;
        }
        i += k;
    }
    return 1;
}

int cbec__text_is_normalized(cbec_text_nf form, const char *s, size_t n)
{
    if (inert_scan(form, s, n))
        return 1;
    nf_ctx c = {nf_options(form), form != CBEC_TEXT_NFKC_CASEFOLD, NULL, 0, false};
    int rc = for_each_chunk(s, n, nf_chunk, &c);
    if (c.differs)
        return 0;
    return rc == CBEC_TEXT_NF_OK ? 1 : rc;
}

/* ---- grapheme clusters ---- */

bool cbec__text_grapheme_break(uint32_t prev, uint32_t next, int32_t *state)
{
    return utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)next, state);
}

size_t cbec__text_graphemes(const char *s, size_t n)
{
    size_t count = 0, i = 0;
    int32_t state = 0;
    uint32_t prev = 0;
    bool first = true;
    while (i < n) {
        uint32_t cp;
        size_t k = cbec__text_decode(s + i, n - i, &cp);
        if (!k) {
            /* not reached for checked text; a stray byte counts as one */
            count++;
            first = true;
            state = 0;
            i++;
            continue;
        }
        if (first || cbec__text_grapheme_break(prev, cp, &state))
            count++;
        first = false;
        prev = cp;
        i += k;
    }
    return count;
}
