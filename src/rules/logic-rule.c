/* logic-rule.c - the "logic" and "when" check kinds: cross-field rules
 * written in JSON Logic, and conditions that switch a rule's checks on. */
#include "pack/compile.h"
#include "pack/pack.h"
#include "rules/kinds.h"
#include "rules/logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTED_MAX 200
#define MAX_OPS_CAP 10000000UL

typedef struct logic_state {
    cbec_lexpr *test;
    cbec_lexpr *expected;   /* what the value should have been, for {expected}; may be NULL */
    cbec_logic_limits limits;
} logic_state;

static void logic_free(void *st)
{
    logic_state *s = st;
    if (!s)
        return;
    cbec__logic_free(s->test);
    cbec__logic_free(s->expected);
    free(s);
}

static bool compile_expr(cbec_compiler *c, const cbec_node *n, cbec_lexpr **out)
{
    cbec_logic_cerror e;
    bool oom;
    if (cbec__logic_compile(n, c->pack, CBEC_LOGIC_DEFAULT_DEPTH, out, &e, &oom))
        return true;
    if (oom)
        return cbec__compile_oom(c);
    return cbec__compile_error(c, e.at ? e.at : n, "JSON Logic: %s", e.message);
}

/* "logic": EXPR, or {"assert": EXPR, "expected": EXPR, "maxOperations": N}. */
static bool logic_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    logic_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->limits.max_ops = CBEC_LOGIC_DEFAULT_OPS;
    s->limits.max_depth = CBEC_LOGIC_DEFAULT_DEPTH;
    s->limits.max_bytes = CBEC_LOGIC_DEFAULT_BYTES;
    const cbec_node *test = cbec__node_member(n, "assert", 6);
    if (n->kind != CBEC_NODE_OBJECT || !test)
        return compile_expr(c, n, &s->test);
    static const char *const keys[] = {"assert", "expected", "maxOperations"};
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"logic\""))
        return false;
    if (!compile_expr(c, test, &s->test))
        return false;
    const cbec_node *m = cbec__node_member(n, "expected", 8);
    if (m && !compile_expr(c, m, &s->expected))
        return false;
    if ((m = cbec__node_member(n, "maxOperations", 13))) {
        unsigned long v = 0;
        bool ok = m->kind == CBEC_NODE_NUMBER && m->len <= 8;
        for (size_t i = 0; ok && i < m->len; i++) {
            ok = cbec__is_digit(m->text[i]);
            v = v * 10 + (unsigned long)(m->text[i] - '0');
        }
        if (!ok || v == 0 || v > MAX_OPS_CAP)
            return cbec__compile_error(c, m, "\"maxOperations\" must be an integer from 1 to %lu", MAX_OPS_CAP);
        s->limits.max_ops = v;
    }
    return true;
}

/* The nodes the wildcards of the rule's path matched on the way to node,
 * outermost first: the node at depth i+1 matched segment i, the node's
 * (nsegs - 1 - i)-th ancestor.  bound has room for every wildcard. */
static size_t bind_wildcards(const cbec_rule *r, const cbec_node *node, const cbec_node **bound)
{
    size_t w = 0;
    for (size_t i = 0; i < r->nsegs; i++)
        w += r->segs[i].wildcard;
    if (!w)
        return 0;
    /* filled from the innermost; a node shallower than the path has no
     * ancestors for the outermost segments: those are left out */
    size_t k = w, missing = 0;
    const cbec_node *n = node;
    for (size_t i = r->nsegs; i-- > 0;) {
        if (r->segs[i].wildcard) {
            bound[--k] = n;
            missing += n == NULL;
        }
        n = n ? n->parent : NULL;
    }
    if (missing)
        memmove(bound, bound + missing, (w - missing) * sizeof *bound);
    return w - missing;
}

/* An evaluation that failed is its own finding: the rule was not decided,
 * so it must not pass silently, and it reads differently from a breach. */
static void eval_error(cbec_vctx *v, const cbec_rule *r, const cbec_check_kind *k,
                       const cbec_node *node, const cbec_logic_error *e)
{
    char en[300];
    snprintf(en, sizeof en, "%s (%s)", e->message, e->type[0] ? e->type : "error");
    cbec_finding_args a = {NULL, en, e->zh[0] ? e->zh : en,
                           "rule {rule} could not be evaluated: {reason}",
                           "规则 {rule} 无法求值：{reason}"};
    cbec__finding(v, r, k, node, &a);
}

