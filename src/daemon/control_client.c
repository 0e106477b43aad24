/*
 * control_client.c — the client side of the control socket (control.h):
 * one request on the caller's libevent loop, never blocking it, and a
 * run-to-completion wrapper for the CLI.
 */
#include "util/diag.h"
#include "util/kv.h"
#include "daemon/control_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "alert/alert.h"

/* The longest answer line the client takes: an alert record with the
 * longest text percent-encoded fits many times over.  A daemon (or
 * something else on the socket) sending more is cut off. */
#define CONTROL_CLIENT_LINE_MAX (1024 * 1024)
/* While the listen queue is full, connect again this often. */
#define CONTROL_CLIENT_RETRY_MS 20

struct control_client {
	struct event_base *base;
	struct sockaddr_un sa;
	char  *req;
	size_t reqlen, sent;
	int    fd;
	struct event *wev;            /* the rest of the request, when the socket buffer was full */
	struct bufferevent *bev;      /* reads the answer */
	struct event *timer;          /* the deadline, and the connect retry */
	long long deadline_ms;
	int    timeout_ms;
	control_line_fn line_fn;
	control_done_fn done_fn;
	void  *arg;
};

/* Here rather than in control_server.c, which both use, so that a client
 * (the lean `ledsign` front, docs/cli.md) links without the server. */
long long
control_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
client_free(struct control_client *c)
{
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->timer != NULL)
		event_free(c->timer);
	free(c->req);
	free(c);
}

void
control_client_cancel(struct control_client *c)
{
	if (c != NULL)
		client_free(c);
}

/* Report the outcome once and free the client. */
static void
client_done(struct control_client *c, int rc, const char *final, const char *err, int eno)
{
	control_done_fn fn = c->done_fn;
	void *arg = c->arg;

	client_free(c);
	fn(arg, rc, final, err, eno);
}

/* No answer: err is "PATH: " and the message. */
static void client_fail(struct control_client *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
static void
client_fail(struct control_client *c, int eno, const char *fmt, ...)
{
	char err[512];
	size_t n;
	va_list ap;

	snprintf(err, sizeof err, "%s: ", c->sa.sun_path);
	n = strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + n, sizeof err - n, fmt, ap);
	va_end(ap);
	client_done(c, -1, NULL, err, eno);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct control_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) != NULL) {
		int rc = -1;

		if (strncmp(line, "ok", 2) == 0 && (line[2] == ' ' || line[2] == '\0'))
			rc = 0;
		else if (strncmp(line, "error", 5) == 0 && (line[5] == ' ' || line[5] == '\0'))
			rc = 1;
		if (rc >= 0) {
			client_done(c, rc, line, NULL, 0);
			free(line);
			return;
		}
		if (c->line_fn != NULL)
			c->line_fn(c->arg, line);
		free(line);
	}
	if (evbuffer_get_length(in) > CONTROL_CLIENT_LINE_MAX)
		client_fail(c, EIO, "an answer line longer than %d bytes; not a ledsign daemon?", CONTROL_CLIENT_LINE_MAX);
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct control_client *c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF)
		client_fail(c, EIO, "the daemon closed the connection without an answer");
	else if (what & BEV_EVENT_ERROR)
		client_fail(c, EIO, "%s", strerror(EVUTIL_SOCKET_ERROR()));
}

static void client_connect(struct control_client *);

/* The request is sent with send(MSG_NOSIGNAL), not through the
 * bufferevent: a daemon that refuses a peer answers and closes at once,
 * and writing to it then must not raise SIGPIPE in a caller that has not
 * ignored it.  After EPIPE the answer is still there to read. */
static void
client_send(struct control_client *c)
{
	while (c->sent < c->reqlen) {
		ssize_t w = send(c->fd, c->req + c->sent, c->reqlen - c->sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			c->sent += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			event_add(c->wev, NULL);
			return;
		}
		break;   /* EPIPE, ECONNRESET: read what the daemon said */
	}
	c->sent = c->reqlen;
}

static void
client_write_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	client_send(arg);
}

static void
client_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control_client *c = arg;
	(void)fd;
	(void)what;
	if (c->bev == NULL && control_ms_now() < c->deadline_ms) {
		client_connect(c);
		return;
	}
	client_fail(c, EIO, "no answer within %d ms", c->timeout_ms);
}

static void
client_arm(struct control_client *c, long long ms)
{
	long long left = c->deadline_ms - control_ms_now();
	struct timeval tv;

	if (ms > left)
		ms = left;
	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(c->timer, &tv);
}

