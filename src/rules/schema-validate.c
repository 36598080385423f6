/* schema-validate.c - validating an instance against a compiled JSON
 * Schema: every keyword of the applicator, unevaluated and validation
 * vocabularies, with exact numbers, annotation tracking for
 * unevaluatedProperties/unevaluatedItems, the dynamic scope of
 * $dynamicRef, and bounds on nesting and total work. */
#include "rules/schema-int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_DEPTH 1000
#define DEFAULT_MAX_STEPS 50000000UL
#define MAX_EXPONENT 1000000000000000LL

void cbec__u64_text(uint64_t v, char out[24])
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* ---- exact numbers ---- */

bool cbec__js_num_parse(const char *s, size_t n, js_num *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    if (i < n && s[i] == '-') {
        out->neg = true;
        i++;
    }
    size_t a = i;
    while (i < n && cbec__is_digit(s[i]))
        i++;
    if (i == a)
        return false;
    out->ip = s + a;
    out->il = (uint32_t)(i - a);
    if (i < n && s[i] == '.') {
        size_t f = ++i;
        while (i < n && cbec__is_digit(s[i]))
            i++;
        if (i == f)
            return false;
        out->fp = s + f;
        out->fl = (uint32_t)(i - f);
    } else {
        out->fp = s + i;
    }
    int64_t exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t d = i;
        while (i < n && cbec__is_digit(s[i])) {
            if (exp < MAX_EXPONENT)
                exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == d)
            return false;
        if (eneg)
            exp = -exp;
    }
    if (i != n || n - (size_t)(out->neg) > UINT32_MAX / 2)
        return false;
    uint32_t total = out->il + out->fl;
    uint32_t lz = 0;
    while (lz < total && (lz < out->il ? out->ip[lz] : out->fp[lz - out->il]) == '0')
        lz++;
    if (lz == total) {
        out->neg = false; /* -0 is 0 */
        return true;
    }
    uint32_t end = total;
    while ((end - 1 < out->il ? out->ip[end - 1] : out->fp[end - 1 - out->il]) == '0')
        end--;
    out->lz = lz;
    out->nsig = end - lz;
    out->e = exp - (int64_t)out->fl + (int64_t)(total - end);
    return true;
}

static int digit_at(const js_num *a, uint32_t k)
{
    uint32_t j = a->lz + k;
    return (j < a->il ? a->ip[j] : a->fp[j - a->il]) - '0';
}

static int cmp_abs(const js_num *a, const js_num *b)
{
    /* magnitude: the power of ten just above the leading digit */
    int64_t ma = a->e + a->nsig, mb = b->e + b->nsig;
    if (ma != mb)
        return ma < mb ? -1 : 1;
    uint32_t n = a->nsig > b->nsig ? a->nsig : b->nsig;
    for (uint32_t k = 0; k < n; k++) {
        int da = k < a->nsig ? digit_at(a, k) : 0, db = k < b->nsig ? digit_at(b, k) : 0;
        if (da != db)
            return da < db ? -1 : 1;
    }
    return 0;
}

int cbec__js_num_cmp(const js_num *a, const js_num *b)
{
    bool za = a->nsig == 0, zb = b->nsig == 0;
    if (za || zb) {
        if (za && zb)
            return 0;
        if (za)
            return b->neg ? 1 : -1;
        return a->neg ? -1 : 1;
    }
    if (a->neg != b->neg)
        return a->neg ? -1 : 1;
    int c = cmp_abs(a, b);
    return a->neg ? -c : c;
}

bool cbec__js_num_is_integer(const js_num *a) { return a->nsig == 0 || a->e >= 0; }

typedef unsigned __int128 u128;

static u128 addmod(u128 a, u128 b, u128 m)
{
    /* a, b < m < 2^127: the sum cannot overflow */
    u128 s = a + b;
    return s >= m ? s - m : s;
}

static u128 mulmod(u128 a, u128 b, u128 m)
{
    u128 r = 0;
    a %= m;
    while (b) {
        if (b & 1)
            r = addmod(r, a, m);
        a = addmod(a, a, m);
        b >>= 1;
    }
    return r;
}

static u128 powmod10(int64_t k, u128 m)
{
    u128 r = 1 % m, base = 10 % m;
    while (k > 0) {
        if (k & 1)
            r = mulmod(r, base, m);
        base = mulmod(base, base, m);
        k >>= 1;
    }
    return r;
}

