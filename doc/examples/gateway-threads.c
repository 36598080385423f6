/* gateway-threads.c - the shape of a gateway: rule packs loaded once into a
 * registry shared by every thread, one validator per worker thread.
 *
 *   cc gateway-threads.c $(pkg-config --cflags --libs cbecstd) -pthread -o gateway-threads
 *   ./gateway-threads /usr/share/cbecstd/packs 8 1000 order.json payment.json
 *
 * validates the given messages ROUNDS times over THREADS threads and prints
 * the totals, which are the same for any number of threads.  Exit status:
 * 0 done, 2 a pack or a file could not be read.  See doc/integration-c.md. */
#include <cbecstd.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct message {
    char *data;
    size_t len;
} message;

typedef struct shared {
    const cbec_registry *reg; /* read-only for the threads */
    const message *msgs;
    size_t nmsgs, total;
    atomic_size_t next;       /* the next job: message next % nmsgs */
} shared;

typedef struct worker {
    pthread_t thread;
    shared *s;
    size_t messages, valid, errors, warnings;
    int status;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    cbec_validator *v = NULL;
    /* The validator is this thread's scratch: never shared. */
    w->status = cbec_validator_new(&v);
    if (w->status != CBEC_OK)
        return NULL;
    for (;;) {
        size_t job = atomic_fetch_add(&w->s->next, 1);
        if (job >= w->s->total)
            break;
        const message *m = &w->s->msgs[job % w->s->nmsgs];
        cbec_report *rep = NULL;
        w->status = cbec_validate(v, w->s->reg, NULL, CBEC_FORMAT_AUTO, m->data, m->len, &rep);
        if (w->status != CBEC_OK)
            break;
        w->messages++;
        w->valid += (size_t)cbec_report_valid(rep);
        w->errors += cbec_report_count_severity(rep, CBEC_SEVERITY_ERROR);
        w->warnings += cbec_report_count_severity(rep, CBEC_SEVERITY_WARNING);
        cbec_report_free(rep); /* reports are independent of the validator */
    }
    cbec_validator_free(v);
    return NULL;
}

static int read_file(const char *path, message *m)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int rc = -1;
    long size;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size <= (64L << 20) &&
        fseek(f, 0, SEEK_SET) == 0 && (m->data = malloc((size_t)size + 1)) != NULL) {
        m->len = fread(m->data, 1, (size_t)size, f);
        rc = m->len == (size_t)size ? 0 : -1;
    }
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s PACKS THREADS ROUNDS MESSAGE_FILE...\n", argv[0]);
        return 2;
    }
    int nthreads = atoi(argv[2]);
    long rounds = atol(argv[3]);
    if (nthreads < 1 || nthreads > 256 || rounds < 1) {
        fprintf(stderr, "THREADS is 1..256 and ROUNDS at least 1\n");
        return 2;
    }
    size_t nmsgs = (size_t)argc - 4;
    message *msgs = calloc(nmsgs, sizeof *msgs);
    worker *workers = calloc((size_t)nthreads, sizeof *workers);
    cbec_registry *reg = NULL;
    cbec_error *err = NULL;
    int rc = 2;
    if (!msgs || !workers || cbec_registry_new(&reg) != CBEC_OK)
        goto out;
    int st = cbec_registry_load_path(reg, argv[1], NULL, &err);
    if (st != CBEC_OK) {
        fprintf(stderr, "%s\n", err ? cbec_error_message(err) : cbec_strerror(st));
        goto out;
    }
    for (size_t i = 0; i < nmsgs; i++)
        if (read_file(argv[4 + i], &msgs[i]) != 0) {
            perror(argv[4 + i]);
            goto out;
        }

    shared s = {reg, msgs, nmsgs, nmsgs * (size_t)rounds, 0};
    int started = 0;
    for (; started < nthreads; started++) {
        workers[started].s = &s;
        if (pthread_create(&workers[started].thread, NULL, work, &workers[started]) != 0)
            break;
    }
    size_t messages = 0, valid = 0, errors = 0, warnings = 0;
    rc = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        messages += workers[i].messages;
        valid += workers[i].valid;
        errors += workers[i].errors;
        warnings += workers[i].warnings;
        if (workers[i].status != CBEC_OK) {
            fprintf(stderr, "thread %d: %s\n", i, cbec_strerror(workers[i].status));
            rc = 2;
        }
    }
    printf("%zu messages: %zu valid, %zu invalid; %zu errors, %zu warnings\n", messages, valid,
           messages - valid, errors, warnings);
    if (started < nthreads || messages != s.total)
        rc = 2;

out:
    for (size_t i = 0; msgs && i < nmsgs; i++)
        free(msgs[i].data);
    free(msgs);
    free(workers);
    cbec_error_free(err);
    cbec_registry_free(reg);
    return rc;
}
