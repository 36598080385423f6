/* schema-format.c - the "format" vocabulary: dates and times (RFC 3339),
 * durations, e-mail addresses (RFC 5321/6531), host names (RFC 1123,
 * IDNA2008), IP addresses, URIs and IRIs, UUIDs, ECMA-262 patterns, JSON
 * Pointers and URI templates (RFC 6570). */
#include "rules/schema-int.h"
#include "core/datetime.h"

#include <string.h>

static const char *const names[] = {
    [CBEC_FMT_DATE_TIME] = "date-time",
    [CBEC_FMT_DATE] = "date",
    [CBEC_FMT_TIME] = "time",
    [CBEC_FMT_DURATION] = "duration",
    [CBEC_FMT_EMAIL] = "email",
    [CBEC_FMT_IDN_EMAIL] = "idn-email",
    [CBEC_FMT_HOSTNAME] = "hostname",
    [CBEC_FMT_IDN_HOSTNAME] = "idn-hostname",
    [CBEC_FMT_IPV4] = "ipv4",
    [CBEC_FMT_IPV6] = "ipv6",
    [CBEC_FMT_URI] = "uri",
    [CBEC_FMT_URI_REFERENCE] = "uri-reference",
    [CBEC_FMT_IRI] = "iri",
    [CBEC_FMT_IRI_REFERENCE] = "iri-reference",
    [CBEC_FMT_UUID] = "uuid",
    [CBEC_FMT_REGEX] = "regex",
    [CBEC_FMT_JSON_POINTER] = "json-pointer",
    [CBEC_FMT_RELATIVE_JSON_POINTER] = "relative-json-pointer",
    [CBEC_FMT_URI_TEMPLATE] = "uri-template",
};

int cbec__schema_format_id(const char *name, size_t len)
{
    for (size_t i = 0; i < CBEC_ARRAY_LEN(names); i++)
        if (cbec__streq(name, len, names[i]))
            return (int)i;
    return -1;
}

const char *cbec__schema_format_name(int id)
{
    return id >= 0 && (size_t)id < CBEC_ARRAY_LEN(names) ? names[id] : "";
}

/* ---- durations (RFC 3339 appendix A) ---- */

/* 1*DIGIT followed by unit; advances *i. */
static bool component(const char *s, size_t n, size_t *i, char unit)
{
    size_t k = *i;
    while (k < n && cbec__is_digit(s[k]))
        k++;
    if (k == *i || k >= n || s[k] != unit)
        return false;
    *i = k + 1;
    return true;
}

/* dur-time = "T" (dur-hour / dur-minute / dur-second), each optionally
 * followed by the smaller units in order. */
static bool dur_time(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != 'T')
        return false;
    i++;
    static const char units[] = "HMS";
    int u = 0;
    bool any = false;
    while (i < n) {
        /* find which unit the next component has */
        size_t k = i;
        while (k < n && cbec__is_digit(s[k]))
            k++;
        if (k == i || k >= n)
            return false;
        const char *p = strchr(units, s[k]);
        if (!p || *p == '\0' || p - units < u)
            return false;
        /* no skipping from hours to seconds */
        if (any && p - units != u)
            return false;
        if (!component(s, n, &i, *p))
            return false;
        any = true;
        u = (int)(p - units) + 1;
    }
    return any;
}

static bool duration_ok(const char *s, size_t n)
{
    if (n < 2 || s[0] != 'P')
        return false;
    size_t i = 1;
    if (s[i] == 'T')
        return dur_time(s, n, i);
    /* weeks stand alone */
    size_t k = i;
    while (k < n && cbec__is_digit(s[k]))
        k++;
    if (k < n && s[k] == 'W')
        return component(s, n, &i, 'W') && i == n;
    static const char units[] = "YMD";
    int u = 0;
    bool any = false;
    while (i < n && s[i] != 'T') {
        k = i;
        while (k < n && cbec__is_digit(s[k]))
            k++;
        if (k == i || k >= n)
            return false;
        const char *p = strchr(units, s[k]);
        if (!p || *p == '\0' || p - units < u || (any && p - units != u))
            return false;
        if (!component(s, n, &i, *p))
            return false;
        any = true;
        u = (int)(p - units) + 1;
    }
    if (!any)
        return false;
    return i == n || dur_time(s, n, i);
}

/* ---- e-mail (RFC 5321 Mailbox, RFC 6531 with idn) ---- */

static bool atext(unsigned char c, bool idn)
{
    return cbec__is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c)) || (idn && c >= 0x80);
}

