/* test-rules-text.c - the multilingual text rules: strict UTF-8, character
 * classes, normalisation and grapheme clusters (with Unicode's own
 * conformance files when installed), BCP 47 tags, the "text" check kind
 * through packs, and findings rendered in several languages. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "rules/kinds.h"
#include "rules/text.h"
#include "test-run.h"

/* ---- helpers ---- */

static const char *unicode_dir(void)
{
    const char *d = getenv("CBEC_UNICODE_DATA");
    return d && *d ? d : "/usr/share/unicode";
}

static void put_utf8(cbec_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    cbec__buf_add(b, u, n);
}

/* "0044 0307" -> UTF-8 */
static void hex_to_utf8(const char *s, cbec_buf *b)
{
    cbec__buf_reset(b);
    while (*s) {
        char *end;
        unsigned long cp = strtoul(s, &end, 16);
        if (end == s)
            break;
        put_utf8(b, (uint32_t)cp);
        s = end;
        while (*s == ' ')
            s++;
    }
}

static char *normalized(cbec_text_nf form, const char *s, size_t n)
{
    cbec_buf b;
    cbec__buf_init(&b);
    ck_assert_int_eq(cbec__text_normalize(form, s, n, 0, &b), CBEC_TEXT_NF_OK);
    char *r = cbec__strndup(cbec__buf_cstr(&b), b.len);
    cbec__buf_free(&b);
    return r;
}

/* ---- UTF-8 and classes ---- */

START_TEST(test_text_decode_accepts_only_shortest_scalar_values)
{
    uint32_t cp;
    ck_assert_uint_eq(cbec__text_decode("A", 1, &cp), 1);
    ck_assert_uint_eq(cp, 'A');
    ck_assert_uint_eq(cbec__text_decode("\xC3\xA9", 2, &cp), 2);
    ck_assert_uint_eq(cp, 0xE9);
    ck_assert_uint_eq(cbec__text_decode("\xE4\xB8\xAD", 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x4E2D);
    ck_assert_uint_eq(cbec__text_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1F600);
    ck_assert_uint_eq(cbec__text_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x10FFFF);
    /* overlong forms */
    ck_assert_uint_eq(cbec__text_decode("\xC0\x80", 2, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xC1\xBF", 2, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xE0\x80\xAF", 3, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xF0\x80\x80\xAF", 4, &cp), 0);
    /* surrogates, past U+10FFFF, stray and truncated */
    ck_assert_uint_eq(cbec__text_decode("\xED\xA0\x80", 3, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xED\xBF\xBF", 3, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xF4\x90\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xF5\x80\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\x80", 1, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xE4\xB8", 2, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("\xE4\x41\xAD", 3, &cp), 0);
    ck_assert_uint_eq(cbec__text_decode("", 0, &cp), 0);
}
END_TEST

START_TEST(test_text_classes_are_distinct)
{
    ck_assert_int_eq(cbec__text_unsafe_class('a'), CBEC_TEXT_SAFE);
    ck_assert_int_eq(cbec__text_unsafe_class(0x4E2D), CBEC_TEXT_SAFE);
    ck_assert_int_eq(cbec__text_unsafe_class(0x0627), CBEC_TEXT_SAFE); /* Arabic alef */
    ck_assert_int_eq(cbec__text_unsafe_class(0x0301), CBEC_TEXT_SAFE);
    ck_assert_int_eq(cbec__text_unsafe_class(0xFE0F), CBEC_TEXT_SAFE); /* variation selector */
    ck_assert_int_eq(cbec__text_unsafe_class(0x00), CBEC_TEXT_CONTROL);
    ck_assert_int_eq(cbec__text_unsafe_class(0x1B), CBEC_TEXT_CONTROL);
    ck_assert_int_eq(cbec__text_unsafe_class(0x7F), CBEC_TEXT_CONTROL);
    ck_assert_int_eq(cbec__text_unsafe_class(0x85), CBEC_TEXT_CONTROL);
    ck_assert_int_eq(cbec__text_unsafe_class('\n'), CBEC_TEXT_LINE_BREAK);
    ck_assert_int_eq(cbec__text_unsafe_class('\t'), CBEC_TEXT_LINE_BREAK);
    ck_assert_int_eq(cbec__text_unsafe_class(0x2029), CBEC_TEXT_LINE_BREAK);
    for (uint32_t cp = 0x202A; cp <= 0x202E; cp++)
        ck_assert_int_eq(cbec__text_unsafe_class(cp), CBEC_TEXT_BIDI);
    for (uint32_t cp = 0x2066; cp <= 0x2069; cp++)
        ck_assert_int_eq(cbec__text_unsafe_class(cp), CBEC_TEXT_BIDI);
    ck_assert_int_eq(cbec__text_unsafe_class(0x200F), CBEC_TEXT_BIDI_MARK);
    ck_assert_int_eq(cbec__text_unsafe_class(0x061C), CBEC_TEXT_BIDI_MARK);
    ck_assert_int_eq(cbec__text_unsafe_class(0x200B), CBEC_TEXT_ZERO_WIDTH);
    ck_assert_int_eq(cbec__text_unsafe_class(0x200D), CBEC_TEXT_ZERO_WIDTH);
    ck_assert_int_eq(cbec__text_unsafe_class(0x2060), CBEC_TEXT_ZERO_WIDTH);
    ck_assert_int_eq(cbec__text_unsafe_class(0xFEFF), CBEC_TEXT_ZERO_WIDTH);
    ck_assert_int_eq(cbec__text_unsafe_class(0x00AD), CBEC_TEXT_ZERO_WIDTH);
    ck_assert_int_eq(cbec__text_unsafe_class(0xE000), CBEC_TEXT_PRIVATE_USE);
    ck_assert_int_eq(cbec__text_unsafe_class(0x10FFFD), CBEC_TEXT_PRIVATE_USE);
    ck_assert_int_eq(cbec__text_unsafe_class(0x0378), CBEC_TEXT_UNASSIGNED);
    ck_assert_int_eq(cbec__text_unsafe_class(0xE0041), CBEC_TEXT_TAG);
    /* noncharacters are encoding errors, reported before any class */
    ck_assert(cbec__text_is_noncharacter(0xFDD0));
    ck_assert(cbec__text_is_noncharacter(0xFFFE));
    ck_assert(cbec__text_is_noncharacter(0x10FFFF));
    ck_assert(!cbec__text_is_noncharacter(0xFFFD));
    ck_assert_int_eq(cbec__text_unsafe_class(0xFFFE), CBEC_TEXT_SAFE);
    ck_assert(cbec__text_is_extended_pictographic(0x1F469));
    ck_assert(!cbec__text_is_extended_pictographic('A'));
}
END_TEST

/* ---- normalisation ---- */

START_TEST(test_text_normalization_forms)
{
    char *s = normalized(CBEC_TEXT_NFC, "Cafe\xCC\x81", 6);
    ck_assert_str_eq(s, "Caf\xC3\xA9");
    free(s);
    s = normalized(CBEC_TEXT_NFD, "Caf\xC3\xA9", 5);
    ck_assert_str_eq(s, "Cafe\xCC\x81");
    free(s);
    /* halfwidth katakana KA + voiced mark -> GA; circled digit -> 1 */
    s = normalized(CBEC_TEXT_NFKC, "\xEF\xBD\xB6\xEF\xBE\x9E\xE2\x91\xA0", 9);
    ck_assert_str_eq(s, "\xE3\x82\xAC" "1");
    free(s);
    /* Hangul jamo L V T compose to one syllable (한) */
    s = normalized(CBEC_TEXT_NFC, "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 9);
    ck_assert_str_eq(s, "\xED\x95\x9C");
    free(s);
    /* matching form: case folded, compatibility mapped, invisibles gone */
    s = normalized(CBEC_TEXT_NFKC_CASEFOLD, "\xEF\xBC\xA7I\xE2\x80\x8B" "FT", 9);
    ck_assert_str_eq(s, "gift");
    free(s);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, "plain ascii", 11), 1);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, "\xE4\xB8\xAD\xE6\x96\x87", 6), 1);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, "e\xCC\x81", 3), 0);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFD, "e\xCC\x81", 3), 1);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFKC, "\xEF\xBC\xA1", 3), 0); /* fullwidth A */
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, "\xEF\xBC\xA1", 3), 1);
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, "\xC0\x80", 2), CBEC_TEXT_NF_INVALID);
}
END_TEST

START_TEST(test_text_normalization_is_bounded)
{
    /* 70 000 combining marks: no stable place to cut, so not decided */
    size_t n = 2 * 70000 + 1;
    char *s = malloc(n);
    s[0] = 'a';
    for (size_t i = 1; i < n; i += 2) {
        s[i] = (char)0xCC;
        s[i + 1] = (char)0x81;
    }
    ck_assert_int_eq(cbec__text_is_normalized(CBEC_TEXT_NFC, s, n), CBEC_TEXT_NF_LIMIT);
    cbec_buf b;
    cbec__buf_init(&b);
    ck_assert_int_eq(cbec__text_normalize(CBEC_TEXT_NFC, s, n, 0, &b), CBEC_TEXT_NF_LIMIT);
    cbec__buf_free(&b);
    /* output past max_out is a limit, not a truncated answer */
    cbec__buf_init(&b);
    ck_assert_int_eq(cbec__text_normalize(CBEC_TEXT_NFKC, "\xEF\xB7\xBA", 3, 10, &b), CBEC_TEXT_NF_LIMIT);
    cbec__buf_free(&b);
    free(s);
}
END_TEST

/* Normalising a long text chunk by chunk gives what normalising its parts
 * separated by spaces gives (a space is a stable boundary). */
START_TEST(test_text_normalization_chunks_agree_with_parts)
{
    static const char *const parts[] = {
        "e\xCC\x81", "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xEF\xBD\xB6\xEF\xBE\x9E", "A\xCC\xA3\xCC\x87",
        "\xE4\xB8\xAD\xE6\x96\x87", "\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A", "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB",
        "\xE0\xA4\x95\xE0\xA4\xBC",
    };
    for (int form = CBEC_TEXT_NFC; form <= CBEC_TEXT_NFKD; form++) {
        cbec_buf whole, expect;
        cbec__buf_init(&whole);
        cbec__buf_init(&expect);
        for (int rep = 0; rep < 3000; rep++) {
            const char *p = parts[rep % CBEC_ARRAY_LEN(parts)];
            /* no space between some parts, so chunks also cut inside words */
            bool space = rep % 3 != 0;
            cbec__buf_adds(&whole, p);
            char *np = normalized((cbec_text_nf)form, p, strlen(p));
            cbec__buf_adds(&expect, np);
            free(np);
            if (space) {
                cbec__buf_addc(&whole, ' ');
                cbec__buf_addc(&expect, ' ');
            }
        }
        ck_assert_uint_gt(whole.len, 3 * 4096);
        char *got = normalized((cbec_text_nf)form, whole.data, whole.len);
        /* parts glued without a space may compose across (Hangul LV + T is
         * the only such pair here and it never follows a part that ends in
         * L or LV), so the expectation holds */
        ck_assert_str_eq(got, cbec__buf_cstr(&expect));
        ck_assert_int_eq(cbec__text_is_normalized((cbec_text_nf)form, got, strlen(got)), 1);
        free(got);
        cbec__buf_free(&whole);
        cbec__buf_free(&expect);
    }
}
END_TEST

