/* edi.c - what the EDIFACT and X12 readers share: the problem table with its
 * acknowledgement codes, segment tokenizing, repertoire checks and
 * conversion to UTF-8, node building with positions, tree assembly, and the
 * interchange summary reports keep for acknowledgements. */
#include "doc/edi-read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/edi-charsets.inc"

/* ---- problems ---- */

/* Codes: X12 720/620 (segment), 723/621 (element), 718/618 (transaction
 * set), 716 (group); UN/EDIFACT 0085 (syntax error, coded). */
static const cbec_edi_problem_info problems[CBEC_EDI_P_COUNT_] = {
    [CBEC_EDI_P_TRUNCATED] = {"CBEC-EDI-TRUNCATED", 0, 0, 2, 3, 13,
                              "the interchange is truncated", "交换不完整（被截断）"},
    [CBEC_EDI_P_SEPARATORS] = {"CBEC-EDI-SEPARATORS", 0, 0, 0, 0, 20,
                               "unusable separators", "分隔符不可用"},
    [CBEC_EDI_P_ENVELOPE_MISSING] = {"CBEC-EDI-ENVELOPE", 0, 0, 2, 3, 13,
                                     "an envelope segment is missing", "缺少信封段"},
    [CBEC_EDI_P_ENVELOPE_OUTSIDE] = {"CBEC-EDI-OUTSIDE", 2, 0, 0, 0, 33,
                                     "a segment outside its envelope", "段位于信封之外"},
    [CBEC_EDI_P_HEADER_VALUE] = {"CBEC-EDI-HEADER", 0, 0, 0, 0, 12,
                                 "an invalid envelope value", "信封字段值无效"},
    [CBEC_EDI_P_CONTROL_REF] = {"CBEC-EDI-CONTROL-REF", 0, 0, 3, 4, 28,
                                "control references do not match", "控制参考号不一致"},
    [CBEC_EDI_P_COUNT] = {"CBEC-EDI-COUNT", 0, 0, 4, 5, 29,
                          "a control count does not match", "控制计数不符"},
    [CBEC_EDI_P_SYNTAX_ID] = {"CBEC-EDI-SYNTAX-ID", 0, 0, 0, 2, 2,
                              "syntax identifier or version not supported", "语法标识或版本不受支持"},
    [CBEC_EDI_P_CHARSET] = {"CBEC-EDI-CHARSET", 8, 6, 5, 0, 21,
                            "a character outside the repertoire", "字符不在字符集内"},
    [CBEC_EDI_P_SEGMENT_TAG] = {"CBEC-EDI-SEGMENT-TAG", 1, 0, 5, 0, 22,
                                "a malformed segment tag", "段标签格式错误"},
    [CBEC_EDI_P_EMPTY] = {"CBEC-EDI-EMPTY", 0, 0, 0, 0, 32,
                          "an envelope without messages", "信封中没有报文"},
    [CBEC_EDI_P_DUPLICATE] = {"CBEC-EDI-DUPLICATE", 0, 0, 23, 0, 26,
                              "a control reference used twice", "控制参考号重复"},
    [CBEC_EDI_P_MIXED] = {"CBEC-EDI-MIXED", 0, 0, 0, 0, 30,
                          "functional groups and messages mixed", "功能组与报文混用"},
    [CBEC_EDI_P_UNKNOWN_TYPE] = {"CBEC-EDI-UNKNOWN-TYPE", 0, 0, 1, 0, 0,
                                 "no loaded pack defines the message type", "没有规则包定义该报文类型"},
    [CBEC_EDI_P_NOT_CHECKED] = {"CBEC-EDI-NOT-CHECKED", 0, 0, 0, 0, 0,
                                "a message of another type was not checked", "其他类型的报文未检查"},
    [CBEC_EDI_P_SEG_UNKNOWN] = {"CBEC-EDI-SEGMENT-UNKNOWN", 6, 0, 5, 0, 15,
                                "a segment the message does not define", "报文未定义的段"},
    [CBEC_EDI_P_SEG_UNEXPECTED] = {"CBEC-EDI-SEGMENT-UNEXPECTED", 2, 0, 5, 0, 15,
                                   "a segment out of its place", "段的位置不正确"},
    [CBEC_EDI_P_SEG_MISSING] = {"CBEC-EDI-SEGMENT-MISSING", 3, 0, 5, 0, 13,
                                "a mandatory segment is missing", "缺少必备段"},
    [CBEC_EDI_P_SEG_TOO_MANY] = {"CBEC-EDI-SEGMENT-REPEAT", 5, 0, 5, 0, 35,
                                 "a segment repeats too often", "段重复次数过多"},
    [CBEC_EDI_P_LOOP_TOO_MANY] = {"CBEC-EDI-GROUP-REPEAT", 4, 0, 5, 0, 36,
                                  "a segment group repeats too often", "段组重复次数过多"},
    [CBEC_EDI_P_ELEM_MISSING] = {"CBEC-EDI-ELEMENT-MISSING", 8, 1, 5, 0, 13,
                                 "a mandatory data element is missing", "缺少必备数据元"},
    [CBEC_EDI_P_ELEM_CONDITION] = {"CBEC-EDI-ELEMENT-CONDITION", 8, 2, 5, 0, 13,
                                   "a conditional data element is required", "条件数据元必须出现"},
    [CBEC_EDI_P_ELEM_EXCLUSION] = {"CBEC-EDI-ELEMENT-EXCLUSION", 8, 10, 5, 0, 15,
                                   "data elements that exclude each other", "互斥的数据元同时出现"},
    [CBEC_EDI_P_ELEM_TOO_MANY] = {"CBEC-EDI-ELEMENT-EXTRA", 8, 3, 5, 0, 16,
                                  "too many data elements", "数据元过多"},
    [CBEC_EDI_P_ELEM_TOO_SHORT] = {"CBEC-EDI-ELEMENT-SHORT", 8, 4, 5, 0, 40,
                                   "a data element is too short", "数据元过短"},
    [CBEC_EDI_P_ELEM_TOO_LONG] = {"CBEC-EDI-ELEMENT-LONG", 8, 5, 5, 0, 39,
                                  "a data element is too long", "数据元过长"},
    [CBEC_EDI_P_ELEM_BAD_CHAR] = {"CBEC-EDI-ELEMENT-TYPE", 8, 6, 5, 0, 37,
                                  "a character the data type does not allow", "字符不符合数据类型"},
    [CBEC_EDI_P_ELEM_BAD_CODE] = {"CBEC-EDI-ELEMENT-CODE", 8, 7, 5, 0, 12,
                                  "a value outside the code list", "代码不在代码表内"},
    [CBEC_EDI_P_ELEM_BAD_DATE] = {"CBEC-EDI-ELEMENT-DATE", 8, 8, 5, 0, 12,
                                  "an invalid date", "日期无效"},
    [CBEC_EDI_P_ELEM_BAD_TIME] = {"CBEC-EDI-ELEMENT-TIME", 8, 9, 5, 0, 12,
                                  "an invalid time", "时间无效"},
    [CBEC_EDI_P_ELEM_TOO_MANY_REPS] = {"CBEC-EDI-ELEMENT-REPEAT", 8, 12, 5, 0, 35,
                                       "a data element repeats too often", "数据元重复次数过多"},
    [CBEC_EDI_P_ELEM_TOO_MANY_COMPONENTS] = {"CBEC-EDI-COMPONENT-EXTRA", 8, 13, 5, 0, 16,
                                             "too many components", "组成数据元过多"},
};

