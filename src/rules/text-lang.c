/* text-lang.c - BCP 47 language tags (RFC 5646) checked against the ISO
 * 639 / 15924 / 3166-1 tables of Debian's iso-codes, language ranges
 * (RFC 4647 basic filtering), and the official languages of countries. */
#include "rules/text.h"
#include "core/cache.h"
#include "pack/isocodes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BITS(n) (((n) + 7) / 8)

typedef struct lang_alias {
    uint16_t three;   /* index of a three-letter code */
    uint16_t two;     /* index of the two-letter code to use instead */
} lang_alias;

/* Immutable once built, and shared: every rule of every pack loaded from
 * the same iso-codes files holds the same table (the 639-3 file alone is
 * close to a megabyte of JSON). */
struct cbec_langtab {
    unsigned refs;                     /* under tab_lock */
    uint64_t from[5];                  /* the iso-codes tables it was built from */
    bool identified;                   /* fid holds the identities of the files */
    cbec_file_id fid[5];               /* ... read from or stored to the cache by */
    bool languages;                    /* the 639/3166 parts were loaded */
    uint8_t lang2[BITS(26 * 26)];      /* ISO 639-1 */
    uint8_t lang3[BITS(26 * 26 * 26)]; /* ISO 639-3 without a 639-1 code, ISO 639-5 */
    uint8_t region[BITS(26 * 26)];     /* ISO 3166-1 alpha-2 */
    uint32_t *scripts;                 /* ISO 15924, packed, sorted */
    size_t nscripts;
    lang_alias *alias;                 /* 639-2/T, 639-2/B and 639-3 codes of 639-1 languages */
    size_t nalias, capalias;
};

/* The last table built with and without the language parts. */
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static cbec_langtab *tab_cache[2];

static int lower(int c) { return cbec__is_upper(c) ? c + 32 : c; }

static void bit_set(uint8_t *b, unsigned i) { b[i / 8] |= (uint8_t)(1u << (i % 8)); }
static bool bit_get(const uint8_t *b, unsigned i) { return (b[i / 8] >> (i % 8)) & 1u; }

/* Index of n letters (any case) in base 26; -1 when not all letters. */
static long letters_index(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cbec__is_alpha(s[i]))
            return -1;
        v = v * 26 + (lower(s[i]) - 'a');
    }
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_alias(const void *a, const void *b)
{
    const lang_alias *x = a, *y = b;
    return (x->three > y->three) - (x->three < y->three);
}

static void tab_destroy(cbec_langtab *t)
{
    if (!t)
        return;
    free(t->scripts);
    free(t->alias);
    free(t);
}

void cbec__langtab_free(cbec_langtab *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&tab_lock);
    bool last = --t->refs == 0;
    pthread_mutex_unlock(&tab_lock);
    if (last)
        tab_destroy(t);
}

static bool add_alias(cbec_langtab *t, const cbec_isofield *three, const cbec_isofield *two)
{
    long a = three && three->len == 3 ? letters_index(three->text, 3) : -1;
    long b = two && two->len == 2 ? letters_index(two->text, 2) : -1;
    if (a < 0 || b < 0)
        return true;
    if (t->nalias == t->capalias) {
        size_t cap = t->capalias ? t->capalias * 2 : 256;
        lang_alias *al = realloc(t->alias, cap * sizeof *al);
        if (!al)
            return false;
        t->alias = al;
        t->capalias = cap;
    }
    t->alias[t->nalias++] = (lang_alias){(uint16_t)a, (uint16_t)b};
    return true;
}

/* The tables, in the order they are opened: ISO 15924, then the language
 * parts; and the fields read from each.  The language tables are read for
 * a few fields only (ISO 639-3 has 7900 entries of names the table never
 * uses); 15924 and 3166-1 whole, as code lists import them too and so
 * share them. */
static const char *const tab_files[] = {"15924", "639-3", "639-5", "639-2", "3166-1"};

