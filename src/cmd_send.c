/*
 * cmd_send.c — `ledsign send FILE --board NAME --item NAME [--at TIME]`:
 * render one content item for one board and push it there once, waiting
 * for the board's acknowledgement when its protocol has one.
 *
 * Testing aids: --frames N --interval S push N frames of the item at
 * t = 0, S, 2S, ... over one connection (a scroll, say); --dump DIR writes
 * each frame sent as DIR/frame-NNNNNN.png (one pixel per LED), so a test
 * can compare them with what a simulated board showed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "diag.h"
#include "model.h"
#include "proto/lsp.h"
#include "proto/proto.h"
#include "render/render.h"

enum link_kind { LINK_TCP, LINK_UDP, LINK_SERIAL };

struct link {
	enum link_kind kind;
	int fd;
	uint64_t first_us;      /* when the first byte went out */
	uint64_t frame_us;      /* summed time from each frame's first byte to its acknowledgement */
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t
now_ms(void)
{
	return now_us() / 1000u;
}

static speed_t
baud_constant(int baud)
{
	static const struct { int baud; speed_t c; } t[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
		{ 230400, B230400 }, { 460800, B460800 }, { 921600, B921600 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].baud == baud)
			return t[i].c;
	return 0;
}

/* Raw 8N1-style line settings from the board's serial block. */
static int
serial_setup(int fd, const struct ls_serial *s, char *err, size_t errlen)
{
	struct termios tio;
	speed_t sp = baud_constant(s->baud > 0 ? s->baud : 57600);

	if (tcgetattr(fd, &tio) < 0) {
		snprintf(err, errlen, "not a serial line (%s)", strerror(errno));
		return -1;
	}
	if (sp == 0) {
		snprintf(err, errlen, "baud %d is not a standard rate — use 9600, 19200, 38400, 57600 or 115200",
		    s->baud);
		return -1;
	}
	cfmakeraw(&tio);
	cfsetispeed(&tio, sp);
	cfsetospeed(&tio, sp);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	tio.c_cflag |= CLOCAL | CREAD;
	switch (s->data_bits) {
	case 5: tio.c_cflag |= CS5; break;
	case 6: tio.c_cflag |= CS6; break;
	case 7: tio.c_cflag |= CS7; break;
	default: tio.c_cflag |= CS8; break;
	}
	if (s->parity == 'e')
		tio.c_cflag |= PARENB;
	else if (s->parity == 'o')
		tio.c_cflag |= PARENB | PARODD;
	if (s->stop_bits == 2)
		tio.c_cflag |= CSTOPB;
	if (s->flow == 'r')
		tio.c_cflag |= CRTSCTS;
	else if (s->flow == 'x')
		tio.c_iflag |= IXON | IXOFF;
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) < 0) {
		snprintf(err, errlen, "cannot set line settings (%s)", strerror(errno));
		return -1;
	}
	tcflush(fd, TCIOFLUSH);
	return 0;
}

