/* bind.c - format bindings: compiling a pack's "bind" map and building, per
 * message, the logical tree the rules walk from the wire tree a reader
 * made (see bind.h for the language). */
#include "pack/bind.h"
#include "pack/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WILD 8       /* "*" segments in one path */
#define MAX_SEGS 64      /* segments in one path */
#define FILE_MAX_BYTES (4u << 20)
#define FILE_MAX_DEPTH 32

typedef struct bind_field {
    cbec_path_seg *lsegs;
    size_t nl;
    const char **lkeys;          /* per logical segment: one pointer per distinct
                                    name across the binding, so building the
                                    logical tree compares pointers */
    cbec_path_seg *wsegs;
    size_t nw;
    bool relative;               /* from the occurrence "each" matched */
    unsigned lwild, wwild;       /* "*" segments on each side */
    const cbec_codelist *map;
    int attr;
} bind_field;

/* Which logical paths some field reaches (for "required"). */
typedef struct carry {
    char *name;
    size_t len;
    bool wildcard;
    bool leaf;
    struct carry **kids;
    size_t nkids;
} carry;

struct cbec_binding {
    bind_field *fields;
    size_t nfields;
    cbec_path_seg *each;
    size_t neach;
    bool has_each;
    carry *carried;
};

/* ---- freeing ---- */

static void carry_free(carry *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nkids; i++)
        carry_free(t->kids[i]);
    free(t->kids);
    free(t->name);
    free(t);
}

void cbec__binding_free(void *bp)
{
    cbec_binding *b = bp;
    if (!b)
        return;
    for (size_t i = 0; i < b->nfields; i++) {
        cbec__path_free(b->fields[i].lsegs, b->fields[i].nl);
        cbec__path_free(b->fields[i].wsegs, b->fields[i].nw);
        free(b->fields[i].lkeys);
    }
    free(b->fields);
    cbec__path_free(b->each, b->neach);
    carry_free(b->carried);
    free(b);
}

/* ---- compiling ---- */

/* Where the binding text comes from: the pack itself or a file beside it;
 * errors in a file name the file and its line. */
typedef struct src {
    cbec_compiler *c;
    const cbec_node *at;     /* the "bind" member in the pack */
    const char *file;        /* NULL: the pack itself */
    const char *text;
    size_t len;
} src;

static bool src_error(const src *s, const cbec_node *n, const char *fmt, ...) CBEC_PRINTF(3, 4);

static bool src_error(const src *s, const cbec_node *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!s->file)
        return cbec__compile_error(s->c, n, "%s", msg);
    cbec_buf ptr;
    cbec__buf_init(&ptr);
    cbec__node_pointer(n, &ptr);
    bool r = cbec__compile_error(s->c, s->at, "%s:%lu:%lu: %s: %s", s->file, (unsigned long)n->span.line,
                                 (unsigned long)n->span.column, cbec__buf_cstr(&ptr), msg);
    cbec__buf_free(&ptr);
    return r;
}