static bool email_ok(const char *s, size_t n, bool idn)
{
    size_t i = 0;
    if (n && s[0] == '"') {
        /* Quoted-string: qtextSMTP or quoted pairs */
        i = 1;
        while (i < n && s[i] != '"') {
            unsigned char c = (unsigned char)s[i];
            if (c == '\\') {
                if (i + 1 >= n || (unsigned char)s[i + 1] < 0x20 || s[i + 1] == 0x7F)
                    return false;
                i += 2;
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7F || (c >= 0x80 && !idn))
                return false;
            i++;
        }
        if (i >= n)
            return false;
        i++;
    } else {
        /* Dot-string: atoms separated by single dots */
        size_t start = i;
        bool prev_dot = true;
        while (i < n && s[i] != '@') {
            if (s[i] == '.') {
                if (prev_dot)
                    return false;
                prev_dot = true;
            } else if (atext((unsigned char)s[i], idn)) {
                prev_dot = false;
            } else {
                return false;
            }
            i++;
        }
        if (i == start || prev_dot)
            return false;
        if (i - start > 64 && !idn)
            return false;
    }
    if (i >= n || s[i] != '@')
        return false;
    const char *d = s + i + 1;
    size_t dn = n - i - 1;
    if (!dn)
        return false;
    if (d[0] == '[') {
        if (d[dn - 1] != ']')
            return false;
        const char *lit = d + 1;
        size_t ln = dn - 2;
        if (ln >= 5 && memcmp(lit, "IPv6:", 5) == 0)
            return cbec__schema_ipv6(lit + 5, ln - 5);
        return cbec__schema_ipv4(lit, ln);
    }
    return cbec__schema_hostname(d, dn, idn);
}

/* ---- IP addresses ---- */

bool cbec__schema_ipv4(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        size_t a = i;
        unsigned v = 0;
        while (i < n && cbec__is_digit(s[i]) && i - a < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == a || v > 255 || (i - a > 1 && s[a] == '0'))
            return false;
        if (++parts < 4) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
    }
    return i == n;
}

static bool hexdig(int c) { return cbec__is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool cbec__schema_ipv6(const char *s, size_t n)
{
    size_t i = 0;
    int groups = 0;
    bool gap = false;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = true;
        i = 2;
        if (i == n)
            return true;
    } else if (n && s[0] == ':') {
        return false;
    }
    while (i < n) {
        size_t k = i;
        while (k < n && s[k] != ':')
            k++;
        if (k == n && memchr(s + i, '.', n - i)) {
            /* the IPv4 tail takes two groups */
            if (!cbec__schema_ipv4(s + i, n - i))
                return false;
            groups += 2;
            break;
        }
        size_t a = i;
        while (i < n && hexdig((unsigned char)s[i]) && i - a < 4)
            i++;
        if (i == a)
            return false;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < n && s[i] == ':') {
            if (gap)
                return false;
            gap = true;
            i++;
        } else if (i == n) {
            return false;
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

/* ---- UUID, JSON Pointer, URI template ---- */

static bool uuid_ok(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !hexdig((unsigned char)s[i]))
            return false;
    }
    return true;
}

static bool pointer_ok(const char *s, size_t n)
{
    if (n && s[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')))
            return false;
    return true;
}

static bool relative_pointer_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && cbec__is_digit(s[i]))
        i++;
    if (i == 0 || (i > 1 && s[0] == '0'))
        return false;
    if (i < n && s[i] == '#')
        return i + 1 == n;
    return pointer_ok(s + i, n - i);
}

static bool template_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '{') {
            size_t k = ++i;
            while (k < n && s[k] != '}')
                k++;
            if (k >= n || k == i)
                return false;
            const char *e = s + i;
            size_t en = k - i;
            size_t j = 0;
            if (strchr("+#./;?&=,!@|", e[0]))
                j = 1;
            /* variable-list = varspec *( "," varspec ) */
            for (;;) {
                size_t v = j;
                while (j < en && (cbec__is_alnum(e[j]) || e[j] == '_' || e[j] == '.' || e[j] == '%')) {
                    if (e[j] == '%' && (j + 2 >= en || !hexdig((unsigned char)e[j + 1]) || !hexdig((unsigned char)e[j + 2])))
                        return false;
                    j += e[j] == '%' ? 3 : 1;
                }
                if (j == v || e[v] == '.' || e[j - 1] == '.')
                    return false;
                for (size_t q = v; q + 1 < j; q++)
                    if (e[q] == '.' && e[q + 1] == '.')
                        return false;
                if (j < en && e[j] == ':') {
                    size_t d = ++j;
                    while (j < en && cbec__is_digit(e[j]))
                        j++;
                    if (j == d || j - d > 4 || e[d] == '0')
                        return false;
                } else if (j < en && e[j] == '*') {
                    j++;
                }
                if (j == en)
                    break;
                if (e[j] != ',')
                    return false;
                j++;
            }
            i = k + 1;
            continue;
        }
        /* RFC 6570 leaves out the apostrophe too; the test suite (and
         * common use) accept it in literals */
        if (c == '}' || c <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\' ||
            c == '^' || c == '`' || c == '|' || c == 0x7F)
            return false;
        if (c == '%') {
            if (i + 2 >= n || !hexdig((unsigned char)s[i + 1]) || !hexdig((unsigned char)s[i + 2]))
                return false;
            i += 3;
            continue;
        }
        i++;
    }
    return true;
}

