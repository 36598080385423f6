/* edidef.c - EDI message definitions: compiling a definition file (data
 * element, composite and segment dictionaries and the segment table with
 * groups), matching a message's segments against the segment table the
 * way the directories read it, and checking each segment's data elements:
 * status, data type, length, code lists, repetitions and syntax notes. */
#include "rules/edidef.h"
#include "pack/compile.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_MAX_BYTES (8u << 20)
#define DEF_MAX_DEPTH 64
#define MAX_NESTING 16     /* group levels */
#define MAX_COND_POS 16    /* positions in one syntax note */
#define UNBOUNDED 0xFFFFFFFFu

/* Data types: EDIFACT a, n, an; X12 AN, ID, Nn, R, DT, TM, B. */
typedef enum etype {
    ET_A, ET_N, ET_AN, ET_X_AN, ET_X_ID, ET_X_N, ET_X_R, ET_X_DT, ET_X_TM, ET_X_B
} etype;

typedef struct edi_elemdef {
    char *id;
    etype type;
    unsigned min, max;
    char *type_text;            /* as written, for messages */
    cbec_strmap codes;
    char **owned;
    size_t ncodes;
} edi_elemdef;

typedef struct edi_cond {
    char kind;                  /* P R E C L */
    uint8_t n;
    uint8_t pos[MAX_COND_POS];
    char *text;
} edi_cond;

typedef struct edi_composite edi_composite;

typedef struct edi_ref {
    const edi_elemdef *simple;
    const edi_composite *comp;
    bool mandatory;
    unsigned repeat;
    const char *id;             /* borrowed from the dictionary entry */
} edi_ref;

struct edi_composite {
    char *id;
    edi_ref *parts;
    size_t nparts;
    edi_cond *conds;
    size_t nconds;
};

struct cbec_edi_segdef {
    char tag[4];
    edi_ref *elems;
    size_t nelems;
    edi_cond *conds;
    size_t nconds;
    /* "datetime": EDIFACT value/format code positions, or X12 date/time/zone */
    bool has_dt;
    uint8_t dt_value[2], dt_format[2], dt_date[2], dt_time[2], dt_zone[2];
};

struct cbec_edi_entry {
    bool group;
    char *name;                 /* group name */
    const cbec_edi_segdef *seg; /* a segment entry; a group: its trigger's */
    unsigned min, max;
    cbec_edi_entry *kids;
    size_t nkids;
};

struct cbec_edidef {
    int format;
    char *message, *version, *agency, *ref;
    cbec_strmap elements, composites, segments;
    edi_elemdef **elemv;
    size_t nelemv;
    edi_composite **compv;
    size_t ncompv;
    cbec_edi_segdef **segv;
    size_t nsegv;
    cbec_edi_entry root;
    bool loose;                 /* no segment table: element checks only */
};

/* ---- freeing ---- */

static void cond_free(edi_cond *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].text);
    free(c);
}

static void entry_free(cbec_edi_entry *e)
{
    for (size_t i = 0; i < e->nkids; i++)
        entry_free(&e->kids[i]);
    free(e->kids);
    free(e->name);
}

void cbec__edidef_free(cbec_edidef *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nelemv; i++) {
        edi_elemdef *e = d->elemv[i];
        for (size_t k = 0; k < e->ncodes; k++)
            free(e->owned[k]);
        free(e->owned);
        cbec__strmap_free(&e->codes);
        free(e->id);
        free(e->type_text);
        free(e);
    }
    free(d->elemv);
    for (size_t i = 0; i < d->ncompv; i++) {
        free(d->compv[i]->id);
        free(d->compv[i]->parts);
        cond_free(d->compv[i]->conds, d->compv[i]->nconds);
        free(d->compv[i]);
    }
    free(d->compv);
    for (size_t i = 0; i < d->nsegv; i++) {
        free(d->segv[i]->elems);
        cond_free(d->segv[i]->conds, d->segv[i]->nconds);
        free(d->segv[i]);
    }
    free(d->segv);
    cbec__strmap_free(&d->elements);
    cbec__strmap_free(&d->composites);
    cbec__strmap_free(&d->segments);
    entry_free(&d->root);
    free(d->message);
    free(d->version);
    free(d->agency);
    free(d->ref);
    free(d);
}

const char *cbec__edidef_message(const cbec_edidef *d) { return d->message; }
const char *cbec__edidef_version(const cbec_edidef *d) { return d->version; }
const char *cbec__edidef_agency(const cbec_edidef *d) { return d->agency; }
const char *cbec__edidef_ref(const cbec_edidef *d) { return d->ref; }

/* ---- compiling ---- */

typedef struct dctx {
    cbec_compiler *c;
    const cbec_node *at;        /* the "definition" member of the pack */
    const char *file;
    cbec_edidef *d;
} dctx;

static bool derr(dctx *x, const cbec_node *n, const char *fmt, ...) CBEC_PRINTF(3, 4);

static bool derr(dctx *x, const cbec_node *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cbec_buf ptr;
    cbec__buf_init(&ptr);
    cbec__node_json_pointer(n, &ptr);
    bool r = cbec__compile_error(x->c, x->at, "%s:%lu:%lu: %s%s%s", x->file, n ? (unsigned long)n->span.line : 0UL,
                                 n ? (unsigned long)n->span.column : 0UL, cbec__buf_cstr(&ptr),
                                 ptr.len ? ": " : "", msg);
    cbec__buf_free(&ptr);
    return r;
}

static char *dup_text(dctx *x, const cbec_node *n)
{
    char *s = cbec__strndup(n->text, n->len);
    if (!s)
        cbec__compile_oom(x->c);
    return s;
}

