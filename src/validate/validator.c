/* validator.c - one validation: read the message, pick the message type,
 * walk the document along the compiled path trie, collect findings. */
#include "validate/validate.h"
#include "pack/registry.h"
#include "rules/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_BYTES (64UL << 20)
#define DEFAULT_DEPTH 256
#define MAX_DEPTH 10000
#define DEFAULT_FINDINGS 1000
#define DEFAULT_NODES 4000000UL

CBEC_API int cbec_validator_new(cbec_validator **out)
{
    if (!out)
        return CBEC_EINVAL;
    cbec_validator *v = cbec__calloc(1, sizeof *v);
    if (!v)
        return CBEC_ENOMEM;
    v->json_depth = DEFAULT_DEPTH;
    v->limits = (cbec_read_limits){DEFAULT_MAX_BYTES, DEFAULT_DEPTH, DEFAULT_NODES};
    v->max_findings = DEFAULT_FINDINGS;
    cbec__arena_init(&v->arena);
    cbec__buf_init(&v->ctx.tmp);
    v->json = cbec__json_reader_new(v->json_depth);
    v->regex = cbec__regex_scratch_new(NULL);
    if (!v->json || !v->regex) {
        cbec_validator_free(v);
        return CBEC_ENOMEM;
    }
    *out = v;
    return CBEC_OK;
}

CBEC_API void cbec_validator_free(cbec_validator *v)
{
    if (!v)
        return;
    cbec__json_reader_free(v->json);
    cbec__regex_scratch_free(v->regex);
    cbec__arena_free(&v->arena);
    cbec__buf_free(&v->ctx.tmp);
    free(v);
}

CBEC_API int cbec_validator_set_limit(cbec_validator *v, int limit, unsigned long value)
{
    if (!v)
        return CBEC_EINVAL;
    switch ((cbec_limit)limit) {
    case CBEC_LIMIT_MESSAGE_BYTES:
        v->limits.max_bytes = value ? value : DEFAULT_MAX_BYTES;
        return CBEC_OK;
    case CBEC_LIMIT_DEPTH: {
        unsigned d = value ? (unsigned)(value > MAX_DEPTH ? MAX_DEPTH : value) : DEFAULT_DEPTH;
        if (value > MAX_DEPTH)
            return CBEC_ELIMIT;
        if (d != v->json_depth) {
            cbec_json_reader *r = cbec__json_reader_new(d);
            if (!r)
                return CBEC_ENOMEM;
            cbec__json_reader_free(v->json);
            v->json = r;
            v->json_depth = d;
        }
        v->limits.max_depth = d;
        return CBEC_OK;
    }
    case CBEC_LIMIT_FINDINGS:
        v->max_findings = value ? value : DEFAULT_FINDINGS;
        return CBEC_OK;
    case CBEC_LIMIT_NODES:
        v->limits.max_nodes = value ? value : DEFAULT_NODES;
        return CBEC_OK;
    }
    return CBEC_EINVAL;
}

cbec_regex_scratch *cbec__vctx_regex(cbec_vctx *v) { return v->validator->regex; }
const cbec_doc *cbec__vctx_doc(cbec_vctx *v) { return v->doc; }

/* ---- the walk ---- */

static void run_rules(cbec_vctx *v, const cbec_trie *t, const cbec_node *n)
{
    for (size_t i = 0; i < t->nrules; i++) {
        const cbec_rule *r = t->rules[i];
        for (size_t k = 0; k < r->nchecks; k++)
            if (!r->checks[k].kind->run(r->checks[k].state, v, r, n))
                break;
    }
}

static void missing(cbec_vctx *v, const cbec_trie *t, const cbec_node *holder)
{
    for (size_t i = 0; i < t->nrules; i++) {
        const cbec_rule *r = t->rules[i];
        if (!r->required)
            continue;
        cbec__buf_reset(&v->tmp);
        cbec__buf_add(&v->tmp, t->name, t->len);
        cbec_finding_args a = {cbec__buf_cstr(&v->tmp), NULL, NULL, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_required, holder, &a);
    }
}

static void walk(cbec_vctx *v, const cbec_trie *t, const cbec_node *n)
{
    if (t->nrules)
        run_rules(v, t, n);
    for (size_t i = 0; i < t->nchildren; i++) {
        const cbec_trie *c = t->children[i];
        if (c->wildcard) {
            if (n->kind == CBEC_NODE_ARRAY || n->kind == CBEC_NODE_OBJECT)
                for (uint32_t k = 0; k < n->count; k++)
                    walk(v, c, &n->children[k]);
            continue;
        }
        if (n->kind != CBEC_NODE_OBJECT)
            continue;
        const cbec_node *m = cbec__node_member(n, c->name, c->len);
        if (m)
            walk(v, c, m);
        else if (c->has_required)
            missing(v, c, n);
    }
}

/* ---- entry ---- */

static cbec_format sniff(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i >= n)
        return CBEC_FORMAT_JSON; /* empty: the JSON reader says so */
    if (s[i] == '<')
        return CBEC_FORMAT_XML;
    if (n - i >= 3 && (memcmp(s + i, "UNA", 3) == 0 || memcmp(s + i, "UNB", 3) == 0))
        return CBEC_FORMAT_EDIFACT;
    if (n - i >= 3 && memcmp(s + i, "ISA", 3) == 0)
        return CBEC_FORMAT_X12;
    return CBEC_FORMAT_JSON;
}