const char *cbec__langtab_file(bool with_languages, size_t i)
{
    size_t n = with_languages ? CBEC_ARRAY_LEN(tab_files) : 1;
    return i < n ? tab_files[i] : NULL;
}
static const char *const tab_fields[] = {NULL, "alpha_3 alpha_2", "alpha_3", "bibliographic alpha_2", NULL};

static void load_languages(cbec_langtab *t, const cbec_isocodes *iso, bool *oom)
{
    const cbec_isocodes *l3 = &iso[1], *l5 = &iso[2], *l2 = &iso[3], *r = &iso[4];
    for (size_t i = 0; i < l3->count && !*oom; i++) {
        const cbec_isoentry *e = &l3->entries[i];
        const cbec_isofield *a3 = cbec__isocodes_field(e, "alpha_3"), *a2 = cbec__isocodes_field(e, "alpha_2");
        long i2 = a2 && a2->len == 2 ? letters_index(a2->text, 2) : -1;
        long i3 = a3 && a3->len == 3 ? letters_index(a3->text, 3) : -1;
        /* BCP 47 registers the two-letter code where ISO 639-1 has one and
         * the three-letter code only otherwise */
        if (i2 >= 0) {
            bit_set(t->lang2, (unsigned)i2);
            if (!add_alias(t, a3, a2))
                *oom = true;
        } else if (i3 >= 0) {
            bit_set(t->lang3, (unsigned)i3);
        }
    }
    for (size_t i = 0; i < l5->count; i++) {
        const cbec_isofield *a3 = cbec__isocodes_field(&l5->entries[i], "alpha_3");
        long i3 = a3 && a3->len == 3 ? letters_index(a3->text, 3) : -1;
        if (i3 >= 0)
            bit_set(t->lang3, (unsigned)i3);
    }
    /* ISO 639-2 only adds the bibliographic codes ("fre", "chi") that a
     * finding can point to the right code for */
    for (size_t i = 0; i < l2->count && !*oom; i++) {
        const cbec_isoentry *e = &l2->entries[i];
        if (!add_alias(t, cbec__isocodes_field(e, "bibliographic"), cbec__isocodes_field(e, "alpha_2")))
            *oom = true;
    }
    if (*oom)
        return;
    qsort(t->alias, t->nalias, sizeof *t->alias, cmp_alias);
    for (size_t i = 0; i < r->count; i++) {
        const cbec_isofield *a2 = cbec__isocodes_field(&r->entries[i], "alpha_2");
        long i2 = a2 && a2->len == 2 ? letters_index(a2->text, 2) : -1;
        if (i2 >= 0)
            bit_set(t->region, (unsigned)i2);
    }
    t->languages = true;
}

static atomic_ulong builds; /* tables built from the files, for the tests */

unsigned long cbec__langtab_build_count(void) { return atomic_load(&builds); }

static cbec_langtab *build(const cbec_isocodes *iso, bool with_languages)
{
    atomic_fetch_add(&builds, 1);
    cbec_langtab *t = cbec__calloc(1, sizeof *t);
    if (!t)
        return NULL;
    const cbec_isocodes *sc = &iso[0];
    t->scripts = cbec__calloc(sc->count ? sc->count : 1, sizeof *t->scripts);
    if (!t->scripts) {
        tab_destroy(t);
        return NULL;
    }
    for (size_t i = 0; i < sc->count; i++) {
        const cbec_isofield *a4 = cbec__isocodes_field(&sc->entries[i], "alpha_4");
        long v = a4 && a4->len == 4 ? letters_index(a4->text, 4) : -1;
        if (v >= 0)
            t->scripts[t->nscripts++] = (uint32_t)v;
    }
    qsort(t->scripts, t->nscripts, sizeof *t->scripts, cmp_u32);
    if (with_languages) {
        bool oom = false;
        load_languages(t, iso, &oom);
        if (oom) {
            tab_destroy(t);
            return NULL;
        }
    }
    return t;
}

/* Make t the table cached in the process for its kind, with a reference
 * for the cache and one for the caller. */
