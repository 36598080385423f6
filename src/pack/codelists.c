/* codelists.c - code lists: inline, imported from Debian iso-codes, or read
 * from a CSV or JSON file beside the pack; codes with labels, validity
 * dates and attributes; mappings of one list's codes onto another's. */
#include "pack/pack.h"
#include "pack/compile.h"
#include "pack/isocodes.h"
#include "core/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_NAME_MAX 64
#define ATTR_MAX 32          /* attributes per list */
#define FILE_MAX_DEPTH 16
#define LISTS_MAX 4096       /* code lists per pack */
#define CODES_MAX 1000000    /* codes in all the lists of a pack */

/* ---- the list itself ---- */

cbec_codelist *cbec__codelist_new(const char *name)
{
    cbec_codelist *l = cbec__calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->name = cbec__strdup(name);
    if (!l->name) {
        free(l);
        return NULL;
    }
    cbec__strmap_init(&l->codes);
    cbec__arena_init(&l->mem);
    return l;
}

/* A copy of n bytes of s in the list's arena, NUL-terminated (NULL when
 * out of memory).  A list holds thousands of short strings: one arena
 * instead of a malloc and a free each. */
static char *list_strndup(cbec_codelist *l, const char *s, size_t n)
{
    return cbec__arena_strndup(&l->mem, s, n);
}

cbec_code *cbec__codelist_entry(cbec_codelist *l, const char *code, size_t len)
{
    const cbec_strmap_entry *have = cbec__strmap_get(&l->codes, code, len);
    if (have)
        return have->value;
    /* grow geometrically (8, 16, 32, ...): lists of a million codes load in
     * linear time even where realloc always copies (sanitizers) */
    size_t n = l->count;
    if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
        size_t cap = n < 8 ? 8 : n * 2;
        char **owned = realloc(l->owned, cap * sizeof *owned);
        if (!owned)
            return NULL;
        l->owned = owned;
        cbec_code **entries = realloc(l->entries, cap * sizeof *entries);
        if (!entries)
            return NULL;
        l->entries = entries;
    }
    cbec_code *e = cbec__arena_calloc(&l->mem, 1, sizeof *e);
    char *copy = list_strndup(l, code, len);
    if (!e || !copy || !cbec__strmap_put(&l->codes, copy, len, e, NULL))
        return NULL;
    e->code = copy;
    e->len = len;
    l->owned[l->count] = copy;
    l->entries[l->count] = e;
    l->count++;
    return e;
}

bool cbec__codelist_add(cbec_codelist *l, const char *code, size_t len)
{
    return cbec__codelist_entry(l, code, len) != NULL;
}

bool cbec__codelist_has(const cbec_codelist *l, const char *code, size_t len)
{
    return cbec__strmap_get(&l->codes, code, len) != NULL;
}

const cbec_code *cbec__codelist_get(const cbec_codelist *l, const char *code, size_t len)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&l->codes, code, len);
    return e ? e->value : NULL;
}

int cbec__codelist_attr_find(const cbec_codelist *l, const char *name)
{
    for (size_t i = 0; i < l->nattrs; i++)
        if (strcmp(l->attr_names[i], name) == 0)
            return (int)i;
    return -1;
}

int cbec__codelist_attr_index(cbec_codelist *l, const char *name, bool add)
{
    int i = cbec__codelist_attr_find(l, name);
    if (i >= 0 || !add)
        return i;
    char **names = realloc(l->attr_names, (l->nattrs + 1) * sizeof *names);
    if (!names)
        return -1;
    l->attr_names = names;
    if (!(names[l->nattrs] = cbec__strdup(name)))
        return -1;
    /* codes made before this attribute existed get room for it */
    for (size_t k = 0; k < l->count; k++) {
        cbec_code *e = l->entries[k];
        if (!e->attrs)
            continue;
        char **a = realloc(e->attrs, (l->nattrs + 1) * sizeof *a);
        if (!a) {
            free(names[l->nattrs]);
            return -1;
        }
        a[l->nattrs] = NULL;
        e->attrs = a;
    }
    return (int)l->nattrs++;
}

bool cbec__code_set_attr(cbec_codelist *l, cbec_code *e, int idx, const char *v, size_t n)
{
    if (idx < 0 || (size_t)idx >= l->nattrs)
        return false;
    if (!e->attrs && !(e->attrs = cbec__calloc(l->nattrs, sizeof *e->attrs)))
        return false;
    char *copy = list_strndup(l, v, n);
    if (!copy)
        return false;
    e->attrs[idx] = copy;
    return true;
}

const char *cbec__code_attr(const cbec_codelist *l, const cbec_code *e, int idx)
{
    if (!e || !e->attrs || idx < 0 || (size_t)idx >= l->nattrs)
        return NULL;
    return e->attrs[idx];
}

int cbec__code_in_force(const cbec_code *e, const char *date)
{
    if (!date || !*date)
        return 0;
    if (e->valid_from[0] && strcmp(date, e->valid_from) < 0)
        return -1;
    if (e->valid_to[0] && strcmp(date, e->valid_to) > 0)
        return 1;
    return 0;
}

const cbec_codemap *cbec__codelist_map(const cbec_codelist *l, const char *target)
{
    for (size_t i = 0; i < l->nmaps; i++)
        if (strcmp(l->maps[i].target, target) == 0)
            return &l->maps[i];
    return NULL;
}

void cbec__codelist_free(cbec_codelist *l)
{
    if (!l)
        return;
    /* a shared import goes with its last holder */
    if (atomic_load(&l->shared) != 0 && atomic_fetch_sub(&l->shared, 1) != 1)
        return;
    if (l->lender) {
        cbec__codelist_free(l->lender);
        l->count = l->nattrs = 0;
        l->owned = l->attr_names = NULL;
        l->entries = NULL;
        cbec__strmap_init(&l->codes);
    }
    for (size_t i = 0; i < l->count; i++)
        free(l->entries[i]->attrs);
    cbec__arena_free(&l->mem);
    free(l->owned);
    free(l->entries);
    for (size_t i = 0; i < l->nattrs; i++)
        free(l->attr_names[i]);
    free(l->attr_names);
    for (size_t i = 0; i < l->nmaps; i++) {
        free(l->maps[i].target);
        free(l->maps[i].attr);
    }
    free(l->maps);
    cbec__strmap_free(&l->codes);
    free(l->name);
    free(l);
}

