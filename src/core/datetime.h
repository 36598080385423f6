/* datetime.h - ISO 8601 / RFC 3339 dates, times and durations, and the
 * calendar arithmetic behind them.  Internal: never installed, never
 * exported.
 *
 * Everything here is a pure function of its arguments: no clock, no time
 * zone database, no TZ variable, no locale (nothing from time.h is used),
 * so any number of threads may call it at once.  The calendar is the
 * proleptic Gregorian one. */
#ifndef CBEC_DATETIME_H
#define CBEC_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cbec_datetime {
    int year, month, day, hour, minute, second; /* second is 60 only for a leap second */
    int32_t nanos;                              /* fraction of second, 0..999999999 */
    int offset_minutes;                         /* UTC offset, east positive */
    bool has_time, has_offset, has_fraction;
} cbec_datetime;

typedef enum {
    CBEC_DT_DATE = 1,        /* YYYY-MM-DD */
    CBEC_DT_DATETIME = 2,    /* YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm); 't' and 'z' also accepted */
    CBEC_DT_COMPACT = 3,     /* customs YYYYMMDDhhmmss, or YYYYMMDDhhmmssfff with milliseconds; no offset */
    CBEC_DT_TIME = 4,        /* hh:mm:ss[.f](Z|±hh:mm) */
    CBEC_DT_COMPACT_DATE = 5 /* customs YYYYMMDD */
} cbec_dt_form;

/* Parse s[0..n) in the given form.  Returns true when it is valid and
 * fills *out (out may be NULL).  On failure returns false and writes a
 * NUL-terminated reason in English and in Chinese (UTF-8) to reason_en
 * and reason_zh (each may be NULL), e.g. "day 30 does not exist in
 * February 2026" / "2026年2月没有30日".
 *
 * require_offset makes the UTC offset (Z or ±hh:mm) mandatory; it only
 * concerns CBEC_DT_DATETIME and CBEC_DT_TIME, the forms that can carry
 * one.  The fraction has 1 to 9 digits.  As in RFC 3339, second 60 is
 * accepted only for a leap second: 23:59:60 in UTC (after applying the
 * offset; a value without offset is taken as UTC) on the last day of a
 * month.  Years run from 0000 to 9999. */
bool cbec__dt_parse(const char *s, size_t n, cbec_dt_form form, bool require_offset,
                    cbec_datetime *out, char reason_en[128], char reason_zh[128]);

/* Seconds since 1970-01-01T00:00:00Z with the offset applied (a value
 * without offset is taken as UTC); the nanos are not included.  A value
 * without a date (CBEC_DT_TIME) counts from midnight UTC of 1970-01-01.
 * A leap second counts as the first second of the next day. */
int64_t cbec__dt_epoch_seconds(const cbec_datetime *d);

/* Compare two instants across offsets: -1, 0 or 1 (seconds, then nanos). */
int cbec__dt_compare(const cbec_datetime *a, const cbec_datetime *b);

bool cbec__dt_is_leap_year(int y);
/* Days in month m (1-12) of year y; 0 when m is out of range. */
int cbec__dt_days_in_month(int y, int m);
/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (negative before 1970); m and d are expected in range. */
int64_t cbec__dt_days_from_civil(int y, int m, int d);

/* Check an ISO 8601 duration: PnYnMnDTnHnMnS (any non-empty subset, in
 * that order, a 'T' before the time part, a decimal fraction with '.' or
 * ',' on the last component only) or PnW alone.  Returns true when
 * valid; otherwise writes the reasons as cbec__dt_parse does. */
bool cbec__dt_parse_duration(const char *s, size_t n, char reason_en[128], char reason_zh[128]);

/* Write the instant as RFC 3339 in UTC, "YYYY-MM-DDThh:mm:ssZ", into out
 * (NUL-terminated).  Returns the length (20), or 0 with out set to ""
 * when the year falls outside 0000-9999. */
size_t cbec__dt_format_utc(int64_t epoch_seconds, char out[32]);

#endif /* CBEC_DATETIME_H */
