/* ident.c - structure and check-digit checks for the identifiers named in
 * ident.h, each failure explained in English and Chinese. */
#include "rules/ident.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rules/ident-cn-regions.inc"

#if defined(__GNUC__)
#define IDENT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IDENT_PRINTF(a, b)
#endif

#define REASON_SIZE 128
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Character classes (ASCII only: the locale is never consulted).      */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool is_upper_alnum(int c) { return is_digit(c) || is_upper(c); }
static bool is_hex_lower(int c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
static bool is_hex_upper(int c) { return c >= 'A' && c <= 'F'; }

/* Digit or upper-case letter as a number 0..35 (A = 10). */
static int alnum_value(int c) { return is_digit(c) ? c - '0' : c - 'A' + 10; }

/* ------------------------------------------------------------------ */
/* Filling a result.                                                   */

/* snprintf into a reason buffer; when the text is cut short, the cut is
 * moved back to a UTF-8 character boundary so the reason stays valid
 * UTF-8. */
static void put(char *dst, const char *fmt, ...) IDENT_PRINTF(2, 3);
static void put(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(dst, REASON_SIZE, fmt, ap);
    va_end(ap);
    if (len < 0) {
        dst[0] = '\0';
        return;
    }
    if (len < REASON_SIZE)
        return;
    size_t end = REASON_SIZE - 1; /* index of the terminating NUL */
    size_t lead = end;
    while (lead > 0 && ((unsigned char)dst[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)dst[lead - 1];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (lead - 1 + need > end)
        dst[lead - 1] = '\0';
}

static bool fail(cbec_ident_result *r, cbec_ident_code code, size_t pos)
{
    r->code = code;
    r->pos = pos;
    r->reason_en[0] = '\0';
    r->reason_zh[0] = '\0';
    return false;
}

static bool pass(cbec_ident_result *r)
{
    r->code = CBEC_IDENT_OK;
    r->pos = 0;
    r->reason_en[0] = '\0';
    r->reason_zh[0] = '\0';
    return true;
}

/* A character as it is shown in a reason: 'x' when printable ASCII, else
 * its byte value, so that a reason can never carry control characters or
 * broken UTF-8. */
static const char *show(char buf[8], unsigned char c)
{
    if (c > 0x20 && c < 0x7F && c != '\'')
        snprintf(buf, 8, "'%c'", (char)c);
    else
        snprintf(buf, 8, "0x%02X", (unsigned)c);
    return buf;
}

/* A character outside the identifier's alphabet. */
static bool bad_char(cbec_ident_result *r, const char *s, size_t i, const char *want_en,
                     const char *want_zh)
{
    char b[8];
    fail(r, CBEC_IDENT_CHARSET, i);
    put(r->reason_en, "invalid character %s at position %zu (expected %s)", show(b, (unsigned char)s[i]),
        i + 1, want_en);
    put(r->reason_zh, "含有非法字符 %s（第 %zu 位），应为%s", show(b, (unsigned char)s[i]), i + 1, want_zh);
    return false;
}

/* A lower-case letter where the identifier is written in upper case. */
static bool lower_case(cbec_ident_result *r, const char *s, size_t i)
{
    fail(r, CBEC_IDENT_CHARSET, i);
    put(r->reason_en, "lower-case letter '%c' at position %zu (upper case is required)", s[i], i + 1);
    put(r->reason_zh, "第 %zu 位为小写字母 '%c'，须使用大写", i + 1, s[i]);
    return false;
}

/* A character of the alphabet in a place where it is not allowed. */
static bool misplaced(cbec_ident_result *r, const char *s, size_t i, const char *want_en,
                      const char *want_zh)
{
    char b[8];
    fail(r, CBEC_IDENT_FORMAT, i);
    put(r->reason_en, "character %s at position %zu must be %s", show(b, (unsigned char)s[i]), i + 1,
        want_en);
    put(r->reason_zh, "第 %zu 位字符 %s 应为%s", i + 1, show(b, (unsigned char)s[i]), want_zh);
    return false;
}

static bool bad_length(cbec_ident_result *r, size_t n, const char *want_en, const char *want_zh)
{
    fail(r, CBEC_IDENT_LENGTH, 0);
    put(r->reason_en, "length must be %s characters, got %zu", want_en, n);
    put(r->reason_zh, "长度应为 %s 位，实际为 %zu 位", want_zh, n);
    return false;
}

/* A wrong check digit (or pair of digits, or check character). */
static bool bad_check(cbec_ident_result *r, size_t pos, const char *what_en, const char *what_zh,
                      const char *got, const char *want)
{
    fail(r, CBEC_IDENT_CHECKSUM, pos);
    put(r->reason_en, "%s %s, expected %s", what_en, got, want);
    put(r->reason_zh, "%s为 %s，应为 %s", what_zh, got, want);
    return false;
}

static bool bad_check_digit(cbec_ident_result *r, size_t pos, char got, int want)
{
    char g[2] = {got, '\0'}, w[2] = {(char)('0' + want), '\0'};
    return bad_check(r, pos, "check digit is", "校验位", g, w);
}

static bool bad_check_pair(cbec_ident_result *r, size_t pos, const char *got, int want)
{
    char g[3] = {got[0], got[1], '\0'}, w[3];
    snprintf(w, sizeof w, "%02d", want);
    return bad_check(r, pos, "check digits are", "校验码", g, w);
}

/* Every character upper-case alphanumeric; lower case gets its own reason. */
static bool all_upper_alnum(cbec_ident_result *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_upper_alnum(s[i]))
            continue;
        if (is_lower(s[i]))
            return lower_case(r, s, i);
        return bad_char(r, s, i, "a letter or digit", "字母或数字");
    }
    return true;
}

static bool all_digits(cbec_ident_result *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return bad_char(r, s, i, "a digit", "数字");
    return true;
}

static bool country_ok(cbec_country_fn country, void *ud, const char *cc)
{
    return country == NULL || country(cc, ud);
}

static bool unknown_country(cbec_ident_result *r, const char *s, size_t i)
{
    fail(r, CBEC_IDENT_COMPONENT, i);
    put(r->reason_en, "unknown country code '%c%c' at position %zu", s[i], s[i + 1], i + 1);
    put(r->reason_zh, "未知的国家代码 '%c%c'（第 %zu 位）", s[i], s[i + 1], i + 1);
    return false;
}

/* ------------------------------------------------------------------ */
/* Shared check-digit algorithms.                                      */

/* ISO 7064 MOD 97-10 remainder of s with letters as two-digit numbers
 * (A = 10 ... Z = 35), optionally followed by extra characters. */
static unsigned mod97(const char *s, size_t n, unsigned r)
{
    for (size_t i = 0; i < n; i++) {
        int v = alnum_value(s[i]);
        r = v < 10 ? (r * 10 + (unsigned)v) % 97 : (r * 100 + (unsigned)v) % 97;
    }
    return r;
}

/* The Luhn check digit for body digits s[0..n). */
static int luhn_digit(const char *s, size_t n)
{
    unsigned sum = 0;
    bool dbl = true;
    for (size_t i = n; i-- > 0; dbl = !dbl) {
        unsigned d = (unsigned)(s[i] - '0');
        if (dbl) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (int)((10 - sum % 10) % 10);
}

/* ISO 7064 MOD 11-2 check character for body digits s[0..n): 0-9 or X. */
static char mod11_2_char(const char *s, size_t n)
{
    unsigned p = 0;
    for (size_t i = 0; i < n; i++)
        p = ((p + (unsigned)(s[i] - '0')) * 2) % 11;
    unsigned c = (12 - p) % 11;
    return c == 10 ? 'X' : (char)('0' + c);
}

/* ------------------------------------------------------------------ */
/* Calendar arithmetic (proleptic Gregorian).                          */

static bool leap_year(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 (era-based civil-to-days conversion). */
static long long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)era * 146097 + doe - 719468;
}

/* ------------------------------------------------------------------ */
/* gtin: GS1 GTIN-8/12/13/14.                                          */

static bool check_gtin(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_digits(r, s, n))
        return false;
    if (n != 8 && n != 12 && n != 13 && n != 14)
        return bad_length(r, n, "8, 12, 13 or 14", "8、12、13 或 14");
    /* Weights 3, 1, 3, ... from the digit left of the check digit. */
    unsigned sum = 0;
    for (size_t i = 0; i + 1 < n; i++)
        sum += (unsigned)(s[i] - '0') * ((n - 2 - i) % 2 == 0 ? 3u : 1u);
    int want = (int)((10 - sum % 10) % 10);
    if (s[n - 1] - '0' != want)
        return bad_check_digit(r, n - 1, s[n - 1], want);
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* iban: ISO 13616.                                                    */

/* BBAN structure per country, from the SWIFT IBAN Registry release 101
 * (as recorded in python-stdnum's iban.dat, see
 * ../shared/testsuites/identifiers/reference/python-stdnum-iban.dat).
 * "4!n" = exactly 4 digits, "a" = upper-case letters, "c" = letters or
 * digits.  The IBAN is 4 characters longer than its BBAN. */
static const struct iban_country {
    char cc[3];
    const char *bban;
} iban_countries[] = {
    {"AD", "4!n4!n12!c"}, {"AE", "3!n16!n"}, {"AL", "8!n16!c"}, {"AT", "5!n11!n"},
    {"AZ", "4!a20!c"}, {"BA", "3!n3!n8!n2!n"}, {"BE", "3!n7!n2!n"}, {"BG", "4!a4!n2!n8!c"},
    {"BH", "4!a14!c"}, {"BI", "5!n5!n11!n2!n"}, {"BR", "8!n5!n10!n1!a1!c"},
    {"BY", "4!c4!n16!c"}, {"CH", "5!n12!c"}, {"CR", "4!n14!n"}, {"CY", "3!n5!n16!c"},
    {"CZ", "4!n16!n"}, {"DE", "8!n10!n"}, {"DJ", "5!n5!n11!n2!n"}, {"DK", "4!n9!n1!n"},
    {"DO", "4!c20!n"}, {"EE", "2!n14!n"}, {"EG", "4!n4!n17!n"}, {"ES", "4!n4!n1!n1!n10!n"},
    {"FI", "3!n11!n"}, {"FK", "2!a12!n"}, {"FO", "4!n9!n1!n"}, {"FR", "5!n5!n11!c2!n"},
    {"GB", "4!a6!n8!n"}, {"GE", "2!a16!n"}, {"GI", "4!a15!c"}, {"GL", "4!n9!n1!n"},
    {"GR", "3!n4!n16!c"}, {"GT", "4!c20!c"}, {"HN", "4!a20!n"}, {"HR", "7!n10!n"},
    {"HU", "3!n4!n1!n15!n1!n"}, {"IE", "4!a6!n8!n"}, {"IL", "3!n3!n13!n"},
    {"IQ", "4!a3!n12!n"}, {"IS", "4!n2!n6!n10!n"}, {"IT", "1!a5!n5!n12!c"},
    {"JO", "4!a4!n18!c"}, {"KW", "4!a22!c"}, {"KZ", "3!n13!c"}, {"LB", "4!n20!c"},
    {"LC", "4!a24!c"}, {"LI", "5!n12!c"}, {"LT", "5!n11!n"}, {"LU", "3!n13!c"},
    {"LV", "4!a13!c"}, {"LY", "3!n3!n15!n"}, {"MC", "5!n5!n11!c2!n"}, {"MD", "2!c18!c"},
    {"ME", "3!n13!n2!n"}, {"MK", "3!n10!c2!n"}, {"MN", "4!n12!n"}, {"MR", "5!n5!n11!n2!n"},
    {"MT", "4!a5!n18!c"}, {"MU", "4!a2!n2!n12!n3!n3!a"}, {"NI", "4!a20!n"},
    {"NL", "4!a10!n"}, {"NO", "4!n6!n1!n"}, {"OM", "3!n16!c"}, {"PK", "4!a16!c"},
    {"PL", "8!n16!n"}, {"PS", "4!a21!c"}, {"PT", "4!n4!n11!n2!n"}, {"QA", "4!a21!c"},
    {"RO", "4!a16!c"}, {"RS", "3!n13!n2!n"}, {"RU", "9!n5!n15!c"}, {"SA", "2!n18!c"},
    {"SC", "4!a2!n2!n16!n3!a"}, {"SD", "2!n12!n"}, {"SE", "3!n16!n1!n"},
    {"SI", "5!n8!n2!n"}, {"SK", "4!n6!n10!n"}, {"SM", "1!a5!n5!n12!c"},
    {"SO", "4!n3!n12!n"}, {"ST", "4!n4!n11!n2!n"}, {"SV", "4!a20!n"}, {"TL", "3!n14!n2!n"},
    {"TN", "2!n3!n13!n2!n"}, {"TR", "5!n1!n16!c"}, {"UA", "6!n19!c"}, {"VA", "3!n15!n"},
    {"VG", "4!a16!n"}, {"XK", "4!n10!n2!n"}, {"YE", "4!a4!n18!c"},
};

static const struct iban_country *iban_country(const char *cc)
{
    for (size_t i = 0; i < ARRAY_LEN(iban_countries); i++)
        if (iban_countries[i].cc[0] == cc[0] && iban_countries[i].cc[1] == cc[1])
            return &iban_countries[i];
    return NULL;
}

/* Number of characters a BBAN format such as "4!a10!n" describes. */
static size_t bban_length(const char *f)
{
    size_t len = 0;
    while (*f) {
        size_t k = 0;
        while (is_digit(*f))
            k = k * 10 + (size_t)(*f++ - '0');
        f += 2; /* '!' and the class letter */
        len += k;
    }
    return len;
}

size_t cbec__ident_iban_length(const char cc[2])
{
    if (cc == NULL)
        return 0;
    const struct iban_country *c = iban_country(cc);
    return c ? 4 + bban_length(c->bban) : 0;
}

/* Spanish CCC: two check digits over "00" + bank + branch and over the
 * account number, weights 1 2 4 8 5 10 9 7 3 6, 11 - sum % 11 with
 * 10 -> 1 and 11 -> 0. */
static int es_ccc_digit(const char *ten)
{
    static const int w[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
    int sum = 0;
    for (int i = 0; i < 10; i++)
        sum += (ten[i] - '0') * w[i];
    int d = 11 - sum % 11;
    return d == 10 ? 1 : d == 11 ? 0 : d;
}

/* National check digits inside the BBAN, for the countries where they
 * are defined for every account: Spain (CCC) and Belgium (mod 97). */
static bool iban_national(const char *s, cbec_ident_result *r)
{
    const char *b = s + 4;
    if (s[0] == 'E' && s[1] == 'S') {
        char first[10] = {'0', '0'};
        memcpy(first + 2, b, 8);
        int d1 = es_ccc_digit(first), d2 = es_ccc_digit(b + 10);
        if (b[8] - '0' != d1 || b[9] - '0' != d2) {
            char got[3] = {b[8], b[9], '\0'}, want[3] = {(char)('0' + d1), (char)('0' + d2), '\0'};
            return bad_check(r, 12, "Spanish account check digits (CCC) are", "西班牙账号（CCC）校验位",
                             got, want);
        }
    } else if (s[0] == 'B' && s[1] == 'E') {
        unsigned long long v = 0;
        for (int i = 0; i < 10; i++)
            v = v * 10 + (unsigned)(b[i] - '0');
        int want = (int)(v % 97);
        if (want == 0)
            want = 97;
        if ((b[10] - '0') * 10 + (b[11] - '0') != want) {
            char got[3] = {b[10], b[11], '\0'}, w[3];
            snprintf(w, sizeof w, "%02d", want);
            return bad_check(r, 14, "Belgian account check digits are", "比利时账号校验位", got, w);
        }
    }
    return true;
}

static bool check_iban(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n < 4)
        return bad_length(r, n, "15 to 34", "15 至 34");
    for (size_t i = 0; i < 2; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (country code)", "字母（国家代码）");
    for (size_t i = 2; i < 4; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (check digits)", "数字（校验码）");
    const struct iban_country *c = iban_country(s);
    if (c == NULL) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "country code '%c%c' has no IBAN in the IBAN registry", s[0], s[1]);
        put(r->reason_zh, "国家代码 '%c%c' 不在 IBAN 注册表中", s[0], s[1]);
        return false;
    }
    size_t want = 4 + bban_length(c->bban);
    if (n != want) {
        fail(r, CBEC_IDENT_LENGTH, 0);
        put(r->reason_en, "an IBAN of %s has %zu characters, got %zu", c->cc, want, n);
        put(r->reason_zh, "%s 的 IBAN 长度应为 %zu 位，实际为 %zu 位", c->cc, want, n);
        return false;
    }
    size_t i = 4;
    for (const char *f = c->bban; *f;) {
        size_t k = 0;
        while (is_digit(*f))
            k = k * 10 + (size_t)(*f++ - '0');
        char cls = f[1];
        f += 2;
        for (; k > 0; k--, i++) {
            bool ok = cls == 'n' ? is_digit(s[i]) : cls == 'a' ? is_upper(s[i]) : true;
            if (!ok) {
                char b[8];
                fail(r, CBEC_IDENT_FORMAT, i);
                put(r->reason_en, "character %s at position %zu must be %s (BBAN format %s)",
                    show(b, (unsigned char)s[i]), i + 1, cls == 'n' ? "a digit" : "a letter",
                    c->bban);
                put(r->reason_zh, "第 %zu 位字符 %s 应为%s（BBAN 格式 %s）", i + 1,
                    show(b, (unsigned char)s[i]), cls == 'n' ? "数字" : "字母", c->bban);
                return false;
            }
        }
    }
    unsigned rem = mod97(s, 2, mod97(s + 4, n - 4, 0));
    rem = mod97(s + 2, 2, rem);
    if (rem != 1) {
        unsigned base = mod97("00", 2, mod97(s, 2, mod97(s + 4, n - 4, 0)));
        return bad_check_pair(r, 2, s + 2, (int)(98 - base));
    }
    if (!iban_national(s, r))
        return false;
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* bic: ISO 9362.                                                      */

static bool check_bic(const char *s, size_t n, cbec_country_fn country, void *ud,
                      cbec_ident_result *r)
{
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n != 8 && n != 11)
        return bad_length(r, n, "8 or 11", "8 或 11");
    for (size_t i = 0; i < 4; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (institution code)", "字母（机构代码）");
    for (size_t i = 4; i < 6; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (country code)", "字母（国家代码）");
    if (!country_ok(country, ud, s + 4))
        return unknown_country(r, s, 4);
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* lei: ISO 17442.                                                     */

static bool check_lei(const char *s, size_t n, cbec_country_fn country, void *ud,
                      cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n != 20)
        return bad_length(r, n, "20", "20");
    for (size_t i = 18; i < 20; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (check digits)", "数字（校验码）");
    if (mod97(s, 20, 0) != 1)
        return bad_check_pair(r, 18, s + 18, (int)(98 - mod97("00", 2, mod97(s, 18, 0))));
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* s10: UPU S10 item identifier, e.g. RB123456785GB.                   */

static bool check_s10(const char *s, size_t n, cbec_country_fn country, void *ud,
                      cbec_ident_result *r)
{
    static const unsigned w[8] = {8, 6, 4, 2, 3, 5, 9, 7};
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n != 13)
        return bad_length(r, n, "13", "13");
    for (size_t i = 0; i < 2; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (service indicator)", "字母（业务代码）");
    for (size_t i = 2; i < 10; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (serial number)", "数字（序号）");
    if (!is_digit(s[10]))
        return misplaced(r, s, 10, "a digit (check digit)", "数字（校验位）");
    for (size_t i = 11; i < 13; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (country code)", "字母（国家代码）");
    unsigned sum = 0;
    for (size_t i = 0; i < 8; i++)
        sum += (unsigned)(s[2 + i] - '0') * w[i];
    int want = 11 - (int)(sum % 11);
    if (want == 10)
        want = 0;
    else if (want == 11)
        want = 5;
    if (s[10] - '0' != want)
        return bad_check_digit(r, 10, s[10], want);
    if (!country_ok(country, ud, s + 11))
        return unknown_country(r, s, 11);
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* iso6346: freight container number, e.g. CSQU3054383.                */

/* Letters count from 10 upwards, skipping the multiples of 11. */
static unsigned iso6346_value(int c)
{
    if (is_digit(c))
        return (unsigned)(c - '0');
    unsigned v = 10;
    for (int k = 'A'; k < c; k++) {
        v++;
        if (v % 11 == 0)
            v++;
    }
    return v;
}

static bool check_iso6346(const char *s, size_t n, cbec_country_fn country, void *ud,
                          cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n != 11)
        return bad_length(r, n, "11", "11");
    for (size_t i = 0; i < 3; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (owner code)", "字母（箱主代码）");
    if (!is_upper(s[3]))
        return misplaced(r, s, 3, "a letter (equipment category)", "字母（设备类别）");
    if (strchr("UJZR", s[3]) == NULL) {
        fail(r, CBEC_IDENT_COMPONENT, 3);
        put(r->reason_en, "equipment category '%c' at position 4 is not U, J, Z or R", s[3]);
        put(r->reason_zh, "第 4 位设备类别 '%c' 不是 U、J、Z 或 R", s[3]);
        return false;
    }
    for (size_t i = 4; i < 10; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (serial number)", "数字（箱号）");
    if (!is_digit(s[10]))
        return misplaced(r, s, 10, "a digit (check digit)", "数字（校验位）");
    unsigned sum = 0;
    for (size_t i = 0; i < 10; i++)
        sum += iso6346_value(s[i]) << i;
    int want = (int)(sum % 11 % 10);
    if (s[10] - '0' != want)
        return bad_check_digit(r, 10, s[10], want);
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* China: GB/T 2260 region codes.                                      */

/* Index of the first row for code, or ARRAY_LEN(cn_regions) when none. */
static size_t cn_region_first(uint32_t code)
{
    size_t lo = 0, hi = ARRAY_LEN(cn_regions);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cn_regions[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether any code of province pp (two digits, 11..91) is in the table. */
static bool cn_province_known(uint32_t pp)
{
    size_t i = cn_region_first(pp * 10000);
    return i < ARRAY_LEN(cn_regions) && cn_regions[i].code / 10000 == pp;
}

/* ------------------------------------------------------------------ */
/* uscc: China Unified Social Credit Code, GB 32100-2015.               */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* The index of c in uscc_alphabet, or -1: the digits, then the letters
 * A-Y without I, O, S and V (each one missing shifts the rest down). */
static int uscc_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c < 'A' || c > 'Y' || c == 'I' || c == 'O' || c == 'S' || c == 'V')
        return -1;
    return 10 + (c - 'A') - (c > 'I') - (c > 'O') - (c > 'S') - (c > 'V');
}

/* Organisation types per registration department.  GB 32100-2015
 * defines departments 1 (机构编制), 5 (民政), 9 (工商) and Y (其他) with
 * their types; the departments added later (2 外交, 3 司法行政, 4 文化,
 * 6 旅游, 7 宗教, 8 工会, A 中央军委改革和编制办公室, N 农业) take a
 * type digit 1-9. */
static const char *uscc_types(int dept)
{
    switch (dept) {
    case '1': return "1239";
    case '5': return "1239";
    case '9': return "123";
    case 'Y': return "1";
    case '2': case '3': case '4': case '6': case '7': case '8': case 'A': case 'N':
        return "123456789";
    default: return NULL;
    }
}

/* strict: also the check character of the embedded GB 11714 organisation
 * code.  GB 32100 itself protects the code with position 18 only, and
 * codes in circulation (and the platform's own examples) are accepted by
 * the registries without the inner check, so it is a separate kind. */
static bool check_uscc_mode(const char *s, size_t n, bool strict, cbec_ident_result *r)
{
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    static const int ow[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    for (size_t i = 0; i < n; i++) {
        if (uscc_value(s[i]) >= 0)
            continue;
        if (is_lower(s[i]))
            return lower_case(r, s, i);
        if (is_upper(s[i])) {
            char b[8];
            fail(r, CBEC_IDENT_CHARSET, i);
            put(r->reason_en, "invalid character %s at position %zu (I, O, Z, S and V are not used)",
                show(b, (unsigned char)s[i]), i + 1);
            put(r->reason_zh, "含有非法字符 %s（第 %zu 位），统一社会信用代码不使用 I、O、Z、S、V",
                show(b, (unsigned char)s[i]), i + 1);
            return false;
        }
        return bad_char(r, s, i, "a digit or upper-case letter", "数字或大写字母");
    }
    if (n != 18)
        return bad_length(r, n, "18", "18");
    const char *types = uscc_types(s[0]);
    if (types == NULL) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "registration department code '%c' (position 1) is not defined", s[0]);
        put(r->reason_zh, "登记管理部门代码 '%c'（第 1 位）未定义", s[0]);
        return false;
    }
    if (strchr(types, s[1]) == NULL) {
        fail(r, CBEC_IDENT_COMPONENT, 1);
        put(r->reason_en, "organisation type '%c' (position 2) is not defined for department '%c'",
            s[1], s[0]);
        put(r->reason_zh, "登记管理部门 '%c' 下没有机构类别代码 '%c'（第 2 位）", s[0], s[1]);
        return false;
    }
    for (size_t i = 2; i < 8; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (region code)", "数字（行政区划码）");
    uint32_t pp = (uint32_t)((s[2] - '0') * 10 + (s[3] - '0'));
    /* 10xxxx: registered by a national-level authority. */
    if (pp != 10 && !cn_province_known(pp)) {
        fail(r, CBEC_IDENT_COMPONENT, 2);
        put(r->reason_en, "region code (positions 3-8) starts with '%c%c', not a GB/T 2260 province",
            s[2], s[3]);
        put(r->reason_zh, "行政区划码（第 3-8 位）的省级代码 '%c%c' 无效", s[2], s[3]);
        return false;
    }
    int sum = 0;
    for (size_t i = 0; i < 17; i++)
        sum += uscc_value(s[i]) * w[i];
    char want = uscc_alphabet[(31 - sum % 31) % 31];
    if (s[17] != want) {
        char g[2] = {s[17], '\0'}, wc[2] = {want, '\0'};
        return bad_check(r, 17, "check character is", "校验码", g, wc);
    }
    if (!strict)
        return pass(r);
    /* Positions 9-17 are the GB 11714 organisation code with its own
     * check character (11 - sum % 11, 10 -> X, 11 -> 0). */
    sum = 0;
    for (size_t i = 0; i < 8; i++)
        sum += alnum_value(s[8 + i]) * ow[i];
    int oc = 11 - sum % 11;
    char owant = oc == 10 ? 'X' : oc == 11 ? '0' : (char)('0' + oc);
    if (s[16] != owant) {
        char g[2] = {s[16], '\0'}, wc[2] = {owant, '\0'};
        return bad_check(r, 16, "organisation code check character (position 17) is",
                         "组织机构代码校验码（第 17 位）", g, wc);
    }
    return pass(r);
}

static bool check_uscc(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_uscc_mode(s, n, false, r);
}

static bool check_uscc_strict(const char *s, size_t n, cbec_country_fn country, void *ud,
                              cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_uscc_mode(s, n, true, r);
}

/* ------------------------------------------------------------------ */
/* cn-ric: China resident identity number, GB 11643-1999.              */

/* Today's date in the time zone furthest ahead (UTC+14), as days since
 * 1970-01-01, so that a birth "today" anywhere on Earth is accepted.
 * Reads the clock but neither the TZ variable nor the locale. */
static bool latest_today(long long *days)
{
    time_t now = time(NULL);
    if (now == (time_t)-1)
        return false;
    long long t = (long long)now + 14 * 3600;
    *days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    return true;
}

/* The MOD 11-2 check character, checked after the parts it protects so
 * that a mistyped birth date or region is named as such. */
static bool cn_ric_check_char(const char *s, cbec_ident_result *r)
{
    char want = mod11_2_char(s, 17);
    if (s[17] != want) {
        char g[2] = {s[17], '\0'}, w[2] = {want, '\0'};
        return bad_check(r, 17, "check character is", "校验码", g, w);
    }
    return pass(r);
}

static bool check_cn_ric_mode(const char *s, size_t n, bool strict, cbec_ident_result *r)
{
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]) || s[i] == 'X')
            continue;
        if (s[i] == 'x')
            return lower_case(r, s, i);
        return bad_char(r, s, i, "a digit, or X as the check character", "数字，或作为校验码的 X");
    }
    if (n == 15) {
        fail(r, CBEC_IDENT_LENGTH, 0);
        put(r->reason_en, "a 15-digit first-generation number is not accepted; 18 characters are required");
        put(r->reason_zh, "不接受 15 位第一代身份证号码，应为 18 位");
        return false;
    }
    if (n != 18)
        return bad_length(r, n, "18", "18");
    for (size_t i = 0; i < 17; i++)
        if (s[i] == 'X')
            return misplaced(r, s, i, "a digit (X may only be the check character)",
                             "数字（X 只能作为校验码）");
    int year = 0, month, day;
    for (size_t i = 6; i < 10; i++)
        year = year * 10 + (s[i] - '0');
    month = (s[10] - '0') * 10 + (s[11] - '0');
    day = (s[12] - '0') * 10 + (s[13] - '0');
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
        fail(r, CBEC_IDENT_COMPONENT, 6);
        put(r->reason_en, "birth date (positions 7-14) is not a real calendar date");
        put(r->reason_zh, "出生日期无效（第 7-14 位不是真实的日期）");
        return false;
    }
    if (year < 1800) {
        fail(r, CBEC_IDENT_COMPONENT, 6);
        put(r->reason_en, "birth date (positions 7-14) is before the year 1800");
        put(r->reason_zh, "出生日期无效（第 7-14 位早于 1800 年）");
        return false;
    }
    long long today;
    if (latest_today(&today) && days_from_civil(year, month, day) > today) {
        fail(r, CBEC_IDENT_COMPONENT, 6);
        put(r->reason_en, "birth date (positions 7-14) is in the future");
        put(r->reason_zh, "出生日期无效（第 7-14 位晚于今天）");
        return false;
    }
    uint32_t code = 0;
    for (size_t i = 0; i < 6; i++)
        code = code * 10 + (uint32_t)(s[i] - '0');
    /* 830000 is the region code of the residence permits issued to Taiwan
     * residents since 2018 (810000 and 820000, used for Hong Kong and
     * Macao residents, are in the table). */
    if (code == 830000)
        return cn_ric_check_char(s, r);
    size_t i = cn_region_first(code);
    if (i == ARRAY_LEN(cn_regions) || cn_regions[i].code != code) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "region code (positions 1-6) is not a GB/T 2260 administrative division");
        put(r->reason_zh, "地址码（第 1-6 位）不是 GB/T 2260 行政区划代码");
        return false;
    }
    /* A number is assigned at or after birth, so its region code was in
     * use in or after the birth year.  The strict mode also requires the
     * code to be in use in the birth year itself, which a late first
     * registration can contradict. */
    int withdrawn = 0, introduced = 0;
    bool alive = false, in_force = false;
    for (; i < ARRAY_LEN(cn_regions) && cn_regions[i].code == code; i++) {
        int from = cn_regions[i].from, to = cn_regions[i].to;
        if (to != 0 && to < year) {
            if (to > withdrawn)
                withdrawn = to;
            continue;
        }
        alive = true;
        if (from <= year)
            in_force = true;
        else if (introduced == 0 || from < introduced)
            introduced = from;
    }
    if (!alive) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "region code (positions 1-6) was withdrawn in %d, before the birth year",
            withdrawn);
        put(r->reason_zh, "地址码（第 1-6 位）已于 %d 年撤销，早于出生年份", withdrawn);
        return false;
    }
    if (strict && !in_force) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "region code (positions 1-6) came into use in %d, after the birth year",
            introduced);
        put(r->reason_zh, "地址码（第 1-6 位）自 %d 年起启用，晚于出生年份", introduced);
        return false;
    }
    return cn_ric_check_char(s, r);
}