const cbec_codelist *cbec__pack_codelist(const struct cbec_pack *p, const char *name, size_t len)
{
    const cbec_strmap_entry *e = cbec__strmap_get(&p->codelists, name, len);
    return e ? e->value : NULL;
}

/* ---- compiling ---- */

/* Where the codes being read come from: the pack itself, or a file beside
 * it, whose positions are not the pack's. */
typedef struct source {
    const cbec_node *at;   /* the pack node naming the file */
    const char *file;      /* NULL: inline in the pack */
} source;

static bool src_error(cbec_compiler *c, const source *s, const cbec_node *n, const char *fmt, ...)
    CBEC_PRINTF(4, 5);

static bool src_error(cbec_compiler *c, const source *s, const cbec_node *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!s->file)
        return cbec__compile_error(c, n, "%s", msg);
    cbec_buf ptr;
    cbec__buf_init(&ptr);
    cbec__node_pointer(n, &ptr);
    bool r = cbec__compile_error(c, s->at, "%s:%lu:%lu: %s%s%s", s->file, (unsigned long)n->span.line,
                                 (unsigned long)n->span.column, cbec__buf_cstr(&ptr), ptr.len ? ": " : "", msg);
    cbec__buf_free(&ptr);
    return r;
}

static bool valid_list_name(const char *s, size_t n)
{
    if (!n || n > LIST_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* Attribute names: identifiers, so that packs can name them plainly. */
static bool valid_attr_name(const char *s, size_t n)
{
    if (!n || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

static bool set_date(cbec_compiler *c, const source *s, const cbec_node *d, char out[11])
{
    if (d->kind == CBEC_NODE_NULL)
        return true;
    if (d->kind != CBEC_NODE_STRING || !cbec__is_date(d->text, d->len))
        return src_error(c, s, d, "expected a date YYYY-MM-DD or null");
    memcpy(out, d->text, 10);
    out[10] = '\0';
    return true;
}

static bool set_attr(cbec_compiler *c, const source *s, cbec_codelist *l, cbec_code *e, const cbec_node *v,
                     const char *name)
{
    int idx = cbec__codelist_attr_find(l, name);
    if (idx < 0 && l->nattrs >= ATTR_MAX)
        return src_error(c, s, v, "a code list may have at most %d attributes", ATTR_MAX);
    if (idx < 0 && (idx = cbec__codelist_attr_index(l, name, true)) < 0)
        return cbec__compile_oom(c);
    return cbec__code_set_attr(l, e, idx, v->text, v->len) ? true : cbec__compile_oom(c);
}

static bool check_dates(cbec_compiler *c, const source *s, const cbec_node *n, cbec_codelist *l, cbec_code *e)
{
    if (e->valid_from[0] || e->valid_to[0])
        l->dated = true;
    if (e->valid_from[0] && e->valid_to[0] && strcmp(e->valid_from, e->valid_to) > 0)
        return src_error(c, s, n, "code \"%s\": validTo is before validFrom", e->code);
    return true;
}

/* One code written as a string or as {"code", "title", "validFrom",
 * "validTo", "attributes"}. */
static bool add_code_node(cbec_compiler *c, const source *s, cbec_codelist *l, const cbec_node *code)
{
    const cbec_node *v = code;
    if (code->kind == CBEC_NODE_OBJECT) {
        static const char *const ckeys[] = {"code", "title", "validFrom", "validTo", "attributes", "description"};
        for (uint32_t i = 0; i < code->count; i++) {
            const cbec_node *m = &code->children[i];
            bool ok = false;
            for (size_t k = 0; k < CBEC_ARRAY_LEN(ckeys) && !ok; k++)
                ok = cbec__streq(m->key, m->keylen, ckeys[k]);
            if (!ok)
                return src_error(c, s, m, "unknown key \"%.*s\" in a code (code, title, validFrom, validTo, attributes, description)",
                                 (int)m->keylen, m->key);
        }
        v = cbec__node_member(code, "code", 4);
        if (!v)
            return src_error(c, s, code, "a code object needs \"code\"");
    }
    if (v->kind != CBEC_NODE_STRING || v->len == 0 || v->len > 256)
        return src_error(c, s, v, "a code must be a non-empty string of at most 256 bytes");
    if (cbec__codelist_has(l, v->text, v->len))
        return src_error(c, s, v, "duplicate code \"%.*s\"", (int)v->len, v->text);
    cbec_code *e = cbec__codelist_entry(l, v->text, v->len);
    if (!e)
        return cbec__compile_oom(c);
    if (code->kind != CBEC_NODE_OBJECT)
        return true;
    const cbec_node *m;
    if ((m = cbec__node_member(code, "title", 5))) {
        if (m->kind != CBEC_NODE_OBJECT)
            return src_error(c, s, m, "\"title\" must be an object keyed by language tag");
        for (uint32_t i = 0; i < m->count; i++) {
            const cbec_node *t = &m->children[i];
            if (t->kind != CBEC_NODE_STRING)
                return src_error(c, s, t, "a title must be a string");
            char **slot = NULL;
            if (cbec__streq(t->key, t->keylen, "en"))
                slot = &e->label_en;
            else if (cbec__streq(t->key, t->keylen, "zh-CN") || cbec__streq(t->key, t->keylen, "zh"))
                slot = &e->label_zh;
            if (!slot)
                continue; /* other languages are documentation for now */
            if (!(*slot = list_strndup(l, t->text, t->len)))
                return cbec__compile_oom(c);
        }
    }
    if ((m = cbec__node_member(code, "validFrom", 9)) && !set_date(c, s, m, e->valid_from))
        return false;
    if ((m = cbec__node_member(code, "validTo", 7)) && !set_date(c, s, m, e->valid_to))
        return false;
    if ((m = cbec__node_member(code, "attributes", 10))) {
        if (m->kind != CBEC_NODE_OBJECT)
            return src_error(c, s, m, "\"attributes\" must be an object of strings");
        for (uint32_t i = 0; i < m->count; i++) {
            const cbec_node *a = &m->children[i];
            if (a->kind != CBEC_NODE_STRING)
                return src_error(c, s, a, "an attribute value must be a string");
            if (!valid_attr_name(a->key, a->keylen))
                return src_error(c, s, a, "attribute names are 1-64 characters of A-Z a-z 0-9 _ -");
            char name[65];
            memcpy(name, a->key, a->keylen);
            name[a->keylen] = '\0';
            if (!set_attr(c, s, l, e, a, name))
                return false;
        }
    }
    return check_dates(c, s, code, l, e);
}

static bool add_code_array(cbec_compiler *c, const source *s, cbec_codelist *l, const cbec_node *codes)
{
    if (codes->kind != CBEC_NODE_ARRAY)
        return src_error(c, s, codes, "\"codes\" must be an array");
    for (uint32_t k = 0; k < codes->count; k++)
        if (!add_code_node(c, s, l, &codes->children[k]))
            return false;
    return true;
}

/* ---- CSV files (RFC 4180: comma separated, "" quoting, CRLF or LF) ---- */

typedef struct csv {
    const char *p, *end;
    unsigned long line;
    cbec_buf field;
} csv;

/* Read one field into r->field; *eol is set at the end of a record, *eof
 * at the end of input.  false on a malformed quoted field. */
static bool csv_field(csv *r, bool *eol, bool *eof)
{
    cbec__buf_reset(&r->field);
    *eol = *eof = false;
    /* runs of plain bytes are added at once */
    if (r->p < r->end && *r->p == '"') {
        r->p++;
        for (;;) {
            const char *run = r->p;
            while (r->p < r->end && *r->p != '"') {
                if (*r->p == '\n')
                    r->line++;
                r->p++;
            }
            cbec__buf_add(&r->field, run, (size_t)(r->p - run));
            if (r->p >= r->end)
                return false;
            if (r->p + 1 < r->end && r->p[1] == '"') {
                cbec__buf_addc(&r->field, '"');
                r->p += 2;
                continue;
            }
            r->p++;
            break;
        }
        if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
            return false;
    } else {
        const char *run = r->p;
        while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
            if (*r->p == '"')
                return false;
            r->p++;
        }
        cbec__buf_add(&r->field, run, (size_t)(r->p - run));
    }
    if (r->p >= r->end) {
        *eol = *eof = true;
        return true;
    }
    if (*r->p == ',') {
        r->p++;
        return true;
    }
    if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
        r->p++;
    r->p++;
    r->line++;
    *eol = true;
    *eof = r->p >= r->end;
    return true;
}

typedef enum { COL_CODE, COL_EN, COL_ZH, COL_FROM, COL_TO, COL_ATTR, COL_SKIP } col_kind;

static bool add_csv(cbec_compiler *c, const source *s, cbec_codelist *l, const char *data, size_t len)
{
    csv r = {data, data + len, 1, {0}};
    cbec__buf_init(&r.field);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    col_kind kinds[ATTR_MAX + 8];
    int attr_idx[ATTR_MAX + 8];
    size_t ncols = 0;
    bool eol = false, eof = false, ok = true, have_code = false;
    /* the header names the columns */
    while (ok && !eol) {
        if (!csv_field(&r, &eol, &eof)) {
            ok = cbec__compile_error(c, s->at, "%s:%lu: malformed quoted field in the header", s->file, r.line);
            break;
        }
        if (ncols == CBEC_ARRAY_LEN(kinds)) {
            ok = cbec__compile_error(c, s->at, "%s:1: too many columns (at most %zu)", s->file, CBEC_ARRAY_LEN(kinds));
            break;
        }
        const char *h = cbec__buf_cstr(&r.field);
        col_kind k = COL_ATTR;
        if (!strcmp(h, "code"))
            k = COL_CODE, have_code = true;
        else if (!strcmp(h, "en"))
            k = COL_EN;
        else if (!strcmp(h, "zh-CN") || !strcmp(h, "zh"))
            k = COL_ZH;
        else if (!strcmp(h, "validFrom"))
            k = COL_FROM;
        else if (!strcmp(h, "validTo"))
            k = COL_TO;
        else if (!strcmp(h, "description") || !*h)
            k = COL_SKIP;
        attr_idx[ncols] = -1;
        if (k == COL_ATTR) {
            if (!valid_attr_name(h, r.field.len)) {
                ok = cbec__compile_error(c, s->at, "%s:1: column \"%s\": attribute names are 1-64 characters of A-Z a-z 0-9 _ -",
                                         s->file, h);
                break;
            }
            if (cbec__codelist_attr_find(l, h) >= 0) {
                ok = cbec__compile_error(c, s->at, "%s:1: duplicate column \"%s\"", s->file, h);
                break;
            }
            if ((attr_idx[ncols] = cbec__codelist_attr_index(l, h, true)) < 0) {
                ok = cbec__compile_oom(c);
                break;
            }
        }
        kinds[ncols++] = k;
    }
    if (ok && !have_code)
        ok = cbec__compile_error(c, s->at, "%s:1: the header has no \"code\" column", s->file);
    while (ok && !eof) {
        unsigned long line = r.line;
        /* a blank line between records is skipped */
        if (r.p < r.end && (*r.p == '\n' || *r.p == '\r')) {
            csv_field(&r, &eol, &eof);
            continue;
        }
        cbec_code *e = NULL;
        char *vals[CBEC_ARRAY_LEN(kinds)] = {0};
        size_t col = 0;
        eol = false;
        while (ok && !eol) {
            if (!csv_field(&r, &eol, &eof)) {
                ok = cbec__compile_error(c, s->at, "%s:%lu: malformed quoted field", s->file, line);
                break;
            }
            if (col >= ncols) {
                ok = cbec__compile_error(c, s->at, "%s:%lu: more fields than the header has columns", s->file, line);
                break;
            }
            if (r.field.oom || !(vals[col] = list_strndup(l, cbec__buf_cstr(&r.field), r.field.len)))
                ok = cbec__compile_oom(c);
            col++;
        }
        if (ok && col != ncols)
            ok = cbec__compile_error(c, s->at, "%s:%lu: %zu fields, the header has %zu", s->file, line, col, ncols);
        for (size_t i = 0; ok && i < ncols; i++) {
            if (kinds[i] != COL_CODE)
                continue;
            size_t n = strlen(vals[i]);
            if (!n || n > 256)
                ok = cbec__compile_error(c, s->at, "%s:%lu: a code must be 1-256 bytes", s->file, line);
            else if (cbec__codelist_has(l, vals[i], n))
                ok = cbec__compile_error(c, s->at, "%s:%lu: duplicate code \"%s\"", s->file, line, vals[i]);
            else if (!(e = cbec__codelist_entry(l, vals[i], n)))
                ok = cbec__compile_oom(c);
        }
        for (size_t i = 0; ok && i < ncols; i++) {
            char *v = vals[i];
            size_t n = strlen(v);
            switch (kinds[i]) {
            case COL_EN:
            case COL_ZH:
                if (n)
                    *(kinds[i] == COL_EN ? &e->label_en : &e->label_zh) = v;
                break;
            case COL_FROM:
            case COL_TO:
                if (n && !cbec__is_date(v, n))
                    ok = cbec__compile_error(c, s->at, "%s:%lu: \"%s\" is not a date YYYY-MM-DD", s->file, line, v);
                else if (n)
                    memcpy(kinds[i] == COL_FROM ? e->valid_from : e->valid_to, v, 11);
                break;
            case COL_ATTR:
                if (n && !cbec__code_set_attr(l, e, attr_idx[i], v, n))
                    ok = cbec__compile_oom(c);
                break;
            case COL_CODE:
            case COL_SKIP:
                break;
            }
        }
        if (ok && e) {
            if (e->valid_from[0] || e->valid_to[0])
                l->dated = true;
            if (e->valid_from[0] && e->valid_to[0] && strcmp(e->valid_from, e->valid_to) > 0)
                ok = cbec__compile_error(c, s->at, "%s:%lu: validTo is before validFrom", s->file, line);
        }
    }
    cbec__buf_free(&r.field);
    return ok;
}

/* ---- JSON files: an array of codes, or {"codes": [...]} ---- */

static bool add_json_file(cbec_compiler *c, const source *s, cbec_codelist *l, const char *data, size_t len)
{
    cbec_json_reader *rd = cbec__json_reader_new(FILE_MAX_DEPTH);
    if (!rd)
        return cbec__compile_oom(c);
    cbec_arena arena;
    cbec__arena_init(&arena);
    cbec_doc doc;
    cbec_read_error re;
    bool oom = false, ok;
    cbec_read_limits lim = {len + 1, FILE_MAX_DEPTH, 0};
    if (!cbec__json_read_message(rd, data, len, &lim, &arena, &doc, &re, &oom)) {
        unsigned long line = 0, col = 0;
        if (re.has_offset)
            cbec__text_position(data, len, re.offset, &line, &col);
        ok = oom ? cbec__compile_oom(c)
                 : cbec__compile_error(c, s->at, "%s:%lu:%lu: %s", s->file, line, col, re.message_en);
    } else {
        cbec__json_message_positions(&doc);
        const cbec_node *codes = doc.root, *bad = NULL;
        if (codes->kind == CBEC_NODE_OBJECT) {
            for (uint32_t i = 0; i < codes->count; i++) {
                const cbec_node *m = &codes->children[i];
                if (!cbec__streq(m->key, m->keylen, "codes") && !cbec__streq(m->key, m->keylen, "title") &&
                    !cbec__streq(m->key, m->keylen, "description") && !cbec__streq(m->key, m->keylen, "source") &&
                    !cbec__streq(m->key, m->keylen, "license")) {
                    bad = m;
                    break;
                }
            }
            codes = cbec__node_member(codes, "codes", 5);
        }
        if (bad)
            ok = src_error(c, s, bad, "unknown key \"%.*s\" (codes, title, description, source, license)",
                           (int)bad->keylen, bad->key);
        else if (!codes)
            ok = src_error(c, s, doc.root, "expected an array of codes or an object with \"codes\"");
        else
            ok = add_code_array(c, s, l, codes);
        cbec__json_release(rd, &doc);
    }
    cbec__arena_free(&arena);
    cbec__json_reader_free(rd);
    return ok;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool add_file(cbec_compiler *c, const cbec_node *at, cbec_codelist *l)
{
    if (at->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, at, "\"file\" must name a .csv or .json file beside the pack");
    char *rel = cbec__compile_strdup(c, at);
    if (!rel)
        return false;
    bool is_csv = ends_with(rel, ".csv"), is_json = ends_with(rel, ".json");
    if (!is_csv && !is_json) {
        free(rel);
        return cbec__compile_error(c, at, "a code list file must end in .csv or .json");
    }
    char *data;
    size_t len;
    bool ok = cbec__compile_read_file(c, at, rel, &data, &len);
    if (ok) {
        source s = {at, rel};
        ok = is_csv ? add_csv(c, &s, l, data, len) : add_json_file(c, &s, l, data, len);
        free(data);
    }
    free(rel);
    return ok;
}

/* ---- iso-codes imports ---- */

/* Standards by the names packs use, the iso-codes file that holds each,
 * and the field taken when the spec names none.  ISO 639-1 codes are the
 * alpha_2 field of the ISO 639-2 table. */
static const struct {
    const char *name, *file, *field;
} iso_standards[] = {
    {"3166-1", "3166-1", "alpha_2"}, {"3166-2", "3166-2", "code"},   {"3166-3", "3166-3", "alpha_4"},
    {"4217", "4217", "alpha_3"},     {"639-1", "639-2", "alpha_2"},  {"639-2", "639-2", "alpha_3"},
    {"639-3", "639-3", "alpha_3"},   {"639-5", "639-5", "alpha_3"},  {"15924", "15924", "alpha_4"},
};

#define ISO_PREFIX "iso-codes:"

static bool valid_field_name(const char *s)
{
    if (!*s || strlen(s) > 32)
        return false;
    for (; *s; s++)
        if (!cbec__is_lower(*s) && !cbec__is_digit(*s) && *s != '_')
            return false;
    return true;
}

/* Record the table (standard's file, whose SHA-256 is hex) in the pack
 * digest: its content decides the pack's behaviour as much as a file
 * beside the pack does. */
static bool digest_record(cbec_compiler *c, const char *standard, const char *hex)
{
    char path[1024];
    if (cbec__isocodes_path(cbec__isocodes_dir(c->opts), standard, path, sizeof path) &&
        !cbec__compile_note_dep(c, NULL, path))
        return cbec__compile_oom(c);
    if (c->opts->no_digest)
        return true;
    char rec[128];
    snprintf(rec, sizeof rec, ISO_PREFIX "iso_%s.json\n%s", standard, hex);
    for (size_t i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i], rec) == 0)
            return true;
    char **files = realloc(c->files, (c->nfiles + 1) * sizeof *files);
    if (!files)
        return cbec__compile_oom(c);
    c->files = files;
    if (!(c->files[c->nfiles] = cbec__strdup(rec)))
        return cbec__compile_oom(c);
    c->nfiles++;
    return true;
}

/* ---- imports shared between packs ----
 *
 * An import is read-only once made, and packs loaded together import the
 * same tables (every reference pack imports ISO 3166-1 and 4217): the
 * list made for one (table, spec) is shared, reference-counted through
 * its "shared" count, while the table keeps its bytes.  The cache holds
 * the most recently used lists, each with a reference of its own. */

#define SHARED_MAX 32

typedef struct shared_import {
    uint64_t table;      /* cbec_isocodes.id: the table's path and bytes; or (top bit set) the
                          * path and identity of a table whose list came from the cache */
    cbec_codelist *list; /* named by the spec */
    char hex[65];        /* the table's SHA-256 */
} shared_import;

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_import shared[SHARED_MAX]; /* most recently used first */
static size_t nshared;

/* The list of spec made from table, with a reference for the caller, and
 * the table's SHA-256 into hex. */
static cbec_codelist *shared_get(uint64_t table, const char *spec, char hex[65])
{
    cbec_codelist *l = NULL;
    pthread_mutex_lock(&shared_lock);
    for (size_t i = 0; i < nshared; i++)
        if (shared[i].table == table && strcmp(shared[i].list->name, spec) == 0) {
            shared_import hit = shared[i];
            memmove(&shared[1], &shared[0], i * sizeof *shared);
            shared[0] = hit;
            l = hit.list;
            memcpy(hex, hit.hex, 65);
            atomic_fetch_add(&l->shared, 1);
            break;
        }
    pthread_mutex_unlock(&shared_lock);
    return l;
}

/* Offer a list just made (held by the caller alone) for sharing. */
static void shared_put(uint64_t table, cbec_codelist *l, const char *hex)
{
    cbec_codelist *evicted = NULL;
    pthread_mutex_lock(&shared_lock);
    if (nshared == SHARED_MAX)
        evicted = shared[--nshared].list;
    memmove(&shared[1], &shared[0], nshared * sizeof *shared);
    atomic_store(&l->shared, 2); /* the caller's and the cache's */
    shared[0] = (shared_import){table, l, {0}};
    memcpy(shared[0].hex, hex, 65);
    nshared++;
    pthread_mutex_unlock(&shared_lock);
    cbec__codelist_free(evicted);
}

/* ---- imports kept between processes (CBEC_OPT_CACHE_DIR) ----
 *
 * An entry holds the table's SHA-256 (for the pack digest) and the list an
 * import spec made from it, found by the table file's path and identity
 * and the spec.  It is read back with every bound and rule the list's own
 * making would keep (codes present, unique and within 256 bytes, at most
 * ATTR_MAX valid attribute names), or not at all.  In a process, a list
 * read back is shared by packs like one made from the table. */

#define IMPORT_FORMAT 1
#define NO_TEXT 0xFFFFu

typedef struct import_key {
    char path[1024];   /* "" when there is no cache or the table has no identity */
    cbec_file_id id;
    uint64_t shared;   /* the list's key among the lists shared in this process */
} import_key;

static void put_text(cbec_buf *b, const char *s, size_t n)
{
    unsigned char len[2];
    cbec__le_store(len, s ? n : NO_TEXT, 2);
    cbec__buf_add(b, (const char *)len, 2);
    if (s)
        cbec__buf_add(b, s, n);
}

/* The next text of the entry at *p (before end): *s NULL when absent.
 * false when it does not fit, or is absent where it may not be. */
static bool get_text(const unsigned char **p, const unsigned char *end, bool may_lack, const char **s, size_t *n)
{
    if (end - *p < 2)
        return false;
    size_t len = (size_t)cbec__le_load(*p, 2);
    *p += 2;
    if (len == NO_TEXT) {
        *s = NULL;
        *n = 0;
        return may_lack;
    }
    if ((size_t)(end - *p) < len)
        return false;
    *s = (const char *)*p;
    *n = len;
    *p += len;
    return true;
}

static atomic_size_t import_builds;

size_t cbec__import_builds(void) { return atomic_load(&import_builds); }

void cbec__imports_forget(void)
{
    pthread_mutex_lock(&shared_lock);
    size_t n = nshared;
    cbec_codelist *gone[SHARED_MAX];
    for (size_t i = 0; i < n; i++)
        gone[i] = shared[i].list;
    nshared = 0;
    pthread_mutex_unlock(&shared_lock);
    for (size_t i = 0; i < n; i++)
        cbec__codelist_free(gone[i]);
}

static void import_store(cbec_compiler *c, const import_key *k, const char *spec, const char *hex,
                         const cbec_codelist *l)
{
    cbec_buf b;
    cbec__buf_init(&b);
    unsigned char n[8];
    cbec__buf_add(&b, hex, 64);
    cbec__le_store(n, l->count, 4);
    cbec__le_store(n + 4, l->nattrs, 4);
    cbec__buf_add(&b, (const char *)n, 8);
    for (size_t i = 0; i < l->nattrs; i++)
        put_text(&b, l->attr_names[i], strlen(l->attr_names[i]));
    for (size_t i = 0; i < l->count; i++) {
        const cbec_code *e = l->entries[i];
        put_text(&b, e->code, e->len);
        put_text(&b, e->label_en, e->label_en ? strlen(e->label_en) : 0);
        for (size_t a = 0; a < l->nattrs; a++) {
            const char *v = cbec__code_attr(l, e, (int)a);
            put_text(&b, v, v ? strlen(v) : 0);
        }
    }
    const char *path = k->path;
    if (!b.oom)
        cbec__cache_put_tagged(c->opts->cache_dir, "isoimport", IMPORT_FORMAT, spec, &path, &k->id, 1, b.data, b.len);
    cbec__buf_free(&b);
}

/* The list spec made from an entry; NULL when it is not one a build makes. */
static cbec_codelist *import_decode(const unsigned char *p, size_t len, const char *spec, char hex[65])
{
    const unsigned char *end = p + len;
    if (len < 72 || strspn((const char *)p, "0123456789abcdef") < 64)
        return NULL;
    memcpy(hex, p, 64);
    hex[64] = '\0';
    size_t count = (size_t)cbec__le_load(p + 64, 4), nattrs = (size_t)cbec__le_load(p + 68, 4);
    p += 72;
    if (!count || nattrs > ATTR_MAX || count > len)
        return NULL;
    cbec_codelist *l = cbec__codelist_new(spec);
    bool ok = l != NULL;
    int idx[ATTR_MAX];
    for (size_t a = 0; ok && a < nattrs; a++) {
        const char *s;
        size_t n;
        char name[65];
        ok = get_text(&p, end, false, &s, &n) && valid_attr_name(s, n) && n < sizeof name;
        if (ok) {
            memcpy(name, s, n);
            name[n] = '\0';
            ok = cbec__codelist_attr_find(l, name) < 0 && (idx[a] = cbec__codelist_attr_index(l, name, true)) >= 0;
        }
    }
    for (size_t i = 0; ok && i < count; i++) {
        const char *s;
        size_t n;
        ok = get_text(&p, end, false, &s, &n) && n && n <= 256 && !cbec__codelist_has(l, s, n);
        cbec_code *e = ok ? cbec__codelist_entry(l, s, n) : NULL;
        ok = e && get_text(&p, end, true, &s, &n);
        if (ok && s)
            ok = (e->label_en = list_strndup(l, s, n)) != NULL;
        for (size_t a = 0; ok && a < nattrs; a++)
            if ((ok = get_text(&p, end, true, &s, &n)) && s)
                ok = cbec__code_set_attr(l, e, idx[a], s, n);
    }
    if (!ok || p != end) {
        cbec__codelist_free(l);
        return NULL;
    }
    return l;
}

/* The list of spec from the cache, or from the lists this process shares:
 * *out and true.  Otherwise false, with k set for import_store (k->path
 * "" when nothing is to be stored). */
static bool import_cached(cbec_compiler *c, const char *file, const char *spec, import_key *k, cbec_codelist **out)
{
    memset(k, 0, sizeof *k);
    const char *cache = c->opts->cache_dir;
    if (!cache || !*cache || !cbec__isocodes_path(cbec__isocodes_dir(c->opts), file, k->path, sizeof k->path) ||
        !cbec__file_id(k->path, &k->id)) {
        k->path[0] = '\0';
        return false;
    }
    /* shared in this process by the table's identity (the top bit keeps
     * these keys apart from the ids of tables read) */
    unsigned char id[56];
    const uint64_t v[7] = {k->id.dev, k->id.ino, k->id.size, (uint64_t)k->id.mtime_sec, (uint64_t)k->id.mtime_nsec,
                           (uint64_t)k->id.ctime_sec, (uint64_t)k->id.ctime_nsec};
    for (int j = 0; j < 7; j++)
        cbec__le_store(id + 8 * j, v[j], 8);
    k->shared = (cbec__hash((const char *)id, sizeof id) ^ cbec__hash(k->path, strlen(k->path))) | (1ull << 63);
    char hex[65];
    void *data;
    size_t len;
    const char *path = k->path;
    cbec_codelist *l = shared_get(k->shared, spec, hex);
    if (!l && cbec__cache_get_tagged(cache, "isoimport", IMPORT_FORMAT, spec, &path, &k->id, 1, &data, &len)) {
        l = import_decode(data, len, spec, hex);
        free(data);
        if (l)
            shared_put(k->shared, l, hex);
    }
    if (!l)
        return false;
    if (!digest_record(c, file, hex)) {
        cbec__codelist_free(l);
        return false;
    }
    *out = l;
    return true;
}

/* Make *out from an import spec "iso-codes:STANDARD[/FIELD]": a new list,
 * or the one shared by packs that imported the same table before. */
static bool import_iso(cbec_compiler *c, const cbec_node *at, const char *spec, cbec_codelist **out)
{
    *out = NULL;
    if (strncmp(spec, ISO_PREFIX, strlen(ISO_PREFIX)) != 0)
        return cbec__compile_error(c, at, "unknown import \"%s\": imports are \"iso-codes:STANDARD[/FIELD]\"", spec);
    const char *std = spec + strlen(ISO_PREFIX);
    size_t sl = strcspn(std, "/");
    const char *field = std[sl] == '/' ? std + sl + 1 : NULL;
    size_t which = CBEC_ARRAY_LEN(iso_standards);
    for (size_t i = 0; i < CBEC_ARRAY_LEN(iso_standards); i++)
        if (strlen(iso_standards[i].name) == sl && strncmp(std, iso_standards[i].name, sl) == 0)
            which = i;
    if (which == CBEC_ARRAY_LEN(iso_standards))
        return cbec__compile_error(c, at, "unknown iso-codes standard in \"%s\" (3166-1 3166-2 3166-3 4217 639-1 639-2 639-3 639-5 15924)",
                                   spec);
    if (!field)
        field = iso_standards[which].field;
    if (!valid_field_name(field))
        return cbec__compile_error(c, at, "\"%s\": a field name is lower-case letters, digits and _", spec);
    /* from the cache between processes while the table keeps its identity
     * (taken before the table is read) */
    import_key cached;
    if (import_cached(c, iso_standards[which].file, spec, &cached, out))
        return true;
    cbec_isocodes t;
    char err[1200];
    int st = cbec__isocodes_open(&t, cbec__isocodes_dir(c->opts), iso_standards[which].file, err, sizeof err);
    if (st == CBEC_ENOMEM)
        return cbec__compile_oom(c);
    if (st) {
        cbec__compile_error(c, at, "cannot import %s: %s", spec, err);
        /* a missing table is an installation problem, not a bad pack */
        if (st == CBEC_EIO) {
            c->status = CBEC_EIO;
            if (c->err && *c->err)
                (*c->err)->status = CBEC_EIO;
        }
        return false;
    }
    /* the table's SHA-256: for the digest, and for an entry of the cache */
    char hex[65] = "";
    if (!c->opts->no_digest || cached.path[0])
        cbec__isocodes_digest(&t, hex);
    bool ok = digest_record(c, t.standard, hex);
    char shared_hex[65];
    cbec_codelist *l = ok ? shared_get(t.id, spec, shared_hex) : NULL;
    if (l) {
        if (cached.path[0] && shared_hex[0]) /* the cache had no entry: it gets one */
            import_store(c, &cached, spec, shared_hex, l);
        cbec__isocodes_close(&t);
        *out = l;
        return true;
    }
    if (ok && !(l = cbec__codelist_new(spec)))
        ok = cbec__compile_oom(c);
    if (ok)
        atomic_fetch_add(&import_builds, 1);
    for (size_t i = 0; ok && i < t.count; i++) {
        const cbec_isoentry *ent = &t.entries[i];
        const cbec_isofield *v = cbec__isocodes_field(ent, field);
        if (!v || !v->len)
            continue;
        if (cbec__codelist_has(l, v->text, v->len))
            continue; /* iso-codes repeats a few codes across entries; the first wins */
        cbec_code *e = cbec__codelist_entry(l, v->text, v->len);
        if (!e) {
            ok = cbec__compile_oom(c);
            break;
        }
        for (uint32_t k = 0; ok && k < ent->count; k++) {
            const cbec_isofield *f = &ent->fields[k];
            if (!f->text || cbec__streq(f->key, f->keylen, field))
                continue;
            if (cbec__streq(f->key, f->keylen, "name")) {
                if (!(e->label_en = list_strndup(l, f->text, f->len)))
                    ok = cbec__compile_oom(c);
                continue;
            }
            char name[65];
            if (!valid_attr_name(f->key, f->keylen))
                continue;
            memcpy(name, f->key, f->keylen);
            name[f->keylen] = '\0';
            int idx = cbec__codelist_attr_find(l, name);
            if (idx < 0 && l->nattrs < ATTR_MAX && (idx = cbec__codelist_attr_index(l, name, true)) < 0)
                ok = cbec__compile_oom(c);
            if (ok && idx >= 0 && !cbec__code_set_attr(l, e, idx, f->text, f->len))
                ok = cbec__compile_oom(c);
        }
    }
    if (ok && l->count == 0)
        ok = cbec__compile_error(c, at, "\"%s\": no entry of %s has the field \"%s\"", spec, t.path, field);
    if (ok) {
        if (cached.path[0])
            import_store(c, &cached, spec, hex, l);
        shared_put(t.id, l, hex);
    } else {
        cbec__codelist_free(l);
    }
    cbec__isocodes_close(&t);
    *out = ok ? l : NULL;
    return ok;
}

const cbec_codelist *cbec__compile_import(cbec_compiler *c, const cbec_node *at, const char *spec)
{
    const cbec_codelist *have = cbec__pack_codelist(c->pack, spec, strlen(spec));
    if (have)
        return have;
    cbec_codelist *l;
    if (!import_iso(c, at, spec, &l) || !cbec__strmap_put(&c->pack->codelists, l->name, strlen(l->name), l, NULL)) {
        if (!c->status)
            cbec__compile_oom(c);
        cbec__codelist_free(l);
        return NULL;
    }
    return l;
}

/* Copy every code of src, with labels, dates and attributes, into l. */
static bool copy_codes(cbec_compiler *c, const cbec_codelist *src, cbec_codelist *l)
{
    int map[ATTR_MAX];
    for (size_t a = 0; a < src->nattrs && a < ATTR_MAX; a++)
        if ((map[a] = cbec__codelist_attr_index(l, src->attr_names[a], true)) < 0)
            return cbec__compile_oom(c);
    for (size_t i = 0; i < src->count; i++) {
        const cbec_code *from = src->entries[i];
        cbec_code *e = cbec__codelist_entry(l, from->code, from->len);
        if (!e)
            return cbec__compile_oom(c);
        if ((from->label_en && !(e->label_en = list_strndup(l, from->label_en, strlen(from->label_en)))) ||
            (from->label_zh && !(e->label_zh = list_strndup(l, from->label_zh, strlen(from->label_zh)))))
            return cbec__compile_oom(c);
        memcpy(e->valid_from, from->valid_from, sizeof e->valid_from);
        memcpy(e->valid_to, from->valid_to, sizeof e->valid_to);
        for (size_t a = 0; a < src->nattrs && a < ATTR_MAX; a++) {
            const char *v = cbec__code_attr(src, from, (int)a);
            if (v && !cbec__code_set_attr(l, e, map[a], v, strlen(v)))
                return cbec__compile_oom(c);
        }
    }
    l->dated = src->dated;
    return true;
}

/* Show the codes of src, an import, in l without copying them: an import
 * is immutable, and l keeps it alive with a reference of its own.  Only a
 * list that changes nothing of them may (no "exclude"; "mapsTo" adds maps
 * of l's own). */
static void borrow_codes(const cbec_codelist *src, cbec_codelist *l)
{
    cbec_codelist *lender = (cbec_codelist *)src;
    atomic_fetch_add(&lender->shared, 1);
    l->lender = lender;
    l->codes = src->codes;
    l->owned = src->owned;
    l->count = src->count;
    l->entries = src->entries;
    l->attr_names = src->attr_names;
    l->nattrs = src->nattrs;
    l->dated = src->dated;
}

/* ---- mappings ---- */

static bool compile_maps(cbec_compiler *c, cbec_codelist *l, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_OBJECT || !n->count)
        return cbec__compile_error(c, n, "\"mapsTo\" must be an object: {\"<other list>\": \"<attribute holding its code>\"}");
    if (!(l->maps = cbec__calloc(n->count, sizeof *l->maps)))
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *m = &n->children[i];
        if (m->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, m, "the attribute of a mapping must be a string");
        cbec_codemap *map = &l->maps[l->nmaps++];
        if (!(map->target = cbec__strndup(m->key, m->keylen)) || !(map->attr = cbec__compile_strdup(c, m)))
            return cbec__compile_oom(c);
    }
    return true;
}

