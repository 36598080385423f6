/* schema.c - compiling JSON Schema (2020-12, draft-07): finding the
 * resources of each document ($id, $anchor, $dynamicAnchor), loading
 * referenced documents from the allowed places only (the schema's own
 * directory, caller-given URI prefixes, the embedded metaschemas), and
 * turning every schema object once into a js_node with its keywords parsed
 * and its references resolved, without recursion (a work list), so deep or
 * cyclic schemas compile in bounded stack. */
#define _DEFAULT_SOURCE
#include "rules/schema-int.h"
#include "rules/schema-meta.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MAX_BYTES (16u << 20)
#define DOC_MAX_DEPTH 512
#define DOC_MAX_NODES 2000000u
#define MAX_DOCS 256
#define MAX_META_DEPTH 8

/* ---- pointer-keyed map ---- */

typedef struct ptrmap {
    const void **keys;
    void **vals;
    size_t cap, count;
} ptrmap;

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void *ptrmap_get(const ptrmap *m, const void *k)
{
    if (!m->cap)
        return NULL;
    for (size_t i = ptr_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return NULL;
        if (m->keys[i] == k)
            return m->vals[i];
    }
}

static bool ptrmap_put(ptrmap *m, const void *k, void *v)
{
    if ((m->count + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        const void **keys = calloc(cap, sizeof *keys);
        void **vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return false;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = ptr_hash(m->keys[i]) & (cap - 1);
                while (keys[j])
                    j = (j + 1) & (cap - 1);
                keys[j] = m->keys[i];
                vals[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = ptr_hash(k) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->count++;
    m->keys[i] = k;
    m->vals[i] = v;
    return true;
}

static void ptrmap_free(ptrmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- the embedded metaschemas ---- */

const cbec_schema_meta *cbec__schema_meta_find(const char *uri)
{
    size_t n = strlen(uri);
    if (n && uri[n - 1] == '#')
        n--;
    /* the draft-07 metaschema is also asked for over https */
    static const char https7[] = "https://json-schema.org/draft-07/schema";
    if (n == sizeof https7 - 1 && memcmp(uri, https7, n) == 0) {
        uri = "http://json-schema.org/draft-07/schema";
        n = strlen(uri);
    }
    for (size_t i = 0; i < cbec__schema_nmetas; i++)
        if (strlen(cbec__schema_metas[i].uri) == n && memcmp(cbec__schema_metas[i].uri, uri, n) == 0)
            return &cbec__schema_metas[i];
    return NULL;
}

/* ---- documents and the compile context ---- */

typedef struct js_doc {
    char *uri;               /* retrieval URI (no fragment) */
    char *file;              /* for messages: a path, or the URI */
    char *display;           /* prefix of keyword locations ("" for the root document) */
    char *src;               /* owned text (NULL for a borrowed tree) */
    size_t len;
    cbec_arena arena;
    cbec_doc doc;
    const cbec_node *root;
    bool owned;
} js_doc;

/* What discovery learned about a schema object. */
typedef struct js_info {
    const char *base;        /* absolute base URI */
    int draft;
    unsigned vocab;
    js_res *res;
    js_doc *doc;
} js_info;

/* A resource before compile: its raw dynamic anchors. */
typedef struct res_build {
    js_res *res;
    const cbec_node **raw;
    const char **names;
    size_t n;
    bool done;
} res_build;

typedef struct js_cc {
    const cbec_schema_config *cfg;
    cbec_schema *s;
    cbec_schema_error *e;
    bool failed;
    ptrmap info;             /* raw node -> js_info* */
    ptrmap compiled;         /* raw node -> js_node* */
    ptrmap res_builds;       /* js_res* -> res_build* */
    cbec_strmap uris;        /* absolute URI (no fragment) -> raw node */
    cbec_strmap anchors;     /* "uri#name" -> raw node */
    js_node **queue;
    size_t nqueue, capqueue;
    res_build **builds;
    size_t nbuilds;
    char *implicit_prefix;   /* the root's $id directory ... */
    char *implicit_target;   /* ... is the root file's directory (a cbec-file: URI) */
    int meta_depth;
} js_cc;

static bool cc_oom(js_cc *cc)
{
    if (!cc->failed) {
        snprintf(cc->e->message, sizeof cc->e->message, "out of memory");
        cc->e->oom = true;
    }
    cc->failed = true;
    return false;
}

static const char *arena_str(js_cc *cc, const char *s, size_t n)
{
    char *d = cbec__arena_strndup(&cc->s->arena, s, n);
    if (!d)
        cc_oom(cc);
    return d;
}

/* JSON Pointer of n from its document's root (top). */
static void pointer_from(const cbec_node *top, const cbec_node *n, cbec_buf *b)
{
    const cbec_node *chain[DOC_MAX_DEPTH + 2];
    size_t k = 0;
    for (const cbec_node *p = n; p && p != top && k < CBEC_ARRAY_LEN(chain); p = p->parent)
        chain[k++] = p;
    while (k--) {
        const cbec_node *c = chain[k];
        cbec__buf_addc(b, '/');
        if (c->key)
            cbec__buf_add_pointer_token(b, c->key, c->keylen);
        else
            cbec__buf_add_ulong(b, c->index);
    }
}

static bool cc_error(js_cc *cc, js_doc *d, const cbec_node *at, const char *fmt, ...) CBEC_PRINTF(4, 5);
static bool cc_error(js_cc *cc, js_doc *d, const cbec_node *at, const char *fmt, ...)
{
    if (cc->failed)
        return false;
    cc->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cc->e->message, sizeof cc->e->message, fmt, ap);
    va_end(ap);
    snprintf(cc->e->file, sizeof cc->e->file, "%s", d ? d->file : "");
    cbec_buf p;
    cbec__buf_init(&p);
    if (d && at)
        pointer_from(d->root, at, &p);
    snprintf(cc->e->pointer, sizeof cc->e->pointer, "%s", cbec__buf_cstr(&p));
    cbec__buf_free(&p);
    cc->e->line = at ? at->span.line : 0;
    cc->e->column = at ? at->span.column : 0;
    return false;
}

static js_info *info_of(js_cc *cc, const cbec_node *n)
{
    /* a node discovery did not index (inside an unknown keyword, or a
     * pointer into a non-schema place) inherits from its nearest ancestor */
    for (const cbec_node *p = n; p; p = p->parent) {
        js_info *i = ptrmap_get(&cc->info, p);
        if (i)
            return i;
    }
    return NULL;
}

/* ---- dialects and vocabularies ---- */

static const struct {
    const char *uri;
    int draft;
} dialects[] = {
    {"https://json-schema.org/draft/2020-12/schema", CBEC_SCHEMA_DRAFT2020},
    {"https://json-schema.org/draft/2019-09/schema", CBEC_SCHEMA_DRAFT2020},
    {"http://json-schema.org/draft-07/schema", CBEC_SCHEMA_DRAFT7},
    {"https://json-schema.org/draft-07/schema", CBEC_SCHEMA_DRAFT7},
    {"http://json-schema.org/draft-06/schema", CBEC_SCHEMA_DRAFT7},
    {"http://json-schema.org/draft-04/schema", CBEC_SCHEMA_DRAFT7},
};

static const struct {
    const char *uri;
    unsigned bit;
} vocabularies[] = {
    {"https://json-schema.org/draft/2020-12/vocab/core", JS_VOC_CORE},
    {"https://json-schema.org/draft/2020-12/vocab/applicator", JS_VOC_APPLICATOR},
    {"https://json-schema.org/draft/2020-12/vocab/unevaluated", JS_VOC_UNEVALUATED},
    {"https://json-schema.org/draft/2020-12/vocab/validation", JS_VOC_VALIDATION},
    {"https://json-schema.org/draft/2020-12/vocab/format-assertion", JS_VOC_FORMAT_ASSERT},
    {"https://json-schema.org/draft/2020-12/vocab/meta-data", 0},
    {"https://json-schema.org/draft/2020-12/vocab/format-annotation", 0},
    {"https://json-schema.org/draft/2020-12/vocab/content", 0},
};

static const cbec_node *load_uri(js_cc *cc, const char *uri, js_doc *from, const cbec_node *at);

/* The dialect named by a $schema value: known drafts directly, another
 * metaschema by its $vocabulary.  false on error. */
static bool dialect(js_cc *cc, js_doc *d, const cbec_node *at, int *draft, unsigned *vocab)
{
    size_t n = at->len;
    if (n && at->text[n - 1] == '#')
        n--;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(dialects); i++)
        if (cbec__streq(at->text, n, dialects[i].uri)) {
            *draft = dialects[i].draft;
            *vocab = JS_VOC_ALL & ~JS_VOC_FORMAT_ASSERT;
            return true;
        }
    if (!cbec__uri_has_scheme(at->text, n))
        return cc_error(cc, d, at, "\"$schema\" must be an absolute URI");
    if (++cc->meta_depth > MAX_META_DEPTH)
        return cc_error(cc, d, at, "metaschemas nest deeper than %d", MAX_META_DEPTH);
    char *uri = cbec__strndup(at->text, n);
    if (!uri)
        return cc_oom(cc);
    const cbec_node *meta = load_uri(cc, uri, d, at);
    free(uri);
    cc->meta_depth--;
    if (!meta)
        return false;
    js_info *mi = info_of(cc, meta);
    *draft = mi ? mi->draft : CBEC_SCHEMA_DRAFT2020;
    *vocab = mi ? mi->vocab : JS_VOC_ALL;
    const cbec_node *voc = meta->kind == CBEC_NODE_OBJECT ? cbec__node_member(meta, "$vocabulary", 11) : NULL;
    if (!voc)
        return true;
    if (voc->kind != CBEC_NODE_OBJECT)
        return cc_error(cc, mi ? mi->doc : d, voc, "\"$vocabulary\" must be an object");
    unsigned v = 0;
    for (uint32_t i = 0; i < voc->count; i++) {
        const cbec_node *m = &voc->children[i];
        bool known = false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(vocabularies) && !known; k++)
            if (cbec__streq(m->key, m->keylen, vocabularies[k].uri)) {
                known = true;
                v |= vocabularies[k].bit;
            }
        if (!known && m->kind == CBEC_NODE_BOOL && m->text[0] == 't')
            return cc_error(cc, mi ? mi->doc : d, m, "required vocabulary \"%.*s\" is not supported",
                            (int)m->keylen, m->key);
    }
    *vocab = v;
    return true;
}

/* ---- discovery: bases, resources and anchors of one document ---- */

static bool register_uri(js_cc *cc, js_doc *d, const char *uri, const cbec_node *n, const cbec_node *at)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&cc->uris, uri, strlen(uri));
    if (e)
        return e->value == n ? true : cc_error(cc, d, at, "two schemas claim the URI %s", uri);
    return cbec__strmap_put(&cc->uris, uri, strlen(uri), (void *)n, NULL) || cc_oom(cc);
}

