/* xml.c - the XML reader: libxml2 parses with every external access and
 * every entity declaration refused, this file turns its tree into the
 * document model and finds source positions on demand.  With xsd.c the
 * only file of the library that includes libxml2. */
#include "doc/xml.h"

#include <libxml/SAX2.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- process-wide set-up, done once ---- */

/* What the entity loader does for a call on this thread: libxml2's
 * loader is process-global, so the decision is thread-local state that
 * only the library's own calls set. */
enum { MODE_OTHER = 0, MODE_REFUSE = 1, MODE_FETCH = 2 };

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static xmlExternalEntityLoader previous_loader;
static _Thread_local int tl_mode;
static _Thread_local cbec_xml_fetch tl_fetch;
static _Thread_local void *tl_fetch_ctx;

static xmlParserInputPtr entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (tl_mode == MODE_OTHER)
        return previous_loader ? previous_loader(url, id, ctxt) : NULL;
    if (tl_mode != MODE_FETCH || !tl_fetch || !url)
        return NULL; /* a message never makes the library read anything */
    char *data = NULL;
    size_t len = 0;
    if (!tl_fetch(tl_fetch_ctx, url, &data, &len) || len > INT_MAX)
        return NULL;
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_NONE);
    if (!buf)
        return NULL;
    xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
    if (!in) {
        xmlFreeParserInputBuffer(buf);
        return NULL;
    }
    /* the schema's own name is the base its includes are resolved against */
    in->filename = (const char *)xmlStrdup((const xmlChar *)url);
    return in;
}

static void init_once_fn(void)
{
    xmlInitParser();
    previous_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(entity_loader);
}

void cbec__xml_init(void) { pthread_once(&init_once, init_once_fn); }

void cbec__xml_set_fetch(cbec_xml_fetch fetch, void *ctx)
{
    tl_fetch = fetch;
    tl_fetch_ctx = ctx;
    tl_mode = fetch ? MODE_FETCH : MODE_OTHER;
}

int cbec__xml_refuse_begin(void)
{
    int saved = tl_mode;
    tl_mode = MODE_REFUSE;
    return saved;
}

void cbec__xml_refuse_end(int saved) { tl_mode = saved; }

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void cbec__xml_quiet_begin(cbec_xml_quiet *q)
{
    q->func = (void (*)(void))xmlGenericError;
    q->ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, silent);
}

void cbec__xml_quiet_end(const cbec_xml_quiet *q)
{
    xmlSetGenericErrorFunc(q->ctx, (xmlGenericErrorFunc)q->func);
}

/* ---- the reader ---- */

#define VCACHE 4

enum { STOP_NONE, STOP_ENTITY, STOP_DTD, STOP_DEPTH, STOP_NODES };

struct cbec_xml_reader {
    xmlDocPtr tree;              /* the document of the last read, until release */
    bool light;                  /* tree holds a light element tree (see below) */
    bool full_only;              /* never take the light path */
    const char *root_ns;
    /* the light path: a parser context kept from message to message and
     * the element tree being built in the validator's arena */
    xmlParserCtxtPtr lctxt;
    bool lctxt_stale;            /* its dictionary grew too large: make it anew */
    bool fallback;               /* the message needs the full libxml2 tree */
    bool loom;
    cbec_arena *arena;
    xmlNodePtr cur, root;
    char *tbuf;                  /* the text run of cur being collected */
    size_t tlen, tcap;
    bool trun;
    /* element keys ("prefix:name") of light reads, kept while the names
     * they are made for live in the context's dictionary */
    struct key_entry *lkeys;
    cbec_arena keyarena;
    size_t keybytes;
    struct {
        unsigned long id;
        xmlSchemaValidCtxtPtr vc;
    } vcache[VCACHE];
    unsigned vnext;
    /* state of one parse */
    const cbec_read_limits *lim;
    unsigned depth;
    size_t nodes;
    int stop;
    char stop_name[64];
    unsigned long stop_line, stop_col;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    internalSubsetSAXFunc internal_subset;
    bool have_err;
    int err_code;
    unsigned long err_line, err_col;
    char err_msg[128];
};

/* Free the document of the last read.  A light tree lives in the arena:
 * unhook it first, so libxml2 frees only what it allocated itself (the
 * document node, its dictionary reference, an ID table or the xml:
 * namespace the validation may have added). */
static void drop_tree(cbec_xml_reader *r)
{
    if (!r->tree)
        return;
    if (r->light) {
        r->tree->children = NULL;
        r->tree->last = NULL;
    }
    xmlFreeDoc(r->tree);
    r->tree = NULL;
    r->light = false;
}

cbec_xml_reader *cbec__xml_reader_new(void)
{
    cbec__xml_init();
    cbec_xml_reader *r = cbec__calloc(1, sizeof(cbec_xml_reader));
    if (r)
        cbec__arena_init(&r->keyarena);
    return r;
}

void cbec__xml_reader_free(cbec_xml_reader *r)
{
    if (!r)
        return;
    drop_tree(r);
    for (unsigned i = 0; i < VCACHE; i++)
        if (r->vcache[i].vc)
            xmlSchemaFreeValidCtxt(r->vcache[i].vc);
    if (r->lctxt)
        xmlFreeParserCtxt(r->lctxt);
    free(r->tbuf);
    free(r->lkeys);
    cbec__arena_free(&r->keyarena);
    free(r);
}

void cbec__xml_reader_set_light(cbec_xml_reader *r, bool on) { r->full_only = !on; }

bool cbec__xml_read_was_light(const cbec_doc *doc)
{
    const cbec_xml_reader *r = doc && doc->format == CBEC_FORMAT_XML ? doc->reader_state : NULL;
    return r && r->tree && r->light;
}

void cbec__xml_release(cbec_xml_reader *r, cbec_doc *doc)
{
    if (r)
        drop_tree(r);
    if (doc)
        doc->reader_state = NULL;
}

/* ---- SAX hooks: refuse what has no place in a message, count as we go ---- */

static cbec_xml_reader *reader_of(void *ctx)
{
    xmlParserCtxtPtr ctxt = ctx;
    return ctxt->_private;
}

