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
#include "district/dmsg.h"
#include "district/link.h"
#include "record/report.h"
#include "util/kv.h"
#include "util/paths.h"
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

struct bureau {
	char   host[256];
	int    port, tls, keepalive;
	char   ca_file[1024], cert_file[1024], key_file[1024];
	char   district[80], username[128], password_file[1024];
};

/* The bureau's settings file: one group `bureau = { ... };` with the keys
 * of a school's district group except school and bundle_file. */
static int
bureau_load(const char *path, struct bureau *b)
{
	static const char *const keys[] = { "host", "port", "tls", "ca_file", "cert_file", "key_file", "district",
	    "username", "password_file", "keepalive" };
	config_t lc;
	const config_setting_t *g;
	const char *s;
	int v, rc = -1;

	memset(b, 0, sizeof b[0]);
	b->tls = 1;
	b->keepalive = 30;
	snprintf(b->username, sizeof b->username, "bureau");
	config_init(&lc);
	if (!config_read_file(&lc, path)) {
		fprintf(stderr, "ledsign district: %s:%d: %s\n", config_error_file(&lc) ? config_error_file(&lc) : path,
		    config_error_line(&lc), config_error_type(&lc) == CONFIG_ERR_FILE_IO ? strerror(errno) : config_error_text(&lc));
		goto out;
	}
	if ((g = config_lookup(&lc, "bureau")) == NULL || !config_setting_is_group(g)) {
		fprintf(stderr, "ledsign district: %s: no group bureau = { host = ...; district = ...; };\n", path);
		goto out;
	}
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		size_t k;

		for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (strcmp(config_setting_name(e), keys[k]) == 0)
				break;
		if (k == sizeof keys / sizeof keys[0]) {
			fprintf(stderr, "ledsign district: %s:%d: unknown setting bureau.%s (host, port, tls, ca_file, cert_file, "
			    "key_file, district, username, password_file, keepalive)\n", path, config_setting_source_line(e),
			    config_setting_name(e));
			goto out;
		}
	}
#define STR(k, dst) if (config_setting_lookup_string(g, k, &s)) snprintf(dst, sizeof dst, "%s", s)
	STR("host", b->host);
	STR("ca_file", b->ca_file);
	STR("cert_file", b->cert_file);
	STR("key_file", b->key_file);
	STR("district", b->district);
	STR("username", b->username);
	STR("password_file", b->password_file);
#undef STR
	if (config_setting_lookup_bool(g, "tls", &v))
		b->tls = v;
	if (config_setting_lookup_int(g, "keepalive", &v))
		b->keepalive = v;
	b->port = b->tls ? 8883 : 1883;
	if (config_setting_lookup_int(g, "port", &v))
		b->port = v;
	if (!b->host[0] || !dmsg_name_ok(b->district)) {
		fprintf(stderr, "ledsign district: %s: bureau needs host and district (1..64 of a-z 0-9 _ -)\n", path);
		goto out;
	}
	rc = 0;
out:
	config_destroy(&lc);
	return rc;
}

/* What the schools said, as retained messages (and report answers). */
struct school {
	char   name[72];
	int    online;          /* -1 unknown, 0, 1 */
	char  *state, *bundle, *coverage, *report;
};

struct bsess {
	struct bureau *b;
	struct mosquitto *m;
	int    connected, refused;
	int    mid_wanted, mid_done, pub_reason;
	char   want_alert[ALERT_ID_MAX + 1];
	char   want_report[64];
	struct school *schools;
	size_t nschools;
	char   prefix[200];     /* ledsign/v1/D/school/ */
	double last_msg;        /* when the last message came (monotonic) */
};

static struct school *
sess_school(struct bsess *s, const char *name)
{
	struct school *n;

	for (size_t i = 0; i < s->nschools; i++)
		if (strcmp(s->schools[i].name, name) == 0)
			return &s->schools[i];
	if ((n = realloc(s->schools, (s->nschools + 1) * sizeof *n)) == NULL)
		return NULL;
	s->schools = n;
	n = &s->schools[s->nschools++];
	memset(n, 0, sizeof *n);
	n->online = -1;
	snprintf(n->name, sizeof n->name, "%s", name);
	return n;
}

