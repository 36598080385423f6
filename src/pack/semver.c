/* semver.c - semantic versions (semver.org 2.0.0) and the version ranges
 * packs use to name their bases. */
#include "pack/pack.h"

#include <stdlib.h>
#include <string.h>

typedef struct semver {
    unsigned long part[3];
    const char *pre;   /* pre-release text, NULL when none */
    size_t prelen;
} semver;

static bool parse(const char *s, size_t n, semver *v, int *nparts)
{
    size_t i = 0;
    int k = 0;
    memset(v, 0, sizeof *v);
    while (k < 3) {
        size_t start = i;
        unsigned long x = 0;
        while (i < n && cbec__is_digit(s[i])) {
            if (x > 100000000UL)
                return false;
            x = x * 10 + (unsigned long)(s[i++] - '0');
        }
        if (i == start)
            return false;
        v->part[k++] = x;
        if (i < n && s[i] == '.' && k < 3) {
            i++;
            continue;
        }
        break;
    }
    *nparts = k;
    if (i < n && s[i] == '-') {
        v->pre = s + i + 1;
        size_t e = i + 1;
        while (e < n && s[e] != '+')
            e++;
        v->prelen = e - i - 1;
        i = e;
    }
    if (i < n && s[i] == '+')
        i = n; /* build metadata does not order */
    return i == n;
}

/* Pre-release precedence: dot-separated identifiers, numeric ones compare
 * numerically and rank below alphanumeric ones. */
static int cmp_pre(const semver *a, const semver *b)
{
    if (!a->pre || !b->pre)
        return a->pre ? -1 : b->pre ? 1 : 0;
    const char *x = a->pre, *xe = a->pre + a->prelen, *y = b->pre, *ye = b->pre + b->prelen;
    while (x < xe && y < ye) {
        size_t xl = strcspn(x, "."), yl = strcspn(y, ".");
        if (x + xl > xe) xl = (size_t)(xe - x);
        if (y + yl > ye) yl = (size_t)(ye - y);
        bool xn = strspn(x, "0123456789") >= xl, yn = strspn(y, "0123456789") >= yl;
        int c;
        if (xn && yn)
            c = xl != yl ? (xl < yl ? -1 : 1) : memcmp(x, y, xl);
        else if (xn != yn)
            c = xn ? -1 : 1;
        else {
            size_t m = xl < yl ? xl : yl;
            c = memcmp(x, y, m);
            if (!c)
                c = xl < yl ? -1 : xl > yl;
        }
        if (c)
            return c < 0 ? -1 : 1;
        x += xl + 1;
        y += yl + 1;
    }
    return x < xe ? 1 : y < ye ? -1 : 0;
}

static int cmp(const semver *a, const semver *b)
{
    for (int k = 0; k < 3; k++)
        if (a->part[k] != b->part[k])
            return a->part[k] < b->part[k] ? -1 : 1;
    return cmp_pre(a, b);
}

int cbec__semver_cmp(const char *a, const char *b)
{
    semver x, y;
    int nx, ny;
    if (!parse(a, strlen(a), &x, &nx) || !parse(b, strlen(b), &y, &ny))
        return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
    return cmp(&x, &y);
}

/* One comparator of a range: "^1.2", "~1.2.3", ">=1.0.0", "<2", "=1.2.3",
 * "1.2.3" or "*".  Returns -1 for a malformed comparator, else 0/1. */
static int comparator(const char *c, size_t n, const semver *v)
{
    if (n == 1 && c[0] == '*')
        return 1;
    const char *op = c;
    size_t oplen = 0;
    while (oplen < n && strchr("^~<>=", c[oplen]))
        oplen++;
    semver b;
    int parts;
    if (!parse(c + oplen, n - oplen, &b, &parts))
        return -1;
    int k = cmp(v, &b);
    /* a bare pre-release of a different version never matches a range */
    if (v->pre && !(b.pre && v->part[0] == b.part[0] && v->part[1] == b.part[1] && v->part[2] == b.part[2]))
        return 0;
    if (oplen == 0 || (oplen == 1 && op[0] == '=')) {
        if (parts == 3)
            return k == 0;
        /* "1" or "1.2": any version with that prefix */
        return v->part[0] == b.part[0] && (parts < 2 || v->part[1] == b.part[1]);
    }
    if (oplen == 1 && op[0] == '^') {
        if (k < 0)
            return 0;
        if (b.part[0] > 0 || parts == 1)
            return v->part[0] == b.part[0];
        if (b.part[1] > 0 || parts == 2)
            return v->part[0] == 0 && v->part[1] == b.part[1];
        return v->part[0] == 0 && v->part[1] == 0 && v->part[2] == b.part[2];
    }
    if (oplen == 1 && op[0] == '~') {
        if (k < 0)
            return 0;
        if (parts == 1)
            return v->part[0] == b.part[0];
        return v->part[0] == b.part[0] && v->part[1] == b.part[1];
    }
    if (oplen == 2 && op[0] == '>' && op[1] == '=')
        return k >= 0;
    if (oplen == 2 && op[0] == '<' && op[1] == '=')
        return k <= 0;
    if (oplen == 1 && op[0] == '>')
        return k > 0;
    if (oplen == 1 && op[0] == '<')
        return k < 0;
    return -1;
}

/* Space-separated comparators, all of which must hold. */
static int range_match(const char *version, const char *range)
{
    semver v;
    int parts;
    if (version && (!parse(version, strlen(version), &v, &parts) || parts != 3))
        return 0;
    if (!version)
        memset(&v, 0, sizeof v);
    int result = 1, seen = 0;
    for (const char *p = range;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " ");
        int r = comparator(p, n, &v);
        if (r < 0)
            return -1;
        result &= r;
        seen++;
        p += n;
    }
    return seen ? result : -1;
}

bool cbec__semver_range_valid(const char *range) { return range_match(NULL, range) >= 0; }

bool cbec__semver_satisfies(const char *version, const char *range) { return range_match(version, range) == 1; }
