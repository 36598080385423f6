/* json-message.c - the reader of JSON messages: one pass from the raw text
 * straight into the document model.
 *
 * Messages are the hot path: json-c's parse alone (one malloc per value, a
 * hash table per object, then a tree to convert and free) costs as much as
 * every rule of the reference packs together, so messages are read here
 * instead, while packs, schemas and code tables keep going through json-c
 * (json.c).  The grammar is RFC 8259 exactly: no NaN or Infinity, no "1.",
 * no raw control characters in strings, no comments, nothing after the
 * value.  UTF-8 is validated in the same pass (no overlong forms, no
 * encoded surrogates, nothing past U+10FFFF, no \u escape of a lone
 * surrogate); numbers keep their text as written; duplicate member names
 * keep the first one's place and the last one's value, as json-c does.
 * A test compares the trees of both readers over every JSON file of the
 * test suites and a fuzz target does so on random input. */
#include "doc/json-int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct frame {
    uint32_t node;   /* index of the container's node in the node stack */
    uint32_t start;  /* index of its first child in the node stack */
    bool object;
} frame;

struct cbec_json_scratch {
    cbec_node *nodes;   /* values whose container is still open */
    size_t nlen, ncap;
    frame *frames;      /* open containers */
    size_t flen, fcap;
    uint32_t *slots;    /* hash table of a big object's member names */
    size_t scap;
};

void cbec__json_scratch_free(cbec_json_scratch *s)
{
    if (!s)
        return;
    free(s->nodes);
    free(s->frames);
    free(s->slots);
    free(s);
}

/* What went wrong, before the raw-text checks get their say. */
typedef struct parse_error {
    const char *rule;
    const char *en;
    const char *zh;
    size_t at;
    unsigned cp;        /* control character, for the message */
} parse_error;

typedef struct parser {
    const char *s;
    size_t n;
    cbec_arena *arena;
    cbec_json_scratch *sc;
    unsigned max_depth;
    size_t max_nodes, nodes;
    parse_error err;
    bool failed, oom;
    size_t end;          /* after the value, when parse() succeeds */
} parser;

static bool fail(parser *p, size_t at, const char *en, const char *zh)
{
    p->failed = true;
    p->err.rule = "CBEC-JSON-SYNTAX";
    p->err.at = at > p->n ? p->n : at;
    p->err.en = en;
    p->err.zh = zh;
    return false;
}

static bool fail_eof(parser *p)
{
    return fail(p, p->n, "unexpected end of JSON text", "JSON 意外结束");
}

static inline size_t skip_ws(const parser *p, size_t i)
{
    while (i < p->n) {
        char c = p->s[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
        i++;
    }
    return i;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *nv = realloc(*v, ncap * size);
    if (!nv)
        return false;
    *v = nv;
    *cap = ncap;
    return true;
}

/* A new value node on the stack, at offset at. */
static cbec_node *push_node(parser *p, size_t at)
{
    if (++p->nodes > p->max_nodes) {
        p->failed = true;
        p->err.rule = "CBEC-LIMIT-NODES";
        return NULL;
    }
    cbec_json_scratch *sc = p->sc;
    if (!grow((void **)&sc->nodes, &sc->ncap, sc->nlen + 1, sizeof *sc->nodes)) {
        p->oom = true;
        return NULL;
    }
    cbec_node *n = &sc->nodes[sc->nlen++];
    memset(n, 0, sizeof *n);
    n->span.offset = at > UINT32_MAX ? UINT32_MAX : (uint32_t)at;
    return n;
}

/* ---- strings ---- */

static unsigned hex4(const char *h)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = (unsigned char)h[k];
        unsigned d = c >= '0' && c <= '9' ? c - (unsigned)'0'
                     : c >= 'a' && c <= 'f' ? c - 'a' + 10u
                     : c >= 'A' && c <= 'F' ? c - 'A' + 10u : 16u;
        if (d > 15)
            return 0x110000;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Length of the well-formed UTF-8 sequence at s[0..avail), 0 if there is none. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!k || k > avail)
        return 0;
    for (size_t j = 1; j < k; j++)
        if ((s[j] & 0xC0) != 0x80)
            return 0;
    if (k == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)))
        return 0;
    if (k == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)))
        return 0;
    return k;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
