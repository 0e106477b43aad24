/*
 * control.c — the control socket server and client, and the watched CAP
 * directory.  See control.h; the protocol is in docs/alerts.md.
 */
#include "util/diag.h"
#include "daemon/control.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "alert/cap.h"
#include "daemon/control_watch.h"
#include "util/kv.h"
#include "util/log.h"

/* One user's share: its connections and its request-rate bucket.  Kept
 * while it has connections or an unfilled bucket, so reconnecting does not
 * refill the bucket. */
struct peer {
	uid_t  uid;
	int    privileged;            /* root or the daemon's user: no per-user limits */
	unsigned nconns;
	double tokens;                /* requests it may make now (CONTROL_RATE per second) */
	long long refilled_ms;
	struct peer *next;
};

struct control_conn {
	struct control_server *srv;
	struct bufferevent *bev;
	struct peer *peer;
	uid_t  uid;
	pid_t  pid;
	int    reserve;               /* in a CONTROL_CONN_ALERT_RESERVE slot: alert and clear only */
	int    longline;              /* holds one of the CONTROL_CAP_LINES slots */
	int    closing;               /* answer sent: close once the output is empty */
	int    eof;                   /* the peer shut its side: answer what came, then close */
	int    deadline_ms;
	struct event *deadline;       /* no request completed in time: close */
	struct event *resume;         /* go on with buffered requests (rate, fairness) */
	uint64_t added, sent, pending_end;  /* output bytes: queued, sent, end of the oldest unsent answer */
	size_t scanned;               /* input bytes already searched for a line end */
	struct evbuffer_cb_entry *outcb;
	struct control_watch *watch;  /* a `watch` connection: streams events, no deadline */
	struct control_conn *next;
};

struct control_server {
	char  *path;
	int    fd;
	const struct ls_config *cfg;
	struct alert_store *store;
	struct control_ops ops;
	void  *arg;
	uid_t *uids;  size_t nuids;
	gid_t *gids;  size_t ngids;
	struct control_conn *conns;
	struct peer *peers;
	size_t nconns, nshared, nreserve, nlong;
	struct event_base *base;
	struct event *lev, *capev, *captimer;
	struct event *capsettle;   /* looks again at files waiting to settle */
	int    inotify_fd;
	char  *watched;            /* the cap_dir the events above are for */
	struct cap_pending *pending;   /* cap_dir files that did not parse, not yet settled */
	size_t npending;
	int    deadline_ms;        /* a connection must complete a request this often */
	struct event *relisten;    /* out of fds: accept again a little later */
	struct event_bus *events;  /* for `watch`; may be NULL */
	long long quiet_since;     /* log_limited: start of this second */
	unsigned long quiet_n;     /* ... and lines left out in it */
};

/* A growing output buffer. */
struct obuf {
	char  *p;
	size_t len, cap;
	int    oom;
};


static void logf_(struct control_server *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
static void
logf_(struct control_server *s, int level, const char *fmt, ...)
{
	va_list ap;

	(void)s;
	va_start(ap, fmt);
	log_vmsg(level ? LOG_LV_WARN : LOG_LV_INFO, "control", NULL, fmt, ap);
	va_end(ap);
}

static char *handle_line(struct control_server *, const char *, long long, size_t *, uid_t);
static int cap_watch(struct control_server *, char *, size_t);
static void conn_free(struct control_conn *);
static void cap_unwatch(struct control_server *);

static long long
srv_now(struct control_server *s)
{
	return s->ops.now ? s->ops.now(s->arg) : (long long)time(NULL);
}

static void
ob_reserve(struct obuf *b, size_t more)
{
	char *np;
	size_t ncap;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + more + 1)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (np == NULL) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = ncap;
}

static void
ob_add(struct obuf *b, const char *s, size_t n)
{
	ob_reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append "WORD k=v k=v\n" from NULL-terminated key/value pairs. */
static void
ob_line(struct obuf *b, const char *word, ...)
{
	va_list ap;
	const char *k, *v;
	char *tmp;
	size_t cap = 64, len;

	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cap += strlen(k) + 2 + 3 * strlen(v ? v : "");
	}
	va_end(ap);
	tmp = malloc(cap);
	if (tmp == NULL) {
		b->oom = 1;
		return;
	}
	len = strlen(word);
	memcpy(tmp, word, len + 1);
	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		kv_put(tmp, cap, &len, k, v ? v : "");
	}
	va_end(ap);
	ob_add(b, tmp, len);
	ob_add(b, "\n", 1);
	free(tmp);
}

static void
ob_error(struct obuf *b, const char *code, const char *message)
{
	ob_line(b, "error", "code", code, "message", message, (const char *)NULL);
}

/* ---- access lists ---- */

/* Names that do not resolve are logged and skipped, never fatal: a typo in
 * control_users must not take the control socket away from root in an
 * emergency.  -1 only when out of memory. */
static int
resolve_acl(struct control_server *s, const struct ls_config *cfg, uid_t **uids_out, size_t *nuids,
    gid_t **gids_out, size_t *ngids, char *err, size_t errlen)
{
	const struct ls_strlist *users = cfg ? &cfg->control_users : NULL;
	const struct ls_strlist *groups = cfg ? &cfg->control_groups : NULL;
	size_t nu = users ? users->n : 0, ng = groups ? groups->n : 0, cap_u = nu + 16;
	uid_t *uids = calloc(cap_u, sizeof *uids);
	gid_t *gids = calloc(ng + 1, sizeof *gids);
	size_t iu = 0, ig = 0;

	if (uids == NULL || gids == NULL)
		goto oom;
	for (size_t i = 0; i < nu; i++) {
		const char *name = users->v[i];
		struct passwd *pw = getpwnam(name);
		char *end;
		unsigned long v;

		if (pw != NULL) {
			uids[iu++] = pw->pw_uid;
			continue;
		}
		errno = 0;
		v = strtoul(name, &end, 10);
		if (*name == '\0' || *end != '\0' || errno != 0) {
			logf_(s, 1, "control_users: no such user \"%s\"; ignored", name);
			continue;
		}
		uids[iu++] = (uid_t)v;
	}
	for (size_t i = 0; i < ng; i++) {
		const char *name = groups->v[i];
		struct group *gr = getgrnam(name);
		char *end;
		unsigned long v;

		if (gr == NULL) {
			errno = 0;
			v = strtoul(name, &end, 10);
			if (*name == '\0' || *end != '\0' || errno != 0) {
				logf_(s, 1, "control_groups: no such group \"%s\"; ignored", name);
				continue;
			}
			gids[ig++] = (gid_t)v;
			gr = getgrgid((gid_t)v);
			if (gr == NULL)
				continue;
		} else {
			gids[ig++] = gr->gr_gid;
		}
		/* Supplementary members: their peer credentials show only their primary group. */
		for (char **m = gr->gr_mem; m && *m; m++) {
			struct passwd *pw = getpwnam(*m);
			if (pw == NULL)
				continue;
			if (iu == cap_u) {
				uid_t *nv = realloc(uids, (cap_u *= 2) * sizeof *uids);
				if (nv == NULL)
					goto oom;
				uids = nv;
			}
			uids[iu++] = pw->pw_uid;
		}
	}
	*uids_out = uids;
	*nuids = iu;
	*gids_out = gids;
	*ngids = ig;
	return 0;
oom:
	ls_errf(err, errlen, "out of memory");
	free(uids);
	free(gids);
	return -1;
}

