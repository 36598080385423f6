/* edi.h - what the UN/EDIFACT and ANSI X12 readers share: the shape of the
 * wire tree they build, the classes of problems they (and the message
 * definitions) report, and the interchange facts acknowledgements need.
 *
 * The wire tree of an input (both syntaxes; an input may hold several
 * interchanges, as mailbags do):
 *
 *   { "syntax": "EDIFACT" | "X12",
 *     "interchanges": [
 *       { "header":  <segment UNB | ISA>,
 *         "service":  [<segment>...],   interchange-level segments (TA1, stray)
 *         "groups":   [{"header": <UNG | GS>, "trailer": <UNE | GE>}...],
 *         "messages": [{"type": "IFTSTA" | "214", "version": "D:96A" | "004010",
 *                       "group": "1", "segments": [<segment>...]}...],
 *         "trailer": <segment UNZ | IEA> } ] }
 *
 * A segment is an array: item 0 is the tag, item i the data element at
 * position i.  A simple element is a string; a composite element is an
 * array of component strings (CBEC_NODEF_EDI_COMPOSITE); a repeated element
 * is an array of occurrences (CBEC_NODEF_EDI_REPEAT), each a string or a
 * composite.  Every node's span holds the byte offset, line and column, the
 * segment's ordinal in the interchange (1 = UNB/ISA) and the element and
 * component positions (1-based, 0 when not applicable).  Values are UTF-8:
 * release characters are removed, ISO 8859 repertoires converted, and CR/LF
 * line folding inside segments dropped. */
#ifndef CBEC_EDI_H
#define CBEC_EDI_H

#include "doc/doc.h"

/* Problems found in EDI messages.  Each has a built-in rule id and the
 * codes the functional acknowledgements use for it (table in edi.c). */
typedef enum cbec_edi_problem {
    CBEC_EDI_P_NONE = 0,
    /* interchange syntax: found by the readers */
    CBEC_EDI_P_TRUNCATED,          /* input ends inside a segment or an envelope */
    CBEC_EDI_P_SEPARATORS,         /* UNA / ISA separators unusable */
    CBEC_EDI_P_ENVELOPE_MISSING,   /* a header or trailer segment is missing */
    CBEC_EDI_P_ENVELOPE_OUTSIDE,   /* a segment where the envelope allows none */
    CBEC_EDI_P_HEADER_VALUE,       /* a missing or invalid envelope field */
    CBEC_EDI_P_CONTROL_REF,        /* header and trailer control references differ */
    CBEC_EDI_P_COUNT,              /* a control count differs from what was received */
    CBEC_EDI_P_SYNTAX_ID,          /* unknown syntax identifier or version */
    CBEC_EDI_P_CHARSET,            /* a character outside the declared repertoire */
    CBEC_EDI_P_SEGMENT_TAG,        /* a malformed segment tag */
    CBEC_EDI_P_EMPTY,              /* an interchange or group without messages */
    CBEC_EDI_P_DUPLICATE,          /* a control reference used twice */
    CBEC_EDI_P_MIXED,              /* groups and ungrouped messages mixed */
    CBEC_EDI_P_UNKNOWN_TYPE,       /* info: no loaded pack defines the message */
    CBEC_EDI_P_NOT_CHECKED,        /* info: a message of another type was not checked */
    /* message structure: found by the message definitions */
    CBEC_EDI_P_SEG_UNKNOWN,        /* a segment the message does not define */
    CBEC_EDI_P_SEG_UNEXPECTED,     /* a defined segment out of its place */
    CBEC_EDI_P_SEG_MISSING,        /* a mandatory segment or group is missing */
    CBEC_EDI_P_SEG_TOO_MANY,       /* a segment repeats more than allowed */
    CBEC_EDI_P_LOOP_TOO_MANY,      /* a group repeats more than allowed */
    CBEC_EDI_P_ELEM_MISSING,       /* a mandatory element or component is missing */
    CBEC_EDI_P_ELEM_CONDITION,     /* a syntax note requires an element */
    CBEC_EDI_P_ELEM_EXCLUSION,     /* a syntax note excludes an element */
    CBEC_EDI_P_ELEM_TOO_MANY,      /* more data elements than the segment has */
    CBEC_EDI_P_ELEM_TOO_SHORT,
    CBEC_EDI_P_ELEM_TOO_LONG,
    CBEC_EDI_P_ELEM_BAD_CHAR,      /* a character the data type does not allow */
    CBEC_EDI_P_ELEM_BAD_CODE,      /* a value outside the element's code list */
    CBEC_EDI_P_ELEM_BAD_DATE,
    CBEC_EDI_P_ELEM_BAD_TIME,
    CBEC_EDI_P_ELEM_TOO_MANY_REPS,
    CBEC_EDI_P_ELEM_TOO_MANY_COMPONENTS,
    CBEC_EDI_P_COUNT_
} cbec_edi_problem;