const cbec_edi_problem_info *cbec__edi_problem(int problem)
{
    if (problem <= CBEC_EDI_P_NONE || problem >= CBEC_EDI_P_COUNT_)
        return NULL;
    return &problems[problem];
}

int cbec__edi_problem_by_rule(const char *rule)
{
    if (!rule || strncmp(rule, "CBEC-EDI-", 9) != 0)
        return CBEC_EDI_P_NONE;
    for (int p = 1; p < CBEC_EDI_P_COUNT_; p++)
        if (strcmp(problems[p].rule, rule) == 0)
            return p;
    return CBEC_EDI_P_NONE;
}

/* ---- reader state ---- */

cbec_edi_reader *cbec__edi_reader_new(void) { return cbec__calloc(1, sizeof(cbec_edi_reader)); }

void cbec__edi_reader_free(cbec_edi_reader *r)
{
    if (!r)
        return;
    free(r->toks);
    free(r->segv);
    free(r->info.segments);
    free(r->info.interchanges);
    free(r->info.groups);
    free(r->info.messages);
    free(r->info.issues);
    free(r->service);
    free(r->service_ic);
    free(r);
}

const cbec_edi_info *cbec__edi_info(const cbec_doc *doc)
{
    if (!doc || (doc->format != CBEC_FORMAT_EDIFACT && doc->format != CBEC_FORMAT_X12))
        return NULL;
    return doc->reader_state;
}

void edi_begin(cbec_edi_reader *r, int format, const char *src, size_t len, const cbec_read_limits *lim,
               cbec_arena *arena)
{
    cbec_edi_info keep = r->info;
    memset(&r->info, 0, sizeof r->info);
    r->info.segments = keep.segments;
    r->info.interchanges = keep.interchanges;
    r->info.groups = keep.groups;
    r->info.messages = keep.messages;
    r->info.issues = keep.issues;
    r->info.format = format;
    r->src = src;
    r->len = len;
    r->arena = arena;
    r->nodes = 0;
    r->max_nodes = lim && lim->max_nodes ? lim->max_nodes : 4000000;
    r->oom = r->limit = false;
    r->cur = 0;
    r->line = 1;
    r->col = 1;
    r->cur_cr = false;
    r->sep_elem = r->sep_comp = r->sep_rep = r->sep_term = r->sep_rel = -1;
    memset(r->sep_len, 1, sizeof r->sep_len);
    r->rep = EDI_REP_LEVEL_A;
    r->high = NULL;
    r->rep_name = "UNOA";
    r->charset_reported = false;
    r->ntoks = 0;
    r->ordinal = 0;
    r->nservice = 0;
}

void edi_set_sep(cbec_edi_reader *r, int which, const char *p, size_t n)
{
    int first = n ? (unsigned char)p[0] : -1;
    if (n > 4)
        n = 4;
    r->sep_len[which] = (uint8_t)n;
    if (n)
        memcpy(r->sep_bytes[which], p, n);
    switch (which) {
    case EDI_SEP_ELEM: r->sep_elem = first; break;
    case EDI_SEP_COMP: r->sep_comp = first; break;
    case EDI_SEP_REP: r->sep_rep = first; break;
    default: r->sep_term = first; break;
    }
}

/* The length of separator which at src + i, 0 when it is not there. */
static size_t sep_at(const cbec_edi_reader *r, int which, int first, size_t i)
{
    if (first < 0 || (unsigned char)r->src[i] != first)
        return 0;
    size_t n = r->sep_len[which];
    if (n <= 1)
        return 1;
    if (r->len - i < n || memcmp(r->src + i, r->sep_bytes[which], n) != 0)
        return 0;
    return n;
}