static int
peer_allowed(const struct control_server *s, uid_t uid, gid_t gid)
{
	if (uid == 0 || uid == geteuid())
		return 1;
	for (size_t i = 0; i < s->nuids; i++)
		if (s->uids[i] == uid)
			return 1;
	for (size_t i = 0; i < s->ngids; i++)
		if (s->gids[i] == gid)
			return 1;
	return 0;
}

int
control_server_set_config(struct control_server *s, const struct ls_config *cfg, char *err, size_t errlen)
{
	uid_t *uids;
	gid_t *gids;
	size_t nu, ng;

	/* the old config is about to be freed by the caller: never keep pointing at it */
	s->cfg = cfg;
	if (cap_watch(s, err, errlen) < 0)
		logf_(s, 1, "%s", err);
	if (resolve_acl(s, cfg, &uids, &nu, &gids, &ng, err, errlen) < 0)
		return -1;
	free(s->uids);
	free(s->gids);
	s->uids = uids;
	s->nuids = nu;
	s->gids = gids;
	s->ngids = ng;
	if (s->path != NULL && ng > 0 && chown(s->path, (uid_t)-1, gids[0]) < 0)
		logf_(s, 1, "%s: cannot give the socket to group %u: %s", s->path, (unsigned)gids[0], strerror(errno));
	return 0;
}

/* ---- server ---- */

