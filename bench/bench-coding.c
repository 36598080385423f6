/* bench-coding.c - what the data and coding rules cost: nanoseconds per
 * code-list lookup, per identifier check (each kind, a valid and an
 * invalid value), per exact-decimal parse and per ISO 8601 parse.  A
 * benchmark, not a test: it prints a table and checks nothing.
 *
 *     ninja -C build bench/bench-coding && build/bench/bench-coding [ITERATIONS]
 *
 * or `ninja -C build bench-coding` (a run target).  Reads ISO 3166-1 from
 * iso-codes ($CBECSTD_ISO_CODES_DIR or the build default). */
#include "core/datetime.h"
#include "core/decimal.h"
#include "pack/isocodes.h"
#include "rules/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile unsigned long sink;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static bool in_list(const char cc[2], void *ud)
{
    return cbec__codelist_has(ud, cc, 2);
}

/* One valid and one invalid value per kind, in the compact form. */
static const struct {
    const char *kind, *good, *bad;
} samples[] = {
    {"gtin", "6901234567892", "6901234567893"},
    {"iban", "DE89370400440532013000", "DE89370400440532013001"},
    {"bic", "DEUTDEFFXXX", "DEUTXXFFXXX"},
    {"lei", "5493001KJTIIGC8Y1R12", "5493001KJTIIGC8Y1R13"},
    {"s10", "EE202611270JP", "EE202611271JP"},
    {"iso6346", "CSQU3054383", "CSQU3054384"},
    {"uscc", "91330106MA2H3K4L5N", "91330106MA2H3K4L5M"},
    {"uscc-strict", "91620105750935948X", "91620105750935945L"},
    {"cn-ric", "110105199003071239", "110105199003071238"},
    {"cn-ric-strict", "110105199003071239", "110105199002301236"},
    {"hs", "3304990099", "7704990099"},
    {"unlocode", "CNSHA", "XXSHA"},
    {"e164", "+8613812345678", "8613812345678"},
    {"email", "zhang.wei@example.cn", "zhang..wei@example.cn"},
    {"uuid", "3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f", "3f2b8c1e-7d4a-4e5b-7c6d-1a2b3c4d5e6f"},
    {"uuid4", "3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f", "3F2B8C1E-7D4A-4E5B-9C6D-1A2B3C4D5E6F"},
    {"masked-pan", "622588******7898", "6225881234567898"},
    {"luhn", "79927398713", "79927398710"},
    {"iso7064-mod97-10", "2128506", "2128507"},
    {"iso7064-mod11-2", "0000000000000001X", "0000000000000001Y"},
};

static double per_call(const cbec_ident_kind *k, const char *v, const cbec_codelist *countries, unsigned long n)
{
    size_t len = strlen(v);
    cbec_ident_result res;
    double t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += k->check(v, len, in_list, (void *)countries, &res);
    return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000UL;
    if (!n)
        n = 1;
    cbec_isocodes t;
    char err[1200];
    int st = cbec__isocodes_open(&t, cbec__isocodes_dir(NULL), "3166-1", err, sizeof err);
    if (st) {
        fprintf(stderr, "bench-coding: %s\n", err);
        return 2;
    }
    cbec_codelist *countries = cbec__isocodes_codelist(&t, "country", "alpha_2");
    cbec__isocodes_close(&t);
    if (!countries) {
        fprintf(stderr, "bench-coding: out of memory\n");
        return 2;
    }

    printf("# libcbecstd coding rules, %lu calls each (ns per call)\n\n", n);
    printf("| operation | valid value | invalid value |\n| --- | ---: | ---: |\n");

    /* code list: the 249 ISO 3166-1 codes, a hit and a miss */
    static const char *const hits[] = {"CN", "DE", "JP", "US"}, *const misses[] = {"XX", "QQ", "AA", "ZZ"};
    double t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__codelist_has(countries, hits[i & 3], 2);
    double hit = (now_ns() - t0) / (double)n;
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__codelist_has(countries, misses[i & 3], 2);
    double miss = (now_ns() - t0) / (double)n;
    printf("| code-list lookup (%zu codes; hit / miss) | %.1f | %.1f |\n", countries->count, hit, miss);

    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const cbec_ident_kind *k = cbec__ident_find(samples[i].kind);
        if (!k)
            continue;
        double good = per_call(k, samples[i].good, countries, n);
        double bad = per_call(k, samples[i].bad, countries, n);
        printf("| identifier %s | %.1f | %.1f |\n", k->name, good, bad);
    }

    static const char *const amounts[] = {"388.50", "0.00", "1234567.891", "-12"};
    cbec_dec d;
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++) {
        const char *a = amounts[i & 3];
        sink += cbec__dec_parse(a, strlen(a), 0, &d) == CBEC_DEC_OK && cbec__dec_scale(&d) <= 2;
    }
    double dec = (now_ns() - t0) / (double)n;
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__dec_parse("38x.50", 6, 0, &d);
    printf("| decimal parse + scale | %.1f | %.1f |\n", dec, (now_ns() - t0) / (double)n);

    cbec_datetime dt;
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__dt_parse("2026-11-27T10:15:30+08:00", 25, CBEC_DT_DATETIME, true, &dt, NULL, NULL);
    double good = (now_ns() - t0) / (double)n;
    char en[128], zh[128];
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__dt_parse("2026-02-30T10:15:30+08:00", 25, CBEC_DT_DATETIME, true, &dt, en, zh);
    printf("| ISO 8601 date-time parse (bad: 30 February, with reasons) | %.1f | %.1f |\n", good,
           (now_ns() - t0) / (double)n);
    t0 = now_ns();
    for (unsigned long i = 0; i < n; i++)
        sink += cbec__dt_parse("20261127101530", 14, CBEC_DT_COMPACT, false, &dt, NULL, NULL);
    printf("| customs compact date-time parse | %.1f | |\n", (now_ns() - t0) / (double)n);

    cbec__codelist_free(countries);
    return 0;
}
