/* progress.h - progress of "cbecstd validate" on stderr for long runs. */
#ifndef CBEC_CLI_PROGRESS_H
#define CBEC_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* --progress / --no-progress; the default decides from the terminals. */
enum { CLI_PROGRESS_AUTO = 0, CLI_PROGRESS_ALWAYS = 1, CLI_PROGRESS_NEVER = 2 };

typedef struct cli_progress {
    bool on;                 /* progress lines are drawn */
    bool drawn;              /* a progress line is on screen now */
    FILE *f;                 /* stderr */
    struct timespec start, last;
    int file, nfiles;        /* which input of how many, set by the caller */
} cli_progress;

/* Decide whether to draw: ALWAYS, NEVER, or AUTO = stderr is a terminal and
 * reports do not go to that terminal too (stdout elsewhere, or quiet). */
void cli_progress_start(cli_progress *p, int mode, bool quiet);
/* Counts so far; redraws at most five times a second, and only after the
 * run has lasted half a second, so short runs print nothing. */
void cli_progress_tick(cli_progress *p, unsigned long messages, unsigned long invalid,
                       unsigned long errors, unsigned long warnings);
/* Clear the progress line (before the summary is written). */
void cli_progress_end(cli_progress *p);
/* When progress was on and several messages were read, write the elapsed
 * time and the rate to stderr (after the summary). */
void cli_progress_rate(cli_progress *p, unsigned long messages);

#endif
