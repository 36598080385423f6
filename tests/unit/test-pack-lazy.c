/* test-pack-lazy.c - CBEC_OPT_LAZY_LOAD: packs loaded as heads, and the
 * packs a message type needs compiled (cut down to that type and format)
 * when a message first needs it.  The same reports as a registry of whole
 * packs, digests included, on the reference packs and on messages written
 * elsewhere (the shared EDI and customs XML samples); packs a message does
 * not need are not compiled; errors in them fail only the messages that
 * need them; pins still hold; a pack file changed since loading is said. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "core/cache.h"
#include "pack/registry.h"
#include "rules/edidef.h"
#include "test-run.h"

static cbec_registry *load_dir(const char *dir, bool lazy, const char *pin_label, const char *pin, int want)
{
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_DEFER_COMPILE, "1"), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_LAZY_LOAD, lazy ? "1" : "0"), CBEC_OK);
    if (pin_label)
        ck_assert_int_eq(cbec_options_pin_digest(o, pin_label, pin), CBEC_OK);
    cbec_registry *r = NULL;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    cbec_error *err = NULL;
    int st = cbec_registry_load_path(r, dir, o, &err);
    ck_assert_msg(st == want, "load %s (lazy %d): %s", dir, lazy, err ? cbec_error_message(err) : cbec_strerror(st));
    cbec_error_free(err);
    cbec_options_free(o);
    return r;
}

/* The JSON report of data, or the status of the call as text. */
static char *report_of(cbec_registry *r, const char *type, const char *data, size_t len)
{
    cbec_validator *v = NULL;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *rep = NULL;
    int st = cbec_validate(v, r, type, CBEC_FORMAT_AUTO, data, len, &rep);
    char *out;
    if (st) {
        out = malloc(64);
        snprintf(out, 64, "status %d", st);
    } else {
        const char *json;
        ck_assert_int_eq(cbec_report_render(rep, CBEC_RENDER_JSON, "zh-CN", &json, NULL), CBEC_OK);
        out = strdup(json);
    }
    cbec_report_free(rep);
    cbec_validator_free(v);
    return out;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "open %s", path);
    char *b = malloc(4 << 20);
    *len = fread(b, 1, (4 << 20) - 1, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "write %s", path);
    fputs(text, f);
    fclose(f);
}

/* ---- the reference packs, against messages from elsewhere ---- */

static cbec_registry *whole_reg, *lazy_reg;
static size_t compared, with_findings;

static void compare_file(const char *path)
{
    size_t len;
    char *data = slurp(path, &len);
    char *a = report_of(whole_reg, NULL, data, len), *b = report_of(lazy_reg, NULL, data, len);
    ck_assert_msg(strcmp(a, b) == 0, "%s:\nwhole: %.600s\nlazy:  %.600s", path, a, b);
    compared++;
    with_findings += strstr(a, "\"findings\":[{") != NULL;
    free(a);
    free(b);
    free(data);
}

static int visit(const char *path, const struct stat *sb, int kind, struct FTW *ftw)
{
    (void)ftw;
    const char *dot = strrchr(path, '.');
    if (kind == FTW_F && sb->st_size < (1 << 20) && !strstr(path, "/licenses/") &&
        !(dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".py") == 0 || strcmp(dot, ".html") == 0)) &&
        !strstr(path, "catalog.json"))
        compare_file(path);
    return 0;
}

static const cbec_snapshot *snap_of(const cbec_registry *r) { return r->snap; }

/* Which packs of r's snapshot have compiled whole, as "1" and "0" in pack order. */
static void compiled(const cbec_registry *r, char *out)
{
    const cbec_snapshot *s = snap_of(r);
    for (size_t i = 0; i < s->npacks; i++)
        out[i] = atomic_load(&s->packs[i]->whole) ? '1' : '0';
    out[s->npacks] = '\0';
}

static size_t pack_index(const cbec_registry *r, const char *id)
{
    const cbec_snapshot *s = snap_of(r);
    for (size_t i = 0; i < s->npacks; i++)
        if (strcmp(s->packs[i]->id, id) == 0)
            return i;
    ck_abort_msg("no pack %s", id);
    return 0;
}