/* Grow a vector to hold one more item; false when out of memory. */
static bool grow(void **v, size_t *cap, size_t used, size_t size)
{
    if (used < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    if (n > SIZE_MAX / size)
        return false;
    void *p = realloc(*v, n * size);
    if (!p)
        return false;
    *v = p;
    *cap = n;
    return true;
}

const char *edi_keep(cbec_edi_reader *r, const char *s, size_t n)
{
    if (!s)
        return "";
    char *d = cbec__arena_strndup(r->arena, s, n);
    if (!d) {
        r->oom = true;
        return "";
    }
    return d;
}

/* ---- positions ---- */

/* Line and column of offset; offsets normally come in increasing order, so
 * the scan continues from the last one (a backwards one rescans). */
static void locate(cbec_edi_reader *r, size_t offset, uint32_t *line, uint32_t *col)
{
    if (offset > r->len)
        offset = r->len;
    if (offset < r->cur) {
        r->cur = 0;
        r->line = 1;
        r->col = 1;
        r->cur_cr = false;
    }
    bool utf8 = r->rep == EDI_REP_UTF8 || r->rep == EDI_REP_X12 || r->rep == EDI_REP_UNCHECKED;
    for (size_t i = r->cur; i < offset; i++) {
        unsigned char c = (unsigned char)r->src[i];
        if (c == '\n') {
            if (!r->cur_cr)
                r->line++;
            r->col = 1;
            r->cur_cr = false;
            continue;
        }
        if (c == '\r') {
            r->line++;
            r->col = 1;
            r->cur_cr = true;
            continue;
        }
        r->cur_cr = false;
        if (!utf8 || (c & 0xC0) != 0x80)
            r->col++;
    }
    r->cur = offset;
    *line = r->line;
    *col = r->col;
}

cbec_span edi_span_offset(cbec_edi_reader *r, size_t offset)
{
    cbec_span s;
    memset(&s, 0, sizeof s);
    s.offset = (uint32_t)(offset > UINT32_MAX ? UINT32_MAX : offset);
    locate(r, offset, &s.line, &s.column);
    return s;
}

void edi_issue(cbec_edi_reader *r, int problem, int severity, const cbec_span *at, const char *en,
               const char *zh)
{
    cbec_edi_info *in = &r->info;
    if (in->nissues >= CBEC_EDI_MAX_ISSUES) {
        in->dropped++;
        return;
    }
    if (!grow((void **)&in->issues, &r->issuecap, in->nissues, sizeof *in->issues)) {
        r->oom = true;
        return;
    }
    cbec_edi_issue *is = &in->issues[in->nissues++];
    is->problem = problem;
    is->severity = severity;
    if (at) {
        is->span = *at;
    } else {
        memset(&is->span, 0, sizeof is->span);
    }
    is->en = edi_keep(r, en, strlen(en));
    is->zh = edi_keep(r, zh, strlen(zh));
}

/* ---- tokenizing ---- */

size_t edi_skip_space(const cbec_edi_reader *r, size_t i)
{
    if (i == 0 && r->len >= 3 && (unsigned char)r->src[0] == 0xEF && (unsigned char)r->src[1] == 0xBB &&
        (unsigned char)r->src[2] == 0xBF)
        i = 3;
    while (i < r->len) {
        int c = (unsigned char)r->src[i];
        if ((c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == 0x1A) &&
            c != r->sep_term &&
            c != r->sep_elem)
            i++;
        else
            break;
    }
    return i;
}

static bool add_tok(cbec_edi_reader *r, size_t start, size_t end, uint32_t elem, uint32_t rep, uint32_t comp)
{
    if (r->ntoks + r->nodes + 2 >= r->max_nodes) {
        r->limit = true;
        return false;
    }
    if (!grow((void **)&r->toks, &r->tokcap, r->ntoks, sizeof *r->toks)) {
        r->oom = true;
        return false;
    }
    edi_tok *t = &r->toks[r->ntoks++];
    t->raw = r->src + start;
    t->rawlen = (uint32_t)(end - start);
    t->offset = (uint32_t)start;
    t->elem = elem;
    t->rep = rep;
    t->comp = comp;
    return true;
}

bool edi_tokenize(cbec_edi_reader *r, size_t i, bool split, size_t *next, bool *found, bool *terminated)
{
    r->ntoks = 0;
    *found = false;
    *terminated = false;
    for (;;) {
        i = edi_skip_space(r, i);
        /* an empty segment (a stray terminator) carries nothing: skip it */
        if (i < r->len && (unsigned char)r->src[i] == r->sep_term) {
            i++;
            continue;
        }
        break;
    }
    if (i >= r->len) {
        *next = i;
        return true;
    }
    *found = true;
    uint32_t elem = 0, rep = 0, comp = 0;
    size_t start = i, n;
    while (i < r->len) {
        int c = (unsigned char)r->src[i];
        if (c == r->sep_rel) {
            i += 2; /* the next byte is data whatever it is */
            continue;
        }
        if ((n = sep_at(r, EDI_SEP_TERM, r->sep_term, i))) {
            if (!add_tok(r, start, i, elem, rep, comp))
                return false;
            *next = i + n;
            *terminated = true;
            return true;
        }
        if ((n = sep_at(r, EDI_SEP_ELEM, r->sep_elem, i))) {
            if (!add_tok(r, start, i, elem, rep, comp))
                return false;
            elem++;
            rep = comp = 0;
            i += n;
            start = i;
            continue;
        }
        if (split && elem > 0 && (n = sep_at(r, EDI_SEP_COMP, r->sep_comp, i))) {
            if (!add_tok(r, start, i, elem, rep, comp))
                return false;
            comp++;
            i += n;
            start = i;
            continue;
        }
        if (split && elem > 0 && (n = sep_at(r, EDI_SEP_REP, r->sep_rep, i))) {
            if (!add_tok(r, start, i, elem, rep, comp))
                return false;
            rep++;
            comp = 0;
            i += n;
            start = i;
            continue;
        }
        i++;
    }
    /* the input ended inside the segment (a release character at the very
     * end is cut off with it) */
    if (i > r->len)
        i = r->len;
    if (!add_tok(r, start, i, elem, rep, comp))
        return false;
    *next = r->len;
    return true;
}

/* ---- values: release characters, line folding, repertoire ---- */

static const char level_a_specials[] = " .,-()/='+:?!\"%&*;<>";

static bool in_level_a(int c)
{
    return cbec__is_upper(c) || cbec__is_digit(c) || (c && strchr(level_a_specials, c));
}

/* Level B: ISO 646 without its national variant positions 2/3 2/4 4/0
 * 5/11-5/14 6/0 7/11-7/14 (# $ @ [ \ ] ^ ` { | } ~). */
static bool in_level_b(int c)
{
    if (c < 0x20 || c > 0x7E)
        return false;
    return !strchr("#$@[\\]^`{|}~", c);
}

static size_t utf8_seq(const unsigned char *s, size_t n);

size_t edi_utf8_len(const unsigned char *s, size_t n) { return utf8_seq(s, n); }

static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t k;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[j] & 0x3F);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return k;
}

static size_t put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    d[0] = (char)(0xE0 | (cp >> 12));
    d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static const char *describe_byte(const unsigned char *s, size_t n, char *buf, size_t cap)
{
    size_t k = utf8_seq(s, n);
    if (s[0] >= 0x20 && s[0] < 0x7F)
        snprintf(buf, cap, "'%c'", s[0]);
    else if (k > 1)
        snprintf(buf, cap, "'%.*s' (UTF-8 bytes)", (int)k, (const char *)s);
    else
        snprintf(buf, cap, "byte 0x%02X", s[0]);
    return buf;
}

