/* Unit tests for src/alert/cap.c: CAP 1.2 parsing, validation, mapping and applying. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/cap.h"

/* 2026-11-25T10:00:00+08:00 */
#define NOW 1795572000LL

static char *
capdoc(const char *status, const char *msgtype, const char *refs, const char *info)
{
	char *d = malloc(8192);

	snprintf(d, 8192,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
	    "  <identifier>KSTO1055887203</identifier>\n"
	    "  <sender>KSTO@NWS.NOAA.GOV</sender>\n"
	    "  <sent>2026-11-25T09:55:00+08:00</sent>\n"
	    "  <status>%s</status>\n"
	    "  <msgType>%s</msgType>\n"
	    "  <scope>Public</scope>\n"
	    "%s%s%s"
	    "%s"
	    "</alert>\n",
	    status, msgtype, refs ? "  <references>" : "", refs ? refs : "", refs ? "</references>\n" : "",
	    info ? info : "");
	return d;
}

#define INFO_EXTREME \
	"  <info>\n" \
	"    <category>Met</category>\n" \
	"    <event>Tornado</event>\n" \
	"    <urgency>Immediate</urgency>\n" \
	"    <severity>Extreme</severity>\n" \
	"    <certainty>Observed</certainty>\n" \
	"    <expires>2026-11-25T11:00:00+08:00</expires>\n" \
	"    <headline>TORNADO WARNING</headline>\n" \
	"    <description>Take shelter\n now.</description>\n" \
	"    <area><areaDesc>North Campus</areaDesc></area>\n" \
	"  </info>\n"

static struct ls_config *
mkcfg(int with_map)
{
	static struct ls_cap_area areas[2];
	static char *g1[] = { "north", "gym" }, *g2[] = { "all" };
	static struct ls_config cfg;

	memset(&cfg, 0, sizeof cfg);
	areas[0].match = "north campus";
	areas[0].groups.v = g1;
	areas[0].groups.n = 2;
	areas[1].match = "Whole school";
	areas[1].groups.v = g2;
	areas[1].groups.n = 1;
	if (with_map) {
		cfg.cap_areas = areas;
		cfg.ncap_areas = 2;
	}
	return &cfg;
}

static void
test_alert_maps(void **state)
{
	char *d = capdoc("Actual", "Alert", NULL, INFO_EXTREME), err[256];
	struct cap_result r;

	assert_int_equal(cap_parse(d, strlen(d), "t.xml", mkcfg(1), NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_ALERT);
	assert_string_equal(r.alert.id, "cap-KSTO1055887203");
	assert_int_equal(r.alert.level, ALERT_EMERGENCY);
	assert_string_equal(r.alert.text, "TORNADO WARNING — Take shelter  now.");
	assert_int_equal(r.alert.expires, NOW + 3600);
	assert_int_equal(r.alert.start, NOW);
	assert_int_equal(r.alert.groups.n, 2);
	assert_string_equal(r.alert.groups.v[0], "north");
	assert_string_equal(r.alert.groups.v[1], "gym");
	assert_string_equal(r.alert.source, "cap:t.xml");
	cap_result_clear(&r);

	/* no map in the config: every board */
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", mkcfg(0), NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.alert.groups.n + r.alert.boards.n, 0);
	cap_result_clear(&r);
	/* a NULL config behaves like an empty one */
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), 0);
	cap_result_clear(&r);
	free(d);
}

static void
test_levels(void **state)
{
	static const struct { const char *sev, *urg; enum alert_level l; } t[] = {
		{ "Extreme", "Expected", ALERT_EMERGENCY },
		{ "Severe", "Immediate", ALERT_EMERGENCY },
		{ "Severe", "Expected", ALERT_WARNING },
		{ "Moderate", "Immediate", ALERT_WARNING },
		{ "Minor", "Immediate", ALERT_INFO },
		{ "Unknown", "Unknown", ALERT_INFO },
		{ "Extreme", "Past", ALERT_INFO },
	};
	char info[1024], *d, err[256];
	struct cap_result r;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(info, sizeof info, "<info><category>Safety</category><event>Fire</event>"
		    "<urgency>%s</urgency><severity>%s</severity><certainty>Likely</certainty></info>",
		    t[i].urg, t[i].sev);
		d = capdoc("Actual", "Alert", NULL, info);
		assert_int_equal(cap_parse(d, strlen(d), "l.xml", NULL, NOW, &r, err, sizeof err), 0);
		assert_int_equal(r.alert.level, t[i].l);
		assert_string_equal(r.alert.text, "Fire");    /* no headline: the event */
		assert_int_equal(r.alert.expires, 0);
		cap_result_clear(&r);
		free(d);
	}
}