static void publish(cbec_langtab *t, bool with_languages)
{
    pthread_mutex_lock(&tab_lock);
    cbec_langtab *old = tab_cache[with_languages];
    if (old && --old->refs != 0)
        old = NULL;
    tab_cache[with_languages] = t;
    t->refs = 2;
    pthread_mutex_unlock(&tab_lock);
    tab_destroy(old);
}

/* ---- the table in the cache between processes (core/cache.h) ----
 *
 * Building the table reads close to a megabyte of iso-codes JSON, most of
 * it ISO 639-3, for a few kilobytes of bits; a process that finds them in
 * the cache reads none of it.  The entry: the language flag, the three
 * bit sets, the counts, then the script codes and the aliases, all
 * little-endian.  TAB_FORMAT changes with that layout. */
#define TAB_FORMAT 1u

static void put_le(cbec_buf *b, uint32_t v, int bytes)
{
    unsigned char le[4];
    cbec__le_store(le, v, bytes);
    cbec__buf_add(b, (const char *)le, (size_t)bytes);
}

static void tab_encode(const cbec_langtab *t, cbec_buf *b)
{
    cbec__buf_addc(b, (char)t->languages);
    cbec__buf_add(b, (const char *)t->lang2, sizeof t->lang2);
    cbec__buf_add(b, (const char *)t->lang3, sizeof t->lang3);
    cbec__buf_add(b, (const char *)t->region, sizeof t->region);
    put_le(b, (uint32_t)t->nscripts, 4);
    put_le(b, (uint32_t)t->nalias, 4);
    for (size_t i = 0; i < t->nscripts; i++)
        put_le(b, t->scripts[i], 4);
    for (size_t i = 0; i < t->nalias; i++) {
        put_le(b, t->alias[i].three, 2);
        put_le(b, t->alias[i].two, 2);
    }
}

/* The table of an entry; NULL when it is not one this build would have
 * written (the lookups rely on sorted codes within their ranges). */
static cbec_langtab *tab_decode(const unsigned char *p, size_t len, bool with_languages)
{
    const size_t fixed = 1 + BITS(26 * 26) + BITS(26 * 26 * 26) + BITS(26 * 26) + 8;
    if (len < fixed || p[0] != with_languages)
        return NULL;
    uint32_t nscripts = (uint32_t)cbec__le_load(p + fixed - 8, 4);
    uint32_t nalias = (uint32_t)cbec__le_load(p + fixed - 4, 4);
    if (len != fixed + 4 * ((size_t)nscripts + nalias))
        return NULL;
    cbec_langtab *t = cbec__calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->scripts = cbec__calloc(nscripts ? nscripts : 1, sizeof *t->scripts);
    t->alias = cbec__calloc(nalias ? nalias : 1, sizeof *t->alias);
    if (!t->scripts || !t->alias) {
        tab_destroy(t);
        return NULL;
    }
    t->languages = p[0];
    const unsigned char *q = p + 1;
    memcpy(t->lang2, q, sizeof t->lang2);
    memcpy(t->lang3, q += sizeof t->lang2, sizeof t->lang3);
    memcpy(t->region, q += sizeof t->lang3, sizeof t->region);
    q = p + fixed;
    for (uint32_t i = 0; i < nscripts; i++, q += 4) {
        uint32_t v = (uint32_t)cbec__le_load(q, 4);
        if (v >= 26u * 26 * 26 * 26 || (i && v <= t->scripts[i - 1])) {
            tab_destroy(t);
            return NULL;
        }
        t->scripts[t->nscripts++] = v;
    }
    for (uint32_t i = 0; i < nalias; i++, q += 4) {
        lang_alias a = {(uint16_t)cbec__le_load(q, 2), (uint16_t)cbec__le_load(q + 2, 2)};
        if (a.three >= 26 * 26 * 26 || a.two >= 26 * 26 || (i && a.three < t->alias[i - 1].three)) {
            tab_destroy(t);
            return NULL;
        }
        t->alias[t->nalias++] = a;
    }
    t->capalias = t->nalias;
    return t;
}

/* The identities of the n files the table is built from, and their paths. */
static bool identify(const char *dir, size_t n, char paths[][1024], cbec_file_id *fid)
{
    for (size_t i = 0; i < n; i++) {
        if (!cbec__isocodes_path(dir, tab_files[i], paths[i], 1024) || !cbec__file_id(paths[i], &fid[i]))
            return false;
    }
    return true;
}

