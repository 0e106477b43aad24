/*
 * cmd_district.c — the bureau's side of the district (docs/district.md),
 * and `ledsign district-link`, a school's side.
 *
 *   ledsign district alert TEXT [--id ID] [--level L] [--for DUR] [--schools L] [--boards L] [--groups L] [--wait S]
 *   ledsign district cap FILE [--schools L] [--wait S]
 *   ledsign district clear ID [--wait S]
 *   ledsign district coverage ID
 *   ledsign district bundle DIR --version N [--label TEXT] [--schools L] [--wait S]
 *   ledsign district status
 *   ledsign district report [--from T] [--to T] [--wait S] [-o FILE]
 *   (all with --bureau FILE: the broker, district and the bureau's account)
 *   ledsign district-link [FILE]
 *
 * The bureau talks MQTT 5 so that the broker's refusals (a publish the ACL
 * denies) come back as reason codes instead of silence.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libconfig.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "alert/cap.h"
#include "cli/cmd.h"
#include "district/bureau.h"
#include "district/dmsg.h"
#include "district/link.h"
#include "record/report.h"
#include "util/kv.h"
#include "util/paths.h"
#include "util/file.h"
#include "util/tz.h"

/* ---- district-link ---- */

static int cmd_district_link(const struct cmd_args *);

const struct cmd_entry cmd_district_link_entry = {
	"district-link", "[FILE]",
	"a school's link to the district bureau's MQTT broker (started by play when FILE has a district group)",
	NULL, 0, 1, 1, cmd_district_link,
};

static int
cmd_district_link(const struct cmd_args *a)
{
	return district_link_run(a->argc > 0 ? a->argv[0] : LS_PATH_CONFIG);
}

/* ---- the bureau ---- */

static const struct cmd_opt district_opts[] = {
	{ "bureau", 'b', "FILE", "the bureau's settings: broker, district, account (see docs/district.md)" },
	{ "id", 0, "ID", "alert: its id (default: made up)" },
	{ "level", 0, "LEVEL", "alert: info, warning or emergency (default emergency)" },
	{ "for", 0, "DURATION", "alert: how long it shows, e.g. 30m, 2h (default: until cleared)" },
	{ "schools", 0, "LIST", "alert, cap, bundle: only these schools (default: every school)" },
	{ "boards", 0, "LIST", "alert: only these boards at each school" },
	{ "groups", 0, "LIST", "alert: only these board groups at each school" },
	{ "version", 0, "N", "bundle: its version, higher than any before" },
	{ "label", 0, "TEXT", "bundle: what the bureau calls it" },
	{ "wait", 'w', "SECONDS", "alert, cap, clear, bundle: wait for every school's answer; report: for the schools' data (default 5)" },
	{ "from", 0, "TIME", "report: start, \"YYYY-MM-DD HH:MM[:SS]\" UTC (default: the beginning)" },
	{ "to", 0, "TIME", "report: end (default: now)" },
	{ "output", 'o', "FILE", "report: FILE.csv or FILE.png (default: CSV on standard output)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_district(const struct cmd_args *);

const struct cmd_entry cmd_district_entry = {
	"district", "alert TEXT [--id ID] [--level LEVEL] [--for DURATION] [--schools LIST] [--boards LIST | --groups LIST] "
	"[--wait SECONDS] --bureau FILE\n"
	"       ledsign district cap FILE [--schools LIST] [--wait SECONDS] --bureau FILE\n"
	"       ledsign district clear ID [--wait SECONDS] | coverage ID | status  --bureau FILE\n"
	"       ledsign district bundle DIR --version N [--label TEXT] [--schools LIST] [--wait SECONDS] --bureau FILE\n"
	"       ledsign district report [--from TIME] [--to TIME] [--wait SECONDS] [-o FILE.csv|FILE.png] --bureau FILE",
	"the district bureau: alerts and campaign bundles to every school, their boards' state and proof of play",
	district_opts, 1, 2, 0, cmd_district,
};


static int
school_expected(const struct bureau_sess *s, const struct bureau_school *sc, const char *schools)
{
	return schools ? dmsg_list_has(schools, sc->name) : sc->online == 1;
}

/* ---- coverage ---- */

static const char *g_schools;   /* --schools, for the done functions */

static int
coverage_done(struct bureau_sess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		const struct bureau_school *sc = &s->schools[i];
		char st[32], tg[16], ak[16];

		if (!school_expected(s, sc, g_schools))
			continue;
		expected++;
		if (bureau_first_get(sc->coverage, "state", st, sizeof st) < 0 ||
		    bureau_first_get(sc->coverage, "targeted", tg, sizeof tg) < 0 || bureau_first_get(sc->coverage, "acked", ak, sizeof ak) < 0)
			return 0;
		if (strcmp(st, "showing") != 0 || strcmp(tg, ak) != 0)
			return 0;
	}
	return expected > 0;
}

static int
cleared_done(struct bureau_sess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		char st[32];

		if (!school_expected(s, &s->schools[i], g_schools))
			continue;
		expected++;
		if (bureau_first_get(s->schools[i].coverage, "state", st, sizeof st) < 0 ||
		    (strcmp(st, "cleared") != 0 && strcmp(st, "expired") != 0))
			return 0;
	}
	return expected > 0;
}