static bool register_anchor(js_cc *cc, js_doc *d, const char *base, const cbec_node *name,
                            const cbec_node *n)
{
    for (size_t i = 0; i < name->len; i++) {
        char c = name->text[i];
        if (!(cbec__is_alnum(c) || c == '_' || ((c == '-' || c == '.' || c == ':') && i > 0)) ||
            (i == 0 && !cbec__is_alpha(c) && c != '_'))
            return cc_error(cc, d, name, "\"%.*s\" is not a valid anchor name", (int)name->len, name->text);
    }
    size_t bl = strlen(base);
    char *key = cbec__arena_alloc(&cc->s->arena, bl + name->len + 2);
    if (!key)
        return cc_oom(cc);
    memcpy(key, base, bl);
    key[bl] = '#';
    memcpy(key + bl + 1, name->text, name->len);
    key[bl + 1 + name->len] = '\0';
    const cbec_strmap_entry *e = cbec__strmap_get(&cc->anchors, key, bl + 1 + name->len);
    if (e && e->value != n)
        return cc_error(cc, d, name, "anchor \"%s\" is defined twice", key);
    return cbec__strmap_put(&cc->anchors, key, bl + 1 + name->len, (void *)n, NULL) || cc_oom(cc);
}

static js_res *new_res(js_cc *cc, const char *uri)
{
    js_res *r = cbec__arena_calloc(&cc->s->arena, 1, sizeof *r);
    res_build *b = cbec__arena_calloc(&cc->s->arena, 1, sizeof *b);
    res_build **builds = realloc(cc->builds, (cc->nbuilds + 1) * sizeof *builds);
    if (!r || !b || !builds) {
        if (builds)
            cc->builds = builds;
        cc_oom(cc);
        return NULL;
    }
    cc->builds = builds;
    cc->builds[cc->nbuilds++] = b;
    r->uri = uri;
    b->res = r;
    if (!ptrmap_put(&cc->res_builds, r, b)) {
        cc_oom(cc);
        return NULL;
    }
    return r;
}

static bool add_dynamic(js_cc *cc, js_res *r, const cbec_node *name, const cbec_node *n)
{
    res_build *b = ptrmap_get(&cc->res_builds, r);
    const cbec_node **raw = realloc(b->raw, (b->n + 1) * sizeof *raw);
    if (!raw)
        return cc_oom(cc);
    b->raw = raw;
    const char **names = realloc(b->names, (b->n + 1) * sizeof *names);
    if (!names)
        return cc_oom(cc);
    b->names = names;
    const char *nm = arena_str(cc, name->text, name->len);
    if (!nm)
        return false;
    b->raw[b->n] = n;
    b->names[b->n] = nm;
    b->n++;
    return true;
}

static bool discover(js_cc *cc, js_doc *d, const cbec_node *n, const js_info *parent, unsigned depth);

static bool discover_children(js_cc *cc, js_doc *d, const cbec_node *n, const js_info *me, unsigned depth)
{
    static const char *const single[] = {"additionalItems", "additionalProperties", "contains", "contentSchema",
                                         "else", "if", "items", "not", "propertyNames", "then",
                                         "unevaluatedItems", "unevaluatedProperties"};
    static const char *const lists[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
    static const char *const maps[] = {"$defs", "definitions", "dependentSchemas", "patternProperties",
                                       "properties", "dependencies"};
    for (uint32_t i = 0; i < n->count && !cc->failed; i++) {
        const cbec_node *m = &n->children[i];
        for (size_t k = 0; k < CBEC_ARRAY_LEN(single); k++)
            if (cbec__streq(m->key, m->keylen, single[k]) && m->kind == CBEC_NODE_OBJECT)
                if (!discover(cc, d, m, me, depth + 1))
                    return false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(lists); k++)
            if (cbec__streq(m->key, m->keylen, lists[k]) && m->kind == CBEC_NODE_ARRAY)
                for (uint32_t j = 0; j < m->count; j++)
                    if (m->children[j].kind == CBEC_NODE_OBJECT && !discover(cc, d, &m->children[j], me, depth + 1))
                        return false;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(maps); k++)
            if (cbec__streq(m->key, m->keylen, maps[k]) && m->kind == CBEC_NODE_OBJECT)
                for (uint32_t j = 0; j < m->count; j++)
                    if (m->children[j].kind == CBEC_NODE_OBJECT && !discover(cc, d, &m->children[j], me, depth + 1))
                        return false;
    }
    return !cc->failed;
}

