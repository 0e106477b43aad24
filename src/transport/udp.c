/*
 * transport/udp.c — UDP links, unicast or multicast, with rate pacing.
 *
 * A message is a list of datagrams (DDP chunks, E1.31 universes, ...).  A
 * large frame sent in one burst overruns the receive buffer of small pixel
 * controllers, so datagrams go out through a token bucket: up to udp_burst
 * bytes at once, then udp_rate bytes per second.  Messages wait in the same
 * bounded, coalescing queue as on TCP.
 *
 * The socket is connect()ed to the board so that the kernel reports ICMP
 * "port unreachable" as ECONNREFUSED; that is counted and shown as the
 * reason, but UDP has no connection to lose, so the link stays online.
 * The error comes back on a later send() than the datagram that caused it,
 * and that later datagram was not sent: it is sent again, not dropped.
 *
 * A message may name a destination per datagram (E1.31 multicast: each
 * universe to its own group); those go out with sendto() on the same socket.
 * udp_src_port binds the socket to a fixed local port (Art-Net's 6454), with
 * SO_REUSEADDR so that several boards of one controller share it; when
 * another program holds the port, an ephemeral one is used and the reason
 * says so.  On close, what is still queued (E1.31's stream-terminated
 * packets) is sent at once, without pacing, as far as the kernel takes it.
 */
#include <errno.h>
#include <math.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "transport/xport.h"
#include "transport/xport_int.h"

#define UDP_REFUSED_RETRIES 8    /* sends of one datagram that may report an earlier one's ICMP error */

struct udp {
	struct xport_addr addr;
	struct xport_opts opts;
	enum xport_state st;
	int    fd;
	int    blocked;          /* the kernel said EAGAIN: wait for writable */
	double tokens, refill_at;
	double deadline;         /* next pacing slot, or next retry while offline */
	int    after_stall;      /* reopened because the board stopped answering: keep the back-off */
	struct xport_queue q;
	struct xport_backoff bo;
	struct xport_stats stats;
	char   reason[512];
	char   src_note[160];    /* which local port, when a fixed one was asked for */
};

static void udp_pump_mode(struct udp *, double now, int unpaced);

static int
udp_parse(const char *rest, int default_port, struct xport_addr *a, char *err, size_t errlen)
{
	return xport_parse_hostport(rest, default_port, a, err, errlen);
}

static int
udp_is_multicast(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		return IN_MULTICAST(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		return IN6_IS_ADDR_MULTICAST(&s6->sin6_addr);
	}
	return 0;
}

static int
udp_is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

static void
udp_fail(struct udp *u, double now, const char *what)
{
	double delay = xport_backoff_next(&u->bo);

	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	xport_queue_clear(&u->q);
	u->stats.errors++;
	u->st = XPORT_OFFLINE;
	u->deadline = now + delay;
	snprintf(u->reason, sizeof u->reason, "%s; retry in %.1f s", what, delay);
}

/* A new socket (and, for the protocol above, a new session) after the back-off. */
static void
udp_reconnect(void *p, double now, const char *why)
{
	struct udp *u = p;

	u->stats.stall_reconnects++;
	u->after_stall = 1;
	udp_fail(u, now, why);
}

