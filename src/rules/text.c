/* text.c - the "text" check kind: multilingual shapes (an object keyed by
 * language tag, sibling fields with a language suffix, a list of {lang,
 * text}), required languages (also those of a country named elsewhere in
 * the message), and the checks of each text: strict UTF-8, unsafe
 * characters, normalisation, repertoire, scripts, length, deny lists. */
#include "rules/text.h"
#include "pack/compile.h"
#include "pack/isocodes.h"
#include "rules/kinds.h"
#include "rules/regex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- finding kinds: one per requirement, each with its own default
 * message; a rule's own "message" replaces them all ({reason} then says
 * which requirement failed) ---- */

#define FINDING_KIND(name, en, zh) static const cbec_check_kind name = {"text", 60, NULL, NULL, NULL, en, zh, NULL}

FINDING_KIND(k_shape, "the multilingual text at {path} is not well formed: {reason}",
             "{path} 处的多语言文本结构错误：{reason}");
FINDING_KIND(k_tag, "invalid language tag: {reason}", "语言标签无效：{reason}");
FINDING_KIND(k_languages, "the text lacks required languages ({expected}): {reason}",
             "文本缺少所需语言（{expected}）：{reason}");
FINDING_KIND(k_country, "the languages required for country {value} are unknown: {reason}",
             "无法确定国家 {value} 所需的语言：{reason}");
FINDING_KIND(k_encoding, "text {value} is not strict UTF-8: {reason}", "文本 {value} 不是严格的 UTF-8 编码：{reason}");
FINDING_KIND(k_unsafe, "text {value} contains {reason}", "文本 {value} 含有{reason}");
FINDING_KIND(k_normalization, "text {value} is not in Unicode normalization form {reason}; normalized: {expected}",
             "文本 {value} 不符合 Unicode 规范化形式 {reason}；规范化后为 {expected}");
FINDING_KIND(k_normalization_long, "text {value} is not in Unicode normalization form {reason}",
             "文本 {value} 不符合 Unicode 规范化形式 {reason}");
FINDING_KIND(k_repertoire, "text {value} has a character outside the {expected} repertoire: {reason}",
             "文本 {value} 含有 {expected} 字符集以外的字符：{reason}");
FINDING_KIND(k_script_allow, "text {value} has a character outside the scripts {expected}: {reason}",
             "文本 {value} 含有 {expected} 以外文字的字符：{reason}");
FINDING_KIND(k_script_require, "text {value} has no character of the scripts {expected}",
             "文本 {value} 不含 {expected} 文字的字符");
FINDING_KIND(k_length, "text {value} has the wrong length: {reason}", "文本 {value} 长度不符：{reason}");
FINDING_KIND(k_deny, "text {value} uses the refused word or pattern {expected}{reason}",
             "文本 {value} 含有被拒绝的词语或模式 {expected}{reason}");
FINDING_KIND(k_limit, "text {value} could not be checked within the limits of rule {rule}: {reason}",
             "文本 {value} 超出规则 {rule} 的检查限制，无法判定：{reason}");

/* ---- compiled state ---- */

typedef enum { FORM_AUTO, FORM_PLAIN, FORM_OBJECT, FORM_LIST, FORM_SUFFIX } text_form;
typedef enum { UNIT_BYTES, UNIT_CODE_POINTS, UNIT_GRAPHEMES, UNIT_UTF16 } text_unit;
typedef enum { REP_NONE, REP_ASCII, REP_LATIN1, REP_UNOA, REP_UNOB, REP_UNOC, REP_SEPA, REP_GB18030 } text_rep;

typedef struct deny_item {
    char *source;          /* the word or pattern as the pack wrote it */
    cbec_regex *re;
    bool folded;           /* a word: matched against the case-folded NFKC text */
} deny_item;

typedef struct deny_entry {
    char *lang;            /* a language range, or NULL for every text */
    deny_item *items;
    size_t nitems;
} deny_entry;

typedef struct text_state {
    text_form form;
    char *field;                 /* suffix form: the base name */
    size_t fieldlen;
    char *lang_key, *text_key;   /* list form */
    bool has_plain_tag;          /* plain form: the language of the text */
    cbec_langtag plain_tag;
    char **languages;            /* required language ranges */
    size_t nlanguages;
    /* the languages of a country found at another path */
    bool has_country;
    char *country_where;         /* the path as written */
    cbec_path_seg *country_segs;
    size_t country_nsegs;
    long country_up;             /* -1: absolute; else levels up from the rule's node */
    bool country_all, country_ignore_unknown;
    cbec_strmap country_table;   /* "CH" -> "de fr it rm" (pack additions) */
    char **country_owned;
    size_t ncountry_owned;
    bool tags_registered;        /* subtags must be registered (else syntax only) */
    bool tags_report;            /* bad and repeated tags are findings of this rule */
    bool uses_tags;              /* the tags in the message matter (reports, languages, select, deny) */
    cbec_langtab *tab;
    char **select;
    size_t nselect;
    cbec_text_nf nf;
    unsigned unsafe;
    text_rep rep;
    const char *rep_name;
    cbec_regex *script_require, *script_search, *script_one;
    char *require_names, *allow_names;
    /* the answers of script_one and script_require for each ASCII
     * character, one bit each (when ascii_tables) */
    bool ascii_tables;
    uint8_t allow_ascii[16], require_ascii[16];
    bool has_length, has_min, has_max;
    text_unit unit;
    unsigned long min, max;
    deny_entry *deny;
    size_t ndeny;
} text_state;

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void text_free(void *st)
{
    text_state *s = st;
    if (!s)
        return;
    free(s->field);
    free(s->lang_key);
    free(s->text_key);
    free_strv(s->languages, s->nlanguages);
    free(s->country_where);
    cbec__path_free(s->country_segs, s->country_nsegs);
    cbec__strmap_free(&s->country_table);
    free_strv(s->country_owned, s->ncountry_owned);
    cbec__langtab_free(s->tab);
    free_strv(s->select, s->nselect);
    cbec__regex_free(s->script_require);
    cbec__regex_free(s->script_search);
    cbec__regex_free(s->script_one);
    free(s->require_names);
    free(s->allow_names);
    for (size_t i = 0; i < s->ndeny; i++) {
        deny_entry *e = &s->deny[i];
        for (size_t k = 0; k < e->nitems; k++) {
            free(e->items[k].source);
            cbec__regex_free(e->items[k].re);
        }
        free(e->items);
        free(e->lang);
    }
    free(s->deny);
    free(s);
}

/* ---- compiling ---- */

static bool is_str(const cbec_node *n, const char *s) { return n->kind == CBEC_NODE_STRING && cbec__streq(n->text, n->len, s); }

static bool get_count(cbec_compiler *c, const cbec_node *n, unsigned long *out)
{
    if (n->kind != CBEC_NODE_NUMBER)
        return cbec__compile_error(c, n, "expected a non-negative integer");
    unsigned long v = 0;
    for (size_t i = 0; i < n->len; i++) {
        if (!cbec__is_digit(n->text[i]) || v > 100000000UL)
            return cbec__compile_error(c, n, "expected a non-negative integer up to 100000000");
        v = v * 10 + (unsigned long)(n->text[i] - '0');
    }
    *out = v;
    return true;
}

/* A member name as a NUL-terminated copy (pack strings may hold NUL). */
static char *plain_strdup(cbec_compiler *c, const cbec_node *n)
{
    if (n->kind != CBEC_NODE_STRING || memchr(n->text, '\0', n->len)) {
        cbec__compile_error(c, n, "expected a string without NUL characters");
        return NULL;
    }
    return cbec__compile_strdup(c, n);
}

/* A language range of the pack: "*" (when allowed), a language tag, or a
 * bare ISO 15924 script code; kept in canonical case. */
static bool compile_range(cbec_compiler *c, text_state *s, const cbec_node *n, bool allow_star, char **out)
{
    *out = NULL;
    if (n->kind != CBEC_NODE_STRING)
        return cbec__compile_error(c, n, "a language must be a BCP 47 tag such as \"zh\" or \"en-GB\"");
    if (allow_star && cbec__streq(n->text, n->len, "*"))
        return (*out = cbec__strdup("*")) ? true : cbec__compile_oom(c);
    cbec_langtag tag;
    cbec_langtag_error e;
    if (!cbec__langtag_check(s->tags_registered ? s->tab : NULL, n->text, n->len, true, &tag, &e))
        return cbec__compile_error(c, n, "invalid language \"%.*s\": %s", (int)(n->len > 40 ? 40 : n->len), n->text, e.en);
    /* a script-only key stands for its script; any other tag for itself */
    *out = cbec__strdup(!tag.language[0] && tag.script[0] ? tag.script : tag.canon);
    return *out ? true : cbec__compile_oom(c);
}

static bool compile_ranges(cbec_compiler *c, text_state *s, const cbec_node *n, bool allow_star,
                           char ***out, size_t *count, const char *what)
{
    if (n->kind != CBEC_NODE_ARRAY || !n->count || n->count > 64)
        return cbec__compile_error(c, n, "\"%s\" must be a list of 1-64 language tags", what);
    *out = cbec__calloc(n->count, sizeof **out);
    if (!*out)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        if (!compile_range(c, s, &n->children[i], allow_star, &(*out)[i]))
            return false;
        *count = i + 1;
    }
    return true;
}

/* "path" of countryLanguages: an absolute JSON Pointer, or a relative
 * one ("1/originCountry": up one level from the rule's value, then down). */
