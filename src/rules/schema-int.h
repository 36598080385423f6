/* schema-int.h - the compiled form of a JSON Schema, shared by the compiler
 * (schema.c), the validator (schema-validate.c) and the helpers.  Nothing
 * here is visible outside src/rules/schema*.c. */
#ifndef CBEC_SCHEMA_INT_H
#define CBEC_SCHEMA_INT_H

#include <stdint.h>

#include "rules/schema.h"

/* ---- formats ---- */

typedef enum cbec_schema_format {
    CBEC_FMT_DATE_TIME = 0,
    CBEC_FMT_DATE,
    CBEC_FMT_TIME,
    CBEC_FMT_DURATION,
    CBEC_FMT_EMAIL,
    CBEC_FMT_IDN_EMAIL,
    CBEC_FMT_HOSTNAME,
    CBEC_FMT_IDN_HOSTNAME,
    CBEC_FMT_IPV4,
    CBEC_FMT_IPV6,
    CBEC_FMT_URI,
    CBEC_FMT_URI_REFERENCE,
    CBEC_FMT_IRI,
    CBEC_FMT_IRI_REFERENCE,
    CBEC_FMT_UUID,
    CBEC_FMT_REGEX,
    CBEC_FMT_JSON_POINTER,
    CBEC_FMT_RELATIVE_JSON_POINTER,
    CBEC_FMT_URI_TEMPLATE,
    CBEC_FMT_COUNT
} cbec_schema_format;

bool cbec__schema_ipv4(const char *s, size_t n);
bool cbec__schema_ipv6(const char *s, size_t n);
/* RFC 1123 host names; with idn, IDNA2008 U-labels too (schema-unicode.c). */
bool cbec__schema_hostname(const char *s, size_t n, bool idn);
/* One strictly valid UTF-8 scalar value: its length (0 when invalid). */
size_t cbec__schema_utf8_next(const char *s, size_t n, uint32_t *cp);

/* Decimal text of v (at most 20 digits and a NUL). */
void cbec__u64_text(uint64_t v, char out[24]);

/* ---- exact numbers of any size ---- */

/* A JSON number read from its text without conversion: the digits
 * (integer part then fraction part, skipping the point) from the first to
 * the last significant one, and the power of ten of the last.  Compares
 * and divides exactly whatever the size (1e400, 0.01 money). */
typedef struct js_num {
    const char *ip, *fp;   /* integer and fraction digits in the text */
    uint32_t il, fl;
    uint32_t lz, nsig;     /* first significant digit (index into ip+fp), count; 0: zero */
    int64_t e;             /* value = digits * 10^e */
    bool neg;
} js_num;

bool cbec__js_num_parse(const char *s, size_t n, js_num *out);
int cbec__js_num_cmp(const js_num *a, const js_num *b);
bool cbec__js_num_is_integer(const js_num *a);

/* ---- the compiled schema ---- */

/* Vocabularies (2020-12); draft-07 has them all. */
#define JS_VOC_CORE 0x01u
#define JS_VOC_APPLICATOR 0x02u
#define JS_VOC_UNEVALUATED 0x04u
#define JS_VOC_VALIDATION 0x08u
#define JS_VOC_FORMAT_ASSERT 0x10u
#define JS_VOC_ALL 0xFFu

/* Type bits: one per cbec_kind, and integer. */
#define JS_T_NULL (1u << CBEC_NODE_NULL)
#define JS_T_BOOL (1u << CBEC_NODE_BOOL)
#define JS_T_NUMBER (1u << CBEC_NODE_NUMBER)
#define JS_T_STRING (1u << CBEC_NODE_STRING)
#define JS_T_OBJECT (1u << CBEC_NODE_OBJECT)
#define JS_T_ARRAY (1u << CBEC_NODE_ARRAY)
#define JS_T_INTEGER (1u << 6)

typedef struct js_node js_node;
typedef struct js_res js_res;

/* A schema resource (a document root or a subschema with $id): the unit
 * of the dynamic scope of $dynamicRef. */
struct js_res {
    const char *uri;
    const char **dyn_names;  /* its $dynamicAnchor names ... */
    js_node **dyn_nodes;     /* ... and their schemas */
    size_t ndyn;
};

