/* x12.c - the ANSI ASC X12 reader: the fixed-width ISA header that names
 * the separators, the ISA/GS/ST/SE/GE/IEA envelopes with their control
 * numbers and counts, TA1 acknowledgements, and several interchanges in one
 * input (mailbags). */
#include "doc/edi-read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISA01..ISA16 are fixed width; ISA16 is the component separator. */
static const unsigned isa_width[17] = {0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1};
static const char *const isa_name[17] = {
    "",
    "authorization information qualifier",
    "authorization information",
    "security information qualifier",
    "security information",
    "interchange sender ID qualifier",
    "interchange sender ID",
    "interchange receiver ID qualifier",
    "interchange receiver ID",
    "interchange date",
    "interchange time",
    "repetition separator / standards identifier",
    "interchange control version number",
    "interchange control number",
    "acknowledgment requested",
    "usage indicator",
    "component element separator",
};

typedef struct x12_state {
    cbec_edi_reader *r;
    bool have_ic;
    size_t ic_index;
    bool in_group, in_set, after_trailer, seen_first;
    size_t group_index, set_index;
    uint32_t sets_in_group;
} x12_state;

static cbec_edi_interchange_info *cur_ic(x12_state *st)
{
    return st->have_ic ? &st->r->info.interchanges[st->ic_index] : NULL;
}

static void issue_at(cbec_edi_reader *r, int problem, const cbec_node *seg, unsigned pos, const char *en,
                     const char *zh)
{
    cbec_span sp = edi_span_at(seg, pos, 0);
    edi_issue(r, problem, CBEC_SEVERITY_ERROR, &sp, en, zh);
}

/* A value kept NUL-terminated for the interchange facts. */
static const char *val(cbec_edi_reader *r, const cbec_node *seg, unsigned pos)
{
    size_t n;
    const char *s = edi_value(seg, pos, 1, &n);
    return edi_keep(r, s, n);
}

static bool need(cbec_edi_reader *r, const cbec_node *seg, unsigned pos, const char *name)
{
    size_t n;
    edi_value(seg, pos, 1, &n);
    if (n)
        return true;
    const char *tag = cbec__edi_tag(seg, NULL);
    char en[200], zh[200];
    snprintf(en, sizeof en, "%s%02u (%s) is missing", tag, pos, name);
    snprintf(zh, sizeof zh, "缺少 %s%02u（%s）", tag, pos, name);
    issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, pos, en, zh);
    return false;
}

/* An N0 control value of min..max digits. */
static bool digits(cbec_edi_reader *r, const cbec_node *seg, unsigned pos, const char *name, size_t min,
                   size_t max, uint64_t *out)
{
    size_t n;
    const char *s = edi_value(seg, pos, 1, &n);
    if (!n)
        return need(r, seg, pos, name);
    uint64_t v;
    if (n >= min && n <= max && edi_count(s, n, &v)) {
        if (out)
            *out = v;
        return true;
    }
    const char *tag = cbec__edi_tag(seg, NULL);
    char en[240], zh[240];
    snprintf(en, sizeof en, "%s%02u (%s) \"%.*s\" must be %zu to %zu digits", tag, pos, name, (int)(n > 40 ? 40 : n),
             s, min, max);
    snprintf(zh, sizeof zh, "%s%02u（%s）“%.*s”应为 %zu 至 %zu 位数字", tag, pos, name, (int)(n > 40 ? 40 : n), s,
             min, max);
    issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, pos, en, zh);
    return false;
}

static void check_ref(cbec_edi_reader *r, const cbec_node *trailer, unsigned pos, const char *want,
                      const char *name, cbec_edi_message_info *m)
{
    size_t n;
    const char *got = edi_value(trailer, pos, 1, &n);
    if (!n) {
        need(r, trailer, pos, name);
        return;
    }
    if (strlen(want) == n && memcmp(want, got, n) == 0)
        return;
    const char *tag = cbec__edi_tag(trailer, NULL);
    char en[300], zh[300];
    snprintf(en, sizeof en, "%s%02u (%s) \"%.*s\" differs from the header's \"%.60s\"", tag, pos, name,
             (int)(n > 60 ? 60 : n), got, want);
    snprintf(zh, sizeof zh, "%s%02u（%s）“%.*s”与头段的“%.60s”不一致", tag, pos, name, (int)(n > 60 ? 60 : n),
             got, want);
    issue_at(r, CBEC_EDI_P_CONTROL_REF, trailer, pos, en, zh);
    if (m && !m->envelope_problem)
        m->envelope_problem = CBEC_EDI_P_CONTROL_REF;
}

