/* cbecstd.h - the public C API of libcbecstd, a validator of cross-border
 * e-commerce messages (JSON, XML, EDIFACT, X12) against versioned rule packs.
 *
 * Conventions (see doc/api.md):
 *  - Every call that can fail returns an int status: CBEC_OK (0) or a
 *    negative CBEC_E... code; cbec_strerror() names it.
 *  - Out-parameters come first.  "T **out" hands the caller a new object
 *    that the caller frees with cbec_T_free(); every free function accepts
 *    NULL.  A returned "const char *" is borrowed from the handle it came
 *    from and lives as long as that handle (or until the documented call
 *    that replaces it).  The library never hands out memory to be released
 *    with free().
 *  - Threads: a cbec_pack and a cbec_registry are immutable once loaded and
 *    may be shared by any number of threads (the registry's hot swap is
 *    atomic).  A cbec_validator is used by one thread at a time.  Reports
 *    and errors belong to whoever received them.  See doc/threading.md.
 *  - The library never prints, never exits or aborts, never reads the
 *    network and never depends on the process locale.
 */
#ifndef CBECSTD_H
#define CBECSTD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CBEC_BUILDING_LIBRARY) && defined(__GNUC__)
#define CBEC_API __attribute__((visibility("default")))
#else
#define CBEC_API
#endif

/* Version of this header.  cbec_version() gives the library's. */
#define CBEC_VERSION_MAJOR 0
#define CBEC_VERSION_MINOR 1
#define CBEC_VERSION_PATCH 0
#define CBEC_VERSION_STRING "0.1.0"
#define CBEC_VERSION_NUMBER                                                   \
    (CBEC_VERSION_MAJOR * 10000 + CBEC_VERSION_MINOR * 100 + CBEC_VERSION_PATCH)

/* Status codes.  Values are fixed forever; new codes are only appended. */
typedef enum cbec_status {
    CBEC_OK = 0,
    CBEC_EINVAL = -1,      /* an argument is invalid (NULL, unknown enum) */
    CBEC_ENOMEM = -2,      /* out of memory */
    CBEC_EIO = -3,         /* a file could not be read */
    CBEC_EPACK = -4,       /* a rule pack is invalid (see the cbec_error) */
    CBEC_ENOTFOUND = -5,   /* a named thing (message type, pack, kind) is unknown */
    CBEC_ELIMIT = -6,      /* a configured limit was exceeded */
    CBEC_EVERSION = -7,    /* an options version or pack format is unsupported */
    CBEC_ESTATE = -8,      /* the call is not allowed in the object's state */
    CBEC_EAMBIGUOUS = -9,  /* more than one pack could apply */
    CBEC_EDIGEST = -10,    /* a pack's digest differs from the pinned one */
    CBEC_EINTERNAL = -11   /* a bug in libcbecstd: please report it */
} cbec_status;

typedef enum cbec_severity {
    CBEC_SEVERITY_INFO = 1,
    CBEC_SEVERITY_WARNING = 2,
    CBEC_SEVERITY_ERROR = 3
} cbec_severity;

typedef enum cbec_format {
    CBEC_FORMAT_AUTO = 0,  /* decided from the first significant bytes */
    CBEC_FORMAT_JSON = 1,
    CBEC_FORMAT_XML = 2,
    CBEC_FORMAT_EDIFACT = 3,
    CBEC_FORMAT_X12 = 4
} cbec_format;

typedef enum cbec_render_format {
    CBEC_RENDER_TEXT = 1,  /* one line per finding, for people */
    CBEC_RENDER_JSON = 2   /* one JSON object, one line, for machines */
} cbec_render_format;

typedef struct cbec_error cbec_error;         /* details of a failed call */
typedef struct cbec_options cbec_options;     /* settings for loading packs */
typedef struct cbec_pack cbec_pack;           /* compiled rule pack, immutable, ref-counted */
typedef struct cbec_registry cbec_registry;   /* the packs a validation may use */
typedef struct cbec_validator cbec_validator; /* per-thread validation state */
typedef struct cbec_report cbec_report;       /* findings of one validation */
typedef struct cbec_stats cbec_stats;         /* evaluation counters over many reports */

/* ---- library ------------------------------------------------------------ */

/* The library's version as "MAJOR.MINOR.PATCH"; static storage.
 * @since 0.1 */
CBEC_API const char *cbec_version(void);

/* The library's version as MAJOR*10000 + MINOR*100 + PATCH.  @since 0.1 */
CBEC_API int cbec_version_number(void);

