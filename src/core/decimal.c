/* decimal.c - exact decimal arithmetic on a 128-bit coefficient. */
#include "core/decimal.h"

#include <stdio.h>
#include <string.h>

static const cbec_u128 U128_MAX = ~(cbec_u128)0;
/* 10^38 < 2^128 < 10^39: coefficients are kept below 10^38. */
static cbec_u128 pow10_u128(unsigned k)
{
    cbec_u128 p = 1;
    while (k--)
        p *= 10;
    return p;
}
#define COEF_LIMIT pow10_u128(CBEC_DEC_MAX_DIGITS)
#define EXP_LIMIT 100000000

cbec_dec_status cbec__dec_parse(const char *s, size_t n, unsigned flags, cbec_dec *out)
{
    size_t i = 0;
    memset(out, 0, sizeof *out);
    if (i < n && (s[i] == '-' || ((flags & CBEC_DEC_ALLOW_PLUS) && s[i] == '+'))) {
        out->neg = s[i] == '-';
        i++;
    }
    cbec_u128 coef = 0;
    unsigned sig = 0;        /* significant digits stored */
    long exp = 0;
    size_t int_digits = 0, frac_digits = 0;
    bool range = false;
    for (; i < n && cbec__is_digit(s[i]); i++, int_digits++) {
        if (coef == 0 && s[i] == '0')
            continue;
        if (sig >= CBEC_DEC_MAX_DIGITS) {
            range = true;
            continue;
        }
        coef = coef * 10 + (unsigned)(s[i] - '0');
        sig++;
    }
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && cbec__is_digit(s[i]); i++, frac_digits++) {
            if (coef == 0 && s[i] == '0') {
                exp--;
                continue;
            }
            if (sig >= CBEC_DEC_MAX_DIGITS) {
                range = true;
                continue;
            }
            coef = coef * 10 + (unsigned)(s[i] - '0');
            sig++;
            exp--;
        }
        if (frac_digits == 0 && !(flags & CBEC_DEC_ALLOW_BARE_POINT))
            return CBEC_DEC_SYNTAX;
    }
    if (int_digits == 0 && (frac_digits == 0 || !(flags & CBEC_DEC_ALLOW_BARE_POINT)))
        return CBEC_DEC_SYNTAX;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (!(flags & CBEC_DEC_ALLOW_EXPONENT))
            return CBEC_DEC_SYNTAX;
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t ed = 0;
        long e = 0;
        for (; i < n && cbec__is_digit(s[i]); i++, ed++) {
            if (e < EXP_LIMIT)
                e = e * 10 + (s[i] - '0');
        }
        if (ed == 0)
            return CBEC_DEC_SYNTAX;
        exp += eneg ? -e : e;
    }
    if (i != n)
        return CBEC_DEC_SYNTAX;
    if (range || exp > EXP_LIMIT || exp < -EXP_LIMIT)
        return CBEC_DEC_RANGE;
    out->coef = coef;
    out->exp = (int32_t)exp;
    return CBEC_DEC_OK;
}

unsigned cbec__dec_scale(const cbec_dec *d) { return d->exp < 0 ? (unsigned)-d->exp : 0; }

unsigned cbec__dec_digits(const cbec_dec *d)
{
    unsigned k = 1;
    cbec_u128 c = d->coef;
    while (c >= 10) {
        c /= 10;
        k++;
    }
    return k;
}

bool cbec__dec_is_zero(const cbec_dec *d) { return d->coef == 0; }

bool cbec__dec_is_integer(const cbec_dec *d)
{
    if (d->exp >= 0 || d->coef == 0)
        return true;
    if (-d->exp > CBEC_DEC_MAX_DIGITS)
        return false;
    return d->coef % pow10_u128((unsigned)-d->exp) == 0;
}

/* Scale a up by 10^k; false on overflow past the coefficient limit. */
static bool scale_up(cbec_u128 c, unsigned k, cbec_u128 *out)
{
    if (k > CBEC_DEC_MAX_DIGITS && c)
        return false;
    cbec_u128 p = pow10_u128(k > CBEC_DEC_MAX_DIGITS ? 0 : k);
    if (c && p > COEF_LIMIT / c)
        return false;
    *out = c * p;
    return true;
}

static int cmp_mag(const cbec_dec *a, const cbec_dec *b)
{
    if (a->coef == 0 || b->coef == 0)
        return (a->coef != 0) - (b->coef != 0);
    /* compare adjusted exponents (position of the leading digit) first */
    long ea = (long)a->exp + (long)cbec__dec_digits(a);
    long eb = (long)b->exp + (long)cbec__dec_digits(b);
    if (ea != eb)
        return ea < eb ? -1 : 1;
    cbec_u128 ca = a->coef, cb = b->coef;
    if (a->exp > b->exp)
        scale_up(ca, (unsigned)(a->exp - b->exp), &ca);
    else if (b->exp > a->exp)
        scale_up(cb, (unsigned)(b->exp - a->exp), &cb);
    return ca < cb ? -1 : ca > cb;
}

