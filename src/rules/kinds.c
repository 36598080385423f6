/* kinds.c - the table of check kinds: the one place a rule family is
 * registered with the pack compiler. */
#include "rules/kinds.h"

#include <string.h>

static const cbec_check_kind *const kinds[] = {
    &cbec__kind_type,          &cbec__kind_pattern,           &cbec__kind_enum,
    &cbec__kind_codelist,      &cbec__kind_min_length,        &cbec__kind_max_length,
    &cbec__kind_min_bytes,     &cbec__kind_max_bytes,         &cbec__kind_min_items,
    &cbec__kind_max_items,     &cbec__kind_minimum,           &cbec__kind_maximum,
    &cbec__kind_exclusive_minimum, &cbec__kind_exclusive_maximum, &cbec__kind_fraction_digits,
    &cbec__kind_logic,         &cbec__kind_when,
    &cbec__kind_state_machine, &cbec__kind_chronological,
    &cbec__kind_text,
    &cbec__kind_identifier,    &cbec__kind_decimal,           &cbec__kind_datetime,
    &cbec__kind_code_map,
    &cbec__kind_transfer,
};

const cbec_check_kind *cbec__check_kind_find(const char *key, size_t len)
{
    for (size_t i = 0; i < CBEC_ARRAY_LEN(kinds); i++)
        if (cbec__streq(key, len, kinds[i]->key))
            return kinds[i];
    return NULL;
}

const cbec_check_kind *cbec__check_kind_at(size_t i)
{
    return i < CBEC_ARRAY_LEN(kinds) ? kinds[i] : NULL;
}