/* Print coverage; 0 when every expected school shows it on every targeted board. */
static int
coverage_print(struct bureau_sess *s, const char *id)
{
	size_t tg_all = 0, ak_all = 0, schools = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		const struct bureau_school *sc = &s->schools[i];
		char st[32] = "-", tg[16] = "0", ak[16] = "0", reason[512] = "";
		const char *p;

		if (!sc->coverage) {
			if (school_expected(s, sc, g_schools))
				printf("%s: no answer%s\n", sc->name, sc->online == 1 ? "" : " (offline)");
			continue;
		}
		bureau_first_get(sc->coverage, "state", st, sizeof st);
		bureau_first_get(sc->coverage, "targeted", tg, sizeof tg);
		bureau_first_get(sc->coverage, "acked", ak, sizeof ak);
		bureau_first_get(sc->coverage, "reason", reason, sizeof reason);
		printf("%s: %s, %s of %s boards acknowledged%s%s%s\n", sc->name, st, ak, tg, sc->online == 1 ? "" : " (offline)",
		    reason[0] ? ": " : "", reason);
		schools++;
		tg_all += (size_t)atol(tg);
		ak_all += (size_t)atol(ak);
		for (p = strchr(sc->coverage, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			char name[72], at[32], bst[32];
			char line[1024];
			size_t n = strcspn(p + 1, "\n");

			if (n >= sizeof line || strncmp(p + 1, "board ", 6) != 0)
				continue;
			memcpy(line, p + 1 + 6, n - 6);
			line[n - 6] = '\0';
			if (kv_get(line, "name", name, sizeof name) < 0 || kv_get(line, "acked", at, sizeof at) < 0)
				continue;
			if (kv_get(line, "state", bst, sizeof bst) < 0)
				snprintf(bst, sizeof bst, "?");
			printf("  %s/%s %s\n", sc->name, name, strcmp(at, "0") == 0 ? "waiting" : "acknowledged");
			(void)bst;
		}
	}
	printf("coverage %s: %zu of %zu boards at %zu schools%s\n", id, ak_all, tg_all, schools,
	    coverage_done(s) ? ", complete" : ", incomplete");
	return coverage_done(s) ? 0 : 1;
}

/* ---- subcommands ---- */

