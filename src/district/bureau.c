/*
 * bureau.c — the district bureau's MQTT session and its view of the
 * schools (bureau.h).  Moved out of `ledsign district` so that the
 * console's District page collects with the same code.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libconfig.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "district/bureau.h"
#include "district/dmsg.h"
#include "util/kv.h"

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint sess_count;

static void sess_err(struct bureau_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sess_err(struct bureau_sess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
}


/* The bureau's settings file: one group `bureau = { ... };` with the keys
 * of a school's district group except school and bundle_file. */
int
bureau_load(const char *path, struct bureau *b, char *err, size_t errlen)
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
		snprintf(err, errlen, "%s:%d: %s", config_error_file(&lc) ? config_error_file(&lc) : path,
		    config_error_line(&lc), config_error_type(&lc) == CONFIG_ERR_FILE_IO ? strerror(errno) : config_error_text(&lc));
		goto out;
	}
	if ((g = config_lookup(&lc, "bureau")) == NULL || !config_setting_is_group(g)) {
		snprintf(err, errlen, "%s: no group bureau = { host = ...; district = ...; };", path);
		goto out;
	}
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		size_t k;

		for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (strcmp(config_setting_name(e), keys[k]) == 0)
				break;
		if (k == sizeof keys / sizeof keys[0]) {
			snprintf(err, errlen, "%s:%d: unknown setting bureau.%s (host, port, tls, ca_file, cert_file, "
			    "key_file, district, username, password_file, keepalive)", path, config_setting_source_line(e),
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
		snprintf(err, errlen, "%s: bureau needs host and district (1..64 of a-z 0-9 _ -)", path);
		goto out;
	}
	rc = 0;
out:
	config_destroy(&lc);
	return rc;
}


static struct bureau_school *
sess_school(struct bureau_sess *s, const char *name)
{
	struct bureau_school *n;

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


static void
on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	struct bureau_sess *s = obj;
	const char *t = msg->topic, *slash;
	char name[72];
	struct bureau_school *sc;

	(void)m;
	s->last_msg = bureau_mono();
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
		if (sc->report && (bureau_first_get(sc->report, "request", rid, sizeof rid) < 0 || strcmp(rid, s->want_report) != 0)) {
			free(sc->report);
			sc->report = NULL;
		}
	}
}

static void
on_connect(struct mosquitto *m, void *obj, int rc, int flags, const mosquitto_property *props)
{
	struct bureau_sess *s = obj;

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
	struct bureau_sess *s = obj;

	(void)m;
	(void)props;
	if (mid == s->mid_wanted) {
		s->mid_done = 1;
		s->pub_reason = reason;
	}
}

