/* cbecstd.c - the command-line tool: validate messages, inspect packs.
 * Uses only the public API of libcbecstd. */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cbecstd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_VALID 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char *progname = "cbecstd";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cbecstd validate [-p PACK_FILE_OR_DIR]... [-t TYPE] [-f auto|json|xml|edifact|x12]\n"
            "                        [-o text|json] [--lang zh-CN|en] [--ndjson] [-q] [FILE...|-]\n"
            "       cbecstd pack lint PACK...\n"
            "       cbecstd pack info PACK...\n"
            "       cbecstd --version | --help\n"
            "\n"
            "Exit status: 0 no message has an error finding; 1 some message has one (or could\n"
            "not be parsed); 2 usage errors, unreadable files and invalid packs.\n"
            "See cbecstd(1).\n");
}

static int die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", progname);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

static void print_error(const char *what, int st, cbec_error *err)
{
    if (err)
        fprintf(stderr, "%s: %s\n", progname, cbec_error_message(err));
    else
        fprintf(stderr, "%s: %s: %s\n", progname, what, cbec_strerror(st));
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The bundled reference packs: $CBECSTD_PACKS, the source tree when the
 * binary runs from its build tree, else the installed data directory. */
static const char *default_packs(char *buf, size_t cap)
{
    const char *env = getenv("CBECSTD_PACKS");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if (strcmp(exe, CBEC_BUILD_DIR "/tools") == 0) {
            snprintf(buf, cap, "%s/packs", CBEC_SOURCE_DIR);
            return buf;
        }
        /* a relocated install: PREFIX/bin beside PREFIX/share/cbecstd */
        snprintf(buf, cap, "%s/../share/cbecstd/packs", exe);
        if (is_dir(buf))
            return buf;
    }
    snprintf(buf, cap, "%s/packs", CBEC_DATADIR);
    return buf;
}

/* ---- reading input ---- */

typedef struct input {
    FILE *f;
    const char *name;
    char *buf;
    size_t cap;
} input;

/* Read everything (at most max+1 bytes, so an oversized message is still
 * reported as too large without holding all of it). */