static int
district_alert(const struct cmd_args *a, struct bureau_sess *s, struct bureau *b)
{
	struct dmsg_alert m;
	char topic[256], err[512], *buf = NULL;
	const char *v;
	long long now = (long long)time(NULL), dur = 0;
	int rc = 1, n;
	size_t cap;

	memset(&m, 0, sizeof m);
	if (a->argc < 2) {
		fprintf(stderr, "ledsign district alert: the alert's text, please\n");
		return 2;
	}
	if ((v = cmd_arg(a, "id")) != NULL)
		snprintf(m.id, sizeof m.id, "%s", v);
	else
		alert_id_make(m.id, sizeof m.id, now);
	if (!alert_id_valid(m.id) || strlen(m.id) + 2 > ALERT_ID_MAX) {
		fprintf(stderr, "ledsign district alert: bad id \"%s\": letters, digits and ._:@-, at most %d\n", m.id,
		    ALERT_ID_MAX - 2);
		return 2;
	}
	m.time = now;
	snprintf(m.a.id, sizeof m.a.id, "%s", m.id);
	m.a.text = strdup(a->argv[1]);
	m.a.level = ALERT_EMERGENCY;
	if ((v = cmd_arg(a, "level")) && alert_level_parse(v, &m.a.level) < 0) {
		fprintf(stderr, "ledsign district alert: level \"%s\": info, warning or emergency\n", v);
		goto out;
	}
	if ((v = cmd_arg(a, "for")) != NULL) {
		char *e;

		dur = strtoll(v, &e, 10);
		if (dur <= 0 || (*e && e[1]) || (*e && !strchr("smhd", *e))) {
			fprintf(stderr, "ledsign district alert: --for \"%s\": e.g. 90s, 30m, 2h, 1d\n", v);
			goto out;
		}
		dur *= *e == 'm' ? 60 : *e == 'h' ? 3600 : *e == 'd' ? 86400 : 1;
	}
	m.a.start = now;
	m.a.created = now;
	m.a.expires = dur ? now + dur : 0;
	m.a.source = strdup("district");
	if (((v = cmd_arg(a, "boards")) && alert_names_parse(v, &m.a.boards, "boards", err, sizeof err) < 0) ||
	    ((v = cmd_arg(a, "groups")) && alert_names_parse(v, &m.a.groups, "groups", err, sizeof err) < 0) ||
	    alert_validate(&m.a, err, sizeof err) < 0) {
		fprintf(stderr, "ledsign district alert: %s\n", err);
		goto out;
	}
	if ((v = cmd_arg(a, "schools")) != NULL)
		snprintf(m.schools, sizeof m.schools, "%s", v);
	cap = 8192 + 3 * strlen(m.a.text);
	if ((buf = malloc(cap)) == NULL || (n = dmsg_alert_encode(&m, buf, cap)) < 0) {
		fprintf(stderr, "ledsign district alert: cannot encode it\n");
		goto out;
	}
	snprintf(s->want_alert, sizeof s->want_alert, "%s", m.id);
	if (cmd_arg(a, "wait") && bureau_collect(s, 0.3) < 0)
		goto out;
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/alert/%s", b->district, m.id);
	if (bureau_publish(s, topic, buf, (size_t)n, 1) < 0)
		goto out;
	printf("%s\n", m.id);
	fflush(stdout);
	rc = 0;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		bureau_run(s, atof(v), coverage_done);
		rc = coverage_print(s, m.id);
	}
out:
	free(buf);
	alert_clear(&m.a);
	return rc;
}

/* Publish one district alert message for id (raised from CAP when doc is
 * set, else cleared). */
static int
publish_alert(struct bureau_sess *s, struct bureau *b, const char *id, const char *schools, const char *doc, size_t len)
{
	struct dmsg_alert m;
	char topic[256], *buf;
	size_t cap = 4096 + len;
	int n, rc = -1;

	memset(&m, 0, sizeof m);
	snprintf(m.id, sizeof m.id, "%s", id);
	m.time = (long long)time(NULL);
	m.cleared = doc == NULL;
	if (schools)
		snprintf(m.schools, sizeof m.schools, "%s", schools);
	m.cap = (char *)doc;
	m.caplen = len;
	if ((buf = malloc(cap)) == NULL || (n = dmsg_alert_encode(&m, buf, cap)) < 0) {
		fprintf(stderr, "ledsign district: cannot encode alert %s\n", id);
		goto out;
	}
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/alert/%s", b->district, id);
	rc = bureau_publish(s, topic, buf, (size_t)n, 1);
out:
	free(buf);
	return rc;
}

/* A CAP 1.2 file from the bureau: checked here, then handed to every
 * school as it is, where the controller maps its areas to board groups
 * with the school's own cap_areas.  Alert: raised under its CAP id;
 * Update: the referenced ones cleared, this one raised; Cancel: the
 * referenced ones cleared. */
