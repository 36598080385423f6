/* test-run.h - run a unit test's check suite and give the process its exit
 * status; how it reports (TAP for meson) comes from the environment that
 * tests/meson.build sets (CK_TAP_LOG_FILE_NAME, CK_VERBOSITY). */
#ifndef CBEC_TEST_RUN_H
#define CBEC_TEST_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
