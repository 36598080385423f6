/* ident-api.c - the public face of the identifier checks: kinds by index
 * and a checker that carries the ISO 3166-1 country table. */
#include "pack/isocodes.h"
#include "rules/ident.h"

#include <stdlib.h>
#include <string.h>

struct cbec_identifier_checker {
    cbec_codelist *countries;
};

CBEC_API size_t cbec_identifier_kind_count(void) { return cbec__ident_count(); }

CBEC_API const char *cbec_identifier_kind_name(size_t i)
{
    const cbec_ident_kind *k = cbec__ident_at(i);
    return k ? k->name : NULL;
}

static bool chinese(const char *lang)
{
    return lang && (lang[0] == 'z' || lang[0] == 'Z') && (lang[1] == 'h' || lang[1] == 'H') &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

CBEC_API const char *cbec_identifier_kind_summary(size_t i, const char *lang)
{
    const cbec_ident_kind *k = cbec__ident_at(i);
    if (!k)
        return NULL;
    return chinese(lang) ? k->summary_zh : k->summary_en;
}

CBEC_API int cbec_identifier_checker_new(cbec_identifier_checker **out, const cbec_options *opts,
                                         cbec_error **err)
{
    if (!out)
        return CBEC_EINVAL;
    *out = NULL;
    cbec_identifier_checker *c = cbec__calloc(1, sizeof *c);
    if (!c)
        return CBEC_ENOMEM;
    cbec_isocodes t;
    char msg[1200];
    int st = cbec__isocodes_open(&t, cbec__isocodes_dir(opts), "3166-1", msg, sizeof msg);
    if (st) {
        free(c);
        if (st == CBEC_ENOMEM)
            return st;
        return cbec__error_set(err, st, NULL, NULL, 0, 0, "%s", msg);
    }
    c->countries = cbec__isocodes_codelist(&t, "iso-codes:3166-1/alpha_2", "alpha_2");
    cbec__isocodes_close(&t);
    if (!c->countries) {
        free(c);
        return CBEC_ENOMEM;
    }
    *out = c;
    return CBEC_OK;
}

CBEC_API void cbec_identifier_checker_free(cbec_identifier_checker *c)
{
    if (!c)
        return;
    cbec__codelist_free(c->countries);
    free(c);
}

static bool has_country(const char cc[2], void *ud)
{
    return cbec__codelist_has(ud, cc, 2);
}

/* Copy s into dst[0..cap) cutting on a UTF-8 character boundary. */
static void copy_reason(char *dst, size_t cap, const char *s)
{
    if (!dst || !cap)
        return;
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

CBEC_API int cbec_identifier_check(const cbec_identifier_checker *checker, const char *kind,
                                   const char *value, size_t len, const char *lang, int *valid,
                                   char *reason, size_t reason_size)
{
    if (!kind || !valid || (!value && len) || (!reason && reason_size))
        return CBEC_EINVAL;
    *valid = 0;
    copy_reason(reason, reason_size, "");
    const cbec_ident_kind *k = cbec__ident_find(kind);
    if (!k)
        return CBEC_ENOTFOUND;
    cbec_ident_result res;
    bool ok = k->check(value, len, checker ? has_country : NULL, checker ? checker->countries : NULL, &res);
    *valid = ok;
    if (!ok)
        copy_reason(reason, reason_size, chinese(lang) ? res.reason_zh : res.reason_en);
    return CBEC_OK;
}