static void check_count(cbec_edi_reader *r, const cbec_node *trailer, unsigned pos, size_t maxdigits,
                        uint64_t actual, const char *name, cbec_edi_message_info *m)
{
    uint64_t got;
    if (!digits(r, trailer, pos, name, 1, maxdigits, &got) || got == actual)
        return;
    const char *tag = cbec__edi_tag(trailer, NULL);
    char en[240], zh[240];
    snprintf(en, sizeof en, "%s%02u (%s) says %llu, the interchange holds %llu", tag, pos, name,
             (unsigned long long)got, (unsigned long long)actual);
    snprintf(zh, sizeof zh, "%s%02u（%s）声明为 %llu，实际为 %llu", tag, pos, name, (unsigned long long)got,
             (unsigned long long)actual);
    issue_at(r, CBEC_EDI_P_COUNT, trailer, pos, en, zh);
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
        snprintf(en, sizeof en, "%s missing at the end of the input", tag);
        snprintf(zh, sizeof zh, "输入结尾缺少 %s", tag);
    }
    edi_issue(r, problem, CBEC_SEVERITY_ERROR, at, en, zh);
}

static void close_set(x12_state *st, uint32_t last, const cbec_span *at, const char *before)
{
    cbec_edi_message_info *m = &st->r->info.messages[st->set_index];
    m->last = last;
    if (at) {
        int p = before ? CBEC_EDI_P_ENVELOPE_MISSING : CBEC_EDI_P_TRUNCATED;
        missing_segment(st->r, "SE", before, at, p);
        if (!m->envelope_problem)
            m->envelope_problem = (uint8_t)p;
    }
    st->in_set = false;
}

static void close_group(x12_state *st, const cbec_span *at, const char *before)
{
    cbec_edi_group_info *g = &st->r->info.groups[st->group_index];
    g->nmessages = st->sets_in_group;
    if (at)
        missing_segment(st->r, "GE", before, at, before ? CBEC_EDI_P_ENVELOPE_MISSING : CBEC_EDI_P_TRUNCATED);
    st->in_group = false;
}

static void close_open(x12_state *st, uint32_t last, const cbec_span *at, const char *before)
{
    if (st->in_set)
        close_set(st, last, at, before);
    if (st->in_group)
        close_group(st, at, before);
}

