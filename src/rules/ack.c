/* ack.c - functional acknowledgements: X12 997 (functional acknowledgment),
 * X12 999 (implementation acknowledgment, 005010X231) and UN/EDIFACT CONTRL
 * (syntax and service report), made from the envelopes of the received
 * interchanges and the positions of the findings.  One acknowledgement
 * interchange answers each interchange received; sender and recipient are
 * swapped; every group and message is accepted or rejected with the
 * segment, element and component of its errors. */
#include "rules/ack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACK_997 1
#define ACK_999 2
#define ACK_CONTRL 3
#define MAX_AK4 99        /* data element notes per segment note (997/999 syntax) */
#define MAX_VALUE_COPY 99 /* AK404 / IK404 */

/* Where each finding lands. */
typedef enum { AT_NONE, AT_INTERCHANGE, AT_GROUP, AT_MESSAGE } at_level;

typedef struct placed {
    const cbec_ack_item *it;
    at_level level;
    long index;        /* interchange, group or message index */
    uint32_t pos;      /* segment position in the message (header = 1) */
    bool envelope;     /* about the message's own header/trailer */
} placed;

/* Per message and group: the verdict. */
typedef struct verdict {
    bool error, warning;
    int code;          /* first envelope code (X12 718/716, EDIFACT 0085), 0 none */
    const cbec_ack_item *code_item;
} verdict;

typedef struct ack {
    const cbec_edi_summary *s;
    int format;
    placed *items;
    size_t n;
    verdict *msg, *grp, *ic;
    bool global_error;           /* an error with no place: nothing is accepted */
    cbec_buf *out;
    char es, cs, rs, st, rel;    /* separators of the interchange being written */
    char date8[9], time4[5];
    unsigned long long control;  /* control number of the next interchange */
    size_t segcount;             /* segments since ST / UNH */
} ack;

static bool envelope_problem(int p)
{
    return p == CBEC_EDI_P_COUNT || p == CBEC_EDI_P_CONTROL_REF || p == CBEC_EDI_P_TRUNCATED ||
           p == CBEC_EDI_P_ENVELOPE_MISSING || p == CBEC_EDI_P_DUPLICATE || p == CBEC_EDI_P_HEADER_VALUE ||
           p == CBEC_EDI_P_MIXED || p == CBEC_EDI_P_EMPTY || p == CBEC_EDI_P_SYNTAX_ID ||
           p == CBEC_EDI_P_SEPARATORS || p == CBEC_EDI_P_ENVELOPE_OUTSIDE;
}

/* ---- placing the findings ---- */

static long message_at(const cbec_edi_summary *s, uint32_t ord)
{
    size_t lo = 0, hi = s->nmessages;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cbec_edi_summary_message *m = &s->messages[mid];
        if (ord < m->header)
            hi = mid;
        else if (ord > m->last)
            lo = mid + 1;
        else
            return (long)mid;
    }
    return -1;
}

/* The interchange an ordinal belongs to: the last one that starts at or
 * before it (an interchange without header starts at ordinal 1). */
static long interchange_at(const cbec_edi_summary *s, uint32_t ord)
{
    long found = s->ninterchanges ? 0 : -1;
    for (size_t i = 0; i < s->ninterchanges; i++) {
        const cbec_edi_summary_interchange *x = &s->interchanges[i];
        uint32_t start = x->header;
        if (!start && x->nmessages)
            start = s->messages[x->first_message].header;
        if (start && start <= ord)
            found = (long)i;
    }
    return found;
}

static void mark(verdict *v, const cbec_ack_item *it, int code)
{
    if (it->severity == CBEC_SEVERITY_ERROR)
        v->error = true;
    else if (it->severity == CBEC_SEVERITY_WARNING)
        v->warning = true;
    if (code && !v->code && it->severity >= CBEC_SEVERITY_WARNING) {
        v->code = code;
        v->code_item = it;
    }
}

