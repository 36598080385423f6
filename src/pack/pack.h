/* pack.h - the compiled form of rule packs, shared by the loader, the rule
 * families and the validator.  Everything here is immutable after load. */
#ifndef CBEC_PACK_H
#define CBEC_PACK_H

#include <stdatomic.h>

#include "core/core.h"
#include "core/decimal.h"
#include "doc/doc.h"

typedef struct cbec_rule cbec_rule;
typedef struct cbec_vctx cbec_vctx;
typedef struct cbec_compiler cbec_compiler;
typedef struct cbec_codelist cbec_codelist;

/* Text in several languages: parallel arrays of tags and texts. */
typedef struct cbec_i18n {
    size_t count;
    char **lang;
    char **text;
} cbec_i18n;

/* Best text for lang: exact tag, then same primary language, then "en",
 * then the first.  NULL when empty. */
const char *cbec__i18n_get(const cbec_i18n *t, const char *lang);
void cbec__i18n_free(cbec_i18n *t);

/* Message templates are cbec_i18n texts with placeholders {value},
 * {expected}, {path}, {reason} and {rule} ("{{" and "}}" for braces),
 * checked at load time, expanded only when a finding is rendered. */
bool cbec__template_check(const char *tmpl, const char **bad);

/* ---- check kinds: the plug-in shape every rule family takes ---- */

/* A check kind is introduced in a rule by one key (e.g. "pattern").  The
 * compiler calls compile() with that key's value; run() checks a node that
 * exists at the rule's path and reports through cbec__finding(). */
typedef struct cbec_check_kind {
    const char *key;
    int order;   /* lower runs first within a rule ("type" is 0) */
    bool (*compile)(cbec_compiler *c, cbec_rule *rule, const cbec_node *value, void **state);
    /* Returns false to skip the rule's remaining checks on this node. */
    bool (*run)(const void *state, cbec_vctx *v, const cbec_rule *rule, const cbec_node *node);
    void (*free)(void *state);
    /* default message templates (en, zh-CN) when the rule has none */
    const char *default_en;
    const char *default_zh;
    /* Layering: true when derived is at least as strict as base (both
     * states of this kind).  NULL: only an identical value (same canonical
     * JSON) counts as not weaker. */
    bool (*narrows)(const void *base, const void *derived);
} cbec_check_kind;

typedef struct cbec_check {
    const cbec_check_kind *kind;
    void *state;
    char *canon;   /* canonical JSON of the check's value in the pack */
    bool clone_owned; /* a layered copy replaced state and must free it */
} cbec_check;

/* A rule path split into segments; "*" is a wildcard over array items
 * and object members. */
typedef struct cbec_path_seg {
    char *name;
    size_t len;
    bool wildcard;
} cbec_path_seg;

struct cbec_rule {
    char *id;
    char *ref;          /* clause of the standard, "" when none */
    char *path;         /* as written */
    char *where;        /* pack path of the rule, e.g. /messages/order/rules/3 */
    cbec_path_seg *segs;
    size_t nsegs;
    int severity;
    bool required;
    cbec_i18n message;       /* the rule's own templates (count 0: none) */
    cbec_check *checks;
    size_t nchecks;
    const struct cbec_pack *pack;
    const struct cbec_msgtype *msgtype;
    char *canon;                  /* canonical JSON of the whole rule, for diffs */
    const struct cbec_waiver *waiver;  /* set on a layered copy a derived pack waives */
    bool clone;                   /* a layered copy: owns only its checks array */
};

/* A derived pack's documented exception to a base rule. */
typedef struct cbec_waiver {
    char *rule;        /* the base rule id */
    char *reason;
    char *expires;     /* YYYY-MM-DD: the waiver applies up to and including this day */
    char *ref;
    const struct cbec_pack *pack;  /* the pack that grants it */
} cbec_waiver;

/* A base a pack extends: an id and a version range ("^1", "~1.2", "1.2.3",
 * ">=1.0.0 <2.0.0", "*"). */
