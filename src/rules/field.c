/* field.c - the basic field checks: type, pattern, enumerations, code
 * lists, lengths, exact decimal ranges, fraction digits and item counts. */
#include "pack/pack.h"
#include "rules/kinds.h"
#include "rules/regex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ---- */

/* Finding paths are kept out of line, so the checks that pass (nearly
 * all of them) run without setting up a stack frame for the reports. */
#define COLD __attribute__((cold, noinline))

typedef struct text_state {
    char *expected;
} text_state;

static void free_plain(void *s) { free(s); }

/* Emit "wrong type" for a check that does not apply to this kind of node. */
static COLD bool wrong_kind(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, const char *expected)
{
    cbec_finding_args a = {expected, cbec__kind_name(n->kind), cbec__kind_name(n->kind), NULL, NULL};
    cbec__finding(v, r, &cbec__kind_type, n, &a);
    return false;
}

/* Characters (code points) in valid UTF-8: the bytes that are not
 * continuation bytes (10xxxxxx), counted eight at a time (a byte's bit 6
 * shifted left lands on its own bit 7). */
static bool get_count(cbec_compiler *c, const cbec_node *n, unsigned long *out)
{
    if (n->kind != CBEC_NODE_NUMBER)
        return cbec__compile_error(c, n, "expected a non-negative integer");
    unsigned long v = 0;
    for (size_t i = 0; i < n->len; i++) {
        if (!cbec__is_digit(n->text[i]) || v > 100000000UL)
            return cbec__compile_error(c, n, "expected a non-negative integer up to 100000000");
        v = v * 10 + (unsigned long)(n->text[i] - '0');
    }
    *out = v;
    return true;
}

/* ---- type ---- */

#define TYPE_INTEGER (1u << 6)

static const struct {
    const char *name;
    unsigned bit;
} type_names[] = {
    {"null", 1u << CBEC_NODE_NULL},     {"boolean", 1u << CBEC_NODE_BOOL},
    {"number", 1u << CBEC_NODE_NUMBER}, {"string", 1u << CBEC_NODE_STRING},
    {"object", 1u << CBEC_NODE_OBJECT}, {"array", 1u << CBEC_NODE_ARRAY},
    {"integer", TYPE_INTEGER},
};

typedef struct type_state {
    unsigned mask;
    char expected[64];
} type_state;

static bool type_add(cbec_compiler *c, type_state *s, const cbec_node *n)
{
    if (n->kind == CBEC_NODE_STRING)
        for (size_t i = 0; i < CBEC_ARRAY_LEN(type_names); i++)
            if (cbec__streq(n->text, n->len, type_names[i].name)) {
                s->mask |= type_names[i].bit;
                size_t used = strlen(s->expected);
                snprintf(s->expected + used, sizeof s->expected - used, "%s%s", used ? "|" : "",
                         type_names[i].name);
                return true;
            }
    return cbec__compile_error(c, n, "type must be one of null, boolean, number, integer, string, object, array");
}

static bool type_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    type_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    if (n->kind == CBEC_NODE_ARRAY) {
        if (!n->count)
            return cbec__compile_error(c, n, "type list is empty");
        for (uint32_t i = 0; i < n->count; i++)
            if (!type_add(c, s, &n->children[i]))
                return false;
        return true;
    }
    return type_add(c, s, n);
}

static bool is_integer_text(const cbec_node *n)
{
    cbec_dec d;
    return cbec__dec_parse(n->text, n->len, CBEC_DEC_ALLOW_EXPONENT, &d) == CBEC_DEC_OK &&
           cbec__dec_is_integer(&d);
}

static COLD bool type_other(const type_state *s, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    if ((s->mask & TYPE_INTEGER) && n->kind == CBEC_NODE_NUMBER && is_integer_text(n))
        return true;
    cbec_finding_args a = {s->expected, cbec__kind_name(n->kind), cbec__kind_name(n->kind), NULL, NULL};
    cbec__finding(v, r, &cbec__kind_type, n, &a);
    return false;
}

static bool type_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const type_state *s = st;
    if (s->mask & (1u << n->kind))
        return true;
    return type_other(s, v, r, n);
}