/* Non-zero when some byte of w is b. */
#define HAS_BYTE(w, b) ((((w) ^ (ONES * (b))) - ONES) & ~((w) ^ (ONES * (b))) & HIGHS)

/* The string whose opening quote is at s[i]: its decoded, NUL-terminated
 * text in the arena.  Returns the offset after the closing quote, 0 on error. */
static size_t read_string(parser *p, size_t i, const char **text, size_t *len)
{
    const unsigned char *s = (const unsigned char *)p->s;
    size_t start = i + 1, j = start;
    uint64_t high = 0;   /* high bits of every byte seen: non-ASCII text */
    bool escaped = false;
    for (;;) {
        /* eight bytes at a time while none is a quote, a backslash or a
           control character */
        while (j + 8 <= p->n) {
            uint64_t w;
            memcpy(&w, s + j, 8);
            uint64_t m = ((w - ONES * 0x20) & ~w & HIGHS) | HAS_BYTE(w, '"') | HAS_BYTE(w, '\\');
            if (m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                /* the lowest flagged byte is the first special one (the
                   flags above it may be borrows): go straight to it */
                unsigned skip = (unsigned)__builtin_ctzll(m) >> 3;
                if (skip) {
                    high |= w & (~0ULL >> (64 - 8 * skip));
                    j += skip;
                }
#endif
                break;
            }
            high |= w;
            j += 8;
        }
        if (j >= p->n)
            return fail_eof(p), 0;
        unsigned c = s[j];
        if (c == '"')
            break;
        if (c == '\\') {
            escaped = true;
            j += 2;
        } else if (c < 0x20) {
            p->err.cp = c;
            return fail(p, j, "JSON syntax error: unescaped control character in a string",
                        "JSON 语法错误：字符串中含未转义的控制字符"), 0;
        } else {
            high |= c;
            j++;
        }
    }
    bool plain = !escaped && !(high & HIGHS);
    size_t raw = j - start;
    char *out = cbec__arena_alloc(p->arena, raw + 1);
    if (!out) {
        p->oom = true;
        return 0;
    }
    *text = out;
    if (plain) {
        memcpy(out, s + start, raw);
        out[raw] = 0;
        *len = raw;
        return j + 1;
    }
    char *o = out;
    for (size_t k = start; k < j;) {
        unsigned c = s[k];
        if (c >= 0x80) {
            size_t q = utf8_seq(s + k, j - k);
            if (!q) {
                p->failed = true;
                p->err.rule = "CBEC-UTF8";
                p->err.at = k;
                p->err.en = "invalid UTF-8 in the message";
                p->err.zh = "报文含无效的 UTF-8 字节";
                return 0;
            }
            o[0] = (char)s[k];
            o[1] = (char)s[k + 1];
            if (q > 2)
                o[2] = (char)s[k + 2];
            if (q > 3)
                o[3] = (char)s[k + 3];
            o += q;
            k += q;
            continue;
        }
        if (c != '\\') {
            *o++ = (char)c;
            k++;
            continue;
        }
        char e = (char)s[k + 1];
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp = k + 6 <= j ? hex4(p->s + k + 2) : 0x110000;
            if (cp > 0xFFFF)
                return fail(p, k, "JSON syntax error: \\u must be followed by four hexadecimal digits",
                            "JSON 语法错误：\\u 之后应为四位十六进制数字"), 0;
            size_t used = 6;
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                unsigned lo = cp <= 0xDBFF && k + 12 <= j && s[k + 6] == '\\' && s[k + 7] == 'u'
                                  ? hex4(p->s + k + 8) : 0;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    p->failed = true;
                    p->err.rule = "CBEC-UTF8";
                    p->err.at = k;
                    p->err.en = "\\u escape of a lone UTF-16 surrogate";
                    p->err.zh = "\\u 转义为不成对的 UTF-16 代理项";
                    return 0;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                used = 12;
            }
            o = put_utf8(o, cp);
            k += used;
            continue;
        }
        default:
            return fail(p, k, "JSON syntax error: invalid escape sequence in a string",
                        "JSON 语法错误：字符串中的转义序列无效"), 0;
        }
        k += 2;
    }
    *o = 0;
    *len = (size_t)(o - out);
    return j + 1;
}

