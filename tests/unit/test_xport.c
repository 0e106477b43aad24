/* test_xport.c — transports on real loopback sockets and a real pty pair. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "transport/xport.h"
#include "transport/xport_int.h"

/* ---- helpers ---- */

static int
listen_tcp(int *port, int rcvbuf)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)*port);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int
free_port(void)
{
	int port = 0, fd = listen_tcp(&port, 0);

	close(fd);
	return port;
}

/* Drive a transport like an event loop would, for at most `secs`, until done(arg). */
static void
pump(struct xport *x, double secs, int (*done)(struct xport *, void *), void *arg)
{
	double end = xport_now() + secs;

	for (;;) {
		double now = xport_now(), dl;
		struct pollfd p = { .fd = xport_fd(x), .events = 0 };
		int ev = xport_events(x), ms;

		if (done && done(x, arg))
			return;
		if (now >= end)
			return;
		dl = xport_tick(x, now);
		if (done && done(x, arg))
			return;
		ms = (int)((fmin(dl, end) - now) * 1000) + 1;
		if (ms > 50)
			ms = 50;
		if (ms < 0)
			ms = 0;
		if (ev & XPORT_EV_READ) p.events |= POLLIN;
		if (ev & XPORT_EV_WRITE) p.events |= POLLOUT;
		if (p.fd < 0) p.events = 0;
		if (poll(&p, p.fd >= 0 ? 1 : 0, ms) > 0) {
			int ready = 0;
			uint8_t buf[4096];

			if (p.revents & (POLLIN | POLLHUP | POLLERR)) ready |= XPORT_EV_READ;
			if (p.revents & (POLLOUT | POLLHUP | POLLERR)) ready |= XPORT_EV_WRITE;
			xport_io(x, ready, xport_now());
			if (ready & XPORT_EV_READ)
				while (xport_recv(x, buf, sizeof buf, xport_now()) > 0)
					;
		}
	}
}

static int
is_online(struct xport *x, void *arg)
{
	(void)arg;
	return xport_state(x, NULL, 0) == XPORT_ONLINE;
}

static int
is_state(struct xport *x, void *arg)
{
	return xport_state(x, NULL, 0) == *(enum xport_state *)arg;
}

static int
queue_empty(struct xport *x, void *arg)
{
	(void)arg;
	return xport_queued(x) == 0;
}

