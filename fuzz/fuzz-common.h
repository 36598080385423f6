/* fuzz-common.h - what every libcbecstd fuzz harness shares: input caps, a
 * self-contained rule pack compiled into the binary (no file system), a
 * registry and validator with tight limits, and output oracles. */
#ifndef CBEC_FUZZ_COMMON_H
#define CBEC_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "doc/doc.h"

/* Inputs larger than this are ignored: the interesting bugs are in
 * structure, not bulk, and big inputs only slow the engine down. */
#define FUZZ_MAX_INPUT (256u * 1024u)

/* Not every harness uses every helper. */
#define FUZZ_HELPER static __attribute__((unused))

/* The pack the message harnesses validate against (fuzz/fuzz.pack.json,
 * compiled in by embed.py as fuzz_pack_json): every wire form and rule
 * family, no file read. */
#include "fuzz-pack.h"

/* Abort with a message: a harness invariant broke, which the fuzzing
 * engine turns into a reproducer. */
FUZZ_HELPER void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz invariant broken: %s\n", what);
    abort();
}

/* The registry over the embedded pack, made once per process. */
FUZZ_HELPER cbec_registry *fuzz_registry(void)
{
    static cbec_registry *reg;
    if (reg)
        return reg;
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    if (cbec_registry_new(&reg) != CBEC_OK)
        fuzz_fail("registry");
    if (cbec_pack_load_buffer(&p, fuzz_pack_json, sizeof fuzz_pack_json - 1, "fuzz.pack.json", NULL, NULL,
                              &err) != CBEC_OK)
        fuzz_fail(err ? cbec_error_message(err) : "pack");
    if (cbec_registry_add(reg, p, &err) != CBEC_OK)
        fuzz_fail("registry add");
    cbec_pack_free(p);
    return reg;
}

/* A validator with limits tight enough to keep every input fast. */
FUZZ_HELPER cbec_validator *fuzz_validator(void)
{
    static cbec_validator *v;
    if (v)
        return v;
    if (cbec_validator_new(&v) != CBEC_OK)
        fuzz_fail("validator");
    cbec_validator_set_limit(v, CBEC_LIMIT_MESSAGE_BYTES, FUZZ_MAX_INPUT);
    cbec_validator_set_limit(v, CBEC_LIMIT_DEPTH, 64);
    cbec_validator_set_limit(v, CBEC_LIMIT_FINDINGS, 200);
    cbec_validator_set_limit(v, CBEC_LIMIT_NODES, 200000);
    /* a fixed date: pack selection must not depend on when the fuzzer runs */
    cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-06-01");
    return v;
}

/* Oracle: a JSON rendering must be one well-formed JSON object. */
FUZZ_HELPER void fuzz_check_json(const char *s, size_t len)
{
    cbec_json_reader *rd = cbec__json_reader_new(32);
    cbec_arena arena;
    cbec_doc doc;
    cbec_read_error re;
    bool oom = false;
    cbec_read_limits lim = {len + 1, 32, 0};
    if (!rd)
        fuzz_fail("oom");
    cbec__arena_init(&arena);
    memset(&doc, 0, sizeof doc);
    if (!cbec__json_read(rd, s, len, &lim, &arena, &doc, &re, &oom)) {
        if (!oom)
            fuzz_fail("rendered JSON does not parse");
    } else if (doc.root->kind != CBEC_NODE_OBJECT) {
        fuzz_fail("rendered JSON is not an object");
    }
    cbec__json_release(rd, &doc);
    cbec__arena_free(&arena);
    cbec__json_reader_free(rd);
}

/* Oracle: text for people holds no control character but newlines (a
 * value must never forge lines or terminal escapes). */
FUZZ_HELPER void fuzz_check_text(const char *s, size_t len)
{
    if (strlen(s) != len)
        fuzz_fail("NUL inside rendered text");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            fprintf(stderr, "text: %.*s\n", (int)(len > 500 ? 500 : len), s);
            fuzz_fail("control character in rendered text");
        }
    }
}

/* Render a report every way and read every accessor. */
FUZZ_HELPER void fuzz_exercise_report(cbec_report *rep, const char *lang)
{
    const char *out;
    size_t len;
    size_t n = cbec_report_count(rep);
    for (size_t i = 0; i < n; i++) {
        if (!cbec_finding_rule(rep, i) || !cbec_finding_path(rep, i) || !cbec_finding_pack(rep, i) ||
            !cbec_finding_ref(rep, i))
            fuzz_fail("finding accessor returned NULL");
        (void)cbec_finding_line(rep, i);
        (void)cbec_finding_column(rep, i);
        (void)cbec_finding_offset(rep, i);
        (void)cbec_severity_name(cbec_finding_severity(rep, i));
        const char *m = cbec_finding_message(rep, i, lang);
        if (m)
            fuzz_check_text(m, strlen(m));
    }
    if (cbec_finding_rule(rep, n) != NULL)
        fuzz_fail("accessor past the end");
    if (cbec_report_render(rep, CBEC_RENDER_JSON, lang, &out, &len) == CBEC_OK)
        fuzz_check_json(out, len);
    if (cbec_report_render(rep, CBEC_RENDER_TEXT, lang, &out, &len) == CBEC_OK)
        fuzz_check_text(out, len);
    if (cbec_report_valid(rep) && cbec_report_count_severity(rep, CBEC_SEVERITY_ERROR))
        fuzz_fail("valid report with errors");
}

