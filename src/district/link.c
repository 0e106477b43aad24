/* link.c — one school's link to the district's MQTT broker (see link.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <libconfig.h>
#include <mosquitto.h>

#include "config/config.h"
#include "daemon/control.h"
#include "district/dmsg.h"
#include "district/link.h"
#include "record/record.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/kv.h"
#include "util/log.h"


/* snprintf for messages and paths here: every buffer is PATH_MAX or sized
 * for its message, and a message cut short is still a message. */
static void lfmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
lfmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

#define LINK_QUEUE_BYTES (64u * 1024 * 1024)  /* messages from the broker not yet handled */
#define LINK_STATE_PERIOD 30                   /* seconds: the state again, retained */
#define LINK_PUBLISH_DELAY_MS 100              /* changes within this go out as one message */
#define LINK_REQUEST_MS 10000
#define LINK_POSTERS "district-posters"
#define LINK_VERSION_FILE "district-bundle"
#define LINK_WHO "district"

struct lboard {
	char   name[64], state[16], item[64], rule[128];
	double last_ack;
	char   alert[ALERT_ID_MAX + 1];  /* the local alert id it shows ("" none) */
	double alert_ack;                /* when it acknowledged that alert's first frame */
};

enum { LA_SHOWING, LA_CLEARED, LA_EXPIRED, LA_REJECTED, LA_PENDING };
static const char *const la_names[] = { "showing", "cleared", "expired", "rejected", "pending" };

struct lalert {
	char   id[ALERT_ID_MAX + 1];     /* the district's id */
	char   local[ALERT_ID_MAX + 1];  /* "d:" + id, as the controller stores it */
	int    state, dirty;
	char   reason[256];
	struct alert a;                  /* targets, for coverage */
};

struct qmsg {
	char  *topic;
	uint8_t *payload;
	size_t len;
	struct qmsg *next;
};

struct dlink {
	struct event_base *base;
	struct ls_config *cfg;
	const struct ls_district *dc;
	char   cfgpath[PATH_MAX], cfgdir[PATH_MAX], cfgbase[256];
	char   t_all[256], t_mine[256], t_school[256];
	struct mosquitto *mosq;
	int    loop_started;
	/* shared with the mosquitto thread, under mu */
	pthread_mutex_t mu;
	struct qmsg *qhead, *qtail;
	size_t qbytes;
	unsigned long qdropped;
	int    connected, conn_changed;
	int    pipefd[2];
	struct event *pipe_ev, *connect_timer, *nag_timer, *watch_timer, *pub_timer, *period_timer, *sig_term, *sig_int;
	struct bufferevent *watch;
	int    watch_answered;
	struct lboard *boards;
	size_t nboards;
	struct lalert *alerts;
	size_t nalerts;
	int    state_dirty, pub_armed;
	long long bundle_version;       /* the last one applied */
	int    bundle_busy;             /* a reload for a bundle is out */
	struct {
		long long version;
		char   reason[1024];
		char   backup[PATH_MAX];    /* the bundle file before, to put back if the reload fails */
		int    had_backup;
	} pending;
	int    restart;                 /* exit asking the controller to start a new link */
	uint8_t *next_bundle;           /* one that came while another was applied */
	size_t next_len;
};

static double
link_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- publishing ---- */

static void
link_publish(struct dlink *l, const char *sub, const void *buf, size_t len, int qos, int retain)
{
	char topic[512];
	int rc;

	lfmt(topic, sizeof topic, "%s%s", l->t_school, sub);
	rc = mosquitto_publish(l->mosq, NULL, topic, (int)len, buf, qos, retain);
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
		log_warn(LINK_WHO, NULL, "cannot publish %s: %s", topic, mosquitto_strerror(rc));
	/* not connected: QoS 0 is lost, QoS 1 waits in libmosquitto's queue; the
	 * state is published again on connect anyway */
}

/* The growing text of one payload. */
struct pbuf {
	char  *p;
	size_t len, cap;
	int    oom;
};

static void
pb_add(struct pbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 1024;
		char *np;

		while (nc < b->len + n + 1)
			nc *= 2;
		if ((np = realloc(b->p, nc)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* " k=v" pairs appended as one record, then a newline. */
static void
pb_rec(struct pbuf *b, const char *word, ...)
{
	char line[2048];
	size_t len;
	va_list ap;
	const char *k, *v;

	dmsg_copy(line, sizeof line, word);
	len = strlen(line);
	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (len > 0 && len + 1 < sizeof line) {
			line[len++] = ' ';
			line[len] = '\0';
		}
		/* kv_put puts no space before the first pair, which is what we want after the space above */
		{
			size_t l0 = 0;
			char tmp[1024];

			if (kv_put(tmp, sizeof tmp, &l0, k, v ? v : "") == 0 && len + l0 + 1 < sizeof line) {
				memcpy(line + len, tmp, l0 + 1);
				len += l0;
			}
		}
	}
	va_end(ap);
	pb_add(b, line);
	pb_add(b, "\n");
}

static void
link_publish_state(struct dlink *l)
{
	struct pbuf b = { 0 };
	char t[32], ver[32], n[16];

	lfmt(t, sizeof t, "%.0f", link_now());
	lfmt(ver, sizeof ver, "%lld", l->bundle_version);
	lfmt(n, sizeof n, "%zu", l->nboards);
	pb_rec(&b, DMSG_VERSION " state", "school", l->dc->school, "time", t, "bundle", ver, "boards", n,
	    "controller", l->watch && l->watch_answered ? "up" : "down", (const char *)NULL);
	for (size_t i = 0; i < l->nboards; i++) {
		const struct lboard *bd = &l->boards[i];
		char la[32];

		lfmt(la, sizeof la, "%.3f", bd->last_ack);
		pb_rec(&b, "board", "name", bd->name, "state", bd->state, "item", bd->item, "rule", bd->rule,
		    "last_ack", la, (const char *)NULL);
	}
	if (!b.oom)
		link_publish(l, "state", b.p, b.len, 1, 1);
	free(b.p);
	l->state_dirty = 0;
}

static struct lboard *
link_board(struct dlink *l, const char *name)
{
	for (size_t i = 0; i < l->nboards; i++)
		if (strcmp(l->boards[i].name, name) == 0)
			return &l->boards[i];
	return NULL;
}

/* Coverage of one district alert: every board it targets here, and when
 * each acknowledged the alert's first frame. */
static void
link_publish_coverage(struct dlink *l, struct lalert *a)
{
	struct pbuf b = { 0 };
	char sub[256], tg[16], ak[16], t[32];
	size_t targeted = 0, acked = 0;

	for (size_t i = 0; i < l->cfg->nboards; i++) {
		const struct ls_board *cb = &l->cfg->boards[i];
		struct lboard *bd;

		if (a->state == LA_REJECTED || !alert_targets(&a->a, cb))
			continue;
		targeted++;
		if ((bd = link_board(l, cb->name)) && strcmp(bd->alert, a->local) == 0 && bd->alert_ack > 0)
			acked++;
	}
	lfmt(tg, sizeof tg, "%zu", targeted);
	lfmt(ak, sizeof ak, "%zu", acked);
	lfmt(t, sizeof t, "%.0f", link_now());
	pb_rec(&b, DMSG_VERSION " coverage", "id", a->id, "school", l->dc->school, "state", la_names[a->state],
	    "targeted", tg, "acked", ak, "time", t, "reason", a->reason, (const char *)NULL);
	for (size_t i = 0; i < l->cfg->nboards && a->state != LA_REJECTED; i++) {
		const struct ls_board *cb = &l->cfg->boards[i];
		struct lboard *bd;
		char at[32] = "0";

		if (!alert_targets(&a->a, cb))
			continue;
		if ((bd = link_board(l, cb->name)) && strcmp(bd->alert, a->local) == 0 && bd->alert_ack > 0)
			lfmt(at, sizeof at, "%.3f", bd->alert_ack);
		pb_rec(&b, "board", "name", cb->name, "acked", at, "state", bd ? bd->state : "unknown",
		    (const char *)NULL);
	}
	lfmt(sub, sizeof sub, "alert/%s", a->id);
	if (!b.oom)
		link_publish(l, sub, b.p, b.len, 1, 1);
	free(b.p);
	a->dirty = 0;
}

static void
link_pub_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dlink *l = arg;

	(void)fd;
	(void)what;
	l->pub_armed = 0;
	if (l->state_dirty)
		link_publish_state(l);
	for (size_t i = 0; i < l->nalerts; i++)
		if (l->alerts[i].dirty)
			link_publish_coverage(l, &l->alerts[i]);
}

static void
link_changed(struct dlink *l)
{
	struct timeval tv = { 0, LINK_PUBLISH_DELAY_MS * 1000 };

	if (!l->pub_armed) {
		l->pub_armed = 1;
		evtimer_add(l->pub_timer, &tv);
	}
}

static void
link_period_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dlink *l = arg;

	(void)fd;
	(void)what;
	l->state_dirty = 1;
	link_changed(l);
}

