/* cmd-pack.c - "cbecstd pack lint|info|diff": check, describe and compare packs. */
#define _GNU_SOURCE
#include "cbec-config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- pack lint / info ---- */

void cli_print_pack_info(const cbec_pack *p)
{
    printf("file:      %s\n", cbec_pack_file(p));
    printf("id:        %s\n", cbec_pack_id(p));
    printf("version:   %s\n", cbec_pack_version(p));
    printf("status:    %s\n", cbec_pack_status(p));
    printf("module:    %s\n", cbec_pack_module(p));
    printf("digest:    %s\n", cbec_pack_digest(p));
    printf("effective: %s .. %s\n", *cbec_pack_effective_from(p) ? cbec_pack_effective_from(p) : "(open)",
           *cbec_pack_effective_to(p) ? cbec_pack_effective_to(p) : "(open)");
    printf("title:     %s / %s\n", cbec_pack_title(p, "zh-CN"), cbec_pack_title(p, "en"));
    for (size_t b = 0; b < cbec_pack_base_count(p); b++)
        printf("extends:   %s %s\n", cbec_pack_base_id(p, b), cbec_pack_base_range(p, b));
    for (size_t r = 0; r < cbec_pack_ref_count(p); r++)
        printf("implements: %s\n", cbec_pack_ref_id(p, r));
    for (size_t m = 0; m < cbec_pack_message_type_count(p); m++) {
        const char *name = cbec_pack_message_type(p, m);
        printf("message:   %s (%zu rules)\n", name, cbec_pack_rule_count(p, name));
    }
    printf("\n");
}


int cli_cmd_pack(int argc, char **argv)
{
    if (argc < 3) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "diff") == 0)
        return cli_pack_diff(argc, argv);
    bool info = strcmp(argv[1], "info") == 0;
    if (!info && strcmp(argv[1], "lint") != 0)
        return cli_die_usage("unknown pack command \"%s\" (lint, info, diff)", argv[1]);
    int rc = EXIT_VALID;
    /* lint links all arguments together (a layered pack needs its bases
     * beside it); info describes each file on its own */
    int nsets = info ? argc - 2 : 1;
    cbec_options *opts = NULL;
    if (cbec_options_new(&opts) != CBEC_OK)
        return EXIT_USAGE;
    cli_options_cache(opts);
    for (int i = 0; i < nsets; i++) {
        cbec_registry *reg = NULL;
        cbec_error *err = NULL;
        if (cbec_registry_new(&reg)) {
            cbec_options_free(opts);
            return EXIT_USAGE;
        }
        const char *what = info ? argv[2 + i] : argv[2];
        int st;
        if (info && !cli_is_dir(what)) {
            cbec_pack *single = NULL;
            st = cbec_pack_load_file(&single, what, opts, &err);
            if (!st) {
                /* describe it without linking: bases may live elsewhere */
                cli_print_pack_info(single);
                cbec_pack_free(single);
                cbec_registry_free(reg);
                continue;
            }
        } else {
            st = cbec_registry_reload(reg, (const char *const *)(info ? argv + 2 + i : argv + 2),
                                      info ? 1 : (size_t)(argc - 2), opts, &err);
        }
        if (st) {
            cli_print_error(what, st, err);
            cbec_error_free(err);
            cbec_registry_free(reg);
            rc = EXIT_USAGE;
            continue;
        }
        for (size_t k = 0; k < cbec_registry_pack_count(reg); k++) {
            const cbec_pack *p = cbec_registry_pack(reg, k);
            if (!info) {
                printf("%s: ok: %s@%s, %zu message types, %zu rules\n", cbec_pack_file(p),
                       cbec_pack_id(p), cbec_pack_version(p), cbec_pack_message_type_count(p),
                       cbec_pack_rule_count(p, NULL));
                continue;
            }
            cli_print_pack_info(p);
        }
        cbec_registry_free(reg);
    }
    cbec_options_free(opts);
    return rc;
}

