/* edi-report.c - the validator's side of EDI: reader entries that turn the
 * readers' issues into findings with segment/element/component positions,
 * the info finding for a message no pack defines, the envelopes a report
 * keeps, and the public calls for EDI positions and acknowledgements. */
#include "validate/edi-report.h"
#include "doc/edi.h"
#include "rules/ack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *cbec__edi_state_new(cbec_validator *v)
{
    (void)v;
    return cbec__edi_reader_new();
}

void cbec__edi_state_free(void *state) { cbec__edi_reader_free(state); }

/* The wire path of an issue: its segment, element and component. */
static void issue_path(const cbec_edi_info *in, const cbec_span *sp, cbec_buf *b)
{
    if (!sp->segment || sp->segment > in->nsegments)
        return;
    const cbec_node *seg = in->segments[sp->segment - 1];
    cbec__node_pointer(seg, b);
    const cbec_node *el = sp->element ? cbec__edi_element(seg, sp->element) : NULL;
    if (!sp->element)
        return;
    cbec__buf_addc(b, '/');
    cbec__buf_add_ulong(b, sp->element);
    if (sp->component && el && (el->flags & CBEC_NODEF_EDI_COMPOSITE)) {
        cbec__buf_addc(b, '/');
        cbec__buf_add_ulong(b, (unsigned long)sp->component - 1);
    }
}

static bool report_issues(cbec_report *r, const cbec_doc *doc)
{
    const cbec_edi_info *in = cbec__edi_info(doc);
    if (!in)
        return true;
    cbec_buf path;
    cbec__buf_init(&path);
    for (size_t i = 0; i < in->nissues; i++) {
        const cbec_edi_issue *is = &in->issues[i];
        const cbec_edi_problem_info *pi = cbec__edi_problem(is->problem);
        cbec__buf_reset(&path);
        issue_path(in, &is->span, &path);
        size_t before = r->total;
        cbec__report_builtin(r, pi ? pi->rule : "CBEC-EDI-SYNTAX", is->severity, is->en, is->zh,
                             cbec__buf_cstr(&path), is->span.offset, is->span.line != 0);
        cbec_finding *f = cbec__report_last(r, before);
        if (f) {
            f->line = is->span.line;
            f->column = is->span.column;
            f->edi_segment = is->span.segment;
            f->edi_element = is->span.element;
            f->edi_component = is->span.component;
        }
    }
    if (in->dropped) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "%zu further syntax problems are not listed", in->dropped);
        snprintf(zh, sizeof zh, "另有 %zu 个语法问题未列出", in->dropped);
        cbec__report_builtin(r, "CBEC-EDI-SYNTAX", CBEC_SEVERITY_ERROR, en, zh, "", 0, false);
    }
    bool ok = !path.oom;
    cbec__buf_free(&path);
    return ok;
}

bool cbec__edi_read_edifact(void *state, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                            cbec_read_error *e, bool *oom)
{
    if (!cbec__edifact_read(state, src, len, &v->limits, &v->arena, doc, e, oom))
        return false;
    if (!report_issues(v->ctx.report, doc))
        v->ctx.report->oom = true;
    return true;
}

bool cbec__edi_read_x12(void *state, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                        cbec_read_error *e, bool *oom)
{
    if (!cbec__x12_read(state, src, len, &v->limits, &v->arena, doc, e, oom))
        return false;
    if (!report_issues(v->ctx.report, doc))
        v->ctx.report->oom = true;
    return true;
}

bool cbec__edi_finish(void *state, const cbec_doc *doc, cbec_report *r)
{
    (void)state;
    const cbec_edi_info *in = cbec__edi_info(doc);
    if (!in)
        return true;
    for (size_t i = 0; i < r->count; i++) {
        cbec_finding *f = &r->items[i];
        if (f->edi_segment && !f->edi_tag[0])
            snprintf(f->edi_tag, sizeof f->edi_tag, "%.3s", cbec__edi_segment_tag(in, f->edi_segment));
    }
    cbec__edi_summary_free(r->edi);
    r->edi = cbec__edi_summary_new(in);
    return r->edi != NULL;
}

