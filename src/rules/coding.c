/* coding.c - the data and coding check kinds: "identifier" (check digits
 * and structure, ident.c), "decimal" (exact amounts, sign, digits, the
 * minor unit of a currency found elsewhere in the message), "datetime"
 * (ISO 8601 and the customs compact form, ordering across offsets),
 * and "codeMap" (a code of one list standing for a code of another). */
#include "rules/coding.h"
#include "core/datetime.h"
#include "pack/compile.h"
#include "rules/ident.h"
#include "rules/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_COUNTRIES "iso-codes:3166-1/alpha_2"

/* ---- shared ---- */

static bool wrong_kind(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, const char *expected)
{
    cbec_finding_args a = {expected, cbec__kind_name(n->kind), cbec__kind_name(n->kind), NULL, NULL};
    cbec__finding(v, r, &cbec__kind_type, n, &a);
    return false;
}

/* A finding with a template of the check's own for this case, unless the
 * rule brings its message (which then speaks for every case). */
static void report(cbec_vctx *v, const cbec_rule *r, const cbec_check_kind *k, const cbec_node *n,
                   const char *expected, const char *en, const char *zh, const char *tmpl_en,
                   const char *tmpl_zh)
{
    cbec_finding_args a = {expected, en, zh, NULL, NULL};
    if (!r->message.count) {
        a.tmpl_en = tmpl_en;
        a.tmpl_zh = tmpl_zh;
    }
    cbec__finding(v, r, k, n, &a);
}

static bool get_small_count(cbec_compiler *c, const cbec_node *n, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (n->kind != CBEC_NODE_NUMBER || n->len == 0 || n->len > 3)
        return cbec__compile_error(c, n, "expected an integer from 0 to %lu", max);
    for (size_t i = 0; i < n->len; i++) {
        if (!cbec__is_digit(n->text[i]))
            return cbec__compile_error(c, n, "expected an integer from 0 to %lu", max);
        v = v * 10 + (unsigned long)(n->text[i] - '0');
    }
    if (v > max)
        return cbec__compile_error(c, n, "expected an integer from 0 to %lu", max);
    *out = v;
    return true;
}

/* A code list by name: the pack's own, or an iso-codes import spec. */
static const cbec_codelist *named_list(cbec_compiler *c, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_STRING) {
        cbec__compile_error(c, n, "expected the name of a code list of this pack");
        return NULL;
    }
    if (n->len > 10 && memcmp(n->text, "iso-codes:", 10) == 0) {
        char *spec = cbec__compile_strdup(c, n);
        const cbec_codelist *l = spec ? cbec__compile_import(c, n, spec) : NULL;
        free(spec);
        return l;
    }
    const cbec_codelist *l = cbec__pack_codelist(c->pack, n->text, n->len);
    if (!l)
        cbec__compile_error(c, n, "unknown code list \"%.*s\" (this check uses the lists of its own pack)",
                            (int)n->len, n->text);
    return l;
}

/* ---- pointers to other values ---- */

void cbec__ref_free(cbec_ref *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntokens; i++)
        free(r->tokens[i]);
    free(r->tokens);
    free(r->lens);
    free(r->text);
    memset(r, 0, sizeof *r);
}