/* ---- the controller: watch events, requests ---- */

static struct lalert *
link_alert_local(struct dlink *l, const char *local)
{
	for (size_t i = 0; i < l->nalerts; i++)
		if (strcmp(l->alerts[i].local, local) == 0)
			return &l->alerts[i];
	return NULL;
}

static struct lalert *
link_alert(struct dlink *l, const char *id)
{
	for (size_t i = 0; i < l->nalerts; i++)
		if (strcmp(l->alerts[i].id, id) == 0)
			return &l->alerts[i];
	return NULL;
}

static struct lboard *
link_board_add(struct dlink *l, const char *name)
{
	struct lboard *b = link_board(l, name), *nb;

	if (b)
		return b;
	if ((nb = realloc(l->boards, (l->nboards + 1) * sizeof *nb)) == NULL)
		return NULL;
	l->boards = nb;
	b = &l->boards[l->nboards++];
	memset(b, 0, sizeof *b);
	dmsg_copy(b->name, sizeof b->name, name);
	lfmt(b->state, sizeof b->state, "unknown");
	return b;
}

/* The alert id in a rule "alert ID", or "". */
static void
link_rule_alert(const char *rule, char *id, size_t cap)
{
	if (strncmp(rule, "alert ", 6) == 0)
		lfmt(id, cap, "%s", rule + 6);
	else
		id[0] = '\0';
}

/* One event line from `watch`. */
static void
link_event(struct dlink *l, const char *line)
{
	char key[32], val[1024], err[128];
	char type[32] = "", board[64] = "", item[64] = "", rule[128] = "", to[16] = "", id[ALERT_ID_MAX + 1] = "";
	char okv[8] = "";
	double t = 0;
	const char *cur = line;
	struct lboard *b = NULL;
	struct lalert *a;

	/* the watch verb's item lines are "event k=v ..." */
	if (strncmp(cur, "event ", 6) == 0)
		cur += 6;
	line = cur;

	while (kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err) > 0) {
		if (strcmp(key, "type") == 0) dmsg_copy(type, sizeof type, val);
		else if (strcmp(key, "board") == 0) dmsg_copy(board, sizeof board, val);
		else if (strcmp(key, "item") == 0) dmsg_copy(item, sizeof item, val);
		else if (strcmp(key, "rule") == 0) dmsg_copy(rule, sizeof rule, val);
		else if (strcmp(key, "to") == 0) dmsg_copy(to, sizeof to, val);
		else if (strcmp(key, "id") == 0) dmsg_copy(id, sizeof id, val);
		else if (strcmp(key, "ok") == 0) dmsg_copy(okv, sizeof okv, val);
		else if (strcmp(key, "time") == 0) t = strtod(val, NULL);
	}
	if (board[0] && (b = link_board_add(l, board)) == NULL)
		return;
	if (strcmp(type, "frame_ack") == 0) {
		b->last_ack = t;
		if (b->alert[0] && b->alert_ack == 0) {
			b->alert_ack = t;
			if ((a = link_alert_local(l, b->alert)) != NULL) {
				a->dirty = 1;
				link_changed(l);
			}
		}
		return;   /* 30 a second: not forwarded */
	}
	if (strcmp(type, "item_start") == 0) {
		dmsg_copy(b->item, sizeof b->item, item);
		dmsg_copy(b->rule, sizeof b->rule, rule);
		if ((a = link_alert_local(l, b->alert)) != NULL)
			a->dirty = 1;
		link_rule_alert(rule, b->alert, sizeof b->alert);
		b->alert_ack = 0;
		l->state_dirty = 1;
	} else if (strcmp(type, "link") == 0) {
		dmsg_copy(b->state, sizeof b->state, to);
		l->state_dirty = 1;
	} else if ((strcmp(type, "alert_cleared") == 0 || strcmp(type, "alert_expired") == 0) &&
	    (a = link_alert_local(l, id)) != NULL && a->state == LA_SHOWING) {
		a->state = type[6] == 'c' ? LA_CLEARED : LA_EXPIRED;
		a->dirty = 1;
	} else if (strcmp(type, "reload") == 0 && strcmp(okv, "1") == 0) {
		struct ls_diag d = { 0 };
		struct ls_config *nc = ls_config_load(l->cfgpath, &d);

		ls_diag_clear(&d);
		if (nc) {
			const struct ls_district *o = l->dc, *n = nc->district;
#define SAME(f) ((!o->f && !n->f) || (o->f && n->f && strcmp(o->f, n->f) == 0))
			/* the district group itself changed: the controller starts a new link */
			if (!n || !SAME(host) || o->port != n->port || o->tls != n->tls || !SAME(ca_file) || !SAME(cert_file) ||
			    !SAME(key_file) || !SAME(district) || !SAME(school) || !SAME(username) || !SAME(password_file) ||
			    o->keepalive != n->keepalive || strcmp(nc->control_socket, l->cfg->control_socket) != 0) {
				log_info(LINK_WHO, NULL, "the district settings changed: starting over");
				l->restart = 1;
				ls_config_free(nc);
				event_base_loopbreak(l->base);
				return;
			}
#undef SAME
			ls_config_free(l->cfg);
			l->cfg = nc;
			l->dc = nc->district;
		}
	}
	link_changed(l);
	/* everything but acknowledgements goes to the bureau as it is */
	link_publish(l, "events", line, strlen(line), 0, 0);
}

static void watch_start(struct dlink *l);

static void
watch_retry(struct dlink *l)
{
	struct timeval tv = { 1, 0 };

	if (l->watch) {
		bufferevent_free(l->watch);
		l->watch = NULL;
	}
	l->watch_answered = 0;
	l->state_dirty = 1;
	link_changed(l);
	evtimer_add(l->watch_timer, &tv);
}

static void
watch_read_cb(struct bufferevent *bev, void *arg)
{
	struct dlink *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) != NULL) {
		if (!l->watch_answered) {
			l->watch_answered = 1;
			if (strncmp(line, "ok", 2) != 0) {
				log_warn(LINK_WHO, NULL, "the controller refused watch: %s", line);
				free(line);
				watch_retry(l);
				return;
			}
			log_info(LINK_WHO, NULL, "watching the controller on %s", l->cfg->control_socket);
		} else {
			link_event(l, line);
		}
		free(line);
	}
	if (evbuffer_get_length(in) > 64 * 1024) {
		log_warn(LINK_WHO, NULL, "an event line over 64 KiB from the controller: reconnecting");
		watch_retry(l);
	}
}