/* Split a path: absolute ("/a/b") or, when relative_ok, relative ("a/b"). */
static bool split(const src *s, const cbec_node *at, const char *text, size_t len, bool relative_ok,
                  const cbec_bind_syntax *syn, cbec_path_seg **segs, size_t *nsegs, bool *relative)
{
    *segs = NULL;
    *nsegs = 0;
    *relative = len > 0 && text[0] != '/';
    if (!len)
        return src_error(s, at, "an empty path binds nothing");
    if (*relative && !relative_ok)
        return src_error(s, at, "path \"%.*s\" must start with \"/\"%s", (int)len, text,
                         syn ? " (relative wire paths need \"each\")" : "");
    if (memchr(text, '\0', len))
        return src_error(s, at, "a path cannot hold a NUL character");
    char *p = malloc(len + 2);
    if (!p)
        return cbec__compile_oom(s->c);
    size_t k = 0;
    if (*relative)
        p[k++] = '/';
    memcpy(p + k, text, len);
    p[k + len] = '\0';
    /* compile errors would point into the pack; in a file, report here */
    for (const char *q = p; *q; q++)
        if (*q == '~' && q[1] != '0' && q[1] != '1') {
            free(p);
            return src_error(s, at, "path \"%.*s\": \"~\" must be followed by 0 or 1", (int)len, text);
        }
    bool ok = cbec__compile_path(s->c, at, p, segs, nsegs);
    free(p);
    if (!ok)
        return false;
    if (*nsegs > MAX_SEGS)
        return src_error(s, at, "path \"%.*s\" has more than %d segments", (int)len, text, MAX_SEGS);
    for (size_t i = 0; i < *nsegs; i++) {
        cbec_path_seg *g = &(*segs)[i];
        if (!g->len)
            return src_error(s, at, "path \"%.*s\" has an empty segment", (int)len, text);
        if (syn && syn->segment && !g->wildcard) {
            const char *why = NULL;
            if (!syn->segment(g->name, &g->len, &why))
                return src_error(s, at, "path \"%.*s\": %s", (int)len, text, why ? why : "bad segment");
        }
    }
    return true;
}

static unsigned wild_count(const cbec_path_seg *s, size_t n)
{
    unsigned k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i].wildcard;
    return k;
}

static bool same_seg(const cbec_path_seg *a, const cbec_path_seg *b)
{
    return a->wildcard == b->wildcard && a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
}

static void logical_text(const bind_field *f, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->nl && k + 2 < cap; i++) {
        int w = snprintf(out + k, cap - k, "/%.*s", (int)f->lsegs[i].len, f->lsegs[i].name);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Two logical paths must not put an object and an array, or a value and a
 * container, at the same place. */
static bool check_overlap(const src *s, const cbec_node *at, const bind_field *a, const bind_field *b)
{
    size_t n = a->nl < b->nl ? a->nl : b->nl, i = 0;
    while (i < n && same_seg(&a->lsegs[i], &b->lsegs[i]))
        i++;
    if (i < a->nl && i < b->nl && a->lsegs[i].wildcard == b->lsegs[i].wildcard)
        return true; /* they part at a member: no conflict (most pairs) */
    char pa[200], pb[200];
    logical_text(a, pa, sizeof pa);
    logical_text(b, pb, sizeof pb);
    if (i == a->nl && i == b->nl)
        return src_error(s, at, "logical path %s is bound twice", pa);
    if (i == a->nl || i == b->nl)
        return src_error(s, at, "logical path %s holds a bound value, so %s cannot be bound inside it",
                         i == a->nl ? pa : pb, i == a->nl ? pb : pa);
    if (a->lsegs[i].wildcard != b->lsegs[i].wildcard)
        return src_error(s, at, "logical paths %s and %s make the same node both an array and an object", pa, pb);
    return true;
}

static bool carry_add(cbec_compiler *c, carry *root, const bind_field *f)
{
    carry *t = root;
    for (size_t i = 0; i < f->nl; i++) {
        const cbec_path_seg *g = &f->lsegs[i];
        carry *next = NULL;
        for (size_t k = 0; k < t->nkids && !next; k++)
            if (t->kids[k]->wildcard == g->wildcard && t->kids[k]->len == g->len &&
                memcmp(t->kids[k]->name, g->name, g->len) == 0)
                next = t->kids[k];
        if (!next) {
            carry **kids = realloc(t->kids, (t->nkids + 1) * sizeof *kids);
            if (!kids)
                return cbec__compile_oom(c);
            t->kids = kids;
            if (!(next = cbec__calloc(1, sizeof *next)) || !(next->name = cbec__strndup(g->name, g->len))) {
                free(next);
                return cbec__compile_oom(c);
            }
            next->len = g->len;
            next->wildcard = g->wildcard;
            t->kids[t->nkids++] = next;
        }
        t = next;
    }
    t->leaf = true;
    return true;
}

static bool compile_map(const src *s, const cbec_node *m, bind_field *f)
{
    static const char *const keys[] = {"codelist", "attribute"};
    if (m->kind != CBEC_NODE_OBJECT)
        return src_error(s, m, "\"map\" must be {\"codelist\": NAME, \"attribute\": ATTRIBUTE}");
    for (uint32_t i = 0; i < m->count; i++) {
        bool known = false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(keys); k++)
            known |= cbec__streq(m->children[i].key, m->children[i].keylen, keys[k]);
        if (!known)
            return src_error(s, &m->children[i], "unknown key \"%.*s\" in \"map\" (codelist, attribute)",
                             (int)m->children[i].keylen, m->children[i].key);
    }
    const cbec_node *cl = cbec__node_member(m, "codelist", 8), *attr = cbec__node_member(m, "attribute", 9);
    if (!cl || cl->kind != CBEC_NODE_STRING || !attr || attr->kind != CBEC_NODE_STRING)
        return src_error(s, m, "\"map\" needs string \"codelist\" and \"attribute\"");
    f->map = cbec__pack_codelist(s->c->pack, cl->text, cl->len);
    if (!f->map)
        return src_error(s, cl, "no code list \"%.*s\" in this pack", (int)cl->len, cl->text);
    char *a = cbec__strndup(attr->text, attr->len);
    if (!a)
        return cbec__compile_oom(s->c);
    f->attr = cbec__codelist_attr_find(f->map, a);
    free(a);
    if (f->attr < 0)
        return src_error(s, attr, "code list \"%s\" has no attribute \"%.*s\"", f->map->name, (int)attr->len,
                         attr->text);
    return true;
}

