/* test-rules-xsd.c - XML message types end to end: the "xml" section
 * (root detection, XSD structure, bindings), XSD files resolved inside the
 * pack only, findings with element paths and lines, bindings onto logical
 * fields, one pack shared by many threads, format auto-detection. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "test-run.h"

static char dir[64];

static void write_file(const char *name, const char *content)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    if (slash > path + strlen(dir)) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cbec-xsd-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

#define HEAD "{\"cbecstd_pack\":1,\"id\":\"T-XML\",\"version\":\"1.0.0\",\"status\":\"active\",\"module\":\"compliance\"," \
             "\"title\":{\"en\":\"t\",\"zh-CN\":\"测\"},"

/* A schema for <t:M>: O (1-3), each with no (max 8 chars) and L (1-5) of q
 * (decimal) and p (decimal), then an optional S. */
static const char *const XSD =
    "<?xml version=\"1.0\"?>\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\" elementFormDefault=\"qualified\">\n"
    "  <xs:include schemaLocation=\"sub/types.xsd\"/>\n"
    "  <xs:element name=\"M\"><xs:complexType><xs:sequence>\n"
    "    <xs:element name=\"O\" maxOccurs=\"3\"><xs:complexType><xs:sequence>\n"
    "      <xs:element name=\"no\" type=\"Short\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"cur\" type=\"xs:string\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"L\" maxOccurs=\"5\"><xs:complexType><xs:sequence>\n"
    "        <xs:element name=\"q\" type=\"xs:decimal\"/><xs:element name=\"p\" type=\"xs:decimal\"/>\n"
    "      </xs:sequence></xs:complexType></xs:element>\n"
    "    </xs:sequence></xs:complexType></xs:element>\n"
    "    <xs:element name=\"S\" type=\"xs:string\" minOccurs=\"0\"/>\n"
    "  </xs:sequence><xs:attribute name=\"v\" type=\"xs:string\"/></xs:complexType></xs:element>\n"
    "</xs:schema>\n";
static const char *const TYPES =
    "<?xml version=\"1.0\"?>\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
    "  <xs:simpleType name=\"Short\"><xs:restriction base=\"xs:string\"><xs:maxLength value=\"8\"/></xs:restriction></xs:simpleType>\n"
    "</xs:schema>\n";

static const char *const BIND =
    "\"bind\":{\"each\":\"/M/t:O/*\",\"fields\":{"
    "\"/no\":\"t:no\",\"/currency\":{\"from\":\"cur\",\"map\":{\"codelist\":\"cur\",\"attribute\":\"iso\"}},"
    "\"/rawCurrency\":\"cur\",\"/items/*/qty\":\"L/*/q\",\"/items/*/price\":\"L/*/p\","
    "\"/signature\":\"/M/S\",\"/version\":\"/M/@v\"}}";

static const char *const CODELISTS =
    "\"codelists\":{\"cur\":{\"codes\":[{\"code\":\"142\",\"attributes\":{\"iso\":\"CNY\"}},"
    "{\"code\":\"502\",\"attributes\":{\"iso\":\"USD\"}}]}},";

static const char *const RULES =
    "\"rules\":["
    "{\"id\":\"R-NO\",\"path\":\"/no\",\"required\":true,\"maxLength\":4},"
    "{\"id\":\"R-CUR\",\"path\":\"/currency\",\"enum\":[\"CNY\",\"USD\"]},"
    "{\"id\":\"R-QTY\",\"path\":\"/items/*/qty\",\"maximum\":\"5\"},"
    "{\"id\":\"R-ITEMS\",\"path\":\"/items\",\"required\":true,\"maxItems\":2},"
    "{\"id\":\"R-SIG\",\"path\":\"/signature\",\"required\":true},"
    "{\"id\":\"R-UNBOUND\",\"path\":\"/buyer/name\",\"required\":true}]";

static void write_pack(const char *xml_extra)
{
    write_file("s.xsd", XSD);
    write_file("sub/types.xsd", TYPES);
    char pack[4096];
    snprintf(pack, sizeof pack,
             HEAD "%s\"messages\":{\"TM\":{\"title\":{\"en\":\"t\",\"zh-CN\":\"测\"},"
                  "\"xml\":{\"root\":{\"name\":\"M\",\"namespace\":\"urn:t\"},"
                  "\"xsd\":{\"file\":\"s.xsd\",\"id\":\"T-XSD\",\"ref\":\"X 1\"}%s%s},%s}}}",
             CODELISTS, xml_extra ? "," : "", xml_extra ? xml_extra : "", RULES);
    write_file("t.pack.json", pack);
}

