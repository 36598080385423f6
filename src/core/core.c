/* core.c - errors, buffers, arenas and string maps used by every layer. */
#define _GNU_SOURCE /* O_PATH, syscall() */
#include "core/core.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- errors ---- */

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static cbec_error *error_newv(int status, const char *file, const char *path,
                              unsigned long line, unsigned long column,
                              const char *fmt, va_list ap)
{
    cbec_error *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->status = status;
    e->message = vformat(fmt, ap);
    e->file = cbec__strdup(file ? file : "");
    e->path = cbec__strdup(path ? path : "");
    e->line = line;
    e->column = column;
    if (!e->message || !e->file || !e->path) {
        cbec_error_free(e);
        return NULL;
    }
    return e;
}

cbec_error *cbec__error_new(int status, const char *file, const char *path,
                            unsigned long line, unsigned long column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cbec_error *e = error_newv(status, file, path, line, column, fmt, ap);
    va_end(ap);
    return e;
}

int cbec__error_set(cbec_error **err, int status, const char *file, const char *path,
                    unsigned long line, unsigned long column, const char *fmt, ...)
{
    if (!err)
        return status;
    va_list ap;
    va_start(ap, fmt);
    cbec_error *e = error_newv(status, file, path, line, column, fmt, ap);
    va_end(ap);
    if (!e)
        return CBEC_ENOMEM;
    if (*err)
        cbec_error_free(*err);
    *err = e;
    return status;
}

CBEC_API int cbec_error_status(const cbec_error *e) { return e ? e->status : CBEC_EINVAL; }
CBEC_API const char *cbec_error_message(const cbec_error *e) { return e ? e->message : ""; }
CBEC_API const char *cbec_error_file(const cbec_error *e) { return e ? e->file : ""; }
CBEC_API const char *cbec_error_path(const cbec_error *e) { return e ? e->path : ""; }
CBEC_API unsigned long cbec_error_line(const cbec_error *e) { return e ? e->line : 0; }
CBEC_API unsigned long cbec_error_column(const cbec_error *e) { return e ? e->column : 0; }

CBEC_API void cbec_error_free(cbec_error *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->file);
    free(e->path);
    free(e);
}

