/* test-doc-xml-light.c - the XML reader's light path (its own element tree
 * in the arena) against libxml2's tree builder: the same document model,
 * the same positions, the same read errors and the same XSD findings for
 * every construct a message may use; the constructs only the full path
 * handles; a parser context reused over many messages. */
#include <check.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/xml.h"

static cbec_xml_reader *light, *full;
static cbec_arena la, fa;
static cbec_read_limits lim = {1 << 22, 64, 1000000};

static void setup(void)
{
    light = cbec__xml_reader_new();
    full = cbec__xml_reader_new();
    ck_assert_ptr_nonnull(light);
    ck_assert_ptr_nonnull(full);
    cbec__xml_reader_set_light(full, false);
    cbec__arena_init(&la);
    cbec__arena_init(&fa);
}

static void teardown(void)
{
    cbec__xml_reader_free(light);
    cbec__xml_reader_free(full);
    cbec__arena_free(&la);
    cbec__arena_free(&fa);
}

static void same_span(const cbec_span *a, const cbec_span *b, const char *what)
{
    ck_assert_msg(a->offset == b->offset && a->line == b->line && a->column == b->column &&
                      a->segment == b->segment && a->element == b->element && a->component == b->component,
                  "%s: span %u:%u:%u vs %u:%u:%u", what, a->line, a->column, a->offset, b->line, b->column,
                  b->offset);
}

/* The two trees hold the same nodes, keys as written, texts and spans. */
static void same_tree(const cbec_node *a, const cbec_node *b, int depth)
{
    ck_assert_int_lt(depth, 200);
    ck_assert_int_eq(a->kind, b->kind);
    ck_assert_int_eq(a->flags, b->flags);
    ck_assert_uint_eq(a->index, b->index);
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_uint_eq(a->keylen, b->keylen);
    ck_assert_uint_eq(a->prefixlen, b->prefixlen);
    if (a->key) {
        ck_assert_ptr_nonnull(b->key);
        ck_assert(memcmp(a->key - a->prefixlen, b->key - b->prefixlen, a->keylen + a->prefixlen) == 0);
    } else {
        ck_assert_ptr_null(b->key);
    }
    ck_assert_uint_eq(a->len, b->len);
    if (a->len)
        ck_assert(memcmp(a->text, b->text, a->len) == 0);
    same_span(&a->span, &b->span, a->key ? a->key : "node");
    for (uint32_t i = 0; i < a->count; i++)
        same_tree(&a->children[i], &b->children[i], depth + 1);
}

typedef struct xsd_errors {
    char text[4096];
    size_t len;
} xsd_errors;

static void collect(void *ctx, xmlErrorPtr err)
{
    xsd_errors *x = ctx;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    cbec_buf b;
    cbec__buf_init(&b);
    const cbec_node *n = cbec__xml_node_of(err->node);
    if (n)
        cbec__node_pointer(n, &b);
    int w = snprintf(x->text + x->len, sizeof x->text - x->len, "%s|%s\n", cbec__buf_cstr(&b),
                     err->message ? err->message : "");
    cbec__buf_free(&b);
    if (w > 0)
        x->len += (size_t)w < sizeof x->text - x->len ? (size_t)w : sizeof x->text - x->len - 1;
}

static void validate(const cbec_doc *doc, xmlSchemaPtr schema, xsd_errors *x)
{
    memset(x, 0, sizeof *x);
    xmlSchemaValidCtxtPtr vc = cbec__xml_valid_ctxt(doc, 1, schema);
    ck_assert_ptr_nonnull(vc);
    xmlSchemaSetValidStructuredErrors(vc, collect, x);
    int rc = xmlSchemaValidateDoc(vc, cbec__xml_tree(doc));
    xmlSchemaSetValidStructuredErrors(vc, NULL, NULL);
    snprintf(x->text + x->len, sizeof x->text - x->len, "rc=%d", rc);
}

enum { ANY_WAY, LIGHT_WAY, FULL_WAY };

/* Read s both ways; compare trees, positions, errors and XSD findings.
 * way: which path the light reader must have taken (when the read
 * succeeds). */