bool cbec__ref_compile(cbec_compiler *c, const cbec_node *n, cbec_ref *out)
{
    memset(out, 0, sizeof *out);
    if (n->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "expected a JSON Pointer (\"/currency\") or a Relative JSON Pointer (\"1/currency\")");
    if (!(out->text = cbec__compile_strdup(c, n)))
        return false;
    const char *p = out->text, *end = out->text + n->len;
    if (memchr(p, '\0', n->len))
        return cbec__compile_error(c, n, "a pointer cannot hold a NUL character");
    if (p < end && cbec__is_digit(*p)) {
        if (*p == '0' && p + 1 < end && cbec__is_digit(p[1]))
            return cbec__compile_error(c, n, "\"%s\": no leading zeros in the number of levels", out->text);
        unsigned long up = 0;
        while (p < end && cbec__is_digit(*p)) {
            up = up * 10 + (unsigned long)(*p++ - '0');
            if (up > 1000)
                return cbec__compile_error(c, n, "\"%s\": at most 1000 levels up", out->text);
        }
        out->up = (unsigned)up;
        if (p < end && (*p == '+' || *p == '-')) {
            bool neg = *p++ == '-';
            if (p >= end || !cbec__is_digit(*p) || (*p == '0' && p + 1 < end && cbec__is_digit(p[1])))
                return cbec__compile_error(c, n, "\"%s\": an index shift is + or - and a number", out->text);
            long k = 0;
            while (p < end && cbec__is_digit(*p)) {
                k = k * 10 + (*p++ - '0');
                if (k > 1000000)
                    return cbec__compile_error(c, n, "\"%s\": index shift too large", out->text);
            }
            out->shift = neg ? -k : k;
        }
        if (p < end && *p == '#')
            return cbec__compile_error(c, n, "\"%s\": \"#\" (the name of a member) names no value to compare", out->text);
    } else {
        out->absolute = true;
    }
    if (p < end && *p != '/')
        return cbec__compile_error(c, n, "\"%s\" is neither a JSON Pointer nor a Relative JSON Pointer", out->text);
    size_t cnt = 0;
    for (const char *q = p; q < end; q++)
        cnt += *q == '/';
    if (cnt > 64)
        return cbec__compile_error(c, n, "\"%s\": at most 64 segments", out->text);
    if (cnt && (!(out->tokens = cbec__calloc(cnt, sizeof *out->tokens)) ||
                !(out->lens = cbec__calloc(cnt, sizeof *out->lens))))
        return cbec__compile_oom(c);
    while (p < end) {
        p++; /* past '/' */
        size_t len = 0;
        while (p + len < end && p[len] != '/')
            len++;
        cbec_buf b;
        cbec__buf_init(&b);
        for (size_t k = 0; k < len; k++) {
            if (p[k] == '~') {
                if (k + 1 < len && (p[k + 1] == '0' || p[k + 1] == '1')) {
                    cbec__buf_addc(&b, p[k + 1] == '0' ? '~' : '/');
                    k++;
                    continue;
                }
                cbec__buf_free(&b);
                return cbec__compile_error(c, n, "\"%s\": \"~\" must be followed by 0 or 1", out->text);
            }
            cbec__buf_addc(&b, p[k]);
        }
        if (len == 1 && p[0] == '*') {
            cbec__buf_free(&b);
            return cbec__compile_error(c, n, "\"%s\": \"*\" matches many values; a pointer names one (use a relative pointer such as \"1/currency\")",
                                       out->text);
        }
        char *tok = b.oom ? NULL : cbec__strndup(cbec__buf_cstr(&b), b.len);
        out->lens[out->ntokens] = b.len;
        cbec__buf_free(&b);
        if (!tok)
            return cbec__compile_oom(c);
        out->tokens[out->ntokens++] = tok;
        p += len;
    }
    return true;
}

static bool array_index(const char *t, size_t n, uint32_t count, uint32_t *out)
{
    if (!n || n > 10 || (n > 1 && t[0] == '0'))
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cbec__is_digit(t[i]))
            return false;
        v = v * 10 + (unsigned)(t[i] - '0');
    }
    if (v >= count)
        return false;
    *out = (uint32_t)v;
    return true;
}

const cbec_node *cbec__ref_resolve(const cbec_ref *r, const cbec_doc *doc, const cbec_node *from)
{
    const cbec_node *n = r->absolute ? (doc ? doc->root : NULL) : from;
    for (unsigned i = 0; n && i < r->up; i++)
        n = n->parent;
    if (!n)
        return NULL;
    if (r->shift) {
        const cbec_node *arr = n->parent;
        if (!arr || arr->kind != CBEC_NODE_ARRAY)
            return NULL;
        long idx = (long)n->index + r->shift;
        if (idx < 0 || idx >= (long)arr->count)
            return NULL;
        n = &arr->children[idx];
    }
    for (size_t i = 0; n && i < r->ntokens; i++) {
        if (n->kind == CBEC_NODE_OBJECT) {
            n = cbec__node_member(n, r->tokens[i], r->lens[i]);
        } else if (n->kind == CBEC_NODE_ARRAY) {
            uint32_t k;
            n = array_index(r->tokens[i], r->lens[i], n->count, &k) ? &n->children[k] : NULL;
        } else {
            n = NULL;
        }
    }
    return n;
}

/* ---- identifier ---- */

typedef struct ident_state {
    const cbec_ident_kind *kind;
    const cbec_codelist *countries; /* NULL: countries are not checked */
} ident_state;

static void free_plain(void *s) { free(s); }

static bool list_has_country(const char cc[2], void *ud)
{
    return cbec__codelist_has(ud, cc, 2);
}

