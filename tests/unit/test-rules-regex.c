/* test-rules-regex.c - regular expressions (src/rules/regex.c): which
 * patterns the deterministic automaton of regex-dfa.c takes, and that it
 * answers exactly as PCRE2 does, on the patterns of the reference packs
 * and schemas and on patterns made to probe each construct, for many
 * subjects each. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "rules/regex.h"

static cbec_regex *compile(const char *pattern, unsigned flags)
{
    char err[256];
    cbec_regex *re = cbec__regex_compile(pattern, strlen(pattern), flags, err, sizeof err);
    ck_assert_msg(re != NULL, "%s: %s", pattern, err);
    return re;
}

/* Patterns the automaton takes: those of the packs and schemas, and one
 * for each construct of the subset; each with a subject it matches, the
 * seed of the subjects the tests make. */
static const struct {
    const char *pattern, *example;
} taken[] = {
    {"^[A-Za-z0-9_-]{1,30}$", "ORD_2026-x"},
    {"^(0|[1-9][0-9]{0,17})$", "1078"},
    {"^[0-9A-Z]{10}$", "3301960A1B"},
    {"^[A-Z0-9-]{3,20}$", "SKU-19287"},
    {"^[1-9][0-9]{0,17}$", "42"},
    {"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", "zh-Hans-CN"},
    {"^[A-Za-z0-9 -]{2,12}$", "310012"},
    {"^[A-Z][A-Z0-9_]{1,19}$", "CNY_2"},
    {"^[A-Z0-9]{2,16}$", "EA"},
    {"^[A-Z0-9]{1,3}$", "KG"},
    {"^[0-9a-f]{64}$", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    {"^[0-9]+\\.[0-9]+$", "1.0"},
    {"^ODR-[0-9]{4}-[0-9]{6}$", "ODR-2026-000001"},
    {"^$", ""},
    {"^a?$", "a"},
    {"^(ab|cd)*e$", "abcdabe"},
    {"^(?:x|y)+z?$", "xyxz"},
    {"^[^a-c]{2}b$", "zzb"},
    {"^\\d{3}-\\d{2,}$", "123-4567"},
    {"^[--/]x$", ".x"},
    {"^[a-]q$", "-q"},
    {"^[\\]\\\\]+$", "]\\]"},
    {"^(a(bc)?d){2,4}$", "abcdadabcd"},
    {"^a{0,3}b{2}c{1,}$", "aabbccc"},
    {"^ $", " "},
    {"^(|x)y$", "xy"},
    {"^[^x]$", "\n"},
};

/* Patterns left to PCRE2: ambiguous, outside the subset, or unanchored. */
static const char *const refused[] = {
    "^(a+)+$",          /* nested repetition of the same text */
    "^(a*)*b$",
    "^(a|a)$",          /* two ways for the first character */
    "^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*$",
    "^(a?)*$",          /* an empty iteration */
    "^a.b$",            /* any character */
    "^\\w+$",
    "^\\s$",
    "^a|b$",            /* (^a)|(b$) */
    "[A-Z]{3}",         /* unanchored */
    "^abc",
    "abc$",
    "^(?=a)a$",
    "^(a)\\1$",
    "^a+?$",            /* lazy */
    "^a++$",            /* possessive */
    "^[[:alpha:]]$",
    "^[a-c-e]$",
    "^[\\d-z]$",
    "^a{,3}$",
    "^a\\$",
    "^\xc3\xa9$",       /* non-ASCII */
    "^[a-z]{300}$",     /* past the counts taken */
    "^(?i)abc$",
};

START_TEST(test_regex_dfa_takes_simple_patterns_only)
{
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    for (size_t i = 0; i < CBEC_ARRAY_LEN(taken); i++) {
        cbec_regex *re = compile(taken[i].pattern, 0);
        ck_assert_msg(cbec__regex_has_dfa(re), "%s: no automaton", taken[i].pattern);
        ck_assert_int_eq(cbec__regex_match_pcre2(re, rx, taken[i].example, strlen(taken[i].example)), 1);
        cbec__regex_free(re);
        re = compile(taken[i].pattern, CBEC_REGEX_ECMA);
        ck_assert_msg(cbec__regex_has_dfa(re), "%s (ECMA): no automaton", taken[i].pattern);
        cbec__regex_free(re);
    }
    cbec__regex_scratch_free(rx);
    for (size_t i = 0; i < CBEC_ARRAY_LEN(refused); i++) {
        char err[256];
        cbec_regex *re = cbec__regex_compile(refused[i], strlen(refused[i]), 0, err, sizeof err);
        if (!re)
            continue; /* not even PCRE2 takes it */
        ck_assert_msg(!cbec__regex_has_dfa(re), "%s: taken", refused[i]);
        cbec__regex_free(re);
    }
    /* options the automaton does not model */
    cbec_regex *re = compile("^abc$", CBEC_REGEX_CASELESS);
    ck_assert(!cbec__regex_has_dfa(re));
    cbec__regex_free(re);
    re = compile("^abc$", CBEC_REGEX_ANCHORED);
    ck_assert(!cbec__regex_has_dfa(re));
    cbec__regex_free(re);
}
END_TEST

/* A subject made from the example by a few random edits (a character
 * replaced, inserted or removed, a part repeated), with characters the
 * pattern names, other ASCII, line ends, and now and then a byte >= 0x80;
 * now and then a long one. */
static size_t subject(unsigned *seed, const char *pattern, const char *example, char *out, size_t cap)
{
    static const char extra[] = "aZ09-_.\n\r \t!~";
    size_t plen = strlen(pattern), n = strlen(example);
    memcpy(out, example, n);
    *seed = *seed * 1103515245u + 12345u;
    int edits = (int)((*seed >> 16) % 4);
    for (int e = 0; e < edits; e++) {
        *seed = *seed * 1103515245u + 12345u;
        unsigned r = *seed >> 16;
        size_t at = n ? r % (n + 1) : 0;
        char c = r % 5 ? pattern[(r >> 3) % plen] : r % 7 ? extra[(r >> 3) % (sizeof extra - 1)]
                                                             : (char)(r % 3 ? (r >> 3) % 128 : 0x80 + (r >> 3) % 128);
        switch (r % 4) {
        case 0: /* replace */
            if (at < n)
                out[at] = c;
            break;
        case 1: /* insert */
            if (n + 1 < cap) {
                memmove(out + at + 1, out + at, n - at);
                out[at] = c;
                n++;
            }
            break;
        case 2: /* remove */
            if (at < n) {
                memmove(out + at, out + at + 1, n - at - 1);
                n--;
            }
            break;
        default: /* repeat a part */
            if (at < n) {
                size_t len = 1 + (r >> 5) % (n - at);
                if (n + len < cap) {
                    memmove(out + at + len, out + at, n - at);
                    n += len;
                }
            }
            break;
        }
    }
    *seed = *seed * 1103515245u + 12345u;
    if ((*seed >> 16) % 40 == 0) {
        /* long: the example again and again, past what the automaton takes */
        while (n + strlen(example) + 1 < cap && n < 300) {
            memcpy(out + n, example, strlen(example));
            n += strlen(example);
            if (!*example)
                break;
        }
    }
    return n;
}

/* The automaton's answer is PCRE2's answer, with and without the ECMA
 * flavour, and PCRE2 never reaches a limit on what the automaton takes. */
START_TEST(test_regex_dfa_agrees_with_pcre2)
{
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    ck_assert_ptr_nonnull(rx);
    char s[400];
    size_t failures = 0, matches = 0, decided = 0;
    unsigned seed = 2024;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(taken); i++)
        for (int ecma = 0; ecma < 2; ecma++) {
            cbec_regex *re = compile(taken[i].pattern, ecma ? CBEC_REGEX_ECMA : 0);
            for (int k = 0; k < 4000; k++) {
                size_t n = subject(&seed, taken[i].pattern, taken[i].example, s, sizeof s);
                /* a matching subject with a line end added now and then */
                if (k % 50 == 0 && n + 1 < sizeof s)
                    s[n++] = '\n';
                int want = cbec__regex_match_pcre2(re, rx, s, n);
                int got = cbec__regex_match(re, rx, s, n);
                bool ascii = true;
                for (size_t q = 0; q < n; q++)
                    ascii &= (unsigned char)s[q] < 0x80;
                /* the variant for checked text takes valid UTF-8 only */
                int utf8 = ascii ? cbec__regex_match_utf8(re, rx, s, n) : want;
                if (got != want || (ascii && utf8 != want) || (ascii && want < 0)) {
                    if (failures++ < 10)
                        fprintf(stderr, "# %s%s on \"%.*s\": pcre2 %d, here %d/%d\n", taken[i].pattern, ecma ? " (ECMA)" : "",
                                (int)n, s, want, got, utf8);
                }
                matches += want == 1;
                decided += ascii && n <= 256;
            }
            cbec__regex_free(re);
        }
    ck_assert_uint_eq(failures, 0);
    /* the subjects did exercise both answers */
    ck_assert_uint_gt(matches, 40000);
    ck_assert_uint_gt(decided, 100000);
    cbec__regex_scratch_free(rx);
}
END_TEST

