/* edidef-section.c - the "edifact" and "x12" sections of a message type:
 * detection by message type and version, the structure check against a
 * message definition, and bindings onto the logical fields.  Bindings use
 * the format-binding language of pack/bind.c over an EDI view of each
 * message (segments and groups by name, elements by position; doc/edi.md),
 * followed by translations of external status codes through the mappings
 * of a pack's state machine. */
#include "rules/edidef.h"
#include "pack/bind.h"
#include "pack/compile.h"
#include "rules/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DETECT 16
#define MAX_VERSIONS 16

/* ---- detection ---- */

typedef struct detect_one {
    char *type;
    char *versions[MAX_VERSIONS];
    size_t nversions;
    char *agency;                /* EDIFACT 0051, NULL: any */
    char *assoc;                 /* EDIFACT 0057, NULL: any */
} detect_one;

typedef struct edi_detect {
    int format;
    detect_one items[MAX_DETECT];
    size_t n;
} edi_detect;

static void detect_free(void *p)
{
    edi_detect *d = p;
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].type);
        for (size_t k = 0; k < d->items[i].nversions; k++)
            free(d->items[i].versions[k]);
        free(d->items[i].agency);
        free(d->items[i].assoc);
    }
    free(d);
}

/* X12 versions: "004010" also matches GS08 values that extend it
 * ("004010VICS"); EDIFACT versions match exactly ("D:96A"). */
static bool version_match(int format, const char *want, const char *got)
{
    if (!strcmp(want, got))
        return true;
    size_t n = strlen(want);
    return format == CBEC_FORMAT_X12 && n == 6 && strncmp(want, got, n) == 0;
}

static bool message_matches(const edi_detect *d, const cbec_edi_message_info *m)
{
    for (size_t i = 0; i < d->n; i++) {
        const detect_one *o = &d->items[i];
        if (strcmp(o->type, m->type) != 0)
            continue;
        bool v = !o->nversions;
        for (size_t k = 0; k < o->nversions && !v; k++)
            v = version_match(d->format, o->versions[k], m->version);
        if (!v)
            continue;
        if (o->agency && strcmp(o->agency, m->agency) != 0)
            continue;
        if (o->assoc && strcmp(o->assoc, m->assoc) != 0)
            continue;
        return true;
    }
    return false;
}

static bool detect_match(const void *p, const cbec_doc *wire)
{
    const edi_detect *d = p;
    const cbec_edi_info *in = cbec__edi_info(wire);
    for (size_t i = 0; in && i < in->nmessages; i++)
        if (message_matches(d, &in->messages[i]))
            return true;
    return false;
}

static void json_string(cbec_buf *b, const char *s)
{
    cbec__buf_addc(b, '"');
    cbec__buf_add_json_escaped(b, s, strlen(s));
    cbec__buf_addc(b, '"');
}

bool cbec__edi_detect_json(const cbec_format_spec *fs, cbec_buf *b)
{
    if (fs->detect_match != detect_match)
        return false;
    const edi_detect *d = fs->detect;
    bool x12 = d->format == CBEC_FORMAT_X12;
    cbec__buf_addc(b, '[');
    for (size_t i = 0; i < d->n; i++) {
        const detect_one *o = &d->items[i];
        cbec__buf_adds(b, i ? ",{" : "{");
        cbec__buf_adds(b, x12 ? "\"transaction\":" : "\"message\":");
        json_string(b, o->type);
        if (o->nversions) {
            cbec__buf_adds(b, ",\"version\":[");
            for (size_t k = 0; k < o->nversions; k++) {
                if (k)
                    cbec__buf_addc(b, ',');
                json_string(b, o->versions[k]);
            }
            cbec__buf_addc(b, ']');
        }
        if (o->agency) {
            cbec__buf_adds(b, ",\"agency\":");
            json_string(b, o->agency);
        }
        if (o->assoc) {
            cbec__buf_adds(b, ",\"association\":");
            json_string(b, o->assoc);
        }
        cbec__buf_addc(b, '}');
    }
    cbec__buf_addc(b, ']');
    return true;
}

static bool str_or_list(cbec_compiler *c, const cbec_node *n, char **out, size_t *count, size_t max,
                        const char *what)
{
    if (n->kind == CBEC_NODE_STRING) {
        if (!n->len)
            return cbec__compile_error(c, n, "%s must not be empty", what);
        return (out[(*count)++] = cbec__compile_strdup(c, n)) != NULL;
    }
    if (n->kind != CBEC_NODE_ARRAY || !n->count || n->count > max)
        return cbec__compile_error(c, n, "%s is a string or a list of 1 to %zu strings", what, max);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *k = &n->children[i];
        if (k->kind != CBEC_NODE_STRING || !k->len)
            return cbec__compile_error(c, k, "%s is a string or a list of strings", what);
        if (!(out[(*count)++] = cbec__compile_strdup(c, k)))
            return false;
    }
    return true;
}