static bool parse_uint(const char *s, size_t n, unsigned *out)
{
    if (!n || n > 9)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cbec__is_digit(s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "an..35", "n3", "a..3" (EDIFACT) or "AN 1/35", "ID 2/2", "N0 1/9",
 * "R 1/15", "DT 8/8", "TM 4/8", "B 1/99" (X12). */
static bool parse_type(dctx *x, const cbec_node *at, const char *s, size_t n, edi_elemdef *e)
{
    if (x->d->format == CBEC_FORMAT_EDIFACT) {
        size_t k = 0;
        if (n >= 2 && s[0] == 'a' && s[1] == 'n') {
            e->type = ET_AN;
            k = 2;
        } else if (n >= 1 && s[0] == 'a') {
            e->type = ET_A;
            k = 1;
        } else if (n >= 1 && s[0] == 'n') {
            e->type = ET_N;
            k = 1;
        } else {
            return derr(x, at, "data type \"%.*s\" is not a, n or an with a length (an..35, n3)", (int)n, s);
        }
        bool var = n - k >= 2 && s[k] == '.' && s[k + 1] == '.';
        if (var)
            k += 2;
        unsigned len;
        if (!parse_uint(s + k, n - k, &len) || !len)
            return derr(x, at, "data type \"%.*s\" needs a length (an..35, n3)", (int)n, s);
        e->min = var ? 1 : len;
        e->max = len;
        return true;
    }
    static const struct {
        const char *name;
        etype t;
    } names[] = {{"AN", ET_X_AN}, {"ID", ET_X_ID}, {"R", ET_X_R}, {"DT", ET_X_DT}, {"TM", ET_X_TM}, {"B", ET_X_B},
                 {"N", ET_X_N},   {"N0", ET_X_N}, {"N1", ET_X_N}, {"N2", ET_X_N}, {"N3", ET_X_N}, {"N4", ET_X_N},
                 {"N5", ET_X_N},  {"N6", ET_X_N}, {"N7", ET_X_N}, {"N8", ET_X_N}, {"N9", ET_X_N}};
    const char *sp = memchr(s, ' ', n);
    const char *slash = sp ? memchr(sp, '/', n - (size_t)(sp - s)) : NULL;
    bool known = false;
    for (size_t i = 0; sp && i < CBEC_ARRAY_LEN(names); i++)
        if (cbec__streq(s, (size_t)(sp - s), names[i].name)) {
            e->type = names[i].t;
            known = true;
        }
    unsigned lo, hi;
    if (!known || !slash || !parse_uint(sp + 1, (size_t)(slash - sp - 1), &lo) ||
        !parse_uint(slash + 1, n - (size_t)(slash + 1 - s), &hi) || hi < lo || !hi)
        return derr(x, at, "data type \"%.*s\" is not an X12 type with min/max length (AN 1/35, ID 2/2, N0 1/9, R 1/15, DT 8/8, TM 4/8)",
                    (int)n, s);
    e->min = lo;
    e->max = hi;
    return true;
}

static bool compile_element(dctx *x, const cbec_node *n)
{
    edi_elemdef *e = cbec__calloc(1, sizeof *e);
    edi_elemdef **v = e ? realloc(x->d->elemv, (x->d->nelemv + 1) * sizeof *v) : NULL;
    if (!v) {
        free(e);
        return cbec__compile_oom(x->c);
    }
    x->d->elemv = v;
    v[x->d->nelemv++] = e;
    cbec__strmap_init(&e->codes);
    if (!(e->id = cbec__strndup(n->key, n->keylen)))
        return cbec__compile_oom(x->c);
    const cbec_node *type = n, *codes = NULL;
    if (n->kind == CBEC_NODE_OBJECT) {
        for (uint32_t i = 0; i < n->count; i++) {
            const cbec_node *k = &n->children[i];
            if (!cbec__streq(k->key, k->keylen, "type") && !cbec__streq(k->key, k->keylen, "codes") &&
                !cbec__streq(k->key, k->keylen, "name") && !cbec__streq(k->key, k->keylen, "description"))
                return derr(x, k, "unknown key \"%.*s\" in data element %s (type, codes, name, description)",
                            (int)k->keylen, k->key, e->id);
        }
        type = cbec__node_member(n, "type", 4);
        codes = cbec__node_member(n, "codes", 5);
        if (!type)
            return derr(x, n, "data element %s needs a \"type\"", e->id);
    }
    if (type->kind != CBEC_NODE_STRING)
        return derr(x, type, "data element %s: the type is a string such as \"an..35\" or \"AN 1/35\"", e->id);
    if (!(e->type_text = dup_text(x, type)) || !parse_type(x, type, type->text, type->len, e))
        return false;
    if (!codes)
        return true;
    if (codes->kind != CBEC_NODE_ARRAY || !codes->count)
        return derr(x, codes, "\"codes\" of data element %s must be a non-empty array of strings", e->id);
    if (!(e->owned = cbec__calloc(codes->count, sizeof *e->owned)))
        return cbec__compile_oom(x->c);
    for (uint32_t i = 0; i < codes->count; i++) {
        const cbec_node *k = &codes->children[i];
        if (k->kind != CBEC_NODE_STRING || !k->len)
            return derr(x, k, "a code is a non-empty string");
        char *s = dup_text(x, k);
        if (!s)
            return false;
        e->owned[e->ncodes++] = s;
        void *old = NULL;
        if (!cbec__strmap_put(&e->codes, s, k->len, s, &old))
            return cbec__compile_oom(x->c);
        if (old)
            return derr(x, k, "code \"%s\" is listed twice", s);
    }
    return true;
}

/* "1004/M", "C506/C", "1153/C/9": an element reference with status and
 * repetitions.  Status M is mandatory; C, O and X are not by themselves. */
static bool compile_ref(dctx *x, const cbec_node *n, bool composites_ok, edi_ref *out)
{
    if (n->kind != CBEC_NODE_STRING)
        return derr(x, n, "an element reference is a string \"ID/STATUS\" or \"ID/STATUS/REPEAT\"");
    const char *s = n->text, *s1 = memchr(s, '/', n->len);
    if (!s1)
        return derr(x, n, "element reference \"%.*s\" needs a status: \"%.*s/M\" or \"%.*s/C\"", (int)n->len, s,
                    (int)n->len, s, (int)n->len, s);
    size_t idn = (size_t)(s1 - s), rest = n->len - idn - 1;
    const char *st = s1 + 1, *s2 = memchr(st, '/', rest);
    size_t stn = s2 ? (size_t)(s2 - st) : rest;
    if (stn != 1 || !strchr("MCOX", st[0]))
        return derr(x, n, "element reference \"%.*s\": status must be M, C, O or X", (int)n->len, s);
    out->mandatory = st[0] == 'M';
    out->repeat = 1;
    if (s2 && (!parse_uint(s2 + 1, rest - stn - 1, &out->repeat) || !out->repeat))
        return derr(x, n, "element reference \"%.*s\": the repetition count must be a positive number", (int)n->len, s);
    const cbec_strmap_entry *e = cbec__strmap_get(&x->d->elements, s, idn);
    if (e) {
        out->simple = e->value;
        out->id = out->simple->id;
        return true;
    }
    e = composites_ok ? cbec__strmap_get(&x->d->composites, s, idn) : NULL;
    if (e) {
        out->comp = e->value;
        out->id = out->comp->id;
        return true;
    }
    return derr(x, n, "element reference \"%.*s\": %.*s is not in \"elements\"%s", (int)n->len, s, (int)idn, s,
                composites_ok ? " or \"composites\"" : " (a composite holds simple data elements only)");
}

/* Syntax notes: "P0102" paired, "R0203" at least one, "E0102" at most one,
 * "C0102" if the first then all, "L010203" if the first then one more. */
static bool compile_conds(dctx *x, const cbec_node *n, size_t nparts, edi_cond **out, size_t *nout)
{
    if (n->kind != CBEC_NODE_ARRAY)
        return derr(x, n, "\"conditions\" must be an array of syntax notes such as \"P0102\"");
    if (!n->count)
        return true;
    if (!(*out = cbec__calloc(n->count, sizeof **out)))
        return cbec__compile_oom(x->c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *k = &n->children[i];
        edi_cond *c = &(*out)[(*nout)++];
        if (k->kind != CBEC_NODE_STRING || k->len < 5 || (k->len - 1) % 2 || !strchr("PRECL", k->text[0]) ||
            (k->len - 1) / 2 > MAX_COND_POS)
            return derr(x, k, "a syntax note is P, R, E, C or L and 2-digit positions, e.g. \"P0102\"");
        c->kind = k->text[0];
        for (size_t p = 1; p + 1 < k->len + 1 && p < k->len; p += 2) {
            unsigned pos;
            if (!parse_uint(k->text + p, 2, &pos) || !pos || pos > nparts)
                return derr(x, k, "syntax note \"%.*s\": position %.2s is not one of the %zu positions", (int)k->len,
                            k->text, k->text + p, nparts);
            c->pos[c->n++] = (uint8_t)pos;
        }
        if (!(c->text = dup_text(x, k)))
            return false;
    }
    return true;
}

static bool compile_composite(dctx *x, const cbec_node *n)
{
    edi_composite *cp = cbec__calloc(1, sizeof *cp);
    edi_composite **v = cp ? realloc(x->d->compv, (x->d->ncompv + 1) * sizeof *v) : NULL;
    if (!v) {
        free(cp);
        return cbec__compile_oom(x->c);
    }
    x->d->compv = v;
    v[x->d->ncompv++] = cp;
    if (!(cp->id = cbec__strndup(n->key, n->keylen)))
        return cbec__compile_oom(x->c);
    const cbec_node *parts = n, *conds = NULL;
    if (n->kind == CBEC_NODE_OBJECT) {
        for (uint32_t i = 0; i < n->count; i++) {
            const cbec_node *k = &n->children[i];
            if (!cbec__streq(k->key, k->keylen, "components") && !cbec__streq(k->key, k->keylen, "conditions") &&
                !cbec__streq(k->key, k->keylen, "name") && !cbec__streq(k->key, k->keylen, "description"))
                return derr(x, k, "unknown key \"%.*s\" in composite %s (components, conditions, name, description)",
                            (int)k->keylen, k->key, cp->id);
        }
        parts = cbec__node_member(n, "components", 10);
        conds = cbec__node_member(n, "conditions", 10);
    }
    if (!parts || parts->kind != CBEC_NODE_ARRAY || !parts->count)
        return derr(x, parts ? parts : n, "composite %s needs its components: [\"1001/C\", ...]", cp->id);
    if (!(cp->parts = cbec__calloc(parts->count, sizeof *cp->parts)))
        return cbec__compile_oom(x->c);
    for (uint32_t i = 0; i < parts->count; i++)
        if (!compile_ref(x, &parts->children[i], false, &cp->parts[cp->nparts++]))
            return false;
    return !conds || compile_conds(x, conds, cp->nparts, &cp->conds, &cp->nconds);
}

static bool dt_pos(dctx *x, const cbec_node *spec, const char *key, uint8_t out[2])
{
    const cbec_node *v = cbec__node_member(spec, key, strlen(key));
    if (!v)
        return true;
    unsigned e = 0, c = 0;
    const char *dash = v->kind == CBEC_NODE_STRING ? memchr(v->text, '-', v->len) : NULL;
    bool ok = v->kind == CBEC_NODE_STRING &&
              (dash ? parse_uint(v->text, (size_t)(dash - v->text), &e) &&
                          parse_uint(dash + 1, v->len - (size_t)(dash - v->text) - 1, &c)
                    : parse_uint(v->text, v->len, &e)) &&
              e && e < 256 && c < 256;
    if (!ok)
        return derr(x, v, "\"%s\" is an element position \"05\" or element-component \"01-02\"", key);
    out[0] = (uint8_t)e;
    out[1] = (uint8_t)c;
    return true;
}

static bool compile_segment(dctx *x, const cbec_node *n)
{
    cbec_edi_segdef *sd = cbec__calloc(1, sizeof *sd);
    cbec_edi_segdef **v = sd ? realloc(x->d->segv, (x->d->nsegv + 1) * sizeof *v) : NULL;
    if (!v) {
        free(sd);
        return cbec__compile_oom(x->c);
    }
    x->d->segv = v;
    v[x->d->nsegv++] = sd;
    if (n->keylen < 2 || n->keylen > 3)
        return derr(x, n, "segment tag \"%.*s\" must have 2 or 3 characters", (int)n->keylen, n->key);
    memcpy(sd->tag, n->key, n->keylen);
    const cbec_node *elems = n, *conds = NULL, *dt = NULL;
    if (n->kind == CBEC_NODE_OBJECT) {
        for (uint32_t i = 0; i < n->count; i++) {
            const cbec_node *k = &n->children[i];
            if (!cbec__streq(k->key, k->keylen, "elements") && !cbec__streq(k->key, k->keylen, "conditions") &&
                !cbec__streq(k->key, k->keylen, "datetime") && !cbec__streq(k->key, k->keylen, "name") &&
                !cbec__streq(k->key, k->keylen, "description"))
                return derr(x, k, "unknown key \"%.*s\" in segment %s (elements, conditions, datetime, name, description)",
                            (int)k->keylen, k->key, sd->tag);
        }
        elems = cbec__node_member(n, "elements", 8);
        conds = cbec__node_member(n, "conditions", 10);
        dt = cbec__node_member(n, "datetime", 8);
    }
    if (!elems || elems->kind != CBEC_NODE_ARRAY)
        return derr(x, elems ? elems : n, "segment %s needs its data elements: [\"C002/C\", \"1004/C\", ...]", sd->tag);
    if (elems->count && !(sd->elems = cbec__calloc(elems->count, sizeof *sd->elems)))
        return cbec__compile_oom(x->c);
    for (uint32_t i = 0; i < elems->count; i++)
        if (!compile_ref(x, &elems->children[i], true, &sd->elems[sd->nelems++]))
            return false;
    if (conds && !compile_conds(x, conds, sd->nelems, &sd->conds, &sd->nconds))
        return false;
    if (dt) {
        static const char *const keys[] = {"value", "format", "date", "time", "zone", "description"};
        if (dt->kind != CBEC_NODE_OBJECT)
            return derr(x, dt, "\"datetime\" is {\"value\", \"format\"} (EDIFACT) or {\"date\", \"time\", \"zone\"} (X12)");
        for (uint32_t i = 0; i < dt->count; i++) {
            bool ok = false;
            for (size_t k = 0; k < CBEC_ARRAY_LEN(keys); k++)
                ok |= cbec__streq(dt->children[i].key, dt->children[i].keylen, keys[k]);
            if (!ok)
                return derr(x, &dt->children[i], "unknown key \"%.*s\" in \"datetime\"", (int)dt->children[i].keylen,
                            dt->children[i].key);
        }
        if (!dt_pos(x, dt, "value", sd->dt_value) || !dt_pos(x, dt, "format", sd->dt_format) ||
            !dt_pos(x, dt, "date", sd->dt_date) || !dt_pos(x, dt, "time", sd->dt_time) ||
            !dt_pos(x, dt, "zone", sd->dt_zone))
            return false;
        if (!sd->dt_value[0] && !sd->dt_date[0])
            return derr(x, dt, "\"datetime\" needs \"value\" (with \"format\") or \"date\"");
        sd->has_dt = true;
    }
    return true;
}

/* "TAG/STATUS/MAX" or {"group", "status", "max", "structure"}. */
static bool compile_entries(dctx *x, const cbec_node *n, cbec_edi_entry *into, unsigned depth);

static bool parse_max(dctx *x, const cbec_node *at, const char *s, size_t n, unsigned *out)
{
    if (cbec__streq(s, n, "*") || cbec__streq(s, n, ">1")) {
        *out = UNBOUNDED;
        return true;
    }
    if (!parse_uint(s, n, out) || !*out)
        return derr(x, at, "a maximum is a positive number, or \"*\" / \">1\" for no limit");
    return true;
}

static bool compile_entry(dctx *x, const cbec_node *n, cbec_edi_entry *e, unsigned depth)
{
    if (n->kind == CBEC_NODE_STRING) {
        const char *s = n->text, *s1 = memchr(s, '/', n->len), *s2 = s1 ? memchr(s1 + 1, '/', n->len - (size_t)(s1 + 1 - s)) : NULL;
        if (!s1 || !s2 || s2 - s1 != 2 || !strchr("MCO", s1[1]))
            return derr(x, n, "a segment entry is \"TAG/STATUS/MAX\", e.g. \"BGM/M/1\" or \"DTM/C/9\"");
        const cbec_strmap_entry *se = cbec__strmap_get(&x->d->segments, s, (size_t)(s1 - s));
        if (!se)
            return derr(x, n, "segment %.*s is not in \"segments\"", (int)(s1 - s), s);
        e->seg = se->value;
        e->min = s1[1] == 'M' ? 1 : 0;
        return parse_max(x, n, s2 + 1, n->len - (size_t)(s2 + 1 - s), &e->max);
    }
    static const char *const keys[] = {"group", "status", "max", "structure", "name", "description"};
    if (n->kind != CBEC_NODE_OBJECT)
        return derr(x, n, "an entry is \"TAG/STATUS/MAX\" or a group {\"group\", \"status\", \"max\", \"structure\"}");
    for (uint32_t i = 0; i < n->count; i++) {
        bool ok = false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(keys); k++)
            ok |= cbec__streq(n->children[i].key, n->children[i].keylen, keys[k]);
        if (!ok)
            return derr(x, &n->children[i], "unknown key \"%.*s\" in a group (group, status, max, structure)",
                        (int)n->children[i].keylen, n->children[i].key);
    }
    const cbec_node *g = cbec__node_member(n, "group", 5), *st = cbec__node_member(n, "status", 6),
                    *mx = cbec__node_member(n, "max", 3), *sub = cbec__node_member(n, "structure", 9);
    if (!g || g->kind != CBEC_NODE_STRING || !g->len || !st || st->kind != CBEC_NODE_STRING || st->len != 1 ||
        !strchr("MCO", st->text[0]) || !mx || !sub)
        return derr(x, n, "a group needs \"group\" (its name), \"status\" (M or C), \"max\" and \"structure\"");
    if (depth >= MAX_NESTING)
        return derr(x, n, "groups nest deeper than %d levels", MAX_NESTING);
    e->group = true;
    if (!(e->name = dup_text(x, g)))
        return false;
    e->min = st->text[0] == 'M' ? 1 : 0;
    if (mx->kind == CBEC_NODE_NUMBER) {
        if (!parse_uint(mx->text, mx->len, &e->max) || !e->max)
            return derr(x, mx, "a maximum is a positive number, or \"*\" for no limit");
    } else if (mx->kind != CBEC_NODE_STRING || !parse_max(x, mx, mx->text, mx->len, &e->max)) {
        return x->c->status ? false : derr(x, mx, "a maximum is a positive number, or \"*\" for no limit");
    }
    if (!compile_entries(x, sub, e, depth + 1))
        return false;
    if (!e->nkids || e->kids[0].group || e->kids[0].min != 1)
        return derr(x, sub, "group %s must start with a mandatory segment (its trigger)", e->name);
    e->seg = e->kids[0].seg;
    return true;
}

static bool compile_entries(dctx *x, const cbec_node *n, cbec_edi_entry *into, unsigned depth)
{
    if (n->kind != CBEC_NODE_ARRAY || !n->count)
        return derr(x, n, "\"structure\" must be a non-empty array of entries");
    if (!(into->kids = cbec__calloc(n->count, sizeof *into->kids)))
        return cbec__compile_oom(x->c);
    for (uint32_t i = 0; i < n->count; i++)
        if (!compile_entry(x, &n->children[i], &into->kids[into->nkids++], depth))
            return false;
    return true;
}

static bool compile_dict(dctx *x, const cbec_node *root, const char *key, bool (*one)(dctx *, const cbec_node *),
                         cbec_strmap *map, void *(*last)(dctx *))
{
    const cbec_node *n = cbec__node_member(root, key, strlen(key));
    if (!n)
        return true;
    if (n->kind != CBEC_NODE_OBJECT)
        return derr(x, n, "\"%s\" must be an object keyed by id", key);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *k = &n->children[i];
        if (!k->keylen)
            return derr(x, k, "an empty id in \"%s\"", key);
        if (cbec__strmap_get(map, k->key, k->keylen))
            return derr(x, k, "\"%.*s\" is defined twice in \"%s\"", (int)k->keylen, k->key, key);
        if (!one(x, k))
            return false;
        void *v = last(x);
        /* keys point at the copies the entries own */
        const char *kcopy = map == &x->d->segments ? ((cbec_edi_segdef *)v)->tag
                            : map == &x->d->elements ? ((edi_elemdef *)v)->id
                                                     : ((edi_composite *)v)->id;
        if (!cbec__strmap_put(map, kcopy, k->keylen, v, NULL))
            return cbec__compile_oom(x->c);
    }
    return true;
}