int cbec__langtab_load(const char *dir, const char *cache_dir, bool with_languages, cbec_langtab **out, char *err,
                       size_t errlen)
{
    *out = NULL;
    size_t n = with_languages ? CBEC_ARRAY_LEN(tab_files) : 1;
    /* with a cache, the files are known by their identities: the table of
     * the process, else the cache's entry, serves while they keep them */
    char paths[CBEC_ARRAY_LEN(tab_files)][1024];
    const char *names[CBEC_ARRAY_LEN(tab_files)];
    cbec_file_id fid[CBEC_ARRAY_LEN(tab_files)];
    memset(fid, 0, sizeof fid);
    bool identified = cache_dir && *cache_dir && identify(dir, n, paths, fid);
    for (size_t i = 0; i < n; i++)
        names[i] = paths[i];
    cbec_langtab *t = NULL;
    if (identified) {
        pthread_mutex_lock(&tab_lock);
        t = tab_cache[with_languages];
        if (t && t->identified && memcmp(t->fid, fid, sizeof fid) == 0)
            t->refs++;
        else
            t = NULL;
        pthread_mutex_unlock(&tab_lock);
        void *data;
        size_t len;
        if (!t && cbec__cache_get(cache_dir, "langtab", TAB_FORMAT, names, fid, n, &data, &len)) {
            if ((t = tab_decode(data, len, with_languages))) {
                t->identified = true;
                memcpy(t->fid, fid, sizeof fid);
                publish(t, with_languages);
            }
            free(data);
        }
        if (t) {
            *out = t;
            return CBEC_OK;
        }
    }
    /* otherwise the files are read each time (a cheap comparison with the
     * cached bytes when unchanged); the table is built again only when one
     * of them changed */
    cbec_isocodes iso[CBEC_ARRAY_LEN(tab_files)];
    uint64_t ids[CBEC_ARRAY_LEN(tab_files)] = {0};
    size_t opened = 0;
    int st = CBEC_OK;
    for (; opened < n; opened++) {
        if ((st = cbec__isocodes_open_fields(&iso[opened], dir, tab_files[opened], tab_fields[opened], err, errlen)))
            break;
        ids[opened] = iso[opened].id;
    }
    if (!st) {
        pthread_mutex_lock(&tab_lock);
        t = tab_cache[with_languages];
        if (t && memcmp(t->from, ids, sizeof ids) == 0)
            t->refs++;
        else
            t = NULL;
        pthread_mutex_unlock(&tab_lock);
        if (!t) {
            if (!(t = build(iso, with_languages))) {
                st = CBEC_ENOMEM;
            } else {
                memcpy(t->from, ids, sizeof ids);
                publish(t, with_languages);
            }
        }
        /* the identities stand for what was read only when no file
         * changed while it was */
        cbec_file_id now[CBEC_ARRAY_LEN(tab_files)];
        memset(now, 0, sizeof now);
        if (t && identified && identify(dir, n, paths, now) && memcmp(now, fid, sizeof fid) == 0) {
            cbec_buf b;
            cbec__buf_init(&b);
            tab_encode(t, &b);
            if (!b.oom)
                cbec__cache_put(cache_dir, "langtab", TAB_FORMAT, names, fid, n, b.data, b.len);
            cbec__buf_free(&b);
            pthread_mutex_lock(&tab_lock);
            if (!t->identified) {
                memcpy(t->fid, fid, sizeof fid);
                t->identified = true;
            }
            pthread_mutex_unlock(&tab_lock);
        }
    }
    for (size_t i = 0; i < opened; i++)
        cbec__isocodes_close(&iso[i]);
    if (st == CBEC_ENOMEM)
        snprintf(err, errlen, "out of memory");
    if (st)
        return st;
    *out = t;
    return CBEC_OK;
}

