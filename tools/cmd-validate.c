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
    bool lazy;              /* --lazy: packs compile when a message needs them */
    unsigned jobs;          /* --jobs */
    const char *previous_state; /* --previous-state: the state before these messages */
    int progress_mode;      /* --progress, --no-progress (progress.h) */
    cli_progress *progress; /* drawn by the main thread only */
} vopts;

typedef struct totals {
    unsigned long messages, valid, invalid, errors, warnings, infos;
} totals;

static void add_totals(totals *into, const totals *t)
{
    into->messages += t->messages;
    into->valid += t->valid;
    into->invalid += t->invalid;
    into->errors += t->errors;
    into->warnings += t->warnings;
    into->infos += t->infos;
}

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

#define JOB_BATCH 1024
#define JOB_CHUNK 8

typedef struct job_msg {
    size_t off, len;  /* the line, in the batch's buffer */
    unsigned long line;
    int valid;
    char *out;        /* rendered report (open_memstream); NULL with -q */
    size_t outlen;
} job_msg;

/* A batch of lines: read by the main thread while the workers validate
 * the other one.  The lines share one buffer, kept from batch to batch. */
typedef struct job_batch {
    job_msg *msgs;
    size_t n;
    char *buf;
    size_t used, cap;
    atomic_size_t next;
    totals t;         /* under the pool's lock */
    bool failed;      /* under the pool's lock */
} job_batch;

/* Worker threads made once, each with a validator of its own, woken for
 * every batch; the main thread is the last of the N workers: it reads the
 * next batch, then validates with the others until the batch is done. */
typedef struct job_pool {
    pthread_mutex_t lock;
    pthread_cond_t go, done;
    job_batch *batch;        /* the batch being validated */
    /* changed under lock; read without it too, by waits that spin first */
    atomic_ulong generation; /* bumped for every batch */
    atomic_uint busy;        /* workers still on the batch */
    atomic_bool quit;
    cbec_registry *reg;
    const vopts *o;
    const cbec_validator *templ;
    const char *source;
} job_pool;

/* Validate messages of b until none is left; true when one failed to run.
 * Messages are taken a few at a time: one atomic step, and one cache line
 * of msgs written by one thread, for several messages. */
static bool run_batch(job_pool *p, job_batch *b, cbec_validator *v, totals *t)
{
    bool failed = !v;
    while (!failed) {
        size_t first = atomic_fetch_add(&b->next, JOB_CHUNK);
        if (first >= b->n)
            break;
        size_t end = first + JOB_CHUNK < b->n ? first + JOB_CHUNK : b->n;
        for (size_t i = first; i < end && !failed; i++) {
            job_msg *m = &b->msgs[i];
            FILE *mem = NULL;
            if (!p->o->quiet && !(mem = open_memstream(&m->out, &m->outlen))) {
                failed = true;
                break;
            }
            m->valid = validate_one(v, p->reg, p->o, b->buf + m->off, m->len, p->source, m->line, t, mem);
            if (mem)
                fclose(mem);
            failed |= m->valid < 0;
        }
    }
    return failed;
}

/* Batches follow each other within microseconds, and a thread that sleeps
 * on a condition variable between them may take far longer to wake (a
 * virtual machine's idle processor: up to milliseconds).  So a wait first
 * spins, for about a tenth of a millisecond, on what it waits for; only then
 * does it sleep.  The condition is checked again under the lock either way. */
#define SPIN_ROUNDS 4000

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void spin_while_generation(job_pool *p, unsigned long seen)
{
    for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&p->generation, memory_order_relaxed) == seen &&
                    !atomic_load_explicit(&p->quit, memory_order_relaxed);
         i++)
        cpu_relax();
}

static void spin_while_busy(job_pool *p)
{
    for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&p->busy, memory_order_relaxed); i++)
        cpu_relax();
}

static void *job_worker(void *arg)
{
    job_pool *p = arg;
    cbec_validator *v = NULL;
    if (cbec_validator_clone(&v, p->templ) != CBEC_OK)
        v = NULL;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->generation == seen && !p->quit) {
            pthread_mutex_unlock(&p->lock);
            spin_while_generation(p, seen);
            pthread_mutex_lock(&p->lock);
        }
        while (p->generation == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->lock);
        if (p->quit)
            break;
        seen = p->generation;
        job_batch *b = p->batch;
        pthread_mutex_unlock(&p->lock);
        totals t = {0};
        bool failed = run_batch(p, b, v, &t);
        pthread_mutex_lock(&p->lock);
        b->failed |= failed;
        add_totals(&b->t, &t);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    cbec_validator_free(v);
    return NULL;
}