static void *last_element(dctx *x) { return x->d->elemv[x->d->nelemv - 1]; }
static void *last_composite(dctx *x) { return x->d->compv[x->d->ncompv - 1]; }
static void *last_segment(dctx *x) { return x->d->segv[x->d->nsegv - 1]; }

/* A definition or directory file as a document. */
typedef struct def_json {
    cbec_json_reader *rd;
    cbec_arena arena;
    cbec_doc doc;
    bool have_doc;
} def_json;

/* Read data into j->doc: false with *re (or *oom) saying why.  Release j
 * with def_json_release either way. */
static bool def_json_read(def_json *j, const char *data, size_t len, cbec_read_error *re, bool *oom)
{
    memset(j, 0, sizeof *j);
    cbec__arena_init(&j->arena);
    if (!(j->rd = cbec__json_reader_new(DEF_MAX_DEPTH))) {
        *oom = true;
        return false;
    }
    cbec_read_limits lim = {len + 1, DEF_MAX_DEPTH, 0};
    return j->have_doc = cbec__json_read_message(j->rd, data, len, &lim, &j->arena, &j->doc, re, oom);
}

static void def_json_release(def_json *j)
{
    if (j->have_doc)
        cbec__json_release(j->rd, &j->doc);
    cbec__arena_free(&j->arena);
    cbec__json_reader_free(j->rd);
}