bool cbec__langtab_has_script(const cbec_langtab *t, const char *code, size_t n)
{
    long v = n == 4 ? letters_index(code, 4) : -1;
    if (v < 0)
        return false;
    uint32_t key = (uint32_t)v;
    return bsearch(&key, t->scripts, t->nscripts, sizeof key, cmp_u32) != NULL;
}

/* ---- tags ---- */

/* UN M.49 area codes registered as BCP 47 region subtags (RFC 5646 2.2.4:
 * the codes of continents and regions, not of countries). */
static const char *const m49[] = {
    "001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018",
    "019", "021", "029", "030", "034", "035", "039", "053", "054", "057", "061",
    "142", "143", "145", "150", "151", "154", "155", "202", "419",
};

static bool is_alnum_run(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]))
            return false;
    return true;
}

static bool ascii_caseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static bool is_digit_run(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_digit(s[i]))
            return false;
    return n > 0;
}

static void fail(cbec_langtag_error *e, const char *en, const char *zh)
{
    snprintf(e->en, sizeof e->en, "%s", en);
    snprintf(e->zh, sizeof e->zh, "%s", zh);
}

static void fail_sub(cbec_langtag_error *e, const char *en_fmt, const char *zh_fmt, const char *sub, size_t n)
{
    char part[16];
    snprintf(part, sizeof part, "%.*s", (int)(n < 12 ? n : 12), sub);
    snprintf(e->en, sizeof e->en, en_fmt, part);
    snprintf(e->zh, sizeof e->zh, zh_fmt, part);
}

/* Copy a subtag into a part field of cap bytes in the given case (cut to
 * fit, which the callers' length checks never need). */
static void copy_case(char *dst, size_t cap, const char *s, size_t n, int how /* 0 lower, 1 title, 2 upper */)
{
    size_t len = 0;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++) {
        int c = lower(s[i]);
        if (how == 2 || (how == 1 && i == 0))
            c = cbec__to_upper(c);
        dst[len++] = (char)c;
    }
    dst[len] = '\0';
}

/* Append subtag to canon in the case RFC 5646 recommends. */
static void canon_add(char *canon, size_t *len, const char *s, size_t n, int how /* 0 lower, 1 title, 2 upper */)
{
    if (*len)
        canon[(*len)++] = '-';
    for (size_t i = 0; i < n; i++) {
        int c = lower(s[i]);
        if (how == 2 || (how == 1 && i == 0))
            c = cbec__to_upper(c);
        canon[(*len)++] = (char)c;
    }
    canon[*len] = '\0';
}

static bool script_known(const cbec_langtab *t, const char *s)
{
    /* Qaaa..Qabx are reserved for private use */
    long v = letters_index(s, 4);
    long qaaa = letters_index("qaaa", 4), qabx = letters_index("qabx", 4);
    return !t || (v >= qaaa && v <= qabx) || cbec__langtab_has_script(t, s, 4);
}

static bool region_known(const cbec_langtab *t, const char *s, size_t n)
{
    if (n == 3) {
        for (size_t i = 0; i < CBEC_ARRAY_LEN(m49); i++)
            if (memcmp(s, m49[i], 3) == 0)
                return true;
        return !t;
    }
    int a = cbec__to_upper(s[0]), b = cbec__to_upper(s[1]);
    /* private use: AA, QM..QZ, XA..XZ, ZZ */
    if ((a == 'A' && b == 'A') || (a == 'Q' && b >= 'M') || a == 'X' || (a == 'Z' && b == 'Z'))
        return true;
    return !t || !t->languages || bit_get(t->region, (unsigned)letters_index(s, 2));
}

