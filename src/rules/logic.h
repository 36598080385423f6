/* logic.h - JSON Logic: rules compiled once (from cbec_node trees) into
 * operation trees and evaluated over the document model with exact
 * decimals, a cost limit, a depth limit and a memory limit.  Internal:
 * never installed, never exported.  The language, its extensions and the
 * choices made where implementations disagree are in doc/json-logic.md.
 *
 * A compiled expression is immutable and may be evaluated by any number
 * of threads at once; each evaluation brings its own arena. */
#ifndef CBEC_LOGIC_H
#define CBEC_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/decimal.h"
#include "doc/doc.h"

struct cbec_pack;

/* ---- values ---- */

typedef enum cbec_lv_kind {
    CBEC_LV_NULL = 0,
    CBEC_LV_BOOL = 1,
    CBEC_LV_NUM = 2,     /* exact decimal */
    CBEC_LV_STR = 3,     /* UTF-8 bytes, not necessarily NUL-terminated */
    CBEC_LV_ARR = 4,     /* an array built by the evaluation */
    CBEC_LV_NODE = 5,    /* an object or array node of a document or of the rule */
    CBEC_LV_PAIRS = 6    /* a small object built by the evaluation (reduce, try) */
} cbec_lv_kind;

typedef struct cbec_lval cbec_lval;
/* 24 bytes: values are copied at every step of an evaluation. */
struct cbec_lval {
    uint8_t kind;        /* cbec_lv_kind */
    bool b;              /* BOOL: the value; NUM: negative */
    union {
        uint32_t n;      /* ARR, PAIRS: number of items */
        int32_t exp;     /* NUM: value = (b ? -1 : 1) * coef * 10^exp */
    };
    union {
        struct {
            uint64_t lo, hi;
        } coef;                       /* NUM: the 128-bit coefficient */
        struct {
            const char *s;
            size_t len;
        } str;
        struct {
            const cbec_lval *items;   /* ARR; PAIRS: n values */
            const char *const *keys;  /* PAIRS: n member names */
        };
        const cbec_node *node;        /* NODE */
    } u;
};

/* ---- limits and errors ---- */

typedef struct cbec_logic_limits {
    unsigned long max_ops;   /* operations (and iterations) per evaluation */
    unsigned max_depth;      /* nesting of operations, at compile and at run time */
    size_t max_bytes;        /* memory one evaluation may take from its arena */
} cbec_logic_limits;

#define CBEC_LOGIC_DEFAULT_OPS 100000UL
#define CBEC_LOGIC_DEFAULT_DEPTH 128u
#define CBEC_LOGIC_DEFAULT_BYTES (8UL << 20)
#define CBEC_LOGIC_MAX_DEPTH 1000u

/* Why an evaluation failed.  type is a short class name ("NaN",
 * "Invalid Arguments", "Range", "Limit", or what "throw" threw); message is
 * a sentence in English, zh a sentence in Chinese. */
typedef struct cbec_logic_error {
    char type[64];
    char message[200];
    char zh[200];
    bool fatal;          /* limits: "try" must not swallow them */
} cbec_logic_error;

/* ---- what an evaluation sees ---- */

/* The context of one evaluation.  root is the data "var" reads at the top
 * level (NULL: null).  The rest serves rules in packs: value is the node at
 * the rule's path ("$value"), bound the nodes the path's wildcards matched,
 * outermost first ("$item" is the last, "$index" its index, "$indices" all
 * indices), pack the pack whose code lists "in_codelist" reads. */
typedef struct cbec_logic_env {
    const cbec_node *root;
    const cbec_node *value;
    const cbec_node *const *bound;
    size_t nbound;
    cbec_arena *arena;             /* where values live; the caller resets it */
    cbec_logic_limits limits;
} cbec_logic_env;

/* ---- compile ---- */

typedef struct cbec_lexpr cbec_lexpr;

/* Why a compile failed: a message and the rule node it is about. */
typedef struct cbec_logic_cerror {
    char type[32];             /* "Invalid Arguments", "Unknown Operator", "Range", "Limit" */
    char message[256];
    const cbec_node *at;
} cbec_logic_cerror;

/* Compile a JSON Logic rule.  pack (may be NULL) resolves code list names
 * of "in_codelist" at compile time.  max_depth bounds the nesting of
 * operations (0: the default).  On success *out owns everything it needs
 * (the rule tree may be freed); free it with cbec__logic_free.  On failure
 * returns false, fills *e and sets *out to NULL; *oom tells a failed
 * allocation from a bad rule. */
bool cbec__logic_compile(const cbec_node *rule, const struct cbec_pack *pack, unsigned max_depth,
                         cbec_lexpr **out, cbec_logic_cerror *e, bool *oom);
void cbec__logic_free(cbec_lexpr *x);

/* ---- evaluate ---- */

/* Evaluate x in env.  On success *out is a value whose memory lives in
 * env->arena (or in x, or in the documents) until the arena is reset.  On
 * failure returns false with *e filled. */
bool cbec__logic_eval(const cbec_lexpr *x, const cbec_logic_env *env, cbec_lval *out,
                      cbec_logic_error *e);

/* JSON Logic truthiness: false, null, 0, "" and [] are false. */
bool cbec__logic_truthy(const cbec_lval *v);

/* Append v as JSON.  Numbers keep their exact decimal scale ("300.00"). */
void cbec__logic_to_json(const cbec_lval *v, cbec_buf *b);
/* Append v as text for people: strings bare, everything else as JSON,
 * cut after max_bytes (then "..."). */
void cbec__logic_to_text(const cbec_lval *v, cbec_buf *b, size_t max_bytes);

/* Deep equality of a value and a JSON node as JSON data: numbers by value
 * (1.0 equals 1), objects by members regardless of order.  For tests and
 * conformance runners. */
bool cbec__logic_equals_node(const cbec_lval *v, const cbec_node *n);

/* The ISO 4217 minor unit (fraction digits) of a currency code, -1 when
 * the code is not three upper-case letters or has no minor unit (gold,
 * special drawing rights, testing codes). */
int cbec__currency_minor_units(const char *code, size_t len);

#endif /* CBEC_LOGIC_H */
