/* state.c - status state machines: compiled from a pack's "statemachines",
 * checked by the "stateMachine" and "chronological" check kinds. */
#include "rules/state.h"
#include "core/datetime.h"
#include "pack/compile.h"
#include "rules/kinds.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATES 256
#define ANY "*"
#define ANY_NON_TERMINAL "*non-terminal"

typedef struct smapping {
    char *name;
    cbec_strmap codes;   /* code -> (void *)(intptr_t)(state index + 2); 1: no state */
    char **owned;
    size_t count;
} smapping;

struct cbec_statemachine {
    char *name;
    cbec_i18n title;
    char **states;
    size_t nstates;
    cbec_strmap index;   /* name -> (void *)(intptr_t)(index + 1) */
    bool *terminal;
    bool *initial;
    bool has_initial;
    uint8_t *allowed;    /* nstates * nstates: allowed[from * nstates + to] */
    char **next_text;    /* per state: its successors, ", "-separated, for messages */
    smapping *maps;
    size_t nmaps;
};

static void machine_free(cbec_statemachine *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nstates; i++) {
        free(m->states[i]);
        if (m->next_text)
            free(m->next_text[i]);
    }
    free(m->states);
    free(m->next_text);
    cbec__strmap_free(&m->index);
    free(m->terminal);
    free(m->initial);
    free(m->allowed);
    for (size_t i = 0; i < m->nmaps; i++) {
        for (size_t k = 0; k < m->maps[i].count; k++)
            free(m->maps[i].owned[k]);
        free(m->maps[i].owned);
        cbec__strmap_free(&m->maps[i].codes);
        free(m->maps[i].name);
    }
    free(m->maps);
    cbec__i18n_free(&m->title);
    free(m->name);
    free(m);
}

void cbec__statemachines_free(cbec_strmap *machines)
{
    for (size_t i = 0; i < machines->cap; i++)
        if (machines->slots[i].key)
            machine_free(machines->slots[i].value);
    cbec__strmap_free(machines);
}

const cbec_statemachine *cbec__pack_statemachine(const struct cbec_pack *p, const char *name, size_t len)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&p->statemachines, name, len);
    return e ? e->value : NULL;
}

int cbec__statemachine_state(const cbec_statemachine *m, const char *name, size_t len)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&m->index, name, len);
    return e ? (int)((intptr_t)e->value - 1) : -1;
}

static const smapping *find_map(const cbec_statemachine *m, const char *name)
{
    for (size_t i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return &m->maps[i];
    return NULL;
}

const char *cbec__statemachine_state_name(const cbec_statemachine *m, int state)
{
    return state >= 0 && (size_t)state < m->nstates ? m->states[state] : NULL;
}

bool cbec__statemachine_has_mapping(const cbec_statemachine *m, const char *map)
{
    return find_map(m, map) != NULL;
}

int cbec__statemachine_map(const cbec_statemachine *m, const char *map, const char *code, size_t len)
{
    if (!map)
        return cbec__statemachine_state(m, code, len);
    const smapping *s = find_map(m, map);
    const cbec_strmap_entry *e = s ? cbec__strmap_get(&s->codes, code, len) : NULL;
    if (!e)
        return -1;
    intptr_t v = (intptr_t)e->value;
    return v == 1 ? -2 : (int)(v - 2);
}

bool cbec__statemachine_allows(const cbec_statemachine *m, int from, int to)
{
    return from >= 0 && to >= 0 && (size_t)from < m->nstates && (size_t)to < m->nstates &&
           m->allowed[(size_t)from * m->nstates + (size_t)to];
}

bool cbec__statemachine_terminal(const cbec_statemachine *m, int state)
{
    return state >= 0 && (size_t)state < m->nstates && m->terminal[state];
}

/* ---- compile ---- */

static bool state_list(cbec_compiler *c, const cbec_statemachine *m, const cbec_node *n, bool *flags,
                       const char *what)
{
    if (n->kind != CBEC_NODE_ARRAY)
        return cbec__compile_error(c, n, "\"%s\" must be an array of state names", what);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *s = &n->children[i];
        int k = s->kind == CBEC_NODE_STRING ? cbec__statemachine_state(m, s->text, s->len) : -1;
        if (k < 0)
            return cbec__compile_error(c, s, "\"%.*s\" is not a state of machine %s",
                                       s->kind == CBEC_NODE_STRING ? (int)s->len : 0, s->text ? s->text : "", m->name);
        flags[k] = true;
    }
    return true;
}

