/* validate_json.c - fuzz target: JSON messages through the whole validation
 * pipeline (read, detect the type, walk the rules, positions, render). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    cbec_registry *reg = fuzz_registry();
    cbec_validator *v = fuzz_validator();
    cbec_report *rep = NULL;
    /* the type told from the message, then forced: both paths of the picker */
    int st = cbec_validate(v, reg, NULL, CBEC_FORMAT_JSON, data, size, &rep);
    if (st != CBEC_OK && st != CBEC_ENOMEM)
        fuzz_fail("cbec_validate failed on a message (only memory may fail it)");
    if (rep) {
        if (cbec_report_format(rep) != CBEC_FORMAT_JSON)
            fuzz_fail("format");
        fuzz_exercise_report(rep, "en");
        cbec_report_free(rep);
        rep = NULL;
    }
    st = cbec_validate(v, reg, "order", CBEC_FORMAT_AUTO, data, size, &rep);
    if (st != CBEC_OK && st != CBEC_ENOMEM)
        fuzz_fail("cbec_validate failed with an explicit type");
    if (rep) {
        fuzz_exercise_report(rep, "zh-CN");
        cbec_report_free(rep);
    }
    return 0;
}
