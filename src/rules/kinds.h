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

/* Parse a number node or a decimal string node. */
cbec_dec_status cbec__node_decimal(const cbec_node *n, cbec_dec *out);
/* Report a regex that hit its limits (rc from cbec__regex_match). */
void cbec__regex_outcome_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, int rc);

#endif