static bool place_items(ack *a, const cbec_ack_item *items, size_t n)
{
    const cbec_edi_summary *s = a->s;
    a->items = n ? calloc(n, sizeof *a->items) : NULL;
    a->msg = calloc(s->nmessages + 1, sizeof *a->msg);
    a->grp = calloc(s->ngroups + 1, sizeof *a->grp);
    a->ic = calloc(s->ninterchanges + 1, sizeof *a->ic);
    if ((n && !a->items) || !a->msg || !a->grp || !a->ic)
        return false;
    bool x12 = a->format != ACK_CONTRL;
    for (size_t i = 0; i < n; i++) {
        const cbec_ack_item *it = &items[i];
        if (it->severity < CBEC_SEVERITY_WARNING)
            continue;
        const cbec_edi_problem_info *pi = cbec__edi_problem(it->problem);
        placed *p = &a->items[a->n++];
        p->it = it;
        p->level = AT_NONE;
        uint32_t ord = it->segment;
        long m = ord ? message_at(s, ord) : -1;
        if (m >= 0) {
            const cbec_edi_summary_message *sm = &s->messages[m];
            p->level = AT_MESSAGE;
            p->index = m;
            p->pos = ord - sm->header + 1;
            p->envelope = envelope_problem(it->problem) && (ord == sm->header || ord == sm->trailer);
            int code = 0;
            if (p->envelope && pi)
                code = x12 ? pi->x12_set : pi->edifact;
            mark(&a->msg[m], it, code);
            continue;
        }
        for (size_t g = 0; ord && g < s->ngroups; g++)
            if (ord == s->groups[g].header || ord == s->groups[g].trailer) {
                p->level = AT_GROUP;
                p->index = (long)g;
                int code = pi ? (x12 ? pi->x12_group : pi->edifact) : 0;
                if (x12 && it->problem == CBEC_EDI_P_HEADER_VALUE && ord == s->groups[g].header && it->element == 6)
                    code = 6; /* group control number violates syntax */
                mark(&a->grp[g], it, code);
                break;
            }
        if (p->level != AT_NONE)
            continue;
        long ic = ord || pi ? interchange_at(s, ord ? ord : UINT32_MAX) : -1;
        if (ic >= 0 && (pi || ord)) {
            p->level = AT_INTERCHANGE;
            p->index = ic;
            mark(&a->ic[ic], it, pi ? pi->edifact : 12);
            continue;
        }
        if (it->severity == CBEC_SEVERITY_ERROR)
            a->global_error = true;
    }
    return true;
}

/* Message verdicts seen from above: a group or interchange in error
 * rejects everything below it. */
static bool message_rejected(const ack *a, size_t m)
{
    const cbec_edi_summary_message *sm = &a->s->messages[m];
    if (a->global_error || a->msg[m].error || sm->envelope_problem)
        return true;
    if (sm->group && a->grp[sm->group - 1].error)
        return true;
    return a->ic[sm->interchange].error;
}

/* ---- writing ---- */

static void seg_end(ack *a)
{
    cbec__buf_addc(a->out, a->st);
    if (a->st != '\n' && a->st != '\r')
        cbec__buf_addc(a->out, '\n');
    a->segcount++;
}

/* A value as data: X12 has no release character, so separators in it are
 * replaced by spaces; EDIFACT escapes them. */
static void put_value(ack *a, const char *v, size_t max)
{
    if (!v)
        return;
    size_t n = strlen(v);
    if (max && n > max)
        n = max;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '\r' || c == '\n')
            c = ' ';
        bool special = c == a->es || c == a->cs || c == a->st || (a->rs && c == a->rs) || (a->rel && c == a->rel);
        if (special && a->format == ACK_CONTRL && a->rel) {
            cbec__buf_addc(a->out, a->rel);
        } else if (special) {
            c = ' ';
        }
        cbec__buf_addc(a->out, c);
    }
}

