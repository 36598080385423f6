/* test-rules-logic.c - the JSON Logic engine: exact decimals, paths with
 * wildcards and rule context, commerce extensions, limits, the public
 * cbec_logic handle, and "logic"/"when" rules in packs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "doc/doc.h"
#include "rules/logic.h"

/* ---- helpers: parse JSON, compile, evaluate, render ---- */

typedef struct jdoc {
    cbec_json_reader *rd;
    cbec_arena arena;
    cbec_doc doc;
    char *text;
    const cbec_node *val;   /* the value (the reader takes no bare scalars: it is read inside [ ]) */
} jdoc;

static void jparse(jdoc *j, const char *text)
{
    j->rd = cbec__json_reader_new(512);
    ck_assert_ptr_nonnull(j->rd);
    cbec__arena_init(&j->arena);
    size_t n = strlen(text);
    j->text = malloc(n + 3);
    j->text[0] = '[';
    memcpy(j->text + 1, text, n);
    j->text[n + 1] = '\n';
    j->text[n + 2] = ']';
    cbec_read_limits lim = {1u << 20, 512, 100000};
    cbec_read_error re;
    bool oom = false;
    ck_assert_msg(cbec__json_read(j->rd, j->text, n + 3, &lim, &j->arena, &j->doc, &re, &oom),
                  "bad test JSON %s: %s", text, re.message_en);
    ck_assert_uint_eq(j->doc.root->count, 1);
    j->val = &j->doc.root->children[0];
}

static void jfree(jdoc *j)
{
    free(j->text);
    cbec__json_release(j->rd, &j->doc);
    cbec__json_reader_free(j->rd);
    cbec__arena_free(&j->arena);
}

static cbec_logic_limits default_limits(void)
{
    return (cbec_logic_limits){CBEC_LOGIC_DEFAULT_OPS, CBEC_LOGIC_DEFAULT_DEPTH, CBEC_LOGIC_DEFAULT_BYTES};
}

/* Evaluate rule against data; returns the result as JSON, or "!Type" for
 * an evaluation error (and "!!Type" for a compile error).  Static buffer. */
static const char *evalx(const char *rule, const char *data, const cbec_logic_limits *lim)
{
    static char out[4096];
    jdoc r, d;
    jparse(&r, rule);
    jparse(&d, data);
    cbec_lexpr *x = NULL;
    cbec_logic_cerror ce;
    bool oom;
    if (!cbec__logic_compile(r.val, NULL, 0, &x, &ce, &oom)) {
        snprintf(out, sizeof out, "!!%s", ce.type);
    } else {
        cbec_arena a;
        cbec__arena_init(&a);
        cbec_logic_env env;
        memset(&env, 0, sizeof env);
        env.root = d.val;
        env.arena = &a;
        env.limits = lim ? *lim : default_limits();
        cbec_lval v;
        cbec_logic_error e;
        if (cbec__logic_eval(x, &env, &v, &e)) {
            cbec_buf b;
            cbec__buf_init(&b);
            cbec__logic_to_json(&v, &b);
            snprintf(out, sizeof out, "%s", cbec__buf_cstr(&b));
            cbec__buf_free(&b);
        } else {
            snprintf(out, sizeof out, "!%s", e.type);
        }
        cbec__arena_free(&a);
        cbec__logic_free(x);
    }
    jfree(&r);
    jfree(&d);
    return out;
}

static const char *eval(const char *rule, const char *data)
{
    return evalx(rule, data, NULL);
}

/* ---- exact decimals ---- */

START_TEST(test_logic_money_arithmetic_is_exact)
{
    ck_assert_str_eq(eval("{\"===\": [{\"+\": [0.1, 0.2]}, 0.3]}", "null"), "true");
    /* the scale of the operands is kept: money stays money */
    ck_assert_str_eq(eval("{\"*\": [\"2\", \"150.00\"]}", "null"), "300.00");
    ck_assert_str_eq(eval("{\"+\": [\"388.50\", \"10.00\", \"35.35\", {\"-\": [\"20.00\"]}]}", "null"), "413.85");
    ck_assert_str_eq(eval("{\"-\": [\"100\", \"0.01\"]}", "null"), "99.99");
    /* strings in JSON number syntax are numbers; others are not */
    ck_assert_str_eq(eval("{\"+\": [\"1e2\", \" 5 \", \"\"]}", "null"), "105");
    ck_assert_str_eq(eval("{\"+\": [\"12abc\", 1]}", "null"), "!NaN");
    ck_assert_str_eq(eval("{\"*\": [[2], 3]}", "null"), "!NaN");
}
END_TEST

