/* test-pack-isocodes.c - what pack loading reads once and shares: iso-codes
 * tables (the quick reader and the full JSON reader give the same entries,
 * errors keep their messages), language tables, and the digests of files,
 * each reused while its files keep their bytes and made anew when they
 * change, also from several threads at once. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbecstd.h"
#include "core/cache.h"
#include "core/digest.h"
#include "pack/isocodes.h"
#include "pack/pack.h"
#include "rules/text.h"
#include "test-run.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cbec-iso-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Write dir/sub/iso_<standard>.json (sub may be ""); returns the directory. */
static const char *put(const char *sub, const char *standard, const char *text, size_t len)
{
    static char where[128];
    snprintf(where, sizeof where, "%s%s%s", dir, *sub ? "/" : "", sub);
    mkdir(where, 0700);
    char path[256];
    snprintf(path, sizeof path, "%s/iso_%s.json", where, standard);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return where;
}

static const char *puts_(const char *sub, const char *standard, const char *text)
{
    return put(sub, standard, text, strlen(text));
}

static int open_(cbec_isocodes *t, const char *d, const char *standard, char *err, size_t errlen)
{
    err[0] = '\0';
    return cbec__isocodes_open(t, d, standard, err, errlen);
}

static void expect_field(const cbec_isocodes *t, size_t entry, const char *field, const char *want)
{
    ck_assert_uint_lt(entry, t->count);
    const cbec_isofield *f = cbec__isocodes_field(&t->entries[entry], field);
    if (!want) {
        ck_assert_ptr_null(f);
        return;
    }
    ck_assert_msg(f != NULL, "entry %zu has no string \"%s\"", entry, field);
    ck_assert_uint_eq(f->len, strlen(want));
    ck_assert_msg(memcmp(f->text, want, f->len) == 0, "entry %zu %s: \"%.*s\", want \"%s\"", entry, field,
                  (int)f->len, f->text, want);
}

/* ---- readers ---- */

