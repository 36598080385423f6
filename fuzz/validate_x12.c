/* validate_x12.c - fuzz target: X12 messages through the whole validation
 * pipeline (read, detect the type, bind onto the logical fields, walk the
 * rules, positions, render, acknowledgements). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    fuzz_validate_format(data, size, CBEC_FORMAT_X12);
    return 0;
}
