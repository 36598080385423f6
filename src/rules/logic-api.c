/* logic-api.c - the public cbec_logic handle: compile a JSON Logic rule
 * once, evaluate it against JSON data many times (cbecstd eval, bindings). */
#include "doc/doc.h"
#include "rules/logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_MAX_BYTES (64UL << 20)
#define DATA_MAX_DEPTH 256u
#define DATA_MAX_NODES 4000000UL

struct cbec_logic {
    cbec_lexpr *expr;
    cbec_logic_limits limits;
    cbec_json_reader *reader;
    cbec_arena arena;        /* data nodes and values of the last evaluation */
    cbec_buf result;         /* JSON text of the last result */
    char error_type[64];
};

/* Read JSON text into doc and point *value at its value; on failure sets
 * *err (status CBEC_EINVAL).  Rules and data may be bare scalars ("17",
 * "null"), which the message reader does not take at the top level, so
 * the text is read as the only item of an array. */
static int read_json(cbec_json_reader *rd, cbec_arena *arena, const char *what, const char *text,
                     size_t len, cbec_doc *doc, const cbec_node **value, cbec_error **err)
{
    cbec_read_limits lim = {DATA_MAX_BYTES, DATA_MAX_DEPTH, DATA_MAX_NODES};
    cbec_read_error re;
    bool oom = false;
    memset(doc, 0, sizeof *doc);
    *value = NULL;
    if (len > DATA_MAX_BYTES)
        return cbec__error_set(err, CBEC_EINVAL, what, NULL, 0, 0, "%s: larger than %lu bytes", what, DATA_MAX_BYTES);
    char *wrapped = malloc(len + 3);
    if (!wrapped)
        return CBEC_ENOMEM;
    wrapped[0] = '[';
    if (len)
        memcpy(wrapped + 1, text, len);
    wrapped[len + 1] = '\n';  /* ends a bare number */
    wrapped[len + 2] = ']';
    bool ok = cbec__json_read(rd, wrapped, len + 3, &lim, arena, doc, &re, &oom);
    if (ok && doc->root->count != 1) {
        ok = false;
        snprintf(re.message_en, sizeof re.message_en, "%s", doc->root->count ? "more than one JSON value" : "no JSON value");
        re.has_offset = false;
    }
    if (ok) {
        /* keep the wrapped text: nodes and positions refer to it */
        doc->src = wrapped;
        doc->srclen = len + 3;
        *value = &doc->root->children[0];
        return CBEC_OK;
    }
    free(wrapped);
    cbec__json_release(rd, doc);
    if (oom)
        return CBEC_ENOMEM;
    unsigned long line = 0, col = 0;
    if (re.has_offset) {
        size_t at = re.offset ? re.offset - 1 : 0;
        cbec__text_position(text ? text : "", len, at > len ? len : at, &line, &col);
    }
    return cbec__error_set(err, CBEC_EINVAL, what, NULL, line, col, "%s:%lu:%lu: %s", what, line, col,
                           re.message_en);
}

static void release_json(cbec_json_reader *rd, cbec_doc *doc)
{
    char *wrapped = (char *)doc->src;
    cbec__json_release(rd, doc);
    free(wrapped);
    doc->src = NULL;
}

CBEC_API int cbec_logic_compile(cbec_logic **out, const char *rule, size_t len, cbec_error **err)
{
    if (!out)
        return CBEC_EINVAL;
    *out = NULL;
    if (!rule && len)
        return CBEC_EINVAL;
    cbec_logic *l = cbec__calloc(1, sizeof *l);
    if (!l)
        return CBEC_ENOMEM;
    l->limits = (cbec_logic_limits){CBEC_LOGIC_DEFAULT_OPS, CBEC_LOGIC_DEFAULT_DEPTH, CBEC_LOGIC_DEFAULT_BYTES};
    cbec__arena_init(&l->arena);
    cbec__buf_init(&l->result);
    l->reader = cbec__json_reader_new(DATA_MAX_DEPTH);
    if (!l->reader) {
        cbec_logic_free(l);
        return CBEC_ENOMEM;
    }
    cbec_doc doc;
    const cbec_node *root;
    int st = read_json(l->reader, &l->arena, "rule", rule, len, &doc, &root, err);
    if (st) {
        cbec_logic_free(l);
        return st;
    }
    cbec_logic_cerror e;
    bool oom;
    if (!cbec__logic_compile(root, NULL, CBEC_LOGIC_DEFAULT_DEPTH, &l->expr, &e, &oom)) {
        if (oom) {
            st = CBEC_ENOMEM;
        } else {
            unsigned long line = 0, col = 0;
            cbec_buf path;
            cbec__buf_init(&path);
            const char *ptr = "";
            if (e.at) {
                cbec__json_positions(&doc);
                /* positions in the rule's own text: one "[" less */
                if (e.at->span.line)
                    cbec__text_position(rule, len, e.at->span.offset ? e.at->span.offset - 1 : 0, &line, &col);
                cbec__node_pointer(e.at, &path);
                ptr = cbec__buf_cstr(&path) + 2;  /* drop the "/0" of the wrapping array */
            }
            st = cbec__error_set(err, CBEC_EINVAL, "rule", ptr, line, col,
                                 "rule:%lu:%lu: %s: %s", line, col, e.type, e.message);
            cbec__buf_free(&path);
        }
    }
    release_json(l->reader, &doc);
    cbec__arena_reset(&l->arena);
    if (st) {
        cbec_logic_free(l);
        return st;
    }
    *out = l;
    return CBEC_OK;
}