static bool discover(js_cc *cc, js_doc *d, const cbec_node *n, const js_info *parent, unsigned depth)
{
    if (depth > DOC_MAX_DEPTH)
        return cc_error(cc, d, n, "schema nested deeper than %d", DOC_MAX_DEPTH);
    if (ptrmap_get(&cc->info, n))
        return true;
    js_info *me = cbec__arena_calloc(&cc->s->arena, 1, sizeof *me);
    if (!me)
        return cc_oom(cc);
    *me = *parent;
    me->doc = d;
    bool is_root = n == d->root;
    if (n->kind != CBEC_NODE_OBJECT)
        return ptrmap_put(&cc->info, n, me) || cc_oom(cc);
    /* draft-07: "$ref" makes every sibling, $id included, ignored */
    const cbec_node *ref = cbec__node_member(n, "$ref", 4);
    const cbec_node *id = cbec__node_member(n, "$id", 3);
    const cbec_node *sch = cbec__node_member(n, "$schema", 7);
    if (sch && sch->kind != CBEC_NODE_STRING)
        return cc_error(cc, d, sch, "\"$schema\" must be a string (a URI)");
    /* $schema takes effect at a resource root */
    if (sch && (is_root || id)) {
        if (!dialect(cc, d, sch, &me->draft, &me->vocab))
            return false;
        /* the dialect may have changed how $id is read */
        if (!is_root && me->draft == CBEC_SCHEMA_DRAFT7 && ref)
            id = NULL;
    }
    if (me->draft == CBEC_SCHEMA_DRAFT7 && ref && ref->kind == CBEC_NODE_STRING)
        id = NULL;
    if (id) {
        if (id->kind != CBEC_NODE_STRING)
            return cc_error(cc, d, id, "\"$id\" must be a string");
        char *tmp = cbec__strndup(id->text, id->len);
        char *abs = tmp ? cbec__uri_resolve(parent->base, tmp) : NULL;
        free(tmp);
        if (!abs)
            return cc_oom(cc);
        size_t ul = cbec__uri_strip_fragment(abs);
        const char *frag = abs[ul] == '#' ? abs + ul + 1 : "";
        if (*frag && id->len && id->text[0] == '#') {
            /* a plain-name fragment (draft-07 style): an anchor in the current resource */
            cbec_node name = *id;
            name.text = frag;
            name.len = strlen(frag);
            bool ok = register_anchor(cc, d, parent->base, &name, n);
            free(abs);
            if (!ok)
                return false;
        } else {
            const char *base = arena_str(cc, abs, ul);
            if (!base) {
                free(abs);
                return false;
            }
            me->base = base;
            me->res = new_res(cc, base);
            bool ok = me->res && register_uri(cc, d, base, n, id);
            if (ok && *frag && me->draft == CBEC_SCHEMA_DRAFT7) {
                cbec_node name = *id;
                name.text = frag;
                name.len = strlen(frag);
                ok = register_anchor(cc, d, base, &name, n);
            }
            free(abs);
            if (!ok)
                return false;
        }
    }
    if (!ptrmap_put(&cc->info, n, me))
        return cc_oom(cc);
    if (me->draft == CBEC_SCHEMA_DRAFT2020) {
        const cbec_node *a = cbec__node_member(n, "$anchor", 7);
        if (a && (a->kind != CBEC_NODE_STRING || !register_anchor(cc, d, me->base, a, n)))
            return cc->failed ? false : cc_error(cc, d, a, "\"$anchor\" must be a string");
        const cbec_node *da = cbec__node_member(n, "$dynamicAnchor", 14);
        if (da) {
            if (da->kind != CBEC_NODE_STRING)
                return cc_error(cc, d, da, "\"$dynamicAnchor\" must be a string");
            if (!register_anchor(cc, d, me->base, da, n) || !add_dynamic(cc, me->res, da, n))
                return false;
        }
    }
    return discover_children(cc, d, n, me, depth);
}

/* ---- loading documents ---- */

static void doc_free(js_doc *d, cbec_json_reader *reader)
{
    if (!d)
        return;
    if (d->owned) {
        cbec__json_release(reader, &d->doc);
        cbec__arena_free(&d->arena);
        free(d->src);
    }
    free(d->uri);
    free(d->file);
    free(d->display);
    free(d);
}

static js_doc *add_doc(js_cc *cc, const char *uri, const char *file, const char *display)
{
    if (cc->s->ndocs >= MAX_DOCS) {
        cc_error(cc, NULL, NULL, "more than %d schema documents", MAX_DOCS);
        return NULL;
    }
    js_doc *d = cbec__calloc(1, sizeof *d);
    js_doc **docs = realloc(cc->s->docs, (cc->s->ndocs + 1) * sizeof *docs);
    if (docs)
        cc->s->docs = docs;
    if (!d || !docs) {
        free(d);
        cc_oom(cc);
        return NULL;
    }
    cbec__arena_init(&d->arena);
    cc->s->docs[cc->s->ndocs++] = d;
    d->uri = cbec__strdup(uri);
    d->file = cbec__strdup(file);
    d->display = cbec__strdup(display);
    if (!d->uri || !d->file || !d->display) {
        cc_oom(cc);
        return NULL;
    }
    return d;
}

/* Parse text (taken over) as the document d; false with the error set. */
static bool parse_doc(js_cc *cc, js_doc *d, char *text, size_t len)
{
    d->src = text;
    d->len = len;
    d->owned = true;
    if (!cc->s->reader && !(cc->s->reader = cbec__json_reader_new(DOC_MAX_DEPTH)))
        return cc_oom(cc);
    cbec_read_limits lim = {DOC_MAX_BYTES, DOC_MAX_DEPTH, DOC_MAX_NODES};
    cbec_read_error re;
    bool oom = false;
    if (!cbec__json_read_message(cc->s->reader, text, len, &lim, &d->arena, &d->doc, &re, &oom)) {
        if (oom)
            return cc_oom(cc);
        cc->failed = true;
        snprintf(cc->e->message, sizeof cc->e->message, "%s", re.message_en);
        snprintf(cc->e->file, sizeof cc->e->file, "%s", d->file);
        cc->e->pointer[0] = '\0';
        if (re.has_offset)
            cbec__text_position(text, len, re.offset, &cc->e->line, &cc->e->column);
        return false;
    }
    cbec__json_message_positions(&d->doc);
    d->root = d->doc.root;
    return true;
}

static int hexv(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decode s into b; false on a bad escape. */
static bool pct_decode(const char *s, size_t n, cbec_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexv((unsigned char)s[i + 1]), l = hexv((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return false;
            cbec__buf_addc(b, (char)(h * 16 + l));
            i += 2;
        } else {
            cbec__buf_addc(b, s[i]);
        }
    }
    return !b->oom;
}

/* A relative path that stays inside its directory: no empty, "." or ".."
 * segment, no control characters, no NUL. */
static bool safe_rel(const char *s, size_t n)
{
    if (!n || s[0] == '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F || s[i] == '\\')
            return false;
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && s[k] != '/')
            k++;
        size_t len = k - i;
        if (len == 0 || (len == 1 && s[i] == '.') || (len == 2 && s[i] == '.' && s[i + 1] == '.'))
            return false;
        i = k + 1;
    }
    return true;
}

/* Read dir/rel (rel already decoded), refusing anything that resolves
 * outside dir.  Returns the text (free()) or NULL with the error set. */
