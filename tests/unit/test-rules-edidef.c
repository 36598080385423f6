/* test-rules-edidef.c - EDI message definitions and sections: compiling a
 * definition, the segment table (missing, unexpected, unknown, repeated
 * segments and groups), data element checks, bindings onto logical fields
 * with translated status codes, and the 997/999/CONTRL acknowledgements. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbecstd.h"
#include "test-load.h"
#include "test-run.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static const char DEF[] =
    "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"TSTMSG\", \"version\": \"D:96A\",\n"
    "  \"elements\": { \"0062\": \"an..14\", \"0065\": \"an..6\", \"0052\": \"an..3\", \"0054\": \"an..3\", \"0051\": \"an..2\",\n"
    "                \"0074\": \"n..6\", \"1004\": \"an..35\", \"1225\": { \"type\": \"an..3\", \"codes\": [\"9\", \"5\"] },\n"
    "                \"2005\": \"an..3\", \"2380\": \"an..35\", \"2379\": \"an..3\", \"6060\": \"n..15\", \"6063\": \"an..3\",\n"
    "                \"4405\": \"an..3\", \"3225\": \"an..25\", \"3227\": \"an..3\", \"1153\": \"an..3\", \"1154\": \"an..35\" },\n"
    "  \"composites\": { \"S009\": [\"0065/M\", \"0052/M\", \"0054/M\", \"0051/M\"], \"C507\": [\"2005/M\", \"2380/C\", \"2379/C\"],\n"
    "                  \"C186\": [\"6063/M\", \"6060/M\"], \"C555\": [\"4405/M\"], \"C506\": [\"1153/M\", \"1154/C\"] },\n"
    "  \"segments\": { \"UNH\": [\"0062/M\", \"S009/M\"], \"UNT\": [\"0074/M\", \"0062/M\"],\n"
    "                \"BGM\": { \"elements\": [\"1004/C\", \"1225/C\"], \"conditions\": [\"R0102\"] },\n"
    "                \"DTM\": { \"elements\": [\"C507/M\"], \"datetime\": { \"value\": \"01-02\", \"format\": \"01-03\" } },\n"
    "                \"QTY\": [\"C186/M\"], \"STS\": [\"C555/M\"], \"LOC\": [\"3227/M\", \"3225/C\"], \"RFF\": [\"C506/M/2\"] },\n"
    "  \"structure\": [ \"UNH/M/1\", \"BGM/M/1\", \"DTM/C/2\",\n"
    "    { \"group\": \"SG1\", \"status\": \"C\", \"max\": 2, \"structure\": [ \"RFF/M/1\", \"QTY/C/1\",\n"
    "      { \"group\": \"SG2\", \"status\": \"M\", \"max\": 3, \"structure\": [\"STS/M/1\", \"DTM/C/1\", \"LOC/C/1\"] } ] },\n"
    "    \"UNT/M/1\" ] }\n";

static const char PACK[] =
    "{ \"cbecstd_pack\": 1, \"id\": \"T-EDI\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"logistics\",\n"
    "  \"title\": { \"zh-CN\": \"测试\", \"en\": \"test\" },\n"
    "  \"codelists\": { \"state\": { \"codes\": [\"CREATED\", \"MOVING\", \"DONE\"] } },\n"
    "  \"statemachines\": { \"m\": { \"states\": [\"CREATED\", \"MOVING\", \"DONE\"], \"terminal\": [\"DONE\"],\n"
    "     \"transitions\": { \"CREATED\": [\"MOVING\"], \"MOVING\": [\"MOVING\", \"DONE\"] },\n"
    "     \"mappings\": { \"ext\": { \"codes\": { \"1\": \"CREATED\", \"2\": \"MOVING\", \"3\": \"DONE\", \"8\": null } } } } },\n"
    "  \"messages\": { \"status\": {\n"
    "     \"edifact\": { \"definition\": \"def.json\",\n"
    "        \"bind\": { \"each\": \"/messages/*/SG1[]/*\", \"fields\": {\n"
    "           \"/ref\": \"RFF[AAM]/01-02\", \"/events/*/status\": \"SG2[]/*/STS/01-01\",\n"
    "           \"/events/*/time\": \"SG2[]/*/DTM/iso\", \"/events/*/where\": \"SG2[]/*/LOC[175]/02\" } },\n"
    "        \"translate\": { \"/events/*/status\": { \"statemachine\": \"m\", \"mapping\": \"ext\" } } },\n"
    "     \"rules\": [\n"
    "       { \"id\": \"R-REF\", \"path\": \"/ref\", \"required\": true, \"pattern\": \"^[A-Z]{2}[0-9]+$\" },\n"
    "       { \"id\": \"R-STATE\", \"path\": \"/events/*/status\", \"codelist\": \"state\" },\n"
    "       { \"id\": \"R-TIME\", \"path\": \"/events/*/time\", \"pattern\": \"[+-][0-9]{2}:[0-9]{2}$\" },\n"
    "       { \"id\": \"R-SM\", \"path\": \"/events\", \"stateMachine\": { \"machine\": \"m\", \"state\": \"status\" } } ] } } }\n";