static bool compile_detect_one(cbec_compiler *c, const cbec_node *n, int format, detect_one *o)
{
    bool x12 = format == CBEC_FORMAT_X12;
    static const char *const ekeys[] = {"message", "version", "agency", "association"};
    static const char *const xkeys[] = {"transaction", "version"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, x12 ? "\"detect\" is {\"transaction\": \"214\", \"version\": \"004010\"}"
                                            : "\"detect\" is {\"message\": \"IFTSTA\", \"version\": \"D:96A\"}");
    if (!cbec__compile_keys(c, n, x12 ? xkeys : ekeys, x12 ? 2 : 4, "\"detect\""))
        return false;
    const cbec_node *t = cbec__node_member(n, x12 ? "transaction" : "message", x12 ? 11 : 7);
    if (!t || t->kind != CBEC_NODE_STRING || !t->len)
        return cbec__compile_error(c, n, "\"detect\" needs \"%s\"", x12 ? "transaction" : "message");
    if (!(o->type = cbec__compile_strdup(c, t)))
        return false;
    const cbec_node *v = cbec__node_member(n, "version", 7);
    if (v && !str_or_list(c, v, o->versions, &o->nversions, MAX_VERSIONS, "\"version\""))
        return false;
    const cbec_node *a = x12 ? NULL : cbec__node_member(n, "agency", 6);
    if (a && (a->kind != CBEC_NODE_STRING || !(o->agency = cbec__compile_strdup(c, a))))
        return c->status ? false : cbec__compile_error(c, a, "\"agency\" must be a string");
    const cbec_node *s = x12 ? NULL : cbec__node_member(n, "association", 11);
    if (s && (s->kind != CBEC_NODE_STRING || !(o->assoc = cbec__compile_strdup(c, s))))
        return c->status ? false : cbec__compile_error(c, s, "\"association\" must be a string");
    return true;
}

/* ---- the section's state ---- */

typedef struct xlate {
    cbec_path_seg *segs;
    size_t nsegs;
    const cbec_statemachine *machine;
    char *mapping;
} xlate;

typedef struct edi_section {
    int format;
    const cbec_pack *pack;
    cbec_edidef_slot *def;               /* the definition, NULL: none */
    const edi_detect *detect;           /* owned by the format spec */
    cbec_rule rules[CBEC_EDI_P_COUNT_];  /* one built-in rule per problem, of this pack */
    bool rules_made;
    /* binding */
    void *binding;                       /* pack/bind.c, NULL: none */
    xlate *xl;
    size_t nxl;
    int refs;                            /* structure and binding share it */
} edi_section;

static void section_release(void *p)
{
    edi_section *s = p;
    if (!s || --s->refs > 0)
        return;
    cbec__edidef_slot_free(s->def);
    for (int i = 0; i < CBEC_EDI_P_COUNT_; i++) {
        free(s->rules[i].id);
        free(s->rules[i].ref);
        free(s->rules[i].path);
        free(s->rules[i].where);
    }
    cbec__binding_free(s->binding);
    for (size_t i = 0; i < s->nxl; i++) {
        cbec__path_free(s->xl[i].segs, s->xl[i].nsegs);
        free(s->xl[i].mapping);
    }
    free(s->xl);
    free(s);
}

static const cbec_check_kind edi_kind = {
    "ediStructure", 0, NULL, NULL, NULL, "{reason}", "{reason}", NULL,
};

/* Built-in rules of the section: the problems a definition finds, with the
 * pack and the definition's reference. */
static bool make_rules(cbec_compiler *c, cbec_msgtype *t, edi_section *s)
{
    const char *ref = s->def ? cbec__edidef_slot_ref(s->def) : (s->format == CBEC_FORMAT_X12 ? "ASC X12" : "ISO 9735");
    for (int p = 1; p < CBEC_EDI_P_COUNT_; p++) {
        const cbec_edi_problem_info *pi = cbec__edi_problem(p);
        cbec_rule *r = &s->rules[p];
        r->pack = c->pack;
        r->msgtype = t;
        r->severity = p == CBEC_EDI_P_NOT_CHECKED ? CBEC_SEVERITY_INFO : CBEC_SEVERITY_ERROR;
        if (!(r->id = cbec__strdup(pi->rule)) || !(r->ref = cbec__strdup(ref)) || !(r->path = cbec__strdup("")) ||
            !(r->where = cbec__strdup("")))
            return cbec__compile_oom(c);
    }
    s->rules_made = true;
    return true;
}