/* A static, English description of a status code, never NULL ("unknown
 * status" for a value that is not a cbec_status).  @since 0.1 */
CBEC_API const char *cbec_strerror(int status);

/* ---- errors ------------------------------------------------------------- */

/* An error object describes why a call failed: a message, and where known
 * the file, line, column (1-based, 0 when unknown) and the JSON Pointer of
 * the offending part of a pack.  Calls that take "cbec_error **err" set
 * *err to a new error object on failure (when err is not NULL) and leave it
 * untouched on success.  Free it with cbec_error_free().  @since 0.1 */
CBEC_API int cbec_error_status(const cbec_error *e);
CBEC_API const char *cbec_error_message(const cbec_error *e);
CBEC_API const char *cbec_error_file(const cbec_error *e);  /* "" when none */
CBEC_API const char *cbec_error_path(const cbec_error *e);  /* "" when none */
CBEC_API unsigned long cbec_error_line(const cbec_error *e);
CBEC_API unsigned long cbec_error_column(const cbec_error *e);
CBEC_API void cbec_error_free(cbec_error *e);

/* ---- options for loading packs ------------------------------------------ */

/* Option keys for cbec_options_set_string(). */
typedef enum cbec_option {
    /* Directory holding Debian's iso-codes JSON files
     * (default: $CBECSTD_ISO_CODES_DIR, else /usr/share/iso-codes/json). */
    CBEC_OPT_ISO_CODES_DIR = 1,
    /* Allow packs whose status is "draft" or "withdrawn" ("1" or "0"). */
    CBEC_OPT_ALLOW_INACTIVE = 2,
    /* JSON Schema dialect of schemas without "$schema": "2020-12" (the
     * default) or "7" (draft-07).  See doc/json-schema.md. */
    CBEC_OPT_SCHEMA_DRAFT = 3,
    /* "1": JSON Schema "format" asserts (date-time, email, uuid, ...);
     * "0" (the default): it is an annotation only, as the drafts say. */
    CBEC_OPT_SCHEMA_FORMAT_ASSERT = 4,
    /* "1": the XSDs of XML message types and the message definitions of
     * EDIFACT and X12 forms are compiled when a message first needs them
     * instead of at load (their files are still read and hashed at load,
     * so the digest is the same).  Loading is then several times faster;
     * one that does not compile fails the messages that need it with a
     * CBEC-XSD or CBEC-EDI-DEFINITION error instead of failing the load.
     * "0" (the default): compiled at load.  See doc/xml.md, doc/edi.md.
     * @since 0.1 */
    CBEC_OPT_DEFER_COMPILE = 5,
    /* How many threads load the pack files of a directory, the calling
     * thread included: "0" (the default) one per processor, at most 8;
     * "1" the calling thread alone (no thread is created); "2" to "8".
     * @since 0.1 */
    CBEC_OPT_LOAD_THREADS = 6,
    /* A directory where loading keeps what it derives from files that
     * change rarely (the language-tag tables built from iso-codes' ISO 639
     * and 15924 files, the code lists packs import from iso-codes, and
     * with CBEC_OPT_LAZY_LOAD the heads of packs), so that the next
     * process loading packs with the same files reads a few kilobytes
     * instead of about a megabyte of JSON.  An entry serves only while every file it came
     * from has the same path, device, inode, size, modification time and
     * change time; the library makes the directory (mode 0700) when
     * missing and uses it only when it belongs to the effective user and
     * nobody else may write to it.  Anything wrong with the directory or
     * an entry makes the load read the files, as without a cache; it never
     * fails a load.  NULL or "" (the default): no cache.  The cbecstd
     * program sets $CBECSTD_CACHE_DIR, else $XDG_CACHE_HOME/cbecstd, else
     * ~/.cache/cbecstd.  @since 0.1 */
    CBEC_OPT_CACHE_DIR = 7,
    /* "1": cbec_registry_load_path() and cbec_registry_reload() read every
     * pack and check what choosing a pack for a message needs (metadata,
     * bases, effective dates, detection), but compile the rest of a pack
     * (rules, code lists, schemas, bindings, the files it names) only when
     * a message first needs a message type the pack takes part in: the
     * packs that name the type and the packs they extend.  A program that
     * validates one message, or messages of a few types, then compiles
     * only those packs.  An error in the rest of a pack then fails the
     * messages that need it, with a CBEC-PACK finding naming the error,
     * instead of failing the load; cbec_registry_pack() compiles the pack
     * it returns.  Implies CBEC_OPT_DEFER_COMPILE.  "auto": lazily when
     * the cache (CBEC_OPT_CACHE_DIR) certifies that the same pack files,
     * and every file their compile read, loaded whole without an error
     * before with the same options; otherwise whole, and a load that
     * succeeds is certified, so no error is ever deferred.  "0" (the
     * default): every pack compiles at load.  See doc/api.md.  @since 0.1 */
    CBEC_OPT_LAZY_LOAD = 8
} cbec_option;

