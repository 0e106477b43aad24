/* daemon.c — the `ledsign play` event loop (see daemon.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/event.h"
#include "daemon/player.h"
#include "render/render.h"
#include "transport/xport.h"
#include "proto/lsp.h"

#include "alert/alert.h"
#include "daemon/capchild.h"
#include "daemon/control.h"
#include "daemon/priv.h"
#include "record/audit.h"
#include "schedule/schedule.h"
#include "record/record.h"
#include "util/log.h"
#include "util/self_exe.h"
#include "util/paths.h"
#include "util/safedir.h"

/* Alert expiry and the store's unrecorded clears are looked at this often. */
#define DAEMON_STATUS_PERIOD 1.0
/* With workers, what their boards emit reaches the log, `watch` and proof
 * of play this often (event.h: a worker's emit does not wake the loop). */
#define DAEMON_BUS_PERIOD_US 10000
/* File descriptors kept free for everything but boards: every control
 * connection the socket allows, plus files opened for a moment (alert
 * writes, CAP files, /dev/urandom, a reload's config and fonts). */
#define DAEMON_FD_RESERVE (CONTROL_CONN_MAX + 32)

static const struct timeval daemon_now_tv = { 0, 0 };

static int  daemon_parser_start(struct daemon *);
static void daemon_fd_refusal(const struct daemon *, const char *, size_t, char *, size_t);
static void daemon_parser_stop(struct daemon *, int *);
static int  daemon_parser_send(struct daemon *, char *, size_t);

struct daemon_worker;

struct dboard {
	struct daemon *d;
	struct daemon_worker *w;   /* the thread it plays on: board i on worker i mod nworkers */
	struct player *p;
	struct event *io, *timer;
	int    fd, events;         /* what io is registered for */
	uint64_t opens;            /* the link's fd generation it was registered at */
	struct alert_look look;    /* how the alert on this board looks, while one is up */
	char   look_id[ALERT_ID_MAX + 1];
	double look_start;
};

/* The alerts as workers see them (docs/daemon.md, Workers): copies of the
 * store's, and of the alert being written, published to every worker on
 * each change; immutable once published. */
struct daemon_snap {
	struct alert *v;
	size_t n;
	struct alert staged;
	int    staged_on;
};

/* One thread of boards: its own event loop and render context (FreeType
 * and the render caches are not thread-safe).  With one worker there is
 * no thread: the boards are on the daemon's loop, as they always were. */
struct daemon_worker {
	struct daemon *d;
	size_t index;
	struct event_base *base;   /* the daemon's own when there is one worker */
	struct render_ctx *render; /* worker 0: d->render; others their own */
	struct event *stop;        /* made active by the main thread: leave the loop */
	pthread_t thread;
	int    running;
	/* Held while one of its boards runs (daemon_board_cb), and by the main
	 * thread to read (status), poke (an alert) or hand it alerts. */
	pthread_mutex_t lock;
	const struct daemon_snap *snap;   /* under lock */
};

/* An alert as last seen, to tell raised, cleared and expired apart. */
struct daemon_seen {
	char   id[ALERT_ID_MAX + 1];
	enum alert_level level;
	long long created, expires;
	char   targets[160];
};

struct daemon {
	struct daemon_opts opts;
	char   config_path[PATH_MAX];
	char  *run_dir;
	char   pid_path[PATH_MAX];
	int    run_fd;             /* the run directory, checked once (safedir.h) */
	size_t board_room;         /* boards the open-file limit leaves room for */
	size_t fd_limit, fd_base;  /* that limit, and the descriptors open before the boards */
	size_t unrecorded;         /* cleared alerts whose files could not be deleted, last seen */
	struct event_base *base;
	struct event *sig_term, *sig_int, *sig_hup, *stop_timer, *status_timer;
	struct event *bus_timer;   /* with workers: their events delivered every DAEMON_BUS_PERIOD */
	struct ls_config *cfg;
	struct render_ctx *render;
	struct sched *sched;
	struct dboard *boards;
	size_t nboards;
	struct daemon_worker *workers;
	size_t nworkers;           /* fixed at start */
	int    threaded;           /* nworkers > 1: boards run on worker threads */
	struct daemon_snap *snap;  /* the alerts the workers were last given */
	struct alert_store *alerts;
	struct control_server *ctl;
	struct event_bus *events;  /* the event stream (event.h) */
	struct event_sub *logsub;  /* ... and the log, its first subscriber */
	struct record *rec;        /* proof of play (record.h), a subscriber too */
	struct event_sub *recsub;
	uint64_t rec_lost;         /* its rows lost, last logged */
	pid_t  link_pid;           /* `ledsign district-link`, while the config has a district */
	double link_started;       /* mono, for the back-off after it died */
	struct alert staged;       /* an alert being written, already on the boards */
	int    staged_on;
	int    staging;            /* in daemon_alert_stage's loop: boards taking the alert up are counted, */
	size_t nstaging;           /* ... here, and logged as one line (issue 20) */
	struct daemon_seen *seen;  /* the alerts at the last look, sorted by id */
	size_t nseen;
	double started;            /* wall */
	unsigned reloads;          /* attempts */
	char   reload_error[512];  /* "" when the last one worked */
	int    exit_status;
	struct capchild *parser;   /* the CAP parser process; NULL while there is none */
	int    parser_attached;    /* its replies come to the loop (capchild_attach) */
	struct {                   /* the CAP document at the parser (control ops.cap_parse_start) */
		int active;
		const char *doc, *name;   /* the control server's, valid while active */
		size_t len;
		long long now;
	} capjob;
	double parser_window;      /* start of the minute parser restarts are counted in (mono) */
	unsigned parser_restarts;
	struct priv_user user;     /* who the daemon becomes when started as root */
	struct audit *audit;       /* STATE_DIR/audit.db (record/audit.h), or NULL */
	int    have_user, detached;
};

/* ---- logging: the log is a subscriber of the event stream ---- */

/* Item starts and link changes are logged from their events, in the words
 * the daemon always used; everything else is logged where it happens, and
 * every event once more at debug level, as the line `watch` would print. */
static int
daemon_log_event(void *arg, const struct ls_event *ev)
{
	char line[1024];

	(void)arg;
	switch (ev->type) {
	case EVENT_ITEM_START:
		log_info("player", ev->board, "now showing %s (%s)", ev->item, ev->rule);
		break;
	case EVENT_LINK:
		if (ev->from[0] == '\0')
			break;   /* a new board: player_new logged its address and first state */
		log_msg(strcmp(ev->to, player_state_name(PLAYER_ONLINE)) == 0 ? LOG_LV_INFO : LOG_LV_WARN, "player",
		    ev->board, "%s (%s)", ev->to, ev->reason);
		break;
	case EVENT_DROPPED:
		log_warn("events", NULL, "the log lost %llu events: the daemon emitted them faster than it could "
		    "write them", (unsigned long long)ev->dropped);
		break;
	default:
		break;
	}
	if (log_verbose() && event_format(ev, line, sizeof line) >= 0)
		log_debug("events", ev->board[0] ? ev->board : NULL, "%s", line);
	return 0;
}

/* Proof of play: every event the recorder wants goes to it; it never
 * holds the loop (rows go to its writer thread). */
static int
daemon_record_event(void *arg, const struct ls_event *ev)
{
	struct daemon *d = arg;

	if (ev->type == EVENT_DROPPED)
		log_warn("record", NULL, "proof of play lost %llu events: the daemon emitted them faster than the "
		    "recorder took them; plays around now may be short", (unsigned long long)ev->dropped);
	record_event(d->rec, ev);
	return 0;
}

#define DAEMON_RECORD_MASK (EVENT_MASK(EVENT_ITEM_START) | EVENT_MASK(EVENT_ITEM_STOP) | \
	EVENT_MASK(EVENT_FRAME_ACK) | EVENT_MASK(EVENT_LINK) | EVENT_MASK(EVENT_ALERT_RAISED) | \
	EVENT_MASK(EVENT_ALERT_CLEARED) | EVENT_MASK(EVENT_ALERT_EXPIRED))

/* ---- time ---- */

double
daemon_wall(const struct daemon *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9 + d->opts.clock_offset;
}

/* ---- choosing what a board shows ---- */

static void
daemon_rule_name(const struct ls_rule *r, char *buf, size_t len)
{
	if (r->name)
		snprintf(buf, len, "%s", r->name);
	else
		snprintf(buf, len, "rule@%d", r->line);
}

