/* regex-dfa.c - a deterministic automaton for the simple anchored patterns
 * packs mostly hold ("^[A-Z0-9]{1,3}$", "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"),
 * so that matching them against ASCII text is a table walk instead of a
 * PCRE2 call.
 *
 * Only a small subset of the syntax is taken: literal ASCII characters,
 * escaped punctuation, \d, bracket classes of ASCII characters and ranges
 * (negated too), groups ((...) and (?:...)), alternation, and the greedy
 * quantifiers ? * + {n} {n,} {n,m}; the whole pattern between ^ and $.
 * Anything else leaves the pattern to PCRE2 alone.  The automaton is the
 * Glushkov automaton of the pattern (one state per character position),
 * kept only when it is deterministic: then every subject has at most one
 * way through the pattern, PCRE2's backtracking is linear in the subject,
 * and on the short subjects given to the automaton PCRE2 can never reach
 * its match limits, so both always give the same answer.  Subjects with a
 * byte >= 0x80 (whose UTF-8 PCRE2 checks) or longer than DFA_MAX_SUBJECT
 * go to PCRE2 as before. */
#include "rules/regex-dfa.h"
#include "core/core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POS 256          /* character positions (automaton states but one) */
#define MAX_REPEAT 255       /* the largest count of {n,m} */
#define MAX_NODES 1024       /* syntax tree nodes */
#define MAX_DEPTH 32         /* nesting of groups */
#define DFA_MAX_SUBJECT 256  /* longer subjects go to PCRE2 */
#define DEAD 0xFFFFu

/* ---- the syntax tree ---- */

typedef enum { N_SET, N_CAT, N_ALT, N_REP } node_kind;

typedef struct rx_node {
    node_kind kind;
    uint64_t set[2];      /* N_SET: the ASCII characters it takes */
    int a, b;             /* N_CAT, N_ALT: children; N_REP: a = child */
    int min, max;         /* N_REP: max -1 for no limit */
} rx_node;

typedef struct parser {
    const char *s;
    size_t n, i;
    rx_node nodes[MAX_NODES];
    int count;
    int depth;
    bool failed;
} parser;

static int new_node(parser *p, node_kind k)
{
    if (p->count == MAX_NODES) {
        p->failed = true;
        return -1;
    }
    rx_node *x = &p->nodes[p->count];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->a = x->b = -1;
    return p->count++;
}

static void set_add(uint64_t set[2], unsigned c) { set[c >> 6] |= 1ULL << (c & 63); }
static bool set_has(const uint64_t set[2], unsigned c) { return (set[c >> 6] >> (c & 63)) & 1; }

static bool is_meta(int c) { return c && strchr("^$.|?*+()[]{}\\", c) != NULL; }
static bool is_alnum_ascii(int c) { return cbec__is_alnum(c); }

/* One escaped character after a backslash, outside or inside a class:
 * punctuation stands for itself, \d for the ASCII digits (the only ones
 * in an ASCII subject); nothing else is taken. */
static bool escape(parser *p, uint64_t set[2])
{
    if (p->i >= p->n) {
        p->failed = true;
        return false;
    }
    int c = (unsigned char)p->s[p->i++];
    if (c == 'd') {
        for (unsigned k = '0'; k <= '9'; k++)
            set_add(set, k);
        return true;
    }
    if (c < 0x21 || c > 0x7E || is_alnum_ascii(c)) {
        p->failed = true;
        return false;
    }
    set_add(set, (unsigned)c);
    return true;
}

/* A single character of a class (for ranges): -1 when it is not one. */
static int class_char(parser *p)
{
    if (p->i >= p->n)
        return -1;
    int c = (unsigned char)p->s[p->i];
    if (c == '\\') {
        if (p->i + 1 >= p->n)
            return -1;
        int d = (unsigned char)p->s[p->i + 1];
        if (d < 0x21 || d > 0x7E || is_alnum_ascii(d))
            return -1;
        p->i += 2;
        return d;
    }
    if (c < 0x20 || c > 0x7E || c == '[' || c == ']')
        return -1;
    p->i++;
    return c;
}