START_TEST(test_quick_and_full_readers_give_the_same_entries)
{
    /* the first file has the plain shape; the second the same content
     * written with escapes, which only the full JSON reader takes */
    const char *plain = "{\n  \"3166-1\": [\n    {\n      \"alpha_2\": \"AD\",\n      \"name\": \"Andorra\"\n    },\n"
                        "    {\"alpha_2\": \"CI\", \"name\": \"C\xC3\xB4te d'Ivoire\", \"official_name\": \"R\xC3\xA9publique\"},\n"
                        "    {},\n    {\"alpha_2\": \"\"}\n  ]\n}\n";
    const char *escaped = "{\"3166-1\": [{\"alpha_2\": \"A\\u0044\", \"name\": \"Andorra\"},"
                          " {\"alpha_2\": \"CI\", \"name\": \"C\\u00f4te d'Ivoire\", \"official_name\": \"R\\u00e9publique\"},"
                          " {}, {\"alpha_2\": \"\"}]}";
    const char *d1 = puts_("plain", "3166-1", plain);
    char d1copy[128];
    snprintf(d1copy, sizeof d1copy, "%s", d1);
    const char *d2 = puts_("escaped", "3166-1", escaped);
    cbec_isocodes a, b;
    char err[1200];
    ck_assert_int_eq(open_(&a, d1copy, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert_int_eq(open_(&b, d2, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert_uint_eq(a.count, 4);
    ck_assert_uint_eq(b.count, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(a.entries[i].count, b.entries[i].count);
        for (uint32_t k = 0; k < a.entries[i].count; k++) {
            const cbec_isofield *x = &a.entries[i].fields[k], *y = &b.entries[i].fields[k];
            ck_assert_uint_eq(x->keylen, y->keylen);
            ck_assert_int_eq(memcmp(x->key, y->key, x->keylen), 0);
            ck_assert_uint_eq(x->len, y->len);
            ck_assert_int_eq(memcmp(x->text, y->text, x->len), 0);
        }
    }
    expect_field(&a, 0, "alpha_2", "AD");
    expect_field(&b, 0, "alpha_2", "AD");
    expect_field(&a, 1, "name", "C\xC3\xB4te d'Ivoire");
    expect_field(&b, 1, "official_name", "R\xC3\xA9publique");
    expect_field(&a, 2, "alpha_2", NULL);
    expect_field(&a, 3, "alpha_2", "");
    expect_field(&a, 0, "alpha", NULL);
    cbec__isocodes_close(&a);
    cbec__isocodes_close(&b);
}
END_TEST

/* Tables read for some fields: the same entries with only those fields,
 * from either reader; distinct from the whole table of the same file, and
 * shared with other opens for the same fields. */
START_TEST(test_tables_of_some_fields)
{
    const char *plain = "{\"639-3\": [{\"alpha_3\": \"aaa\", \"name\": \"A\", \"scope\": \"I\"},"
                        " {\"alpha_2\": \"fr\", \"alpha_3\": \"fra\", \"name\": \"French\"},"
                        " {\"name\": \"no code\"}, {}]}";
    /* escapes and a repeated name: only the full JSON reader takes it */
    const char *escaped = "{\"639-3\": [{\"alpha_3\": \"a\\u0061a\", \"name\": \"A\", \"scope\": \"I\"},"
                          " {\"alpha_2\": \"fr\", \"alpha_3\": \"xxx\", \"alpha_3\": \"fra\", \"name\": \"French\"},"
                          " {\"name\": \"no code\"}, {}]}";
    char err[1200], d1[128];
    snprintf(d1, sizeof d1, "%s", puts_("lean1", "639-3", plain));
    const char *d2 = puts_("lean2", "639-3", escaped);
    const char *dirs[] = {d1, d2};
    for (size_t i = 0; i < 2; i++) {
        cbec_isocodes lean, whole, again;
        ck_assert_int_eq(cbec__isocodes_open_fields(&lean, dirs[i], "639-3", "alpha_3 alpha_2", err, sizeof err), CBEC_OK);
        ck_assert_int_eq(open_(&whole, dirs[i], "639-3", err, sizeof err), CBEC_OK);
        ck_assert_int_eq(cbec__isocodes_open_fields(&again, dirs[i], "639-3", "alpha_3 alpha_2", err, sizeof err), CBEC_OK);
        ck_assert_uint_eq(lean.count, 4);
        ck_assert_uint_eq(whole.count, 4);
        ck_assert_uint_eq(lean.entries[0].count, 1);
        ck_assert_uint_eq(lean.entries[2].count, 0);
        ck_assert_uint_eq(lean.entries[3].count, 0);
        expect_field(&lean, 0, "alpha_3", "aaa");
        expect_field(&lean, 0, "name", NULL);
        expect_field(&lean, 1, "alpha_2", "fr");
        expect_field(&lean, 1, "alpha_3", "fra");
        expect_field(&whole, 0, "name", "A");
        expect_field(&whole, 1, "alpha_3", "fra");
        ck_assert_uint_ne(lean.id, whole.id);
        ck_assert_uint_eq(lean.id, again.id);
        char a[65], b[65];
        cbec__isocodes_digest(&lean, a);
        cbec__isocodes_digest(&whole, b);
        ck_assert_str_eq(a, b);
        cbec__isocodes_close(&lean);
        cbec__isocodes_close(&whole);
        cbec__isocodes_close(&again);
    }
}
END_TEST

/* Every length of string, with a character that stops the quick reader's
 * plain run at every place in it.  A two-byte character is read as it is;
 * a control character sends the file to the full JSON reader, which takes
 * it as it is too (json-c's default); a stray continuation byte or a
 * cut-off sequence make the file invalid. */
START_TEST(test_strings_of_every_length_and_stop)
{
    static const struct {
        const char *bytes;
        bool ok;
    } stops[] = {{"\xC3\xA9", true}, {"\x01", false}, {"\x1F", false}, {"\x80", false}, {"\xC3", false},
                 {"\xE2\x82", false}, {"\x7F", true}, {"~", true}};
    char err[1200];
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++)
        for (size_t len = 1; len <= 40; len++)
            for (size_t at = 0; at < len; at++) {
                char text[40 + 8], doc[128];
                size_t n = 0;
                for (size_t i = 0; i < len; i++) {
                    if (i == at) {
                        memcpy(text + n, stops[k].bytes, strlen(stops[k].bytes));
                        n += strlen(stops[k].bytes);
                    } else {
                        text[n++] = (char)('a' + i % 26);
                    }
                }
                text[n] = '\0';
                /* the string last in the file too, so that its end lies
                 * within sixteen bytes of the buffer's */
                int dl = snprintf(doc, sizeof doc, "{\"4217\": [{\"n\": \"%s\"}]}", text);
                const char *d = put("", "4217", doc, (size_t)dl);
                cbec_isocodes t;
                int st = open_(&t, d, "4217", err, sizeof err);
                if (!stops[k].ok) {
                    ck_assert_msg(st == CBEC_EPACK, "stop %zu at %zu of %zu: %d", k, at, len, st);
                    continue;
                }
                ck_assert_msg(st == CBEC_OK, "stop %zu at %zu of %zu: %s", k, at, len, err);
                expect_field(&t, 0, "n", text);
                cbec__isocodes_close(&t);
            }
}
END_TEST

START_TEST(test_other_shapes_follow_the_json_reader)
{
    cbec_isocodes t;
    char err[1200];
    /* values that are not strings, elements that are not objects, a
     * repeated name (the last one counts), other members beside the array */
    const char *d = puts_("", "4217",
                          "{\"note\": {\"x\": 1}, \"4217\": [{\"alpha_3\": \"EUR\", \"numeric\": 978},"
                          " [\"USD\"], 5, {\"alpha_3\": \"CNY\", \"alpha_3\": \"RMB\"}, {\"alpha_3\": null}]}");
    ck_assert_int_eq(open_(&t, d, "4217", err, sizeof err), CBEC_OK);
    ck_assert_uint_eq(t.count, 5);
    expect_field(&t, 0, "alpha_3", "EUR");
    expect_field(&t, 0, "numeric", NULL);
    ck_assert_uint_eq(t.entries[1].count, 0);
    ck_assert_uint_eq(t.entries[2].count, 0);
    expect_field(&t, 3, "alpha_3", "RMB");
    expect_field(&t, 4, "alpha_3", NULL);
    cbec_codelist *l = cbec__isocodes_codelist(&t, "ccy", "alpha_3");
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(l->count, 2);
    ck_assert(cbec__codelist_has(l, "EUR", 3));
    ck_assert(cbec__codelist_has(l, "RMB", 3));
    ck_assert(!cbec__codelist_has(l, "CNY", 3));
    cbec__codelist_free(l);
    cbec__isocodes_close(&t);
    /* a name repeated inside the plain shape goes to the full reader too */
    d = puts_("", "4217", "{\"4217\": [{\"alpha_3\": \"EUR\", \"name\": \"Euro\", \"alpha_3\": \"EUX\"}]}");
    ck_assert_int_eq(open_(&t, d, "4217", err, sizeof err), CBEC_OK);
    expect_field(&t, 0, "alpha_3", "EUX");
    cbec__isocodes_close(&t);
}
END_TEST

START_TEST(test_errors_name_the_file)
{
    cbec_isocodes t;
    char err[1200];
    ck_assert_int_eq(open_(&t, dir, "9999", err, sizeof err), CBEC_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err, "unknown iso-codes standard \"9999\""));
    ck_assert_int_eq(open_(&t, dir, "3166-1", err, sizeof err), CBEC_EIO);
    ck_assert_ptr_nonnull(strstr(err, "iso_3166-1.json"));
    ck_assert_ptr_nonnull(strstr(err, "CBECSTD_ISO_CODES_DIR"));
    cbec__isocodes_close(&t); /* harmless on a handle that failed */
#define NUL_DOC "{\"3166-1\": [{\"alpha_2\": \"A\0D\"}]}"
    static const struct {
        const char *text;
        size_t len;
        const char *want;
    } bad[] = {
        {"{\"3166-1\": [{\"alpha_2\": \"AD\"}", 0, "iso_3166-1.json:1:"},
        {"{\"3166-1\": [{\"alpha_2\": \"A\xC3\"}]}", 0, "UTF-8"},
        {"{\"3166-1\": [{\"alpha_2\": \"A\xED\xA0\x80\"}]}", 0, "UTF-8"},
        {NUL_DOC, sizeof NUL_DOC - 1, "NUL"},
        /* RFC 8259: control characters in strings only as escapes */
        {"{\"3166-1\": [{\"alpha_2\": \"A\tD\"}]}", 0,
         "iso_3166-1.json:1:27: JSON syntax error: unescaped control character U+0009"},
        {"{\"3166-1\": [{\"alpha_2\": \"AD\"}]} x", 0, "iso_3166-1.json:1:"},
        {"{\"3166-1\": {\"alpha_2\": \"AD\"}}", 0, "no \"3166-1\" array"},
        {"{\"3166\": []}", 0, "no \"3166-1\" array"},
        {"[]", 0, "no \"3166-1\" array"},
        {"{}", 0, "no \"3166-1\" array"},
        {"", 0, "iso_3166-1.json: the file is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
        const char *d = put("", "3166-1", bad[i].text, len);
        ck_assert_int_eq(open_(&t, d, "3166-1", err, sizeof err), CBEC_EPACK);
        ck_assert_msg(strstr(err, bad[i].want) != NULL, "case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].want);
        ck_assert_ptr_null(t.table);
    }
}
END_TEST

/* ---- sharing ---- */

START_TEST(test_tables_are_shared_while_the_bytes_stay_the_same)
{
    cbec_isocodes a, b, c, d2;
    char err[1200];
    const char *d = puts_("", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"AA\"}]}");
    char where[128];
    snprintf(where, sizeof where, "%s", d);
    ck_assert_int_eq(open_(&a, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert_int_eq(open_(&b, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert(a.id == b.id);
    ck_assert_ptr_eq(a.entries, b.entries);
    cbec__isocodes_close(&b);
    /* the same size, other bytes: another table */
    puts_("", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"BB\"}]}");
    ck_assert_int_eq(open_(&c, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert(c.id != a.id);
    expect_field(&c, 0, "alpha_2", "BB");
    /* the first handle keeps its table */
    expect_field(&a, 0, "alpha_2", "AA");
    cbec__isocodes_close(&a);
    ck_assert_int_eq(open_(&d2, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert(d2.id == c.id);
    cbec__isocodes_close(&c);
    cbec__isocodes_close(&d2);
    /* an unreadable edition is an error, not the table read before */
    puts_("", "3166-1", "{\"3166-1\": [{\"alpha_2\": ");
    ck_assert_int_eq(open_(&a, where, "3166-1", err, sizeof err), CBEC_EPACK);
    /* many directories: older tables leave the cache, and come back */
    for (int i = 0; i < 40; i++) {
        char sub[16];
        snprintf(sub, sizeof sub, "d%d", i % 20);
        char text[64];
        snprintf(text, sizeof text, "{\"3166-1\": [{\"alpha_2\": \"%c%c\"}]}", 'A' + i % 20, 'A' + i % 20);
        const char *w = puts_(sub, "3166-1", text);
        ck_assert_int_eq(open_(&a, w, "3166-1", err, sizeof err), CBEC_OK);
        char want[3] = {(char)('A' + i % 20), (char)('A' + i % 20), 0};
        expect_field(&a, 0, "alpha_2", want);
        cbec__isocodes_close(&a);
    }
}
END_TEST

START_TEST(test_digest_is_the_sha256_of_the_file)
{
    const char *text = "{\"4217\": [{\"alpha_3\": \"EUR\", \"numeric\": \"978\"}]}\n";
    const char *d = puts_("", "4217", text);
    cbec_isocodes t;
    char err[1200], got[65], again[65], want[65];
    ck_assert_int_eq(open_(&t, d, "4217", err, sizeof err), CBEC_OK);
    cbec__isocodes_digest(&t, got);
    cbec__isocodes_digest(&t, again);
    cbec__sha256_data_hex(text, strlen(text), want);
    ck_assert_str_eq(got, want);
    ck_assert_str_eq(again, want);
    cbec__isocodes_close(&t);
}
END_TEST

START_TEST(test_file_digests_follow_the_bytes)
{
    char path[128], want[65], got[65];
    snprintf(path, sizeof path, "%s/f.csv", dir);
    const char *a = "code\nAA\n", *b = "code\nBB\n";
    cbec__sha256_data_hex(a, strlen(a), want);
    cbec__sha256_file_hex(path, a, strlen(a), got);
    ck_assert_str_eq(got, want);
    cbec__sha256_file_hex(path, a, strlen(a), got);
    ck_assert_str_eq(got, want);
    cbec__sha256_data_hex(b, strlen(b), want);
    cbec__sha256_file_hex(path, b, strlen(b), got);
    ck_assert_str_eq(got, want);
    /* the bytes are kept from the second hashing of a path on: editions of
     * the same length, each seen once, twice and again after the other */
    char wa[65], wb[65];
    cbec__sha256_data_hex(a, strlen(a), wa);
    cbec__sha256_data_hex(b, strlen(b), wb);
    const char *order = "abbaabab";
    for (const char *o = order; *o; o++) {
        cbec__sha256_file_hex(path, *o == 'a' ? a : b, strlen(a), got);
        ck_assert_str_eq(got, *o == 'a' ? wa : wb);
    }
    snprintf(path, sizeof path, "%s/g.csv", dir);
    cbec__sha256_file_hex(path, b, strlen(b), got);
    ck_assert_str_eq(got, wb);
    cbec__sha256_file_hex(path, a, strlen(a), got);
    ck_assert_str_eq(got, wa);
    snprintf(path, sizeof path, "%s/f.csv", dir);
    cbec__sha256_file_hex(path, "", 0, got);
    ck_assert_str_eq(got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* files past the size remembered, and more bytes than are kept in all */
    size_t big = (3u << 20) + 7;
    char *data = malloc(big);
    ck_assert_ptr_nonnull(data);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 12; i++) {
            size_t len = i % 2 ? big : (1u << 20) - (size_t)i;
            memset(data, 'a' + i, len);
            snprintf(path, sizeof path, "%s/f%d", dir, i);
            cbec__sha256_data_hex(data, len, want);
            cbec__sha256_file_hex(path, data, len, got);
            ck_assert_str_eq(got, want);
        }
    free(data);
}
END_TEST

/* A pack whose code list is read from a file beside it. */
static const char *digest_of_pack(cbec_pack **p)
{
    char path[128];
    snprintf(path, sizeof path, "%s/d.pack.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"cbecstd_pack\": 1, \"id\": \"T-DIGEST\", \"version\": \"1.0.0\", \"status\": \"active\","
          " \"module\": \"data\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"t\"},"
          " \"codelists\": {\"c\": {\"file\": \"codes.csv\"}},"
          " \"messages\": {\"m\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/c\", \"codelist\": \"c\"}]}}}", f);
    fclose(f);
    cbec_error *e = NULL;
    int st = cbec_pack_load_file(p, path, NULL, &e);
    ck_assert_msg(st == CBEC_OK, "%s", e ? cbec_error_message(e) : cbec_strerror(st));
    return cbec_pack_digest(*p);
}

START_TEST(test_pack_digests_follow_their_files)
{
    cbec_pack *p1, *p2, *p3, *p4;
    char csv[128];
    snprintf(csv, sizeof csv, "%s/codes.csv", dir);
    FILE *f = fopen(csv, "w");
    fputs("code\nAA\n", f);
    fclose(f);
    const char *d1 = digest_of_pack(&p1);
    const char *d2 = digest_of_pack(&p2);
    ck_assert_str_eq(d1, d2);
    f = fopen(csv, "w");
    fputs("code\nBB\n", f); /* the same size */
    fclose(f);
    const char *d3 = digest_of_pack(&p3);
    ck_assert_str_ne(d1, d3);
    f = fopen(csv, "w");
    fputs("code\nAA\n", f);
    fclose(f);
    const char *d4 = digest_of_pack(&p4);
    ck_assert_str_eq(d1, d4);
    cbec_pack_free(p1);
    cbec_pack_free(p2);
    cbec_pack_free(p3);
    cbec_pack_free(p4);
}
END_TEST

/* A pack of type "m" importing ISO 3166-1 from iso into list "c" (without
 * ZZ) for /c and into list "all" (the whole table, which shows the
 * import's codes without a copy) for /e, and checking the country of a
 * UN/LOCODE at /d with the import itself, under id. */
/* A pack of its own id importing ISO 3166-1 from the tables in iso (and
 * with the cache between processes in cache, when not NULL). */
static cbec_pack *importing_pack_cached(const char *id, const char *iso, const char *cache)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"cbecstd_pack\": 1, \"id\": \"%s\", \"version\": \"1.0.0\", \"status\": \"active\","
             " \"module\": \"data\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"t\"},"
             " \"codelists\": {\"c\": {\"import\": \"iso-codes:3166-1\", \"exclude\": [\"ZZ\"]},"
             " \"all\": {\"import\": \"iso-codes:3166-1\"}},"
             " \"messages\": {\"m\": {\"rules\": ["
             "{\"id\": \"R1\", \"path\": \"/c\", \"codelist\": \"c\"},"
             "{\"id\": \"R3\", \"path\": \"/e\", \"codelist\": \"all\"},"
             "{\"id\": \"R2\", \"path\": \"/d\", \"identifier\": {\"kind\": \"unlocode\","
             " \"countries\": \"iso-codes:3166-1/alpha_2\"}}]}}}", id);
    cbec_options *o;
    ck_assert_int_eq(cbec_options_new(&o), CBEC_OK);
    ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_ISO_CODES_DIR, iso), CBEC_OK);
    if (cache)
        ck_assert_int_eq(cbec_options_set_string(o, CBEC_OPT_CACHE_DIR, cache), CBEC_OK);
    cbec_pack *p = NULL;
    cbec_error *e = NULL;
    int st = cbec_pack_load_buffer(&p, text, strlen(text), id, NULL, o, &e);
    ck_assert_msg(st == CBEC_OK, "%s", e ? cbec_error_message(e) : cbec_strerror(st));
    cbec_options_free(o);
    return p;
}

static cbec_pack *importing_pack(const char *id, const char *iso) { return importing_pack_cached(id, iso, NULL); }

/* The number of findings of a message validated with pack p alone. */
static size_t findings(cbec_pack *p, const char *msg)
{
    cbec_registry *r;
    cbec_validator *v;
    cbec_report *rep = NULL;
    ck_assert_int_eq(cbec_registry_new(&r), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(r, p, NULL), CBEC_OK);
    ck_assert_int_eq(cbec_validator_new(&v), CBEC_OK);
    ck_assert_int_eq(cbec_validate(v, r, "m", CBEC_FORMAT_JSON, msg, strlen(msg), &rep), CBEC_OK);
    size_t n = cbec_report_count(rep);
    cbec_report_free(rep);
    cbec_validator_free(v);
    cbec_registry_free(r);
    return n;
}

START_TEST(test_imports_are_shared_by_packs_and_outlive_each)
{
    char iso[128];
    snprintf(iso, sizeof iso, "%s", puts_("iso", "3166-1",
                                          "{\"3166-1\": [{\"alpha_2\": \"AA\", \"name\": \"A\"},"
                                          " {\"alpha_2\": \"ZZ\"}]}"));
    cbec_pack *a = importing_pack("T-A", iso), *b = importing_pack("T-B", iso);
    ck_assert_uint_eq(findings(a, "{\"c\": \"AA\", \"d\": \"ZZSHA\", \"e\": \"ZZ\"}"), 0);
    ck_assert_uint_eq(findings(a, "{\"c\": \"ZZ\", \"d\": \"BBSHA\", \"e\": \"BB\"}"), 3);
    cbec_pack_free(a);
    ck_assert_uint_eq(findings(b, "{\"c\": \"AA\", \"d\": \"ZZSHA\", \"e\": \"AA\"}"), 0);
    ck_assert_uint_eq(findings(b, "{\"c\": \"BB\", \"d\": \"BBSHA\", \"e\": \"BB\"}"), 3);
    /* another edition of the table: new packs see it, b keeps its own */
    puts_("iso", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"BB\"}, {\"alpha_2\": \"ZZ\"}]}");
    cbec_pack *c = importing_pack("T-C", iso);
    ck_assert_uint_eq(findings(c, "{\"c\": \"BB\", \"d\": \"BBSHA\"}"), 0);
    ck_assert_uint_eq(findings(c, "{\"c\": \"AA\", \"d\": \"AASHA\"}"), 2);
    ck_assert_uint_eq(findings(b, "{\"c\": \"AA\", \"d\": \"AASHA\", \"e\": \"AA\"}"), 0);
    ck_assert_uint_eq(findings(c, "{\"e\": \"AA\"}"), 1);
    ck_assert_str_ne(cbec_pack_digest(b), cbec_pack_digest(c));
    cbec_pack_free(b);
    cbec_pack_free(c);
    /* more imports than the cache keeps: each still right */
    cbec_pack *keep = NULL;
    for (int i = 0; i < 40; i++) {
        char sub[16], text[96], want[64];
        snprintf(sub, sizeof sub, "i%d", i);
        snprintf(text, sizeof text, "{\"3166-1\": [{\"alpha_2\": \"%c%c\"}, {\"alpha_2\": \"ZZ\"}]}", 'A' + i % 26,
                 'A' + i / 26);
        snprintf(iso, sizeof iso, "%s", puts_(sub, "3166-1", text));
        cbec_pack *p = importing_pack("T-N", iso);
        snprintf(want, sizeof want, "{\"c\": \"%c%c\", \"d\": \"%c%cSHA\", \"e\": \"%c%c\"}", 'A' + i % 26,
                 'A' + i / 26, 'A' + i % 26, 'A' + i / 26, 'A' + i % 26, 'A' + i / 26);
        ck_assert_uint_eq(findings(p, want), 0);
        /* the first packs' lists outlive the cache's copies of their imports */
        if (i == 0)
            keep = p;
        else
            cbec_pack_free(p);
    }
    ck_assert_uint_eq(findings(keep, "{\"e\": \"AA\"}"), 0);
    ck_assert_uint_eq(findings(keep, "{\"e\": \"BA\"}"), 1);
    cbec_pack_free(keep);
}
END_TEST

/* ---- import lists from the cache between processes ---- */

/* The codes, labels and attributes of list name of p, as one text. */
static char *list_text(const cbec_pack *p, const char *name)
{
    const cbec_codelist *l = cbec__pack_codelist(p, name, strlen(name));
    ck_assert_ptr_nonnull(l);
    cbec_buf b;
    cbec__buf_init(&b);
    for (size_t a = 0; a < l->nattrs; a++)
        cbec__buf_addf(&b, "attr %s\n", l->attr_names[a]);
    for (size_t i = 0; i < l->count; i++) {
        const cbec_code *e = l->entries[i];
        cbec__buf_addf(&b, "%s|%s", e->code, e->label_en ? e->label_en : "-");
        for (size_t a = 0; a < l->nattrs; a++) {
            const char *v = cbec__code_attr(l, e, (int)a);
            cbec__buf_addf(&b, "|%s", v ? v : "-");
        }
        cbec__buf_addc(&b, '\n');
    }
    char *out = strdup(cbec__buf_cstr(&b));
    cbec__buf_free(&b);
    return out;
}

static const char *const TABLE =
    "{\"3166-1\": [{\"alpha_2\": \"AA\", \"alpha_3\": \"AAA\", \"name\": \"Aland, \\\"A\\\"\", \"flag\": \"\\ud83c\\udde6\"},"
    " {\"alpha_2\": \"ZZ\", \"numeric\": \"999\"}, {\"alpha_2\": \"AA\", \"name\": \"again\"},"
    " {\"alpha_3\": \"NOA\"}]}";

START_TEST(test_imports_come_from_the_cache_while_the_table_keeps_identity)
{
    char iso[128], cache[160];
    snprintf(iso, sizeof iso, "%s", puts_("iso", "3166-1", TABLE));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    cbec__cache_set_settle_ms(0);
    cbec__imports_forget();
    size_t built = cbec__import_builds();
    /* two imports of the table ("iso-codes:3166-1", "iso-codes:3166-1/alpha_2"): two lists */
    cbec_pack *a = importing_pack_cached("T-A", iso, cache);
    ck_assert_uint_eq(cbec__import_builds(), built + 2);
    char *want = list_text(a, "all");
    ck_assert_str_eq(want, "attr alpha_3\nattr flag\nattr numeric\nAA|Aland, \"A\"|AAA|\xf0\x9f\x87\xa6|-\nZZ|-|-|-|999\n");
    /* a new process: the list from the cache, the same codes and digest */
    cbec__imports_forget();
    cbec_pack *b = importing_pack_cached("T-A", iso, cache);
    ck_assert_uint_eq(cbec__import_builds(), built + 2);
    char *got = list_text(b, "all");
    ck_assert_str_eq(got, want);
    free(got);
    ck_assert_str_eq(cbec_pack_digest(a), cbec_pack_digest(b));
    ck_assert_uint_eq(findings(b, "{\"c\": \"AA\", \"e\": \"ZZ\"}"), 0);
    ck_assert_uint_eq(findings(b, "{\"c\": \"ZZ\", \"e\": \"BB\"}"), 2);
    ck_assert_uint_eq(findings(b, "{\"d\": \"BBSHA\"}"), 1);
    cbec_pack_free(b);
    /* another edition of the table: made from it again */
    puts_("iso", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"BB\"}, {\"alpha_2\": \"ZZ\"}]}");
    cbec__imports_forget();
    b = importing_pack_cached("T-A", iso, cache);
    ck_assert_uint_eq(cbec__import_builds(), built + 4);
    got = list_text(b, "all");
    ck_assert_str_eq(got, "BB|-\nZZ|-\n");
    free(got);
    ck_assert_str_ne(cbec_pack_digest(a), cbec_pack_digest(b));
    cbec_pack_free(a);
    cbec_pack_free(b);
    free(want);
}
END_TEST

/* An entry for the import "iso-codes:3166-1" of the table in iso: a digest
 * of hex digits, then the lists's bytes as given. */
static void put_import_entry(const char *iso, const char *cache, const char *body, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/iso_3166-1.json", iso);
    cbec_file_id id;
    ck_assert(cbec__file_id(path, &id));
    const char *paths[] = {path};
    char data[512];
    memset(data, 'a', 64);
    memcpy(data + 64, body, len);
    cbec__cache_put_tagged(cache, "isoimport", 1, "iso-codes:3166-1", paths, &id, 1, data, 64 + len);
}

START_TEST(test_import_entries_that_a_build_would_not_write_are_refused)
{
    char iso[128], cache[160];
    snprintf(iso, sizeof iso, "%s", puts_("iso", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"AA\"}, {\"alpha_2\": \"ZZ\"}]}"));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    cbec__cache_set_settle_ms(0);
    /* counts and texts little-endian: count, attributes, then per code its
     * text, label and attribute values (0xffff: none) */
#define E(s) s, sizeof s - 1
    static const struct {
        const char *what;
        const char *body;
        size_t len;
        bool good;
    } cases[] = {
        {"two codes, a label", E("\2\0\0\0\0\0\0\0" "\2\0AA" "\5\0cache" "\2\0ZZ" "\xff\xff"), true},
        {"no codes", E("\0\0\0\0\0\0\0\0"), false},
        {"a code longer than the entry", E("\1\0\0\0\0\0\0\0" "\11\0AA" "\xff\xff"), false},
        {"an empty code", E("\1\0\0\0\0\0\0\0" "\0\0" "\xff\xff"), false},
        {"no code where one must be", E("\1\0\0\0\0\0\0\0" "\xff\xff" "\xff\xff"), false},
        {"a code twice", E("\2\0\0\0\0\0\0\0" "\2\0AA\xff\xff" "\2\0AA\xff\xff"), false},
        {"bytes after the last code", E("\1\0\0\0\0\0\0\0" "\2\0AA" "\xff\xff" "x"), false},
        {"fewer codes than counted", E("\3\0\0\0\0\0\0\0" "\2\0AA" "\xff\xff"), false},
        {"an attribute name that is not one", E("\1\0\0\0\1\0\0\0" "\2\0a b" "\2\0AA\xff\xff\xff\xff"), false},
        {"more attributes than a list has", E("\1\0\0\0\x40\0\0\0"), false},
    };
#undef E
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        put_import_entry(iso, cache, cases[k].body, cases[k].len);
        cbec__imports_forget();
        size_t built = cbec__import_builds();
        cbec_pack *p = importing_pack_cached("T-A", iso, cache);
        /* "c" and "all" import the same spec: one list, from the entry or
         * the table (which then stores a good entry); the identifier's
         * "iso-codes:3166-1/alpha_2" another, from the table the first
         * time and from the cache after: one list made each time */
        ck_assert_msg(cbec__import_builds() == built + 1, "%s", cases[k].what);
        char *got = list_text(p, "all");
        ck_assert_str_eq(got, cases[k].good ? "AA|cache\nZZ|-\n" : "AA|-\nZZ|-\n");
        free(got);
        cbec_pack_free(p);
    }
}
END_TEST

/* A minimal set of the five tables a language table reads. */
static const char *lang_dir(const char *sub, const char *extra_language)
{
    char l3[256];
    snprintf(l3, sizeof l3,
             "{\"639-3\": [{\"alpha_3\": \"fra\", \"alpha_2\": \"fr\", \"name\": \"French\"},"
             " {\"alpha_3\": \"yue\", \"name\": \"Yue\"}%s%s%s]}",
             extra_language ? ", {\"alpha_3\": \"" : "", extra_language ? extra_language : "",
             extra_language ? "\"}" : "");
    puts_(sub, "639-3", l3);
    puts_(sub, "639-5", "{\"639-5\": [{\"alpha_3\": \"sit\"}]}");
    puts_(sub, "639-2", "{\"639-2\": [{\"alpha_3\": \"fra\", \"bibliographic\": \"fre\", \"alpha_2\": \"fr\"}]}");
    puts_(sub, "3166-1", "{\"3166-1\": [{\"alpha_2\": \"FR\"}]}");
    return puts_(sub, "15924", "{\"15924\": [{\"alpha_4\": \"Latn\"}, {\"alpha_4\": \"Hant\"}]}");
}

static bool tag_valid(const cbec_langtab *t, const char *s)
{
    cbec_langtag tag;
    cbec_langtag_error e;
    return cbec__langtag_check(t, s, strlen(s), false, &tag, &e);
}

START_TEST(test_language_tables_are_shared_and_rebuilt_on_change)
{
    char where[128], err[1200];
    snprintf(where, sizeof where, "%s", lang_dir("lang", NULL));
    cbec_langtab *a, *b, *c, *s;
    ck_assert_int_eq(cbec__langtab_load(where, NULL, true, &a, err, sizeof err), CBEC_OK);
    ck_assert_int_eq(cbec__langtab_load(where, NULL, true, &b, err, sizeof err), CBEC_OK);
    ck_assert_ptr_eq(a, b);
    ck_assert_int_eq(cbec__langtab_load(where, NULL, false, &s, err, sizeof err), CBEC_OK);
    ck_assert_ptr_ne(a, s);
    ck_assert(tag_valid(a, "fr-Latn-FR"));
    ck_assert(tag_valid(a, "yue"));
    ck_assert(!tag_valid(a, "abc"));
    ck_assert(!tag_valid(a, "fre"));
    ck_assert(!tag_valid(a, "fr-DE"));
    ck_assert(tag_valid(s, "abc-DE")); /* scripts only */
    ck_assert(!tag_valid(s, "fr-Cyrl"));
    /* another edition of one file: a new table for later loads only */
    lang_dir("lang", "abc");
    ck_assert_int_eq(cbec__langtab_load(where, NULL, true, &c, err, sizeof err), CBEC_OK);
    ck_assert_ptr_ne(c, a);
    ck_assert(tag_valid(c, "abc"));
    ck_assert(!tag_valid(a, "abc"));
    cbec__langtab_free(a);
    cbec__langtab_free(b);
    cbec__langtab_free(c);
    cbec__langtab_free(s);
    /* a missing file is the error it was */
    char gone[256];
    snprintf(gone, sizeof gone, "%s/iso_639-5.json", where);
    ck_assert_int_eq(unlink(gone), 0);
    ck_assert_int_eq(cbec__langtab_load(where, NULL, true, &a, err, sizeof err), CBEC_EIO);
    ck_assert_ptr_nonnull(strstr(err, "iso_639-5.json"));
    ck_assert_int_eq(cbec__langtab_load(where, NULL, false, &a, err, sizeof err), CBEC_OK);
    cbec__langtab_free(a);
}
END_TEST

/* The cache's entry files in d (names starting "langtab-"). */
static int cache_entries(const char *d, char *last, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls '%s' 2>/dev/null | grep -c '^langtab-'", d);
    FILE *p = popen(cmd, "r");
    int n = -1;
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    if (last) {
        snprintf(cmd, sizeof cmd, "ls -t '%s' | grep '^langtab-' | head -1", d);
        p = popen(cmd, "r");
        ck_assert_ptr_nonnull(fgets(last, (int)cap, p));
        last[strcspn(last, "\n")] = '\0';
        pclose(p);
    }
    return n;
}

/* Load where's table with a cache after another table took the process's
 * slot, so that only the cache between processes can spare the build. */
static cbec_langtab *load_cold(const char *where, const char *other, const char *cache)
{
    char err[1200];
    cbec_langtab *t, *o;
    ck_assert_int_eq(cbec__langtab_load(other, NULL, true, &o, err, sizeof err), CBEC_OK);
    cbec__langtab_free(o);
    ck_assert_int_eq(cbec__langtab_load(where, cache, true, &t, err, sizeof err), CBEC_OK);
    return t;
}

START_TEST(test_language_tables_come_from_the_cache_while_files_keep_identity)
{
    char where[128], other[128], cache[160], entry[128], path[400];
    cbec__cache_set_settle_ms(0);
    snprintf(where, sizeof where, "%s", lang_dir("lang", NULL));
    snprintf(other, sizeof other, "%s", lang_dir("other", "oth"));
    snprintf(cache, sizeof cache, "%s/cache/cbecstd", dir);
    unsigned long built = cbec__langtab_build_count();
    cbec_langtab *a = load_cold(where, other, cache);
    ck_assert_uint_eq(cbec__langtab_build_count(), built + 2); /* other's and where's */
    ck_assert_int_eq(cache_entries(cache, NULL, 0), 1);
    struct stat st;
    ck_assert_int_eq(stat(cache, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    /* the next load that misses the process's table reads the entry: the
     * same answers, no build */
    cbec_langtab *b = load_cold(where, other, cache);
    ck_assert_uint_eq(cbec__langtab_build_count(), built + 3); /* other's only */
    ck_assert_ptr_ne(a, b);
    const char *tags[] = {"fr-Latn-FR", "yue", "sit", "fr-Hant", "abc", "fre", "fr-DE", "fr-Cyrl", "oth"};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        ck_assert_msg(tag_valid(a, tags[i]) == tag_valid(b, tags[i]), "%s", tags[i]);
    ck_assert(tag_valid(b, "fr-Latn-FR") && tag_valid(b, "sit") && !tag_valid(b, "fr-DE"));
    cbec_langtag t;
    cbec_langtag_error ea, eb;
    ck_assert(!cbec__langtag_check(a, "fre", 3, false, &t, &ea));
    ck_assert(!cbec__langtag_check(b, "fre", 3, false, &t, &eb));
    ck_assert_str_eq(ea.en, eb.en); /* the alias table: "use fr" */
    /* and the process's table serves the load after it */
    char err[1200];
    cbec_langtab *c;
    ck_assert_int_eq(cbec__langtab_load(where, cache, true, &c, err, sizeof err), CBEC_OK);
    ck_assert_ptr_eq(c, b);
    cbec__langtab_free(c);
    /* a file rewritten is another identity: built again, never stale */
    lang_dir("lang", "abc");
    cbec_langtab *d = load_cold(where, other, cache);
    ck_assert_uint_eq(cbec__langtab_build_count(), built + 5);
    ck_assert(tag_valid(d, "abc"));
    ck_assert(!tag_valid(b, "abc"));
    ck_assert_int_eq(cache_entries(cache, entry, sizeof entry), 2);
    /* a damaged entry is a miss, and is written again */
    snprintf(path, sizeof path, "%s/%s", cache, entry);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, -1, SEEK_END), 0);
    int last = fgetc(f);
    ck_assert_int_eq(fseek(f, -1, SEEK_END), 0);
    fputc(last ^ 1, f);
    fclose(f);
    cbec_langtab *e = load_cold(where, other, cache);
    ck_assert_uint_eq(cbec__langtab_build_count(), built + 7);
    ck_assert(tag_valid(e, "abc"));
    cbec_langtab *g = load_cold(where, other, cache);
    ck_assert_uint_eq(cbec__langtab_build_count(), built + 8);
    ck_assert(tag_valid(g, "abc"));
    /* files that changed within the settling time are not stored */
    cbec__cache_set_settle_ms(60000);
    lang_dir("lang", "xyz");
    cbec_langtab *h = load_cold(where, other, cache);
    ck_assert(tag_valid(h, "xyz"));
    ck_assert_int_eq(cache_entries(cache, NULL, 0), 2);
    cbec__cache_set_settle_ms(0);
    cbec__langtab_free(a);
    cbec__langtab_free(b);
    cbec__langtab_free(d);
    cbec__langtab_free(e);
    cbec__langtab_free(g);
    cbec__langtab_free(h);
}
END_TEST

/* An entry under the key a language table of where is stored by, with
 * the content given (TAB_FORMAT 1: the language flag, the bit sets of
 * 85, 2197 and 85 bytes, the counts, the scripts, the aliases). */
static void put_entry(const char *where, const char *cache, const unsigned char *data, size_t len)
{
    static const char *const files[] = {"15924", "639-3", "639-5", "639-2", "3166-1"};
    char paths[5][256];
    const char *names[5];
    cbec_file_id ids[5];
    for (int i = 0; i < 5; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/iso_%s.json", where, files[i]);
        names[i] = paths[i];
        ck_assert(cbec__file_id(paths[i], &ids[i]));
    }
    cbec__cache_put(cache, "langtab", 1, names, ids, 5, data, len);
}

START_TEST(test_language_table_entries_out_of_range_are_refused)
{
    char where[128], other[128], cache[160];
    cbec__cache_set_settle_ms(0);
    snprintf(where, sizeof where, "%s", lang_dir("lang", NULL));
    snprintf(other, sizeof other, "%s", lang_dir("other", "oth"));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    enum { FIXED = 1 + 85 + 2197 + 85 + 8 };
    unsigned char e[FIXED + 4 * 4];
    /* Latn in base 26 */
    const uint32_t latn = 11u * 26 * 26 * 26 + 0 * 26 * 26 + 19 * 26 + 13;
    /* the words after the bit sets: the two counts, then the scripts and
     * the aliases (three-letter index | two-letter index << 16) */
    const uint32_t fre = (5u * 26 * 26 + 17 * 26 + 4) | (5u * 26 + 17) << 16;
    struct {
        const char *what;
        int flag;          /* the language flag */
        uint32_t w[4];
        size_t len;
        bool good;
    } cases[] = {
        {"well formed", 1, {1, 1, latn, fre}, FIXED + 8, true},
        {"short", 1, {1, 1, latn, fre}, FIXED + 7, false},
        {"long", 1, {1, 1, latn, fre}, FIXED + 12, false},
        {"counts past the end", 1, {3, 1, latn, fre}, FIXED + 8, false},
        {"the other kind of table", 0, {1, 1, latn, fre}, FIXED + 8, false},
        {"a script out of range", 1, {1, 1, 26u * 26 * 26 * 26, fre}, FIXED + 8, false},
        {"scripts out of order", 1, {2, 0, latn, latn - 1}, FIXED + 8, false},
        {"an alias out of range", 1, {1, 1, latn, 26u * 26 * 26}, FIXED + 8, false},
        {"a two-letter code out of range", 1, {1, 1, latn, 5 | (26u * 26) << 16}, FIXED + 8, false},
        {"aliases out of order", 1, {0, 2, fre, fre - 1}, FIXED + 8, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        memset(e, 0, sizeof e);
        e[0] = (unsigned char)cases[k].flag;
        e[1 + (5 * 26 + 17) / 8] |= (unsigned char)(1u << ((5 * 26 + 17) % 8)); /* "fr" */
        for (int w = 0; w < 4; w++)
            for (int b = 0; b < 4; b++)
                e[FIXED - 8 + 4 * w + b] = (unsigned char)(cases[k].w[w] >> (8 * b));
        put_entry(where, cache, e, cases[k].len);
        unsigned long built = cbec__langtab_build_count();
        cbec_langtab *t = load_cold(where, other, cache);
        /* a refused entry is built again from the files, which know "yue" */
        ck_assert_msg(cbec__langtab_build_count() == built + (cases[k].good ? 1 : 2), "%s", cases[k].what);
        ck_assert_msg(tag_valid(t, "yue") == !cases[k].good, "%s", cases[k].what);
        ck_assert_msg(tag_valid(t, cases[k].w[0] ? "fr-Latn" : "fr"), "%s", cases[k].what);
        cbec__langtab_free(t);
    }
}
END_TEST

/* ---- threads ---- */

typedef struct worker {
    const char *dirs[2];
    int failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char err[1200];
    for (int i = 0; i < 200; i++) {
        const char *d = w->dirs[i % 2];
        cbec_isocodes t;
        if (cbec__isocodes_open(&t, d, "3166-1", err, sizeof err) != CBEC_OK || t.count != 1) {
            w->failures++;
            continue;
        }
        char digest[65];
        cbec__isocodes_digest(&t, digest);
        cbec_langtab *tab;
        if (cbec__langtab_load(d, NULL, i % 3 == 0, &tab, err, sizeof err) != CBEC_OK) {
            w->failures++;
        } else {
            if (!tag_valid(tab, "fr-Latn"))
                w->failures++;
            cbec__langtab_free(tab);
        }
        cbec__isocodes_close(&t);
        /* packs sharing the import made by whichever thread came first */
        if (i % 10 == 0) {
            static const char pack[] =
                "{\"cbecstd_pack\": 1, \"id\": \"T-T\", \"version\": \"1.0.0\", \"status\": \"active\","
                " \"module\": \"data\", \"title\": {\"zh-CN\": \"测试\", \"en\": \"t\"},"
                " \"codelists\": {\"c\": {\"import\": \"iso-codes:3166-1\"}},"
                " \"messages\": {\"m\": {\"rules\": [{\"id\": \"R1\", \"path\": \"/c\", \"codelist\": \"c\"}]}}}";
            cbec_options *o = NULL;
            cbec_pack *p = NULL;
            if (cbec_options_new(&o) != CBEC_OK || cbec_options_set_string(o, CBEC_OPT_ISO_CODES_DIR, d) != CBEC_OK ||
                cbec_pack_load_buffer(&p, pack, strlen(pack), "t", NULL, o, NULL) != CBEC_OK)
                w->failures++;
            cbec_pack_free(p);
            cbec_options_free(o);
        }
    }
    return NULL;
}

START_TEST(test_threads_share_tables_safely)
{
    char d1[128], d2[128];
    snprintf(d1, sizeof d1, "%s", lang_dir("t1", NULL));
    snprintf(d2, sizeof d2, "%s", lang_dir("t2", "abc"));
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){{i % 2 ? d1 : d2, i % 2 ? d2 : d1}, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
}
END_TEST

/* ---- one registry load: one reading of each file, whichever thread ---- */

typedef struct joiner {
    cbec_isobatch *batch;
    const char *dir;
    const char *fields;
    uint64_t id;
    size_t count;
    int status;
    bool in_batch;           /* the thread opened in the batch it joined (its own for NULL) */
    bool out_after;          /* and had none after it ended */
} joiner;

static void *join_and_open(void *arg)
{
    joiner *j = arg;
    char err[1200];
    cbec__isocodes_batch_join(j->batch);
    cbec_isobatch *b = cbec__isocodes_batch_current();
    j->in_batch = j->batch ? b == j->batch : b != NULL;
    cbec_isocodes t;
    j->status = cbec__isocodes_open_fields(&t, j->dir, "3166-1", j->fields, err, sizeof err);
    if (j->status == CBEC_OK) {
        j->id = t.id;
        j->count = t.count;
        cbec__isocodes_close(&t);
    }
    cbec__isocodes_batch_end();
    j->out_after = cbec__isocodes_batch_current() == NULL;
    return NULL;
}

static joiner run_joiner(cbec_isobatch *batch, const char *d, const char *fields)
{
    joiner j = {batch, d, fields, 0, 0, -1, false, false};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, join_and_open, &j), 0);
    pthread_join(th, NULL);
    ck_assert(j.in_batch);
    ck_assert(j.out_after);
    return j;
}

START_TEST(test_threads_of_one_batch_read_each_file_once)
{
    char where[128];
    snprintf(where, sizeof where, "%s", puts_("b", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"AA\"}]}"));
    ck_assert_ptr_null(cbec__isocodes_batch_current());
    cbec__isocodes_batch_begin();
    cbec_isobatch *batch = cbec__isocodes_batch_current();
    ck_assert_ptr_nonnull(batch);
    /* nested begin and end keep the batch */
    cbec__isocodes_batch_begin();
    cbec__isocodes_batch_end();
    ck_assert_ptr_eq(cbec__isocodes_batch_current(), batch);
    joiner first = run_joiner(batch, where, NULL);
    ck_assert_int_eq(first.status, CBEC_OK);
    ck_assert_uint_eq(first.count, 1);
    /* the file changes while the load goes on: the other threads of the
     * load, and tables of other fields, still see the bytes read first */
    puts_("b", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"AA\"}, {\"alpha_2\": \"BB\"}]}");
    joiner second = run_joiner(batch, where, NULL);
    ck_assert_int_eq(second.status, CBEC_OK);
    ck_assert(second.id == first.id);
    joiner lean = run_joiner(batch, where, "alpha_2");
    ck_assert_int_eq(lean.status, CBEC_OK);
    ck_assert(lean.id != first.id);
    ck_assert_uint_eq(lean.count, 1);
    cbec_isocodes t;
    char err[1200];
    ck_assert_int_eq(open_(&t, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert(t.id == first.id);
    cbec__isocodes_close(&t);
    cbec__isocodes_batch_end();
    ck_assert_ptr_null(cbec__isocodes_batch_current());
    /* the next load reads the new bytes */
    ck_assert_int_eq(open_(&t, where, "3166-1", err, sizeof err), CBEC_OK);
    ck_assert(t.id != first.id);
    ck_assert_uint_eq(t.count, 2);
    cbec__isocodes_close(&t);
    /* a thread that joins no batch (NULL) has one of its own */
    joiner alone = run_joiner(NULL, where, NULL);
    ck_assert_int_eq(alone.status, CBEC_OK);
    ck_assert_uint_eq(alone.count, 2);
}
END_TEST

/* Threads of one batch opening the same files at once: one table each
 * (the others wait for the first reading), and a file that fails fails
 * for each of them. */
START_TEST(test_threads_of_one_batch_open_at_once)
{
    char good[128], bad[128];
    snprintf(good, sizeof good, "%s", puts_("g", "3166-1", "{\"3166-1\": [{\"alpha_2\": \"AA\"}]}"));
    snprintf(bad, sizeof bad, "%s", puts_("x", "3166-1", "{\"3166-1\": ["));
    for (int round = 0; round < 20; round++) {
        cbec__isocodes_batch_begin();
        cbec_isobatch *batch = cbec__isocodes_batch_current();
        joiner j[6];
        pthread_t th[6];
        for (int i = 0; i < 6; i++) {
            j[i] = (joiner){batch, i % 3 == 2 ? bad : good, i % 3 == 1 ? "alpha_2" : NULL, 0, 0, -1, false, false};
            ck_assert_int_eq(pthread_create(&th[i], NULL, join_and_open, &j[i]), 0);
        }
        for (int i = 0; i < 6; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < 6; i++) {
            ck_assert(j[i].in_batch && j[i].out_after);
            ck_assert_int_eq(j[i].status, i % 3 == 2 ? CBEC_EPACK : CBEC_OK);
            if (i % 3 != 2)
                ck_assert(j[i].id == j[i % 3].id);
        }
        cbec__isocodes_batch_end();
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("isocodes");
    TCase *tc = tcase_create("isocodes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_quick_and_full_readers_give_the_same_entries);
    tcase_add_test(tc, test_tables_of_some_fields);
    tcase_add_test(tc, test_strings_of_every_length_and_stop);
    tcase_add_test(tc, test_other_shapes_follow_the_json_reader);
    tcase_add_test(tc, test_errors_name_the_file);
    tcase_add_test(tc, test_tables_are_shared_while_the_bytes_stay_the_same);
    tcase_add_test(tc, test_digest_is_the_sha256_of_the_file);
    tcase_add_test(tc, test_file_digests_follow_the_bytes);
    tcase_add_test(tc, test_pack_digests_follow_their_files);
    tcase_add_test(tc, test_imports_are_shared_by_packs_and_outlive_each);
    tcase_add_test(tc, test_imports_come_from_the_cache_while_the_table_keeps_identity);
    tcase_add_test(tc, test_import_entries_that_a_build_would_not_write_are_refused);
    tcase_add_test(tc, test_language_tables_are_shared_and_rebuilt_on_change);
    tcase_add_test(tc, test_language_tables_come_from_the_cache_while_files_keep_identity);
    tcase_add_test(tc, test_language_table_entries_out_of_range_are_refused);
    tcase_add_test(tc, test_threads_share_tables_safely);
    tcase_add_test(tc, test_threads_of_one_batch_read_each_file_once);
    tcase_add_test(tc, test_threads_of_one_batch_open_at_once);
    suite_add_tcase(s, tc);
    return test_run(s);
}