int cbec__dec_cmp(const cbec_dec *a, const cbec_dec *b)
{
    bool an = a->neg && a->coef, bn = b->neg && b->coef;
    if (an != bn)
        return an ? -1 : 1;
    int m = cmp_mag(a, b);
    return an ? -m : m;
}

/* Bring a and b to the same exponent (the smaller one). */
static cbec_dec_status align(const cbec_dec *a, const cbec_dec *b, cbec_u128 *ca, cbec_u128 *cb,
                             int32_t *exp)
{
    *ca = a->coef;
    *cb = b->coef;
    *exp = a->exp < b->exp ? a->exp : b->exp;
    if (a->exp > *exp && !scale_up(a->coef, (unsigned)(a->exp - *exp), ca))
        return CBEC_DEC_RANGE;
    if (b->exp > *exp && !scale_up(b->coef, (unsigned)(b->exp - *exp), cb))
        return CBEC_DEC_RANGE;
    return CBEC_DEC_OK;
}

cbec_dec_status cbec__dec_add(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    cbec_u128 ca, cb;
    int32_t exp;
    cbec_dec_status st = align(a, b, &ca, &cb, &exp);
    if (st)
        return st;
    return cbec__dec_add_aligned(ca, a->neg && a->coef, cb, b->neg && b->coef, exp, out);
}

cbec_dec_status cbec__dec_add_aligned(cbec_u128 ca, bool an, cbec_u128 cb, bool bn, int32_t exp, cbec_dec *out)
{
    cbec_dec r = {0, exp, false};
    if (an == bn) {
        r.coef = ca + cb;
        if (r.coef >= COEF_LIMIT)
            return CBEC_DEC_RANGE;
        r.neg = an;
    } else if (ca >= cb) {
        r.coef = ca - cb;
        r.neg = an;
    } else {
        r.coef = cb - ca;
        r.neg = bn;
    }
    if (r.coef == 0)
        r.neg = false;
    *out = r;
    return CBEC_DEC_OK;
}

cbec_dec_status cbec__dec_sub(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    cbec_dec nb = *b;
    nb.neg = !nb.neg;
    return cbec__dec_add(a, &nb, out);
}

cbec_dec_status cbec__dec_mul(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    cbec_dec r = {0, 0, false};
    if (a->coef && b->coef) {
        if (a->coef > U128_MAX / b->coef || a->coef * b->coef >= COEF_LIMIT)
            return CBEC_DEC_RANGE;
        r.coef = a->coef * b->coef;
    }
    long e = (long)a->exp + (long)b->exp;
    if (e > EXP_LIMIT || e < -EXP_LIMIT)
        return CBEC_DEC_RANGE;
    r.exp = (int32_t)e;
    r.neg = r.coef && (a->neg != b->neg);
    *out = r;
    return CBEC_DEC_OK;
}

/* Round q + rem/div by mode; rem < div. */
static cbec_u128 round_quotient(cbec_u128 q, cbec_u128 rem, cbec_u128 div, bool neg,
                                cbec_round mode)
{
    (void)neg;
    if (rem == 0)
        return q;
    /* compare 2*rem with div without overflow */
    int half = rem > div - rem ? 1 : rem == div - rem ? 0 : -1;
    switch (mode) {
    case CBEC_ROUND_HALF_UP: return half >= 0 ? q + 1 : q;
    case CBEC_ROUND_HALF_EVEN: return half > 0 || (half == 0 && (q & 1)) ? q + 1 : q;
    case CBEC_ROUND_DOWN: return q;
    case CBEC_ROUND_UP: return q + 1;
    }
    return q;
}

cbec_dec_status cbec__dec_round(const cbec_dec *a, unsigned scale, cbec_round mode, cbec_dec *out)
{
    if (scale > CBEC_DEC_MAX_DIGITS)
        return CBEC_DEC_RANGE;
    int32_t target = -(int32_t)scale;
    cbec_dec r = *a;
    if (a->exp > target) {
        if (!scale_up(a->coef, (unsigned)(a->exp - target), &r.coef))
            return CBEC_DEC_RANGE;
    } else if (a->exp < target) {
        unsigned k = (unsigned)(target - a->exp);
        if (k > CBEC_DEC_MAX_DIGITS) {
            /* everything is below the last kept digit */
            r.coef = round_quotient(0, a->coef ? 1 : 0, 3, a->neg,
                                    mode == CBEC_ROUND_UP ? mode : CBEC_ROUND_DOWN);
        } else {
            cbec_u128 p = pow10_u128(k);
            r.coef = round_quotient(a->coef / p, a->coef % p, p, a->neg, mode);
        }
        if (r.coef >= COEF_LIMIT)
            return CBEC_DEC_RANGE;
    }
    r.exp = target;
    if (r.coef == 0)
        r.neg = false;
    *out = r;
    return CBEC_DEC_OK;
}

