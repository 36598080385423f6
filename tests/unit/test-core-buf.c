/* test-core-buf.c - the growable byte buffer: bytes added one at a time
 * across growth, and JSON string escaping, checked at every length and
 * every place of the byte that stops a plain run (the scan takes sixteen
 * bytes at a time); and the arena, whose chunks grow from small to full
 * size. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "test-run.h"

START_TEST(test_bytes_one_at_a_time_across_growth)
{
    cbec_buf b;
    cbec__buf_init(&b);
    char want[1000];
    for (int i = 0; i < 1000; i++) {
        want[i] = (char)('a' + i % 26);
        cbec__buf_addc(&b, want[i]);
        ck_assert_uint_eq(b.len, (size_t)i + 1);
        ck_assert_int_eq(b.data[b.len], '\0');
    }
    ck_assert(!b.oom);
    ck_assert_int_eq(memcmp(b.data, want, sizeof want), 0);
    cbec__buf_reset(&b);
    cbec__buf_addc(&b, 'x');
    ck_assert_str_eq(cbec__buf_cstr(&b), "x");
    cbec__buf_free(&b);
}
END_TEST

/* One unit among ASCII letters, and what it becomes inside a JSON string. */
static const struct {
    const char *in;
    const char *out;
} units[] = {
    {"\"", "\\\""},
    {"\\", "\\\\"},
    {"\n", "\\n"},
    {"\r", "\\r"},
    {"\t", "\\t"},
    {"\x01", "\\u0001"},
    {"\x1f", "\\u001f"},
    {"\x7f", "\x7f"},               /* DEL needs no escape */
    {" ", " "},
    {"~", "~"},
    {"\xc3\xa9", "\xc3\xa9"},       /* valid UTF-8 passes */
    {"\xe4\xb8\xad", "\xe4\xb8\xad"},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
    {"\xe2\x80\xa8", "\\u2028"},    /* line and paragraph separators escaped */
    {"\xe2\x80\xa9", "\\u2029"},
    {"\x80", "\\ufffd"},            /* a stray continuation byte */
    {"\xff", "\\ufffd"},
    {"\xc3", "\\ufffd"},            /* a sequence cut short */
    {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"}, /* a surrogate, byte by byte */
};

START_TEST(test_json_escaping_at_every_length_and_place)
{
    cbec_buf b;
    cbec__buf_init(&b);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        for (size_t len = 1; len <= 48; len++)
            for (size_t at = 0; at < len; at++) {
                char in[64], want[96];
                size_t n = 0, w = 0;
                for (size_t i = 0; i < len; i++) {
                    if (i == at) {
                        memcpy(in + n, units[u].in, strlen(units[u].in));
                        n += strlen(units[u].in);
                        memcpy(want + w, units[u].out, strlen(units[u].out));
                        w += strlen(units[u].out);
                    } else {
                        in[n++] = want[w++] = (char)('A' + i % 26);
                    }
                }
                want[w] = '\0';
                /* exactly the input's size, so that a read past its end
                 * shows under ASan */
                char *exact = malloc(n);
                ck_assert_ptr_nonnull(exact);
                memcpy(exact, in, n);
                cbec__buf_reset(&b);
                cbec__buf_add_json_escaped(&b, exact, n);
                free(exact);
                ck_assert_msg(strcmp(cbec__buf_cstr(&b), want) == 0, "unit %zu at %zu of %zu: \"%s\", want \"%s\"", u,
                              at, len, cbec__buf_cstr(&b), want);
            }
    /* runs of plain text longer than sixteen bytes on both sides of
     * several stops */
    static const char text[] = "0123456789abcdefghij\"klmnopqrstuvwxyz0123\\45678\n9ABCDEFGHIJKLMNOPQRSTU";
    cbec__buf_reset(&b);
    cbec__buf_add_json_escaped(&b, text, sizeof text - 1);
    ck_assert_str_eq(cbec__buf_cstr(&b),
                     "0123456789abcdefghij\\\"klmnopqrstuvwxyz0123\\\\45678\\n9ABCDEFGHIJKLMNOPQRSTU");
    cbec__buf_reset(&b);
    cbec__buf_add_json_escaped(&b, "", 0);
    ck_assert_str_eq(cbec__buf_cstr(&b), "");
    cbec__buf_free(&b);
}
END_TEST

/* Allocations of every size up to past a full chunk, each 16-byte aligned
 * and filled with its own byte, all intact at the end (chunks grow from
 * 1 KiB to 16 KiB, and a bigger request gets a chunk of its own); then the
 * same after a reset, which reuses the chunks. */
START_TEST(test_arena_sizes_across_chunk_growth_and_reset)
{
    cbec_arena a;
    cbec__arena_init(&a);
    enum { N = 300 };
    unsigned char *p[N];
    size_t len[N];
    for (int round = 0; round < 2; round++) {
        size_t total = 0;
        for (int i = 0; i < N; i++) {
            len[i] = i % 7 == 6 ? 17000u + (size_t)i : (size_t)(i * 37 % 1500);
            p[i] = cbec__arena_alloc(&a, len[i]);
            ck_assert_ptr_nonnull(p[i]);
            ck_assert_uint_eq((uintptr_t)p[i] % 16, 0);
            memset(p[i], i & 0xff, len[i]);
            total += (len[i] + 15) & ~(size_t)15;
        }
        for (int i = 0; i < N; i++) {
            size_t k = 0;
            while (k < len[i] && p[i][k] == (unsigned char)(i & 0xff))
                k++;
            ck_assert_msg(k == len[i], "allocation %d (%zu bytes) overwritten at byte %zu", i, len[i], k);
        }
        ck_assert_uint_ge(a.total, total);
        unsigned char *z = cbec__arena_calloc(&a, 100, 3);
        ck_assert_ptr_nonnull(z);
        for (int k = 0; k < 300; k++)
            ck_assert_uint_eq(z[k], 0);
        ck_assert_ptr_null(cbec__arena_calloc(&a, SIZE_MAX / 2, 4));
        cbec__arena_reset(&a);
        ck_assert_uint_eq(a.total, 0);
    }
    cbec__arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("buf");
    tcase_add_test(tc, test_bytes_one_at_a_time_across_growth);
    tcase_add_test(tc, test_json_escaping_at_every_length_and_place);
    tcase_add_test(tc, test_arena_sizes_across_chunk_growth_and_reset);
    suite_add_tcase(s, tc);
    return test_run(s);
}