static int
mkparent(const char *path)
{
	char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

struct control_server *
control_server_new(const char *path, const struct ls_config *cfg, struct alert_store *store,
    const struct control_ops *ops, void *arg, char *err, size_t errlen)
{
	struct control_server *s;
	struct sockaddr_un sa;
	mode_t old;
	int probe;

	if (strlen(path) >= sizeof sa.sun_path) {
		ls_errf(err, errlen, "%s: control socket path too long (at most %zu bytes)", path, sizeof sa.sun_path - 1);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		ls_errf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->inotify_fd = -1;
	s->deadline_ms = CONTROL_REQUEST_MS;
	s->store = store;
	s->arg = arg;
	if (ops != NULL)
		s->ops = *ops;
	if (control_server_set_config(s, cfg, err, errlen) < 0)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (mkparent(path) < 0) {
		ls_errf(err, errlen, "%s: cannot create the socket's directory: %s", path, strerror(errno));
		goto fail;
	}
	/* Someone answering there already?  Then do not steal the socket. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(probe);
			ls_errf(err, errlen, "%s: another ledsign daemon is listening there; stop it first", path);
			goto fail;
		}
		close(probe);
	}
	{
		struct stat st;
		if (lstat(path, &st) == 0) {
			if (!S_ISSOCK(st.st_mode)) {
				ls_errf(err, errlen, "%s: exists and is not a socket; remove it or choose control_socket", path);
				goto fail;
			}
			unlink(path);
		}
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ls_errf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	/* umask around bind, so the socket is never, even for a moment, open to all */
	old = umask(0117);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		umask(old);
		ls_errf(err, errlen, "%s: cannot bind: %s", path, strerror(errno));
		goto fail;
	}
	umask(old);
	if ((s->path = strdup(path)) == NULL) {
		unlink(path);
		ls_errf(err, errlen, "out of memory");
		goto fail;
	}
	if (chmod(path, 0660) < 0 || listen(s->fd, CONTROL_BACKLOG) < 0) {
		ls_errf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (s->ngids > 0 && chown(path, (uid_t)-1, s->gids[0]) < 0)
		logf_(s, 1, "%s: cannot give the socket to group %u: %s", path, (unsigned)s->gids[0], strerror(errno));
	return s;
fail:
	control_server_free(s);
	return NULL;
}

void
control_server_free(struct control_server *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_free(s->conns);
	if (s->quiet_n > 0)
		logf_(s, 1, "control: %lu more refused or dropped connections not logged", s->quiet_n);
	while (s->peers != NULL) {
		struct peer *p = s->peers;
		s->peers = p->next;
		free(p);
	}
	if (s->lev != NULL)
		event_free(s->lev);
	if (s->relisten != NULL)
		event_free(s->relisten);
	cap_unwatch(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
	free(s->uids);
	free(s->gids);
	free(s);
}

void
control_server_set_events(struct control_server *s, struct event_bus *bus)
{
	s->events = bus;
}

void
control_server_set_deadline(struct control_server *s, int ms)
{
	s->deadline_ms = ms > 0 ? ms : CONTROL_REQUEST_MS;
}

int
control_server_fd(const struct control_server *s)
{
	return s->fd;
}

int
control_server_share_fd(const struct control_server *s, int fd)
{
	/* mode first: should the group change fail, the file is still not world-readable */
	if (fchmod(fd, 0640) < 0)
		return -1;
	if (s->ngids > 0 && fchown(fd, (uid_t)-1, s->gids[0]) < 0)
		return -1;
	return 0;
}

/* ---- connections ---- */

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Refusals and drops can come by the thousand from one hostile client: log
 * the first in each second, then how many were left out, so the log stays
 * readable and logging never becomes the cost. */
static void log_limited(struct control_server *, const char *, ...) __attribute__((format(printf, 2, 3)));
static void
log_limited(struct control_server *s, const char *fmt, ...)
{
	long long now = ms_now();
	char buf[512];
	va_list ap;

	if (s->quiet_since != 0 && now - s->quiet_since < 1000) {
		s->quiet_n++;
		return;
	}
	if (s->quiet_n > 0)
		logf_(s, 1, "control: %lu more refused or dropped connections not logged", s->quiet_n);
	s->quiet_n = 0;
	s->quiet_since = now;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	logf_(s, 1, "%s", buf);
}

static void
peer_refill(struct peer *p, long long now)
{
	p->tokens += (double)(now - p->refilled_ms) * CONTROL_RATE / 1000.0;
	if (p->tokens > CONTROL_RATE_BURST)
		p->tokens = CONTROL_RATE_BURST;
	p->refilled_ms = now;
}

/* The peer entry for uid, made when needed.  Users with no connection and
 * a full bucket are forgotten on the way, so the list stays as short as
 * the set of users connected lately.  NULL when out of memory. */
static struct peer *
peer_get(struct control_server *s, uid_t uid)
{
	struct peer **pp = &s->peers, *p, *found = NULL;
	long long now = ms_now();

	while ((p = *pp) != NULL) {
		if (p->uid == uid) {
			found = p;
		} else if (p->nconns == 0) {
			peer_refill(p, now);
			if (p->tokens >= CONTROL_RATE_BURST) {
				*pp = p->next;
				free(p);
				continue;
			}
		}
		pp = &p->next;
	}
	if (found != NULL)
		return found;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->uid = uid;
	p->privileged = uid == 0 || uid == geteuid();
	p->tokens = CONTROL_RATE_BURST;
	p->refilled_ms = now;
	p->next = s->peers;
	s->peers = p;
	return p;
}

static void
conn_free(struct control_conn *c)
{
	struct control_server *s = c->srv;
	struct control_conn **pp;

	for (pp = &s->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	s->nconns--;
	if (c->reserve)
		s->nreserve--;
	else if (!c->peer->privileged)
		s->nshared--;
	if (c->longline)
		s->nlong--;
	c->peer->nconns--;
	control_watch_free(c->watch);
	if (c->outcb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->outcb);
	bufferevent_free(c->bev);
	event_free(c->deadline);
	event_free(c->resume);
	free(c);
}

static void
conn_arm_deadline(struct control_conn *c)
{
	struct timeval tv = { c->deadline_ms / 1000, (c->deadline_ms % 1000) * 1000 };

	if (c->watch == NULL)
		event_add(c->deadline, &tv);
}

static void
free_ref(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

/* Queue one answer (taking ownership of it) without copying it. */
static void
conn_queue(struct control_conn *c, char *ans, size_t len)
{
	if (ans == NULL || len == 0) {
		free(ans);
		return;
	}
	if (evbuffer_add_reference(bufferevent_get_output(c->bev), ans, len, free_ref, NULL) < 0) {
		free(ans);
		c->closing = 1;
		return;
	}
	c->added += len;
	if (c->pending_end == 0)
		c->pending_end = c->added;
}

/* Answer with an error, then close once it is sent (or at the deadline). */
static void
conn_fail(struct control_conn *c, const char *code, const char *msg)
{
	struct obuf b = { 0 };

	ob_error(&b, code, msg);
	conn_queue(c, b.oom ? NULL : b.p, b.len);
	if (b.oom)
		free(b.p);
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	evbuffer_drain(bufferevent_get_input(c->bev), evbuffer_get_length(bufferevent_get_input(c->bev)));
}

/* Bytes leave the output buffer: when the oldest unsent answer has gone
 * out, a request is complete and the connection gets a fresh deadline. */
static void
out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct control_conn *c = arg;

	(void)buf;
	c->sent += info->n_deleted;
	if (c->pending_end != 0 && c->sent >= c->pending_end) {
		if (!c->closing)
			conn_arm_deadline(c);
		c->pending_end = c->sent < c->added ? c->added : 0;
	}
}

/* The verb of a request line ("" when there is none). */
static void
line_verb(const char *line, size_t len, char *verb, size_t cap)
{
	size_t n = strlen(CONTROL_VERSION), i = n, k = 0;

	verb[0] = '\0';
	if (len < n || memcmp(line, CONTROL_VERSION, n) != 0)
		return;
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && line[i] != ' ' && k + 1 < cap)
		verb[k++] = line[i++];
	verb[k] = '\0';
}

/* May a line of `len` bytes (so far) be read?  Lines over CONTROL_LINE_MAX
 * are for cap requests only, a few connections at a time.  1 yes, else 0
 * with the error code and message set. */
static int
line_ok(struct control_conn *c, struct evbuffer *in, size_t len, const char **code, char *msg, size_t msglen)
{
	struct control_server *s = c->srv;
	char head[64], verb[16];
	ev_ssize_t n;

	if (len <= CONTROL_LINE_MAX)
		return 1;
	if (c->longline && len <= CONTROL_CAP_LINE_MAX)
		return 1;
	*code = "toolarge";
	if (c->longline) {
		snprintf(msg, msglen, "cap request longer than %d bytes; a CAP document may be at most 1 MiB",
		    CONTROL_CAP_LINE_MAX);
		return 0;
	}
	n = evbuffer_copyout(in, head, sizeof head);
	line_verb(head, n > 0 ? (size_t)n : 0, verb, sizeof verb);
	if (strcmp(verb, "cap") != 0) {
		snprintf(msg, msglen, "request line longer than %d bytes (only cap requests may be longer)", CONTROL_LINE_MAX);
		return 0;
	}
	if (s->nlong >= CONTROL_CAP_LINES) {
		*code = "busy";
		snprintf(msg, msglen, "%d other large cap requests are being received; try again in a moment", CONTROL_CAP_LINES);
		return 0;
	}
	c->longline = 1;
	s->nlong++;
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONTROL_CAP_LINE_MAX + 1);
	return len <= CONTROL_CAP_LINE_MAX;
}

/* The `watch` verb: the connection streams events from now on
 * (control_watch.h; NULL returned, the ok line queued), or gets the error
 * answer returned (malloc'd, length in *anslen). */
static char *
conn_watch(struct control_conn *c, const char *line, size_t *anslen)
{
	const char *args = line + strlen(CONTROL_VERSION), *code = "usage";
	char msg[256];
	struct obuf b = { 0 };

	*anslen = 0;
	while (*args == ' ')
		args++;
	args += strlen("watch");
	while (*args == ' ')
		args++;
	c->watch = control_watch_new(c->srv->events, c->bev, args, &code, msg, sizeof msg);
	if (c->watch != NULL) {
		event_del(c->deadline);
		evbuffer_drain(bufferevent_get_input(c->bev), evbuffer_get_length(bufferevent_get_input(c->bev)));
		return NULL;
	}
	ob_error(&b, code, msg);
	*anslen = b.oom ? 0 : b.len;
	return b.p;
}

/* Answer the complete requests buffered on c, as far as the limits allow;
 * reading stops while the client does not read its answers (backpressure)
 * or its user is over the request rate, and resumes from write_cb or the
 * resume event.  May free c. */
static void
conn_process(struct control_conn *c)
{
	struct control_server *s = c->srv;
	struct evbuffer *in = bufferevent_get_input(c->bev), *out = bufferevent_get_output(c->bev);
	const char *code = NULL;
	char msg[256];

	if (c->closing) {
		if (evbuffer_get_length(out) == 0)
			conn_free(c);
		return;
	}
	if (c->watch != NULL) {
		/* a watcher only listens: what it sends is ignored, its EOF ends it */
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->eof) {
			conn_free(c);
			return;
		}
		control_watch_resume(c->watch);
		return;
	}
	for (int done = 0;; done++) {
		struct evbuffer_ptr start, eol;
		size_t eollen = 0, len, anslen;
		char *line, *ans, verb[16];

		if (evbuffer_get_length(out) >= CONTROL_OUT_HIGH) {
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		evbuffer_ptr_set(in, &start, c->scanned, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &start, &eollen, EVBUFFER_EOL_LF);
		len = eol.pos >= 0 ? (size_t)eol.pos : evbuffer_get_length(in);
		if (!line_ok(c, in, len, &code, msg, sizeof msg)) {
			conn_fail(c, code, msg);
			log_limited(s, "control: uid %u (pid %d): %s; connection closed", (unsigned)c->uid, (int)c->pid, msg);
			return;
		}
		if (eol.pos < 0) {
			c->scanned = len;
			if (c->eof) {
				/* an unfinished last line is no request */
				c->closing = 1;
				if (evbuffer_get_length(out) == 0)
					conn_free(c);
				return;
			}
			break;
		}
		if (done == CONTROL_LINES_PER_WAKE) {
			/* let the boards have the loop; go on at once after them */
			event_active(c->resume, EV_TIMEOUT, 0);
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		if (!c->peer->privileged) {
			peer_refill(c->peer, ms_now());
			if (c->peer->tokens < 1) {
				double wait = (1 - c->peer->tokens) * 1000.0 / CONTROL_RATE;
				struct timeval tv = { 0, (long)(wait * 1000) + 1000 };
				bufferevent_disable(c->bev, EV_READ);
				event_add(c->resume, &tv);
				return;
			}
			c->peer->tokens -= 1;
		}
		line = malloc(len + 1);
		if (line == NULL) {
			conn_fail(c, "internal", "out of memory");
			return;
		}
		evbuffer_remove(in, line, len);
		evbuffer_drain(in, eollen);
		line[len] = '\0';
		c->scanned = 0;
		if (c->longline) {
			c->longline = 0;
			s->nlong--;
			bufferevent_setwatermark(c->bev, EV_READ, 0, CONTROL_LINE_MAX + 1);
		}
		/* CRLF is a line end too (telnet, socat CRLF, Windows tools) */
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		line_verb(line, len, verb, sizeof verb);
		if (memchr(line, '\0', len) != NULL) {
			struct obuf b = { 0 };
			ob_error(&b, "usage", "NUL byte in request");
			ans = b.p;
			anslen = b.oom ? 0 : b.len;
		} else if (c->reserve && strcmp(verb, "alert") != 0 && strcmp(verb, "clear") != 0) {
			struct obuf b = { 0 };
			ob_error(&b, "busy", "the control socket is full: only alert and clear are taken now; try again");
			ans = b.p;
			anslen = b.oom ? 0 : b.len;
		} else if (strcmp(verb, "watch") == 0) {
			ans = conn_watch(c, line, &anslen);
		} else {
			ans = handle_line(s, line, srv_now(s), &anslen, c->uid);
		}
		free(line);
		conn_queue(c, ans, anslen);
		if (c->closing || c->watch != NULL)
			return;
	}
	if (!c->eof)
		bufferevent_enable(c->bev, EV_READ);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_process(arg);
}

/* The client has read its answers down to CONTROL_OUT_LOW (or all of them). */
static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_process(arg);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct control_conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		/* `printf REQUEST | socat - UNIX:...` shuts its side after the
		 * request: it still gets its answer */
		c->eof = 1;
		conn_process(c);
		return;
	}
	conn_free(c);
}

static void
conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_process(arg);
}