static void
watch_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct dlink *l = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		log_warn(LINK_WHO, NULL, "lost the controller's event stream; trying again");
		watch_retry(l);
	}
}

/* The boards as the controller has them now (the "boards" verb). */
static void
boards_line_cb(void *arg, const char *line)
{
	struct dlink *l = arg;
	char name[64], v[256];
	struct lboard *b;

	if (strncmp(line, "board ", 6) != 0 || control_line_get(line, "name", name, sizeof name) < 0 ||
	    (b = link_board_add(l, name)) == NULL)
		return;
	if (control_line_get(line, "state", v, sizeof v) == 0)
		dmsg_copy(b->state, sizeof b->state, v);
	if (control_line_get(line, "item", v, sizeof v) == 0)
		dmsg_copy(b->item, sizeof b->item, v);
	if (control_line_get(line, "rule", v, sizeof v) == 0) {
		dmsg_copy(b->rule, sizeof b->rule, v);
		link_rule_alert(v, b->alert, sizeof b->alert);
	}
	if (control_line_get(line, "last_ack", v, sizeof v) == 0)
		b->last_ack = strtod(v, NULL);
	/* a board already on a district alert when the link (re)starts: its
	 * last acknowledgement is of the alert's frames */
	if (b->alert[0] && b->last_ack > 0)
		b->alert_ack = b->last_ack;
}

static void
boards_done_cb(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct dlink *l = arg;

	(void)final;
	(void)eno;
	if (rc != 0)
		log_warn(LINK_WHO, NULL, "boards: %s", err ? err : final ? final : "no answer");
	l->state_dirty = 1;
	for (size_t i = 0; i < l->nalerts; i++)
		l->alerts[i].dirty = 1;
	link_changed(l);
}

static void
watch_start(struct dlink *l)
{
	struct sockaddr_un sa;
	const char *path = l->cfg->control_socket;
	char req[256], err[256];
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		log_error(LINK_WHO, NULL, "control socket path %s is too long", path);
		return;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (fd >= 0)
			close(fd);
		watch_retry(l);
		return;
	}
	l->watch = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!l->watch) {
		close(fd);
		watch_retry(l);
		return;
	}
	bufferevent_setcb(l->watch, watch_read_cb, NULL, watch_event_cb, l);
	bufferevent_enable(l->watch, EV_READ);
	lfmt(req, sizeof req, CONTROL_VERSION " watch types=item_start,frame_ack,link,alert_raised,alert_cleared,"
	    "alert_expired,reload\n");
	bufferevent_write(l->watch, req, strlen(req));
	if (!control_client_request(l->base, path, "boards", LINK_REQUEST_MS, boards_line_cb, boards_done_cb, l, err,
	    sizeof err))
		log_warn(LINK_WHO, NULL, "boards: %s", err);
}

static void
watch_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	watch_start(arg);
}

/* ---- district alerts ---- */

struct alert_req {
	struct dlink *l;
	char   id[ALERT_ID_MAX + 1];
	int    clearing, cap;
};

static void link_request(struct dlink *l, const char *req, struct alert_req *r);

/* A CAP alert's targets, as the controller mapped them: its `status` line. */
static void
cap_status_line_cb(void *arg, const char *line)
{
	struct alert_req *r = arg;
	struct lalert *a = link_alert(r->l, r->id);
	struct alert got;
	char err[128];

	if (!a || strncmp(line, "alert ", 6) != 0)
		return;
	memset(&got, 0, sizeof got);
	if (alert_parse(line + 6, &got, err, sizeof err) == 0 && strcmp(got.id, a->local) == 0) {
		alert_clear(&a->a);
		a->a = got;
		return;
	}
	alert_clear(&got);
}

static void
cap_status_done_cb(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct alert_req *r = arg;
	struct lalert *a = link_alert(r->l, r->id);

	(void)rc;
	(void)final;
	(void)err;
	(void)eno;
	if (a) {
		if (a->state == LA_PENDING)
			a->state = LA_SHOWING;
		a->dirty = 1;
		link_changed(r->l);
	}
	free(r);
}

static void
alert_done_cb(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct alert_req *r = arg;
	struct dlink *l = r->l;
	struct lalert *a = link_alert(l, r->id);

	(void)eno;
	if (a && r->cap && rc == 0 && final) {
		/* "ok action=alert|update|cancel|ignored id=ID reason=..." */
		char action[16] = "", id[ALERT_ID_MAX + 1] = "", why[256] = "";

		control_line_get(final, "action", action, sizeof action);
		control_line_get(final, "id", id, sizeof id);
		control_line_get(final, "reason", why, sizeof why);
		if ((strcmp(action, "alert") == 0 || strcmp(action, "update") == 0) && id[0]) {
			char err2[128];

			dmsg_copy(a->local, sizeof a->local, id);
			a->state = LA_PENDING;
			a->dirty = 1;
			if (!control_client_request(l->base, l->cfg->control_socket, "status", LINK_REQUEST_MS, cap_status_line_cb,
			    cap_status_done_cb, r, err2, sizeof err2)) {
				a->state = LA_SHOWING;
				free(r);
			}
			link_changed(l);
			return;
		}
		a->state = strcmp(action, "cancel") == 0 ? LA_CLEARED : LA_REJECTED;
		lfmt(a->reason, sizeof a->reason, "%s%s%s", action, why[0] ? ": " : "", why);
		a->dirty = 1;
		link_changed(l);
		free(r);
		return;
	}
	if (a) {
		if (r->clearing) {
			/* "notfound": it was not (or no longer) up here; cleared all the same
			 * (one that ran out on its way stays "expired") */
			if (a->state != LA_EXPIRED)
				a->state = LA_CLEARED;
		} else if (rc == 0) {
			a->state = LA_SHOWING;
			a->reason[0] = '\0';
		} else {
			char msg[256] = "";

			if (final)
				control_line_get(final, "message", msg, sizeof msg);
			a->state = LA_REJECTED;
			dmsg_copy(a->reason, sizeof a->reason, msg[0] ? msg : err ? err : "no answer from the controller");
			log_warn(LINK_WHO, NULL, "district alert %s not shown: %s", a->id, a->reason);
		}
		a->dirty = 1;
		link_changed(l);
	}
	free(r);
}

static void
link_request(struct dlink *l, const char *req, struct alert_req *r)
{
	char err[256];

	if (!control_client_request(l->base, l->cfg->control_socket, req, LINK_REQUEST_MS, NULL, alert_done_cb, r, err,
	    sizeof err)) {
		log_warn(LINK_WHO, NULL, "cannot ask the controller: %s", err);
		free(r);
	}
}

static struct lalert *
link_alert_add(struct dlink *l, const char *id)
{
	struct lalert *a = link_alert(l, id), *na;

	if (a)
		return a;
	if ((na = realloc(l->alerts, (l->nalerts + 1) * sizeof *na)) == NULL)
		return NULL;
	l->alerts = na;
	a = &l->alerts[l->nalerts++];
	memset(a, 0, sizeof *a);
	dmsg_copy(a->id, sizeof a->id, id);
	lfmt(a->local, sizeof a->local, "d:%s", id);
	return a;
}

