/* cmd-validate.c - "cbecstd validate": messages against packs. */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cli.h"
#include "cli-schema.h"
#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- validate ---- */

typedef struct vopts {
    const char *type;
    cbec_format format;
    cbec_render_format output;
    const char *lang;
    bool ndjson, quiet;
    size_t max_bytes;
    bool want_stats;        /* --stats */
    cbec_stats *stats;
    const char *date;       /* --date */
    bool allow_draft;       /* --allow-draft */
    unsigned jobs;          /* --jobs */
    const char *previous_state; /* --previous-state: the state before these messages */
    int progress_mode;      /* --progress, --no-progress (progress.h) */
    cli_progress *progress; /* drawn by the main thread only */
} vopts;

typedef struct totals {
    unsigned long messages, valid, invalid, errors, warnings, infos;
} totals;

static int emit(cbec_report *rep, const vopts *o, const char *source, unsigned long index, totals *t,
                FILE *out)
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
    if (o->stats && cbec_stats_add(o->stats, rep) != CBEC_OK)
        return -1;
    if (!o->quiet) {
        const char *text;
        size_t len;
        if (cbec_report_render(rep, o->output, o->lang, &text, &len) != CBEC_OK)
            return -1;
        fwrite(text, 1, len, out);
        if (o->output == CBEC_RENDER_JSON)
            fputc('\n', out);
    }
    return valid;
}

static int validate_one(cbec_validator *v, cbec_registry *reg, const vopts *o, const char *data,
                        size_t len, const char *source, unsigned long index, totals *t, FILE *out)
{
    cbec_report *rep = NULL;
    int st = cbec_validate(v, reg, o->type, o->format, data, len, &rep);
    if (st == CBEC_ENOTFOUND) {
        fprintf(stderr, "%s: no loaded pack defines message type \"%s\"\n", cli_progname, o->type);
        return -2;
    }
    if (st) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, source, cbec_strerror(st));
        return -2;
    }
    int valid = emit(rep, o, source, index, t, out);
    cbec_report_free(rep);
    return valid;
}

/* ---- --jobs: NDJSON over several threads, output in input order ---- */

#define JOB_BATCH 4096

typedef struct job_msg {
    char *data;
    size_t len;
    unsigned long line;
    int valid;
    char *out;      /* rendered report (open_memstream) */
    size_t outlen;
} job_msg;

typedef struct job_batch {
    cbec_registry *reg;
    const vopts *o;
    const cbec_validator *templ;
    const char *source;
    job_msg *msgs;
    size_t n;
    atomic_size_t next;
    pthread_mutex_t lock;
    totals t;
    bool failed;
} job_batch;

