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

/* A file of a schema: the XSD or one it includes or imports, by the name
 * libxml2 asks for it (relative to the pack), with its content. */
typedef struct xsd_dep {
    char *url;
    char *data;
    size_t len;
} xsd_dep;

enum { XSD_PENDING = 0, XSD_READY = 1, XSD_BROKEN = 2 };

/* A schema: its file set, read at load (they belong to the pack's digest),
 * and what libxml2 compiles from exactly those bytes - at load, or on
 * first use when the pack was loaded with CBEC_OPT_DEFER_COMPILE.
 * Compiling the customs XSDs is most of the work of loading the reference
 * packs, so a schema is shared by every message type, pack and registry of
 * the process that names the same file set: the same files, by the same
 * names, with the same content - a reload of unchanged packs compiles
 * nothing, and a changed or broken file makes a schema of its own.
 * libxml2 validates many documents against one compiled schema at once as
 * long as each has its own context. */
typedef struct xsd_schema {
    pthread_mutex_t lock;       /* held while compiling */
    atomic_int state;           /* XSD_*: set once, under lock */
    xmlSchemaPtr schema;        /* when XSD_READY */
    char error[300];            /* why it does not compile, when XSD_BROKEN */
    unsigned long id;           /* tells validation contexts of schemas apart */
    int refs;                   /* message types using it, under cache_lock */
    xsd_dep *deps;              /* deps[0] is the XSD the pack names */
    size_t ndeps;
    struct xsd_schema *next;
} xsd_schema;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static xsd_schema *cache;          /* schemas in use, under cache_lock */
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
    pthread_mutex_destroy(&s->lock);
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

/* ---- the file set, found without compiling ----
 *
 * The files a schema reads are its XSD and, recursively, what the
 * schemaLocation of its include, import, redefine and override elements
 * name.  They are found by a scan of the markup (comments, CDATA,
 * processing instructions and declarations skipped; prefixes bound to the
 * XML Schema namespace anywhere in the file count), resolved against the
 * including file's name as libxml2 resolves them (RFC 3986), and read at
 * load through the pack compiler.  The compile is served these bytes
 * only: a file it asks for that the scan did not find is refused. */

#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define MAX_SCHEMA_FILES 64

typedef struct markup {
    const char *s;
    size_t n, i;
} markup;

static bool skip_past(markup *m, const char *end)
{
    size_t k = strlen(end);
    for (; m->i + k <= m->n; m->i++)
        if (memcmp(m->s + m->i, end, k) == 0) {
            m->i += k;
            return true;
        }
    m->i = m->n;
    return false;
}

static bool contains(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    for (const char *p = s; (size_t)(p - s) + k <= n; p++) {
        p = memchr(p, lit[0], n - k + 1 - (size_t)(p - s));
        if (!p)
            return false;
        if (memcmp(p, lit, k) == 0)
            return true;
    }
    return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool at(const markup *m, const char *lit)
{
    size_t k = strlen(lit);
    return m->i + k <= m->n && memcmp(m->s + m->i, lit, k) == 0;
}

/* Prefixes bound to the XML Schema namespace ("" for the default
 * namespace), from every namespace declaration of the file. */
typedef struct xsd_prefixes {
    const char *name[16];
    size_t len[16];
    size_t count;
} xsd_prefixes;

static bool prefix_is_xsd(const xsd_prefixes *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->len[i] == len && memcmp(p->name[i], name, len) == 0)
            return true;
    return false;
}

/* Visit every start tag: its name and attributes. */
typedef void (*tag_fn)(void *ctx, const char *name, size_t nlen, const char **an, const size_t *anl,
                       const char **av, const size_t *avl, size_t nattrs);

/* A schema's includes, imports, redefines and overrides come before its
 * first declaration (XML Schema 1.0 3.15.2, 1.1 3.17.2; libxml2 refuses
 * one after it): a child of the root that declares something ends the
 * part of the file worth scanning. */
static bool declares(const char *name, size_t nlen)
{
    static const char *const decls[] = {"element", "attribute", "complexType", "simpleType", "group",
                                        "attributeGroup", "notation", "defaultOpenContent"};
    const char *colon = memchr(name, ':', nlen);
    const char *local = colon ? colon + 1 : name;
    size_t llen = nlen - (size_t)(local - name);
    for (size_t i = 0; i < CBEC_ARRAY_LEN(decls); i++)
        if (cbec__streq(local, llen, decls[i]))
            return true;
    return false;
}