START_TEST(test_logic_division_has_34_digits_and_no_infinity)
{
    ck_assert_str_eq(eval("{\"/\": [2, 4]}", "null"), "0.5");
    ck_assert_str_eq(eval("{\"/\": [1, 3]}", "null"), "0.3333333333333333333333333333333333");
    ck_assert_str_eq(eval("{\"/\": [2, 3]}", "null"), "0.6666666666666666666666666666666667");
    ck_assert_str_eq(eval("{\"/\": [\"1000\", \"8\"]}", "null"), "125");
    ck_assert_str_eq(eval("{\"/\": [1, 0]}", "null"), "!NaN");
    ck_assert_str_eq(eval("{\"%\": [7, 0]}", "null"), "!NaN");
    ck_assert_str_eq(eval("{\"%\": [-8, 3]}", "null"), "-2");
}
END_TEST

START_TEST(test_logic_products_past_38_digits_round_to_34)
{
    /* 20 digits times 20 digits: exact would need 40 */
    ck_assert_str_eq(eval("{\"*\": [\"12345678901234567890\", \"98765432109876543210\"]}", "null"),
                     "1219326311370217952237463801111264000000");
    ck_assert_str_eq(eval("{\"*\": [{\"/\": [1, 3]}, {\"/\": [1, 3]}]}", "null"),
                     "0.1111111111111111111111111111111111");
    /* a sum across very different magnitudes keeps the larger one's digits */
    ck_assert_str_eq(eval("{\"+\": [\"1e30\", \"1e-30\"]}", "null"), "1000000000000000000000000000000");
    ck_assert_str_eq(eval("{\"*\": [\"1e99999999\", \"1e99999999\"]}", "null"), "!Range");
}
END_TEST

START_TEST(test_logic_comparisons_follow_documented_coercions)
{
    ck_assert_str_eq(eval("{\"==\": [\"388.50\", 388.5]}", "null"), "true");
    ck_assert_str_eq(eval("{\"===\": [\"388.50\", 388.5]}", "null"), "false");
    ck_assert_str_eq(eval("{\"===\": [1.0, 1]}", "null"), "true");
    ck_assert_str_eq(eval("{\"==\": [null, 0]}", "null"), "true");
    ck_assert_str_eq(eval("{\"==\": [null, \"\"]}", "null"), "false");
    ck_assert_str_eq(eval("{\"==\": [1, \"one\"]}", "null"), "!NaN");
    ck_assert_str_eq(eval("{\"<\": [\"2023\", \"2024-01-01\"]}", "null"), "true");
    ck_assert_str_eq(eval("{\"<\": [1, 2, 3]}", "null"), "true");
    ck_assert_str_eq(eval("{\"<=\": [1, 3, 2]}", "null"), "false");
    ck_assert_str_eq(eval("{\"<\": [{}, 1]}", "null"), "!NaN");
    /* strings order by code point */
    ck_assert_str_eq(eval("{\"<\": [\"Z\", \"a\", \"\xc3\xa9\"]}", "null"), "true");
}
END_TEST

START_TEST(test_logic_strings_follow_javascript)
{
    ck_assert_str_eq(eval("{\"cat\": [\"n=\", 1.50, \" \", true, null, [1, [2, null]]]}", "null"), "\"n=1.5 true1,2,\"");
    ck_assert_str_eq(eval("{\"cat\": [1e21, \" \", 1e-7, \" \", 0.000001]}", "null"), "\"1e+21 1e-7 0.000001\"");
    /* substr counts characters, not bytes */
    ck_assert_str_eq(eval("{\"substr\": [\"\xe4\xbf\x9d\xe6\xb9\xbf\xe9\x9d\xa2\xe9\x9c\x9c\", 1, 2]}", "null"),
                     "\"\xe6\xb9\xbf\xe9\x9d\xa2\"");
    ck_assert_str_eq(eval("{\"in\": [\"Spring\", \"Springfield\"]}", "null"), "true");
    ck_assert_str_eq(eval("{\"in\": [2, [1, 2.0]]}", "null"), "true");
}
END_TEST

/* ---- paths, iteration, rule context ---- */

START_TEST(test_logic_var_paths_defaults_and_wildcards)
{
    const char *order = "{\"items\": [{\"lineTotal\": \"300.00\", \"q\": 1}, {\"lineTotal\": \"88.50\"},"
                        " {\"note\": \"no total\"}], \"c\": {\"a\": 1, \"b\": 2}}";
    ck_assert_str_eq(eval("{\"var\": \"items.1.lineTotal\"}", order), "\"88.50\"");
    ck_assert_str_eq(eval("{\"var\": [\"items.9.lineTotal\", \"none\"]}", order), "\"none\"");
    ck_assert_str_eq(eval("{\"var\": \"items.*.lineTotal\"}", order), "[\"300.00\",\"88.50\"]");
    ck_assert_str_eq(eval("{\"sum\": {\"var\": \"items.*.lineTotal\"}}", order), "388.50");
    ck_assert_str_eq(eval("{\"sum\": [{\"var\": \"items.*.lineTotal\"}, \"1.50\"]}", order), "390.00");
    ck_assert_str_eq(eval("{\"count\": {\"var\": \"items\"}}", order), "3");
    ck_assert_str_eq(eval("{\"count\": {\"var\": \"items.*.q\"}}", order), "1");
    ck_assert_str_eq(eval("{\"var\": \"c.*\"}", order), "[1,2]");
    ck_assert_str_eq(eval("{\"sum\": {\"var\": \"nothing.*.x\"}}", order), "0");
    ck_assert_str_eq(eval("{\"missing\": [\"items.0.q\", \"items.1.q\", \"c.a\"]}", order), "[\"items.1.q\"]");
    ck_assert_str_eq(eval("{\"reduce\": [{\"var\": \"items\"}, {\"+\": [{\"var\": \"accumulator\"}, "
                          "{\"var\": [\"current.lineTotal\", 0]}]}, 0]}", order), "388.50");
}
END_TEST

