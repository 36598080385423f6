/* test-validate-report.c - validation through the public API: verdicts,
 * finding locations, languages, rendering, limits and malformed input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "test-run.h"

static cbec_registry *reg;
static cbec_validator *val;
static char *order;
static size_t order_len;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void setup(void)
{
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_load_path(reg, CBEC_TEST_SOURCE_DIR "/packs", NULL, &err), CBEC_OK);
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
    order = slurp(CBEC_TEST_SOURCE_DIR "/examples/order.json", &order_len);
}

static void teardown(void)
{
    cbec_validator_free(val);
    cbec_registry_free(reg);
    free(order);
}

/* The order example with one substring replaced. */
static char *mutate(const char *from, const char *to)
{
    const char *at = strstr(order, from);
    ck_assert_ptr_nonnull(at);
    size_t pre = (size_t)(at - order), fl = strlen(from), tl = strlen(to);
    char *m = malloc(order_len - fl + tl + 1);
    memcpy(m, order, pre);
    memcpy(m + pre, to, tl);
    strcpy(m + pre + tl, at + fl);
    return m;
}

static cbec_report *check_text(const char *text)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_AUTO, text, strlen(text), &r), CBEC_OK);
    return r;
}

static size_t find(const cbec_report *r, const char *rule)
{
    for (size_t i = 0; i < cbec_report_count(r); i++)
        if (strcmp(cbec_finding_rule(r, i), rule) == 0)
            return i;
    ck_abort_msg("no finding of rule %s", rule);
    return 0;
}

START_TEST(test_validate_example_order_is_valid)
{
    cbec_report *r = check_text(order);
    ck_assert_int_eq(cbec_report_valid(r), 1);
    ck_assert_uint_eq(cbec_report_count(r), 0);
    ck_assert_str_eq(cbec_report_message_type(r), "order");
    ck_assert_int_eq(cbec_report_format(r), CBEC_FORMAT_JSON);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_validate_wrong_pattern_points_at_field)
{
    char *m = mutate("\"tradeMode\": \"9610\"", "\"tradeMode\": \"9999\"");
    cbec_report *r = check_text(m);
    ck_assert_int_eq(cbec_report_valid(r), 0);
    ck_assert_uint_eq(cbec_report_count(r), 1);
    size_t i = find(r, "ORD-003");
    ck_assert_str_eq(cbec_finding_path(r, i), "/tradeMode");
    ck_assert_uint_eq(cbec_finding_line(r, i), 6);
    ck_assert_uint_eq(cbec_finding_column(r, i), 16);
    ck_assert_int_eq(cbec_finding_severity(r, i), CBEC_SEVERITY_ERROR);
    ck_assert_str_eq(cbec_finding_pack(r, i), "CBEC-ORDER@1.0.0");
    ck_assert_str_eq(cbec_finding_ref(r, i), "CEB 2022-05 CEB311 OrderHead");
    ck_assert_str_eq(cbec_finding_message(r, i, "en"),
                     "trade mode \"9999\" is not a customs trade mode for cross-border e-commerce");
    ck_assert_str_eq(cbec_finding_message(r, i, "zh-CN"), "监管方式 “9999” 不是跨境电商海关监管方式");
    /* unknown languages fall back to English */
    ck_assert_str_eq(cbec_finding_message(r, i, "fr"),
                     "trade mode \"9999\" is not a customs trade mode for cross-border e-commerce");
    cbec_report_free(r);
    free(m);
}
END_TEST

START_TEST(test_validate_missing_required_points_at_holder)
{
    char *m = mutate("\"orderNo\": \"CBO20261127000123\",", "");
    cbec_report *r = check_text(m);
    size_t i = find(r, "ORD-001");
    ck_assert_str_eq(cbec_finding_path(r, i), "");
    ck_assert_uint_eq(cbec_finding_line(r, i), 1);
    cbec_report_free(r);
    free(m);
    m = mutate("\"sku\": \"JP-TEA-100\",\n      \"gtin\": \"4901234567894\",\n      \"hsCode\": \"0902109000\",", "\"sku\": \"JP-TEA-100\",");
    r = check_text(m);
    i = find(r, "ORD-024");
    ck_assert_str_eq(cbec_finding_path(r, i), "/items/1");
    ck_assert_str_eq(cbec_finding_message(r, i, "en"),
                     "HS code \"\" must have 6, 8 or 10 digits of a real HS chapter: the field hsCode is missing");
    cbec_report_free(r);
    free(m);
}
END_TEST

START_TEST(test_validate_bad_type_is_one_finding)
{
    char *m = mutate("\"goodsValue\": \"388.50\"", "\"goodsValue\": 388.50");
    cbec_report *r = check_text(m);
    ck_assert_uint_eq(cbec_report_count(r), 1);
    size_t i = find(r, "ORD-015");
    ck_assert_str_eq(cbec_finding_path(r, i), "/goodsValue");
    ck_assert_uint_eq(cbec_finding_line(r, i), 50);
    cbec_report_free(r);
    free(m);
}
END_TEST