static bool ident_kind_named(cbec_compiler *c, const cbec_node *n, const cbec_ident_kind **out)
{
    char name[32];
    if (n->kind != CBEC_NODE_STRING || n->len >= sizeof name)
        return cbec__compile_error(c, n, "expected the name of an identifier kind");
    memcpy(name, n->text, n->len);
    name[n->len] = '\0';
    if ((*out = cbec__ident_find(name)))
        return true;
    cbec_buf all;
    cbec__buf_init(&all);
    for (size_t i = 0; i < cbec__ident_count(); i++)
        cbec__buf_addf(&all, "%s%s", i ? " " : "", cbec__ident_at(i)->name);
    cbec__compile_error(c, n, "unknown identifier kind \"%s\" (known: %s)", name, cbec__buf_cstr(&all));
    cbec__buf_free(&all);
    return false;
}

static bool ident_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    ident_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    const cbec_node *kind = n, *countries = NULL;
    if (n->kind == CBEC_NODE_OBJECT) {
        static const char *const keys[] = {"kind", "countries"};
        if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"identifier\""))
            return false;
        if (!(kind = cbec__node_member(n, "kind", 4)))
            return cbec__compile_error(c, n, "\"identifier\" needs \"kind\"");
        countries = cbec__node_member(n, "countries", 9);
    }
    if (!ident_kind_named(c, kind, &s->kind))
        return false;
    if (countries && !s->kind->uses_country)
        return cbec__compile_error(c, countries, "identifier kind %s has no country part", s->kind->name);
    if (!s->kind->uses_country)
        return true;
    if (countries && countries->kind == CBEC_NODE_BOOL && countries->text[0] == 'f')
        return true;
    if (countries && countries->kind == CBEC_NODE_BOOL)
        countries = NULL; /* true: the default list */
    if (countries)
        s->countries = named_list(c, countries);
    else
        s->countries = cbec__compile_import(c, n, ISO_COUNTRIES);
    return s->countries != NULL;
}

static bool ident_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const ident_state *s = st;
    if (n->kind != CBEC_NODE_STRING)
        return wrong_kind(v, r, n, "string");
    cbec_ident_result res;
    if (s->kind->check(n->text, n->len, s->countries ? list_has_country : NULL, (void *)s->countries, &res))
        return true;
    cbec_finding_args a = {s->kind->name, res.reason_en, res.reason_zh, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_identifier, n, &a);
    return true;
}

/* A stricter variant of a kind accepts a subset of its values. */
static bool ident_kind_narrows(const char *base, const char *derived)
{
    static const char *const stricter[][2] = {
        {"uuid", "uuid4"}, {"cn-ric", "cn-ric-strict"}, {"uscc", "uscc-strict"}, {"iso7064-mod97-10", "lei"}, {"luhn", "masked-pan"},
    };
    if (strcmp(base, derived) == 0)
        return true;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(stricter); i++)
        if (strcmp(base, stricter[i][0]) == 0 && strcmp(derived, stricter[i][1]) == 0)
            return true;
    return false;
}

static bool ident_narrows(const void *base, const void *derived)
{
    const ident_state *b = base, *d = derived;
    if (!ident_kind_narrows(b->kind->name, d->kind->name))
        return false;
    if (!b->countries || b->countries == d->countries)
        return true;
    if (!d->countries)
        return false;
    for (size_t i = 0; i < d->countries->count; i++)
        if (!cbec__codelist_has(b->countries, d->countries->owned[i], strlen(d->countries->owned[i])))
            return false;
    return true;
}

const cbec_check_kind cbec__kind_identifier = {
    "identifier", 35, ident_compile, ident_run, free_plain,
    "{value} is not a valid {expected}: {reason}",
    "{value} 不是有效的 {expected}：{reason}",
    ident_narrows,
};

/* ---- decimal ---- */

typedef enum { SIGN_ANY = 0, SIGN_NON_NEGATIVE = 1, SIGN_POSITIVE = 2 } sign_rule;

typedef struct decimal_state {
    sign_rule sign;
    bool has_total, has_fraction, has_currency;
    unsigned long total, fraction;
    cbec_ref currency;
    const cbec_codelist *minor;  /* codes with the minor unit attribute */
    int minor_attr;
    const cbec_codelist *via;    /* currency codes of another coding */
    int via_attr;                /* the attribute holding the code of minor's coding */
} decimal_state;

