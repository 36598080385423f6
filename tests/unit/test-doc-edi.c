/* test-doc-edi.c - the EDIFACT and X12 readers: separators, release
 * characters, repertoires, envelopes and their counts and references,
 * positions, several interchanges, truncated and hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/edi.h"
#include "test-run.h"

static cbec_edi_reader *rd;
static cbec_arena arena;
static cbec_read_limits lim = {1 << 20, 256, 100000};

static void setup(void)
{
    rd = cbec__edi_reader_new();
    ck_assert_ptr_nonnull(rd);
    cbec__arena_init(&arena);
}

static void teardown(void)
{
    cbec__edi_reader_free(rd);
    cbec__arena_free(&arena);
}

static const cbec_edi_info *edifact(const char *s, size_t n, cbec_doc *doc)
{
    cbec_read_error e;
    bool oom = false;
    bool ok = cbec__edifact_read(rd, s, n, &lim, &arena, doc, &e, &oom);
    ck_assert_msg(ok, "read failed: %s", ok ? "" : e.message_en);
    ck_assert(!oom);
    return cbec__edi_info(doc);
}

static const cbec_edi_info *x12(const char *s, cbec_doc *doc)
{
    cbec_read_error e;
    bool oom = false;
    bool ok = cbec__x12_read(rd, s, strlen(s), &lim, &arena, doc, &e, &oom);
    ck_assert_msg(ok, "read failed: %s", ok ? "" : e.message_en);
    ck_assert(!oom);
    return cbec__edi_info(doc);
}

/* How many issues of a problem, and the first one's span. */
static size_t issues(const cbec_edi_info *in, int problem, cbec_span *first)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nissues; i++)
        if (in->issues[i].problem == problem) {
            if (!n && first)
                *first = in->issues[i].span;
            n++;
        }
    return n;
}

static void dump_issues(const cbec_edi_info *in)
{
    for (size_t i = 0; i < in->nissues; i++)
        fprintf(stderr, "# issue %s at %u/%u: %s\n", cbec__edi_problem(in->issues[i].problem)->rule,
                in->issues[i].span.segment, in->issues[i].span.element, in->issues[i].en);
}

static bool text_is(const cbec_node *n, const char *s)
{
    return n && n->kind == CBEC_NODE_STRING && n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

static const char ORDERS[] =
    "UNA:+.? '"
    "UNB+UNOA:3+SENDER:14+RECIPIENT:14+260301:1030+REF001'\r\n"
    "UNH+M1+ORDERS:D:96A:UN'\r\n"
    "BGM+220+PO?+001+9'\r\n"
    "DTM+137:20260301:102'\r\n"
    "NAD+BY+++SHOP ?:CN'\r\n"
    "UNT+5+M1'\r\n"
    "UNZ+1+REF001'\r\n";

START_TEST(test_edifact_sound_interchange_has_no_issues)
{
    cbec_doc doc;
    const cbec_edi_info *in = edifact(ORDERS, sizeof ORDERS - 1, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert_uint_eq(in->ninterchanges, 1);
    ck_assert_uint_eq(in->nmessages, 1);
    ck_assert_str_eq(in->messages[0].type, "ORDERS");
    ck_assert_str_eq(in->messages[0].version, "D:96A");
    ck_assert_str_eq(in->messages[0].ref, "M1");
    ck_assert_str_eq(in->interchanges[0].control, "REF001");
    ck_assert_str_eq(in->interchanges[0].syntax_id, "UNOA");
    ck_assert_uint_eq(in->interchanges[0].syntax_version, 3);
    ck_assert_uint_eq(in->nsegments, 7);
}
END_TEST

START_TEST(test_edifact_release_character_and_positions)
{
    cbec_doc doc;
    const cbec_edi_info *in = edifact(ORDERS, sizeof ORDERS - 1, &doc);
    const cbec_node *bgm = in->segments[2];
    ck_assert(text_is(&bgm->children[0], "BGM"));
    /* the released '+' is data; the release character is gone */
    const cbec_node *num = cbec__edi_element(bgm, 2);
    ck_assert(text_is(num, "PO+001"));
    ck_assert_uint_eq(num->span.segment, 3);
    ck_assert_uint_eq(num->span.element, 2);
    ck_assert_uint_eq(num->span.line, 3);
    ck_assert_uint_eq(num->span.column, 9);
    /* a released ':' inside a component */
    const cbec_node *nad = in->segments[4];
    ck_assert(text_is(cbec__edi_element(nad, 4), "SHOP :CN"));
    /* composites and their component positions */
    const cbec_node *dtm = cbec__edi_element(in->segments[3], 1);
    ck_assert(dtm->flags & CBEC_NODEF_EDI_COMPOSITE);
    const cbec_node *fmt = cbec__edi_component(dtm, 3);
    ck_assert(text_is(fmt, "102"));
    ck_assert_uint_eq(fmt->span.component, 3);
    /* a simple element is its own first component */
    ck_assert_ptr_eq(cbec__edi_component(num, 1), num);
    ck_assert_ptr_null(cbec__edi_component(num, 2));
}
END_TEST

START_TEST(test_edifact_counts_and_references_cross_checked)
{
    static const char s[] = "UNB+UNOA:3+S+R+260301:1030+REF1'"
                            "UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+9+2'"
                            "UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+3+1'"
                            "UNZ+5+REF2'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    cbec_span sp;
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_COUNT, &sp), 2);
    ck_assert_uint_eq(sp.segment, 4); /* the first UNT */
    ck_assert_uint_eq(sp.element, 1);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_CONTROL_REF, &sp), 2);
    ck_assert_uint_eq(sp.segment, 4);
    ck_assert_uint_eq(sp.element, 2);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_DUPLICATE, NULL), 1);
    ck_assert_uint_eq(in->messages[0].envelope_problem, CBEC_EDI_P_COUNT);
}
END_TEST

