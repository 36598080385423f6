/* lazy.c - loading packs lazily (CBEC_OPT_LAZY_LOAD).
 *
 * A pack loads as its head: a pack made from the file's metadata and, of
 * each message type, what detection and the choice of version read (its
 * title, effectiveDate, and the "detect", "root" or "definition" of each
 * format section).  Heads link like packs, so a snapshot of heads checks
 * bases, cycles and overlapping versions at load and picks the message
 * type of a message as a snapshot of whole packs would.  Heads are kept in
 * the cache between processes by the identity of their file.
 *
 * When a message's type is picked, the packs it needs (those that name it
 * and the packs they extend) are read again and compiled as slices: cut
 * down to that type and the message's format.  Their snapshot is linked
 * once per type and format and kept with the snapshot of heads.  A slice
 * has no digest of its own: the digest is the whole pack's, compiled from
 * its file when first asked for. */
#define _DEFAULT_SOURCE
#include "pack/registry.h"
#include "pack/isocodes.h"
#include "core/cache.h"
#include "rules/edidef.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- heads ---- */

/* The separator (unless *first) and the member name key: what a member
 * of an object being written starts with. */
static void start_member(cbec_buf *b, const char *key, size_t len, bool *first)
{
    if (!*first)
        cbec__buf_addc(b, ',');
    *first = false;
    cbec__buf_addc(b, '"');
    cbec__buf_add_json_escaped(b, key, len);
    cbec__buf_adds(b, "\":");
}

static void add_member(cbec_buf *b, const cbec_node *m, bool *first)
{
    start_member(b, m->key, m->keylen, first);
    cbec__node_canonical(m, b);
}

static bool key_in(const cbec_node *m, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cbec__streq(m->key, m->keylen, keys[i]))
            return true;
    return false;
}

/* A format section cut down to what detection reads.  An EDI form without
 * "detect" is told by the head of its definition file: the "definition"
 * stays, or with fs (the section compiled from it) becomes the "detect"
 * the definition gives, so that the head reads no file. */
static void add_section(cbec_buf *b, const cbec_node *sec, const cbec_format_spec *fs)
{
    if (sec->kind != CBEC_NODE_OBJECT) {
        cbec__node_canonical(sec, b); /* wrong: the whole pack says how */
        return;
    }
    static const char *const keep[] = {"detect", "root"};
    bool first = true, detect = cbec__node_member(sec, "detect", 6) != NULL;
    cbec__buf_addc(b, '{');
    for (uint32_t i = 0; i < sec->count; i++) {
        const cbec_node *m = &sec->children[i];
        if (key_in(m, keep, CBEC_ARRAY_LEN(keep))) {
            add_member(b, m, &first);
        } else if (!detect && cbec__streq(m->key, m->keylen, "definition")) {
            if (!fs || !fs->present) {
                add_member(b, m, &first);
                continue;
            }
            start_member(b, "detect", 6, &first);
            if (!cbec__edi_detect_json(fs, b))
                b->oom = true; /* not an EDI section: no head is kept */
        }
    }
    cbec__buf_addc(b, '}');
}

/* A message type cut down to what detection and the choice of version
 * read; ct is its type in a head compiled before (NULL: none). */
static void add_type(cbec_buf *b, const cbec_node *type, const cbec_msgtype *ct)
{
    static const char *const keep[] = {"title", "effectiveDate"};
    if (type->kind != CBEC_NODE_OBJECT) {
        cbec__node_canonical(type, b); /* wrong: the whole pack says how */
        return;
    }
    bool first = true;
    cbec__buf_addc(b, '{');
    for (uint32_t k = 0; k < type->count; k++) {
        const cbec_node *m = &type->children[k];
        const cbec_section_kind *sk;
        if (key_in(m, keep, CBEC_ARRAY_LEN(keep))) {
            add_member(b, m, &first);
        } else if ((sk = cbec__section_kind_find(m->key, m->keylen))) {
            start_member(b, m->key, m->keylen, &first);
            add_section(b, m, ct ? &ct->formats[sk->format] : NULL);
        }
    }
    cbec__buf_addc(b, '}');
}