static void stop_here(xmlParserCtxtPtr ctxt, int why, const xmlChar *name)
{
    cbec_xml_reader *r = ctxt->_private;
    if (!r->stop) {
        r->stop = why;
        snprintf(r->stop_name, sizeof r->stop_name, "%s", name ? (const char *)name : "");
        r->stop_line = ctxt->input ? (unsigned long)ctxt->input->line : 0;
        r->stop_col = ctxt->input ? (unsigned long)ctxt->input->col : 0;
    }
    xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (external_id || system_id) {
        stop_here(ctxt, STOP_DTD, system_id ? system_id : external_id);
        return;
    }
    reader_of(ctx)->internal_subset(ctx, name, external_id, system_id);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    stop_here(ctx, STOP_ENTITY, name);
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                                    const xmlChar *system_id, const xmlChar *notation)
{
    (void)public_id;
    (void)system_id;
    (void)notation;
    stop_here(ctx, STOP_ENTITY, name);
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
    (void)ctx;
    (void)public_id;
    (void)system_id;
    return NULL;
}

/* Count an element against the limits; false when the parse stops. */
static bool admit(xmlParserCtxtPtr ctxt, cbec_xml_reader *r, const xmlChar *localname, int nb_attributes)
{
    if (r->stop)
        return false;
    r->depth++;
    r->nodes += 1 + (size_t)(nb_attributes > 0 ? nb_attributes : 0);
    if (r->lim->max_depth && r->depth > r->lim->max_depth) {
        stop_here(ctxt, STOP_DEPTH, localname);
        return false;
    }
    if (r->lim->max_nodes && r->nodes > r->lim->max_nodes) {
        stop_here(ctxt, STOP_NODES, localname);
        return false;
    }
    return true;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (!admit(ctxt, ctxt->_private, localname, nb_attributes))
        return;
    ((cbec_xml_reader *)ctxt->_private)
        ->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt->_private;
    if (r->stop)
        return;
    if (r->depth)
        r->depth--;
    r->end(ctx, localname, prefix, uri);
}

/* libxml2's structured error channel of this parse only: the first error
 * (not warning) is kept, nothing is printed. */
static void on_error(void *ctx, xmlErrorPtr err)
{
    if (!err || err->level < XML_ERR_ERROR)
        return;
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt ? ctxt->_private : NULL;
    if (!r || r->have_err)
        return;
    r->have_err = true;
    r->err_code = err->code;
    r->err_line = err->line > 0 ? (unsigned long)err->line : 0;
    r->err_col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
    snprintf(r->err_msg, sizeof r->err_msg, "%s", err->message ? err->message : "malformed XML");
    size_t n = strlen(r->err_msg);
    while (n && (r->err_msg[n - 1] == '\n' || r->err_msg[n - 1] == ' '))
        r->err_msg[--n] = '\0';
}

/* ---- the light path ----
 *
 * libxml2's own tree builder (SAX2) mallocs every node, string and
 * namespace and frees them one by one after the message; for a customs
 * order that is as much work as the parse itself.  For the messages that
 * use only elements, attributes, namespaces, text, CDATA, comments,
 * processing instructions and character or predefined entity references,
 * the handlers below build the same tree - the same nodes, links, names,
 * namespaces, text runs and attribute values SAX2 would make - from the
 * validator's arena, on a parser context kept from message to message.
 * XSD validation, conversion and positions read it like any libxml2 tree.
 * Anything else (a DOCTYPE, an entity reference left in the text, xml:id,
 * defaulted attributes, lines past 65534 where libxml2 stops counting)
 * makes the reader parse the message again the full way, so behaviour
 * never depends on which way a message took. */

#define LIGHT_DICT_MAX 50000       /* names kept in the context's dictionary */
#define LIGHT_DICT_BYTES (8u << 20) /* and the bytes they take */
#define TEXT_KEEP (1u << 20)        /* a larger text buffer goes after the message */
#define KEY_CACHE_LIGHT 512   /* element keys kept from message to message */
#define KEY_BYTES_MAX (1u << 20)

static void light_fallback(xmlParserCtxtPtr ctxt, cbec_xml_reader *r)
{
    r->fallback = true;
    xmlStopParser(ctxt);
}

static void light_oom(xmlParserCtxtPtr ctxt, cbec_xml_reader *r)
{
    r->loom = true;
    xmlStopParser(ctxt);
}

static void link_child(xmlNodePtr parent, xmlNodePtr c)
{
    c->parent = parent;
    if (parent->last) {
        parent->last->next = c;
        c->prev = parent->last;
    } else {
        parent->children = c;
    }
    parent->last = c;
}

/* Close the text run of the current element: one text node for all the
 * character data since its last child element, comment or processing
 * instruction, as SAX2 coalesces it. */
static bool flush_text(xmlParserCtxtPtr ctxt, cbec_xml_reader *r)
{
    if (!r->trun)
        return true;
    r->trun = false;
    xmlNodePtr t = cbec__arena_calloc(r->arena, 1, sizeof *t);
    char *content = t ? cbec__arena_alloc(r->arena, r->tlen + 1) : NULL;
    if (!content) {
        light_oom(ctxt, r);
        return false;
    }
    memcpy(content, r->tbuf, r->tlen);
    content[r->tlen] = '\0';
    t->type = XML_TEXT_NODE;
    t->name = xmlStringText;
    t->doc = r->cur->doc;
    t->content = (xmlChar *)content;
    link_child(r->cur, t);
    r->tlen = 0;
    return true;
}

static void light_chars(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt->_private;
    if (!r->cur || r->stop || r->fallback || r->loom || len < 0)
        return;
    size_t need = r->tlen + (size_t)len;
    if (need > r->tcap) {
        size_t cap = r->tcap ? r->tcap : 256;
        while (cap < need)
            cap *= 2;
        char *b = realloc(r->tbuf, cap);
        if (!b) {
            light_oom(ctxt, r);
            return;
        }
        r->tbuf = b;
        r->tcap = cap;
    }
    memcpy(r->tbuf + r->tlen, ch, (size_t)len);
    r->tlen = need;
    r->trun = true;
}

/* A comment or processing instruction ends a text run (SAX2 puts a node
 * between the two texts); neither is needed for anything else. */
static void light_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt->_private;
    if (r->cur)
        flush_text(ctxt, r);
}

static void light_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    light_comment(ctx, data);
}

static void light_reference(void *ctx, const xmlChar *name)
{
    (void)name;
    light_fallback(ctx, ((xmlParserCtxtPtr)ctx)->_private);
}

static void light_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                                  const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    light_fallback(ctx, ((xmlParserCtxtPtr)ctx)->_private);
}

/* An attribute value as SAX2 stores it: as delivered when the parser
 * did not copy it (then it ends at its quote), else with the references
 * the parser left in it ("&#38;" for '&') resolved, and no text node at
 * all when that leaves nothing.  False: a value only the full path can
 * store (an entity reference). */
