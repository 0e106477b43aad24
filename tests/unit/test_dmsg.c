/* Unit tests for src/district/dmsg.c: the district's payloads from the
 * network.  Bundles round-trip; every malformed one is refused with a
 * reason (sizes that do not match, names with slashes or dots, a missing or
 * doubled campaign.cfg, trailing bytes, too many files); alerts round-trip
 * and go through the alert store's own checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "district/dmsg.h"

static struct dmsg_bundle b, got;

static size_t
make_bundle(uint8_t *buf, size_t cap)
{
	long n;

	memset(&b, 0, sizeof b);
	b.version = 7;
	snprintf(b.label, sizeof b.label, "Cyber week 网络安全");
	snprintf(b.files[0].name, sizeof b.files[0].name, "campaign.cfg");
	b.files[0].data = (const uint8_t *)"content = ();\n";
	b.files[0].len = 14;
	snprintf(b.files[1].name, sizeof b.files[1].name, "posters/a.png");
	b.files[1].data = (const uint8_t *)"\x89PNG\n\0\x01\x02";
	b.files[1].len = 8;
	b.nfiles = 2;
	assert_true(dmsg_bundle_size(&b) <= cap);
	n = dmsg_bundle_encode(&b, buf, cap);
	assert_true(n > 0);
	return (size_t)n;
}

static void
test_bundle_roundtrip(void **state)
{
	uint8_t buf[4096];
	char err[256];
	size_t n = make_bundle(buf, sizeof buf);

	(void)state;
	assert_int_equal(dmsg_bundle_parse(buf, n, &got, err, sizeof err), 0);
	assert_int_equal(got.version, 7);
	assert_string_equal(got.label, "Cyber week 网络安全");
	assert_int_equal(got.nfiles, 2);
	assert_string_equal(got.files[1].name, "posters/a.png");
	assert_int_equal(got.files[1].len, 8);
	assert_memory_equal(got.files[1].data, "\x89PNG\n\0\x01\x02", 8);
	/* too small a buffer: -1, not an overflow */
	assert_int_equal(dmsg_bundle_encode(&b, buf, 40), -1);
}

/* Parse text that must be refused, with `why` in the reason. */
static void
refused(const char *text, size_t len, const char *why)
{
	char err[256] = "";

	assert_int_equal(dmsg_bundle_parse((const uint8_t *)text, len, &got, err, sizeof err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
}

#define R(s, why) refused(s, sizeof s - 1, why)

static void
test_bundle_refused(void **state)
{
	uint8_t buf[4096];
	size_t n = make_bundle(buf, sizeof buf);

	(void)state;
	R("hello\n", "not a ledsign-district/1 bundle");
	R("ledsign-district/1 bundle version=0 files=1\n", "not a number from 1 up");
	R("ledsign-district/1 bundle version=1 files=999\n", "1..256");
	R("ledsign-district/1 bundle version=1\n", "needs version= and files=");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=campaign.cfg size=5\nabc\n", "does not match");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=campaign.cfg size=3\nabcd", "does not match");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=campaign.cfg size=99999999999999999999\nabc\n",
	    "does not match");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=../etc/passwd size=3\nabc\n", "is not campaign.cfg");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=posters/../x size=3\nabc\n", "is not campaign.cfg");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=posters/.hidden size=3\nabc\n", "is not campaign.cfg");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=posters/a%2Fb size=3\nabc\n", "is not campaign.cfg");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=posters/a.png size=3\nabc\n", "has no campaign.cfg");
	R("ledsign-district/1 bundle version=1 files=2\nfile name=campaign.cfg size=3\nabc\nfile name=campaign.cfg size=0\n\n",
	    "twice");
	R("ledsign-district/1 bundle version=1 files=1\nfile name=campaign.cfg size=3\nabc\nmore", "after the last file");
	R("ledsign-district/1 bundle version=1 files=2\nfile name=campaign.cfg size=3\nabc\n", "file 2 of 2");
	/* every truncation of a good bundle is refused, none read past the end */
	for (size_t cut = 0; cut < n; cut++) {
		char err[256];
		uint8_t *p = malloc(cut ? cut : 1);

		memcpy(p, buf, cut);
		assert_int_equal(dmsg_bundle_parse(p, cut, &got, err, sizeof err), -1);
		free(p);
	}
	assert_int_equal(dmsg_bundle_name_ok("posters/Week_1-a.png"), 1);
	assert_int_equal(dmsg_bundle_name_ok("posters/"), 0);
	assert_int_equal(dmsg_bundle_name_ok("school.cfg"), 0);
}

