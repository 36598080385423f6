/* test-doc-json-message.c - the one-pass message reader: the same trees as
 * the json-c reader on every JSON file of the test suites, RFC 8259 to the
 * letter, positions, limits and errors. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "doc/doc.h"
#include "test-run.h"

static cbec_json_reader *rd;
static cbec_arena arena;
static cbec_read_limits lim = {1 << 24, 256, 4000000};

static void setup(void)
{
    rd = cbec__json_reader_new(256);
    cbec__arena_init(&arena);
}

static void teardown(void)
{
    cbec__json_reader_free(rd);
    cbec__arena_free(&arena);
}

static bool read_msg(const char *s, size_t n, cbec_doc *doc, cbec_read_error *e)
{
    bool oom;
    bool ok = cbec__json_read_message(rd, s, n, &lim, &arena, doc, e, &oom);
    ck_assert(!oom);
    return ok;
}

static bool reads(const char *s, cbec_doc *doc, cbec_read_error *e) { return read_msg(s, strlen(s), doc, e); }

/* ---- the two readers agree ---- */

/* json-c prints a minus zero integer as 0; everything else keeps its text */
static bool same_number(const cbec_node *a, const cbec_node *b)
{
    if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
        return true;
    return a->len == 2 && memcmp(a->text, "-0", 2) == 0 && b->len == 1 && b->text[0] == '0';
}

static const char *tree_diff(const cbec_node *a, const cbec_node *b, const cbec_node *parent)
{
    if (a->kind != b->kind)
        return "kind";
    if (a->parent != parent)
        return "parent";
    if ((a->key == NULL) != (b->key == NULL) ||
        (a->key && (a->keylen != b->keylen || memcmp(a->key, b->key, a->keylen) != 0)))
        return "key";
    if (a->kind == CBEC_NODE_NUMBER)
        return same_number(a, b) ? NULL : "number";
    if (a->kind != CBEC_NODE_OBJECT && a->kind != CBEC_NODE_ARRAY) {
        if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0 || a->text[a->len] != 0)
            return "text";
        return NULL;
    }
    if (a->count != b->count)
        return "count";
    for (uint32_t i = 0; i < a->count; i++) {
        if (a->children[i].index != i)
            return "index";
        const char *d = tree_diff(&a->children[i], &b->children[i], a);
        if (d)
            return d;
    }
    return NULL;
}

static int files_compared, files_both_rejected, files_stricter;

/* What json-c lets through and RFC 8259 does not. */
static bool stricter_than_json_c(const cbec_read_error *e)
{
    return strcmp(e->rule, "CBEC-JSON-SYNTAX") == 0 &&
           (strstr(e->message_en, "control character") || strstr(e->message_en, "expected a value") ||
            strstr(e->message_en, "invalid number"));
}

static int compare_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    size_t n = strlen(path);
    if (flag != FTW_F || n < 5 || strcmp(path + n - 5, ".json") != 0 || st->st_size > (1 << 24))
        return 0;
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *text = malloc((size_t)st->st_size + 1);
    size_t len = fread(text, 1, (size_t)st->st_size, f);
    fclose(f);
    cbec_doc a, b;
    cbec_read_error ea, eb;
    bool oom;
    bool oka = cbec__json_read_message(rd, text, len, &lim, &arena, &a, &ea, &oom);
    cbec_json_reader *jc = cbec__json_reader_new(256);
    bool okb = cbec__json_read(jc, text, len, &lim, &arena, &b, &eb, &oom);
    if (oka && okb) {
        const char *d = tree_diff(a.root, b.root, NULL);
        ck_assert_msg(d == NULL, "%s: trees differ (%s)", path, d);
        ck_assert_uint_eq(a.nodes, b.nodes);
        files_compared++;
    } else if (oka) {
        ck_abort_msg("%s: json-c rejects (%s) what the message reader accepts", path, eb.message_en);
    } else if (okb) {
        ck_assert_msg(stricter_than_json_c(&ea), "%s: only the message reader rejects: %s", path, ea.message_en);
        files_stricter++;
    } else {
        ck_assert_str_eq(ea.rule, eb.rule);
        files_both_rejected++;
    }
    if (okb)
        cbec__json_release(jc, &b);
    cbec__json_reader_free(jc);
    cbec__arena_reset(&arena);
    free(text);
    return 0;
}