static bool attr_value(xmlParserCtxtPtr ctxt, cbec_xml_reader *r, xmlAttrPtr a, const xmlChar *v,
                       const xmlChar *end)
{
    size_t n = (size_t)(end - v);
    char *text = cbec__arena_alloc(r->arena, n + 1);
    if (!text) {
        light_oom(ctxt, r);
        return true;
    }
    size_t k = 0;
    if (*end != 0) {
        memcpy(text, v, n);
        k = n;
    } else {
        for (size_t i = 0; i < n && v[i];) {
            if (v[i] != '&') {
                text[k++] = (char)v[i++];
                continue;
            }
            if (i + 1 >= n || v[i + 1] != '#')
                return false;
            size_t j = i + 2;
            bool hex = j < n && v[j] == 'x';
            j += hex;
            unsigned long cp = 0;
            size_t digits = 0;
            for (; j < n && v[j] != ';'; j++, digits++) {
                int d = v[j] >= '0' && v[j] <= '9' ? v[j] - '0'
                        : hex && v[j] >= 'a' && v[j] <= 'f' ? v[j] - 'a' + 10
                        : hex && v[j] >= 'A' && v[j] <= 'F' ? v[j] - 'A' + 10 : -1;
                if (d < 0 || cp > 0x10FFFF)
                    return false;
                cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            }
            /* the parser writes back only what it checked: anything else
             * is for the full path, which knows libxml2's quirks */
            if (j >= n || !digits || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return false;
            int w = xmlCopyCharMultiByte((xmlChar *)text + k, (int)cp);
            if (w <= 0 || (size_t)w > j + 1 - i)
                return false;
            k += (size_t)w;
            i = j + 1;
        }
        if (!k)
            return true; /* an attribute without a text node */
    }
    text[k] = '\0';
    xmlNodePtr t = cbec__arena_calloc(r->arena, 1, sizeof *t);
    if (!t) {
        light_oom(ctxt, r);
        return true;
    }
    t->type = XML_TEXT_NODE;
    t->name = xmlStringText;
    t->doc = a->doc;
    t->parent = (xmlNodePtr)a;
    t->content = (xmlChar *)text;
    a->children = a->last = t;
    return true;
}

static void light_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                        int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                        int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt->_private;
    if (r->fallback || r->loom || !admit(ctxt, r, localname, nb_attributes))
        return;
    xmlDocPtr doc = ctxt->myDoc;
    if (!doc) {
        light_oom(ctxt, r);
        return;
    }
    /* where SAX2 does more than the light tree can (line numbers past
     * its counter, attributes defaulted from a DTD): the full path */
    if (!ctxt->input || ctxt->input->line >= 65535 || nb_defaulted) {
        light_fallback(ctxt, r);
        return;
    }
    if (r->cur && !flush_text(ctxt, r))
        return;
    xmlNodePtr el = cbec__arena_calloc(r->arena, 1, sizeof *el);
    if (!el) {
        light_oom(ctxt, r);
        return;
    }
    el->type = XML_ELEMENT_NODE;
    el->name = localname;
    el->doc = doc;
    el->line = (unsigned short)ctxt->input->line;
    if (r->cur)
        link_child(r->cur, el);
    else if (!r->root)
        r->root = el;
    xmlNsPtr lastns = NULL;
    for (int i = 0; i < nb_namespaces; i++) {
        const xmlChar *pref = namespaces[2 * i], *href = namespaces[2 * i + 1];
        /* SAX2 keeps no declaration of the xml: prefix */
        if (pref && xmlStrEqual(pref, BAD_CAST "xml") && xmlStrEqual(href, XML_XML_NAMESPACE))
            continue;
        xmlNsPtr ns = cbec__arena_calloc(r->arena, 1, sizeof *ns);
        if (!ns) {
            light_oom(ctxt, r);
            return;
        }
        ns->type = XML_LOCAL_NAMESPACE;
        ns->href = href;
        ns->prefix = pref;
        if (lastns)
            lastns->next = ns;
        else
            el->nsDef = ns;
        lastns = ns;
        if (uri && prefix == pref)
            el->ns = ns;
    }
    if (uri && !el->ns) {
        /* the parent's namespace has the same prefix: an element that
         * declares nothing of its own (the usual case) finds what the
         * parent found, without walking up to the declaration */
        if (r->cur && r->cur->ns && r->cur->ns->prefix == prefix && r->cur->ns->href)
            el->ns = r->cur->ns;
        else
            el->ns = xmlSearchNs(doc, r->cur, prefix);
        if (!el->ns && xmlStrEqual(prefix, BAD_CAST "xml"))
            el->ns = xmlSearchNs(doc, el, prefix);
        if (!el->ns) {
            light_fallback(ctxt, r);
            return;
        }
    }
    xmlAttrPtr lasta = NULL;
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **at = attributes + 5 * i;
        /* xml:id is an ID libxml2 registers and checks while building */
        if (at[1] && xmlStrEqual(at[1], BAD_CAST "xml") && xmlStrEqual(at[0], BAD_CAST "id")) {
            light_fallback(ctxt, r);
            return;
        }
        xmlAttrPtr a = cbec__arena_calloc(r->arena, 1, sizeof *a);
        if (!a) {
            light_oom(ctxt, r);
            return;
        }
        a->type = XML_ATTRIBUTE_NODE;
        a->name = at[0];
        a->parent = el;
        a->doc = doc;
        if (at[1])
            a->ns = xmlSearchNs(doc, el, at[1]);
        if (lasta) {
            lasta->next = a;
            a->prev = lasta;
        } else {
            el->properties = a;
        }
        lasta = a;
        if (!attr_value(ctxt, r, a, at[3], at[4])) {
            light_fallback(ctxt, r);
            return;
        }
        if (r->loom)
            return;
    }
    r->cur = el;
}

static void light_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    (void)localname;
    (void)prefix;
    (void)uri;
    xmlParserCtxtPtr ctxt = ctx;
    cbec_xml_reader *r = ctxt->_private;
    if (r->stop || r->fallback || r->loom || !r->cur)
        return;
    if (r->depth)
        r->depth--;
    if (!flush_text(ctxt, r))
        return;
    r->cur = r->cur->parent;
}

/* ---- errors ---- */

static void set_error(cbec_read_error *e, const char *rule, const char *en, const char *zh)
{
    e->rule = rule;
    e->has_offset = false;
    e->offset = 0;
    snprintf(e->message_en, sizeof e->message_en, "%s", en);
    snprintf(e->message_zh, sizeof e->message_zh, "%s", zh);
}