/* Create an options object with every setting at its safe default.  The
 * caller owns it (cbec_options_free); the library copies what it needs, so
 * it may be freed right after the call that used it.  @since 0.1 */
CBEC_API int cbec_options_new(cbec_options **out);
/* Set a string option; value NULL restores the default.  Returns
 * CBEC_EINVAL for an unknown key.  @since 0.1 */
CBEC_API int cbec_options_set_string(cbec_options *o, int key, const char *value);
/* Pin the expected digest of a pack: loading pack_label ("id@version")
 * with another digest fails with CBEC_EDIGEST.  digest is 64 lower-case hex
 * digits, optionally prefixed "sha256:".  May be called once per pack.
 * @since 0.1 */
CBEC_API int cbec_options_pin_digest(cbec_options *o, const char *pack_label, const char *digest);
/* Serve JSON Schema references whose URI starts with uri_prefix (e.g.
 * "https://schemas.example.com/") from files under dir: the rest of the
 * URI, percent-decoded, is a path relative to dir, and a path leading out
 * of dir is refused.  Schemas are never fetched from the network; this is
 * how schemas published under a URL are made available.  Both strings are
 * copied.  Returns CBEC_EINVAL for NULL or empty arguments, CBEC_ENOMEM.
 * @since 0.1 */
CBEC_API int cbec_options_add_resource_dir(cbec_options *o, const char *uri_prefix, const char *dir);
CBEC_API void cbec_options_free(cbec_options *o);

/* ---- packs -------------------------------------------------------------- */

/* Load and compile one rule pack file (format v1, JSON; doc/pack-format.md).
 * Files the pack references are resolved relative to its directory and
 * never outside it.  opts may be NULL.  On success *out is a new pack with
 * one reference, released with cbec_pack_free().  Returns CBEC_EIO when
 * the file cannot be read, CBEC_EPACK when it is invalid (details in
 * *err: file, line, column, pack path).  @since 0.1 */
CBEC_API int cbec_pack_load_file(cbec_pack **out, const char *path,
                                 const cbec_options *opts, cbec_error **err);

/* As cbec_pack_load_file, from memory.  name is used in messages and
 * base_dir (may be NULL: no referenced files allowed) to resolve files.
 * @since 0.1 */
CBEC_API int cbec_pack_load_buffer(cbec_pack **out, const char *data, size_t len,
                                   const char *name, const char *base_dir,
                                   const cbec_options *opts, cbec_error **err);

/* Validate against a bare JSON Schema (2020-12 or draft-07, as its
 * "$schema" says, else CBEC_OPT_SCHEMA_DRAFT): make a pack with one
 * message type, "schema", whose only rule is the schema (rule id
 * "SCHEMA"); add it to a registry and validate with message type "schema".
 * References resolve to files beside the schema (never outside its
 * directory), to the directories of cbec_options_add_resource_dir and to
 * the embedded official metaschemas; never over the network.  opts may be
 * NULL.  On success *out is a new pack (cbec_pack_free).  Returns CBEC_EIO
 * when the schema cannot be read, CBEC_EPACK when it is invalid or a
 * reference cannot be resolved (details in *err, with the schema file,
 * the JSON Pointer, line and column).  Thread-safe.  @since 0.1 */
CBEC_API int cbec_pack_from_schema(cbec_pack **out, const char *schema_path,
                                   const cbec_options *opts, cbec_error **err);

/* Take another reference on a pack (thread-safe); returns p.  @since 0.1 */
CBEC_API cbec_pack *cbec_pack_ref(cbec_pack *p);
/* Drop a reference; the pack is freed with the last one.  @since 0.1 */
CBEC_API void cbec_pack_free(cbec_pack *p);

/* Pack metadata, borrowed from the pack.  @since 0.1 */
CBEC_API const char *cbec_pack_id(const cbec_pack *p);
CBEC_API const char *cbec_pack_version(const cbec_pack *p);
CBEC_API const char *cbec_pack_status(const cbec_pack *p);   /* draft|active|withdrawn */
CBEC_API const char *cbec_pack_module(const cbec_pack *p);
CBEC_API const char *cbec_pack_effective_from(const cbec_pack *p); /* "" when open */
CBEC_API const char *cbec_pack_effective_to(const cbec_pack *p);   /* "" when open */
CBEC_API const char *cbec_pack_file(const cbec_pack *p);
/* "sha256:<64 hex>" over the pack's canonical JSON (members sorted, no
 * insignificant whitespace) and every file it refers to; see
 * doc/authoring.md. */