static bool compile_country_path(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    char *p = plain_strdup(c, n);
    if (!p)
        return false;
    s->country_where = p;
    const char *rest = p;
    s->country_up = -1;
    if (cbec__is_digit(*p)) {
        long up = 0;
        while (cbec__is_digit(*rest) && up < 1000)
            up = up * 10 + (*rest++ - '0');
        if (cbec__is_digit(*rest) || (p[0] == '0' && p[1] && cbec__is_digit(p[1])))
            return cbec__compile_error(c, n, "a relative path starts with a small number of levels up");
        s->country_up = up;
    }
    if (*rest != '/' && !(s->country_up >= 0 && *rest == '\0'))
        return cbec__compile_error(c, n, "\"path\" must be a JSON Pointer (\"/destinationCountry\") or a relative one (\"1/country\")");
    if (!cbec__compile_path(c, n, rest, &s->country_segs, &s->country_nsegs))
        return false;
    for (size_t i = 0; i < s->country_nsegs; i++)
        if (s->country_segs[i].wildcard)
            return cbec__compile_error(c, n, "the country path cannot hold \"*\"");
    return true;
}

static bool compile_country(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    static const char *const keys[] = {"path", "match", "unknownCountry", "table"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"countryLanguages\" must be an object with \"path\"");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"countryLanguages\""))
        return false;
    s->has_country = true;
    const cbec_node *m = cbec__node_member(n, "path", 4);
    if (!m)
        return cbec__compile_error(c, n, "\"countryLanguages\" needs \"path\": where the message names the country");
    if (!compile_country_path(c, s, m))
        return false;
    if ((m = cbec__node_member(n, "match", 5))) {
        if (!is_str(m, "any") && !is_str(m, "all"))
            return cbec__compile_error(c, m, "\"match\" must be \"any\" (one of the country's languages) or \"all\"");
        s->country_all = is_str(m, "all");
    }
    if ((m = cbec__node_member(n, "unknownCountry", 14))) {
        if (!is_str(m, "finding") && !is_str(m, "ignore"))
            return cbec__compile_error(c, m, "\"unknownCountry\" must be \"finding\" or \"ignore\"");
        s->country_ignore_unknown = is_str(m, "ignore");
    }
    const cbec_node *table = cbec__node_member(n, "table", 5);
    if (!table)
        return true;
    if (table->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, table, "\"table\" must map country codes to lists of languages");
    s->country_owned = cbec__calloc(table->count * 2 + 1, sizeof *s->country_owned);
    if (!s->country_owned)
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < table->count; i++) {
        const cbec_node *e = &table->children[i];
        if (e->keylen != 2 || !cbec__is_upper(e->key[0]) || !cbec__is_upper(e->key[1]))
            return cbec__compile_error(c, e, "\"%.*s\" is not an ISO 3166-1 alpha-2 code", (int)(e->keylen > 8 ? 8 : e->keylen), e->key);
        cbec_langtag tag;
        cbec_langtag_error te;
        char probe[8];
        snprintf(probe, sizeof probe, "und-%.2s", e->key);
        if (s->tags_registered && !cbec__langtag_check(s->tab, probe, strlen(probe), false, &tag, &te))
            return cbec__compile_error(c, e, "\"%.2s\" is not an ISO 3166-1 country code", e->key);
        if (e->kind != CBEC_NODE_ARRAY || !e->count || e->count > 16)
            return cbec__compile_error(c, e, "the languages of a country are a list of 1-16 language tags");
        cbec_buf b;
        cbec__buf_init(&b);
        for (uint32_t k = 0; k < e->count; k++) {
            char *r;
            if (!compile_range(c, s, &e->children[k], false, &r)) {
                cbec__buf_free(&b);
                return false;
            }
            if (k)
                cbec__buf_addc(&b, ' ');
            cbec__buf_adds(&b, r);
            free(r);
        }
        char *key = cbec__strndup(e->key, 2);
        char *langs = b.oom ? NULL : cbec__strdup(cbec__buf_cstr(&b));
        cbec__buf_free(&b);
        if (key)
            s->country_owned[s->ncountry_owned++] = key;
        if (langs)
            s->country_owned[s->ncountry_owned++] = langs;
        if (!key || !langs || !cbec__strmap_put(&s->country_table, key, 2, langs, NULL))
            return cbec__compile_oom(c);
    }
    return true;
}

static bool compile_unsafe(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    static const struct {
        const char *name;
        unsigned bit;
    } classes[] = {
        {"control", CBEC_TEXT_CONTROL},       {"line-break", CBEC_TEXT_LINE_BREAK},
        {"bidi", CBEC_TEXT_BIDI},             {"bidi-mark", CBEC_TEXT_BIDI_MARK},
        {"zero-width", CBEC_TEXT_ZERO_WIDTH}, {"private-use", CBEC_TEXT_PRIVATE_USE},
        {"unassigned", CBEC_TEXT_UNASSIGNED}, {"tag", CBEC_TEXT_TAG},
    };
    if (n->kind == CBEC_NODE_BOOL) {
        s->unsafe = n->text[0] == 't' ? CBEC_TEXT_ALL_UNSAFE : 0;
        return true;
    }
    if (n->kind != CBEC_NODE_ARRAY || !n->count)
        return cbec__compile_error(c, n, "\"unsafe\" must be true, or a list of classes (control, line-break, bidi, "
                                         "bidi-mark, zero-width, private-use, unassigned, tag)");
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        unsigned bit = 0;
        for (size_t k = 0; k < CBEC_ARRAY_LEN(classes) && !bit; k++)
            if (is_str(e, classes[k].name))
                bit = classes[k].bit;
        if (!bit)
            return cbec__compile_error(c, e, "unknown class of unsafe characters (control, line-break, bidi, "
                                             "bidi-mark, zero-width, private-use, unassigned, tag)");
        s->unsafe |= bit;
    }
    return true;
}

static bool compile_repertoire(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    static const struct {
        const char *name;
        text_rep rep;
    } reps[] = {
        {"ASCII", REP_ASCII}, {"ISO-8859-1", REP_LATIN1}, {"UNOA", REP_UNOA}, {"UNOB", REP_UNOB},
        {"UNOC", REP_UNOC},   {"SEPA", REP_SEPA},         {"GB18030", REP_GB18030},
    };
    for (size_t i = 0; i < CBEC_ARRAY_LEN(reps); i++)
        if (is_str(n, reps[i].name)) {
            s->rep = reps[i].rep;
            s->rep_name = reps[i].name;
            return true;
        }
    return cbec__compile_error(c, n, "\"repertoire\" must be one of ASCII, ISO-8859-1, UNOA, UNOB, UNOC, SEPA, GB18030");
}

/* ISO 15924 codes that name a variant or a combination of Unicode
 * scripts, and the Unicode Script property values they stand for. */
static const struct {
    const char *code;
    const char *props;
} script_aliases[] = {
    {"Hans", "Hani"},           {"Hant", "Hani"},      {"Jpan", "Hani Hira Kana"},
    {"Kore", "Hang Hani"},      {"Hrkt", "Hira Kana"}, {"Latf", "Latn"},
    {"Latg", "Latn"},           {"Aran", "Arab"},      {"Cyrs", "Cyrl"},
    {"Syre", "Syrc"},           {"Syrj", "Syrc"},      {"Syrn", "Syrc"},
    {"Geok", "Geor"},           {"Hanb", "Hani Bopo"}, {"Jamo", "Hang"},
};

/* Turn script names into PCRE2 property atoms ("\p{sc:Latn}") appended to
 * b; each name is an ISO 15924 code (checked against iso-codes) or a
 * Unicode Script property value name ("Latin", "Han"). */
static bool script_atoms(cbec_compiler *c, text_state *s, const cbec_node *list, const char *prop,
                         cbec_buf *b, char **names)
{
    if (list->kind != CBEC_NODE_ARRAY || !list->count || list->count > 32)
        return cbec__compile_error(c, list, "a list of 1-32 script names (ISO 15924 codes such as \"Latn\", or Unicode names such as \"Latin\") is expected");
    cbec_buf nm;
    cbec__buf_init(&nm);
    for (uint32_t i = 0; i < list->count; i++) {
        const cbec_node *e = &list->children[i];
        bool ok = e->kind == CBEC_NODE_STRING && e->len >= 2 && e->len <= 40;
        for (size_t k = 0; ok && k < e->len; k++)
            ok = cbec__is_alpha(e->text[k]) || e->text[k] == '_' || e->text[k] == '-';
        if (!ok) {
            cbec__buf_free(&nm);
            return cbec__compile_error(c, e, "a script name is made of letters (\"Han\", \"Latn\")");
        }
        const char *props = NULL;
        char code[5] = {0};
        if (e->len == 4) {
            for (int k = 0; k < 4; k++)
                code[k] = (char)(k ? (cbec__is_upper(e->text[k]) ? e->text[k] + 32 : e->text[k]) : cbec__to_upper(e->text[k]));
            if (!cbec__langtab_has_script(s->tab, code, 4)) {
                cbec__buf_free(&nm);
                return cbec__compile_error(c, e, "\"%s\" is not an ISO 15924 script code", code);
            }
            props = code;
            for (size_t k = 0; k < CBEC_ARRAY_LEN(script_aliases); k++)
                if (strcmp(script_aliases[k].code, code) == 0)
                    props = script_aliases[k].props;
        }
        char name[48];
        snprintf(name, sizeof name, "%.*s", (int)e->len, e->text);
        if (!props)
            props = name;
        /* every atom must be a property PCRE2 knows */
        for (const char *p = props; *p;) {
            size_t l = strcspn(p, " ");
            char atom[80], err[160];
            snprintf(atom, sizeof atom, "\\p{%s:%.*s}", prop, (int)l, p);
            cbec_regex *probe = cbec__regex_compile(atom, strlen(atom), 0, err, sizeof err);
            if (!probe) {
                cbec__buf_free(&nm);
                return cbec__compile_error(c, e, "script \"%s\" has no Unicode Script property value known to PCRE2 here", name);
            }
            cbec__regex_free(probe);
            cbec__buf_adds(b, atom);
            p += l;
            while (*p == ' ')
                p++;
        }
        if (i)
            cbec__buf_adds(&nm, ", ");
        cbec__buf_adds(&nm, name);
    }
    *names = nm.oom ? NULL : cbec__strdup(cbec__buf_cstr(&nm));
    cbec__buf_free(&nm);
    return *names ? true : cbec__compile_oom(c);
}