/* The text of the head of the pack whose document is root; with compiled
 * (a head compiled from it), EDI forms are told by "detect" alone. */
static void head_text(const cbec_node *root, const cbec_pack *compiled, cbec_buf *b)
{
    static const char *const meta[] = {"$schema", "cbecstd_pack", "id", "version", "status", "effective",
                                       "module", "title", "refs", "extends"};
    bool first = true;
    cbec__buf_addc(b, '{');
    for (uint32_t i = 0; i < root->count; i++) {
        const cbec_node *m = &root->children[i];
        if (key_in(m, meta, CBEC_ARRAY_LEN(meta))) {
            add_member(b, m, &first);
            continue;
        }
        if (!cbec__streq(m->key, m->keylen, "messages"))
            continue;
        if (m->kind != CBEC_NODE_OBJECT) {
            add_member(b, m, &first);
            continue;
        }
        start_member(b, m->key, m->keylen, &first);
        bool tfirst = true;
        cbec__buf_addc(b, '{');
        for (uint32_t t = 0; t < m->count; t++) {
            const cbec_node *type = &m->children[t];
            const cbec_msgtype *ct = NULL;
            if (compiled) {
                char *name = cbec__strndup(type->key, type->keylen);
                if (!name || !(ct = cbec__pack_type(compiled, name)))
                    b->oom = true; /* a head without this type: no text is kept */
                free(name);
            }
            start_member(b, type->key, type->keylen, &tfirst);
            add_type(b, type, ct);
        }
        cbec__buf_addc(b, '}');
    }
    cbec__buf_addc(b, '}');
}


/* The head compiled from its text (head_text) for the pack file at path;
 * false when it does not compile. */
static bool head_from_text(const char *path, const char *text, size_t len, const cbec_options *opts,
                           cbec_pack **out)
{
    *out = NULL;
    char *dir = cbec__dir_of(path);
    cbec_options *hopts = cbec__options_copy(opts);
    bool ok = false;
    if (dir && hopts) {
        /* a head never compiles what it does not hold, and has no digest to pin */
        cbec_options h = *hopts;
        h.defer_compile = true;
        h.npins = 0;
        h.lazy_load = false;
        h.no_digest = true;
        ok = cbec_pack_load_buffer(out, text, len, path, dir, &h, NULL) == CBEC_OK;
    }
    if (ok) {
        /* the head's own digest would be of the cut-down text: it has none */
        (*out)->digest[0] = '\0';
        hopts->lazy_load = false;
        hopts->defer_compile = true; /* XSDs and EDI definitions too wait for a message */
        (*out)->head_opts = hopts;
        hopts = NULL;
    }
    cbec_options_free(hopts);
    free(dir);
    return ok;
}

/* The definition files the EDI forms of a head read (forms without
 * "detect"), as paths, into b: one per line. */
static void definition_files(const cbec_node *root, const char *dir, cbec_buf *b)
{
    const cbec_node *m = cbec__node_member(root, "messages", 8);
    for (uint32_t t = 0; m && m->kind == CBEC_NODE_OBJECT && t < m->count; t++) {
        const cbec_node *type = &m->children[t];
        for (uint32_t k = 0; type->kind == CBEC_NODE_OBJECT && k < type->count; k++) {
            const cbec_node *sec = &type->children[k];
            if ((!cbec__streq(sec->key, sec->keylen, "edifact") && !cbec__streq(sec->key, sec->keylen, "x12")) ||
                sec->kind != CBEC_NODE_OBJECT || cbec__node_member(sec, "detect", 6))
                continue;
            const cbec_node *def = cbec__node_member(sec, "definition", 10);
            if (def && def->kind == CBEC_NODE_STRING)
                cbec__buf_addf(b, "%s/%.*s\n", dir, (int)def->len, def->text);
        }
    }
}

