/* test-rules-xsd-share.c - compiled XSDs shared by the packs of a process:
 * one compile for one file set, the same digest and findings as a compile
 * of its own, and every change or breakage of a schema file (the XSD or
 * what it includes) compiled and reported at load as if nothing were
 * shared. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "rules/xsd.h"

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

/* Load dir/t.pack.json; on failure *msg gets the error text (static). */
static cbec_pack *load(const char *dir, const char **msg)
{
    static char text[1024];
    char path[256];
    snprintf(path, sizeof path, "%s/%s/t.pack.json", top, dir);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_file(&p, path, NULL, &err);
    text[0] = '\0';
    if (st) {
        snprintf(text, sizeof text, "%s", err ? cbec_error_message(err) : "?");
        /* the temporary directory differs from one test to the next */
        for (char *q; (q = strstr(text, top));)
            memmove(q, q + strlen(top), strlen(q + strlen(top)) + 1);
    }
    cbec_error_free(err);
    if (msg)
        *msg = text;
    return st ? NULL : p;
}

/* Findings of rule T-XSD (or B-XSD) for msg against pack p. */
static size_t xsd_findings(cbec_pack *p, const char *msg)
{
    cbec_registry *reg;
    cbec_validator *v;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(v, reg, NULL, CBEC_FORMAT_XML, msg, strlen(msg), &r), CBEC_OK);
    size_t n = 0;
    for (size_t i = 0; i < cbec_report_count(r); i++)
        n += strstr(cbec_finding_rule(r, i), "-XSD") != NULL;
    cbec_report_free(r);
    cbec_validator_free(v);
    cbec_registry_free(reg);
    return n;
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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
