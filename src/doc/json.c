/* json.c - the json-c JSON reader: JSON Logic rules given to the API
 * (cbec_logic_compile) and iso-codes files of an unusual shape.  json-c
 * parses, this file turns json-c's tree into the document model and finds
 * source positions when they are needed.  Messages and the files a pack is
 * made of (packs, schemas, code tables, bindings, EDI definitions) are read
 * by json-message.c.  The only file of the library that includes json-c. */
#include "doc/json-int.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cbec_json_reader {
    struct json_tokener *tok;
    unsigned depth;
    cbec_json_scratch *scratch;  /* the message reader's stacks */
};

#define NODEF_RAW_NUMBER 0x80 /* int that json-c may have clamped: take the source text */

/* A new tokener for r, in place of the one it had (NULL when out of
 * memory: the next read tries again). */
static bool new_tokener(cbec_json_reader *r)
{
    if (r->tok) /* json-c 0.16 does not take NULL */
        json_tokener_free(r->tok);
    r->tok = json_tokener_new_ex((int)r->depth);
    if (!r->tok)
        return false;
    json_tokener_set_flags(r->tok, JSON_TOKENER_STRICT);
    return true;
}

cbec_json_reader *cbec__json_reader_new(unsigned max_depth)
{
    cbec_json_reader *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* json-c's tokener (its stack is 32 KB at the default depth) is made
     * on the first read through json-c: most readers only ever serve the
     * one-pass reader (cbec__json_read_message) */
    r->depth = max_depth ? max_depth : 256;
    return r;
}

void cbec__json_reader_free(cbec_json_reader *r)
{
    if (!r)
        return;
    if (r->tok)
        json_tokener_free(r->tok);
    cbec__json_scratch_free(r->scratch);
    free(r);
}

cbec_json_scratch *cbec__json_reader_scratch(cbec_json_reader *r)
{
    if (!r->scratch)
        r->scratch = cbec__json_scratch_new();
    return r->scratch;
}

unsigned cbec__json_reader_depth(const cbec_json_reader *r) { return r->depth; }

void cbec__json_release(cbec_json_reader *r, cbec_doc *doc)
{
    (void)r;
    if (doc->reader_state) {
        json_object_put(doc->reader_state);
        doc->reader_state = NULL;
    }
}

static const char *tokener_error_zh(enum json_tokener_error je)
{
    switch (je) {
    case json_tokener_error_depth: return "嵌套层数超过上限";
    case json_tokener_error_parse_eof: return "JSON 意外结束";
    case json_tokener_error_parse_unexpected: return "意外的字符";
    case json_tokener_error_parse_null: return "null 字面量有误";
    case json_tokener_error_parse_boolean: return "布尔字面量有误";
    case json_tokener_error_parse_number: return "数字格式有误";
    case json_tokener_error_parse_array: return "数组格式有误";
    case json_tokener_error_parse_object_key_name: return "对象键名有误";
    case json_tokener_error_parse_object_key_sep: return "对象键后应为冒号";
    case json_tokener_error_parse_object_value_sep: return "对象成员之间应为逗号";
    case json_tokener_error_parse_string: return "字符串格式有误";
    case json_tokener_error_parse_comment: return "不允许注释";
    case json_tokener_error_parse_utf8_string: return "字符串含无效的 UTF-8 字节";
    case json_tokener_error_size: return "输入过大";
    default: return "JSON 语法错误";
    }
}

typedef struct convert_ctx {
    cbec_arena *arena;
    size_t nodes, max_nodes;
    bool oom, too_many, raw_numbers;
} convert_ctx;