/* ---- structure ---- */

typedef struct run_ctx {
    const edi_section *s;
    cbec_vctx *v;
} run_ctx;

static void report_problem(void *p, int problem, const cbec_node *seg, unsigned element, unsigned component,
                           const char *en, const char *zh)
{
    run_ctx *x = p;
    cbec_span at = seg->span;
    at.element = (uint16_t)(element > 0xFFFF ? 0xFFFF : element);
    at.component = (uint16_t)(component > 0xFFFF ? 0xFFFF : component);
    /* the node of the element when it is there, so the finding shows its
     * value and position; the segment otherwise */
    const cbec_node *node = element ? cbec__edi_element(seg, element) : NULL;
    if (node && component)
        node = cbec__edi_component(node, component);
    if (!node) {
        node = seg;
    } else {
        at.offset = node->span.offset;
        at.line = node->span.line;
        at.column = node->span.column;
    }
    cbec_finding_args a = {NULL, en, zh, "{reason}", "{reason}", &at};
    cbec__finding(x->v, &x->s->rules[problem], &edi_kind, node, &a);
}

static char decimal_of(const cbec_edi_info *in, const cbec_edi_message_info *m)
{
    return m->interchange < in->ninterchanges ? in->interchanges[m->interchange].decimal : '.';
}

/* The section's definition, compiled now if it was deferred; NULL (and
 * the validation failed with CBEC-EDI-DEFINITION) when it does not
 * compile: every message that needs it fails. */
static const cbec_edidef *definition(const edi_section *s, cbec_vctx *v)
{
    const char *why = NULL;
    const cbec_edidef *d = cbec__edidef_slot_get(s->def, &why);
    if (!d) {
        char en[480], zh[480];
        snprintf(en, sizeof en, "the %s definition of pack %s does not compile: %s",
                 s->format == CBEC_FORMAT_X12 ? "X12" : "EDIFACT", s->pack->label, why ? why : "");
        snprintf(zh, sizeof zh, "规则包 %s 的 %s 报文定义无法编译：%s", s->pack->label,
                 s->format == CBEC_FORMAT_X12 ? "X12" : "EDIFACT", why ? why : "");
        cbec__vctx_fail(v, "CBEC-EDI-DEFINITION", en, zh);
    }
    return d;
}

static void structure_run(const void *p, cbec_vctx *v, const cbec_doc *wire)
{
    const edi_section *s = p;
    const cbec_edi_info *in = cbec__edi_info(wire);
    if (!in)
        return;
    run_ctx x = {s, v};
    for (size_t i = 0; i < in->nmessages; i++) {
        const cbec_edi_message_info *m = &in->messages[i];
        if (!message_matches(s->detect, m)) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "message %.20s %.20s is not of the type this validation is for: not checked",
                     *m->type ? m->type : "?", m->version);
            snprintf(zh, sizeof zh, "报文 %.20s %.20s 不属于本次校验的报文类型：未检查", *m->type ? m->type : "?",
                     m->version);
            const cbec_node *hdr = m->header ? in->segments[m->header - 1] : m->node;
            cbec_finding_args a = {NULL, en, zh, "{reason}", "{reason}", NULL};
            cbec__finding(v, &s->rules[CBEC_EDI_P_NOT_CHECKED], &edi_kind, hdr, &a);
            continue;
        }
        if (!s->def)
            continue;
        const cbec_edidef *d = definition(s, v);
        if (!d)
            return;
        if (!cbec__edidef_match(d, m, decimal_of(in, m), cbec__vctx_scratch(v), report_problem, &x))
            cbec__vctx_fail(v, "CBEC-LIMIT-NODES", "out of memory while checking the message structure",
                            "检查报文结构时内存不足");
        cbec__arena_reset(cbec__vctx_scratch(v));
    }
}

/* ---- the EDI view a binding reads ---- */

typedef struct vctx {
    cbec_arena *arena;
    size_t nodes, max_nodes;
    bool oom, too_many;
} vctx;

static cbec_node *vnodes(vctx *x, size_t n)
{
    if (x->nodes + n > x->max_nodes) {
        x->too_many = true;
        return NULL;
    }
    cbec_node *a = cbec__arena_calloc(x->arena, n ? n : 1, sizeof *a);
    if (!a) {
        x->oom = true;
        return NULL;
    }
    x->nodes += n;
    return a;
}