static cbec_registry *reg;
static cbec_validator *val;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cbec-edidef-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file("def.json", DEF);
    write_file("t.pack.json", PACK);
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/t.pack.json", dir);
    cbec_error *err = NULL;
    int st = cbec_registry_load_path(reg, path, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "load: %s", err ? cbec_error_message(err) : cbec_strerror(st));
}

static void teardown(void)
{
    cbec_validator_free(val);
    cbec_registry_free(reg);
    char path[128];
    snprintf(path, sizeof path, "%s/def.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.pack.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad.pack.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    unlink(path);
    rmdir(dir);
}

static cbec_report *check(const char *msg)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_AUTO, msg, strlen(msg), &r), CBEC_OK);
    for (size_t i = 0; i < cbec_report_count(r); i++) {
        unsigned long seg;
        unsigned el, comp;
        cbec_finding_edi_position(r, i, &seg, &el, &comp, NULL);
        fprintf(stderr, "# %s %s seg %lu el %u/%u: %s\n", cbec_finding_rule(r, i), cbec_finding_path(r, i), seg, el,
                comp, cbec_finding_message(r, i, "en"));
    }
    return r;
}

/* The finding of rule at segment seg (and element el, when not 0). */
static long find(const cbec_report *r, const char *rule, unsigned long seg, unsigned el)
{
    for (size_t i = 0; i < cbec_report_count(r); i++) {
        unsigned long s;
        unsigned e;
        cbec_finding_edi_position(r, i, &s, &e, NULL, NULL);
        if (!strcmp(cbec_finding_rule(r, i), rule) && (!seg || s == seg) && (!el || e == el))
            return (long)i;
    }
    return -1;
}

#define HDR "UNB+UNOA:3+SENDER:ZZ+RECEIVER:ZZ+260301:1030+IC1'"
#define GOOD                                                                                                       \
    HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'DTM+137:202603011030?+0800:205'"                                       \
        "RFF+AAM:RR1'QTY+21:2'STS+1'DTM+334:202603010900?+0800:205'LOC+175+CNSHA'"                                \
        "STS+2'DTM+334:202603011000?+0800:205'STS+3'UNT+12+1'UNZ+1+IC1'"

