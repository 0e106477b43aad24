/*
 * transport/xport_int.h — pieces the transports share; not for other modules.
 *
 * xport_queue: whole messages waiting to go out, bounded in bytes, with the
 * frame-coalescing rule described in xport.h.
 * xport_backoff: exponential retry delays with jitter.
 */
#ifndef LEDSIGN_XPORT_INT_H
#define LEDSIGN_XPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "transport/xport.h"

struct xport_msg {
	struct xport_msg *next;
	int     kind;
	size_t  len;       /* total bytes */
	size_t  sent;      /* bytes written so far (stream) or of the packets sent (datagram) */
	size_t  npkts, pkt;/* packets, and the next one to send */
	size_t *plen;      /* npkts lengths, stored after data */
	uint32_t *pdest;   /* npkts IPv4 destinations (0 = the link's), or NULL */
	uint8_t data[];
};

struct xport_queue {
	struct xport_msg *head, *tail;
	size_t bytes;      /* unsent bytes of every message */
	size_t max;
	struct xport_stats *stats;
};

void xport_queue_init(struct xport_queue *, size_t max, struct xport_stats *);
/* Append a message; XPORT_SENT, XPORT_COALESCED or XPORT_DROPPED. */
int  xport_queue_push(struct xport_queue *, const uint8_t *const *pkt, const size_t *len,
    size_t n, int kind);
/* The same with a destination per packet (see xport_send_to); dest may be NULL. */
int  xport_queue_push_to(struct xport_queue *, const uint8_t *const *pkt, const size_t *len,
    const uint32_t *dest, size_t n, int kind);
/* Drop everything (on disconnect); partly sent and waiting messages count as dropped. */
void xport_queue_clear(struct xport_queue *);
/* Write as much of the queue as `fd` takes, as a byte stream.
 * Returns bytes written (0 when the fd is full or the queue empty), or -1
 * with errno set on a write error. */
ssize_t xport_queue_write_stream(struct xport_queue *, int fd);
/* The same, writing at most `max` bytes (a paced serial line). */
ssize_t xport_queue_write_stream_max(struct xport_queue *, int fd, size_t max);
/* Remove the head once finished. */
void xport_queue_pop(struct xport_queue *);

struct xport_backoff {
	double   min, max;
	unsigned failures;
	uint32_t rng;
};

void   xport_backoff_init(struct xport_backoff *, double min, double max, uint32_t seed);
/* Delay before the next attempt: min * 2^failures capped at max, then
 * a uniform draw in [d/2, d] so that boards that failed together do not
 * retry together.  Counts one more failure. */
double xport_backoff_next(struct xport_backoff *);
void   xport_backoff_reset(struct xport_backoff *);

/* FNV-1a of a string, for seeds. */
uint32_t xport_hash(const char *);
/* Split "HOST:PORT", "HOST", "[V6]:PORT" into host and port. */
int xport_parse_hostport(const char *rest, int default_port, struct xport_addr *, char *err,
    size_t errlen);
struct sockaddr_storage;
/* Resolve host and port (numeric first, then getaddrinfo, which may block). */
int xport_resolve(const struct xport_addr *, int socktype, struct sockaddr_storage *,
    unsigned int *salen, char *err, size_t errlen);
/* Set O_NONBLOCK and FD_CLOEXEC. */
int xport_fd_nonblock(int fd);

#endif
