/* test-rules-schema.c - JSON Schema: compile errors with positions, $ref
 * cycles and bounds, exact numbers, unevaluated*, formats, ECMA-262
 * patterns, URI resolution, resources and the pack / bare-schema API. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbecstd.h"
#include "core/core.h"
#include "doc/doc.h"
#include "rules/schema-int.h"
#include "rules/schema-pack.h"
#include "test-run.h"

/* ---- helpers: JSON texts as documents ---- */

typedef struct jdoc {
    cbec_json_reader *rd;
    cbec_arena arena;
    cbec_doc doc;
    char *text;
} jdoc;

static jdoc *jparse(const char *text)
{
    jdoc *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->text = strdup(text);
    d->rd = cbec__json_reader_new(512);
    cbec__arena_init(&d->arena);
    cbec_read_error re;
    bool oom = false;
    cbec_read_limits lim = {1u << 24, 512, 0};
    ck_assert_msg(cbec__json_read(d->rd, d->text, strlen(d->text), &lim, &d->arena, &d->doc, &re, &oom),
                  "bad test JSON: %s", text);
    cbec__json_positions(&d->doc);
    return d;
}

static void jfree(jdoc *d)
{
    if (!d)
        return;
    cbec__json_release(d->rd, &d->doc);
    cbec__json_reader_free(d->rd);
    cbec__arena_free(&d->arena);
    free(d->text);
    free(d);
}

typedef struct compiled {
    jdoc *src;
    cbec_schema *s;
} compiled;

static compiled compile_cfg(const char *schema, const cbec_schema_config *cfg)
{
    compiled c = {jparse(schema), NULL};
    cbec_schema_error e;
    ck_assert_msg(cbec__schema_compile_node(cfg, c.src->doc.root, NULL, &c.s, &e), "compile failed: %s at %s",
                  e.message, e.pointer);
    return c;
}

static compiled compile(const char *schema)
{
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    return compile_cfg(schema, &cfg);
}

static compiled compile_fmt(const char *schema)
{
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.format_assert = true;
    return compile_cfg(schema, &cfg);
}

static void cfree(compiled *c)
{
    cbec__schema_free(c->s);
    jfree(c->src);
}

/* Failures of one validation, as "pointer|code|location|expected" lines. */
typedef struct collected {
    cbec_buf lines;
    size_t n;
} collected;

static const cbec_node *instance_root;
static void pointer_below(const cbec_node *top, const cbec_node *n, cbec_buf *b);

static void collect(void *ud, const cbec_schema_failure *f)
{
    collected *c = ud;
    pointer_below(instance_root, f->at, &c->lines);
    cbec__buf_addf(&c->lines, "|%d|%s|%s\n", (int)f->code, f->location, f->expected);
    c->n++;
}

/* The JSON reader takes objects and arrays only: scalars travel in "[...]"
 * and pointers are taken from the wrapped value. */

static void pointer_below(const cbec_node *top, const cbec_node *n, cbec_buf *b)
{
    if (!n || n == top)
        return;
    pointer_below(top, n->parent, b);
    cbec__buf_addc(b, '/');
    if (n->key)
        cbec__buf_add_pointer_token(b, n->key, n->keylen);
    else
        cbec__buf_add_ulong(b, n->index);
}

static jdoc *jparse_value(const char *text, const cbec_node **value)
{
    size_t n = strlen(text) + 3;
    char *wrapped = malloc(n);
    ck_assert_ptr_nonnull(wrapped);
    snprintf(wrapped, n, "[%s]", text);
    jdoc *d = jparse(wrapped);
    free(wrapped);
    *value = &d->doc.root->children[0];
    return d;
}

static bool run_instance(const compiled *c, const char *instance, collected *out)
{
    const cbec_node *value;
    jdoc *d = jparse_value(instance, &value);
    instance_root = value;
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    cbec_schema_run run = {rx, out ? collect : NULL, out, 0, 0};
    bool ok = cbec__schema_validate(c->s, value, &run);
    cbec__regex_scratch_free(rx);
    jfree(d);
    return ok;
}

static bool valid(const compiled *c, const char *instance) { return run_instance(c, instance, NULL); }

/* One schema, one instance: the verdict. */
static bool check1(const char *schema, const char *instance)
{
    compiled c = compile(schema);
    bool ok = valid(&c, instance);
    cfree(&c);
    return ok;
}

static bool check_fmt(const char *format, const char *value)
{
    char schema[128], inst[512];
    snprintf(schema, sizeof schema, "{\"format\": \"%s\"}", format);
    snprintf(inst, sizeof inst, "\"%s\"", value);
    compiled c = compile_fmt(schema);
    bool ok = valid(&c, inst);
    cfree(&c);
    return ok;
}

static cbec_schema_error compile_error(const char *schema)
{
    jdoc *d = jparse(schema);
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cbec_schema *s = NULL;
    cbec_schema_error e;
    ck_assert_msg(!cbec__schema_compile_node(&cfg, d->doc.root, NULL, &s, &e), "compiled: %s", schema);
    ck_assert_ptr_null(s);
    jfree(d);
    return e;
}

/* A scratch directory with files. */
static char tmpdir[64];