static void both_ways_expect(const char *s, size_t len, xmlSchemaPtr schema, int way)
{
    cbec_doc dl, df;
    cbec_read_error el, ef;
    bool ooml, oomf;
    cbec__arena_reset(&la);
    cbec__arena_reset(&fa);
    memset(&el, 0, sizeof el);
    memset(&ef, 0, sizeof ef);
    bool okl = cbec__xml_read(light, s, len, &lim, &la, &dl, &el, &ooml);
    bool okf = cbec__xml_read(full, s, len, &lim, &fa, &df, &ef, &oomf);
    ck_assert(!ooml && !oomf);
    ck_assert_msg(okl == okf, "read %d vs %d: %s / %s", okl, okf, el.message_en, ef.message_en);
    if (!okl) {
        ck_assert_str_eq(el.rule, ef.rule);
        ck_assert_str_eq(el.message_en, ef.message_en);
        ck_assert_int_eq(el.has_offset, ef.has_offset);
        ck_assert_uint_eq(el.offset, ef.offset);
        cbec__xml_release(light, &dl);
        cbec__xml_release(full, &df);
        return;
    }
    ck_assert(!cbec__xml_read_was_light(&df));
    if (way != ANY_WAY)
        ck_assert_msg(cbec__xml_read_was_light(&dl) == (way == LIGHT_WAY), "wrong path for %.60s", s);
    ck_assert_str_eq(cbec__xml_root_namespace(&dl), cbec__xml_root_namespace(&df));
    ck_assert_uint_eq(dl.nodes, df.nodes);
    same_tree(dl.root, df.root, 0);
    if (schema) {
        xsd_errors xl, xf;
        validate(&dl, schema, &xl);
        validate(&df, schema, &xf);
        ck_assert_str_eq(xl.text, xf.text);
    }
    cbec__xml_positions(&dl);
    cbec__xml_positions(&df);
    same_tree(dl.root, df.root, 0);
    cbec__xml_release(light, &dl);
    cbec__xml_release(full, &df);
}

static void both_ways(const char *s, size_t len, xmlSchemaPtr schema)
{
    both_ways_expect(s, len, schema, ANY_WAY);
}

static void both(const char *s) { both_ways(s, strlen(s), NULL); }

/* The first LIGHT_MESSAGES take the light path; the next FULL_MESSAGES
 * need the full one; the rest are read errors. */
#define LIGHT_MESSAGES 18
#define FULL_MESSAGES 5

static const char *const messages[] = {
    "<a/>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n<?pi x?>\n<r>text</r>\n<!-- after -->",
    "<ceb:Msg xmlns:ceb=\"urn:c\" guid=\"G\"><ceb:Order><ceb:v>1.50</ceb:v><ceb:v>2</ceb:v></ceb:Order></ceb:Msg>",
    "<r xmlns=\"urn:d\"><a>1</a><b xmlns=\"\"><c>2</c></b><p:d xmlns:p=\"urn:p\" p:x=\"1\" y=\"2\">3</p:d></r>",
    "<r xmlns:p=\"urn:p\"><p:a><p:b xmlns:p=\"urn:q\">x</p:b></p:a><a xmlns:p=\"urn:p\">y</a></r>",
    "<r xml:lang=\"zh\" a=\"x&amp;y\" b='&#38;&#38;' c=\"&lt;&gt;&quot;&apos;\" d=\"\" e=\" t\tn\nr\r.\"/>",
    "<r a=\"&#x4E2D;&#20013;&#169;\" b=\"&#38;#38;\" c=\"a &#10; b\">x</r>",
    "<r>  a &lt;b&gt; &#x4E2D;<![CDATA[<x>]]> <!--split-->tail<?pi?>more</r>",
    "<r>lead<a>1</a>  <a>2</a>mid<b/>trail<a>3</a></r>",
    "<r>\n  <a>1</a>\n  <!-- c -->\n  <b>2</b>\n</r>",
    "<r><![CDATA[]]></r>",
    "<r><e></e><f/><g> </g></r>",
    "<r a=\"1\"><a>x</a><a y=\"2\">z</a></r>",
    "\xEF\xBB\xBF<r>bom</r>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r a=\"\xe9\">caf\xe9</r>",
    "<r>\r\n<a>1</a>\r\n<b>\xe4\xb8\xad\xe6\x96\x87</b>\r\n</r>",
    /* the same names under other prefixes, message after message */
    "<p:r xmlns:p=\"urn:p\"><p:a>1</p:a><q:a xmlns:q=\"urn:p\">2</q:a></p:r>",
    "<q:r xmlns:q=\"urn:p\"><q:a>1</q:a><a>2</a></q:r>",
    /* only the full path: a DOCTYPE, xml:id, entity references */
    "<!DOCTYPE r [<!ATTLIST r id ID #IMPLIED><!ELEMENT r ANY>]><r id=\"x\"><a>1</a></r>",
    "<!DOCTYPE r [<!ATTLIST r d CDATA \"dflt\">]><r/>",
    "<r xml:id=\"i1\"><a xml:id=\"i2\">1</a></r>",
    "<r xml:id=\"1bad\"/>",
    "<!DOCTYPE r [%pe;]><r>a&undeclared;b</r>",
    /* errors the parser finds, the same whichever way */
    "<r><a></r>",
    "<r a=\"1\" a=\"2\"/>",
    "<p:r/>",
    "<r>&nope;</r>",
    "<r>\x01</r>",
    "<r/><r/>",
    "<r xmlns:xml=\"urn:wrong\"/>",
    "<!DOCTYPE r SYSTEM \"http://example.com/r.dtd\"><r/>",
    "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>",
};