static bool check_cn_ric(const char *s, size_t n, cbec_country_fn country, void *ud,
                         cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_cn_ric_mode(s, n, false, r);
}

static bool check_cn_ric_strict(const char *s, size_t n, cbec_country_fn country, void *ud,
                                cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_cn_ric_mode(s, n, true, r);
}

/* ------------------------------------------------------------------ */
/* hs: Harmonized System code.                                         */

static bool check_hs(const char *s, size_t n, cbec_country_fn country, void *ud,
                     cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_digits(r, s, n))
        return false;
    if (n != 6 && n != 8 && n != 10)
        return bad_length(r, n, "6, 8 or 10", "6、8 或 10");
    int chapter = (s[0] - '0') * 10 + (s[1] - '0');
    if (chapter == 77) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "chapter 77 is reserved in the Harmonized System");
        put(r->reason_zh, "第 77 章为协调制度的保留章，不可使用");
        return false;
    }
    if (chapter < 1 || chapter > 97) {
        fail(r, CBEC_IDENT_COMPONENT, 0);
        put(r->reason_en, "chapter %02d does not exist (chapters are 01-97)", chapter);
        put(r->reason_zh, "第 %02d 章不存在（章号应为 01-97）", chapter);
        return false;
    }
    if (s[2] == '0' && s[3] == '0') {
        fail(r, CBEC_IDENT_COMPONENT, 2);
        put(r->reason_en, "heading 00 does not exist (positions 3-4 number the headings from 01)");
        put(r->reason_zh, "品目 00 不存在（第 3-4 位品目号从 01 开始）");
        return false;
    }
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* unlocode: UN/LOCODE, e.g. CNSHA.                                     */

