/*
 * transport/xport.h — serial, TCP and UDP links to boards behind one ops table.
 *
 * A transport moves protocol bytes; it knows nothing of pixels or protocols.
 * Every transport is non-blocking and event-loop agnostic: it exposes one fd
 * and the events it wants on it, and it is driven by four calls from the
 * owner's loop:
 *   xport_io(x, ready, now)  when the fd is readable/writable,
 *   xport_recv(x, ...)       to drain what the board sent,
 *   xport_tick(x, now)       when the deadline it last returned has passed,
 *   xport_send(x, ...)       to queue one message (a frame or a command).
 * After any of these the fd and the wanted events may have changed (a
 * reconnect opens a new socket), so the owner re-reads xport_fd and
 * xport_events.  `now` is always seconds on a monotonic clock.
 *
 * Memory is bounded: each transport keeps a queue of whole messages beyond
 * what the kernel holds.  A message sent as XPORT_MSG_FRAME supersedes every
 * frame still waiting in the queue that has not started to go out, so a
 * board that stops reading gets the latest frame only.  Commands
 * (XPORT_MSG_KEEP) are never coalesced.  A message that has partly gone out
 * on a byte stream is always finished, so the board never sees a torn frame.
 * When the link drops, the queue is emptied: whoever sends must begin again
 * with a full frame once the transport is online again.
 *
 * CPU is bounded too: what a board sends is read within a budget
 * (read_rate bytes per second, read_burst at once, every read costing at
 * least XPORT_READ_COST).  Over budget, xport_recv returns 0 and
 * xport_events stops asking for XPORT_EV_READ until xport_tick has
 * refilled it (its deadline says when); the kernel's flow control then
 * holds back a board that floods us, and it costs us nothing meanwhile.
 *
 * A stalled link is not kept for ever: a stream whose board has taken no
 * bytes for stall_reconnect seconds is closed and opened again (with the
 * back-off), and whoever notices a stall above the bytes (a protocol
 * whose acknowledgements stop) calls xport_reconnect.
 *
 * Addresses (the board's `address` in the config):
 *   tcp:HOST:PORT   tcp:HOST       (port: the protocol's default)
 *   udp:HOST:PORT   udp:HOST       (a multicast group such as 239.255.0.1 works)
 * A UDP link reports ICMP "port unreachable" as its reason but stays online
 * (a datagram protocol has nothing to reconnect); the datagram whose send
 * reported it is sent again, since the error belongs to an earlier one.
 *   serial:DEVICE   serial:DEVICE@BAUD   (BAUD overrides the board's serial.baud;
 *                   data bits, parity, stop bits and flow come from the board)
 * IPv6 literals go in brackets: tcp:[::1]:7001.
 */
#ifndef LEDSIGN_XPORT_H
#define LEDSIGN_XPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "config/model.h"

enum xport_state {
	XPORT_CONNECTING,   /* connect in progress (or device being opened) */
	XPORT_ONLINE,       /* bytes can flow */
	XPORT_STALLED,      /* connected, but the board has not taken bytes for stall_timeout */
	XPORT_OFFLINE,      /* no link; a retry is scheduled (see the reason) */
};

/* Events on the fd. */
#define XPORT_EV_READ  1
#define XPORT_EV_WRITE 2

/* Message kinds for xport_send. */
#define XPORT_MSG_KEEP  0   /* must be delivered in order: commands, handshakes */
#define XPORT_MSG_FRAME 1   /* may be replaced by a later frame while still waiting */

/* xport_send results. */
#define XPORT_SENT      0   /* queued (or already written) */
#define XPORT_COALESCED 1   /* queued, and older waiting frames were dropped for it */
#define XPORT_DROPPED  -1   /* not queued: link down, or the queue is full of commands */

struct xport_ops;

struct xport_addr {
	const struct xport_ops *ops;
	char host[256];         /* tcp, udp: name or literal, without brackets */
	int  port;
	char path[256];         /* serial: device path */
	int  baud;              /* serial: "@BAUD" from the address, 0 = the board's */
};

struct xport_opts {
	struct ls_serial serial;    /* line settings for serial links */
	double connect_timeout;     /* seconds a TCP connect may take; default 3 */
	double backoff_min;         /* first retry delay, seconds; default 0.1 */
	double backoff_max;         /* cap on the retry delay, seconds; default 2 */
	double stall_timeout;       /* seconds with data waiting and none taken; default 2 */
	double stall_reconnect;     /* ... and after this many, close and reconnect; default 4;
	                             * 0 = never */
	double read_rate;           /* bytes per second read from the board; default 64 KiB/s */
	size_t read_burst;          /* bytes that may be read at once; default 64 KiB */
	size_t queue_max;           /* bytes queued beyond the kernel; default 256 KiB
	                             * (one message larger than this is still accepted alone) */
	double udp_rate;            /* UDP pacing, bytes per second; 0 = unpaced; default 4 MB/s */
	size_t udp_burst;           /* bytes that may go out at once; default 32 KiB */
	int    mcast_ttl;           /* multicast hops; default 1 (the local network) */
	char   mcast_if[64];        /* IPv4 address of the interface for multicast; "" = by route */
	int    udp_src_port;        /* UDP: send from this local port where it is free (it is
	                             * shared with other ledsign links); 0 = any.  The state's
	                             * reason says which port was taken. */
	uint32_t seed;              /* for back-off jitter; 0 = from the address */
};

