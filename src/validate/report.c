/* report.c - findings: recording, accessors, messages in the reader's
 * language, and rendering as text or JSON. */
#include "validate/validate.h"
#include "doc/edi.h"
#include "pack/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_KEEP 256  /* bytes of an offending value kept in a finding */

cbec_report *cbec__report_new(size_t limit)
{
    cbec_report *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->limit = limit;
    cbec__arena_init(&r->arena);
    cbec__buf_init(&r->out);
    return r;
}

CBEC_API void cbec_report_free(cbec_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npacks; i++)
        cbec_pack_free(r->packs[i]);
    free(r->packs);
    cbec__snapshot_release(r->snap);
    free(r->items);
    free(r->type);
    free(r->source);
    cbec__edi_summary_free(r->edi);
    cbec__arena_free(&r->arena);
    cbec__buf_free(&r->out);
    free(r);
}

cbec_finding *cbec__report_last(cbec_report *r, size_t total_before)
{
    if (r->total != total_before + 1 || !r->count || r->truncated)
        return NULL;
    return &r->items[r->count - 1];
}

bool cbec__report_keep_pack(cbec_report *r, const cbec_pack *p)
{
    for (size_t i = 0; i < r->npacks; i++)
        if (r->packs[i] == p)
            return true;
    cbec_pack **packs = realloc(r->packs, (r->npacks + 1) * sizeof *packs);
    if (!packs)
        return false;
    r->packs = packs;
    r->packs[r->npacks++] = cbec_pack_ref((cbec_pack *)p);
    return true;
}

/* Count the finding; returns the slot to fill, or NULL when the report is
 * full (the finding is counted but not kept) or memory ran out. */
static cbec_finding *slot(cbec_report *r, int severity)
{
    r->total++;
    if (severity >= CBEC_SEVERITY_INFO && severity <= CBEC_SEVERITY_ERROR)
        r->by_severity[severity]++;
    if (r->count >= r->limit) {
        r->truncated = true;
        return NULL;
    }
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        if (cap > r->limit)
            cap = r->limit;
        cbec_finding *items = realloc(r->items, cap * sizeof *items);
        if (!items) {
            r->oom = true;
            return NULL;
        }
        r->items = items;
        r->cap = cap;
    }
    cbec_finding *f = &r->items[r->count++];
    memset(f, 0, sizeof *f);
    f->severity = severity;
    return f;
}

static char *keep(cbec_report *r, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = cbec__arena_strndup(&r->arena, s, n);
    if (!d)
        r->oom = true;
    return d;
}

void cbec__report_builtin(cbec_report *r, const char *rule, int severity, const char *en,
                          const char *zh, const char *path, size_t offset, bool has_offset)
{
    cbec_finding *f = slot(r, severity);
    if (!f)
        return;
    f->rule = rule;
    f->pack = "cbecstd";
    f->ref = "";
    f->reason_en = keep(r, en, strlen(en));
    f->reason_zh = keep(r, zh, strlen(zh));
    f->tmpl_en = "{reason}";
    f->tmpl_zh = "{reason}";
    f->path = keep(r, path, strlen(path));
    f->offset = offset;
    f->has_offset = has_offset;
}