static cbec_regex *compile_regex(cbec_compiler *c, const cbec_node *at, const char *pattern)
{
    char err[256];
    cbec_regex *re = cbec__regex_compile(pattern, strlen(pattern), 0, err, sizeof err);
    if (!re)
        cbec__compile_error(c, at, "internal pattern failed to compile: %s", err);
    return re;
}

/* Fill the ASCII tables from the compiled patterns themselves, so the
 * quick answer is the patterns' answer by construction. */
static void script_ascii_tables(text_state *s)
{
    cbec_regex_scratch *rx = cbec__regex_scratch_new(NULL);
    bool ok = rx != NULL;
    for (unsigned c = 0; c < 128 && ok; c++) {
        char b = (char)c;
        int rc = s->script_one ? cbec__regex_match(s->script_one, rx, &b, 1) : 0;
        int rq = s->script_require ? cbec__regex_match(s->script_require, rx, &b, 1) : 0;
        ok = rc >= 0 && rq >= 0;
        s->allow_ascii[c >> 3] |= (uint8_t)((rc == 1) << (c & 7));
        s->require_ascii[c >> 3] |= (uint8_t)((rq == 1) << (c & 7));
    }
    cbec__regex_scratch_free(rx);
    s->ascii_tables = ok;
}

static bool compile_scripts(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    static const char *const keys[] = {"require", "allow"};
    if (n->kind != CBEC_NODE_OBJECT || !n->count)
        return cbec__compile_error(c, n, "\"scripts\" must be an object with \"require\" and/or \"allow\"");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"scripts\""))
        return false;
    const cbec_node *m;
    cbec_buf b;
    cbec__buf_init(&b);
    bool ok = true;
    if ((m = cbec__node_member(n, "require", 7))) {
        /* "require": a character whose Script property is one of them */
        cbec__buf_adds(&b, "[");
        ok = script_atoms(c, s, m, "sc", &b, &s->require_names);
        cbec__buf_adds(&b, "]");
        if (ok && !(s->script_require = compile_regex(c, m, cbec__buf_cstr(&b))))
            ok = false;
    }
    if (ok && (m = cbec__node_member(n, "allow", 5))) {
        /* "allow": every character is used with one of the scripts (Script
         * Extensions), inherits its script (combining marks), or is a
         * common space, decimal digit or punctuation mark */
        cbec_buf cls;
        cbec__buf_init(&cls);
        cbec__buf_adds(&cls, "[\\p{sc:Zinh}");
        ok = script_atoms(c, s, m, "scx", &cls, &s->allow_names);
        cbec__buf_adds(&cls, "]|(?=\\p{sc:Zyyy})[\\p{Zs}\\p{Nd}\\p{P}]");
        if (ok) {
            cbec__buf_reset(&b);
            cbec__buf_addf(&b, "(?s)(?!%s).", cbec__buf_cstr(&cls));
            ok = (s->script_search = compile_regex(c, m, cbec__buf_cstr(&b))) != NULL;
        }
        if (ok) {
            cbec__buf_reset(&b);
            cbec__buf_addf(&b, "(?s)^(?:%s)\\z", cbec__buf_cstr(&cls));
            ok = (s->script_one = compile_regex(c, m, cbec__buf_cstr(&b))) != NULL;
        }
        if (cls.oom)
            ok = cbec__compile_oom(c);
        cbec__buf_free(&cls);
    }
    if (b.oom)
        ok = cbec__compile_oom(c);
    cbec__buf_free(&b);
    if (ok)
        script_ascii_tables(s);
    return ok;
}

static bool compile_length(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    static const char *const keys[] = {"unit", "min", "max"};
    if (n->kind != CBEC_NODE_OBJECT)
        return cbec__compile_error(c, n, "\"length\" must be an object with \"unit\" and \"min\" and/or \"max\"");
    if (!cbec__compile_keys(c, n, keys, CBEC_ARRAY_LEN(keys), "\"length\""))
        return false;
    const cbec_node *u = cbec__node_member(n, "unit", 4);
    if (!u)
        return cbec__compile_error(c, n, "\"length\" needs an explicit \"unit\": bytes, code-points, graphemes or utf-16");
    if (is_str(u, "bytes"))
        s->unit = UNIT_BYTES;
    else if (is_str(u, "code-points"))
        s->unit = UNIT_CODE_POINTS;
    else if (is_str(u, "graphemes"))
        s->unit = UNIT_GRAPHEMES;
    else if (is_str(u, "utf-16"))
        s->unit = UNIT_UTF16;
    else
        return cbec__compile_error(c, u, "\"unit\" must be bytes, code-points, graphemes or utf-16");
    const cbec_node *m;
    if ((m = cbec__node_member(n, "min", 3))) {
        if (!get_count(c, m, &s->min))
            return false;
        s->has_min = true;
    }
    if ((m = cbec__node_member(n, "max", 3))) {
        if (!get_count(c, m, &s->max))
            return false;
        s->has_max = true;
    }
    if (!s->has_min && !s->has_max)
        return cbec__compile_error(c, n, "\"length\" needs \"min\" and/or \"max\"");
    if (s->has_min && s->has_max && s->min > s->max)
        return cbec__compile_error(c, n, "\"min\" is greater than \"max\"");
    s->has_length = true;
    return true;
}

/* The script patterns are searched window by window (check_scripts). */
#define SCRIPT_WINDOW 4096

/* Scripts written without spaces between words: a refused word in them
 * is found anywhere, not only between word boundaries. */
static bool unspaced(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
           (cp >= 0xFF66 && cp <= 0xFF9F) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
           (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x1000 && cp <= 0x109F);
}

/* The regular expression of one refused word, over folded text. */
static bool word_regex(cbec_compiler *c, const cbec_node *at, const char *word, size_t len, bool whole,
                       cbec_regex **out)
{
    cbec_buf folded, re;
    cbec__buf_init(&folded);
    cbec__buf_init(&re);
    int rc = cbec__text_normalize(CBEC_TEXT_NFKC_CASEFOLD, word, len, 4096, &folded);
    if (rc != CBEC_TEXT_NF_OK || !folded.len) {
        cbec__buf_free(&folded);
        return cbec__compile_error(c, at, "a refused word must be 1-1000 bytes of text");
    }
    const char *w = cbec__buf_cstr(&folded);
    size_t wl = folded.len;
    uint32_t first, last = 0;
    cbec__text_decode(w, wl, &first);
    for (size_t i = 0; i < wl;) {
        size_t k = cbec__text_decode(w + i, wl - i, &last);
        i += k ? k : 1;
    }
    static const char bound_before[] = "(?<![\\p{L}\\p{N}\\p{M}])", bound_after[] = "(?![\\p{L}\\p{N}\\p{M}])";
    if (whole)
        cbec__buf_adds(&re, "^[\\s\\p{P}]*");
    else if (!unspaced(first))
        cbec__buf_adds(&re, bound_before);
    for (size_t i = 0; i < wl; i++) {
        unsigned char ch = (unsigned char)w[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            while (i + 1 < wl && (w[i + 1] == ' ' || w[i + 1] == '\t' || w[i + 1] == '\n' || w[i + 1] == '\r'))
                i++;
            cbec__buf_adds(&re, "\\s+");
            continue;
        }
        if (ch < 0x80 && !cbec__is_alnum(ch))
            cbec__buf_addc(&re, '\\');
        if (ch == 0)
            cbec__buf_adds(&re, "x{0}"); /* "\x{0}" */
        else
            cbec__buf_addc(&re, (char)ch);
    }
    if (whole)
        cbec__buf_adds(&re, "[\\s\\p{P}]*\\z");
    else if (!unspaced(last))
        cbec__buf_adds(&re, bound_after);
    bool ok = !re.oom && !folded.oom;
    *out = ok ? compile_regex(c, at, cbec__buf_cstr(&re)) : NULL;
    cbec__buf_free(&folded);
    cbec__buf_free(&re);
    return ok ? *out != NULL : cbec__compile_oom(c);
}

/* Words and patterns of one rule, all entries together: each is a regular
 * expression run on every text, so a pack cannot make validation crawl. */
#define DENY_MAX_ITEMS 1000