static bool convert(convert_ctx *cx, struct json_object *o, cbec_node *n)
{
    if (++cx->nodes > cx->max_nodes) {
        cx->too_many = true;
        return false;
    }
    switch (json_object_get_type(o)) {
    case json_type_null:
        n->kind = CBEC_NODE_NULL;
        n->text = "null";
        n->len = 4;
        return true;
    case json_type_boolean:
        n->kind = CBEC_NODE_BOOL;
        n->text = json_object_get_boolean(o) ? "true" : "false";
        n->len = strlen(n->text);
        return true;
    case json_type_double: {
        n->kind = CBEC_NODE_NUMBER;
        /* json-c keeps the text it parsed a double from: use it, exactly */
        const char *raw = json_object_get_userdata(o);
        if (!raw)
            raw = json_object_get_string(o);
        n->text = raw;
        n->len = strlen(raw);
        return true;
    }
    case json_type_int: {
        n->kind = CBEC_NODE_NUMBER;
        char tmp[24];
        int len;
        if (json_object_get_int64(o) < 0) {
            int64_t v = json_object_get_int64(o);
            len = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
            if (v == INT64_MIN)
                n->flags |= NODEF_RAW_NUMBER;
        } else {
            uint64_t v = json_object_get_uint64(o);
            len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
            if (v == UINT64_MAX || v == (uint64_t)INT64_MAX)
                n->flags |= NODEF_RAW_NUMBER;
        }
        if (n->flags & NODEF_RAW_NUMBER)
            cx->raw_numbers = true;
        n->text = cbec__arena_strndup(cx->arena, tmp, (size_t)len);
        n->len = (size_t)len;
        if (!n->text)
            cx->oom = true;
        return n->text != NULL;
    }
    case json_type_string:
        n->kind = CBEC_NODE_STRING;
        n->text = json_object_get_string(o);
        n->len = (size_t)json_object_get_string_len(o);
        return true;
    case json_type_array: {
        n->kind = CBEC_NODE_ARRAY;
        size_t count = json_object_array_length(o);
        n->count = (uint32_t)count;
        if (!count)
            return true;
        n->children = cbec__arena_calloc(cx->arena, count, sizeof *n->children);
        if (!n->children) {
            cx->oom = true;
            return false;
        }
        for (size_t i = 0; i < count; i++) {
            cbec_node *c = &n->children[i];
            c->parent = n;
            c->index = (uint32_t)i;
            if (!convert(cx, json_object_array_get_idx(o, i), c))
                return false;
        }
        return true;
    }
    case json_type_object: {
        n->kind = CBEC_NODE_OBJECT;
        size_t count = (size_t)json_object_object_length(o);
        n->count = (uint32_t)count;
        if (!count)
            return true;
        n->children = cbec__arena_calloc(cx->arena, count, sizeof *n->children);
        if (!n->children) {
            cx->oom = true;
            return false;
        }
        uint32_t i = 0;
        json_object_object_foreach(o, key, val)
        {
            cbec_node *c = &n->children[i];
            c->parent = n;
            c->index = i++;
            c->key = key;
            c->keylen = (uint32_t)strlen(key);
            if (!convert(cx, val, c))
                return false;
        }
        return true;
    }
    }
    return false;
}

/* One pass over the raw bytes before json-c sees them: NUL bytes, strictly
 * valid UTF-8 (no overlong forms, no encoded surrogates, nothing past
 * U+10FFFF) and \\u escapes of lone surrogates, which json-c would quietly
 * turn into U+FFFD. */
enum { PRESCAN_OK, PRESCAN_NUL, PRESCAN_UTF8, PRESCAN_SURROGATE };

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        unsigned h = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
        if (h > 15)
            return 0x10000; /* not hex: json-c reports it */
        v = v * 16 + h;
    }
    return v;
}

static int prescan(const char *src, size_t len, size_t *at)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;
    while (i < len) {
        /* fast path: eight plain ASCII bytes without NUL or backslash */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            uint64_t hi = w & 0x8080808080808080ULL;
            uint64_t zero = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
            uint64_t bs = w ^ 0x5C5C5C5C5C5C5C5CULL;
            uint64_t back = (bs - 0x0101010101010101ULL) & ~bs & 0x8080808080808080ULL;
            if (!(hi | zero | back)) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c == 0) {
            *at = i;
            return PRESCAN_NUL;
        }
        if (c == '\\') {
            if (i + 1 < len && s[i + 1] == 'u' && i + 6 <= len) {
                unsigned u = hex4(src + i + 2);
                if (u >= 0xDC00 && u <= 0xDFFF) {
                    *at = i;
                    return PRESCAN_SURROGATE;
                }
                if (u >= 0xD800 && u <= 0xDBFF) {
                    unsigned lo = i + 12 <= len && s[i + 6] == '\\' && s[i + 7] == 'u' ? hex4(src + i + 8) : 0;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        *at = i;
                        return PRESCAN_SURROGATE;
                    }
                    i += 12;
                    continue;
                }
                i += 6;
                continue;
            }
            i += 2;
            continue;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = 0;
        if (c >= 0xC2 && c <= 0xDF)
            k = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4;
        bool ok = k && i + k <= len;
        for (size_t j = 1; ok && j < k; j++)
            ok = (s[i + j] & 0xC0) == 0x80;
        if (ok && k == 3)
            ok = !(c == 0xE0 && s[i + 1] < 0xA0) && !(c == 0xED && s[i + 1] >= 0xA0);
        if (ok && k == 4)
            ok = !(c == 0xF0 && s[i + 1] < 0x90) && !(c == 0xF4 && s[i + 1] >= 0x90);
        if (!ok) {
            *at = i;
            return PRESCAN_UTF8;
        }
        i += k;
    }
    return PRESCAN_OK;
}