static int load(cbec_registry **reg, cbec_error **err)
{
    char path[128];
    snprintf(path, sizeof path, "%s/t.pack.json", dir);
    ck_assert_int_eq(cbec_registry_new(reg), CBEC_OK);
    return cbec_registry_load_path(*reg, path, NULL, err);
}

static cbec_report *check(cbec_validator *v, cbec_registry *reg, const char *type, cbec_format f, const char *msg)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(v, reg, type, f, msg, strlen(msg), &r), CBEC_OK);
    return r;
}

/* Index of the first finding of rule (from index from), or -1. */
static long find(const cbec_report *r, const char *rule, size_t from)
{
    for (size_t i = from; i < cbec_report_count(r); i++)
        if (strcmp(cbec_finding_rule(r, i), rule) == 0)
            return (long)i;
    return -1;
}

static size_t count(const cbec_report *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < cbec_report_count(r); i++)
        n += strcmp(cbec_finding_rule(r, i), rule) == 0;
    return n;
}

static const char *const GOOD =
    "<?xml version=\"1.0\"?>\n"
    "<t:M xmlns:t=\"urn:t\" v=\"1.0\">\n"
    "  <t:O><t:no>A1</t:no><t:cur>142</t:cur>\n"
    "    <t:L><t:q>1</t:q><t:p>2.50</t:p></t:L>\n"
    "  </t:O>\n"
    "  <t:O><t:no>A2</t:no><t:cur>502</t:cur>\n"
    "    <t:L><t:q>2</t:q><t:p>1</t:p></t:L>\n"
    "    <t:L><t:q>3</t:q><t:p>1</t:p></t:L>\n"
    "  </t:O>\n"
    "  <t:S>sig</t:S>\n"
    "</t:M>\n";

START_TEST(test_xsd_valid_message_has_no_findings)
{
    write_pack(BIND);
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *r = check(v, reg, NULL, CBEC_FORMAT_AUTO, GOOD);
    ck_assert_str_eq(cbec_report_message_type(r), "TM");
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_XML);
    for (size_t i = 0; i < cbec_report_count(r); i++)
        ck_abort_msg("unexpected finding %s at %s", cbec_finding_rule(r, i), cbec_finding_path(r, i));
    ck_assert(cbec_report_valid(r));
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