/* Unicode's NormalizationTest.txt: for every line c1..c5,
 * NFC: c2 = toNFC(c1) = toNFC(c2) = toNFC(c3), c4 = toNFC(c4) = toNFC(c5);
 * NFD: c3 = toNFD(c1..c3), c5 = toNFD(c4) = toNFD(c5);
 * NFKC: c4 = toNFKC(c1..c5); NFKD: c5 = toNFKD(c1..c5). */
START_TEST(test_text_normalization_conformance)
{
    char path[1024], cmd[1200], line[2048];
    snprintf(path, sizeof path, "%s/NormalizationTest.txt.bz2", unicode_dir());
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        fprintf(stderr, "# skipped: %s not installed (Debian package unicode-data)\n", path);
        return;
    }
    fclose(probe);
    snprintf(cmd, sizeof cmd, "bzip2 -dc '%s'", path);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    cbec_buf c[5];
    for (int i = 0; i < 5; i++)
        cbec__buf_init(&c[i]);
    size_t lines = 0, failures = 0;
    bool version_checked = false;
    while (fgets(line, sizeof line, f)) {
        if (!version_checked && strncmp(line, "# NormalizationTest-", 20) == 0) {
            version_checked = true;
            char want[32];
            snprintf(want, sizeof want, "%s.txt", cbec__text_unicode_version());
            if (strncmp(line + 20, want, strlen(want)) != 0) {
                fprintf(stderr, "# skipped: %s is for another Unicode version than utf8proc's %s\n", path,
                        cbec__text_unicode_version());
                break;
            }
        }
        if (line[0] == '#' || line[0] == '@' || line[0] == '\n')
            continue;
        char *field = line;
        for (int i = 0; i < 5; i++) {
            char *semi = strchr(field, ';');
            ck_assert_ptr_nonnull(semi);
            *semi = '\0';
            hex_to_utf8(field, &c[i]);
            field = semi + 1;
        }
        static const struct {
            cbec_text_nf form;
            int want[5];
        } checks[] = {
            {CBEC_TEXT_NFC, {1, 1, 1, 3, 3}},
            {CBEC_TEXT_NFD, {2, 2, 2, 4, 4}},
            {CBEC_TEXT_NFKC, {3, 3, 3, 3, 3}},
            {CBEC_TEXT_NFKD, {4, 4, 4, 4, 4}},
        };
        for (size_t k = 0; k < CBEC_ARRAY_LEN(checks); k++)
            for (int i = 0; i < 5; i++) {
                char *got = normalized(checks[k].form, c[i].data, c[i].len);
                const cbec_buf *w = &c[checks[k].want[i]];
                if (strlen(got) != w->len || memcmp(got, w->data, w->len) != 0) {
                    if (failures++ < 10)
                        fprintf(stderr, "# NormalizationTest line %zu: form %d of c%d differs\n", lines + 1,
                                (int)checks[k].form, i + 1);
                }
                /* the quick answer agrees with the full one */
                int is = cbec__text_is_normalized(checks[k].form, c[i].data, c[i].len);
                bool same = strlen(got) == c[i].len && memcmp(got, c[i].data, c[i].len) == 0;
                if (is != (same ? 1 : 0) && failures++ < 10)
                    fprintf(stderr, "# NormalizationTest line %zu: is_normalized disagrees\n", lines + 1);
                free(got);
            }
        lines++;
    }
    pclose(f);
    for (int i = 0; i < 5; i++)
        cbec__buf_free(&c[i]);
    if (version_checked && lines)
        ck_assert_uint_gt(lines, 18000);
    ck_assert_uint_eq(failures, 0);
}
END_TEST

/* The quick answer of cbec__text_is_normalized rests on
 * cbec__text_nf_inert.  Its promise is proved here code point by code
 * point against utf8proc's normalisation: an inert code point is a starter
 * that the form leaves as it is, and under the composing forms neither it
 * nor the first code point of its canonical decomposition is ever the
 * second part of a composition (every second part that can compose
 * follows the first code point of some canonical decomposition).  Text
 * made of such code points therefore decomposes to itself (or to
 * decompositions NFC composes straight back), needs no reordering, and
 * composes with nothing across code points. */
START_TEST(test_text_nf_inert_is_proved_for_every_code_point)
{
    enum { N = 0x110000 };
    uint8_t *second = calloc(N / 8, 1), *nfd_same = calloc(N / 8, 1), *nfkd_same = calloc(N / 8, 1);
    uint32_t *first = calloc(N, sizeof *first);
    ck_assert(second && nfd_same && nfkd_same && first);
    cbec_buf in, out;
    cbec__buf_init(&in);
    cbec__buf_init(&out);
    /* assertions in these loops only count, so a million code points do
     * not mean a million reports to the test runner */
    size_t failures = 0;
#define FAIL_IF(cond, ...)                                                                                  \
    do {                                                                                                    \
        if (cond) {                                                                                         \
            if (failures++ < 10)                                                                            \
                fprintf(stderr, "# " __VA_ARGS__);                                                          \
        }                                                                                                   \
    } while (0)
    for (uint32_t cp = 0; cp < N; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        cbec__buf_reset(&in);
        put_utf8(&in, cp);
        for (int f = 0; f < 2; f++) {
            cbec__buf_reset(&out);
            int rc = cbec__text_normalize(f ? CBEC_TEXT_NFKD : CBEC_TEXT_NFD, in.data, in.len, 0, &out);
            FAIL_IF(rc != CBEC_TEXT_NF_OK, "U+%04X: normalisation failed\n", (unsigned)cp);
            if (out.len == in.len && memcmp(out.data, in.data, in.len) == 0)
                (f ? nfkd_same : nfd_same)[cp / 8] |= (uint8_t)(1u << (cp % 8));
            if (f)
                continue;
            size_t i = 0, pos = 0;
            while (i < out.len) {
                uint32_t d = 0;
                size_t k = cbec__text_decode(out.data + i, out.len - i, &d);
                FAIL_IF(!k, "U+%04X: bad NFD\n", (unsigned)cp);
                if (pos++ == 0)
                    first[cp] = d;
                else
                    second[d / 8] |= (uint8_t)(1u << (d % 8));
                i += k ? k : 1;
            }
        }
    }
#define BIT(set, c) (((set)[(c) / 8] >> ((c) % 8)) & 1)
    size_t inert[5] = {0};
    for (uint32_t cp = 0; cp < N; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        for (int form = CBEC_TEXT_NFC; form <= CBEC_TEXT_NFKD; form++) {
            if (!cbec__text_nf_inert((cbec_text_nf)form, cp))
                continue;
            inert[form]++;
            FAIL_IF(cbec__text_combining_class(cp) != 0, "U+%04X form %d: not a starter\n", (unsigned)cp, form);
            bool composes = form == CBEC_TEXT_NFC || form == CBEC_TEXT_NFKC;
            bool same = BIT(form == CBEC_TEXT_NFC || form == CBEC_TEXT_NFD ? nfd_same : nfkd_same, cp);
            if (!same && composes) {
                /* a decomposition the form composes back */
                cbec__buf_reset(&in);
                put_utf8(&in, cp);
                cbec__buf_reset(&out);
                int rc = cbec__text_normalize((cbec_text_nf)form, in.data, in.len, 0, &out);
                same = rc == CBEC_TEXT_NF_OK && out.len == in.len && memcmp(out.data, in.data, in.len) == 0;
            }
            FAIL_IF(!same, "U+%04X changes under form %d\n", (unsigned)cp, form);
            if (composes) {
                FAIL_IF(BIT(second, cp), "U+%04X can be a second part\n", (unsigned)cp);
                FAIL_IF(BIT(second, first[cp]), "U+%04X starts with a second part\n", (unsigned)cp);
                FAIL_IF(cbec__text_combining_class(first[cp]) != 0, "U+%04X starts with a mark\n", (unsigned)cp);
            }
        }
        /* the matching form is never answered quickly */
        FAIL_IF(cbec__text_nf_inert(CBEC_TEXT_NFKC_CASEFOLD, cp), "U+%04X inert when matching\n", (unsigned)cp);
    }
#undef BIT
#undef FAIL_IF
    ck_assert_uint_eq(failures, 0);
    /* the quick path covers the common scripts: all of ASCII, Latin-1
     * letters for NFC, the basic Han block, Hangul syllables for NFC */
    ck_assert(cbec__text_nf_inert(CBEC_TEXT_NFC, 0xE9));   /* é */
    ck_assert(!cbec__text_nf_inert(CBEC_TEXT_NFD, 0xE9));
    ck_assert(!cbec__text_nf_inert(CBEC_TEXT_NFC, 0x0301)); /* combining acute */
    ck_assert(!cbec__text_nf_inert(CBEC_TEXT_NFC, 0x212B)); /* angstrom sign: a singleton */
    ck_assert(cbec__text_nf_inert(CBEC_TEXT_NFC, 0xD55C));  /* 한 */
    ck_assert(!cbec__text_nf_inert(CBEC_TEXT_NFC, 0x11AB)); /* a final consonant composes */
    ck_assert_uint_gt(inert[CBEC_TEXT_NFC], 200000);
    ck_assert_uint_gt(inert[CBEC_TEXT_NFD], 200000);
    cbec__buf_free(&in);
    cbec__buf_free(&out);
    free(second);
    free(nfd_same);
    free(nfkd_same);
    free(first);
}
END_TEST

/* The facts the checks assume of the basic Han block. */
START_TEST(test_text_basic_han_block_facts)
{
    size_t failures = 0;
    for (uint32_t cp = 0x4E00; cp <= 0x9FFF; cp++)
        if (!cbec__text_is_basic_han(cp) || cbec__text_unsafe_class(cp) != CBEC_TEXT_SAFE ||
            !cbec__text_is_letter_or_mark(cp) || cbec__text_is_unassigned(cp) || cbec__text_is_private_use(cp) ||
            cbec__text_is_noncharacter(cp) || cbec__text_combining_class(cp) != 0) {
            if (failures++ < 10)
                fprintf(stderr, "# U+%04X is not a plain Han letter\n", (unsigned)cp);
        }
    ck_assert_uint_eq(failures, 0);
    ck_assert(!cbec__text_is_basic_han(0x4DFF));
    ck_assert(!cbec__text_is_basic_han(0xA000));
}
END_TEST

/* The class asked for a subset of the classes agrees with the full one
 * on that subset, for every code point. */
