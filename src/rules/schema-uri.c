/* schema-uri.c - URI references for JSON Schema: resolving $id and $ref
 * against their base (RFC 3986 section 5) and checking the uri, iri and
 * *-reference formats (RFC 3986 and RFC 3987 grammars). */
#include "rules/schema-int.h"

#include <stdlib.h>
#include <string.h>

/* ---- splitting (RFC 3986 appendix B) ---- */

typedef struct uri_parts {
    const char *scheme, *auth, *path, *query, *frag;
    size_t scheme_n, auth_n, path_n, query_n, frag_n;
    bool has_scheme, has_auth, has_query, has_frag;
} uri_parts;

static bool scheme_char(int c, bool first)
{
    return cbec__is_alpha(c) || (!first && (cbec__is_digit(c) || c == '+' || c == '-' || c == '.'));
}

bool cbec__uri_has_scheme(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && scheme_char((unsigned char)s[i], i == 0))
        i++;
    return i > 0 && i < n && s[i] == ':';
}

static void split(const char *s, size_t n, uri_parts *u)
{
    memset(u, 0, sizeof *u);
    size_t i = 0;
    if (cbec__uri_has_scheme(s, n)) {
        while (s[i] != ':')
            i++;
        u->has_scheme = true;
        u->scheme = s;
        u->scheme_n = i;
        i++;
    }
    if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        i += 2;
        size_t a = i;
        while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
            i++;
        u->has_auth = true;
        u->auth = s + a;
        u->auth_n = i - a;
    }
    size_t p = i;
    while (i < n && s[i] != '?' && s[i] != '#')
        i++;
    u->path = s + p;
    u->path_n = i - p;
    if (i < n && s[i] == '?') {
        size_t q = ++i;
        while (i < n && s[i] != '#')
            i++;
        u->has_query = true;
        u->query = s + q;
        u->query_n = i - q;
    }
    if (i < n && s[i] == '#') {
        i++;
        u->has_frag = true;
        u->frag = s + i;
        u->frag_n = n - i;
    }
}

size_t cbec__uri_strip_fragment(const char *uri)
{
    return strcspn(uri, "#");
}

/* ---- resolution (RFC 3986 5.2) ---- */

/* remove_dot_segments (5.2.4) of in, appended to out */
static void remove_dots(const char *in, size_t n, cbec_buf *out)
{
    size_t start = out->len;
    size_t i = 0;
    while (i < n) {
        const char *p = in + i;
        size_t left = n - i;
        if (left >= 3 && memcmp(p, "../", 3) == 0) {
            i += 3;
        } else if (left >= 2 && memcmp(p, "./", 2) == 0) {
            i += 2;
        } else if (left >= 3 && memcmp(p, "/./", 3) == 0) {
            i += 2;
        } else if (left == 2 && memcmp(p, "/.", 2) == 0) {
            /* "/." at the end becomes "/" */
            cbec__buf_addc(out, '/');
            i += 2;
        } else if ((left >= 4 && memcmp(p, "/../", 4) == 0) || (left == 3 && memcmp(p, "/..", 3) == 0)) {
            /* drop the last output segment */
            while (out->len > start && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > start)
                out->len--;
            if (left == 3) {
                cbec__buf_addc(out, '/');
                i += 3;
            } else {
                i += 3;
            }
        } else if ((left == 1 && p[0] == '.') || (left == 2 && memcmp(p, "..", 2) == 0)) {
            i += left;
        } else {
            /* move the first segment (with its leading '/') to the output */
            size_t k = p[0] == '/' ? 1 : 0;
            while (k < left && p[k] != '/')
                k++;
            cbec__buf_add(out, p, k);
            i += k;
        }
    }
}

char *cbec__uri_resolve(const char *base, const char *ref)
{
    uri_parts B, R;
    split(base, strlen(base), &B);
    split(ref, strlen(ref), &R);
    cbec_buf out;
    cbec__buf_init(&out);
    const uri_parts *query_from = &R;
    const uri_parts *scheme_from = R.has_scheme ? &R : &B;
    if (scheme_from->has_scheme) {
        cbec__buf_add(&out, scheme_from->scheme, scheme_from->scheme_n);
        cbec__buf_addc(&out, ':');
    }
    if (R.has_scheme || R.has_auth) {
        if (R.has_auth) {
            cbec__buf_adds(&out, "//");
            cbec__buf_add(&out, R.auth, R.auth_n);
        }
        remove_dots(R.path, R.path_n, &out);
    } else {
        if (B.has_auth) {
            cbec__buf_adds(&out, "//");
            cbec__buf_add(&out, B.auth, B.auth_n);
        }
        if (R.path_n == 0) {
            cbec__buf_add(&out, B.path, B.path_n);
            if (!R.has_query)
                query_from = &B;
        } else if (R.path[0] == '/') {
            remove_dots(R.path, R.path_n, &out);
        } else {
            /* merge (5.2.3): the base path up to its last '/', then the reference */
            cbec_buf merged;
            cbec__buf_init(&merged);
            if (B.has_auth && B.path_n == 0) {
                cbec__buf_addc(&merged, '/');
            } else {
                size_t k = B.path_n;
                while (k > 0 && B.path[k - 1] != '/')
                    k--;
                cbec__buf_add(&merged, B.path, k);
            }
            cbec__buf_add(&merged, R.path, R.path_n);
            if (merged.oom)
                out.oom = true;
            remove_dots(merged.data ? merged.data : "", merged.len, &out);
            cbec__buf_free(&merged);
        }
    }
    if (query_from->has_query) {
        cbec__buf_addc(&out, '?');
        cbec__buf_add(&out, query_from->query, query_from->query_n);
    }
    if (R.has_frag) {
        cbec__buf_addc(&out, '#');
        cbec__buf_add(&out, R.frag, R.frag_n);
    }
    if (out.oom) {
        cbec__buf_free(&out);
        return NULL;
    }
    char *res = cbec__strdup(cbec__buf_cstr(&out));
    cbec__buf_free(&out);
    return res;
}

