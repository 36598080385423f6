/* xml.h - the XML reader (libxml2 behind it): secure parsing of messages
 * into the document model, and the few hooks the XSD family (src/rules/xsd.c,
 * the only other file that includes libxml2) needs.  Internal; never
 * installed, never exported.
 *
 * The wire tree an XML message becomes (doc/xml.md has the full story):
 *   - the root node is an object with one member, the root element;
 *   - an element with neither attributes nor child elements is a string
 *     holding its text exactly as written (entities and character
 *     references resolved, CDATA merged), so "19050.00" stays a decimal;
 *   - any other element is an object: attributes as "@name" members (flag
 *     CBEC_NODEF_XML_ATTR), child elements by local name in order of first
 *     appearance, an element that occurs more than once as an array (flag
 *     CBEC_NODEF_ELEMENT_LIST), non-blank text beside them as "#text";
 *   - members are keyed by local name, so a message means the same whatever
 *     prefixes it binds (the XSD and the root detection check namespaces);
 *     paths in findings show names as written ("ceb:orderNo");
 *   - spans: libxml2's element line at read time; byte offset, line and
 *     column of the start tag (attribute: of its name) found on demand by
 *     cbec__xml_positions when a finding needs them. */
#ifndef CBEC_XML_H
#define CBEC_XML_H

#include "doc/doc.h"

typedef struct cbec_xml_reader cbec_xml_reader;

/* Initialise libxml2 once per process (xmlInitParser, and an external
 * entity loader that refuses everything the library's own parses ask for;
 * other users of libxml2 in the process keep the loader they had).  Safe
 * to call from any thread, any number of times.  Never undone: a library
 * must not call xmlCleanupParser. */
void cbec__xml_init(void);

cbec_xml_reader *cbec__xml_reader_new(void);
void cbec__xml_reader_free(cbec_xml_reader *r);
/* Whether the reader may build its element tree itself (on by default:
 * see "the light path" in xml.c) or must always use libxml2's tree
 * builder.  Both give the same tree; the unit tests check that. */
void cbec__xml_reader_set_light(cbec_xml_reader *r, bool on);
/* Whether doc, a successful read, took the light path. */
bool cbec__xml_read_was_light(const cbec_doc *doc);
/* Parse src into doc (nodes from arena).  Returns true on success; on a
 * malformed or refused message fills *e (rule CBEC-XML-SYNTAX,
 * CBEC-XML-ENTITY, CBEC-XML-DTD, CBEC-XML-LIMIT, CBEC-LIMIT-SIZE,
 * CBEC-LIMIT-DEPTH, CBEC-LIMIT-NODES, CBEC-EMPTY) and returns false; *oom
 * is set when memory ran out.  No file or network access ever happens;
 * libxml2's messages never reach stderr. */
bool cbec__xml_read(cbec_xml_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                    cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom);
/* Release the libxml2 tree kept by the last read. */
void cbec__xml_release(cbec_xml_reader *r, cbec_doc *doc);
/* Fill byte offsets, lines and columns of every element and attribute by
 * one scan of the raw text (UTF-8 and ASCII-compatible encodings; for
 * others the read-time lines stay). */
void cbec__xml_positions(cbec_doc *doc);

/* Namespace URI of the root element of an XML document ("" for none),
 * NULL when doc was not read from XML. */
const char *cbec__xml_root_namespace(const cbec_doc *doc);

/* ---- for the XSD family only ---- */

struct _xmlDoc;
struct _xmlNode;
struct _xmlSchema;
struct _xmlSchemaValidCtxt;

/* The libxml2 tree of doc (NULL when doc is not a live XML read). */
struct _xmlDoc *cbec__xml_tree(const cbec_doc *doc);
/* The document-model node made from a libxml2 element or attribute of the
 * current read (NULL when none). */
const cbec_node *cbec__xml_node_of(const struct _xmlNode *n);
/* The reader's validation context for a schema, made on first use and
 * kept for the next message: schema_id tells schemas apart even when one
 * is freed and another takes its address.  NULL when out of memory. */
struct _xmlSchemaValidCtxt *cbec__xml_valid_ctxt(const cbec_doc *doc, unsigned long schema_id,
                                                 struct _xmlSchema *schema);

/* While a schema compiles on this thread, resolve what libxml2 loads
 * (the schema, its includes and imports) through fetch; everything else
 * is refused.  The buffer fetch returns stays owned by the fetch side and
 * must live until the compile has ended.  Pass NULL to end. */
typedef bool (*cbec_xml_fetch)(void *ctx, const char *url, char **data, size_t *len);
void cbec__xml_set_fetch(cbec_xml_fetch fetch, void *ctx);

/* Refuse every external load on this thread until the matching end (the
 * XSD validation of a message); returns what to pass to end. */
int cbec__xml_refuse_begin(void);
void cbec__xml_refuse_end(int saved);

/* Silence libxml2's per-thread generic error channel around a call into
 * libxml2, and put back what the thread had. */
typedef struct cbec_xml_quiet {
    void *func;
    void *ctx;
} cbec_xml_quiet;
void cbec__xml_quiet_begin(cbec_xml_quiet *q);
void cbec__xml_quiet_end(const cbec_xml_quiet *q);

#endif /* CBEC_XML_H */
