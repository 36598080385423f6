/* regex-dfa.h - deterministic automata for simple anchored patterns
 * (regex-dfa.c), used by regex.c in front of PCRE2. */
#ifndef CBEC_REGEX_DFA_H
#define CBEC_REGEX_DFA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cbec_regex_dfa cbec_regex_dfa;

/* The automaton of a pattern PCRE2 has compiled (flags 0 or ECMA: with
 * dollar_endonly "$" matches only at the very end), or NULL when the
 * pattern is outside the subset the automaton answers exactly as PCRE2
 * does (see regex-dfa.c) or memory ran out. */
cbec_regex_dfa *cbec__regex_dfa_build(const char *pattern, size_t len, bool dollar_endonly);
void cbec__regex_dfa_free(cbec_regex_dfa *d);

/* 1 match, 0 no match, -1 not decided here: the subject holds a byte
 * >= 0x80 or is long (PCRE2 decides). */
int cbec__regex_dfa_match(const cbec_regex_dfa *d, const char *s, size_t n);

#endif /* CBEC_REGEX_DFA_H */