START_TEST(test_lazy_same_reports_as_whole_packs)
{
    whole_reg = load_dir(CBEC_TEST_SOURCE_DIR "/packs", false, NULL, NULL, CBEC_OK);
    lazy_reg = load_dir(CBEC_TEST_SOURCE_DIR "/packs", true, NULL, NULL, CBEC_OK);
    ck_assert(snap_of(lazy_reg)->lazy != NULL);
    ck_assert(snap_of(whole_reg)->lazy == NULL);
    char done[64];
    compiled(lazy_reg, done);
    ck_assert_str_eq(done, "0000000000"); /* nothing compiled whole at load */

    /* an order: the JSON report gives the digest of the pack that decided
     * (the order pack), which compiles whole for it; no other pack does */
    compare_file(CBEC_TEST_SOURCE_DIR "/examples/order.json");
    compiled(lazy_reg, done);
    ck_assert_int_eq(done[pack_index(lazy_reg, "CBEC-ORDER")], '1');
    ck_assert_int_eq(done[pack_index(lazy_reg, "Q-CBEC-PLATFORM")], '0');
    ck_assert_int_eq(done[pack_index(lazy_reg, "CBEC-BASE")], '0');
    ck_assert_int_eq(done[pack_index(lazy_reg, "CN-CUSTOMS-CEB")], '0');
    ck_assert_int_eq(done[pack_index(lazy_reg, "CBEC-SERVICE-TICKET")], '0');

    const char *examples[] = {"logistics-status.json", "payment.json", "return-authorization.json",
                              "service-quality-report.json", "service-ticket.json", "warehouse-inventory.json"};
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/examples/%s", CBEC_TEST_SOURCE_DIR, examples[i]);
        compare_file(path);
    }
    compare_file(CBEC_TEST_SOURCE_DIR "/tests/xml/order-ceb311.xml");
    const char *suites = getenv("CBEC_TESTSUITES");
    ck_assert_msg(suites != NULL, "CBEC_TESTSUITES is not set");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/edi", suites);
    ck_assert_int_eq(nftw(dir, visit, 16, FTW_PHYS), 0);
    snprintf(dir, sizeof dir, "%s/xml/ceb", suites);
    ck_assert_int_eq(nftw(dir, visit, 16, FTW_PHYS), 0);
    /* messages of every format, many with findings */
    ck_assert_uint_ge(compared, 250);
    ck_assert_uint_ge(with_findings, 100);

    /* explicit types: a type no loaded pack defines, and one given */
    size_t len;
    char *order = slurp(CBEC_TEST_SOURCE_DIR "/examples/order.json", &len);
    char *a = report_of(whole_reg, "payment", order, len), *b = report_of(lazy_reg, "payment", order, len);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    a = report_of(whole_reg, "no-such-type", order, len);
    b = report_of(lazy_reg, "no-such-type", order, len);
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(a, "status -5");
    free(a);
    free(b);

    /* redaction picks the same way */
    cbec_validator *v = NULL;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_redaction *ra = NULL, *rb = NULL;
    ck_assert_int_eq(cbec_redact(v, whole_reg, NULL, CBEC_FORMAT_AUTO, order, len, 0, &ra, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_redact(v, lazy_reg, NULL, CBEC_FORMAT_AUTO, order, len, 0, &rb, NULL), CBEC_OK);
    ck_assert_str_eq(cbec_redaction_data(ra, NULL), cbec_redaction_data(rb, NULL));
    ck_assert_uint_gt(cbec_redaction_count(ra), 0);
    cbec_redaction_free(ra);
    cbec_redaction_free(rb);
    cbec_validator_free(v);
    free(order);

    /* the packs as the registry gives them: whole, with the same digests */
    ck_assert_uint_eq(cbec_registry_pack_count(lazy_reg), cbec_registry_pack_count(whole_reg));
    for (size_t i = 0; i < cbec_registry_pack_count(whole_reg); i++) {
        const cbec_pack *x = cbec_registry_pack(whole_reg, i), *y = cbec_registry_pack(lazy_reg, i);
        ck_assert_str_eq(cbec_pack_id(x), cbec_pack_id(y));
        ck_assert_str_eq(cbec_pack_digest(x), cbec_pack_digest(y));
        ck_assert_uint_eq(cbec_pack_rule_count(x, NULL), cbec_pack_rule_count(y, NULL));
    }
    cbec_registry_free(whole_reg);
    cbec_registry_free(lazy_reg);
}
END_TEST

