/* test-rules-xsd-share.c - compiled XSDs shared by the packs of a process:
 * one compile for one file set, the same digest and findings as a compile
 * of its own, and every change or breakage of a schema file (the XSD or
 * what it includes) compiled and reported at load as if nothing were
 * shared. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "test-load.h"
#include "rules/xsd.h"
#include "test-run.h"

#define CBEC_TEST_LEN(a) (sizeof(a) / sizeof *(a))

static char top[64];

static void write_file(const char *dir, const char *name, const char *content)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", top, dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char cmd[320];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", top, dir, name);
    ck_assert_int_eq(unlink(path), 0);
}

static void setup(void)
{
    snprintf(top, sizeof top, "/tmp/cbec-xsdshare-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *const PACK =
    "{\"cbecstd_pack\":1,\"id\":\"T-SHARE\",\"version\":\"1.0.0\",\"status\":\"active\",\"module\":\"compliance\","
    "\"title\":{\"en\":\"t\",\"zh-CN\":\"测\"},\"messages\":{"
    "\"A\":{\"title\":{\"en\":\"a\",\"zh-CN\":\"a\"},\"xml\":{\"root\":{\"name\":\"M\",\"namespace\":\"urn:t\"},"
    "\"xsd\":{\"file\":\"x/s.xsd\",\"id\":\"T-XSD\"}}},"
    "\"B\":{\"title\":{\"en\":\"b\",\"zh-CN\":\"b\"},\"xml\":{\"root\":{\"name\":\"N\",\"namespace\":\"urn:t\"},"
    "\"xsd\":\"x/s.xsd\"}}}}";

static const char *const XSD =
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\""
    " elementFormDefault=\"qualified\">\n"
    "  <xs:include schemaLocation=\"types.xsd\"/>\n"
    "  <xs:element name=\"M\"><xs:complexType><xs:sequence>\n"
    "    <xs:element name=\"no\" type=\"Short\"/>\n"
    "  </xs:sequence></xs:complexType></xs:element>\n"
    "  <xs:element name=\"N\" type=\"xs:string\"/>\n"
    "</xs:schema>\n";

static const char *types_xsd(int maxlen)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
             "  <xs:simpleType name=\"Short\"><xs:restriction base=\"xs:string\">"
             "<xs:maxLength value=\"%d\"/></xs:restriction></xs:simpleType>\n"
             "</xs:schema>\n",
             maxlen);
    return buf;
}

static void write_pack(const char *dir, int maxlen)
{
    write_file(dir, "t.pack.json", PACK);
    write_file(dir, "x/s.xsd", XSD);
    write_file(dir, "x/types.xsd", types_xsd(maxlen));
}

/* Load dir/t.pack.json (XSDs compiled on first use when defer); on
 * failure *msg gets the error text (static). */
static cbec_pack *load_with(const char *dir, bool defer, const char **msg)
{
    static char text[1024];
    char path[256];
    snprintf(path, sizeof path, "%s/%s/t.pack.json", top, dir);
    cbec_pack *p = test_load_pack(path, defer, text, sizeof text);
    /* the temporary directory differs from one test to the next */
    for (char *q; (q = strstr(text, top));)
        memmove(q, q + strlen(top), strlen(q + strlen(top)) + 1);
    if (msg)
        *msg = text;
    return p;
}

static cbec_pack *load(const char *dir, const char **msg) { return load_with(dir, false, msg); }

/* The report of msg (XML) against pack p alone. */
static cbec_report *validate_xml(cbec_pack *p, const char *msg)
{
    cbec_registry *reg;
    cbec_validator *v;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(v, reg, NULL, CBEC_FORMAT_XML, msg, strlen(msg), &r), CBEC_OK);
    cbec_validator_free(v);
    cbec_registry_free(reg);
    return r;
}

/* Findings of rule T-XSD (or B-XSD) for msg against pack p. */
static size_t xsd_findings(cbec_pack *p, const char *msg)
{
    cbec_report *r = validate_xml(p, msg);
    size_t n = 0;
    for (size_t i = 0; i < cbec_report_count(r); i++)
        n += strstr(cbec_finding_rule(r, i), "-XSD") != NULL;
    cbec_report_free(r);
    return n;
}

/* Load dir's pack compiling at load and deferred: good gives no XSD
 * finding, bad gives nbad. */
