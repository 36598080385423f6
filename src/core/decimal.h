/* decimal.h - exact decimal numbers for amounts, quantities and rates.
 * A value is coef * 10^exp with a 128-bit coefficient (38 significant
 * digits): money never passes through binary floating point. */
#ifndef CBEC_DECIMAL_H
#define CBEC_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef unsigned __int128 cbec_u128;

typedef struct cbec_dec {
    cbec_u128 coef;
    int32_t exp;   /* value = (neg ? -1 : 1) * coef * 10^exp */
    bool neg;
} cbec_dec;

#define CBEC_DEC_MAX_DIGITS 38

typedef enum cbec_dec_status {
    CBEC_DEC_OK = 0,
    CBEC_DEC_SYNTAX = 1,   /* not a decimal number */
    CBEC_DEC_RANGE = 2,    /* more than 38 significant digits, or exponent out of range */
    CBEC_DEC_DIVZERO = 3
} cbec_dec_status;

/* Parse flags. */
#define CBEC_DEC_ALLOW_EXPONENT 0x1  /* 1.5e3 (JSON numbers) */
#define CBEC_DEC_ALLOW_PLUS 0x2      /* leading '+' */
#define CBEC_DEC_ALLOW_BARE_POINT 0x4 /* ".5" and "5." */

typedef enum cbec_round {
    CBEC_ROUND_HALF_UP = 0,    /* away from zero on .5 (commercial rounding) */
    CBEC_ROUND_HALF_EVEN = 1,  /* banker's rounding */
    CBEC_ROUND_DOWN = 2,       /* towards zero */
    CBEC_ROUND_UP = 3          /* away from zero */
} cbec_round;

/* Parse the exact text of a number.  The scale written is kept: "1.50" has
 * two fraction digits.  Leading zeros are allowed ("007"). */
cbec_dec_status cbec__dec_parse(const char *s, size_t n, unsigned flags, cbec_dec *out);
/* Fraction digits as written (0 for integers). */
unsigned cbec__dec_scale(const cbec_dec *d);
/* Significant digits of the coefficient (1 for zero). */
unsigned cbec__dec_digits(const cbec_dec *d);
bool cbec__dec_is_zero(const cbec_dec *d);
bool cbec__dec_is_integer(const cbec_dec *d);
/* -1, 0, 1 by numeric value ("1.0" == "1"). */
int cbec__dec_cmp(const cbec_dec *a, const cbec_dec *b);
cbec_dec_status cbec__dec_add(const cbec_dec *a, const cbec_dec *b, cbec_dec *out);
/* Sum of two coefficients already brought to exponent exp (each below
 * 10^38) with their signs: CBEC_DEC_RANGE when it reaches 10^38. */
cbec_dec_status cbec__dec_add_aligned(cbec_u128 ca, bool an, cbec_u128 cb, bool bn, int32_t exp, cbec_dec *out);
cbec_dec_status cbec__dec_sub(const cbec_dec *a, const cbec_dec *b, cbec_dec *out);
cbec_dec_status cbec__dec_mul(const cbec_dec *a, const cbec_dec *b, cbec_dec *out);
/* a / b rounded to scale fraction digits. */
cbec_dec_status cbec__dec_div(const cbec_dec *a, const cbec_dec *b, unsigned scale,
                              cbec_round mode, cbec_dec *out);
/* Round (or extend) to exactly scale fraction digits. */
cbec_dec_status cbec__dec_round(const cbec_dec *a, unsigned scale, cbec_round mode, cbec_dec *out);
/* a mod b, sign of a (as C's fmod); b must not be zero. */
cbec_dec_status cbec__dec_mod(const cbec_dec *a, const cbec_dec *b, cbec_dec *out);
void cbec__dec_from_int(int64_t v, cbec_dec *out);
/* Convert to int64 when integral and in range. */
bool cbec__dec_to_int64(const cbec_dec *d, int64_t *out);
/* Plain notation, no exponent ("-12.50"); at most 80 bytes plus NUL. */
#define CBEC_DEC_STRLEN 96
size_t cbec__dec_format(const cbec_dec *d, char out[CBEC_DEC_STRLEN]);
/* Remove trailing fraction zeros ("1.500" -> "1.5", "100" stays). */
void cbec__dec_normalize(cbec_dec *d);

#endif /* CBEC_DECIMAL_H */
