/* test-pack-layering.c - standards lifecycle: extends and the tightening
 * rule, waivers, effective-date selection, digests, semantic versions. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbecstd.h"
#include "pack/pack.h"
#include "test-run.h"

static char buf[8192];

/* A pack text: id, version, status, effective from/to ("" = open), extra
 * top-level members, and the rules of message type "order". */
static const char *pack(const char *id, const char *version, const char *status, const char *from,
                        const char *to, const char *extra, const char *rules)
{
    char eff[128] = "";
    if (*from || *to)
        snprintf(eff, sizeof eff, "\"effective\": {\"from\": %s%s%s, \"to\": %s%s%s},", *from ? "\"" : "",
                 *from ? from : "null", *from ? "\"" : "", *to ? "\"" : "", *to ? to : "null", *to ? "\"" : "");
    snprintf(buf, sizeof buf,
             "{\"cbecstd_pack\": 1, \"id\": \"%s\", \"version\": \"%s\", \"status\": \"%s\", %s"
             " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"t\", \"en\": \"t\"}, %s"
             " \"messages\": {\"order\": {\"effectiveDate\": \"/orderTime\","
             " \"json\": {\"detect\": {\"path\": \"/messageType\", \"equals\": \"order\"}}, \"rules\": [%s]}}}",
             id, version, status, eff, extra, rules);
    return buf;
}

static cbec_pack *load(const char *text)
{
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, text, strlen(text), "mem.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "load: %s", err ? cbec_error_message(err) : cbec_strerror(st));
    return p;
}

static cbec_registry *reg_of(cbec_pack **packs, size_t n, int want, cbec_error **errout)
{
    cbec_registry *r;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    int st = CBEC_OK;
    cbec_error *err = NULL;
    for (size_t i = 0; i < n && st == CBEC_OK; i++)
        st = cbec_registry_add(r, packs[i], &err);
    ck_assert_msg(st == want, "status %d (%s), wanted %d: %s", st, cbec_strerror(st), want,
                  err ? cbec_error_message(err) : "");
    if (errout)
        *errout = err;
    else
        cbec_error_free(err);
    for (size_t i = 0; i < n; i++)
        cbec_pack_free(packs[i]);
    return r;
}

static const char *BASE_RULES =
    "{\"id\": \"R-NO\", \"path\": \"/orderNo\", \"required\": true, \"maxLength\": 30, \"ref\": \"GB/T 1 5.1\"},"
    "{\"id\": \"R-CUR\", \"path\": \"/currency\", \"codelist\": \"cur\"},"
    "{\"id\": \"R-QTY\", \"path\": \"/qty\", \"minimum\": \"0\", \"severity\": \"warning\"}";
static const char *BASE_LISTS = "\"codelists\": {\"cur\": {\"codes\": [\"CNY\", \"USD\", \"EUR\"]}},";

static cbec_pack *base_pack(void)
{
    return load(pack("BASE", "1.2.0", "active", "", "", BASE_LISTS, BASE_RULES));
}

static cbec_report *check(cbec_registry *r, cbec_validator *v, const char *msg)
{
    cbec_report *rep = NULL;
    ck_assert_int_eq(cbec_validate(v, r, NULL, CBEC_FORMAT_JSON, msg, strlen(msg), &rep), CBEC_OK);
    return rep;
}

