/*
 * proto/e131.c — E1.31 data packets.  Layout (big-endian), n slots:
 *   0 preamble 0x0010, post-amble 0, "ASC-E1.17\0\0\0"
 *  16 root flags+length 0x7000|(110+n), vector 4, CID
 *  38 framing flags+length 0x7000|(88+n), vector 2, source name (64),
 *     priority, sync address (0), sequence, options, universe
 * 115 DMP flags+length 0x7000|(11+n), vector 2, type 0xA1, first address 0,
 *     increment 1, count n+1, start code 0, slots
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/e131.h"

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

void
proto_e131_cid(const char *seed, uint8_t cid[16])
{
	/* Two FNV-1a passes with different offsets fill 128 bits. */
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };

	for (int k = 0; k < 2; k++)
		for (const char *c = seed; *c; c++) {
			h[k] ^= (uint8_t)*c;
			h[k] *= 0x100000001b3ull;
		}
	for (int i = 0; i < 8; i++) {
		cid[i] = (uint8_t)(h[0] >> (56 - 8 * i));
		cid[8 + i] = (uint8_t)(h[1] >> (56 - 8 * i));
	}
	cid[6] = (uint8_t)((cid[6] & 0x0f) | 0x80);   /* version 8: custom */
	cid[8] = (uint8_t)((cid[8] & 0x3f) | 0x80);   /* variant 10 */
}

ssize_t
proto_e131_packet(const struct proto_e131_source *src, uint16_t universe, uint8_t seq,
    uint8_t options, const uint8_t *slots, size_t n, uint8_t *out, size_t cap)
{
	static const uint8_t acn_id[12] = { 'A', 'S', 'C', '-', 'E', '1', '.', '1', '7', 0, 0, 0 };
	size_t namelen;

	if (n == 0 || n > PROTO_E131_MAX_SLOTS || universe == 0 ||
	    universe > PROTO_E131_UNIVERSE_MAX || src->priority > 200 ||
	    cap < PROTO_E131_HEADER + n)
		return -1;
	memset(out, 0, PROTO_E131_HEADER);
	put16(out + 0, 0x0010);
	put16(out + 2, 0x0000);
	memcpy(out + 4, acn_id, sizeof acn_id);
	put16(out + 16, 0x7000 | (unsigned)(110 + n));
	put32(out + 18, 0x00000004);
	memcpy(out + 22, src->cid, 16);
	put16(out + 38, 0x7000 | (unsigned)(88 + n));
	put32(out + 40, 0x00000002);
	namelen = strnlen(src->name, 63);
	memcpy(out + 44, src->name, namelen);      /* the rest stays 0: NUL-terminated */
	out[108] = src->priority;
	put16(out + 109, 0);                       /* no synchronization universe */
	out[111] = seq;
	out[112] = options;
	put16(out + 113, universe);
	put16(out + 115, 0x7000 | (unsigned)(11 + n));
	out[117] = 0x02;
	out[118] = 0xA1;
	put16(out + 119, 0x0000);
	put16(out + 121, 0x0001);
	put16(out + 123, (unsigned)(n + 1));
	out[125] = 0x00;                           /* DMX start code */
	memcpy(out + PROTO_E131_HEADER, slots, n);
	return (ssize_t)(PROTO_E131_HEADER + n);
}

uint32_t
proto_e131_group(uint16_t universe)
{
	return (uint32_t)239 << 24 | (uint32_t)255 << 16 | (uint32_t)(universe >> 8) << 8 |
	    (universe & 0xff);
}