/* Read a JSON file beside the pack for x; calls fn with its root. */
static bool with_json_file(dctx *x, const cbec_node *at, const char *rel, bool (*fn)(dctx *, const cbec_node *))
{
    cbec_compiler *c = x->c;
    char *data = NULL;
    size_t len = 0;
    if (!cbec__compile_read_file(c, at, rel, &data, &len))
        return false;
    if (len > DEF_MAX_BYTES) {
        free(data);
        return cbec__compile_error(c, at, "\"%s\" is larger than %u bytes", rel, DEF_MAX_BYTES);
    }
    def_json j;
    cbec_read_error re;
    bool oom = false, ok;
    if (!def_json_read(&j, data, len, &re, &oom)) {
        unsigned long line = 0, col = 0;
        if (!oom && re.has_offset)
            cbec__text_position(data, len, re.offset, &line, &col);
        ok = oom ? cbec__compile_oom(c) : cbec__compile_error(c, at, "%s:%lu:%lu: %s", rel, line, col, re.message_en);
    } else {
        cbec__json_message_positions(&j.doc);
        const char *saved = x->file;
        const cbec_node *saved_at = x->at;
        x->file = rel;
        x->at = at;
        ok = fn(x, j.doc.root);
        x->file = saved;
        x->at = saved_at;
    }
    def_json_release(&j);
    free(data);
    return ok;
}

/* A directory file: the dictionaries several definitions share. */
static bool compile_directory(dctx *x, const cbec_node *root)
{
    static const char *const keys[] = {"cbecstd_edi_directory", "syntax", "version", "title", "source", "license",
                                       "description", "$comment", "elements", "composites", "segments"};
    if (root->kind != CBEC_NODE_OBJECT)
        return derr(x, root, "a directory is a JSON object");
    for (uint32_t i = 0; i < root->count; i++) {
        bool ok = false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(keys); k++)
            ok |= cbec__streq(root->children[i].key, root->children[i].keylen, keys[k]);
        if (!ok)
            return derr(x, &root->children[i], "unknown key \"%.*s\" in a directory", (int)root->children[i].keylen,
                        root->children[i].key);
    }
    const cbec_node *fv = cbec__node_member(root, "cbecstd_edi_directory", 21);
    if (!fv || fv->kind != CBEC_NODE_NUMBER || !cbec__streq(fv->text, fv->len, "1"))
        return derr(x, root, "a directory starts with \"cbecstd_edi_directory\": 1");
    const cbec_node *syn = cbec__node_member(root, "syntax", 6);
    bool x12 = x->d->format == CBEC_FORMAT_X12;
    if (!syn || syn->kind != CBEC_NODE_STRING || !cbec__streq(syn->text, syn->len, x12 ? "x12" : "edifact"))
        return derr(x, syn ? syn : root, "\"syntax\" must be \"%s\"", x12 ? "x12" : "edifact");
    return compile_dict(x, root, "elements", compile_element, &x->d->elements, last_element) &&
           compile_dict(x, root, "composites", compile_composite, &x->d->composites, last_composite) &&
           compile_dict(x, root, "segments", compile_segment, &x->d->segments, last_segment);
}

static bool load_directory(dctx *x, const cbec_node *at, const char *rel)
{
    /* errors inside the directory are reported against the definition's
     * "directory" member only through the file name and position */
    (void)at;
    return with_json_file(x, x->at, rel, compile_directory);
}

static bool compile_def(dctx *x, const cbec_node *root)
{
    static const char *const keys[] = {"cbecstd_edi_definition", "syntax", "message", "transaction", "version",
                                       "agency", "title", "source", "license", "description", "ref",
                                       "elements", "composites", "segments", "structure", "$comment", "directory"};
    if (root->kind != CBEC_NODE_OBJECT)
        return derr(x, root, "a message definition is a JSON object");
    for (uint32_t i = 0; i < root->count; i++) {
        bool ok = false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(keys); k++)
            ok |= cbec__streq(root->children[i].key, root->children[i].keylen, keys[k]);
        if (!ok)
            return derr(x, &root->children[i], "unknown key \"%.*s\" in a message definition",
                        (int)root->children[i].keylen, root->children[i].key);
    }
    const cbec_node *fv = cbec__node_member(root, "cbecstd_edi_definition", 22);
    if (!fv || fv->kind != CBEC_NODE_NUMBER || !cbec__streq(fv->text, fv->len, "1"))
        return derr(x, root, "a message definition starts with \"cbecstd_edi_definition\": 1");
    const cbec_node *syn = cbec__node_member(root, "syntax", 6);
    bool x12 = x->d->format == CBEC_FORMAT_X12;
    if (!syn || syn->kind != CBEC_NODE_STRING || !cbec__streq(syn->text, syn->len, x12 ? "x12" : "edifact"))
        return derr(x, syn ? syn : root, "\"syntax\" must be \"%s\" for the \"%s\" section", x12 ? "x12" : "edifact",
                    x12 ? "x12" : "edifact");
    const cbec_node *msg = cbec__node_member(root, x12 ? "transaction" : "message", x12 ? 11 : 7);
    const cbec_node *ver = cbec__node_member(root, "version", 7);
    if (!msg || msg->kind != CBEC_NODE_STRING || !msg->len || !ver || ver->kind != CBEC_NODE_STRING || !ver->len)
        return derr(x, root, "a definition names its %s and \"version\" (%s)", x12 ? "\"transaction\"" : "\"message\"",
                    x12 ? "e.g. \"214\" and \"004010\"" : "e.g. \"IFTSTA\" and \"D:96A\"");
    if (!(x->d->message = dup_text(x, msg)) || !(x->d->version = dup_text(x, ver)))
        return false;
    const cbec_node *ag = cbec__node_member(root, "agency", 6);
    if (ag && ag->kind != CBEC_NODE_STRING)
        return derr(x, ag, "\"agency\" must be a string");
    if (!(x->d->agency = ag ? dup_text(x, ag) : cbec__strdup("")))
        return cbec__compile_oom(x->c);
    const cbec_node *ref = cbec__node_member(root, "ref", 3);
    char buf[160];
    if (ref && ref->kind == CBEC_NODE_STRING) {
        x->d->ref = dup_text(x, ref);
    } else {
        snprintf(buf, sizeof buf, x12 ? "ASC X12 %s %s" : "UN/EDIFACT %s %s", x->d->version, x->d->message);
        x->d->ref = cbec__strdup(buf);
    }
    if (!x->d->ref)
        return cbec__compile_oom(x->c);
    const cbec_node *dir = cbec__node_member(root, "directory", 9);
    if (dir) {
        if (dir->kind != CBEC_NODE_STRING || !dir->len)
            return derr(x, dir, "\"directory\" names a directory file (data elements, composites, segments) beside the pack");
        char *rel = dup_text(x, dir);
        bool ok = rel && load_directory(x, dir, rel);
        free(rel);
        if (!ok)
            return false;
    }
    if (!compile_dict(x, root, "elements", compile_element, &x->d->elements, last_element) ||
        !compile_dict(x, root, "composites", compile_composite, &x->d->composites, last_composite) ||
        !compile_dict(x, root, "segments", compile_segment, &x->d->segments, last_segment))
        return false;
    const cbec_node *st = cbec__node_member(root, "structure", 9);
    x->d->root.group = true;
    x->d->root.min = x->d->root.max = 1;
    if (!(x->d->root.name = cbec__strdup("")))
        return cbec__compile_oom(x->c);
    if (!st) {
        /* no segment table: check the segments the dictionary knows, where
         * they stand (a message whose table is not at hand) */
        x->d->loose = true;
        return true;
    }
    return compile_entries(x, st, &x->d->root, 0);
}

