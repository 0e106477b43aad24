/*
 * transport/serial.c — serial links: libserialport for real ports, termios
 * for pseudo-terminals.
 *
 * libserialport 0.1.1 finds a port's details under /sys/class/tty, where
 * pseudo-terminals (socat, ser2net, ledboard --listen pty:) do not appear,
 * so it cannot open them.  Devices whose real path is under /dev/pts/, or
 * that libserialport refuses, are opened and set up with termios instead;
 * both paths end with a non-blocking, close-on-exec fd that is used the
 * same way.
 *
 * RS-485 half duplex: the kernel's RS-485 mode (TIOCSRS485, RTS high while
 * sending) is asked for and silently not required, since most USB adapters
 * switch direction by themselves.  Either way, what arrives while our own
 * bytes are still on the wire (plus two character times) is our echo on a
 * two-wire bus and is discarded.
 *
 * A device that disappears (USB unplug, the pty's other side closed) is
 * reopened with back-off, like a TCP board that went away.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <linux/serial.h>

#include <libserialport.h>

#include "transport/xport.h"
#include "transport/xport_int.h"

struct serial {
	struct xport_addr addr;
	struct xport_opts opts;
	struct ls_serial line;   /* effective settings (address @baud applied) */
	enum xport_state st;
	int    fd;
	struct sp_port *port;    /* NULL on the termios path */
	int    via_termios;
	double deadline;         /* next reopen while offline */
	double last_progress;
	double tx_end;           /* when our last byte will have left the wire */
	double paced_until;      /* writes held back until then (pacing); 0 = none */
	double char_time;        /* seconds per character at this line setting */
	int    after_stall;      /* reopened because the board stalled: keep the back-off */
	struct xport_queue q;
	struct xport_backoff bo;
	struct xport_stats stats;
	char   reason[512];
};

static int
serial_parse(const char *rest, int default_port, struct xport_addr *a, char *err, size_t errlen)
{
	const char *at = strrchr(rest, '@');
	size_t plen = at ? (size_t)(at - rest) : strlen(rest);

	(void)default_port;
	if (plen == 0) {
		snprintf(err, errlen, "missing device in serial address; write serial:/dev/ttyUSB0 or serial:/dev/ttyUSB0@9600");
		return -1;
	}
	if (plen >= sizeof a->path) {
		snprintf(err, errlen, "serial device path too long");
		return -1;
	}
	memcpy(a->path, rest, plen);
	a->path[plen] = '\0';
	if (at) {
		char *end;
		long b;

		errno = 0;
		b = strtol(at + 1, &end, 10);
		if (at[1] == '\0' || *end != '\0' || errno || b < 50 || b > 4000000) {
			snprintf(err, errlen, "bad baud rate \"%s\" in serial address (want e.g. @9600 or @57600)", at + 1);
			return -1;
		}
		a->baud = (int)b;
	}
	return 0;
}

static speed_t
serial_speed(int baud)
{
	static const struct { int baud; speed_t sp; } tab[] = {
		{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 }, { 200, B200 },
		{ 300, B300 }, { 600, B600 }, { 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 },
		{ 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
		{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 }, { 1000000, B1000000 },
		{ 1152000, B1152000 }, { 1500000, B1500000 }, { 2000000, B2000000 },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].baud == baud)
			return tab[i].sp;
	return 0;
}

static int
serial_open_termios(struct serial *s, const char *path, char *err, size_t errlen)
{
	struct termios tio;
	speed_t sp = serial_speed(s->line.baud);

	if (!sp) {
		snprintf(err, errlen, "%.120s: baud rate %d is not a standard rate", path, s->line.baud);
		return -1;
	}
	s->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(err, errlen, "open %.120s: %.100s", path, strerror(errno));
		return -1;
	}
	if (tcgetattr(s->fd, &tio) < 0) {
		snprintf(err, errlen, "%.120s is not a terminal: %.100s", path, strerror(errno));
		goto fail;
	}
	cfmakeraw(&tio);
	cfsetispeed(&tio, sp);
	cfsetospeed(&tio, sp);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	tio.c_cflag |= CLOCAL | CREAD;
	switch (s->line.data_bits) {
	case 5: tio.c_cflag |= CS5; break;
	case 6: tio.c_cflag |= CS6; break;
	case 7: tio.c_cflag |= CS7; break;
	default: tio.c_cflag |= CS8; break;
	}
	if (s->line.parity == 'e')
		tio.c_cflag |= PARENB;
	else if (s->line.parity == 'o')
		tio.c_cflag |= PARENB | PARODD;
	if (s->line.stop_bits == 2)
		tio.c_cflag |= CSTOPB;
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (s->line.flow == 'r')
		tio.c_cflag |= CRTSCTS;
	else if (s->line.flow == 'x')
		tio.c_iflag |= IXON | IXOFF;
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(s->fd, TCSANOW, &tio) < 0) {
		snprintf(err, errlen, "%.120s: cannot set line settings: %.100s", path, strerror(errno));
		goto fail;
	}
	s->via_termios = 1;
	return 0;
