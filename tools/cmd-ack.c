/* cmd-ack.c - "cbecstd ack": validate an EDI interchange and print the
 * functional acknowledgement its sender expects (X12 997/999, EDIFACT
 * CONTRL). */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACK_MAX_BYTES (64UL << 20)

static void ack_usage(FILE *f)
{
    fprintf(f, "usage: cbecstd ack [-p PACK_FILE_OR_DIR]... [-t TYPE] [-f auto|edifact|x12]\n"
               "                   [--format 997|999|contrl] [--control NUMBER] [--timestamp YYYYMMDDHHMM]\n"
               "                   [--report] [FILE|-]\n");
}

int cli_cmd_ack(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'},    {"type", required_argument, NULL, 't'},
        {"input", required_argument, NULL, 'f'},   {"format", required_argument, NULL, 'F'},
        {"control", required_argument, NULL, 'c'}, {"timestamp", required_argument, NULL, 's'},
        {"report", no_argument, NULL, 'r'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char **packs = calloc((size_t)argc + 1, sizeof *packs);
    if (!packs)
        return EXIT_USAGE;
    size_t npacks = 0;
    const char *type = NULL, *control = NULL, *stamp = NULL;
    cbec_format input = CBEC_FORMAT_AUTO;
    int ackfmt = 0;
    bool report = false;
    int c, rc = EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:t:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': packs[npacks++] = optarg; break;
        case 't': type = optarg; break;
        case 'f':
            if (!strcmp(optarg, "auto")) input = CBEC_FORMAT_AUTO;
            else if (!strcmp(optarg, "edifact")) input = CBEC_FORMAT_EDIFACT;
            else if (!strcmp(optarg, "x12")) input = CBEC_FORMAT_X12;
            else {
                free(packs);
                return cli_die_usage("unknown input format \"%s\" (auto, edifact, x12)", optarg);
            }
            break;
        case 'F':
            if (!strcmp(optarg, "997")) ackfmt = CBEC_ACK_X12_997;
            else if (!strcmp(optarg, "999")) ackfmt = CBEC_ACK_X12_999;
            else if (!strcmp(optarg, "contrl") || !strcmp(optarg, "CONTRL")) ackfmt = CBEC_ACK_EDIFACT_CONTRL;
            else {
                free(packs);
                return cli_die_usage("unknown acknowledgement \"%s\" (997, 999, contrl)", optarg);
            }
            break;
        case 'c': control = optarg; break;
        case 's': stamp = optarg; break;
        case 'r': report = true; break;
        case 'h': ack_usage(stdout); free(packs); return EXIT_VALID;
        default: ack_usage(stderr); free(packs); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        ack_usage(stderr);
        free(packs);
        return EXIT_USAGE;
    }
    const char *name = optind < argc ? argv[optind] : "-";
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    cbec_report *rep = NULL;
    cli_input in = {0};
    if (cbec_registry_new(&reg) || cbec_validator_new(&v)) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        goto out;
    }
    char defbuf[PATH_MAX + 64];
    if (!npacks)
        packs[npacks++] = cli_default_packs(defbuf, sizeof defbuf);
    if (cli_load_packs(reg, packs, npacks, NULL, CLI_LAZY_OFF) != EXIT_VALID)
        goto out;
    bool is_stdin = !strcmp(name, "-");
    in.f = is_stdin ? stdin : fopen(name, "rb");
    in.name = is_stdin ? "<stdin>" : name;
    if (!in.f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", cli_progname, name, strerror(errno));
        goto out;
    }
    size_t len = 0;
    int rd = cli_read_all(&in, ACK_MAX_BYTES, &len);
    if (!is_stdin)
        fclose(in.f);
    if (rd) {
        fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, in.name, strerror(errno));
        goto out;
    }
    int st = cbec_validate(v, reg, type, input, in.buf ? in.buf : "", len, &rep);
    if (st) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, in.name,
                st == CBEC_ENOTFOUND ? "no loaded pack defines that message type" : cbec_strerror(st));
        goto out;
    }
    cbec_format got = cbec_report_format(rep);
    if (got != CBEC_FORMAT_EDIFACT && got != CBEC_FORMAT_X12) {
        fprintf(stderr, "%s: %s is not an EDIFACT or X12 interchange\n", cli_progname, in.name);
        goto out;
    }
    if (!ackfmt)
        ackfmt = got == CBEC_FORMAT_X12 ? CBEC_ACK_X12_997 : CBEC_ACK_EDIFACT_CONTRL;
    if (report) {
        /* the findings behind the acknowledgement, for people, on stderr */
        const char *text;
        size_t tl;
        cbec_report_set_source(rep, in.name, 0);
        if (cbec_report_render(rep, CBEC_RENDER_TEXT, "en", &text, &tl) == CBEC_OK)
            fwrite(text, 1, tl, stderr);
    }
    const char *out;
    size_t olen;
    st = cbec_report_render_ack(rep, (cbec_ack_format)ackfmt, control, stamp, &out, &olen);
    if (st == CBEC_ESTATE) {
        fprintf(stderr, "%s: %s: no interchange header could be read: nothing to acknowledge\n", cli_progname,
                in.name);
        goto out;
    }
    if (st == CBEC_EINVAL) {
        fprintf(stderr, "%s: %s\n", cli_progname,
                (ackfmt == CBEC_ACK_EDIFACT_CONTRL) != (got == CBEC_FORMAT_EDIFACT)
                    ? "an X12 interchange is acknowledged with 997 or 999, an EDIFACT one with CONTRL"
                    : "the control number is 1 to 9 digits and the timestamp YYYYMMDDHHMM");
        goto out;
    }
    if (st) {
        fprintf(stderr, "%s: %s\n", cli_progname, cbec_strerror(st));
        goto out;
    }
    fwrite(out, 1, olen, stdout);
    fflush(stdout);
    rc = cbec_report_valid(rep) ? EXIT_VALID : EXIT_INVALID;
out:
    cbec_report_free(rep);
    cbec_validator_free(v);
    cli_registry_done(reg);
    cli_input_free(&in);
    free(packs);
    return rc;
}
