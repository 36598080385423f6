/* privacy.h - data classification of message fields (public, internal,
 * personal, sensitive-personal), the masks personal values are shown with,
 * and walking a document with each node's class.  See doc/security.md. */
#ifndef CBEC_PRIVACY_H
#define CBEC_PRIVACY_H

#include "pack/pack.h"

/* Classes, in order of strictness: a stricter class wins where packs
 * disagree.  UNSET: no entry covers the field (treated as public). */
typedef enum cbec_class {
    CBEC_CLASS_UNSET = 0,
    CBEC_CLASS_PUBLIC = 1,
    CBEC_CLASS_INTERNAL = 2,
    CBEC_CLASS_PERSONAL = 3,
    CBEC_CLASS_SENSITIVE = 4
} cbec_class;

/* Entries of a message type's "classification": a path pattern (JSON
 * Pointer, "*" for any member or item) and the class of the subtree there. */
typedef struct cbec_class_entry {
    cbec_path_seg *segs;
    size_t nsegs;
    size_t nwild;       /* wildcards: fewer is more specific */
    int cls;
} cbec_class_entry;

struct cbec_privacy {
    cbec_class_entry *entries;
    size_t count;
    size_t max_segs;    /* longest pattern: deeper nodes inherit */
};
typedef struct cbec_privacy cbec_privacy;

#define CBEC_PRIVACY_MAX_SEGS 32
#define CBEC_PRIVACY_MAX_ENTRIES 1024
/* packs whose classifications apply to one validation (a type and its bases) */
#define CBEC_PRIVACY_MAX_PACKS 16

/* Compile {"/path": "class", ...}.  *out is set (possibly partly built) and
 * must be freed with cbec__privacy_free even on failure. */
bool cbec__privacy_compile(cbec_compiler *c, const cbec_node *n, cbec_privacy **out);
void cbec__privacy_free(cbec_privacy *p);

/* Name of a class ("sensitive-personal"), and a name's class (-1 unknown). */
const char *cbec__class_name(int cls);
int cbec__class_parse(const char *s, size_t n);

/* The classifications in force for one validation: one per pack (the type's
 * own pack and the bases it extends).  A node's class is, within each pack,
 * that of the most specific entry covering it (the deepest; then the one
 * with fewer wildcards; then the stricter), and across packs the strictest:
 * a pack extending another can tighten a classification, never loosen it. */
typedef struct cbec_privacy_set {
    const cbec_privacy *p[CBEC_PRIVACY_MAX_PACKS];
    size_t n;
} cbec_privacy_set;

/* The classifications in force for the message being checked (a validator
 * service, like those of pack.h). */
const cbec_privacy_set *cbec__vctx_privacy(cbec_vctx *v);

/* Class of node n of the document whose root is root (n must be root or
 * below it; otherwise its topmost ancestor counts as the root). */
int cbec__privacy_node_class(const cbec_privacy_set *set, const cbec_node *root, const cbec_node *n);

/* Visit every node of the tree under root in document order with its
 * class (leave false); visit returns false to skip the node's children.
 * A non-empty object or array whose children were visited is visited again
 * after them with leave true (for writers that close brackets).  Bounded:
 * no recursion, work per node independent of the depth past the longest
 * pattern.  Returns false when memory ran out. */
typedef bool (*cbec_privacy_visit)(void *ud, const cbec_node *n, int cls, bool leave);
bool cbec__privacy_walk(const cbec_privacy_set *set, const cbec_node *root, cbec_privacy_visit visit, void *ud);

/* Append the masked form of a value of class cls to b:
 *   ID-like (12+ letters and digits)  110105199003071239 -> 1101**********1239
 *   phone (+ and digits)              +8613812345678 -> +86138****5678
 *   e-mail                            zhang.wei@example.cn -> z***@example.cn
 *   other text                        张伟 -> 张*, 文三路100号 -> 文*****号
 * Sensitive free text shows nothing ("***").  A mask shows at most the
 * first and last few characters and is recognised by
 * cbec__privacy_is_masked. */
void cbec__privacy_mask(cbec_buf *b, const char *s, size_t n, int cls);
/* True when a value looks masked: a run of three '*', or a '*' in a value
 * of fewer than six characters. */
bool cbec__privacy_is_masked(const char *s, size_t n);

#endif /* CBEC_PRIVACY_H */