static char *read_inside(js_cc *cc, const char *dir, const char *rel, size_t *len, js_doc *from,
                         const cbec_node *at, const char *uri)
{
    if (!safe_rel(rel, strlen(rel))) {
        cc_error(cc, from, at, "%s: \"%s\" is not a relative path inside the resource directory", uri, rel);
        return NULL;
    }
    char *data = NULL;
    cbec_error *err = NULL;
    cbec_inside why;
    int st = cbec__read_inside(dir, rel, DOC_MAX_BYTES, &data, len, &why, &err);
    if (st) {
        if (st == CBEC_ENOMEM)
            cc_oom(cc);
        else if (why == CBEC_INSIDE_OUTSIDE)
            cc_error(cc, from, at, "%s leads outside its directory", uri);
        else if (why == CBEC_INSIDE_MISSING)
            cc_error(cc, from, at, "cannot resolve %s: no file %s/%s", uri, dir, rel);
        else
            cc_error(cc, from, at, "cannot read %s/%s: %s", dir, rel, err ? cbec_error_message(err) : cbec_strerror(st));
        cbec_error_free(err);
        return NULL;
    }
    return data;
}

static const cbec_node *finish_load(js_cc *cc, js_doc *d, js_doc *from)
{
    js_info top = {d->uri, CBEC_SCHEMA_DRAFT2020, JS_VOC_ALL & ~JS_VOC_FORMAT_ASSERT, NULL, d};
    /* a document without $schema keeps the dialect of the one that refers to it */
    js_info *fi = from ? ptrmap_get(&cc->info, from->root) : NULL;
    if (fi) {
        top.draft = fi->draft;
        top.vocab = fi->vocab;
    } else {
        top.draft = cc->cfg->draft == CBEC_SCHEMA_DRAFT7 ? CBEC_SCHEMA_DRAFT7 : CBEC_SCHEMA_DRAFT2020;
    }
    const char *base = arena_str(cc, d->uri, strlen(d->uri));
    if (!base || !(top.res = new_res(cc, base)))
        return NULL;
    top.base = base;
    if (!register_uri(cc, d, base, d->root, d->root))
        return NULL;
    if (!discover(cc, d, d->root, &top, 0))
        return NULL;
    return d->root;
}

static const cbec_node *load_uri(js_cc *cc, const char *uri, js_doc *from, const cbec_node *at)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&cc->uris, uri, strlen(uri));
    if (e)
        return e->value;
    /* the embedded metaschemas */
    const cbec_schema_meta *meta = cbec__schema_meta_find(uri);
    if (meta) {
        js_doc *d = add_doc(cc, uri, meta->uri, meta->uri);
        if (!d)
            return NULL;
        char *copy = cbec__strndup(meta->text, meta->len);
        if (!copy) {
            cc_oom(cc);
            return NULL;
        }
        if (!parse_doc(cc, d, copy, meta->len))
            return NULL;
        /* the metaschemas declare their own dialect */
        return finish_load(cc, d, NULL);
    }
    const char *dir = NULL, *rest = NULL, *display = NULL;
    size_t fl = strlen(CBEC_SCHEMA_FILE_SCHEME);
    if (strncmp(uri, CBEC_SCHEMA_FILE_SCHEME, fl) == 0 && uri[fl] == '/' && cc->cfg->base_dir) {
        dir = cc->cfg->base_dir;
        rest = uri + fl + 1;
        display = rest;
    }
    for (size_t i = 0; !dir && i < cc->cfg->ndirs; i++) {
        size_t pl = strlen(cc->cfg->dirs[i].prefix);
        if (pl && strncmp(uri, cc->cfg->dirs[i].prefix, pl) == 0) {
            dir = cc->cfg->dirs[i].dir;
            rest = uri + pl;
            display = uri;
        }
    }
    if (!dir && cc->implicit_prefix && strncmp(uri, cc->implicit_prefix, strlen(cc->implicit_prefix)) == 0) {
        /* the root's $id directory is the root file's directory */
        cbec_buf alias;
        cbec__buf_init(&alias);
        cbec__buf_adds(&alias, cc->implicit_target);
        cbec__buf_adds(&alias, uri + strlen(cc->implicit_prefix));
        const cbec_node *root = alias.oom ? NULL : load_uri(cc, cbec__buf_cstr(&alias), from, at);
        if (alias.oom)
            cc_oom(cc);
        cbec__buf_free(&alias);
        if (root && !register_uri(cc, from, uri, root, at))
            return NULL;
        return root;
    }
    if (!dir) {
        cc_error(cc, from, at, "cannot resolve %s: it is not a file beside the schema, an embedded metaschema or under a registered URI prefix (schemas are never fetched from the network)", uri);
        return NULL;
    }
    cbec_buf rel;
    cbec__buf_init(&rel);
    size_t restlen = strcspn(rest, "?#");
    if (!pct_decode(rest, restlen, &rel) || strlen(cbec__buf_cstr(&rel)) != rel.len) {
        cbec__buf_free(&rel);
        cc_error(cc, from, at, "cannot resolve %s: bad percent-encoding", uri);
        return NULL;
    }
    size_t len;
    char *text = read_inside(cc, dir, cbec__buf_cstr(&rel), &len, from, at, uri);
    if (!text) {
        cbec__buf_free(&rel);
        return NULL;
    }
    if (dir == cc->cfg->base_dir && cc->cfg->on_file && !cc->cfg->on_file(cc->cfg->ud, cbec__buf_cstr(&rel), text, len)) {
        free(text);
        cbec__buf_free(&rel);
        cc_oom(cc);
        return NULL;
    }
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s/%s", dir, cbec__buf_cstr(&rel));
    cbec__buf_free(&rel);
    js_doc *d = add_doc(cc, uri, file, display);
    if (!d) {
        free(text);
        return NULL;
    }
    if (!parse_doc(cc, d, text, len))
        return NULL;
    return finish_load(cc, d, from);
}

/* Resolve a reference (a $ref value) from node n: the target node.  *frag
 * reports whether it ended in a plain-name fragment (for $dynamicRef). */
static const cbec_node *resolve_ref(js_cc *cc, const cbec_node *n, const cbec_node *refv, const char **anchor)
{
    js_info *in = info_of(cc, n);
    js_doc *d = in ? in->doc : NULL;
    if (anchor)
        *anchor = NULL;
    char *ref = cbec__strndup(refv->text, refv->len);
    char *abs = ref ? cbec__uri_resolve(in->base, ref) : NULL;
    free(ref);
    if (!abs) {
        cc_oom(cc);
        return NULL;
    }
    size_t ul = cbec__uri_strip_fragment(abs);
    const char *frag = abs[ul] == '#' ? abs + ul + 1 : "";
    abs[ul] = '\0';
    const cbec_node *root = load_uri(cc, abs, d, refv);
    if (!root) {
        free(abs);
        return NULL;
    }
    cbec_buf f;
    cbec__buf_init(&f);
    if (!pct_decode(frag, strlen(frag), &f)) {
        cbec__buf_free(&f);
        free(abs);
        cc_error(cc, d, refv, "bad percent-encoding in the fragment of \"%.*s\"", (int)refv->len, refv->text);
        return NULL;
    }
    const cbec_node *t = root;
    const char *p = cbec__buf_cstr(&f);
    if (*p == '/') {
        /* a JSON Pointer from the resource */
        cbec_buf tok;
        cbec__buf_init(&tok);
        while (t && *p == '/') {
            p++;
            cbec__buf_reset(&tok);
            while (*p && *p != '/') {
                if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
                    cbec__buf_addc(&tok, p[1] == '0' ? '~' : '/');
                    p += 2;
                } else {
                    cbec__buf_addc(&tok, *p++);
                }
            }
            if (t->kind == CBEC_NODE_OBJECT) {
                t = cbec__node_member(t, tok.data ? tok.data : "", tok.len);
            } else if (t->kind == CBEC_NODE_ARRAY) {
                unsigned long idx = 0;
                bool ok = tok.len > 0 && (tok.len == 1 || tok.data[0] != '0');
                for (size_t i = 0; ok && i < tok.len; i++) {
                    ok = cbec__is_digit(tok.data[i]) && idx < 100000000UL;
                    idx = idx * 10 + (unsigned long)(tok.data[i] - '0');
                }
                t = ok && idx < t->count ? &t->children[idx] : NULL;
            } else {
                t = NULL;
            }
        }
        cbec__buf_free(&tok);
        if (!t)
            cc_error(cc, d, refv, "\"%.*s\": no such location in %s", (int)refv->len, refv->text, abs);
    } else if (*p) {
        size_t al = strlen(abs), fl = strlen(p);
        char *key = malloc(al + fl + 2);
        if (!key) {
            cbec__buf_free(&f);
            free(abs);
            cc_oom(cc);
            return NULL;
        }
        memcpy(key, abs, al);
        key[al] = '#';
        memcpy(key + al + 1, p, fl + 1);
        const cbec_strmap_entry *e = cbec__strmap_get(&cc->anchors, key, al + fl + 1);
        free(key);
        t = e ? e->value : NULL;
        if (!t)
            cc_error(cc, d, refv, "\"%.*s\": no anchor \"%s\" in %s", (int)refv->len, refv->text, p, abs);
        else if (anchor && !(*anchor = arena_str(cc, p, fl)))
            t = NULL;
    }
    cbec__buf_free(&f);
    free(abs);
    if (t && t->kind != CBEC_NODE_OBJECT && t->kind != CBEC_NODE_BOOL) {
        cc_error(cc, d, refv, "\"%.*s\" refers to something that is not a schema", (int)refv->len, refv->text);
        return NULL;
    }
    if (t && !info_of(cc, t)) {
        cc_error(cc, d, refv, "\"%.*s\" refers outside any schema document", (int)refv->len, refv->text);
        return NULL;
    }
    return t;
}

