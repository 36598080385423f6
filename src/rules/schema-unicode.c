/* schema-unicode.c - host names for the hostname and idn-hostname formats:
 * RFC 1123 labels, Punycode (RFC 3492) and the IDNA2008 rules for labels
 * (RFC 5891, 5892 contextual rules, RFC 5893 Bidi rule).  The utf8proc
 * adapter of the schema files: the only one that includes utf8proc.h. */
#include "rules/schema-int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define LABEL_MAX 63
#define NAME_MAX_OCTETS 253
#define MAX_CPS 256

/* ---- UTF-8 ---- */

/* Decode one strictly valid scalar value; 0 when invalid. */
size_t cbec__schema_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
    if (k <= 0 || c < 0)
        return 0;
    *cp = (uint32_t)c;
    return (size_t)k;
}

/* ---- Punycode (RFC 3492) ---- */

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

static uint32_t adapt(uint32_t delta, uint32_t numpoints, bool first)
{
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0' + 26;
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    return -1;
}

static char digit_char(uint32_t d) { return (char)(d < 26 ? 'a' + d : '0' + d - 26); }

/* Decode; false for invalid input or more than cap code points. */
static bool puny_decode(const char *in, size_t n, uint32_t *out, size_t *outn, size_t cap)
{
    size_t b = 0;
    for (size_t j = 0; j < n; j++)
        if (in[j] == '-')
            b = j;
    size_t len = 0;
    for (size_t j = 0; j < b; j++) {
        if ((unsigned char)in[j] >= 0x80 || len >= cap)
            return false;
        out[len++] = (unsigned char)in[j];
    }
    uint32_t cp = INITIAL_N, bias = INITIAL_BIAS, i = 0;
    for (size_t in_i = b > 0 ? b + 1 : 0; in_i < n;) {
        uint32_t oldi = i, w = 1;
        for (uint32_t k = BASE;; k += BASE) {
            if (in_i >= n)
                return false;
            int d = digit_value((unsigned char)in[in_i++]);
            if (d < 0 || (uint32_t)d > (UINT32_MAX - i) / w)
                return false;
            i += (uint32_t)d * w;
            uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if ((uint32_t)d < t)
                break;
            if (w > UINT32_MAX / (BASE - t))
                return false;
            w *= BASE - t;
        }
        bias = adapt(i - oldi, (uint32_t)len + 1, oldi == 0);
        if (i / ((uint32_t)len + 1) > 0x10FFFF - cp)
            return false;
        cp += i / ((uint32_t)len + 1);
        i %= (uint32_t)len + 1;
        if (len >= cap || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        memmove(out + i + 1, out + i, (len - i) * sizeof *out);
        out[i++] = cp;
        len++;
    }
    *outn = len;
    return true;
}

/* Encode; false when the result would exceed cap characters. */
static bool puny_encode(const uint32_t *in, size_t n, char *out, size_t *outn, size_t cap)
{
    size_t len = 0;
    for (size_t j = 0; j < n; j++)
        if (in[j] < 0x80) {
            if (len >= cap)
                return false;
            out[len++] = (char)in[j];
        }
    size_t h = len, b = len;
    if (b > 0) {
        if (len >= cap)
            return false;
        out[len++] = '-';
    }
    uint32_t cp = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
    while (h < n) {
        uint32_t m = UINT32_MAX;
        for (size_t j = 0; j < n; j++)
            if (in[j] >= cp && in[j] < m)
                m = in[j];
        if ((uint64_t)(m - cp) * (h + 1) + delta > UINT32_MAX)
            return false;
        delta += (m - cp) * (uint32_t)(h + 1);
        cp = m;
        for (size_t j = 0; j < n; j++) {
            if (in[j] < cp)
                delta++;
            if (in[j] == cp) {
                uint32_t q = delta;
                for (uint32_t k = BASE;; k += BASE) {
                    uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
                    if (q < t)
                        break;
                    if (len >= cap)
                        return false;
                    out[len++] = digit_char(t + (q - t) % (BASE - t));
                    q = (q - t) / (BASE - t);
                }
                if (len >= cap)
                    return false;
                out[len++] = digit_char(q);
                bias = adapt(delta, (uint32_t)h + 1, h == b);
                delta = 0;
                h++;
            }
        }
        delta++;
        cp++;
    }
    *outn = len;
    return true;
}

/* ---- IDNA2008 code point rules ---- */

static bool in_range(uint32_t c, uint32_t a, uint32_t b) { return c >= a && c <= b; }

static bool is_greek(uint32_t c) { return (in_range(c, 0x370, 0x3FF) && c != 0x374 && c != 0x375 && c != 0x37E && c != 0x385 && c != 0x387) || in_range(c, 0x1F00, 0x1FFF); }
static bool is_hebrew(uint32_t c) { return in_range(c, 0x591, 0x5F4) || in_range(c, 0xFB1D, 0xFB4F); }
static bool is_kana_han(uint32_t c)
{
    return in_range(c, 0x3041, 0x309F) || (in_range(c, 0x30A1, 0x30FF) && c != 0x30FB && c != 0x30FC) ||
           in_range(c, 0x31F0, 0x31FF) || in_range(c, 0x2E80, 0x2FDF) || c == 0x3005 || c == 0x3007 ||
           in_range(c, 0x3021, 0x3029) || in_range(c, 0x3038, 0x303B) || in_range(c, 0x3400, 0x4DBF) ||
           in_range(c, 0x4E00, 0x9FFF) || in_range(c, 0xF900, 0xFAFF) || in_range(c, 0x20000, 0x3134F);
}

static int category(uint32_t c) { return (int)utf8proc_category((utf8proc_int32_t)c); }
static int bidi(uint32_t c) { return (int)utf8proc_get_property((utf8proc_int32_t)c)->bidi_class; }
static bool is_mark(uint32_t c)
{
    int k = category(c);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC || k == UTF8PROC_CATEGORY_ME;
}
static bool is_virama(uint32_t c) { return utf8proc_get_property((utf8proc_int32_t)c)->combining_class == 9; }

/* NFKC_Casefold leaves it alone (RFC 5892 "Unstable" is the opposite). */
static bool stable(uint32_t c)
{
    char in[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)in);
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)in, n, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                          UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    bool same = m == n && out && memcmp(out, in, (size_t)n) == 0;
    free(out);
    return same;
}

