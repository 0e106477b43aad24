/*
 * ledboard.c — a simulated LED board on a TCP port, a UDP port or a
 * pseudo-terminal.  It decodes what it receives with a pluggable protocol
 * (ledboard_proto.h), answers, logs one line per message on stderr, and
 * writes every picture it shows as a PNG, one pixel per LED.
 *
 * For tests it can be a bad link: --drop P and --corrupt P lose or damage
 * received chunks (a datagram, or one read() of a stream) and replies,
 * --delay MS holds everything back, --stall accepts and never reads,
 * --stall-after N stops reading after N frames (a board that hung: on TCP
 * until the host connects again), and --baud N paces bytes as a UART at
 * N baud 8N1 would (a pty has no baud).
 */
#define _GNU_SOURCE         /* posix_openpt, ppoll; ledboard is a host program */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ledboard_proto.h"

enum lb_kind { LB_TCP, LB_UDP, LB_PTY };

/* Something held back until `at` (µs): received bytes or a reply. */
struct lb_item {
	uint64_t at;
	size_t   len;
	uint8_t *data;
	struct lb_item *next;
};

struct lb_queue {
	struct lb_item *head, *tail;
	uint64_t line_free;     /* µs when the paced line is free again */
};

struct lb {
	/* options */
	enum lb_kind kind;
	char    *host, *port, *pty_path;
	struct ledboard_screen scr;
	const struct ledboard_proto *proto;
	const char *snapdir;
	struct ledboard_sink sink;
	long     exit_after;
	long     reboot_after;  /* --reboot-after N: start afresh once after N frames */
	int      reboot_due;
	double   drop, corrupt;
	long     delay_ms;
	long     baud;
	long     clock_rate;    /* --clock-rate N: the board's clock runs N times fast */
	uint64_t clock_t0;      /* µs the board's clock started */
	int      stall, keep, quiet, nagle;
	long     stall_after;   /* hang after this many frames; 0 = never */
	int      hung;          /* not reading (since stall_after), until a new TCP connection */
	int      cut;           /* SIGUSR1: the cable is cut: nothing in, nothing out, no connections */
	unsigned seed;
	/* runtime */
	int      lfd;           /* tcp listener, udp socket or pty master */
	int      cfd;           /* tcp connection */
	int      slave_fd;      /* our own hold on the pty slave */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	void    *state;
	struct lb_queue in, out;
	long     frames;
	unsigned long rx_chunks, dropped, corrupted, tx_dropped, tx_corrupted;
	char     pngerr[256];
};

static volatile sig_atomic_t lb_stop;
static volatile sig_atomic_t lb_cut_flip;   /* SIGUSR1: cut the link, or mend it */

static void
lb_on_signal(int sig)
{
	(void)sig;
	lb_stop = 1;
}

static void
lb_on_usr1(int sig)
{
	(void)sig;
	lb_cut_flip = 1;
}

static void
lb_die(const char *fmt, ...)
{
	va_list ap;

	fputs("ledboard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t
lb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double
lb_rand(struct lb *lb)
{
	return (double)rand_r(&lb->seed) / ((double)RAND_MAX + 1.0);
}

/* ---- PNG snapshots ---------------------------------------------------- */

static int
lb_png_write(const struct lb *lb, const uint8_t *fb, const char *path)
{
	png_image img;
	uint8_t *rgb;
	int ok;

	if ((rgb = malloc((size_t)lb->scr.width * lb->scr.height * 3)) == NULL)
		return -1;
	for (uint32_t y = 0; y < lb->scr.height; y++)
		for (uint32_t x = 0; x < lb->scr.width; x++) {
			uint32_t c = fw_pix_rgb(lb->scr.format,
			    fw_pix_get(fb, lb->scr.stride, lb->scr.format, x, y));
			uint8_t *p = rgb + 3 * ((size_t)y * lb->scr.width + x);
			p[0] = (uint8_t)(c >> 16);
			p[1] = (uint8_t)(c >> 8);
			p[2] = (uint8_t)c;
		}
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = lb->scr.width;
	img.height = lb->scr.height;
	img.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&img, path, 0, rgb, 0, NULL);
	free(rgb);
	return ok ? 0 : -1;
}

/* Write DIR/NAME through a temporary file and rename, so readers never see half a PNG. */
static void
lb_snapshot(struct lb *lb, const uint8_t *fb, const char *name)
{
	char tmp[PATH_MAX], path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", lb->snapdir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", lb->snapdir, name);
	if (lb_png_write(lb, fb, tmp) < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "ledboard: cannot write %s: %s — is the snapshot directory writable?\n",
		    path, strerror(errno));
		unlink(tmp);
	}
}