typedef struct cbec_edi_problem_info {
    const char *rule;        /* built-in rule id, e.g. "CBEC-EDI-COUNT" */
    uint8_t x12_segment;     /* X12 720 (AK304) / 620 (IK304) code, 0: none */
    uint8_t x12_element;     /* X12 723 (AK403) / 621 (IK403) code */
    uint8_t x12_set;         /* X12 718 (AK502) / 618 (IK502) code */
    uint8_t x12_group;       /* X12 716 (AK905) code */
    uint8_t edifact;         /* UN/EDIFACT 0085 syntax error code */
    const char *what_en;     /* short description for people */
    const char *what_zh;
} cbec_edi_problem_info;

/* The table entry of a problem (NULL for CBEC_EDI_P_NONE or out of range). */
const cbec_edi_problem_info *cbec__edi_problem(int problem);
/* The problem whose built-in rule id is rule, CBEC_EDI_P_NONE if none. */
int cbec__edi_problem_by_rule(const char *rule);

/* ---- what the readers learn about the interchange ---- */

typedef struct cbec_edi_issue {
    int problem;            /* cbec_edi_problem */
    int severity;           /* cbec_severity */
    cbec_span span;         /* where; segment 0 when not tied to a segment */
    const char *en, *zh;    /* the message (arena) */
} cbec_edi_issue;

typedef struct cbec_edi_interchange_info {
    uint32_t header, trailer;     /* ordinals of UNB/ISA and UNZ/IEA, 0 when absent */
    char element_sep, component_sep, repetition_sep, segment_term, release, decimal;
    bool una;                     /* EDIFACT: a UNA service string advice was given */
    const char *syntax_id;        /* "UNOC" / ISA11 standards id; "" when none */
    unsigned syntax_version;      /* UNB 0002 / ISA12 as a number */
    const char *version_text;     /* "3" / "00401" */
    const char *sender, *sender_qual, *recipient, *recipient_qual;
    const char *date, *time, *control, *test, *ack_requested;
    uint32_t first_group, ngroups, first_message, nmessages;
} cbec_edi_interchange_info;

typedef struct cbec_edi_group_info {
    uint32_t header, trailer;     /* ordinals of UNG/GS and UNE/GE, 0 when absent */
    uint32_t interchange;         /* index into interchanges */
    const char *id;               /* UNG 0038 / GS01 functional identifier */
    const char *sender, *recipient, *ref, *version, *agency;
    uint32_t first_message, nmessages;
} cbec_edi_group_info;

typedef struct cbec_edi_message_info {
    uint32_t header, trailer;     /* ordinals of UNH/ST and UNT/SE, 0 when absent */
    uint32_t last;                /* ordinal of the message's last segment */
    uint32_t interchange;         /* index into interchanges */
    uint32_t group;               /* 1-based index into groups, 0 when none */
    const char *ref;              /* UNH 0062 / ST02 */
    const char *type;             /* UNH 0065 / ST01 */
    const char *version;          /* "D:96A" (0052:0054) / GS08 */
    const char *agency;           /* UNH 0051 */
    const char *assoc;            /* UNH 0057 / ST03 */
    const cbec_node *node;        /* the message object of the wire tree */
    uint8_t envelope_problem;     /* first envelope problem of the message, 0 none */
} cbec_edi_message_info;