/* EDI reports: every finding's position and each acknowledgement. */
FUZZ_HELPER void fuzz_exercise_edi(cbec_report *rep)
{
    for (size_t i = 0; i < cbec_report_count(rep); i++) {
        unsigned long seg;
        unsigned el, comp;
        const char *tag;
        if (cbec_finding_edi_position(rep, i, &seg, &el, &comp, &tag) && !tag)
            fuzz_fail("EDI position without a tag");
    }
    static const cbec_ack_format acks[] = {CBEC_ACK_X12_997, CBEC_ACK_X12_999, CBEC_ACK_EDIFACT_CONTRL};
    for (size_t k = 0; k < sizeof acks / sizeof acks[0]; k++) {
        const char *out;
        size_t len;
        if (cbec_report_render_ack(rep, acks[k], "42", "202601011200", &out, &len) == CBEC_OK &&
            strlen(out) != len)
            fuzz_fail("acknowledgement length");
    }
}

/* Redacted copies in every mode: a copy is one well-formed JSON value. */
FUZZ_HELPER void fuzz_redact(const uint8_t *data, size_t size, cbec_format format)
{
    for (int flags = 0; flags < 4; flags++) {
        cbec_redaction *red = NULL;
        cbec_error *err = NULL;
        int st = cbec_redact(fuzz_validator(), fuzz_registry(), flags & 1 ? "order" : NULL, format, data, size, flags,
                             &red, &err);
        if (st == CBEC_OK) {
            size_t len;
            const char *out = cbec_redaction_data(red, &len);
            cbec_buf b;
            cbec__buf_init(&b);
            cbec__buf_adds(&b, "{\"r\":");
            cbec__buf_add(&b, out, len);
            cbec__buf_addc(&b, '}');
            if (!b.oom)
                fuzz_check_json(b.data, b.len);
            cbec__buf_free(&b);
        } else if (red) {
            fuzz_fail("redaction returned on failure");
        } else if (err) {
            fuzz_check_text(cbec_error_message(err), strlen(cbec_error_message(err)));
        }
        cbec_redaction_free(red);
        cbec_error_free(err);
    }
}

/* One message of a wire format: the type told from the message, then
 * forced (both paths of the picker), every output of the report, and
 * redacted copies. */
/* The JSON rendering of the report of data validated by v with type NULL
 * and format (malloc'd; NULL when memory ran out). */
FUZZ_HELPER char *fuzz_render_validation(cbec_validator *v, const uint8_t *data, size_t size, cbec_format format)
{
    cbec_report *rep = NULL;
    if (cbec_validate(v, fuzz_registry(), NULL, format, data, size, &rep) != CBEC_OK || !rep)
        return NULL;
    const char *out = NULL;
    size_t len = 0;
    char *copy = NULL;
    if (cbec_report_render(rep, CBEC_RENDER_JSON, "en", &out, &len) == CBEC_OK && (copy = malloc(len + 1))) {
        memcpy(copy, out, len);
        copy[len] = 0;
    }
    cbec_report_free(rep);
    return copy;
}

FUZZ_HELPER void fuzz_validate_format(const uint8_t *data, size_t size, cbec_format format)
{
    cbec_registry *reg = fuzz_registry();
    cbec_validator *v = fuzz_validator();
    for (int pass = 0; pass < 2; pass++) {
        cbec_report *rep = NULL;
        int st = cbec_validate(v, reg, pass ? "order" : NULL, pass ? CBEC_FORMAT_AUTO : format, data, size, &rep);
        if (st != CBEC_OK && st != CBEC_ENOMEM)
            fuzz_fail("cbec_validate failed on a message (only memory may fail it)");
        if (!rep)
            continue;
        if (!pass && cbec_report_format(rep) != format)
            fuzz_fail("report format");
        fuzz_exercise_report(rep, pass ? "zh-CN" : "en");
        if (format == CBEC_FORMAT_EDIFACT || format == CBEC_FORMAT_X12)
            fuzz_exercise_edi(rep);
        cbec_report_free(rep);
    }
    /* Oracle: the validator kept between inputs reports as a new one does.
     * A reader or scratch that carried state from one message to the next
     * (json-c 0.16's tokener did, in src/doc/json.c) fails here on the
     * message it spoils. */
    cbec_validator *fresh = NULL;
    if (cbec_validator_clone(&fresh, v) == CBEC_OK) {
        char *kept = fuzz_render_validation(v, data, size, format);
        char *anew = fuzz_render_validation(fresh, data, size, format);
        if (kept && anew && strcmp(kept, anew) != 0)
            fuzz_fail("the validator kept between inputs reports otherwise than a new one");
        free(kept);
        free(anew);
        cbec_validator_free(fresh);
    }
    fuzz_redact(data, size, format);
}

#endif /* CBEC_FUZZ_COMMON_H */