static bool type_narrows(const void *base, const void *derived)
{
    unsigned b = ((const type_state *)base)->mask, d = ((const type_state *)derived)->mask;
    if (b & (1u << CBEC_NODE_NUMBER))
        b |= TYPE_INTEGER; /* every integer is a number */
    return (d & ~b) == 0;
}

const cbec_check_kind cbec__kind_type = {
    "type", 0, type_compile, type_run, free_plain,
    "wrong type: expected {expected}, found {reason}",
    "类型错误：应为 {expected}，实际为 {reason}",
    type_narrows,
};

/* ---- pattern ---- */

typedef struct pattern_state {
    cbec_regex *re;
} pattern_state;

static void pattern_free(void *st)
{
    pattern_state *s = st;
    if (s)
        cbec__regex_free(s->re);
    free(s);
}

static bool pattern_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    if (n->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"pattern\" must be a string (a PCRE2 regular expression)");
    pattern_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    char err[256];
    s->re = cbec__regex_compile(n->text, n->len, 0, err, sizeof err);
    if (!s->re)
        return cbec__compile_error(c, n, "bad regular expression: %s", err);
    return true;
}

/* A regex limit or engine problem is reported as its own finding: the value
 * was not checked, so it must not pass silently. */
void cbec__regex_outcome_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, int rc)
{
    cbec_finding_args a = {NULL, NULL, NULL, NULL, NULL};
    if (rc == -2) {
        a.tmpl_en = "value is not valid UTF-8";
        a.tmpl_zh = "值不是有效的 UTF-8";
    } else {
        a.tmpl_en = "the pattern of rule {rule} could not be evaluated within the match limits";
        a.tmpl_zh = "规则 {rule} 的正则表达式超出匹配限制，无法判定";
    }
    cbec__finding(v, r, &cbec__kind_pattern, n, &a);
}

static COLD void pattern_finding(const pattern_state *s, cbec_vctx *v, const cbec_rule *r, const cbec_node *n, int rc)
{
    if (rc == 0) {
        cbec_finding_args a = {cbec__regex_source(s->re), NULL, NULL, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_pattern, n, &a);
    } else {
        cbec__regex_outcome_finding(v, r, n, rc);
    }
}

static bool pattern_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const pattern_state *s = st;
    if (n->kind != CBEC_NODE_STRING && n->kind != CBEC_NODE_NUMBER)
        return wrong_kind(v, r, n, "string");
    int rc = cbec__regex_match(s->re, cbec__vctx_regex(v), n->text, n->len);
    if (rc != 1)
        pattern_finding(s, v, r, n, rc);
    return true;
}

const cbec_check_kind cbec__kind_pattern = {
    "pattern", 20, pattern_compile, pattern_run, pattern_free,
    "value {value} does not match the pattern {expected}",
    "值 {value} 不符合格式 {expected}",
};

/* ---- enum ---- */

typedef struct enum_state {
    cbec_strmap set;      /* "<kind char><text>" */
    char **owned;
    size_t count;
    char *expected;
} enum_state;

static void enum_free(void *st)
{
    enum_state *s = st;
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        free(s->owned[i]);
    free(s->owned);
    cbec__strmap_free(&s->set);
    free(s->expected);
    free(s);
}

/* Key of a scalar for set membership: its kind then its text; numbers are
 * normalised so 1.0 and 1 are the same value. */
static size_t scalar_key(const cbec_node *n, char *buf, size_t cap)
{
    const char *t = n->text;
    size_t len = n->len;
    char num[CBEC_DEC_STRLEN];
    if (n->kind == CBEC_NODE_NUMBER) {
        cbec_dec d;
        if (cbec__dec_parse(n->text, n->len, CBEC_DEC_ALLOW_EXPONENT, &d) == CBEC_DEC_OK) {
            cbec__dec_normalize(&d);
            len = cbec__dec_format(&d, num);
            t = num;
        }
    }
    if (len + 1 > cap)
        return 0;
    buf[0] = (char)('0' + n->kind);
    memcpy(buf + 1, t, len);
    return len + 1;
}