bool cbec__json_check_size(size_t len, const cbec_read_limits *lim, cbec_read_error *e)
{
    size_t max = lim->max_bytes && lim->max_bytes < (size_t)INT_MAX - 1 ? lim->max_bytes
                                                                         : (size_t)INT_MAX - 1;
    if (len <= max)
        return true;
    char en[160], zh[160];
    snprintf(en, sizeof en, "message of %zu bytes exceeds the limit of %zu bytes", len, max);
    snprintf(zh, sizeof zh, "报文大小 %zu 字节，超过上限 %zu 字节", len, max);
    cbec__read_error_set(e, "CBEC-LIMIT-SIZE", 0, false, en, zh);
    return false;
}

bool cbec__json_prescan_error(const char *src, size_t len, cbec_read_error *e)
{
    size_t bad;
    switch (prescan(src, len, &bad)) {
    case PRESCAN_NUL:
        cbec__read_error_set(e, "CBEC-JSON-NUL", bad, true, "NUL byte in the message", "报文中含有 NUL 字节");
        return true;
    case PRESCAN_UTF8:
        cbec__read_error_set(e, "CBEC-UTF8", bad, true, "invalid UTF-8 in the message", "报文含无效的 UTF-8 字节");
        return true;
    case PRESCAN_SURROGATE:
        cbec__read_error_set(e, "CBEC-UTF8", bad, true, "\\u escape of a lone UTF-16 surrogate",
                             "\\u 转义为不成对的 UTF-16 代理项");
        return true;
    }
    return false;
}

/* Where a single quote stands outside a string, or len.  json-c takes a
 * member name in single quotes even with JSON_TOKENER_STRICT (0.16); RFC
 * 8259 has strings in double quotes only. */
static size_t single_quote_outside(const char *src, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (in_string && c == '\\')
            i++;
        else if (c == '"')
            in_string = !in_string;
        else if (c == '\'' && !in_string)
            return i;
    }
    return len;
}

