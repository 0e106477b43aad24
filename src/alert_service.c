/*
 * alert_service.c — the store, control socket, CAP directory and expiry
 * timer wired onto a libevent loop; per-board alert content.  See
 * alert_service.h.
 *
 * Looks (the ls_content of an alert on a board) are built on demand and
 * cached until the alerts or the config change.  A player may still hold
 * the previous content pointer until it re-chooses, so retired looks are
 * kept for one more generation before they are freed.
 */
#include "alert_service.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "control.h"

struct look_entry {
	char   id[ALERT_ID_MAX + 1];
	const struct ls_board *board;
	long long created;         /* of the alert version the look was made for */
	struct alert_look look;
};

struct looks {
	struct look_entry *v;
	size_t n, cap;
};

struct alert_service {
	const struct ls_config *cfg;
	struct event_base *base;
	struct alert_service_ops ops;
	void  *arg;
	struct alert_store *store;
	struct control_server *ctl;
	struct event *timer;
	long long next_at;         /* what the timer waits for (Unix seconds) */
	struct looks cur, old;
};

static void svc_log(struct alert_service *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
static void
svc_log(struct alert_service *s, int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (s->ops.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->ops.log(s->arg, level, buf);
}

static double
svc_wall(struct alert_service *s)
{
	struct timespec ts;

	if (s->ops.wall)
		return s->ops.wall(s->arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
looks_free(struct looks *l)
{
	for (size_t i = 0; i < l->n; i++)
		alert_look_clear(&l->v[i].look);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Retire the current looks: free the ones retired last time, keep these one more round. */
static void
looks_retire(struct alert_service *s)
{
	looks_free(&s->old);
	s->old = s->cur;
	memset(&s->cur, 0, sizeof s->cur);
}

static void arm_timer(struct alert_service *);

/* Something changed: drop expired alerts, retire looks, tell the daemon, re-arm. */
static void
svc_changed(struct alert_service *s)
{
	int n = alert_store_expire(s->store, (long long)floor(svc_wall(s)));

	if (n > 0)
		svc_log(s, 0, "alerts: %d expired", n);
	looks_retire(s);
	if (s->ops.changed)
		s->ops.changed(s->arg);
	arm_timer(s);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alert_service *s = arg;

	(void)fd;
	(void)what;
	/* the loop's monotonic timer may wake a hair before the wall clock gets there */
	if ((long long)floor(svc_wall(s)) < s->next_at)
		arm_timer(s);
	else
		svc_changed(s);
}

static void
arm_timer(struct alert_service *s)
{
	double wall = svc_wall(s);
	long long next = alert_store_next_change(s->store, (long long)floor(wall));
	struct timeval tv;
	double dt;

	s->next_at = next;
	if (next == 0) {
		evtimer_del(s->timer);
		return;
	}
	dt = (double)next - wall + 0.001;
	if (dt < 0)
		dt = 0;
	tv.tv_sec = (time_t)dt;
	tv.tv_usec = (suseconds_t)((dt - (double)tv.tv_sec) * 1e6);
	evtimer_add(s->timer, &tv);
}

/* control server callbacks */
static void
ctl_changed(void *arg)
{
	svc_changed(arg);
}

static int
ctl_reload(void *arg, char *err, size_t errlen)
{
	struct alert_service *s = arg;

	if (s->ops.reload == NULL) {
		snprintf(err, errlen, "reload is not supported here");
		return -1;
	}
	return s->ops.reload(s->arg, err, errlen);
}

static void
ctl_log(void *arg, int level, const char *msg)
{
	struct alert_service *s = arg;

	if (s->ops.log)
		s->ops.log(s->arg, level, msg);
}

static long long
ctl_now(void *arg)
{
	return (long long)floor(svc_wall(arg));
}

static const struct control_ops ctl_ops = { ctl_changed, ctl_reload, ctl_log, ctl_now };

struct alert_service *
alert_service_new(const struct ls_config *cfg, struct event_base *base,
    const struct alert_service_ops *ops, void *arg, char *err, size_t errlen)
{
	struct alert_service *s = calloc(1, sizeof *s);
	const char *dir = cfg->state_dir ? cfg->state_dir : "/var/lib/ledsign";
	const char *sock = cfg->control_socket ? cfg->control_socket : "/run/ledsign/control.sock";

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->base = base;
	s->arg = arg;
	if (ops != NULL)
		s->ops = *ops;
	s->store = alert_store_open(dir, (long long)floor(svc_wall(s)), err, errlen);
	if (s->store == NULL)
		goto fail;
	for (size_t i = 0; i < alert_store_nproblems(s->store); i++)
		svc_log(s, 1, "alerts: %s", alert_store_problem(s->store, i));
	if (alert_store_count(s->store) > 0)
		svc_log(s, 0, "alerts: %zu active alert(s) restored from %s", alert_store_count(s->store), dir);
	s->timer = evtimer_new(base, timer_cb, s);
	if (s->timer == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->ctl = control_server_new(sock, cfg, s->store, &ctl_ops, s, err, errlen);
	if (s->ctl == NULL || control_server_attach(s->ctl, base, err, errlen) < 0)
		goto fail;
	arm_timer(s);
	return s;
fail:
	alert_service_free(s);
	return NULL;
}

void
alert_service_free(struct alert_service *s)
{
	if (s == NULL)
		return;
	control_server_free(s->ctl);
	if (s->timer)
		event_free(s->timer);
	alert_store_free(s->store);
	looks_free(&s->cur);
	looks_free(&s->old);
	free(s);
}

int
alert_service_set_config(struct alert_service *s, const struct ls_config *cfg, char *err, size_t errlen)
{
	int r = control_server_set_config(s->ctl, cfg, err, errlen);

	/* the boards the looks point at belong to the old config */
	looks_retire(s);
	s->cfg = cfg;
	if (r < 0) {
		/* keep the old access lists, but the control server must see the new config's CAP settings */
		return -1;
	}
	return 0;
}

const struct ls_content *
alert_service_content(struct alert_service *s, const struct ls_board *b, double wall, int *brightness,
    double *since, const char **id)
{
	const struct alert *a = alert_store_for_board(s->store, b, (long long)floor(wall));
	struct look_entry *e = NULL;

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < s->cur.n; i++) {
		if (s->cur.v[i].board == b && s->cur.v[i].created == a->created && strcmp(s->cur.v[i].id, a->id) == 0) {
			e = &s->cur.v[i];
			break;
		}
	}
	if (e == NULL) {
		if (s->cur.n == s->cur.cap) {
			size_t ncap = s->cur.cap ? s->cur.cap * 2 : 16;
			struct look_entry *nv = realloc(s->cur.v, ncap * sizeof *nv);
			if (nv == NULL)
				return NULL;
			s->cur.v = nv;
			s->cur.cap = ncap;
		}
		e = &s->cur.v[s->cur.n];
		memset(e, 0, sizeof *e);
		if (alert_look_build(a, b, &e->look) < 0)
			return NULL;
		memcpy(e->id, a->id, sizeof e->id);
		e->board = b;
		e->created = a->created;
		s->cur.n++;
	}
	if (brightness)
		*brightness = e->look.brightness;
	if (since)
		*since = (double)(a->start > a->created ? a->start : a->created);
	if (id)
		*id = a->id;
	return &e->look.content;
}

struct alert_store *
alert_service_store(struct alert_service *s)
{
	return s->store;
}