START_TEST(test_text_unsafe_class_in_agrees)
{
    static const unsigned masks[] = {
        CBEC_TEXT_ALL_UNSAFE, CBEC_TEXT_ALL_UNSAFE & ~(unsigned)(CBEC_TEXT_PRIVATE_USE | CBEC_TEXT_UNASSIGNED),
        CBEC_TEXT_CONTROL | CBEC_TEXT_LINE_BREAK | CBEC_TEXT_BIDI | CBEC_TEXT_BIDI_MARK | CBEC_TEXT_ZERO_WIDTH,
        CBEC_TEXT_PRIVATE_USE, CBEC_TEXT_UNASSIGNED, CBEC_TEXT_TAG,
    };
    size_t failures = 0;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        unsigned full = cbec__text_unsafe_class(cp);
        for (size_t m = 0; m < CBEC_ARRAY_LEN(masks); m++) {
            unsigned got = cbec__text_unsafe_class_in(cp, masks[m]);
            if ((got & masks[m]) != (full & masks[m]) || ((got & masks[m]) && got != full)) {
                if (failures++ < 10)
                    fprintf(stderr, "# U+%04X mask %x: %x, not %x\n", (unsigned)cp, masks[m], got, full);
            }
        }
    }
    ck_assert_uint_eq(failures, 0);
}
END_TEST

/* ---- grapheme clusters ---- */

START_TEST(test_text_graphemes_of_scripts_and_emoji)
{
    ck_assert_uint_eq(cbec__text_graphemes("", 0), 0);
    ck_assert_uint_eq(cbec__text_graphemes("abc", 3), 3);
    ck_assert_uint_eq(cbec__text_graphemes("e\xCC\x81", 3), 1);                      /* e + combining acute */
    ck_assert_uint_eq(cbec__text_graphemes("\r\n", 2), 1);
    ck_assert_uint_eq(cbec__text_graphemes("\xE4\xB8\xAD\xE6\x96\x87", 6), 2);       /* 中文 */
    ck_assert_uint_eq(cbec__text_graphemes("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 9), 1); /* jamo L V T */
    ck_assert_uint_eq(cbec__text_graphemes("\xED\x95\x9C\xEA\xB5\xAD", 6), 2);       /* 한국 */
    ck_assert_uint_eq(cbec__text_graphemes("\xE3\x81\x8B\xE3\x82\x99", 6), 1);       /* か + voiced mark */
    /* Arabic: letters with a combining fatha stay one cluster each */
    ck_assert_uint_eq(cbec__text_graphemes("\xD8\xB9\xD9\x8E\xD8\xB1\xD8\xA8", 8), 3);
    /* Devanagari: क + virama + ष is two clusters under Unicode 15 */
    ck_assert_uint_eq(cbec__text_graphemes("\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7", 9), 2);
    /* 👨‍👩‍👧 family (ZWJ sequence) */
    const char *family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
    ck_assert_uint_eq(cbec__text_graphemes(family, strlen(family)), 1);
    /* 🇨🇳🇯🇵: two flags from four regional indicators */
    const char *flags = "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";
    ck_assert_uint_eq(cbec__text_graphemes(flags, strlen(flags)), 2);
    /* 👍🏽 thumbs up with a skin tone */
    ck_assert_uint_eq(cbec__text_graphemes("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 8), 1);
    /* 👩🏽‍💻 skin tone inside a ZWJ sequence */
    const char *coder = "\xF0\x9F\x91\xA9\xF0\x9F\x8F\xBD\xE2\x80\x8D\xF0\x9F\x92\xBB";
    ck_assert_uint_eq(cbec__text_graphemes(coder, strlen(coder)), 1);
    /* 🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland: a tag sequence */
    const char *scotland = "\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xB3\xF3\xA0\x81\xA3"
                           "\xF3\xA0\x81\xB4\xF3\xA0\x81\xBF";
    ck_assert_uint_eq(cbec__text_graphemes(scotland, strlen(scotland)), 1);
    /* ❤️ with the emoji presentation selector */
    ck_assert_uint_eq(cbec__text_graphemes("\xE2\x9D\xA4\xEF\xB8\x8F", 6), 1);
}
END_TEST

/* Unicode's GraphemeBreakTest.txt: "÷ 0020 × 0308 ÷" - every boundary. */
START_TEST(test_text_grapheme_conformance)
{
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/auxiliary/GraphemeBreakTest.txt", unicode_dir());
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "# skipped: %s not installed (Debian package unicode-data)\n", path);
        return;
    }
    size_t lines = 0, failures = 0;
    cbec_buf b;
    cbec__buf_init(&b);
    while (fgets(line, sizeof line, f)) {
        if (lines == 0 && strncmp(line, "# GraphemeBreakTest-", 20) == 0) {
            char want[32];
            snprintf(want, sizeof want, "%s.txt", cbec__text_unicode_version());
            if (strncmp(line + 20, want, strlen(want)) != 0) {
                fprintf(stderr, "# skipped: %s is for another Unicode version\n", path);
                break;
            }
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n')
            continue;
        /* tokens: marks (÷ = C3 B7, × = C3 97) and hex code points */
        uint32_t cps[64];
        bool brk[64];
        size_t n = 0, clusters = 0;
        bool pending = false;
        while (*p) {
            if ((unsigned char)p[0] == 0xC3 && ((unsigned char)p[1] == 0xB7 || (unsigned char)p[1] == 0x97)) {
                pending = (unsigned char)p[1] == 0xB7;
                p += 2;
            } else if (*p == ' ' || *p == '\t' || *p == '\n') {
                p++;
            } else {
                char *end;
                unsigned long cp = strtoul(p, &end, 16);
                ck_assert_ptr_ne(end, p);
                ck_assert_uint_lt(n, 64);
                brk[n] = pending;
                cps[n++] = (uint32_t)cp;
                clusters += pending;
                p = end;
            }
        }
        lines++;
        int32_t state = 0;
        for (size_t i = 1; i < n; i++) {
            bool got = cbec__text_grapheme_break(cps[i - 1], cps[i], &state);
            if (got != brk[i] && failures++ < 10)
                fprintf(stderr, "# GraphemeBreakTest line %zu: boundary before code point %zu\n", lines, i);
        }
        cbec__buf_reset(&b);
        for (size_t i = 0; i < n; i++)
            put_utf8(&b, cps[i]);
        if (cbec__text_graphemes(b.data, b.len) != clusters && failures++ < 10)
            fprintf(stderr, "# GraphemeBreakTest line %zu: %zu clusters expected\n", lines, clusters);
    }
    fclose(f);
    cbec__buf_free(&b);
    ck_assert_uint_eq(failures, 0);
}
END_TEST

/* ---- language tags ---- */

static cbec_langtab *tab;

static void tab_setup(void)
{
    char err[512];
    const char *dir = getenv("CBECSTD_ISO_CODES_DIR");
    int st = cbec__langtab_load(dir && *dir ? dir : "/usr/share/iso-codes/json", NULL, true, &tab, err, sizeof err);
    ck_assert_msg(st == CBEC_OK, "%s", err);
}

static void tab_teardown(void)
{
    cbec__langtab_free(tab);
    tab = NULL;
}

static void tag_ok(const char *s, const char *canon)
{
    cbec_langtag t;
    cbec_langtag_error e;
    ck_assert_msg(cbec__langtag_check(tab, s, strlen(s), true, &t, &e), "%s: %s", s, e.en);
    ck_assert_str_eq(t.canon, canon);
}

static void tag_bad(const char *s, const char *why)
{
    cbec_langtag t;
    cbec_langtag_error e;
    ck_assert_msg(!cbec__langtag_check(tab, s, strlen(s), true, &t, &e), "%s accepted", s);
    ck_assert_msg(strstr(e.en, why) != NULL, "%s: \"%s\" lacks \"%s\"", s, e.en, why);
    ck_assert_uint_gt(strlen(e.zh), 0);
}

START_TEST(test_langtag_accepts_registered_tags)
{
    tag_ok("zh", "zh");
    tag_ok("zh-CN", "zh-CN");
    tag_ok("ZH-hans-cn", "zh-Hans-CN");
    tag_ok("en-GB", "en-GB");
    tag_ok("yue", "yue");           /* ISO 639-3 without a 639-1 code */
    tag_ok("fil", "fil");
    tag_ok("zh-yue", "zh-yue");     /* extended language subtag */
    tag_ok("sr-Latn-RS", "sr-Latn-RS");
    tag_ok("es-419", "es-419");     /* UN M.49 region */
    tag_ok("de-CH-1996", "de-CH-1996");
    tag_ok("sl-rozaj-biske", "sl-rozaj-biske");
    tag_ok("en-US-u-ca-gregory", "en-US-u-ca-gregory");
    tag_ok("en-US-x-twain", "en-US-x-twain");
    tag_ok("x-private", "x-private");
    tag_ok("qaa", "qaa");           /* reserved for local use */
    tag_ok("en-AA", "en-AA");       /* private-use region */
    tag_ok("afa", "afa");           /* ISO 639-5 collection */
    tag_ok("und", "und");
    tag_ok("latn", "latn");         /* a script key: a Latin-script rendering */
    tag_ok("ar-EG", "ar-EG");
    tag_ok("ja-Jpan-JP", "ja-Jpan-JP");
    tag_ok("ko-Kore-KR", "ko-Kore-KR");
}
END_TEST

START_TEST(test_langtag_refuses_with_reasons)
{
    tag_bad("xx", "not an ISO 639-1 language code");
    tag_bad("zho", "use the ISO 639-1 code \"zh\"");
    tag_bad("chi", "use the ISO 639-1 code \"zh\"");
    tag_bad("fre", "use the ISO 639-1 code \"fr\"");
    tag_bad("qzz", "not an ISO 639 language code");
    tag_bad("zh-Xyzw", "not an ISO 15924 script code");
    tag_bad("xyzw", "not an ISO 15924 script code");
    tag_bad("en-ZQ", "not an ISO 3166-1 country code");
    tag_bad("en-999", "not an ISO 3166-1 country code or UN M.49 region");
    tag_bad("zh_CN", "not \"_\"");
    tag_bad("", "empty");
    tag_bad("e", "2 or 3 letters");
    tag_bad("abcdefg", "reserved form");
    tag_bad("de-1996-1996", "repeated");
    tag_bad("en-a-bbb-a-ccc", "repeated");
    tag_bad("en-a", "has no subtags");
    tag_bad("en-abcdefghi", "longer than 8");
    tag_bad("en--GB", "empty");
    tag_bad("en-GB-", "empty");
    tag_bad("x", "needs a subtag");
    tag_bad("en-GB-US", "out of place");
    tag_bad("i-klingon", "2 or 3 letters");
    tag_bad("zh CN", "only letters, digits");
    /* a script key only where keys may be scripts */
    cbec_langtag t;
    cbec_langtag_error e;
    ck_assert(!cbec__langtag_check(tab, "latn", 4, false, &t, &e));
    /* syntax only: unregistered subtags pass */
    ck_assert(cbec__langtag_check(NULL, "xx-Xyzw-ZQ", 10, false, &t, &e));
    ck_assert_str_eq(t.canon, "xx-Xyzw-ZQ");
}
END_TEST

/* The quick reading of two-letter tags gives what the full check gives,
 * to the byte, for every pair of ASCII characters. */
START_TEST(test_langtag_quick_agrees_with_full_check)
{
    size_t failures = 0, quick = 0;
    for (int a = 0; a < 128; a++)
        for (int b = 0; b < 128; b++) {
            char t[2] = {(char)a, (char)b};
            cbec_langtag q, f;
            cbec_langtag_error e;
            memset(&q, 0x5A, sizeof q);
            memset(&f, 0xA5, sizeof f);
            bool qq = cbec__langtag_quick(t, 2, &q);
            bool ff = cbec__langtag_check(NULL, t, 2, true, &f, &e);
            quick += qq;
            if ((qq && (!ff || memcmp(&q, &f, sizeof q) != 0)) || (cbec__is_alpha(a) && cbec__is_alpha(b) && !qq)) {
                if (failures++ < 10)
                    fprintf(stderr, "# tag %02X %02X: quick %d, full %d\n", a, b, qq, ff);
            }
        }
    ck_assert_uint_eq(failures, 0);
    ck_assert_uint_eq(quick, 52 * 52);
    cbec_langtag t;
    ck_assert(!cbec__langtag_quick("zho", 3, &t));
    ck_assert(!cbec__langtag_quick("z", 1, &t));
    ck_assert(!cbec__langtag_quick("zh-CN", 5, &t));
    ck_assert(cbec__langtag_quick("ZH", 2, &t));
    ck_assert_str_eq(t.canon, "zh");
}
END_TEST

static bool tag_matches(const char *range, const char *tag)
{
    cbec_langtag t;
    cbec_langtag_error e;
    ck_assert(cbec__langtag_check(NULL, tag, strlen(tag), true, &t, &e));
    return cbec__langtag_matches(range, &t);
}

START_TEST(test_langtag_ranges_filter)
{
    ck_assert(tag_matches("zh", "zh"));
    ck_assert(tag_matches("zh", "zh-CN"));
    ck_assert(tag_matches("zh", "ZH-hant-TW"));
    ck_assert(tag_matches("zh-Hant", "zh-Hant-TW"));
    ck_assert(!tag_matches("zh-Hant", "zh-Hans"));
    ck_assert(!tag_matches("zh-Hant", "zh"));
    ck_assert(!tag_matches("en", "eng"));
    ck_assert(tag_matches("*", "fr-CA"));
    ck_assert(tag_matches("Latn", "latn"));
    ck_assert(tag_matches("Latn", "zh-Latn"));
    ck_assert(!tag_matches("Latn", "en"));
    ck_assert(!tag_matches("la", "latn"));
    ck_assert(tag_matches("x-sami", "x-sami"));          /* private-use tags match themselves */
    ck_assert(tag_matches("x-sami", "X-Sami-north"));
    ck_assert(!tag_matches("x-sami", "x-samiq"));
}
END_TEST

START_TEST(test_country_languages_table)
{
    static const char *const eu[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                                     "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    for (size_t i = 0; i < CBEC_ARRAY_LEN(eu); i++)
        ck_assert_msg(cbec__country_languages(eu[i], 2) != NULL, "%s missing", eu[i]);
    ck_assert_str_eq(cbec__country_languages("CN", 2), "zh");
    ck_assert_str_eq(cbec__country_languages("jp", 2), "ja");
    ck_assert_str_eq(cbec__country_languages("KR", 2), "ko");
    ck_assert_str_eq(cbec__country_languages("US", 2), "en");
    ck_assert_str_eq(cbec__country_languages("GB", 2), "en");
    ck_assert_str_eq(cbec__country_languages("BE", 2), "nl fr de");
    ck_assert_ptr_null(cbec__country_languages("ZZ", 2));
    ck_assert_ptr_null(cbec__country_languages("C", 1));
    ck_assert_ptr_null(cbec__country_languages("C1", 2));
    /* sorted (binary search finds every entry), and every language and
     * country is registered */
    for (size_t i = 0; i < cbec__country_count(); i++) {
        const char *cc = cbec__country_code(i);
        if (i)
            ck_assert_int_lt(strcmp(cbec__country_code(i - 1), cc), 0);
        const char *langs = cbec__country_languages(cc, 2);
        ck_assert_ptr_nonnull(langs);
        char probe[8];
        snprintf(probe, sizeof probe, "und-%s", cc);
        cbec_langtag t;
        cbec_langtag_error e;
        ck_assert_msg(cbec__langtag_check(tab, probe, strlen(probe), false, &t, &e), "%s: %s", cc, e.en);
        for (const char *p = langs; *p;) {
            size_t l = strcspn(p, " ");
            ck_assert_msg(cbec__langtag_check(tab, p, l, false, &t, &e), "%s: %.*s: %s", cc, (int)l, p, e.en);
            p += l;
            while (*p == ' ')
                p++;
        }
    }
    ck_assert_ptr_null(cbec__country_code(cbec__country_count()));
}
END_TEST

/* ---- the check kind through packs ---- */

#define PACK_HEAD                                                                                           \
    "{\"cbecstd_pack\": 1, \"id\": \"T-TEXT\", \"version\": \"1.0.0\", \"status\": \"active\", "        \
    "\"module\": \"data\", \"title\": {\"zh-CN\": \"文本\", \"en\": \"Text\"}, \"messages\": {\"m\": "   \
    "{\"json\": {\"detect\": {\"path\": \"/t\", \"equals\": \"m\"}}, \"rules\": ["
#define PACK_TAIL "]}}}"

static cbec_registry *reg;
static cbec_validator *val;
static cbec_report *rep;

static void rules_setup(void)
{
    reg = NULL;
    rep = NULL;
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
}

static void rules_teardown(void)
{
    cbec_report_free(rep);
    cbec_registry_free(reg);
    cbec_validator_free(val);
}

static void use_rules(const char *rules)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, PACK_HEAD);
    cbec__buf_adds(&b, rules);
    cbec__buf_adds(&b, PACK_TAIL);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, b.data, b.len, "t.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "load: %s", err ? cbec_error_message(err) : cbec_strerror(st));
    cbec_registry_free(reg);
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_pack_free(p);
    cbec__buf_free(&b);
}

static void rules_error(const char *rules, const char *want)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, PACK_HEAD);
    cbec__buf_adds(&b, rules);
    cbec__buf_adds(&b, PACK_TAIL);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, b.data, b.len, "t.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_EPACK, "%.200s: status %d", rules, st);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(cbec_error_message(err), want) != NULL, "\"%s\" lacks \"%s\"", cbec_error_message(err), want);
    ck_assert_str_ne(cbec_error_path(err), "");
    cbec_error_free(err);
    cbec__buf_free(&b);
}

