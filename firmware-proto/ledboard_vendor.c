/*
 * ledboard_vendor.c — the vendor decoders (fw_bx, fw_ddp, fw_e131,
 * fw_artnet) behind ledboard's protocol interface.  Options come from
 * --protocol NAME:OPTIONS, comma-separated:
 *   onbon-bx   card=bx-5e|bx-6e|bx-5q|bx-6q (default by format: mono and
 *              red-green 5e, rgb565 5q, rgb888 6q; a 6Q also takes rgb565),
 *              screen=N (address, 1), rgb565=low-first|high-first (how the
 *              card reads RGB565: by default the card's own, 5Q low, 6Q high;
 *              the other one emulates a card set up the other way),
 *              colors=red-green|green-red (a two-colour card whose matrix
 *              is set up green-red shows red as green)
 *   ddp        order=rgb|grb|...
 *   e131       universe=N (first, default 1), order=...
 *   artnet     universe=N (first port-address, default 0), order=...
 * DDP, E1.31 and Art-Net are datagram protocols: give ledboard a udp: listen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fw_artnet.h"
#include "fw_bx.h"
#include "fw_ddp.h"
#include "fw_e131.h"
#include "ledboard_proto.h"

#define LB_BX_WORK (128u * 1024u)

struct lb_vendor {
	int kind;                     /* 0 bx, 1 ddp, 2 e131, 3 artnet */
	struct ledboard_sink sink;
	struct fw_rgb_canvas fb;
	uint8_t *work;
	int card, rgb565_high_first, green_first;
	uint16_t screen, universe;
	uint8_t order[3];
	int warned_stream;
	union {
		struct fw_bx bx;
		struct fw_ddp ddp;
		struct fw_e131 e131;
		struct fw_artnet artnet;
	} u;
};