START_TEST(test_logic_rule_context_names)
{
    jdoc r, d;
    jparse(&d, "{\"currency\": \"CNY\", \"items\": [{\"q\": \"2\", \"p\": \"150.00\", \"t\": \"300.00\"},"
               " {\"q\": \"1\", \"p\": \"88.50\", \"t\": \"88.50\"}]}");
    jparse(&r, "[{\"var\": \"$value\"}, {\"var\": \"$item.q\"}, {\"var\": \"$index\"}, {\"var\": \"$indices\"},"
               " {\"var\": \"$parent.p\"}, {\"var\": \"$root.currency\"},"
               " {\"map\": [[1], {\"var\": \"$item.p\"}]}, {\"var\": [\"$nothing.x\", \"d\"]}]");
    const cbec_node *items = cbec__node_member(d.val, "items", 5);
    const cbec_node *item = &items->children[1];
    const cbec_node *t = cbec__node_member(item, "t", 1);
    const cbec_node *bound[1] = {item};
    cbec_lexpr *x;
    cbec_logic_cerror ce;
    bool oom;
    ck_assert(cbec__logic_compile(r.val, NULL, 0, &x, &ce, &oom));
    cbec_arena a;
    cbec__arena_init(&a);
    cbec_logic_env env = {d.val, t, bound, 1, &a, default_limits()};
    cbec_lval v;
    cbec_logic_error e;
    ck_assert(cbec__logic_eval(x, &env, &v, &e));
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__logic_to_json(&v, &b);
    ck_assert_str_eq(cbec__buf_cstr(&b), "[\"88.50\",\"1\",1,[1],\"88.50\",\"CNY\",[\"88.50\"],\"d\"]");
    cbec__buf_free(&b);
    cbec__arena_free(&a);
    cbec__logic_free(x);
    jfree(&r);
    jfree(&d);
}
END_TEST

START_TEST(test_logic_iterators_and_scopes)
{
    const char *data = "{\"n\": [1, 2, 3], \"add\": 10}";
    ck_assert_str_eq(eval("{\"map\": [{\"var\": \"n\"}, {\"+\": [{\"val\": []}, {\"val\": [[2], \"add\"]}]}]}", data),
                     "[11,12,13]");
    ck_assert_str_eq(eval("{\"map\": [{\"var\": \"n\"}, {\"val\": [[1], \"index\"]}]}", data), "[0,1,2]");
    ck_assert_str_eq(eval("{\"filter\": [{\"var\": \"n\"}, {\">\": [{\"var\": \"\"}, 1]}]}", data), "[2,3]");
    ck_assert_str_eq(eval("{\"all\": [[], true]}", data), "false");
    ck_assert_str_eq(eval("{\"none\": [[], true]}", data), "true");
    ck_assert_str_eq(eval("{\"all\": [{\"var\": \"missing\"}, true]}", data), "!Invalid Arguments");
    ck_assert_str_eq(eval("{\"map\": [{\"var\": \"missing\"}, 1]}", data), "[]");
    ck_assert_str_eq(eval("{\"try\": [{\"throw\": \"Oops\"}, {\"var\": \"type\"}]}", data), "\"Oops\"");
    ck_assert_str_eq(eval("{\"??\": [null, {\"var\": \"add\"}]}", data), "10");
}
END_TEST

/* ---- commerce extensions ---- */