static const char *pos_key(vctx *x, unsigned e, unsigned c)
{
    char buf[16];
    int n = c ? snprintf(buf, sizeof buf, "%02u-%02u", e, c) : snprintf(buf, sizeof buf, "%02u", e);
    char *k = cbec__arena_strndup(x->arena, buf, (size_t)n);
    if (!k)
        x->oom = true;
    return k;
}

static void set_key(cbec_node *n, const char *key)
{
    n->key = key;
    n->keylen = key ? (uint32_t)strlen(key) : 0;
}

/* A copy of wire leaf w under parent (keeps its text and position). */
static void leaf(cbec_node *dst, const cbec_node *w, cbec_node *parent, uint32_t index, const char *key)
{
    *dst = *w;
    dst->parent = parent;
    dst->index = index;
    dst->children = NULL;
    dst->count = 0;
    dst->flags = 0;
    set_key(dst, key);
}

/* An element, or one repetition of it: its value when simple, else an
 * object of its components by position ("01", "02", ...). */
static bool view_value(vctx *x, cbec_node *dst, const cbec_node *w, cbec_node *parent, uint32_t index,
                       const char *key)
{
    if (w->kind == CBEC_NODE_STRING) {
        leaf(dst, w, parent, index, key);
        return true;
    }
    cbec_node *kids = vnodes(x, w->count);
    if (!kids)
        return false;
    *dst = *w;
    dst->kind = CBEC_NODE_OBJECT;
    dst->flags = 0;
    dst->parent = parent;
    dst->index = index;
    dst->children = kids;
    set_key(dst, key);
    for (uint32_t i = 0; i < w->count; i++) {
        const char *k = pos_key(x, i + 1, 0);
        if (!k)
            return false;
        if (w->children[i].kind == CBEC_NODE_STRING)
            leaf(&kids[i], &w->children[i], dst, i, k);
        else if (!view_value(x, &kids[i], &w->children[i], dst, i, k))
            return false;
    }
    return true;
}

/* A segment occurrence: elements by position ("01"), components also
 * flattened ("01-02"), and "iso" for a date-time the definition composes. */
static bool view_segment(vctx *x, cbec_node *dst, const cbec_node *seg, const cbec_edi_segdef *sd, cbec_node *parent,
                         uint32_t index, const char *key)
{
    uint32_t nel = seg->count ? seg->count - 1 : 0, members = 0;
    for (uint32_t e = 1; e <= nel; e++) {
        const cbec_node *el = &seg->children[e];
        members++;
        const cbec_node *first = el->kind == CBEC_NODE_ARRAY && (el->flags & CBEC_NODEF_EDI_REPEAT) && el->count
                                     ? &el->children[0] : el;
        members += first->kind == CBEC_NODE_ARRAY ? first->count : 1;
    }
    char iso[48];
    const cbec_node *src = NULL;
    bool has_iso = cbec__edidef_datetime(sd, seg, iso, sizeof iso, &src);
    cbec_node *kids = vnodes(x, members + has_iso);
    if (!kids)
        return false;
    *dst = *seg;
    dst->kind = CBEC_NODE_OBJECT;
    dst->flags = 0;
    dst->parent = parent;
    dst->index = index;
    dst->children = kids;
    dst->count = members + has_iso;
    set_key(dst, key);
    uint32_t k = 0;
    for (uint32_t e = 1; e <= nel; e++) {
        const cbec_node *el = &seg->children[e];
        const char *ek = pos_key(x, e, 0);
        if (!ek)
            return false;
        cbec_node *slot = &kids[k];
        if (el->kind == CBEC_NODE_ARRAY && (el->flags & CBEC_NODEF_EDI_REPEAT)) {
            cbec_node *occ = vnodes(x, el->count);
            if (!occ)
                return false;
            *slot = *el;
            slot->kind = CBEC_NODE_ARRAY;
            slot->flags = 0;
            slot->parent = dst;
            slot->index = k;
            slot->children = occ;
            set_key(slot, ek);
            for (uint32_t r = 0; r < el->count; r++)
                if (!view_value(x, &occ[r], &el->children[r], slot, r, NULL))
                    return false;
        } else if (!view_value(x, slot, el, dst, k, ek)) {
            return false;
        }
        k++;
        const cbec_node *first = el->kind == CBEC_NODE_ARRAY && (el->flags & CBEC_NODEF_EDI_REPEAT) && el->count
                                     ? &el->children[0] : el;
        uint32_t nc = first->kind == CBEC_NODE_ARRAY ? first->count : 1;
        for (uint32_t c = 0; c < nc; c++) {
            const cbec_node *w = first->kind == CBEC_NODE_ARRAY ? &first->children[c] : first;
            const char *ck = pos_key(x, e, c + 1);
            if (!ck)
                return false;
            if (w->kind == CBEC_NODE_STRING)
                leaf(&kids[k], w, dst, k, ck);
            else if (!view_value(x, &kids[k], w, dst, k, ck))
                return false;
            k++;
        }
    }
    if (has_iso) {
        char *t = cbec__arena_strndup(x->arena, iso, strlen(iso));
        if (!t) {
            x->oom = true;
            return false;
        }
        leaf(&kids[k], src, dst, k, "iso");
        kids[k].text = t;
        kids[k].len = strlen(t);
        k++;
    }
    dst->count = k;
    return true;
}