/* Find key=value in "a=1,b=x"; copies the value into buf.  1 when present. */
static int
lb_opt(const char *opts, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (p != NULL && *p) {
		size_t n = strcspn(p, ",");

		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t v = n - klen - 1;

			if (v >= len)
				v = len - 1;
			memcpy(buf, p + klen + 1, v);
			buf[v] = '\0';
			return 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Every key must be one this protocol knows: a typo should not pass silently. */
static int
lb_opts_known(const char *opts, const char *const *keys, char *err, size_t errlen)
{
	const char *p = opts;

	while (p != NULL && *p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=,");
		int ok = 0;

		for (size_t i = 0; keys[i]; i++)
			if (strlen(keys[i]) == k && strncmp(p, keys[i], k) == 0 && k < n)
				ok = 1;
		if (!ok) {
			size_t at = (size_t)snprintf(err, errlen, "unknown option \"%.*s\" (known:", (int)n, p);

			for (size_t i = 0; keys[i] && at < errlen; i++)
				at += (size_t)snprintf(err + at, errlen - at, "%s %s", i ? "," : "", keys[i]);
			if (at < errlen)
				snprintf(err + at, errlen - at, ")");
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
lb_num_opt(const char *opts, const char *key, long lo, long hi, long def, long *out,
    char *err, size_t errlen)
{
	char buf[32], *end;
	long v;

	*out = def;
	if (!lb_opt(opts, key, buf, sizeof buf))
		return 0;
	v = strtol(buf, &end, 0);
	if (*buf == '\0' || *end != '\0' || v < lo || v > hi) {
		snprintf(err, errlen, "%s=%s: expected a number %ld..%ld", key, buf, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static void
lb_vendor_close(void *state)
{
	struct lb_vendor *s = state;

	if (s == NULL)
		return;
	free(s->fb.data);
	free(s->work);
	free(s);
}

static struct lb_vendor *
lb_vendor_new(int kind, const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    const char *const *keys, char *err, size_t errlen)
{
	struct lb_vendor *s;
	char order[16] = "rgb";

	if (lb_opts_known(scr->options, keys, err, errlen) < 0)
		return NULL;
	uint8_t o[3];

	lb_opt(scr->options, "order", order, sizeof order);
	if (fw_rgb_order_parse(order, o) < 0) {
		snprintf(err, errlen, "order=%s: expected an order of r, g and b (rgb, grb, ...)", order);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(s->order, o, 3);
	s->kind = kind;
	s->sink = *sink;
	s->fb.width = scr->width;
	s->fb.height = scr->height;
	s->fb.format = scr->format;
	s->fb.stride = scr->stride;
	if ((s->fb.data = calloc(scr->height, scr->stride)) == NULL) {
		snprintf(err, errlen, "out of memory");
		lb_vendor_close(s);
		return NULL;
	}
	return s;
}

/* ---- Onbon BX ---------------------------------------------------------- */

static void *
lb_bx_open(const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    char *err, size_t errlen)
{
	static const char *const keys[] = { "card", "screen", "rgb565", "colors", NULL };
	struct lb_vendor *s;
	char card[16] = "", order565[16] = "", colors[16] = "";
	long screen;
	int c = scr->format == FW_PIX_RGB565 ? FW_BX_5Q : scr->format == FW_PIX_RGB888 ?
	    FW_BX_6Q : FW_BX_5E;

	if ((s = lb_vendor_new(0, scr, sink, keys, err, errlen)) == NULL)
		return NULL;
	if (lb_opt(scr->options, "card", card, sizeof card) && fw_bx_card_parse(card, &c) < 0) {
		snprintf(err, errlen, "card=%s: expected bx-5e, bx-6e, bx-5q or bx-6q", card);
		goto fail;
	}
	if (((c == FW_BX_5E || c == FW_BX_6E) && scr->format > FW_PIX_REDGREEN) ||
	    (c == FW_BX_5Q && scr->format != FW_PIX_RGB565) ||
	    (c == FW_BX_6Q && scr->format != FW_PIX_RGB888 && scr->format != FW_PIX_RGB565)) {
		snprintf(err, errlen, "card %s cannot show %s", card[0] ? card : "(default)",
		    fw_pix_name(scr->format));
		goto fail;
	}
	if (lb_num_opt(scr->options, "screen", 1, 0xFFFD, 1, &screen, err, errlen) < 0)
		goto fail;
	if ((s->work = malloc(LB_BX_WORK)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->card = c;
	s->screen = (uint16_t)screen;
	s->rgb565_high_first = c == FW_BX_6Q;
	if (lb_opt(scr->options, "rgb565", order565, sizeof order565)) {
		if (strcmp(order565, "low-first") != 0 && strcmp(order565, "high-first") != 0) {
			snprintf(err, errlen, "rgb565=%s: expected low-first (as a 5Q) or high-first "
			    "(as a 6Q in 565 mode)", order565);
			goto fail;
		}
		s->rgb565_high_first = strcmp(order565, "high-first") == 0;
	}
	if (lb_opt(scr->options, "colors", colors, sizeof colors)) {
		if (strcmp(colors, "red-green") != 0 && strcmp(colors, "green-red") != 0) {
			snprintf(err, errlen, "colors=%s: expected red-green or green-red", colors);
			goto fail;
		}
		s->green_first = strcmp(colors, "green-red") == 0;
	}
	fw_bx_init(&s->u.bx, s->work, LB_BX_WORK, c, s->screen);
	s->u.bx.rgb565_high_first = s->rgb565_high_first;
	s->u.bx.green_first = s->green_first;
	return s;
fail:
	lb_vendor_close(s);
	return NULL;
}

static void
lb_bx_reset(void *state)
{
	struct lb_vendor *s = state;
	uint8_t level = s->u.bx.brightness;

	fw_bx_init(&s->u.bx, s->work, LB_BX_WORK, s->card, s->screen);
	s->u.bx.brightness = level;
	s->u.bx.rgb565_high_first = s->rgb565_high_first;
	s->u.bx.green_first = s->green_first;
}

static void
lb_bx_feed(void *state, const uint8_t *buf, size_t len, int datagram)
{
	struct lb_vendor *s = state;
	uint8_t reply[64];

	(void)datagram;               /* TCP, UDP 5007 and serial carry the same frames */
	while (len > 0) {
		size_t used = 0, rl = 0;
		int r = fw_bx_feed(&s->u.bx, buf, len, &used, &s->fb, reply, sizeof reply, &rl);

		if (r != FW_BX_NONE) {
			char line[160];

			if (r == FW_BX_SHOW)
				snprintf(line, sizeof line, "rx A7 00 dynamic area, frame %lu -> %s "
				    "(after Cmd %u, AreaType 0x%02X, Transparency %u)", s->u.bx.frames,
				    rl ? "ACK" : "no reply", s->u.bx.last_cmd_reserved,
				    s->u.bx.last_area_type, s->u.bx.last_transparency);
			else if (r == FW_BX_OTHER)
				snprintf(line, sizeof line, "rx command, brightness %u/15 -> %s",
				    s->u.bx.brightness, rl ? "reply" : "no reply");
			else
				snprintf(line, sizeof line, "rx bad frame (%lu so far)%s", s->u.bx.bad,
				    rl ? " -> NACK" : "");
			if (r == FW_BX_SHOW)
				s->sink.show(s->sink.ctx, s->fb.data);
			s->sink.log(s->sink.ctx, line);
		}
		if (rl > 0)
			s->sink.reply(s->sink.ctx, reply, rl);
		if (used == 0)
			break;
		buf += used;
		len -= used;
	}
}

const struct ledboard_proto ledboard_proto_onbon_bx = {
	.name = "onbon-bx",
	.open = lb_bx_open,
	.close = lb_vendor_close,
	.reset = lb_bx_reset,
	.feed = lb_bx_feed,
	.tick = NULL,
};

/* ---- DDP, E1.31, Art-Net ----------------------------------------------- */

static const char *const lb_order_keys[] = { "order", NULL };
static const char *const lb_universe_keys[] = { "universe", "order", NULL };

static void *
lb_ddp_open(const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    char *err, size_t errlen)
{
	struct lb_vendor *s = lb_vendor_new(1, scr, sink, lb_order_keys, err, errlen);

	if (s != NULL)
		fw_ddp_init(&s->u.ddp, s->order);
	return s;
}

static void *
lb_e131_open(const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    char *err, size_t errlen)
{
	struct lb_vendor *s = lb_vendor_new(2, scr, sink, lb_universe_keys, err, errlen);
	long u;

	if (s == NULL)
		return NULL;
	if (lb_num_opt(scr->options, "universe", 1, 63999, 1, &u, err, errlen) < 0) {
		lb_vendor_close(s);
		return NULL;
	}
	fw_e131_init(&s->u.e131, (uint16_t)u, s->order);
	return s;
}

static void *
lb_artnet_open(const struct ledboard_screen *scr, const struct ledboard_sink *sink,
    char *err, size_t errlen)
{
	struct lb_vendor *s = lb_vendor_new(3, scr, sink, lb_universe_keys, err, errlen);
	long u;

	if (s == NULL)
		return NULL;
	if (lb_num_opt(scr->options, "universe", 0, 0x7FFF, 0, &u, err, errlen) < 0) {
		lb_vendor_close(s);
		return NULL;
	}
	fw_artnet_init(&s->u.artnet, (uint16_t)u, s->order);
	return s;
}

static void
lb_dgram_reset(void *state)
{
	(void)state;                  /* datagrams carry no half-received state */
}

/* " (source 1a2b3c4d)": the CID's first bytes, so logs tell senders apart */
static const char *
e131_src_name(struct lb_vendor *s)
{
	static char buf[32];
	const uint8_t *c = s->u.e131.src[s->u.e131.last_src].cid;

	snprintf(buf, sizeof buf, " (source %02x%02x%02x%02x)", c[0], c[1], c[2], c[3]);
	return buf;
}

/* ledboard's tick clock: CLOCK_MONOTONIC in milliseconds, wrapping. */
static uint32_t
lb_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* E1.31 receivers give a source up after 2.5 s without a packet. */
static void
lb_e131_tick(void *state, uint32_t now_ms)
{
	struct lb_vendor *s = state;
	int gone = fw_e131_expire(&s->u.e131, now_ms);

	if (gone > 0) {
		char line[128];

		snprintf(line, sizeof line, "E1.31 source lost: no packet for %.1f s (%d source%s left)",
		    FW_E131_LOSS_MS / 1000.0, fw_e131_sources(&s->u.e131),
		    fw_e131_sources(&s->u.e131) == 1 ? "" : "s");
		s->sink.log(s->sink.ctx, line);
	}
}

static void
lb_dgram_feed(void *state, const uint8_t *buf, size_t len, int datagram)
{
	static const char *const names[] = { "", "DDP", "E1.31", "Art-Net" };
	struct lb_vendor *s = state;
	char line[160];
	unsigned long refused = 0;
	int r;

	if (!datagram) {
		if (!s->warned_stream) {
			snprintf(line, sizeof line, "%s needs UDP: listen on udp:HOST:PORT", names[s->kind]);
			s->sink.log(s->sink.ctx, line);
			s->warned_stream = 1;
		}
		return;
	}
	if (s->kind == 1)
		r = fw_ddp_decode(&s->u.ddp, buf, len, &s->fb);
	else if (s->kind == 2) {
		refused = s->u.e131.refused;
		lb_e131_tick(s, lb_ms());     /* a packet is dated by the same clock as tick's */
		r = fw_e131_decode(&s->u.e131, buf, len, &s->fb);
	}
	else
		r = fw_artnet_decode(&s->u.artnet, buf, len, &s->fb);
	if (s->kind == 2 && r == FW_E131_TERMINATED)
		snprintf(line, sizeof line, "rx E1.31 %zu bytes -> TERMINATED: universe %u stream "
		    "terminated by its source (%d source%s left)", len, len >= 115 ?
		    (unsigned)buf[113] << 8 | buf[114] : 0u, fw_e131_sources(&s->u.e131),
		    fw_e131_sources(&s->u.e131) == 1 ? "" : "s");
	else if (s->kind == 2 && s->u.e131.refused != refused)
		snprintf(line, sizeof line, "rx E1.31 %zu bytes -> ignored: already %d sources, "
		    "the most this board tracks", len, FW_E131_SOURCES);
	else
		snprintf(line, sizeof line, "rx %s %zu bytes -> %s%s", names[s->kind], len,
		    r == 2 ? "SHOW" : r == 1 ? "data" : r == 0 ? "ignored" : "BAD",
		    s->kind == 2 && s->u.e131.last_src >= 0 ? e131_src_name(s) : "");
	s->sink.log(s->sink.ctx, line);
	if (r == 2)
		s->sink.show(s->sink.ctx, s->fb.data);
}

const struct ledboard_proto ledboard_proto_ddp = {
	.name = "ddp", .open = lb_ddp_open, .close = lb_vendor_close,
	.reset = lb_dgram_reset, .feed = lb_dgram_feed, .tick = NULL,
};

const struct ledboard_proto ledboard_proto_e131 = {
	.name = "e131", .open = lb_e131_open, .close = lb_vendor_close,
	.reset = lb_dgram_reset, .feed = lb_dgram_feed, .tick = lb_e131_tick,
};

const struct ledboard_proto ledboard_proto_artnet = {
	.name = "artnet", .open = lb_artnet_open, .close = lb_vendor_close,
	.reset = lb_dgram_reset, .feed = lb_dgram_feed, .tick = NULL,
};
