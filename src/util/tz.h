/*
 * tz.h — IANA time zones read from TZif files, independent of the process TZ.
 *
 * The schedule must follow the configured zone ("Asia/Shanghai") whatever
 * TZ the controller box runs with, and several zones may be in use at once
 * (a test, a reload).  Switching the global TZ around localtime_r/mktime is
 * not thread-safe and leaks state between callers, so we read the compiled
 * zone file (RFC 8536, versions 1..4) ourselves: a loaded struct tz is
 * immutable and every function below is pure and thread-safe.
 *
 * Times after the file's last transition follow the POSIX TZ rule in the
 * file's footer (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"), as glibc does.
 * Leap-second records ("right/" zones) are ignored: civil time here is
 * POSIX time, as everywhere else in ledsign.
 */
#ifndef LEDSIGN_TZ_H
#define LEDSIGN_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

/* A local civil time. */
struct tz_civil {
	int32_t day;          /* days since 1970-01-01 (local date) */
	int year, month, mday;/* month 1..12 */
	int hour, min, sec;
	int wday;             /* 0 = Sunday */
	int offset;           /* seconds east of UTC in force */
	int isdst;
};

/* Load zone `name` ("Europe/Berlin") from $TZDIR, else /usr/share/zoneinfo.
 * "UTC" works even without zone files.  NULL with a message in err when the
 * name is unsafe (absolute, "..") or the file is missing or malformed.
 * Free with tz_free. */
struct tz *tz_load(const char *name, char *err, size_t errlen);
/* Parse TZif bytes (no I/O).  NULL with a message in err on malformed input. */
struct tz *tz_parse(const uint8_t *buf, size_t len, char *err, size_t errlen);
/* A zone with a fixed offset (seconds east of UTC), no DST. */
struct tz *tz_fixed(int offset);
void tz_free(struct tz *);
/* The name it was loaded as ("UTC+0" style for fixed zones); never NULL. */
const char *tz_name(const struct tz *);

/* Offset in seconds east of UTC at UTC instant t; *isdst set when not NULL. */
int tz_offset(const struct tz *, int64_t t, int *isdst);
/* UTC instant -> local civil time. */
void tz_to_civil(const struct tz *, int64_t t, struct tz_civil *out);
/* Local date + seconds since local midnight (may be <0 or >=86400) -> UTC.
 * An ambiguous local time (clocks go back) gives the earlier instant; a
 * local time that does not exist (clocks go forward) is read with the offset
 * before the change, i.e. it lands as far after the change as it was after
 * the skipped hour's start (02:30 on a spring-forward night = 03:30). */
int64_t tz_from_local(const struct tz *, int32_t day, int sec_of_day);

/* Proleptic Gregorian calendar helpers. */
int32_t tz_days_from_civil(int year, int month, int mday);
void    tz_civil_from_days(int32_t day, int *year, int *month, int *mday);
int     tz_weekday(int32_t day);   /* 0 = Sunday */
int     tz_is_leap(int year);

#endif