/* Every mapped value must be a code of the target list: a list that maps
 * onto nothing real would make every rule using it meaningless. */
static bool check_maps(cbec_compiler *c, const cbec_node *def, cbec_codelist *l)
{
    const cbec_node *maps = cbec__node_member(def, "mapsTo", 6);
    for (size_t i = 0; i < l->nmaps; i++) {
        const cbec_codemap *map = &l->maps[i];
        const cbec_node *at = maps ? &maps->children[i] : def;
        const cbec_codelist *target = strncmp(map->target, ISO_PREFIX, strlen(ISO_PREFIX)) == 0
                                          ? cbec__compile_import(c, at, map->target)
                                          : cbec__pack_codelist(c->pack, map->target, strlen(map->target));
        if (!target)
            return c->status ? false
                             : cbec__compile_error(c, at, "code list %s maps onto \"%s\", which this pack does not define",
                                                   l->name, map->target);
        if (target == l)
            return cbec__compile_error(c, at, "code list %s cannot map onto itself", l->name);
        int idx = cbec__codelist_attr_find(l, map->attr);
        if (idx < 0)
            return cbec__compile_error(c, at, "no code of list %s has the attribute \"%s\"", l->name, map->attr);
        for (size_t k = 0; k < l->count; k++) {
            const char *v = cbec__code_attr(l, l->entries[k], idx);
            if (v && !cbec__codelist_has(target, v, strlen(v)))
                return cbec__compile_error(c, at, "code \"%s\" of list %s maps to \"%s\", which is not a code of list %s",
                                           l->owned[k], l->name, v, target->name);
        }
    }
    return true;
}

