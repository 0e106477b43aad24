/* Unit tests for src/alert/cap_wire.c: what the CAP parser child sends back
 * is decoded exactly, and nothing malformed gets through (a taken-over
 * child may send anything). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/cap_wire.h"

#define NOW 1795572000LL

static const char doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
    "  <identifier>KSTO1055887203</identifier>\n"
    "  <sender>KSTO@NWS.NOAA.GOV</sender>\n"
    "  <sent>2026-11-25T09:55:00+08:00</sent>\n"
    "  <status>Actual</status>\n"
    "  <msgType>Update</msgType>\n"
    "  <scope>Public</scope>\n"
    "  <references>KSTO@NWS.NOAA.GOV,KSTO1055887200,2026-11-25T09:00:00+08:00 "
    "KSTO@NWS.NOAA.GOV,KSTO1055887201,2026-11-25T09:10:00+08:00</references>\n"
    "  <info>\n"
    "    <category>Met</category><event>Tornado</event>\n"
    "    <urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty>\n"
    "    <expires>2026-11-25T11:00:00+08:00</expires>\n"
    "    <headline>TORNADO WARNING</headline>\n"
    "    <area><areaDesc>North Campus</areaDesc></area>\n"
    "  </info>\n"
    "</alert>\n";

static struct ls_config *
mkcfg(void)
{
	static struct ls_cap_area area;
	static char *g[] = { "north", "gym" };
	static struct ls_config cfg;

	memset(&cfg, 0, sizeof cfg);
	area.match = "north campus";
	area.groups.v = g;
	area.groups.n = 2;
	cfg.cap_areas = &area;
	cfg.ncap_areas = 1;
	return &cfg;
}

/* A parsed result encoded and decoded is the same result. */
static void
test_round_trip(void **state)
{
	struct cap_result r, back;
	char err[256], perr[256];
	uint8_t *buf;
	ssize_t n;
	size_t len;
	int prc = 99;

	assert_int_equal(cap_parse(doc, strlen(doc), "t.xml", mkcfg(), NOW, &r, err, sizeof err), 0);
	n = cap_wire_encode_reply(0, &r, NULL, NULL, 0);
	assert_true(n > CAP_WIRE_REPLY_HDR);
	buf = malloc((size_t)n);
	assert_int_equal(cap_wire_encode_reply(0, &r, NULL, buf, (size_t)n), n);
	assert_int_equal(cap_wire_reply_len(buf, &len, err, sizeof err), 0);
	assert_int_equal(len, (size_t)n - CAP_WIRE_REPLY_HDR);
	assert_int_equal(cap_wire_decode_reply(buf + 4, len, &back, &prc, perr, sizeof perr, err, sizeof err), 0);
	assert_int_equal(prc, 0);
	assert_int_equal(back.action, CAP_UPDATE);
	assert_string_equal(back.alert.id, r.alert.id);
	assert_string_equal(back.alert.text, r.alert.text);
	assert_int_equal(back.alert.level, r.alert.level);
	assert_int_equal(back.alert.groups.n, 2);
	assert_string_equal(back.alert.groups.v[0], "north");
	assert_string_equal(back.alert.groups.v[1], "gym");
	assert_int_equal(back.alert.start, r.alert.start);
	assert_int_equal(back.alert.expires, r.alert.expires);
	assert_int_equal(back.refs.n, 2);
	assert_string_equal(back.refs.v[1], r.refs.v[1]);
	assert_true((back.alert.source == NULL) == (r.alert.source == NULL));
	cap_result_clear(&r);

	/* every shorter body is refused or at most a prefix of the fields,
	 * never read past its end (ASan watches) */
	for (size_t k = 0; k < len; k++) {
		uint8_t *cut = malloc(k ? k : 1);
		struct cap_result x;

		memcpy(cut, buf + 4, k);
		if (cap_wire_decode_reply(cut, k, &x, &prc, perr, sizeof perr, err, sizeof err) == 0)
			cap_result_clear(&x);
		free(cut);
	}
	/* a corrupted byte anywhere never crashes, and a field length pointing
	 * past the end is named */
	for (size_t k = 0; k < len; k++) {
		struct cap_result x;

		buf[4 + k] ^= 0xff;
		if (cap_wire_decode_reply(buf + 4, len, &x, &prc, perr, sizeof perr, err, sizeof err) == 0)
			cap_result_clear(&x);
		buf[4 + k] ^= 0xff;
	}
	buf[4 + 1] = 0xff;   /* the first field's length */
	assert_int_equal(cap_wire_decode_reply(buf + 4, len, &r, &prc, perr, sizeof perr, err, sizeof err), -1);
	assert_non_null(strstr(err, "bytes"));
	free(buf);
	cap_result_clear(&back);
}