/* Byte offset of a 1-based line and column (in characters) of src. */
static bool offset_of(const char *src, size_t len, unsigned long line, unsigned long col, size_t *out)
{
    if (!line)
        return false;
    size_t i = 0;
    for (unsigned long l = 1; l < line; l++) {
        const char *nl = memchr(src + i, '\n', len - i);
        if (!nl)
            return false;
        i = (size_t)(nl - src) + 1;
    }
    for (unsigned long c = 1; c < col && i < len && src[i] != '\n'; c++) {
        i++;
        while (i < len && ((unsigned char)src[i] & 0xC0) == 0x80)
            i++;
    }
    *out = i;
    return true;
}

static bool contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

static void parse_failure(cbec_xml_reader *r, const char *src, size_t len, cbec_read_error *e)
{
    char en[160], zh[160];
    unsigned long line = 0, col = 0;
    switch (r->stop) {
    case STOP_ENTITY:
        snprintf(en, sizeof en, "entity declarations are not accepted in messages (entity \"%.40s\")", r->stop_name);
        snprintf(zh, sizeof zh, "报文中不得声明实体（实体 \"%.40s\"）", r->stop_name);
        set_error(e, "CBEC-XML-ENTITY", en, zh);
        line = r->stop_line, col = r->stop_col;
        break;
    case STOP_DTD:
        snprintf(en, sizeof en, "the document names an external DTD (\"%.60s\"); external DTDs are never loaded", r->stop_name);
        snprintf(zh, sizeof zh, "报文引用外部 DTD（\"%.60s\"）；外部 DTD 一律不予加载", r->stop_name);
        set_error(e, "CBEC-XML-DTD", en, zh);
        line = r->stop_line, col = r->stop_col;
        break;
    case STOP_DEPTH:
        snprintf(en, sizeof en, "elements nested deeper than %u levels", r->lim->max_depth);
        snprintf(zh, sizeof zh, "元素嵌套超过 %u 层", r->lim->max_depth);
        set_error(e, "CBEC-LIMIT-DEPTH", en, zh);
        line = r->stop_line, col = r->stop_col;
        break;
    case STOP_NODES:
        snprintf(en, sizeof en, "the message has more than %zu elements and attributes", r->lim->max_nodes);
        snprintf(zh, sizeof zh, "报文的元素和属性超过 %zu 个", r->lim->max_nodes);
        set_error(e, "CBEC-LIMIT-NODES", en, zh);
        line = r->stop_line, col = r->stop_col;
        break;
    default: {
        const char *msg = r->have_err ? r->err_msg : "the document is not well-formed";
        if (contains(msg, "Excessive depth")) {
            snprintf(en, sizeof en, "elements nested deeper than the XML parser allows (%.90s)", msg);
            snprintf(zh, sizeof zh, "元素嵌套超过 XML 解析器的上限（%.90s）", msg);
            set_error(e, "CBEC-LIMIT-DEPTH", en, zh);
        } else if (r->err_code == XML_ERR_ENTITY_LOOP || contains(msg, "ntity")) {
            snprintf(en, sizeof en, "entity use refused: %.120s", msg);
            snprintf(zh, sizeof zh, "拒绝使用实体：%.120s", msg);
            set_error(e, "CBEC-XML-ENTITY", en, zh);
        } else if (contains(msg, "too long") || contains(msg, "huge") || contains(msg, "HUGE")) {
            snprintf(en, sizeof en, "a name, value or text exceeds the XML parser's limits: %.90s", msg);
            snprintf(zh, sizeof zh, "名称、属性值或文本超过 XML 解析器的上限：%.90s", msg);
            set_error(e, "CBEC-XML-LIMIT", en, zh);
        } else {
            snprintf(en, sizeof en, "malformed XML: %.140s", msg);
            snprintf(zh, sizeof zh, "XML 格式错误：%.140s", msg);
            set_error(e, "CBEC-XML-SYNTAX", en, zh);
        }
        line = r->err_line, col = r->err_col;
    }
    }
    size_t off;
    if (offset_of(src, len, line, col ? col : 1, &off)) {
        e->offset = off;
        e->has_offset = true;
    }
}

/* ---- libxml2 tree -> document model ---- */

#define KEY_CACHE 64      /* "prefix:name" keys of one conversion, by name */
#define GROUP_LINEAR 32   /* up to this many child elements, group by scanning */

typedef struct key_entry {
    const xmlChar *name, *prefix;
    const char *key;          /* local name, prefix written just before it */
    uint32_t keylen;
    uint16_t prefixlen;
} key_entry;

typedef struct convert_ctx {
    cbec_arena *arena;
    size_t nodes, max_nodes;
    bool oom, too_many;
    bool interned;            /* names from one dictionary: equal iff same pointer */
    key_entry *keys;          /* nkeys entries */
    size_t nkeys;
    cbec_arena *key_arena;    /* where keys are made */
    size_t *keybytes;         /* bytes made there (NULL: not counted) */
    key_entry local[KEY_CACHE];
} convert_ctx;

/* A child element; next chains the elements of its group in document
 * order (UINT32_MAX ends the chain). */
typedef struct kid {
    const xmlChar *name;
    xmlNodePtr node;
    uint32_t pos;
    uint32_t next;
} kid;