/* ---- sink callbacks --------------------------------------------------- */

static void
lb_show(void *ctx, const uint8_t *fb)
{
	struct lb *lb = ctx;
	char name[64];

	lb->frames++;
	if (lb->keep) {
		snprintf(name, sizeof name, "frame-%06ld.png", lb->frames);
		lb_snapshot(lb, fb, name);
	}
	lb_snapshot(lb, fb, "latest.png");
	if (!lb->quiet)
		fprintf(stderr, "ledboard: frame %ld shown at %.3f\n", lb->frames, (double)lb_now_us() / 1e6);
	if (lb->stall_after > 0 && lb->frames == lb->stall_after) {
		lb->hung = 1;
		fprintf(stderr, "ledboard: hanging after %ld frames: no longer reading this connection\n", lb->frames);
	}
	if (lb->reboot_after > 0 && lb->frames == lb->reboot_after)
		lb->reboot_due = 1;     /* not inside the decoder's callback: after this feed */
}

static void
lb_queue_push(struct lb_queue *q, uint64_t at, const uint8_t *buf, size_t len)
{
	struct lb_item *it = malloc(sizeof *it);

	if (it == NULL || (it->data = malloc(len ? len : 1)) == NULL)
		lb_die("out of memory");
	memcpy(it->data, buf, len);
	it->len = len;
	it->at = at;
	it->next = NULL;
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
}

