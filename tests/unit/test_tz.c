/* Unit tests for src/util/tz.c: TZif reading, POSIX footer rules, civil conversions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/tz.h"

static struct tz *
load(const char *name)
{
	char err[256];
	struct tz *z = tz_load(name, err, sizeof err);
	if (!z)
		fail_msg("%s", err);
	return z;
}

static void
test_calendar(void **st)
{
	(void)st;
	assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tz_days_from_civil(2023, 9, 11), 19611);
	assert_int_equal(tz_weekday(19611), 1);           /* Monday */
	assert_int_equal(tz_days_from_civil(2024, 3, 1) - tz_days_from_civil(2024, 2, 28), 2);
	assert_int_equal(tz_days_from_civil(2023, 3, 1) - tz_days_from_civil(2023, 2, 28), 1);
	assert_int_equal(tz_days_from_civil(2100, 3, 1) - tz_days_from_civil(2100, 2, 28), 1);
	assert_int_equal(tz_days_from_civil(2000, 3, 1) - tz_days_from_civil(2000, 2, 28), 2);
	assert_int_equal(tz_days_from_civil(1969, 12, 31), -1);
	/* Round trip over 1600..2400. */
	for (int32_t d = -135000; d < 160000; d += 1) {
		int y, m, dd;
		tz_civil_from_days(d, &y, &m, &dd);
		if (tz_days_from_civil(y, m, dd) != d)
			fail_msg("round trip of day %d", d);
	}
	assert_true(tz_is_leap(2024));
	assert_false(tz_is_leap(2023));
	assert_false(tz_is_leap(1900));
	assert_true(tz_is_leap(2000));
}

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (int64_t)tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Both 2023 transitions in Berlin, to the second. */
static void
test_berlin_dst(void **st)
{
	(void)st;
	struct tz *z = load("Europe/Berlin");
	struct tz_civil c;
	int dst;
	/* Spring: 2023-03-26 01:00 UTC, 02:00 CET becomes 03:00 CEST. */
	int64_t spring = utc(2023, 3, 26, 1, 0, 0);
	assert_int_equal(tz_offset(z, spring - 1, &dst), 3600);
	assert_int_equal(dst, 0);
	assert_int_equal(tz_offset(z, spring, &dst), 7200);
	assert_int_equal(dst, 1);
	tz_to_civil(z, spring - 1, &c);
	assert_int_equal(c.hour, 1);
	assert_int_equal(c.min, 59);
	assert_int_equal(c.sec, 59);
	tz_to_civil(z, spring, &c);
	assert_int_equal(c.hour, 3);
	assert_int_equal(c.min, 0);
	/* Autumn: 2023-10-29 01:00 UTC, 03:00 CEST becomes 02:00 CET. */
	int64_t autumn = utc(2023, 10, 29, 1, 0, 0);
	assert_int_equal(tz_offset(z, autumn - 1, NULL), 7200);
	assert_int_equal(tz_offset(z, autumn, NULL), 3600);
	tz_to_civil(z, autumn - 1, &c);
	assert_int_equal(c.hour, 2);
	assert_int_equal(c.min, 59);
	tz_to_civil(z, autumn, &c);
	assert_int_equal(c.hour, 2);
	assert_int_equal(c.min, 0);
	assert_int_equal(c.mday, 29);

	int32_t d = tz_days_from_civil(2023, 3, 26);
	/* 02:30 does not exist: read with CET, lands at 03:30 CEST. */
	assert_true(tz_from_local(z, d, 2 * 3600 + 1800) == utc(2023, 3, 26, 1, 30, 0));
	assert_true(tz_from_local(z, d, 3 * 3600) == spring);
	assert_true(tz_from_local(z, d, 0) == utc(2023, 3, 25, 23, 0, 0));
	/* Midnight after the change is 22:00 UTC. */
	assert_true(tz_from_local(z, d + 1, 0) == utc(2023, 3, 26, 22, 0, 0));
	/* 02:30 on 29 Oct happens twice: the earlier one (CEST) wins. */
	d = tz_days_from_civil(2023, 10, 29);
	assert_true(tz_from_local(z, d, 2 * 3600 + 1800) == utc(2023, 10, 29, 0, 30, 0));
	assert_true(tz_from_local(z, d, 3 * 3600) == utc(2023, 10, 29, 2, 0, 0));
	tz_free(z);
}