/* An EDIFACT party: its identification, then ":qualifier" when it has one. */
static void put_party(ack *a, const char *id, const char *qual)
{
    put_value(a, id, 35);
    if (*qual) {
        cbec__buf_addc(a->out, a->cs);
        put_value(a, qual, 4);
    }
}

static void put_fixed(ack *a, const char *v, size_t width)
{
    size_t n = v ? strlen(v) : 0;
    for (size_t i = 0; i < width; i++)
        cbec__buf_addc(a->out, i < n && v[i] != a->es && v[i] != a->st ? v[i] : ' ');
}

static void el(ack *a) { cbec__buf_addc(a->out, a->es); }

static bool digits_only(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_digit(s[i]))
            return false;
    return true;
}

/* ---- X12 997 / 999 ---- */

/* AK4/IK4 code of a finding on a data element. */
static const char *x12_element_code(const ack *a, const cbec_ack_item *it, char *buf)
{
    const cbec_edi_problem_info *pi = cbec__edi_problem(it->problem);
    if (pi && pi->x12_element) {
        snprintf(buf, 8, "%u", pi->x12_element);
        return buf;
    }
    const char *k = it->kind ? it->kind : "";
    bool i999 = a->format == ACK_999;
    if (!strcmp(k, "required"))
        return i999 ? "I9" : "1";
    if (!strcmp(k, "maxLength") || !strcmp(k, "maxBytes"))
        return "5";
    if (!strcmp(k, "minLength") || !strcmp(k, "minBytes"))
        return "4";
    if (!strcmp(k, "codelist") || !strcmp(k, "enum"))
        return i999 ? "I6" : "7";
    /* a pack's own rule on the value: an implementation pattern in 999,
     * an invalid value in 997 */
    return i999 ? "I12" : "7";
}

static int item_order(const void *pa, const void *pb)
{
    const placed *x = pa, *y = pb;
    if (x->it->segment != y->it->segment)
        return x->it->segment < y->it->segment ? -1 : 1;
    if (x->it->element != y->it->element)
        return x->it->element < y->it->element ? -1 : 1;
    return (x->it->component > y->it->component) - (x->it->component < y->it->component);
}

static void x12_set_notes(ack *a, size_t m)
{
    bool i999 = a->format == ACK_999;
    /* the message's own notes, in segment order */
    size_t first = a->n, count = 0;
    for (size_t i = 0; i < a->n; i++) {
        placed *p = &a->items[i];
        if (p->level == AT_MESSAGE && (size_t)p->index == m && !p->envelope) {
            if (first == a->n)
                first = i;
            count++;
        }
    }
    if (!count)
        return;
    size_t open_pos = 0;
    unsigned ak4 = 0;
    for (size_t i = first; i < a->n; i++) {
        placed *p = &a->items[i];
        if (p->level != AT_MESSAGE || (size_t)p->index != m || p->envelope)
            continue;
        const cbec_ack_item *it = p->it;
        const cbec_edi_problem_info *pi = cbec__edi_problem(it->problem);
        bool element_level = it->element > 0;
        if (!element_level && !(pi && pi->x12_segment))
            continue; /* a rule about a whole group or message: the set note says it */
        if (p->pos != open_pos || !element_level) {
            /* a segment note */
            cbec__buf_adds(a->out, i999 ? "IK3" : "AK3");
            el(a);
            put_value(a, it->tag && *it->tag ? it->tag : "", 3);
            el(a);
            cbec__buf_add_ulong(a->out, p->pos);
            el(a); /* loop identifier: not reported */
            el(a);
            cbec__buf_add_ulong(a->out, element_level ? 8 : pi->x12_segment);
            seg_end(a);
            open_pos = element_level ? p->pos : 0;
            ak4 = 0;
        }
        if (!element_level || ak4 >= MAX_AK4)
            continue;
        ak4++;
        char code[8];
        cbec__buf_adds(a->out, i999 ? "IK4" : "AK4");
        el(a);
        cbec__buf_add_ulong(a->out, it->element);
        if (it->component) {
            cbec__buf_addc(a->out, a->cs);
            cbec__buf_add_ulong(a->out, it->component);
        }
        el(a); /* data element reference number: not known to the finding */
        el(a);
        cbec__buf_adds(a->out, x12_element_code(a, it, code));
        if (it->value && *it->value) {
            el(a);
            put_value(a, it->value, MAX_VALUE_COPY);
        }
        seg_end(a);
    }
}

