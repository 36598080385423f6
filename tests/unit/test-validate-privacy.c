/* test-validate-privacy.c - personal data: masks, classification (specific
 * entries, layering), masking in findings and every rendering, screening
 * of other finding texts, cbec_redact and the transfer rule. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "pack/privacy.h"
#include "test-run.h"

#define ID "110105199003071239"
#define PHONE "+8613812345678"

static const char pack_json[] =
    "{\"cbecstd_pack\":1,\"id\":\"PRIV\",\"version\":\"1.0.0\",\"status\":\"active\",\"module\":\"compliance\","
    "\"title\":{\"zh-CN\":\"个人信息\",\"en\":\"privacy\"},\"messages\":{\"order\":{"
    "\"json\":{\"detect\":{\"path\":\"/messageType\",\"equals\":\"order\"}},"
    "\"classification\":{\"/buyer/idNumber\":\"sensitive-personal\",\"/buyer/*\":\"personal\","
    "\"/consignee\":\"personal\",\"/consignee/address/country\":\"public\",\"/notes\":\"internal\","
    "\"/items/*/note\":\"personal\"},"
    "\"rules\":["
    "{\"id\":\"P-ID\",\"path\":\"/buyer/idNumber\",\"maxLength\":5},"
    "{\"id\":\"P-PHONE\",\"path\":\"/buyer/phone\",\"pattern\":\"^x$\"},"
    "{\"id\":\"P-COUNTRY\",\"path\":\"/consignee/address/country\",\"maxLength\":1},"
    "{\"id\":\"P-NOTE\",\"path\":\"/notes\",\"maxLength\":1},"
    "{\"id\":\"P-COPY\",\"path\":\"/orderNo\",\"enum\":[\"A\"]},"
    "{\"id\":\"P-LOGIC\",\"path\":\"/buyer\",\"logic\":{\"assert\":{\"==\":[{\"var\":\"$value.phone\"},\"x\"]}},"
    "\"message\":{\"en\":\"phone {reason}\",\"zh-CN\":\"电话 {reason}\"}},"
    "{\"id\":\"P-OUT\",\"path\":\"\",\"transfer\":{\"destination\":\"/destinationCountry\",\"allowed\":[\"CN\",\"HK\"]}},"
    "{\"id\":\"P-OUT2\",\"path\":\"/consignee\",\"transfer\":{\"destination\":\"/destinationCountry\","
    "\"allowed\":[\"CN\"],\"protect\":\"personal\",\"whenMissing\":\"allow\"}}"
    "]}}}";

/* A pack extending PRIV that tries to make the ID number public. */
static const char derived_json[] =
    "{\"cbecstd_pack\":1,\"id\":\"PRIV-X\",\"version\":\"1.0.0\",\"status\":\"active\",\"module\":\"compliance\","
    "\"title\":{\"zh-CN\":\"派生\",\"en\":\"derived\"},\"extends\":[{\"id\":\"PRIV\",\"version\":\"^1\"}],"
    "\"messages\":{\"order\":{\"classification\":{\"/buyer/idNumber\":\"public\",\"/seller/contact\":\"personal\"},"
    "\"rules\":[{\"id\":\"X-CONTACT\",\"path\":\"/seller/contact\",\"maxLength\":1}]}}}";

static const char message[] =
    "{\"messageType\":\"order\",\"orderNo\":\"" ID "\",\"destinationCountry\":\"CN\","
    "\"buyer\":{\"name\":\"张伟\",\"idNumber\":\"" ID "\",\"phone\":\"" PHONE "\",\"email\":\"zhang.wei@example.cn\"},"
    "\"consignee\":{\"name\":\"李四\",\"address\":{\"country\":\"CN\",\"line1\":\"文三路100号\"}},"
    "\"seller\":{\"contact\":\"王五六\"},\"notes\":\"internal note\",\"items\":[{\"note\":\"gift for 张伟\"},7]}";

static cbec_registry *reg;
static cbec_validator *val;

static cbec_pack *load(const char *json)
{
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, json, strlen(json), "priv.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "%s", err ? cbec_error_message(err) : cbec_strerror(st));
    return p;
}

static void setup(void)
{
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    cbec_pack *p = load(pack_json);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_pack_free(p);
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
}

static void teardown(void)
{
    cbec_validator_free(val);
    cbec_registry_free(reg);
}

static const char *mask(const char *s, int cls, cbec_buf *b)
{
    cbec__buf_reset(b);
    cbec__privacy_mask(b, s, strlen(s), cls);
    return cbec__buf_cstr(b);
}