/* Check a primary language subtag (2-3 letters) against the tables. */
static bool language_known(const cbec_langtab *t, const char *s, size_t n, cbec_langtag_error *e)
{
    if (!t || !t->languages)
        return true;
    long v = letters_index(s, n);
    if (n == 2) {
        if (bit_get(t->lang2, (unsigned)v))
            return true;
        fail_sub(e, "\"%s\" is not an ISO 639-1 language code", "“%s”不是 ISO 639-1 语言代码", s, n);
        return false;
    }
    /* qaa..qtz are reserved for local use */
    if ((v >= letters_index("qaa", 3) && v <= letters_index("qtz", 3)) || bit_get(t->lang3, (unsigned)v))
        return true;
    lang_alias key = {(uint16_t)v, 0};
    const lang_alias *al = bsearch(&key, t->alias, t->nalias, sizeof key, cmp_alias);
    if (al) {
        char two[3] = {(char)('a' + al->two / 26), (char)('a' + al->two % 26), 0};
        char three[4];
        snprintf(three, sizeof three, "%c%c%c", lower(s[0]), lower(s[1]), lower(s[2]));
        snprintf(e->en, sizeof e->en, "\"%s\" is not a BCP 47 language subtag: use the ISO 639-1 code \"%s\"",
                 three, two);
        snprintf(e->zh, sizeof e->zh, "“%s”不是 BCP 47 语言子标签，应使用 ISO 639-1 代码“%s”", three, two);
        return false;
    }
    fail_sub(e, "\"%s\" is not an ISO 639 language code", "“%s”不是 ISO 639 语言代码", s, n);
    return false;
}