static void decimal_free(void *st)
{
    decimal_state *s = st;
    if (s)
        cbec__ref_free(&s->currency);
    free(s);
}

/* A minor unit as a list carries it: 0-18 digits, or "N.A." (or empty)
 * for units without one (gold, SDR); -1 for anything else. */
static int minor_unit_value(const char *v)
{
    if (!v || !*v || strcmp(v, "N.A.") == 0)
        return 99;
    if (!cbec__is_digit(v[0]) || (v[1] && (!cbec__is_digit(v[1]) || v[2])))
        return -1;
    int k = v[1] ? (v[0] - '0') * 10 + (v[1] - '0') : v[0] - '0';
    return k <= 18 ? k : -1;
}

static bool decimal_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    decimal_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->minor_attr = s->via_attr = -1;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"decimal\" must be an object (sign, totalDigits, fractionDigits, currency, minorUnits, minorUnitAttribute, via)");
    static const char *const keys[] = {"sign", "totalDigits", "fractionDigits", "currency", "minorUnits",
                                       "minorUnitAttribute", "via"};
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"decimal\""))
        return false;
    const cbec_node *m;
    s->sign = SIGN_NON_NEGATIVE; /* money is never negative unless a pack says so */
    if ((m = cbec__node_member(n, "sign", 4))) {
        if (m->kind == CBEC_NODE_STRING && cbec__streq(m->text, m->len, "any"))
            s->sign = SIGN_ANY;
        else if (m->kind == CBEC_NODE_STRING && cbec__streq(m->text, m->len, "non-negative"))
            s->sign = SIGN_NON_NEGATIVE;
        else if (m->kind == CBEC_NODE_STRING && cbec__streq(m->text, m->len, "positive"))
            s->sign = SIGN_POSITIVE;
        else
            return cbec__compile_error(c, m, "\"sign\" must be \"any\", \"non-negative\" or \"positive\"");
    }
    if ((m = cbec__node_member(n, "totalDigits", 11))) {
        if (!get_small_count(c, m, CBEC_DEC_MAX_DIGITS, &s->total))
            return false;
        if (!s->total)
            return cbec__compile_error(c, m, "\"totalDigits\" must be at least 1");
        s->has_total = true;
    }
    if ((m = cbec__node_member(n, "fractionDigits", 14))) {
        if (!get_small_count(c, m, CBEC_DEC_MAX_DIGITS, &s->fraction))
            return false;
        s->has_fraction = true;
    }
    if (s->has_total && s->has_fraction && s->fraction > s->total)
        return cbec__compile_error(c, n, "\"fractionDigits\" cannot exceed \"totalDigits\"");
    const cbec_node *cur = cbec__node_member(n, "currency", 8);
    const cbec_node *minor = cbec__node_member(n, "minorUnits", 10);
    const cbec_node *attr = cbec__node_member(n, "minorUnitAttribute", 18);
    const cbec_node *via = cbec__node_member(n, "via", 3);
    if (!cur && (minor || attr || via))
        return cbec__compile_error(c, n, "\"minorUnits\", \"minorUnitAttribute\" and \"via\" go with \"currency\"");
    if (!cur)
        return true;
    if (!minor)
        return cbec__compile_error(c, n, "\"currency\" needs \"minorUnits\": the code list that gives each currency's minor unit");
    if (!cbec__ref_compile(c, cur, &s->currency))
        return false;
    s->has_currency = true;
    if (!(s->minor = named_list(c, minor)))
        return false;
    char aname[65] = "minorUnit";
    if (attr) {
        if (attr->kind != CBEC_NODE_STRING || attr->len == 0 || attr->len >= sizeof aname)
            return cbec__compile_error(c, attr, "\"minorUnitAttribute\" names an attribute of the list");
        memcpy(aname, attr->text, attr->len);
        aname[attr->len] = '\0';
    }
    if ((s->minor_attr = cbec__codelist_attr_find(s->minor, aname)) < 0)
        return cbec__compile_error(c, minor, "code list %s has no attribute \"%s\"", s->minor->name, aname);
    for (size_t i = 0; i < s->minor->count; i++)
        if (minor_unit_value(cbec__code_attr(s->minor, s->minor->entries[i], s->minor_attr)) < 0)
            return cbec__compile_error(c, minor, "code %s of list %s: minor unit \"%s\" is not 0-18 or N.A.",
                                       s->minor->owned[i], s->minor->name,
                                       cbec__code_attr(s->minor, s->minor->entries[i], s->minor_attr));
    if (via) {
        static const char *const vkeys[] = {"list", "to"};
        if (via->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, via, "\"via\" must be {\"list\": <list of the currency field's codes>, \"to\": <the list it maps onto>}");
        if (!cbec__compile_keys(c, via, vkeys, 2, "\"via\""))
            return false;
        const cbec_node *vl = cbec__node_member(via, "list", 4), *vt = cbec__node_member(via, "to", 2);
        if (!vl || !vt || vt->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, via, "\"via\" needs \"list\" and \"to\"");
        if (!(s->via = named_list(c, vl)))
            return false;
        char *to = cbec__compile_strdup(c, vt);
        const cbec_codemap *map = to ? cbec__codelist_map(s->via, to) : NULL;
        free(to);
        if (!map)
            return c->status ? false
                             : cbec__compile_error(c, vt, "code list %s has no mapping onto \"%.*s\" (see its \"mapsTo\")",
                                                   s->via->name, (int)vt->len, vt->text);
        s->via_attr = cbec__codelist_attr_find(s->via, map->attr);
    }
    return true;
}