/* Heads are kept in the cache between processes (CBEC_OPT_CACHE_DIR), so
 * that a process reads a few hundred bytes of head instead of every pack
 * file and the EDI definitions its forms are told by: "packdeps" by the
 * pack file gives those definition files, "packhead" by the pack file and
 * them gives the head's text. */
#define HEAD_FORMAT 2

/* The files of a head's cache entry: the pack file, then the definition
 * files listed in deps (one per line; the list is cut into paths), with
 * their identities from index from on; false when one cannot be
 * identified or there are too many. */
static bool head_files(const char *path, char *deps, size_t from, const char **paths, cbec_file_id *ids, size_t cap,
                       size_t *n)
{
    paths[0] = path;
    *n = 1;
    for (char *p = deps, *nl; p && *p; p = nl + 1) {
        if (!(nl = strchr(p, '\n')) || *n == cap)
            return false;
        *nl = '\0';
        paths[(*n)++] = p;
    }
    for (size_t i = from; i < *n; i++)
        if (!cbec__file_id(paths[i], &ids[i]))
            return false;
    return true;
}

#define HEAD_FILES_MAX 64

/* The head of path from the cache, when its files are as they were. */
static bool cached_head(const char *cache, const char *path, const cbec_options *opts, cbec_pack **out)
{
    cbec_file_id fid[HEAD_FILES_MAX];
    const char *paths[HEAD_FILES_MAX];
    void *deps, *text;
    size_t dlen, tlen, n;
    if (!cbec__file_id(path, &fid[0]) || !cbec__cache_get(cache, "packdeps", HEAD_FORMAT, &path, fid, 1, &deps, &dlen))
        return false;
    char *list = malloc(dlen + 1);
    bool ok = false;
    if (list) {
        memcpy(list, deps, dlen);
        list[dlen] = '\0';
        if (strlen(list) == dlen && head_files(path, list, 1, paths, fid, HEAD_FILES_MAX, &n) &&
            cbec__cache_get(cache, "packhead", HEAD_FORMAT, paths, fid, n, &text, &tlen)) {
            ok = head_from_text(path, text, tlen, opts, out);
            free(text);
        }
    }
    free(list);
    free(deps);
    return ok;
}

int cbec__pack_head_buffer(const char *data, size_t len, const char *name, const cbec_options *opts,
                           cbec_pack **out)
{
    *out = NULL;
    cbec_json_reader *rd = cbec__json_reader_new(512);
    cbec_options *h = cbec__options_copy(opts);
    int st = rd && h ? CBEC_OK : CBEC_ENOMEM;
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_error re;
    bool oom;
    cbec_read_limits lim = {len + 1, 512, 0};
    if (!st && !cbec__json_read_message(rd, data, len, &lim, &arena, &doc, &re, &oom))
        st = CBEC_EPACK;
    else if (!st) {
        cbec_buf b;
        cbec__buf_init(&b);
        head_text(doc.root, NULL, &b);
        h->defer_compile = true;
        h->npins = 0;
        h->no_digest = true;
        h->lazy_load = false;
        st = b.oom ? CBEC_ENOMEM : cbec_pack_load_buffer(out, (const char *)b.data, b.len, name, NULL, h, NULL);
        cbec__buf_free(&b);
        cbec__json_release(rd, &doc);
    }
    cbec__arena_free(&arena);
    cbec_options_free(h);
    cbec__json_reader_free(rd);
    return st;
}

static atomic_size_t head_builds;

size_t cbec__lazy_head_builds(void) { return atomic_load(&head_builds); }