START_TEST(test_logic_rounding_and_currencies)
{
    ck_assert_str_eq(eval("{\"round\": [\"2.5\"]}", "null"), "3");
    ck_assert_str_eq(eval("{\"round\": [\"2.5\", 0, \"half-even\"]}", "null"), "2");
    ck_assert_str_eq(eval("{\"round\": [\"-2.345\", 2]}", "null"), "-2.35");
    ck_assert_str_eq(eval("{\"round\": [\"2.349\", 2, \"down\"]}", "null"), "2.34");
    ck_assert_str_eq(eval("{\"round\": [\"2.341\", 2, \"up\"]}", "null"), "2.35");
    ck_assert_str_eq(eval("{\"round\": [1, 2, \"sideways\"]}", "null"), "!!Invalid Arguments");
    ck_assert_str_eq(eval("{\"currency_round\": [{\"*\": [\"1.5\", \"59.01\"]}, \"CNY\"]}", "null"), "88.52");
    ck_assert_str_eq(eval("{\"currency_round\": [\"226.5\", \"JPY\"]}", "null"), "227");
    ck_assert_str_eq(eval("{\"currency_round\": [\"1.2345\", \"KWD\", \"half-even\"]}", "null"), "1.234");
    ck_assert_str_eq(eval("{\"currency_round\": [\"1\", \"XAU\"]}", "null"), "!Invalid Arguments");
    ck_assert_str_eq(eval("{\"minor_units\": \"CLF\"}", "null"), "4");
    ck_assert_str_eq(eval("[{\"currency_unit\": \"CNY\"}, {\"currency_unit\": \"JPY\"}, {\"currency_unit\": \"KWD\"}]", "null"),
                     "[0.01,1,0.001]");
    ck_assert_str_eq(eval("{\"within\": [\"100.01\", \"100\", {\"currency_unit\": \"CNY\"}]}", "null"), "true");
    ck_assert_str_eq(eval("{\"within\": [\"100.02\", \"100\", {\"currency_unit\": \"CNY\"}]}", "null"), "false");
    ck_assert_str_eq(eval("{\"within\": [\"10.004\", \"10\", {\"/\": [1, {\"*\": [2, 100]}]}]}", "null"), "true");
    ck_assert_str_eq(eval("{\"within\": [\"10.006\", \"10\", \"0.005\"]}", "null"), "false");
    ck_assert_int_eq(cbec__currency_minor_units("cny", 3), -1);
    ck_assert_int_eq(cbec__currency_minor_units("CNY", 3), 2);
    ck_assert_int_eq(cbec__currency_minor_units("BHD", 3), 3);
    ck_assert_int_eq(cbec__currency_minor_units("XXX", 3), -1);
}
END_TEST

/* Every three-letter code: the codes ISO 4217 gives a minor unit other than
 * 2 (or none) are found wherever they sit in the table, all others give 2. */
START_TEST(test_logic_every_currency_code_has_its_minor_unit)
{
    static const struct {
        const char *code;
        int units;
    } other[] = {
        {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3}, {"ISK", 0},
        {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0},
        {"RWF", 0}, {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
        {"XAG", -1}, {"XAU", -1}, {"XBA", -1}, {"XBB", -1}, {"XBC", -1}, {"XBD", -1}, {"XDR", -1},
        {"XOF", 0}, {"XPD", -1}, {"XPF", 0}, {"XPT", -1}, {"XSU", -1}, {"XTS", -1}, {"XUA", -1},
        {"XXX", -1},
    };
    size_t found = 0;
    char code[4] = "";
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++) {
                code[0] = a, code[1] = b, code[2] = c;
                int want = 2;
                for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
                    if (strcmp(other[i].code, code) == 0)
                        want = other[i].units, found++;
                ck_assert_msg(cbec__currency_minor_units(code, 3) == want, "%s: %d, not %d", code,
                              cbec__currency_minor_units(code, 3), want);
            }
    ck_assert_uint_eq(found, sizeof other / sizeof other[0]);
    ck_assert_int_eq(cbec__currency_minor_units("CN", 2), -1);
    ck_assert_int_eq(cbec__currency_minor_units("C1Y", 3), -1);
}
END_TEST

/* Text becomes a number as core/decimal.c reads it, whichever path the
 * engine takes (short amounts have their own): the same value, scale and
 * sign, or the same refusal. */
START_TEST(test_logic_numbers_in_text_read_as_exact_decimals)
{
    static const char *const texts[] = {
        "0", "-0", "7", "-7", "007", "0.5", "-0.50", "12.", ".5", "-", "", "1.2.3", "1e3", "1E-2", "+3",
        "12345678", "1234567.8", "1234567890123456789", "12345678901234567890", "0.0000000000000000001",
        "-9999999999999999999", "1234567890.123456789", "99999999999999999999999999999999999999",
        "999999999999999999999999999999999999999", "4379.03", "1726.36", "1 2", "12a", "-.5", "5-",
        "0000000000000000000001.5", "00000000000000000000000000000000000000000.1",
    };
    char rule[160], data[160];
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *t = texts[i];
        cbec_dec d;
        char want[CBEC_DEC_STRLEN + 2];
        /* "decimal": plain notation only */
        snprintf(rule, sizeof rule, "{\"decimal\": {\"var\": \"s\"}}");
        snprintf(data, sizeof data, "{\"s\": \"%s\"}", t);
        cbec_dec_status st = cbec__dec_parse(t, strlen(t), 0, &d);
        if (st == CBEC_DEC_OK)
            cbec__dec_format(&d, want);
        else
            snprintf(want, sizeof want, "%s", st == CBEC_DEC_RANGE ? "!Range" : "!NaN");
        ck_assert_msg(strcmp(eval(rule, data), want) == 0, "decimal %s: %s, not %s", t, eval(rule, data), want);
        snprintf(rule, sizeof rule, "{\"is_decimal\": {\"var\": \"s\"}}");
        ck_assert_str_eq(eval(rule, data), st == CBEC_DEC_OK ? "true" : "false");
        /* arithmetic: as a JavaScript number would be read, exactly */
        snprintf(rule, sizeof rule, "{\"*\": [{\"var\": \"s\"}, 1]}");
        st = cbec__dec_parse(t, strlen(t), CBEC_DEC_ALLOW_EXPONENT | CBEC_DEC_ALLOW_PLUS | CBEC_DEC_ALLOW_BARE_POINT, &d);
        if (!*t) {
            snprintf(want, sizeof want, "0");
        } else if (st == CBEC_DEC_OK) {
            if (!d.coef) {
                d.neg = false;
                if (d.exp > 0)
                    d.exp = 0;
            }
            cbec__dec_format(&d, want);
        } else {
            snprintf(want, sizeof want, "%s", st == CBEC_DEC_RANGE ? "!Range" : "!NaN");
        }
        ck_assert_msg(strcmp(eval(rule, data), want) == 0, "* %s: %s, not %s", t, eval(rule, data), want);
    }
}
END_TEST

