/* isocodes.h - reading Debian's iso-codes JSON files (ISO 3166, 4217, 639,
 * 15924) at pack load time, so code lists follow the installed tables
 * instead of copies inside the library. */
#ifndef CBEC_ISOCODES_H
#define CBEC_ISOCODES_H

#include "pack/pack.h"

/* The directory to read: the option CBEC_OPT_ISO_CODES_DIR, else the
 * environment variable CBECSTD_ISO_CODES_DIR, else the build-time default
 * (/usr/share/iso-codes/json on Debian). */
const char *cbec__isocodes_dir(const cbec_options *opts);

/* One member of an entry, in the order of the file.  Neither key nor text
 * is NUL-terminated: use the lengths. */
typedef struct cbec_isofield {
    const char *key;
    const char *text;        /* the value when it is a JSON string, else NULL */
    uint32_t keylen;
    uint32_t len;
} cbec_isofield;

/* One element of the standard's array; an element that is not an object
 * has no fields. */
typedef struct cbec_isoentry {
    const cbec_isofield *fields;
    uint32_t count;
    uint32_t first;          /* index of fields[0] in the table (internal) */
} cbec_isoentry;

typedef struct cbec_isotable cbec_isotable;

/* One opened standard, e.g. "3166-1" (file iso_3166-1.json).  The table is
 * read and converted once per process and shared, immutable, by every
 * handle opened on a file of the same path and the same bytes: each open
 * still reads the file (once per batch, below), so a changed file is
 * never served stale. */
typedef struct cbec_isocodes {
    cbec_isotable *table;
    const cbec_isoentry *entries;
    size_t count;
    uint64_t id;             /* identifies the table (path and content) in this process */
    char standard[16];
    char path[1024];
} cbec_isocodes;

/* The path of standard's file in dir ("DIR/iso_STANDARD.json") into out;
 * false when it does not fit. */
bool cbec__isocodes_path(const char *dir, const char *standard, char *out, size_t cap);

/* Standards known: 3166-1, 3166-2, 3166-3, 4217, 639-2, 639-3, 639-5, 15924.
 * Returns CBEC_OK, CBEC_ENOTFOUND (unknown standard), CBEC_EIO (file
 * missing or unreadable: the message in err names the path and how to set
 * another directory), CBEC_EPACK (not the expected shape), CBEC_ENOMEM.
 * Thread-safe. */
int cbec__isocodes_open(cbec_isocodes *t, const char *dir, const char *standard,
                        char *err, size_t errlen);
/* As cbec__isocodes_open, keeping only the fields named in fields
 * (space-separated, e.g. "alpha_3 alpha_2"; NULL: every field): the
 * entries are the same, each with fewer fields.  A reader that needs a few
 * fields of a big table (ISO 639-3: 7900 entries) keeps the memory of the
 * rest untouched.  Tables kept with other fields are distinct. */
int cbec__isocodes_open_fields(cbec_isocodes *t, const char *dir, const char *standard, const char *fields,
                               char *err, size_t errlen);
/* Release the handle (safe on a zeroed handle).  Thread-safe. */
void cbec__isocodes_close(cbec_isocodes *t);

/* Between begin and end (nested pairs count once), the opens of this
 * thread read each file once: later opens of the same path get the table
 * the first one read, and a table of the same file kept with other fields
 * is made from the same bytes.  A registry load is one batch. */
void cbec__isocodes_batch_begin(void);
void cbec__isocodes_batch_end(void);
/* The calling thread's batch (NULL outside one), and begin on another
 * thread in that batch: threads that load the packs of one registry load
 * read each file once between them, and a thread that opens a file another
 * is reading waits for it.  The threads that join end before the one that
 * began it.  join(NULL) is begin. */
typedef struct cbec_isobatch cbec_isobatch;
cbec_isobatch *cbec__isocodes_batch_current(void);
void cbec__isocodes_batch_join(cbec_isobatch *shared);

/* The string value of field in entry (the last member of that name, as
 * cbec__node_member finds it; NULL when absent or not a string). */
const cbec_isofield *cbec__isocodes_field(const cbec_isoentry *entry, const char *field);

/* The SHA-256 of the file's bytes in lower-case hex, computed once per
 * table. */
void cbec__isocodes_digest(const cbec_isocodes *t, char out[65]);

/* A new code list of the values of one field of every entry (entries
 * without the field are skipped); NULL on out of memory. */
cbec_codelist *cbec__isocodes_codelist(const cbec_isocodes *t, const char *list_name, const char *field);

#endif
