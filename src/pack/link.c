/* link.c - layering: resolve "extends", check that a derived pack only
 * tightens its bases, and merge the rules a message type inherits into
 * effective message types held by an immutable snapshot. */
#include "pack/registry.h"
#include "rules/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 16

typedef struct linker {
    cbec_snapshot *snap;
    cbec_error **err;
    int status;
    size_t **bases;        /* per pack: indices of the packs it extends */
    size_t *nbases;
    int *state;            /* 0 new, 1 in progress, 2 done */
    cbec_etype ***types;   /* per pack: its effective types */
    size_t *ntypes;
} linker;

static int fail(linker *l, int status, const cbec_pack *p, const char *fmt, ...) CBEC_PRINTF(4, 5);

static int fail(linker *l, int status, const cbec_pack *p, const char *fmt, ...)
{
    if (l->status)
        return l->status;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l->status = status;
    cbec__error_set(l->err, status, p ? p->file : NULL, NULL, 0, 0, "%s%s%s", p ? p->file : "", p ? ": " : "", msg);
    return status;
}

/* ---- etypes ---- */

static void trie_free(cbec_trie *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nchildren; i++)
        trie_free(t->children[i]);
    free(t->children);
    free(t->rules);
    free(t->name);
    free(t);
}

static bool trie_add(cbec_trie *root, cbec_rule *r)
{
    cbec_trie *t = root;
    for (size_t i = 0; i < r->nsegs; i++) {
        const cbec_path_seg *s = &r->segs[i];
        cbec_trie *next = NULL;
        for (size_t k = 0; k < t->nchildren && !next; k++) {
            cbec_trie *ch = t->children[k];
            if (ch->wildcard == s->wildcard && ch->len == s->len && memcmp(ch->name, s->name, s->len) == 0)
                next = ch;
        }
        if (!next) {
            cbec_trie **kids = realloc(t->children, (t->nchildren + 1) * sizeof *kids);
            if (!kids)
                return false;
            t->children = kids;
            if (!(next = cbec__calloc(1, sizeof *next)) || !(next->name = cbec__strndup(s->name, s->len))) {
                free(next);
                return false;
            }
            next->len = s->len;
            next->wildcard = s->wildcard;
            t->children[t->nchildren++] = next;
        }
        t = next;
    }
    cbec_rule **rules = realloc(t->rules, (t->nrules + 1) * sizeof *rules);
    if (!rules)
        return false;
    t->rules = rules;
    t->rules[t->nrules++] = r;
    t->has_required |= r->required;
    return true;
}

static void clone_free(cbec_rule *c)
{
    /* a clone owns its checks array and the states it replaced */
    for (size_t i = 0; i < c->nchecks; i++)
        if (c->checks[i].clone_owned && c->checks[i].kind->free)
            c->checks[i].kind->free(c->checks[i].state);
    free(c->checks);
    free(c);
}

static void etype_free(cbec_etype *t)
{
    if (!t)
        return;
    trie_free(t->trie);
    free(t->rules);
    for (size_t i = 0; i < t->nclones; i++)
        clone_free(t->clones[i]);
    free(t->clones);
    free(t);
}

void cbec__snapshot_release(cbec_snapshot *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < s->ntypes; i++)
        etype_free(s->types[i]);
    free(s->types);
    for (size_t f = 0; f < CBEC_NFORMATS; f++)
        free(s->detecting[f]);
    cbec__lazy_free(s->lazy);
    for (size_t i = 0; i < s->npacks; i++)
        cbec_pack_free(s->packs[i]);
    free(s->packs);
    free(s);
}

