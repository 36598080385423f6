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

/* One opened standard, e.g. "3166-1" (file iso_3166-1.json). */
typedef struct cbec_isocodes {
    cbec_arena arena;
    cbec_doc doc;
    void *reader;
    char *data;
    const cbec_node *entries;  /* array of objects such as {"alpha_2": "CN", "name": "China", ...} */
    char standard[16];
    char path[1024];
} cbec_isocodes;

/* Standards known: 3166-1, 3166-2, 3166-3, 4217, 639-2, 639-3, 639-5, 15924.
 * Returns CBEC_OK, CBEC_ENOTFOUND (unknown standard), CBEC_EIO (file
 * missing or unreadable: the message in err names the path and how to set
 * another directory), CBEC_EPACK (not the expected shape), CBEC_ENOMEM. */
int cbec__isocodes_open(cbec_isocodes *t, const char *dir, const char *standard,
                        char *err, size_t errlen);
void cbec__isocodes_close(cbec_isocodes *t);

/* The string value of field in entry (NULL when absent). */
const cbec_node *cbec__isocodes_field(const cbec_node *entry, const char *field);

/* A new code list of the values of one field of every entry (entries
 * without the field are skipped); NULL on out of memory. */
cbec_codelist *cbec__isocodes_codelist(const cbec_isocodes *t, const char *list_name, const char *field);

#endif