START_TEST(test_edifact_unoa_rejects_lower_case_and_unoc_converts)
{
    static const char a[] = "UNB+UNOA:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'FTX+AAI+++Hello'UNT+3+1'UNZ+1+1'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(a, sizeof a - 1, &doc);
    cbec_span sp;
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_CHARSET, &sp), 1);
    ck_assert_uint_eq(sp.segment, 3);
    ck_assert_uint_eq(sp.element, 4);
    ck_assert_uint_eq(sp.offset, (uint32_t)(strstr(a, "ello") - a));

    /* UNOC: ISO 8859-1 bytes become UTF-8; a C1 control is outside it */
    static const char c[] = "UNB+UNOC:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'FTX+AAI+++M\xFCller'UNT+3+1'UNZ+1+1'";
    in = edifact(c, sizeof c - 1, &doc);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert(text_is(cbec__edi_element(in->segments[2], 4), "M\xC3\xBCller"));
    static const char u[] = "UNB+UNOC:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'FTX+AAI+++\xC3\x8Bx'UNT+3+1'UNZ+1+1'";
    in = edifact(u, sizeof u - 1, &doc);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_CHARSET, NULL), 1);

    /* UNOD is ISO 8859-2: 0xA3 is L with stroke */
    static const char d[] = "UNB+UNOD:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'FTX+AAI+++\xA3odz'UNT+3+1'UNZ+1+1'";
    in = edifact(d, sizeof d - 1, &doc);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert(text_is(cbec__edi_element(in->segments[2], 4), "\xC5\x81odz"));

    /* UNOY is UTF-8; broken UTF-8 is outside it */
    static const char y[] = "UNB+UNOY:4+S+R+20260301:1030+1'UNH+1+X:D:96A:UN'FTX+AAI+++\xE4\xB8\xAD\xFF'UNT+3+1'UNZ+1+1'";
    in = edifact(y, sizeof y - 1, &doc);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_CHARSET, &sp), 1);
    ck_assert_uint_eq(sp.offset, (uint32_t)(strchr(y, '\xFF') - y));
}
END_TEST

START_TEST(test_edifact_syntax_4_repetitions)
{
    static const char s[] = "UNB+UNOA:4+S+R+20260301:1030+1'UNH+1+X:D:96A:UN'RFF+A:1*B:2'UNT+3+1'UNZ+1+1'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert_int_eq(in->interchanges[0].repetition_sep, '*');
    const cbec_node *el = cbec__edi_element(in->segments[2], 1);
    ck_assert(el->flags & CBEC_NODEF_EDI_REPEAT);
    ck_assert_uint_eq(el->count, 2);
    ck_assert(text_is(cbec__edi_component(&el->children[1], 2), "2"));
}
END_TEST

START_TEST(test_edifact_missing_trailers_and_truncation)
{
    static const char s[] = "UNB+UNOA:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'BGM+1'UNH+2+X:D:96A:UN'BGM+2";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_ENVELOPE_MISSING, NULL), 1); /* UNT before the 2nd UNH */
    ck_assert_uint_ge(issues(in, CBEC_EDI_P_TRUNCATED, NULL), 3);        /* segment, UNT, UNZ */
    ck_assert_uint_eq(in->nmessages, 2);
    ck_assert_uint_eq(in->messages[1].last, 5);
}
END_TEST