static struct lb_item *
lb_queue_pop(struct lb_queue *q)
{
	struct lb_item *it = q->head;

	if (it) {
		q->head = it->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return it;
}

/* When a chunk of len bytes arriving now is fully through the (possibly paced, delayed) line. */
static uint64_t
lb_release_time(struct lb *lb, struct lb_queue *q, size_t len)
{
	uint64_t now = lb_now_us(), t = now;

	if (lb->baud > 0) {
		uint64_t start = q->line_free > now ? q->line_free : now;
		t = start + (uint64_t)len * 10u * 1000000u / (uint64_t)lb->baud;
		q->line_free = t;
	}
	return t + (uint64_t)lb->delay_ms * 1000u;
}

static void
lb_send_now(struct lb *lb, const uint8_t *buf, size_t len)
{
	ssize_t n = -1;

	switch (lb->kind) {
	case LB_TCP:
		if (lb->cfd >= 0)
			n = send(lb->cfd, buf, len, MSG_NOSIGNAL);
		break;
	case LB_UDP:
		if (lb->peerlen)
			n = sendto(lb->lfd, buf, len, 0, (struct sockaddr *)&lb->peer, lb->peerlen);
		break;
	case LB_PTY:
		n = write(lb->lfd, buf, len);
		break;
	}
	if (n < 0 && !lb->quiet)
		fprintf(stderr, "ledboard: reply not sent: %s\n", strerror(errno));
}

static void
lb_reply(void *ctx, const uint8_t *buf, size_t len)
{
	struct lb *lb = ctx;
	uint8_t tmp[4096];

	if (lb->cut)
		return;       /* nobody hears it */
	if (lb->drop > 0 && lb_rand(lb) < lb->drop) {
		lb->tx_dropped++;
		return;
	}
	if (lb->corrupt > 0 && len > 0 && len <= sizeof tmp && lb_rand(lb) < lb->corrupt) {
		memcpy(tmp, buf, len);
		tmp[(size_t)(lb_rand(lb) * (double)len)] ^= (uint8_t)(1u << (rand_r(&lb->seed) % 8));
		buf = tmp;
		lb->tx_corrupted++;
	}
	if (lb->baud > 0 || lb->delay_ms > 0)
		lb_queue_push(&lb->out, lb_release_time(lb, &lb->out, len), buf, len);
	else
		lb_send_now(lb, buf, len);
}

static void
lb_log(void *ctx, const char *line)
{
	struct lb *lb = ctx;

	if (!lb->quiet)
		fprintf(stderr, "ledboard: %s\n", line);
}

/* ---- transports ------------------------------------------------------- */

static void
lb_parse_listen(struct lb *lb, const char *spec)
{
	const char *rest, *colon;

	if (strncmp(spec, "tcp:", 4) == 0)
		lb->kind = LB_TCP;
	else if (strncmp(spec, "udp:", 4) == 0)
		lb->kind = LB_UDP;
	else if (strncmp(spec, "pty:", 4) == 0)
		lb->kind = LB_PTY;
	else
		lb_die("--listen %s: expected tcp:HOST:PORT, udp:HOST:PORT or pty:PATH", spec);
	rest = spec + 4;
	if (lb->kind == LB_PTY) {
		if (*rest == '\0')
			lb_die("--listen %s: pty needs a path, e.g. pty:/tmp/board0", spec);
		lb->pty_path = strdup(rest);
		return;
	}
	if ((colon = strrchr(rest, ':')) == NULL || colon == rest || colon[1] == '\0')
		lb_die("--listen %s: expected %.3s:HOST:PORT", spec, spec);
	lb->host = strndup(rest, (size_t)(colon - rest));
	lb->port = strdup(colon + 1);
}

static void
lb_set_flags(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
lb_open_socket(struct lb *lb)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = lb->kind == LB_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(lb->host, lb->port, &hints, &res)) != 0)
		lb_die("cannot resolve %s:%s: %s", lb->host, lb->port, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    (lb->kind == LB_UDP || listen(fd, 4) == 0))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		lb_die("cannot listen on %s:%s: %s — is another board on that port?",
		    lb->host, lb->port, strerror(errno));
	lb_set_flags(fd);
	lb->lfd = fd;
	/* Port 0 lets the kernel choose a free one; say which, so a script that
	 * runs many boards (make demo, tests) never collides with another run. */
	if (strcmp(lb->port, "0") == 0) {
		char chosen[8], *dup;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
			unsigned p = ss.ss_family == AF_INET6 ?
			    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
			    ntohs(((struct sockaddr_in *)&ss)->sin_port);
			snprintf(chosen, sizeof chosen, "%u", p);
			/* lb->port is freed at exit: it must stay malloc'd */
			if ((dup = strdup(chosen)) != NULL) {
				free(lb->port);
				lb->port = dup;
			}
		}
	}
}

