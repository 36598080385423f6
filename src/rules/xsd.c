/* xsd.c - XML message types: detection by the root element, structure
 * checked against an XSD (libxml2, schemas compiled once per pack and shared
 * by all threads, one validation context per validator), and the binding
 * of the XML tree onto the logical fields.  With src/doc/xml.c the only
 * file of the library that includes libxml2. */
#include "rules/xsd.h"
#include "doc/xml.h"
#include "pack/bind.h"
#include "pack/compile.h"

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- root element detection ---- */

typedef struct root_detect {
    char *name;
    size_t len;
    char *ns;     /* "" for no namespace */
} root_detect;

static void root_detect_free(void *d)
{
    root_detect *r = d;
    if (!r)
        return;
    free(r->name);
    free(r->ns);
    free(r);
}

static bool root_detect_match(const void *d, const cbec_doc *doc)
{
    const root_detect *r = d;
    const char *ns = cbec__xml_root_namespace(doc);
    if (!ns || !doc->root || doc->root->kind != CBEC_NODE_OBJECT || doc->root->count != 1)
        return false;
    const cbec_node *el = &doc->root->children[0];
    return el->keylen == r->len && memcmp(el->key, r->name, r->len) == 0 && strcmp(ns, r->ns) == 0;
}

static bool compile_root(cbec_compiler *c, const cbec_node *n, cbec_format_spec *out)
{
    static const char *const keys[] = {"name", "namespace"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"root\" must be {\"name\": LOCAL_NAME, \"namespace\": URI}");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"root\""))
        return false;
    const cbec_node *name = cbec__node_member(n, "name", 4), *ns = cbec__node_member(n, "namespace", 9);
    if (!name || name->kind != CBEC_NODE_STRING || !name->len || memchr(name->text, ':', name->len))
        return cbec__compile_error(c, n, "\"root\" needs \"name\": the local name of the root element (no prefix)");
    if (ns && ns->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, ns, "\"namespace\" must be a string (a namespace URI; \"\" for none)");
    root_detect *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return cbec__compile_oom(c);
    out->detect = r;
    out->detect_match = root_detect_match;
    out->detect_free = root_detect_free;
    r->len = name->len;
    if (!(r->name = cbec__compile_strdup(c, name)))
        return false;
    r->ns = ns ? cbec__compile_strdup(c, ns) : cbec__strdup("");
    return r->ns ? true : cbec__compile_oom(c);
}

/* ---- XSD ---- */

/* A file a schema compile read, with its content. */
typedef struct xsd_dep {
    char *url;            /* as libxml2 asked for it, relative to the pack */
    char *data;
    size_t len;
} xsd_dep;

/* A compiled schema.  Immutable after compile; libxml2 validates many
 * documents against one schema at once as long as each has its own
 * context.  Compiling the customs XSDs is most of the work of loading the
 * reference packs, so a compiled schema is shared by every message type,
 * pack and registry of the process that names the same file set: the
 * same files, by the same names, with the same content, which a pack
 * checks by reading them again (they belong to its digest anyway) - a
 * reload of unchanged packs compiles nothing, and a changed or broken
 * file is compiled (and its errors reported) as if nothing were shared. */
typedef struct xsd_schema {
    xmlSchemaPtr schema;
    char *file;
    unsigned long id;     /* tells validation contexts of schemas apart */
    int refs;             /* message types using it, under cache_lock */
    xsd_dep *deps;        /* every file the compile read, in the order read */
    size_t ndeps;
    struct xsd_schema *next;
} xsd_schema;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static xsd_schema *cache;          /* compiled schemas in use, under cache_lock */
static atomic_ulong compiles;      /* schemas compiled, for the tests */

unsigned long cbec__xsd_compile_count(void) { return atomic_load(&compiles); }

typedef struct xsd_state {
    xsd_schema *schema;
    cbec_rule rule;       /* what findings of this type's structure report as */
} xsd_state;

static atomic_ulong next_schema_id = 1;

static const cbec_check_kind xsd_kind = {
    "xsd", 0, NULL, NULL, NULL,
    "the structure does not follow the XSD: {reason}",
    "报文结构不符合 XSD：{reason}",
    NULL,
};

static void deps_free(xsd_dep *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].url);
        free(d[i].data);
    }
    free(d);
}

static void schema_free(xsd_schema *s)
{
    if (s->schema)
        xmlSchemaFree(s->schema);
    deps_free(s->deps, s->ndeps);
    free(s->file);
    free(s);
}

static void schema_retain(xsd_schema *s)
{
    pthread_mutex_lock(&cache_lock);
    s->refs++;
    pthread_mutex_unlock(&cache_lock);
}