static void
test_alert(void **state)
{
	struct dmsg_alert m, p;
	char buf[4096], err[256];
	int n;

	(void)state;
	memset(&m, 0, sizeof m);
	snprintf(m.id, sizeof m.id, "typhoon-1");
	snprintf(m.schools, sizeof m.schools, "s1,s3");
	m.time = 1700000000;
	snprintf(m.a.id, sizeof m.a.id, "typhoon-1");
	m.a.text = strdup("台风 warning\nstay in");
	m.a.level = ALERT_WARNING;
	m.a.start = 1700000000;
	m.a.expires = 1700003600;
	m.a.created = 1700000000;
	assert_int_equal(alert_names_parse("hall,yard", &m.a.groups, "groups", err, sizeof err), 0);
	n = dmsg_alert_encode(&m, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(dmsg_alert_parse(buf, (size_t)n, &p, err, sizeof err), 0);
	assert_int_equal(p.cleared, 0);
	assert_string_equal(p.id, "typhoon-1");
	assert_string_equal(p.schools, "s1,s3");
	assert_string_equal(p.a.text, "台风 warning\nstay in");
	assert_int_equal(p.a.level, ALERT_WARNING);
	assert_int_equal(p.a.expires, 1700003600);
	assert_int_equal(p.a.groups.n, 2);
	assert_true(dmsg_list_has(p.schools, "s3"));
	assert_false(dmsg_list_has(p.schools, "s2"));
	assert_true(dmsg_list_has("", "s2"));
	alert_clear(&p.a);
	/* a clear carries no record */
	m.cleared = 1;
	n = dmsg_alert_encode(&m, buf, sizeof buf);
	assert_int_equal(dmsg_alert_parse(buf, (size_t)n, &p, err, sizeof err), 0);
	assert_int_equal(p.cleared, 1);
	alert_clear(&m.a);
	/* refused: the record's checks (a bad level), an id mismatch, no record, a NUL, a bad id */
	assert_int_equal(dmsg_alert_parse("ledsign-district/1 alert state=raised id=a\nid=a level=loud start=1 expires=0 created=1 text=x",
	    84, &p, err, sizeof err), -1);
	{
		const char *t = "ledsign-district/1 alert state=raised id=a\nid=b level=info start=1 expires=0 created=1 text=x";
		assert_int_equal(dmsg_alert_parse(t, strlen(t), &p, err, sizeof err), -1);
		assert_non_null(strstr(err, "says id b"));
		t = "ledsign-district/1 alert state=raised id=a";
		assert_int_equal(dmsg_alert_parse(t, strlen(t), &p, err, sizeof err), -1);
		assert_non_null(strstr(err, "no alert record"));
		t = "ledsign-district/1 alert state=cleared id=../x";
		assert_int_equal(dmsg_alert_parse(t, strlen(t), &p, err, sizeof err), -1);
		assert_int_equal(dmsg_alert_parse("ledsign-district/1 alert state=cleared id=a\0", 45, &p, err, sizeof err), -1);
		t = "ledsign-district/1 bundle state=cleared id=a";
		assert_int_equal(dmsg_alert_parse(t, strlen(t), &p, err, sizeof err), -1);
	}
}

/* A field cut to fit its copy is cut between characters: a bureau's long
 * Chinese label reaches the console's district page. */
static void
test_copy_utf8(void **state)
{
	char d[6];

	(void)state;
	dmsg_copy(d, sizeof d, "ab安全");
	assert_string_equal(d, "ab安");
	dmsg_copy(d, 5, "ab安全");
	assert_string_equal(d, "ab");
	dmsg_copy(d, sizeof d, "abc");
	assert_string_equal(d, "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_roundtrip),
		cmocka_unit_test(test_bundle_refused),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_copy_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
