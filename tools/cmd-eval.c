/* cmd-eval.c - "cbecstd eval": evaluate a JSON Logic rule against JSON data
 * and print the result, the way rule authors try a rule before it goes
 * into a pack. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_MAX_BYTES (64UL << 20)

static int read_named(const char *name, char **buf, size_t *len)
{
    bool is_stdin = strcmp(name, "-") == 0;
    cli_input in = {is_stdin ? stdin : fopen(name, "rb"), is_stdin ? "<stdin>" : name, NULL, 0};
    if (!in.f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", cli_progname, name, strerror(errno));
        return -1;
    }
    int rc = cli_read_all(&in, EVAL_MAX_BYTES, len);
    if (!is_stdin)
        fclose(in.f);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, name, strerror(errno));
        free(in.buf);
        return -1;
    }
    if (*len > EVAL_MAX_BYTES) {
        fprintf(stderr, "%s: %s is larger than %lu bytes\n", cli_progname, name, EVAL_MAX_BYTES);
        free(in.buf);
        return -1;
    }
    *buf = in.buf;
    return 0;
}

/* JSON Logic truthiness of a result printed as JSON. */
static bool truthy_json(const char *s)
{
    if (!strcmp(s, "false") || !strcmp(s, "null") || !strcmp(s, "\"\"") || !strcmp(s, "[]"))
        return false;
    if (*s == '-' || (*s >= '0' && *s <= '9')) {
        for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++)
            if (*p >= '1' && *p <= '9')
                return true;
        return false;
    }
    return true;
}

static bool parse_count(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return false;
    *out = v;
    return true;
}

int cli_cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"max-operations", required_argument, NULL, 'm'},
        {"max-depth", required_argument, NULL, 'd'},
        {"assert", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long max_ops = 0, max_depth = 0;
    bool assert_mode = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!parse_count(optarg, &max_ops))
                return cli_die_usage("--max-operations wants a number, not \"%s\"", optarg);
            break;
        case 'd':
            if (!parse_count(optarg, &max_depth))
                return cli_die_usage("--max-depth wants a number, not \"%s\"", optarg);
            break;
        case 'a': assert_mode = true; break;
        case 'h':
            printf("usage: cbecstd eval [--max-operations N] [--max-depth N] [--assert] RULE.json DATA.json\n");
            return EXIT_VALID;
        default: cli_usage(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 2)
        return cli_die_usage("%s", "eval takes a rule file and a data file (\"-\" for standard input)");
    const char *rule_file = argv[optind], *data_file = argv[optind + 1];
    if (!strcmp(rule_file, "-") && !strcmp(data_file, "-"))
        return cli_die_usage("%s", "only one of the rule and the data can come from standard input");
    char *rule = NULL, *data = NULL;
    size_t rule_len = 0, data_len = 0;
    if (read_named(rule_file, &rule, &rule_len) || read_named(data_file, &data, &data_len)) {
        free(rule);
        free(data);
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    cbec_logic *l = NULL;
    cbec_error *err = NULL;
    int st = cbec_logic_compile(&l, rule ? rule : "", rule_len, &err);
    if (st) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, rule_file, err ? cbec_error_message(err) : cbec_strerror(st));
        goto out;
    }
    if ((max_ops && cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_OPERATIONS, max_ops)) ||
        (max_depth && cbec_logic_set_limit(l, CBEC_LOGIC_LIMIT_DEPTH, max_depth))) {
        fprintf(stderr, "%s: a limit is out of range\n", cli_progname);
        goto out;
    }
    const char *result;
    size_t len;
    st = cbec_logic_eval(l, data ? data : "", data_len, &result, &len, &err);
    if (st) {
        const char *type = cbec_logic_error_type(l);
        fprintf(stderr, "%s: %s: %s\n", cli_progname, strcmp(type, "Data") == 0 ? data_file : "evaluation failed",
                err ? cbec_error_message(err) : cbec_strerror(st));
        /* data that does not fit the rule is an answer (1); unreadable data is not (2) */
        rc = strcmp(type, "Data") == 0 || st == CBEC_ENOMEM ? EXIT_USAGE : EXIT_INVALID;
        goto out;
    }
    fwrite(result, 1, len, stdout);
    fputc('\n', stdout);
    rc = assert_mode && !truthy_json(result) ? EXIT_INVALID : EXIT_VALID;
out:
    cbec_error_free(err);
    cbec_logic_free(l);
    free(rule);
    free(data);
    return rc;
}
