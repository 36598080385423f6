/* test-doc-json.c - the JSON reader: the document tree, exact numbers,
 * positions found on demand, and malformed input as clear errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "test-run.h"

static cbec_json_reader *rd;
static cbec_arena arena;
static cbec_read_limits lim = {1 << 20, 256, 100000};

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

static bool read_doc(const char *s, cbec_doc *doc, cbec_read_error *e)
{
    bool oom;
    bool ok = cbec__json_read(rd, s, strlen(s), &lim, &arena, doc, e, &oom);
    ck_assert(!oom);
    return ok;
}

START_TEST(test_json_tree_keeps_order_and_exact_numbers)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("{\"b\": 1.50, \"a\": [true, null, \"x\"], \"big\": 123456789012345678901234567890, \"neg\": -9223372036854775808}", &doc, &e));
    const cbec_node *root = doc.root;
    ck_assert_int_eq(root->kind, CBEC_NODE_OBJECT);
    ck_assert_uint_eq(root->count, 4);
    ck_assert_str_eq(root->children[0].key, "b");
    ck_assert_str_eq(root->children[0].text, "1.50");
    const cbec_node *a = cbec__node_member(root, "a", 1);
    ck_assert_int_eq(a->kind, CBEC_NODE_ARRAY);
    ck_assert_int_eq(a->children[0].kind, CBEC_NODE_BOOL);
    ck_assert_int_eq(a->children[1].kind, CBEC_NODE_NULL);
    ck_assert_int_eq(a->children[2].kind, CBEC_NODE_STRING);
    const cbec_node *big = cbec__node_member(root, "big", 3);
    ck_assert_int_eq((int)big->len, 30);
    ck_assert(memcmp(big->text, "123456789012345678901234567890", 30) == 0);
    const cbec_node *neg = cbec__node_member(root, "neg", 3);
    ck_assert(neg->len == 20 && memcmp(neg->text, "-9223372036854775808", 20) == 0);
    cbec__json_release(rd, &doc);
}
END_TEST

START_TEST(test_json_bare_scalars_are_documents)
{
    const char *in[] = {"null", "1", "true", "false", "\"a\"", " 12 ", "-0.50", "null\n"};
    const int kind[] = {CBEC_NODE_NULL, CBEC_NODE_NUMBER, CBEC_NODE_BOOL, CBEC_NODE_BOOL, CBEC_NODE_STRING,
                        CBEC_NODE_NUMBER, CBEC_NODE_NUMBER, CBEC_NODE_NULL};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(read_doc(in[i], &doc, &e), "rejected %s: %s", in[i], e.message_en);
        ck_assert_int_eq(doc.root->kind, kind[i]);
        cbec__json_release(rd, &doc);
    }
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_doc("1 2", &doc, &e));
    ck_assert(!read_doc("nul", &doc, &e));
}
END_TEST

START_TEST(test_json_pointer_escapes_tokens)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("{\"a/b\": {\"m~n\": [0, 1]}}", &doc, &e));
    const cbec_node *n = &doc.root->children[0].children[0].children[1];
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__node_pointer(n, &b);
    ck_assert_str_eq(cbec__buf_cstr(&b), "/a~1b/m~0n/1");
    cbec__buf_free(&b);
    cbec__json_release(rd, &doc);
}
END_TEST

START_TEST(test_json_positions_on_demand)
{
    const char *s = "{\n  \"k\": \"v\",\n  \"arr\": [\n    {\"x\": \"中文\", \"y\": 2}\n  ],\n  \"dup\": 1, \"dup\": {\"z\": 3}\n}";
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc(s, &doc, &e));
    ck_assert(!doc.positions);
    cbec__json_positions(&doc);
    const cbec_node *k = cbec__node_member(doc.root, "k", 1);
    ck_assert_uint_eq(k->span.line, 2);
    ck_assert_uint_eq(k->span.column, 8);
    const cbec_node *y = cbec__node_member(&cbec__node_member(doc.root, "arr", 3)->children[0], "y", 1);
    ck_assert_uint_eq(y->span.line, 4);
    /* columns count characters: "中文" is two characters */
    ck_assert_uint_eq(y->span.column, 22);
    /* duplicates: json-c keeps the last value, and so do positions */
    const cbec_node *z = cbec__node_member(cbec__node_member(doc.root, "dup", 3), "z", 1);
    ck_assert_uint_eq(z->span.line, 6);
    ck_assert_uint_eq(z->span.column, 26);
    cbec__json_release(rd, &doc);
}
END_TEST

START_TEST(test_json_locate_finds_pointer)
{
    const char *s = "{\"messages\": {\"order\": {\"rules\": [{\"id\": 1}, {\"id\": 2, \"x\": \"a/b\"}]}}}";
    size_t off;
    ck_assert(cbec__json_locate(s, strlen(s), "/messages/order/rules/1/x", &off));
    ck_assert_str_eq(s + off, "\"a/b\"}]}}}");
    ck_assert(!cbec__json_locate(s, strlen(s), "/messages/nope", &off));
    ck_assert(!cbec__json_locate(s, strlen(s), "/messages/order/rules/5", &off));
}
END_TEST