static int parse_class(parser *p)
{
    int id = new_node(p, N_SET);
    if (id < 0)
        return -1;
    uint64_t set[2] = {0, 0};
    bool negate = p->i < p->n && p->s[p->i] == '^';
    if (negate)
        p->i++;
    /* "[]" and "[]a]" differ between dialects: not taken */
    if (p->i < p->n && p->s[p->i] == ']') {
        p->failed = true;
        return -1;
    }
    while (p->i < p->n && p->s[p->i] != ']') {
        if (p->s[p->i] == '\\' && p->i + 1 < p->n && p->s[p->i + 1] == 'd') {
            p->i++;
            escape(p, set);
            /* "[\d-z]" is an error or a literal "-" depending on the engine */
            if (p->i < p->n && p->s[p->i] == '-') {
                p->failed = true;
                return -1;
            }
            continue;
        }
        int lo = class_char(p);
        if (lo < 0) {
            p->failed = true;
            return -1;
        }
        if (p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
            /* a range ("[--/]" too); a "-" first or last is a literal */
            p->i++;
            int hi = class_char(p);
            if (hi < 0 || hi < lo) {
                p->failed = true;
                return -1;
            }
            for (int k = lo; k <= hi; k++)
                set_add(set, (unsigned)k);
            /* "[a-c-e]": a "-" right after a range is read differently
             * by different engines */
            if (p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
                p->failed = true;
                return -1;
            }
        } else {
            set_add(set, (unsigned)lo);
        }
    }
    if (p->i >= p->n) {
        p->failed = true;
        return -1;
    }
    p->i++; /* ']' */
    if (negate) {
        set[0] = ~set[0];
        set[1] = ~set[1];
    }
    p->nodes[id].set[0] = set[0];
    p->nodes[id].set[1] = set[1];
    return id;
}

static int parse_alt(parser *p);

static bool read_count(parser *p, int *out)
{
    size_t start = p->i;
    int v = 0;
    while (p->i < p->n && cbec__is_digit(p->s[p->i]) && p->i - start < 4)
        v = v * 10 + (p->s[p->i++] - '0');
    if (p->i == start || v > MAX_REPEAT)
        return false;
    *out = v;
    return true;
}

/* An atom and its quantifier; 0 when the sequence ends here. */
static int parse_piece(parser *p, int *out)
{
    *out = -1;
    if (p->i >= p->n)
        return 0;
    int c = (unsigned char)p->s[p->i];
    int atom;
    if (c == '|' || c == ')' || c == '$')
        return 0;
    if (c == '(') {
        p->i++;
        if (p->i < p->n && p->s[p->i] == '?') {
            if (p->i + 1 < p->n && p->s[p->i + 1] == ':')
                p->i += 2;
            else {
                p->failed = true;
                return -1;
            }
        }
        if (++p->depth > MAX_DEPTH) {
            p->failed = true;
            return -1;
        }
        atom = parse_alt(p);
        p->depth--;
        if (p->failed || p->i >= p->n || p->s[p->i] != ')') {
            p->failed = true;
            return -1;
        }
        p->i++;
    } else if (c == '[') {
        p->i++;
        atom = parse_class(p);
    } else if (c == '\\') {
        p->i++;
        atom = new_node(p, N_SET);
        if (atom >= 0)
            escape(p, p->nodes[atom].set);
    } else if (c >= 0x20 && c <= 0x7E && !is_meta(c)) {
        p->i++;
        atom = new_node(p, N_SET);
        if (atom >= 0)
            set_add(p->nodes[atom].set, (unsigned)c);
    } else {
        p->failed = true;
        return -1;
    }
    if (p->failed || atom < 0) {
        p->failed = true;
        return -1;
    }
    /* the quantifier */
    int min = 1, max = 1;
    if (p->i < p->n) {
        c = (unsigned char)p->s[p->i];
        if (c == '?' || c == '*' || c == '+') {
            p->i++;
            min = c == '+' ? 1 : 0;
            max = c == '?' ? 1 : -1;
        } else if (c == '{') {
            p->i++;
            if (!read_count(p, &min)) {
                p->failed = true;
                return -1;
            }
            max = min;
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                max = -1;
                if (p->i < p->n && p->s[p->i] != '}' && (!read_count(p, &max) || max < min)) {
                    p->failed = true;
                    return -1;
                }
            }
            if (p->i >= p->n || p->s[p->i] != '}') {
                p->failed = true;
                return -1;
            }
            p->i++;
        }
        /* lazy and possessive forms, or a quantifier of a quantifier */
        if (p->i < p->n && (p->s[p->i] == '?' || p->s[p->i] == '+' || p->s[p->i] == '*' || p->s[p->i] == '{') &&
            (min != 1 || max != 1 || c == '{')) {
            p->failed = true;
            return -1;
        }
    }
    if (min == 1 && max == 1) {
        *out = atom;
        return 1;
    }
    int rep = new_node(p, N_REP);
    if (rep < 0)
        return -1;
    p->nodes[rep].a = atom;
    p->nodes[rep].min = min;
    p->nodes[rep].max = max;
    *out = rep;
    return 1;
}