/* The qualifier of a segment: its first element's first component. */
static void qualifier(const cbec_node *seg, const char **q, size_t *n)
{
    const cbec_node *c = cbec__edi_component(cbec__edi_element(seg, 1), 1);
    *q = c && c->kind == CBEC_NODE_STRING ? c->text : "";
    *n = c && c->kind == CBEC_NODE_STRING ? c->len : 0;
}

typedef struct vkey {
    char *name;           /* "DTM", "DTM[137]", "SG4", ... */
    size_t len;
    cbec_edi_item **items;
    size_t n, cap;
} vkey;

static bool key_add(vctx *x, cbec_strmap *map, vkey **keys, size_t *nkeys, size_t *cap, const char *name,
                    size_t len, cbec_edi_item *it)
{
    const cbec_strmap_entry *e = cbec__strmap_get(map, name, len);
    vkey *k;
    if (e) {
        k = &(*keys)[(size_t)(uintptr_t)e->value - 1];
    } else {
        if (*nkeys == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            vkey *g = cbec__arena_alloc(x->arena, nc * sizeof *g);
            if (!g) {
                x->oom = true;
                return false;
            }
            if (*nkeys)
                memcpy(g, *keys, *nkeys * sizeof *g);
            *keys = g;
            *cap = nc;
        }
        k = &(*keys)[*nkeys];
        memset(k, 0, sizeof *k);
        if (!(k->name = cbec__arena_strndup(x->arena, name, len))) {
            x->oom = true;
            return false;
        }
        k->len = len;
        (*nkeys)++;
        if (!cbec__strmap_put(map, k->name, len, (void *)(uintptr_t)*nkeys, NULL)) {
            x->oom = true;
            return false;
        }
    }
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 4;
        cbec_edi_item **g = cbec__arena_alloc(x->arena, nc * sizeof *g);
        if (!g) {
            x->oom = true;
            return false;
        }
        if (k->n)
            memcpy(g, k->items, k->n * sizeof *g);
        k->items = g;
        k->cap = nc;
    }
    k->items[k->n++] = it;
    return true;
}

static bool view_instance(vctx *x, cbec_node *dst, const cbec_edi_inst *inst, cbec_node *parent, uint32_t index,
                          const char *key, unsigned depth);

/* The node an item stands for, placed at dst. */
static bool view_item(vctx *x, cbec_node *dst, cbec_edi_item *it, cbec_node *parent, uint32_t index, const char *key,
                      unsigned depth)
{
    if (it->group)
        return view_instance(x, dst, it->group, parent, index, key, depth + 1);
    return view_segment(x, dst, it->seg, it->def, parent, index, key);
}

/* A group instance (or the message): one member per segment tag and group
 * name ("DTM": the first, "DTM[]": all, "DTM[137]": the first whose
 * qualifier is 137, "DTM[137][]": all of those). */