CBEC_API const char *cbec_strerror(int status)
{
    switch ((cbec_status)status) {
    case CBEC_OK: return "success";
    case CBEC_EINVAL: return "invalid argument";
    case CBEC_ENOMEM: return "out of memory";
    case CBEC_EIO: return "file could not be read";
    case CBEC_EPACK: return "invalid rule pack";
    case CBEC_ENOTFOUND: return "not found";
    case CBEC_ELIMIT: return "limit exceeded";
    case CBEC_EVERSION: return "unsupported version";
    case CBEC_ESTATE: return "not allowed in the current state";
    case CBEC_EAMBIGUOUS: return "ambiguous: more than one pack applies";
    case CBEC_EDIGEST: return "pack digest mismatch";
    case CBEC_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

/* ---- allocation ---- */

void *cbec__calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }

char *cbec__strdup(const char *s) { return s ? cbec__strndup(s, strlen(s)) : NULL; }

char *cbec__strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- buffers ---- */

void cbec__buf_init(cbec_buf *b) { memset(b, 0, sizeof *b); }

void cbec__buf_free(cbec_buf *b)
{
    free(b->data);
    cbec__buf_init(b);
}

void cbec__buf_reset(cbec_buf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = '\0';
}

bool cbec__buf_reserve(cbec_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void cbec__buf_add(cbec_buf *b, const char *s, size_t n)
{
    if (!cbec__buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cbec__buf_adds(cbec_buf *b, const char *s) { cbec__buf_add(b, s, strlen(s)); }

void cbec__buf_addc_slow(cbec_buf *b, char c) { cbec__buf_add(b, &c, 1); }

void cbec__buf_addf(cbec_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && cbec__buf_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void cbec__buf_add_ulong(cbec_buf *b, unsigned long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    cbec__buf_add(b, tmp + i, sizeof tmp - i);
}

/* Length of a valid UTF-8 sequence starting at s (strict: no overlongs,
 * no surrogates, at most U+10FFFF), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;
        if (c == 0xED && s[1] >= 0xA0)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/* Bytes from s[i] that need no escape: printable ASCII other than the
 * quote and the backslash; sixteen at a time where SSE2 is there. */
static size_t plain_ascii_run(const char *s, size_t n, size_t i)
{
    size_t start = i;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed compare: bytes from 0x80 are negative, so below 0x20 too */
        __m128i stop = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask)
            return i - start + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
            break;
        i++;
    }
    return i - start;
}

void cbec__buf_add_json_escaped(cbec_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    for (size_t i = 0; i < n;) {
        i += plain_ascii_run(s, n, i);
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i];
        size_t k = c >= 0x80 ? utf8_seq((const unsigned char *)s + i, n - i) : 0;
        if (k) {
            /* Valid UTF-8 passes through, except U+2028/2029 which some
             * JSON consumers (JavaScript) mishandle. */
            if (k == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
                ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
                cbec__buf_add(b, s + start, i - start);
                cbec__buf_adds(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
                i += 3;
                start = i;
                continue;
            }
            i += k;
            continue;
        }
        cbec__buf_add(b, s + start, i - start);
        switch (c) {
        case '"': cbec__buf_adds(b, "\\\""); break;
        case '\\': cbec__buf_adds(b, "\\\\"); break;
        case '\n': cbec__buf_adds(b, "\\n"); break;
        case '\r': cbec__buf_adds(b, "\\r"); break;
        case '\t': cbec__buf_adds(b, "\\t"); break;
        default:
            if (c < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                cbec__buf_adds(b, u);
            } else {
                /* an invalid UTF-8 byte: replaced, so the output stays valid */
                cbec__buf_adds(b, "\\ufffd");
            }
        }
        i++;
        start = i;
    }
    cbec__buf_add(b, s + start, n - start);
}

void cbec__buf_add_visible(cbec_buf *b, const char *s, size_t n, size_t max_bytes)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        if (max_bytes && i >= max_bytes) {
            cbec__buf_adds(b, "...");
            return;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) {
            cbec__buf_addc(b, (char)c);
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq((const unsigned char *)s + i, n - i);
            if (k) {
                unsigned cp = k == 2 ? ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu)
                              : k == 3 ? ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu)
                                       : ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                                             ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
                /* C1 controls, bidi overrides/isolates/marks, zero-width
                 * and invisible format characters, line separators and tag
                 * characters (invisible ASCII look-alikes) would let a
                 * value rearrange or hide output. */
                bool unsafe = (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
                              (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
                              cp == 0xFEFF || cp == 0x061C || cp == 0x180E || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
                              (cp >= 0xE0000 && cp <= 0xE007F);
                if (unsafe)
                    cbec__buf_addf(b, cp > 0xFFFF ? "\\U%08x" : "\\u%04x", cp);
                else
                    cbec__buf_add(b, s + i, k);
                i += k;
                continue;
            }
            char x[5] = {'\\', 'x', hex[c >> 4], hex[c & 15], 0};
            cbec__buf_adds(b, x);
            i++;
            continue;
        }
        switch (c) {
        case '\n': cbec__buf_adds(b, "\\n"); break;
        case '\r': cbec__buf_adds(b, "\\r"); break;
        case '\t': cbec__buf_adds(b, "\\t"); break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            cbec__buf_adds(b, u);
        }
        }
        i++;
    }
}

/* Copy text that quotes rule or data text into a fixed buffer, with
 * control characters and invalid UTF-8 shown as escapes (a hostile rule
 * or value must not put terminal escapes or fake lines into an error),
 * cut at a character boundary when it does not fit. */
void cbec__visible_copy(char *dst, size_t cap, const char *src)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_add_visible(&b, src, strlen(src), 0);
    size_t n = b.oom ? 0 : b.len;
    if (n >= cap) {
        n = cap - 1;
        while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
            n--; /* never end inside a UTF-8 sequence */
    }
    if (n)
        memcpy(dst, b.data, n);
    dst[n] = '\0';
    cbec__buf_free(&b);
}

size_t cbec__utf8_count(const char *s, size_t n)
{
    size_t cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* a continuation byte is 10xxxxxx: bit 7 set, bit 6 clear; at most
           one flag per byte, and multiplying gathers their count in the
           top byte */
        uint64_t c = w & ~(w << 1) & 0x8080808080808080ULL;
        cont += (size_t)(((c >> 7) * 0x0101010101010101ULL) >> 56);
    }
    for (; i < n; i++)
        cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return n - cont;
}