static void make_dir(void)
{
    strcpy(tmpdir, "/tmp/cbec-schema-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- compile errors ---- */

START_TEST(test_schema_compile_error_has_pointer_and_position)
{
    cbec_schema_error e = compile_error("{\n  \"properties\": {\n    \"a\": {\"minLength\": -1}\n  }\n}");
    ck_assert_str_eq(e.pointer, "/properties/a/minLength");
    ck_assert_uint_eq(e.line, 3);
    ck_assert_uint_eq(e.column, 24);
    ck_assert_ptr_nonnull(strstr(e.message, "non-negative integer"));

    e = compile_error("{\"type\": \"text\"}");
    ck_assert_str_eq(e.pointer, "/type");
    e = compile_error("{\"type\": [\"string\", 5]}");
    ck_assert_str_eq(e.pointer, "/type/1");
    e = compile_error("{\"pattern\": \"(?i)abc\"}");
    ck_assert_ptr_nonnull(strstr(e.message, "ECMA-262"));
    e = compile_error("{\"patternProperties\": {\"a{\": true}}");
    ck_assert_str_eq(e.pointer, "/patternProperties/a{");
    e = compile_error("{\"allOf\": []}");
    ck_assert_str_eq(e.pointer, "/allOf");
    e = compile_error("{\"multipleOf\": 0}");
    ck_assert_str_eq(e.pointer, "/multipleOf");
    e = compile_error("{\"$ref\": \"#/$defs/missing\"}");
    ck_assert_ptr_nonnull(strstr(e.message, "no such location"));
    e = compile_error("{\"$ref\": \"#nowhere\"}");
    ck_assert_ptr_nonnull(strstr(e.message, "no anchor"));
    e = compile_error("{\"items\": 5}");
    ck_assert_str_eq(e.pointer, "/items");
    e = compile_error("{\"$schema\": \"https://example.com/unknown-dialect\"}");
    ck_assert_ptr_nonnull(strstr(e.message, "never fetched from the network"));
    e = compile_error("{\"required\": [\"a\", 1]}");
    ck_assert_str_eq(e.pointer, "/required/1");
    e = compile_error("[]");
    ck_assert_ptr_nonnull(strstr(e.message, "object or a boolean"));
}
END_TEST

START_TEST(test_schema_remote_refs_are_never_fetched)
{
    cbec_schema_error e = compile_error("{\"$ref\": \"https://example.com/schema.json\"}");
    ck_assert_ptr_nonnull(strstr(e.message, "https://example.com/schema.json"));
    ck_assert_ptr_nonnull(strstr(e.message, "never fetched"));
}
END_TEST

/* ---- references ---- */

START_TEST(test_schema_ref_cycles_terminate)
{
    /* a cycle that never reaches the instance again: bounded by depth */
    compiled c = compile("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}},"
                         " \"$ref\": \"#/$defs/a\"}");
    collected col = {{0}, 0};
    cbec__buf_init(&col.lines);
    ck_assert(!run_instance(&c, "1", &col));
    ck_assert_uint_eq(col.n, 1);
    char want[32];
    snprintf(want, sizeof want, "|%d|", (int)CBEC_SF_DEPTH);
    ck_assert_ptr_nonnull(strstr(cbec__buf_cstr(&col.lines), want));
    cbec__buf_free(&col.lines);
    cfree(&c);

    /* a recursive schema on recursive data terminates with the data */
    c = compile("{\"type\": \"object\", \"properties\": {\"kids\": {\"type\": \"array\", \"items\": {\"$ref\": \"#\"}},"
                " \"n\": {\"type\": \"integer\"}}}");
    ck_assert(valid(&c, "{\"n\": 1, \"kids\": [{\"n\": 2, \"kids\": [{\"n\": 3}]}, {\"kids\": []}]}"));
    ck_assert(!valid(&c, "{\"n\": 1, \"kids\": [{\"n\": 2, \"kids\": [{\"n\": \"x\"}]}]}"));
    cfree(&c);

    /* $ref to itself through an anchor and $id */
    c = compile("{\"$id\": \"urn:example:tree\", \"$anchor\": \"node\", \"type\": \"array\","
                " \"items\": {\"$ref\": \"urn:example:tree#node\"}}");
    ck_assert(valid(&c, "[[], [[]]]"));
    ck_assert(!valid(&c, "[[], [1]]"));
    cfree(&c);
}
END_TEST

START_TEST(test_schema_work_is_bounded)
{
    /* a small schema with 2^20 ways to fail: level k is anyOf of level k-1 twice */
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, "{\"$defs\": {\"l0\": {\"type\": \"null\"}");
    for (int i = 1; i <= 20; i++)
        cbec__buf_addf(&b, ", \"l%d\": {\"anyOf\": [{\"$ref\": \"#/$defs/l%d\"}, {\"$ref\": \"#/$defs/l%d\"}]}", i,
                       i - 1, i - 1);
    cbec__buf_adds(&b, "}, \"$ref\": \"#/$defs/l20\"}");
    compiled c = compile(cbec__buf_cstr(&b));
    cbec__buf_free(&b);
    const cbec_node *five;
    jdoc *d = jparse_value("5", &five);
    instance_root = five;
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    collected col = {{0}, 0};
    cbec__buf_init(&col.lines);
    cbec_schema_run run = {rx, collect, &col, 0, 500};
    ck_assert(!cbec__schema_validate(c.s, five, &run));
    char want[32];
    snprintf(want, sizeof want, "|%d|", (int)CBEC_SF_BUDGET);
    ck_assert_ptr_nonnull(strstr(cbec__buf_cstr(&col.lines), want));
    /* with the default budget the same question is decided */
    run.max_steps = 0;
    ck_assert(!cbec__schema_validate(c.s, five, &run));
    cbec__buf_free(&col.lines);
    cbec__regex_scratch_free(rx);
    jfree(d);
    cfree(&c);
}
END_TEST

START_TEST(test_schema_dynamic_ref_uses_the_dynamic_scope)
{
    compiled c = compile(
        "{\"$id\": \"https://example.com/strict\", \"$dynamicAnchor\": \"node\", \"$ref\": \"tree\","
        " \"unevaluatedProperties\": false,"
        " \"$defs\": {\"tree\": {\"$id\": \"tree\", \"$dynamicAnchor\": \"node\", \"type\": \"object\","
        "   \"properties\": {\"data\": true, \"children\": {\"type\": \"array\", \"items\": {\"$dynamicRef\": \"#node\"}}}}}}");
    ck_assert(valid(&c, "{\"children\": [{\"data\": 1, \"children\": []}]}"));
    /* the misspelling deep inside is caught because the strict root is in scope */
    ck_assert(!valid(&c, "{\"children\": [{\"daat\": 1}]}"));
    cfree(&c);
}
END_TEST

START_TEST(test_schema_metaschemas_are_built_in)
{
    compiled c = compile("{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}");
    ck_assert(valid(&c, "{\"type\": \"string\", \"minLength\": 1}"));
    ck_assert(!valid(&c, "{\"type\": 5}"));
    ck_assert(!valid(&c, "{\"minLength\": -1}"));
    ck_assert(!valid(&c, "{\"properties\": {\"a\": {\"$defs\": {\"x\": {\"required\": \"a\"}}}}}"));
    cfree(&c);
    c = compile("{\"$ref\": \"http://json-schema.org/draft-07/schema#\"}");
    ck_assert(valid(&c, "{\"items\": [{\"type\": \"string\"}], \"additionalItems\": false}"));
    ck_assert(!valid(&c, "{\"additionalItems\": 5}"));
    cfree(&c);
}
END_TEST

START_TEST(test_schema_big_instances_stay_fast)
{
    /* two equal objects of 20000 members each: compared in key order */
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_addc(&b, '[');
    for (int k = 0; k < 2; k++) {
        cbec__buf_adds(&b, k ? ",{" : "{");
        for (int i = 0; i < 20000; i++)
            cbec__buf_addf(&b, "%s\"k%d\": %d", i ? "," : "", k ? 19999 - i : i, k ? 19999 - i : i);
        cbec__buf_addc(&b, '}');
    }
    cbec__buf_addc(&b, ']');
    compiled c = compile("{\"uniqueItems\": true}");
    ck_assert(!valid(&c, cbec__buf_cstr(&b)));
    cfree(&c);
    /* many required names against a big object */
    cbec_buf sch;
    cbec__buf_init(&sch);
    cbec__buf_adds(&sch, "{\"items\": {\"required\": [");
    for (int i = 0; i < 2000; i++)
        cbec__buf_addf(&sch, "%s\"k%d\"", i ? "," : "", i * 10);
    cbec__buf_adds(&sch, ", \"absent\"]}}");
    c = compile(cbec__buf_cstr(&sch));
    collected col = {{0}, 0};
    cbec__buf_init(&col.lines);
    ck_assert(!run_instance(&c, cbec__buf_cstr(&b), &col));
    ck_assert_uint_eq(col.n, 2); /* "absent", in each item */
    cbec__buf_free(&col.lines);
    cfree(&c);
    cbec__buf_free(&sch);
    cbec__buf_free(&b);
}
END_TEST

/* ---- numbers ---- */

START_TEST(test_schema_multiple_of_is_exact)
{
    compiled c = compile("{\"multipleOf\": 0.01}");
    ck_assert(valid(&c, "19.99"));
    ck_assert(valid(&c, "0.07"));
    ck_assert(valid(&c, "1e2"));
    ck_assert(valid(&c, "-413.85"));
    ck_assert(valid(&c, "123456789012345678901234567890123456789012.35"));
    ck_assert(valid(&c, "1e400"));
    ck_assert(valid(&c, "2.50e-1"));
    ck_assert(!valid(&c, "10.005"));
    ck_assert(!valid(&c, "1e-3"));
    ck_assert(valid(&c, "\"10.005\"")); /* strings are not numbers */
    cfree(&c);
    c = compile("{\"multipleOf\": 0.0001}");
    ck_assert(valid(&c, "8.1000"));
    ck_assert(!valid(&c, "8.10001"));
    cfree(&c);
}
END_TEST

START_TEST(test_schema_bounds_and_integers_are_exact)
{
    ck_assert(!check1("{\"maximum\": 0.3}", "0.30000000000000000001"));
    ck_assert(check1("{\"maximum\": 0.3}", "0.3"));
    ck_assert(!check1("{\"exclusiveMaximum\": 0.3}", "0.30"));
    ck_assert(check1("{\"minimum\": -1e400}", "-1e399"));
    ck_assert(!check1("{\"minimum\": 12345678901234567890123456789012345678901}",
                      "12345678901234567890123456789012345678900"));
    ck_assert(check1("{\"type\": \"integer\"}", "1.0"));
    ck_assert(check1("{\"type\": \"integer\"}", "1e400"));
    ck_assert(!check1("{\"type\": \"integer\"}", "1.5"));
    ck_assert(!check1("{\"type\": \"integer\"}", "1e-400"));
    ck_assert(check1("{\"const\": 1}", "1.00"));
    ck_assert(check1("{\"enum\": [{\"a\": [1, 2.0]}]}", "{\"a\": [1.0, 2]}"));
    ck_assert(!check1("{\"enum\": [1]}", "true"));
    ck_assert(!check1("{\"uniqueItems\": true}", "[1, {\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1.0}]"));
    ck_assert(check1("{\"uniqueItems\": true}", "[1, \"1\", true, [1], {\"a\": 1}]"));
}
END_TEST

START_TEST(test_schema_multiple_of_large_exponents)
{
    /* 10^300 mod 3 == 1: not a multiple; 3e300 is */
    ck_assert(!check1("{\"multipleOf\": 3}", "1e300"));
    ck_assert(check1("{\"multipleOf\": 3}", "3e300"));
    ck_assert(check1("{\"multipleOf\": 7}", "7000000000000000000000000000000000000000000000"));
    ck_assert(!check1("{\"multipleOf\": 7}", "7000000000000000000000000000000000000000000001"));
    ck_assert(check1("{\"multipleOf\": 1e-8}", "8.12345678"));
    ck_assert(!check1("{\"multipleOf\": 1e-8}", "8.123456789"));
}
END_TEST

/* ---- annotations ---- */

START_TEST(test_schema_unevaluated_properties_see_in_place_applicators)
{
    compiled c = compile("{\"properties\": {\"a\": true}, \"allOf\": [{\"properties\": {\"b\": true}}],"
                         " \"anyOf\": [{\"properties\": {\"c\": true}, \"required\": [\"c\"]}, {\"properties\": {\"d\": true}}],"
                         " \"if\": {\"properties\": {\"kind\": {\"const\": \"x\"}}, \"required\": [\"kind\"]},"
                         " \"then\": {\"properties\": {\"x\": true}},"
                         " \"unevaluatedProperties\": false}");
    ck_assert(valid(&c, "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}"));
    ck_assert(valid(&c, "{\"kind\": \"x\", \"x\": 1}"));
    ck_assert(!valid(&c, "{\"kind\": \"y\", \"x\": 1}"));
    ck_assert(!valid(&c, "{\"e\": 1}"));
    collected col = {{0}, 0};
    cbec__buf_init(&col.lines);
    ck_assert(!run_instance(&c, "{\"a\": 1, \"e\": 1, \"f\": 2}", &col));
    ck_assert_uint_eq(col.n, 2);
    char want[64];
    snprintf(want, sizeof want, "/e|%d|/unevaluatedProperties|e\n", (int)CBEC_SF_PROPERTY_NOT_ALLOWED);
    ck_assert_ptr_nonnull(strstr(cbec__buf_cstr(&col.lines), want));
    cbec__buf_free(&col.lines);
    cfree(&c);

    /* a failing branch's annotations do not count */
    c = compile("{\"anyOf\": [{\"properties\": {\"a\": {\"type\": \"string\"}}}, true],"
                " \"unevaluatedProperties\": false}");
    ck_assert(valid(&c, "{\"a\": \"s\"}"));
    ck_assert(!valid(&c, "{\"a\": 1}"));
    cfree(&c);
    /* and "not" never contributes any */
    c = compile("{\"not\": {\"not\": {\"properties\": {\"b\": true}}}, \"unevaluatedProperties\": false}");
    ck_assert(!valid(&c, "{\"b\": 1}"));
    ck_assert(valid(&c, "{}"));
    cfree(&c);

    /* nested unevaluatedProperties only sees its own subschemas */
    c = compile("{\"properties\": {\"a\": true}, \"allOf\": [{\"unevaluatedProperties\": false}]}");
    ck_assert(!valid(&c, "{\"a\": 1}"));
    ck_assert(valid(&c, "{}"));
    cfree(&c);
}
END_TEST

START_TEST(test_schema_unevaluated_items_see_prefix_items_and_contains)
{
    compiled c = compile("{\"prefixItems\": [{\"type\": \"string\"}], \"contains\": {\"type\": \"number\"},"
                         " \"unevaluatedItems\": false}");
    ck_assert(valid(&c, "[\"a\", 1, 2]"));
    ck_assert(!valid(&c, "[\"a\", 1, true]"));
    cfree(&c);
    c = compile("{\"allOf\": [{\"prefixItems\": [true, true]}], \"unevaluatedItems\": {\"type\": \"boolean\"}}");
    ck_assert(valid(&c, "[1, 2, true, false]"));
    ck_assert(!valid(&c, "[1, 2, 3]"));
    cfree(&c);
    c = compile("{\"$ref\": \"#/$defs/pair\", \"unevaluatedItems\": false,"
                " \"$defs\": {\"pair\": {\"prefixItems\": [true, true]}}}");
    ck_assert(valid(&c, "[1, 2]"));
    ck_assert(!valid(&c, "[1, 2, 3]"));
    cfree(&c);
}
END_TEST

/* ---- formats ---- */

START_TEST(test_schema_format_is_an_annotation_by_default)
{
    ck_assert(check1("{\"format\": \"date\"}", "\"2024-02-30\""));
    ck_assert(check1("{\"format\": \"email\"}", "\"not an address\""));
    ck_assert(check1("{\"format\": \"no-such-format\"}", "\"x\""));
    /* and an assertion when asked, from the options or a vocabulary */
    ck_assert(!check_fmt("date", "2024-02-30"));
    ck_assert(check_fmt("date", "2024-02-29"));
    ck_assert(check_fmt("no-such-format", "x"));
}
END_TEST

START_TEST(test_schema_formats_assert)
{
    ck_assert(check_fmt("date-time", "2026-11-27T10:15:30+08:00"));
    ck_assert(check_fmt("date-time", "1998-12-31T23:59:60Z"));
    ck_assert(check_fmt("date-time", "2026-11-27t10:15:30.123456789012z"));
    ck_assert(!check_fmt("date-time", "2026-11-27T10:15:30"));
    ck_assert(!check_fmt("date-time", "2026-11-27T22:59:60Z"));
    ck_assert(check_fmt("time", "23:59:60+00:00"));
    ck_assert(!check_fmt("time", "12:00:00"));
    ck_assert(check_fmt("duration", "P1Y2M3DT4H5M6S"));
    ck_assert(check_fmt("duration", "P2W"));
    ck_assert(!check_fmt("duration", "P1Y2D"));
    ck_assert(!check_fmt("duration", "PT1H2S"));
    ck_assert(check_fmt("email", "zhang.wei@example.cn"));
    ck_assert(check_fmt("email", "\\\"joe bloggs\\\"@example.com"));
    ck_assert(check_fmt("email", "joe@[IPv6:::1]"));
    ck_assert(!check_fmt("email", "te..st@example.com"));
    ck_assert(check_fmt("idn-email", "实例@实例.测试"));
    ck_assert(check_fmt("hostname", "xn--ihqwcrb4cv8a8dqg056pqjye"));
    ck_assert(!check_fmt("hostname", "xn--X"));
    ck_assert(!check_fmt("hostname", "-a.com"));
    ck_assert(check_fmt("idn-hostname", "实例.测试"));
    ck_assert(!check_fmt("idn-hostname", "a\u05d0"));
    ck_assert(check_fmt("ipv4", "192.168.0.1"));
    ck_assert(!check_fmt("ipv4", "192.168.00.1"));
    ck_assert(check_fmt("ipv6", "::ffff:192.168.0.1"));
    ck_assert(!check_fmt("ipv6", "1:2:3:4:5:6:7:8:9"));
    ck_assert(check_fmt("uri", "https://example.com/a?b=c#d"));
    ck_assert(!check_fmt("uri", "//example.com/a"));
    ck_assert(check_fmt("uri-reference", "//example.com/a"));
    ck_assert(!check_fmt("uri-reference", "\\\\\\\\WINDOWS\\\\share"));
    ck_assert(check_fmt("iri", "https://例子.测试/路径"));
    ck_assert(!check_fmt("uri", "https://例子.测试/路径"));
    ck_assert(check_fmt("uuid", "3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f"));
    ck_assert(!check_fmt("uuid", "3f2b8c1e7d4a4e5b9c6d1a2b3c4d5e6f"));
    ck_assert(check_fmt("json-pointer", "/a~1b/c~0d"));
    ck_assert(!check_fmt("json-pointer", "/a~2"));
    ck_assert(check_fmt("relative-json-pointer", "0#"));
    ck_assert(!check_fmt("relative-json-pointer", "01/a"));
    ck_assert(check_fmt("uri-template", "http://example.com/{term:1}/{+path*}{?q,lang}"));
    ck_assert(!check_fmt("uri-template", "http://example.com/{term"));
    ck_assert(check_fmt("regex", "^[a-z]+(?<n>\\\\d)\\\\k<n>$"));
    ck_assert(!check_fmt("regex", "(?P<n>a)"));
    ck_assert(!check_fmt("regex", "\\\\a"));
}
END_TEST

/* ---- ECMA-262 patterns ---- */

START_TEST(test_schema_patterns_follow_ecma262)
{
    ck_assert(check1("{\"pattern\": \"^\\\\d+$\"}", "\"123\""));
    ck_assert(!check1("{\"pattern\": \"^\\\\d+$\"}", "\"١٢٣\""));        /* \d is ASCII */
    ck_assert(check1("{\"pattern\": \"^\\\\p{Letter}+$\"}", "\"中文Abc\""));
    ck_assert(!check1("{\"pattern\": \"^a.b$\"}", "\"a\\nb\""));     /* . stops at line ends */
    ck_assert(check1("{\"pattern\": \"^a[^]b$\"}", "\"a\\nb\""));   /* [^] matches anything */
    ck_assert(!check1("{\"pattern\": \"a[]b\"}", "\"ab\""));         /* [] matches nothing */
    ck_assert(check1("{\"pattern\": \"^\\\\s$\"}", "\"\\u00a0\"")); /* \s is Unicode space */
    ck_assert(check1("{\"pattern\": \"\\\\u4e2d\"}", "\"中国\""));
    ck_assert(check1("{\"pattern\": \"^\\\\uD83D\\\\uDE00$\"}", "\"\\uD83D\\uDE00\""));
    ck_assert(check1("{\"pattern\": \"a$\"}", "\"xa\""));
    ck_assert(!check1("{\"pattern\": \"a$\"}", "\"a\\n\""));         /* $ only at the very end */
    ck_assert(check1("{\"pattern\": \"es\"}", "\"test\""));         /* unanchored search */
    ck_assert(check1("{\"patternProperties\": {\"^x-\": {\"type\": \"integer\"}}, \"additionalProperties\": false}",
                     "{\"x-a\": 1}"));
    ck_assert(!check1("{\"patternProperties\": {\"^x-\": {\"type\": \"integer\"}}, \"additionalProperties\": false}",
                      "{\"y\": 1}"));

    cbec_buf out;
    cbec__buf_init(&out);
    char err[128];
    ck_assert(!cbec__ecma_to_pcre2("a**", 3, &out, err, sizeof err));
    ck_assert(!cbec__ecma_to_pcre2("a{", 2, &out, err, sizeof err));
    ck_assert(!cbec__ecma_to_pcre2("(?#c)", 5, &out, err, sizeof err));
    ck_assert(!cbec__ecma_to_pcre2("\\A", 2, &out, err, sizeof err));
    cbec__buf_reset(&out);
    ck_assert(cbec__ecma_to_pcre2("a{2,3}?", 7, &out, err, sizeof err));
    ck_assert_str_eq(cbec__buf_cstr(&out), "a{2,3}?");
    cbec__buf_free(&out);
}
END_TEST

/* ---- URIs ---- */

START_TEST(test_schema_uri_resolution_follows_rfc3986)
{
    /* RFC 3986 5.4.1 and 5.4.2 */
    static const char *const cases[][2] = {
        {"g:h", "g:h"},         {"g", "http://a/b/c/g"},       {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"},       {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"}, {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"}, {"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"},
        {"..", "http://a/b/"},  {"../g", "http://a/b/g"},      {"../..", "http://a/"},
        {"../../../g", "http://a/g"}, {"/./g", "http://a/g"},  {"g.", "http://a/b/c/g."},
        {"./../g", "http://a/b/g"}, {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = cbec__uri_resolve("http://a/b/c/d;p?q", cases[i][0]);
        ck_assert_msg(r && strcmp(r, cases[i][1]) == 0, "%s -> %s, expected %s", cases[i][0], r, cases[i][1]);
        free(r);
    }
    char *r = cbec__uri_resolve("urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed", "#/$defs/a");
    ck_assert_str_eq(r, "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#/$defs/a");
    free(r);
    r = cbec__uri_resolve(CBEC_SCHEMA_FILE_SCHEME "/schemas/a.json", "../../../etc/passwd");
    ck_assert_str_eq(r, CBEC_SCHEMA_FILE_SCHEME "/etc/passwd"); /* cannot climb above the root */
    free(r);
}
END_TEST

/* ---- files, resources and the pack API ---- */

START_TEST(test_schema_files_resolve_beside_the_schema_only)
{
    make_dir();
    put("api/main.json", "{\"$ref\": \"defs/money.json\"}");
    put("api/defs/money.json", "{\"type\": \"string\", \"pattern\": \"^-?[0-9]+(\\\\.[0-9]{1,2})?$\"}");
    put("api/escape.json", "{\"$ref\": \"../secret.json\"}");
    put("secret.json", "{\"type\": \"null\"}");
    put("api/percent.json", "{\"$ref\": \"%2e%2e/secret.json\"}");
    put("api/broken.json", "{\n  \"properties\": {\n    \"a\": {\"type\": \"nothing\"}\n  }\n}");
    char dir[128];
    snprintf(dir, sizeof dir, "%s/api", tmpdir);
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.base_dir = dir;
    cbec_schema *s = NULL;
    cbec_schema_error e;
    ck_assert_msg(cbec__schema_compile_file(&cfg, "main.json", &s, &e), "%s", e.message);
    cbec__schema_free(s);
    ck_assert(!cbec__schema_compile_file(&cfg, "escape.json", &s, &e));
    ck_assert_ptr_nonnull(strstr(e.message, "cannot resolve"));
    ck_assert(!cbec__schema_compile_file(&cfg, "percent.json", &s, &e));
    ck_assert(!cbec__schema_compile_file(&cfg, "broken.json", &s, &e));
    ck_assert_str_eq(e.pointer, "/properties/a/type");
    ck_assert_uint_eq(e.line, 3);
    ck_assert_ptr_nonnull(strstr(e.file, "broken.json"));

    /* a URI prefix served from a directory */
    put("remote/integer.json", "{\"type\": \"integer\"}");
    char rdir[128];
    snprintf(rdir, sizeof rdir, "%s/remote", tmpdir);
    cbec_schema_dir map = {"https://schemas.example.com/", rdir};
    cfg.dirs = &map;
    cfg.ndirs = 1;
    put("api/uses-remote.json", "{\"items\": {\"$ref\": \"https://schemas.example.com/integer.json\"}}");
    ck_assert_msg(cbec__schema_compile_file(&cfg, "uses-remote.json", &s, &e), "%s", e.message);
    cbec__schema_free(s);
    put("api/climbs.json", "{\"$ref\": \"https://schemas.example.com/../secret.json\"}");
    ck_assert(!cbec__schema_compile_file(&cfg, "climbs.json", &s, &e));
    remove_dir();
}
END_TEST

static cbec_report *validate_text(cbec_registry *reg, const char *type, const char *msg)
{
    cbec_validator *v = NULL;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *rep = NULL;
    ck_assert_int_eq(cbec_validate(v, reg, type, CBEC_FORMAT_JSON, msg, strlen(msg), &rep), CBEC_OK);
    cbec_validator_free(v);
    return rep;
}

START_TEST(test_schema_findings_name_pointer_keyword_and_rule)
{
    make_dir();
    put("schemas/order.json", "{\"type\": \"object\", \"required\": [\"orderNo\"],\n"
                              " \"properties\": {\"items\": {\"items\": {\"required\": [\"sku\"],"
                              " \"properties\": {\"price\": {\"type\": \"number\", \"multipleOf\": 0.01}}}}}}");
    put("t.pack.json", "{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\","
                       " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},"
                       " \"messages\": {\"order\": {\"json\": {\"schema\": \"schemas/order.json\","
                       " \"schemaRef\": \"GB/T 1 5.1\"}, \"rules\": []}}}");
    char path[128];
    snprintf(path, sizeof path, "%s/t.pack.json", tmpdir);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_msg(cbec_pack_load_file(&p, path, NULL, &err) == CBEC_OK, "%s", err ? cbec_error_message(err) : "");
    cbec_registry *reg = NULL;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_pack_free(p);
    cbec_report *rep = validate_text(reg, "order", "{\"items\": [{\"sku\": \"a\", \"price\": 19.99},\n {\"price\": 0.015}]}");
    ck_assert(!cbec_report_valid(rep));
    ck_assert_uint_eq(cbec_report_count(rep), 3);
    /* in document order: the root (required), then the second item */
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "ORDER-SCHEMA");
    ck_assert_str_eq(cbec_finding_path(rep, 0), "");
    ck_assert_str_eq(cbec_finding_ref(rep, 0), "GB/T 1 5.1");
    ck_assert_str_eq(cbec_finding_message(rep, 0, "en"), "required property orderNo is missing (schema /required)");
    ck_assert_str_eq(cbec_finding_path(rep, 1), "/items/1");
    ck_assert_str_eq(cbec_finding_message(rep, 1, "zh-CN"),
                     "缺少必需属性 sku（模式位置 /properties/items/items/required）");
    ck_assert_uint_eq(cbec_finding_line(rep, 1), 2);
    ck_assert_str_eq(cbec_finding_path(rep, 2), "/items/1/price");
    ck_assert_str_eq(cbec_finding_message(rep, 2, "en"),
                     "value \"0.015\" is not a multiple of 0.01 (schema /properties/items/items/properties/price/multipleOf)");
    cbec_report_free(rep);
    cbec_registry_free(reg);
    remove_dir();
}
END_TEST

START_TEST(test_schema_pack_errors_point_into_the_schema_file)
{
    make_dir();
    put("s.json", "{\n  \"properties\": {\"a\": {\"pattern\": \"(\"}}\n}");
    put("t.pack.json", "{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\","
                       " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},"
                       " \"messages\": {\"m\": {\"json\": {\"schema\": \"s.json\"}}}}");
    char path[128];
    snprintf(path, sizeof path, "%s/t.pack.json", tmpdir);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_file(err), "s.json"));
    ck_assert_str_eq(cbec_error_path(err), "/properties/a/pattern");
    ck_assert_uint_eq(cbec_error_line(err), 2);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "bad regular expression"));
    cbec_error_free(err);
    err = NULL;
    /* section keys are checked too */
    put("u.pack.json", "{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\","
                       " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},"
                       " \"messages\": {\"m\": {\"json\": {\"schemaRule\": \"X\"}}}}");
    snprintf(path, sizeof path, "%s/u.pack.json", tmpdir);
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "needs \"schema\""));
    cbec_error_free(err);
    /* a schema path may not leave the pack directory */
    put("v.pack.json", "{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\","
                       " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},"
                       " \"messages\": {\"m\": {\"json\": {\"schema\": \"../s.json\"}}}}");
    snprintf(path, sizeof path, "%s/v.pack.json", tmpdir);
    err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, path, NULL, &err), CBEC_EPACK);
    cbec_error_free(err);
    remove_dir();
}
END_TEST