/* ---- numbers and literals ---- */

static inline bool digit(char c) { return c >= '0' && c <= '9'; }

static size_t read_number(parser *p, size_t i, cbec_node *n)
{
    size_t j = i;
    if (j < p->n && p->s[j] == '-')
        j++;
    if (j < p->n && p->s[j] == '0') {
        j++;
        if (j < p->n && digit(p->s[j]))
            return fail(p, j, "JSON syntax error: invalid number (a leading zero)",
                        "JSON 语法错误：数字格式有误（前导零）"), 0;
    } else if (j < p->n && digit(p->s[j])) {
        while (j < p->n && digit(p->s[j]))
            j++;
    } else {
        return j >= p->n ? (fail_eof(p), 0)
                         : (fail(p, j, "JSON syntax error: invalid number", "JSON 语法错误：数字格式有误"), 0);
    }
    if (j < p->n && p->s[j] == '.') {
        j++;
        if (j >= p->n || !digit(p->s[j]))
            return fail(p, j, "JSON syntax error: invalid number", "JSON 语法错误：数字格式有误"), 0;
        while (j < p->n && digit(p->s[j]))
            j++;
    }
    if (j < p->n && (p->s[j] == 'e' || p->s[j] == 'E')) {
        j++;
        if (j < p->n && (p->s[j] == '+' || p->s[j] == '-'))
            j++;
        if (j >= p->n || !digit(p->s[j]))
            return fail(p, j, "JSON syntax error: invalid number", "JSON 语法错误：数字格式有误"), 0;
        while (j < p->n && digit(p->s[j]))
            j++;
    }
    n->kind = CBEC_NODE_NUMBER;
    n->len = j - i;
    n->text = cbec__arena_strndup(p->arena, p->s + i, j - i);
    if (!n->text) {
        p->oom = true;
        return 0;
    }
    return j;
}

static size_t read_literal(parser *p, size_t i, cbec_node *n)
{
    static const struct { const char *word; uint8_t kind; } lits[] = {
        {"true", CBEC_NODE_BOOL}, {"false", CBEC_NODE_BOOL}, {"null", CBEC_NODE_NULL}};
    for (size_t k = 0; k < CBEC_ARRAY_LEN(lits); k++) {
        size_t l = strlen(lits[k].word);
        if (lits[k].word[0] != p->s[i])
            continue;
        if (i + l <= p->n && memcmp(p->s + i, lits[k].word, l) == 0) {
            n->kind = lits[k].kind;
            n->text = lits[k].word;
            n->len = l;
            return i + l;
        }
        if (i + l > p->n && memcmp(p->s + i, lits[k].word, p->n - i) == 0)
            return fail_eof(p), 0;
    }
    return fail(p, i, "JSON syntax error: expected a value", "JSON 语法错误：此处应为 JSON 值"), 0;
}

/* ---- containers ---- */

/* Members of one object with the same name: the first keeps its place and
 * takes the last one's value; the others go.  Objects of up to
 * SMALL_OBJECT members (nearly all) look for a repeated name through a
 * 64-bit filter and confirm a hit against the earlier names; bigger ones
 * through a hash table of names, so that no object costs more than linear
 * time whatever its names.  Returns the number of members kept, or
 * UINT32_MAX when the table cannot be had. */
#define SMALL_OBJECT 32

static bool same_name(const cbec_node *a, const cbec_node *b)
{
    return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

/* m[k] replaces the value of the earlier member m[into], which keeps its name. */
static void take_value(cbec_node *m, uint32_t into, uint32_t k)
{
    const char *key = m[into].key;
    uint32_t keylen = m[into].keylen;
    m[into] = m[k];
    m[into].key = key;
    m[into].keylen = keylen;
}

static uint32_t merge_small(cbec_node *m, uint32_t count)
{
    uint64_t seen = 0;
    bool dup = false;
    for (uint32_t k = 0; k < count && !dup; k++) {
        const char *key = m[k].key;
        uint32_t kl = m[k].keylen;
        unsigned h = kl ? kl * 31u + (unsigned char)key[0] * 7u + (unsigned char)key[kl - 1] : 0;
        uint64_t bit = 1ULL << (h & 63u);
        if (seen & bit)
            for (uint32_t q = 0; q < k && !dup; q++)
                dup = same_name(&m[q], &m[k]);
        seen |= bit;
    }
    if (!dup)
        return count;
    uint32_t out = 0;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t prev = 0;
        while (prev < out && !same_name(&m[prev], &m[k]))
            prev++;
        if (prev < out)
            take_value(m, prev, k);
        else
            m[out++] = m[k];
    }
    return out;
}