typedef struct cbec_extends {
    char *id;
    char *range;
} cbec_extends;

/* Path trie: rules grouped by path so one walk of the document serves all. */
typedef struct cbec_trie {
    char *name;
    size_t len;
    bool wildcard;
    struct cbec_trie **children;
    size_t nchildren;
    cbec_rule **rules;        /* rules whose path ends here */
    size_t nrules;
    bool has_required;
} cbec_trie;

/* How a message type travels in one wire format: how to recognise it, how
 * to check its structure (JSON Schema, XSD, EDI message definition) and how
 * to bind the wire tree onto the logical tree the rules are written
 * against.  Filled by the compiler of that format's section of the message
 * type ("json", "xml", "edifact", "x12"); any part may be absent. */
typedef struct cbec_format_spec {
    bool present;
    void *detect;
    bool (*detect_match)(const void *detect, const cbec_doc *wire);
    void (*detect_free)(void *detect);
    void *structure;
    void (*structure_run)(const void *structure, cbec_vctx *v, const cbec_doc *wire);
    void (*structure_free)(void *structure);
    /* NULL bind: the wire tree is the logical tree */
    void *binding;
    bool (*bind)(const void *binding, cbec_vctx *v, const cbec_doc *wire, cbec_doc *logical);
    void (*binding_free)(void *binding);
    /* With a binding: does the wire format carry the logical member name of
     * holder at all?  A required rule about a field the format has no place
     * for does not apply to that format (NULL: every field is carried). */
    bool (*carries)(const void *binding, const cbec_node *holder, const char *name, size_t len);
} cbec_format_spec;

#define CBEC_NFORMATS 5 /* indexed by cbec_format; 0 (auto) unused */

typedef struct cbec_msgtype {
    char *name;
    cbec_i18n title;
    /* where a message carries the date that selects the pack version in force */
    cbec_path_seg *date_segs;
    size_t date_nsegs;
    cbec_format_spec formats[CBEC_NFORMATS];
    cbec_rule **rules;
    size_t nrules;
    struct cbec_privacy *privacy; /* "classification" (pack/privacy.h), NULL when none */
} cbec_msgtype;

/* A compiler for one format section of a message type. */
typedef struct cbec_section_kind {
    const char *key;  /* "json", "xml", ... */
    int format;       /* cbec_format */
    bool (*compile)(cbec_compiler *c, cbec_msgtype *t, const cbec_node *section, cbec_format_spec *out);
} cbec_section_kind;

const cbec_section_kind *cbec__section_kind_find(const char *key, size_t len);

typedef struct cbec_std_ref {
    char *id;
    char *title;
} cbec_std_ref;

struct cbec_pack {
    atomic_long refs;
    char *id, *version, *status, *module, *eff_from, *eff_to, *file, *label;
    cbec_i18n title;
    cbec_std_ref *std_refs;
    size_t nrefs;
    cbec_strmap codelists;      /* name -> cbec_codelist* */
    cbec_msgtype **types;
    size_t ntypes;
    size_t nrules;
    char digest[72];            /* "sha256:" + 64 hex digits */
    cbec_extends *extends;
    size_t nextends;
    cbec_waiver *waivers;
    size_t nwaivers;
    cbec_strmap statemachines;  /* name -> cbec_statemachine* (rules/state.c) */
    /* CBEC_OPT_LAZY_LOAD (lazy.c): a head holds the metadata and what
     * detection needs; the whole pack compiles from file when first needed */
    struct cbec_options *head_opts;     /* non-NULL on a head: the options of the whole pack */
    struct cbec_pack *_Atomic whole;    /* the whole pack, once compiled */
    int whole_state;                    /* 0 not tried, 1 compiling, 2 done (under lazy.c's lock) */
    char **deps;                        /* the files the compile read besides the pack file */
    size_t ndeps;
    struct cbec_pack *head;             /* on a slice (one type, one format): the head it was cut
                                         * from, whose whole pack gives the digest */
    int whole_status;                   /* once tried: why it did not compile */
    char *whole_error;
};