/* A sequence of pieces, possibly empty (an empty N_CAT). */
static int parse_seq(parser *p)
{
    int seq = new_node(p, N_CAT);
    if (seq < 0)
        return -1;
    int last = seq;
    for (;;) {
        int piece;
        int rc = parse_piece(p, &piece);
        if (rc <= 0 || p->failed)
            break;
        /* a right-leaning chain of N_CAT: a = piece, b = the rest */
        if (p->nodes[last].a < 0) {
            p->nodes[last].a = piece;
        } else {
            int next = new_node(p, N_CAT);
            if (next < 0)
                return -1;
            p->nodes[next].a = piece;
            p->nodes[last].b = next;
            last = next;
        }
    }
    return p->failed ? -1 : seq;
}

static int parse_alt(parser *p)
{
    int left = parse_seq(p);
    while (!p->failed && p->i < p->n && p->s[p->i] == '|') {
        p->i++;
        int right = parse_seq(p);
        int alt = new_node(p, N_ALT);
        if (alt < 0 || right < 0)
            return -1;
        p->nodes[alt].a = left;
        p->nodes[alt].b = right;
        left = alt;
    }
    return p->failed ? -1 : left;
}

/* ---- the Glushkov automaton ---- */

typedef struct pset {
    uint64_t w[MAX_POS / 64];
} pset;

typedef struct builder {
    const parser *p;
    int npos;
    uint64_t pos_set[MAX_POS][2];   /* the characters of each position */
    pset follow[MAX_POS];
    bool failed;
} builder;

typedef struct glu {
    pset first, last;
    bool nullable;
} glu;

static void pset_or(pset *a, const pset *b)
{
    for (size_t k = 0; k < MAX_POS / 64; k++)
        a->w[k] |= b->w[k];
}

static bool pset_has(const pset *a, int i) { return (a->w[i >> 6] >> (i & 63)) & 1; }

/* The first member of a at or after i (below n), or -1. */
static int pset_next(const pset *a, int i, int n)
{
    while (i < n) {
        uint64_t w = a->w[i >> 6] >> (i & 63);
        if (w)
            return i + __builtin_ctzll(w) < n ? i + __builtin_ctzll(w) : -1;
        i = (i | 63) + 1;
    }
    return -1;
}

/* follow(x) += what for every position x in from.  A pair already
 * joined means two ways through the pattern spell the same text, as in
 * (a+)+: the automaton cannot see it, but a backtracking engine tries
 * both, exponentially often, so such a pattern is left to PCRE2 (whose
 * limits then decide as before). */
static void add_follow(builder *b, const pset *from, const pset *what)
{
    for (int i = pset_next(from, 0, b->npos); i >= 0; i = pset_next(from, i + 1, b->npos)) {
        for (size_t k = 0; k < MAX_POS / 64; k++)
            if (b->follow[i].w[k] & what->w[k])
                b->failed = true;
        pset_or(&b->follow[i], what);
    }
}

static glu build(builder *b, int id);

static bool ast_nullable(const parser *p, int id)
{
    if (id < 0)
        return true;
    const rx_node *x = &p->nodes[id];
    switch (x->kind) {
    case N_SET: return false;
    case N_CAT:
        for (int k = id; k >= 0; k = p->nodes[k].b)
            if (!ast_nullable(p, p->nodes[k].a))
                return false;
        return true;
    case N_ALT: return ast_nullable(p, x->a) || ast_nullable(p, x->b);
    case N_REP: return x->min == 0 || ast_nullable(p, x->a);
    }
    return false;
}

