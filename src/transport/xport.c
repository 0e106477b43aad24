/* transport/xport.c — address parsing, the link handle, the bounded queue and back-off. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "transport/xport.h"
#include "transport/xport_int.h"

struct xport {
	const struct xport_ops *ops;
	void *impl;
	struct xport_addr addr;
	/* the read budget: a token bucket in bytes */
	double rate, burst, tokens, refilled;
	int    throttled;         /* over budget: not reading until refilled */
	uint64_t nthrottled;
	struct xport_stats stats; /* the transport's, with nthrottled added */
};

/* Reading resumes once the bucket is back to this share of the burst, so
 * a flood is read in a few large bites rather than many small ones. */
#define XPORT_READ_RESUME 0.5

static const struct xport_ops *const xport_table[] = {
	&xport_tcp_ops,
	&xport_udp_ops,
	&xport_serial_ops,
};

double
xport_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *
xport_state_name(enum xport_state s)
{
	switch (s) {
	case XPORT_CONNECTING: return "connecting";
	case XPORT_ONLINE:     return "online";
	case XPORT_STALLED:    return "stalled";
	case XPORT_OFFLINE:    return "offline";
	}
	return "?";
}

void
xport_opts_default(struct xport_opts *o)
{
	memset(o, 0, sizeof *o);
	o->serial.baud = 57600;
	o->serial.data_bits = 8;
	o->serial.parity = 'n';
	o->serial.stop_bits = 1;
	o->serial.flow = 'n';
	o->connect_timeout = 3.0;
	o->backoff_min = 0.1;
	o->backoff_max = 2.0;
	o->stall_timeout = 2.0;
	o->stall_reconnect = 4.0;
	o->read_rate = 64 * 1024;
	o->read_burst = 64 * 1024;
	o->queue_max = 256 * 1024;
	o->udp_rate = 4e6;
	o->udp_burst = 32 * 1024;
	o->mcast_ttl = 1;
}

uint32_t
xport_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h ? h : 1;
}

int
xport_fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

int
xport_resolve(const struct xport_addr *a, int socktype, struct sockaddr_storage *sa,
    unsigned int *salen, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char port[16];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
	snprintf(port, sizeof port, "%d", a->port);
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(a->host, port, &hints, &res);
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", a->host, gai_strerror(rc));
		return -1;
	}
	if (res->ai_addrlen > sizeof *sa) {
		freeaddrinfo(res);
		snprintf(err, errlen, "address too long");
		return -1;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*salen = (unsigned int)res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
xport_parse_hostport(const char *rest, int default_port, struct xport_addr *a, char *err,
    size_t errlen)
{
	const char *host = rest, *colon;
	size_t hlen;

	if (*rest == '[') {
		const char *close = strchr(rest, ']');
		if (!close) {
			snprintf(err, errlen, "missing ']' after IPv6 address in \"%s\"", rest);
			return -1;
		}
		host = rest + 1;
		hlen = (size_t)(close - host);
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && !colon) {
			snprintf(err, errlen, "unexpected text after ']' in \"%s\"", rest);
			return -1;
		}
	} else {
		colon = strrchr(rest, ':');
		if (colon && strchr(rest, ':') != colon) {
			snprintf(err, errlen, "IPv6 address \"%s\" must be written in brackets, e.g. [::1]:7001", rest);
			return -1;
		}
		hlen = colon ? (size_t)(colon - rest) : strlen(rest);
	}
	if (hlen == 0) {
		snprintf(err, errlen, "missing host name in \"%s\"", rest);
		return -1;
	}
	if (*rest == '[' && !memchr(host, ':', hlen)) {
		snprintf(err, errlen, "brackets are for IPv6 addresses, not \"%.*s\"", (int)hlen, host);
		return -1;
	}
	/* a name (letters, digits, . - _) or an address (and : % inside brackets) */
	for (size_t i = 0; i < hlen; i++) {
		char c = host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '-' || c == '_' || (*rest == '[' && (c == ':' || c == '%')))) {
			snprintf(err, errlen, "bad character '%c' in host \"%.*s\"", c >= ' ' && c < 127 ? c : '?',
			    (int)hlen, host);
			return -1;
		}
	}
	if (hlen >= sizeof a->host) {
		snprintf(err, errlen, "host name too long");
		return -1;
	}
	memcpy(a->host, host, hlen);
	a->host[hlen] = '\0';
	if (colon) {
		char *end;
		long p;

		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno || p < 1 || p > 65535) {
			snprintf(err, errlen, "bad port \"%s\" (want 1..65535)", colon + 1);
			return -1;
		}
		a->port = (int)p;
	} else {
		if (default_port <= 0) {
			snprintf(err, errlen, "no port in \"%s\" and the protocol has no default; write HOST:PORT", rest);
			return -1;
		}
		a->port = default_port;
	}
	return 0;
}