static bool compile_transitions(cbec_compiler *c, cbec_statemachine *m, const cbec_node *n)
{
    size_t ns = m->nstates;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"transitions\" must be an object: state -> array of next states");
    bool *seen = cbec__calloc(ns, sizeof *seen);
    if (!seen)
        return cbec__compile_oom(c);
    bool ok = true;
    for (uint32_t i = 0; ok && i < n->count; i++) {
        const cbec_node *t = &n->children[i];
        int from = cbec__statemachine_state(m, t->key, t->keylen);
        if (from < 0) {
            ok = cbec__compile_error(c, t, "\"%.*s\" is not a state of machine %s", (int)t->keylen, t->key, m->name);
            break;
        }
        if (seen[from]) {
            ok = cbec__compile_error(c, t, "transitions of %s are given twice", m->states[from]);
            break;
        }
        seen[from] = true;
        if (t->kind != CBEC_NODE_ARRAY) {
            ok = cbec__compile_error(c, t, "the next states of %s must be an array", m->states[from]);
            break;
        }
        if (m->terminal[from] && t->count) {
            ok = cbec__compile_error(c, t, "%s is terminal: nothing may follow it", m->states[from]);
            break;
        }
        for (uint32_t k = 0; ok && k < t->count; k++) {
            const cbec_node *to = &t->children[k];
            if (to->kind == CBEC_NODE_STRING && (cbec__streq(to->text, to->len, ANY) ||
                                                cbec__streq(to->text, to->len, ANY_NON_TERMINAL))) {
                bool all = cbec__streq(to->text, to->len, ANY);
                for (size_t s = 0; s < ns; s++)
                    if (all || !m->terminal[s])
                        m->allowed[(size_t)from * ns + s] = 1;
                continue;
            }
            int dst = to->kind == CBEC_NODE_STRING ? cbec__statemachine_state(m, to->text, to->len) : -1;
            if (dst < 0) {
                ok = cbec__compile_error(c, to, "next state of %s is not a state of machine %s (or \"" ANY
                                         "\", \"" ANY_NON_TERMINAL "\")", m->states[from], m->name);
                break;
            }
            m->allowed[(size_t)from * ns + (size_t)dst] = 1;
        }
    }
    for (size_t s = 0; ok && s < ns; s++)
        if (!m->terminal[s] && !seen[s])
            ok = cbec__compile_error(c, n, "state %s is neither terminal nor given transitions "
                                     "(give it [] if it is a dead end)", m->states[s]);
    free(seen);
    return ok;
}

static bool compile_mappings(cbec_compiler *c, cbec_statemachine *m, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"mappings\" must be an object: code set -> {\"codes\": {...}}");
    m->maps = cbec__calloc(n->count, sizeof *m->maps);
    if (!m->maps && n->count)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *d = &n->children[i];
        static const char *const keys[] = {"title", "description", "source", "codes"};
        smapping *s = &m->maps[m->nmaps++];
        cbec__strmap_init(&s->codes);
        if (!(s->name = cbec__strndup(d->key, d->keylen)))
            return cbec__compile_oom(c);
        if (d->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, d, "mapping %s must be an object with \"codes\"", s->name);
        if (!cbec__compile_keys(c, d, keys, CBEC_ARRAY_LEN(keys), "a mapping"))
            return false;
        const cbec_node *codes = cbec__node_member(d, "codes", 5);
        if (!codes || codes->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, d, "mapping %s needs \"codes\": external code -> state (or null)", s->name);
        s->owned = cbec__calloc(codes->count, sizeof *s->owned);
        if (!s->owned && codes->count)
            return cbec__compile_oom(c);
        for (uint32_t k = 0; k < codes->count; k++) {
            const cbec_node *e = &codes->children[k];
            intptr_t v;
            if (e->kind == CBEC_NODE_NULL) {
                v = 1;
            } else {
                int st = e->kind == CBEC_NODE_STRING ? cbec__statemachine_state(m, e->text, e->len) : -1;
                if (st < 0)
                    return cbec__compile_error(c, e, "code %.*s of mapping %s must map to a state of machine %s or null",
                                               (int)e->keylen, e->key, s->name, m->name);
                v = (intptr_t)st + 2;
            }
            if (!e->keylen)
                return cbec__compile_error(c, e, "an external code is not empty");
            char *code = cbec__strndup(e->key, e->keylen);
            if (!code)
                return cbec__compile_oom(c);
            void *old = NULL;
            if (cbec__strmap_get(&s->codes, code, e->keylen)) {
                free(code);
                return cbec__compile_error(c, e, "code %.*s is mapped twice", (int)e->keylen, e->key);
            }
            if (!cbec__strmap_put(&s->codes, code, e->keylen, (void *)v, &old)) {
                free(code);
                return cbec__compile_oom(c);
            }
            s->owned[s->count++] = code;
        }
    }
    return true;
}