START_TEST(test_text_report_compiles_only_the_slices)
{
    /* a text report shows no digest: the packs of the chain are only cut
     * down to the order type in JSON, none compiles whole */
    cbec_registry *r = load_dir(CBEC_TEST_SOURCE_DIR "/packs", true, NULL, NULL, CBEC_OK);
    size_t len;
    char *order = slurp(CBEC_TEST_SOURCE_DIR "/examples/order.json", &len);
    cbec_validator *v = NULL;
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    cbec_report *rep = NULL;
    ck_assert_int_eq(cbec_validate(v, r, NULL, CBEC_FORMAT_AUTO, order, len, &rep), CBEC_OK);
    ck_assert_int_eq(cbec_report_valid(rep), 1);
    ck_assert_str_eq(cbec_report_message_type(rep), "order");
    const char *text;
    ck_assert_int_eq(cbec_report_render(rep, CBEC_RENDER_TEXT, "en", &text, NULL), CBEC_OK);
    char done[64];
    compiled(r, done);
    ck_assert_str_eq(done, "0000000000");
    cbec_report_free(rep);
    /* a defect is found by a rule the slice holds */
    char *bad = strdup(order);
    char *cur = strstr(bad, "\"CNY\"");
    ck_assert_ptr_nonnull(cur);
    memcpy(cur, "\"XXX\"", 5);
    ck_assert_int_eq(cbec_validate(v, r, NULL, CBEC_FORMAT_AUTO, bad, len, &rep), CBEC_OK);
    ck_assert_int_eq(cbec_report_valid(rep), 0);
    ck_assert_ptr_nonnull(strstr(cbec_finding_message(rep, 0, "en"), "XXX"));
    cbec_report_free(rep);
    free(bad);
    free(order);
    cbec_validator_free(v);
    cbec_registry_free(r);
}
END_TEST

/* ---- errors, pins and changed files, on packs of a temporary directory ---- */

static char tmp[256];

