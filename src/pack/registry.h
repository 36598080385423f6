/* registry.h - registry internals: immutable snapshots of linked packs. */
#ifndef CBEC_REGISTRY_H
#define CBEC_REGISTRY_H

#include <pthread.h>

#include "pack/pack.h"
#include "core/cache.h"

/* An effective message type: a pack's own type merged with what it inherits
 * from the packs it extends.  Rules point into the packs, or at layered
 * copies (narrowed code lists, waivers) that the etype owns. */
typedef struct cbec_etype {
    const char *name;
    const cbec_pack *pack;           /* the pack it belongs to (selection unit) */
    cbec_format_spec formats[CBEC_NFORMATS]; /* nearest definition per format (borrowed) */
    const cbec_path_seg *date_segs;  /* where the message carries its date */
    size_t date_nsegs;
    cbec_trie *trie;                 /* rules grouped by path (owned) */
    cbec_rule **rules;               /* effective rules (owned array) */
    size_t nrules;
    cbec_rule **clones;              /* layered copies (owned) */
    size_t nclones;
    bool selectable;                 /* not shadowed by a loaded pack extending this one */
    bool selectable_active;          /* not shadowed by an active pack extending this one */
    size_t name_id;                  /* index in the snapshot of the first etype of this name */
} cbec_etype;

/* Everything a validation needs, immutable and reference-counted, so a
 * registry can swap in a new set while validations finish on the old. */
typedef struct cbec_lazy cbec_lazy;

typedef struct cbec_snapshot {
    atomic_long refs;
    cbec_pack **packs;
    size_t npacks;
    cbec_etype **types;
    size_t ntypes;
    /* per format, the etypes that can recognise a message of it, in order */
    const cbec_etype **detecting[CBEC_NFORMATS];
    size_t ndetecting[CBEC_NFORMATS];
    /* a snapshot holding pack heads (CBEC_OPT_LAZY_LOAD): the snapshots of
     * the whole packs each picked type needs, made on first use (lazy.c) */
    cbec_lazy *lazy;
} cbec_snapshot;

struct cbec_registry {
    pthread_mutex_t lock;
    cbec_snapshot *snap;
};

/* Take a reference on the registry's current snapshot (never NULL). */
cbec_snapshot *cbec__registry_acquire(const cbec_registry *r);
void cbec__snapshot_release(cbec_snapshot *s);

/* Build a snapshot of packs (each gets a reference): resolve "extends",
 * check that derived packs only tighten their bases, merge rules. */
int cbec__snapshot_build(cbec_pack **packs, size_t npacks, cbec_snapshot **out, cbec_error **err);

const cbec_msgtype *cbec__pack_type(const cbec_pack *p, const char *name);

/* The index among packs of the base x of pack i extends: the highest
 * version in its range of that id; SIZE_MAX when none is loaded. */
size_t cbec__resolve_base(cbec_pack *const *packs, size_t npacks, size_t i, const cbec_extends *x);

/* The certificate of a set of pack files (CBEC_LAZY_AUTO, lazy.c): begin
 * takes the identities of the files (before they are read) and says
 * whether there is a cache to look in; certified says whether the cache
 * holds that the same files, and every file their compile read, loaded
 * whole without an error; certify records that they did (packs: the whole
 * packs that loaded); end frees. */
typedef struct cbec_lazy_cert {
    const cbec_options *opts;
    char *const *names;
    size_t n;
    cbec_file_id *ids;
    char *tag;
} cbec_lazy_cert;
bool cbec__lazy_cert_begin(cbec_lazy_cert *c, char *const *names, size_t n, const cbec_options *opts);
bool cbec__lazy_certified(cbec_lazy_cert *c);
void cbec__lazy_certify(cbec_lazy_cert *c, cbec_pack *const *packs, size_t npacks);
void cbec__lazy_cert_end(cbec_lazy_cert *c);

cbec_lazy *cbec__lazy_new(void);
void cbec__lazy_free(cbec_lazy *z);

/* Choose the etype for a message: by explicit name, or by detection on the
 * wire document; then by status and effective date.  Returns 0 and sets
 * *out, or a CBEC_E... code with a reason in en/zh for a finding. */
typedef struct cbec_pick {
    const char *type;         /* explicit type or NULL */
    const cbec_doc *doc;      /* for detection and the message's date */
    const char *date;         /* caller's date, "" when none */
    bool allow_inactive;
    char reason_en[1024];    /* long enough for a pack error (CBEC_OPT_LAZY_LOAD) */
    char reason_zh[1024];
    char used_date[11];       /* the date the choice was made for */
    bool type_known;          /* the type was named or detected (a failure is about packs) */
} cbec_pick;

/* true when some etype has that name (whatever its status and dates) */
bool cbec__snapshot_has_type(const cbec_snapshot *s, const char *name);
int cbec__snapshot_pick(const cbec_snapshot *s, cbec_pick *pick, const cbec_etype **out);
/* cbec__snapshot_pick, and in a snapshot of heads the same choice among
 * the whole packs the type needs, compiled and linked on first use: their
 * snapshot in *whole, with a reference for the caller (NULL when s holds
 * whole packs).  CBEC_EPACK with the reason when they do not compile. */
int cbec__snapshot_pick_compiled(const cbec_snapshot *s, cbec_pick *pick, const cbec_etype **out,
                                 cbec_snapshot **whole);

#endif