START_TEST(test_edifact_groups_and_mixing)
{
    static const char s[] = "UNB+UNOA:3+S+R+260301:1030+1'"
                            "UNG+ORDERS+AS+AR+260301:1030+G1+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+1+G1'"
                            "UNH+2+ORDERS:D:96A:UN'UNT+2+2'"
                            "UNZ+1+1'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    ck_assert_uint_eq(in->ngroups, 1);
    ck_assert_uint_eq(in->groups[0].nmessages, 1);
    ck_assert_uint_eq(in->messages[0].group, 1);
    ck_assert_uint_eq(in->messages[1].group, 0);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_MIXED, NULL), 1);
}
END_TEST

START_TEST(test_edifact_several_interchanges_and_una_each)
{
    static const char s[] = "UNB+UNOA:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'UNT+2+1'UNZ+1+1'\n"
                            "UNA=*.? ~UNB*UNOA=3*S*R*260301=1030*2~UNH*1*X=D=96A=UN~UNT*2*1~UNZ*1*2~";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert_uint_eq(in->ninterchanges, 2);
    ck_assert_int_eq(in->interchanges[1].element_sep, '*');
    ck_assert_str_eq(in->interchanges[1].control, "2");
    ck_assert_uint_eq(in->interchanges[1].first_message, 1);
}
END_TEST

START_TEST(test_edifact_header_values_checked)
{
    static const char s[] = "UNB+XXXX:9+S+R+261301:2570+123456789012345'UNH+1+X:D:96A:UN'UNT+2+1'UNZ+1+123456789012345'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_SYNTAX_ID, NULL), 2); /* identifier and version */
    ck_assert_uint_ge(issues(in, CBEC_EDI_P_HEADER_VALUE, NULL), 3); /* date, time, reference */
}
END_TEST