static void path_in(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", tmp, name); }

static void write_pack(const char *name, const char *text)
{
    char p[512];
    path_in(p, sizeof p, name);
    put(p, text);
}

static const char *BASE =
    "{\"cbecstd_pack\": 1, \"id\": \"T-BASE\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"base\",\n"
    " \"title\": {\"zh-CN\": \"b\", \"en\": \"b\"},\n"
    " \"codelists\": {\"cur\": {\"codes\": [\"CNY\", \"USD\"]}},\n"
    " \"messages\": {\"order\": {\"json\": {\"detect\": {\"path\": \"/messageType\", \"equals\": \"order\"}},\n"
    "   \"rules\": [{\"id\": \"B-CUR\", \"path\": \"/currency\", \"codelist\": \"cur\"}]},\n"
    "  \"payment\": {\"json\": {\"detect\": {\"path\": \"/messageType\", \"equals\": \"payment\"}},\n"
    "   \"rules\": [{\"id\": \"B-AMT\", \"path\": \"/amount\", \"required\": true}]}}}\n";

static const char *ORDER_V1 =
    "{\"cbecstd_pack\": 1, \"id\": \"T-ORDER\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"compliance\",\n"
    " \"title\": {\"zh-CN\": \"o\", \"en\": \"o\"}, \"extends\": [{\"id\": \"T-BASE\", \"version\": \"^1\"}],\n"
    " \"messages\": {\"order\": {\"rules\": [{\"id\": \"O-NO\", \"path\": \"/orderNo\", \"required\": true}]}}}\n";

/* a payment pack whose rule has a key no check kind knows: line 4 */
static const char *PAYMENT_BROKEN =
    "{\"cbecstd_pack\": 1, \"id\": \"T-PAY\", \"version\": \"1.0.0\", \"status\": \"active\", \"module\": \"payment\",\n"
    " \"title\": {\"zh-CN\": \"p\", \"en\": \"p\"}, \"extends\": [{\"id\": \"T-BASE\", \"version\": \"^1\"}],\n"
    " \"messages\": {\"payment\": {\"rules\": [\n"
    "   {\"id\": \"P-X\", \"path\": \"/amount\", \"bogusCheck\": 1}]}}}\n";

static void setup_dir(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/cbec-lazy-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    write_pack("base.pack.json", BASE);
    write_pack("order.pack.json", ORDER_V1);
    write_pack("payment.pack.json", PAYMENT_BROKEN);
}

static void remove_dir(void)
{
    const char *names[] = {"base.pack.json", "order.pack.json", "payment.pack.json"};
    for (size_t i = 0; i < 3; i++) {
        char p[512];
        path_in(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(tmp);
}

static const char *ORDER_MSG = "{\"messageType\": \"order\", \"orderNo\": \"A1\", \"currency\": \"CNY\"}";
static const char *ORDER_BAD = "{\"messageType\": \"order\", \"currency\": \"EUR\"}";
static const char *PAY_MSG = "{\"messageType\": \"payment\", \"amount\": 1}";

START_TEST(test_error_fails_only_the_messages_that_need_the_pack)
{
    setup_dir();
    /* whole packs: the load fails on the payment pack, at its line */
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    cbec_registry *r = NULL;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_registry_load_path(r, tmp, o, &err), CBEC_EPACK);
    ck_assert_uint_eq(cbec_error_line(err), 4);
    char whole_error[1024];
    snprintf(whole_error, sizeof whole_error, "%s", cbec_error_message(err));
    cbec_error_free(err);
    cbec_registry_free(r);
    cbec_options_free(o);

    r = load_dir(tmp, true, NULL, NULL, CBEC_OK);
    char *rep = report_of(r, NULL, ORDER_MSG, strlen(ORDER_MSG));
    ck_assert_msg(strstr(rep, "\"valid\":true") != NULL, "%s", rep);
    free(rep);
    rep = report_of(r, NULL, ORDER_BAD, strlen(ORDER_BAD));
    ck_assert_msg(strstr(rep, "\"rule\":\"O-NO\"") && strstr(rep, "\"rule\":\"B-CUR\""), "%s", rep);
    free(rep);
    /* the payment: a CBEC-PACK finding with the error the whole load gives */
    for (int twice = 0; twice < 2; twice++) {
        rep = report_of(r, NULL, PAY_MSG, strlen(PAY_MSG));
        ck_assert_msg(strstr(rep, "\"rule\":\"CBEC-PACK\"") && strstr(rep, "bogusCheck") &&
                          strstr(rep, "payment.pack.json:4:") && strstr(rep, "\"valid\":false"),
                      "%s", rep);
        free(rep);
    }
    ck_assert_ptr_nonnull(strstr(whole_error, "bogusCheck"));
    /* the registry gives the pack that does not compile as loaded, without a digest */
    size_t n = cbec_registry_pack_count(r);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        const cbec_pack *p = cbec_registry_pack(r, i);
        if (strcmp(cbec_pack_id(p), "T-PAY") == 0)
            ck_assert_str_eq(cbec_pack_digest(p), "");
        else
            ck_assert_uint_eq(strlen(cbec_pack_digest(p)), 71);
    }
    cbec_registry_free(r);

    /* an error in what a head holds (the metadata) fails the load, at its line */
    write_pack("payment.pack.json",
               "{\"cbecstd_pack\": 1, \"id\": \"T-PAY\",\n \"version\": \"1.0\", \"status\": \"active\",\n"
               " \"module\": \"payment\", \"title\": {\"zh-CN\": \"p\", \"en\": \"p\"}, \"messages\": {}}\n");
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_LAZY_LOAD, "1"), CBEC_OK);
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    ck_assert_int_eq(cbec_registry_load_path(r, tmp, o, &err), CBEC_EPACK);
    ck_assert_uint_eq(cbec_error_line(err), 2);
    ck_assert_ptr_nonnull(strstr(cbec_error_message(err), "semantic version"));
    cbec_error_free(err);
    cbec_registry_free(r);
    cbec_options_free(o);
    remove_dir();
}
END_TEST