START_TEST(test_sound_message_is_valid)
{
    cbec_report *r = check(GOOD);
    ck_assert_str_eq(cbec_report_message_type(r), "status");
    ck_assert_int_eq(cbec_report_valid(r), 1);
    ck_assert_uint_eq(cbec_report_count(r), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_segment_table_problems)
{
    /* BGM missing, FOO unknown, QTY out of place, SG2 over its maximum */
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'DTM+137:20260301:102'FOO+1'"
                               "RFF+AAM:RR1'STS+1'STS+2'STS+2'STS+3'QTY+21:2'UNT+10+1'UNZ+1+IC1'");
    ck_assert_int_ge(find(r, "CBEC-EDI-SEGMENT-MISSING", 3, 0), 0);    /* reported at DTM */
    ck_assert_int_ge(find(r, "CBEC-EDI-SEGMENT-UNKNOWN", 4, 0), 0);
    ck_assert_int_ge(find(r, "CBEC-EDI-GROUP-REPEAT", 9, 0), 0);       /* the 4th STS */
    ck_assert_int_ge(find(r, "CBEC-EDI-SEGMENT-UNEXPECTED", 10, 0), 0); /* QTY after SG2 */
    ck_assert_int_eq(cbec_report_valid(r), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_element_problems)
{
    /* code not in list, too long, numeric with letters, mandatory
     * component missing, too many elements, syntax note R0102 */
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+7+X'DTM+137:20260301:102'"
                               "RFF+AAM:RR1'QTY+21:2A'STS+1234'LOC+175+CNSHA'STS+2'UNT+9+1'UNZ+1+IC1'");
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-CODE", 3, 2), 0);
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-EXTRA", 3, 3), 0);
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-TYPE", 6, 1), 0);
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-LONG", 7, 1), 0);
    cbec_report_free(r);
    r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM'RFF+:RR1+AAM:X*'STS+1'UNT+5+1'UNZ+1+IC1'");
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-CONDITION", 3, 1), 0); /* BGM needs 01 or 02 */
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-MISSING", 4, 1), 0);   /* RFF C506/1153 */
    ck_assert_int_ge(find(r, "CBEC-EDI-ELEMENT-EXTRA", 4, 2), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_binding_reaches_rules_with_positions)
{
    /* a bad reference, an unknown status code, a time without offset and
     * a status the machine forbids; code 8 maps to no state: dropped */
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'"
                               "RFF+AAM:rr1'STS+1'DTM+334:202603010900:203'STS+8'STS+3'STS+9'UNT+9+1'UNZ+1+IC1'");
    long i = find(r, "R-REF", 4, 1);
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(cbec_finding_path(r, (size_t)i), "/messages/0/SG1/RFF[AAM]/01-02");
    ck_assert_int_ge(find(r, "R-TIME", 6, 1), 0);
    ck_assert_int_ge(find(r, "R-SM", 8, 1), 0);    /* DONE cannot follow CREATED */
    ck_assert_int_ge(find(r, "R-STATE", 9, 1), 0); /* 9 is no code of the mapping */
    ck_assert_int_eq(find(r, "R-SM", 7, 0), -1);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_each_consignment_is_its_own_document)
{
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'"
                               "RFF+AAM:RR1'STS+1'RFF+AAM:bad'STS+1'UNT+7+1'UNZ+1+IC1'");
    ck_assert_int_ge(find(r, "R-REF", 6, 1), 0);
    ck_assert_int_eq(find(r, "R-REF", 4, 1), -1);
    cbec_report_free(r);
    /* a group whose reference is missing: required applies to the unit */
    r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'RFF+ZZZ:RR1'STS+1'UNT+5+1'UNZ+1+IC1'");
    ck_assert_int_ge(find(r, "R-REF", 0, 0), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_other_message_types_are_reported_not_checked)
{
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'UNT+3+1'UNH+2+OTHER:D:96A:UN'UNT+2+2'UNZ+2+IC1'");
    ck_assert_int_ge(find(r, "CBEC-EDI-NOT-CHECKED", 5, 0), 0);
    ck_assert_int_eq(cbec_report_count_severity(r, CBEC_SEVERITY_INFO), 1);
    cbec_report_free(r);
    /* no pack defines the type at all: syntax checked, an info, valid */
    r = check(HDR "UNH+1+OTHER:D:96A:UN'UNT+2+1'UNZ+1+IC1'");
    ck_assert_int_eq(cbec_report_valid(r), 1);
    ck_assert_int_ge(find(r, "CBEC-EDI-UNKNOWN-TYPE", 0, 0), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_contrl_acknowledges_with_positions)
{
    cbec_report *r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+7'FOO'RFF+AAM:RR1'STS+1'UNT+6+1'UNZ+1+IC1'");
    const char *out;
    size_t len;
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_X12_997, NULL, "202603011200", &out, &len), CBEC_EINVAL);
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_EDIFACT_CONTRL, "12", "2026030112", &out, &len), CBEC_EINVAL);
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_EDIFACT_CONTRL, "12", "202603011200", &out, &len), CBEC_OK);
    fprintf(stderr, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "UNB+UNOA:3+RECEIVER:ZZ+SENDER:ZZ+260301:1200+12'"));
    ck_assert_ptr_nonnull(strstr(out, "UNH+1+CONTRL:D:3:UN'"));
    ck_assert_ptr_nonnull(strstr(out, "UCI+IC1+SENDER:ZZ+RECEIVER:ZZ+7'"));
    ck_assert_ptr_nonnull(strstr(out, "UCM+1+TSTMSG:D:96A:UN+4'"));
    ck_assert_ptr_nonnull(strstr(out, "UCS+2'\nUCD+12+2'"));  /* BGM 1225 code */
    ck_assert_ptr_nonnull(strstr(out, "UCS+3+15'"));         /* FOO */
    ck_assert_ptr_nonnull(strstr(out, "UNT+7+1'"));
    ck_assert_ptr_nonnull(strstr(out, "UNZ+1+12'"));
    cbec_report_free(r);
    /* an accepted message, and an interchange-level error */
    r = check(HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+9'RFF+AAM:RR1'STS+1'UNT+5+1'UNZ+1+IC9'");
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_EDIFACT_CONTRL, NULL, "202603011200", &out, &len), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "UCI+IC1+SENDER:ZZ+RECEIVER:ZZ+4+28+UNZ+2'"));
    cbec_report_free(r);
}
END_TEST