static bool compile_field(const src *s, cbec_binding *b, const cbec_node *m, const cbec_bind_syntax *syn,
                          bind_field *f)
{
    bool rel;
    if (!split(s, m, m->key, m->keylen, false, NULL, &f->lsegs, &f->nl, &rel))
        return false;
    const cbec_node *from = m;
    if (m->kind == CBEC_NODE_OBJECT) {
        for (uint32_t i = 0; i < m->count; i++) {
            const cbec_node *k = &m->children[i];
            if (!cbec__streq(k->key, k->keylen, "from") && !cbec__streq(k->key, k->keylen, "map") &&
                !cbec__streq(k->key, k->keylen, "description"))
                return src_error(s, k, "unknown key \"%.*s\" in a field binding (from, map, description)",
                                 (int)k->keylen, k->key);
        }
        from = cbec__node_member(m, "from", 4);
        if (!from)
            return src_error(s, m, "a field binding object needs \"from\", the wire path");
        const cbec_node *map = cbec__node_member(m, "map", 3);
        if (map && !compile_map(s, map, f))
            return false;
    }
    if (from->kind != CBEC_NODE_STRING)
        return src_error(s, from, "a field binding is a wire path string or {\"from\": PATH, \"map\": ...}");
    if (!split(s, from, from->text, from->len, b->has_each, syn, &f->wsegs, &f->nw, &f->relative))
        return false;
    f->lwild = wild_count(f->lsegs, f->nl);
    f->wwild = wild_count(f->wsegs, f->nw);
    if (f->lwild > MAX_WILD || f->wwild > MAX_WILD)
        return src_error(s, m, "a path may hold at most %d \"*\"", MAX_WILD);
    if (f->lwild != f->wwild)
        return src_error(s, m, "logical path %.*s has %u \"*\" but wire path %.*s has %u: each \"*\" of the "
                         "logical path takes its index from the \"*\" at the same rank in the wire path",
                         (int)m->keylen, m->key, f->lwild, (int)from->len, from->text, f->wwild);
    return true;
}

/* Give each logical segment of f the name pointer the first field with
 * that segment name has (fields before f are done). */