static bool compile_deny(cbec_compiler *c, text_state *s, const cbec_node *n)
{
    size_t items = 0;
    static const char *const keys[] = {"lang", "words", "patterns", "match"};
    if (n->kind != CBEC_NODE_ARRAY || !n->count || n->count > 64)
        return cbec__compile_error(c, n, "\"deny\" must be a list of 1-64 entries {\"lang\", \"words\", \"patterns\", \"match\"}");
    if (!(s->deny = cbec__calloc(n->count, sizeof *s->deny)))
        return cbec__compile_oom(c);
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *e = &n->children[i];
        if (e->kind != CBEC_NODE_OBJECT)
            return cbec__compile_error(c, e, "a deny entry must be an object");
        if (!cbec__compile_keys(c, e, keys, CBEC_ARRAY_LEN(keys), "a deny entry"))
            return false;
        deny_entry *d = &s->deny[s->ndeny++];
        const cbec_node *m = cbec__node_member(e, "lang", 4);
        if (m && !compile_range(c, s, m, false, &d->lang))
            return false;
        bool whole = false;
        if ((m = cbec__node_member(e, "match", 5))) {
            if (!is_str(m, "word") && !is_str(m, "whole"))
                return cbec__compile_error(c, m, "\"match\" must be \"word\" (anywhere, as a whole word) or \"whole\" (the entire text)");
            whole = is_str(m, "whole");
        }
        const cbec_node *words = cbec__node_member(e, "words", 5), *pats = cbec__node_member(e, "patterns", 8);
        size_t total = (words ? words->count : 0) + (pats ? pats->count : 0);
        if ((words && words->kind != CBEC_NODE_ARRAY) || (pats && pats->kind != CBEC_NODE_ARRAY) || !total)
            return cbec__compile_error(c, e, "a deny entry needs \"words\" and/or \"patterns\": lists of strings");
        if ((items += total) > DENY_MAX_ITEMS)
            return cbec__compile_error(c, e, "a rule may refuse at most %d words and patterns in all", DENY_MAX_ITEMS);
        if (!(d->items = cbec__calloc(total, sizeof *d->items)))
            return cbec__compile_oom(c);
        for (int pass = 0; pass < 2; pass++) {
            const cbec_node *list = pass ? pats : words;
            for (uint32_t k = 0; list && k < list->count; k++) {
                const cbec_node *w = &list->children[k];
                if (w->kind != CBEC_NODE_STRING || !w->len || w->len > 1000)
                    return cbec__compile_error(c, w, "expected a non-empty string of at most 1000 bytes");
                deny_item *it = &d->items[d->nitems++];
                if (!(it->source = cbec__compile_strdup(c, w)))
                    return false;
                if (pass == 0) {
                    it->folded = true;
                    if (!word_regex(c, w, w->text, w->len, whole, &it->re))
                        return false;
                } else {
                    char err[256];
                    if (!(it->re = cbec__regex_compile(w->text, w->len, 0, err, sizeof err)))
                        return cbec__compile_error(c, w, "bad regular expression: %s", err);
                }
            }
        }
    }
    return true;
}

static const char *const text_keys[] = {
    "form", "field", "langKey", "textKey", "lang", "languages", "countryLanguages", "tags",
    "select", "normalization", "unsafe", "repertoire", "scripts", "length", "deny",
};

static bool text_compile(cbec_compiler *c, cbec_rule *r, const cbec_node *n, void **out)
{
    (void)r;
    if (n->kind != CBEC_NODE_OBJECT || !n->count)
        return cbec__compile_error(c, n, "\"text\" must be an object of text requirements (doc/pack-format.md, text)");
    text_state *s = cbec__calloc(1, sizeof *s);
    if (!s)
        return cbec__compile_oom(c);
    *out = s;
    cbec__strmap_init(&s->country_table);
    if (!cbec__compile_keys(c, n, text_keys, CBEC_ARRAY_LEN(text_keys), "\"text\""))
        return false;
    const cbec_node *m;
    s->form = FORM_AUTO;
    if ((m = cbec__node_member(n, "form", 4))) {
        if (is_str(m, "auto"))
            s->form = FORM_AUTO;
        else if (is_str(m, "plain"))
            s->form = FORM_PLAIN;
        else if (is_str(m, "object"))
            s->form = FORM_OBJECT;
        else if (is_str(m, "list"))
            s->form = FORM_LIST;
        else if (is_str(m, "suffix"))
            s->form = FORM_SUFFIX;
        else
            return cbec__compile_error(c, m, "\"form\" must be auto, plain, object, list or suffix");
    }
    /* tags are a structural matter: by default only a rule that requires
     * languages reports bad ones, so several rules over one multilingual
     * value do not repeat the same finding */
    bool requires = cbec__node_member(n, "languages", 9) || cbec__node_member(n, "countryLanguages", 16);
    s->tags_registered = requires;
    s->tags_report = requires;
    if ((m = cbec__node_member(n, "tags", 4))) {
        if (!is_str(m, "registered") && !is_str(m, "syntax") && !is_str(m, "ignore"))
            return cbec__compile_error(c, m, "\"tags\" must be \"registered\" (ISO 639/15924/3166), \"syntax\" or \"ignore\"");
        s->tags_registered = is_str(m, "registered");
        s->tags_report = !is_str(m, "ignore");
    }
    bool multilingual = s->form != FORM_PLAIN;
    bool uses_tags = multilingual || cbec__node_member(n, "lang", 4) || cbec__node_member(n, "select", 6) ||
                     cbec__node_member(n, "deny", 4);
    bool need_tab = cbec__node_member(n, "scripts", 7) || (s->tags_registered && uses_tags);
    if (need_tab) {
        char err[512];
        int st = cbec__langtab_load(cbec__isocodes_dir(c->opts), c->opts ? c->opts->cache_dir : NULL,
                                    s->tags_registered && uses_tags, &s->tab, err, sizeof err);
        if (st == CBEC_ENOMEM)
            return cbec__compile_oom(c);
        if (st)
            return cbec__compile_error(c, n, "cannot read the ISO language and script tables: %s", err);
        const char *f;
        for (size_t i = 0; (f = cbec__langtab_file(s->tags_registered && uses_tags, i)); i++) {
            char path[1024];
            if (cbec__isocodes_path(cbec__isocodes_dir(c->opts), f, path, sizeof path) &&
                !cbec__compile_note_dep(c, NULL, path))
                return cbec__compile_oom(c);
        }
    }
    /* shape-specific keys */
    if ((m = cbec__node_member(n, "field", 5))) {
        if (s->form != FORM_SUFFIX)
            return cbec__compile_error(c, m, "\"field\" belongs to \"form\": \"suffix\"");
        if (!(s->field = plain_strdup(c, m)))
            return false;
        s->fieldlen = strlen(s->field);
        if (!s->fieldlen)
            return cbec__compile_error(c, m, "\"field\" must name the base field (\"name\" for nameZh, name_en)");
    } else if (s->form == FORM_SUFFIX) {
        return cbec__compile_error(c, n, "\"form\": \"suffix\" needs \"field\": the base name of the sibling fields");
    }
    s->lang_key = cbec__strdup("lang");
    s->text_key = cbec__strdup("text");
    if (!s->lang_key || !s->text_key)
        return cbec__compile_oom(c);
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "textKey" : "langKey";
        if (!(m = cbec__node_member(n, key, 7)))
            continue;
        if (s->form != FORM_LIST && s->form != FORM_AUTO)
            return cbec__compile_error(c, m, "\"%s\" belongs to the list form", key);
        char **dst = k ? &s->text_key : &s->lang_key;
        free(*dst);
        if (!(*dst = plain_strdup(c, m)))
            return false;
    }
    if ((m = cbec__node_member(n, "lang", 4))) {
        if (s->form != FORM_PLAIN && s->form != FORM_AUTO)
            return cbec__compile_error(c, m, "\"lang\" gives the language of a plain string (form plain or auto)");
        cbec_langtag_error e;
        if (m->kind != CBEC_NODE_STRING ||
            !cbec__langtag_check(s->tags_registered ? s->tab : NULL, m->text, m->len, true, &s->plain_tag, &e))
            return cbec__compile_error(c, m, "\"lang\" must be a valid language tag%s%s", m->kind == CBEC_NODE_STRING ? ": " : "",
                                       m->kind == CBEC_NODE_STRING ? e.en : "");
        s->has_plain_tag = true;
    }
    if ((m = cbec__node_member(n, "languages", 9))) {
        if (!multilingual)
            return cbec__compile_error(c, m, "\"languages\" needs a multilingual form (auto, object, list or suffix)");
        if (!compile_ranges(c, s, m, false, &s->languages, &s->nlanguages, "languages"))
            return false;
    }
    if ((m = cbec__node_member(n, "countryLanguages", 16))) {
        if (!multilingual)
            return cbec__compile_error(c, m, "\"countryLanguages\" needs a multilingual form (auto, object, list or suffix)");
        if (!compile_country(c, s, m))
            return false;
    }
    if ((m = cbec__node_member(n, "select", 6)) && !compile_ranges(c, s, m, true, &s->select, &s->nselect, "select"))
        return false;
    if ((m = cbec__node_member(n, "normalization", 13))) {
        if (is_str(m, "NFC"))
            s->nf = CBEC_TEXT_NFC;
        else if (is_str(m, "NFD"))
            s->nf = CBEC_TEXT_NFD;
        else if (is_str(m, "NFKC"))
            s->nf = CBEC_TEXT_NFKC;
        else if (is_str(m, "NFKD"))
            s->nf = CBEC_TEXT_NFKD;
        else
            return cbec__compile_error(c, m, "\"normalization\" must be NFC, NFKC, NFD or NFKD");
    }
    if ((m = cbec__node_member(n, "unsafe", 6)) && !compile_unsafe(c, s, m))
        return false;
    if ((m = cbec__node_member(n, "repertoire", 10)) && !compile_repertoire(c, s, m))
        return false;
    if ((m = cbec__node_member(n, "scripts", 7)) && !compile_scripts(c, s, m))
        return false;
    if ((m = cbec__node_member(n, "length", 6)) && !compile_length(c, s, m))
        return false;
    if ((m = cbec__node_member(n, "deny", 4)) && !compile_deny(c, s, m))
        return false;
    s->uses_tags = s->tags_report || s->nlanguages || s->has_country || s->nselect || s->ndeny;
    return true;
}

/* ---- checking one text ---- */

static void cp_name(char *buf, size_t cap, uint32_t cp) { snprintf(buf, cap, "U+%04lX", (unsigned long)cp); }

/* "“中” (U+4E2D) at character 3" in both languages. */
static void char_reason(char *en, char *zh, size_t cap, const char *text, size_t off, size_t k, uint32_t cp,
                        size_t ch)
{
    char u[16];
    cp_name(u, sizeof u, cp);
    snprintf(en, cap, "\"%.*s\" (%s) at character %zu", (int)k, text + off, u, ch);
    snprintf(zh, cap, "第 %zu 个字符“%.*s”（%s）", ch, (int)k, text + off, u);
}

static void finding(cbec_vctx *v, const cbec_rule *r, const cbec_check_kind *k, const cbec_node *n,
                    const char *expected, const char *en, const char *zh)
{
    cbec_finding_args a = {expected, en, zh, NULL, NULL};
    cbec__finding(v, r, k, n, &a);
}