/* Random patterns over the syntax the automaton reads (and some it does
 * not): wherever it builds an automaton, its answers are PCRE2's. */
START_TEST(test_regex_dfa_random_patterns_agree_with_pcre2)
{
    static const char *const parts[] = {
        "a", "b", "c", "-", "0", "9", ".", "\\.", "\\-", "\\d", "[a-c]", "[^a]", "[ab-]", "[0-9a]", "(", ")", "(?:",
        "|", "?", "*", "+", "{2}", "{1,3}", "{0,}", "{,2}", "[", "]", "\\", "\n", " ", "$", "^",
    };
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    unsigned seed = 99;
    size_t built = 0, failures = 0;
    char pat[128], subj[64];
    for (int t = 0; t < 20000; t++) {
        size_t n = 0;
        pat[n++] = '^';
        seed = seed * 1103515245u + 12345u;
        int k = 1 + (int)((seed >> 16) % 8);
        for (int q = 0; q < k; q++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % CBEC_ARRAY_LEN(parts)];
            size_t l = strlen(p);
            if (n + l + 2 >= sizeof pat)
                break;
            memcpy(pat + n, p, l);
            n += l;
        }
        pat[n++] = '$';
        pat[n] = '\0';
        for (int ecma = 0; ecma < 2; ecma++) {
            char err[256];
            cbec_regex *re = cbec__regex_compile(pat, n, ecma ? CBEC_REGEX_ECMA : 0, err, sizeof err);
            if (!re)
                continue;
            if (cbec__regex_has_dfa(re)) {
                built++;
                for (int u = 0; u < 60; u++) {
                    seed = seed * 1103515245u + 12345u;
                    size_t m = (seed >> 16) % 12;
                    for (size_t i = 0; i < m; i++) {
                        seed = seed * 1103515245u + 12345u;
                        subj[i] = "abc-09. \n"[(seed >> 16) % 9];
                    }
                    int want = cbec__regex_match_pcre2(re, rx, subj, m), got = cbec__regex_match(re, rx, subj, m);
                    if (want != got && failures++ < 10)
                        fprintf(stderr, "# /%s/%s on \"%.*s\": pcre2 %d, automaton %d\n", pat, ecma ? " (ECMA)" : "", (int)m,
                                subj, want, got);
                }
            }
            cbec__regex_free(re);
        }
    }
    ck_assert_uint_eq(failures, 0);
    ck_assert_uint_gt(built, 1000);
    cbec__regex_scratch_free(rx);
}
END_TEST