/* Read up to max (at most JOB_BATCH) non-blank lines into b; false at end of input. */
static bool read_batch(job_batch *b, size_t max, cli_input *in, const vopts *o, unsigned long *lineno,
                       bool *read_error, bool *oom)
{
    b->n = 0;
    b->used = 0;
    atomic_store(&b->next, 0);
    while (b->n < max) {
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
        if (b->used + len > b->cap) {
            size_t cap = b->cap ? b->cap : 1 << 20;
            while (cap < b->used + len)
                cap *= 2;
            char *nb = realloc(b->buf, cap);
            if (!nb) {
                *oom = true;
                return false;
            }
            b->buf = nb;
            b->cap = cap;
        }
        memcpy(b->buf + b->used, in->buf, len);
        job_msg *m = &b->msgs[b->n];
        m->off = b->used;
        m->len = len;
        m->line = *lineno;
        b->used += len;
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
    job_pool pool = {.reg = reg, .o = o, .templ = templ, .source = in->name};
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.go, NULL);
    pthread_cond_init(&pool.done, NULL);
    job_batch batches[2];
    memset(batches, 0, sizeof batches);
    for (int k = 0; k < 2; k++)
        batches[k].msgs = calloc(JOB_BATCH, sizeof *batches[k].msgs);
    pthread_t *th = calloc(jobs, sizeof *th);
    unsigned started = 0;
    while (th && started + 1 < jobs && pthread_create(&th[started], NULL, job_worker, &pool) == 0)
        started++;
    int result = 0;
    unsigned long lineno = 0;
    bool oom = !th || !batches[0].msgs || !batches[1].msgs;
    /* the workers wait while the first batch is read: it is small, and the
     * batches grow to JOB_BATCH from there */
    size_t size = JOB_BATCH / 16;
    bool more = !oom && read_batch(&batches[0], size, in, o, &lineno, read_error, &oom);
    for (int cur = 0; !oom && batches[cur].n && result >= 0; cur ^= 1) {
        job_batch *b = &batches[cur];
        pthread_mutex_lock(&pool.lock);
        pool.batch = b;
        pool.busy = started;
        pool.generation++;
        pthread_cond_broadcast(&pool.go);
        pthread_mutex_unlock(&pool.lock);
        if (size < JOB_BATCH)
            size *= 2;
        if (more)
            more = read_batch(&batches[cur ^ 1], size, in, o, &lineno, read_error, &oom);
        totals mine = {0};
        bool failed = run_batch(&pool, b, templ, &mine);
        spin_while_busy(&pool);
        pthread_mutex_lock(&pool.lock);
        b->failed |= failed;
        add_totals(&b->t, &mine);
        while (pool.busy)
            pthread_cond_wait(&pool.done, &pool.lock);
        pthread_mutex_unlock(&pool.lock);
        int r = flush_batch(b);
        if (r < 0 || (r == 1 && result == 0))
            result = r;
        if (o->progress) /* no worker runs now: both batches' totals are settled */
            cli_progress_tick(o->progress, t->messages + batches[0].t.messages + batches[1].t.messages,
                              t->invalid + batches[0].t.invalid + batches[1].t.invalid,
                              t->errors + batches[0].t.errors + batches[1].t.errors,
                              t->warnings + batches[0].t.warnings + batches[1].t.warnings);
    }
    pthread_mutex_lock(&pool.lock);
    pool.quit = true;
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.lock);
    for (unsigned j = 0; j < started; j++)
        pthread_join(th[j], NULL);
    if (oom)
        result = -2;
    for (int k = 0; k < 2; k++) {
        job_batch *b = &batches[k];
        flush_batch(b);
        add_totals(t, &b->t);
        free(b->msgs);
        free(b->buf);
    }
    free(th);
    pthread_cond_destroy(&pool.go);
    pthread_cond_destroy(&pool.done);
    pthread_mutex_destroy(&pool.lock);
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
        {"previous-state", required_argument, NULL, 'P'}, {"lazy", no_argument, NULL, 'Z'},
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
        case 'Z': o.lazy = true; break;
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
    if (npacks && (rc = cli_load_packs(reg, packs, npacks, so.opts, o.lazy ? CLI_LAZY_ON : CLI_LAZY_AUTO)) != EXIT_VALID)
        goto out;
    if (so.schema && (rc = cli_schema_load(&so, reg, &o.type)) != EXIT_VALID)
        goto out;
    cli_heap_loaded(); /* after a schema too, which loads without cli_load_packs */
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
    cli_registry_done(reg);
    cli_schema_free(&so);
    free(packs);
    return rc;
}