static glu cat(builder *b, glu x, glu y)
{
    add_follow(b, &x.last, &y.first);
    glu r = x;
    if (x.nullable)
        pset_or(&r.first, &y.first);
    r.last = y.last;
    if (y.nullable)
        pset_or(&r.last, &x.last);
    r.nullable = x.nullable && y.nullable;
    return r;
}

static glu empty(void)
{
    glu r;
    memset(&r, 0, sizeof r);
    r.nullable = true;
    return r;
}

static glu build_rep(builder *b, const rx_node *x)
{
    glu r = empty();
    /* a repeated part that can be empty splits text in many ways too */
    if (x->max != 1 && ast_nullable(b->p, x->a))
        b->failed = true;
    for (int k = 0; k < x->min && !b->failed; k++)
        r = cat(b, r, build(b, x->a));
    if (x->max < 0) {
        glu s = build(b, x->a);
        add_follow(b, &s.last, &s.first);
        s.nullable = true;
        return cat(b, r, s);
    }
    /* x{n,m}: the optional copies nested, (x(x(x)?)?)?, so that the
     * automaton of a deterministic x stays deterministic */
    int opt = x->max - x->min;
    if (!opt)
        return r;
    glu *copies = calloc((size_t)opt, sizeof *copies);
    if (!copies) {
        b->failed = true;
        return r;
    }
    for (int k = 0; k < opt && !b->failed; k++)
        copies[k] = build(b, x->a);
    glu tail = empty();
    for (int k = opt - 1; k >= 0 && !b->failed; k--) {
        glu t = cat(b, copies[k], tail);
        t.nullable = true;
        tail = t;
    }
    free(copies);
    return cat(b, r, tail);
}

static glu build(builder *b, int id)
{
    if (b->failed || id < 0)
        return empty();
    const rx_node *x = &b->p->nodes[id];
    switch (x->kind) {
    case N_SET: {
        glu r;
        memset(&r, 0, sizeof r);
        if (b->npos == MAX_POS) {
            b->failed = true;
            return r;
        }
        int i = b->npos++;
        b->pos_set[i][0] = x->set[0];
        b->pos_set[i][1] = x->set[1];
        memset(&b->follow[i], 0, sizeof b->follow[i]);
        r.first.w[i >> 6] |= 1ULL << (i & 63);
        r.last = r.first;
        r.nullable = false;
        return r;
    }
    case N_CAT: {
        glu r = empty();
        for (int k = id; k >= 0 && !b->failed; k = b->p->nodes[k].b)
            if (b->p->nodes[k].a >= 0)
                r = cat(b, r, build(b, b->p->nodes[k].a));
        return r;
    }
    case N_ALT: {
        glu l = build(b, x->a), r = build(b, x->b);
        pset_or(&l.first, &r.first);
        pset_or(&l.last, &r.last);
        l.nullable = l.nullable || r.nullable;
        return l;
    }
    case N_REP: return build_rep(b, x);
    }
    return empty();
}

/* The table has one row of ncls columns per state; a state is known by
 * the offset of its row, so a step is one look-up and one add. */
struct cbec_regex_dfa {
    bool dollar_endonly;
    int ncls;
    uint8_t cls[128];       /* character -> column */
    uint16_t *next;         /* row offset of the next state, or DEAD */
    uint8_t *accept;        /* by row offset (at the start of each row) */
};

void cbec__regex_dfa_free(cbec_regex_dfa *d)
{
    if (!d)
        return;
    free(d->next);
    free(d->accept);
    free(d);
}