static void limit_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, const char *what_en,
                          const char *what_zh)
{
    finding(v, r, &k_limit, n, NULL, what_en, what_zh);
}

/* Why bytes at s do not start a UTF-8 sequence of a scalar value. */
static void invalid_reason(const unsigned char *u, size_t n, size_t offset, char *en, char *zh, size_t cap)
{
    unsigned c = u[0], d = n > 1 ? u[1] : 0;
    const char *why_en, *why_zh;
    if (c >= 0x80 && c <= 0xBF) {
        why_en = "a continuation byte without a lead byte";
        why_zh = "缺少首字节的后续字节";
    } else if (c == 0xC0 || c == 0xC1 || (c == 0xE0 && d >= 0x80 && d < 0xA0) || (c == 0xF0 && d >= 0x80 && d < 0x90)) {
        why_en = "an overlong form";
        why_zh = "超长编码形式";
    } else if (c == 0xED && d >= 0xA0 && d <= 0xBF) {
        why_en = "an encoded surrogate (U+D800..U+DFFF)";
        why_zh = "编码的代理码位（U+D800..U+DFFF）";
    } else if ((c == 0xF4 && d >= 0x90 && d <= 0xBF) || (c >= 0xF5 && c <= 0xF7)) {
        why_en = "a value beyond U+10FFFF";
        why_zh = "超出 U+10FFFF 的值";
    } else if (c >= 0xF8) {
        why_en = "a byte that never occurs in UTF-8";
        why_zh = "UTF-8 中不会出现的字节";
    } else {
        why_en = "a truncated sequence";
        why_zh = "不完整的字节序列";
    }
    snprintf(en, cap, "%s (byte 0x%02X at byte offset %zu)", why_en, c, offset);
    snprintf(zh, cap, "%s（第 %zu 字节处的 0x%02X）", why_zh, offset, c);
}

/* What one pass over a text learns for the checks after it. */
typedef struct text_scan {
    bool ascii;          /* only ASCII characters */
    bool ascii_controls; /* an ASCII control character (C0 or DEL) */
    bool unsafe;         /* a character of the rule's unsafe classes (before excuses) */
    bool inert;          /* every character inert under the rule's normalisation form */
    size_t cps;          /* code points */
    size_t astral;       /* code points past U+FFFF (UTF-16 surrogate pairs) */
} text_scan;

#define BYTES_01 0x0101010101010101ULL
#define BYTES_20 0x2020202020202020ULL
#define BYTES_80 0x8080808080808080ULL

/* Among 8 ASCII bytes, one below 0x20 or equal to 0x7F: subtracting 0x20
 * borrows into the top bit of a byte below it, adding 1 carries into the
 * top bit of 0x7F; no byte has its top bit set, so neither crosses into
 * the next byte. */
static bool word_has_control(uint64_t w)
{
    return (((w - BYTES_20) & ~w) | (w + BYTES_01)) & BYTES_80;
}

/* Why a text is not strict UTF-8: bytes that are no scalar value at byte
 * i, or the noncharacter cp at character ch. */
static void encoding_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, size_t i, uint32_t cp, size_t ch)
{
    char en[200], zh[200];
    if (cp == UINT32_MAX) {
        invalid_reason((const unsigned char *)n->text + i, n->len - i, i, en, zh, sizeof en);
    } else {
        char u[16];
        cp_name(u, sizeof u, cp);
        snprintf(en, sizeof en, "a noncharacter (%s) at character %zu", u, ch);
        snprintf(zh, sizeof zh, "第 %zu 个字符为非字符码位（%s）", ch, u);
    }
    finding(v, r, &k_encoding, n, NULL, en, zh);
}

/* Strict UTF-8 and no noncharacters, in one pass that also learns what the
 * other checks of the rule need: whether the text is ASCII, whether any
 * character falls in the unsafe classes or could change under the
 * normalisation form, and its lengths.  ASCII runs are read eight bytes
 * at a time, basic Han characters need no table look-up. */
static bool scan_text(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n, text_scan *sc)
{
    const char *t = n->text;
    size_t len = n->len, i = 0, cps = 0, astral = 0;
    bool ascii = true, controls = false, unsafe = false, inert = true;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, t + i, 8);
            if (!(w & BYTES_80)) {
                controls |= word_has_control(w);
                i += 8;
                cps += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)t[i];
        if (c < 0x80) {
            controls |= c < 0x20 || c == 0x7F;
            i++;
            cps++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = cbec__text_decode_fast(t + i, len - i, &cp);
        cps++;
        if (!k) {
            encoding_finding(v, r, n, i, UINT32_MAX, cps);
            return false;
        }
        if (!cbec__text_is_basic_han(cp)) {
            if (cbec__text_is_noncharacter(cp)) {
                encoding_finding(v, r, n, i, cp, cps);
                return false;
            }
            if (s->unsafe && !unsafe)
                unsafe = (cbec__text_unsafe_class_in(cp, s->unsafe) & s->unsafe) != 0;
            if (s->nf && inert)
                inert = cbec__text_nf_inert(s->nf, cp);
            astral += k == 4;
        }
        ascii = false;
        i += k;
    }
    sc->ascii = ascii;
    sc->ascii_controls = controls;
    /* the only ASCII characters in an unsafe class are the controls */
    sc->unsafe = unsafe || controls;
    sc->inert = inert;
    sc->cps = cps;
    sc->astral = astral;
    return true;
}

/* Scripts whose letters are joined or kept apart by ZWJ/ZWNJ in ordinary
 * writing (Arabic, Syriac, Thaana, N'Ko, the Brahmic scripts of India and
 * Sri Lanka, Mongolian, Arabic presentation forms). */
static bool joining_script(uint32_t cp)
{
    return (cp >= 0x0600 && cp <= 0x0DFF) || (cp >= 0x1800 && cp <= 0x18AF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFC);
}

static void unsafe_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, cbec_text_unsafe cls, uint32_t cp,
                           size_t ch)
{
    static const struct {
        unsigned cls;
        const char *en, *zh;
    } names[] = {
        {CBEC_TEXT_CONTROL, "a control character", "控制字符"},
        {CBEC_TEXT_LINE_BREAK, "a line break or tab", "换行符或制表符"},
        {CBEC_TEXT_BIDI, "a bidirectional override or isolate", "双向文本覆盖或隔离控制符"},
        {CBEC_TEXT_BIDI_MARK, "a bidirectional mark", "双向文本标记"},
        {CBEC_TEXT_ZERO_WIDTH, "an invisible zero-width character", "不可见的零宽字符"},
        {CBEC_TEXT_PRIVATE_USE, "a private-use character", "私用区字符"},
        {CBEC_TEXT_UNASSIGNED, "an unassigned code point", "未分配的码位"},
        {CBEC_TEXT_TAG, "a tag character outside an emoji flag sequence", "表情旗帜序列以外的标签字符"},
    };
    const char *cen = "an unsafe character", *czh = "不安全字符";
    for (size_t q = 0; q < CBEC_ARRAY_LEN(names); q++)
        if (names[q].cls == (unsigned)cls) {
            cen = names[q].en;
            czh = names[q].zh;
        }
    char u[16], en[200], zh[200];
    cp_name(u, sizeof u, cp);
    if (cls == CBEC_TEXT_UNASSIGNED) {
        snprintf(en, sizeof en, "%s (%s, Unicode %s) at character %zu", cen, u, cbec__text_unicode_version(), ch);
        snprintf(zh, sizeof zh, "%s（%s，Unicode %s，第 %zu 个字符）", czh, u, cbec__text_unicode_version(), ch);
    } else {
        snprintf(en, sizeof en, "%s (%s) at character %zu", cen, u, ch);
        snprintf(zh, sizeof zh, "%s（%s，第 %zu 个字符）", czh, u, ch);
    }
    finding(v, r, &k_unsafe, n, NULL, en, zh);
}

/* The class of an ASCII character (cbec__text_unsafe_class, inlined). */
static cbec_text_unsafe ascii_unsafe_class(unsigned c)
{
    if (c == 0x09 || c == 0x0A || c == 0x0D)
        return CBEC_TEXT_LINE_BREAK;
    return c < 0x20 || c == 0x7F ? CBEC_TEXT_CONTROL : CBEC_TEXT_SAFE;
}

static bool check_unsafe(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n)
{
    const char *t = n->text;
    size_t len = n->len, ch = 0, tags_ok_until = 0;
    /* the last code point that is not a presentation selector or a skin
     * tone: a joiner after it continues an emoji sequence when it is
     * pictographic (looked up only when a joiner needs it) */
    uint32_t prev = 0, base = 0;
    bool have_base = false;
    for (size_t i = 0; i < len;) {
        uint32_t cp = (unsigned char)t[i];
        size_t k = 1;
        cbec_text_unsafe cls;
        if (cp < 0x80) {
            cls = ascii_unsafe_class(cp);
        } else {
            k = cbec__text_decode_fast(t + i, len - i, &cp);
            cls = cbec__text_unsafe_class_in(cp, s->unsafe);
        }
        ch++;
        if (cls & s->unsafe) {
            uint32_t next = 0;
            size_t kn = i + k < len ? cbec__text_decode_fast(t + i + k, len - i - k, &next) : 0;
            bool excused = false;
            /* a joiner inside an emoji ZWJ sequence (👩‍💻) */
            if (cp == 0x200D && have_base && kn && cbec__text_is_extended_pictographic(base) &&
                cbec__text_is_extended_pictographic(next))
                excused = true;
            /* joiners between letters of scripts that need them */
            if ((cp == 0x200C || cp == 0x200D) && kn && cbec__text_is_letter_or_mark(prev) && joining_script(prev) &&
                cbec__text_is_letter_or_mark(next) && joining_script(next))
                excused = true;
            /* tag characters of a subdivision flag (🏴 + tags + cancel tag) */
            if (cls == CBEC_TEXT_TAG && i < tags_ok_until)
                excused = true;
            if (!excused) {
                unsafe_finding(v, r, n, cls, cp, ch);
                return false;
            }
        }
        if (cp == 0x1F3F4) {
            /* a subdivision flag: tag characters ended by U+E007F CANCEL TAG */
            size_t j = i + k, count = 0, kk = 0;
            uint32_t c2 = 0;
            while (j < len && (kk = cbec__text_decode_fast(t + j, len - j, &c2)) && c2 >= 0xE0020 && c2 <= 0xE007E &&
                   count < 32) {
                j += kk;
                count++;
            }
            if (count && j < len && (kk = cbec__text_decode_fast(t + j, len - j, &c2)) && c2 == 0xE007F)
                tags_ok_until = j + kk;
        }
        if (cp != 0xFE0F && cp != 0xFE0E && !cbec__text_is_emoji_modifier(cp)) {
            base = cp;
            have_base = true;
        }
        prev = cp;
        i += k;
    }
    return true;
}