/* ---- lazy loading (lazy.c) ---- */

enum {
    CBEC_LAZY_OFF = 0,  /* every pack compiles whole at load */
    CBEC_LAZY_ON = 1,   /* packs load as heads */
    CBEC_LAZY_AUTO = 2  /* as heads when the cache certifies that the same files loaded whole without an
                         * error before; else whole, and a load that succeeds is certified */
};

/* The head of the pack file at path (its metadata, and of each message
 * type what detection and the choice of version read), for
 * CBEC_OPT_LAZY_LOAD; the error of the whole pack when the head cannot be
 * made. */
int cbec__pack_load_head(const char *path, const cbec_options *opts, cbec_pack **out, cbec_error **err);
/* The head of the pack text data, compiled without a base directory (it
 * reads no file); for the fuzz harness.  CBEC_EPACK when it does not compile. */
int cbec__pack_head_buffer(const char *data, size_t len, const char *name, const cbec_options *opts,
                           cbec_pack **out);
/* How many heads this process made from their files (not the cache); for tests. */
size_t cbec__lazy_head_builds(void);
/* The whole pack of p: p itself when it is not a head, else compiled from
 * its file (once; thread-safe).  NULL with *why (static until p is freed)
 * when it does not compile. */
const struct cbec_pack *cbec__pack_whole(const struct cbec_pack *p, const char **why, int *status);
/* The digest of p: of the whole pack a slice was cut from, compiled now if
 * it was not; "" for a head whose pack does not compile. */
const char *cbec__pack_digest(const struct cbec_pack *p);
/* The directory of the file at path ("." when it names none): a new
 * string, NULL when out of memory. */
char *cbec__dir_of(const char *path);
/* A copy of o (NULL: the defaults). */
struct cbec_options *cbec__options_copy(const struct cbec_options *o);

/* Semantic versions: compare, and match a range; false for a bad range. */
int cbec__semver_cmp(const char *a, const char *b);
bool cbec__semver_range_valid(const char *range);
bool cbec__semver_satisfies(const char *version, const char *range);

/* ---- code lists ---- */

/* One code of a list with what the pack says about it.  The entry and its
 * strings live in the list's arena; only attrs is an array of its own. */
typedef struct cbec_code {
    const char *code;           /* the list's copy (also in owned[]) */
    size_t len;
    char *label_en, *label_zh;  /* NULL when none */
    char valid_from[11];        /* YYYY-MM-DD, "" when open */
    char valid_to[11];
    char **attrs;               /* values by the list's attribute index; NULL when absent */
} cbec_code;

/* A list's mapping of its codes onto the codes of another list: the value
 * of attribute attr is a code of list target. */
typedef struct cbec_codemap {
    char *target;               /* the other list's name */
    char *attr;
} cbec_codemap;

struct cbec_codelist {
    char *name;
    cbec_arena mem;             /* the codes, their entries, labels and attribute values */
    cbec_strmap codes;          /* code -> cbec_code* */
    char **owned;               /* code strings owned by the list */
    size_t count;
    cbec_code **entries;        /* parallel to owned */
    char **attr_names;          /* attributes the codes may carry */
    size_t nattrs;
    cbec_codemap *maps;
    size_t nmaps;
    bool dated;                 /* some code has validFrom or validTo */
    atomic_uint shared;         /* an iso-codes import shared by packs: its holders (codelists.c); 0 when unshared */
    cbec_codelist *lender;      /* a list that only imports shows the import's codes, entries and
                                 * attribute names, holding a reference to it; NULL when it owns them */
};

