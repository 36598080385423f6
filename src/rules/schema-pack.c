/* schema-pack.c - JSON Schema in packs: the "schema" keys of a message
 * type's "json" section, the structure check the validator runs before the
 * field rules (one finding per failed keyword, at the instance's JSON
 * Pointer, with the keyword location), bare-schema packs and the resource
 * directory option. */
#include "rules/schema-pack.h"
#include "rules/schema-int.h"
#include "core/digest.h"
#include "pack/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ---- */

#define AT_EN " (schema {reason})"
#define AT_ZH "（模式位置 {reason}）"

static const struct {
    const char *en, *zh;
} texts[CBEC_SF_COUNT] = {
    [CBEC_SF_FALSE] = {"the schema allows no value here" AT_EN, "模式不允许此处出现任何值" AT_ZH},
    [CBEC_SF_TYPE] = {"wrong type: expected {expected}" AT_EN, "类型错误：应为 {expected}" AT_ZH},
    [CBEC_SF_ENUM] = {"value {value} is not one of {expected}" AT_EN, "值 {value} 不在允许的取值 {expected} 之中" AT_ZH},
    [CBEC_SF_CONST] = {"value {value} must be {expected}" AT_EN, "值 {value} 必须是 {expected}" AT_ZH},
    [CBEC_SF_MINIMUM] = {"value {value} is less than the minimum {expected}" AT_EN, "值 {value} 小于最小值 {expected}" AT_ZH},
    [CBEC_SF_MAXIMUM] = {"value {value} is greater than the maximum {expected}" AT_EN, "值 {value} 大于最大值 {expected}" AT_ZH},
    [CBEC_SF_XMINIMUM] = {"value {value} must be greater than {expected}" AT_EN, "值 {value} 必须大于 {expected}" AT_ZH},
    [CBEC_SF_XMAXIMUM] = {"value {value} must be less than {expected}" AT_EN, "值 {value} 必须小于 {expected}" AT_ZH},
    [CBEC_SF_MULTIPLE_OF] = {"value {value} is not a multiple of {expected}" AT_EN, "值 {value} 不是 {expected} 的整数倍" AT_ZH},
    [CBEC_SF_MIN_LENGTH] = {"text {value} is shorter than {expected} characters" AT_EN, "文本 {value} 少于 {expected} 个字符" AT_ZH},
    [CBEC_SF_MAX_LENGTH] = {"text {value} is longer than {expected} characters" AT_EN, "文本 {value} 超过 {expected} 个字符" AT_ZH},
    [CBEC_SF_PATTERN] = {"value {value} does not match the pattern {expected}" AT_EN, "值 {value} 不符合格式 {expected}" AT_ZH},
    [CBEC_SF_FORMAT] = {"value {value} is not a valid {expected}" AT_EN, "值 {value} 不是有效的 {expected}" AT_ZH},
    [CBEC_SF_MIN_ITEMS] = {"too few items: at least {expected} required" AT_EN, "项目过少：至少需要 {expected} 项" AT_ZH},
    [CBEC_SF_MAX_ITEMS] = {"too many items: at most {expected} allowed" AT_EN, "项目过多：最多允许 {expected} 项" AT_ZH},
    [CBEC_SF_UNIQUE_ITEMS] = {"items {expected} are equal, but items must be unique" AT_EN, "第 {expected} 项相同，各项不得重复" AT_ZH},
    [CBEC_SF_CONTAINS] = {"no item matches the \"contains\" schema" AT_EN, "没有任何一项符合 contains 模式" AT_ZH},
    [CBEC_SF_MIN_CONTAINS] = {"fewer than {expected} items match the \"contains\" schema" AT_EN, "符合 contains 模式的项目少于 {expected} 项" AT_ZH},
    [CBEC_SF_MAX_CONTAINS] = {"more than {expected} items match the \"contains\" schema" AT_EN, "符合 contains 模式的项目多于 {expected} 项" AT_ZH},
    [CBEC_SF_ITEM_NOT_ALLOWED] = {"item {expected} is not allowed here" AT_EN, "此处不允许出现第 {expected} 项" AT_ZH},
    [CBEC_SF_REQUIRED] = {"required property {expected} is missing" AT_EN, "缺少必需属性 {expected}" AT_ZH},
    [CBEC_SF_DEPENDENT_REQUIRED] = {"property {expected} is missing; the property named last in the schema location requires it" AT_EN,
                                    "缺少属性 {expected}；模式位置末尾所列属性出现时必须同时提供它" AT_ZH},
    [CBEC_SF_MIN_PROPERTIES] = {"too few properties: at least {expected} required" AT_EN, "属性过少：至少需要 {expected} 个" AT_ZH},
    [CBEC_SF_MAX_PROPERTIES] = {"too many properties: at most {expected} allowed" AT_EN, "属性过多：最多允许 {expected} 个" AT_ZH},
    [CBEC_SF_PROPERTY_NOT_ALLOWED] = {"property {expected} is not allowed" AT_EN, "不允许出现属性 {expected}" AT_ZH},
    [CBEC_SF_PROPERTY_NAME] = {"property name {expected} does not satisfy \"propertyNames\"" AT_EN, "属性名 {expected} 不符合 propertyNames 模式" AT_ZH},
    [CBEC_SF_ANY_OF] = {"value matches none of the alternatives (anyOf)" AT_EN, "值不符合任何一个备选模式（anyOf）" AT_ZH},
    [CBEC_SF_ONE_OF_NONE] = {"value matches none of the alternatives (oneOf)" AT_EN, "值不符合任何一个备选模式（oneOf）" AT_ZH},
    [CBEC_SF_ONE_OF_MANY] = {"value matches more than one alternative (oneOf: {expected})" AT_EN, "值同时符合多个备选模式（oneOf：{expected}）" AT_ZH},
    [CBEC_SF_NOT] = {"value must not match the \"not\" schema" AT_EN, "值不得符合 not 模式" AT_ZH},
    [CBEC_SF_REGEX_LIMIT] = {"the pattern {expected} could not be evaluated within the match limits" AT_EN, "正则表达式 {expected} 超出匹配限制，无法判定" AT_ZH},
    [CBEC_SF_DEPTH] = {"schema evaluation nested deeper than {expected} levels; the rest was not checked" AT_EN, "模式求值嵌套超过 {expected} 层，其余部分未检查" AT_ZH},
    [CBEC_SF_BUDGET] = {"schema evaluation took more than {expected} steps; the rest was not checked" AT_EN, "模式求值超过 {expected} 步，其余部分未检查" AT_ZH},
};