static void
lb_open_pty(struct lb *lb)
{
	struct termios tio;
	const char *slave;
	int m;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    (slave = ptsname(m)) == NULL)
		lb_die("cannot create a pseudo-terminal: %s", strerror(errno));
	/* Hold the slave open ourselves: with no slave open a master read fails
	 * with EIO, and a host that closes and reopens must find the line alive.
	 * Raw mode here is what the host sees before it sets its own. */
	if ((lb->slave_fd = open(slave, O_RDWR | O_NOCTTY)) < 0)
		lb_die("cannot open %s: %s", slave, strerror(errno));
	if (tcgetattr(lb->slave_fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(lb->slave_fd, TCSANOW, &tio);
	}
	if (tcgetattr(m, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(m, TCSANOW, &tio);
	}
	unlink(lb->pty_path);
	if (symlink(slave, lb->pty_path) < 0)
		lb_die("cannot link %s to %s: %s", lb->pty_path, slave, strerror(errno));
	lb_set_flags(m);
	lb->lfd = m;
}

/* ---- receiving -------------------------------------------------------- */

static void
lb_deliver(struct lb *lb, const uint8_t *buf, size_t len)
{
	lb->proto->feed(lb->state, buf, len, lb->kind == LB_UDP);
	if (lb->reboot_due) {
		/* as a board's watchdog would: the decoder starts from nothing
		 * (dark, no picture to base a delta on); the link stays up */
		char err[256];

		lb->reboot_due = 0;
		lb->proto->close(lb->state);
		if ((lb->state = lb->proto->open(&lb->scr, &lb->sink, err, sizeof err)) == NULL)
			lb_die("%s", err);
		fprintf(stderr, "ledboard: rebooted after frame %ld\n", lb->frames);
	}
}

static void
lb_received(struct lb *lb, uint8_t *buf, size_t len)
{
	lb->rx_chunks++;
	if (lb->drop > 0 && lb_rand(lb) < lb->drop) {
		lb->dropped++;
		if (!lb->quiet)
			fprintf(stderr, "ledboard: fault: dropped %zu bytes\n", len);
		return;
	}
	if (lb->corrupt > 0 && len > 0 && lb_rand(lb) < lb->corrupt) {
		size_t at = (size_t)(lb_rand(lb) * (double)len);
		buf[at] ^= (uint8_t)(1u << (rand_r(&lb->seed) % 8));
		lb->corrupted++;
		if (!lb->quiet)
			fprintf(stderr, "ledboard: fault: corrupted byte %zu of %zu\n", at, len);
	}
	if (lb->baud > 0 && lb->kind != LB_UDP) {
		/* A UART hands bytes over as they arrive: release small slices
		 * so decoding overlaps the transfer as on a real board. */
		for (size_t off = 0; off < len; off += 8) {
			size_t k = len - off < 8 ? len - off : 8;
			lb_queue_push(&lb->in, lb_release_time(lb, &lb->in, k), buf + off, k);
		}
	} else if (lb->delay_ms > 0) {
		lb_queue_push(&lb->in, lb_release_time(lb, &lb->in, len), buf, len);
	} else {
		lb_deliver(lb, buf, len);
	}
}

static void
lb_read(struct lb *lb, int fd)
{
	uint8_t buf[65536];
	ssize_t n;

	for (;;) {
		if (lb->kind == LB_UDP) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
			if (n >= 0) {
				memcpy(&lb->peer, &from, fl);
				lb->peerlen = fl;
			}
		} else {
			n = read(fd, buf, sizeof buf);
		}
		if (n > 0 || (n == 0 && lb->kind == LB_UDP)) {
			lb_received(lb, buf, (size_t)n);
			continue;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR && lb->kind == LB_TCP)) {
			if (!lb->quiet)
				fprintf(stderr, "ledboard: connection closed\n");
			close(lb->cfd);
			lb->cfd = -1;
		}
		return;
	}
}

static void
lb_accept(struct lb *lb)
{
	int fd = accept(lb->lfd, NULL, NULL);

	if (fd < 0)
		return;
	lb_set_flags(fd);
	/* Replies are 13-byte packets: with Nagle each would wait for the
	 * host's delayed ACK of the one before (docs/protocol.md §1).
	 * --nagle keeps it on, to test a host against such a board. */
	if (!lb->nagle) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	if (lb->cfd >= 0) {
		if (!lb->quiet)
			fprintf(stderr, "ledboard: new connection replaces the old one\n");
		close(lb->cfd);
	}
	lb->cfd = fd;
	if (lb->hung)
		fprintf(stderr, "ledboard: recovered: reading the new connection\n");
	lb->hung = 0;
	lb->in.line_free = lb->out.line_free = 0;
	lb->proto->reset(lb->state);
	if (!lb->quiet)
		fprintf(stderr, "ledboard: connection accepted%s\n", lb->stall ? " (stalling: never reading)" : "");
}