START_TEST(test_privacy_masks_values_by_shape)
{
    cbec_buf b;
    cbec__buf_init(&b);
    ck_assert_str_eq(mask(ID, CBEC_CLASS_SENSITIVE, &b), "1101**********1239");
    ck_assert_str_eq(mask(PHONE, CBEC_CLASS_PERSONAL, &b), "+86138****5678");
    ck_assert_str_eq(mask("13812345678", CBEC_CLASS_PERSONAL, &b), "138****5678");
    ck_assert_str_eq(mask("zhang.wei@example.cn", CBEC_CLASS_PERSONAL, &b), "z***@example.cn");
    ck_assert_str_eq(mask("zhang.wei@example.cn", CBEC_CLASS_SENSITIVE, &b), "z***@***");
    ck_assert_str_eq(mask("张伟", CBEC_CLASS_PERSONAL, &b), "张*");
    ck_assert_str_eq(mask("文三路100号", CBEC_CLASS_PERSONAL, &b), "文*****号");
    ck_assert_str_eq(mask("文三路100号", CBEC_CLASS_SENSITIVE, &b), "***");
    ck_assert_str_eq(mask("AB", CBEC_CLASS_PERSONAL, &b), "***");
    ck_assert_str_eq(mask("ABCDE", CBEC_CLASS_PERSONAL, &b), "A***E");
    ck_assert_str_eq(mask("", CBEC_CLASS_PERSONAL, &b), "***");
    /* long free text does not show its length */
    ck_assert_str_eq(mask("a very long delivery instruction", CBEC_CLASS_PERSONAL, &b), "a********n");
    /* a cut UTF-8 sequence never splits the output into invalid text */
    ck_assert_str_eq(mask("ab\xe4\xb8", CBEC_CLASS_PERSONAL, &b), "a***");
    cbec__buf_free(&b);
}
END_TEST

START_TEST(test_privacy_every_mask_is_recognised_as_masked)
{
    static const char *const values[] = {ID, PHONE, "13812345678", "zhang.wei@example.cn", "张伟", "文三路100号", "A",
                                         "AB", "ABCD", "ABCDEFG", "ABCDEFGH", "+49301234", "x@y", "李", "1234567890123"};
    cbec_buf b;
    cbec__buf_init(&b);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        for (int cls = CBEC_CLASS_PERSONAL; cls <= CBEC_CLASS_SENSITIVE; cls++) {
            const char *m = mask(values[i], cls, &b);
            ck_assert_msg(cbec__privacy_is_masked(m, strlen(m)), "%s -> %s", values[i], m);
            if (strlen(values[i]) >= 4)
                ck_assert_msg(strcmp(m, values[i]) != 0, "%s unchanged", values[i]);
        }
    ck_assert(!cbec__privacy_is_masked(ID, strlen(ID)));
    ck_assert(!cbec__privacy_is_masked("a*b*c*d*e*f", 11));
    ck_assert(cbec__privacy_is_masked("622588******7898", 16));
    cbec__buf_free(&b);
}
END_TEST

static int finding_index(cbec_report *r, const char *rule)
{
    for (size_t i = 0; i < cbec_report_count(r); i++)
        if (strcmp(cbec_finding_rule(r, i), rule) == 0)
            return (int)i;
    return -1;
}

static cbec_report *validate(const char *msg)
{
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_JSON, msg, strlen(msg), &r), CBEC_OK);
    return r;
}