START_TEST(test_schema_bare_pack_and_options)
{
    make_dir();
    put("person.json", "{\"properties\": {\"tags\": {\"items\": [{\"type\": \"string\"}], \"additionalItems\": false},"
                       " \"born\": {\"format\": \"date\"}}}");
    char path[128];
    snprintf(path, sizeof path, "%s/person.json", tmpdir);
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_SCHEMA_DRAFT, "6"), CBEC_EINVAL);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_SCHEMA_DRAFT, "7"), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_SCHEMA_FORMAT_ASSERT, "1"), CBEC_OK);
    ck_assert_int_eq(cbec_options_add_resource_dir(o, NULL, "/tmp"), CBEC_EINVAL);
    ck_assert_int_eq(cbec_options_add_resource_dir(o, "", "/tmp"), CBEC_EINVAL);
    ck_assert_int_eq(cbec_options_add_resource_dir(o, "https://x/", tmpdir), CBEC_OK);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_msg(cbec_pack_from_schema(&p, path, o, &err) == CBEC_OK, "%s", err ? cbec_error_message(err) : "");
    ck_assert_str_eq(cbec_pack_message_type(p, 0), "schema");
    cbec_registry *reg = NULL;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, p, NULL), CBEC_OK);
    cbec_pack_free(p);
    /* draft-07: array-form items with additionalItems; format asserted */
    cbec_report *rep = validate_text(reg, "schema", "{\"tags\": [\"a\", \"b\"], \"born\": \"2001-02-29\"}");
    ck_assert_uint_eq(cbec_report_count(rep), 2);
    ck_assert_str_eq(cbec_finding_rule(rep, 0), "SCHEMA");
    ck_assert_str_eq(cbec_finding_path(rep, 0), "/tags/1");
    ck_assert_str_eq(cbec_finding_path(rep, 1), "/born");
    cbec_report_free(rep);
    rep = validate_text(reg, "schema", "{\"tags\": [\"a\"], \"born\": \"2000-02-29\"}");
    ck_assert(cbec_report_valid(rep));
    cbec_report_free(rep);
    cbec_registry_free(reg);
    cbec_options_free(o);
    err = NULL;
    ck_assert_int_eq(cbec_pack_from_schema(&p, "/nonexistent/x.json", NULL, &err), CBEC_EIO);
    cbec_error_free(err);
    ck_assert_int_eq(cbec_pack_from_schema(&p, NULL, NULL, NULL), CBEC_EINVAL);
    remove_dir();
}
END_TEST