static void
daemon_choose_schedule(struct daemon *d, const struct ls_board *b, double wall, struct player_choice *c)
{
	struct sched_result r;

	sched_at(d->sched, b, wall, &r);
	c->brightness = r.slot.brightness;
	if (r.rule)
		daemon_rule_name(r.rule, c->rule, sizeof c->rule);
	else if (r.slot.rule)
		daemon_rule_name(r.slot.rule, c->rule, sizeof c->rule);
	else
		snprintf(c->rule, sizeof c->rule, "%s", r.slot.fallback ? "fallback" : "none");
	switch (r.slot.state) {
	case SCHED_PLAY:
		if (r.layout) {
			/* areas: the player composes them (player.c, the compose step) */
			c->show = PLAYER_SHOW_ITEM;
			c->layout = r.layout;
			c->item_start = r.anchor;
			c->nareas = r.nareas;
			for (size_t i = 0; i < r.nareas; i++) {
				c->areas[i].content = r.areas[i].content;
				c->areas[i].item_start = r.areas[i].item_start;
			}
			snprintf(c->item, sizeof c->item, "layout:%s", r.layout->name);
			return;
		}
		if (r.content) {
			c->show = PLAYER_SHOW_ITEM;
			c->content = r.content;
			c->item_start = r.item_start;
			snprintf(c->item, sizeof c->item, "%s", r.content->name);
			return;
		}
		break;
	case SCHED_POWER_OFF:
		c->show = PLAYER_SHOW_POWER_OFF;
		return;
	case SCHED_BLANK:
	case SCHED_OFF:
		break;
	}
	c->show = PLAYER_SHOW_BLANK;
}

static double
daemon_real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The schedule decides, unless an alert is up for the board: alerts pre-empt.
 * Alerts live in real time (they are raised now), whatever --start-at says. */
static void
daemon_choose(void *ctx, const struct ls_board *b, double wall, struct player_choice *c)
{
	struct daemon *d = ctx;
	size_t i = (size_t)(b - d->cfg->boards);
	struct dboard *db = i < d->nboards ? &d->boards[i] : NULL;
	long long rnow = (long long)daemon_real_now();
	const struct alert *a, *staged;
	int staged_on;

	if (d->threaded) {
		/* a worker: the alerts as last published to it, under its lock */
		const struct daemon_snap *sn = db ? db->w->snap : NULL;

		a = sn ? alert_pick_for_board(sn->v, sn->n, b, rnow) : NULL;
		staged = sn ? &sn->staged : NULL;
		staged_on = sn && sn->staged_on;
	} else {
		a = d->alerts ? alert_store_for_board(d->alerts, b, rnow) : NULL;
		staged = &d->staged;
		staged_on = d->staged_on;
	}
	/* an alert being written shows as if stored: it is the newest, and it
	 * replaces the stored one of its id */
	if (staged_on && alert_live(staged, rnow) && alert_targets(staged, b) &&
	    (a == NULL || staged->level >= a->level || strcmp(a->id, staged->id) == 0))
		a = staged;

	if (db && a) {
		/* same id is not enough: raising an id again replaces its text or level */
		if (strcmp(db->look_id, a->id) != 0 || !alert_look_matches(&db->look, a)) {
			alert_look_clear(&db->look);
			db->look_id[0] = '\0';
			if (alert_look_build(a, b, &db->look) == 0) {
				snprintf(db->look_id, sizeof db->look_id, "%s", a->id);
				/* every board counts effects from the alert's start, so
				 * boards flash and scroll in step (on the campaign clock) */
				db->look_start = (double)(a->start ? a->start : a->created) + d->opts.clock_offset;
				if (db->look_start > wall)
					db->look_start = wall;
				if (!d->threaded && d->staging && a == &d->staged)
					d->nstaging++;
				else
					log_msg(LOG_LV_WARN, "daemon", b->name, "alert %s (%s) pre-empts the schedule", a->id,
					    alert_level_name(a->level));
			}
		}
		if (db->look_id[0]) {
			c->show = PLAYER_SHOW_ITEM;
			c->content = &db->look.content;
			c->item_start = db->look_start;
			c->brightness = db->look.brightness;
			snprintf(c->rule, sizeof c->rule, "alert %s", a->id);
			snprintf(c->item, sizeof c->item, "alert:%s", alert_level_name(a->level));
			return;
		}
	} else if (db && db->look_id[0]) {
		log_msg(LOG_LV_INFO, "daemon", b->name, "alert %s is over: back to the schedule", db->look_id);
		/* the player holds a pointer to the look until it chooses again, just below */
		db->look_id[0] = '\0';
	}
	daemon_choose_schedule(d, b, wall, c);
}

/* ---- boards on the loop ---- */

static void daemon_board_cb(evutil_socket_t, short, void *);

/* Register the board's fd and next deadline with libevent. */
static void
daemon_board_sync(struct dboard *db, double deadline, double mono)
{
	int fd = player_fd(db->p), ev = player_events(db->p);
	uint64_t opens = player_link_stats(db->p)->opens;

	/* a reconnect may reuse the fd number of the socket it closed: compare generations too */
	if (fd != db->fd || ev != db->events || opens != db->opens) {
		short what = EV_PERSIST;

		if (db->io) {
			event_del(db->io);
			event_free(db->io);
			db->io = NULL;
		}
		if (ev & XPORT_EV_READ)
			what |= EV_READ;
		if (ev & XPORT_EV_WRITE)
			what |= EV_WRITE;
		if (fd >= 0 && (what & (EV_READ | EV_WRITE))) {
			db->io = event_new(db->w->base, fd, what, daemon_board_cb, db);
			if (db->io)
				event_add(db->io, NULL);
		}
		db->fd = fd;
		db->events = ev;
		db->opens = opens;
	}
	if (isfinite(deadline)) {
		double dt = deadline - mono;
		struct timeval tv;

		if (dt < 0)
			dt = 0;
		tv.tv_sec = (time_t)dt;
		tv.tv_usec = (suseconds_t)((dt - (double)tv.tv_sec) * 1e6);
		evtimer_add(db->timer, &tv);
	} else {
		evtimer_del(db->timer);
	}
}

static void
daemon_worker_lock(struct daemon_worker *w)
{
	if (w->d->threaded)
		pthread_mutex_lock(&w->lock);
}

static void
daemon_worker_unlock(struct daemon_worker *w)
{
	if (w->d->threaded)
		pthread_mutex_unlock(&w->lock);
}

static void
daemon_board_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dboard *db = arg;
	struct daemon_worker *w = db->w;
	double mono, wall;
	int ready = 0;

	(void)fd;
	daemon_worker_lock(w);
	mono = xport_now();
	wall = daemon_wall(db->d);
	if (what & EV_READ)
		ready |= XPORT_EV_READ;
	if (what & EV_WRITE)
		ready |= XPORT_EV_WRITE;
	if (ready)
		player_io(db->p, ready, mono, wall);
	daemon_board_sync(db, player_tick(db->p, mono, wall), mono);
	daemon_worker_unlock(w);
}

static void
daemon_board_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	daemon_board_cb(fd, 0, arg);
}

static void
daemon_board_clear(struct dboard *db)
{
	alert_look_clear(&db->look);
	if (db->io)
		event_free(db->io);
	if (db->timer)
		event_free(db->timer);
	player_free(db->p);
	memset(db, 0, sizeof *db);
}

static struct player_env
daemon_env(struct daemon *d, const struct daemon_worker *w)
{
	struct player_env env;

	memset(&env, 0, sizeof env);
	env.render = w->render;
	env.sched = d->sched;
	env.choose = daemon_choose;
	env.ctx = d;
	env.events = d->events;
	env.fps = d->opts.fps;
	xport_opts_default(&env.xopts);
	return env;
}

static int
daemon_board_start(struct daemon *d, struct daemon_worker *w, struct dboard *db, struct player *p)
{
	db->d = d;
	db->w = w;
	db->p = p;
	db->fd = -1;
	db->events = 0;
	db->io = NULL;
	db->timer = evtimer_new(w->base, daemon_board_timer_cb, db);
	if (!db->timer)
		return -1;
	evtimer_add(db->timer, &daemon_now_tv);
	return 0;
}

/* ---- workers (docs/daemon.md, Workers) ---- */

static void
daemon_snap_free(struct daemon_snap *sn)
{
	if (sn == NULL)
		return;
	for (size_t i = 0; i < sn->n; i++)
		alert_clear(&sn->v[i]);
	free(sn->v);
	alert_clear(&sn->staged);
	free(sn);
}

/* Give every worker a copy of the alerts as they are now (the store's and
 * the one being written).  Each worker takes it under its lock, so none is
 * reading the old one when it is freed.  Out of memory: the workers keep
 * the last copy (logged). */
static void
daemon_publish(struct daemon *d)
{
	struct daemon_snap *sn, *old;
	size_t n;

	if (!d->threaded || !d->workers)
		return;
	n = d->alerts ? alert_store_count(d->alerts) : 0;
	if ((sn = calloc(1, sizeof *sn)) == NULL || (sn->v = calloc(n ? n : 1, sizeof *sn->v)) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		if (alert_copy(&sn->v[i], alert_store_at(d->alerts, i)) < 0)
			goto oom;
		sn->n = i + 1;
	}
	if (d->staged_on) {
		if (alert_copy(&sn->staged, &d->staged) < 0)
			goto oom;
		sn->staged_on = 1;
	}
	for (size_t k = 0; k < d->nworkers; k++) {
		pthread_mutex_lock(&d->workers[k].lock);
		d->workers[k].snap = sn;
		pthread_mutex_unlock(&d->workers[k].lock);
	}
	old = d->snap;
	d->snap = sn;
	daemon_snap_free(old);
	return;
oom:
	daemon_snap_free(sn);
	log_msg(LOG_LV_ERROR, "daemon", NULL, "out of memory: the boards do not see the latest change of alerts");
}