static cbec_rule *clone_rule(cbec_etype *t, const cbec_rule *r)
{
    cbec_rule **clones = realloc(t->clones, (t->nclones + 1) * sizeof *clones);
    if (!clones)
        return NULL;
    t->clones = clones;
    cbec_rule *c = malloc(sizeof *c);
    cbec_check *checks = malloc((r->nchecks ? r->nchecks : 1) * sizeof *checks);
    if (!c || !checks) {
        free(c);
        free(checks);
        return NULL;
    }
    *c = *r;
    memcpy(checks, r->checks, r->nchecks * sizeof *checks);
    for (size_t i = 0; i < r->nchecks; i++)
        checks[i].clone_owned = false; /* states stay with their owner */
    c->checks = checks;
    c->clone = true;
    t->clones[t->nclones++] = c;
    return c;
}

/* The etype's own copy of r: r itself when it is already one. */
static cbec_rule *owned_clone(cbec_etype *t, cbec_rule *r)
{
    for (size_t i = 0; i < t->nclones; i++)
        if (t->clones[i] == r)
            return r;
    return clone_rule(t, r);
}

/* ---- tightening ---- */

static const char *rule_ref(const cbec_rule *r) { return *r->ref ? r->ref : "no ref"; }

/* Is derived rule d at least as strict as base rule b?  Otherwise a load
 * error naming both rules, both packs and their clauses. */
static bool check_tightens(linker *l, const cbec_rule *b, const cbec_rule *d)
{
    char why[512] = "";
    if (strcmp(b->path, d->path) != 0)
        snprintf(why, sizeof why, "it moves the rule from path %s to %s", b->path, d->path);
    else if (d->severity < b->severity)
        snprintf(why, sizeof why, "it lowers the severity");
    else if (b->required && !d->required)
        snprintf(why, sizeof why, "it makes a required field optional");
    for (size_t i = 0; !*why && i < b->nchecks; i++) {
        const cbec_check *bc = &b->checks[i];
        const cbec_check *dc = NULL;
        for (size_t k = 0; k < d->nchecks && !dc; k++)
            if (d->checks[k].kind == bc->kind)
                dc = &d->checks[k];
        if (!dc)
            snprintf(why, sizeof why, "it drops the check \"%s\": %s", bc->kind->key, bc->canon ? bc->canon : "");
        else if (bc->kind->narrows ? !bc->kind->narrows(bc->state, dc->state)
                                   : strcmp(bc->canon ? bc->canon : "", dc->canon ? dc->canon : "") != 0)
            snprintf(why, sizeof why, "\"%s\" %s is not at least as strict as %s%s", bc->kind->key,
                     dc->canon ? dc->canon : "", bc->canon ? bc->canon : "",
                     bc->kind->narrows ? "" : " (this check may only be repeated unchanged)");
    }
    if (!*why)
        return true;
    fail(l, CBEC_EPACK, d->pack, "rule %s of %s (%s) loosens rule %s of %s (%s): %s; only a waiver may loosen a base rule",
         d->id, d->pack->label, rule_ref(d), b->id, b->pack->label, rule_ref(b), why);
    return false;
}

/* ---- code lists along the chain ---- */

static const cbec_codelist *base_codelist(linker *l, size_t pi, const char *name, const cbec_pack **owner, int depth)
{
    if (depth > MAX_CHAIN)
        return NULL;
    for (size_t k = 0; k < l->nbases[pi]; k++) {
        size_t bi = l->bases[pi][k];
        const cbec_pack *bp = l->snap->packs[bi];
        const cbec_codelist *cl = cbec__pack_codelist(bp, name, strlen(name));
        if (cl) {
            *owner = bp;
            return cl;
        }
        if ((cl = base_codelist(l, bi, name, owner, depth + 1)))
            return cl;
    }
    return NULL;
}

/* ---- effective types ---- */

static bool add_rule(cbec_etype *t, cbec_rule *r)
{
    cbec_rule **rules = realloc(t->rules, (t->nrules + 1) * sizeof *rules);
    if (!rules)
        return false;
    t->rules = rules;
    t->rules[t->nrules++] = r;
    return true;
}

static cbec_etype *find_etype(cbec_etype **list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i]->name, name) == 0)
            return list[i];
    return NULL;
}

static int link_pack(linker *l, size_t pi, int depth);