static bool enum_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    if (n->kind != CBEC_NODE_ARRAY || !n->count)
        return cbec__compile_error(c, n, "\"enum\" must be a non-empty array of values");
    enum_state *s = cbec__calloc(1, sizeof *s);
    if (!s || !(s->owned = cbec__calloc(n->count, sizeof *s->owned)))
        return free(s), cbec__compile_oom(c);
    *out = s;
    cbec_buf exp;
    cbec__buf_init(&exp);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        if (!cbec__node_is_scalar(e)) {
            cbec__buf_free(&exp);
            return cbec__compile_error(c, e, "enum values must be strings, numbers, booleans or null");
        }
        char key[1024];
        size_t klen = scalar_key(e, key, sizeof key);
        if (!klen) {
            cbec__buf_free(&exp);
            return cbec__compile_error(c, e, "enum value too long");
        }
        if (cbec__strmap_get(&s->set, key, klen)) {
            cbec__buf_free(&exp);
            return cbec__compile_error(c, e, "duplicate enum value");
        }
        char *copy = cbec__strndup(key, klen);
        if (!copy || !cbec__strmap_put(&s->set, copy, klen, s, NULL)) {
            free(copy);
            cbec__buf_free(&exp);
            return cbec__compile_oom(c);
        }
        s->owned[s->count++] = copy;
        if (i)
            cbec__buf_adds(&exp, ", ");
        if (i == 20) {
            cbec__buf_addf(&exp, "... (%u values)", n->count);
            break;
        }
        cbec__buf_add(&exp, e->text, e->len);
    }
    s->expected = cbec__strdup(cbec__buf_cstr(&exp));
    cbec__buf_free(&exp);
    /* the remaining values past the display cut still go into the set */
    for (uint32_t i = 21; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        char key[1024];
        size_t klen = scalar_key(e, key, sizeof key);
        if (!cbec__node_is_scalar(e) || !klen)
            return cbec__compile_error(c, e, "enum values must be short scalars");
        if (cbec__strmap_get(&s->set, key, klen))
            return cbec__compile_error(c, e, "duplicate enum value");
        char *copy = cbec__strndup(key, klen);
        if (!copy || !cbec__strmap_put(&s->set, copy, klen, s, NULL)) {
            free(copy);
            return cbec__compile_oom(c);
        }
        s->owned[s->count++] = copy;
    }
    return s->expected ? true : cbec__compile_oom(c);
}

static bool enum_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const enum_state *s = st;
    char key[1024];
    size_t klen = cbec__node_is_scalar(n) ? scalar_key(n, key, sizeof key) : 0;
    if (klen && cbec__strmap_get(&s->set, key, klen))
        return true;
    cbec_finding_args a = {s->expected, NULL, NULL, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_enum, n, &a);
    return true;
}

static bool enum_narrows(const void *base, const void *derived)
{
    const enum_state *b = base, *d = derived;
    for (size_t i = 0; i < d->count; i++)
        if (!cbec__strmap_get(&b->set, d->owned[i], strlen(d->owned[i])))
            return false;
    return true;
}

const cbec_check_kind cbec__kind_enum = {
    "enum", 30, enum_compile, enum_run, enum_free,
    "value {value} is not one of: {expected}",
    "值 {value} 不在允许的取值之中：{expected}",
    enum_narrows,
};

/* ---- codelist ---- */

typedef struct codelist_state {
    const cbec_codelist *list;
    char *name;   /* a base pack's list, until linked (list NULL) */
} codelist_state;

static void codelist_free(void *st)
{
    codelist_state *s = st;
    if (s)
        free(s->name);
    free(s);
}

static bool codelist_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    if (n->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"codelist\" must name a code list of the pack");
    const cbec_codelist *l = cbec__pack_codelist(c->pack, n->text, n->len);
    /* a pack that extends others may use their lists: resolved when linked */
    if (!l && !c->pack->nextends)
        return cbec__compile_error(c, n, "unknown code list \"%.*s\"", (int)n->len, n->text);
    codelist_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->list = l;
    if (!l && !(s->name = cbec__compile_strdup(c, n)))
        return false;
    return true;
}