/* Validate a message body ("t": "m" is added). */
static cbec_report *check(const char *body)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, "{\"t\": \"m\", ");
    cbec__buf_adds(&b, body);
    cbec__buf_adds(&b, "}");
    cbec_report_free(rep);
    rep = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_JSON, b.data, b.len, &rep), CBEC_OK);
    cbec__buf_free(&b);
    return rep;
}

static void expect_valid(const char *body)
{
    cbec_report *r = check(body);
    if (cbec_report_count(r)) {
        const char *out;
        cbec_report_render(r, CBEC_RENDER_TEXT, "en", &out, NULL);
        ck_abort_msg("%.100s: unexpected findings:\n%.2000s", body, out);
    }
}

/* Exactly one finding, at path, whose message in en and zh-CN holds the
 * given parts. */
static void expect_one(const char *body, const char *path, const char *en, const char *zh)
{
    cbec_report *r = check(body);
    if (cbec_report_count(r) != 1) {
        const char *out;
        cbec_report_render(r, CBEC_RENDER_TEXT, "en", &out, NULL);
        ck_abort_msg("%.100s: %zu findings, expected 1:\n%.2000s", body, cbec_report_count(r), out);
    }
    ck_assert_str_eq(cbec_finding_path(r, 0), path);
    const char *m = cbec_finding_message(r, 0, "en");
    ck_assert_msg(strstr(m, en) != NULL, "en message \"%.1000s\" lacks \"%s\"", m, en);
    if (zh) {
        m = cbec_finding_message(r, 0, "zh-CN");
        ck_assert_msg(strstr(m, zh) != NULL, "zh message \"%s\" lacks \"%s\"", m, zh);
    }
}

START_TEST(test_text_compile_errors)
{
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {}}", "must be an object of text requirements");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"lenght\": 1}}", "unknown key \"lenght\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"form\": \"table\"}}", "auto, plain, object, list or suffix");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"form\": \"suffix\", \"languages\": [\"en\"]}}", "needs \"field\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"field\": \"name\"}}", "belongs to \"form\": \"suffix\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"form\": \"plain\", \"languages\": [\"en\"]}}", "needs a multilingual form");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"languages\": [\"xx\"]}}", "invalid language \"xx\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"languages\": []}}", "list of 1-64 language tags");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"length\": {\"max\": 3}}}", "explicit \"unit\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"length\": {\"unit\": \"chars\", \"max\": 3}}}", "bytes, code-points, graphemes or utf-16");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"length\": {\"unit\": \"bytes\", \"min\": 4, \"max\": 3}}}", "greater than");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"length\": {\"unit\": \"bytes\"}}}", "\"min\" and/or \"max\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"normalization\": \"NFX\"}}", "NFC, NFKC, NFD or NFKD");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"unsafe\": [\"emoji\"]}}", "unknown class");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"repertoire\": \"UTF-8\"}}", "ASCII, ISO-8859-1, UNOA");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"scripts\": {\"allow\": [\"Xyzw\"]}}}", "not an ISO 15924 script code");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"scripts\": {\"allow\": [\"Latin}|.\"]}}}", "made of letters");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"scripts\": {\"allow\": [\"Klingon\"]}}}", "no Unicode Script property");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"scripts\": {\"allow\": [\"Zsym\"]}}}", "no Unicode Script property");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"scripts\": {}}}", "\"require\" and/or \"allow\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"deny\": [{\"patterns\": [\"(\"]}]}}", "bad regular expression");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"deny\": [{\"lang\": \"en\"}]}}", "needs \"words\" and/or \"patterns\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"deny\": [{\"words\": [\"x\"], \"match\": \"all\"}]}}", "\"word\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {\"path\": \"/items/*/c\"}}}", "cannot hold \"*\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {\"path\": \"c\"}}}", "must be a JSON Pointer");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {}}}", "needs \"path\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {\"path\": \"/c\", \"table\": {\"JX\": [\"en\"]}}}}", "not an ISO 3166-1 country code");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {\"path\": \"/c\", \"table\": {\"CH\": [\"de\", \"xx\"]}}}}", "invalid language \"xx\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"countryLanguages\": {\"path\": \"/c\", \"match\": \"most\"}}}", "\"any\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"tags\": \"strict\"}}", "\"registered\"");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"form\": \"object\", \"lang\": \"en\"}}", "language of a plain string");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"lang\": \"english\"}}", "valid language tag");
    rules_error("{\"id\": \"R\", \"path\": \"/a\", \"text\": {\"form\": \"object\", \"textKey\": \"t\"}}", "belongs to the list form");
}
END_TEST