static int kid_order(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    int c = strcmp((const char *)x->name, (const char *)y->name);
    if (c)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

typedef struct group {
    uint32_t first, last;     /* indexes into the kids */
    uint32_t count;
    uint32_t pos;             /* document position of the first */
} group;

static int group_order(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Names of one parse come from one dictionary, so equal names are most
 * often the same pointer; the comparison does not rely on it. */
static bool same_name(const convert_ctx *cx, const xmlChar *a, const xmlChar *b)
{
    return a == b || (!cx->interned && a[0] == b[0] && strcmp((const char *)a, (const char *)b) == 0);
}

static bool is_text(const xmlNode *c)
{
    return c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE;
}

static bool blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* The text of the text children of a node (elements' own text only). */
static bool gather_text(convert_ctx *cx, xmlNodePtr first, const char **text, size_t *len)
{
    size_t n = 0, parts = 0;
    const xmlChar *only = NULL;
    for (xmlNodePtr c = first; c; c = c->next)
        if (is_text(c) && c->content) {
            n += strlen((const char *)c->content);
            only = c->content;
            parts++;
        }
    if (parts <= 1) {
        *text = only ? (const char *)only : "";
        *len = n;
        return true;
    }
    char *buf = cbec__arena_alloc(cx->arena, n + 1);
    if (!buf) {
        cx->oom = true;
        return false;
    }
    size_t at = 0;
    for (xmlNodePtr c = first; c; c = c->next)
        if (is_text(c) && c->content) {
            size_t k = strlen((const char *)c->content);
            memcpy(buf + at, c->content, k);
            at += k;
        }
    buf[at] = '\0';
    *text = buf;
    *len = at;
    return true;
}

/* Key a node by local name; remember the prefix as written just before it.
 * The elements of a message repeat few names: the key of a name and
 * prefix is made once per conversion. */
static bool set_key(convert_ctx *cx, cbec_node *n, const xmlNode *el)
{
    const xmlChar *prefix = el->ns ? el->ns->prefix : NULL;
    key_entry *ke = &cx->keys[((uintptr_t)el->name >> 4) % cx->nkeys];
    /* a prefix string may be freed with its document and its address
     * reused: the bytes are compared too (names live with the dictionary
     * the cache goes with) */
    if (ke->key && ke->name == el->name && ke->prefix == prefix &&
        (!prefix || (ke->prefixlen && memcmp(ke->key - ke->prefixlen, prefix, ke->prefixlen - 1) == 0 &&
                     prefix[ke->prefixlen - 1] == '\0'))) {
        n->key = ke->key;
        n->keylen = ke->keylen;
        n->prefixlen = ke->prefixlen;
        return true;
    }
    const char *local = (const char *)el->name;
    size_t ll = strlen(local);
    size_t pl = prefix ? strlen((const char *)prefix) : 0;
    if (!prefix || pl + 1 > UINT16_MAX) {
        n->key = local;
        n->keylen = (uint32_t)ll;
        n->prefixlen = 0;
    } else {
        char *q = cbec__arena_alloc(cx->key_arena, pl + 1 + ll + 1);
        if (!q) {
            cx->oom = true;
            return false;
        }
        if (cx->keybytes)
            *cx->keybytes += pl + ll + 2;
        memcpy(q, prefix, pl);
        q[pl] = ':';
        memcpy(q + pl + 1, local, ll + 1);
        n->key = q + pl + 1;
        n->keylen = (uint32_t)ll;
        n->prefixlen = (uint16_t)(pl + 1);
    }
    ke->name = el->name;
    ke->prefix = prefix;
    ke->key = n->key;
    ke->keylen = n->keylen;
    ke->prefixlen = n->prefixlen;
    return true;
}

static uint32_t line_of(const xmlNode *el)
{
    /* libxml2 stops counting at 65535 and then looks around the node */
    long l = el->line != 65535 ? (long)el->line : xmlGetLineNo(el);
    return l > 0 && l < (long)UINT32_MAX ? (uint32_t)l : 0;
}

static bool count_node(convert_ctx *cx)
{
    if (++cx->nodes > cx->max_nodes) {
        cx->too_many = true;
        return false;
    }
    return true;
}

/* Group the ne child elements of el by local name, groups in order of
 * first appearance, each group's elements chained in document order.
 * Returns the number of groups. */
static uint32_t group_kids(const convert_ctx *cx, xmlNodePtr el, kid *kids, group *groups, uint32_t ne)
{
    uint32_t k = 0, ng = 0;
    for (xmlNodePtr c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            kids[k].name = c->name;
            kids[k].node = c;
            kids[k].pos = k;
            kids[k].next = UINT32_MAX;
            k++;
        }
    if (ne <= GROUP_LINEAR) {
        for (uint32_t i = 0; i < ne; i++) {
            uint32_t g = 0;
            while (g < ng && !same_name(cx, kids[groups[g].first].name, kids[i].name))
                g++;
            if (g < ng) {
                kids[groups[g].last].next = i;
                groups[g].last = i;
                groups[g].count++;
            } else {
                groups[ng++] = (group){i, i, 1, i};
            }
        }
        return ng;
    }
    /* many children: sort, so a hostile message costs n log n */
    qsort(kids, ne, sizeof *kids, kid_order);
    for (uint32_t i = 0; i < ne; i++) {
        if (ng && strcmp((const char *)kids[groups[ng - 1].first].name, (const char *)kids[i].name) == 0) {
            kids[groups[ng - 1].last].next = i;
            groups[ng - 1].last = i;
            groups[ng - 1].count++;
            continue;
        }
        groups[ng++] = (group){i, i, 1, kids[i].pos};
    }
    if (ng > 1)
        qsort(groups, ng, sizeof *groups, group_order);
    return ng;
}

static bool convert_element(convert_ctx *cx, xmlNodePtr el, cbec_node *n)
{
    if (!count_node(cx))
        return false;
    el->_private = n;
    n->span.line = line_of(el);
    uint32_t na = 0, ne = 0;
    bool text = false;
    for (xmlAttrPtr a = el->properties; a; a = a->next)
        na++;
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            ne++;
        else if (!text && is_text(c) && !blank(c->content))
            text = true;
    }
    if (!na && !ne) {
        n->kind = CBEC_NODE_STRING;
        return gather_text(cx, el->children, &n->text, &n->len);
    }
    n->kind = CBEC_NODE_OBJECT;

    kid *kids = ne ? cbec__arena_alloc(cx->arena, ne * sizeof *kids) : NULL;
    group *groups = ne ? cbec__arena_alloc(cx->arena, ne * sizeof *groups) : NULL;
    if (ne && (!kids || !groups)) {
        cx->oom = true;
        return false;
    }
    uint32_t ng = ne ? group_kids(cx, el, kids, groups, ne) : 0;

    const char *mixed = NULL;
    size_t mixedlen = 0;
    if (text && !gather_text(cx, el->children, &mixed, &mixedlen))
        return false;
    uint32_t count = na + ng + (text ? 1 : 0);
    n->children = cbec__arena_calloc(cx->arena, count, sizeof *n->children);
    if (!n->children) {
        cx->oom = true;
        return false;
    }
    n->count = count;
    uint32_t m = 0;
    for (xmlAttrPtr a = el->properties; a; a = a->next, m++) {
        cbec_node *c = &n->children[m];
        if (!count_node(cx))
            return false;
        c->parent = n;
        c->index = m;
        c->kind = CBEC_NODE_STRING;
        c->flags = CBEC_NODEF_XML_ATTR;
        c->span.line = n->span.line;
        size_t ll = strlen((const char *)a->name);
        char *key = cbec__arena_alloc(cx->arena, ll + 2);
        if (!key) {
            cx->oom = true;
            return false;
        }
        key[0] = '@';
        memcpy(key + 1, a->name, ll + 1);
        c->key = key;
        c->keylen = (uint32_t)(ll + 1);
        a->_private = c;
        if (!gather_text(cx, a->children, &c->text, &c->len))
            return false;
    }
    for (uint32_t g = 0; g < ng; g++, m++) {
        cbec_node *c = &n->children[m];
        c->parent = n;
        c->index = m;
        const group *gr = &groups[g];
        if (!set_key(cx, c, kids[gr->first].node))
            return false;
        if (gr->count == 1) {
            if (!convert_element(cx, kids[gr->first].node, c))
                return false;
            continue;
        }
        if (!count_node(cx))
            return false;
        c->kind = CBEC_NODE_ARRAY;
        c->flags = CBEC_NODEF_ELEMENT_LIST;
        c->span.line = line_of(kids[gr->first].node);
        c->children = cbec__arena_calloc(cx->arena, gr->count, sizeof *c->children);
        if (!c->children) {
            cx->oom = true;
            return false;
        }
        c->count = gr->count;
        uint32_t k = gr->first;
        for (uint32_t i = 0; i < gr->count; i++, k = kids[k].next) {
            cbec_node *item = &c->children[i];
            item->parent = c;
            item->index = i;
            if (!convert_element(cx, kids[k].node, item))
                return false;
        }
    }
    if (text) {
        cbec_node *c = &n->children[m];
        if (!count_node(cx))
            return false;
        c->parent = n;
        c->index = m;
        c->kind = CBEC_NODE_STRING;
        c->key = "#text";
        c->keylen = 5;
        c->text = mixed;
        c->len = mixedlen;
        c->span.line = n->span.line;
    }
    return true;
}

static bool utf16_like(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return true;
    return n >= 2 && ((u[0] == 0 && u[1] == '<') || (u[0] == '<' && u[1] == 0));
}

static void parse_begin(cbec_xml_reader *r, xmlParserCtxtPtr ctxt, const cbec_read_limits *lim)
{
    r->lim = lim;
    r->depth = 0;
    r->nodes = 0;
    r->stop = STOP_NONE;
    r->have_err = false;
    r->err_msg[0] = '\0';
    ctxt->_private = r;
}

/* Run the parse with every external load refused and libxml2 quiet. */
static void parse_run(xmlParserCtxtPtr ctxt)
{
    cbec_xml_quiet q;
    cbec__xml_quiet_begin(&q);
    int mode = tl_mode;
    tl_mode = MODE_REFUSE;
    xmlParseDocument(ctxt);
    tl_mode = mode;
    cbec__xml_quiet_end(&q);
}

/* The refusals and the error channel both paths install. */
static void install_guards(xmlSAXHandlerPtr sax)
{
    sax->externalSubset = NULL;
    sax->entityDecl = on_entity_decl;
    sax->unparsedEntityDecl = on_unparsed_entity_decl;
    sax->resolveEntity = on_resolve_entity;
    sax->serror = on_error;
    sax->initialized = XML_SAX2_MAGIC;
}

/* no XML_PARSE_NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded,
 * nothing is loaded, libxml2's size limits hold */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING)

enum { READ_OK, READ_FAILED, READ_OOM, READ_FULL };

/* The light path; READ_FULL when the message needs the full one. */
static int read_light(cbec_xml_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                      cbec_arena *arena)
{
    if ((r->lctxt && r->lctxt_stale) || r->keybytes > KEY_BYTES_MAX) {
        /* the keys name dictionary strings: they go with the dictionary,
         * or when a stream of new names has made too many of them */
        if (r->lkeys)
            memset(r->lkeys, 0, KEY_CACHE_LIGHT * sizeof *r->lkeys);
        cbec__arena_reset(&r->keyarena);
        r->keybytes = 0;
    }
    if (r->lctxt && r->lctxt_stale) {
        xmlFreeParserCtxt(r->lctxt);
        r->lctxt = NULL;
    }
    if (!r->lctxt) {
        xmlParserCtxtPtr c = xmlNewParserCtxt();
        if (!c)
            return READ_OOM;
        xmlSAXHandlerPtr sax = c->sax;
        sax->startElementNs = light_start;
        sax->endElementNs = light_end;
        sax->characters = light_chars;
        sax->ignorableWhitespace = light_chars;
        sax->comment = light_comment;
        sax->processingInstruction = light_pi;
        sax->reference = light_reference;
        sax->internalSubset = light_internal_subset;
        install_guards(sax);
        r->lctxt = c;
        r->lctxt_stale = false;
    }
    xmlParserCtxtPtr ctxt = r->lctxt;
    xmlCtxtReset(ctxt);
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(src, (int)len, XML_CHAR_ENCODING_NONE);
    xmlParserInputPtr in = buf ? xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE) : NULL;
    if (!in) {
        if (buf)
            xmlFreeParserInputBuffer(buf);
        return READ_OOM;
    }
    if (inputPush(ctxt, in) < 0)
        return READ_OOM;
    /* options anew each time: a context takes the thread's defaults */
    xmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
    parse_begin(r, ctxt, lim);
    r->fallback = false;
    r->loom = false;
    r->arena = arena;
    r->cur = r->root = NULL;
    r->tlen = 0;
    r->trun = false;
    parse_run(ctxt);

    xmlDocPtr tree = ctxt->myDoc;
    ctxt->myDoc = NULL;
    /* the dictionary outlives the message: a stream of new names must
     * not make it grow without end; neither may one huge text */
    if (xmlDictSize(ctxt->dict) > LIGHT_DICT_MAX || xmlDictGetUsage(ctxt->dict) > LIGHT_DICT_BYTES)
        r->lctxt_stale = true;
    if (r->tcap > TEXT_KEEP) {
        free(r->tbuf);
        r->tbuf = NULL;
        r->tcap = 0;
    }
    if (r->fallback) {
        if (tree)
            xmlFreeDoc(tree);
        return READ_FULL;
    }
    bool ok = !r->stop && !r->have_err && !r->loom && ctxt->wellFormed && tree && r->root;
    bool nomem = r->loom || ctxt->errNo == XML_ERR_NO_MEMORY;
    if (!ok) {
        if (tree)
            xmlFreeDoc(tree);
        return nomem && !r->stop ? READ_OOM : READ_FAILED;
    }
    /* the element tree hangs off the document as SAX2 hangs it */
    r->root->parent = (xmlNodePtr)tree;
    tree->children = tree->last = r->root;
    r->tree = tree;
    r->light = true;
    return READ_OK;
}