CBEC_API const char *cbec_pack_digest(const cbec_pack *p);
/* Title in a language (falls back to "en"). */
CBEC_API const char *cbec_pack_title(const cbec_pack *p, const char *lang);
CBEC_API size_t cbec_pack_ref_count(const cbec_pack *p);   /* external standards */
CBEC_API const char *cbec_pack_ref_id(const cbec_pack *p, size_t i);
CBEC_API size_t cbec_pack_message_type_count(const cbec_pack *p);
CBEC_API const char *cbec_pack_message_type(const cbec_pack *p, size_t i);
/* Number of rules of one message type (NULL: of all types), as written in
 * the pack (not counting what it inherits from packs it extends). */
CBEC_API size_t cbec_pack_rule_count(const cbec_pack *p, const char *message_type);
/* Rule i (< cbec_pack_rule_count) of a message type: its id, and its
 * definition as canonical JSON (members sorted, no insignificant
 * whitespace), for revision tooling.  NULL when out of range.  @since 0.1 */
CBEC_API const char *cbec_pack_rule_id(const cbec_pack *p, const char *message_type, size_t i);
CBEC_API const char *cbec_pack_rule_definition(const cbec_pack *p, const char *message_type, size_t i);
/* The packs this pack extends: id and version range of base i.  @since 0.1 */
CBEC_API size_t cbec_pack_base_count(const cbec_pack *p);
CBEC_API const char *cbec_pack_base_id(const cbec_pack *p, size_t i);
CBEC_API const char *cbec_pack_base_range(const cbec_pack *p, size_t i);

/* ---- registry ----------------------------------------------------------- */

/* A registry holds the packs validations may use.  Packs are linked when
 * they are added: "extends" is resolved against the packs loaded, a derived
 * pack is checked to only tighten its bases (conflicts are CBEC_EPACK
 * errors naming both rules, both packs and their clauses), and for each
 * message the registry picks the one pack version that defines its type,
 * is active (see CBEC_VOPT_ALLOW_INACTIVE) and is in force on the
 * message's date (CBEC_VOPT_DATE, a date field the pack names, or today).
 * Every change builds a new immutable snapshot and swaps it in atomically:
 * validations already running finish on the packs they started with.
 * Changes may run concurrently with validations; concurrent changes are
 * serialised.  @since 0.1 */
CBEC_API int cbec_registry_new(cbec_registry **out);
CBEC_API void cbec_registry_free(cbec_registry *r);
/* Add a pack; the registry takes its own reference.  Nothing changes on an
 * error: CBEC_EAMBIGUOUS (with *err) when the same id@version is loaded
 * already, or when two active packs not extending one another would define
 * a message type on the same dates; CBEC_ENOTFOUND when a base it extends
 * is not loaded; CBEC_EPACK when it loosens a base rule.  @since 0.1 */
CBEC_API int cbec_registry_add(cbec_registry *r, cbec_pack *p, cbec_error **err);
/* Load a pack file, or every "*.pack.json" file of a directory, and add
 * them all at once (all or nothing).  The files of a directory compile on
 * up to one thread per processor (at most 8); the result is that of
 * loading them in name order: the packs in that order, or the error of
 * the first failing file in that order.  @since 0.1 */
CBEC_API int cbec_registry_load_path(cbec_registry *r, const char *path,
                                     const cbec_options *opts, cbec_error **err);
/* Hot reload: load the packs of paths (files or directories) and replace all
 * of the registry's packs with them atomically.  On error the registry keeps
 * its packs.  @since 0.1 */
CBEC_API int cbec_registry_reload(cbec_registry *r, const char *const *paths, size_t npaths,
                                  const cbec_options *opts, cbec_error **err);
CBEC_API size_t cbec_registry_pack_count(const cbec_registry *r);
/* Borrowed; valid until the registry next changes. */
CBEC_API const cbec_pack *cbec_registry_pack(const cbec_registry *r, size_t i);

/* ---- validation --------------------------------------------------------- */