static bool intern_keys(cbec_compiler *c, const cbec_binding *b, bind_field *f)
{
    if (!f->nl)
        return true;
    if (!(f->lkeys = cbec__calloc(f->nl, sizeof *f->lkeys)))
        return cbec__compile_oom(c);
    for (size_t i = 0; i < f->nl; i++) {
        const cbec_path_seg *g = &f->lsegs[i];
        f->lkeys[i] = g->name;
        bool found = false;
        for (size_t k = 0; k < b->nfields && !found; k++) {
            const bind_field *o = &b->fields[k];
            for (size_t j = 0; o != f && j < o->nl && !found; j++)
                if (!o->lsegs[j].wildcard && o->lsegs[j].len == g->len && memcmp(o->lsegs[j].name, g->name, g->len) == 0) {
                    f->lkeys[i] = o->lkeys[j];
                    found = true;
                }
        }
    }
    return true;
}

static bool compile_object(const src *s, const cbec_node *n, const cbec_bind_syntax *syn, cbec_binding *b)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return src_error(s, n, "a binding is an object {\"each\": ..., \"fields\": {...}} or the name of a JSON file holding one");
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *k = &n->children[i];
        if (!cbec__streq(k->key, k->keylen, "each") && !cbec__streq(k->key, k->keylen, "fields") &&
            !cbec__streq(k->key, k->keylen, "description") && !cbec__streq(k->key, k->keylen, "source"))
            return src_error(s, k, "unknown key \"%.*s\" in a binding (each, fields, description, source)",
                             (int)k->keylen, k->key);
    }
    const cbec_node *each = cbec__node_member(n, "each", 4);
    if (each) {
        bool rel;
        if (each->kind != CBEC_NODE_STRING)
            return src_error(s, each, "\"each\" must be a wire path");
        if (!split(s, each, each->text, each->len, false, syn, &b->each, &b->neach, &rel))
            return false;
        if (wild_count(b->each, b->neach) > MAX_WILD)
            return src_error(s, each, "a path may hold at most %d \"*\"", MAX_WILD);
        b->has_each = true;
    }
    const cbec_node *fields = cbec__node_member(n, "fields", 6);
    if (!fields || fields->kind != CBEC_NODE_OBJECT || !fields->count)
        return src_error(s, fields ? fields : n, "a binding needs \"fields\": an object of logical path -> wire path");
    if (!(b->fields = cbec__calloc(fields->count, sizeof *b->fields)) ||
        !(b->carried = cbec__calloc(1, sizeof *b->carried)))
        return cbec__compile_oom(s->c);
    for (uint32_t i = 0; i < fields->count; i++) {
        bind_field *f = &b->fields[b->nfields++];
        if (!compile_field(s, b, &fields->children[i], syn, f))
            return false;
        for (size_t k = 0; k + 1 < b->nfields; k++)
            if (!check_overlap(s, &fields->children[i], &b->fields[k], f))
                return false;
        if (!carry_add(s->c, b->carried, f))
            return false;
        if (!intern_keys(s->c, b, f))
            return false;
    }
    return true;
}

