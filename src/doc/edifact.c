/* edifact.c - the UN/EDIFACT reader (ISO 9735): service string advice,
 * separators and release character, the UNB/UNG/UNH/UNT/UNE/UNZ envelopes
 * with their control references and counts, and the repertoire the syntax
 * identifier declares. */
#include "doc/edi-read.h"

#include <stdio.h>
#include <string.h>

typedef struct edifact_state {
    cbec_edi_reader *r;
    bool have_ic;               /* an interchange record is open */
    size_t ic_index;            /* ... its index */
    bool in_group, in_message;
    bool grouped, ungrouped;    /* messages seen inside / outside groups */
    bool after_trailer;         /* the open interchange saw its UNZ */
    bool seen_first;            /* a segment was read */
    bool una_pending;           /* a UNA was read for the next UNB */
    int una_rep;                /* its repetition separator, -1 none */
    size_t group_index;
    size_t message_index;
    uint32_t messages_in_group;
} edifact_state;

static cbec_edi_interchange_info *cur_ic(edifact_state *st)
{
    return st->have_ic ? &st->r->info.interchanges[st->ic_index] : NULL;
}

static void issue_at(cbec_edi_reader *r, int problem, const cbec_node *seg, unsigned pos, unsigned comp,
                     const char *en, const char *zh)
{
    cbec_span sp = edi_span_at(seg, pos, comp);
    edi_issue(r, problem, CBEC_SEVERITY_ERROR, &sp, en, zh);
}

/* A mandatory envelope value: report it when missing. */
static bool need(cbec_edi_reader *r, const cbec_node *seg, unsigned pos, unsigned comp, const char *name,
                 const char *tag)
{
    size_t n;
    edi_value(seg, pos, comp, &n);
    if (n)
        return true;
    char en[160], zh[160];
    snprintf(en, sizeof en, "%s: mandatory %s is missing", tag, name);
    snprintf(zh, sizeof zh, "%s：缺少必备项 %s", tag, name);
    issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, pos, comp, en, zh);
    return false;
}

/* A value kept NUL-terminated for the interchange facts. */
static const char *val(cbec_edi_reader *r, const cbec_node *seg, unsigned pos, unsigned comp)
{
    size_t n;
    const char *s = edi_value(seg, pos, comp, &n);
    return edi_keep(r, s, n);
}

/* A numeric control count in seg at pos; false (reported) when malformed. */
static bool count_at(cbec_edi_reader *r, const cbec_node *seg, unsigned pos, const char *name, uint64_t *out)
{
    size_t n;
    const char *s = edi_value(seg, pos, 1, &n);
    if (!n)
        return need(r, seg, pos, 0, name, cbec__edi_tag(seg, NULL));
    if (edi_count(s, n, out) && n <= 6)
        return true;
    char en[200], zh[200];
    snprintf(en, sizeof en, "%s: %s \"%.*s\" must be 1 to 6 digits", cbec__edi_tag(seg, NULL), name,
             (int)(n > 40 ? 40 : n), s);
    snprintf(zh, sizeof zh, "%s：%s“%.*s”应为 1 至 6 位数字", cbec__edi_tag(seg, NULL), name,
             (int)(n > 40 ? 40 : n), s);
    issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, pos, 0, en, zh);
    return false;
}

static void check_ref(cbec_edi_reader *r, const cbec_node *trailer, unsigned pos, const char *want,
                      const char *what_en, const char *what_zh, cbec_edi_message_info *m)
{
    size_t n;
    const char *got = edi_value(trailer, pos, 1, &n);
    if (!n) {
        need(r, trailer, pos, 0, what_en, cbec__edi_tag(trailer, NULL));
        return;
    }
    if (strlen(want) == n && memcmp(want, got, n) == 0)
        return;
    char en[300], zh[300];
    snprintf(en, sizeof en, "%s %s \"%.*s\" differs from the header's \"%.60s\"", cbec__edi_tag(trailer, NULL),
             what_en, (int)(n > 60 ? 60 : n), got, want);
    snprintf(zh, sizeof zh, "%s 的%s“%.*s”与头段的“%.60s”不一致", cbec__edi_tag(trailer, NULL), what_zh,
             (int)(n > 60 ? 60 : n), got, want);
    issue_at(r, CBEC_EDI_P_CONTROL_REF, trailer, pos, 0, en, zh);
    if (m && !m->envelope_problem)
        m->envelope_problem = CBEC_EDI_P_CONTROL_REF;
}

