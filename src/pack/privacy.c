/* privacy.c - data classification: compiling a message type's
 * "classification", finding the class of a node, walking a tree with
 * classes, and masking personal values for reports and redacted copies. */
#include "pack/privacy.h"
#include "pack/compile.h"

#include <stdlib.h>
#include <string.h>

static const char *const class_names[] = {"unset", "public", "internal", "personal", "sensitive-personal"};

const char *cbec__class_name(int cls)
{
    return cls >= 0 && cls < (int)CBEC_ARRAY_LEN(class_names) ? class_names[cls] : "unset";
}

int cbec__class_parse(const char *s, size_t n)
{
    for (int i = CBEC_CLASS_PUBLIC; i < (int)CBEC_ARRAY_LEN(class_names); i++)
        if (cbec__streq(s, n, class_names[i]))
            return i;
    return -1;
}

/* ---- compiling ---- */

void cbec__privacy_free(cbec_privacy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        cbec__path_free(p->entries[i].segs, p->entries[i].nsegs);
    free(p->entries);
    free(p);
}

bool cbec__privacy_compile(cbec_compiler *c, const cbec_node *n, cbec_privacy **out)
{
    *out = NULL;
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"classification\" must be an object mapping JSON Pointers to "
                                         "public, internal, personal or sensitive-personal");
    if (n->count > CBEC_PRIVACY_MAX_ENTRIES)
        return cbec__compile_error(c, n, "\"classification\" has more than %d entries", CBEC_PRIVACY_MAX_ENTRIES);
    cbec_privacy *p = cbec__calloc(1, sizeof *p);
    if (!p)
        return cbec__compile_oom(c);
    *out = p;
    if (n->count && !(p->entries = cbec__calloc(n->count, sizeof *p->entries)))
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *m = &n->children[i];
        int cls = m->kind == CBEC_NODE_STRING ? cbec__class_parse(m->text, m->len) : -1;
        if (cls < 0)
            return cbec__compile_error(c, m, "a classification is \"public\", \"internal\", \"personal\" or "
                                             "\"sensitive-personal\"");
        char *path = cbec__strndup(m->key, m->keylen);
        if (!path)
            return cbec__compile_oom(c);
        cbec_class_entry *e = &p->entries[p->count];
        bool ok = cbec__compile_path(c, m, path, &e->segs, &e->nsegs);
        free(path);
        if (!ok)
            return false;
        p->count++;
        if (e->nsegs > CBEC_PRIVACY_MAX_SEGS)
            return cbec__compile_error(c, m, "a classified path has at most %d segments", CBEC_PRIVACY_MAX_SEGS);
        for (size_t k = 0; k < e->nsegs; k++)
            e->nwild += e->segs[k].wildcard;
        e->cls = cls;
        if (e->nsegs > p->max_segs)
            p->max_segs = e->nsegs;
    }
    return true;
}

/* ---- matching ---- */

/* Does path segment s name node n, a child of parent (a member of an
 * object, or an item of an array by its decimal index)? */
static bool seg_matches(const cbec_path_seg *s, const cbec_node *n, const cbec_node *parent)
{
    if (s->wildcard)
        return true;
    if (!parent)
        return false;
    if (parent->kind == CBEC_NODE_OBJECT)
        return n->key && n->keylen == s->len && memcmp(n->key, s->name, s->len) == 0;
    if (parent->kind == CBEC_NODE_ARRAY) {
        if (!s->len || s->len > 9 || (s->len > 1 && s->name[0] == '0'))
            return false;
        size_t v = 0;
        for (size_t i = 0; i < s->len; i++) {
            if (!cbec__is_digit(s->name[i]))
                return false;
            v = v * 10 + (size_t)(s->name[i] - '0');
        }
        return n >= parent->children && v == (size_t)(n - parent->children);
    }
    return false;
}

/* The nodes from the root down to the node being classified: path[0] is
 * the root, path[d] the node at depth d. */
static bool entry_matches(const cbec_class_entry *e, const cbec_node *const *path)
{
    for (size_t k = e->nsegs; k > 0; k--)
        if (!seg_matches(&e->segs[k - 1], path[k], path[k - 1]))
            return false;
    return true;
}

/* The class one pack gives to the node at depth d (its own entries of that
 * length only), or -1 when none of them matches. */
static int own_class(const cbec_privacy *p, const cbec_node *const *path, size_t d)
{
    int best = -1;
    size_t best_wild = SIZE_MAX;
    for (size_t i = 0; i < p->count; i++) {
        const cbec_class_entry *e = &p->entries[i];
        if (e->nsegs != d || !entry_matches(e, path))
            continue;
        if (e->nwild < best_wild || (e->nwild == best_wild && e->cls > best)) {
            best = e->cls;
            best_wild = e->nwild;
        }
    }
    return best;
}