START_TEST(test_pins_and_changed_files)
{
    setup_dir();
    write_pack("payment.pack.json", "{\"cbecstd_pack\": 1, \"id\": \"T-PAY\", \"version\": \"1.0.0\", \"status\": \"active\","
                                    " \"module\": \"payment\", \"title\": {\"zh-CN\": \"p\", \"en\": \"p\"}, \"messages\": {}}");
    /* the digest of the whole order pack */
    cbec_registry *w = load_dir(tmp, false, NULL, NULL, CBEC_OK);
    char digest[80] = "";
    for (size_t i = 0; i < cbec_registry_pack_count(w); i++)
        if (strcmp(cbec_pack_id(cbec_registry_pack(w, i)), "T-ORDER") == 0)
            snprintf(digest, sizeof digest, "%s", cbec_pack_digest(cbec_registry_pack(w, i)));
    cbec_registry_free(w);
    ck_assert_uint_eq(strlen(digest), 71);

    /* the right pin: valid; a wrong one: the order fails with the mismatch */
    cbec_registry *r = load_dir(tmp, true, "T-ORDER@1.0.0", digest, CBEC_OK);
    char *rep = report_of(r, NULL, ORDER_MSG, strlen(ORDER_MSG));
    ck_assert_msg(strstr(rep, "\"valid\":true") && strstr(rep, digest), "%s", rep);
    free(rep);
    cbec_registry_free(r);
    r = load_dir(tmp, true, "T-ORDER@1.0.0", "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                 CBEC_OK);
    rep = report_of(r, NULL, ORDER_MSG, strlen(ORDER_MSG));
    ck_assert_msg(strstr(rep, "CBEC-PACK") && strstr(rep, "is pinned"), "%s", rep);
    free(rep);
    cbec_registry_free(r);

    /* a pack file that holds another version since it loaded is said */
    r = load_dir(tmp, true, NULL, NULL, CBEC_OK);
    char *v2 = strdup(ORDER_V1);
    memcpy(strstr(v2, "1.0.0"), "1.0.1", 5);
    write_pack("order.pack.json", v2);
    free(v2);
    rep = report_of(r, NULL, ORDER_MSG, strlen(ORDER_MSG));
    ck_assert_msg(strstr(rep, "CBEC-PACK") && strstr(rep, "T-ORDER@1.0.1") && strstr(rep, "T-ORDER@1.0.0"), "%s", rep);
    free(rep);
    cbec_registry_free(r);
    remove_dir();
}
END_TEST

/* ---- heads from the cache between processes ---- */

static void remove_cache(const char *cache)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
    ck_assert_int_eq(system(cmd), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = slurp(from, &len);
    FILE *f = fopen(to, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
}

/* The packs of dir loaded with CBEC_OPT_LAZY_LOAD lazy and the cache in
 * cache; the load's status must be want. */
static cbec_registry *load_with_cache(const char *dir, const char *lazy, const char *cache, int want)
{
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_LAZY_LOAD, lazy), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_CACHE_DIR, cache), CBEC_OK);
    cbec_registry *r = NULL;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    cbec_error *err = NULL;
    int st = cbec_registry_load_path(r, dir, o, &err);
    ck_assert_msg(st == want, "%s", err ? cbec_error_message(err) : cbec_strerror(st));
    cbec_error_free(err);
    cbec_options_free(o);
    return r;
}

static cbec_registry *load_cached(const char *dir, const char *cache) { return load_with_cache(dir, "1", cache, CBEC_OK); }

/* How the EDIFACT form of the order type of r's only pack is told. */
static char *edi_detect_of(const cbec_registry *r);

/* The same for the packs of dir, loaded lazily with the cache. */
static char *edi_detect_after_load(const char *dir, const char *cache)
{
    cbec_registry *r = load_cached(dir, cache);
    char *d = edi_detect_of(r);
    cbec_registry_free(r);
    return d;
}

static char *edi_detect_of(const cbec_registry *r)
{
    const cbec_pack *p = snap_of(r)->packs[0];
    const cbec_msgtype *t = cbec__pack_type(p, "order");
    ck_assert_ptr_nonnull(t);
    cbec_buf b;
    cbec__buf_init(&b);
    ck_assert(cbec__edi_detect_json(&t->formats[CBEC_FORMAT_EDIFACT], &b));
    char *s = strdup(cbec__buf_cstr(&b));
    cbec__buf_free(&b);
    return s;
}