static void outside(x12_state *st, const cbec_node *seg, const char *where_en, const char *where_zh)
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
    if (n < 2 || n > 3)
        return false;
    if (!cbec__is_upper(t[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!cbec__is_upper(t[i]) && !cbec__is_digit(t[i]))
            return false;
    return true;
}

/* Read the ISA header at src + i: find its separators, tokenize it (on the
 * element separator only: ISA16 is the component separator itself) and
 * check its fixed widths and values.  Returns false when it is too broken
 * to read further (*e filled), else sets *next. */
static bool read_isa(x12_state *st, size_t i, size_t *next, cbec_read_error *e)
{
    cbec_edi_reader *r = st->r;
    const char *src = r->src;
    size_t len = r->len;
    if (len - i < 4) {
        cbec__read_error_set(e, "CBEC-EDI-TRUNCATED", i, true, "the interchange header ISA is cut short",
                             "交换头段 ISA 不完整");
        return false;
    }
    /* a separator is one byte, or one UTF-8 character in a file that was
     * converted from a single-byte code page */
    size_t elen = (unsigned char)src[i + 3] < 0x80 ? 1 : edi_utf8_len((const unsigned char *)src + i + 3, len - i - 3);
    if (!elen)
        elen = 1;
    const char *ebytes = src + i + 3;
    size_t sep[17];
    size_t p = i + 3;
    sep[1] = p;
    for (unsigned k = 2; k <= 16; k++) {
        p += elen;
        while (p < len && !(len - p >= elen && memcmp(src + p, ebytes, elen) == 0))
            p++;
        if (p >= len) {
            cbec__read_error_set(e, "CBEC-EDI-TRUNCATED", i, true,
                                 "the interchange header ISA does not have its 16 elements",
                                 "交换头段 ISA 不足 16 个数据元");
            return false;
        }
        sep[k] = p;
    }
    size_t c0 = sep[16] + elen;
    size_t clen = c0 < len ? ((unsigned char)src[c0] < 0x80 ? 1 : edi_utf8_len((const unsigned char *)src + c0, len - c0)) : 0;
    if (c0 < len && !clen)
        clen = 1;
    size_t t0 = c0 + clen;
    size_t tlen = t0 < len ? ((unsigned char)src[t0] < 0x80 ? 1 : edi_utf8_len((const unsigned char *)src + t0, len - t0)) : 0;
    if (t0 < len && !tlen)
        tlen = 1;
    if (!clen || !tlen) {
        cbec__read_error_set(e, "CBEC-EDI-TRUNCATED", i, true, "the interchange header ISA ends before its terminator",
                             "交换头段 ISA 在终止符前结束");
        return false;
    }
    int elem = (unsigned char)src[i + 3];
    int comp = (unsigned char)src[c0];
    int term = (unsigned char)src[t0];
    if ((elen == clen && memcmp(src + i + 3, src + c0, elen) == 0) ||
        (elen == tlen && memcmp(src + i + 3, src + t0, elen) == 0) ||
        (clen == tlen && memcmp(src + c0, src + t0, clen) == 0)) {
        cbec__read_error_set(e, "CBEC-EDI-SEPARATORS", c0, true,
                             "ISA: the element separator, component separator and segment terminator must differ",
                             "ISA：数据元分隔符、组成数据元分隔符和段终止符必须互不相同");
        return false;
    }
    /* the tokens come from the separator positions: ISA fields may hold
     * the terminator character (a space terminator and blank ISA02) */
    edi_set_sep(r, EDI_SEP_ELEM, src + i + 3, elen);
    edi_set_sep(r, EDI_SEP_COMP, src + c0, clen);
    edi_set_sep(r, EDI_SEP_TERM, src + t0, tlen);
    edi_set_sep(r, EDI_SEP_REP, NULL, 0);
    r->sep_rel = -1;
    r->ntoks = 0;
    if (r->tokcap < 17) {
        edi_tok *t = realloc(r->toks, 17 * sizeof *t);
        if (!t) {
            r->oom = true;
            return false;
        }
        r->toks = t;
        r->tokcap = 17;
    }
    r->toks[0] = (edi_tok){src + i, 3, (uint32_t)i, 0, 0, 0};
    for (unsigned k = 1; k <= 16; k++) {
        size_t a = sep[k] + elen, b = k < 16 ? sep[k + 1] : t0;
        r->toks[k] = (edi_tok){src + a, (uint32_t)(b - a), (uint32_t)a, k, 0, 0};
    }
    r->ntoks = 17;
    *next = t0 + tlen;
    edi_set_repertoire(r, "", 0);
    r->rep = EDI_REP_X12;
    r->rep_name = "X12";
    cbec_node *seg = edi_build_segment(r);
    if (!seg)
        return false;
    if (!edi_add_interchange(r))
        return false;
    st->have_ic = true;
    st->ic_index = r->info.ninterchanges - 1;
    st->in_group = st->in_set = st->after_trailer = false;
    cbec_edi_interchange_info *x = cur_ic(st);
    x->header = r->ordinal;
    for (unsigned k = 1; k <= 16; k++) {
        size_t a = sep[k] + elen, b = k < 16 ? sep[k + 1] : t0, w = 0;
        for (size_t q = a; q < b; q++)
            /* characters, not bytes; line folding is no character */
            w += ((unsigned char)src[q] & 0xC0) != 0x80 && src[q] != '\r' && src[q] != '\n';
        if (w != isa_width[k]) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "ISA%02u (%s) must be exactly %u characters, found %zu", k, isa_name[k],
                     isa_width[k], w);
            snprintf(zh, sizeof zh, "ISA%02u（%s）应恰为 %u 个字符，实为 %zu 个", k, isa_name[k], isa_width[k], w);
            issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, k, en, zh);
        }
    }
    x->sender_qual = val(r, seg, 5);
    x->sender = val(r, seg, 6);
    x->recipient_qual = val(r, seg, 7);
    x->recipient = val(r, seg, 8);
    x->date = val(r, seg, 9);
    x->time = val(r, seg, 10);
    x->syntax_id = val(r, seg, 11);
    x->version_text = val(r, seg, 12);
    x->control = val(r, seg, 13);
    x->ack_requested = val(r, seg, 14);
    x->test = val(r, seg, 15);
    size_t n;
    const char *v = edi_value(seg, 9, 1, &n);
    if (n == 6 && !edi_date_ok(v, n))
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 9, "ISA09 (interchange date) is not a date YYMMDD",
                 "ISA09（交换日期）不是有效日期 YYMMDD");
    v = edi_value(seg, 10, 1, &n);
    if (n == 4 && !edi_time_ok(v, n))
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 10, "ISA10 (interchange time) is not a time HHMM",
                 "ISA10（交换时间）不是有效时间 HHMM");
    uint64_t ver = 0;
    v = edi_value(seg, 12, 1, &n);
    if (n == 5 && !edi_count(v, n, &ver))
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 12, "ISA12 (control version number) must be 5 digits",
                 "ISA12（控制版本号）应为 5 位数字");
    x->syntax_version = (unsigned)ver;
    v = edi_value(seg, 13, 1, &n);
    uint64_t ctl;
    if (n == 9 && !edi_count(v, n, &ctl))
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 13, "ISA13 (interchange control number) must be 9 digits",
                 "ISA13（交换控制号）应为 9 位数字");
    v = edi_value(seg, 14, 1, &n);
    if (n == 1 && v[0] != '0' && v[0] != '1')
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 14, "ISA14 (acknowledgment requested) must be 0 or 1",
                 "ISA14（是否要求确认）应为 0 或 1");
    v = edi_value(seg, 15, 1, &n);
    if (n == 1 && v[0] != 'P' && v[0] != 'T' && v[0] != 'I')
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 15, "ISA15 (usage indicator) must be P, T or I",
                 "ISA15（用途标识）应为 P、T 或 I");
    /* from version 00402 on, ISA11 is the repetition separator */
    const char *rp = edi_value(seg, 11, 1, &n);
    int rep = n ? (unsigned char)rp[0] : 0;
    if (ver >= 402 && n >= 1 && !cbec__is_alnum(rep) && rep != ' ' && rep != elem && rep != comp && rep != term &&
        (n == 1 || edi_utf8_len((const unsigned char *)rp, n) == n))
        edi_set_sep(r, EDI_SEP_REP, rp, n);
    for (int k = 0; k < 3; k++) {
        int c = k == 0 ? elem : k == 1 ? comp : term;
        if (cbec__is_alnum(c)) {
            char en[160], zh[160];
            snprintf(en, sizeof en, "ISA: '%c' (a letter or digit) cannot be a %s", c,
                     k == 0 ? "element separator" : k == 1 ? "component separator" : "segment terminator");
            snprintf(zh, sizeof zh, "ISA：字母或数字“%c”不能作为%s", c,
                     k == 0 ? "数据元分隔符" : k == 1 ? "组成数据元分隔符" : "段终止符");
            issue_at(r, CBEC_EDI_P_SEPARATORS, seg, k == 0 ? 1 : 16, en, zh);
        }
    }
    if (elen > 1 || clen > 1 || tlen > 1) {
        issue_at(r, CBEC_EDI_P_SEPARATORS, seg, 16,
                 "ISA: a separator is a multi-byte UTF-8 character; X12 separators are single bytes (was the file converted from another code page?)",
                 "ISA：分隔符是多字节 UTF-8 字符，而 X12 分隔符应为单字节（文件是否经过代码页转换？）");
    }
    /* acknowledgements reuse the separators; a multi-byte one is replaced
     * by the usual '*', ':' or '~' there */
    x->element_sep = elen == 1 ? (char)elem : '*';
    x->component_sep = clen == 1 ? (char)comp : ':';
    x->segment_term = tlen == 1 ? (char)term : '~';
    x->repetition_sep = r->sep_rep >= 0 && r->sep_len[EDI_SEP_REP] == 1 ? (char)r->sep_rep : 0;
    return true;
}