/* A code outside its validity dates is as unknown as a misspelt one, but
 * the reason says which date decides. */
static COLD void codelist_out_of_force(const codelist_state *s, cbec_vctx *v, const cbec_rule *r,
                                       const cbec_node *n, const cbec_code *e, int when)
{
    char en[96], zh[96];
    snprintf(en, sizeof en, when < 0 ? "valid only from %s" : "withdrawn after %s",
             when < 0 ? e->valid_from : e->valid_to);
    snprintf(zh, sizeof zh, when < 0 ? "自 %s 起才有效" : "已于 %s 之后停用",
             when < 0 ? e->valid_from : e->valid_to);
    cbec_finding_args a = {s->list->name, en, zh,
                           "code {value} of code list {expected} is not in force: {reason}",
                           "代码表 {expected} 中的代码 {value} 不在有效期内：{reason}"};
    cbec__finding(v, r, &cbec__kind_codelist, n, &a);
}

static COLD void codelist_unknown(const codelist_state *s, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    cbec_finding_args a = {s->list->name, NULL, NULL, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_codelist, n, &a);
}

static bool codelist_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const codelist_state *s = st;
    if (!s->list)
        return true; /* only a pack's own unlinked copy; etypes hold resolved ones */
    if (n->kind != CBEC_NODE_STRING && n->kind != CBEC_NODE_NUMBER)
        return wrong_kind(v, r, n, "string");
    const cbec_code *e = cbec__codelist_get(s->list, n->text, n->len);
    if (e && s->list->dated) {
        int when = cbec__code_in_force(e, cbec__vctx_date(v));
        if (when)
            codelist_out_of_force(s, v, r, n, e, when);
        return true;
    }
    if (!e)
        codelist_unknown(s, v, r, n);
    return true;
}

static bool codelist_narrows(const void *base, const void *derived)
{
    const cbec_codelist *b = ((const codelist_state *)base)->list, *d = ((const codelist_state *)derived)->list;
    if (!b || !d)
        return b == d && strcmp(((const codelist_state *)base)->name, ((const codelist_state *)derived)->name) == 0;
    for (size_t i = 0; i < d->count; i++)
        if (!cbec__codelist_has(b, d->owned[i], strlen(d->owned[i])))
            return false;
    return true;
}

const cbec_check_kind cbec__kind_codelist = {
    "codelist", 30, codelist_compile, codelist_run, codelist_free,
    "code {value} is not in the code list {expected}",
    "代码 {value} 不在代码表 {expected} 中",
    codelist_narrows,
};

const cbec_codelist *cbec__check_codelist(const cbec_check *c)
{
    return c->kind == &cbec__kind_codelist ? ((const codelist_state *)c->state)->list : NULL;
}

const char *cbec__check_codelist_pending(const cbec_check *c)
{
    if (c->kind != &cbec__kind_codelist)
        return NULL;
    const codelist_state *s = c->state;
    return s->list ? NULL : s->name;
}

void *cbec__codelist_check_state(const cbec_codelist *l)
{
    codelist_state *s = cbec__calloc(1, sizeof *s);
    if (s)
        s->list = l;
    return s;
}

/* ---- lengths and item counts ---- */

typedef enum { LEN_MIN_CHARS, LEN_MAX_CHARS, LEN_MIN_BYTES, LEN_MAX_BYTES, LEN_MIN_ITEMS, LEN_MAX_ITEMS } len_op;

typedef struct len_state {
    len_op op;
    unsigned long bound;
    char expected[24];
} len_state;

static bool len_compile(cbec_compiler *c, const cbec_node *n, void **out, len_op op)
{
    len_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->op = op;
    if (!get_count(c, n, &s->bound))
        return false;
    snprintf(s->expected, sizeof s->expected, "%lu", s->bound);
    return true;
}

#define LEN_COMPILER(fn, op)                                                                        \
    static bool fn(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)                 \
    {                                                                                               \
        (void)r;                                                                                    \
        return len_compile(c, n, out, op);                                                          \
    }