cbec_edidef *cbec__edidef_load(cbec_compiler *c, const cbec_node *at, const char *rel, int format)
{
    cbec_edidef *d = cbec__calloc(1, sizeof *d);
    if (!d) {
        cbec__compile_oom(c);
        return NULL;
    }
    d->format = format;
    cbec__strmap_init(&d->elements);
    cbec__strmap_init(&d->composites);
    cbec__strmap_init(&d->segments);
    dctx x = {c, at, rel, d};
    if (!with_json_file(&x, at, rel, compile_def)) {
        cbec__edidef_free(d);
        return NULL;
    }
    return d;
}

/* ---- checking data elements ---- */

typedef struct mctx {
    const cbec_edidef *d;
    char decimal;
    cbec_arena *arena;
    cbec_edi_problem_fn report;
    void *ctx;
    bool oom;
} mctx;

static void problem(mctx *m, int p, const cbec_node *seg, unsigned el, unsigned comp, const char *en,
                    const char *zh)
{
    if (m->report)
        m->report(m->ctx, p, seg, el, comp, en, zh);
}

static void pos_text(char *buf, size_t cap, const char *tag, unsigned el, unsigned comp)
{
    if (comp)
        snprintf(buf, cap, "%s%02u-%02u", tag, el, comp);
    else
        snprintf(buf, cap, "%s%02u", tag, el);
}

/* Check one value against its data element. */
static void check_value(mctx *m, const edi_elemdef *e, const cbec_node *v, const cbec_node *seg, unsigned el,
                        unsigned comp)
{
    const char *s = v->text;
    size_t n = v->len;
    char where[24], en[320], zh[320];
    pos_text(where, sizeof where, cbec__edi_tag(seg, NULL), el, comp);
    int shown = (int)(n > 40 ? 40 : n);
    size_t length = 0;
    bool bad = false;
    const char *why_en = "", *why_zh = "";
    switch (e->type) {
    case ET_A:
        for (size_t i = 0; i < n && !bad; i++)
            bad = cbec__is_digit(s[i]);
        why_en = "alphabetic data may not hold digits";
        why_zh = "字母型数据不能包含数字";
        length = cbec__utf8_count(s, n);
        break;
    case ET_N: {
        /* digits, an optional leading minus and one decimal mark; the
         * length counts the digits */
        size_t i = s[0] == '-' ? 1 : 0, marks = 0, digits_before = 0;
        for (; i < n && !bad; i++) {
            if (cbec__is_digit(s[i])) {
                length++;
                if (!marks)
                    digits_before++;
            } else if ((s[i] == '.' || s[i] == ',' || s[i] == m->decimal) && !marks) {
                marks++;
                if (!digits_before) {
                    bad = true;
                    why_en = "a digit must precede the decimal mark";
                    why_zh = "小数点前必须有数字";
                }
            } else {
                bad = true;
                why_en = "numeric data holds digits, a leading minus and one decimal mark only";
                why_zh = "数字型数据只能包含数字、前导负号和一个小数点";
            }
        }
        if (!bad && !length) {
            bad = true;
            why_en = "numeric data needs a digit";
            why_zh = "数字型数据至少需要一位数字";
        }
        break;
    }
    case ET_X_N:
    case ET_X_R: {
        size_t i = s[0] == '-' ? 1 : 0, points = 0;
        for (; i < n && !bad; i++) {
            if (cbec__is_digit(s[i]))
                length++;
            else if (s[i] == '.' && e->type == ET_X_R && !points)
                points++;
            else
                bad = true;
        }
        bad |= !length;
        why_en = e->type == ET_X_R ? "a decimal number holds digits, a leading minus and one decimal point only"
                                   : "an implied-decimal number holds digits and a leading minus only";
        why_zh = e->type == ET_X_R ? "十进制数只能包含数字、前导负号和一个小数点" : "隐含小数的数字只能包含数字和前导负号";
        break;
    }
    case ET_X_DT:
        length = n;
        if (!((n == 8 || n == 6) && cbec__edi_date_ok(s, n))) {
            snprintf(en, sizeof en, "%s \"%.*s\" is not a date (%s)", where, shown, s, n == 6 ? "YYMMDD" : "CCYYMMDD");
            snprintf(zh, sizeof zh, "%s“%.*s”不是有效日期（%s）", where, shown, s, n == 6 ? "YYMMDD" : "CCYYMMDD");
            problem(m, CBEC_EDI_P_ELEM_BAD_DATE, seg, el, comp, en, zh);
            return;
        }
        break;
    case ET_X_TM:
        length = n;
        if (!cbec__edi_time_ok(s, n)) {
            snprintf(en, sizeof en, "%s \"%.*s\" is not a time (HHMM[SS[d..]])", where, shown, s);
            snprintf(zh, sizeof zh, "%s“%.*s”不是有效时间（HHMM[SS[d..]]）", where, shown, s);
            problem(m, CBEC_EDI_P_ELEM_BAD_TIME, seg, el, comp, en, zh);
            return;
        }
        break;
    default:
        length = cbec__utf8_count(s, n);
        break;
    }
    if (bad) {
        snprintf(en, sizeof en, "%s \"%.*s\" is not of type %s: %s", where, shown, s, e->type_text, why_en);
        snprintf(zh, sizeof zh, "%s“%.*s”不符合数据类型 %s：%s", where, shown, s, e->type_text, why_zh);
        problem(m, CBEC_EDI_P_ELEM_BAD_CHAR, seg, el, comp, en, zh);
        return;
    }
    if (length < e->min || length > e->max) {
        bool longer = length > e->max;
        snprintf(en, sizeof en, "%s \"%.*s\" is too %s for %s (%zu, at %s %u)", where, shown, s,
                 longer ? "long" : "short", e->type_text, length, longer ? "most" : "least", longer ? e->max : e->min);
        snprintf(zh, sizeof zh, "%s“%.*s”长度 %zu %s %s 的%s %u", where, shown, s, length, longer ? "超过" : "不足",
                 e->type_text, longer ? "最大长度" : "最小长度", longer ? e->max : e->min);
        problem(m, longer ? CBEC_EDI_P_ELEM_TOO_LONG : CBEC_EDI_P_ELEM_TOO_SHORT, seg, el, comp, en, zh);
        return;
    }
    if (e->ncodes && !cbec__strmap_get(&e->codes, s, n)) {
        snprintf(en, sizeof en, "%s \"%.*s\" is not a code of data element %s", where, shown, s, e->id);
        snprintf(zh, sizeof zh, "%s“%.*s”不是数据元 %s 的代码", where, shown, s, e->id);
        problem(m, CBEC_EDI_P_ELEM_BAD_CODE, seg, el, comp, en, zh);
    }
}

/* The present/absent pattern of positions for a syntax note. */
static void check_conds(mctx *m, const edi_cond *conds, size_t n, const cbec_node *seg, unsigned el,
                        const cbec_node *holder)
{
    const char *tag = cbec__edi_tag(seg, NULL);
    for (size_t i = 0; i < n; i++) {
        const edi_cond *c = &conds[i];
        bool present[MAX_COND_POS];
        unsigned count = 0;
        for (unsigned k = 0; k < c->n; k++) {
            const cbec_node *v = el ? cbec__edi_component(holder, c->pos[k]) : cbec__edi_element(seg, c->pos[k]);
            present[k] = cbec__edi_present(v);
            count += present[k];
        }
        int fail = -1;
        bool exclusion = false;
        switch (c->kind) {
        case 'P':
            if (count && count < c->n)
                for (unsigned k = 0; k < c->n && fail < 0; k++)
                    if (!present[k])
                        fail = (int)k;
            break;
        case 'R':
            if (!count)
                fail = 0;
            break;
        case 'E':
            if (count > 1) {
                exclusion = true;
                for (unsigned k = 0, seen = 0; k < c->n && fail < 0; k++)
                    if (present[k] && seen++)
                        fail = (int)k;
            }
            break;
        case 'C':
            if (present[0])
                for (unsigned k = 1; k < c->n && fail < 0; k++)
                    if (!present[k])
                        fail = (int)k;
            break;
        case 'L':
            if (present[0] && count == 1)
                fail = 1;
            break;
        default:
            break;
        }
        if (fail < 0)
            continue;
        char en[240], zh[240];
        static const char *const what_en[] = {"all or none must be present", "at least one must be present",
                                              "at most one may be present", "if the first is present, all must be",
                                              "if the first is present, one more must be"};
        static const char *const what_zh[] = {"要么全部出现，要么都不出现", "至少出现一个", "至多出现一个",
                                              "第一个出现时其余都必须出现", "第一个出现时至少还需出现一个"};
        int w = c->kind == 'P' ? 0 : c->kind == 'R' ? 1 : c->kind == 'E' ? 2 : c->kind == 'C' ? 3 : 4;
        snprintf(en, sizeof en, "%s syntax note %s: %s", tag, c->text, what_en[w]);
        snprintf(zh, sizeof zh, "%s 语法注释 %s：%s", tag, c->text, what_zh[w]);
        unsigned pos = c->pos[fail];
        problem(m, exclusion ? CBEC_EDI_P_ELEM_EXCLUSION : CBEC_EDI_P_ELEM_CONDITION, seg, el ? el : pos, el ? pos : 0,
                en, zh);
    }
}

