/* json-int.h - what the two JSON readers (json.c: json-c, for JSON Logic
 * rules given to the API and unusual iso-codes files; json-message.c:
 * messages and the files of packs) share.  Private to src/doc. */
#ifndef CBEC_JSON_INT_H
#define CBEC_JSON_INT_H

#include "doc/doc.h"

/* Scratch stacks of the message reader, kept by a reader between reads. */
typedef struct cbec_json_scratch cbec_json_scratch;
cbec_json_scratch *cbec__json_scratch_new(void);
void cbec__json_scratch_free(cbec_json_scratch *s);

/* The reader's scratch (made on first use; NULL when out of memory) and depth limit. */
cbec_json_scratch *cbec__json_reader_scratch(cbec_json_reader *r);
unsigned cbec__json_reader_depth(const cbec_json_reader *r);

/* False (and *e filled) when len exceeds the limit. */
bool cbec__json_check_size(size_t len, const cbec_read_limits *lim, cbec_read_error *e);
/* True (and *e filled) when the raw text holds a NUL byte, invalid UTF-8 or
 * a \u escape of a lone surrogate: these are named before any syntax error. */
bool cbec__json_prescan_error(const char *src, size_t len, cbec_read_error *e);

#endif /* CBEC_JSON_INT_H */