static bool decimal_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const decimal_state *s = st;
    cbec_dec d;
    cbec_dec_status ds = cbec__node_decimal(n, &d);
    if (ds != CBEC_DEC_OK) {
        if (n->kind != CBEC_NODE_NUMBER && n->kind != CBEC_NODE_STRING)
            return wrong_kind(v, r, n, "string");
        if (ds == CBEC_DEC_RANGE)
            report(v, r, &cbec__kind_decimal, n, NULL, "more than 38 significant digits", "有效数字超过 38 位",
                   "value {value} has more digits than an exact decimal can hold (38)",
                   "值 {value} 的位数超过精确小数的上限（38 位）");
        else
            report(v, r, &cbec__kind_decimal, n, NULL, "not a decimal number", "不是十进制数",
                   "value {value} is not a decimal number", "值 {value} 不是十进制数");
        return false;
    }
    bool zero = cbec__dec_is_zero(&d);
    if (s->sign != SIGN_ANY && d.neg && !zero) {
        cbec_finding_args a = {s->sign == SIGN_POSITIVE ? "> 0" : ">= 0", "negative", "为负数", NULL, NULL};
        cbec__finding(v, r, &cbec__kind_decimal, n, &a);
        return true;
    }
    if (s->sign == SIGN_POSITIVE && zero) {
        cbec_finding_args a = {"> 0", "zero, a positive number is required", "为零，应为正数", NULL, NULL};
        cbec__finding(v, r, &cbec__kind_decimal, n, &a);
        return true;
    }
    unsigned scale = cbec__dec_scale(&d);
    char en[128], zh[128], want[24];
    /* the digits of a 128-bit coefficient cost a division each: counted
     * only for a rule that bounds them */
    unsigned digits = s->has_total ? cbec__dec_digits(&d) : 0;
    unsigned total = digits > scale ? digits : scale;
    if (s->has_total && total > s->total) {
        snprintf(want, sizeof want, "%lu", s->total);
        snprintf(en, sizeof en, "%u digits, at most %lu allowed", total, s->total);
        snprintf(zh, sizeof zh, "共 %u 位数字，最多允许 %lu 位", total, s->total);
        cbec_finding_args a = {want, en, zh, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_decimal, n, &a);
        return true;
    }
    if (s->has_fraction && scale > s->fraction) {
        snprintf(want, sizeof want, "%lu", s->fraction);
        snprintf(en, sizeof en, "%u fraction digits, at most %lu allowed", scale, s->fraction);
        snprintf(zh, sizeof zh, "有 %u 位小数，最多允许 %lu 位", scale, s->fraction);
        cbec_finding_args a = {want, en, zh, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_decimal, n, &a);
        return true;
    }
    if (!s->has_currency)
        return true;
    /* a missing or unknown currency is its own rule's finding, not this one's */
    const cbec_node *cn = cbec__ref_resolve(&s->currency, cbec__vctx_doc(v), n);
    if (!cn || (cn->kind != CBEC_NODE_STRING && cn->kind != CBEC_NODE_NUMBER))
        return true;
    const char *code = cn->text;
    size_t clen = cn->len;
    if (s->via) {
        const char *mapped = cbec__code_attr(s->via, cbec__codelist_get(s->via, code, clen), s->via_attr);
        if (!mapped)
            return true;
        code = mapped;
        clen = strlen(mapped);
    }
    const cbec_code *e = cbec__codelist_get(s->minor, code, clen);
    int mu = e ? minor_unit_value(cbec__code_attr(s->minor, e, s->minor_attr)) : 99;
    if (mu < 0 || mu == 99 || scale <= (unsigned)mu)
        return true;
    char cur[16];
    snprintf(cur, sizeof cur, "%.*s", clen < 12 ? (int)clen : 12, code);
    for (char *p = cur; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
            *p = '?';
    snprintf(want, sizeof want, "%d", mu);
    snprintf(en, sizeof en, "%u fraction digits, but the minor unit of %s allows %d", scale, cur, mu);
    snprintf(zh, sizeof zh, "有 %u 位小数，但 %s 的最小货币单位只允许 %d 位", scale, cur, mu);
    report(v, r, &cbec__kind_decimal, n, want, en, zh,
           "amount {value} has more fraction digits than its currency allows: {reason}",
           "金额 {value} 的小数位数超过币种允许的位数：{reason}");
    return true;
}