/* ---- nodes ---- */

static bool enqueue(js_cc *cc, js_node *n)
{
    if (cc->nqueue == cc->capqueue) {
        size_t cap = cc->capqueue ? cc->capqueue * 2 : 64;
        js_node **q = realloc(cc->queue, cap * sizeof *q);
        if (!q)
            return cc_oom(cc);
        cc->queue = q;
        cc->capqueue = cap;
    }
    cc->queue[cc->nqueue++] = n;
    cbec_schema *s = cc->s;
    if (s->nnodes == s->capnodes) {
        size_t cap = s->capnodes ? s->capnodes * 2 : 64;
        js_node **all = realloc(s->nodes, cap * sizeof *all);
        if (!all)
            return cc_oom(cc);
        s->nodes = all;
        s->capnodes = cap;
    }
    s->nodes[s->nnodes++] = n;
    return true;
}

/* The compiled node for raw schema n: made on first use, keywords filled
 * later from the work list. */
static js_node *get_node(js_cc *cc, const cbec_node *n)
{
    js_node *j = ptrmap_get(&cc->compiled, n);
    if (j)
        return j;
    js_info *in = info_of(cc, n);
    if (!in) {
        cc_error(cc, NULL, n, "internal: a schema outside every document");
        return NULL;
    }
    if (n->kind != CBEC_NODE_OBJECT && n->kind != CBEC_NODE_BOOL) {
        cc_error(cc, in->doc, n, "a schema must be an object or a boolean");
        return NULL;
    }
    j = cbec__arena_calloc(&cc->s->arena, 1, sizeof *j);
    if (!j || !ptrmap_put(&cc->compiled, n, j)) {
        cc_oom(cc);
        return NULL;
    }
    j->src = n;
    j->res = in->res;
    j->draft = in->draft;
    j->format = -1;
    cbec_buf b;
    cbec__buf_init(&b);
    if (*in->doc->display) {
        cbec__buf_adds(&b, in->doc->display);
        cbec__buf_addc(&b, '#');
    }
    pointer_from(in->doc->root, n, &b);
    j->loc = arena_str(cc, cbec__buf_cstr(&b), b.len);
    cbec__buf_free(&b);
    if (!j->loc)
        return NULL;
    if (n->kind == CBEC_NODE_BOOL) {
        j->is_bool = true;
        j->bool_value = n->text[0] == 't';
        j->compiled = true;
        return j;
    }
    if (!enqueue(cc, j))
        return NULL;
    /* the resource's dynamic anchors are compiled with its first node */
    res_build *rb = in->res ? ptrmap_get(&cc->res_builds, in->res) : NULL;
    if (rb && !rb->done) {
        rb->done = true;
        js_res *r = rb->res;
        if (rb->n) {
            r->dyn_names = cbec__arena_calloc(&cc->s->arena, rb->n, sizeof *r->dyn_names);
            r->dyn_nodes = cbec__arena_calloc(&cc->s->arena, rb->n, sizeof *r->dyn_nodes);
            if (!r->dyn_names || !r->dyn_nodes) {
                cc_oom(cc);
                return NULL;
            }
            for (size_t i = 0; i < rb->n; i++) {
                r->dyn_names[i] = rb->names[i];
                if (!(r->dyn_nodes[i] = get_node(cc, rb->raw[i])))
                    return NULL;
            }
            r->ndyn = rb->n;
        }
    }
    return j;
}

/* ---- keyword values ---- */

typedef struct kw_ctx {
    js_cc *cc;
    js_doc *doc;
    js_node *j;
    const cbec_node *o;
    unsigned vocab;
} kw_ctx;

static bool kw_error(kw_ctx *k, const cbec_node *at, const char *what)
{
    return cc_error(k->cc, k->doc, at, "\"%.*s\" %s", (int)at->keylen, at->key ? at->key : "", what);
}

static bool get_count(kw_ctx *k, const cbec_node *v, uint64_t *out)
{
    js_num num;
    if (v->kind != CBEC_NODE_NUMBER || !cbec__js_num_parse(v->text, v->len, &num) || num.neg ||
        !cbec__js_num_is_integer(&num))
        return kw_error(k, v, "must be a non-negative integer");
    /* digits * 10^e, saturating: a bound past 2^63 is as good as infinite */
    uint64_t r = 0;
    for (uint32_t i = 0; i < num.nsig; i++) {
        uint32_t idx = num.lz + i;
        int dg = (idx < num.il ? num.ip[idx] : num.fp[idx - num.il]) - '0';
        if (r > (UINT64_MAX - 9) / 10) {
            *out = UINT64_MAX;
            return true;
        }
        r = r * 10 + (uint64_t)dg;
    }
    for (int64_t e = 0; e < num.e; e++) {
        if (r > UINT64_MAX / 10) {
            *out = UINT64_MAX;
            return true;
        }
        r *= 10;
    }
    *out = r;
    return true;
}

static bool get_number(kw_ctx *k, const cbec_node *v, js_num *out)
{
    if (v->kind != CBEC_NODE_NUMBER || !cbec__js_num_parse(v->text, v->len, out))
        return kw_error(k, v, "must be a number");
    return true;
}

static js_node *sub(kw_ctx *k, const cbec_node *v)
{
    if (v->kind != CBEC_NODE_OBJECT && v->kind != CBEC_NODE_BOOL) {
        kw_error(k, v, "must be a schema (an object or a boolean)");
        return NULL;
    }
    return get_node(k->cc, v);
}

static bool sub_list(kw_ctx *k, const cbec_node *v, js_list *out, bool nonempty)
{
    if (v->kind != CBEC_NODE_ARRAY || (nonempty && !v->count))
        return kw_error(k, v, nonempty ? "must be a non-empty array of schemas" : "must be an array of schemas");
    out->items = cbec__arena_calloc(&k->cc->s->arena, v->count ? v->count : 1, sizeof *out->items);
    if (!out->items)
        return cc_oom(k->cc);
    for (uint32_t i = 0; i < v->count; i++) {
        const cbec_node *c = &v->children[i];
        if (c->kind != CBEC_NODE_OBJECT && c->kind != CBEC_NODE_BOOL)
            return cc_error(k->cc, k->doc, c, "\"%.*s\" must hold schemas (objects or booleans)", (int)v->keylen, v->key);
        if (!(out->items[i] = get_node(k->cc, c)))
            return false;
    }
    out->count = v->count;
    return true;
}