bool cbec__binding_compile(cbec_compiler *c, const cbec_node *n, const cbec_bind_syntax *syn,
                           cbec_format_spec *fs)
{
    cbec_binding *b = cbec__calloc(1, sizeof *b);
    if (!b)
        return cbec__compile_oom(c);
    fs->binding = b;
    fs->binding_free = cbec__binding_free;
    fs->bind = cbec__binding_run;
    fs->carries = cbec__binding_carries;
    src s = {c, n, NULL, NULL, 0};
    if (n->kind != CBEC_NODE_STRING)
        return compile_object(&s, n, syn, b);

    char *rel = cbec__compile_strdup(c, n);
    if (!rel)
        return false;
    char *data = NULL;
    size_t len = 0;
    bool ok = cbec__compile_read_file(c, n, rel, &data, &len);
    if (ok && len > FILE_MAX_BYTES)
        ok = cbec__compile_error(c, n, "binding file \"%s\" is larger than %u bytes", rel, FILE_MAX_BYTES);
    if (ok) {
        cbec_json_reader *rd = cbec__json_reader_new(FILE_MAX_DEPTH);
        cbec_arena arena;
        cbec__arena_init(&arena);
        cbec_doc doc;
        cbec_read_error re;
        bool oom = false;
        cbec_read_limits lim = {len + 1, FILE_MAX_DEPTH, 0};
        if (!rd) {
            ok = cbec__compile_oom(c);
        } else if (!cbec__json_read_message(rd, data, len, &lim, &arena, &doc, &re, &oom)) {
            unsigned long line = 0, col = 0;
            if (re.has_offset)
                cbec__text_position(data, len, re.offset, &line, &col);
            ok = oom ? cbec__compile_oom(c)
                     : cbec__compile_error(c, n, "%s:%lu:%lu: %s", rel, line, col, re.message_en);
        } else {
            cbec__json_message_positions(&doc);
            s.file = rel;
            s.text = data;
            s.len = len;
            ok = compile_object(&s, doc.root, syn, b);
            cbec__json_release(rd, &doc);
        }
        cbec__arena_free(&arena);
        cbec__json_reader_free(rd);
    }
    free(data);
    free(rel);
    return ok;
}

/* ---- carried fields ---- */

bool cbec__binding_carries(const void *bp, const cbec_node *holder, const char *name, size_t len)
{
    const cbec_binding *b = bp;
    /* inside a bound wire subtree: the wire format decides what is there */
    if (!holder || !(holder->flags & CBEC_NODEF_BOUND))
        return true;
    const cbec_node *steps[MAX_SEGS + 1];
    size_t n = 0;
    for (const cbec_node *p = holder; p->parent && !(p->parent->flags & CBEC_NODEF_UNITS); p = p->parent) {
        if (n == MAX_SEGS)
            return true;
        steps[n++] = p;
    }
    const carry *t = b->carried;
    while (n--) {
        const cbec_node *p = steps[n];
        bool wild = p->parent->kind == CBEC_NODE_ARRAY;
        const carry *next = NULL;
        for (size_t k = 0; k < t->nkids && !next; k++) {
            const carry *ch = t->kids[k];
            if (wild ? ch->wildcard : (!ch->wildcard && ch->len == p->keylen && memcmp(ch->name, p->key, p->keylen) == 0))
                next = ch;
        }
        if (!next)
            return true;
        t = next;
    }
    if (t->leaf)
        return true;
    for (size_t k = 0; k < t->nkids; k++)
        if (!t->kids[k]->wildcard && t->kids[k]->len == len && memcmp(t->kids[k]->name, name, len) == 0)
            return true;
    return false;
}

/* ---- building the logical tree ---- */

typedef struct bnode bnode;
struct bnode {
    const char *key;         /* member name (a logical segment) */
    size_t keylen;
    uint32_t idx;            /* array item: index of the wire occurrence */
    uint8_t kind;            /* CBEC_NODE_OBJECT / ARRAY; leaves take the wire node's */
    const cbec_node *origin; /* the occurrence a "*" matched, or the unit */
    const cbec_node *leaf;   /* the bound wire node */
    const char *text;        /* a mapped value, or NULL */
    size_t len;
    bnode *first, *last, *next;
    bnode *hint;             /* object: the member found or made last (fields
                                that share a logical parent usually follow
                                one another) */
    bnode **slots;           /* array: items by wire index, for O(1) lookup */
    size_t nslots;
    uint32_t nkids;
};

typedef struct bctx {
    cbec_vctx *v;
    cbec_arena *arena;
    size_t nodes, max_nodes;
    bool oom, too_many;
} bctx;

static bnode *bnew(bctx *x, bnode *parent)
{
    if (++x->nodes > x->max_nodes) {
        x->too_many = true;
        return NULL;
    }
    bnode *b = cbec__arena_calloc(x->arena, 1, sizeof *b);
    if (!b) {
        x->oom = true;
        return NULL;
    }
    if (parent) {
        if (parent->last)
            parent->last->next = b;
        else
            parent->first = b;
        parent->last = b;
        parent->nkids++;
    }
    return b;
}

