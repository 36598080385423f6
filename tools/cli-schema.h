/* cli-schema.h - the JSON Schema options of "cbecstd validate": --schema,
 * --draft, -r/--resource and --format-assert (cli-schema.c). */
#ifndef CBEC_CLI_SCHEMA_H
#define CBEC_CLI_SCHEMA_H

#include <stdbool.h>

#include "cbecstd.h"

#define CLI_SCHEMA_MAX_RESOURCES 64

typedef struct cli_schema {
    const char *schema;        /* --schema FILE */
    const char *draft;         /* --draft 2020-12|7 */
    bool format_assert;        /* --format-assert */
    const char *resources[CLI_SCHEMA_MAX_RESOURCES]; /* -r URI_PREFIX=DIR, borrowed from argv */
    int nresources;
    cbec_options *opts;        /* built by cli_schema_options */
} cli_schema;

/* The getopt long options, for the subcommand's table (short: -r). */
#define CLI_SCHEMA_LONGOPTS                                                                         \
    {"schema", required_argument, NULL, 0x5301}, {"draft", required_argument, NULL, 0x5302},       \
    {"resource", required_argument, NULL, 'r'}, {"format-assert", no_argument, NULL, 0x5303}

/* Handle option c (its argument arg); returns 1 when c is one of ours and
 * was taken, 0 when not ours, -1 on a usage error (already reported).
 * Nothing is allocated: an early exit needs no cleanup. */
int cli_schema_option(cli_schema *s, int c, const char *arg);
/* The pack options these settings make (s->opts, NULL when none was
 * given); returns 0, or EXIT_USAGE after a message. */
int cli_schema_options(cli_schema *s);
/* With --schema: add the schema's pack to reg and return its message type
 * in *type.  Returns 0, or EXIT_USAGE after a message. */
int cli_schema_load(cli_schema *s, cbec_registry *reg, const char **type);
void cli_schema_free(cli_schema *s);

#endif
