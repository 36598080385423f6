/* sections.h - format sections of message types. */
#ifndef CBEC_SECTIONS_H
#define CBEC_SECTIONS_H

#include "pack/pack.h"

/* Compile {"path": ..., "equals": ...} detection for JSON messages. */
bool cbec__json_detect_compile(cbec_compiler *c, const cbec_node *n, cbec_format_spec *out);

#endif
