/* isocodes.c - iso-codes JSON files as document trees and code lists. */
#include "pack/isocodes.h"
#include "cbec-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_MAX_BYTES (16u << 20)

static const char *const standards[] = {"3166-1", "3166-2", "3166-3", "4217", "639-2", "639-3", "639-5", "15924"};

const char *cbec__isocodes_dir(const cbec_options *opts)
{
    if (opts && opts->iso_codes_dir && *opts->iso_codes_dir)
        return opts->iso_codes_dir;
    const char *env = getenv("CBECSTD_ISO_CODES_DIR");
    if (env && *env)
        return env;
    return CBEC_ISO_CODES_DIR;
}

int cbec__isocodes_open(cbec_isocodes *t, const char *dir, const char *standard, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    cbec__arena_init(&t->arena);
    bool known = false;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(standards); i++)
        known |= strcmp(standard, standards[i]) == 0;
    if (!known) {
        snprintf(err, errlen, "unknown iso-codes standard \"%s\" (known: 3166-1 3166-2 3166-3 4217 639-2 639-3 639-5 15924)",
                 standard);
        return CBEC_ENOTFOUND;
    }
    snprintf(t->standard, sizeof t->standard, "%s", standard);
    snprintf(t->path, sizeof t->path, "%s/iso_%s.json", dir, standard);
    char *data;
    size_t len;
    cbec_error *e = NULL;
    int st = cbec__read_file(t->path, ISO_MAX_BYTES, &data, &len, &e);
    if (st) {
        snprintf(err, errlen, "%s; install Debian's iso-codes package, or name its json directory with the "
                 "CBEC_OPT_ISO_CODES_DIR option or $CBECSTD_ISO_CODES_DIR", e ? cbec_error_message(e) : cbec_strerror(st));
        cbec_error_free(e);
        return st == CBEC_ENOMEM ? st : CBEC_EIO;
    }
    cbec_json_reader *rd = cbec__json_reader_new(16);
    if (!rd) {
        free(data);
        return CBEC_ENOMEM;
    }
    t->reader = rd;
    cbec_read_limits lim = {ISO_MAX_BYTES, 16, 10000000};
    cbec_read_error re;
    bool oom = false;
    bool ok = cbec__json_read(rd, data, len, &lim, &t->arena, &t->doc, &re, &oom);
    t->data = data; /* numbers json-c could not keep exactly point into it */
    if (!ok) {
        snprintf(err, errlen, "%s: %s", t->path, oom ? "out of memory" : re.message_en);
        cbec__isocodes_close(t);
        return oom ? CBEC_ENOMEM : CBEC_EPACK;
    }
    t->entries = cbec__node_member(t->doc.root, standard, strlen(standard));
    if (!t->entries || t->entries->kind != CBEC_NODE_ARRAY) {
        snprintf(err, errlen, "%s: no \"%s\" array", t->path, standard);
        cbec__isocodes_close(t);
        return CBEC_EPACK;
    }
    return CBEC_OK;
}

void cbec__isocodes_close(cbec_isocodes *t)
{
    if (t->reader) {
        cbec__json_release(t->reader, &t->doc);
        cbec__json_reader_free(t->reader);
    }
    cbec__arena_free(&t->arena);
    free(t->data);
    t->data = NULL;
    t->reader = NULL;
    t->entries = NULL;
}

const cbec_node *cbec__isocodes_field(const cbec_node *entry, const char *field)
{
    const cbec_node *v = cbec__node_member(entry, field, strlen(field));
    return v && v->kind == CBEC_NODE_STRING ? v : NULL;
}

cbec_codelist *cbec__isocodes_codelist(const cbec_isocodes *t, const char *list_name, const char *field)
{
    cbec_codelist *l = cbec__codelist_new(list_name);
    if (!l)
        return NULL;
    for (uint32_t i = 0; i < t->entries->count; i++) {
        const cbec_node *v = cbec__isocodes_field(&t->entries->children[i], field);
        if (v && !cbec__codelist_add(l, v->text, v->len)) {
            cbec__codelist_free(l);
            return NULL;
        }
    }
    return l;
}