static void x12_ack(ack *a, size_t ici)
{
    const cbec_edi_summary *s = a->s;
    const cbec_edi_summary_interchange *x = &s->interchanges[ici];
    bool i999 = a->format == ACK_999;
    a->es = x->element_sep ? x->element_sep : '*';
    a->cs = x->component_sep ? x->component_sep : ':';
    a->st = x->segment_term ? x->segment_term : '~';
    a->rs = x->repetition_sep;
    a->rel = 0;
    char ctl[16];
    snprintf(ctl, sizeof ctl, "%09llu", a->control % 1000000000ULL);
    a->control++;
    const char *ver = digits_only(x->version_text, 5, 5) ? x->version_text : "00401";
    bool ver402 = strcmp(ver, "00402") >= 0;
    cbec__buf_adds(a->out, "ISA");
    el(a);
    cbec__buf_adds(a->out, "00");
    el(a);
    put_fixed(a, "", 10);
    el(a);
    cbec__buf_adds(a->out, "00");
    el(a);
    put_fixed(a, "", 10);
    el(a);
    put_fixed(a, *x->recipient_qual ? x->recipient_qual : "ZZ", 2);
    el(a);
    put_fixed(a, x->recipient, 15);
    el(a);
    put_fixed(a, *x->sender_qual ? x->sender_qual : "ZZ", 2);
    el(a);
    put_fixed(a, x->sender, 15);
    el(a);
    cbec__buf_add(a->out, a->date8 + 2, 6);
    el(a);
    cbec__buf_add(a->out, a->time4, 4);
    el(a);
    cbec__buf_addc(a->out, ver402 ? (a->rs ? a->rs : '^') : 'U');
    el(a);
    cbec__buf_adds(a->out, ver);
    el(a);
    cbec__buf_adds(a->out, ctl);
    el(a);
    cbec__buf_adds(a->out, "0");
    el(a);
    cbec__buf_addc(a->out, x->test[0] == 'T' || x->test[0] == 'I' ? x->test[0] : 'P');
    el(a);
    cbec__buf_addc(a->out, a->cs);
    seg_end(a);
    /* the interchange itself: a TA1 when its envelope is in error */
    if (a->ic[ici].error || a->ic[ici].warning) {
        const cbec_ack_item *it = a->ic[ici].code_item;
        int note = 22; /* invalid control structure */
        if (it) {
            switch (it->problem) {
            case CBEC_EDI_P_CONTROL_REF: note = 1; break;
            case CBEC_EDI_P_COUNT: note = 21; break;
            case CBEC_EDI_P_TRUNCATED: note = 23; break;
            case CBEC_EDI_P_SEPARATORS: note = it->element == 16 ? 27 : 26; break;
            case CBEC_EDI_P_HEADER_VALUE: {
                /* ISA01..ISA16: the TA105 note of each field */
                static const int isa_note[17] = {22, 10, 11, 12, 13, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20, 27};
                note = it->element <= 16 && !strcmp(it->tag, "ISA") ? isa_note[it->element] : 24;
                if (!strcmp(it->tag, "IEA"))
                    note = it->element == 1 ? 21 : 18;
                break;
            }
            default: note = 24; break;
            }
        }
        cbec__buf_adds(a->out, "TA1");
        el(a);
        put_fixed(a, digits_only(x->control, 9, 9) ? x->control : "000000000", 9);
        el(a);
        put_fixed(a, x->date, 6);
        el(a);
        put_fixed(a, x->time, 4);
        el(a);
        cbec__buf_addc(a->out, a->ic[ici].error ? 'R' : 'E');
        el(a);
        cbec__buf_addf(a->out, "%03d", note);
        seg_end(a);
    }
    size_t groups = 0;
    if (x->ngroups) {
        const cbec_edi_summary_group *g0 = &s->groups[x->first_group];
        char gctl[16];
        snprintf(gctl, sizeof gctl, "%llu", (a->control - 1) % 1000000000ULL);
        cbec__buf_adds(a->out, "GS");
        el(a);
        cbec__buf_adds(a->out, "FA");
        el(a);
        put_value(a, *g0->recipient ? g0->recipient : x->recipient, 15);
        el(a);
        put_value(a, *g0->sender ? g0->sender : x->sender, 15);
        el(a);
        cbec__buf_add(a->out, a->date8, 8);
        el(a);
        cbec__buf_add(a->out, a->time4, 4);
        el(a);
        cbec__buf_adds(a->out, gctl);
        el(a);
        cbec__buf_adds(a->out, "X");
        el(a);
        put_value(a, i999 ? "005010X231" : (*g0->version ? g0->version : "004010"), 12);
        seg_end(a);
        for (uint32_t gi = 0; gi < x->ngroups; gi++) {
            size_t g = x->first_group + gi;
            const cbec_edi_summary_group *sg = &s->groups[g];
            groups++;
            a->segcount = 0;
            char stctl[8];
            snprintf(stctl, sizeof stctl, "%04zu", groups % 10000);
            cbec__buf_adds(a->out, "ST");
            el(a);
            cbec__buf_adds(a->out, i999 ? "999" : "997");
            el(a);
            cbec__buf_adds(a->out, stctl);
            if (i999) {
                el(a);
                cbec__buf_adds(a->out, "005010X231");
            }
            seg_end(a);
            cbec__buf_adds(a->out, "AK1");
            el(a);
            put_value(a, sg->id, 2);
            el(a);
            put_value(a, sg->ref, 9);
            if (i999 && *sg->version) {
                el(a);
                put_value(a, sg->version, 12);
            }
            seg_end(a);
            size_t accepted = 0;
            for (uint32_t mi = 0; mi < sg->nmessages; mi++) {
                size_t m = sg->first_message + mi;
                const cbec_edi_summary_message *sm = &s->messages[m];
                cbec__buf_adds(a->out, "AK2");
                el(a);
                put_value(a, sm->type, 3);
                el(a);
                put_value(a, sm->ref, 9);
                if (i999 && *sm->assoc) {
                    el(a);
                    put_value(a, sm->assoc, 35);
                }
                seg_end(a);
                x12_set_notes(a, m);
                bool rej = message_rejected(a, m);
                bool warn = a->msg[m].warning;
                int code = a->msg[m].code;
                if (!code && sm->envelope_problem) {
                    const cbec_edi_problem_info *pi = cbec__edi_problem(sm->envelope_problem);
                    code = pi ? pi->x12_set : 0;
                }
                if (!code && a->msg[m].error)
                    code = 5; /* one or more segments in error */
                cbec__buf_adds(a->out, i999 ? "IK5" : "AK5");
                el(a);
                cbec__buf_addc(a->out, rej ? 'R' : warn ? 'E' : 'A');
                if (rej && code) {
                    el(a);
                    cbec__buf_add_ulong(a->out, (unsigned long)code);
                }
                seg_end(a);
                accepted += !rej;
            }
            bool gerr = a->grp[g].error || a->global_error || a->ic[ici].error;
            char st9 = gerr || (sg->nmessages && !accepted) ? 'R'
                       : accepted < sg->nmessages             ? 'P'
                       : a->grp[g].warning                     ? 'E'
                                                               : 'A';
            cbec__buf_adds(a->out, "AK9");
            el(a);
            cbec__buf_addc(a->out, st9);
            el(a);
            cbec__buf_add_ulong(a->out, sg->nmessages);
            el(a);
            cbec__buf_add_ulong(a->out, sg->nmessages);
            el(a);
            cbec__buf_add_ulong(a->out, gerr ? 0 : accepted);
            if (a->grp[g].code) {
                el(a);
                cbec__buf_add_ulong(a->out, (unsigned long)a->grp[g].code);
            }
            seg_end(a);
            size_t n = a->segcount + 1;
            cbec__buf_adds(a->out, "SE");
            el(a);
            cbec__buf_add_ulong(a->out, n);
            el(a);
            cbec__buf_adds(a->out, stctl);
            seg_end(a);
        }
        cbec__buf_adds(a->out, "GE");
        el(a);
        cbec__buf_add_ulong(a->out, groups);
        el(a);
        cbec__buf_adds(a->out, gctl);
        seg_end(a);
    }
    cbec__buf_adds(a->out, "IEA");
    el(a);
    cbec__buf_adds(a->out, groups ? "1" : "0");
    el(a);
    cbec__buf_adds(a->out, ctl);
    seg_end(a);
}

