/* test-pack-load.c - loading packs: metadata, and every kind of pack error
 * reported with file, line, column and pack path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "core/core.h"
#include "test-run.h"

#define HEAD "{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"compliance\",\n" \
             " \"title\": {\"zh-CN\": \"测试\", \"en\": \"Test\"},\n"

static cbec_error *load_err(const char *text, int want_status)
{
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&p, text, strlen(text), "t.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == want_status, "status %d (%s), expected %d; %s", st, cbec_strerror(st), want_status,
                  err ? cbec_error_message(err) : "");
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(cbec_error_status(err), want_status);
    return err;
}

START_TEST(test_pack_load_reads_metadata)
{
    const char *text = HEAD
        " \"effective\": {\"from\": \"2026-01-01\", \"to\": \"2026-12-31\"},\n"
        " \"refs\": [{\"id\": \"GB/T 1\"}],\n"
        " \"messages\": {\"order\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/a\", \"required\": true}]}}}";
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_buffer(&p, text, strlen(text), "t", NULL, NULL, &err), CBEC_OK);
    ck_assert_str_eq(cbec_pack_id(p), "T");
    ck_assert_str_eq(cbec_pack_version(p), "1.0.0");
    ck_assert_str_eq(cbec_pack_status(p), "active");
    ck_assert_str_eq(cbec_pack_effective_from(p), "2026-01-01");
    ck_assert_str_eq(cbec_pack_effective_to(p), "2026-12-31");
    ck_assert_str_eq(cbec_pack_title(p, "zh-CN"), "测试");
    ck_assert_str_eq(cbec_pack_title(p, "fr"), "Test");
    ck_assert_uint_eq(cbec_pack_ref_count(p), 1);
    ck_assert_str_eq(cbec_pack_ref_id(p, 0), "GB/T 1");
    ck_assert_uint_eq(cbec_pack_message_type_count(p), 1);
    ck_assert_str_eq(cbec_pack_message_type(p, 0), "order");
    ck_assert_uint_eq(cbec_pack_rule_count(p, "order"), 1);
    ck_assert_ptr_eq(cbec_pack_ref(p), p);
    cbec_pack_free(p);
    cbec_pack_free(p);
}
END_TEST

START_TEST(test_pack_load_rejects_duplicate_rule_id)
{
    cbec_error *e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"required\": true}]},\n"
                                  "  \"b\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/y\", \"required\": true}]}}}", CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "duplicate rule id \"R1\""));
    ck_assert_str_eq(cbec_error_path(e), "/messages/b/rules/0/id");
    ck_assert_uint_eq(cbec_error_line(e), 4);
    ck_assert_str_eq(cbec_error_file(e), "t.pack.json");
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_rejects_unknown_key)
{
    cbec_error *e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [\n  {\"id\": \"R1\", \"path\": \"/x\", \"patern\": \"^a$\"}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/patern");
    ck_assert_uint_eq(cbec_error_line(e), 4);
    ck_assert_uint_eq(cbec_error_column(e), 40);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "t.pack.json:4:40:"));
    cbec_error_free(e);
    e = load_err(HEAD " \"messages\": {}, \"extra\": 1}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/extra");
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_rejects_bad_regex)
{
    cbec_error *e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"pattern\": \"([a-z\"}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/pattern");
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "bad regular expression"));
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_rejects_dangling_codelist)
{
    cbec_error *e = load_err(HEAD " \"codelists\": {\"cur\": {\"codes\": [\"CNY\"]}},\n"
                                  " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"codelist\": \"currency\"}]}}}", CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "unknown code list \"currency\""));
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/codelist");
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_rejects_bad_metadata)
{
    cbec_error *e = load_err("{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0\", \"status\": \"active\", \"module\": \"compliance\","
                             " \"title\": {\"zh-CN\": \"a\", \"en\": \"b\"}, \"messages\": {}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/version");
    cbec_error_free(e);
    e = load_err("{\"cbecstd_pack\": 1, \"id\": \"T\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"compliance\","
                 " \"title\": {\"en\": \"b\"}, \"messages\": {}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/title");
    cbec_error_free(e);
    e = load_err("{\"cbecstd_pack\": 2, \"id\": \"T\"}", CBEC_EVERSION);
    cbec_error_free(e);
    e = load_err(HEAD " \"effective\": {\"from\": \"2026-02-30\"}, \"messages\": {}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/effective/from");
    cbec_error_free(e);
    /* a ref whose title is not a string, after its id (whose copy must be
     * freed: valgrind and LeakSanitizer watch this test) */
    e = load_err(HEAD " \"refs\": [{\"id\": \"GB/T 1\"}, {\"id\": \"GB/T 2\", \"title\": 3}], \"messages\": {}}",
                 CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/refs/1/title");
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_rejects_bad_templates_and_severity)
{
    cbec_error *e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"required\": true,"
                                  " \"message\": {\"en\": \"bad {valu}\", \"zh-CN\": \"x\"}}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/message/en");
    cbec_error_free(e);
    e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"required\": true,"
                      " \"message\": {\"en\": \"ok\"}}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/message");
    cbec_error_free(e);
    e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"required\": true, \"severity\": \"fatal\"}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/severity");
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "severity must be \"error\", \"warning\" or \"info\""));
    cbec_error_free(e);
    /* an XSD's rule takes the same severities, and says so in the same words */
    e = load_err(HEAD " \"messages\": {\"a\": {\"xml\": {\"xsd\": {\"file\": \"a.xsd\", \"severity\": 3}},"
                      " \"rules\": [{\"id\": \"R1\", \"path\": \"/x\", \"required\": true}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/xml/xsd/severity");
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "severity must be \"error\", \"warning\" or \"info\""));
    cbec_error_free(e);
    e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"x\", \"required\": true}]}}}", CBEC_EPACK);
    ck_assert_str_eq(cbec_error_path(e), "/messages/a/rules/0/path");
    cbec_error_free(e);
    e = load_err(HEAD " \"messages\": {\"a\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/x\"}]}}}", CBEC_EPACK);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "checks nothing"));
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_malformed_json_has_position)
{
    cbec_error *e = load_err("{\n  \"id\": \"T\",\n  \"version\" \"1\"\n}", CBEC_EPACK);
    ck_assert_uint_eq(cbec_error_line(e), 3);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(e), "t.pack.json:3:"));
    cbec_error_free(e);
}
END_TEST