START_TEST(test_997_and_999_acknowledge_with_positions)
{
    static const char msg[] =
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*1030*U*00401*000000042*0*P*>~"
        "GS*PO*SENDER*RECEIVER*20260301*1030*42*X*004010~"
        "ST*850*0001~BEG*00*SA*PO1**20260301~SE*3*0001~"
        "ST*850*0002~BEG*00*SA*PO2**20260301~SE*4*0002~"
        "GE*2*42~IEA*1*000000042~";
    cbec_report *r = check(msg);
    const char *out;
    size_t len;
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_EDIFACT_CONTRL, NULL, NULL, &out, &len), CBEC_EINVAL);
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_X12_997, "7", "202603011200", &out, &len), CBEC_OK);
    fprintf(stderr, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SENDER         *260301*1200*U*00401*000000007*0*P*>~"));
    ck_assert_ptr_nonnull(strstr(out, "GS*FA*RECEIVER*SENDER*20260301*1200*7*X*004010~"));
    ck_assert_ptr_nonnull(strstr(out, "AK1*PO*42~"));
    ck_assert_ptr_nonnull(strstr(out, "AK2*850*0001~\nAK5*A~"));
    ck_assert_ptr_nonnull(strstr(out, "AK2*850*0002~\nAK5*R*4~")); /* SE01 says 4, there are 3 */
    ck_assert_ptr_nonnull(strstr(out, "AK9*P*2*2*1~"));
    ck_assert_ptr_nonnull(strstr(out, "SE*8*0001~"));
    ck_assert_ptr_nonnull(strstr(out, "IEA*1*000000007~"));
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_X12_999, "7", "202603011200", &out, &len), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "ST*999*0001*005010X231~"));
    ck_assert_ptr_nonnull(strstr(out, "IK5*R*4~"));
    cbec_report_free(r);
    /* a JSON message has no envelope to acknowledge */
    ck_assert_int_eq(cbec_validate(val, reg, "status", CBEC_FORMAT_JSON, "{}", 2, &r), CBEC_OK);
    ck_assert_int_eq(cbec_report_render_ack(r, CBEC_ACK_X12_997, NULL, NULL, &out, &len), CBEC_ESTATE);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_definition_errors_name_file_and_place)
{
    write_file("bad.json", "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\",\n"
                           "  \"elements\": { \"1004\": \"xy..35\" }, \"segments\": { \"BGM\": [\"1004/C\"] },\n"
                           "  \"structure\": [\"BGM/M/1\"] }\n");
    write_file("bad.pack.json", "{ \"cbecstd_pack\": 1, \"id\": \"B\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\",\n"
                                "  \"title\": { \"zh-CN\": \"坏\", \"en\": \"bad\" }, \"messages\": { \"x\": { \"edifact\": { \"definition\": \"bad.json\" } } } }\n");
    char path[128];
    snprintf(path, sizeof path, "%s/bad.pack.json", dir);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    fprintf(stderr, "# %s\n", cbec_error_message(err));
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "bad.json:2:"));
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "xy..35"));
    cbec_error_free(err);
    /* a group must start with a mandatory segment; statuses are M/C */
    write_file("bad.json", "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\",\n"
                           "  \"elements\": { \"1004\": \"an..35\" }, \"segments\": { \"BGM\": [\"1004/C\"] },\n"
                           "  \"structure\": [{ \"group\": \"SG1\", \"status\": \"C\", \"max\": 2, \"structure\": [\"BGM/C/1\"] }] }\n");
    err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "trigger"));
    cbec_error_free(err);
    write_file("bad.json", "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"x12\", \"message\": \"X\", \"version\": \"D:96A\" }\n");
    err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "syntax"));
    cbec_error_free(err);
}
END_TEST

