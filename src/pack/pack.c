/* pack.c - loading rule packs: reading the file, checking the metadata,
 * handing message types to the compiler, and the pack's public accessors. */
#define _DEFAULT_SOURCE
#include "pack/pack.h"
#include "pack/compile.h"
#include "core/digest.h"
#include "rules/state.h"

#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACK_MAX_BYTES (64u << 20)
#define PACK_MAX_DEPTH 512

/* ---- i18n ---- */

/* The first n characters of tag and lang are the same tag text. */
static bool lang_prefix_eq(const char *tag, const char *lang, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int a = tag[i], b = lang[i] == '_' ? '-' : lang[i];
        if (!a || (cbec__is_upper(a) ? a + 32 : a) != (cbec__is_upper(b) ? b + 32 : b))
            return false;
    }
    return true;
}

const char *cbec__i18n_get(const cbec_i18n *t, const char *lang)
{
    if (!t || !t->count)
        return NULL;
    if (lang && *lang) {
        /* BCP 47 tags compare without case, "_" counts as "-" (POSIX
         * locale names), and a longer tag falls back to its prefixes
         * ("zh-Hant-TW", "zh-Hant", "zh"; RFC 4647 lookup) */
        for (size_t n = strlen(lang); n; ) {
            for (size_t i = 0; i < t->count; i++)
                if (lang_prefix_eq(t->lang[i], lang, n) && t->lang[i][n] == '\0')
                    return t->text[i];
            while (n && lang[n - 1] != '-' && lang[n - 1] != '_')
                n--;
            if (n)
                n--;
        }
        /* same primary language: "zh" finds "zh-CN" and the other way round */
        size_t pl = strcspn(lang, "-_");
        for (size_t i = 0; i < t->count; i++)
            if (lang_prefix_eq(t->lang[i], lang, pl) && (t->lang[i][pl] == '\0' || t->lang[i][pl] == '-'))
                return t->text[i];
    }
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->lang[i], "en") == 0)
            return t->text[i];
    return t->text[0];
}

void cbec__i18n_free(cbec_i18n *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->lang[i]);
        free(t->text[i]);
    }
    free(t->lang);
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* ---- templates ---- */

bool cbec__template_check(const char *tmpl, const char **bad)
{
    static const char *const names[] = {"value", "expected", "path", "reason", "rule"};
    for (const char *p = tmpl; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            p++;
            continue;
        }
        if (*p == '}') {
            *bad = p;
            return false;
        }
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        if (!end) {
            *bad = p;
            return false;
        }
        bool known = false;
        for (size_t i = 0; i < CBEC_ARRAY_LEN(names); i++)
            if ((size_t)(end - p - 1) == strlen(names[i]) && memcmp(p + 1, names[i], strlen(names[i])) == 0)
                known = true;
        if (!known) {
            *bad = p;
            return false;
        }
        p = end;
    }
    return true;
}

/* ---- compile errors ---- */

bool cbec__compile_error(cbec_compiler *c, const cbec_node *at, const char *fmt, ...)
{
    if (c->status)
        return false; /* keep the first error */
    c->status = CBEC_EPACK;
    cbec_buf path, msg;
    cbec__buf_init(&path);
    cbec__buf_init(&msg);
    cbec__node_pointer(at, &path);
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    const char *ptr = cbec__buf_cstr(&path);
    unsigned long line = at ? at->span.line : 0, col = at ? at->span.column : 0;
    if (line)
        cbec__buf_addf(&msg, "%s:%lu:%lu: ", c->file, line, col);
    else
        cbec__buf_addf(&msg, "%s: ", c->file);
    /* the path and the text quote the pack's own keys and values: a hostile
     * pack must not put terminal escapes or fake lines into an error */
    cbec__buf_add_visible(&msg, ptr, strlen(ptr), 0);
    cbec__buf_adds(&msg, *ptr ? ": " : "");
    cbec__buf_add_visible(&msg, tmp, strlen(tmp), 0);
    cbec__error_set(c->err, CBEC_EPACK, c->file, ptr, line, col, "%s", cbec__buf_cstr(&msg));
    cbec__buf_free(&path);
    cbec__buf_free(&msg);
    return false;
}

bool cbec__compile_oom(cbec_compiler *c)
{
    if (!c->status) {
        c->status = CBEC_ENOMEM;
        cbec__error_set(c->err, CBEC_ENOMEM, c->file, NULL, 0, 0, "out of memory");
    }
    return false;
}

char *cbec__compile_strdup(cbec_compiler *c, const cbec_node *n)
{
    char *s = cbec__strndup(n->text, n->len);
    if (!s)
        cbec__compile_oom(c);
    return s;
}