int
xport_parse(const char *address, int default_port, struct xport_addr *a, char *err, size_t errlen)
{
	const char *colon;

	memset(a, 0, sizeof *a);
	if (!address || !(colon = strchr(address, ':'))) {
		snprintf(err, errlen, "address \"%s\" has no scheme; write tcp:HOST:PORT, udp:HOST:PORT or serial:DEVICE",
		    address ? address : "");
		return -1;
	}
	for (size_t i = 0; i < sizeof xport_table / sizeof xport_table[0]; i++) {
		const struct xport_ops *ops = xport_table[i];
		size_t n = strlen(ops->scheme);

		if ((size_t)(colon - address) == n && strncmp(address, ops->scheme, n) == 0) {
			a->ops = ops;
			return ops->parse(colon + 1, default_port, a, err, errlen);
		}
	}
	snprintf(err, errlen, "unknown transport \"%.*s\" in \"%s\"; use tcp, udp or serial",
	    (int)(colon - address), address, address);
	return -1;
}

void
xport_addr_format(const struct xport_addr *a, char *buf, size_t len)
{
	if (!a->ops) {
		snprintf(buf, len, "?");
	} else if (a->path[0]) {
		if (a->baud)
			snprintf(buf, len, "%s:%s@%d", a->ops->scheme, a->path, a->baud);
		else
			snprintf(buf, len, "%s:%s", a->ops->scheme, a->path);
	} else if (strchr(a->host, ':')) {
		snprintf(buf, len, "%s:[%s]:%d", a->ops->scheme, a->host, a->port);
	} else {
		snprintf(buf, len, "%s:%s:%d", a->ops->scheme, a->host, a->port);
	}
}

struct xport *
xport_open(const char *address, int default_port, const struct xport_opts *opts, double now,
    char *err, size_t errlen)
{
	struct xport *x = calloc(1, sizeof *x);

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (xport_parse(address, default_port, &x->addr, err, errlen) < 0)
		goto fail;
	x->ops = x->addr.ops;
	x->rate = opts->read_rate > 0 ? opts->read_rate : 64 * 1024;
	x->burst = opts->read_burst > 0 ? (double)opts->read_burst : 64 * 1024;
	if (x->burst < 2 * XPORT_READ_COST)
		x->burst = 2 * XPORT_READ_COST;
	x->tokens = x->burst;
	x->refilled = now;
	x->impl = x->ops->open(&x->addr, opts, now, err, errlen);
	if (!x->impl)
		goto fail;
	return x;
fail:
	free(x);
	return NULL;
}

void
xport_close(struct xport *x)
{
	if (!x)
		return;
	x->ops->close(x->impl);
	free(x);
}

const struct xport_addr *xport_address(const struct xport *x) { return &x->addr; }
int xport_fd(const struct xport *x) { return x->ops->fd(x->impl); }

int
xport_events(const struct xport *x)
{
	int ev = x->ops->events(x->impl);

	return x->throttled ? ev & ~XPORT_EV_READ : ev;
}

static void
xport_refill(struct xport *x, double now)
{
	if (now > x->refilled) {
		x->tokens += (now - x->refilled) * x->rate;
		if (x->tokens > x->burst)
			x->tokens = x->burst;
		x->refilled = now;
	}
	if (x->throttled && x->tokens >= x->burst * XPORT_READ_RESUME)
		x->throttled = 0;
}