/* Packs are freed on whatever thread drops the last snapshot. */
static void schema_release(xsd_schema *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&cache_lock);
    bool last = --s->refs == 0;
    if (last)
        for (xsd_schema **pp = &cache; *pp; pp = &(*pp)->next)
            if (*pp == s) {
                *pp = s->next;
                break;
            }
    pthread_mutex_unlock(&cache_lock);
    if (last)
        schema_free(s);
}

static void xsd_free(void *p)
{
    xsd_state *s = p;
    if (!s)
        return;
    schema_release(s->schema);
    free(s->rule.id);
    free(s->rule.ref);
    free(s->rule.path);
    free(s->rule.where);
    free(s->rule.canon);
    cbec__i18n_free(&s->rule.message);
    free(s);
}

/* Files libxml2 asked for while a schema compiled: read through the pack
 * compiler (inside the pack's directory only, part of its digest) and kept
 * until the compile ends. */
typedef struct fetch_ctx {
    cbec_compiler *c;
    const cbec_node *at;
    xsd_dep *deps;
    size_t ndeps;
    char first_error[300];
} fetch_ctx;

static bool fetch(void *ctx, const char *url, char **data, size_t *len)
{
    fetch_ctx *f = ctx;
    xsd_dep *deps = realloc(f->deps, (f->ndeps + 1) * sizeof *deps);
    if (!deps)
        return cbec__compile_oom(f->c);
    f->deps = deps;
    char *u = cbec__strdup(url);
    if (!u)
        return cbec__compile_oom(f->c);
    if (!cbec__compile_read_file(f->c, f->at, url, data, len)) {
        free(u);
        return false;
    }
    f->deps[f->ndeps++] = (xsd_dep){u, *data, *len};
    return true;
}

static void tidy(const char *msg, char *out, size_t cap)
{
    snprintf(out, cap, "%s", msg ? msg : "");
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
}

static void on_parse_error(void *ctx, xmlErrorPtr err)
{
    fetch_ctx *f = ctx;
    if (!err || err->level < XML_ERR_ERROR || f->first_error[0])
        return;
    char msg[240];
    tidy(err->message, msg, sizeof msg);
    if (err->file && err->line > 0)
        snprintf(f->first_error, sizeof f->first_error, "%.60s:%d: %s", err->file, err->line, msg);
    else
        snprintf(f->first_error, sizeof f->first_error, "%s", msg);
}

static xsd_schema *schema_compile(cbec_compiler *c, const cbec_node *at, const char *rel)
{
    cbec__xml_init();
    xsd_schema *s = cbec__calloc(1, sizeof *s);
    if (!s || !(s->file = cbec__strdup(rel))) {
        free(s);
        cbec__compile_oom(c);
        return NULL;
    }
    s->refs = 1;
    s->id = atomic_fetch_add(&next_schema_id, 1);
    atomic_fetch_add(&compiles, 1);
    fetch_ctx f = {c, at, NULL, 0, ""};
    cbec_xml_quiet q;
    cbec__xml_quiet_begin(&q);
    cbec__xml_set_fetch(fetch, &f);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(rel);
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, on_parse_error, &f);
        s->schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    cbec__xml_set_fetch(NULL, NULL);
    cbec__xml_quiet_end(&q);
    /* the files stay with the schema: the next pack naming them compares */
    s->deps = f.deps;
    s->ndeps = f.ndeps;
    if (!s->schema) {
        if (!c->status) {
            if (!pc)
                cbec__compile_oom(c);
            else
                cbec__compile_error(c, at, "XSD \"%s\" does not compile: %s", rel,
                                    f.first_error[0] ? f.first_error : "libxml2 gave no reason");
        }
        schema_free(s);
        return NULL;
    }
    if (!s->ndeps)
        return s; /* libxml2 read nothing through us: nothing to compare */
    pthread_mutex_lock(&cache_lock);
    s->next = cache;
    cache = s;
    pthread_mutex_unlock(&cache_lock);
    return s;
}

/* The pack's earlier message types may already have compiled this file. */
static xsd_schema *schema_shared(cbec_compiler *c, const char *rel)
{
    for (size_t i = 0; i < c->pack->ntypes; i++) {
        const cbec_format_spec *fs = &c->pack->types[i]->formats[CBEC_FORMAT_XML];
        if (fs->structure_free != xsd_free || !fs->structure)
            continue;
        xsd_schema *s = ((xsd_state *)fs->structure)->schema;
        if (s && strcmp(s->file, rel) == 0) {
            schema_retain(s);
            return s;
        }
    }
    return NULL;
}

/* Forget the files read since the compiler had kept nfiles of them. */
static void unread_files(cbec_compiler *c, size_t nfiles)
{
    while (c->nfiles > nfiles)
        free(c->files[--c->nfiles]);
}

#define CACHE_TRIES 4

