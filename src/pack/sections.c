/* sections.c - the format sections of a message type ("json", "xml",
 * "edifact", "x12"): the table the compiler dispatches on, and the JSON
 * section itself (detection by a field value). */
#include "pack/compile.h"
#include "pack/sections.h"
#include "rules/schema-pack.h"
#include "rules/xsd.h"
#include "rules/edidef.h"

#include <stdlib.h>
#include <string.h>

/* ---- "json": {"detect": {"path": "/messageType", "equals": "order"}} ---- */

typedef struct json_detect {
    cbec_path_seg *segs;
    size_t nsegs;
    char *value;
    size_t len;
} json_detect;

static void json_detect_free(void *d)
{
    json_detect *j = d;
    if (!j)
        return;
    cbec__path_free(j->segs, j->nsegs);
    free(j->value);
    free(j);
}

static bool json_detect_match(const void *d, const cbec_doc *doc)
{
    const json_detect *j = d;
    const cbec_node *n = doc->root;
    for (size_t i = 0; i < j->nsegs && n; i++)
        n = cbec__node_member(n, j->segs[i].name, j->segs[i].len);
    return n && n->kind == CBEC_NODE_STRING && n->len == j->len && memcmp(n->text, j->value, j->len) == 0;
}

bool cbec__json_detect_compile(cbec_compiler *c, const cbec_node *n, cbec_format_spec *out)
{
    static const char *const keys[] = {"path", "equals"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"detect\" must be an object with \"path\" and \"equals\"");
    if (!cbec__compile_keys(c, n, keys, 2, "\"detect\""))
        return false;
    const cbec_node *path = cbec__node_member(n, "path", 4), *eq = cbec__node_member(n, "equals", 6);
    if (!path || path->kind != CBEC_NODE_STRING || !eq || eq->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "\"detect\" needs string \"path\" and \"equals\"");
    json_detect *j = cbec__calloc(1, sizeof *j);
    if (!j)
        return cbec__compile_oom(c);
    out->detect = j;
    out->detect_match = json_detect_match;
    out->detect_free = json_detect_free;
    char *p = cbec__compile_strdup(c, path);
    if (!p)
        return false;
    bool ok = cbec__compile_path(c, path, p, &j->segs, &j->nsegs);
    free(p);
    if (!ok)
        return false;
    for (size_t i = 0; i < j->nsegs; i++)
        if (j->segs[i].wildcard)
            return cbec__compile_error(c, path, "a detect path cannot hold \"*\"");
    if (!j->nsegs)
        return cbec__compile_error(c, path, "a detect path must name a field");
    j->len = eq->len;
    return (j->value = cbec__compile_strdup(c, eq)) != NULL;
}

static bool json_section(cbec_compiler *c, cbec_msgtype *t, const cbec_node *n, cbec_format_spec *out)
{
    static const char *const keys[] = {"detect", "schema", "schemaRule", "schemaRef", "schemaSeverity",
                                       "draft", "formatAssert"};
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "the \"json\" section"))
        return false;
    const cbec_node *d = cbec__node_member(n, "detect", 6);
    if (d && !cbec__json_detect_compile(c, d, out))
        return false;
    /* the structure check: a JSON Schema (src/rules/schema-pack.c) */
    return cbec__schema_section_compile(c, t, n, out);
}

/* ---- the table ---- */

static const cbec_section_kind sections[] = {
    {"json", CBEC_FORMAT_JSON, json_section},
    {"xml", CBEC_FORMAT_XML, cbec__xml_section_compile}, /* rules/xsd.c */
    {"edifact", CBEC_FORMAT_EDIFACT, cbec__edifact_section_compile}, /* rules/edidef-section.c */
    {"x12", CBEC_FORMAT_X12, cbec__x12_section_compile},             /* rules/edidef-section.c */
};

const cbec_section_kind *cbec__section_kind_find(const char *key, size_t len)
{
    for (size_t i = 0; i < CBEC_ARRAY_LEN(sections); i++)
        if (cbec__streq(key, len, sections[i].key))
            return &sections[i];
    return NULL;
}