START_TEST(test_light_and_full_path_give_the_same_model)
{
    for (size_t i = 0; i < sizeof messages / sizeof *messages; i++)
        both_ways_expect(messages[i], strlen(messages[i]), NULL,
                         i < LIGHT_MESSAGES ? LIGHT_WAY : i < LIGHT_MESSAGES + FULL_MESSAGES ? FULL_WAY : ANY_WAY);
}
END_TEST

START_TEST(test_light_path_handles_wide_and_deep_elements_like_libxml2)
{
    /* more children than the linear grouping takes, names interleaved */
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, "<r>");
    for (int i = 0; i < 300; i++) {
        char el[64];
        snprintf(el, sizeof el, "<n%d>%d</n%d><k>%d</k>", i % 37, i, i % 37, i);
        cbec__buf_adds(&b, el);
    }
    cbec__buf_adds(&b, "</r>");
    both(cbec__buf_cstr(&b));
    cbec__buf_reset(&b);
    for (int i = 0; i < 60; i++)
        cbec__buf_adds(&b, "<d a=\"1\">t");
    for (int i = 0; i < 60; i++)
        cbec__buf_adds(&b, "</d>");
    both(cbec__buf_cstr(&b));
    /* deeper than the limit: the same refusal */
    cbec__buf_reset(&b);
    for (int i = 0; i < 70; i++)
        cbec__buf_adds(&b, "<d>");
    for (int i = 0; i < 70; i++)
        cbec__buf_adds(&b, "</d>");
    both(cbec__buf_cstr(&b));
    cbec__buf_free(&b);
}
END_TEST

START_TEST(test_light_path_lines_past_libxml2s_counter_take_the_full_path)
{
    size_t n = 70000;
    char *s = malloc(n + 64);
    ck_assert_ptr_nonnull(s);
    size_t k = (size_t)sprintf(s, "<r>");
    memset(s + k, '\n', n);
    k += n;
    k += (size_t)sprintf(s + k, "<a x=\"1\">late</a></r>");
    both_ways_expect(s, k, NULL, FULL_WAY);
    free(s);
}
END_TEST

static const char xsd_text[] =
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:t=\"urn:t\" targetNamespace=\"urn:t\""
    " elementFormDefault=\"qualified\">"
    "<xs:element name=\"r\"><xs:complexType><xs:sequence>"
    "<xs:element name=\"a\" minOccurs=\"0\" maxOccurs=\"unbounded\"><xs:complexType><xs:simpleContent>"
    "<xs:extension base=\"xs:decimal\"><xs:attribute name=\"id\" type=\"xs:ID\"/>"
    "<xs:attribute name=\"q\" type=\"xs:QName\"/><xs:attribute name=\"f\" type=\"xs:string\" fixed=\"F\"/>"
    "</xs:extension></xs:simpleContent></xs:complexType></xs:element>"
    "<xs:element name=\"b\" minOccurs=\"0\"><xs:complexType mixed=\"true\"><xs:sequence>"
    "<xs:element name=\"i\" type=\"xs:string\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
    "</xs:sequence></xs:complexType></xs:element>"
    "<xs:element name=\"c\" minOccurs=\"0\"><xs:complexType><xs:sequence>"
    "<xs:element name=\"k\" type=\"xs:token\" maxOccurs=\"unbounded\"/>"
    "<xs:element name=\"ref\" type=\"xs:token\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
    "</xs:sequence></xs:complexType>"
    "<xs:key name=\"kk\"><xs:selector xpath=\"t:k\"/><xs:field xpath=\".\"/></xs:key>"
    "<xs:keyref name=\"kr\" refer=\"t:kk\"><xs:selector xpath=\"t:ref\"/><xs:field xpath=\".\"/></xs:keyref>"
    "</xs:element>"
    "<xs:element name=\"e\" type=\"xs:date\" nillable=\"true\" minOccurs=\"0\"/>"
    "<xs:element name=\"only\" minOccurs=\"0\"><xs:complexType><xs:sequence>"
    "<xs:element name=\"x\" type=\"xs:int\" minOccurs=\"0\"/></xs:sequence></xs:complexType></xs:element>"
    "</xs:sequence><xs:attribute name=\"v\" type=\"xs:string\" use=\"required\"/></xs:complexType></xs:element>"
    "</xs:schema>";