/* Successor names of each state, for the {expected} of findings. */
static bool describe(cbec_compiler *c, cbec_statemachine *m)
{
    m->next_text = cbec__calloc(m->nstates, sizeof *m->next_text);
    if (!m->next_text)
        return cbec__compile_oom(c);
    for (size_t f = 0; f < m->nstates; f++) {
        cbec_buf b;
        cbec__buf_init(&b);
        for (size_t t = 0; t < m->nstates; t++)
            if (m->allowed[f * m->nstates + t]) {
                if (b.len)
                    cbec__buf_adds(&b, ", ");
                cbec__buf_adds(&b, m->states[t]);
            }
        m->next_text[f] = b.oom ? NULL : cbec__strdup(b.len ? cbec__buf_cstr(&b) : "(none)");
        cbec__buf_free(&b);
        if (!m->next_text[f])
            return cbec__compile_oom(c);
    }
    return true;
}

static bool compile_machine(cbec_compiler *c, const cbec_node *n)
{
    static const char *const keys[] = {"title", "description", "states", "initial", "terminal",
                                       "transitions", "mappings"};
    cbec_statemachine *m = cbec__calloc(1, sizeof *m);
    if (!m)
        return cbec__compile_oom(c);
    if (!(m->name = cbec__strndup(n->key, n->keylen))) {
        free(m);
        return cbec__compile_oom(c);
    }
    cbec__strmap_init(&m->index);
    void *old = NULL;
    if (cbec__strmap_get(&c->pack->statemachines, m->name, n->keylen)) {
        machine_free(m);
        return cbec__compile_error(c, n, "state machine %.*s is defined twice", (int)n->keylen, n->key);
    }
    if (!cbec__strmap_put(&c->pack->statemachines, m->name, n->keylen, m, &old)) {
        machine_free(m);
        return cbec__compile_oom(c);
    }
    /* from here the pack owns m */
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "state machine %s must be an object", m->name);
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "a state machine"))
        return false;
    const cbec_node *x;
    if ((x = cbec__node_member(n, "title", 5)) && !cbec__compile_i18n(c, x, &m->title, true, false))
        return false;
    const cbec_node *states = cbec__node_member(n, "states", 6);
    if (!states || states->kind != CBEC_NODE_ARRAY || !states->count || states->count > MAX_STATES)
        return cbec__compile_error(c, states ? states : n, "state machine %s needs \"states\": 1 to %d state names",
                                   m->name, MAX_STATES);
    size_t ns = states->count;
    m->states = cbec__calloc(ns, sizeof *m->states);
    m->terminal = cbec__calloc(ns, sizeof *m->terminal);
    m->initial = cbec__calloc(ns, sizeof *m->initial);
    m->allowed = cbec__calloc(ns * ns, 1);
    if (!m->states || !m->terminal || !m->initial || !m->allowed)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < ns; i++) {
        const cbec_node *s = &states->children[i];
        if (s->kind != CBEC_NODE_STRING || !s->len || s->text[0] == '*')
            return cbec__compile_error(c, s, "a state is a non-empty string that does not start with \"*\"");
        if (cbec__statemachine_state(m, s->text, s->len) >= 0)
            return cbec__compile_error(c, s, "state %.*s is listed twice", (int)s->len, s->text);
        if (!(m->states[i] = cbec__compile_strdup(c, s)))
            return false;
        m->nstates++;
        if (!cbec__strmap_put(&m->index, m->states[i], s->len, (void *)(intptr_t)(i + 1), NULL))
            return cbec__compile_oom(c);
    }
    if ((x = cbec__node_member(n, "terminal", 8)) && !state_list(c, m, x, m->terminal, "terminal"))
        return false;
    if ((x = cbec__node_member(n, "initial", 7))) {
        if (!state_list(c, m, x, m->initial, "initial"))
            return false;
        m->has_initial = true;
    }
    if (!(x = cbec__node_member(n, "transitions", 11)))
        return cbec__compile_error(c, n, "state machine %s needs \"transitions\"", m->name);
    if (!compile_transitions(c, m, x))
        return false;
    if ((x = cbec__node_member(n, "mappings", 8)) && !compile_mappings(c, m, x))
        return false;
    return describe(c, m);
}

