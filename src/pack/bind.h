/* bind.h - format bindings: the mapping that lets rules written once against
 * a message type's logical fields (JSON Pointers, "*" for repeated items)
 * check the same data carried in another wire format.  Shared by every
 * wire format whose tree is not the logical tree itself: the "xml" section
 * uses it (src/rules/xsd.c); the EDI sections are meant to use it the same
 * way, with their own path syntax.
 *
 * In a pack, a binding is the value of a format section's "bind" key: an
 * object, or a string naming a JSON file beside the pack holding it:
 *
 *   { "each":   "/CEB311Message/Order/[*]",            (optional)
 *     "fields": { "/orderNo":            "OrderHead/orderNo",
 *                 "/items/[*]/quantity": "OrderList/[*]/qty",
 *                 "/currency": { "from": "OrderHead/currency",
 *                                "map": { "codelist": "cebCurrency", "attribute": "iso" } } } }
 *
 *   ([*] stands for a bare * segment here, which a C comment cannot hold
 *   before a slash; doc/xml.md has the real thing.)
 *
 * - Keys of "fields" are logical paths; values are wire paths, written as
 *   JSON Pointers into the wire tree the format's reader builds, each
 *   segment passed through the format's syntax (XML: a "prefix:" is
 *   allowed and ignored, members being keyed by local name).
 * - "*" in a wire path is every occurrence of a repeated group: each item
 *   of an array, or the node itself when it occurs once.  The n-th "*" of a
 *   logical path takes its index from the n-th "*" of the wire path, so the
 *   quantity and the price of one line land in the same logical item.
 * - "each" splits one message into several logical documents (the orders
 *   of a customs envelope); each is checked on its own.  Wire paths without
 *   a leading "/" are then relative to the occurrence; with "/" they start
 *   at the document root.
 * - "map" replaces a scalar's text by an attribute of its code in a code
 *   list of the pack (customs currency 142 -> ISO 4217 CNY); a code the list
 *   lacks keeps its text, so the rules on the field report it.
 *
 * The logical tree: every node made by the binding has CBEC_NODEF_BOUND
 * and origin set to the wire node it stands for (the bound node itself,
 * the occurrence a "*" matched, or for other containers the nearest wire
 * node holding everything bound below), so a finding shows the wire
 * format's path and position.  A bound node that is a container in the
 * wire tree keeps the wire children as they are.  With "each" the root is
 * an array flagged CBEC_NODEF_UNITS.
 *
 * Required rules: a logical field that no binding entry reaches is not
 * carried by the format, and its "required" does not apply there
 * (cbec_format_spec.carries); a carried field that is absent is reported.
 */
#ifndef CBEC_BIND_H
#define CBEC_BIND_H

#include "pack/pack.h"

typedef struct cbec_binding cbec_binding;

/* How one wire format writes the segments of its paths. */
typedef struct cbec_bind_syntax {
    const char *format;   /* name for messages, e.g. "XML" */
    /* Turn one segment as written into the key of the wire tree, in place
     * (*len may shrink).  Returns false for a segment the format cannot
     * have, with a reason in why.  NULL: segments are keys as written. */
    bool (*segment)(char *seg, size_t *len, const char **why);
} cbec_bind_syntax;

/* Compile the "bind" value n (object, or string naming a JSON file beside
 * the pack) and install it in fs (bind, carries, binding_free).  Code lists
 * named by "map" must already be defined by the pack.  Errors go to c. */
bool cbec__binding_compile(cbec_compiler *c, const cbec_node *n, const cbec_bind_syntax *syn,
                           cbec_format_spec *fs);

/* The parts cbec__binding_compile installs, for formats that wrap them. */
bool cbec__binding_run(const void *binding, cbec_vctx *v, const cbec_doc *wire, cbec_doc *logical);
bool cbec__binding_carries(const void *binding, const cbec_node *holder, const char *name, size_t len);
void cbec__binding_free(void *binding);

#endif /* CBEC_BIND_H */