static bool check_unlocode(const char *s, size_t n, cbec_country_fn country, void *ud,
                           cbec_ident_result *r)
{
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n != 5)
        return bad_length(r, n, "5", "5");
    for (size_t i = 0; i < 2; i++)
        if (!is_upper(s[i]))
            return misplaced(r, s, i, "a letter (country code)", "字母（国家代码）");
    for (size_t i = 2; i < 5; i++)
        if (s[i] == '0' || s[i] == '1')
            return bad_char(r, s, i, "a letter or a digit 2-9", "字母或数字 2-9");
    if (!country_ok(country, ud, s))
        return unknown_country(r, s, 0);
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* e164: international telephone number, '+' and 8-15 digits.          */

static bool check_e164(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (n == 0 || s[0] != '+') {
        fail(r, CBEC_IDENT_FORMAT, 0);
        put(r->reason_en, "an E.164 number starts with '+'");
        put(r->reason_zh, "E.164 号码应以 '+' 开头");
        return false;
    }
    for (size_t i = 1; i < n; i++)
        if (!is_digit(s[i]))
            return bad_char(r, s, i, "a digit", "数字");
    if (n - 1 < 8 || n - 1 > 15) {
        fail(r, CBEC_IDENT_LENGTH, 0);
        put(r->reason_en, "an E.164 number has 8 to 15 digits after '+', got %zu", n - 1);
        put(r->reason_zh, "E.164 号码 '+' 之后应有 8 至 15 位数字，实际为 %zu 位", n - 1);
        return false;
    }
    if (s[1] == '0') {
        fail(r, CBEC_IDENT_FORMAT, 1);
        put(r->reason_en, "the country code cannot start with 0");
        put(r->reason_zh, "国家代码不能以 0 开头");
        return false;
    }
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* email: RFC 5321/5322 addr-spec, dot-atom local part, LDH domain.     */

static bool is_atext(int c)
{
    return is_digit(c) || is_upper(c) || is_lower(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_ldh(int c) { return is_digit(c) || is_upper(c) || is_lower(c) || c == '-'; }

static bool dot_problem(cbec_ident_result *r, size_t i, const char *where_en, const char *where_zh,
                        const char *what_en, const char *what_zh)
{
    fail(r, CBEC_IDENT_FORMAT, i);
    put(r->reason_en, "%s %s (position %zu)", where_en, what_en, i + 1);
    put(r->reason_zh, "%s%s（第 %zu 位）", where_zh, what_zh, i + 1);
    return false;
}

/* Dots in s[lo..hi): none first, last or doubled. */
static bool dots_ok(cbec_ident_result *r, const char *s, size_t lo, size_t hi, const char *where_en,
                    const char *where_zh)
{
    for (size_t i = lo; i < hi; i++) {
        if (s[i] != '.')
            continue;
        if (i == lo)
            return dot_problem(r, i, where_en, where_zh, "starts with a dot", "以点号开头");
        if (i + 1 == hi)
            return dot_problem(r, i, where_en, where_zh, "ends with a dot", "以点号结尾");
        if (s[i + 1] == '.')
            return dot_problem(r, i, where_en, where_zh, "has two dots in a row", "含有连续的点号");
    }
    return true;
}

static bool check_email(const char *s, size_t n, cbec_country_fn country, void *ud,
                        cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (n > 0 && s[0] == '"') {
        fail(r, CBEC_IDENT_FORMAT, 0);
        put(r->reason_en, "quoted local parts (\"...\"@) are not accepted");
        put(r->reason_zh, "不接受带引号的本地部分（\"...\"@）");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            fail(r, CBEC_IDENT_CHARSET, i);
            put(r->reason_en, "non-ASCII byte at position %zu (internationalised addresses are not "
                              "accepted; write the domain as xn--)", i + 1);
            put(r->reason_zh, "第 %zu 位含有非 ASCII 字符（不接受国际化地址，域名请使用 xn-- 形式）", i + 1);
            return false;
        }
        if (c <= 0x20 || c == 0x7F)
            return bad_char(r, s, i, "no spaces or control characters", "不含空格或控制字符");
    }
    if (n > 254) {
        fail(r, CBEC_IDENT_LENGTH, 0);
        put(r->reason_en, "an e-mail address has at most 254 characters, got %zu", n);
        put(r->reason_zh, "电子邮件地址最多 254 个字符，实际为 %zu 个", n);
        return false;
    }
    const char *at = n ? memchr(s, '@', n) : NULL;
    if (at == NULL) {
        fail(r, CBEC_IDENT_FORMAT, 0);
        put(r->reason_en, "an e-mail address needs an '@'");
        put(r->reason_zh, "电子邮件地址缺少 '@'");
        return false;
    }
    size_t a = (size_t)(at - s);
    const char *at2 = memchr(at + 1, '@', n - a - 1);
    if (at2 != NULL) {
        fail(r, CBEC_IDENT_FORMAT, (size_t)(at2 - s));
        put(r->reason_en, "more than one '@' (position %zu)", (size_t)(at2 - s) + 1);
        put(r->reason_zh, "含有多个 '@'（第 %zu 位）", (size_t)(at2 - s) + 1);
        return false;
    }
    if (a == 0) {
        fail(r, CBEC_IDENT_FORMAT, 0);
        put(r->reason_en, "the local part before '@' is empty");
        put(r->reason_zh, "'@' 之前的本地部分为空");
        return false;
    }
    if (a > 64) {
        fail(r, CBEC_IDENT_LENGTH, 0);
        put(r->reason_en, "the local part has at most 64 characters, got %zu", a);
        put(r->reason_zh, "本地部分最多 64 个字符，实际为 %zu 个", a);
        return false;
    }
    for (size_t i = 0; i < a; i++)
        if (s[i] != '.' && !is_atext(s[i]))
            return bad_char(r, s, i, "a character allowed in the local part", "本地部分允许的字符");
    if (!dots_ok(r, s, 0, a, "the local part", "本地部分"))
        return false;
    size_t d = a + 1;
    if (d == n) {
        fail(r, CBEC_IDENT_FORMAT, a);
        put(r->reason_en, "the domain after '@' is empty");
        put(r->reason_zh, "'@' 之后的域名为空");
        return false;
    }
    if (s[d] == '[') {
        fail(r, CBEC_IDENT_FORMAT, d);
        put(r->reason_en, "address literals (@[...]) are not accepted");
        put(r->reason_zh, "不接受地址字面量（@[...]）");
        return false;
    }
    for (size_t i = d; i < n; i++)
        if (s[i] != '.' && !is_ldh(s[i]))
            return bad_char(r, s, i, "a letter, digit, '-' or '.' in the domain",
                            "域名中的字母、数字、'-' 或 '.'");
    if (!dots_ok(r, s, d, n, "the domain", "域名"))
        return false;
    size_t labels = 0, start = d, tld = d;
    bool tld_digits = true;
    for (size_t i = d; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        size_t len = i - start;
        labels++;
        if (len > 63) {
            fail(r, CBEC_IDENT_LENGTH, start);
            put(r->reason_en, "domain label at position %zu has %zu characters; at most 63", start + 1, len);
            put(r->reason_zh, "第 %zu 位开始的域名标签有 %zu 个字符，最多 63 个", start + 1, len);
            return false;
        }
        if (s[start] == '-' || s[i - 1] == '-') {
            size_t p = s[start] == '-' ? start : i - 1;
            fail(r, CBEC_IDENT_FORMAT, p);
            put(r->reason_en, "a domain label cannot start or end with '-' (position %zu)", p + 1);
            put(r->reason_zh, "域名标签不能以 '-' 开头或结尾（第 %zu 位）", p + 1);
            return false;
        }
        tld = start;
        tld_digits = true;
        for (size_t k = start; k < i; k++)
            if (!is_digit(s[k]))
                tld_digits = false;
        start = i + 1;
    }
    if (labels < 2) {
        fail(r, CBEC_IDENT_FORMAT, d);
        put(r->reason_en, "the domain needs at least one dot (e.g. example.com)");
        put(r->reason_zh, "域名中至少应有一个点号（如 example.com）");
        return false;
    }
    if (tld_digits) {
        fail(r, CBEC_IDENT_FORMAT, tld);
        put(r->reason_en, "the top-level domain cannot be all digits");
        put(r->reason_zh, "顶级域名不能全为数字");
        return false;
    }
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* uuid, uuid4: RFC 4122 / RFC 9562 textual form.                       */

static bool check_uuid_mode(const char *s, size_t n, bool v4, cbec_ident_result *r)
{
    if (n != 36)
        return bad_length(r, n, "36", "36");
    for (size_t i = 0; i < 36; i++) {
        bool hyphen_place = i == 8 || i == 13 || i == 18 || i == 23;
        if (hyphen_place) {
            if (s[i] != '-')
                return misplaced(r, s, i, "'-'", " '-'");
            continue;
        }
        if (is_hex_lower(s[i]))
            continue;
        if (is_hex_upper(s[i])) {
            if (!v4)
                continue;
            fail(r, CBEC_IDENT_CHARSET, i);
            put(r->reason_en, "upper-case hex digit '%c' at position %zu (lower case is required)",
                s[i], i + 1);
            put(r->reason_zh, "第 %zu 位为大写十六进制数字 '%c'，须使用小写", i + 1, s[i]);
            return false;
        }
        return bad_char(r, s, i, "a hexadecimal digit", "十六进制数字");
    }
    char ver = s[14];
    if (v4 ? ver != '4' : (ver < '1' || ver > '8')) {
        fail(r, CBEC_IDENT_COMPONENT, 14);
        if (v4) {
            put(r->reason_en, "version is %c (position 15), expected 4", ver);
            put(r->reason_zh, "版本号为 %c（第 15 位），应为 4", ver);
        } else {
            put(r->reason_en, "version %c (position 15) is not 1-8", ver);
            put(r->reason_zh, "版本号 %c（第 15 位）不在 1-8 范围内", ver);
        }
        return false;
    }
    if (strchr("89abAB", s[19]) == NULL) {
        fail(r, CBEC_IDENT_COMPONENT, 19);
        put(r->reason_en, "variant '%c' (position 20) is not the RFC 4122 variant (8, 9, a or b)", s[19]);
        put(r->reason_zh, "第 20 位变体 '%c' 不是 RFC 4122 变体（应为 8、9、a 或 b）", s[19]);
        return false;
    }
    return pass(r);
}

static bool check_uuid(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_uuid_mode(s, n, false, r);
}

static bool check_uuid4(const char *s, size_t n, cbec_country_fn country, void *ud,
                        cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    return check_uuid_mode(s, n, true, r);
}

/* ------------------------------------------------------------------ */
/* masked-pan: card number with only the first 6 and last 4 digits.    */

static bool check_masked_pan(const char *s, size_t n, cbec_country_fn country, void *ud,
                             cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    bool masked = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '*')
            masked = true;
        else if (!is_digit(s[i]))
            return bad_char(r, s, i, "a digit or '*'", "数字或 '*'");
    }
    if (n < 13 || n > 19)
        return bad_length(r, n, "13 to 19", "13 至 19");
    if (!masked) {
        if (luhn_digit(s, n - 1) == s[n - 1] - '0') {
            fail(r, CBEC_IDENT_UNMASKED, 0);
            put(r->reason_en, "full card number (PAN) where a masked one is required");
            put(r->reason_zh, "应为掩码卡号，却是完整卡号（PAN）");
            return false;
        }
        fail(r, CBEC_IDENT_FORMAT, 6);
        put(r->reason_en, "no digit is masked: positions 7 to %zu must be '*'", n - 4);
        put(r->reason_zh, "没有掩码：第 7 至 %zu 位应为 '*'", n - 4);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        bool visible = i < 6 || i >= n - 4;
        if (visible && s[i] == '*') {
            fail(r, CBEC_IDENT_FORMAT, i);
            put(r->reason_en, "'*' at position %zu: the first 6 and last 4 digits stay visible", i + 1);
            put(r->reason_zh, "第 %zu 位为 '*'：前 6 位和后 4 位应保留数字", i + 1);
            return false;
        }
        if (!visible && s[i] != '*') {
            fail(r, CBEC_IDENT_FORMAT, i);
            put(r->reason_en, "digit at position %zu must be masked with '*'", i + 1);
            put(r->reason_zh, "第 %zu 位数字应以 '*' 掩盖", i + 1);
            return false;
        }
    }
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* Generic check-digit schemes.                                        */

static bool check_luhn(const char *s, size_t n, cbec_country_fn country, void *ud,
                       cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_digits(r, s, n))
        return false;
    if (n < 2)
        return bad_length(r, n, "at least 2", "至少 2");
    int want = luhn_digit(s, n - 1);
    if (s[n - 1] - '0' != want)
        return bad_check_digit(r, n - 1, s[n - 1], want);
    return pass(r);
}

static bool check_mod97_10(const char *s, size_t n, cbec_country_fn country, void *ud,
                           cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    if (!all_upper_alnum(r, s, n))
        return false;
    if (n < 3)
        return bad_length(r, n, "at least 3", "至少 3");
    for (size_t i = n - 2; i < n; i++)
        if (!is_digit(s[i]))
            return misplaced(r, s, i, "a digit (check digits)", "数字（校验码）");
    if (mod97(s, n, 0) != 1)
        return bad_check_pair(r, n - 2, s + n - 2, (int)(98 - mod97("00", 2, mod97(s, n - 2, 0))));
    return pass(r);
}

static bool check_mod11_2(const char *s, size_t n, cbec_country_fn country, void *ud,
                          cbec_ident_result *r)
{
    (void)country;
    (void)ud;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]) || s[i] == 'X')
            continue;
        if (s[i] == 'x')
            return lower_case(r, s, i);
        return bad_char(r, s, i, "a digit, or X as the check character", "数字，或作为校验码的 X");
    }
    if (n < 2)
        return bad_length(r, n, "at least 2", "至少 2");
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 'X')
            return misplaced(r, s, i, "a digit (X may only be the check character)",
                             "数字（X 只能作为校验码）");
    char want = mod11_2_char(s, n - 1);
    if (s[n - 1] != want) {
        char g[2] = {s[n - 1], '\0'}, w[2] = {want, '\0'};
        return bad_check(r, n - 1, "check character is", "校验码", g, w);
    }
    return pass(r);
}