/* ---- UN/EDIFACT CONTRL ---- */

static int contrl_code(const cbec_ack_item *it)
{
    const cbec_edi_problem_info *pi = cbec__edi_problem(it->problem);
    if (pi && pi->edifact)
        return pi->edifact;
    return it->kind && !strcmp(it->kind, "required") ? 13 : 12; /* missing / invalid value */
}

/* S011: erroneous data element position : component position. */
static void put_s011(ack *a, const cbec_ack_item *it)
{
    cbec__buf_add_ulong(a->out, it->element);
    if (it->component) {
        cbec__buf_addc(a->out, a->cs);
        cbec__buf_add_ulong(a->out, it->component);
    }
}

/* The optional error part of UCI/UCF/UCM: 0085, 0013, S011. */
static void put_error(ack *a, const cbec_ack_item *it, int code)
{
    el(a);
    cbec__buf_add_ulong(a->out, (unsigned long)code);
    if (!it)
        return;
    el(a);
    put_value(a, it->tag, 3);
    if (it->element) {
        el(a);
        put_s011(a, it);
    }
}

static void contrl_message(ack *a, size_t m)
{
    const cbec_edi_summary_message *sm = &a->s->messages[m];
    bool rej = message_rejected(a, m);
    cbec__buf_adds(a->out, "UCM");
    el(a);
    put_value(a, sm->ref, 14);
    el(a);
    put_value(a, sm->type, 6);
    /* S009: type : version : release : agency; the summary keeps "D:96A" */
    const char *ver = sm->version, *colon = strchr(ver, ':');
    char v1[8] = "", v2[8] = "";
    if (colon) {
        snprintf(v1, sizeof v1, "%.*s", (int)(colon - ver > 3 ? 3 : colon - ver), ver);
        snprintf(v2, sizeof v2, "%.3s", colon + 1);
    } else {
        snprintf(v1, sizeof v1, "%.3s", ver);
    }
    cbec__buf_addc(a->out, a->cs);
    put_value(a, v1, 3);
    cbec__buf_addc(a->out, a->cs);
    put_value(a, v2, 3);
    cbec__buf_addc(a->out, a->cs);
    put_value(a, sm->agency, 3);
    el(a);
    cbec__buf_adds(a->out, rej ? "4" : "7");
    if (rej && a->msg[m].code)
        put_error(a, a->msg[m].code_item, a->msg[m].code);
    seg_end(a);
    /* segment and element notes of the message, in order */
    uint32_t open_pos = 0;
    for (size_t i = 0; i < a->n; i++) {
        placed *p = &a->items[i];
        if (p->level != AT_MESSAGE || (size_t)p->index != m || p->envelope)
            continue;
        const cbec_ack_item *it = p->it;
        bool element_level = it->element > 0;
        if (p->pos != open_pos || !element_level) {
            cbec__buf_adds(a->out, "UCS");
            el(a);
            cbec__buf_add_ulong(a->out, p->pos);
            if (!element_level) {
                el(a);
                cbec__buf_add_ulong(a->out, (unsigned long)contrl_code(it));
            }
            seg_end(a);
            open_pos = element_level ? p->pos : 0;
        }
        if (!element_level)
            continue;
        cbec__buf_adds(a->out, "UCD");
        el(a);
        cbec__buf_add_ulong(a->out, (unsigned long)contrl_code(it));
        el(a);
        put_s011(a, it);
        seg_end(a);
    }
}