static void
conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control_conn *c = arg;

	(void)fd;
	(void)what;
	log_limited(c->srv, "control: closed a connection of uid %u (pid %d) that completed no request in %d ms",
	    (unsigned)c->uid, (int)c->pid, c->deadline_ms);
	conn_free(c);
}

/* Tell a peer why it is refused and close; best effort: a fresh socket
 * buffer always takes one short line. */
static void
refuse(struct control_server *s, int fd, const char *code, const char *msg)
{
	struct obuf b = { 0 };

	ob_error(&b, code, msg);
	if (!b.oom && send(fd, b.p, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	free(b.p);
	close(fd);
	log_limited(s, "control: refused: %s", msg);
}

/* A new connection: check who it is and whether there is room for it. */
static void
accept_fd(struct control_server *s, int fd)
{
	struct control_conn *c;
	struct peer *p;
	struct ucred cr;
	socklen_t len = sizeof cr;
	char msg[200];
	int reserve = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof cr) {
		logf_(s, 1, "%s: cannot read the peer's credentials: %s; refused", s->path, strerror(errno));
		close(fd);
		return;
	}
	if (!peer_allowed(s, cr.uid, cr.gid)) {
		snprintf(msg, sizeof msg, "user %u (pid %d) is not allowed on the control socket; "
		    "add it to control_users or control_groups", (unsigned)cr.uid, (int)cr.pid);
		refuse(s, fd, "denied", msg);
		return;
	}
	if ((p = peer_get(s, cr.uid)) == NULL) {
		refuse(s, fd, "internal", "out of memory");
		return;
	}
	if (p->privileged) {
		if (s->nconns >= CONTROL_CONN_MAX) {
			snprintf(msg, sizeof msg, "all %d control connections are in use; try again", CONTROL_CONN_MAX);
			refuse(s, fd, "busy", msg);
			return;
		}
	} else if (p->nconns >= CONTROL_CONN_PER_UID) {
		snprintf(msg, sizeof msg, "user %u already has %d control connections open (the limit); "
		    "close one and try again", (unsigned)cr.uid, CONTROL_CONN_PER_UID);
		refuse(s, fd, "busy", msg);
		return;
	} else if (s->nshared >= CONTROL_CONN_SHARED) {
		if (s->nreserve >= CONTROL_CONN_ALERT_RESERVE) {
			snprintf(msg, sizeof msg, "the control socket is full (%d connections of other users); try again",
			    CONTROL_CONN_SHARED + CONTROL_CONN_ALERT_RESERVE);
			refuse(s, fd, "busy", msg);
			return;
		}
		reserve = 1;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		refuse(s, fd, "internal", "out of memory");
		return;
	}
	c->srv = s;
	c->peer = p;
	c->uid = cr.uid;
	c->pid = cr.pid;
	c->reserve = reserve;
	c->deadline_ms = reserve ? CONTROL_RESERVE_MS : s->deadline_ms;
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(s->base, conn_deadline_cb, c);
	c->resume = evtimer_new(s->base, conn_resume_cb, c);
	if (c->bev == NULL || c->deadline == NULL || c->resume == NULL ||
	    (c->outcb = evbuffer_add_cb(bufferevent_get_output(c->bev), out_cb, c)) == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->deadline != NULL)
			event_free(c->deadline);
		if (c->resume != NULL)
			event_free(c->resume);
		free(c);
		logf_(s, 1, "control: out of memory for a connection of uid %u", (unsigned)cr.uid);
		return;
	}
	/* input holds at most one line; output is watched down to CONTROL_OUT_LOW */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONTROL_LINE_MAX + 1);
	bufferevent_setwatermark(c->bev, EV_WRITE, CONTROL_OUT_LOW, 0);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ);
	conn_arm_deadline(c);
	c->next = s->conns;
	s->conns = c;
	s->nconns++;
	p->nconns++;
	if (reserve)
		s->nreserve++;
	else if (!p->privileged)
		s->nshared++;
}

/* ---- requests ---- */

/* Offset of the first control character in t (C0 but line feed, DEL, or a
 * C1 code point U+0080..U+009F), or -1.  Alert text reaches terminals
 * (`ledsign alerts`, logs) as well as boards: ESC or CSI there could move
 * the cursor, retitle the window or hide other lines.  A line feed stays,
 * as in the config's text: it breaks the line on the board. */
static long
control_char_at(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return (long)(p - (const unsigned char *)t);
	}
	return -1;
}