void cbec__buf_add_pointer_token(cbec_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~' || s[i] == '/') {
            cbec__buf_add(b, s + start, i - start);
            cbec__buf_adds(b, s[i] == '~' ? "~0" : "~1");
            start = i + 1;
        }
    }
    cbec__buf_add(b, s + start, n - start);
}

const char *cbec__buf_cstr(cbec_buf *b)
{
    if (!b->data && !cbec__buf_reserve(b, 0))
        return "";
    if (!b->data)
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

/* ---- arena ---- */

struct cbec_arena_chunk {
    cbec_arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

/* New chunks double from ARENA_FIRST to ARENA_CHUNK: many arenas hold
 * little (a compiled JSON Logic expression is a few hundred bytes), and a
 * first chunk of full size would touch pages that nothing uses. */
#define ARENA_FIRST 1024
#define ARENA_CHUNK 16384

void cbec__arena_init(cbec_arena *a) { memset(a, 0, sizeof *a); }

void *cbec__arena_alloc(cbec_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    cbec_arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        /* reuse a spare chunk when it is big enough */
        cbec_arena_chunk **pp = &a->spare;
        while (*pp && (*pp)->size < n)
            pp = &(*pp)->next;
        if (*pp) {
            c = *pp;
            *pp = c->next;
        } else {
            size_t want = a->grow ? a->grow : ARENA_FIRST;
            a->grow = want < ARENA_CHUNK ? want * 2 : ARENA_CHUNK;
            size_t size = n > want ? n : want;
            if (size > SIZE_MAX - sizeof *c)
                return NULL;
            c = malloc(sizeof *c + size);
            if (!c)
                return NULL;
            c->size = size;
        }
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

void *cbec__arena_calloc(cbec_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = cbec__arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *cbec__arena_strndup(cbec_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = cbec__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void cbec__arena_reset(cbec_arena *a)
{
    cbec_arena_chunk *c = a->head;
    while (c) {
        cbec_arena_chunk *next = c->next;
        /* keep ordinary chunks for the next message; let huge ones go */
        if (c->size <= 4 * ARENA_CHUNK) {
            c->next = a->spare;
            a->spare = c;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

static void free_chunks(cbec_arena_chunk *c)
{
    while (c) {
        cbec_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void cbec__arena_free(cbec_arena *a)
{
    free_chunks(a->head);
    free_chunks(a->spare);
    cbec__arena_init(a);
}

/* ---- hashing ---- */

uint64_t cbec__hash(const char *s, size_t n)
{
    /* FNV-1a, 64 bit: short keys (codes, names) dominate. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void cbec__strmap_init(cbec_strmap *m) { memset(m, 0, sizeof *m); }

static bool strmap_grow(cbec_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    cbec_strmap_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        cbec_strmap_entry *e = &m->slots[i];
        if (!e->key)
            continue;
        size_t j = (size_t)e->hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

bool cbec__strmap_put(cbec_strmap *m, const char *key, size_t keylen, void *value, void **old)
{
    if (old)
        *old = NULL;
    if ((m->count + 1) * 4 > m->cap * 3 && !strmap_grow(m))
        return false;
    uint64_t h = cbec__hash(key, keylen);
    size_t j = (size_t)h & (m->cap - 1);
    while (m->slots[j].key) {
        cbec_strmap_entry *e = &m->slots[j];
        if (e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0) {
            if (old)
                *old = e->value;
            e->value = value;
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j] = (cbec_strmap_entry){key, keylen, h, value};
    m->count++;
    return true;
}

const cbec_strmap_entry *cbec__strmap_get(const cbec_strmap *m, const char *key, size_t keylen)
{
    if (!m->cap)
        return NULL;
    uint64_t h = cbec__hash(key, keylen);
    size_t j = (size_t)h & (m->cap - 1);
    while (m->slots[j].key) {
        const cbec_strmap_entry *e = &m->slots[j];
        if (e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
            return e;
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

void cbec__strmap_free(cbec_strmap *m)
{
    free(m->slots);
    cbec__strmap_init(m);
}

/* ---- helpers ---- */

bool cbec__streq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    return an == bn && memcmp(a, b, an) == 0;
}

/* Read all of fd (at most max bytes) into a new NUL-terminated buffer;
 * path names it in messages.  Closes fd. */
static int read_fd(int fd, const char *path, size_t max, char **out, size_t *len, cbec_error **err)
{
    /* At most max + 1 bytes are read (one more than allowed tells a file
     * over the limit), plus room for the NUL: a regular file straight into
     * a buffer of its size, anything else (a pipe, a file growing
     * meanwhile) in doubling steps. */
    size_t limit = max < SIZE_MAX - 2 ? max + 2 : SIZE_MAX;
    struct stat sb;
    size_t cap = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size < limit - 1
                     ? (size_t)sb.st_size + 2
                     : 65536;
    if (cap > limit)
        cap = limit;
    char *data = malloc(cap);
    size_t n = 0;
    int st = data ? CBEC_OK : CBEC_ENOMEM;
    while (!st && n <= max) {
        if (n + 1 == cap) {
            size_t grown = cap > limit / 2 ? limit : cap * 2;
            char *more = realloc(data, grown);
            if (!more) {
                st = CBEC_ENOMEM;
                break;
            }
            data = more;
            cap = grown;
        }
        ssize_t r = read(fd, data + n, cap - 1 - n);
        if (r > 0)
            n += (size_t)r;
        else if (r == 0)
            break;
        else if (errno != EINTR)
            st = cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot read %s: %s", path, strerror(errno));
    }
    close(fd);
    if (!st && n > max)
        st = cbec__error_set(err, CBEC_ELIMIT, path, NULL, 0, 0, "%s is larger than the limit of %zu bytes",
                             path, max);
    if (st) {
        free(data);
        return st;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return CBEC_OK;
}

void cbec__le_store(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

uint64_t cbec__le_load(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int cbec__read_file(const char *path, size_t max, char **out, size_t *len, cbec_error **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot open %s: %s", path,
                               strerror(errno));
    return read_fd(fd, path, max, out, len, err);
}

/* dir/rel opened by the kernel without leaving dir (openat2 with
 * RESOLVE_BENEATH: no "..", absolute or symbolic link leading out).  -1
 * with errno: ENOENT and the like, EXDEV (it would leave dir, or a link
 * is absolute), ENOSYS when the kernel or a sandbox has no openat2. */
static int open_beneath(const char *dir, const char *rel)
{
#ifdef SYS_openat2
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
    int saved = errno;
    close(dfd);
    errno = saved;
    if (fd < 0 && (errno == EPERM || errno == E2BIG || errno == EINVAL))
        errno = ENOSYS; /* a seccomp filter, or an older interface */
    return fd;
#else
    (void)dir;
    (void)rel;
    errno = ENOSYS;
    return -1;
#endif
}

int cbec__read_inside(const char *dir, const char *rel, size_t max, char **out, size_t *len, cbec_inside *why,
                      cbec_error **err)
{
    *out = NULL;
    *len = 0;
    *why = CBEC_INSIDE_OK;
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *full = malloc(n);
    if (!full)
        return CBEC_ENOMEM;
    snprintf(full, n, "%s/%s", dir, rel);
    int fd = open_beneath(dir, rel);
    if (fd < 0 && (errno == EXDEV || errno == ENOSYS || errno == ELOOP)) {
        /* refused or not possible: decide by the resolved paths (a link
         * with an absolute target inside dir is allowed) */
        char rdir[PATH_MAX], rfull[PATH_MAX];
        if (!realpath(dir, rdir) || !realpath(full, rfull)) {
            *why = CBEC_INSIDE_MISSING;
        } else {
            size_t dl = strlen(rdir);
            if (strncmp(rfull, rdir, dl) != 0 || (rfull[dl] != '/' && !(dl == 1 && rdir[0] == '/')))
                *why = CBEC_INSIDE_OUTSIDE;
            else if ((fd = open(rfull, O_RDONLY | O_CLOEXEC)) < 0)
                *why = CBEC_INSIDE_MISSING;
        }
    } else if (fd < 0) {
        *why = CBEC_INSIDE_MISSING;
    }
    if (*why) {
        free(full);
        return CBEC_EIO;
    }
    int st = read_fd(fd, full, max, out, len, err);
    if (st && st != CBEC_ENOMEM)
        *why = CBEC_INSIDE_UNREADABLE;
    free(full);
    return st;
}

bool cbec__is_date(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !cbec__is_digit(s[i]))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

void cbec__today_utc(char out[11])
{
    /* civil date from days since the epoch (no time zone, no locale) */
    long long days = (long long)time(NULL) / 86400;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04lld-%02lld-%02lld", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void cbec__text_position(const char *text, size_t len, size_t offset,
                         unsigned long *line, unsigned long *column)
{
    unsigned long l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}
