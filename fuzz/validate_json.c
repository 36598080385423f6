/* validate_json.c - fuzz target: JSON messages through the whole validation
 * pipeline (read, detect the type, walk the rules, positions, render). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    fuzz_validate_format(data, size, CBEC_FORMAT_JSON);
    return 0;
}
