/* test-doc-xml.c - the XML reader: the document tree (local names, exact
 * text, attributes, repeated elements), element paths, positions found on
 * demand, refused entities and DTDs, limits, silence on stderr, thread
 * independence, and the host application's libxml2 left as it was. */
#include <check.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/xml.h"
#include "test-run.h"

static cbec_xml_reader *rd;
static cbec_arena arena;
static cbec_read_limits lim = {1 << 20, 64, 100000};

static void setup(void)
{
    rd = cbec__xml_reader_new();
    ck_assert_ptr_nonnull(rd);
    cbec__arena_init(&arena);
}

static void teardown(void)
{
    cbec__xml_reader_free(rd);
    cbec__arena_free(&arena);
}

static bool read_doc(const char *s, cbec_doc *doc, cbec_read_error *e)
{
    bool oom;
    bool ok = cbec__xml_read(rd, s, strlen(s), &lim, &arena, doc, e, &oom);
    ck_assert(!oom);
    return ok;
}

static const cbec_node *at(const cbec_node *n, const char *name)
{
    const cbec_node *m = cbec__node_member(n, name, strlen(name));
    ck_assert_msg(m != NULL, "no member %s", name);
    return m;
}

static bool text_is(const cbec_node *n, const char *s)
{
    return n->kind == CBEC_NODE_STRING && n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

static const char *path_of(const cbec_node *n, cbec_buf *b)
{
    cbec__buf_reset(b);
    cbec__node_pointer(n, b);
    return cbec__buf_cstr(b);
}

START_TEST(test_xml_tree_keys_by_local_name_and_keeps_text_exact)
{
    const char *s =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<ceb:Msg xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\" guid=\"G1\">\n"
        "  <ceb:Order>\n"
        "    <ceb:goodsValue>19050.00</ceb:goodsValue>\n"
        "    <ceb:note></ceb:note>\n"
        "    <ceb:name>  a &lt;b&gt; &#x4E2D;<![CDATA[<x>]]> </ceb:name>\n"
        "    <ceb:line>1</ceb:line><ceb:other/><ceb:line>2</ceb:line><ceb:line>3</ceb:line>\n"
        "  </ceb:Order>\n"
        "</ceb:Msg>\n";
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc(s, &doc, &e));
    ck_assert_int_eq(doc.format, CBEC_FORMAT_XML);
    ck_assert(doc.root->flags & CBEC_NODEF_XML_DOC);
    ck_assert_str_eq(cbec__xml_root_namespace(&doc), "http://www.chinaport.gov.cn/ceb");
    const cbec_node *msg = at(doc.root, "Msg");
    ck_assert_int_eq(msg->kind, CBEC_NODE_OBJECT);
    const cbec_node *guid = at(msg, "@guid");
    ck_assert(guid->flags & CBEC_NODEF_XML_ATTR);
    ck_assert(text_is(guid, "G1"));
    /* namespace declarations are not attributes */
    ck_assert_uint_eq(msg->count, 2);
    const cbec_node *order = at(msg, "Order");
    ck_assert(text_is(at(order, "goodsValue"), "19050.00"));
    ck_assert(text_is(at(order, "note"), ""));
    ck_assert(text_is(at(order, "name"), "  a <b> \xE4\xB8\xAD<x> "));
    /* repeated elements: one array at the place of the first, in order */
    ck_assert_str_eq(order->children[3].key, "line");
    const cbec_node *lines = at(order, "line");
    ck_assert_int_eq(lines->kind, CBEC_NODE_ARRAY);
    ck_assert(lines->flags & CBEC_NODEF_ELEMENT_LIST);
    ck_assert_uint_eq(lines->count, 3);
    ck_assert(text_is(&lines->children[2], "3"));
    ck_assert(text_is(at(order, "other"), ""));
    ck_assert_str_eq(order->children[4].key, "other");
    cbec__xml_release(rd, &doc);
    ck_assert_ptr_null(cbec__xml_tree(&doc));
}
END_TEST