static void missing_element(mctx *m, const cbec_node *seg, unsigned el, unsigned comp, const char *id)
{
    char where[24], en[200], zh[200];
    pos_text(where, sizeof where, cbec__edi_tag(seg, NULL), el, comp);
    snprintf(en, sizeof en, "%s (data element %s) is mandatory and missing", where, id);
    snprintf(zh, sizeof zh, "缺少必备数据元 %s（%s）", where, id);
    problem(m, CBEC_EDI_P_ELEM_MISSING, seg, el, comp, en, zh);
}

static void check_occurrence(mctx *m, const edi_ref *ref, const cbec_node *occ, const cbec_node *seg, unsigned el)
{
    char where[24], en[200], zh[200];
    if (!ref->comp) {
        if (occ->kind == CBEC_NODE_ARRAY && occ->count > 1) {
            for (uint32_t k = 1; k < occ->count; k++)
                if (cbec__edi_present(&occ->children[k])) {
                    pos_text(where, sizeof where, cbec__edi_tag(seg, NULL), el, k + 1);
                    snprintf(en, sizeof en, "%s: data element %s is simple and has no components", where, ref->id);
                    snprintf(zh, sizeof zh, "%s：数据元 %s 是简单数据元，没有组成部分", where, ref->id);
                    problem(m, CBEC_EDI_P_ELEM_TOO_MANY_COMPONENTS, seg, el, k + 1, en, zh);
                    break;
                }
        }
        const cbec_node *v = cbec__edi_component(occ, 1);
        if (v && v->len)
            check_value(m, ref->simple, v, seg, el, 0);
        return;
    }
    const edi_composite *cp = ref->comp;
    uint32_t ncomp = occ->kind == CBEC_NODE_ARRAY ? occ->count : 1;
    for (uint32_t k = (uint32_t)cp->nparts; k < ncomp; k++)
        if (cbec__edi_present(cbec__edi_component(occ, k + 1))) {
            pos_text(where, sizeof where, cbec__edi_tag(seg, NULL), el, k + 1);
            snprintf(en, sizeof en, "%s: composite %s has %zu components", where, cp->id, cp->nparts);
            snprintf(zh, sizeof zh, "%s：复合数据元 %s 只有 %zu 个组成部分", where, cp->id, cp->nparts);
            problem(m, CBEC_EDI_P_ELEM_TOO_MANY_COMPONENTS, seg, el, k + 1, en, zh);
            break;
        }
    for (size_t k = 0; k < cp->nparts; k++) {
        const edi_ref *part = &cp->parts[k];
        const cbec_node *v = cbec__edi_component(occ, (unsigned)k + 1);
        if (!cbec__edi_present(v)) {
            if (part->mandatory)
                missing_element(m, seg, el, (unsigned)k + 1, part->id);
            continue;
        }
        check_value(m, part->simple, v, seg, el, (unsigned)k + 1);
    }
    check_conds(m, cp->conds, cp->nconds, seg, el, occ);
}

static void check_segment(mctx *m, const cbec_edi_segdef *sd, const cbec_node *seg)
{
    uint32_t nel = seg->count ? seg->count - 1 : 0;
    char where[24], en[200], zh[200];
    for (uint32_t e = (uint32_t)sd->nelems + 1; e <= nel; e++)
        if (cbec__edi_present(cbec__edi_element(seg, e))) {
            pos_text(where, sizeof where, sd->tag, e, 0);
            snprintf(en, sizeof en, "%s: segment %s has %zu data elements", where, sd->tag, sd->nelems);
            snprintf(zh, sizeof zh, "%s：段 %s 只有 %zu 个数据元", where, sd->tag, sd->nelems);
            problem(m, CBEC_EDI_P_ELEM_TOO_MANY, seg, e, 0, en, zh);
            break;
        }
    for (size_t i = 0; i < sd->nelems; i++) {
        const edi_ref *ref = &sd->elems[i];
        unsigned el = (unsigned)i + 1;
        const cbec_node *v = cbec__edi_element(seg, el);
        if (!cbec__edi_present(v)) {
            if (ref->mandatory)
                missing_element(m, seg, el, 0, ref->id);
            continue;
        }
        if (v->kind == CBEC_NODE_ARRAY && (v->flags & CBEC_NODEF_EDI_REPEAT)) {
            if (v->count > ref->repeat) {
                pos_text(where, sizeof where, sd->tag, el, 0);
                snprintf(en, sizeof en, "%s repeats %u times, at most %u", where, v->count, ref->repeat);
                snprintf(zh, sizeof zh, "%s 重复 %u 次，最多 %u 次", where, v->count, ref->repeat);
                problem(m, CBEC_EDI_P_ELEM_TOO_MANY_REPS, seg, el, 0, en, zh);
            }
            for (uint32_t k = 0; k < v->count; k++)
                if (cbec__edi_present(&v->children[k]))
                    check_occurrence(m, ref, &v->children[k], seg, el);
        } else {
            check_occurrence(m, ref, v, seg, el);
        }
    }
    check_conds(m, sd->conds, sd->nconds, seg, 0, NULL);
}

/* ---- matching the segment table ---- */

typedef struct level {
    const cbec_edi_entry *entry;   /* a group (or the message root) */
    size_t pos;                    /* current entry index */
    uint32_t *counts;              /* per entry: occurrences in this instance */
    cbec_edi_inst *inst;
} level;

static cbec_edi_inst *new_inst(mctx *m, const cbec_edi_entry *e)
{
    cbec_edi_inst *i = cbec__arena_calloc(m->arena, 1, sizeof *i);
    if (!i) {
        m->oom = true;
        return NULL;
    }
    i->name = e->name ? e->name : "";
    return i;
}

static bool add_item(mctx *m, cbec_edi_inst *inst, const cbec_node *seg, const cbec_edi_segdef *def,
                     cbec_edi_inst *group)
{
    cbec_edi_item *it = cbec__arena_calloc(m->arena, 1, sizeof *it);
    if (!it) {
        m->oom = true;
        return false;
    }
    it->seg = seg;
    it->def = def;
    it->group = group;
    if (inst->last)
        inst->last->next = it;
    else
        inst->first = it;
    inst->last = it;
    inst->count++;
    return true;
}

static bool open_level(mctx *m, level *lv, const cbec_edi_entry *e)
{
    lv->entry = e;
    lv->pos = 0;
    lv->counts = cbec__arena_calloc(m->arena, e->nkids ? e->nkids : 1, sizeof *lv->counts);
    lv->inst = new_inst(m, e);
    if (!lv->counts || !lv->inst) {
        m->oom = true;
        return false;
    }
    return true;
}

static const char *entry_what(const cbec_edi_entry *e, char *buf, size_t cap)
{
    if (e->group)
        snprintf(buf, cap, "segment group %s (starting with %s)", e->name, e->seg ? e->seg->tag : "?");
    else
        snprintf(buf, cap, "segment %s", e->seg->tag);
    return buf;
}

/* Mandatory entries of a level between from and to (exclusive) that did
 * not occur: reported at seg (the segment that came instead). */
static void report_missing(mctx *m, const level *lv, size_t from, size_t to, const cbec_node *seg)
{
    for (size_t i = from; i < to && i < lv->entry->nkids; i++) {
        const cbec_edi_entry *e = &lv->entry->kids[i];
        if (e->min && lv->counts[i] < e->min) {
            char what[96], en[240], zh[240];
            entry_what(e, what, sizeof what);
            snprintf(en, sizeof en, "mandatory %s is missing%s%s", what, *lv->entry->name ? " in group " : "",
                     lv->entry->name);
            snprintf(zh, sizeof zh, "缺少必备的%s%s%s", what, *lv->entry->name ? "，所在段组 " : "", lv->entry->name);
            problem(m, CBEC_EDI_P_SEG_MISSING, seg, 0, 0, en, zh);
        }
    }
}

static bool tag_known(const cbec_edidef *d, const char *tag, size_t n)
{
    return cbec__strmap_get(&d->segments, tag, n) != NULL;
}

