/* report_render.c - fuzz target: rendering reports.  The input chooses the
 * findings limit, the render language and the source label, then gives the
 * message whose findings are rendered, so labels and languages the caller
 * passes are as hostile as the message. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Layout: uint16 findings limit | uint8 lang length | lang | uint8 source
 * length | source | uint32 source index | message. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT || size < 4)
        return 0;
    uint16_t limit;
    memcpy(&limit, data, sizeof limit);
    size_t pos = 2;
    char lang[64], source[256];
    size_t ll = data[pos++] % sizeof lang;
    if (pos + ll > size)
        return 0;
    memcpy(lang, data + pos, ll);
    lang[ll] = '\0';
    pos += ll;
    if (pos >= size)
        return 0;
    size_t sl = data[pos++];
    if (pos + sl + 4 > size)
        return 0;
    memcpy(source, data + pos, sl);
    source[sl] = '\0';
    pos += sl;
    uint32_t index;
    memcpy(&index, data + pos, sizeof index);
    pos += 4;

    cbec_validator *v = fuzz_validator();
    cbec_validator_set_limit(v, CBEC_LIMIT_FINDINGS, limit % 64 + 1);
    cbec_report *rep = NULL;
    int st = cbec_validate(v, fuzz_registry(), NULL, CBEC_FORMAT_AUTO, data + pos, size - pos, &rep);
    cbec_validator_set_limit(v, CBEC_LIMIT_FINDINGS, 200);
    if (st != CBEC_OK && st != CBEC_ENOMEM)
        fuzz_fail("cbec_validate");
    if (!rep)
        return 0;
    if (cbec_report_set_source(rep, source, index) != CBEC_OK)
        fuzz_fail("set_source");
    size_t kept = cbec_report_count(rep), total = 0;
    for (int s = CBEC_SEVERITY_INFO; s <= CBEC_SEVERITY_ERROR; s++)
        total += cbec_report_count_severity(rep, (cbec_severity)s);
    if (kept > (size_t)(limit % 64 + 1) || kept > total || (total > kept) != (cbec_report_truncated(rep) != 0))
        fuzz_fail("findings limit and truncation disagree");
    fuzz_exercise_report(rep, lang);
    fuzz_exercise_report(rep, NULL);
    const char *out;
    size_t len;
    if (cbec_report_render(rep, (cbec_render_format)(index % 4), lang, &out, &len) == CBEC_OK &&
        index % 4 != CBEC_RENDER_TEXT && index % 4 != CBEC_RENDER_JSON)
        fuzz_fail("unknown render format accepted");
    cbec_report_free(rep);
    return 0;
}