static void
test_cancel_and_update(void **state)
{
	char *dir = strdup("/tmp/ledsign-test-cap.XXXXXX"), *d, err[256], id[ALERT_ID_MAX + 1];
	struct alert_store *s;
	struct cap_result r;
	int removed;

	assert_non_null(mkdtemp(dir));
	s = alert_store_open(dir, NOW, err, sizeof err);
	assert_non_null(s);

	d = capdoc("Actual", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "a.xml", NULL, NOW, &r, err, sizeof err), 0);
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), 0);
	assert_string_equal(id, "cap-KSTO1055887203");
	assert_int_equal(removed, 0);
	assert_int_equal(alert_store_count(s), 1);
	cap_result_clear(&r);
	free(d);

	/* an Update replaces it: the new identifier is in the same document template,
	 * so reference the old one and check the store still has one alert */
	d = capdoc("Actual", "Update", "KSTO@NWS.NOAA.GOV,KSTO1055887203,2026-11-25T09:55:00+08:00", INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "u.xml", NULL, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_UPDATE);
	assert_int_equal(r.refs.n, 1);
	assert_string_equal(r.refs.v[0], "cap-KSTO1055887203");
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(alert_store_count(s), 1);
	cap_result_clear(&r);
	free(d);

	d = capdoc("Actual", "Cancel", "KSTO@NWS.NOAA.GOV,KSTO1055887203,2026-11-25T09:55:00+08:00 "
	    "other@x,gone,2026-11-25T09:00:00+08:00", NULL);
	assert_int_equal(cap_parse(d, strlen(d), "c.xml", NULL, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_CANCEL);
	assert_int_equal(r.refs.n, 2);
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), 0);
	assert_int_equal(removed, 1);
	assert_string_equal(id, "");
	assert_int_equal(alert_store_count(s), 0);
	cap_result_clear(&r);
	free(d);

	/* Cancel without references is not valid */
	d = capdoc("Actual", "Cancel", NULL, NULL);
	assert_int_equal(cap_parse(d, strlen(d), "c.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "references"));
	free(d);
	d = capdoc("Actual", "Cancel", "just-an-id", NULL);
	assert_int_equal(cap_parse(d, strlen(d), "c.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "sender,identifier,sent"));
	free(d);

	alert_store_remove_all(s, err, sizeof err);
	alert_store_free(s);
	rmdir(dir);
	free(dir);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int
exists_in(const char *dir, const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

/* Issue 13 item 4: an Update whose new alert cannot be written (a full
 * disk: here RLIMIT_FSIZE, which fails write() with EFBIG just as ENOSPC
 * would, while renames and unlinks still work) must leave the alert it
 * references in force, in memory and on disk.  A Cancel of two alerts
 * where the second cannot be removed leaves both. */
static void
test_update_that_cannot_be_stored(void **state)
{
	char *dir = strdup("/tmp/ledsign-test-cap.XXXXXX"), *d, err[256], id[ALERT_ID_MAX + 1], p[512];
	struct alert_store *s, *s2;
	struct cap_result r;
	struct rlimit was, tiny;
	struct alert b;
	int removed = -1, fd;

	assert_non_null(mkdtemp(dir));
	s = alert_store_open(dir, NOW, err, sizeof err);
	assert_non_null(s);
	d = capdoc("Actual", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "a.xml", NULL, NOW, &r, err, sizeof err), 0);
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), 0);
	assert_string_equal(id, "cap-KSTO1055887203");
	cap_result_clear(&r);
	free(d);

	/* the Update: a new identifier, referencing the first message */
	d = capdoc("Actual", "Update", "KSTO@NWS.NOAA.GOV,KSTO1055887203,2026-11-25T09:55:00+08:00", INFO_EXTREME);
	memcpy(strstr(d, "KSTO1055887203</identifier>"), "KSTO1055887299", 14);
	assert_int_equal(cap_parse(d, strlen(d), "u.xml", NULL, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_UPDATE);
	assert_string_equal(r.alert.id, "cap-KSTO1055887299");

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	tiny = was;
	tiny.rlim_cur = 16;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	removed = -1;
	err[0] = '\0';
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	assert_non_null(strstr(err, "cannot write"));
	/* nothing changed: the emergency is still there, in memory and on disk */
	assert_int_equal(alert_store_count(s), 1);
	assert_non_null(alert_store_find(s, "cap-KSTO1055887203"));
	assert_true(exists_in(dir, "cap-KSTO1055887203.alert"));
	assert_false(exists_in(dir, ".cap-KSTO1055887203.gone"));
	s2 = alert_store_open(dir, NOW, err, sizeof err);
	assert_non_null(s2);
	assert_int_equal(alert_store_count(s2), 1);
	assert_non_null(alert_store_find(s2, "cap-KSTO1055887203"));
	alert_store_free(s2);

	/* with room again the same Update goes through: new in, old out */
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), 0);
	assert_int_equal(removed, 1);
	assert_string_equal(id, "cap-KSTO1055887299");
	assert_int_equal(alert_store_count(s), 1);
	assert_false(exists_in(dir, "cap-KSTO1055887203.alert"));
	assert_false(exists_in(dir, ".cap-KSTO1055887203.gone"));
	cap_result_clear(&r);
	free(d);

	/* a Cancel of two where the second cannot be set aside (a directory is in
	 * the way of its .gone name): neither is removed */
	memset(&b, 0, sizeof b);
	snprintf(b.id, sizeof b.id, "cap-second");
	b.text = strdup("second");
	b.level = ALERT_WARNING;
	assert_int_equal(alert_store_put(s, &b, NOW, NULL, err, sizeof err), 0);
	alert_clear(&b);
	snprintf(p, sizeof p, "%s/.cap-second.gone", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/.cap-second.gone/x", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	d = capdoc("Actual", "Cancel", "KSTO@NWS.NOAA.GOV,KSTO1055887299,2026-11-25T09:55:00+08:00 "
	    "x@y,second,2026-11-25T09:00:00+08:00", NULL);
	assert_int_equal(cap_parse(d, strlen(d), "c.xml", NULL, NOW, &r, err, sizeof err), 0);
	free(r.refs.v[1]);
	r.refs.v[1] = strdup("cap-second");
	assert_int_equal(cap_apply(s, &r, NOW, id, &removed, err, sizeof err), -1);
	assert_int_equal(alert_store_count(s), 2);
	assert_true(exists_in(dir, "cap-KSTO1055887299.alert"));
	assert_true(exists_in(dir, "cap-second.alert"));
	assert_false(exists_in(dir, ".cap-KSTO1055887299.gone"));
	cap_result_clear(&r);
	free(d);

	alert_store_free(s);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void
test_status_filter(void **state)
{
	char *d, err[256];
	struct cap_result r;
	struct ls_config *cfg = mkcfg(0);

	d = capdoc("Test", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", cfg, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_IGNORED);
	assert_non_null(strstr(r.reason, "cap_accept_test"));
	cap_result_clear(&r);
	cfg->cap_accept_test = 1;
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", cfg, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_ALERT);
	assert_memory_equal(r.alert.text, "TEST: ", 6);
	cap_result_clear(&r);
	free(d);

	/* Draft and System are never shown */
	d = capdoc("Draft", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", cfg, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_IGNORED);
	cap_result_clear(&r);
	free(d);
	d = capdoc("Actual", "Ack", "a@b,c,2026-11-25T09:00:00+08:00", NULL);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", cfg, NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_IGNORED);
	cap_result_clear(&r);
	free(d);
}

static void
test_expired_and_unmapped(void **state)
{
	char *d, err[256];
	struct cap_result r;

	d = capdoc("Actual", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW + 3600, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_IGNORED);
	assert_non_null(strstr(r.reason, "expired"));
	cap_result_clear(&r);
	free(d);

	d = capdoc("Actual", "Alert", NULL,
	    "<info><category>Met</category><event>Flood</event><urgency>Expected</urgency>"
	    "<severity>Severe</severity><certainty>Likely</certainty>"
	    "<area><areaDesc>Another Town</areaDesc></area></info>");
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", mkcfg(1), NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_IGNORED);
	assert_non_null(strstr(r.reason, "Another Town"));
	cap_result_clear(&r);
	free(d);

	/* audience maps too */
	d = capdoc("Actual", "Alert", NULL,
	    "<info><category>Safety</category><event>Lockdown</event><urgency>Immediate</urgency>"
	    "<severity>Severe</severity><certainty>Observed</certainty><audience>whole school</audience></info>");
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", mkcfg(1), NOW, &r, err, sizeof err), 0);
	assert_int_equal(r.action, CAP_ALERT);
	assert_int_equal(r.alert.groups.n, 1);
	assert_string_equal(r.alert.groups.v[0], "all");
	cap_result_clear(&r);
	free(d);
}

static void
test_errors(void **state)
{
	static const struct { const char *doc, *want; } t[] = {
		{ "", "empty" },
		{ "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</ident", "t.xml:1: invalid XML" },
		{ "hello", "invalid XML" },
		{ "<html><body/></html>", "not a CAP 1.2 document" },
		{ "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"/>", "cap:1.1" },
		{ "<alert/>", "not a CAP 1.2" },
		{ "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><sender>a</sender></alert>", "<identifier>" },
		{ "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		  "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&x;</identifier></alert>", "DOCTYPE" },
		{ NULL, NULL },
	};
	char err[256];
	struct cap_result r;

	for (int i = 0; t[i].doc; i++) {
		err[0] = '\0';
		assert_int_equal(cap_parse(t[i].doc, strlen(t[i].doc), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
		if (strstr(err, t[i].want) == NULL)
			fail_msg("doc %d: error \"%s\" lacks \"%s\"", i, err, t[i].want);
		assert_int_equal(r.action, 0);
		assert_null(r.alert.text);
	}

	/* bad enumerations and dates in an otherwise good document */
	char *d = capdoc("Actual", "Alert", NULL,
	    "<info><category>Weather</category><event>x</event><urgency>Now</urgency>"
	    "<severity>Extreme</severity><certainty>Observed</certainty></info>");
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "Weather"));
	free(d);
	d = capdoc("Actual", "Alert", NULL,
	    "<info><category>Met</category><event>x</event><urgency>Immediate</urgency>"
	    "<severity>Extreme</severity><certainty>Observed</certainty><expires>tomorrow</expires></info>");
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "tomorrow"));
	free(d);
	d = capdoc("Actual", "Alert", NULL, "<info><event>x</event></info>");
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "<category>"));
	free(d);
	d = capdoc("Actual", "Alert", NULL, NULL);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "<info>"));
	free(d);
	d = capdoc("Real", "Alert", NULL, INFO_EXTREME);
	assert_int_equal(cap_parse(d, strlen(d), "t.xml", NULL, NOW, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "Real"));
	free(d);
}

static void
test_ids(void **state)
{
	char a[ALERT_ID_MAX + 1], b[ALERT_ID_MAX + 1];
	char longid[300];

	cap_alert_id("s", "urn:oid:2.49.0.1.840.0.abc", a, sizeof a);
	assert_string_equal(a, "cap-urn:oid:2.49.0.1.840.0.abc");
	cap_alert_id("s", "has/slash", a, sizeof a);
	cap_alert_id("s", "has_slash", b, sizeof b);
	assert_true(alert_id_valid(a));
	assert_string_not_equal(a, b);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	cap_alert_id("s", longid, a, sizeof a);
	assert_true(alert_id_valid(a));
	cap_alert_id("t", longid, b, sizeof b);
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_maps),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_cancel_and_update),
		cmocka_unit_test(test_update_that_cannot_be_stored),
		cmocka_unit_test(test_status_filter),
		cmocka_unit_test(test_expired_and_unmapped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