int
xport_send(struct xport *x, const uint8_t *const *pkt, const size_t *len, size_t n, int kind,
    double now)
{
	return x->ops->send(x->impl, pkt, len, n, kind, now);
}

int
xport_send_to(struct xport *x, const uint8_t *const *pkt, const size_t *len, const uint32_t *dest,
    size_t n, int kind, double now)
{
	if (dest == NULL || x->ops->send_to == NULL)
		return x->ops->send(x->impl, pkt, len, n, kind, now);
	return x->ops->send_to(x->impl, pkt, len, dest, n, kind, now);
}

int
xport_send1(struct xport *x, const void *buf, size_t len, int kind, double now)
{
	const uint8_t *p = buf;

	return x->ops->send(x->impl, &p, &len, 1, kind, now);
}

ssize_t
xport_recv(struct xport *x, uint8_t *buf, size_t cap, double now)
{
	ssize_t r;

	xport_refill(x, now);
	if (x->throttled)
		return 0;
	/* cap is not cut to the tokens left: a datagram must be read whole;
	 * the bucket goes into debt instead and takes longer to refill */
	r = x->ops->recv(x->impl, buf, cap, now);
	if (r > 0) {
		x->tokens -= r > XPORT_READ_COST ? (double)r : XPORT_READ_COST;
		if (x->tokens <= 0) {
			x->throttled = 1;
			x->nthrottled++;
		}
	}
	return r;
}

void xport_io(struct xport *x, int ready, double now) { x->ops->io(x->impl, ready, now); }

double
xport_tick(struct xport *x, double now)
{
	double d = x->ops->tick(x->impl, now);

	xport_refill(x, now);
	if (x->throttled) {
		double resume = now + (x->burst * XPORT_READ_RESUME - x->tokens) / x->rate;

		if (resume < d)
			d = resume;
	}
	return d;
}

void
xport_reconnect(struct xport *x, double now, const char *why)
{
	x->ops->reconnect(x->impl, now, why);
}

enum xport_state
xport_state(const struct xport *x, char *reason, size_t len)
{
	return x->ops->state(x->impl, reason, len);
}

size_t xport_queued(const struct xport *x) { return x->ops->queued(x->impl); }

const struct xport_stats *
xport_stats(struct xport *x)
{
	x->stats = *x->ops->stats(x->impl);
	x->stats.throttled = x->nthrottled;
	return &x->stats;
}

/* ---- the bounded message queue ---- */

void
xport_queue_init(struct xport_queue *q, size_t max, struct xport_stats *stats)
{
	memset(q, 0, sizeof *q);
	q->max = max;
	q->stats = stats;
}

static void
xport_queue_unlink(struct xport_queue *q, struct xport_msg *prev, struct xport_msg *m)
{
	if (prev)
		prev->next = m->next;
	else
		q->head = m->next;
	if (q->tail == m)
		q->tail = prev;
	q->bytes -= m->len - m->sent;
	free(m);
}

int
xport_queue_push(struct xport_queue *q, const uint8_t *const *pkt, const size_t *len, size_t n,
    int kind)
{
	return xport_queue_push_to(q, pkt, len, NULL, n, kind);
}

