/* isocodes.c - iso-codes JSON files as shared, immutable tables of entries
 * and fields, and code lists made from them. */
#include "pack/isocodes.h"
#include "cbec-config.h"
#include "core/digest.h"

#include <pthread.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#define ISO_MAX_BYTES (16u << 20)
/* Tables kept for reuse: a process that reads several iso-codes
 * directories keeps the most recently used ones only, within a number and
 * a size (the tables of Debian's iso-codes take some 6 MiB in all). */
#define CACHE_MAX 16
#define CACHE_BYTES (64u << 20)
/* The quick reader gives way to the full JSON reader (and its limits and
 * messages) above this many values. */
#define FAST_MAX_VALUES 1000000u
#define FAST_MAX_ROOT_MEMBERS 16

static const char *const standards[] = {"3166-1", "3166-2", "3166-3", "4217", "639-2", "639-3", "639-5", "15924"};

struct cbec_isotable {
    cbec_isotable *next;     /* in the cache, most recently used first */
    unsigned refs;           /* handles, plus one while in the cache; under cache_lock */
    bool cached;
    uint64_t id;
    char *path;
    char *kept;              /* the names of the fields kept, space-separated; NULL: all */
    char *data;              /* the file as read: fields of the quick reader point into it */
    size_t len;
    char *pool;              /* strings copied out of the full reader's tree */
    cbec_isofield *fields;
    cbec_isoentry *entries;
    size_t count;
    size_t bytes;            /* memory held, roughly */
    bool have_digest;        /* under cache_lock */
    char digest[65];
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cbec_isotable *cache_head;
static uint64_t cache_next_id;

const char *cbec__isocodes_dir(const cbec_options *opts)
{
    if (opts && opts->iso_codes_dir && *opts->iso_codes_dir)
        return opts->iso_codes_dir;
    const char *env = getenv("CBECSTD_ISO_CODES_DIR");
    if (env && *env)
        return env;
    return CBEC_ISO_CODES_DIR;
}

/* The memory a table holds, roughly. */
static size_t table_bytes(const cbec_isotable *t)
{
    size_t n = sizeof *t + t->len + t->count * sizeof *t->entries;
    for (size_t i = 0; i < t->count; i++)
        n += t->entries[i].count * sizeof *t->fields;
    return n;
}

static void table_free(cbec_isotable *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->kept);
    free(t->data);
    free(t->pool);
    free(t->fields);
    free(t->entries);
    free(t);
}

/* ---- the quick reader ----
 *
 * iso-codes files are one object of arrays of flat objects of strings
 * without escapes.  Exactly that shape, in strictly valid UTF-8 and
 * without duplicate names, is read here in one pass, with the fields
 * pointing into the file's bytes.  Anything else (escapes, other values,
 * duplicate names, malformed text) is left to the full JSON reader, so
 * that what is accepted and every message stay those of the reader. */

typedef struct scan {
    const unsigned char *s;
    size_t n, i;
} scan;

/* The names of the fields a table keeps, split once. */
#define WANT_MAX 8
typedef struct want {
    size_t n;                /* 0: every field */
    const char *name[WANT_MAX];
    size_t len[WANT_MAX];
} want;

typedef struct build {
    const want *want;
    cbec_isofield *fields;
    size_t nfields, capf;
    cbec_isoentry *entries;
    size_t nentries, cape;
    bool oom;
} build;

/* Bytes that end the plain run of a string: the quote, a backslash, a
 * control character (NUL too: the buffer ends with one, which stops every
 * loop without a bound check), and the first byte of a multi-byte
 * character, which is checked on its own. */