static int
district_cap(const struct cmd_args *a, struct bureau_sess *s, struct bureau *b)
{
	struct cap_result r;
	char err[512], *doc;
	size_t len = 0;
	const char *v;
	int rc = 1;

	memset(&r, 0, sizeof r);
	if (a->argc < 2) {
		fprintf(stderr, "ledsign district cap: the CAP file, please\n");
		return 2;
	}
	if ((doc = ls_read_file(a->argv[1], CAP_DOC_MAX, &len, err, sizeof err)) == NULL) {
		if (errno == EFBIG)
			fprintf(stderr, "ledsign district cap: %s: over 1 MiB\n", a->argv[1]);
		else
			fprintf(stderr, "ledsign district cap: %s\n", err);
		return 1;
	}
	if (strlen(doc) != len || cap_parse(doc, len, a->argv[1], NULL, (long long)time(NULL), &r, err, sizeof err) < 0) {
		fprintf(stderr, "ledsign district cap: %s\n", strlen(doc) != len ? "the file holds a NUL byte" : err);
		goto out;
	}
	if (r.action == CAP_IGNORED) {
		fprintf(stderr, "ledsign district cap: %s: nothing to send: %s\n", a->argv[1], r.reason);
		goto out;
	}
	for (size_t i = 0; i < r.refs.n; i++)
		if (publish_alert(s, b, r.refs.v[i], cmd_arg(a, "schools"), NULL, 0) < 0)
			goto out;
		else
			printf("cleared %s\n", r.refs.v[i]);
	if (r.action == CAP_ALERT || r.action == CAP_UPDATE) {
		snprintf(s->want_alert, sizeof s->want_alert, "%s", r.alert.id);
		if (cmd_arg(a, "wait") && bureau_collect(s, 0.3) < 0)
			goto out;
		if (publish_alert(s, b, r.alert.id, cmd_arg(a, "schools"), doc, len) < 0)
			goto out;
		printf("%s\n", r.alert.id);
		fflush(stdout);
		rc = 0;
		if ((v = cmd_arg(a, "wait")) != NULL) {
			g_schools = cmd_arg(a, "schools");
			bureau_run(s, atof(v), coverage_done);
			rc = coverage_print(s, r.alert.id);
		}
	} else {
		rc = 0;
	}
out:
	cap_result_clear(&r);
	free(doc);
	return rc;
}

static int
district_clear(const struct cmd_args *a, struct bureau_sess *s, struct bureau *b)
{
	struct dmsg_alert m;
	char topic[256], buf[1024];
	const char *v;
	int n;

	memset(&m, 0, sizeof m);
	if (a->argc < 2 || !alert_id_valid(a->argv[1])) {
		fprintf(stderr, "ledsign district clear: the id of the district alert, please\n");
		return 2;
	}
	m.cleared = 1;
	m.time = (long long)time(NULL);
	snprintf(m.id, sizeof m.id, "%s", a->argv[1]);
	snprintf(s->want_alert, sizeof s->want_alert, "%s", m.id);
	if ((n = dmsg_alert_encode(&m, buf, sizeof buf)) < 0)
		return 1;
	if (cmd_arg(a, "wait") && bureau_collect(s, 0.3) < 0)
		return 1;
	/* retained: it replaces the raise, so a school that was away hears the clear */
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/alert/%s", b->district, m.id);
	if (bureau_publish(s, topic, buf, (size_t)n, 1) < 0)
		return 1;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		if (bureau_run(s, atof(v), cleared_done) < 0) {
			coverage_print(s, m.id);
			return 1;
		}
		printf("cleared %s at every school\n", m.id);
	}
	return 0;
}

static int
district_coverage(const struct cmd_args *a, struct bureau_sess *s)
{
	if (a->argc < 2 || !alert_id_valid(a->argv[1])) {
		fprintf(stderr, "ledsign district coverage: the id of the district alert, please\n");
		return 2;
	}
	snprintf(s->want_alert, sizeof s->want_alert, "%s", a->argv[1]);
	g_schools = cmd_arg(a, "schools");
	if (bureau_collect(s, 1.0) < 0)
		return 1;
	return coverage_print(s, a->argv[1]);
}

static long long g_bundle_version;

static int
bundle_done(struct bureau_sess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		char v[32];

		if (!school_expected(s, &s->schools[i], g_schools))
			continue;
		expected++;
		if (bureau_first_get(s->schools[i].bundle, "version", v, sizeof v) < 0 || atoll(v) != g_bundle_version)
			return 0;
	}
	return expected > 0;
}