START_TEST(test_xml_default_namespace_gives_same_keys)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("<Msg xmlns=\"urn:x\"><a>1</a></Msg>", &doc, &e));
    ck_assert_str_eq(cbec__xml_root_namespace(&doc), "urn:x");
    ck_assert(text_is(at(at(doc.root, "Msg"), "a"), "1"));
    cbec__xml_release(rd, &doc);
    ck_assert(read_doc("<Msg><a>1</a></Msg>", &doc, &e));
    ck_assert_str_eq(cbec__xml_root_namespace(&doc), "");
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_mixed_content_and_attributes_with_text)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("<r><price cur=\"CNY\">10.50</price><p>x<b>y</b>z</p><q>\n  <b>1</b>\n</q></r>", &doc, &e));
    const cbec_node *r = at(doc.root, "r");
    const cbec_node *price = at(r, "price");
    ck_assert(text_is(at(price, "@cur"), "CNY"));
    ck_assert(text_is(at(price, "#text"), "10.50"));
    const cbec_node *p = at(r, "p");
    ck_assert(text_is(at(p, "#text"), "xz"));
    ck_assert(text_is(at(p, "b"), "y"));
    /* blank text between child elements is layout, not content */
    ck_assert_ptr_null(cbec__node_member(at(r, "q"), "#text", 5));
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_paths_show_names_as_written_and_positions)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("<c:M xmlns:c=\"urn:c\" a=\"1\"><c:L>x</c:L><c:L><c:q>y</c:q></c:L><c:P u=\"2\">t</c:P></c:M>", &doc, &e));
    cbec_buf b;
    cbec__buf_init(&b);
    const cbec_node *m = at(doc.root, "M");
    ck_assert_str_eq(path_of(m, &b), "/c:M");
    ck_assert_str_eq(path_of(at(m, "@a"), &b), "/c:M/@a");
    const cbec_node *l = at(m, "L");
    ck_assert_str_eq(path_of(l, &b), "/c:M/c:L");
    ck_assert_str_eq(path_of(&l->children[0], &b), "/c:M/c:L[1]");
    ck_assert_str_eq(path_of(at(&l->children[1], "q"), &b), "/c:M/c:L[2]/c:q");
    ck_assert_str_eq(path_of(at(at(m, "P"), "#text"), &b), "/c:M/c:P/text()");
    /* the plain JSON Pointer of the same node stays available */
    cbec__buf_reset(&b);
    cbec__node_json_pointer(at(&l->children[1], "q"), &b);
    ck_assert_str_eq(cbec__buf_cstr(&b), "/M/L/1/q");
    cbec__buf_free(&b);
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_positions_on_demand)
{
    const char *s = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- <fake> -->\n<r>\n  <a x=\"1\"  y='>'>\xE4\xB8\xAD</a><b/>\n  <a>2</a>\n</r>\n";
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc(s, &doc, &e));
    ck_assert(!doc.positions);
    const cbec_node *r = at(doc.root, "r");
    ck_assert_uint_eq(r->span.line, 3); /* libxml2's line, at read time */
    cbec__xml_positions(&doc);
    ck_assert(doc.positions);
    ck_assert_uint_eq(r->span.line, 3);
    ck_assert_uint_eq(r->span.column, 1);
    ck_assert_uint_eq(r->span.offset, (uint32_t)(strstr(s, "<r>") - s));
    const cbec_node *as = at(r, "a");
    const cbec_node *a1 = &as->children[0], *a2 = &as->children[1];
    ck_assert_uint_eq(a1->span.line, 4);
    ck_assert_uint_eq(a1->span.column, 3);
    ck_assert_uint_eq(as->span.offset, a1->span.offset);
    ck_assert_uint_eq(at(a1, "@y")->span.column, 13);
    ck_assert_uint_eq(at(a1, "@y")->span.offset, (uint32_t)(strstr(s, "y='") - s));
    /* a column counts characters: after the 3-byte 中 the next tag is at 24 */
    ck_assert_uint_eq(at(r, "b")->span.line, 4);
    ck_assert_uint_eq(at(r, "b")->span.column, 24);
    ck_assert_uint_eq(a2->span.line, 5);
    ck_assert_uint_eq(a2->span.offset, (uint32_t)(strstr(s, "<a>2") - s));
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_declared_encoding_is_converted_to_utf8)
{
    /* 中文 in GB18030 */
    const char *s = "<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<r>\n  <b>\xD6\xD0\xCE\xC4</b>\n</r>\n";
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc(s, &doc, &e));
    const cbec_node *b = at(at(doc.root, "r"), "b");
    ck_assert(text_is(b, "\xE4\xB8\xAD\xE6\x96\x87"));
    cbec__xml_positions(&doc);
    ck_assert_uint_eq(b->span.line, 3);
    ck_assert_uint_eq(b->span.offset, (uint32_t)(strstr(s, "<b>") - s));
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_entity_declarations_are_refused)
{
    static const char *const docs[] = {
        "<!DOCTYPE r [<!ENTITY a \"x\">]><r>&a;</r>",
        "<!DOCTYPE r [<!ENTITY a SYSTEM \"/etc/passwd\">]><r>&a;</r>",
        "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r/>",
        "<!DOCTYPE r [<!ENTITY u SYSTEM \"x.gif\" NDATA gif>]><r/>",
        "<!DOCTYPE r [\n<!ENTITY l0 \"lol\">\n<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">\n]><r>&l1;</r>",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(!read_doc(docs[i], &doc, &e), "document %zu was accepted", i);
        ck_assert_str_eq(e.rule, "CBEC-XML-ENTITY");
        ck_assert(strstr(e.message_en, "entit") != NULL);
        ck_assert(e.has_offset);
        ck_assert_ptr_null(strstr(e.message_en, "root:"));
    }
}
END_TEST