/* Counters a transport keeps; all monotonic. */
struct xport_stats {
	uint64_t bytes_out, bytes_in;
	uint64_t msgs_out;          /* messages fully written */
	uint64_t coalesced;         /* frames dropped because a newer one superseded them */
	uint64_t dropped;           /* messages refused (XPORT_DROPPED) or lost on disconnect */
	uint64_t errors;            /* failed connects, I/O errors */
	uint64_t connects;          /* times the link came up */
	uint64_t opens;             /* fds opened: when it changes, an event loop must re-register the fd */
	uint64_t throttled;         /* times reading paused: the board sent more than the read budget */
	uint64_t stall_reconnects;  /* times a stalled link was closed and opened again */
};

/* The least a read counts against the read budget, so that a flood of tiny
 * datagrams costs as much as its system calls. */
#define XPORT_READ_COST 256

/* The interface each transport implements; one const instance per transport. */
struct xport_ops {
	const char *scheme;         /* "tcp", "udp", "serial" */
	/* Parse what follows "scheme:"; 0, or -1 with a message in err. */
	int    (*parse)(const char *rest, int default_port, struct xport_addr *, char *err, size_t errlen);
	/* Allocate link state and start connecting; never blocks on the network.
	 * NULL only for bad options or no memory (a missing board is not an error:
	 * it is reported as XPORT_OFFLINE and retried). */
	void  *(*open)(const struct xport_addr *, const struct xport_opts *, double now,
	           char *err, size_t errlen);
	void   (*close)(void *);
	int    (*fd)(void *);       /* -1 while there is none */
	int    (*events)(void *);   /* XPORT_EV_* wanted on fd */
	/* Queue one message made of n packets (datagrams for UDP, concatenated on streams). */
	int    (*send)(void *, const uint8_t *const *pkt, const size_t *len, size_t n, int kind,
	           double now);
	/* Optional (UDP): the same with a destination per packet, see xport_send_to. */
	int    (*send_to)(void *, const uint8_t *const *pkt, const size_t *len, const uint32_t *dest,
	           size_t n, int kind, double now);
	/* Bytes the board sent: >0 bytes, 0 none now, -1 the link dropped (now offline). */
	ssize_t (*recv)(void *, uint8_t *buf, size_t cap, double now);
	void   (*io)(void *, int ready, double now);
	/* Close the link now and connect again after the back-off (which this
	 * does not reset); `why` goes into the reason. */
	void   (*reconnect)(void *, double now, const char *why);
	/* Run timers; returns the next monotonic deadline, or INFINITY. */
	double (*tick)(void *, double now);
	/* State and a human reason ("connect: Connection refused; retry in 0.4 s"). */
	enum xport_state (*state)(const void *, char *reason, size_t len);
	size_t (*queued)(const void *);   /* bytes waiting in the queue */
	const struct xport_stats *(*stats)(const void *);
};

extern const struct xport_ops xport_tcp_ops;
extern const struct xport_ops xport_udp_ops;
extern const struct xport_ops xport_serial_ops;

/* Parse an address; the scheme chooses the ops.  0, or -1 with a message. */
int  xport_parse(const char *address, int default_port, struct xport_addr *, char *err, size_t errlen);
/* Canonical text of an address ("tcp:127.0.0.1:7001", "serial:/dev/ttyUSB0@9600"). */
void xport_addr_format(const struct xport_addr *, char *buf, size_t len);
void xport_opts_default(struct xport_opts *);

/* A link: the ops and their state.  Everything below dispatches to ops. */
struct xport;

/* Open a link to `address` (see above).  NULL with a message in err when the
 * address or options are bad; a board that is merely absent gives a link in
 * XPORT_OFFLINE or XPORT_CONNECTING. */
struct xport *xport_open(const char *address, int default_port, const struct xport_opts *,
    double now, char *err, size_t errlen);
void   xport_close(struct xport *);   /* accepts NULL */
const struct xport_addr *xport_address(const struct xport *);
int    xport_fd(const struct xport *);
int    xport_events(const struct xport *);
int    xport_send(struct xport *, const uint8_t *const *pkt, const size_t *len, size_t n,
    int kind, double now);
/* The same, packet i going to dest[i] (an IPv4 address in host order; 0 = the
 * link's own address) where the transport can address packets (UDP: E1.31
 * sends each universe to its multicast group); elsewhere dest is ignored.
 * dest may be NULL. */
int    xport_send_to(struct xport *, const uint8_t *const *pkt, const size_t *len,
    const uint32_t *dest, size_t n, int kind, double now);
/* One contiguous message (a single packet). */
int    xport_send1(struct xport *, const void *buf, size_t len, int kind, double now);
/* Within the read budget (see above); 0 also when over it. */
ssize_t xport_recv(struct xport *, uint8_t *buf, size_t cap, double now);
void   xport_io(struct xport *, int ready, double now);
double xport_tick(struct xport *, double now);
/* The board stopped answering: drop the link and connect again after the
 * back-off; the state becomes XPORT_OFFLINE with `why` in its reason. */
void   xport_reconnect(struct xport *, double now, const char *why);
enum xport_state xport_state(const struct xport *, char *reason, size_t len);
size_t xport_queued(const struct xport *);
/* The transport's counters and the wrapper's (throttled); valid until the next call. */
const struct xport_stats *xport_stats(struct xport *);
/* "connecting", "online", "stalled", "offline". */
const char *xport_state_name(enum xport_state);

/* Seconds on the monotonic clock. */
double xport_now(void);

#endif
