/* edi-report.h - the validator's side of EDI: the reader entries for the
 * EDIFACT and X12 readers (issues become findings with EDI positions, the
 * envelopes go into the report for acknowledgements). */
#ifndef CBEC_EDI_REPORT_H
#define CBEC_EDI_REPORT_H

#include "validate/validate.h"

void *cbec__edi_state_new(cbec_validator *v);
void cbec__edi_state_free(void *state);
bool cbec__edi_read_edifact(void *state, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                            cbec_read_error *e, bool *oom);
bool cbec__edi_read_x12(void *state, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                        cbec_read_error *e, bool *oom);
bool cbec__edi_finish(void *state, const cbec_doc *doc, cbec_report *r);
void cbec__edi_untyped(void *state, const cbec_doc *doc, cbec_report *r);

#endif