static bool push_type(linker *l, size_t pi, cbec_etype *t)
{
    cbec_etype **list = realloc(l->types[pi], (l->ntypes[pi] + 1) * sizeof *list);
    cbec_etype **all = realloc(l->snap->types, (l->snap->ntypes + 1) * sizeof *all);
    if (list)
        l->types[pi] = list;
    if (all)
        l->snap->types = all;
    if (!list || !all)
        return false;
    l->types[pi][l->ntypes[pi]++] = t;
    l->snap->types[l->snap->ntypes++] = t;
    return true;
}

static int build_etype(linker *l, size_t pi, const char *name)
{
    const cbec_pack *p = l->snap->packs[pi];
    cbec_etype *t = cbec__calloc(1, sizeof *t);
    if (!t || !(t->trie = cbec__calloc(1, sizeof *t->trie))) {
        free(t);
        return fail(l, CBEC_ENOMEM, p, "out of memory");
    }
    if (!push_type(l, pi, t)) {
        etype_free(t);
        return fail(l, CBEC_ENOMEM, p, "out of memory");
    }
    t->name = name;
    t->pack = p;
    const cbec_msgtype *own = cbec__pack_type(p, name);
    if (own) {
        t->name = own->name;
        memcpy(t->formats, own->formats, sizeof t->formats);
        t->date_segs = own->date_segs;
        t->date_nsegs = own->date_nsegs;
    }
    /* inherited rules and, where the pack is silent, formats and date */
    for (size_t k = 0; k < l->nbases[pi]; k++) {
        size_t bi = l->bases[pi][k];
        const cbec_etype *bt = find_etype(l->types[bi], l->ntypes[bi], name);
        if (!bt)
            continue;
        for (int f = 0; f < CBEC_NFORMATS; f++)
            if (!t->formats[f].present && bt->formats[f].present)
                t->formats[f] = bt->formats[f];
        if (!t->date_segs) {
            t->date_segs = bt->date_segs;
            t->date_nsegs = bt->date_nsegs;
        }
        for (size_t i = 0; i < bt->nrules; i++) {
            bool dup = false;
            for (size_t j = 0; j < t->nrules && !dup; j++) {
                if (t->rules[j] == bt->rules[i])
                    dup = true;
                else if (strcmp(t->rules[j]->id, bt->rules[i]->id) == 0 && t->rules[j]->pack != bt->rules[i]->pack)
                    return fail(l, CBEC_EPACK, p, "bases %s and %s both define rule %s for %s",
                                t->rules[j]->pack->label, bt->rules[i]->pack->label, bt->rules[i]->id, name);
                else if (strcmp(t->rules[j]->id, bt->rules[i]->id) == 0)
                    dup = true;
            }
            if (!dup && !add_rule(t, bt->rules[i]))
                return fail(l, CBEC_ENOMEM, p, "out of memory");
        }
    }
    /* the pack's own rules: refinements of inherited ones, or new */
    for (size_t i = 0; own && i < own->nrules; i++) {
        cbec_rule *r = own->rules[i];
        bool replaced = false;
        for (size_t j = 0; j < t->nrules; j++) {
            if (strcmp(t->rules[j]->id, r->id) != 0)
                continue;
            if (!check_tightens(l, t->rules[j], r))
                return l->status;
            t->rules[j] = r;
            replaced = true;
            break;
        }
        if (!replaced && !add_rule(t, r))
            return fail(l, CBEC_ENOMEM, p, "out of memory");
    }
    /* code lists a rule takes from a base pack, and narrowed lists, which
     * apply to inherited rules too */
    for (size_t i = 0; i < t->nrules; i++) {
        cbec_rule *r = t->rules[i];
        for (size_t k = 0; k < r->nchecks; k++) {
            const char *want = cbec__check_codelist_pending(&r->checks[k]);
            if (!want)
                continue;
            size_t owner_index = SIZE_MAX;
            for (size_t q = 0; q < l->snap->npacks; q++)
                if (l->snap->packs[q] == r->pack)
                    owner_index = q;
            const cbec_pack *owner = NULL;
            const cbec_codelist *found = cbec__pack_codelist(p, want, strlen(want));
            if (!found && owner_index != SIZE_MAX)
                found = base_codelist(l, owner_index, want, &owner, 0);
            if (!found)
                return fail(l, CBEC_EPACK, r->pack, "rule %s uses code list \"%s\", which neither %s nor its bases define",
                            r->id, want, r->pack->label);
            cbec_rule *c = owned_clone(t, r);
            void *st = c ? cbec__codelist_check_state(found) : NULL;
            if (!st)
                return fail(l, CBEC_ENOMEM, p, "out of memory");
            if (c->checks[k].clone_owned)
                c->checks[k].kind->free(c->checks[k].state);
            c->checks[k].state = st;
            c->checks[k].clone_owned = true;
            t->rules[i] = c;
        }
    }
    /* narrowed code lists apply to inherited rules too */
    for (size_t i = 0; i < t->nrules; i++) {
        cbec_rule *r = t->rules[i];
        if (r->pack == p)
            continue;
        for (size_t k = 0; k < r->nchecks; k++) {
            const cbec_codelist *used = cbec__check_codelist(&r->checks[k]);
            const cbec_codelist *narrowed = used ? cbec__pack_codelist(p, used->name, strlen(used->name)) : NULL;
            if (!narrowed || narrowed == used)
                continue;
            cbec_rule *c = owned_clone(t, r);
            void *st = c ? cbec__codelist_check_state(narrowed) : NULL;
            if (!st)
                return fail(l, CBEC_ENOMEM, p, "out of memory");
            if (c->checks[k].clone_owned)
                c->checks[k].kind->free(c->checks[k].state);
            c->checks[k].state = st;
            c->checks[k].clone_owned = true;
            t->rules[i] = r = c;
        }
    }
    /* waivers: a documented, dated loosening of a base rule */
    for (size_t w = 0; w < p->nwaivers; w++) {
        const cbec_waiver *wv = &p->waivers[w];
        for (size_t i = 0; i < t->nrules; i++) {
            cbec_rule *r = t->rules[i];
            if (strcmp(r->id, wv->rule) != 0 || r->pack == p)
                continue;
            cbec_rule *c = owned_clone(t, r);
            if (!c)
                return fail(l, CBEC_ENOMEM, p, "out of memory");
            c->waiver = wv;
            t->rules[i] = c;
        }
    }
    for (size_t i = 0; i < t->nrules; i++)
        if (!trie_add(t->trie, t->rules[i]))
            return fail(l, CBEC_ENOMEM, p, "out of memory");
    return CBEC_OK;
}

