/* logic.c - fuzz target: JSON Logic compilation and evaluation through the
 * public API.  Input: the rule, a NUL byte, the data. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64u * 1024u)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t rlen = nul ? (size_t)(nul - data) : size;
    const char *d = nul ? (const char *)nul + 1 : "{}";
    size_t dlen = nul ? size - rlen - 1 : 2;
    cbec_logic *l = NULL;
    cbec_error *err = NULL;
    int st = cbec_logic_compile(&l, (const char *)data, rlen, &err);
    if (st != CBEC_OK) {
        if (l)
            fuzz_fail("handle returned on failure");
        if (err)
            fuzz_check_text(cbec_error_message(err), strlen(cbec_error_message(err)));
        cbec_error_free(err);
        return 0;
    }
    /* tight bounds: the fuzzer looks for blow-ups, not for big answers */
    cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_OPERATIONS, 20000);
    cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_DEPTH, 64);
    cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_MEMORY, 1u << 20);
    for (int pass = 0; pass < 2; pass++) {
        const char *result = NULL;
        size_t rl = 0;
        st = cbec_logic_eval(l, d, dlen, &result, &rl, &err);
        if (st == CBEC_OK) {
            if (!result || strlen(result) != rl || *cbec_logic_error_type(l))
                fuzz_fail("result");
            /* a result is one JSON value: wrapped, it must parse */
            cbec_buf b;
            cbec__buf_init(&b);
            cbec__buf_adds(&b, "{\"r\":");
            cbec__buf_add(&b, result, rl);
            cbec__buf_addc(&b, '}');
            if (!b.oom)
                fuzz_check_json(b.data, b.len);
            cbec__buf_free(&b);
        } else {
            if (result || !*cbec_logic_error_type(l))
                fuzz_fail("failure without a class");
            if (err)
                fuzz_check_text(cbec_error_message(err), strlen(cbec_error_message(err)));
            cbec_error_free(err);
            err = NULL;
        }
    }
    cbec_logic_free(l);
    return 0;
}