typedef struct js_prop {
    const char *name;
    size_t len;
    js_node *schema;
} js_prop;

typedef struct js_pattern {
    cbec_regex *re;
    const char *src;       /* the ECMA-262 source as written */
    js_node *schema;
    const char *loc;       /* keyword location of the entry */
} js_pattern;

typedef struct js_dep {
    const char *name;
    size_t len;
    const cbec_node *names;  /* dependentRequired: array of strings */
    js_node *schema;         /* dependentSchemas */
} js_dep;

typedef struct js_list {
    js_node **items;
    size_t count;
} js_list;

/* Keyword presence bits. */
enum {
    JS_HAS_TYPE = 1u << 0,
    JS_HAS_ENUM = 1u << 1,
    JS_HAS_CONST = 1u << 2,
    JS_HAS_MIN = 1u << 3,
    JS_HAS_MAX = 1u << 4,
    JS_HAS_XMIN = 1u << 5,
    JS_HAS_XMAX = 1u << 6,
    JS_HAS_MULT = 1u << 7,
    JS_HAS_MINLEN = 1u << 8,
    JS_HAS_MAXLEN = 1u << 9,
    JS_HAS_MINITEMS = 1u << 10,
    JS_HAS_MAXITEMS = 1u << 11,
    JS_HAS_MINPROPS = 1u << 12,
    JS_HAS_MAXPROPS = 1u << 13,
    JS_HAS_MINCONTAINS = 1u << 14,
    JS_HAS_MAXCONTAINS = 1u << 15,
    JS_HAS_UNIQUE = 1u << 16,
    JS_HAS_FORMAT = 1u << 17,
};

struct js_node {
    const cbec_node *src;    /* the schema's JSON (kept alive by the schema) */
    js_res *res;             /* the resource it belongs to */
    const char *loc;         /* its keyword location ("" for the root) */
    int draft;
    bool is_bool, bool_value;
    bool compiled;           /* false while its keywords are being compiled */
    bool tracks;             /* has unevaluatedProperties/Items: collects annotations */
    uint32_t has;            /* JS_HAS_* */
    unsigned types;          /* JS_T_* */
    const char *types_text;  /* "string|null" for messages */
    const cbec_node *enum_v, *const_v;
    js_num min, max, xmin, xmax, mult;
    unsigned __int128 mult_coef; /* multipleOf's significant digits */
    uint64_t minlen, maxlen, minitems, maxitems, minprops, maxprops, mincontains, maxcontains;
    cbec_regex *pattern;
    const char *pattern_src;
    int format;              /* cbec_schema_format, or -1 */
    bool format_assert;
    const char *format_name;
    /* objects */
    js_prop *props;
    size_t nprops;
    cbec_strmap prop_map;    /* name -> js_prop*, when there are many */
    js_pattern *pats;
    size_t npats;
    js_node *additional_props, *property_names, *unevaluated_props;
    const cbec_node **required;
    size_t nrequired;
    js_dep *dep_required, *dep_schemas;
    size_t ndep_required, ndep_schemas;
    /* arrays */
    js_list prefix;          /* prefixItems, or draft-07 array-form items */
    js_node *items;          /* items after the prefix (2020 items, draft-07 additionalItems
                                or object-form items) */
    js_node *contains, *unevaluated_items;
    /* applicators */
    js_list all_of, any_of, one_of;
    js_node *not_, *if_, *then_, *else_;
    js_node *ref;            /* $ref, resolved */
    js_node *dyn_ref;        /* $dynamicRef: the initial target */
    const char *dyn_name;    /* the anchor to look for in the dynamic scope (NULL: static) */
};

struct cbec_schema {
    js_node *root;
    int draft;
    bool format_assert;
    cbec_arena arena;        /* nodes, strings, tables */
    /* loaded documents, freed with the schema */
    struct js_doc **docs;
    size_t ndocs;
    cbec_json_reader *reader; /* for the documents read */
    cbec_regex **regexes;    /* compiled patterns (shared by equal sources) */
    size_t nregexes;
    cbec_strmap regex_map;
    js_node **nodes;         /* every compiled node (for strmap teardown) */
    size_t nnodes, capnodes;
};

#endif /* CBEC_SCHEMA_INT_H */