START_TEST(test_edifact_wrapped_lines_are_folding)
{
    static const char s[] = "UNB+UN\r\nOA:3+S+R+260301:1030+1'UNH+1+X:D:9\n6A:UN'UNT+2+1'UNZ+1+1'";
    cbec_doc doc;
    const cbec_edi_info *in = edifact(s, sizeof s - 1, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert_str_eq(in->interchanges[0].syntax_id, "UNOA");
    ck_assert_str_eq(in->messages[0].version, "D:96A");
}
END_TEST

START_TEST(test_edifact_hostile_input_is_bounded)
{
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    /* not EDIFACT at all, a cut UNA, equal separators */
    ck_assert(!cbec__edifact_read(rd, "HELLO", 5, &lim, &arena, &doc, &e, &oom));
    ck_assert(!cbec__edifact_read(rd, "UNA:+", 5, &lim, &arena, &doc, &e, &oom));
    ck_assert(!cbec__edifact_read(rd, "UNA::.? 'UNB", 12, &lim, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-EDI-SEPARATORS");
    ck_assert(!cbec__edifact_read(rd, "", 0, &lim, &arena, &doc, &e, &oom));
    /* a release character as the very last byte */
    ck_assert(cbec__edifact_read(rd, "UNB+UNOA:3+S?", 13, &lim, &arena, &doc, &e, &oom));
    /* the node limit */
    size_t n = 100000;
    char *big = malloc(n);
    ck_assert_ptr_nonnull(big);
    memcpy(big, "UNB+UNOA:3+S+R+260301:1030+1'UNH+1+X:D:96A:UN'FTX", 49);
    memset(big + 49, '+', n - 49);
    cbec_read_limits small = {1 << 20, 256, 1000};
    ck_assert(!cbec__edifact_read(rd, big, n, &small, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-NODES");
    cbec_read_limits tiny = {100, 256, 1000};
    ck_assert(!cbec__edifact_read(rd, big, n, &tiny, &arena, &doc, &e, &oom));
    ck_assert_str_eq(e.rule, "CBEC-LIMIT-SIZE");
    free(big);
    /* every prefix of a sound interchange reads without crashing */
    for (size_t k = 1; k < sizeof ORDERS - 1; k++) {
        char *p = malloc(k);
        memcpy(p, ORDERS, k);
        cbec__edifact_read(rd, p, k, &lim, &arena, &doc, &e, &oom);
        free(p);
        cbec__arena_reset(&arena);
    }
}
END_TEST

/* ---- X12 ---- */

static const char X850[] =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*1030*^*00501*000000042*0*T*>~\n"
    "GS*PO*SENDER*RECEIVER*20260301*1030*42*X*005010~\n"
    "ST*850*0001~\n"
    "BEG*00*SA*PO1**20260301~\n"
    "REF*DP*A^B~\n"
    "PO1*1*2*EA*9.5**IN*X>Y~\n"
    "SE*5*0001~\n"
    "GE*1*42~\n"
    "IEA*1*000000042~\n";

START_TEST(test_x12_sound_interchange_has_no_issues)
{
    cbec_doc doc;
    const cbec_edi_info *in = x12(X850, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->nissues, 0);
    const cbec_edi_interchange_info *ic = &in->interchanges[0];
    ck_assert_int_eq(ic->element_sep, '*');
    ck_assert_int_eq(ic->component_sep, '>');
    ck_assert_int_eq(ic->segment_term, '~');
    ck_assert_int_eq(ic->repetition_sep, '^');
    ck_assert_str_eq(ic->control, "000000042");
    ck_assert_str_eq(ic->sender, "SENDER         ");
    ck_assert_uint_eq(in->nmessages, 1);
    ck_assert_str_eq(in->messages[0].type, "850");
    ck_assert_str_eq(in->messages[0].version, "005010");
    const cbec_node *ref = in->segments[4];
    const cbec_node *rep = cbec__edi_element(ref, 2);
    ck_assert(rep->flags & CBEC_NODEF_EDI_REPEAT);
    const cbec_node *po1 = in->segments[5];
    ck_assert(text_is(cbec__edi_component(cbec__edi_element(po1, 7), 2), "Y"));
    ck_assert_uint_eq(po1->span.line, 6);
}
END_TEST

START_TEST(test_x12_isa_widths_counts_and_control_numbers)
{
    static const char s[] = "ISA*00*        *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*1030*U*00401*000000001*0*P*:~"
                            "GS*PO*S*R*20260301*1030*7*X*004010~"
                            "ST*850*0001~BEG*00*SA*1**20260301~SE*9*0002~"
                            "ST*850*0001~SE*2*0001~"
                            "GE*3*8~IEA*2*000000009~";
    cbec_doc doc;
    const cbec_edi_info *in = x12(s, &doc);
    cbec_span sp;
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_HEADER_VALUE, &sp), 1);
    ck_assert_uint_eq(sp.element, 2); /* ISA02 is 8 characters */
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_COUNT, NULL), 3);       /* SE01, GE01, IEA01 */
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_CONTROL_REF, NULL), 3); /* SE02, GE02, IEA02 */
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_DUPLICATE, NULL), 1);   /* ST02 twice */
}
END_TEST

START_TEST(test_x12_separators_from_isa_and_line_breaks)
{
    /* terminator CR with LF after it; '!' element separator */
    static const char s[] = "ISA!00!          !00!          !ZZ!SENDER         !ZZ!RECEIVER       !260301!1030!U!00401!000000001!0!P!:\r\n"
                            "GS!PO!S!R!20260301!1030!1!X!004010\r\n"
                            "ST!850!0001\r\nSE!2!0001\r\nGE!1!1\r\nIEA!1!000000001\r\n";
    cbec_doc doc;
    const cbec_edi_info *in = x12(s, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->nissues, 0);
    ck_assert_int_eq(in->interchanges[0].segment_term, '\r');
    ck_assert_uint_eq(in->nsegments, 6);
}
END_TEST

START_TEST(test_x12_multibyte_separators_of_converted_files)
{
    static const char s[] = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*1030*U*00401*000000001*0*P*>\xE2\x80\xA6"
                            "GS*PO*S*R*20260301*1030*1*X*004010\xE2\x80\xA6ST*850*0001\xE2\x80\xA6SE*2*0001\xE2\x80\xA6"
                            "GE*1*1\xE2\x80\xA6IEA*1*000000001\xE2\x80\xA6";
    cbec_doc doc;
    const cbec_edi_info *in = x12(s, &doc);
    ck_assert_uint_eq(issues(in, CBEC_EDI_P_SEPARATORS, NULL), 1);
    ck_assert_uint_eq(in->nissues, 1);
    ck_assert_uint_eq(in->nmessages, 1);
    ck_assert_int_eq(in->interchanges[0].segment_term, '~'); /* what an acknowledgement uses */
}
END_TEST