void cbec__edi_untyped(void *state, const cbec_doc *doc, cbec_report *r)
{
    (void)state;
    const cbec_edi_info *in = cbec__edi_info(doc);
    bool x12 = doc->format == CBEC_FORMAT_X12;
    cbec_buf list;
    cbec__buf_init(&list);
    /* the distinct message types and versions, in order of appearance */
    size_t shown = 0;
    for (size_t i = 0; in && i < in->nmessages && shown < 8; i++) {
        const cbec_edi_message_info *m = &in->messages[i];
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(in->messages[k].type, m->type) == 0 && strcmp(in->messages[k].version, m->version) == 0;
        if (seen)
            continue;
        if (shown++)
            cbec__buf_adds(&list, ", ");
        cbec__buf_add_visible(&list, *m->type ? m->type : "?", strlen(*m->type ? m->type : "?"), 20);
        if (*m->version) {
            cbec__buf_addc(&list, ' ');
            cbec__buf_add_visible(&list, m->version, strlen(m->version), 20);
        }
    }
    if (!shown)
        cbec__buf_adds(&list, x12 ? "no transaction set" : "no message");
    char en[400], zh[400];
    snprintf(en, sizeof en,
             "no loaded pack defines %s %s: only the syntax and the envelopes were checked",
             x12 ? "X12" : "EDIFACT", cbec__buf_cstr(&list));
    snprintf(zh, sizeof zh, "没有已加载的规则包定义 %s %s：仅检查了语法和信封", x12 ? "X12" : "EDIFACT",
             cbec__buf_cstr(&list));
    cbec__report_builtin(r, "CBEC-EDI-UNKNOWN-TYPE", CBEC_SEVERITY_INFO, en, zh, "", 0, false);
    if (list.oom)
        r->oom = true;
    cbec__buf_free(&list);
}

/* ---- public ---- */

CBEC_API int cbec_finding_edi_position(const cbec_report *r, size_t i, unsigned long *segment,
                                       unsigned *element, unsigned *component, const char **tag)
{
    if (!r || i >= r->count)
        return 0;
    const cbec_finding *f = &r->items[i];
    if (segment)
        *segment = f->edi_segment;
    if (element)
        *element = f->edi_element;
    if (component)
        *component = f->edi_component;
    if (tag)
        *tag = f->edi_tag;
    return f->edi_segment != 0;
}

CBEC_API int cbec_report_render_ack(cbec_report *r, cbec_ack_format format, const char *control_number,
                                    const char *timestamp, const char **out, size_t *len)
{
    if (!r || !out)
        return CBEC_EINVAL;
    *out = NULL;
    if (format != CBEC_ACK_X12_997 && format != CBEC_ACK_X12_999 && format != CBEC_ACK_EDIFACT_CONTRL)
        return CBEC_EINVAL;
    if (!r->edi)
        return CBEC_ESTATE;
    bool x12 = format != CBEC_ACK_EDIFACT_CONTRL;
    if (x12 != (r->edi->format == CBEC_FORMAT_X12))
        return CBEC_EINVAL;
    cbec_ack_item *items = r->count ? calloc(r->count, sizeof *items) : NULL;
    if (r->count && !items)
        return CBEC_ENOMEM;
    for (size_t i = 0; i < r->count; i++) {
        const cbec_finding *f = &r->items[i];
        cbec_ack_item *it = &items[i];
        it->problem = cbec__edi_problem_by_rule(f->rule);
        it->kind = f->kind;
        it->severity = f->severity;
        it->segment = f->edi_segment;
        it->element = f->edi_element;
        it->component = f->edi_component;
        it->tag = f->edi_tag;
        it->value = f->value;
    }
    cbec__buf_reset(&r->out);
    int st = cbec__ack_render(r->edi, items, r->count, (int)format, control_number, timestamp, &r->out);
    free(items);
    if (st)
        return st;
    if (r->out.oom)
        return CBEC_ENOMEM;
    *out = cbec__buf_cstr(&r->out);
    if (len)
        *len = r->out.len;
    return CBEC_OK;
}