static const unsigned char stop_byte[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static inline void skip_ws(scan *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i;
    for (;;) {
        unsigned char c = s[i];
        if (c > ' ')
            break;
        if (c == ' ') {
            /* pretty-printed files are mostly indentation */
            uint64_t w;
            i++;
            while (i + 8 <= sc->n && (memcpy(&w, s + i, 8), w == 0x2020202020202020ULL))
                i += 8;
            while (s[i] == ' ')
                i++;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            i++;
        } else {
            break;
        }
    }
    sc->i = i;
}

static inline bool eat(scan *sc, unsigned char c)
{
    skip_ws(sc);
    if (sc->s[sc->i] == c) {
        sc->i++;
        return true;
    }
    return false;
}

static inline bool peek(scan *sc, unsigned char c)
{
    skip_ws(sc);
    return sc->s[sc->i] == c;
}

/* A string without backslashes or control characters, in valid UTF-8 (the
 * rules of the full reader's check: no overlong forms, no surrogates,
 * nothing past U+10FFFF). */
static inline bool scan_string(scan *sc, size_t *start, size_t *len)
{
    skip_ws(sc);
    const unsigned char *s = sc->s;
    size_t n = sc->n, i = sc->i;
    if (s[i] != '"')
        return false;
    size_t from = ++i;
    for (;;) {
#ifdef __SSE2__
        /* sixteen bytes at a time while they lie inside the buffer: a
         * signed compare below ' ' takes the control characters and every
         * byte from 0x80, the same stops as stop_byte */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(' ');
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                        _mm_cmplt_epi8(v, space));
            unsigned bits = (unsigned)_mm_movemask_epi8(stop);
            if (bits) {
                i += (size_t)__builtin_ctz(bits);
                break;
            }
            i += 16;
        }
#endif
        while (!stop_byte[s[i]])
            i++;
        unsigned c = s[i];
        if (c == '"')
            break;
        if (c < 0x80)
            return false; /* a backslash, a control character, or the end */
        size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
        if (k == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
            return false;
        if (k == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90)))
            return false;
        i += k;
    }
    if (i >= n)
        return false;
    *start = from;
    *len = i - from;
    sc->i = i + 1;
    return true;
}

/* Split kept (space-separated names; NULL: every field) into w; false
 * when it names more than WANT_MAX. */
static bool want_split(const char *kept, want *w)
{
    w->n = 0;
    for (const char *k = kept; k && *k;) {
        size_t n = strcspn(k, " ");
        if (n) {
            if (w->n == WANT_MAX)
                return false;
            w->name[w->n] = k;
            w->len[w->n++] = n;
        }
        k += n;
        k += *k == ' ';
    }
    return true;
}