static void
req_alert(struct control_server *s, const char *args, long long now, uid_t uid, struct obuf *b)
{
	struct alert a;
	char key[32], err[512], id[ALERT_ID_MAX + 1], *val;
	const char *cur = args;
	long long dur = -1;
	long at;
	int r, have_start = 0;

	memset(&a, 0, sizeof a);
	a.level = ALERT_EMERGENCY;
	val = malloc(strlen(args) + 1);
	if (val == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	while ((r = kv_next(&cur, key, sizeof key, val, strlen(args) + 1, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0) {
			if (!alert_id_valid(val)) {
				snprintf(err, sizeof err, "bad id \"%.100s\": use 1..%d letters, digits and ._:@- starting with a letter or digit",
				    val, ALERT_ID_MAX);
				goto bad;
			}
			snprintf(a.id, sizeof a.id, "%s", val);
		} else if (strcmp(key, "text") == 0) {
			free(a.text);
			if ((a.text = strdup(val)) == NULL)
				goto oom;
		} else if (strcmp(key, "level") == 0) {
			if (alert_level_parse(val, &a.level) < 0) {
				snprintf(err, sizeof err, "bad level \"%.40s\": use info, warning or emergency", val);
				goto bad;
			}
		} else if (strcmp(key, "boards") == 0 || strcmp(key, "groups") == 0) {
			struct ls_strlist *l = key[0] == 'b' ? &a.boards : &a.groups;
			struct ls_strlist nl;
			if (alert_names_parse(val, &nl, key, err, sizeof err) < 0)
				goto bad;
			ls_strlist_free(l);
			*l = nl;
		} else if (strcmp(key, "start") == 0) {
			if (kv_num(val, &a.start) < 0) {
				snprintf(err, sizeof err, "bad start \"%.40s\": Unix seconds", val);
				goto bad;
			}
			have_start = 1;
		} else if (strcmp(key, "expires") == 0) {
			if (kv_num(val, &a.expires) < 0) {
				snprintf(err, sizeof err, "bad expires \"%.40s\": Unix seconds", val);
				goto bad;
			}
		} else if (strcmp(key, "for") == 0) {
			if (kv_num(val, &dur) < 0 || dur <= 0 || dur > 366LL * 86400) {
				snprintf(err, sizeof err, "bad for \"%.40s\": seconds, 1..31622400", val);
				goto bad;
			}
		} else if (strcmp(key, "source") == 0) {
			free(a.source);
			if ((a.source = strdup(val)) == NULL)
				goto oom;
		} else {
			snprintf(err, sizeof err, "unknown key \"%s\" for alert (id, text, level, boards, groups, start, expires, for, source)", key);
			goto bad;
		}
	}
	if (r < 0)
		goto bad;
	if (!have_start)
		a.start = now;
	if (dur > 0) {
		if (a.expires != 0) {
			snprintf(err, sizeof err, "give either for or expires, not both");
			goto bad;
		}
		a.expires = a.start + dur;
	}
	if (a.expires != 0 && a.expires <= now) {
		snprintf(err, sizeof err, "the alert would already have expired");
		goto bad;
	}
	if (a.source == NULL) {
		char src[48];
		snprintf(src, sizeof src, "control:uid=%u", (unsigned)uid);
		if ((a.source = strdup(src)) == NULL)
			goto oom;
	}
	if (a.text != NULL && (at = control_char_at(a.text)) >= 0) {
		snprintf(err, sizeof err, "text holds a control character (byte 0x%02x at offset %ld); "
		    "alert text must be printable (a line feed is allowed)", (unsigned char)a.text[at], at);
		goto bad;
	}
	if ((at = control_char_at(a.source)) >= 0) {
		snprintf(err, sizeof err, "source holds a control character (byte 0x%02x at offset %ld)",
		    (unsigned char)a.source[at], at);
		goto bad;
	}
	if (alert_validate(&a, err, sizeof err) < 0)
		goto bad;
	if ((r = alert_store_put(s->store, &a, now, id, err, sizeof err)) < 0) {
		ob_error(b, r == ALERT_STORE_FULL ? "full" : "io", err);
		logf_(s, 1, "control: alert not stored: %s", err);
		goto done;
	}
	logf_(s, 0, "control: alert %s stored (%s, uid %u)", id, alert_level_name(a.level), (unsigned)uid);
	if (s->ops.changed)
		s->ops.changed(s->arg);
	ob_line(b, "ok", "id", id, (const char *)NULL);
	goto done;
oom:
	snprintf(err, sizeof err, "out of memory");
bad:
	ob_error(b, "usage", err);
done:
	free(val);
	alert_clear(&a);
}

static void
req_clear(struct control_server *s, const char *args, long long now, uid_t uid, struct obuf *b)
{
	char key[32], val[ALERT_ID_MAX * 3 + 8], err[512], num[32];
	const char *cur = args;
	int r, all = 0, n, unrec = 0;

	val[0] = '\0';
	char id[ALERT_ID_MAX + 1] = "";
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0 && strlen(val) <= ALERT_ID_MAX)
			snprintf(id, sizeof id, "%s", val);
		else if (strcmp(key, "all") == 0 && strcmp(val, "1") == 0)
			all = 1;
		else {
			snprintf(err, sizeof err, "clear takes id=ID or all=1");
			r = -1;
			break;
		}
	}
	if (r < 0 || (id[0] == '\0') == !all) {
		ob_error(b, "usage", r < 0 ? err : "clear takes id=ID or all=1");
		return;
	}
	/* Off the boards even when state_dir cannot record it: a false alarm
	 * must always come down.  What could not be recorded is said. */
	n = alert_store_withdraw(s->store, all ? NULL : id, &unrec, err, sizeof err);
	if (n == 0 && !all) {
		snprintf(err, sizeof err, "no alert with id %s (ledsign status lists the active ones)", id);
		ob_error(b, "notfound", err);
		return;
	}
	logf_(s, 0, "control: cleared %s (uid %u)", all ? "all alerts" : id, (unsigned)uid);
	if (n > 0 && s->ops.changed)
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", n);
	if (unrec > 0) {
		char msg[1024], nu[32];

		logf_(s, 1, "control: %d cleared alert(s) taken off the boards but not recorded: %s", unrec, err);
		snprintf(msg, sizeof msg, "taken off the boards, but not recorded: %s; until it is, a restart of "
		    "the daemon shows it again: make the state directory writable and run the clear again "
		    "(or delete the file by hand)", err);
		snprintf(nu, sizeof nu, "%d", unrec);
		ob_line(b, "ok", "cleared", num, "unrecorded", nu, "message", msg, (const char *)NULL);
		return;
	}
	ob_line(b, "ok", "cleared", num, (const char *)NULL);
	(void)now;
}

static void
req_status(struct control_server *s, long long now, struct obuf *b)
{
	size_t n = alert_store_count(s->store), cap = 64 * 1024;
	char *rec = malloc(cap), num[32], nowbuf[32];

	if (rec == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct alert *a = alert_store_at(s->store, i);
		if (alert_format(a, rec, cap) < 0)
			continue;
		ob_add(b, "alert ", 6);
		ob_add(b, rec, strlen(rec));
		ob_add(b, "\n", 1);
	}
	free(rec);
	snprintf(num, sizeof num, "%zu", n);
	snprintf(nowbuf, sizeof nowbuf, "%lld", now);
	ob_line(b, "ok", "count", num, "now", nowbuf, (const char *)NULL);
}

static void
req_reload(struct control_server *s, struct obuf *b)
{
	char err[512] = "reload is not supported by this daemon";

	if (s->ops.reload == NULL || s->ops.reload(s->arg, err, sizeof err) < 0) {
		ob_error(b, "reload", err);
		return;
	}
	ob_line(b, "ok", (const char *)NULL);
}