const char *cbec__schema_fail_text(cbec_schema_fail code, bool zh)
{
    if ((unsigned)code >= CBEC_SF_COUNT)
        return "";
    return zh ? texts[code].zh : texts[code].en;
}

/* The check kind findings of a schema are recorded under (its default
 * texts are never used: every finding brings its own). */
static const cbec_check_kind kind_schema = {
    "schema", 0, NULL, NULL, NULL,
    "the message does not match its JSON Schema",
    "报文不符合其 JSON 模式",
    NULL,
};

/* ---- the structure check ---- */

typedef struct schema_structure {
    cbec_schema *schema;
    cbec_rule *rule;   /* id, severity, clause and pack of the findings */
} schema_structure;

typedef struct sink_ctx {
    cbec_vctx *v;
    const cbec_rule *rule;
} sink_ctx;

static void sink(void *ud, const cbec_schema_failure *f)
{
    sink_ctx *s = ud;
    cbec_finding_args a = {f->expected, f->location, f->location, texts[f->code].en, texts[f->code].zh};
    cbec__finding(s->v, s->rule, &kind_schema, f->at, &a);
}

static void structure_run(const void *structure, cbec_vctx *v, const cbec_doc *wire)
{
    const schema_structure *st = structure;
    if (!wire->root)
        return;
    sink_ctx sc = {v, st->rule};
    cbec_schema_run run = {cbec__vctx_regex(v), sink, &sc, 0, 0};
    /* the work bound grows with the message, so big valid messages pass */
    run.max_steps = 10000000UL + 100UL * (unsigned long)wire->nodes;
    cbec__schema_validate(st->schema, wire->root, &run);
}

