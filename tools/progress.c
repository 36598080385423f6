/* progress.c - progress of "cbecstd validate" on stderr: count, rate and
 * findings so far, redrawn in place on a terminal, then cleared. */
#include "progress.h"

#include <unistd.h>

static double seconds_since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void cli_progress_start(cli_progress *p, int mode, bool quiet)
{
    p->f = stderr;
    p->drawn = false;
    p->file = p->nfiles = 0;
    if (mode == CLI_PROGRESS_ALWAYS)
        p->on = true;
    else if (mode == CLI_PROGRESS_NEVER)
        p->on = false;
    else
        /* Reports on the same terminal would be torn up by a line redrawn
         * under them, so AUTO draws only when they go elsewhere. */
        p->on = isatty(STDERR_FILENO) && (quiet || !isatty(STDOUT_FILENO));
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

void cli_progress_tick(cli_progress *p, unsigned long messages, unsigned long invalid,
                       unsigned long errors, unsigned long warnings)
{
    if (!p->on)
        return;
    /* the clock is read through the vDSO: tens of nanoseconds against the
     * microseconds a validation takes */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double total = seconds_since(&p->start, &now);
    if (total < 0.5 || (p->drawn && seconds_since(&p->last, &now) < 0.2))
        return;
    p->last = now;
    double rate = total > 0 ? (double)messages / total : 0;
    fputs("\r\033[K", p->f);
    if (p->nfiles > 1)
        fprintf(p->f, "[%d/%d] ", p->file, p->nfiles);
    fprintf(p->f, "%lu messages, %.0f/s; %lu invalid, %lu errors, %lu warnings", messages, rate,
            invalid, errors, warnings);
    fflush(p->f);
    p->drawn = true;
}

void cli_progress_end(cli_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->drawn = false;
    }
}

void cli_progress_rate(cli_progress *p, unsigned long messages)
{
    if (!p->on || messages < 2)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double total = seconds_since(&p->start, &now);
    fprintf(p->f, "%.1f s, %.0f messages/s\n", total, total > 0 ? (double)messages / total : 0.0);
}
