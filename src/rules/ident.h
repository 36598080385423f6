/* ident.h - check-digit and structure checks for the identifiers that
 * cross-border e-commerce messages carry (GTIN, IBAN, BIC, LEI, UPU S10,
 * ISO 6346, China USCC and resident ID, HS, UN/LOCODE, E.164, e-mail, UUID,
 * masked card numbers).  Internal: never installed, never exported.
 *
 * Every check is a pure function of its input: no allocation, no locale,
 * no mutable state, so any number of threads may call them at once.
 * Values are given in compact form (no spaces or separators) and are
 * checked as given: a lower-case IBAN or BIC is rejected, not folded. */
#ifndef CBEC_IDENT_H
#define CBEC_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/* Why a value failed.  Values are stable; new ones are only appended. */
typedef enum cbec_ident_code {
    CBEC_IDENT_OK = 0,
    CBEC_IDENT_LENGTH = 1,    /* wrong number of characters */
    CBEC_IDENT_CHARSET = 2,   /* a character outside the identifier's alphabet */
    CBEC_IDENT_CHECKSUM = 3,  /* a check digit or check character is wrong */
    CBEC_IDENT_COMPONENT = 4, /* a part names nothing real (country, region, date, ...) */
    CBEC_IDENT_FORMAT = 5,    /* characters of the alphabet in the wrong places */
    CBEC_IDENT_UNMASKED = 6   /* masked-pan: a full card number where a masked one is required */
} cbec_ident_code;

/* The outcome of one check.  reason_en and reason_zh are NUL-terminated
 * (empty on success) and never contain more of the value than the one
 * offending character or the check digits involved, so they may be shown
 * even when the value itself is personal data. */
typedef struct cbec_ident_result {
    cbec_ident_code code;
    size_t pos;            /* 0-based byte index of the offending character when relevant, else 0;
                              the reasons count positions from 1 */
    char reason_en[128];   /* e.g. "check digit is 3, expected 7" */
    char reason_zh[128];   /* the same in Simplified Chinese (UTF-8), e.g. "校验位为 3，应为 7" */
} cbec_ident_result;

/* Country lookup supplied by the caller: true when cc (two upper-case
 * letters, not NUL-terminated) is an ISO 3166-1 alpha-2 code the caller
 * accepts.  A NULL function means "do not check countries". */
typedef bool (*cbec_country_fn)(const char cc[2], void *ud);

/* One identifier kind.  check() returns true when s[0..n) is valid;
 * otherwise it fills *res (when res is not NULL) with a code and both
 * reasons.  On success *res is cleared to CBEC_IDENT_OK.  s may be NULL
 * when n is 0.  country may be NULL; ud is passed to it unchanged. */
typedef struct cbec_ident_kind {
    const char *name;       /* "gtin", "iban", ... */
    const char *summary_en; /* one line */
    const char *summary_zh;
    bool (*check)(const char *s, size_t n, cbec_country_fn country, void *ud,
                  cbec_ident_result *res);
    bool uses_country;      /* check() asks country() about a part of the value */
} cbec_ident_kind;

/* The kind named name (NUL-terminated), or NULL when unknown or name is
 * NULL.  Kinds: gtin, iban, bic, lei, s10, iso6346, uscc, uscc-strict, cn-ric,
 * cn-ric-strict, hs, unlocode, e164, email, uuid, uuid4, masked-pan, luhn,
 * iso7064-mod97-10, iso7064-mod11-2.  The returned object is static. */
const cbec_ident_kind *cbec__ident_find(const char *name);
/* Number of kinds, and the i-th of them (NULL when i is out of range),
 * in a fixed order. */
size_t cbec__ident_count(void);
const cbec_ident_kind *cbec__ident_at(size_t i);

/* Total IBAN length for a country from the SWIFT IBAN registry, or 0 when
 * the country has no IBAN (cc is two upper-case letters). */
size_t cbec__ident_iban_length(const char cc[2]);

#endif /* CBEC_IDENT_H */