static void check_count(cbec_edi_reader *r, const cbec_node *trailer, unsigned pos, uint64_t actual,
                        const char *what_en, const char *what_zh, cbec_edi_message_info *m)
{
    uint64_t got;
    if (!count_at(r, trailer, pos, what_en, &got))
        return;
    if (got == actual)
        return;
    char en[240], zh[240];
    snprintf(en, sizeof en, "%s says %llu %s, the interchange holds %llu", cbec__edi_tag(trailer, NULL),
             (unsigned long long)got, what_en, (unsigned long long)actual);
    snprintf(zh, sizeof zh, "%s 声明%s为 %llu，实际为 %llu", cbec__edi_tag(trailer, NULL), what_zh,
             (unsigned long long)got, (unsigned long long)actual);
    issue_at(r, CBEC_EDI_P_COUNT, trailer, pos, 0, en, zh);
    if (m && !m->envelope_problem)
        m->envelope_problem = CBEC_EDI_P_COUNT;
}

static void missing_segment(cbec_edi_reader *r, const char *tag, const char *before, const cbec_span *at,
                            int problem)
{
    char en[200], zh[200];
    if (before) {
        snprintf(en, sizeof en, "%s missing before %s", tag, before);
        snprintf(zh, sizeof zh, "%s 之前缺少 %s", before, tag);
    } else {
        snprintf(en, sizeof en, "%s missing at the end of the interchange", tag);
        snprintf(zh, sizeof zh, "交换结尾缺少 %s", tag);
    }
    edi_issue(r, problem, CBEC_SEVERITY_ERROR, at, en, zh);
}

static void close_message(edifact_state *st, uint32_t last, const cbec_span *at, const char *before)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_message_info *m = &r->info.messages[st->message_index];
    m->last = last;
    if (at) {
        missing_segment(r, "UNT", before, at, before ? CBEC_EDI_P_ENVELOPE_MISSING : CBEC_EDI_P_TRUNCATED);
        if (!m->envelope_problem)
            m->envelope_problem = before ? CBEC_EDI_P_ENVELOPE_MISSING : CBEC_EDI_P_TRUNCATED;
    }
    st->in_message = false;
}

static void close_group(edifact_state *st, const cbec_span *at, const char *before)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_group_info *g = &r->info.groups[st->group_index];
    g->nmessages = st->messages_in_group;
    if (at)
        missing_segment(r, "UNE", before, at, before ? CBEC_EDI_P_ENVELOPE_MISSING : CBEC_EDI_P_TRUNCATED);
    st->in_group = false;
}