START_TEST(test_logic_decimal_and_is_decimal_are_strict)
{
    ck_assert_str_eq(eval("{\"decimal\": \"12.50\"}", "null"), "12.50");
    ck_assert_str_eq(eval("{\"decimal\": \"\"}", "null"), "!NaN");
    ck_assert_str_eq(eval("{\"decimal\": \"1e3\"}", "null"), "!NaN");
    ck_assert_str_eq(eval("[{\"is_decimal\": \"0.00\"}, {\"is_decimal\": \" 1\"}, {\"is_decimal\": null},"
                          " {\"is_decimal\": 5}]", "null"), "[true,false,false,true]");
}
END_TEST

START_TEST(test_logic_date_times_compare_as_instants)
{
    /* 22:00 at +10:00 is 12:00Z, 21:45 at +09:00 is 12:45Z: earlier, though its text sorts later */
    ck_assert_str_eq(eval("{\"time<\": [\"2026-11-28T22:00:00+10:00\", \"2026-11-28T21:45:00+09:00\"]}", "null"), "true");
    ck_assert_str_eq(eval("{\"time>\": [\"2026-11-28T22:00:00+10:00\", \"2026-11-28T21:45:00+09:00\"]}", "null"), "false");
    ck_assert_str_eq(eval("{\"time==\": [\"2026-11-30T14:22:00+08:00\", \"2026-11-30T06:22:00Z\"]}", "null"), "true");
    ck_assert_str_eq(eval("{\"time<=\": [\"2026-01-01\", \"2026-01-01T00:00:00Z\", \"2026-01-02\"]}", "null"), "true");
    ck_assert_str_eq(eval("{\"datetime\": \"2026-11-27T10:15:30.250+08:00\"}", "null"), "\"2026-11-27T02:15:30.25Z\"");
    ck_assert_str_eq(eval("{\"seconds_between\": [\"2026-11-28T21:45:00+09:00\", \"2026-11-29T01:20:00.5+08:00\"]}", "null"),
                     "16500.5");
    ck_assert_str_eq(eval("{\"time<\": [\"2026-02-30\", \"2026-03-01\"]}", "null"), "!Invalid Date");
}
END_TEST

/* ---- bounds ---- */

START_TEST(test_logic_cost_limit_is_an_error_try_cannot_catch)
{
    cbec_logic_limits lim = default_limits();
    lim.max_ops = 1000;
    /* 3^7 combinations of three-element arrays */
    const char *rule = "{\"try\": [{\"map\": [[1,2,3], {\"map\": [[1,2,3], {\"map\": [[1,2,3], {\"map\": [[1,2,3],"
                       " {\"map\": [[1,2,3], {\"map\": [[1,2,3], {\"map\": [[1,2,3], 1]}]}]}]}]}]}]}, \"caught\"]}";
    ck_assert_str_eq(evalx(rule, "null", &lim), "!Limit");
    lim.max_ops = 1000000;
    ck_assert_str_eq(evalx("{\"count\": {\"map\": [[1,2,3], {\"map\": [[1,2,3], 1]}]}}", "null", &lim), "3");
}
END_TEST

START_TEST(test_logic_memory_limit_is_an_error)
{
    cbec_logic_limits lim = default_limits();
    lim.max_bytes = 64 * 1024;
    /* each step doubles the string */
    const char *rule = "{\"reduce\": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],"
                       " {\"cat\": [{\"var\": \"accumulator\"}, {\"var\": \"accumulator\"}]}, \"xxxxxxxx\"]}";
    ck_assert_str_eq(evalx(rule, "null", &lim), "!Limit");
}
END_TEST

