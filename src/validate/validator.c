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
    cbec__arena_init(&v->scratch);
    cbec__buf_init(&v->ctx.tmp);
    v->regex = cbec__regex_scratch_new(NULL);
    if (!v->regex) {
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
    for (int f = 0; f < CBEC_NFORMATS; f++) {
        const cbec_reader_kind *rk = cbec__reader_kind(f);
        if (rk && v->readers[f])
            rk->state_free(v->readers[f]);
    }
    cbec__regex_scratch_free(v->regex);
    cbec__arena_free(&v->arena);
    cbec__arena_free(&v->scratch);
    cbec__buf_free(&v->ctx.tmp);
    free(v->previous_state);
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
            /* readers size their stacks by the depth: make them anew */
            for (int f = 0; f < CBEC_NFORMATS; f++) {
                const cbec_reader_kind *rk = cbec__reader_kind(f);
                if (rk && v->readers[f])
                    rk->state_free(v->readers[f]);
                v->readers[f] = NULL;
            }
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

CBEC_API int cbec_validator_set_option(cbec_validator *v, int option, const char *value)
{
    if (!v)
        return CBEC_EINVAL;
    switch ((cbec_validator_option)option) {
    case CBEC_VOPT_DATE:
        if (!value) {
            v->date[0] = '\0';
            return CBEC_OK;
        }
        if (!cbec__is_date(value, strlen(value)))
            return CBEC_EINVAL;
        memcpy(v->date, value, 11);
        return CBEC_OK;
    case CBEC_VOPT_ALLOW_INACTIVE:
        v->allow_inactive = value && strcmp(value, "1") == 0;
        return CBEC_OK;
    case CBEC_VOPT_PREVIOUS_STATE: {
        char *s = value ? cbec__strdup(value) : NULL;
        if (value && !s)
            return CBEC_ENOMEM;
        free(v->previous_state);
        v->previous_state = s;
        return CBEC_OK;
    }
    }
    return CBEC_EINVAL;
}

CBEC_API int cbec_validator_clone(cbec_validator **out, const cbec_validator *v)
{
    if (!out || !v)
        return CBEC_EINVAL;
    *out = NULL;
    cbec_validator *c;
    int st = cbec_validator_new(&c);
    if (st)
        return st;
    /* every setting, none of the scratch */
    c->json_depth = v->json_depth;
    c->limits = v->limits;
    c->max_findings = v->max_findings;
    c->allow_inactive = v->allow_inactive;
    memcpy(c->date, v->date, sizeof c->date);
    if (v->previous_state && !(c->previous_state = cbec__strdup(v->previous_state))) {
        cbec_validator_free(c);
        return CBEC_ENOMEM;
    }
    *out = c;
    return CBEC_OK;
}

const char *cbec__vctx_previous_state(cbec_vctx *v) { return v->validator->previous_state; }
const char *cbec__vctx_date(cbec_vctx *v) { return v->date; }
cbec_arena *cbec__vctx_scratch(cbec_vctx *v) { return &v->validator->scratch; }

cbec_regex_scratch *cbec__vctx_regex(cbec_vctx *v) { return v->validator->regex; }
const cbec_doc *cbec__vctx_doc(cbec_vctx *v) { return v->doc; }
cbec_arena *cbec__vctx_arena(cbec_vctx *v) { return &v->validator->arena; }
size_t cbec__vctx_max_nodes(cbec_vctx *v) { return v->validator->limits.max_nodes; }

void cbec__vctx_fail(cbec_vctx *v, const char *rule, const char *en, const char *zh)
{
    cbec__report_builtin(v->report, rule, CBEC_SEVERITY_ERROR, en, zh, "", 0, false);
    v->report->failed = true;
}

/* ---- the walk ---- */

static void run_rules(cbec_vctx *v, const cbec_trie *t, const cbec_node *n)
{
    for (size_t i = 0; i < t->nrules; i++) {
        const cbec_rule *r = t->rules[i];
        /* a rule is one requirement: its first failing check speaks for it */
        size_t before = v->report->total;
        for (size_t k = 0; k < r->nchecks; k++)
            if (!r->checks[k].kind->run(r->checks[k].state, v, r, n) || v->report->total != before)
                break;
    }
}

static void missing(cbec_vctx *v, const cbec_trie *t, const cbec_node *holder)
{
    for (size_t i = 0; i < t->nrules; i++) {
        const cbec_rule *r = t->rules[i];
        if (!r->required)
            continue;
        /* a bound wire format may have no place for the field at all */
        const cbec_format_spec *fs = v->spec;
        if (fs && fs->carries && !fs->carries(fs->binding, holder, t->name, t->len))
            continue;
        cbec__buf_reset(&v->tmp);
        cbec__buf_add(&v->tmp, t->name, t->len);
        /* a rule message written for a present value ("... : {reason}")
         * then still says what is wrong */
        char en[128], zh[128];
        snprintf(en, sizeof en, "the field %.80s is missing", cbec__buf_cstr(&v->tmp));
        snprintf(zh, sizeof zh, "缺少字段 %.80s", cbec__buf_cstr(&v->tmp));
        cbec_finding_args a = {cbec__buf_cstr(&v->tmp), en, zh, NULL, NULL};
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
        /* a scalar or array where an object belongs has none of its members */
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
    /* UTF-16 (a byte order mark, or '<' beside a zero byte) cannot be JSON,
     * which is UTF-8; an XML document may be, and says so itself */
    if (n >= 2 && (((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF) ||
                   ((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                   (s[0] == '<' && s[1] == '\0') || (s[0] == '\0' && s[1] == '<')))
        return CBEC_FORMAT_XML;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i >= n)
        return CBEC_FORMAT_JSON; /* empty: the JSON reader says so */
    if (s[i] == '<')
        return CBEC_FORMAT_XML;
    if (n - i >= 3 && (memcmp(s + i, "UNA", 3) == 0 || memcmp(s + i, "UNB", 3) == 0 ||
                       memcmp(s + i, "UNH", 3) == 0))
        return CBEC_FORMAT_EDIFACT;
    if (n - i >= 3 && memcmp(s + i, "ISA", 3) == 0)
        return CBEC_FORMAT_X12;
    return CBEC_FORMAT_JSON;
}

static int finding_order(const void *a, const void *b)
{
    const cbec_finding *x = a, *y = b;
    size_t ox = x->has_offset ? x->offset : 0, oy = y->has_offset ? y->offset : 0;
    if (ox != oy)
        return ox < oy ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void fill_positions(cbec_vctx *v, const cbec_reader_kind *rk)
{
    cbec_report *r = v->report;
    bool need = false;
    for (size_t i = 0; i < r->count; i++)
        need |= r->items[i].node != NULL;
    if (!need)
        return;
    if (!v->doc->positions && rk->positions)
        rk->positions(v->doc);
    for (size_t i = 0; i < r->count; i++) {
        cbec_finding *f = &r->items[i];
        /* a bound logical node stands where its wire node stands */
        const cbec_node *at = f->node;
        for (unsigned hops = 0; at && (at->flags & CBEC_NODEF_BOUND) && at->origin && hops < 64; hops++)
            at = at->origin;
        if (at && at->span.line) {
            f->offset = at->span.offset;
            f->line = at->span.line;
            f->column = at->span.column;
            f->has_offset = true;
        }
        if (at && !f->edi_segment) {
            /* EDI: the segment, element and component a person looks for */
            f->edi_segment = at->span.segment;
            f->edi_element = at->span.element;
            f->edi_component = at->span.component;
        }
        f->node = NULL;
    }
    /* present findings in document order; ties keep the order of the rules */
    for (size_t i = 0; i < r->count; i++)
        r->items[i].seq = i;
    if (r->count)
        qsort(r->items, r->count, sizeof *r->items, finding_order);
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

/* Read, type, check structure, bind and walk; findings go to ctx->report.
 * Returns a status only for failures of the call itself (memory). */
static int run(cbec_vctx *ctx, const cbec_snapshot *snap, const char *message_type,
               cbec_format format, const char *src, size_t len)
{
    cbec_validator *v = ctx->validator;
    cbec_report *r = ctx->report;
    const cbec_reader_kind *rk = cbec__reader_kind(format);
    if (!rk) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "this build of libcbecstd has no %s reader; the message was not checked",
                 format_name(format));
        snprintf(zh, sizeof zh, "此版本的 libcbecstd 不能读取 %s 报文；报文未经检查", format_name(format));
        cbec__report_builtin(r, "CBEC-FORMAT", CBEC_SEVERITY_ERROR, en, zh, "", 0, false);
        r->failed = true;
        return CBEC_OK;
    }
    if (!v->readers[format] && !(v->readers[format] = rk->state_new(v)))
        return CBEC_ENOMEM;
    void *state = v->readers[format];

    cbec_doc wire, logical;
    memset(&wire, 0, sizeof wire);
    memset(&logical, 0, sizeof logical);
    cbec_read_error re;
    bool oom = false;
    v->limits.max_depth = v->json_depth;
    if (!rk->read(state, v, src, len, &wire, &re, &oom)) {
        if (rk->release)
            rk->release(state, &wire);
        if (oom)
            return CBEC_ENOMEM;
        cbec__report_builtin(r, re.rule, CBEC_SEVERITY_ERROR, re.message_en, re.message_zh, "",
                             re.offset, re.has_offset);
        if (re.has_offset && r->count) {
            cbec_finding *f = &r->items[r->count - 1];
            cbec__text_position(src, len, re.offset, &f->line, &f->column);
        }
        r->failed = true;
        return CBEC_OK;
    }
    int status = CBEC_OK;
    cbec_pick pick;
    memset(&pick, 0, sizeof pick);
    pick.type = message_type;
    pick.doc = &wire;
    pick.date = v->date;
    pick.allow_inactive = v->allow_inactive;
    const cbec_etype *type = NULL;
    cbec_snapshot *whole = NULL;
    int pst = cbec__snapshot_pick_compiled(snap, &pick, &type, &whole);
    if (whole) {
        /* heads picked the type; the report keeps the whole packs it checks with */
        cbec__snapshot_release(r->snap);
        r->snap = whole;
        snap = whole;
    }
    if (pst == CBEC_ENOMEM) {
        status = CBEC_ENOMEM;
        pst = CBEC_OK;
    }
    if (pst && !message_type && !pick.type_known && pst == CBEC_ENOTFOUND && rk->untyped) {
        /* EDI: syntax and envelopes were checked; say that no pack knows
         * the message, without failing it */
        rk->untyped(state, &wire, r);
    } else if (pst) {
        cbec__report_builtin(r, pick.type_known ? "CBEC-PACK" : "CBEC-TYPE",
                             CBEC_SEVERITY_ERROR, pick.reason_en, pick.reason_zh, "", 0, false);
        r->failed = true;
        if (message_type)
            r->type = cbec__strdup(message_type);
    }
    if (type) {
        const cbec_pack *pack = type->pack;
        const cbec_format_spec *fs = &type->formats[format];
        memcpy(ctx->date, pick.used_date, sizeof ctx->date);
        /* from here on, findings mask what the classification calls personal */
        cbec__privacy_collect(snap, type, &ctx->privacy);
        free(r->type);
        r->type = cbec__strdup(type->name);
        if (!r->type || !cbec__report_keep_pack(r, pack)) {
            status = CBEC_ENOMEM;
        } else if (format != CBEC_FORMAT_JSON && !fs->present) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "pack %s defines no %s form of message type %s", pack->label,
                     format_name(format), type->name);
            snprintf(zh, sizeof zh, "规则包 %s 未定义报文类型 %s 的 %s 形式", pack->label, type->name,
                     format_name(format));
            cbec__report_builtin(r, "CBEC-FORMAT", CBEC_SEVERITY_ERROR, en, zh, "", 0, false);
            r->failed = true;
        } else {
            ctx->pack = pack;
            ctx->spec = fs;
            ctx->doc = &wire;
            if (fs->structure_run)
                fs->structure_run(fs->structure, ctx, &wire);
            cbec_doc *target = &wire;
            if (fs->bind) {
                if (fs->bind(fs->binding, ctx, &wire, &logical))
                    target = &logical;
                else
                    r->failed = true;
            }
            if (!r->failed && (target->root->flags & CBEC_NODEF_UNITS)) {
                /* a binding that found several logical documents in one
                 * message (orders of a customs envelope): each is checked
                 * on its own, as if it had come alone */
                cbec_doc unit = *target;
                ctx->doc = &unit;
                for (uint32_t u = 0; u < target->root->count; u++) {
                    unit.root = &target->root->children[u];
                    walk(ctx, type->trie, unit.root);
                }
            } else if (!r->failed) {
                ctx->doc = target;
                walk(ctx, type->trie, target->root);
            }
            cbec__privacy_scrub(ctx, target);
            ctx->doc = &wire;
            fill_positions(ctx, rk);
        }
    }
    if (rk->finish && !rk->finish(state, &wire, r))
        status = status ? status : CBEC_ENOMEM;
    if (rk->release)
        rk->release(state, &wire);
    ctx->doc = NULL;
    return status;
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
    cbec_snapshot *snap = cbec__registry_acquire(reg);
    if (message_type && !cbec__snapshot_has_type(snap, message_type)) {
        cbec__snapshot_release(snap);
        return CBEC_ENOTFOUND;
    }
    cbec_report *r = cbec__report_new(v->max_findings);
    if (!r) {
        cbec__snapshot_release(snap);
        return CBEC_ENOMEM;
    }
    /* the report keeps the snapshot: its findings borrow rule strings */
    r->snap = snap;
    if (format == CBEC_FORMAT_AUTO)
        format = sniff(src, len);
    r->format = format;
    cbec_vctx *ctx = &v->ctx;
    ctx->validator = v;
    ctx->report = r;
    ctx->privacy.n = 0;
    ctx->doc = NULL;
    ctx->pack = NULL;
    ctx->spec = NULL;
    cbec__arena_reset(&v->arena);
    int status = run(ctx, snap, message_type, format, src, len);
    for (size_t i = 0; i < r->count; i++)
        r->items[i].node = NULL;
    ctx->doc = NULL;
    ctx->report = NULL;
    if (!status && !r->type && !(r->type = cbec__strdup("")))
        status = CBEC_ENOMEM;
    if (!status && r->oom)
        status = CBEC_ENOMEM;
    if (status) {
        cbec_report_free(r);
        return status;
    }
    *out = r;
    return CBEC_OK;
}
