/* edidef.h - EDI message definitions: the segment table of a message
 * (segments and groups/loops with status and repetitions) and the data
 * elements and composites of its segments (data type, length, status,
 * code lists, syntax notes), read from a definition file beside a pack;
 * matching a message's segments against it; and the "edifact" and "x12"
 * sections of message types (detection, structure, bindings).  See
 * doc/edi.md for the definition file format. */
#ifndef CBEC_EDIDEF_H
#define CBEC_EDIDEF_H

#include "doc/edi.h"
#include "pack/pack.h"

typedef struct cbec_edidef cbec_edidef;
typedef struct cbec_edi_segdef cbec_edi_segdef;
typedef struct cbec_edi_entry cbec_edi_entry;

/* Load and compile a definition file (rel, relative to the pack) for a
 * format (CBEC_FORMAT_EDIFACT / CBEC_FORMAT_X12); errors go to c at node
 * at.  NULL on error. */
cbec_edidef *cbec__edidef_load(cbec_compiler *c, const cbec_node *at, const char *rel, int format);
void cbec__edidef_free(cbec_edidef *d);
/* What the definition defines: "IFTSTA" / "214", "D:96A" / "004010",
 * the agency ("UN", "X"), and the reference for findings. */
const char *cbec__edidef_message(const cbec_edidef *d);
const char *cbec__edidef_version(const cbec_edidef *d);
const char *cbec__edidef_agency(const cbec_edidef *d);
const char *cbec__edidef_ref(const cbec_edidef *d);

/* A definition compiled at load, or with defer (CBEC_OPT_DEFER_COMPILE)
 * read at load (its bytes count in the digest, a missing file is a load
 * error) and compiled when a message first needs it.  Until then its
 * message, version and reference come from the file's head.  NULL on a
 * load error (reported to c). */
typedef struct cbec_edidef_slot cbec_edidef_slot;
cbec_edidef_slot *cbec__edidef_slot_load(cbec_compiler *c, const cbec_node *at, const char *rel, int format,
                                         bool defer);
void cbec__edidef_slot_free(cbec_edidef_slot *s);
/* The compiled definition, compiling it on first use (any thread, once);
 * NULL with *error saying why when it does not compile. */
const cbec_edidef *cbec__edidef_slot_get(cbec_edidef_slot *s, const char **error);
const char *cbec__edidef_slot_message(const cbec_edidef_slot *s);
const char *cbec__edidef_slot_version(const cbec_edidef_slot *s);
const char *cbec__edidef_slot_ref(const cbec_edidef_slot *s);

/* ---- matching ---- */

/* One item of a group instance: a segment (with its definition, NULL when
 * the definition does not know the tag) or a nested group instance. */
typedef struct cbec_edi_item cbec_edi_item;
typedef struct cbec_edi_inst cbec_edi_inst;
struct cbec_edi_item {
    const cbec_node *seg;
    const cbec_edi_segdef *def;
    cbec_edi_inst *group;
    cbec_edi_item *next;
};
struct cbec_edi_inst {
    const char *name;          /* group name ("SG4", "0200"), "" for the message */
    cbec_edi_item *first, *last;
    uint32_t count;
};

/* Where a problem is reported: at the segment node seg (element/component
 * 0 for the whole segment). */
typedef void (*cbec_edi_problem_fn)(void *ctx, int problem, const cbec_node *seg, unsigned element,
                                    unsigned component, const char *en, const char *zh);

/* Match the segments of message m against d: the instance tree (from
 * arena) and, when report is not NULL, every structure and element problem.
 * decimal is the interchange's decimal mark.  NULL when out of memory. */
cbec_edi_inst *cbec__edidef_match(const cbec_edidef *d, const cbec_edi_message_info *m, char decimal,
                                  cbec_arena *arena, cbec_edi_problem_fn report, void *ctx);

/* The date-time a segment's definition composes ("datetime"), as ISO 8601
 * into buf; false when the segment has none or its values do not read. */
bool cbec__edidef_datetime(const cbec_edi_segdef *sd, const cbec_node *seg, char *buf, size_t cap,
                           const cbec_node **source);

/* ---- the "edifact" / "x12" sections of a message type ---- */

bool cbec__edifact_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out);
bool cbec__x12_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out);
/* The "detect" member value that tells the messages of a compiled EDI
 * section fs apart (what it was given, or what its definition defines),
 * as JSON into b; false when fs is not an EDI section's. */
bool cbec__edi_detect_json(const cbec_format_spec *fs, cbec_buf *b);

#endif /* CBEC_EDIDEF_H */
