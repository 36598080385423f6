/* test-rules-coding.c - the data and coding rules end to end: code lists
 * (inline, CSV and JSON files, iso-codes imports, validity dates,
 * attributes, mappings), the identifier, decimal, datetime and codeMap
 * check kinds, pointers to other fields, layering of these kinds, and the
 * public identifier API. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "pack/pack.h"

static char dir[64];
static cbec_registry *reg;
static cbec_validator *val;
static cbec_report *rep;
static cbec_error *err;

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    if (slash && slash > path + strlen(dir)) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static void remove_tree(const char *path)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
    strcpy(dir, "/tmp/cbec-coding-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
    reg = NULL;
    rep = NULL;
    err = NULL;
}

static void teardown(void)
{
    cbec_report_free(rep);
    cbec_registry_free(reg);
    cbec_validator_free(val);
    cbec_error_free(err);
    remove_tree(dir);
}

/* A pack of message type "m" with the given code lists and rules. */
static char *pack_text(const char *codelists, const char *rules)
{
    static const char fmt[] =
        "{\"cbecstd_pack\": 1, \"id\": \"T-CODING\", \"version\": \"1.0.0\", \"status\": \"active\",\n"
        " \"module\": \"data\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"test\"},\n"
        " \"codelists\": {%s},\n"
        " \"messages\": {\"m\": {\"rules\": [%s]}}}\n";
    size_t n = sizeof fmt + strlen(codelists) + strlen(rules);
    char *s = malloc(n);
    snprintf(s, n, fmt, codelists, rules);
    return s;
}

/* Load the pack (file t.pack.json in the test directory); returns the status. */
static int load_with(const char *codelists, const char *rules, const cbec_options *opts)
{
    char *text = pack_text(codelists, rules);
    write_file("t.pack.json", text);
    free(text);
    char path[128];
    snprintf(path, sizeof path, "%s/t.pack.json", dir);
    cbec_registry_free(reg);
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    cbec_error_free(err);
    err = NULL;
    return cbec_registry_load_path(reg, path, opts, &err);
}

static void load(const char *codelists, const char *rules)
{
    int st = load_with(codelists, rules, NULL);
    ck_assert_msg(st == CBEC_OK, "load failed: %s", err ? cbec_error_message(err) : cbec_strerror(st));
}

/* The pack must not load; its error message must contain want. */
static void load_fails(const char *codelists, const char *rules, int status, const char *want)
{
    int st = load_with(codelists, rules, NULL);
    ck_assert_int_eq(st, status);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(cbec_error_message(err), want), "error \"%s\" lacks \"%s\"", cbec_error_message(err), want);
}

static void check_msg(const char *msg)
{
    cbec_report_free(rep);
    rep = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, "m", CBEC_FORMAT_JSON, msg, strlen(msg), &rep), CBEC_OK);
}

static void valid(const char *msg)
{
    check_msg(msg);
    if (!cbec_report_valid(rep))
        ck_abort_msg("%s: unexpected finding %s at %s: %s", msg, cbec_finding_rule(rep, 0), cbec_finding_path(rep, 0),
                     cbec_finding_message(rep, 0, "en"));
}

/* The message has exactly one finding, of rule at path, whose English
 * message contains want (and whose Chinese one contains want_zh). */
static void finding(const char *msg, const char *rule, const char *path, const char *want, const char *want_zh)
{
    check_msg(msg);
    ck_assert_msg(cbec_report_count(rep) == 1, "%s: %zu findings, first: %s", msg, cbec_report_count(rep),
                  cbec_report_count(rep) ? cbec_finding_message(rep, 0, "en") : "-");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), rule);
    ck_assert_str_eq(cbec_finding_path(rep, 0), path);
    const char *en = cbec_finding_message(rep, 0, "en");
    ck_assert_msg(strstr(en, want), "message \"%s\" lacks \"%s\"", en, want);
    if (want_zh) {
        const char *zh = cbec_finding_message(rep, 0, "zh-CN");
        ck_assert_msg(strstr(zh, want_zh), "message \"%s\" lacks \"%s\"", zh, want_zh);
    }
}

/* ------------------------------------------------------------------ */
/* code lists                                                          */

START_TEST(test_codelist_inline_codes_carry_validity_dates)
{
    load("\"mode\": {\"codes\": [\"A\", {\"code\": \"B\", \"title\": {\"en\": \"bee\", \"zh-CN\": \"乙\"},"
         " \"validFrom\": \"2026-01-01\", \"validTo\": \"2026-12-31\"}]}",
         "{\"id\": \"R1\", \"path\": \"/mode\", \"codelist\": \"mode\"}");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_DATE, "2026-06-01"), CBEC_OK);
    valid("{\"mode\": \"B\"}");
    valid("{\"mode\": \"A\"}");
    finding("{\"mode\": \"C\"}", "R1", "/mode", "not in the code list mode", NULL);
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_DATE, "2025-12-31"), CBEC_OK);
    finding("{\"mode\": \"B\"}", "R1", "/mode", "is not in force: valid only from 2026-01-01", "自 2026-01-01 起才有效");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_DATE, "2027-01-01"), CBEC_OK);
    finding("{\"mode\": \"B\"}", "R1", "/mode", "withdrawn after 2026-12-31", "已于 2026-12-31 之后停用");
    valid("{\"mode\": \"A\"}");
}
END_TEST