START_TEST(test_layering_derived_may_tighten)
{
    cbec_pack *ps[2] = {base_pack(),
        load(pack("PLAT", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"BASE\", \"version\": \"^1\"}], \"codelists\": {\"cur\": {\"codes\": [\"CNY\"]}},",
                  "{\"id\": \"R-NO\", \"path\": \"/orderNo\", \"required\": true, \"maxLength\": 10, \"pattern\": \"^P\", \"ref\": \"Q/P 2\"},"
                  "{\"id\": \"R-QTY\", \"path\": \"/qty\", \"minimum\": \"1\", \"severity\": \"error\"},"
                  "{\"id\": \"P-1\", \"path\": \"/buyer\", \"required\": true}"))};
    cbec_registry *r = reg_of(ps, 2, CBEC_OK, NULL);
    cbec_validator *v;
    cbec_validator_new(&v);
    /* USD is in the base list but the platform narrowed it away; the base
     * rule R-CUR applies the narrowed list */
    cbec_report *rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"P12345678901\", \"currency\": \"USD\", \"qty\": \"0.5\"}");
    ck_assert_int_eq(cbec_report_valid(rep), 0);
    const char *want[] = {"P-1", "R-NO", "R-CUR", "R-QTY"};
    ck_assert_uint_eq(cbec_report_count(rep), 4);
    for (size_t i = 0; i < 4; i++) {
        int found = 0;
        for (size_t k = 0; k < 4; k++)
            found |= strcmp(cbec_finding_rule(rep, k), want[i]) == 0;
        ck_assert_msg(found, "no finding of %s", want[i]);
    }
    /* the derived pack is the one picked; base rules report their own pack */
    for (size_t k = 0; k < 4; k++)
        if (strcmp(cbec_finding_rule(rep, k), "R-CUR") == 0)
            ck_assert_str_eq(cbec_finding_pack(rep, k), "BASE@1.2.0");
        else
            ck_assert_str_eq(cbec_finding_pack(rep, k), "PLAT@1.0.0");
    cbec_report_free(rep);
    cbec_validator_free(v);
    cbec_registry_free(r);
}
END_TEST

static void expect_conflict(const char *derived_rules, const char *extra, const char *needle)
{
    char ext[512];
    snprintf(ext, sizeof ext, "\"extends\": [{\"id\": \"BASE\", \"version\": \"1.2.0\"}], %s", extra);
    cbec_pack *ps[2] = {base_pack(), load(pack("PLAT", "1.0.0", "active", "", "", ext, derived_rules))};
    cbec_error *err = NULL;
    cbec_registry *r = reg_of(ps, 2, CBEC_EPACK, &err);
    const char *m = cbec_error_message(err);
    ck_assert_msg(strstr(m, needle) != NULL, "message lacks \"%s\": %s", needle, m);
    cbec_error_free(err);
    cbec_registry_free(r);
}

START_TEST(test_layering_conflicts_are_load_errors_naming_both_sides)
{
    expect_conflict("{\"id\": \"R-NO\", \"path\": \"/orderNo\", \"required\": true, \"maxLength\": 40, \"ref\": \"Q/P 3\"}", "",
                    "rule R-NO of PLAT@1.0.0 (Q/P 3) loosens rule R-NO of BASE@1.2.0 (GB/T 1 5.1)");
    expect_conflict("{\"id\": \"R-NO\", \"path\": \"/orderNo\", \"maxLength\": 30}", "", "makes a required field optional");
    expect_conflict("{\"id\": \"R-NO\", \"path\": \"/orderNo\", \"required\": true}", "", "drops the check \"maxLength\"");
    expect_conflict("{\"id\": \"R-QTY\", \"path\": \"/qty\", \"minimum\": \"0\", \"severity\": \"info\"}", "", "lowers the severity");
    expect_conflict("{\"id\": \"R-QTY\", \"path\": \"/qty\", \"minimum\": \"-1\", \"severity\": \"warning\"}", "", "\"minimum\"");
    expect_conflict("{\"id\": \"R-NO\", \"path\": \"/orderNumber\", \"required\": true, \"maxLength\": 30}", "", "moves the rule");
    expect_conflict("{\"id\": \"X\", \"path\": \"/a\", \"required\": true}", "\"codelists\": {\"cur\": {\"codes\": [\"CNY\", \"JPY\"]}},",
                    "code \"JPY\" is not in the base list");
    expect_conflict("{\"id\": \"X\", \"path\": \"/a\", \"required\": true}",
                    "\"waivers\": [{\"rule\": \"NOPE\", \"reason\": \"r\", \"expires\": \"2030-01-01\"}],", "waiver names rule NOPE");
}
END_TEST

