/* compile.c - compiling a pack's message types and their rules with their
 * checks (the path tries that serve validation are built when packs are
 * linked, src/pack/link.c). */
#include "pack/compile.h"
#include "pack/privacy.h"

#include <stdlib.h>
#include <string.h>

void cbec__path_free(cbec_path_seg *segs, size_t nsegs)
{
    for (size_t i = 0; i < nsegs; i++)
        free(segs[i].name);
    free(segs);
}

bool cbec__compile_path(cbec_compiler *c, const cbec_node *at, const char *path,
                        cbec_path_seg **segs, size_t *nsegs)
{
    *segs = NULL;
    *nsegs = 0;
    if (*path && *path != '/')
        return cbec__compile_error(c, at, "path \"%s\" must be empty or start with \"/\"", path);
    size_t n = 0;
    for (const char *p = path; *p; p++)
        n += *p == '/';
    if (!n)
        return true;
    cbec_path_seg *s = cbec__calloc(n, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    const char *p = path;
    for (size_t i = 0; i < n; i++) {
        p++;
        size_t len = strcspn(p, "/");
        cbec_buf b;
        cbec__buf_init(&b);
        for (size_t k = 0; k < len; k++) {
            if (p[k] == '~') {
                if (k + 1 < len && (p[k + 1] == '0' || p[k + 1] == '1')) {
                    cbec__buf_addc(&b, p[k + 1] == '0' ? '~' : '/');
                    k++;
                    continue;
                }
                cbec__buf_free(&b);
                cbec__path_free(s, n);
                return cbec__compile_error(c, at, "path \"%s\": \"~\" must be followed by 0 or 1", path);
            }
            cbec__buf_addc(&b, p[k]);
        }
        s[i].wildcard = len == 1 && p[0] == '*';
        s[i].len = b.len;
        s[i].name = cbec__strndup(cbec__buf_cstr(&b), b.len);
        cbec__buf_free(&b);
        if (!s[i].name) {
            cbec__path_free(s, n);
            return cbec__compile_oom(c);
        }
        p += len;
    }
    *segs = s;
    *nsegs = n;
    return true;
}

static void rule_free(cbec_rule *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nchecks; i++) {
        if (r->checks[i].kind->free)
            r->checks[i].kind->free(r->checks[i].state);
        free(r->checks[i].canon);
    }
    free(r->checks);
    free(r->canon);
    cbec__path_free(r->segs, r->nsegs);
    cbec__i18n_free(&r->message);
    free(r->id);
    free(r->ref);
    free(r->path);
    free(r->where);
    free(r);
}

void cbec__msgtype_free(cbec_msgtype *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrules; i++)
        rule_free(t->rules[i]);
    free(t->rules);
    for (int f = 0; f < CBEC_NFORMATS; f++) {
        cbec_format_spec *fs = &t->formats[f];
        if (fs->detect_free)
            fs->detect_free(fs->detect);
        if (fs->structure_free)
            fs->structure_free(fs->structure);
        if (fs->binding_free)
            fs->binding_free(fs->binding);
    }
    cbec__i18n_free(&t->title);
    cbec__path_free(t->date_segs, t->date_nsegs);
    cbec__privacy_free(t->privacy);
    free(t->name);
    free(t);
}

static int check_order(const void *a, const void *b)
{
    const cbec_check *x = a, *y = b;
    return (x->kind->order > y->kind->order) - (x->kind->order < y->kind->order);
}

