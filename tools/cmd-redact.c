/* cmd-redact.c - "cbecstd redact": write copies of messages with the fields
 * their packs classify as personal masked or removed, for logs and for
 * transfer outside the country of origin. */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REDACT_MAX_BYTES (64UL << 20)

static void redact_usage(FILE *f)
{
    fprintf(f, "usage: cbecstd redact [-p PACK_FILE_OR_DIR]... [-t TYPE] [-f auto|json|xml|edifact|x12]\n"
               "                      [--remove] [--internal] [--ndjson] [FILE...|-]\n");
}

/* One message: its copy on one line of stdout.  0 done, 1 the message
 * could not be redacted (reported on stderr), -1 out of memory. */
static int redact_one(cbec_validator *v, cbec_registry *reg, const char *type, cbec_format format, int flags,
                      const char *data, size_t len, const char *source, unsigned long index)
{
    cbec_redaction *r = NULL;
    cbec_error *err = NULL;
    int st = cbec_redact(v, reg, type, format, data, len, flags, &r, &err);
    if (st) {
        if (index)
            fprintf(stderr, "%s: %s:%lu: %s\n", cli_progname, source, index,
                    err ? cbec_error_message(err) : cbec_strerror(st));
        else
            fprintf(stderr, "%s: %s: %s\n", cli_progname, source, err ? cbec_error_message(err) : cbec_strerror(st));
        cbec_error_free(err);
        return st == CBEC_ENOMEM ? -1 : 1;
    }
    size_t n;
    const char *out = cbec_redaction_data(r, &n);
    fwrite(out, 1, n, stdout);
    fputc('\n', stdout);
    cbec_redaction_free(r);
    return 0;
}

int cli_cmd_redact(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'}, {"type", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"remove", no_argument, NULL, 'R'},
        {"internal", no_argument, NULL, 'I'},   {"ndjson", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char **packs = calloc((size_t)argc + 1, sizeof *packs);
    if (!packs)
        return EXIT_USAGE;
    size_t npacks = 0;
    const char *type = NULL;
    cbec_format format = CBEC_FORMAT_AUTO;
    int flags = 0, c;
    bool ndjson = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:t:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': packs[npacks++] = optarg; break;
        case 't': type = optarg; break;
        case 'f':
            if (!strcmp(optarg, "auto")) format = CBEC_FORMAT_AUTO;
            else if (!strcmp(optarg, "json")) format = CBEC_FORMAT_JSON;
            else if (!strcmp(optarg, "xml")) format = CBEC_FORMAT_XML;
            else if (!strcmp(optarg, "edifact")) format = CBEC_FORMAT_EDIFACT;
            else if (!strcmp(optarg, "x12")) format = CBEC_FORMAT_X12;
            else {
                free(packs);
                return cli_die_usage("unknown format \"%s\" (auto, json, xml, edifact, x12)", optarg);
            }
            break;
        case 'R': flags |= CBEC_REDACT_REMOVE; break;
        case 'I': flags |= CBEC_REDACT_INTERNAL; break;
        case 'n': ndjson = true; break;
        case 'h': redact_usage(stdout); free(packs); return EXIT_VALID;
        default: redact_usage(stderr); free(packs); return EXIT_USAGE;
        }
    }
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    int rc = EXIT_VALID;
    char defbuf[PATH_MAX + 64];
    if (cbec_registry_new(&reg) || cbec_validator_new(&v)) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!npacks)
        packs[npacks++] = cli_default_packs(defbuf, sizeof defbuf);
    if ((rc = cli_load_packs(reg, packs, npacks, NULL, CLI_LAZY_OFF)) != EXIT_VALID)
        goto out;
    char *stdin_only[] = {"-"};
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (!nfiles) {
        files = stdin_only;
        nfiles = 1;
    }
    cli_input in = {0};
    bool failed = false;
    for (int i = 0; i < nfiles && rc == EXIT_VALID; i++) {
        bool is_stdin = strcmp(files[i], "-") == 0;
        in.f = is_stdin ? stdin : fopen(files[i], "rb");
        in.name = is_stdin ? "<stdin>" : files[i];
        if (!in.f) {
            fprintf(stderr, "%s: cannot open %s: %s\n", cli_progname, files[i], strerror(errno));
            failed = true;
            continue;
        }
        size_t len;
        int got;
        if (ndjson) {
            unsigned long line = 0;
            while ((got = cli_read_line(&in, REDACT_MAX_BYTES, &len)) == 1) {
                line++;
                size_t k = 0;
                while (k < len && (in.buf[k] == ' ' || in.buf[k] == '\t'))
                    k++;
                if (k == len)
                    continue;
                int r = redact_one(v, reg, type, format, flags, in.buf, len, in.name, line);
                failed |= r == 1;
                if (r < 0)
                    rc = EXIT_USAGE;
            }
        } else {
            got = cli_read_all(&in, REDACT_MAX_BYTES, &len) == 0 ? 1 : -1;
            if (got == 1) {
                int r = redact_one(v, reg, type, format, flags, in.buf ? in.buf : "", len, in.name, 0);
                failed |= r == 1;
                if (r < 0)
                    rc = EXIT_USAGE;
            }
        }
        if (got < 0) {
            fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, in.name, strerror(errno));
            failed = true;
        }
        if (!is_stdin)
            fclose(in.f);
    }
    cli_input_free(&in);
    if (rc == EXIT_VALID && failed)
        rc = EXIT_INVALID;
    fflush(stdout);
out:
    cbec_validator_free(v);
    cli_registry_done(reg);
    free(packs);
    return rc;
}