int cbec__pack_load_head(const char *path, const cbec_options *opts, cbec_pack **out, cbec_error **err)
{
    *out = NULL;
    const char *cache = opts && opts->cache_dir && *opts->cache_dir ? opts->cache_dir : NULL;
    if (cache && cached_head(cache, path, opts, out))
        return CBEC_OK;
    atomic_fetch_add(&head_builds, 1);
    /* identities before bytes: a file changed in between is stored under
     * its old identity, which no later load finds */
    cbec_file_id fid[HEAD_FILES_MAX];
    bool identified = cache && cbec__file_id(path, &fid[0]);
    char *data;
    size_t len;
    int st = cbec__read_file(path, 64u << 20, &data, &len, err);
    if (st)
        return st;
    cbec_json_reader *rd = cbec__json_reader_new(512);
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_error re;
    bool oom, ok = false;
    cbec_read_limits lim = {len + 1, 512, 0};
    if (rd && cbec__json_read_message(rd, data, len, &lim, &arena, &doc, &re, &oom)) {
        cbec_buf b, deps, kept;
        cbec__buf_init(&b);
        cbec__buf_init(&deps);
        cbec__buf_init(&kept);
        char *dir = cbec__dir_of(path);
        const char *paths[HEAD_FILES_MAX];
        size_t n = 0;
        if (identified && dir) {
            definition_files(doc.root, dir, &deps);
            /* head_files cuts the list into paths: the entry keeps a copy */
            cbec__buf_add(&kept, deps.len ? (const char *)deps.data : "", deps.len);
            cbec__buf_addc(&deps, '\0');
            identified = !deps.oom && !kept.oom &&
                         head_files(path, (char *)deps.data, 1, paths, fid, HEAD_FILES_MAX, &n);
        }
        head_text(doc.root, NULL, &b);
        ok = !b.oom && head_from_text(path, (const char *)b.data, b.len, opts, out);
        if (ok && identified) {
            cbec__buf_reset(&b);
            head_text(doc.root, *out, &b);
            if (!b.oom) {
                cbec__cache_put(cache, "packdeps", HEAD_FORMAT, &path, fid, 1, kept.data ? kept.data : "", kept.len);
                cbec__cache_put(cache, "packhead", HEAD_FORMAT, paths, fid, n, b.data, b.len);
            }
        }
        free(dir);
        cbec__buf_free(&b);
        cbec__buf_free(&deps);
        cbec__buf_free(&kept);
        cbec__json_release(rd, &doc);
    }
    cbec__arena_free(&arena);
    cbec__json_reader_free(rd);
    free(data);
    if (ok)
        return CBEC_OK;
    /* the whole pack reports the error where it is in the file */
    cbec_options *whole = cbec__options_copy(opts);
    if (!whole)
        return CBEC_ENOMEM;
    whole->lazy_load = false;
    st = cbec_pack_load_file(out, path, whole, err);
    cbec_options_free(whole);
    return st;
}

/* A head's whole pack is compiled by the first thread that needs it, the
 * others wait for it; several heads compile at once. */
static pthread_mutex_t whole_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t whole_done = PTHREAD_COND_INITIALIZER;

const cbec_pack *cbec__pack_whole(const cbec_pack *p, const char **why, int *status)
{
    *why = NULL;
    *status = CBEC_OK;
    if (!p->head_opts)
        return p;
    cbec_pack *h = (cbec_pack *)p; /* the compiled pack is the head's own cache */
    cbec_pack *w = atomic_load_explicit(&h->whole, memory_order_acquire);
    if (w)
        return w;
    pthread_mutex_lock(&whole_lock);
    while (h->whole_state == 1)
        pthread_cond_wait(&whole_done, &whole_lock);
    if (h->whole_state == 0) {
        h->whole_state = 1;
        pthread_mutex_unlock(&whole_lock);
        cbec_error *e = NULL;
        int st = cbec_pack_load_file(&w, h->file, h->head_opts, &e);
        if (!st && strcmp(w->label, h->label) != 0) {
            st = cbec__error_set(&e, CBEC_EPACK, h->file, NULL, 0, 0,
                                 "%s: the file holds pack %s now, not %s as when it was loaded", h->file,
                                 w->label, h->label);
            cbec_pack_free(w);
            w = NULL;
        }
        char *msg = st ? cbec__strdup(e ? cbec_error_message(e) : cbec_strerror(st)) : NULL;
        cbec_error_free(e);
        pthread_mutex_lock(&whole_lock);
        h->whole_status = st;
        h->whole_error = msg;
        if (w)
            atomic_store_explicit(&h->whole, w, memory_order_release);
        h->whole_state = 2;
        pthread_cond_broadcast(&whole_done);
    }
    w = atomic_load_explicit(&h->whole, memory_order_relaxed);
    if (!w) {
        *status = h->whole_status ? h->whole_status : CBEC_ENOMEM;
        *why = h->whole_error ? h->whole_error : "out of memory";
    }
    pthread_mutex_unlock(&whole_lock);
    return w;
}