START_TEST(test_xsd_findings_carry_rule_path_and_line)
{
    write_pack(NULL);
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    const char *bad =
        "<t:M xmlns:t=\"urn:t\">\n"
        "  <t:O><t:no>A1</t:no><t:L><t:q>1</t:q><t:p>x</t:p></t:L></t:O>\n"
        "  <t:O>\n"
        "    <t:no>123456789</t:no><t:L><t:q>1</t:q><t:p>1</t:p></t:L></t:O>\n"
        "</t:M>\n";
    cbec_report *r = check(v, reg, NULL, CBEC_FORMAT_XML, bad);
    ck_assert_uint_eq(count(r, "T-XSD"), 2);
    long i = find(r, "T-XSD", 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[1]/t:L/t:p");
    ck_assert_uint_eq(cbec_finding_line(r, (size_t)i), 2);
    ck_assert_uint_eq(cbec_finding_column(r, (size_t)i), 40);
    ck_assert_str_eq(cbec_finding_ref(r, (size_t)i), "X 1");
    const char *m = cbec_finding_message(r, (size_t)i, "en");
    ck_assert_msg(strstr(m, "'t:p'") && strstr(m, "XSD"), "message: %s", m);
    i = find(r, "T-XSD", (size_t)i + 1);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[2]/t:no");
    ck_assert_uint_eq(cbec_finding_line(r, (size_t)i), 4);
    ck_assert(!cbec_report_valid(r));
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

START_TEST(test_xsd_default_rule_id_is_type_xsd)
{
    write_file("s.xsd", XSD);
    write_file("sub/types.xsd", TYPES);
    write_file("t.pack.json", HEAD "\"messages\":{\"TM\":{\"xml\":{\"root\":{\"name\":\"M\",\"namespace\":\"urn:t\"},\"xsd\":\"s.xsd\"}}}}");
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *r = check(v, reg, NULL, CBEC_FORMAT_XML, "<M xmlns=\"urn:t\"><Z/></M>");
    ck_assert_int_ge(find(r, "TM-XSD", 0), 0);
    /* the same local name in another namespace is not this type */
    cbec_report_free(r);
    r = check(v, reg, NULL, CBEC_FORMAT_XML, "<M xmlns=\"urn:other\"/>");
    ck_assert_int_ge(find(r, "CBEC-TYPE", 0), 0);
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

static void expect_pack_error(const char *pack, const char *needle)
{
    write_file("t.pack.json", pack);
    cbec_registry *reg;
    cbec_error *err = NULL;
    int st = load(&reg, &err);
    ck_assert_msg(st == CBEC_EPACK, "status %d for %s", st, pack);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(cbec_error_message(err), needle) != NULL, "message \"%s\" lacks \"%s\"",
                  cbec_error_message(err), needle);
    cbec_error_free(err);
    cbec_registry_free(reg);
}

#define TYPE_XSD(file) HEAD "\"messages\":{\"TM\":{\"xml\":{\"root\":{\"name\":\"M\"},\"xsd\":\"" file "\"}}}}"

START_TEST(test_xsd_files_resolve_inside_the_pack_only)
{
    write_file("outside.xsd", TYPES);
    char inner[128];
    snprintf(inner, sizeof inner, "%s/p", dir);
    mkdir(inner, 0700);
    /* the pack lives in p/; everything it names must stay there */
    char saved[64];
    strcpy(saved, dir);
    strcat(dir, "/p");
    const char *inc =
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">"
        "<xs:include schemaLocation=\"%s\"/></xs:schema>";
    static const char *const where[] = {"../outside.xsd", "http://127.0.0.1:9/x.xsd", "/etc/passwd",
                                        "file:///etc/passwd", "missing.xsd"};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        char x[512];
        snprintf(x, sizeof x, inc, where[i]);
        write_file("s.xsd", x);
        expect_pack_error(TYPE_XSD("s.xsd"), i == 4 ? "cannot open" : "relative path inside");
    }
    char link[256], target[256];
    snprintf(link, sizeof link, "%s/evil.xsd", dir);
    snprintf(target, sizeof target, "%s/outside.xsd", saved);
    ck_assert_int_eq(symlink(target, link), 0);
    write_file("s.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">"
                        "<xs:include schemaLocation=\"evil.xsd\"/></xs:schema>");
    expect_pack_error(TYPE_XSD("s.xsd"), "outside the pack");
    expect_pack_error(TYPE_XSD("../outside.xsd"), "relative path inside");
    write_file("bad.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<xs:element name=\"M\" type=\"nope\"/>\n</xs:schema>");
    expect_pack_error(TYPE_XSD("bad.xsd"), "does not compile");
    write_file("broken.xsd", "<xs:schema");
    expect_pack_error(TYPE_XSD("broken.xsd"), "does not compile");
    strcpy(dir, saved);
}
END_TEST

START_TEST(test_xml_section_errors_are_pack_errors)
{
    write_file("s.xsd", XSD);
    write_file("sub/types.xsd", TYPES);
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"rooot\":{}}}}}", "rooot");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"root\":{\"name\":\"p:M\"}}}}}", "local name");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{\"/a/*\":\"/M/a\"}}}}}}", "at the same rank");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{\"/a\":\"/M/a\",\"/a/b\":\"/M/b\"}}}}}}", "cannot be bound inside it");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{\"/a/*/x\":\"/M/*/a\",\"/a/b\":\"/M/b\"}}}}}}", "both an array and an object");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{\"/a\":\"M/a\"}}}}}}", "need \"each\"");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{\"/a\":{\"from\":\"/M/a\",\"map\":{\"codelist\":\"nope\",\"attribute\":\"x\"}}}}}}}}", "no code list");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":{\"fields\":{}}}}}}", "needs \"fields\"");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":\"missing.json\"}}}}", "cannot open");
    write_file("b.json", "{\"fields\": {\"/a\": 7}}");
    expect_pack_error(HEAD "\"messages\":{\"TM\":{\"xml\":{\"bind\":\"b.json\"}}}}", "b.json:1:");
}
END_TEST