static void read_gs(x12_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_group_info *g = edi_add_group(r);
    if (!g)
        return;
    st->group_index = r->info.ngroups - 1;
    st->in_group = true;
    st->sets_in_group = 0;
    g->header = r->ordinal;
    need(r, seg, 1, "functional identifier code");
    need(r, seg, 2, "application sender's code");
    need(r, seg, 3, "application receiver's code");
    size_t n;
    const char *v = edi_value(seg, 4, 1, &n);
    if (need(r, seg, 4, "date") && !((n == 8 || n == 6) && edi_date_ok(v, n))) {
        char en[200], zh[200];
        snprintf(en, sizeof en, "GS04 (date) \"%.*s\" is not a date CCYYMMDD", (int)(n > 30 ? 30 : n), v);
        snprintf(zh, sizeof zh, "GS04（日期）“%.*s”不是有效日期 CCYYMMDD", (int)(n > 30 ? 30 : n), v);
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 4, en, zh);
    }
    v = edi_value(seg, 5, 1, &n);
    if (need(r, seg, 5, "time") && !edi_time_ok(v, n)) {
        char en[200], zh[200];
        snprintf(en, sizeof en, "GS05 (time) \"%.*s\" is not a time HHMM[SS[dd]]", (int)(n > 30 ? 30 : n), v);
        snprintf(zh, sizeof zh, "GS05（时间）“%.*s”不是有效时间 HHMM[SS[dd]]", (int)(n > 30 ? 30 : n), v);
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 5, en, zh);
    }
    digits(r, seg, 6, "group control number", 1, 9, NULL);
    v = edi_value(seg, 7, 1, &n);
    if (need(r, seg, 7, "responsible agency code") && !(n == 1 && (v[0] == 'X' || v[0] == 'T')))
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 7, "GS07 (responsible agency code) must be X or T",
                 "GS07（负责机构代码）应为 X 或 T");
    need(r, seg, 8, "version / release / industry identifier code");
    g->id = val(r, seg, 1);
    g->sender = val(r, seg, 2);
    g->recipient = val(r, seg, 3);
    g->ref = val(r, seg, 6);
    g->agency = val(r, seg, 7);
    g->version = val(r, seg, 8);
}