/* A worker's thread: its loop, until the main thread makes w->stop active. */
static void *
daemon_worker_main(void *arg)
{
	struct daemon_worker *w = arg;

	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	proto_lsp_memo_release();
	return NULL;
}

static void
daemon_worker_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* Start every worker's thread; signals stay with the main thread.  0, or -1 (logged). */
static int
daemon_workers_start(struct daemon *d)
{
	sigset_t all, was;
	int rc = 0;

	if (!d->threaded || !d->workers)
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &was);
	for (size_t k = 0; k < d->nworkers; k++) {
		struct daemon_worker *w = &d->workers[k];
		int e;

		if (w->running)
			continue;
		if ((e = pthread_create(&w->thread, NULL, daemon_worker_main, w)) != 0) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start worker thread %zu: %s", k, strerror(e));
			rc = -1;
			break;
		}
		w->running = 1;
	}
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	return rc;
}

/* Stop every worker's thread and wait for it: its boards are then the
 * main thread's to change (a reload) or free (the end). */
static void
daemon_workers_stop(struct daemon *d)
{
	/* (d->workers is NULL when the daemon did not get as far as making them) */
	for (size_t k = 0; d->threaded && d->workers && k < d->nworkers; k++) {
		struct daemon_worker *w = &d->workers[k];

		if (!w->running)
			continue;
		event_active(w->stop, EV_TIMEOUT, 0);
		pthread_join(w->thread, NULL);
		w->running = 0;
	}
}

/* How many workers: --workers, else LEDSIGN_WORKERS (tests and
 * benchmarks), else the config's `workers`, else automatic: one below
 * DAEMON_WORKERS_FROM boards (the loop is far from full, and a thread
 * would only add memory: a render context each), else one per online CPU. */
#define DAEMON_WORKERS_FROM 64
#define DAEMON_WORKERS_MAX 64
static size_t
daemon_workers_wanted(const struct daemon *d)
{
	const char *env = getenv("LEDSIGN_WORKERS");
	long n = 0, cpus;

	if (d->opts.workers > 0)
		n = d->opts.workers;
	else if (env && *env && (n = strtol(env, NULL, 10)) > 0)
		;
	else if (d->cfg->workers > 0)
		n = d->cfg->workers;
	else if (d->cfg->nboards >= DAEMON_WORKERS_FROM && (cpus = sysconf(_SC_NPROCESSORS_ONLN)) > 1)
		n = cpus;
	if (n < 1)
		n = 1;
	if (n > DAEMON_WORKERS_MAX)
		n = DAEMON_WORKERS_MAX;
	return (size_t)n;
}

/* The workers' loops and locks (render contexts come with the config).  0, or -1 (logged). */
static int
daemon_workers_new(struct daemon *d)
{
	d->workers = calloc(d->nworkers, sizeof *d->workers);
	if (!d->workers) {
		d->nworkers = 0;
		return -1;
	}
	for (size_t k = 0; k < d->nworkers; k++) {
		d->workers[k].d = d;
		d->workers[k].index = k;
		pthread_mutex_init(&d->workers[k].lock, NULL);
	}
	for (size_t k = 0; k < d->nworkers; k++) {
		struct daemon_worker *w = &d->workers[k];

		if (!d->threaded) {
			w->base = d->base;
			continue;
		}
		{
			struct event_config *ec = event_config_new();

			if (ec)
				event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
			w->base = ec ? event_base_new_with_config(ec) : NULL;
			if (ec)
				event_config_free(ec);
		}
		if (!w->base || (w->stop = event_new(w->base, -1, 0, daemon_worker_stop_cb, w->base)) == NULL) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start the event loop of worker %zu", k);
			return -1;
		}
	}
	return 0;
}

/* A render context for each worker but the first (which has the
 * config's, d->render): NULL members of rcs on failure, -1 (logged). */
static int
daemon_workers_render(struct daemon *d, const struct ls_config *cfg, struct render_ctx **rcs)
{
	for (size_t k = 1; k < d->nworkers; k++) {
		struct ls_diag diag = { 0 };

		rcs[k] = render_ctx_new(cfg, &diag);
		ls_diag_clear(&diag);   /* the first context logged them */
		if (!rcs[k]) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot set up rendering for worker %zu", k);
			return -1;
		}
		render_ctx_open_fonts(rcs[k]);
	}
	return 0;
}

static void
daemon_workers_free(struct daemon *d)
{
	for (size_t k = 0; d->workers && k < d->nworkers; k++) {
		struct daemon_worker *w = &d->workers[k];

		if (w->stop)
			event_free(w->stop);
		if (k > 0)
			render_ctx_free(w->render);
		if (w->base && w->base != d->base)
			event_base_free(w->base);
		pthread_mutex_destroy(&w->lock);
	}
	free(d->workers);
	d->workers = NULL;
}

/* alert_store_stage_fn: an alert is valid and about to be written.  Its
 * boards show it now, before the write and its fsyncs (which may take tens
 * of milliseconds on a small box's card); whoever asked is answered after
 * them.  With NULL the write is over: the store has the alert or refused
 * it, and the boards follow the store again. */
static void
daemon_alert_stage(void *arg, const struct alert *a)
{
	struct daemon *d = arg;
	long long now = (long long)daemon_real_now();

	if (d->staged_on) {
		d->staged_on = 0;
		alert_clear(&d->staged);
	}
	if (a == NULL) {
		daemon_rechoose(d);
		return;
	}
	if (alert_copy(&d->staged, a) < 0)
		return;   /* shown after the write, as before */
	d->staged_on = 1;
	if (!alert_live(&d->staged, now))
		return;   /* starts later */
	if (d->threaded) {
		/* the workers render, encode and send while this thread writes */
		daemon_rechoose(d);
		return;
	}
	/* one log line for all the boards, not one each (a write apiece: 0.3 ms
	 * of the 1.8 ms the daemon spent putting an alert on 100 boards) */
	d->staging = 1;
	d->nstaging = 0;
	for (size_t i = 0; i < d->nboards; i++) {
		struct dboard *db = &d->boards[i];

		if (db->p && alert_targets(&d->staged, player_board(db->p))) {
			player_poke(db->p);
			daemon_board_cb(-1, 0, db);   /* render, encode and send now */
		}
	}
	d->staging = 0;
	if (d->nstaging > 0)
		log_msg(LOG_LV_WARN, "daemon", NULL, "alert %s (%s) pre-empts the schedule on %zu board%s", d->staged.id,
		    alert_level_name(d->staged.level), d->nstaging, d->nstaging == 1 ? "" : "s");
}

/* Where in each frame period board i of n sends (player_env.phase), the
 * boards spread over nw workers (board i on worker i mod nw).  Up to
 * DAEMON_GROUP boards each get their own moment.  Beyond that, boards
 * share moments in groups of at least DAEMON_GROUP (at most DAEMON_GROUP
 * moments), so the loop wakes (an epoll_wait and a timerfd_settime) once
 * for a group instead of once for every board-frame, and the acknowledgements
 * of a group come back together and are read in one wake-up too (issue 20:
 * 1.6 of the 4.8 system calls an LSP board-frame cost).  The number of
 * moments is a multiple of nw, so all the boards of one moment are one
 * worker's: two workers never wake for the same moment to compete for the
 * CPUs.  That made 300 and 1,000 boards 23 us a board-frame instead of
 * 26-29 and 31-35 (bench/scale.sh, docs/daemon.md "Phases"). */
#define DAEMON_GROUP 32
static double
daemon_phase(size_t i, size_t n, size_t nw)
{
	size_t k = n / DAEMON_GROUP;

	if (n <= DAEMON_GROUP)
		return (double)i / (double)n;
	if (k > DAEMON_GROUP)
		k = DAEMON_GROUP;
	if (nw > 1)
		k = (k + nw - 1) / nw * nw;
	return (double)(i % k) / (double)k;
}

/* Every board chooses again on its next turn of the loop (not inline: the
 * control socket answers first, and each board then renders in its own
 * callback, so one slow render does not hold up the answer). */
void
daemon_rechoose(struct daemon *d)
{
	daemon_publish(d);
	for (size_t k = 0; d->workers && k < d->nworkers; k++) {
		struct daemon_worker *w = &d->workers[k];

		daemon_worker_lock(w);
		for (size_t i = k; i < d->nboards; i += d->nworkers) {
			if (!d->boards[i].p)
				continue;
			player_poke(d->boards[i].p);
			evtimer_add(d->boards[i].timer, &daemon_now_tv);
		}
		daemon_worker_unlock(w);
	}
}

/* ---- config, reload ---- */

/* Everything a config needs besides the players; NULL members on failure. */
static int
daemon_config_parts(struct daemon *d, struct ls_config *cfg, struct render_ctx **rc, struct sched **sc)
{
	struct ls_diag diag = { 0 };
	char err[256];

	*rc = render_ctx_new(cfg, &diag);
	for (size_t i = 0; i < diag.n; i++) {
		char line[1024];
		ls_diag_format(&diag.v[i], line, sizeof line);
		log_msg(diag.v[i].level == LS_DIAG_ERROR ? LOG_LV_ERROR : LOG_LV_WARN, "daemon", NULL, "%s", line);
	}
	ls_diag_clear(&diag);
	if (!*rc)
		return -1;
	/* font files stay open (one descriptor each): open them before the
	 * boards, so the open-file budget counts them */
	log_msg(LOG_LV_DEBUG, "daemon", NULL, "%zu font files open", render_ctx_open_fonts(*rc));
	*sc = sched_new(cfg, err, sizeof err);
	if (!*sc) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "%s: %s", cfg->path, err);
		render_ctx_free(*rc);
		*rc = NULL;
		return -1;
	}
	return 0;
}