static bool place(bctx *x, const bind_field *f, bnode *root, const cbec_node *leaf, const uint32_t *idx,
                  const cbec_node *const *occ)
{
    bnode *cur = root;
    unsigned k = 0;
    for (size_t i = 0; i < f->nl; i++) {
        const cbec_path_seg *g = &f->lsegs[i];
        bnode *ch = NULL;
        if (g->wildcard) {
            cur->kind = CBEC_NODE_ARRAY;
            /* items by wire index: a message with many lines and a binding
             * with many fields per line costs lines x fields, not lines^2 */
            if (idx[k] >= cur->nslots) {
                size_t n = cur->nslots ? cur->nslots : 8;
                while (n <= idx[k])
                    n *= 2;
                bnode **grown = cbec__arena_calloc(x->arena, n, sizeof *grown);
                if (!grown) {
                    x->oom = true;
                    return false;
                }
                if (cur->nslots)
                    memcpy(grown, cur->slots, cur->nslots * sizeof *grown);
                cur->slots = grown;
                cur->nslots = n;
            }
            ch = cur->slots[idx[k]];
            if (!ch) {
                if (!(ch = bnew(x, cur)))
                    return false;
                ch->kind = CBEC_NODE_OBJECT;
                ch->idx = idx[k];
                ch->origin = occ[k];
                cur->slots[idx[k]] = ch;
            }
            k++;
        } else {
            cur->kind = CBEC_NODE_OBJECT;
            const char *key = f->lkeys[i];
            if (cur->hint && cur->hint->key == key)
                ch = cur->hint;
            for (bnode *p = cur->first; p && !ch; p = p->next)
                if (p->key == key)
                    ch = p;
            if (!ch) {
                if (!(ch = bnew(x, cur)))
                    return false;
                ch->kind = CBEC_NODE_OBJECT;
                ch->key = key;
                ch->keylen = g->len;
            }
            cur->hint = ch;
        }
        cur = ch;
    }
    cur->leaf = leaf;
    cur->text = NULL;
    if (f->map && cbec__node_is_scalar(leaf)) {
        const cbec_code *e = cbec__codelist_get(f->map, leaf->text, leaf->len);
        const char *to = e ? cbec__code_attr(f->map, e, f->attr) : NULL;
        if (to) {
            cur->text = to;
            cur->len = strlen(to);
        }
    }
    return true;
}

/* cbec__node_member (the last member of that name wins), searched from the
 * end so it stops at the first hit. */
static const cbec_node *member(const cbec_node *obj, const char *name, size_t len)
{
    if (obj->kind != CBEC_NODE_OBJECT || !len)
        return NULL;
    for (uint32_t i = obj->count; i--;) {
        const cbec_node *c = &obj->children[i];
        if (c->keylen == len && c->key[0] == name[0] && memcmp(c->key, name, len) == 0)
            return c;
    }
    return NULL;
}

/* Every match of the wire path from n; "*" is each occurrence. */
static bool match(bctx *x, const bind_field *f, bnode *root, size_t si, const cbec_node *n, uint32_t *idx,
                  const cbec_node **occ, unsigned nw)
{
    if (si == f->nw)
        return place(x, f, root, n, idx, occ);
    const cbec_path_seg *g = &f->wsegs[si];
    if (!g->wildcard) {
        const cbec_node *m = member(n, g->name, g->len);
        return !m || match(x, f, root, si + 1, m, idx, occ, nw);
    }
    if (n->kind == CBEC_NODE_ARRAY) {
        for (uint32_t i = 0; i < n->count; i++) {
            idx[nw] = i;
            occ[nw] = &n->children[i];
            if (!match(x, f, root, si + 1, &n->children[i], idx, occ, nw + 1))
                return false;
        }
        return true;
    }
    idx[nw] = 0;
    occ[nw] = n;
    return match(x, f, root, si + 1, n, idx, occ, nw + 1);
}

