/* registry.c - the set of packs a validation may use, and the choice of the
 * pack and message type for a message. */
#define _DEFAULT_SOURCE
#include "pack/registry.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

CBEC_API int cbec_registry_new(cbec_registry **out)
{
    if (!out)
        return CBEC_EINVAL;
    *out = cbec__calloc(1, sizeof **out);
    return *out ? CBEC_OK : CBEC_ENOMEM;
}

CBEC_API void cbec_registry_free(cbec_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npacks; i++)
        cbec_pack_free(r->packs[i]);
    free(r->packs);
    free(r);
}

const cbec_msgtype *cbec__pack_type(const cbec_pack *p, const char *name)
{
    for (size_t i = 0; i < p->ntypes; i++)
        if (strcmp(p->types[i]->name, name) == 0)
            return p->types[i];
    return NULL;
}

CBEC_API int cbec_registry_add(cbec_registry *r, cbec_pack *p, cbec_error **err)
{
    if (!r || !p)
        return CBEC_EINVAL;
    for (size_t i = 0; i < r->npacks; i++) {
        const cbec_pack *q = r->packs[i];
        if (strcmp(q->id, p->id) == 0 && strcmp(q->version, p->version) == 0)
            return cbec__error_set(err, CBEC_EAMBIGUOUS, p->file, NULL, 0, 0,
                                   "%s: pack %s is already loaded from %s", p->file, p->label, q->file);
        for (size_t k = 0; k < p->ntypes; k++)
            if (cbec__pack_type(q, p->types[k]->name))
                return cbec__error_set(err, CBEC_EAMBIGUOUS, p->file, NULL, 0, 0,
                                       "%s: message type \"%s\" of pack %s is already defined by pack %s (%s)",
                                       p->file, p->types[k]->name, p->label, q->label, q->file);
    }
    cbec_pack **packs = realloc(r->packs, (r->npacks + 1) * sizeof *packs);
    if (!packs)
        return CBEC_ENOMEM;
    r->packs = packs;
    r->packs[r->npacks++] = cbec_pack_ref(p);
    return CBEC_OK;
}

static int load_one(cbec_registry *r, const char *path, const cbec_options *opts, cbec_error **err)
{
    cbec_pack *p;
    int st = cbec_pack_load_file(&p, path, opts, err);
    if (st)
        return st;
    st = cbec_registry_add(r, p, err);
    cbec_pack_free(p);
    return st;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_pack_name(const char *n)
{
    size_t len = strlen(n);
    return len > 10 && strcmp(n + len - 10, ".pack.json") == 0 && n[0] != '.';
}

CBEC_API int cbec_registry_load_path(cbec_registry *r, const char *path, const cbec_options *opts,
                                     cbec_error **err)
{
    if (!r || !path)
        return CBEC_EINVAL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot open %s", path);
    if (!S_ISDIR(sb.st_mode))
        return load_one(r, path, opts, err);
    DIR *d = opendir(path);
    if (!d)
        return cbec__error_set(err, CBEC_EIO, path, NULL, 0, 0, "cannot read directory %s", path);
    char **names = NULL;
    size_t n = 0;
    int st = CBEC_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_pack_name(e->d_name))
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        char *full = malloc(strlen(path) + strlen(e->d_name) + 2);
        if (!grown || !full) {
            free(grown ? NULL : full);
            if (grown)
                names = grown;
            free(full);
            st = CBEC_ENOMEM;
            break;
        }
        names = grown;
        sprintf(full, "%s/%s", path, e->d_name);
        names[n++] = full;
    }
    closedir(d);
    if (!st && n == 0)
        st = cbec__error_set(err, CBEC_ENOTFOUND, path, NULL, 0, 0,
                             "no pack files (*.pack.json) in directory %s", path);
    if (!st) {
        qsort(names, n, sizeof *names, name_cmp);
        for (size_t i = 0; i < n && !st; i++)
            st = load_one(r, names[i], opts, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

CBEC_API size_t cbec_registry_pack_count(const cbec_registry *r) { return r ? r->npacks : 0; }

CBEC_API const cbec_pack *cbec_registry_pack(const cbec_registry *r, size_t i)
{
    return r && i < r->npacks ? r->packs[i] : NULL;
}

bool cbec__registry_find_type(const cbec_registry *r, const char *name, const cbec_pack **pack,
                              const cbec_msgtype **type)
{
    for (size_t i = 0; i < r->npacks; i++) {
        const cbec_msgtype *t = cbec__pack_type(r->packs[i], name);
        if (t) {
            *pack = r->packs[i];
            *type = t;
            return true;
        }
    }
    return false;
}

size_t cbec__registry_detect(const cbec_registry *r, const cbec_doc *doc, const cbec_pack **pack,
                             const cbec_msgtype **type)
{
    size_t found = 0;
    for (size_t i = 0; i < r->npacks; i++) {
        const cbec_pack *p = r->packs[i];
        for (size_t k = 0; k < p->ntypes; k++) {
            const cbec_msgtype *t = p->types[k];
            const cbec_format_spec *fs = &t->formats[doc->format];
            if (!fs->detect_match || !fs->detect_match(fs->detect, doc))
                continue;
            if (!found++) {
                *pack = p;
                *type = t;
            }
        }
    }
    return found;
}
