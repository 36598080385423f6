/* stats.c - evaluation counters per pack, module, message type and rule,
 * fed with reports from any number of threads and exported as JSON. */
#include "validate/validate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct counter {
    char *key;
    char *pack;          /* rules: the pack defining them */
    unsigned long validated, passed, messages_with;
    unsigned long by_severity[4];
} counter;

typedef struct table {
    cbec_strmap map;     /* key -> counter* */
    counter **items;     /* in order of first appearance */
    size_t count;
} table;

struct cbec_stats {
    pthread_mutex_t lock;
    unsigned long messages, valid, invalid;
    unsigned long by_severity[4];
    table packs, modules, types, rules;
    cbec_buf out;
};

static counter *get(table *t, const char *key)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&t->map, key, strlen(key));
    if (e)
        return e->value;
    counter **items = realloc(t->items, (t->count + 1) * sizeof *items);
    if (!items)
        return NULL;
    t->items = items;
    counter *c = cbec__calloc(1, sizeof *c);
    if (!c || !(c->key = cbec__strdup(key)) || !cbec__strmap_put(&t->map, c->key, strlen(c->key), c, NULL)) {
        if (c)
            free(c->key);
        free(c);
        return NULL;
    }
    t->items[t->count++] = c;
    return c;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i]->key);
        free(t->items[i]->pack);
        free(t->items[i]);
    }
    free(t->items);
    cbec__strmap_free(&t->map);
}

CBEC_API int cbec_stats_new(cbec_stats **out)
{
    if (!out)
        return CBEC_EINVAL;
    cbec_stats *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return CBEC_ENOMEM;
    pthread_mutex_init(&s->lock, NULL);
    cbec__buf_init(&s->out);
    *out = s;
    return CBEC_OK;
}

CBEC_API void cbec_stats_free(cbec_stats *s)
{
    if (!s)
        return;
    table_free(&s->packs);
    table_free(&s->modules);
    table_free(&s->types);
    table_free(&s->rules);
    cbec__buf_free(&s->out);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Count one message against a counter: validated, passed, findings. */
static void tally(counter *c, bool valid, const size_t sev[4])
{
    if (!c)
        return;
    c->validated++;
    c->passed += valid;
    for (int k = 1; k <= 3; k++)
        c->by_severity[k] += sev[k];
}

CBEC_API int cbec_stats_add(cbec_stats *s, const cbec_report *r)
{
    if (!s || !r)
        return CBEC_EINVAL;
    bool valid = cbec_report_valid(r);
    int st = CBEC_OK;
    pthread_mutex_lock(&s->lock);
    s->messages++;
    if (valid)
        s->valid++;
    else
        s->invalid++;
    for (int k = 1; k <= 3; k++)
        s->by_severity[k] += r->by_severity[k];
    /* the pack that decided is the first the report keeps */
    const cbec_pack *p = r->npacks ? r->packs[0] : NULL;
    counter *pc = get(&s->packs, p ? p->label : "(none)");
    counter *mc = get(&s->modules, p ? p->module : "(none)");
    counter *tc = get(&s->types, r->type && *r->type ? r->type : "(unknown)");
    if (!pc || !mc || !tc)
        st = CBEC_ENOMEM;
    tally(pc, valid, r->by_severity);
    tally(mc, valid, r->by_severity);
    tally(tc, valid, r->by_severity);
    /* rules: findings by severity, and messages with at least one */
    for (size_t i = 0; i < r->count && !st; i++) {
        const cbec_finding *f = &r->items[i];
        counter *rc = get(&s->rules, f->rule);
        if (!rc) {
            st = CBEC_ENOMEM;
            break;
        }
        if (!rc->pack)
            rc->pack = cbec__strdup(f->pack);
        rc->by_severity[f->severity]++;
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(r->items[k].rule, f->rule) != 0;
        rc->messages_with += first;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static void sev_json(cbec_buf *b, const unsigned long sev[4])
{
    cbec__buf_addf(b, "{\"error\":%lu,\"warning\":%lu,\"info\":%lu}", sev[CBEC_SEVERITY_ERROR],
                   sev[CBEC_SEVERITY_WARNING], sev[CBEC_SEVERITY_INFO]);
}

static void table_json(cbec_buf *b, const char *name, const table *t, bool rules)
{
    cbec__buf_addf(b, ",\"%s\":{", name);
    for (size_t i = 0; i < t->count; i++) {
        const counter *c = t->items[i];
        cbec__buf_adds(b, i ? ",\"" : "\"");
        cbec__buf_add_json_escaped(b, c->key, strlen(c->key));
        cbec__buf_adds(b, "\":{");
        if (rules) {
            cbec__buf_adds(b, "\"pack\":\"");
            cbec__buf_add_json_escaped(b, c->pack ? c->pack : "", c->pack ? strlen(c->pack) : 0);
            cbec__buf_addf(b, "\",\"messages\":%lu,\"findings\":", c->messages_with);
        } else {
            cbec__buf_addf(b, "\"validated\":%lu,\"passed\":%lu,\"findings\":", c->validated, c->passed);
        }
        sev_json(b, c->by_severity);
        cbec__buf_addc(b, '}');
    }
    cbec__buf_addc(b, '}');
}

CBEC_API int cbec_stats_render_json(cbec_stats *s, const char **out, size_t *len)
{
    if (!s || !out)
        return CBEC_EINVAL;
    pthread_mutex_lock(&s->lock);
    cbec_buf *b = &s->out;
    cbec__buf_reset(b);
    cbec__buf_addf(b, "{\"messages\":%lu,\"valid\":%lu,\"invalid\":%lu,\"findings\":", s->messages, s->valid,
                   s->invalid);
    sev_json(b, s->by_severity);
    table_json(b, "packs", &s->packs, false);
    table_json(b, "modules", &s->modules, false);
    table_json(b, "types", &s->types, false);
    table_json(b, "rules", &s->rules, true);
    cbec__buf_addc(b, '}');
    int st = b->oom ? CBEC_ENOMEM : CBEC_OK;
    *out = cbec__buf_cstr(b);
    if (len)
        *len = b->len;
    pthread_mutex_unlock(&s->lock);
    return st;
}