bool cbec__compile_statemachines(cbec_compiler *c, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"statemachines\" must be an object keyed by machine name");
    for (uint32_t i = 0; i < n->count; i++)
        if (!compile_machine(c, &n->children[i]))
            return false;
    return true;
}

/* ---- time of an event ---- */

static bool event_time(const cbec_node *n, cbec_datetime *dt)
{
    if (!n || n->kind != CBEC_NODE_STRING)
        return false;
    return cbec__dt_parse(n->text, n->len, CBEC_DT_DATETIME, false, dt, NULL, NULL) ||
           cbec__dt_parse(n->text, n->len, CBEC_DT_DATE, false, dt, NULL, NULL);
}

/* A member name given in a check ("status", len bytes); "" means the item
 * itself. */
static const cbec_node *member(const cbec_node *item, const char *name, size_t len)
{
    if (!len)
        return item;
    return cbec__node_member(item, name, len);
}

/* ---- stateMachine ---- */

typedef struct sm_state {
    const cbec_statemachine *m;
    char *state;     /* member of each event holding its status */
    char *time;      /* member holding its time, "" when none */
    size_t state_len, time_len;
    char *mapping;   /* external code set, NULL: canonical names */
} sm_state;

static void sm_free(void *st)
{
    sm_state *s = st;
    if (!s)
        return;
    free(s->state);
    free(s->time);
    free(s->mapping);
    free(s);
}

static bool member_name(cbec_compiler *c, const cbec_node *obj, const char *key, const char *def, char **out)
{
    const cbec_node *n = cbec__node_member(obj, key, strlen(key));
    if (!n) {
        *out = cbec__strdup(def);
        return *out ? true : cbec__compile_oom(c);
    }
    if (n->kind != CBEC_NODE_STRING || memchr(n->text, '\0', n->len))
        return cbec__compile_error(c, n, "\"%s\" must name a member of each event", key);
    *out = cbec__compile_strdup(c, n);
    return *out != NULL;
}

static bool sm_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    static const char *const keys[] = {"machine", "state", "time", "mapping"};
    sm_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"stateMachine\" must be an object {\"machine\", \"state\", \"time\", \"mapping\"}");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"stateMachine\""))
        return false;
    const cbec_node *mn = cbec__node_member(n, "machine", 7);
    if (!mn || mn->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"stateMachine\" needs \"machine\": the name of a state machine of the pack");
    if (!(s->m = cbec__pack_statemachine(c->pack, mn->text, mn->len)))
        return cbec__compile_error(c, mn, "unknown state machine \"%.*s\"", (int)mn->len, mn->text);
    if (!member_name(c, n, "state", "status", &s->state) || !member_name(c, n, "time", "", &s->time))
        return false;
    s->state_len = strlen(s->state);
    s->time_len = strlen(s->time);
    const cbec_node *map = cbec__node_member(n, "mapping", 7);
    if (map) {
        if (map->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, map, "\"mapping\" must name a mapping of the machine");
        if (!(s->mapping = cbec__compile_strdup(c, map)))
            return false;
        if (!find_map(s->m, s->mapping))
            return cbec__compile_error(c, map, "machine %s has no mapping \"%s\"", s->m->name, s->mapping);
    }
    return true;
}

static void sm_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *at, const char *expected,
                       const char *en, const char *zh)
{
    cbec_finding_args a = {expected, en, zh, NULL, NULL};
    cbec__finding(v, r, &cbec__kind_state_machine, at, &a);
}

/* Resolve a status: the state's index, -2 for a code that changes no
 * state, -1 unknown.  An unknown external code is reported here; an
 * unknown canonical name is the business of the field's code list rule. */