static void *job_worker(void *arg)
{
    job_batch *b = arg;
    cbec_validator *v = NULL;
    totals t = {0};
    bool failed = cbec_validator_clone(&v, b->templ) != CBEC_OK;
    for (size_t i; !failed && (i = atomic_fetch_add(&b->next, 1)) < b->n;) {
        job_msg *m = &b->msgs[i];
        FILE *mem = open_memstream(&m->out, &m->outlen);
        if (!mem) {
            failed = true;
            break;
        }
        m->valid = validate_one(v, b->reg, b->o, m->data, m->len, b->source, m->line, &t, mem);
        fclose(mem);
        failed |= m->valid < 0;
    }
    cbec_validator_free(v);
    pthread_mutex_lock(&b->lock);
    b->t.messages += t.messages;
    b->t.valid += t.valid;
    b->t.invalid += t.invalid;
    b->t.errors += t.errors;
    b->t.warnings += t.warnings;
    b->t.infos += t.infos;
    b->failed |= failed;
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Read up to JOB_BATCH non-blank lines into b; false at end of input. */
static bool read_batch(job_batch *b, cli_input *in, const vopts *o, unsigned long *lineno, bool *read_error,
                       bool *oom)
{
    b->n = 0;
    atomic_store(&b->next, 0);
    while (b->n < JOB_BATCH) {
        size_t len;
        int got = cli_read_line(in, o->max_bytes, &len);
        if (got <= 0) {
            *read_error |= got < 0;
            return false;
        }
        ++*lineno;
        size_t k = 0;
        while (k < len && (in->buf[k] == ' ' || in->buf[k] == '\t'))
            k++;
        if (k == len)
            continue;
        job_msg *m = &b->msgs[b->n];
        if (!(m->data = malloc(len ? len : 1))) {
            *oom = true;
            return false;
        }
        memcpy(m->data, in->buf, len);
        m->len = len;
        m->line = *lineno;
        b->n++;
    }
    return true;
}

/* Write a finished batch in input order; returns -2, 0 or 1 (any invalid). */
static int flush_batch(job_batch *b)
{
    int result = b->failed ? -2 : 0;
    for (size_t i = 0; i < b->n; i++) {
        job_msg *m = &b->msgs[i];
        if (m->out)
            fwrite(m->out, 1, m->outlen, stdout);
        if (m->valid == 0 && result == 0)
            result = 1;
        if (m->valid < 0)
            result = -2;
        free(m->out);
        free(m->data);
        memset(m, 0, sizeof *m);
    }
    b->n = 0;
    return result;
}

/* Validate the lines of in with jobs threads: while the workers validate
 * one batch, this thread reads the next; output keeps input order.
 * Returns -2 on a failure that stops the run, else whether any message was
 * invalid (0/1). */
static int validate_parallel(cbec_validator *templ, cbec_registry *reg, const vopts *o, cli_input *in,
                             unsigned jobs, totals *t, bool *read_error)
{
    job_batch batches[2];
    pthread_t *th = calloc(jobs, sizeof *th);
    for (int k = 0; k < 2; k++) {
        memset(&batches[k], 0, sizeof batches[k]);
        batches[k].reg = reg;
        batches[k].o = o;
        batches[k].templ = templ;
        batches[k].source = in->name;
        pthread_mutex_init(&batches[k].lock, NULL);
        batches[k].msgs = calloc(JOB_BATCH, sizeof *batches[k].msgs);
    }
    int result = 0;
    unsigned long lineno = 0;
    bool oom = !th || !batches[0].msgs || !batches[1].msgs;
    bool more = !oom && read_batch(&batches[0], in, o, &lineno, read_error, &oom);
    for (int cur = 0; !oom && batches[cur].n && result >= 0; cur ^= 1) {
        job_batch *b = &batches[cur];
        unsigned started = 0;
        for (unsigned j = 0; j < jobs; j++)
            if (pthread_create(&th[j], NULL, job_worker, b) == 0)
                started = j + 1;
            else
                break;
        if (!started)
            job_worker(b);
        if (more)
            more = read_batch(&batches[cur ^ 1], in, o, &lineno, read_error, &oom);
        for (unsigned j = 0; j < started; j++)
            pthread_join(th[j], NULL);
        int r = flush_batch(b);
        if (r < 0 || (r == 1 && result == 0))
            result = r;
        if (o->progress) /* no worker runs now: both batches' totals are settled */
            cli_progress_tick(o->progress, t->messages + batches[0].t.messages + batches[1].t.messages,
                              t->invalid + batches[0].t.invalid + batches[1].t.invalid,
                              t->errors + batches[0].t.errors + batches[1].t.errors,
                              t->warnings + batches[0].t.warnings + batches[1].t.warnings);
    }
    if (oom)
        result = -2;
    for (int k = 0; k < 2; k++) {
        job_batch *b = &batches[k];
        flush_batch(b);
        t->messages += b->t.messages;
        t->valid += b->t.valid;
        t->invalid += b->t.invalid;
        t->errors += b->t.errors;
        t->warnings += b->t.warnings;
        t->infos += b->t.infos;
        free(b->msgs);
        pthread_mutex_destroy(&b->lock);
    }
    free(th);
    return result;
}

int cli_cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pack", required_argument, NULL, 'p'},   {"type", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'L'},   {"ndjson", no_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"stats", no_argument, NULL, 'S'},        {"date", required_argument, NULL, 'D'},
        {"allow-draft", no_argument, NULL, 'A'},  {"jobs", required_argument, NULL, 'j'},
        {"previous-state", required_argument, NULL, 'P'},
        {"progress", no_argument, NULL, 'G'},     {"no-progress", no_argument, NULL, 'g'},
        CLI_SCHEMA_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    cli_schema so = {0};
    vopts o = {NULL, CBEC_FORMAT_AUTO, CBEC_RENDER_TEXT, "en", false, false, 64UL << 20};
    const char **packs = calloc((size_t)argc + 1, sizeof *packs);
    size_t npacks = 0;
    if (!packs)
        return EXIT_USAGE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:t:f:o:qj:r:h", longopts, NULL)) != -1) {
        int taken = cli_schema_option(&so, c, optarg);
        if (taken) {
            if (taken < 0) {
                free(packs);
                return EXIT_USAGE;
            }
            continue;
        }
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
                return cli_die_usage("unknown format \"%s\" (auto, json, xml, edifact, x12)", optarg);
            }
            break;
        case 'o':
            if (!strcmp(optarg, "text")) o.output = CBEC_RENDER_TEXT;
            else if (!strcmp(optarg, "json")) o.output = CBEC_RENDER_JSON;
            else {
                free(packs);
                return cli_die_usage("unknown output \"%s\" (text, json)", optarg);
            }
            break;
        case 'L': o.lang = optarg; break;
        case 'n': o.ndjson = true; break;
        case 'q': o.quiet = true; break;
        case 'S': o.want_stats = true; break;
        case 'D': o.date = optarg; break;
        case 'A': o.allow_draft = true; break;
        case 'P': o.previous_state = optarg; break;
        case 'G': o.progress_mode = CLI_PROGRESS_ALWAYS; break;
        case 'g': o.progress_mode = CLI_PROGRESS_NEVER; break;
        case 'j': {
            char *end;
            unsigned long j = strtoul(optarg, &end, 10);
            if (*end || j < 1 || j > 256) {
                free(packs);
                return cli_die_usage("--jobs wants a number of threads from 1 to 256, not \"%s\"", optarg);
            }
            o.jobs = (unsigned)j;
            break;
        }
        case 'h': cli_usage(stdout); free(packs); return EXIT_VALID;
        default: cli_usage(stderr); free(packs); return EXIT_USAGE;
        }
    }
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    int rc = EXIT_VALID;
    if (cbec_registry_new(&reg) || cbec_validator_new(&v)) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.want_stats && cbec_stats_new(&o.stats) != CBEC_OK) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.date && cbec_validator_set_option(v, CBEC_VOPT_DATE, o.date) != CBEC_OK) {
        rc = cli_die_usage("--date wants a date YYYY-MM-DD, not \"%s\"", o.date);
        goto out;
    }
    if (o.allow_draft)
        cbec_validator_set_option(v, CBEC_VOPT_ALLOW_INACTIVE, "1");
    if (o.previous_state && cbec_validator_set_option(v, CBEC_VOPT_PREVIOUS_STATE, o.previous_state) != CBEC_OK) {
        rc = cli_die_usage("cannot set --previous-state \"%s\"", o.previous_state);
        goto out;
    }
    if ((rc = cli_schema_options(&so)) != EXIT_VALID)
        goto out;
    char defbuf[PATH_MAX + 64];
    /* with --schema the bundled packs are not wanted, only named ones */
    if (!npacks && !so.schema)
        packs[npacks++] = cli_default_packs(defbuf, sizeof defbuf);
    if (npacks) {
        /* all packs at once, so layered packs find their bases */
        cbec_error *err = NULL;
        int st = cbec_registry_reload(reg, packs, npacks, so.opts, &err);
        if (st) {
            cli_print_error(packs[0], st, err);
            cbec_error_free(err);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (so.schema && (rc = cli_schema_load(&so, reg, &o.type)) != EXIT_VALID)
        goto out;
    const char *stdin_only[] = {"-"};
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (nfiles == 0) {
        files = (char **)stdin_only;
        nfiles = 1;
    }
    totals t = {0};
    bool any_invalid = false, any_failure = false;
    cli_input in = {0};
    cli_progress prog;
    cli_progress_start(&prog, o.progress_mode, o.quiet);
    prog.nfiles = nfiles;
    o.progress = &prog;
    for (int i = 0; i < nfiles; i++) {
        const char *name = files[i];
        prog.file = i + 1;
        bool is_stdin = strcmp(name, "-") == 0;
        in.f = is_stdin ? stdin : fopen(name, "rb");
        in.name = is_stdin ? "<stdin>" : name;
        if (!in.f) {
            cli_progress_end(&prog);
            fprintf(stderr, "%s: cannot open %s: %s\n", cli_progname, name, strerror(errno));
            any_failure = true;
            continue;
        }
        if (o.ndjson && o.jobs > 1) {
            bool read_error = false;
            int r = validate_parallel(v, reg, &o, &in, o.jobs, &t, &read_error);
            if (r == -2) {
                rc = EXIT_USAGE;
                goto out_file;
            }
            any_invalid |= r == 1;
            if (read_error) {
                fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, in.name, strerror(errno));
                any_failure = true;
            }
        } else if (o.ndjson) {
            unsigned long lineno = 0;
            size_t len;
            int got;
            while ((got = cli_read_line(&in, o.max_bytes, &len)) == 1) {
                lineno++;
                size_t k = 0;
                while (k < len && (in.buf[k] == ' ' || in.buf[k] == '\t'))
                    k++;
                if (k == len)
                    continue; /* blank lines separate nothing */
                int valid = validate_one(v, reg, &o, in.buf, len, in.name, lineno, &t, stdout);
                if (valid == -2) {
                    rc = EXIT_USAGE;
                    goto out_file;
                }
                any_invalid |= valid == 0;
                cli_progress_tick(&prog, t.messages, t.invalid, t.errors, t.warnings);
            }
            if (got < 0) {
                fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, in.name, strerror(errno));
                any_failure = true;
            }
        } else {
            size_t len;
            if (cli_read_all(&in, o.max_bytes, &len) != 0) {
                fprintf(stderr, "%s: cannot read %s: %s\n", cli_progname, in.name, strerror(errno));
                any_failure = true;
            } else {
                int valid = validate_one(v, reg, &o, in.buf ? in.buf : "", len, in.name, 0, &t, stdout);
                if (valid == -2) {
                    rc = EXIT_USAGE;
                    goto out_file;
                }
                any_invalid |= valid == 0;
                cli_progress_tick(&prog, t.messages, t.invalid, t.errors, t.warnings);
            }
        }
    out_file:
        if (!is_stdin)
            fclose(in.f);
        if (rc == EXIT_USAGE)
            break;
    }
    cli_input_free(&in);
    cli_progress_end(&prog);
    if (rc != EXIT_USAGE) {
        /* with progress on, a long run ends with its summary whatever the output */
        if (o.quiet || (o.output == CBEC_RENDER_TEXT && t.messages > 1) || (prog.on && t.messages > 1))
            fprintf(o.quiet ? stdout : stderr,
                    "%lu messages: %lu valid, %lu invalid; %lu errors, %lu warnings, %lu infos\n",
                    t.messages, t.valid, t.invalid, t.errors, t.warnings, t.infos);
        fflush(stdout);
        cli_progress_rate(&prog, t.messages);
        rc = any_failure ? EXIT_USAGE : any_invalid ? EXIT_INVALID : EXIT_VALID;
        const char *sj;
        if (o.stats && cbec_stats_render_json(o.stats, &sj, NULL) == CBEC_OK)
            printf("{\"stats\":%s}\n", sj);
    }
    fflush(stdout);
out:
    cbec_stats_free(o.stats);
    cbec_validator_free(v);
    cbec_registry_free(reg);
    cli_schema_free(&so);
    free(packs);
    return rc;
}