CBEC_API int cbec_logic_set_limit(cbec_logic *l, int limit, unsigned long value)
{
    if (!l)
        return CBEC_EINVAL;
    switch ((cbec_logic_limit)limit) {
    case CBEC_LOGIC_LIMIT_OPERATIONS:
        l->limits.max_ops = value ? value : CBEC_LOGIC_DEFAULT_OPS;
        return CBEC_OK;
    case CBEC_LOGIC_LIMIT_DEPTH:
        if (value > CBEC_LOGIC_MAX_DEPTH)
            return CBEC_ELIMIT;
        l->limits.max_depth = value ? (unsigned)value : CBEC_LOGIC_DEFAULT_DEPTH;
        return CBEC_OK;
    case CBEC_LOGIC_LIMIT_MEMORY:
        l->limits.max_bytes = value ? value : CBEC_LOGIC_DEFAULT_BYTES;
        return CBEC_OK;
    }
    return CBEC_EINVAL;
}

CBEC_API int cbec_logic_eval(cbec_logic *l, const char *data, size_t len, const char **result,
                             size_t *result_len, cbec_error **err)
{
    if (result)
        *result = NULL;
    if (result_len)
        *result_len = 0;
    if (!l || !result || (!data && len))
        return CBEC_EINVAL;
    l->error_type[0] = '\0';
    cbec__arena_reset(&l->arena);
    cbec__buf_reset(&l->result);
    cbec_doc doc;
    const cbec_node *root;
    int st = read_json(l->reader, &l->arena, "data", data, len, &doc, &root, err);
    if (st) {
        snprintf(l->error_type, sizeof l->error_type, "Data");
        return st;
    }
    cbec_logic_env env;
    memset(&env, 0, sizeof env);
    env.root = root;
    env.arena = &l->arena;
    env.limits = l->limits;
    cbec_lval v;
    cbec_logic_error e;
    if (!cbec__logic_eval(l->expr, &env, &v, &e)) {
        /* an empty thrown type reads as "Unknown", like a thrown value
         * that is not a string: "" means success */
        snprintf(l->error_type, sizeof l->error_type, "%s", e.type[0] ? e.type : "Unknown");
        st = strcmp(e.type, "Limit") == 0 ? CBEC_ELIMIT : strcmp(e.type, "Memory") == 0 ? CBEC_ENOMEM : CBEC_EINVAL;
        /* a thrown type is rule or data text: escaped in the message,
         * as thrown from cbec_logic_error_type() */
        char type[sizeof e.type * 4];
        cbec__visible_copy(type, sizeof type, l->error_type);
        cbec__error_set(err, st, NULL, NULL, 0, 0, "%s: %s", type, e.message);
    } else {
        cbec__logic_to_json(&v, &l->result);
        if (l->result.oom)
            st = CBEC_ENOMEM;
    }
    /* values may point into json-c's strings: render before releasing */
    release_json(l->reader, &doc);
    if (st)
        return st;
    *result = cbec__buf_cstr(&l->result);
    if (result_len)
        *result_len = l->result.len;
    return CBEC_OK;
}

CBEC_API const char *cbec_logic_error_type(const cbec_logic *l)
{
    return l ? l->error_type : "";
}

CBEC_API void cbec_logic_free(cbec_logic *l)
{
    if (!l)
        return;
    cbec__logic_free(l->expr);
    cbec__json_reader_free(l->reader);
    cbec__arena_free(&l->arena);
    cbec__buf_free(&l->result);
    free(l);
}