START_TEST(test_logic_depth_limits_compile_and_run)
{
    char rule[8192] = "";
    for (int i = 0; i < 200; i++)
        strcat(rule, "{\"!\": ");
    strcat(rule, "true");
    for (int i = 0; i < 200; i++)
        strcat(rule, "}");
    ck_assert_str_eq(eval(rule, "null"), "!!Limit");
    cbec_logic_limits lim = default_limits();
    lim.max_depth = 3;
    ck_assert_str_eq(evalx("{\"!\": {\"!\": {\"!\": {\"!\": true}}}}", "null", &lim), "!Limit");
    /* a computed path of 200 stars over data nested 200 deep recurses no deeper than the limit */
    char data[1024] = "", path[1024] = "";
    for (int i = 0; i < 200; i++) {
        strcat(data, "[");
        strcat(path, i ? ".*" : "*");
    }
    strcat(data, "1");
    for (int i = 0; i < 200; i++)
        strcat(data, "]");
    char stars[1200];
    snprintf(stars, sizeof stars, "{\"var\": {\"cat\": [\"%s\"]}}", path);
    ck_assert_str_eq(eval(stars, data), "!Limit");
    snprintf(stars, sizeof stars, "{\"var\": {\"cat\": [\"%.23s\"]}}", path);  /* 12 stars */
    ck_assert_str_eq(eval(stars, "[[[[[[[[[[[[7]]]]]]]]]]]]"), "[7]");
}
END_TEST

START_TEST(test_logic_compile_errors_name_the_operator)
{
    ck_assert_str_eq(eval("{\"sum_of\": [1]}", "null"), "!!Unknown Operator");
    ck_assert_str_eq(eval("{\"==\": [1]}", "null"), "!!Invalid Arguments");
    ck_assert_str_eq(eval("{\"if\": \"x\"}", "null"), "!!Invalid Arguments");
    ck_assert_str_eq(eval("{\"in_codelist\": [\"CNY\", \"currency\"]}", "null"), "!!Invalid Arguments");
    ck_assert_str_eq(eval("{\"+\": [1e999999999]}", "null"), "!!Range");
    /* log returns its value and prints nothing */
    ck_assert_str_eq(eval("{\"log\": {\"var\": \"a\"}}", "{\"a\": [1]}"), "[1]");
    /* objects with other than one key are data */
    ck_assert_str_eq(eval("{\"if\": [true, {\"a\": 1, \"b\": 2}]}", "null"), "{\"a\":1,\"b\":2}");
    ck_assert_str_eq(eval("{\"preserve\": {\"var\": \"a\"}}", "null"), "{\"var\":\"a\"}");
}
END_TEST

/* ---- the public handle ---- */

START_TEST(test_logic_public_api)
{
    cbec_logic *l = NULL;
    cbec_error *err = NULL;
    const char *rule = "{\"==\": [{\"var\": \"goodsValue\"}, {\"sum\": {\"var\": \"items.*.lineTotal\"}}]}";
    ck_assert_int_eq(cbec_logic_compile(&l, rule, strlen(rule), &err), CBEC_OK);
    const char *res = NULL;
    size_t len = 0;
    const char *d1 = "{\"goodsValue\": \"388.50\", \"items\": [{\"lineTotal\": \"300.00\"}, {\"lineTotal\": \"88.50\"}]}";
    ck_assert_int_eq(cbec_logic_eval(l, d1, strlen(d1), &res, &len, &err), CBEC_OK);
    ck_assert_str_eq(res, "true");
    ck_assert_uint_eq(len, 4);
    ck_assert_str_eq(cbec_logic_error_type(l), "");
    const char *d2 = "{\"goodsValue\": \"388.50\", \"items\": [{\"lineTotal\": \"x\"}]}";
    ck_assert_int_eq(cbec_logic_eval(l, d2, strlen(d2), &res, &len, &err), CBEC_EINVAL);
    ck_assert_ptr_null(res);
    ck_assert_str_eq(cbec_logic_error_type(l), "NaN");
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "not a number"));
    cbec_error_free(err);
    err = NULL;
    ck_assert_int_eq(cbec_logic_eval(l, "{", 1, &res, NULL, &err), CBEC_EINVAL);
    ck_assert_str_eq(cbec_logic_error_type(l), "Data");
    cbec_error_free(err);
    err = NULL;
    /* data that fails inside an escape does not change the next data read */
    const char *d3 = "{\"goodsValue\": \"\\ud836\\udeeC\\uC-\"}";
    ck_assert_int_eq(cbec_logic_eval(l, d3, strlen(d3), &res, NULL, NULL), CBEC_EINVAL);
    cbec_logic *echo = NULL;
    ck_assert_int_eq(cbec_logic_compile(&echo, "{\"var\": \"s\"}", 12, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_logic_eval(echo, d3, strlen(d3), &res, NULL, NULL), CBEC_EINVAL);
    const char *d4 = "{\"s\": \"\\u00e9\"}";
    ck_assert_int_eq(cbec_logic_eval(echo, d4, strlen(d4), &res, NULL, NULL), CBEC_OK);
    ck_assert_str_eq(res, "\"\xC3\xA9\"");
    cbec_logic_free(echo);
    ck_assert_int_eq(cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_OPERATIONS, 3), CBEC_OK);
    ck_assert_int_eq(cbec_logic_eval(l, d1, strlen(d1), &res, NULL, NULL), CBEC_ELIMIT);
    ck_assert_str_eq(cbec_logic_error_type(l), "Limit");
    ck_assert_int_eq(cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_DEPTH, 5000), CBEC_ELIMIT);
    ck_assert_int_eq(cbec_logic_set_limit(l, 99, 1), CBEC_EINVAL);
    cbec_logic_free(l);

    const char *bad = "{\"and\": [true,\n {\"frobnicate\": 1}]}";
    ck_assert_int_eq(cbec_logic_compile(&l, bad, strlen(bad), &err), CBEC_EINVAL);
    ck_assert_ptr_null(l);
    ck_assert_uint_eq(cbec_error_line(err), 2);
    ck_assert_str_eq(cbec_error_path(err), "/and/1");
    cbec_error_free(err);
    ck_assert_int_eq(cbec_logic_compile(NULL, "1", 1, NULL), CBEC_EINVAL);
    cbec_logic_free(NULL);
}
END_TEST

