/* replay.c - a driver that runs a fuzz target over files and corpus
 * directories without a fuzzing engine, so every target's corpus (seeds
 * and crash reproducers) is replayed by an ordinary `meson test` and under
 * valgrind.  Prints TAP: one test per input. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional in a target */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

typedef struct inputs {
    char **paths;
    size_t n, cap;
} inputs;

static int add(inputs *in, const char *path)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        char **p = realloc(in->paths, cap * sizeof *p);
        if (!p)
            return -1;
        in->paths = p;
        in->cap = cap;
    }
    if (!(in->paths[in->n] = strdup(path)))
        return -1;
    in->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory contributes its regular files (not recursively, as libFuzzer
 * reads a corpus); README files and dot files are not inputs. */
static int collect(inputs *in, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot stat %s\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return add(in, path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    size_t first = in->n;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *full = malloc(n);
        if (!full) {
            rc = -1;
            break;
        }
        snprintf(full, n, "%s/%s", path, e->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            rc = add(in, full);
        free(full);
    }
    closedir(d);
    qsort(in->paths + first, in->n - first, sizeof *in->paths, by_name);
    return rc;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            unsigned char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double max_seconds = 0;
    inputs in = {0};
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc) {
            max_seconds = strtod(argv[++i], NULL);
            continue;
        }
        if (collect(&in, argv[i]) != 0) {
            printf("Bail out! cannot read %s\n", argv[i]);
            return 1;
        }
    }
    if (in.n == 0) {
        printf("Bail out! no inputs\n");
        return 1;
    }
    printf("1..%zu\n", in.n);
    int failed = 0;
    for (size_t i = 0; i < in.n; i++) {
        size_t len = 0;
        unsigned char *data = slurp(in.paths[i], &len);
        if (!data) {
            printf("not ok %zu - %s: cannot read\n", i + 1, in.paths[i]);
            free(in.paths[i]);
            failed = 1;
            continue;
        }
        /* a copy of exactly len bytes, so an over-read hits the redzone */
        unsigned char *exact = malloc(len ? len : 1);
        if (!exact) {
            free(data);
            printf("Bail out! out of memory\n");
            return 1;
        }
        memcpy(exact, data, len);
        free(data);
        double t0 = now();
        LLVMFuzzerTestOneInput(exact, len);
        double dt = now() - t0;
        free(exact);
        if (max_seconds > 0 && dt > max_seconds) {
            printf("not ok %zu - %s: took %.2f s (limit %.2f s)\n", i + 1, in.paths[i], dt, max_seconds);
            failed = 1;
        } else {
            printf("ok %zu - %s (%zu bytes, %.3f s)\n", i + 1, in.paths[i], len, dt);
        }
        fflush(stdout);
        free(in.paths[i]);
    }
    free(in.paths);
    return failed;
}