START_TEST(test_privacy_findings_never_show_a_raw_personal_value)
{
    cbec_report *r = validate(message);
    static const char *const langs[] = {"en", "zh-CN"};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < cbec_report_count(r); i++) {
            const char *m = cbec_finding_message(r, i, langs[l]);
            ck_assert_ptr_nonnull(m);
            ck_assert_msg(!strstr(m, ID) && !strstr(m, "13812345678"), "%s", m);
            ck_assert_msg(!strstr(cbec_finding_expected(r, i), ID), "%s", cbec_finding_expected(r, i));
        }
        for (int f = CBEC_RENDER_TEXT; f <= CBEC_RENDER_JSON; f++) {
            const char *out;
            ck_assert_int_eq(cbec_report_render(r, (cbec_render_format)f, langs[l], &out, NULL), CBEC_OK);
            ck_assert_msg(!strstr(out, ID) && !strstr(out, "13812345678") && !strstr(out, "张伟"), "%s", out);
        }
    }
    int i = finding_index(r, "P-ID");
    ck_assert_int_ge(i, 0);
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, (size_t)i, "en"), "1101**********1239"));
    i = finding_index(r, "P-PHONE");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, (size_t)i, "en"), "+86138****5678"));
    /* a public field inside a personal object, and an internal field, show their values */
    i = finding_index(r, "P-COUNTRY");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, (size_t)i, "en"), "\"CN\""));
    i = finding_index(r, "P-NOTE");
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, (size_t)i, "en"), "internal note"));
    /* an unclassified field holding a copy of the ID, and a logic reason
     * quoting the phone: screened after the rules ran */
    i = finding_index(r, "P-COPY");
    ck_assert_int_ge(i, 0);
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, (size_t)i, "en"), "1101**********1239"));
    i = finding_index(r, "P-LOGIC");
    ck_assert_int_ge(i, 0);
    /* destination CN is allowed: no transfer finding */
    ck_assert_int_lt(finding_index(r, "P-OUT"), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_privacy_transfer_outside_the_allowed_countries)
{
    char msg[sizeof message + 8];
    const char *at = strstr(message, "\"destinationCountry\":\"CN\"");
    size_t pre = (size_t)(at - message);
    memcpy(msg, message, pre);
    strcpy(msg + pre, "\"destinationCountry\":\"US\"");
    strcat(msg, at + strlen("\"destinationCountry\":\"CN\""));
    cbec_report *r = validate(msg);
    size_t out = 0, out2 = 0;
    for (size_t i = 0; i < cbec_report_count(r); i++) {
        if (!strcmp(cbec_finding_rule(r, i), "P-OUT")) {
            out++;
            /* only the sensitive ID, at its own place, masked */
            ck_assert_str_eq(cbec_finding_path(r, i), "/buyer/idNumber");
            ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, i, "en"), "1101**********1239"));
            ck_assert_ptr_nonnull(strstr(cbec_finding_message(r, i, "en"), "US"));
        }
        if (!strcmp(cbec_finding_rule(r, i), "P-OUT2")) {
            out2++;
            ck_assert_ptr_nonnull(strstr(cbec_finding_path(r, i), "/consignee/"));
            ck_assert_str_ne(cbec_finding_path(r, i), "/consignee/address/country");
        }
    }
    ck_assert_uint_eq(out, 1);
    ck_assert_uint_eq(out2, 2); /* name and address line; the country is public */
    cbec_report_free(r);
    /* masked values may leave; no destination is leaving (P-OUT), or
     * allowed (P-OUT2 says whenMissing: allow) */
    r = validate("{\"messageType\":\"order\",\"buyer\":{\"idNumber\":\"1101**********1239\"},"
                 "\"consignee\":{\"name\":\"李四\"}}");
    ck_assert_int_lt(finding_index(r, "P-OUT"), 0);
    ck_assert_int_lt(finding_index(r, "P-OUT2"), 0);
    cbec_report_free(r);
    r = validate("{\"messageType\":\"order\",\"buyer\":{\"idNumber\":\"" ID "\"}}");
    ck_assert_int_ge(finding_index(r, "P-OUT"), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_privacy_layering_cannot_loosen_a_classification)
{
    cbec_pack *base = load(pack_json), *derived = load(derived_json);
    cbec_registry *r2 = NULL;
    ck_assert_int_eq(cbec_registry_new(&r2), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r2, base, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r2, derived, NULL), CBEC_OK);
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, r2, "order", CBEC_FORMAT_JSON, message, strlen(message), &r), CBEC_OK);
    const char *out;
    ck_assert_int_eq(cbec_report_render(r, CBEC_RENDER_JSON, "en", &out, NULL), CBEC_OK);
    ck_assert_msg(!strstr(out, ID), "%s", out);
    /* the derived pack's own classification applies too */
    ck_assert_msg(!strstr(out, "王五六") && strstr(out, "王*六"), "%s", out);
    cbec_report_free(r);
    cbec_registry_free(r2);
    cbec_pack_free(base);
    cbec_pack_free(derived);
}
END_TEST