START_TEST(test_layering_waiver_softens_until_it_expires)
{
    cbec_pack *ps[2] = {base_pack(),
        load(pack("PLAT", "1.0.0", "active", "", "",
                  "\"extends\": [{\"id\": \"BASE\", \"version\": \"^1.2\"}],"
                  " \"waivers\": [{\"rule\": \"R-NO\", \"reason\": \"legacy numbers\", \"expires\": \"2026-12-31\"}],",
                  "{\"id\": \"P-1\", \"path\": \"/x\", \"maxLength\": 3}"))};
    cbec_registry *r = reg_of(ps, 2, CBEC_OK, NULL);
    cbec_validator *v;
    cbec_validator_new(&v);
    const char *msg = "{\"messageType\": \"order\", \"orderNo\": \"0123456789012345678901234567890123\", \"currency\": \"CNY\"}";
    ck_assert_int_eq(cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-12-31"), CBEC_OK);
    cbec_report *rep = check(r, v, msg);
    ck_assert_int_eq(cbec_report_valid(rep), 1);
    ck_assert_uint_eq(cbec_report_count(rep), 1);
    ck_assert_int_eq(cbec_finding_severity(rep, 0), CBEC_SEVERITY_INFO);
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "en"), "waived by PLAT@1.0.0 until 2026-12-31: legacy numbers"));
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "zh-CN"), "已豁免"));
    cbec_report_free(rep);
    ck_assert_int_eq(cbec_validator_set_option(v, CBEC_VOPT_DATE, "2027-01-01"), CBEC_OK);
    rep = check(r, v, msg);
    ck_assert_int_eq(cbec_report_valid(rep), 0);
    ck_assert_int_eq(cbec_finding_severity(rep, 0), CBEC_SEVERITY_ERROR);
    cbec_report_free(rep);
    cbec_validator_free(v);
    cbec_registry_free(r);
}
END_TEST

START_TEST(test_layering_missing_base_and_cycles)
{
    cbec_pack *p1[1] = {load(pack("PLAT", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"BASE\", \"version\": \"^2\"}],", BASE_RULES))};
    cbec_error *err = NULL;
    cbec_registry *r = reg_of(p1, 1, CBEC_ENOTFOUND, &err);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "extends BASE ^2"));
    cbec_error_free(err);
    cbec_registry_free(r);
    cbec_pack *a = load(pack("A", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"B\", \"version\": \"*\"}],", "{\"id\": \"A1\", \"path\": \"/a\", \"required\": true}"));
    cbec_pack *b = load(pack("B", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"A\", \"version\": \"*\"}],", "{\"id\": \"B1\", \"path\": \"/b\", \"required\": true}"));
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r, a, NULL), CBEC_ENOTFOUND); /* B not loaded yet */
    cbec_pack *both[2] = {a, b};
    cbec_registry_free(r);
    r = reg_of(both, 2, CBEC_ENOTFOUND, &err); /* the first add fails alone */
    cbec_error_free(err);
    cbec_registry_free(r);
}
END_TEST

START_TEST(test_layering_cycle_detected_when_loaded_together)
{
    /* a directory load adds both at once, so the cycle itself is found */
    char dir[] = "/tmp/cbec-cycle-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/a.pack.json", dir);
    FILE *f = fopen(path, "w");
    fputs(pack("A", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"B\", \"version\": \"*\"}],", "{\"id\": \"A1\", \"path\": \"/a\", \"required\": true}"), f);
    fclose(f);
    snprintf(path, sizeof path, "%s/b.pack.json", dir);
    f = fopen(path, "w");
    fputs(pack("B", "1.0.0", "active", "", "", "\"extends\": [{\"id\": \"A\", \"version\": \"*\"}],", "{\"id\": \"B1\", \"path\": \"/b\", \"required\": true}"), f);
    fclose(f);
    cbec_registry *r;
    cbec_registry_new(&r);
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_load_path(r, dir, NULL, &err), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "cycle"));
    ck_assert_uint_eq(cbec_registry_pack_count(r), 0); /* all or nothing */
    cbec_error_free(err);
    cbec_registry_free(r);
    snprintf(path, sizeof path, "%s/a.pack.json", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/b.pack.json", dir);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_registry_picks_version_in_force)
{
    const char *r1 = "{\"id\": \"V1\", \"path\": \"/orderNo\", \"maxLength\": 5}";
    const char *r2 = "{\"id\": \"V2\", \"path\": \"/orderNo\", \"maxLength\": 3}";
    cbec_pack *ps[3] = {load(pack("ORD", "1.0.0", "active", "2026-01-01", "2026-06-30", "", r1)),
                        load(pack("ORD", "1.1.0", "active", "2026-07-01", "", "", r2)),
                        load(pack("ORD", "2.0.0-rc.1", "draft", "2026-07-01", "", "", "{\"id\": \"V3\", \"path\": \"/orderNo\", \"maxLength\": 1}"))};
    cbec_registry *r = reg_of(ps, 3, CBEC_OK, NULL);
    cbec_validator *v;
    cbec_validator_new(&v);
    /* the message's own date (effectiveDate /orderTime) decides, at the boundary */
    cbec_report *rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"ABCDEF\", \"orderTime\": \"2026-06-30T23:59:59+08:00\"}");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "V1");
    cbec_report_free(rep);
    rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"ABCDEF\", \"orderTime\": \"2026-07-01T00:00:00+08:00\"}");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "V2");
    cbec_report_free(rep);
    rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"ABCDEF\", \"orderTime\": \"2025-12-31T10:00:00Z\"}");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "CBEC-PACK");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "en"), "in force on 2025-12-31"));
    ck_assert_int_eq(cbec_report_valid(rep), 0);
    cbec_report_free(rep);
    /* the caller's date wins over the message's */
    cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-03-01");
    rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"ABCDEF\", \"orderTime\": \"2026-08-01T00:00:00Z\"}");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "V1");
    cbec_report_free(rep);
    /* drafts only when asked: then 1.1.0 and the draft both apply */
    cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-08-01");
    cbec_validator_set_option(v, CBEC_VOPT_ALLOW_INACTIVE, "1");
    rep = check(r, v, "{\"messageType\": \"order\", \"orderNo\": \"ABCDEF\"}");
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "CBEC-PACK");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "en"), "both apply"));
    cbec_report_free(rep);
    ck_assert_int_eq(cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-02-30"), CBEC_EINVAL);
    cbec_validator_free(v);
    cbec_registry_free(r);
}
END_TEST