static void structure_free(void *structure)
{
    schema_structure *st = structure;
    if (!st)
        return;
    cbec__schema_free(st->schema);
    if (st->rule) {
        free(st->rule->id);
        free(st->rule->ref);
        free(st->rule->path);
        free(st->rule->where);
        free(st->rule);
    }
    free(st);
}

/* ---- compiling the section ---- */

/* Record a file the schema read in the pack's digest ("rel\nsha256"). */
static bool record_file(void *ud, const char *rel, const char *data, size_t len)
{
    cbec_compiler *c = ud;
    if (!cbec__compile_note_dep(c, c->base_dir, rel))
        return false;
    char hex[65];
    cbec__sha256_data_hex(data, len, hex);
    char **files = realloc(c->files, (c->nfiles + 1) * sizeof *files);
    if (!files)
        return false;
    c->files = files;
    size_t n = strlen(rel) + 66;
    char *rec = malloc(n);
    if (!rec)
        return false;
    snprintf(rec, n, "%s\n%s", rel, hex);
    c->files[c->nfiles++] = rec;
    return true;
}

/* "logisticsStatus" -> "LOGISTICS-STATUS-SCHEMA" */
static char *default_rule_id(const char *type)
{
    cbec_buf b;
    cbec__buf_init(&b);
    for (const char *p = type; *p; p++) {
        if (cbec__is_upper(*p) && p != type && cbec__is_lower(p[-1]))
            cbec__buf_addc(&b, '-');
        cbec__buf_addc(&b, (char)cbec__to_upper((unsigned char)*p));
    }
    cbec__buf_adds(&b, "-SCHEMA");
    char *id = b.oom || b.len > 64 ? NULL : cbec__strdup(cbec__buf_cstr(&b));
    if (!id && !b.oom)
        id = cbec__strdup("SCHEMA");
    cbec__buf_free(&b);
    return id;
}