static bool valid_rule_id(const char *s, size_t n)
{
    if (!n || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

bool cbec__rule_init(cbec_compiler *c, cbec_rule *r, cbec_msgtype *t, const cbec_node *at)
{
    r->pack = c->pack;
    r->msgtype = t;
    r->severity = CBEC_SEVERITY_ERROR;
    cbec_buf where;
    cbec__buf_init(&where);
    cbec__node_pointer(at, &where);
    r->where = where.oom ? NULL : cbec__strdup(cbec__buf_cstr(&where));
    cbec__buf_free(&where);
    return r->where || cbec__compile_oom(c);
}

bool cbec__compile_severity(cbec_compiler *c, const cbec_node *n, int *out)
{
    static const struct {
        const char *name;
        int severity;
    } names[] = {{"error", CBEC_SEVERITY_ERROR}, {"warning", CBEC_SEVERITY_WARNING}, {"info", CBEC_SEVERITY_INFO}};
    for (size_t i = 0; n->kind == CBEC_NODE_STRING && i < CBEC_ARRAY_LEN(names); i++)
        if (cbec__streq(n->text, n->len, names[i].name)) {
            *out = names[i].severity;
            return true;
        }
    return cbec__compile_error(c, n, "severity must be \"error\", \"warning\" or \"info\"");
}

/* The members of rule node n after "id" and "path": severity, ref,
 * message, required, and the checks, whose canonical forms are slices of
 * the rule's (canon, ranges). */
static bool compile_checks(cbec_compiler *c, cbec_rule *r, const cbec_node *n, const char *canon,
                           size_t (*ranges)[2])
{
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *m = &n->children[i];
        if (cbec__streq(m->key, m->keylen, "id") || cbec__streq(m->key, m->keylen, "path") ||
            cbec__streq(m->key, m->keylen, "description"))
            continue;
        if (cbec__streq(m->key, m->keylen, "severity")) {
            if (!cbec__compile_severity(c, m, &r->severity))
                return false;
            continue;
        }
        if (cbec__streq(m->key, m->keylen, "ref")) {
            if (m->kind != CBEC_NODE_STRING)
                return cbec__compile_error(c, m, "\"ref\" must be a string naming a clause of a standard");
            free(r->ref);
            if (!(r->ref = cbec__compile_strdup(c, m)))
                return false;
            continue;
        }
        if (cbec__streq(m->key, m->keylen, "message")) {
            if (!cbec__compile_i18n(c, m, &r->message, true, true))
                return false;
            continue;
        }
        if (cbec__streq(m->key, m->keylen, "required")) {
            if (m->kind != CBEC_NODE_BOOL)
                return cbec__compile_error(c, m, "\"required\" must be true or false");
            r->required = m->text[0] == 't';
            if (r->required && r->nsegs == 0)
                return cbec__compile_error(c, m, "the message root cannot be required");
            continue;
        }
        const cbec_check_kind *k = cbec__check_kind_find(m->key, m->keylen);
        if (!k)
            return cbec__compile_error(c, m, "unknown key \"%.*s\" in rule %s", (int)m->keylen, m->key, r->id);
        void *state = NULL;
        bool ok = k->compile(c, r, m, &state);
        /* kept even on failure: the rule frees what compile() built so far */
        cbec_check *ck = &r->checks[r->nchecks++];
        ck->kind = k;
        ck->state = state;
        if (!(ck->canon = cbec__strndup(canon + ranges[i][0], ranges[i][1] - ranges[i][0])))
            return cbec__compile_oom(c);
        if (!ok)
            return c->status ? false : cbec__compile_error(c, m, "invalid \"%s\"", k->key);
    }
    return true;
}

static bool compile_rule(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_strmap *ids,
                         cbec_rule **out)
{
    *out = NULL;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "a rule must be an object");
    cbec_rule *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return cbec__compile_oom(c);
    *out = r;
    if (!cbec__rule_init(c, r, t, n))
        return false;

    const cbec_node *id = cbec__node_member(n, "id", 2);
    if (!id || id->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "a rule needs a string \"id\"");
    if (!valid_rule_id(id->text, id->len))
        return cbec__compile_error(c, id, "rule id \"%.*s\" must be 1-64 characters of A-Z a-z 0-9 - _ .",
                                   (int)id->len, id->text);
    if (!(r->id = cbec__compile_strdup(c, id)))
        return false;
    const cbec_strmap_entry *dup = cbec__strmap_get(ids, r->id, id->len);
    if (dup) {
        const cbec_rule *other = dup->value;
        return cbec__compile_error(c, id, "duplicate rule id \"%s\" (first defined at %s)", r->id, other->where);
    }
    if (!cbec__strmap_put(ids, r->id, id->len, r, NULL))
        return cbec__compile_oom(c);

    const cbec_node *path = cbec__node_member(n, "path", 4);
    if (!path || path->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "rule %s needs a string \"path\" (a JSON Pointer, \"*\" for any item)", r->id);
    if (!(r->path = cbec__compile_strdup(c, path)) || !cbec__compile_path(c, path, r->path, &r->segs, &r->nsegs))
        return false;

    r->ref = NULL;
    r->checks = cbec__calloc(n->count, sizeof *r->checks);
    if (!r->checks)
        return cbec__compile_oom(c);
    /* the canonical form of the rule, and of each check as its slice */
    cbec_buf canon;
    cbec__buf_init(&canon);
    size_t (*ranges)[2] = cbec__calloc(n->count, sizeof *ranges);
    if (ranges)
        cbec__node_canonical_members(n, &canon, ranges);
    if (!ranges || canon.oom || !(r->canon = cbec__strdup(cbec__buf_cstr(&canon)))) {
        free(ranges);
        cbec__buf_free(&canon);
        return cbec__compile_oom(c);
    }
    bool ok = compile_checks(c, r, n, (const char *)canon.data, ranges);
    free(ranges);
    cbec__buf_free(&canon);
    if (!ok)
        return false;
    if (!r->ref && !(r->ref = cbec__strdup("")))
        return cbec__compile_oom(c);
    if (!r->nchecks && !r->required)
        return cbec__compile_error(c, n, "rule %s checks nothing: give it \"required\" or a check", r->id);
    qsort(r->checks, r->nchecks, sizeof *r->checks, check_order);
    return true;
}