#define MAX_TAG_ATTRS 32

static void scan_tags(const char *data, size_t len, tag_fn fn, void *ctx)
{
    markup m = {data, len, 0};
    size_t nesting = 0; /* elements open around the next tag */
    while (m.i < m.n) {
        const char *lt = memchr(m.s + m.i, '<', m.n - m.i);
        if (!lt)
            return;
        m.i = (size_t)(lt - m.s);
        if (at(&m, "<!--")) {
            skip_past(&m, "-->");
        } else if (at(&m, "<![CDATA[")) {
            skip_past(&m, "]]>");
        } else if (at(&m, "<?")) {
            skip_past(&m, "?>");
        } else if (at(&m, "<!")) {
            /* a declaration, with an internal subset in brackets */
            int depth = 0;
            for (m.i += 2; m.i < m.n; m.i++) {
                char c = m.s[m.i];
                if (c == '[')
                    depth++;
                else if (c == ']')
                    depth--;
                else if (c == '>' && depth <= 0)
                    break;
            }
            m.i++;
        } else if (at(&m, "</")) {
            nesting -= nesting > 0;
            skip_past(&m, ">");
        } else {
            m.i++;
            size_t name = m.i;
            while (m.i < m.n && !is_space(m.s[m.i]) && m.s[m.i] != '>' && m.s[m.i] != '/')
                m.i++;
            size_t nlen = m.i - name;
            if (nesting == 1 && declares(m.s + name, nlen))
                return;
            const char *an[MAX_TAG_ATTRS], *av[MAX_TAG_ATTRS];
            size_t anl[MAX_TAG_ATTRS], avl[MAX_TAG_ATTRS], na = 0;
            for (;;) {
                while (m.i < m.n && is_space(m.s[m.i]))
                    m.i++;
                if (m.i >= m.n || m.s[m.i] == '>' || m.s[m.i] == '/')
                    break;
                size_t a = m.i;
                while (m.i < m.n && !is_space(m.s[m.i]) && m.s[m.i] != '=' && m.s[m.i] != '>')
                    m.i++;
                size_t alen = m.i - a;
                while (m.i < m.n && is_space(m.s[m.i]))
                    m.i++;
                if (m.i >= m.n || m.s[m.i] != '=')
                    continue;
                m.i++;
                while (m.i < m.n && is_space(m.s[m.i]))
                    m.i++;
                if (m.i >= m.n || (m.s[m.i] != '"' && m.s[m.i] != '\''))
                    continue;
                const char *q = memchr(m.s + m.i + 1, m.s[m.i], m.n - m.i - 1);
                if (!q)
                    return;
                if (na < MAX_TAG_ATTRS) {
                    an[na] = m.s + a;
                    anl[na] = alen;
                    av[na] = m.s + m.i + 1;
                    avl[na] = (size_t)(q - (m.s + m.i + 1));
                    na++;
                }
                m.i = (size_t)(q - m.s) + 1;
            }
            if (nlen)
                fn(ctx, m.s + name, nlen, an, anl, av, avl, na);
            nesting += m.i >= m.n || m.s[m.i] != '/'; /* not an empty-element tag */
            skip_past(&m, ">");
        }
    }
}

static void collect_prefixes(void *ctx, const char *name, size_t nlen, const char **an, const size_t *anl,
                             const char **av, const size_t *avl, size_t na)
{
    xsd_prefixes *p = ctx;
    (void)name;
    (void)nlen;
    for (size_t i = 0; i < na && p->count < CBEC_ARRAY_LEN(p->name); i++) {
        if (avl[i] != strlen(XSD_NS) || memcmp(av[i], XSD_NS, avl[i]) != 0)
            continue;
        if (anl[i] == 5 && memcmp(an[i], "xmlns", 5) == 0) {
            p->name[p->count] = "";
            p->len[p->count++] = 0;
        } else if (anl[i] > 6 && memcmp(an[i], "xmlns:", 6) == 0) {
            p->name[p->count] = an[i] + 6;
            p->len[p->count++] = anl[i] - 6;
        }
    }
}

typedef struct locations {
    xsd_prefixes prefixes;
    char *found[MAX_SCHEMA_FILES];  /* schemaLocation values, as written */
    size_t count;
    bool too_many, oom;
} locations;

/* An attribute value with its predefined entities and character
 * references replaced (a reference to a character outside ASCII, or one
 * that is not well-formed, stays as written: reading that name is refused
 * as a path). */