static struct ls_config *
daemon_load(struct daemon *d, char *err, size_t errlen)
{
	struct ls_diag diag = { 0 };
	struct ls_config *cfg = ls_config_load(d->config_path, &diag);

	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < diag.n; i++) {
		char line[1024];

		ls_diag_format(&diag.v[i], line, sizeof line);
		log_msg(diag.v[i].level == LS_DIAG_ERROR ? LOG_LV_ERROR : LOG_LV_WARN, "daemon", NULL, "%s", line);
		if (err && !err[0] && diag.v[i].level == LS_DIAG_ERROR)
			snprintf(err, errlen, "%s", line);
	}
	ls_diag_clear(&diag);
	if (cfg && d->opts.rewrite) {
		char why[512] = "";

		if (d->opts.rewrite(cfg, d->opts.rewrite_arg, why, sizeof why) < 0) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "%s: %s", d->config_path, why);
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", d->config_path, why);
			ls_config_free(cfg);
			return NULL;
		}
	}
	if (!cfg && err && !err[0])
		snprintf(err, errlen, "%s: cannot load", d->config_path);
	return cfg;
}

static int daemon_reload_do(struct daemon *, char *, size_t);

int
daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct ls_event ev;
	int rc = daemon_reload_do(d, err, errlen);

	memset(&ev, 0, sizeof ev);
	ev.type = EVENT_RELOAD;
	ev.ok = rc == 0;
	if (rc != 0)
		snprintf(ev.reason, sizeof ev.reason, "%s", err);
	event_bus_emit(d->events, &ev);
	return rc;
}

static int
daemon_reload_do(struct daemon *d, char *err, size_t errlen)
{
	struct ls_config *cfg;
	struct render_ctx *rc, *wrc[DAEMON_WORKERS_MAX] = { NULL }, *oldwrc[DAEMON_WORKERS_MAX] = { NULL };
	struct sched *sc;
	struct dboard *nb;
	struct player_env env;
	double mono;
	unsigned kept = 0, restarted = 0, added = 0, removed = 0;

	log_msg(LOG_LV_INFO, "daemon", NULL, "reloading %s", d->config_path);
	d->reloads++;
	cfg = daemon_load(d, err, errlen);
	if (!cfg) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "reload failed: keeping the running configuration");
		snprintf(d->reload_error, sizeof d->reload_error, "%s", err);
		return -1;
	}
	if (cfg->nboards > d->board_room) {
		/* every board of a config is played, or the config is not */
		daemon_fd_refusal(d, d->config_path, cfg->nboards, err, errlen);
		log_msg(LOG_LV_ERROR, "daemon", NULL, "reload refused, keeping the running configuration: %s", err);
		snprintf(d->reload_error, sizeof d->reload_error, "%s", err);
		ls_config_free(cfg);
		return -1;
	}
	if (daemon_config_parts(d, cfg, &rc, &sc) < 0) {
		snprintf(err, errlen, "%s: cannot set up rendering or the schedule", d->config_path);
		log_msg(LOG_LV_ERROR, "daemon", NULL, "reload failed: keeping the running configuration");
		snprintf(d->reload_error, sizeof d->reload_error, "%s", err);
		ls_config_free(cfg);
		return -1;
	}
	wrc[0] = rc;
	if (daemon_workers_render(d, cfg, wrc) < 0) {
		snprintf(err, errlen, "%s: cannot set up rendering for every worker", d->config_path);
		snprintf(d->reload_error, sizeof d->reload_error, "%s", err);
		for (size_t k = 0; k < d->nworkers; k++)
			render_ctx_free(wrc[k]);
		sched_free(sc);
		ls_config_free(cfg);
		return -1;
	}
	d->reload_error[0] = '\0';
	nb = calloc(cfg->nboards ? cfg->nboards : 1, sizeof *nb);
	if (!nb) {
		snprintf(err, errlen, "out of memory");
		sched_free(sc);
		for (size_t k = 0; k < d->nworkers; k++)
			render_ctx_free(wrc[k]);
		ls_config_free(cfg);
		return -1;
	}
	/* the boards are the workers': stop them while the boards change
	 * (their new config is loaded and checked above, so this is short) */
	daemon_workers_stop(d);
	mono = xport_now();
	/* swap: from here on the new config is the one */
	{
		struct ls_config *oldcfg = d->cfg;
		struct render_ctx *oldrc = d->render;
		struct dboard *old = d->boards;
		size_t nold = d->nboards;

		d->cfg = cfg;
		d->render = rc;
		for (size_t k = 0; k < d->nworkers; k++) {
			oldwrc[k] = k > 0 ? d->workers[k].render : NULL;
			d->workers[k].render = wrc[k];
		}
		{
			struct sched *olds = d->sched;
			d->sched = sc;
			sched_free(olds);
		}
		for (size_t i = 0; i < cfg->nboards; i++) {
			const struct ls_board *b = &cfg->boards[i];
			struct daemon_worker *w = &d->workers[i % d->nworkers];
			struct player *p = NULL;
			char perr[256];

			env = daemon_env(d, w);
			env.phase = daemon_phase(i, cfg->nboards, d->nworkers);
			for (size_t j = 0; j < nold; j++) {
				if (old[j].p && strcmp(player_board(old[j].p)->name, b->name) == 0) {
					int rcs = player_set_config(old[j].p, b, &env, mono, perr, sizeof perr);

					if (rcs >= 0) {
						p = old[j].p;
						/* the events stay registered: move them over */
						nb[i] = old[j];
						nb[i].d = d;
						nb[i].w = w;   /* perhaps another worker than before */
						memset(&old[j], 0, sizeof old[j]);
						if (rcs == 1) {
							kept++;
						} else {
							restarted++;
							nb[i].fd = -2;   /* a new link: register its fd afresh */
						}
					} else {
						log_msg(LOG_LV_ERROR, "daemon", b->name, "%s", perr);
						daemon_board_clear(&old[j]);
					}
					break;
				}
			}
			if (!p) {
				p = player_new(b, &env, mono, perr, sizeof perr);
				if (!p) {
					log_msg(LOG_LV_ERROR, "daemon", b->name, "%s; board not played", perr);
					continue;
				}
				if (daemon_board_start(d, w, &nb[i], p) < 0) {
					player_free(p);
					continue;
				}
				added++;
			}
		}
		for (size_t j = 0; j < nold; j++) {
			if (old[j].p) {
				log_msg(LOG_LV_INFO, "daemon", player_board(old[j].p)->name, "removed from the configuration");
				daemon_board_clear(&old[j]);
				removed++;
			}
		}
		free(old);
		d->boards = nb;
		d->nboards = cfg->nboards;
		/* a board's size or format may have changed: alert looks are rebuilt */
		for (size_t i = 0; i < d->nboards; i++)
			d->boards[i].look_id[0] = '\0';
		if (d->ctl) {
			char cerr[256];

			if (control_server_set_config(d->ctl, cfg, cerr, sizeof cerr) < 0)
				log_msg(LOG_LV_WARN, "daemon", NULL, "control socket keeps its old access lists: %s", cerr);
		}
		render_ctx_free(oldrc);
		for (size_t k = 1; k < d->nworkers; k++)
			render_ctx_free(oldwrc[k]);
		ls_config_free(oldcfg);
		/* the parser maps CAP areas with the config it was started with */
		if (d->parser) {
			daemon_parser_stop(d, NULL);
			daemon_parser_start(d);
			if (d->capjob.active) {
				/* the document out goes to the new parser */
				char perr[512];

				if (daemon_parser_send(d, perr, sizeof perr) < 0) {
					d->capjob.active = 0;
					control_server_cap_parsed(d->ctl, -1, NULL, perr);
				}
			}
		}
	}
	/* the event callbacks hold pointers to the dboard slots, which moved */
	for (size_t i = 0; i < d->nboards; i++) {
		struct dboard *db = &d->boards[i];

		if (!db->p)
			continue;
		if (db->io) {
			short what = event_get_events(db->io);

			event_del(db->io);
			event_assign(db->io, db->w->base, db->fd, what, daemon_board_cb, db);
			event_add(db->io, NULL);
		}
		event_del(db->timer);
		evtimer_assign(db->timer, db->w->base, daemon_board_timer_cb, db);
		evtimer_add(db->timer, &daemon_now_tv);
	}
	if (daemon_workers_start(d) < 0)
		log_msg(LOG_LV_ERROR, "daemon", NULL, "boards of a worker that did not start are not played");
	log_msg(LOG_LV_INFO, "daemon", NULL, "reloaded %s: %zu boards (%u kept playing, %u reconnected, %u added, %u removed)",
	    d->config_path, cfg->nboards, kept, restarted, added, removed);
	{
		/* The number of worker loops is fixed at start (libevent takes its
		 * locks, or not, when the main loop is made): say so when the new
		 * config (its `workers`, or its number of boards) would want other */
		size_t want = daemon_workers_wanted(d);

		if (want != d->nworkers)
			log_msg(LOG_LV_WARN, "daemon", NULL, "this configuration would play on %zu worker%s, the controller "
			    "keeps its %zu until it is started again (docs/daemon.md, Workers)", want, want == 1 ? "" : "s",
			    d->nworkers);
	}
	return 0;
}