/* ---- files beside the pack ---- */

static bool safe_relpath(const char *rel)
{
    if (!*rel || *rel == '/')
        return false;
    for (const char *p = rel; *p; p++)
        if (!cbec__is_alnum(*p) && !strchr("._-/+@", *p))
            return false;
    /* no "." or ".." segment, no empty segment */
    for (const char *seg = rel; *seg;) {
        size_t n = strcspn(seg, "/");
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        seg += n;
        if (*seg == '/')
            seg++;
    }
    return true;
}

bool cbec__compile_note_dep(cbec_compiler *c, const char *dir, const char *rel)
{
    size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(rel) + 1;
    char *path = malloc(n);
    if (!path)
        return false;
    snprintf(path, n, "%s%s%s", dir ? dir : "", dir ? "/" : "", rel);
    for (size_t i = 0; i < c->ndeps; i++)
        if (strcmp(c->deps[i], path) == 0) {
            free(path);
            return true;
        }
    char **deps = realloc(c->deps, (c->ndeps + 1) * sizeof *deps);
    if (!deps) {
        free(path);
        return false;
    }
    c->deps = deps;
    c->deps[c->ndeps++] = path;
    return true;
}

bool cbec__compile_read_file(cbec_compiler *c, const cbec_node *at, const char *rel, char **data,
                             size_t *len)
{
    *data = NULL;
    *len = 0;
    for (size_t i = 0; i < c->nserved; i++)
        if (strcmp(c->served[i].rel, rel) == 0) {
            if (!(*data = malloc(c->served[i].len + 1)))
                return cbec__compile_oom(c);
            memcpy(*data, c->served[i].data, c->served[i].len);
            (*data)[c->served[i].len] = '\0';
            *len = c->served[i].len;
            return true;
        }
    if (c->served && !c->base_dir)
        return cbec__compile_error(c, at, "\"%s\" was not read when the pack loaded", rel);
    if (!c->base_dir)
        return cbec__compile_error(c, at, "a pack loaded from memory without a base directory cannot refer to \"%s\"", rel);
    if (!safe_relpath(rel))
        return cbec__compile_error(c, at, "\"%s\" must be a relative path inside the pack's directory (letters, digits, . _ - / + @; no \"..\")", rel);
    cbec_inside why;
    cbec_error *e = NULL;
    int st = cbec__read_inside(c->base_dir, rel, 64u << 20, data, len, &why, &e);
    if (st) {
        if (st == CBEC_ENOMEM)
            cbec__compile_oom(c);
        else if (why == CBEC_INSIDE_OUTSIDE)
            cbec__compile_error(c, at, "\"%s\" leads outside the pack's directory", rel);
        else if (why == CBEC_INSIDE_MISSING)
            cbec__compile_error(c, at, "cannot open \"%s\" (looked for %s/%s)", rel, c->base_dir, rel);
        else
            cbec__compile_error(c, at, "%s", e ? cbec_error_message(e) : cbec_strerror(st));
        cbec_error_free(e);
        return false;
    }
    if (!cbec__compile_note_dep(c, c->base_dir, rel)) {
        free(*data);
        *data = NULL;
        return cbec__compile_oom(c);
    }
    if (c->opts->no_digest)
        return true;
    /* remembered by the pack's directory and the name in it: the bytes
     * are compared anyway */
    char hex[65], key[PATH_MAX + 1];
    snprintf(key, sizeof key, "%s/%s", c->base_dir, rel);
    cbec__sha256_file_hex(key, *data, *len, hex);
    char **files = realloc(c->files, (c->nfiles + 1) * sizeof *files);
    char *rec = malloc(strlen(rel) + 66);
    if (!files || !rec) {
        if (files)
            c->files = files;
        free(rec);
        free(*data);
        *data = NULL;
        return cbec__compile_oom(c);
    }
    c->files = files;
    sprintf(rec, "%s\n%s", rel, hex);
    c->files[c->nfiles++] = rec;
    return true;
}

static int str_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sha256 over the canonical pack document and every file it read. */
static bool pack_digest(cbec_compiler *c, const cbec_node *root)
{
    cbec_buf canon;
    cbec__buf_init(&canon);
    cbec__node_canonical(root, &canon);
    if (canon.oom) {
        cbec__buf_free(&canon);
        return cbec__compile_oom(c);
    }
    cbec_sha256 h;
    cbec__sha256_init(&h);
    cbec__sha256_update(&h, "cbecstd-pack-1\n", 15);
    cbec__sha256_update(&h, canon.data ? canon.data : "", canon.len);
    if (c->nfiles)
        qsort(c->files, c->nfiles, sizeof *c->files, str_order);
    for (size_t i = 0; i < c->nfiles; i++) {
        cbec__sha256_update(&h, "\n", 1);
        cbec__sha256_update(&h, c->files[i], strlen(c->files[i]));
    }
    char hex[65];
    cbec__sha256_hex(&h, hex);
    snprintf(c->pack->digest, sizeof c->pack->digest, "sha256:%s", hex);
    cbec__buf_free(&canon);
    return true;
}