static int resolve_status(cbec_vctx *v, const cbec_rule *r, const sm_state *s, const cbec_node *st)
{
    int k = cbec__statemachine_map(s->m, s->mapping, st->text, st->len);
    if (k != -1 || !s->mapping)
        return k;
    char en[200], zh[200];
    snprintf(en, sizeof en, "the code is not in the mapping %s of state machine %s", s->mapping, s->m->name);
    snprintf(zh, sizeof zh, "该代码不在状态机 %s 的映射表 %s 中", s->m->name, s->mapping);
    sm_finding(v, r, st, NULL, en, zh);
    return -1;
}

/* Check one step prev -> cur at node at; true when allowed. */
static bool check_step(cbec_vctx *v, const cbec_rule *r, const sm_state *s, int prev, int cur,
                       const cbec_node *at, bool from_caller)
{
    const cbec_statemachine *m = s->m;
    char en[300], zh[300];
    if (m->terminal[prev]) {
        snprintf(en, sizeof en, "nothing may follow the terminal state %s%s", m->states[prev],
                 from_caller ? " (the previous state given by the caller)" : "");
        snprintf(zh, sizeof zh, "终止状态 %s%s之后不能再有状态", m->states[prev], from_caller ? "（调用方给出的前一状态）" : "");
        sm_finding(v, r, at, "(none)", en, zh);
        return false;
    }
    if (m->allowed[(size_t)prev * m->nstates + (size_t)cur])
        return true;
    snprintf(en, sizeof en, "%s cannot follow %s%s", m->states[cur], m->states[prev],
             from_caller ? " (the previous state given by the caller)" : "");
    snprintf(zh, sizeof zh, "%s 不能接在 %s%s之后", m->states[cur], m->states[prev],
             from_caller ? "（调用方给出的前一状态）" : "");
    sm_finding(v, r, at, m->next_text[prev], en, zh);
    return false;
}

/* The caller's previous state: -1 none; -3 invalid (reported at at). */
static int previous_state(cbec_vctx *v, const cbec_rule *r, const sm_state *s, const cbec_node *at)
{
    const char *p = cbec__vctx_previous_state(v);
    if (!p)
        return -1;
    size_t len = strlen(p);
    int k = cbec__statemachine_state(s->m, p, len);
    if (k < 0 && s->mapping)
        k = cbec__statemachine_map(s->m, s->mapping, p, len);
    if (k >= 0 || k == -2)
        return k == -2 ? -1 : k;
    char en[300], zh[300];
    snprintf(en, sizeof en, "the previous state \"%.60s\" given by the caller is not a state of state machine %s",
             p, s->m->name);
    snprintf(zh, sizeof zh, "调用方给出的前一状态“%.60s”不是状态机 %s 的状态", p, s->m->name);
    cbec_finding_args a = {NULL, en, zh, "{reason}", "{reason}"};
    cbec__finding(v, r, &cbec__kind_state_machine, at, &a);
    return -3;
}

static bool same_text(const cbec_node *a, const cbec_node *b)
{
    return a && b && a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Is event e an exact duplicate of the previous event p: the same status
 * at the same instant (the same time text when a time does not parse)? */
static bool duplicate(const sm_state *s, const cbec_node *pst, const cbec_node *ptm, const cbec_node *st,
                      const cbec_node *tm)
{
    if (!same_text(pst, st))
        return false;
    if (!*s->time)
        return false;
    if (!ptm || !tm)
        return !ptm && !tm;
    cbec_datetime a, b;
    if (event_time(ptm, &a) && event_time(tm, &b))
        return cbec__dt_compare(&a, &b) == 0;
    return same_text(ptm, tm);
}

static bool sm_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const sm_state *s = st;
    int prev = previous_state(v, r, s, node);
    if (prev == -3)
        return true;
    bool from_caller = prev >= 0;
    if (node->kind != CBEC_NODE_ARRAY) {
        /* one status against the state before this message */
        if (node->kind != CBEC_NODE_STRING && node->kind != CBEC_NODE_NUMBER)
            return true;
        int cur = resolve_status(v, r, s, node);
        if (cur >= 0 && prev >= 0)
            check_step(v, r, s, prev, cur, node, true);
        return true;
    }
    const cbec_node *pst = NULL, *ptm = NULL;
    bool first = true;
    for (uint32_t i = 0; i < node->count; i++) {
        const cbec_node *item = &node->children[i];
        const cbec_node *stn = member(item, s->state, s->state_len);
        if (!stn || (stn->kind != CBEC_NODE_STRING && stn->kind != CBEC_NODE_NUMBER))
            continue;
        const cbec_node *tmn = s->time_len ? member(item, s->time, s->time_len) : NULL;
        if (duplicate(s, pst, ptm, stn, tmn))
            continue;
        pst = stn;
        ptm = tmn;
        int cur = resolve_status(v, r, s, stn);
        if (cur == -2)
            continue;
        if (cur == -1) {
            /* an unknown status breaks the chain: the next step is not judged against a stale state */
            prev = -1;
            from_caller = false;
            first = false;
            continue;
        }
        if (prev >= 0) {
            check_step(v, r, s, prev, cur, stn, from_caller);
        } else if (first && s->m->has_initial && !s->m->initial[cur]) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "%s cannot be the first state", s->m->states[cur]);
            snprintf(zh, sizeof zh, "%s 不能作为初始状态", s->m->states[cur]);
            sm_finding(v, r, stn, NULL, en, zh);
        }
        /* the event happened even when it was not allowed: go on from it */
        prev = cur;
        from_caller = false;
        first = false;
    }
    return true;
}

