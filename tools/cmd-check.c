/* cmd-check.c - "cbecstd check KIND VALUE...": check identifiers on their
 * own, one verdict line per value. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 4096

static void check_usage(FILE *f)
{
    fprintf(f, "usage: cbecstd check [--lang zh-CN|en] [--no-countries] KIND VALUE...|-\n"
               "       cbecstd check --list [--lang zh-CN|en]\n");
}

/* The value as it is shown: control bytes and DEL as \xHH so that a value
 * cannot forge the output. */
static void print_value(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '\\')
            printf(c == '\\' ? "\\\\" : "\\x%02X", c);
        else
            putchar(c);
    }
}

static int check_one(const cbec_identifier_checker *checker, const char *kind, const char *lang,
                     const char *v, size_t n)
{
    char reason[256];
    int valid = 0;
    int st = cbec_identifier_check(checker, kind, v, n, lang, &valid, reason, sizeof reason);
    if (st) {
        fprintf(stderr, "%s: check: %s\n", cli_progname, cbec_strerror(st));
        return EXIT_USAGE;
    }
    print_value(v, n);
    if (valid)
        printf(": valid\n");
    else
        printf(": invalid: %s\n", reason); /* the keywords stay English: scripts parse them */
    return valid ? EXIT_VALID : EXIT_INVALID;
}

/* Values from standard input, one per line (CR before LF ignored). */
static int check_stdin(const cbec_identifier_checker *checker, const char *kind, const char *lang)
{
    int rc = EXIT_VALID;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t n = (size_t)got;
        if (n && line[n - 1] == '\n')
            n--;
        if (n && line[n - 1] == '\r')
            n--;
        if (n > VALUE_MAX) {
            fprintf(stderr, "%s: check: a value of %zu bytes is longer than %d; skipped\n", cli_progname, n,
                    VALUE_MAX);
            rc = rc == EXIT_USAGE ? rc : EXIT_INVALID;
            continue;
        }
        int r = check_one(checker, kind, lang, line, n);
        if (r > rc)
            rc = r;
    }
    free(line);
    if (ferror(stdin)) {
        fprintf(stderr, "%s: check: error reading standard input\n", cli_progname);
        return EXIT_USAGE;
    }
    return rc;
}

int cli_cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"list", no_argument, NULL, 'l'},
        {"lang", required_argument, NULL, 'L'},
        {"no-countries", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool list = false, countries = true;
    const char *lang = "en";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': list = true; break;
        case 'L': lang = optarg; break;
        case 'n': countries = false; break;
        case 'h': check_usage(stdout); return EXIT_VALID;
        default: check_usage(stderr); return EXIT_USAGE;
        }
    }
    if (list) {
        if (optind != argc)
            return cli_die_usage("check --list takes no %s", "arguments");
        for (size_t i = 0; i < cbec_identifier_kind_count(); i++)
            printf("%-18s %s\n", cbec_identifier_kind_name(i), cbec_identifier_kind_summary(i, lang));
        return EXIT_VALID;
    }
    if (argc - optind < 2) {
        check_usage(stderr);
        return EXIT_USAGE;
    }
    const char *kind = argv[optind++];
    bool known = false;
    for (size_t i = 0; i < cbec_identifier_kind_count() && !known; i++)
        known = strcmp(cbec_identifier_kind_name(i), kind) == 0;
    if (!known) {
        fprintf(stderr, "%s: unknown identifier kind \"%s\" (cbecstd check --list shows them)\n", cli_progname, kind);
        return EXIT_USAGE;
    }
    cbec_identifier_checker *checker = NULL;
    if (countries) {
        cbec_error *err = NULL;
        int st = cbec_identifier_checker_new(&checker, NULL, &err);
        if (st) {
            cli_print_error("iso-codes", st, err);
            cbec_error_free(err);
            fprintf(stderr, "%s: (--no-countries checks without the country table)\n", cli_progname);
            return EXIT_USAGE;
        }
    }
    int rc = EXIT_VALID;
    for (int i = optind; i < argc; i++) {
        int r = strcmp(argv[i], "-") == 0 ? check_stdin(checker, kind, lang)
                                          : check_one(checker, kind, lang, argv[i], strlen(argv[i]));
        if (r > rc)
            rc = r;
    }
    fflush(stdout);
    cbec_identifier_checker_free(checker);
    return rc;
}