static int read_all(input *in, size_t max, size_t *len)
{
    size_t n = 0;
    for (;;) {
        if (n == in->cap) {
            size_t cap = in->cap ? in->cap * 2 : 65536;
            if (cap > max + 1)
                cap = max + 1;
            if (cap <= n)
                break;
            char *b = realloc(in->buf, cap);
            if (!b)
                return -1;
            in->buf = b;
            in->cap = cap;
        }
        size_t got = fread(in->buf + n, 1, in->cap - n, in->f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(in->f))
        return -1;
    /* discard the rest of an oversized input */
    if (n > max) {
        char sink[65536];
        while (fread(sink, 1, sizeof sink, in->f) > 0)
            ;
    }
    *len = n;
    return 0;
}

/* Read one line (without its newline), keeping at most max+1 bytes of it.
 * Returns 1 for a line, 0 at end of input, -1 on error. */
static int read_line(input *in, size_t max, size_t *len)
{
    size_t n = 0;
    int c;
    bool any = false;
    while ((c = getc(in->f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (n <= max) {
            if (n + 1 >= in->cap) {
                size_t cap = in->cap ? in->cap * 2 : 4096;
                char *b = realloc(in->buf, cap);
                if (!b)
                    return -1;
                in->buf = b;
                in->cap = cap;
            }
            in->buf[n++] = (char)c;
        }
    }
    if (ferror(in->f))
        return -1;
    if (n && in->buf[n - 1] == '\r')
        n--;
    *len = n;
    return any ? 1 : 0;
}

/* ---- validate ---- */

typedef struct vopts {
    const char *type;
    cbec_format format;
    cbec_render_format output;
    const char *lang;
    bool ndjson, quiet;
    size_t max_bytes;
} vopts;

typedef struct totals {
    unsigned long messages, valid, invalid, errors, warnings, infos;
} totals;

static int emit(cbec_report *rep, const vopts *o, const char *source, unsigned long index, totals *t)
{
    cbec_report_set_source(rep, source, index);
    int valid = cbec_report_valid(rep);
    t->messages++;
    if (valid)
        t->valid++;
    else
        t->invalid++;
    t->errors += cbec_report_count_severity(rep, CBEC_SEVERITY_ERROR);
    t->warnings += cbec_report_count_severity(rep, CBEC_SEVERITY_WARNING);
    t->infos += cbec_report_count_severity(rep, CBEC_SEVERITY_INFO);
    if (!o->quiet) {
        const char *out;
        size_t len;
        if (cbec_report_render(rep, o->output, o->lang, &out, &len) != CBEC_OK)
            return -1;
        fwrite(out, 1, len, stdout);
        if (o->output == CBEC_RENDER_JSON)
            fputc('\n', stdout);
    }
    return valid;
}

static int validate_one(cbec_validator *v, cbec_registry *reg, const vopts *o, const char *data,
                        size_t len, const char *source, unsigned long index, totals *t)
{
    cbec_report *rep = NULL;
    int st = cbec_validate(v, reg, o->type, o->format, data, len, &rep);
    if (st == CBEC_ENOTFOUND) {
        fprintf(stderr, "%s: no loaded pack defines message type \"%s\"\n", progname, o->type);
        return -2;
    }
    if (st) {
        fprintf(stderr, "%s: %s: %s\n", progname, source, cbec_strerror(st));
        return -2;
    }
    int valid = emit(rep, o, source, index, t);
    cbec_report_free(rep);
    return valid;
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'},   {"type", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'L'},   {"ndjson", no_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vopts o = {NULL, CBEC_FORMAT_AUTO, CBEC_RENDER_TEXT, "en", false, false, 64UL << 20};
    const char **packs = calloc((size_t)argc + 1, sizeof *packs);
    size_t npacks = 0;
    if (!packs)
        return EXIT_USAGE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:t:f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': packs[npacks++] = optarg; break;
        case 't': o.type = optarg; break;
        case 'f':
            if (!strcmp(optarg, "auto")) o.format = CBEC_FORMAT_AUTO;
            else if (!strcmp(optarg, "json")) o.format = CBEC_FORMAT_JSON;
            else if (!strcmp(optarg, "xml")) o.format = CBEC_FORMAT_XML;
            else if (!strcmp(optarg, "edifact")) o.format = CBEC_FORMAT_EDIFACT;
            else if (!strcmp(optarg, "x12")) o.format = CBEC_FORMAT_X12;
            else {
                free(packs);
                return die_usage("unknown format \"%s\" (auto, json, xml, edifact, x12)", optarg);
            }
            break;
        case 'o':
            if (!strcmp(optarg, "text")) o.output = CBEC_RENDER_TEXT;
            else if (!strcmp(optarg, "json")) o.output = CBEC_RENDER_JSON;
            else {
                free(packs);
                return die_usage("unknown output \"%s\" (text, json)", optarg);
            }
            break;
        case 'L': o.lang = optarg; break;
        case 'n': o.ndjson = true; break;
        case 'q': o.quiet = true; break;
        case 'h': usage(stdout); free(packs); return EXIT_VALID;
        default: usage(stderr); free(packs); return EXIT_USAGE;
        }
    }
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    int rc = EXIT_VALID;
    if (cbec_registry_new(&reg) || cbec_validator_new(&v)) {
        fprintf(stderr, "%s: out of memory\n", progname);
        rc = EXIT_USAGE;
        goto out;
    }
    char defbuf[PATH_MAX + 64];
    if (!npacks)
        packs[npacks++] = default_packs(defbuf, sizeof defbuf);
    for (size_t i = 0; i < npacks; i++) {
        cbec_error *err = NULL;
        int st = cbec_registry_load_path(reg, packs[i], NULL, &err);
        if (st) {
            print_error(packs[i], st, err);
            cbec_error_free(err);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    const char *stdin_only[] = {"-"};
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (nfiles == 0) {
        files = (char **)stdin_only;
        nfiles = 1;
    }
    totals t = {0};
    bool any_invalid = false, any_failure = false;
    input in = {0};
    for (int i = 0; i < nfiles; i++) {
        const char *name = files[i];
        bool is_stdin = strcmp(name, "-") == 0;
        in.f = is_stdin ? stdin : fopen(name, "rb");
        in.name = is_stdin ? "<stdin>" : name;
        if (!in.f) {
            fprintf(stderr, "%s: cannot open %s: %s\n", progname, name, strerror(errno));
            any_failure = true;
            continue;
        }
        if (o.ndjson) {
            unsigned long lineno = 0;
            size_t len;
            int got;
            while ((got = read_line(&in, o.max_bytes, &len)) == 1) {
                lineno++;
                size_t k = 0;
                while (k < len && (in.buf[k] == ' ' || in.buf[k] == '\t'))
                    k++;
                if (k == len)
                    continue; /* blank lines separate nothing */
                int valid = validate_one(v, reg, &o, in.buf, len, in.name, lineno, &t);
                if (valid == -2) {
                    rc = EXIT_USAGE;
                    goto out_file;
                }
                any_invalid |= valid == 0;
            }
            if (got < 0) {
                fprintf(stderr, "%s: cannot read %s: %s\n", progname, in.name, strerror(errno));
                any_failure = true;
            }
        } else {
            size_t len;
            if (read_all(&in, o.max_bytes, &len) != 0) {
                fprintf(stderr, "%s: cannot read %s: %s\n", progname, in.name, strerror(errno));
                any_failure = true;
            } else {
                int valid = validate_one(v, reg, &o, in.buf ? in.buf : "", len, in.name, 0, &t);
                if (valid == -2) {
                    rc = EXIT_USAGE;
                    goto out_file;
                }
                any_invalid |= valid == 0;
            }
        }
    out_file:
        if (!is_stdin)
            fclose(in.f);
        if (rc == EXIT_USAGE)
            break;
    }
    free(in.buf);
    if (rc != EXIT_USAGE) {
        if (o.quiet || (o.output == CBEC_RENDER_TEXT && t.messages > 1))
            fprintf(o.quiet ? stdout : stderr,
                    "%lu messages: %lu valid, %lu invalid; %lu errors, %lu warnings, %lu infos\n",
                    t.messages, t.valid, t.invalid, t.errors, t.warnings, t.infos);
        rc = any_failure ? EXIT_USAGE : any_invalid ? EXIT_INVALID : EXIT_VALID;
    }
    fflush(stdout);
out:
    cbec_validator_free(v);
    cbec_registry_free(reg);
    free(packs);
    return rc;
}

/* ---- pack lint / info ---- */

static int cmd_pack(int argc, char **argv)
{
    if (argc < 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    bool info = strcmp(argv[1], "info") == 0;
    if (!info && strcmp(argv[1], "lint") != 0)
        return die_usage("unknown pack command \"%s\" (lint, info)", argv[1]);
    int rc = EXIT_VALID;
    for (int i = 2; i < argc; i++) {
        cbec_registry *reg = NULL;
        cbec_error *err = NULL;
        if (cbec_registry_new(&reg))
            return EXIT_USAGE;
        int st = cbec_registry_load_path(reg, argv[i], NULL, &err);
        if (st) {
            print_error(argv[i], st, err);
            cbec_error_free(err);
            cbec_registry_free(reg);
            rc = EXIT_USAGE;
            continue;
        }
        for (size_t k = 0; k < cbec_registry_pack_count(reg); k++) {
            const cbec_pack *p = cbec_registry_pack(reg, k);
            if (!info) {
                printf("%s: ok: %s@%s, %zu message types, %zu rules\n", cbec_pack_file(p),
                       cbec_pack_id(p), cbec_pack_version(p), cbec_pack_message_type_count(p),
                       cbec_pack_rule_count(p, NULL));
                continue;
            }
            printf("file:      %s\n", cbec_pack_file(p));
            printf("id:        %s\n", cbec_pack_id(p));
            printf("version:   %s\n", cbec_pack_version(p));
            printf("status:    %s\n", cbec_pack_status(p));
            printf("module:    %s\n", cbec_pack_module(p));
            printf("effective: %s .. %s\n", *cbec_pack_effective_from(p) ? cbec_pack_effective_from(p) : "(open)",
                   *cbec_pack_effective_to(p) ? cbec_pack_effective_to(p) : "(open)");
            printf("title:     %s / %s\n", cbec_pack_title(p, "zh-CN"), cbec_pack_title(p, "en"));
            for (size_t r = 0; r < cbec_pack_ref_count(p); r++)
                printf("implements: %s\n", cbec_pack_ref_id(p, r));
            for (size_t m = 0; m < cbec_pack_message_type_count(p); m++) {
                const char *name = cbec_pack_message_type(p, m);
                printf("message:   %s (%zu rules)\n", name, cbec_pack_rule_count(p, name));
            }
            printf("\n");
        }
        cbec_registry_free(reg);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("cbecstd %s (libcbecstd %s)\n", CBEC_VERSION_STRING, cbec_version());
        return EXIT_VALID;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_VALID;
    }
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "pack"))
        return cmd_pack(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command \"%s\"\n", progname, cmd);
    usage(stderr);
    return EXIT_USAGE;
}