static bool decimal_narrows(const void *base, const void *derived)
{
    const decimal_state *b = base, *d = derived;
    if (d->sign < b->sign)
        return false;
    if (b->has_total && (!d->has_total || d->total > b->total))
        return false;
    if (b->has_fraction && (!d->has_fraction || d->fraction > b->fraction))
        return false;
    if (!b->has_currency)
        return true;
    /* the same currency field, read through the same lists */
    return d->has_currency && strcmp(b->currency.text, d->currency.text) == 0 &&
           strcmp(b->minor->name, d->minor->name) == 0 && b->minor_attr >= 0 &&
           strcmp(b->minor->attr_names[b->minor_attr], d->minor->attr_names[d->minor_attr]) == 0 &&
           (b->via == NULL) == (d->via == NULL) && (!b->via || strcmp(b->via->name, d->via->name) == 0);
}

const cbec_check_kind cbec__kind_decimal = {
    "decimal", 55, decimal_compile, decimal_run, decimal_free,
    "value {value} is not an allowed decimal: {reason}",
    "值 {value} 不是允许的十进制数：{reason}",
    decimal_narrows,
};

/* ---- datetime ---- */

typedef enum { OFFSET_REQUIRED = 0, OFFSET_OPTIONAL = 1, OFFSET_FORBIDDEN = 2 } offset_rule;

typedef struct datetime_state {
    cbec_dt_form form;
    offset_rule offset;
    bool has_before, has_after;
    cbec_ref not_before, not_after;
    const char *form_name;
} datetime_state;

static void datetime_free(void *st)
{
    datetime_state *s = st;
    if (s) {
        cbec__ref_free(&s->not_before);
        cbec__ref_free(&s->not_after);
    }
    free(s);
}

static const struct {
    const char *name;
    cbec_dt_form form;
    bool offset; /* the form can carry a UTC offset */
} dt_forms[] = {
    {"date", CBEC_DT_DATE, false},       {"date-time", CBEC_DT_DATETIME, true},
    {"time", CBEC_DT_TIME, true},        {"compact", CBEC_DT_COMPACT, false},
    {"compact-date", CBEC_DT_COMPACT_DATE, false},
};