typedef struct cbec_edi_info {
    int format;                   /* CBEC_FORMAT_EDIFACT or CBEC_FORMAT_X12 */
    cbec_edi_interchange_info *interchanges;
    size_t ninterchanges;
    cbec_edi_group_info *groups;
    size_t ngroups;
    cbec_edi_message_info *messages;
    size_t nmessages;
    const cbec_node **segments;   /* segment nodes by ordinal - 1 */
    size_t nsegments;
    cbec_edi_issue *issues;
    size_t nissues, dropped;      /* issues past CBEC_EDI_MAX_ISSUES are counted only */
} cbec_edi_info;

#define CBEC_EDI_MAX_ISSUES 1000

/* The reader state: scratch vectors reused from one message to the next. */
typedef struct cbec_edi_reader cbec_edi_reader;

cbec_edi_reader *cbec__edi_reader_new(void);
void cbec__edi_reader_free(cbec_edi_reader *r);

/* Read an EDIFACT or X12 interchange into doc (nodes from arena).  Problems
 * that leave a usable tree become issues in the doc's cbec_edi_info (see
 * cbec__edi_info); false (with *e) only when nothing usable could be read;
 * false with *oom when memory ran out.  Pure functions over the buffer: they
 * never read past src + len. */
bool cbec__edifact_read(cbec_edi_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                        cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom);
bool cbec__x12_read(cbec_edi_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                    cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom);

/* The interchange facts of a document an EDI reader produced, else NULL. */
const cbec_edi_info *cbec__edi_info(const cbec_doc *doc);
/* The message an ordinal belongs to (index into info->messages), -1 when
 * it lies outside every message. */
long cbec__edi_message_of(const cbec_edi_info *info, uint32_t ordinal);
/* The tag of the segment with that ordinal, "" when none. */
const char *cbec__edi_segment_tag(const cbec_edi_info *info, uint32_t ordinal);

/* ---- helpers for those who read the tree (definitions, bindings) ---- */

/* The element at position pos (1-based) of a segment node, NULL if absent. */
const cbec_node *cbec__edi_element(const cbec_node *segment, unsigned pos);
/* The component at position comp (1-based) of an element or occurrence: a
 * simple element is its own first component.  NULL if absent. */
const cbec_node *cbec__edi_component(const cbec_node *element, unsigned comp);
/* The tag of a segment node ("" if malformed). */
const char *cbec__edi_tag(const cbec_node *segment, size_t *len);
/* True when a value is present (not absent, not empty). */
bool cbec__edi_present(const cbec_node *n);
/* Calendar date YYMMDD (n 6) or CCYYMMDD (n 8); time HHMM[SS[d..]]. */
bool cbec__edi_date_ok(const char *s, size_t n);
bool cbec__edi_time_ok(const char *s, size_t n);

/* ---- summary kept by a report, for acknowledgements ---- */

typedef struct cbec_edi_summary_interchange {
    char element_sep, component_sep, repetition_sep, segment_term, release, decimal;
    bool una;
    char *syntax_id, *version_text;
    unsigned syntax_version;
    char *sender, *sender_qual, *recipient, *recipient_qual, *date, *time, *control, *test;
    uint32_t header, trailer;
    uint32_t first_group, ngroups, first_message, nmessages;
} cbec_edi_summary_interchange;

typedef struct cbec_edi_summary_group {
    char *id, *sender, *recipient, *ref, *version;
    uint32_t header, trailer, interchange;
    uint32_t first_message, nmessages;
} cbec_edi_summary_group;

typedef struct cbec_edi_summary_message {
    char *ref, *type, *version, *agency, *assoc;
    uint32_t header, trailer, last, group, interchange;
    uint8_t envelope_problem;
} cbec_edi_summary_message;

typedef struct cbec_edi_summary {
    int format;
    cbec_edi_summary_interchange *interchanges;
    size_t ninterchanges;
    cbec_edi_summary_group *groups;
    size_t ngroups;
    cbec_edi_summary_message *messages;
    size_t nmessages;
} cbec_edi_summary;

/* A heap copy of what an acknowledgement needs (NULL when out of memory). */
cbec_edi_summary *cbec__edi_summary_new(const cbec_edi_info *info);
void cbec__edi_summary_free(cbec_edi_summary *s);

#endif /* CBEC_EDI_H */