START_TEST(test_json_malformed_reports_position)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_doc("{\"a\": [1, 2,, 3]}", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-JSON-SYNTAX");
    ck_assert(e.has_offset);
    ck_assert_uint_eq(e.offset, 12);
    ck_assert(!read_doc("[1] x", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-JSON-SYNTAX");
    ck_assert(!read_doc("   ", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-EMPTY");
    ck_assert(!read_doc("{\"a\": \"\xc0\xaf\"}", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-UTF8");
    ck_assert(!read_doc("{\"a\": \"\xed\xa0\x80\"}", &doc, &e)); /* a UTF-8 encoded surrogate */
    ck_assert_str_eq(e.rule, "CBEC-UTF8");
}
END_TEST

/* json-c takes a member name in single quotes even in strict mode; RFC
 * 8259 does not (found by the json_message fuzz target). */
START_TEST(test_json_single_quotes_are_refused_outside_strings)
{
    cbec_doc doc;
    cbec_read_error e;
    const char *bad[] = {"{'a': 1}", "{\"a\": 1, 'b': 2}", "[{\"x\\\"\": 1, 'y': 2}]",
                         "{\n' \"lines\": [1],\n  \"total': 160.04\n}"};
    const size_t at[] = {1, 9, 12, 2};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(!read_doc(bad[i], &doc, &e), "%s", bad[i]);
        ck_assert_str_eq(e.rule, "CBEC-JSON-SYNTAX");
        ck_assert(e.has_offset);
        ck_assert_uint_eq(e.offset, at[i]);
        ck_assert_ptr_nonnull(strstr(e.message_en, "single quote"));
    }
    /* inside strings, after escaped quotes, a single quote is a character */
    ck_assert(read_doc("{\"it's\": \"a \\\"b' c\\\" d'\"}", &doc, &e));
    ck_assert_uint_eq(doc.root->count, 1);
    ck_assert_str_eq(doc.root->children[0].key, "it's");
    ck_assert_str_eq(doc.root->children[0].text, "a \"b' c\" d'");
    cbec__json_release(rd, &doc);
}
END_TEST

START_TEST(test_json_nul_byte_is_an_error)
{
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    const char s[] = "{\"a\": \"x\0y\"}";
    ck_assert(!cbec__json_read(rd, s, sizeof s - 1, &lim, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-JSON-NUL");
    ck_assert_uint_eq(e.offset, 8);
}
END_TEST

START_TEST(test_json_deep_nesting_is_bounded)
{
    size_t depth = 100000;
    char *s = malloc(2 * depth + 1);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = 0;
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_doc(s, &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-DEPTH");
    free(s);
}
END_TEST

START_TEST(test_json_size_and_node_limits)
{
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    cbec_read_limits small = {8, 256, 100000};
    ck_assert(!cbec__json_read(rd, "[1,2,3,4,5]", 11, &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-SIZE");
    cbec_read_limits few = {1 << 20, 256, 3};
    ck_assert(!cbec__json_read(rd, "[1,2,3,4,5]", 11, &few, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-NODES");
}
END_TEST

START_TEST(test_json_reader_is_reusable)
{
    cbec_doc doc;
    cbec_read_error e;
    for (int i = 0; i < 100; i++) {
        ck_assert(!read_doc("{\"a\":", &doc, &e));
        ck_assert(read_doc("{\"a\": 1}", &doc, &e));
        cbec__json_release(rd, &doc);
        cbec__arena_reset(&arena);
    }
}
END_TEST

/* A document that fails inside a \u escape after a surrogate pair leaves
 * json-c 0.16's tokener with a pending surrogate that json_tokener_reset()
 * keeps: the next document must still read as it would alone (it used to
 * get U+FFFD before its first \u escape). */
START_TEST(test_json_failed_escape_does_not_reach_the_next_document)
{
    static const char *const bad[] = {
        "{\"a\": \"lrca5\\ud836\\udeeC\\uC-zl.\" }", "[\"\\ud83d\\ude00\\u12\"]",
        "[\"\\ud83d\\ude00\\u1", "{\"\\ud83d\\ude00\\uA-\": 1}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(!read_doc(bad[i], &doc, &e), "%s", bad[i]);
        ck_assert_msg(read_doc("{\"n\": \"\\u00e9\\u4e2d\"}", &doc, &e), "after %s: %s", bad[i], e.message_en);
        const cbec_node *n = cbec__node_member(doc.root, "n", 1);
        ck_assert_msg(n && n->len == 5 && memcmp(n->text, "\xC3\xA9\xE4\xB8\xAD", 5) == 0, "after %s: \"%.*s\"", bad[i],
                      n ? (int)n->len : 0, n ? n->text : "");
        cbec__json_release(rd, &doc);
        cbec__arena_reset(&arena);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_json_tree_keeps_order_and_exact_numbers);
    tcase_add_test(tc, test_json_bare_scalars_are_documents);
    tcase_add_test(tc, test_json_pointer_escapes_tokens);
    tcase_add_test(tc, test_json_positions_on_demand);
    tcase_add_test(tc, test_json_locate_finds_pointer);
    tcase_add_test(tc, test_json_malformed_reports_position);
    tcase_add_test(tc, test_json_nul_byte_is_an_error);
    tcase_add_test(tc, test_json_deep_nesting_is_bounded);
    tcase_add_test(tc, test_json_size_and_node_limits);
    tcase_add_test(tc, test_json_reader_is_reusable);
    tcase_add_test(tc, test_json_failed_escape_does_not_reach_the_next_document);
    tcase_add_test(tc, test_json_single_quotes_are_refused_outside_strings);
    suite_add_tcase(s, tc);
    return test_run(s);
}