static bool datetime_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    datetime_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    const cbec_node *form = n, *offset = NULL, *m;
    if (n->kind == CBEC_NODE_OBJECT) {
        static const char *const keys[] = {"form", "offset", "notBefore", "notAfter"};
        if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"datetime\""))
            return false;
        if (!(form = cbec__node_member(n, "form", 4)))
            return cbec__compile_error(c, n, "\"datetime\" needs \"form\"");
        offset = cbec__node_member(n, "offset", 6);
        if ((m = cbec__node_member(n, "notBefore", 9))) {
            if (!cbec__ref_compile(c, m, &s->not_before))
                return false;
            s->has_before = true;
        }
        if ((m = cbec__node_member(n, "notAfter", 8))) {
            if (!cbec__ref_compile(c, m, &s->not_after))
                return false;
            s->has_after = true;
        }
    }
    size_t which = CBEC_ARRAY_LEN(dt_forms);
    for (size_t i = 0; form->kind == CBEC_NODE_STRING && i < CBEC_ARRAY_LEN(dt_forms); i++)
        if (cbec__streq(form->text, form->len, dt_forms[i].name))
            which = i;
    if (which == CBEC_ARRAY_LEN(dt_forms))
        return cbec__compile_error(c, form, "the form must be \"date\", \"date-time\", \"time\", \"compact\" (YYYYMMDDhhmmss) or \"compact-date\" (YYYYMMDD)");
    s->form = dt_forms[which].form;
    s->form_name = dt_forms[which].name;
    /* RFC 3339: an instant without an offset names no instant at all */
    s->offset = dt_forms[which].offset ? OFFSET_REQUIRED : OFFSET_FORBIDDEN;
    if (offset) {
        if (!dt_forms[which].offset)
            return cbec__compile_error(c, offset, "the form \"%s\" carries no UTC offset", s->form_name);
        if (offset->kind == CBEC_NODE_STRING && cbec__streq(offset->text, offset->len, "required"))
            s->offset = OFFSET_REQUIRED;
        else if (offset->kind == CBEC_NODE_STRING && cbec__streq(offset->text, offset->len, "optional"))
            s->offset = OFFSET_OPTIONAL;
        else if (offset->kind == CBEC_NODE_STRING && cbec__streq(offset->text, offset->len, "forbidden"))
            s->offset = OFFSET_FORBIDDEN;
        else
            return cbec__compile_error(c, offset, "\"offset\" must be \"required\", \"optional\" or \"forbidden\"");
    }
    return true;
}

/* The other end of a comparison: NULL when it is absent or not a valid
 * value of the form (its own rule says so). */
static bool other_instant(const datetime_state *s, cbec_vctx *v, const cbec_ref *ref, const cbec_node *n,
                          const cbec_node **on, cbec_datetime *out)
{
    *on = cbec__ref_resolve(ref, cbec__vctx_doc(v), n);
    if (!*on || (*on)->kind != CBEC_NODE_STRING)
        return false;
    return cbec__dt_parse((*on)->text, (*on)->len, s->form, false, out, NULL, NULL);
}

static void order_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, const cbec_node *other,
                          bool before)
{
    cbec_buf ptr;
    cbec__buf_init(&ptr);
    cbec__node_pointer(other, &ptr);
    char en[200], zh[200], val[48];
    snprintf(val, sizeof val, "%.*s", other->len < 40 ? (int)other->len : 40, other->text);
    for (char *p = val; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
            *p = '?';
    snprintf(en, sizeof en, "%s %s at %.100s", before ? "earlier than" : "later than", val, cbec__buf_cstr(&ptr));
    snprintf(zh, sizeof zh, "%s %.100s 处的 %s", before ? "早于" : "晚于", cbec__buf_cstr(&ptr), val);
    report(v, r, &cbec__kind_datetime, n, val, en, zh, "{value} is out of order: {reason}",
           "{value} 的时间顺序错误：{reason}");
    cbec__buf_free(&ptr);
}

static bool datetime_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const datetime_state *s = st;
    if (n->kind != CBEC_NODE_STRING)
        return wrong_kind(v, r, n, "string");
    cbec_datetime dt;
    char en[128], zh[128];
    if (!cbec__dt_parse(n->text, n->len, s->form, s->offset == OFFSET_REQUIRED, &dt, en, zh)) {
        cbec_finding_args a = {s->form_name, en, zh, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_datetime, n, &a);
        return true;
    }
    if (s->offset == OFFSET_FORBIDDEN && dt.has_offset) {
        cbec_finding_args a = {s->form_name, "a UTC offset is not allowed here (local time is required)",
                               "此处不允许 UTC 时差（应为本地时间）", NULL, NULL};
        cbec__finding(v, r, &cbec__kind_datetime, n, &a);
        return true;
    }
    cbec_datetime other;
    const cbec_node *on;
    if (s->has_before && other_instant(s, v, &s->not_before, n, &on, &other) && cbec__dt_compare(&dt, &other) < 0) {
        order_finding(v, r, n, on, true);
        return true;
    }
    if (s->has_after && other_instant(s, v, &s->not_after, n, &on, &other) && cbec__dt_compare(&dt, &other) > 0)
        order_finding(v, r, n, on, false);
    return true;
}

static bool datetime_narrows(const void *base, const void *derived)
{
    const datetime_state *b = base, *d = derived;
    if (b->form != d->form)
        return false;
    /* required and forbidden each accept a part of what optional accepts */
    if (b->offset != OFFSET_OPTIONAL && d->offset != b->offset)
        return false;
    if (b->has_before && (!d->has_before || strcmp(b->not_before.text, d->not_before.text) != 0))
        return false;
    if (b->has_after && (!d->has_after || strcmp(b->not_after.text, d->not_after.text) != 0))
        return false;
    return true;
}