/* The full path: libxml2's SAX2 tree builder behind the refusals. */
static int read_full(cbec_xml_reader *r, const char *src, size_t len, const cbec_read_limits *lim)
{
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(src, (int)len);
    if (!ctxt)
        return READ_OOM;
    parse_begin(r, ctxt, lim);
    xmlSAXHandlerPtr sax = ctxt->sax;
    r->start = sax->startElementNs;
    r->end = sax->endElementNs;
    r->internal_subset = sax->internalSubset;
    sax->startElementNs = on_start;
    sax->endElementNs = on_end;
    sax->internalSubset = on_internal_subset;
    install_guards(sax);
    xmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
    parse_run(ctxt);

    xmlDocPtr tree = ctxt->myDoc;
    ctxt->myDoc = NULL;
    bool ok = !r->stop && !r->have_err && ctxt->wellFormed && tree && xmlDocGetRootElement(tree);
    bool nomem = ctxt->errNo == XML_ERR_NO_MEMORY;
    xmlFreeParserCtxt(ctxt);
    if (!ok) {
        if (tree)
            xmlFreeDoc(tree);
        return nomem && !r->stop ? READ_OOM : READ_FAILED;
    }
    r->tree = tree;
    r->light = false;
    return READ_OK;
}

bool cbec__xml_read(cbec_xml_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                    cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom)
{
    cbec__xml_init();
    *oom = false;
    memset(doc, 0, sizeof *doc);
    doc->src = src;
    doc->srclen = len;
    doc->format = CBEC_FORMAT_XML;
    drop_tree(r);
    size_t max = lim->max_bytes && lim->max_bytes < (size_t)INT_MAX ? lim->max_bytes : (size_t)INT_MAX;
    if (len > max) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "message of %zu bytes exceeds the limit of %zu bytes", len, max);
        snprintf(zh, sizeof zh, "报文大小 %zu 字节，超过上限 %zu 字节", len, max);
        set_error(e, "CBEC-LIMIT-SIZE", en, zh);
        return false;
    }
    size_t start = 0;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    while (start < len && (src[start] == ' ' || src[start] == '\t' || src[start] == '\n' || src[start] == '\r'))
        start++;
    if (start == len) {
        set_error(e, "CBEC-EMPTY", "the message is empty", "报文为空");
        return false;
    }

    int st = r->full_only ? READ_FULL : read_light(r, src, len, lim, arena);
    if (st == READ_FULL)
        st = read_full(r, src, len, lim);
    if (st == READ_OOM) {
        *oom = true;
        return false;
    }
    if (st == READ_FAILED) {
        parse_failure(r, src, len, e);
        return false;
    }
    doc->reader_state = r;
    xmlNodePtr root_el = xmlDocGetRootElement(r->tree);
    r->root_ns = root_el->ns && root_el->ns->href ? (const char *)root_el->ns->href : "";

    convert_ctx cx = {.arena = arena, .max_nodes = lim->max_nodes ? lim->max_nodes : SIZE_MAX};
    cx.keys = cx.local;
    cx.nkeys = KEY_CACHE;
    cx.key_arena = arena;
    if (r->light && (r->lkeys || (r->lkeys = cbec__calloc(KEY_CACHE_LIGHT, sizeof *r->lkeys)))) {
        /* names of the light path come from the kept dictionary */
        cx.interned = true;
        cx.keys = r->lkeys;
        cx.nkeys = KEY_CACHE_LIGHT;
        cx.key_arena = &r->keyarena;
        cx.keybytes = &r->keybytes;
    }
    cbec_node *root = cbec__arena_calloc(arena, 1, sizeof *root);
    cbec_node *el = root ? cbec__arena_calloc(arena, 1, sizeof *el) : NULL;
    if (!root || !el) {
        *oom = true;
        return false;
    }
    root->kind = CBEC_NODE_OBJECT;
    root->flags = CBEC_NODEF_XML_DOC;
    root->count = 1;
    root->children = el;
    el->parent = root;
    if (!set_key(&cx, el, root_el) || !convert_element(&cx, root_el, el)) {
        if (cx.too_many) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "the message has more than %zu elements and attributes", cx.max_nodes);
            snprintf(zh, sizeof zh, "报文的元素和属性超过 %zu 个", cx.max_nodes);
            set_error(e, "CBEC-LIMIT-NODES", en, zh);
            return false;
        }
        *oom = true;
        return false;
    }
    root->span = el->span;
    doc->root = root;
    doc->nodes = cx.nodes + 1;
    doc->positions = false;
    return true;
}

