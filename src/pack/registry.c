/* registry.c - the packs validations may use: an immutable snapshot swapped
 * atomically on every change, so loading and hot reload never disturb
 * validations in flight; and the choice of pack version for a message. */
#define _DEFAULT_SOURCE
#include "pack/registry.h"
#include "pack/isocodes.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

CBEC_API int cbec_registry_new(cbec_registry **out)
{
    if (!out)
        return CBEC_EINVAL;
    *out = NULL;
    cbec_registry *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return CBEC_ENOMEM;
    if (cbec__snapshot_build(NULL, 0, &r->snap, NULL) != CBEC_OK) {
        free(r);
        return CBEC_ENOMEM;
    }
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return CBEC_OK;
}

CBEC_API void cbec_registry_free(cbec_registry *r)
{
    if (!r)
        return;
    cbec__snapshot_release(r->snap);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

cbec_snapshot *cbec__registry_acquire(const cbec_registry *r)
{
    cbec_registry *m = (cbec_registry *)r;
    pthread_mutex_lock(&m->lock);
    cbec_snapshot *s = m->snap;
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&m->lock);
    return s;
}

/* Replace the snapshot; validations holding the old one finish on it. */
static void swap(cbec_registry *r, cbec_snapshot *next)
{
    pthread_mutex_lock(&r->lock);
    cbec_snapshot *old = r->snap;
    r->snap = next;
    pthread_mutex_unlock(&r->lock);
    cbec__snapshot_release(old);
}

const cbec_msgtype *cbec__pack_type(const cbec_pack *p, const char *name)
{
    for (size_t i = 0; i < p->ntypes; i++)
        if (strcmp(p->types[i]->name, name) == 0)
            return p->types[i];
    return NULL;
}

/* The registry's packs plus extra, linked into a new snapshot and swapped
 * in; on error nothing changes. */
static int extend_with(cbec_registry *r, cbec_pack **extra, size_t nextra, bool replace, cbec_error **err)
{
    pthread_mutex_lock(&r->lock);
    size_t nold = replace ? 0 : r->snap->npacks;
    cbec_pack **all = cbec__calloc(nold + nextra, sizeof *all);
    if (!all) {
        pthread_mutex_unlock(&r->lock);
        return CBEC_ENOMEM;
    }
    for (size_t i = 0; i < nold; i++)
        all[i] = cbec_pack_ref(r->snap->packs[i]);
    pthread_mutex_unlock(&r->lock);
    for (size_t i = 0; i < nextra; i++)
        all[nold + i] = cbec_pack_ref(extra[i]);
    cbec_snapshot *next;
    int st = cbec__snapshot_build(all, nold + nextra, &next, err);
    for (size_t i = 0; i < nold + nextra; i++)
        cbec_pack_free(all[i]);
    free(all);
    if (st == CBEC_OK)
        swap(r, next);
    return st;
}

CBEC_API int cbec_registry_add(cbec_registry *r, cbec_pack *p, cbec_error **err)
{
    if (!r || !p)
        return CBEC_EINVAL;
    return extend_with(r, &p, 1, false, err);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_pack_name(const char *n)
{
    size_t len = strlen(n);
    return len > 10 && strcmp(n + len - 10, ".pack.json") == 0 && n[0] != '.';
}

typedef struct pack_list {
    cbec_pack **items;
    size_t count;
} pack_list;

static void list_free(pack_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        cbec_pack_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---- loading the packs of a directory on several threads ----
 *
 * Packs compile independently (they are linked afterwards, in
 * extend_with), and what they share - iso-codes tables, compiled XSDs,
 * code-list imports - is locked, so the files of a directory are loaded
 * by up to one thread per processor.  The result is the one of loading
 * them in name order: the packs in that order, or the error of the first
 * file in that order that fails. */

#define LOAD_THREADS_MAX 8

typedef struct load_job {
    char *const *names;
    size_t *order;                /* indexes of names, largest file first */
    size_t n;
    const cbec_options *opts;
    cbec_isobatch *batch;         /* the caller's: the threads read each iso-codes file once between them */
    cbec_pack **packs;
    int *status;
    cbec_error **errs;
    bool want_err;
    atomic_size_t next;
    atomic_size_t first_failed;   /* files after it need not load */
} load_job;

static void *load_worker(void *arg)
{
    load_job *j = arg;
    cbec__isocodes_batch_join(j->batch);
    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n)
            break;
        size_t i = j->order[k];
        if (i > atomic_load(&j->first_failed))
            continue;
        cbec_error **e = j->want_err ? &j->errs[i] : NULL;
        j->status[i] = j->opts && j->opts->lazy_load ? cbec__pack_load_head(j->names[i], j->opts, &j->packs[i], e)
                                                     : cbec_pack_load_file(&j->packs[i], j->names[i], j->opts, e);
        if (j->status[i]) {
            size_t seen = atomic_load(&j->first_failed);
            while (i < seen && !atomic_compare_exchange_weak(&j->first_failed, &seen, i))
                ;
        }
    }
    cbec__isocodes_batch_end();
    return NULL;
}

