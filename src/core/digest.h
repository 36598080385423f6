/* digest.h - SHA-256 (through nettle) for pack integrity digests. */
#ifndef CBEC_DIGEST_H
#define CBEC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

typedef struct cbec_sha256 {
    _Alignas(16) unsigned char opaque[160]; /* nettle's context, hidden */
} cbec_sha256;

void cbec__sha256_init(cbec_sha256 *h);
void cbec__sha256_update(cbec_sha256 *h, const void *data, size_t len);
/* Finish into 64 lower-case hex digits and a NUL. */
void cbec__sha256_hex(cbec_sha256 *h, char out[65]);
/* One-shot. */
void cbec__sha256_data_hex(const void *data, size_t len, char out[65]);
/* One-shot over the bytes of the file at path: the same result, but the
 * digest is remembered (with a copy of the bytes, for files up to 1 MiB)
 * and reused while the same path has the same bytes.  Thread-safe. */
void cbec__sha256_file_hex(const char *path, const void *data, size_t len, char out[65]);

#endif
