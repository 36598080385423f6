/* registry.h - registry internals used by the validator. */
#ifndef CBEC_REGISTRY_H
#define CBEC_REGISTRY_H

#include "pack/pack.h"

struct cbec_registry {
    cbec_pack **packs;
    size_t npacks;
};

const cbec_msgtype *cbec__pack_type(const cbec_pack *p, const char *name);
bool cbec__registry_find_type(const cbec_registry *r, const char *name, const cbec_pack **pack,
                              const cbec_msgtype **type);
/* Number of message types whose detection matches doc; the first is returned. */
size_t cbec__registry_detect(const cbec_registry *r, const cbec_doc *doc, const cbec_pack **pack,
                             const cbec_msgtype **type);

#endif
