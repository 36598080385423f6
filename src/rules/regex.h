/* regex.h - regular expressions through PCRE2: compiled once (JIT-compiled
 * at the first match where the platform has it), matched with per-validator scratch and hard limits so
 * a pathological pattern cannot hang a validation. */
#ifndef CBEC_REGEX_H
#define CBEC_REGEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cbec_regex cbec_regex;
typedef struct cbec_regex_scratch cbec_regex_scratch;

#define CBEC_REGEX_ANCHORED 0x1   /* match the whole subject */
#define CBEC_REGEX_ECMA 0x2       /* ECMA-262 flavour (JSON Schema): see doc/json-schema.md */
#define CBEC_REGEX_CASELESS 0x4

/* Compile; on error returns NULL and writes a reason (with the offset in the
 * pattern) into err. */
cbec_regex *cbec__regex_compile(const char *pattern, size_t len, unsigned flags,
                                char *err, size_t errlen);
void cbec__regex_free(cbec_regex *re);
const char *cbec__regex_source(const cbec_regex *re);

/* Match limits: backtracking steps and depth (heap) per match. */
typedef struct cbec_regex_limits {
    unsigned long match_limit;   /* default 100000 */
    unsigned long depth_limit;   /* default 10000 */
} cbec_regex_limits;

cbec_regex_scratch *cbec__regex_scratch_new(const cbec_regex_limits *lim);
void cbec__regex_scratch_free(cbec_regex_scratch *s);

/* 1 match, 0 no match, -1 a limit was hit (the subject is not decided),
 * -2 the subject is not valid UTF-8, -3 out of memory. */
int cbec__regex_match(const cbec_regex *re, cbec_regex_scratch *s, const char *subject, size_t len);
/* The same for a subject the caller has checked is valid UTF-8 (never
 * returns -2): no second check. */
int cbec__regex_match_utf8(const cbec_regex *re, cbec_regex_scratch *s, const char *subject, size_t len);

#endif /* CBEC_REGEX_H */
