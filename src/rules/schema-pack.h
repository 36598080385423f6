/* schema-pack.h - JSON Schema as the structure check of a message type's
 * "json" section (schema-pack.c). */
#ifndef CBEC_SCHEMA_PACK_H
#define CBEC_SCHEMA_PACK_H

#include "pack/pack.h"
#include "rules/schema.h"

/* Compile the JSON Schema keys of a "json" section ("schema", "schemaRule",
 * "schemaRef", "schemaSeverity", "draft", "formatAssert") into out's
 * structure check.  A section without "schema" compiles to nothing. */
bool cbec__schema_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *section,
                                  cbec_format_spec *out);

/* The finding text of a failure, in English or Chinese (tests, docs). */
const char *cbec__schema_fail_text(cbec_schema_fail code, bool zh);

#endif