/* ---- the pid file, and the once-a-second chores ---- */

static void daemon_alert_events(struct daemon *);

/* ---- the district link: a process of its own (docs/district.md) ---- */

/* The link asks to be started again at once (its district group changed). */
#define DAEMON_LINK_RESTART 3
#define DAEMON_LINK_BACKOFF 5.0

/* Fork and exec `ledsign-full district-link CONFIG`.  It talks to us only over
 * the control socket, so a broker that hangs never holds a board. */
static void
daemon_link_start(struct daemon *d)
{
	pid_t pid;
	char exe[4096];

	if (!d->cfg->district || d->link_pid > 0)
		return;
	/* a rehearsal (opts.rewrite: simulated boards) must not reach the
	 * district: no state published, no bundle written over the real files */
	if (d->opts.rewrite) {
		if (d->link_started == 0)
			log_msg(LOG_LV_INFO, "district", NULL, "rehearsing: the district link is not started");
		d->link_started = xport_now();
		return;
	}
	d->link_started = xport_now();
	/* ledsign-full next to our own binary: the controller usually runs as
	 * ledsign-play, which has no district-link (nor libmosquitto), and
	 * `ledsign` itself is the lean front, which would only exec
	 * ledsign-full in turn (docs/cli.md) */
	if (ls_self_sibling("ledsign-full", exe, sizeof exe) < 0) {
		log_msg(LOG_LV_ERROR, "district", NULL, "cannot start the district link: %s", exe);
		return;
	}
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_LV_ERROR, "district", NULL, "cannot start the district link: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* dies with the controller; every descriptor of ours is close-on-exec */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		signal(SIGPIPE, SIG_DFL);
		execl(exe, "ledsign", "district-link", d->config_path, (char *)NULL);
		_exit(127);
	}
	d->link_pid = pid;
	log_msg(LOG_LV_INFO, "district", NULL, "district link started (pid %d) for school %s", (int)pid,
	    d->cfg->district->school);
}

/* Once a second: a link that ended is started again (at once when it
 * asked, else after DAEMON_LINK_BACKOFF); none while there is no district. */
static void
daemon_link_check(struct daemon *d)
{
	int st;

	if (d->link_pid > 0 && waitpid(d->link_pid, &st, WNOHANG) == d->link_pid) {
		int asked = WIFEXITED(st) && WEXITSTATUS(st) == DAEMON_LINK_RESTART;

		if (!asked)
			log_msg(LOG_LV_WARN, "district", NULL, "the district link (pid %d) %s %d; starting it again",
			    (int)d->link_pid, WIFSIGNALED(st) ? "died of signal" : "exited with status",
			    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		d->link_pid = 0;
		if (asked)
			d->link_started = 0;
	}
	if (d->link_pid == 0 && d->cfg->district && xport_now() - d->link_started >= DAEMON_LINK_BACKOFF)
		daemon_link_start(d);
	if (d->link_pid > 0 && !d->cfg->district) {
		kill(d->link_pid, SIGTERM);
		waitpid(d->link_pid, &st, 0);
		d->link_pid = 0;
		log_msg(LOG_LV_INFO, "district", NULL, "district link stopped: the config has no district any more");
	}
}

static void
daemon_link_stop(struct daemon *d)
{
	int st;

	if (d->link_pid > 0) {
		kill(d->link_pid, SIGTERM);
		waitpid(d->link_pid, &st, 0);
		d->link_pid = 0;
	}
}

static void
daemon_status_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	{
		struct daemon *d = arg;

		if (d->alerts && alert_store_expire(d->alerts, (long long)daemon_real_now()) > 0) {
			log_msg(LOG_LV_INFO, "daemon", NULL, "alert(s) expired");
			daemon_alert_events(d);
			daemon_rechoose(d);
		}
		daemon_link_check(d);
		if (d->rec) {
			uint64_t lost;

			record_tick(d->rec, daemon_real_now());
			if ((lost = record_lost(d->rec)) != d->rec_lost) {
				char why[256];

				record_last_error(d->rec, why, sizeof why);
				log_warn("record", NULL, "proof of play: %llu rows not written to %s/%s%s%s",
				    (unsigned long long)(lost - d->rec_lost), d->cfg->state_dir, RECORD_FILE,
				    why[0] ? ": " : " (the disk is too slow)", why);
				d->rec_lost = lost;
			}
		}
		if (d->alerts && alert_store_unrecorded(d->alerts) != d->unrecorded) {
			size_t now_unrec = alert_store_unrecorded(d->alerts);

			if (now_unrec < d->unrecorded)
				log_msg(now_unrec ? LOG_LV_WARN : LOG_LV_INFO, "daemon", NULL, "%zu cleared alert(s) now recorded "
				    "in %s; %zu still not", d->unrecorded - now_unrec, d->cfg->state_dir, now_unrec);
			d->unrecorded = now_unrec;
		}
	}
}

static void
daemon_bus_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	event_bus_deliver(d->events);
}

/* After a crash the pid in the file may belong to some other program by now. */
static int
daemon_pid_is_ledsign(int pid)
{
	char path[64], cmd[256] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	if (!(f = fopen(path, "r")))
		return 1;   /* cannot tell: assume it is */
	n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[n] = '\0';
	return strstr(cmd, "ledsign") != NULL;
}

static int
daemon_write_pid(struct daemon *d)
{
	FILE *f = fopen(d->pid_path, "r");
	int fd, other = 0;
	char buf[32];

	if (f) {
		if (fscanf(f, "%d", &other) == 1 && other > 0 && other != getpid() && (kill(other, 0) == 0 || errno == EPERM) &&
		    daemon_pid_is_ledsign(other)) {
			fclose(f);
			log_msg(LOG_LV_ERROR, "daemon", NULL, "already running as pid %d (%s); stop it first", other, d->pid_path);
			return -1;
		}
		fclose(f);
	}
	/* a pid file left by a run as root is not ours to truncate, but the
	 * directory is */
	if (unlinkat(d->run_fd, LS_FILE_PID, 0) < 0 && errno != ENOENT) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot replace %s: %s", d->pid_path, strerror(errno));
		return -1;
	}
	fd = openat(d->run_fd, LS_FILE_PID, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot write %s: %s", d->pid_path, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- the CAP parser process and the daemon's user ---- */

/* More restarts than this in a minute and the parser is left stopped until
 * the next CAP document asks for it: a child that dies at once must not
 * make the loop spin. */
#define DAEMON_PARSER_RESTARTS 10

static void daemon_parser_reply(void *, int, struct cap_result *, const char *, int);

static void
daemon_parser_watch(struct daemon *d)
{
	char err[256];

	if (!d->parser || d->parser_attached || !d->base)
		return;
	if (capchild_attach(d->parser, d->base, daemon_parser_reply, d, err, sizeof err) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "%s; CAP documents are refused", err);
		return;
	}
	d->parser_attached = 1;
}

/* Start a parser process (logged).  0, or -1 (logged). */
static int
daemon_parser_start(struct daemon *d)
{
	char err[512];

	d->parser = capchild_new(d->cfg, d->have_user ? &d->user : NULL, err, sizeof err);
	if (!d->parser) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "%s; CAP documents are refused until one starts", err);
		return -1;
	}
	daemon_parser_watch(d);
	log_msg(LOG_LV_INFO, "daemon", NULL, "CAP parser process pid %d", (int)capchild_pid(d->parser));
	return 0;
}

static void
daemon_parser_stop(struct daemon *d, int *status)
{
	d->parser_attached = 0;
	capchild_free(d->parser, status);
	d->parser = NULL;
}

/* A new parser after one was lost, unless too many were lost this minute. */
static void
daemon_parser_restart(struct daemon *d)
{
	double mono = xport_now();

	if (mono - d->parser_window > 60 || d->parser_window == 0) {
		d->parser_window = mono;
		d->parser_restarts = 0;
	}
	if (++d->parser_restarts > DAEMON_PARSER_RESTARTS) {
		if (d->parser_restarts == DAEMON_PARSER_RESTARTS + 1)
			log_msg(LOG_LV_ERROR, "daemon", NULL, "CAP parser lost %d times within a minute; the next CAP document "
			    "starts a new one", DAEMON_PARSER_RESTARTS);
		return;
	}
	daemon_parser_start(d);
}

/* Send the document out (d->capjob) to the parser, starting one if there
 * is none.  0, or -1 + err. */
static int
daemon_parser_send(struct daemon *d, char *err, size_t errlen)
{
	if (!d->parser) {
		d->parser_window = 0;   /* asked for: a fresh allowance of restarts */
		daemon_parser_restart(d);
	}
	if (!d->parser || !d->parser_attached) {
		snprintf(err, errlen, "%s: no CAP parser process could be started (see the log before this); not parsed",
		    d->capjob.name);
		return -1;
	}
	return capchild_send(d->parser, d->capjob.doc, d->capjob.len, d->capjob.name, d->capjob.now, err, errlen);
}