/* ---- slices: a pack cut down to one message type in one format ---- */

/* One pack of a chain: a slice of a head's file, else a whole pack. */
typedef struct slice_task {
    const cbec_pack *pack;   /* the head, or a whole pack */
    bool slice;              /* pack is a head to slice */
    cbec_pack *made;         /* the slice, with a reference */
    const cbec_pack *use;    /* what the chain links */
    int status;
    char *why;
} slice_task;

/* The slice of t->pack for message type name in format (compiled from the
 * pack file as it is now, which must still hold the same id and version),
 * or the pack itself when it is not a head. */
static void slice_one(slice_task *t, const char *name, int format)
{
    const cbec_pack *h = t->pack;
    if (!t->slice) {
        const char *why;
        t->use = cbec__pack_whole(h, &why, &t->status);
        if (!t->use)
            t->why = cbec__strdup(why);
        return;
    }
    cbec_options o = *h->head_opts;
    o.npins = 0; /* no digest of its own: the whole pack's is given (cbec__pack_digest) */
    o.no_digest = true;
    o.lazy_load = false;
    o.defer_compile = true;
    o.slice_type = name;
    o.slice_format = format;
    cbec_error *e = NULL;
    cbec_pack *p = NULL;
    t->status = cbec_pack_load_file(&p, h->file, &o, &e);
    if (!t->status && strcmp(p->label, h->label) != 0)
        t->status = cbec__error_set(&e, CBEC_EPACK, h->file, NULL, 0, 0,
                                    "%s: the file holds pack %s now, not %s as when it was loaded", h->file, p->label,
                                    h->label);
    if (t->status) {
        t->why = cbec__strdup(e ? cbec_error_message(e) : cbec_strerror(t->status));
        cbec_pack_free(p);
    } else {
        p->digest[0] = '\0';
        p->head = cbec_pack_ref((cbec_pack *)h);
        t->made = p;
        t->use = p;
    }
    cbec_error_free(e);
}

/* Whether the options pin a digest for pack p: then p compiles whole, so
 * that the pin is checked before any message relies on it. */
static bool pinned(const cbec_pack *p)
{
    for (size_t i = 0; i < p->head_opts->npins; i++)
        if (strcmp(p->head_opts->pins[i].label, p->label) == 0)
            return true;
    return false;
}

/* ---- the snapshots of the packs a type needs ---- */

typedef struct chain {
    char *name;
    int format;
    cbec_snapshot *snap;  /* NULL when it could not be made */
    int status;
    char *error;
} chain;

struct cbec_lazy {
    pthread_mutex_t lock;
    chain *chains;
    size_t nchains;
};

cbec_lazy *cbec__lazy_new(void)
{
    cbec_lazy *z = cbec__calloc(1, sizeof *z);
    if (z && pthread_mutex_init(&z->lock, NULL) != 0) {
        free(z);
        z = NULL;
    }
    return z;
}

void cbec__lazy_free(cbec_lazy *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->nchains; i++) {
        free(z->chains[i].name);
        cbec__snapshot_release(z->chains[i].snap);
        free(z->chains[i].error);
    }
    free(z->chains);
    pthread_mutex_destroy(&z->lock);
    free(z);
}