double
bureau_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the client until done(s) or `secs` pass; 0 when done. */
int
bureau_run(struct bureau_sess *s, double secs, int (*done)(struct bureau_sess *))
{
	double end = bureau_mono() + secs;

	while (!done(s)) {
		int rc;

		if (bureau_mono() > end)
			return -1;
		rc = mosquitto_loop(s->m, 50, 1);
		if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
			if (s->refused)
				return -1;
			sess_err(s, "connection to %s:%d lost: %s", s->b->host, s->b->port,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static int done_connected(struct bureau_sess *s) { return s->connected || s->refused; }
static int done_published(struct bureau_sess *s) { return s->mid_done; }

int
bureau_open(struct bureau_sess *s, struct bureau *b)
{
	char id[64], pw[512] = "";
	int rc;

	memset(s, 0, sizeof *s);
	s->b = b;
	snprintf(s->prefix, sizeof s->prefix, DMSG_ROOT "/%s/school/", b->district);
	pthread_mutex_lock(&lib_lock);      /* mosquitto_lib_init counts its users without a lock */
	mosquitto_lib_init();
	pthread_mutex_unlock(&lib_lock);
	s->lib = 1;
	/* a client id the broker sees once: a second session with the same id
	 * would throw this one off (the console runs one per request) */
	snprintf(id, sizeof id, "ledsign-bureau-%d-%u", (int)getpid(), atomic_fetch_add(&sess_count, 1u));
	s->m = mosquitto_new(id, true, s);
	if (!s->m) {
		sess_err(s, "out of memory");
		return -1;
	}
	mosquitto_int_option(s->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	if (b->password_file[0]) {
		FILE *f = fopen(b->password_file, "re");

		if (!f || !fgets(pw, sizeof pw, f)) {
			sess_err(s, "%s: %s; the bureau's password goes on its first line", b->password_file,
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
		sess_err(s, "TLS: %s", mosquitto_strerror(rc));
		return -1;
	}
	mosquitto_connect_v5_callback_set(s->m, on_connect);
	mosquitto_publish_v5_callback_set(s->m, on_publish);
	mosquitto_message_callback_set(s->m, on_message);
	if ((rc = mosquitto_connect(s->m, b->host, b->port, b->keepalive)) != MOSQ_ERR_SUCCESS) {
		sess_err(s, "cannot reach the broker %s:%d: %s", b->host, b->port,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return -1;
	}
	if (bureau_run(s, 10, done_connected) < 0 || s->refused) {
		sess_err(s, "the broker %s:%d refused %s: %s", b->host, b->port, b->username,
		    s->refused ? mosquitto_reason_string(s->refused) : "no answer in 10 s");
		return -1;
	}
	return 0;
}

void
bureau_close(struct bureau_sess *s)
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
	if (s->lib) {
		pthread_mutex_lock(&lib_lock);
		mosquitto_lib_cleanup();
		pthread_mutex_unlock(&lib_lock);
		s->lib = 0;
	}
}

/* Publish and wait for the broker's PUBACK; its reason code says whether
 * the ACL let it through.  0, or -1 (said why). */
int
bureau_publish(struct bureau_sess *s, const char *topic, const void *p, size_t len, int retain)
{
	int rc;

	s->mid_done = 0;
	rc = mosquitto_publish_v5(s->m, &s->mid_wanted, topic, (int)len, p, 1, retain, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		sess_err(s, "cannot publish %s: %s", topic, mosquitto_strerror(rc));
		return -1;
	}
	if (bureau_run(s, 30, done_published) < 0) {
		sess_err(s, "the broker did not confirm %s within 30 s", topic);
		return -1;
	}
	if (s->pub_reason >= 0x80) {
		sess_err(s, "the broker refused %s for %s: %s", topic, s->b->username,
		    mosquitto_reason_string(s->pub_reason));
		return -1;
	}
	return 0;
}

/* Subscribe to the schools' topics and give the retained messages a moment. */
int
bureau_collect(struct bureau_sess *s, double settle)
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
		sess_err(s, "cannot subscribe to %s: %s", t[0], mosquitto_strerror(rc));
		return -1;
	}
	/* retained messages come right after the subscription: at least
	 * `settle` seconds, then until none came for 0.3 s (a district of a
	 * hundred schools holds thousands), at most 15 s */
	s->last_msg = bureau_mono();
	end = bureau_mono() + settle;
	for (;;) {
		double now = bureau_mono();

		if (now >= end && (now - s->last_msg > 0.3 || now >= end + 15))
			break;
		if ((rc = mosquitto_loop(s->m, 50, 1)) != MOSQ_ERR_SUCCESS) {
			sess_err(s, "connection to %s:%d lost: %s", s->b->host, s->b->port,
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* The value of key in the first line of a payload. */
int
bureau_first_get(const char *payload, const char *key, char *val, size_t cap)
{
	const char *sp;
	char line[2048];
	size_t n;

	if (!payload)
		return -1;
	n = strcspn(payload, "");
	if (n >= sizeof line)
		n = sizeof line - 1;
	memcpy(line, payload, n);
	line[n] = '\0';
	if ((sp = strchr(line, ' ')) == NULL || (sp = strchr(sp + 1, ' ')) == NULL)
		return -1;
	return kv_get(sp + 1, key, val, cap);
}

/* ---- the bureau's view ---- */

static int
status_school(const struct bureau_school *sc, struct bureau_school_status *o)
{
	const char *p;

	memset(o, 0, sizeof *o);
	snprintf(o->name, sizeof o->name, "%s", sc->name);
	o->online = sc->online;
	snprintf(o->bundle, sizeof o->bundle, "0");
	bureau_first_get(sc->state, "bundle", o->bundle, sizeof o->bundle);
	bureau_first_get(sc->state, "time", o->time, sizeof o->time);
	bureau_first_get(sc->bundle, "version", o->last_version, sizeof o->last_version);
	bureau_first_get(sc->bundle, "result", o->last_result, sizeof o->last_result);
	for (p = sc->state ? strchr(sc->state, '\n') : NULL; p && p[1]; p = strchr(p + 1, '\n')) {
		char line[2048];
		struct bureau_board *bd, *nb;
		size_t n = strcspn(p + 1, "\n");

		if (n >= sizeof line || n < 6 || strncmp(p + 1, "board ", 6) != 0)
			continue;
		memcpy(line, p + 1 + 6, n - 6);
		line[n - 6] = '\0';
		if ((nb = realloc(o->boards, (o->nboards + 1) * sizeof *nb)) == NULL)
			return -1;
		o->boards = nb;
		bd = &o->boards[o->nboards];
		memset(bd, 0, sizeof *bd);
		if (kv_get(line, "name", bd->name, sizeof bd->name) < 0)
			continue;
		if (kv_get(line, "state", bd->state, sizeof bd->state) < 0)
			snprintf(bd->state, sizeof bd->state, "?");
		if (kv_get(line, "item", bd->item, sizeof bd->item) < 0)
			bd->item[0] = '\0';
		if (kv_get(line, "rule", bd->rule, sizeof bd->rule) < 0)
			bd->rule[0] = '\0';
		if (kv_get(line, "last_ack", bd->last_ack, sizeof bd->last_ack) < 0)
			bd->last_ack[0] = '\0';
		o->nboards++;
	}
	return 0;
}

int
bureau_status(struct bureau_sess *s, struct bureau_status *out)
{
	memset(out, 0, sizeof *out);
	if (bureau_collect(s, 1.0) < 0)
		return -1;
	if (s->nschools && (out->schools = calloc(s->nschools, sizeof *out->schools)) == NULL) {
		sess_err(s, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->nschools; i++) {
		out->nschools++;
		if (status_school(&s->schools[i], &out->schools[i]) < 0) {
			sess_err(s, "out of memory");
			return -1;
		}
	}
	return 0;
}

int
bureau_status_fetch(const char *bureau_file, struct bureau_status *out, char *err, size_t errlen)
{
	struct bureau b;
	struct bureau_sess s;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	if (bureau_load(bureau_file, &b, err, errlen) < 0)
		return -1;
	if (bureau_open(&s, &b) == 0 && bureau_status(&s, out) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "%s", s.err);
	bureau_close(&s);
	return rc;
}

void
bureau_status_free(struct bureau_status *st)
{
	for (size_t i = 0; i < st->nschools; i++)
		free(st->schools[i].boards);
	free(st->schools);
	memset(st, 0, sizeof *st);
}