START_TEST(test_codelist_definition_errors_are_load_errors)
{
    load_fails("\"x\": {\"codes\": [\"A\", \"A\"]}", "", CBEC_EPACK, "duplicate code \"A\"");
    load_fails("\"x\": {\"codes\": [\"A\"], \"file\": \"l.csv\"}", "", CBEC_EPACK, "exactly one of");
    load_fails("\"x\": {}", "", CBEC_EPACK, "exactly one of");
    load_fails("\"x y\": {\"codes\": [\"A\"]}", "", CBEC_EPACK, "code list name");
    load_fails("\"x\": {\"codes\": [{\"code\": \"A\", \"validFrom\": \"2026-02-30\"}]}", "", CBEC_EPACK, "YYYY-MM-DD");
    load_fails("\"x\": {\"codes\": [{\"code\": \"A\", \"validFrom\": \"2026-02-01\", \"validTo\": \"2026-01-01\"}]}", "",
               CBEC_EPACK, "validTo is before validFrom");
    load_fails("\"x\": {\"codes\": [{\"code\": \"A\", \"colour\": \"red\"}]}", "", CBEC_EPACK, "unknown key \"colour\"");
    load_fails("\"x\": {\"codes\": [{\"code\": \"A\", \"attributes\": {\"a b\": \"1\"}}]}", "", CBEC_EPACK, "attribute names");
    load_fails("\"x\": {\"codes\": [\"A\"], \"exclude\": [\"B\"]}", "", CBEC_EPACK, "cannot exclude \"B\"");
    load_fails("\"x\": {\"codes\": [\"A\"], \"exclude\": [\"A\"]}", "", CBEC_EPACK, "has no codes");
}
END_TEST

START_TEST(test_codelist_from_csv_file_with_quotes_and_attributes)
{
    write_file("data/units.csv", "\xEF\xBB\xBF" "code,en,zh-CN,factor,validTo\r\n"
                                 "EA,each,个,1,\r\n"
                                 "\"KGM\",\"kilogram, metric\",千克,\"1000\",\r\n"
                                 "\r\n"
                                 "OLD,\"old \"\"unit\"\"\",旧,2,2020-12-31\r\n");
    load("\"unit\": {\"file\": \"data/units.csv\"}",
         "{\"id\": \"R1\", \"path\": \"/unit\", \"codelist\": \"unit\"}");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_DATE, "2026-06-01"), CBEC_OK);
    valid("{\"unit\": \"EA\"}");
    valid("{\"unit\": \"KGM\"}");
    finding("{\"unit\": \"OLD\"}", "R1", "/unit", "withdrawn after 2020-12-31", NULL);
    finding("{\"unit\": \"kgm\"}", "R1", "/unit", "not in the code list unit", NULL);
    /* the fields as written: quotes taken off, doubled quotes and commas kept */
    const cbec_codelist *l = cbec__pack_codelist(cbec_registry_pack(reg, 0), "unit", 4);
    ck_assert_ptr_nonnull(l);
    const cbec_code *kg = cbec__codelist_get(l, "KGM", 3), *old = cbec__codelist_get(l, "OLD", 3);
    ck_assert_ptr_nonnull(kg);
    ck_assert_ptr_nonnull(old);
    ck_assert_str_eq(kg->label_en, "kilogram, metric");
    ck_assert_str_eq(kg->label_zh, "千克");
    ck_assert_str_eq(cbec__code_attr(l, kg, cbec__codelist_attr_find(l, "factor")), "1000");
    ck_assert_str_eq(old->label_en, "old \"unit\"");
    ck_assert_uint_eq(l->count, 3);
}
END_TEST

START_TEST(test_codelist_csv_errors_name_file_and_line)
{
    write_file("a.csv", "code,en\nA,x\nB,\"broken\n");
    load_fails("\"u\": {\"file\": \"a.csv\"}", "", CBEC_EPACK, "a.csv:3: malformed quoted field");
    /* a quoted field over two lines counts both */
    write_file("a2.csv", "code,en\nA,\"two\nlines\"\nB,x,extra\n");
    load_fails("\"u\": {\"file\": \"a2.csv\"}", "", CBEC_EPACK, "a2.csv:4: more fields than the header has columns");
    write_file("b.csv", "code,en\nA,x,extra\n");
    load_fails("\"u\": {\"file\": \"b.csv\"}", "", CBEC_EPACK, "b.csv:2: more fields than the header has columns");
    write_file("c.csv", "name,en\nA,x\n");
    load_fails("\"u\": {\"file\": \"c.csv\"}", "", CBEC_EPACK, "no \"code\" column");
    write_file("d.csv", "code\nA\nA\n");
    load_fails("\"u\": {\"file\": \"d.csv\"}", "", CBEC_EPACK, "d.csv:3: duplicate code \"A\"");
    write_file("e.csv", "code,validFrom\nA,tomorrow\n");
    load_fails("\"u\": {\"file\": \"e.csv\"}", "", CBEC_EPACK, "e.csv:2: \"tomorrow\" is not a date");
    load_fails("\"u\": {\"file\": \"missing.csv\"}", "", CBEC_EPACK, "cannot open \"missing.csv\"");
    load_fails("\"u\": {\"file\": \"../etc/passwd.csv\"}", "", CBEC_EPACK, "relative path inside the pack's directory");
    load_fails("\"u\": {\"file\": \"units.txt\"}", "", CBEC_EPACK, ".csv or .json");
}
END_TEST

START_TEST(test_codelist_from_json_file)
{
    write_file("modes.json", "{\"source\": \"test\", \"codes\": [\"9610\", {\"code\": \"1210\", \"attributes\": {\"bonded\": \"yes\"}}]}");
    write_file("list.json", "[\"X\", \"Y\"]");
    load("\"mode\": {\"file\": \"modes.json\"}, \"xy\": {\"file\": \"list.json\"}",
         "{\"id\": \"R1\", \"path\": \"/mode\", \"codelist\": \"mode\"},"
         "{\"id\": \"R2\", \"path\": \"/xy\", \"codelist\": \"xy\"}");
    valid("{\"mode\": \"1210\", \"xy\": \"Y\"}");
    finding("{\"mode\": \"0110\", \"xy\": \"X\"}", "R1", "/mode", "not in the code list mode", NULL);
    write_file("bad.json", "{\"codes\": [\n  \"A\",\n  7\n]}");
    load_fails("\"u\": {\"file\": \"bad.json\"}", "", CBEC_EPACK, "bad.json:3:3: /codes/1: a code must be a non-empty string");
    write_file("bad2.json", "{\"codez\": []}");
    load_fails("\"u\": {\"file\": \"bad2.json\"}", "", CBEC_EPACK, "unknown key \"codez\"");
    write_file("bad3.json", "[\"A\",");
    load_fails("\"u\": {\"file\": \"bad3.json\"}", "", CBEC_EPACK, "bad3.json:1:");
}
END_TEST