/* Decode one value: drop release characters and CR/LF folding, convert the
 * repertoire to UTF-8, report the first character outside it.  Sets *text
 * and *len (pointing into the source when nothing changes). */
static bool decode_value(cbec_edi_reader *r, const edi_tok *t, const cbec_span *sp, const char **text,
                         size_t *len)
{
    const unsigned char *s = (const unsigned char *)t->raw;
    size_t n = t->rawlen;
    bool copy = false;
    size_t bad = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        int c = s[i];
        if (c == r->sep_rel && i + 1 < n) {
            copy = true;
            i++;
            c = s[i];
            if (c == '\r' || c == '\n')
                continue;
        } else if (c == '\r' || c == '\n') {
            copy = true;
            continue;
        }
        bool ok;
        if (c >= 0x80) {
            if (r->rep == EDI_REP_8859) {
                copy = true;
                ok = c >= 0xA0 && r->high[c - 0xA0] != 0;
            } else {
                size_t k = utf8_seq(s + i, n - i);
                if (!k) {
                    copy = true; /* replaced by U+FFFD */
                    ok = false;
                } else {
                    ok = r->rep == EDI_REP_UTF8 || r->rep == EDI_REP_X12 || r->rep == EDI_REP_UNCHECKED;
                    if (!ok && bad == SIZE_MAX)
                        bad = i;
                    i += k - 1;
                    continue;
                }
            }
        } else {
            switch (r->rep) {
            case EDI_REP_LEVEL_A: ok = in_level_a(c); break;
            case EDI_REP_LEVEL_B: ok = in_level_b(c); break;
            default: ok = c >= 0x20 && c < 0x7F; break;
            }
        }
        if (!ok && bad == SIZE_MAX)
            bad = i;
    }
    if (bad != SIZE_MAX && !r->charset_reported) {
        r->charset_reported = true;
        char what[64], en[320], zh[320];
        describe_byte(s + bad, n - bad, what, sizeof what);
        const char *hint_en = "", *hint_zh = "";
        if (r->rep == EDI_REP_LEVEL_A && cbec__is_lower(s[bad])) {
            hint_en = " (level A has upper-case letters only)";
            hint_zh = "（A 级字符集只有大写字母）";
        } else if (r->rep == EDI_REP_8859 && s[bad] >= 0x80 && s[bad] < 0xA0) {
            hint_en = " (ISO 8859 has no character there; UTF-8 sent as ISO 8859?)";
            hint_zh = "（ISO 8859 该位置无字符；是否将 UTF-8 当作 ISO 8859 发送？）";
        }
        snprintf(en, sizeof en, "character %s is outside the repertoire of %s%s", what, r->rep_name, hint_en);
        snprintf(zh, sizeof zh, "字符 %s 不在 %s 字符集内%s", what, r->rep_name, hint_zh);
        cbec_span at = *sp;
        uint32_t line, col;
        locate(r, t->offset + bad, &line, &col);
        at.offset = t->offset + (uint32_t)bad;
        at.line = line;
        at.column = col;
        edi_issue(r, CBEC_EDI_P_CHARSET, CBEC_SEVERITY_ERROR, &at, en, zh);
    }
    if (!copy) {
        *text = t->raw;
        *len = n;
        return true;
    }
    if (n > (SIZE_MAX - 1) / 3) {
        r->oom = true;
        return false;
    }
    char *d = cbec__arena_alloc(r->arena, n * 3 + 1);
    if (!d) {
        r->oom = true;
        return false;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = s[i];
        if (c == r->sep_rel && i + 1 < n) {
            i++;
            c = s[i];
            if (c == '\r' || c == '\n')
                continue;
        } else if (c == '\r' || c == '\n') {
            continue;
        }
        if (c < 0x80) {
            d[o++] = (char)c;
            continue;
        }
        if (r->rep == EDI_REP_8859) {
            uint32_t cp = c >= 0xA0 ? r->high[c - 0xA0] : 0;
            o += put_utf8(d + o, cp ? cp : 0xFFFD);
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (k > 1) {
            memcpy(d + o, s + i, k);
            o += k;
            i += k - 1;
        } else {
            o += put_utf8(d + o, 0xFFFD);
        }
    }
    d[o] = '\0';
    *text = d;
    *len = o;
    return true;
}

bool edi_set_repertoire(cbec_edi_reader *r, const char *id, size_t n)
{
    static const struct {
        const char *id;
        edi_repertoire rep;
        int part;
    } ids[] = {
        {"UNOA", EDI_REP_LEVEL_A, 0}, {"UNOB", EDI_REP_LEVEL_B, 0}, {"IATA", EDI_REP_LEVEL_A, 0},
        {"IATB", EDI_REP_LEVEL_B, 0}, {"UNOC", EDI_REP_8859, 1},    {"UNOD", EDI_REP_8859, 2},
        {"UNOE", EDI_REP_8859, 5},    {"UNOF", EDI_REP_8859, 7},    {"UNOG", EDI_REP_8859, 3},
        {"UNOH", EDI_REP_8859, 4},    {"UNOI", EDI_REP_8859, 6},    {"UNOJ", EDI_REP_8859, 8},
        {"UNOK", EDI_REP_8859, 9},    {"UNOL", EDI_REP_8859, 15},   {"UNOW", EDI_REP_UTF8, 0},
        {"UNOY", EDI_REP_UTF8, 0},
    };
    for (size_t i = 0; i < CBEC_ARRAY_LEN(ids); i++) {
        if (!cbec__streq(id, n, ids[i].id))
            continue;
        r->rep = ids[i].rep;
        r->rep_name = ids[i].id;
        switch (ids[i].part) {
        case 1: r->high = iso8859_1_high; break;
        case 2: r->high = iso8859_2_high; break;
        case 3: r->high = iso8859_3_high; break;
        case 4: r->high = iso8859_4_high; break;
        case 5: r->high = iso8859_5_high; break;
        case 6: r->high = iso8859_6_high; break;
        case 7: r->high = iso8859_7_high; break;
        case 8: r->high = iso8859_8_high; break;
        case 9: r->high = iso8859_9_high; break;
        case 15: r->high = iso8859_15_high; break;
        default: r->high = NULL; break;
        }
        return true;
    }
    r->rep = EDI_REP_UNCHECKED;
    r->rep_name = "an unknown syntax identifier";
    r->high = NULL;
    return false;
}

