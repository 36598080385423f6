/* xsd.h - XML message types: the "xml" section of a message type (root
 * element detection, XSD structure, binding onto the logical fields).  The
 * pack format is in doc/pack-format.md, the behaviour in doc/xml.md. */
#ifndef CBEC_XSD_H
#define CBEC_XSD_H

#include "pack/pack.h"

/* Compile the "xml" section n of message type t into out.
 *   "root": {"name": LOCAL, "namespace": URI}  detection by the root element
 *   "xsd":  FILE or {"file": FILE, "id": RULE_ID, "ref": CLAUSE,
 *                    "severity": ..., "message": {...}}
 *           the schema (includes and imports resolved inside the pack's
 *           directory only), compiled once per process and file set
 *   "bind": the binding onto the logical fields (pack/bind.h) */
bool cbec__xml_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out);

/* How many XSDs the process has compiled (a schema is shared by every
 * pack naming the same file set with the same content); for the tests. */
unsigned long cbec__xsd_compile_count(void);

#endif /* CBEC_XSD_H */