static void read_unb(edifact_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_interchange_info *in = cur_ic(st);
    in->header = r->ordinal;
    need(r, seg, 1, 1, "syntax identifier (S001/0001)", "UNB");
    need(r, seg, 1, 2, "syntax version number (S001/0002)", "UNB");
    need(r, seg, 2, 1, "interchange sender identification (S002/0004)", "UNB");
    need(r, seg, 3, 1, "interchange recipient identification (S003/0010)", "UNB");
    bool date = need(r, seg, 4, 1, "date of preparation (S004/0017)", "UNB");
    bool time = need(r, seg, 4, 2, "time of preparation (S004/0019)", "UNB");
    need(r, seg, 5, 1, "interchange control reference (0020)", "UNB");
    in->syntax_id = val(r, seg, 1, 1);
    in->version_text = val(r, seg, 1, 2);
    in->sender = val(r, seg, 2, 1);
    in->sender_qual = val(r, seg, 2, 2);
    in->recipient = val(r, seg, 3, 1);
    in->recipient_qual = val(r, seg, 3, 2);
    in->date = val(r, seg, 4, 1);
    in->time = val(r, seg, 4, 2);
    in->control = val(r, seg, 5, 1);
    in->test = val(r, seg, 11, 1);
    size_t n;
    const char *v = edi_value(seg, 1, 2, &n);
    if (n == 1 && v[0] >= '1' && v[0] <= '4') {
        in->syntax_version = (unsigned)(v[0] - '0');
    } else if (n) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "UNB: syntax version \"%.*s\" is not 1, 2, 3 or 4", (int)(n > 20 ? 20 : n), v);
        snprintf(zh, sizeof zh, "UNB：语法版本“%.*s”不是 1、2、3 或 4", (int)(n > 20 ? 20 : n), v);
        issue_at(r, CBEC_EDI_P_SYNTAX_ID, seg, 1, 2, en, zh);
    }
    const char *d = edi_value(seg, 4, 1, &n);
    /* syntax 4 dates have a century; earlier ones do not, but a century
     * is accepted there too since senders mix them up harmlessly */
    if (date && !((n == 6 && in->syntax_version < 4) || n == 8) ) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "UNB: date of preparation \"%.*s\" is not a date (%s)", (int)(n > 20 ? 20 : n),
                 d, in->syntax_version >= 4 ? "CCYYMMDD" : "YYMMDD");
        snprintf(zh, sizeof zh, "UNB：编制日期“%.*s”不是有效日期（%s）", (int)(n > 20 ? 20 : n), d,
                 in->syntax_version >= 4 ? "CCYYMMDD" : "YYMMDD");
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 4, 1, en, zh);
    } else if (date && !edi_date_ok(d, n)) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "UNB: date of preparation \"%.*s\" is not a calendar date", (int)n, d);
        snprintf(zh, sizeof zh, "UNB：编制日期“%.*s”不是有效的日历日期", (int)n, d);
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 4, 1, en, zh);
    }
    const char *t = edi_value(seg, 4, 2, &n);
    if (time && !(n == 4 && edi_time_ok(t, n))) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "UNB: time of preparation \"%.*s\" is not a time (HHMM)", (int)(n > 20 ? 20 : n), t);
        snprintf(zh, sizeof zh, "UNB：编制时间“%.*s”不是有效时间（HHMM）", (int)(n > 20 ? 20 : n), t);
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 4, 2, en, zh);
    }
    const char *ref = edi_value(seg, 5, 1, &n);
    if (n > 14) {
        char en[160], zh[160];
        /* the value is not NUL-terminated: its length bounds the read
         * (report_render fuzzing found "%.20s" reading past it) */
        snprintf(en, sizeof en, "UNB: interchange control reference \"%.*s...\" is longer than 14 characters",
                 (int)(n > 20 ? 20 : n), ref);
        snprintf(zh, sizeof zh, "UNB：交换控制参考号“%.*s...”超过 14 个字符", (int)(n > 20 ? 20 : n), ref);
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 5, 1, en, zh);
    }
}

static void read_unh(edifact_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_message_info *m = edi_add_message(r);
    if (!m)
        return;
    st->message_index = r->info.nmessages - 1;
    st->in_message = true;
    m->header = m->last = r->ordinal;
    m->group = st->in_group ? (uint32_t)st->group_index + 1 : 0;
    need(r, seg, 1, 1, "message reference number (0062)", "UNH");
    bool ok = need(r, seg, 2, 1, "message type (S009/0065)", "UNH");
    ok &= need(r, seg, 2, 2, "message version number (S009/0052)", "UNH");
    ok &= need(r, seg, 2, 3, "message release number (S009/0054)", "UNH");
    ok &= need(r, seg, 2, 4, "controlling agency (S009/0051)", "UNH");
    m->ref = val(r, seg, 1, 1);
    m->type = val(r, seg, 2, 1);
    m->agency = val(r, seg, 2, 4);
    m->assoc = val(r, seg, 2, 5);
    size_t vn, rn;
    const char *v = edi_value(seg, 2, 2, &vn), *rel = edi_value(seg, 2, 3, &rn);
    if (vn || rn) {
        char *ver = cbec__arena_alloc(r->arena, vn + rn + 2);
        if (!ver) {
            r->oom = true;
            return;
        }
        memcpy(ver, v, vn);
        ver[vn] = ':';
        memcpy(ver + vn + 1, rel, rn);
        ver[vn + rn + 1] = '\0';
        m->version = ver;
    }
    if (!ok && !m->envelope_problem)
        m->envelope_problem = CBEC_EDI_P_HEADER_VALUE;
    size_t n;
    edi_value(seg, 1, 1, &n);
    if (n > 14)
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 1, 1, "UNH: message reference number is longer than 14 characters",
                 "UNH：报文参考号超过 14 个字符");
    /* a reference used twice in one interchange (or group) cannot be
     * acknowledged unambiguously */
    cbec_edi_info *in = &r->info;
    size_t first = st->in_group ? in->groups[st->group_index].first_message : cur_ic(st)->first_message;
    for (size_t i = first; n && i + 1 < in->nmessages; i++) {
        if (strcmp(in->messages[i].ref, m->ref) == 0 && in->messages[i].group == m->group) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "UNH: message reference number \"%.40s\" is used by an earlier message", m->ref);
            snprintf(zh, sizeof zh, "UNH：报文参考号“%.40s”已被之前的报文使用", m->ref);
            issue_at(r, CBEC_EDI_P_DUPLICATE, seg, 1, 1, en, zh);
            break;
        }
    }
}