const char *cbec__xml_root_namespace(const cbec_doc *doc)
{
    if (!doc || doc->format != CBEC_FORMAT_XML || !doc->reader_state)
        return NULL;
    const cbec_xml_reader *r = doc->reader_state;
    return r->tree ? r->root_ns : NULL;
}

struct _xmlDoc *cbec__xml_tree(const cbec_doc *doc)
{
    if (!doc || doc->format != CBEC_FORMAT_XML || !doc->reader_state)
        return NULL;
    return ((const cbec_xml_reader *)doc->reader_state)->tree;
}

const cbec_node *cbec__xml_node_of(const struct _xmlNode *n)
{
    if (!n)
        return NULL;
    if (n->type == XML_ATTRIBUTE_NODE)
        return ((const xmlAttr *)n)->_private;
    return n->type == XML_ELEMENT_NODE ? n->_private : NULL;
}

struct _xmlSchemaValidCtxt *cbec__xml_valid_ctxt(const cbec_doc *doc, unsigned long schema_id,
                                                 struct _xmlSchema *schema)
{
    if (!doc || doc->format != CBEC_FORMAT_XML || !doc->reader_state)
        return NULL;
    cbec_xml_reader *r = doc->reader_state;
    for (unsigned i = 0; i < VCACHE; i++)
        if (r->vcache[i].vc && r->vcache[i].id == schema_id)
            return r->vcache[i].vc;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc)
        return NULL;
    unsigned slot = r->vnext++ % VCACHE;
    if (r->vcache[slot].vc)
        xmlSchemaFreeValidCtxt(r->vcache[slot].vc);
    r->vcache[slot].vc = vc;
    r->vcache[slot].id = schema_id;
    return vc;
}

/* ---- positions on demand: one scan of the raw text ----
 *
 * The scan moves a byte index; lines and columns (a column counts
 * characters: UTF-8 continuation bytes do not count, every other byte
 * including '\r' does) are worked out only where a node needs them, from
 * the last place they were known. */

typedef struct scanner {
    const char *s;
    size_t n, i;
    size_t at;            /* where line and col were last worked out */
    uint32_t line, col;
} scanner;