static size_t
read_all(int fd, uint8_t *buf, size_t want, double secs)
{
	size_t got = 0;
	double end = xport_now() + secs;

	while (got < want && xport_now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 20) <= 0)
			continue;
		r = read(fd, buf + got, want - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/* Read `want` bytes from fd while driving x as the daemon's loop would
 * (its tick at its deadline, its write when it asks for one): a paced
 * serial link writes only as fast as its line sends.  Each read's time
 * and the byte count so far go to at/cum when given. */
static size_t
pump_read(struct xport *x, int fd, uint8_t *buf, size_t want, double secs, double *at, size_t *cum,
    size_t *nreads)
{
	size_t got = 0, k = 0;
	double end = xport_now() + secs;

	while (got < want && xport_now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double now = xport_now(), next = xport_tick(x, now);
		ssize_t r;

		if (xport_events(x) & XPORT_EV_WRITE)
			xport_io(x, XPORT_EV_WRITE, now);
		if (poll(&p, 1, next <= now ? 0 : next - now < 0.02 ? (int)((next - now) * 1000) + 1 : 20) <= 0)
			continue;
		r = read(fd, buf + got, want - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (at && cum && nreads && k < *nreads) {
			at[k] = xport_now();
			cum[k++] = got;
		}
	}
	if (nreads)
		*nreads = k;
	return got;
}

static struct xport_opts
opts(void)
{
	struct xport_opts o;

	xport_opts_default(&o);
	return o;
}

/* ---- addresses ---- */

static void
test_parse(void **st)
{
	struct xport_addr a;
	char err[256], buf[300];

	(void)st;
	assert_int_equal(xport_parse("tcp:127.0.0.1:7001", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.ops, &xport_tcp_ops);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.port, 7001);
	assert_int_equal(xport_parse("udp:board.lan", 4048, &a, err, sizeof err), 0);
	assert_ptr_equal(a.ops, &xport_udp_ops);
	assert_int_equal(a.port, 4048);
	assert_int_equal(xport_parse("tcp:[::1]:80", 0, &a, err, sizeof err), 0);
	assert_string_equal(a.host, "::1");
	xport_addr_format(&a, buf, sizeof buf);
	assert_string_equal(buf, "tcp:[::1]:80");
	assert_int_equal(xport_parse("serial:/dev/ttyUSB0@9600", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.ops, &xport_serial_ops);
	assert_string_equal(a.path, "/dev/ttyUSB0");
	assert_int_equal(a.baud, 9600);
	xport_addr_format(&a, buf, sizeof buf);
	assert_string_equal(buf, "serial:/dev/ttyUSB0@9600");
	assert_int_equal(xport_parse("serial:/dev/ttyS1", 0, &a, err, sizeof err), 0);
	assert_int_equal(a.baud, 0);

	assert_int_equal(xport_parse("tcp:host", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "no port"));
	assert_int_equal(xport_parse("tcp:host:99999", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "bad port"));
	assert_int_equal(xport_parse("tcp:host:", 0, &a, err, sizeof err), -1);
	assert_int_equal(xport_parse("tcp::80", 0, &a, err, sizeof err), -1);
	assert_int_equal(xport_parse("tcp:::1:80", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "brackets"));
	assert_int_equal(xport_parse("tcp:[board]:80", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "IPv6"));
	assert_int_equal(xport_parse("tcp:bo ard:80", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "bad character"));
	assert_int_equal(xport_parse("udp:[fe80::1%lo]:4048", 0, &a, err, sizeof err), 0);
	assert_string_equal(a.host, "fe80::1%lo");
	assert_int_equal(xport_parse("http://x", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown transport"));
	assert_int_equal(xport_parse("/dev/ttyUSB0", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "no scheme"));
	assert_int_equal(xport_parse("serial:/dev/ttyUSB0@fast", 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "baud"));
	assert_int_equal(xport_parse("serial:", 0, &a, err, sizeof err), -1);
	assert_int_equal(xport_parse(NULL, 0, &a, err, sizeof err), -1);
}

/* ---- the queue and back-off, directly ---- */

static void
test_queue_coalesce(void **st)
{
	struct xport_stats s;
	struct xport_queue q;
	uint8_t f1[100], f2[100], c[10];
	const uint8_t *p;
	size_t len;

	(void)st;
	memset(&s, 0, sizeof s);
	xport_queue_init(&q, 250, &s);
	memset(f1, 1, sizeof f1);
	memset(f2, 2, sizeof f2);
	memset(c, 3, sizeof c);
	p = f1; len = sizeof f1;
	assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_FRAME), XPORT_SENT);
	p = c; len = sizeof c;
	assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_KEEP), XPORT_SENT);
	p = f2; len = sizeof f2;
	/* f1 has not started: it is superseded; the command stays */
	assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_FRAME), XPORT_COALESCED);
	assert_int_equal(s.coalesced, 1);
	assert_int_equal(q.bytes, 110);
	assert_int_equal(q.head->data[0], 3);
	assert_int_equal(q.tail->data[0], 2);
	/* a partly sent frame is never dropped */
	q.tail->sent = 10;
	q.bytes -= 10;
	p = f1; len = sizeof f1;
	assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_FRAME), XPORT_SENT);
	assert_int_equal(q.bytes, 200);
	/* commands beyond the bound are refused, not queued */
	for (int i = 0; i < 10; i++) {
		p = c; len = sizeof c;
		xport_queue_push(&q, &p, &len, 1, XPORT_MSG_KEEP);
	}
	assert_true(q.bytes <= 250);
	assert_true(s.dropped > 0);
	xport_queue_clear(&q);
	assert_int_equal(q.bytes, 0);
	assert_null(q.head);
	/* an empty message is not queued at all */
	assert_int_equal(xport_queue_push(&q, &p, &len, 0, XPORT_MSG_KEEP), XPORT_SENT);
	len = 0;
	assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_FRAME), XPORT_SENT);
	assert_null(q.head);
	/* one message larger than the bound is accepted when alone */
	{
		uint8_t *big = calloc(1, 1000);
		p = big; len = 1000;
		assert_int_equal(xport_queue_push(&q, &p, &len, 1, XPORT_MSG_FRAME), XPORT_SENT);
		xport_queue_clear(&q);
		free(big);
	}
}

