/* test-load.h - load one pack file with message definitions and XSDs
 * compiled at load or deferred (CBEC_OPT_DEFER_COMPILE), for unit tests. */
#ifndef CBEC_TEST_LOAD_H
#define CBEC_TEST_LOAD_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>

#include "cbecstd.h"

/* The pack, or NULL with the error text in msg (when not NULL; "" on
 * success). */
static inline cbec_pack *test_load_pack(const char *path, bool defer, char *msg, size_t cap)
{
    cbec_options *o = NULL;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_DEFER_COMPILE, defer ? "1" : "0"), CBEC_OK);
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_file(&p, path, o, &err);
    cbec_options_free(o);
    if (msg)
        snprintf(msg, cap, "%s", st ? (err ? cbec_error_message(err) : cbec_strerror(st)) : "");
    cbec_error_free(err);
    return st ? NULL : p;
}

#endif
