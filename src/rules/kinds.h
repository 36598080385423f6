/* kinds.h - every check kind the pack compiler knows, by rule family. */
#ifndef CBEC_KINDS_H
#define CBEC_KINDS_H

#include "pack/pack.h"

/* field.c */
extern const cbec_check_kind cbec__kind_type, cbec__kind_pattern, cbec__kind_enum,
    cbec__kind_codelist, cbec__kind_min_length, cbec__kind_max_length, cbec__kind_min_bytes,
    cbec__kind_max_bytes, cbec__kind_min_items, cbec__kind_max_items, cbec__kind_minimum,
    cbec__kind_maximum, cbec__kind_exclusive_minimum, cbec__kind_exclusive_maximum,
    cbec__kind_fraction_digits, cbec__kind_required;

/* logic-rule.c: JSON Logic cross-field rules and rule conditions */
extern const cbec_check_kind cbec__kind_logic, cbec__kind_when;
/* state.c: status state machines and time order of events */
extern const cbec_check_kind cbec__kind_state_machine, cbec__kind_chronological;

/* text.c: multilingual text (shapes, languages, scripts, normalisation) */
extern const cbec_check_kind cbec__kind_text;

/* The i-th registered kind, NULL past the last (lets tests check that
 * every kind has its default messages in zh-CN and en). */
const cbec_check_kind *cbec__check_kind_at(size_t i);

/* coding.c: identifiers, exact amounts, dates and times, code mappings */
extern const cbec_check_kind cbec__kind_identifier, cbec__kind_decimal, cbec__kind_datetime,
    cbec__kind_code_map;

/* transfer.c: personal data leaving for a country outside an allowed list */
extern const cbec_check_kind cbec__kind_transfer;

/* Layering: the code list a check uses (NULL when it is not a codelist
 * check), and a new codelist check state over another list. */
const cbec_codelist *cbec__check_codelist(const cbec_check *c);
void *cbec__codelist_check_state(const cbec_codelist *l);
/* The name of a base pack's list a check waits for, NULL when resolved. */
const char *cbec__check_codelist_pending(const cbec_check *c);

/* Parse a number node or a decimal string node. */
cbec_dec_status cbec__node_decimal(const cbec_node *n, cbec_dec *out);
/* Report a regex that hit its limits (rc from cbec__regex_match). */
void cbec__regex_outcome_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, int rc);

#endif