/* Validator settings for cbec_validator_set_limit(). 0 restores a default. */
typedef enum cbec_limit {
    CBEC_LIMIT_MESSAGE_BYTES = 1, /* default 64 MiB */
    CBEC_LIMIT_DEPTH = 2,         /* nesting depth, default 256, at most 10000 */
    CBEC_LIMIT_FINDINGS = 3,      /* findings kept per report, default 1000 */
    CBEC_LIMIT_NODES = 4          /* document nodes, default 4 million */
} cbec_limit;

/* Create a validator: the scratch state of one thread.  Use it from one
 * thread at a time; create one per thread.  @since 0.1 */
CBEC_API int cbec_validator_new(cbec_validator **out);
CBEC_API void cbec_validator_free(cbec_validator *v);
CBEC_API int cbec_validator_set_limit(cbec_validator *v, int limit, unsigned long value);

/* Validator settings for cbec_validator_set_option(); a NULL value restores
 * the default. */
typedef enum cbec_validator_option {
    /* "YYYY-MM-DD": the date that picks the pack versions in force (default:
     * the message's date field a pack names, else today in UTC) */
    CBEC_VOPT_DATE = 1,
    /* "1": packs whose status is draft or withdrawn may be picked too */
    CBEC_VOPT_ALLOW_INACTIVE = 2,
    /* state machines: the state the object was in before this message */
    CBEC_VOPT_PREVIOUS_STATE = 3
} cbec_validator_option;

/* A new validator with the same limits and options as v (none of its
 * scratch): configure one, clone it for each worker thread.  v may be in use
 * by another thread only if nothing changes its settings meanwhile.
 * @since 0.1 */
CBEC_API int cbec_validator_clone(cbec_validator **out, const cbec_validator *v);

/* Set an option for the following validations; the value is copied.
 * Returns CBEC_EINVAL for an unknown option or a malformed value.
 * @since 0.1 */
CBEC_API int cbec_validator_set_option(cbec_validator *v, int option, const char *value);

/* Validate one message.  message_type NULL asks the registry's packs to tell
 * the type from the message (JSON: the field a pack's "detect" names).  On
 * success (CBEC_OK) *out is a new report, even when the message is
 * malformed: a message that breaks rules or cannot be parsed is a
 * successful validation whose report holds findings and is not valid.
 * Returns CBEC_ENOTFOUND when message_type is given and no pack defines it.
 * @since 0.1 */
CBEC_API int cbec_validate(cbec_validator *v, const cbec_registry *reg,
                           const char *message_type, cbec_format format,
                           const void *data, size_t len, cbec_report **out);

/* ---- reports ------------------------------------------------------------ */

CBEC_API void cbec_report_free(cbec_report *r);
/* 1 when processing succeeded and no finding has error severity; else 0. */
CBEC_API int cbec_report_valid(const cbec_report *r);
/* The message type validated ("" when it could not be told). */
CBEC_API const char *cbec_report_message_type(const cbec_report *r);
/* The format the message was read as. */
CBEC_API cbec_format cbec_report_format(const cbec_report *r);
/* Findings kept, and 1 when more were found than the findings limit kept. */
CBEC_API size_t cbec_report_count(const cbec_report *r);
CBEC_API int cbec_report_truncated(const cbec_report *r);
/* Number of findings of a severity (including those past the limit). */
CBEC_API size_t cbec_report_count_severity(const cbec_report *r, cbec_severity s);
/* Label the report with its source (file name, and 1-based index for NDJSON
 * lines; 0 for none); used by cbec_report_render.  @since 0.1 */
CBEC_API int cbec_report_set_source(cbec_report *r, const char *source, unsigned long index);

/* Finding accessors, i < cbec_report_count().  Strings are borrowed from the
 * report.  path is an RFC 6901 JSON Pointer into the logical message; for an
 * XML message it is the element path as written in the message, repeated
 * elements numbered from 1 ("/ceb:CEB311Message/ceb:Order[2]/ceb:OrderHead/
 * ceb:orderNo", "/@attr" for an attribute), also for findings on fields a
 * binding mapped (doc/xml.md); line and column are 1-based (column in
 * characters), 0 when unknown.  @since 0.1 */