/* Mark pack i of s and, transitively, the packs it extends. */
static void mark(const cbec_snapshot *s, size_t i, bool *need, int depth)
{
    if (need[i] || depth > 16)
        return;
    need[i] = true;
    const cbec_pack *p = s->packs[i];
    for (size_t e = 0; e < p->nextends; e++) {
        size_t b = cbec__resolve_base(s->packs, s->npacks, i, &p->extends[e]);
        if (b != SIZE_MAX)
            mark(s, b, need, depth + 1);
    }
}

/* The packs message type c->name in format c->format needs, sliced and
 * linked (under the lazy lock). */
static void make_chain(const cbec_snapshot *s, chain *c)
{
    size_t n = 0, cap = s->npacks ? s->npacks : 1;
    bool *need = cbec__calloc(cap, sizeof *need);
    slice_task *tasks = cbec__calloc(cap, sizeof *tasks);
    cbec_pack **packs = cbec__calloc(cap, sizeof *packs);
    if (!need || !tasks || !packs) {
        c->status = CBEC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < s->npacks; i++)
        if (cbec__pack_type(s->packs[i], c->name))
            mark(s, i, need, 0);
    /* on this thread: one pack of a chain (the one that names the type
     * with most of its rules) holds nearly all the work, and a thread
     * costs more than the rest would save */
    cbec__isocodes_batch_begin();
    for (size_t i = 0; i < s->npacks && !c->status; i++) {
        if (!need[i])
            continue;
        slice_task *t = &tasks[n++];
        t->pack = s->packs[i];
        t->slice = t->pack->head_opts && !atomic_load(&t->pack->whole) && !pinned(t->pack);
        slice_one(t, c->name, c->format);
        if (t->status) {
            c->status = t->status;
            c->error = t->why;
            t->why = NULL;
        }
        packs[n - 1] = (cbec_pack *)t->use;
    }
    cbec__isocodes_batch_end();
    if (!c->status) {
        cbec_error *e = NULL;
        c->status = cbec__snapshot_build(packs, n, &c->snap, &e);
        if (c->status)
            c->error = cbec__strdup(e ? cbec_error_message(e) : cbec_strerror(c->status));
        cbec_error_free(e);
    }
out:
    for (size_t k = 0; tasks && k < n; k++) {
        free(tasks[k].why);
        cbec_pack_free(tasks[k].made); /* the snapshot holds its own reference */
    }
    free(need);
    free(tasks);
    free(packs);
}

const char *cbec__pack_digest(const cbec_pack *p)
{
    if (!p->head)
        return p->digest;
    const char *why;
    int st;
    const cbec_pack *w = cbec__pack_whole(p->head, &why, &st);
    return w ? w->digest : "";
}