static void read_ung(edifact_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_group_info *g = edi_add_group(r);
    if (!g)
        return;
    st->group_index = r->info.ngroups - 1;
    st->in_group = true;
    st->messages_in_group = 0;
    g->header = r->ordinal;
    need(r, seg, 1, 1, "message group identification (0038)", "UNG");
    need(r, seg, 2, 1, "application sender identification (S006/0040)", "UNG");
    need(r, seg, 3, 1, "application recipient identification (S007/0044)", "UNG");
    need(r, seg, 4, 1, "date of group preparation (S004/0017)", "UNG");
    need(r, seg, 5, 1, "group reference number (0048)", "UNG");
    need(r, seg, 6, 1, "controlling agency (0051)", "UNG");
    need(r, seg, 7, 1, "message version number (S008/0052)", "UNG");
    g->id = val(r, seg, 1, 1);
    g->sender = val(r, seg, 2, 1);
    g->recipient = val(r, seg, 3, 1);
    g->ref = val(r, seg, 5, 1);
    g->agency = val(r, seg, 6, 1);
    g->version = val(r, seg, 7, 1);
}

/* Open an interchange record; implicit (no UNB) when the input starts
 * without one. */
static bool open_ic(edifact_state *st)
{
    if (!edi_add_interchange(st->r))
        return false;
    st->have_ic = true;
    st->ic_index = st->r->info.ninterchanges - 1;
    cbec_edi_reader *r = st->r;
    cbec_edi_interchange_info *x = cur_ic(st);
    x->element_sep = (char)r->sep_elem;
    x->component_sep = (char)r->sep_comp;
    x->segment_term = (char)r->sep_term;
    x->release = r->sep_rel >= 0 ? (char)r->sep_rel : 0;
    x->repetition_sep = r->sep_rep >= 0 ? (char)r->sep_rep : 0;
    x->decimal = '.';
    st->in_group = st->in_message = st->grouped = st->ungrouped = st->after_trailer = false;
    return true;
}

static void outside(edifact_state *st, const cbec_node *seg, const char *where_en, const char *where_zh)
{
    cbec_edi_reader *r = st->r;
    size_t n;
    const char *tag = cbec__edi_tag(seg, &n);
    char en[200], zh[200];
    snprintf(en, sizeof en, "segment %.*s %s", (int)(n > 8 ? 8 : n), tag, where_en);
    snprintf(zh, sizeof zh, "段 %.*s %s", (int)(n > 8 ? 8 : n), tag, where_zh);
    cbec_span sp = seg->span;
    edi_issue(r, CBEC_EDI_P_ENVELOPE_OUTSIDE, CBEC_SEVERITY_ERROR, &sp, en, zh);
    edi_add_service(r, r->ordinal, (uint32_t)st->ic_index);
}

static bool valid_tag(const char *t, size_t n)
{
    if (n != 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_upper(t[i]) && !cbec__is_digit(t[i]))
            return false;
    return true;
}

/* Close what is open at the end of an interchange (at: where the trailer
 * should have been; before: the segment that came instead, NULL at the end
 * of the input). */
static void close_open(edifact_state *st, uint32_t last, const cbec_span *at, const char *before)
{
    if (st->in_message)
        close_message(st, last, at, before);
    if (st->in_group)
        close_group(st, at, before);
}

