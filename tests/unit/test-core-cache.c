/* test-core-cache.c - the cache between processes: an entry is found only
 * under the same kind, format and file identities; a damaged, swapped or
 * foreign entry and a directory others may write to are misses; entries
 * of files that just changed are not stored; writers and readers on
 * several threads see whole entries. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "test-run.h"

static char root[64];
static char cache[128];

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/cbec-cache-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    snprintf(cache, sizeof cache, "%s/a/b", root);
    cbec__cache_set_settle_ms(2000);
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", root, root);
    ck_assert_int_eq(system(cmd), 0);
}

/* Identities of two files last changed an hour ago. */
static const char *const paths[] = {"/x/iso_639-3.json", "/x/iso_15924.json"};

static void old_ids(cbec_file_id ids[2])
{
    time_t hour_ago = time(NULL) - 3600;
    ids[0] = (cbec_file_id){64769, 1001, 874782, hour_ago, 5, hour_ago, 7};
    ids[1] = (cbec_file_id){64769, 1002, 12000, hour_ago, 0, hour_ago, 0};
}

static bool get(const char *kind, uint32_t version, const cbec_file_id *ids, char *out, size_t cap, size_t *len)
{
    void *data;
    if (!cbec__cache_get(cache, kind, version, paths, ids, 2, &data, len))
        return false;
    ck_assert_uint_le(*len, cap);
    memcpy(out, data, *len);
    free(data);
    return true;
}

/* The one entry file in the cache directory. */
static void entry_path(char *out, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -v '^\\.'", cache);
    FILE *p = popen(cmd, "r");
    char name[128];
    ck_assert_ptr_nonnull(fgets(name, sizeof name, p));
    ck_assert_ptr_null(fgets(name + strlen(name), (int)(sizeof name - strlen(name)), p));
    pclose(p);
    name[strcspn(name, "\n")] = '\0';
    snprintf(out, cap, "%s/%s", cache, name);
}

START_TEST(test_cache_finds_an_entry_only_under_its_key)
{
    cbec_file_id ids[2], other[2];
    old_ids(ids);
    char out[64];
    size_t len;
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    ck_assert(get("langtab", 1, ids, out, sizeof out, &len));
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(memcmp(out, "payload", 7), 0);
    /* the directories were made, for the user alone */
    struct stat st;
    ck_assert_int_eq(stat(cache, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    /* every part of the key */
    ck_assert(!get("langtab", 2, ids, out, sizeof out, &len));
    ck_assert(!get("scripts", 1, ids, out, sizeof out, &len));
    for (int field = 0; field < 7; field++) {
        memcpy(other, ids, sizeof other);
        cbec_file_id *f = &other[field % 2];
        switch (field) {
        case 0: f->dev++; break;
        case 1: f->ino++; break;
        case 2: f->size--; break;
        case 3: f->mtime_sec++; break;
        case 4: f->mtime_nsec++; break;
        case 5: f->ctime_sec--; break;
        case 6: f->ctime_nsec++; break;
        }
        ck_assert_msg(!get("langtab", 1, other, out, sizeof out, &len), "field %d", field);
    }
    const char *moved[] = {"/y/iso_639-3.json", paths[1]};
    void *data;
    ck_assert(!cbec__cache_get(cache, "langtab", 1, moved, ids, 2, &data, &len));
    ck_assert(!cbec__cache_get(cache, "langtab", 1, paths, ids, 1, &data, &len));
    /* a kind that could leave the directory is refused */
    cbec__cache_put(cache, "../x", 1, paths, ids, 2, "p", 1);
    ck_assert(!cbec__cache_get(cache, "../x", 1, paths, ids, 2, &data, &len));
    /* a new entry replaces the old; an empty payload is one too */
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "", 0);
    ck_assert(get("langtab", 1, ids, out, sizeof out, &len));
    ck_assert_uint_eq(len, 0);
    /* no cache at all */
    ck_assert(!cbec__cache_get(NULL, "langtab", 1, paths, ids, 2, &data, &len));
    ck_assert(!cbec__cache_get("", "langtab", 1, paths, ids, 2, &data, &len));
}
END_TEST

/* Rewrite the entry file: truncate to cut bytes (when >= 0), or flip one
 * bit of byte at (from the end when negative), or append a byte. */
static void damage(long cut, long at, bool append)
{
    char path[256];
    entry_path(path, sizeof path);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    if (cut >= 0) {
        ck_assert_int_eq(ftruncate(fileno(f), cut), 0);
    } else if (append) {
        ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
        fputc('x', f);
    } else {
        ck_assert_int_eq(fseek(f, at, at < 0 ? SEEK_END : SEEK_SET), 0);
        int c = fgetc(f);
        ck_assert_int_eq(fseek(f, at, at < 0 ? SEEK_END : SEEK_SET), 0);
        fputc(c ^ 4, f);
    }
    fclose(f);
}

START_TEST(test_cache_takes_a_damaged_entry_for_a_miss)
{
    cbec_file_id ids[2];
    old_ids(ids);
    char out[64];
    size_t len;
    /* the magic, the format, the key's digest, the length, the payload's
     * digest, the payload; cut short, and longer */
    const long flips[] = {0, 8, 20, 80, 100, -1, -4};
    for (size_t i = 0; i < sizeof flips / sizeof *flips; i++) {
        cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
        damage(-1, flips[i], false);
        ck_assert_msg(!get("langtab", 1, ids, out, sizeof out, &len), "flip at %ld", flips[i]);
    }
    const long cuts[] = {0, 10, 151, 152, 155};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
        damage(cuts[i], 0, false);
        ck_assert_msg(!get("langtab", 1, ids, out, sizeof out, &len), "cut to %ld", cuts[i]);
    }
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    damage(-1, 0, true);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    /* an entry replaced by a link to a good one is not followed */
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    char path[256], moved[300];
    entry_path(path, sizeof path);
    snprintf(moved, sizeof moved, "%s/elsewhere", root);
    ck_assert_int_eq(rename(path, moved), 0);
    ck_assert_int_eq(symlink(moved, path), 0);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    ck_assert_int_eq(unlink(path), 0);
    /* nor is a FIFO in its place waited on */
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rename(moved, path), 0);
    ck_assert(get("langtab", 1, ids, out, sizeof out, &len));
}
END_TEST