/* ---- regex (ECMA-262 syntax) ---- */

static bool regex_ok(const char *s, size_t n)
{
    char err[256];
    cbec_buf b;
    cbec__buf_init(&b);
    bool ok = cbec__ecma_to_pcre2(s, n, &b, err, sizeof err);
    if (ok) {
        cbec_regex *re = cbec__regex_compile(b.data ? b.data : "", b.len, CBEC_REGEX_ECMA, err, sizeof err);
        /* ECMA-262 allows lookbehinds of any length, PCRE2 10.42 not: still valid ECMA */
        ok = re != NULL || strstr(err, "lookbehind") != NULL;
        cbec__regex_free(re);
    }
    cbec__buf_free(&b);
    return ok;
}

/* RFC 3339 allows any number of fraction digits; the date parser keeps
 * nanoseconds, so digits past the ninth are checked here and dropped. */
static bool datetime_ok(const char *s, size_t n, cbec_dt_form form)
{
    const char *dot = memchr(s, '.', n);
    size_t digits = 0;
    if (dot)
        while ((size_t)(dot + 1 - s) + digits < n && cbec__is_digit(dot[1 + digits]))
            digits++;
    if (digits <= 9)
        return cbec__dt_parse(s, n, form, true, NULL, NULL, NULL);
    char buf[128];
    size_t keep = (size_t)(dot + 1 - s) + 9, rest = n - (size_t)(dot + 1 - s) - digits;
    if (keep + rest > sizeof buf)
        return false;
    memcpy(buf, s, keep);
    memcpy(buf + keep, dot + 1 + digits, rest);
    return cbec__dt_parse(buf, keep + rest, form, true, NULL, NULL, NULL);
}

bool cbec__schema_format_check(int id, const char *s, size_t n)
{
    switch ((cbec_schema_format)id) {
    case CBEC_FMT_DATE_TIME:
        return datetime_ok(s, n, CBEC_DT_DATETIME);
    case CBEC_FMT_DATE:
        return cbec__dt_parse(s, n, CBEC_DT_DATE, false, NULL, NULL, NULL);
    case CBEC_FMT_TIME:
        return datetime_ok(s, n, CBEC_DT_TIME);
    case CBEC_FMT_DURATION: return duration_ok(s, n);
    case CBEC_FMT_EMAIL: return email_ok(s, n, false);
    case CBEC_FMT_IDN_EMAIL: return email_ok(s, n, true);
    case CBEC_FMT_HOSTNAME: return cbec__schema_hostname(s, n, false);
    case CBEC_FMT_IDN_HOSTNAME: return cbec__schema_hostname(s, n, true);
    case CBEC_FMT_IPV4: return cbec__schema_ipv4(s, n);
    case CBEC_FMT_IPV6: return cbec__schema_ipv6(s, n);
    case CBEC_FMT_URI: return cbec__uri_valid(s, n, false, false);
    case CBEC_FMT_URI_REFERENCE: return cbec__uri_valid(s, n, false, true);
    case CBEC_FMT_IRI: return cbec__uri_valid(s, n, true, false);
    case CBEC_FMT_IRI_REFERENCE: return cbec__uri_valid(s, n, true, true);
    case CBEC_FMT_UUID: return uuid_ok(s, n);
    case CBEC_FMT_REGEX: return regex_ok(s, n);
    case CBEC_FMT_JSON_POINTER: return pointer_ok(s, n);
    case CBEC_FMT_RELATIVE_JSON_POINTER: return relative_pointer_ok(s, n);
    case CBEC_FMT_URI_TEMPLATE: return template_ok(s, n);
    case CBEC_FMT_COUNT: break;
    }
    return true;
}