cbec_edi_inst *cbec__edidef_match(const cbec_edidef *d, const cbec_edi_message_info *mi, char decimal,
                                  cbec_arena *arena, cbec_edi_problem_fn report, void *ctx)
{
    mctx m = {d, decimal ? decimal : '.', arena, report, ctx, false};
    level stack[MAX_NESTING + 2];
    size_t depth = 0;
    if (!open_level(&m, &stack[0], &d->root))
        return NULL;
    cbec_edi_inst *root = stack[0].inst;
    const cbec_node *msgnode = mi->node;
    const cbec_node *segs = msgnode ? cbec__node_member(msgnode, "segments", 8) : NULL;
    uint32_t nseg = segs ? segs->count : 0;
    const cbec_node *last_seg = NULL;
    for (uint32_t si = 0; si < nseg && !m.oom; si++) {
        const cbec_node *seg = &segs->children[si];
        last_seg = seg;
        size_t tn;
        const char *tag = cbec__edi_tag(seg, &tn);
        const cbec_strmap_entry *se = cbec__strmap_get(&d->segments, tag, tn);
        const cbec_edi_segdef *sd = se ? se->value : NULL;
        if (d->loose) {
            if (sd)
                check_segment(&m, sd, seg);
            add_item(&m, root, seg, sd, NULL);
            continue;
        }
        /* find the innermost level, from the current position on, that
         * takes this tag; a segment at its maximum is taken by an outer
         * level when one can (a new group instance) */
        long found_level = -1;
        size_t found_entry = 0;
        long full_level = -1;
        size_t full_entry = 0;
        for (long L = (long)depth; L >= 0 && found_level < 0; L--) {
            level *lv = &stack[L];
            for (size_t i = lv->pos; i < lv->entry->nkids; i++) {
                const cbec_edi_entry *e = &lv->entry->kids[i];
                if (!e->seg || strlen(e->seg->tag) != tn || memcmp(e->seg->tag, tag, tn) != 0)
                    continue;
                /* the group being inside of at level L is entry pos: its
                 * trigger again means its next instance */
                if (lv->counts[i] < e->max) {
                    found_level = L;
                    found_entry = i;
                    break;
                }
                /* every place is full: reading the segment as one more
                 * instance of a group says more than one more segment */
                if (full_level < 0 || (e->group && !stack[full_level].entry->kids[full_entry].group)) {
                    full_level = L;
                    full_entry = i;
                }
            }
        }
        if (found_level < 0 && full_level >= 0) {
            found_level = full_level;
            found_entry = full_entry;
        }
        if (found_level < 0) {
            char en[200], zh[200];
            if (!tag_known(d, tag, tn)) {
                snprintf(en, sizeof en, "segment %.*s is not part of %s %s", (int)(tn > 8 ? 8 : tn), tag, d->message,
                         d->version);
                snprintf(zh, sizeof zh, "段 %.*s 不属于 %s %s", (int)(tn > 8 ? 8 : tn), tag, d->message, d->version);
                problem(&m, CBEC_EDI_P_SEG_UNKNOWN, seg, 0, 0, en, zh);
            } else {
                snprintf(en, sizeof en, "segment %s is not expected here (out of sequence)", sd->tag);
                snprintf(zh, sizeof zh, "段 %s 不应出现在此处（顺序错误）", sd->tag);
                problem(&m, CBEC_EDI_P_SEG_UNEXPECTED, seg, 0, 0, en, zh);
                check_segment(&m, sd, seg);
            }
            /* keep it where it stands so bindings still see it */
            add_item(&m, stack[depth].inst, seg, sd, NULL);
            continue;
        }
        /* close the levels inside the one that takes the segment */
        while ((long)depth > found_level) {
            report_missing(&m, &stack[depth], stack[depth].pos + (stack[depth].counts[stack[depth].pos] ? 1 : 0),
                           stack[depth].entry->nkids, seg);
            depth--;
        }
        level *lv = &stack[depth];
        size_t from = lv->pos + (lv->counts[lv->pos] ? 1 : 0);
        if (found_entry >= from)
            report_missing(&m, lv, from, found_entry, seg);
        lv->pos = found_entry;
        const cbec_edi_entry *e = &lv->entry->kids[found_entry];
        bool over = lv->counts[found_entry] >= e->max;
        lv->counts[found_entry]++;
        if (over) {
            char what[96], en[240], zh[240];
            entry_what(e, what, sizeof what);
            snprintf(en, sizeof en, "%s occurs more than %u times", what, e->max);
            snprintf(zh, sizeof zh, "%s出现超过 %u 次", what, e->max);
            problem(&m, e->group ? CBEC_EDI_P_LOOP_TOO_MANY : CBEC_EDI_P_SEG_TOO_MANY, seg, 0, 0, en, zh);
        }
        if (!e->group) {
            add_item(&m, lv->inst, seg, sd, NULL);
            check_segment(&m, sd, seg);
            continue;
        }
        if (depth + 1 >= MAX_NESTING + 1) {
            add_item(&m, lv->inst, seg, sd, NULL);
            continue;
        }
        level *inner = &stack[++depth];
        if (!open_level(&m, inner, e))
            break;
        add_item(&m, lv->inst, NULL, NULL, inner->inst);
        inner->counts[0] = 1;
        add_item(&m, inner->inst, seg, sd, NULL);
        check_segment(&m, sd, seg);
    }
    if (m.oom)
        return NULL;
    /* the end of the message closes every level */
    for (long L = d->loose ? -1 : (long)depth; L >= 0; L--) {
        level *lv = &stack[L];
        report_missing(&m, lv, lv->pos + (lv->counts[lv->pos] ? 1 : 0), lv->entry->nkids, last_seg ? last_seg : msgnode);
    }
    return m.oom ? NULL : root;
}

/* ---- date-times a segment composes ---- */

static const cbec_node *at_pos(const cbec_node *seg, const uint8_t p[2])
{
    const cbec_node *e = cbec__edi_element(seg, p[0]);
    return p[1] ? cbec__edi_component(e, p[1]) : cbec__edi_component(e, 1);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_digit(s[i]))
            return false;
    return n > 0;
}

/* X12 time codes with a fixed offset (standard and daylight time of the
 * North American zones, universal time); the rest have none. */
static const char *x12_zone(const char *s, size_t n)
{
    static const struct {
        const char *code, *offset;
    } zones[] = {{"UT", "Z"},       {"GM", "Z"},       {"AS", "-04:00"}, {"AD", "-03:00"}, {"ES", "-05:00"},
                 {"ED", "-04:00"}, {"CS", "-06:00"}, {"CD", "-05:00"}, {"MS", "-07:00"}, {"MD", "-06:00"},
                 {"PS", "-08:00"}, {"PD", "-07:00"}, {"HS", "-10:00"}, {"NS", "-03:30"}, {"ND", "-02:30"}};
    for (size_t i = 0; i < CBEC_ARRAY_LEN(zones); i++)
        if (cbec__streq(s, n, zones[i].code))
            return zones[i].offset;
    return NULL;
}