cbec_regex_dfa *cbec__regex_dfa_build(const char *pattern, size_t len, bool dollar_endonly)
{
    /* the whole pattern between ^ and $, nothing outside */
    if (len < 2 || pattern[0] != '^' || pattern[len - 1] != '$')
        return NULL;
    /* both are filled as they are used (nodes and positions are cleared
     * when made), so their tables need no clearing here */
    parser *p = malloc(sizeof *p);
    builder *b = malloc(sizeof *b);
    cbec_regex_dfa *d = calloc(1, sizeof *d);
    if (!p || !b || !d)
        goto fail;
    p->s = pattern;
    p->n = len - 1; /* without the final '$' */
    p->i = 1;
    p->count = 0;
    p->depth = 0;
    p->failed = false;
    b->npos = 0;
    b->failed = false;
    int root = parse_alt(p);
    /* "^a|b$" is (^a)|(b$): only a single branch between the anchors; the
     * final "$" must be the one that ends the pattern, not an escaped one */
    if (p->failed || root < 0 || p->i != p->n || p->nodes[root].kind == N_ALT)
        goto fail;
    size_t bs = 0;
    for (size_t k = len - 1; k > 0 && pattern[k - 1] == '\\'; k--)
        bs++;
    if (bs % 2)
        goto fail;
    b->p = p;
    glu g = build(b, root);
    if (b->failed)
        goto fail;
    /* deterministic: from every state, the positions that may come next
     * take disjoint characters */
    int nstates = b->npos + 1;
    for (int s = 0; s < nstates; s++) {
        const pset *f = s == 0 ? &g.first : &b->follow[s - 1];
        uint64_t seen[2] = {0, 0};
        for (int i = pset_next(f, 0, b->npos); i >= 0; i = pset_next(f, i + 1, b->npos)) {
            if ((seen[0] & b->pos_set[i][0]) || (seen[1] & b->pos_set[i][1]))
                goto fail;
            seen[0] |= b->pos_set[i][0];
            seen[1] |= b->pos_set[i][1];
        }
    }
    /* columns: characters that no position tells apart share one; each
     * character's signature is the set of positions that take it */
    pset *sig = calloc(128, sizeof *sig);
    unsigned char rep[128];
    if (!sig)
        goto fail;
    for (int i = 0; i < b->npos; i++)
        for (unsigned h = 0; h < 2; h++)
            for (uint64_t w = b->pos_set[i][h]; w; w &= w - 1)
                sig[h * 64 + (unsigned)__builtin_ctzll(w)].w[i >> 6] |= 1ULL << (i & 63);
    int ncls = 0;
    for (unsigned c = 0; c < 128; c++) {
        int k = 0;
        while (k < ncls && memcmp(&sig[rep[k]], &sig[c], sizeof sig[c]) != 0)
            k++;
        if (k == ncls)
            rep[ncls++] = (unsigned char)c;
        d->cls[c] = (uint8_t)k;
    }
    free(sig);
    d->ncls = ncls;
    d->dollar_endonly = dollar_endonly;
    d->next = malloc((size_t)nstates * (size_t)ncls * sizeof *d->next);
    d->accept = calloc((size_t)nstates * (size_t)ncls, 1);
    if (!d->next || !d->accept)
        goto fail;
    for (int s = 0; s < nstates; s++) {
        const pset *f = s == 0 ? &g.first : &b->follow[s - 1];
        uint16_t *row = d->next + (size_t)s * (size_t)ncls;
        for (int k = 0; k < ncls; k++)
            row[k] = DEAD;
        for (int i = pset_next(f, 0, b->npos); i >= 0; i = pset_next(f, i + 1, b->npos))
            for (int k = 0; k < ncls; k++)
                if (set_has(b->pos_set[i], rep[k]))
                    row[k] = (uint16_t)((i + 1) * ncls);
        d->accept[(size_t)s * (size_t)ncls] = s == 0 ? g.nullable : pset_has(&g.last, s - 1);
    }
    free(p);
    free(b);
    return d;
fail:
    free(p);
    free(b);
    cbec__regex_dfa_free(d);
    return NULL;
}

int cbec__regex_dfa_match(const cbec_regex_dfa *d, const char *s, size_t n)
{
    if (n > DFA_MAX_SUBJECT)
        return -1;
    unsigned st = 0, before_last = 0;
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            return -1;
        unsigned to = d->next[st + d->cls[c]];
        if (to == DEAD)
            break;
        before_last = st;
        st = to;
    }
    if (i == n && d->accept[st])
        return 1;
    /* the answer is PCRE2's only when the rest is ASCII too */
    for (size_t k = i; k < n; k++)
        if ((unsigned char)s[k] >= 0x80)
            return -1;
    /* PCRE2's "$" (without DOLLAR_ENDONLY) also matches before a newline
     * that ends the subject: the text without it may match */
    if (!d->dollar_endonly && n && s[n - 1] == '\n') {
        if (i == n)
            return d->accept[before_last];
        if (i == n - 1)
            return d->accept[st];
    }
    return 0;
}