/* Occurrences of the "each" path. */
static bool each_rec(bctx *x, const cbec_binding *b, size_t si, const cbec_node *n, const cbec_node ***out,
                     size_t *count, size_t *cap)
{
    if (si == b->neach) {
        if (*count == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            const cbec_node **grown = cbec__arena_alloc(x->arena, nc * sizeof *grown);
            if (!grown) {
                x->oom = true;
                return false;
            }
            if (*count)
                memcpy(grown, *out, *count * sizeof *grown);
            *out = grown;
            *cap = nc;
        }
        (*out)[(*count)++] = n;
        if (++x->nodes > x->max_nodes) {
            x->too_many = true;
            return false;
        }
        return true;
    }
    const cbec_path_seg *g = &b->each[si];
    if (!g->wildcard) {
        const cbec_node *m = member(n, g->name, g->len);
        return !m || each_rec(x, b, si + 1, m, out, count, cap);
    }
    if (n->kind == CBEC_NODE_ARRAY) {
        for (uint32_t i = 0; i < n->count; i++)
            if (!each_rec(x, b, si + 1, &n->children[i], out, count, cap))
                return false;
        return true;
    }
    return each_rec(x, b, si + 1, n, out, count, cap);
}

static const cbec_node *lca(const cbec_node *a, const cbec_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    size_t da = 0, db = 0;
    for (const cbec_node *p = a; p->parent; p = p->parent)
        da++;
    for (const cbec_node *p = b; p->parent; p = p->parent)
        db++;
    while (da > db) {
        a = a->parent;
        da--;
    }
    while (db > da) {
        b = b->parent;
        db--;
    }
    while (a != b) {
        a = a->parent;
        b = b->parent;
    }
    return a;
}