cbec_codelist *cbec__codelist_new(const char *name);
bool cbec__codelist_add(cbec_codelist *l, const char *code, size_t len);
/* Add a code (or find it when present) and return its entry; NULL when out of memory. */
cbec_code *cbec__codelist_entry(cbec_codelist *l, const char *code, size_t len);
bool cbec__codelist_has(const cbec_codelist *l, const char *code, size_t len);
const cbec_code *cbec__codelist_get(const cbec_codelist *l, const char *code, size_t len);
/* Index of attribute name, adding it when add is true; -1 when absent (or out of memory). */
int cbec__codelist_attr_index(cbec_codelist *l, const char *name, bool add);
int cbec__codelist_attr_find(const cbec_codelist *l, const char *name);
/* Set attribute idx of e (a copy of v); false when out of memory. */
bool cbec__code_set_attr(cbec_codelist *l, cbec_code *e, int idx, const char *v, size_t n);
/* Attribute idx of e, NULL when absent or idx < 0. */
const char *cbec__code_attr(const cbec_codelist *l, const cbec_code *e, int idx);
/* Is the code in force on date (YYYY-MM-DD; "" means any date)?  0: yes;
 * -1: not yet (before validFrom); 1: no longer (after validTo). */
int cbec__code_in_force(const cbec_code *e, const char *date);
/* The mapping of l onto list target, NULL when l has none. */
const cbec_codemap *cbec__codelist_map(const cbec_codelist *l, const char *target);
void cbec__codelist_free(cbec_codelist *l);
/* A code list of the pack by import spec ("iso-codes:3166-1/alpha_2"),
 * imported once per pack and kept under that name.  Errors are reported
 * at node at; NULL then. */
const cbec_codelist *cbec__compile_import(cbec_compiler *c, const cbec_node *at, const char *spec);
/* How many import lists this process made from iso-codes tables (not from
 * lists it shares or the cache), and forgetting the lists it shares: for
 * tests, which play a new process. */
size_t cbec__import_builds(void);
void cbec__imports_forget(void);
/* Compile a pack's "codelists" section (codelists.c). */
bool cbec__compile_codelists(cbec_compiler *c, const cbec_node *n);

/* ---- the compiler context ---- */

/* A file beside the pack, as read at load. */
typedef struct cbec_served_file {
    const char *rel;
    const char *data;
    size_t len;
} cbec_served_file;

struct cbec_compiler {
    struct cbec_pack *pack;
    const cbec_doc *doc;        /* the pack text as a document (with positions) */
    const char *file;
    const char *base_dir;
    const cbec_options *opts;
    cbec_error **err;
    int status;                 /* first error status */
    cbec_buf where;             /* pack path of what is being compiled */
    char **files;               /* "relpath\nsha256" of every file the pack read */
    size_t nfiles;
    /* files already read (CBEC_OPT_DEFER_COMPILE): served from these bytes
     * and not counted again; without base_dir nothing else can be read */
    const cbec_served_file *served;
    size_t nserved;
    char **deps;                /* the path of every file the compile read (for lazy.c's certificate) */
    size_t ndeps;
};

/* Note that the compile read the file at path (dir/rel when dir is not
 * NULL); false when out of memory. */
bool cbec__compile_note_dep(cbec_compiler *c, const char *dir, const char *rel);

/* Report a pack error at node (its position and pack path); returns false. */
bool cbec__compile_error(cbec_compiler *c, const cbec_node *at, const char *fmt, ...)
    CBEC_PRINTF(3, 4);
/* Out of memory while compiling; returns false. */
bool cbec__compile_oom(cbec_compiler *c);
/* Copy a string node's text (NUL-terminated, heap). */
char *cbec__compile_strdup(cbec_compiler *c, const cbec_node *n);
/* Read a file the pack refers to: rel is relative to the pack's directory
 * and must stay inside it (no "..", no absolute paths, no symlink out).  The
 * file becomes part of the pack's digest.  On success *data is a new
 * NUL-terminated buffer (free() it).  Errors are reported at node at.  A
 * served file is given as a copy of its bytes instead. */
bool cbec__compile_read_file(cbec_compiler *c, const cbec_node *at, const char *rel, char **data,
                             size_t *len);