static void contrl_ack(ack *a, size_t ici)
{
    const cbec_edi_summary *s = a->s;
    const cbec_edi_summary_interchange *x = &s->interchanges[ici];
    a->es = x->element_sep ? x->element_sep : '+';
    a->cs = x->component_sep ? x->component_sep : ':';
    a->st = x->segment_term ? x->segment_term : '\'';
    a->rel = x->release ? x->release : '?';
    a->rs = x->repetition_sep;
    bool v4 = x->syntax_version >= 4;
    if (x->una || a->es != '+' || a->cs != ':' || a->st != '\'' || a->rel != '?') {
        cbec__buf_adds(a->out, "UNA");
        cbec__buf_addc(a->out, a->cs);
        cbec__buf_addc(a->out, a->es);
        cbec__buf_addc(a->out, x->decimal ? x->decimal : '.');
        cbec__buf_addc(a->out, a->rel);
        cbec__buf_addc(a->out, a->rs ? a->rs : ' ');
        cbec__buf_addc(a->out, a->st);
        if (a->st != '\n' && a->st != '\r')
            cbec__buf_addc(a->out, '\n');
    }
    char ctl[24];
    snprintf(ctl, sizeof ctl, "%llu", a->control);
    a->control++;
    const char *sid = *x->syntax_id && strlen(x->syntax_id) == 4 ? x->syntax_id : "UNOA";
    cbec__buf_adds(a->out, "UNB");
    el(a);
    put_value(a, sid, 4);
    cbec__buf_addc(a->out, a->cs);
    cbec__buf_add_ulong(a->out, x->syntax_version ? x->syntax_version : 3);
    el(a);
    put_party(a, x->recipient, x->recipient_qual);
    el(a);
    put_party(a, x->sender, x->sender_qual);
    el(a);
    cbec__buf_add(a->out, v4 ? a->date8 : a->date8 + 2, v4 ? 8 : 6);
    cbec__buf_addc(a->out, a->cs);
    cbec__buf_add(a->out, a->time4, 4);
    el(a);
    cbec__buf_adds(a->out, ctl);
    seg_end(a);
    a->segcount = 0;
    cbec__buf_adds(a->out, "UNH");
    el(a);
    cbec__buf_adds(a->out, "1");
    el(a);
    cbec__buf_adds(a->out, "CONTRL");
    cbec__buf_addc(a->out, a->cs);
    cbec__buf_adds(a->out, v4 ? "4" : "D");
    cbec__buf_addc(a->out, a->cs);
    cbec__buf_adds(a->out, v4 ? "1" : "3");
    cbec__buf_addc(a->out, a->cs);
    cbec__buf_adds(a->out, "UN");
    seg_end(a);
    /* UCI: the interchange received */
    bool icerr = a->ic[ici].error || a->global_error;
    cbec__buf_adds(a->out, "UCI");
    el(a);
    put_value(a, x->control, 14);
    el(a);
    put_party(a, x->sender, x->sender_qual);
    el(a);
    put_party(a, x->recipient, x->recipient_qual);
    el(a);
    cbec__buf_adds(a->out, icerr ? "4" : "7");
    if (a->ic[ici].error && a->ic[ici].code)
        put_error(a, a->ic[ici].code_item, a->ic[ici].code);
    seg_end(a);
    if (x->ngroups) {
        for (uint32_t gi = 0; gi < x->ngroups; gi++) {
            size_t g = x->first_group + gi;
            const cbec_edi_summary_group *sg = &s->groups[g];
            bool gerr = a->grp[g].error || icerr;
            cbec__buf_adds(a->out, "UCF");
            el(a);
            put_value(a, sg->ref, 14);
            el(a);
            put_value(a, sg->sender, 35);
            el(a);
            put_value(a, sg->recipient, 35);
            el(a);
            cbec__buf_adds(a->out, gerr ? "4" : "7");
            if (a->grp[g].error && a->grp[g].code)
                put_error(a, a->grp[g].code_item, a->grp[g].code);
            seg_end(a);
            for (uint32_t mi = 0; mi < sg->nmessages; mi++)
                contrl_message(a, sg->first_message + mi);
        }
    } else {
        for (uint32_t mi = 0; mi < x->nmessages; mi++)
            contrl_message(a, x->first_message + mi);
    }
    size_t n = a->segcount + 1;
    cbec__buf_adds(a->out, "UNT");
    el(a);
    cbec__buf_add_ulong(a->out, n);
    el(a);
    cbec__buf_adds(a->out, "1");
    seg_end(a);
    cbec__buf_adds(a->out, "UNZ");
    el(a);
    cbec__buf_adds(a->out, "1");
    el(a);
    cbec__buf_adds(a->out, ctl);
    seg_end(a);
}