/* A Unix socket connects at once or not at all (EAGAIN while the daemon's
 * listen queue is full): then try again shortly rather than block. */
static void
client_connect(struct control_client *c)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), e;

	if (fd < 0) {
		client_fail(c, errno, "socket: %s", strerror(errno));
		return;
	}
	if (connect(fd, (struct sockaddr *)&c->sa, sizeof c->sa) < 0 && errno != EINPROGRESS) {
		e = errno;
		close(fd);
		if (e == EAGAIN || e == EINTR) {
			client_arm(c, CONTROL_CLIENT_RETRY_MS);
			return;
		}
		if (e == ENOENT || e == ECONNREFUSED)
			client_fail(c, e, "no ledsign daemon is listening (is `ledsign play` running?)");
		else if (e == EACCES || e == EPERM)
			client_fail(c, EACCES, "permission denied; ask for your user to be added to "
			    "control_viewers, control_operators or control_admins");
		else
			client_fail(c, e, "cannot connect: %s", strerror(e));
		return;
	}
	c->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		client_fail(c, ENOMEM, "out of memory");
		return;
	}
	c->fd = fd;
	bufferevent_setcb(c->bev, client_read_cb, NULL, client_event_cb, c);
	if ((c->wev = event_new(c->base, fd, EV_WRITE, client_write_cb, c)) == NULL ||
	    bufferevent_enable(c->bev, EV_READ) < 0) {
		client_fail(c, ENOMEM, "out of memory");
		return;
	}
	client_arm(c, c->deadline_ms - control_ms_now());
	client_send(c);
}

struct control_client *
control_client_request(struct event_base *base, const char *path, const char *request, int timeout_ms,
    control_line_fn line_fn, control_done_fn done_fn, void *arg, char *err, size_t errlen)
{
	struct control_client *c;
	size_t reqlen;

	if (strlen(path) >= sizeof c->sa.sun_path) {
		ls_errf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		goto oom;
	c->base = base;
	c->sa.sun_family = AF_UNIX;
	memcpy(c->sa.sun_path, path, strlen(path) + 1);
	reqlen = strlen(CONTROL_VERSION) + strlen(request) + 3;
	if ((c->req = malloc(reqlen)) == NULL || (c->timer = evtimer_new(base, client_timer_cb, c)) == NULL)
		goto oom;
	snprintf(c->req, reqlen, "%s %s\n", CONTROL_VERSION, request);
	c->reqlen = strlen(c->req);
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->deadline_ms = control_ms_now() + timeout_ms;
	c->line_fn = line_fn;
	c->done_fn = done_fn;
	c->arg = arg;
	/* connect from the loop, so that done_fn never runs inside this call */
	event_active(c->timer, EV_TIMEOUT, 0);
	return c;
oom:
	if (c != NULL)
		client_free(c);
	ls_errf(err, errlen, "out of memory");
	return NULL;
}

/* ---- run to completion ---- */

struct sync_req {
	int    rc, eno, done;
	char  *final, *err;
	size_t finalcap, errlen;
	control_line_fn fn;
	void  *arg;
};

static void
sync_line(void *arg, const char *line)
{
	struct sync_req *r = arg;

	if (r->fn != NULL)
		r->fn(r->arg, line);
}

static void
sync_done(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct sync_req *r = arg;

	r->rc = rc;
	r->eno = eno;
	r->done = 1;
	if (final != NULL && r->final != NULL && r->finalcap > 0)
		snprintf(r->final, r->finalcap, "%s", final);
	if (err != NULL)
		ls_errf(r->err, r->errlen, "%s", err);
}

int
control_request(const char *path, const char *request, int timeout_ms,
    control_line_fn fn, void *arg, char *final, size_t finalcap, char *err, size_t errlen)
{
	struct sync_req r = { -1, EIO, 0, final, err, finalcap, errlen, fn, arg };
	struct event_base *base;
	struct control_client *c;

	if (final && finalcap)
		final[0] = '\0';
	if ((base = event_base_new()) == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	c = control_client_request(base, path, request, timeout_ms, sync_line, sync_done, &r, err, errlen);
	if (c != NULL)
		event_base_dispatch(base);
	event_base_free(base);
	if (!r.done) {
		errno = EIO;
		return -1;
	}
	if (r.rc < 0)
		errno = r.eno == EACCES ? EACCES : EIO;   /* only a refused connect says EACCES */
	return r.rc;
}

int
control_line_get(const char *line, const char *key, char *val, size_t valcap)
{
	const char *rec = strchr(line, ' ');

	return rec == NULL ? -1 : kv_get(rec, key, val, valcap);
}