CBEC_API const char *cbec_finding_rule(const cbec_report *r, size_t i);
CBEC_API cbec_severity cbec_finding_severity(const cbec_report *r, size_t i);
CBEC_API const char *cbec_finding_path(const cbec_report *r, size_t i);
CBEC_API unsigned long cbec_finding_line(const cbec_report *r, size_t i);
CBEC_API unsigned long cbec_finding_column(const cbec_report *r, size_t i);
CBEC_API unsigned long cbec_finding_offset(const cbec_report *r, size_t i);
CBEC_API const char *cbec_finding_pack(const cbec_report *r, size_t i); /* id@version */
CBEC_API const char *cbec_finding_ref(const cbec_report *r, size_t i);  /* "" if none */
/* What the check expected, unescaped and in no particular language: the
 * pattern, the allowed values, the bound; for a text normalisation finding
 * the normalised text, i.e. a suggested fix.  "" when the finding has
 * none; NULL when i is out of range.  Borrowed from the report, like the
 * other accessors (thread-safe on a report no one modifies).  @since 0.1 */
CBEC_API const char *cbec_finding_expected(const cbec_report *r, size_t i);
/* The message in lang ("zh-CN", "en", ...; NULL or unknown falls back to
 * "en").  Valid until the next call of cbec_finding_message or
 * cbec_report_render on this report.  NULL on out-of-memory. */
CBEC_API const char *cbec_finding_message(cbec_report *r, size_t i, const char *lang);

/* Render the whole report as text or JSON in lang.  *out points at a
 * NUL-terminated buffer owned by the report, valid until the next render
 * or cbec_finding_message call or cbec_report_free; *len gets its length
 * (len may be NULL).  @since 0.1 */
CBEC_API int cbec_report_render(cbec_report *r, cbec_render_format format,
                                const char *lang, const char **out, size_t *len);

/* ---- EDI: positions and functional acknowledgements ---------------------- */

/* Where finding i stands in an EDIFACT or X12 input: the segment's ordinal
 * in the input (1 = the first UNB/ISA), the data element and component
 * positions within the segment (1-based, 0 when the finding is about the
 * whole segment or element) and the segment's tag (borrowed from the
 * report).  Any out-parameter may be NULL.  Returns 1 when the finding has
 * an EDI position, 0 otherwise (not EDI, or no place in the input).
 * @since 0.1 */
CBEC_API int cbec_finding_edi_position(const cbec_report *r, size_t i, unsigned long *segment,
                                       unsigned *element, unsigned *component, const char **tag);

/* Functional acknowledgements cbec_report_render_ack() can make. */
typedef enum cbec_ack_format {
    CBEC_ACK_X12_997 = 1,        /* X12 997 functional acknowledgment */
    CBEC_ACK_X12_999 = 2,        /* X12 999 implementation acknowledgment (005010X231) */
    CBEC_ACK_EDIFACT_CONTRL = 3  /* UN/EDIFACT CONTRL syntax and service report */
} cbec_ack_format;

/* Render the acknowledgement of a validated EDI input: one acknowledgement
 * interchange per interchange received, sender and recipient swapped, each
 * functional group and message accepted or rejected with the positions of
 * its errors (segment, element, component and the syntax error codes of
 * the acknowledgement's standard).  control_number: digits for the new
 * interchange (and group) control references (NULL: "1"; at most 9 digits);
 * timestamp: "YYYYMMDDHHMM" for the dates of the new envelopes (NULL: the
 * current UTC time).  *out points at a NUL-terminated buffer owned by the
 * report, valid until the next render call or cbec_report_free; *len gets
 * its length (len may be NULL).  Returns CBEC_ESTATE when the report is
 * not of an EDI input that could be read, CBEC_EINVAL for an X12
 * acknowledgement of EDIFACT (or the reverse) or a malformed argument.
 * Thread-safety: as any call on the report.  @since 0.1 */
CBEC_API int cbec_report_render_ack(cbec_report *r, cbec_ack_format format, const char *control_number,
                                    const char *timestamp, const char **out, size_t *len);

/* Severity as "error", "warning" or "info". */
CBEC_API const char *cbec_severity_name(cbec_severity s);

/* ---- personal data ------------------------------------------------------ */

/* Packs classify message fields as public, internal, personal or
 * sensitive-personal (the "classification" of a message type, see
 * doc/security.md).  Reports never hold the raw value of a personal or
 * sensitive field: cbec_validate() masks it when a finding is recorded
 * (ID 1101**********1239, phone +86138****5678), wherever a finding would
 * quote it.  cbec_redact() writes a copy of a message with those fields
 * masked or removed, for logs and for transfer outside the country of
 * origin. */

typedef struct cbec_redaction cbec_redaction; /* a redacted copy of one message */

/* Flags of cbec_redact(); 0 masks personal and sensitive-personal fields. */
typedef enum cbec_redact_flag {
    CBEC_REDACT_REMOVE = 1,   /* remove the fields (array items become null) instead of masking them */
    CBEC_REDACT_INTERNAL = 2  /* treat internal fields like personal ones (for parties outside the platform) */
} cbec_redact_flag;