/* ---- main ------------------------------------------------------------- */

static void
lb_usage(void)
{
	fprintf(stderr,
	    "usage: ledboard --listen tcp:HOST:PORT|udp:HOST:PORT|pty:PATH --size WxH\n"
	    "                --format mono|red-green|rgb565|rgb888 --snapshot DIR\n"
	    "                [--protocol NAME[:OPTIONS]] [--exit-after FRAMES] [--keep]\n"
	    "                [--drop P] [--corrupt P] [--delay MS] [--stall] [--stall-after N]\n"
	    "                [--baud N] [--seed N] [--quiet] [--caps none|LIST] [--claim LIST]\n"
	    "                [--nagle] [--reboot-after FRAMES] [--clock-rate N]\n"
	    "protocols:");
	for (size_t i = 0; ledboard_protos[i]; i++)
		fprintf(stderr, " %s", ledboard_protos[i]->name);
	fputc('\n', stderr);
	exit(2);
}

static double
lb_prob(const char *opt, const char *v)
{
	char *end;
	double p = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || !(p >= 0.0 && p <= 1.0))
		lb_die("%s %s: expected a probability between 0 and 1", opt, v);
	return p;
}

static long
lb_num(const char *opt, const char *v, long min, long max)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < min || n > max)
		lb_die("%s %s: expected a whole number from %ld to %ld", opt, v, min, max);
	return n;
}

static void
lb_options(struct lb *lb, int argc, char **argv)
{
	const char *listen_spec = NULL, *proto = "lsp", *size = NULL, *format = NULL;
	unsigned w, h;
	char c;
	int f;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (strcmp(a, "--stall") == 0) { lb->stall = 1; takes = 0; }
		else if (strcmp(a, "--keep") == 0) { lb->keep = 1; takes = 0; }
		else if (strcmp(a, "--quiet") == 0) { lb->quiet = 1; takes = 0; }
		else if (strcmp(a, "--nagle") == 0) { lb->nagle = 1; takes = 0; }
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) lb_usage();
		else if (v == NULL) { fprintf(stderr, "ledboard: %s needs a value\n", a); lb_usage(); }
		else if (strcmp(a, "--listen") == 0) listen_spec = v;
		else if (strcmp(a, "--size") == 0) size = v;
		else if (strcmp(a, "--format") == 0) format = v;
		else if (strcmp(a, "--snapshot") == 0) lb->snapdir = v;
		else if (strcmp(a, "--protocol") == 0) proto = v;
		else if (strcmp(a, "--caps") == 0) lb->scr.caps = v;
		else if (strcmp(a, "--claim") == 0) lb->scr.claim = v;
		else if (strcmp(a, "--exit-after") == 0) lb->exit_after = lb_num(a, v, 1, LONG_MAX);
		else if (strcmp(a, "--reboot-after") == 0) lb->reboot_after = lb_num(a, v, 1, LONG_MAX);
		else if (strcmp(a, "--drop") == 0) lb->drop = lb_prob(a, v);
		else if (strcmp(a, "--corrupt") == 0) lb->corrupt = lb_prob(a, v);
		else if (strcmp(a, "--delay") == 0) lb->delay_ms = lb_num(a, v, 0, 600000);
		else if (strcmp(a, "--stall-after") == 0) lb->stall_after = lb_num(a, v, 1, LONG_MAX);
		else if (strcmp(a, "--baud") == 0) lb->baud = lb_num(a, v, 50, 100000000);
		else if (strcmp(a, "--clock-rate") == 0) lb->clock_rate = lb_num(a, v, 1, 1000);
		else if (strcmp(a, "--seed") == 0) lb->seed = (unsigned)lb_num(a, v, 0, LONG_MAX);
		else { fprintf(stderr, "ledboard: unknown option %s\n", a); lb_usage(); }
		i += takes;
	}
	if (listen_spec == NULL || size == NULL || format == NULL || lb->snapdir == NULL) {
		fprintf(stderr, "ledboard: --listen, --size, --format and --snapshot are required\n");
		lb_usage();
	}
	lb_parse_listen(lb, listen_spec);
	if (sscanf(size, "%ux%u%c", &w, &h, &c) != 2 || w == 0 || h == 0 || w > 4096 || h > 4096)
		lb_die("--size %s: expected WIDTHxHEIGHT, e.g. 128x32 (1..4096 each)", size);
	if ((f = fw_pix_parse(format)) < 0)
		lb_die("--format %s: expected mono, red-green, rgb565 or rgb888", format);
	lb->scr.width = (uint16_t)w;
	lb->scr.height = (uint16_t)h;
	lb->scr.format = (uint8_t)f;
	lb->scr.stride = fw_pix_stride((uint8_t)f, w);
	/* --protocol NAME:OPTIONS hands OPTIONS (e.g. "universe=5,order=grb") to the decoder. */
	lb->scr.options = strchr(proto, ':') ? strchr(proto, ':') + 1 : NULL;
	for (size_t i = 0; ledboard_protos[i]; i++)
		if (strncmp(ledboard_protos[i]->name, proto, strcspn(proto, ":")) == 0 &&
		    ledboard_protos[i]->name[strcspn(proto, ":")] == '\0')
			lb->proto = ledboard_protos[i];
	if (lb->proto == NULL)
		lb_die("--protocol %s: unknown (see --help for the list)", proto);
	if ((lb->scr.caps != NULL || lb->scr.claim != NULL) && strcmp(lb->proto->name, "lsp") != 0)
		lb_die("--caps and --claim are for --protocol lsp (the others have no capabilities)");
}