static void read_st(x12_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_message_info *m = edi_add_message(r);
    if (!m)
        return;
    st->set_index = r->info.nmessages - 1;
    st->in_set = true;
    m->header = m->last = r->ordinal;
    m->group = st->in_group ? (uint32_t)st->group_index + 1 : 0;
    m->type = val(r, seg, 1);
    m->ref = val(r, seg, 2);
    m->assoc = val(r, seg, 3);
    m->version = st->in_group ? r->info.groups[st->group_index].version : "";
    size_t n;
    const char *v = edi_value(seg, 1, 1, &n);
    bool ok = need(r, seg, 1, "transaction set identifier code");
    if (n && (n != 3 || !edi_count(v, n, &(uint64_t){0}))) {
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 1, "ST01 (transaction set identifier code) must be 3 digits",
                 "ST01（交易集标识代码）应为 3 位数字");
        ok = false;
    }
    v = edi_value(seg, 2, 1, &n);
    if (!need(r, seg, 2, "transaction set control number")) {
        ok = false;
    } else if (n < 4 || n > 9) {
        issue_at(r, CBEC_EDI_P_HEADER_VALUE, seg, 2, "ST02 (transaction set control number) must be 4 to 9 characters",
                 "ST02（交易集控制号）应为 4 至 9 个字符");
        ok = false;
    }
    if (!ok)
        m->envelope_problem = CBEC_EDI_P_HEADER_VALUE;
    cbec_edi_info *in = &r->info;
    size_t first = st->in_group ? in->groups[st->group_index].first_message : cur_ic(st)->first_message;
    for (size_t i = first; n && i + 1 < in->nmessages; i++) {
        if (in->messages[i].group == m->group && strcmp(in->messages[i].ref, m->ref) == 0) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "ST02 (transaction set control number) \"%.20s\" is used by an earlier set of the group",
                     m->ref);
            snprintf(zh, sizeof zh, "ST02（交易集控制号）“%.20s”已被本功能组中之前的交易集使用", m->ref);
            issue_at(r, CBEC_EDI_P_DUPLICATE, seg, 2, en, zh);
            if (!m->envelope_problem)
                m->envelope_problem = CBEC_EDI_P_DUPLICATE;
            break;
        }
    }
}