/* Write a copy of a message with its classified fields masked or removed.
 * The message is read and its type picked as cbec_validate() does (v, reg,
 * message_type and format alike; v is used by one thread at a time); the
 * copy is the message's logical form as JSON, members in source order and
 * numbers exactly as written, and copies of a classified value (4 bytes or
 * longer) in other fields masked as well: a JSON message keeps its shape; an XML or EDI
 * message becomes the logical fields its pack binds it onto (a JSON array
 * when the binding splits it into several documents).  On success *out is
 * a new object the caller frees with cbec_redaction_free().  Returns
 * CBEC_EINVAL for bad arguments or a message that cannot be read or bound
 * (the reason in *err, never quoting the message's values),
 * CBEC_ENOTFOUND when no loaded pack defines or tells its type,
 * CBEC_ELIMIT when it holds more personal data than can be screened in
 * bounded time (100 000 values), CBEC_ENOMEM.  @since 0.1 */
CBEC_API int cbec_redact(cbec_validator *v, const cbec_registry *reg, const char *message_type,
                         cbec_format format, const void *data, size_t len, int flags,
                         cbec_redaction **out, cbec_error **err);
/* The redacted copy, NUL-terminated; borrowed from r and valid until
 * cbec_redaction_free(r).  *len (len may be NULL) gets its length.
 * @since 0.1 */
CBEC_API const char *cbec_redaction_data(const cbec_redaction *r, size_t *len);
/* Number of fields masked or removed.  @since 0.1 */
CBEC_API size_t cbec_redaction_count(const cbec_redaction *r);
/* The message type the copy was made for (borrowed from r).  @since 0.1 */
CBEC_API const char *cbec_redaction_message_type(const cbec_redaction *r);
/* Free a redaction (NULL is fine).  @since 0.1 */
CBEC_API void cbec_redaction_free(cbec_redaction *r);

/* ---- evaluation statistics ---------------------------------------------- */

/* Counters of validations and findings per pack, module, message type and
 * rule, for evaluating conformance module by module.  Any number of threads
 * may call cbec_stats_add() on one stats object.  @since 0.1 */
CBEC_API int cbec_stats_new(cbec_stats **out);
CBEC_API void cbec_stats_free(cbec_stats *s);
/* Count one report (thread-safe). */
CBEC_API int cbec_stats_add(cbec_stats *s, const cbec_report *r);
/* The counters as one JSON object: {"messages", "valid", "invalid",
 * "findings": {"error", "warning", "info"}, "packs", "modules", "types":
 * {NAME: {"validated", "passed", "findings"}}, "rules": {ID: {"pack",
 * "messages", "findings"}}}.  *out is owned by s and valid until the next
 * render or cbec_stats_free; len may be NULL.  @since 0.1 */
CBEC_API int cbec_stats_render_json(cbec_stats *s, const char **out, size_t *len);

/* ---- JSON Logic --------------------------------------------------------- */

/* A compiled JSON Logic rule (jsonlogic.com plus the commerce extensions of
 * doc/json-logic.md: exact decimals, currency rounding, sums over paths).
 * Compile once, evaluate many times; one thread at a time per handle. */
typedef struct cbec_logic cbec_logic;

/* Settings for cbec_logic_set_limit(); 0 restores the default. */
typedef enum cbec_logic_limit {
    CBEC_LOGIC_LIMIT_OPERATIONS = 1, /* operations per evaluation, default 100000 */
    CBEC_LOGIC_LIMIT_DEPTH = 2,      /* nesting of operations, default 128, at most 1000 */
    CBEC_LOGIC_LIMIT_MEMORY = 3      /* bytes one evaluation may use, default 8 MiB */
} cbec_logic_limit;

/* Compile the JSON Logic rule in rule[0..len) (JSON text).  On success *out
 * is a new handle the caller frees with cbec_logic_free().  Returns
 * CBEC_EINVAL with *err (line, column and JSON Pointer of the offending
 * part) for malformed JSON, an unknown operator or arguments an operator
 * cannot take.  Code lists ("in_codelist") exist only in packs.
 * Thread-safe (no shared state).  @since 0.1 */
CBEC_API int cbec_logic_compile(cbec_logic **out, const char *rule, size_t len, cbec_error **err);

/* Change a limit of later evaluations (CBEC_ELIMIT past a hard cap,
 * CBEC_EINVAL for an unknown limit).  @since 0.1 */