START_TEST(test_light_path_gives_the_same_xsd_findings)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd_text, (int)strlen(xsd_text));
    ck_assert_ptr_nonnull(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    ck_assert_ptr_nonnull(schema);
    static const char *const docs[] = {
        "<t:r xmlns:t=\"urn:t\" v=\"1\"><t:a id=\"a1\" q=\"t:x\">1.5</t:a><t:a id=\"a2\">2</t:a></t:r>",
        "<t:r xmlns:t=\"urn:t\"><t:a id=\"a1\">x</t:a><t:a id=\"a1\" f=\"G\" q=\"nope:x\">2</t:a></t:r>",
        "<r xmlns=\"urn:t\" v=\"\"><b>mixed <i>in</i> tail<!--c-->more</b><c><k>k1</k><k>k1</k><ref>k9</ref></c></r>",
        "<t:r xmlns:t=\"urn:t\" v=\"x\"><t:e xsi:nil=\"true\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">2026-01-01</t:e></t:r>",
        "<t:r xmlns:t=\"urn:t\" v=\"x\"><t:only>text<!--c-->more<t:x>1</t:x>  </t:only></t:r>",
        "<t:r xmlns:t=\"urn:t\" v=\"x\" extra=\"&amp;\"><t:zz/><t:a>&#49;</t:a></t:r>",
        "<t:r xmlns:t=\"urn:t\" v=\"x\"><t:only> <![CDATA[ ]]> </t:only><t:e>2026-02-30</t:e></t:r>",
        "<r v=\"no namespace\"/>",
        "<!DOCTYPE t:r [<!ATTLIST t:a id ID #IMPLIED>]><t:r xmlns:t=\"urn:t\" v=\"1\"><t:a id=\"d\">1</t:a>"
        "<t:a id=\"d\">2</t:a></t:r>",
        "<t:r xmlns:t=\"urn:t\" v=\"1\"><t:a xml:id=\"z\" id=\"z\">1</t:a></t:r>",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        both_ways(docs[i], strlen(docs[i]), schema);
    xmlSchemaFree(schema);
}
END_TEST

START_TEST(test_light_path_context_survives_many_messages_and_new_names)
{
    /* enough distinct names to make the reader drop its parser context's
     * dictionary, with errors and fallbacks in between */
    cbec_buf b;
    cbec__buf_init(&b);
    for (int m = 0; m < 120; m++) {
        cbec__buf_reset(&b);
        cbec__buf_adds(&b, "<r>");
        for (int i = 0; i < 600; i++) {
            char el[160];
            snprintf(el, sizeof el, "<p%d:m%dn%d xmlns:p%d=\"urn:p\" a%d=\"%d\">%d</p%d:m%dn%d>", i % 3, m, i,
                     i % 3, i, i, m, i % 3, m, i);
            cbec__buf_adds(&b, el);
        }
        cbec__buf_adds(&b, m % 7 == 3 ? "<broken></r>" : "</r>");
        both(cbec__buf_cstr(&b));
        if (m % 11 == 5)
            both("<r xml:id=\"x\"><a>1</a></r>");
    }
    /* few names, but long ones: the dictionary's bytes count too; and a
     * text of megabytes between them */
    char *name = malloc(40001);
    ck_assert_ptr_nonnull(name);
    for (int m = 0; m < 30; m++) {
        cbec__buf_reset(&b);
        cbec__buf_adds(&b, "<r>");
        for (int i = 0; i < 10; i++) {
            memset(name, 'a' + (m + i) % 26, 40000);
            snprintf(name + 39990, 11, "%04d%06d", m, i);
            cbec__buf_addf(&b, "<%s>%d</%s>", name, i, name);
        }
        if (m == 7)
            for (int i = 0; i < 300000; i++)
                cbec__buf_adds(&b, "txt &amp; ");
        cbec__buf_adds(&b, "</r>");
        both(cbec__buf_cstr(&b));
    }
    free(name);
    cbec__buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("xml-light");
    TCase *tc = tcase_create("light");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_light_and_full_path_give_the_same_model);
    tcase_add_test(tc, test_light_path_handles_wide_and_deep_elements_like_libxml2);
    tcase_add_test(tc, test_light_path_lines_past_libxml2s_counter_take_the_full_path);
    tcase_add_test(tc, test_light_path_gives_the_same_xsd_findings);
    tcase_add_test(tc, test_light_path_context_survives_many_messages_and_new_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
