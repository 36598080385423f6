/* digest.c - the nettle adapter: the only file that includes nettle. */
#include "core/digest.h"

#include <nettle/sha2.h>

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
