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
/* Start rule r (zeroed) of message type t, compiled from pack node at:
 * its pack, type, error severity and pack path.  False when out of
 * memory (reported). */
bool cbec__rule_init(cbec_compiler *c, cbec_rule *r, cbec_msgtype *t, const cbec_node *at);
/* A "severity" member: "error", "warning" or "info" into *out; false with
 * the error reported otherwise. */
bool cbec__compile_severity(cbec_compiler *c, const cbec_node *n, int *out);
/* Split a rule path ("/a/[*]/b", RFC 6901 escapes) into segments. */
bool cbec__compile_path(cbec_compiler *c, const cbec_node *at, const char *path,
                        cbec_path_seg **segs, size_t *nsegs);
void cbec__path_free(cbec_path_seg *segs, size_t nsegs);

#endif