static void
udp_start(struct udp *u, double now)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	char msg[400];

	if (xport_resolve(&u->addr, SOCK_DGRAM, &sa, &salen, msg, sizeof msg) < 0) {
		udp_fail(u, now, msg);
		return;
	}
	u->fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	u->stats.opens++;
	if (u->fd < 0) {
		snprintf(msg, sizeof msg, "socket: %s", strerror(errno));
		udp_fail(u, now, msg);
		return;
	}
	if (udp_is_multicast(&sa)) {
		int ttl = u->opts.mcast_ttl > 0 ? u->opts.mcast_ttl : 1, loop = 1;

		/* loop stays on so a simulator on this host hears the group too */
		if (sa.ss_family == AF_INET) {
			struct in_addr ifa;

			if (u->opts.mcast_if[0] && inet_pton(AF_INET, u->opts.mcast_if, &ifa) == 1)
				setsockopt(u->fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof ifa);
			setsockopt(u->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
			setsockopt(u->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
		} else {
			setsockopt(u->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
			setsockopt(u->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop);
		}
	}
	u->src_note[0] = '\0';
	if (u->opts.udp_src_port > 0 && udp_is_loopback(&sa) && u->addr.port == u->opts.udp_src_port) {
		/* a receiver on this host on that very port: a socket connected from
		 * it would take our own datagrams for itself, so leave from another */
		snprintf(u->src_note, sizeof u->src_note, " from an ephemeral port (port %d is the "
		    "receiver's own, on this host)", u->opts.udp_src_port);
	} else if (u->opts.udp_src_port > 0) {
		struct sockaddr_storage la;
		socklen_t lalen = sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		int one = 1;

		memset(&la, 0, sizeof la);
		la.ss_family = sa.ss_family;
		if (sa.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&la)->sin6_port = htons((uint16_t)u->opts.udp_src_port);
		else
			((struct sockaddr_in *)&la)->sin_port = htons((uint16_t)u->opts.udp_src_port);
		setsockopt(u->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(u->fd, (struct sockaddr *)&la, lalen) == 0)
			snprintf(u->src_note, sizeof u->src_note, " from port %d", u->opts.udp_src_port);
		else
			snprintf(u->src_note, sizeof u->src_note, " from an ephemeral port (port %d: %s)",
			    u->opts.udp_src_port, strerror(errno));
	}
	if (connect(u->fd, (struct sockaddr *)&sa, salen) < 0) {
		snprintf(msg, sizeof msg, "connect to %.100s:%d: %s", u->addr.host, u->addr.port, strerror(errno));
		udp_fail(u, now, msg);
		return;
	}
	if (!u->after_stall)
		xport_backoff_reset(&u->bo);
	u->after_stall = 0;
	u->st = XPORT_ONLINE;
	u->stats.connects++;
	u->tokens = (double)u->opts.udp_burst;
	u->refill_at = now;
	u->deadline = INFINITY;
	snprintf(u->reason, sizeof u->reason, "sending to %.100s:%d%s%s", u->addr.host, u->addr.port,
	    udp_is_multicast(&sa) ? " (multicast)" : "", u->src_note);
}

static void *
udp_open(const struct xport_addr *a, const struct xport_opts *o, double now, char *err, size_t errlen)
{
	struct udp *u = calloc(1, sizeof *u);
	char name[300];

	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->addr = *a;
	u->opts = *o;
	u->fd = -1;
	xport_queue_init(&u->q, o->queue_max, &u->stats);
	xport_addr_format(a, name, sizeof name);
	xport_backoff_init(&u->bo, o->backoff_min, o->backoff_max, o->seed ? o->seed : xport_hash(name));
	udp_start(u, now);
	return u;
}

static void
udp_close(void *p)
{
	struct udp *u = p;

	if (!u)
		return;
	/* last words (E1.31 stream termination) go out now, unpaced */
	if (u->fd >= 0 && u->st == XPORT_ONLINE && u->q.head)
		udp_pump_mode(u, u->refill_at, 1);
	if (u->fd >= 0)
		close(u->fd);
	xport_queue_clear(&u->q);
	free(u);
}

static int udp_fd(void *p) { return ((struct udp *)p)->fd; }

static int
udp_events(void *p)
{
	struct udp *u = p;

	if (u->fd < 0)
		return 0;
	return XPORT_EV_READ | (u->blocked && u->q.head ? XPORT_EV_WRITE : 0);
}

/* Datagrams handed to the kernel in one sendmmsg(): a DDP frame of a
 * 64x32 board is 5, an E1.31 frame of a 192x64 one 73. */
#define UDP_BATCH 64

/* The head message's datagram as sent: one done, its bytes counted. */
static void
udp_sent_one(struct udp *u, size_t len)
{
	struct xport_msg *m = u->q.head;

	u->tokens -= (double)len;
	m->sent += len;
	u->q.bytes -= len;
	if (++m->pkt == m->npkts) {
		/* xport_queue_pop subtracts unsent bytes, which are zero now */
		xport_queue_pop(&u->q);
	}
}

/* Send datagrams while the bucket has tokens (or always, unpaced) and the
 * kernel takes them: as many as the bucket allows in one sendmmsg(), which
 * costs one system call where send() cost one a datagram. */
static void
udp_pump_mode(struct udp *u, double now, int unpaced)
{
	double rate = unpaced ? 0 : u->opts.udp_rate, burst = (double)u->opts.udp_burst;
	int refused = 0;
	unsigned batch = UDP_BATCH;
	struct mmsghdr mv[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	struct sockaddr_in to[UDP_BATCH];

	u->deadline = INFINITY;
	if (rate > 0) {
		u->tokens += (now - u->refill_at) * rate;
		if (u->tokens > burst)
			u->tokens = burst;
	}
	u->refill_at = now;
	while (u->q.head && u->fd >= 0) {
		struct xport_msg *m = u->q.head;
		size_t pkt = m->pkt, off = m->sent;
		double tokens = u->tokens;
		unsigned n = 0;
		int w;

		/* the datagrams the bucket lets out now, across messages */
		while (m && n < batch) {
			size_t len = m->plen[pkt];
			uint32_t dest = m->pdest ? m->pdest[pkt] : 0;

			/* a datagram larger than the burst goes when the bucket is full */
			if (rate > 0 && tokens < (double)len && tokens < burst) {
				if (n == 0) {
					double need = ((double)len < burst ? (double)len : burst) - tokens;
					u->deadline = now + need / rate;
					return;
				}
				break;
			}
			tokens -= (double)len;
			memset(&mv[n], 0, sizeof mv[n]);
			iov[n].iov_base = m->data + off;
			iov[n].iov_len = len;
			mv[n].msg_hdr.msg_iov = &iov[n];
			mv[n].msg_hdr.msg_iovlen = 1;
			if (dest != 0) {
				memset(&to[n], 0, sizeof to[n]);
				to[n].sin_family = AF_INET;
				to[n].sin_port = htons((uint16_t)u->addr.port);
				to[n].sin_addr.s_addr = htonl(dest);
				mv[n].msg_hdr.msg_name = &to[n];
				mv[n].msg_hdr.msg_namelen = sizeof to[n];
			}
			n++;
			off += len;
			if (++pkt == m->npkts) {
				m = m->next;
				pkt = 0;
				off = 0;
			}
		}
		w = sendmmsg(u->fd, mv, n, 0);
		if (w == 0)
			return;   /* not for n > 0; never spin on it */
		if (w < 0) {
			size_t len = u->q.head->plen[u->q.head->pkt];

			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				u->blocked = 1;
				return;
			}
			if (errno == EINTR)
				continue;
			u->stats.errors++;
			snprintf(u->reason, sizeof u->reason, "send to %.100s:%d: %s%s", u->addr.host, u->addr.port,
			    strerror(errno), errno == ECONNREFUSED ? " (is the receiver running?)" : "");
			/* An ICMP error belongs to an earlier datagram and this one was not
			 * sent: send it again.  Each failed try consumes one error, so a
			 * few tries get it out unless the port keeps refusing. */
			if (errno == ECONNREFUSED && ++refused < UDP_REFUSED_RETRIES)
				continue;
			/* give up on this datagram */
			refused = 0;
			u->blocked = 0;
			udp_sent_one(u, len);
			continue;
		}
		/* the first w went out.  sendmmsg() loses the error of the one
		 * after them (an ICMP "port unreachable" for an earlier datagram,
		 * say): that one goes alone next, so its error, if any, is seen */
		for (int i = 0; i < w; i++) {
			u->stats.bytes_out += mv[i].msg_len;
			udp_sent_one(u, iov[i].iov_len);
		}
		batch = (unsigned)w < n ? 1 : UDP_BATCH;
		refused = 0;
		u->blocked = 0;
	}
}

static void
udp_pump(struct udp *u, double now)
{
	udp_pump_mode(u, now, 0);
}

static int
udp_send_to(void *p, const uint8_t *const *pkt, const size_t *len, const uint32_t *dest, size_t n,
    int kind, double now)
{
	struct udp *u = p;
	int rc;

	if (u->st != XPORT_ONLINE) {
		u->stats.dropped++;
		return XPORT_DROPPED;
	}
	rc = xport_queue_push_to(&u->q, pkt, len, dest, n, kind);
	if (rc != XPORT_DROPPED && !u->blocked)
		udp_pump(u, now);
	return rc;
}

static int
udp_send(void *p, const uint8_t *const *pkt, const size_t *len, size_t n, int kind, double now)
{
	return udp_send_to(p, pkt, len, NULL, n, kind, now);
}

static ssize_t
udp_recv(void *p, uint8_t *buf, size_t cap, double now)
{
	struct udp *u = p;
	ssize_t r;

	(void)now;
	if (u->fd < 0)
		return 0;
	r = recv(u->fd, buf, cap, 0);
	if (r >= 0) {
		u->stats.bytes_in += (uint64_t)r;
		return r;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		u->stats.errors++;
		snprintf(u->reason, sizeof u->reason, "receive from %.100s:%d: %s", u->addr.host, u->addr.port,
		    strerror(errno));
	}
	return 0;
}

static void
udp_io(void *p, int ready, double now)
{
	struct udp *u = p;

	if (ready & XPORT_EV_WRITE) {
		u->blocked = 0;
		udp_pump(u, now);
	}
}

static double
udp_tick(void *p, double now)
{
	struct udp *u = p;

	if (u->st == XPORT_OFFLINE) {
		if (now >= u->deadline)
			udp_start(u, now);
		return u->st == XPORT_OFFLINE ? u->deadline : INFINITY;
	}
	if (!u->blocked && u->q.head && now >= u->deadline)
		udp_pump(u, now);
	return u->q.head && !u->blocked ? u->deadline : INFINITY;
}

static enum xport_state
udp_state(const void *p, char *reason, size_t len)
{
	const struct udp *u = p;

	if (reason && len)
		snprintf(reason, len, "%s", u->reason);
	return u->st;
}

static size_t udp_queued(const void *p) { return ((const struct udp *)p)->q.bytes; }
static const struct xport_stats *udp_stats(const void *p) { return &((const struct udp *)p)->stats; }

const struct xport_ops xport_udp_ops = {
	.scheme = "udp",
	.parse = udp_parse,
	.open = udp_open,
	.close = udp_close,
	.fd = udp_fd,
	.events = udp_events,
	.send = udp_send,
	.send_to = udp_send_to,
	.recv = udp_recv,
	.io = udp_io,
	.reconnect = udp_reconnect,
	.tick = udp_tick,
	.state = udp_state,
	.queued = udp_queued,
	.stats = udp_stats,
};