static void
test_backoff(void **st)
{
	struct xport_backoff b;
	double prev_cap = 0;

	(void)st;
	xport_backoff_init(&b, 0.1, 2.0, 42);
	for (int i = 0; i < 20; i++) {
		double cap = fmin(2.0, 0.1 * pow(2, i));
		double d = xport_backoff_next(&b);
		assert_true(d >= cap / 2 - 1e-9);
		assert_true(d <= cap + 1e-9);
		assert_true(cap >= prev_cap);
		prev_cap = cap;
	}
	xport_backoff_reset(&b);
	assert_true(xport_backoff_next(&b) <= 0.1 + 1e-9);
}

/* ---- TCP ---- */

static void
test_tcp_send_and_close(void **st)
{
	int port = 0, lfd = listen_tcp(&port, 0), cfd;
	char addr[64], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	uint8_t a[] = "hello ", b[] = "board", got[32];
	const uint8_t *pk[2] = { a, b };
	size_t len[2] = { 6, 5 };
	struct xport_stats stats;

	(void)st;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	pump(x, 2, is_online, NULL);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	assert_true(xport_send(x, pk, len, 2, XPORT_MSG_FRAME, xport_now()) >= 0);
	pump(x, 1, queue_empty, NULL);
	assert_int_equal(read_all(cfd, got, 11, 2), 11);
	assert_memory_equal(got, "hello board", 11);
	stats = *xport_stats(x);
	assert_int_equal(stats.bytes_out, 11);
	assert_int_equal(stats.msgs_out, 1);
	/* the board answers, then goes away */
	assert_int_equal(write(cfd, "ok", 2), 2);
	{
		uint8_t r[8];
		ssize_t n = 0;
		double end = xport_now() + 1;
		while (n <= 0 && xport_now() < end)
			n = xport_recv(x, r, sizeof r, xport_now());
		assert_int_equal(n, 2);
		assert_memory_equal(r, "ok", 2);
	}
	close(cfd);
	{
		enum xport_state want = XPORT_OFFLINE;
		pump(x, 2, is_state, &want);
	}
	{
		char reason[512];
		assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
		assert_non_null(strstr(reason, "closed by board"));
		assert_non_null(strstr(reason, "retry in"));
	}
	assert_int_equal(xport_send1(x, "x", 1, XPORT_MSG_FRAME, xport_now()), XPORT_DROPPED);
	/* and comes back: the transport reconnects by itself */
	pump(x, 3, is_online, NULL);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	assert_int_equal(xport_stats(x)->connects, 2);
	xport_close(x);
	close(lfd);
}

static void
test_tcp_refused_then_backoff(void **st)
{
	int port = free_port(), lfd;
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	double t0 = xport_now(), t1;

	(void)st;
	o.backoff_min = 0.05;
	o.backoff_max = 0.4;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, t0, err, sizeof err);
	assert_non_null(x);
	pump(x, 1.0, NULL, NULL);
	{
		/* a retry may be under way right now: let it fail */
		enum xport_state want = XPORT_OFFLINE;
		pump(x, 1.0, is_state, &want);
	}
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "refused"));
	/* 1 s of retries at 0.025..0.4 s apart: several, but far from a busy loop */
	assert_true(xport_stats(x)->errors >= 3);
	assert_true(xport_stats(x)->errors <= 60);
	lfd = listen_tcp(&port, 0);
	t1 = xport_now();
	pump(x, 2, is_online, NULL);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	/* back within the back-off cap */
	assert_true(xport_now() - t1 <= 0.4 + 0.1);
	xport_close(x);
	close(lfd);
}

static void
test_tcp_connect_timeout(void **st)
{
	/* A listener whose accept queue is full drops further SYNs (Linux, with
	 * tcp_abort_on_overflow off), so a connect to it hangs: on loopback. */
	int port = 0, lfd = listen_tcp(&port, 0), fill[4], nfill = 0;
	struct sockaddr_in sa;
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	enum xport_state want = XPORT_OFFLINE;
	double t0;

	(void)st;
	listen(lfd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	for (int i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sa, sizeof sa);
		nfill++;
	}
	usleep(50000);
	o.connect_timeout = 0.3;
	o.backoff_min = 5;   /* one attempt in this test */
	o.backoff_max = 5;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	t0 = xport_now();
	x = xport_open(addr, 0, &o, t0, err, sizeof err);
	assert_non_null(x);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_CONNECTING);
	pump(x, 2.0, is_state, &want);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "timed out after 0.3 s"));
	assert_true(xport_now() - t0 >= 0.29);
	assert_true(xport_now() - t0 < 1.0);
	xport_close(x);
	for (int i = 0; i < nfill; i++)
		close(fill[i]);
	close(lfd);
}

