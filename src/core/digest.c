/* digest.c - the nettle adapter (the only file that includes nettle), and
 * the digests of files remembered for the bytes they had. */
#include "core/digest.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((cbec_sha256 *)0)->opaque),
               "cbec_sha256 too small for nettle's sha256_ctx");

void cbec__sha256_init(cbec_sha256 *h) { sha256_init((struct sha256_ctx *)(void *)h->opaque); }

void cbec__sha256_update(cbec_sha256 *h, const void *data, size_t len)
{
    sha256_update((struct sha256_ctx *)(void *)h->opaque, len, data);
}

void cbec__sha256_hex(cbec_sha256 *h, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest((struct sha256_ctx *)(void *)h->opaque, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

void cbec__sha256_data_hex(const void *data, size_t len, char out[65])
{
    cbec_sha256 h;
    cbec__sha256_init(&h);
    cbec__sha256_update(&h, data, len);
    cbec__sha256_hex(&h, out);
}

/* ---- digests of files ----
 *
 * Packs loaded together often read the same file (a shared schema, a code
 * table, an XSD they both import), and a hot reload reads every file
 * again.  A digest is remembered with a copy of the bytes it was computed
 * from and reused only for identical bytes, so an edited file is always
 * hashed anew.  The copy is made the second time a path is hashed: a
 * file read once in a process (most files of a command-line run) is
 * hashed once and never copied; one read again, by another pack of the
 * same load or by a reload, is hashed a second time and compared from
 * the third on.  Bounded: files up to FILE_MAX bytes, FILES_BYTES in all,
 * the least recently used leaving first. */

#define FILE_MAX (1u << 20)
#define FILES_BYTES (8u << 20)

typedef struct remembered {
    struct remembered *next;  /* most recently used first */
    char *path;
    unsigned char *data;      /* NULL: the path was hashed once, nothing kept to compare with */
    size_t len;
    char hex[65];
} remembered;

static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;
static remembered *files_head;
static size_t files_bytes;

static void forget(remembered *r)
{
    files_bytes -= r->len;
    free(r->path);
    free(r->data);
    free(r);
}

void cbec__sha256_file_hex(const char *path, const void *data, size_t len, char out[65])
{
    bool seen = false;
    pthread_mutex_lock(&files_lock);
    for (remembered **pp = &files_head; *pp; pp = &(*pp)->next) {
        remembered *r = *pp;
        if (strcmp(r->path, path) != 0)
            continue;
        seen = true;
        if (r->data && r->len == len && memcmp(r->data, data, len) == 0) {
            memcpy(out, r->hex, 65);
            *pp = r->next;
            r->next = files_head;
            files_head = r;
            pthread_mutex_unlock(&files_lock);
            return;
        }
        *pp = r->next; /* another edition: hashed below */
        forget(r);
        break;
    }
    pthread_mutex_unlock(&files_lock);
    cbec__sha256_data_hex(data, len, out);
    if (len > FILE_MAX)
        return;
    /* remembering is an optimisation: without memory, nothing is kept */
    remembered *r = malloc(sizeof *r);
    char *p = r ? malloc(strlen(path) + 1) : NULL;
    unsigned char *copy = p && seen ? malloc(len ? len : 1) : NULL;
    if (!p || (seen && !copy)) {
        free(p);
        free(r);
        return;
    }
    memcpy(p, path, strlen(path) + 1);
    if (copy)
        memcpy(copy, data, len);
    else
        len = 0; /* counted in files_bytes as what it keeps */
    *r = (remembered){NULL, p, copy, len, {0}};
    memcpy(r->hex, out, 65);
    pthread_mutex_lock(&files_lock);
    /* another thread may have remembered the same path meanwhile */
    for (remembered **pp = &files_head; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->path, path) == 0) {
            remembered *old = *pp;
            *pp = old->next;
            forget(old);
            break;
        }
    r->next = files_head;
    files_head = r;
    files_bytes += len;
    while (files_bytes > FILES_BYTES) {
        remembered **pp = &files_head;
        while ((*pp)->next)
            pp = &(*pp)->next;
        remembered *last = *pp;
        *pp = NULL;
        forget(last);
    }
    pthread_mutex_unlock(&files_lock);
}