/* capchild_reply_fn: the parser answered, died or hung (then it was
 * killed).  A document out gets its outcome; a lost parser is replaced. */
static void
daemon_parser_reply(void *arg, int rc, struct cap_result *out, const char *err, int sent)
{
	struct daemon *d = arg;
	int active = d->capjob.active;

	if (rc == CAPCHILD_DIED) {
		log_msg(sent ? LOG_LV_ERROR : LOG_LV_WARN, "daemon", NULL, "%s; starting a new CAP parser process", err);
		daemon_parser_stop(d, NULL);
		daemon_parser_restart(d);
		rc = CONTROL_CAP_PARSER_FAILED;
		if (!sent)
			return;
	}
	d->capjob.active = 0;
	if (!active) {            /* cancelled: the control server is gone */
		if (rc == 0)
			cap_result_clear(out);
		return;
	}
	control_server_cap_parsed(d->ctl, rc, out, err);
}

/* control_ops.cap_parse_start: every CAP document the daemon takes is
 * parsed in the parser process, never here, and never waited for. */
static int
daemon_ctl_cap_parse_start(void *arg, const char *doc, size_t len, const char *name, long long now,
    char *err, size_t errlen)
{
	struct daemon *d = arg;

	d->capjob.doc = doc;
	d->capjob.len = len;
	d->capjob.name = name;
	d->capjob.now = now;
	if (daemon_parser_send(d, err, errlen) < 0)
		return -1;
	d->capjob.active = 1;
	return 0;
}

static void
daemon_ctl_cap_parse_cancel(void *arg)
{
	struct daemon *d = arg;

	d->capjob.active = 0;
}

/* The user to run as: --user, else the config's `user`.  Started as root
 * with one, prepare the directories the daemon writes and give them to that
 * user, detach (the parser must be the final process's child), start the
 * parser (which becomes the user without any extra group), and become the
 * user, keeping group dialout for serial boards.  Without root, a user that
 * is not the one running is an error.  0, or -1 (logged). */
static int
daemon_become_user(struct daemon *d)
{
	const char *name = d->opts.user ? d->opts.user : d->cfg->user;
	char err[1024];
	char *sockdir;
	int rc;

	if (!name)
		return 0;
	if (priv_user_lookup(name, 1, &d->user, err, sizeof err) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", err);
		return -1;
	}
	d->have_user = 1;
	if (geteuid() != 0) {
		if (geteuid() == d->user.uid)
			return 0;      /* already that user (systemd's User=) */
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: told to run as user %s (uid %u) but started as uid %u; "
		    "start it as root or as %s", d->user.name, (unsigned)d->user.uid, (unsigned)geteuid(), d->user.name);
		return -1;
	}
	sockdir = daemon_run_dir(d->cfg->control_socket);
	if (!sockdir)
		return -1;
	rc = safedir_give(d->run_dir, 0755, "run directory", d->user.uid, d->user.gid, err, sizeof err);
	if (rc == 0 && strcmp(sockdir, d->run_dir) != 0)
		rc = safedir_give(sockdir, 0755, "control socket directory", d->user.uid, d->user.gid, err, sizeof err);
	if (rc == 0)
		rc = safedir_give(d->cfg->state_dir, 0700, "state_dir", d->user.uid, d->user.gid, err, sizeof err);
	free(sockdir);
	if (rc < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", err);
		return -1;
	}
	if (!d->opts.foreground) {
		if (daemon(0, 0) < 0) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot detach: %s", strerror(errno));
			return -1;
		}
		d->detached = 1;
	}
	if (daemon_parser_start(d) < 0)
		return -1;
	if (priv_drop(&d->user, err, sizeof err) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", err);
		return -1;
	}
	log_msg(LOG_LV_INFO, "daemon", NULL, "running as user %s (uid %u, gid %u, %d groups)", d->user.name,
	    (unsigned)d->user.uid, (unsigned)d->user.gid, d->user.ngroups);
	return 0;
}

/* ---- alerts and the control socket ---- */

static int
daemon_seen_cmp(const void *a, const void *b)
{
	return strcmp(((const struct daemon_seen *)a)->id, ((const struct daemon_seen *)b)->id);
}

static void
daemon_seen_fill(struct daemon_seen *v, const struct alert *a)
{
	size_t n = 0;

	memset(v, 0, sizeof *v);
	snprintf(v->id, sizeof v->id, "%s", a->id);
	v->level = a->level;
	v->created = a->created;
	v->expires = a->expires;
	for (int pass = 0; pass < 2; pass++) {
		const struct ls_strlist *l = pass ? &a->groups : &a->boards;

		for (size_t i = 0; i < l->n && n < sizeof v->targets; i++)
			n += (size_t)snprintf(v->targets + n, sizeof v->targets - n, "%s%s", n ? "," : "", l->v[i]);
	}
}

static void
daemon_alert_emit(struct daemon *d, enum event_type t, const struct daemon_seen *v)
{
	struct ls_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = t;
	snprintf(ev.id, sizeof ev.id, "%s", v->id);
	snprintf(ev.level, sizeof ev.level, "%s", alert_level_name(v->level));
	snprintf(ev.targets, sizeof ev.targets, "%s", v->targets);
	event_bus_emit(d->events, &ev);
}

/* The alert store changed (a request, a CAP file, expiry): emit what was
 * raised (new, or stored again under its id), cleared and expired, by
 * comparing with what was there at the last look.  A first look (at start)
 * emits nothing: those alerts were raised before this daemon. */
static void
daemon_alert_events(struct daemon *d)
{
	size_t n = d->alerts ? alert_store_count(d->alerts) : 0;
	struct daemon_seen *now = calloc(n ? n : 1, sizeof *now);
	long long t = (long long)daemon_real_now();
	int first = d->seen == NULL;

	if (now == NULL)
		return;   /* the next change compares against the older look */
	for (size_t i = 0; i < n; i++)
		daemon_seen_fill(&now[i], alert_store_at(d->alerts, i));
	qsort(now, n, sizeof *now, daemon_seen_cmp);
	if (!first) {
		for (size_t i = 0; i < n; i++) {
			struct daemon_seen *was = bsearch(&now[i], d->seen, d->nseen, sizeof *now, daemon_seen_cmp);

			if (was == NULL || was->created != now[i].created || was->level != now[i].level ||
			    strcmp(was->targets, now[i].targets) != 0 || was->expires != now[i].expires)
				daemon_alert_emit(d, EVENT_ALERT_RAISED, &now[i]);
		}
		for (size_t i = 0; i < d->nseen; i++) {
			if (bsearch(&d->seen[i], now, n, sizeof *now, daemon_seen_cmp) == NULL)
				daemon_alert_emit(d, d->seen[i].expires != 0 && d->seen[i].expires <= t ?
				    EVENT_ALERT_EXPIRED : EVENT_ALERT_CLEARED, &d->seen[i]);
		}
	}
	free(d->seen);
	d->seen = now;
	d->nseen = n;
}

static void
daemon_ctl_changed(void *arg)
{
	struct daemon *d = arg;

	daemon_alert_events(d);
	daemon_rechoose(d);
}

static int
daemon_ctl_reload(void *arg, char *err, size_t errlen)
{
	return daemon_reload(arg, err, errlen);
}

/* The "boards" verb: the state `ledsign status` shows, read live. */
static void
daemon_ctl_boards(void *arg, struct control_daemon_info *info, control_board_fn fn, void *ctx)
{
	struct daemon *d = arg;

	info->wall = daemon_wall(d);
	info->started = d->started;
	info->reloads = d->reloads;
	info->config = d->config_path;
	info->reload_error = d->reload_error;
	for (size_t i = 0; i < d->nboards; i++) {
		struct player_status st;

		if (!d->boards[i].p)
			continue;
		/* a worker's board, read between two of its turns: st.shown
		 * points into the player and stays valid while the lock is held */
		daemon_worker_lock(d->boards[i].w);
		player_status(d->boards[i].p, &st);
		fn(ctx, &st);
		daemon_worker_unlock(d->boards[i].w);
	}
}

/* The "schedule" verb: the scheduler of the config being played. */
static const struct sched *
daemon_ctl_schedule(void *arg, double *wall)
{
	struct daemon *d = arg;

	*wall = daemon_wall(d);
	return d->sched;
}

static const struct control_ops daemon_ctl_ops = {
	.cap_parse_start = daemon_ctl_cap_parse_start,
	.cap_parse_cancel = daemon_ctl_cap_parse_cancel,
	.changed = daemon_ctl_changed,
	.reload = daemon_ctl_reload,
	.boards = daemon_ctl_boards,
	.schedule = daemon_ctl_schedule,
};

/* Alerts survive restarts in state_dir; the control socket lets `ledsign
 * alert/clear/reload` in.  Both come before the boards (which may take
 * every file descriptor there is), and the daemon does not start without
 * them: a signboard that cannot show an alert must be noticed at start, not
 * in an emergency.  0, or -1 (logged). */
