/* schema-regex.c - ECMA-262 regular expressions (the dialect JSON Schema
 * names) on PCRE2: a syntax check in ECMA-262's "u" mode that rewrites the
 * constructs whose meaning differs into PCRE2 syntax with ECMA's meaning.
 * The differences that remain are listed in doc/json-schema.md. */
#include "rules/schema.h"

#include <stdio.h>
#include <string.h>

typedef struct ecma {
    const char *s;
    size_t n, i;
    cbec_buf *out;
    char *err;
    size_t errlen;
    bool failed;
} ecma;

static bool fail(ecma *e, const char *what)
{
    if (!e->failed)
        snprintf(e->err, e->errlen, "%s at offset %zu (ECMA-262)", what, e->i);
    e->failed = true;
    return false;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void add_utf8(cbec_buf *b, unsigned cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    cbec__buf_add(b, t, n);
}

/* A code point as a literal of PCRE2: ASCII punctuation escaped (never a
 * letter or digit, which would make an escape sequence). */
static void add_literal(cbec_buf *b, unsigned cp)
{
    if (cp < 0x80 && !cbec__is_alnum((int)cp) && cp > 0x20 && cp != 0x7F)
        cbec__buf_addc(b, '\\');
    add_utf8(b, cp);
}

/* ECMA-262 WhiteSpace and LineTerminator: the members of \s. */
static void add_space_members(cbec_buf *b)
{
    static const unsigned singles[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680,
                                       0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF};
    for (size_t i = 0; i < CBEC_ARRAY_LEN(singles); i++)
        add_utf8(b, singles[i]);
    add_utf8(b, 0x2000);
    cbec__buf_addc(b, '-');
    add_utf8(b, 0x200A);
}

/* Read hex digits: exactly n (n > 0) or, with n == 0, between braces. */
static bool read_hex(ecma *e, int n, unsigned *cp)
{
    unsigned v = 0;
    if (n == 0) {
        if (e->i >= e->n || e->s[e->i] != '{')
            return false;
        size_t k = e->i + 1, digits = 0;
        while (k < e->n && hexval((unsigned char)e->s[k]) >= 0) {
            v = v * 16 + (unsigned)hexval((unsigned char)e->s[k]);
            if (v > 0x10FFFF)
                return false;
            k++;
            digits++;
        }
        if (!digits || k >= e->n || e->s[k] != '}')
            return false;
        e->i = k + 1;
        *cp = v;
        return true;
    }
    if (e->n - e->i < (size_t)n)
        return false;
    for (int k = 0; k < n; k++) {
        int h = hexval((unsigned char)e->s[e->i + (size_t)k]);
        if (h < 0)
            return false;
        v = v * 16 + (unsigned)h;
    }
    e->i += (size_t)n;
    *cp = v;
    return true;
}

/* \u escapes: four digits (a surrogate pair makes one code point) or braces. */
static bool read_u(ecma *e, unsigned *cp)
{
    if (e->i < e->n && e->s[e->i] == '{')
        return read_hex(e, 0, cp) || fail(e, "bad \\u{...} escape");
    if (!read_hex(e, 4, cp))
        return fail(e, "\\u needs four hex digits");
    if (*cp >= 0xD800 && *cp <= 0xDBFF && e->n - e->i >= 6 && e->s[e->i] == '\\' && e->s[e->i + 1] == 'u') {
        size_t save = e->i;
        e->i += 2;
        unsigned lo;
        if (read_hex(e, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
            return true;
        }
        e->i = save;
    }
    if (*cp >= 0xD800 && *cp <= 0xDFFF)
        return fail(e, "a lone surrogate cannot be matched in UTF-8 text");
    return true;
}

/* Unicode property names ECMA-262 accepts in their long form, mapped to the
 * short General_Category names PCRE2 knows. */
static const struct {
    const char *lng, *shrt;
} gc_names[] = {
    {"Letter", "L"}, {"Cased_Letter", "L&"}, {"LC", "L&"}, {"Uppercase_Letter", "Lu"},
    {"Lowercase_Letter", "Ll"}, {"Titlecase_Letter", "Lt"}, {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"}, {"Mark", "M"}, {"Combining_Mark", "M"}, {"Nonspacing_Mark", "Mn"},
    {"Spacing_Mark", "Mc"}, {"Enclosing_Mark", "Me"}, {"Number", "N"}, {"Decimal_Number", "Nd"},
    {"digit", "Nd"}, {"Letter_Number", "Nl"}, {"Other_Number", "No"}, {"Punctuation", "P"},
    {"punct", "P"}, {"Connector_Punctuation", "Pc"}, {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"}, {"Close_Punctuation", "Pe"}, {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"}, {"Other_Punctuation", "Po"}, {"Symbol", "S"},
    {"Math_Symbol", "Sm"}, {"Currency_Symbol", "Sc"}, {"Modifier_Symbol", "Sk"},
    {"Other_Symbol", "So"}, {"Separator", "Z"}, {"Space_Separator", "Zs"},
    {"Line_Separator", "Zl"}, {"Paragraph_Separator", "Zp"}, {"Other", "C"}, {"Control", "Cc"},
    {"cntrl", "Cc"}, {"Format", "Cf"}, {"Surrogate", "Cs"}, {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};

static bool property(ecma *e, char letter)
{
    if (e->i >= e->n || e->s[e->i] != '{')
        return fail(e, "\\p and \\P need {name}");
    size_t a = e->i + 1, k = a;
    while (k < e->n && e->s[k] != '}')
        k++;
    if (k >= e->n || k == a)
        return fail(e, "unterminated \\p{...}");
    const char *name = e->s + a;
    size_t len = k - a;
    e->i = k + 1;
    for (size_t i = 0; i < len; i++)
        if (!cbec__is_alnum(name[i]) && name[i] != '_' && name[i] != '=')
            return fail(e, "bad character in a property name");
    const char *eq = memchr(name, '=', len);
    cbec__buf_addc(e->out, '\\');
    cbec__buf_addc(e->out, letter);
    cbec__buf_addc(e->out, '{');
    if (eq) {
        size_t kl = (size_t)(eq - name);
        const char *val = eq + 1;
        size_t vl = len - kl - 1;
        if ((kl == 2 && memcmp(name, "gc", 2) == 0) || (kl == 16 && memcmp(name, "General_Category", 16) == 0)) {
            name = val;
            len = vl;
        } else if ((kl == 2 && memcmp(name, "sc", 2) == 0) || (kl == 6 && memcmp(name, "Script", 6) == 0) ||
                   (kl == 3 && memcmp(name, "scx", 3) == 0) ||
                   (kl == 17 && memcmp(name, "Script_Extensions", 17) == 0)) {
            /* PCRE2 knows scripts by their names alone */
            cbec__buf_add(e->out, val, vl);
            cbec__buf_addc(e->out, '}');
            return true;
        } else {
            return fail(e, "unknown property in \\p{...}");
        }
    }
    for (size_t i = 0; i < CBEC_ARRAY_LEN(gc_names); i++)
        if (strlen(gc_names[i].lng) == len && memcmp(gc_names[i].lng, name, len) == 0) {
            cbec__buf_adds(e->out, gc_names[i].shrt);
            cbec__buf_addc(e->out, '}');
            return true;
        }
    cbec__buf_add(e->out, name, len);
    cbec__buf_addc(e->out, '}');
    return true;
}

static bool syntax_char(int c) { return c && strchr("^$\\.*+?()[]{}|/", c) != NULL; }

/* One escape after '\\' (already consumed); in_class changes a few. */
static bool escape(ecma *e, bool in_class)
{
    if (e->i >= e->n)
        return fail(e, "pattern ends with a backslash");
    char c = e->s[e->i++];
    unsigned cp;
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        /* PCRE2 without UCP: ASCII, as in ECMA-262 */
        cbec__buf_addc(e->out, '\\');
        cbec__buf_addc(e->out, c);
        return true;
    case 's':
        if (!in_class)
            cbec__buf_addc(e->out, '[');
        add_space_members(e->out);
        if (!in_class)
            cbec__buf_addc(e->out, ']');
        return true;
    case 'S':
        if (in_class) {
            cbec__buf_adds(e->out, "\\S");
        } else {
            cbec__buf_adds(e->out, "[^");
            add_space_members(e->out);
            cbec__buf_addc(e->out, ']');
        }
        return true;
    case 'b': case 'B':
        if (in_class) {
            if (c == 'B')
                return fail(e, "\\B inside a class");
            add_literal(e->out, 0x08);
        } else {
            cbec__buf_addc(e->out, '\\');
            cbec__buf_addc(e->out, c);
        }
        return true;
    case 'f': add_utf8(e->out, 0x0C); return true;
    case 'n': add_utf8(e->out, 0x0A); return true;
    case 'r': add_utf8(e->out, 0x0D); return true;
    case 't': add_utf8(e->out, 0x09); return true;
    case 'v': add_utf8(e->out, 0x0B); return true;
    case '0':
        if (e->i < e->n && cbec__is_digit(e->s[e->i]))
            return fail(e, "octal escapes are not allowed");
        cbec__buf_adds(e->out, "\\x00");
        return true;
    case 'c':
        if (e->i < e->n && cbec__is_alpha(e->s[e->i])) {
            add_literal(e->out, (unsigned)e->s[e->i++] % 32);
            return true;
        }
        return fail(e, "\\c needs a letter");
    case 'x':
        if (!read_hex(e, 2, &cp))
            return fail(e, "\\x needs two hex digits");
        add_literal(e->out, cp);
        return true;
    case 'u':
        if (!read_u(e, &cp))
            return false;
        add_literal(e->out, cp);
        return true;
    case 'p': case 'P':
        return property(e, c);
    case 'k':
        if (in_class)
            return fail(e, "\\k inside a class");
        if (e->i >= e->n || e->s[e->i] != '<')
            return fail(e, "\\k needs <name>");
        cbec__buf_adds(e->out, "\\k");
        return true;
    case '-':
        if (!in_class)
            return fail(e, "\\- outside a class");
        cbec__buf_adds(e->out, "\\-");
        return true;
    default:
        break;
    }
    if (c >= '1' && c <= '9') {
        if (in_class)
            return fail(e, "a back reference inside a class");
        cbec__buf_addc(e->out, '\\');
        cbec__buf_addc(e->out, c);
        /* following digits belong to the number: keep them together */
        while (e->i < e->n && cbec__is_digit(e->s[e->i]))
            cbec__buf_addc(e->out, e->s[e->i++]);
        return true;
    }
    if (syntax_char(c)) {
        cbec__buf_addc(e->out, '\\');
        cbec__buf_addc(e->out, c);
        return true;
    }
    char what[40];
    snprintf(what, sizeof what, "invalid escape \\%c", c >= 0x20 && c < 0x7F ? c : '?');
    return fail(e, what);
}

/* {n}, {n,} or {n,m} at e->i; returns its length or 0. */
static size_t quantifier_len(const ecma *e)
{
    size_t k = e->i;
    if (k >= e->n || e->s[k] != '{')
        return 0;
    k++;
    size_t d = k;
    while (k < e->n && cbec__is_digit(e->s[k]))
        k++;
    if (k == d)
        return 0;
    if (k < e->n && e->s[k] == ',') {
        k++;
        while (k < e->n && cbec__is_digit(e->s[k]))
            k++;
    }
    if (k >= e->n || e->s[k] != '}')
        return 0;
    return k + 1 - e->i;
}

static bool class_body(ecma *e)
{
    /* e->i is just past '[' */
    bool negated = e->i < e->n && e->s[e->i] == '^';
    if (negated)
        e->i++;
    if (e->i < e->n && e->s[e->i] == ']') {
        /* [] matches nothing, [^] matches anything */
        e->i++;
        cbec__buf_adds(e->out, negated ? "[\\s\\S]" : "(?!)");
        return true;
    }
    cbec__buf_addc(e->out, '[');
    if (negated)
        cbec__buf_addc(e->out, '^');
    while (e->i < e->n) {
        char c = e->s[e->i];
        if (c == ']') {
            e->i++;
            cbec__buf_addc(e->out, ']');
            return true;
        }
        if (c == '\\') {
            e->i++;
            if (!escape(e, true))
                return false;
            continue;
        }
        if (c == '[') {
            /* literal in ECMA; PCRE2 would read [: as a POSIX class */
            cbec__buf_adds(e->out, "\\[");
            e->i++;
            continue;
        }
        cbec__buf_addc(e->out, c);
        e->i++;
    }
    return fail(e, "unterminated character class");
}

bool cbec__ecma_to_pcre2(const char *src, size_t len, cbec_buf *out, char *err, size_t errlen)
{
    ecma e = {src, len, 0, out, err, errlen, false};
    int depth = 0;
    bool atom = false; /* something a quantifier may apply to precedes */
    while (e.i < e.n && !e.failed) {
        char c = e.s[e.i];
        if (c == '*' || c == '+' || c == '?' || (c == '{' && quantifier_len(&e))) {
            /* "a**" and PCRE2's possessive "a*+" are errors in ECMA-262 */
            if (!atom)
                return fail(&e, "nothing to repeat");
            size_t ql = c == '{' ? quantifier_len(&e) : 1;
            cbec__buf_add(out, e.s + e.i, ql);
            e.i += ql;
            if (e.i < e.n && e.s[e.i] == '?') {
                cbec__buf_addc(out, '?'); /* lazy */
                e.i++;
            }
            atom = false;
            continue;
        }
        switch (c) {
        case '\\': {
            e.i++;
            bool assertion = e.i < e.n && (e.s[e.i] == 'b' || e.s[e.i] == 'B');
            if (!escape(&e, false))
                return false;
            atom = !assertion;
            break;
        }
        case '[':
            e.i++;
            if (!class_body(&e))
                return false;
            atom = true;
            break;
        case '(':
            e.i++;
            if (e.i < e.n && e.s[e.i] == '?') {
                const char *g = e.s + e.i;
                size_t left = e.n - e.i;
                if (left >= 2 && (g[1] == ':' || g[1] == '=' || g[1] == '!')) {
                    cbec__buf_add(out, "(", 1);
                    cbec__buf_add(out, g, 2);
                    e.i += 2;
                } else if (left >= 3 && g[1] == '<' && (g[2] == '=' || g[2] == '!')) {
                    cbec__buf_add(out, "(", 1);
                    cbec__buf_add(out, g, 3);
                    e.i += 3;
                } else if (left >= 3 && g[1] == '<' && (cbec__is_alpha(g[2]) || g[2] == '_' || g[2] == '$')) {
                    size_t k = 2;
                    while (k < left && (cbec__is_alnum(g[k]) || g[k] == '_' || g[k] == '$'))
                        k++;
                    if (k >= left || g[k] != '>')
                        return fail(&e, "bad group name");
                    cbec__buf_add(out, "(", 1);
                    cbec__buf_add(out, g, k + 1);
                    e.i += k + 1;
                } else {
                    return fail(&e, "unknown group syntax (?");
                }
            } else {
                cbec__buf_addc(out, '(');
            }
            depth++;
            atom = false;
            break;
        case ')':
            if (depth == 0)
                return fail(&e, "unmatched )");
            depth--;
            e.i++;
            cbec__buf_addc(out, ')');
            atom = true;
            break;
        case '.':
            e.i++;
            cbec__buf_adds(out, "[^\n\r");
            add_utf8(out, 0x2028);
            add_utf8(out, 0x2029);
            cbec__buf_addc(out, ']');
            atom = true;
            break;
        case '{':
            return fail(&e, "lone {");
        case '}':
            return fail(&e, "lone }");
        case ']':
            return fail(&e, "lone ]");
        case '|':
            e.i++;
            cbec__buf_addc(out, '|');
            atom = false;
            break;
        case '^':
        case '$':
            e.i++;
            cbec__buf_addc(out, c);
            atom = false;
            break;
        default: {
            /* a literal; whitespace and '#' are plain in both flavours */
            e.i++;
            cbec__buf_addc(out, c);
            /* keep a multi-byte character whole */
            while (e.i < e.n && ((unsigned char)e.s[e.i] & 0xC0) == 0x80)
                cbec__buf_addc(out, e.s[e.i++]);
            atom = true;
            break;
        }
        }
    }
    if (e.failed)
        return false;
    if (depth)
        return fail(&e, "missing )");
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

cbec_regex *cbec__ecma_regex_compile(const char *src, size_t len, char *err, size_t errlen)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec_regex *re = NULL;
    if (cbec__ecma_to_pcre2(src, len, &b, err, errlen))
        re = cbec__regex_compile(b.data ? b.data : "", b.len, CBEC_REGEX_ECMA, err, errlen);
    cbec__buf_free(&b);
    return re;
}