LEN_COMPILER(min_chars_compile, LEN_MIN_CHARS)
LEN_COMPILER(max_chars_compile, LEN_MAX_CHARS)
LEN_COMPILER(min_bytes_compile, LEN_MIN_BYTES)
LEN_COMPILER(max_bytes_compile, LEN_MAX_BYTES)
LEN_COMPILER(min_items_compile, LEN_MIN_ITEMS)
LEN_COMPILER(max_items_compile, LEN_MAX_ITEMS)

static const cbec_check_kind *len_kind(len_op op);

static COLD void len_finding(const len_state *s, cbec_vctx *v, const cbec_rule *r, const cbec_node *n,
                             unsigned long have)
{
    const char *unit_en = "items", *unit_zh = "项";
    if (s->op != LEN_MIN_ITEMS && s->op != LEN_MAX_ITEMS) {
        bool bytes = s->op == LEN_MIN_BYTES || s->op == LEN_MAX_BYTES;
        unit_en = bytes ? "bytes" : "characters";
        unit_zh = bytes ? "字节" : "个字符";
    }
    char en[64], zh[64];
    snprintf(en, sizeof en, "%lu %s", have, unit_en);
    snprintf(zh, sizeof zh, "%lu %s", have, unit_zh);
    cbec_finding_args a = {s->expected, en, zh, NULL, NULL};
    cbec__finding(v, r, len_kind(s->op), n, &a);
}

static bool len_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const len_state *s = st;
    unsigned long have;
    if (s->op == LEN_MIN_ITEMS || s->op == LEN_MAX_ITEMS) {
        if (n->kind != CBEC_NODE_ARRAY)
            return wrong_kind(v, r, n, "array");
        have = n->count;
    } else {
        if (n->kind != CBEC_NODE_STRING)
            return wrong_kind(v, r, n, "string");
        bool bytes = s->op == LEN_MIN_BYTES || s->op == LEN_MAX_BYTES;
        /* no more characters than bytes: a short string is within a
         * maximum without counting */
        if (s->op == LEN_MAX_CHARS && n->len <= s->bound)
            return true;
        have = bytes ? n->len : cbec__utf8_count(n->text, n->len);
    }
    bool min = s->op == LEN_MIN_CHARS || s->op == LEN_MIN_BYTES || s->op == LEN_MIN_ITEMS;
    if (!(min ? have >= s->bound : have <= s->bound))
        len_finding(s, v, r, n, have);
    return true;
}

static bool len_narrows(const void *base, const void *derived)
{
    const len_state *b = base, *d = derived;
    bool min = b->op == LEN_MIN_CHARS || b->op == LEN_MIN_BYTES || b->op == LEN_MIN_ITEMS;
    return min ? d->bound >= b->bound : d->bound <= b->bound;
}

const cbec_check_kind cbec__kind_min_length = {
    "minLength", 40, min_chars_compile, len_run, free_plain,
    "value {value} is too short: {reason}, at least {expected} characters required",
    "值 {value} 过短：{reason}，至少需要 {expected} 个字符",
    len_narrows,
};
const cbec_check_kind cbec__kind_max_length = {
    "maxLength", 40, max_chars_compile, len_run, free_plain,
    "value {value} is too long: {reason}, at most {expected} characters allowed",
    "值 {value} 过长：{reason}，最多允许 {expected} 个字符",
    len_narrows,
};
const cbec_check_kind cbec__kind_min_bytes = {
    "minBytes", 40, min_bytes_compile, len_run, free_plain,
    "value {value} is too short: {reason}, at least {expected} bytes required",
    "值 {value} 过短：{reason}，至少需要 {expected} 字节",
    len_narrows,
};
const cbec_check_kind cbec__kind_max_bytes = {
    "maxBytes", 40, max_bytes_compile, len_run, free_plain,
    "value {value} is too long: {reason}, at most {expected} bytes allowed",
    "值 {value} 过长：{reason}，最多允许 {expected} 字节",
    len_narrows,
};
const cbec_check_kind cbec__kind_min_items = {
    "minItems", 40, min_items_compile, len_run, free_plain,
    "too few items: {reason}, at least {expected} required",
    "项目过少：共 {reason}，至少需要 {expected} 项",
    len_narrows,
};
const cbec_check_kind cbec__kind_max_items = {
    "maxItems", 40, max_items_compile, len_run, free_plain,
    "too many items: {reason}, at most {expected} allowed",
    "项目过多：共 {reason}，最多允许 {expected} 项",
    len_narrows,
};