START_TEST(test_json_message_trees_match_json_c_on_every_suite_file)
{
    const char *suites = getenv("CBEC_TESTSUITES");
    ck_assert_msg(suites != NULL, "CBEC_TESTSUITES not set");
    ck_assert_int_eq(nftw(suites, compare_file, 16, FTW_PHYS), 0);
    const char *dirs[] = {"tests/cases", "tests/hostile", "packs", "examples", "doc"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", CBEC_TEST_SOURCE_DIR, dirs[i]);
        nftw(path, compare_file, 16, FTW_PHYS);
    }
    /* the JSON-Schema-Test-Suite alone has several hundred files */
    ck_assert_msg(files_compared > 500, "only %d files compared", files_compared);
    fprintf(stderr, "# %d files read to the same tree, %d rejected by both, %d rejected only as RFC 8259 demands\n",
            files_compared, files_both_rejected, files_stricter);
}
END_TEST

START_TEST(test_json_message_keeps_exact_text_and_order)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(reads("{\"b\": 1.50, \"a\": [true, null, \"x\\u00e9\\ud83d\\ude00\\n\"], "
                    "\"big\": 123456789012345678901234567890, \"neg\": -0, \"e\": 1E+400}", &doc, &e));
    const cbec_node *root = doc.root;
    ck_assert_uint_eq(root->count, 5);
    ck_assert_ptr_null(root->parent);
    ck_assert_str_eq(root->children[0].key, "b");
    ck_assert_str_eq(root->children[0].text, "1.50");
    const cbec_node *a = cbec__node_member(root, "a", 1);
    ck_assert_int_eq(a->children[0].kind, CBEC_NODE_BOOL);
    ck_assert_int_eq(a->children[1].kind, CBEC_NODE_NULL);
    ck_assert_str_eq(a->children[2].text, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    ck_assert_ptr_eq(a->children[2].parent, a);
    ck_assert_str_eq(cbec__node_member(root, "big", 3)->text, "123456789012345678901234567890");
    ck_assert_str_eq(cbec__node_member(root, "neg", 3)->text, "-0");
    ck_assert_str_eq(cbec__node_member(root, "e", 1)->text, "1E+400");
    ck_assert_uint_eq(doc.nodes, 9);
}
END_TEST

START_TEST(test_json_message_escaped_nul_is_kept)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(reads("[\"a\\u0000b\"]", &doc, &e));
    ck_assert_uint_eq(doc.root->children[0].len, 3);
    ck_assert(memcmp(doc.root->children[0].text, "a\0b", 3) == 0);
}
END_TEST

START_TEST(test_json_message_duplicates_keep_first_place_last_value)
{
    cbec_doc doc;
    cbec_read_error e;
    const char *s = "{\"a\": 1, \"b\": 2,\n \"a\": {\"z\": 3}, \"c\": 4}";
    ck_assert(reads(s, &doc, &e));
    ck_assert_uint_eq(doc.root->count, 3);
    const cbec_node *a = &doc.root->children[0];
    ck_assert_str_eq(a->key, "a");
    ck_assert_int_eq(a->kind, CBEC_NODE_OBJECT);
    ck_assert_ptr_eq(a->children[0].parent, a);
    ck_assert_str_eq(doc.root->children[2].key, "c");
    ck_assert_uint_eq(doc.root->children[2].index, 2);
    /* positions follow the text even though the merged member moved back */
    cbec__json_message_positions(&doc);
    ck_assert_uint_eq(a->span.line, 2);
    ck_assert_uint_eq(a->span.column, 7);
    ck_assert_uint_eq(a->children[0].span.column, 13);
    ck_assert_uint_eq(doc.root->children[1].span.line, 1);
    ck_assert_uint_eq(doc.root->children[1].span.column, 15);
    ck_assert_uint_eq(doc.root->children[2].span.column, 22);
    ck_assert_uint_eq(doc.nodes, 5);
}
END_TEST

START_TEST(test_json_message_positions_count_characters)
{
    const char *s = "{\n  \"k\": \"v\",\n  \"arr\": [\n    {\"x\": \"中文\", \"y\": 2}\n  ]\n}";
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(reads(s, &doc, &e));
    ck_assert(!doc.positions);
    cbec__json_message_positions(&doc);
    ck_assert_uint_eq(doc.root->span.line, 1);
    const cbec_node *k = cbec__node_member(doc.root, "k", 1);
    ck_assert_uint_eq(k->span.line, 2);
    ck_assert_uint_eq(k->span.column, 8);
    const cbec_node *y = cbec__node_member(&cbec__node_member(doc.root, "arr", 3)->children[0], "y", 1);
    ck_assert_uint_eq(y->span.line, 4);
    ck_assert_uint_eq(y->span.column, 22);
}
END_TEST

