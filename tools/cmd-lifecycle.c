/* cmd-lifecycle.c - revision tooling: "cbecstd pack diff OLD NEW" and
 * "cbecstd impact --old OLD --new NEW CORPUS...", what a standards team
 * runs before publishing a revision of a pack. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* All paths linked together, so layered packs find their bases. */
static cbec_registry *load_all(const char *const *paths, size_t n)
{
    cbec_registry *reg = NULL;
    if (cbec_registry_new(&reg))
        return NULL;
    if (cli_load_packs(reg, paths, n, NULL, CLI_LAZY_OFF) != EXIT_VALID) {
        cbec_registry_free(reg);
        return NULL;
    }
    return reg;
}

/* One side of a diff: a pack file on its own (compared as written, no
 * linking), or the packs of a directory. */
typedef struct side {
    cbec_registry *reg;
    cbec_pack *single;
} side;

static bool load_side(const char *path, side *out)
{
    memset(out, 0, sizeof *out);
    if (cli_is_dir(path))
        return (out->reg = load_all(&path, 1)) != NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_file(&out->single, path, NULL, &err);
    if (st) {
        cli_print_error(path, st, err);
        cbec_error_free(err);
        return false;
    }
    return true;
}

static void side_free(side *s)
{
    cbec_registry_free(s->reg);
    cbec_pack_free(s->single);
}

static size_t side_count(const side *s) { return s->single ? 1 : cbec_registry_pack_count(s->reg); }

static const cbec_pack *side_pack(const side *s, size_t i)
{
    return s->single ? s->single : cbec_registry_pack(s->reg, i);
}

/* ---- pack diff ---- */

static const cbec_pack *find_pack(const side *s, const char *id)
{
    for (size_t i = 0; i < side_count(s); i++)
        if (strcmp(cbec_pack_id(side_pack(s, i)), id) == 0)
            return side_pack(s, i);
    return NULL;
}

static bool has_type(const cbec_pack *p, const char *type)
{
    for (size_t i = 0; i < cbec_pack_message_type_count(p); i++)
        if (strcmp(cbec_pack_message_type(p, i), type) == 0)
            return true;
    return false;
}

static const char *rule_def(const cbec_pack *p, const char *type, const char *id)
{
    for (size_t i = 0; has_type(p, type) && i < cbec_pack_rule_count(p, type); i++)
        if (strcmp(cbec_pack_rule_id(p, type, i), id) == 0)
            return cbec_pack_rule_definition(p, type, i);
    return NULL;
}

typedef struct diff_counts {
    unsigned long added, removed, changed;
} diff_counts;

/* Rules of every type of a that b lacks (sign '-' or '+'), and changes. */
static void diff_side(const cbec_pack *a, const cbec_pack *b, char sign, bool changes, diff_counts *n)
{
    for (size_t t = 0; t < cbec_pack_message_type_count(a); t++) {
        const char *type = cbec_pack_message_type(a, t);
        for (size_t i = 0; i < cbec_pack_rule_count(a, type); i++) {
            const char *id = cbec_pack_rule_id(a, type, i);
            const char *mine = cbec_pack_rule_definition(a, type, i);
            const char *other = b ? rule_def(b, type, id) : NULL;
            if (!other) {
                printf("  %c %s/%s\n", sign, type, id);
                if (sign == '+')
                    n->added++;
                else
                    n->removed++;
            } else if (changes && strcmp(mine, other) != 0) {
                printf("  ~ %s/%s\n      old: %s\n      new: %s\n", type, id, other, mine);
                n->changed++;
            }
        }
    }
}