bool cbec__json_read(cbec_json_reader *r, const char *src, size_t len,
                     const cbec_read_limits *lim, cbec_arena *arena, cbec_doc *doc,
                     cbec_read_error *e, bool *oom)
{
    *oom = false;
    memset(doc, 0, sizeof *doc);
    doc->src = src;
    doc->srclen = len;
    doc->format = CBEC_FORMAT_JSON;
    if (!cbec__json_check_size(len, lim, e) || cbec__json_prescan_error(src, len, e))
        return false;
    size_t start = 0;
    while (start < len && (src[start] == ' ' || src[start] == '\t' || src[start] == '\n' ||
                           src[start] == '\r'))
        start++;
    if (start == len) {
        cbec__read_error_set(e, "CBEC-EMPTY", 0, false, "the message is empty", "报文为空");
        return false;
    }
    size_t quote = single_quote_outside(src, len);
    if (quote < len) {
        cbec__read_error_set(e, "CBEC-JSON-SYNTAX", quote, true,
                             "JSON syntax error: a single quote outside a string (JSON strings take double quotes)",
                             "JSON 语法错误：字符串之外出现单引号（JSON 字符串须用双引号）");
        return false;
    }
    if (!r->tok && !new_tokener(r)) {
        *oom = true;
        return false;
    }
    json_tokener_reset(r->tok);
    struct json_object *root = json_tokener_parse_ex(r->tok, src, (int)len);
    enum json_tokener_error je = json_tokener_get_error(r->tok);
    size_t at = json_tokener_get_parse_end(r->tok);
    bool terminated = false;
    if (!root && je == json_tokener_continue) {
        /* a bare scalar at the end needs a terminator to be complete */
        root = json_tokener_parse_ex(r->tok, "", 1);
        je = json_tokener_get_error(r->tok);
        at = len;
        terminated = true;
    }
    /* success with no object is a JSON null: json-c represents it as NULL */
    if (je != json_tokener_success) {
        if (at > len)
            at = len;
        if (root)
            json_object_put(root);
        /* json_tokener_reset() leaves the state of a \u escape as it was
         * (json-c 0.16): after a valid surrogate pair, a bad escape that
         * follows leaves a pending surrogate, and the next document read
         * would start with U+FFFD at its first \u escape.  A read that
         * failed takes a new tokener. */
        new_tokener(r);
        if (je == json_tokener_continue || je == json_tokener_success) {
            cbec__read_error_set(e, "CBEC-JSON-SYNTAX", len, true, "unexpected end of JSON text",
                                 "JSON 意外结束");
        } else if (je == json_tokener_error_depth) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "nesting deeper than the limit of %u levels", r->depth);
            snprintf(zh, sizeof zh, "嵌套深度超过上限 %u 层", r->depth);
            cbec__read_error_set(e, "CBEC-LIMIT-DEPTH", at, true, en, zh);
        } else if (je == json_tokener_error_parse_utf8_string) {
            cbec__read_error_set(e, "CBEC-UTF8", at, true, "invalid UTF-8 in the message",
                                 "报文含无效的 UTF-8 字节");
        } else {
            char en[160];
            snprintf(en, sizeof en, "JSON syntax error: %s", json_tokener_error_desc(je));
            cbec__read_error_set(e, "CBEC-JSON-SYNTAX", at, true, en, tokener_error_zh(je));
        }
        return false;
    }
    size_t end = terminated ? len : json_tokener_get_parse_end(r->tok);
    for (size_t i = end; i < len; i++) {
        char c = src[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            json_object_put(root);
            cbec__read_error_set(e, "CBEC-JSON-SYNTAX", i, true, "trailing data after the JSON value",
                                 "JSON 值之后有多余内容");
            return false;
        }
    }
    convert_ctx cx = {arena, 0, lim->max_nodes ? lim->max_nodes : 4000000, false, false, false};
    cbec_node *n = cbec__arena_calloc(arena, 1, sizeof *n);
    if (!n || !convert(&cx, root, n)) {
        json_object_put(root);
        if (cx.too_many) {
            cbec__read_error_nodes(e, cx.max_nodes);
            return false;
        }
        *oom = true;
        return false;
    }
    doc->root = n;
    doc->nodes = cx.nodes;
    doc->reader_state = root;
    if (cx.raw_numbers)
        cbec__json_positions(doc);
    return true;
}

/* ---- scanning raw JSON text (positions and pointer lookups) ---- */

typedef struct scanner {
    const char *s;
    size_t n, i;
    size_t cpos;       /* offset up to which line/col are counted */
    uint32_t line, col;
    cbec_buf key;      /* decoded member name */
} scanner;

static void ws(scanner *sc)
{
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->i++;
    }
}

static void mark(scanner *sc, cbec_span *sp)
{
    for (; sc->cpos < sc->i; sc->cpos++) {
        unsigned char c = (unsigned char)sc->s[sc->cpos];
        if (c == '\n') {
            sc->line++;
            sc->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            sc->col++;
        }
    }
    sp->offset = sc->i > UINT32_MAX ? UINT32_MAX : (uint32_t)sc->i;
    sp->line = sc->line;
    sp->column = sc->col;
}

/* Skip a string starting at the quote; returns the raw span (without quotes). */
static bool skip_string(scanner *sc, size_t *start, size_t *end, bool *escaped)
{
    if (sc->i >= sc->n || sc->s[sc->i] != '"')
        return false;
    sc->i++;
    *start = sc->i;
    *escaped = false;
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c == '"') {
            *end = sc->i++;
            return true;
        }
        if (c == '\\') {
            *escaped = true;
            sc->i++;
        }
        sc->i++;
    }
    return false;
}

static unsigned hexval(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f') return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (unsigned)(c - 'A' + 10);
    return 16;
}