const cbec_check_kind cbec__kind_datetime = {
    "datetime", 35, datetime_compile, datetime_run, datetime_free,
    "{value} is not a valid {expected}: {reason}",
    "{value} 不是有效的 {expected}：{reason}",
    datetime_narrows,
};

/* ---- codeMap ---- */

typedef struct codemap_state {
    const cbec_codelist *list;
    char *target;
    int attr;
    cbec_ref equals;
} codemap_state;

static void codemap_free(void *st)
{
    codemap_state *s = st;
    if (s) {
        free(s->target);
        cbec__ref_free(&s->equals);
    }
    free(s);
}

static bool codemap_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    codemap_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->attr = -1;
    static const char *const keys[] = {"list", "to", "equals"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"codeMap\" must be {\"list\", \"to\", \"equals\"}");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"codeMap\""))
        return false;
    const cbec_node *l = cbec__node_member(n, "list", 4), *to = cbec__node_member(n, "to", 2),
                    *eq = cbec__node_member(n, "equals", 6);
    if (!l || !to || !eq)
        return cbec__compile_error(c, n, "\"codeMap\" needs \"list\", \"to\" and \"equals\"");
    if (!(s->list = named_list(c, l)))
        return false;
    if (to->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, to, "\"to\" names the list the codes map onto");
    if (!(s->target = cbec__compile_strdup(c, to)))
        return false;
    const cbec_codemap *map = cbec__codelist_map(s->list, s->target);
    if (!map)
        return cbec__compile_error(c, to, "code list %s has no mapping onto \"%s\" (see its \"mapsTo\")", s->list->name,
                                   s->target);
    s->attr = cbec__codelist_attr_find(s->list, map->attr);
    return cbec__ref_compile(c, eq, &s->equals);
}

static bool codemap_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const codemap_state *s = st;
    if (n->kind != CBEC_NODE_STRING && n->kind != CBEC_NODE_NUMBER)
        return wrong_kind(v, r, n, "string");
    const cbec_code *e = cbec__codelist_get(s->list, n->text, n->len);
    char en[320], zh[320];
    if (!e) {
        snprintf(en, sizeof en, "not a code of the list %s", s->list->name);
        snprintf(zh, sizeof zh, "不是代码表 %s 中的代码", s->list->name);
        report(v, r, &cbec__kind_code_map, n, s->list->name, en, zh, "code {value} is not in the code list {expected}",
               "代码 {value} 不在代码表 {expected} 中");
        return false;
    }
    const char *mapped = cbec__code_attr(s->list, e, s->attr);
    if (!mapped) {
        snprintf(en, sizeof en, "the code has no equivalent in the list %s", s->target);
        snprintf(zh, sizeof zh, "该代码在代码表 %s 中没有对应代码", s->target);
        cbec_finding_args a = {s->target, en, zh, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_code_map, n, &a);
        return true;
    }
    const cbec_node *other = cbec__ref_resolve(&s->equals, cbec__vctx_doc(v), n);
    if (!other || !cbec__node_is_scalar(other) || cbec__streq(other->text, other->len, mapped))
        return true;
    cbec_buf ptr;
    cbec__buf_init(&ptr);
    cbec__node_pointer(other, &ptr);
    char got[40];
    snprintf(got, sizeof got, "%.*s", other->len < 32 ? (int)other->len : 32, other->text);
    for (char *p = got; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
            *p = '?';
    snprintf(en, sizeof en, "it stands for %.40s in the list %.40s, but %.60s is \"%s\"", mapped, s->target,
             cbec__buf_cstr(&ptr), got);
    snprintf(zh, sizeof zh, "它对应代码表 %.40s 中的 %.40s，但 %.60s 为 \"%s\"", s->target, mapped,
             cbec__buf_cstr(&ptr), got);
    cbec_finding_args a = {mapped, en, zh, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_code_map, n, &a);
    cbec__buf_free(&ptr);
    return true;
}

const cbec_check_kind cbec__kind_code_map = {
    "codeMap", 38, codemap_compile, codemap_run, codemap_free,
    "code {value} does not denote the same thing: {reason}",
    "代码 {value} 与所对应的字段不一致：{reason}",
    NULL,
};
