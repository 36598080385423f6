/* ack.h - functional acknowledgements of EDI interchanges: X12 997 and 999,
 * UN/EDIFACT CONTRL.  The generator works from the envelopes a report kept
 * (cbec_edi_summary) and a neutral list of the findings' positions, so it
 * needs nothing of the validator. */
#ifndef CBEC_ACK_H
#define CBEC_ACK_H

#include "core/core.h"
#include "doc/edi.h"

/* One finding, as an acknowledgement sees it. */
typedef struct cbec_ack_item {
    int problem;            /* cbec_edi_problem; CBEC_EDI_P_NONE for a pack rule */
    const char *kind;       /* a pack rule's check kind ("required", ...), or NULL */
    int severity;           /* cbec_severity: info is ignored, warnings accept with errors */
    uint32_t segment;       /* ordinal in the input, 0: no position */
    uint16_t element, component;
    const char *tag;        /* the segment's tag, "" unknown */
    const char *value;      /* the offending value, or NULL */
} cbec_ack_item;

/* Append the acknowledgement (format: cbec_ack_format) of the interchanges
 * of s, given the findings, to out.  control: digits (NULL: "1");
 * stamp: "YYYYMMDDHHMM" (NULL: now, UTC).  Returns CBEC_OK, CBEC_EINVAL
 * for a bad control number or stamp, CBEC_ESTATE when s holds no
 * interchange header to answer. */
int cbec__ack_render(const cbec_edi_summary *s, const cbec_ack_item *items, size_t n, int format,
                     const char *control, const char *stamp, cbec_buf *out);

#endif