const cbec_check_kind cbec__kind_state_machine = {
    "stateMachine", 70, sm_compile, sm_run, sm_free,
    "status {value} is not allowed here: {reason}",
    "状态 {value} 不允许出现在此处：{reason}",
    NULL,
};

/* ---- chronological ---- */

typedef struct chrono_state {
    char *time;
    size_t time_len;
    bool strict;
} chrono_state;

static void chrono_free(void *st)
{
    chrono_state *s = st;
    if (s)
        free(s->time);
    free(s);
}

static bool chrono_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    static const char *const keys[] = {"time", "strict"};
    chrono_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"chronological\" must be an object {\"time\": member, \"strict\": bool}");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"chronological\""))
        return false;
    if (!member_name(c, n, "time", "time", &s->time))
        return false;
    s->time_len = strlen(s->time);
    const cbec_node *st = cbec__node_member(n, "strict", 6);
    if (st) {
        if (st->kind != CBEC_NODE_BOOL)
            return cbec__compile_error(c, st, "\"strict\" must be true or false");
        s->strict = st->len == 4;
    }
    return true;
}

static bool chrono_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *node)
{
    const chrono_state *s = st;
    if (node->kind != CBEC_NODE_ARRAY)
        return true;
    /* the latest instant seen, as cbec__dt_compare orders instants:
     * seconds since the epoch, then nanoseconds */
    int64_t last_secs = 0;
    int32_t last_nanos = 0;
    const cbec_node *last_node = NULL;
    for (uint32_t i = 0; i < node->count; i++) {
        const cbec_node *tm = member(&node->children[i], s->time, s->time_len);
        cbec_datetime dt;
        if (!event_time(tm, &dt))
            continue; /* the field's own rule reports a malformed time */
        int64_t secs = cbec__dt_epoch_seconds(&dt);
        if (last_node) {
            int c = secs != last_secs ? (secs < last_secs ? -1 : 1)
                    : dt.nanos < last_nanos ? -1 : dt.nanos > last_nanos;
            if (c < 0 || (s->strict && c == 0)) {
                char en[200], zh[200];
                snprintf(en, sizeof en, "it is %s the previous event's time %.40s", c < 0 ? "earlier than" : "the same as",
                         last_node->text);
                snprintf(zh, sizeof zh, "它%s前一事件的时间 %.40s", c < 0 ? "早于" : "等于", last_node->text);
                cbec_buf exp;
                cbec__buf_init(&exp);
                cbec__buf_adds(&exp, s->strict ? "later than " : "not earlier than ");
                cbec__buf_add(&exp, last_node->text, last_node->len > 40 ? 40 : last_node->len);
                cbec_finding_args a = {exp.oom ? NULL : cbec__buf_cstr(&exp), en, zh, NULL, NULL};
                cbec__finding(v, r, &cbec__kind_chronological, tm, &a);
                cbec__buf_free(&exp);
                /* compare the next event with the latest time seen, not this one */
                continue;
            }
        }
        last_secs = secs;
        last_nanos = dt.nanos;
        last_node = tm;
    }
    return true;
}

const cbec_check_kind cbec__kind_chronological = {
    "chronological", 65, chrono_compile, chrono_run, chrono_free,
    "event time {value} is out of order: {reason}",
    "事件时间 {value} 顺序错误：{reason}",
    NULL,
};