START_TEST(test_codelist_imports_iso_codes_tables)
{
    load("\"country\": {\"import\": \"iso-codes:3166-1/alpha_2\"},"
         "\"country3\": {\"import\": \"iso-codes:3166-1/alpha_3\"},"
         "\"ccy\": {\"import\": \"iso-codes:4217\", \"exclude\": [\"XTS\"]},"
         "\"ccyn\": {\"import\": \"iso-codes:4217/numeric\"},"
         "\"lang1\": {\"import\": \"iso-codes:639-1\"},"
         "\"lang3\": {\"import\": \"iso-codes:639-3\"},"
         "\"script\": {\"import\": \"iso-codes:15924\"}",
         "{\"id\": \"R1\", \"path\": \"/c\", \"codelist\": \"country\"},"
         "{\"id\": \"R2\", \"path\": \"/c3\", \"codelist\": \"country3\"},"
         "{\"id\": \"R3\", \"path\": \"/ccy\", \"codelist\": \"ccy\"},"
         "{\"id\": \"R4\", \"path\": \"/ccyn\", \"codelist\": \"ccyn\"},"
         "{\"id\": \"R5\", \"path\": \"/lang\", \"codelist\": \"lang1\"},"
         "{\"id\": \"R6\", \"path\": \"/lang3\", \"codelist\": \"lang3\"},"
         "{\"id\": \"R7\", \"path\": \"/script\", \"codelist\": \"script\"}");
    valid("{\"c\": \"CN\", \"c3\": \"CHN\", \"ccy\": \"CNY\", \"ccyn\": \"156\", \"lang\": \"zh\", \"lang3\": \"cmn\", \"script\": \"Hans\"}");
    finding("{\"c\": \"XX\"}", "R1", "/c", "XX", NULL);
    finding("{\"ccy\": \"XTS\"}", "R3", "/ccy", "not in the code list ccy", NULL);
    valid("{\"ccyn\": 156}"); /* a number's text is looked up */
    finding("{\"ccyn\": 157}", "R4", "/ccyn", "157", NULL);
    finding("{\"lang\": \"zho\"}", "R5", "/lang", "zho", NULL);
}
END_TEST

START_TEST(test_codelist_import_errors)
{
    load_fails("\"x\": {\"import\": \"iso-codes:9999\"}", "", CBEC_EPACK, "unknown iso-codes standard");
    load_fails("\"x\": {\"import\": \"unicode:scripts\"}", "", CBEC_EPACK, "imports are \"iso-codes:STANDARD[/FIELD]\"");
    load_fails("\"x\": {\"import\": \"iso-codes:3166-1/colour\"}", "", CBEC_EPACK, "no entry of");
    load_fails("\"x\": {\"import\": \"iso-codes:3166-1/Alpha\"}", "", CBEC_EPACK, "field name");
    /* a missing table is an installation problem, told as such */
    cbec_options *o;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_ISO_CODES_DIR, "/nonexistent/iso-codes"), CBEC_OK);
    ck_assert_int_eq(load_with("\"x\": {\"import\": \"iso-codes:3166-1/alpha_2\"}", "", o), CBEC_EIO);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "/nonexistent/iso-codes/iso_3166-1.json"));
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "CBECSTD_ISO_CODES_DIR"));
    cbec_options_free(o);
}
END_TEST

START_TEST(test_codelist_import_reads_the_configured_directory_into_the_digest)
{
    write_file("iso/iso_3166-1.json", "{\"3166-1\": [{\"alpha_2\": \"AA\", \"name\": \"A\"}, {\"alpha_2\": \"BB\"}]}");
    cbec_options *o;
    char isodir[128];
    snprintf(isodir, sizeof isodir, "%s/iso", dir);
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_ISO_CODES_DIR, isodir), CBEC_OK);
    const char *lists = "\"c\": {\"import\": \"iso-codes:3166-1\"}";
    const char *rules = "{\"id\": \"R1\", \"path\": \"/c\", \"codelist\": \"c\"}";
    ck_assert_int_eq(load_with(lists, rules, o), CBEC_OK);
    valid("{\"c\": \"BB\"}");
    finding("{\"c\": \"CN\"}", "R1", "/c", "CN", NULL);
    char d1[80];
    snprintf(d1, sizeof d1, "%s", cbec_pack_digest(cbec_registry_pack(reg, 0)));
    /* another edition of the table is another pack */
    write_file("iso/iso_3166-1.json", "{\"3166-1\": [{\"alpha_2\": \"AA\"}, {\"alpha_2\": \"BB\"}, {\"alpha_2\": \"CN\"}]}");
    ck_assert_int_eq(load_with(lists, rules, o), CBEC_OK);
    ck_assert_str_ne(d1, cbec_pack_digest(cbec_registry_pack(reg, 0)));
    valid("{\"c\": \"CN\"}");
    write_file("iso/iso_3166-1.json", "[1, 2]");
    ck_assert_int_eq(load_with(lists, rules, o), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "no \"3166-1\" array"));
    cbec_options_free(o);
}
END_TEST

START_TEST(test_codelist_sizes_are_bounded)
{
    /* 200 copies of ISO 3166-2 (5 000+ codes each) pass the 1 000 000 codes a pack may hold */
    size_t cap = 200 * 64 + 16;
    char *lists = malloc(cap);
    size_t used = 0;
    for (int i = 0; i < 200; i++)
        used += (size_t)snprintf(lists + used, cap - used, "%s\"sub%d\": {\"import\": \"iso-codes:3166-2\"}", i ? "," : "", i);
    load_fails(lists, "", CBEC_EPACK, "at most 1000000 codes in all");
    /* 4097 lists are too many, however small */
    free(lists);
    cap = 4097 * 40 + 16;
    lists = malloc(cap);
    used = 0;
    for (int i = 0; i < 4097; i++)
        used += (size_t)snprintf(lists + used, cap - used, "%s\"l%d\": {\"codes\": [\"A\"]}", i ? "," : "", i);
    load_fails(lists, "", CBEC_EPACK, "at most 4096 code lists");
    free(lists);
}
END_TEST