struct seqframe { uint32_t seq; uint8_t pad[8188]; };

static void
test_tcp_bounded_coalescing(void **st)
{
	int port = 0, lfd = listen_tcp(&port, 4096), cfd, one = 4096;
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	static struct seqframe f;
	size_t maxq = 0;
	uint32_t last = 0;
	uint8_t *rx;
	size_t got = 0;

	(void)st;
	o.queue_max = 32 * 1024;
	o.stall_timeout = 0.2;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	pump(x, 2, is_online, NULL);
	cfd = accept(lfd, NULL, NULL);
	setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, &one, sizeof one);
	/* keep the kernel's share small so the queue's bound is what is tested */
	setsockopt(xport_fd(x), SOL_SOCKET, SO_SNDBUF, &one, sizeof one);
	/* the board never reads: 3000 frames of 8 KiB (24 MiB) must stay bounded */
	for (uint32_t i = 1; i <= 3000; i++) {
		f.seq = i;
		memset(f.pad, (int)(i & 0xff), sizeof f.pad);
		xport_send1(x, &f, sizeof f, XPORT_MSG_FRAME, xport_now());
		xport_tick(x, xport_now());
		if (xport_queued(x) > maxq)
			maxq = xport_queued(x);
	}
	assert_true(maxq <= o.queue_max);
	assert_true(xport_stats(x)->coalesced > 2000);
	pump(x, 0.5, NULL, NULL);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_STALLED);
	assert_non_null(strstr(reason, "no bytes"));
	/* the board starts reading: what arrives last is the newest frame, whole */
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	rx = malloc(64 << 20);
	/* read until nothing has come for 0.3 s */
	for (double quiet = xport_now() + 0.3, end = xport_now() + 5; xport_now() < quiet && xport_now() < end;) {
		ssize_t r = read(cfd, rx + got, (64 << 20) - got);
		if (r > 0) {
			got += (size_t)r;
			quiet = xport_now() + 0.3;
		}
		pump(x, 0.005, NULL, NULL);
	}
	assert_int_equal(got % sizeof f, 0);   /* no torn frame */
	memcpy(&last, rx + got - sizeof f, 4);
	assert_int_equal(last, 3000);
	assert_true(got < 40u * sizeof f);    /* far fewer than 3000 went out */
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	free(rx);
	xport_close(x);
	close(cfd);
	close(lfd);
}

/* A board that floods us is read within the budget, and the loop is told
 * to stop watching it for reading until the budget has refilled. */
static void
test_tcp_read_budget(void **st)
{
	int port = 0, lfd = listen_tcp(&port, 0), cfd;
	char addr[64], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	static uint8_t junk[65536];
	uint8_t buf[4096];
	size_t got = 0, sent = 0;
	int paused = 0;
	double t0, secs;

	(void)st;
	o.read_rate = 100 * 1024;
	o.read_burst = 16 * 1024;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	pump(x, 2, is_online, NULL);
	cfd = accept(lfd, NULL, NULL);
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	t0 = xport_now();
	while ((secs = xport_now() - t0) < 1.0) {
		ssize_t w, r;
		double now = xport_now();

		while ((w = write(cfd, junk, sizeof junk)) > 0)
			sent += (size_t)w;
		xport_tick(x, now);
		if (!(xport_events(x) & XPORT_EV_READ)) {
			paused++;
			assert_int_equal(xport_recv(x, buf, sizeof buf, now), 0);
		}
		/* as an event loop that is told it is readable: read until 0 */
		while ((r = xport_recv(x, buf, sizeof buf, xport_now())) > 0)
			got += (size_t)r;
		usleep(2000);
	}
	/* the burst, then the rate; one read may overdraw by its size */
	assert_true(got <= 16 * 1024 + 100 * 1024 * secs + sizeof buf);
	assert_true(got >= 100 * 1024 * 0.5);
	assert_true(sent > 4 * got);   /* there was far more to read */
	assert_true(paused > 0);
	assert_true(xport_stats(x)->throttled > 0);
	xport_close(x);
	close(cfd);
	close(lfd);
}

