/*
 * bureau.h — the district bureau's MQTT session (docs/district.md): its
 * settings file, a connection to the broker as the bureau's account, the
 * schools' retained messages, and publishing with the broker's answer.
 * `ledsign district` (src/cli/cmd_district.c) and the console's District
 * page (src/web/district_page.c) both use it; bureau_status() is the one
 * collection of `district status` and that page.
 *
 * Nothing here prints: errors go into an err buffer or the session's err.
 * A session is used by one thread; sessions in several threads at once
 * are fine (the console runs one per request).
 */
#ifndef LEDSIGN_DISTRICT_BUREAU_H
#define LEDSIGN_DISTRICT_BUREAU_H

#include <stddef.h>

#include "alert/alert.h"

struct mosquitto;

struct bureau {
	char   host[256];
	int    port, tls, keepalive;
	char   ca_file[1024], cert_file[1024], key_file[1024];
	char   district[80], username[128], password_file[1024];
};

/* The bureau's settings file: one group `bureau = { ... };` with the keys
 * of a school's district group except school and bundle_file.  0, or -1
 * with err ("FILE:LINE: what"). */
int bureau_load(const char *path, struct bureau *b, char *err, size_t errlen);

/* What the schools said, as retained messages (and report answers). */
struct bureau_school {
	char   name[72];
	int    online;          /* -1 unknown, 0, 1 */
	char  *state, *bundle, *coverage, *report;
};

struct bureau_sess {
	struct bureau *b;
	struct mosquitto *m;
	int    connected, refused;
	int    mid_wanted, mid_done, pub_reason;
	char   want_alert[ALERT_ID_MAX + 1];
	char   want_report[64];
	struct bureau_school *schools;
	size_t nschools;
	char   prefix[200];     /* ledsign/v1/D/school/ */
	double last_msg;        /* when the last message came (monotonic) */
	int    lib;             /* mosquitto_lib_init() done */
	char   err[512];        /* what went wrong last (no "ledsign district: " prefix) */
};

/* Connect to b's broker (MQTT 5, TLS unless b->tls is off) and wait up to
 * 10 s for its CONNACK.  0, or -1 with s->err; bureau_close() either way. */
int  bureau_open(struct bureau_sess *s, struct bureau *b);
void bureau_close(struct bureau_sess *s);
/* Run the client until done(s) or secs pass: 0 when done, -1 otherwise
 * (s->err set when the connection was lost). */
int  bureau_run(struct bureau_sess *s, double secs, int (*done)(struct bureau_sess *));
/* Publish at QoS 1 and wait for the broker's PUBACK; its reason code says
 * whether the ACL let it through.  0, or -1 with s->err. */
int  bureau_publish(struct bureau_sess *s, const char *topic, const void *p, size_t len, int retain);
/* Subscribe to the schools' online, state, bundle (and the wanted alert's
 * coverage, report) topics and take the retained messages: at least
 * `settle` seconds, then until none came for 0.3 s, at most 15 s more.
 * 0, or -1 with s->err. */
int  bureau_collect(struct bureau_sess *s, double settle);
/* The value of key in the first line of a payload (after "v1 KIND"); -1 when absent. */
int  bureau_first_get(const char *payload, const char *key, char *val, size_t cap);
double bureau_mono(void);

/* ---- the bureau's view: what `ledsign district status` and the console's District page show ---- */
struct bureau_board {
	char name[72], state[32], item[72], rule[140];
	char last_ack[32];              /* Unix seconds of its last acknowledged frame, "" or "0" when none */
};
struct bureau_school_status {
	char   name[72];
	int    online;                  /* -1 unknown, 0, 1 */
	char   bundle[32];              /* the bundle version it runs ("0": none) */
	char   last_version[32], last_result[32];   /* its last bundle answer, "" when none */
	char   time[32];                /* Unix seconds of its last state message, "" when none */
	struct bureau_board *boards;
	size_t nboards;
};
struct bureau_status {
	struct bureau_school_status *schools;
	size_t nschools;
};
/* Collect every school's retained messages (bureau_collect, 1 s) and parse
 * them.  0, or -1 with s->err.  bureau_status_free() either way. */
int  bureau_status(struct bureau_sess *s, struct bureau_status *out);
/* The whole of it from a settings file: load, connect, collect, disconnect.
 * 0, or -1 with err. */
int  bureau_status_fetch(const char *bureau_file, struct bureau_status *out, char *err, size_t errlen);
void bureau_status_free(struct bureau_status *);

#endif
