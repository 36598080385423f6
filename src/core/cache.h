/* cache.h - data derived from files, kept on disk between processes and
 * trusted while every file it came from keeps its identity.
 *
 * An entry is found by a key: what it is (kind and a format version), the
 * library's version, and the path and identity (device, inode, size,
 * modification and change times) of each file it was derived from.  A
 * file that is replaced, rewritten or touched has another identity, so
 * its entries are no longer found; nothing is ever served for files that
 * changed.  The change time cannot be set by a program, so a rewrite that
 * restores the size and the modification time is still noticed.
 *
 * The cache is best effort: a directory that cannot be made or used, an
 * entry that is missing, truncated, corrupt or of another format is a
 * miss, never an error.  The directory is used only when it belongs to the
 * effective user and nobody else may write to it. */
#ifndef CBEC_CACHE_H
#define CBEC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cbec_file_id {
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} cbec_file_id;

/* The identity of the regular file at path (links followed); false when it
 * cannot be stat'ed or is not a regular file. */
bool cbec__file_id(const char *path, cbec_file_id *out);

/* Largest payload an entry may hold. */
#define CBEC_CACHE_MAX_PAYLOAD (4u << 20)

/* The entry of kind (a short name of letters, digits and '-') and format
 * version for the n files paths[i] with identities ids[i], in dir.  On a
 * hit, true with *data (free() it) and *len.  Thread-safe. */
bool cbec__cache_get(const char *dir, const char *kind, uint32_t version, const char *const *paths,
                     const cbec_file_id *ids, size_t n, void **data, size_t *len);

/* Store data as that entry, replacing any (written to a temporary file and
 * renamed, so readers see the old entry or the new one, whole).  Nothing
 * is stored while a file's modification or change time is within the
 * settling time of now: a file's timestamps have a coarse granularity,
 * and a second change inside the same tick would keep its identity.  dir
 * is made (mode 0700) when missing.  Failures are silent.  Thread-safe. */
void cbec__cache_put(const char *dir, const char *kind, uint32_t version, const char *const *paths,
                     const cbec_file_id *ids, size_t n, const void *data, size_t len);

/* The same with a tag (a short string, e.g. what was derived from the
 * files) as part of the key: entries of one kind from the same files and
 * other tags are kept apart.  A NULL tag is the untagged entry. */
bool cbec__cache_get_tagged(const char *dir, const char *kind, uint32_t version, const char *tag,
                            const char *const *paths, const cbec_file_id *ids, size_t n, void **data, size_t *len);
void cbec__cache_put_tagged(const char *dir, const char *kind, uint32_t version, const char *tag,
                            const char *const *paths, const cbec_file_id *ids, size_t n, const void *data,
                            size_t len);

/* The settling time, in milliseconds (2000 unless changed); for tests,
 * which make their files just before they load them.  Not thread-safe. */
void cbec__cache_set_settle_ms(unsigned ms);

#endif