static inline bool wanted(const want *w, const char *key, size_t kl)
{
    if (!w->n)
        return true;
    for (size_t i = 0; i < w->n; i++)
        if (w->len[i] == kl && key[0] == w->name[i][0] && memcmp(w->name[i], key, kl) == 0)
            return true;
    return false;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 256;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

/* One element of an array: an object of strings.  keep: record it. */
static bool scan_entry(scan *sc, build *b, bool keep)
{
    if (!eat(sc, '{'))
        return false;
    size_t first = b->nfields;
    if (keep && !grow((void **)&b->entries, &b->cape, b->nentries + 1, sizeof *b->entries)) {
        b->oom = true;
        return false;
    }
    if (!eat(sc, '}')) {
        do {
            size_t ks, kl, vs, vl;
            if (!scan_string(sc, &ks, &kl) || !eat(sc, ':') || !scan_string(sc, &vs, &vl))
                return false;
            const char *key = (const char *)sc->s + ks;
            /* a field left out cannot change a kept one: where names
             * repeat, a field is the last member of its name */
            if (!keep || !wanted(b->want, key, kl))
                continue;
            if (kl > UINT32_MAX || vl > UINT32_MAX)
                return false;
            for (size_t f = first; f < b->nfields; f++)
                if (b->fields[f].keylen == kl && memcmp(b->fields[f].key, key, kl) == 0)
                    return false; /* a duplicate name: the full reader's rules apply */
            if (!grow((void **)&b->fields, &b->capf, b->nfields + 1, sizeof *b->fields)) {
                b->oom = true;
                return false;
            }
            b->fields[b->nfields++] = (cbec_isofield){key, (const char *)sc->s + vs, (uint32_t)kl, (uint32_t)vl};
        } while (eat(sc, ','));
        if (!eat(sc, '}'))
            return false;
    }
    if (keep)
        b->entries[b->nentries++] = (cbec_isoentry){NULL, (uint32_t)(b->nfields - first), (uint32_t)first};
    return b->nfields + b->nentries < FAST_MAX_VALUES;
}

static bool scan_array(scan *sc, build *b, bool keep)
{
    if (!eat(sc, '['))
        return false;
    if (eat(sc, ']'))
        return true;
    do {
        if (!scan_entry(sc, b, keep))
            return false;
    } while (eat(sc, ','));
    return eat(sc, ']');
}

/* Read the whole document (data[len] must be a NUL, as cbec__read_file
 * leaves it); *found tells whether the standard's array was there.
 * false: not the simple shape (or out of memory, b->oom). */
static bool quick_read(const char *data, size_t len, const char *standard, build *b, bool *found)
{
    scan sc = {(const unsigned char *)data, len, 0};
    size_t keys[FAST_MAX_ROOT_MEMBERS][2], nkeys = 0, stdlen = strlen(standard);
    *found = false;
    if (!eat(&sc, '{'))
        return false;
    if (!eat(&sc, '}')) {
        do {
            size_t ks, kl;
            if (nkeys == FAST_MAX_ROOT_MEMBERS || !scan_string(&sc, &ks, &kl) || !eat(&sc, ':'))
                return false;
            for (size_t k = 0; k < nkeys; k++)
                if (keys[k][1] == kl && memcmp(data + keys[k][0], data + ks, kl) == 0)
                    return false;
            keys[nkeys][0] = ks;
            keys[nkeys][1] = kl;
            nkeys++;
            bool keep = kl == stdlen && memcmp(data + ks, standard, kl) == 0;
            if (!peek(&sc, '[') || !scan_array(&sc, b, keep))
                return false;
            *found |= keep;
        } while (eat(&sc, ','));
        if (!eat(&sc, '}'))
            return false;
    }
    skip_ws(&sc);
    return sc.i == sc.n;
}

/* ---- the full reader, for every other document ----
 *
 * The one-pass reader of packs and messages (RFC 8259 exactly: a raw
 * control character in a string is an error, where json-c lets it pass). */

static int full_read(cbec_isotable *t, const char *standard, const want *keep, char *err, size_t errlen)
{
    cbec_json_reader *rd = cbec__json_reader_new(16);
    if (!rd)
        return CBEC_ENOMEM;
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_limits lim = {ISO_MAX_BYTES, 16, 10000000};
    cbec_read_error re;
    bool oom = false;
    int st = CBEC_OK;
    if (!cbec__json_read_message(rd, t->data, t->len, &lim, &arena, &doc, &re, &oom)) {
        unsigned long line = 0, col = 0;
        if (!oom && re.has_offset)
            cbec__text_position(t->data, t->len, re.offset, &line, &col);
        if (line)
            snprintf(err, errlen, "%s:%lu:%lu: %s", t->path, line, col, re.message_en);
        else if (!oom && t->len == 0)
            snprintf(err, errlen, "%s: the file is empty", t->path);
        else
            snprintf(err, errlen, "%s: %s", t->path, oom ? "out of memory" : re.message_en);
        st = oom ? CBEC_ENOMEM : CBEC_EPACK;
        goto out_reader;
    }
    const cbec_node *arr = cbec__node_member(doc.root, standard, strlen(standard));
    if (!arr || arr->kind != CBEC_NODE_ARRAY) {
        snprintf(err, errlen, "%s: no \"%s\" array", t->path, standard);
        st = CBEC_EPACK;
        goto out_doc;
    }
    size_t nfields = 0, pool = 0;
    for (uint32_t i = 0; i < arr->count; i++) {
        const cbec_node *e = &arr->children[i];
        if (e->kind != CBEC_NODE_OBJECT)
            continue;
        for (uint32_t k = 0; k < e->count; k++) {
            const cbec_node *m = &e->children[k];
            if (!wanted(keep, m->key, m->keylen))
                continue;
            nfields++;
            pool += m->keylen + 1 + (m->kind == CBEC_NODE_STRING ? m->len + 1 : 0);
        }
    }
    t->entries = cbec__calloc(arr->count ? arr->count : 1, sizeof *t->entries);
    t->fields = cbec__calloc(nfields ? nfields : 1, sizeof *t->fields);
    t->pool = malloc(pool ? pool : 1);
    if (!t->entries || !t->fields || !t->pool) {
        st = CBEC_ENOMEM;
        goto out_doc;
    }
    char *p = t->pool;
    size_t f = 0;
    for (uint32_t i = 0; i < arr->count; i++) {
        const cbec_node *e = &arr->children[i];
        cbec_isoentry *ent = &t->entries[i];
        ent->fields = &t->fields[f];
        ent->first = (uint32_t)f;
        if (e->kind != CBEC_NODE_OBJECT)
            continue;
        for (uint32_t k = 0; k < e->count; k++) {
            const cbec_node *m = &e->children[k];
            if (!wanted(keep, m->key, m->keylen))
                continue;
            cbec_isofield *fd = &t->fields[f++];
            memcpy(p, m->key, m->keylen);
            p[m->keylen] = '\0';
            fd->key = p;
            fd->keylen = m->keylen;
            p += m->keylen + 1;
            if (m->kind == CBEC_NODE_STRING) {
                memcpy(p, m->text, m->len);
                p[m->len] = '\0';
                fd->text = p;
                fd->len = m->len;
                p += m->len + 1;
            }
        }
        ent->count = (uint32_t)(f - ent->first);
    }
    t->count = arr->count;
out_doc:
    cbec__json_release(rd, &doc);
out_reader:
    cbec__arena_free(&arena);
    cbec__json_reader_free(rd);
    return st;
}

/* Convert t->data into entries and fields. */
static int table_read(cbec_isotable *t, const char *standard, char *err, size_t errlen)
{
    want keep;
    if (!want_split(t->kept, &keep)) {
        snprintf(err, errlen, "%s: too many fields asked for", t->path);
        return CBEC_EINVAL;
    }
    build b = {.want = &keep};
    bool found;
    if (quick_read(t->data, t->len, standard, &b, &found)) {
        if (!found) {
            free(b.fields);
            free(b.entries);
            snprintf(err, errlen, "%s: no \"%s\" array", t->path, standard);
            return CBEC_EPACK;
        }
        t->fields = b.fields;
        t->entries = b.entries;
        t->count = b.nentries;
        for (size_t i = 0; i < t->count; i++)
            t->entries[i].fields = t->fields + t->entries[i].first;
        return CBEC_OK;
    }
    free(b.fields);
    free(b.entries);
    if (b.oom)
        return CBEC_ENOMEM;
    return full_read(t, standard, &keep, err, errlen);
}

/* ---- the shared tables ---- */

/* Drop one reference; the caller holds cache_lock.  Returns the table when
 * it is to be freed (after the lock is released). */
static cbec_isotable *unref_locked(cbec_isotable *t)
{
    return --t->refs == 0 ? t : NULL;
}

static void uncache_locked(cbec_isotable *t, cbec_isotable **dead, size_t *ndead)
{
    for (cbec_isotable **pp = &cache_head; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->next = NULL;
    t->cached = false;
    cbec_isotable *d = unref_locked(t);
    if (d)
        dead[(*ndead)++] = d;
}

static bool same_fields(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* A cached table of path keeping fields, with exactly these bytes, with a
 * new reference, moved to the front; NULL when there is none. */
static cbec_isotable *cache_find_locked(const char *path, const char *fields, const char *data, size_t len)
{
    for (cbec_isotable **pp = &cache_head; *pp; pp = &(*pp)->next) {
        cbec_isotable *t = *pp;
        if (strcmp(t->path, path) != 0 || !same_fields(t->kept, fields))
            continue;
        if (t->len != len || memcmp(t->data, data, len) != 0)
            return NULL;
        *pp = t->next;
        t->next = cache_head;
        cache_head = t;
        t->refs++;
        return t;
    }
    return NULL;
}

/* ---- batches ----
 *
 * While a set of packs loads (one registry load), each file is read once:
 * the packs of one load all see the same bytes, and the ten packs that
 * import the same table do not read it ten times.  The threads that load
 * the pack files of a directory share their caller's batch; a thread that
 * needs a file another one is reading waits for it. */

#define BATCH_MAX 16

typedef struct batch_slot {
    char *path;
    char *fields;            /* as kept by the table; NULL: every field */
    cbec_isotable *tab;      /* holds a reference; NULL while loading or after a failure */
    bool loading;
} batch_slot;

struct cbec_isobatch {
    pthread_mutex_t lock;
    pthread_cond_t done;     /* a slot stopped loading */
    batch_slot slots[BATCH_MAX];
    size_t count;
};

static _Thread_local cbec_isobatch *tl_batch;
static _Thread_local unsigned tl_batch_depth;
static _Thread_local bool tl_batch_owner;

static void batch_free(cbec_isobatch *b)
{
    cbec_isotable *dead[BATCH_MAX];
    size_t ndead = 0;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < b->count; i++)
        if (b->slots[i].tab && (dead[ndead] = unref_locked(b->slots[i].tab)))
            ndead++;
    pthread_mutex_unlock(&cache_lock);
    for (size_t i = 0; i < ndead; i++)
        table_free(dead[i]);
    for (size_t i = 0; i < b->count; i++) {
        free(b->slots[i].path);
        free(b->slots[i].fields);
    }
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->done);
    free(b);
}

void cbec__isocodes_batch_join(cbec_isobatch *shared)
{
    if (tl_batch_depth++)
        return;
    if (shared) {
        tl_batch = shared;
        tl_batch_owner = false;
        return;
    }
    /* a batch of its own; none when out of memory, and every open then
     * reads its file */
    cbec_isobatch *b = cbec__calloc(1, sizeof *b);
    if (b && pthread_mutex_init(&b->lock, NULL) != 0) {
        free(b);
        b = NULL;
    } else if (b && pthread_cond_init(&b->done, NULL) != 0) {
        pthread_mutex_destroy(&b->lock);
        free(b);
        b = NULL;
    }
    tl_batch = b;
    tl_batch_owner = true;
}

void cbec__isocodes_batch_begin(void) { cbec__isocodes_batch_join(NULL); }

cbec_isobatch *cbec__isocodes_batch_current(void) { return tl_batch_depth ? tl_batch : NULL; }

void cbec__isocodes_batch_end(void)
{
    if (!tl_batch_depth || --tl_batch_depth)
        return;
    if (tl_batch && tl_batch_owner)
        batch_free(tl_batch);
    tl_batch = NULL;
}

/* Under the batch's lock: the slot of path and fields, waiting while
 * another thread loads it; NULL when there is none (a failed load leaves
 * none either).  *same_bytes: a table the batch holds of the same path
 * kept with other fields (its bytes are the ones to use). */
static batch_slot *batch_find_locked(cbec_isobatch *b, const char *path, const char *fields,
                                     cbec_isotable **same_bytes)
{
    for (;;) {
        batch_slot *found = NULL;
        bool wait = false;
        *same_bytes = NULL;
        for (size_t i = 0; i < b->count; i++) {
            batch_slot *sl = &b->slots[i];
            if (strcmp(sl->path, path) != 0)
                continue;
            if (sl->loading)
                wait = true;
            else if (sl->tab && same_fields(sl->fields, fields))
                found = sl;
            else if (sl->tab)
                *same_bytes = sl->tab;
        }
        if (found || !wait)
            return found;
        pthread_cond_wait(&b->done, &b->lock);
    }
}

bool cbec__isocodes_path(const char *dir, const char *standard, char *out, size_t cap)
{
    int k = snprintf(out, cap, "%s/iso_%s.json", dir, standard);
    return k >= 0 && (size_t)k < cap;
}

int cbec__isocodes_open(cbec_isocodes *t, const char *dir, const char *standard, char *err, size_t errlen)
{
    return cbec__isocodes_open_fields(t, dir, standard, NULL, err, errlen);
}

/* The table of the file at path keeping fields, with a new reference:
 * the cached one when the bytes are the same, else a new one that
 * replaces it in the cache. */
static int table_open(const char *path, const char *standard, const char *fields, const cbec_isotable *same_bytes,
                      cbec_isotable **out, char *err, size_t errlen)
{
    cbec_isotable *tab;
    char *data;
    size_t len;
    cbec_error *e = NULL;
    /* read every time (the cached table is used only for the same bytes),
     * or copied from a table of the same file the batch read */
    int st = CBEC_OK;
    if (same_bytes) {
        len = same_bytes->len;
        if (!(data = malloc(len + 1)))
            return CBEC_ENOMEM;
        memcpy(data, same_bytes->data, len + 1);
    } else {
        st = cbec__read_file(path, ISO_MAX_BYTES, &data, &len, &e);
    }
    if (st) {
        snprintf(err, errlen, "%s; install Debian's iso-codes package, or name its json directory with the "
                 "CBEC_OPT_ISO_CODES_DIR option or $CBECSTD_ISO_CODES_DIR", e ? cbec_error_message(e) : cbec_strerror(st));
        cbec_error_free(e);
        return st == CBEC_ENOMEM ? st : CBEC_EIO;
    }
    pthread_mutex_lock(&cache_lock);
    tab = cache_find_locked(path, fields, data, len);
    pthread_mutex_unlock(&cache_lock);
    if (tab) {
        free(data);
    } else {
        tab = cbec__calloc(1, sizeof *tab);
        if (!tab || !(tab->path = cbec__strdup(path)) || (fields && !(tab->kept = cbec__strdup(fields)))) {
            table_free(tab);
            free(data);
            return CBEC_ENOMEM;
        }
        tab->data = data;
        tab->len = len;
        if ((st = table_read(tab, standard, err, errlen))) {
            table_free(tab);
            return st;
        }
        tab->bytes = table_bytes(tab);
        /* the new table replaces any other of the same path; the least
         * recently used beyond CACHE_MAX or CACHE_BYTES leave the cache */
        cbec_isotable *dead[CACHE_MAX + 2];
        size_t ndead = 0;
        pthread_mutex_lock(&cache_lock);
        for (cbec_isotable *c = cache_head; c; c = c->next)
            if (strcmp(c->path, tab->path) == 0 && same_fields(c->kept, fields)) {
                uncache_locked(c, dead, &ndead);
                break;
            }
        tab->id = ++cache_next_id;
        tab->refs = 2;
        tab->cached = true;
        tab->next = cache_head;
        cache_head = tab;
        for (;;) {
            size_t n = 0, bytes = 0;
            cbec_isotable *last = NULL;
            for (cbec_isotable *c = cache_head; c; c = c->next) {
                n++;
                bytes += c->bytes;
                last = c;
            }
            if (last == tab || ndead == CACHE_MAX || (n <= CACHE_MAX && bytes <= CACHE_BYTES))
                break;
            uncache_locked(last, dead, &ndead);
        }
        pthread_mutex_unlock(&cache_lock);
        for (size_t i = 0; i < ndead; i++)
            table_free(dead[i]);
    }
    *out = tab;
    return CBEC_OK;
}

int cbec__isocodes_open_fields(cbec_isocodes *t, const char *dir, const char *standard, const char *fields,
                               char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    bool known = false;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(standards); i++)
        known |= strcmp(standard, standards[i]) == 0;
    if (!known) {
        snprintf(err, errlen, "unknown iso-codes standard \"%s\" (known: 3166-1 3166-2 3166-3 4217 639-2 639-3 639-5 15924)",
                 standard);
        return CBEC_ENOTFOUND;
    }
    snprintf(t->standard, sizeof t->standard, "%s", standard);
    cbec__isocodes_path(dir, standard, t->path, sizeof t->path);
    cbec_isobatch *b = tl_batch_depth ? tl_batch : NULL;
    cbec_isotable *tab = NULL, *same_bytes = NULL;
    batch_slot *mine = NULL;
    if (b) {
        pthread_mutex_lock(&b->lock);
        batch_slot *sl = batch_find_locked(b, t->path, fields, &same_bytes);
        if (sl) {
            tab = sl->tab;
            pthread_mutex_lock(&cache_lock);
            tab->refs++;
            pthread_mutex_unlock(&cache_lock);
        } else if (b->count < BATCH_MAX) {
            mine = &b->slots[b->count];
            mine->path = cbec__strdup(t->path);
            mine->fields = fields ? cbec__strdup(fields) : NULL;
            if (mine->path && (!fields || mine->fields)) {
                mine->loading = true;
                b->count++;
            } else {
                free(mine->path);
                free(mine->fields);
                *mine = (batch_slot){0};
                mine = NULL;
            }
        }
        /* the table copied from stays in the batch until it ends */
        pthread_mutex_unlock(&b->lock);
    }
    if (!tab) {
        int st = table_open(t->path, standard, fields, same_bytes, &tab, err, errlen);
        if (mine) {
            pthread_mutex_lock(&b->lock);
            if (!st) {
                pthread_mutex_lock(&cache_lock);
                tab->refs++;
                pthread_mutex_unlock(&cache_lock);
                mine->tab = tab;
            }
            mine->loading = false;
            pthread_cond_broadcast(&b->done);
            pthread_mutex_unlock(&b->lock);
        }
        if (st)
            return st;
    }
    t->table = tab;
    t->entries = tab->entries;
    t->count = tab->count;
    t->id = tab->id;
    return CBEC_OK;
}

