/* cbecstd.c - the command-line tool: dispatch to the subcommands.  The
 * tool uses only the public API of libcbecstd. */
#include "cli.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* One line per subcommand; each lives in tools/cmd-NAME.c.  loads: the
 * command loads packs (its heap is set up for that: cli_heap_for_loading). */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    bool loads;
} commands[] = {
    {"validate", cli_cmd_validate, true},
    {"pack", cli_cmd_pack, true},
    {"impact", cli_cmd_impact, true},
    {"check", cli_cmd_check, false},
    {"eval", cli_cmd_eval, false},
    {"ack", cli_cmd_ack, true},
    {"redact", cli_cmd_redact, true},
};

void cli_usage(FILE *f)
{
    fprintf(f,
            "usage: cbecstd validate [-p PACK_FILE_OR_DIR]... [-t TYPE] [-f auto|json|xml|edifact|x12]\n"
            "                        [-o text|json] [--lang zh-CN|en] [--ndjson] [--jobs N] [-q]\n"
            "                        [--stats] [--date YYYY-MM-DD] [--allow-draft] [--lazy]\n"
            "                        [--previous-state STATE] [FILE...|-]\n"
            "       cbecstd validate --schema SCHEMA.json [--draft 2020-12|7] [-r URI_PREFIX=DIR]...\n"
            "                        [--format-assert] [--ndjson] [-o text|json] [FILE...|-]\n"
            "       cbecstd pack lint PACK...\n"
            "       cbecstd pack info PACK...\n"
            "       cbecstd pack diff OLD NEW\n"
            "       cbecstd impact --old PACK... --new PACK... [-t TYPE] [--ndjson] [-o text|json] CORPUS...\n"
            "       cbecstd check [--lang zh-CN|en] [--no-countries] KIND VALUE...|-\n"
            "       cbecstd check --list\n"
            "       cbecstd eval [--max-operations N] [--max-depth N] [--assert] RULE.json DATA.json\n"
            "       cbecstd ack [-p PACK]... [-t TYPE] [--format 997|999|contrl] [--control N]\n"
            "                   [--timestamp YYYYMMDDHHMM] [--report] [FILE|-]\n"
            "       cbecstd redact [-p PACK]... [-t TYPE] [-f FORMAT] [--remove] [--internal] [--ndjson] [FILE...|-]\n"
            "       cbecstd --version | --help\n"
            "\n"
            "Exit status: 0 no message has an error finding; 1 some message has one (or could\n"
            "not be parsed); 2 usage errors, unreadable files and invalid packs.\n"
            "See cbecstd(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    /* Loading the packs allocates some megabytes on several threads in
     * small pieces; glibc would grow each heap a page at a time (some 400
     * mprotect and brk calls, a tenth of a one-message run).  Grow them in
     * large steps: address space only, pages are not touched until used.
     * The process's choice to make, not the library's. */
#ifdef M_TOP_PAD
    mallopt(M_TOP_PAD, 4 << 20);
#endif
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("cbecstd %s (libcbecstd %s)\n", CBEC_VERSION_STRING, cbec_version());
        return EXIT_VALID;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        cli_usage(stdout);
        return EXIT_VALID;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) {
            if (commands[i].loads)
                cli_heap_for_loading();
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "%s: unknown command \"%s\"\n", cli_progname, cmd);
    cli_usage(stderr);
    return EXIT_USAGE;
}