static int
district_bundle(const struct cmd_args *a, struct bureau_sess *s, struct bureau *b)
{
	static struct dmsg_bundle bd;
	char path[4096], topic[256], err[4200];
	uint8_t *datas[DMSG_BUNDLE_FILES] = { 0 }, *out = NULL;
	const char *v;
	DIR *dir = NULL;
	struct dirent *de;
	long n;
	int rc = 1;

	memset(&bd, 0, sizeof bd);
	if (a->argc < 2 || !(v = cmd_arg(a, "version")) || (bd.version = atoll(v)) < 1) {
		fprintf(stderr, "ledsign district bundle: DIR and --version N (1, 2, ...), please\n");
		return 2;
	}
	if ((v = cmd_arg(a, "label")) != NULL)
		snprintf(bd.label, sizeof bd.label, "%s", v);
	snprintf(path, sizeof path, "%s/" DMSG_BUNDLE_CONFIG, a->argv[1]);
	snprintf(bd.files[0].name, sizeof bd.files[0].name, DMSG_BUNDLE_CONFIG);
	if ((datas[0] = (uint8_t *)ls_read_file(path, DMSG_BUNDLE_MAX, &bd.files[0].len, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign district bundle: %s\n", err);
		goto out;
	}
	bd.files[0].data = datas[0];
	bd.nfiles = 1;
	snprintf(path, sizeof path, "%s/posters", a->argv[1]);
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			struct dmsg_file *f = &bd.files[bd.nfiles];
			char fp[8192];

			if (de->d_name[0] == '.')
				continue;
			if (bd.nfiles == DMSG_BUNDLE_FILES) {
				fprintf(stderr, "ledsign district bundle: more than %d files\n", DMSG_BUNDLE_FILES);
				goto out;
			}
			snprintf(f->name, sizeof f->name, "posters/%.100s", de->d_name);
			if (!dmsg_bundle_name_ok(f->name)) {
				fprintf(stderr, "ledsign district bundle: %s/%s: poster names are letters, digits, . _ -\n", path,
				    de->d_name);
				goto out;
			}
			snprintf(fp, sizeof fp, "%s/%s", path, de->d_name);
			if ((datas[bd.nfiles] = (uint8_t *)ls_read_file(fp, DMSG_BUNDLE_MAX, &f->len, err, sizeof err)) == NULL) {
				fprintf(stderr, "ledsign district bundle: %s\n", err);
				goto out;
			}
			f->data = datas[bd.nfiles];
			bd.nfiles++;
		}
	}
	if (dmsg_bundle_size(&bd) > DMSG_BUNDLE_MAX + 65536 || (out = malloc(dmsg_bundle_size(&bd))) == NULL ||
	    (n = dmsg_bundle_encode(&bd, out, dmsg_bundle_size(&bd))) < 0 || n > DMSG_BUNDLE_MAX) {
		fprintf(stderr, "ledsign district bundle: the bundle is over %d bytes\n", DMSG_BUNDLE_MAX);
		goto out;
	}
	if (cmd_arg(a, "wait") && bureau_collect(s, 0.3) < 0)
		goto out;
	if ((v = cmd_arg(a, "schools")) != NULL) {
		for (const char *p = v; *p;) {
			size_t k = strcspn(p, ",");
			char name[72];

			if (k == 0 || k >= sizeof name) {
				fprintf(stderr, "ledsign district bundle: --schools: bad name\n");
				goto out;
			}
			memcpy(name, p, k);
			name[k] = '\0';
			if (!dmsg_name_ok(name)) {
				fprintf(stderr, "ledsign district bundle: --schools: bad name \"%s\"\n", name);
				goto out;
			}
			snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/school/%s/bundle", b->district, name);
			if (bureau_publish(s, topic, out, (size_t)n, 1) < 0)
				goto out;
			p += k;
			if (*p == ',')
				p++;
		}
	} else {
		snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/bundle", b->district);
		if (bureau_publish(s, topic, out, (size_t)n, 1) < 0)
			goto out;
	}
	printf("bundle version %lld: %ld bytes, %zu files published\n", bd.version, n, bd.nfiles);
	fflush(stdout);
	rc = 0;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		g_bundle_version = bd.version;
		bureau_run(s, atof(v), bundle_done);
		for (size_t i = 0; i < s->nschools; i++) {
			const struct bureau_school *sc = &s->schools[i];
			char ver[32] = "", res[32] = "", reason[2048] = "";

			if (!school_expected(s, sc, g_schools))
				continue;
			bureau_first_get(sc->bundle, "version", ver, sizeof ver);
			bureau_first_get(sc->bundle, "result", res, sizeof res);
			bureau_first_get(sc->bundle, "reason", reason, sizeof reason);
			if (atoll(ver) != bd.version) {
				printf("%s: no answer\n", sc->name);
				rc = 1;
			} else {
				printf("%s: %s%s%s\n", sc->name, res, reason[0] ? ": " : "", reason);
				if (strcmp(res, "accepted") != 0)
					rc = 1;
			}
		}
	}