/* A board that takes no bytes for stall_reconnect gets a new connection. */
static void
test_tcp_stall_reconnect(void **st)
{
	int port = 0, lfd = listen_tcp(&port, 4096), cfd, small = 4096;
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	static struct seqframe f;
	enum xport_state want = XPORT_STALLED;

	(void)st;
	o.stall_timeout = 0.2;
	o.stall_reconnect = 0.6;
	o.backoff_min = 0.05;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	pump(x, 2, is_online, NULL);
	cfd = accept(lfd, NULL, NULL);
	setsockopt(xport_fd(x), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	/* fill the kernel's buffers: the board never reads */
	for (int i = 0; i < 400 && xport_queued(x) == 0; i++)
		xport_send1(x, &f, sizeof f, XPORT_MSG_FRAME, xport_now());
	assert_true(xport_queued(x) > 0);
	pump(x, 1, is_state, &want);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_STALLED);
	assert_int_equal(xport_stats(x)->connects, 1);
	want = XPORT_OFFLINE;
	pump(x, 1, is_state, &want);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "no bytes"));
	assert_non_null(strstr(reason, "reconnecting"));
	assert_non_null(strstr(reason, "retry in"));
	assert_int_equal(xport_stats(x)->stall_reconnects, 1);
	pump(x, 2, is_online, NULL);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	assert_int_equal(xport_stats(x)->connects, 2);
	xport_close(x);
	close(cfd);
	close(lfd);
}

/* xport_reconnect: the protocol above saw the board stop answering. */
static void
test_reconnect_call(void **st)
{
	int port = 0, lfd = listen_tcp(&port, 0);
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	double t0;

	(void)st;
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	pump(x, 2, is_online, NULL);
	t0 = xport_now();
	xport_reconnect(x, t0, "no acknowledgement for 6.0 s");
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "no acknowledgement for 6.0 s; retry in"));
	assert_int_equal(xport_fd(x), -1);
	/* not at once: after the back-off */
	assert_true(xport_tick(x, t0) > t0);
	pump(x, 3, is_online, NULL);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	assert_int_equal(xport_stats(x)->connects, 2);
	assert_int_equal(xport_stats(x)->stall_reconnects, 1);
	xport_close(x);
	close(lfd);
}

/* ---- UDP ---- */

static int
udp_receiver(const char *group, int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)*port);
	sa.sin_addr.s_addr = group ? inet_addr(group) : htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	if (group) {
		struct ip_mreq m;
		m.imr_multiaddr.s_addr = inet_addr(group);
		m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) < 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void
test_udp_unicast_packets(void **st)
{
	int port = 0, rfd = udp_receiver(NULL, &port);
	char addr[64], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	uint8_t p1[10], p2[1400], p3[3], buf[2000];
	const uint8_t *pk[3] = { p1, p2, p3 };
	size_t len[3] = { sizeof p1, sizeof p2, sizeof p3 };

	(void)st;
	memset(p1, 1, sizeof p1);
	memset(p2, 2, sizeof p2);
	memset(p3, 3, sizeof p3);
	snprintf(addr, sizeof addr, "udp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	assert_int_equal(xport_send(x, pk, len, 3, XPORT_MSG_FRAME, xport_now()), XPORT_SENT);
	pump(x, 1, queue_empty, NULL);
	for (int i = 0; i < 3; i++) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		assert_int_equal(poll(&p, 1, 1000), 1);
		assert_int_equal(recv(rfd, buf, sizeof buf, 0), (ssize_t)len[i]);
		assert_int_equal(buf[0], i + 1);
	}
	xport_close(x);
	close(rfd);
}

/* ICMP "port unreachable" comes back on the send() after the datagram that
 * caused it, and that send did not go out: each datagram is tried again,
 * not dropped (a board that comes back gets whole frames at once). */
