/* test-core-decimal.c - exact decimals: parsing, comparison, arithmetic, rounding. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "test-run.h"

static cbec_dec D(const char *s)
{
    cbec_dec d;
    ck_assert_int_eq(cbec__dec_parse(s, strlen(s), CBEC_DEC_ALLOW_EXPONENT, &d), CBEC_DEC_OK);
    return d;
}

static const char *F(const cbec_dec *d)
{
    static char buf[CBEC_DEC_STRLEN];
    cbec__dec_format(d, buf);
    return buf;
}

START_TEST(test_decimal_parse_keeps_scale)
{
    cbec_dec d = D("1.50");
    ck_assert_uint_eq(cbec__dec_scale(&d), 2);
    ck_assert_str_eq(F(&d), "1.50");
    d = D("-0.001");
    ck_assert_str_eq(F(&d), "-0.001");
    d = D("1.5e3");
    ck_assert_str_eq(F(&d), "1500");
    ck_assert_uint_eq(cbec__dec_scale(&d), 0);
}
END_TEST

START_TEST(test_decimal_parse_rejects_malformed)
{
    const char *bad[] = {"", "-", "1.", ".5", "1e", "1.2.3", "abc", "1 ", "+1", "0x10", "1e+"};
    cbec_dec d;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(cbec__dec_parse(bad[i], strlen(bad[i]), CBEC_DEC_ALLOW_EXPONENT, &d) == CBEC_DEC_SYNTAX,
                      "accepted %s", bad[i]);
    ck_assert_int_eq(cbec__dec_parse("1e5", 3, 0, &d), CBEC_DEC_SYNTAX);
}
END_TEST

START_TEST(test_decimal_parse_huge_is_range_not_crash)
{
    size_t n = 100000;
    char *s = malloc(n + 1);
    memset(s, '9', n);
    s[n] = 0;
    cbec_dec d;
    ck_assert_int_eq(cbec__dec_parse(s, n, 0, &d), CBEC_DEC_RANGE);
    free(s);
    ck_assert_int_eq(cbec__dec_parse("1e999999999999", 14, CBEC_DEC_ALLOW_EXPONENT, &d), CBEC_DEC_RANGE);
}
END_TEST

START_TEST(test_decimal_compare_is_numeric)
{
    cbec_dec a = D("1.0"), b = D("1"), c = D("0.999"), z1 = D("-0"), z2 = D("0.00");
    ck_assert_int_eq(cbec__dec_cmp(&a, &b), 0);
    ck_assert_int_eq(cbec__dec_cmp(&c, &a), -1);
    ck_assert_int_eq(cbec__dec_cmp(&a, &c), 1);
    ck_assert_int_eq(cbec__dec_cmp(&z1, &z2), 0);
    cbec_dec n1 = D("-2"), n2 = D("-10");
    ck_assert_int_eq(cbec__dec_cmp(&n1, &n2), 1);
    cbec_dec big = D("12345678901234567890123456789012345678"), small = D("1e-30");
    ck_assert_int_eq(cbec__dec_cmp(&big, &small), 1);
}
END_TEST

START_TEST(test_decimal_money_sums_are_exact)
{
    /* 0.1 + 0.2 == 0.3 exactly, unlike binary floating point */
    cbec_dec a = D("0.1"), b = D("0.2"), s;
    ck_assert_int_eq(cbec__dec_add(&a, &b, &s), CBEC_DEC_OK);
    cbec_dec want = D("0.3");
    ck_assert_int_eq(cbec__dec_cmp(&s, &want), 0);
    /* 388.50 + 10.00 - 20.00 + 35.35 = 413.85 */
    cbec_dec t = D("388.50"), f = D("10.00"), dsc = D("20.00"), tax = D("35.35");
    cbec__dec_add(&t, &f, &t);
    cbec__dec_sub(&t, &dsc, &t);
    cbec__dec_add(&t, &tax, &t);
    ck_assert_str_eq(F(&t), "413.85");
    cbec_dec q = D("2"), p = D("150.00"), m;
    cbec__dec_mul(&q, &p, &m);
    ck_assert_str_eq(F(&m), "300.00");
}
END_TEST

