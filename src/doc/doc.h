/* doc.h - the format-neutral document model every reader produces.
 *
 * A message becomes a tree of nodes allocated in one arena: objects (named
 * members, in source order), arrays, and scalars that keep their exact
 * source text (a number is never converted to binary floating point).
 * Every node can carry its source span; readers that know positions fill
 * them while parsing (XML, EDI); the JSON readers fill them on demand:
 * json-message.c (messages and the files of packs) from the byte offsets
 * it records, json.c (json-c: JSON Logic rules given to the API, unusual
 * iso-codes files) by a scan of the text, because json-c keeps none.  Nodes are never
 * modified once the tree is handed to the rules. */
#ifndef CBEC_DOC_H
#define CBEC_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef enum cbec_kind {
    CBEC_NODE_NULL = 0,
    CBEC_NODE_BOOL = 1,
    CBEC_NODE_NUMBER = 2,
    CBEC_NODE_STRING = 3,
    CBEC_NODE_OBJECT = 4,
    CBEC_NODE_ARRAY = 5
} cbec_kind;

/* Where a node stands in the message.  JSON/XML: byte offset, line and
 * column (1-based, column in characters).  EDI: also the segment number,
 * element and component index (1-based; 0 when not applicable). */
typedef struct cbec_span {
    uint32_t offset;     /* byte offset; valid when line != 0 */
    uint32_t line;       /* 0: unknown */
    uint32_t column;
    uint32_t segment;    /* EDI only */
    uint16_t element;
    uint16_t component;
} cbec_span;

typedef struct cbec_node cbec_node;
struct cbec_node {
    uint8_t kind;          /* cbec_kind */
    uint8_t flags;         /* CBEC_NODEF_* */
    uint16_t prefixlen;    /* XML: bytes of "prefix:" stored just before key
                              (members are keyed by local name; paths show
                              the name as written), 0 when none */
    uint32_t index;        /* position in the parent's children */
    uint32_t count;        /* children of an object or array */
    uint32_t keylen;
    const char *key;       /* member name (object children), NULL otherwise */
    const char *text;      /* scalars: the value's text (string decoded;
                              number exactly as written; "true"/"false") */
    size_t len;            /* length of text in bytes (may contain NUL) */
    cbec_node *children;   /* contiguous array of count nodes */
    cbec_node *parent;     /* NULL for the root */
    const cbec_node *origin; /* CBEC_NODEF_BOUND: the wire node this logical
                              node came from (its path and span are the
                              ones a finding shows); NULL otherwise */
    cbec_span span;
};

#define CBEC_NODEF_XML_ATTR 0x01   /* an XML attribute (key "@name") */
#define CBEC_NODEF_ELEMENT_LIST 0x02 /* an array made of repeated XML elements */
#define CBEC_NODEF_XML_DOC 0x04    /* root of a tree read from XML: paths render
                                      as XML element paths (see cbec__node_pointer) */
#define CBEC_NODEF_BOUND 0x08      /* made by a format binding; origin is set */
#define CBEC_NODEF_UNITS 0x10      /* a binding's root array whose items are
                                      separate logical documents (one per
                                      repeated wire group, e.g. per order) */
#define CBEC_NODEF_EDI_COMPOSITE 0x20 /* an EDI element made of components (edi.h) */
#define CBEC_NODEF_EDI_REPEAT 0x40 /* an EDI element whose items are its repetitions */

/* A parsed message: the tree plus what was needed to find positions. */
typedef struct cbec_doc {
    cbec_node *root;
    const char *src;      /* the raw message (borrowed for the validation) */
    size_t srclen;
    int format;           /* cbec_format */
    bool positions;       /* spans are filled */
    size_t nodes;
    void *reader_state;   /* reader-owned (e.g. the json-c tree), released by the reader */
} cbec_doc;

/* Member lookup on an object node (last one wins for duplicates), NULL if
 * absent or not an object. */