int cli_pack_diff(int argc, char **argv)
{
    if (argc != 4)
        return cli_die_usage("usage: cbecstd pack diff OLD NEW (%s)", "pack files or directories");
    side so, sn;
    if (!load_side(argv[2], &so))
        return EXIT_USAGE;
    if (!load_side(argv[3], &sn)) {
        side_free(&so);
        return EXIT_USAGE;
    }
    diff_counts n = {0, 0, 0};
    for (size_t i = 0; i < side_count(&sn); i++) {
        const cbec_pack *pn = side_pack(&sn, i);
        const cbec_pack *po = find_pack(&so, cbec_pack_id(pn));
        if (!po) {
            printf("%s: new pack %s\n", cbec_pack_id(pn), cbec_pack_version(pn));
        } else {
            printf("%s: %s -> %s (%s -> %s)\n", cbec_pack_id(pn), cbec_pack_version(po), cbec_pack_version(pn),
                   cbec_pack_digest(po), cbec_pack_digest(pn));
            if (strcmp(cbec_pack_status(po), cbec_pack_status(pn)) != 0)
                printf("  status: %s -> %s\n", cbec_pack_status(po), cbec_pack_status(pn));
            if (strcmp(cbec_pack_effective_from(po), cbec_pack_effective_from(pn)) != 0 ||
                strcmp(cbec_pack_effective_to(po), cbec_pack_effective_to(pn)) != 0)
                printf("  effective: %s..%s -> %s..%s\n", cbec_pack_effective_from(po), cbec_pack_effective_to(po),
                       cbec_pack_effective_from(pn), cbec_pack_effective_to(pn));
        }
        diff_side(pn, po, '+', true, &n);
        if (po)
            diff_side(po, pn, '-', false, &n);
    }
    for (size_t i = 0; i < side_count(&so); i++) {
        const cbec_pack *po = side_pack(&so, i);
        if (!find_pack(&sn, cbec_pack_id(po))) {
            printf("%s: pack %s removed\n", cbec_pack_id(po), cbec_pack_version(po));
            diff_side(po, NULL, '-', false, &n);
        }
    }
    printf("%lu added, %lu removed, %lu changed\n", n.added, n.removed, n.changed);
    side_free(&so);
    side_free(&sn);
    return n.added || n.removed || n.changed ? EXIT_INVALID : EXIT_VALID;
}

/* ---- impact ---- */

typedef struct rule_count {
    char *rule;
    unsigned long newly, gone;
} rule_count;

typedef struct impact {
    cbec_validator *v;
    cbec_registry *ro, *rn;
    const char *type;
    bool json;
    unsigned long messages, changed, to_invalid, to_valid;
    rule_count *rules;
    size_t nrules;
} impact;

static rule_count *count_for(impact *im, const char *rule)
{
    for (size_t i = 0; i < im->nrules; i++)
        if (strcmp(im->rules[i].rule, rule) == 0)
            return &im->rules[i];
    rule_count *grown = realloc(im->rules, (im->nrules + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    im->rules = grown;
    rule_count *c = &im->rules[im->nrules++];
    c->rule = strdup(rule);
    c->newly = c->gone = 0;
    return c->rule ? c : NULL;
}

static bool fires(const cbec_report *r, const char *rule)
{
    for (size_t i = 0; i < cbec_report_count(r); i++)
        if (cbec_finding_severity(r, i) == CBEC_SEVERITY_ERROR && strcmp(cbec_finding_rule(r, i), rule) == 0)
            return true;
    return false;
}

/* Rules with errors in a that b lacks, printed and counted. */
static void rule_delta(impact *im, const cbec_report *a, const cbec_report *b, bool newly, const char *label,
                       bool *first)
{
    for (size_t i = 0; i < cbec_report_count(a); i++) {
        const char *rule = cbec_finding_rule(a, i);
        if (cbec_finding_severity(a, i) != CBEC_SEVERITY_ERROR || fires(b, rule))
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cbec_finding_rule(a, k), rule) == 0;
        if (seen)
            continue;
        rule_count *c = count_for(im, rule);
        if (c) {
            if (newly)
                c->newly++;
            else
                c->gone++;
        }
        if (!im->json)
            printf("%s%s%s", *first ? label : ", ", *first ? " " : "", rule);
        *first = false;
    }
}

static int impact_one(impact *im, const char *data, size_t len, const char *source, unsigned long index)
{
    cbec_report *ro = NULL, *rn = NULL;
    int st = cbec_validate(im->v, im->ro, im->type, CBEC_FORMAT_AUTO, data, len, &ro);
    if (!st)
        st = cbec_validate(im->v, im->rn, im->type, CBEC_FORMAT_AUTO, data, len, &rn);
    if (st) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, source, cbec_strerror(st));
        cbec_report_free(ro);
        return -1;
    }
    im->messages++;
    int vo = cbec_report_valid(ro), vn = cbec_report_valid(rn);
    bool changed = vo != vn;
    if (changed) {
        im->changed++;
        if (vn)
            im->to_valid++;
        else
            im->to_invalid++;
        if (im->json)
            printf("{\"source\":\"%s\",\"index\":%lu,\"old\":%s,\"new\":%s}\n", source, index, vo ? "true" : "false",
                   vn ? "true" : "false");
        else if (index)
            printf("%s#%lu: %s -> %s", source, index, vo ? "valid" : "INVALID", vn ? "valid" : "INVALID");
        else
            printf("%s: %s -> %s", source, vo ? "valid" : "INVALID", vn ? "valid" : "INVALID");
    }
    bool first = true;
    if (changed && !im->json)
        printf(" (");
    /* rule deltas are counted for every message, printed for changed ones */
    bool quiet = !changed || im->json;
    bool saved = im->json;
    im->json = quiet;
    rule_delta(im, rn, ro, true, "now failing:", &first);
    bool first2 = true;
    rule_delta(im, ro, rn, false, first ? "no longer failing:" : "; no longer failing:", &first2);
    im->json = saved;
    if (changed && !im->json)
        printf(")\n");
    cbec_report_free(ro);
    cbec_report_free(rn);
    return 0;
}