fail:
	close(s->fd);
	s->fd = -1;
	return -1;
}

static int
serial_sp_check(enum sp_return rc, const char *what, const char *path, char *err, size_t errlen)
{
	char *m;

	if (rc == SP_OK)
		return 0;
	m = sp_last_error_message();
	snprintf(err, errlen, "%.120s: %s: %.120s", path, what, rc == SP_ERR_FAIL && m ? m : "not supported by this port");
	sp_free_error_message(m);
	return -1;
}

static int
serial_open_sp(struct serial *s, const char *path, char *err, size_t errlen)
{
	static const enum sp_flowcontrol flows[] = { ['n'] = SP_FLOWCONTROL_NONE,
		['r'] = SP_FLOWCONTROL_RTSCTS, ['x'] = SP_FLOWCONTROL_XONXOFF };
	enum sp_parity par = s->line.parity == 'e' ? SP_PARITY_EVEN :
	    s->line.parity == 'o' ? SP_PARITY_ODD : SP_PARITY_NONE;
	unsigned char flow = (unsigned char)s->line.flow;

	if (sp_get_port_by_name(path, &s->port) != SP_OK) {
		s->port = NULL;
		return 1;   /* not a port libserialport knows: try termios */
	}
	if (sp_open(s->port, SP_MODE_READ_WRITE) != SP_OK) {
		sp_free_port(s->port);
		s->port = NULL;
		return 1;
	}
	if (flow != 'r' && flow != 'x')
		flow = 'n';
	if (serial_sp_check(sp_set_baudrate(s->port, s->line.baud), "baud rate", path, err, errlen) ||
	    serial_sp_check(sp_set_bits(s->port, s->line.data_bits), "data bits", path, err, errlen) ||
	    serial_sp_check(sp_set_parity(s->port, par), "parity", path, err, errlen) ||
	    serial_sp_check(sp_set_stopbits(s->port, s->line.stop_bits), "stop bits", path, err, errlen) ||
	    serial_sp_check(sp_set_flowcontrol(s->port, flows[flow]), "flow control", path, err, errlen) ||
	    serial_sp_check(sp_get_port_handle(s->port, &s->fd), "handle", path, err, errlen) ||
	    xport_fd_nonblock(s->fd) < 0) {
		sp_close(s->port);
		sp_free_port(s->port);
		s->port = NULL;
		s->fd = -1;
		return -1;
	}
	return 0;
}

static void
serial_rs485(struct serial *s)
{
	struct serial_rs485 rs;

	memset(&rs, 0, sizeof rs);
	rs.flags = SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND;
	/* ENOTTY: the driver has no RS-485 mode; the adapter switches direction itself */
	(void)ioctl(s->fd, TIOCSRS485, &rs);
}

static void
serial_close_fd(struct serial *s)
{
	if (s->port) {
		sp_close(s->port);
		sp_free_port(s->port);
		s->port = NULL;
	} else if (s->fd >= 0) {
		close(s->fd);
	}
	s->fd = -1;
	s->paced_until = 0;
}

static void
serial_fail(struct serial *s, double now, const char *what)
{
	double delay = xport_backoff_next(&s->bo);

	serial_close_fd(s);
	xport_queue_clear(&s->q);
	s->stats.errors++;
	s->st = XPORT_OFFLINE;
	s->deadline = now + delay;
	snprintf(s->reason, sizeof s->reason, "%s; retry in %.1f s", what, delay);
}

static void
serial_reconnect(void *p, double now, const char *why)
{
	struct serial *s = p;

	s->stats.stall_reconnects++;
	s->after_stall = 1;
	serial_fail(s, now, why);
}

static void
serial_start(struct serial *s, double now)
{
	char real[PATH_MAX], msg[400];
	int rc = 1;

	if (!realpath(s->addr.path, real)) {
		snprintf(msg, sizeof msg, "device %.200s: %s", s->addr.path, strerror(errno));
		serial_fail(s, now, msg);
		return;
	}
	s->via_termios = 0;
	if (strncmp(real, "/dev/pts/", 9) != 0)
		rc = serial_open_sp(s, real, msg, sizeof msg);
	if (rc == 1)
		rc = serial_open_termios(s, real, msg, sizeof msg);
	s->stats.opens++;
	if (rc < 0) {
		serial_fail(s, now, msg);
		return;
	}
	if (s->line.rs485)
		serial_rs485(s);
	s->st = XPORT_ONLINE;
	s->stats.connects++;
	s->last_progress = now;
	s->tx_end = now;
	if (!s->after_stall)
		xport_backoff_reset(&s->bo);
	s->after_stall = 0;
	snprintf(s->reason, sizeof s->reason, "opened %.200s (%d %d%c%d%s)%s", s->addr.path, s->line.baud,
	    s->line.data_bits, s->line.parity == 'e' ? 'E' : s->line.parity == 'o' ? 'O' : 'N',
	    s->line.stop_bits, s->line.rs485 ? ", RS-485" : "", s->via_termios ? " via termios" : "");
}

