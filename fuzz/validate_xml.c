/* validate_xml.c - fuzz target: XML messages through the whole validation
 * pipeline (read, detect the type, bind onto the logical fields, walk the
 * rules, positions, render). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    fuzz_validate_format(data, size, CBEC_FORMAT_XML);
    return 0;
}