/* ------------------------------------------------------------------ */
/* The registry of kinds.                                              */

/* Every check is reached through here: NULL res and NULL s are made safe
 * once, so the checks themselves need not care. */
#define KIND_ENTRY(fn)                                                                            \
    static bool entry_##fn(const char *s, size_t n, cbec_country_fn country, void *ud,           \
                           cbec_ident_result *res)                                                \
    {                                                                                             \
        cbec_ident_result scratch;                                                                \
        if (res == NULL)                                                                          \
            res = &scratch;                                                                       \
        if (s == NULL)                                                                            \
            n = 0;                                                                                \
        return fn(s == NULL ? "" : s, n, country, ud, res);                                       \
    }

KIND_ENTRY(check_gtin)
KIND_ENTRY(check_iban)
KIND_ENTRY(check_bic)
KIND_ENTRY(check_lei)
KIND_ENTRY(check_s10)
KIND_ENTRY(check_iso6346)
KIND_ENTRY(check_uscc)
KIND_ENTRY(check_uscc_strict)
KIND_ENTRY(check_cn_ric)
KIND_ENTRY(check_cn_ric_strict)
KIND_ENTRY(check_hs)
KIND_ENTRY(check_unlocode)
KIND_ENTRY(check_e164)
KIND_ENTRY(check_email)
KIND_ENTRY(check_uuid)
KIND_ENTRY(check_uuid4)
KIND_ENTRY(check_masked_pan)
KIND_ENTRY(check_luhn)
KIND_ENTRY(check_mod97_10)
KIND_ENTRY(check_mod11_2)

