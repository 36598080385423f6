/* compile.h - the pack compiler's internal entry points. */
#ifndef CBEC_COMPILE_H
#define CBEC_COMPILE_H

#include "pack/pack.h"

bool cbec__compile_messages(cbec_compiler *c, const cbec_node *messages);
void cbec__msgtype_free(cbec_msgtype *t);
/* Check that obj has only allowed keys. */
bool cbec__compile_keys(cbec_compiler *c, const cbec_node *obj, const char *const *allowed,
                        size_t nallowed, const char *what);
/* Read an object keyed by language tag. */
bool cbec__compile_i18n(cbec_compiler *c, const cbec_node *n, cbec_i18n *out, bool need_zh_en,
                        bool templates);
/* Split a rule path ("/a/[*]/b", RFC 6901 escapes) into segments. */
bool cbec__compile_path(cbec_compiler *c, const cbec_node *at, const char *path,
                        cbec_path_seg **segs, size_t *nsegs);
void cbec__path_free(cbec_path_seg *segs, size_t nsegs);

#endif