/* ---- the "codelists" section ---- */

static bool compile_one(cbec_compiler *c, const cbec_node *def, cbec_codelist *l)
{
    static const char *const keys[] = {"codes", "import", "file", "exclude", "mapsTo", "title", "description", "source"};
    if (def->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, def, "a code list must be an object");
    if (!cbec__compile_keys(c, def, keys, CBEC_ARRAY_LEN(keys), "a code list"))
        return false;
    const cbec_node *codes = cbec__node_member(def, "codes", 5);
    const cbec_node *imp = cbec__node_member(def, "import", 6);
    const cbec_node *file = cbec__node_member(def, "file", 4);
    if ((codes != NULL) + (imp != NULL) + (file != NULL) != 1)
        return cbec__compile_error(c, def, "a code list needs exactly one of \"codes\" (inline), \"import\" (iso-codes) and \"file\" (CSV or JSON beside the pack)");
    source inline_src = {def, NULL};
    if (codes && !add_code_array(c, &inline_src, l, codes))
        return false;
    if (file && !add_file(c, file, l))
        return false;
    if (imp) {
        if (imp->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, imp, "\"import\" must be a string such as \"iso-codes:3166-1/alpha_2\"");
        /* the table is read once per pack and spec; each list gets a copy
         * it may then cut down with "exclude" */
        char *spec = cbec__compile_strdup(c, imp);
        const cbec_codelist *src = spec ? cbec__compile_import(c, imp, spec) : NULL;
        free(spec);
        if (!src)
            return false;
        if (cbec__node_member(def, "exclude", 7)) {
            if (!copy_codes(c, src, l))
                return false;
        } else {
            borrow_codes(src, l);
        }
    }
    const cbec_node *m;
    if ((m = cbec__node_member(def, "exclude", 7))) {
        if (m->kind != CBEC_NODE_ARRAY)
            return cbec__compile_error(c, m, "\"exclude\" must be an array of codes");
        /* removing means rebuilding: the map is immutable once built */
        cbec_strmap drop;
        cbec__strmap_init(&drop);
        bool ok = true;
        for (uint32_t i = 0; i < m->count && ok; i++) {
            const cbec_node *x = &m->children[i];
            if (x->kind != CBEC_NODE_STRING)
                ok = cbec__compile_error(c, x, "an excluded code must be a string");
            else if (!cbec__codelist_has(l, x->text, x->len))
                ok = cbec__compile_error(c, x, "cannot exclude \"%.*s\": not a code of the list", (int)x->len, x->text);
            else if (!cbec__strmap_put(&drop, x->text, x->len, NULL, NULL))
                ok = cbec__compile_oom(c);
        }
        if (ok) {
            cbec__strmap_free(&l->codes);
            cbec__strmap_init(&l->codes);
            size_t kept = 0;
            for (size_t i = 0; i < l->count; i++) {
                cbec_code *e = l->entries[i];
                if (cbec__strmap_get(&drop, e->code, e->len)) {
                    free(e->attrs); /* the rest stays in the arena until the list goes */
                    continue;
                }
                l->owned[kept] = l->owned[i];
                l->entries[kept] = e;
                kept++;
                if (!cbec__strmap_put(&l->codes, e->code, e->len, e, NULL))
                    ok = cbec__compile_oom(c);
            }
            l->count = kept;
        }
        cbec__strmap_free(&drop);
        if (!ok)
            return false;
    }
    if ((m = cbec__node_member(def, "mapsTo", 6)) && !compile_maps(c, l, m))
        return false;
    if (!l->count)
        return cbec__compile_error(c, def, "code list %s has no codes", l->name);
    return true;
}

