/* cache.c - entries of data derived from files, kept on disk between
 * processes (see cache.h for what makes an entry valid). */
#include "core/cache.h"
#include "core/core.h"
#include "core/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* An entry file: this header, then the payload.  The key's digest tells
 * an entry apart from another whose name (a prefix of the same digest)
 * collides; the payload's tells a damaged entry. */
#define MAGIC "CBECSTDC"
#define FORMAT 1u
enum { H_MAGIC = 0, H_FORMAT = 8, H_KEY = 16, H_LEN = 80, H_SUM = 88, HEADER = 152 };

static unsigned settle_ms = 2000;

void cbec__cache_set_settle_ms(unsigned ms) { settle_ms = ms; }

bool cbec__file_id(const char *path, cbec_file_id *out)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    *out = (cbec_file_id){(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                          (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec,
                          (int64_t)st.st_ctim.tv_sec, (int64_t)st.st_ctim.tv_nsec};
    return true;
}

static bool kind_ok(const char *kind)
{
    size_t n = strlen(kind);
    return n && n <= 32 && strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* The key's digest, and the entry's file name: the kind, then a prefix of
 * the digest. */
static void entry_key(const char *kind, uint32_t version, const char *tag, const char *const *paths,
                      const cbec_file_id *ids, size_t n, char hex[65], char name[64])
{
    cbec_sha256 h;
    cbec__sha256_init(&h);
    char head[160];
    int k = snprintf(head, sizeof head, "cbecstd-cache\n%s\n%s\n%u\n%zu\n", CBEC_VERSION_STRING, kind,
                     (unsigned)version, n);
    cbec__sha256_update(&h, head, (size_t)k);
    if (tag) {
        /* marked, after the head: untagged keys stay as they were */
        cbec__sha256_update(&h, "tag\n", 4);
        cbec__sha256_update(&h, tag, strlen(tag) + 1);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char id[7 * 8];
        const cbec_file_id *f = &ids[i];
        const uint64_t v[7] = {f->dev, f->ino, f->size, (uint64_t)f->mtime_sec, (uint64_t)f->mtime_nsec,
                               (uint64_t)f->ctime_sec, (uint64_t)f->ctime_nsec};
        for (int j = 0; j < 7; j++)
            cbec__le_store(id + 8 * j, v[j], 8);
        cbec__sha256_update(&h, paths[i], strlen(paths[i]) + 1);
        cbec__sha256_update(&h, id, sizeof id);
    }
    cbec__sha256_hex(&h, hex);
    snprintf(name, 64, "%s-%.40s", kind, hex);
}

/* The directory, opened, when it is ours alone; made first when make and
 * missing.  -1 otherwise. */
static int open_dir(const char *dir, bool make)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && make) {
        size_t n = strlen(dir);
        char *p = malloc(n + 1);
        if (!p)
            return -1;
        memcpy(p, dir, n + 1);
        /* each missing component in turn, the last one too */
        for (size_t i = 1; i <= n; i++) {
            if (p[i] != '/' && p[i] != '\0')
                continue;
            char c = p[i];
            p[i] = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            p[i] = c;
        }
        free(p);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
        close(fd);
        return -1;
    }
    return fd;
}

bool cbec__cache_get(const char *dir, const char *kind, uint32_t version, const char *const *paths,
                     const cbec_file_id *ids, size_t n, void **data, size_t *len)
{
    return cbec__cache_get_tagged(dir, kind, version, NULL, paths, ids, n, data, len);
}

bool cbec__cache_get_tagged(const char *dir, const char *kind, uint32_t version, const char *tag,
                            const char *const *paths, const cbec_file_id *ids, size_t n, void **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (!dir || !*dir || !kind_ok(kind))
        return false;
    int dfd = open_dir(dir, false);
    if (dfd < 0)
        return false;
    char key[65], name[64];
    entry_key(kind, version, tag, paths, ids, n, key, name);
    /* O_NONBLOCK: a FIFO put in place of an entry would block the open */
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    close(dfd);
    if (fd < 0)
        return false;
    struct stat st;
    unsigned char *buf = NULL;
    size_t size = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_size >= HEADER &&
        (uint64_t)st.st_size <= HEADER + (uint64_t)CBEC_CACHE_MAX_PAYLOAD) {
        size = (size_t)st.st_size;
        buf = malloc(size + 1);
    }
    size_t got = 0;
    while (buf && got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    char sum[65];
    bool ok = buf && got == size && memcmp(buf + H_MAGIC, MAGIC, 8) == 0 &&
              cbec__le_load(buf + H_FORMAT, 8) == FORMAT && memcmp(buf + H_KEY, key, 64) == 0 &&
              cbec__le_load(buf + H_LEN, 8) == size - HEADER;
    if (ok) {
        cbec__sha256_data_hex(buf + HEADER, size - HEADER, sum);
        ok = memcmp(buf + H_SUM, sum, 64) == 0;
    }
    if (!ok) {
        free(buf);
        return false;
    }
    memmove(buf, buf + HEADER, size - HEADER);
    *data = buf;
    *len = size - HEADER;
    return true;
}

static bool settled(const cbec_file_id *ids, size_t n)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return false;
    int64_t limit = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - (int64_t)settle_ms;
    for (size_t i = 0; i < n; i++) {
        int64_t m = ids[i].mtime_sec * 1000 + ids[i].mtime_nsec / 1000000;
        int64_t c = ids[i].ctime_sec * 1000 + ids[i].ctime_nsec / 1000000;
        if (m > limit || c > limit)
            return false;
    }
    return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

void cbec__cache_put(const char *dir, const char *kind, uint32_t version, const char *const *paths,
                     const cbec_file_id *ids, size_t n, const void *data, size_t len)
{
    cbec__cache_put_tagged(dir, kind, version, NULL, paths, ids, n, data, len);
}

void cbec__cache_put_tagged(const char *dir, const char *kind, uint32_t version, const char *tag,
                            const char *const *paths, const cbec_file_id *ids, size_t n, const void *data,
                            size_t len)
{
    if (!dir || !*dir || !kind_ok(kind) || len > CBEC_CACHE_MAX_PAYLOAD || !settled(ids, n))
        return;
    int dfd = open_dir(dir, true);
    if (dfd < 0)
        return;
    unsigned char head[HEADER];
    char key[65], name[64], sum[65];
    entry_key(kind, version, tag, paths, ids, n, key, name);
    cbec__sha256_data_hex(data, len, sum);
    memcpy(head + H_MAGIC, MAGIC, 8);
    cbec__le_store(head + H_FORMAT, FORMAT, 8);
    memcpy(head + H_KEY, key, 64);
    cbec__le_store(head + H_LEN, len, 8);
    memcpy(head + H_SUM, sum, 64);
    /* a name no other writer (process or thread) uses at the same time */
    static atomic_uint serial;
    char tmp[128];
    snprintf(tmp, sizeof tmp, ".tmp-%s-%ld-%u", name, (long)getpid(), atomic_fetch_add(&serial, 1));
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        bool ok = write_all(fd, head, sizeof head) && write_all(fd, data, len);
        ok = close(fd) == 0 && ok;
        if (!ok || renameat(dfd, tmp, dfd, name) != 0)
            unlinkat(dfd, tmp, 0);
    }
    close(dfd);
}
