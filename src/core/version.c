/* version.c - the library's own version, for callers that check at run time. */
#include "core/core.h"

CBEC_API const char *cbec_version(void) { return CBEC_VERSION_STRING; }
CBEC_API int cbec_version_number(void) { return CBEC_VERSION_NUMBER; }