static void
sess_store(char **slot, const void *p, int len)
{
	free(*slot);
	*slot = NULL;
	if (len <= 0 || len > DMSG_MSG_MAX * 16)
		return;
	if ((*slot = malloc((size_t)len + 1)) != NULL) {
		memcpy(*slot, p, (size_t)len);
		(*slot)[len] = '\0';
	}
}

static int first_get(const char *payload, const char *key, char *val, size_t cap);
static double mono(void);

static void
on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	struct bsess *s = obj;
	const char *t = msg->topic, *slash;
	char name[72];
	struct school *sc;

	(void)m;
	s->last_msg = mono();
	if (strncmp(t, s->prefix, strlen(s->prefix)) != 0)
		return;
	t += strlen(s->prefix);
	if ((slash = strchr(t, '/')) == NULL || (size_t)(slash - t) >= sizeof name)
		return;
	memcpy(name, t, (size_t)(slash - t));
	name[slash - t] = '\0';
	if (!dmsg_name_ok(name) || (sc = sess_school(s, name)) == NULL)
		return;
	t = slash + 1;
	if (strcmp(t, "online") == 0)
		sc->online = msg->payloadlen == 1 && ((const char *)msg->payload)[0] == '1';
	else if (strcmp(t, "state") == 0)
		sess_store(&sc->state, msg->payload, msg->payloadlen);
	else if (strcmp(t, "bundle") == 0)
		sess_store(&sc->bundle, msg->payload, msg->payloadlen);
	else if (strncmp(t, "alert/", 6) == 0 && strcmp(t + 6, s->want_alert) == 0)
		sess_store(&sc->coverage, msg->payload, msg->payloadlen);
	else if (strcmp(t, "report") == 0 && s->want_report[0] && msg->payloadlen > 0) {
		char rid[64] = "";

		sess_store(&sc->report, msg->payload, msg->payloadlen);
		if (sc->report && (first_get(sc->report, "request", rid, sizeof rid) < 0 || strcmp(rid, s->want_report) != 0)) {
			free(sc->report);
			sc->report = NULL;
		}
	}
}

static void
on_connect(struct mosquitto *m, void *obj, int rc, int flags, const mosquitto_property *props)
{
	struct bsess *s = obj;

	(void)m;
	(void)flags;
	(void)props;
	if (rc == 0)
		s->connected = 1;
	else
		s->refused = rc;
}