int cbec__privacy_node_class(const cbec_privacy_set *set, const cbec_node *root, const cbec_node *n)
{
    if (!set || !set->n || !n)
        return CBEC_CLASS_UNSET;
    size_t maxd = 0;
    for (size_t k = 0; k < set->n; k++)
        if (set->p[k] && set->p[k]->max_segs > maxd)
            maxd = set->p[k]->max_segs;
    size_t depth = 0;
    for (const cbec_node *a = n; a != root && a->parent; a = a->parent)
        depth++;
    /* only the top maxd + 1 levels can match: below them a node has the
     * class of its ancestor at depth maxd */
    const cbec_node *a = n;
    for (size_t d = depth; d > maxd; d--)
        a = a->parent;
    size_t top = depth < maxd ? depth : maxd;
    const cbec_node *path[CBEC_PRIVACY_MAX_SEGS + 1];
    for (size_t d = top + 1; d > 0; d--) {
        path[d - 1] = a;
        a = a->parent;
    }
    int result = CBEC_CLASS_UNSET;
    for (size_t k = 0; k < set->n; k++) {
        const cbec_privacy *p = set->p[k];
        if (!p || !p->count)
            continue;
        for (size_t d = top + 1; d > 0; d--) {
            int c = own_class(p, path, d - 1);
            if (c >= 0) {
                if (c > result)
                    result = c;
                break;
            }
        }
    }
    return result;
}

/* The class of the current node's ancestor at depth d, from the rows. */
static int class_at(const int *cls, size_t np, size_t maxd, size_t d)
{
    int c = CBEC_CLASS_UNSET;
    for (size_t k = 0; k < np; k++)
        if (cls[k * (maxd + 1) + d] > c)
            c = cls[k * (maxd + 1) + d];
    return c;
}

typedef struct frame {
    const cbec_node *n;
    uint32_t next;      /* the child to visit next */
} frame;

bool cbec__privacy_walk(const cbec_privacy_set *set, const cbec_node *root, cbec_privacy_visit visit, void *ud)
{
    if (!root)
        return true;
    size_t maxd = 0, np = set ? set->n : 0;
    for (size_t k = 0; k < np; k++)
        if (set->p[k] && set->p[k]->max_segs > maxd)
            maxd = set->p[k]->max_segs;
    /* cls[k * (maxd + 1) + d]: pack k's class of the ancestor at depth d
     * (d <= maxd), so each node's class comes from its parent's.  An
     * explicit stack, not parent pointers: a tree a binding assembled may
     * share subtrees with the wire tree. */
    int *cls = np ? cbec__calloc(np * (maxd + 1), sizeof *cls) : NULL;
    size_t cap = 64, depth = 0;
    frame *st = cbec__calloc(cap, sizeof *st);
    const cbec_node *path[CBEC_PRIVACY_MAX_SEGS + 1];
    if ((np && !cls) || !st) {
        free(cls);
        free(st);
        return false;
    }
    bool ok = true;
    int deep_class = CBEC_CLASS_UNSET; /* class of everything below maxd */
    const cbec_node *n = root;
    for (;;) {
        /* enter n at depth */
        int c = CBEC_CLASS_UNSET;
        if (depth <= maxd) {
            path[depth] = n;
            for (size_t k = 0; k < np; k++) {
                int *row = cls + k * (maxd + 1);
                int own = set->p[k] ? own_class(set->p[k], path, depth) : -1;
                row[depth] = own >= 0 ? own : depth ? row[depth - 1] : CBEC_CLASS_UNSET;
                if (row[depth] > c)
                    c = row[depth];
            }
            if (depth == maxd)
                deep_class = c;
        } else {
            c = deep_class;
        }
        bool down = visit(ud, n, c, false);
        if (down && (n->kind == CBEC_NODE_OBJECT || n->kind == CBEC_NODE_ARRAY) && n->count) {
            if (depth + 1 == cap) {
                frame *bigger = realloc(st, cap * 2 * sizeof *st);
                if (!bigger) {
                    ok = false;
                    break;
                }
                st = bigger;
                cap *= 2;
            }
            st[depth] = (frame){n, 1};
            depth++;
            n = &n->children[0];
            continue;
        }
        /* the next sibling, leaving finished containers on the way up */
        while (depth > 0 && st[depth - 1].next >= st[depth - 1].n->count) {
            depth--;
            visit(ud, st[depth].n, depth <= maxd ? class_at(cls, np, maxd, depth) : deep_class, true);
        }
        if (depth == 0)
            break;
        n = &st[depth - 1].n->children[st[depth - 1].next++];
    }
    free(cls);
    free(st);
    return ok;
}

