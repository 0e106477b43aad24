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
	char     board[64];           /* the board's name, for the session CID */
	unsigned scale;
	uint16_t first;
	int      nuniv;
	long     npix;                /* pixels of the board: slots of each universe */
	int      mcast;               /* the address is a group: each universe to its own */
	int      fresh;               /* a session began: send its first frame twice (see session) */
	int      sent;                /* a frame went out in this session: stop has something to end */
	uint8_t  seq[];               /* per universe: the next number to send */
};

/* "udp:A.B.C.D" or "udp:A.B.C.D:PORT" as a host-order IPv4 address; 0 when
 * the address is something else (a name, IPv6, tcp:, serial:). */
static uint32_t
e131_udp_ipv4(const char *address)
{
	unsigned a[4];
	int n = 0;

	if (address == NULL || strncmp(address, "udp:", 4) != 0)
		return 0;
	if (sscanf(address + 4, "%3u.%3u.%3u.%3u%n", &a[0], &a[1], &a[2], &a[3], &n) != 4 ||
	    (address[4 + n] != '\0' && address[4 + n] != ':'))
		return 0;
	for (int i = 0; i < 4; i++)
		if (a[i] > 255)
			return 0;
	return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

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
	uint32_t ip = e131_udp_ipv4(b->address);

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
	/* a stop is three packets per universe, all in one batch */
	if (n < 1 || 3 * n > PROTO_BATCH_MAX || first + n - 1 > PROTO_E131_UNIVERSE_MAX) {
		snprintf(err, errlen, "board %s: %dx%d needs %d universes from %d, past universe %d; "
		    "lower the universe or split the board", b->name, b->width, b->height, n, first,
		    PROTO_E131_UNIVERSE_MAX);
		return NULL;
	}
	if (ip != 0 && (ip >> 28) == 0xe && ip != proto_e131_group((uint16_t)first)) {
		char want[20];

		proto_e131_group_str((uint16_t)first, want, sizeof want);
		snprintf(err, errlen, "board %s: multicast address %u.%u.%u.%u is not the group of "
		    "universe %d, where E1.31 receivers listen; write udp:%s (each further universe "
		    "goes to its own group)", b->name, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
		    ip & 255, first, want);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s + (size_t)n)) == NULL) {
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	snprintf(s->board, sizeof s->board, "%s", b->name);
	s->npix = (long)b->width * b->height;
	s->mcast = ip != 0 && (ip >> 28) == 0xe;
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

/*
 * A session: a CID of its own, so a receiver that tracks sequence numbers
 * per source (OLA, sACN libraries, ledboard) takes this process for a new
 * source and never compares its numbers with an earlier sender's; the
 * board's name is in the hash, so two boards of one process are two
 * sources.  For receivers that keep one number per universe whatever the
 * source, the first frame goes out twice, numbered 1 and then 129: a
 * receiver drops a packet 0..19 behind the last it took (E1.31 6.7.2), or
 * any number from 21 up below the last (WLED), and no last number makes
 * both copies look old.  Numbers then go on from 130.
 */
static void
e131_session(void *state, const struct proto_session *ses)
{
	struct e131_state *s = state;
	static const char hex[] = "0123456789abcdef";
	char seed[64 + 1 + 32 + 1];
	size_t n = strnlen(s->board, 63);

	memcpy(seed, s->board, n);
	seed[n++] = '/';
	for (int i = 0; i < 16; i++) {
		seed[n++] = hex[ses->id[i] >> 4];
		seed[n++] = hex[ses->id[i] & 15];
	}
	seed[n] = '\0';
	proto_e131_cid(seed, s->src.cid);
	memset(s->seq, 1, (size_t)s->nuniv);
	s->fresh = 1;
	s->sent = 0;
}

/* One round of packets, one per universe: the image's pixels, or (im NULL)
 * zero slots with `options` (a stop). */
static int
e131_round(struct e131_state *s, const struct proto_image *im, uint8_t options,
    struct proto_batch *batch)
{
	size_t npix = im ? (size_t)im->width * (size_t)im->height : (size_t)s->npix, pix = 0;

	for (int u = 0; pix < npix; u++) {
		size_t k = npix - pix > PROTO_E131_PIXELS ? PROTO_E131_PIXELS : npix - pix;
		uint8_t *p = proto_batch_reserve(batch, PROTO_E131_HEADER + 3 * k);
		uint8_t slots[3 * PROTO_E131_PIXELS];
		uint16_t universe = (uint16_t)(s->first + u);

		if (p == NULL)
			return -1;
		if (im == NULL)
			memset(slots, 0, 3 * k);
		else
			proto_pixel_run(im, pix, k, &s->order, s->scale, slots);
		pix += k;
		if (proto_e131_packet(&s->src, universe, s->seq[u], options, slots, 3 * k,
		    p, PROTO_E131_HEADER + 3 * k) < 0)
			return -1;
		s->seq[u]++;
		proto_batch_commit(batch, PROTO_E131_HEADER + 3 * k);
		if (s->mcast)
			proto_batch_set_dest(batch, proto_e131_group(universe));
	}
	return 0;
}

static int
e131_encode_frame(void *state, const struct proto_image *im, struct proto_batch *batch)
{
	struct e131_state *s = state;

	if (proto_e131_universes(im->width, im->height) > s->nuniv)
		return -1;
	if (e131_round(s, im, 0, batch) < 0)
		return -1;
	if (s->fresh) {
		/* the second copy of a session's first frame: numbers jump by 128 */
		for (int u = 0; u < s->nuniv; u++)
			s->seq[u] = (uint8_t)(s->seq[u] + 127);
		if (e131_round(s, im, 0, batch) < 0)
			return -1;
		s->fresh = 0;
	}
	s->sent = 1;
	return 0;
}

/* E1.31 6.2.6: three packets with Stream_Terminated per universe; receivers
 * drop the source at once instead of holding its last look for 2.5 s. */
static int
e131_encode_stop(void *state, struct proto_batch *batch)
{
	struct e131_state *s = state;

	if (!s->sent)
		return 0;
	for (int i = 0; i < 3; i++)
		if (e131_round(s, NULL, PROTO_E131_TERMINATED, batch) < 0)
			return -1;
	s->sent = 0;
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
	/* a stop (three rounds) is the largest batch; a session's first frame is two */
	return 3 * ((size_t)proto_e131_universes(width, height) * PROTO_E131_HEADER +
	    (size_t)width * (size_t)height * 3);
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
	.session = e131_session,
	.encode_stop = e131_encode_stop,
	.keepalive_ms = 1000,
};
