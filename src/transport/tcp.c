/*
 * transport/tcp.c — TCP links: non-blocking connect with a timeout, retries
 * with exponential back-off and jitter, bounded queue with frame coalescing.
 *
 * Host names that are not numeric addresses are resolved with getaddrinfo
 * when a connect starts, which can block for the resolver's timeout; boards
 * are normally given as IP addresses, and a name is resolved again only
 * after a failed connect (so a board that moved is found).
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/xport.h"
#include "transport/xport_int.h"

/* A connection that lived at least this long resets the back-off. */
#define TCP_HEALTHY_SECS 2.0

struct tcp {
	struct xport_addr addr;
	struct xport_opts opts;
	enum xport_state st;
	int    fd;
	double deadline;        /* connect timeout or next retry */
	double last_progress;   /* last time the board took bytes, or the queue was empty */
	double online_since;
	struct sockaddr_storage sa;
	socklen_t salen;
	int    resolved;
	struct xport_queue q;
	struct xport_backoff bo;
	struct xport_stats stats;
	char   reason[512];
	int    drained;         /* a read came back short: nothing to read until io() says readable */
};

static int
tcp_parse(const char *rest, int default_port, struct xport_addr *a, char *err, size_t errlen)
{
	return xport_parse_hostport(rest, default_port, a, err, errlen);
}

/* Close the link and schedule a retry.  A link that lived long enough
 * resets the back-off, unless it is dropped because the board stopped
 * taking bytes or answering (`stalled`): one that keeps accepting and then
 * stalling must not be reconnected at full speed. */
static void
tcp_drop(struct tcp *t, double now, const char *what, int stalled)
{
	double delay;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	xport_queue_clear(&t->q);
	if (!stalled && (t->st == XPORT_ONLINE || t->st == XPORT_STALLED) && now - t->online_since >= TCP_HEALTHY_SECS)
		xport_backoff_reset(&t->bo);
	else
		t->stats.errors++;
	delay = xport_backoff_next(&t->bo);
	/* a name may point elsewhere next time */
	if (t->bo.failures % 4 == 0)
		t->resolved = 0;
	t->st = XPORT_OFFLINE;
	t->deadline = now + delay;
	snprintf(t->reason, sizeof t->reason, "%s; retry in %.1f s", what, delay);
}

/*
 * Acknowledge what the board sent at once instead of up to 40 ms later.
 * A board with Nagle's algorithm on (lwIP and most embedded stacks, by
 * default) holds each small reply back until its previous one is
 * acknowledged, so with delayed ACKs here every reply after the first waits
 * for our delayed-ACK timer, as long as the shortest retransmission time:
 * frames then take 40 ms more and chunks are resent for nothing.  Linux
 * turns quick ACKs off again by itself, so this is renewed after each read.
 */