static void expect_xsd_findings(const char *dir, const char *good, const char *bad, size_t nbad)
{
    for (int defer = 0; defer < 2; defer++) {
        const char *msg;
        cbec_pack *p = load_with(dir, defer, &msg);
        ck_assert_msg(p != NULL, "%s", msg);
        ck_assert_uint_eq(xsd_findings(p, good), 0);
        ck_assert_uint_eq(xsd_findings(p, bad), nbad);
        cbec_pack_free(p);
    }
}

static const char *const MSG = "<t:M xmlns:t=\"urn:t\"><t:no>ABCDEF</t:no></t:M>";

START_TEST(test_xsd_file_set_is_compiled_once_per_process)
{
    write_pack("one", 8);
    write_pack("two", 8);
    unsigned long before = cbec__xsd_compile_count();
    cbec_pack *a = load("one", NULL);
    ck_assert_ptr_nonnull(a);
    /* both message types of a pack share it */
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    cbec_pack *a2 = load("one", NULL);
    cbec_pack *b = load("two", NULL);
    ck_assert_ptr_nonnull(a2);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    /* the digest counts the schema files whether compiled or shared */
    ck_assert_str_eq(cbec_pack_digest(a), cbec_pack_digest(a2));
    ck_assert_uint_eq(xsd_findings(a2, MSG), 0);
    ck_assert_uint_eq(xsd_findings(b, "<t:M xmlns:t=\"urn:t\"><t:no>ABCDEFGHIJ</t:no></t:M>"), 1);
    cbec_pack_free(a);
    cbec_pack_free(a2);
    cbec_pack_free(b);
    /* nobody holds it any more: the next load compiles, same digest */
    cbec_pack *c = load("one", NULL);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 2);
    cbec_pack_free(c);
}
END_TEST

START_TEST(test_changed_included_file_is_compiled_anew)
{
    write_pack("one", 8);
    cbec_pack *a = load("one", NULL);
    ck_assert_ptr_nonnull(a);
    const char *da = cbec_pack_digest(a);
    unsigned long before = cbec__xsd_compile_count();
    write_file("one", "x/types.xsd", types_xsd(4));
    cbec_pack *b = load("one", NULL);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    ck_assert_str_ne(cbec_pack_digest(b), da);
    /* each pack checks with its own edition */
    ck_assert_uint_eq(xsd_findings(a, MSG), 0);
    ck_assert_uint_eq(xsd_findings(b, MSG), 1);
    /* and a pack in another directory with the old edition shares a's */
    write_pack("two", 8);
    cbec_pack *c = load("two", NULL);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    ck_assert_uint_eq(xsd_findings(c, MSG), 0);
    cbec_pack_free(a);
    cbec_pack_free(b);
    cbec_pack_free(c);
}
END_TEST

/* Break the file set of dir with f, then load it twice: first with no
 * schema of that name compiled in the process, then while a good edition
 * is in use.  Both loads fail with the same message. */
static void broken_same_both_ways(void (*f)(void), const char *expect)
{
    write_pack("one", 8);
    f();
    const char *msg;
    ck_assert_ptr_null(load("one", &msg));
    char fresh[1024];
    snprintf(fresh, sizeof fresh, "%s", msg);
    ck_assert_msg(strstr(fresh, expect) != NULL, "\"%s\" not in: %s", expect, fresh);
    write_pack("one", 8);
    cbec_pack *good = load("one", NULL);
    ck_assert_ptr_nonnull(good);
    f();
    ck_assert_ptr_null(load("one", &msg));
    ck_assert_str_eq(msg, fresh);
    cbec_pack_free(good);
}

static void break_xsd(void) { write_file("one", "x/s.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"M\" type=\"Nope\"/></xs:schema>"); }
static void malformed_xsd(void) { write_file("one", "x/s.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"); }
static void break_include(void) { write_file("one", "x/types.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\"><xs:simpleType name=\"Short\"><xs:restriction base=\"xs:nope\"/></xs:simpleType></xs:schema>"); }
static void lose_include(void) { remove_file("one", "x/types.xsd"); }
static void lose_xsd(void) { remove_file("one", "x/s.xsd"); }

START_TEST(test_broken_xsd_is_reported_at_load_even_when_an_edition_is_shared)
{
    broken_same_both_ways(break_xsd, "does not compile");
    broken_same_both_ways(malformed_xsd, "does not compile");
    broken_same_both_ways(break_include, "does not compile");
    broken_same_both_ways(lose_include, "types.xsd");
    broken_same_both_ways(lose_xsd, "s.xsd");
}
END_TEST