static int cmp_rules(const void *a, const void *b)
{
    const rule_count *x = a, *y = b;
    unsigned long tx = x->newly + x->gone, ty = y->newly + y->gone;
    if (tx != ty)
        return tx > ty ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

int cli_cmd_impact(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"old", required_argument, NULL, 'O'}, {"new", required_argument, NULL, 'N'},
        {"type", required_argument, NULL, 't'}, {"ndjson", no_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0},
    };
    const char **olds = calloc((size_t)argc, sizeof *olds), **news = calloc((size_t)argc, sizeof *news);
    size_t no = 0, nn = 0;
    bool ndjson = false;
    impact im;
    memset(&im, 0, sizeof im);
    int c, rc = EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'O': olds[no++] = optarg; break;
        case 'N': news[nn++] = optarg; break;
        case 't': im.type = optarg; break;
        case 'n': ndjson = true; break;
        case 'o': im.json = strcmp(optarg, "json") == 0; break;
        default: goto out;
        }
    }
    if (!no || !nn || optind >= argc) {
        cli_die_usage("usage: cbecstd impact --old PACK... --new PACK... [-t TYPE] [--ndjson] [-o text|json] %s", "CORPUS...");
        goto out;
    }
    if (!(im.ro = load_all(olds, no)) || !(im.rn = load_all(news, nn)) || cbec_validator_new(&im.v))
        goto out;
    rc = EXIT_VALID;
    cli_input in = {0};
    for (int i = optind; i < argc && rc != EXIT_USAGE; i++) {
        in.f = strcmp(argv[i], "-") ? fopen(argv[i], "rb") : stdin;
        if (!in.f) {
            fprintf(stderr, "%s: cannot open %s: %s\n", cli_progname, argv[i], strerror(errno));
            rc = EXIT_USAGE;
            break;
        }
        size_t len;
        if (ndjson) {
            unsigned long line = 0;
            int got;
            while ((got = cli_read_line(&in, 64UL << 20, &len)) == 1) {
                line++;
                if (len && impact_one(&im, in.buf, len, argv[i], line) < 0)
                    rc = EXIT_USAGE;
            }
        } else if (cli_read_all(&in, 64UL << 20, &len) == 0) {
            if (impact_one(&im, in.buf ? in.buf : "", len, argv[i], 0) < 0)
                rc = EXIT_USAGE;
        }
        if (in.f != stdin)
            fclose(in.f);
    }
    cli_input_free(&in);
    if (rc != EXIT_USAGE) {
        if (im.nrules) /* qsort's array must not be NULL, even empty */
            qsort(im.rules, im.nrules, sizeof *im.rules, cmp_rules);
        if (im.json) {
            printf("{\"messages\":%lu,\"changed\":%lu,\"to_invalid\":%lu,\"to_valid\":%lu,\"rules\":{", im.messages,
                   im.changed, im.to_invalid, im.to_valid);
            for (size_t i = 0; i < im.nrules; i++)
                printf("%s\"%s\":{\"now_failing\":%lu,\"no_longer_failing\":%lu}", i ? "," : "", im.rules[i].rule,
                       im.rules[i].newly, im.rules[i].gone);
            printf("}}\n");
        } else {
            printf("%lu messages: %lu change verdict (%lu become invalid, %lu become valid)\n", im.messages,
                   im.changed, im.to_invalid, im.to_valid);
            for (size_t i = 0; i < im.nrules; i++)
                printf("  %s: now failing in %lu, no longer failing in %lu\n", im.rules[i].rule, im.rules[i].newly,
                       im.rules[i].gone);
        }
        rc = im.changed ? EXIT_INVALID : EXIT_VALID;
    }
out:
    for (size_t i = 0; i < im.nrules; i++)
        free(im.rules[i].rule);
    free(im.rules);
    cbec_validator_free(im.v);
    cbec_registry_free(im.ro);
    cbec_registry_free(im.rn);
    free(olds);
    free(news);
    return rc;
}