START_TEST(test_validate_findings_in_wildcard_items)
{
    char *m = mutate("\"hsCode\": \"0902109000\"", "\"hsCode\": \"09021\"");
    cbec_report *r = check_text(m);
    size_t i = find(r, "ORD-024");
    ck_assert_str_eq(cbec_finding_path(r, i), "/items/1/hsCode");
    ck_assert_uint_eq(cbec_finding_line(r, i), 75);
    cbec_report_free(r);
    free(m);
}
END_TEST

START_TEST(test_validate_renders_json_and_text)
{
    char *m = mutate("\"currency\": \"CNY\"", "\"currency\": \"cny\"");
    cbec_report *r = check_text(m);
    ck_assert_int_eq(cbec_report_set_source(r, "o.json", 3), CBEC_OK);
    const char *out;
    size_t len;
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_JSON, "en", &out, &len), CBEC_OK);
    ck_assert_uint_eq(strlen(out), len);
    ck_assert_ptr_nonnull(strstr(out, "{\"source\":\"o.json\",\"index\":3,\"type\":\"order\",\"valid\":false,\"findings\":[{\"rule\":\"ORD-014\",\"severity\":\"error\",\"path\":\"/currency\",\"line\":49"));
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_TEXT, "zh-CN", &out, &len), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "o.json#3:49:15: error [ORD-014] /currency: 币制 “cny” 应为 ISO 4217 三位字母代码"));
    ck_assert_ptr_nonnull(strstr(out, "无效"));
    ck_assert_int_eq(cbec_report_render(r, 99, "en", &out, &len), CBEC_EINVAL);
    cbec_report_free(r);
    free(m);
}
END_TEST

START_TEST(test_validate_malformed_message_is_a_finding)
{
    const char *bad[] = {"", "{", "{\"messageType\": \"order\",}", "[1] [2]", "{\"a\": \"\xff\"}", "\"\\ud800\""};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cbec_report *r = NULL;
        ck_assert_int_eq(cbec_validate(val, reg, "order", CBEC_FORMAT_JSON, bad[k], strlen(bad[k]), &r), CBEC_OK);
        ck_assert_msg(!cbec_report_valid(r), "valid: %s", bad[k]);
        ck_assert_uint_eq(cbec_report_count(r), 1);
        ck_assert_int_eq(cbec_finding_severity(r, 0), CBEC_SEVERITY_ERROR);
        cbec_report_free(r);
    }
}
END_TEST

START_TEST(test_validate_unknown_type)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, "nope", CBEC_FORMAT_JSON, "{}", 2, &r), CBEC_ENOTFOUND);
    ck_assert_ptr_null(r);
    r = check_text("{\"messageType\": \"nope\"}");
    ck_assert_int_eq(cbec_report_valid(r), 0);
    ck_assert_str_eq(cbec_finding_rule(r, 0), "CBEC-TYPE");
    ck_assert_str_eq(cbec_report_message_type(r), "");
    cbec_report_free(r);
}
END_TEST

START_TEST(test_validate_findings_limit_truncates)
{
    /* 99 lines each missing everything: far more findings than the limit */
    char *big = malloc(10000);
    strcpy(big, "{\"messageType\": \"order\", \"items\": [");
    for (int i = 0; i < 99; i++)
        strcat(big, i ? ",{}" : "{}");
    strcat(big, "]}");
    ck_assert_int_eq(cbec_validator_set_limit(val, CBEC_LIMIT_FINDINGS, 10), CBEC_OK);
    cbec_report *r = check_text(big);
    ck_assert_uint_eq(cbec_report_count(r), 10);
    ck_assert_int_eq(cbec_report_truncated(r), 1);
    ck_assert_uint_gt(cbec_report_count_severity(r, CBEC_SEVERITY_ERROR), 10);
    const char *out;
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_JSON, NULL, &out, NULL), CBEC_OK);
    ck_assert_ptr_nonnull(strstr(out, "\"truncated\":true"));
    cbec_report_free(r);
    free(big);
}
END_TEST

START_TEST(test_validate_limits_and_arguments)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validator_set_limit(val, CBEC_LIMIT_MESSAGE_BYTES, 100), CBEC_OK);
    r = check_text(order);
    ck_assert_str_eq(cbec_finding_rule(r, 0), "CBEC-LIMIT-SIZE");
    cbec_report_free(r);
    ck_assert_int_eq(cbec_validator_set_limit(val, CBEC_LIMIT_DEPTH, 100000), CBEC_ELIMIT);
    ck_assert_int_eq(cbec_validator_set_limit(val, 77, 1), CBEC_EINVAL);
    ck_assert_int_eq(cbec_validate(val, reg, NULL, (cbec_format)42, "{}", 2, &r), CBEC_EINVAL);
    ck_assert_int_eq(cbec_validate(NULL, reg, NULL, CBEC_FORMAT_JSON, "{}", 2, &r), CBEC_EINVAL);
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_JSON, "{}", 2, NULL), CBEC_EINVAL);
    cbec_report_free(NULL);
    cbec_validator_free(NULL);
    cbec_registry_free(NULL);
    cbec_pack_free(NULL);
    cbec_error_free(NULL);
}
END_TEST

