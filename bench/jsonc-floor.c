/* jsonc-floor.c - the floor of any json-c based validator: read NDJSON and
 * parse each line with one reused tokener, nothing else. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (!f)
        return 2;
    struct json_tokener *tok = json_tokener_new_ex(256);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long count = 0, bad = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        json_tokener_reset(tok);
        json_object *o = json_tokener_parse_ex(tok, line, (int)n);
        if (!o)
            bad++;
        json_object_put(o);
        count++;
    }
    printf("%lu messages, %lu unparsed\n", count, bad);
    free(line);
    json_tokener_free(tok);
    return 0;
}