/* Open a board's address: tcp:HOST:PORT, udp:HOST:PORT, serial:PATH, or a device path. */
static int
link_open(struct link *l, const struct ls_board *b, int default_port, char *err, size_t errlen)
{
	const char *a = b->address;
	char host[256], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	const char *colon;
	int rc, fd = -1;

	l->fd = -1;
	if (strncmp(a, "tcp:", 4) == 0 || strncmp(a, "udp:", 4) == 0) {
		l->kind = a[0] == 't' ? LINK_TCP : LINK_UDP;
		colon = strrchr(a + 4, ':');
		if (colon == NULL) {
			snprintf(host, sizeof host, "%s", a + 4);
			snprintf(port, sizeof port, "%d", default_port);
		} else {
			snprintf(host, sizeof host, "%.*s", (int)(colon - (a + 4)), a + 4);
			snprintf(port, sizeof port, "%s", colon + 1);
		}
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = l->kind == LINK_TCP ? SOCK_STREAM : SOCK_DGRAM;
		if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
			snprintf(err, errlen, "cannot resolve %s: %s — check the address in the config", a,
			    gai_strerror(rc));
			return -1;
		}
		errno = 0;
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0)
				continue;
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			rc = errno;
			close(fd);
			fd = -1;
			errno = rc;
		}
		freeaddrinfo(res);
		if (fd < 0) {
			snprintf(err, errlen, "cannot connect to %s: %s — is the board powered and on the network?",
			    a, strerror(errno));
			return -1;
		}
	} else {
		const char *path = strncmp(a, "serial:", 7) == 0 ? a + 7 : strncmp(a, "pty:", 4) == 0 ? a + 4 : a;

		l->kind = LINK_SERIAL;
		if ((fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
			snprintf(err, errlen, "cannot open %s: %s — is the serial adapter plugged in?", a,
			    strerror(errno));
			return -1;
		}
		char why[200];
		if (serial_setup(fd, &b->serial, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", a, why);
			close(fd);
			return -1;
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	l->fd = fd;
	return 0;
}

/* Write one packet (a datagram on UDP); waits for room, up to `deadline`. */
static int
link_write(struct link *l, const uint8_t *p, size_t n, uint64_t deadline)
{
	while (n > 0) {
		ssize_t w = l->kind == LINK_UDP ? send(l->fd, p, n, 0) :
		    l->kind == LINK_TCP ? send(l->fd, p, n, MSG_NOSIGNAL) : write(l->fd, p, n);

		if (w >= 0) {
			if (l->first_us == 0)
				l->first_us = now_us();
			if (l->kind == LINK_UDP)
				return 0;
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == ECONNREFUSED && l->kind == LINK_UDP)
			return 0;     /* an earlier datagram bounced; retransmission deals with it */
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		{
			struct pollfd pfd = { l->fd, POLLOUT, 0 };
			uint64_t now = now_ms();
			if (now >= deadline) {
				errno = ETIMEDOUT;
				return -1;
			}
			poll(&pfd, 1, (int)(deadline - now));
		}
	}
	return 0;
}

static int
link_send_batch(struct link *l, const struct proto_batch *b, uint64_t deadline)
{
	for (size_t i = 0; i < b->npkts; i++)
		if (link_write(l, b->buf + b->off[i], b->len[i], deadline) < 0)
			return -1;
	return 0;
}

/* When the batch holds the first FRAME packet of a push, note the time (for the timing line). */
static void
note_frame_start(const struct proto_batch *b, uint64_t *start)
{
	for (size_t i = 0; *start == 0 && i < b->npkts; i++)
		if (b->len[i] > 3 && b->buf[b->off[i] + 3] == 0x10)   /* LSP FRAME */
			*start = now_us();
}

struct send_opts {
	const char *file, *board, *item, *at, *dump;
	long frames;
	double interval, timeout;
	int verbose;
};

/* Push one frame and wait until the board has it.  0, or -1 with err. */
static int
push_frame(const struct proto_ops *ops, void *st, struct link *l, const struct render_canvas *c,
    uint8_t *buf, size_t cap, double timeout, char *err, size_t errlen)
{
	struct proto_image img = { c->width, c->height, c->format, c->stride, c->data };
	struct proto_batch b;
	uint64_t deadline = now_ms() + (uint64_t)(timeout * 1000.0), start = 0;
	uint8_t rx[4096];

	proto_batch_init(&b, buf, cap);
	if (ops->encode_frame(st, &img, &b) < 0) {
		snprintf(err, errlen, "cannot encode the frame: %s",
		    ops->error && ops->error(st) ? ops->error(st) : "buffer too small");
		return -1;
	}
	note_frame_start(&b, &start);
	if (link_send_batch(l, &b, deadline) < 0)
		goto ioerr;
	if (ops->poll == NULL)
		return 0;      /* send-only protocol: nothing to wait for */
	for (;;) {
		uint64_t wake, now = now_ms();
		int r, wait;
		struct pollfd pfd = { l->fd, POLLIN, 0 };

		proto_batch_init(&b, buf, cap);
		r = ops->poll(st, now, &b, &wake);
		if (r == PROTO_TX_DONE || r == PROTO_TX_IDLE) {
			if (start)
				l->frame_us += now_us() - start;
			return 0;
		}
		if (r == PROTO_TX_FAILED) {
			snprintf(err, errlen, "%s", ops->error(st) ? ops->error(st) : "delivery failed");
			return -1;
		}
		note_frame_start(&b, &start);
		if (link_send_batch(l, &b, deadline) < 0)
			goto ioerr;
		if (now >= deadline) {
			snprintf(err, errlen, "no acknowledgement within %.1f s — is the board on and speaking %s?",
			    timeout, ops->name);
			return -1;
		}
		wait = wake > now ? (int)(wake - now) : 0;
		if (now + (uint64_t)wait > deadline)
			wait = (int)(deadline - now);
		if (poll(&pfd, 1, wait) > 0) {
			ssize_t n = read(l->fd, rx, sizeof rx);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR &&
			    !(errno == ECONNREFUSED && l->kind == LINK_UDP))) {
				snprintf(err, errlen, "the board closed the connection%s%s",
				    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
				return -1;
			}
			for (size_t off = 0; n > 0 && off < (size_t)n;) {
				size_t used = 0;
				ops->input(st, rx + off, (size_t)n - off, &used);
				if (used == 0)
					break;
				off += used;
			}
		}
	}
ioerr:
	snprintf(err, errlen, "cannot send: %s — is the board still connected?", strerror(errno));
	return -1;
}

static int
parse_args(int argc, char **argv, struct send_opts *o)
{
	memset(o, 0, sizeof *o);
	o->frames = 1;
	o->timeout = 10.0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o->verbose = 1;
			continue;
		}
		if (a[0] != '-') {
			if (o->file)
				return -1;
			o->file = a;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--board") == 0) o->board = v;
		else if (strcmp(a, "--item") == 0) o->item = v;
		else if (strcmp(a, "--at") == 0) o->at = v;
		else if (strcmp(a, "--dump") == 0) o->dump = v;
		else if (strcmp(a, "--frames") == 0) {
			o->frames = strtol(v, &end, 10);
			if (*end || o->frames < 1 || o->frames > 100000)
				return -1;
		} else if (strcmp(a, "--interval") == 0) {
			o->interval = strtod(v, &end);
			if (*end || !(o->interval >= 0 && o->interval < 86400))
				return -1;
		} else if (strcmp(a, "--timeout") == 0) {
			o->timeout = strtod(v, &end);
			if (*end || !(o->timeout > 0 && o->timeout < 3600))
				return -1;
		} else
			return -1;
	}
	return o->file && o->board && o->item ? 0 : -1;
}

int
cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct ls_config *cfg = NULL;
	const struct ls_board *board;
	const struct ls_content *item;
	const struct proto_ops *ops;
	struct render_ctx *rctx = NULL;
	struct render_canvas *canvas = NULL;
	struct ls_diag diag = { 0 };
	struct link l = { LINK_TCP, -1, 0, 0 };
	void *st = NULL;
	uint8_t *buf = NULL;
	size_t cap;
	char err[512] = "";
	long long at;
	uint64_t link_us;
	int rc = 1;

	if (parse_args(argc, argv, &o) < 0)
		return cmd_usage("send");
	if ((cfg = cmd_load_config(o.file)) == NULL)
		return 1;
	if ((board = ls_config_board(cfg, o.board)) == NULL) {
		fprintf(stderr, "ledsign send: %s has no board called \"%s\"\n", o.file, o.board);
		goto out;
	}
	if ((item = ls_config_content(cfg, o.item)) == NULL) {
		fprintf(stderr, "ledsign send: %s has no content item called \"%s\"\n", o.file, o.item);
		goto out;
	}
	at = (long long)time(NULL);
	if (o.at && cmd_parse_time(cfg, o.at, &at) < 0) {
		fprintf(stderr, "ledsign send: --at \"%s\": expected \"YYYY-MM-DD HH:MM\"\n", o.at);
		goto out;
	}
	if ((ops = proto_find(board->protocol)) == NULL) {
		fprintf(stderr, "board %s: unknown protocol \"%s\" — see `ledsign check`\n", board->name,
		    board->protocol);
		goto out;
	}
	if (!ops->supports(board->format)) {
		fprintf(stderr, "board %s: protocol %s cannot carry %s pixels\n", board->name, ops->name,
		    ls_format_name(board->format));
		goto out;
	}
	if ((rctx = render_ctx_new(cfg, &diag)) == NULL) {
		ls_diag_print(&diag, stderr);
		goto out;
	}
	if ((canvas = render_canvas_new(board->width, board->height, board->format)) == NULL) {
		fprintf(stderr, "board %s: cannot make a %dx%d canvas\n", board->name, board->width,
		    board->height);
		goto out;
	}
	if ((st = ops->init(board, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	cap = ops->max_frame_bytes(board->width, board->height, board->format);
	if ((buf = malloc(cap)) == NULL) {
		fprintf(stderr, "ledsign send: out of memory\n");
		goto out;
	}
	if (link_open(&l, board, ops->default_port, err, sizeof err) < 0) {
		fprintf(stderr, "board %s: %s\n", board->name, err);
		goto out;
	}
	/* Start the session (LSP asks the board what it is) while we render. */
	if (ops->poll) {
		uint64_t wake;
		struct proto_batch b;

		proto_batch_init(&b, buf, cap);
		ops->poll(st, now_ms(), &b, &wake);
		if (link_send_batch(&l, &b, now_ms() + (uint64_t)(o.timeout * 1000.0)) < 0) {
			fprintf(stderr, "board %s: cannot send to %s: %s\n", board->name, board->address,
			    strerror(errno));
			goto out;
		}
	}
	for (long k = 0; k < o.frames; k++) {
		double t = (double)k * o.interval;

		if (render_item(rctx, board, item, (double)at + t, t, canvas, err, sizeof err) < 0) {
			fprintf(stderr, "board %s: %s\n", board->name, err);
			goto out;
		}
		if (o.dump) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/frame-%06ld.png", o.dump, k + 1);
			if (render_png_write_raw(canvas, path, err, sizeof err) < 0) {
				fprintf(stderr, "ledsign send: %s\n", err);
				goto out;
			}
		}
		rc = push_frame(ops, st, &l, canvas, buf, cap, o.timeout, err, sizeof err);
		if (rc < 0) {
			rc = 1;
			fprintf(stderr, "board %s: frame %ld of %ld not delivered: %s\n", board->name, k + 1,
			    o.frames, err);
			goto out;
		}
		rc = 1;      /* until every frame is through */
	}
	/* The time is from the first byte out to the last acknowledgement. */
	link_us = now_us() - l.first_us;
	if (strcmp(ops->name, "lsp") == 0) {
		struct proto_lsp_stats s;
		proto_lsp_get_stats(st, &s);
		printf("board %s: %ld frame%s delivered to %s in %.3f ms (frames %.3f ms; %dx%d %s; %lu bytes raw, "
		    "%lu coded, %lu on the wire, last as %s; %lu bytes out, %lu in; %lu packets, %lu retransmitted)\n",
		    board->name, o.frames, o.frames == 1 ? "" : "s", board->address, (double)link_us / 1000.0,
		    (double)l.frame_us / 1000.0,
		    board->width, board->height, ls_format_name(board->format), s.frame_bytes_raw,
		    s.frame_bytes_coded, s.frame_bytes_wire, fw_lsp_encoding_name(s.last.encoding),
		    s.bytes_out, s.bytes_in, s.packets, s.retransmits);
	} else {
		printf("board %s: %ld frame%s %s to %s in %.3f ms\n", board->name, o.frames,
		    o.frames == 1 ? "" : "s", ops->wants_ack ? "delivered" : "sent", board->address,
		    (double)link_us / 1000.0);
	}
	rc = 0;
out:
	if (l.fd >= 0)
		close(l.fd);
	if (st)
		ops->fini(st);
	free(buf);
	render_canvas_free(canvas);
	render_ctx_free(rctx);
	ls_diag_clear(&diag);
	ls_config_free(cfg);
	return rc;
}