/* ------------------------------------------------------------------ */
/* identifier                                                          */

START_TEST(test_identifier_reports_the_exact_reason)
{
    load("", "{\"id\": \"R1\", \"path\": \"/items/*/gtin\", \"identifier\": \"gtin\"},"
             "{\"id\": \"R2\", \"path\": \"/bic\", \"identifier\": \"bic\"},"
             "{\"id\": \"R3\", \"path\": \"/ric\", \"identifier\": \"cn-ric\"}");
    valid("{\"items\": [{\"gtin\": \"6901234567892\"}], \"bic\": \"DEUTDEFF\", \"ric\": \"11010519491231002X\"}");
    finding("{\"items\": [{\"gtin\": \"6901234567892\"}, {\"gtin\": \"6901234567893\"}]}", "R1", "/items/1/gtin",
            "\"6901234567893\" is not a valid gtin: check digit is 3, expected 2", "校验位为 3，应为 2");
    finding("{\"bic\": \"DEUTXXFF\"}", "R2", "/bic", "unknown country code 'XX' at position 5", NULL);
    finding("{\"ric\": \"110105199002301236\"}", "R3", "/ric", "birth date (positions 7-14) is not a real calendar date", NULL);
    finding("{\"bic\": 12345678}", "R2", "/bic", "expected string", NULL);
}
END_TEST

START_TEST(test_identifier_countries_option)
{
    load("\"cc\": {\"codes\": [\"DE\", \"XK\"]}",
         "{\"id\": \"R1\", \"path\": \"/a\", \"identifier\": {\"kind\": \"bic\", \"countries\": \"cc\"}},"
         "{\"id\": \"R2\", \"path\": \"/b\", \"identifier\": {\"kind\": \"bic\", \"countries\": false}},"
         "{\"id\": \"R3\", \"path\": \"/c\", \"identifier\": {\"kind\": \"unlocode\", \"countries\": \"iso-codes:3166-1/alpha_2\"}}");
    valid("{\"a\": \"ABCDXKPR\", \"b\": \"ABCDXXPR\", \"c\": \"CNSHA\"}");
    finding("{\"a\": \"DEUTFRPP\"}", "R1", "/a", "unknown country code 'FR'", NULL);
    finding("{\"c\": \"XXSHA\"}", "R3", "/c", "unknown country code 'XX'", NULL);
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"identifier\": {\"kind\": \"gtin\", \"countries\": \"cc\"}}",
               CBEC_EPACK, "identifier kind gtin has no country part");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"identifier\": \"isbn\"}", CBEC_EPACK,
               "unknown identifier kind \"isbn\" (known: gtin iban bic");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"identifier\": {\"kind\": \"bic\", \"countries\": \"nope\"}}",
               CBEC_EPACK, "unknown code list \"nope\"");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"identifier\": {\"kinds\": \"bic\"}}", CBEC_EPACK, "unknown key");
}
END_TEST

/* ------------------------------------------------------------------ */
/* decimal                                                             */

static const char minor_lists[] =
    "\"mu\": {\"codes\": [{\"code\": \"CNY\", \"attributes\": {\"minorUnit\": \"2\"}},"
    "                    {\"code\": \"JPY\", \"attributes\": {\"minorUnit\": \"0\"}},"
    "                    {\"code\": \"KWD\", \"attributes\": {\"minorUnit\": \"3\"}},"
    "                    {\"code\": \"XAU\", \"attributes\": {\"minorUnit\": \"N.A.\"}}]},"
    "\"customs\": {\"codes\": [{\"code\": \"142\", \"attributes\": {\"iso\": \"CNY\"}},"
    "                         {\"code\": \"116\", \"attributes\": {\"iso\": \"JPY\"}},"
    "                         {\"code\": \"999\"}],"
    "              \"mapsTo\": {\"mu\": \"iso\"}}";

START_TEST(test_decimal_sign_and_digits)
{
    load("", "{\"id\": \"R1\", \"path\": \"/amount\", \"decimal\": {\"totalDigits\": 5, \"fractionDigits\": 2}},"
             "{\"id\": \"R2\", \"path\": \"/qty\", \"decimal\": {\"sign\": \"positive\"}},"
             "{\"id\": \"R3\", \"path\": \"/delta\", \"decimal\": {\"sign\": \"any\"}}");
    valid("{\"amount\": \"123.45\", \"qty\": \"0.001\", \"delta\": \"-5\"}");
    valid("{\"amount\": \"0.00\"}");
    valid("{\"amount\": \"00012.5\"}"); /* leading zeros are not digits of the value */
    valid("{\"amount\": -0}");
    finding("{\"amount\": \"-1\"}", "R1", "/amount", "negative", "为负数");
    finding("{\"amount\": \"1234.56\"}", "R1", "/amount", "6 digits, at most 5 allowed", "共 6 位数字");
    finding("{\"amount\": \"1.234\"}", "R1", "/amount", "3 fraction digits, at most 2 allowed", NULL);
    finding("{\"amount\": \"1e2\"}", "R1", "/amount", "is not a decimal number", "不是十进制数");
    finding("{\"amount\": \" 1\"}", "R1", "/amount", "is not a decimal number", NULL);
    finding("{\"amount\": \"123456789012345678901234567890123456789\"}", "R1", "/amount", "more digits than an exact decimal", NULL);
    finding("{\"amount\": true}", "R1", "/amount", "expected string", NULL);
    finding("{\"qty\": \"0.000\"}", "R2", "/qty", "zero, a positive number is required", "为零");
    finding("{\"qty\": \"-2\"}", "R2", "/qty", "negative", NULL);
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"sign\": \"negative\"}}", CBEC_EPACK, "\"sign\" must be");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"totalDigits\": 2, \"fractionDigits\": 3}}", CBEC_EPACK,
               "cannot exceed");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"totalDigits\": 39}}", CBEC_EPACK, "from 0 to 38");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": 2}", CBEC_EPACK, "must be an object");
}
END_TEST

