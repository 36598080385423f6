/* transfer.c - the "transfer" check: personal data leaving for a country
 * outside an allowed list must be removed or masked first (cross-border
 * transfer of personal information: PIPL art. 38-39, GDPR chapter V). */
#include "pack/compile.h"
#include "pack/privacy.h"
#include "rules/coding.h"
#include "rules/kinds.h"

#include <stdlib.h>
#include <string.h>

typedef struct transfer_state {
    cbec_ref dest;          /* where the destination country is */
    cbec_strmap allowed;    /* country codes data may go to unmasked */
    char **owned;
    size_t nallowed;
    char *expected;         /* "CN, HK" for messages */
    int protect;            /* classes at or above this must be masked */
    bool restrict_missing;  /* no destination: treat as outside the list */
} transfer_state;

static void transfer_free(void *st)
{
    transfer_state *s = st;
    if (!s)
        return;
    cbec__ref_free(&s->dest);
    for (size_t i = 0; i < s->nallowed; i++)
        free(s->owned[i]);
    free(s->owned);
    cbec__strmap_free(&s->allowed);
    free(s->expected);
    free(s);
}

static bool transfer_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    static const char *const keys[] = {"destination", "allowed", "protect", "whenMissing", "description"};
    transfer_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    cbec__strmap_init(&s->allowed);
    s->protect = CBEC_CLASS_SENSITIVE;
    s->restrict_missing = true;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"transfer\" is {\"destination\": POINTER, \"allowed\": [COUNTRY, ...]}");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"transfer\""))
        return false;
    const cbec_node *d = cbec__node_member(n, "destination", 11);
    if (!d || d->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"transfer\" needs \"destination\": a JSON Pointer to the destination country");
    if (!cbec__ref_compile(c, d, &s->dest))
        return false;
    const cbec_node *a = cbec__node_member(n, "allowed", 7);
    if (!a || a->kind != CBEC_NODE_ARRAY || a->count > 300)
        return cbec__compile_error(c, a ? a : n, "\"allowed\" is a list of up to 300 ISO 3166-1 alpha-2 codes");
    if (a->count && !(s->owned = cbec__calloc(a->count, sizeof *s->owned)))
        return cbec__compile_oom(c);
    cbec_buf exp;
    cbec__buf_init(&exp);
    for (uint32_t i = 0; i < a->count; i++) {
        const cbec_node *cc = &a->children[i];
        if (cc->kind != CBEC_NODE_STRING || cc->len != 2 || !cbec__is_upper(cc->text[0]) || !cbec__is_upper(cc->text[1])) {
            cbec__buf_free(&exp);
            return cbec__compile_error(c, cc, "\"allowed\" holds ISO 3166-1 alpha-2 codes (two capital letters)");
        }
        if (cbec__strmap_get(&s->allowed, cc->text, 2))
            continue;
        char *code = cbec__strndup(cc->text, 2);
        if (!code || !cbec__strmap_put(&s->allowed, code, 2, s, NULL)) {
            free(code);
            cbec__buf_free(&exp);
            return cbec__compile_oom(c);
        }
        s->owned[s->nallowed++] = code;
        if (exp.len)
            cbec__buf_adds(&exp, ", ");
        cbec__buf_add(&exp, code, 2);
    }
    s->expected = exp.oom ? NULL : cbec__strdup(exp.len ? cbec__buf_cstr(&exp) : "none");
    cbec__buf_free(&exp);
    if (!s->expected)
        return cbec__compile_oom(c);
    const cbec_node *p = cbec__node_member(n, "protect", 7);
    if (p) {
        int cls = p->kind == CBEC_NODE_STRING ? cbec__class_parse(p->text, p->len) : -1;
        if (cls != CBEC_CLASS_PERSONAL && cls != CBEC_CLASS_SENSITIVE && cls != CBEC_CLASS_INTERNAL)
            return cbec__compile_error(c, p, "\"protect\" is \"sensitive-personal\" (the default), \"personal\" "
                                             "(and sensitive) or \"internal\" (and personal)");
        s->protect = cls;
    }
    const cbec_node *w = cbec__node_member(n, "whenMissing", 11);
    if (w) {
        if (w->kind == CBEC_NODE_STRING && cbec__streq(w->text, w->len, "restrict"))
            s->restrict_missing = true;
        else if (w->kind == CBEC_NODE_STRING && cbec__streq(w->text, w->len, "allow"))
            s->restrict_missing = false;
        else
            return cbec__compile_error(c, w, "\"whenMissing\" is \"restrict\" (the default) or \"allow\"");
    }
    return true;
}

/* Is top within the subtree of a (a an ancestor of top, or top)? */
static bool leads_to(const cbec_node *a, const cbec_node *top)
{
    for (const cbec_node *t = top; t; t = t->parent)
        if (t == a)
            return true;
    return false;
}

typedef struct sweep {
    cbec_vctx *v;
    const cbec_rule *rule;
    const transfer_state *s;
    const cbec_node *top;   /* the rule's node: only its subtree is checked */
    bool inside;
    const char *where;
} sweep;

static bool visit(void *ud, const cbec_node *n, int cls, bool leave)
{
    sweep *w = ud;
    if (leave) {
        if (n == w->top)
            w->inside = false;
        return true;
    }
    if (!w->inside) {
        if (n != w->top)
            return leads_to(n, w->top); /* go down only towards the rule's node */
        w->inside = !cbec__node_is_scalar(n);
    }
    if (!cbec__node_is_scalar(n))
        return true;
    if (cls >= w->s->protect && n->kind != CBEC_NODE_NULL && n->len &&
        !cbec__privacy_is_masked(n->text, n->len)) {
        cbec_finding_args a = {w->s->expected, w->where, w->where, NULL, NULL};
        cbec__finding(w->v, w->rule, &cbec__kind_transfer, n, &a);
    }
    return false;
}

/* Walk the whole document with the classes in force (one pass, each
 * node's class from its parent's) and report what the rule's subtree
 * holds unmasked. */
static bool transfer_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const transfer_state *s = st;
    const cbec_doc *doc = cbec__vctx_doc(v);
    const cbec_node *d = cbec__ref_resolve(&s->dest, doc, node);
    char where[8] = "";
    if (d && d->kind == CBEC_NODE_STRING && d->len == 2) {
        if (cbec__strmap_get(&s->allowed, d->text, 2))
            return true;
        where[0] = d->text[0];
        where[1] = d->text[1];
        where[2] = '\0';
    } else if (!s->restrict_missing) {
        return true;
    }
    const cbec_privacy_set *set = cbec__vctx_privacy(v);
    if (!set || !set->n)
        return true;
    if (!cbec__node_is_scalar(node) && !node->count)
        return true;
    sweep w = {v, r, s, node, false, *where ? where : "?"};
    cbec__privacy_walk(set, doc->root, visit, &w);
    return true;
}

const cbec_check_kind cbec__kind_transfer = {
    "transfer", 90, transfer_compile, transfer_run, transfer_free,
    "personal data {value} must be removed or masked before the message goes to {reason} (allowed destinations: {expected})",
    "个人信息 {value} 在报文发往 {reason} 之前必须删除或脱敏（允许的目的地：{expected}）",
    NULL,
};
