/* edi-read.h - the machinery edifact.c and x12.c share: tokenizing one
 * segment, decoding and checking values against the repertoire, building
 * nodes with positions, recording issues and assembling the tree.  Private
 * to the two readers and edi.c. */
#ifndef CBEC_EDI_READ_H
#define CBEC_EDI_READ_H

#include "doc/edi.h"

/* One value of the segment being read: element, repetition and component
 * indexes (element 0 is the tag) and its raw bytes in the source. */
typedef struct edi_tok {
    const char *raw;
    uint32_t rawlen;
    uint32_t offset;
    uint32_t elem, rep, comp;
} edi_tok;

typedef enum edi_repertoire {
    EDI_REP_UNCHECKED = 0, /* pass bytes through (unknown syntax identifier) */
    EDI_REP_LEVEL_A,       /* ISO 9735 level A (UNOA, IATA) */
    EDI_REP_LEVEL_B,       /* ISO 9735 level B (UNOB, IATB) */
    EDI_REP_8859,          /* an ISO/IEC 8859 part (UNOC..UNOL): convert to UTF-8 */
    EDI_REP_UTF8,          /* UNOW, UNOY: UTF-8 */
    EDI_REP_X12            /* X12 basic and extended sets; UTF-8 beyond ASCII */
} edi_repertoire;

struct cbec_edi_reader {
    cbec_edi_info info;
    const char *src;
    size_t len;
    cbec_arena *arena;
    size_t nodes, max_nodes;
    bool oom, limit;
    /* incremental line/column of byte offsets (values are made in order) */
    size_t cur;
    uint32_t line, col;
    bool cur_cr;                  /* the byte before cur was a CR */
    /* separators in force for tokenizing (their first byte; -1: none) */
    int sep_elem, sep_comp, sep_rep, sep_term, sep_rel;
    /* X12 files converted from a single-byte code page to UTF-8 carry
     * separators of several bytes (a '…' terminator): the full sequences */
    uint8_t sep_len[4];
    unsigned char sep_bytes[4][4];
    /* the repertoire values are checked against */
    edi_repertoire rep;
    const uint16_t *high;         /* EDI_REP_8859: the part's 0xA0-0xFF table */
    const char *rep_name;         /* "UNOA", ... for messages */
    bool charset_reported;        /* one repertoire issue per segment is enough */
    /* the segment being read */
    edi_tok *toks;
    size_t ntoks, tokcap;
    uint32_t ordinal;             /* of the segment being read (1-based) */
    /* staged segment nodes, by ordinal - 1, until the tree is assembled */
    cbec_node *segv;
    size_t segcap;
    size_t segptrcap;
    size_t interchangecap, groupcap, messagecap, issuecap;
    uint32_t *service;            /* ordinals of interchange-level segments */
    uint32_t *service_ic;         /* ... and the interchange each belongs to */
    size_t nservice, servicecap, service_iccap;
};

enum { EDI_SEP_ELEM, EDI_SEP_COMP, EDI_SEP_REP, EDI_SEP_TERM };

/* Set a separator to the n bytes at p (n 1..4; n 0: none). */
void edi_set_sep(cbec_edi_reader *r, int which, const char *p, size_t n);
/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if none. */
size_t edi_utf8_len(const unsigned char *s, size_t n);

/* Start reading src: reset the reader and the info. */
void edi_begin(cbec_edi_reader *r, int format, const char *src, size_t len, const cbec_read_limits *lim,
               cbec_arena *arena);
/* Skip a UTF-8 byte order mark and white space; returns the offset. */
size_t edi_skip_space(const cbec_edi_reader *r, size_t i);
/* Tokenize the segment starting at or after i (leading white space and
 * empty segments are skipped).  split: split components and repetitions.
 * Returns the offset after the segment; *found is false at end of input,
 * *terminated false when the input ended before the terminator.  Returns
 * false when the token limit was hit (r->limit). */
bool edi_tokenize(cbec_edi_reader *r, size_t i, bool split, size_t *next, bool *found, bool *terminated);
/* Build the nodes of the tokenized segment (checking the repertoire) as the
 * next ordinal; returns the staged node (valid until the next build) or
 * NULL on out-of-memory/limits. */
cbec_node *edi_build_segment(cbec_edi_reader *r);
/* Record an issue (texts copied). */
void edi_issue(cbec_edi_reader *r, int problem, int severity, const cbec_span *at, const char *en,
               const char *zh);
/* Span of element pos (component comp, 0: none) of a staged segment; when
 * absent, the segment's span with the positions set. */
cbec_span edi_span_at(const cbec_node *seg, unsigned pos, unsigned comp);
/* Span of a byte offset outside any node (segment 0). */
cbec_span edi_span_offset(cbec_edi_reader *r, size_t offset);
/* The text of element pos (component comp; 1 when simple) or "" when absent. */
const char *edi_value(const cbec_node *seg, unsigned pos, unsigned comp, size_t *len);
/* Parse a non-negative decimal count; false when not all digits or larger
 * than 10 digits. */
bool edi_count(const char *s, size_t n, uint64_t *out);
/* True when s (n bytes) is a valid date YYMMDD (n 6) or CCYYMMDD (n 8). */
bool edi_date_ok(const char *s, size_t n);
/* True for HHMM, HHMMSS, HHMMSSd.. (n 4..8). */
bool edi_time_ok(const char *s, size_t n);
/* Keep the ordinal of an interchange-level segment ("service" of the
 * interchange with index ic). */
bool edi_add_service(cbec_edi_reader *r, uint32_t ordinal, uint32_t ic);
/* Open an interchange / group / message record (NULL on out-of-memory). */
cbec_edi_interchange_info *edi_add_interchange(cbec_edi_reader *r);
cbec_edi_group_info *edi_add_group(cbec_edi_reader *r);
cbec_edi_message_info *edi_add_message(cbec_edi_reader *r);
/* Copy a value into the arena, NUL-terminated ("" on NULL). */
const char *edi_keep(cbec_edi_reader *r, const char *s, size_t n);
/* Select the repertoire of a syntax identifier; false when unknown. */
bool edi_set_repertoire(cbec_edi_reader *r, const char *id, size_t n);
/* Assemble the tree into doc.  false with *oom, or with *e at a limit. */
bool edi_finish(cbec_edi_reader *r, cbec_doc *doc, cbec_read_error *e, bool *oom);

#endif /* CBEC_EDI_READ_H */