static cbec_regex *pattern(kw_ctx *k, const cbec_node *at, const char *src, size_t len)
{
    cbec_schema *s = k->cc->s;
    const cbec_strmap_entry *e = cbec__strmap_get(&s->regex_map, src, len);
    if (e)
        return e->value;
    char err[300];
    cbec_regex *re = cbec__ecma_regex_compile(src, len, err, sizeof err);
    if (!re) {
        cc_error(k->cc, k->doc, at, "bad regular expression \"%.*s\": %s", (int)(len > 200 ? 200 : len), src, err);
        return NULL;
    }
    cbec_regex **all = realloc(s->regexes, (s->nregexes + 1) * sizeof *all);
    const char *key = arena_str(k->cc, src, len);
    if (!all || !key) {
        if (all)
            s->regexes = all;
        cbec__regex_free(re);
        cc_oom(k->cc);
        return NULL;
    }
    s->regexes = all;
    s->regexes[s->nregexes++] = re;
    if (!cbec__strmap_put(&s->regex_map, key, len, re, NULL)) {
        cc_oom(k->cc);
        return NULL;
    }
    return re;
}

static const char *const type_names[] = {"null", "boolean", "number", "string", "object", "array", "integer"};

static bool kw_type(kw_ctx *k, const cbec_node *v)
{
    cbec_buf t;
    cbec__buf_init(&t);
    uint32_t n = v->kind == CBEC_NODE_ARRAY ? v->count : 1;
    if (v->kind != CBEC_NODE_ARRAY && v->kind != CBEC_NODE_STRING)
        return kw_error(k, v, "must be a type name or an array of them");
    for (uint32_t i = 0; i < n; i++) {
        const cbec_node *c = v->kind == CBEC_NODE_ARRAY ? &v->children[i] : v;
        bool found = false;
        for (unsigned b = 0; b < CBEC_ARRAY_LEN(type_names) && c->kind == CBEC_NODE_STRING; b++)
            if (cbec__streq(c->text, c->len, type_names[b])) {
                k->j->types |= 1u << b;
                found = true;
            }
        if (!found) {
            cbec__buf_free(&t);
            return cc_error(k->cc, k->doc, c, "unknown type (null, boolean, number, integer, string, object, array)");
        }
        if (t.len)
            cbec__buf_addc(&t, '|');
        cbec__buf_add(&t, c->text, c->len);
    }
    k->j->has |= JS_HAS_TYPE;
    k->j->types_text = arena_str(k->cc, cbec__buf_cstr(&t), t.len);
    cbec__buf_free(&t);
    return k->j->types_text != NULL;
}

static bool kw_properties(kw_ctx *k, const cbec_node *v)
{
    js_node *j = k->j;
    if (v->kind != CBEC_NODE_OBJECT)
        return kw_error(k, v, "must be an object of schemas");
    j->props = cbec__arena_calloc(&k->cc->s->arena, v->count ? v->count : 1, sizeof *j->props);
    if (!j->props)
        return cc_oom(k->cc);
    for (uint32_t i = 0; i < v->count; i++) {
        const cbec_node *c = &v->children[i];
        js_prop *p = &j->props[j->nprops++];
        p->name = c->key;
        p->len = c->keylen;
        if (!(p->schema = sub(k, c)))
            return false;
    }
    if (j->nprops > 8)
        for (size_t i = 0; i < j->nprops; i++)
            if (!cbec__strmap_put(&j->prop_map, j->props[i].name, j->props[i].len, &j->props[i], NULL))
                return cc_oom(k->cc);
    return true;
}

static bool kw_pattern_props(kw_ctx *k, const cbec_node *v)
{
    js_node *j = k->j;
    if (v->kind != CBEC_NODE_OBJECT)
        return kw_error(k, v, "must be an object of schemas keyed by pattern");
    j->pats = cbec__arena_calloc(&k->cc->s->arena, v->count ? v->count : 1, sizeof *j->pats);
    if (!j->pats)
        return cc_oom(k->cc);
    for (uint32_t i = 0; i < v->count; i++) {
        const cbec_node *c = &v->children[i];
        js_pattern *p = &j->pats[j->npats++];
        p->src = c->key;
        if (!(p->re = pattern(k, c, c->key, c->keylen)) || !(p->schema = sub(k, c)))
            return false;
    }
    return true;
}

static bool kw_deps(kw_ctx *k, const cbec_node *v, bool want_names, bool want_schemas)
{
    js_node *j = k->j;
    if (v->kind != CBEC_NODE_OBJECT)
        return kw_error(k, v, "must be an object");
    /* "dependentRequired" and "dependencies" may both add entries */
    js_dep *names = cbec__arena_calloc(&k->cc->s->arena, j->ndep_required + v->count + 1, sizeof *names);
    js_dep *schemas = cbec__arena_calloc(&k->cc->s->arena, j->ndep_schemas + v->count + 1, sizeof *schemas);
    if (!names || !schemas)
        return cc_oom(k->cc);
    if (j->ndep_required)
        memcpy(names, j->dep_required, j->ndep_required * sizeof *names);
    if (j->ndep_schemas)
        memcpy(schemas, j->dep_schemas, j->ndep_schemas * sizeof *schemas);
    for (uint32_t i = 0; i < v->count; i++) {
        const cbec_node *c = &v->children[i];
        if (c->kind == CBEC_NODE_ARRAY && want_names) {
            for (uint32_t m = 0; m < c->count; m++)
                if (c->children[m].kind != CBEC_NODE_STRING)
                    return cc_error(k->cc, k->doc, &c->children[m], "property names must be strings");
            js_dep *d = &names[j->ndep_required++];
            d->name = c->key;
            d->len = c->keylen;
            d->names = c;
        } else if ((c->kind == CBEC_NODE_OBJECT || c->kind == CBEC_NODE_BOOL) && want_schemas) {
            js_dep *d = &schemas[j->ndep_schemas++];
            d->name = c->key;
            d->len = c->keylen;
            if (!(d->schema = get_node(k->cc, c)))
                return false;
        } else {
            return cc_error(k->cc, k->doc, c, "\"%.*s\" holds a value of the wrong kind", (int)v->keylen, v->key);
        }
    }
    j->dep_required = names;
    j->dep_schemas = schemas;
    return true;
}

static bool kw_required(kw_ctx *k, const cbec_node *v)
{
    if (v->kind != CBEC_NODE_ARRAY)
        return kw_error(k, v, "must be an array of property names");
    k->j->required = cbec__arena_calloc(&k->cc->s->arena, v->count ? v->count : 1, sizeof *k->j->required);
    if (!k->j->required)
        return cc_oom(k->cc);
    for (uint32_t i = 0; i < v->count; i++) {
        if (v->children[i].kind != CBEC_NODE_STRING)
            return cc_error(k->cc, k->doc, &v->children[i], "property names must be strings");
        k->j->required[k->j->nrequired++] = &v->children[i];
    }
    return true;
}

/* multipleOf's digits as one 128-bit number (at most 38 significant digits). */
static bool kw_multiple(kw_ctx *k, const cbec_node *v)
{
    js_node *j = k->j;
    if (!get_number(k, v, &j->mult))
        return false;
    if (j->mult.neg || !j->mult.nsig)
        return kw_error(k, v, "must be greater than 0");
    if (j->mult.nsig > 38)
        return kw_error(k, v, "has more than 38 significant digits");
    unsigned __int128 c = 0;
    for (uint32_t i = 0; i < j->mult.nsig; i++) {
        uint32_t idx = j->mult.lz + i;
        c = c * 10 + (unsigned)((idx < j->mult.il ? j->mult.ip[idx] : j->mult.fp[idx - j->mult.il]) - '0');
    }
    j->mult_coef = c;
    j->has |= JS_HAS_MULT;
    return true;
}