START_TEST(test_xml_external_dtd_is_refused_and_internal_subset_accepted)
{
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_doc("<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\"><r/>", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-XML-DTD");
    ck_assert(strstr(e.message_en, "127.0.0.1") != NULL);
    ck_assert(!read_doc("<!DOCTYPE r PUBLIC \"-//A//B\" \"/etc/passwd\"><r/>", &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-XML-DTD");
    /* element declarations only: harmless, and no default attributes applied */
    ck_assert(read_doc("<!DOCTYPE r [<!ELEMENT r (#PCDATA)><!ATTLIST r d CDATA \"dflt\">]><r>1</r>", &doc, &e));
    ck_assert(text_is(at(doc.root, "r"), "1"));
    cbec__xml_release(rd, &doc);
}
END_TEST

START_TEST(test_xml_malformed_documents_are_clear_errors)
{
    static const struct {
        const char *doc, *rule;
        size_t offset;
    } cases[] = {
        {"<r><a>1</b></r>", "CBEC-XML-SYNTAX", 9},
        {"<r><p:a>1</p:a></r>", "CBEC-XML-SYNTAX", 0},
        {"<r>\n<a x=\"1\" x=\"2\"/></r>", "CBEC-XML-SYNTAX", 0},
        {"<r>\xC3\x28</r>", "CBEC-XML-SYNTAX", 0},
        {"<r></r><r></r>", "CBEC-XML-SYNTAX", 0},
        {"   \n\t ", "CBEC-EMPTY", 0},
        {"\xEF\xBB\xBF  ", "CBEC-EMPTY", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert_msg(!read_doc(cases[i].doc, &doc, &e), "case %zu accepted", i);
        ck_assert_str_eq(e.rule, cases[i].rule);
        if (cases[i].offset)
            ck_assert_msg(e.has_offset && e.offset >= cases[i].offset - 2 && e.offset <= cases[i].offset + 2,
                          "case %zu: offset %zu", i, e.offset);
    }
}
END_TEST

START_TEST(test_xml_limits_are_findings)
{
    cbec_read_limits small = {64, 3, 5};
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    const char *big = "<r><a>0123456789012345678901234567890123456789012345678901234567890123456789</a></r>";
    ck_assert(!cbec__xml_read(rd, big, strlen(big), &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-SIZE");
    const char *deep = "<a><b><c><d>1</d></c></b></a>";
    ck_assert(!cbec__xml_read(rd, deep, strlen(deep), &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-DEPTH");
    const char *wide = "<r><a/><a/><a/><a/><a/><a/></r>";
    ck_assert(!cbec__xml_read(rd, wide, strlen(wide), &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-NODES");
    const char *ok = "<a><b><c>1</c></b></a>";
    ck_assert(cbec__xml_read(rd, ok, strlen(ok), &small, &arena, &doc, &e, &oom));
    cbec__xml_release(rd, &doc);
}
END_TEST

/* libxml2 must never write to stderr, whatever the input. */
START_TEST(test_xml_errors_never_reach_stderr)
{
    char tmpl[] = "/tmp/cbec-xml-stderr-XXXXXX";
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    static const char *const bad[] = {
        "<r><a>1</b></r>", "<r", "<?xml version=\"1.0\" encoding=\"NO-SUCH-CHARSET\"?><r/>",
        "<!DOCTYPE r [<!ENTITY a \"x\">]><r>&a;</r>", "<r>&undefined;</r>", "<r xmlns:p=\"\"/>",
        "<r>\xFF\xFE</r>", "<p:r/>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cbec_doc doc;
        cbec_read_error e;
        bool oom;
        cbec__xml_read(rd, bad[i], strlen(bad[i]), &lim, &arena, &doc, &e, &oom);
        cbec__xml_release(rd, &doc);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(tmpl);
    ck_assert_int_eq((int)size, 0);
}
END_TEST

/* Each reader keeps its own errors: a bad document on one thread never
 * colours the outcome on another. */
typedef struct worker {
    int id;
    int failures;
} worker;

static void *work(void *p)
{
    worker *w = p;
    cbec_xml_reader *r = cbec__xml_reader_new();
    cbec_arena a;
    cbec__arena_init(&a);
    char good[128], bad[128];
    snprintf(good, sizeof good, "<r><n>%d</n></r>", w->id);
    snprintf(bad, sizeof bad, "<r><n>%d</m></r>", w->id);
    for (int i = 0; i < 300; i++) {
        cbec_doc doc;
        cbec_read_error e;
        bool oom;
        bool odd = (i + w->id) % 2;
        const char *s = odd ? bad : good;
        bool ok = cbec__xml_read(r, s, strlen(s), &lim, &a, &doc, &e, &oom);
        if (ok == odd)
            w->failures++;
        if (ok) {
            const cbec_node *n = cbec__node_member(&doc.root->children[0], "n", 1);
            char want[16];
            snprintf(want, sizeof want, "%d", w->id);
            if (!n || n->len != strlen(want) || memcmp(n->text, want, n->len) != 0)
                w->failures++;
        } else if (strcmp(e.rule, "CBEC-XML-SYNTAX") != 0 || !strstr(e.message_en, "mismatch")) {
            w->failures++;
        }
        cbec__xml_release(r, &doc);
        cbec__arena_reset(&a);
    }
    cbec__arena_free(&a);
    cbec__xml_reader_free(r);
    return NULL;
}

START_TEST(test_xml_readers_on_many_threads_are_independent)
{
    enum { N = 8 };
    pthread_t t[N];
    worker w[N];
    for (int i = 0; i < N; i++) {
        w[i].id = i;
        w[i].failures = 0;
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
}
END_TEST

/* The library's entity loader stands in for libxml2's only on the
 * library's own calls: an application parsing its own documents with
 * libxml2 in the same process still loads what it asks for. */
START_TEST(test_xml_host_application_keeps_its_entity_loading)
{
    cbec__xml_init();
    char dir[] = "/tmp/cbec-xml-host-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char ent[256], main_doc[512];
    snprintf(ent, sizeof ent, "%s/part.xml", dir);
    snprintf(main_doc, sizeof main_doc, "<!DOCTYPE r [<!ENTITY part SYSTEM \"%s\">]><r>&part;</r>", ent);
    FILE *f = fopen(ent, "w");
    ck_assert_ptr_nonnull(f);
    fputs("HOST-TEXT", f);
    fclose(f);
    xmlDocPtr d = xmlReadMemory(main_doc, (int)strlen(main_doc), NULL, NULL, XML_PARSE_NOENT | XML_PARSE_NOERROR);
    ck_assert_ptr_nonnull(d);
    xmlChar *content = xmlNodeGetContent(xmlDocGetRootElement(d));
    ck_assert_str_eq((const char *)content, "HOST-TEXT");
    xmlFree(content);
    xmlFreeDoc(d);
    /* while the library refuses the very same document */
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(!read_doc(main_doc, &doc, &e));
    ck_assert_str_eq(e.rule, "CBEC-XML-ENTITY");
    unlink(ent);
    rmdir(dir);
}
END_TEST

START_TEST(test_xml_reader_reuse_frees_previous_tree)
{
    for (int i = 0; i < 50; i++) {
        cbec_doc doc;
        cbec_read_error e;
        ck_assert(read_doc("<r><a>1</a><a>2</a></r>", &doc, &e));
        /* a new read without release in between must not leak */
        ck_assert(read_doc("<r><b>1</b></r>", &doc, &e));
        cbec__arena_reset(&arena);
    }
    cbec_doc doc;
    cbec_read_error e;
    ck_assert(read_doc("<r/>", &doc, &e));
    cbec__xml_release(rd, &doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xml");
    TCase *tc = tcase_create("reader");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_xml_tree_keys_by_local_name_and_keeps_text_exact);
    tcase_add_test(tc, test_xml_default_namespace_gives_same_keys);
    tcase_add_test(tc, test_xml_mixed_content_and_attributes_with_text);
    tcase_add_test(tc, test_xml_paths_show_names_as_written_and_positions);
    tcase_add_test(tc, test_xml_positions_on_demand);
    tcase_add_test(tc, test_xml_declared_encoding_is_converted_to_utf8);
    tcase_add_test(tc, test_xml_entity_declarations_are_refused);
    tcase_add_test(tc, test_xml_external_dtd_is_refused_and_internal_subset_accepted);
    tcase_add_test(tc, test_xml_malformed_documents_are_clear_errors);
    tcase_add_test(tc, test_xml_limits_are_findings);
    tcase_add_test(tc, test_xml_errors_never_reach_stderr);
    tcase_add_test(tc, test_xml_readers_on_many_threads_are_independent);
    tcase_add_test(tc, test_xml_host_application_keeps_its_entity_loading);
    tcase_add_test(tc, test_xml_reader_reuse_frees_previous_tree);
    suite_add_tcase(s, tc);
    return test_run(s);
}