static uint32_t merge_duplicates(cbec_json_scratch *sc, cbec_node *m, uint32_t count)
{
    if (count <= SMALL_OBJECT)
        return merge_small(m, count);
    size_t cap = 64;
    while (cap < (size_t)count * 2)
        cap *= 2;
    if (!grow((void **)&sc->slots, &sc->scap, cap, sizeof *sc->slots))
        return UINT32_MAX;
    uint32_t *slot = sc->slots;
    memset(slot, 0xFF, cap * sizeof *slot);
    uint32_t out = 0;
    for (uint32_t k = 0; k < count; k++) {
        size_t i = (size_t)cbec__hash(m[k].key, m[k].keylen) & (cap - 1);
        while (slot[i] != UINT32_MAX && !same_name(&m[slot[i]], &m[k]))
            i = (i + 1) & (cap - 1);
        if (slot[i] != UINT32_MAX) {
            take_value(m, slot[i], k);
        } else {
            m[out] = m[k];
            slot[i] = out++;
        }
    }
    return out;
}

/* Move the children of the innermost open container into the arena. */
static bool close_container(parser *p)
{
    cbec_json_scratch *sc = p->sc;
    frame f = sc->frames[--sc->flen];
    uint32_t count = (uint32_t)(sc->nlen - f.start);
    cbec_node *kids = NULL;
    if (count) {
        kids = cbec__arena_alloc(p->arena, (size_t)count * sizeof *kids);
        if (!kids) {
            p->oom = true;
            return false;
        }
        memcpy(kids, sc->nodes + f.start, (size_t)count * sizeof *kids);
        if (f.object) {
            uint32_t kept = merge_duplicates(sc, kids, count);
            if (kept == UINT32_MAX) {
                p->oom = true;
                return false;
            }
            p->nodes -= count - kept; /* an upper bound of the tree still */
            count = kept;
        }
        for (uint32_t k = 0; k < count; k++) {
            kids[k].index = k;
            for (uint32_t g = 0; g < kids[k].count; g++)
                kids[k].children[g].parent = &kids[k];
        }
    }
    sc->nlen = f.start;
    cbec_node *c = &sc->nodes[f.node];
    c->children = kids;
    c->count = count;
    return true;
}

static bool open_container(parser *p, cbec_node *n, bool object)
{
    cbec_json_scratch *sc = p->sc;
    if (!grow((void **)&sc->frames, &sc->fcap, sc->flen + 1, sizeof *sc->frames)) {
        p->oom = true;
        return false;
    }
    n->kind = object ? CBEC_NODE_OBJECT : CBEC_NODE_ARRAY;
    frame *f = &sc->frames[sc->flen++];
    f->node = (uint32_t)(n - sc->nodes);
    f->start = (uint32_t)sc->nlen;
    f->object = object;
    return true;
}

/* The member name at s[i] (after whitespace) and the colon after it;
 * returns the offset of the value. */
static size_t read_member_name(parser *p, size_t i, const char **key, size_t *keylen)
{
    i = skip_ws(p, i);
    if (i >= p->n)
        return fail_eof(p), 0;
    if (p->s[i] != '"')
        return fail(p, i, "JSON syntax error: expected a member name in double quotes",
                    "JSON 语法错误：此处应为双引号括起的成员名"), 0;
    i = read_string(p, i, key, keylen);
    if (!i)
        return 0;
    i = skip_ws(p, i);
    if (i >= p->n)
        return fail_eof(p), 0;
    if (p->s[i] != ':')
        return fail(p, i, "JSON syntax error: expected ':' after a member name",
                    "JSON 语法错误：成员名之后应为冒号"), 0;
    return i + 1;
}

