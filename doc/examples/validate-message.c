/* validate-message.c - the smallest complete use of libcbecstd: load rule
 * packs, validate one message file, print its findings.
 *
 *   cc validate-message.c $(pkg-config --cflags --libs cbecstd) -o validate-message
 *   ./validate-message /usr/share/cbecstd/packs order.json zh-CN
 *
 * Exit status: 0 the message is valid, 1 it is not, 2 the packs or the
 * message could not be read.  See doc/quickstart.md. */
#include <cbecstd.h>

#include <stdio.h>
#include <stdlib.h>

/* Read a whole file; NULL on error.  Messages bigger than the validator's
 * limit (64 MiB by default) are refused by the library anyway, so reading
 * stops a little past it instead of holding an arbitrarily large file. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, max = ((size_t)64 << 20) + 1;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= max)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s PACK_FILE_OR_DIR MESSAGE_FILE [LANG]\n", argv[0]);
        return 2;
    }
    const char *packs = argv[1], *file = argv[2], *lang = argc > 3 ? argv[3] : "en";
    cbec_registry *reg = NULL;
    cbec_validator *v = NULL;
    cbec_report *rep = NULL;
    cbec_error *err = NULL;
    int rc = 2;

    /* Load once, at start-up: a registry is shared by every thread. */
    if (cbec_registry_new(&reg) != CBEC_OK || cbec_validator_new(&v) != CBEC_OK) {
        fprintf(stderr, "out of memory\n");
        goto out;
    }
    int st = cbec_registry_load_path(reg, packs, NULL, &err);
    if (st != CBEC_OK) {
        /* the error names the file, line, column and JSON Pointer */
        fprintf(stderr, "%s\n", err ? cbec_error_message(err) : cbec_strerror(st));
        goto out;
    }

    size_t len;
    char *data = read_file(file, &len);
    if (!data) {
        perror(file);
        goto out;
    }
    /* NULL message type: the packs tell it from the message. */
    st = cbec_validate(v, reg, NULL, CBEC_FORMAT_AUTO, data, len, &rep);
    free(data);
    if (st != CBEC_OK) {
        fprintf(stderr, "%s: %s\n", file, cbec_strerror(st));
        goto out;
    }

    for (size_t i = 0; i < cbec_report_count(rep); i++) {
        /* strings are borrowed from the report; the message buffer is
         * reused by the next cbec_finding_message call */
        const char *msg = cbec_finding_message(rep, i, lang);
        printf("%s:%lu:%lu: %s [%s] %s: %s (%s%s%s)\n", file, cbec_finding_line(rep, i),
               cbec_finding_column(rep, i), cbec_severity_name(cbec_finding_severity(rep, i)),
               cbec_finding_rule(rep, i), cbec_finding_path(rep, i), msg ? msg : "(out of memory)",
               cbec_finding_pack(rep, i), *cbec_finding_ref(rep, i) ? "; " : "",
               cbec_finding_ref(rep, i));
    }
    int valid = cbec_report_valid(rep);
    printf("%s: %s: %s\n", file, *cbec_report_message_type(rep) ? cbec_report_message_type(rep) : "?",
           valid ? "valid" : "INVALID");
    rc = valid ? 0 : 1;

out:
    cbec_report_free(rep); /* every free function accepts NULL */
    cbec_error_free(err);
    cbec_validator_free(v);
    cbec_registry_free(reg);
    return rc;
}
