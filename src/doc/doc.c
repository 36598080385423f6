/* doc.c - navigation helpers over the format-neutral document tree. */
#include "doc/doc.h"

#include <string.h>

const cbec_node *cbec__node_member(const cbec_node *obj, const char *name, size_t namelen)
{
    if (!obj || obj->kind != CBEC_NODE_OBJECT)
        return NULL;
    const cbec_node *found = NULL;
    for (uint32_t i = 0; i < obj->count; i++) {
        const cbec_node *c = &obj->children[i];
        if (c->keylen == namelen && memcmp(c->key, name, namelen) == 0)
            found = c;
    }
    return found;
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

void cbec__node_pointer(const cbec_node *n, cbec_buf *b)
{
    if (n)
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