START_TEST(test_decimal_minor_unit_of_the_currency_elsewhere)
{
    char lists[1024];
    snprintf(lists, sizeof lists, "%s", minor_lists);
    load(lists, "{\"id\": \"R1\", \"path\": \"/items/*/unitPrice\", \"decimal\": {\"currency\": \"/currency\", \"minorUnits\": \"mu\"}},"
                "{\"id\": \"R2\", \"path\": \"/amountPaid/value\", \"decimal\": {\"currency\": \"1/currency\", \"minorUnits\": \"mu\"}},"
                "{\"id\": \"R3\", \"path\": \"/customsValue\", \"decimal\": {\"currency\": \"/customsCurrency\", \"minorUnits\": \"mu\","
                " \"via\": {\"list\": \"customs\", \"to\": \"mu\"}}}");
    valid("{\"currency\": \"CNY\", \"items\": [{\"unitPrice\": \"1.50\"}, {\"unitPrice\": \"2\"}]}");
    finding("{\"currency\": \"CNY\", \"items\": [{\"unitPrice\": \"1.50\"}, {\"unitPrice\": \"2.505\"}]}", "R1",
            "/items/1/unitPrice", "3 fraction digits, but the minor unit of CNY allows 2", "CNY 的最小货币单位只允许 2 位");
    finding("{\"currency\": \"JPY\", \"items\": [{\"unitPrice\": \"150.0\"}]}", "R1", "/items/0/unitPrice",
            "minor unit of JPY allows 0", NULL);
    valid("{\"amountPaid\": {\"value\": \"1.125\", \"currency\": \"KWD\"}}");
    finding("{\"amountPaid\": {\"value\": \"1.1250\", \"currency\": \"KWD\"}}", "R2", "/amountPaid/value",
            "minor unit of KWD allows 3", NULL);
    /* no currency, an unknown one, or one without a minor unit: other rules' business */
    valid("{\"amountPaid\": {\"value\": \"1.12345\"}}");
    valid("{\"amountPaid\": {\"value\": \"1.12345\", \"currency\": \"ABC\"}}");
    valid("{\"amountPaid\": {\"value\": \"1.12345\", \"currency\": \"XAU\"}}");
    valid("{\"amountPaid\": {\"value\": \"1.12345\", \"currency\": {\"code\": \"JPY\"}}}");
    /* a currency coded another way, through the list's mapping */
    valid("{\"customsCurrency\": \"142\", \"customsValue\": \"10.25\"}");
    finding("{\"customsCurrency\": \"116\", \"customsValue\": \"10.25\"}", "R3", "/customsValue", "minor unit of JPY allows 0", NULL);
    valid("{\"customsCurrency\": \"999\", \"customsValue\": \"10.255\"}");
}
END_TEST

START_TEST(test_decimal_currency_configuration_errors)
{
    char lists[1024];
    snprintf(lists, sizeof lists, "%s", minor_lists);
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"currency\": \"/c\"}}", CBEC_EPACK, "needs \"minorUnits\"");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"minorUnits\": \"mu\"}}", CBEC_EPACK, "go with \"currency\"");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"customs\"}}",
               CBEC_EPACK, "has no attribute \"minorUnit\"");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"customs\","
                      " \"minorUnitAttribute\": \"iso\"}}",
               CBEC_EPACK, "is not 0-18 or N.A.");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"mu\","
                      " \"via\": {\"list\": \"mu\", \"to\": \"customs\"}}}",
               CBEC_EPACK, "has no mapping onto \"customs\"");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"decimal\": {\"currency\": \"/items/*/c\", \"minorUnits\": \"mu\"}}",
               CBEC_EPACK, "\"*\" matches many values");
}
END_TEST

/* ------------------------------------------------------------------ */
/* pointers                                                            */