static void
link_on_alert(struct dlink *l, const char *id_in_topic, const uint8_t *payload, size_t len)
{
	struct dmsg_alert m;
	struct lalert *a;
	struct alert_req *r;
	char err[512], *req = NULL, *text;
	size_t cap;
	long long now = (long long)link_now();

	if (dmsg_alert_parse((const char *)payload, len, &m, err, sizeof err) < 0) {
		log_warn(LINK_WHO, NULL, "district alert %s refused: %s", id_in_topic, err);
		if (alert_id_valid(id_in_topic) && (a = link_alert_add(l, id_in_topic)) != NULL) {
			a->state = LA_REJECTED;
			dmsg_copy(a->reason, sizeof a->reason, err);
			a->dirty = 1;
			link_changed(l);
		}
		return;
	}
	if (strcmp(m.id, id_in_topic) != 0 || strlen(m.id) + 2 > ALERT_ID_MAX) {
		log_warn(LINK_WHO, NULL, "district alert on topic alert/%s says id %s (or the id is too long): refused",
		    id_in_topic, m.id);
		alert_clear(&m.a);
		free(m.cap);
		return;
	}
	if (!dmsg_list_has(m.schools, l->dc->school)) {
		/* not for this school (any more): take it down if it was up */
		free(m.cap);
		m.cap = NULL;
		if ((a = link_alert(l, m.id)) == NULL || a->state != LA_SHOWING) {
			alert_clear(&m.a);
			return;
		}
		m.cleared = 1;
	}
	if ((a = link_alert_add(l, m.id)) == NULL || (r = calloc(1, sizeof *r)) == NULL) {
		alert_clear(&m.a);
		free(m.cap);
		return;
	}
	r->l = l;
	dmsg_copy(r->id, sizeof r->id, m.id);
	if (m.cleared) {
		char q[ALERT_ID_MAX * 3 + 32];
		size_t ql = 0;

		lfmt(q, sizeof q, "clear ");
		ql = strlen(q);
		r->clearing = 1;
		kv_put(q + ql, sizeof q - ql, &(size_t){ 0 }, "id", a->local);
		log_info(LINK_WHO, NULL, "district alert %s cleared by the bureau", m.id);
		link_request(l, q, r);
		/* one raised from CAP is stored under its CAP id, which the bureau
		 * uses as the district id (`ledsign district cap`): also after this
		 * link restarted and forgot the mapping */
		if (strncmp(m.id, "cap-", 4) == 0 && strcmp(a->local, m.id) != 0 &&
		    (r = calloc(1, sizeof *r)) != NULL) {
			size_t l2 = 0;

			r->l = l;
			dmsg_copy(r->id, sizeof r->id, m.id);
			r->clearing = 1;
			lfmt(q, sizeof q, "clear ");
			kv_put(q + 6, sizeof q - 6, &l2, "id", m.id);
			link_request(l, q, r);
		}
		alert_clear(&m.a);
		return;
	}
	if (m.cap) {
		/* the school's controller maps it (its CAP parser process, its
		 * cap_areas) exactly as a CAP file in its own cap_dir */
		size_t qcap = 64 + 3 * m.caplen + 3 * ALERT_ID_MAX, ql = 0;
		char name[ALERT_ID_MAX + 16];

		if ((req = malloc(qcap)) != NULL) {
			lfmt(req, qcap, "cap ");
			lfmt(name, sizeof name, "district:%s", m.id);
			if (kv_put(req + 4, qcap - 4, &ql, "doc", m.cap) == 0 && kv_put(req + 4, qcap - 4, &ql, "name", name) == 0) {
				r->cap = 1;
				if (a->state != LA_SHOWING)
					a->state = LA_PENDING;
				a->dirty = 1;
				log_info(LINK_WHO, NULL, "district CAP alert %s: handing it to the controller", m.id);
				link_request(l, req, r);
				r = NULL;
			}
			free(req);
		}
		free(r);
		free(m.cap);
		link_changed(l);
		return;
	}
	alert_clear(&a->a);
	alert_copy(&a->a, &m.a);
	if (m.a.expires != 0 && m.a.expires <= now) {
		/* it ran out while this school was away: not shown, and down if it was up */
		char q[ALERT_ID_MAX * 3 + 32];

		a->state = LA_EXPIRED;
		a->dirty = 1;
		r->clearing = 1;
		lfmt(q, sizeof q, "clear ");
		kv_put(q + 6, sizeof q - 6, &(size_t){ 0 }, "id", a->local);
		link_request(l, q, r);
		alert_clear(&m.a);
		link_changed(l);
		return;
	}
	/* the same request as `ledsign alert`: the controller checks it as it checks local input */
	text = m.a.text ? m.a.text : "";
	cap = 256 + 3 * strlen(text) + 3 * ALERT_ID_MAX + 4096;
	if ((req = malloc(cap)) != NULL) {
		size_t rl;
		char num[32], list[2048];

		lfmt(req, cap, "alert ");
		rl = 0;
		{
			char *p = req + 6;
			size_t pc = cap - 6;

			kv_put(p, pc, &rl, "id", a->local);
			kv_put(p, pc, &rl, "text", text);
			kv_put(p, pc, &rl, "level", alert_level_name(m.a.level));
			list[0] = '\0';
			for (size_t i = 0; i < m.a.boards.n; i++)
				lfmt(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", m.a.boards.v[i]);
			if (list[0])
				kv_put(p, pc, &rl, "boards", list);
			list[0] = '\0';
			for (size_t i = 0; i < m.a.groups.n; i++)
				lfmt(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", m.a.groups.v[i]);
			if (list[0])
				kv_put(p, pc, &rl, "groups", list);
			lfmt(num, sizeof num, "%lld", m.a.start);
			kv_put(p, pc, &rl, "start", num);
			if (m.a.expires) {
				lfmt(num, sizeof num, "%lld", m.a.expires);
				kv_put(p, pc, &rl, "expires", num);
			}
			kv_put(p, pc, &rl, "source", "district");
		}
		if (a->state != LA_SHOWING)
			a->state = LA_PENDING;
		a->dirty = 1;
		log_info(LINK_WHO, NULL, "district alert %s (%s): raising it here", m.id, alert_level_name(m.a.level));
		link_request(l, req, r);
		free(req);
	} else {
		free(r);
	}
	alert_clear(&m.a);
	link_changed(l);
}

/* ---- campaign bundles ---- */

static void
link_bundle_result(struct dlink *l, long long version, int accepted, const char *reason)
{
	struct pbuf b = { 0 };
	char v[32], t[32];

	lfmt(v, sizeof v, "%lld", version);
	lfmt(t, sizeof t, "%.0f", link_now());
	pb_rec(&b, DMSG_VERSION " bundle-result", "school", l->dc->school, "version", v, "result",
	    accepted ? "accepted" : "rejected", "time", t, "reason", reason, (const char *)NULL);
	if (!b.oom)
		link_publish(l, "bundle", b.p, b.len, 1, 1);
	free(b.p);
	log_msg(accepted ? LOG_LV_INFO : LOG_LV_WARN, LINK_WHO, NULL, "bundle version %lld %s%s%s", version,
	    accepted ? "applied" : "refused", reason[0] ? ": " : "", reason);
}

static void
link_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		lfmt(p, sizeof p, "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			link_rmtree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* What a bundle's campaign.cfg may hold: the staff-editable sections and
 * nothing that reaches outside them (no @include, no other settings, images
 * only from the bundle's own posters).  The school's own settings (boards,
 * sockets, users, the district link) stay the school's. */
static int
link_bundle_vet(const struct dmsg_bundle *b, const struct dmsg_file *cf, char *err, size_t errlen)
{
	static const char *const allowed[] = { "content", "playlists", "schedule", "fallback", "default_font", "fonts" };
	config_t lc;
	char *text;
	const config_setting_t *root, *content, *fonts;
	int rc = -1;

	if (memmem(cf->data, cf->len, "@include", 8)) {
		lfmt(err, errlen, "%s may not @include other files", DMSG_BUNDLE_CONFIG);
		return -1;
	}
	if ((text = malloc(cf->len + 1)) == NULL) {
		lfmt(err, errlen, "out of memory");
		return -1;
	}
	memcpy(text, cf->data, cf->len);
	text[cf->len] = '\0';
	if (strlen(text) != cf->len) {
		lfmt(err, errlen, "%s holds a NUL byte", DMSG_BUNDLE_CONFIG);
		free(text);
		return -1;
	}
	config_init(&lc);
	if (!config_read_string(&lc, text)) {
		lfmt(err, errlen, "%s:%d: %s", DMSG_BUNDLE_CONFIG, config_error_line(&lc), config_error_text(&lc));
		goto out;
	}
	root = config_root_setting(&lc);
	for (int i = 0; i < config_setting_length(root); i++) {
		const char *name = config_setting_name(config_setting_get_elem(root, (unsigned)i));
		size_t k;

		for (k = 0; k < sizeof allowed / sizeof allowed[0]; k++)
			if (strcmp(name, allowed[k]) == 0)
				break;
		if (k == sizeof allowed / sizeof allowed[0]) {
			lfmt(err, errlen, "%s:%d: \"%s\" is the school's own setting; a bundle may set only content, "
			    "playlists, schedule, fallback, default_font and fonts", DMSG_BUNDLE_CONFIG,
			    config_setting_source_line(config_setting_get_elem(root, (unsigned)i)), name);
			goto out;
		}
	}
	if ((fonts = config_setting_get_member(root, "fonts")) != NULL)
		for (int i = 0; i < config_setting_length(fonts); i++)
			if (config_setting_get_member(config_setting_get_elem(fonts, (unsigned)i), "file")) {
				lfmt(err, errlen, "%s:%d: a bundle's fonts name families, not files", DMSG_BUNDLE_CONFIG,
				    config_setting_source_line(config_setting_get_elem(fonts, (unsigned)i)));
				goto out;
			}
	if ((content = config_setting_get_member(root, "content")) != NULL)
		for (int i = 0; i < config_setting_length(content); i++) {
			const config_setting_t *it = config_setting_get_elem(content, (unsigned)i);
			const char *img = NULL;
			int found = 0;

			if (!config_setting_lookup_string(it, "image", &img))
				continue;
			for (size_t j = 0; j < b->nfiles; j++)
				if (strncmp(img, LINK_POSTERS "/", sizeof LINK_POSTERS) == 0 &&
				    strncmp(b->files[j].name, "posters/", 8) == 0 &&
				    strcmp(img + sizeof LINK_POSTERS, b->files[j].name + 8) == 0)
					found = 1;
			if (!found) {
				lfmt(err, errlen, "%s:%d: image \"%.200s\" must be " LINK_POSTERS "/NAME, a poster in the bundle",
				    DMSG_BUNDLE_CONFIG, config_setting_source_line(it), img);
				goto out;
			}
		}
	rc = 0;
out:
	config_destroy(&lc);
	free(text);
	return rc;
}

/* The school's config with the bundle in place of its bundle_file, in a
 * directory of its own (the rest of the config directory linked in), run
 * through the checks `ledsign check` makes against this school's boards.
 * 0, or -1 + err (the first errors, file:line). */
static int
link_bundle_check(struct dlink *l, const struct dmsg_bundle *b, const char *stage, char *err, size_t errlen)
{
	DIR *d = opendir(l->cfgdir);
	struct dirent *de;
	char p[PATH_MAX], q[PATH_MAX];
	struct ls_diag diag = { 0 };
	struct ls_config *cfg;
	int rc = -1;

	if (!d) {
		lfmt(err, errlen, "%s: %s", l->cfgdir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, l->dc->bundle_file) == 0 ||
		    strcmp(de->d_name, LINK_POSTERS) == 0)
			continue;
		lfmt(p, sizeof p, "%s/%s", l->cfgdir, de->d_name);
		lfmt(q, sizeof q, "%s/%s", stage, de->d_name);
		if (symlink(p, q) < 0) {
			lfmt(err, errlen, "%s: %s", q, strerror(errno));
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	lfmt(p, sizeof p, "%s/" LINK_POSTERS, stage);
	if (mkdir(p, 0755) < 0) {
		lfmt(err, errlen, "%s: %s", p, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < b->nfiles; i++) {
		const struct dmsg_file *f = &b->files[i];

		if (strcmp(f->name, DMSG_BUNDLE_CONFIG) == 0)
			lfmt(p, sizeof p, "%s/%s", stage, l->dc->bundle_file);
		else
			lfmt(p, sizeof p, "%s/" LINK_POSTERS "/%s", stage, f->name + 8);
		if (ls_write_file(p, f->data, f->len, err, errlen) < 0)
			return -1;
	}
	lfmt(p, sizeof p, "%s/%s", stage, l->cfgbase);
	cfg = ls_config_load(p, &diag);
	if (cfg) {
		struct render_ctx *rc2 = render_ctx_new(cfg, &diag);

		sched_check(cfg, &diag);
		if (rc2)
			render_check_glyphs(rc2, cfg, &diag);
		render_ctx_free(rc2);
	}
	if (!cfg || diag.errors > 0) {
		size_t len = 0, shown = 0;

		ls_diag_sort(&diag);
		lfmt(err, errlen, "check failed against this school's boards (%zu error%s):", diag.errors,
		    diag.errors == 1 ? "" : "s");
		len = strlen(err);
		for (size_t i = 0; i < diag.n && shown < 5 && len + 8 < errlen; i++) {
			char one[512];
			const char *base;

			if (diag.v[i].level != LS_DIAG_ERROR)
				continue;
			/* name the file as the bureau knows it, not the staging path */
			if (diag.v[i].file && (base = strrchr(diag.v[i].file, '/')) != NULL) {
				if (strcmp(base + 1, l->dc->bundle_file) == 0)
					base = DMSG_BUNDLE_CONFIG;
				else
					base++;
				lfmt(one, sizeof one, " %s:%d: %s;", base, diag.v[i].line, diag.v[i].text);
			} else {
				lfmt(one, sizeof one, " %s;", diag.v[i].text);
			}
			lfmt(err + len, errlen - len, "%s", one);
			len = strlen(err);
			shown++;
		}
		if (len > 0 && err[len - 1] == ';')
			err[len - 1] = '\0';
		goto out;
	}
	rc = 0;
out:
	ls_config_free(cfg);
	ls_diag_clear(&diag);
	return rc;
}

static void
link_save_version(struct dlink *l, long long v)
{
	char path[PATH_MAX], buf[32], err[256];

	lfmt(path, sizeof path, "%s/" LINK_VERSION_FILE, l->cfg->state_dir);
	lfmt(buf, sizeof buf, "%lld\n", v);
	if (ls_write_file(path, buf, strlen(buf), err, sizeof err) < 0)
		log_warn(LINK_WHO, NULL, "cannot record the bundle version: %s", err);
}

static void link_on_bundle(struct dlink *l, const uint8_t *payload, size_t len);

/* The bundle did not take: the posters before it go back in place. */
static void
link_posters_back(struct dlink *l)
{
	char path[PATH_MAX], old[PATH_MAX];

	lfmt(path, sizeof path, "%s/" LINK_POSTERS, l->cfgdir);
	lfmt(old, sizeof old, "%s/.district-posters.old", l->cfgdir);
	link_rmtree(path);
	rename(old, path);
}

static void
reload_done_cb(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct dlink *l = arg;
	char msg[512] = "";
	char path[PATH_MAX];

	(void)eno;
	l->bundle_busy = 0;
	if (rc == 0) {
		l->bundle_version = l->pending.version;
		link_save_version(l, l->bundle_version);
		link_bundle_result(l, l->pending.version, 1, "");
		l->state_dirty = 1;
		link_changed(l);
		if (l->pending.had_backup)
			unlink(l->pending.backup);
		lfmt(path, sizeof path, "%s/.district-posters.old", l->cfgdir);
		link_rmtree(path);
	} else {
		if (final)
			control_line_get(final, "message", msg, sizeof msg);
		/* put the old campaign back, so the files and what plays agree */
		lfmt(path, sizeof path, "%s/%s", l->cfgdir, l->dc->bundle_file);
		if (l->pending.had_backup)
			rename(l->pending.backup, path);
		link_posters_back(l);
		lfmt(l->pending.reason, sizeof l->pending.reason, "the controller's reload failed: %s",
		    msg[0] ? msg : err ? err : "no answer");
		link_bundle_result(l, l->pending.version, 0, l->pending.reason);
	}
	if (l->next_bundle) {
		uint8_t *nb = l->next_bundle;
		size_t nl = l->next_len;

		l->next_bundle = NULL;
		link_on_bundle(l, nb, nl);
		free(nb);
	}
}

static void
link_on_bundle(struct dlink *l, const uint8_t *payload, size_t len)
{
	static struct dmsg_bundle b;   /* 256 file slots: not on the stack */
	char err[2048], stage[PATH_MAX], path[PATH_MAX], old[PATH_MAX];
	const struct dmsg_file *cf = NULL;
	int rc;

	if (l->bundle_busy) {
		/* keep only the newest that waits */
		free(l->next_bundle);
		if ((l->next_bundle = malloc(len ? len : 1)) != NULL) {
			memcpy(l->next_bundle, payload, len);
			l->next_len = len;
		}
		return;
	}
	if (dmsg_bundle_parse(payload, len, &b, err, sizeof err) < 0) {
		link_bundle_result(l, 0, 0, err);
		return;
	}
	if (b.version <= l->bundle_version) {
		log_debug(LINK_WHO, NULL, "bundle version %lld: already have %lld", b.version, l->bundle_version);
		return;
	}
	if (!l->dc->bundle_file) {
		link_bundle_result(l, b.version, 0, "this school takes no bundles (district.bundle_file is not set)");
		return;
	}
	for (size_t i = 0; i < b.nfiles; i++)
		if (strcmp(b.files[i].name, DMSG_BUNDLE_CONFIG) == 0)
			cf = &b.files[i];
	if (link_bundle_vet(&b, cf, err, sizeof err) < 0) {
		link_bundle_result(l, b.version, 0, err);
		return;
	}
	lfmt(stage, sizeof stage, "%s/.district-stage.%d", l->cfgdir, (int)getpid());
	link_rmtree(stage);
	if (mkdir(stage, 0700) < 0) {
		lfmt(err, sizeof err, "%s: %s (the config's directory must be writable by the controller's user "
		    "for bundles)", stage, strerror(errno));
		link_bundle_result(l, b.version, 0, err);
		return;
	}
	rc = link_bundle_check(l, &b, stage, err, sizeof err);
	if (rc < 0) {
		link_rmtree(stage);
		link_bundle_result(l, b.version, 0, err);
		return;
	}
	/* in place: the posters first (the old campaign names none of the new
	 * ones), then the config file, atomically; the old one kept until the
	 * reload says it took */
	lfmt(path, sizeof path, "%s/" LINK_POSTERS, l->cfgdir);
	lfmt(old, sizeof old, "%s/.district-posters.old", l->cfgdir);
	link_rmtree(old);
	if (rename(path, old) < 0 && errno != ENOENT) {
		lfmt(err, sizeof err, "%s: %s", path, strerror(errno));
		link_rmtree(stage);
		link_bundle_result(l, b.version, 0, err);
		return;
	}
	{
		char sp[PATH_MAX];

		lfmt(sp, sizeof sp, "%s/" LINK_POSTERS, stage);
		if (rename(sp, path) < 0) {
			lfmt(err, sizeof err, "%s: %s", path, strerror(errno));
			rename(old, path);
			link_rmtree(stage);
			link_bundle_result(l, b.version, 0, err);
			return;
		}
	}
	lfmt(path, sizeof path, "%s/%s", l->cfgdir, l->dc->bundle_file);
	lfmt(l->pending.backup, sizeof l->pending.backup, "%s/.%s.prev", l->cfgdir, l->dc->bundle_file);
	l->pending.had_backup = link(path, l->pending.backup) == 0 ||
	    (errno == EEXIST && unlink(l->pending.backup) == 0 && link(path, l->pending.backup) == 0);
	if (ls_write_file(path, cf->data, cf->len, err, sizeof err) < 0) {
		link_rmtree(stage);
		link_posters_back(l);
		link_bundle_result(l, b.version, 0, err);
		return;
	}
	link_rmtree(stage);
	/* the old posters stay as .district-posters.old until the reload took */
	l->pending.version = b.version;
	l->bundle_busy = 1;
	if (!control_client_request(l->base, l->cfg->control_socket, "reload", 30000, NULL, reload_done_cb, l, err,
	    sizeof err)) {
		l->bundle_busy = 0;
		link_bundle_result(l, b.version, 0, err);
	}
}

/* ---- proof of play for the bureau ---- */

struct report_ctx {
	struct pbuf *b;
};

static int
report_sum_cb(void *arg, const struct record_sum *m)
{
	struct report_ctx *c = arg;
	char s[32], f[32], p[32];

	lfmt(s, sizeof s, "%.3f", m->seconds);
	lfmt(f, sizeof f, "%llu", (unsigned long long)m->frames);
	lfmt(p, sizeof p, "%llu", (unsigned long long)m->plays);
	pb_rec(c->b, "play", "board", m->board, "item", m->item, "seconds", s, "frames", f, "plays", p, (const char *)NULL);
	return c->b->oom;
}

static int
report_alert_cb(void *arg, const struct record_alert *a)
{
	struct report_ctx *c = arg;
	char t[32];

	lfmt(t, sizeof t, "%.3f", a->time);
	pb_rec(c->b, "alert", "time", t, "event", a->event, "id", a->id, "level", a->level, "targets", a->targets,
	    (const char *)NULL);
	return c->b->oom;
}

static void
link_on_report(struct dlink *l, const uint8_t *payload, size_t len)
{
	char kind[16], key[32], val[128], err[512], rid[64] = "", *copy;
	const char *rest, *cur;
	long long from = 0, to = 0;
	struct pbuf b = { 0 };
	struct report_ctx c = { &b };
	char path[PATH_MAX];

	if (len > 4096 || (copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, payload, len);
	copy[len] = '\0';
	if (dmsg_header(copy, len, kind, sizeof kind, &rest) < 0 || strcmp(kind, "report") != 0) {
		free(copy);
		return;
	}
	cur = rest;
	while (kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err) > 0) {
		if (strcmp(key, "request") == 0) dmsg_copy(rid, sizeof rid, val);
		else if (strcmp(key, "from") == 0) kv_num(val, &from);
		else if (strcmp(key, "to") == 0) kv_num(val, &to);
	}
	free(copy);
	pb_rec(&b, DMSG_VERSION " report", "request", rid, "school", l->dc->school, (const char *)NULL);
	lfmt(path, sizeof path, "%s/%s", l->cfg->state_dir, RECORD_FILE);
	if (to <= from || record_read(path, (double)from, (double)to, report_sum_cb, report_alert_cb, &c, err,
	    sizeof err) < 0)
		pb_rec(&b, "error", "message", to <= from ? "the period is empty" : err, (const char *)NULL);
	if (!b.oom)
		link_publish(l, "report", b.p, b.len, 1, 0);
	free(b.p);
}

/* ---- messages from the broker ---- */

static void
link_on_message(struct dlink *l, const char *topic, const uint8_t *payload, size_t len)
{
	const char *rest;
	int all = 0;

	if (strncmp(topic, l->t_all, strlen(l->t_all)) == 0) {
		rest = topic + strlen(l->t_all);
		all = 1;
	} else if (strncmp(topic, l->t_mine, strlen(l->t_mine)) == 0)
		rest = topic + strlen(l->t_mine);
	else {
		/* only the bureau's topics are read: the broker's ACL lets no one
		 * else write there, and anything else is not taken from anyone */
		log_warn(LINK_WHO, NULL, "message on %s ignored: not one of the bureau's topics", topic);
		return;
	}
	if (len == 0)
		return;   /* a retained message removed */
	if (strcmp(rest, "bundle") == 0)
		link_on_bundle(l, payload, len);
	else if (strncmp(rest, "alert/", 6) == 0 && rest[6] && !strchr(rest + 6, '/') && all)
		link_on_alert(l, rest + 6, payload, len);
	else if (strcmp(rest, "report") == 0)
		link_on_report(l, payload, len);
	else
		log_warn(LINK_WHO, NULL, "message on %s ignored: this version knows no such topic", topic);
}

/* mosquitto's thread: copy and hand over */
static void
mq_message_cb(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	struct dlink *l = obj;
	struct qmsg *q;

	(void)m;
	if (msg->payloadlen < 0 || (size_t)msg->payloadlen > DMSG_BUNDLE_MAX) {
		pthread_mutex_lock(&l->mu);
		l->qdropped++;
		pthread_mutex_unlock(&l->mu);
		return;
	}
	if ((q = calloc(1, sizeof *q)) == NULL)
		return;
	q->topic = strdup(msg->topic);
	q->len = (size_t)msg->payloadlen;
	q->payload = malloc(q->len ? q->len : 1);
	if (!q->topic || !q->payload) {
		free(q->topic);
		free(q->payload);
		free(q);
		return;
	}
	if (q->len)
		memcpy(q->payload, msg->payload, q->len);
	pthread_mutex_lock(&l->mu);
	if (l->qbytes + q->len > LINK_QUEUE_BYTES) {
		l->qdropped++;
		pthread_mutex_unlock(&l->mu);
		free(q->topic);
		free(q->payload);
		free(q);
		return;
	}
	if (l->qtail)
		l->qtail->next = q;
	else
		l->qhead = q;
	l->qtail = q;
	l->qbytes += q->len;
	pthread_mutex_unlock(&l->mu);
	if (write(l->pipefd[1], "m", 1) < 0) {
		/* the pipe is full: the loop is awake already */
	}
}

static void
mq_connect_cb(struct mosquitto *m, void *obj, int rc)
{
	struct dlink *l = obj;
	char topic[512];

	if (rc == 0) {
		lfmt(topic, sizeof topic, "%s#", l->t_all);
		mosquitto_subscribe(m, NULL, topic, 1);
		lfmt(topic, sizeof topic, "%s#", l->t_mine);
		mosquitto_subscribe(m, NULL, topic, 1);
		lfmt(topic, sizeof topic, "%sonline", l->t_school);
		mosquitto_publish(m, NULL, topic, 1, "1", 1, true);
	}
	pthread_mutex_lock(&l->mu);
	l->connected = rc == 0 ? 1 : -rc;
	l->conn_changed = 1;
	pthread_mutex_unlock(&l->mu);
	if (write(l->pipefd[1], "c", 1) < 0) {
		/* see above */
	}
}

static void
mq_disconnect_cb(struct mosquitto *m, void *obj, int rc)
{
	struct dlink *l = obj;

	(void)m;
	pthread_mutex_lock(&l->mu);
	l->connected = 0;
	l->conn_changed = 1;
	pthread_mutex_unlock(&l->mu);
	(void)rc;
	if (write(l->pipefd[1], "d", 1) < 0) {
		/* see above */
	}
}

static void link_nag(struct dlink *);

static void
link_pipe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dlink *l = arg;
	char buf[256];
	struct qmsg *q;
	int changed, connected;
	unsigned long dropped;

	(void)what;
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&l->mu);
	q = l->qhead;
	l->qhead = l->qtail = NULL;
	l->qbytes = 0;
	changed = l->conn_changed;
	connected = l->connected;
	l->conn_changed = 0;
	dropped = l->qdropped;
	l->qdropped = 0;
	pthread_mutex_unlock(&l->mu);
	if (dropped)
		log_warn(LINK_WHO, NULL, "%lu messages from the broker dropped: over %d bytes, or too many waiting",
		    dropped, DMSG_BUNDLE_MAX);
	if (changed) {
		if (connected == 1) {
			log_info(LINK_WHO, NULL, "connected to %s:%d as %s", l->dc->host, l->dc->port, l->dc->username);
			/* a fresh retained state and every coverage, the broker may have lost them */
			l->state_dirty = 1;
			for (size_t i = 0; i < l->nalerts; i++)
				l->alerts[i].dirty = 1;
			link_changed(l);
		} else if (connected < 0) {
			log_warn(LINK_WHO, NULL, "the broker %s:%d refused the connection: %s", l->dc->host, l->dc->port,
			    mosquitto_connack_string(-connected));
		} else {
			log_warn(LINK_WHO, NULL, "lost the broker %s:%d; reconnecting (school-local content and alerts go on)",
			    l->dc->host, l->dc->port);
			link_nag(l);
		}
	}
	while (q) {
		struct qmsg *n = q->next;

		link_on_message(l, q->topic, q->payload, q->len);
		free(q->topic);
		free(q->payload);
		free(q);
		q = n;
	}
}

static void
link_connect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dlink *l = arg;
	struct timeval tv = { 2, 0 };
	int rc;

	(void)fd;
	(void)what;
	rc = mosquitto_connect_async(l->mosq, l->dc->host, l->dc->port, l->dc->keepalive);
	if (rc != MOSQ_ERR_SUCCESS) {
		log_warn(LINK_WHO, NULL, "cannot reach the broker %s:%d: %s; trying again", l->dc->host, l->dc->port,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		evtimer_add(l->connect_timer, &tv);
		return;
	}
	/* from here libmosquitto's thread keeps the connection, reconnecting with back-off */
	if ((rc = mosquitto_loop_start(l->mosq)) != MOSQ_ERR_SUCCESS) {
		log_error(LINK_WHO, NULL, "cannot start the MQTT thread: %s", mosquitto_strerror(rc));
		event_base_loopbreak(l->base);
		return;
	}
	l->loop_started = 1;
}

/* 5 s after starting or losing the broker: say so once if it is still away */
static void
link_nag_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dlink *l = arg;
	int c;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&l->mu);
	c = l->connected;
	pthread_mutex_unlock(&l->mu);
	if (c != 1)
		log_warn(LINK_WHO, NULL, "cannot reach the broker %s:%d yet; trying on (school-local content and alerts go "
		    "on meanwhile)", l->dc->host, l->dc->port);
}

static void
link_nag(struct dlink *l)
{
	struct timeval tv = { 5, 0 };

	evtimer_add(l->nag_timer, &tv);
}

static void
link_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(((struct dlink *)arg)->base);
}

static int
link_setup_mqtt(struct dlink *l)
{
	const struct ls_district *dc = l->dc;
	char id[160], topic[512], pw[512] = "";
	int rc;

	lfmt(id, sizeof id, "ledsign-%s-%s", dc->district, dc->school);
	/* a persistent session: QoS 1 messages sent while this school was away wait for it */
	l->mosq = mosquitto_new(id, false, l);
	if (!l->mosq) {
		log_error(LINK_WHO, NULL, "cannot make an MQTT client: %s", strerror(errno));
		return -1;
	}
	if (dc->password_file) {
		FILE *f = fopen(dc->password_file, "re");
		size_t n;

		if (!f || !fgets(pw, sizeof pw, f)) {
			log_error(LINK_WHO, NULL, "%s: %s; district.password_file must hold the school's broker password on "
			    "its first line", dc->password_file, f ? "empty" : strerror(errno));
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
	}
	mosquitto_username_pw_set(l->mosq, dc->username, dc->password_file ? pw : NULL);
	memset(pw, 0, sizeof pw);
	if (dc->tls) {
		rc = mosquitto_tls_set(l->mosq, dc->ca_file, dc->ca_file ? NULL : "/etc/ssl/certs", dc->cert_file,
		    dc->key_file, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			log_error(LINK_WHO, NULL, "TLS: %s (district.ca_file, cert_file, key_file)", mosquitto_strerror(rc));
			return -1;
		}
	}
	lfmt(topic, sizeof topic, "%sonline", l->t_school);
	mosquitto_will_set(l->mosq, topic, 1, "0", 1, true);
	mosquitto_reconnect_delay_set(l->mosq, 1, 5, true);
	mosquitto_connect_callback_set(l->mosq, mq_connect_cb);
	mosquitto_disconnect_callback_set(l->mosq, mq_disconnect_cb);
	mosquitto_message_callback_set(l->mosq, mq_message_cb);
	return 0;
}

int
district_link_run(const char *config_path)
{
	struct dlink ll, *l = &ll;
	struct ls_diag d = { 0 };
	struct timeval now = { 0, 0 }, period = { LINK_STATE_PERIOD, 0 };
	int status = 1;
	char tmp[PATH_MAX];

	memset(l, 0, sizeof *l);
	l->pipefd[0] = l->pipefd[1] = -1;
	pthread_mutex_init(&l->mu, NULL);
	mosquitto_lib_init();
	if (!realpath(config_path, l->cfgpath)) {
		log_error(LINK_WHO, NULL, "%s: %s", config_path, strerror(errno));
		goto out;
	}
	dmsg_copy(tmp, sizeof tmp, l->cfgpath);
	dmsg_copy(l->cfgdir, sizeof l->cfgdir, dirname(tmp));
	dmsg_copy(tmp, sizeof tmp, l->cfgpath);
	dmsg_copy(l->cfgbase, sizeof l->cfgbase, basename(tmp));
	l->cfg = ls_config_load(l->cfgpath, &d);
	if (!l->cfg) {
		ls_diag_sort(&d);
		for (size_t i = 0; i < d.n; i++) {
			char line[1024];

			ls_diag_format(&d.v[i], line, sizeof line);
			log_error(LINK_WHO, NULL, "%s", line);
		}
		ls_diag_clear(&d);
		goto out;
	}
	ls_diag_clear(&d);
	l->dc = l->cfg->district;
	if (!l->dc) {
		log_error(LINK_WHO, NULL, "%s has no district group: nothing to link", l->cfgpath);
		goto out;
	}
	lfmt(l->t_all, sizeof l->t_all, DMSG_ROOT "/%s/bureau/all/", l->dc->district);
	lfmt(l->t_mine, sizeof l->t_mine, DMSG_ROOT "/%s/bureau/school/%s/", l->dc->district, l->dc->school);
	lfmt(l->t_school, sizeof l->t_school, DMSG_ROOT "/%s/school/%s/", l->dc->district, l->dc->school);
	{
		char path[PATH_MAX];
		FILE *f;

		lfmt(path, sizeof path, "%s/" LINK_VERSION_FILE, l->cfg->state_dir);
		if ((f = fopen(path, "re")) != NULL) {
			if (fscanf(f, "%lld", &l->bundle_version) != 1)
				l->bundle_version = 0;
			fclose(f);
		}
	}
	if (pipe2(l->pipefd, O_NONBLOCK | O_CLOEXEC) < 0 || !(l->base = event_base_new()))
		goto out;
	l->pipe_ev = event_new(l->base, l->pipefd[0], EV_READ | EV_PERSIST, link_pipe_cb, l);
	l->connect_timer = evtimer_new(l->base, link_connect_cb, l);
	l->nag_timer = evtimer_new(l->base, link_nag_cb, l);
	l->watch_timer = evtimer_new(l->base, watch_timer_cb, l);
	l->pub_timer = evtimer_new(l->base, link_pub_cb, l);
	l->period_timer = event_new(l->base, -1, EV_PERSIST, link_period_cb, l);
	l->sig_term = evsignal_new(l->base, SIGTERM, link_stop_cb, l);
	l->sig_int = evsignal_new(l->base, SIGINT, link_stop_cb, l);
	if (!l->pipe_ev || !l->connect_timer || !l->nag_timer || !l->watch_timer || !l->pub_timer || !l->period_timer || !l->sig_term ||
	    !l->sig_int)
		goto out;
	if (link_setup_mqtt(l) < 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	event_add(l->pipe_ev, NULL);
	event_add(l->sig_term, NULL);
	event_add(l->sig_int, NULL);
	event_add(l->period_timer, &period);
	evtimer_add(l->connect_timer, &now);
	link_nag(l);
	watch_start(l);
	log_info(LINK_WHO, NULL, "school %s of district %s: broker %s:%d%s", l->dc->school, l->dc->district, l->dc->host,
	    l->dc->port, l->dc->tls ? " (TLS)" : " (no TLS)");
	event_base_dispatch(l->base);
	status = l->restart ? 3 : 0;   /* DAEMON_LINK_RESTART */
out:
	if (l->mosq) {
		if (l->loop_started) {
			char topic[512];

			/* say goodbye so the bureau does not wait for the keepalive */
			lfmt(topic, sizeof topic, "%sonline", l->t_school);
			mosquitto_publish(l->mosq, NULL, topic, 1, "0", 1, true);
			mosquitto_disconnect(l->mosq);
			mosquitto_loop_stop(l->mosq, false);
		}
		mosquitto_destroy(l->mosq);
	}
	mosquitto_lib_cleanup();
	if (l->watch)
		bufferevent_free(l->watch);
	if (l->pipe_ev) event_free(l->pipe_ev);
	if (l->connect_timer) event_free(l->connect_timer);
	if (l->nag_timer) event_free(l->nag_timer);
	if (l->watch_timer) event_free(l->watch_timer);
	if (l->pub_timer) event_free(l->pub_timer);
	if (l->period_timer) event_free(l->period_timer);
	if (l->sig_term) event_free(l->sig_term);
	if (l->sig_int) event_free(l->sig_int);
	if (l->base)
		event_base_free(l->base);
	for (struct qmsg *q = l->qhead, *n; q; q = n) {
		n = q->next;
		free(q->topic);
		free(q->payload);
		free(q);
	}
	for (size_t i = 0; i < l->nalerts; i++)
		alert_clear(&l->alerts[i].a);
	free(l->alerts);
	free(l->boards);
	free(l->next_bundle);
	if (l->pipefd[0] >= 0) close(l->pipefd[0]);
	if (l->pipefd[1] >= 0) close(l->pipefd[1]);
	ls_config_free(l->cfg);
	pthread_mutex_destroy(&l->mu);
	return status;
}
