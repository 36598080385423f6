/* doc.c - navigation helpers over the format-neutral document tree. */
#include "doc/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cbec_node *cbec__node_member(const cbec_node *obj, const char *name, size_t namelen)
{
    if (!obj || obj->kind != CBEC_NODE_OBJECT)
        return NULL;
    /* from the end: the last of duplicate names wins, and the search stops there */
    for (uint32_t i = obj->count; i-- > 0;) {
        const cbec_node *c = &obj->children[i];
        if (c->keylen == namelen && (!namelen || c->key[0] == name[0]) && memcmp(c->key, name, namelen) == 0)
            return c;
    }
    return NULL;
}

static void pointer_rec(const cbec_node *n, cbec_buf *b)
{
    if (!n->parent)
        return;
    pointer_rec(n->parent, b);
    cbec__buf_addc(b, '/');
    if (n->parent->kind == CBEC_NODE_ARRAY)
        cbec__buf_add_ulong(b, n->index);
    else
        cbec__buf_add_pointer_token(b, n->key, n->keylen);
}

void cbec__node_json_pointer(const cbec_node *n, cbec_buf *b)
{
    if (n)
        pointer_rec(n, b);
}

/* An XML element path: names as written (prefix included), a 1-based
 * position after an element that repeats, "@name" for attributes and
 * "text()" for the text of an element that also has attributes. */
static void xml_path_rec(const cbec_node *n, cbec_buf *b)
{
    const cbec_node *p = n->parent;
    if (!p)
        return;
    xml_path_rec(p, b);
    if (p->kind == CBEC_NODE_ARRAY) {
        if (p->flags & CBEC_NODEF_ELEMENT_LIST) {
            cbec__buf_addc(b, '[');
            cbec__buf_add_ulong(b, (unsigned long)n->index + 1);
            cbec__buf_addc(b, ']');
        } else {
            cbec__buf_addc(b, '/');
            cbec__buf_add_ulong(b, n->index);
        }
        return;
    }
    cbec__buf_addc(b, '/');
    if (n->keylen == 5 && memcmp(n->key, "#text", 5) == 0)
        cbec__buf_adds(b, "text()");
    else
        cbec__buf_add(b, n->key - n->prefixlen, (size_t)n->keylen + n->prefixlen);
}

void cbec__node_pointer(const cbec_node *n, cbec_buf *b)
{
    /* a bound logical node shows where it stands in the message itself */
    for (unsigned hops = 0; n && (n->flags & CBEC_NODEF_BOUND) && n->origin && hops < 64; hops++)
        n = n->origin;
    if (!n)
        return;
    const cbec_node *root = n;
    while (root->parent)
        root = root->parent;
    if (root->flags & CBEC_NODEF_XML_DOC)
        xml_path_rec(n, b);
    else
        pointer_rec(n, b);
}

const char *cbec__kind_name(int kind)
{
    switch ((cbec_kind)kind) {
    case CBEC_NODE_NULL: return "null";
    case CBEC_NODE_BOOL: return "boolean";
    case CBEC_NODE_NUMBER: return "number";
    case CBEC_NODE_STRING: return "string";
    case CBEC_NODE_OBJECT: return "object";
    case CBEC_NODE_ARRAY: return "array";
    }
    return "unknown";
}

static int member_order(const void *a, const void *b)
{
    const cbec_node *x = *(const cbec_node *const *)a, *y = *(const cbec_node *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

/* Members in canonical order: sorted by name, stable among equal names
 * (as glibc's merge sort leaves them).  Objects of a pack are small and
 * mostly written in order, so an insertion sort on the stack serves them;
 * bigger ones are sorted in a buffer of their own.  NULL when out of memory. */
#define CANON_SMALL 16

static const cbec_node **member_order_of(const cbec_node *n, const cbec_node **small)
{
    const cbec_node **order = small;
    if (n->count > CANON_SMALL && !(order = malloc(n->count * sizeof *order)))
        return NULL;
    for (uint32_t i = 0; i < n->count; i++)
        order[i] = &n->children[i];
    if (n->count > CANON_SMALL) {
        qsort(order, n->count, sizeof *order, member_order);
        return order;
    }
    for (uint32_t i = 1; i < n->count; i++) {
        const cbec_node *m = order[i];
        uint32_t j = i;
        for (; j > 0 && member_order(&order[j - 1], &m) > 0; j--)
            order[j] = order[j - 1];
        order[j] = m;
    }
    return order;
}

static void canonical_object(const cbec_node *n, cbec_buf *b, size_t (*ranges)[2])
{
    const cbec_node *small[CANON_SMALL];
    const cbec_node **order = member_order_of(n, small);
    if (!order) {
        b->oom = true;
        return;
    }
    cbec__buf_addc(b, '{');
    for (uint32_t i = 0; i < n->count; i++) {
        if (i)
            cbec__buf_addc(b, ',');
        cbec__buf_addc(b, '"');
        cbec__buf_add_json_escaped(b, order[i]->key, order[i]->keylen);
        cbec__buf_adds(b, "\":");
        size_t start = b->len;
        cbec__node_canonical(order[i], b);
        if (ranges) {
            size_t at = (size_t)(order[i] - n->children);
            ranges[at][0] = start;
            ranges[at][1] = b->len;
        }
    }
    cbec__buf_addc(b, '}');
    if (order != small)
        free(order);
}

void cbec__node_canonical(const cbec_node *n, cbec_buf *b)
{
    switch ((cbec_kind)n->kind) {
    case CBEC_NODE_NULL:
    case CBEC_NODE_BOOL:
    case CBEC_NODE_NUMBER:
        cbec__buf_add(b, n->text, n->len);
        return;
    case CBEC_NODE_STRING:
        cbec__buf_addc(b, '"');
        cbec__buf_add_json_escaped(b, n->text, n->len);
        cbec__buf_addc(b, '"');
        return;
    case CBEC_NODE_ARRAY:
        cbec__buf_addc(b, '[');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cbec__buf_addc(b, ',');
            cbec__node_canonical(&n->children[i], b);
        }
        cbec__buf_addc(b, ']');
        return;
    case CBEC_NODE_OBJECT:
        canonical_object(n, b, NULL);
        return;
    }
}

void cbec__node_canonical_members(const cbec_node *n, cbec_buf *b, size_t (*ranges)[2])
{
    if (n->kind == CBEC_NODE_OBJECT)
        canonical_object(n, b, ranges);
    else
        cbec__node_canonical(n, b);
}

void cbec__read_error_set(cbec_read_error *e, const char *rule, size_t offset, bool has_offset, const char *en,
                          const char *zh)
{
    e->rule = rule;
    e->offset = offset;
    e->has_offset = has_offset;
    snprintf(e->message_en, sizeof e->message_en, "%s", en);
    snprintf(e->message_zh, sizeof e->message_zh, "%s", zh);
}

void cbec__read_error_nodes(cbec_read_error *e, size_t max_nodes)
{
    char en[160], zh[160];
    snprintf(en, sizeof en, "more than %zu values in the message", max_nodes);
    snprintf(zh, sizeof zh, "报文中的值超过 %zu 个", max_nodes);
    cbec__read_error_set(e, "CBEC-LIMIT-NODES", 0, false, en, zh);
}
