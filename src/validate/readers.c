/* readers.c - the table of wire-format readers the validator dispatches on.
 * Each entry adapts one reader of src/doc to the validator. */
#include "validate/validate.h"
#include "doc/xml.h"
#include "validate/edi-report.h"

/* ---- JSON (own one-pass reader, src/doc/json-message.c) ---- */

static void *json_new(cbec_validator *v) { return cbec__json_reader_new(v->json_depth); }
static void json_free(void *s) { cbec__json_reader_free(s); }

static bool json_read(void *s, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                      cbec_read_error *e, bool *oom)
{
    return cbec__json_read_message(s, src, len, &v->limits, &v->arena, doc, e, oom);
}

static void json_release(void *s, cbec_doc *doc) { cbec__json_release(s, doc); }

/* ---- XML (libxml2) ---- */

static void *xml_new(cbec_validator *v)
{
    (void)v;
    return cbec__xml_reader_new();
}
static void xml_free(void *s) { cbec__xml_reader_free(s); }

static bool xml_read(void *s, cbec_validator *v, const char *src, size_t len, cbec_doc *doc,
                     cbec_read_error *e, bool *oom)
{
    return cbec__xml_read(s, src, len, &v->limits, &v->arena, doc, e, oom);
}

static void xml_release(void *s, cbec_doc *doc) { cbec__xml_release(s, doc); }

static const cbec_reader_kind readers[] = {
    {CBEC_FORMAT_JSON, "JSON", json_new, json_free, json_read, json_release, cbec__json_message_positions},
    {CBEC_FORMAT_XML, "XML", xml_new, xml_free, xml_read, xml_release, cbec__xml_positions},
    /* EDI (own readers, src/doc/edifact.c and x12.c; glue in edi-report.c) */
    {CBEC_FORMAT_EDIFACT, "EDIFACT", cbec__edi_state_new, cbec__edi_state_free, cbec__edi_read_edifact, NULL,
     NULL, cbec__edi_finish, cbec__edi_untyped},
    {CBEC_FORMAT_X12, "X12", cbec__edi_state_new, cbec__edi_state_free, cbec__edi_read_x12, NULL, NULL,
     cbec__edi_finish, cbec__edi_untyped},
};

const cbec_reader_kind *cbec__reader_kind(int format)
{
    for (size_t i = 0; i < CBEC_ARRAY_LEN(readers); i++)
        if (readers[i].format == format)
            return &readers[i];
    return NULL;
}