static void
on_publish(struct mosquitto *m, void *obj, int mid, int reason, const mosquitto_property *props)
{
	struct bsess *s = obj;

	(void)m;
	(void)props;
	if (mid == s->mid_wanted) {
		s->mid_done = 1;
		s->pub_reason = reason;
	}
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the client until done(s) or `secs` pass; 0 when done. */
static int
sess_run(struct bsess *s, double secs, int (*done)(struct bsess *))
{
	double end = mono() + secs;

	while (!done(s)) {
		int rc;

		if (mono() > end)
			return -1;
		rc = mosquitto_loop(s->m, 50, 1);
		if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
			if (s->refused)
				return -1;
			fprintf(stderr, "ledsign district: connection to %s:%d lost: %s\n", s->b->host, s->b->port,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static int done_connected(struct bsess *s) { return s->connected || s->refused; }
static int done_published(struct bsess *s) { return s->mid_done; }

static int
sess_open(struct bsess *s, struct bureau *b)
{
	char id[64], pw[512] = "";
	int rc;

	memset(s, 0, sizeof *s);
	s->b = b;
	snprintf(s->prefix, sizeof s->prefix, DMSG_ROOT "/%s/school/", b->district);
	mosquitto_lib_init();
	snprintf(id, sizeof id, "ledsign-bureau-%d", (int)getpid());
	s->m = mosquitto_new(id, true, s);
	if (!s->m) {
		fprintf(stderr, "ledsign district: out of memory\n");
		return -1;
	}
	mosquitto_int_option(s->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	if (b->password_file[0]) {
		FILE *f = fopen(b->password_file, "re");

		if (!f || !fgets(pw, sizeof pw, f)) {
			fprintf(stderr, "ledsign district: %s: %s; the bureau's password goes on its first line\n", b->password_file,
			    f ? "empty" : strerror(errno));
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		pw[strcspn(pw, "\r\n")] = '\0';
	}
	mosquitto_username_pw_set(s->m, b->username, b->password_file[0] ? pw : NULL);
	if (b->tls && (rc = mosquitto_tls_set(s->m, b->ca_file[0] ? b->ca_file : NULL, b->ca_file[0] ? NULL : "/etc/ssl/certs",
	    b->cert_file[0] ? b->cert_file : NULL, b->key_file[0] ? b->key_file : NULL, NULL)) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "ledsign district: TLS: %s\n", mosquitto_strerror(rc));
		return -1;
	}
	mosquitto_connect_v5_callback_set(s->m, on_connect);
	mosquitto_publish_v5_callback_set(s->m, on_publish);
	mosquitto_message_callback_set(s->m, on_message);
	if ((rc = mosquitto_connect(s->m, b->host, b->port, b->keepalive)) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "ledsign district: cannot reach the broker %s:%d: %s\n", b->host, b->port,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return -1;
	}
	if (sess_run(s, 10, done_connected) < 0 || s->refused) {
		fprintf(stderr, "ledsign district: the broker %s:%d refused %s: %s\n", b->host, b->port, b->username,
		    s->refused ? mosquitto_reason_string(s->refused) : "no answer in 10 s");
		return -1;
	}
	return 0;
}

static void
sess_close(struct bsess *s)
{
	if (s->m) {
		mosquitto_disconnect(s->m);
		mosquitto_destroy(s->m);
	}
	for (size_t i = 0; i < s->nschools; i++) {
		free(s->schools[i].state);
		free(s->schools[i].bundle);
		free(s->schools[i].coverage);
		free(s->schools[i].report);
	}
	free(s->schools);
	mosquitto_lib_cleanup();
}

/* Publish and wait for the broker's PUBACK; its reason code says whether
 * the ACL let it through.  0, or -1 (said why). */
static int
sess_publish(struct bsess *s, const char *topic, const void *p, size_t len, int retain)
{
	int rc;

	s->mid_done = 0;
	rc = mosquitto_publish_v5(s->m, &s->mid_wanted, topic, (int)len, p, 1, retain, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "ledsign district: cannot publish %s: %s\n", topic, mosquitto_strerror(rc));
		return -1;
	}
	if (sess_run(s, 30, done_published) < 0) {
		fprintf(stderr, "ledsign district: the broker did not confirm %s within 30 s\n", topic);
		return -1;
	}
	if (s->pub_reason >= 0x80) {
		fprintf(stderr, "ledsign district: the broker refused %s for %s: %s\n", topic, s->b->username,
		    mosquitto_reason_string(s->pub_reason));
		return -1;
	}
	return 0;
}

/* Subscribe to the schools' topics and give the retained messages a moment. */
static int
sess_collect(struct bsess *s, double settle)
{
	char t[5][400], *subs[5];
	double end;
	int rc, n = 0;

	/* only what this command reads: every alert ever raised leaves a
	 * retained coverage per school, and the broker queues a client's
	 * retained messages only up to max_queued_messages */
	snprintf(t[n++], sizeof t[0], "%s+/online", s->prefix);
	snprintf(t[n++], sizeof t[0], "%s+/state", s->prefix);
	snprintf(t[n++], sizeof t[0], "%s+/bundle", s->prefix);
	if (s->want_alert[0])
		snprintf(t[n++], sizeof t[0], "%s+/alert/%s", s->prefix, s->want_alert);
	if (s->want_report[0])
		snprintf(t[n++], sizeof t[0], "%s+/report", s->prefix);
	for (int i = 0; i < n; i++)
		subs[i] = t[i];
	if ((rc = mosquitto_subscribe_multiple(s->m, NULL, n, subs, 1, 0, NULL)) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "ledsign district: cannot subscribe to %s: %s\n", t[0], mosquitto_strerror(rc));
		return -1;
	}
	/* retained messages come right after the subscription: at least
	 * `settle` seconds, then until none came for 0.3 s (a district of a
	 * hundred schools holds thousands), at most 15 s */
	s->last_msg = mono();
	end = mono() + settle;
	for (;;) {
		double now = mono();

		if (now >= end && (now - s->last_msg > 0.3 || now >= end + 15))
			break;
		if ((rc = mosquitto_loop(s->m, 50, 1)) != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "ledsign district: connection to %s:%d lost: %s\n", s->b->host, s->b->port,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* The value of key in the first line of a payload. */
static int
first_get(const char *payload, const char *key, char *val, size_t cap)
{
	const char *sp;
	char line[2048];
	size_t n;

	if (!payload)
		return -1;
	n = strcspn(payload, "\n");
	if (n >= sizeof line)
		n = sizeof line - 1;
	memcpy(line, payload, n);
	line[n] = '\0';
	if ((sp = strchr(line, ' ')) == NULL || (sp = strchr(sp + 1, ' ')) == NULL)
		return -1;
	return kv_get(sp + 1, key, val, cap);
}

static int
school_expected(const struct bsess *s, const struct school *sc, const char *schools)
{
	return schools ? dmsg_list_has(schools, sc->name) : sc->online == 1;
}

/* ---- coverage ---- */

static const char *g_schools;   /* --schools, for the done functions */

static int
coverage_done(struct bsess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		const struct school *sc = &s->schools[i];
		char st[32], tg[16], ak[16];

		if (!school_expected(s, sc, g_schools))
			continue;
		expected++;
		if (first_get(sc->coverage, "state", st, sizeof st) < 0 ||
		    first_get(sc->coverage, "targeted", tg, sizeof tg) < 0 || first_get(sc->coverage, "acked", ak, sizeof ak) < 0)
			return 0;
		if (strcmp(st, "showing") != 0 || strcmp(tg, ak) != 0)
			return 0;
	}
	return expected > 0;
}

static int
cleared_done(struct bsess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		char st[32];

		if (!school_expected(s, &s->schools[i], g_schools))
			continue;
		expected++;
		if (first_get(s->schools[i].coverage, "state", st, sizeof st) < 0 ||
		    (strcmp(st, "cleared") != 0 && strcmp(st, "expired") != 0))
			return 0;
	}
	return expected > 0;
}

/* Print coverage; 0 when every expected school shows it on every targeted board. */
static int
coverage_print(struct bsess *s, const char *id)
{
	size_t tg_all = 0, ak_all = 0, schools = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		const struct school *sc = &s->schools[i];
		char st[32] = "-", tg[16] = "0", ak[16] = "0", reason[512] = "";
		const char *p;

		if (!sc->coverage) {
			if (school_expected(s, sc, g_schools))
				printf("%s: no answer%s\n", sc->name, sc->online == 1 ? "" : " (offline)");
			continue;
		}
		first_get(sc->coverage, "state", st, sizeof st);
		first_get(sc->coverage, "targeted", tg, sizeof tg);
		first_get(sc->coverage, "acked", ak, sizeof ak);
		first_get(sc->coverage, "reason", reason, sizeof reason);
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

static uint8_t *slurp(const char *path, size_t max, size_t *len);

static int
district_alert(const struct cmd_args *a, struct bsess *s, struct bureau *b)
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
	if (cmd_arg(a, "wait") && sess_collect(s, 0.3) < 0)
		goto out;
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/alert/%s", b->district, m.id);
	if (sess_publish(s, topic, buf, (size_t)n, 1) < 0)
		goto out;
	printf("%s\n", m.id);
	fflush(stdout);
	rc = 0;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		sess_run(s, atof(v), coverage_done);
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
publish_alert(struct bsess *s, struct bureau *b, const char *id, const char *schools, const char *doc, size_t len)
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
	rc = sess_publish(s, topic, buf, (size_t)n, 1);
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
district_cap(const struct cmd_args *a, struct bsess *s, struct bureau *b)
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
	if ((doc = (char *)slurp(a->argv[1], CAP_DOC_MAX, &len)) == NULL) {
		fprintf(stderr, "ledsign district cap: %s: %s\n", a->argv[1], errno == EFBIG ? "over 1 MiB or not a file" :
		    strerror(errno));
		return 1;
	}
	doc[len] = '\0';
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
		if (cmd_arg(a, "wait") && sess_collect(s, 0.3) < 0)
			goto out;
		if (publish_alert(s, b, r.alert.id, cmd_arg(a, "schools"), doc, len) < 0)
			goto out;
		printf("%s\n", r.alert.id);
		fflush(stdout);
		rc = 0;
		if ((v = cmd_arg(a, "wait")) != NULL) {
			g_schools = cmd_arg(a, "schools");
			sess_run(s, atof(v), coverage_done);
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
district_clear(const struct cmd_args *a, struct bsess *s, struct bureau *b)
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
	if (cmd_arg(a, "wait") && sess_collect(s, 0.3) < 0)
		return 1;
	/* retained: it replaces the raise, so a school that was away hears the clear */
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/alert/%s", b->district, m.id);
	if (sess_publish(s, topic, buf, (size_t)n, 1) < 0)
		return 1;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		if (sess_run(s, atof(v), cleared_done) < 0) {
			coverage_print(s, m.id);
			return 1;
		}
		printf("cleared %s at every school\n", m.id);
	}
	return 0;
}

static int
district_coverage(const struct cmd_args *a, struct bsess *s)
{
	if (a->argc < 2 || !alert_id_valid(a->argv[1])) {
		fprintf(stderr, "ledsign district coverage: the id of the district alert, please\n");
		return 2;
	}
	snprintf(s->want_alert, sizeof s->want_alert, "%s", a->argv[1]);
	g_schools = cmd_arg(a, "schools");
	if (sess_collect(s, 1.0) < 0)
		return 1;
	return coverage_print(s, a->argv[1]);
}

static uint8_t *
slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	struct stat st;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max ||
	    (p = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	*len = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	return p;
}

static long long g_bundle_version;

static int
bundle_done(struct bsess *s)
{
	size_t expected = 0;

	for (size_t i = 0; i < s->nschools; i++) {
		char v[32];

		if (!school_expected(s, &s->schools[i], g_schools))
			continue;
		expected++;
		if (first_get(s->schools[i].bundle, "version", v, sizeof v) < 0 || atoll(v) != g_bundle_version)
			return 0;
	}
	return expected > 0;
}

static int
district_bundle(const struct cmd_args *a, struct bsess *s, struct bureau *b)
{
	static struct dmsg_bundle bd;
	char path[4096], topic[256];
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
	if ((datas[0] = slurp(path, DMSG_BUNDLE_MAX, &bd.files[0].len)) == NULL) {
		fprintf(stderr, "ledsign district bundle: %s: %s\n", path, strerror(errno));
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
			if ((datas[bd.nfiles] = slurp(fp, DMSG_BUNDLE_MAX, &f->len)) == NULL) {
				fprintf(stderr, "ledsign district bundle: %s: %s\n", fp, strerror(errno));
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
	if (cmd_arg(a, "wait") && sess_collect(s, 0.3) < 0)
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
			if (sess_publish(s, topic, out, (size_t)n, 1) < 0)
				goto out;
			p += k;
			if (*p == ',')
				p++;
		}
	} else {
		snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/bundle", b->district);
		if (sess_publish(s, topic, out, (size_t)n, 1) < 0)
			goto out;
	}
	printf("bundle version %lld: %ld bytes, %zu files published\n", bd.version, n, bd.nfiles);
	fflush(stdout);
	rc = 0;
	if ((v = cmd_arg(a, "wait")) != NULL) {
		g_schools = cmd_arg(a, "schools");
		g_bundle_version = bd.version;
		sess_run(s, atof(v), bundle_done);
		for (size_t i = 0; i < s->nschools; i++) {
			const struct school *sc = &s->schools[i];
			char ver[32] = "", res[32] = "", reason[2048] = "";

			if (!school_expected(s, sc, g_schools))
				continue;
			first_get(sc->bundle, "version", ver, sizeof ver);
			first_get(sc->bundle, "result", res, sizeof res);
			first_get(sc->bundle, "reason", reason, sizeof reason);
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
district_status(struct bsess *s)
{
	if (sess_collect(s, 1.0) < 0)
		return 1;
	if (s->nschools == 0) {
		printf("no school has reported to this broker\n");
		return 0;
	}
	for (size_t i = 0; i < s->nschools; i++) {
		const struct school *sc = &s->schools[i];
		char ver[32] = "0", res[32] = "", bver[32] = "", t[32] = "";
		const char *p;

		first_get(sc->state, "bundle", ver, sizeof ver);
		first_get(sc->state, "time", t, sizeof t);
		first_get(sc->bundle, "version", bver, sizeof bver);
		first_get(sc->bundle, "result", res, sizeof res);
		printf("%s: %s, bundle %s", sc->name, sc->online == 1 ? "online" : sc->online == 0 ? "OFFLINE" : "unknown", ver);
		if (res[0])
			printf(" (last received: version %s %s)", bver, res);
		printf("\n");
		for (p = sc->state ? strchr(sc->state, '\n') : NULL; p && p[1]; p = strchr(p + 1, '\n')) {
			char line[2048], name[72], st[32], item[72], rule[140];
			size_t n = strcspn(p + 1, "\n");

			if (n >= sizeof line || n < 6 || strncmp(p + 1, "board ", 6) != 0)
				continue;
			memcpy(line, p + 1 + 6, n - 6);
			line[n - 6] = '\0';
			if (kv_get(line, "name", name, sizeof name) < 0)
				continue;
			if (kv_get(line, "state", st, sizeof st) < 0) snprintf(st, sizeof st, "?");
			if (kv_get(line, "item", item, sizeof item) < 0) item[0] = '\0';
			if (kv_get(line, "rule", rule, sizeof rule) < 0) rule[0] = '\0';
			printf("  %-20s %-10s %s%s%s%s\n", name, st, item, rule[0] ? " (" : "", rule, rule[0] ? ")" : "");
		}
	}
	return 0;
}

static int
report_done(struct bsess *s)
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
district_report(const struct cmd_args *a, struct bsess *s, struct bureau *b)
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
	if (sess_collect(s, 0.3) < 0)
		return 1;
	snprintf(req, sizeof req, DMSG_VERSION " report request=%s from=%.0f to=%.0f", s->want_report, from, to);
	snprintf(topic, sizeof topic, DMSG_ROOT "/%s/bureau/all/report", b->district);
	if (sess_publish(s, topic, req, strlen(req), 0) < 0)
		return 1;
	sess_run(s, wait, report_done);
	if ((r = report_new(from, to, NULL)) == NULL)
		return 1;
	for (size_t i = 0; i < s->nschools; i++) {
		const struct school *sc = &s->schools[i];
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
	struct bsess s;
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
	if (bureau_load(bf, &b) < 0)
		return 1;
	if (sess_open(&s, &b) < 0) {
		sess_close(&s);
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
	sess_close(&s);
	return rc;
}