static char *unescape(const char *v, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *semi = v[i] == '&' ? memchr(v + i, ';', n - i) : NULL;
        size_t rl = semi ? (size_t)(semi - (v + i)) + 1 : 0;
        static const struct { const char *ref; char c; } named[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        int c = -1;
        for (size_t e = 0; semi && e < CBEC_ARRAY_LEN(named) && c < 0; e++)
            if (rl == strlen(named[e].ref) && memcmp(v + i, named[e].ref, rl) == 0)
                c = named[e].c;
        if (semi && c < 0 && rl > 3 && v[i + 1] == '#') {
            bool hex = v[i + 2] == 'x';
            unsigned long cp = 0;
            size_t d = i + 2 + hex;
            for (; d < i + rl - 1 && cp < 0x80; d++) {
                char h = v[d];
                int dv = cbec__is_digit(h) ? h - '0'
                       : hex && h >= 'a' && h <= 'f' ? h - 'a' + 10
                       : hex && h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (dv < 0)
                    break;
                cp = cp * (hex ? 16 : 10) + (unsigned long)dv;
            }
            if (d == i + rl - 1 && d > i + 2 + hex && cp > 0 && cp < 0x80)
                c = (int)cp;
        }
        if (c >= 0) {
            out[k++] = (char)c;
            i += rl;
        } else {
            out[k++] = v[i++];
        }
    }
    out[k] = '\0';
    return out;
}

static void collect_locations(void *ctx, const char *name, size_t nlen, const char **an, const size_t *anl,
                              const char **av, const size_t *avl, size_t na)
{
    locations *l = ctx;
    const char *colon = memchr(name, ':', nlen);
    size_t plen = colon ? (size_t)(colon - name) : 0;
    const char *local = colon ? colon + 1 : name;
    size_t llen = nlen - (colon ? plen + 1 : 0);
    if (!prefix_is_xsd(&l->prefixes, name, plen))
        return;
    if (!cbec__streq(local, llen, "include") && !cbec__streq(local, llen, "import") &&
        !cbec__streq(local, llen, "redefine") && !cbec__streq(local, llen, "override"))
        return;
    for (size_t i = 0; i < na; i++) {
        if (!cbec__streq(an[i], anl[i], "schemaLocation"))
            continue;
        /* an anyURI: surrounding white space is not part of it */
        const char *v = av[i];
        size_t vl = avl[i];
        while (vl && is_space(*v))
            v++, vl--;
        while (vl && is_space(v[vl - 1]))
            vl--;
        if (!vl)
            return;
        if (l->count == MAX_SCHEMA_FILES) {
            l->too_many = true;
            return;
        }
        if (!(l->found[l->count] = unescape(v, vl)))
            l->oom = true;
        else
            l->count++;
        return;
    }
}

/* ref resolved against base, both relative references without a scheme
 * (RFC 3986 5.2: merge, then remove dot segments).  A reference with a
 * scheme, a "//" authority, a query, a fragment or a character reference
 * is kept as it is: reading it will be refused.  NULL when out of memory. */
static char *resolve(const char *base, const char *ref)
{
    if (strpbrk(ref, ":?#&") || ref[0] == '/')
        return cbec__strdup(ref);
    const char *slash = strrchr(base, '/');
    size_t blen = slash ? (size_t)(slash - base) + 1 : 0;
    size_t rlen = strlen(ref);
    char *merged = malloc(blen + rlen + 1);
    char *out = malloc(blen + rlen + 1);
    if (!merged || !out) {
        free(merged);
        free(out);
        return NULL;
    }
    memcpy(merged, base, blen);
    memcpy(merged + blen, ref, rlen + 1);
    size_t k = 0, floor = 0;    /* out[0..floor) is "../" segments */
    for (const char *p = merged; *p;) {
        size_t seg = strcspn(p, "/");
        bool last = p[seg] == '\0';
        if (seg == 1 && p[0] == '.') {
            /* "." */
        } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
            if (k == floor) {
                /* above the pack: kept, and refused when read */
                memcpy(out + k, "../", 3);
                k += 3;
                floor = k;
            } else {
                k--;                                   /* the slash */
                while (k && out[k - 1] != '/')
                    k--;
            }
        } else {
            memcpy(out + k, p, seg);
            k += seg;
            if (!last)
                out[k++] = '/';
        }
        p += seg + !last;
    }
    if (k && out[k - 1] == '/' && merged[strlen(merged) - 1] != '/')
        k--;
    out[k] = '\0';
    free(merged);
    return out;
}