static int link_pack(linker *l, size_t pi, int depth)
{
    if (l->state[pi] == 2)
        return CBEC_OK;
    const cbec_pack *p = l->snap->packs[pi];
    if (l->state[pi] == 1 || depth > MAX_CHAIN)
        return fail(l, CBEC_EPACK, p, "\"extends\" forms a cycle through %s", p->label);
    l->state[pi] = 1;
    for (size_t k = 0; k < l->nbases[pi]; k++)
        if (link_pack(l, l->bases[pi][k], depth + 1))
            return l->status;
    /* code lists a derived pack redefines must be narrower */
    for (size_t s = 0; s < p->codelists.cap; s++) {
        const cbec_codelist *mine = p->codelists.slots[s].value;
        if (!p->codelists.slots[s].key)
            continue;
        const cbec_pack *owner = NULL;
        const cbec_codelist *base = base_codelist(l, pi, mine->name, &owner, 0);
        if (!base)
            continue;
        for (size_t i = 0; i < mine->count; i++)
            if (!cbec__codelist_has(base, mine->owned[i], strlen(mine->owned[i])))
                return fail(l, CBEC_EPACK, p, "code list %s of %s widens code list %s of %s: code \"%s\" is not in the base list",
                            mine->name, p->label, base->name, owner->label, mine->owned[i]);
    }
    /* the types the pack names: each inherits the rules its bases give it */
    for (size_t i = 0; i < p->ntypes; i++)
        if (build_etype(l, pi, p->types[i]->name))
            return l->status;
    /* a waiver must name a rule the pack inherits */
    for (size_t w = 0; w < p->nwaivers; w++) {
        bool found = false;
        for (size_t i = 0; i < l->ntypes[pi] && !found; i++)
            for (size_t j = 0; j < l->types[pi][i]->nrules && !found; j++) {
                const cbec_rule *r = l->types[pi][i]->rules[j];
                if (strcmp(r->id, p->waivers[w].rule) == 0) {
                    if (r->pack == p)
                        return fail(l, CBEC_EPACK, p, "waiver for %s: a pack cannot waive its own rule", r->id);
                    found = true;
                }
            }
        /* a slice (lazy.c) holds one message type: its waivers of the
         * rules of other types find nothing here */
        if (!found && !p->head)
            return fail(l, CBEC_EPACK, p, "waiver names rule %s, which no base of %s defines", p->waivers[w].rule, p->label);
    }
    l->state[pi] = 2;
    return CBEC_OK;
}