/* A schema another pack compiled from the same file set.  The files are
 * read again, in the order the compile read them, through the pack
 * compiler (so they count in this pack's digest, exactly as a compile of
 * its own would count them) and compared with what that compile saw.  A
 * file that cannot be read is reported just as the compile would report
 * it, the files before it being the same.  NULL: compile. */
static xsd_schema *schema_cached(cbec_compiler *c, const cbec_node *at, const char *rel, bool *failed)
{
    xsd_schema *cand[CACHE_TRIES];
    size_t n = 0;
    pthread_mutex_lock(&cache_lock);
    for (xsd_schema *s = cache; s && n < CACHE_TRIES; s = s->next)
        if (s->ndeps && strcmp(s->deps[0].url, rel) == 0) {
            s->refs++;
            cand[n++] = s;
        }
    pthread_mutex_unlock(&cache_lock);
    xsd_schema *hit = NULL;
    for (size_t k = 0; k < n; k++) {
        xsd_schema *s = cand[k];
        if (hit || *failed) {
            schema_release(s);
            continue;
        }
        size_t nfiles = c->nfiles;
        bool same = true;
        for (size_t i = 0; i < s->ndeps && same; i++) {
            char *data = NULL;
            size_t len = 0;
            if (!cbec__compile_read_file(c, at, s->deps[i].url, &data, &len)) {
                *failed = true;
                same = false;
                break;
            }
            same = len == s->deps[i].len && memcmp(data, s->deps[i].data, len) == 0;
            free(data);
        }
        if (same) {
            hit = s;
        } else {
            if (!*failed)
                unread_files(c, nfiles);
            schema_release(s);
        }
    }
    return hit;
}

/* "{uri}name" in libxml2's messages becomes "prefix:name" with the prefix
 * the message itself binds to uri. */
static void readable(const char *msg, xmlDocPtr d, char *out, size_t cap)
{
    size_t k = 0;
    xmlNodePtr root = xmlDocGetRootElement(d);
    for (const char *p = msg; *p && k + 1 < cap;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close && close - p < 300) {
            char uri[300];
            memcpy(uri, p + 1, (size_t)(close - p - 1));
            uri[close - p - 1] = '\0';
            xmlNsPtr ns = root ? xmlSearchNsByHref(d, root, (const xmlChar *)uri) : NULL;
            if (ns) {
                int w = snprintf(out + k, cap - k, "%s%s", ns->prefix ? (const char *)ns->prefix : "",
                                 ns->prefix ? ":" : "");
                k += w > 0 ? (size_t)w : 0;
                if (k >= cap)
                    k = cap - 1;
                p = close + 1;
                continue;
            }
        }
        out[k++] = *p++;
    }
    out[k] = '\0';
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
}

typedef struct run_ctx {
    cbec_vctx *v;
    const xsd_state *s;
    const cbec_doc *wire;
    xmlDocPtr tree;
    size_t count;
} run_ctx;

static void on_valid_error(void *ctx, xmlErrorPtr err)
{
    run_ctx *r = ctx;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    r->count++;
    const cbec_node *at = cbec__xml_node_of(err->node);
    if (!at && r->wire->root && r->wire->root->count)
        at = &r->wire->root->children[0];
    char msg[400];
    readable(err->message ? err->message : "invalid", r->tree, msg, sizeof msg);
    cbec_finding_args a = {NULL, msg, msg, NULL, NULL};
    cbec__finding(r->v, &r->s->rule, &xsd_kind, at, &a);
}

static void xsd_run(const void *st, cbec_vctx *v, const cbec_doc *wire)
{
    const xsd_state *s = st;
    xmlDocPtr tree = cbec__xml_tree(wire);
    if (!tree)
        return;
    xmlSchemaValidCtxtPtr vc = cbec__xml_valid_ctxt(wire, s->schema->id, s->schema->schema);
    if (!vc) {
        cbec__vctx_fail(v, "CBEC-XSD", "out of memory while checking the message against its XSD",
                        "按 XSD 检查报文时内存不足");
        return;
    }
    run_ctx r = {v, s, wire, tree, 0};
    xmlSchemaSetValidStructuredErrors(vc, on_valid_error, &r);
    cbec_xml_quiet q;
    cbec__xml_quiet_begin(&q);
    int saved = cbec__xml_refuse_begin();
    int rc = xmlSchemaValidateDoc(vc, tree);
    cbec__xml_refuse_end(saved);
    cbec__xml_quiet_end(&q);
    xmlSchemaSetValidStructuredErrors(vc, NULL, NULL);
    if (rc < 0 && !r.count)
        cbec__vctx_fail(v, "CBEC-XSD", "the XSD validation could not run (libxml2 internal error)",
                        "XSD 校验无法进行（libxml2 内部错误）");
}