START_TEST(test_registry_rejects_overlapping_active_versions)
{
    cbec_pack *ps[2] = {load(pack("ORD", "1.0.0", "active", "2026-01-01", "2026-07-01", "", "{\"id\": \"V1\", \"path\": \"/a\", \"required\": true}")),
                        load(pack("ORD", "1.1.0", "active", "2026-07-01", "", "", "{\"id\": \"V1\", \"path\": \"/a\", \"required\": true}"))};
    cbec_error *err = NULL;
    cbec_registry *r = reg_of(ps, 2, CBEC_EAMBIGUOUS, &err);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "ORD@1.0.0"));
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "ORD@1.1.0"));
    cbec_error_free(err);
    cbec_registry_free(r);
}
END_TEST

START_TEST(test_digest_is_canonical_and_pinnable)
{
    const char *a = "{\"cbecstd_pack\": 1, \"id\": \"D\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\","
                    " \"title\": {\"zh-CN\": \"t\", \"en\": \"t\"}, \"messages\": {}}";
    const char *b = "{\n  \"messages\": {},\n  \"title\": {\"en\": \"t\", \"zh-CN\": \"t\"},\n  \"module\": \"data\", \"status\": \"active\",\n"
                    "  \"version\": \"1.0.0\", \"id\": \"D\", \"cbecstd_pack\": 1\n}\n";
    const char *c = "{\"cbecstd_pack\": 1, \"id\": \"D\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\","
                    " \"title\": {\"zh-CN\": \"t\", \"en\": \"T\"}, \"messages\": {}}";
    cbec_pack *pa, *pb, *pc;
    ck_assert_int_eq(cbec_pack_load_buffer(&pa, a, strlen(a), "a", NULL, NULL, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_pack_load_buffer(&pb, b, strlen(b), "b", NULL, NULL, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_pack_load_buffer(&pc, c, strlen(c), "c", NULL, NULL, NULL), CBEC_OK);
    ck_assert_str_eq(cbec_pack_digest(pa), cbec_pack_digest(pb));
    ck_assert_str_ne(cbec_pack_digest(pa), cbec_pack_digest(pc));
    ck_assert_int_eq((int)strlen(cbec_pack_digest(pa)), 7 + 64);
    cbec_options *o;
    cbec_options_new(&o);
    ck_assert_int_eq(cbec_options_pin_digest(o, "D@1.0.0", cbec_pack_digest(pa)), CBEC_OK);
    cbec_pack *p2 = NULL;
    ck_assert_int_eq(cbec_pack_load_buffer(&p2, b, strlen(b), "b", NULL, o, NULL), CBEC_OK);
    cbec_pack_free(p2);
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_buffer(&p2, c, strlen(c), "c", NULL, o, &err), CBEC_EDIGEST);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "pinned"));
    cbec_error_free(err);
    ck_assert_int_eq(cbec_options_pin_digest(o, "D@1.0.0", "abc"), CBEC_EINVAL);
    cbec_options_free(o);
    cbec_pack_free(pa);
    cbec_pack_free(pb);
    cbec_pack_free(pc);
}
END_TEST