static bool parse(parser *p, size_t i, cbec_node *root)
{
    cbec_json_scratch *sc = p->sc;
    sc->nlen = sc->flen = 0;
    const char *key = NULL;
    size_t keylen = 0;
    for (;;) {
        /* a value */
        i = skip_ws(p, i);
        if (i >= p->n)
            return fail_eof(p);
        if (sc->flen + 1 > p->max_depth) {
            p->failed = true;
            p->err.rule = "CBEC-LIMIT-DEPTH";
            p->err.at = i;
            return false;
        }
        cbec_node *n = push_node(p, i);
        if (!n)
            return false;
        if (key) {
            n->key = key;
            n->keylen = (uint32_t)keylen;
            key = NULL;
        }
        char c = p->s[i];
        if (c == '{' || c == '[') {
            if (!open_container(p, n, c == '{'))
                return false;
            i = skip_ws(p, i + 1);
            if (i < p->n && p->s[i] == (c == '{' ? '}' : ']')) {
                if (!close_container(p))
                    return false;
                i++;
            } else if (c == '{') {
                if (!(i = read_member_name(p, i, &key, &keylen)))
                    return false;
                continue;
            } else {
                continue;
            }
        } else if (c == '"') {
            n->kind = CBEC_NODE_STRING;
            if (!(i = read_string(p, i, &n->text, &n->len)))
                return false;
        } else if (c == '-' || digit(c)) {
            if (!(i = read_number(p, i, n)))
                return false;
        } else if (!(i = read_literal(p, i, n))) {
            return false;
        }
        /* after a value: the next member or element, or the end of containers */
        for (;;) {
            if (!sc->flen) {
                *root = sc->nodes[0];
                for (uint32_t g = 0; g < root->count; g++)
                    root->children[g].parent = root;
                p->end = i;
                return true;
            }
            i = skip_ws(p, i);
            if (i >= p->n)
                return fail_eof(p);
            bool object = sc->frames[sc->flen - 1].object;
            c = p->s[i];
            if (c == ',') {
                if (object && !(i = read_member_name(p, i + 1, &key, &keylen)))
                    return false;
                if (!object)
                    i++;
                break;
            }
            if (c == (object ? '}' : ']')) {
                if (!close_container(p))
                    return false;
                i++;
                continue;
            }
            return object ? fail(p, i, "JSON syntax error: expected ',' or '}' after an object member",
                                 "JSON 语法错误：对象成员之后应为逗号或 }")
                          : fail(p, i, "JSON syntax error: expected ',' or ']' after an array element",
                                 "JSON 语法错误：数组元素之后应为逗号或 ]");
        }
    }
}

bool cbec__json_read_message(cbec_json_reader *r, const char *src, size_t len,
                             const cbec_read_limits *lim, cbec_arena *arena, cbec_doc *doc,
                             cbec_read_error *e, bool *oom)
{
    *oom = false;
    memset(doc, 0, sizeof *doc);
    doc->src = src;
    doc->srclen = len;
    doc->format = CBEC_FORMAT_JSON;
    if (!cbec__json_check_size(len, lim, e))
        return false;
    cbec_json_scratch *sc = cbec__json_reader_scratch(r);
    if (!sc) {
        *oom = true;
        return false;
    }
    parser p = {src, len, arena, sc, cbec__json_reader_depth(r),
                lim->max_nodes ? lim->max_nodes : 4000000, 0, {0}, false, false, 0};
    size_t start = skip_ws(&p, 0);
    cbec_node *root = start < len ? cbec__arena_calloc(arena, 1, sizeof *root) : NULL;
    if (start < len && !root) {
        *oom = true;
        return false;
    }
    if (start < len && parse(&p, start, root)) {
        size_t end = skip_ws(&p, p.end);
        if (end == len) {
            doc->root = root;
            doc->nodes = p.nodes;
            return true;
        }
        fail(&p, end, "trailing data after the JSON value", "JSON 值之后有多余内容");
    }
    if (p.oom) {
        *oom = true;
        return false;
    }
    /* a NUL byte or bad UTF-8 anywhere is named before a syntax error */
    if (cbec__json_prescan_error(src, len, e))
        return false;
    if (start == len) {
        cbec__read_error_set(e, "CBEC-EMPTY", 0, false, "the message is empty", "报文为空");
        return false;
    }
    char en[160], zh[160];
    if (strcmp(p.err.rule, "CBEC-LIMIT-NODES") == 0) {
        cbec__read_error_nodes(e, p.max_nodes);
    } else if (strcmp(p.err.rule, "CBEC-LIMIT-DEPTH") == 0) {
        snprintf(en, sizeof en, "nesting deeper than the limit of %u levels", p.max_depth);
        snprintf(zh, sizeof zh, "嵌套深度超过上限 %u 层", p.max_depth);
        cbec__read_error_set(e, p.err.rule, p.err.at, true, en, zh);
    } else if (p.err.cp || p.err.en == NULL) {
        snprintf(en, sizeof en, "JSON syntax error: unescaped control character U+%04X in a string", p.err.cp);
        cbec__read_error_set(e, p.err.rule, p.err.at, true, en, "JSON 语法错误：字符串中含未转义的控制字符");
    } else {
        cbec__read_error_set(e, p.err.rule, p.err.at, true, p.err.en, p.err.zh);
    }
    return false;
}