START_TEST(test_x12_mailbag_and_trailing_terminator)
{
    static const char s[] = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260301*1030*U*00401*000000001*0*P*:~"
                            "GS*PO*A*B*20260301*1030*1*X*004010~ST*850*0001~SE*2*0001~GE*1*1~IEA*1*000000001~"
                            "ISA|00|          |00|          |ZZ|A              |ZZ|B              |260301|1030|U|00401|000000002|0|P|:\n"
                            "GS|PO|A|B|20260301|1030|2|X|004010\nST|850|0001\nSE|2|0001\nGE|1|2\nIEA|1|000000002";
    cbec_doc doc;
    const cbec_edi_info *in = x12(s, &doc);
    dump_issues(in);
    ck_assert_uint_eq(in->ninterchanges, 2);
    ck_assert_uint_eq(in->nmessages, 2);
    ck_assert_int_eq(in->interchanges[1].element_sep, '|');
    /* only the final terminator is missing: a warning */
    ck_assert_uint_eq(in->nissues, 1);
    ck_assert_int_eq(in->issues[0].severity, CBEC_SEVERITY_WARNING);
}
END_TEST

START_TEST(test_x12_hostile_input_is_bounded)
{
    cbec_doc doc;
    cbec_read_error e;
    bool oom;
    ck_assert(!cbec__x12_read(rd, "ISA", 3, &lim, &arena, &doc, &e, &oom));
    ck_assert(!cbec__x12_read(rd, "ISA*00*00", 9, &lim, &arena, &doc, &e, &oom));
    ck_assert(!cbec__x12_read(rd, "ST*850*1~", 9, &lim, &arena, &doc, &e, &oom));
    for (size_t k = 1; k < sizeof X850 - 1; k++) {
        char *p = malloc(k);
        memcpy(p, X850, k);
        cbec__x12_read(rd, p, k, &lim, &arena, &doc, &e, &oom);
        free(p);
        cbec__arena_reset(&arena);
    }
}
END_TEST

START_TEST(test_summary_copies_the_envelopes)
{
    cbec_doc doc;
    const cbec_edi_info *in = x12(X850, &doc);
    cbec_edi_summary *s = cbec__edi_summary_new(in);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->ninterchanges, 1);
    ck_assert_str_eq(s->interchanges[0].control, "000000042");
    ck_assert_str_eq(s->groups[0].ref, "42");
    ck_assert_str_eq(s->messages[0].ref, "0001");
    ck_assert_int_eq(cbec__edi_message_of(in, 4), 0);
    ck_assert_int_eq(cbec__edi_message_of(in, 1), -1);
    ck_assert_str_eq(cbec__edi_segment_tag(in, 4), "BEG");
    cbec__edi_summary_free(s);
    ck_assert_int_eq(cbec__edi_problem_by_rule("CBEC-EDI-COUNT"), CBEC_EDI_P_COUNT);
    ck_assert_int_eq(cbec__edi_problem_by_rule("ORD-001"), CBEC_EDI_P_NONE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("doc-edi");
    TCase *tc = tcase_create("readers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_edifact_sound_interchange_has_no_issues);
    tcase_add_test(tc, test_edifact_release_character_and_positions);
    tcase_add_test(tc, test_edifact_counts_and_references_cross_checked);
    tcase_add_test(tc, test_edifact_unoa_rejects_lower_case_and_unoc_converts);
    tcase_add_test(tc, test_edifact_syntax_4_repetitions);
    tcase_add_test(tc, test_edifact_missing_trailers_and_truncation);
    tcase_add_test(tc, test_edifact_groups_and_mixing);
    tcase_add_test(tc, test_edifact_several_interchanges_and_una_each);
    tcase_add_test(tc, test_edifact_header_values_checked);
    tcase_add_test(tc, test_edifact_wrapped_lines_are_folding);
    tcase_add_test(tc, test_edifact_hostile_input_is_bounded);
    tcase_add_test(tc, test_x12_sound_interchange_has_no_issues);
    tcase_add_test(tc, test_x12_isa_widths_counts_and_control_numbers);
    tcase_add_test(tc, test_x12_separators_from_isa_and_line_breaks);
    tcase_add_test(tc, test_x12_multibyte_separators_of_converted_files);
    tcase_add_test(tc, test_x12_mailbag_and_trailing_terminator);
    tcase_add_test(tc, test_x12_hostile_input_is_bounded);
    tcase_add_test(tc, test_summary_copies_the_envelopes);
    suite_add_tcase(s, tc);
    return test_run(s);
}
