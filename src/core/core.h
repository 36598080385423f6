/* core.h - internal foundations shared by every layer: errors, buffers,
 * arenas, hashing.  Never installed; never exported. */
#ifndef CBEC_CORE_H
#define CBEC_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbecstd.h"

#define CBEC_INTERNAL __attribute__((visibility("hidden")))
#define CBEC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CBEC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- error objects ---- */

struct cbec_error {
    int status;
    char *message;
    char *file;
    char *path;
    unsigned long line, column;
};

/* Make a new error (NULL when out of memory: callers then return ENOMEM). */
cbec_error *cbec__error_new(int status, const char *file, const char *path,
                            unsigned long line, unsigned long column,
                            const char *fmt, ...) CBEC_PRINTF(6, 7);
/* Store a new error in *err when err is not NULL; returns status. */
int cbec__error_set(cbec_error **err, int status, const char *file, const char *path,
                    unsigned long line, unsigned long column, const char *fmt, ...)
    CBEC_PRINTF(7, 8);

/* ---- growable byte buffer ---- */

typedef struct cbec_buf {
    char *data;
    size_t len, cap;
    bool oom; /* sticky: an append failed */
} cbec_buf;

void cbec__buf_init(cbec_buf *b);
void cbec__buf_free(cbec_buf *b);
void cbec__buf_reset(cbec_buf *b);
bool cbec__buf_reserve(cbec_buf *b, size_t extra);
void cbec__buf_add(cbec_buf *b, const char *s, size_t n);
void cbec__buf_adds(cbec_buf *b, const char *s);
void cbec__buf_addc_slow(cbec_buf *b, char c);
/* One byte; inline while it fits (canonical forms, reports and readers add
 * punctuation and characters a byte at a time). */
static inline void cbec__buf_addc(cbec_buf *b, char c)
{
    if (b->len + 2 <= b->cap && !b->oom) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    cbec__buf_addc_slow(b, c);
}
void cbec__buf_addf(cbec_buf *b, const char *fmt, ...) CBEC_PRINTF(2, 3);
void cbec__buf_add_ulong(cbec_buf *b, unsigned long v);
/* Append s as the inside of a JSON string (quotes not included). */
void cbec__buf_add_json_escaped(cbec_buf *b, const char *s, size_t n);
/* Append s for a person: control characters and invalid UTF-8 become
 * visible escapes (\n, \u001b, \xff), so a value cannot forge output. */
void cbec__buf_add_visible(cbec_buf *b, const char *s, size_t n, size_t max_bytes);
/* The same into dst of cap bytes, cut at a character boundary. */
void cbec__visible_copy(char *dst, size_t cap, const char *src);
/* Characters of well-formed UTF-8 text s (bytes that do not continue a
 * character), eight bytes at a time. */
size_t cbec__utf8_count(const char *s, size_t n);
/* Append a JSON Pointer token, escaping ~ and /. */
void cbec__buf_add_pointer_token(cbec_buf *b, const char *s, size_t n);
/* Ensure NUL termination and return data ("" when empty). */
const char *cbec__buf_cstr(cbec_buf *b);

/* ---- arena: many small allocations freed at once ---- */

typedef struct cbec_arena_chunk cbec_arena_chunk;
typedef struct cbec_arena {
    cbec_arena_chunk *head;   /* chunk being filled */
    cbec_arena_chunk *spare;  /* chunks kept for reuse after reset */
    size_t total;             /* bytes handed out since the last reset */
    size_t grow;              /* size of the next new chunk (0: the first) */
} cbec_arena;

void cbec__arena_init(cbec_arena *a);
void *cbec__arena_alloc(cbec_arena *a, size_t n);          /* 16-byte aligned */
void *cbec__arena_calloc(cbec_arena *a, size_t count, size_t size);
char *cbec__arena_strndup(cbec_arena *a, const char *s, size_t n);
void cbec__arena_reset(cbec_arena *a);                     /* keeps memory */
void cbec__arena_free(cbec_arena *a);

/* ---- malloc wrappers that return NULL on overflow ---- */

void *cbec__calloc(size_t count, size_t size);
char *cbec__strdup(const char *s);
char *cbec__strndup(const char *s, size_t n);

/* ---- hashing and string maps (open addressing, immutable after build) ---- */

uint64_t cbec__hash(const char *s, size_t n);

typedef struct cbec_strmap_entry {
    const char *key;
    size_t keylen;
    uint64_t hash;
    void *value;
} cbec_strmap_entry;

typedef struct cbec_strmap {
    cbec_strmap_entry *slots;
    size_t cap;   /* power of two, or 0 */
    size_t count;
} cbec_strmap;

void cbec__strmap_init(cbec_strmap *m);
/* The key is not copied: it must outlive the map.  Replaces an existing
 * value (returning the old one through *old when old is not NULL). */
bool cbec__strmap_put(cbec_strmap *m, const char *key, size_t keylen, void *value, void **old);
/* Returns the entry or NULL. */
const cbec_strmap_entry *cbec__strmap_get(const cbec_strmap *m, const char *key, size_t keylen);
void cbec__strmap_free(cbec_strmap *m);

/* ---- small helpers ---- */

/* The low `bytes` bytes of v at p, least significant first, and back. */
void cbec__le_store(unsigned char *p, uint64_t v, int bytes);
uint64_t cbec__le_load(const unsigned char *p, int bytes);

bool cbec__streq(const char *a, size_t an, const char *b);  /* b NUL-terminated */
/* Read a whole file (at most max bytes) into a new NUL-terminated buffer. */
int cbec__read_file(const char *path, size_t max, char **out, size_t *len, cbec_error **err);
/* Read dir/rel (at most max bytes) like cbec__read_file, but only a file
 * that resolves inside dir: no "..", absolute path or symbolic link
 * leading out (rel is expected relative).  On failure *why says which:
 * CBEC_INSIDE_MISSING (no such file, or it cannot be opened),
 * CBEC_INSIDE_OUTSIDE, CBEC_INSIDE_UNREADABLE (read error or over max: *err
 * says which); CBEC_ENOMEM leaves *why CBEC_INSIDE_OK. */
typedef enum cbec_inside {
    CBEC_INSIDE_OK = 0,
    CBEC_INSIDE_MISSING,
    CBEC_INSIDE_OUTSIDE,
    CBEC_INSIDE_UNREADABLE
} cbec_inside;
int cbec__read_inside(const char *dir, const char *rel, size_t max, char **out, size_t *len, cbec_inside *why,
                      cbec_error **err);
/* True for a calendar-valid date "YYYY-MM-DD". */
bool cbec__is_date(const char *s, size_t n);
/* Today's date in UTC as "YYYY-MM-DD". */
void cbec__today_utc(char out[11]);
/* Line and column (1-based, column in characters) of a byte offset. */
void cbec__text_position(const char *text, size_t len, size_t offset,
                         unsigned long *line, unsigned long *column);

/* Locale-independent ASCII helpers (the library never consults the locale). */
static inline bool cbec__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool cbec__is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool cbec__is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool cbec__is_alpha(int c) { return cbec__is_upper(c) || cbec__is_lower(c); }
static inline bool cbec__is_alnum(int c) { return cbec__is_alpha(c) || cbec__is_digit(c); }
static inline int cbec__to_upper(int c) { return cbec__is_lower(c) ? c - 32 : c; }

#endif /* CBEC_CORE_H */