/* ---- metadata ---- */

static bool is_semver(const char *s, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 3; part++) {
        size_t start = i;
        while (i < n && cbec__is_digit(s[i]))
            i++;
        if (i == start || (s[start] == '0' && i - start > 1))
            return false;
        if (part < 2) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
    }
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        for (i++; i < n; i++)
            if (!cbec__is_alnum(s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '+')
                return false;
    }
    return i == n;
}

bool cbec__compile_i18n(cbec_compiler *c, const cbec_node *n, cbec_i18n *out, bool need_zh_en,
                        bool templates)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "expected an object keyed by language tag");
    out->lang = cbec__calloc(n->count, sizeof *out->lang);
    out->text = cbec__calloc(n->count, sizeof *out->text);
    if (!out->lang || !out->text)
        return cbec__compile_oom(c);
    bool zh = false, en = false;
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *v = &n->children[i];
        if (v->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, v, "expected a string");
        if (v->keylen == 0 || v->keylen > 35)
            return cbec__compile_error(c, v, "invalid language tag");
        for (uint32_t k = 0; k < v->keylen; k++)
            if (!cbec__is_alnum(v->key[k]) && v->key[k] != '-')
                return cbec__compile_error(c, v, "invalid language tag '%.*s'", (int)v->keylen, v->key);
        if (templates) {
            const char *bad;
            char *t = cbec__compile_strdup(c, v);
            if (!t)
                return false;
            bool ok = cbec__template_check(t, &bad);
            if (!ok) {
                cbec__compile_error(c, v, "bad placeholder at \"%.20s\" (known: {value} {expected} {path} {reason} {rule})", bad);
                free(t);
                return false;
            }
            free(t);
        }
        out->lang[out->count] = cbec__strndup(v->key, v->keylen);
        out->text[out->count] = cbec__strndup(v->text, v->len);
        if (!out->lang[out->count] || !out->text[out->count])
            return cbec__compile_oom(c);
        out->count++;
        zh |= cbec__streq(v->key, v->keylen, "zh-CN");
        en |= cbec__streq(v->key, v->keylen, "en");
    }
    if (need_zh_en && (!zh || !en))
        return cbec__compile_error(c, n, "must have texts in both \"zh-CN\" and \"en\"");
    return true;
}

bool cbec__compile_keys(cbec_compiler *c, const cbec_node *obj, const char *const *allowed,
                        size_t nallowed, const char *what)
{
    for (uint32_t i = 0; i < obj->count; i++) {
        const cbec_node *m = &obj->children[i];
        bool ok = false;
        for (size_t k = 0; k < nallowed && !ok; k++)
            ok = cbec__streq(m->key, m->keylen, allowed[k]);
        if (!ok)
            return cbec__compile_error(c, m, "unknown key \"%.*s\" in %s", (int)m->keylen, m->key, what);
    }
    return true;
}

static bool meta_string(cbec_compiler *c, const cbec_node *root, const char *key, bool required,
                        char **out)
{
    const cbec_node *n = cbec__node_member(root, key, strlen(key));
    if (!n) {
        if (required)
            return cbec__compile_error(c, root, "missing required key \"%s\"", key);
        *out = cbec__strdup("");
        return *out ? true : cbec__compile_oom(c);
    }
    if (n->kind != CBEC_NODE_STRING || (required && n->len == 0))
        return cbec__compile_error(c, n, "\"%s\" must be a non-empty string", key);
    *out = cbec__compile_strdup(c, n);
    return *out != NULL;
}

