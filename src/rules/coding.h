/* coding.h - the data and coding rule family (coding.c): identifiers with
 * check digits, exact decimal amounts bound to a currency's minor unit,
 * ISO 8601 dates and times and code mappings; plus the pointers by which a
 * check reaches another field of the same message. */
#ifndef CBEC_CODING_H
#define CBEC_CODING_H

#include "pack/pack.h"

/* A pointer from the value a rule checks to another value of the same
 * message: an absolute JSON Pointer ("/currency", from the message root)
 * or a Relative JSON Pointer (draft-bhutton-relative-json-pointer-00:
 * "1/currency" is the member "currency" of the value's parent, "1-1/time"
 * the member "time" of the previous item of the array holding the
 * parent, "0" the value itself).  "*" is not allowed: a pointer names one
 * value. */
typedef struct cbec_ref {
    char *text;              /* as written in the pack */
    bool absolute;
    unsigned up;             /* levels to climb first (relative) */
    long shift;              /* then move this many items along the array (relative) */
    char **tokens;           /* then descend: member names or array indices */
    size_t *lens;
    size_t ntokens;
} cbec_ref;

/* Compile a pointer string node; errors are reported at n. */
bool cbec__ref_compile(cbec_compiler *c, const cbec_node *n, cbec_ref *out);
void cbec__ref_free(cbec_ref *r);
/* The node the pointer names, seen from node from of document doc; NULL
 * when there is none (climbing past the root, an index out of range, a
 * missing member). */
const cbec_node *cbec__ref_resolve(const cbec_ref *r, const cbec_doc *doc, const cbec_node *from);

#endif