/* The board's millisecond counter at real time `now` (µs): --clock-rate
 * makes it run fast, so a test sees hours of a programme in minutes. */
static uint32_t
lb_board_ms(const struct lb *lb, uint64_t now)
{
	return (uint32_t)((lb->clock_t0 + (now - lb->clock_t0) * (uint64_t)lb->clock_rate) / 1000u);
}

static void
lb_flush_due(struct lb *lb, uint64_t now)
{
	struct lb_item *it;

	while (lb->in.head && lb->in.head->at <= now) {
		it = lb_queue_pop(&lb->in);
		lb_deliver(lb, it->data, it->len);
		free(it->data);
		free(it);
	}
	while (lb->out.head && lb->out.head->at <= now) {
		it = lb_queue_pop(&lb->out);
		lb_send_now(lb, it->data, it->len);
		free(it->data);
		free(it);
	}
}

int
main(int argc, char **argv)
{
	struct lb lb;
	struct ledboard_sink sink;
	struct sigaction sa;
	char err[256];
	struct stat st;

	memset(&lb, 0, sizeof lb);
	lb.lfd = lb.cfd = lb.slave_fd = -1;
	lb.seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	lb_options(&lb, argc, argv);
	if (stat(lb.snapdir, &st) < 0 || !S_ISDIR(st.st_mode))
		lb_die("--snapshot %s: not a directory — create it first", lb.snapdir);

	sink.ctx = &lb;
	sink.show = lb_show;
	sink.reply = lb_reply;
	sink.log = lb_log;
	lb.sink = sink;
	if ((lb.state = lb.proto->open(&lb.scr, &sink, err, sizeof err)) == NULL)
		lb_die("%s", err);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = lb_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = lb_on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (lb.kind == LB_PTY)
		lb_open_pty(&lb);
	else
		lb_open_socket(&lb);
	fprintf(stderr, "ledboard: listening on %s:%s%s%s as a %ux%u %s board (%s)\n",
	    lb.kind == LB_TCP ? "tcp" : lb.kind == LB_UDP ? "udp" : "pty",
	    lb.kind == LB_PTY ? lb.pty_path : lb.host, lb.kind == LB_PTY ? "" : ":",
	    lb.kind == LB_PTY ? "" : lb.port, lb.scr.width, lb.scr.height,
	    fw_pix_name(lb.scr.format), lb.proto->name);

	lb.clock_t0 = lb_now_us();
	if (lb.clock_rate < 1)
		lb.clock_rate = 1;
	while (!lb_stop) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		uint64_t now = lb_now_us();
		/* ppoll, not poll: a paced line needs sub-millisecond wake-ups */
		struct timespec timeout = { 0, 20 * 1000000L };
		int conn_idx = -1, lis_idx = -1;

		if (lb.exit_after > 0 && lb.frames >= lb.exit_after && lb.out.head == NULL)
			break;
		if (lb.in.head || lb.out.head) {
			uint64_t next = UINT64_MAX;
			if (lb.in.head && lb.in.head->at < next) next = lb.in.head->at;
			if (lb.out.head && lb.out.head->at < next) next = lb.out.head->at;
			if (next <= now)
				timeout.tv_nsec = 0;
			else if (next - now < 20000)
				timeout.tv_nsec = (long)(next - now) * 1000L;
		}
		if (lb.proto->wake) {
			/* the board's next scroll step, in real µs */
			uint64_t w = (uint64_t)lb.proto->wake(lb.state, lb_board_ms(&lb, now)) * 1000u /
			    (uint64_t)lb.clock_rate;
			if (w < (uint64_t)timeout.tv_sec * 1000000u + (uint64_t)timeout.tv_nsec / 1000u) {
				timeout.tv_sec = 0;
				timeout.tv_nsec = (long)w * 1000L;
			}
		}
		if (lb_cut_flip) {
			lb_cut_flip = 0;
			lb.cut = !lb.cut;
			fprintf(stderr, "ledboard: link %s\n", lb.cut ? "cut" : "mended");
		}
		if (lb.cut) {
			/* a cut cable: the board plays on, hearing nothing */
		} else if (lb.kind == LB_TCP) {
			pfd[n].fd = lb.lfd; pfd[n].events = POLLIN; lis_idx = (int)n++;
			if (lb.cfd >= 0 && !lb.stall && !lb.hung) {
				pfd[n].fd = lb.cfd; pfd[n].events = POLLIN; conn_idx = (int)n++;
			}
		} else if (!lb.stall && !lb.hung) {
			pfd[n].fd = lb.lfd; pfd[n].events = POLLIN; conn_idx = (int)n++;
		}
		if (ppoll(pfd, n, &timeout, NULL) < 0 && errno != EINTR)
			lb_die("poll: %s", strerror(errno));
		if (lis_idx >= 0 && (pfd[lis_idx].revents & POLLIN))
			lb_accept(&lb);
		if (conn_idx >= 0 && (pfd[conn_idx].revents & (POLLIN | POLLHUP | POLLERR)))
			lb_read(&lb, lb.kind == LB_TCP ? lb.cfd : lb.lfd);
		now = lb_now_us();
		lb_flush_due(&lb, now);
		if (lb.proto->tick)
			lb.proto->tick(lb.state, lb_board_ms(&lb, now));
	}

	fprintf(stderr, "ledboard: stopping after %ld frames; %lu chunks received, "
	    "faults: %lu dropped, %lu corrupted in; %lu dropped, %lu corrupted out\n",
	    lb.frames, lb.rx_chunks, lb.dropped, lb.corrupted, lb.tx_dropped, lb.tx_corrupted);
	if (lb.kind == LB_PTY)
		unlink(lb.pty_path);
	lb.proto->close(lb.state);
	while (lb.in.head) { struct lb_item *it = lb_queue_pop(&lb.in); free(it->data); free(it); }
	while (lb.out.head) { struct lb_item *it = lb_queue_pop(&lb.out); free(it->data); free(it); }
	if (lb.cfd >= 0) close(lb.cfd);
	if (lb.slave_fd >= 0) close(lb.slave_fd);
	close(lb.lfd);
	free(lb.host);
	free(lb.port);
	free(lb.pty_path);
	return 0;
}