START_TEST(test_text_object_form_languages)
{
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"languages\": [\"zh\", \"en\"]}}");
    expect_valid("\"name\": {\"zh\": \"保湿面霜\", \"en\": \"Face cream\", \"ja\": \"保湿クリーム\"}");
    expect_valid("\"name\": {\"zh-Hans-CN\": \"保湿面霜\", \"en-GB\": \"Face cream\"}");
    expect_one("\"name\": {\"zh\": \"保湿面霜\"}", "/name", "missing en", "缺少 en");
    expect_one("\"name\": {\"ko\": \"크림\"}", "/name", "missing zh, en", "缺少 zh、en");
    /* a bad key is a finding of its own, at the key's value */
    expect_one("\"name\": {\"zh\": \"面霜\", \"en\": \"cream\", \"zho\": \"面霜\"}", "/name/zho",
               "use the ISO 639-1 code \"zh\"", "应使用 ISO 639-1 代码“zh”");
    expect_one("\"name\": {\"zh\": \"面霜\", \"en\": \"cream\", \"ZH\": \"面霜\"}", "/name/ZH", "given more than once", "重复");
    expect_one("\"name\": {\"zh\": \"面霜\", \"en\": 7}", "/name/en", "must be a string, found number", "应为字符串");
    /* a number where the text belongs is a type finding */
    expect_one("\"name\": 7", "/name", "wrong type", "类型错误");
    /* a plain string cannot hold two languages */
    expect_one("\"name\": \"cream\"", "/name", "several languages are required", "需要多种语言");
    /* required scripts keys: "latn" is a Latin-script rendering */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"languages\": [\"zh\", \"latn\"]}}");
    expect_valid("\"name\": {\"zh\": \"张伟\", \"latn\": \"ZHANG WEI\"}");
    expect_valid("\"name\": {\"zh\": \"张伟\", \"zh-Latn\": \"Zhang Wei\"}");
    expect_one("\"name\": {\"zh\": \"张伟\"}", "/name", "missing Latn", NULL);
}
END_TEST

START_TEST(test_text_list_and_suffix_forms)
{
    use_rules("{\"id\": \"R\", \"path\": \"/texts\", \"text\": {\"languages\": [\"zh\", \"en\"], \"normalization\": \"NFC\"}}");
    expect_valid("\"texts\": [{\"lang\": \"zh\", \"text\": \"你好\"}, {\"lang\": \"en\", \"text\": \"Hello\"}]");
    expect_one("\"texts\": [{\"lang\": \"zh\", \"text\": \"你好\"}]", "/texts", "missing en", "缺少 en");
    expect_one("\"texts\": [{\"lang\": \"zh\", \"text\": \"你好\"}, {\"lang\": \"en\", \"text\": \"Cafe\\u0301\"}]",
               "/texts/1/text", "normalization form NFC", "规范化形式 NFC");
    expect_one("\"texts\": [{\"lang\": \"zh\", \"text\": \"你好\"}, {\"lang\": \"en-JX\", \"text\": \"Hi\"}, {\"lang\": \"en\", \"text\": \"Hi\"}]",
               "/texts/1/lang", "not an ISO 3166-1 country code", NULL);
    expect_one("\"texts\": [{\"lang\": \"zh\", \"text\": \"你好\"}, {\"language\": \"en\", \"text\": \"Hi\"}, {\"lang\": \"en\", \"text\": \"Hi\"}]",
               "/texts/1", "each item needs a string \"lang\"", "每一项都需要");
    /* other member names */
    use_rules("{\"id\": \"R\", \"path\": \"/texts\", \"text\": {\"form\": \"list\", \"langKey\": \"language\", \"textKey\": \"value\", \"languages\": [\"fr\"]}}");
    expect_valid("\"texts\": [{\"language\": \"fr-CA\", \"value\": \"Bonjour\"}]");
    expect_one("\"texts\": {\"fr\": \"Bonjour\"}", "/texts", "wrong type: expected array", NULL);
    /* sibling fields with language suffixes */
    use_rules("{\"id\": \"R\", \"path\": \"/goods\", \"text\": {\"form\": \"suffix\", \"field\": \"name\", \"languages\": [\"zh\", \"en\"], \"unsafe\": true}}");
    expect_valid("\"goods\": {\"nameZh\": \"绿茶\", \"nameEn\": \"Green tea\", \"names\": 3, \"nameplate\": \"x\\u0007\"}");
    expect_valid("\"goods\": {\"name_zh_CN\": \"绿茶\", \"name_en\": \"Green tea\", \"name\": \"Green tea\"}");
    expect_valid("\"goods\": {\"nameZhHans\": \"绿茶\", \"nameEnGB\": \"Green tea\"}");
    expect_one("\"goods\": {\"nameZh\": \"绿茶\"}", "/goods", "missing en", "缺少 en");
    expect_one("\"goods\": {\"nameZh\": \"绿茶\", \"nameEn\": \"Green\\u200btea\"}", "/goods/nameEn",
               "zero-width character (U+200B) at character 6", "不可见的零宽字符（U+200B，第 6 个字符）");
    expect_one("\"goods\": {\"nameZh\": \"绿茶\", \"nameEn\": \"Green tea\", \"name_xx\": \"?\"}", "/goods/name_xx",
               "not an ISO 639-1 language code", NULL);
    /* the bare field is a text of no known language: checked, never counted */
    expect_one("\"goods\": {\"nameZh\": \"绿茶\", \"nameEn\": \"Green tea\", \"name\": \"x\\u202ey\"}", "/goods/name",
               "bidirectional override or isolate (U+202E)", "双向文本覆盖或隔离控制符");
}
END_TEST

START_TEST(test_text_country_languages)
{
    use_rules("{\"id\": \"R\", \"path\": \"/safety\", \"text\": {\"languages\": [\"en\"], \"countryLanguages\": {\"path\": \"/dest\"}}}");
    expect_valid("\"dest\": \"FR\", \"safety\": {\"en\": \"Keep dry\", \"fr\": \"Garder au sec\"}");
    expect_valid("\"dest\": \"GB\", \"safety\": {\"en\": \"Keep dry\"}");
    expect_valid("\"safety\": {\"en\": \"Keep dry\"}"); /* no country: nothing more required */
    expect_one("\"dest\": \"DE\", \"safety\": {\"en\": \"Keep dry\"}", "/safety", "DE (at /dest) needs de", "DE（/dest）需要 de");
    expect_one("\"dest\": \"de\", \"safety\": {\"fr\": \"x\"}", "/safety", "missing en; DE (at /dest) needs de", NULL);
    /* any one of Belgium's languages */
    expect_valid("\"dest\": \"BE\", \"safety\": {\"en\": \"Keep dry\", \"nl-BE\": \"Droog bewaren\"}");
    expect_one("\"dest\": \"BE\", \"safety\": {\"en\": \"Keep dry\"}", "/safety", "BE (at /dest) needs one of nl, fr, de",
               "需要 nl、fr、de 之一");
    /* an unknown country cannot be decided silently */
    expect_one("\"dest\": \"BO\", \"safety\": {\"en\": \"Keep dry\"}", "/dest", "no official languages are known", "没有已知的官方语言");
    expect_one("\"dest\": 5, \"safety\": {\"en\": \"Keep dry\"}", "/dest", "no official languages are known", NULL);
    /* all languages, pack additions, ignore unknown, relative path */
    use_rules("{\"id\": \"R\", \"path\": \"/items/*/label\", \"text\": {\"countryLanguages\": {\"path\": \"1/country\", "
              "\"match\": \"all\", \"unknownCountry\": \"ignore\", \"table\": {\"BO\": [\"es\", \"qu\"]}}}}");
    expect_valid("\"items\": [{\"country\": \"CA\", \"label\": {\"en\": \"Milk\", \"fr\": \"Lait\"}}, "
                 "{\"country\": \"ZZ\", \"label\": {\"en\": \"Milk\"}}, {\"country\": \"BO\", \"label\": {\"es\": \"Leche\", \"qu\": \"Ñuqñu\"}}]");
    expect_one("\"items\": [{\"country\": \"CA\", \"label\": {\"en\": \"Milk\"}}]", "/items/0/label", "CA (at 1/country) needs en, fr", NULL);
    expect_one("\"items\": [{\"country\": \"BO\", \"label\": {\"es\": \"Leche\"}}]", "/items/0/label", "BO (at 1/country) needs es, qu", NULL);
}
END_TEST

START_TEST(test_text_unsafe_classes_each_have_a_reason)
{
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"unsafe\": true}}");
    expect_valid("\"s\": \"Plain text, 中文, العربية, 한국어, にほんご, Ünïcödé\"");
    expect_one("\"s\": \"a\\u0007b\"", "/s", "a control character (U+0007) at character 2", "控制字符（U+0007，第 2 个字符）");
    ck_assert_str_eq(cbec_finding_expected(rep, 0), "");
    expect_one("\"s\": \"a\\nb\"", "/s", "a line break or tab (U+000A)", "换行符或制表符");
    expect_one("\"s\": \"abc\\u202edef\"", "/s", "a bidirectional override or isolate (U+202E)", "双向文本覆盖或隔离控制符");
    expect_one("\"s\": \"x\\u2066y\\u2069\"", "/s", "a bidirectional override or isolate (U+2066)", NULL);
    expect_one("\"s\": \"x\\u200fy\"", "/s", "a bidirectional mark (U+200F)", "双向文本标记");
    expect_one("\"s\": \"in\\u200bvisible\"", "/s", "an invisible zero-width character (U+200B)", "不可见的零宽字符");
    expect_one("\"s\": \"\\ue000\"", "/s", "a private-use character (U+E000)", "私用区字符");
    expect_one("\"s\": \"\\u0378\"", "/s", "an unassigned code point (U+0378, Unicode", "未分配的码位");
    expect_one("\"s\": \"hi\\udb40\\udc41\"", "/s", "a tag character outside an emoji flag sequence (U+E0041)", "表情旗帜序列以外的标签字符");
    /* noncharacters are an encoding matter, always checked */
    expect_one("\"s\": \"a\\ufdd0\"", "/s", "not strict UTF-8: a noncharacter (U+FDD0) at character 2", "非字符码位（U+FDD0）");
    expect_one("\"s\": \"\\uffff\"", "/s", "a noncharacter (U+FFFF)", NULL);
    expect_one("\"s\": \"\\udbff\\udffe\"", "/s", "a noncharacter (U+10FFFE)", NULL);
    /* legitimate uses of joiners and tags */
    expect_valid("\"s\": \"\\ud83d\\udc68\\u200d\\ud83d\\udc69\\u200d\\ud83d\\udc67 family\"");           /* ZWJ emoji */
    expect_valid("\"s\": \"\\ud83d\\udc69\\ud83c\\udffd\\u200d\\ud83d\\udcbb\"");                       /* skin tone + ZWJ */
    expect_valid("\"s\": \"\\ud83c\\udff3\\ufe0f\\u200d\\ud83c\\udf08\"");                              /* VS16 + ZWJ */
    expect_valid("\"s\": \"\\ud83c\\udff4\\udb40\\udc67\\udb40\\udc62\\udb40\\udc73\\udb40\\udc63\\udb40\\udc74\\udb40\\udc7f\""); /* Scotland */
    expect_valid("\"s\": \"\\u0645\\u06cc\\u200c\\u062e\\u0648\\u0627\\u0647\\u0645\"");               /* Persian ZWNJ */
    expect_valid("\"s\": \"\\u0915\\u094d\\u200d\\u0937\"");                                            /* Devanagari ZWJ */
    expect_one("\"s\": \"a\\u200db\"", "/s", "zero-width character (U+200D)", NULL);                  /* ZWJ in Latin */
    expect_one("\"s\": \"\\u200d\\ud83d\\udc69\"", "/s", "zero-width character (U+200D)", NULL);      /* no emoji before */
    expect_one("\"s\": \"\\ud83c\\udff4\\udb40\\udc67\\udb40\\udc62\"", "/s", "tag character", NULL);  /* no cancel tag */
    /* a subset of the classes */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"unsafe\": [\"control\", \"bidi\"]}}");
    expect_valid("\"s\": \"line one\\nline two\\u200b\"");
    expect_one("\"s\": \"x\\u202ay\"", "/s", "(U+202A)", NULL);
}
END_TEST