const cbec_node *cbec__node_member(const cbec_node *obj, const char *name, size_t namelen);
/* Append the path of n to b, as a person would look for it in the message:
 * the RFC 6901 JSON Pointer for JSON trees; for a tree read from XML the
 * element path with names as written and 1-based positions of repeated
 * elements ("/ceb:CEB311Message/ceb:Order[2]/ceb:OrderHead/ceb:orderNo",
 * "/@attr" for attributes); for a bound logical node the path of the wire
 * node it came from. */
void cbec__node_pointer(const cbec_node *n, cbec_buf *b);
/* Append the plain RFC 6901 JSON Pointer of n within its own tree. */
void cbec__node_json_pointer(const cbec_node *n, cbec_buf *b);
/* Append the canonical JSON form of n to b: object members sorted by name
 * (bytewise), no insignificant whitespace, strings escaped minimally,
 * numbers exactly as written.  Used for pack digests and rule comparison. */
void cbec__node_canonical(const cbec_node *n, cbec_buf *b);
/* The same, and for an object the place of each member's value in b:
 * ranges[i] is [start, end) of the value of n->children[i] (ranges has
 * n->count rows).  A member's canonical form is that slice of its
 * parent's. */
void cbec__node_canonical_members(const cbec_node *n, cbec_buf *b, size_t (*ranges)[2]);
/* Name of a kind ("object", "string", ...). */
const char *cbec__kind_name(int kind);
/* True for scalars whose text is meaningful to string checks. */
static inline bool cbec__node_is_scalar(const cbec_node *n)
{
    return n->kind != CBEC_NODE_OBJECT && n->kind != CBEC_NODE_ARRAY;
}

/* ---- JSON readers ---- */

typedef struct cbec_json_reader cbec_json_reader;

typedef struct cbec_read_limits {
    size_t max_bytes;
    unsigned max_depth;
    size_t max_nodes;
} cbec_read_limits;

/* A failed read: what went wrong and where (byte offset into the input). */
typedef struct cbec_read_error {
    const char *rule;     /* built-in rule id, e.g. "CBEC-JSON-SYNTAX" */
    char message_en[160];
    char message_zh[160];
    size_t offset;
    bool has_offset;
} cbec_read_error;

/* Fill e: every reader reports its failures this way. */
void cbec__read_error_set(cbec_read_error *e, const char *rule, size_t offset, bool has_offset, const char *en,
                          const char *zh);
/* The message held more than max_nodes values (CBEC-LIMIT-NODES). */
void cbec__read_error_nodes(cbec_read_error *e, size_t max_nodes);

cbec_json_reader *cbec__json_reader_new(unsigned max_depth);
void cbec__json_reader_free(cbec_json_reader *r);
/* Parse src into doc (nodes from arena).  Returns true on success; on a
 * malformed message fills *e and returns false.  *oom is set when memory
 * ran out. */
bool cbec__json_read(cbec_json_reader *r, const char *src, size_t len,
                     const cbec_read_limits *lim, cbec_arena *arena, cbec_doc *doc,
                     cbec_read_error *e, bool *oom);
/* Parse a message or a file of a pack: the same tree as cbec__json_read, in one pass without
 * json-c (json-message.c; strict RFC 8259: no NaN/Infinity, no "1.", no raw
 * control characters in strings).  Spans get their byte offsets; lines and
 * columns come from cbec__json_message_positions.  Nothing to release. */
bool cbec__json_read_message(cbec_json_reader *r, const char *src, size_t len,
                             const cbec_read_limits *lim, cbec_arena *arena, cbec_doc *doc,
                             cbec_read_error *e, bool *oom);
/* Fill line and column of every node of a tree read by cbec__json_read_message. */
void cbec__json_message_positions(cbec_doc *doc);
/* Release the reader state kept by the last read (the json-c tree). */
void cbec__json_release(cbec_json_reader *r, cbec_doc *doc);
/* Fill the spans of every node by one scan of the raw JSON text. */
void cbec__json_positions(cbec_doc *doc);

/* Find the byte offset of the value at JSON Pointer ptr in a JSON text
 * (used for pack error positions).  Returns false when not found. */
bool cbec__json_locate(const char *text, size_t len, const char *ptr, size_t *offset);

#endif /* CBEC_DOC_H */