static int item_order(const void *pa, const void *pb)
{
    const bnode *a = *(const bnode *const *)pa, *b = *(const bnode *const *)pb;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static bool freeze(bctx *x, const bnode *b, cbec_node *out)
{
    out->flags |= CBEC_NODEF_BOUND;
    if (b->leaf) {
        const cbec_node *w = b->leaf;
        out->kind = w->kind;
        out->text = w->text;
        out->len = w->len;
        out->count = w->count;
        out->children = w->children;
        out->flags |= (uint8_t)(w->flags & (CBEC_NODEF_XML_ATTR | CBEC_NODEF_ELEMENT_LIST));
        if (b->text) {
            out->kind = CBEC_NODE_STRING;
            out->text = b->text;
            out->len = b->len;
        }
        out->origin = w;
        out->span = w->span;
        return true;
    }
    out->kind = b->kind;
    out->count = b->nkids;
    if (!b->nkids) {
        out->origin = b->origin;
        return true;
    }
    out->children = cbec__arena_calloc(x->arena, b->nkids, sizeof *out->children);
    if (!out->children) {
        x->oom = true;
        return false;
    }
    /* members in the order they were made; items by wire index, which is
     * the order they were made in unless a later field reached an earlier
     * occurrence first */
    bool sorted = true;
    if (b->kind == CBEC_NODE_ARRAY)
        for (const bnode *p = b->first; p && p->next && sorted; p = p->next)
            sorted = p->idx < p->next->idx;
    const bnode **kids = NULL;
    if (!sorted) {
        if (!(kids = cbec__arena_alloc(x->arena, b->nkids * sizeof *kids))) {
            x->oom = true;
            return false;
        }
        uint32_t k = 0;
        for (const bnode *p = b->first; p; p = p->next)
            kids[k++] = p;
        qsort(kids, b->nkids, sizeof *kids, item_order);
    }
    const cbec_node *common = NULL;
    const bnode *p = b->first;
    for (uint32_t i = 0; i < b->nkids; i++, p = p->next) {
        const bnode *kid = kids ? kids[i] : p;
        cbec_node *c = &out->children[i];
        c->parent = out;
        c->index = i;
        if (b->kind == CBEC_NODE_OBJECT) {
            c->key = kid->key;
            c->keylen = (uint32_t)kid->keylen;
        }
        if (!freeze(x, kid, c))
            return false;
        common = lca(common, c->origin);
    }
    out->origin = b->origin ? b->origin : common;
    if (out->origin)
        out->span = out->origin->span;
    return true;
}

bool cbec__binding_run(const void *bp, cbec_vctx *v, const cbec_doc *wire, cbec_doc *logical)
{
    const cbec_binding *b = bp;
    bctx x = {v, cbec__vctx_arena(v), wire->nodes, cbec__vctx_max_nodes(v), false, false};
    if (!x.max_nodes)
        x.max_nodes = SIZE_MAX;
    *logical = *wire;
    logical->root = NULL;
    const cbec_node *top = wire->root && wire->root->count && wire->root->kind == CBEC_NODE_OBJECT
                               ? &wire->root->children[0]
                               : wire->root;
    const cbec_node **units = NULL;
    size_t nunits = 0, cap = 0;
    bool ok = true;
    if (b->has_each) {
        ok = each_rec(&x, b, 0, wire->root, &units, &nunits, &cap);
        if (ok && !nunits) {
            /* nothing to check is not a clean bill: say so */
            cbec__vctx_fail(v, "CBEC-BIND", "the message holds no occurrence of what its binding splits it into (\"each\"): no rule was checked",
                            "报文中没有绑定（each）所指的内容，未检查任何规则");
            return false;
        }
    } else {
        units = &top;
        nunits = 1;
    }
    bnode **roots = ok && nunits ? cbec__arena_calloc(x.arena, nunits, sizeof *roots) : NULL;
    if (ok && nunits && !roots) {
        x.oom = true;
        ok = false;
    }
    uint32_t idx[MAX_WILD];
    const cbec_node *occ[MAX_WILD];
    for (size_t u = 0; ok && u < nunits; u++) {
        if (!(roots[u] = bnew(&x, NULL))) {
            ok = false;
            break;
        }
        roots[u]->kind = CBEC_NODE_OBJECT;
        roots[u]->origin = units[u];
        for (size_t i = 0; ok && i < b->nfields; i++) {
            const bind_field *f = &b->fields[i];
            ok = match(&x, f, roots[u], 0, f->relative ? units[u] : wire->root, idx, occ, 0);
        }
    }
    cbec_node *root = ok ? cbec__arena_calloc(x.arena, 1, sizeof *root) : NULL;
    if (ok && !root) {
        x.oom = true;
        ok = false;
    }
    if (ok && b->has_each) {
        root->kind = CBEC_NODE_ARRAY;
        root->flags = CBEC_NODEF_UNITS | CBEC_NODEF_BOUND;
        root->origin = top;
        root->span = top ? top->span : root->span;
        root->count = (uint32_t)nunits;
        if (nunits && !(root->children = cbec__arena_calloc(x.arena, nunits, sizeof *root->children))) {
            x.oom = true;
            ok = false;
        }
        for (size_t u = 0; ok && u < nunits; u++) {
            root->children[u].parent = root;
            root->children[u].index = (uint32_t)u;
            ok = freeze(&x, roots[u], &root->children[u]);
        }
    } else if (ok) {
        ok = freeze(&x, roots[0], root);
    }
    if (!ok) {
        if (x.too_many) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "binding the message onto its logical fields would take more than %zu nodes",
                     x.max_nodes);
            snprintf(zh, sizeof zh, "将报文映射到逻辑字段需要超过 %zu 个节点", x.max_nodes);
            cbec__vctx_fail(v, "CBEC-LIMIT-NODES", en, zh);
        } else {
            cbec__vctx_fail(v, "CBEC-BIND", "out of memory while binding the message onto its logical fields",
                            "将报文映射到逻辑字段时内存不足");
        }
        return false;
    }
    logical->root = root;
    logical->nodes = x.nodes;
    logical->positions = true;
    return true;
}