static bool view_instance(vctx *x, cbec_node *dst, const cbec_edi_inst *inst, cbec_node *parent, uint32_t index,
                          const char *key, unsigned depth)
{
    if (depth > 32) {
        x->too_many = true;
        return false;
    }
    cbec_strmap map;
    cbec__strmap_init(&map);
    vkey *keys = NULL;
    size_t nkeys = 0, cap = 0;
    bool ok = true;
    char buf[96];
    for (cbec_edi_item *it = inst->first; it && ok; it = it->next) {
        const char *name;
        size_t nl;
        const cbec_node *trig = it->group ? (it->group->first ? it->group->first->seg : NULL) : it->seg;
        if (it->group) {
            name = it->group->name;
            nl = strlen(name);
        } else {
            name = cbec__edi_tag(it->seg, &nl);
        }
        if (!nl || nl > 40)
            continue;
        const char *q;
        size_t qn;
        qualifier(trig, &q, &qn);
        ok = key_add(x, &map, &keys, &nkeys, &cap, name, nl, it);
        if (ok && qn && qn <= 35) {
            int n = snprintf(buf, sizeof buf, "%.*s[%.*s]", (int)nl, name, (int)qn, q);
            ok = n > 0 && (size_t)n < sizeof buf && key_add(x, &map, &keys, &nkeys, &cap, buf, (size_t)n, it);
        }
    }
    cbec__strmap_free(&map);
    if (!ok)
        return false;
    /* two members per key: the first occurrence and the list */
    cbec_node *kids = vnodes(x, nkeys * 2);
    if (!kids)
        return false;
    const cbec_node *anchor = inst->first && inst->first->seg ? inst->first->seg : NULL;
    memset(dst, 0, sizeof *dst);
    dst->kind = CBEC_NODE_OBJECT;
    dst->parent = parent;
    dst->index = index;
    dst->children = kids;
    dst->count = (uint32_t)(nkeys * 2);
    set_key(dst, key);
    if (anchor)
        dst->span = anchor->span;
    for (size_t i = 0; i < nkeys; i++) {
        vkey *k = &keys[i];
        cbec_node *first = &kids[2 * i], *list = &kids[2 * i + 1];
        char *lname = cbec__arena_alloc(x->arena, k->len + 3);
        if (!lname) {
            x->oom = true;
            return false;
        }
        memcpy(lname, k->name, k->len);
        memcpy(lname + k->len, "[]", 3);
        if (!view_item(x, first, k->items[0], dst, (uint32_t)(2 * i), k->name, depth))
            return false;
        cbec_node *occ = vnodes(x, k->n);
        if (!occ)
            return false;
        memset(list, 0, sizeof *list);
        list->kind = CBEC_NODE_ARRAY;
        list->parent = dst;
        list->index = (uint32_t)(2 * i + 1);
        list->children = occ;
        list->count = (uint32_t)k->n;
        list->span = first->span;
        set_key(list, lname);
        /* the first occurrence is shared (its members keep the path of
         * the named member); the others are built here */
        occ[0] = *first;
        occ[0].parent = list;
        occ[0].index = 0;
        occ[0].key = NULL;
        occ[0].keylen = 0;
        for (size_t j = 1; j < k->n; j++)
            if (!view_item(x, &occ[j], k->items[j], list, (uint32_t)j, NULL, depth))
                return false;
    }
    return true;
}

/* ---- binding ---- */

static bool carries(const void *p, const cbec_node *holder, const char *name, size_t len)
{
    const edi_section *s = p;
    return !s->binding || cbec__binding_carries(s->binding, holder, name, len);
}

/* Translate the leaves at a logical path through a state machine's
 * mapping.  Returns true for a leaf whose code maps to no state (an
 * informational status): the item of the innermost "*" holding it is
 * dropped, since it changes no state. */
static bool translate_at(const xlate *t, cbec_node *n, size_t si)
{
    if (si == t->nsegs) {
        if (n->kind != CBEC_NODE_STRING)
            return false;
        int k = cbec__statemachine_map(t->machine, t->mapping, n->text, n->len);
        const char *name = k >= 0 ? cbec__statemachine_state_name(t->machine, k) : NULL;
        if (name) {
            n->text = name;
            n->len = strlen(name);
        }
        return k == -2;
    }
    const cbec_path_seg *g = &t->segs[si];
    if (!g->wildcard) {
        cbec_node *m = (cbec_node *)cbec__node_member(n, g->name, g->len);
        return m && translate_at(t, m, si + 1);
    }
    if (n->kind != CBEC_NODE_ARRAY && n->kind != CBEC_NODE_OBJECT)
        return false;
    uint32_t keep = 0;
    for (uint32_t i = 0; i < n->count; i++) {
        if (translate_at(t, &n->children[i], si + 1) && n->kind == CBEC_NODE_ARRAY)
            continue;
        if (keep != i) {
            n->children[keep] = n->children[i];
            n->children[keep].index = keep;
            for (uint32_t c = 0; c < n->children[keep].count; c++)
                n->children[keep].children[c].parent = &n->children[keep];
        }
        keep++;
    }
    n->count = keep;
    return false;
}