typedef struct sized {
    size_t index;
    off_t size;
} sized;

static int larger_first(const void *a, const void *b)
{
    const sized *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The order to start loading in: the largest files first, so that the
 * threads finish together rather than one waiting for the last big pack. */
static bool load_order(char *const *names, size_t n, size_t *order)
{
    sized *s = cbec__calloc(n, sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        s[i] = (sized){i, stat(names[i], &sb) == 0 ? sb.st_size : 0};
    }
    qsort(s, n, sizeof *s, larger_first);
    for (size_t i = 0; i < n; i++)
        order[i] = s[i].index;
    free(s);
    return true;
}

static size_t load_threads(size_t nfiles, const cbec_options *opts)
{
    size_t t = opts ? opts->load_threads : 0;
    if (!t) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        t = cpus > 1 ? (size_t)cpus : 1;
    }
    if (t > LOAD_THREADS_MAX)
        t = LOAD_THREADS_MAX;
    return t < nfiles ? t : nfiles;
}

static int load_files(pack_list *l, char *const *names, size_t n, const cbec_options *opts, cbec_error **err)
{
    cbec_pack **grown = realloc(l->items, (l->count + n) * sizeof *grown);
    if (!grown)
        return CBEC_ENOMEM;
    l->items = grown;
    load_job j = {names, cbec__calloc(n, sizeof *j.order), n, opts, cbec__isocodes_batch_current(),
                  cbec__calloc(n, sizeof *j.packs), cbec__calloc(n, sizeof *j.status),
                  cbec__calloc(n, sizeof *j.errs), err != NULL, 0, SIZE_MAX};
    if (!j.order || !j.packs || !j.status || !j.errs || !load_order(names, n, j.order)) {
        free(j.order);
        free(j.packs);
        free(j.status);
        free(j.errs);
        return CBEC_ENOMEM;
    }
    atomic_init(&j.next, 0);
    atomic_init(&j.first_failed, SIZE_MAX);
    pthread_t tids[LOAD_THREADS_MAX];
    size_t started = 0;
    /* heads (CBEC_OPT_LAZY_LOAD) are small: a thread would cost more than it saves */
    size_t threads = opts && opts->lazy_load ? 1 : load_threads(n, opts);
    for (size_t k = 1; k < threads; k++)
        if (pthread_create(&tids[started], NULL, load_worker, &j) == 0)
            started++;
    load_worker(&j); /* this thread loads too, and alone when no thread started */
    for (size_t k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    int st = CBEC_OK;
    for (size_t i = 0; i < n; i++) {
        if (!st && j.status[i]) {
            st = j.status[i];
            if (err) {
                *err = j.errs[i];
                j.errs[i] = NULL;
            }
        }
        if (!st && j.packs[i])
            l->items[l->count++] = j.packs[i];
        else
            cbec_pack_free(j.packs[i]);
        cbec_error_free(j.errs[i]);
    }
    free(j.order);
    free(j.packs);
    free(j.status);
    free(j.errs);
    return st;
}

typedef struct name_list {
    char **items;
    size_t count;
} name_list;

static void names_free(name_list *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->items[i]);
    free(n->items);
    n->items = NULL;
    n->count = 0;
}

static bool names_add(name_list *n, const char *a, const char *b)
{
    size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
    char **grown = realloc(n->items, (n->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    n->items = grown;
    if (!(n->items[n->count] = malloc(len)))
        return false;
    snprintf(n->items[n->count++], len, "%s%s%s", a, b ? "/" : "", b ? b : "");
    return true;
}

/* Add the pack file path, or every *.pack.json of the directory path in
 * name order, to names. */
static int list_path(name_list *names, const char *path, cbec_error **err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot open %s", path);
    if (!S_ISDIR(sb.st_mode))
        return names_add(names, path, NULL) ? CBEC_OK : CBEC_ENOMEM;
    DIR *d = opendir(path);
    if (!d)
        return cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot read directory %s", path);
    size_t first = names->count;
    int st = CBEC_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)))
        if (is_pack_name(e->d_name) && !names_add(names, path, e->d_name))
            st = CBEC_ENOMEM;
    closedir(d);
    if (!st && names->count == first)
        st = cbec__error_set(err, CBEC_ENOTFOUND, path, NULL, 0, 0, "no pack files (*.pack.json) in directory %s", path);
    if (!st)
        qsort(names->items + first, names->count - first, sizeof *names->items, name_cmp);
    return st;
}