static void
test_udp_refused_retries(void **st)
{
	int port = free_port(), rfd;
	char addr[64], err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	uint8_t p[4][100], buf[200];
	const uint8_t *pk[4] = { p[0], p[1], p[2], p[3] };
	size_t len[4] = { 100, 90, 80, 70 };
	struct sockaddr_in sa;

	(void)st;
	for (int i = 0; i < 4; i++)
		memset(p[i], i + 1, sizeof p[i]);
	snprintf(addr, sizeof addr, "udp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	/* nobody listens: every datagram draws an ICMP error, yet each is sent */
	assert_int_equal(xport_send(x, pk, len, 4, XPORT_MSG_FRAME, xport_now()), XPORT_SENT);
	pump(x, 1, queue_empty, NULL);
	assert_int_equal(xport_stats(x)->bytes_out, 100 + 90 + 80 + 70);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_ONLINE);
	assert_non_null(strstr(reason, "refused"));
	/* the board comes back: the next message arrives whole */
	rfd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	assert_int_equal(bind(rfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(xport_send(x, pk, len, 4, XPORT_MSG_FRAME, xport_now()), XPORT_SENT);
	pump(x, 1, queue_empty, NULL);
	for (int i = 0; i < 4; i++) {
		struct pollfd pf = { .fd = rfd, .events = POLLIN };
		assert_int_equal(poll(&pf, 1, 1000), 1);
		assert_int_equal(recv(rfd, buf, sizeof buf, 0), (ssize_t)len[i]);
		assert_int_equal(buf[0], i + 1);
	}
	xport_close(x);
	close(rfd);
}

static void
test_udp_pacing(void **st)
{
	int port = 0, rfd = udp_receiver(NULL, &port), big = 1 << 20;
	char addr[64], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	uint8_t pkt[1000];
	const uint8_t *pk[20];
	size_t len[20];
	double t0, el;
	int n = 0;

	(void)st;
	setsockopt(rfd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	o.udp_rate = 100000;    /* 100 kB/s */
	o.udp_burst = 2000;
	for (int i = 0; i < 20; i++) {
		pk[i] = pkt;
		len[i] = sizeof pkt;
	}
	snprintf(addr, sizeof addr, "udp:127.0.0.1:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	t0 = xport_now();
	xport_send(x, pk, len, 20, XPORT_MSG_FRAME, t0);
	/* the burst goes at once, the rest waits for tokens */
	assert_true(xport_queued(x) >= 17000);
	pump(x, 2, queue_empty, NULL);
	el = xport_now() - t0;
	/* 18 000 bytes beyond the burst at 100 kB/s: 0.18 s */
	assert_true(el >= 0.16);
	assert_true(el < 1.5);   /* generous: a loaded machine may wake us late */
	for (;;) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			break;
		recv(rfd, pkt, sizeof pkt, 0);
		n++;
	}
	assert_int_equal(n, 20);
	xport_close(x);
	close(rfd);
}

static void
test_udp_multicast(void **st)
{
	int port = 0, rfd = udp_receiver("239.255.77.77", &port);
	char addr[64], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	uint8_t buf[64];
	struct pollfd p;

	(void)st;
	if (rfd < 0) {
		skip();
		return;
	}
	snprintf(o.mcast_if, sizeof o.mcast_if, "127.0.0.1");
	snprintf(addr, sizeof addr, "udp:239.255.77.77:%d", port);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	{
		char reason[512];
		assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_ONLINE);
		assert_non_null(strstr(reason, "multicast"));
	}
	xport_send1(x, "group", 5, XPORT_MSG_FRAME, xport_now());
	pump(x, 1, queue_empty, NULL);
	p.fd = rfd;
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 1000), 1);
	assert_int_equal(recv(rfd, buf, sizeof buf, 0), 5);
	assert_memory_equal(buf, "group", 5);
	xport_close(x);
	close(rfd);
}

/* ---- serial over a real pty pair ---- */