static bool kw_ref(kw_ctx *k, const cbec_node *v, bool dynamic)
{
    if (v->kind != CBEC_NODE_STRING)
        return kw_error(k, v, "must be a string (a URI reference)");
    const char *anchor = NULL;
    const cbec_node *t = resolve_ref(k->cc, k->o, v, dynamic ? &anchor : NULL);
    if (!t)
        return false;
    js_node *target = get_node(k->cc, t);
    if (!target)
        return false;
    if (!dynamic) {
        k->j->ref = target;
        return true;
    }
    k->j->dyn_ref = target;
    /* dynamic only when the first target bookends with the same $dynamicAnchor */
    const cbec_node *da = t->kind == CBEC_NODE_OBJECT ? cbec__node_member(t, "$dynamicAnchor", 14) : NULL;
    if (anchor && da && da->kind == CBEC_NODE_STRING && cbec__streq(da->text, da->len, anchor))
        k->j->dyn_name = anchor;
    return true;
}

/* Fill one node's keywords. */
static bool fill(js_cc *cc, js_node *j)
{
    const cbec_node *o = j->src;
    js_info *in = info_of(cc, o);
    kw_ctx k = {cc, in->doc, j, o, in->vocab};
    bool d7 = j->draft == CBEC_SCHEMA_DRAFT7;
    const cbec_node *v;
    if ((v = cbec__node_member(o, "$ref", 4)) && !kw_ref(&k, v, false))
        return false;
    if (d7 && j->ref) {
        j->compiled = true;
        return true; /* draft-07: $ref stands alone */
    }
    unsigned voc = in->vocab;
    bool app = d7 || (voc & JS_VOC_APPLICATOR), val = d7 || (voc & JS_VOC_VALIDATION);
    bool unev = !d7 && (voc & JS_VOC_UNEVALUATED);
    if (!d7 && (v = cbec__node_member(o, "$dynamicRef", 11)) && !kw_ref(&k, v, true))
        return false;
    for (uint32_t i = 0; i < o->count && !cc->failed; i++) {
        const cbec_node *m = &o->children[i];
        const char *key = m->key;
        size_t kl = m->keylen;
#define IS(name) cbec__streq(key, kl, name)
        if (app) {
            if (IS("allOf")) { if (!sub_list(&k, m, &j->all_of, true)) return false; continue; }
            if (IS("anyOf")) { if (!sub_list(&k, m, &j->any_of, true)) return false; continue; }
            if (IS("oneOf")) { if (!sub_list(&k, m, &j->one_of, true)) return false; continue; }
            if (IS("not")) { if (!(j->not_ = sub(&k, m))) return false; continue; }
            if (IS("if")) { if (!(j->if_ = sub(&k, m))) return false; continue; }
            if (IS("then")) { if (!(j->then_ = sub(&k, m))) return false; continue; }
            if (IS("else")) { if (!(j->else_ = sub(&k, m))) return false; continue; }
            if (IS("properties")) { if (!kw_properties(&k, m)) return false; continue; }
            if (IS("patternProperties")) { if (!kw_pattern_props(&k, m)) return false; continue; }
            if (IS("additionalProperties")) { if (!(j->additional_props = sub(&k, m))) return false; continue; }
            if (IS("propertyNames")) { if (!(j->property_names = sub(&k, m))) return false; continue; }
            if (IS("contains")) { if (!(j->contains = sub(&k, m))) return false; continue; }
            if (!d7 && IS("dependentSchemas")) { if (!kw_deps(&k, m, false, true)) return false; continue; }
            if (!d7 && IS("prefixItems")) { if (!sub_list(&k, m, &j->prefix, true)) return false; continue; }
            /* draft-07's "dependencies" stays understood in 2020-12 schemas */
            if (IS("dependencies")) { if (!kw_deps(&k, m, true, true)) return false; continue; }
            if (IS("items")) {
                if (d7 && m->kind == CBEC_NODE_ARRAY) {
                    if (!sub_list(&k, m, &j->prefix, false))
                        return false;
                } else if (!(j->items = sub(&k, m))) {
                    return false;
                }
                continue;
            }
        }
        if (unev) {
            if (IS("unevaluatedProperties")) { if (!(j->unevaluated_props = sub(&k, m))) return false; j->tracks = true; continue; }
            if (IS("unevaluatedItems")) { if (!(j->unevaluated_items = sub(&k, m))) return false; j->tracks = true; continue; }
        }
        if (val) {
            if (IS("type")) { if (!kw_type(&k, m)) return false; continue; }
            if (IS("enum")) {
                if (m->kind != CBEC_NODE_ARRAY)
                    return kw_error(&k, m, "must be an array");
                j->enum_v = m;
                j->has |= JS_HAS_ENUM;
                continue;
            }
            if (IS("const")) { j->const_v = m; j->has |= JS_HAS_CONST; continue; }
            if (IS("multipleOf")) { if (!kw_multiple(&k, m)) return false; continue; }
            if (IS("minimum")) { if (!get_number(&k, m, &j->min)) return false; j->has |= JS_HAS_MIN; continue; }
            if (IS("maximum")) { if (!get_number(&k, m, &j->max)) return false; j->has |= JS_HAS_MAX; continue; }
            if (IS("exclusiveMinimum")) { if (!get_number(&k, m, &j->xmin)) return false; j->has |= JS_HAS_XMIN; continue; }
            if (IS("exclusiveMaximum")) { if (!get_number(&k, m, &j->xmax)) return false; j->has |= JS_HAS_XMAX; continue; }
            if (IS("minLength")) { if (!get_count(&k, m, &j->minlen)) return false; j->has |= JS_HAS_MINLEN; continue; }
            if (IS("maxLength")) { if (!get_count(&k, m, &j->maxlen)) return false; j->has |= JS_HAS_MAXLEN; continue; }
            if (IS("minItems")) { if (!get_count(&k, m, &j->minitems)) return false; j->has |= JS_HAS_MINITEMS; continue; }
            if (IS("maxItems")) { if (!get_count(&k, m, &j->maxitems)) return false; j->has |= JS_HAS_MAXITEMS; continue; }
            if (IS("minProperties")) { if (!get_count(&k, m, &j->minprops)) return false; j->has |= JS_HAS_MINPROPS; continue; }
            if (IS("maxProperties")) { if (!get_count(&k, m, &j->maxprops)) return false; j->has |= JS_HAS_MAXPROPS; continue; }
            if (!d7 && IS("minContains")) { if (!get_count(&k, m, &j->mincontains)) return false; j->has |= JS_HAS_MINCONTAINS; continue; }
            if (!d7 && IS("maxContains")) { if (!get_count(&k, m, &j->maxcontains)) return false; j->has |= JS_HAS_MAXCONTAINS; continue; }
            if (IS("uniqueItems")) {
                if (m->kind != CBEC_NODE_BOOL)
                    return kw_error(&k, m, "must be true or false");
                if (m->text[0] == 't')
                    j->has |= JS_HAS_UNIQUE;
                continue;
            }
            if (IS("required")) { if (!kw_required(&k, m)) return false; continue; }
            if (!d7 && IS("dependentRequired")) { if (!kw_deps(&k, m, true, false)) return false; continue; }
            if (IS("pattern")) {
                if (m->kind != CBEC_NODE_STRING)
                    return kw_error(&k, m, "must be a string (an ECMA-262 regular expression)");
                if (!(j->pattern = pattern(&k, m, m->text, m->len)))
                    return false;
                j->pattern_src = m->text;
                continue;
            }
        }
        if (IS("format")) {
            if (m->kind != CBEC_NODE_STRING)
                return kw_error(&k, m, "must be a string");
            j->format = cbec__schema_format_id(m->text, m->len);
            j->format_name = m->text;
            j->format_assert = cc->cfg->format_assert || (voc & JS_VOC_FORMAT_ASSERT);
            if (j->format >= 0)
                j->has |= JS_HAS_FORMAT;
            continue;
        }
#undef IS
    }
    if (cc->failed)
        return false;
    /* draft-07 additionalItems applies only after an array-form items */
    if (d7 && j->prefix.items && (v = cbec__node_member(o, "additionalItems", 15)) && app)
        if (!(j->items = sub(&k, v)))
            return false;
    j->compiled = true;
    return true;
}