/* Load the packs of paths into a new snapshot for r (replacing its packs,
 * or adding to them); with CBEC_LAZY_AUTO, as heads when the cache
 * certifies that these files loaded whole without an error before, else
 * whole, and certified when they do. */
static int load_into(cbec_registry *r, const char *const *paths, size_t npaths, bool replace,
                     const cbec_options *opts, cbec_error **err)
{
    name_list names = {NULL, 0};
    pack_list l = {NULL, 0};
    int st = CBEC_OK;
    for (size_t i = 0; i < npaths && !st; i++)
        st = paths[i] ? list_path(&names, paths[i], err) : CBEC_EINVAL;
    cbec_options mode;
    const cbec_options *use = opts;
    cbec_lazy_cert cert;
    bool certify = false;
    if (!st && opts && opts->lazy_load == CBEC_LAZY_AUTO) {
        mode = *opts;
        use = &mode;
        /* only a whole set can be certified: one that replaces the packs,
         * or the first that a registry gets */
        pthread_mutex_lock(&r->lock);
        bool whole_set = replace || r->snap->npacks == 0;
        pthread_mutex_unlock(&r->lock);
        bool lazy = whole_set && cbec__lazy_cert_begin(&cert, names.items, names.count, opts);
        mode.lazy_load = lazy && cbec__lazy_certified(&cert) ? CBEC_LAZY_ON : CBEC_LAZY_OFF;
        certify = lazy && mode.lazy_load == CBEC_LAZY_OFF;
        if (lazy && !certify)
            cbec__lazy_cert_end(&cert);
    }
    cbec__isocodes_batch_begin();
    if (!st)
        st = load_files(&l, names.items, names.count, use, err);
    cbec__isocodes_batch_end();
    if (!st)
        st = extend_with(r, l.items, l.count, replace, err);
    if (certify) {
        if (!st)
            cbec__lazy_certify(&cert, l.items, l.count);
        cbec__lazy_cert_end(&cert);
    }
    list_free(&l);
    names_free(&names);
    return st;
}

CBEC_API int cbec_registry_load_path(cbec_registry *r, const char *path, const cbec_options *opts,
                                     cbec_error **err)
{
    if (!r || !path)
        return CBEC_EINVAL;
    return load_into(r, &path, 1, false, opts, err);
}

CBEC_API int cbec_registry_reload(cbec_registry *r, const char *const *paths, size_t npaths,
                                  const cbec_options *opts, cbec_error **err)
{
    if (!r || (!paths && npaths))
        return CBEC_EINVAL;
    return load_into(r, paths, npaths, true, opts, err);
}

CBEC_API size_t cbec_registry_pack_count(const cbec_registry *r)
{
    if (!r)
        return 0;
    cbec_snapshot *s = cbec__registry_acquire(r);
    size_t n = s->npacks;
    cbec__snapshot_release(s);
    return n;
}

CBEC_API const cbec_pack *cbec_registry_pack(const cbec_registry *r, size_t i)
{
    if (!r)
        return NULL;
    cbec_snapshot *s = cbec__registry_acquire(r);
    const cbec_pack *p = i < s->npacks ? s->packs[i] : NULL;
    if (p) {
        /* a head (CBEC_OPT_LAZY_LOAD) compiles now; one that does not
         * compile is given as it loaded, without a digest */
        const char *why;
        int st;
        const cbec_pack *w = cbec__pack_whole(p, &why, &st);
        if (w)
            p = w;
    }
    cbec__snapshot_release(s); /* the registry keeps the pack until its next change */
    return p;
}

/* ---- choosing the etype for a message ---- */

bool cbec__snapshot_has_type(const cbec_snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->ntypes; i++)
        if (strcmp(s->types[i]->name, name) == 0)
            return true;
    return false;
}

/* The date a candidate is chosen for: the caller's, else the message's
 * date field the pack names (its first ten characters), else today. */