static void
test_serial_pty(void **st)
{
	int m, s;
	char name[128], addr[200], err[256], reason[512], link[64];
	struct xport_opts o = opts();
	struct xport *x;
	struct termios tio;
	uint8_t buf[64];
	ssize_t n = 0;
	enum xport_state want = XPORT_OFFLINE;

	(void)st;
	assert_int_equal(openpty(&m, &s, name, NULL, NULL), 0);
	/* raw on the board side too, so bytes arrive as written */
	tcgetattr(m, &tio);
	cfmakeraw(&tio);
	tcsetattr(m, TCSANOW, &tio);
	/* through a symlink, as socat makes them */
	snprintf(link, sizeof link, "/tmp/ledsign-test-pty.%d", (int)getpid());
	unlink(link);
	assert_int_equal(symlink(name, link), 0);
	o.serial.data_bits = 7;
	o.serial.parity = 'e';
	o.serial.stop_bits = 2;
	snprintf(addr, sizeof addr, "serial:%s@9600", link);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_ONLINE);
	assert_non_null(strstr(reason, "9600 7E2"));
	assert_non_null(strstr(reason, "termios"));
	/* the line settings reached the terminal */
	assert_int_equal(tcgetattr(xport_fd(x), &tio), 0);
	assert_int_equal(cfgetospeed(&tio), B9600);
	/* Linux ptys force CS8 without parity; stop bits and speed stick */
	assert_true(tio.c_cflag & CSTOPB);
	assert_true(fcntl(xport_fd(x), F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(xport_fd(x), F_GETFD) & FD_CLOEXEC);

	xport_send1(x, "\x7e frame \x00\xff", 10, XPORT_MSG_FRAME, xport_now());
	pump(x, 1, queue_empty, NULL);
	assert_int_equal(read_all(m, buf, 10, 2), 10);
	assert_memory_equal(buf, "\x7e frame \x00\xff", 10);
	assert_int_equal(write(m, "ack", 3), 3);
	for (double end = xport_now() + 1; n <= 0 && xport_now() < end;)
		n = xport_recv(x, buf, sizeof buf, xport_now());
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "ack", 3);
	/* the board side goes away: the link notices and retries */
	close(m);
	close(s);
	pump(x, 1, is_state, &want);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "retry in"));
	unlink(link);
	xport_close(x);
}

/* A real UART, when this machine has one we may open: libserialport's path.
 * Nothing is written (it could be wired to something). */