void cbec__finding(cbec_vctx *v, const cbec_rule *rule, const cbec_check_kind *k,
                   const cbec_node *node, const cbec_finding_args *a)
{
    cbec_report *r = v->report;
    /* a waiver in force turns the finding into information that says so */
    const cbec_waiver *w = rule->waiver && strcmp(v->date, rule->waiver->expires) <= 0 ? rule->waiver : NULL;
    cbec_finding *f = slot(r, w ? CBEC_SEVERITY_INFO : rule->severity);
    if (!f)
        return;
    f->waiver = w;
    if (!cbec__report_keep_pack(r, rule->pack))
        r->oom = true;
    f->rule = rule->id;
    f->pack = rule->pack->label;
    f->ref = rule->ref;
    f->node = node;
    f->kind = k ? k->key : NULL;
    if (a->at) {
        f->edi_segment = a->at->segment;
        f->edi_element = a->at->element;
        f->edi_component = a->at->component;
    }
    if (a->tmpl_en) {
        f->tmpl_en = a->tmpl_en;
        f->tmpl_zh = a->tmpl_zh ? a->tmpl_zh : a->tmpl_en;
    } else {
        f->tmpl = rule->message.count ? &rule->message : NULL;
        f->tmpl_en = k->default_en;
        f->tmpl_zh = k->default_zh;
    }
    cbec__buf_reset(&v->tmp);
    cbec__node_pointer(node, &v->tmp);
    f->path = keep(r, cbec__buf_cstr(&v->tmp), v->tmp.len);
    if (node && cbec__node_is_scalar(node))
        f->value = keep(r, node->text, node->len > VALUE_KEEP ? VALUE_KEEP : node->len);
    if (a->expected)
        f->expected = keep(r, a->expected, strlen(a->expected));
    if (a->reason_en)
        f->reason_en = keep(r, a->reason_en, strlen(a->reason_en));
    if (a->reason_zh)
        f->reason_zh = keep(r, a->reason_zh, strlen(a->reason_zh));
    /* A personal or sensitive value is masked here, when it is recorded,
     * so no output of the report (messages, renderings, accessors) can
     * show it; cbec__privacy_scrub later catches copies in other texts. */
    int cls = node ? cbec__vctx_class(v, node) : CBEC_CLASS_UNSET;
    if (cls >= CBEC_CLASS_PERSONAL) {
        cbec_buf m;
        cbec__buf_init(&m);
        if (f->value) {
            cbec__privacy_mask(&m, node->text, node->len, cls);
            f->value = m.oom ? NULL : keep(r, cbec__buf_cstr(&m), m.len);
        }
        /* a text check may suggest the normalised value: that is the value
         * too (it shares a beginning or an end with it, unlike a script or
         * repertoire name) */
        size_t el = f->expected ? strlen(f->expected) : 0, pre = 0, suf = 0;
        while (pre < el && pre < node->len && f->expected[pre] == node->text[pre])
            pre++;
        while (suf < el && suf < node->len && f->expected[el - 1 - suf] == node->text[node->len - 1 - suf])
            suf++;
        if (f->expected && f->kind && strcmp(f->kind, "text") == 0 && (pre >= 2 || suf >= 2)) {
            cbec__buf_reset(&m);
            cbec__privacy_mask(&m, f->expected, strlen(f->expected), cls);
            f->expected = m.oom ? NULL : keep(r, cbec__buf_cstr(&m), m.len);
        }
        if (m.oom)
            r->oom = true;
        cbec__buf_free(&m);
    }
}

/* ---- accessors ---- */

CBEC_API int cbec_report_valid(const cbec_report *r)
{
    return r && !r->failed && r->by_severity[CBEC_SEVERITY_ERROR] == 0;
}
CBEC_API const char *cbec_report_message_type(const cbec_report *r) { return r && r->type ? r->type : ""; }
CBEC_API cbec_format cbec_report_format(const cbec_report *r) { return r ? (cbec_format)r->format : CBEC_FORMAT_AUTO; }
CBEC_API size_t cbec_report_count(const cbec_report *r) { return r ? r->count : 0; }
CBEC_API int cbec_report_truncated(const cbec_report *r) { return r && r->truncated; }

CBEC_API size_t cbec_report_count_severity(const cbec_report *r, cbec_severity s)
{
    return r && s >= CBEC_SEVERITY_INFO && s <= CBEC_SEVERITY_ERROR ? r->by_severity[s] : 0;
}

CBEC_API int cbec_report_set_source(cbec_report *r, const char *source, unsigned long index)
{
    if (!r)
        return CBEC_EINVAL;
    char *s = source ? cbec__strdup(source) : NULL;
    if (source && !s)
        return CBEC_ENOMEM;
    free(r->source);
    r->source = s;
    r->index = index;
    return CBEC_OK;
}