static int
daemon_alerts_start(struct daemon *d)
{
	char err[1024];
	char *sockdir = daemon_run_dir(d->cfg->control_socket);
	int fd;

	if (!sockdir)
		return -1;
	/* the socket's directory: made 0755 here (control.c would too), then checked */
	fd = strcmp(sockdir, d->run_dir) == 0 ? -2 :
	    safedir_open(sockdir, 0755, "control socket directory", err, sizeof err);
	free(sockdir);
	if (fd == -1) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", err);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	d->alerts = alert_store_open(d->cfg->state_dir, (long long)daemon_real_now(), err, sizeof err);
	if (!d->alerts) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: alert store: %s", err);
		return -1;
	}
	/* proof of play next to the alerts; a controller that cannot keep it
	 * still plays and alerts (the log says why, the report finds no file) */
	d->rec = record_open(d->cfg->state_dir, d->opts.clock_offset, err, sizeof err);
	if (!d->rec)
		log_msg(LOG_LV_ERROR, "record", NULL, "no proof of play: %s", err);
	else if ((d->recsub = event_bus_subscribe(d->events, DAEMON_RECORD_MASK, daemon_record_event, d)) == NULL) {
		log_msg(LOG_LV_ERROR, "record", NULL, "no proof of play: out of memory");
		record_close(d->rec, daemon_real_now());
		d->rec = NULL;
	}
	alert_store_on_stage(d->alerts, daemon_alert_stage, d);
	for (size_t i = 0; i < alert_store_nproblems(d->alerts); i++)
		log_msg(LOG_LV_WARN, "daemon", NULL, "alert store: %s", alert_store_problem(d->alerts, i));
	if (alert_store_count(d->alerts) > 0)
		log_msg(LOG_LV_WARN, "daemon", NULL, "%zu alert(s) still active from before the restart",
		    alert_store_count(d->alerts));
	d->ctl = control_server_new(d->cfg->control_socket, d->cfg, d->alerts, &daemon_ctl_ops, d, err,
	    sizeof err);
	if (!d->ctl || control_server_attach(d->ctl, d->base, err, sizeof err) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: control socket %s: %s", d->cfg->control_socket, err);
		control_server_free(d->ctl);
		d->ctl = NULL;
		return -1;
	}
	control_server_set_events(d->ctl, d->events);
	{
		/* the audit log sits next to the alerts; without it the boards still play */
		char path[4096];

		snprintf(path, sizeof path, "%s/audit.db", d->cfg->state_dir);
		if ((d->audit = audit_open(path, err, sizeof err)) == NULL)
			log_msg(LOG_LV_ERROR, "daemon", NULL, "audit log: %s; alerts and changes are not recorded", err);
		control_server_set_audit(d->ctl, d->audit);
	}
	daemon_alert_events(d);
	log_msg(LOG_LV_INFO, "daemon", NULL, "control socket %s", d->cfg->control_socket);
	return 0;
}

/* ---- file descriptors ---- */

/* Soft RLIMIT_NOFILE up to the hard limit: a school's thousand boards need
 * a thousand sockets, and 1024 is the usual default.  Returns the limit. */
static rlim_t
daemon_raise_nofile(rlim_t *was)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return *was = 1024;
	*was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = *was;
	}
	return rl.rlim_cur;
}

/* Why N boards of PATH do not fit under the open-file limit, and what to do. */
static void
daemon_fd_refusal(const struct daemon *d, const char *path, size_t n, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %zu boards need an open-file limit of at least %zu (one descriptor a board, %zu in "
	    "use, %d kept for the control socket and files), and the hard limit is %zu: raise it (LimitNOFILE= in "
	    "ledsign.service, or ulimit -n as root) or play fewer boards", path, n, n + d->fd_base + DAEMON_FD_RESERVE,
	    d->fd_base, DAEMON_FD_RESERVE, d->fd_limit);
}

/* File descriptors open now (/proc/self/fd; without /proc, a guess). */
static size_t
daemon_fds_open(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	size_t n = 0;

	if (!dir)
		return 32;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n > 0 ? n - 1 : 0;   /* less the one reading the directory */
}

/* How many boards (one descriptor each) fit under the limit, after what is
 * open now and DAEMON_FD_RESERVE; logged with the limit.  0, or -1 (logged)
 * when the config's boards do not fit: the daemon then refuses to start
 * rather than leave boards dark (a board that cannot be played must be
 * noticed at start, not in an emergency). */
static int
daemon_fd_budget(struct daemon *d, rlim_t limit, rlim_t was)
{
	size_t open_now = daemon_fds_open(), n = d->cfg->nboards;
	size_t lim = limit == RLIM_INFINITY || limit > (rlim_t)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)limit;
	char raised[64] = "";

	d->board_room = lim > open_now + DAEMON_FD_RESERVE ? lim - open_now - DAEMON_FD_RESERVE : 0;
	d->fd_limit = lim;
	d->fd_base = open_now;
	if (was != limit)
		snprintf(raised, sizeof raised, ", raised from %llu", (unsigned long long)was);
	log_msg(n > d->board_room ? LOG_LV_ERROR : LOG_LV_INFO, "daemon", NULL,
	    "open-file limit %zu%s: room for %zu boards (%zu in the config; %zu descriptors in use, %d kept for "
	    "the control socket and files)", lim, raised, d->board_room, n, open_now, DAEMON_FD_RESERVE);
	if (n > d->board_room) {
		char why[PATH_MAX + 512];

		daemon_fd_refusal(d, d->config_path, n, why, sizeof why);
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", why);
		return -1;
	}
	return 0;
}

/* ---- signals and stopping ---- */

static void
daemon_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	if (sig >= 0 && (what & EV_SIGNAL))
		log_msg(LOG_LV_INFO, "daemon", NULL, "%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	else
		log_msg(LOG_LV_INFO, "daemon", NULL, "run time is over: stopping");
	event_base_loopbreak(d->base);
}

static void
daemon_hup_cb(evutil_socket_t sig, short what, void *arg)
{
	char err[512];

	(void)sig;
	(void)what;
	daemon_reload(arg, err, sizeof err);
}

struct event_base *daemon_base(struct daemon *d) { return d->base; }
size_t daemon_nboards(const struct daemon *d) { return d->nboards; }

void
daemon_board_status(const struct daemon *d, size_t i, struct player_status *s)
{
	memset(s, 0, sizeof *s);
	if (i < d->nboards && d->boards[i].p) {
		daemon_worker_lock(d->boards[i].w);
		player_status(d->boards[i].p, s);
		daemon_worker_unlock(d->boards[i].w);
	}
}

static int
daemon_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
daemon_report_pacing(struct daemon *d)
{
	double *all = NULL, *one;
	size_t n = 0, cap = 0;

	one = malloc(4096 * sizeof *one);
	if (!one)
		return;
	for (size_t i = 0; i < d->nboards; i++) {
		size_t k;
		struct player_status s;

		if (!d->boards[i].p)
			continue;
		player_status(d->boards[i].p, &s);
		log_msg(LOG_LV_INFO, "daemon", s.board, "%s: %llu frames sent, %llu skipped, %llu late, %llu errors, %llu acks",
		    player_state_name(s.state), (unsigned long long)s.frames_sent,
		    (unsigned long long)s.frames_skipped, (unsigned long long)s.frames_late,
		    (unsigned long long)s.errors, (unsigned long long)s.acks);
		k = player_jitter(d->boards[i].p, one, 4096);
		if (k == 0)
			continue;   /* `all` may still be NULL: no pointer arithmetic on it */
		if (n + k > cap) {
			double *na = realloc(all, (n + k + 4096) * sizeof *all);
			if (!na)
				break;
			all = na;
			cap = n + k + 4096;
		}
		memcpy(all + n, one, k * sizeof *one);
		n += k;
	}
	if (n > 0) {
		qsort(all, n, sizeof *all, daemon_cmp_double);
		log_msg(LOG_LV_INFO, "daemon", NULL, "pacing: %zu animated frames, send delay p50 %.3f ms, p99 %.3f ms, max %.3f ms",
		    n, all[n / 2] * 1e3, all[(size_t)(n * 0.99)] * 1e3, all[n - 1] * 1e3);
	}
	free(all);
	free(one);
}

static void
daemon_free(struct daemon *d)
{
	daemon_workers_stop(d);
	daemon_link_stop(d);
	control_server_free(d->ctl);
	audit_close(d->audit);
	d->audit = NULL;
	d->ctl = NULL;
	daemon_parser_stop(d, NULL);
	for (size_t i = 0; i < d->nboards; i++)
		daemon_board_clear(&d->boards[i]);
	free(d->boards);
	daemon_workers_free(d);
	daemon_snap_free(d->snap);
	/* the last events (the boards' item_stop) still reach the log */
	if (d->events)
		event_bus_deliver(d->events);
	event_bus_free(d->events);
	record_close(d->rec, daemon_real_now());
	free(d->seen);
	alert_clear(&d->staged);
	if (d->sig_term) event_free(d->sig_term);
	if (d->sig_int) event_free(d->sig_int);
	if (d->sig_hup) event_free(d->sig_hup);
	if (d->stop_timer) event_free(d->stop_timer);
	if (d->status_timer) event_free(d->status_timer);
	if (d->bus_timer) event_free(d->bus_timer);
	sched_free(d->sched);
	render_ctx_free(d->render);
	alert_store_free(d->alerts);
	ls_config_free(d->cfg);
	if (d->base)
		event_base_free(d->base);
	if (d->run_fd >= 0)
		close(d->run_fd);
	free(d->run_dir);
}