START_TEST(test_decimal_rounding_modes)
{
    cbec_dec x = D("2.345"), r;
    cbec__dec_round(&x, 2, CBEC_ROUND_HALF_UP, &r);
    ck_assert_str_eq(F(&r), "2.35");
    cbec__dec_round(&x, 2, CBEC_ROUND_HALF_EVEN, &r);
    ck_assert_str_eq(F(&r), "2.34");
    x = D("-2.345");
    cbec__dec_round(&x, 2, CBEC_ROUND_HALF_UP, &r);
    ck_assert_str_eq(F(&r), "-2.35");
    x = D("2.355");
    cbec__dec_round(&x, 2, CBEC_ROUND_HALF_EVEN, &r);
    ck_assert_str_eq(F(&r), "2.36");
    x = D("7");
    cbec__dec_round(&x, 2, CBEC_ROUND_HALF_UP, &r);
    ck_assert_str_eq(F(&r), "7.00");
}
END_TEST

START_TEST(test_decimal_division)
{
    cbec_dec a = D("2"), b = D("3"), q;
    ck_assert_int_eq(cbec__dec_div(&a, &b, 4, CBEC_ROUND_HALF_UP, &q), CBEC_DEC_OK);
    ck_assert_str_eq(F(&q), "0.6667");
    cbec_dec z = D("0");
    ck_assert_int_eq(cbec__dec_div(&a, &z, 2, CBEC_ROUND_HALF_UP, &q), CBEC_DEC_DIVZERO);
    cbec_dec m = D("10.5"), k = D("3"), md;
    ck_assert_int_eq(cbec__dec_mod(&m, &k, &md), CBEC_DEC_OK);
    ck_assert_str_eq(F(&md), "1.5");
}
END_TEST

START_TEST(test_decimal_overflow_is_reported)
{
    cbec_dec a = D("99999999999999999999999999999999999999"), b = D("1"), s;
    ck_assert_int_eq(cbec__dec_add(&a, &b, &s), CBEC_DEC_RANGE);
    ck_assert_int_eq(cbec__dec_mul(&a, &a, &s), CBEC_DEC_RANGE);
}
END_TEST

START_TEST(test_decimal_integer_checks)
{
    cbec_dec a = D("3.000"), b = D("3.5");
    ck_assert(cbec__dec_is_integer(&a));
    ck_assert(!cbec__dec_is_integer(&b));
    int64_t v;
    ck_assert(cbec__dec_to_int64(&a, &v));
    ck_assert_int_eq(v, 3);
    cbec_dec m = D("-9223372036854775808");
    ck_assert(cbec__dec_to_int64(&m, &v));
    ck_assert(v == INT64_MIN);
    /* a zero with more fractional digits than any power of ten can hold
       (found by the logic fuzz target: a division by zero) */
    char zero[160] = "0.";
    memset(zero + 2, '0', 139);
    cbec_dec z = D(zero);
    v = 7;
    ck_assert(cbec__dec_to_int64(&z, &v));
    ck_assert_int_eq(v, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decimal");
    TCase *tc = tcase_create("decimal");
    tcase_add_test(tc, test_decimal_parse_keeps_scale);
    tcase_add_test(tc, test_decimal_parse_rejects_malformed);
    tcase_add_test(tc, test_decimal_parse_huge_is_range_not_crash);
    tcase_add_test(tc, test_decimal_compare_is_numeric);
    tcase_add_test(tc, test_decimal_money_sums_are_exact);
    tcase_add_test(tc, test_decimal_rounding_modes);
    tcase_add_test(tc, test_decimal_division);
    tcase_add_test(tc, test_decimal_overflow_is_reported);
    tcase_add_test(tc, test_decimal_integer_checks);
    suite_add_tcase(s, tc);
    return test_run(s);
}
