/* test-core-datetime.c - ISO 8601 / RFC 3339 parsing, instants across
 * offsets, calendar arithmetic, durations and UTC formatting. */
#include "core/datetime.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int k = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (k < 0)
            return false;
        p++;
        for (; k > 0; k--, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

static cbec_datetime parse_ok(const char *s, cbec_dt_form form, bool require_offset)
{
    cbec_datetime d;
    char en[128], zh[128];
    ck_assert_msg(cbec__dt_parse(s, strlen(s), form, require_offset, &d, en, zh), "'%s' rejected: %s", s, en);
    ck_assert_str_eq(en, "");
    ck_assert_str_eq(zh, "");
    return d;
}

/* Rejected, with both reasons present, valid UTF-8 and containing
 * en_part / zh_part when given. */
static void parse_fail(const char *s, cbec_dt_form form, bool require_offset, const char *en_part,
                       const char *zh_part)
{
    cbec_datetime d;
    char en[128], zh[128];
    ck_assert_msg(!cbec__dt_parse(s, strlen(s), form, require_offset, &d, en, zh), "'%s' accepted", s);
    ck_assert_msg(en[0] && zh[0], "'%s': empty reason", s);
    ck_assert_msg(utf8_valid(en) && utf8_valid(zh), "'%s': reason not UTF-8", s);
    if (en_part)
        ck_assert_msg(strstr(en, en_part) != NULL, "'%s': \"%s\" lacks \"%s\"", s, en, en_part);
    if (zh_part)
        ck_assert_msg(strstr(zh, zh_part) != NULL, "'%s': \"%s\" lacks \"%s\"", s, zh, zh_part);
}

static void parse_reasons(const char *s, cbec_dt_form form, bool require_offset, char en[128], char zh[128])
{
    ck_assert_msg(!cbec__dt_parse(s, strlen(s), form, require_offset, NULL, en, zh), "'%s' accepted", s);
}

/* ------------------------------------------------------------------ */

START_TEST(test_datetime_leap_years_follow_the_gregorian_rule)
{
    ck_assert(cbec__dt_is_leap_year(2000));
    ck_assert(!cbec__dt_is_leap_year(1900));
    ck_assert(cbec__dt_is_leap_year(2024));
    ck_assert(!cbec__dt_is_leap_year(2026));
    ck_assert(!cbec__dt_is_leap_year(2100));
    ck_assert(cbec__dt_is_leap_year(1600));
    ck_assert_int_eq(cbec__dt_days_in_month(2024, 2), 29);
    ck_assert_int_eq(cbec__dt_days_in_month(2000, 2), 29);
    ck_assert_int_eq(cbec__dt_days_in_month(1900, 2), 28);
    ck_assert_int_eq(cbec__dt_days_in_month(2026, 2), 28);
    ck_assert_int_eq(cbec__dt_days_in_month(2026, 4), 30);
    ck_assert_int_eq(cbec__dt_days_in_month(2026, 12), 31);
    ck_assert_int_eq(cbec__dt_days_in_month(2026, 0), 0);
    ck_assert_int_eq(cbec__dt_days_in_month(2026, 13), 0);
    parse_ok("2024-02-29", CBEC_DT_DATE, false);
    parse_ok("2000-02-29", CBEC_DT_DATE, false);
    parse_fail("1900-02-29", CBEC_DT_DATE, false, "day 29 does not exist in February 1900", "1900年2月没有29日");
    parse_fail("2026-02-29", CBEC_DT_DATE, false, NULL, "2026年2月没有29日");
}
END_TEST

START_TEST(test_datetime_rejects_30_february_with_both_reasons)
{
    char en[128], zh[128];
    parse_reasons("2026-02-30", CBEC_DT_DATE, false, en, zh);
    ck_assert_str_eq(en, "day 30 does not exist in February 2026");
    ck_assert_str_eq(zh, "2026年2月没有30日");
    parse_reasons("2026-02-30T10:00:00+08:00", CBEC_DT_DATETIME, true, en, zh);
    ck_assert_str_eq(en, "day 30 does not exist in February 2026");
    parse_reasons("20260230101010", CBEC_DT_COMPACT, false, en, zh);
    ck_assert_str_eq(zh, "2026年2月没有30日");
    parse_fail("2026-04-31", CBEC_DT_DATE, false, "April", "2026年4月没有31日");
}
END_TEST

START_TEST(test_datetime_days_from_civil_matches_known_dates)
{
    ck_assert_int_eq(cbec__dt_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(cbec__dt_days_from_civil(1969, 12, 31), -1);
    ck_assert_int_eq(cbec__dt_days_from_civil(2000, 3, 1), 11017);
    ck_assert_int_eq(cbec__dt_days_from_civil(2026, 11, 27), 20784);
    ck_assert_int_eq(cbec__dt_days_from_civil(0, 1, 1), -719528);
    /* Consecutive days stay consecutive across month, year and century ends. */
    int64_t prev = cbec__dt_days_from_civil(1599, 12, 31);
    for (int y = 1600; y <= 2400; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= cbec__dt_days_in_month(y, m); d++) {
                int64_t cur = cbec__dt_days_from_civil(y, m, d);
                ck_assert_msg(cur == prev + 1, "%04d-%02d-%02d", y, m, d);
                prev = cur;
            }
}
END_TEST

START_TEST(test_datetime_parses_fields_and_offsets)
{
    cbec_datetime d = parse_ok("2026-11-27T10:00:00+08:00", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(d.year, 2026);
    ck_assert_int_eq(d.month, 11);
    ck_assert_int_eq(d.day, 27);
    ck_assert_int_eq(d.hour, 10);
    ck_assert_int_eq(d.minute, 0);
    ck_assert_int_eq(d.second, 0);
    ck_assert(d.has_time && d.has_offset && !d.has_fraction);
    ck_assert_int_eq(d.offset_minutes, 480);
    d = parse_ok("2026-11-27T10:00:00-05:30", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(d.offset_minutes, -330);
    d = parse_ok("2026-11-27t02:00:00z", CBEC_DT_DATETIME, true);
    ck_assert(d.has_offset);
    ck_assert_int_eq(d.offset_minutes, 0);
    d = parse_ok("2026-11-27T10:00:00", CBEC_DT_DATETIME, false);
    ck_assert(!d.has_offset);
    d = parse_ok("2026-11-27", CBEC_DT_DATE, true);
    ck_assert(!d.has_time && !d.has_offset);
}
END_TEST

START_TEST(test_datetime_requires_an_offset_when_asked)
{
    char en[128], zh[128];
    parse_reasons("2026-11-27T10:00:00", CBEC_DT_DATETIME, true, en, zh);
    ck_assert_str_eq(en, "a UTC offset (Z or +hh:mm / -hh:mm) is required");
    ck_assert_str_eq(zh, "缺少 UTC 时差（应为 Z 或 +hh:mm / -hh:mm）");
    parse_fail("10:00:00", CBEC_DT_TIME, true, "UTC offset", NULL);
    parse_fail("2026-11-27T10:00:00+0800", CBEC_DT_DATETIME, true, "':' in the offset", NULL);
    parse_fail("2026-11-27T10:00:00+08", CBEC_DT_DATETIME, true, NULL, NULL);
    parse_fail("2026-11-27T10:00:00+24:00", CBEC_DT_DATETIME, true, "offset hour 24", NULL);
    parse_fail("2026-11-27T10:00:00+08:60", CBEC_DT_DATETIME, true, "offset minute 60", NULL);
    parse_fail("2026-11-27T10:00:00 +08:00", CBEC_DT_DATETIME, true, NULL, NULL);
    parse_fail("2026-11-27T10:00:00UTC", CBEC_DT_DATETIME, false, NULL, NULL);
}
END_TEST

START_TEST(test_datetime_compares_instants_across_offsets)
{
    cbec_datetime a = parse_ok("2026-11-27T10:00:00+08:00", CBEC_DT_DATETIME, true);
    cbec_datetime b = parse_ok("2026-11-27T02:00:00Z", CBEC_DT_DATETIME, true);
    cbec_datetime c = parse_ok("2026-11-26T21:00:00-05:00", CBEC_DT_DATETIME, true);
    cbec_datetime later = parse_ok("2026-11-27T02:00:00.000000001Z", CBEC_DT_DATETIME, true);
    cbec_datetime local = parse_ok("2026-11-27T02:00:00", CBEC_DT_DATETIME, false);
    ck_assert_int_eq(cbec__dt_compare(&a, &b), 0);
    ck_assert_int_eq(cbec__dt_compare(&b, &a), 0);
    ck_assert_int_eq(cbec__dt_compare(&a, &c), 0);
    ck_assert_int_eq(cbec__dt_compare(&a, &later), -1);
    ck_assert_int_eq(cbec__dt_compare(&later, &a), 1);
    ck_assert_int_eq(cbec__dt_compare(&local, &b), 0); /* no offset: taken as UTC */
    ck_assert_int_eq(cbec__dt_epoch_seconds(&a), 1795744800);
    cbec_datetime e1 = parse_ok("2026-11-27T08:30:00+08:00", CBEC_DT_DATETIME, true);
    cbec_datetime e2 = parse_ok("2026-11-27T01:00:00+00:00", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(cbec__dt_compare(&e1, &e2), -1);
    cbec_datetime epoch = parse_ok("1970-01-01T00:00:00Z", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(cbec__dt_epoch_seconds(&epoch), 0);
    cbec_datetime y2k = parse_ok("2000-01-01T08:00:00+08:00", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(cbec__dt_epoch_seconds(&y2k), 946684800);
    cbec_datetime before = parse_ok("1969-12-31T23:59:59Z", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(cbec__dt_epoch_seconds(&before), -1);
    cbec_datetime t1 = parse_ok("10:00:00+08:00", CBEC_DT_TIME, true);
    cbec_datetime t2 = parse_ok("02:00:00Z", CBEC_DT_TIME, true);
    ck_assert_int_eq(cbec__dt_compare(&t1, &t2), 0);
    ck_assert_int_eq(cbec__dt_epoch_seconds(&t2), 7200);
}
END_TEST

START_TEST(test_datetime_parses_the_customs_compact_forms)
{
    cbec_datetime d = parse_ok("20160315153555", CBEC_DT_COMPACT, false);
    ck_assert_int_eq(d.year, 2016);
    ck_assert_int_eq(d.month, 3);
    ck_assert_int_eq(d.day, 15);
    ck_assert_int_eq(d.hour, 15);
    ck_assert_int_eq(d.minute, 35);
    ck_assert_int_eq(d.second, 55);
    ck_assert(d.has_time && !d.has_offset && !d.has_fraction);
    d = parse_ok("20180507153001001", CBEC_DT_COMPACT, false);
    ck_assert(d.has_fraction);
    ck_assert_int_eq(d.nanos, 1000000);
    d = parse_ok("20160308", CBEC_DT_COMPACT_DATE, false);
    ck_assert_int_eq(d.day, 8);
    ck_assert(!d.has_time);
    parse_fail("2016031515355", CBEC_DT_COMPACT, false, "got 13", "实际为 13 位");
    parse_fail("2016-03-15 15:35", CBEC_DT_COMPACT, false, "position 5", NULL);
    parse_fail("20161315153555", CBEC_DT_COMPACT, false, "month 13", "月份 13");
    parse_fail("20160315243555", CBEC_DT_COMPACT, false, "hour 24", "小时 24");
    parse_fail("201603151", CBEC_DT_COMPACT_DATE, false, "8 digits", NULL);
    parse_fail("20160230", CBEC_DT_COMPACT_DATE, false, "February 2016", NULL);
}
END_TEST

START_TEST(test_datetime_parses_fractions)
{
    cbec_datetime d = parse_ok("2026-11-27T10:00:00.5+08:00", CBEC_DT_DATETIME, true);
    ck_assert(d.has_fraction);
    ck_assert_int_eq(d.nanos, 500000000);
    d = parse_ok("2026-11-27T10:00:00.123456789Z", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(d.nanos, 123456789);
    d = parse_ok("11:30:00.0Z", CBEC_DT_TIME, true);
    ck_assert(d.has_fraction);
    ck_assert_int_eq(d.nanos, 0);
    parse_fail("2026-11-27T10:00:00.1234567890Z", CBEC_DT_DATETIME, true, "more than 9", "超过 9 位");
    parse_fail("2026-11-27T10:00:00.Z", CBEC_DT_DATETIME, true, "a digit after '.'", NULL);
    parse_fail("2026-11-27T10:00:00,5Z", CBEC_DT_DATETIME, true, "decimal comma", "小数逗号");
}
END_TEST

START_TEST(test_datetime_accepts_leap_seconds_only_at_2359_utc)
{
    cbec_datetime d = parse_ok("2016-12-31T23:59:60Z", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(d.second, 60);
    parse_ok("2017-01-01T07:59:60+08:00", CBEC_DT_DATETIME, true);
    parse_ok("1990-12-31T15:59:60-08:00", CBEC_DT_DATETIME, true);
    parse_ok("2015-06-30T23:59:60", CBEC_DT_DATETIME, false);
    parse_ok("23:59:60Z", CBEC_DT_TIME, true);
    parse_fail("2016-12-31T22:59:60Z", CBEC_DT_DATETIME, true, "leap second", "闰秒");
    parse_fail("2016-12-31T23:59:60+08:00", CBEC_DT_DATETIME, true, "leap second", NULL);
    parse_fail("2016-06-15T23:59:60Z", CBEC_DT_DATETIME, true, "end of a month", NULL);
    parse_fail("12:00:60Z", CBEC_DT_TIME, true, NULL, NULL);
    parse_fail("2016-12-31T23:59:61Z", CBEC_DT_DATETIME, true, "second 61", "秒 61");
    parse_fail("20161231225960", CBEC_DT_COMPACT, false, "leap second", NULL);
    /* The leap second is the first second of the next day in arithmetic. */
    cbec_datetime next = parse_ok("2017-01-01T00:00:00Z", CBEC_DT_DATETIME, true);
    ck_assert_int_eq(cbec__dt_epoch_seconds(&d), cbec__dt_epoch_seconds(&next));
}
END_TEST

START_TEST(test_datetime_explains_malformed_values)
{
    char en[128], zh[128];
    parse_reasons("2026-11-27 10:00:00Z", CBEC_DT_DATETIME, true, en, zh);
    ck_assert_str_eq(en, "date and time must be separated by 'T', not a space (position 11)");
    ck_assert_str_eq(zh, "日期与时间之间应以 'T' 分隔，而不是空格（第 11 位）");
    parse_reasons("2026-13-01", CBEC_DT_DATE, false, en, zh);
    ck_assert_str_eq(en, "month 13 is out of range 01-12");
    ck_assert_str_eq(zh, "月份 13 超出范围（01-12）");
    parse_reasons("2026-11-2x", CBEC_DT_DATE, false, en, zh);
    ck_assert_str_eq(en, "unexpected character 'x' at position 10 (expected 2 digits of the day)");
    ck_assert_str_eq(zh, "第 10 位出现意外字符 'x'（应为2 位数字的日期）");
    parse_fail("2026-11-00", CBEC_DT_DATE, false, "day 00 is out of range 01-31", NULL);
    parse_fail("2026-11-27T24:00:00Z", CBEC_DT_DATETIME, true, "hour 24", NULL);
    parse_fail("2026-11-27T23:60:00Z", CBEC_DT_DATETIME, true, "minute 60", "分钟 60");
    parse_fail("2026-11-27T23:59Z", CBEC_DT_DATETIME, true, "':' after the minute", NULL);
    parse_fail("2026-11-27", CBEC_DT_DATETIME, true, "'T'", NULL);
    parse_fail("2026-11-27T", CBEC_DT_DATETIME, true, "ends after 11 characters", NULL);
    parse_fail("2026-11-27X", CBEC_DT_DATE, false, "after the end", "多余字符");
    parse_fail("26-11-27", CBEC_DT_DATE, false, "year", NULL);
    parse_fail("2026/11/27", CBEC_DT_DATE, false, "'-' after the year", NULL);
    parse_fail("", CBEC_DT_DATE, false, "empty", "为空");
    parse_fail("2026-11-27\n", CBEC_DT_DATE, false, "0x0A", NULL);
    parse_fail("2026-11-27", (cbec_dt_form)99, false, "unknown", NULL);
    /* Reasons and output are optional. */
    ck_assert(!cbec__dt_parse("2026-02-30", 10, CBEC_DT_DATE, false, NULL, NULL, NULL));
    ck_assert(cbec__dt_parse("2026-02-28", 10, CBEC_DT_DATE, false, NULL, NULL, NULL));
    ck_assert(!cbec__dt_parse(NULL, 0, CBEC_DT_DATE, false, NULL, NULL, NULL));
    /* Only n bytes are read. */
    ck_assert(cbec__dt_parse("2026-02-28T99", 10, CBEC_DT_DATE, false, NULL, NULL, NULL));
}
END_TEST

START_TEST(test_datetime_checks_iso8601_durations)
{
    static const char *const good[] = {
        "P1Y2M3DT4H5M6S", "P1W", "PT0.5S", "P0D", "PT36H", "P1Y", "PT1M", "P1M", "P2Y10D",
        "PT1H0.5M", "P1DT12H", "P0,5Y", "PT0S",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char en[128], zh[128];
        ck_assert_msg(cbec__dt_parse_duration(good[i], strlen(good[i]), en, zh), "'%s': %s", good[i], en);
    }
    static const struct {
        const char *s, *en, *zh;
    } bad[] = {
        {"", "empty", "为空"},
        {"P", "at least one component", "至少应有一个部分"},
        {"PT", "'T' must be followed", NULL},
        {"P1DT", "'T' must be followed", NULL},
        {"1Y", "'P'", NULL},
        {"p1d", "'P'", NULL},
        {"P1W2D", "nothing may follow a week count", NULL},
        {"P1Y1W", "weeks (W) cannot be combined", "周（W）"},
        {"P1D1Y", "out of order", "顺序错误"},
        {"PT1S1H", "out of order", NULL},
        {"P1Y1Y", "out of order", NULL},
        {"P1.5DT1H", "nothing may follow a component with a fraction", NULL},
        {"PT1.5H30M", "fraction", NULL},
        {"P1H", "designator Y, M, W or D", NULL},
        {"PT1D", "designator H, M or S", NULL},
        {"P-1D", "a number", NULL},
        {"PT1.S", "fraction", NULL},
        {"P1", "designator", NULL},
        {"P1d", "designator", NULL},
        {"PT1HT1M", "second 'T'", NULL},
        {"P1234567890123456789D", "more than 18 digits", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char en[128], zh[128];
        ck_assert_msg(!cbec__dt_parse_duration(bad[i].s, strlen(bad[i].s), en, zh), "'%s' accepted", bad[i].s);
        ck_assert_msg(en[0] && zh[0] && utf8_valid(en) && utf8_valid(zh), "'%s': reasons", bad[i].s);
        ck_assert_msg(strstr(en, bad[i].en) != NULL, "'%s': \"%s\" lacks \"%s\"", bad[i].s, en, bad[i].en);
        if (bad[i].zh)
            ck_assert_msg(strstr(zh, bad[i].zh) != NULL, "'%s': \"%s\" lacks \"%s\"", bad[i].s, zh, bad[i].zh);
    }
    ck_assert(cbec__dt_parse_duration("P1D", 3, NULL, NULL));
    ck_assert(!cbec__dt_parse_duration(NULL, 0, NULL, NULL));
}
END_TEST

START_TEST(test_datetime_formats_utc_and_round_trips)
{
    char buf[32];
    ck_assert_uint_eq(cbec__dt_format_utc(0, buf), 20);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    cbec__dt_format_utc(946684800, buf);
    ck_assert_str_eq(buf, "2000-01-01T00:00:00Z");
    cbec__dt_format_utc(-1, buf);
    ck_assert_str_eq(buf, "1969-12-31T23:59:59Z");
    cbec__dt_format_utc(1795744800, buf);
    ck_assert_str_eq(buf, "2026-11-27T02:00:00Z");
    cbec__dt_format_utc(951782400, buf);
    ck_assert_str_eq(buf, "2000-02-29T00:00:00Z");
    ck_assert_uint_eq(cbec__dt_format_utc(253402300799, buf), 20);
    ck_assert_str_eq(buf, "9999-12-31T23:59:59Z");
    ck_assert_uint_eq(cbec__dt_format_utc(-62167219200, buf), 20);
    ck_assert_str_eq(buf, "0000-01-01T00:00:00Z");
    ck_assert_uint_eq(cbec__dt_format_utc(253402300800, buf), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(cbec__dt_format_utc(-62167219201, buf), 0);
    ck_assert_uint_eq(cbec__dt_format_utc(INT64_MAX, buf), 0);
    ck_assert_uint_eq(cbec__dt_format_utc(INT64_MIN, buf), 0);
    /* format -> parse -> epoch gives the same instant, 1600 to 2400. */
    for (int64_t t = -11676096000; t < 13569465600; t += 86400 * 7 + 3601) {
        size_t len = cbec__dt_format_utc(t, buf);
        ck_assert_uint_eq(len, 20);
        cbec_datetime d;
        ck_assert_msg(cbec__dt_parse(buf, len, CBEC_DT_DATETIME, true, &d, NULL, NULL), "%s", buf);
        ck_assert_msg(cbec__dt_epoch_seconds(&d) == t, "%s", buf);
    }
}
END_TEST

static Suite *datetime_suite(void)
{
    Suite *s = suite_create("datetime");
    TCase *tc = tcase_create("calendar");
    tcase_add_test(tc, test_datetime_leap_years_follow_the_gregorian_rule);
    tcase_add_test(tc, test_datetime_rejects_30_february_with_both_reasons);
    tcase_add_test(tc, test_datetime_days_from_civil_matches_known_dates);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_test(tc, test_datetime_parses_fields_and_offsets);
    tcase_add_test(tc, test_datetime_requires_an_offset_when_asked);
    tcase_add_test(tc, test_datetime_compares_instants_across_offsets);
    tcase_add_test(tc, test_datetime_parses_the_customs_compact_forms);
    tcase_add_test(tc, test_datetime_parses_fractions);
    tcase_add_test(tc, test_datetime_accepts_leap_seconds_only_at_2359_utc);
    tcase_add_test(tc, test_datetime_explains_malformed_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("duration-format");
    tcase_add_test(tc, test_datetime_checks_iso8601_durations);
    tcase_add_test(tc, test_datetime_formats_utc_and_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(datetime_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
