/*
 * ledboard_proto.h — how the ledboard simulator plugs in a pixel protocol.
 *
 * ledboard owns the sockets, the pseudo-terminal, fault injection, timing
 * and the PNG snapshots.  A protocol decoder only turns received bytes into
 * pictures and replies.  To add protocol X:
 *
 *   1. write firmware-proto/ledboard_X.c defining
 *        const struct ledboard_proto ledboard_proto_X = { .name = "X", ... };
 *      (put any board-side decoding worth reusing on a microcontroller in
 *      firmware-proto/fw_X.c, which goes into libfwproto.a);
 *   2. add `&ledboard_proto_X,` to the table in firmware-proto/ledboard_protos.c
 *      and its extern declaration below.
 *
 * Then `ledboard --protocol X ...` uses it.  The contract:
 *   - open() gets the screen (size and pixel format, layouts in fw_pixels.h)
 *     and a sink of callbacks; it returns the decoder's state, or NULL with
 *     a message in err (e.g. a format the protocol cannot carry).  It may
 *     allocate: ledboard is a host program.  close(NULL) is a no-op.
 *   - feed() gets received bytes: with datagram = 1 exactly one UDP datagram,
 *     with datagram = 0 any slice of a TCP or serial byte stream (packets may
 *     be split or merged arbitrarily).  Bytes may be garbage, truncated or
 *     corrupted (ledboard injects faults): never crash, never read past len.
 *   - Inside feed() (or tick()) the decoder calls sink->show(fb) each time a
 *     complete new picture is up (fb: stride * height bytes in the screen's
 *     format, valid only during the call), sink->reply() with bytes to send
 *     back to whoever sent the data, and sink->log() once per message with a
 *     short description (no newline), e.g. "rx FRAME seq=3 ... -> ACK".
 *   - reset() is called when a new TCP connection replaces the old one:
 *     forget half-received packets, keep the picture.
 *   - tick(now_ms) (may be NULL) is called at least every 20 ms with a
 *     monotonic millisecond clock, for boards that play pages on their own.
 *   - wake(now_ms) (may be NULL): how many ms from now_ms the decoder wants
 *     its next tick (a scroll's next step), so steps come on time and not
 *     on the 20 ms grid.
 */
#ifndef LEDBOARD_PROTO_H
#define LEDBOARD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "fw_pixels.h"

struct ledboard_screen {
	uint16_t width, height;
	uint8_t  format;          /* FW_PIX_* */
	uint32_t stride;          /* fw_pix_stride(format, width) */
	const char *options;      /* OPTIONS of --protocol NAME:OPTIONS, or NULL */
	const char *caps;         /* --caps LIST: the features offered (lsp), or NULL for all */
	const char *claim;        /* --claim LIST: features INFO reports although they are refused (lsp) */
};

struct ledboard_sink {
	void *ctx;
	void (*show)(void *ctx, const uint8_t *fb);
	void (*reply)(void *ctx, const uint8_t *buf, size_t len);
	void (*log)(void *ctx, const char *line);
};

struct ledboard_proto {
	const char *name;         /* as given to --protocol */
	void *(*open)(const struct ledboard_screen *, const struct ledboard_sink *,
	    char *err, size_t errlen);
	void  (*close)(void *state);
	void  (*reset)(void *state);
	void  (*feed)(void *state, const uint8_t *buf, size_t len, int datagram);
	void  (*tick)(void *state, uint32_t now_ms);
	uint32_t (*wake)(void *state, uint32_t now_ms);
};

extern const struct ledboard_proto ledboard_proto_lsp;
/* ledboard_vendor.c: options "card=bx-5e,screen=1" / "universe=N,order=grb" */
extern const struct ledboard_proto ledboard_proto_onbon_bx;
extern const struct ledboard_proto ledboard_proto_ddp;
extern const struct ledboard_proto ledboard_proto_e131;
extern const struct ledboard_proto ledboard_proto_artnet;

/* Every protocol ledboard knows, NULL-terminated (ledboard_protos.c). */
extern const struct ledboard_proto *const ledboard_protos[];

#endif