int cbec__snapshot_pick_compiled(const cbec_snapshot *s, cbec_pick *pick, const cbec_etype **out,
                                 cbec_snapshot **whole)
{
    *whole = NULL;
    int st = cbec__snapshot_pick(s, pick, out);
    if (st || !s->lazy)
        return st;
    const char *name = (*out)->name;
    int format = pick->doc ? pick->doc->format : CBEC_FORMAT_JSON;
    if (format <= CBEC_FORMAT_AUTO || format >= CBEC_NFORMATS)
        format = CBEC_FORMAT_JSON;
    *out = NULL;
    cbec_lazy *z = s->lazy;
    pthread_mutex_lock(&z->lock);
    chain *c = NULL;
    for (size_t i = 0; i < z->nchains && !c; i++)
        if (z->chains[i].format == format && strcmp(z->chains[i].name, name) == 0)
            c = &z->chains[i];
    if (!c) {
        chain *grown = realloc(z->chains, (z->nchains + 1) * sizeof *grown);
        char *copy = cbec__strdup(name);
        if (!grown || !copy) {
            if (grown)
                z->chains = grown;
            free(copy);
            pthread_mutex_unlock(&z->lock);
            return CBEC_ENOMEM;
        }
        z->chains = grown;
        c = &z->chains[z->nchains++];
        memset(c, 0, sizeof *c);
        c->name = copy;
        c->format = format;
        make_chain(s, c);
    }
    cbec_snapshot *snap = c->snap;
    if (snap)
        atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
    st = c->status;
    if (st == CBEC_ENOMEM && !c->error) {
        pthread_mutex_unlock(&z->lock);
        return CBEC_ENOMEM;
    }
    if (st) {
        snprintf(pick->reason_en, sizeof pick->reason_en, "the packs of message type %s do not compile: %s",
                 name, c->error ? c->error : cbec_strerror(st));
        snprintf(pick->reason_zh, sizeof pick->reason_zh, "报文类型 %s 的规则包无法编译：%s", name,
                 c->error ? c->error : cbec_strerror(st));
    }
    pthread_mutex_unlock(&z->lock);
    if (st)
        return CBEC_EPACK;
    /* the same choice among the whole packs, by name */
    cbec_pick again = *pick;
    again.type = name;
    st = cbec__snapshot_pick(snap, &again, out);
    memcpy(pick->used_date, again.used_date, sizeof pick->used_date);
    memcpy(pick->reason_en, again.reason_en, sizeof pick->reason_en);
    memcpy(pick->reason_zh, again.reason_zh, sizeof pick->reason_zh);
    if (st) {
        cbec__snapshot_release(snap);
        *out = NULL;
        return st;
    }
    *whole = snap;
    return CBEC_OK;
}

/* ---- the certificate of a set of pack files (CBEC_LAZY_AUTO) ----
 *
 * A process that loads a set of pack files whole, without an error, keeps
 * in the cache between processes the list of every file their compile read
 * (schemas, XSDs, definitions, code tables, iso-codes tables), and a
 * certificate found by the identities of the pack files and of those
 * files.  A process that finds the certificate for the same files loads
 * them lazily: every error a whole load could give was ruled out by the
 * load that wrote it, so the messages get the same findings and nothing
 * is missed.  Options that change what a compile does are part of the key. */

#define CERT_FORMAT 1

/* The options that change what a compile does, as text. */
static char *options_tag(const cbec_options *o)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_addf(&b, "iso=%s\ndraft=%d\nformat=%d\ninactive=%d\ndefer=%d\n", cbec__isocodes_dir(o),
                   o->schema_draft, o->schema_format_assert, o->allow_inactive, o->defer_compile);
    for (size_t i = 0; i < o->npins; i++)
        cbec__buf_addf(&b, "pin=%s %s\n", o->pins[i].label, o->pins[i].digest);
    char *s = b.oom ? NULL : cbec__strdup(cbec__buf_cstr(&b));
    cbec__buf_free(&b);
    return s;
}

bool cbec__lazy_cert_begin(cbec_lazy_cert *c, char *const *names, size_t n, const cbec_options *opts)
{
    memset(c, 0, sizeof *c);
    /* schemas may read files under resource directories, which the list
     * does not follow: such loads are whole every time */
    if (!opts->cache_dir || !*opts->cache_dir || !n || opts->nresources)
        return false;
    c->opts = opts;
    c->names = names;
    c->n = n;
    c->ids = cbec__calloc(n, sizeof *c->ids);
    c->tag = options_tag(opts);
    bool ok = c->ids && c->tag;
    for (size_t i = 0; ok && i < n; i++)
        ok = cbec__file_id(names[i], &c->ids[i]);
    if (!ok)
        cbec__lazy_cert_end(c);
    return ok;
}

void cbec__lazy_cert_end(cbec_lazy_cert *c)
{
    free(c->ids);
    free(c->tag);
    memset(c, 0, sizeof *c);
}

/* The pack files then the files of deps (one per line, cut into paths),
 * with the identities of the latter taken now; false when one has none. */