/* a = A*10^ea is a multiple of m = M*10^em: exact for any size. */
static bool is_multiple(const js_num *a, const js_num *m, u128 mcoef)
{
    if (a->nsig == 0)
        return true;
    /* A ends in a non-zero digit: a power of ten more in m cannot divide it */
    if (a->e < m->e)
        return false;
    u128 r = 0;
    for (uint32_t k = 0; k < a->nsig; k++)
        r = addmod(mulmod(r, 10, mcoef), (u128)digit_at(a, k) % mcoef, mcoef);
    return mulmod(r, powmod10(a->e - m->e, mcoef), mcoef) == 0;
}

/* ---- instance values: equality and hashing ---- */

static bool num_of(const cbec_node *n, js_num *out) { return cbec__js_num_parse(n->text, n->len, out); }

static bool equal(const cbec_node *a, const cbec_node *b);

static int member_order(const void *x, const void *y)
{
    const cbec_node *a = *(const cbec_node *const *)x, *b = *(const cbec_node *const *)y;
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

/* Big objects are compared member by member in key order, so the work is
 * n log n rather than n^2 lookups. */
static bool equal_large_objects(const cbec_node *a, const cbec_node *b)
{
    const cbec_node **x = malloc(2 * (size_t)a->count * sizeof *x);
    if (!x)
        return false;
    const cbec_node **y = x + a->count;
    for (uint32_t i = 0; i < a->count; i++) {
        x[i] = &a->children[i];
        y[i] = &b->children[i];
    }
    qsort(x, a->count, sizeof *x, member_order);
    qsort(y, a->count, sizeof *y, member_order);
    bool same = true;
    for (uint32_t i = 0; i < a->count && same; i++)
        same = member_order(&x[i], &y[i]) == 0 && equal(x[i], y[i]);
    free(x);
    return same;
}

static bool equal(const cbec_node *a, const cbec_node *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case CBEC_NODE_NUMBER: {
        js_num x, y;
        if (num_of(a, &x) && num_of(b, &y))
            return cbec__js_num_cmp(&x, &y) == 0;
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    }
    case CBEC_NODE_ARRAY:
        if (a->count != b->count)
            return false;
        for (uint32_t i = 0; i < a->count; i++)
            if (!equal(&a->children[i], &b->children[i]))
                return false;
        return true;
    case CBEC_NODE_OBJECT:
        if (a->count != b->count)
            return false;
        if (a->count > 16)
            return equal_large_objects(a, b);
        for (uint32_t i = 0; i < a->count; i++) {
            const cbec_node *m = cbec__node_member(b, a->children[i].key, a->children[i].keylen);
            if (!m || !equal(&a->children[i], m))
                return false;
        }
        return true;
    default:
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    }
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* Equal values hash alike: numbers by their significant digits and
 * exponent, object members independently of their order. */
static uint64_t hash_value(const cbec_node *n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL * (uint64_t)(n->kind + 1);
    switch (n->kind) {
    case CBEC_NODE_NUMBER: {
        js_num x;
        if (!num_of(n, &x))
            return mix(h ^ cbec__hash(n->text, n->len));
        for (uint32_t k = 0; k < x.nsig; k++)
            h = h * 31 + (uint64_t)digit_at(&x, k);
        return mix(h ^ (uint64_t)x.e ^ (x.neg ? 0x5555 : 0));
    }
    case CBEC_NODE_ARRAY:
        for (uint32_t i = 0; i < n->count; i++)
            h = mix(h * 31 + hash_value(&n->children[i]));
        return h;
    case CBEC_NODE_OBJECT: {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < n->count; i++)
            sum += mix(cbec__hash(n->children[i].key, n->children[i].keylen) * 31 + hash_value(&n->children[i]));
        return mix(h ^ sum);
    }
    default:
        return mix(h ^ cbec__hash(n->text, n->len));
    }
}

typedef struct hashed {
    uint64_t h;
    uint32_t i;
} hashed;