static void
tcp_quickack(struct tcp *t)
{
#ifdef TCP_QUICKACK
	int one = 1;

	setsockopt(t->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
	(void)t;
#endif
}

static void
tcp_drop_link(struct tcp *t, double now, const char *what)
{
	tcp_drop(t, now, what, 0);
}

static void
tcp_reconnect(void *p, double now, const char *why)
{
	struct tcp *t = p;

	t->stats.stall_reconnects++;
	tcp_drop(t, now, why, 1);
}

static void
tcp_set_online(struct tcp *t, double now)
{
	t->st = XPORT_ONLINE;
	t->online_since = now;
	t->last_progress = now;
	t->stats.connects++;
	tcp_quickack(t);
	snprintf(t->reason, sizeof t->reason, "connected to %.100s:%d", t->addr.host, t->addr.port);
}

static void
tcp_connect_start(struct tcp *t, double now)
{
	char msg[400];
	int one = 1;

	if (!t->resolved && xport_resolve(&t->addr, SOCK_STREAM, &t->sa, &t->salen, msg, sizeof msg) < 0) {
		t->st = XPORT_CONNECTING;
		tcp_drop_link(t, now, msg);
		return;
	}
	t->resolved = 1;
	t->drained = 0;
	t->fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	t->stats.opens++;
	if (t->fd < 0) {
		snprintf(msg, sizeof msg, "socket: %s", strerror(errno));
		tcp_drop_link(t, now, msg);
		return;
	}
	/* Packets are written whole: Nagle's algorithm would hold the second
	 * chunk of a frame until the board acknowledged the first. */
	if (setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		t->stats.errors++;
	t->st = XPORT_CONNECTING;
	t->deadline = now + t->opts.connect_timeout;
	snprintf(t->reason, sizeof t->reason, "connecting to %.100s:%d", t->addr.host, t->addr.port);
	if (connect(t->fd, (struct sockaddr *)&t->sa, t->salen) == 0) {
		tcp_set_online(t, now);
	} else if (errno != EINPROGRESS) {
		snprintf(msg, sizeof msg, "connect to %.100s:%d: %s", t->addr.host, t->addr.port, strerror(errno));
		tcp_drop_link(t, now, msg);
	}
}

static void *
tcp_open(const struct xport_addr *a, const struct xport_opts *o, double now, char *err, size_t errlen)
{
	struct tcp *t = calloc(1, sizeof *t);
	char name[300];

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->addr = *a;
	t->opts = *o;
	t->fd = -1;
	xport_queue_init(&t->q, o->queue_max, &t->stats);
	xport_addr_format(a, name, sizeof name);
	xport_backoff_init(&t->bo, o->backoff_min, o->backoff_max, o->seed ? o->seed : xport_hash(name));
	tcp_connect_start(t, now);
	return t;
}

static void
tcp_close(void *p)
{
	struct tcp *t = p;

	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	xport_queue_clear(&t->q);
	free(t);
}

static int tcp_fd(void *p) { return ((struct tcp *)p)->fd; }

static int
tcp_events(void *p)
{
	struct tcp *t = p;

	switch (t->st) {
	case XPORT_CONNECTING:
		return t->fd >= 0 ? XPORT_EV_WRITE : 0;
	case XPORT_ONLINE:
	case XPORT_STALLED:
		return XPORT_EV_READ | (t->q.head ? XPORT_EV_WRITE : 0);
	case XPORT_OFFLINE:
		break;
	}
	return 0;
}

static void
tcp_flush(struct tcp *t, double now)
{
	ssize_t w;
	char msg[400];

	if (t->st != XPORT_ONLINE && t->st != XPORT_STALLED)
		return;
	w = xport_queue_write_stream(&t->q, t->fd);
	if (w < 0) {
		snprintf(msg, sizeof msg, "write: %s", strerror(errno));
		tcp_drop_link(t, now, msg);
		return;
	}
	if (w > 0 || !t->q.head) {
		t->last_progress = now;
		if (t->st == XPORT_STALLED) {
			t->st = XPORT_ONLINE;
			snprintf(t->reason, sizeof t->reason, "board reading again");
		}
	}
}

static int
tcp_send(void *p, const uint8_t *const *pkt, const size_t *len, size_t n, int kind, double now)
{
	struct tcp *t = p;
	int rc;

	if (t->st != XPORT_ONLINE && t->st != XPORT_STALLED) {
		t->stats.dropped++;
		return XPORT_DROPPED;
	}
	if (!t->q.head)
		t->last_progress = now;   /* stall time counts from when data starts waiting */
	rc = xport_queue_push(&t->q, pkt, len, n, kind);
	if (rc != XPORT_DROPPED)
		tcp_flush(t, now);
	return rc;
}

static ssize_t
tcp_recv(void *p, uint8_t *buf, size_t cap, double now)
{
	struct tcp *t = p;
	ssize_t r;
	char msg[400];

	if (t->fd < 0 || (t->st != XPORT_ONLINE && t->st != XPORT_STALLED))
		return 0;
	/* A short read emptied the socket: the read after it would only say
	 * EAGAIN, one system call a board-frame for nothing (issue 20).  What
	 * arrives later makes the fd readable, and io() clears this. */
	if (t->drained)
		return 0;
	r = read(t->fd, buf, cap);
	if (r > 0) {
		t->stats.bytes_in += (uint64_t)r;
		t->drained = (size_t)r < cap;
		tcp_quickack(t);
		return r;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (r == 0)
		snprintf(msg, sizeof msg, "connection closed by board");
	else
		snprintf(msg, sizeof msg, "read: %s", strerror(errno));
	tcp_drop_link(t, now, msg);
	return -1;
}

static void
tcp_io(void *p, int ready, double now)
{
	struct tcp *t = p;
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	char msg[400];

	if (t->st == XPORT_CONNECTING && (ready & (XPORT_EV_WRITE | XPORT_EV_READ))) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr == EINPROGRESS)
			return;
		if (soerr != 0) {
			snprintf(msg, sizeof msg, "connect to %.100s:%d: %s", t->addr.host, t->addr.port, strerror(soerr));
			tcp_drop_link(t, now, msg);
			return;
		}
		tcp_set_online(t, now);
	}
	if (ready & XPORT_EV_READ)
		t->drained = 0;
	if (ready & XPORT_EV_WRITE)
		tcp_flush(t, now);
}

static double
tcp_tick(void *p, double now)
{
	struct tcp *t = p;
	char msg[400];

	switch (t->st) {
	case XPORT_OFFLINE:
		if (now >= t->deadline)
			tcp_connect_start(t, now);
		break;
	case XPORT_CONNECTING:
		if (now >= t->deadline) {
			snprintf(msg, sizeof msg, "connect to %.100s:%d timed out after %.1f s", t->addr.host,
			    t->addr.port, t->opts.connect_timeout);
			tcp_drop_link(t, now, msg);
		}
		break;
	case XPORT_ONLINE:
		if (t->q.head && now - t->last_progress >= t->opts.stall_timeout) {
			t->st = XPORT_STALLED;
			snprintf(t->reason, sizeof t->reason, "board has taken no bytes for %.1f s (%zu bytes waiting)",
			    now - t->last_progress, t->q.bytes);
		}
		break;
	case XPORT_STALLED:
		if (t->opts.stall_reconnect > 0 && now - t->last_progress >= t->opts.stall_reconnect) {
			snprintf(msg, sizeof msg, "board has taken no bytes for %.1f s; reconnecting",
			    now - t->last_progress);
			tcp_reconnect(t, now, msg);
		}
		break;
	}
	switch (t->st) {
	case XPORT_OFFLINE:
	case XPORT_CONNECTING:
		return t->deadline;
	case XPORT_ONLINE:
		return t->q.head ? t->last_progress + t->opts.stall_timeout : INFINITY;
	case XPORT_STALLED:
		if (t->opts.stall_reconnect > 0)
			return t->last_progress + t->opts.stall_reconnect;
		break;
	}
	return INFINITY;
}

static enum xport_state
tcp_state(const void *p, char *reason, size_t len)
{
	const struct tcp *t = p;

	if (reason && len)
		snprintf(reason, len, "%s", t->reason);
	return t->st;
}

static size_t tcp_queued(const void *p) { return ((const struct tcp *)p)->q.bytes; }
static const struct xport_stats *tcp_stats(const void *p) { return &((const struct tcp *)p)->stats; }

const struct xport_ops xport_tcp_ops = {
	.scheme = "tcp",
	.parse = tcp_parse,
	.open = tcp_open,
	.close = tcp_close,
	.fd = tcp_fd,
	.events = tcp_events,
	.send = tcp_send,
	.recv = tcp_recv,
	.io = tcp_io,
	.reconnect = tcp_reconnect,
	.tick = tcp_tick,
	.state = tcp_state,
	.queued = tcp_queued,
	.stats = tcp_stats,
};