static bool compile_type(cbec_compiler *c, const cbec_node *n, cbec_strmap *ids)
{
    cbec_pack *p = c->pack;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "a message type must be an object");
    cbec_msgtype *t = cbec__calloc(1, sizeof *t);
    if (!t)
        return cbec__compile_oom(c);
    cbec_msgtype **types = realloc(p->types, (p->ntypes + 1) * sizeof *types);
    if (!types) {
        free(t);
        return cbec__compile_oom(c);
    }
    p->types = types;
    p->types[p->ntypes++] = t;
    if (!valid_rule_id(n->key, n->keylen))
        return cbec__compile_error(c, n, "message type name must be 1-64 characters of A-Z a-z 0-9 - _ .");
    if (!(t->name = cbec__strndup(n->key, n->keylen)))
        return cbec__compile_oom(c);
    const cbec_node *m;
    if ((m = cbec__node_member(n, "title", 5)) && !cbec__compile_i18n(c, m, &t->title, true, false))
        return false;
    for (uint32_t i = 0; i < n->count; i++) {
        m = &n->children[i];
        if (cbec__streq(m->key, m->keylen, "title") || cbec__streq(m->key, m->keylen, "description") ||
            cbec__streq(m->key, m->keylen, "rules"))
            continue;
        if (cbec__streq(m->key, m->keylen, "effectiveDate")) {
            if (m->kind != CBEC_NODE_STRING)
                return cbec__compile_error(c, m, "\"effectiveDate\" must be a JSON Pointer to the message's date");
            char *dp = cbec__compile_strdup(c, m);
            bool ok = dp && cbec__compile_path(c, m, dp, &t->date_segs, &t->date_nsegs);
            free(dp);
            if (!ok)
                return false;
            for (size_t k = 0; k < t->date_nsegs; k++)
                if (t->date_segs[k].wildcard)
                    return cbec__compile_error(c, m, "\"effectiveDate\" cannot hold \"*\"");
            continue;
        }
        if (cbec__streq(m->key, m->keylen, "classification")) {
            /* which fields hold personal data: reports mask them (privacy.c) */
            if (!cbec__privacy_compile(c, m, &t->privacy))
                return false;
            continue;
        }
        const cbec_section_kind *sk = cbec__section_kind_find(m->key, m->keylen);
        if (!sk)
            return cbec__compile_error(c, m, "unknown key \"%.*s\" in a message type (title, description, effectiveDate, classification, json, xml, edifact, x12, rules)",
                                       (int)m->keylen, m->key);
        if (m->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, m, "\"%s\" must be an object", sk->key);
        if (c->opts->slice_type && sk->format != c->opts->slice_format)
            continue; /* a slice holds the section of the message's format only */
        t->formats[sk->format].present = true;
        if (!sk->compile(c, t, m, &t->formats[sk->format]))
            return c->status ? false : cbec__compile_error(c, m, "invalid \"%s\" section", sk->key);
    }
    const cbec_node *rules = cbec__node_member(n, "rules", 5);
    if (!rules)
        return true;
    if (rules->kind != CBEC_NODE_ARRAY)
        return cbec__compile_error(c, rules, "\"rules\" must be an array");
    t->rules = cbec__calloc(rules->count, sizeof *t->rules);
    if (!t->rules)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < rules->count; i++) {
        cbec_rule *r;
        bool ok = compile_rule(c, t, &rules->children[i], ids, &r);
        if (r)
            t->rules[t->nrules++] = r;
        if (!ok)
            return false;
    }
    p->nrules += t->nrules;
    return true;
}

bool cbec__compile_messages(cbec_compiler *c, const cbec_node *messages)
{
    if (messages->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, messages, "\"messages\" must be an object keyed by message type");
    cbec_strmap ids;
    cbec__strmap_init(&ids);
    bool ok = true;
    const char *only = c->opts->slice_type; /* a slice (lazy.c): the one type a message needs */
    for (uint32_t i = 0; i < messages->count && ok; i++)
        if (!only || cbec__streq(messages->children[i].key, messages->children[i].keylen, only))
            ok = compile_type(c, &messages->children[i], &ids);
    cbec__strmap_free(&ids);
    return ok;
}
