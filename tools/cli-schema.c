/* cli-schema.c - validating against a bare JSON Schema from the command
 * line: the options of "cbecstd validate" that name a schema, its default
 * dialect, format assertion and the directories that serve URI prefixes. */
#include "cli-schema.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_schema_option(cli_schema *s, int c, const char *arg)
{
    switch (c) {
    case 0x5301:
        s->schema = arg;
        return 1;
    case 0x5302:
        if (strcmp(arg, "2020-12") != 0 && strcmp(arg, "7") != 0) {
            cli_die_usage("--draft wants 2020-12 or 7, not \"%s\"", arg);
            return -1;
        }
        s->draft = arg;
        return 1;
    case 0x5303:
        s->format_assert = true;
        return 1;
    case 'r':
        if (!strchr(arg, '=') || arg[0] == '=' || arg[strlen(arg) - 1] == '=') {
            cli_die_usage("-r wants URI_PREFIX=DIR, not \"%s\"", arg);
            return -1;
        }
        if (s->nresources == CLI_SCHEMA_MAX_RESOURCES) {
            cli_die_usage("at most %s -r options", "64");
            return -1;
        }
        s->resources[s->nresources++] = arg;
        return 1;
    default:
        return 0;
    }
}

int cli_schema_options(cli_schema *s)
{
    if (!s->draft && !s->format_assert && !s->nresources)
        return 0;
    if (cbec_options_new(&s->opts) != CBEC_OK) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return EXIT_USAGE;
    }
    if (s->draft && cbec_options_set_string(s->opts, CBEC_OPT_SCHEMA_DRAFT, s->draft) != CBEC_OK)
        return cli_die_usage("--draft wants 2020-12 or 7, not \"%s\"", s->draft);
    if (s->format_assert)
        cbec_options_set_string(s->opts, CBEC_OPT_SCHEMA_FORMAT_ASSERT, "1");
    for (int i = 0; i < s->nresources; i++) {
        /* the directory follows the last '=': URI prefixes may hold '=' in a query */
        const char *eq = strrchr(s->resources[i], '=');
        size_t pl = (size_t)(eq - s->resources[i]);
        char *prefix = malloc(pl + 1);
        if (!prefix) {
            fprintf(stderr, "%s: out of memory\n", cli_progname);
            return EXIT_USAGE;
        }
        memcpy(prefix, s->resources[i], pl);
        prefix[pl] = '\0';
        int st = cbec_options_add_resource_dir(s->opts, prefix, eq + 1);
        free(prefix);
        if (st != CBEC_OK)
            return cli_die_usage("cannot use -r \"%s\"", s->resources[i]);
    }
    return 0;
}

int cli_schema_load(cli_schema *s, cbec_registry *reg, const char **type)
{
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_from_schema(&p, s->schema, s->opts, &err);
    if (st == CBEC_OK)
        st = cbec_registry_add(reg, p, &err);
    cbec_pack_free(p);
    if (st != CBEC_OK) {
        cli_print_error(s->schema, st, err);
        cbec_error_free(err);
        return EXIT_USAGE;
    }
    *type = "schema";
    return 0;
}

void cli_schema_free(cli_schema *s)
{
    cbec_options_free(s->opts);
    s->opts = NULL;
}