typedef enum { EVAL_TRUE, EVAL_FALSE, EVAL_ERROR } eval_outcome;

#define SEGS_ON_STACK 16

/* bound_buf holds SEGS_ON_STACK + 1 nodes; env->bound may point into it,
 * so it must live as long as env is used. */
static eval_outcome evaluate(const cbec_lexpr *x, const cbec_logic_limits *lim, cbec_vctx *v,
                             const cbec_rule *r, const cbec_node *node, cbec_logic_env *env,
                             const cbec_node **bound_buf, cbec_lval *res, cbec_logic_error *e)
{
    cbec_arena *arena = cbec__vctx_scratch(v);
    const cbec_doc *doc = cbec__vctx_doc(v);
    /* paths are short: their nodes fit on the stack */
    const cbec_node **bound = r->nsegs <= SEGS_ON_STACK ? bound_buf
                              : cbec__arena_calloc(arena, r->nsegs + 1, sizeof *bound);
    env->root = doc ? doc->root : NULL;
    env->value = node;
    env->arena = arena;
    env->limits = *lim;
    env->bound = bound;
    env->nbound = 0;
    if (!bound) {
        memset(e, 0, sizeof *e);
        snprintf(e->type, sizeof e->type, "Memory");
        snprintf(e->message, sizeof e->message, "out of memory");
        return EVAL_ERROR;
    }
    env->nbound = bind_wildcards(r, node, bound);
    if (!cbec__logic_eval(x, env, res, e))
        return EVAL_ERROR;
    return cbec__logic_truthy(res) ? EVAL_TRUE : EVAL_FALSE;
}

static bool logic_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const logic_state *s = st;
    cbec_logic_env env;
    cbec_lval res;
    cbec_logic_error e;
    const cbec_node *bound[SEGS_ON_STACK + 1];
    eval_outcome o = evaluate(s->test, &s->limits, v, r, node, &env, bound, &res, &e);
    if (o == EVAL_ERROR) {
        eval_error(v, r, &cbec__kind_logic, node, &e);
    } else if (o == EVAL_FALSE) {
        cbec_buf exp;
        cbec__buf_init(&exp);
        if (s->expected && cbec__logic_eval(s->expected, &env, &res, &e))
            cbec__logic_to_text(&res, &exp, EXPECTED_MAX);
        cbec_finding_args a = {exp.len && !exp.oom ? cbec__buf_cstr(&exp) : NULL, NULL, NULL, NULL, NULL};
        cbec__finding(v, r, &cbec__kind_logic, node, &a);
        cbec__buf_free(&exp);
    }
    cbec__arena_reset(cbec__vctx_scratch(v));
    return true;
}

const cbec_check_kind cbec__kind_logic = {
    "logic", 90, logic_compile, logic_run, logic_free,
    "cross-field rule {rule} does not hold at {path}",
    "跨字段规则 {rule} 在 {path} 处不成立",
    NULL,
};

/* ---- when: the rule's other checks apply only where this is true ---- */

static bool when_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    logic_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    s->limits.max_ops = CBEC_LOGIC_DEFAULT_OPS;
    s->limits.max_depth = CBEC_LOGIC_DEFAULT_DEPTH;
    s->limits.max_bytes = CBEC_LOGIC_DEFAULT_BYTES;
    return compile_expr(c, n, &s->test);
}

static bool when_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const logic_state *s = st;
    cbec_logic_env env;
    cbec_lval res;
    cbec_logic_error e;
    const cbec_node *bound[SEGS_ON_STACK + 1];
    eval_outcome o = evaluate(s->test, &s->limits, v, r, node, &env, bound, &res, &e);
    if (o == EVAL_ERROR)
        eval_error(v, r, &cbec__kind_when, node, &e);
    cbec__arena_reset(cbec__vctx_scratch(v));
    return o == EVAL_TRUE;
}

const cbec_check_kind cbec__kind_when = {
    "when", -100, when_compile, when_run, logic_free,
    "the condition of rule {rule} could not be evaluated",
    "规则 {rule} 的条件无法求值",
    NULL,
};