/* A parser error travels as the parser's message. */
static void
test_error_reply(void **state)
{
	struct cap_result r, back;
	char err[256], perr[256];
	uint8_t buf[2048];
	ssize_t n;
	int prc = 0;

	memset(&r, 0, sizeof r);
	n = cap_wire_encode_reply(-1, &r, "t.xml: line 3: not CAP", buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(cap_wire_decode_reply(buf + 4, (size_t)n - 4, &back, &prc, perr, sizeof perr, err, sizeof err), 0);
	assert_int_equal(prc, -1);
	assert_string_equal(perr, "t.xml: line 3: not CAP");
}

/* Hand-made replies a taken-over child might send. */
static void
test_malformed(void **state)
{
	struct cap_result out;
	char err[256], perr[256];
	int prc;
	static const struct { const char *what; size_t len; const uint8_t b[40]; } bad[] = {
		{ "no status", 0, { 0 } },
		{ "unknown tag", 5, { 99, 0, 0, 0, 0 } },
		{ "status twice", 18, { 1, 4, 0, 0, 0, 1, 0, 0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0 } },
		{ "status out of range", 9, { 1, 4, 0, 0, 0, 7, 0, 0, 0 } },
		{ "short integer", 8, { 1, 3, 0, 0, 0, 1, 0, 0 } },
		{ "error without status", 7, { 2, 2, 0, 0, 0, 'h', 'i' } },
		{ "NUL in a string", 16, { 1, 4, 0, 0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 'h', 0 } },
		{ "ok without action", 9, { 1, 4, 0, 0, 0, 0, 0, 0, 0 } },
		{ "action out of range", 18, { 1, 4, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 9, 0, 0, 0 } },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = cap_wire_decode_reply(bad[i].b, bad[i].len, &out, &prc, perr, sizeof perr, err, sizeof err);
		if (rc != -1)
			fail_msg("%s: decoded", bad[i].what);
	}

	/* an id longer than ALERT_ID_MAX: the length guard, not the copy, decides */
	{
		uint8_t b[200] = { 1, 4, 0, 0, 0, 0, 0, 0, 0, 5, ALERT_ID_MAX + 1, 0, 0, 0 };

		memset(b + 14, 'a', ALERT_ID_MAX + 1);
		assert_int_equal(cap_wire_decode_reply(b, 14 + ALERT_ID_MAX + 1, &out, &prc, perr, sizeof perr, err,
		    sizeof err), -1);
	}
	/* an alert the store would not take (no text) is refused here already */
	{
		struct cap_result r;
		uint8_t b[512];
		ssize_t n;

		memset(&r, 0, sizeof r);
		r.action = CAP_ALERT;
		snprintf(r.alert.id, sizeof r.alert.id, "cap-x");
		n = cap_wire_encode_reply(0, &r, NULL, b, sizeof b);
		assert_true(n > 0);
		assert_int_equal(cap_wire_decode_reply(b + 4, (size_t)n - 4, &out, &prc, perr, sizeof perr, err,
		    sizeof err), -1);
		assert_non_null(strstr(err, "no text"));
	}
	/* announced reply lengths are bounded */
	{
		uint8_t h[4] = { 0xff, 0xff, 0xff, 0x7f };
		size_t len;

		assert_int_equal(cap_wire_reply_len(h, &len, err, sizeof err), -1);
	}
}

static void
test_request(void **state)
{
	uint8_t h[CAP_WIRE_REQ_HDR];
	size_t nl, dl;
	long long now;
	char err[128], name[400];

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(cap_wire_encode_request(h, name, &nl, 1234, NOW), 0);
	assert_int_equal(nl, CAP_WIRE_NAME_MAX);
	assert_int_equal(cap_wire_decode_request(h, &nl, &dl, &now, err, sizeof err), 0);
	assert_int_equal(dl, 1234);
	assert_true(now == NOW);
	assert_int_equal(cap_wire_encode_request(h, "x", &nl, CAP_DOC_MAX + 1, NOW), -1);
	h[7] = 0x7f;    /* a document length over CAP_DOC_MAX */
	assert_int_equal(cap_wire_decode_request(h, &nl, &dl, &now, err, sizeof err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_error_reply),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