static bool check_normalization(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n)
{
    static const char *const names[] = {"", "NFC", "NFD", "NFKC", "NFKD"};
    int rc = cbec__text_is_normalized(s->nf, n->text, n->len);
    if (rc == 1)
        return true;
    if (rc < 0) {
        limit_finding(v, r, n, "normalization needs more memory than the limits allow",
                      "规范化检查所需内存超出限制");
        return false;
    }
    /* the normalised text is the suggested fix, when it stays small */
    cbec_buf fix;
    cbec__buf_init(&fix);
    rc = cbec__text_normalize(s->nf, n->text, n->len, 3 * n->len + 4096, &fix);
    const char *name = names[s->nf];
    if (rc == CBEC_TEXT_NF_OK)
        finding(v, r, &k_normalization, n, cbec__buf_cstr(&fix), name, name);
    else
        finding(v, r, &k_normalization_long, n, NULL, name, name);
    cbec__buf_free(&fix);
    return false;
}

static bool in_repertoire(text_rep rep, uint32_t cp)
{
    switch (rep) {
    case REP_NONE: return true;
    case REP_ASCII: return cp < 0x80;
    case REP_LATIN1: return cp < 0x100;
    case REP_UNOA:
    case REP_UNOB:
        /* ISO 9735 level A: upper-case letters, digits, space and
         * . , - ( ) / = ' + : ? ! " % & * ; < > ; level B adds lower case */
        if (cp >= 0x80 || cp == 0)
            return false;
        if (cbec__is_upper((int)cp) || cbec__is_digit((int)cp) || strchr(" .,-()/='+:?!\"%&*;<>", (int)cp))
            return true;
        return rep == REP_UNOB && cbec__is_lower((int)cp);
    case REP_UNOC:
        /* the graphic characters of ISO 8859-1 */
        return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xFF);
    case REP_SEPA:
        /* the EPC basic Latin set: a-z A-Z 0-9 / - ? : ( ) . , ' + space */
        return cp < 0x80 && cp != 0 && (cbec__is_alnum((int)cp) || strchr("/-?:().,'+ ", (int)cp));
    case REP_GB18030:
        /* every scalar value has a GB18030 byte sequence, but private-use
         * code points map to user-defined areas whose meaning differs
         * between systems (and moved between GB18030-2005 and -2022), and
         * unassigned code points and noncharacters carry no agreed
         * character: none of them is accepted */
        return !cbec__text_is_noncharacter(cp) && !cbec__text_is_private_use(cp) && !cbec__text_is_unassigned(cp);
    }
    return false;
}

/* Repertoires that hold every ASCII character, or every printable one. */
static bool rep_has_ascii(text_rep rep, bool controls)
{
    switch (rep) {
    case REP_NONE:
    case REP_ASCII:
    case REP_LATIN1:
    case REP_GB18030: return true;
    case REP_UNOC: return !controls;
    default: return false;
    }
}

static bool check_repertoire(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                             const text_scan *sc)
{
    if (sc->ascii && rep_has_ascii(s->rep, sc->ascii_controls))
        return true;
    size_t ch = 0;
    for (size_t i = 0; i < n->len;) {
        uint32_t cp = 0;
        size_t k = cbec__text_decode_fast(n->text + i, n->len - i, &cp);
        ch++;
        if (!in_repertoire(s->rep, cp)) {
            char en[200], zh[200];
            char_reason(en, zh, sizeof en, n->text, i, k, cp, ch);
            finding(v, r, &k_repertoire, n, s->rep_name, en, zh);
            return false;
        }
        i += k;
    }
    return true;
}

static bool ascii_bit(const uint8_t set[16], unsigned char c) { return (set[c >> 3] >> (c & 7)) & 1; }

static bool check_scripts(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                          const text_scan *sc)
{
    cbec_regex_scratch *rx = cbec__vctx_regex(v);
    /* short ASCII text is decided by the rule's table of the ASCII
     * characters, which its patterns filled at compile time: within one
     * window the patterns cannot reach their limits */
    bool by_table = sc->ascii && s->ascii_tables && n->len <= SCRIPT_WINDOW;
    if (s->script_search && by_table) {
        for (size_t i = 0; i < n->len; i++)
            if (!ascii_bit(s->allow_ascii, (unsigned char)n->text[i])) {
                char en[200], zh[200];
                char_reason(en, zh, sizeof en, n->text, i, 1, (unsigned char)n->text[i], i + 1);
                finding(v, r, &k_script_allow, n, s->allow_names, en, zh);
                return false;
            }
    } else if (s->script_search) {
        /* search window by window, so that finding the character to report
         * costs one pass and at most one window of single-character tests;
         * a character's class does not depend on its neighbours */
        size_t ch = 0;
        for (size_t w = 0; w < n->len;) {
            size_t end = w + SCRIPT_WINDOW < n->len ? w + SCRIPT_WINDOW : n->len;
            while (end < n->len && ((unsigned char)n->text[end] & 0xC0) == 0x80)
                end++;
            int rc = cbec__regex_match_utf8(s->script_search, rx, n->text + w, end - w);
            if (rc < 0) {
                limit_finding(v, r, n, "the script check hit the regular expression limits", "文字检查超出正则表达式限制");
                return false;
            }
            for (size_t i = w; rc == 1 && i < end;) {
                uint32_t cp = 0;
                size_t k = cbec__text_decode_fast(n->text + i, end - i, &cp);
                ch++;
                if (cbec__regex_match_utf8(s->script_one, rx, n->text + i, k) != 1) {
                    char en[200], zh[200];
                    char_reason(en, zh, sizeof en, n->text, i, k, cp, ch);
                    finding(v, r, &k_script_allow, n, s->allow_names, en, zh);
                    return false;
                }
                i += k;
            }
            for (size_t i = w; rc != 1 && i < end; i++)
                ch += ((unsigned char)n->text[i] & 0xC0) != 0x80;
            w = end;
        }
    }
    if (s->script_require) {
        int rc = 0;
        if (by_table) {
            for (size_t i = 0; i < n->len && !rc; i++)
                rc = ascii_bit(s->require_ascii, (unsigned char)n->text[i]);
        } else {
            rc = cbec__regex_match_utf8(s->script_require, rx, n->text, n->len);
        }
        if (rc < 0) {
            limit_finding(v, r, n, "the script check hit the regular expression limits", "文字检查超出正则表达式限制");
            return false;
        }
        if (rc == 0) {
            finding(v, r, &k_script_require, n, s->require_names, NULL, NULL);
            return false;
        }
    }
    return true;
}

static bool check_length(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                         const text_scan *sc)
{
    static const char *const unit_en[] = {"bytes", "code points", "grapheme clusters", "UTF-16 code units"};
    static const char *const unit_zh[] = {"字节", "个码位", "个字素簇", "个 UTF-16 码元"};
    unsigned long have = 0;
    switch (s->unit) {
    case UNIT_BYTES: have = n->len; break;
    case UNIT_GRAPHEMES: have = cbec__text_graphemes(n->text, n->len); break;
    case UNIT_CODE_POINTS: have = sc->cps; break;
    case UNIT_UTF16: have = sc->cps + sc->astral; break; /* a surrogate pair past U+FFFF */
    }
    bool low = s->has_min && have < s->min, high = s->has_max && have > s->max;
    if (!low && !high)
        return true;
    char en[160], zh[160], exp[24];
    snprintf(exp, sizeof exp, "%lu", low ? s->min : s->max);
    if (low) {
        snprintf(en, sizeof en, "%lu %s, at least %lu required", have, unit_en[s->unit], s->min);
        snprintf(zh, sizeof zh, "共 %lu %s，至少需要 %lu %s", have, unit_zh[s->unit], s->min, unit_zh[s->unit]);
    } else {
        snprintf(en, sizeof en, "%lu %s, at most %lu allowed", have, unit_en[s->unit], s->max);
        snprintf(zh, sizeof zh, "共 %lu %s，最多允许 %lu %s", have, unit_zh[s->unit], s->max, unit_zh[s->unit]);
    }
    finding(v, r, &k_length, n, exp, en, zh);
    return false;
}