static void translate(const edi_section *s, cbec_node *root)
{
    for (size_t i = 0; i < s->nxl; i++)
        translate_at(&s->xl[i], root, 0);
}

static bool bind(const void *p, cbec_vctx *v, const cbec_doc *wire, cbec_doc *logical)
{
    const edi_section *s = p;
    const cbec_edi_info *in = cbec__edi_info(wire);
    if (!in || !s->binding)
        return false;
    vctx x = {cbec__vctx_arena(v), wire->nodes, cbec__vctx_max_nodes(v), false, false};
    if (!x.max_nodes)
        x.max_nodes = SIZE_MAX;
    size_t n = 0;
    for (size_t i = 0; i < in->nmessages; i++)
        n += message_matches(s->detect, &in->messages[i]);
    cbec_node *root = vnodes(&x, 1), *arr = root ? vnodes(&x, 1) : NULL;
    cbec_node *msgs = arr && n ? vnodes(&x, n) : NULL;
    bool ok = arr && (!n || msgs);
    if (ok) {
        root->kind = CBEC_NODE_OBJECT;
        root->children = arr;
        root->count = 1;
        arr->kind = CBEC_NODE_ARRAY;
        arr->parent = root;
        set_key(arr, "messages");
        arr->children = msgs;
        arr->count = (uint32_t)n;
    }
    size_t k = 0;
    for (size_t i = 0; ok && i < in->nmessages; i++) {
        const cbec_edi_message_info *m = &in->messages[i];
        if (!message_matches(s->detect, m))
            continue;
        cbec_edi_inst *inst;
        if (s->def) {
            /* a definition that does not compile was reported by the
             * structure check, which runs first */
            const char *why;
            const cbec_edidef *d = cbec__edidef_slot_get(s->def, &why);
            if (!d)
                return false;
            inst = cbec__edidef_match(d, m, decimal_of(in, m), x.arena, NULL, NULL);
        } else {
            /* no definition: the message's segments side by side */
            inst = cbec__arena_calloc(x.arena, 1, sizeof *inst);
            const cbec_node *segs = m->node ? cbec__node_member(m->node, "segments", 8) : NULL;
            for (uint32_t j = 0; inst && segs && j < segs->count; j++) {
                cbec_edi_item *it = cbec__arena_calloc(x.arena, 1, sizeof *it);
                if (!it) {
                    inst = NULL;
                    break;
                }
                it->seg = &segs->children[j];
                if (inst->last)
                    inst->last->next = it;
                else
                    inst->first = it;
                inst->last = it;
                inst->count++;
            }
            if (inst)
                inst->name = "";
        }
        if (!inst) {
            x.oom = true;
            ok = false;
            break;
        }
        ok = view_instance(&x, &msgs[k], inst, arr, (uint32_t)k, NULL, 0);
        if (ok && m->node)
            msgs[k].span = m->node->span;
        k++;
    }
    if (ok && n)
        root->span = msgs[0].span;
    if (!ok) {
        if (x.too_many) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "viewing the message for its binding would take more than %zu nodes", x.max_nodes);
            snprintf(zh, sizeof zh, "为映射构建报文视图需要超过 %zu 个节点", x.max_nodes);
            cbec__vctx_fail(v, "CBEC-LIMIT-NODES", en, zh);
        } else {
            cbec__vctx_fail(v, "CBEC-BIND", "out of memory while binding the message onto its logical fields",
                            "将报文映射到逻辑字段时内存不足");
        }
        return false;
    }
    cbec_doc view = *wire;
    view.root = root;
    view.nodes = x.nodes;
    if (!cbec__binding_run(s->binding, v, &view, logical))
        return false;
    if (logical->root && s->nxl) {
        if (logical->root->flags & CBEC_NODEF_UNITS)
            for (uint32_t u = 0; u < logical->root->count; u++)
                translate(s, &logical->root->children[u]);
        else
            translate(s, logical->root);
    }
    return true;
}

/* ---- compiling the section ---- */