static bool valid_id(const char *s, size_t n)
{
    if (!n || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!cbec__is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* A failed schema compile becomes the pack's error, pointing into the schema file. */
static bool schema_error(cbec_compiler *c, const cbec_node *at, const cbec_schema_error *e)
{
    if (e->oom)
        return cbec__compile_oom(c);
    if (c->status)
        return false;
    if (!e->file[0])
        return cbec__compile_error(c, at, "JSON Schema: %s", e->message);
    c->status = CBEC_EPACK;
    char where[64] = "";
    if (e->line)
        snprintf(where, sizeof where, ":%lu:%lu", e->line, e->column);
    cbec__error_set(c->err, CBEC_EPACK, e->file, e->pointer, e->line, e->column, "%s%s: %s%s%s", e->file,
                    where, e->pointer, e->pointer[0] ? ": " : "", e->message);
    return false;
}

bool cbec__schema_section_compile(cbec_compiler *c, cbec_msgtype *t, const cbec_node *section,
                                  cbec_format_spec *out)
{
    const cbec_node *sch = cbec__node_member(section, "schema", 6);
    static const char *const keys[] = {"schemaRule", "schemaRef", "schemaSeverity", "draft", "formatAssert"};
    if (!sch) {
        for (size_t i = 0; i < CBEC_ARRAY_LEN(keys); i++) {
            const cbec_node *k = cbec__node_member(section, keys[i], strlen(keys[i]));
            if (k)
                return cbec__compile_error(c, k, "\"%s\" needs \"schema\"", keys[i]);
        }
        return true;
    }
    if (sch->kind != CBEC_NODE_STRING || !sch->len)
        return cbec__compile_error(c, sch, "\"schema\" must name a JSON Schema file beside the pack");
    schema_structure *st = cbec__calloc(1, sizeof *st);
    if (!st)
        return cbec__compile_oom(c);
    out->structure = st;
    out->structure_run = structure_run;
    out->structure_free = structure_free;
    cbec_rule *r = cbec__calloc(1, sizeof *r);
    if (!r)
        return cbec__compile_oom(c);
    st->rule = r;
    if (!cbec__rule_init(c, r, t, section))
        return false;
    if (!(r->path = cbec__strdup("")))
        return cbec__compile_oom(c);

    const cbec_node *n;
    if ((n = cbec__node_member(section, "schemaRule", 10))) {
        if (n->kind != CBEC_NODE_STRING || !valid_id(n->text, n->len))
            return cbec__compile_error(c, n, "\"schemaRule\" must be a rule id (1-64 characters of A-Z a-z 0-9 - _ .)");
        r->id = cbec__compile_strdup(c, n);
    } else {
        r->id = default_rule_id(t->name);
    }
    if (!r->id)
        return cbec__compile_oom(c);
    if ((n = cbec__node_member(section, "schemaRef", 9))) {
        if (n->kind != CBEC_NODE_STRING)
            return cbec__compile_error(c, n, "\"schemaRef\" must be a string naming a clause of a standard");
        r->ref = cbec__compile_strdup(c, n);
    } else {
        r->ref = cbec__strdup("");
    }
    if (!r->ref)
        return cbec__compile_oom(c);
    if ((n = cbec__node_member(section, "schemaSeverity", 14))) {
        if (n->kind == CBEC_NODE_STRING && cbec__streq(n->text, n->len, "error"))
            r->severity = CBEC_SEVERITY_ERROR;
        else if (n->kind == CBEC_NODE_STRING && cbec__streq(n->text, n->len, "warning"))
            r->severity = CBEC_SEVERITY_WARNING;
        else if (n->kind == CBEC_NODE_STRING && cbec__streq(n->text, n->len, "info"))
            r->severity = CBEC_SEVERITY_INFO;
        else
            return cbec__compile_error(c, n, "\"schemaSeverity\" must be \"error\", \"warning\" or \"info\"");
    }
    const cbec_options *o = c->opts;
    cbec_schema_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.draft = o->schema_draft == CBEC_SCHEMA_DRAFT7 ? CBEC_SCHEMA_DRAFT7 : CBEC_SCHEMA_DRAFT2020;
    cfg.format_assert = o->schema_format_assert;
    if ((n = cbec__node_member(section, "draft", 5))) {
        if (n->kind == CBEC_NODE_STRING && cbec__streq(n->text, n->len, "2020-12"))
            cfg.draft = CBEC_SCHEMA_DRAFT2020;
        else if (n->kind == CBEC_NODE_STRING && (cbec__streq(n->text, n->len, "7") || cbec__streq(n->text, n->len, "draft-07")))
            cfg.draft = CBEC_SCHEMA_DRAFT7;
        else
            return cbec__compile_error(c, n, "\"draft\" must be \"2020-12\" or \"7\"");
    }
    if ((n = cbec__node_member(section, "formatAssert", 12))) {
        if (n->kind != CBEC_NODE_BOOL)
            return cbec__compile_error(c, n, "\"formatAssert\" must be true or false");
        cfg.format_assert = n->text[0] == 't';
    }
    cbec_schema_dir *dirs = NULL;
    if (o->nresources) {
        dirs = cbec__calloc(o->nresources, sizeof *dirs);
        if (!dirs)
            return cbec__compile_oom(c);
        for (size_t i = 0; i < o->nresources; i++) {
            dirs[i].prefix = o->resource_prefixes[i];
            dirs[i].dir = o->resource_dirs[i];
        }
    }
    cfg.dirs = dirs;
    cfg.ndirs = o->nresources;
    cfg.base_dir = c->base_dir;
    cfg.on_file = record_file;
    cfg.ud = c;
    if (!c->base_dir) {
        free(dirs);
        return cbec__compile_error(c, sch, "a pack loaded from memory without a base directory cannot refer to a schema file");
    }
    char *rel = cbec__compile_strdup(c, sch);
    if (!rel) {
        free(dirs);
        return false;
    }
    cbec_schema_error e;
    bool ok = cbec__schema_compile_file(&cfg, rel, &st->schema, &e);
    free(rel);
    free(dirs);
    return ok || schema_error(c, sch, &e);
}

/* ---- options and bare schemas ---- */

CBEC_API int cbec_options_add_resource_dir(cbec_options *o, const char *uri_prefix, const char *dir)
{
    if (!o || !uri_prefix || !dir || !*uri_prefix || !*dir)
        return CBEC_EINVAL;
    char **p = realloc(o->resource_prefixes, (o->nresources + 1) * sizeof *p);
    if (!p)
        return CBEC_ENOMEM;
    o->resource_prefixes = p;
    char **d = realloc(o->resource_dirs, (o->nresources + 1) * sizeof *d);
    if (!d)
        return CBEC_ENOMEM;
    o->resource_dirs = d;
    char *ps = cbec__strdup(uri_prefix), *ds = cbec__strdup(dir);
    if (!ps || !ds) {
        free(ps);
        free(ds);
        return CBEC_ENOMEM;
    }
    o->resource_prefixes[o->nresources] = ps;
    o->resource_dirs[o->nresources] = ds;
    o->nresources++;
    return CBEC_OK;
}

CBEC_API int cbec_pack_from_schema(cbec_pack **out, const char *schema_path, const cbec_options *opts,
                                   cbec_error **err)
{
    if (!out || !schema_path || !*schema_path)
        return CBEC_EINVAL;
    *out = NULL;
    const char *slash = strrchr(schema_path, '/');
    const char *base = slash ? slash + 1 : schema_path;
    if (!*base)
        return cbec__error_set(err, CBEC_EINVAL, schema_path, NULL, 0, 0, "%s: not a file name", schema_path);
    char *dir = slash ? cbec__strndup(schema_path, slash == schema_path ? 1 : (size_t)(slash - schema_path))
                      : cbec__strdup(".");
    if (!dir)
        return CBEC_ENOMEM;
    /* a one-type pack around the schema: everything else (registry,
     * validator, reports) is the ordinary pack machinery */
    cbec_buf b;
    cbec__buf_init(&b);
    cbec__buf_adds(&b, "{\"cbecstd_pack\":1,\"id\":\"schema:");
    for (const char *p = base; *p; p++)
        cbec__buf_addc(&b, cbec__is_alnum((unsigned char)*p) || strchr("-_.", *p) ? *p : '_');
    cbec__buf_adds(&b, "\",\"version\":\"0.0.0\",\"status\":\"active\",\"module\":\"data\","
                       "\"title\":{\"en\":\"JSON Schema ");
    cbec__buf_add_json_escaped(&b, base, strlen(base));
    cbec__buf_adds(&b, "\",\"zh-CN\":\"JSON 模式 ");
    cbec__buf_add_json_escaped(&b, base, strlen(base));
    cbec__buf_adds(&b, "\"},\"messages\":{\"schema\":{\"json\":{\"schema\":\"");
    cbec__buf_add_json_escaped(&b, base, strlen(base));
    cbec__buf_adds(&b, "\",\"schemaRule\":\"SCHEMA\"}}}}");
    int st;
    if (b.oom) {
        st = CBEC_ENOMEM;
    } else {
        FILE *f = fopen(schema_path, "rb");
        if (!f) {
            st = cbec__error_set(err, CBEC_EIO, schema_path, NULL, 0, 0, "%s: cannot open the schema", schema_path);
        } else {
            fclose(f);
            st = cbec_pack_load_buffer(out, b.data, b.len, schema_path, dir, opts, err);
        }
    }
    cbec__buf_free(&b);
    free(dir);
    return st;
}
