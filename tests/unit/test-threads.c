/* test-threads.c - one registry shared by several validator threads, while
 * another thread hot-reloads it (whole packs, deferred compiles, lazy
 * loads): verdicts stay right, nothing races (run
 * under ThreadSanitizer by scripts/test.sh), nothing leaks. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"
#include "test-run.h"

#define NTHREADS 4
#define ROUNDS 60
#define RELOADS 12

typedef struct sample {
    const char *file;
    char *data;
    size_t len;
    const char *type;
} sample;

static sample samples[] = {
    {"examples/order.json", NULL, 0, "order"},
    {"examples/payment.json", NULL, 0, "payment"},
    {"examples/logistics-status.json", NULL, 0, "logisticsStatus"},
    /* its definition compiles on first use after a deferred reload */
    {"tests/cases/edi/edifact-orders-valid/message.edi", NULL, 0, "order"},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static cbec_registry *reg;
static cbec_stats *stats;
static const char *packs_dir = CBEC_TEST_SOURCE_DIR "/packs";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
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
    int st = cbec_registry_load_path(reg, packs_dir, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "%s", err ? cbec_error_message(err) : cbec_strerror(st));
    ck_assert_int_eq(cbec_stats_new(&stats), CBEC_OK);
    for (size_t i = 0; i < NSAMPLES; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CBEC_TEST_SOURCE_DIR, samples[i].file);
        samples[i].data = slurp(path, &samples[i].len);
    }
}

static void teardown(void)
{
    for (size_t i = 0; i < NSAMPLES; i++) {
        free(samples[i].data);
        samples[i].data = NULL;
    }
    cbec_stats_free(stats);
    cbec_registry_free(reg);
}

typedef struct worker {
    pthread_t tid;
    unsigned seed;
    int failures;
    char why[256];
} worker;

/* A broken order: its findings render, and their rendering is compared
 * across threads through the text each thread builds itself. */
static const char broken[] =
    "{\"messageType\":\"order\",\"orderNo\":\"bad number!\",\"buyer\":{\"idType\":\"1\","
    "\"idNumber\":\"110105199003071239\",\"phone\":\"13812345678\"},\"items\":[]}";

static void *validate_loop(void *arg)
{
    worker *w = arg;
    cbec_validator *v = NULL;
    if (cbec_validator_new(&v) != CBEC_OK) {
        w->failures++;
        snprintf(w->why, sizeof w->why, "validator_new");
        return NULL;
    }
    cbec_validator_set_option(v, CBEC_VOPT_DATE, "2026-12-01");
    for (int round = 0; round < ROUNDS && !w->failures; round++) {
        const sample *s = &samples[(w->seed + (unsigned)round) % NSAMPLES];
        cbec_report *r = NULL;
        int st = cbec_validate(v, reg, NULL, CBEC_FORMAT_AUTO, s->data, s->len, &r);
        if (st != CBEC_OK || !cbec_report_valid(r) || strcmp(cbec_report_message_type(r), s->type) != 0) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "%s: status %d, valid %d, type %s", s->file, st,
                     r ? cbec_report_valid(r) : -1, r ? cbec_report_message_type(r) : "-");
        } else if (cbec_stats_add(stats, r) != CBEC_OK) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "stats_add");
        }
        cbec_report_free(r);

        r = NULL;
        st = cbec_validate(v, reg, "order", CBEC_FORMAT_JSON, broken, sizeof broken - 1, &r);
        const char *out = NULL;
        if (st != CBEC_OK || cbec_report_valid(r) ||
            cbec_report_render(r, CBEC_RENDER_JSON, round % 2 ? "zh-CN" : "en", &out, NULL) != CBEC_OK ||
            strstr(out, "110105199003071239") != NULL) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "broken order: status %d", st);
        }
        cbec_report_free(r);

        cbec_redaction *red = NULL;
        st = cbec_redact(v, reg, NULL, CBEC_FORMAT_AUTO, samples[0].data, samples[0].len, 0, &red, NULL);
        if (st != CBEC_OK || strstr(cbec_redaction_data(red, NULL), "110105199003071239")) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "redact: status %d", st);
        }
        cbec_redaction_free(red);
    }
    cbec_validator_free(v);
    return NULL;
}

typedef struct reloader {
    pthread_t tid;
    int failures;
    char why[256];
} reloader;

static void *reload_loop(void *arg)
{
    reloader *rl = arg;
    const char *paths[] = {packs_dir};
    cbec_options *defer = NULL, *lazy = NULL;
    if (cbec_options_new(&defer) != CBEC_OK ||
        cbec_options_set_string(defer, CBEC_OPT_DEFER_COMPILE, "1") != CBEC_OK || cbec_options_new(&lazy) != CBEC_OK ||
        cbec_options_set_string(lazy, CBEC_OPT_LAZY_LOAD, "1") != CBEC_OK) {
        rl->failures++;
        snprintf(rl->why, sizeof rl->why, "options");
    }
    for (int i = 0; i < RELOADS && !rl->failures; i++) {
        cbec_error *err = NULL;
        /* some sets compile XSDs and EDI definitions on first use, and
         * some (lazy) the packs a message type needs, cut down to it, and
         * whole packs for the digests of reports: by whichever validating
         * threads get there first */
        int st = cbec_registry_reload(reg, paths, 1, i % 3 == 2 ? lazy : i % 2 ? defer : NULL, &err);
        if (st != CBEC_OK) {
            rl->failures++;
            snprintf(rl->why, sizeof rl->why, "reload: %s", err ? cbec_error_message(err) : cbec_strerror(st));
        }
        cbec_error_free(err);
        /* a reload that fails must leave the registry as it was */
        const char *bad[] = {CBEC_TEST_SOURCE_DIR "/no/such/directory"};
        if (cbec_registry_reload(reg, bad, 1, NULL, NULL) == CBEC_OK) {
            rl->failures++;
            snprintf(rl->why, sizeof rl->why, "reload of a missing directory succeeded");
        }
        if (cbec_registry_pack_count(reg) == 0) {
            rl->failures++;
            snprintf(rl->why, sizeof rl->why, "registry emptied by a failed reload");
        }
    }
    cbec_options_free(defer);
    cbec_options_free(lazy);
    return NULL;
}

START_TEST(test_threads_share_one_registry_during_hot_reloads)
{
    worker w[NTHREADS];
    reloader rl;
    memset(w, 0, sizeof w);
    memset(&rl, 0, sizeof rl);
    for (unsigned i = 0; i < NTHREADS; i++) {
        w[i].seed = i;
        ck_assert_int_eq(pthread_create(&w[i].tid, NULL, validate_loop, &w[i]), 0);
    }
    ck_assert_int_eq(pthread_create(&rl.tid, NULL, reload_loop, &rl), 0);
    for (unsigned i = 0; i < NTHREADS; i++)
        pthread_join(w[i].tid, NULL);
    pthread_join(rl.tid, NULL);
    for (unsigned i = 0; i < NTHREADS; i++)
        ck_assert_msg(w[i].failures == 0, "thread %u: %s", i, w[i].why);
    ck_assert_msg(rl.failures == 0, "%s", rl.why);
    const char *js;
    ck_assert_int_eq(cbec_stats_render_json(stats, &js, NULL), CBEC_OK);
    char want[64];
    snprintf(want, sizeof want, "\"messages\":%d", NTHREADS * ROUNDS);
    ck_assert_msg(strstr(js, want) != NULL, "%s", js);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_threads_share_one_registry_during_hot_reloads);
    suite_add_tcase(s, tc);
    return test_run(s);
}