static bool compile_extends(cbec_compiler *c, const cbec_node *n)
{
    cbec_pack *p = c->pack;
    if (n->kind != CBEC_NODE_ARRAY)
        return cbec__compile_error(c, n, "\"extends\" must be an array of {\"id\", \"version\"}");
    p->extends = cbec__calloc(n->count, sizeof *p->extends);
    if (!p->extends)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        static const char *const keys[] = {"id", "version"};
        if (e->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, e, "a base must be {\"id\", \"version\"}");
        if (!cbec__compile_keys(c, e, keys, 2, "a base"))
            return false;
        cbec_extends *x = &p->extends[p->nextends++];
        if (!meta_string(c, e, "id", true, &x->id) || !meta_string(c, e, "version", true, &x->range))
            return false;
        if (!cbec__semver_range_valid(x->range))
            return cbec__compile_error(c, cbec__node_member(e, "version", 7),
                                       "bad version range \"%s\" (use ^1, ~1.2, 1.2.3, >=1.0.0 <2.0.0 or *)", x->range);
        if (strcmp(x->id, p->id) == 0)
            return cbec__compile_error(c, e, "a pack cannot extend itself");
    }
    return true;
}

static bool compile_waivers(cbec_compiler *c, const cbec_node *n)
{
    cbec_pack *p = c->pack;
    if (n->kind != CBEC_NODE_ARRAY)
        return cbec__compile_error(c, n, "\"waivers\" must be an array");
    p->waivers = cbec__calloc(n->count, sizeof *p->waivers);
    if (!p->waivers)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *w = &n->children[i];
        static const char *const keys[] = {"rule", "reason", "expires", "ref"};
        if (w->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, w, "a waiver must be an object with rule, reason and expires");
        if (!cbec__compile_keys(c, w, keys, CBEC_ARRAY_LEN(keys), "a waiver"))
            return false;
        cbec_waiver *x = &p->waivers[p->nwaivers++];
        x->pack = p;
        if (!meta_string(c, w, "rule", true, &x->rule) || !meta_string(c, w, "reason", true, &x->reason) ||
            !meta_string(c, w, "expires", true, &x->expires) || !meta_string(c, w, "ref", false, &x->ref))
            return false;
        if (!cbec__is_date(x->expires, strlen(x->expires)))
            return cbec__compile_error(c, cbec__node_member(w, "expires", 7), "\"expires\" must be a date YYYY-MM-DD");
        for (size_t k = 0; k + 1 < p->nwaivers; k++)
            if (strcmp(p->waivers[k].rule, x->rule) == 0)
                return cbec__compile_error(c, w, "rule %s is waived twice", x->rule);
    }
    return true;
}