typedef enum { CP_PVALID, CP_CONTEXTJ, CP_CONTEXTO, CP_DISALLOWED } cp_class;

static cp_class classify(uint32_t c)
{
    switch (c) {
    case 0x00DF: case 0x03C2: case 0x06FD: case 0x06FE: case 0x0F0B: case 0x3007:
        return CP_PVALID;
    case 0x0640: case 0x07FA: case 0x302E: case 0x302F: case 0x3031: case 0x3032: case 0x3033:
    case 0x3034: case 0x3035: case 0x303B:
        return CP_DISALLOWED;
    case 0x200C: case 0x200D:
        return CP_CONTEXTJ;
    case 0x00B7: case 0x0375: case 0x05F3: case 0x05F4: case 0x30FB:
        return CP_CONTEXTO;
    default:
        break;
    }
    if (in_range(c, 0x0660, 0x0669) || in_range(c, 0x06F0, 0x06F9))
        return CP_CONTEXTO;
    if (c < 0x80)
        /* letters in either case (DNS compares ASCII case-insensitively), digits, hyphen */
        return cbec__is_alnum((int)c) || c == '-' ? CP_PVALID : CP_DISALLOWED;
    switch (category(c)) {
    case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
        return stable(c) ? CP_PVALID : CP_DISALLOWED;
    default:
        return CP_DISALLOWED;
    }
}

/* Joining types for the ZWNJ rule, from the Arabic-script ranges: letters
 * join on both sides (D), marks are transparent (T). */
static bool joins(uint32_t c)
{
    int b = bidi(c);
    return (b == UTF8PROC_BIDI_CLASS_AL || b == UTF8PROC_BIDI_CLASS_R) && category(c) == UTF8PROC_CATEGORY_LO;
}
static bool transparent(uint32_t c)
{
    int k = category(c);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF;
}