/* Hand-picked answers, the line end rule above all. */
START_TEST(test_regex_dfa_line_end_and_edges)
{
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    cbec_regex *re = compile("^[A-Z]{3}$", 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ABC", 3), 1);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ABC\n", 4), 1);   /* "$" before a final newline */
    ck_assert_int_eq(cbec__regex_match(re, rx, "ABC\n\n", 5), 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ABC\r\n", 5), 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "AB", 2), 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "", 0), 0);
    cbec__regex_free(re);
    re = compile("^[A-Z]{3}$", CBEC_REGEX_ECMA);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ABC\n", 4), 0);     /* ECMA: only at the very end */
    cbec__regex_free(re);
    /* a group that could take the newline, and "$" before it */
    re = compile("^a([^b]c)?$", 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "a\n", 2), 1);
    ck_assert_int_eq(cbec__regex_match(re, rx, "a\nc", 3), 1);
    cbec__regex_free(re);
    /* invalid UTF-8 is still PCRE2's to report */
    re = compile("^[a-z]+$", 0);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ab\xff", 3), -2);
    ck_assert_int_eq(cbec__regex_match(re, rx, "ab\xc3\xa9", 4), 0);
    cbec__regex_free(re);
    cbec__regex_scratch_free(rx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regex");
    TCase *tc = tcase_create("dfa");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_regex_dfa_takes_simple_patterns_only);
    tcase_add_test(tc, test_regex_dfa_agrees_with_pcre2);
    tcase_add_test(tc, test_regex_dfa_random_patterns_agree_with_pcre2);
    tcase_add_test(tc, test_regex_dfa_line_end_and_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