START_TEST(test_pointers_absolute_relative_and_shifted)
{
    load("\"mu\": {\"codes\": [{\"code\": \"JPY\", \"attributes\": {\"minorUnit\": \"0\"}}]}",
         "{\"id\": \"R1\", \"path\": \"/a/*/b/v\", \"decimal\": {\"currency\": \"2/c\", \"minorUnits\": \"mu\"}},"
         "{\"id\": \"R2\", \"path\": \"/t/*/v\", \"decimal\": {\"currency\": \"1-1/c\", \"minorUnits\": \"mu\"}},"
         "{\"id\": \"R3\", \"path\": \"/u/*/v\", \"decimal\": {\"currency\": \"1+1/c\", \"minorUnits\": \"mu\"}},"
         "{\"id\": \"R4\", \"path\": \"/w/v\", \"decimal\": {\"currency\": \"/x~1y/0/a~0b\", \"minorUnits\": \"mu\"}}");
    finding("{\"a\": [{\"c\": \"JPY\", \"b\": {\"v\": \"1.5\"}}]}", "R1", "/a/0/b/v", "JPY", NULL);
    /* the previous item's currency; the first item has none to look at */
    valid("{\"t\": [{\"v\": \"1.5\"}, {\"c\": \"JPY\", \"v\": \"2\"}]}");
    finding("{\"t\": [{\"c\": \"JPY\", \"v\": \"1\"}, {\"v\": \"2.5\"}]}", "R2", "/t/1/v", "JPY", NULL);
    /* the next sibling; the last item has none */
    finding("{\"u\": [{\"v\": \"1.5\"}, {\"c\": \"JPY\", \"v\": \"2.5\"}]}", "R3", "/u/0/v", "JPY", NULL);
    finding("{\"w\": {\"v\": \"0.1\"}, \"x/y\": [{\"a~b\": \"JPY\"}]}", "R4", "/w/v", "JPY", NULL);
    valid("{\"w\": {\"v\": \"0.1\"}, \"x/y\": [{\"a~b\": \"CNY\"}]}");
    valid("{\"w\": {\"v\": \"0.1\"}, \"x/y\": {\"0\": {\"a~b\": \"CNY\"}}}");
    valid("{\"a\": [{\"b\": {\"v\": \"1.5\"}}], \"c\": \"JPY\"}"); /* 2 levels up is the item, not the root */
    const char *bad[][2] = {
        {"01/c", "leading zeros"}, {"1+/c", "index shift"}, {"1#", "names no value"}, {"x/c", "neither"},
        {"/a~2", "\"~\" must be followed"}, {"2000/c", "at most 1000 levels"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char rules[256];
        snprintf(rules, sizeof rules, "{\"id\": \"R1\", \"path\": \"/v\", \"decimal\": {\"currency\": \"%s\", \"minorUnits\": \"mu\"}}",
                 bad[i][0]);
        load_fails("\"mu\": {\"codes\": [{\"code\": \"JPY\", \"attributes\": {\"minorUnit\": \"0\"}}]}", rules, CBEC_EPACK, bad[i][1]);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* datetime                                                            */

START_TEST(test_datetime_forms_and_offsets)
{
    load("", "{\"id\": \"R1\", \"path\": \"/at\", \"datetime\": \"date-time\"},"
             "{\"id\": \"R2\", \"path\": \"/local\", \"datetime\": {\"form\": \"date-time\", \"offset\": \"optional\"}},"
             "{\"id\": \"R3\", \"path\": \"/wall\", \"datetime\": {\"form\": \"date-time\", \"offset\": \"forbidden\"}},"
             "{\"id\": \"R4\", \"path\": \"/day\", \"datetime\": \"date\"},"
             "{\"id\": \"R5\", \"path\": \"/declTime\", \"datetime\": \"compact\"},"
             "{\"id\": \"R6\", \"path\": \"/declDate\", \"datetime\": \"compact-date\"}");
    valid("{\"at\": \"2028-02-29T23:59:59.5+08:00\", \"local\": \"2026-01-01T00:00:00\", \"wall\": \"2026-01-01T08:00:00\","
          " \"day\": \"2000-02-29\", \"declTime\": \"20261127101530\", \"declDate\": \"20261127\"}");
    valid("{\"at\": \"2026-12-31T23:59:60Z\"}");
    finding("{\"at\": \"2026-02-29T10:00:00+08:00\"}", "R1", "/at", "day 29 does not exist in February 2026", "2026年2月没有29日");
    finding("{\"at\": \"2026-11-27T10:15:30\"}", "R1", "/at", "offset", NULL);
    valid("{\"local\": \"2026-11-27T10:15:30+08:00\"}");
    finding("{\"wall\": \"2026-11-27T10:15:30Z\"}", "R3", "/wall", "a UTC offset is not allowed here", "不允许 UTC 时差");
    finding("{\"day\": \"1900-02-29\"}", "R4", "/day", "February 1900", NULL);
    finding("{\"declTime\": \"20261127251530\"}", "R5", "/declTime", "is not a valid compact", NULL);
    finding("{\"declDate\": \"2026-11-27\"}", "R6", "/declDate", "is not a valid compact-date", NULL);
    finding("{\"at\": 20261127}", "R1", "/at", "expected string", NULL);
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"datetime\": \"datetime\"}", CBEC_EPACK, "the form must be");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"datetime\": {\"form\": \"date\", \"offset\": \"required\"}}", CBEC_EPACK,
               "carries no UTC offset");
    load_fails("", "{\"id\": \"R1\", \"path\": \"/a\", \"datetime\": {\"form\": \"date-time\", \"offset\": \"maybe\"}}", CBEC_EPACK,
               "\"offset\" must be");
}
END_TEST

START_TEST(test_datetime_order_compares_instants_across_offsets)
{
    load("", "{\"id\": \"R1\", \"path\": \"/events/*/time\", \"datetime\": {\"form\": \"date-time\", \"notBefore\": \"1-1/time\"}},"
             "{\"id\": \"R2\", \"path\": \"/payTime\", \"datetime\": {\"form\": \"date-time\", \"notBefore\": \"/orderTime\","
             " \"notAfter\": \"/deadline\"}}");
    valid("{\"events\": [{\"time\": \"2026-11-27T12:00:00+09:00\"}, {\"time\": \"2026-11-27T03:00:00Z\"},"
          " {\"time\": \"2026-11-27T11:30:00+08:00\"}]}");
    finding("{\"events\": [{\"time\": \"2026-11-27T12:00:00+09:00\"}, {\"time\": \"2026-11-27T10:59:59+08:00\"}]}", "R1",
            "/events/1/time", "earlier than 2026-11-27T12:00:00+09:00 at /events/0/time", "早于 /events/0/time");
    valid("{\"orderTime\": \"2026-11-27T10:15:30+08:00\", \"payTime\": \"2026-11-27T02:15:30Z\"}");
    finding("{\"orderTime\": \"2026-11-27T10:15:30+08:00\", \"payTime\": \"2026-11-27T02:15:29Z\"}", "R2", "/payTime",
            "earlier than", NULL);
    finding("{\"deadline\": \"2026-11-27T10:00:00+08:00\", \"payTime\": \"2026-11-27T10:00:00+07:00\"}", "R2", "/payTime",
            "later than 2026-11-27T10:00:00+08:00 at /deadline", "晚于");
    /* an invalid other end is its own rule's finding */
    valid("{\"orderTime\": \"2026-11-31T10:15:30+08:00\", \"payTime\": \"2026-11-27T02:15:29Z\"}");
}
END_TEST

/* ------------------------------------------------------------------ */
/* codeMap                                                             */

START_TEST(test_code_map_compares_fields_coded_differently)
{
    char lists[1200];
    snprintf(lists, sizeof lists, "%s, \"iso\": {\"codes\": [\"CNY\", \"JPY\", \"USD\"]},"
                                  "\"customs2\": {\"codes\": [{\"code\": \"502\", \"attributes\": {\"alpha\": \"USD\"}}],"
                                  " \"mapsTo\": {\"iso\": \"alpha\", \"iso-codes:4217/alpha_3\": \"alpha\"}}",
             minor_lists);
    load(lists, "{\"id\": \"R1\", \"path\": \"/customsCurrency\", \"codeMap\": {\"list\": \"customs\", \"to\": \"mu\", \"equals\": \"/currency\"}},"
                "{\"id\": \"R2\", \"path\": \"/c2\", \"codeMap\": {\"list\": \"customs2\", \"to\": \"iso-codes:4217/alpha_3\", \"equals\": \"1/iso\"}}");
    valid("{\"customsCurrency\": \"142\", \"currency\": \"CNY\"}");
    valid("{\"customsCurrency\": \"142\"}");
    finding("{\"customsCurrency\": \"142\", \"currency\": \"USD\"}", "R1", "/customsCurrency",
            "it stands for CNY in the list mu, but /currency is \"USD\"", "它对应代码表 mu 中的 CNY");
    finding("{\"customsCurrency\": \"777\", \"currency\": \"USD\"}", "R1", "/customsCurrency", "not in the code list customs", NULL);
    finding("{\"customsCurrency\": \"999\", \"currency\": \"USD\"}", "R1", "/customsCurrency", "has no equivalent in the list mu",
            NULL);
    valid("{\"c2\": \"502\", \"iso\": \"USD\"}");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"codeMap\": {\"list\": \"customs\", \"to\": \"iso\", \"equals\": \"/c\"}}",
               CBEC_EPACK, "has no mapping onto \"iso\"");
    load_fails(lists, "{\"id\": \"R1\", \"path\": \"/a\", \"codeMap\": {\"list\": \"customs\", \"to\": \"mu\"}}", CBEC_EPACK,
               "needs \"list\", \"to\" and \"equals\"");
    /* a mapping onto codes the other list lacks is caught at load time */
    load_fails("\"a\": {\"codes\": [\"X\"]}, \"b\": {\"codes\": [{\"code\": \"1\", \"attributes\": {\"to\": \"Y\"}}], \"mapsTo\": {\"a\": \"to\"}}",
               "", CBEC_EPACK, "maps to \"Y\", which is not a code of list a");
    load_fails("\"b\": {\"codes\": [{\"code\": \"1\", \"attributes\": {\"to\": \"Y\"}}], \"mapsTo\": {\"zz\": \"to\"}}", "", CBEC_EPACK,
               "which this pack does not define");
    load_fails("\"a\": {\"codes\": [\"X\"]}, \"b\": {\"codes\": [\"1\"], \"mapsTo\": {\"a\": \"to\"}}", "", CBEC_EPACK,
               "has the attribute \"to\"");
}
END_TEST