static bool compile_xsd(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out)
{
    static const char *const keys[] = {"file", "id", "ref", "severity", "message", "description"};
    const cbec_node *file = n, *id = NULL, *ref = NULL, *sev = NULL, *msg = NULL;
    if (n->kind == CBEC_NODE_OBJECT) {
        if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"xsd\""))
            return false;
        file = cbec__node_member(n, "file", 4);
        id = cbec__node_member(n, "id", 2);
        ref = cbec__node_member(n, "ref", 3);
        sev = cbec__node_member(n, "severity", 8);
        msg = cbec__node_member(n, "message", 7);
    }
    if (!file || file->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"xsd\" must name the schema file, or be {\"file\": FILE, \"id\": RULE_ID, ...}");
    xsd_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    out->structure = s;
    out->structure_run = xsd_run;
    out->structure_free = xsd_free;
    cbec_rule *r = &s->rule;
    r->pack = c->pack;
    r->msgtype = t;
    r->severity = CBEC_SEVERITY_ERROR;
    if (id && (id->kind != CBEC_NODE_STRING || !id->len || id->len > 64))
        return cbec__compile_error(c, id, "\"id\" must be a rule id of 1-64 characters");
    if (ref && ref->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, ref, "\"ref\" must be a string naming a clause of a standard");
    if (sev) {
        if (sev->kind == CBEC_NODE_STRING && cbec__streq(sev->text, sev->len, "error"))
            r->severity = CBEC_SEVERITY_ERROR;
        else if (sev->kind == CBEC_NODE_STRING && cbec__streq(sev->text, sev->len, "warning"))
            r->severity = CBEC_SEVERITY_WARNING;
        else if (sev->kind == CBEC_NODE_STRING && cbec__streq(sev->text, sev->len, "info"))
            r->severity = CBEC_SEVERITY_INFO;
        else
            return cbec__compile_error(c, sev, "severity must be \"error\", \"warning\" or \"info\"");
    }
    if (msg && !cbec__compile_i18n(c, msg, &r->message, true, true))
        return false;
    if (id) {
        r->id = cbec__compile_strdup(c, id);
    } else {
        size_t k = strlen(t->name) + 5;
        if ((r->id = malloc(k)))
            snprintf(r->id, k, "%s-XSD", t->name);
    }
    r->ref = ref ? cbec__compile_strdup(c, ref) : cbec__strdup("");
    r->path = cbec__strdup("");
    r->canon = cbec__strdup("");
    cbec_buf where;
    cbec__buf_init(&where);
    cbec__node_pointer(n, &where);
    r->where = cbec__strdup(cbec__buf_cstr(&where));
    cbec__buf_free(&where);
    if (!r->id || !r->ref || !r->path || !r->canon || !r->where)
        return cbec__compile_oom(c);

    char *rel = cbec__compile_strdup(c, file);
    if (!rel)
        return false;
    bool failed = false;
    s->schema = schema_shared(c, rel);
    if (!s->schema)
        s->schema = schema_cached(c, file, rel, &failed);
    if (!s->schema && !failed)
        s->schema = schema_compile(c, file, rel);
    free(rel);
    return s->schema != NULL;
}

/* ---- wire paths of an XML binding ---- */

/* Members are keyed by local name: "ceb:orderNo" is "orderNo", "@xml:lang"
 * is "@lang". */
static bool xml_segment(char *seg, size_t *len, const char **why)
{
    size_t n = *len;
    if (n == 5 && memcmp(seg, "#text", 5) == 0)
        return true;
    size_t start = seg[0] == '@' ? 1 : 0;
    const char *colon = memchr(seg + start, ':', n - start);
    if (colon) {
        size_t skip = (size_t)(colon - seg) + 1 - start;
        memmove(seg + start, seg + start + skip, n - start - skip);
        n -= skip;
        seg[n] = '\0';
    }
    if (n == start) {
        *why = "a segment names no element or attribute";
        return false;
    }
    for (size_t i = start; i < n; i++)
        if (seg[i] == ':' || seg[i] == ' ' || seg[i] == '<' || seg[i] == '>' || seg[i] == '@') {
            *why = "a segment is an element name (\"prefix:\" allowed), \"@attribute\", \"#text\" or \"*\"";
            return false;
        }
    *len = n;
    return true;
}

static const cbec_bind_syntax xml_syntax = {"XML", xml_segment};

/* ---- the section ---- */

bool cbec__xml_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out)
{
    static const char *const keys[] = {"root", "xsd", "bind", "description"};
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "the \"xml\" section"))
        return false;
    const cbec_node *m;
    if ((m = cbec__node_member(n, "root", 4)) && !compile_root(c, m, out))
        return false;
    if ((m = cbec__node_member(n, "xsd", 3)) && !compile_xsd(c, t, m, out))
        return false;
    if ((m = cbec__node_member(n, "bind", 4)) && !cbec__binding_compile(c, m, &xml_syntax, out))
        return false;
    return true;
}