bool cbec__langtag_check(const cbec_langtab *t, const char *s, size_t n, bool allow_script_key,
                         cbec_langtag *out, cbec_langtag_error *e)
{
    memset(out, 0, sizeof *out);
    if (n == 0) {
        fail(e, "the language tag is empty", "语言标签为空");
        return false;
    }
    if (n >= sizeof out->canon) {
        fail(e, "the language tag is longer than 63 characters", "语言标签超过 63 个字符");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            fail(e, "subtags are separated by \"-\", not \"_\" (e.g. zh-CN)", "子标签之间应使用“-”而不是“_”分隔（如 zh-CN）");
            return false;
        }
        if (!cbec__is_alnum(s[i]) && s[i] != '-') {
            fail(e, "a language tag holds only letters, digits and \"-\"", "语言标签只能包含字母、数字和“-”");
            return false;
        }
    }
    /* split into subtags */
    const char *sub[64];
    size_t len[64], k = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && s[j] != '-')
            j++;
        if (j == i || j - i > 8 || k == CBEC_ARRAY_LEN(sub)) {
            fail(e, "a subtag is empty or longer than 8 characters", "子标签为空或超过 8 个字符");
            return false;
        }
        sub[k] = s + i;
        len[k++] = j - i;
        i = j + 1;
    }
    size_t cl = 0, p = 0;
    /* a bare script code: "latn", a Latin-script rendering */
    if (k == 1 && len[0] == 4 && allow_script_key && letters_index(sub[0], 4) >= 0) {
        if (!script_known(t, sub[0])) {
            fail_sub(e, "\"%s\" is not an ISO 15924 script code", "“%s”不是 ISO 15924 文字代码", sub[0], 4);
            return false;
        }
        canon_add(out->canon, &cl, sub[0], 4, 0);
        copy_case(out->script, sizeof out->script, sub[0], 4, 1);
        return true;
    }
    if (len[0] == 1 && (sub[0][0] == 'x' || sub[0][0] == 'X')) {
        /* a private-use tag: "x-" and subtags of 1-8 characters */
        if (k < 2) {
            fail(e, "a private-use tag needs a subtag after \"x-\"", "私用标签“x-”之后需要子标签");
            return false;
        }
        for (size_t i = 0; i < k; i++)
            canon_add(out->canon, &cl, sub[i], len[i], 0);
        return true;
    }
    if (len[0] < 2 || len[0] > 8 || letters_index(sub[0], len[0]) < 0 || len[0] >= 4) {
        if (len[0] == 4 || (len[0] >= 5 && len[0] <= 8 && letters_index(sub[0], len[0]) >= 0))
            fail_sub(e, "\"%s\" is a reserved form, not a registered language subtag",
                     "“%s”是保留形式，不是已登记的语言子标签", sub[0], len[0]);
        else
            fail(e, "a language tag starts with a language subtag of 2 or 3 letters",
                 "语言标签应以 2 或 3 个字母的语言子标签开头");
        return false;
    }
    if (!language_known(t, sub[0], len[0], e))
        return false;
    canon_add(out->canon, &cl, sub[0], len[0], 0);
    copy_case(out->language, sizeof out->language, sub[0], len[0], 0);
    p = 1;
    /* extended language subtags: up to three of 3 letters (zh-yue) */
    for (int x = 0; x < 3 && p < k && len[p] == 3 && letters_index(sub[p], 3) >= 0; x++, p++) {
        if (t && t->languages && !bit_get(t->lang3, (unsigned)letters_index(sub[p], 3))) {
            fail_sub(e, "\"%s\" is not an ISO 639-3 code (extended language subtag)",
                     "“%s”不是 ISO 639-3 代码（扩展语言子标签）", sub[p], 3);
            return false;
        }
        canon_add(out->canon, &cl, sub[p], 3, 0);
    }
    if (p < k && len[p] == 4 && letters_index(sub[p], 4) >= 0) {
        if (!script_known(t, sub[p])) {
            fail_sub(e, "\"%s\" is not an ISO 15924 script code", "“%s”不是 ISO 15924 文字代码", sub[p], 4);
            return false;
        }
        canon_add(out->canon, &cl, sub[p], 4, 1);
        copy_case(out->script, sizeof out->script, sub[p], 4, 1);
        p++;
    }
    if (p < k && ((len[p] == 2 && letters_index(sub[p], 2) >= 0) || (len[p] == 3 && is_digit_run(sub[p], 3)))) {
        if (!region_known(t, sub[p], len[p])) {
            fail_sub(e, "\"%s\" is not an ISO 3166-1 country code or UN M.49 region",
                     "“%s”不是 ISO 3166-1 国家代码或 UN M.49 地区代码", sub[p], len[p]);
            return false;
        }
        canon_add(out->canon, &cl, sub[p], len[p], 2);
        copy_case(out->region, sizeof out->region, sub[p], len[p], 2);
        p++;
    }
    /* variants: 5-8 alphanumerics, or a digit and 3 alphanumerics; no repeats */
    size_t first_variant = p;
    while (p < k && ((len[p] >= 5 && is_alnum_run(sub[p], len[p])) ||
                     (len[p] == 4 && cbec__is_digit(sub[p][0]) && is_alnum_run(sub[p], 4)))) {
        for (size_t q = first_variant; q < p; q++)
            if (len[q] == len[p] && ascii_caseeq(sub[q], sub[p], len[p])) {
                fail_sub(e, "the variant \"%s\" is repeated", "变体子标签“%s”重复", sub[p], len[p]);
                return false;
            }
        canon_add(out->canon, &cl, sub[p], len[p], 0);
        p++;
    }
    /* extensions: a singleton and subtags of 2-8; each singleton once */
    char seen[36] = {0};
    while (p < k && len[p] == 1 && !(sub[p][0] == 'x' || sub[p][0] == 'X')) {
        int c = lower(sub[p][0]);
        int slot = cbec__is_digit(c) ? c - '0' : 10 + (c - 'a');
        if (seen[slot]) {
            fail_sub(e, "the extension \"%s\" is repeated", "扩展子标签“%s”重复", sub[p], 1);
            return false;
        }
        seen[slot] = 1;
        canon_add(out->canon, &cl, sub[p], 1, 0);
        p++;
        size_t start = p;
        while (p < k && len[p] >= 2) {
            canon_add(out->canon, &cl, sub[p], len[p], 0);
            p++;
        }
        if (p == start) {
            fail_sub(e, "the extension \"%s\" has no subtags", "扩展子标签“%s”之后缺少内容", sub[p - 1], 1);
            return false;
        }
    }
    if (p < k && len[p] == 1 && (sub[p][0] == 'x' || sub[p][0] == 'X')) {
        if (p + 1 >= k) {
            fail(e, "a private-use part needs a subtag after \"x-\"", "私用部分“x-”之后需要子标签");
            return false;
        }
        for (; p < k; p++)
            canon_add(out->canon, &cl, sub[p], len[p], 0);
    }
    if (p < k) {
        fail_sub(e, "the subtag \"%s\" is out of place (order: language-script-region-variant-extension)",
                 "子标签“%s”位置不对（顺序：语言-文字-地区-变体-扩展）", sub[p], len[p]);
        return false;
    }
    return true;
}