CBEC_API int cbec_logic_set_limit(cbec_logic *l, int limit, unsigned long value);

/* Evaluate the rule against the JSON data in data[0..len).  On success
 * *result is the result as one line of JSON (numbers keep their exact
 * decimal scale), NUL-terminated, borrowed from the handle and valid until
 * the next evaluation or cbec_logic_free(); result_len may be NULL.  On
 * failure *result is NULL and cbec_logic_error_type() classifies it:
 * "Data" (malformed data, CBEC_EINVAL), "NaN", "Invalid Arguments",
 * "Range" or a thrown type (the data does not fit the rule, CBEC_EINVAL),
 * "Limit" (CBEC_ELIMIT: an operation, depth or memory limit was hit).
 * Use the handle from one thread at a time.  @since 0.1 */
CBEC_API int cbec_logic_eval(cbec_logic *l, const char *data, size_t len, const char **result,
                             size_t *result_len, cbec_error **err);

/* The class of the last evaluation's failure, "" after a success; borrowed
 * from the handle.  A thrown type comes back as thrown, up to 63 bytes cut
 * at a character boundary ("Unknown" when empty); the error's message
 * shows it with control characters escaped.  @since 0.1 */
CBEC_API const char *cbec_logic_error_type(const cbec_logic *l);

/* Free a handle (NULL is fine).  @since 0.1 */
CBEC_API void cbec_logic_free(cbec_logic *l);

/* ---- identifiers on their own ------------------------------------------- */

/* The identifier checks the "identifier" rule kind uses (gtin, iban, bic,
 * lei, s10, iso6346, uscc, cn-ric, hs, unlocode, e164, email, uuid,
 * masked-pan, ...; doc/coding.md), callable without a pack.  Values are
 * checked as given, in compact form: no spaces, no case folding. */

typedef struct cbec_identifier_checker cbec_identifier_checker;

/* Number of identifier kinds (constant for a build).  Thread-safe.
 * @since 0.1 */
CBEC_API size_t cbec_identifier_kind_count(void);
/* Name of kind i ("gtin"), NULL when i is out of range.  Static string;
 * thread-safe.  @since 0.1 */
CBEC_API const char *cbec_identifier_kind_name(size_t i);
/* One-line description of kind i in lang ("zh" or "zh-CN" for Chinese,
 * anything else for English), NULL when i is out of range.  Static
 * string; thread-safe.  @since 0.1 */
CBEC_API const char *cbec_identifier_kind_summary(size_t i, const char *lang);

/* Create a checker: it holds the ISO 3166-1 alpha-2 country codes that
 * kinds with a country part (bic, s10, unlocode) are checked against, read
 * from Debian's iso-codes (the CBEC_OPT_ISO_CODES_DIR option of opts, which
 * may be NULL, else $CBECSTD_ISO_CODES_DIR, else the build default).
 * On success *out is owned by the caller (cbec_identifier_checker_free).
 * Returns CBEC_EIO when the iso-codes table cannot be read (details in
 * *err), CBEC_ENOMEM, CBEC_EINVAL when out is NULL.  A checker is
 * immutable: any number of threads may use one at once.  @since 0.1 */
CBEC_API int cbec_identifier_checker_new(cbec_identifier_checker **out, const cbec_options *opts,
                                         cbec_error **err);
/* Free a checker (NULL is fine).  @since 0.1 */
CBEC_API void cbec_identifier_checker_free(cbec_identifier_checker *c);

/* Check value[0..len) as an identifier of kind kind ("gtin", ...).
 * checker may be NULL: then country parts are not checked.  *valid is set
 * to 1 when the value is valid, else 0; then the exact reason (length,
 * character set, check digit, component such as an unknown country or an
 * impossible birth date) is written to reason, NUL-terminated and cut at
 * reason_size bytes on a UTF-8 boundary, in lang ("zh"/"zh-CN": Chinese,
 * else English); reason may be NULL when reason_size is 0, and is set to
 * "" for a valid value.  The reason quotes at most the one offending
 * character of the value, never the value itself.  Returns CBEC_OK,
 * CBEC_ENOTFOUND for an unknown kind, CBEC_EINVAL for a NULL kind, value
 * (with len > 0) or valid.  Thread-safe.  @since 0.1 */
CBEC_API int cbec_identifier_check(const cbec_identifier_checker *checker, const char *kind,
                                   const char *value, size_t len, const char *lang, int *valid,
                                   char *reason, size_t reason_size);

#ifdef __cplusplus
}
#endif

#endif /* CBECSTD_H */
