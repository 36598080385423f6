/* validate.h - validator, report and finding internals. */
#ifndef CBEC_VALIDATE_H
#define CBEC_VALIDATE_H

#include "pack/pack.h"
#include "pack/privacy.h"
#include "rules/regex.h"

typedef struct cbec_finding {
    const char *rule;          /* borrowed from the pack, or static */
    int severity;
    const char *pack;          /* "id@version", borrowed */
    const char *ref;           /* borrowed, "" when none */
    const cbec_i18n *tmpl;     /* the rule's own templates, or NULL */
    const char *tmpl_en;       /* fallback templates (static or pack-owned) */
    const char *tmpl_zh;
    char *path;                /* report-owned strings below */
    char *value;
    char *expected;
    char *reason_en;
    char *reason_zh;
    const cbec_node *node;     /* valid only during the validation */
    size_t offset;
    unsigned long line, column;
    bool has_offset;
    const cbec_waiver *waiver; /* the waiver in force that softened it */
    size_t seq;                /* order of recording, for a stable sort */
    const char *kind;          /* the check kind's key, NULL for built-ins */
    uint32_t edi_segment;      /* EDI: segment ordinal in the input, 0 none */
    uint16_t edi_element, edi_component;
    char edi_tag[4];           /* EDI: the segment's tag ("" unknown) */
} cbec_finding;

struct cbec_report {
    cbec_finding *items;
    size_t count, cap, limit;
    bool truncated;
    size_t by_severity[4];
    size_t total;
    char *type;
    int format;
    bool failed;               /* the message could not be processed */
    bool oom;                  /* a finding could not be stored */
    struct cbec_snapshot *snap; /* kept for the rule strings findings borrow */
    cbec_pack **packs;         /* the packs that decided, for the report */
    size_t npacks;
    struct cbec_edi_summary *edi; /* EDI: the envelopes, for acknowledgements */
    cbec_arena arena;          /* strings of the findings */
    cbec_buf out;              /* last render */
    char *source;
    unsigned long index;
};

struct cbec_vctx {
    cbec_validator *validator;
    cbec_report *report;
    cbec_doc *doc;
    const cbec_pack *pack;
    const cbec_format_spec *spec; /* the message type's form being checked */
    cbec_buf tmp;
    char date[11];             /* the date this validation runs for */
    cbec_privacy_set privacy;  /* classifications in force: personal values are masked */
};

/* A wire-format reader, as the validator sees it (table in readers.c). */
typedef struct cbec_reader_kind {
    int format;            /* cbec_format */
    const char *name;      /* "JSON", "XML", ... */
    void *(*state_new)(cbec_validator *v);
    void (*state_free)(void *state);
    /* Read src into doc (nodes from v->arena).  false with *e filled for a
     * malformed message; false with *oom set when memory ran out. */
    bool (*read)(void *state, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                 cbec_read_error *e, bool *oom);
    /* Release what read() kept in doc->reader_state (may be NULL). */
    void (*release)(void *state, cbec_doc *doc);
    /* Fill spans on demand (NULL: the reader fills them while reading). */
    void (*positions)(cbec_doc *doc);
    /* Optional: after the checks, while doc is alive, complete the report
     * (EDI: segment tags of findings, the envelopes for acknowledgements);
     * false when memory ran out. */
    bool (*finish)(void *state, const cbec_doc *doc, cbec_report *r);
    /* Optional: no pack could tell the message type; record what to say
     * instead of failing the message (EDI: an info finding). */
    void (*untyped)(void *state, const cbec_doc *doc, cbec_report *r);
} cbec_reader_kind;

const cbec_reader_kind *cbec__reader_kind(int format);

struct cbec_validator {
    void *readers[CBEC_NFORMATS];   /* per-format reader state, made on first use */
    unsigned json_depth;
    cbec_arena arena;
    cbec_regex_scratch *regex;
    cbec_read_limits limits;
    size_t max_findings;
    char date[11];             /* CBEC_VOPT_DATE, "" when unset */
    bool allow_inactive;       /* CBEC_VOPT_ALLOW_INACTIVE */
    char *previous_state;      /* CBEC_VOPT_PREVIOUS_STATE, NULL when unset */
    cbec_arena scratch;        /* cbec__vctx_scratch: reset by the check that used it */
    struct cbec_vctx ctx;
};

cbec_report *cbec__report_new(size_t limit);
/* Record a finding for a processing failure (no rule of a pack). */
void cbec__report_builtin(cbec_report *r, const char *rule, int severity, const char *en,
                          const char *zh, const char *path, size_t offset, bool has_offset);
/* The finding just recorded, NULL when it was not kept (limit, memory):
 * lets a caller add a position to a built-in finding. */
cbec_finding *cbec__report_last(cbec_report *r, size_t total_before);
bool cbec__report_keep_pack(cbec_report *r, const cbec_pack *p);
/* Expand a template into b for finding f. */
void cbec__render_template(cbec_buf *b, const char *tmpl, const cbec_finding *f, const char *lang);

/* ---- personal data (redact.c) ---- */

struct cbec_snapshot;
struct cbec_etype;
/* The classifications of a message type: its pack's and those of the bases
 * it extends, as loaded in the snapshot. */
void cbec__privacy_collect(const struct cbec_snapshot *snap, const struct cbec_etype *type,
                           cbec_privacy_set *out);
/* After the rules ran on doc: replace every raw value of a personal or
 * sensitive field of doc that a finding's texts quote (values, reasons,
 * expectations, whatever check or reader wrote them) by its mask. */
void cbec__privacy_scrub(cbec_vctx *v, const cbec_doc *doc);

#endif
