/* json_message.c - fuzz target: the one-pass message reader against json-c.
 * Whatever json-c reads, the message reader reads to the same tree (or
 * refuses for a reason RFC 8259 gives); whatever json-c refuses, so does
 * the message reader; every tree it builds is well linked. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* parent, index and NUL-terminated text of every node below n */
static void check_links(const cbec_node *n, unsigned depth)
{
    if (depth > 300)
        fuzz_fail("tree deeper than the limit");
    if (n->kind != CBEC_NODE_OBJECT && n->kind != CBEC_NODE_ARRAY) {
        if (!n->text || n->text[n->len] != 0)
            fuzz_fail("scalar text not NUL-terminated");
        return;
    }
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *c = &n->children[i];
        if (c->parent != n || c->index != i)
            fuzz_fail("child not linked to its parent");
        if ((n->kind == CBEC_NODE_OBJECT) != (c->key != NULL))
            fuzz_fail("member without a name or element with one");
        check_links(c, depth + 1);
    }
}

static bool contains(const char *s, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, what, k) == 0)
            return true;
    return false;
}

static bool refused_by_rfc(const cbec_read_error *e)
{
    return strcmp(e->rule, "CBEC-JSON-SYNTAX") == 0 &&
           (strstr(e->message_en, "control character") || strstr(e->message_en, "expected a value") ||
            strstr(e->message_en, "invalid number"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    static cbec_json_reader *fast, *jc;
    if (!fast && !(fast = cbec__json_reader_new(256)))
        fuzz_fail("oom");
    if (!jc && !(jc = cbec__json_reader_new(256)))
        fuzz_fail("oom");
    const char *s = (const char *)data;
    cbec_read_limits lim = {FUZZ_MAX_INPUT, 256, 200000};
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc a, b;
    cbec_read_error ea, eb;
    bool ooma = false, oomb = false;
    bool oka = cbec__json_read_message(fast, s, size, &lim, &arena, &a, &ea, &ooma);
    bool okb = cbec__json_read(jc, s, size, &lim, &arena, &b, &eb, &oomb);
    if (oka) {
        check_links(a.root, 0);
        cbec__json_message_positions(&a);
    }
    if (!ooma && !oomb) {
        if (oka && !okb)
            fuzz_fail("the message reader accepts what json-c refuses");
        if (!oka && okb && !refused_by_rfc(&ea) && strcmp(ea.rule, "CBEC-LIMIT-NODES") != 0)
            fuzz_fail("the message reader refuses what json-c reads, for no reason of RFC 8259");
        if (oka && okb && !contains(s, size, "-0") && !contains(s, size, "\\u0000") &&
            !contains(s, size, "\\ud") && !contains(s, size, "\\uD")) {
            /* json-c writes an integer minus zero as 0, cuts member names
               at an escaped NUL and turns some escaped surrogate pairs
               (the pair D837 DEE0, U+1DEE0) into U+FFFD: compare only without
               any of these (test-doc-json-message checks pairs against
               their UTF-8) */
            cbec_buf ca, cb;
            cbec__buf_init(&ca);
            cbec__buf_init(&cb);
            cbec__node_canonical(a.root, &ca);
            cbec__node_canonical(b.root, &cb);
            if (ca.len != cb.len || memcmp(cbec__buf_cstr(&ca), cbec__buf_cstr(&cb), ca.len) != 0)
                fuzz_fail("the two readers build different trees");
            cbec__buf_free(&ca);
            cbec__buf_free(&cb);
        }
    }
    if (okb)
        cbec__json_release(jc, &b);
    cbec__arena_free(&arena);
    return 0;
}