/* A thrown type is rule or data text: the accessor gives it as thrown, the
 * error message shows its control characters escaped (found by the logic
 * fuzz target), and a long type is cut between characters. */
START_TEST(test_logic_thrown_type_is_escaped_in_the_message)
{
    cbec_logic *l = NULL;
    cbec_error *err = NULL;
    const char *rule = "{\"throw\": {\"var\": \"t\"}}";
    ck_assert_int_eq(cbec_logic_compile(&l, rule, strlen(rule), &err), CBEC_OK);
    const char *res = NULL;
    const char *d1 = "{\"t\": \"Bad\\u001b[2J\\nline\"}";
    ck_assert_int_eq(cbec_logic_eval(l, d1, strlen(d1), &res, NULL, &err), CBEC_EINVAL);
    ck_assert_ptr_null(res);
    ck_assert_str_eq(cbec_logic_error_type(l), "Bad\x1b[2J\nline");
    const char *m = cbec_error_message(err);
    for (const char *c = m; *c; c++)
        ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "control character in \"%s\"", m);
    ck_assert_ptr_nonnull(strstr(m, "Bad\\u001b[2J\\nline: "));
    cbec_error_free(err);
    err = NULL;
    /* 30 three-byte characters: 90 bytes, cut to 63 = 21 whole ones */
    char d2[200] = "{\"t\": \"";
    for (int i = 0; i < 30; i++)
        strcat(d2, "错");
    strcat(d2, "\"}");
    ck_assert_int_eq(cbec_logic_eval(l, d2, strlen(d2), &res, NULL, &err), CBEC_EINVAL);
    ck_assert_uint_eq(strlen(cbec_logic_error_type(l)), 63);
    ck_assert_int_eq(strncmp(cbec_logic_error_type(l), d2 + 7, 63), 0);
    ck_assert_ptr_null(strstr(cbec_error_message(err), "\\x"));
    cbec_error_free(err);
    err = NULL;
    /* an empty type still classifies the failure (found by the fuzzer) */
    const char *d3 = "{\"t\": \"\"}";
    ck_assert_int_eq(cbec_logic_eval(l, d3, strlen(d3), &res, NULL, &err), CBEC_EINVAL);
    ck_assert_str_eq(cbec_logic_error_type(l), "Unknown");
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "Unknown: "));
    cbec_error_free(err);
    cbec_logic_free(l);
}
END_TEST

/* ---- rules in packs ---- */

static const char *pack_text =
    "{\"cbecstd_pack\": 1, \"id\": \"T-LOGIC\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\","
    " \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},"
    " \"codelists\": {\"cur\": {\"codes\": [\"CNY\", \"JPY\"]}},"
    " \"messages\": {\"inv\": {\"json\": {\"detect\": {\"path\": \"/t\", \"equals\": \"inv\"}}, \"rules\": ["
    "  {\"id\": \"R-LINE\", \"path\": \"/lines/*/total\","
    "   \"logic\": {\"assert\": {\"==\": [{\"var\": \"$value\"}, {\"*\": [{\"var\": \"$item.q\"}, {\"var\": \"$item.p\"}]}]},"
    "              \"expected\": {\"*\": [{\"var\": \"$item.q\"}, {\"var\": \"$item.p\"}]}},"
    "   \"message\": {\"en\": \"total {value} should be {expected}\", \"zh-CN\": \"总价 {value} 应为 {expected}\"}},"
    "  {\"id\": \"R-CUR\", \"path\": \"/cur\", \"logic\": {\"in_codelist\": [{\"var\": \"$value\"}, \"cur\"]}},"
    "  {\"id\": \"R-WHEN\", \"path\": \"/note\", \"when\": {\"==\": [{\"var\": \"$root.kind\"}, \"B2B\"]},"
    "   \"maxLength\": 2}"
    " ]}}}";