static void segment(x12_state *st, const cbec_node *seg)
{
    cbec_edi_reader *r = st->r;
    cbec_edi_info *in = &r->info;
    cbec_edi_interchange_info *x = cur_ic(st);
    size_t tn;
    const char *tag = cbec__edi_tag(seg, &tn);
    if (!valid_tag(tag, tn)) {
        char en[200], zh[200];
        snprintf(en, sizeof en, "segment ID \"%.*s\" is not 2 or 3 upper-case letters or digits",
                 (int)(tn > 20 ? 20 : tn), tag);
        snprintf(zh, sizeof zh, "段标识“%.*s”不是 2 至 3 位大写字母或数字", (int)(tn > 20 ? 20 : tn), tag);
        cbec_span sp = seg->span;
        edi_issue(r, CBEC_EDI_P_SEGMENT_TAG, CBEC_SEVERITY_ERROR, &sp, en, zh);
    }
    if (st->after_trailer) {
        outside(st, seg, "after the interchange trailer IEA", "位于交换尾段 IEA 之后");
        return;
    }
    if (cbec__streq(tag, tn, "IEA")) {
        close_open(st, r->ordinal - 1, &seg->span, "IEA");
        x->trailer = r->ordinal;
        st->after_trailer = true;
        check_count(r, seg, 1, 5, x->ngroups, "number of included functional groups", NULL);
        check_ref(r, seg, 2, x->control, "interchange control number", NULL);
        return;
    }
    /* interchange acknowledgments and interchange service requests stand
     * between ISA and the first GS */
    if (cbec__streq(tag, tn, "TA1") || cbec__streq(tag, tn, "TA3") || cbec__streq(tag, tn, "ISB") ||
        cbec__streq(tag, tn, "ISE")) {
        if (st->in_group || x->ngroups)
            outside(st, seg, "after a functional group (interchange-level segments belong right after ISA)",
                    "位于功能组之后（交换级段应紧跟 ISA）");
        else
            edi_add_service(r, r->ordinal, (uint32_t)st->ic_index);
        return;
    }
    if (cbec__streq(tag, tn, "GS")) {
        close_open(st, r->ordinal - 1, &seg->span, "GS");
        read_gs(st, seg);
        return;
    }
    if (cbec__streq(tag, tn, "GE")) {
        if (st->in_set)
            close_set(st, r->ordinal - 1, &seg->span, "GE");
        if (!st->in_group) {
            outside(st, seg, "closes no functional group", "没有对应的功能组");
            return;
        }
        cbec_edi_group_info *g = &in->groups[st->group_index];
        g->trailer = r->ordinal;
        close_group(st, NULL, NULL);
        check_count(r, seg, 1, 6, g->nmessages, "number of transaction sets included", NULL);
        check_ref(r, seg, 2, g->ref, "group control number", NULL);
        if (!g->nmessages) {
            cbec_span sp = seg->span;
            edi_issue(r, CBEC_EDI_P_EMPTY, CBEC_SEVERITY_WARNING, &sp, "the functional group holds no transaction set",
                      "功能组中没有交易集");
        }
        return;
    }
    if (cbec__streq(tag, tn, "ST")) {
        if (st->in_set)
            close_set(st, r->ordinal - 1, &seg->span, "ST");
        if (!st->in_group) {
            cbec_span sp = seg->span;
            edi_issue(r, CBEC_EDI_P_ENVELOPE_OUTSIDE, CBEC_SEVERITY_ERROR, &sp,
                      "transaction set header ST outside a functional group (GS missing)",
                      "交易集头段 ST 位于功能组之外（缺少 GS）");
        } else {
            st->sets_in_group++;
        }
        read_st(st, seg);
        return;
    }
    if (cbec__streq(tag, tn, "SE")) {
        if (!st->in_set) {
            outside(st, seg, "closes no transaction set", "没有对应的交易集");
            return;
        }
        cbec_edi_message_info *m = &in->messages[st->set_index];
        m->trailer = r->ordinal;
        close_set(st, r->ordinal, NULL, NULL);
        check_count(r, seg, 1, 10, (uint64_t)m->trailer - m->header + 1, "number of included segments", m);
        check_ref(r, seg, 2, m->ref, "transaction set control number", m);
        return;
    }
    if (st->in_set) {
        in->messages[st->set_index].last = r->ordinal;
        return;
    }
    outside(st, seg, "outside a transaction set", "位于交易集之外");
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

bool cbec__x12_read(cbec_edi_reader *r, const char *src, size_t len, const cbec_read_limits *lim,
                    cbec_arena *arena, cbec_doc *doc, cbec_read_error *e, bool *oom)
{
    *oom = false;
    memset(doc, 0, sizeof *doc);
    edi_begin(r, CBEC_FORMAT_X12, src, len, lim, arena);
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
    if (len - i < 4 || memcmp(src + i, "ISA", 3) != 0 || cbec__is_alnum(src[i + 3])) {
        cbec__read_error_set(e, "CBEC-EDI-SYNTAX", i, true, "an X12 interchange starts with the interchange header ISA",
                             "X12 交换应以交换头段 ISA 开头");
        return false;
    }
    x12_state st;
    memset(&st, 0, sizeof st);
    st.r = r;
    r->rep = EDI_REP_X12;
    r->rep_name = "X12";
    for (;;) {
        i = edi_skip_space(r, i);
        if (i >= len)
            break;
        if (len - i >= 4 && memcmp(src + i, "ISA", 3) == 0 && !cbec__is_alnum(src[i + 3])) {
            cbec_edi_interchange_info *x = cur_ic(&st);
            if (x && !st.after_trailer) {
                cbec_span sp = edi_span_offset(r, i);
                close_open(&st, r->ordinal, &sp, "ISA");
                missing_segment(r, "IEA", "ISA", &sp, CBEC_EDI_P_ENVELOPE_MISSING);
            }
            size_t next;
            cbec_read_error e2;
            if (!read_isa(&st, i, &next, &e2)) {
                if (r->oom || r->limit)
                    break;
                if (!st.have_ic) {
                    *e = e2;
                    return false;
                }
                /* a later header too broken to read: report it, stop there */
                cbec_span sp = edi_span_offset(r, i);
                edi_issue(r, CBEC_EDI_P_TRUNCATED, CBEC_SEVERITY_ERROR, &sp, e2.message_en, e2.message_zh);
                break;
            }
            st.seen_first = true;
            i = next;
            continue;
        }
        size_t next;
        bool found, terminated;
        if (!edi_tokenize(r, i, true, &next, &found, &terminated) || !found)
            break;
        cbec_node *seg = edi_build_segment(r);
        if (!seg)
            break;
        segment(&st, seg);
        if (!terminated)
            unterminated(r, seg, "IEA");
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
    cbec_span end = edi_span_offset(r, len);
    close_open(&st, r->ordinal, &end, NULL);
    if (st.have_ic && !st.after_trailer)
        missing_segment(r, "IEA", NULL, &end, CBEC_EDI_P_TRUNCATED);
    return edi_finish(r, doc, e, oom);
}