void cbec__isocodes_close(cbec_isocodes *t)
{
    if (!t->table)
        return;
    pthread_mutex_lock(&cache_lock);
    cbec_isotable *dead = unref_locked(t->table);
    pthread_mutex_unlock(&cache_lock);
    table_free(dead);
    t->table = NULL;
    t->entries = NULL;
    t->count = 0;
}

void cbec__isocodes_digest(const cbec_isocodes *t, char out[65])
{
    cbec_isotable *tab = t->table;
    pthread_mutex_lock(&cache_lock);
    bool have = tab->have_digest;
    if (have)
        memcpy(out, tab->digest, 65);
    pthread_mutex_unlock(&cache_lock);
    if (have)
        return;
    /* hashed outside the lock; two threads may both hash, to the same end */
    cbec__sha256_data_hex(tab->data, tab->len, out);
    pthread_mutex_lock(&cache_lock);
    if (!tab->have_digest) {
        memcpy(tab->digest, out, 65);
        tab->have_digest = true;
    }
    pthread_mutex_unlock(&cache_lock);
}

const cbec_isofield *cbec__isocodes_field(const cbec_isoentry *entry, const char *field)
{
    size_t n = strlen(field);
    const cbec_isofield *found = NULL;
    for (uint32_t i = 0; i < entry->count; i++) {
        const cbec_isofield *f = &entry->fields[i];
        if (f->keylen == n && memcmp(f->key, field, n) == 0)
            found = f;
    }
    return found && found->text ? found : NULL;
}

cbec_codelist *cbec__isocodes_codelist(const cbec_isocodes *t, const char *list_name, const char *field)
{
    cbec_codelist *l = cbec__codelist_new(list_name);
    if (!l)
        return NULL;
    for (size_t i = 0; i < t->count; i++) {
        const cbec_isofield *v = cbec__isocodes_field(&t->entries[i], field);
        if (v && !cbec__codelist_add(l, v->text, v->len)) {
            cbec__codelist_free(l);
            return NULL;
        }
    }
    return l;
}