static cbec_report *validate_with(const char *pack, const char *msg)
{
    cbec_pack *p = NULL;
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, pack, strlen(pack), "test.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "pack: %s", err ? cbec_error_message(err) : cbec_strerror(st));
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_pack_free(p);
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(v, reg, NULL, CBEC_FORMAT_JSON, msg, strlen(msg), &r), CBEC_OK);
    cbec_validator_free(v);
    cbec_registry_free(reg);
    return r;
}

START_TEST(test_logic_rules_in_a_pack)
{
    const char *msg = "{\"t\": \"inv\", \"cur\": \"USD\", \"kind\": \"B2B\", \"note\": \"long\","
                      " \"lines\": [{\"q\": \"2\", \"p\": \"1.25\", \"total\": \"2.50\"},"
                      " {\"q\": \"3\", \"p\": \"1.10\", \"total\": \"3.20\"}]}";
    cbec_report *r = validate_with(pack_text, msg);
    ck_assert_uint_eq(cbec_report_count(r), 3);
    int seen = 0;
    for (size_t i = 0; i < cbec_report_count(r); i++) {
        const char *rule = cbec_finding_rule(r, i);
        if (!strcmp(rule, "R-LINE")) {
            ck_assert_str_eq(cbec_finding_path(r, i), "/lines/1/total");
            ck_assert_str_eq(cbec_finding_message(r, i, "en"), "total \"3.20\" should be 3.30");
            seen |= 1;
        } else if (!strcmp(rule, "R-CUR")) {
            ck_assert_str_eq(cbec_finding_path(r, i), "/cur");
            seen |= 2;
        } else if (!strcmp(rule, "R-WHEN")) {
            seen |= 4;
        }
    }
    ck_assert_int_eq(seen, 7);
    cbec_report_free(r);
    /* the condition switches the length check off */
    const char *msg2 = "{\"t\": \"inv\", \"cur\": \"JPY\", \"kind\": \"B2C\", \"note\": \"long\", \"lines\": []}";
    r = validate_with(pack_text, msg2);
    ck_assert_uint_eq(cbec_report_count(r), 0);
    cbec_report_free(r);
}
END_TEST

START_TEST(test_logic_bad_rule_is_a_pack_error_with_position)
{
    const char *pack =
        "{\"cbecstd_pack\": 1, \"id\": \"T-BAD\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"data\",\n"
        " \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},\n"
        " \"messages\": {\"inv\": {\"rules\": [\n"
        "  {\"id\": \"R1\", \"path\": \"\", \"logic\": {\"and\": [true, {\"in_codelist\": [1, \"nope\"]}]}}\n"
        " ]}}}";
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_buffer(&p, pack, strlen(pack), "bad.pack.json", NULL, NULL, &err), CBEC_EPACK);
    ck_assert_uint_eq(cbec_error_line(err), 4);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "unknown code list \"nope\""));
    ck_assert_str_eq(cbec_error_path(err), "/messages/inv/rules/0/logic/and/1/in_codelist/1");
    cbec_error_free(err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("logic");
    TCase *tc = tcase_create("logic");
    tcase_add_test(tc, test_logic_money_arithmetic_is_exact);
    tcase_add_test(tc, test_logic_division_has_34_digits_and_no_infinity);
    tcase_add_test(tc, test_logic_products_past_38_digits_round_to_34);
    tcase_add_test(tc, test_logic_comparisons_follow_documented_coercions);
    tcase_add_test(tc, test_logic_strings_follow_javascript);
    tcase_add_test(tc, test_logic_var_paths_defaults_and_wildcards);
    tcase_add_test(tc, test_logic_rule_context_names);
    tcase_add_test(tc, test_logic_iterators_and_scopes);
    tcase_add_test(tc, test_logic_rounding_and_currencies);
    tcase_add_test(tc, test_logic_every_currency_code_has_its_minor_unit);
    tcase_add_test(tc, test_logic_numbers_in_text_read_as_exact_decimals);
    tcase_add_test(tc, test_logic_decimal_and_is_decimal_are_strict);
    tcase_add_test(tc, test_logic_date_times_compare_as_instants);
    tcase_add_test(tc, test_logic_cost_limit_is_an_error_try_cannot_catch);
    tcase_add_test(tc, test_logic_memory_limit_is_an_error);
    tcase_add_test(tc, test_logic_depth_limits_compile_and_run);
    tcase_add_test(tc, test_logic_compile_errors_name_the_operator);
    tcase_add_test(tc, test_logic_public_api);
    tcase_add_test(tc, test_logic_thrown_type_is_escaped_in_the_message);
    tcase_add_test(tc, test_logic_rules_in_a_pack);
    tcase_add_test(tc, test_logic_bad_rule_is_a_pack_error_with_position);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