int
daemon_run(const struct daemon_opts *opts)
{
	struct daemon dd, *d = &dd;
	struct event_config *ec;
	double mono = xport_now();
	struct sched *sc = NULL;
	struct player_env env;

	rlim_t nofile, nofile_was;

	memset(d, 0, sizeof *d);
	d->opts = *opts;
	d->exit_status = 1;
	d->run_fd = -1;
	nofile = daemon_raise_nofile(&nofile_was);
	if (!realpath(opts->config_path, d->config_path)) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "%s: %s", opts->config_path, strerror(errno));
		return 1;
	}
	if (opts->use_syslog || !opts->foreground) {
		d->opts.use_syslog = 1;
		log_open(1);
	}
	if (opts->verbose)
		log_set_verbose(1);
	d->events = event_bus_new(0);
	if (d->events == NULL || (d->logsub = event_bus_subscribe(d->events,
	    log_verbose() ? EVENT_MASK_DEFAULT : EVENT_MASK(EVENT_ITEM_START) | EVENT_MASK(EVENT_LINK),
	    daemon_log_event, d)) == NULL) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: out of memory");
		goto out;
	}
	d->cfg = daemon_load(d, NULL, 0);
	if (!d->cfg)
		goto out;
	/* threads or not is decided once: libevent's locks must be on before
	 * the first event loop is made */
	d->nworkers = daemon_workers_wanted(d);
	d->threaded = d->nworkers > 1;
	if (d->threaded && evthread_use_pthreads() < 0) {
		log_msg(LOG_LV_WARN, "daemon", NULL, "libevent has no thread support: one worker");
		d->nworkers = 1;
		d->threaded = 0;
	}
	/* one malloc arena for all threads: with one per worker, the buffers
	 * a worker grows for its boards left holes in the others' (1,000 LSP
	 * boards on 2 workers: 156 MiB peak, 122 MiB with one arena, the same
	 * as without workers; docs/daemon.md, Workers) */
	if (d->threaded)
		mallopt(M_ARENA_MAX, 1);
	d->run_dir = opts->run_dir ? strdup(opts->run_dir) : daemon_run_dir(d->cfg->control_socket);
	if (!d->run_dir)
		goto out;
	if (daemon_become_user(d) < 0)
		goto out;
	{
		char err[1024];

		d->run_fd = safedir_open(d->run_dir, 0755, "run directory", err, sizeof err);
		if (d->run_fd < 0) {
			log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start: %s", err);
			goto out;
		}
	}
	snprintf(d->pid_path, sizeof d->pid_path, "%s/" LS_FILE_PID, d->run_dir);
	if (!opts->foreground && !d->detached && daemon(0, 0) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot detach: %s", strerror(errno));
		goto out;
	}
	if (daemon_write_pid(d) < 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	/* timerfd-backed timers: frame deadlines need better than epoll's milliseconds */
	ec = event_config_new();
	if (ec)
		event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	d->base = ec ? event_base_new_with_config(ec) : NULL;
	if (ec)
		event_config_free(ec);
	if (!d->base || event_bus_attach(d->events, d->base) < 0) {
		log_msg(LOG_LV_ERROR, "daemon", NULL, "cannot start the event loop");
		goto out_pid;
	}
	if (daemon_workers_new(d) < 0)
		goto out_pid;
	/* CAP XML is parsed in a process of its own (capchild.h), started
	 * before the control socket, whose first cap_dir scan needs it */
	if (!d->parser && daemon_parser_start(d) < 0)
		goto out_pid;
	daemon_parser_watch(d);
	/* a parser running as this same user must not be able to ptrace us or
	 * read our memory through /proc */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* the alert path first: boards may take every descriptor there is */
	if (daemon_alerts_start(d) < 0)
		goto out_pid;
	if (daemon_config_parts(d, d->cfg, &d->render, &sc) < 0)
		goto out_pid;
	d->sched = sc;
	d->workers[0].render = d->render;
	{
		struct render_ctx *rcs[DAEMON_WORKERS_MAX] = { NULL };
		int rc = daemon_workers_render(d, d->cfg, rcs);

		for (size_t k = 1; k < d->nworkers; k++)
			d->workers[k].render = rcs[k];
		if (rc < 0)
			goto out_pid;
	}
	d->started = daemon_wall(d);
	if (daemon_fd_budget(d, nofile, nofile_was) < 0)
		goto out_pid;
	d->boards = calloc(d->cfg->nboards ? d->cfg->nboards : 1, sizeof *d->boards);
	if (!d->boards)
		goto out_pid;
	d->nboards = d->cfg->nboards;
	for (size_t i = 0; i < d->cfg->nboards; i++) {
		struct daemon_worker *w = &d->workers[i % d->nworkers];
		char err[256];
		struct player *p;

		env = daemon_env(d, w);
		env.phase = daemon_phase(i, d->cfg->nboards, d->nworkers);
		p = player_new(&d->cfg->boards[i], &env, mono, err, sizeof err);

		if (!p) {
			log_msg(LOG_LV_ERROR, "daemon", d->cfg->boards[i].name, "%s; board not played", err);
			continue;
		}
		if (daemon_board_start(d, w, &d->boards[i], p) < 0) {
			player_free(p);
			goto out_pid;
		}
	}
	daemon_publish(d);
	d->sig_term = evsignal_new(d->base, SIGTERM, daemon_stop_cb, d);
	d->sig_int = evsignal_new(d->base, SIGINT, daemon_stop_cb, d);
	d->sig_hup = evsignal_new(d->base, SIGHUP, daemon_hup_cb, d);
	d->status_timer = event_new(d->base, -1, EV_PERSIST, daemon_status_cb, d);
	if (!d->sig_term || !d->sig_int || !d->sig_hup || !d->status_timer)
		goto out_pid;
	event_add(d->sig_term, NULL);
	event_add(d->sig_int, NULL);
	event_add(d->sig_hup, NULL);
	{
		struct timeval tv = { (time_t)DAEMON_STATUS_PERIOD, 0 };
		event_add(d->status_timer, &tv);
	}
	if (d->threaded) {
		struct timeval tv = { 0, DAEMON_BUS_PERIOD_US };

		if ((d->bus_timer = event_new(d->base, -1, EV_PERSIST, daemon_bus_cb, d)) == NULL)
			goto out_pid;
		event_add(d->bus_timer, &tv);
	}
	{
		double stop = opts->duration > 0 ? opts->duration : 0;

		if (opts->until > 0) {
			double left = opts->until - daemon_wall(d);
			if (left < 0)
				left = 0;
			if (stop == 0 || left < stop)
				stop = left;
		}
		if (stop > 0 || opts->until > 0) {
			struct timeval tv = { (time_t)stop, (suseconds_t)((stop - floor(stop)) * 1e6) };
			d->stop_timer = evtimer_new(d->base, daemon_stop_cb, d);
			if (d->stop_timer)
				evtimer_add(d->stop_timer, &tv);
		}
	}
	{
		char when[64];
		time_t w = (time_t)daemon_wall(d);
		struct tm tm;

		char err[128];

		/* in the config's timezone, whatever TZ the daemon runs with */
		if (render_localtime(d->render, (long long)w, &tm, err, sizeof err) < 0)
			gmtime_r(&w, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		char nw[64] = "";

		if (d->threaded)
			snprintf(nw, sizeof nw, ", %zu workers", d->nworkers);
		log_msg(LOG_LV_INFO, "daemon", NULL, "playing %s on %zu boards (pid %d, campaign clock %s%s%s)", d->config_path,
		    d->nboards, (int)getpid(), when, opts->clock_offset != 0 ? ", shifted by --start-at" : "", nw);
	}
	daemon_link_start(d);
	if (daemon_workers_start(d) < 0)
		goto out_pid;
	event_base_dispatch(d->base);
	daemon_workers_stop(d);
	daemon_report_pacing(d);
	{
		struct render_share_stats rs = { 0 };

		/* since the last reload: the render contexts are the config's */
		for (size_t k = 0; k < d->nworkers; k++) {
			struct render_share_stats one;

			render_share_stats(d->workers[k].render, &one);
			rs.renders += one.renders;
			rs.hits += one.hits;
		}
		log_msg(LOG_LV_INFO, "daemon", NULL, "rendering: %lu frames drawn, %lu copied from a board showing the same",
		    rs.renders, rs.hits);
	}
	{
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			log_msg(LOG_LV_INFO, "daemon", NULL, "stopped; peak memory %.1f MiB, CPU %.2f s", ru.ru_maxrss / 1024.0,
			    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			    ru.ru_stime.tv_usec / 1e6);
	}
	d->exit_status = 0;
out_pid:
	unlinkat(d->run_fd, LS_FILE_PID, 0);
out:
	daemon_free(d);
	log_close();
	return d->exit_status;
}