static bool extends_transitively(linker *l, size_t from, size_t target, int depth)
{
    if (depth > MAX_CHAIN)
        return false;
    for (size_t k = 0; k < l->nbases[from]; k++)
        if (l->bases[from][k] == target || extends_transitively(l, l->bases[from][k], target, depth + 1))
            return true;
    return false;
}

static bool periods_overlap(const cbec_pack *a, const cbec_pack *b)
{
    /* open ends are "" and compare as -inf / +inf */
    bool a_before_b = *a->eff_to && *b->eff_from && strcmp(a->eff_to, b->eff_from) < 0;
    bool b_before_a = *b->eff_to && *a->eff_from && strcmp(b->eff_to, a->eff_from) < 0;
    return !a_before_b && !b_before_a;
}

/* What picking an etype for each message looks at: names as numbers, and
 * per format only the etypes that detect messages of it. */
static bool index_types(cbec_snapshot *s)
{
    for (size_t i = 0; i < s->ntypes; i++) {
        cbec_etype *t = s->types[i];
        t->name_id = i;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->types[k]->name, t->name) == 0) {
                t->name_id = k;
                break;
            }
    }
    for (size_t f = 0; f < CBEC_NFORMATS; f++) {
        if (s->ntypes && !(s->detecting[f] = cbec__calloc(s->ntypes, sizeof *s->detecting[f])))
            return false;
        for (size_t i = 0; i < s->ntypes; i++)
            if (s->types[i]->formats[f].detect_match)
                s->detecting[f][s->ndetecting[f]++] = s->types[i];
    }
    return true;
}

size_t cbec__resolve_base(cbec_pack *const *packs, size_t npacks, size_t i, const cbec_extends *x)
{
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < npacks; k++)
        if (k != i && strcmp(packs[k]->id, x->id) == 0 && cbec__semver_satisfies(packs[k]->version, x->range) &&
            (best == SIZE_MAX || cbec__semver_cmp(packs[k]->version, packs[best]->version) > 0))
            best = k;
    return best;
}