/* ---- checking (RFC 3986 / RFC 3987 grammars) ---- */

static bool unreserved(int c) { return cbec__is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
static bool sub_delim(int c) { return c && strchr("!$&'()*+,;=", c) != NULL; }
static bool hexdig(int c) { return cbec__is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Length of one valid UTF-8 sequence at s (0 when invalid) and its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    if (!n)
        return 0;
    unsigned c = s[0];
    size_t len;
    unsigned v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* ucschar of RFC 3987 (iprivate allowed in queries only; treated alike). */
static bool ucschar(unsigned cp)
{
    return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
           (cp >= 0xFDF0 && cp <= 0xFFEF) || (cp >= 0xE000 && cp <= 0xF8FF) ||
           (cp >= 0x10000 && cp <= 0x10FFFD && (cp & 0xFFFF) < 0xFFFE);
}

/* Every character of s is allowed: unreserved, pct-encoded, sub-delims and
 * the extra ASCII characters in extra; non-ASCII only for IRIs. */
static bool chars_ok(const char *s, size_t n, const char *extra, bool iri)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || !hexdig((unsigned char)s[i + 1]) || !hexdig((unsigned char)s[i + 2]))
                return false;
            i += 3;
            continue;
        }
        if (c >= 0x80) {
            unsigned cp;
            size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);
            if (!iri || !k || !ucschar(cp))
                return false;
            i += k;
            continue;
        }
        if (!unreserved(c) && !sub_delim(c) && !(c && strchr(extra, c)))
            return false;
        i++;
    }
    return true;
}

static bool host_ok(const char *s, size_t n, bool iri)
{
    if (n && s[0] == '[') {
        if (s[n - 1] != ']')
            return false;
        const char *h = s + 1;
        size_t hn = n - 2;
        if (hn && (h[0] == 'v' || h[0] == 'V')) {
            /* IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
            size_t i = 1;
            while (i < hn && hexdig((unsigned char)h[i]))
                i++;
            if (i == 1 || i >= hn || h[i] != '.' || i + 1 >= hn)
                return false;
            return chars_ok(h + i + 1, hn - i - 1, ":", false) && !memchr(h + i + 1, '%', hn - i - 1);
        }
        return cbec__schema_ipv6(h, hn);
    }
    return chars_ok(s, n, "", iri);
}

static bool authority_ok(const char *s, size_t n, bool iri)
{
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '@')
            at = s + i;
    if (at) {
        if (!chars_ok(s, (size_t)(at - s), ":", iri))
            return false;
        n -= (size_t)(at - s) + 1;
        s = at + 1;
    }
    /* port: digits after the last ':' outside an IP literal */
    size_t hostn = n;
    const char *close = n && s[0] == '[' ? memchr(s, ']', n) : NULL;
    size_t from = close ? (size_t)(close - s) + 1 : 0;
    for (size_t i = n; i > from; i--)
        if (s[i - 1] == ':') {
            hostn = i - 1;
            break;
        }
    if (close && from != hostn && from != n)
        return false;
    for (size_t i = hostn + 1; i < n; i++)
        if (!cbec__is_digit(s[i]))
            return false;
    return host_ok(s, hostn, iri);
}

bool cbec__uri_valid(const char *s, size_t n, bool iri, bool reference)
{
    uri_parts u;
    split(s, n, &u);
    if (!u.has_scheme && !reference)
        return false;
    if (u.has_auth && !authority_ok(u.auth, u.auth_n, iri))
        return false;
    if (!chars_ok(u.path, u.path_n, ":@/", iri))
        return false;
    /* a relative path's first segment cannot hold ':' (it would read as a scheme) */
    if (!u.has_scheme && !u.has_auth && u.path_n && u.path[0] != '/') {
        size_t k = 0;
        while (k < u.path_n && u.path[k] != '/')
            k++;
        if (memchr(u.path, ':', k))
            return false;
    }
    /* without authority the path cannot start with "//" */
    if (!u.has_auth && u.path_n >= 2 && u.path[0] == '/' && u.path[1] == '/')
        return false;
    if (u.has_query && !chars_ok(u.query, u.query_n, ":@/?", iri))
        return false;
    if (u.has_frag && !chars_ok(u.frag, u.frag_n, ":@/?", iri))
        return false;
    return true;
}