static void sync(scanner *sc)
{
    const char *p = sc->s + sc->at, *end = sc->s + sc->i;
    for (const char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));) {
        sc->line++;
        sc->col = 1;
        p = nl + 1;
    }
    for (; p < end; p++)
        sc->col += ((unsigned char)*p & 0xC0) != 0x80;
    sc->at = sc->i;
}

static void adv(scanner *sc)
{
    if (sc->i < sc->n)
        sc->i++;
}

#define AT(sc, lit) at_lit(sc, lit, sizeof lit - 1)

static bool at_lit(const scanner *sc, const char *lit, size_t k)
{
    return sc->n - sc->i >= k && memcmp(sc->s + sc->i, lit, k) == 0;
}

/* Move past the next occurrence of lit (to the end when there is none). */
static void skip_past(scanner *sc, const char *lit, size_t k)
{
    while (sc->i < sc->n) {
        const char *p = memchr(sc->s + sc->i, lit[0], sc->n - sc->i);
        if (!p) {
            sc->i = sc->n;
            return;
        }
        sc->i = (size_t)(p - sc->s);
        if (at_lit(sc, lit, k)) {
            sc->i += k;
            return;
        }
        sc->i++;
    }
}

static void skip_quoted(scanner *sc)
{
    char q = sc->s[sc->i];
    adv(sc);
    const char *p = sc->i < sc->n ? memchr(sc->s + sc->i, q, sc->n - sc->i) : NULL;
    sc->i = p ? (size_t)(p - sc->s) : sc->n;
    adv(sc);
}

static void skip_doctype(scanner *sc)
{
    int bracket = 0;
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c == '"' || c == '\'') {
            skip_quoted(sc);
            continue;
        }
        if (AT(sc, "<!--")) {
            skip_past(sc, "-->", 3);
            continue;
        }
        adv(sc);
        if (c == '[')
            bracket++;
        else if (c == ']' && bracket)
            bracket--;
        else if (c == '>' && !bracket)
            return;
    }
}

/* Move to the next start tag's '<'; false at the end. */
static bool next_start_tag(scanner *sc)
{
    while (sc->i < sc->n) {
        const char *lt = memchr(sc->s + sc->i, '<', sc->n - sc->i);
        if (!lt) {
            sc->i = sc->n;
            return false;
        }
        sc->i = (size_t)(lt - sc->s);
        if (AT(sc, "<!--"))
            skip_past(sc, "-->", 3);
        else if (AT(sc, "<![CDATA["))
            skip_past(sc, "]]>", 3);
        else if (AT(sc, "<?"))
            skip_past(sc, "?>", 2);
        else if (AT(sc, "<!"))
            skip_doctype(sc);
        else if (AT(sc, "</"))
            skip_past(sc, ">", 1);
        else
            return true;
    }
    return false;
}

static bool name_char(char c)
{
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '=' && c != '>' && c != '/' &&
           c != '"' && c != '\'';
}

static void mark(scanner *sc, cbec_span *sp)
{
    sync(sc);
    sp->offset = sc->i > UINT32_MAX ? UINT32_MAX : (uint32_t)sc->i;
    sp->line = sc->line;
    sp->column = sc->col;
}

/* At a start tag's '<': give the element and its attributes their spans,
 * and leave the scanner after the tag. */
static void scan_start_tag(scanner *sc, cbec_node *n)
{
    if (n) {
        mark(sc, &n->span);
        if (n->parent && (n->parent->flags & CBEC_NODEF_ELEMENT_LIST) && n->index == 0)
            n->parent->span = n->span;
        if (n->parent && !n->parent->parent)
            n->parent->span = n->span; /* the document node */
    }
    adv(sc);
    while (sc->i < sc->n && name_char(sc->s[sc->i]))
        adv(sc);
    for (;;) {
        while (sc->i < sc->n && !name_char(sc->s[sc->i]) && sc->s[sc->i] != '>' && sc->s[sc->i] != '/')
            adv(sc);
        if (sc->i >= sc->n)
            return;
        if (sc->s[sc->i] == '>') {
            adv(sc);
            return;
        }
        if (sc->s[sc->i] == '/') {
            adv(sc);
            continue;
        }
        size_t nstart = sc->i;
        bool want = n && n->kind == CBEC_NODE_OBJECT;
        cbec_span sp = {0}; /* attributes have no EDI position */
        if (want)
            mark(sc, &sp);
        while (sc->i < sc->n && name_char(sc->s[sc->i]))
            adv(sc);
        const char *qn = sc->s + nstart;
        size_t ql = sc->i - nstart;
        while (sc->i < sc->n && sc->s[sc->i] != '"' && sc->s[sc->i] != '\'' && sc->s[sc->i] != '>')
            adv(sc);
        if (sc->i < sc->n && (sc->s[sc->i] == '"' || sc->s[sc->i] == '\''))
            skip_quoted(sc);
        if (!want)
            continue;
        if ((ql == 5 && memcmp(qn, "xmlns", 5) == 0) || (ql > 6 && memcmp(qn, "xmlns:", 6) == 0))
            continue;
        const char *colon = memchr(qn, ':', ql);
        const char *local = colon ? colon + 1 : qn;
        size_t ll = ql - (size_t)(local - qn);
        for (uint32_t k = 0; k < n->count; k++) {
            cbec_node *a = &n->children[k];
            if ((a->flags & CBEC_NODEF_XML_ATTR) && a->keylen == ll + 1 && memcmp(a->key + 1, local, ll) == 0) {
                a->span = sp;
                break;
            }
        }
    }
}

static void scan_element(scanner *sc, xmlNodePtr el, unsigned depth)
{
    if (!next_start_tag(sc) || depth > 10000)
        return;
    cbec_node *n = el->_private;
    scan_start_tag(sc, n);
    if (n && n->kind == CBEC_NODE_OBJECT)
        for (uint32_t k = 0; k < n->count; k++)
            if (n->children[k].keylen == 5 && memcmp(n->children[k].key, "#text", 5) == 0)
                n->children[k].span = n->span;
    for (xmlNodePtr c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            scan_element(sc, c, depth + 1);
}

void cbec__xml_positions(cbec_doc *doc)
{
    xmlDocPtr tree = cbec__xml_tree(doc);
    if (!tree || doc->positions)
        return;
    if (utf16_like(doc->src, doc->srclen))
        return; /* lines from libxml2 stay; offsets need the raw bytes */
    scanner sc = {doc->src, doc->srclen, 0, 0, 1, 1};
    if (sc.n >= 3 && memcmp(sc.s, "\xEF\xBB\xBF", 3) == 0)
        sc.i = sc.at = 3;
    scan_element(&sc, xmlDocGetRootElement(tree), 0);
    doc->positions = true;
}