static const cbec_check_kind *len_kind(len_op op)
{
    switch (op) {
    case LEN_MIN_CHARS: return &cbec__kind_min_length;
    case LEN_MAX_CHARS: return &cbec__kind_max_length;
    case LEN_MIN_BYTES: return &cbec__kind_min_bytes;
    case LEN_MAX_BYTES: return &cbec__kind_max_bytes;
    case LEN_MIN_ITEMS: return &cbec__kind_min_items;
    case LEN_MAX_ITEMS: return &cbec__kind_max_items;
    }
    return &cbec__kind_min_items;
}

/* ---- exact decimal ranges and fraction digits ---- */

typedef enum { RANGE_MIN, RANGE_MAX, RANGE_XMIN, RANGE_XMAX } range_op;

typedef struct range_state {
    range_op op;
    cbec_dec bound;
    char expected[CBEC_DEC_STRLEN];
} range_state;

/* Parse a node as a decimal: JSON numbers (exponent allowed) or decimal
 * strings (plain notation, as money travels). */
cbec_dec_status cbec__node_decimal(const cbec_node *n, cbec_dec *out)
{
    if (n->kind == CBEC_NODE_NUMBER)
        return cbec__dec_parse(n->text, n->len, CBEC_DEC_ALLOW_EXPONENT, out);
    if (n->kind == CBEC_NODE_STRING)
        return cbec__dec_parse(n->text, n->len, 0, out);
    return CBEC_DEC_SYNTAX;
}

static bool range_compile(cbec_compiler *c, const cbec_node *n, void **out, range_op op)
{
    range_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->op = op;
    if ((n->kind != CBEC_NODE_NUMBER && n->kind != CBEC_NODE_STRING) ||
        cbec__node_decimal(n, &s->bound) != CBEC_DEC_OK)
        return cbec__compile_error(c, n, "expected a decimal number (a JSON number or a decimal string)");
    memcpy(s->expected, n->text, n->len < sizeof s->expected - 1 ? n->len : sizeof s->expected - 1);
    return true;
}

#define RANGE_COMPILER(fn, op)                                                                      \
    static bool fn(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)                 \
    {                                                                                               \
        (void)r;                                                                                    \
        return range_compile(c, n, out, op);                                                        \
    }
RANGE_COMPILER(min_compile, RANGE_MIN)
RANGE_COMPILER(max_compile, RANGE_MAX)
RANGE_COMPILER(xmin_compile, RANGE_XMIN)
RANGE_COMPILER(xmax_compile, RANGE_XMAX)

static const cbec_check_kind *range_kind(range_op op);

/* A value that should be a decimal and is not. */
static void not_decimal(cbec_vctx *v, const cbec_rule *r, const cbec_check_kind *k,
                        const cbec_node *n, cbec_dec_status st)
{
    cbec_finding_args a = {NULL, NULL, NULL, NULL, NULL};
    if (st == CBEC_DEC_RANGE) {
        a.tmpl_en = "value {value} has more digits than an exact decimal can hold (38)";
        a.tmpl_zh = "值 {value} 的位数超过精确小数的上限（38 位）";
    } else {
        a.tmpl_en = "value {value} is not a decimal number";
        a.tmpl_zh = "值 {value} 不是十进制数";
    }
    cbec__finding(v, r, k, n, &a);
}