/* ---- nodes ---- */

static cbec_node *new_nodes(cbec_edi_reader *r, size_t n)
{
    if (r->nodes + n > r->max_nodes) {
        r->limit = true;
        return NULL;
    }
    cbec_node *a = cbec__arena_calloc(r->arena, n ? n : 1, sizeof *a);
    if (!a) {
        r->oom = true;
        return NULL;
    }
    r->nodes += n;
    return a;
}

static uint16_t clamp16(uint32_t v) { return v > 0xFFFF ? 0xFFFF : (uint16_t)v; }

static bool make_value(cbec_edi_reader *r, cbec_node *n, const edi_tok *t, cbec_node *parent, uint32_t index,
                       uint16_t element, uint16_t component)
{
    n->kind = CBEC_NODE_STRING;
    n->parent = parent;
    n->index = index;
    n->span.offset = t->offset;
    locate(r, t->offset, &n->span.line, &n->span.column);
    n->span.segment = r->ordinal;
    n->span.element = element;
    n->span.component = component;
    const char *text;
    size_t len;
    if (!decode_value(r, t, &n->span, &text, &len))
        return false;
    n->text = text;
    n->len = len;
    return true;
}

/* An occurrence made of the tokens [a, b) (same element and repetition). */
static bool make_occurrence(cbec_edi_reader *r, cbec_node *n, size_t a, size_t b, cbec_node *parent,
                            uint32_t index, uint16_t element)
{
    const edi_tok *t = &r->toks[a];
    if (b - a == 1)
        return make_value(r, n, t, parent, index, element, 0);
    uint32_t ncomp = r->toks[b - 1].comp + 1;
    cbec_node *kids = new_nodes(r, ncomp);
    if (!kids)
        return false;
    n->kind = CBEC_NODE_ARRAY;
    n->flags = CBEC_NODEF_EDI_COMPOSITE;
    n->parent = parent;
    n->index = index;
    n->children = kids;
    n->count = ncomp;
    n->span.offset = t->offset;
    locate(r, t->offset, &n->span.line, &n->span.column);
    n->span.segment = r->ordinal;
    n->span.element = element;
    for (size_t k = a; k < b; k++) {
        uint32_t c = r->toks[k].comp;
        if (!make_value(r, &kids[c], &r->toks[k], n, c, element, clamp16(c + 1)))
            return false;
    }
    return true;
}

cbec_node *edi_build_segment(cbec_edi_reader *r)
{
    if (!r->ntoks)
        return NULL;
    r->ordinal++;
    r->charset_reported = false;
    cbec_edi_info *in = &r->info;
    if (!grow((void **)&r->segv, &r->segcap, in->nsegments, sizeof *r->segv)) {
        r->oom = true;
        return NULL;
    }
    cbec_node *seg = &r->segv[in->nsegments++];
    memset(seg, 0, sizeof *seg);
    uint32_t nelem = r->toks[r->ntoks - 1].elem + 1;
    cbec_node *kids = new_nodes(r, nelem);
    if (!kids)
        return NULL;
    r->nodes++; /* the segment node itself */
    seg->kind = CBEC_NODE_ARRAY;
    seg->children = kids;
    seg->count = nelem;
    seg->span.offset = r->toks[0].offset;
    seg->span.segment = r->ordinal;
    /* the tag: the first component of element 0 (a syntax 4 tag may carry
     * nesting components; they stay out of the tree) */
    const edi_tok *tag = &r->toks[0];
    if (!make_value(r, &kids[0], tag, seg, 0, 0, 0))
        return NULL;
    /* tags are short and looked at often: keep them NUL-terminated */
    kids[0].text = edi_keep(r, kids[0].text, kids[0].len);
    seg->span.line = kids[0].span.line;
    seg->span.column = kids[0].span.column;
    size_t k = 0;
    while (k < r->ntoks && r->toks[k].elem == 0)
        k++;
    while (k < r->ntoks) {
        uint32_t e = r->toks[k].elem;
        size_t end = k;
        while (end < r->ntoks && r->toks[end].elem == e)
            end++;
        cbec_node *el = &kids[e];
        uint16_t e16 = clamp16(e);
        uint32_t nrep = r->toks[end - 1].rep + 1;
        if (nrep == 1) {
            if (!make_occurrence(r, el, k, end, seg, e, e16))
                return NULL;
        } else {
            cbec_node *occ = new_nodes(r, nrep);
            if (!occ)
                return NULL;
            el->kind = CBEC_NODE_ARRAY;
            el->flags = CBEC_NODEF_EDI_REPEAT;
            el->parent = seg;
            el->index = e;
            el->children = occ;
            el->count = nrep;
            el->span.offset = r->toks[k].offset;
            locate(r, r->toks[k].offset, &el->span.line, &el->span.column);
            el->span.segment = r->ordinal;
            el->span.element = e16;
            size_t a = k;
            while (a < end) {
                uint32_t rp = r->toks[a].rep;
                size_t b = a;
                while (b < end && r->toks[b].rep == rp)
                    b++;
                if (!make_occurrence(r, &occ[rp], a, b, el, rp, e16))
                    return NULL;
                a = b;
            }
        }
        k = end;
    }
    seg->count = nelem;
    return seg;
}

const cbec_node *cbec__edi_element(const cbec_node *segment, unsigned pos)
{
    if (!segment || segment->kind != CBEC_NODE_ARRAY || pos == 0 || pos >= segment->count)
        return NULL;
    return &segment->children[pos];
}

const cbec_node *cbec__edi_component(const cbec_node *element, unsigned comp)
{
    if (!element || comp == 0)
        return NULL;
    if (element->kind == CBEC_NODE_STRING)
        return comp == 1 ? element : NULL;
    if (element->kind == CBEC_NODE_ARRAY && (element->flags & CBEC_NODEF_EDI_REPEAT))
        return cbec__edi_component(element->count ? &element->children[0] : NULL, comp);
    if (element->kind == CBEC_NODE_ARRAY && comp <= element->count)
        return &element->children[comp - 1];
    return NULL;
}