START_TEST(test_cache_keeps_out_of_a_directory_others_may_write)
{
    cbec_file_id ids[2];
    old_ids(ids);
    char out[64];
    size_t len;
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    ck_assert_int_eq(chmod(cache, 0770), 0);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    cbec__cache_put(cache, "langtab", 2, paths, ids, 2, "payload", 7);
    ck_assert_int_eq(chmod(cache, 0700), 0);
    ck_assert(get("langtab", 1, ids, out, sizeof out, &len));
    ck_assert(!get("langtab", 2, ids, out, sizeof out, &len));
    /* a directory that cannot be made: silently no cache */
    char file[128];
    snprintf(file, sizeof file, "%s/plain", root);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    char below[160];
    snprintf(below, sizeof below, "%s/sub", file);
    cbec__cache_put(below, "langtab", 1, paths, ids, 2, "payload", 7);
    void *data;
    ck_assert(!cbec__cache_get(below, "langtab", 1, paths, ids, 2, &data, &len));
}
END_TEST

START_TEST(test_cache_stores_nothing_for_files_that_just_changed)
{
    cbec_file_id ids[2];
    old_ids(ids);
    char out[64];
    size_t len;
    ids[1].ctime_sec = time(NULL);
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    old_ids(ids);
    ids[0].mtime_sec = time(NULL) + 100; /* a clock set back */
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    ck_assert(!get("langtab", 1, ids, out, sizeof out, &len));
    /* the same once settled */
    ids[0].mtime_sec = time(NULL) - 3;
    cbec__cache_put(cache, "langtab", 1, paths, ids, 2, "payload", 7);
    ck_assert(get("langtab", 1, ids, out, sizeof out, &len));
    /* too large to keep */
    char *big = calloc(1, CBEC_CACHE_MAX_PAYLOAD + 1);
    ck_assert_ptr_nonnull(big);
    cbec__cache_put(cache, "big", 1, paths, ids, 2, big, CBEC_CACHE_MAX_PAYLOAD + 1);
    void *data;
    ck_assert(!cbec__cache_get(cache, "big", 1, paths, ids, 2, &data, &len));
    cbec__cache_put(cache, "big", 1, paths, ids, 2, big, CBEC_CACHE_MAX_PAYLOAD);
    ck_assert(cbec__cache_get(cache, "big", 1, paths, ids, 2, &data, &len));
    ck_assert_uint_eq(len, CBEC_CACHE_MAX_PAYLOAD);
    free(data);
    free(big);
}
END_TEST

/* ---- threads ---- */

typedef struct writer {
    char fill;
    int torn;
} writer;

enum { PAYLOAD = 50000 };

static void *write_and_read(void *arg)
{
    writer *w = arg;
    cbec_file_id ids[2];
    old_ids(ids);
    char *mine = malloc(PAYLOAD);
    memset(mine, w->fill, PAYLOAD);
    for (int i = 0; i < 100; i++) {
        cbec__cache_put(cache, "race", 1, paths, ids, 2, mine, PAYLOAD);
        void *data;
        size_t len;
        if (!cbec__cache_get(cache, "race", 1, paths, ids, 2, &data, &len)) {
            w->torn++;
            continue;
        }
        const char *d = data;
        /* one writer's entry, whole */
        if (len != PAYLOAD || (d[0] != 'a' && d[0] != 'b') || memchr(d, d[0] == 'a' ? 'b' : 'a', len))
            w->torn++;
        free(data);
    }
    free(mine);
    return NULL;
}

START_TEST(test_cache_writers_and_readers_see_whole_entries)
{
    writer w[2] = {{'a', 0}, {'b', 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, write_and_read, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    ck_assert_int_eq(w[0].torn + w[1].torn, 0);
    /* no temporary file is left behind */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s' | grep '^\\.tmp')\"", cache);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cache_finds_an_entry_only_under_its_key);
    tcase_add_test(tc, test_cache_takes_a_damaged_entry_for_a_miss);
    tcase_add_test(tc, test_cache_keeps_out_of_a_directory_others_may_write);
    tcase_add_test(tc, test_cache_stores_nothing_for_files_that_just_changed);
    tcase_add_test(tc, test_cache_writers_and_readers_see_whole_entries);
    suite_add_tcase(s, tc);
    return test_run(s);
}
