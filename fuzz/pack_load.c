/* pack_load.c - fuzz target: rule packs from memory through the loader, the
 * compiler, the registry's linker, and one validation per message type; and
 * for lazy loading (CBEC_OPT_LAZY_LOAD), the head and the slices of every
 * pack that loads: they must load too, with the same metadata, types and
 * rules. */
#include "fuzz-common.h"
#include "pack/pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Packs are authored, not streamed: a smaller cap keeps the engine fast. */
#define PACK_MAX_INPUT (64u * 1024u)

static const char probe[] =
    "{\"messageType\":\"order\",\"orderNo\":\"A-1\",\"currency\":\"CNY\",\"n\":12.50,"
    "\"items\":[{\"qty\":\"2\",\"name\":{\"zh\":\"茶\",\"en\":\"tea\"}},{\"qty\":0}],"
    "\"buyer\":{\"idNumber\":\"110105199003071239\",\"phone\":\"+8613812345678\"},\"flag\":true,\"none\":null}";

/* The head of a pack that loads must load, with its label and message
 * types; a slice of each type (in JSON) must load with that type's rules. */
static void lazy_agrees(const cbec_pack *whole, const char *data, size_t size, const cbec_options *opts)
{
    cbec_pack *head = NULL;
    if (cbec__pack_head_buffer(data, size, "fuzz.pack.json", opts, &head) != CBEC_OK)
        fuzz_fail("the head of a pack that loads does not load");
    if (strcmp(head->label, whole->label) != 0 || head->ntypes != whole->ntypes || head->nrules != 0)
        fuzz_fail("a head differs from its pack");
    cbec_pack_free(head);
    cbec_options *o = cbec__options_copy(opts);
    if (!o)
        fuzz_fail("options");
    o->no_digest = true;
    for (size_t t = 0; t < whole->ntypes && t < 8; t++) {
        o->slice_type = whole->types[t]->name;
        o->slice_format = CBEC_FORMAT_JSON;
        cbec_pack *slice = NULL;
        if (cbec_pack_load_buffer(&slice, data, size, "fuzz.pack.json", NULL, o, NULL) != CBEC_OK)
            fuzz_fail("a slice of a pack that loads does not load");
        if (slice->ntypes != 1 || strcmp(slice->types[0]->name, whole->types[t]->name) != 0 ||
            slice->types[0]->nrules != whole->types[t]->nrules)
            fuzz_fail("a slice differs from its type");
        cbec_pack_free(slice);
    }
    o->slice_type = NULL;
    cbec_options_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > PACK_MAX_INPUT)
        return 0;
    static cbec_options *opts;
    if (!opts) {
        /* iso-codes imports look in a directory that does not exist: the
         * harness stays hermetic and fast (the tables are trusted system
         * data, exercised by the unit tests) */
        if (cbec_options_new(&opts) != CBEC_OK ||
            cbec_options_set_string(opts, CBEC_OPT_ISO_CODES_DIR, "/nonexistent/cbecstd-fuzz") != CBEC_OK)
            fuzz_fail("options");
    }
    cbec_pack *p = NULL;
    cbec_error *err = NULL;
    /* no base directory: a fuzzed pack can never make the loader read a file */
    int st = cbec_pack_load_buffer(&p, (const char *)data, size, "fuzz.pack.json", NULL, opts, &err);
    if (st != CBEC_OK) {
        if (p)
            fuzz_fail("pack returned on failure");
        if (err) {
            if (cbec_error_status(err) != st)
                fuzz_fail("error status differs from the return");
            if (!cbec_error_message(err) || !cbec_error_file(err) || !cbec_error_path(err))
                fuzz_fail("error accessors");
            fuzz_check_text(cbec_error_message(err), strlen(cbec_error_message(err)));
        }
        cbec_error_free(err);
        return 0;
    }
    lazy_agrees(p, (const char *)data, size, opts);
    /* accessors over everything the pack holds */
    (void)cbec_pack_digest(p);
    (void)cbec_pack_title(p, "zh-CN");
    for (size_t i = 0; i < cbec_pack_ref_count(p); i++)
        (void)cbec_pack_ref_id(p, i);
    for (size_t i = 0; i < cbec_pack_base_count(p); i++)
        (void)cbec_pack_base_range(p, i);
    cbec_registry *reg = NULL;
    if (cbec_registry_new(&reg) != CBEC_OK)
        fuzz_fail("registry");
    st = cbec_registry_add(reg, p, &err);
    cbec_error_free(err);
    err = NULL;
    if (st == CBEC_OK) {
        cbec_validator *v = fuzz_validator();
        cbec_validator_set_option(v, CBEC_VOPT_ALLOW_INACTIVE, "1");
        for (size_t t = 0; t < cbec_pack_message_type_count(p) && t < 8; t++) {
            const char *type = cbec_pack_message_type(p, t);
            for (size_t i = 0; i < cbec_pack_rule_count(p, type); i++)
                if (!cbec_pack_rule_id(p, type, i) || !cbec_pack_rule_definition(p, type, i))
                    fuzz_fail("rule accessors");
            cbec_report *rep = NULL;
            st = cbec_validate(v, reg, type, CBEC_FORMAT_JSON, probe, sizeof probe - 1, &rep);
            if (st != CBEC_OK && st != CBEC_ENOMEM)
                fuzz_fail("validation against a loaded pack failed");
            if (rep)
                fuzz_exercise_report(rep, "en");
            cbec_report_free(rep);
        }
        cbec_validator_set_option(v, CBEC_VOPT_ALLOW_INACTIVE, NULL);
    }
    cbec_registry_free(reg);
    cbec_pack_free(p);
    return 0;
}