static void *
serial_open(const struct xport_addr *a, const struct xport_opts *o, double now, char *err, size_t errlen)
{
	struct serial *s;
	int bits;

	if (o->serial.data_bits && (o->serial.data_bits < 5 || o->serial.data_bits > 8)) {
		snprintf(err, errlen, "data bits must be 5..8, not %d", o->serial.data_bits);
		return NULL;
	}
	if (!(s = calloc(1, sizeof *s))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->addr = *a;
	s->opts = *o;
	s->line = o->serial;
	if (a->baud)
		s->line.baud = a->baud;
	if (s->line.baud <= 0)
		s->line.baud = 57600;
	if (!s->line.data_bits)
		s->line.data_bits = 8;
	if (s->line.stop_bits != 2)
		s->line.stop_bits = 1;
	if (s->line.parity != 'e' && s->line.parity != 'o')
		s->line.parity = 'n';
	bits = 1 + s->line.data_bits + (s->line.parity != 'n') + s->line.stop_bits;
	s->char_time = (double)bits / s->line.baud;
	s->fd = -1;
	xport_queue_init(&s->q, o->queue_max, &s->stats);
	xport_backoff_init(&s->bo, o->backoff_min, o->backoff_max, o->seed ? o->seed : xport_hash(a->path));
	serial_start(s, now);
	return s;
}

static void
serial_close(void *p)
{
	struct serial *s = p;

	if (!s)
		return;
	serial_close_fd(s);
	xport_queue_clear(&s->q);
	free(s);
}

static int serial_fd(void *p) { return ((struct serial *)p)->fd; }

static int
serial_events(void *p)
{
	struct serial *s = p;

	if (s->fd < 0)
		return 0;
	/* while paced, the tick writes (at paced_until), not the fd's readiness */
	return XPORT_EV_READ | (s->q.head && s->paced_until <= 0 ? XPORT_EV_WRITE : 0);
}

/* Pacing: the kernel is handed no more than the larger of 64 characters
 * (about a UART FIFO) and 50 ms of line time beyond what the line has sent,
 * so that bytes wait in our queue, where a newer frame still replaces an
 * older one and the protocol's timers see when bytes really leave, not
 * behind seconds of a full kernel buffer (a 7 KiB frame is 7.5 s at 9600
 * baud).  Writes then come at least max(16 characters, 20 ms of line) at a
 * time: at 115200 baud that is one wake-up per 20 ms, not per 1.4, and
 * 50 ms ahead keeps the line busy while the loop is late. */
#define SERIAL_PACE_AHEAD_CH 64
#define SERIAL_PACE_AHEAD_S  0.050
#define SERIAL_PACE_CHUNK_CH 16
#define SERIAL_PACE_CHUNK_S  0.020

static double
serial_pace_ahead(const struct serial *s)
{
	return fmax(SERIAL_PACE_AHEAD_CH, floor(SERIAL_PACE_AHEAD_S / s->char_time));
}

static double
serial_pace_chunk(const struct serial *s)
{
	return fmax(SERIAL_PACE_CHUNK_CH, floor(SERIAL_PACE_CHUNK_S / s->char_time));
}

static void
serial_flush(struct serial *s, double now)
{
	ssize_t w;
	char msg[400];
	double ahead = (s->tx_end > now ? s->tx_end - now : 0) / s->char_time;
	double allow = serial_pace_ahead(s), chunk = serial_pace_chunk(s);
	size_t room;

	if (s->fd < 0)
		return;
	s->paced_until = 0;
	if (!s->q.head)
		return;
	room = ahead >= allow ? 0 : (size_t)(allow - ahead);
	if ((double)room < chunk && room < s->q.bytes) {
		/* come back when a chunk's worth has left the line */
		s->paced_until = s->tx_end - (allow - chunk) * s->char_time;
		return;
	}
	w = xport_queue_write_stream_max(&s->q, s->fd, room);
	if (w < 0) {
		snprintf(msg, sizeof msg, "write %.200s: %s", s->addr.path, strerror(errno));
		serial_fail(s, now, msg);
		return;
	}
	if (w > 0) {
		/* bytes leave the wire one character time each, after what is already going */
		s->tx_end = (s->tx_end > now ? s->tx_end : now) + (double)w * s->char_time;
	}
	if (s->q.head && w > 0)
		s->paced_until = s->tx_end - (allow - chunk) * s->char_time;
	if (w > 0 || !s->q.head) {
		s->last_progress = now;
		if (s->st == XPORT_STALLED) {
			s->st = XPORT_ONLINE;
			snprintf(s->reason, sizeof s->reason, "board reading again");
		}
	}
}

static int
serial_send(void *p, const uint8_t *const *pkt, const size_t *len, size_t n, int kind, double now)
{
	struct serial *s = p;
	int rc;

	if (s->fd < 0) {
		s->stats.dropped++;
		return XPORT_DROPPED;
	}
	if (!s->q.head)
		s->last_progress = now;
	rc = xport_queue_push(&s->q, pkt, len, n, kind);
	if (rc != XPORT_DROPPED)
		serial_flush(s, now);
	return rc;
}

static ssize_t
serial_recv(void *p, uint8_t *buf, size_t cap, double now)
{
	struct serial *s = p;
	char msg[400];
	ssize_t r;

	if (s->fd < 0)
		return 0;
	for (int rounds = 0;; rounds++) {
		r = read(s->fd, buf, cap);
		if (r > 0) {
			s->stats.bytes_in += (uint64_t)r;
			/* on a two-wire RS-485 bus we hear ourselves while sending;
			 * bounded, so a babbling line cannot keep us here */
			if (s->line.rs485 && now < s->tx_end + 2 * s->char_time) {
				if (rounds < 64)
					continue;
				return 0;
			}
			return r;
		}
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	/* A raw tty with VMIN = VTIME = 0 reads 0 when nothing is there, and also
	 * once the other side of a pty has closed: only POLLHUP tells them apart. */
	if (r == 0) {
		struct pollfd pf = { .fd = s->fd, .events = POLLIN };

		if (poll(&pf, 1, 0) <= 0 || !(pf.revents & POLLHUP))
			return 0;
		snprintf(msg, sizeof msg, "device %.200s hung up", s->addr.path);
	} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
		return 0;
	} else if (errno == EIO)
		snprintf(msg, sizeof msg, "device %.200s hung up", s->addr.path);
	else
		snprintf(msg, sizeof msg, "read %.200s: %s", s->addr.path, strerror(errno));
	serial_fail(s, now, msg);
	return -1;
}

static void
serial_io(void *p, int ready, double now)
{
	struct serial *s = p;

	if (ready & XPORT_EV_WRITE)
		serial_flush(s, now);
}

static double
serial_tick(void *p, double now)
{
	struct serial *s = p;

	if (s->st == XPORT_OFFLINE) {
		if (now >= s->deadline)
			serial_start(s, now);
		if (s->st == XPORT_OFFLINE)
			return s->deadline;
	}
	if (s->paced_until > 0 && now >= s->paced_until - 0.0005)
		serial_flush(s, now);
	if (s->paced_until > 0 && s->q.head) {
		/* paced, not stalled: the line is busy with what we gave it */
		s->last_progress = now;
		return s->paced_until;
	}
	if (s->st == XPORT_ONLINE && s->q.head && now - s->last_progress >= s->opts.stall_timeout) {
		s->st = XPORT_STALLED;
		snprintf(s->reason, sizeof s->reason, "board has taken no bytes for %.1f s (%zu bytes waiting)",
		    now - s->last_progress, s->q.bytes);
	}
	if (s->st == XPORT_STALLED && s->opts.stall_reconnect > 0) {
		if (now - s->last_progress >= s->opts.stall_reconnect) {
			char msg[128];

			snprintf(msg, sizeof msg, "board has taken no bytes for %.1f s; reopening",
			    now - s->last_progress);
			serial_reconnect(s, now, msg);
			return s->deadline;
		}
		return s->last_progress + s->opts.stall_reconnect;
	}
	if (s->st == XPORT_ONLINE && s->q.head)
		return s->last_progress + s->opts.stall_timeout;
	return INFINITY;
}

static enum xport_state
serial_state(const void *p, char *reason, size_t len)
{
	const struct serial *s = p;

	if (reason && len)
		snprintf(reason, len, "%s", s->reason);
	return s->st;
}

static size_t serial_queued(const void *p) { return ((const struct serial *)p)->q.bytes; }
static const struct xport_stats *serial_stats(const void *p) { return &((const struct serial *)p)->stats; }

const struct xport_ops xport_serial_ops = {
	.scheme = "serial",
	.parse = serial_parse,
	.open = serial_open,
	.close = serial_close,
	.fd = serial_fd,
	.events = serial_events,
	.send = serial_send,
	.recv = serial_recv,
	.io = serial_io,
	.reconnect = serial_reconnect,
	.tick = serial_tick,
	.state = serial_state,
	.queued = serial_queued,
	.stats = serial_stats,
};