static void segment(edifact_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_info *in = &r->info;
    size_t tn;
    const char *tag = cbec__edi_tag(seg, &tn);
    if (!valid_tag(tag, tn)) {
        char en[200], zh[200];
        snprintf(en, sizeof en, "segment tag \"%.*s\" is not three upper-case letters or digits",
                 (int)(tn > 20 ? 20 : tn), tag);
        snprintf(zh, sizeof zh, "段标签“%.*s”不是三位大写字母或数字", (int)(tn > 20 ? 20 : tn), tag);
        cbec_span sp = seg->span;
        edi_issue(r, CBEC_EDI_P_SEGMENT_TAG, CBEC_SEVERITY_ERROR, &sp, en, zh);
    }
    bool is_unb = cbec__streq(tag, tn, "UNB");
    if (is_unb) {
        cbec_edi_interchange_info *x = cur_ic(st);
        if (x && !st->after_trailer) {
            /* a new interchange while one is open: its UNZ is missing */
            close_open(st, r->ordinal - 1, &seg->span, "UNB");
            missing_segment(r, "UNZ", "UNB", &seg->span, CBEC_EDI_P_ENVELOPE_MISSING);
        }
        if (!open_ic(st))
            return;
        st->seen_first = true;
        read_unb(st, seg);
        cur_ic(st)->una = st->una_pending;
        st->una_pending = false;
        return;
    }
    if (!st->seen_first) {
        st->seen_first = true;
        cbec_span sp = seg->span;
        edi_issue(r, CBEC_EDI_P_ENVELOPE_MISSING, CBEC_SEVERITY_ERROR, &sp,
                  "the interchange does not start with the interchange header UNB", "交换未以交换头段 UNB 开头");
        if (!open_ic(st))
            return;
    }
    cbec_edi_interchange_info *x = cur_ic(st);
    if (st->after_trailer) {
        outside(st, seg, "after the interchange trailer UNZ", "位于交换尾段 UNZ 之后");
        return;
    }
    if (cbec__streq(tag, tn, "UNZ")) {
        close_open(st, r->ordinal - 1, &seg->span, "UNZ");
        x->trailer = r->ordinal;
        st->after_trailer = true;
        uint64_t actual = x->ngroups ? x->ngroups : x->nmessages;
        check_count(r, seg, 1, actual, x->ngroups ? "groups" : "messages", x->ngroups ? "功能组数" : "报文数", NULL);
        if (x->header)
            check_ref(r, seg, 2, x->control, "interchange control reference", "交换控制参考号", NULL);
        if (!x->nmessages) {
            cbec_span sp = seg->span;
            edi_issue(r, CBEC_EDI_P_EMPTY, CBEC_SEVERITY_WARNING, &sp, "the interchange holds no message",
                      "交换中没有报文");
        }
        return;
    }
    if (cbec__streq(tag, tn, "UNG")) {
        close_open(st, r->ordinal - 1, &seg->span, "UNG");
        if (st->ungrouped) {
            cbec_span sp = seg->span;
            edi_issue(r, CBEC_EDI_P_MIXED, CBEC_SEVERITY_ERROR, &sp,
                      "UNG after messages outside groups: an interchange holds either groups or messages",
                      "在组外报文之后出现 UNG：交换只能包含功能组或报文之一");
        }
        read_ung(st, seg);
        return;
    }
    if (cbec__streq(tag, tn, "UNE")) {
        if (st->in_message)
            close_message(st, r->ordinal - 1, &seg->span, "UNE");
        if (!st->in_group) {
            outside(st, seg, "closes no group", "没有对应的功能组");
            return;
        }
        cbec_edi_group_info *g = &in->groups[st->group_index];
        g->trailer = r->ordinal;
        close_group(st, NULL, NULL);
        check_count(r, seg, 1, g->nmessages, "messages", "报文数", NULL);
        check_ref(r, seg, 2, g->ref, "group reference number", "功能组参考号", NULL);
        if (!g->nmessages) {
            cbec_span sp = seg->span;
            edi_issue(r, CBEC_EDI_P_EMPTY, CBEC_SEVERITY_WARNING, &sp, "the group holds no message",
                      "功能组中没有报文");
        }
        return;
    }
    if (cbec__streq(tag, tn, "UNH")) {
        if (st->in_message)
            close_message(st, r->ordinal - 1, &seg->span, "UNH");
        if (st->in_group) {
            st->grouped = true;
            st->messages_in_group++;
        } else {
            if (st->grouped && !st->ungrouped) {
                cbec_span sp = seg->span;
                edi_issue(r, CBEC_EDI_P_MIXED, CBEC_SEVERITY_ERROR, &sp,
                          "a message outside a group after groups: an interchange holds either groups or messages",
                          "在功能组之后出现组外报文：交换只能包含功能组或报文之一");
            }
            st->ungrouped = true;
        }
        read_unh(st, seg);
        return;
    }
    if (cbec__streq(tag, tn, "UNT")) {
        if (!st->in_message) {
            outside(st, seg, "closes no message", "没有对应的报文");
            return;
        }
        cbec_edi_message_info *m = &in->messages[st->message_index];
        m->trailer = r->ordinal;
        close_message(st, r->ordinal, NULL, NULL);
        check_count(r, seg, 1, (uint64_t)m->trailer - m->header + 1, "segments", "段数", m);
        check_ref(r, seg, 2, m->ref, "message reference number", "报文参考号", m);
        return;
    }
    if (st->in_message) {
        in->messages[st->message_index].last = r->ordinal;
        return;
    }
    outside(st, seg, "outside a message", "位于报文之外");
}

