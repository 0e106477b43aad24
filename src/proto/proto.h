/*
 * proto/proto.h — one small interface in front of every board protocol.
 *
 * Encoders are pure: they turn a finished image into bytes in a caller's
 * buffer.  No I/O, no clocks, no logging, no malloc after init.  A protocol
 * may need several packets for one frame (DDP, E1.31 universes, chunks), so
 * encoders fill a proto_batch: one buffer, many packets.  Anything a protocol
 * must remember between frames (sequence numbers, the previous frame for
 * deltas) lives in its state, allocated by init and released by fini.
 * proto/ never includes render/: the image below has the canvas layout of
 * render/canvas.h but is only a view of the bytes.
 */
#ifndef LEDSIGN_PROTO_H
#define LEDSIGN_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "config/model.h"

struct proto_image {
	int            width, height;
	enum ls_format format;
	size_t         stride;
	const uint8_t *data;
};

#define PROTO_BATCH_MAX 1024

/* Packets laid end to end in buf; packet i is len[i] bytes at off[i].
 * dest[i] is where packet i must go instead of the link's own address: an
 * IPv4 address in host order (E1.31 multicast: each universe's group), or 0
 * for the link's address.  any_dest says whether any dest[i] is set. */
struct proto_batch {
	uint8_t *buf;
	size_t   cap, used;
	size_t   npkts;
	size_t   off[PROTO_BATCH_MAX];
	size_t   len[PROTO_BATCH_MAX];
	uint32_t dest[PROTO_BATCH_MAX];
	int      any_dest;
};

/* Point a batch at a caller buffer and empty it. */
void proto_batch_init(struct proto_batch *, uint8_t *buf, size_t cap);
/* Reserve room for one packet of at most `max` bytes; NULL when full.
 * Finish it with proto_batch_commit(batch, actual_length). */
uint8_t *proto_batch_reserve(struct proto_batch *, size_t max);
void proto_batch_commit(struct proto_batch *, size_t len);
/* Send the packet just committed to `ipv4` (host order) rather than the link's address. */
void proto_batch_set_dest(struct proto_batch *, uint32_t ipv4);

/*
 * What makes one process a sender of its own.  Receivers remember senders:
 * E1.31 tracks sequence numbers per source CID, DDP receivers (WLED) per
 * display.  A process draws `id` at random once (ls_session_id) and hands it
 * to every board's protocol state through proto_ops.session, so the encoders
 * stay pure: no clock, no randomness of their own.
 */
struct proto_session {
	uint8_t id[16];
};

/* What a board said back, as a protocol understood it. */
enum proto_reply {
	PROTO_REPLY_NONE,     /* consumed bytes, nothing to report yet */
	PROTO_REPLY_ACK,      /* the last frame was accepted */
	PROTO_REPLY_NACK,     /* rejected: resend */
	PROTO_REPLY_INFO,     /* board info */
	PROTO_REPLY_GARBAGE,  /* bytes that made no sense (counted, then skipped) */
};

struct proto_ops {
	const char *name;                   /* as written in the config */
	/* Which pixel formats the protocol can carry. */
	int   (*supports)(enum ls_format);
	/* Allocate per-board state; NULL and a message in err on a bad option. */
	void *(*init)(const struct ls_board *, char *err, size_t errlen);
	void  (*fini)(void *state);
	/* Encode one frame; 0, or -1 when the batch is too small. */
	int   (*encode_frame)(void *state, const struct proto_image *, struct proto_batch *);
	/* Encode a brightness change (0..100); NULL when the protocol has none. */
	int   (*encode_brightness)(void *state, int percent, struct proto_batch *);
	/* Feed bytes the board sent; NULL for send-only protocols. */
	enum proto_reply (*input)(void *state, const uint8_t *, size_t, size_t *consumed);
	/* Worst-case bytes for one frame of this size, so callers size buffers. */
	size_t (*max_frame_bytes)(int width, int height, enum ls_format);
	int   wants_ack;                    /* 1 when the board acknowledges frames */
	int   default_port;                 /* for addresses that omit a port */
	int   default_udp_port;             /* for udp: addresses that omit one; 0 = default_port */
	/*
	 * Reliable delivery, optional: NULL for send-only protocols.  With it,
	 * encode_frame queues the frame inside the state and puts in the batch
	 * only the packets to send right away; the caller then calls poll with
	 * a monotonic clock: it appends the packets due at now_ms (the rest of
	 * the window, retransmissions) to `out` and sets *wake_ms to when it
	 * wants to be called again.  Replies go to input as usual.  Pure: no
	 * I/O, no clock of its own.  Returns PROTO_TX_*.
	 */
	int   (*poll)(void *state, uint64_t now_ms, struct proto_batch *out, uint64_t *wake_ms);
	/* Why the last delivery failed, for messages; NULL when nothing failed. */
	const char *(*error)(void *state);
	/*
	 * Optional: a new sender session starts (a process starts sending, or a
	 * link came back).  Called after init and before the first frame.
	 * Protocols whose receivers drop "old" sequence numbers make the first
	 * frame of a session one no receiver can take for old (see e131.c, ddp.c).
	 */
	void  (*session)(void *state, const struct proto_session *);
	/* Optional: the packets that tell the board this sender stops (E1.31:
	 * three Stream_Terminated packets per universe).  0, or -1 when the
	 * batch is too small; nothing is added when no frame was encoded yet. */
	int   (*encode_stop)(void *state, struct proto_batch *);
	int   keepalive_ms;                 /* resend an unchanged frame this often; 0 = the player's default */
	int   udp_src_port;                 /* send from this UDP port where it is free (Art-Net 6454); 0 = any */
	/*
	 * Optional.  Turn the LEDs off (0) or on (1) keeping the picture, queued
	 * like encode_brightness; -1 when the board does not offer it (then a
	 * caller shows black instead).  NULL for protocols without such a message.
	 */
	int   (*encode_power)(void *state, int on, struct proto_batch *);
	/* Optional: does the board offer `feature` (PROTO_FEAT_*)?  1 yes, 0 no,
	 * -1 not known yet (LSP learns it from the board's INFO).  NULL: no such
	 * features to ask about. */
	int   (*offers)(void *state, int feature);
	/* Optional: something the caller should log once (the board refused a
	 * feature and the protocol now does without it); NULL when nothing is
	 * new.  Reading it clears it. */
	const char *(*note)(void *state);
	/* Optional: whole frames the board has acknowledged so far (a frame
	 * sent in chunks counts once, when its last chunk is in; acks of
	 * settings and pings do not count).  NULL: every PROTO_REPLY_ACK is
	 * one frame.  Proof of play (src/record/) counts these. */
	uint64_t (*frames_acked)(void *state);
};

/* offers() features */
enum proto_feature {
	PROTO_FEAT_BRIGHTNESS,
	PROTO_FEAT_POWER,
};

/* poll results */
enum proto_tx {
	PROTO_TX_IDLE = 0,     /* nothing queued */
	PROTO_TX_BUSY = 1,     /* packets unacknowledged: call poll again by *wake_ms */
	PROTO_TX_DONE = 2,     /* everything queued was acknowledged (reported once, then IDLE) */
	PROTO_TX_FAILED = -1,  /* gave up; see error() */
};

/* The port an address that names none gets: a protocol may listen on
 * different ports for TCP and UDP (Onbon cards: 5005 and 5007). */
int proto_default_port(const struct proto_ops *, const char *address);
/* The protocol called `name`, or NULL. */
const struct proto_ops *proto_find(const char *name);
/* Names of all protocols, NULL-terminated, for messages and --help. */
extern const char *const proto_names[];

#endif