/* ------------------------------------------------------------------ */
/* layering                                                            */

static int load_layers(const char *base_rule, const char *derived_rule)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"cbecstd_pack\": 1, \"id\": \"T-BASE\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"base\","
             " \"title\": {\"zh-CN\": \"基\", \"en\": \"base\"}, \"codelists\": {\"mu\": {\"codes\": [{\"code\": \"JPY\","
             " \"attributes\": {\"minorUnit\": \"0\"}}]}}, \"messages\": {\"m\": {\"rules\": [%s]}}}",
             base_rule);
    write_file("l/a.pack.json", text);
    snprintf(text, sizeof text,
             "{\"cbecstd_pack\": 1, \"id\": \"T-DERIVED\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\","
             " \"title\": {\"zh-CN\": \"派\", \"en\": \"derived\"}, \"extends\": [{\"id\": \"T-BASE\", \"version\": \"^1\"}],"
             " \"codelists\": {\"mu\": {\"codes\": [{\"code\": \"JPY\", \"attributes\": {\"minorUnit\": \"0\"}}]}},"
             " \"messages\": {\"m\": {\"rules\": [%s]}}}",
             derived_rule);
    write_file("l/b.pack.json", text);
    char path[128];
    snprintf(path, sizeof path, "%s/l", dir);
    cbec_registry_free(reg);
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    cbec_error_free(err);
    err = NULL;
    return cbec_registry_load_path(reg, path, NULL, &err);
}

