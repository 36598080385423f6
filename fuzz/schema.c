/* schema.c - fuzz target: JSON Schema compilation and validation.  Input:
 * the schema, a NUL byte, the instance.  References resolve only among the
 * embedded metaschemas: no directory, no network. */
#include "fuzz-common.h"
#include "rules/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct parsed {
    cbec_json_reader *rd;
    cbec_arena arena;
    cbec_doc doc;
    bool ok;
} parsed;

static void parse(parsed *p, const char *s, size_t n)
{
    cbec_read_error re;
    bool oom = false;
    cbec_read_limits lim = {n + 1, 64, 100000};
    p->rd = cbec__json_reader_new(64);
    cbec__arena_init(&p->arena);
    memset(&p->doc, 0, sizeof p->doc);
    p->ok = p->rd && cbec__json_read(p->rd, s, n, &lim, &p->arena, &p->doc, &re, &oom);
}

static void unparse(parsed *p)
{
    if (p->rd)
        cbec__json_release(p->rd, &p->doc);
    cbec__arena_free(&p->arena);
    cbec__json_reader_free(p->rd);
}

static void sink(void *ud, const cbec_schema_failure *f)
{
    size_t *n = ud;
    if (f->code >= CBEC_SF_COUNT || !f->at || !f->location || !f->expected)
        fuzz_fail("schema failure record");
    ++*n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64u * 1024u)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t slen = nul ? (size_t)(nul - data) : size;
    parsed schema, inst;
    parse(&schema, (const char *)data, slen);
    if (nul)
        parse(&inst, (const char *)nul + 1, size - slen - 1);
    else
        parse(&inst, "{\"a\":[1,\"x\",null,true,{\"b\":2.5}]}", 34);
    if (schema.ok && inst.ok) {
        static cbec_regex_scratch *rx;
        if (!rx && !(rx = cbec__regex_scratch_new(NULL)))
            fuzz_fail("scratch");
        for (int draft = 0; draft < 2; draft++) {
            cbec_schema_config cfg;
            memset(&cfg, 0, sizeof cfg);
            cfg.draft = draft ? CBEC_SCHEMA_DRAFT7 : CBEC_SCHEMA_DRAFT2020;
            cfg.format_assert = draft == 1;
            cbec_schema *s = NULL;
            cbec_schema_error e;
            memset(&e, 0, sizeof e);
            if (!cbec__schema_compile_node(&cfg, schema.doc.root, NULL, &s, &e)) {
                if (s)
                    fuzz_fail("schema returned on failure");
                if (!e.oom && memchr(e.message, 0, sizeof e.message) == NULL)
                    fuzz_fail("error message not terminated");
                continue;
            }
            size_t n = 0;
            cbec_schema_run run = {rx, sink, &n, 200, 200000};
            bool valid = cbec__schema_validate(s, inst.doc.root, &run);
            if (valid && n)
                fuzz_fail("valid with failures");
            cbec__schema_free(s);
        }
    }
    unparse(&schema);
    unparse(&inst);
    return 0;
}