int
xport_queue_push_to(struct xport_queue *q, const uint8_t *const *pkt, const size_t *len,
    const uint32_t *dest, size_t n, int kind)
{
	struct xport_msg *m, *prev, *next;
	size_t total = 0;
	int coalesced = 0;

	for (size_t i = 0; i < n; i++) {
		if (len[i] > SIZE_MAX / 2 - total)
			return XPORT_DROPPED;
		total += len[i];
	}
	if (total == 0)
		return XPORT_SENT;   /* nothing to send (a protocol with no message for this) */
	if (kind == XPORT_MSG_FRAME) {
		/* A newer frame makes every waiting (unstarted) frame worthless. */
		prev = NULL;
		for (m = q->head; m; m = next) {
			next = m->next;
			if (m->kind == XPORT_MSG_FRAME && m->sent == 0 && m->pkt == 0) {
				xport_queue_unlink(q, prev, m);
				q->stats->coalesced++;
				coalesced = 1;
			} else {
				prev = m;
			}
		}
	}
	/* The bound: a lone message of any size is accepted, otherwise the total must fit. */
	if (q->head && q->bytes + total > q->max) {
		q->stats->dropped++;
		return XPORT_DROPPED;
	}
	if (n > (SIZE_MAX - sizeof *m - total) / (sizeof(size_t) + sizeof(uint32_t)) - 1)
		return XPORT_DROPPED;
	m = malloc(sizeof *m + total + n * (sizeof(size_t) + sizeof(uint32_t)) + sizeof(size_t));
	if (!m) {
		q->stats->dropped++;
		return XPORT_DROPPED;
	}
	m->next = NULL;
	m->kind = kind;
	m->len = total;
	m->sent = 0;
	m->npkts = n;
	m->pkt = 0;
	/* lengths after the data, aligned */
	{
		size_t off = (total + sizeof(size_t) - 1) / sizeof(size_t) * sizeof(size_t);
		m->plen = (size_t *)(void *)(m->data + off);
		/* and the destinations after the lengths */
		m->pdest = dest ? (uint32_t *)(void *)(m->plen + n) : NULL;
	}
	total = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(m->data + total, pkt[i], len[i]);
		m->plen[i] = len[i];
		if (m->pdest)
			m->pdest[i] = dest[i];
		total += len[i];
	}
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->bytes += m->len;
	return coalesced ? XPORT_COALESCED : XPORT_SENT;
}

void
xport_queue_pop(struct xport_queue *q)
{
	struct xport_msg *m = q->head;

	if (!m)
		return;
	q->stats->msgs_out++;
	xport_queue_unlink(q, NULL, m);
}

void
xport_queue_clear(struct xport_queue *q)
{
	while (q->head) {
		q->stats->dropped++;
		xport_queue_unlink(q, NULL, q->head);
	}
}

ssize_t
xport_queue_write_stream(struct xport_queue *q, int fd)
{
	return xport_queue_write_stream_max(q, fd, SIZE_MAX);
}

ssize_t
xport_queue_write_stream_max(struct xport_queue *q, int fd, size_t max)
{
	ssize_t total = 0;

	while (q->head && (size_t)total < max) {
		struct iovec iov[16];
		int n = 0;
		size_t room = max - (size_t)total;
		ssize_t w;

		for (struct xport_msg *m = q->head; m && n < 16 && room > 0; m = m->next) {
			iov[n].iov_base = m->data + m->sent;
			iov[n].iov_len = m->len - m->sent < room ? m->len - m->sent : room;
			room -= iov[n].iov_len;
			n++;
		}
		w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* no progress: never spin here (the loop comes back when the fd is writable) */
		if (w == 0)
			break;
		total += w;
		q->stats->bytes_out += (uint64_t)w;
		q->bytes -= (size_t)w;
		while (w > 0) {
			struct xport_msg *m = q->head;
			size_t left = m->len - m->sent;

			if ((size_t)w >= left) {
				w -= (ssize_t)left;
				/* unlink by hand: q->bytes was already reduced by w above */
				q->head = m->next;
				if (q->tail == m)
					q->tail = NULL;
				q->stats->msgs_out++;
				free(m);
			} else {
				m->sent += (size_t)w;
				w = 0;
			}
		}
	}
	return total;
}

/* ---- back-off ---- */

void
xport_backoff_init(struct xport_backoff *b, double min, double max, uint32_t seed)
{
	b->min = min > 0 ? min : 0.1;
	b->max = max >= b->min ? max : b->min;
	b->failures = 0;
	b->rng = seed ? seed : 0x9e3779b9u;
}

static double
xport_rand01(struct xport_backoff *b)
{
	/* xorshift32: jitter only needs to be different per board, not strong */
	uint32_t x = b->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	b->rng = x;
	return (x >> 8) / 16777216.0;
}

double
xport_backoff_next(struct xport_backoff *b)
{
	double d = b->min * ldexp(1.0, (int)(b->failures < 30 ? b->failures : 30));

	if (d > b->max)
		d = b->max;
	b->failures++;
	return d / 2 + xport_rand01(b) * d / 2;
}

void
xport_backoff_reset(struct xport_backoff *b)
{
	b->failures = 0;
}