cbec_json_scratch *cbec__json_scratch_new(void) { return cbec__calloc(1, sizeof(cbec_json_scratch)); }

/* ---- positions ---- */

/* The node after n in document order (pre-order), NULL at the end. */
static cbec_node *next_node(cbec_node *n)
{
    if (n->count && (n->kind == CBEC_NODE_OBJECT || n->kind == CBEC_NODE_ARRAY))
        return &n->children[0];
    while (n->parent) {
        if (n->index + 1 < n->parent->count)
            return &n->parent->children[n->index + 1];
        n = n->parent;
    }
    return NULL;
}

typedef struct cursor {
    const unsigned char *s;
    size_t at;
    uint32_t line, col;
} cursor;

/* Line and column (in characters) of node n's offset, counting on from the
 * cursor: a newline starts a line, a byte that does not continue a UTF-8
 * character moves one column; sixteen bytes at a time where SSE2 is there. */
static void place(cursor *c, cbec_node *n)
{
    size_t at = c->at, to = n->span.offset;
    uint32_t line = c->line, col = c->col;
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n'), lead = _mm_set1_epi8((char)0xC0);
    while (at + 16 <= to) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(c->s + at));
        unsigned lines = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline));
        /* continuation bytes (0x80-0xBF) are, signed, the ones below 0xC0 */
        unsigned chars = ~(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, lead)) & 0xFFFFu;
        if (lines) {
            unsigned last = 31u - (unsigned)__builtin_clz(lines);
            line += (uint32_t)__builtin_popcount(lines);
            col = 1 + (uint32_t)__builtin_popcount(chars >> (last + 1));
        } else {
            col += (uint32_t)__builtin_popcount(chars);
        }
        at += 16;
    }
#endif
    for (; at < to; at++) {
        unsigned char b = c->s[at];
        if (b == '\n') {
            line++;
            col = 1;
        } else if ((b & 0xC0) != 0x80) {
            col++;
        }
    }
    c->at = at;
    c->line = line;
    c->col = col;
    n->span.line = line;
    n->span.column = col;
}

static int by_offset(const void *a, const void *b)
{
    uint32_t x = (*(cbec_node *const *)a)->span.offset, y = (*(cbec_node *const *)b)->span.offset;
    return x < y ? -1 : x > y;
}

void cbec__json_message_positions(cbec_doc *doc)
{
    if (doc->positions || !doc->root)
        return;
    doc->positions = true;
    cursor c = {(const unsigned char *)doc->src, 0, 1, 1};
    cbec_node *n = doc->root;
    for (; n && n->span.offset >= c.at; n = next_node(n))
        place(&c, n);
    if (!n)
        return;
    /* a merged duplicate member stands before members that come after it in
       the text: place every node in the order of the text instead */
    cbec_node **all = malloc(doc->nodes * sizeof *all);
    if (!all) {
        for (; n; n = next_node(n))
            n->span.line = 0;
        return;
    }
    size_t k = 0;
    for (n = doc->root; n && k < doc->nodes; n = next_node(n))
        all[k++] = n;
    qsort(all, k, sizeof *all, by_offset);
    c = (cursor){(const unsigned char *)doc->src, 0, 1, 1};
    for (size_t i = 0; i < k; i++)
        place(&c, all[i]);
    free(all);
}