/* Parse and apply one CAP document; the answer (or an error) goes to b. */
static int
apply_cap(struct control_server *s, const char *doc, size_t len, const char *name, long long now,
    struct obuf *b, int from_dir)
{
	struct cap_result r;
	char err[512], id[ALERT_ID_MAX + 1], num[16];
	int removed = 0, rc;

	/* the daemon parses in its parser process; tests and tools in this one */
	rc = s->ops.cap_parse ? s->ops.cap_parse(s->arg, doc, len, name, now, &r, err, sizeof err) :
	    cap_parse(doc, len, name, s->cfg, now, &r, err, sizeof err);
	if (rc < 0) {
		ob_error(b, "cap", err);
		/* a cap_dir file may be half-written: its caller logs once it fails it */
		if (!from_dir)
			logf_(s, 1, "cap: %s", err);
		return rc == CONTROL_CAP_PARSER_FAILED ? rc : -1;
	}
	if (r.action == CAP_IGNORED) {
		ob_line(b, "ok", "action", "ignored", "reason", r.reason, (const char *)NULL);
		logf_(s, 0, "cap: %s: ignored: %s", name, r.reason);
		cap_result_clear(&r);
		return 0;
	}
	if ((rc = cap_apply(s->store, &r, now, id, &removed, err, sizeof err)) < 0) {
		ob_error(b, rc == ALERT_STORE_FULL ? "full" : "io", err);
		logf_(s, 1, "cap: %s: %s", name, err);
		if (s->ops.changed)
			s->ops.changed(s->arg);
		cap_result_clear(&r);
		return -1;
	}
	logf_(s, 0, "cap: %s: %s%s%s, %d cleared", name, cap_action_name(r.action), id[0] ? " " : "", id, removed);
	if (s->ops.changed && (id[0] || removed))
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", removed);
	ob_line(b, "ok", "action", cap_action_name(r.action), "id", id, "cleared", num, (const char *)NULL);
	cap_result_clear(&r);
	return id[0] || removed;
}

static void
req_cap(struct control_server *s, const char *args, long long now, struct obuf *b)
{
	char key[32], err[256], name[128] = "request";
	size_t cap = strlen(args) + 1;
	char *val = malloc(cap), *doc = NULL;
	size_t doclen = 0;
	const char *cur = args;
	int r;

	if (val == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "doc") == 0) {
			free(doc);
			doclen = strlen(val);
			if ((doc = strdup(val)) == NULL)
				break;
		} else if (strcmp(key, "name") == 0) {
			snprintf(name, sizeof name, "%s", val);
		} else {
			snprintf(err, sizeof err, "cap takes doc=XML and name=NAME");
			r = -1;
			break;
		}
	}
	if (r < 0 || doc == NULL)
		ob_error(b, "usage", r < 0 ? err : "cap needs doc=XML (percent-encoded)");
	else
		apply_cap(s, doc, doclen, name, now, b, 0);
	free(doc);
	free(val);
}

/* Handle one line for a peer; the answer is malloc'd (*len bytes). */
static char *
handle_line(struct control_server *s, const char *line, long long now, size_t *len, uid_t uid)
{
	struct obuf b = { 0 };
	const char *sp, *args;
	char verb[16];
	size_t vlen, n = strlen(CONTROL_VERSION);

	if (strncmp(line, CONTROL_VERSION, n) != 0 || (line[n] != ' ' && line[n] != '\0')) {
		ob_error(&b, "version", "expected \"" CONTROL_VERSION " VERB ...\"; is this client from another ledsign version?");
		goto out;
	}
	line += n;
	while (*line == ' ')
		line++;
	sp = strchr(line, ' ');
	vlen = sp ? (size_t)(sp - line) : strlen(line);
	args = sp ? sp + 1 : "";
	if (vlen == 0 || vlen >= sizeof verb) {
		ob_error(&b, "usage", "missing or unknown verb; use alert, clear, status, reload, cap or watch");
		goto out;
	}
	memcpy(verb, line, vlen);
	verb[vlen] = '\0';
	if (strcmp(verb, "alert") == 0)
		req_alert(s, args, now, uid, &b);
	else if (strcmp(verb, "clear") == 0)
		req_clear(s, args, now, uid, &b);
	else if (strcmp(verb, "status") == 0)
		req_status(s, now, &b);
	else if (strcmp(verb, "reload") == 0)
		req_reload(s, &b);
	else if (strcmp(verb, "cap") == 0)
		req_cap(s, args, now, &b);
	else
		ob_error(&b, "usage", "unknown verb; use alert, clear, status, reload, cap or watch");
out:
	if (b.oom) {
		free(b.p);
		b.p = strdup("error code=internal message=out%20of%20memory\n");
		b.len = b.p ? strlen(b.p) : 0;
	}
	*len = b.len;
	return b.p;
}

char *
control_handle_line(struct control_server *s, const char *line, long long now, size_t *len)
{
	return handle_line(s, line, now, len, geteuid());
}

/* ---- watched CAP directory ----
 *
 * Feeders should write elsewhere (or under a dot name) and rename into the
 * directory, but plenty just `cp`.  So a file is taken only when it is
 * complete: one still open for writing is left alone (its IN_CLOSE_WRITE
 * brings us back), and one that does not parse is failed only once it has
 * been still for CAP_SETTLE_MS; until then it may be a writer that paused,
 * and the settle timer looks again. */

#define CAP_SETTLE_MS 3000

/* A file that did not parse and is waiting to settle. */
struct cap_pending {
	char     *name;
	ino_t     ino;
	off_t     size;
	long long mtime_ns;
	long long since_ms;       /* monotonic: when this size and mtime were first seen */
	int       seen;           /* still in the directory at the last scan */
};

static long long ms_now(void);

static int
move_to(int dirfd, const char *sub, const char *name)
{
	char dst[NAME_MAX + 64];

	if (mkdirat(dirfd, sub, 0750) < 0 && errno != EEXIST)
		return -1;
	snprintf(dst, sizeof dst, "%s/%s", sub, name);
	return renameat(dirfd, name, dirfd, dst);
}

/* Move NAME to failed/ and write failed/NAME.error saying why (one line). */
static void
cap_dir_fail(struct control_server *s, int dirfd, const char *dir, const char *name, const char *why)
{
	char en[NAME_MAX + 32];
	int fd;

	if (move_to(dirfd, "failed", name) < 0) {
		logf_(s, 1, "cap_dir %s/%s: cannot move it to failed/ (%s); removing it so it is not applied twice",
		    dir, name, strerror(errno));
		unlinkat(dirfd, name, 0);
		return;
	}
	snprintf(en, sizeof en, "failed/%s.error", name);
	fd = openat(dirfd, en, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd >= 0) {
		if (write(fd, why, strlen(why)) < 0 || write(fd, "\n", 1) < 0)
			(void)0;
		close(fd);
	}
}

/* 1 when some process has the file open for writing.  A read lease is
 * refused (EAGAIN) exactly then; it is dropped at once.  Its break signal
 * is set to SIGURG, ignored by default, so a writer opening the file in
 * that instant cannot kill us with SIGIO.  Without leases (not our file and
 * no CAP_LEASE, NFS) we cannot tell: 0, and the settle time has to do. */