int cbec__snapshot_build(cbec_pack **packs, size_t npacks, cbec_snapshot **out, cbec_error **err)
{
    *out = NULL;
    cbec_snapshot *s = cbec__calloc(1, sizeof *s);
    if (!s || !(s->packs = cbec__calloc(npacks, sizeof *s->packs))) {
        free(s);
        return CBEC_ENOMEM;
    }
    atomic_init(&s->refs, 1);
    for (size_t i = 0; i < npacks; i++)
        s->packs[s->npacks++] = cbec_pack_ref(packs[i]);
    linker l = {s, err, CBEC_OK, NULL, NULL, NULL, NULL, NULL};
    l.bases = cbec__calloc(npacks, sizeof *l.bases);
    l.nbases = cbec__calloc(npacks, sizeof *l.nbases);
    l.state = cbec__calloc(npacks, sizeof *l.state);
    l.types = cbec__calloc(npacks, sizeof *l.types);
    l.ntypes = cbec__calloc(npacks, sizeof *l.ntypes);
    if (!l.bases || !l.nbases || !l.state || !l.types || !l.ntypes)
        fail(&l, CBEC_ENOMEM, NULL, "out of memory");
    /* one pack per id@version */
    for (size_t i = 0; i < npacks && !l.status; i++)
        for (size_t k = 0; k < i && !l.status; k++)
            if (strcmp(packs[i]->label, packs[k]->label) == 0)
                fail(&l, CBEC_EAMBIGUOUS, packs[i], "pack %s is already loaded from %s", packs[i]->label, packs[k]->file);
    /* resolve bases: the highest loaded version in the range */
    for (size_t i = 0; i < npacks && !l.status; i++) {
        const cbec_pack *p = packs[i];
        if (p->nextends && !(l.bases[i] = cbec__calloc(p->nextends, sizeof *l.bases[i]))) {
            fail(&l, CBEC_ENOMEM, p, "out of memory");
            break;
        }
        for (size_t e = 0; e < p->nextends && !l.status; e++) {
            size_t best = cbec__resolve_base(packs, npacks, i, &p->extends[e]);
            if (best == SIZE_MAX)
                fail(&l, CBEC_ENOTFOUND, p, "pack %s extends %s %s, but no loaded pack matches; load the base pack too",
                     p->label, p->extends[e].id, p->extends[e].range);
            else
                l.bases[i][l.nbases[i]++] = best;
        }
    }
    for (size_t i = 0; i < npacks && !l.status; i++)
        link_pack(&l, i, 0);
    /* selection: a type of a pack is shadowed by a loaded pack that extends
     * it and names the same type */
    for (size_t i = 0; i < npacks && !l.status; i++)
        for (size_t t = 0; t < l.ntypes[i]; t++) {
            cbec_etype *et = l.types[i][t];
            et->selectable = et->selectable_active = true;
            for (size_t k = 0; k < npacks; k++)
                if (k != i && find_etype(l.types[k], l.ntypes[k], et->name) && extends_transitively(&l, k, i, 0)) {
                    /* a draft derived pack shadows its bases only when drafts may be picked */
                    et->selectable = false;
                    if (strcmp(packs[k]->status, "active") == 0)
                        et->selectable_active = false;
                }
        }
    /* two selectable active packs for one type must not be in force together */
    for (size_t a = 0; a < s->ntypes && !l.status; a++)
        for (size_t b = a + 1; b < s->ntypes && !l.status; b++) {
            const cbec_etype *x = s->types[a], *y = s->types[b];
            if (!x->selectable_active || !y->selectable_active || strcmp(x->name, y->name) != 0 ||
                strcmp(x->pack->status, "active") != 0 || strcmp(y->pack->status, "active") != 0)
                continue;
            if (periods_overlap(x->pack, y->pack))
                fail(&l, CBEC_EAMBIGUOUS, y->pack,
                     "message type %s is defined by %s (%s) and %s (%s), both active with overlapping effective dates",
                     x->name, x->pack->label, x->pack->file, y->pack->label, y->pack->file);
        }
    if (!l.status && !index_types(s))
        fail(&l, CBEC_ENOMEM, NULL, "out of memory");
    /* heads: the whole packs link when a message needs them (lazy.c) */
    for (size_t i = 0; i < npacks && !l.status && !s->lazy; i++)
        if (packs[i]->head_opts && !(s->lazy = cbec__lazy_new()))
            fail(&l, CBEC_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < npacks; i++) {
        if (l.bases)
            free(l.bases[i]);
        if (l.types)
            free(l.types[i]);
    }
    free(l.bases);
    free(l.nbases);
    free(l.state);
    free(l.types);
    free(l.ntypes);
    if (l.status) {
        cbec__snapshot_release(s);
        return l.status;
    }
    *out = s;
    return CBEC_OK;
}
