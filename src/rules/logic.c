/* logic.c - the JSON Logic engine: compile rule trees into operation trees
 * once, evaluate them over cbec_node documents with exact decimals and
 * bounded cost.  Semantics and extensions: doc/json-logic.md. */
#include "rules/logic.h"
#include "core/datetime.h"
#include "pack/pack.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))
/* failures are rare: kept out of line, so that the hot paths stay short */
#define COLD __attribute__((cold, noinline))

/* ---- fast paths of the exact decimals ----
 * Amounts in messages are short ("1726.36"): their coefficients fit in 64
 * bits.  The helpers below handle that case without the 128-bit divisions
 * and digit counting of core/decimal.c and give exactly its results; any
 * other case goes to core/decimal.c. */

static const uint64_t pow10_u64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL,
};

/* 10^38: coefficients stay below it (core/decimal.c's limit). */
#define COEF_LIMIT_U128 ((cbec_u128)pow10_u64[19] * pow10_u64[19])
#define U64_FITS(c) ((c) <= (cbec_u128)UINT64_MAX)

/* cbec__dec_parse, with plain [-]digits[.digits] of at most 19 digits
 * parsed inline (same coefficient, exponent and sign); anything else is
 * core/decimal.c's to judge. */
static inline cbec_dec_status parse_dec(const char *s, size_t n, unsigned flags, cbec_dec *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && s[0] == '-') {
        neg = true;
        i = 1;
    }
    size_t start = i;
    uint64_t c = 0;
    for (; i < n && (unsigned char)(s[i] - '0') < 10; i++)
        c = c * 10 + (uint64_t)(s[i] - '0');
    size_t nd = i - start, nf = 0;
    if (nd && i < n && s[i] == '.') {
        size_t f = ++i;
        for (; i < n && (unsigned char)(s[i] - '0') < 10; i++)
            c = c * 10 + (uint64_t)(s[i] - '0');
        nf = i - f;
        if (!nf)
            return cbec__dec_parse(s, n, flags, out);
    }
    /* digits on both sides of a point, nothing after them, at most 19
     * digits (no 64-bit overflow) */
    if (!nd || i != n || nd + nf > 19)
        return cbec__dec_parse(s, n, flags, out);
    out->coef = c;
    out->exp = -(int32_t)nf;
    out->neg = neg;
    return CBEC_DEC_OK;
}

/* cbec__dec_cmp. */
static int dec_cmp(const cbec_dec *a, const cbec_dec *b)
{
    bool an = a->neg && a->coef, bn = b->neg && b->coef;
    if (an != bn)
        return an ? -1 : 1;
    cbec_u128 ca = a->coef, cb = b->coef;
    int m;
    if (ca == 0 || cb == 0) {
        m = (ca != 0) - (cb != 0);
    } else if (U64_FITS(ca) && U64_FITS(cb) && a->exp - (int64_t)b->exp <= 19 &&
               b->exp - (int64_t)a->exp <= 19) {
        /* both below 2^64 * 10^19 < 2^128 once brought to the smaller exponent */
        if (a->exp > b->exp)
            ca *= pow10_u64[a->exp - b->exp];
        else if (b->exp > a->exp)
            cb *= pow10_u64[b->exp - a->exp];
        m = ca < cb ? -1 : ca > cb;
    } else {
        return cbec__dec_cmp(a, b);
    }
    return an ? -m : m;
}

/* cbec__dec_add when the operands are small enough that it cannot fail. */
static cbec_dec_status dec_add_core(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (a->exp == b->exp && a->coef < ((cbec_u128)1 << 62) && b->coef < ((cbec_u128)1 << 62)) {
        /* the usual sum of amounts of one scale: 64-bit arithmetic */
        uint64_t ua = (uint64_t)a->coef, ub = (uint64_t)b->coef;
        bool an = a->neg && ua, bn = b->neg && ub;
        uint64_t r;
        bool rn;
        if (an == bn) {
            r = ua + ub;
            rn = an;
        } else if (ua >= ub) {
            r = ua - ub;
            rn = an;
        } else {
            r = ub - ua;
            rn = bn;
        }
        out->coef = r;
        out->exp = a->exp;
        out->neg = rn && r;
        return CBEC_DEC_OK;
    }
    cbec_u128 ca = a->coef, cb = b->coef;
    int32_t exp = a->exp < b->exp ? a->exp : b->exp;
    if (!U64_FITS(ca) || !U64_FITS(cb) || a->exp - (int64_t)exp > 19 || b->exp - (int64_t)exp > 19)
        return cbec__dec_add(a, b, out);
    ca *= pow10_u64[a->exp - exp];
    cb *= pow10_u64[b->exp - exp];
    /* each scaled coefficient below 10^38, their sum too: what core/decimal.c accepts */
    if (ca >= COEF_LIMIT_U128 || cb >= COEF_LIMIT_U128)
        return cbec__dec_add(a, b, out);
    return cbec__dec_add_aligned(ca, a->neg && a->coef, cb, b->neg && b->coef, exp, out);
}

/* cbec__dec_mul when both coefficients fit in 64 bits (the product cannot
 * overflow 128 bits). */
static cbec_dec_status dec_mul_core(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (!U64_FITS(a->coef) || !U64_FITS(b->coef))
        return cbec__dec_mul(a, b, out);
    cbec_u128 p = a->coef * b->coef;
    int64_t e = (int64_t)a->exp + (int64_t)b->exp;
    if (p >= COEF_LIMIT_U128 || e > 100000000 || e < -100000000)
        return cbec__dec_mul(a, b, out);
    out->coef = p;
    out->exp = (int32_t)e;
    out->neg = p && (a->neg != b->neg);
    return CBEC_DEC_OK;
}

/* ---- operations ---- */

typedef enum op {
    OP_LIT, OP_ARRAY, OP_VAR, OP_MISSING, OP_MISSING_SOME, OP_IF, OP_EQ, OP_SEQ, OP_NE, OP_SNE,
    OP_NOT, OP_NOTNOT, OP_OR, OP_AND, OP_GT, OP_GE, OP_LT, OP_LE, OP_MAX, OP_MIN, OP_ADD,
    OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_MAP, OP_REDUCE, OP_FILTER, OP_ALL, OP_NONE, OP_SOME,
    OP_MERGE, OP_IN, OP_CAT, OP_SUBSTR, OP_LOG,
    /* commerce extensions */
    OP_SUM, OP_COUNT, OP_ROUND, OP_CURRENCY_ROUND, OP_MINOR_UNITS, OP_CURRENCY_UNIT, OP_WITHIN, OP_IN_CODELIST,
    OP_DECIMAL, OP_IS_DECIMAL, OP_DATETIME, OP_TIME_EQ, OP_TIME_LT, OP_TIME_LE, OP_TIME_GT, OP_TIME_GE,
    OP_SECONDS_BETWEEN,
    /* newer community operators */
    OP_VAL, OP_EXISTS, OP_COALESCE, OP_THROW, OP_TRY, OP_PRESERVE
} op;

#define F_ARRAY 0x1   /* arguments must be written as an array */
#define F_SPREAD 0x2  /* one operation as argument: its array result gives the arguments */
#define NOMAX UINT32_MAX

static const struct opdef {
    const char *name;
    op code;
    unsigned flags;
    uint32_t min, max;
} ops[] = {
    {"var", OP_VAR, 0, 0, 2},
    {"missing", OP_MISSING, F_SPREAD, 0, NOMAX},
    {"missing_some", OP_MISSING_SOME, 0, 2, 2},
    {"if", OP_IF, F_ARRAY, 0, NOMAX},
    {"?:", OP_IF, F_ARRAY, 0, NOMAX},
    {"==", OP_EQ, F_ARRAY, 2, NOMAX},
    {"===", OP_SEQ, F_ARRAY, 2, NOMAX},
    {"!=", OP_NE, F_ARRAY, 2, NOMAX},
    {"!==", OP_SNE, F_ARRAY, 2, NOMAX},
    {"!", OP_NOT, 0, 0, NOMAX},
    {"!!", OP_NOTNOT, 0, 0, NOMAX},
    {"or", OP_OR, F_ARRAY, 0, NOMAX},
    {"and", OP_AND, F_ARRAY, 0, NOMAX},
    {">", OP_GT, F_ARRAY, 2, NOMAX},
    {">=", OP_GE, F_ARRAY, 2, NOMAX},
    {"<", OP_LT, F_ARRAY, 2, NOMAX},
    {"<=", OP_LE, F_ARRAY, 2, NOMAX},
    {"max", OP_MAX, F_SPREAD, 0, NOMAX},
    {"min", OP_MIN, F_SPREAD, 0, NOMAX},
    {"+", OP_ADD, F_SPREAD, 0, NOMAX},
    {"-", OP_SUB, F_SPREAD, 1, NOMAX},
    {"*", OP_MUL, F_SPREAD, 0, NOMAX},
    {"/", OP_DIV, F_SPREAD, 1, NOMAX},
    {"%", OP_MOD, F_SPREAD, 2, NOMAX},
    {"map", OP_MAP, F_ARRAY, 2, 2},
    {"reduce", OP_REDUCE, F_ARRAY, 2, 3},
    {"filter", OP_FILTER, F_ARRAY, 2, 2},
    {"all", OP_ALL, F_ARRAY, 2, 2},
    {"none", OP_NONE, F_ARRAY, 2, 2},
    {"some", OP_SOME, F_ARRAY, 2, 2},
    {"merge", OP_MERGE, F_SPREAD, 0, NOMAX},
    {"in", OP_IN, 0, 2, 2},
    {"cat", OP_CAT, F_SPREAD, 0, NOMAX},
    {"substr", OP_SUBSTR, 0, 2, 3},
    {"log", OP_LOG, 0, 0, NOMAX},
    {"sum", OP_SUM, F_SPREAD, 0, NOMAX},
    {"count", OP_COUNT, F_SPREAD, 0, NOMAX},
    {"round", OP_ROUND, 0, 1, 3},
    {"currency_round", OP_CURRENCY_ROUND, 0, 2, 3},
    {"minor_units", OP_MINOR_UNITS, 0, 1, 1},
    {"currency_unit", OP_CURRENCY_UNIT, 0, 1, 1},
    {"within", OP_WITHIN, F_ARRAY, 3, 3},
    {"in_codelist", OP_IN_CODELIST, F_ARRAY, 2, 2},
    {"decimal", OP_DECIMAL, 0, 1, 1},
    {"is_decimal", OP_IS_DECIMAL, 0, 1, 1},
    {"datetime", OP_DATETIME, 0, 1, 1},
    {"time==", OP_TIME_EQ, F_ARRAY, 2, NOMAX},
    {"time<", OP_TIME_LT, F_ARRAY, 2, NOMAX},
    {"time<=", OP_TIME_LE, F_ARRAY, 2, NOMAX},
    {"time>", OP_TIME_GT, F_ARRAY, 2, NOMAX},
    {"time>=", OP_TIME_GE, F_ARRAY, 2, NOMAX},
    {"seconds_between", OP_SECONDS_BETWEEN, F_ARRAY, 2, 2},
    {"val", OP_VAL, 0, 0, NOMAX},
    {"exists", OP_EXISTS, 0, 0, NOMAX},
    {"??", OP_COALESCE, F_ARRAY, 0, NOMAX},
    {"throw", OP_THROW, 0, 1, 1},
    {"try", OP_TRY, 0, 0, NOMAX},
    {"preserve", OP_PRESERVE, 0, 0, NOMAX},
};

/* A path of "var" split at compile time (or at run time when computed). */
typedef enum special { SP_NONE, SP_ROOT, SP_VALUE, SP_ITEM, SP_INDEX, SP_INDICES, SP_PARENT } special;

typedef struct lseg {
    const char *s;
    size_t len;
    bool wild;
    bool tail_wild;   /* a later segment is "*" */
} lseg;

typedef struct lpath {
    special sp;
    lseg *segs;
    size_t nsegs;
    bool wild;        /* some segment is "*" */
    bool whole;       /* "", null or []: the data itself */
} lpath;

/* Constant paths of "var" that rules in packs write most, evaluated by
 * their own short functions: the data itself ("" or null), and $value,
 * $item, $parent or $root with at most one segment more. */
enum { VAR_GENERIC, VAR_DATA, VAR_SPECIAL };

typedef struct lnode lnode;
typedef struct ectx ectx;
typedef bool (*ev_fn)(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

struct lnode {
    uint8_t op;
    bool dynamic;          /* the single argument's array result gives the arguments */
    bool has_path;         /* OP_VAR, OP_EXISTS, OP_VAL with a constant path */
    uint8_t var_fast;      /* OP_VAR: VAR_* below, the shape of its constant path */
    uint32_t depth;        /* nesting at run time: 1 for the root, +1 for each argument */
    ev_fn fn;              /* what evaluates it (chosen once the tree is compiled) */
    uint32_t nargs;
    lnode **args;
    cbec_lval lit;         /* OP_LIT */
    lpath path;
    lpath *keypaths;       /* OP_MISSING whose keys are all literals: them split */
    const cbec_codelist *list;  /* OP_IN_CODELIST */
    const char *opname;
};

struct cbec_lexpr {
    cbec_arena arena;
    lnode *root;
};

/* ---- compile ---- */

typedef struct cctx {
    cbec_arena *arena;
    const struct cbec_pack *pack;
    unsigned max_depth;
    cbec_logic_cerror *e;
    bool *oom;
} cctx;

static bool cfail(cctx *c, const cbec_node *at, const char *type, const char *fmt, ...)
    CBEC_PRINTF(4, 5);
static bool cfail(cctx *c, const cbec_node *at, const char *type, const char *fmt, ...)
{
    va_list ap;
    char raw[sizeof c->e->message];
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    cbec__visible_copy(c->e->message, sizeof c->e->message, raw);
    snprintf(c->e->type, sizeof c->e->type, "%s", type);
    c->e->at = at;
    return false;
}

static bool coom(cctx *c)
{
    *c->oom = true;
    return cfail(c, NULL, "Memory", "out of memory");
}

static void *calloc_c(cctx *c, size_t count, size_t size)
{
    void *p = cbec__arena_calloc(c->arena, count ? count : 1, size);
    if (!p)
        coom(c);
    return p;
}

/* Copy a node tree into the expression's arena: rules outlive the pack text. */
static cbec_node *copy_node(cctx *c, const cbec_node *src, cbec_node *dst, cbec_node *parent)
{
    *dst = *src;
    dst->parent = parent;
    dst->children = NULL;
    if (src->key && !(dst->key = cbec__arena_strndup(c->arena, src->key, src->keylen)))
        return coom(c), NULL;
    if (src->text && !(dst->text = cbec__arena_strndup(c->arena, src->text, src->len)))
        return coom(c), NULL;
    if (src->count) {
        cbec_node *kids = calloc_c(c, src->count, sizeof *kids);
        if (!kids)
            return NULL;
        for (uint32_t i = 0; i < src->count; i++)
            if (!copy_node(c, &src->children[i], &kids[i], dst))
                return NULL;
        dst->children = kids;
    }
    return dst;
}

static inline void set_num(cbec_lval *v, const cbec_dec *d);
static inline cbec_dec num_of(const cbec_lval *v);

static bool scalar_lit(cctx *c, const cbec_node *n, cbec_lval *v)
{
    memset(v, 0, sizeof *v);
    switch (n->kind) {
    case CBEC_NODE_NULL: v->kind = CBEC_LV_NULL; return true;
    case CBEC_NODE_BOOL:
        v->kind = CBEC_LV_BOOL;
        v->b = n->text[0] == 't';
        return true;
    case CBEC_NODE_NUMBER: {
        cbec_dec d;
        if (parse_dec(n->text, n->len, CBEC_DEC_ALLOW_EXPONENT, &d) != CBEC_DEC_OK)
            return cfail(c, n, "Range", "number %.*s cannot be held exactly (at most 38 digits)",
                         (int)(n->len > 40 ? 40 : n->len), n->text);
        set_num(v, &d);
        return true;
    }
    case CBEC_NODE_STRING:
        v->kind = CBEC_LV_STR;
        v->u.str.len = n->len;
        if (!(v->u.str.s = cbec__arena_strndup(c->arena, n->text, n->len)))
            return coom(c);
        return true;
    default: {
        cbec_node *copy = calloc_c(c, 1, sizeof *copy);
        if (!copy || !copy_node(c, n, copy, NULL))
            return false;
        v->kind = CBEC_LV_NODE;
        v->u.node = copy;
        return true;
    }
    }
}

static const struct opdef *find_op(const char *name, size_t len)
{
    for (size_t i = 0; i < CBEC_ARRAY_LEN(ops); i++)
        if (cbec__streq(name, len, ops[i].name))
            return &ops[i];
    return NULL;
}

static bool is_logic(const cbec_node *n)
{
    return n->kind == CBEC_NODE_OBJECT && n->count == 1;
}

static lnode *compile_node(cctx *c, const cbec_node *n, unsigned depth);

static special special_name(const char *s, size_t len)
{
    if (cbec__streq(s, len, "$root")) return SP_ROOT;
    if (cbec__streq(s, len, "$value")) return SP_VALUE;
    if (cbec__streq(s, len, "$item")) return SP_ITEM;
    if (cbec__streq(s, len, "$index")) return SP_INDEX;
    if (cbec__streq(s, len, "$indices")) return SP_INDICES;
    if (cbec__streq(s, len, "$parent")) return SP_PARENT;
    return SP_NONE;
}

/* Split a dotted path; a leading special name is taken out of the segments. */
static bool split_path(cbec_arena *a, const char *s, size_t len, lpath *p)
{
    memset(p, 0, sizeof *p);
    if (len == 0) {
        p->whole = true;
        return true;
    }
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '.';
    p->segs = cbec__arena_calloc(a, n, sizeof *p->segs);
    if (!p->segs)
        return false;
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            lseg *g = &p->segs[k++];
            g->s = s + start;
            g->len = i - start;
            g->wild = g->len == 1 && g->s[0] == '*';
            p->wild |= g->wild;
            start = i + 1;
        }
    }
    p->nsegs = k;
    for (size_t i = k - 1; i-- > 0;)
        p->segs[i].tail_wild = p->segs[i + 1].wild || p->segs[i + 1].tail_wild;
    special sp = special_name(p->segs[0].s, p->segs[0].len);
    if (sp != SP_NONE) {
        p->sp = sp;
        p->segs++;
        p->nsegs--;
    }
    return true;
}