START_TEST(test_schema_every_failure_has_texts)
{
    for (int code = 0; code < CBEC_SF_COUNT; code++) {
        const char *en = cbec__schema_fail_text((cbec_schema_fail)code, false);
        const char *zh = cbec__schema_fail_text((cbec_schema_fail)code, true);
        ck_assert_msg(*en && *zh, "code %d has no text", code);
        ck_assert_ptr_nonnull(strstr(en, "{reason}"));
        ck_assert_ptr_nonnull(strstr(zh, "{reason}"));
        const char *bad;
        ck_assert(cbec__template_check(en, &bad));
        ck_assert(cbec__template_check(zh, &bad));
    }
}
END_TEST

START_TEST(test_schema_reference_packs_validate_the_examples)
{
    cbec_registry *reg = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_msg(cbec_registry_load_path(reg, CBEC_TEST_SOURCE_DIR "/packs", NULL, &err) == CBEC_OK, "%s",
                  err ? cbec_error_message(err) : "");
    static const char *const examples[] = {"order.json", "payment.json", "logistics-status.json"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/examples/%s", CBEC_TEST_SOURCE_DIR, examples[i]);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        char *buf = malloc(1 << 20);
        size_t n = fread(buf, 1, (1 << 20) - 1, f);
        fclose(f);
        buf[n] = '\0';
        cbec_report *rep = validate_text(reg, NULL, buf);
        ck_assert_msg(cbec_report_valid(rep), "%s is not valid", examples[i]);
        /* and the schema does check: a wrong container type is found */
        char *mt = strstr(buf, "\"schemaVersion\": \"1.0\"");
        ck_assert_ptr_nonnull(mt);
        memcpy(mt, "\"schemaVersion\":  1.0 ", 22);
        cbec_report *bad = validate_text(reg, NULL, buf);
        ck_assert(!cbec_report_valid(bad));
        ck_assert_ptr_nonnull(strstr(cbec_finding_rule(bad, 0), "-SCHEMA"));
        ck_assert_str_eq(cbec_finding_path(bad, 0), "/schemaVersion");
        cbec_report_free(bad);
        cbec_report_free(rep);
        free(buf);
    }
    cbec_registry_free(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("schema");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_schema_compile_error_has_pointer_and_position);
    tcase_add_test(tc, test_schema_remote_refs_are_never_fetched);
    tcase_add_test(tc, test_schema_ref_cycles_terminate);
    tcase_add_test(tc, test_schema_work_is_bounded);
    tcase_add_test(tc, test_schema_dynamic_ref_uses_the_dynamic_scope);
    tcase_add_test(tc, test_schema_metaschemas_are_built_in);
    tcase_add_test(tc, test_schema_big_instances_stay_fast);
    tcase_add_test(tc, test_schema_multiple_of_is_exact);
    tcase_add_test(tc, test_schema_bounds_and_integers_are_exact);
    tcase_add_test(tc, test_schema_multiple_of_large_exponents);
    tcase_add_test(tc, test_schema_unevaluated_properties_see_in_place_applicators);
    tcase_add_test(tc, test_schema_unevaluated_items_see_prefix_items_and_contains);
    tcase_add_test(tc, test_schema_format_is_an_annotation_by_default);
    tcase_add_test(tc, test_schema_formats_assert);
    tcase_add_test(tc, test_schema_patterns_follow_ecma262);
    tcase_add_test(tc, test_schema_uri_resolution_follows_rfc3986);
    tcase_add_test(tc, test_schema_files_resolve_beside_the_schema_only);
    tcase_add_test(tc, test_schema_findings_name_pointer_keyword_and_rule);
    tcase_add_test(tc, test_schema_pack_errors_point_into_the_schema_file);
    tcase_add_test(tc, test_schema_bare_pack_and_options);
    tcase_add_test(tc, test_schema_every_failure_has_texts);
    tcase_add_test(tc, test_schema_reference_packs_validate_the_examples);
    suite_add_tcase(s, tc);
    return test_run(s);
}
