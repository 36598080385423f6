/* redact.c - personal data in the validator: the classifications in force
 * for a message, screening reports for raw personal values, and
 * cbec_redact(), which writes a copy of a message with classified fields
 * masked or removed (for logs and for transfer out of the country). */
#include "validate/validate.h"
#include "pack/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the classifications of a message type ---- */

/* The highest loaded version of pack id that satisfies range, as the
 * linker resolves "extends". */
static const cbec_pack *resolve_base(const cbec_snapshot *s, const cbec_extends *x)
{
    const cbec_pack *best = NULL;
    for (size_t i = 0; i < s->npacks; i++) {
        const cbec_pack *p = s->packs[i];
        if (strcmp(p->id, x->id) == 0 && cbec__semver_satisfies(p->version, x->range) &&
            (!best || cbec__semver_cmp(p->version, best->version) > 0))
            best = p;
    }
    return best;
}

static void collect(const cbec_snapshot *s, const cbec_pack *p, const char *name, cbec_privacy_set *out,
                    int depth)
{
    /* extends cycles are refused when packs are linked; the bound only
     * keeps this walk finite whatever the snapshot holds */
    if (!p || depth > 32)
        return;
    const cbec_msgtype *t = cbec__pack_type(p, name);
    if (t && t->privacy) {
        bool seen = false;
        for (size_t i = 0; i < out->n; i++)
            seen |= out->p[i] == t->privacy;
        if (!seen && out->n < CBEC_PRIVACY_MAX_PACKS)
            out->p[out->n++] = t->privacy;
    }
    for (size_t i = 0; i < p->nextends; i++)
        collect(s, resolve_base(s, &p->extends[i]), name, out, depth + 1);
}

void cbec__privacy_collect(const cbec_snapshot *snap, const cbec_etype *type, cbec_privacy_set *out)
{
    out->n = 0;
    if (snap && type)
        collect(snap, type->pack, type->name, out, 0);
}

int cbec__vctx_class(cbec_vctx *v, const cbec_node *n)
{
    if (!v->privacy.n || !n)
        return CBEC_CLASS_UNSET;
    return cbec__privacy_node_class(&v->privacy, v->doc ? v->doc->root : NULL, n);
}

const cbec_privacy_set *cbec__vctx_privacy(cbec_vctx *v) { return &v->privacy; }

/* ---- screening a report ---- */

typedef struct pvalue {
    const char *s;
    size_t n;
    int cls;
} pvalue;

typedef struct pvalues {
    pvalue *v;
    size_t n, cap;
    int min;            /* the least class gathered */
    bool oom, too_many;
} pvalues;

#define SCRUB_MAX_VALUES 100000
#define SCRUB_BUDGET 50000000UL   /* byte comparisons per report */

static bool gather(void *ud, const cbec_node *n, int cls, bool leave)
{
    pvalues *pv = ud;
    if (leave || !cbec__node_is_scalar(n) || cls < pv->min || !n->len ||
        n->kind == CBEC_NODE_NULL || n->kind == CBEC_NODE_BOOL)
        return true;
    if (pv->n == SCRUB_MAX_VALUES) {
        pv->too_many = true;
        return false;
    }
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 32;
        pvalue *v = realloc(pv->v, cap * sizeof *v);
        if (!v) {
            pv->oom = true;
            return false;
        }
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = (pvalue){n->text, n->len, cls};
    return true;
}