/* Documents of many shapes (newlines and multi-byte characters anywhere
 * between and inside tokens, runs shorter and longer than sixteen bytes,
 * repeated names): every node's line and column are those a plain count
 * from the start of the text gives. */
static unsigned long gen_state = 12345;

static unsigned gen_next(unsigned n)
{
    gen_state = gen_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((gen_state >> 33) % n);
}

static void gen_space(cbec_buf *b)
{
    static const char *const ws[] = {"", " ", "\n", "  ", "\n    ", "\r\n", "\t", "\n\n\n", "                    "};
    cbec__buf_adds(b, ws[gen_next(9)]);
}

static void gen_string(cbec_buf *b)
{
    static const char *const parts[] = {"a", "key", "中文", "é", "\\n", "\\u00e9", "😀", "0123456789abcdefghij", "x y"};
    cbec__buf_addc(b, '"');
    for (unsigned k = gen_next(5); k; k--)
        cbec__buf_adds(b, parts[gen_next(9)]);
    cbec__buf_addc(b, '"');
}

static void gen_value(cbec_buf *b, int depth)
{
    unsigned kind = depth > 4 ? gen_next(3) : gen_next(6);
    gen_space(b);
    if (kind == 0) {
        gen_string(b);
    } else if (kind == 1) {
        cbec__buf_adds(b, gen_next(2) ? "12.5" : "-7");
    } else if (kind == 2) {
        cbec__buf_adds(b, gen_next(2) ? "true" : "null");
    } else if (kind == 3) {
        cbec__buf_addc(b, '[');
        for (unsigned i = 0, n = gen_next(5); i < n; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            gen_value(b, depth + 1);
        }
        gen_space(b);
        cbec__buf_addc(b, ']');
    } else {
        cbec__buf_addc(b, '{');
        for (unsigned i = 0, n = gen_next(5); i < n; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            gen_space(b);
            if (gen_next(4) == 0)
                cbec__buf_adds(b, "\"same\"");   /* repeated names now and then */
            else
                gen_string(b);
            gen_space(b);
            cbec__buf_addc(b, ':');
            gen_value(b, depth + 1);
        }
        gen_space(b);
        cbec__buf_addc(b, '}');
    }
    gen_space(b);
}

static void check_positions(const cbec_node *n, const char *src, size_t len, size_t *count)
{
    unsigned long line, col;
    cbec__text_position(src, len, n->span.offset, &line, &col);
    ck_assert_msg(n->span.line == line && n->span.column == col, "node at byte %lu: %lu:%lu, want %lu:%lu",
                  (unsigned long)n->span.offset, (unsigned long)n->span.line, (unsigned long)n->span.column, line, col);
    (*count)++;
    if (n->kind == CBEC_NODE_OBJECT || n->kind == CBEC_NODE_ARRAY)
        for (uint32_t i = 0; i < n->count; i++)
            check_positions(&n->children[i], src, len, count);
}

START_TEST(test_json_message_positions_match_a_count_from_the_start)
{
    cbec_buf b;
    cbec__buf_init(&b);
    size_t nodes = 0;
    for (int round = 0; round < 400; round++) {
        cbec__buf_reset(&b);
        cbec__buf_addc(&b, '{');
        for (unsigned i = 0, n = 1 + gen_next(6); i < n; i++) {
            if (i)
                cbec__buf_addc(&b, ',');
            gen_space(&b);
            gen_string(&b);
            cbec__buf_addc(&b, ':');
            gen_value(&b, 0);
        }
        cbec__buf_addc(&b, '}');
        ck_assert(!b.oom);
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(read_msg(b.data, b.len, &doc, &e), "round %d: %s", round, e.message_en);
        cbec__json_message_positions(&doc);
        check_positions(doc.root, b.data, b.len, &nodes);
        cbec__arena_reset(&arena);
    }
    ck_assert_uint_gt(nodes, 4000);
    cbec__buf_free(&b);
}
END_TEST