START_TEST(test_shared_schema_outlives_the_pack_that_compiled_it)
{
    write_pack("one", 8);
    cbec_pack *a = load("one", NULL);
    cbec_pack *b = load("one", NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    cbec_pack_free(a);
    ck_assert_uint_eq(xsd_findings(b, MSG), 0);
    ck_assert_uint_eq(xsd_findings(b, "<t:M xmlns:t=\"urn:t\"><t:x/></t:M>"), 1);
    cbec_pack_free(b);
}
END_TEST

START_TEST(test_deferred_schema_compiles_on_first_use_with_the_same_digest)
{
    write_pack("one", 8);
    write_pack("two", 8);
    cbec_pack *eager = load("one", NULL);
    ck_assert_ptr_nonnull(eager);
    char digest[80];
    snprintf(digest, sizeof digest, "%s", cbec_pack_digest(eager));
    cbec_pack_free(eager);
    unsigned long before = cbec__xsd_compile_count();
    cbec_pack *p = load_with("two", true, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before);
    /* the files were read at load: the digest is the one of a compile */
    ck_assert_str_eq(cbec_pack_digest(p), digest);
    ck_assert_uint_eq(xsd_findings(p, "<t:M xmlns:t=\"urn:t\"><t:no>ABCDEFGHIJ</t:no></t:M>"), 1);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    ck_assert_uint_eq(xsd_findings(p, MSG), 0);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    /* the files changed on disk after the load: the compile uses the bytes
     * the digest was made of */
    write_file("two", "x/types.xsd", types_xsd(2));
    cbec_pack *q = load_with("one", true, NULL);
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq(xsd_findings(q, MSG), 0);
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    cbec_pack_free(p);
    cbec_pack_free(q);
}
END_TEST

START_TEST(test_deferred_broken_schema_fails_the_messages_that_need_it)
{
    write_pack("one", 8);
    break_xsd();
    const char *msg;
    ck_assert_ptr_null(load("one", &msg));
    ck_assert_ptr_nonnull(strstr(msg, "does not compile"));
    cbec_pack *p = load_with("one", true, &msg);
    ck_assert_msg(p != NULL, "%s", msg);
    for (int round = 0; round < 2; round++) {
        cbec_report *r = validate_xml(p, MSG);
        ck_assert(!cbec_report_valid(r));
        ck_assert_uint_eq(cbec_report_count(r), 1);
        ck_assert_str_eq(cbec_finding_rule(r, 0), "CBEC-XSD");
        ck_assert_int_eq(cbec_finding_severity(r, 0), CBEC_SEVERITY_ERROR);
        const char *text = cbec_finding_message(r, 0, "en");
        ck_assert_msg(strstr(text, "XSD \"x/s.xsd\" of pack T-SHARE@1.0.0 does not compile") != NULL, "%s", text);
        ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, 0, "zh-CN"), "无法编译"));
        cbec_report_free(r);
    }
    cbec_pack_free(p);
    /* a missing file is still a load error: files are read at load */
    write_pack("one", 8);
    lose_include();
    ck_assert_ptr_null(load_with("one", true, &msg));
    ck_assert_ptr_nonnull(strstr(msg, "types.xsd"));
}
END_TEST

typedef struct racer {
    cbec_pack *pack;
    size_t findings;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    r->findings = xsd_findings(r->pack, "<t:M xmlns:t=\"urn:t\"><t:no>ABCDEFGHIJ</t:no></t:M>");
    return NULL;
}

