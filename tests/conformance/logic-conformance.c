/* logic-conformance.c - run the JSON Logic conformance suites: the classic
 * tests.json (must pass in full: the exit status says so) and the community
 * compat-tables suites (a pass rate; each failure and its reason is
 * written to a file).
 *
 * usage: logic-conformance [--suites DIR] [--failures FILE]
 * DIR defaults to $CBEC_TESTSUITES/json-logic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "rules/logic.h"

typedef struct suite_file {
    char *text;
    size_t len;
    cbec_doc doc;
} suite_file;

static cbec_json_reader *reader;
static cbec_arena arena;

static bool load(const char *path, suite_file *f)
{
    cbec_error *err = NULL;
    memset(f, 0, sizeof *f);
    if (cbec__read_file(path, 64u << 20, &f->text, &f->len, &err) != CBEC_OK) {
        fprintf(stderr, "cannot read %s: %s\n", path, err ? err->message : "error");
        cbec_error_free(err);
        return false;
    }
    cbec_read_limits lim = {64u << 20, 512, 10000000};
    cbec_read_error re;
    bool oom = false;
    if (!cbec__json_read(reader, f->text, f->len, &lim, &arena, &f->doc, &re, &oom)) {
        fprintf(stderr, "%s: %s\n", path, oom ? "out of memory" : re.message_en);
        free(f->text);
        return false;
    }
    return true;
}

static void unload(suite_file *f)
{
    cbec__json_release(reader, &f->doc);
    free(f->text);
}

typedef struct outcome {
    bool ok;
    char why[1200];
} outcome;

static void node_text(const cbec_node *n, char *out, size_t cap)
{
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__node_canonical(n, &b);
    snprintf(out, cap, "%s", b.len > 150 ? "(long)" : cbec__buf_cstr(&b));
    cbec__buf_free(&b);
}

/* Run one test: rule and data nodes; expect is the expected result node,
 * or NULL when an error of type err_type (may be NULL: any) is expected. */
static outcome run_one(const cbec_node *rule, const cbec_node *data, const cbec_node *expect,
                       const char *err_type, size_t err_type_len)
{
    outcome o = {false, ""};
    cbec_lexpr *x = NULL;
    cbec_logic_cerror ce;
    bool oom;
    char want[200];
    if (expect)
        node_text(expect, want, sizeof want);
    else
        snprintf(want, sizeof want, "error %.*s", (int)err_type_len, err_type ? err_type : "");
    if (!cbec__logic_compile(rule, NULL, 0, &x, &ce, &oom)) {
        if (!expect && (!err_type || cbec__streq(err_type, err_type_len, ce.type))) {
            o.ok = true;
            return o;
        }
        snprintf(o.why, sizeof o.why, "compile error %s: %s; expected %s", ce.type, ce.message, want);
        return o;
    }
    cbec_arena scratch;
    cbec__arena_init(&scratch);
    cbec_logic_env env;
    memset(&env, 0, sizeof env);
    env.root = data;
    env.arena = &scratch;
    env.limits = (cbec_logic_limits){CBEC_LOGIC_DEFAULT_OPS, CBEC_LOGIC_DEFAULT_DEPTH, CBEC_LOGIC_DEFAULT_BYTES};
    cbec_lval v;
    cbec_logic_error e;
    if (!cbec__logic_eval(x, &env, &v, &e)) {
        if (!expect && (!err_type || cbec__streq(err_type, err_type_len, e.type)))
            o.ok = true;
        else
            snprintf(o.why, sizeof o.why, "evaluation error %s: %s; expected %s", e.type, e.message, want);
    } else if (!expect) {
        cbec_buf b;
        cbec__buf_init(&b);
        cbec__logic_to_json(&v, &b);
        snprintf(o.why, sizeof o.why, "result %.150s; expected %s", cbec__buf_cstr(&b), want);
        cbec__buf_free(&b);
    } else if (cbec__logic_equals_node(&v, expect)) {
        o.ok = true;
    } else {
        cbec_buf b;
        cbec__buf_init(&b);
        cbec__logic_to_json(&v, &b);
        snprintf(o.why, sizeof o.why, "result %.150s; expected %s", cbec__buf_cstr(&b), want);
        cbec__buf_free(&b);
    }
    cbec__arena_free(&scratch);
    cbec__logic_free(x);
    return o;
}

static const cbec_node null_node = {.kind = CBEC_NODE_NULL, .text = "null", .len = 4};

