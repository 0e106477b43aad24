/*
 * proto/ddp.c — DDP data packets.  Header (big-endian fields):
 *   0 flags (version 1 = 0x40, push 0x01)   1 sequence in the low nibble
 *   2 data type (0x0B = RGB 8-bit)          3 destination id (1 = display)
 *   4..7 byte offset                         8..9 data length
 * Numbers advance per packet, 1..15.  WLED drops a packet whose number is
 * 1..4 behind that of the last push it took (a straggler of an older frame),
 * and ledboard does the same; see ddp_session for a sender that starts anew.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ddp.h"

ssize_t
proto_ddp_packet(uint8_t seq, int push, uint32_t offset, const uint8_t *data, size_t n,
    uint8_t *out, size_t cap)
{
	if (n > PROTO_DDP_MAX_DATA || seq > 15 || cap < PROTO_DDP_HEADER + n)
		return -1;
	out[0] = (uint8_t)(PROTO_DDP_VER1 | (push ? PROTO_DDP_PUSH : 0));
	out[1] = seq;
	out[2] = PROTO_DDP_TYPE_RGB24;
	out[3] = PROTO_DDP_ID_DISPLAY;
	out[4] = (uint8_t)(offset >> 24);
	out[5] = (uint8_t)(offset >> 16);
	out[6] = (uint8_t)(offset >> 8);
	out[7] = (uint8_t)offset;
	out[8] = (uint8_t)(n >> 8);
	out[9] = (uint8_t)n;
	if (n > 0)
		memcpy(out + PROTO_DDP_HEADER, data, n);
	return (ssize_t)(PROTO_DDP_HEADER + n);
}

int
proto_ddp_encode(const struct proto_image *im, const struct proto_pixel_order *order,
    unsigned scale, uint8_t *seq, struct proto_batch *batch)
{
	size_t npix = (size_t)im->width * (size_t)im->height, total = npix * 3;
	size_t off = 0, pix = 0;

	do {
		size_t n = total - off > PROTO_DDP_MAX_DATA ? PROTO_DDP_MAX_DATA : total - off;
		uint8_t *p = proto_batch_reserve(batch, PROTO_DDP_HEADER + n);

		if (p == NULL)
			return -1;
		*seq = (uint8_t)(*seq % 15 + 1);
		/* Write the pixels straight after the header: 1440 is a multiple of 3. */
		proto_pixel_run(im, pix, n / 3, order, scale, p + PROTO_DDP_HEADER);
		pix += n / 3;
		p[0] = (uint8_t)(PROTO_DDP_VER1 | (off + n == total ? PROTO_DDP_PUSH : 0));
		p[1] = *seq;
		p[2] = PROTO_DDP_TYPE_RGB24;
		p[3] = PROTO_DDP_ID_DISPLAY;
		p[4] = (uint8_t)(off >> 24);
		p[5] = (uint8_t)(off >> 16);
		p[6] = (uint8_t)(off >> 8);
		p[7] = (uint8_t)off;
		p[8] = (uint8_t)(n >> 8);
		p[9] = (uint8_t)n;
		proto_batch_commit(batch, PROTO_DDP_HEADER + n);
		off += n;
	} while (off < total);
	return 0;
}

struct ddp_state {
	struct proto_pixel_order order;
	unsigned scale;
	uint8_t  seq;                 /* the last number used; 0 = none yet */
	int      fresh;               /* a session began: send its first frame twice */
};

static int
ddp_supports(enum ls_format f)
{
	(void)f;
	return 1;                     /* any canvas becomes RGB on the wire */
}

static void *
ddp_init(const struct ls_board *b, char *err, size_t errlen)
{
	struct ddp_state *s;
	struct proto_pixel_order o;

	if (proto_pixel_order_parse(b->pixel_order, &o) != 0) {
		snprintf(err, errlen, "board %s: pixel_order \"%s\" is not an order of r, g and b "
		    "(e.g. rgb, grb)", b->name, b->pixel_order);
		return NULL;
	}
	if ((uint64_t)b->width * (uint64_t)b->height * 3 > 0xffffffffu) {
		snprintf(err, errlen, "board %s: too many pixels for DDP offsets", b->name);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	s->order = o;
	s->scale = proto_pixel_scale(b->brightness);
	return s;
}

static void
ddp_fini(void *state)
{
	free(state);
}

/*
 * A new sender (another process, or this one after its link came back)
 * knows nothing of the number the receiver last took, and a receiver that
 * drops packets 1..4 behind its last push (WLED) may take the first frame
 * for a straggler.  So a session's first frame goes out twice, the second
 * copy numbered 4 past the end of the first: whatever the receiver's last
 * push, one of the two copies is not behind it (proved for frames of up to
 * four packets, 1920 pixels; a larger frame wraps the 4-bit number inside
 * itself anyway).  Numbers start at 1, where the spec starts them.
 */
static void
ddp_session(void *state, const struct proto_session *ses)
{
	struct ddp_state *s = state;

	(void)ses;                    /* DDP carries no sender identity */
	s->seq = 0;
	s->fresh = 1;
}

static int
ddp_encode_frame(void *state, const struct proto_image *im, struct proto_batch *batch)
{
	struct ddp_state *s = state;

	if (proto_ddp_encode(im, &s->order, s->scale, &s->seq, batch) < 0)
		return -1;
	if (s->fresh) {
		s->seq = (uint8_t)((s->seq + 3) % 15 + 1);   /* skip four numbers */
		s->fresh = 0;
		return proto_ddp_encode(im, &s->order, s->scale, &s->seq, batch);
	}
	return 0;
}

/* DDP has no brightness message: scale the pixels of the following frames. */
static int
ddp_encode_brightness(void *state, int percent, struct proto_batch *batch)
{
	(void)batch;
	return proto_pixel_brightness(&((struct ddp_state *)state)->scale, percent);
}

static size_t
ddp_max_frame_bytes(int width, int height, enum ls_format f)
{
	size_t total = (size_t)width * (size_t)height * 3;

	(void)f;
	/* twice: a session's first frame goes out twice */
	return 2 * (total + PROTO_DDP_HEADER * (total / PROTO_DDP_MAX_DATA + 1));
}

const struct proto_ops proto_ddp_ops = {
	.name = "ddp",
	.supports = ddp_supports,
	.init = ddp_init,
	.fini = ddp_fini,
	.encode_frame = ddp_encode_frame,
	.encode_brightness = ddp_encode_brightness,
	.input = NULL,
	.max_frame_bytes = ddp_max_frame_bytes,
	.wants_ack = 0,
	.default_port = PROTO_DDP_PORT,
	.session = ddp_session,
	.keepalive_ms = 1000,
};