START_TEST(test_text_normalization_suggests_fix)
{
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"normalization\": \"NFC\"}}");
    expect_valid("\"s\": \"Café 中文 한국 العربية\"");
    expect_one("\"s\": \"Cafe\\u0301\"", "/s", "is not in Unicode normalization form NFC; normalized: Café", "规范化后为 Café");
    /* the fix itself, unescaped, for programs that apply it */
    ck_assert_str_eq(cbec_finding_expected(rep, 0), "Caf\xC3\xA9");
    ck_assert_ptr_null(cbec_finding_expected(rep, 1));
    ck_assert_ptr_null(cbec_finding_expected(NULL, 0));
    /* Korean typed as conjoining jamo */
    expect_one("\"s\": \"\\u1112\\u1161\\u11ab\"", "/s", "normalized: 한", NULL);
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"normalization\": \"NFKC\"}}");
    expect_one("\"s\": \"ＡＢＣ１２３\"", "/s", "NFKC; normalized: ABC123", NULL);
    expect_one("\"s\": \"ｶﾞｲﾄﾞ\"", "/s", "normalized: ガイド", NULL);
    expect_valid("\"s\": \"ガイド ABC123\"");
}
END_TEST

START_TEST(test_text_repertoires)
{
    static const struct {
        const char *rep, *ok, *bad, *at;
    } cases[] = {
        {"ASCII", "ZHANG Wei, 100 Main St.", "Zürich", "\"ü\" (U+00FC) at character 2"},
        {"ISO-8859-1", "Zürich Straße 5 ½", "Łódź", "\"Ł\" (U+0141) at character 1"},
        {"UNOA", "ZHANG WEI, NO. 5 (A/B) +86", "Zhang", "\"h\" (U+0068) at character 2"},
        {"UNOA", "ABC", "A_B", "\"_\" (U+005F) at character 2"},
        {"UNOB", "Zhang Wei, no. 5 (a/b)", "Zhang@Wei", "\"@\" (U+0040) at character 6"},
        {"UNOC", "Zürich Straße", "Zürich\\tStraße", "(U+0009) at character 7"},
        {"SEPA", "Zhang Wei / Order 12-34 (a.b,c)'+?:", "Zhang & Wei", "\"&\" (U+0026) at character 7"},
        {"GB18030", "中文 ㄅ 𠀀 ÀÉ 한국 😀", "a\\ue000", "(U+E000) at character 2"},
        {"GB18030", "ok", "\\u0378", "(U+0378) at character 1"},
    };
    for (size_t i = 0; i < CBEC_ARRAY_LEN(cases); i++) {
        char rules[200], ok[200], bad[200];
        snprintf(rules, sizeof rules, "{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"repertoire\": \"%s\"}}", cases[i].rep);
        use_rules(rules);
        snprintf(ok, sizeof ok, "\"s\": \"%s\"", cases[i].ok);
        snprintf(bad, sizeof bad, "\"s\": \"%s\"", cases[i].bad);
        expect_valid(ok);
        expect_one(bad, "/s", cases[i].at, "字符集以外的字符");
        ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "en"), cases[i].rep));
    }
}
END_TEST

START_TEST(test_text_scripts)
{
    /* "zh contains Han" */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"select\": [\"zh\"], \"scripts\": {\"require\": [\"Han\"]}}}");
    expect_valid("\"name\": {\"zh\": \"日本绿茶 100克\", \"en\": \"Green tea\"}");
    expect_one("\"name\": {\"zh\": \"Green tea\", \"en\": \"Green tea\"}", "/name/zh",
               "has no character of the scripts Han", "不含 Han 文字的字符");
    /* an ideographic comma is Common, not Han */
    expect_one("\"name\": {\"zh\": \"、。\"}", "/name/zh", "no character of the scripts Han", NULL);
    /* "latn is Latin only": Latin, combining marks, common spaces, digits, punctuation */
    use_rules("{\"id\": \"R\", \"path\": \"/latn\", \"text\": {\"scripts\": {\"allow\": [\"Latn\"]}}}");
    expect_valid("\"latn\": \"Müller-Lüdenscheidt Straße 12, Apt. #3 (rear)\"");
    expect_valid("\"latn\": \"Cafe\\u0301 ＡＢＣ\"");
    expect_one("\"latn\": \"ZHANG 伟\"", "/latn", "outside the scripts Latn: \"伟\" (U+4F1F) at character 7",
               "含有 Latn 以外文字的字符：第 7 个字符“伟”（U+4F1F）");
    expect_one("\"latn\": \"Price $5\"", "/latn", "\"$\" (U+0024)", NULL); /* a symbol is not neutral */
    expect_one("\"latn\": \"Москва\"", "/latn", "(U+041C) at character 1", NULL);
    expect_one("\"latn\": \"No. ٣\"", "/latn", "(U+0663)", NULL); /* Arabic-Indic digit */
    /* Japanese: Jpan = Han + Hiragana + Katakana, with Common marks */
    use_rules("{\"id\": \"R\", \"path\": \"/ja\", \"text\": {\"scripts\": {\"allow\": [\"Jpan\"], \"require\": [\"Hira\", \"Kana\"]}}}");
    expect_valid("\"ja\": \"日本の緑茶、ティーバッグ（100グラム）\"");
    expect_one("\"ja\": \"日本茶\"", "/ja", "no character of the scripts Hira, Kana", NULL);
    expect_one("\"ja\": \"日本の緑茶 한국\"", "/ja", "(U+D55C)", NULL);
    /* Korean: Hangul with Hanja */
    use_rules("{\"id\": \"R\", \"path\": \"/ko\", \"text\": {\"scripts\": {\"allow\": [\"Kore\"], \"require\": [\"Hangul\"]}}}");
    expect_valid("\"ko\": \"녹차 100그램 (韓國産)\"");
    expect_one("\"ko\": \"韓國\"", "/ko", "no character of the scripts Hangul", NULL);
    /* Arabic, right to left, with Arabic-Indic and European digits */
    use_rules("{\"id\": \"R\", \"path\": \"/ar\", \"text\": {\"scripts\": {\"allow\": [\"Arab\"], \"require\": [\"Arabic\"]}, \"unsafe\": [\"bidi\"]}}");
    expect_valid("\"ar\": \"شاي أخضر ياباني، ١٠٠ غرام - 100 غ\"");
    expect_one("\"ar\": \"شاي \\u202eأخضر\"", "/ar", "bidirectional override", NULL);
    expect_one("\"ar\": \"100\"", "/ar", "no character of the scripts Arabic", NULL);
}
END_TEST

START_TEST(test_text_lengths_in_explicit_units)
{
    /* 👨‍👩‍👧🇯🇵👍🏽: 3 grapheme clusters, 9 code points, 34 bytes, 16 UTF-16 units */
    const char *emoji = "\"s\": \"\\ud83d\\udc68\\u200d\\ud83d\\udc69\\u200d\\ud83d\\udc67\\ud83c\\uddef\\ud83c\\uddf5\\ud83d\\udc4d\\ud83c\\udffd\"";
    static const struct {
        const char *unit;
        int fits, over;
        const char *what;
    } units[] = {
        {"graphemes", 3, 2, "3 grapheme clusters, at most 2 allowed"},
        {"code-points", 9, 8, "9 code points, at most 8 allowed"},
        {"bytes", 34, 33, "34 bytes, at most 33 allowed"},
        {"utf-16", 16, 15, "16 UTF-16 code units, at most 15 allowed"},
    };
    for (size_t i = 0; i < CBEC_ARRAY_LEN(units); i++) {
        char rules[200];
        snprintf(rules, sizeof rules, "{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"length\": {\"unit\": \"%s\", \"max\": %d}}}",
                 units[i].unit, units[i].fits);
        use_rules(rules);
        expect_valid(emoji);
        snprintf(rules, sizeof rules, "{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"length\": {\"unit\": \"%s\", \"max\": %d}}}",
                 units[i].unit, units[i].over);
        use_rules(rules);
        expect_one(emoji, "/s", units[i].what, "最多允许");
    }
    /* combining marks: e + acute is one cluster, two code points */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"length\": {\"unit\": \"graphemes\", \"min\": 2, \"max\": 2}}}");
    expect_valid("\"s\": \"e\\u0301a\"");
    expect_one("\"s\": \"e\\u0301\"", "/s", "1 grapheme clusters, at least 2 required", "至少需要 2 个字素簇");
    /* Chinese and Korean count one cluster per syllable */
    expect_valid("\"s\": \"中文\"");
    expect_valid("\"s\": \"\\u1112\\u1161\\u11ab\\u1100\\u116e\\u11a8\""); /* 한국 in jamo */
}
END_TEST