static bool context_ok(const uint32_t *l, size_t n, size_t i)
{
    uint32_t c = l[i];
    switch (c) {
    case 0x200D:
        return i > 0 && is_virama(l[i - 1]);
    case 0x200C: {
        if (i > 0 && is_virama(l[i - 1]))
            return true;
        size_t a = i;
        while (a > 0 && transparent(l[a - 1]))
            a--;
        size_t b = i + 1;
        while (b < n && transparent(l[b]))
            b++;
        return a > 0 && joins(l[a - 1]) && b < n && joins(l[b]);
    }
    case 0x00B7:
        return i > 0 && i + 1 < n && l[i - 1] == 'l' && l[i + 1] == 'l';
    case 0x0375:
        return i + 1 < n && is_greek(l[i + 1]);
    case 0x05F3: case 0x05F4:
        return i > 0 && is_hebrew(l[i - 1]);
    case 0x30FB:
        for (size_t k = 0; k < n; k++)
            if (is_kana_han(l[k]))
                return true;
        return false;
    default:
        break;
    }
    if (in_range(c, 0x0660, 0x0669)) {
        for (size_t k = 0; k < n; k++)
            if (in_range(l[k], 0x06F0, 0x06F9))
                return false;
        return true;
    }
    if (in_range(c, 0x06F0, 0x06F9)) {
        for (size_t k = 0; k < n; k++)
            if (in_range(l[k], 0x0660, 0x0669))
                return false;
        return true;
    }
    return false;
}

static bool label_is_rtl(const uint32_t *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int b = bidi(l[i]);
        if (b == UTF8PROC_BIDI_CLASS_R || b == UTF8PROC_BIDI_CLASS_AL || b == UTF8PROC_BIDI_CLASS_AN)
            return true;
    }
    return false;
}

/* RFC 5893 section 2, for one label of a domain name that has RTL labels. */
static bool bidi_rule(const uint32_t *l, size_t n)
{
    if (!n)
        return false;
    int first = bidi(l[0]);
    if (first != UTF8PROC_BIDI_CLASS_L && first != UTF8PROC_BIDI_CLASS_R && first != UTF8PROC_BIDI_CLASS_AL)
        return false;
    bool rtl = first != UTF8PROC_BIDI_CLASS_L;
    bool en = false, an = false;
    size_t last = n;
    while (last > 0 && bidi(l[last - 1]) == UTF8PROC_BIDI_CLASS_NSM)
        last--;
    if (!last)
        return false;
    for (size_t i = 0; i < n; i++) {
        int b = bidi(l[i]);
        en |= b == UTF8PROC_BIDI_CLASS_EN;
        an |= b == UTF8PROC_BIDI_CLASS_AN;
        bool common = b == UTF8PROC_BIDI_CLASS_EN || b == UTF8PROC_BIDI_CLASS_ES || b == UTF8PROC_BIDI_CLASS_CS ||
                      b == UTF8PROC_BIDI_CLASS_ET || b == UTF8PROC_BIDI_CLASS_ON || b == UTF8PROC_BIDI_CLASS_BN ||
                      b == UTF8PROC_BIDI_CLASS_NSM;
        if (rtl && !common && b != UTF8PROC_BIDI_CLASS_R && b != UTF8PROC_BIDI_CLASS_AL && b != UTF8PROC_BIDI_CLASS_AN)
            return false;
        if (!rtl && !common && b != UTF8PROC_BIDI_CLASS_L)
            return false;
    }
    int end = bidi(l[last - 1]);
    if (rtl)
        return !(en && an) && (end == UTF8PROC_BIDI_CLASS_R || end == UTF8PROC_BIDI_CLASS_AL ||
                               end == UTF8PROC_BIDI_CLASS_EN || end == UTF8PROC_BIDI_CLASS_AN);
    return end == UTF8PROC_BIDI_CLASS_L || end == UTF8PROC_BIDI_CLASS_EN;
}