START_TEST(test_json_message_rejects_what_rfc_8259_rejects)
{
    static const struct {
        const char *in;
        const char *rule;
        size_t at;
    } bad[] = {
        {"{\"a\": [1, 2,, 3]}", "CBEC-JSON-SYNTAX", 12},
        {"[1,]", "CBEC-JSON-SYNTAX", 3},
        {"{\"a\":1,}", "CBEC-JSON-SYNTAX", 7},
        {"[1] x", "CBEC-JSON-SYNTAX", 4},
        {"1 2", "CBEC-JSON-SYNTAX", 2},
        {"nul", "CBEC-JSON-SYNTAX", 3},
        {"NaN", "CBEC-JSON-SYNTAX", 0},
        {"[Infinity]", "CBEC-JSON-SYNTAX", 1},
        {"[-Infinity]", "CBEC-JSON-SYNTAX", 2},
        {"1.", "CBEC-JSON-SYNTAX", 2},
        {"01", "CBEC-JSON-SYNTAX", 1},
        {"[09.5]", "CBEC-JSON-SYNTAX", 2}, /* json-c reads this one */
        {"[.5]", "CBEC-JSON-SYNTAX", 1},
        {"[1e]", "CBEC-JSON-SYNTAX", 3},
        {"[\"a\tb\"]", "CBEC-JSON-SYNTAX", 3},
        {"[\"\\x\"]", "CBEC-JSON-SYNTAX", 2},
        {"[\"\\u12\"]", "CBEC-JSON-SYNTAX", 2},
        {"{\"a\" 1}", "CBEC-JSON-SYNTAX", 5},
        {"{a: 1}", "CBEC-JSON-SYNTAX", 1},
        {"[1 2]", "CBEC-JSON-SYNTAX", 3},
        {"/* c */ 1", "CBEC-JSON-SYNTAX", 0},
        {"{\"a\": \"x", "CBEC-JSON-SYNTAX", 8},
        {"[\"\\ud800\"]", "CBEC-UTF8", 2},
        {"[\"\\udc00\\ud800\"]", "CBEC-UTF8", 2},
        {"{\"a\": \"\xc0\xaf\"}", "CBEC-UTF8", 7},
        {"{\"a\": \"\xed\xa0\x80\"}", "CBEC-UTF8", 7},
        {"{\"a\": \"\xf4\x90\x80\x80\"}", "CBEC-UTF8", 7},
        /* bad bytes are named before the syntax error that precedes them */
        {"{, \"\xff\"}", "CBEC-UTF8", 4},
        {"   ", "CBEC-EMPTY", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(!reads(bad[i].in, &doc, &e), "accepted %s", bad[i].in);
        ck_assert_msg(strcmp(e.rule, bad[i].rule) == 0, "%s: %s, not %s", bad[i].in, e.rule, bad[i].rule);
        if (e.has_offset)
            ck_assert_msg(e.offset == bad[i].at, "%s: at %zu, not %zu", bad[i].in, e.offset, bad[i].at);
        ck_assert(e.message_en[0] && e.message_zh[0]);
    }
    cbec_doc doc;
    cbec_read_error e;
    const char nul[] = "{\"a\": \"x\0y\"}";
    ck_assert(!read_msg(nul, sizeof nul - 1, &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-JSON-NUL");
    ck_assert_uint_eq(e.offset, 8);
}
END_TEST

START_TEST(test_json_message_accepts_bare_scalars)
{
    const char *in[] = {"null", "1", "true", "false", "\"a\"", " 12 ", "-0.50", "null\n", "0", "-1e-7"};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(reads(in[i], &doc, &e), "rejected %s: %s", in[i], e.message_en);
        ck_assert_ptr_null(doc.root->parent);
    }
}
END_TEST

START_TEST(test_json_message_depth_is_bounded)
{
    /* 256 levels pass, 257 do not, a million are refused without recursion */
    size_t sizes[] = {256, 257, 1000000};
    for (size_t k = 0; k < 3; k++) {
        size_t depth = sizes[k];
        char *s = malloc(2 * depth + 1);
        memset(s, '[', depth);
        memset(s + depth, ']', depth);
        cbec_doc doc;
        cbec_read_error e;
        bool ok = read_msg(s, 2 * depth, &doc, &e);
        ck_assert(ok == (depth == 256));
        if (!ok) {
            ck_assert_str_eq(e.rule, "CBEC-LIMIT-DEPTH");
            ck_assert_uint_eq(e.offset, 256);
        }
        free(s);
        cbec__arena_reset(&arena);
    }
    /* a scalar inside counts as a level */
    char s[2000];
    size_t n = 0;
    for (int i = 0; i < 256; i++)
        n += (size_t)sprintf(s + n, "{\"a\":");
    s[n++] = '1';
    memset(s + n, '}', 256);
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_msg(s, n + 256, &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-DEPTH");
}
END_TEST

START_TEST(test_json_message_size_and_node_limits)
{
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    cbec_read_limits small = {8, 256, 100000};
    ck_assert(!cbec__json_read_message(rd, "[1,2,3,4,5]", 11, &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-SIZE");
    cbec_read_limits few = {1 << 20, 256, 3};
    ck_assert(!cbec__json_read_message(rd, "[1,2,3,4,5]", 11, &few, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-NODES");
}
END_TEST

START_TEST(test_json_message_reader_is_reusable_after_errors)
{
    cbec_doc doc;
    cbec_read_error e;
    for (int i = 0; i < 100; i++) {
        ck_assert(!reads("{\"a\": [1, {\"b\":", &doc, &e));
        ck_assert(reads("{\"a\": [1, {\"b\": 2}]}", &doc, &e));
        ck_assert_uint_eq(doc.root->children[0].children[1].children[0].text[0], '2');
        cbec__arena_reset(&arena);
    }
}
END_TEST

START_TEST(test_json_message_big_object_with_many_duplicates)
{
    /* 20 000 names, each twice, the second half reversed: positions stay
       right and take a sort, not a rescan per member */
    size_t n = 20000, cap = n * 40;
    char *s = malloc(cap);
    size_t at = 0;
    s[at++] = '{';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(s + at, cap - at, "\"k%zu\":%zu,", i, i);
    for (size_t i = n; i-- > 0;)
        at += (size_t)snprintf(s + at, cap - at, "\"k%zu\":\"v\"%s", i, i ? "," : "");
    s[at++] = '}';
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_msg(s, at, &doc, &e));
    ck_assert_uint_eq(doc.root->count, n);
    ck_assert_int_eq(doc.root->children[0].kind, CBEC_NODE_STRING);
    cbec__json_message_positions(&doc);
    ck_assert_uint_eq(doc.root->children[n - 1].span.line, 1);
    ck_assert(doc.root->children[n - 1].span.column < doc.root->children[0].span.column);
    free(s);
}
END_TEST

START_TEST(test_json_message_many_distinct_names_stay_linear)
{
    /* 300 000 distinct names and two repeated ones: quadratic work here
       would be 10^11 comparisons, far past the test's timeout */
    size_t n = 300000, cap = n * 24;
    char *s = malloc(cap);
    size_t at = 0;
    s[at++] = '{';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(s + at, cap - at, "\"m%zu\":%zu,", i, i);
    at += (size_t)snprintf(s + at, cap - at, "\"m7\":\"x\",\"m299999\":\"y\"}");
    cbec_read_limits big = {1 << 24, 256, 1000000};
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    ck_assert(cbec__json_read_message(rd, s, at, &big, &arena, &doc, &e, &oom));
    ck_assert_uint_eq(doc.root->count, n);
    ck_assert_str_eq(doc.root->children[7].key, "m7");
    ck_assert_str_eq(doc.root->children[7].text, "x");
    ck_assert_str_eq(doc.root->children[n - 1].text, "y");
    ck_assert_str_eq(cbec__node_member(doc.root, "m123456", 7)->text, "123456");
    free(s);
}
END_TEST

/* Canonical forms: members sorted by name, for objects on both sides of
 * the size the insertion sort serves (16 members); and each member's slice
 * of its parent's form, as cbec__node_canonical_members gives it, is that
 * member's own form.  (The reader merges repeated names, so the objects
 * read here have distinct ones.) */
static void check_members_sorted(const cbec_node *n)
{
    if (n->kind == CBEC_NODE_OBJECT || n->kind == CBEC_NODE_ARRAY)
        for (uint32_t i = 0; i < n->count; i++)
            check_members_sorted(&n->children[i]);
    if (n->kind != CBEC_NODE_OBJECT)
        return;
    for (uint32_t i = 1; i < n->count; i++) {
        const cbec_node *a = &n->children[i - 1], *b = &n->children[i];
        size_t k = a->keylen < b->keylen ? a->keylen : b->keylen;
        int c = memcmp(a->key, b->key, k);
        ck_assert(c < 0 || (c == 0 && a->keylen < b->keylen));
    }
}

START_TEST(test_canonical_order_and_member_slices)
{
    unsigned seed = 7;
    int big = 0;
    for (int round = 0; round < 300; round++) {
        size_t count = (size_t)round % 61;
        cbec_buf src;
        cbec__buf_init(&src);
        cbec__buf_addc(&src, '{');
        for (size_t i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            char key[8];
            /* names of one to three letters of three: prefixes ("ab"
             * before "abc") and repeats come up, and objects of more than
             * sixteen distinct names */
            size_t kl = 1 + (seed >> 16) % 3;
            for (size_t k = 0; k < kl; k++)
                key[k] = "abc"[(seed >> (18 + 2 * k)) % 3];
            key[kl] = '\0';
            if (i)
                cbec__buf_addc(&src, ',');
            if ((seed >> 24) % 4 == 0)
                cbec__buf_addf(&src, "\"%s\": {\"z\": %zu, \"y\": [%zu, {\"b\": 1, \"a\": 2}]}", key, i, i);
            else
                cbec__buf_addf(&src, "\"%s\": %zu", key, i);
        }
        cbec__buf_addc(&src, '}');
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(read_msg(src.data, src.len, &doc, &e), "%s", e.message_en);
        cbec_buf canon, again;
        cbec__buf_init(&canon);
        cbec__buf_init(&again);
        size_t (*ranges)[2] = calloc(count + 1, sizeof *ranges);
        ck_assert_ptr_nonnull(ranges);
        cbec__node_canonical_members(doc.root, &canon, ranges);
        cbec__node_canonical(doc.root, &again);
        ck_assert(!canon.oom && !again.oom);
        ck_assert_str_eq(cbec__buf_cstr(&canon), cbec__buf_cstr(&again));
        for (size_t i = 0; i < doc.root->count; i++) {
            cbec_buf one;
            cbec__buf_init(&one);
            cbec__node_canonical(&doc.root->children[i], &one);
            ck_assert_uint_eq(ranges[i][1] - ranges[i][0], one.len);
            ck_assert_int_eq(memcmp(canon.data + ranges[i][0], one.data, one.len), 0);
            cbec__buf_free(&one);
        }
        /* read back, the form is in order and is its own canonical form */
        cbec_doc back;
        ck_assert_msg(read_msg(canon.data, canon.len, &back, &e), "%s", e.message_en);
        check_members_sorted(back.root);
        big += back.root->count > 16;
        cbec_buf third;
        cbec__buf_init(&third);
        cbec__node_canonical(back.root, &third);
        ck_assert_str_eq(cbec__buf_cstr(&third), cbec__buf_cstr(&canon));
        free(ranges);
        cbec__buf_free(&src);
        cbec__buf_free(&canon);
        cbec__buf_free(&again);
        cbec__buf_free(&third);
        cbec__arena_reset(&arena);
    }
    ck_assert_int_gt(big, 50); /* the sort of big objects was taken */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json-message");
    TCase *tc = tcase_create("reader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_json_message_trees_match_json_c_on_every_suite_file);
    tcase_add_test(tc, test_json_message_keeps_exact_text_and_order);
    tcase_add_test(tc, test_json_message_escaped_nul_is_kept);
    tcase_add_test(tc, test_json_message_duplicates_keep_first_place_last_value);
    tcase_add_test(tc, test_json_message_positions_count_characters);
    tcase_add_test(tc, test_json_message_positions_match_a_count_from_the_start);
    tcase_add_test(tc, test_json_message_rejects_what_rfc_8259_rejects);
    tcase_add_test(tc, test_json_message_accepts_bare_scalars);
    tcase_add_test(tc, test_json_message_depth_is_bounded);
    tcase_add_test(tc, test_json_message_size_and_node_limits);
    tcase_add_test(tc, test_json_message_reader_is_reusable_after_errors);
    tcase_add_test(tc, test_json_message_big_object_with_many_duplicates);
    tcase_add_test(tc, test_json_message_many_distinct_names_stay_linear);
    tcase_add_test(tc, test_canonical_order_and_member_slices);
    suite_add_tcase(s, tc);
    return test_run(s);
}