/* ---- ranges ---- */

bool cbec__langtag_matches(const char *range, const cbec_langtag *tag)
{
    size_t rl = strlen(range);
    if (rl == 1 && range[0] == '*')
        return true;
    if (rl == 4 && letters_index(range, 4) >= 0)
        return tag->script[0] && ascii_caseeq(range, tag->script, 4);
    if (!tag->language[0] && tag->script[0])
        return false; /* a script-only key matches only script ranges */
    size_t tl = strlen(tag->canon);
    return tl >= rl && ascii_caseeq(range, tag->canon, rl) && (tl == rl || tag->canon[rl] == '-');
}

/* ---- the official languages of countries ----
 *
 * Sources: for the EU member states, the official languages each state
 * declared under Council Regulation No 1 of 15 April 1958 (as amended),
 * completed with the national official languages of their constitutions
 * (Cyprus: Turkish; Luxembourg: Luxembourgish; Ireland: Irish and
 * English); for the other countries, the languages with official status
 * in the Unicode CLDR supplemental data (territoryInfo, officialStatus
 * "official" or "de_facto_official" for the United States), limited to
 * national (not regional) official languages.  Codes are BCP 47 language
 * subtags: ISO 639-1 where it has one, else ISO 639-3 ("fil").  Sorted by
 * country code for binary search. */
static const struct {
    char cc[3];
    const char *langs;
} countries[] = {
    {"AE", "ar"},       {"AR", "es"},       {"AT", "de"},       {"AU", "en"},
    {"BE", "nl fr de"}, {"BG", "bg"},       {"BR", "pt"},       {"CA", "en fr"},
    {"CH", "de fr it rm"}, {"CL", "es"},    {"CN", "zh"},       {"CY", "el tr"},
    {"CZ", "cs"},       {"DE", "de"},       {"DK", "da"},       {"EE", "et"},
    {"EG", "ar"},       {"ES", "es"},       {"FI", "fi sv"},    {"FR", "fr"},
    {"GB", "en"},       {"GR", "el"},       {"HK", "zh en"},    {"HR", "hr"},
    {"HU", "hu"},       {"ID", "id"},       {"IE", "ga en"},    {"IL", "he"},
    {"IN", "hi en"},    {"IS", "is"},       {"IT", "it"},       {"JP", "ja"},
    {"KR", "ko"},       {"LI", "de"},       {"LT", "lt"},       {"LU", "lb fr de"},
    {"LV", "lv"},       {"MO", "zh pt"},    {"MT", "mt en"},    {"MX", "es"},
    {"MY", "ms"},       {"NL", "nl"},       {"NO", "nb nn"},    {"NZ", "en mi"},
    {"PH", "fil en"},   {"PL", "pl"},       {"PT", "pt"},       {"RO", "ro"},
    {"RU", "ru"},       {"SA", "ar"},       {"SE", "sv"},       {"SG", "en ms zh ta"},
    {"SI", "sl"},       {"SK", "sk"},       {"TH", "th"},       {"TR", "tr"},
    {"TW", "zh"},       {"UA", "uk"},       {"US", "en"},       {"VN", "vi"},
};

const char *cbec__country_languages(const char *cc, size_t n)
{
    if (n != 2 || !cbec__is_alpha(cc[0]) || !cbec__is_alpha(cc[1]))
        return NULL;
    char key[3] = {(char)cbec__to_upper(cc[0]), (char)cbec__to_upper(cc[1]), 0};
    size_t lo = 0, hi = CBEC_ARRAY_LEN(countries);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(countries[mid].cc, key);
        if (c == 0)
            return countries[mid].langs;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t cbec__country_count(void) { return CBEC_ARRAY_LEN(countries); }
const char *cbec__country_code(size_t i) { return i < CBEC_ARRAY_LEN(countries) ? countries[i].cc : NULL; }
