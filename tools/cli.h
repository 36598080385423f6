/* cli.h - shared pieces of the cbecstd command-line tool. */
#ifndef CBEC_CLI_H
#define CBEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cbecstd.h"

#define EXIT_VALID 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2

extern const char *cli_progname;

void cli_usage(FILE *f);
/* Print "cbecstd: <fmt with arg>" to stderr; returns EXIT_USAGE. */
int cli_die_usage(const char *fmt, const char *arg);
/* Print the error object's message (or the status) to stderr. */
void cli_print_error(const char *what, int st, cbec_error *err);
int cli_is_dir(const char *p);
/* Print a pack's metadata (pack info). */
void cli_print_pack_info(const cbec_pack *p);
/* Where the bundled reference packs are. */
const char *cli_default_packs(char *buf, size_t cap);
/* The directory of the cache between runs (CBEC_OPT_CACHE_DIR):
 * $CBECSTD_CACHE_DIR ("" for none), else $XDG_CACHE_HOME/cbecstd, else
 * $HOME/.cache/cbecstd; NULL for none.  buf holds a path made here. */
const char *cli_cache_dir(char *buf, size_t cap);
/* Set that directory on o, when there is one. */
void cli_options_cache(cbec_options *o);
/* Load packs into reg all at once (layered packs find their bases), with
 * XSDs and EDI definitions compiled when a message first needs them
 * (CBEC_OPT_DEFER_COMPILE) and the cache of cli_cache_dir; with lazy
 * (CLI_LAZY_*), the rest of a pack too, when a message first needs one of
 * its message types (CBEC_OPT_LAZY_LOAD); opts may be NULL or carry the
 * caller's other options.  EXIT_VALID, or EXIT_USAGE after
 * printing the error. */
enum { CLI_LAZY_OFF, CLI_LAZY_ON, CLI_LAZY_AUTO }; /* CBEC_OPT_LAZY_LOAD "0", "1", "auto" */
int cli_load_packs(cbec_registry *reg, const char *const *packs, size_t n, cbec_options *opts, int lazy);
/* The heap of the main thread in transparent huge pages while packs load,
 * where the kernel gives them on request; cli_load_packs calls
 * cli_heap_loaded after loading (a command that loads otherwise calls it
 * itself; a second call does nothing), and what the heap grows into from
 * then on is in small pages again (see cli-common.c).  For commands that
 * load packs, before anything else. */
void cli_heap_for_loading(void);
void cli_heap_loaded(void);
/* The end of a command's registry: left for the operating system to take
 * back with the process, held in a static pointer so that leak checkers
 * see it reachable.  Freeing every compiled rule, code and schema one by
 * one is a twentieth of a one-message run, spent just before exit. */
void cli_registry_done(cbec_registry *reg);

typedef struct cli_input {
    FILE *f;
    const char *name;
    char *buf;      /* the current message or line */
    size_t cap;
    char *rbuf;     /* read-ahead for lines */
    size_t rcap, rpos, rend;
    FILE *rfile;    /* the file rbuf holds data of */
} cli_input;

/* Read all input, keeping at most max+1 bytes (the rest is discarded). */
int cli_read_all(cli_input *in, size_t max, size_t *len);
/* Read one line without its newline, keeping at most max+1 bytes.
 * 1: a line; 0: end of input; -1: error. */
int cli_read_line(cli_input *in, size_t max, size_t *len);
void cli_input_free(cli_input *in);

/* Subcommands: argv[0] is the subcommand's name. */
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_pack(int argc, char **argv);
int cli_cmd_impact(int argc, char **argv);
/* "check KIND VALUE...": identifiers on their own (cmd-check.c). */
int cli_cmd_check(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);
/* "ack": the functional acknowledgement of an EDI interchange (cmd-ack.c). */
int cli_cmd_ack(int argc, char **argv);
int cli_cmd_redact(int argc, char **argv);
/* "pack diff OLD NEW" (argv[1] is "diff"). */
int cli_pack_diff(int argc, char **argv);

#endif