START_TEST(test_layering_may_only_tighten_coding_checks)
{
    const char *tight[][2] = {
        {"\"identifier\": \"uuid\"", "\"identifier\": \"uuid4\""},
        {"\"identifier\": \"uscc\"", "\"identifier\": \"uscc-strict\""},
        {"\"decimal\": {\"fractionDigits\": 4}", "\"decimal\": {\"fractionDigits\": 2, \"sign\": \"positive\"}"},
        {"\"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"mu\"}", "\"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"mu\", \"totalDigits\": 9}"},
        {"\"datetime\": {\"form\": \"date-time\", \"offset\": \"optional\"}", "\"datetime\": \"date-time\""},
    };
    const char *loose[][3] = {
        {"\"identifier\": \"uuid4\"", "\"identifier\": \"uuid\"", "is not at least as strict"},
        {"\"identifier\": \"bic\"", "\"identifier\": {\"kind\": \"bic\", \"countries\": false}", "is not at least as strict"},
        {"\"decimal\": {\"sign\": \"positive\"}", "\"decimal\": {}", "is not at least as strict"},
        {"\"decimal\": {\"fractionDigits\": 2}", "\"decimal\": {\"fractionDigits\": 3}", "is not at least as strict"},
        {"\"decimal\": {\"currency\": \"/c\", \"minorUnits\": \"mu\"}", "\"decimal\": {}", "is not at least as strict"},
        {"\"datetime\": \"date-time\"", "\"datetime\": {\"form\": \"date-time\", \"offset\": \"optional\"}", "is not at least as strict"},
        {"\"datetime\": \"date\"", "\"datetime\": \"compact-date\"", "is not at least as strict"},
    };
    char b[512], d[512];
    for (size_t i = 0; i < sizeof tight / sizeof tight[0]; i++) {
        snprintf(b, sizeof b, "{\"id\": \"R1\", \"path\": \"/v\", %s}", tight[i][0]);
        snprintf(d, sizeof d, "{\"id\": \"R1\", \"path\": \"/v\", %s}", tight[i][1]);
        int st = load_layers(b, d);
        ck_assert_msg(st == CBEC_OK, "%s -> %s: %s", tight[i][0], tight[i][1], err ? cbec_error_message(err) : "");
    }
    for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++) {
        snprintf(b, sizeof b, "{\"id\": \"R1\", \"path\": \"/v\", %s}", loose[i][0]);
        snprintf(d, sizeof d, "{\"id\": \"R1\", \"path\": \"/v\", %s}", loose[i][1]);
        ck_assert_int_eq(load_layers(b, d), CBEC_EPACK);
        ck_assert_msg(strstr(cbec_error_message(err), loose[i][2]), "%s", cbec_error_message(err));
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* public identifier API                                               */

START_TEST(test_identifier_api_kinds_and_reasons)
{
    size_t n = cbec_identifier_kind_count();
    ck_assert_uint_ge(n, 14);
    const char *want[] = {"gtin", "iban", "bic", "lei", "s10", "iso6346", "uscc", "cn-ric", "hs", "unlocode", "e164",
                          "email", "uuid", "masked-pan"};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(cbec_identifier_kind_name(i), want[w]) == 0;
        ck_assert_msg(found, "kind %s missing", want[w]);
    }
    ck_assert_ptr_null(cbec_identifier_kind_name(n));
    ck_assert_ptr_null(cbec_identifier_kind_summary(n, "en"));
    ck_assert_ptr_nonnull(strstr(cbec_identifier_kind_summary(0, "zh-CN"), "商品条码"));
    ck_assert_ptr_nonnull(strstr(cbec_identifier_kind_summary(0, "en"), "GTIN"));

    cbec_identifier_checker *c = NULL;
    ck_assert_int_eq(cbec_identifier_checker_new(&c, NULL, &err), CBEC_OK);
    char reason[128];
    int ok = -1;
    ck_assert_int_eq(cbec_identifier_check(c, "iban", "DE89370400440532013000", 22, "en", &ok, reason, sizeof reason), CBEC_OK);
    ck_assert_int_eq(ok, 1);
    ck_assert_str_eq(reason, "");
    ck_assert_int_eq(cbec_identifier_check(c, "iban", "DE89370400440532013001", 22, "en", &ok, reason, sizeof reason), CBEC_OK);
    ck_assert_int_eq(ok, 0);
    ck_assert_ptr_nonnull(strstr(reason, "check digits are 89"));
    ck_assert_int_eq(cbec_identifier_check(c, "bic", "DEUTXXFF", 8, "zh", &ok, reason, sizeof reason), CBEC_OK);
    ck_assert_int_eq(ok, 0);
    ck_assert_ptr_nonnull(strstr(reason, "未知的国家代码"));
    /* without a checker, countries are not looked up */
    ck_assert_int_eq(cbec_identifier_check(NULL, "bic", "DEUTXXFF", 8, "en", &ok, NULL, 0), CBEC_OK);
    ck_assert_int_eq(ok, 1);
    /* a short buffer keeps whole UTF-8 characters */
    ck_assert_int_eq(cbec_identifier_check(c, "gtin", "123", 3, "zh-CN", &ok, reason, 8), CBEC_OK);
    ck_assert_int_eq(ok, 0);
    ck_assert_uint_le(strlen(reason), 7);
    for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
        ck_assert(*p < 0x80 || (p[0] & 0xC0) != 0xC0 || p[1]);
    ck_assert_int_eq(cbec_identifier_check(c, "isbn", "1", 1, "en", &ok, reason, sizeof reason), CBEC_ENOTFOUND);
    ck_assert_int_eq(cbec_identifier_check(c, NULL, "1", 1, "en", &ok, reason, sizeof reason), CBEC_EINVAL);
    ck_assert_int_eq(cbec_identifier_check(c, "gtin", NULL, 1, "en", &ok, reason, sizeof reason), CBEC_EINVAL);
    ck_assert_int_eq(cbec_identifier_check(c, "gtin", "1", 1, "en", NULL, reason, sizeof reason), CBEC_EINVAL);
    ck_assert_int_eq(cbec_identifier_check(c, "gtin", NULL, 0, "en", &ok, reason, sizeof reason), CBEC_OK);
    ck_assert_int_eq(ok, 0);
    cbec_identifier_checker_free(c);
    cbec_identifier_checker_free(NULL);

    cbec_options *o;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_ISO_CODES_DIR, "/nonexistent"), CBEC_OK);
    c = NULL;
    ck_assert_int_eq(cbec_identifier_checker_new(&c, o, &err), CBEC_EIO);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "/nonexistent/iso_3166-1.json"));
    ck_assert_int_eq(cbec_identifier_checker_new(NULL, o, NULL), CBEC_EINVAL);
    cbec_options_free(o);
}
END_TEST

static Suite *coding_suite(void)
{
    Suite *s = suite_create("coding");
    TCase *tc = tcase_create("codelists");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_codelist_inline_codes_carry_validity_dates);
    tcase_add_test(tc, test_codelist_definition_errors_are_load_errors);
    tcase_add_test(tc, test_codelist_from_csv_file_with_quotes_and_attributes);
    tcase_add_test(tc, test_codelist_csv_errors_name_file_and_line);
    tcase_add_test(tc, test_codelist_from_json_file);
    tcase_add_test(tc, test_codelist_imports_iso_codes_tables);
    tcase_add_test(tc, test_codelist_import_errors);
    tcase_add_test(tc, test_codelist_import_reads_the_configured_directory_into_the_digest);
    tcase_add_test(tc, test_codelist_sizes_are_bounded);
    suite_add_tcase(s, tc);
    tc = tcase_create("kinds");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_identifier_reports_the_exact_reason);
    tcase_add_test(tc, test_identifier_countries_option);
    tcase_add_test(tc, test_decimal_sign_and_digits);
    tcase_add_test(tc, test_decimal_minor_unit_of_the_currency_elsewhere);
    tcase_add_test(tc, test_decimal_currency_configuration_errors);
    tcase_add_test(tc, test_pointers_absolute_relative_and_shifted);
    tcase_add_test(tc, test_datetime_forms_and_offsets);
    tcase_add_test(tc, test_datetime_order_compares_instants_across_offsets);
    tcase_add_test(tc, test_code_map_compares_fields_coded_differently);
    tcase_add_test(tc, test_layering_may_only_tighten_coding_checks);
    tcase_add_test(tc, test_identifier_api_kinds_and_reasons);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(coding_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