out:
	if (dir)
		closedir(dir);
	for (size_t i = 0; i < DMSG_BUNDLE_FILES; i++)
		free(datas[i]);
	free(out);
	return rc;
}

static int
district_status(struct bureau_sess *s)
{
	struct bureau_status st;

	if (bureau_status(s, &st) < 0) {
		bureau_status_free(&st);
		return 1;
	}
	if (st.nschools == 0)
		printf("no school has reported to this broker\n");
	for (size_t i = 0; i < st.nschools; i++) {
		const struct bureau_school_status *sc = &st.schools[i];

		printf("%s: %s, bundle %s", sc->name, sc->online == 1 ? "online" : sc->online == 0 ? "OFFLINE" : "unknown",
		    sc->bundle);
		if (sc->last_result[0])
			printf(" (last received: version %s %s)", sc->last_version, sc->last_result);
		printf("\n");
		for (size_t k = 0; k < sc->nboards; k++) {
			const struct bureau_board *bd = &sc->boards[k];

			printf("  %-20s %-10s %s%s%s%s\n", bd->name, bd->state, bd->item, bd->rule[0] ? " (" : "", bd->rule,
			    bd->rule[0] ? ")" : "");
		}
	}
	bureau_status_free(&st);
	return 0;
}

static int
report_done(struct bureau_sess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		if (s->schools[i].online != 1)
			continue;
		expected++;
		if (!s->schools[i].report)
			return 0;
	}
	return expected > 0;
}

static int
report_time(const char *v, double *out)
{
	long long t;

	if (cmd_parse_time(NULL, v, &t) < 0) {
		fprintf(stderr, "ledsign district report: \"%s\": want \"YYYY-MM-DD HH:MM[:SS]\" (UTC)\n", v);
		return -1;
	}
	*out = (double)t;
	return 0;
}