START_TEST(test_validator_is_reusable_across_types)
{
    size_t plen, llen;
    char *pay = slurp(CBEC_TEST_SOURCE_DIR "/examples/payment.json", &plen);
    char *log = slurp(CBEC_TEST_SOURCE_DIR "/examples/logistics-status.json", &llen);
    for (int k = 0; k < 50; k++) {
        cbec_report *r = check_text(k % 3 == 0 ? order : k % 3 == 1 ? pay : log);
        ck_assert_int_eq(cbec_report_valid(r), 1);
        cbec_report_free(r);
    }
    free(pay);
    free(log);
}
END_TEST

/* Detection: the one type whose detector recognises the message, a
 * finding naming both when two differently named types do; a type named
 * by the caller is picked among all the loaded packs' types. */
static cbec_pack *detect_pack(const char *id, const char *types)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"cbecstd_pack\": 1, \"id\": \"%s\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\","
             " \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"}, \"messages\": {%s}}",
             id, types);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, text, strlen(text), "detect.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "%s", err ? cbec_error_message(err) : cbec_strerror(st));
    return p;
}

START_TEST(test_validate_detection_picks_one_type_or_names_two)
{
    const char *ta = "\"a\": {\"json\": {\"detect\": {\"path\": \"/k\", \"equals\": \"x\"}},"
                     " \"rules\": [{\"id\": \"A-1\", \"path\": \"/n\", \"required\": true}]},"
                     "\"c\": {\"json\": {\"detect\": {\"path\": \"/k\", \"equals\": \"y\"}},"
                     " \"rules\": [{\"id\": \"C-1\", \"path\": \"/m\", \"required\": true}]}";
    const char *tb = "\"b\": {\"json\": {\"detect\": {\"path\": \"/k\", \"equals\": \"x\"}},"
                     " \"rules\": [{\"id\": \"B-1\", \"path\": \"/n\", \"required\": true}]}";
    cbec_pack *pa = detect_pack("T-A", ta), *pb = detect_pack("T-B", tb);
    cbec_registry *r2 = NULL;
    ck_assert_int_eq(cbec_registry_new(&r2), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r2, pa, NULL), CBEC_OK);
    cbec_report *r = NULL;
    /* one pack: detected, and the other type of the same pack is apart */
    ck_assert_int_eq(cbec_validate(val, r2, NULL, CBEC_FORMAT_JSON, "{\"k\": \"y\"}", 10, &r), CBEC_OK);
    ck_assert_str_eq(cbec_report_message_type(r), "c");
    ck_assert_str_eq(cbec_finding_rule(r, 0), "C-1");
    cbec_report_free(r);
    ck_assert_int_eq(cbec_registry_add(r2, pb, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_validate(val, r2, NULL, CBEC_FORMAT_JSON, "{\"k\": \"x\"}", 10, &r), CBEC_OK);
    ck_assert_int_eq(cbec_report_valid(r), 0);
    ck_assert_str_eq(cbec_finding_rule(r, 0), "CBEC-TYPE");
    const char *m = cbec_finding_message(r, 0, "en");
    ck_assert_msg(strstr(m, "more than one message type (a, b)"), "%s", m);
    cbec_report_free(r);
    /* named: each of the two */
    ck_assert_int_eq(cbec_validate(val, r2, "b", CBEC_FORMAT_JSON, "{\"k\": \"x\"}", 10, &r), CBEC_OK);
    ck_assert_str_eq(cbec_report_message_type(r), "b");
    ck_assert_str_eq(cbec_finding_rule(r, 0), "B-1");
    cbec_report_free(r);
    ck_assert_int_eq(cbec_validate(val, r2, "a", CBEC_FORMAT_JSON, "{\"k\": \"x\"}", 10, &r), CBEC_OK);
    ck_assert_str_eq(cbec_finding_rule(r, 0), "A-1");
    cbec_report_free(r);
    ck_assert_int_eq(cbec_validate(val, r2, "z", CBEC_FORMAT_JSON, "{\"k\": \"x\"}", 10, &r), CBEC_ENOTFOUND);
    cbec_registry_free(r2);
    cbec_pack_free(pa);
    cbec_pack_free(pb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("validate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_validate_example_order_is_valid);
    tcase_add_test(tc, test_validate_wrong_pattern_points_at_field);
    tcase_add_test(tc, test_validate_missing_required_points_at_holder);
    tcase_add_test(tc, test_validate_bad_type_is_one_finding);
    tcase_add_test(tc, test_validate_findings_in_wildcard_items);
    tcase_add_test(tc, test_validate_renders_json_and_text);
    tcase_add_test(tc, test_validate_malformed_message_is_a_finding);
    tcase_add_test(tc, test_validate_unknown_type);
    tcase_add_test(tc, test_validate_findings_limit_truncates);
    tcase_add_test(tc, test_validate_limits_and_arguments);
    tcase_add_test(tc, test_validator_is_reusable_across_types);
    tcase_add_test(tc, test_validate_detection_picks_one_type_or_names_two);
    suite_add_tcase(s, tc);
    return test_run(s);
}