const char *cbec__edi_tag(const cbec_node *segment, size_t *len)
{
    if (!segment || segment->kind != CBEC_NODE_ARRAY || !segment->count ||
        segment->children[0].kind != CBEC_NODE_STRING) {
        if (len)
            *len = 0;
        return "";
    }
    if (len)
        *len = segment->children[0].len;
    return segment->children[0].text;
}

bool cbec__edi_present(const cbec_node *n)
{
    if (!n)
        return false;
    if (n->kind == CBEC_NODE_STRING)
        return n->len > 0;
    for (uint32_t i = 0; i < n->count; i++)
        if (cbec__edi_present(&n->children[i]))
            return true;
    return false;
}

const char *edi_value(const cbec_node *seg, unsigned pos, unsigned comp, size_t *len)
{
    const cbec_node *c = cbec__edi_component(cbec__edi_element(seg, pos), comp ? comp : 1);
    if (!c || c->kind != CBEC_NODE_STRING) {
        *len = 0;
        return "";
    }
    *len = c->len;
    return c->text;
}

cbec_span edi_span_at(const cbec_node *seg, unsigned pos, unsigned comp)
{
    const cbec_node *e = cbec__edi_element(seg, pos);
    const cbec_node *c = comp ? cbec__edi_component(e, comp) : e;
    cbec_span s = c ? c->span : seg->span;
    s.element = clamp16(pos);
    s.component = clamp16(comp);
    return s;
}

bool edi_count(const char *s, size_t n, uint64_t *out)
{
    if (!n || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cbec__is_digit(s[i]))
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool edi_date_ok(const char *s, size_t n)
{
    char d[11];
    if (n == 6) {
        for (size_t i = 0; i < 6; i++)
            if (!cbec__is_digit(s[i]))
                return false;
        /* a two-digit year: any century gives the same calendar check
         * except for 29 February, which 2000 accepts for "00" */
        memcpy(d, "20", 2);
        memcpy(d + 2, s, 2);
    } else if (n == 8) {
        for (size_t i = 0; i < 8; i++)
            if (!cbec__is_digit(s[i]))
                return false;
        memcpy(d, s, 4);
    } else {
        return false;
    }
    const char *md = s + n - 4;
    d[4] = '-';
    d[5] = md[0];
    d[6] = md[1];
    d[7] = '-';
    d[8] = md[2];
    d[9] = md[3];
    d[10] = '\0';
    return cbec__is_date(d, 10);
}

bool edi_time_ok(const char *s, size_t n)
{
    if (n < 4 || n > 8 || n == 5)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_digit(s[i]))
            return false;
    int hh = (s[0] - '0') * 10 + (s[1] - '0'), mm = (s[2] - '0') * 10 + (s[3] - '0');
    if (hh > 23 || mm > 59)
        return false;
    if (n >= 6 && (s[4] - '0') * 10 + (s[5] - '0') > 59)
        return false;
    return true;
}

bool cbec__edi_date_ok(const char *s, size_t n) { return edi_date_ok(s, n); }
bool cbec__edi_time_ok(const char *s, size_t n) { return edi_time_ok(s, n); }

/* ---- envelope records ---- */

bool edi_add_service(cbec_edi_reader *r, uint32_t ordinal, uint32_t ic)
{
    size_t cap2 = r->service_iccap;
    if (!grow((void **)&r->service, &r->servicecap, r->nservice, sizeof *r->service) ||
        !grow((void **)&r->service_ic, &cap2, r->nservice, sizeof *r->service_ic)) {
        r->oom = true;
        return false;
    }
    r->service_iccap = cap2;
    r->service[r->nservice] = ordinal;
    r->service_ic[r->nservice++] = ic;
    return true;
}

cbec_edi_interchange_info *edi_add_interchange(cbec_edi_reader *r)
{
    cbec_edi_info *in = &r->info;
    if (!grow((void **)&in->interchanges, &r->interchangecap, in->ninterchanges, sizeof *in->interchanges)) {
        r->oom = true;
        return NULL;
    }
    cbec_edi_interchange_info *x = &in->interchanges[in->ninterchanges++];
    memset(x, 0, sizeof *x);
    x->syntax_id = x->version_text = x->sender = x->sender_qual = x->recipient = x->recipient_qual = "";
    x->date = x->time = x->control = x->test = x->ack_requested = "";
    x->first_group = (uint32_t)in->ngroups;
    x->first_message = (uint32_t)in->nmessages;
    return x;
}

cbec_edi_group_info *edi_add_group(cbec_edi_reader *r)
{
    cbec_edi_info *in = &r->info;
    if (!grow((void **)&in->groups, &r->groupcap, in->ngroups, sizeof *in->groups)) {
        r->oom = true;
        return NULL;
    }
    cbec_edi_group_info *g = &in->groups[in->ngroups++];
    memset(g, 0, sizeof *g);
    g->interchange = in->ninterchanges ? (uint32_t)in->ninterchanges - 1 : 0;
    if (in->ninterchanges)
        in->interchanges[in->ninterchanges - 1].ngroups++;
    g->id = g->sender = g->recipient = g->ref = g->version = g->agency = "";
    g->first_message = (uint32_t)in->nmessages;
    return g;
}

cbec_edi_message_info *edi_add_message(cbec_edi_reader *r)
{
    cbec_edi_info *in = &r->info;
    if (!grow((void **)&in->messages, &r->messagecap, in->nmessages, sizeof *in->messages)) {
        r->oom = true;
        return NULL;
    }
    cbec_edi_message_info *m = &in->messages[in->nmessages++];
    memset(m, 0, sizeof *m);
    m->interchange = in->ninterchanges ? (uint32_t)in->ninterchanges - 1 : 0;
    if (in->ninterchanges)
        in->interchanges[in->ninterchanges - 1].nmessages++;
    m->ref = m->type = m->version = m->agency = m->assoc = "";
    return m;
}

long cbec__edi_message_of(const cbec_edi_info *info, uint32_t ordinal)
{
    if (!info || !ordinal)
        return -1;
    size_t lo = 0, hi = info->nmessages;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cbec_edi_message_info *m = &info->messages[mid];
        if (ordinal < m->header)
            hi = mid;
        else if (ordinal > m->last)
            lo = mid + 1;
        else
            return (long)mid;
    }
    return -1;
}