START_TEST(test_heads_from_the_cache)
{
    char cache[] = "/tmp/cbec-lazy-cache-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(cache));
    cbec__cache_set_settle_ms(0);
    /* the reference packs: heads made once, then read back, same reports */
    size_t built = cbec__lazy_head_builds();
    cbec_registry *first = load_cached(CBEC_TEST_SOURCE_DIR "/packs", cache);
    ck_assert_uint_eq(cbec__lazy_head_builds() - built, 10);
    cbec_registry *again = load_cached(CBEC_TEST_SOURCE_DIR "/packs", cache);
    ck_assert_uint_eq(cbec__lazy_head_builds() - built, 10);
    cbec_registry *whole = load_dir(CBEC_TEST_SOURCE_DIR "/packs", false, NULL, NULL, CBEC_OK);
    const char *msgs[] = {"/examples/order.json", "/examples/logistics-status.json", "/tests/xml/order-ceb311.xml",
                          "/tests/cases/edi/edifact-orders-valid/message.edi"};
    for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", CBEC_TEST_SOURCE_DIR, msgs[i]);
        size_t len;
        char *data = slurp(path, &len);
        char *a = report_of(whole, NULL, data, len), *b = report_of(first, NULL, data, len),
             *c = report_of(again, NULL, data, len);
        ck_assert_msg(strcmp(a, b) == 0 && strcmp(a, c) == 0, "%s:\n%s\n%s\n%s", msgs[i], a, b, c);
        ck_assert_ptr_null(strstr(a, "CBEC-TYPE"));
        free(a);
        free(b);
        free(c);
        free(data);
    }
    cbec_registry_free(first);
    cbec_registry_free(again);
    cbec_registry_free(whole);

    /* a head whose EDI form is told by its definition file: the cached head
     * carries what the file said, and a changed file is read again */
    setup_dir();
    char p[512], edi[512];
    path_in(p, sizeof p, "base.pack.json");
    unlink(p);
    path_in(p, sizeof p, "payment.pack.json");
    unlink(p);
    path_in(edi, sizeof edi, "edi");
    ck_assert_int_eq(mkdir(edi, 0700), 0);
    path_in(p, sizeof p, "edi/edifact-d96a-orders.json");
    copy_file(CBEC_TEST_SOURCE_DIR "/packs/edi/edifact-d96a-orders.json", p);
    path_in(p, sizeof p, "edi/edifact-d96a-directory.json");
    copy_file(CBEC_TEST_SOURCE_DIR "/packs/edi/edifact-d96a-directory.json", p);
    write_pack("order.pack.json",
               "{\"cbecstd_pack\": 1, \"id\": \"T-ORDER\", \"version\": \"1.0.0\", \"status\": \"active\","
               " \"module\": \"compliance\", \"title\": {\"zh-CN\": \"o\", \"en\": \"o\"},"
               " \"messages\": {\"order\": {\"edifact\": {\"definition\": \"edi/edifact-d96a-orders.json\"},"
               " \"rules\": [{\"id\": \"O-NO\", \"path\": \"/x\", \"required\": true}]}}}");
    built = cbec__lazy_head_builds();
    char *d1 = edi_detect_after_load(tmp, cache), *d2 = edi_detect_after_load(tmp, cache);
    ck_assert_uint_eq(cbec__lazy_head_builds() - built, 1);
    ck_assert_str_eq(d1, "[{\"message\":\"ORDERS\",\"version\":[\"D:96A\"]}]");
    ck_assert_str_eq(d1, d2);
    /* the definition now says another version: the head is made again */
    path_in(p, sizeof p, "edi/edifact-d96a-orders.json");
    size_t len;
    char *def = slurp(p, &len);
    char *v = strstr(def, "\"D:96A\"");
    ck_assert_ptr_nonnull(v);
    memcpy(v, "\"D:97A\"", 7);
    put(p, def);
    free(def);
    char *d3 = edi_detect_after_load(tmp, cache);
    ck_assert_uint_eq(cbec__lazy_head_builds() - built, 2);
    ck_assert_str_eq(d3, "[{\"message\":\"ORDERS\",\"version\":[\"D:97A\"]}]");
    free(d1);
    free(d2);
    free(d3);
    unlink(p);
    path_in(p, sizeof p, "edi/edifact-d96a-directory.json");
    unlink(p);
    rmdir(edi);
    remove_dir();
    remove_cache(cache);
}
END_TEST