static bool range_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const range_state *s = st;
    cbec_dec d;
    cbec_dec_status ds = cbec__node_decimal(n, &d);
    if (ds != CBEC_DEC_OK) {
        if (n->kind != CBEC_NODE_NUMBER && n->kind != CBEC_NODE_STRING)
            return wrong_kind(v, r, n, "number");
        not_decimal(v, r, range_kind(s->op), n, ds);
        return false;
    }
    int cmp = cbec__dec_cmp(&d, &s->bound);
    bool ok = s->op == RANGE_MIN ? cmp >= 0 : s->op == RANGE_MAX ? cmp <= 0 : s->op == RANGE_XMIN ? cmp > 0 : cmp < 0;
    if (!ok) {
        cbec_finding_args a = {s->expected, NULL, NULL, NULL, NULL};
        cbec__finding(v, r, range_kind(s->op), n, &a);
    }
    return true;
}

static bool range_narrows(const void *base, const void *derived)
{
    const range_state *b = base, *d = derived;
    int c = cbec__dec_cmp(&d->bound, &b->bound);
    return b->op == RANGE_MIN || b->op == RANGE_XMIN ? c >= 0 : c <= 0;
}

const cbec_check_kind cbec__kind_minimum = {
    "minimum", 50, min_compile, range_run, free_plain,
    "value {value} is less than the minimum {expected}",
    "值 {value} 小于最小值 {expected}",
    range_narrows,
};
const cbec_check_kind cbec__kind_maximum = {
    "maximum", 50, max_compile, range_run, free_plain,
    "value {value} is greater than the maximum {expected}",
    "值 {value} 大于最大值 {expected}",
    range_narrows,
};
const cbec_check_kind cbec__kind_exclusive_minimum = {
    "exclusiveMinimum", 50, xmin_compile, range_run, free_plain,
    "value {value} must be greater than {expected}",
    "值 {value} 必须大于 {expected}",
    range_narrows,
};
const cbec_check_kind cbec__kind_exclusive_maximum = {
    "exclusiveMaximum", 50, xmax_compile, range_run, free_plain,
    "value {value} must be less than {expected}",
    "值 {value} 必须小于 {expected}",
    range_narrows,
};

static const cbec_check_kind *range_kind(range_op op)
{
    switch (op) {
    case RANGE_MIN: return &cbec__kind_minimum;
    case RANGE_MAX: return &cbec__kind_maximum;
    case RANGE_XMIN: return &cbec__kind_exclusive_minimum;
    case RANGE_XMAX: return &cbec__kind_exclusive_maximum;
    }
    return &cbec__kind_minimum;
}

typedef struct digits_state {
    unsigned long max;
    char expected[24];
} digits_state;

static bool digits_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    digits_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    if (!get_count(c, n, &s->max))
        return false;
    if (s->max > CBEC_DEC_MAX_DIGITS)
        return cbec__compile_error(c, n, "at most %d fraction digits can be required", CBEC_DEC_MAX_DIGITS);
    snprintf(s->expected, sizeof s->expected, "%lu", s->max);
    return true;
}

static bool digits_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const digits_state *s = st;
    cbec_dec d;
    cbec_dec_status ds = cbec__node_decimal(n, &d);
    if (ds != CBEC_DEC_OK) {
        if (n->kind != CBEC_NODE_NUMBER && n->kind != CBEC_NODE_STRING)
            return wrong_kind(v, r, n, "number");
        not_decimal(v, r, &cbec__kind_fraction_digits, n, ds);
        return false;
    }
    unsigned have = cbec__dec_scale(&d);
    if (have <= s->max)
        return true;
    char got[16];
    snprintf(got, sizeof got, "%u", have);
    cbec_finding_args a = {s->expected, got, got, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_fraction_digits, n, &a);
    return true;
}

static bool digits_narrows(const void *base, const void *derived)
{
    return ((const digits_state *)derived)->max <= ((const digits_state *)base)->max;
}

const cbec_check_kind cbec__kind_fraction_digits = {
    "fractionDigits", 45, digits_compile, digits_run, free_plain,
    "value {value} has {reason} fraction digits, at most {expected} allowed",
    "值 {value} 有 {reason} 位小数，最多允许 {expected} 位",
    digits_narrows,
};

/* The pseudo-kind of "required": never compiled as a check, it names the
 * default message of a missing field. */
const cbec_check_kind cbec__kind_required = {
    "required", -1, NULL, NULL, NULL,
    "required field {expected} is missing",
    "缺少必填字段 {expected}",
};
