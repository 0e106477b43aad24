/*
 * proto/artnet.c — ArtDmx and ArtSync.  The sequence number runs 1..255 per
 * port-address (0 would tell the node not to reorder).  ArtSync (board
 * setting artnet_sync) is off by default: a node that has seen one waits for
 * the next before showing, and Art-Net wants it broadcast; sent to the
 * board's address it still works with nodes that accept it unicast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/artnet.h"

static const uint8_t artnet_id[8] = { 'A', 'r', 't', '-', 'N', 'e', 't', 0 };

ssize_t
proto_artnet_dmx(uint8_t seq, uint8_t physical, uint16_t addr, const uint8_t *data, size_t n,
    uint8_t *out, size_t cap)
{
	size_t len = n + (n & 1);

	if (n == 0 || n > 512 || addr > PROTO_ARTNET_ADDR_MAX || cap < PROTO_ARTNET_HEADER + len)
		return -1;
	memcpy(out, artnet_id, 8);
	out[8] = PROTO_ARTNET_OP_DMX & 0xff;       /* OpCode is little-endian */
	out[9] = PROTO_ARTNET_OP_DMX >> 8;
	out[10] = 0;                               /* ProtVer is big-endian */
	out[11] = PROTO_ARTNET_VERSION;
	out[12] = seq;
	out[13] = physical;
	out[14] = (uint8_t)(addr & 0xff);          /* SubUni: sub-net << 4 | universe */
	out[15] = (uint8_t)(addr >> 8);            /* Net */
	out[16] = (uint8_t)(len >> 8);
	out[17] = (uint8_t)len;
	memcpy(out + PROTO_ARTNET_HEADER, data, n);
	if (len != n)
		out[PROTO_ARTNET_HEADER + n] = 0;
	return (ssize_t)(PROTO_ARTNET_HEADER + len);
}

ssize_t
proto_artnet_sync(uint8_t *out, size_t cap)
{
	if (cap < 14)
		return -1;
	memcpy(out, artnet_id, 8);
	out[8] = PROTO_ARTNET_OP_SYNC & 0xff;
	out[9] = PROTO_ARTNET_OP_SYNC >> 8;
	out[10] = 0;
	out[11] = PROTO_ARTNET_VERSION;
	out[12] = 0;                               /* Aux1 */
	out[13] = 0;                               /* Aux2 */
	return 14;
}

int
proto_artnet_universes(int width, int height)
{
	long npix = (long)width * height;

	return (int)((npix + PROTO_ARTNET_PIXELS - 1) / PROTO_ARTNET_PIXELS);
}

struct artnet_state {
	struct proto_pixel_order order;
	unsigned scale;
	uint16_t first;
	int      nuniv;
	int      sync;                /* send ArtSync after each frame */
	uint8_t  seq[];               /* per port-address, last number used */
};

static int
artnet_supports(enum ls_format f)
{
	(void)f;
	return 1;
}

static void *
artnet_init(const struct ls_board *b, char *err, size_t errlen)
{
	struct artnet_state *s;
	struct proto_pixel_order o;
	int n = proto_artnet_universes(b->width, b->height);

	if (proto_pixel_order_parse(b->pixel_order, &o) != 0) {
		snprintf(err, errlen, "board %s: pixel_order \"%s\" is not an order of r, g and b "
		    "(e.g. rgb, grb)", b->name, b->pixel_order);
		return NULL;
	}
	if (b->universe < 0 || b->universe > PROTO_ARTNET_ADDR_MAX) {
		snprintf(err, errlen, "board %s: universe (port-address) %d out of range 0..%d",
		    b->name, b->universe, PROTO_ARTNET_ADDR_MAX);
		return NULL;
	}
	if (n < 1 || n > PROTO_BATCH_MAX - 1 || b->universe + n - 1 > PROTO_ARTNET_ADDR_MAX) {
		snprintf(err, errlen, "board %s: %dx%d needs %d universes from %d, past %d; lower the "
		    "universe or split the board", b->name, b->width, b->height, n, b->universe,
		    PROTO_ARTNET_ADDR_MAX);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s + (size_t)n)) == NULL) {
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	s->order = o;
	s->scale = proto_pixel_scale(b->brightness);
	s->first = (uint16_t)b->universe;
	s->nuniv = n;
	s->sync = b->artnet_sync != 0;
	return s;
}

static void
artnet_fini(void *state)
{
	free(state);
}

static int
artnet_encode_frame(void *state, const struct proto_image *im, struct proto_batch *batch)
{
	struct artnet_state *s = state;
	size_t npix = (size_t)im->width * (size_t)im->height, pix = 0;

	if (proto_artnet_universes(im->width, im->height) > s->nuniv)
		return -1;
	for (int u = 0; pix < npix; u++) {
		size_t k = npix - pix > PROTO_ARTNET_PIXELS ? PROTO_ARTNET_PIXELS : npix - pix;
		size_t max = PROTO_ARTNET_HEADER + 3 * k + 1;
		uint8_t *p = proto_batch_reserve(batch, max);
		uint8_t data[3 * PROTO_ARTNET_PIXELS];
		ssize_t len;

		if (p == NULL)
			return -1;
		proto_pixel_run(im, pix, k, &s->order, s->scale, data);
		pix += k;
		s->seq[u] = (uint8_t)(s->seq[u] % 255 + 1);
		if ((len = proto_artnet_dmx(s->seq[u], 0, (uint16_t)(s->first + u), data, 3 * k,
		    p, max)) < 0)
			return -1;
		proto_batch_commit(batch, (size_t)len);
	}
	if (s->sync) {
		uint8_t *p = proto_batch_reserve(batch, 14);

		if (p == NULL || proto_artnet_sync(p, 14) < 0)
			return -1;
		proto_batch_commit(batch, 14);
	}
	return 0;
}

/* Art-Net has no brightness message: scale the pixels of the following frames. */
static int
artnet_encode_brightness(void *state, int percent, struct proto_batch *batch)
{
	(void)batch;
	return proto_pixel_brightness(&((struct artnet_state *)state)->scale, percent);
}

static size_t
artnet_max_frame_bytes(int width, int height, enum ls_format f)
{
	(void)f;
	return (size_t)proto_artnet_universes(width, height) * (PROTO_ARTNET_HEADER + 1) +
	    (size_t)width * (size_t)height * 3 + 14;
}

const struct proto_ops proto_artnet_ops = {
	.name = "artnet",
	.supports = artnet_supports,
	.init = artnet_init,
	.fini = artnet_fini,
	.encode_frame = artnet_encode_frame,
	.encode_brightness = artnet_encode_brightness,
	.input = NULL,
	.max_frame_bytes = artnet_max_frame_bytes,
	.wants_ack = 0,
	.default_port = PROTO_ARTNET_PORT,
	.keepalive_ms = 1000,
	/* Art-Net 4: ArtDmx goes from and to UDP 6454; some nodes answer or filter by it */
	.udp_src_port = PROTO_ARTNET_PORT,
};