/* Read the schema rel names and every file it leads to, through the pack
 * compiler (inside the pack's directory, counted in its digest). */
static bool read_file_set(cbec_compiler *c, const cbec_node *at_node, const char *rel, xsd_dep **out,
                          size_t *nout)
{
    xsd_dep *deps = cbec__calloc(MAX_SCHEMA_FILES, sizeof *deps);
    if (!deps)
        return cbec__compile_oom(c);
    size_t n = 0;
    bool ok = (deps[0].url = cbec__strdup(rel)) != NULL || cbec__compile_oom(c);
    if (ok)
        n = 1;
    for (size_t k = 0; ok && k < n; k++) {
        if (!cbec__compile_read_file(c, at_node, deps[k].url, &deps[k].data, &deps[k].len)) {
            ok = false;
            break;
        }
        locations l = {{{0}, {0}, 0}, {0}, 0, false, false};
        if (contains(deps[k].data, deps[k].len, "schemaLocation")) {
            scan_tags(deps[k].data, deps[k].len, collect_prefixes, &l.prefixes);
            scan_tags(deps[k].data, deps[k].len, collect_locations, &l);
        }
        for (size_t i = 0; ok && i < l.count; i++) {
            char *url = resolve(deps[k].url, l.found[i]);
            if (!url) {
                ok = cbec__compile_oom(c);
                break;
            }
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(deps[j].url, url) == 0;
            if (seen) {
                free(url);
            } else if (n == MAX_SCHEMA_FILES) {
                free(url);
                l.too_many = true;
            } else {
                deps[n++].url = url;
            }
        }
        for (size_t i = 0; i < l.count; i++)
            free(l.found[i]);
        if (ok && l.oom)
            ok = cbec__compile_oom(c);
        if (ok && l.too_many)
            ok = cbec__compile_error(c, at_node, "XSD \"%s\" leads to more than %d schema files", rel,
                                     MAX_SCHEMA_FILES);
    }
    if (!ok) {
        deps_free(deps, n);
        return false;
    }
    *out = deps;
    *nout = n;
    return true;
}

/* ---- compiling ---- */

typedef struct compile_ctx {
    xsd_schema *s;
    char refused[200];
    char first_error[300];
} compile_ctx;

static bool fetch(void *ctx, const char *url, char **data, size_t *len)
{
    compile_ctx *f = ctx;
    char *norm = resolve("", url);
    for (size_t i = 0; i < f->s->ndeps; i++)
        if (strcmp(f->s->deps[i].url, url) == 0 || (norm && strcmp(f->s->deps[i].url, norm) == 0)) {
            *data = f->s->deps[i].data;
            *len = f->s->deps[i].len;
            free(norm);
            return true;
        }
    free(norm);
    if (!f->refused[0])
        snprintf(f->refused, sizeof f->refused, "it reads \"%.120s\", which no schemaLocation names", url);
    return false;
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
    compile_ctx *f = ctx;
    if (!err || err->level < XML_ERR_ERROR || f->first_error[0])
        return;
    char msg[224]; /* with "file:line: ", fits first_error */
    tidy(err->message, msg, sizeof msg);
    if (err->file && err->line > 0)
        snprintf(f->first_error, sizeof f->first_error, "%.60s:%d: %s", err->file, err->line, msg);
    else
        snprintf(f->first_error, sizeof f->first_error, "%s", msg);
}

/* Compile s from its files, once: true when it is ready.  Any thread. */
static bool schema_ready(xsd_schema *s)
{
    int st = atomic_load_explicit(&s->state, memory_order_acquire);
    if (st != XSD_PENDING)
        return st == XSD_READY;
    pthread_mutex_lock(&s->lock);
    if (atomic_load_explicit(&s->state, memory_order_relaxed) == XSD_PENDING) {
        cbec__xml_init();
        atomic_fetch_add(&compiles, 1);
        compile_ctx f = {s, "", ""};
        cbec_xml_quiet q;
        cbec__xml_quiet_begin(&q);
        cbec__xml_set_fetch(fetch, &f);
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(s->deps[0].url);
        if (pc) {
            xmlSchemaSetParserStructuredErrors(pc, on_parse_error, &f);
            s->schema = xmlSchemaParse(pc);
            xmlSchemaFreeParserCtxt(pc);
        }
        cbec__xml_set_fetch(NULL, NULL);
        cbec__xml_quiet_end(&q);
        if (!s->schema)
            snprintf(s->error, sizeof s->error, "%s",
                     !pc ? "out of memory" : f.refused[0] ? f.refused
                                         : f.first_error[0] ? f.first_error : "libxml2 gave no reason");
        atomic_store_explicit(&s->state, s->schema ? XSD_READY : XSD_BROKEN, memory_order_release);
    }
    pthread_mutex_unlock(&s->lock);
    return atomic_load_explicit(&s->state, memory_order_acquire) == XSD_READY;
}