/* ---- "auto": lazily only what a whole load certified before ---- */

static cbec_registry *load_auto(const char *dir, const char *cache, int want, bool *lazy)
{
    cbec_registry *r = load_with_cache(dir, "auto", cache, want);
    *lazy = snap_of(r)->lazy != NULL;
    return r;
}

START_TEST(test_auto_loads_lazily_only_what_a_whole_load_certified)
{
    char cache[] = "/tmp/cbec-lazy-auto-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(cache));
    cbec__cache_set_settle_ms(0);
    setup_dir();
    char csv[512], p[512];
    path_in(csv, sizeof csv, "cur.csv");
    put(csv, "code\nCNY\nUSD\n");
    /* the base's code list from a file */
    const char *codes = strstr(BASE, "{\"codes\": [\"CNY\", \"USD\"]}");
    ck_assert_ptr_nonnull(codes);
    char base[2048];
    snprintf(base, sizeof base, "%.*s{\"file\": \"cur.csv\"}%s", (int)(codes - BASE), BASE,
             codes + strlen("{\"codes\": [\"CNY\", \"USD\"]}"));
    write_pack("base.pack.json", base);
    path_in(p, sizeof p, "payment.pack.json");
    unlink(p);
    bool lazy;
    /* whole, and certified; then lazily, with the same findings */
    cbec_registry *r = load_auto(tmp, cache, CBEC_OK, &lazy);
    ck_assert(!lazy);
    char *a = report_of(r, NULL, ORDER_BAD, strlen(ORDER_BAD));
    cbec_registry_free(r);
    r = load_auto(tmp, cache, CBEC_OK, &lazy);
    ck_assert(lazy);
    char *b = report_of(r, NULL, ORDER_BAD, strlen(ORDER_BAD));
    ck_assert_str_eq(a, b);
    ck_assert_msg(strstr(a, "B-CUR") && strstr(a, "O-NO"), "%s", a);
    cbec_registry_free(r);
    free(a);
    free(b);
    /* a file a pack reads changes: whole again (here it breaks the load) */
    put(csv, "code\nCNY\nCNY\n");
    r = load_auto(tmp, cache, CBEC_EPACK, &lazy);
    cbec_registry_free(r);
    r = load_auto(tmp, cache, CBEC_EPACK, &lazy);
    cbec_registry_free(r);
    /* mended: whole, certified, lazily */
    put(csv, "code\nCNY\nUSD\nEUR\n");
    r = load_auto(tmp, cache, CBEC_OK, &lazy);
    ck_assert(!lazy);
    cbec_registry_free(r);
    r = load_auto(tmp, cache, CBEC_OK, &lazy);
    ck_assert(lazy);
    a = report_of(r, NULL, ORDER_BAD, strlen(ORDER_BAD));
    ck_assert_msg(strstr(a, "O-NO") && !strstr(a, "B-CUR"), "%s", a);
    free(a);
    cbec_registry_free(r);
    /* a pack that does not compile is never certified: every load fails */
    write_pack("payment.pack.json", PAYMENT_BROKEN);
    for (int i = 0; i < 2; i++) {
        r = load_auto(tmp, cache, CBEC_EPACK, &lazy);
        cbec_registry_free(r);
    }
    /* other options: not certified for them */
    unlink(p);
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_LAZY_LOAD, "auto"), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_CACHE_DIR, cache), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_SCHEMA_DRAFT, "7"), CBEC_OK);
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    ck_assert_int_eq(cbec_registry_load_path(r, tmp, o, NULL), CBEC_OK);
    ck_assert(snap_of(r)->lazy == NULL);
    cbec_registry_free(r);
    cbec_options_free(o);
    unlink(csv);
    remove_dir();
    remove_cache(cache);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pack-lazy");
    TCase *tc = tcase_create("lazy");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_lazy_same_reports_as_whole_packs);
    tcase_add_test(tc, test_text_report_compiles_only_the_slices);
    tcase_add_test(tc, test_error_fails_only_the_messages_that_need_the_pack);
    tcase_add_test(tc, test_pins_and_changed_files);
    tcase_add_test(tc, test_heads_from_the_cache);
    tcase_add_test(tc, test_auto_loads_lazily_only_what_a_whole_load_certified);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return test_run(suite()); }