/* Separators from a UNA service string advice at s[0..8]. */
static bool read_una(cbec_edi_reader *r, const char *s, cbec_read_error *e, size_t at, int *rep_out)
{
    int comp = (unsigned char)s[3], elem = (unsigned char)s[4], dec = (unsigned char)s[5];
    int rel = (unsigned char)s[6], rep = (unsigned char)s[7], term = (unsigned char)s[8];
    int set[5] = {comp, elem, term, rel == ' ' ? -1 : rel, rep == ' ' ? -1 : rep};
    for (int i = 0; i < 5; i++) {
        if (set[i] < 0)
            continue;
        if (cbec__is_alnum(set[i]) || (i < 3 && set[i] == ' ')) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "UNA: character 0x%02X cannot be a separator", (unsigned)set[i]);
            snprintf(zh, sizeof zh, "UNA：字符 0x%02X 不能用作分隔符", (unsigned)set[i]);
            cbec__read_error_set(e, "CBEC-EDI-SEPARATORS", at + 3, true, en, zh);
            return false;
        }
        for (int j = 0; j < i; j++)
            if (set[j] == set[i]) {
                cbec__read_error_set(e, "CBEC-EDI-SEPARATORS", at + 3, true,
                                     "UNA: the same character is given for two service characters",
                                     "UNA：两个服务字符使用了同一个字符");
                return false;
            }
    }
    r->sep_comp = comp;
    r->sep_elem = elem;
    r->sep_term = term;
    r->sep_rel = set[3];
    r->sep_rep = -1; /* UNB never repeats; set after it */
    *rep_out = set[4];
    if (dec != '.' && dec != ',') {
        cbec_span sp = edi_span_offset(r, at + 5);
        edi_issue(r, CBEC_EDI_P_SEPARATORS, CBEC_SEVERITY_ERROR, &sp, "UNA: the decimal mark must be '.' or ','",
                  "UNA：小数点符号应为 '.' 或 ','");
    }
    return true;
}

/* The separators of an interchange without UNA: level A's graphic ones, or
 * level B's information separators when the bytes after UNB say so. */
static void default_separators(cbec_edi_reader *r, const char *p, size_t avail)
{
    if (avail >= 4 && p[3] == 0x1D) {
        r->sep_comp = 0x1F;
        r->sep_elem = 0x1D;
        r->sep_term = 0x1C;
        r->sep_rel = -1;
    } else {
        r->sep_comp = ':';
        r->sep_elem = '+';
        r->sep_term = '\'';
        r->sep_rel = '?';
    }
    r->sep_rep = -1;
}

/* The input ended inside seg.  A complete trailer that only lacks its
 * terminator loses nothing: a warning; anything else is truncated. */