/* A code list of the pack by name (NULL when unknown). */
const cbec_codelist *cbec__pack_codelist(const struct cbec_pack *p, const char *name, size_t len);

/* ---- options ---- */

struct cbec_pin {
    char *label;   /* id@version */
    char *digest;  /* 64 hex digits */
};

struct cbec_options {
    char *iso_codes_dir;
    bool allow_inactive;
    struct cbec_pin *pins;
    size_t npins;
    /* JSON Schema (src/rules/schema-pack.c) */
    int schema_draft;               /* CBEC_OPT_SCHEMA_DRAFT: 7 or 2020 (0: 2020) */
    bool schema_format_assert;      /* CBEC_OPT_SCHEMA_FORMAT_ASSERT */
    bool defer_compile;             /* CBEC_OPT_DEFER_COMPILE: XSDs compiled on first use */
    unsigned load_threads;          /* CBEC_OPT_LOAD_THREADS: 0 one per processor */
    char *cache_dir;                /* CBEC_OPT_CACHE_DIR: NULL no cache (core/cache.h) */
    int lazy_load;                  /* CBEC_OPT_LAZY_LOAD: CBEC_LAZY_* (lazy.c) */
    bool no_digest;                 /* internal: heads and slices (lazy.c) have no digest of their
                                     * own, so nothing is hashed for one */
    const char *slice_type;         /* internal: compile only this message type (a slice, lazy.c) */
    int slice_format;               /* ... and of it only this format's section */
    char **resource_prefixes;       /* cbec_options_add_resource_dir: URI prefix ... */
    char **resource_dirs;           /* ... served from this directory */
    size_t nresources;
};

/* ---- validation context, used by run() ---- */

typedef struct cbec_finding_args {
    const char *expected;        /* language-neutral expectation, or NULL */
    const char *reason_en;       /* exact reason, or NULL */
    const char *reason_zh;
    const char *tmpl_en;         /* template override (else rule's, else kind's) */
    const char *tmpl_zh;
    const cbec_span *at;         /* EDI: the segment/element/component when it
                                    differs from node's (a missing element) */
} cbec_finding_args;

/* Record a finding of rule (check kind k) at node. */
void cbec__finding(cbec_vctx *v, const cbec_rule *rule, const cbec_check_kind *k,
                   const cbec_node *node, const cbec_finding_args *a);

/* Validator services for checks */
typedef struct cbec_regex_scratch cbec_regex_scratch;
cbec_regex_scratch *cbec__vctx_regex(cbec_vctx *v);
const cbec_doc *cbec__vctx_doc(cbec_vctx *v);
/* The state before this message (CBEC_VOPT_PREVIOUS_STATE), NULL when unset. */
const char *cbec__vctx_previous_state(cbec_vctx *v);
/* The date (YYYY-MM-DD) this validation runs for. */
const char *cbec__vctx_date(cbec_vctx *v);
/* The data class (cbec_class of pack/privacy.h) the message type's
 * classification gives node n of the document being checked. */
int cbec__vctx_class(cbec_vctx *v, const cbec_node *n);
/* The arena that holds this validation's documents (reset per message),
 * and the node limit a tree built from the message must stay within. */
cbec_arena *cbec__vctx_arena(cbec_vctx *v);
size_t cbec__vctx_max_nodes(cbec_vctx *v);
/* Record a finding of a built-in rule (no rule of a pack) and mark the
 * message as not fully checked: for a structure or binding step that could
 * not do its work (a limit, an engine failure). */
void cbec__vctx_fail(cbec_vctx *v, const char *rule, const char *en, const char *zh);
/* A per-validator scratch arena for one run(): the check resets it before
 * returning, so nothing in it outlives the call (JSON Logic values). */
cbec_arena *cbec__vctx_scratch(cbec_vctx *v);

/* ---- the built-in check kinds and lookup ---- */

const cbec_check_kind *cbec__check_kind_find(const char *key, size_t len);

#endif /* CBEC_PACK_H */