static void fill_positions(cbec_vctx *v)
{
    cbec_report *r = v->report;
    bool need = false;
    for (size_t i = 0; i < r->count; i++)
        need |= r->items[i].node != NULL;
    if (!need)
        return;
    if (v->doc->format == CBEC_FORMAT_JSON)
        cbec__json_positions(v->doc);
    for (size_t i = 0; i < r->count; i++) {
        cbec_finding *f = &r->items[i];
        if (f->node && f->node->span.line) {
            f->offset = f->node->span.offset;
            f->line = f->node->span.line;
            f->column = f->node->span.column;
            f->has_offset = true;
        }
        f->node = NULL;
    }
    /* present findings in document order; ties keep the order of the rules */
    for (size_t i = 1; i < r->count; i++) {
        cbec_finding f = r->items[i];
        size_t k = i;
        while (k > 0 && r->items[k - 1].has_offset && f.has_offset && r->items[k - 1].offset > f.offset) {
            r->items[k] = r->items[k - 1];
            k--;
        }
        r->items[k] = f;
    }
}

static const char *format_name(cbec_format f)
{
    switch (f) {
    case CBEC_FORMAT_AUTO: return "auto";
    case CBEC_FORMAT_JSON: return "JSON";
    case CBEC_FORMAT_XML: return "XML";
    case CBEC_FORMAT_EDIFACT: return "EDIFACT";
    case CBEC_FORMAT_X12: return "X12";
    }
    return "unknown";
}

CBEC_API int cbec_validate(cbec_validator *v, const cbec_registry *reg, const char *message_type,
                           cbec_format format, const void *data, size_t len, cbec_report **out)
{
    if (!out)
        return CBEC_EINVAL;
    *out = NULL;
    if (!v || !reg || (!data && len) || format < CBEC_FORMAT_AUTO || format > CBEC_FORMAT_X12)
        return CBEC_EINVAL;
    const char *src = data ? data : "";
    const cbec_pack *pack = NULL;
    const cbec_msgtype *type = NULL;
    if (message_type && !cbec__registry_find_type(reg, message_type, &pack, &type))
        return CBEC_ENOTFOUND;
    cbec_report *r = cbec__report_new(v->max_findings);
    if (!r)
        return CBEC_ENOMEM;
    if (format == CBEC_FORMAT_AUTO)
        format = sniff(src, len);
    r->format = format;

    cbec_doc doc;
    memset(&doc, 0, sizeof doc);
    cbec_vctx *ctx = &v->ctx;
    ctx->validator = v;
    ctx->report = r;
    ctx->doc = &doc;
    cbec__arena_reset(&v->arena);
    int status = CBEC_OK;

    if (format != CBEC_FORMAT_JSON) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "no %s reader in this version of libcbecstd; the message was not checked",
                 format_name(format));
        snprintf(zh, sizeof zh, "此版本的 libcbecstd 不能读取 %s 报文；报文未经检查", format_name(format));
        cbec__report_builtin(r, "CBEC-FORMAT", CBEC_SEVERITY_ERROR, en, zh, "", 0, false);
        r->failed = true;
    } else {
        cbec_read_error re;
        bool oom;
        v->limits.max_depth = v->json_depth;
        if (!cbec__json_read(v->json, src, len, &v->limits, &v->arena, &doc, &re, &oom)) {
            if (oom) {
                status = CBEC_ENOMEM;
            } else {
                cbec__report_builtin(r, re.rule, CBEC_SEVERITY_ERROR, re.message_en, re.message_zh,
                                     "", re.offset, re.has_offset);
                if (re.has_offset) {
                    cbec_finding *f = &r->items[r->count - 1];
                    cbec__text_position(src, len, re.offset, &f->line, &f->column);
                }
                r->failed = true;
            }
        }
    }
    if (!status && doc.root) {
        if (!type) {
            size_t n = cbec__registry_detect(reg, &doc, &pack, &type);
            if (n != 1) {
                cbec__report_builtin(r, "CBEC-TYPE", CBEC_SEVERITY_ERROR,
                                     n ? "the message matches more than one message type; name the type"
                                       : "the message type could not be determined from the message; name the type",
                                     n ? "报文匹配多个报文类型，请指定类型" : "无法从报文判断报文类型，请指定类型",
                                     "", 0, false);
                r->failed = true;
                type = NULL;
            }
        }
        if (type) {
            r->type = cbec__strdup(type->name);
            if (!r->type || !cbec__report_keep_pack(r, pack)) {
                status = CBEC_ENOMEM;
            } else {
                ctx->pack = pack;
                walk(ctx, type->trie, doc.root);
                fill_positions(ctx);
            }
        }
    }
    if (!r->type)
        r->type = cbec__strdup(type ? type->name : "");
    if (doc.reader_state)
        cbec__json_release(v->json, &doc);
    if (r->format == CBEC_FORMAT_JSON)
        for (size_t i = 0; i < r->count; i++)
            r->items[i].node = NULL;
    ctx->doc = NULL;
    ctx->report = NULL;
    if (!status && (!r->type || r->oom))
        status = CBEC_ENOMEM;
    if (status) {
        cbec_report_free(r);
        return status;
    }
    *out = r;
    return CBEC_OK;
}