static const cbec_finding *at(const cbec_report *r, size_t i)
{
    return r && i < r->count ? &r->items[i] : NULL;
}

CBEC_API const char *cbec_finding_rule(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->rule : NULL;
}
CBEC_API cbec_severity cbec_finding_severity(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? (cbec_severity)f->severity : (cbec_severity)0;
}
CBEC_API const char *cbec_finding_path(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? (f->path ? f->path : "") : NULL;
}
CBEC_API unsigned long cbec_finding_line(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->line : 0;
}
CBEC_API unsigned long cbec_finding_column(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->column : 0;
}
CBEC_API unsigned long cbec_finding_offset(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->offset : 0;
}
CBEC_API const char *cbec_finding_pack(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->pack : NULL;
}
CBEC_API const char *cbec_finding_ref(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? f->ref : NULL;
}
CBEC_API const char *cbec_finding_expected(const cbec_report *r, size_t i)
{
    const cbec_finding *f = at(r, i);
    return f ? (f->expected ? f->expected : "") : NULL;
}

CBEC_API const char *cbec_severity_name(cbec_severity s)
{
    switch (s) {
    case CBEC_SEVERITY_INFO: return "info";
    case CBEC_SEVERITY_WARNING: return "warning";
    case CBEC_SEVERITY_ERROR: return "error";
    }
    return "unknown";
}

/* ---- messages ---- */

static bool lang_is_zh(const char *lang)
{
    /* language tags are case-insensitive: "zh-CN", "ZH", "zh_TW" */
    return lang && (lang[0] == 'z' || lang[0] == 'Z') && (lang[1] == 'h' || lang[1] == 'H') &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

void cbec__render_template(cbec_buf *b, const char *tmpl, const cbec_finding *f, const char *lang)
{
    bool zh = lang_is_zh(lang);
    for (const char *p = tmpl; *p; p++) {
        if (*p != '{' && *p != '}') {
            /* a pack's template is untrusted text too: no control
             * characters or bidi overrides reach the output raw */
            size_t run = strcspn(p, "{}");
            cbec__buf_add_visible(b, p, run, 0);
            p += run - 1;
            continue;
        }
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            cbec__buf_addc(b, *p++);
            continue;
        }
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end) {
            cbec__buf_addc(b, *p);
            continue;
        }
        size_t n = (size_t)(end - p - 1);
        const char *name = p + 1;
        const char *val = NULL;
        bool visible = true;
        if (n == 5 && memcmp(name, "value", 5) == 0)
            val = f->value ? f->value : "";
        else if (n == 8 && memcmp(name, "expected", 8) == 0)
            val = f->expected ? f->expected : "";
        else if (n == 4 && memcmp(name, "path", 4) == 0)
            val = f->path ? f->path : "";
        else if (n == 6 && memcmp(name, "reason", 6) == 0) {
            val = zh && f->reason_zh ? f->reason_zh : f->reason_en ? f->reason_en : "";
            visible = false;
        } else if (n == 4 && memcmp(name, "rule", 4) == 0)
            val = f->rule;
        if (!val) {
            cbec__buf_addc(b, *p);
            continue;
        }
        if (visible) {
            bool quote = n == 5; /* values are quoted so empty and spaced ones show */
            if (quote)
                cbec__buf_adds(b, zh ? "“" : "\"");
            cbec__buf_add_visible(b, val, strlen(val), 200);
            if (quote)
                cbec__buf_adds(b, zh ? "”" : "\"");
        } else {
            cbec__buf_add_visible(b, val, strlen(val), 0);
        }
        p = end;
    }
}