static void put_utf8(cbec_buf *b, unsigned cp)
{
    char o[4];
    if (cp < 0x80) {
        o[0] = (char)cp;
        cbec__buf_add(b, o, 1);
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        cbec__buf_add(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        cbec__buf_add(b, o, 3);
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        cbec__buf_add(b, o, 4);
    }
}

static unsigned read_u4(const char *p, size_t avail)
{
    if (avail < 4)
        return 0x110000;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned h = hexval(p[k]);
        if (h > 15)
            return 0x110000;
        v = v * 16 + h;
    }
    return v;
}

/* Decode a JSON string body into sc->key. */
static void decode_key(scanner *sc, size_t start, size_t end)
{
    cbec__buf_reset(&sc->key);
    for (size_t i = start; i < end; i++) {
        char c = sc->s[i];
        if (c != '\\' || i + 1 >= end) {
            cbec__buf_addc(&sc->key, c);
            continue;
        }
        char e = sc->s[++i];
        switch (e) {
        case 'b': cbec__buf_addc(&sc->key, '\b'); break;
        case 'f': cbec__buf_addc(&sc->key, '\f'); break;
        case 'n': cbec__buf_addc(&sc->key, '\n'); break;
        case 'r': cbec__buf_addc(&sc->key, '\r'); break;
        case 't': cbec__buf_addc(&sc->key, '\t'); break;
        case 'u': {
            unsigned cp = read_u4(sc->s + i + 1, end - i - 1);
            if (cp > 0xFFFF)
                break;
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < end + 1 && sc->s[i + 1] == '\\' &&
                sc->s[i + 2] == 'u') {
                unsigned lo = read_u4(sc->s + i + 3, end - i - 3);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            put_utf8(&sc->key, cp);
            break;
        }
        default: cbec__buf_addc(&sc->key, e);
        }
    }
}

/* Read a member name; sets name and len to the decoded key. */
static bool read_key(scanner *sc, const char **name, size_t *len)
{
    size_t a, b;
    bool esc;
    if (!skip_string(sc, &a, &b, &esc))
        return false;
    if (esc) {
        decode_key(sc, a, b);
        *name = cbec__buf_cstr(&sc->key);
        *len = sc->key.len;
    } else {
        *name = sc->s + a;
        *len = b - a;
    }
    return true;
}

static void skip_scalar(scanner *sc)
{
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            break;
        sc->i++;
    }
}

/* Skip one value without recursion (depth is only counted). */
static void skip_value(scanner *sc)
{
    ws(sc);
    if (sc->i >= sc->n)
        return;
    char c = sc->s[sc->i];
    if (c == '"') {
        size_t a, b;
        bool esc;
        skip_string(sc, &a, &b, &esc);
        return;
    }
    if (c != '{' && c != '[') {
        /* always move on: a byte the scanner does not expect here (json-c
           reads single-quoted strings, this scanner does not) must not
           leave the callers' loops where they were */
        size_t at = sc->i;
        skip_scalar(sc);
        if (sc->i == at)
            sc->i++;
        return;
    }
    size_t depth = 0;
    while (sc->i < sc->n) {
        c = sc->s[sc->i];
        if (c == '"') {
            size_t a, b;
            bool esc;
            if (!skip_string(sc, &a, &b, &esc))
                return;
            continue;
        }
        sc->i++;
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return;
    }
}

static void pos_value(scanner *sc, cbec_node *n);

