/* schema.h - JSON Schema (draft 2020-12 and draft-07): compiling a schema
 * once into a tree of pre-parsed nodes, and validating instances against it.
 * Used by the pack's "json" section, the bare-schema packs and the
 * conformance runner; see doc/json-schema.md. */
#ifndef CBEC_SCHEMA_H
#define CBEC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/doc.h"
#include "rules/regex.h"

#define CBEC_SCHEMA_DRAFT7 7
#define CBEC_SCHEMA_DRAFT2020 2020

/* The scheme of retrieval URIs of files beside a schema (a pack's
 * directory): "cbec-file:/schemas/order.json".  Relative references between
 * such files resolve among them and can never climb out of the directory. */
#define CBEC_SCHEMA_FILE_SCHEME "cbec-file:"

typedef struct cbec_schema cbec_schema;

/* A URI prefix served from a directory: "http://localhost:1234/" -> dir. */
typedef struct cbec_schema_dir {
    const char *prefix;
    const char *dir;
} cbec_schema_dir;

typedef struct cbec_schema_config {
    int draft;                   /* dialect of a schema without $schema: 7 or 2020 (0: 2020) */
    bool format_assert;          /* "format" asserts instead of annotating */
    const cbec_schema_dir *dirs; /* caller-given resources */
    size_t ndirs;
    const char *base_dir;        /* where cbec-file: URIs are read from; NULL: nowhere */
    /* Told of every file read under base_dir (the pack digest); false stops
     * the compile with out-of-memory. */
    bool (*on_file)(void *ud, const char *rel, const char *data, size_t len);
    void *ud;
} cbec_schema_config;

/* Why a compile failed: a message for people, and where (the file and the
 * JSON Pointer in it, with line and column when known). */
typedef struct cbec_schema_error {
    char message[600];
    char file[512];
    char pointer[512];
    unsigned long line, column;
    bool oom;
} cbec_schema_error;

/* Compile the schema file rel (relative to cfg->base_dir).  On failure
 * returns false with *e filled. */
bool cbec__schema_compile_file(const cbec_schema_config *cfg, const char *rel, cbec_schema **out,
                               cbec_schema_error *e);
/* Compile a schema given as a node tree, which stays the caller's and must
 * outlive the schema.  uri is its retrieval URI (NULL: an internal one). */
bool cbec__schema_compile_node(const cbec_schema_config *cfg, const cbec_node *root,
                               const char *uri, cbec_schema **out, cbec_schema_error *e);
void cbec__schema_free(cbec_schema *s);
/* The dialect the root schema was compiled as (7 or 2020). */
int cbec__schema_draft(const cbec_schema *s);

/* ---- validation ---- */

/* What failed; the pack turns each into a finding with its own texts. */
typedef enum cbec_schema_fail {
    CBEC_SF_FALSE = 0,          /* the false schema */
    CBEC_SF_TYPE,
    CBEC_SF_ENUM,
    CBEC_SF_CONST,
    CBEC_SF_MINIMUM,
    CBEC_SF_MAXIMUM,
    CBEC_SF_XMINIMUM,
    CBEC_SF_XMAXIMUM,
    CBEC_SF_MULTIPLE_OF,
    CBEC_SF_MIN_LENGTH,
    CBEC_SF_MAX_LENGTH,
    CBEC_SF_PATTERN,
    CBEC_SF_FORMAT,
    CBEC_SF_MIN_ITEMS,
    CBEC_SF_MAX_ITEMS,
    CBEC_SF_UNIQUE_ITEMS,
    CBEC_SF_CONTAINS,
    CBEC_SF_MIN_CONTAINS,
    CBEC_SF_MAX_CONTAINS,
    CBEC_SF_ITEM_NOT_ALLOWED,   /* items/additionalItems/unevaluatedItems: false */
    CBEC_SF_REQUIRED,
    CBEC_SF_DEPENDENT_REQUIRED,
    CBEC_SF_MIN_PROPERTIES,
    CBEC_SF_MAX_PROPERTIES,
    CBEC_SF_PROPERTY_NOT_ALLOWED, /* additionalProperties/unevaluatedProperties: false */
    CBEC_SF_PROPERTY_NAME,
    CBEC_SF_ANY_OF,
    CBEC_SF_ONE_OF_NONE,
    CBEC_SF_ONE_OF_MANY,
    CBEC_SF_NOT,
    CBEC_SF_REGEX_LIMIT,        /* a pattern could not be decided within the match limits */
    CBEC_SF_DEPTH,              /* evaluation nested deeper than the bound */
    CBEC_SF_BUDGET,             /* evaluation took more steps than the bound */
    CBEC_SF_COUNT
} cbec_schema_fail;

typedef struct cbec_schema_failure {
    cbec_schema_fail code;
    const cbec_node *at;        /* the instance node (member, item or the value) */
    const char *location;       /* keyword location: "/properties/a/type", or
                                   "other.json#/$defs/x/type" in another document */
    const char *expected;       /* the keyword's expectation or the detail, may be "" */
} cbec_schema_failure;

typedef void (*cbec_schema_sink)(void *ud, const cbec_schema_failure *f);

typedef struct cbec_schema_run {
    cbec_regex_scratch *regex;  /* per-thread pattern scratch (required) */
    cbec_schema_sink sink;      /* NULL: only the verdict is wanted */
    void *ud;
    unsigned max_depth;         /* nested evaluations (0: 1000) */
    unsigned long max_steps;    /* schema node evaluations (0: 10 million + 100 per instance node) */
} cbec_schema_run;

/* Validate instance; true when valid.  Thread-safe on a shared schema. */
bool cbec__schema_validate(const cbec_schema *s, const cbec_node *instance, const cbec_schema_run *run);

/* ---- pieces shared by the schema files ---- */

/* Formats ("date-time", ...): the id of a name, -1 when unknown. */
int cbec__schema_format_id(const char *name, size_t len);
const char *cbec__schema_format_name(int id);
/* True when s is valid for format id. */
bool cbec__schema_format_check(int id, const char *s, size_t n);

/* ECMA-262 patterns: check the syntax and rewrite into PCRE2 syntax with the
 * same meaning (see doc/json-schema.md).  false with a reason in err. */
bool cbec__ecma_to_pcre2(const char *src, size_t len, cbec_buf *out, char *err, size_t errlen);
/* Compile an ECMA-262 pattern for searching (unanchored); NULL with err. */
cbec_regex *cbec__ecma_regex_compile(const char *src, size_t len, char *err, size_t errlen);

/* URI references (RFC 3986; with iri, RFC 3987 characters too). */
bool cbec__uri_valid(const char *s, size_t n, bool iri, bool reference);
/* Resolve ref against an absolute base (RFC 3986 5.2); NULL on OOM. */
char *cbec__uri_resolve(const char *base, const char *ref);
/* Length of the part before '#' */
size_t cbec__uri_strip_fragment(const char *uri);
/* True when s starts with a scheme ("x:"). */
bool cbec__uri_has_scheme(const char *s, size_t n);

#endif /* CBEC_SCHEMA_H */