static int
district_report(const struct cmd_args *a, struct bureau_sess *s, struct bureau *b)
{
	double from = 0, to = (double)time(NULL) + 1, wait = 5;
	char topic[256], req[512], err[512];
	const char *out = cmd_arg(a, "output") ? cmd_arg(a, "output") : "-";
	struct report *r = NULL;
	int rc = 1, missing = 0;

	if ((cmd_arg(a, "from") && report_time(cmd_arg(a, "from"), &from) < 0) ||
	    (cmd_arg(a, "to") && report_time(cmd_arg(a, "to"), &to) < 0))
		return 2;
	if (cmd_arg(a, "wait"))
		wait = atof(cmd_arg(a, "wait"));
	snprintf(s->want_report, sizeof s->want_report, "r%d-%ld", (int)getpid(), (long)time(NULL));
	if (bureau_collect(s, 0.3) < 0)
		return 1;
	snprintf(req, sizeof req, DMSG_VERSION " report request=%s from=%.0f to=%.0f", s->want_report, from, to);
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/report", b->district);
	if (bureau_publish(s, topic, req, strlen(req), 0) < 0)
		return 1;
	bureau_run(s, wait, report_done);
	if ((r = report_new(from, to, NULL)) == NULL)
		return 1;
	for (size_t i = 0; i < s->nschools; i++) {
		const struct bureau_school *sc = &s->schools[i];
		const char *p;

		if (!sc->report) {
			if (sc->online == 1) {
				fprintf(stderr, "ledsign district report: %s did not answer within %.0f s\n", sc->name, wait);
				missing++;
			}
			continue;
		}
		for (p = strchr(sc->report, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			char line[4096], k1[72], k2[72], k3[40], k4[40], k5[40], key[160];
			size_t n = strcspn(p + 1, "\n");

			if (n >= sizeof line)
				continue;
			memcpy(line, p + 1, n);
			line[n] = '\0';
			if (strncmp(line, "play ", 5) == 0 && kv_get(line + 5, "board", k1, sizeof k1) == 0 &&
			    kv_get(line + 5, "item", k2, sizeof k2) == 0 && kv_get(line + 5, "seconds", k3, sizeof k3) == 0 &&
			    kv_get(line + 5, "frames", k4, sizeof k4) == 0 && kv_get(line + 5, "plays", k5, sizeof k5) == 0) {
				snprintf(key, sizeof key, "%s/%s", sc->name, k1);
				report_add_row(r, key, k2, atof(k3), strtoull(k4, NULL, 10), strtoull(k5, NULL, 10));
			} else if (strncmp(line, "alert ", 6) == 0) {
				char t[40], ev[16], id[ALERT_ID_MAX + 1], lv[16], tg[256] = "";

				if (kv_get(line + 6, "time", t, sizeof t) == 0 && kv_get(line + 6, "event", ev, sizeof ev) == 0 &&
				    kv_get(line + 6, "id", id, sizeof id) == 0 && kv_get(line + 6, "level", lv, sizeof lv) == 0) {
					kv_get(line + 6, "targets", tg, sizeof tg);
					report_add_alert(r, sc->name, atof(t), ev, id, lv, tg);
				}
			} else if (strncmp(line, "error ", 6) == 0 && kv_get(line + 6, "message", k1, sizeof k1) == 0) {
				fprintf(stderr, "ledsign district report: %s: %s\n", sc->name, k1);
				missing++;
			}
		}
	}
	if (report_write(r, out, "school/board", err, sizeof err) < 0) {
		fprintf(stderr, "ledsign district report: %s\n", err);
		goto done;
	}
	rc = missing ? 1 : 0;
done:
	report_free(r);
	return rc;
}

static int
cmd_district(const struct cmd_args *a)
{
	const char *verb = a->argv[0], *bf = cmd_arg(a, "bureau");
	struct bureau b;
	struct bureau_sess s;
	char err[512];
	int rc;

	if (strcmp(verb, "alert") && strcmp(verb, "clear") && strcmp(verb, "coverage") && strcmp(verb, "bundle") &&
	    strcmp(verb, "status") && strcmp(verb, "report") && strcmp(verb, "cap")) {
		fprintf(stderr, "ledsign district: \"%s\": alert, cap, clear, coverage, bundle, status or report\n", verb);
		return 2;
	}
	if (!bf) {
		fprintf(stderr, "ledsign district: --bureau FILE, please (the broker, the district and the bureau's account)\n");
		return 2;
	}
	if (bureau_load(bf, &b, err, sizeof err) < 0) {
		fprintf(stderr, "ledsign district: %s\n", err);
		return 1;
	}
	if (bureau_open(&s, &b) < 0) {
		fprintf(stderr, "ledsign district: %s\n", s.err);
		bureau_close(&s);
		return 1;
	}
	if (strcmp(verb, "alert") == 0)
		rc = district_alert(a, &s, &b);
	else if (strcmp(verb, "clear") == 0)
		rc = district_clear(a, &s, &b);
	else if (strcmp(verb, "cap") == 0)
		rc = district_cap(a, &s, &b);
	else if (strcmp(verb, "coverage") == 0)
		rc = district_coverage(a, &s);
	else if (strcmp(verb, "bundle") == 0)
		rc = district_bundle(a, &s, &b);
	else if (strcmp(verb, "status") == 0)
		rc = district_status(&s);
	else
		rc = district_report(a, &s, &b);
	/* what the session met on the way (a lost connection, a refused
	 * publish); the verb said what it means for its answer */
	if (s.err[0])
		fprintf(stderr, "ledsign district: %s\n", s.err);
	bureau_close(&s);
	return rc;
}