static void pos_object(scanner *sc, cbec_node *n)
{
    sc->i++; /* '{' */
    uint32_t cursor = 0;
    for (;;) {
        ws(sc);
        if (sc->i >= sc->n || sc->s[sc->i] == '}') {
            sc->i++;
            return;
        }
        if (sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        const char *name;
        size_t len;
        if (!read_key(sc, &name, &len))
            return;
        ws(sc);
        if (sc->i < sc->n && sc->s[sc->i] == ':')
            sc->i++;
        cbec_node *child = NULL;
        if (n && n->kind == CBEC_NODE_OBJECT) {
            /* members come in source order; a duplicate key means a search */
            if (cursor < n->count && n->children[cursor].keylen == len &&
                memcmp(n->children[cursor].key, name, len) == 0) {
                child = &n->children[cursor++];
            } else {
                for (uint32_t k = 0; k < n->count; k++)
                    if (n->children[k].keylen == len && memcmp(n->children[k].key, name, len) == 0)
                        child = &n->children[k];
            }
        }
        pos_value(sc, child);
    }
}

static void pos_array(scanner *sc, cbec_node *n)
{
    sc->i++; /* '[' */
    uint32_t k = 0;
    for (;;) {
        ws(sc);
        if (sc->i >= sc->n || sc->s[sc->i] == ']') {
            sc->i++;
            return;
        }
        if (sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        cbec_node *child = n && n->kind == CBEC_NODE_ARRAY && k < n->count ? &n->children[k] : NULL;
        k++;
        pos_value(sc, child);
    }
}

static void pos_value(scanner *sc, cbec_node *n)
{
    ws(sc);
    if (sc->i >= sc->n)
        return;
    if (!n) {
        skip_value(sc);
        return;
    }
    mark(sc, &n->span);
    char c = sc->s[sc->i];
    if (c == '{' && n->kind == CBEC_NODE_OBJECT) {
        pos_object(sc, n);
    } else if (c == '[' && n->kind == CBEC_NODE_ARRAY) {
        pos_array(sc, n);
    } else if (c == '"' || c == '{' || c == '[') {
        skip_value(sc);
    } else {
        size_t a = sc->i;
        skip_scalar(sc);
        if (n->kind == CBEC_NODE_NUMBER && (n->flags & NODEF_RAW_NUMBER)) {
            n->text = sc->s + a;
            n->len = sc->i - a;
        }
    }
}

void cbec__json_positions(cbec_doc *doc)
{
    if (doc->positions || !doc->root)
        return;
    scanner sc = {doc->src, doc->srclen, 0, 0, 1, 1, {0}};
    cbec__buf_init(&sc.key);
    pos_value(&sc, doc->root);
    cbec__buf_free(&sc.key);
    doc->positions = true;
}

bool cbec__json_locate(const char *text, size_t len, const char *ptr, size_t *offset)
{
    scanner sc = {text, len, 0, 0, 1, 1, {0}};
    cbec__buf_init(&sc.key);
    bool ok = true;
    const char *p = ptr;
    cbec_buf tok;
    cbec__buf_init(&tok);
    ws(&sc);
    while (ok && *p == '/') {
        /* next reference token, unescaped */
        p++;
        cbec__buf_reset(&tok);
        while (*p && *p != '/') {
            if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
                cbec__buf_addc(&tok, p[1] == '0' ? '~' : '/');
                p += 2;
            } else {
                cbec__buf_addc(&tok, *p++);
            }
        }
        const char *want = cbec__buf_cstr(&tok);
        ws(&sc);
        if (sc.i >= sc.n) {
            ok = false;
        } else if (sc.s[sc.i] == '{') {
            sc.i++;
            size_t found = SIZE_MAX;
            for (;;) {
                ws(&sc);
                if (sc.i >= sc.n || sc.s[sc.i] == '}')
                    break;
                if (sc.s[sc.i] == ',') {
                    sc.i++;
                    continue;
                }
                const char *name;
                size_t nlen;
                if (!read_key(&sc, &name, &nlen))
                    break;
                bool match = nlen == tok.len && memcmp(name, want, nlen) == 0;
                ws(&sc);
                if (sc.i < sc.n && sc.s[sc.i] == ':')
                    sc.i++;
                ws(&sc);
                if (match)
                    found = sc.i; /* the last duplicate wins, as in json-c */
                skip_value(&sc);
            }
            if (found == SIZE_MAX)
                ok = false;
            else
                sc.i = found;
        } else if (sc.s[sc.i] == '[') {
            char *end;
            unsigned long idx = strtoul(want, &end, 10);
            if (!tok.len || *end) {
                ok = false;
                break;
            }
            sc.i++;
            unsigned long k = 0;
            bool hit = false;
            for (;;) {
                ws(&sc);
                if (sc.i >= sc.n || sc.s[sc.i] == ']')
                    break;
                if (sc.s[sc.i] == ',') {
                    sc.i++;
                    continue;
                }
                if (k++ == idx) {
                    hit = true;
                    break;
                }
                skip_value(&sc);
            }
            ok = hit;
        } else {
            ok = false;
        }
    }
    ws(&sc);
    if (ok)
        *offset = sc.i;
    cbec__buf_free(&tok);
    cbec__buf_free(&sc.key);
    return ok;
}