static int longest_first(const void *a, const void *b)
{
    const pvalue *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

/* s with every occurrence of a classified value replaced by its mask; s
 * itself when nothing matched.  Values shorter than four bytes are left to
 * the masking by class in cbec__finding: anywhere else ("1", "CN") they
 * would match by chance. */
/* Write s[0..len) into b with every classified value in it masked; false
 * (and b untouched) when there is none. */
static bool scrub_into(cbec_buf *b, const char *s, size_t len, const pvalues *pv)
{
    size_t copied = 0;
    bool changed = false;
    for (size_t i = 0; i < len;) {
        const pvalue *hit = NULL;
        for (size_t k = 0; k < pv->n && !hit; k++)
            if (pv->v[k].n >= 4 && pv->v[k].n <= len - i && memcmp(s + i, pv->v[k].s, pv->v[k].n) == 0)
                hit = &pv->v[k];
        if (!hit) {
            i++;
            continue;
        }
        cbec__buf_add(b, s + copied, i - copied);
        cbec__privacy_mask(b, hit->s, hit->n, hit->cls);
        i += hit->n;
        copied = i;
        changed = true;
    }
    if (changed)
        cbec__buf_add(b, s + copied, len - copied);
    return changed;
}

static char *scrub_text(cbec_report *r, char *s, const pvalues *pv, cbec_buf *b)
{
    if (!s || !*s)
        return s;
    cbec__buf_reset(b);
    if (!scrub_into(b, s, strlen(s), pv))
        return s;
    if (b->oom) {
        r->oom = true;
        return NULL;
    }
    char *d = cbec__arena_strndup(&r->arena, b->data, b->len);
    if (!d)
        r->oom = true;
    return d;
}

/* A value kept by a finding is cut at 256 bytes: a cut copy of a long
 * classified value is that value too. */
static char *scrub_value(cbec_report *r, char *s, const pvalues *pv, cbec_buf *b)
{
    if (!s)
        return s;
    size_t len = strlen(s);
    if (len >= 256)
        for (size_t k = 0; k < pv->n; k++)
            if (pv->v[k].n > len && memcmp(pv->v[k].s, s, len) == 0) {
                cbec__buf_reset(b);
                cbec__privacy_mask(b, pv->v[k].s, pv->v[k].n, pv->v[k].cls);
                char *d = b->oom ? NULL : cbec__arena_strndup(&r->arena, b->data, b->len);
                if (!d)
                    r->oom = true;
                return d;
            }
    return scrub_text(r, s, pv, b);
}

void cbec__privacy_scrub(cbec_vctx *v, const cbec_doc *doc)
{
    cbec_report *r = v->report;
    if (!v->privacy.n || !r->count || !doc || !doc->root)
        return;
    pvalues pv = {0};
    pv.min = CBEC_CLASS_PERSONAL;
    const cbec_node *root = doc->root;
    if (root->flags & CBEC_NODEF_UNITS) {
        for (uint32_t u = 0; u < root->count && !pv.oom && !pv.too_many; u++)
            if (!cbec__privacy_walk(&v->privacy, &root->children[u], gather, &pv))
                pv.oom = true;
    } else if (!cbec__privacy_walk(&v->privacy, root, gather, &pv)) {
        pv.oom = true;
    }
    if (pv.oom) {
        free(pv.v);
        r->oom = true;
        return;
    }
    if (pv.n > 1) /* qsort(NULL, 0, ...) is undefined: UBSan stops there */
        qsort(pv.v, pv.n, sizeof *pv.v, longest_first);
    unsigned long work = 0;
    for (size_t i = 0; i < r->count; i++) {
        const cbec_finding *f = &r->items[i];
        const char *t[4] = {f->value, f->expected, f->reason_en, f->reason_zh};
        for (size_t k = 0; k < 4; k++)
            work += t[k] ? (unsigned long)strlen(t[k]) * (unsigned long)pv.n : 0;
    }
    bool withhold = pv.too_many || work > SCRUB_BUDGET;
    cbec_buf b;
    cbec__buf_init(&b);
    for (size_t i = 0; i < r->count && !r->oom; i++) {
        cbec_finding *f = &r->items[i];
        if (withhold) {
            /* more personal data than can be screened in bounded time: say
             * nothing the message said */
            f->value = f->value ? cbec__arena_strndup(&r->arena, "***", 3) : NULL;
            if (f->reason_en)
                f->reason_en = cbec__arena_strndup(&r->arena, "(withheld: the message holds too much personal data to screen)", 62);
            if (f->reason_zh)
                f->reason_zh = cbec__arena_strndup(&r->arena, "（已隐去：报文中的个人信息过多，无法逐一筛查）",
                                                   strlen("（已隐去：报文中的个人信息过多，无法逐一筛查）"));
            f->expected = NULL;
            continue;
        }
        f->value = scrub_value(r, f->value, &pv, &b);
        f->expected = scrub_text(r, f->expected, &pv, &b);
        f->reason_en = scrub_text(r, f->reason_en, &pv, &b);
        f->reason_zh = scrub_text(r, f->reason_zh, &pv, &b);
    }
    cbec__buf_free(&b);
    free(pv.v);
}

/* ---- cbec_redact ---- */

struct cbec_redaction {
    cbec_buf out;
    size_t changed;
    char *type;
};

typedef struct writer {
    cbec_buf *b;
    int threshold;     /* classes at or above this are masked or removed */
    bool remove;
    size_t changed;
    const pvalues *pv; /* the classified values, for copies in other fields */
    cbec_buf tmp;
    unsigned long work;
    bool over;         /* more screening than the budget allows */
} writer;

/* A comma is due unless the last byte opened an object or array (removed
 * members leave no holes in the output). */
static void sep(cbec_buf *b)
{
    if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[' && b->data[b->len - 1] != ':')
        cbec__buf_addc(b, ',');
}

static void key(writer *w, const cbec_node *n)
{
    if (n->parent && n->parent->kind == CBEC_NODE_OBJECT) {
        cbec__buf_addc(w->b, '"');
        cbec__buf_add_json_escaped(w->b, n->key ? n->key : "", n->keylen);
        cbec__buf_adds(w->b, "\":");
    }
}

static bool write_node(void *ud, const cbec_node *n, int cls, bool leave)
{
    writer *w = ud;
    bool container = n->kind == CBEC_NODE_OBJECT || n->kind == CBEC_NODE_ARRAY;
    if (leave) {
        cbec__buf_addc(w->b, n->kind == CBEC_NODE_OBJECT ? '}' : ']');
        return true;
    }
    bool hide = !container && cls >= w->threshold && n->kind != CBEC_NODE_NULL;
    if (hide && w->remove && n->parent && n->parent->kind == CBEC_NODE_OBJECT) {
        /* removed members vanish; removed array items become null so the
         * positions of the others do not move */
        w->changed++;
        return false;
    }
    sep(w->b);
    key(w, n);
    if (container) {
        cbec__buf_addc(w->b, n->kind == CBEC_NODE_OBJECT ? '{' : '[');
        if (!n->count)
            cbec__buf_addc(w->b, n->kind == CBEC_NODE_OBJECT ? '}' : ']');
        return true;
    }
    if (hide) {
        w->changed++;
        if (w->remove) {
            cbec__buf_adds(w->b, "null");
        } else {
            cbec_buf m;
            cbec__buf_init(&m);
            cbec__privacy_mask(&m, n->text, n->len, cls);
            cbec__buf_addc(w->b, '"');
            cbec__buf_add_json_escaped(w->b, m.data ? m.data : "", m.len);
            cbec__buf_addc(w->b, '"');
            if (m.oom)
                w->b->oom = true;
            cbec__buf_free(&m);
        }
        return false;
    }
    if (n->kind == CBEC_NODE_STRING) {
        /* a copy of a classified value in another field is masked too */
        w->work += (unsigned long)n->len * (unsigned long)w->pv->n;
        if (w->work > SCRUB_BUDGET) {
            w->over = true;
            return false;
        }
        cbec__buf_reset(&w->tmp);
        bool copy = w->pv->n && scrub_into(&w->tmp, n->text, n->len, w->pv);
        if (copy)
            w->changed++;
        cbec__buf_addc(w->b, '"');
        if (copy)
            cbec__buf_add_json_escaped(w->b, w->tmp.data ? w->tmp.data : "", w->tmp.len);
        else
            cbec__buf_add_json_escaped(w->b, n->text, n->len);
        cbec__buf_addc(w->b, '"');
        if (w->tmp.oom)
            w->b->oom = true;
    } else {
        /* numbers exactly as written, true, false, null */
        cbec__buf_add(w->b, n->text, n->len);
    }
    return false;
}

static cbec_format sniff_format(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i < n && s[i] == '<')
        return CBEC_FORMAT_XML;
    if (n - i >= 3 && (memcmp(s + i, "UNA", 3) == 0 || memcmp(s + i, "UNB", 3) == 0))
        return CBEC_FORMAT_EDIFACT;
    if (n - i >= 3 && memcmp(s + i, "ISA", 3) == 0)
        return CBEC_FORMAT_X12;
    return CBEC_FORMAT_JSON;
}

CBEC_API void cbec_redaction_free(cbec_redaction *r)
{
    if (!r)
        return;
    cbec__buf_free(&r->out);
    free(r->type);
    free(r);
}

CBEC_API const char *cbec_redaction_data(const cbec_redaction *r, size_t *len)
{
    if (len)
        *len = r ? r->out.len : 0;
    return r && r->out.data ? r->out.data : "";
}

CBEC_API size_t cbec_redaction_count(const cbec_redaction *r) { return r ? r->changed : 0; }

CBEC_API const char *cbec_redaction_message_type(const cbec_redaction *r) { return r && r->type ? r->type : ""; }

/* Read, pick the type and bind, as a validation does, then write. */
static int redact(cbec_validator *v, const cbec_snapshot *snap, const char *message_type, cbec_format format,
                  const char *src, size_t len, int flags, cbec_redaction *out, cbec_error **err)
{
    const cbec_reader_kind *rk = cbec__reader_kind(format);
    if (!rk)
        return cbec__error_set(err, CBEC_EINVAL, NULL, NULL, 0, 0, "this build has no reader for the format");
    if (!v->readers[format] && !(v->readers[format] = rk->state_new(v)))
        return CBEC_ENOMEM;
    void *state = v->readers[format];
    cbec__arena_reset(&v->arena);
    v->limits.max_depth = v->json_depth;
    /* readers and bindings may report what they find (EDI syntax issues,
     * binding problems): into a scratch report nobody reads */
    cbec_report *scratch = cbec__report_new(16);
    if (!scratch)
        return CBEC_ENOMEM;
    cbec_vctx *ctx = &v->ctx;
    ctx->validator = v;
    ctx->report = scratch;
    ctx->doc = NULL;
    ctx->privacy.n = 0;
    cbec_doc wire, logical;
    memset(&wire, 0, sizeof wire);
    memset(&logical, 0, sizeof logical);
    cbec_read_error re;
    bool oom = false;
    int st = CBEC_OK;
    cbec_snapshot *whole = NULL; /* the whole packs of the type, when snap holds heads */
    if (!rk->read(state, v, src, len, &wire, &re, &oom)) {
        /* the reader's text describes the input's shape, never its values;
         * a parser's own wording (libxml2's) is still shown escaped */
        if (oom) {
            st = CBEC_ENOMEM;
        } else {
            cbec_buf m;
            cbec__buf_init(&m);
            cbec__buf_add_visible(&m, re.message_en, strlen(re.message_en), 0);
            st = cbec__error_set(err, CBEC_EINVAL, NULL, NULL, 0, 0, "the message cannot be read (%s): %s", re.rule,
                                 m.oom ? "" : cbec__buf_cstr(&m));
            cbec__buf_free(&m);
        }
        goto done;
    }
    cbec_pick pick;
    memset(&pick, 0, sizeof pick);
    pick.type = message_type;
    pick.doc = &wire;
    pick.date = v->date;
    pick.allow_inactive = v->allow_inactive;
    const cbec_etype *type = NULL;
    int pst = cbec__snapshot_pick_compiled(snap, &pick, &type, &whole);
    if (whole)
        snap = whole;
    if (pst || !type) {
        st = pst == CBEC_ENOMEM ? CBEC_ENOMEM
                                : cbec__error_set(err, pst == CBEC_EPACK ? CBEC_EPACK : CBEC_ENOTFOUND, NULL, NULL,
                                                  0, 0, "%s", pick.reason_en);
        goto done;
    }
    if (!(out->type = cbec__strdup(type->name))) {
        st = CBEC_ENOMEM;
        goto done;
    }
    const cbec_format_spec *fs = &type->formats[format];
    if (format != CBEC_FORMAT_JSON && !fs->present) {
        st = cbec__error_set(err, CBEC_ENOTFOUND, NULL, NULL, 0, 0, "pack %s defines no form of %s in this format",
                             type->pack->label, type->name);
        goto done;
    }
    ctx->pack = type->pack;
    ctx->spec = fs;
    ctx->doc = &wire;
    memcpy(ctx->date, pick.used_date, sizeof ctx->date);
    cbec__privacy_collect(snap, type, &ctx->privacy);
    cbec_doc *target = &wire;
    if (fs->bind) {
        if (fs->bind(fs->binding, ctx, &wire, &logical))
            target = &logical;
        else
            st = cbec__error_set(err, CBEC_EINVAL, NULL, NULL, 0, 0,
                                 "the message cannot be bound onto the fields of %s", type->name);
    }
    if (!st) {
        int threshold = flags & CBEC_REDACT_INTERNAL ? CBEC_CLASS_INTERNAL : CBEC_CLASS_PERSONAL;
        pvalues pv = {0};
        pv.min = threshold;
        writer w = {&out->out, threshold, (flags & CBEC_REDACT_REMOVE) != 0, 0, &pv, {0}, 0, false};
        cbec__buf_init(&w.tmp);
        const cbec_node *root = target->root;
        bool units = (root->flags & CBEC_NODEF_UNITS) != 0;
        bool ok = true;
        /* one logical document per unit (the orders of an envelope) */
        uint32_t nunits = units ? root->count : 1;
        if (units)
            cbec__buf_addc(&out->out, '[');
        for (uint32_t u = 0; u < nunits && ok && !w.over; u++) {
            const cbec_node *doc_root = units ? &root->children[u] : root;
            pv.n = 0;
            ok = cbec__privacy_walk(&ctx->privacy, doc_root, gather, &pv) && !pv.oom;
            if (ok && pv.too_many)
                w.over = true;
            else if (ok) {
                if (pv.n)
                    qsort(pv.v, pv.n, sizeof *pv.v, longest_first);
                ok = cbec__privacy_walk(&ctx->privacy, doc_root, write_node, &w);
            }
        }
        if (units)
            cbec__buf_addc(&out->out, ']');
        out->changed = w.changed;
        cbec__buf_free(&w.tmp);
        free(pv.v);
        if (!ok || out->out.oom)
            st = CBEC_ENOMEM;
        else if (w.over)
            st = cbec__error_set(err, CBEC_ELIMIT, NULL, NULL, 0, 0,
                                 "the message holds more personal data than can be screened for copies");
    }
done:
    if (rk->release)
        rk->release(state, &wire);
    ctx->report = NULL;
    ctx->doc = NULL;
    ctx->privacy.n = 0;
    cbec_report_free(scratch);
    cbec__snapshot_release(whole);
    return st;
}

CBEC_API int cbec_redact(cbec_validator *v, const cbec_registry *reg, const char *message_type,
                         cbec_format format, const void *data, size_t len, int flags, cbec_redaction **out,
                         cbec_error **err)
{
    if (!out)
        return CBEC_EINVAL;
    *out = NULL;
    if (!v || !reg || (!data && len) || format < CBEC_FORMAT_AUTO || format > CBEC_FORMAT_X12 ||
        (flags & ~(CBEC_REDACT_REMOVE | CBEC_REDACT_INTERNAL)))
        return CBEC_EINVAL;
    const char *src = data ? data : "";
    if (format == CBEC_FORMAT_AUTO)
        format = sniff_format(src, len);
    cbec_snapshot *snap = cbec__registry_acquire(reg);
    if (message_type && !cbec__snapshot_has_type(snap, message_type)) {
        cbec__snapshot_release(snap);
        return cbec__error_set(err, CBEC_ENOTFOUND, NULL, NULL, 0, 0, "no loaded pack defines message type %s",
                               message_type);
    }
    cbec_redaction *r = cbec__calloc(1, sizeof *r);
    if (!r) {
        cbec__snapshot_release(snap);
        return CBEC_ENOMEM;
    }
    cbec__buf_init(&r->out);
    int st = redact(v, snap, message_type, format, src, len, flags, r, err);
    cbec__snapshot_release(snap);
    if (st) {
        cbec_redaction_free(r);
        return st;
    }
    cbec__buf_cstr(&r->out);
    *out = r;
    return CBEC_OK;
}