const char *cbec__edi_segment_tag(const cbec_edi_info *info, uint32_t ordinal)
{
    if (!info || !ordinal || ordinal > info->nsegments)
        return "";
    return cbec__edi_tag(info->segments[ordinal - 1], NULL);
}

/* ---- assembling the tree ---- */

/* Move staged segment ordinal into place: copy the node and point its
 * elements at the new home. */
static void place(cbec_edi_reader *r, cbec_node *dst, uint32_t ordinal, cbec_node *parent, uint32_t index,
                  const char *key)
{
    *dst = r->segv[ordinal - 1];
    dst->parent = parent;
    dst->index = index;
    dst->key = key;
    dst->keylen = key ? (uint32_t)strlen(key) : 0;
    for (uint32_t i = 0; i < dst->count; i++)
        dst->children[i].parent = dst;
    r->info.segments[ordinal - 1] = dst;
}

static void set_string(cbec_node *n, cbec_node *parent, uint32_t index, const char *key, const char *text,
                       const cbec_span *sp)
{
    memset(n, 0, sizeof *n);
    n->kind = CBEC_NODE_STRING;
    n->parent = parent;
    n->index = index;
    n->key = key;
    n->keylen = (uint32_t)strlen(key);
    n->text = text;
    n->len = strlen(text);
    if (sp)
        n->span = *sp;
}

static void set_container(cbec_node *n, int kind, cbec_node *parent, uint32_t index, const char *key,
                          cbec_node *kids, uint32_t count)
{
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->parent = parent;
    n->index = index;
    n->key = key;
    n->keylen = key ? (uint32_t)strlen(key) : 0;
    n->children = kids;
    n->count = count;
    if (count)
        n->span = kids[0].span;
}

/* The object of interchange ic: header, service, groups, messages, trailer. */
static bool build_interchange(cbec_edi_reader *r, cbec_node *obj, cbec_node *parent, uint32_t index, uint32_t ic,
                              size_t *svc)
{
    cbec_edi_info *in = &r->info;
    const cbec_edi_interchange_info *x = &in->interchanges[ic];
    size_t s0 = *svc, s1 = s0;
    while (s1 < r->nservice && r->service_ic[s1] == ic)
        s1++;
    *svc = s1;
    uint32_t nm = (x->header != 0) + (s1 > s0) + (x->ngroups != 0) + 1 + (x->trailer != 0);
    cbec_node *kids = new_nodes(r, nm);
    if (!kids)
        return false;
    set_container(obj, CBEC_NODE_OBJECT, parent, index, NULL, kids, nm);
    uint32_t k = 0;
    if (x->header) {
        place(r, &kids[k], x->header, obj, k, "header");
        k++;
    }
    if (s1 > s0) {
        cbec_node *sv = new_nodes(r, s1 - s0);
        if (!sv)
            return false;
        for (size_t i = s0; i < s1; i++)
            place(r, &sv[i - s0], r->service[i], &kids[k], (uint32_t)(i - s0), NULL);
        set_container(&kids[k], CBEC_NODE_ARRAY, obj, k, "service", sv, (uint32_t)(s1 - s0));
        k++;
    }
    if (x->ngroups) {
        cbec_node *gs = new_nodes(r, x->ngroups);
        if (!gs)
            return false;
        cbec_node *garr = &kids[k];
        for (uint32_t i = 0; i < x->ngroups; i++) {
            cbec_edi_group_info *g = &in->groups[x->first_group + i];
            uint32_t gn = (g->header != 0) + (g->trailer != 0);
            cbec_node *gm = new_nodes(r, gn);
            if (!gm)
                return false;
            uint32_t j = 0;
            if (g->header) {
                place(r, &gm[j], g->header, &gs[i], j, "header");
                j++;
            }
            if (g->trailer) {
                place(r, &gm[j], g->trailer, &gs[i], j, "trailer");
                j++;
            }
            set_container(&gs[i], CBEC_NODE_OBJECT, garr, i, NULL, gm, gn);
        }
        set_container(garr, CBEC_NODE_ARRAY, obj, k, "groups", gs, x->ngroups);
        k++;
    }
    cbec_node *marr = &kids[k];
    cbec_node *ms = x->nmessages ? new_nodes(r, x->nmessages) : NULL;
    if (x->nmessages && !ms)
        return false;
    for (uint32_t i = 0; i < x->nmessages; i++) {
        cbec_edi_message_info *m = &in->messages[x->first_message + i];
        uint32_t nseg = m->last >= m->header ? m->last - m->header + 1 : 0;
        cbec_node *members = new_nodes(r, 4);
        cbec_node *segs = nseg ? new_nodes(r, nseg) : NULL;
        if (!members || (nseg && !segs))
            return false;
        cbec_node *msg = &ms[i];
        set_container(msg, CBEC_NODE_OBJECT, marr, i, NULL, members, 4);
        for (uint32_t s = 0; s < nseg; s++)
            place(r, &segs[s], m->header + s, &members[3], s, NULL);
        const cbec_span *hs = nseg ? &segs[0].span : NULL;
        const char *gnum = "";
        if (m->group) {
            char *g = cbec__arena_alloc(r->arena, 12);
            if (!g)
                return false;
            snprintf(g, 12, "%u", m->group);
            gnum = g;
        }
        set_string(&members[0], msg, 0, "type", m->type, hs);
        set_string(&members[1], msg, 1, "version", m->version, hs);
        set_string(&members[2], msg, 2, "group", gnum, hs);
        set_container(&members[3], CBEC_NODE_ARRAY, msg, 3, "segments", segs, nseg);
        if (hs)
            msg->span = *hs;
        m->node = msg;
    }
    set_container(marr, CBEC_NODE_ARRAY, obj, k, "messages", ms, x->nmessages);
    k++;
    if (x->trailer) {
        place(r, &kids[k], x->trailer, obj, k, "trailer");
        k++;
    }
    obj->count = k;
    obj->span = kids[0].span;
    return true;
}