bool cbec__compile_codelists(cbec_compiler *c, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"codelists\" must be an object");
    /* bounded by construction: a pack cannot make load time or memory
     * grow without limit by repeating big imports */
    if (n->count > LISTS_MAX)
        return cbec__compile_error(c, n, "a pack may define at most %d code lists", LISTS_MAX);
    size_t total = 0;
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *def = &n->children[i];
        if (!valid_list_name(def->key, def->keylen))
            return cbec__compile_error(c, def, "a code list name is 1-%d characters of A-Z a-z 0-9 - _ .", LIST_NAME_MAX);
        /* a JSON object with the same key twice: the reader keeps both */
        if (cbec__pack_codelist(c->pack, def->key, def->keylen))
            return cbec__compile_error(c, def, "code list %.*s is defined twice", (int)def->keylen, def->key);
        char *name = cbec__strndup(def->key, def->keylen);
        cbec_codelist *l = name ? cbec__codelist_new(name) : NULL;
        free(name);
        if (!l)
            return cbec__compile_oom(c);
        if (!cbec__strmap_put(&c->pack->codelists, l->name, strlen(l->name), l, NULL)) {
            cbec__codelist_free(l);
            return cbec__compile_oom(c);
        }
        if (!compile_one(c, def, l))
            return false;
        if ((total += l->count) > CODES_MAX)
            return cbec__compile_error(c, def, "the code lists of a pack may hold at most %d codes in all", CODES_MAX);
    }
    /* mappings may point at lists defined after them */
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *def = &n->children[i];
        cbec_codelist *l = (cbec_codelist *)cbec__pack_codelist(c->pack, def->key, def->keylen);
        if (l && l->nmaps && !check_maps(c, def, l))
            return false;
    }
    return true;
}