static const cbec_ident_kind kinds[] = {
    {"gtin", "GS1 GTIN-8/12/13/14 with mod-10 check digit",
     "GS1 商品条码 GTIN-8/12/13/14，模 10 校验位", entry_check_gtin},
    {"iban", "ISO 13616 IBAN: registry country, length and BBAN format, MOD 97-10 check digits",
     "ISO 13616 国际银行账号：注册国家、长度与 BBAN 格式，MOD 97-10 校验码", entry_check_iban},
    {"bic", "ISO 9362 BIC: 8 or 11 characters with a valid country code",
     "ISO 9362 银行识别代码：8 或 11 位，国家代码有效", entry_check_bic, true},
    {"lei", "ISO 17442 LEI: 20 characters, MOD 97-10 check digits",
     "ISO 17442 法人机构识别编码：20 位，MOD 97-10 校验码", entry_check_lei},
    {"s10", "UPU S10 item identifier: service indicator, serial, check digit, country",
     "万国邮联 S10 邮件编号：业务代码、序号、校验位、国家代码", entry_check_s10, true},
    {"iso6346", "ISO 6346 freight container number with check digit",
     "ISO 6346 集装箱箱号，含校验位", entry_check_iso6346},
    {"uscc", "China Unified Social Credit Code (GB 32100-2015): structure, region, check character",
     "统一社会信用代码（GB 32100-2015）：结构、行政区划码、校验码", entry_check_uscc},
    {"uscc-strict", "China Unified Social Credit Code, and the check character of its GB 11714 organisation code",
     "统一社会信用代码，且其中 GB 11714 组织机构代码的校验码正确", entry_check_uscc_strict},
    {"cn-ric", "China resident ID number (GB 11643-1999): region, birth date, MOD 11-2 check",
     "居民身份证号码（GB 11643-1999）：地址码、出生日期、MOD 11-2 校验码", entry_check_cn_ric},
    {"cn-ric-strict",
     "China resident ID number, and its region code in use in the birth year",
     "居民身份证号码，且地址码在出生年份已启用", entry_check_cn_ric_strict},
    {"hs", "Harmonized System code: 6, 8 or 10 digits, chapter 01-97 except 77",
     "协调制度（HS）编码：6、8 或 10 位，章号 01-97（77 除外）", entry_check_hs},
    {"unlocode", "UN/LOCODE: ISO 3166 country and 3 characters of A-Z, 2-9",
     "联合国贸易和运输地点代码：ISO 3166 国家代码加 3 位 A-Z、2-9", entry_check_unlocode, true},
    {"e164", "E.164 telephone number: '+' and 8 to 15 digits",
     "E.164 电话号码：'+' 加 8 至 15 位数字", entry_check_e164},
    {"email", "e-mail address (RFC 5321/5322 dot-atom local part and host name)",
     "电子邮件地址（RFC 5321/5322 点原子本地部分与主机名）", entry_check_email},
    {"uuid", "UUID (RFC 4122/9562), versions 1-8, RFC 4122 variant",
     "UUID（RFC 4122/9562），版本 1-8，RFC 4122 变体", entry_check_uuid},
    {"uuid4", "UUID version 4 in lower case",
     "小写的第 4 版 UUID", entry_check_uuid4},
    {"masked-pan", "masked card number: first 6 and last 4 digits, '*' between",
     "掩码卡号：保留前 6 位和后 4 位，中间为 '*'", entry_check_masked_pan},
    {"luhn", "digits with a Luhn (mod 10) check digit",
     "带 Luhn（模 10）校验位的数字串", entry_check_luhn},
    {"iso7064-mod97-10", "ISO 7064 MOD 97-10: two check digits, letters count as 10-35",
     "ISO 7064 MOD 97-10：两位校验码，字母按 10-35 计", entry_check_mod97_10},
    {"iso7064-mod11-2", "ISO 7064 MOD 11-2: digits with a check character 0-9 or X",
     "ISO 7064 MOD 11-2：数字加校验码 0-9 或 X", entry_check_mod11_2},
};

const cbec_ident_kind *cbec__ident_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

size_t cbec__ident_count(void) { return ARRAY_LEN(kinds); }

const cbec_ident_kind *cbec__ident_at(size_t i)
{
    return i < ARRAY_LEN(kinds) ? &kinds[i] : NULL;
}