START_TEST(test_privacy_redact_masks_or_removes)
{
    cbec_redaction *red = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_AUTO, message, strlen(message), 0, &red, &err), CBEC_OK);
    size_t len;
    const char *out = cbec_redaction_data(red, &len);
    ck_assert_uint_eq(strlen(out), len);
    ck_assert_str_eq(cbec_redaction_message_type(red), "order");
    ck_assert_msg(!strstr(out, "\"idNumber\":\"" ID) && !strstr(out, PHONE) && !strstr(out, "张伟"), "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\"idNumber\":\"1101**********1239\""));
    ck_assert_ptr_nonnull(strstr(out, "\"phone\":\"+86138****5678\""));
    ck_assert_ptr_nonnull(strstr(out, "\"country\":\"CN\""));
    ck_assert_ptr_nonnull(strstr(out, "\"notes\":\"internal note\""));
    ck_assert_ptr_nonnull(strstr(out, "\"items\":[{\"note\":\"g********伟\"},7]"));
    /* a copy of the ID in an unclassified field is masked too */
    ck_assert_ptr_nonnull(strstr(out, "\"orderNo\":\"1101**********1239\""));
    ck_assert_ptr_null(strstr(out, ID));
    ck_assert_uint_eq(cbec_redaction_count(red), 8);
    cbec_redaction_free(red);

    ck_assert_int_eq(cbec_redact(val, reg, "order", CBEC_FORMAT_JSON, message, strlen(message),
                                 CBEC_REDACT_REMOVE | CBEC_REDACT_INTERNAL, &red, &err), CBEC_OK);
    out = cbec_redaction_data(red, NULL);
    ck_assert_msg(strstr(out, "\"buyer\":{}") && strstr(out, "\"address\":{\"country\":\"CN\"}") &&
                      !strstr(out, "notes") && strstr(out, "\"items\":[{},7]"),
                  "%s", out);
    cbec_redaction_free(red);

    /* a copy in an array keeps the positions of the items */
    const char *arr = "{\"messageType\":\"order\",\"buyer\":{\"idNumber\":\"" ID "\"},\"items\":[{\"note\":\"abc\"}]}";
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_JSON, arr, strlen(arr), 0, &red, NULL), CBEC_OK);
    ck_assert_str_eq(cbec_redaction_data(red, NULL),
                     "{\"messageType\":\"order\",\"buyer\":{\"idNumber\":\"1101**********1239\"},\"items\":[{\"note\":\"***\"}]}");
    cbec_redaction_free(red);
}
END_TEST

START_TEST(test_privacy_redact_errors)
{
    cbec_redaction *red = (cbec_redaction *)1;
    cbec_error *err = NULL;
    const char *bad = "{\"messageType\":\"order\",\"buyer\":{\"idNumber\":\"" ID "\"";
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_JSON, bad, strlen(bad), 0, &red, &err), CBEC_EINVAL);
    ck_assert_ptr_null(red);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(!strstr(cbec_error_message(err), ID), "%s", cbec_error_message(err));
    cbec_error_free(err);
    err = NULL;
    const char *untyped = "{\"messageType\":\"nothing\"}";
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_JSON, untyped, strlen(untyped), 0, &red, &err),
                     CBEC_ENOTFOUND);
    cbec_error_free(err);
    ck_assert_int_eq(cbec_redact(val, reg, "nosuchtype", CBEC_FORMAT_JSON, "{}", 2, 0, &red, NULL), CBEC_ENOTFOUND);
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_JSON, "{}", 2, 64, &red, NULL), CBEC_EINVAL);
    ck_assert_int_eq(cbec_redact(NULL, reg, NULL, CBEC_FORMAT_JSON, "{}", 2, 0, &red, NULL), CBEC_EINVAL);
    ck_assert_int_eq(cbec_redact(val, reg, NULL, CBEC_FORMAT_JSON, "{}", 2, 0, NULL, NULL), CBEC_EINVAL);
    ck_assert_str_eq(cbec_redaction_data(NULL, NULL), "");
    ck_assert_uint_eq(cbec_redaction_count(NULL), 0);
    cbec_redaction_free(NULL);
}
END_TEST

START_TEST(test_privacy_bad_classifications_are_pack_errors)
{
    static const char *const bad[] = {
        "{\"/a\":\"secret\"}", "{\"/a\":1}", "[\"/a\"]", "{\"a\":\"personal\"}", "{\"/a~2\":\"personal\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"cbecstd_pack\":1,\"id\":\"B\",\"version\":\"1.0.0\",\"status\":\"active\",\"module\":\"compliance\","
                 "\"title\":{\"zh-CN\":\"乙\",\"en\":\"B\"},\"messages\":{\"m\":{\"classification\":%s}}}",
                 bad[i]);
        cbec_pack *p = NULL;
        cbec_error *err = NULL;
        ck_assert_int_eq(cbec_pack_load_buffer(&p, json, strlen(json), "b.pack.json", NULL, NULL, &err), CBEC_EPACK);
        ck_assert_ptr_nonnull(strstr(cbec_error_path(err), "/messages/m/classification"));
        cbec_error_free(err);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("privacy");
    TCase *tc = tcase_create("privacy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_privacy_masks_values_by_shape);
    tcase_add_test(tc, test_privacy_every_mask_is_recognised_as_masked);
    tcase_add_test(tc, test_privacy_findings_never_show_a_raw_personal_value);
    tcase_add_test(tc, test_privacy_transfer_outside_the_allowed_countries);
    tcase_add_test(tc, test_privacy_layering_cannot_loosen_a_classification);
    tcase_add_test(tc, test_privacy_redact_masks_or_removes);
    tcase_add_test(tc, test_privacy_redact_errors);
    tcase_add_test(tc, test_privacy_bad_classifications_are_pack_errors);
    suite_add_tcase(s, tc);
    return test_run(s);
}