/* Compare with glibc for whole zones over two centuries. */
static void
compare_with_libc(const char *name)
{
	struct tz *z = load(name);
	char env[128];
	snprintf(env, sizeof env, "TZ=:%s", name);
	putenv(env);
	tzset();
	for (int64_t t = utc(1901, 1, 1, 0, 0, 0); t < utc(2099, 12, 31, 0, 0, 0); t += 3 * 3600 + 17) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		struct tz_civil c;
		tz_to_civil(z, t, &c);
		if (c.offset != tm.tm_gmtoff || c.hour != tm.tm_hour || c.mday != tm.tm_mday ||
		    c.month != tm.tm_mon + 1 || c.year != tm.tm_year + 1900 || c.wday != tm.tm_wday ||
		    c.isdst != (tm.tm_isdst > 0))
			fail_msg("%s at %lld: ours %d-%d-%d %d off %d dst %d, libc off %ld dst %d", name,
			    (long long)t, c.year, c.month, c.mday, c.hour, c.offset, c.isdst,
			    (long)tm.tm_gmtoff, tm.tm_isdst);
	}
	unsetenv("TZ");
	tzset();
	tz_free(z);
}

static void
test_agrees_with_libc(void **st)
{
	(void)st;
	compare_with_libc("Europe/Berlin");
	compare_with_libc("Asia/Shanghai");
	compare_with_libc("America/New_York");
	compare_with_libc("Australia/Sydney");      /* DST across the new year */
	compare_with_libc("America/Sao_Paulo");
	compare_with_libc("Pacific/Chatham");       /* 45-minute offsets */
}

/* A v2 file with no transitions at all: everything comes from the footer. */
static void
test_footer_only(void **st)
{
	(void)st;
	static const char footer[] = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
	uint8_t buf[256];
	memset(buf, 0, sizeof buf);
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		memcpy(buf + n, "TZif2", 5);
		buf[n + 39] = 1;    /* typecnt */
		buf[n + 43] = 4;    /* charcnt */
		n += 44;
		/* one type: +3600, not dst, desig 0 */
		buf[n + 2] = 0x0e; buf[n + 3] = 0x10;
		n += 6;
		memcpy(buf + n, "CET", 4);
		n += 4;
	}
	memcpy(buf + n, footer, sizeof footer - 1);
	n += sizeof footer - 1;
	char err[128];
	struct tz *z = tz_parse(buf, n, err, sizeof err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, utc(2050, 3, 27, 0, 59, 59), NULL), 3600);
	assert_int_equal(tz_offset(z, utc(2050, 3, 27, 1, 0, 0), NULL), 7200);
	assert_int_equal(tz_offset(z, utc(2050, 10, 30, 0, 59, 59), NULL), 7200);
	assert_int_equal(tz_offset(z, utc(2050, 10, 30, 1, 0, 0), NULL), 3600);
	/* Truncating anywhere must fail cleanly (or, at the very end, parse). */
	for (size_t k = 0; k < n; k++) {
		struct tz *t = tz_parse(buf, k, err, sizeof err);
		assert_null(t);
	}
	tz_free(z);
}

static void
test_garbage(void **st)
{
	(void)st;
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
	assert_non_null(f);
	uint8_t buf[8192];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	char err[128];
	for (size_t k = 0; k < n; k++) {
		struct tz *t = tz_parse(buf, k, err, sizeof err);
		tz_free(t);
	}
	/* Flip bytes one at a time: never crash; results are either rejected or usable. */
	srand(7);
	for (int i = 0; i < 2000; i++) {
		uint8_t copy[8192];
		memcpy(copy, buf, n);
		copy[rand() % n] ^= (uint8_t)(1 + rand() % 255);
		struct tz *t = tz_parse(copy, n, err, sizeof err);
		if (t) {
			struct tz_civil c;
			tz_to_civil(t, utc(2023, 9, 12, 4, 5, 0), &c);
			(void)tz_from_local(t, 19612, 3600);
		}
		tz_free(t);
	}
}

static void
test_bad_names(void **st)
{
	(void)st;
	char err[256];
	assert_null(tz_load("../../etc/passwd", err, sizeof err));
	assert_non_null(strstr(err, "not a valid zone name"));
	assert_null(tz_load("/etc/localtime", err, sizeof err));
	assert_null(tz_load("Mars/Olympus_Mons", err, sizeof err));
	assert_non_null(strstr(err, "Mars/Olympus_Mons"));
	struct tz *z = tz_load("UTC", err, sizeof err);
	assert_non_null(z);
	assert_int_equal(tz_offset(z, 0, NULL), 0);
	tz_free(z);
	z = load("Asia/Shanghai");
	assert_string_equal(tz_name(z), "Asia/Shanghai");
	struct tz_civil c;
	tz_to_civil(z, utc(2023, 9, 12, 4, 5, 0), &c);
	assert_int_equal(c.hour, 12);
	assert_int_equal(c.min, 5);
	tz_free(z);
	tz_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_berlin_dst),
		cmocka_unit_test(test_agrees_with_libc),
		cmocka_unit_test(test_footer_only),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bad_names),
	};
	return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