START_TEST(test_pack_load_file_errors)
{
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_file(&p, "/nonexistent/x.pack.json", NULL, &err), CBEC_EIO);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "/nonexistent/x.pack.json"));
    cbec_error_free(err);
    ck_assert_int_eq(cbec_pack_load_file(NULL, "x", NULL, NULL), CBEC_EINVAL);
}
END_TEST

START_TEST(test_registry_loads_reference_packs_and_rejects_conflicts)
{
    cbec_registry *r = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    ck_assert_int_eq(cbec_registry_load_path(r, CBEC_TEST_SOURCE_DIR "/packs", NULL, &err), CBEC_OK);
    ck_assert_uint_ge(cbec_registry_pack_count(r), 3);
    /* loading the same directory again defines every type twice */
    ck_assert_int_eq(cbec_registry_load_path(r, CBEC_TEST_SOURCE_DIR "/packs", NULL, &err), CBEC_EAMBIGUOUS);
    ck_assert_ptr_nonnull(err);
    cbec_error_free(err);
    cbec_registry_free(r);
}
END_TEST

/* A directory loads on several threads with the outcome of loading its
 * files in name order: the packs in that order, the first error. */
START_TEST(test_directory_loads_as_if_in_name_order)
{
    char dir[] = "/tmp/cbec-loaddir-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    static const char *const ids[] = {"T-A", "T-B", "T-C", "T-D", "T-E", "T-F"};
    char path[128];
    for (size_t i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/%c.pack.json", dir, (char)('a' + i));
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f, "{\"cbecstd_pack\": 1, \"id\": \"%s\", \"version\": \"1.0.0\", \"status\": \"active\","
                   " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"t\", \"en\": \"t\"},"
                   " \"messages\": {\"m%zu\": {\"rules\": [{\"id\": \"R%zu\", \"path\": \"/a\", \"required\": true}]}}}",
                ids[i], i, i);
        fclose(f);
    }
    /* threads: one per processor, the calling one alone, three */
    cbec_options *opts[3] = {NULL, NULL, NULL};
    ck_assert_int_eq(cbec_options_new(&opts[1]), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(opts[1], CBEC_OPT_LOAD_THREADS, "1"), CBEC_OK);
    ck_assert_int_eq(cbec_options_new(&opts[2]), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(opts[2], CBEC_OPT_LOAD_THREADS, "3"), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(opts[2], CBEC_OPT_LOAD_THREADS, "9"), CBEC_EINVAL);
    ck_assert_int_eq(cbec_options_set_string(opts[2], CBEC_OPT_LOAD_THREADS, "12"), CBEC_EINVAL);
    ck_assert_int_eq(cbec_options_set_string(opts[2], CBEC_OPT_LOAD_THREADS, ""), CBEC_EINVAL);
    for (int round = 0; round < 30; round++) {
        cbec_registry *r = NULL;
        ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
        cbec_error *err = NULL;
        int st = cbec_registry_load_path(r, dir, opts[round % 3], &err);
        ck_assert_msg(st == CBEC_OK, "%s", err ? cbec_error_message(err) : "");
        ck_assert_uint_eq(cbec_registry_pack_count(r), 6);
        for (size_t i = 0; i < 6; i++)
            ck_assert_str_eq(cbec_pack_id(cbec_registry_pack(r, i)), ids[i]);
        cbec_registry_free(r);
    }
    /* c and e broken: c's error, every time */
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%c.pack.json", dir, k ? 'e' : 'c');
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(k ? "{\"cbecstd_pack\": 1, \"id\": 5}" : "{\"cbecstd_pack\": 1,\n \"nope\"}", f);
        fclose(f);
    }
    for (int round = 0; round < 30; round++) {
        cbec_registry *r = NULL;
        ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
        cbec_error *err = NULL;
        ck_assert_int_eq(cbec_registry_load_path(r, dir, opts[round % 3], &err), CBEC_EPACK);
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(cbec_error_message(err), "/c.pack.json:2:") != NULL, "%s", cbec_error_message(err));
        ck_assert_uint_eq(cbec_registry_pack_count(r), 0);
        cbec_error_free(err);
        /* without an error object, the same status */
        ck_assert_int_eq(cbec_registry_load_path(r, dir, NULL, NULL), CBEC_EPACK);
        cbec_registry_free(r);
    }
    cbec_options_free(opts[1]);
    cbec_options_free(opts[2]);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Files a pack names are read only from inside its directory: links may
 * point anywhere inside it, never out. */