START_TEST(test_semver_ranges)
{
    ck_assert(cbec__semver_satisfies("1.4.2", "^1"));
    ck_assert(cbec__semver_satisfies("1.4.2", "^1.2"));
    ck_assert(!cbec__semver_satisfies("2.0.0", "^1"));
    ck_assert(!cbec__semver_satisfies("1.1.9", "^1.2"));
    ck_assert(cbec__semver_satisfies("0.2.5", "^0.2"));
    ck_assert(!cbec__semver_satisfies("0.3.0", "^0.2"));
    ck_assert(cbec__semver_satisfies("1.2.9", "~1.2.3"));
    ck_assert(!cbec__semver_satisfies("1.3.0", "~1.2.3"));
    ck_assert(cbec__semver_satisfies("1.5.0", ">=1.0.0 <2.0.0"));
    ck_assert(!cbec__semver_satisfies("2.0.0", ">=1.0.0 <2.0.0"));
    ck_assert(cbec__semver_satisfies("3.1.4", "*"));
    ck_assert(cbec__semver_satisfies("1.2.3", "1.2.3"));
    ck_assert(!cbec__semver_satisfies("1.2.4-rc.1", "^1"));
    ck_assert(!cbec__semver_range_valid("^x"));
    ck_assert(!cbec__semver_range_valid(""));
    ck_assert_int_lt(cbec__semver_cmp("1.0.0-rc.1", "1.0.0"), 0);
    ck_assert_int_lt(cbec__semver_cmp("1.0.0-alpha", "1.0.0-alpha.1"), 0);
    ck_assert_int_lt(cbec__semver_cmp("1.0.0-alpha.2", "1.0.0-alpha.10"), 0);
    ck_assert_int_lt(cbec__semver_cmp("1.9.0", "1.10.0"), 0);
}
END_TEST

START_TEST(test_reload_replaces_packs_atomically)
{
    cbec_registry *r;
    cbec_registry_new(&r);
    const char *paths[] = {CBEC_TEST_SOURCE_DIR "/packs"};
    ck_assert_int_eq(cbec_registry_reload(r, paths, 1, NULL, NULL), CBEC_OK);
    size_t n = cbec_registry_pack_count(r);
    ck_assert_uint_ge(n, 3);
    const char *bad[] = {CBEC_TEST_SOURCE_DIR "/packs", "/nonexistent"};
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_reload(r, bad, 2, NULL, &err), CBEC_EIO);
    cbec_error_free(err);
    ck_assert_uint_eq(cbec_registry_pack_count(r), n); /* unchanged */
    ck_assert_int_eq(cbec_registry_reload(r, NULL, 0, NULL, NULL), CBEC_OK);
    ck_assert_uint_eq(cbec_registry_pack_count(r), 0);
    cbec_registry_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("layering");
    TCase *tc = tcase_create("layering");
    tcase_add_test(tc, test_layering_derived_may_tighten);
    tcase_add_test(tc, test_layering_conflicts_are_load_errors_naming_both_sides);
    tcase_add_test(tc, test_layering_waiver_softens_until_it_expires);
    tcase_add_test(tc, test_layering_missing_base_and_cycles);
    tcase_add_test(tc, test_layering_cycle_detected_when_loaded_together);
    tcase_add_test(tc, test_registry_picks_version_in_force);
    tcase_add_test(tc, test_registry_rejects_overlapping_active_versions);
    tcase_add_test(tc, test_digest_is_canonical_and_pinnable);
    tcase_add_test(tc, test_semver_ranges);
    tcase_add_test(tc, test_reload_replaces_packs_atomically);
    suite_add_tcase(s, tc);
    return test_run(s);
}
