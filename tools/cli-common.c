/* cli-common.c - what every cbecstd subcommand shares: messages, the
 * bundled packs' location, loading packs (and the heap while they load),
 * reading input with a size cap. */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_progname = "cbecstd";

int cli_die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", cli_progname);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

void cli_print_error(const char *what, int st, cbec_error *err)
{
    if (err)
        fprintf(stderr, "%s: %s\n", cli_progname, cbec_error_message(err));
    else
        fprintf(stderr, "%s: %s: %s\n", cli_progname, what, cbec_strerror(st));
}

int cli_is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The bundled reference packs: $CBECSTD_PACKS, the source tree when the
 * binary runs from its build tree, else the installed data directory. */
const char *cli_default_packs(char *buf, size_t cap)
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
        if (cli_is_dir(buf))
            return buf;
    }
    snprintf(buf, cap, "%s/packs", CBEC_DATADIR);
    return buf;
}

/* ---- the heap while packs load ----
 *
 * Loading the packs touches some megabytes for the first time, and on a
 * virtual machine each new 4 KiB page costs well over a microsecond to
 * allocate and clear: a one-message run took some 1 250 page faults, a
 * quarter of its time.  So the heap of the main thread is put in
 * transparent huge pages of 2 MiB while the packs load (the kernel's
 * setting "madvise", as Debian ships it, or "always").
 *
 * The heap grows once by 8 MiB and is kept (neither trimmed nor bypassed
 * by mmap for blocks under 16 MiB); that range is advised.  A 2 MiB
 * stretch gets a huge page only if nothing in it was touched before the
 * advice, and growing wrote a block header in the stretch where the next
 * blocks would be made; so a block that is kept and never used (address
 * space only) moves the start of the free space into the next stretch,
 * which its first write then makes a huge page.  This leans on glibc's
 * malloc carving its free space in address order; where it does not, the
 * pages are small as before.  Once loaded, the rest of the range is
 * advised back to small pages: a long run that slowly touches more of
 * its heap must not grow 2 MiB at a time.  Under ASan, TSan or valgrind,
 * whose allocators do not use the brk heap, nothing happens. */

#if defined(MADV_HUGEPAGE) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#define CLI_HUGE_HEAP 1
#endif

enum { HUGE_PAGE = 2 << 20, HEAP_GROW = 8 << 20 };
static void *heap_spacer;            /* never used: where it ends, the blocks of the load begin */
static uintptr_t heap_advised_to;    /* end of the advised range; 0: none */

void cli_heap_for_loading(void)
{
#ifdef CLI_HUGE_HEAP
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    uintptr_t from = (uintptr_t)sbrk(0);
    void *grow = malloc(HEAP_GROW);
    if (!grow)
        return;
    /* the block is never used: keep the compiler from dropping the pair */
    __asm__ volatile("" : : "r"(grow) : "memory");
    uintptr_t start = (uintptr_t)grow;
    free(grow); /* the freed block is where the next ones are made */
    uintptr_t to = (uintptr_t)sbrk(0), edge = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    from &= ~(uintptr_t)(HUGE_PAGE - 1);
    if (to <= edge || to - edge < HUGE_PAGE)
        return;
    /* ENOMEM: part of the range lies below the heap; the rest is advised */
    if (madvise((void *)from, to - from, MADV_HUGEPAGE) != 0 && errno != ENOMEM)
        return;
    heap_advised_to = to;
    if (edge - start >= 64)
        heap_spacer = malloc(edge - start);
#endif
}