START_TEST(test_deferred_schema_compiles_once_when_threads_race)
{
    write_pack("one", 8);
    cbec_pack *p = load_with("one", true, NULL);
    ck_assert_ptr_nonnull(p);
    unsigned long before = cbec__xsd_compile_count();
    racer r[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (racer){p, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_uint_eq(r[i].findings, 1);
    }
    ck_assert_uint_eq(cbec__xsd_compile_count(), before + 1);
    cbec_pack_free(p);
}
END_TEST

/* The files a schema reads are found by its schemaLocations, the way
 * libxml2 resolves them, and nothing else. */
START_TEST(test_file_set_follows_schema_locations_only)
{
    write_file("one", "t.pack.json", PACK);
    write_file("one", "x/s.xsd",
               "<?xml version=\"1.0\"?>\n"
               "<!-- <xs:include schemaLocation=\"missing-in-comment.xsd\"/> -->\n"
               "<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:o=\"urn:other\""
               " targetNamespace=\"urn:t\" xmlns=\"urn:t\" elementFormDefault=\"qualified\">\n"
               "  <xsd:annotation><xsd:documentation><![CDATA[ <xsd:include schemaLocation=\"cdata.xsd\"/> ]]>"
               "</xsd:documentation><xsd:appinfo><o:include schemaLocation=\"other-ns.xsd\"/></xsd:appinfo>"
               "</xsd:annotation>\n"
               "  <xsd:include\n     schemaLocation = 'common/../sub/./types&#46;xsd'/>\n"
               "  <xsd:element name=\"M\"><xsd:complexType><xsd:sequence>\n"
               "    <xsd:element name=\"no\" type=\"Short\"/>\n"
               "  </xsd:sequence></xsd:complexType></xsd:element>\n"
               "  <xsd:element name=\"N\" type=\"xsd:string\"/>\n"
               "</xsd:schema>\n");
    /* an include of the include, relative to its own directory */
    write_file("one", "x/sub/types.xsd",
               "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\">\n"
               "  <xs:include schemaLocation=\"../more.xsd\"/>\n"
               "  <xs:simpleType name=\"Short\"><xs:restriction base=\"Tiny\"/></xs:simpleType>\n"
               "</xs:schema>\n");
    write_file("one", "x/more.xsd",
               "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
               "  <xs:simpleType name=\"Tiny\"><xs:restriction base=\"xs:string\">"
               "<xs:maxLength value=\"3\"/></xs:restriction></xs:simpleType>\n"
               "</xs:schema>\n");
    expect_xsd_findings("one", "<t:M xmlns:t=\"urn:t\"><t:no>ABC</t:no></t:M>",
                        "<t:M xmlns:t=\"urn:t\"><t:no>ABCD</t:no></t:M>", 1);
    /* every file found counts in the digest */
    cbec_pack *a = load("one", NULL);
    ck_assert_ptr_nonnull(a);
    write_file("one", "x/more.xsd",
               "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
               "  <xs:simpleType name=\"Tiny\"><xs:restriction base=\"xs:string\">"
               "<xs:maxLength value=\"4\"/></xs:restriction></xs:simpleType>\n"
               "</xs:schema>\n");
    cbec_pack *b = load("one", NULL);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_ne(cbec_pack_digest(a), cbec_pack_digest(b));
    ck_assert_uint_eq(xsd_findings(b, "<t:M xmlns:t=\"urn:t\"><t:no>ABCD</t:no></t:M>"), 0);
    cbec_pack_free(a);
    cbec_pack_free(b);
    /* a location leading out of the pack is refused at load either way */
    write_file("one", "x/more.xsd",
               "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
               "  <xs:include schemaLocation=\"../../../outside.xsd\"/>\n"
               "</xs:schema>\n");
    for (int defer = 0; defer < 2; defer++) {
        const char *msg;
        ck_assert_ptr_null(load_with("one", defer, &msg));
        ck_assert_msg(strstr(msg, "../outside.xsd") != NULL && strstr(msg, "relative path inside") != NULL, "%s", msg);
    }
}
END_TEST

#define XSD_HEAD "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\">\n"

/* Write one/NAME: a schema of namespace urn:t with body after its start tag. */
static void write_xsd(const char *name, const char *body)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", XSD_HEAD, body);
    write_file("one", name, buf);
}