/* The path of "var" from a literal: a string, a number (its JS text) or null. */
static size_t js_number_text(const cbec_dec *d, char *out, size_t cap);

static bool lit_path(cctx *c, const cbec_lval *v, lpath *p, bool *ok)
{
    *ok = true;
    if (v->kind == CBEC_LV_NULL) {
        memset(p, 0, sizeof *p);
        p->whole = true;
        return true;
    }
    if (v->kind == CBEC_LV_STR)
        return split_path(c->arena, v->u.str.s, v->u.str.len, p) || coom(c);
    if (v->kind == CBEC_LV_NUM) {
        char buf[128];
        cbec_dec d = num_of(v);
        size_t n = js_number_text(&d, buf, sizeof buf);
        char *s = cbec__arena_strndup(c->arena, buf, n);
        return (s && split_path(c->arena, s, n, p)) || coom(c);
    }
    *ok = false;
    return true;
}

static lnode *compile_op(cctx *c, const cbec_node *n, unsigned depth)
{
    const cbec_node *a = &n->children[0];
    const struct opdef *d = find_op(n->children[0].key, n->children[0].keylen);
    if (!d) {
        cfail(c, n, "Unknown Operator", "unknown operator \"%.*s\"", (int)(a->keylen > 60 ? 60 : a->keylen), a->key);
        return NULL;
    }
    lnode *x = calloc_c(c, 1, sizeof *x);
    if (!x)
        return NULL;
    x->op = d->code;
    x->opname = d->name;
    if (d->code == OP_PRESERVE) {
        x->op = OP_LIT;
        if (!scalar_lit(c, a, &x->lit))
            return NULL;
        return x;
    }
    bool as_array = a->kind == CBEC_NODE_ARRAY;
    if (!as_array && (d->flags & F_ARRAY)) {
        cfail(c, a, "Invalid Arguments", "\"%s\" takes an array of arguments", d->name);
        return NULL;
    }
    uint32_t nargs = as_array ? a->count : 1;
    if (!as_array && (d->flags & F_SPREAD) && is_logic(a))
        x->dynamic = true;
    if (!x->dynamic && (nargs < d->min || nargs > d->max)) {
        if (d->max == d->min)
            cfail(c, a, "Invalid Arguments", "\"%s\" takes %u argument%s, not %u", d->name, d->min,
                  d->min == 1 ? "" : "s", nargs);
        else if (nargs < d->min)
            cfail(c, a, "Invalid Arguments", "\"%s\" takes at least %u arguments, not %u", d->name, d->min, nargs);
        else
            cfail(c, a, "Invalid Arguments", "\"%s\" takes at most %u arguments, not %u", d->name, d->max, nargs);
        return NULL;
    }
    x->nargs = nargs;
    x->args = calloc_c(c, nargs, sizeof *x->args);
    if (!x->args)
        return NULL;
    for (uint32_t i = 0; i < nargs; i++) {
        const cbec_node *arg = as_array ? &a->children[i] : a;
        if (!(x->args[i] = compile_node(c, arg, depth + 1)))
            return NULL;
    }
    /* arguments whose literal value is known to be wrong are load errors */
    switch (x->op) {
    case OP_MAP: case OP_FILTER: case OP_ALL: case OP_NONE: case OP_SOME: case OP_REDUCE:
        if (x->args[0]->op == OP_LIT && x->args[0]->lit.kind == CBEC_LV_NULL) {
            cfail(c, &a->children[0], "Invalid Arguments", "\"%s\" needs an array to iterate, not null", d->name);
            return NULL;
        }
        if ((x->op == OP_MAP || x->op == OP_FILTER) && x->args[1]->op == OP_LIT &&
            x->args[1]->lit.kind == CBEC_LV_NULL) {
            cfail(c, &a->children[1], "Invalid Arguments", "\"%s\" needs logic to apply, not null", d->name);
            return NULL;
        }
        break;
    case OP_VAR:
        if (nargs == 0) {
            x->has_path = true;
            x->path.whole = true;
        } else if (x->args[0]->op == OP_LIT) {
            bool ok;
            if (!lit_path(c, &x->args[0]->lit, &x->path, &ok))
                return NULL;
            x->has_path = ok;
        }
        if (x->has_path && x->path.whole)
            x->var_fast = VAR_DATA;
        else if (x->has_path && !x->path.wild && x->path.nsegs <= 1 &&
                 (x->path.sp == SP_VALUE || x->path.sp == SP_ITEM || x->path.sp == SP_PARENT ||
                  x->path.sp == SP_ROOT))
            x->var_fast = VAR_SPECIAL;
        break;
    case OP_MISSING: {
        /* literal keys (the usual case) are split once, here */
        bool lits = !x->dynamic;
        for (uint32_t i = 0; lits && i < nargs; i++) {
            uint8_t k = x->args[i]->lit.kind;
            lits = x->args[i]->op == OP_LIT && (k == CBEC_LV_STR || k == CBEC_LV_NUM || k == CBEC_LV_NULL);
        }
        if (!lits || !nargs)
            break;
        if (!(x->keypaths = calloc_c(c, nargs, sizeof *x->keypaths)))
            return NULL;
        for (uint32_t i = 0; i < nargs; i++) {
            bool ok;
            if (!lit_path(c, &x->args[i]->lit, &x->keypaths[i], &ok))
                return NULL;
        }
        break;
    }
    case OP_IN_CODELIST: {
        const lnode *name = x->args[1];
        if (name->op != OP_LIT || name->lit.kind != CBEC_LV_STR) {
            cfail(c, a, "Invalid Arguments", "\"in_codelist\" names its code list with a string");
            return NULL;
        }
        x->list = c->pack ? cbec__pack_codelist(c->pack, name->lit.u.str.s, name->lit.u.str.len) : NULL;
        if (!x->list) {
            cfail(c, &a->children[1], "Invalid Arguments", "unknown code list \"%.*s\"%s",
                  (int)(name->lit.u.str.len > 60 ? 60 : name->lit.u.str.len), name->lit.u.str.s,
                  c->pack ? "" : " (no pack: code lists exist only in packs)");
            return NULL;
        }
        break;
    }
    case OP_ROUND: case OP_CURRENCY_ROUND: {
        const uint32_t mode_at = 2;
        if (nargs > mode_at) {
            const lnode *m = x->args[mode_at];
            static const char *const modes[] = {"half-up", "half-even", "down", "up"};
            bool known = false;
            if (m->op == OP_LIT && m->lit.kind == CBEC_LV_STR)
                for (size_t i = 0; i < CBEC_ARRAY_LEN(modes); i++)
                    known |= cbec__streq(m->lit.u.str.s, m->lit.u.str.len, modes[i]);
            if (!known) {
                cfail(c, &a->children[mode_at], "Invalid Arguments",
                      "rounding mode must be \"half-up\", \"half-even\", \"down\" or \"up\"");
                return NULL;
            }
        }
        break;
    }
    default:
        break;
    }
    return x;
}

static lnode *compile_node(cctx *c, const cbec_node *n, unsigned depth)
{
    if (depth > c->max_depth) {
        cfail(c, n, "Limit", "the rule nests deeper than %u levels", c->max_depth);
        return NULL;
    }
    if (is_logic(n))
        return compile_op(c, n, depth);
    lnode *x = calloc_c(c, 1, sizeof *x);
    if (!x)
        return NULL;
    if (n->kind == CBEC_NODE_ARRAY) {
        /* an array is evaluated item by item; all-literal arrays are data */
        bool all_lit = true;
        x->op = OP_ARRAY;
        x->nargs = n->count;
        x->args = calloc_c(c, n->count, sizeof *x->args);
        if (!x->args)
            return NULL;
        for (uint32_t i = 0; i < n->count; i++) {
            if (!(x->args[i] = compile_node(c, &n->children[i], depth + 1)))
                return NULL;
            all_lit &= x->args[i]->op == OP_LIT;
        }
        if (all_lit) {
            x->op = OP_LIT;
            return scalar_lit(c, n, &x->lit) ? x : NULL;
        }
        return x;
    }
    x->op = OP_LIT;
    return scalar_lit(c, n, &x->lit) ? x : NULL;
}