START_TEST(test_binding_maps_xml_onto_logical_fields)
{
    write_file("b.json", "{\"each\":\"/M/O/*\",\"fields\":{\"/no\":\"no\",\"/currency\":{\"from\":\"cur\",\"map\":{\"codelist\":\"cur\",\"attribute\":\"iso\"}},"
                         "\"/rawCurrency\":\"cur\",\"/items/*/qty\":\"L/*/q\",\"/items/*/price\":\"L/*/p\","
                         "\"/signature\":\"/M/S\",\"/version\":\"/M/@v\"}}");
    write_pack("\"bind\":\"b.json\"");
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    const char *msg =
        "<t:M xmlns:t=\"urn:t\">\n"
        "  <t:O><t:no>LONG-1</t:no><t:cur>999</t:cur>\n"
        "    <t:L><t:q>1</t:q><t:p>2</t:p></t:L>\n"
        "    <t:L><t:q>9</t:q><t:p>2</t:p></t:L>\n"
        "    <t:L><t:q>1</t:q><t:p>2</t:p></t:L>\n"
        "  </t:O>\n"
        "  <t:O><t:cur>142</t:cur>\n"
        "    <t:L><t:q>7</t:q><t:p>2</t:p></t:L>\n"
        "  </t:O>\n"
        "</t:M>\n";
    cbec_report *r = check(v, reg, "TM", CBEC_FORMAT_XML, msg);
    /* each order is checked on its own; findings point into the XML */
    long i = find(r, "R-NO", 0);
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[1]/t:no");
    ck_assert_uint_eq(cbec_finding_line(r, (size_t)i), 2);
    ck_assert_uint_eq(cbec_finding_column(r, (size_t)i), 8);
    /* a bound field that is absent is reported at the element that should hold it */
    i = find(r, "R-NO", (size_t)i + 1);
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[2]");
    ck_assert_uint_eq(cbec_finding_line(r, (size_t)i), 7);
    /* a code the map lacks keeps its text; a mapped one becomes the ISO code */
    ck_assert_uint_eq(count(r, "R-CUR"), 1);
    i = find(r, "R-CUR", 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[1]/t:cur");
    ck_assert_uint_eq(count(r, "R-QTY"), 2);
    i = find(r, "R-QTY", 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[1]/t:L[2]/t:q");
    i = find(r, "R-QTY", (size_t)i + 1);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/t:M/t:O[2]/t:L/t:q");
    ck_assert_uint_eq(count(r, "R-ITEMS"), 1);
    /* the logical array stands for the repeated element */
    ck_assert_str_eq(cbec_finding_path(r, (size_t)find(r, "R-ITEMS", 0)), "/t:M/t:O[1]/t:L");
    /* the absolute /M/S is missing for both orders */
    ck_assert_uint_eq(count(r, "R-SIG"), 2);
    /* a field no binding carries is not required of the XML form */
    ck_assert_uint_eq(count(r, "R-UNBOUND"), 0);
    cbec_report_free(r);
    /* nothing to split into: reported, never a clean bill */
    r = check(v, reg, "TM", CBEC_FORMAT_XML, "<t:M xmlns:t=\"urn:t\"><t:S>x</t:S></t:M>");
    ck_assert_int_ge(find(r, "CBEC-BIND", 0), 0);
    ck_assert_int_ge(find(r, "T-XSD", 0), 0);
    ck_assert(!cbec_report_valid(r));
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

/* One pack, its schema and binding shared by threads that each own a
 * validator: every thread sees exactly its own results. */
typedef struct job {
    cbec_registry *reg;
    int failures;
} job;

static void *run_job(void *p)
{
    job *j = p;
    cbec_validator *v;
    if (cbec_validator_new(&v) != CBEC_OK) {
        j->failures++;
        return NULL;
    }
    const char *bad = "<t:M xmlns:t=\"urn:t\"><t:O><t:no>TOO-LONG-NO</t:no><t:L><t:q>x</t:q><t:p>1</t:p></t:L></t:O></t:M>";
    for (int i = 0; i < 60; i++) {
        const char *m = i % 2 ? bad : GOOD;
        cbec_report *r = NULL;
        if (cbec_validate(v, j->reg, NULL, CBEC_FORMAT_AUTO, m, strlen(m), &r) != CBEC_OK) {
            j->failures++;
            continue;
        }
        if (i % 2) {
            if (count(r, "T-XSD") != 2 || count(r, "R-NO") != 1 || count(r, "R-SIG") != 1)
                j->failures++;
        } else if (cbec_report_count(r) != 0) {
            j->failures++;
        }
        cbec_report_free(r);
    }
    cbec_validator_free(v);
    return NULL;
}

START_TEST(test_pack_with_xsd_is_shared_by_threads)
{
    write_pack(BIND);
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    enum { N = 8 };
    pthread_t t[N];
    job j[N];
    for (int i = 0; i < N; i++) {
        j[i].reg = reg;
        j[i].failures = 0;
        ck_assert_int_eq(pthread_create(&t[i], NULL, run_job, &j[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(j[i].failures, 0);
    }
    cbec_registry_free(reg);
}
END_TEST

START_TEST(test_auto_detection_by_first_significant_bytes)
{
    write_pack(BIND);
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    char buf[2048];
    /* an XML declaration must come first; without one, blanks may lead */
    const char *body = strchr(GOOD, '\n') + 1;
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF \r\n\t%s", body);
    cbec_report *r = check(v, reg, NULL, CBEC_FORMAT_AUTO, buf);
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_XML);
    ck_assert(cbec_report_valid(r));
    cbec_report_free(r);
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", GOOD);
    r = check(v, reg, NULL, CBEC_FORMAT_AUTO, buf);
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_XML);
    ck_assert(cbec_report_valid(r));
    cbec_report_free(r);
    /* UTF-16 with a byte order mark: XML, never JSON */
    const char *body16 = strchr(GOOD, '\n') + 1;
    size_t n16 = 2 + 2 * strlen(body16);
    char *u16 = malloc(n16);
    ck_assert_ptr_nonnull(u16);
    u16[0] = (char)0xFF;
    u16[1] = (char)0xFE;
    for (size_t k = 0; body16[k]; k++) {
        u16[2 + 2 * k] = body16[k];
        u16[3 + 2 * k] = 0;
    }
    ck_assert_int_eq(cbec_validate(v, reg, NULL, CBEC_FORMAT_AUTO, u16, n16, &r), CBEC_OK);
    free(u16);
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_XML);
    ck_assert(cbec_report_valid(r));
    ck_assert_str_eq(cbec_report_message_type(r), "TM");
    cbec_report_free(r);
    r = check(v, reg, NULL, CBEC_FORMAT_AUTO, "\xEF\xBB\xBF  {\"a\": 1}");
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_JSON);
    cbec_report_free(r);
    /* naming the type works as detection does */
    r = check(v, reg, "TM", CBEC_FORMAT_XML, "<t:M xmlns:t=\"urn:t\"><t:O><t:no>1</t:no><t:L><t:q>1</t:q><t:p>1</t:p></t:L></t:O><t:S/></t:M>");
    ck_assert(cbec_report_valid(r));
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

/* xsi:schemaLocation in a message names nothing the validator reads: the
 * pack's schema decides. */
START_TEST(test_message_cannot_choose_its_schema)
{
    write_pack(NULL);
    write_file("lax.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\"><xs:element name=\"M\"/></xs:schema>");
    cbec_registry *reg;
    cbec_error *err = NULL;
    ck_assert_int_eq(load(&reg, &err), CBEC_OK);
    cbec_validator *v;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    char msg[1024];
    snprintf(msg, sizeof msg,
             "<t:M xmlns:t=\"urn:t\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"urn:t %s/lax.xsd\"><t:Z/></t:M>", dir);
    cbec_report *r = check(v, reg, NULL, CBEC_FORMAT_XML, msg);
    ck_assert_int_ge(find(r, "T-XSD", 0), 0);
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xsd");
    TCase *tc = tcase_create("xml-types");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_xsd_valid_message_has_no_findings);
    tcase_add_test(tc, test_xsd_findings_carry_rule_path_and_line);
    tcase_add_test(tc, test_xsd_default_rule_id_is_type_xsd);
    tcase_add_test(tc, test_xsd_files_resolve_inside_the_pack_only);
    tcase_add_test(tc, test_xml_section_errors_are_pack_errors);
    tcase_add_test(tc, test_binding_maps_xml_onto_logical_fields);
    tcase_add_test(tc, test_pack_with_xsd_is_shared_by_threads);
    tcase_add_test(tc, test_auto_detection_by_first_significant_bytes);
    tcase_add_test(tc, test_message_cannot_choose_its_schema);
    suite_add_tcase(s, tc);
    return test_run(s);
}
