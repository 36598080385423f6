/* datetime.c - parsing and arithmetic for ISO 8601 / RFC 3339 dates,
 * times and durations without time.h, the TZ variable or the locale. */
#include "core/datetime.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define DT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DT_PRINTF(a, b)
#endif

#define REASON_SIZE 128

/* ------------------------------------------------------------------ */
/* Calendar arithmetic.                                                */

bool cbec__dt_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cbec__dt_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && cbec__dt_is_leap_year(y) ? 29 : days[m - 1];
}

/* Eras of 400 years (146097 days) with years starting on 1 March, so that
 * the leap day is the last day of the computational year. */
int64_t cbec__dt_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;                                  /* 0..399 */
    int64_t doy = (153 * (int64_t)(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

/* The inverse of cbec__dt_days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                 /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                               /* 0..11 */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t cbec__dt_epoch_seconds(const cbec_datetime *d)
{
    if (d == NULL)
        return 0;
    int64_t days = d->month >= 1 && d->month <= 12 ? cbec__dt_days_from_civil(d->year, d->month, d->day)
                                                   : 0;
    int64_t t = days * 86400 + (int64_t)d->hour * 3600 + (int64_t)d->minute * 60 + d->second;
    if (d->has_offset)
        t -= (int64_t)d->offset_minutes * 60;
    return t;
}

int cbec__dt_compare(const cbec_datetime *a, const cbec_datetime *b)
{
    int64_t sa = cbec__dt_epoch_seconds(a), sb = cbec__dt_epoch_seconds(b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int32_t na = a ? a->nanos : 0, nb = b ? b->nanos : 0;
    return na < nb ? -1 : na > nb ? 1 : 0;
}

size_t cbec__dt_format_utc(int64_t epoch_seconds, char out[32])
{
    int64_t days = floor_div(epoch_seconds, 86400);
    int64_t y;
    int m, d;
    out[0] = '\0';
    /* Years 0000-9999 span these days; outside them the year would not
     * fit RFC 3339's four digits. */
    if (days < cbec__dt_days_from_civil(0, 1, 1) || days > cbec__dt_days_from_civil(9999, 12, 31))
        return 0;
    int64_t sec = epoch_seconds - days * 86400;
    civil_from_days(days, &y, &m, &d);
    int len = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(sec / 3600),
                       (int)(sec / 60 % 60), (int)(sec % 60));
    return len > 0 ? (size_t)len : 0;
}

/* ------------------------------------------------------------------ */
/* Reasons.                                                            */

static const char *const month_en[12] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};

typedef struct cursor {
    const char *s;
    size_t n, i;
    char *en, *zh; /* may be NULL */
} cursor;

static void put(char *dst, const char *fmt, ...) DT_PRINTF(2, 3);
static void put(char *dst, const char *fmt, ...)
{
    if (dst == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(dst, REASON_SIZE, fmt, ap);
    va_end(ap);
    if (len < 0) {
        dst[0] = '\0';
        return;
    }
    if (len < REASON_SIZE)
        return;
    /* Cut short: end at a UTF-8 character boundary. */
    size_t lead = REASON_SIZE - 1;
    while (lead > 0 && ((unsigned char)dst[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)dst[lead - 1];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (lead - 1 + need > REASON_SIZE - 1)
        dst[lead - 1] = '\0';
}

/* A byte as shown in a reason: 'x' when printable ASCII, else 0xNN. */
static const char *show(char buf[8], unsigned char c)
{
    if (c > 0x20 && c < 0x7F && c != '\'')
        snprintf(buf, 8, "'%c'", (char)c);
    else
        snprintf(buf, 8, "0x%02X", (unsigned)c);
    return buf;
}

/* "unexpected character 'x' at position N (expected ...)" or, at the
 * end of the text, "ends at position N (expected ...)". */
static bool unexpected(cursor *c, const char *want_en, const char *want_zh)
{
    char b[8];
    if (c->i >= c->n) {
        put(c->en, "value ends after %zu characters (expected %s)", c->n, want_en);
        put(c->zh, "值在第 %zu 个字符后结束（应为%s）", c->n, want_zh);
    } else {
        put(c->en, "unexpected character %s at position %zu (expected %s)",
            show(b, (unsigned char)c->s[c->i]), c->i + 1, want_en);
        put(c->zh, "第 %zu 位出现意外字符 %s（应为%s）", c->i + 1, show(b, (unsigned char)c->s[c->i]),
            want_zh);
    }
    return false;
}

/* Exactly k digits. */
static bool read_digits(cursor *c, int k, int *v, const char *what_en, const char *what_zh)
{
    int x = 0;
    for (int j = 0; j < k; j++) {
        if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9') {
            char en[48], zh[48];
            snprintf(en, sizeof en, "%d digits of the %s", k, what_en);
            snprintf(zh, sizeof zh, "%d 位数字的%s", k, what_zh);
            return unexpected(c, en, zh);
        }
        x = x * 10 + (c->s[c->i++] - '0');
    }
    *v = x;
    return true;
}

static bool expect_char(cursor *c, char ch, const char *want_en, const char *want_zh)
{
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return true;
    }
    return unexpected(c, want_en, want_zh);
}

static bool out_of_range(cursor *c, const char *what_en, const char *what_zh, int v, int lo, int hi)
{
    put(c->en, "%s %02d is out of range %02d-%02d", what_en, v, lo, hi);
    put(c->zh, "%s %02d 超出范围（%02d-%02d）", what_zh, v, lo, hi);
    return false;
}

static bool check_date(cursor *c, int y, int m, int d)
{
    if (m < 1 || m > 12)
        return out_of_range(c, "month", "月份", m, 1, 12);
    if (d < 1 || d > 31)
        return out_of_range(c, "day", "日期", d, 1, 31);
    if (d > cbec__dt_days_in_month(y, m)) {
        put(c->en, "day %d does not exist in %s %04d", d, month_en[m - 1], y);
        put(c->zh, "%04d年%d月没有%d日", y, m, d);
        return false;
    }
    return true;
}

static bool check_time(cursor *c, int h, int mi, int s)
{
    if (h > 23)
        return out_of_range(c, "hour", "小时", h, 0, 23);
    if (mi > 59)
        return out_of_range(c, "minute", "分钟", mi, 0, 59);
    if (s > 60)
        return out_of_range(c, "second", "秒", s, 0, 60);
    return true;
}

/* ------------------------------------------------------------------ */
/* Parsing.                                                            */

static bool parse_date(cursor *c, cbec_datetime *dt)
{
    if (!read_digits(c, 4, &dt->year, "year", "年份") ||
        !expect_char(c, '-', "'-' after the year", "年份后的 '-'") ||
        !read_digits(c, 2, &dt->month, "month", "月份") ||
        !expect_char(c, '-', "'-' after the month", "月份后的 '-'") ||
        !read_digits(c, 2, &dt->day, "day", "日期"))
        return false;
    return check_date(c, dt->year, dt->month, dt->day);
}

static bool parse_fraction(cursor *c, cbec_datetime *dt)
{
    if (c->i < c->n && c->s[c->i] == ',') {
        put(c->en, "decimal comma at position %zu: RFC 3339 fractions use '.'", c->i + 1);
        put(c->zh, "第 %zu 位为小数逗号：RFC 3339 的秒小数应使用 '.'", c->i + 1);
        return false;
    }
    if (c->i >= c->n || c->s[c->i] != '.')
        return true;
    c->i++;
    size_t start = c->i;
    int32_t v = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        if (c->i - start == 9) {
            put(c->en, "fraction of second has more than 9 digits");
            put(c->zh, "秒的小数部分超过 9 位");
            return false;
        }
        v = v * 10 + (c->s[c->i++] - '0');
    }
    size_t k = c->i - start;
    if (k == 0)
        return unexpected(c, "a digit after '.'", "'.' 之后的数字");
    for (; k < 9; k++)
        v *= 10;
    dt->nanos = v;
    dt->has_fraction = true;
    return true;
}

static bool parse_time(cursor *c, cbec_datetime *dt)
{
    if (!read_digits(c, 2, &dt->hour, "hour", "小时") ||
        !expect_char(c, ':', "':' after the hour", "小时后的 ':'") ||
        !read_digits(c, 2, &dt->minute, "minute", "分钟") ||
        !expect_char(c, ':', "':' after the minute", "分钟后的 ':'") ||
        !read_digits(c, 2, &dt->second, "second", "秒"))
        return false;
    if (!check_time(c, dt->hour, dt->minute, dt->second))
        return false;
    dt->has_time = true;
    return parse_fraction(c, dt);
}

static bool parse_offset(cursor *c, cbec_datetime *dt, bool require_offset)
{
    if (c->i >= c->n) {
        if (!require_offset)
            return true;
        put(c->en, "a UTC offset (Z or +hh:mm / -hh:mm) is required");
        put(c->zh, "缺少 UTC 时差（应为 Z 或 +hh:mm / -hh:mm）");
        return false;
    }
    char ch = c->s[c->i];
    if (ch == 'Z' || ch == 'z') {
        c->i++;
        dt->has_offset = true;
        dt->offset_minutes = 0;
        return true;
    }
    if (ch != '+' && ch != '-')
        return unexpected(c, "'Z' or a UTC offset +hh:mm / -hh:mm", "'Z' 或 UTC 时差 +hh:mm / -hh:mm");
    c->i++;
    int h = 0, m = 0;
    if (!read_digits(c, 2, &h, "offset hour", "时差小时") ||
        !expect_char(c, ':', "':' in the offset (+hh:mm)", "时差中的 ':'（+hh:mm）") ||
        !read_digits(c, 2, &m, "offset minute", "时差分钟"))
        return false;
    if (h > 23)
        return out_of_range(c, "offset hour", "时差小时", h, 0, 23);
    if (m > 59)
        return out_of_range(c, "offset minute", "时差分钟", m, 0, 59);
    dt->has_offset = true;
    dt->offset_minutes = (ch == '-' ? -1 : 1) * (h * 60 + m);
    return true;
}

/* RFC 3339: second 60 only as a leap second, which happens at 23:59:60
 * UTC on the last day of a month. */
static bool check_leap_second(cursor *c, const cbec_datetime *dt, bool has_date)
{
    if (dt->second != 60)
        return true;
    int64_t minutes = (int64_t)dt->hour * 60 + dt->minute - (dt->has_offset ? dt->offset_minutes : 0);
    int64_t day_shift = floor_div(minutes, 1440);
    bool ok = minutes - day_shift * 1440 == 23 * 60 + 59;
    if (ok && has_date) {
        int64_t y;
        int m, d;
        civil_from_days(cbec__dt_days_from_civil(dt->year, dt->month, dt->day) + day_shift, &y, &m, &d);
        ok = d == cbec__dt_days_in_month((int)y, m);
    }
    if (!ok) {
        put(c->en, "second 60 is only valid as a leap second at 23:59:60 UTC at the end of a month");
        put(c->zh, "秒为 60 仅可用于闰秒，即月末的 UTC 23:59:60");
        return false;
    }
    return true;
}

static bool parse_compact(cursor *c, cbec_datetime *dt, bool with_time)
{
    size_t want = with_time ? 14 : 8;
    for (size_t j = 0; j < c->n; j++) {
        if (c->s[j] < '0' || c->s[j] > '9') {
            c->i = j;
            return unexpected(c, "a digit", "数字");
        }
    }
    if (c->n != want && !(with_time && c->n == 17)) {
        if (with_time) {
            put(c->en, "expected 14 digits YYYYMMDDhhmmss (or 17 with milliseconds), got %zu", c->n);
            put(c->zh, "应为 14 位数字 YYYYMMDDhhmmss（或含毫秒的 17 位），实际为 %zu 位", c->n);
        } else {
            put(c->en, "expected 8 digits YYYYMMDD, got %zu", c->n);
            put(c->zh, "应为 8 位数字 YYYYMMDD，实际为 %zu 位", c->n);
        }
        return false;
    }
    read_digits(c, 4, &dt->year, "year", "年份");
    read_digits(c, 2, &dt->month, "month", "月份");
    read_digits(c, 2, &dt->day, "day", "日期");
    if (!check_date(c, dt->year, dt->month, dt->day))
        return false;
    if (!with_time)
        return true;
    read_digits(c, 2, &dt->hour, "hour", "小时");
    read_digits(c, 2, &dt->minute, "minute", "分钟");
    read_digits(c, 2, &dt->second, "second", "秒");
    if (!check_time(c, dt->hour, dt->minute, dt->second))
        return false;
    dt->has_time = true;
    if (c->n == 17) {
        int ms = 0;
        read_digits(c, 3, &ms, "milliseconds", "毫秒");
        dt->nanos = ms * 1000000;
        dt->has_fraction = true;
    }
    return check_leap_second(c, dt, true);
}

bool cbec__dt_parse(const char *s, size_t n, cbec_dt_form form, bool require_offset,
                    cbec_datetime *out, char reason_en[128], char reason_zh[128])
{
    cursor c = {s ? s : "", s ? n : 0, 0, reason_en, reason_zh};
    cbec_datetime dt;
    memset(&dt, 0, sizeof dt);
    if (reason_en)
        reason_en[0] = '\0';
    if (reason_zh)
        reason_zh[0] = '\0';
    if (out)
        memset(out, 0, sizeof *out);
    if (c.n == 0) {
        put(c.en, "empty value");
        put(c.zh, "值为空");
        return false;
    }
    bool ok;
    switch (form) {
    case CBEC_DT_DATE:
        ok = parse_date(&c, &dt);
        break;
    case CBEC_DT_DATETIME:
        ok = parse_date(&c, &dt);
        if (ok && c.i < c.n && c.s[c.i] == ' ') {
            put(c.en, "date and time must be separated by 'T', not a space (position %zu)", c.i + 1);
            put(c.zh, "日期与时间之间应以 'T' 分隔，而不是空格（第 %zu 位）", c.i + 1);
            ok = false;
        } else if (ok && !(c.i < c.n && (c.s[c.i] == 'T' || c.s[c.i] == 't'))) {
            ok = unexpected(&c, "'T' and a time", "'T' 及时间");
        } else if (ok) {
            c.i++;
            ok = parse_time(&c, &dt) && parse_offset(&c, &dt, require_offset) &&
                 (c.i < c.n || check_leap_second(&c, &dt, true));
        }
        break;
    case CBEC_DT_TIME:
        ok = parse_time(&c, &dt) && parse_offset(&c, &dt, require_offset) &&
             (c.i < c.n || check_leap_second(&c, &dt, false));
        break;
    case CBEC_DT_COMPACT:
        ok = parse_compact(&c, &dt, true);
        break;
    case CBEC_DT_COMPACT_DATE:
        ok = parse_compact(&c, &dt, false);
        break;
    default:
        put(c.en, "unknown date-time form %d", (int)form);
        put(c.zh, "未知的日期时间格式 %d", (int)form);
        return false;
    }
    if (ok && c.i < c.n) {
        char b[8];
        put(c.en, "unexpected character %s at position %zu after the end of the value",
            show(b, (unsigned char)c.s[c.i]), c.i + 1);
        put(c.zh, "第 %zu 位起有多余字符 %s", c.i + 1, show(b, (unsigned char)c.s[c.i]));
        ok = false;
    }
    if (!ok)
        return false;
    if (out)
        *out = dt;
    return true;
}

/* ------------------------------------------------------------------ */
/* Durations.                                                          */

bool cbec__dt_parse_duration(const char *s, size_t n, char reason_en[128], char reason_zh[128])
{
    /* Designators in their required order; W stands alone. */
    static const char date_order[] = "YMD";
    static const char time_order[] = "HMS";
    cursor c = {s ? s : "", s ? n : 0, 0, reason_en, reason_zh};
    if (reason_en)
        reason_en[0] = '\0';
    if (reason_zh)
        reason_zh[0] = '\0';
    if (c.n == 0) {
        put(c.en, "empty value");
        put(c.zh, "值为空");
        return false;
    }
    if (c.s[0] != 'P')
        return unexpected(&c, "'P' at the start of a duration", "时长开头的 'P'");
    c.i = 1;
    bool in_time = false, fraction_seen = false, week = false;
    int next = 0;       /* index into the current order string */
    size_t parts = 0, time_parts = 0;
    while (c.i < c.n) {
        char ch = c.s[c.i];
        if (ch == 'T') {
            if (in_time) {
                put(c.en, "second 'T' at position %zu", c.i + 1);
                put(c.zh, "第 %zu 位出现第二个 'T'", c.i + 1);
                return false;
            }
            if (week || fraction_seen) {
                put(c.en, "nothing may follow %s (position %zu)",
                    week ? "a week count" : "a component with a fraction", c.i + 1);
                put(c.zh, "%s之后不能再有内容（第 %zu 位）", week ? "周数" : "带小数的部分", c.i + 1);
                return false;
            }
            in_time = true;
            next = 0;
            c.i++;
            continue;
        }
        if (week || fraction_seen) {
            put(c.en, "nothing may follow %s (position %zu)",
                week ? "a week count" : "a component with a fraction", c.i + 1);
            put(c.zh, "%s之后不能再有内容（第 %zu 位）", week ? "周数" : "带小数的部分", c.i + 1);
            return false;
        }
        size_t start = c.i;
        while (c.i < c.n && c.s[c.i] >= '0' && c.s[c.i] <= '9')
            c.i++;
        if (c.i == start)
            return unexpected(&c, "a number", "数字");
        if (c.i - start > 18) {
            put(c.en, "number at position %zu has more than 18 digits", start + 1);
            put(c.zh, "第 %zu 位起的数字超过 18 位", start + 1);
            return false;
        }
        if (c.i < c.n && (c.s[c.i] == '.' || c.s[c.i] == ',')) {
            c.i++;
            size_t fs = c.i;
            while (c.i < c.n && c.s[c.i] >= '0' && c.s[c.i] <= '9')
                c.i++;
            if (c.i == fs)
                return unexpected(&c, "a digit of the fraction", "小数部分的数字");
            fraction_seen = true;
        }
        if (c.i >= c.n)
            return unexpected(&c, in_time ? "a designator H, M or S" : "a designator Y, M, W or D",
                              in_time ? "单位 H、M 或 S" : "单位 Y、M、W 或 D");
        char d = c.s[c.i];
        const char *order = in_time ? time_order : date_order;
        const char *at = strchr(order, d);
        if (!in_time && d == 'W') {
            if (parts > 0) {
                put(c.en, "weeks (W) cannot be combined with other components (position %zu)", c.i + 1);
                put(c.zh, "周（W）不能与其他部分同时使用（第 %zu 位）", c.i + 1);
                return false;
            }
            week = true;
        } else if (d == '\0' || at == NULL) {
            return unexpected(&c, in_time ? "a designator H, M or S" : "a designator Y, M, W or D",
                              in_time ? "单位 H、M 或 S" : "单位 Y、M、W 或 D");
        } else if ((int)(at - order) < next) {
            put(c.en, "designator '%c' at position %zu is out of order (%s)", d, c.i + 1,
                in_time ? "H, M, S" : "Y, M, D");
            put(c.zh, "第 %zu 位的单位 '%c' 顺序错误（应为 %s）", c.i + 1, d, in_time ? "H、M、S" : "Y、M、D");
            return false;
        } else {
            next = (int)(at - order) + 1;
        }
        c.i++;
        parts++;
        if (in_time)
            time_parts++;
    }
    if (in_time && time_parts == 0) {
        put(c.en, "'T' must be followed by hours, minutes or seconds");
        put(c.zh, "'T' 之后应有时、分或秒");
        return false;
    }
    if (parts == 0) {
        put(c.en, "a duration needs at least one component (e.g. P1D, PT2H)");
        put(c.zh, "时长至少应有一个部分（如 P1D、PT2H）");
        return false;
    }
    return true;
}