static void
test_serial_real_port(void **st)
{
	char err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;
	struct termios tio;

	(void)st;
	if (access("/dev/ttyS0", R_OK | W_OK) != 0) {
		skip();
		return;
	}
	o.serial.data_bits = 7;
	o.serial.parity = 'o';
	o.serial.stop_bits = 2;
	x = xport_open("serial:/dev/ttyS0@19200", 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	if (xport_state(x, reason, sizeof reason) != XPORT_ONLINE) {
		xport_close(x);   /* present but not usable here (no such UART behind it) */
		skip();
		return;
	}
	assert_null(strstr(reason, "termios"));   /* libserialport opened it */
	assert_int_equal(tcgetattr(xport_fd(x), &tio), 0);
	assert_int_equal(cfgetospeed(&tio), B19200);
	assert_int_equal(tio.c_cflag & CSIZE, CS7);
	assert_true(tio.c_cflag & PARENB);
	assert_true(tio.c_cflag & PARODD);
	assert_true(tio.c_cflag & CSTOPB);
	assert_true(fcntl(xport_fd(x), F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(xport_fd(x), F_GETFD) & FD_CLOEXEC);
	xport_close(x);
}

static void
test_serial_missing_device(void **st)
{
	char err[256], reason[512];
	struct xport_opts o = opts();
	struct xport *x;

	(void)st;
	x = xport_open("serial:/dev/ledsign-no-such-tty", 0, &o, xport_now(), err, sizeof err);
	assert_non_null(x);
	assert_int_equal(xport_state(x, reason, sizeof reason), XPORT_OFFLINE);
	assert_non_null(strstr(reason, "No such file"));
	assert_int_equal(xport_fd(x), -1);
	assert_int_equal(xport_send1(x, "x", 1, XPORT_MSG_FRAME, xport_now()), XPORT_DROPPED);
	xport_close(x);
	/* bad line settings are a config error, not a retry */
	o.serial.data_bits = 9;
	assert_null(xport_open("serial:/dev/ttyS0", 0, &o, xport_now(), err, sizeof err));
	assert_non_null(strstr(err, "data bits"));
}

static void
test_serial_rs485_echo(void **st)
{
	int m, s;
	char name[128], addr[200], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	struct termios tio;
	uint8_t buf[256], out[100];
	ssize_t n;
	double t0, now;

	(void)st;
	assert_int_equal(openpty(&m, &s, name, NULL, NULL), 0);
	tcgetattr(m, &tio);
	cfmakeraw(&tio);
	tcsetattr(m, TCSANOW, &tio);
	o.serial.rs485 = 1;
	snprintf(addr, sizeof addr, "serial:%s@9600", name);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	memset(out, 0x55, sizeof out);
	/* 100 bytes at 9600 8N1 are on the wire for about 104 ms */
	t0 = xport_now();
	xport_send1(x, out, sizeof out, XPORT_MSG_KEEP, t0);
	assert_int_equal(pump_read(x, m, buf, sizeof out, 1, NULL, NULL, NULL), sizeof out);
	/* the echo of our own bytes, heard while sending, is dropped */
	assert_int_equal(write(m, out, 20), 20);
	usleep(20000);
	now = xport_now();
	n = xport_recv(x, buf, sizeof buf, now);
	if (now - t0 < 0.1)   /* (a loaded machine may have slept past the window) */
		assert_int_equal(n, 0);
	/* the board's answer after the line turned round is kept */
	usleep(150000);
	assert_int_equal(write(m, "ok", 2), 2);
	usleep(20000);
	n = xport_recv(x, buf, sizeof buf, xport_now());
	assert_int_equal(n, 2);
	xport_close(x);
	close(m);
	close(s);
}

/* Writes to a serial line are paced to its baud rate: 2000 bytes at 9600
 * 8N1 (2.08 s on the wire) reach the device no faster than the line sends
 * them, never more than the pacing allowance (64 characters, and writes of
 * 19: 20 ms of line) ahead, so a
 * newer frame can still replace queued bytes and an acknowledgement is
 * not stuck behind seconds of kernel buffer. */
static void
test_serial_paced(void **st)
{
	int m, s;
	char name[128], addr[200], err[256];
	struct xport_opts o = opts();
	struct xport *x;
	struct termios tio;
	static uint8_t out[2000], buf[2000];
	double at[4096], t0;
	size_t cum[4096], nreads = 4096;

	(void)st;
	assert_int_equal(openpty(&m, &s, name, NULL, NULL), 0);
	tcgetattr(m, &tio);
	cfmakeraw(&tio);
	tcsetattr(m, TCSANOW, &tio);
	snprintf(addr, sizeof addr, "serial:%s@9600", name);
	x = xport_open(addr, 0, &o, xport_now(), err, sizeof err);
	assert_int_equal(xport_state(x, NULL, 0), XPORT_ONLINE);
	memset(out, 0x5A, sizeof out);
	t0 = xport_now();
	assert_int_not_equal(xport_send1(x, out, sizeof out, XPORT_MSG_KEEP, t0), XPORT_DROPPED);
	assert_int_equal(pump_read(x, m, buf, sizeof out, 10, at, cum, &nreads), sizeof out);
	for (size_t i = 0; i < nreads; i++) {
		/* what the line could have sent by then, plus the allowance */
		double line = (at[i] - t0) * 960.0;
		assert_true((double)cum[i] <= line + 64 + 19 + 1);
	}
	/* and it does not dawdle either: all of it within the line time and a little */
	assert_true(at[nreads - 1] - t0 >= (2000.0 - 64 - 19) / 960.0 - 0.01);
	assert_true(at[nreads - 1] - t0 < 2000.0 / 960.0 + 0.5);
	xport_close(x);
	close(m);
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_queue_coalesce),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_tcp_send_and_close),
		cmocka_unit_test(test_tcp_refused_then_backoff),
		cmocka_unit_test(test_tcp_connect_timeout),
		cmocka_unit_test(test_tcp_bounded_coalescing),
		cmocka_unit_test(test_tcp_read_budget),
		cmocka_unit_test(test_tcp_stall_reconnect),
		cmocka_unit_test(test_reconnect_call),
		cmocka_unit_test(test_udp_unicast_packets),
		cmocka_unit_test(test_udp_refused_retries),
		cmocka_unit_test(test_udp_pacing),
		cmocka_unit_test(test_udp_multicast),
		cmocka_unit_test(test_serial_pty),
		cmocka_unit_test(test_serial_real_port),
		cmocka_unit_test(test_serial_missing_device),
		cmocka_unit_test(test_serial_rs485_echo),
		cmocka_unit_test(test_serial_paced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