/* Cycles, markup cut short and too many files: a clear outcome each. */
START_TEST(test_file_set_scan_of_odd_schemas)
{
    char buf[4096];
    write_file("one", "t.pack.json", PACK);
    /* s.xsd and types.xsd include each other */
    snprintf(buf, sizeof buf, "%s<xs:include schemaLocation=\"types.xsd\"/>\n%s", XSD_HEAD,
             "<xs:element name=\"M\"><xs:complexType><xs:sequence><xs:element name=\"no\" type=\"Short\"/>"
             "</xs:sequence></xs:complexType></xs:element><xs:element name=\"N\" type=\"xs:string\"/></xs:schema>");
    write_file("one", "x/s.xsd", buf);
    snprintf(buf, sizeof buf, "%s<xs:include schemaLocation=\"./s.xsd\"/>\n%s", XSD_HEAD,
             "<xs:simpleType name=\"Short\"><xs:restriction base=\"xs:string\"><xs:maxLength value=\"3\"/>"
             "</xs:restriction></xs:simpleType></xs:schema>");
    write_file("one", "x/types.xsd", buf);
    /* local elements are unqualified: no elementFormDefault */
    expect_xsd_findings("one", "<t:M xmlns:t=\"urn:t\"><no>ABC</no></t:M>",
                        "<t:M xmlns:t=\"urn:t\"><no>ABCD</no></t:M>", 1);
    /* markup cut short anywhere: the scan ends, libxml2 says what is wrong */
    static const char *const cut[] = {"<!-- open", "<![CDATA[ open", "<? open", "<!DOCTYPE x [ <!ELEMENT",
                                      "<xs:include schemaLocation=\"types.xsd", "<xs:include schemaLocation=",
                                      "<xs:include a b c", "<", "</xs:sch"};
    for (size_t i = 0; i < CBEC_TEST_LEN(cut); i++) {
        write_xsd("x/s.xsd", cut[i]);
        const char *msg;
        ck_assert_ptr_null(load_with("one", false, &msg));
        ck_assert_msg(strstr(msg, "does not compile") != NULL, "%s: %s", cut[i], msg);
        cbec_pack *p = load_with("one", true, &msg);
        ck_assert_msg(p != NULL, "%s: %s", cut[i], msg);
        cbec_pack_free(p);
    }
    /* the scan ends at the schema's first declaration: a declaration
     * inside a redefine does not end it, an include after a declaration
     * is not read (libxml2 refuses it where it stands) */
    write_xsd("x/s.xsd",
              "<xs:redefine schemaLocation=\"base.xsd\"><xs:simpleType name=\"Code\">"
              "<xs:restriction base=\"Code\"><xs:maxLength value=\"2\"/></xs:restriction></xs:simpleType>"
              "</xs:redefine>\n<xs:include schemaLocation=\"types.xsd\"/>\n"
              "<xs:element name=\"M\"><xs:complexType><xs:sequence><xs:element name=\"no\" type=\"Short\"/>"
              "<xs:element name=\"c\" type=\"Code\" minOccurs=\"0\"/></xs:sequence></xs:complexType></xs:element>"
              "<xs:element name=\"N\" type=\"xs:string\"/></xs:schema>");
    write_xsd("x/base.xsd",
              "<xs:simpleType name=\"Code\"><xs:restriction base=\"xs:string\"><xs:maxLength value=\"5\"/>"
              "</xs:restriction></xs:simpleType></xs:schema>");
    write_xsd("x/types.xsd",
              "<xs:simpleType name=\"Short\"><xs:restriction base=\"xs:string\"><xs:maxLength value=\"3\"/>"
              "</xs:restriction></xs:simpleType></xs:schema>");
    expect_xsd_findings("one", "<t:M xmlns:t=\"urn:t\"><no>ABC</no><c>AB</c></t:M>",
                        "<t:M xmlns:t=\"urn:t\"><no>ABCD</no><c>ABC</c></t:M>", 2);
    write_xsd("x/s.xsd",
              "<xs:element name=\"N\" type=\"xs:string\"/>\n<xs:include schemaLocation=\"no-such-file.xsd\"/>\n"
              "<xs:element name=\"M\" type=\"xs:string\"/></xs:schema>");
    {
        const char *msg;
        cbec_pack *p = load_with("one", true, &msg);
        ck_assert_msg(p != NULL, "%s", msg);
        cbec_pack_free(p);
        ck_assert_ptr_null(load_with("one", false, &msg));
        ck_assert_msg(strstr(msg, "does not compile") != NULL && strstr(msg, "no-such-file") == NULL, "%s", msg);
    }
    /* a chain of 70 files: more than a schema may lead to */
    for (int k = 0; k < 70; k++) {
        char name[32];
        snprintf(name, sizeof name, "x/c%d.xsd", k);
        snprintf(buf, sizeof buf, "%s<xs:include schemaLocation=\"c%d.xsd\"/></xs:schema>", XSD_HEAD, k + 1);
        write_file("one", k ? name : "x/s.xsd", buf);
    }
    const char *msg;
    ck_assert_ptr_null(load_with("one", true, &msg));
    ck_assert_msg(strstr(msg, "leads to more than 64 schema files") != NULL, "%s", msg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xsd-share");
    TCase *tc = tcase_create("share");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_xsd_file_set_is_compiled_once_per_process);
    tcase_add_test(tc, test_changed_included_file_is_compiled_anew);
    tcase_add_test(tc, test_broken_xsd_is_reported_at_load_even_when_an_edition_is_shared);
    tcase_add_test(tc, test_shared_schema_outlives_the_pack_that_compiled_it);
    tcase_add_test(tc, test_deferred_schema_compiles_on_first_use_with_the_same_digest);
    tcase_add_test(tc, test_deferred_broken_schema_fails_the_messages_that_need_it);
    tcase_add_test(tc, test_deferred_schema_compiles_once_when_threads_race);
    tcase_add_test(tc, test_file_set_follows_schema_locations_only);
    tcase_add_test(tc, test_file_set_scan_of_odd_schemas);
    suite_add_tcase(s, tc);
    return test_run(s);
}