START_TEST(test_read_inside_stays_inside)
{
    char top[] = "/tmp/cbec-inside-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(top));
    char dir[128], path[256], target[256];
    snprintf(dir, sizeof dir, "%s/pack", top);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/in.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("inside", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/secret.json", top);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("outside", f);
    fclose(f);
    /* links: relative inside, absolute inside, relative out, absolute out,
     * and a directory link leading out */
    snprintf(path, sizeof path, "%s/rel-in.json", dir);
    ck_assert_int_eq(symlink("sub/in.json", path), 0);
    snprintf(path, sizeof path, "%s/abs-in.json", dir);
    snprintf(target, sizeof target, "%s/sub/in.json", dir);
    ck_assert_int_eq(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/rel-out.json", dir);
    ck_assert_int_eq(symlink("../secret.json", path), 0);
    snprintf(path, sizeof path, "%s/abs-out.json", dir);
    snprintf(target, sizeof target, "%s/secret.json", top);
    ck_assert_int_eq(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/updir", dir);
    ck_assert_int_eq(symlink("..", path), 0);
    static const struct {
        const char *rel;
        cbec_inside why;
    } cases[] = {
        {"sub/in.json", CBEC_INSIDE_OK},        {"rel-in.json", CBEC_INSIDE_OK},
        {"abs-in.json", CBEC_INSIDE_OK},        {"sub/../sub/in.json", CBEC_INSIDE_OK},
        {"rel-out.json", CBEC_INSIDE_OUTSIDE},  {"abs-out.json", CBEC_INSIDE_OUTSIDE},
        {"updir/secret.json", CBEC_INSIDE_OUTSIDE}, {"../secret.json", CBEC_INSIDE_OUTSIDE},
        {"missing.json", CBEC_INSIDE_MISSING},  {"sub", CBEC_INSIDE_UNREADABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *data = NULL;
        size_t len = 0;
        cbec_inside why;
        cbec_error *err = NULL;
        int st = cbec__read_inside(dir, cases[i].rel, 1024, &data, &len, &why, &err);
        ck_assert_msg(why == cases[i].why, "%s: why %d, expected %d", cases[i].rel, (int)why, (int)cases[i].why);
        if (cases[i].why == CBEC_INSIDE_OK) {
            ck_assert_int_eq(st, CBEC_OK);
            ck_assert_str_eq(data, "inside");
            ck_assert_uint_eq(len, 6);
        } else {
            ck_assert_int_ne(st, CBEC_OK);
            ck_assert_ptr_null(data);
        }
        free(data);
        cbec_error_free(err);
    }
    /* the size limit */
    char *data = NULL;
    size_t len = 0;
    cbec_inside why;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec__read_inside(dir, "sub/in.json", 5, &data, &len, &why, &err), CBEC_ELIMIT);
    ck_assert_int_eq(why, CBEC_INSIDE_UNREADABLE);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "larger than the limit of 5 bytes"));
    cbec_error_free(err);
    ck_assert_int_eq(cbec__read_inside(dir, "sub/in.json", 6, &data, &len, &why, &err), CBEC_OK);
    free(data);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_strerror_names_every_status)
{
    for (int st = CBEC_OK; st >= CBEC_EINTERNAL; st--)
        ck_assert_str_ne(cbec_strerror(st), "unknown status");
    ck_assert_str_eq(cbec_strerror(-999), "unknown status");
    ck_assert_str_eq(cbec_version(), CBEC_VERSION_STRING);
    ck_assert_int_eq(cbec_version_number(), CBEC_VERSION_NUMBER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pack");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_pack_load_reads_metadata);
    tcase_add_test(tc, test_pack_load_rejects_duplicate_rule_id);
    tcase_add_test(tc, test_pack_load_rejects_unknown_key);
    tcase_add_test(tc, test_pack_load_rejects_bad_regex);
    tcase_add_test(tc, test_pack_load_rejects_dangling_codelist);
    tcase_add_test(tc, test_pack_load_rejects_bad_metadata);
    tcase_add_test(tc, test_pack_load_rejects_bad_templates_and_severity);
    tcase_add_test(tc, test_pack_load_malformed_json_has_position);
    tcase_add_test(tc, test_pack_load_file_errors);
    tcase_add_test(tc, test_registry_loads_reference_packs_and_rejects_conflicts);
    tcase_add_test(tc, test_directory_loads_as_if_in_name_order);
    tcase_add_test(tc, test_read_inside_stays_inside);
    tcase_add_test(tc, test_strerror_names_every_status);
    suite_add_tcase(s, tc);
    return test_run(s);
}