/* ---- entry ---- */

static bool stamp_ok(const char *s)
{
    if (!digits_only(s, 12, 12))
        return false;
    char d[11] = {s[0], s[1], s[2], s[3], '-', s[4], s[5], '-', s[6], s[7], '\0'};
    int hh = (s[8] - '0') * 10 + (s[9] - '0'), mm = (s[10] - '0') * 10 + (s[11] - '0');
    return cbec__is_date(d, 10) && hh < 24 && mm < 60;
}

int cbec__ack_render(const cbec_edi_summary *s, const cbec_ack_item *items, size_t n, int format,
                     const char *control, const char *stamp, cbec_buf *out)
{
    if (!s || !out || (format != ACK_997 && format != ACK_999 && format != ACK_CONTRL))
        return CBEC_EINVAL;
    if (control && !digits_only(control, 1, 9))
        return CBEC_EINVAL;
    if (stamp && !stamp_ok(stamp))
        return CBEC_EINVAL;
    bool any = false;
    for (size_t i = 0; i < s->ninterchanges; i++)
        any |= s->interchanges[i].header != 0;
    if (!any)
        return CBEC_ESTATE;
    ack a;
    memset(&a, 0, sizeof a);
    a.s = s;
    a.format = format;
    a.out = out;
    a.control = control ? strtoull(control, NULL, 10) : 1;
    char now[32];
    if (!stamp) {
        time_t t = time(NULL);
        struct tm tm;
        if (!gmtime_r(&t, &tm))
            return CBEC_EINVAL;
        snprintf(now, sizeof now, "%04u%02u%02u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
                 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
                 (unsigned)tm.tm_min % 100u);
        stamp = now;
    }
    memcpy(a.date8, stamp, 8);
    memcpy(a.time4, stamp + 8, 4);
    int status = CBEC_OK;
    if (!place_items(&a, items, n)) {
        status = CBEC_ENOMEM;
    } else {
        if (a.n > 1)
            qsort(a.items, a.n, sizeof *a.items, item_order);
        for (size_t i = 0; i < s->ninterchanges; i++) {
            if (!s->interchanges[i].header)
                continue; /* no header to answer: nothing to address the answer to */
            if (format == ACK_CONTRL)
                contrl_ack(&a, i);
            else
                x12_ack(&a, i);
        }
    }
    free(a.items);
    free(a.msg);
    free(a.grp);
    free(a.ic);
    return status;
}