/* Load dir/name with definitions compiled at load or on first use; the
 * error text in msg (when not NULL) on failure. */
static cbec_pack *load_mode(const char *name, bool defer, char *msg, size_t cap)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return test_load_pack(path, defer, msg, cap);
}

static char *render(cbec_registry *r, const char *msg)
{
    cbec_report *rep = NULL;
    ck_assert_int_eq(cbec_validate(val, r, NULL, CBEC_FORMAT_AUTO, msg, strlen(msg), &rep), CBEC_OK);
    const char *out;
    ck_assert_int_eq(cbec_report_render(rep, CBEC_RENDER_JSON, "en", &out, NULL), CBEC_OK);
    char *copy = strdup(out);
    cbec_report_free(rep);
    return copy;
}

/* CBEC_OPT_DEFER_COMPILE: the definition is read at load (same digest)
 * and compiled by the first message that needs it, with the same
 * findings. */
START_TEST(test_deferred_definition_gives_the_same_digest_and_findings)
{
    cbec_pack *eager = load_mode("t.pack.json", false, NULL, 0), *lazy = load_mode("t.pack.json", true, NULL, 0);
    ck_assert_ptr_nonnull(eager);
    ck_assert_ptr_nonnull(lazy);
    ck_assert_str_eq(cbec_pack_digest(eager), cbec_pack_digest(lazy));
    cbec_registry *r2 = NULL;
    ck_assert_int_eq(cbec_registry_new(&r2), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r2, lazy, NULL), CBEC_OK);
    const char *msgs[] = {
        GOOD,
        HDR "UNH+1+TSTMSG:D:96A:UN'BGM+DOC1+7'FOO+1'RFF+AAM:rr1'STS+9'UNT+6+1'UNZ+1+IC1'",
        HDR "UNH+1+OTHER:D:96A:UN'BGM+DOC1+9'UNT+3+1'UNZ+1+IC1'",
    };
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++) {
            char *a = render(reg, msgs[i]), *b = render(r2, msgs[i]);
            ck_assert_str_eq(a, b);
            free(a);
            free(b);
        }
    cbec_registry_free(r2);
    cbec_pack_free(eager);
    cbec_pack_free(lazy);
}
END_TEST