static void unterminated(cbec_edi_reader *r, const cbec_node *seg, const char *trailer)
{
    cbec_span sp = edi_span_offset(r, r->len);
    sp.segment = seg->span.segment;
    if (strcmp(cbec__edi_tag(seg, NULL), trailer) == 0 && seg->count >= 3)
        edi_issue(r, CBEC_EDI_P_TRUNCATED, CBEC_SEVERITY_WARNING, &sp,
                  "the last segment has no segment terminator", "最后一个段缺少段终止符");
    else
        edi_issue(r, CBEC_EDI_P_TRUNCATED, CBEC_SEVERITY_ERROR, &sp,
                  "the input ends inside a segment (no segment terminator)", "输入在段内结束（缺少段终止符）");
}

/* Some senders end segments with line breaks and no apostrophe, without a
 * UNA to say so.  When the UNB line ends before any apostrophe and the next
 * line starts a service segment, read line breaks as the terminator (and
 * say that this is not what the standard allows). */
static void newline_terminator(cbec_edi_reader *r, size_t i)
{
    if (r->sep_term != '\'')
        return;
    const char *src = r->src;
    size_t len = r->len, nl = i;
    while (nl < len && src[nl] != '\n' && src[nl] != '\'')
        nl++;
    if (nl >= len || src[nl] != '\n')
        return;
    size_t k = nl + 1;
    while (k < len && (src[k] == '\r' || src[k] == '\n'))
        k++;
    if (len - k < 3 || (memcmp(src + k, "UNH", 3) != 0 && memcmp(src + k, "UNG", 3) != 0 &&
                        memcmp(src + k, "UNZ", 3) != 0))
        return;
    r->sep_term = '\n';
    cbec_span sp = edi_span_offset(r, nl);
    edi_issue(r, CBEC_EDI_P_SEPARATORS, CBEC_SEVERITY_ERROR, &sp,
              "segments end with line breaks: without a UNA service string advice the segment terminator is the apostrophe",
              "段以换行结束：没有 UNA 服务字符串通知时，段终止符应为撇号");
}