int
proto_e131_group_str(uint16_t universe, char *buf, size_t len)
{
	int n = snprintf(buf, len, "239.255.%u.%u", universe >> 8, universe & 0xffu);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
proto_e131_universes(int width, int height)
{
	long npix = (long)width * height;

	return (int)((npix + PROTO_E131_PIXELS - 1) / PROTO_E131_PIXELS);
}

struct e131_state {
	struct proto_e131_source src;
	struct proto_pixel_order order;
	unsigned scale;
	uint16_t first;
	int      nuniv;
	uint8_t  seq[];               /* per universe */
};

static int
e131_supports(enum ls_format f)
{
	(void)f;
	return 1;
}

static void *
e131_init(const struct ls_board *b, char *err, size_t errlen)
{
	struct e131_state *s;
	struct proto_pixel_order o;
	int first = b->universe ? b->universe : 1, n = proto_e131_universes(b->width, b->height);

	if (proto_pixel_order_parse(b->pixel_order, &o) != 0) {
		snprintf(err, errlen, "board %s: pixel_order \"%s\" is not an order of r, g and b "
		    "(e.g. rgb, grb)", b->name, b->pixel_order);
		return NULL;
	}
	if (first < 1 || first > PROTO_E131_UNIVERSE_MAX) {
		snprintf(err, errlen, "board %s: universe %d out of range 1..%d", b->name, first,
		    PROTO_E131_UNIVERSE_MAX);
		return NULL;
	}
	if (n < 1 || n > PROTO_BATCH_MAX || first + n - 1 > PROTO_E131_UNIVERSE_MAX) {
		snprintf(err, errlen, "board %s: %dx%d needs %d universes from %d, past universe %d; "
		    "lower the universe or split the board", b->name, b->width, b->height, n, first,
		    PROTO_E131_UNIVERSE_MAX);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s + (size_t)n)) == NULL) {
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	proto_e131_cid(b->name, s->src.cid);
	snprintf(s->src.name, sizeof s->src.name, "ledsign %s", b->name);
	s->src.priority = PROTO_E131_PRIORITY;
	s->order = o;
	s->scale = proto_pixel_scale(b->brightness);
	s->first = (uint16_t)first;
	s->nuniv = n;
	return s;
}

static void
e131_fini(void *state)
{
	free(state);
}

static int
e131_encode_frame(void *state, const struct proto_image *im, struct proto_batch *batch)
{
	struct e131_state *s = state;
	size_t npix = (size_t)im->width * (size_t)im->height, pix = 0;

	if (proto_e131_universes(im->width, im->height) > s->nuniv)
		return -1;
	for (int u = 0; pix < npix; u++) {
		size_t k = npix - pix > PROTO_E131_PIXELS ? PROTO_E131_PIXELS : npix - pix;
		uint8_t *p = proto_batch_reserve(batch, PROTO_E131_HEADER + 3 * k);
		uint8_t slots[3 * PROTO_E131_PIXELS];

		if (p == NULL)
			return -1;
		for (size_t i = 0; i < k; i++, pix++)
			proto_pixel_put(&s->order, proto_pixel_get(im, (int)(pix % (size_t)im->width),
			    (int)(pix / (size_t)im->width)), s->scale, slots + 3 * i);
		if (proto_e131_packet(&s->src, (uint16_t)(s->first + u), s->seq[u], 0, slots, 3 * k,
		    p, PROTO_E131_HEADER + 3 * k) < 0)
			return -1;
		s->seq[u]++;
		proto_batch_commit(batch, PROTO_E131_HEADER + 3 * k);
	}
	return 0;
}

/* E1.31 has no brightness message: scale the pixels of the following frames. */
static int
e131_encode_brightness(void *state, int percent, struct proto_batch *batch)
{
	(void)batch;
	return proto_pixel_brightness(&((struct e131_state *)state)->scale, percent);
}

static size_t
e131_max_frame_bytes(int width, int height, enum ls_format f)
{
	(void)f;
	return (size_t)proto_e131_universes(width, height) * PROTO_E131_HEADER +
	    (size_t)width * (size_t)height * 3;
}

const struct proto_ops proto_e131_ops = {
	.name = "e131",
	.supports = e131_supports,
	.init = e131_init,
	.fini = e131_fini,
	.encode_frame = e131_encode_frame,
	.encode_brightness = e131_encode_brightness,
	.input = NULL,
	.max_frame_bytes = e131_max_frame_bytes,
	.wants_ack = 0,
	.default_port = PROTO_E131_PORT,
};