static bool compile_pack(cbec_compiler *c, const cbec_node *root)
{
    cbec_pack *p = c->pack;
    static const char *const keys[] = {"$schema", "cbecstd_pack", "id", "version", "status",
                                       "effective", "module", "title", "description", "refs",
                                       "extends", "waivers", "codelists", "statemachines", "messages"};
    if (root->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, root, "a pack must be a JSON object");
    if (!cbec__compile_keys(c, root, keys, CBEC_ARRAY_LEN(keys), "a pack"))
        return false;
    const cbec_node *fmt = cbec__node_member(root, "cbecstd_pack", 12);
    if (!fmt)
        return cbec__compile_error(c, root, "missing \"cbecstd_pack\": 1 (the pack format version)");
    if (fmt->kind != CBEC_NODE_NUMBER || !cbec__streq(fmt->text, fmt->len, "1")) {
        cbec__compile_error(c, fmt, "unsupported pack format %.*s (this library reads format 1)",
                            (int)fmt->len, fmt->text);
        c->status = CBEC_EVERSION;
        if (c->err && *c->err)
            (*c->err)->status = CBEC_EVERSION;
        return false;
    }
    if (!meta_string(c, root, "id", true, &p->id) || !meta_string(c, root, "version", true, &p->version) ||
        !meta_string(c, root, "status", true, &p->status) ||
        !meta_string(c, root, "module", true, &p->module))
        return false;
    const cbec_node *n = cbec__node_member(root, "id", 2);
    for (const char *s = p->id; *s; s++)
        if (!cbec__is_alnum(*s) && !strchr("-_./:", *s))
            return cbec__compile_error(c, n, "pack id \"%s\" may hold only letters, digits and - _ . / :", p->id);
    if (!is_semver(p->version, strlen(p->version)))
        return cbec__compile_error(c, cbec__node_member(root, "version", 7),
                                   "version \"%s\" is not a semantic version (MAJOR.MINOR.PATCH)", p->version);
    if (strcmp(p->status, "draft") && strcmp(p->status, "active") && strcmp(p->status, "withdrawn"))
        return cbec__compile_error(c, cbec__node_member(root, "status", 6),
                                   "status must be \"draft\", \"active\" or \"withdrawn\"");
    static const char *const modules[] = {"compliance", "payment", "logistics", "data",
                                          "customer-service", "base"};
    bool known = false;
    for (size_t i = 0; i < CBEC_ARRAY_LEN(modules); i++)
        known |= strcmp(p->module, modules[i]) == 0;
    if (!known)
        return cbec__compile_error(c, cbec__node_member(root, "module", 6),
                                   "module must be one of compliance, payment, logistics, data, customer-service, base");
    p->label = malloc(strlen(p->id) + strlen(p->version) + 2);
    if (!p->label)
        return cbec__compile_oom(c);
    sprintf(p->label, "%s@%s", p->id, p->version);

    p->eff_from = cbec__strdup("");
    p->eff_to = cbec__strdup("");
    if (!p->eff_from || !p->eff_to)
        return cbec__compile_oom(c);
    if ((n = cbec__node_member(root, "effective", 9))) {
        static const char *const ekeys[] = {"from", "to"};
        if (n->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, n, "\"effective\" must be an object with \"from\" and \"to\" dates");
        if (!cbec__compile_keys(c, n, ekeys, 2, "\"effective\""))
            return false;
        for (uint32_t i = 0; i < n->count; i++) {
            const cbec_node *d = &n->children[i];
            if (d->kind == CBEC_NODE_NULL)
                continue;
            if (d->kind != CBEC_NODE_STRING || !cbec__is_date(d->text, d->len))
                return cbec__compile_error(c, d, "expected a date YYYY-MM-DD or null");
            char **slot = d->key[0] == 'f' ? &p->eff_from : &p->eff_to;
            free(*slot);
            if (!(*slot = cbec__compile_strdup(c, d)))
                return false;
        }
        if (*p->eff_from && *p->eff_to && strcmp(p->eff_from, p->eff_to) > 0)
            return cbec__compile_error(c, n, "effective \"to\" is before \"from\"");
    }
    if (!(n = cbec__node_member(root, "title", 5)))
        return cbec__compile_error(c, root, "missing required key \"title\" (zh-CN and en)");
    if (!cbec__compile_i18n(c, n, &p->title, true, false))
        return false;
    if ((n = cbec__node_member(root, "refs", 4))) {
        if (n->kind != CBEC_NODE_ARRAY)
            return cbec__compile_error(c, n, "\"refs\" must be an array");
        p->std_refs = cbec__calloc(n->count, sizeof *p->std_refs);
        if (!p->std_refs)
            return cbec__compile_oom(c);
        for (uint32_t i = 0; i < n->count; i++) {
            const cbec_node *r = &n->children[i];
            static const char *const rkeys[] = {"id", "title", "clause", "url", "note"};
            if (r->kind != CBEC_NODE_OBJECT)
                return cbec__compile_error(c, r, "a ref must be an object with \"id\"");
            if (!cbec__compile_keys(c, r, rkeys, CBEC_ARRAY_LEN(rkeys), "a ref"))
                return false;
            /* counted first: what a failing member leaves is freed with the pack */
            p->nrefs++;
            if (!meta_string(c, r, "id", true, &p->std_refs[i].id) ||
                !meta_string(c, r, "title", false, &p->std_refs[i].title))
                return false;
        }
    }
    if ((n = cbec__node_member(root, "extends", 7)) && !compile_extends(c, n))
        return false;
    if ((n = cbec__node_member(root, "waivers", 7)) && !compile_waivers(c, n))
        return false;
    if ((n = cbec__node_member(root, "codelists", 9)) && !cbec__compile_codelists(c, n))
        return false;
    if ((n = cbec__node_member(root, "statemachines", 13)) && !cbec__compile_statemachines(c, n))
        return false;
    if (!(n = cbec__node_member(root, "messages", 8)))
        return cbec__compile_error(c, root, "missing required key \"messages\"");
    return cbec__compile_messages(c, n);
}

static void pack_destroy(cbec_pack *p)
{
    free(p->id);
    free(p->version);
    free(p->status);
    free(p->module);
    free(p->eff_from);
    free(p->eff_to);
    free(p->file);
    free(p->label);
    cbec__i18n_free(&p->title);
    for (size_t i = 0; i < p->nrefs; i++) {
        free(p->std_refs[i].id);
        free(p->std_refs[i].title);
    }
    free(p->std_refs);
    for (size_t i = 0; i < p->codelists.cap; i++)
        if (p->codelists.slots[i].key)
            cbec__codelist_free(p->codelists.slots[i].value);
    cbec__strmap_free(&p->codelists);
    cbec__statemachines_free(&p->statemachines);
    for (size_t i = 0; i < p->ntypes; i++)
        cbec__msgtype_free(p->types[i]);
    free(p->types);
    for (size_t i = 0; i < p->nextends; i++) {
        free(p->extends[i].id);
        free(p->extends[i].range);
    }
    free(p->extends);
    for (size_t i = 0; i < p->nwaivers; i++) {
        free(p->waivers[i].rule);
        free(p->waivers[i].reason);
        free(p->waivers[i].expires);
        free(p->waivers[i].ref);
    }
    free(p->waivers);
    for (size_t i = 0; i < p->ndeps; i++)
        free(p->deps[i]);
    free(p->deps);
    cbec_options_free(p->head_opts);
    cbec_pack_free(atomic_load(&p->whole));
    cbec_pack_free(p->head);
    free(p->whole_error);
    free(p);
}

