/* regex.c - the PCRE2 adapter: the only file that includes pcre2.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules/regex.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JIT compilation happens at a pattern's first match, not at load: a
 * pack has dozens of patterns and a run may match few of them. */
enum { JIT_UNTRIED, JIT_YES, JIT_NO };

struct cbec_regex {
    pcre2_code *code;
    char *source;
    atomic_int jit;          /* JIT_*: final once not JIT_UNTRIED */
};

/* Held while a pattern is JIT-compiled: pcre2_jit_compile writes to the
 * code, which no match may read meanwhile. */
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

struct cbec_regex_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
};

cbec_regex *cbec__regex_compile(const char *pattern, size_t len, unsigned flags,
                                char *err, size_t errlen)
{
    cbec_regex *re = calloc(1, sizeof *re);
    if (!re) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    if (flags & CBEC_REGEX_ANCHORED)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    if (flags & CBEC_REGEX_CASELESS)
        opts |= PCRE2_CASELESS;
    if (flags & CBEC_REGEX_ECMA) {
        /* ECMA-262: "$" matches only at the very end, "\d" is ASCII digits. */
        opts |= PCRE2_DOLLAR_ENDONLY;
        opts &= ~(uint32_t)PCRE2_UCP;
    }
    pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
    if (!cctx) {
        free(re);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* bound the compile itself: nesting of parentheses */
    pcre2_set_parens_nest_limit(cctx, 250);
    if (flags & CBEC_REGEX_ECMA)
        pcre2_set_compile_extra_options(cctx, PCRE2_EXTRA_ALT_BSUX);
    int ec;
    PCRE2_SIZE eo;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &ec, &eo, cctx);
    pcre2_compile_context_free(cctx);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)eo);
        free(re);
        return NULL;
    }
    atomic_init(&re->jit, JIT_UNTRIED);
    re->source = malloc(len + 1);
    if (!re->source) {
        cbec__regex_free(re);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(re->source, pattern, len);
    re->source[len] = '\0';
    return re;
}

void cbec__regex_free(cbec_regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    free(re->source);
    free(re);
}

const char *cbec__regex_source(const cbec_regex *re) { return re->source; }

cbec_regex_scratch *cbec__regex_scratch_new(const cbec_regex_limits *lim)
{
    cbec_regex_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->md = pcre2_match_data_create(1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    if (!s->md || !s->mctx) {
        cbec__regex_scratch_free(s);
        return NULL;
    }
    pcre2_set_match_limit(s->mctx, lim && lim->match_limit ? (uint32_t)lim->match_limit : 100000);
    pcre2_set_depth_limit(s->mctx, lim && lim->depth_limit ? (uint32_t)lim->depth_limit : 10000);
    pcre2_set_heap_limit(s->mctx, 20000); /* KiB */
    if (s->jit)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
    return s;
}

void cbec__regex_scratch_free(cbec_regex_scratch *s)
{
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit);
    free(s);
}

/* Only ASCII bytes: then the subject is valid UTF-8 without PCRE2's own
 * check.  Eight bytes at a time. */
static bool all_ascii(const char *s, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return !(acc & 0x8080808080808080ULL);
}

static int outcome(int rc)
{
    if (rc >= 0)
        return 1;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH: return 0;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT: return -1;
    case PCRE2_ERROR_NOMEMORY: return -3;
    default: return rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21 ? -2 : -1;
    }
}

/* JIT-compile re at its first use (every match comes here first, so no
 * match reads the code while it changes); true when its JIT code runs. */
static bool jit_ready(const cbec_regex *re)
{
    int st = atomic_load_explicit(&re->jit, memory_order_acquire);
    if (st != JIT_UNTRIED)
        return st == JIT_YES;
    cbec_regex *w = (cbec_regex *)re; /* the state is the compiled pattern's own cache */
    pthread_mutex_lock(&jit_lock);
    st = atomic_load_explicit(&w->jit, memory_order_relaxed);
    if (st == JIT_UNTRIED) {
        st = pcre2_jit_compile(w->code, PCRE2_JIT_COMPLETE) == 0 ? JIT_YES : JIT_NO;
        atomic_store_explicit(&w->jit, st, memory_order_release);
    }
    pthread_mutex_unlock(&jit_lock);
    return st == JIT_YES;
}

/* A subject known to be valid UTF-8 skips PCRE2's UTF check and, for a
 * JIT-compiled pattern, goes straight to the compiled code (what
 * pcre2_match does after its checks); the limits are those of the match
 * context either way. */
static int match_valid(const cbec_regex *re, cbec_regex_scratch *s, const char *subject, size_t len)
{
    bool jit = jit_ready(re);
    if (!subject) /* PCRE2's own answer to a missing subject */
        return outcome(pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, s->md, s->mctx));
    int rc = PCRE2_ERROR_JIT_BADOPTION;
    if (jit)
        rc = pcre2_jit_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, s->md, s->mctx);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)
        rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    return outcome(rc);
}

int cbec__regex_match(const cbec_regex *re, cbec_regex_scratch *s, const char *subject, size_t len)
{
    if (all_ascii(subject, len))
        return match_valid(re, s, subject, len);
    jit_ready(re);
    return outcome(pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, s->md, s->mctx));
}

int cbec__regex_match_utf8(const cbec_regex *re, cbec_regex_scratch *s, const char *subject, size_t len)
{
    return match_valid(re, s, subject, len);
}