static int
cap_open_for_writing(int fd)
{
	if (fcntl(fd, F_SETSIG, SIGURG) < 0)
		return 0;
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return errno == EAGAIN;
	fcntl(fd, F_SETLEASE, F_UNLCK);
	return 0;
}

static struct cap_pending *
cap_pending_find(struct control_server *s, const char *name)
{
	for (size_t i = 0; i < s->npending; i++)
		if (strcmp(s->pending[i].name, name) == 0)
			return &s->pending[i];
	return NULL;
}

static void
cap_pending_clear(struct control_server *s)
{
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[i].name);
	free(s->pending);
	s->pending = NULL;
	s->npending = 0;
}

/* Forget files no longer in the directory (applied, failed, removed). */
static void
cap_pending_sweep(struct control_server *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->npending; i++) {
		if (s->pending[i].seen) {
			s->pending[i].seen = 0;
			s->pending[j++] = s->pending[i];
		} else {
			free(s->pending[i].name);
		}
	}
	s->npending = j;
}

/* A file that did not parse: has it been still long enough to be failed?
 * If not, remember it; *wait_ms is lowered to when it will have been. */
static int
cap_settled(struct control_server *s, const char *name, const struct stat *st, long long *wait_ms)
{
	struct timespec now;
	long long mt = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	long long age_ms, ms = ms_now(), left;
	struct cap_pending *p = cap_pending_find(s, name);

	clock_gettime(CLOCK_REALTIME, &now);
	age_ms = ((long long)now.tv_sec * 1000000000LL + now.tv_nsec - mt) / 1000000;
	if (p == NULL) {
		struct cap_pending *np = realloc(s->pending, (s->npending + 1) * sizeof *np);
		char *nm = strdup(name);

		if (np == NULL || nm == NULL) {
			free(nm);
			if (np != NULL)
				s->pending = np;
			return 1;     /* cannot keep track: fail it rather than retry for ever */
		}
		s->pending = np;
		p = &s->pending[s->npending++];
		p->name = nm;
		p->since_ms = ms;
	} else if (p->ino != st->st_ino || p->size != st->st_size || p->mtime_ns != mt) {
		p->since_ms = ms;     /* it changed: it is being written */
	}
	p->ino = st->st_ino;
	p->size = st->st_size;
	p->mtime_ns = mt;
	p->seen = 1;
	/* still for the settle time by its mtime (a file from before we started),
	 * or unchanged for that long while we watched (mtime from a skewed clock) */
	if ((age_ms >= CAP_SETTLE_MS) || ms - p->since_ms >= CAP_SETTLE_MS)
		return 1;
	left = CAP_SETTLE_MS - (ms - p->since_ms);
	if (age_ms >= 0 && CAP_SETTLE_MS - age_ms < left)
		left = CAP_SETTLE_MS - age_ms;
	if (left < *wait_ms)
		*wait_ms = left;
	return 0;
}

/* Not a regular file (a symbolic link, FIFO, socket, device): never read,
 * so that no one can make us follow a link or block on a FIFO, and never
 * left lying there silently either. */
static void
cap_dir_refuse(struct control_server *s, int dirfd, const char *dir, const char *name, const struct stat *st)
{
	char why[PATH_MAX + 160], target[PATH_MAX];
	ssize_t n;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		snprintf(why, sizeof why, "a symbolic link (to %s), not followed: copy the file into cap_dir instead",
		    n > 0 ? target : "?");
	} else {
		snprintf(why, sizeof why, "not a regular file (%s): cap_dir takes regular files only",
		    S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISSOCK(st->st_mode) ? "a socket" : "a device");
	}
	logf_(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, why);
	cap_dir_fail(s, dirfd, dir, name, why);
}

/* Read and apply one regular file.  Returns 1 when it changed the alerts,
 * 0 when handled (done/ or failed/), -1 when left for later; *wait_ms is
 * lowered to when a file left for later should be looked at again. */
static int
cap_dir_file(struct control_server *s, int dirfd, const char *dir, const char *name, long long now,
    long long *wait_ms)
{
	struct stat st;
	struct obuf b = { 0 };
	char *doc = NULL;
	ssize_t got;
	int fd, r = -1, ok = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;    /* gone, or swapped for a link: the next scan sees what it is */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (cap_open_for_writing(fd)) {
		close(fd);    /* still being written; IN_CLOSE_WRITE brings us back */
		return -1;
	}
	if (st.st_size > CAP_DOC_MAX) {
		ob_error(&b, "cap", "file larger than 1 MiB; not read");
	} else if ((doc = malloc((size_t)st.st_size + 1)) == NULL) {
		ob_error(&b, "io", "out of memory");
	} else if ((got = read(fd, doc, (size_t)st.st_size)) < 0) {
		ob_error(&b, "io", strerror(errno));
	} else {
		r = apply_cap(s, doc, (size_t)got, name, now, &b, 1);
		ok = r >= 0;
	}
	close(fd);
	free(doc);
	/* a document the parser died on is not waited for: a half-written file
	 * does not crash a parser, and a second try would only crash it again */
	if (!ok && r != CONTROL_CAP_PARSER_FAILED && !cap_settled(s, name, &st, wait_ms)) {
		free(b.p);
		return -1;
	}
	if (ok) {
		if (move_to(dirfd, "done", name) < 0) {
			logf_(s, 1, "cap_dir %s/%s: cannot move it to done/ (%s); removing it so it is not applied twice",
			    dir, name, strerror(errno));
			unlinkat(dirfd, name, 0);
		}
	} else {
		char msg[1024];

		if (b.oom || control_line_get(b.p, "message", msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "%s", b.p && !b.oom ? b.p : "out of memory");
		logf_(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, msg);
		cap_dir_fail(s, dirfd, dir, name, msg);
	}
	free(b.p);
	return r > 0;
}

/* Scan; *wait_ms (when not NULL) gets how long until a file left for later
 * should be looked at again, or -1 when none needs a timer. */
static int
cap_dir_scan(struct control_server *s, long long now, long long *wait_ms)
{
	const char *dir = s->cfg ? s->cfg->cap_dir : NULL;
	long long wait = LLONG_MAX;
	DIR *d;
	struct dirent *de;
	int dirfd, dfd, changed = 0;

	if (wait_ms != NULL)
		*wait_ms = -1;
	if (dir == NULL)
		return 0;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		logf_(s, 1, "cap_dir %s: %s", dir, strerror(errno));
		return 0;
	}
	dfd = dup(dirfd);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		close(dirfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;     /* done/, failed/ and other directories are not ours to take */
		if (!S_ISREG(st.st_mode))
			cap_dir_refuse(s, dirfd, dir, de->d_name, &st);
		else if (cap_dir_file(s, dirfd, dir, de->d_name, now, &wait) > 0)
			changed++;
	}
	closedir(d);
	close(dirfd);
	cap_pending_sweep(s);
	if (wait_ms != NULL && wait != LLONG_MAX)
		*wait_ms = wait;
	return changed;
}

int
control_cap_dir_scan(struct control_server *s, long long now)
{
	return cap_dir_scan(s, now, NULL);
}

/* ---- libevent glue ---- */