START_TEST(test_text_deny_lists_per_language)
{
    use_rules("{\"id\": \"R\", \"path\": \"/desc\", \"text\": {\"deny\": ["
              "{\"lang\": \"en\", \"words\": [\"gift\", \"sample\", \"goods\", \"free sample\"]},"
              "{\"lang\": \"zh\", \"words\": [\"礼物\", \"样品\"]},"
              "{\"lang\": \"en\", \"words\": [\"parts\"], \"match\": \"whole\"},"
              "{\"patterns\": [\"(?i)\\\\bmisc(ellaneous)?\\\\b\"]}]}}");
    expect_valid("\"desc\": {\"en\": \"Green tea 100 g\", \"zh\": \"绿茶 100克\"}");
    expect_valid("\"desc\": {\"en\": \"Gifted pen, shift key, goodsyard\"}");
    expect_valid("\"desc\": {\"en\": \"Car parts: brake pads\"}");          /* "parts" only refused alone */
    expect_valid("\"desc\": {\"zh\": \"gift\"}");                            /* English words only in en */
    expect_one("\"desc\": {\"en\": \"A Gift box\"}", "/desc/en", "refused word or pattern gift (refused in en)",
               "含有被拒绝的词语或模式 gift（en 文本中禁用）");
    expect_one("\"desc\": {\"en\": \"ＧＩＦＴ\"}", "/desc/en", "gift", NULL);          /* fullwidth */
    expect_one("\"desc\": {\"en\": \"gi\\u200bft\"}", "/desc/en", "gift", NULL);      /* hidden joiner */
    expect_one("\"desc\": {\"en-GB\": \"Free   Sample\"}", "/desc/en-GB", "sample", NULL);
    expect_one("\"desc\": {\"en\": \" Parts. \"}", "/desc/en", "parts", NULL);
    expect_one("\"desc\": {\"zh\": \"生日礼物一份\"}", "/desc/zh", "礼物", "礼物（zh 文本中禁用）");
    expect_one("\"desc\": {\"ja\": \"Misc. items\"}", "/desc/ja", "misc", NULL);      /* a pattern for every language */
    /* a plain string with its language named by the rule */
    use_rules("{\"id\": \"R\", \"path\": \"/desc\", \"text\": {\"lang\": \"zh\", \"deny\": [{\"lang\": \"zh\", \"words\": [\"样品\"]}]}}");
    expect_one("\"desc\": \"免费样品\"", "/desc", "样品", NULL);
}
END_TEST

START_TEST(test_text_select_and_checks_order)
{
    /* one finding per text: the first check that fails speaks */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"unsafe\": true, \"normalization\": \"NFC\", "
              "\"length\": {\"unit\": \"graphemes\", \"max\": 3}}}");
    expect_one("\"name\": {\"en\": \"Cafe\\u0301\\u202e\"}", "/name/en", "bidirectional", NULL);
    expect_one("\"name\": {\"en\": \"Cafe\\u0301\"}", "/name/en", "normalization", NULL);
    expect_one("\"name\": {\"en\": \"Coffee\"}", "/name/en", "6 grapheme clusters", NULL);
    cbec_report *r = check("\"name\": {\"en\": \"Coffee\", \"de\": \"Kaffee\", \"zh\": \"咖啡\"}");
    ck_assert_uint_eq(cbec_report_count(r), 2);
    /* bad keys are not this rule's business: it checks the text anyway */
    expect_one("\"name\": {\"xx\": \"Coffee\"}", "/name/xx", "6 grapheme clusters", NULL);
    /* select: only the chosen languages */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"select\": [\"en\", \"Latn\"], \"repertoire\": \"ASCII\"}}");
    expect_valid("\"name\": {\"en\": \"Coffee\", \"zh\": \"咖啡\", \"latn\": \"KAFEI\"}");
    expect_one("\"name\": {\"en-US\": \"Café\"}", "/name/en-US", "(U+00E9)", NULL);
    expect_one("\"name\": {\"latn\": \"KAFÉI\"}", "/name/latn", "(U+00C9)", NULL);
}
END_TEST

START_TEST(test_text_messages_in_pack_languages_and_fallback)
{
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"unsafe\": true}, \"message\": {"
              "\"en\": \"unsafe text: {reason}\", \"zh-CN\": \"文本不安全：{reason}\", \"zh-TW\": \"文字不安全：{reason}\","
              "\"ja\": \"安全でない文字：{reason}\", \"fr\": \"texte dangereux : {reason}\"}}");
    cbec_report *r = check("\"s\": \"a\\u202eb\"");
    ck_assert_uint_eq(cbec_report_count(r), 1);
    ck_assert_str_eq(cbec_finding_message(r, 0, "en"), "unsafe text: a bidirectional override or isolate (U+202E) at character 2");
    ck_assert_str_eq(cbec_finding_message(r, 0, "zh-CN"), "文本不安全：双向文本覆盖或隔离控制符（U+202E，第 2 个字符）");
    ck_assert_str_eq(cbec_finding_message(r, 0, "zh-TW"), "文字不安全：双向文本覆盖或隔离控制符（U+202E，第 2 个字符）");
    /* case-blind, "_" for "-", prefixes before other tags of the language */
    ck_assert_str_eq(cbec_finding_message(r, 0, "ZH-tw"), "文字不安全：双向文本覆盖或隔离控制符（U+202E，第 2 个字符）");
    ck_assert_str_eq(cbec_finding_message(r, 0, "zh_TW"), "文字不安全：双向文本覆盖或隔离控制符（U+202E，第 2 个字符）");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "zh-TW-x-hk"), "文字不安全"));
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "zh-Hans"), "文本不安全"));
    /* a pack language; its reason falls back to en (the library speaks zh-CN and en) */
    ck_assert_str_eq(cbec_finding_message(r, 0, "ja-JP"), "安全でない文字：a bidirectional override or isolate (U+202E) at character 2");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "FR"), "texte dangereux"));
    /* unknown languages and none at all: en */
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "de"), "unsafe text:"));
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, NULL), "unsafe text:"));
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, ""), "unsafe text:"));
    /* the rendered report follows the same choice */
    const char *out;
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_TEXT, "ja", &out, NULL), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "安全でない文字"));
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_JSON, "zh-CN", &out, NULL), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "文本不安全"));
}
END_TEST

START_TEST(test_text_values_render_safely)
{
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"length\": {\"unit\": \"bytes\", \"max\": 1}}}");
    /* bidi override, tag characters, C0/C1 controls and an Arabic letter
     * mark in the value are shown as escapes, never passed through */
    cbec_report *r = check("\"s\": \"a\\u202eb\\udb40\\udc41\\u001b[31m\\u0085\\u061c\\u2066\"");
    ck_assert_uint_eq(cbec_report_count(r), 1);
    const char *m = cbec_finding_message(r, 0, "en");
    ck_assert_ptr_nonnull(strstr(m, "a\\u202eb\\U000e0041\\u001b[31m\\u0085\\u061c\\u2066"));
    ck_assert_ptr_null(strstr(m, "\xE2\x80\xAE"));
    ck_assert_ptr_null(strstr(m, "\xF3\xA0\x81\x81"));
    ck_assert_ptr_null(strchr(m, 0x1b));
}
END_TEST

/* Large and hostile values finish quickly with a finding or a clean pass;
 * memory stays bounded (run under the sanitizers too). */
/* The checks decide most text from one scan (ASCII, controls, inert
 * characters, tables of the ASCII characters filled by the script
 * patterns); these cases hold the quick answers to the full ones. */
START_TEST(test_text_quick_paths_agree_with_full_checks)
{
    char body[256];
    /* every ASCII character: an unsafe one is reported where it stands */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"unsafe\": true}}");
    for (unsigned c = 0; c < 128; c++) {
        snprintf(body, sizeof body, "\"s\": \"ab\\u%04xcd\"", c);
        cbec_report *r = check(body);
        bool unsafe = cbec__text_unsafe_class(c) != CBEC_TEXT_SAFE;
        ck_assert_msg(cbec_report_count(r) == (unsafe ? 1u : 0u), "U+%04X", c);
        if (unsafe) {
            char at[64];
            snprintf(at, sizeof at, "(U+%04X) at character 3", c);
            ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "en"), at));
        }
    }
    /* a class subset without the controls takes no ASCII character */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"unsafe\": [\"bidi\", \"tag\"]}}");
    expect_valid("\"s\": \"a\\u0007\\n\\t\\u007f\"");
    expect_one("\"s\": \"\\u0007\\u202e\"", "/s", "(U+202E) at character 2", NULL);
    /* scripts: short ASCII text (the tables) against long text (the
     * patterns, window by window), character by character */
    use_rules("{\"id\": \"A\", \"path\": \"/a\", \"text\": {\"scripts\": {\"allow\": [\"Latn\"]}}}, "
              "{\"id\": \"Q\", \"path\": \"/q\", \"text\": {\"scripts\": {\"require\": [\"Latn\"]}}}");
    cbec_buf b;
    cbec__buf_init(&b);
    for (unsigned c = 0; c < 128; c++) {
        bool fail_short[2], fail_long[2];
        for (int longer = 0; longer < 2; longer++) {
            cbec__buf_reset(&b);
            cbec__buf_addf(&b, "\"a\": \"x\\u%04x", c);
            for (int i = 0; longer && i < 5000; i++)
                cbec__buf_addc(&b, 'y');
            cbec__buf_addf(&b, "\", \"q\": \"\\u%04x", c);
            for (int i = 0; longer && i < 5000; i++)
                cbec__buf_addc(&b, '7');
            cbec__buf_adds(&b, "\"");
            cbec_report *r = check(cbec__buf_cstr(&b));
            bool *fails = longer ? fail_long : fail_short;
            fails[0] = fails[1] = false;
            for (size_t k = 0; k < cbec_report_count(r); k++) {
                bool allow = strcmp(cbec_finding_path(r, k), "/a") == 0;
                fails[allow ? 0 : 1] = true;
                if (allow) {
                    char at[64];
                    snprintf(at, sizeof at, "(U+%04X) at character 2", c);
                    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, k, "en"), at));
                } else {
                    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, k, "en"), "no character of the scripts"));
                }
            }
        }
        ck_assert_msg(fail_short[0] == fail_long[0] && fail_short[1] == fail_long[1], "U+%04X", c);
        ck_assert_msg(fail_short[1] == !cbec__is_alpha((int)c), "U+%04X", c);
    }
    /* a whole window of ASCII stays within the pattern limits */
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"a\": \"");
    for (int i = 0; i < 4096; i++)
        cbec__buf_addc(&b, 'a');
    cbec__buf_adds(&b, "\", \"q\": \"");
    for (int i = 0; i < 4096; i++)
        cbec__buf_addc(&b, '1');
    cbec__buf_adds(&b, "\"");
    expect_one(cbec__buf_cstr(&b), "/q", "no character of the scripts Latn", NULL);
    /* normalisation: precomposed letters are decided by the scan, marks
     * by the full normalisation */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"normalization\": \"NFC\"}}");
    expect_valid("\"s\": \"M\\u00fcller \\u00c5ngstr\\u00f6m \\u4e2d\\u6587 \\ud55c\\uad6d\"");
    expect_one("\"s\": \"Mu\\u0308ller\"", "/s", "normalized: Müller", NULL);
    expect_one("\"s\": \"\\u00e9\\u0323\"", "/s", "normalized: \xe1\xba\xb9\xcc\x81", NULL);
    expect_one("\"s\": \"\\u212b\"", "/s", "normalized: \xc3\x85", NULL); /* angstrom sign */
    expect_valid("\"s\": \"\\ud55c\\u11ab\""); /* an LVT syllable takes no final consonant */
    expect_one("\"s\": \"\\ud558\\u11ab\"", "/s", "normalized: \xed\x95\x9c", NULL); /* LV + T */
    /* inert text past the chunk limit without a place to cut is still
     * not decided; with places to cut it is */
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"s\": \"\\u00e9");
    for (int i = 0; i < 30000; i++)
        cbec__buf_adds(&b, "\\u200b");
    cbec__buf_adds(&b, "\"");
    expect_one(cbec__buf_cstr(&b), "/s", "could not be checked within the limits of rule R", NULL);
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"s\": \"\\u00e9");
    for (int i = 0; i < 30000; i++)
        cbec__buf_adds(&b, "\\u4e2d");
    cbec__buf_adds(&b, "\"");
    expect_valid(cbec__buf_cstr(&b));
    /* many languages: variants past the ones kept on the stack */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"languages\": [\"zh\"], \"tags\": \"syntax\"}}");
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"name\": {\"zh\": \"\\u4e2d\"");
    for (int i = 0; i < 26; i++)
        cbec__buf_addf(&b, ", \"%c%c\": \"t\"", 'a' + i, 'a' + (i * 7) % 26);
    cbec__buf_adds(&b, ", \"AA\": \"t\"}");
    expect_one(cbec__buf_cstr(&b), "/name/AA", "the language aa is given more than once", NULL);
    cbec__buf_free(&b);
}
END_TEST

