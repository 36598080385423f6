/* schema-meta.h - the official metaschemas embedded at build time
 * (schema-meta.c is generated from data/json-schema by schema-embed.py). */
#ifndef CBEC_SCHEMA_META_H
#define CBEC_SCHEMA_META_H

#include <stddef.h>

typedef struct cbec_schema_meta {
    const char *uri;   /* the $id, without an empty fragment */
    const char *text;  /* the JSON document */
    size_t len;
} cbec_schema_meta;

extern const cbec_schema_meta cbec__schema_metas[];
extern const size_t cbec__schema_nmetas;

/* The embedded document for uri (an empty fragment and the https form of
 * the draft-07 URI accepted), NULL when none. */
const cbec_schema_meta *cbec__schema_meta_find(const char *uri);

#endif