static void
listen_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *s = arg;

	(void)fd;
	(void)what;
	/* a bounded batch per wake: a connection storm must not starve the boards */
	for (int i = 0; i < CONTROL_ACCEPT_PER_WAKE; i++) {
		int cfd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* the pending connection stays readable: without a pause
				 * this would spin; accept again in a second */
				struct timeval tv = { 1, 0 };
				log_limited(s, "%s: accept: %s; pausing new connections for a second", s->path, strerror(errno));
				event_del(s->lev);
				event_add(s->relisten, &tv);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
				log_limited(s, "%s: accept: %s", s->path, strerror(errno));
			}
			return;
		}
		accept_fd(s, cfd);
	}
}

/* Scan; when a file waits to settle, look again once it will have. */
static void
cap_scan_and_rearm(struct control_server *s)
{
	long long wait;

	cap_dir_scan(s, srv_now(s), &wait);
	if (wait >= 0 && s->capsettle != NULL) {
		struct timeval tv;

		wait += 50;   /* past the settle time, not a hair before it */
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		event_add(s->capsettle, &tv);
	}
}

static void
relisten_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *s = arg;

	(void)fd;
	(void)what;
	event_add(s->lev, NULL);
}

static void
cap_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *s = arg;
	char buf[4096];

	(void)what;
	if (fd >= 0)
		while (read(fd, buf, sizeof buf) > 0)
			;
	cap_scan_and_rearm(s);
}

/* Stop watching the CAP directory. */
static void
cap_unwatch(struct control_server *s)
{
	if (s->capev != NULL)
		event_free(s->capev);
	if (s->captimer != NULL)
		event_free(s->captimer);
	if (s->capsettle != NULL)
		event_free(s->capsettle);
	if (s->inotify_fd >= 0)
		close(s->inotify_fd);
	s->capev = s->captimer = s->capsettle = NULL;
	s->inotify_fd = -1;
	free(s->watched);
	s->watched = NULL;
	cap_pending_clear(s);
}

/* Watch the config's cap_dir (again, when a reload changed it). */
static int
cap_watch(struct control_server *s, char *err, size_t errlen)
{
	const char *dir = s->cfg ? s->cfg->cap_dir : NULL;
	struct timeval tv = { 5, 0 };

	if (s->base == NULL)
		return 0;
	if ((dir == NULL && s->watched == NULL) || (dir && s->watched && strcmp(dir, s->watched) == 0))
		return 0;
	cap_unwatch(s);
	if (dir == NULL)
		return 0;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		ls_errf(err, errlen, "cap_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((s->watched = strdup(dir)) == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd >= 0 && inotify_add_watch(s->inotify_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) >= 0) {
		s->capev = event_new(s->base, s->inotify_fd, EV_READ | EV_PERSIST, cap_event, s);
		if (s->capev != NULL)
			event_add(s->capev, NULL);
	}
	/* a slow rescan as well: inotify does not see every network file system */
	s->captimer = event_new(s->base, -1, EV_PERSIST, cap_event, s);
	if (s->captimer != NULL)
		event_add(s->captimer, &tv);
	s->capsettle = evtimer_new(s->base, cap_event, s);
	cap_scan_and_rearm(s);
	return 0;
}

int
control_server_attach(struct control_server *s, struct event_base *base, char *err, size_t errlen)
{
	s->base = base;
	s->lev = event_new(base, s->fd, EV_READ | EV_PERSIST, listen_event, s);
	s->relisten = evtimer_new(base, relisten_event, s);
	if (s->lev == NULL || s->relisten == NULL || event_add(s->lev, NULL) < 0) {
		ls_errf(err, errlen, "cannot watch the control socket");
		return -1;
	}
	return cap_watch(s, err, errlen);
}

/* ---- client ---- */

int
control_request(const char *path, const char *request, int timeout_ms,
    control_line_fn fn, void *arg, char *final, size_t finalcap, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	long long deadline = ms_now() + timeout_ms;
	size_t reqlen = strlen(CONTROL_VERSION) + 1 + strlen(request) + 1, off = 0, inlen = 0, incap = 65536;
	char *req = NULL, *in = NULL;
	int fd = -1, rc = -1;

	if (final && finalcap)
		final[0] = '\0';
	if (strlen(path) >= sizeof sa.sun_path) {
		ls_errf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	req = malloc(reqlen + 1);
	in = malloc(incap);
	if (req == NULL || in == NULL) {
		ls_errf(err, errlen, "out of memory");
		goto done;
	}
	snprintf(req, reqlen + 1, "%s %s\n", CONTROL_VERSION, request);
	reqlen = strlen(req);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			ls_errf(err, errlen, "%s: no ledsign daemon is listening (is `ledsign play` running?)", path);
		else if (e == EACCES || e == EPERM)
			ls_errf(err, errlen, "%s: permission denied; ask for your user to be added to control_users or control_groups", path);
		else
			ls_errf(err, errlen, "%s: cannot connect: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		free(req);
		free(in);
		errno = e == EPERM ? EACCES : e;
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p = { fd, (short)(off < reqlen ? POLLIN | POLLOUT : POLLIN), 0 };
		long long left = deadline - ms_now();
		char *nl;

		if (left <= 0) {
			ls_errf(err, errlen, "%s: no answer within %d ms", path, timeout_ms);
			goto done;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			ls_errf(err, errlen, "poll: %s", strerror(errno));
			goto done;
		}
		if ((p.revents & POLLOUT) && off < reqlen) {
			ssize_t w = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR && errno != EPIPE && errno != ECONNRESET) {
				ls_errf(err, errlen, "%s: send: %s", path, strerror(errno));
				goto done;
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r;
			if (incap - inlen < 4096) {
				char *np = realloc(in, incap * 2);
				if (np == NULL) {
					ls_errf(err, errlen, "out of memory");
					goto done;
				}
				in = np;
				incap *= 2;
			}
			r = recv(fd, in + inlen, incap - inlen - 1, 0);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				ls_errf(err, errlen, "%s: the daemon closed the connection without an answer", path);
				goto done;
			}
			inlen += (size_t)r;
			in[inlen] = '\0';
			while ((nl = memchr(in, '\n', inlen)) != NULL) {
				size_t ll = (size_t)(nl - in);
				*nl = '\0';
				if (strncmp(in, "ok", 2) == 0 && (in[2] == ' ' || in[2] == '\0'))
					rc = 0;
				else if (strncmp(in, "error", 5) == 0 && (in[5] == ' ' || in[5] == '\0'))
					rc = 1;
				if (rc >= 0) {
					if (final && finalcap)
						snprintf(final, finalcap, "%s", in);
					goto done;
				}
				if (fn != NULL)
					fn(arg, in);
				memmove(in, nl + 1, inlen - ll - 1);
				inlen -= ll + 1;
			}
		}
	}
done:
	if (fd >= 0)
		close(fd);
	free(req);
	free(in);
	if (rc < 0)
		errno = EIO;   /* not EACCES: only a refused connect says that */
	return rc;
}

int
control_line_get(const char *line, const char *key, char *val, size_t valcap)
{
	const char *rec = strchr(line, ' ');

	return rec == NULL ? -1 : kv_get(rec, key, val, valcap);
}
