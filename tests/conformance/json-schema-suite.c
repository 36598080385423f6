/* json-schema-suite.c - runs the JSON-Schema-Test-Suite (draft 2020-12 and
 * draft-07, required tests and optional/format with format assertion)
 * against the schema compiler and validator, with the suite's remotes
 * served from its remotes/ folder through a URI-prefix mapping: no
 * network.  Prints TAP: one point per draft and part, failing when the
 * pass rate is under the bar (98% required, 85% formats).  Skipped tests
 * are listed with their reasons in json-schema-skip.txt.
 *
 * usage: json-schema-suite SUITE_DIR SKIP_FILE [-v] [FILTER]
 * (SUITE_DIR defaults to $CBEC_TESTSUITES/json-schema-test-suite) */
#define _DEFAULT_SOURCE
#include "core/core.h"
#include "doc/doc.h"
#include "rules/schema.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct skip {
    char *file, *group, *test;
    bool used;
} skip;

static skip *skips;
static size_t nskips;
static bool verbose;
static const char *filter;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Lines "FILE | GROUP | TEST | REASON" ("*" for every test of a group). */
static bool load_skips(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("# cannot open the skip list %s\n", path);
        return false;
    }
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        char *p = trim(line);
        if (!*p || *p == '#')
            continue;
        char *parts[4] = {0};
        for (int i = 0; i < 4; i++) {
            parts[i] = p;
            char *bar = i < 3 ? strstr(p, " | ") : NULL;
            if (i < 3 && !bar) {
                printf("# bad skip line: %s\n", line);
                fclose(f);
                return false;
            }
            if (bar) {
                *bar = '\0';
                p = bar + 3;
            }
            parts[i] = trim(parts[i]);
        }
        if (!*parts[3]) {
            printf("# skip line without a reason: %s\n", parts[0]);
            fclose(f);
            return false;
        }
        skip *s = realloc(skips, (nskips + 1) * sizeof *s);
        if (!s) {
            fclose(f);
            return false;
        }
        skips = s;
        skips[nskips].file = strdup(parts[0]);
        skips[nskips].group = strdup(parts[1]);
        skips[nskips].test = strdup(parts[2]);
        skips[nskips].used = false;
        nskips++;
    }
    fclose(f);
    return true;
}

static skip *find_skip(const char *file, const cbec_node *group, const cbec_node *test)
{
    for (size_t i = 0; i < nskips; i++) {
        skip *s = &skips[i];
        if (strcmp(s->file, file) != 0 || !cbec__streq(group->text, group->len, s->group))
            continue;
        if (strcmp(s->test, "*") == 0 || cbec__streq(test->text, test->len, s->test))
            return s;
    }
    return NULL;
}

typedef struct tally {
    unsigned long passed, failed, skipped;
} tally;

static int name_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *suite, const char *rel, int draft, bool formats, cbec_regex_scratch *rx, tally *t)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/tests/%s", suite, rel) >= (int)sizeof path) {
        t->failed++;
        return;
    }
    char *text;
    size_t len;
    cbec_error *err = NULL;
    if (cbec__read_file(path, 64u << 20, &text, &len, &err)) {
        printf("# cannot read %s: %s\n", path, err ? cbec_error_message(err) : "?");
        cbec_error_free(err);
        t->failed++;
        return;
    }
    cbec_json_reader *rd = cbec__json_reader_new(512);
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_error re;
    bool oom = false;
    cbec_read_limits lim = {64u << 20, 512, 0};
    if (!rd || !cbec__json_read(rd, text, len, &lim, &arena, &doc, &re, &oom)) {
        printf("# cannot parse %s\n", path);
        t->failed++;
        cbec__json_reader_free(rd);
        cbec__arena_free(&arena);
        free(text);
        return;
    }
    char remotes[4096];
    if (snprintf(remotes, sizeof remotes, "%s/remotes", suite) >= (int)sizeof remotes)
        remotes[0] = '\0';
    cbec_schema_dir dir = {"http://localhost:1234/", remotes};
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.draft = draft;
    cfg.format_assert = formats;
    cfg.dirs = &dir;
    cfg.ndirs = 1;
    for (uint32_t g = 0; g < doc.root->count; g++) {
        const cbec_node *group = &doc.root->children[g];
        const cbec_node *gdesc = cbec__node_member(group, "description", 11);
        const cbec_node *schema = cbec__node_member(group, "schema", 6);
        const cbec_node *tests = cbec__node_member(group, "tests", 5);
        if (!gdesc || !schema || !tests)
            continue;
        cbec_schema *s = NULL;
        cbec_schema_error e;
        bool compiled = cbec__schema_compile_node(&cfg, schema, NULL, &s, &e);
        for (uint32_t k = 0; k < tests->count; k++) {
            const cbec_node *test = &tests->children[k];
            const cbec_node *desc = cbec__node_member(test, "description", 11);
            const cbec_node *data = cbec__node_member(test, "data", 4);
            const cbec_node *valid = cbec__node_member(test, "valid", 5);
            if (!desc || !data || !valid)
                continue;
            skip *sk = find_skip(rel, gdesc, desc);
            bool want = valid->text[0] == 't';
            bool got = false;
            if (compiled) {
                cbec_schema_run run = {rx, NULL, NULL, 0, 0};
                got = cbec__schema_validate(s, data, &run);
            }
            bool pass = compiled && got == want;
            if (sk) {
                sk->used = true;
                t->skipped++;
                if (pass && verbose)
                    printf("# skipped but passes: %s | %.*s | %.*s\n", rel, (int)gdesc->len, gdesc->text,
                           (int)desc->len, desc->text);
                continue;
            }
            if (pass) {
                t->passed++;
                continue;
            }
            t->failed++;
            printf("# FAIL %s | %.*s | %.*s", rel, (int)gdesc->len, gdesc->text, (int)desc->len, desc->text);
            if (!compiled)
                printf(" (compile: %s%s%s)", e.message, e.pointer[0] ? " at " : "", e.pointer);
            else
                printf(" (expected %s)", want ? "valid" : "invalid");
            printf("\n");
        }
        cbec__schema_free(s);
    }
    cbec__json_release(rd, &doc);
    cbec__json_reader_free(rd);
    cbec__arena_free(&arena);
    free(text);
}