static int hashed_order(const void *a, const void *b)
{
    const hashed *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* ---- the evaluation ---- */

typedef struct js_scope {
    const js_res *res;
    const struct js_scope *up;
} js_scope;

/* Which children of one instance (members or items) some keyword evaluated. */
typedef struct js_ev {
    uint64_t *bits;
    uint32_t n;
} js_ev;

typedef struct js_vc {
    const cbec_schema_run *run;
    unsigned depth, max_depth;
    unsigned long steps, max_steps;
    bool stop;               /* a bound was hit: the verdict is "invalid" */
    cbec_schema_fail why_stop;
    unsigned silent;         /* > 0 inside anyOf/oneOf/not/if/contains/propertyNames */
    cbec_arena arena;        /* annotation sets */
    cbec_buf loc;
    bool oom;
} js_vc;

static void report(js_vc *vc, cbec_schema_fail code, const cbec_node *at, const js_node *j, const char *kw,
                   const char *extra, const char *expected, size_t explen)
{
    if (vc->silent || vc->stop || !vc->run->sink)
        return;
    cbec__buf_reset(&vc->loc);
    /* the root's location is the empty pointer: shown as "#" */
    cbec__buf_adds(&vc->loc, *j->loc || kw || extra ? j->loc : "#");
    if (kw) {
        cbec__buf_addc(&vc->loc, '/');
        cbec__buf_adds(&vc->loc, kw);
    }
    if (extra) {
        cbec__buf_addc(&vc->loc, '/');
        cbec__buf_add_pointer_token(&vc->loc, extra, strlen(extra));
    }
    size_t loclen = vc->loc.len;
    cbec__buf_addc(&vc->loc, '\0');
    cbec__buf_add(&vc->loc, expected ? expected : "", expected ? explen : 0);
    cbec__buf_addc(&vc->loc, '\0');
    if (vc->loc.oom) {
        vc->oom = true;
        return;
    }
    cbec_schema_failure f = {code, at, vc->loc.data, vc->loc.data + loclen + 1};
    vc->run->sink(vc->run->ud, &f);
}

static void reports(js_vc *vc, cbec_schema_fail code, const cbec_node *at, const js_node *j, const char *kw,
                    const char *expected)
{
    report(vc, code, at, j, kw, NULL, expected, expected ? strlen(expected) : 0);
}

static js_ev *ev_new(js_vc *vc, const cbec_node *inst)
{
    js_ev *e = cbec__arena_calloc(&vc->arena, 1, sizeof *e);
    if (!e) {
        vc->oom = true;
        return NULL;
    }
    e->n = inst->count;
    if (e->n && !(e->bits = cbec__arena_calloc(&vc->arena, (e->n + 63) / 64, sizeof *e->bits))) {
        vc->oom = true;
        return NULL;
    }
    return e;
}

static void ev_set(js_ev *e, uint32_t i)
{
    if (e && i < e->n)
        e->bits[i / 64] |= 1ULL << (i % 64);
}
static bool ev_get(const js_ev *e, uint32_t i) { return e && i < e->n && (e->bits[i / 64] >> (i % 64)) & 1; }
static void ev_merge(js_ev *into, const js_ev *from)
{
    if (!into || !from)
        return;
    for (uint32_t i = 0; i < (into->n + 63) / 64; i++)
        into->bits[i] |= from->bits[i];
}
static void ev_all(js_ev *e)
{
    if (e)
        for (uint32_t i = 0; i < e->n; i++)
            ev_set(e, i);
}

static bool eval(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *ev);

/* A temporary set for a subschema whose annotations count only if it passes. */
static js_ev *ev_temp(js_vc *vc, const js_ev *parent, const cbec_node *inst)
{
    return parent ? ev_new(vc, inst) : NULL;
}

static bool silent_eval(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *ev)
{
    vc->silent++;
    bool ok = eval(vc, j, inst, scope, ev);
    vc->silent--;
    return ok;
}

/* Code points: the bytes that are not continuation bytes (10xxxxxx),
 * counted eight at a time (a byte's bit 6 shifted left lands on its own
 * bit 7; the product gathers the count in the top byte). */
static const js_node *dynamic_target(const js_node *j, const js_scope *scope)
{
    if (!j->dyn_name)
        return j->dyn_ref;
    /* the outermost resource in the dynamic scope with that $dynamicAnchor */
    const js_node *found = NULL;
    for (const js_scope *s = scope; s; s = s->up)
        for (size_t i = 0; s->res && i < s->res->ndyn; i++)
            if (strcmp(s->res->dyn_names[i], j->dyn_name) == 0)
                found = s->res->dyn_nodes[i];
    return found ? found : j->dyn_ref;
}

static bool regex_search(js_vc *vc, const cbec_regex *re, const char *s, size_t n, int *rc)
{
    *rc = cbec__regex_match(re, vc->run->regex, s, n);
    if (*rc == -3)
        vc->oom = true;
    return *rc == 1;
}

/* The keywords for numbers. */
static bool eval_number(js_vc *vc, const js_node *j, const cbec_node *inst)
{
    js_num x;
    if (!num_of(inst, &x))
        return true; /* the reader only makes valid JSON numbers */
    bool ok = true;
    const char *t = NULL;
    if ((j->has & JS_HAS_MIN) && cbec__js_num_cmp(&x, &j->min) < 0) {
        t = cbec__node_member(j->src, "minimum", 7)->text;
        reports(vc, CBEC_SF_MINIMUM, inst, j, "minimum", t);
        ok = false;
    }
    if ((j->has & JS_HAS_MAX) && cbec__js_num_cmp(&x, &j->max) > 0) {
        t = cbec__node_member(j->src, "maximum", 7)->text;
        reports(vc, CBEC_SF_MAXIMUM, inst, j, "maximum", t);
        ok = false;
    }
    if ((j->has & JS_HAS_XMIN) && cbec__js_num_cmp(&x, &j->xmin) <= 0) {
        t = cbec__node_member(j->src, "exclusiveMinimum", 16)->text;
        reports(vc, CBEC_SF_XMINIMUM, inst, j, "exclusiveMinimum", t);
        ok = false;
    }
    if ((j->has & JS_HAS_XMAX) && cbec__js_num_cmp(&x, &j->xmax) >= 0) {
        t = cbec__node_member(j->src, "exclusiveMaximum", 16)->text;
        reports(vc, CBEC_SF_XMAXIMUM, inst, j, "exclusiveMaximum", t);
        ok = false;
    }
    if ((j->has & JS_HAS_MULT) && !is_multiple(&x, &j->mult, j->mult_coef)) {
        t = cbec__node_member(j->src, "multipleOf", 10)->text;
        reports(vc, CBEC_SF_MULTIPLE_OF, inst, j, "multipleOf", t);
        ok = false;
    }
    return ok;
}

static bool eval_string(js_vc *vc, const js_node *j, const cbec_node *inst)
{
    bool ok = true;
    char num[24];
    /* no more code points than bytes: a short string is within a maximum
     * without counting */
    if ((j->has & (JS_HAS_MINLEN | JS_HAS_MAXLEN)) &&
        ((j->has & JS_HAS_MINLEN) || (uint64_t)inst->len > j->maxlen)) {
        size_t len = cbec__utf8_count(inst->text, inst->len);
        if ((j->has & JS_HAS_MINLEN) && len < j->minlen) {
            cbec__u64_text(j->minlen, num);
            reports(vc, CBEC_SF_MIN_LENGTH, inst, j, "minLength", num);
            ok = false;
        }
        if ((j->has & JS_HAS_MAXLEN) && len > j->maxlen) {
            cbec__u64_text(j->maxlen, num);
            reports(vc, CBEC_SF_MAX_LENGTH, inst, j, "maxLength", num);
            ok = false;
        }
    }
    if (j->pattern) {
        int rc;
        if (!regex_search(vc, j->pattern, inst->text, inst->len, &rc)) {
            reports(vc, rc == 0 ? CBEC_SF_PATTERN : CBEC_SF_REGEX_LIMIT, inst, j, "pattern", j->pattern_src);
            ok = false;
        }
    }
    if ((j->has & JS_HAS_FORMAT) && j->format_assert && !cbec__schema_format_check(j->format, inst->text, inst->len)) {
        reports(vc, CBEC_SF_FORMAT, inst, j, "format", j->format_name);
        ok = false;
    }
    return ok;
}

static bool eval_unique(js_vc *vc, const js_node *j, const cbec_node *inst)
{
    if (inst->count < 2)
        return true;
    hashed *h = malloc(inst->count * sizeof *h);
    if (!h) {
        vc->oom = true;
        return false;
    }
    for (uint32_t i = 0; i < inst->count; i++) {
        h[i].h = hash_value(&inst->children[i]);
        h[i].i = i;
    }
    qsort(h, inst->count, sizeof *h, hashed_order);
    bool ok = true;
    for (uint32_t a = 0; a < inst->count && ok; a++)
        for (uint32_t b = a + 1; b < inst->count && h[b].h == h[a].h && ok; b++)
            if (equal(&inst->children[h[a].i], &inst->children[h[b].i])) {
                char txt[48];
                uint32_t x = h[a].i < h[b].i ? h[a].i : h[b].i, y = h[a].i < h[b].i ? h[b].i : h[a].i;
                cbec__u64_text(x, txt);
                size_t l = strlen(txt);
                memcpy(txt + l, ", ", 2);
                cbec__u64_text(y, txt + l + 2);
                reports(vc, CBEC_SF_UNIQUE_ITEMS, inst, j, "uniqueItems", txt);
                ok = false;
            }
    free(h);
    return ok;
}

static bool eval_array(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *L)
{
    bool ok = true;
    char num[24];
    if ((j->has & JS_HAS_MINITEMS) && inst->count < j->minitems) {
        cbec__u64_text(j->minitems, num);
        reports(vc, CBEC_SF_MIN_ITEMS, inst, j, "minItems", num);
        ok = false;
    }
    if ((j->has & JS_HAS_MAXITEMS) && inst->count > j->maxitems) {
        cbec__u64_text(j->maxitems, num);
        reports(vc, CBEC_SF_MAX_ITEMS, inst, j, "maxItems", num);
        ok = false;
    }
    if ((j->has & JS_HAS_UNIQUE) && !eval_unique(vc, j, inst))
        ok = false;
    if (!ok && vc->silent)
        return false;
    size_t np = j->prefix.count;
    for (uint32_t i = 0; i < inst->count && i < np; i++) {
        if (!eval(vc, j->prefix.items[i], &inst->children[i], scope, NULL)) {
            ok = false;
            if (vc->silent)
                return false;
        }
        ev_set(L, i);
    }
    if (j->items) {
        const char *kw = j->draft == CBEC_SCHEMA_DRAFT7 && j->prefix.items ? "additionalItems" : "items";
        for (uint32_t i = (uint32_t)np; i < inst->count; i++) {
            bool r;
            if (j->items->is_bool && !j->items->bool_value) {
                cbec__u64_text(i, num);
                reports(vc, CBEC_SF_ITEM_NOT_ALLOWED, &inst->children[i], j, kw, num);
                r = false;
            } else {
                r = eval(vc, j->items, &inst->children[i], scope, NULL);
            }
            if (!r) {
                ok = false;
                if (vc->silent)
                    return false;
            }
            ev_set(L, i);
        }
    }
    if (j->contains) {
        uint64_t matches = 0;
        for (uint32_t i = 0; i < inst->count; i++)
            if (silent_eval(vc, j->contains, &inst->children[i], scope, NULL)) {
                matches++;
                ev_set(L, i);
            }
        uint64_t min = j->has & JS_HAS_MINCONTAINS ? j->mincontains : 1;
        if (matches < min) {
            if (j->has & JS_HAS_MINCONTAINS) {
                cbec__u64_text(min, num);
                reports(vc, CBEC_SF_MIN_CONTAINS, inst, j, "minContains", num);
            } else {
                reports(vc, CBEC_SF_CONTAINS, inst, j, "contains", "");
            }
            ok = false;
        }
        if ((j->has & JS_HAS_MAXCONTAINS) && matches > j->maxcontains) {
            cbec__u64_text(j->maxcontains, num);
            reports(vc, CBEC_SF_MAX_CONTAINS, inst, j, "maxContains", num);
            ok = false;
        }
    }
    return ok;
}

/* A bit for a name, from its length and first byte: a member whose bit
 * is not among those of the property names is none of them. */
static uint64_t name_bit(const char *key, size_t len)
{
    return 1ULL << ((len * 7 + (len ? (unsigned char)key[0] : 0)) & 63);
}

/* The properties entry for a member name; names_bits (0: unknown) are
 * the name_bit of every property name, to skip the scan for most members
 * that are not listed. */
static const js_prop *find_prop(const js_node *j, const char *key, size_t len, uint64_t names_bits)
{
    if (j->prop_map.count) {
        const cbec_strmap_entry *e = cbec__strmap_get(&j->prop_map, key, len);
        return e ? e->value : NULL;
    }
    if (names_bits && !(names_bits & name_bit(key, len)))
        return NULL;
    for (size_t i = 0; i < j->nprops; i++)
        if (j->props[i].len == len && memcmp(j->props[i].name, key, len) == 0)
            return &j->props[i];
    return NULL;
}

static bool eval_object(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *L)
{
    bool ok = true;
    char num[24];
    /* many names against a big object: look them up in a map of its keys */
    cbec_strmap keys;
    bool big = j->nrequired > 8 && inst->count > 32, mapped = false;
    if (big) {
        cbec__strmap_init(&keys);
        mapped = true;
        for (uint32_t i = 0; i < inst->count && mapped; i++)
            mapped = cbec__strmap_put(&keys, inst->children[i].key, inst->children[i].keylen, (void *)&inst->children[i], NULL);
    }
    for (size_t i = 0; i < j->nrequired; i++) {
        const cbec_node *r = j->required[i];
        bool present = mapped ? cbec__strmap_get(&keys, r->text, r->len) != NULL : cbec__node_member(inst, r->text, r->len) != NULL;
        if (!present) {
            report(vc, CBEC_SF_REQUIRED, inst, j, "required", NULL, r->text, r->len);
            ok = false;
            if (vc->silent)
                break;
        }
    }
    if (big)
        cbec__strmap_free(&keys);
    if (!ok && vc->silent)
        return false;
    if ((j->has & JS_HAS_MINPROPS) && inst->count < j->minprops) {
        cbec__u64_text(j->minprops, num);
        reports(vc, CBEC_SF_MIN_PROPERTIES, inst, j, "minProperties", num);
        ok = false;
    }
    if ((j->has & JS_HAS_MAXPROPS) && inst->count > j->maxprops) {
        cbec__u64_text(j->maxprops, num);
        reports(vc, CBEC_SF_MAX_PROPERTIES, inst, j, "maxProperties", num);
        ok = false;
    }
    for (size_t d = 0; d < j->ndep_required; d++) {
        const js_dep *dep = &j->dep_required[d];
        if (!cbec__node_member(inst, dep->name, dep->len))
            continue;
        for (uint32_t k = 0; k < dep->names->count; k++) {
            const cbec_node *r = &dep->names->children[k];
            if (!cbec__node_member(inst, r->text, r->len)) {
                const char *kw = j->draft == CBEC_SCHEMA_DRAFT7 ? "dependencies" : "dependentRequired";
                char *name = cbec__strndup(dep->name, dep->len);
                if (!name) {
                    vc->oom = true;
                    return false;
                }
                report(vc, CBEC_SF_DEPENDENT_REQUIRED, inst, j, kw, name, r->text, r->len);
                free(name);
                ok = false;
            }
        }
    }
    if (!ok && vc->silent)
        return false;
    if (j->nprops || j->npats || j->additional_props) {
        /* a few property names against several members: a filter of the
         * names first */
        uint64_t names_bits = 0;
        if (j->nprops && !j->prop_map.count && inst->count > 2)
            for (size_t k = 0; k < j->nprops; k++)
                names_bits |= name_bit(j->props[k].name, j->props[k].len);
        for (uint32_t i = 0; i < inst->count; i++) {
            const cbec_node *m = &inst->children[i];
            bool matched = false;
            const js_prop *p = j->nprops ? find_prop(j, m->key, m->keylen, names_bits) : NULL;
            if (p) {
                matched = true;
                if (p->schema->is_bool && !p->schema->bool_value) {
                    report(vc, CBEC_SF_PROPERTY_NOT_ALLOWED, m, j, "properties", p->name, m->key, m->keylen);
                    ok = false;
                } else if (!eval(vc, p->schema, m, scope, NULL)) {
                    ok = false;
                }
                ev_set(L, i);
            }
            for (size_t k = 0; k < j->npats; k++) {
                int rc;
                if (regex_search(vc, j->pats[k].re, m->key, m->keylen, &rc)) {
                    matched = true;
                    if (!eval(vc, j->pats[k].schema, m, scope, NULL))
                        ok = false;
                    ev_set(L, i);
                } else if (rc != 0) {
                    report(vc, CBEC_SF_REGEX_LIMIT, m, j, "patternProperties", j->pats[k].src, j->pats[k].src,
                           strlen(j->pats[k].src));
                    ok = false;
                }
            }
            if (!matched && j->additional_props) {
                if (j->additional_props->is_bool && !j->additional_props->bool_value) {
                    report(vc, CBEC_SF_PROPERTY_NOT_ALLOWED, m, j, "additionalProperties", NULL, m->key, m->keylen);
                    ok = false;
                } else if (!eval(vc, j->additional_props, m, scope, NULL)) {
                    ok = false;
                }
                ev_set(L, i);
            }
            if (!ok && vc->silent)
                return false;
        }
    }
    if (j->property_names) {
        /* each name as a string instance; evaluation only reads it */
        cbec_node key;
        memset(&key, 0, sizeof key);
        key.kind = CBEC_NODE_STRING;
        for (uint32_t i = 0; i < inst->count; i++) {
            const cbec_node *m = &inst->children[i];
            key.text = m->key;
            key.len = m->keylen;
            if (!silent_eval(vc, j->property_names, &key, scope, NULL)) {
                report(vc, CBEC_SF_PROPERTY_NAME, m, j, "propertyNames", NULL, m->key, m->keylen);
                ok = false;
                if (vc->silent)
                    return false;
            }
        }
    }
    for (size_t d = 0; d < j->ndep_schemas; d++) {
        const js_dep *dep = &j->dep_schemas[d];
        if (cbec__node_member(inst, dep->name, dep->len) && !eval(vc, dep->schema, inst, scope, L)) {
            ok = false;
            if (vc->silent)
                return false;
        }
    }
    return ok;
}

static bool type_ok(const js_node *j, const cbec_node *inst)
{
    if (j->types & (1u << inst->kind))
        return true;
    if ((j->types & JS_T_INTEGER) && inst->kind == CBEC_NODE_NUMBER) {
        js_num x;
        return num_of(inst, &x) && cbec__js_num_is_integer(&x);
    }
    return false;
}

static bool eval_applicators(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *L)
{
    /* most subschemas have none: one test for all five */
    if (!(j->all_of.count | j->any_of.count | j->one_of.count | (uintptr_t)j->not_ | (uintptr_t)j->if_))
        return true;
    bool ok = true;
    for (size_t i = 0; i < j->all_of.count; i++)
        if (!eval(vc, j->all_of.items[i], inst, scope, L)) {
            ok = false;
            if (vc->silent)
                return false;
        }
    if (j->any_of.count) {
        bool any = false;
        for (size_t i = 0; i < j->any_of.count; i++) {
            js_ev *t = ev_temp(vc, L, inst);
            if (silent_eval(vc, j->any_of.items[i], inst, scope, t)) {
                any = true;
                ev_merge(L, t);
                if (!L)
                    break; /* no annotations wanted: one match decides */
            }
        }
        if (!any) {
            reports(vc, CBEC_SF_ANY_OF, inst, j, "anyOf", "");
            ok = false;
            if (vc->silent)
                return false;
        }
    }
    if (j->one_of.count) {
        size_t passed = 0, first = 0, second = 0;
        for (size_t i = 0; i < j->one_of.count && passed < 2; i++) {
            js_ev *t = ev_temp(vc, L, inst);
            if (silent_eval(vc, j->one_of.items[i], inst, scope, t)) {
                if (passed++ == 0) {
                    first = i;
                    ev_merge(L, t);
                } else {
                    second = i;
                }
            }
        }
        if (passed != 1) {
            char txt[48] = "";
            if (passed > 1) {
                cbec__u64_text(first, txt);
                size_t l = strlen(txt);
                memcpy(txt + l, ", ", 2);
                cbec__u64_text(second, txt + l + 2);
            }
            reports(vc, passed ? CBEC_SF_ONE_OF_MANY : CBEC_SF_ONE_OF_NONE, inst, j, "oneOf", txt);
            ok = false;
            if (vc->silent)
                return false;
        }
    }
    if (j->not_ && silent_eval(vc, j->not_, inst, scope, NULL)) {
        reports(vc, CBEC_SF_NOT, inst, j, "not", "");
        ok = false;
        if (vc->silent)
            return false;
    }
    if (j->if_) {
        js_ev *t = ev_temp(vc, L, inst);
        if (silent_eval(vc, j->if_, inst, scope, t)) {
            ev_merge(L, t);
            if (j->then_ && !eval(vc, j->then_, inst, scope, L))
                ok = false;
        } else if (j->else_ && !eval(vc, j->else_, inst, scope, L)) {
            ok = false;
        }
    }
    return ok;
}

static bool eval_unevaluated(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *L)
{
    bool ok = true;
    char num[24];
    if (inst->kind == CBEC_NODE_OBJECT && j->unevaluated_props) {
        const js_node *u = j->unevaluated_props;
        for (uint32_t i = 0; i < inst->count; i++) {
            if (ev_get(L, i))
                continue;
            const cbec_node *m = &inst->children[i];
            if (u->is_bool && !u->bool_value) {
                report(vc, CBEC_SF_PROPERTY_NOT_ALLOWED, m, j, "unevaluatedProperties", NULL, m->key, m->keylen);
                ok = false;
            } else if (!eval(vc, u, m, scope, NULL)) {
                ok = false;
            }
            if (!ok && vc->silent)
                return false;
        }
        ev_all(L);
    }
    if (inst->kind == CBEC_NODE_ARRAY && j->unevaluated_items) {
        const js_node *u = j->unevaluated_items;
        for (uint32_t i = 0; i < inst->count; i++) {
            if (ev_get(L, i))
                continue;
            if (u->is_bool && !u->bool_value) {
                cbec__u64_text(i, num);
                reports(vc, CBEC_SF_ITEM_NOT_ALLOWED, &inst->children[i], j, "unevaluatedItems", num);
                ok = false;
            } else if (!eval(vc, u, &inst->children[i], scope, NULL)) {
                ok = false;
            }
            if (!ok && vc->silent)
                return false;
        }
        ev_all(L);
    }
    return ok;
}

static bool eval(js_vc *vc, const js_node *j, const cbec_node *inst, const js_scope *scope, js_ev *ev)
{
    if (vc->stop || vc->oom)
        return false;
    if (++vc->steps > vc->max_steps) {
        vc->stop = true;
        vc->why_stop = CBEC_SF_BUDGET;
        return false;
    }
    if (j->is_bool) {
        if (!j->bool_value)
            reports(vc, CBEC_SF_FALSE, inst, j, NULL, "");
        return j->bool_value;
    }
    if (vc->depth >= vc->max_depth) {
        vc->stop = true;
        vc->why_stop = CBEC_SF_DEPTH;
        return false;
    }
    vc->depth++;
    js_scope here = {j->res, scope};
    const js_scope *sc = scope && scope->res == j->res ? scope : &here;
    /* a schema with unevaluated* sees only its own and its in-place
     * subschemas' annotations, then passes them up when it succeeds */
    js_ev *L = ev;
    bool container = inst->kind == CBEC_NODE_OBJECT || inst->kind == CBEC_NODE_ARRAY;
    if (j->tracks && container)
        L = ev_new(vc, inst);
    if (!container)
        L = NULL;
    bool ok = true;
    if (j->ref && !eval(vc, j->ref, inst, sc, L))
        ok = false;
    if (j->dyn_ref && (ok || !vc->silent) && !eval(vc, dynamic_target(j, sc), inst, sc, L))
        ok = false;
    if (!ok && vc->silent)
        goto done;
    if ((j->has & JS_HAS_TYPE) && !type_ok(j, inst)) {
        reports(vc, CBEC_SF_TYPE, inst, j, "type", j->types_text);
        ok = false;
        if (vc->silent)
            goto done;
    }
    if (j->has & JS_HAS_CONST) {
        if (!equal(inst, j->const_v)) {
            cbec_buf b;
            cbec__buf_init(&b);
            cbec__node_canonical(j->const_v, &b);
            report(vc, CBEC_SF_CONST, inst, j, "const", NULL, cbec__buf_cstr(&b), b.len > 200 ? 200 : b.len);
            cbec__buf_free(&b);
            ok = false;
            if (vc->silent)
                goto done;
        }
    }
    if (j->has & JS_HAS_ENUM) {
        bool found = false;
        for (uint32_t i = 0; i < j->enum_v->count && !found; i++)
            found = equal(inst, &j->enum_v->children[i]);
        if (!found) {
            cbec_buf b;
            cbec__buf_init(&b);
            cbec__node_canonical(j->enum_v, &b);
            report(vc, CBEC_SF_ENUM, inst, j, "enum", NULL, cbec__buf_cstr(&b), b.len > 300 ? 300 : b.len);
            cbec__buf_free(&b);
            ok = false;
            if (vc->silent)
                goto done;
        }
    }
    switch (inst->kind) {
    case CBEC_NODE_NUMBER:
        if ((j->has & (JS_HAS_MIN | JS_HAS_MAX | JS_HAS_XMIN | JS_HAS_XMAX | JS_HAS_MULT)) && !eval_number(vc, j, inst))
            ok = false;
        break;
    case CBEC_NODE_STRING:
        if (!eval_string(vc, j, inst))
            ok = false;
        break;
    case CBEC_NODE_ARRAY:
        if (!eval_array(vc, j, inst, sc, L))
            ok = false;
        break;
    case CBEC_NODE_OBJECT:
        if (!eval_object(vc, j, inst, sc, L))
            ok = false;
        break;
    default:
        break;
    }
    if (!ok && vc->silent)
        goto done;
    if (!eval_applicators(vc, j, inst, sc, L))
        ok = false;
    if (!ok && vc->silent)
        goto done;
    if (j->tracks && container && !eval_unevaluated(vc, j, inst, sc, L))
        ok = false;
    if (ok && j->tracks && container && ev)
        ev_merge(ev, L);
done:
    vc->depth--;
    return ok && !vc->stop && !vc->oom;
}

bool cbec__schema_validate(const cbec_schema *s, const cbec_node *instance, const cbec_schema_run *run)
{
    js_vc vc;
    memset(&vc, 0, sizeof vc);
    vc.run = run;
    vc.max_depth = run->max_depth ? run->max_depth : DEFAULT_MAX_DEPTH;
    vc.max_steps = run->max_steps ? run->max_steps : DEFAULT_MAX_STEPS;
    cbec__arena_init(&vc.arena);
    cbec__buf_init(&vc.loc);
    bool ok = eval(&vc, s->root, instance, NULL, NULL);
    if (vc.stop && run->sink) {
        /* say why nothing more was checked, once, at the instance */
        vc.stop = false;
        vc.silent = 0;
        char num[24];
        cbec__u64_text(vc.why_stop == CBEC_SF_DEPTH ? vc.max_depth : vc.max_steps, num);
        reports(&vc, vc.why_stop, instance, s->root, NULL, num);
        vc.stop = true;
    }
    cbec__arena_free(&vc.arena);
    cbec__buf_free(&vc.loc);
    return ok && !vc.stop && !vc.oom;
}