/* A digest pinned for this id@version must match. */
static int check_pin(const cbec_pack *p, const cbec_options *opts, cbec_error **err)
{
    if (!opts)
        return CBEC_OK;
    for (size_t i = 0; i < opts->npins; i++) {
        if (strcmp(opts->pins[i].label, p->label) != 0)
            continue;
        const char *want = opts->pins[i].digest;
        const char *have = p->digest + 7; /* past "sha256:" */
        if (strncmp(want, "sha256:", 7) == 0)
            want += 7;
        if (strcmp(want, have) != 0)
            return cbec__error_set(err, CBEC_EDIGEST, p->file, NULL, 0, 0,
                                   "%s: digest of pack %s is sha256:%s, but sha256:%s is pinned", p->file,
                                   p->label, have, want);
    }
    return CBEC_OK;
}

CBEC_API int cbec_pack_load_buffer(cbec_pack **out, const char *data, size_t len, const char *name,
                                   const char *base_dir, const cbec_options *opts, cbec_error **err)
{
    if (!out || (!data && len))
        return CBEC_EINVAL;
    *out = NULL;
    if (!name)
        name = "<buffer>";
    if (len > PACK_MAX_BYTES)
        return cbec__error_set(err, CBEC_ELIMIT, name, NULL, 0, 0,
                               "%s: pack larger than %u bytes", name, PACK_MAX_BYTES);
    cbec_pack *p = cbec__calloc(1, sizeof *p);
    if (!p)
        return CBEC_ENOMEM;
    atomic_init(&p->refs, 1);
    cbec__strmap_init(&p->codelists);
    p->file = cbec__strdup(name);
    cbec_json_reader *rd = cbec__json_reader_new(PACK_MAX_DEPTH);
    if (!p->file || !rd) {
        cbec__json_reader_free(rd);
        pack_destroy(p);
        return CBEC_ENOMEM;
    }
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_error re;
    bool oom;
    cbec_read_limits lim = {PACK_MAX_BYTES, PACK_MAX_DEPTH, 0};
    int status = CBEC_OK;
    if (!cbec__json_read_message(rd, data ? data : "", len, &lim, &arena, &doc, &re, &oom)) {
        if (oom) {
            status = CBEC_ENOMEM;
        } else {
            unsigned long line = 0, col = 0;
            if (re.has_offset)
                cbec__text_position(data, len, re.offset, &line, &col);
            status = cbec__error_set(err, CBEC_EPACK, name, NULL, line, col, "%s:%lu:%lu: %s", name,
                                     line, col, re.message_en);
        }
    } else {
        cbec__json_message_positions(&doc);
        cbec_options defaults = {0};
        cbec_compiler c = {p, &doc, name, base_dir, opts ? opts : &defaults, err, CBEC_OK, {0}};
        cbec__buf_init(&c.where);
        if (!compile_pack(&c, doc.root) || (!c.opts->no_digest && !pack_digest(&c, doc.root)))
            status = c.status ? c.status : CBEC_EPACK;
        else
            status = check_pin(p, opts, err);
        for (size_t i = 0; i < c.nfiles; i++)
            free(c.files[i]);
        free(c.files);
        if (!status) {
            p->deps = c.deps;
            p->ndeps = c.ndeps;
        } else {
            for (size_t i = 0; i < c.ndeps; i++)
                free(c.deps[i]);
            free(c.deps);
        }
        cbec__buf_free(&c.where);
        cbec__json_release(rd, &doc);
    }
    cbec__arena_free(&arena);
    cbec__json_reader_free(rd);
    if (status) {
        pack_destroy(p);
        return status;
    }
    *out = p;
    return CBEC_OK;
}

char *cbec__dir_of(const char *path)
{
    char *dir = cbec__strdup(path);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        strcpy(dir, ".");
    return dir;
}