/* minLength and maxLength (field.c) count characters eight bytes at a
 * time: strings of every length from 0 to 40 characters, mixing 1- to
 * 4-byte characters, against the count made here. */
START_TEST(test_field_lengths_count_characters)
{
    static const char *const chars[] = {"a", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xE2\x80\x8B"};
    use_rules("{\"id\": \"MIN\", \"path\": \"/s\", \"minLength\": 20}, {\"id\": \"MAX\", \"path\": \"/s\", \"maxLength\": 20}");
    cbec_buf b;
    cbec__buf_init(&b);
    unsigned seed = 7;
    for (int len = 0; len <= 40; len++)
        for (int k = 0; k < 6; k++) {
            cbec__buf_reset(&b);
            cbec__buf_adds(&b, "\"s\": \"");
            for (int i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                cbec__buf_adds(&b, chars[k == 0 ? 0 : (seed >> 16) % CBEC_ARRAY_LEN(chars)]);
            }
            cbec__buf_adds(&b, "\"");
            cbec_report *r = check(cbec__buf_cstr(&b));
            ck_assert_uint_eq(cbec_report_count(r), len == 20 ? 0u : 1u);
            if (len != 20) {
                char want[64];
                snprintf(want, sizeof want, "too %s: %d characters", len < 20 ? "short" : "long", len);
                ck_assert_msg(strstr(cbec_finding_message(r, 0, "en"), want) != NULL, "%s: %s", want,
                              cbec_finding_message(r, 0, "en"));
            }
        }
    cbec__buf_free(&b);
}
END_TEST

START_TEST(test_text_hostile_inputs_stay_bounded)
{
    cbec_buf b;
    cbec__buf_init(&b);
    /* 2 MB of Latin, one Han character at the end */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"scripts\": {\"allow\": [\"Latn\"]}, \"normalization\": \"NFC\", "
              "\"unsafe\": true, \"length\": {\"unit\": \"graphemes\", \"max\": 3000000}}}");
    cbec__buf_adds(&b, "\"s\": \"");
    for (int i = 0; i < 200000; i++)
        cbec__buf_adds(&b, "abcdé fghi");
    cbec__buf_adds(&b, "中\"");
    expect_one(cbec__buf_cstr(&b), "/s", "\"中\" (U+4E2D) at character 2000001", NULL);
    /* 70 000 combining marks: normalisation cannot be decided, and says so */
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"s\": \"a");
    for (int i = 0; i < 70000; i++)
        cbec__buf_adds(&b, "\\u0301");
    cbec__buf_adds(&b, "\"");
    expect_one(cbec__buf_cstr(&b), "/s", "could not be checked within the limits of rule R", "无法判定");
    /* 100 000 language keys, none of them the required one */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"languages\": [\"zh\"], \"tags\": \"syntax\", \"unsafe\": true}}");
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"name\": {");
    for (int i = 0; i < 100000; i++)
        cbec__buf_addf(&b, "%s\"x-k%d\": \"t\"", i ? ", " : "", i);
    cbec__buf_adds(&b, "}");
    expect_one(cbec__buf_cstr(&b), "/name", "missing zh", NULL);
    /* 20 000 spellings of one tag (the case of its letters varies): each
     * repeat is a finding, the report keeps its limit */
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"name\": {\"zh\": \"中\"");
    for (int i = 0; i < 20000; i++) {
        char tag[] = "x-abcdefgh-abcdefgh";
        for (int bit = 0; bit < 16; bit++)
            if (i & (1 << bit))
                tag[2 + bit + bit / 8] = (char)(tag[2 + bit + bit / 8] - 32);
        cbec__buf_addf(&b, ", \"%s\": \"t\"", tag);
    }
    cbec__buf_adds(&b, "}");
    cbec_report *r = check(cbec__buf_cstr(&b));
    ck_assert(cbec_report_truncated(r));
    ck_assert_uint_eq(cbec_report_count_severity(r, CBEC_SEVERITY_ERROR), 19999);
    /* a catastrophic deny pattern hits the match limits instead of hanging */
    use_rules("{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"deny\": [{\"patterns\": [\"^(a+)+$\"]}]}}");
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"s\": \"");
    for (int i = 0; i < 5000; i++)
        cbec__buf_addc(&b, 'a');
    cbec__buf_adds(&b, "!\"");
    expect_one(cbec__buf_cstr(&b), "/s", "could not be checked within the limits", NULL);
    /* a long key is cut in the finding */
    use_rules("{\"id\": \"R\", \"path\": \"/name\", \"text\": {\"languages\": [\"en\"]}}");
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "\"name\": {\"en\": \"x\", \"");
    for (int i = 0; i < 10000; i++)
        cbec__buf_addc(&b, 'q');
    cbec__buf_adds(&b, "\": \"y\"}");
    r = check(cbec__buf_cstr(&b));
    ck_assert_uint_eq(cbec_report_count(r), 1);
    ck_assert_int_eq(strncmp(cbec_finding_path(r, 0), "/name/qqqq", 10), 0);
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "en"), "longer than 63"));
    ck_assert_uint_lt(strlen(cbec_finding_message(r, 0, "en")), 400);
    cbec__buf_free(&b);
    /* too many refused words for one rule */
    cbec__buf_reset(&b);
    cbec__buf_adds(&b, "{\"id\": \"R\", \"path\": \"/s\", \"text\": {\"deny\": [{\"words\": [");
    for (int i = 0; i < 1001; i++)
        cbec__buf_addf(&b, "%s\"w%d\"", i ? ", " : "", i);
    cbec__buf_adds(&b, "]}]}}");
    rules_error(cbec__buf_cstr(&b), "at most 1000 words and patterns");
    cbec__buf_free(&b);
}
END_TEST

START_TEST(test_every_check_kind_speaks_zh_and_en)
{
    size_t n = 0;
    for (const cbec_check_kind *k; (k = cbec__check_kind_at(n)); n++) {
        ck_assert_msg(k->default_en && *k->default_en, "kind %s has no en message", k->key);
        ck_assert_msg(k->default_zh && *k->default_zh, "kind %s has no zh-CN message", k->key);
        bool cjk = false;
        for (const unsigned char *p = (const unsigned char *)k->default_zh; *p; p++)
            cjk |= *p >= 0xE4 && *p <= 0xE9; /* U+4000..U+9FFF lead bytes */
        ck_assert_msg(cjk, "kind %s: zh-CN message \"%s\" has no Chinese", k->key, k->default_zh);
        const char *bad;
        ck_assert_msg(cbec__template_check(k->default_en, &bad), "kind %s: en placeholder %s", k->key, bad);
        ck_assert_msg(cbec__template_check(k->default_zh, &bad), "kind %s: zh placeholder %s", k->key, bad);
    }
    ck_assert_uint_gt(n, 15);
    ck_assert_ptr_eq(cbec__check_kind_find("text", 4), &cbec__kind_text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("unicode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_text_decode_accepts_only_shortest_scalar_values);
    tcase_add_test(tc, test_text_classes_are_distinct);
    tcase_add_test(tc, test_text_normalization_forms);
    tcase_add_test(tc, test_text_normalization_is_bounded);
    tcase_add_test(tc, test_text_normalization_chunks_agree_with_parts);
    tcase_add_test(tc, test_text_normalization_conformance);
    tcase_add_test(tc, test_text_nf_inert_is_proved_for_every_code_point);
    tcase_add_test(tc, test_text_basic_han_block_facts);
    tcase_add_test(tc, test_text_unsafe_class_in_agrees);
    tcase_add_test(tc, test_text_graphemes_of_scripts_and_emoji);
    tcase_add_test(tc, test_text_grapheme_conformance);
    suite_add_tcase(s, tc);
    tc = tcase_create("tags");
    tcase_add_checked_fixture(tc, tab_setup, tab_teardown);
    tcase_add_test(tc, test_langtag_accepts_registered_tags);
    tcase_add_test(tc, test_langtag_refuses_with_reasons);
    tcase_add_test(tc, test_langtag_quick_agrees_with_full_check);
    tcase_add_test(tc, test_langtag_ranges_filter);
    tcase_add_test(tc, test_country_languages_table);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, rules_setup, rules_teardown);
    tcase_add_test(tc, test_text_compile_errors);
    tcase_add_test(tc, test_text_object_form_languages);
    tcase_add_test(tc, test_text_list_and_suffix_forms);
    tcase_add_test(tc, test_text_country_languages);
    tcase_add_test(tc, test_text_unsafe_classes_each_have_a_reason);
    tcase_add_test(tc, test_text_normalization_suggests_fix);
    tcase_add_test(tc, test_text_repertoires);
    tcase_add_test(tc, test_text_scripts);
    tcase_add_test(tc, test_text_lengths_in_explicit_units);
    tcase_add_test(tc, test_text_deny_lists_per_language);
    tcase_add_test(tc, test_text_select_and_checks_order);
    tcase_add_test(tc, test_text_messages_in_pack_languages_and_fallback);
    tcase_add_test(tc, test_text_values_render_safely);
    tcase_add_test(tc, test_text_quick_paths_agree_with_full_checks);
    tcase_add_test(tc, test_field_lengths_count_characters);
    tcase_add_test(tc, test_text_hostile_inputs_stay_bounded);
    tcase_add_test(tc, test_every_check_kind_speaks_zh_and_en);
    suite_add_tcase(s, tc);
    return test_run(s);
}
