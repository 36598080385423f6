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
    /* the wildcards of the rule's path, outermost first: how many parents
     * up from the rule's node each one's node is (worked out once here,
     * for the path the rule was compiled with) */
    size_t nwild;
    size_t *up;
} logic_state;

static void logic_free(void *st)
{
    logic_state *s = st;
    if (!s)
        return;
    cbec__logic_free(s->test);
    cbec__logic_free(s->expected);
    free(s->up);
    free(s);
}

static logic_state *state_new(cbec_compiler *c, const cbec_rule *r)
{
    logic_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c), NULL;
    s->limits.max_ops = CBEC_LOGIC_DEFAULT_OPS;
    s->limits.max_depth = CBEC_LOGIC_DEFAULT_DEPTH;
    s->limits.max_bytes = CBEC_LOGIC_DEFAULT_BYTES;
    for (size_t i = 0; i < r->nsegs; i++)
        s->nwild += r->segs[i].wildcard;
    if (s->nwild) {
        if (!(s->up = cbec__calloc(s->nwild, sizeof *s->up))) {
            free(s);
            return cbec__compile_oom(c), NULL;
        }
        /* the node at depth i+1 matched segment i: nsegs - 1 - i parents up */
        for (size_t i = 0, k = 0; i < r->nsegs; i++)
            if (r->segs[i].wildcard)
                s->up[k++] = r->nsegs - 1 - i;
    }
    return s;
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
    logic_state *s = state_new(c, r);
    if (!s)
        return false;
    *out = s;
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
 * outermost first.  A node shallower than the path has no ancestors for
 * the outermost wildcards: those are left out. */
static size_t bind_wildcards(const logic_state *s, const cbec_node *node, const cbec_node **bound)
{
    size_t k = s->nwild, at = 0, missing = 0;
    const cbec_node *n = node;
    while (k-- > 0) {
        for (; at < s->up[k]; at++)
            n = n ? n->parent : NULL;
        bound[k] = n;
        missing += n == NULL;
    }
    if (missing)
        memmove(bound, bound + missing, (s->nwild - missing) * sizeof *bound);
    return s->nwild - missing;
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

/* bound_buf holds SEGS_ON_STACK nodes; env->bound may point into it, so
 * it must live as long as env is used. */
static inline eval_outcome evaluate(const logic_state *s, const cbec_lexpr *x, cbec_vctx *v,
                                    const cbec_node *node, cbec_logic_env *env, const cbec_node **bound_buf,
                                    cbec_lval *res, cbec_logic_error *e)
{
    cbec_arena *arena = cbec__vctx_scratch(v);
    const cbec_doc *doc = cbec__vctx_doc(v);
    env->root = doc ? doc->root : NULL;
    env->value = node;
    env->arena = arena;
    env->limits = s->limits;
    env->bound = bound_buf;
    env->nbound = 0;
    if (s->nwild) {
        /* paths have few wildcards: their nodes fit on the stack */
        const cbec_node **bound = s->nwild <= SEGS_ON_STACK ? bound_buf
                                  : cbec__arena_calloc(arena, s->nwild, sizeof *bound);
        if (!bound) {
            memset(e, 0, sizeof *e);
            snprintf(e->type, sizeof e->type, "Memory");
            snprintf(e->message, sizeof e->message, "out of memory");
            return EVAL_ERROR;
        }
        env->bound = bound;
        env->nbound = bind_wildcards(s, node, bound);
    }
    if (!cbec__logic_eval(x, env, res, e))
        return EVAL_ERROR;
    bool t = res->kind == CBEC_LV_BOOL ? res->b : cbec__logic_truthy(res);
    return t ? EVAL_TRUE : EVAL_FALSE;
}

/* Values live in the scratch arena: emptied after each rule (when used). */
static inline void scratch_reset(cbec_arena *a)
{
    if (a->head)
        cbec__arena_reset(a);
}

static bool logic_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const logic_state *s = st;
    cbec_logic_env env;
    cbec_lval res;
    cbec_logic_error e;
    const cbec_node *bound[SEGS_ON_STACK];
    eval_outcome o = evaluate(s, s->test, v, node, &env, bound, &res, &e);
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
    scratch_reset(env.arena);
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
    logic_state *s = state_new(c, r);
    if (!s)
        return false;
    *out = s;
    return compile_expr(c, n, &s->test);
}

static bool when_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const logic_state *s = st;
    cbec_logic_env env;
    cbec_lval res;
    cbec_logic_error e;
    const cbec_node *bound[SEGS_ON_STACK];
    eval_outcome o = evaluate(s, s->test, v, node, &env, bound, &res, &e);
    if (o == EVAL_ERROR)
        eval_error(v, r, &cbec__kind_when, node, &e);
    scratch_reset(env.arena);
    return o == EVAL_TRUE;
}

const cbec_check_kind cbec__kind_when = {
    "when", -100, when_compile, when_run, logic_free,
    "the condition of rule {rule} could not be evaluated",
    "规则 {rule} 的条件无法求值",
    NULL,
};