bool edi_finish(cbec_edi_reader *r, cbec_doc *doc, cbec_read_error *e, bool *oom)
{
    cbec_edi_info *in = &r->info;
    if (r->oom) {
        *oom = true;
        return false;
    }
    free(in->segments);
    in->segments = NULL;
    if (in->nsegments && !(in->segments = calloc(in->nsegments, sizeof *in->segments))) {
        *oom = true;
        return false;
    }
    cbec_node *root = new_nodes(r, 1);
    cbec_node *kids = root ? new_nodes(r, 2) : NULL;
    cbec_node *ics = kids && in->ninterchanges ? new_nodes(r, in->ninterchanges) : NULL;
    if (!kids || (in->ninterchanges && !ics))
        goto fail;
    set_container(root, CBEC_NODE_OBJECT, NULL, 0, NULL, kids, 2);
    set_string(&kids[0], root, 0, "syntax", in->format == CBEC_FORMAT_X12 ? "X12" : "EDIFACT", NULL);
    size_t svc = 0;
    for (size_t i = 0; i < in->ninterchanges; i++)
        if (!build_interchange(r, &ics[i], &kids[1], (uint32_t)i, (uint32_t)i, &svc))
            goto fail;
    set_container(&kids[1], CBEC_NODE_ARRAY, root, 1, "interchanges", ics, (uint32_t)in->ninterchanges);
    if (in->ninterchanges)
        root->span = ics[0].span;
    /* every ordinal has found its place; one that did not (the readers
     * record all) would leave a NULL pointer: give it the root */
    for (size_t i = 0; i < in->nsegments; i++)
        if (!in->segments[i])
            in->segments[i] = root;
    doc->root = root;
    doc->src = r->src;
    doc->srclen = r->len;
    doc->format = in->format;
    doc->positions = true;
    doc->nodes = r->nodes;
    doc->reader_state = in;
    return true;
fail:
    if (r->limit) {
        cbec__read_error_nodes(e, r->max_nodes);
        return false;
    }
    *oom = true;
    return false;
}

/* ---- the summary a report keeps ---- */

static char *dup0(const char *s, bool *bad)
{
    char *d = cbec__strdup(s ? s : "");
    if (!d)
        *bad = true;
    return d;
}

cbec_edi_summary *cbec__edi_summary_new(const cbec_edi_info *in)
{
    cbec_edi_summary *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    bool bad = false;
    s->format = in->format;
    if (in->ninterchanges && !(s->interchanges = cbec__calloc(in->ninterchanges, sizeof *s->interchanges)))
        bad = true;
    for (size_t i = 0; s->interchanges && i < in->ninterchanges; i++) {
        const cbec_edi_interchange_info *x = &in->interchanges[i];
        cbec_edi_summary_interchange *d = &s->interchanges[i];
        s->ninterchanges++;
        d->element_sep = x->element_sep;
        d->component_sep = x->component_sep;
        d->repetition_sep = x->repetition_sep;
        d->segment_term = x->segment_term;
        d->release = x->release;
        d->decimal = x->decimal;
        d->una = x->una;
        d->syntax_version = x->syntax_version;
        d->syntax_id = dup0(x->syntax_id, &bad);
        d->version_text = dup0(x->version_text, &bad);
        d->sender = dup0(x->sender, &bad);
        d->sender_qual = dup0(x->sender_qual, &bad);
        d->recipient = dup0(x->recipient, &bad);
        d->recipient_qual = dup0(x->recipient_qual, &bad);
        d->date = dup0(x->date, &bad);
        d->time = dup0(x->time, &bad);
        d->control = dup0(x->control, &bad);
        d->test = dup0(x->test, &bad);
        d->header = x->header;
        d->trailer = x->trailer;
        d->first_group = x->first_group;
        d->ngroups = x->ngroups;
        d->first_message = x->first_message;
        d->nmessages = x->nmessages;
    }
    if (in->ngroups && !(s->groups = cbec__calloc(in->ngroups, sizeof *s->groups)))
        bad = true;
    for (size_t i = 0; s->groups && i < in->ngroups; i++) {
        const cbec_edi_group_info *g = &in->groups[i];
        cbec_edi_summary_group *d = &s->groups[i];
        s->ngroups++;
        d->id = dup0(g->id, &bad);
        d->sender = dup0(g->sender, &bad);
        d->recipient = dup0(g->recipient, &bad);
        d->ref = dup0(g->ref, &bad);
        d->version = dup0(g->version, &bad);
        d->header = g->header;
        d->trailer = g->trailer;
        d->interchange = g->interchange;
        d->first_message = g->first_message;
        d->nmessages = g->nmessages;
    }
    if (in->nmessages && !(s->messages = cbec__calloc(in->nmessages, sizeof *s->messages)))
        bad = true;
    for (size_t i = 0; s->messages && i < in->nmessages; i++) {
        const cbec_edi_message_info *m = &in->messages[i];
        cbec_edi_summary_message *d = &s->messages[i];
        s->nmessages++;
        d->ref = dup0(m->ref, &bad);
        d->type = dup0(m->type, &bad);
        d->version = dup0(m->version, &bad);
        d->agency = dup0(m->agency, &bad);
        d->assoc = dup0(m->assoc, &bad);
        d->header = m->header;
        d->trailer = m->trailer;
        d->last = m->last;
        d->group = m->group;
        d->interchange = m->interchange;
        d->envelope_problem = m->envelope_problem;
    }
    if (bad) {
        cbec__edi_summary_free(s);
        return NULL;
    }
    return s;
}

void cbec__edi_summary_free(cbec_edi_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ninterchanges; i++) {
        cbec_edi_summary_interchange *x = &s->interchanges[i];
        free(x->syntax_id);
        free(x->version_text);
        free(x->sender);
        free(x->sender_qual);
        free(x->recipient);
        free(x->recipient_qual);
        free(x->date);
        free(x->time);
        free(x->control);
        free(x->test);
    }
    free(s->interchanges);
    for (size_t i = 0; i < s->ngroups; i++) {
        free(s->groups[i].id);
        free(s->groups[i].sender);
        free(s->groups[i].recipient);
        free(s->groups[i].ref);
        free(s->groups[i].version);
    }
    free(s->groups);
    for (size_t i = 0; i < s->nmessages; i++) {
        free(s->messages[i].ref);
        free(s->messages[i].type);
        free(s->messages[i].version);
        free(s->messages[i].agency);
        free(s->messages[i].assoc);
    }
    free(s->messages);
    free(s);
}