static bool check_deny(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                       const cbec_langtag *tag)
{
    cbec_regex_scratch *rx = cbec__vctx_regex(v);
    cbec_buf folded;
    cbec__buf_init(&folded);
    bool have_folded = false, ok = true;
    for (size_t i = 0; i < s->ndeny && ok; i++) {
        const deny_entry *d = &s->deny[i];
        if (d->lang && (!tag || !cbec__langtag_matches(d->lang, tag)))
            continue;
        for (size_t k = 0; k < d->nitems && ok; k++) {
            const deny_item *it = &d->items[k];
            if (it->folded && !have_folded) {
                /* words are matched case-blind on the compatibility form,
                 * without invisible characters: "ＧＩＦＴ" and "gi\u200bft"
                 * are "gift" */
                int rc = cbec__text_normalize(CBEC_TEXT_NFKC_CASEFOLD, n->text, n->len, 3 * n->len + 4096, &folded);
                if (rc != CBEC_TEXT_NF_OK) {
                    limit_finding(v, r, n, "case folding for the deny list exceeded the limits", "为拒绝词表做大小写折叠时超出限制");
                    ok = false;
                    break;
                }
                have_folded = true;
            }
            const char *subj = it->folded ? cbec__buf_cstr(&folded) : n->text;
            size_t sl = it->folded ? folded.len : n->len;
            int rc = cbec__regex_match_utf8(it->re, rx, subj, sl);
            if (rc < 0) {
                limit_finding(v, r, n, "the deny list hit the regular expression limits", "拒绝词表检查超出正则表达式限制");
                ok = false;
            } else if (rc == 1) {
                char en[80] = "", zh[80] = "";
                if (d->lang) {
                    snprintf(en, sizeof en, " (refused in %s)", d->lang);
                    snprintf(zh, sizeof zh, "（%s 文本中禁用）", d->lang);
                }
                finding(v, r, &k_deny, n, it->source, en, zh);
                ok = false;
            }
        }
    }
    cbec__buf_free(&folded);
    return ok;
}

/* Every check of one text, in a fixed order; the first that fails gives
 * the finding for this text. */
static void check_text(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                       const cbec_langtag *tag)
{
    text_scan sc;
    if (!scan_text(v, r, s, n, &sc))
        return;
    /* the full checks run only when the scan saw a character that could
     * fail them: unsafe characters may still be excused by their
     * neighbours, and inert text short enough to be normalised in chunks
     * is in the form */
    if (s->unsafe && sc.unsafe && !check_unsafe(v, r, s, n))
        return;
    if (s->nf && !sc.ascii && !(sc.inert && n->len <= CBEC_TEXT_NF_CHUNK_MAX) && !check_normalization(v, r, s, n))
        return;
    if (s->rep && !check_repertoire(v, r, s, n, &sc))
        return;
    if ((s->script_search || s->script_require) && !check_scripts(v, r, s, n, &sc))
        return;
    if (s->has_length && !check_length(v, r, s, n, &sc))
        return;
    if (s->ndeny)
        check_deny(v, r, s, n, tag);
}

bool cbec__langtag_quick(const char *s, size_t n, cbec_langtag *out)
{
    if (n != 2 || !cbec__is_alpha(s[0]) || !cbec__is_alpha(s[1]))
        return false;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 2; i++)
        out->canon[i] = out->language[i] = (char)(cbec__is_upper(s[i]) ? s[i] + 32 : s[i]);
    return true;
}

static bool selected(const text_state *s, const cbec_langtag *tag)
{
    if (!s->nselect)
        return true;
    for (size_t i = 0; tag && i < s->nselect; i++)
        if (cbec__langtag_matches(s->select[i], tag))
            return true;
    return false;
}

/* ---- multilingual shapes ---- */

typedef struct variant {
    const cbec_node *text;   /* the string; NULL when the shape was wrong */
    const cbec_node *at;     /* where a tag finding points */
    cbec_langtag tag;
    bool has_tag;            /* false: the suffix form's bare field */
    bool dup;
} variant;

/* The variants of one value: on the stack for the usual handful of
 * languages, on the heap past that. */
#define LOCAL_VARIANTS 8

typedef struct variants {
    variant *v;
    size_t count, cap;
    variant local[LOCAL_VARIANTS];
} variants;

static void variants_init(variants *vs)
{
    vs->v = vs->local;
    vs->count = 0;
    vs->cap = LOCAL_VARIANTS;
}

static void variants_free(variants *vs)
{
    if (vs->v != vs->local)
        free(vs->v);
}

static variant *variant_add(variants *vs)
{
    if (vs->count == vs->cap) {
        size_t cap = vs->cap * 2;
        variant *nv = vs->v == vs->local ? malloc(cap * sizeof *nv) : realloc(vs->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        if (vs->v == vs->local)
            memcpy(nv, vs->local, sizeof vs->local);
        vs->v = nv;
        vs->cap = cap;
    }
    /* the tag is filled by variant_tag; only its text matters before */
    variant *x = &vs->v[vs->count++];
    x->text = x->at = NULL;
    x->tag.canon[0] = x->tag.language[0] = x->tag.script[0] = x->tag.region[0] = '\0';
    x->has_tag = x->dup = false;
    return x;
}

/* Check a tag found in the message; reports and returns false when bad. */
static bool variant_tag(cbec_vctx *v, const cbec_rule *r, const text_state *s, variant *x, const char *t, size_t n)
{
    /* a rule that neither reports tags nor asks which language a text is
     * in treats every text alike: its tags need no reading */
    if (!s->uses_tags)
        return true;
    if (!s->tags_registered && cbec__langtag_quick(t, n, &x->tag)) {
        x->has_tag = true;
        return true;
    }
    cbec_langtag_error e;
    if (cbec__langtag_check(s->tags_registered ? s->tab : NULL, t, n, true, &x->tag, &e)) {
        x->has_tag = true;
        return true;
    }
    if (!s->tags_report) {
        /* not this rule's business: the text counts as one of no known language */
        memset(&x->tag, 0, sizeof x->tag);
        return true;
    }
    char en[260], zh[260];
    snprintf(en, sizeof en, "\"%.*s\": %s", (int)(n > 40 ? 40 : n), t, e.en);
    snprintf(zh, sizeof zh, "“%.*s”：%s", (int)(n > 40 ? 40 : n), t, e.zh);
    finding(v, r, &k_tag, x->at, NULL, en, zh);
    return false;
}

static void shape_finding(cbec_vctx *v, const cbec_rule *r, const cbec_node *at, const char *en, const char *zh)
{
    finding(v, r, &k_shape, at, NULL, en, zh);
}

/* The tag in a suffixed field name: "name_en", "name_zh_CN", "nameZh",
 * "nameZhHant", "nameEnGB".  Returns false when the name is not a variant
 * of the field (the rest is not a well-formed tag). */
static bool suffix_tag(const text_state *s, const cbec_node *m, char *tag, size_t cap, bool *bare)
{
    *bare = false;
    if (m->keylen < s->fieldlen || memcmp(m->key, s->field, s->fieldlen) != 0)
        return false;
    const char *rest = m->key + s->fieldlen;
    size_t n = m->keylen - s->fieldlen, o = 0;
    if (n == 0) {
        *bare = true;
        return true;
    }
    if (n >= cap)
        return false;
    if (rest[0] == '_' || rest[0] == '-') {
        for (size_t i = 1; i < n; i++)
            tag[o++] = rest[i] == '_' ? '-' : rest[i];
    } else if (cbec__is_upper(rest[0])) {
        /* camelCase: a capital and its lower-case letters, a run of
         * capitals (a region), or a run of digits, each one subtag */
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            if (cbec__is_upper(rest[i]) && j < n && cbec__is_lower(rest[j])) {
                while (j < n && cbec__is_lower(rest[j]))
                    j++;
            } else if (cbec__is_upper(rest[i])) {
                while (j < n && cbec__is_upper(rest[j]) && !(j + 1 < n && cbec__is_lower(rest[j + 1])))
                    j++;
            } else if (cbec__is_digit(rest[i])) {
                while (j < n && cbec__is_digit(rest[j]))
                    j++;
            } else {
                return false;
            }
            if (o + (j - i) + 1 >= cap)
                return false;
            if (o)
                tag[o++] = '-';
            memcpy(tag + o, rest + i, j - i);
            o += j - i;
            i = j;
        }
    } else {
        return false;
    }
    tag[o] = '\0';
    cbec_langtag probe;
    cbec_langtag_error e;
    return cbec__langtag_check(NULL, tag, o, true, &probe, &e);
}

static bool collect(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n, text_form form,
                    variants *vs)
{
    for (uint32_t i = 0; i < n->count; i++) {
        const cbec_node *m = &n->children[i];
        variant *x = NULL;
        if (form == FORM_OBJECT) {
            if (!(x = variant_add(vs)))
                return false;
            x->at = m;
            if (!variant_tag(v, r, s, x, m->key, m->keylen))
                continue;
        } else if (form == FORM_SUFFIX) {
            char tag[64];
            bool bare;
            if (!suffix_tag(s, m, tag, sizeof tag, &bare))
                continue;
            if (!(x = variant_add(vs)))
                return false;
            x->at = m;
            if (!bare && !variant_tag(v, r, s, x, tag, strlen(tag)))
                continue;
        } else {
            const cbec_node *lang = cbec__node_member(m, s->lang_key, strlen(s->lang_key));
            const cbec_node *text = cbec__node_member(m, s->text_key, strlen(s->text_key));
            if (!lang || lang->kind != CBEC_NODE_STRING || !text) {
                char en[200], zh[200];
                snprintf(en, sizeof en, "each item needs a string \"%.40s\" and a \"%.40s\"", s->lang_key, s->text_key);
                snprintf(zh, sizeof zh, "每一项都需要字符串“%.40s”和“%.40s”", s->lang_key, s->text_key);
                shape_finding(v, r, m, en, zh);
                continue;
            }
            if (!(x = variant_add(vs)))
                return false;
            x->at = lang;
            if (!variant_tag(v, r, s, x, lang->text, lang->len))
                continue;
            m = text;
        }
        if (m->kind != CBEC_NODE_STRING) {
            char en[120], zh[120];
            snprintf(en, sizeof en, "a text must be a string, found %s", cbec__kind_name(m->kind));
            snprintf(zh, sizeof zh, "文本应为字符串，实际为 %s", cbec__kind_name(m->kind));
            shape_finding(v, r, m, en, zh);
            continue;
        }
        x->text = m;
    }
    return true;
}