static void message_into(cbec_buf *b, const cbec_finding *f, const char *lang)
{
    const char *t = NULL;
    if (f->tmpl)
        t = cbec__i18n_get(f->tmpl, lang ? lang : "en");
    if (!t)
        t = lang_is_zh(lang) ? f->tmpl_zh : f->tmpl_en;
    cbec__render_template(b, t, f, lang);
    if (f->waiver) {
        const cbec_waiver *w = f->waiver;
        cbec__buf_adds(b, lang_is_zh(lang) ? "（已豁免，" : " (waived by ");
        cbec__buf_adds(b, w->pack->label);
        cbec__buf_adds(b, lang_is_zh(lang) ? " 豁免至 " : " until ");
        cbec__buf_adds(b, w->expires);
        cbec__buf_adds(b, lang_is_zh(lang) ? "：" : ": ");
        cbec__buf_add_visible(b, w->reason, strlen(w->reason), 0);
        cbec__buf_adds(b, lang_is_zh(lang) ? "）" : ")");
    }
}

CBEC_API const char *cbec_finding_message(cbec_report *r, size_t i, const char *lang)
{
    const cbec_finding *f = at(r, i);
    if (!f)
        return NULL;
    cbec__buf_reset(&r->out);
    message_into(&r->out, f, lang);
    return r->out.oom ? NULL : cbec__buf_cstr(&r->out);
}

/* ---- rendering ---- */

static void json_str(cbec_buf *b, const char *s)
{
    cbec__buf_addc(b, '"');
    cbec__buf_add_json_escaped(b, s, strlen(s));
    cbec__buf_addc(b, '"');
}

static void render_json(cbec_report *r, cbec_buf *b, const char *lang)
{
    cbec_buf msg;
    cbec__buf_init(&msg);
    cbec__buf_addc(b, '{');
    if (r->source) {
        cbec__buf_adds(b, "\"source\":");
        json_str(b, r->source);
        cbec__buf_adds(b, ",\"index\":");
        cbec__buf_add_ulong(b, r->index);
        cbec__buf_addc(b, ',');
    }
    cbec__buf_adds(b, "\"type\":");
    json_str(b, r->type ? r->type : "");
    cbec__buf_adds(b, cbec_report_valid(r) ? ",\"valid\":true" : ",\"valid\":false");
    cbec__buf_adds(b, ",\"findings\":[");
    for (size_t i = 0; i < r->count; i++) {
        const cbec_finding *f = &r->items[i];
        cbec__buf_adds(b, i ? ",{\"rule\":" : "{\"rule\":");
        json_str(b, f->rule);
        cbec__buf_adds(b, ",\"severity\":");
        json_str(b, cbec_severity_name((cbec_severity)f->severity));
        cbec__buf_adds(b, ",\"path\":");
        json_str(b, f->path ? f->path : "");
        cbec__buf_adds(b, ",\"line\":");
        cbec__buf_add_ulong(b, f->line);
        cbec__buf_adds(b, ",\"column\":");
        cbec__buf_add_ulong(b, f->column);
        if (f->edi_segment) {
            /* EDI: where a partner's acknowledgement points */
            cbec__buf_adds(b, ",\"segment\":");
            cbec__buf_add_ulong(b, f->edi_segment);
            cbec__buf_adds(b, ",\"tag\":");
            json_str(b, f->edi_tag);
            cbec__buf_adds(b, ",\"element\":");
            cbec__buf_add_ulong(b, f->edi_element);
            cbec__buf_adds(b, ",\"component\":");
            cbec__buf_add_ulong(b, f->edi_component);
        }
        cbec__buf_adds(b, ",\"message\":");
        cbec__buf_reset(&msg);
        message_into(&msg, f, lang);
        json_str(b, cbec__buf_cstr(&msg));
        cbec__buf_adds(b, ",\"pack\":");
        json_str(b, f->pack);
        cbec__buf_adds(b, ",\"ref\":");
        json_str(b, f->ref);
        cbec__buf_addc(b, '}');
    }
    cbec__buf_addc(b, ']');
    if (r->truncated) {
        cbec__buf_adds(b, ",\"truncated\":true,\"total\":");
        cbec__buf_add_ulong(b, r->total);
    }
    if (r->npacks) {
        /* which pack versions decided, and their digests, for audit */
        cbec__buf_adds(b, ",\"packs\":[");
        for (size_t i = 0; i < r->npacks; i++) {
            cbec__buf_adds(b, i ? ",{\"pack\":" : "{\"pack\":");
            json_str(b, r->packs[i]->label);
            cbec__buf_adds(b, ",\"digest\":");
            json_str(b, cbec__pack_digest(r->packs[i]));
            cbec__buf_addc(b, '}');
        }
        cbec__buf_addc(b, ']');
    }
    cbec__buf_addc(b, '}');
    if (msg.oom)
        b->oom = true;
    cbec__buf_free(&msg);
}