/* ---- masks ---- */

/* Length of the UTF-8 sequence at s (1 for a stray byte). */
static size_t seq_len(const unsigned char *s, size_t n)
{
    size_t k = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    if (k > n)
        return 1;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    return k;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i += seq_len((const unsigned char *)s + i, n - i))
        c++;
    return c;
}

static void stars(cbec_buf *b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        cbec__buf_addc(b, '*');
}

/* ASCII letters and digits only (identifiers, account and card numbers). */
static bool is_code(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]))
            return false;
    return n > 0;
}

/* "+" then digits, spaces and hyphens, with at least 5 digits. */
static bool is_phone(const char *s, size_t n, size_t *digits)
{
    if (n < 2 || s[0] != '+')
        return false;
    size_t d = 0;
    for (size_t i = 1; i < n; i++) {
        if (cbec__is_digit(s[i]))
            d++;
        else if (s[i] != ' ' && s[i] != '-')
            return false;
    }
    *digits = d;
    return d >= 5;
}

static void mask_phone(cbec_buf *b, const char *s, size_t n, size_t d)
{
    /* keep the country code and operator prefix and the last digits, as
     * Chinese carriers print numbers: +86138****5678 */
    size_t last = d >= 9 ? 4 : 2;
    size_t hidden = d >= 9 ? 4 : d - last - 1;
    if (hidden < 3 && d >= 6)
        hidden = 3;
    size_t first = d - last - hidden;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cbec__is_digit(s[i])) {
            cbec__buf_addc(b, s[i]);
            continue;
        }
        cbec__buf_addc(b, k >= first && k < first + hidden ? '*' : s[i]);
        k++;
    }
}

static void mask_code(cbec_buf *b, const char *s, size_t n)
{
    size_t first, last;
    if (n >= 12) {
        first = 4;
        last = 4;
    } else if (n >= 8) {
        first = 3;
        last = n >= 11 ? 4 : 2;
    } else if (n >= 4) {
        first = 1;
        last = 1;
    } else {
        cbec__buf_adds(b, "***");
        return;
    }
    cbec__buf_add(b, s, first);
    stars(b, n - first - last);
    cbec__buf_add(b, s + n - last, last);
}

static void mask_text(cbec_buf *b, const char *s, size_t n, int cls)
{
    size_t chars = count_chars(s, n);
    if (cls >= CBEC_CLASS_SENSITIVE || chars <= 1) {
        cbec__buf_adds(b, chars == 1 && cls < CBEC_CLASS_SENSITIVE ? "*" : "***");
        return;
    }
    size_t k1 = seq_len((const unsigned char *)s, n);
    cbec__buf_add(b, s, k1);
    if (chars == 2) {
        cbec__buf_addc(b, '*');
        return;
    }
    /* the first and last characters; long texts do not show their length */
    stars(b, chars - 2 > 8 ? 8 : chars - 2);
    size_t i = n - 1;
    while (i > k1 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    if (seq_len((const unsigned char *)s + i, n - i) == n - i)
        cbec__buf_add(b, s + i, n - i);
    else
        cbec__buf_addc(b, '*');
}

void cbec__privacy_mask(cbec_buf *b, const char *s, size_t n, int cls)
{
    size_t d;
    const char *at = n ? memchr(s, '@', n) : NULL;
    if (is_phone(s, n, &d)) {
        mask_phone(b, s, n, d);
    } else if (is_code(s, n)) {
        mask_code(b, s, n);
    } else if (at && at > s && (size_t)(at - s) + 1 < n && !memchr(at + 1, '@', n - (size_t)(at - s) - 1)) {
        /* e-mail: the first character of the local part and the domain */
        cbec__buf_add(b, s, seq_len((const unsigned char *)s, (size_t)(at - s)));
        cbec__buf_adds(b, "***");
        if (cls >= CBEC_CLASS_SENSITIVE)
            cbec__buf_adds(b, "@***");
        else
            cbec__buf_add(b, at, n - (size_t)(at - s));
    } else {
        mask_text(b, s, n, cls);
    }
}

bool cbec__privacy_is_masked(const char *s, size_t n)
{
    size_t run = 0;
    bool star = false;
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '*' ? run + 1 : 0;
        star |= s[i] == '*';
        if (run >= 3)
            return true;
    }
    return star && count_chars(s, n) < 6;
}