bool cbec__edidef_datetime(const cbec_edi_segdef *sd, const cbec_node *seg, char *buf, size_t cap,
                           const cbec_node **source)
{
    if (!sd || !sd->has_dt || cap < 32)
        return false;
    if (sd->dt_value[0]) {
        /* EDIFACT: value and format code (UNTDED 2379) */
        const cbec_node *v = at_pos(seg, sd->dt_value), *f = sd->dt_format[0] ? at_pos(seg, sd->dt_format) : NULL;
        if (!v || !v->len || !f || !f->len)
            return false;
        const char *s = v->text;
        size_t n = v->len;
        *source = v;
        char code[4];
        if (f->len > 3)
            return false;
        memcpy(code, f->text, f->len);
        code[f->len] = '\0';
        size_t need = !strcmp(code, "102") ? 8 : !strcmp(code, "203") ? 12 : !strcmp(code, "204") ? 14
                    : !strcmp(code, "205") ? 17 : !strcmp(code, "303") ? 15 : !strcmp(code, "304") ? 17 : 0;
        if (!need || n != need || !all_digits(s, 8) || !cbec__edi_date_ok(s, 8))
            return false;
        int k = snprintf(buf, cap, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
        if (need == 8)
            return true;
        size_t tl = !strcmp(code, "204") || !strcmp(code, "304") ? 6 : 4;
        if (!all_digits(s + 8, tl) || !cbec__edi_time_ok(s + 8, tl))
            return false;
        k += snprintf(buf + k, cap - (size_t)k, "T%.2s:%.2s:%.2s", s + 8, s + 10, tl == 6 ? s + 12 : "00");
        const char *z = s + 8 + tl;
        size_t zn = n - 8 - tl;
        if (!strcmp(code, "205")) {
            /* ZHHMM */
            if (zn != 5 || (z[0] != '+' && z[0] != '-') || !all_digits(z + 1, 4))
                return false;
            snprintf(buf + k, cap - (size_t)k, "%c%.2s:%.2s", z[0], z + 1, z + 3);
        } else if (zn == 3) {
            /* ZZZ: a signed hour offset, or UTC */
            if (!memcmp(z, "UTC", 3) || !memcmp(z, "GMT", 3))
                snprintf(buf + k, cap - (size_t)k, "Z");
            else if ((z[0] == '+' || z[0] == '-') && all_digits(z + 1, 2))
                snprintf(buf + k, cap - (size_t)k, "%c%.2s:00", z[0], z + 1);
            else
                return false;
        }
        return true;
    }
    /* X12: date CCYYMMDD, time HHMM[SS], time code */
    const cbec_node *d = at_pos(seg, sd->dt_date);
    if (!d || d->len != 8 || !cbec__edi_date_ok(d->text, 8))
        return false;
    *source = d;
    int k = snprintf(buf, cap, "%.4s-%.2s-%.2s", d->text, d->text + 4, d->text + 6);
    const cbec_node *t = sd->dt_time[0] ? at_pos(seg, sd->dt_time) : NULL;
    if (!t || !t->len)
        return true;
    if ((t->len != 4 && t->len != 6) || !cbec__edi_time_ok(t->text, t->len))
        return false;
    k += snprintf(buf + k, cap - (size_t)k, "T%.2s:%.2s:%.2s", t->text, t->text + 2, t->len == 6 ? t->text + 4 : "00");
    const cbec_node *z = sd->dt_zone[0] ? at_pos(seg, sd->dt_zone) : NULL;
    const char *off = z && z->len ? x12_zone(z->text, z->len) : NULL;
    if (off)
        snprintf(buf + k, cap - (size_t)k, "%s", off);
    return true;
}

/* ---- a definition compiled at load, or when a message first needs it ---- */

enum { SLOT_PENDING, SLOT_READY, SLOT_BROKEN };

struct cbec_edidef_slot {
    int format;
    cbec_edidef *def;                /* once ready */
    char *message, *version, *ref;   /* deferred: from the file's head, for detection and findings */
    /* deferred: the pack's files as read at load, compiled on first use */
    const cbec_pack *pack;
    char *pack_file, *rel;
    cbec_served_file files[2];       /* the definition and its directory */
    size_t nfiles;
    pthread_mutex_t lock;
    atomic_int state;
    char error[400];
};

void cbec__edidef_slot_free(cbec_edidef_slot *s)
{
    if (!s)
        return;
    cbec__edidef_free(s->def);
    free(s->message);
    free(s->version);
    free(s->ref);
    free(s->pack_file);
    free(s->rel);
    for (size_t i = 0; i < s->nfiles; i++) {
        free((char *)s->files[i].rel);
        free((char *)s->files[i].data);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static bool slot_head_text(const cbec_node *root, const char *key, char **out)
{
    const cbec_node *n = cbec__node_member(root, key, strlen(key));
    if (!n)
        return true;
    if (n->kind != CBEC_NODE_STRING || !n->len)
        return false;
    return (*out = cbec__strndup(n->text, n->len)) != NULL;
}

/* What a definition file says of itself (message, version, reference,
 * directory), without compiling it: false when its head is not plainly
 * right (the full compile then says what is wrong). */
static bool slot_head(cbec_edidef_slot *s, const char *data, size_t len, char **dir)
{
    if (len > DEF_MAX_BYTES)
        return false;
    def_json j;
    cbec_read_error re;
    bool oom = false, ok = false;
    if (def_json_read(&j, data, len, &re, &oom)) {
        bool x12 = s->format == CBEC_FORMAT_X12;
        const cbec_node *root = j.doc.root, *syn = cbec__node_member(root, "syntax", 6);
        char *agency = NULL;
        ok = root->kind == CBEC_NODE_OBJECT && syn && syn->kind == CBEC_NODE_STRING &&
             cbec__streq(syn->text, syn->len, x12 ? "x12" : "edifact") &&
             slot_head_text(root, x12 ? "transaction" : "message", &s->message) && s->message &&
             slot_head_text(root, "version", &s->version) && s->version && slot_head_text(root, "ref", &s->ref) &&
             slot_head_text(root, "agency", &agency) && slot_head_text(root, "directory", dir);
        free(agency);
        if (ok && !s->ref) {
            char buf[160];
            snprintf(buf, sizeof buf, x12 ? "ASC X12 %s %s" : "UN/EDIFACT %s %s", s->version, s->message);
            ok = (s->ref = cbec__strdup(buf)) != NULL;
        }
    }
    def_json_release(&j);
    return ok;
}

/* Compiled at load: the definition itself answers from now on. */
static void slot_ready(cbec_edidef_slot *s, cbec_edidef *d)
{
    s->def = d;
    free(s->message);
    free(s->version);
    free(s->ref);
    s->message = s->version = s->ref = NULL;
    atomic_init(&s->state, SLOT_READY);
}

cbec_edidef_slot *cbec__edidef_slot_load(cbec_compiler *c, const cbec_node *at, const char *rel, int format,
                                         bool defer)
{
    cbec_edidef_slot *s = cbec__calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        cbec__compile_oom(c);
        return NULL;
    }
    s->format = format;
    atomic_init(&s->state, SLOT_PENDING);
    char *data = NULL, *dir = NULL;
    size_t len = 0;
    if (!defer) {
        cbec_edidef *d = cbec__edidef_load(c, at, rel, format);
        if (!d) {
            cbec__edidef_slot_free(s);
            return NULL;
        }
        slot_ready(s, d);
        return s;
    }
    /* read what the compile will need now, as a compile would (the digest
     * is the same); compile later */
    if (!cbec__compile_read_file(c, at, rel, &data, &len)) {
        cbec__edidef_slot_free(s);
        return NULL;
    }
    s->files[0] = (cbec_served_file){cbec__strdup(rel), data, len};
    s->nfiles = 1;
    if (!s->files[0].rel) {
        cbec__compile_oom(c);
        cbec__edidef_slot_free(s);
        return NULL;
    }
    if (!slot_head(s, data, len, &dir)) {
        /* not plainly right: the compile now, on the bytes just read,
         * reports it as it would without deferring */
        free(dir);
        c->served = s->files;
        c->nserved = 1;
        cbec_edidef *d = cbec__edidef_load(c, at, rel, format);
        c->served = NULL;
        c->nserved = 0;
        if (!d) {
            cbec__edidef_slot_free(s);
            return NULL;
        }
        slot_ready(s, d);
        return s;
    }
    if (dir) {
        char *ddata = NULL;
        size_t dlen = 0;
        bool read = cbec__compile_read_file(c, at, dir, &ddata, &dlen);
        s->files[1] = (cbec_served_file){dir, ddata, dlen};
        s->nfiles = 2;
        if (!read) {
            cbec__edidef_slot_free(s);
            return NULL;
        }
    }
    s->pack = c->pack;
    if (!(s->pack_file = cbec__strdup(c->file)) || !(s->rel = cbec__strdup(rel))) {
        cbec__compile_oom(c);
        cbec__edidef_slot_free(s);
        return NULL;
    }
    return s;
}

const cbec_edidef *cbec__edidef_slot_get(cbec_edidef_slot *s, const char **error)
{
    int st = atomic_load_explicit(&s->state, memory_order_acquire);
    if (st == SLOT_PENDING) {
        pthread_mutex_lock(&s->lock);
        if (atomic_load_explicit(&s->state, memory_order_relaxed) == SLOT_PENDING) {
            cbec_error *e = NULL;
            cbec_compiler c;
            memset(&c, 0, sizeof c);
            c.pack = (cbec_pack *)s->pack;
            c.file = s->pack_file;
            c.err = &e;
            c.served = s->files;
            c.nserved = s->nfiles;
            cbec_edidef *d = cbec__edidef_load(&c, NULL, s->rel, s->format);
            if (d) {
                s->def = d;
            } else {
                snprintf(s->error, sizeof s->error, "%s", e ? cbec_error_message(e) : "out of memory");
                cbec_error_free(e);
            }
            atomic_store_explicit(&s->state, d ? SLOT_READY : SLOT_BROKEN, memory_order_release);
        }
        pthread_mutex_unlock(&s->lock);
        st = atomic_load_explicit(&s->state, memory_order_acquire);
    }
    *error = st == SLOT_BROKEN ? s->error : NULL;
    return st == SLOT_READY ? s->def : NULL;
}

/* Before a deferred compile the head's strings, else the definition's
 * (at load only: a deferred compile sets def on another thread later). */
const char *cbec__edidef_slot_message(const cbec_edidef_slot *s) { return s->message ? s->message : s->def->message; }
const char *cbec__edidef_slot_version(const cbec_edidef_slot *s) { return s->version ? s->version : s->def->version; }
const char *cbec__edidef_slot_ref(const cbec_edidef_slot *s) { return s->ref ? s->ref : s->def->ref; }