void cli_heap_loaded(void)
{
#ifdef CLI_HUGE_HEAP
    if (!heap_advised_to)
        return;
    /* the free space at the top of the heap starts keepcost bytes below
     * the break; the stretches past the one it starts in were not touched */
    uintptr_t top = (uintptr_t)sbrk(0) - mallinfo2().keepcost;
    uintptr_t from = (top + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (from < heap_advised_to)
        madvise((void *)from, heap_advised_to - from, MADV_NOHUGEPAGE);
    heap_advised_to = 0;
#endif
}

const char *cli_cache_dir(char *buf, size_t cap)
{
    const char *env = getenv("CBECSTD_CACHE_DIR");
    if (env)
        return *env ? env : NULL;
    /* the XDG base directory, which must be absolute to count */
    const char *base = getenv("XDG_CACHE_HOME"), *tail = "/cbecstd";
    if (!base || base[0] != '/') {
        base = getenv("HOME");
        tail = "/.cache/cbecstd";
    }
    if (!base || base[0] != '/')
        return NULL;
    int n = snprintf(buf, cap, "%s%s", base, tail);
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

void cli_options_cache(cbec_options *o)
{
    char buf[PATH_MAX];
    const char *dir = cli_cache_dir(buf, sizeof buf);
    if (dir)
        cbec_options_set_string(o, CBEC_OPT_CACHE_DIR, dir);
}

int cli_load_packs(cbec_registry *reg, const char *const *packs, size_t n, cbec_options *opts, int lazy)
{
    cbec_options *own = NULL;
    if (!opts && cbec_options_new(&own) != CBEC_OK) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return EXIT_USAGE;
    }
    /* XSDs and EDI definitions compile for the first message that needs
     * them: a JSON run compiles neither ("pack lint" compiles all) */
    cbec_options *o = opts ? opts : own;
    cbec_options_set_string(o, CBEC_OPT_DEFER_COMPILE, "1");
    /* a pack compiles when a message first needs one of its types: with
     * --lazy always, by default when the cache certifies these files */
    cbec_options_set_string(o, CBEC_OPT_LAZY_LOAD, lazy == CLI_LAZY_ON ? "1" : lazy == CLI_LAZY_AUTO ? "auto" : "0");
    cli_options_cache(o);
    cbec_error *err = NULL;
    int st = cbec_registry_reload(reg, packs, n, o, &err);
    cli_heap_loaded();
    cbec_options_free(own);
    if (st) {
        cli_print_error(n ? packs[0] : "", st, err);
        cbec_error_free(err);
        return EXIT_USAGE;
    }
    return EXIT_VALID;
}

static cbec_registry *kept_registry;

void cli_registry_done(cbec_registry *reg)
{
    if (kept_registry && kept_registry != reg)
        cbec_registry_free(kept_registry);
    kept_registry = reg;
}

/* ---- reading input ---- */

/* Read everything (at most max+1 bytes, so an oversized message is still
 * reported as too large without holding all of it). */
int cli_read_all(cli_input *in, size_t max, size_t *len)
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
int cli_read_line(cli_input *in, size_t max, size_t *len)
{
    /* read ahead in large blocks and find newlines with memchr: a byte at a
     * time through getc() cost as much as parsing the JSON */
    if (in->rfile != in->f) {
        in->rfile = in->f;
        in->rpos = in->rend = 0;
    }
    if (!in->rbuf) {
        in->rcap = 1u << 20;
        if (!(in->rbuf = malloc(in->rcap)))
            return -1;
    }
    size_t n = 0;
    bool any = false;
    for (;;) {
        if (in->rpos == in->rend) {
            in->rpos = 0;
            in->rend = fread(in->rbuf, 1, in->rcap, in->f);
            if (in->rend == 0)
                break;
        }
        any = true;
        const char *start = in->rbuf + in->rpos;
        size_t avail = in->rend - in->rpos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        /* keep at most max+1 bytes: an oversized line is still reported as
         * too large without being held whole */
        size_t keep = n <= max ? (take < max + 1 - n ? take : max + 1 - n) : 0;
        if (keep) {
            if (n + keep + 1 > in->cap) {
                size_t cap = in->cap ? in->cap : 4096;
                while (cap < n + keep + 1)
                    cap *= 2;
                char *b = realloc(in->buf, cap);
                if (!b)
                    return -1;
                in->buf = b;
                in->cap = cap;
            }
            memcpy(in->buf + n, start, keep);
            n += keep;
        }
        in->rpos += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (ferror(in->f))
        return -1;
    if (n && in->buf[n - 1] == '\r')
        n--;
    *len = n;
    return any ? 1 : 0;
}

void cli_input_free(cli_input *in)
{
    free(in->buf);
    free(in->rbuf);
    in->buf = in->rbuf = NULL;
    in->cap = in->rcap = 0;
}