static bool compile_translate(cbec_compiler *c, const cbec_node *n, edi_section *s)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"translate\" maps logical paths to {\"statemachine\", \"mapping\"}");
    if (n->count && !(s->xl = cbec__calloc(n->count, sizeof *s->xl)))
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        xlate *t = &s->xl[s->nxl++];
        static const char *const keys[] = {"statemachine", "mapping"};
        if (e->kind != CBEC_NODE_OBJECT || !cbec__compile_keys(c, e, keys, 2, "a translation"))
            return c->status ? false : cbec__compile_error(c, e, "a translation is {\"statemachine\", \"mapping\"}");
        const cbec_node *m = cbec__node_member(e, "statemachine", 12), *mp = cbec__node_member(e, "mapping", 7);
        if (!m || m->kind != CBEC_NODE_STRING || !mp || mp->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, e, "a translation needs string \"statemachine\" and \"mapping\"");
        t->machine = cbec__pack_statemachine(c->pack, m->text, m->len);
        if (!t->machine)
            return cbec__compile_error(c, m, "no state machine \"%.*s\" in this pack", (int)m->len, m->text);
        if (!(t->mapping = cbec__compile_strdup(c, mp)))
            return false;
        if (!cbec__statemachine_has_mapping(t->machine, t->mapping))
            return cbec__compile_error(c, mp, "state machine %.*s has no mapping \"%s\"", (int)m->len, m->text,
                                       t->mapping);
        char *path = cbec__strndup(e->key, e->keylen);
        if (!path)
            return cbec__compile_oom(c);
        bool ok = cbec__compile_path(c, e, path, &t->segs, &t->nsegs);
        free(path);
        if (!ok)
            return false;
    }
    return true;
}

/* Wire path segments of EDI bindings are keys of the view as written. */
static const cbec_bind_syntax edi_syntax = {"EDI", NULL};

static bool section(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out, int format)
{
    static const char *const keys[] = {"detect", "definition", "bind", "translate", "description"};
    bool x12 = format == CBEC_FORMAT_X12;
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), x12 ? "the \"x12\" section" : "the \"edifact\" section"))
        return false;
    edi_section *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    s->format = format;
    s->pack = c->pack;
    s->refs = 1;
    out->structure = s;
    out->structure_run = structure_run;
    out->structure_free = section_release;
    const cbec_node *def = cbec__node_member(n, "definition", 10);
    if (def) {
        if (def->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, def, "\"definition\" names a message definition file beside the pack");
        char *rel = cbec__compile_strdup(c, def);
        if (!rel)
            return false;
        s->def = cbec__edidef_slot_load(c, def, rel, format, c->opts->defer_compile);
        free(rel);
        if (!s->def)
            return false;
    }
    /* detection: as written, else what the definition defines */
    edi_detect *d = cbec__calloc(1, sizeof *d);
    if (!d)
        return cbec__compile_oom(c);
    d->format = format;
    out->detect = d;
    out->detect_match = detect_match;
    out->detect_free = detect_free;
    s->detect = d;
    const cbec_node *det = cbec__node_member(n, "detect", 6);
    if (det && det->kind == CBEC_NODE_ARRAY) {
        if (!det->count || det->count > MAX_DETECT)
            return cbec__compile_error(c, det, "\"detect\" lists 1 to %d message kinds", MAX_DETECT);
        for (uint32_t i = 0; i < det->count; i++)
            if (!compile_detect_one(c, &det->children[i], format, &d->items[d->n++]))
                return false;
    } else if (det) {
        if (!compile_detect_one(c, det, format, &d->items[d->n++]))
            return false;
    } else if (s->def) {
        detect_one *o = &d->items[d->n++];
        if (!(o->type = cbec__strdup(cbec__edidef_slot_message(s->def))) ||
            !(o->versions[0] = cbec__strdup(cbec__edidef_slot_version(s->def))))
            return cbec__compile_oom(c);
        o->nversions = 1;
    } else {
        return cbec__compile_error(c, n, "the \"%s\" section needs \"detect\" or a \"definition\" to tell its messages",
                                   x12 ? "x12" : "edifact");
    }
    if (!make_rules(c, t, s))
        return false;
    const cbec_node *b = cbec__node_member(n, "bind", 4);
    if (b) {
        cbec_format_spec tmp;
        memset(&tmp, 0, sizeof tmp);
        bool ok = cbec__binding_compile(c, b, &edi_syntax, &tmp);
        s->binding = tmp.binding;
        if (!ok)
            return false;
        s->refs++;
        out->binding = s;
        out->bind = bind;
        out->binding_free = section_release;
        out->carries = carries;
    }
    const cbec_node *tr = cbec__node_member(n, "translate", 9);
    if (tr) {
        if (!b)
            return cbec__compile_error(c, tr, "\"translate\" works on the fields of \"bind\"");
        if (!compile_translate(c, tr, s))
            return false;
    }
    return true;
}

bool cbec__edifact_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out)
{
    return section(c, t, n, out, CBEC_FORMAT_EDIFACT);
}

bool cbec__x12_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out)
{
    return section(c, t, n, out, CBEC_FORMAT_X12);
}
