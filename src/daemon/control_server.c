/*
 * control_server.c — the control socket: listening, connections and every
 * limit control.h lists.  A line's meaning and who may send it are the
 * verb table's (control_verbs.c); the peer's role is control_acl.c's.
 */
#include "util/diag.h"
#include "daemon/control_int.h"
#include "daemon/control_watch.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
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

void
control_logf(struct control_server *s, int level, const char *fmt, ...)
{
	va_list ap;

	(void)s;
	va_start(ap, fmt);
	log_vmsg(level ? LOG_LV_WARN : LOG_LV_INFO, "control", NULL, fmt, ap);
	va_end(ap);
}

long long
control_srv_now(struct control_server *s)
{
	return s->ops.now ? s->ops.now(s->arg) : (long long)time(NULL);
}

static void conn_free(struct control_conn *);

/* Give the socket file to the acl's group, when there is one. */
static void
chown_socket(struct control_server *s)
{
	if (s->path != NULL && s->acl != NULL && s->acl->have_group && chown(s->path, (uid_t)-1, s->acl->group) < 0)
		control_logf(s, 1, "%s: cannot give the socket to group %u: %s", s->path, (unsigned)s->acl->group,
		    strerror(errno));
}

int
control_server_set_config(struct control_server *s, const struct ls_config *cfg, char *err, size_t errlen)
{
	struct control_acl *acl;

	/* the old config is about to be freed by the caller: never keep pointing at it */
	s->cfg = cfg;
	if (control_cap_watch(s, err, errlen) < 0)
		control_logf(s, 1, "%s", err);
	if ((acl = control_acl_new(s, cfg, err, errlen)) == NULL)
		return -1;
	control_acl_free(s->acl);
	s->acl = acl;
	chown_socket(s);
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
	chown_socket(s);
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
	control_capq_clear(s);
	control_staffjob_server_gone(s);
	while (s->conns != NULL)
		conn_free(s->conns);
	if (s->quiet_n > 0)
		control_logf(s, 1, "control: %lu more refused or dropped connections and denied requests not logged", s->quiet_n);
	while (s->peers != NULL) {
		struct control_peer *p = s->peers;
		s->peers = p->next;
		free(p);
	}
	if (s->lev != NULL)
		event_free(s->lev);
	if (s->relisten != NULL)
		event_free(s->relisten);
	control_cap_unwatch(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
	control_acl_free(s->acl);
	free(s);
}

void
control_server_set_events(struct control_server *s, struct event_bus *bus)
{
	s->events = bus;
}

void
control_server_set_audit(struct control_server *s, struct audit *a)
{
	s->audit = a;
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

/* ---- connections ---- */

/* Refusals and drops can come by the thousand from one hostile client: log
 * the first in each second, then how many were left out, so the log stays
 * readable and logging never becomes the cost. */
void
control_log_limited(struct control_server *s, const char *fmt, ...)
{
	long long now = control_ms_now();
	char buf[512];
	va_list ap;

	if (s->quiet_since != 0 && now - s->quiet_since < 1000) {
		s->quiet_n++;
		return;
	}
	if (s->quiet_n > 0)
		control_logf(s, 1, "control: %lu more refused or dropped connections and denied requests not logged", s->quiet_n);
	s->quiet_n = 0;
	s->quiet_since = now;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	control_logf(s, 1, "%s", buf);
}

static void
peer_refill(struct control_peer *p, long long now)
{
	p->tokens += (double)(now - p->refilled_ms) * CONTROL_RATE / 1000.0;
	if (p->tokens > CONTROL_RATE_BURST)
		p->tokens = CONTROL_RATE_BURST;
	p->refilled_ms = now;
}

/* The peer entry for uid, made when needed.  Users with no connection and
 * a full bucket are forgotten on the way, so the list stays as short as
 * the set of users connected lately.  NULL when out of memory. */
static struct control_peer *
peer_get(struct control_server *s, uid_t uid)
{
	struct control_peer **pp = &s->peers, *p, *found = NULL;
	long long now = control_ms_now();

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

	if (c->capjob != NULL)
		c->capjob->conn = NULL;   /* still applied when parsed, not answered */
	if (c->staffjob != NULL)
		control_staffjob_conn_gone(c);   /* still saved when checked, not answered */
	control_watch_free(c->watch);
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

	/* a watcher streams for as long as it likes; a `cap` request waits for
	 * the parser, which has its own limit */
	if (c->watch == NULL && c->capjob == NULL && c->staffjob == NULL)
		event_add(c->deadline, &tv);
}

void
control_conn_answer_held(struct control_conn *c, struct control_obuf *b)
{
	control_ob_settle(b);
	control_conn_queue(c, b->p, b->len);
	/* conn_process goes on with its lines (and the deadline is armed again
	 * once the answer is out) */
	event_active(c->resume, EV_TIMEOUT, 0);
}

static void
free_ref(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

/* Queue one answer (taking ownership of it) without copying it. */
void
control_conn_queue(struct control_conn *c, char *ans, size_t len)
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
	struct control_obuf b = { 0 };

	control_ob_error(&b, code, msg);
	control_conn_queue(c, b.oom ? NULL : b.p, b.len);
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
	const struct control_verb *v;
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
	if ((v = control_verb_find(verb, strlen(verb))) == NULL || !(v->flags & CONTROL_VERB_LONGLINE)) {
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
	if (c->capjob != NULL || c->staffjob != NULL)
		return;     /* its `cap` request is at the parser, or its save at the checker:
		             * control_conn_answer_held resumes it */
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
		const struct control_verb *v;

		if (evbuffer_get_length(out) >= CONTROL_OUT_HIGH) {
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		evbuffer_ptr_set(in, &start, c->scanned, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &start, &eollen, EVBUFFER_EOL_LF);
		len = eol.pos >= 0 ? (size_t)eol.pos : evbuffer_get_length(in);
		if (!line_ok(c, in, len, &code, msg, sizeof msg)) {
			conn_fail(c, code, msg);
			control_log_limited(s, "control: uid %u (pid %d): %s; connection closed", (unsigned)c->uid, (int)c->pid, msg);
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
			peer_refill(c->peer, control_ms_now());
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
			struct control_obuf b = { 0 };
			control_ob_error(&b, "usage", "NUL byte in request");
			ans = b.p;
			anslen = b.oom ? 0 : b.len;
		} else if (c->reserve && ((v = control_verb_find(verb, strlen(verb))) == NULL ||
		    !(v->flags & CONTROL_VERB_RESERVE))) {
			struct control_obuf b = { 0 };
			control_ob_error(&b, "busy", "the control socket is full: only alert and clear are taken now; try again");
			ans = b.p;
			anslen = b.oom ? 0 : b.len;
		} else {
			ans = control_dispatch(s, c, line, control_srv_now(s), c->uid, c->role, &anslen);
		}
		free(line);
		control_conn_queue(c, ans, anslen);
		if (c->capjob != NULL || c->staffjob != NULL) {
			/* no request is taken until its answer is queued; reading goes
			 * on (bounded by the watermark) so a client that goes is seen */
			event_del(c->deadline);
			return;
		}
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
	control_log_limited(c->srv, "control: closed a connection of uid %u (pid %d) that completed no request in %d ms",
	    (unsigned)c->uid, (int)c->pid, c->deadline_ms);
	conn_free(c);
}

/* Tell a peer why it is refused and close; best effort: a fresh socket
 * buffer always takes one short line. */
static void
refuse(struct control_server *s, int fd, const char *code, const char *msg)
{
	struct control_obuf b = { 0 };

	control_ob_error(&b, code, msg);
	if (!b.oom && send(fd, b.p, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	free(b.p);
	close(fd);
	control_log_limited(s, "control: refused: %s", msg);
}

/* A new connection: check who it is and whether there is room for it. */
static void
accept_fd(struct control_server *s, int fd)
{
	struct control_conn *c;
	struct control_peer *p;
	struct ucred cr;
	socklen_t len = sizeof cr;
	char msg[200];
	int reserve = 0;
	enum control_role role;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof cr) {
		control_logf(s, 1, "%s: cannot read the peer's credentials: %s; refused", s->path, strerror(errno));
		close(fd);
		return;
	}
	if ((role = control_acl_role(s->acl, cr.uid, cr.gid)) == CONTROL_ROLE_NONE) {
		snprintf(msg, sizeof msg, "user %u (pid %d) is not allowed on the control socket; "
		    "add it to control_viewers, control_operators or control_admins (or a *_groups list)",
		    (unsigned)cr.uid, (int)cr.pid);
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
	c->role = role;
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
		control_logf(s, 1, "control: out of memory for a connection of uid %u", (unsigned)cr.uid);
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
				control_log_limited(s, "%s: accept: %s; pausing new connections for a second", s->path, strerror(errno));
				event_del(s->lev);
				event_add(s->relisten, &tv);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
				control_log_limited(s, "%s: accept: %s", s->path, strerror(errno));
			}
			return;
		}
		accept_fd(s, cfd);
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
	return control_cap_watch(s, err, errlen);
}