/* Every *.json directly in tests/<sub>, in name order. */
static void run_dir(const char *suite, const char *sub, int draft, bool formats, cbec_regex_scratch *rx, tally *t)
{
    char path[4096];
    DIR *d = snprintf(path, sizeof path, "%s/tests/%s", suite, sub) < (int)sizeof path ? opendir(path) : NULL;
    if (!d) {
        printf("# cannot open %s\n", path);
        t->failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
            char **nn = realloc(names, (n + 1) * sizeof *nn);
            if (!nn)
                break;
            names = nn;
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_order);
    for (size_t i = 0; i < n; i++) {
        char rel[4096];
        bool fits = snprintf(rel, sizeof rel, "%s/%s", sub, names[i]) < (int)sizeof rel;
        if (fits && (!filter || strstr(rel, filter)))
            run_file(suite, rel, draft, formats, rx, t);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    const char *suite = NULL, *skipfile = NULL;
    char def[4096];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else if (!suite)
            suite = argv[i];
        else if (!skipfile)
            skipfile = argv[i];
        else
            filter = argv[i];
    }
    if (!suite || !*suite) {
        const char *env = getenv("CBEC_TESTSUITES");
        snprintf(def, sizeof def, "%s/json-schema-test-suite", env ? env : "../shared/testsuites");
        suite = def;
    }
    if (!skipfile || !load_skips(skipfile)) {
        printf("1..1\nnot ok 1 - skip list\n");
        return 1;
    }
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    if (!rx)
        return 1;
    static const struct {
        const char *sub;
        const char *name;
        int draft;
        bool formats;
        double bar;
    } parts[] = {
        {"draft2020-12", "draft2020-12 required", CBEC_SCHEMA_DRAFT2020, false, 98.0},
        {"draft2020-12/optional/format", "draft2020-12 optional/format", CBEC_SCHEMA_DRAFT2020, true, 85.0},
        {"draft7", "draft7 required", CBEC_SCHEMA_DRAFT7, false, 98.0},
        {"draft7/optional/format", "draft7 optional/format", CBEC_SCHEMA_DRAFT7, true, 85.0},
        /* the rest of optional/: informational, no bar */
        {"draft2020-12/optional", "draft2020-12 optional (other)", CBEC_SCHEMA_DRAFT2020, false, 0.0},
        {"draft7/optional", "draft7 optional (other)", CBEC_SCHEMA_DRAFT7, false, 0.0},
    };
    size_t np = sizeof parts / sizeof parts[0];
    printf("1..%zu\n", np);
    int failed = 0;
    for (size_t i = 0; i < np; i++) {
        tally t = {0, 0, 0};
        run_dir(suite, parts[i].sub, parts[i].draft, parts[i].formats, rx, &t);
        unsigned long total = t.passed + t.failed + t.skipped;
        /* skipped tests count against the rate: they did not pass */
        double pct = total ? 100.0 * (double)t.passed / (double)total : 0.0;
        bool ok = total > 0 && pct >= parts[i].bar;
        failed += !ok;
        printf("%s %zu - %s: %lu passed, %lu failed, %lu skipped of %lu (%.2f%%, at least %.0f%% required)\n",
               ok ? "ok" : "not ok", i + 1, parts[i].name, t.passed, t.failed, t.skipped, total, pct, parts[i].bar);
    }
    for (size_t i = 0; i < nskips; i++) {
        if (!skips[i].used && !filter)
            printf("# skip entry matches no test: %s | %s | %s\n", skips[i].file, skips[i].group, skips[i].test);
        free(skips[i].file);
        free(skips[i].group);
        free(skips[i].test);
    }
    free(skips);
    cbec__regex_scratch_free(rx);
    return failed ? 1 : 0;
}