CBEC_API int cbec_pack_load_file(cbec_pack **out, const char *path, const cbec_options *opts,
                                 cbec_error **err)
{
    if (!out || !path)
        return CBEC_EINVAL;
    *out = NULL;
    char *data;
    size_t len;
    int st = cbec__read_file(path, PACK_MAX_BYTES, &data, &len, err);
    if (st)
        return st;
    char *dir = cbec__dir_of(path);
    if (!dir) {
        free(data);
        return CBEC_ENOMEM;
    }
    st = cbec_pack_load_buffer(out, data, len, path, dir, opts, err);
    free(dir);
    free(data);
    return st;
}

CBEC_API cbec_pack *cbec_pack_ref(cbec_pack *p)
{
    if (p)
        atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

CBEC_API void cbec_pack_free(cbec_pack *p)
{
    if (p && atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
        pack_destroy(p);
}

CBEC_API const char *cbec_pack_id(const cbec_pack *p) { return p ? p->id : ""; }
CBEC_API const char *cbec_pack_version(const cbec_pack *p) { return p ? p->version : ""; }
CBEC_API const char *cbec_pack_status(const cbec_pack *p) { return p ? p->status : ""; }
CBEC_API const char *cbec_pack_module(const cbec_pack *p) { return p ? p->module : ""; }
CBEC_API const char *cbec_pack_effective_from(const cbec_pack *p) { return p ? p->eff_from : ""; }
CBEC_API const char *cbec_pack_effective_to(const cbec_pack *p) { return p ? p->eff_to : ""; }
CBEC_API const char *cbec_pack_file(const cbec_pack *p) { return p ? p->file : ""; }
CBEC_API const char *cbec_pack_digest(const cbec_pack *p) { return p ? cbec__pack_digest(p) : ""; }

CBEC_API const char *cbec_pack_title(const cbec_pack *p, const char *lang)
{
    const char *t = p ? cbec__i18n_get(&p->title, lang) : NULL;
    return t ? t : "";
}

CBEC_API size_t cbec_pack_ref_count(const cbec_pack *p) { return p ? p->nrefs : 0; }

CBEC_API const char *cbec_pack_ref_id(const cbec_pack *p, size_t i)
{
    return p && i < p->nrefs ? p->std_refs[i].id : NULL;
}

CBEC_API size_t cbec_pack_message_type_count(const cbec_pack *p) { return p ? p->ntypes : 0; }

CBEC_API const char *cbec_pack_message_type(const cbec_pack *p, size_t i)
{
    return p && i < p->ntypes ? p->types[i]->name : NULL;
}

CBEC_API size_t cbec_pack_rule_count(const cbec_pack *p, const char *message_type)
{
    if (!p)
        return 0;
    if (!message_type)
        return p->nrules;
    for (size_t i = 0; i < p->ntypes; i++)
        if (strcmp(p->types[i]->name, message_type) == 0)
            return p->types[i]->nrules;
    return 0;
}

static const cbec_rule *rule_at(const cbec_pack *p, const char *message_type, size_t i)
{
    if (!p || !message_type)
        return NULL;
    for (size_t t = 0; t < p->ntypes; t++)
        if (strcmp(p->types[t]->name, message_type) == 0)
            return i < p->types[t]->nrules ? p->types[t]->rules[i] : NULL;
    return NULL;
}

CBEC_API const char *cbec_pack_rule_id(const cbec_pack *p, const char *message_type, size_t i)
{
    const cbec_rule *r = rule_at(p, message_type, i);
    return r ? r->id : NULL;
}

CBEC_API const char *cbec_pack_rule_definition(const cbec_pack *p, const char *message_type, size_t i)
{
    const cbec_rule *r = rule_at(p, message_type, i);
    return r ? r->canon : NULL;
}

CBEC_API size_t cbec_pack_base_count(const cbec_pack *p) { return p ? p->nextends : 0; }

CBEC_API const char *cbec_pack_base_id(const cbec_pack *p, size_t i)
{
    return p && i < p->nextends ? p->extends[i].id : NULL;
}

CBEC_API const char *cbec_pack_base_range(const cbec_pack *p, size_t i)
{
    return p && i < p->nextends ? p->extends[i].range : NULL;
}

/* ---- options ---- */

CBEC_API int cbec_options_new(cbec_options **out)
{
    if (!out)
        return CBEC_EINVAL;
    *out = cbec__calloc(1, sizeof **out);
    return *out ? CBEC_OK : CBEC_ENOMEM;
}

/* Replace a copied string setting; value NULL restores the default. */
static int set_path(char **slot, const char *value)
{
    char *v = value ? cbec__strdup(value) : NULL;
    if (value && !v)
        return CBEC_ENOMEM;
    free(*slot);
    *slot = v;
    return CBEC_OK;
}

CBEC_API int cbec_options_set_string(cbec_options *o, int key, const char *value)
{
    if (!o)
        return CBEC_EINVAL;
    switch ((cbec_option)key) {
    case CBEC_OPT_ISO_CODES_DIR:
        return set_path(&o->iso_codes_dir, value);
    case CBEC_OPT_CACHE_DIR:
        return set_path(&o->cache_dir, value && *value ? value : NULL);
    case CBEC_OPT_ALLOW_INACTIVE:
        o->allow_inactive = value && strcmp(value, "1") == 0;
        return CBEC_OK;
    case CBEC_OPT_SCHEMA_DRAFT:
        /* the dialect of JSON Schemas that name none ($schema) */
        if (!value || strcmp(value, "2020-12") == 0)
            o->schema_draft = 2020;
        else if (strcmp(value, "7") == 0 || strcmp(value, "draft-07") == 0)
            o->schema_draft = 7;
        else
            return CBEC_EINVAL;
        return CBEC_OK;
    case CBEC_OPT_SCHEMA_FORMAT_ASSERT:
        o->schema_format_assert = value && strcmp(value, "1") == 0;
        return CBEC_OK;
    case CBEC_OPT_DEFER_COMPILE:
        o->defer_compile = value && strcmp(value, "1") == 0;
        return CBEC_OK;
    case CBEC_OPT_LAZY_LOAD:
        if (!value || strcmp(value, "0") == 0)
            o->lazy_load = CBEC_LAZY_OFF;
        else if (strcmp(value, "1") == 0)
            o->lazy_load = CBEC_LAZY_ON;
        else if (strcmp(value, "auto") == 0)
            o->lazy_load = CBEC_LAZY_AUTO;
        else
            return CBEC_EINVAL;
        return CBEC_OK;
    case CBEC_OPT_LOAD_THREADS:
        if (!value) {
            o->load_threads = 0;
            return CBEC_OK;
        }
        if (value[0] < '0' || value[0] > '8' || value[1])
            return CBEC_EINVAL;
        o->load_threads = (unsigned)(value[0] - '0');
        return CBEC_OK;
    }
    return CBEC_EINVAL;
}

CBEC_API int cbec_options_pin_digest(cbec_options *o, const char *pack_label, const char *digest)
{
    if (!o || !pack_label || !digest)
        return CBEC_EINVAL;
    const char *hex = strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest;
    if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64 || !strchr(pack_label, '@'))
        return CBEC_EINVAL;
    struct cbec_pin *pins = realloc(o->pins, (o->npins + 1) * sizeof *pins);
    if (!pins)
        return CBEC_ENOMEM;
    o->pins = pins;
    pins[o->npins].label = cbec__strdup(pack_label);
    pins[o->npins].digest = cbec__strdup(hex);
    if (!pins[o->npins].label || !pins[o->npins].digest) {
        free(pins[o->npins].label);
        free(pins[o->npins].digest);
        return CBEC_ENOMEM;
    }
    o->npins++;
    return CBEC_OK;
}

cbec_options *cbec__options_copy(const cbec_options *o)
{
    cbec_options *c = cbec__calloc(1, sizeof *c);
    if (!c || !o)
        return c;
    bool ok = true;
    c->allow_inactive = o->allow_inactive;
    c->schema_draft = o->schema_draft;
    c->schema_format_assert = o->schema_format_assert;
    c->defer_compile = o->defer_compile;
    c->load_threads = o->load_threads;
    c->lazy_load = o->lazy_load;
    ok &= set_path(&c->iso_codes_dir, o->iso_codes_dir) == CBEC_OK;
    ok &= set_path(&c->cache_dir, o->cache_dir) == CBEC_OK;
    for (size_t i = 0; ok && i < o->npins; i++)
        ok = cbec_options_pin_digest(c, o->pins[i].label, o->pins[i].digest) == CBEC_OK;
    for (size_t i = 0; ok && i < o->nresources; i++)
        ok = cbec_options_add_resource_dir(c, o->resource_prefixes[i], o->resource_dirs[i]) == CBEC_OK;
    if (!ok) {
        cbec_options_free(c);
        return NULL;
    }
    return c;
}

CBEC_API void cbec_options_free(cbec_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->npins; i++) {
        free(o->pins[i].label);
        free(o->pins[i].digest);
    }
    free(o->pins);
    free(o->iso_codes_dir);
    free(o->cache_dir);
    for (size_t i = 0; i < o->nresources; i++) {
        free(o->resource_prefixes[i]);
        free(o->resource_dirs[i]);
    }
    free(o->resource_prefixes);
    free(o->resource_dirs);
    free(o);
}