/* tests.json: [rule, data, expected] entries; strings are section titles. */
static int classic(const char *dir, unsigned *passed, unsigned *failed)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/tests.json", dir);
    suite_file f;
    if (!load(path, &f))
        return -1;
    const cbec_node *root = f.doc.root;
    for (uint32_t i = 0; root->kind == CBEC_NODE_ARRAY && i < root->count; i++) {
        const cbec_node *t = &root->children[i];
        if (t->kind != CBEC_NODE_ARRAY || t->count != 3)
            continue;
        outcome o = run_one(&t->children[0], &t->children[1], &t->children[2], NULL, 0);
        if (o.ok) {
            (*passed)++;
        } else {
            (*failed)++;
            char rule[200];
            node_text(&t->children[0], rule, sizeof rule);
            printf("FAIL tests.json #%u %s: %s\n", i, rule, o.why);
        }
    }
    unload(&f);
    return 0;
}

/* compat-tables: suites/index.json names the files; each holds objects
 * {"description", "rule", "data"?, "result"? | "error"?}. */
static int compat(const char *dir, FILE *failures, unsigned *passed, unsigned *failed)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/compat-tables/suites/index.json", dir);
    suite_file idx;
    if (!load(path, &idx))
        return -1;
    for (uint32_t k = 0; idx.doc.root->kind == CBEC_NODE_ARRAY && k < idx.doc.root->count; k++) {
        const cbec_node *name = &idx.doc.root->children[k];
        if (name->kind != CBEC_NODE_STRING)
            continue;
        snprintf(path, sizeof path, "%s/compat-tables/suites/%.*s", dir, (int)name->len, name->text);
        suite_file f;
        if (!load(path, &f))
            continue;
        unsigned p = 0, n = 0;
        for (uint32_t i = 0; f.doc.root->kind == CBEC_NODE_ARRAY && i < f.doc.root->count; i++) {
            const cbec_node *t = &f.doc.root->children[i];
            if (t->kind != CBEC_NODE_OBJECT)
                continue;
            const cbec_node *rule = cbec__node_member(t, "rule", 4);
            const cbec_node *data = cbec__node_member(t, "data", 4);
            const cbec_node *result = cbec__node_member(t, "result", 6);
            const cbec_node *error = cbec__node_member(t, "error", 5);
            const cbec_node *desc = cbec__node_member(t, "description", 11);
            const cbec_node *etype = error ? cbec__node_member(error, "type", 4) : NULL;
            if (!rule || (!result && !error))
                continue;
            outcome o = run_one(rule, data ? data : &null_node, result,
                                etype && etype->kind == CBEC_NODE_STRING ? etype->text : NULL,
                                etype && etype->kind == CBEC_NODE_STRING ? etype->len : 0);
            if (o.ok) {
                p++;
            } else {
                n++;
                if (failures)
                    fprintf(failures, "%.*s: %.*s: %s\n", (int)name->len, name->text,
                            desc && desc->kind == CBEC_NODE_STRING ? (int)desc->len : 1,
                            desc && desc->kind == CBEC_NODE_STRING ? desc->text : "?", o.why);
            }
        }
        printf("compat %-32.*s %3u/%u\n", (int)name->len, name->text, p, p + n);
        *passed += p;
        *failed += n;
        unload(&f);
    }
    unload(&idx);
    return 0;
}

int main(int argc, char **argv)
{
    const char *suites = NULL, *failures_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--suites") && i + 1 < argc)
            suites = argv[++i];
        else if (!strcmp(argv[i], "--failures") && i + 1 < argc)
            failures_path = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--suites DIR] [--failures FILE]\n", argv[0]);
            return 2;
        }
    }
    char dir[4096];
    if (!suites) {
        const char *ts = getenv("CBEC_TESTSUITES");
        if (!ts || !*ts) {
            fprintf(stderr, "set CBEC_TESTSUITES or pass --suites\n");
            return 2;
        }
        snprintf(dir, sizeof dir, "%s/json-logic", ts);
        suites = dir;
    }
    reader = cbec__json_reader_new(512);
    cbec__arena_init(&arena);
    if (!reader)
        return 2;
    unsigned cp = 0, cf = 0, xp = 0, xf = 0;
    int rc = classic(suites, &cp, &cf);
    if (rc == 0) {
        printf("tests.json: %u passed, %u failed\n", cp, cf);
        FILE *fl = failures_path ? fopen(failures_path, "w") : NULL;
        if (fl)
            fprintf(fl, "# compat-tables tests this engine fails, with the reason (see doc/json-logic.md)\n");
        if (compat(suites, fl, &xp, &xf) == 0)
            printf("compat-tables: %u passed, %u failed (%.1f%%)%s%s\n", xp, xf,
                   xp + xf ? 100.0 * xp / (xp + xf) : 0.0, fl ? "; failures in " : "",
                   fl ? failures_path : "");
        if (fl)
            fclose(fl);
    }
    cbec__json_reader_free(reader);
    cbec__arena_free(&arena);
    if (rc != 0)
        return 2;
    return cf == 0 && cp > 0 ? 0 : 1;
}