static bool run_queue(js_cc *cc)
{
    /* nodes added while filling are filled in turn: no recursion */
    for (size_t i = 0; i < cc->nqueue; i++)
        if (!fill(cc, cc->queue[i]))
            return false;
    return true;
}

/* ---- entry points ---- */

static void cc_free(js_cc *cc)
{
    ptrmap_free(&cc->info);
    ptrmap_free(&cc->compiled);
    ptrmap_free(&cc->res_builds);
    cbec__strmap_free(&cc->uris);
    cbec__strmap_free(&cc->anchors);
    for (size_t i = 0; i < cc->nbuilds; i++) {
        free(cc->builds[i]->raw);
        free(cc->builds[i]->names);
    }
    free(cc->builds);
    free(cc->queue);
    free(cc->implicit_prefix);
    free(cc->implicit_target);
}

void cbec__schema_free(cbec_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nnodes; i++)
        cbec__strmap_free(&s->nodes[i]->prop_map);
    free(s->nodes);
    for (size_t i = 0; i < s->nregexes; i++)
        cbec__regex_free(s->regexes[i]);
    free(s->regexes);
    cbec__strmap_free(&s->regex_map);
    for (size_t i = 0; i < s->ndocs; i++)
        doc_free(s->docs[i], s->reader);
    free(s->docs);
    cbec__json_reader_free(s->reader);
    cbec__arena_free(&s->arena);
    free(s);
}

int cbec__schema_draft(const cbec_schema *s) { return s->draft; }

static bool compile_root(js_cc *cc, js_doc *d)
{
    js_info top = {d->uri, cc->cfg->draft == CBEC_SCHEMA_DRAFT7 ? CBEC_SCHEMA_DRAFT7 : CBEC_SCHEMA_DRAFT2020,
                   JS_VOC_ALL & ~JS_VOC_FORMAT_ASSERT, NULL, d};
    const char *base = arena_str(cc, d->uri, strlen(d->uri));
    if (!base || !(top.res = new_res(cc, base)))
        return false;
    top.base = base;
    if (d->root->kind != CBEC_NODE_OBJECT && d->root->kind != CBEC_NODE_BOOL)
        return cc_error(cc, d, d->root, "a schema must be an object or a boolean");
    if (!register_uri(cc, d, base, d->root, d->root))
        return false;
    /* a root $id naming a directory serves the files beside the schema */
    const cbec_node *id = d->root->kind == CBEC_NODE_OBJECT ? cbec__node_member(d->root, "$id", 3) : NULL;
    if (id && id->kind == CBEC_NODE_STRING && cc->cfg->base_dir) {
        char *tmp = cbec__strndup(id->text, id->len);
        char *abs = tmp ? cbec__uri_resolve(base, tmp) : NULL;
        free(tmp);
        if (!abs)
            return cc_oom(cc);
        char *slash = strrchr(abs, '/');
        const char *fs = CBEC_SCHEMA_FILE_SCHEME;
        const char *dslash = strrchr(d->uri, '/');
        if (slash && dslash && cbec__uri_has_scheme(abs, strlen(abs)) && strncmp(abs, fs, strlen(fs)) != 0 &&
            strncmp(d->uri, fs, strlen(fs)) == 0) {
            slash[1] = '\0';
            cc->implicit_prefix = abs;
            if (!(cc->implicit_target = cbec__strndup(d->uri, (size_t)(dslash - d->uri) + 1)))
                return cc_oom(cc);
        } else {
            free(abs);
        }
    }
    if (!discover(cc, d, d->root, &top, 0))
        return false;
    js_info *ri = ptrmap_get(&cc->info, d->root);
    cc->s->draft = ri ? ri->draft : top.draft;
    if (!(cc->s->root = get_node(cc, d->root)))
        return false;
    return run_queue(cc);
}

static bool start(const cbec_schema_config *cfg, cbec_schema **out, cbec_schema_error *e, js_cc *cc)
{
    memset(e, 0, sizeof *e);
    memset(cc, 0, sizeof *cc);
    *out = NULL;
    cc->cfg = cfg;
    cc->e = e;
    cc->s = cbec__calloc(1, sizeof *cc->s);
    if (!cc->s)
        return cc_oom(cc);
    cbec__arena_init(&cc->s->arena);
    cbec__strmap_init(&cc->s->regex_map);
    cbec__strmap_init(&cc->uris);
    cbec__strmap_init(&cc->anchors);
    cc->s->format_assert = cfg->format_assert;
    return true;
}

static bool finish(js_cc *cc, bool ok, cbec_schema **out)
{
    ok = ok && !cc->failed;
    cc_free(cc);
    if (!ok) {
        cbec__schema_free(cc->s);
        return false;
    }
    *out = cc->s;
    return true;
}

bool cbec__schema_compile_node(const cbec_schema_config *cfg, const cbec_node *root, const char *uri,
                               cbec_schema **out, cbec_schema_error *e)
{
    js_cc cc;
    if (!start(cfg, out, e, &cc))
        return finish(&cc, false, out);
    const char *u = uri ? uri : CBEC_SCHEMA_FILE_SCHEME "/schema.json";
    js_doc *d = add_doc(&cc, u, u, "");
    bool ok = d != NULL;
    if (ok) {
        d->root = root;
        ok = compile_root(&cc, d);
    }
    return finish(&cc, ok, out);
}

bool cbec__schema_compile_file(const cbec_schema_config *cfg, const char *rel, cbec_schema **out,
                               cbec_schema_error *e)
{
    js_cc cc;
    if (!start(cfg, out, e, &cc))
        return finish(&cc, false, out);
    bool ok = false;
    if (!cfg->base_dir) {
        cc_error(&cc, NULL, NULL, "no directory to read the schema %s from", rel);
        return finish(&cc, false, out);
    }
    /* the retrieval URI keeps the path so relative references work */
    cbec_buf uri;
    cbec__buf_init(&uri);
    cbec__buf_adds(&uri, CBEC_SCHEMA_FILE_SCHEME "/");
    for (const char *p = rel; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (cbec__is_alnum(c) || strchr("-._~/!$&'()*+,;=:@", c))
            cbec__buf_addc(&uri, (char)c);
        else
            cbec__buf_addf(&uri, "%%%02X", c);
    }
    size_t len;
    char *text = uri.oom ? NULL : read_inside(&cc, cfg->base_dir, rel, &len, NULL, NULL, rel);
    if (text && cfg->on_file && !cfg->on_file(cfg->ud, rel, text, len)) {
        free(text);
        text = NULL;
        cc_oom(&cc);
    }
    if (text) {
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%s/%s", cfg->base_dir, rel);
        js_doc *d = add_doc(&cc, cbec__buf_cstr(&uri), file, "");
        if (!d)
            free(text);
        else
            ok = parse_doc(&cc, d, text, len) && compile_root(&cc, d);
    } else if (uri.oom) {
        cc_oom(&cc);
    }
    cbec__buf_free(&uri);
    return finish(&cc, ok, out);
}