static void render_text(cbec_report *r, cbec_buf *b, const char *lang)
{
    bool zh = lang_is_zh(lang);
    const char *src = r->source ? r->source : "<message>";
    for (size_t i = 0; i < r->count; i++) {
        const cbec_finding *f = &r->items[i];
        cbec__buf_add_visible(b, src, strlen(src), 0);
        if (r->source && r->index)
            cbec__buf_addf(b, "#%lu", r->index);
        if (f->line)
            cbec__buf_addf(b, ":%lu:%lu", f->line, f->column);
        cbec__buf_addf(b, ": %s [%s] ", cbec_severity_name((cbec_severity)f->severity), f->rule);
        if (f->path && *f->path) {
            cbec__buf_add_visible(b, f->path, strlen(f->path), 0);
            cbec__buf_adds(b, ": ");
        }
        message_into(b, f, lang);
        /* the clause comes from the pack: shown escaped like any pack text */
        cbec__buf_addf(b, " (%s%s", f->pack, *f->ref ? "; " : "");
        cbec__buf_add_visible(b, f->ref, strlen(f->ref), 0);
        cbec__buf_adds(b, ")\n");
    }
    if (r->truncated)
        cbec__buf_addf(b, zh ? "……共 %zu 条发现，仅保留前 %zu 条\n"
                             : "... %zu findings in all, only the first %zu kept\n",
                       r->total, r->count);
    cbec__buf_add_visible(b, src, strlen(src), 0);
    if (r->source && r->index)
        cbec__buf_addf(b, "#%lu", r->index);
    const char *type = r->type && *r->type ? r->type : "?";
    if (zh)
        cbec__buf_addf(b, ": %s: %s（错误 %zu，警告 %zu，提示 %zu）\n", type,
                       cbec_report_valid(r) ? "有效" : "无效", r->by_severity[CBEC_SEVERITY_ERROR],
                       r->by_severity[CBEC_SEVERITY_WARNING], r->by_severity[CBEC_SEVERITY_INFO]);
    else
        cbec__buf_addf(b, ": %s: %s (%zu errors, %zu warnings, %zu infos)\n", type,
                       cbec_report_valid(r) ? "valid" : "INVALID", r->by_severity[CBEC_SEVERITY_ERROR],
                       r->by_severity[CBEC_SEVERITY_WARNING], r->by_severity[CBEC_SEVERITY_INFO]);
}

CBEC_API int cbec_report_render(cbec_report *r, cbec_render_format format, const char *lang,
                                const char **out, size_t *len)
{
    if (!r || !out || (format != CBEC_RENDER_TEXT && format != CBEC_RENDER_JSON))
        return CBEC_EINVAL;
    cbec__buf_reset(&r->out);
    if (format == CBEC_RENDER_JSON)
        render_json(r, &r->out, lang);
    else
        render_text(r, &r->out, lang);
    if (r->out.oom)
        return CBEC_ENOMEM;
    *out = cbec__buf_cstr(&r->out);
    if (len)
        *len = r->out.len;
    return CBEC_OK;
}