bool cbec__edifact_read(cbec_edi_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                        cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom)
{
    *oom = false;
    memset(doc, 0, sizeof *doc);
    edi_begin(r, CBEC_FORMAT_EDIFACT, src, len, lim, arena);
    if (lim && lim->max_bytes && len > lim->max_bytes) {
        char en[160], zh[160];
        snprintf(en, sizeof en, "the message is larger than %zu bytes", lim->max_bytes);
        snprintf(zh, sizeof zh, "报文超过 %zu 字节", lim->max_bytes);
        cbec__read_error_set(e, "CBEC-LIMIT-SIZE", 0, false, en, zh);
        return false;
    }
    size_t i = edi_skip_space(r, 0);
    if (i >= len) {
        cbec__read_error_set(e, "CBEC-EMPTY", 0, false, "the message is empty", "报文为空");
        return false;
    }
    if (len - i < 3 || (memcmp(src + i, "UNA", 3) != 0 && memcmp(src + i, "UNB", 3) != 0 &&
                        memcmp(src + i, "UNH", 3) != 0)) {
        cbec__read_error_set(e, "CBEC-EDI-SYNTAX", i, true, "an EDIFACT interchange starts with UNA, UNB or UNH",
                             "EDIFACT 交换应以 UNA、UNB 或 UNH 开头");
        return false;
    }
    edifact_state st;
    memset(&st, 0, sizeof st);
    st.r = r;
    st.una_rep = -1;
    default_separators(r, src + i, len - i);
    if (memcmp(src + i, "UNH", 3) == 0)
        edi_set_repertoire(r, "", 0); /* no syntax identifier: nothing to check against */
    char decimal = '.';
    for (;;) {
        i = edi_skip_space(r, i);
        if (i >= len)
            break;
        /* a service string advice sets the separators of the interchange
         * that follows; it is not a segment */
        if (len - i >= 3 && memcmp(src + i, "UNA", 3) == 0 && (!st.seen_first || st.after_trailer)) {
            if (len - i < 9) {
                cbec_span sp = edi_span_offset(r, i);
                edi_issue(r, CBEC_EDI_P_TRUNCATED, CBEC_SEVERITY_ERROR, &sp,
                          "the service string advice UNA is cut short", "服务字符串通知 UNA 不完整");
                if (!st.seen_first) {
                    cbec__read_error_set(e, "CBEC-EDI-TRUNCATED", i, true, "the service string advice UNA is cut short",
                                         "服务字符串通知 UNA 不完整");
                    return false;
                }
                break;
            }
            if (!read_una(r, src + i, e, i, &st.una_rep)) {
                if (!st.seen_first)
                    return false;
                cbec_span sp = edi_span_offset(r, i);
                edi_issue(r, CBEC_EDI_P_SEPARATORS, CBEC_SEVERITY_ERROR, &sp, e->message_en, e->message_zh);
                break;
            }
            decimal = src[i + 5];
            st.una_pending = true;
            i += 9;
            continue;
        }
        bool unb = len - i >= 3 && memcmp(src + i, "UNB", 3) == 0;
        if (unb && !st.una_pending) {
            default_separators(r, src + i, len - i);
            decimal = '.';
            newline_terminator(r, i);
        }
        if (unb)
            r->sep_rep = -1;
        size_t next;
        bool found, terminated;
        if (!edi_tokenize(r, i, true, &next, &found, &terminated) || !found)
            break;
        cbec_node *seg;
        if (unb) {
            /* the syntax identifier decides the repertoire of everything,
             * UNB included, so read it before building the segment */
            const edi_tok *id = NULL, *ver = NULL;
            for (size_t k = 0; k < r->ntoks; k++) {
                if (r->toks[k].elem == 1 && r->toks[k].comp == 0)
                    id = &r->toks[k];
                if (r->toks[k].elem == 1 && r->toks[k].comp == 1)
                    ver = &r->toks[k];
            }
            /* the identifier may be folded over lines or hold a release */
            char idbuf[16];
            size_t idn = 0;
            for (size_t k = 0; id && k < id->rawlen && idn < sizeof idbuf; k++) {
                int c = (unsigned char)id->raw[k];
                if (c == '\r' || c == '\n')
                    continue;
                if (c == r->sep_rel && k + 1 < id->rawlen)
                    c = (unsigned char)id->raw[++k];
                idbuf[idn++] = (char)c;
            }
            bool known = id && edi_set_repertoire(r, idbuf, idn);
            if (!known)
                edi_set_repertoire(r, "", 0);
            unsigned v = ver && ver->rawlen == 1 && ver->raw[0] >= '1' && ver->raw[0] <= '4'
                             ? (unsigned)(ver->raw[0] - '0') : 0;
            bool had_una = st.una_pending;
            int rep = had_una ? st.una_rep : (v >= 4 ? '*' : -1);
            seg = edi_build_segment(r);
            if (!seg)
                break;
            segment(&st, seg);
            cbec_edi_interchange_info *x = cur_ic(&st);
            if (x) {
                x->repetition_sep = rep >= 0 ? (char)rep : 0;
                x->decimal = decimal;
            }
            r->sep_rep = rep;
            if (!known && id && id->rawlen) {
                size_t n = id->rawlen;
                char en[200], zh[200];
                (void)n;
                snprintf(en, sizeof en,
                         "UNB: syntax identifier \"%.*s\" is not known: the character repertoire was not checked",
                         (int)idn, idbuf);
                snprintf(zh, sizeof zh, "UNB：未知的语法标识“%.*s”：未检查字符集", (int)idn, idbuf);
                issue_at(r, CBEC_EDI_P_SYNTAX_ID, seg, 1, 1, en, zh);
            }
        } else {
            seg = edi_build_segment(r);
            if (!seg)
                break;
            segment(&st, seg);
        }
        if (!terminated)
            unterminated(r, seg, "UNZ");
        i = next;
        if (r->oom || r->limit)
            break;
    }
    if (r->oom) {
        *oom = true;
        return false;
    }
    if (r->limit) {
        cbec__read_error_nodes(e, r->max_nodes);
        return false;
    }
    if (!r->info.ninterchanges) {
        cbec__read_error_set(e, "CBEC-EDI-SYNTAX", 0, false, "the input holds no EDIFACT segment", "输入中没有 EDIFACT 段");
        return false;
    }
    cbec_span end = edi_span_offset(r, len);
    close_open(&st, r->ordinal, &end, NULL);
    cbec_edi_interchange_info *x = cur_ic(&st);
    if (x && x->header && !st.after_trailer)
        missing_segment(r, "UNZ", NULL, &end, CBEC_EDI_P_TRUNCATED);
    return edi_finish(r, doc, e, oom);
}