cbec_dec_status cbec__dec_div(const cbec_dec *a, const cbec_dec *b, unsigned scale,
                              cbec_round mode, cbec_dec *out)
{
    if (b->coef == 0)
        return CBEC_DEC_DIVZERO;
    if (scale > CBEC_DEC_MAX_DIGITS)
        return CBEC_DEC_RANGE;
    /* result exponent -scale: q = a.coef * 10^(a.exp - b.exp + scale) / b.coef */
    long shift = (long)a->exp - (long)b->exp + (long)scale;
    cbec_u128 num = a->coef, den = b->coef;
    if (shift >= 0) {
        if (!scale_up(num, (unsigned)shift, &num))
            return CBEC_DEC_RANGE;
    } else {
        if (-shift > CBEC_DEC_MAX_DIGITS)
            num = 0;
        else if (!scale_up(den, (unsigned)-shift, &den))
            num = 0;  /* quotient below the last digit: rounds from zero */
    }
    cbec_dec r;
    r.exp = -(int32_t)scale;
    r.neg = (a->neg != b->neg);
    if (num == 0 && a->coef != 0)
        r.coef = mode == CBEC_ROUND_UP ? 1 : 0;
    else
        r.coef = round_quotient(num / den, num % den, den, r.neg, mode);
    if (r.coef >= COEF_LIMIT)
        return CBEC_DEC_RANGE;
    if (r.coef == 0)
        r.neg = false;
    *out = r;
    return CBEC_DEC_OK;
}

cbec_dec_status cbec__dec_mod(const cbec_dec *a, const cbec_dec *b, cbec_dec *out)
{
    if (b->coef == 0)
        return CBEC_DEC_DIVZERO;
    cbec_u128 ca, cb;
    int32_t exp;
    cbec_dec_status st = align(a, b, &ca, &cb, &exp);
    if (st)
        return st;
    out->coef = ca % cb;
    out->exp = exp;
    out->neg = out->coef && a->neg;
    return CBEC_DEC_OK;
}

void cbec__dec_from_int(int64_t v, cbec_dec *out)
{
    out->neg = v < 0;
    out->coef = v < 0 ? (cbec_u128)(-(v + 1)) + 1 : (cbec_u128)v;
    out->exp = 0;
}

bool cbec__dec_to_int64(const cbec_dec *d, int64_t *out)
{
    if (!cbec__dec_is_integer(d))
        return false;
    if (d->coef == 0) { /* 0E-200: no power of ten to divide by fits */
        *out = 0;
        return true;
    }
    cbec_u128 c = d->coef;
    if (d->exp > 0 && !scale_up(c, (unsigned)d->exp, &c))
        return false;
    if (d->exp < 0)
        c /= pow10_u128((unsigned)-d->exp);
    if (c > (cbec_u128)INT64_MAX + (d->neg ? 1 : 0))
        return false;
    *out = d->neg ? (int64_t)(0 - (uint64_t)c) : (int64_t)c;
    return true;
}

size_t cbec__dec_format(const cbec_dec *d, char out[CBEC_DEC_STRLEN])
{
    char digits[48];
    size_t nd = 0;
    cbec_u128 c = d->coef;
    do {
        digits[nd++] = (char)('0' + (int)(c % 10));
        c /= 10;
    } while (c);
    size_t o = 0;
    if (d->neg && d->coef)
        out[o++] = '-';
    if (d->exp >= 0) {
        if (d->exp > 40 && d->coef) {
            /* keep the buffer bounded: use an exponent for huge values */
            while (nd)
                out[o++] = digits[--nd];
            o += (size_t)snprintf(out + o, CBEC_DEC_STRLEN - o, "E+%d", (int)d->exp);
            return o;
        }
        while (nd)
            out[o++] = digits[--nd];
        if (d->coef)
            for (int32_t i = 0; i < d->exp; i++)
                out[o++] = '0';
        out[o] = '\0';
        return o;
    }
    size_t scale = (size_t)-d->exp;
    if (scale > 40) {
        while (nd)
            out[o++] = digits[--nd];
        o += (size_t)snprintf(out + o, CBEC_DEC_STRLEN - o, "E%d", (int)d->exp);
        return o;
    }
    if (nd <= scale) {
        out[o++] = '0';
        out[o++] = '.';
        for (size_t i = nd; i < scale; i++)
            out[o++] = '0';
        while (nd)
            out[o++] = digits[--nd];
    } else {
        while (nd > scale)
            out[o++] = digits[--nd];
        out[o++] = '.';
        while (nd)
            out[o++] = digits[--nd];
    }
    out[o] = '\0';
    return o;
}

void cbec__dec_normalize(cbec_dec *d)
{
    while (d->exp < 0 && d->coef && d->coef % 10 == 0) {
        d->coef /= 10;
        d->exp++;
    }
    if (d->coef == 0 && d->exp < 0)
        d->exp = 0;
}