static void date_for(const cbec_etype *t, const cbec_pick *pick, char out[11])
{
    if (pick->date && *pick->date) {
        memcpy(out, pick->date, 11);
        return;
    }
    if (t->date_segs && pick->doc && pick->doc->root) {
        const cbec_node *n = pick->doc->root;
        for (size_t i = 0; i < t->date_nsegs && n; i++)
            n = cbec__node_member(n, t->date_segs[i].name, t->date_segs[i].len);
        if (n && n->kind == CBEC_NODE_STRING && n->len >= 10 && cbec__is_date(n->text, 10)) {
            memcpy(out, n->text, 10);
            out[10] = '\0';
            return;
        }
    }
    cbec__today_utc(out);
}

static bool in_force(const cbec_pack *p, const char *date)
{
    return (!*p->eff_from || strcmp(p->eff_from, date) <= 0) && (!*p->eff_to || strcmp(date, p->eff_to) <= 0);
}

int cbec__snapshot_pick(const cbec_snapshot *s, cbec_pick *pick, const cbec_etype **out)
{
    *out = NULL;
    const char *name = pick->type;
    size_t id = SIZE_MAX;
    if (!name) {
        /* detection: every etype that recognises the message votes for its name */
        const cbec_etype *found = NULL, *other = NULL;
        int f = pick->doc->format;
        for (size_t i = 0; i < s->ndetecting[f]; i++) {
            const cbec_etype *t = s->detecting[f][i];
            const cbec_format_spec *fs = &t->formats[f];
            if (!fs->detect_match(fs->detect, pick->doc))
                continue;
            if (!found)
                found = t;
            else if (found->name_id != t->name_id)
                other = t;
        }
        if (!found) {
            snprintf(pick->reason_en, sizeof pick->reason_en,
                     "the message type could not be determined from the message; name the type");
            snprintf(pick->reason_zh, sizeof pick->reason_zh, "无法从报文判断报文类型，请指定类型");
            return CBEC_ENOTFOUND;
        }
        if (other) {
            snprintf(pick->reason_en, sizeof pick->reason_en,
                     "the message matches more than one message type (%s, %s); name the type", found->name,
                     other->name);
            snprintf(pick->reason_zh, sizeof pick->reason_zh, "报文匹配多个报文类型（%s、%s），请指定类型", found->name,
                     other->name);
            return CBEC_EAMBIGUOUS;
        }
        name = found->name;
        id = found->name_id;
    } else {
        for (size_t i = 0; i < s->ntypes && id == SIZE_MAX; i++)
            if (strcmp(s->types[i]->name, name) == 0)
                id = s->types[i]->name_id;
    }
    pick->type_known = true;
    const cbec_etype *chosen = NULL, *second = NULL;
    size_t candidates = 0;
    char date[11] = "";
    for (size_t i = 0; i < s->ntypes; i++) {
        const cbec_etype *t = s->types[i];
        if (t->name_id != id || !(pick->allow_inactive ? t->selectable : t->selectable_active))
            continue;
        if (!pick->allow_inactive && strcmp(t->pack->status, "active") != 0)
            continue;
        candidates++;
        char d[11];
        date_for(t, pick, d);
        memcpy(date, d, 11);
        if (!in_force(t->pack, d))
            continue;
        if (!chosen) {
            chosen = t;
            memcpy(pick->used_date, d, 11);
        } else if (!second) {
            second = t;
        }
    }
    if (!candidates) {
        snprintf(pick->reason_en, sizeof pick->reason_en, "no active pack defines message type %s", name);
        snprintf(pick->reason_zh, sizeof pick->reason_zh, "没有现行有效的规则包定义报文类型 %s", name);
        return CBEC_ENOTFOUND;
    }
    if (!chosen) {
        snprintf(pick->reason_en, sizeof pick->reason_en, "no pack for message type %s is in force on %s", name, date);
        snprintf(pick->reason_zh, sizeof pick->reason_zh, "%s 没有适用于报文类型 %s 的有效规则包", date, name);
        return CBEC_ENOTFOUND;
    }
    if (second) {
        snprintf(pick->reason_en, sizeof pick->reason_en, "packs %s and %s both apply to message type %s on %s",
                 chosen->pack->label, second->pack->label, name, pick->used_date);
        snprintf(pick->reason_zh, sizeof pick->reason_zh, "规则包 %s 与 %s 在 %s 同时适用于报文类型 %s",
                 chosen->pack->label, second->pack->label, pick->used_date, name);
        return CBEC_EAMBIGUOUS;
    }
    *out = chosen;
    return CBEC_OK;
}