static bool cert_files(const cbec_lazy_cert *c, char *deps, const char ***paths, cbec_file_id **ids, size_t *n)
{
    size_t m = 0;
    for (const char *p = deps; *p; p++)
        m += *p == '\n';
    *paths = cbec__calloc(c->n + m, sizeof **paths);
    *ids = cbec__calloc(c->n + m, sizeof **ids);
    if (!*paths || !*ids)
        return false;
    for (size_t i = 0; i < c->n; i++) {
        (*paths)[i] = c->names[i];
        (*ids)[i] = c->ids[i];
    }
    *n = c->n;
    for (char *p = deps, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        *nl = '\0';
        (*paths)[*n] = p;
        if (!cbec__file_id(p, &(*ids)[(*n)++]))
            return false;
    }
    return true;
}

bool cbec__lazy_certified(cbec_lazy_cert *c)
{
    void *data, *ok;
    size_t len, oklen;
    if (!cbec__cache_get_tagged(c->opts->cache_dir, "packset", CERT_FORMAT, c->tag, (const char *const *)c->names,
                                c->ids, c->n, &data, &len))
        return false;
    char *deps = malloc(len + 1);
    const char **paths = NULL;
    cbec_file_id *ids = NULL;
    size_t n = 0;
    bool certified = false;
    if (deps) {
        memcpy(deps, data, len);
        deps[len] = '\0';
        certified = strlen(deps) == len && (!len || deps[len - 1] == '\n') && cert_files(c, deps, &paths, &ids, &n) &&
                    cbec__cache_get_tagged(c->opts->cache_dir, "packsetok", CERT_FORMAT, c->tag, paths, ids, n, &ok,
                                           &oklen);
        if (certified) {
            certified = oklen == 2 && memcmp(ok, "ok", 2) == 0;
            free(ok);
        }
    }
    free(paths);
    free(ids);
    free(deps);
    free(data);
    return certified;
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void cbec__lazy_certify(cbec_lazy_cert *c, cbec_pack *const *packs, size_t npacks)
{
    /* every file the packs read, once each, in order */
    size_t total = 0;
    for (size_t i = 0; i < npacks; i++) {
        if (packs[i]->head_opts)
            return; /* not whole packs */
        total += packs[i]->ndeps;
    }
    char **all = cbec__calloc(total ? total : 1, sizeof *all);
    if (!all)
        return;
    size_t k = 0;
    for (size_t i = 0; i < npacks; i++)
        for (size_t j = 0; j < packs[i]->ndeps; j++)
            all[k++] = packs[i]->deps[j];
    qsort(all, k, sizeof *all, str_cmp);
    cbec_buf b;
    cbec__buf_init(&b);
    for (size_t i = 0; i < k; i++)
        if (!i || strcmp(all[i], all[i - 1]) != 0) {
            if (strchr(all[i], '\n'))
                b.oom = true; /* a path that cannot be listed: no certificate */
            cbec__buf_addf(&b, "%s\n", all[i]);
        }
    free(all);
    char *list = b.oom ? NULL : cbec__strdup(b.len ? cbec__buf_cstr(&b) : "");
    const char **paths = NULL;
    cbec_file_id *ids = NULL;
    size_t n = 0;
    if (list && b.len == strlen(list) && cert_files(c, list, &paths, &ids, &n)) {
        /* the list by the pack files, the certificate by them and it; the
         * cache stores neither while a file is settling */
        cbec__cache_put_tagged(c->opts->cache_dir, "packset", CERT_FORMAT, c->tag, (const char *const *)c->names,
                               c->ids, c->n, b.data ? (const char *)b.data : "", b.len);
        cbec__cache_put_tagged(c->opts->cache_dir, "packsetok", CERT_FORMAT, c->tag, paths, ids, n, "ok", 2);
    }
    free(paths);
    free(ids);
    free(list);
    cbec__buf_free(&b);
}