START_TEST(test_deferred_definition_that_does_not_compile)
{
    write_file("bad.pack.json", "{ \"cbecstd_pack\": 1, \"id\": \"B\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\",\n"
                                "  \"title\": { \"zh-CN\": \"坏\", \"en\": \"bad\" }, \"messages\": { \"x\": { \"edifact\": { \"definition\": \"bad.json\" } } } }\n");
    /* the body is wrong: the load succeeds, the messages that need it fail */
    write_file("bad.json", "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\",\n"
                           "  \"elements\": { \"1004\": \"xy..35\" }, \"segments\": { \"BGM\": [\"1004/C\"] },\n"
                           "  \"structure\": [\"BGM/M/1\"] }\n");
    char eager_msg[600], lazy_msg[600];
    ck_assert_ptr_null(load_mode("bad.pack.json", false, eager_msg, sizeof eager_msg));
    cbec_pack *p = load_mode("bad.pack.json", true, lazy_msg, sizeof lazy_msg);
    ck_assert_msg(p != NULL, "%s", lazy_msg);
    cbec_registry *r2 = NULL;
    ck_assert_int_eq(cbec_registry_new(&r2), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r2, p, NULL), CBEC_OK);
    const char *msg = HDR "UNH+1+X:D:96A:UN'BGM+A'UNT+3+1'UNZ+1+IC1'";
    for (int k = 0; k < 2; k++) {
        cbec_report *r = NULL;
        ck_assert_int_eq(cbec_validate(val, r2, NULL, CBEC_FORMAT_AUTO, msg, strlen(msg), &r), CBEC_OK);
        ck_assert_int_eq(cbec_report_valid(r), 0);
        long i = find(r, "CBEC-EDI-DEFINITION", 0, 0);
        ck_assert_int_ge(i, 0);
        const char *m = cbec_finding_message(r, (size_t)i, "en");
        ck_assert_msg(strstr(m, "EDIFACT definition of pack B@1.0.0 does not compile") && strstr(m, "bad.json:2:") &&
                          strstr(m, "xy..35"),
                      "%s", m);
        cbec_report_free(r);
    }
    cbec_registry_free(r2);
    cbec_pack_free(p);
    /* a head that is not plainly right, or a missing directory: a load
     * error either way, word for word */
    const char *bad[] = {
        "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"x12\", \"message\": \"X\", \"version\": \"D:96A\" }\n",
        "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": 96 }\n",
        "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\",\n"
        "  \"directory\": \"no-such-directory.json\" }\n",
        "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\",\n"
        "  \"directory\": 7 }\n",
        "{ \"cbecstd_edi_definition\": 1, \"syntax\": \"edifact\", \"message\": \"X\", \"version\": \"D:96A\" \n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_file("bad.json", bad[i]);
        ck_assert_ptr_null(load_mode("bad.pack.json", false, eager_msg, sizeof eager_msg));
        ck_assert_ptr_null(load_mode("bad.pack.json", true, lazy_msg, sizeof lazy_msg));
        ck_assert_str_eq(eager_msg, lazy_msg);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rules-edidef");
    TCase *tc = tcase_create("definitions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sound_message_is_valid);
    tcase_add_test(tc, test_segment_table_problems);
    tcase_add_test(tc, test_element_problems);
    tcase_add_test(tc, test_binding_reaches_rules_with_positions);
    tcase_add_test(tc, test_each_consignment_is_its_own_document);
    tcase_add_test(tc, test_other_message_types_are_reported_not_checked);
    tcase_add_test(tc, test_contrl_acknowledges_with_positions);
    tcase_add_test(tc, test_997_and_999_acknowledge_with_positions);
    tcase_add_test(tc, test_definition_errors_name_file_and_place);
    tcase_add_test(tc, test_deferred_definition_gives_the_same_digest_and_findings);
    tcase_add_test(tc, test_deferred_definition_that_does_not_compile);
    suite_add_tcase(s, tc);
    return test_run(s);
}