static bool ev_lit(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool ev_data(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool var_start(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool var_member(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool op_var_const(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool ev_op(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static ev_fn op_fn(uint8_t op);
static bool is_decimal_data(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool is_decimal_member(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);
static bool op_eq2(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

/* Each node's depth and evaluating function.  The depth of every node is
 * its nesting, because evaluation only ever goes from a node to its
 * arguments: the depth limit can be checked against it directly. */
static void finish(lnode *n, uint32_t depth)
{
    n->depth = depth;
    const lnode *a0 = n->nargs ? n->args[0] : NULL;
    bool dec_of = n->op == OP_IS_DECIMAL && a0->op == OP_VAR;
    n->fn = n->op == OP_LIT ? ev_lit
            : dec_of && a0->var_fast == VAR_DATA ? is_decimal_data
            : dec_of && a0->var_fast == VAR_SPECIAL ? is_decimal_member
            : n->op == OP_EQ && n->nargs == 2 ? op_eq2
            : n->op != OP_VAR ? op_fn(n->op)
            : n->var_fast == VAR_SPECIAL ? (n->path.nsegs ? var_member : var_start)
            : n->var_fast == VAR_DATA ? ev_data
            : n->has_path ? op_var_const : ev_op;
    for (uint32_t i = 0; i < n->nargs; i++)
        finish(n->args[i], depth + 1);
}

bool cbec__logic_compile(const cbec_node *rule, const struct cbec_pack *pack, unsigned max_depth,
                         cbec_lexpr **out, cbec_logic_cerror *e, bool *oom)
{
    *out = NULL;
    *oom = false;
    memset(e, 0, sizeof *e);
    cbec_lexpr *x = cbec__calloc(1, sizeof *x);
    if (!x) {
        *oom = true;
        snprintf(e->type, sizeof e->type, "Memory");
        snprintf(e->message, sizeof e->message, "out of memory");
        return false;
    }
    cbec__arena_init(&x->arena);
    cctx c = {&x->arena, pack, max_depth ? max_depth : CBEC_LOGIC_DEFAULT_DEPTH, e, oom};
    if (c.max_depth > CBEC_LOGIC_MAX_DEPTH)
        c.max_depth = CBEC_LOGIC_MAX_DEPTH;
    x->root = compile_node(&c, rule, 0);
    if (!x->root) {
        cbec__logic_free(x);
        return false;
    }
    finish(x->root, 1);
    *out = x;
    return true;
}

void cbec__logic_free(cbec_lexpr *x)
{
    if (!x)
        return;
    cbec__arena_free(&x->arena);
    free(x);
}

/* ---- evaluation context ---- */

/* One scope: its data, or (v NULL) the {"index": index} of an iteration,
 * made into a value only if "val" climbs to it. */
typedef struct lscope {
    const cbec_lval *v;
    uint32_t index;
} lscope;

typedef struct ectx {
    const cbec_logic_env *env;
    cbec_logic_error *e;
    long ops_left;                /* operations the limit still allows */
    unsigned max_depth;
    size_t bytes;
    unsigned depth;
    /* the data of each scope, outermost (the root data) first: an iterator
     * adds two, {"index": i} and the item, that "val" can climb to */
    lscope *scopes;
    unsigned nscopes, capscopes;
    lscope inline_scopes[16];   /* the first ones: no allocation for them */
    /* the nodes $root, $value, $item and $parent name (indexed by special) */
    const cbec_node *start[SP_PARENT + 1];
} ectx;

static COLD bool efail(ectx *x, const char *type, const char *zh, const char *fmt, ...) CBEC_PRINTF(4, 5);
static COLD bool efail(ectx *x, const char *type, const char *zh, const char *fmt, ...)
{
    va_list ap;
    char raw[sizeof x->e->message];
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    cbec__visible_copy(x->e->message, sizeof x->e->message, raw);
    snprintf(x->e->type, sizeof x->e->type, "%s", type);
    snprintf(x->e->zh, sizeof x->e->zh, "%s", zh);
    x->e->fatal = false;
    return false;
}

static COLD bool elimit(ectx *x, const char *what_en, const char *what_zh)
{
    efail(x, "Limit", what_zh, "%s", what_en);
    x->e->fatal = true;
    return false;
}

static void *xalloc(ectx *x, size_t count, size_t size)
{
    if (!count)
        count = 1;
    if (size && count > SIZE_MAX / size)
        return elimit(x, "the evaluation needs too much memory", "求值所需内存超出限制"), NULL;
    size_t n = count * size;
    if (n > x->env->limits.max_bytes || x->bytes > x->env->limits.max_bytes - n)
        return elimit(x, "the evaluation needs more memory than its limit", "求值所需内存超出限制"), NULL;
    x->bytes += n;
    void *p = cbec__arena_alloc(x->env->arena, n);
    if (!p) {
        efail(x, "Memory", "内存不足", "out of memory");
        x->e->fatal = true;
    }
    return p;
}

static COLD bool ops_exhausted(ectx *x)
{
    return elimit(x, "the evaluation exceeded its operation limit", "求值超出运算次数限制");
}

/* Charge n operations.  ops_left is not negative until the limit is
 * passed, and then the evaluation ends. */
static inline bool cost(ectx *x, unsigned long n)
{
    if (n > (unsigned long)x->ops_left) {
        x->ops_left = -1;
        return ops_exhausted(x);
    }
    x->ops_left -= (long)n;
    return true;
}

static NOINLINE bool grow_scopes(ectx *x)
{
    unsigned cap = x->capscopes * 2;
    if (cap > 4 * CBEC_LOGIC_MAX_DEPTH + 8)
        return elimit(x, "the evaluation nests too deep", "求值嵌套过深");
    lscope *s = xalloc(x, cap, sizeof *s);
    if (!s)
        return false;
    memcpy(s, x->scopes, x->nscopes * sizeof *s);
    x->scopes = s;
    x->capscopes = cap;
    return true;
}

static inline bool push_scope(ectx *x, const cbec_lval *v, uint32_t index)
{
    if (x->nscopes == x->capscopes && !grow_scopes(x))
        return false;
    x->scopes[x->nscopes].v = v;
    x->scopes[x->nscopes].index = index;
    x->nscopes++;
    return true;
}

/* ---- values ---- */

static const cbec_lval LV_NULL_V = {.kind = CBEC_LV_NULL};

/* The fields every value sets; the union holds what its kind says (values
 * are made often: no clearing of the whole struct). */
static inline void set_head(cbec_lval *v, cbec_lv_kind kind)
{
    v->kind = (uint8_t)kind;
    v->b = false;
    v->n = 0;
}

static inline void set_bool(cbec_lval *v, bool b)
{
    set_head(v, CBEC_LV_BOOL);
    v->b = b;
}

static inline void set_num(cbec_lval *v, const cbec_dec *d)
{
    v->kind = CBEC_LV_NUM;
    v->b = d->neg;
    v->exp = d->exp;
    v->u.coef.lo = (uint64_t)d->coef;
    v->u.coef.hi = (uint64_t)(d->coef >> 64);
}

/* The decimal a NUM value holds. */
static inline cbec_dec num_of(const cbec_lval *v)
{
    cbec_dec d;
    d.coef = (cbec_u128)v->u.coef.hi << 64 | v->u.coef.lo;
    d.exp = v->exp;
    d.neg = v->b;
    return d;
}

static inline void set_str(cbec_lval *v, const char *s, size_t len)
{
    set_head(v, CBEC_LV_STR);
    v->u.str.s = s;
    v->u.str.len = len;
}

static inline void set_arr(cbec_lval *v, const cbec_lval *items, uint32_t n)
{
    set_head(v, CBEC_LV_ARR);
    v->u.items = items;
    v->n = n;
}

static inline void set_node(cbec_lval *v, const cbec_node *nd)
{
    set_head(v, CBEC_LV_NODE);
    v->u.node = nd;
}

/* A document node as a value: scalars become values, containers stay nodes. */
static bool node_val_any(ectx *x, const cbec_node *nd, cbec_lval *v)
{
    set_node(v, NULL);
    v->kind = CBEC_LV_NULL;
    if (!nd)
        return true;
    switch (nd->kind) {
    case CBEC_NODE_NULL: return true;
    case CBEC_NODE_BOOL:
        set_bool(v, nd->len == 4);
        return true;
    case CBEC_NODE_NUMBER: {
        cbec_dec d;
        if (parse_dec(nd->text, nd->len, CBEC_DEC_ALLOW_EXPONENT, &d) != CBEC_DEC_OK)
            return efail(x, "Range", "数值超出精确小数的范围（38 位）",
                         "number %.*s cannot be held exactly (at most 38 digits)",
                         (int)(nd->len > 40 ? 40 : nd->len), nd->text);
        set_num(v, &d);
        return true;
    }
    case CBEC_NODE_STRING:
        set_str(v, nd->text, nd->len);
        return true;
    default:
        set_node(v, nd);
        return true;
    }
}

/* node_val with the commonest kinds, strings and containers, inline. */
static inline bool node_val(ectx *x, const cbec_node *nd, cbec_lval *v)
{
    if (nd && nd->kind == CBEC_NODE_STRING) {
        set_str(v, nd->text, nd->len);
        return true;
    }
    if (nd && (nd->kind == CBEC_NODE_OBJECT || nd->kind == CBEC_NODE_ARRAY)) {
        set_node(v, nd);
        return true;
    }
    return node_val_any(x, nd, v);
}

static bool is_array(const cbec_lval *v)
{
    return v->kind == CBEC_LV_ARR || (v->kind == CBEC_LV_NODE && v->u.node->kind == CBEC_NODE_ARRAY);
}

static bool is_object(const cbec_lval *v)
{
    return v->kind == CBEC_LV_PAIRS || (v->kind == CBEC_LV_NODE && v->u.node->kind == CBEC_NODE_OBJECT);
}

static uint32_t arr_len(const cbec_lval *v)
{
    if (v->kind == CBEC_LV_ARR)
        return v->n;
    if (v->kind == CBEC_LV_NODE && v->u.node->kind == CBEC_NODE_ARRAY)
        return v->u.node->count;
    return 0;
}

static bool arr_get(ectx *x, const cbec_lval *v, uint32_t i, cbec_lval *out)
{
    if (v->kind == CBEC_LV_ARR) {
        *out = v->u.items[i];
        return true;
    }
    return node_val(x, &v->u.node->children[i], out);
}

bool cbec__logic_truthy(const cbec_lval *v)
{
    switch (v->kind) {
    case CBEC_LV_NULL: return false;
    case CBEC_LV_BOOL: return v->b;
    case CBEC_LV_NUM: return (v->u.coef.lo | v->u.coef.hi) != 0;
    case CBEC_LV_STR: return v->u.str.len != 0;
    case CBEC_LV_ARR: return v->n != 0;
    case CBEC_LV_NODE: return v->u.node->kind == CBEC_NODE_OBJECT || v->u.node->count != 0;
    default: return true;
    }
}

/* ---- exact decimal arithmetic, rounded to 34 digits only when exactness
 * would need more than the 38 a coefficient holds ---- */

#define PREC 34
#define EXP_BOUND 100000000L

static cbec_u128 p10(unsigned k)
{
    cbec_u128 p = 1;
    while (k--)
        p *= 10;
    return p;
}

static unsigned ndig(cbec_u128 c)
{
    unsigned k = 1;
    while (c >= 10) {
        c /= 10;
        k++;
    }
    return k;
}

/* Round q + r/div half-even (r < div). */
static cbec_u128 round_half_even(cbec_u128 q, cbec_u128 r, cbec_u128 div)
{
    if (r == 0)
        return q;
    cbec_u128 rest = div - r;
    if (r > rest || (r == rest && (q & 1)))
        return q + 1;
    return q;
}

/* Keep at most prec significant digits. */
static void dec_fit(cbec_dec *d, unsigned prec)
{
    unsigned k = ndig(d->coef);
    if (d->coef == 0 || k <= prec)
        return;
    unsigned drop = k - prec;
    cbec_u128 p = p10(drop);
    cbec_u128 q = round_half_even(d->coef / p, d->coef % p, p);
    if (q == p10(prec)) {
        q /= 10;
        drop++;
    }
    d->coef = q;
    d->exp += (int32_t)drop;
}

/* d with exponent e (e <= lead position), rounding half-even. */
static cbec_dec rescale(const cbec_dec *d, long e)
{
    cbec_dec r = *d;
    if (d->coef == 0) {
        r.exp = (int32_t)e;
        return r;
    }
    if (d->exp < e) {
        long k = e - d->exp;
        if (k > CBEC_DEC_MAX_DIGITS) {
            r.coef = 0;
        } else {
            cbec_u128 p = p10((unsigned)k);
            r.coef = round_half_even(d->coef / p, d->coef % p, p);
        }
    } else if (d->exp > e) {
        r.coef = d->coef * p10((unsigned)(d->exp - e));
    }
    r.exp = (int32_t)e;
    if (r.coef == 0)
        r.neg = false;
    return r;
}

static COLD bool range_fail(ectx *x)
{
    return efail(x, "Range", "运算结果超出精确小数的范围", "a result is out of the range of exact decimals");
}

static bool exp_ok(ectx *x, cbec_dec *d)
{
    if (d->coef == 0) {
        d->neg = false;
        if (d->exp > 0)
            d->exp = 0;
    }
    if (d->exp > EXP_BOUND || d->exp < -EXP_BOUND)
        return range_fail(x);
    return true;
}

/* a + b when the exact sum needs more than 38 digits: rounded to 34. */
static NOINLINE bool dec_add_wide(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    long la = a->coef ? (long)a->exp + (long)ndig(a->coef) : LONG_MIN;
    long lb = b->coef ? (long)b->exp + (long)ndig(b->coef) : LONG_MIN;
    long lead = la > lb ? la : lb;
    long e = lead - 36;
    cbec_dec ra = rescale(a, e), rb = rescale(b, e);
    if (cbec__dec_add(&ra, &rb, out) != CBEC_DEC_OK)
        return range_fail(x);
    /* inexact anyway: drop the zeros the rescaling left behind */
    dec_fit(out, PREC);
    cbec__dec_normalize(out);
    return exp_ok(x, out);
}

static inline bool dec_add(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (dec_add_core(a, b, out) == CBEC_DEC_OK)
        return exp_ok(x, out);
    return dec_add_wide(x, a, b, out);
}

/* 0 + d for the first term of a sum: d itself when its exponent is not
 * positive (what dec_add gives: same coefficient and scale, a zero
 * positive); false when dec_add must work it out. */
static inline bool add_to_zero(const cbec_dec *d, cbec_dec *out)
{
    if (d->exp > 0)
        return false;
    *out = *d;
    out->neg = d->neg && d->coef;
    return true;
}

static bool dec_sub(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    cbec_dec nb = *b;
    nb.neg = !nb.neg && nb.coef;
    return dec_add(x, a, &nb, out);
}

/* a * b when the exact product needs more than 38 digits: rounded to 34. */
static NOINLINE bool dec_mul_wide(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    long e = (long)a->exp + (long)b->exp;
    if (e > EXP_BOUND || e < -EXP_BOUND)
        return range_fail(x);
    /* the exact product in base 10^19 limbs, then its first 34 digits */
    const cbec_u128 B = p10(19);
    cbec_u128 a1 = a->coef / B, a0 = a->coef % B, b1 = b->coef / B, b0 = b->coef % B;
    cbec_u128 t = a0 * b0, limb[4];
    limb[0] = t % B;
    t = t / B + a1 * b0;
    cbec_u128 carry = t / B;
    t %= B;
    t += a0 * b1;
    carry += t / B;
    limb[1] = t % B;
    t = a1 * b1 + carry;
    limb[2] = t % B;
    limb[3] = t / B;
    char digits[96];
    size_t nd = 0;
    for (int i = 3; i >= 0; i--) {
        char tmp[20];
        cbec_u128 v = limb[i];
        for (int k = 18; k >= 0; k--) {
            tmp[k] = (char)('0' + (int)(v % 10));
            v /= 10;
        }
        memcpy(digits + nd, tmp, 19);
        nd += 19;
    }
    size_t first = 0;
    while (first < nd && digits[first] == '0')
        first++;
    size_t sig = nd - first;
    cbec_u128 q = 0;
    size_t keep = sig < PREC ? sig : PREC;
    for (size_t i = 0; i < keep; i++)
        q = q * 10 + (cbec_u128)(digits[first + i] - '0');
    long drop = (long)(sig - keep);
    if (drop > 0) {
        char next = digits[first + keep];
        bool rest = false;
        for (size_t i = first + keep + 1; i < nd; i++)
            rest |= digits[i] != '0';
        if (next > '5' || (next == '5' && (rest || (q & 1))))
            q++;
        if (q == p10(PREC)) {
            q /= 10;
            drop++;
        }
    }
    out->coef = q;
    out->exp = (int32_t)(e + drop);
    out->neg = a->neg != b->neg;
    return exp_ok(x, out);
}

static inline bool dec_mul(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (dec_mul_core(a, b, out) == CBEC_DEC_OK)
        return exp_ok(x, out);
    return dec_mul_wide(x, a, b, out);
}

/* a / b to 34 significant digits (exact when the quotient has fewer). */
static NOINLINE bool dec_div(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (b->coef == 0)
        return efail(x, "NaN", "除数为零", "division by zero");
    cbec_dec bb = *b;
    if (ndig(bb.coef) > 37)
        dec_fit(&bb, 37);   /* keeps rem * 10 inside 128 bits */
    cbec_u128 q = a->coef / bb.coef, r = a->coef % bb.coef;
    long e = (long)a->exp - (long)bb.exp;
    int guard = 0;
    while (r != 0 && (q == 0 || ndig(q) < PREC) && guard++ < 120) {
        r *= 10;
        q = q * 10 + r / bb.coef;
        r %= bb.coef;
        e--;
    }
    q = round_half_even(q, r, bb.coef);
    out->coef = q;
    out->exp = 0;
    out->neg = (a->neg != b->neg) && q;
    dec_fit(out, PREC);
    e += out->exp;
    if (e > EXP_BOUND || e < -EXP_BOUND)
        return range_fail(x);
    out->exp = (int32_t)e;
    cbec__dec_normalize(out);
    return exp_ok(x, out);
}

static bool dec_mod(ectx *x, const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (b->coef == 0)
        return efail(x, "NaN", "除数为零", "remainder of a division by zero");
    if (cbec__dec_mod(a, b, out) != CBEC_DEC_OK)
        return range_fail(x);
    return exp_ok(x, out);
}

/* ---- conversions ---- */

/* JavaScript's Number-to-String: shortest plain form between 1e-7 and
 * 1e21, exponent form outside. */
static size_t js_number_text(const cbec_dec *d0, char *out, size_t cap)
{
    cbec_dec d = *d0;
    cbec__dec_normalize(&d);
    char digits[48];
    size_t k = 0;
    cbec_u128 c = d.coef;
    char rev[48];
    do {
        rev[k++] = (char)('0' + (int)(c % 10));
        c /= 10;
    } while (c);
    for (size_t i = 0; i < k; i++)
        digits[i] = rev[k - 1 - i];
    char local[160];
    size_t o = 0;
#define PUT(ch) do { if (o + 1 < sizeof local) local[o++] = (ch); } while (0)
    if (d.coef == 0) {
        PUT('0');
    } else {
        if (d.neg)
            PUT('-');
        long n = (long)d.exp + (long)k;  /* value = 0.digits * 10^n */
        if ((long)k <= n && n <= 21) {
            for (size_t i = 0; i < k; i++)
                PUT(digits[i]);
            for (long i = 0; i < n - (long)k; i++)
                PUT('0');
        } else if (0 < n && n <= 21) {
            for (long i = 0; i < n; i++)
                PUT(digits[i]);
            PUT('.');
            for (size_t i = (size_t)n; i < k; i++)
                PUT(digits[i]);
        } else if (-6 < n && n <= 0) {
            PUT('0');
            PUT('.');
            for (long i = 0; i < -n; i++)
                PUT('0');
            for (size_t i = 0; i < k; i++)
                PUT(digits[i]);
        } else {
            PUT(digits[0]);
            if (k > 1) {
                PUT('.');
                for (size_t i = 1; i < k; i++)
                    PUT(digits[i]);
            }
            char e[24];
            int m = snprintf(e, sizeof e, "e%c%ld", n - 1 >= 0 ? '+' : '-', labs(n - 1));
            for (int i = 0; i < m; i++)
                PUT(e[i]);
        }
    }
#undef PUT
    size_t n = o < cap ? o : cap - 1;
    memcpy(out, local, n);
    out[n] = '\0';
    return n;
}

static bool is_js_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static const char *kind_word(const cbec_lval *v)
{
    switch (v->kind) {
    case CBEC_LV_NULL: return "null";
    case CBEC_LV_BOOL: return "a boolean";
    case CBEC_LV_NUM: return "a number";
    case CBEC_LV_STR: return "a string";
    default: return is_array(v) ? "an array" : "an object";
    }
}

/* JavaScript's ToNumber, exact: null 0, booleans 0 and 1, strings as
 * decimal numbers ("" is 0); arrays and objects are not numbers. */
static bool to_num(ectx *x, const cbec_lval *v, cbec_dec *d)
{
    switch (v->kind) {
    case CBEC_LV_NULL: cbec__dec_from_int(0, d); return true;
    case CBEC_LV_BOOL: cbec__dec_from_int(v->b, d); return true;
    case CBEC_LV_NUM: *d = num_of(v); return true;
    case CBEC_LV_STR: {
        const char *s = v->u.str.s;
        size_t n = v->u.str.len;
        if (n && cbec__is_digit(s[n - 1]) && (cbec__is_digit(s[0]) || s[0] == '-') &&
            parse_dec(s, n, CBEC_DEC_ALLOW_EXPONENT | CBEC_DEC_ALLOW_PLUS | CBEC_DEC_ALLOW_BARE_POINT, d) ==
                CBEC_DEC_OK)
            return true;   /* no space to trim: the usual amount */
        while (n && is_js_space(*s))
            s++, n--;
        while (n && is_js_space(s[n - 1]))
            n--;
        if (n == 0) {
            cbec__dec_from_int(0, d);
            return true;
        }
        cbec_dec_status st = parse_dec(s, n, CBEC_DEC_ALLOW_EXPONENT | CBEC_DEC_ALLOW_PLUS |
                                                       CBEC_DEC_ALLOW_BARE_POINT, d);
        if (st == CBEC_DEC_OK)
            return true;
        if (st == CBEC_DEC_RANGE)
            return range_fail(x);
        return efail(x, "NaN", "字符串不是数值", "the string \"%.*s\" is not a number",
                     (int)(n > 40 ? 40 : n), s);
    }
    default:
        return efail(x, "NaN", "数组或对象不是数值", "%s is not a number", kind_word(v));
    }
}

/* Text of a value as JavaScript's String() gives it, except that null is
 * the empty text (so "cat" skips it). */
static bool to_str(ectx *x, const cbec_lval *v, const char **s, size_t *len);

static bool join_array(ectx *x, const cbec_lval *v, const char **s, size_t *len)
{
    uint32_t n = arr_len(v);
    const char **parts = xalloc(x, n, sizeof *parts);
    size_t *lens = xalloc(x, n, sizeof *lens);
    if (!parts || !lens || !cost(x, n))
        return false;
    size_t total = n ? n - 1 : 0;
    for (uint32_t i = 0; i < n; i++) {
        cbec_lval it;
        if (!arr_get(x, v, i, &it))
            return false;
        if (it.kind == CBEC_LV_NULL) {
            parts[i] = "";
            lens[i] = 0;
        } else if (!to_str(x, &it, &parts[i], &lens[i])) {
            return false;
        }
        total += lens[i];
    }
    char *out = xalloc(x, total + 1, 1);
    if (!out)
        return false;
    size_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            out[o++] = ',';
        memcpy(out + o, parts[i], lens[i]);
        o += lens[i];
    }
    out[o] = '\0';
    *s = out;
    *len = o;
    return true;
}

static bool to_str(ectx *x, const cbec_lval *v, const char **s, size_t *len)
{
    switch (v->kind) {
    case CBEC_LV_NULL: *s = ""; *len = 0; return true;
    case CBEC_LV_BOOL:
        *s = v->b ? "true" : "false";
        *len = v->b ? 4 : 5;
        return true;
    case CBEC_LV_NUM: {
        char buf[128];
        cbec_dec d = num_of(v);
        size_t n = js_number_text(&d, buf, sizeof buf);
        char *p = xalloc(x, n + 1, 1);
        if (!p)
            return false;
        memcpy(p, buf, n + 1);
        *s = p;
        *len = n;
        return true;
    }
    case CBEC_LV_STR: *s = v->u.str.s; *len = v->u.str.len; return true;
    default:
        if (is_array(v))
            return join_array(x, v, s, len);
        *s = "[object Object]";
        *len = 15;
        return true;
    }
}

/* ---- comparison ---- */

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c < 0 ? -1 : 1;
    return (an > bn) - (an < bn);
}

static bool strict_eq(const cbec_lval *a, const cbec_lval *b)
{
    bool aa = is_array(a), ba = is_array(b), ao = is_object(a), bo = is_object(b);
    if (aa || ba || ao || bo)
        return a->kind == CBEC_LV_NODE && b->kind == CBEC_LV_NODE && a->u.node == b->u.node;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case CBEC_LV_NULL: return true;
    case CBEC_LV_BOOL: return a->b == b->b;
    case CBEC_LV_NUM: {
        cbec_dec da = num_of(a), db = num_of(b);
        return dec_cmp(&da, &db) == 0;
    }
    case CBEC_LV_STR: return bytes_cmp(a->u.str.s, a->u.str.len, b->u.str.s, b->u.str.len) == 0;
    default: return false;
    }
}

/* Loose equality: same kinds compare directly; null equals only null and
 * the numbers (and booleans) that are 0; otherwise both sides become
 * numbers, and a side that cannot is an error. */
static bool loose_eq(ectx *x, const cbec_lval *a, const cbec_lval *b, bool *res)
{
    if (a->kind == CBEC_LV_STR && b->kind == CBEC_LV_NUM) {
        /* the usual: an amount as text against a computed one */
        cbec_dec da, db = num_of(b);
        if (!to_num(x, a, &da))
            return false;
        *res = dec_cmp(&da, &db) == 0;
        return true;
    }
    if (is_array(a) || is_array(b) || is_object(a) || is_object(b))
        return efail(x, "NaN", "数组或对象不能比较", "cannot compare %s with %s", kind_word(a), kind_word(b));
    if (a->kind == b->kind) {
        *res = strict_eq(a, b);
        return true;
    }
    if ((a->kind == CBEC_LV_NULL && b->kind == CBEC_LV_STR) || (b->kind == CBEC_LV_NULL && a->kind == CBEC_LV_STR)) {
        *res = false;
        return true;
    }
    cbec_dec da, db;
    if (!to_num(x, a, &da) || !to_num(x, b, &db))
        return false;
    *res = dec_cmp(&da, &db) == 0;
    return true;
}

/* Order: two strings by their bytes (UTF-8 code point order), anything
 * else by number. */
static bool rel_cmp(ectx *x, const cbec_lval *a, const cbec_lval *b, int *c)
{
    if (a->kind == CBEC_LV_STR && b->kind == CBEC_LV_STR) {
        *c = bytes_cmp(a->u.str.s, a->u.str.len, b->u.str.s, b->u.str.len);
        return true;
    }
    if (is_array(a) || is_array(b) || is_object(a) || is_object(b))
        return efail(x, "NaN", "数组或对象不能比较大小", "cannot order %s and %s", kind_word(a), kind_word(b));
    cbec_dec da, db;
    if (!to_num(x, a, &da) || !to_num(x, b, &db))
        return false;
    *c = dec_cmp(&da, &db);
    return true;
}

/* ---- paths ---- */

typedef struct collector {
    cbec_lval *items;
    uint32_t n, cap;
} collector;

static NOINLINE bool grow_collector(ectx *x, collector *col)
{
    uint32_t cap = col->cap ? col->cap * 2 : 8;
    if (cap < col->cap)
        return elimit(x, "too many values", "取值过多");
    cbec_lval *items = xalloc(x, cap, sizeof *items);
    if (!items)
        return false;
    if (col->n)
        memcpy(items, col->items, col->n * sizeof *items);
    col->items = items;
    col->cap = cap;
    return true;
}

static inline bool collect(ectx *x, collector *col, const cbec_lval *v)
{
    if (col->n == col->cap && !grow_collector(x, col))
        return false;
    col->items[col->n++] = *v;
    return cost(x, 1);
}

/* An array index as JavaScript reads a property name: plain decimal digits. */
static bool seg_index(const char *s, size_t len, uint32_t *out)
{
    if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!cbec__is_digit(s[i]))
            return false;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* Are the len bytes at a and b the same?  Member names are short: compared
 * with two overlapping loads rather than a call to memcmp. */
static inline bool same_bytes(const char *a, const char *b, size_t len)
{
    if (len >= 8 && len <= 16) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + len - 8, 8);
        memcpy(&b1, b + len - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (len >= 4 && len < 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + len - 4, 4);
        memcpy(&b1, b + len - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (len < 4) {
        for (size_t i = 0; i < len; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
    return memcmp(a, b, len) == 0;
}

/* cbec__node_member (the last of duplicate members wins), searched from
 * the end so that it stops at the first hit, lengths compared first. */
static inline const cbec_node *member_of(const cbec_node *obj, const char *name, size_t len)
{
    if (!obj->count)
        return NULL;   /* no children: no pointer arithmetic on their (null) array */
    const cbec_node *first = obj->children, *c = first + obj->count;
    while (c != first) {
        c--;
        if (c->keylen == len && same_bytes(c->key, name, len))
            return c;
    }
    return NULL;
}

/* The item of array node nd that segment g names, NULL when none. */
static NOINLINE const cbec_node *array_item(const cbec_node *nd, const lseg *g)
{
    uint32_t idx;
    return seg_index(g->s, g->len, &idx) && idx < nd->count ? &nd->children[idx] : NULL;
}

/* One step down: member of an object, item of an array.  *found is false
 * when there is nothing there. */
static bool step(ectx *x, const cbec_lval *cur, const char *s, size_t len, cbec_lval *next, bool *found)
{
    *found = false;
    if (cur->kind == CBEC_LV_NODE && cur->u.node->kind == CBEC_NODE_OBJECT) {
        const cbec_node *m = member_of(cur->u.node, s, len);
        if (!m)
            return true;
        *found = true;
        return node_val(x, m, next);
    }
    if (cur->kind == CBEC_LV_PAIRS) {
        for (uint32_t i = cur->n; i-- > 0;)
            if (cbec__streq(s, len, cur->u.keys[i])) {
                *found = true;
                *next = cur->u.items[i];
                return true;
            }
        return true;
    }
    uint32_t idx;
    if (is_array(cur) && seg_index(s, len, &idx) && idx < arr_len(cur)) {
        *found = true;
        return arr_get(x, cur, idx, next);
    }
    return true;
}


/* A walk over nodes that meets a scalar: it becomes the value (an error if
 * it is a number that cannot be held); with segments left, nothing is
 * there, as stepping into a scalar value finds nothing. */
static NOINLINE bool walk_scalar(ectx *x, const cbec_node *m, bool more, cbec_lval *out, bool *found)
{
    if (!node_val(x, m, out))
        return false;
    *found = !more;
    return more ? cost(x, 1) : true;
}

/* Follow segments without wildcards from container node nd, node to node;
 * only what is reached becomes a value. */
static inline bool walk_segs(ectx *x, const cbec_node *nd, const lseg *segs, size_t nsegs, cbec_lval *out,
                             bool *found)
{
    for (size_t i = 0; i < nsegs; i++) {
        const lseg *g = &segs[i];
        if (--x->ops_left < 0)
            return ops_exhausted(x);
        const cbec_node *m = nd->kind == CBEC_NODE_OBJECT ? member_of(nd, g->s, g->len) : array_item(nd, g);
        if (!m) {
            *found = false;
            return true;
        }
        if (m->kind == CBEC_NODE_STRING && i + 1 == nsegs) {
            set_str(out, m->text, m->len);
            *found = true;
            return true;
        }
        if (m->kind != CBEC_NODE_OBJECT && m->kind != CBEC_NODE_ARRAY)
            return walk_scalar(x, m, i + 1 < nsegs, out, found);
        nd = m;
    }
    set_node(out, nd);
    *found = true;
    return true;
}

/* Follow a path without wildcards.  Through the containers of a document
 * the walk goes from node to node; only the value reached (or a scalar on
 * the way, where the walk ends) becomes a value. */
static bool walk_one(ectx *x, const cbec_lval *cur, const lseg *segs, size_t nsegs, cbec_lval *out,
                     bool *found)
{
    if (cur->kind == CBEC_LV_NODE)
        return walk_segs(x, cur->u.node, segs, nsegs, out, found);
    cbec_lval v = *cur;
    for (size_t i = 0; i < nsegs; i++) {
        if (!cost(x, 1))
            return false;
        cbec_lval next;
        bool f;
        if (!step(x, &v, segs[i].s, segs[i].len, &next, &f))
            return false;
        if (!f) {
            *found = false;
            return true;
        }
        v = next;
    }
    *found = true;
    *out = v;
    return true;
}

/* Follow a path with wildcards ("*": every item of an array, every member
 * of an object), collecting each value reached; dead ends are skipped. */
static bool walk_all(ectx *x, const cbec_lval *cur, const lseg *segs, size_t nsegs, collector *col)
{
    /* each "*" recurses: a computed path of many stars must not exhaust the stack */
    if (++x->depth > x->max_depth) {
        x->depth--;
        return elimit(x, "the path has too many \"*\" segments", "路径中的“*”过多");
    }
    /* the segments up to the first "*" */
    size_t w = 0;
    while (w < nsegs && !segs[w].wild)
        w++;
    cbec_lval v;
    bool found;
    if (!walk_one(x, cur, segs, w, &v, &found)) {
        x->depth--;
        return false;
    }
    if (!found || w == nsegs) {
        x->depth--;
        return found ? collect(x, col, &v) : true;
    }
    if (!cost(x, 1)) {
        x->depth--;
        return false;
    }
    const cbec_node *nd = v.kind == CBEC_LV_NODE ? v.u.node : NULL;
    uint32_t n = nd ? nd->count : v.kind == CBEC_LV_ARR || v.kind == CBEC_LV_PAIRS ? v.n : 0;
    const lseg *rest = segs + w + 1;
    size_t nrest = nsegs - w - 1;
    bool ok = true;
    for (uint32_t k = 0; ok && k < n; k++) {
        cbec_lval item;
        const cbec_node *child = nd ? &nd->children[k] : NULL;
        bool container = child && (child->kind == CBEC_NODE_OBJECT || child->kind == CBEC_NODE_ARRAY);
        if (child && !container)
            ok = node_val(x, child, &item);
        else if (!child)
            item = v.u.items[k];
        if (!ok)
            break;
        if (segs[w].tail_wild) {
            if (container)
                set_node(&item, child);
            ok = walk_all(x, &item, rest, nrest, col);
            continue;
        }
        /* no "*" after this one: what the recursion would do, without it */
        if (++x->depth > x->max_depth) {
            x->depth--;
            ok = elimit(x, "the path has too many \"*\" segments", "路径中的“*”过多");
            break;
        }
        cbec_lval got;
        ok = container ? walk_segs(x, child, rest, nrest, &got, &found) : walk_one(x, &item, rest, nrest, &got, &found);
        x->depth--;
        if (ok && found)
            ok = collect(x, col, &got);
    }
    x->depth--;
    return ok;
}

/* The index (array) or name (object) under which a node sits in its parent. */
static void index_of(const cbec_node *nd, cbec_lval *v)
{
    if (nd->parent && nd->parent->kind == CBEC_NODE_OBJECT && nd->key) {
        set_str(v, nd->key, nd->keylen);
    } else {
        cbec_dec d;
        cbec__dec_from_int(nd->index, &d);
        set_num(v, &d);
    }
}

static bool special_val(ectx *x, special sp, cbec_lval *v, bool *found)
{
    const cbec_logic_env *env = x->env;
    const cbec_node *last = env->nbound ? env->bound[env->nbound - 1] : NULL;
    *found = true;
    switch (sp) {
    case SP_ROOT: return node_val(x, env->root, v);
    case SP_VALUE:
        *found = env->value != NULL;
        return node_val(x, env->value, v);
    case SP_PARENT:
        *found = env->value && env->value->parent;
        return node_val(x, *found ? env->value->parent : NULL, v);
    case SP_ITEM:
        *found = last != NULL;
        return node_val(x, last, v);
    case SP_INDEX:
        *found = last != NULL;
        if (last)
            index_of(last, v);
        else
            *v = LV_NULL_V;
        return true;
    case SP_INDICES: {
        cbec_lval *items = xalloc(x, env->nbound, sizeof *items);
        if (!items)
            return false;
        for (size_t i = 0; i < env->nbound; i++)
            index_of(env->bound[i], &items[i]);
        set_arr(v, items, (uint32_t)env->nbound);
        return true;
    }
    default:
        *v = LV_NULL_V;
        return true;
    }
}

/* Follow a path without wildcards from a document node (NULL: null),
 * node to node; only what is reached becomes a value.  The same steps,
 * costs and errors as special_val and walk_one over the node's value. */
static inline bool walk_nodes(ectx *x, const cbec_node *nd, const lpath *p, cbec_lval *out, bool *found)
{
    size_t nsegs = p->whole ? 0 : p->nsegs;
    if (!nd || (nd->kind != CBEC_NODE_OBJECT && nd->kind != CBEC_NODE_ARRAY))
        return walk_scalar(x, nd, nsegs != 0, out, found);
    return walk_segs(x, nd, p->segs, nsegs, out, found);
}

/* depth: the nesting of the operation that resolves the path ("*"
 * segments go deeper from there). */
static bool resolve(ectx *x, const lpath *p, const cbec_lval *data, cbec_lval *out, bool *found, uint32_t depth)
{
    if (p->sp == SP_ROOT || p->sp == SP_VALUE || p->sp == SP_PARENT || p->sp == SP_ITEM) {
        /* the usual paths start at a document node: walk the nodes */
        const cbec_node *nd = x->start[p->sp];
        if (!nd && p->sp != SP_ROOT) {
            *found = false;
            return true;
        }
        if (!p->wild)
            return walk_nodes(x, nd, p, out, found);
        cbec_lval start;
        if (!node_val(x, nd, &start))
            return false;
        collector col = {NULL, 0, 0};
        x->depth = depth;
        if (!walk_all(x, &start, p->segs, p->nsegs, &col))
            return false;
        set_arr(out, col.items, col.n);
        *found = true;
        return true;
    }
    if (!p->wild && p->sp == SP_NONE) {
        if (p->whole) {
            /* "" or null: the data itself */
            *out = *data;
            *found = true;
            return true;
        }
        if (data->kind == CBEC_LV_NODE)
            return walk_nodes(x, data->u.node, p, out, found);
    }
    cbec_lval start = *data;
    if (p->sp != SP_NONE) {
        if (!special_val(x, p->sp, &start, found))
            return false;
        if (!*found)
            return true;
    }
    if (p->whole) {
        *out = start;
        *found = true;
        return true;
    }
    if (!p->wild)
        return walk_one(x, &start, p->segs, p->nsegs, out, found);
    collector col = {NULL, 0, 0};
    x->depth = depth;
    if (!walk_all(x, &start, p->segs, p->nsegs, &col))
        return false;
    set_arr(out, col.items, col.n);
    *found = true;
    return true;
}

/* A path given at run time: a string (dotted), a number, or null. */
static bool value_path(ectx *x, const cbec_lval *v, lpath *p, bool *ok)
{
    *ok = true;
    memset(p, 0, sizeof *p);
    const char *s;
    size_t len;
    if (v->kind == CBEC_LV_NULL) {
        p->whole = true;
        return true;
    }
    if (v->kind != CBEC_LV_STR && v->kind != CBEC_LV_NUM) {
        *ok = false;
        return true;
    }
    if (!to_str(x, v, &s, &len))
        return false;
    size_t before = x->env->arena->total;
    if (!split_path(x->env->arena, s, len, p)) {
        efail(x, "Memory", "内存不足", "out of memory");
        x->e->fatal = true;
        return false;
    }
    x->bytes += x->env->arena->total - before;
    return cost(x, 1);
}

/* ---- evaluation ---- */

static bool ev(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

#define ARGBUF 4   /* argument values kept on the stack: most operations have few */

/* The argument values: each argument evaluated, or the items of the one
 * operation whose array result stands for the arguments.  buf (ARGBUF
 * values) holds them when they fit; *vals is only read by the caller. */
static bool eval_args(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *buf,
                      const cbec_lval **vals, uint32_t *count)
{
    if (n->dynamic) {
        cbec_lval r;
        if (!ev(x, n->args[0], data, &r))
            return false;
        if (!is_array(&r)) {
            buf[0] = r;
            *vals = buf;
            *count = 1;
            return true;
        }
        uint32_t k = arr_len(&r);
        *count = k;
        if (r.kind == CBEC_LV_ARR) {
            /* an array the evaluation built is immutable: its items serve as they are */
            *vals = r.u.items;
            return cost(x, k);
        }
        cbec_lval *v = k <= ARGBUF ? buf : xalloc(x, k, sizeof *v);
        if (!v || !cost(x, k))
            return false;
        for (uint32_t i = 0; i < k; i++)
            if (!arr_get(x, &r, i, &v[i]))
                return false;
        *vals = v;
        return true;
    }
    cbec_lval *v = n->nargs <= ARGBUF ? buf : xalloc(x, n->nargs, sizeof *v);
    if (!v)
        return false;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (!ev(x, n->args[i], data, &v[i]))
            return false;
    *vals = v;
    *count = n->nargs;
    return true;
}

static COLD bool bad_args(ectx *x, const lnode *n, const char *what)
{
    return efail(x, "Invalid Arguments", "参数无效", "\"%s\": %s", n->opname, what);
}

static NOINLINE bool op_arith(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval buf[ARGBUF];
    const cbec_lval *vals;
    uint32_t count;
    if (!eval_args(x, n, data, buf, &vals, &count))
        return false;
    cbec_dec acc, d;
    if ((n->op == OP_SUB || n->op == OP_DIV) && count < 1)
        return bad_args(x, n, "needs at least one argument");
    if (n->op == OP_MOD && count < 2)
        return bad_args(x, n, "needs at least two arguments");
    if ((n->op == OP_MAX || n->op == OP_MIN) && count == 0) {
        *out = LV_NULL_V;
        return true;
    }
    acc.coef = n->op == OP_MUL;   /* 1 or 0 */
    acc.exp = 0;
    acc.neg = false;
    for (uint32_t i = 0; i < count; i++) {
        if (!to_num(x, &vals[i], &d))
            return false;
        bool ok = true;
        switch (n->op) {
        case OP_ADD: ok = (i == 0 && add_to_zero(&d, &acc)) || dec_add(x, &acc, &d, &acc); break;
        case OP_MUL:
            if (i == 0) {
                /* 1 * d: d itself, a zero made positive and of scale >= 0 */
                acc = d;
                if (!acc.coef) {
                    acc.neg = false;
                    if (acc.exp > 0)
                        acc.exp = 0;
                }
            } else {
                ok = dec_mul(x, &acc, &d, &acc);
            }
            break;
        case OP_SUB:
            if (i == 0 && count == 1) {
                acc = d;
                acc.neg = !acc.neg && acc.coef;
            } else {
                ok = i == 0 ? (acc = d, true) : dec_sub(x, &acc, &d, &acc);
            }
            break;
        case OP_DIV:
            if (i == 0 && count == 1) {
                cbec_dec one;
                cbec__dec_from_int(1, &one);
                ok = dec_div(x, &one, &d, &acc);
            } else {
                ok = i == 0 ? (acc = d, true) : dec_div(x, &acc, &d, &acc);
            }
            break;
        case OP_MOD: ok = i == 0 ? (acc = d, true) : dec_mod(x, &acc, &d, &acc); break;
        case OP_MAX:
            if (i == 0 || dec_cmp(&d, &acc) > 0)
                acc = d;
            break;
        case OP_MIN:
            if (i == 0 || dec_cmp(&d, &acc) < 0)
                acc = d;
            break;
        default: break;
        }
        if (!ok)
            return false;
    }
    set_num(out, &acc);
    return true;
}

/* sum and count: arrays among the arguments give their items (the items of
 * one operation's array result are already the arguments). */
static NOINLINE bool op_sum_count(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval buf[ARGBUF];
    const cbec_lval *vals;
    uint32_t count;
    if (!eval_args(x, n, data, buf, &vals, &count))
        return false;
    cbec_dec acc = {0, 0, false}, d;
    int64_t k = 0;
    bool first = true;
    for (uint32_t i = 0; i < count; i++) {
        bool arr = !n->dynamic && is_array(&vals[i]);
        uint32_t m = arr ? arr_len(&vals[i]) : 1;
        if (!cost(x, m))
            return false;
        for (uint32_t j = 0; j < m; j++) {
            cbec_lval it = vals[i];
            if (arr && !arr_get(x, &vals[i], j, &it))
                return false;
            if (n->op == OP_COUNT) {
                k += it.kind != CBEC_LV_NULL;
                continue;
            }
            if (!to_num(x, &it, &d))
                return false;
            if (!(first && add_to_zero(&d, &acc)) && !dec_add(x, &acc, &d, &acc))
                return false;
            first = false;
        }
    }
    if (n->op == OP_COUNT)
        cbec__dec_from_int(k, &acc);
    set_num(out, &acc);
    return true;
}

typedef enum { CMP_EQ, CMP_SEQ, CMP_NE, CMP_SNE, CMP_GT, CMP_GE, CMP_LT, CMP_LE } cmp_kind;

static NOINLINE bool op_compare(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cmp_kind k = n->op == OP_EQ ? CMP_EQ : n->op == OP_SEQ ? CMP_SEQ : n->op == OP_NE ? CMP_NE
                 : n->op == OP_SNE ? CMP_SNE : n->op == OP_GT ? CMP_GT : n->op == OP_GE ? CMP_GE
                 : n->op == OP_LT ? CMP_LT : CMP_LE;
    cbec_lval prev, cur;
    if (!ev(x, n->args[0], data, &prev))
        return false;
    for (uint32_t i = 1; i < n->nargs; i++) {
        if (!ev(x, n->args[i], data, &cur))
            return false;
        bool r = false, eq = false;
        int c = 0;
        switch (k) {
        case CMP_EQ: if (!loose_eq(x, &prev, &cur, &r)) return false; break;
        case CMP_NE: if (!loose_eq(x, &prev, &cur, &eq)) return false; r = !eq; break;
        case CMP_SEQ: r = strict_eq(&prev, &cur); break;
        case CMP_SNE: r = !strict_eq(&prev, &cur); break;
        default:
            if (!rel_cmp(x, &prev, &cur, &c))
                return false;
            r = k == CMP_GT ? c > 0 : k == CMP_GE ? c >= 0 : k == CMP_LT ? c < 0 : c <= 0;
            break;
        }
        if (!r) {
            set_bool(out, false);
            return true;
        }
        prev = cur;
    }
    set_bool(out, true);
    return true;
}

/* "==" of two arguments, the usual comparison, without op_compare's loop. */
static NOINLINE bool op_eq2(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval a, b;
    bool r;
    if (!ev(x, n->args[0], data, &a) || !ev(x, n->args[1], data, &b) || !loose_eq(x, &a, &b, &r))
        return false;
    set_bool(out, r);
    return true;
}

static const char *const index_keys[] = {"index"};

/* The scopes of one iteration: {"index": i}, then the item itself. */
static inline bool enter_item(ectx *x, uint32_t i, const cbec_lval *item)
{
    if (x->nscopes + 2 > x->capscopes) {
        /* grown as one push after the other would */
        if (x->nscopes == x->capscopes && !grow_scopes(x))
            return false;
        x->scopes[x->nscopes].v = NULL;
        x->scopes[x->nscopes].index = i;
        x->nscopes++;
        return push_scope(x, item, 0);
    }
    lscope *sc = &x->scopes[x->nscopes];
    sc[0].v = NULL;
    sc[0].index = i;
    sc[1].v = item;
    sc[1].index = 0;
    x->nscopes += 2;
    return true;
}

/* The data of scope s as a value: an iteration's {"index": i} is built here. */
static bool scope_val(ectx *x, const lscope *s, cbec_lval *out)
{
    if (s->v) {
        *out = *s->v;
        return true;
    }
    cbec_lval *num = xalloc(x, 1, sizeof *num);
    if (!num)
        return false;
    cbec_dec d;
    cbec__dec_from_int(s->index, &d);
    set_num(num, &d);
    memset(out, 0, sizeof *out);
    out->kind = CBEC_LV_PAIRS;
    out->n = 1;
    out->u.items = num;
    out->u.keys = index_keys;
    return true;
}

static NOINLINE bool op_iterate(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval arr;
    if (!ev(x, n->args[0], data, &arr))
        return false;
    if (!is_array(&arr)) {
        if (n->op == OP_MAP || n->op == OP_FILTER) {
            set_arr(out, NULL, 0);
            return true;
        }
        return bad_args(x, n, "the first argument is not an array");
    }
    uint32_t len = arr_len(&arr);
    cbec_lval *res = NULL;
    uint32_t nres = 0;
    if ((n->op == OP_MAP || n->op == OP_FILTER) && !(res = xalloc(x, len, sizeof *res)))
        return false;
    if (n->op == OP_ALL && len == 0) {
        set_bool(out, false);
        return true;
    }
    for (uint32_t i = 0; i < len; i++) {
        cbec_lval item, r;
        if (!cost(x, 1))
            return false;
        if (arr.kind == CBEC_LV_ARR)
            item = arr.u.items[i];
        else if (!node_val(x, &arr.u.node->children[i], &item))
            return false;
        if (!enter_item(x, i, &item))
            return false;
        bool ok = ev(x, n->args[1], &item, &r);
        x->nscopes -= 2;
        if (!ok)
            return false;
        bool t = r.kind == CBEC_LV_BOOL ? r.b : cbec__logic_truthy(&r);
        switch (n->op) {
        case OP_MAP: res[nres++] = r; break;
        case OP_FILTER: if (t) res[nres++] = item; break;
        case OP_ALL: if (!t) { set_bool(out, false); return true; } break;
        case OP_SOME: if (t) { set_bool(out, true); return true; } break;
        case OP_NONE: if (t) { set_bool(out, false); return true; } break;
        default: break;
        }
    }
    if (n->op == OP_MAP || n->op == OP_FILTER)
        set_arr(out, res, nres);
    else
        set_bool(out, n->op != OP_SOME);
    return true;
}

static const char *const reduce_keys[] = {"current", "accumulator"};

static NOINLINE bool op_reduce(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval arr, acc = LV_NULL_V;
    if (!ev(x, n->args[0], data, &arr))
        return false;
    uint32_t start = 0, len = is_array(&arr) ? arr_len(&arr) : 0;
    if (n->nargs > 2) {
        if (!ev(x, n->args[2], data, &acc))
            return false;
    } else if (len) {
        if (!arr_get(x, &arr, 0, &acc))
            return false;
        start = 1;
    }
    for (uint32_t i = start; i < len; i++) {
        cbec_lval *pair = xalloc(x, 2, sizeof *pair);
        if (!pair || !cost(x, 1) || !arr_get(x, &arr, i, &pair[0]))
            return false;
        pair[1] = acc;
        cbec_lval scope;
        memset(&scope, 0, sizeof scope);
        scope.kind = CBEC_LV_PAIRS;
        scope.n = 2;
        scope.u.items = pair;
        scope.u.keys = reduce_keys;
        if (!enter_item(x, i, &scope))
            return false;
        bool ok = ev(x, n->args[1], &scope, &acc);
        x->nscopes -= 2;
        if (!ok)
            return false;
    }
    *out = acc;
    return true;
}

static NOINLINE bool op_missing(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval buf[ARGBUF];
    const cbec_lval *vals, *keys;
    uint32_t count, nkeys;
    if (!eval_args(x, n, data, buf, &vals, &count))
        return false;
    keys = vals;
    nkeys = count;
    cbec_lval first;
    if (count && is_array(&vals[0])) {
        /* as json-logic-js: an array first argument is the list of keys */
        first = vals[0];
        nkeys = arr_len(&first);
        cbec_lval *k = xalloc(x, nkeys, sizeof *k);
        if (!k)
            return false;
        for (uint32_t i = 0; i < nkeys; i++)
            if (!arr_get(x, &first, i, &k[i]))
                return false;
        keys = k;
    }
    /* keys from the literals themselves: their paths were split at compile time */
    const lpath *pre = keys == vals && !n->dynamic ? n->keypaths : NULL;
    collector col = {NULL, 0, 0};
    for (uint32_t i = 0; i < nkeys; i++) {
        lpath p;
        bool ok = true, found = false;
        cbec_lval got;
        if (pre) {
            p = pre[i];
            if (keys[i].kind != CBEC_LV_NULL && !cost(x, 1))
                return false;
        } else if (!value_path(x, &keys[i], &p, &ok)) {
            return false;
        }
        if (ok && !resolve(x, &p, data, &got, &found, n->depth))
            return false;
        if (found && p.wild)
            found = arr_len(&got) != 0;
        bool absent = !found || got.kind == CBEC_LV_NULL || (got.kind == CBEC_LV_STR && got.u.str.len == 0);
        if (absent && !collect(x, &col, &keys[i]))
            return false;
    }
    set_arr(out, col.items, col.n);
    return true;
}

static NOINLINE bool op_missing_some(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval need, keys;
    cbec_dec d;
    int64_t want;
    if (!ev(x, n->args[0], data, &need) || !ev(x, n->args[1], data, &keys) || !to_num(x, &need, &d))
        return false;
    if (!cbec__dec_to_int64(&d, &want))
        return bad_args(x, n, "the number needed is not an integer");
    if (!is_array(&keys))
        return bad_args(x, n, "the second argument is not an array of keys");
    uint32_t nk = arr_len(&keys);
    collector col = {NULL, 0, 0};
    int64_t have = 0;
    for (uint32_t i = 0; i < nk; i++) {
        cbec_lval key, got;
        lpath p;
        bool ok, found = false;
        if (!arr_get(x, &keys, i, &key) || !value_path(x, &key, &p, &ok))
            return false;
        if (ok && !resolve(x, &p, data, &got, &found, n->depth))
            return false;
        bool absent = !found || got.kind == CBEC_LV_NULL || (got.kind == CBEC_LV_STR && got.u.str.len == 0);
        if (absent) {
            if (!collect(x, &col, &key))
                return false;
        } else {
            have++;
        }
    }
    if (have >= want)
        set_arr(out, NULL, 0);
    else
        set_arr(out, col.items, col.n);
    return true;
}

static NOINLINE bool op_merge(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval buf[ARGBUF];
    const cbec_lval *vals;
    uint32_t count;
    if (!eval_args(x, n, data, buf, &vals, &count))
        return false;
    collector col = {NULL, 0, 0};
    for (uint32_t i = 0; i < count; i++) {
        if (!is_array(&vals[i])) {
            if (!collect(x, &col, &vals[i]))
                return false;
            continue;
        }
        uint32_t m = arr_len(&vals[i]);
        for (uint32_t j = 0; j < m; j++) {
            cbec_lval it;
            if (!arr_get(x, &vals[i], j, &it) || !collect(x, &col, &it))
                return false;
        }
    }
    set_arr(out, col.items, col.n);
    return true;
}

static NOINLINE bool op_cat(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval buf[ARGBUF];
    const cbec_lval *vals;
    uint32_t count;
    if (!eval_args(x, n, data, buf, &vals, &count))
        return false;
    const char **parts = xalloc(x, count, sizeof *parts);
    size_t *lens = xalloc(x, count, sizeof *lens);
    if (!parts || !lens)
        return false;
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!to_str(x, &vals[i], &parts[i], &lens[i]))
            return false;
        total += lens[i];
    }
    char *s = xalloc(x, total + 1, 1);
    if (!s || !cost(x, total / 256))
        return false;
    size_t o = 0;
    for (uint32_t i = 0; i < count; i++) {
        memcpy(s + o, parts[i], lens[i]);
        o += lens[i];
    }
    s[o] = '\0';
    set_str(out, s, o);
    return true;
}

/* Byte offset of code point k in UTF-8 text (k <= number of code points). */
static size_t cp_offset(const char *s, size_t len, size_t k)
{
    size_t i = 0;
    while (i < len && k) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        k--;
    }
    return i;
}

static size_t cp_count(const char *s, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static bool int_arg(ectx *x, const lnode *n, const cbec_lval *v, int64_t *out)
{
    cbec_dec d, t;
    if (!to_num(x, v, &d))
        return false;
    if (cbec__dec_round(&d, 0, CBEC_ROUND_DOWN, &t) != CBEC_DEC_OK || !cbec__dec_to_int64(&t, out))
        return bad_args(x, n, "a position or length is out of range");
    return true;
}

/* substr as JavaScript's String.prototype.substr, counting code points. */
static NOINLINE bool op_substr(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval sv, startv, lenv;
    const char *s;
    size_t len;
    int64_t start, count;
    if (!ev(x, n->args[0], data, &sv) || !to_str(x, &sv, &s, &len) || !ev(x, n->args[1], data, &startv) ||
        !int_arg(x, n, &startv, &start))
        return false;
    int64_t total = (int64_t)cp_count(s, len);
    if (!cost(x, (unsigned long)(len / 256)))
        return false;
    if (start < 0)
        start = total + start < 0 ? 0 : total + start;
    if (start > total)
        start = total;
    int64_t end = total;
    if (n->nargs > 2) {
        if (!ev(x, n->args[2], data, &lenv) || !int_arg(x, n, &lenv, &count))
            return false;
        if (count < 0)
            end = total + count;
        else
            end = count > total - start ? total : start + count;
        if (end < start)
            end = start;
    }
    size_t a = cp_offset(s, len, (size_t)start), b = cp_offset(s, len, (size_t)end);
    set_str(out, s + a, b - a);
    return true;
}

static NOINLINE bool op_in(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval a, b;
    if (!ev(x, n->args[0], data, &a) || !ev(x, n->args[1], data, &b))
        return false;
    if (b.kind == CBEC_LV_STR) {
        const char *s;
        size_t len;
        if (!to_str(x, &a, &s, &len))
            return false;
        bool hit = len == 0;
        if (!cost(x, (unsigned long)(b.u.str.len / 64)))
            return false;
        for (size_t i = 0; !hit && len <= b.u.str.len && i <= b.u.str.len - len; i++)
            hit = memcmp(b.u.str.s + i, s, len) == 0;
        set_bool(out, hit);
        return true;
    }
    bool hit = false;
    uint32_t m = arr_len(&b);
    if (!cost(x, m))
        return false;
    for (uint32_t i = 0; i < m && !hit; i++) {
        cbec_lval it = LV_NULL_V;
        if (!arr_get(x, &b, i, &it))
            return false;
        hit = strict_eq(&a, &it);
    }
    set_bool(out, hit);
    return true;
}

static cbec_round round_mode(const lnode *m)
{
    const char *s = m->lit.u.str.s;
    size_t n = m->lit.u.str.len;
    if (cbec__streq(s, n, "half-even"))
        return CBEC_ROUND_HALF_EVEN;
    if (cbec__streq(s, n, "down"))
        return CBEC_ROUND_DOWN;
    if (cbec__streq(s, n, "up"))
        return CBEC_ROUND_UP;
    return CBEC_ROUND_HALF_UP;
}

static bool currency_of(ectx *x, const lnode *n, const cbec_lval *v, int *units)
{
    if (v->kind != CBEC_LV_STR)
        return bad_args(x, n, "a currency is an ISO 4217 alphabetic code");
    *units = cbec__currency_minor_units(v->u.str.s, v->u.str.len);
    if (*units < 0)
        return efail(x, "Invalid Arguments", "未知币制或该币制没有辅币单位",
                     "\"%s\": \"%.*s\" is not an ISO 4217 currency with a minor unit", n->opname,
                     (int)(v->u.str.len > 8 ? 8 : v->u.str.len), v->u.str.s);
    return true;
}

static NOINLINE bool op_round(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v, p;
    cbec_dec d, r;
    int64_t places = 0;
    if (!ev(x, n->args[0], data, &v) || !to_num(x, &v, &d))
        return false;
    if (n->nargs > 1) {
        if (!ev(x, n->args[1], data, &p))
            return false;
        if (n->op == OP_CURRENCY_ROUND) {
            int units = 0;
            if (!currency_of(x, n, &p, &units))
                return false;
            places = units;
        } else if (!int_arg(x, n, &p, &places)) {
            return false;
        }
    }
    if (places < 0 || places > CBEC_DEC_MAX_DIGITS)
        return bad_args(x, n, "places must be 0 to 38");
    if (d.exp == -(int32_t)places) {
        /* already of that scale: nothing to round (a zero made positive) */
        d.neg = d.neg && d.coef;
        set_num(out, &d);
        return true;
    }
    cbec_round mode = n->nargs > 2 ? round_mode(n->args[2]) : CBEC_ROUND_HALF_UP;
    if (cbec__dec_round(&d, (unsigned)places, mode, &r) != CBEC_DEC_OK)
        return range_fail(x);
    set_num(out, &r);
    return true;
}

static NOINLINE bool op_within(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval a, b, t;
    cbec_dec da, db, dt, diff;
    if (!ev(x, n->args[0], data, &a) || !ev(x, n->args[1], data, &b) || !ev(x, n->args[2], data, &t) ||
        !to_num(x, &a, &da) || !to_num(x, &b, &db) || !to_num(x, &t, &dt) || !dec_sub(x, &da, &db, &diff))
        return false;
    if (dt.neg && dt.coef)
        return bad_args(x, n, "the tolerance is negative");
    diff.neg = false;
    set_bool(out, dec_cmp(&diff, &dt) <= 0);
    return true;
}

static NOINLINE bool op_decimal(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v;
    if (!ev(x, n->args[0], data, &v))
        return false;
    if (v.kind == CBEC_LV_NUM) {
        *out = v;
        return true;
    }
    cbec_dec d;
    if (v.kind == CBEC_LV_STR) {
        cbec_dec_status st = parse_dec(v.u.str.s, v.u.str.len, 0, &d);
        if (st == CBEC_DEC_OK) {
            set_num(out, &d);
            return true;
        }
        if (st == CBEC_DEC_RANGE)
            return range_fail(x);
        return efail(x, "NaN", "不是十进制数", "\"%.*s\" is not a decimal number",
                     (int)(v.u.str.len > 40 ? 40 : v.u.str.len), v.u.str.s);
    }
    return efail(x, "NaN", "不是十进制数", "%s is not a decimal number", kind_word(&v));
}

/* ---- date-times (ISO 8601 / RFC 3339, compared as instants across offsets) ---- */

static bool to_time(ectx *x, const lnode *n, const cbec_lval *v, cbec_datetime *dt)
{
    if (v->kind == CBEC_LV_STR &&
        (cbec__dt_parse(v->u.str.s, v->u.str.len, CBEC_DT_DATETIME, false, dt, NULL, NULL) ||
         cbec__dt_parse(v->u.str.s, v->u.str.len, CBEC_DT_DATE, false, dt, NULL, NULL)))
        return true;
    if (v->kind == CBEC_LV_STR)
        return efail(x, "Invalid Date", "不是 ISO 8601 日期或日期时间", "\"%s\": \"%.*s\" is not an ISO 8601 date or date-time",
                     n->opname, (int)(v->u.str.len > 40 ? 40 : v->u.str.len), v->u.str.s);
    return efail(x, "Invalid Date", "不是 ISO 8601 日期或日期时间", "\"%s\": %s is not a date-time", n->opname,
                 kind_word(v));
}

static NOINLINE bool op_time_compare(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v;
    cbec_datetime prev, cur;
    if (!ev(x, n->args[0], data, &v) || !to_time(x, n, &v, &prev))
        return false;
    for (uint32_t i = 1; i < n->nargs; i++) {
        if (!ev(x, n->args[i], data, &v) || !to_time(x, n, &v, &cur))
            return false;
        int c = cbec__dt_compare(&prev, &cur);
        bool r = n->op == OP_TIME_EQ ? c == 0 : n->op == OP_TIME_LT ? c < 0 : n->op == OP_TIME_LE ? c <= 0
                 : n->op == OP_TIME_GT ? c > 0 : c >= 0;
        if (!r) {
            set_bool(out, false);
            return true;
        }
        prev = cur;
    }
    set_bool(out, true);
    return true;
}

/* The instant in UTC, "YYYY-MM-DDThh:mm:ss[.fraction]Z". */
static NOINLINE bool op_datetime(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v;
    cbec_datetime dt;
    if (!ev(x, n->args[0], data, &v) || !to_time(x, n, &v, &dt))
        return false;
    char buf[48];
    size_t len = cbec__dt_format_utc(cbec__dt_epoch_seconds(&dt), buf);
    if (!len)
        return efail(x, "Invalid Date", "年份超出范围", "\"%s\": the instant falls outside the years 0000-9999", n->opname);
    if (dt.nanos) {
        char frac[16];
        int k = snprintf(frac, sizeof frac, ".%09d", (int)dt.nanos);
        while (k > 2 && frac[k - 1] == '0')
            frac[--k] = '\0';
        memcpy(buf + len - 1, frac, (size_t)k);
        len += (size_t)k;
        buf[len - 1] = 'Z';
        buf[len] = '\0';
    }
    char *s = xalloc(x, len + 1, 1);
    if (!s)
        return false;
    memcpy(s, buf, len + 1);
    set_str(out, s, len);
    return true;
}

/* Seconds from the first instant to the second, exact to the nanosecond. */
static NOINLINE bool op_seconds_between(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval a, b;
    cbec_datetime da, db;
    if (!ev(x, n->args[0], data, &a) || !to_time(x, n, &a, &da) || !ev(x, n->args[1], data, &b) ||
        !to_time(x, n, &b, &db))
        return false;
    int64_t secs = cbec__dt_epoch_seconds(&db) - cbec__dt_epoch_seconds(&da);
    int64_t nanos = (int64_t)db.nanos - (int64_t)da.nanos;
    cbec_dec s, ns, r;
    cbec__dec_from_int(secs, &s);
    cbec__dec_from_int(nanos, &ns);
    ns.exp = -9;
    if (!dec_add(x, &s, &ns, &r))
        return false;
    cbec__dec_normalize(&r);
    set_num(out, &r);
    return true;
}

/* "val" and "exists": each argument is one path segment (no dot splitting). */
static bool val_path(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out, bool *found)
{
    cbec_lval cur = *data;
    for (uint32_t i = 0; i < n->nargs; i++) {
        cbec_lval segv, next;
        const char *s;
        size_t len;
        if (!ev(x, n->args[i], data, &segv))
            return false;
        if (is_array(&segv)) {
            /* [n] first: climb n scopes up (the sign does not matter) */
            cbec_lval lv;
            cbec_dec d;
            int64_t up;
            if (i != 0 || arr_len(&segv) != 1 || !arr_get(x, &segv, 0, &lv) || !to_num(x, &lv, &d) ||
                !cbec__dec_to_int64(&d, &up))
                return bad_args(x, n, "a scope is given as [levels] before the path");
            if (up < 0)
                up = -up;
            if ((uint64_t)up >= x->nscopes) {
                *found = false;
                return true;
            }
            if (!scope_val(x, &x->scopes[x->nscopes - 1 - (unsigned)up], &cur))
                return false;
            continue;
        }
        if (segv.kind != CBEC_LV_STR && segv.kind != CBEC_LV_NUM) {
            *found = false;
            return true;
        }
        if (!to_str(x, &segv, &s, &len) || !step(x, &cur, s, len, &next, found))
            return false;
        if (!*found)
            return true;
        cur = next;
    }
    *found = true;
    *out = cur;
    return true;
}

static NOINLINE bool op_throw(ectx *x, const lnode *n, const cbec_lval *data)
{
    cbec_lval v, t;
    bool found = false;
    if (!ev(x, n->args[0], data, &v))
        return false;
    if (is_object(&v) && !step(x, &v, "type", 4, &t, &found))
        return false;
    const cbec_lval *name = v.kind == CBEC_LV_STR ? &v : found && t.kind == CBEC_LV_STR ? &t : NULL;
    if (!name)
        return efail(x, "Unknown", "规则抛出错误", "the rule threw an error");
    efail(x, "", "规则抛出错误", "the rule threw \"%.*s\"", (int)(name->u.str.len > 60 ? 60 : name->u.str.len),
          name->u.str.s);
    size_t k = name->u.str.len < sizeof x->e->type - 1 ? name->u.str.len : sizeof x->e->type - 1;
    if (k < name->u.str.len)
        while (k && ((unsigned char)name->u.str.s[k] & 0xC0) == 0x80)
            k--; /* never cut a UTF-8 sequence */
    memcpy(x->e->type, name->u.str.s, k);
    x->e->type[k] = '\0';
    return false;
}

static const char *const error_keys[] = {"type"};

/* try: the first argument that evaluates without error; each later one
 * sees the previous error as its data ({"type": ...}).  Limits are never
 * caught. */
static NOINLINE bool try_rest(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

static NOINLINE bool op_try(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    if (n->nargs == 0) {
        *out = LV_NULL_V;
        return true;
    }
    /* the first argument, that usually succeeds */
    if (ev(x, n->args[0], data, out))
        return true;
    return try_rest(x, n, data, out);
}

/* try after its first argument failed (with the error in x->e). */
static NOINLINE bool try_rest(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const cbec_lval *scope = data;
    for (uint32_t i = 0; i < n->nargs; i++) {
        bool ok = false;
        if (i > 0) {
            if (!enter_item(x, i - 1, scope))
                return false;
            ok = ev(x, n->args[i], scope, out);
            x->nscopes -= 2;
        }
        if (ok)
            return true;
        if (x->e->fatal || i + 1 == n->nargs)
            return false;
        size_t tl = strlen(x->e->type);
        char *type = xalloc(x, tl + 1, 1);
        cbec_lval *item = xalloc(x, 1, sizeof *item);
        cbec_lval *sc = xalloc(x, 1, sizeof *sc);
        if (!type || !item || !sc)
            return false;
        memcpy(type, x->e->type, tl + 1);
        set_str(item, type, tl);
        memset(sc, 0, sizeof *sc);
        sc->kind = CBEC_LV_PAIRS;
        sc->n = 1;
        sc->u.items = item;
        sc->u.keys = error_keys;
        scope = sc;
    }
    return false;
}

/* A "var" that found nothing: its default, else null. */
static NOINLINE bool var_default(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    if (n->nargs > 1)
        return ev(x, n->args[1], data, out);
    *out = LV_NULL_V;
    return true;
}

/* "var" with a path known at compile time.  The paths of rules in packs
 * start at the rule's node, its item or the root: those walk the document
 * nodes here, everything else goes through resolve. */
static NOINLINE bool op_var_const(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const lpath *p = &n->path;
    const cbec_logic_env *env = x->env;
    const cbec_node *nd = NULL;
    bool found = false, ok;
    switch (p->wild ? SP_INDEX : p->sp) {
    case SP_NONE:
        if (p->whole) {
            /* "" or null: the data itself (the item of an iteration) */
            *out = *data;
            return true;
        }
        if (data->kind != CBEC_LV_NODE) {
            ok = resolve(x, p, data, out, &found, n->depth);
            goto done;
        }
        ok = walk_nodes(x, data->u.node, p, out, &found);
        goto done;
    case SP_VALUE: nd = env->value; break;
    case SP_ITEM: nd = env->nbound ? env->bound[env->nbound - 1] : NULL; break;
    case SP_PARENT: nd = env->value ? env->value->parent : NULL; break;
    case SP_ROOT:
        ok = walk_nodes(x, env->root, p, out, &found);
        goto done;
    default:
        ok = resolve(x, p, data, out, &found, n->depth);
        goto done;
    }
    ok = !nd || walk_nodes(x, nd, p, out, &found);
done:
    return ok && (found || var_default(x, n, data, out));
}

/* What node nd becomes as the value of a "var". */
static NOINLINE bool var_node(ectx *x, const cbec_node *nd, cbec_lval *out)
{
    return node_val(x, nd, out);
}

typedef enum { VL_NODE, VL_NOTHING, VL_NULL, VL_GENERIC, VL_FAIL } var_look;

/* The node a VAR_SPECIAL path names, with the costs op_var_const would
 * charge: VL_NODE (*nd), VL_NOTHING (not found: the default applies),
 * VL_NULL (the null root itself), VL_GENERIC (nothing charged: let
 * op_var_const do it), VL_FAIL (the operation limit). */
static inline var_look var_lookup(ectx *x, const lnode *n, const cbec_node **nd_out)
{
    const lpath *p = &n->path;
    const cbec_node *nd = x->start[p->sp];
    if (!nd) {
        if (p->sp == SP_ROOT)
            return p->nsegs ? VL_GENERIC : VL_NULL;
        return VL_NOTHING;
    }
    if (p->nsegs) {
        if (nd->kind != CBEC_NODE_OBJECT)
            return VL_GENERIC;
        if (--x->ops_left < 0) {
            ops_exhausted(x);
            return VL_FAIL;
        }
        if (!(nd = member_of(nd, p->segs->s, p->segs->len)))
            return VL_NOTHING;
    }
    *nd_out = nd;
    return VL_NODE;
}

/* VAR_SPECIAL without segments: $value, $item, $parent, $root. */
static NOINLINE bool var_start(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const cbec_node *nd = x->start[n->path.sp];
    if (!nd) {
        if (n->path.sp != SP_ROOT)
            return var_default(x, n, data, out);
        *out = LV_NULL_V;
        return true;
    }
    if (nd->kind == CBEC_NODE_STRING) {
        set_str(out, nd->text, nd->len);
        return true;
    }
    return var_node(x, nd, out);
}

/* VAR_SPECIAL with one segment ($item.quantity): a member of an object
 * found here, anything else as op_var_const does it. */
static NOINLINE bool var_member(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const cbec_node *nd = x->start[n->path.sp];
    if (!nd || nd->kind != CBEC_NODE_OBJECT) {
        if (!nd && n->path.sp != SP_ROOT)
            return var_default(x, n, data, out);
        return op_var_const(x, n, data, out);
    }
    if (--x->ops_left < 0)
        return ops_exhausted(x);
    const cbec_node *c = member_of(nd, n->path.segs->s, n->path.segs->len);
    if (!c)
        return var_default(x, n, data, out);
    if (c->kind != CBEC_NODE_STRING)
        return var_node(x, c, out);
    set_str(out, c->text, c->len);
    return true;
}

static bool ev_op(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

/* Evaluate one operation: its cost, its depth, then the operation.  Kept
 * small (literals and constant paths, the commonest, inline) because it
 * runs for every node of the rule. */
static bool ev(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    if (--x->ops_left < 0)
        return ops_exhausted(x);
    if (n->depth > x->max_depth)
        return elimit(x, "the evaluation nests too deep", "求值嵌套过深");
    return n->fn(x, n, data, out);
}

static bool ev_lit(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    (void)x;
    (void)data;
    *out = n->lit;
    return true;
}

/* "var" of "" or null: the data itself (the item of an iteration). */
static bool ev_data(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    (void)x;
    (void)n;
    *out = *data;
    return true;
}

static NOINLINE bool op_array(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval *items = xalloc(x, n->nargs, sizeof *items);
    if (!items)
        return false;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (!ev(x, n->args[i], data, &items[i]))
            return false;
    set_arr(out, items, n->nargs);
    return true;
}

/* "var" with a path computed at run time. */
static NOINLINE bool op_var(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    lpath dyn;
    const lpath *p = &n->path;
    bool usable = true, found = false;
    if (!n->has_path) {
        cbec_lval pv;
        if (!ev(x, n->args[0], data, &pv) || !value_path(x, &pv, &dyn, &usable))
            return false;
        p = &dyn;
    }
    if (usable && !resolve(x, p, data, out, &found, n->depth))
        return false;
    return found || var_default(x, n, data, out);
}

static NOINLINE bool op_if(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    uint32_t i = 0;
    *out = LV_NULL_V;
    for (; i + 1 < n->nargs; i += 2) {
        cbec_lval c;
        if (!ev(x, n->args[i], data, &c))
            return false;
        if (cbec__logic_truthy(&c))
            return ev(x, n->args[i + 1], data, out);
    }
    if (n->nargs & 1)
        return ev(x, n->args[n->nargs - 1], data, out);
    return true;
}

static NOINLINE bool op_not(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v = LV_NULL_V;
    if (n->nargs && !ev(x, n->args[0], data, &v))
        return false;
    set_bool(out, cbec__logic_truthy(&v) == (n->op == OP_NOTNOT));
    return true;
}

/* "and", "or": the first value that decides, else the last. */
static NOINLINE bool op_and_or(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    set_bool(out, false);
    for (uint32_t i = 0; i < n->nargs; i++) {
        if (!ev(x, n->args[i], data, out))
            return false;
        if (cbec__logic_truthy(out) == (n->op == OP_OR))
            break;
    }
    return true;
}

/* "log" never prints (the library is silent): it passes its value on. */
static NOINLINE bool op_log(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    *out = LV_NULL_V;
    return n->nargs ? ev(x, n->args[0], data, out) : true;
}

/* The number of fraction digits, or the value of one minor unit (0.01). */
static NOINLINE bool op_minor_units(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v;
    int units = 0;
    if (!ev(x, n->args[0], data, &v) || !currency_of(x, n, &v, &units))
        return false;
    cbec_dec d;
    cbec__dec_from_int(n->op == OP_MINOR_UNITS ? units : 1, &d);
    if (n->op == OP_CURRENCY_UNIT)
        d.exp = -units;
    set_num(out, &d);
    return true;
}

static NOINLINE bool op_in_codelist(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    cbec_lval v;
    const char *s;
    size_t len;
    if (!ev(x, n->args[0], data, &v))
        return false;
    if (v.kind == CBEC_LV_STR || v.kind == CBEC_LV_NUM) {
        if (!to_str(x, &v, &s, &len))
            return false;
        set_bool(out, cbec__codelist_has(n->list, s, len));
    } else {
        set_bool(out, false);
    }
    return true;
}

/* Would cbec__dec_parse(s, n, 0) accept the text: -digits[.digits], at
 * most 38 digits?  Up to 38 bytes the form alone decides. */
static inline __attribute__((always_inline)) bool plain_decimal(const char *s, size_t n)
{
    if (n > CBEC_DEC_MAX_DIGITS) {
        cbec_dec d;
        return parse_dec(s, n, 0, &d) == CBEC_DEC_OK;
    }
    size_t i = n && s[0] == '-', start = i;
    while (i < n && cbec__is_digit(s[i]))
        i++;
    if (i == start)
        return false;
    if (i < n && s[i] == '.') {
        size_t f = ++i;
        while (i < n && cbec__is_digit(s[i]))
            i++;
        if (i == f)
            return false;
    }
    return i == n;
}

/* is_decimal of a VAR_SPECIAL path: the var's evaluation (what ev would
 * charge and check) without making its value. */
static inline bool is_decimal_var(ectx *x, const lnode *a, const cbec_lval *data, bool *res)
{
    if (--x->ops_left < 0)
        return ops_exhausted(x);
    if (a->depth > x->max_depth)
        return elimit(x, "the evaluation nests too deep", "求值嵌套过深");
    const cbec_node *nd = NULL;
    cbec_lval v = LV_NULL_V;
    bool ok = true;
    switch (var_lookup(x, a, &nd)) {
    case VL_NODE:
        if (nd->kind == CBEC_NODE_STRING) {
            set_str(&v, nd->text, nd->len);
            break;
        }
        ok = var_node(x, nd, &v);
        break;
    case VL_NOTHING: ok = var_default(x, a, data, &v); break;
    case VL_NULL: break;
    case VL_GENERIC: ok = op_var_const(x, a, data, &v); break;
    default: ok = false; break;
    }
    *res = v.kind == CBEC_LV_NUM || (v.kind == CBEC_LV_STR && plain_decimal(v.u.str.s, v.u.str.len));
    return ok;
}

/* is_decimal of "" or null: of the item of an iteration.  What ev would
 * charge and check for the var, then the data itself. */
static NOINLINE bool is_decimal_data(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    if (--x->ops_left < 0)
        return ops_exhausted(x);
    if (n->args[0]->depth > x->max_depth)
        return elimit(x, "the evaluation nests too deep", "求值嵌套过深");
    set_bool(out, data->kind == CBEC_LV_NUM ||
                      (data->kind == CBEC_LV_STR && plain_decimal(data->u.str.s, data->u.str.len)));
    return true;
}

static NOINLINE bool op_is_decimal(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out);

/* is_decimal of $value, $item, $parent or $root, or of a member of one
 * (one segment): the node looked at in place; anything else as
 * op_is_decimal does it. */
static NOINLINE bool is_decimal_member(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const lnode *a = n->args[0];
    const cbec_node *nd = x->start[a->path.sp];
    size_t nsegs = a->path.nsegs;
    if (!nd || (nsegs && nd->kind != CBEC_NODE_OBJECT) || x->ops_left < 2 || a->depth > x->max_depth)
        return op_is_decimal(x, n, data, out);
    /* the var's evaluation and its segment */
    x->ops_left -= 1 + (long)nsegs;
    const cbec_node *c = nsegs ? member_of(nd, a->path.segs->s, a->path.segs->len) : nd;
    if (c && c->kind == CBEC_NODE_STRING) {
        set_bool(out, plain_decimal(c->text, c->len));
        return true;
    }
    if (c) {
        cbec_lval v;
        if (!var_node(x, c, &v))
            return false;
        set_bool(out, v.kind == CBEC_LV_NUM);
        return true;
    }
    cbec_lval v;
    if (!var_default(x, a, data, &v))
        return false;
    set_bool(out, v.kind == CBEC_LV_NUM || (v.kind == CBEC_LV_STR && plain_decimal(v.u.str.s, v.u.str.len)));
    return true;
}

/* A number, or a string in plain decimal notation: what "decimal" accepts. */
static NOINLINE bool op_is_decimal(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    const lnode *a = n->args[0];
    bool r = false;
    if (a->op == OP_VAR && a->var_fast == VAR_SPECIAL) {
        if (!is_decimal_var(x, a, data, &r))
            return false;
        set_bool(out, r);
        return true;
    }
    if (a->op == OP_VAR && a->var_fast == VAR_DATA)
        return is_decimal_data(x, n, data, out);
    cbec_lval v;
    if (!ev(x, a, data, &v))
        return false;
    set_bool(out, v.kind == CBEC_LV_NUM || (v.kind == CBEC_LV_STR && plain_decimal(v.u.str.s, v.u.str.len)));
    return true;
}

static NOINLINE bool op_val(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    bool found = false;
    if (!val_path(x, n, data, out, &found))
        return false;
    if (!found)
        *out = LV_NULL_V;
    return true;
}

/* No segment names no member: nothing to find. */
static NOINLINE bool op_exists(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    bool found = false;
    cbec_lval v;
    if (n->nargs && !val_path(x, n, data, &v, &found))
        return false;
    set_bool(out, found && n->nargs > 0);
    return true;
}

static NOINLINE bool op_coalesce(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    *out = LV_NULL_V;
    for (uint32_t i = 0; i < n->nargs; i++) {
        if (!ev(x, n->args[i], data, out))
            return false;
        if (out->kind != CBEC_LV_NULL)
            break;
    }
    return true;
}

/* Every operation but literals and constant paths: only tail calls, so
 * that it costs no frame of its own. */
static bool ev_op(ectx *x, const lnode *n, const cbec_lval *data, cbec_lval *out)
{
    switch ((op)n->op) {
    case OP_LIT:
    case OP_PRESERVE: *out = n->lit; return true;
    case OP_ARRAY: return op_array(x, n, data, out);
    case OP_VAR: return op_var(x, n, data, out);
    case OP_MISSING: return op_missing(x, n, data, out);
    case OP_MISSING_SOME: return op_missing_some(x, n, data, out);
    case OP_IF: return op_if(x, n, data, out);
    case OP_EQ: case OP_SEQ: case OP_NE: case OP_SNE: case OP_GT: case OP_GE: case OP_LT: case OP_LE:
        return op_compare(x, n, data, out);
    case OP_NOT: case OP_NOTNOT: return op_not(x, n, data, out);
    case OP_OR: case OP_AND: return op_and_or(x, n, data, out);
    case OP_MAX: case OP_MIN: case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
        return op_arith(x, n, data, out);
    case OP_MAP: case OP_FILTER: case OP_ALL: case OP_NONE: case OP_SOME:
        return op_iterate(x, n, data, out);
    case OP_REDUCE: return op_reduce(x, n, data, out);
    case OP_MERGE: return op_merge(x, n, data, out);
    case OP_IN: return op_in(x, n, data, out);
    case OP_CAT: return op_cat(x, n, data, out);
    case OP_SUBSTR: return op_substr(x, n, data, out);
    case OP_LOG: return op_log(x, n, data, out);
    case OP_SUM: case OP_COUNT: return op_sum_count(x, n, data, out);
    case OP_ROUND: case OP_CURRENCY_ROUND: return op_round(x, n, data, out);
    case OP_MINOR_UNITS: case OP_CURRENCY_UNIT: return op_minor_units(x, n, data, out);
    case OP_WITHIN: return op_within(x, n, data, out);
    case OP_IN_CODELIST: return op_in_codelist(x, n, data, out);
    case OP_DECIMAL: return op_decimal(x, n, data, out);
    case OP_IS_DECIMAL: return op_is_decimal(x, n, data, out);
    case OP_DATETIME: return op_datetime(x, n, data, out);
    case OP_TIME_EQ: case OP_TIME_LT: case OP_TIME_LE: case OP_TIME_GT: case OP_TIME_GE:
        return op_time_compare(x, n, data, out);
    case OP_SECONDS_BETWEEN: return op_seconds_between(x, n, data, out);
    case OP_VAL: return op_val(x, n, data, out);
    case OP_EXISTS: return op_exists(x, n, data, out);
    case OP_COALESCE: return op_coalesce(x, n, data, out);
    case OP_THROW: return op_throw(x, n, data);
    case OP_TRY: return op_try(x, n, data, out);
    }
    return true;
}

/* The function of an operation, so that evaluation calls it directly. */
static ev_fn op_fn(uint8_t code)
{
    switch ((op)code) {
    case OP_ARRAY: return op_array;
    case OP_MISSING: return op_missing;
    case OP_MISSING_SOME: return op_missing_some;
    case OP_IF: return op_if;
    case OP_EQ: case OP_SEQ: case OP_NE: case OP_SNE: case OP_GT: case OP_GE: case OP_LT: case OP_LE:
        return op_compare;
    case OP_NOT: case OP_NOTNOT: return op_not;
    case OP_OR: case OP_AND: return op_and_or;
    case OP_MAX: case OP_MIN: case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: return op_arith;
    case OP_MAP: case OP_FILTER: case OP_ALL: case OP_NONE: case OP_SOME: return op_iterate;
    case OP_REDUCE: return op_reduce;
    case OP_MERGE: return op_merge;
    case OP_IN: return op_in;
    case OP_CAT: return op_cat;
    case OP_SUBSTR: return op_substr;
    case OP_LOG: return op_log;
    case OP_SUM: case OP_COUNT: return op_sum_count;
    case OP_ROUND: case OP_CURRENCY_ROUND: return op_round;
    case OP_MINOR_UNITS: case OP_CURRENCY_UNIT: return op_minor_units;
    case OP_WITHIN: return op_within;
    case OP_IN_CODELIST: return op_in_codelist;
    case OP_DECIMAL: return op_decimal;
    case OP_IS_DECIMAL: return op_is_decimal;
    case OP_DATETIME: return op_datetime;
    case OP_TIME_EQ: case OP_TIME_LT: case OP_TIME_LE: case OP_TIME_GT: case OP_TIME_GE: return op_time_compare;
    case OP_SECONDS_BETWEEN: return op_seconds_between;
    case OP_VAL: return op_val;
    case OP_EXISTS: return op_exists;
    case OP_COALESCE: return op_coalesce;
    case OP_TRY: return op_try;
    default: return ev_op;
    }
}

bool cbec__logic_eval(const cbec_lexpr *xp, const cbec_logic_env *env, cbec_lval *out,
                      cbec_logic_error *e)
{
    /* efail fills the whole error; an empty one is all a success needs */
    e->type[0] = e->message[0] = e->zh[0] = '\0';
    e->fatal = false;
    ectx x;
    x.env = env;
    x.e = e;
    x.ops_left = env->limits.max_ops > (unsigned long)LONG_MAX ? LONG_MAX : (long)env->limits.max_ops;
    x.max_depth = env->limits.max_depth;
    x.bytes = 0;
    x.depth = 0;
    x.scopes = x.inline_scopes;
    x.nscopes = 0;
    x.capscopes = CBEC_ARRAY_LEN(x.inline_scopes);
    x.start[SP_ROOT] = env->root;
    x.start[SP_VALUE] = env->value;
    x.start[SP_ITEM] = env->nbound ? env->bound[env->nbound - 1] : NULL;
    x.start[SP_PARENT] = env->value ? env->value->parent : NULL;
    *out = LV_NULL_V;
    cbec_lval data;
    if (!node_val(&x, env->root, &data))
        return false;
    /* the root data is the first scope (there is room for it) */
    x.scopes[0].v = &data;
    x.scopes[0].index = 0;
    x.nscopes = 1;
    return ev(&x, xp->root, &data, out);
}

/* ---- output ---- */

static void node_json(const cbec_node *n, cbec_buf *b)
{
    switch (n->kind) {
    case CBEC_NODE_STRING:
        cbec__buf_addc(b, '"');
        cbec__buf_add_json_escaped(b, n->text, n->len);
        cbec__buf_addc(b, '"');
        return;
    case CBEC_NODE_OBJECT:
        cbec__buf_addc(b, '{');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            cbec__buf_addc(b, '"');
            cbec__buf_add_json_escaped(b, n->children[i].key, n->children[i].keylen);
            cbec__buf_add(b, "\":", 2);
            node_json(&n->children[i], b);
        }
        cbec__buf_addc(b, '}');
        return;
    case CBEC_NODE_ARRAY:
        cbec__buf_addc(b, '[');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            node_json(&n->children[i], b);
        }
        cbec__buf_addc(b, ']');
        return;
    case CBEC_NODE_NULL:
        cbec__buf_adds(b, "null");
        return;
    default:
        cbec__buf_add(b, n->text, n->len);
        return;
    }
}

void cbec__logic_to_json(const cbec_lval *v, cbec_buf *b)
{
    switch (v->kind) {
    case CBEC_LV_NULL: cbec__buf_adds(b, "null"); return;
    case CBEC_LV_BOOL: cbec__buf_adds(b, v->b ? "true" : "false"); return;
    case CBEC_LV_NUM: {
        char num[CBEC_DEC_STRLEN];
        cbec_dec d = num_of(v);
        size_t n = cbec__dec_format(&d, num);
        cbec__buf_add(b, num, n);
        return;
    }
    case CBEC_LV_STR:
        cbec__buf_addc(b, '"');
        cbec__buf_add_json_escaped(b, v->u.str.s, v->u.str.len);
        cbec__buf_addc(b, '"');
        return;
    case CBEC_LV_ARR:
        cbec__buf_addc(b, '[');
        for (uint32_t i = 0; i < v->n; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            cbec__logic_to_json(&v->u.items[i], b);
        }
        cbec__buf_addc(b, ']');
        return;
    case CBEC_LV_PAIRS:
        cbec__buf_addc(b, '{');
        for (uint32_t i = 0; i < v->n; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            cbec__buf_addc(b, '"');
            cbec__buf_add_json_escaped(b, v->u.keys[i], strlen(v->u.keys[i]));
            cbec__buf_add(b, "\":", 2);
            cbec__logic_to_json(&v->u.items[i], b);
        }
        cbec__buf_addc(b, '}');
        return;
    default:
        node_json(v->u.node, b);
        return;
    }
}

void cbec__logic_to_text(const cbec_lval *v, cbec_buf *b, size_t max_bytes)
{
    cbec_buf t;
    cbec__buf_init(&t);
    if (v->kind == CBEC_LV_STR)
        cbec__buf_add(&t, v->u.str.s, v->u.str.len);
    else
        cbec__logic_to_json(v, &t);
    if (t.len <= max_bytes) {
        cbec__buf_add(b, t.data, t.len);
    } else {
        size_t cut = max_bytes;
        while (cut && ((unsigned char)t.data[cut] & 0xC0) == 0x80)
            cut--;  /* never split a UTF-8 sequence */
        cbec__buf_add(b, t.data, cut);
        cbec__buf_adds(b, "...");
    }
    b->oom |= t.oom;
    cbec__buf_free(&t);
}

/* ---- equality with expected JSON ---- */

static bool node_node_equal(const cbec_node *a, const cbec_node *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case CBEC_NODE_NUMBER: {
        cbec_dec x, y;
        if (cbec__dec_parse(a->text, a->len, CBEC_DEC_ALLOW_EXPONENT, &x) != CBEC_DEC_OK ||
            cbec__dec_parse(b->text, b->len, CBEC_DEC_ALLOW_EXPONENT, &y) != CBEC_DEC_OK)
            return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
        return cbec__dec_cmp(&x, &y) == 0;
    }
    case CBEC_NODE_STRING:
    case CBEC_NODE_BOOL:
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case CBEC_NODE_ARRAY:
        if (a->count != b->count)
            return false;
        for (uint32_t i = 0; i < a->count; i++)
            if (!node_node_equal(&a->children[i], &b->children[i]))
                return false;
        return true;
    case CBEC_NODE_OBJECT:
        if (a->count != b->count)
            return false;
        for (uint32_t i = 0; i < b->count; i++) {
            const cbec_node *m = cbec__node_member(a, b->children[i].key, b->children[i].keylen);
            if (!m || !node_node_equal(m, &b->children[i]))
                return false;
        }
        return true;
    default:
        return true;
    }
}

bool cbec__logic_equals_node(const cbec_lval *v, const cbec_node *n)
{
    switch (v->kind) {
    case CBEC_LV_NULL: return n->kind == CBEC_NODE_NULL;
    case CBEC_LV_BOOL: return n->kind == CBEC_NODE_BOOL && (n->len == 4) == v->b;
    case CBEC_LV_NUM: {
        cbec_dec d, mine = num_of(v);
        return n->kind == CBEC_NODE_NUMBER &&
               cbec__dec_parse(n->text, n->len, CBEC_DEC_ALLOW_EXPONENT, &d) == CBEC_DEC_OK &&
               cbec__dec_cmp(&d, &mine) == 0;
    }
    case CBEC_LV_STR:
        return n->kind == CBEC_NODE_STRING && n->len == v->u.str.len && memcmp(n->text, v->u.str.s, n->len) == 0;
    case CBEC_LV_ARR:
        if (n->kind != CBEC_NODE_ARRAY || n->count != v->n)
            return false;
        for (uint32_t i = 0; i < v->n; i++)
            if (!cbec__logic_equals_node(&v->u.items[i], &n->children[i]))
                return false;
        return true;
    case CBEC_LV_PAIRS:
        if (n->kind != CBEC_NODE_OBJECT || n->count != v->n)
            return false;
        for (uint32_t i = 0; i < v->n; i++) {
            const cbec_node *m = cbec__node_member(n, v->u.keys[i], strlen(v->u.keys[i]));
            if (!m || !cbec__logic_equals_node(&v->u.items[i], m))
                return false;
        }
        return true;
    default:
        return node_node_equal(v->u.node, n);
    }
}

/* ---- ISO 4217 minor units ---- */

/* ISO 4217 (list one, 2024 edition): codes whose minor unit is not 2.
 * Every other well-formed code is taken to have 2 fraction digits.  The
 * letters are packed into one number (in code order, for a binary search). */
#define C3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
static const struct {
    uint32_t code;
    int8_t units;   /* -1: no minor unit ("N.A." in the standard) */
} minor_exceptions[] = {
    {C3('B', 'H', 'D'), 3}, {C3('B', 'I', 'F'), 0}, {C3('C', 'L', 'F'), 4}, {C3('C', 'L', 'P'), 0},
    {C3('D', 'J', 'F'), 0}, {C3('G', 'N', 'F'), 0}, {C3('I', 'Q', 'D'), 3}, {C3('I', 'S', 'K'), 0},
    {C3('J', 'O', 'D'), 3}, {C3('J', 'P', 'Y'), 0}, {C3('K', 'M', 'F'), 0}, {C3('K', 'R', 'W'), 0},
    {C3('K', 'W', 'D'), 3}, {C3('L', 'Y', 'D'), 3}, {C3('O', 'M', 'R'), 3}, {C3('P', 'Y', 'G'), 0},
    {C3('R', 'W', 'F'), 0}, {C3('T', 'N', 'D'), 3}, {C3('U', 'G', 'X'), 0}, {C3('U', 'Y', 'I'), 0},
    {C3('U', 'Y', 'W'), 4}, {C3('V', 'N', 'D'), 0}, {C3('V', 'U', 'V'), 0}, {C3('X', 'A', 'F'), 0},
    {C3('X', 'A', 'G'), -1}, {C3('X', 'A', 'U'), -1}, {C3('X', 'B', 'A'), -1}, {C3('X', 'B', 'B'), -1},
    {C3('X', 'B', 'C'), -1}, {C3('X', 'B', 'D'), -1}, {C3('X', 'D', 'R'), -1}, {C3('X', 'O', 'F'), 0},
    {C3('X', 'P', 'D'), -1}, {C3('X', 'P', 'F'), 0}, {C3('X', 'P', 'T'), -1}, {C3('X', 'S', 'U'), -1},
    {C3('X', 'T', 'S'), -1}, {C3('X', 'U', 'A'), -1}, {C3('X', 'X', 'X'), -1},
};

/* Where the codes of each first letter start in minor_exceptions ('A' to
 * 'Z', then the end): the search looks at one letter's few codes. */
static const uint8_t minor_first[27] = {0, 0, 2, 4, 5, 5, 5, 6, 6, 8, 10, 13, 14, 14, 14, 15, 16, 16, 17, 17, 18, 21, 23, 23, 39, 39, 39};

int cbec__currency_minor_units(const char *code, size_t len)
{
    if (len != 3 || !cbec__is_upper(code[0]) || !cbec__is_upper(code[1]) || !cbec__is_upper(code[2]))
        return -1;
    uint32_t want = C3((unsigned char)code[0], (unsigned char)code[1], (unsigned char)code[2]);
    size_t lo = minor_first[code[0] - 'A'], hi = minor_first[code[0] - 'A' + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (minor_exceptions[mid].code == want)
            return minor_exceptions[mid].units;
        if (minor_exceptions[mid].code < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 2;
}