/* RFC 5891 5.4 / RFC 5892: a U-label's code points (Bidi is per name). */
static bool ulabel_ok(const uint32_t *l, size_t n)
{
    if (!n)
        return false;
    if (n >= 4 && l[2] == '-' && l[3] == '-')
        return false;
    if (l[0] == '-' || l[n - 1] == '-' || is_mark(l[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        cp_class k = classify(l[i]);
        if (k == CP_DISALLOWED)
            return false;
        if ((k == CP_CONTEXTJ || k == CP_CONTEXTO) && !context_ok(l, n, i))
            return false;
    }
    return true;
}

typedef struct label {
    uint32_t cps[MAX_CPS];
    size_t n;
    size_t alabel_len; /* octets of the label as sent in DNS */
    bool rtl;
} label;

/* Read one label into lb (decoding an A-label); false when invalid. */
static bool read_label(const char *s, size_t n, bool idn, label *lb)
{
    lb->n = 0;
    bool ascii = true;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = cbec__schema_utf8_next(s + i, n - i, &cp);
        if (!k || lb->n >= MAX_CPS)
            return false;
        ascii &= cp < 0x80;
        lb->cps[lb->n++] = cp;
        i += k;
    }
    if (!lb->n)
        return false;
    if (ascii) {
        if (n > LABEL_MAX)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!cbec__is_alnum(s[i]) && s[i] != '-')
                return false;
        if (s[0] == '-' || s[n - 1] == '-')
            return false;
        lb->alabel_len = n;
        if (n >= 4 && s[2] == '-' && s[3] == '-') {
            if (cbec__to_upper(s[0]) != 'X' || cbec__to_upper(s[1]) != 'N')
                return false;
            /* an A-label: valid Punycode of a valid U-label that encodes back to itself */
            uint32_t u[MAX_CPS];
            size_t un;
            if (!puny_decode(s + 4, n - 4, u, &un, MAX_CPS))
                return false;
            bool any = false;
            for (size_t i = 0; i < un; i++)
                any |= u[i] >= 0x80;
            char enc[LABEL_MAX + 1];
            size_t en;
            if (!any || !puny_encode(u, un, enc, &en, sizeof enc) || en != n - 4)
                return false;
            for (size_t i = 0; i < en; i++)
                if (enc[i] != s[4 + i] && cbec__to_upper(enc[i]) != cbec__to_upper(s[4 + i]))
                    return false;
            memcpy(lb->cps, u, un * sizeof *u);
            lb->n = un;
            if (!ulabel_ok(lb->cps, lb->n))
                return false;
        }
        lb->rtl = label_is_rtl(lb->cps, lb->n);
        return true;
    }
    if (!idn)
        return false;
    char enc[LABEL_MAX + 1];
    size_t en;
    if (!ulabel_ok(lb->cps, lb->n) || !puny_encode(lb->cps, lb->n, enc, &en, LABEL_MAX - 4 + 1) ||
        en + 4 > LABEL_MAX)
        return false;
    lb->alabel_len = en + 4;
    lb->rtl = label_is_rtl(lb->cps, lb->n);
    return true;
}

/* Length of a label separator at s (0 when none): '.', and for IDNs the
 * ideographic, fullwidth and halfwidth full stops. */
static size_t separator(const char *s, size_t n, bool idn)
{
    if (n && s[0] == '.')
        return 1;
    if (!idn || n < 3)
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x82)
        return 3; /* U+3002 */
    if (u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E)
        return 3; /* U+FF0E */
    if (u[0] == 0xEF && u[1] == 0xBD && u[2] == 0xA1)
        return 3; /* U+FF61 */
    return 0;
}

bool cbec__schema_hostname(const char *s, size_t n, bool idn)
{
    if (!n || n > 4 * NAME_MAX_OCTETS)
        return false;
    label *labels = malloc(sizeof *labels * 2);
    if (!labels)
        return false;
    /* two slots: the bidi rule needs every label, so check in a second pass */
    size_t total = 0;
    bool ok = true, any_rtl = false;
    for (int pass = 0; pass < 2 && ok; pass++) {
        size_t i = 0;
        total = 0;
        for (;;) {
            size_t a = i, sep = 0;
            while (i < n && !(sep = separator(s + i, n - i, idn)))
                i++;
            label *lb = &labels[pass];
            if (!read_label(s + a, i - a, idn, lb)) {
                ok = false;
                break;
            }
            any_rtl |= lb->rtl;
            if (pass == 1 && any_rtl && !bidi_rule(lb->cps, lb->n)) {
                ok = false;
                break;
            }
            total += lb->alabel_len;
            if (i >= n)
                break;
            total++;
            i += sep;
            if (i >= n) {
                ok = false; /* a trailing separator */
                break;
            }
        }
        if (!any_rtl)
            break;
    }
    free(labels);
    return ok && total <= NAME_MAX_OCTETS;
}