static int variant_order(const void *a, const void *b)
{
    const variant *x = *(const variant *const *)a, *y = *(const variant *const *)b;
    if (x->has_tag != y->has_tag)
        return x->has_tag ? 1 : -1;
    int c = strcmp(x->tag.canon, y->tag.canon);
    if (c)
        return c;
    return (x > y) - (x < y);
}

/* Mark the second and later variants of the same language. */
static bool find_duplicates(cbec_vctx *v, const cbec_rule *r, variants *vs)
{
    if (vs->count < 2)
        return true;
    variant *local[LOCAL_VARIANTS * 2];
    variant **idx = vs->count <= CBEC_ARRAY_LEN(local) ? local : cbec__calloc(vs->count, sizeof *idx);
    if (!idx)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < vs->count; i++)
        if (vs->v[i].text)
            idx[n++] = &vs->v[i];
    if (idx == local) {
        /* variant_order is a total order, so this sorts as qsort would */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && variant_order(&idx[j - 1], &idx[j]) > 0; j--) {
                variant *t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
    } else {
        qsort(idx, n, sizeof *idx, variant_order);
    }
    for (size_t i = 1; i < n; i++)
        if (idx[i]->has_tag == idx[i - 1]->has_tag && strcmp(idx[i]->tag.canon, idx[i - 1]->tag.canon) == 0) {
            idx[i]->dup = true;
            char en[160], zh[160];
            const char *what = idx[i]->has_tag ? idx[i]->tag.canon : "(no language)";
            snprintf(en, sizeof en, "the language %s is given more than once", what);
            snprintf(zh, sizeof zh, "语言 %s 重复出现", idx[i]->has_tag ? what : "（未标明语言）");
            shape_finding(v, r, idx[i]->at, en, zh);
        }
    if (idx != local)
        free(idx);
    return true;
}

/* A language is present when a variant carries its tag, even if the
 * value there is not a string (that has its own finding). */
static bool has_language(const variants *vs, const char *range)
{
    for (size_t i = 0; i < vs->count; i++)
        if (vs->v[i].has_tag && cbec__langtag_matches(range, &vs->v[i].tag))
            return true;
    return false;
}

/* The node at the country path, or NULL when the message has none there. */
static const cbec_node *country_node(cbec_vctx *v, const text_state *s, const cbec_node *n)
{
    const cbec_node *at = n;
    if (s->country_up < 0) {
        const cbec_doc *d = cbec__vctx_doc(v);
        at = d ? d->root : NULL;
    } else {
        for (long i = 0; i < s->country_up && at; i++)
            at = at->parent;
    }
    for (size_t i = 0; i < s->country_nsegs && at; i++) {
        const cbec_path_seg *g = &s->country_segs[i];
        if (at->kind == CBEC_NODE_ARRAY) {
            unsigned long idx = 0;
            bool num = g->len > 0 && g->len < 10;
            for (size_t k = 0; num && k < g->len; k++) {
                num = cbec__is_digit(g->name[k]);
                idx = idx * 10 + (unsigned long)(g->name[k] - '0');
            }
            at = num && idx < at->count ? &at->children[idx] : NULL;
        } else {
            at = cbec__node_member(at, g->name, g->len);
        }
    }
    return at;
}

/* Languages required by the country, as a space-separated list (NULL:
 * no requirement). */
static const char *country_languages(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                                     const cbec_node **cn)
{
    *cn = country_node(v, s, n);
    if (!*cn)
        return NULL; /* the rule on the country field itself says whether it must be there */
    const cbec_node *c = *cn;
    const char *langs = NULL;
    if (c->kind == CBEC_NODE_STRING && c->len == 2) {
        char cc[3] = {(char)cbec__to_upper(c->text[0]), (char)cbec__to_upper(c->text[1]), 0};
        const cbec_strmap_entry *e = cbec__strmap_get(&s->country_table, cc, 2);
        langs = e ? e->value : cbec__country_languages(cc, 2);
    }
    if (!langs && !s->country_ignore_unknown) {
        char en[200], zh[200];
        snprintf(en, sizeof en, "no official languages are known for this value at %.60s; add the country to the rule's \"table\"",
                 s->country_where);
        snprintf(zh, sizeof zh, "%.60s 处的值没有已知的官方语言；请在规则的“table”中补充该国家", s->country_where);
        finding(v, r, &k_country, c, NULL, en, zh);
    }
    return langs;
}

static void check_requirements(cbec_vctx *v, const cbec_rule *r, const text_state *s, const cbec_node *n,
                               const variants *vs)
{
    if (!s->nlanguages && !s->has_country)
        return;
    cbec_buf exp, en, zh;
    cbec__buf_init(&exp);
    cbec__buf_init(&en);
    cbec__buf_init(&zh);
    bool missing = false;
    for (size_t i = 0; i < s->nlanguages; i++) {
        cbec__buf_adds(&exp, i ? ", " : "");
        cbec__buf_adds(&exp, s->languages[i]);
        if (has_language(vs, s->languages[i]))
            continue;
        cbec__buf_adds(&en, missing ? ", " : "missing ");
        cbec__buf_adds(&zh, missing ? "、" : "缺少 ");
        cbec__buf_adds(&en, s->languages[i]);
        cbec__buf_adds(&zh, s->languages[i]);
        missing = true;
    }
    const cbec_node *cn = NULL;
    const char *langs = s->has_country ? country_languages(v, r, s, n, &cn) : NULL;
    if (langs) {
        bool any = false, all = true;
        char list_en[160] = "", list_zh[160] = "";
        for (const char *p = langs; *p;) {
            size_t l = strcspn(p, " ");
            char range[16];
            snprintf(range, sizeof range, "%.*s", (int)l, p);
            bool have = has_language(vs, range);
            any |= have;
            all &= have;
            size_t ue = strlen(list_en), uz = strlen(list_zh);
            snprintf(list_en + ue, sizeof list_en - ue, "%s%s", ue ? ", " : "", range);
            snprintf(list_zh + uz, sizeof list_zh - uz, "%s%s", uz ? "、" : "", range);
            p += l;
            while (*p == ' ')
                p++;
        }
        if (s->country_all ? !all : !any) {
            char cc[3] = {(char)cbec__to_upper(cn->text[0]), (char)cbec__to_upper(cn->text[1]), 0};
            cbec__buf_adds(&en, missing ? "; " : "");
            cbec__buf_adds(&zh, missing ? "；" : "");
            if (s->country_all || !strchr(langs, ' ')) {
                cbec__buf_addf(&en, "%s (at %.60s) needs %s", cc, s->country_where, list_en);
                cbec__buf_addf(&zh, "%s（%.60s）需要 %s", cc, s->country_where, list_zh);
            } else {
                cbec__buf_addf(&en, "%s (at %.60s) needs one of %s", cc, s->country_where, list_en);
                cbec__buf_addf(&zh, "%s（%.60s）需要 %s 之一", cc, s->country_where, list_zh);
            }
            cbec__buf_adds(&exp, exp.len ? ", " : "");
            cbec__buf_adds(&exp, list_en);
            missing = true;
        }
    }
    if (missing)
        finding(v, r, &k_languages, n, cbec__buf_cstr(&exp), cbec__buf_cstr(&en), cbec__buf_cstr(&zh));
    cbec__buf_free(&exp);
    cbec__buf_free(&en);
    cbec__buf_free(&zh);
}

static bool wrong_kind(cbec_vctx *v, const cbec_rule *r, const cbec_node *n, const char *expected)
{
    cbec_finding_args a = {expected, cbec__kind_name(n->kind), cbec__kind_name(n->kind), NULL, NULL};
    cbec__finding(v, r, &cbec__kind_type, n, &a);
    return false;
}

static bool text_run(const void *st, cbec_vctx *v, const cbec_rule *r, const cbec_node *n)
{
    const text_state *s = st;
    text_form form = s->form;
    if (form == FORM_AUTO) {
        if (n->kind == CBEC_NODE_STRING)
            form = FORM_PLAIN;
        else if (n->kind == CBEC_NODE_OBJECT)
            form = FORM_OBJECT;
        else if (n->kind == CBEC_NODE_ARRAY)
            form = FORM_LIST;
        else
            return wrong_kind(v, r, n, "string|object|array");
    }
    if (form == FORM_PLAIN) {
        if (n->kind != CBEC_NODE_STRING)
            return wrong_kind(v, r, n, "string");
        if (s->nlanguages || s->has_country) {
            shape_finding(v, r, n, "texts in several languages are required, found a single string",
                          "需要多种语言的文本，实际只有一个字符串");
            return true;
        }
        const cbec_langtag *tag = s->has_plain_tag ? &s->plain_tag : NULL;
        if (selected(s, tag))
            check_text(v, r, s, n, tag);
        return true;
    }
    if (form == FORM_LIST ? n->kind != CBEC_NODE_ARRAY : n->kind != CBEC_NODE_OBJECT)
        return wrong_kind(v, r, n, form == FORM_LIST ? "array" : "object");
    variants vs;
    variants_init(&vs);
    bool ok = collect(v, r, s, n, form, &vs) && (!s->tags_report || find_duplicates(v, r, &vs));
    if (ok) {
        check_requirements(v, r, s, n, &vs);
        for (size_t i = 0; i < vs.count; i++) {
            const variant *x = &vs.v[i];
            if (x->text && !x->dup && selected(s, x->has_tag ? &x->tag : NULL))
                check_text(v, r, s, x->text, x->has_tag ? &x->tag : NULL);
        }
    } else {
        limit_finding(v, r, n, "out of memory", "内存不足");
    }
    variants_free(&vs);
    return true;
}

const cbec_check_kind cbec__kind_text = {
    "text", 60, text_compile, text_run, text_free,
    "text {value} breaks rule {rule}: {reason}",
    "文本 {value} 不符合规则 {rule}：{reason}",
    NULL,
};