/* ---- sharing ---- */

/* The pack's earlier message types may already name this file. */
static xsd_schema *schema_shared(cbec_compiler *c, const char *rel)
{
    for (size_t i = 0; i < c->pack->ntypes; i++) {
        const cbec_format_spec *fs = &c->pack->types[i]->formats[CBEC_FORMAT_XML];
        if (fs->structure_free != xsd_free || !fs->structure)
            continue;
        xsd_schema *s = ((xsd_state *)fs->structure)->schema;
        if (s && strcmp(s->deps[0].url, rel) == 0) {
            schema_retain(s);
            return s;
        }
    }
    return NULL;
}

static bool same_files(const xsd_schema *s, const xsd_dep *deps, size_t n)
{
    if (s->ndeps != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s->deps[i].url, deps[i].url) != 0 || s->deps[i].len != deps[i].len ||
            memcmp(s->deps[i].data, deps[i].data, deps[i].len) != 0)
            return false;
    return true;
}

/* The schema of this file set: one another pack made from the same files,
 * or a new one (not compiled yet) that takes the files.  NULL when out of
 * memory (the files are freed). */
static xsd_schema *schema_for(xsd_dep *deps, size_t n)
{
    xsd_schema *s = cbec__calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        deps_free(deps, n);
        return NULL;
    }
    atomic_init(&s->state, XSD_PENDING);
    s->refs = 1;
    s->deps = deps;
    s->ndeps = n;
    /* looked up and added under one lock: packs loading on several
     * threads at once end up with one schema */
    pthread_mutex_lock(&cache_lock);
    for (xsd_schema *c = cache; c; c = c->next)
        if (same_files(c, deps, n)) {
            c->refs++;
            pthread_mutex_unlock(&cache_lock);
            schema_free(s);
            return c;
        }
    s->id = atomic_fetch_add(&next_schema_id, 1);
    s->next = cache;
    cache = s;
    pthread_mutex_unlock(&cache_lock);
    return s;
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
    if (!schema_ready(s->schema)) {
        /* compiled on first use (CBEC_OPT_DEFER_COMPILE): a broken schema
         * fails every message that needs it */
        char en[480], zh[480];
        snprintf(en, sizeof en, "XSD \"%s\" of pack %s does not compile: %s", s->schema->deps[0].url,
                 s->rule.pack->label, s->schema->error);
        snprintf(zh, sizeof zh, "规则包 %s 的 XSD \"%s\" 无法编译：%s", s->rule.pack->label,
                 s->schema->deps[0].url, s->schema->error);
        cbec__vctx_fail(v, "CBEC-XSD", en, zh);
        return;
    }
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
    if (!cbec__rule_init(c, r, t, n))
        return false;
    if (id && (id->kind != CBEC_NODE_STRING || !id->len || id->len > 64))
        return cbec__compile_error(c, id, "\"id\" must be a rule id of 1-64 characters");
    if (ref && ref->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, ref, "\"ref\" must be a string naming a clause of a standard");
    if (sev && !cbec__compile_severity(c, sev, &r->severity))
        return false;
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
    if (!r->id || !r->ref || !r->path || !r->canon)
        return cbec__compile_oom(c);

    char *rel = cbec__compile_strdup(c, file);
    if (!rel)
        return false;
    s->schema = schema_shared(c, rel);
    if (!s->schema) {
        xsd_dep *deps;
        size_t ndeps;
        if (!read_file_set(c, file, rel, &deps, &ndeps)) {
            free(rel);
            return false;
        }
        if (!(s->schema = schema_for(deps, ndeps))) {
            free(rel);
            return cbec__compile_oom(c);
        }
    }
    bool ok = true;
    if (!c->opts->defer_compile && !schema_ready(s->schema))
        ok = cbec__compile_error(c, file, "XSD \"%s\" does not compile: %s", rel, s->schema->error);
    free(rel);
    return ok;
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
