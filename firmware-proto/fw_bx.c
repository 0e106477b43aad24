/* fw_bx.c — Onbon BX graphic-card protocol, board side. */
#include <string.h>

#include "fw_bx.h"

enum { ST_HUNT, ST_START, ST_DATA, ST_ESC_A6, ST_ESC_5B };

static const uint16_t crc_table[256] = {
	0x0000, 0xc0c1, 0xc181, 0x0140, 0xc301, 0x03c0, 0x0280, 0xc241,
	0xc601, 0x06c0, 0x0780, 0xc741, 0x0500, 0xc5c1, 0xc481, 0x0440,
	0xcc01, 0x0cc0, 0x0d80, 0xcd41, 0x0f00, 0xcfc1, 0xce81, 0x0e40,
	0x0a00, 0xcac1, 0xcb81, 0x0b40, 0xc901, 0x09c0, 0x0880, 0xc841,
	0xd801, 0x18c0, 0x1980, 0xd941, 0x1b00, 0xdbc1, 0xda81, 0x1a40,
	0x1e00, 0xdec1, 0xdf81, 0x1f40, 0xdd01, 0x1dc0, 0x1c80, 0xdc41,
	0x1400, 0xd4c1, 0xd581, 0x1540, 0xd701, 0x17c0, 0x1680, 0xd641,
	0xd201, 0x12c0, 0x1380, 0xd341, 0x1100, 0xd1c1, 0xd081, 0x1040,
	0xf001, 0x30c0, 0x3180, 0xf141, 0x3300, 0xf3c1, 0xf281, 0x3240,
	0x3600, 0xf6c1, 0xf781, 0x3740, 0xf501, 0x35c0, 0x3480, 0xf441,
	0x3c00, 0xfcc1, 0xfd81, 0x3d40, 0xff01, 0x3fc0, 0x3e80, 0xfe41,
	0xfa01, 0x3ac0, 0x3b80, 0xfb41, 0x3900, 0xf9c1, 0xf881, 0x3840,
	0x2800, 0xe8c1, 0xe981, 0x2940, 0xeb01, 0x2bc0, 0x2a80, 0xea41,
	0xee01, 0x2ec0, 0x2f80, 0xef41, 0x2d00, 0xedc1, 0xec81, 0x2c40,
	0xe401, 0x24c0, 0x2580, 0xe541, 0x2700, 0xe7c1, 0xe681, 0x2640,
	0x2200, 0xe2c1, 0xe381, 0x2340, 0xe101, 0x21c0, 0x2080, 0xe041,
	0xa001, 0x60c0, 0x6180, 0xa141, 0x6300, 0xa3c1, 0xa281, 0x6240,
	0x6600, 0xa6c1, 0xa781, 0x6740, 0xa501, 0x65c0, 0x6480, 0xa441,
	0x6c00, 0xacc1, 0xad81, 0x6d40, 0xaf01, 0x6fc0, 0x6e80, 0xae41,
	0xaa01, 0x6ac0, 0x6b80, 0xab41, 0x6900, 0xa9c1, 0xa881, 0x6840,
	0x7800, 0xb8c1, 0xb981, 0x7940, 0xbb01, 0x7bc0, 0x7a80, 0xba41,
	0xbe01, 0x7ec0, 0x7f80, 0xbf41, 0x7d00, 0xbdc1, 0xbc81, 0x7c40,
	0xb401, 0x74c0, 0x7580, 0xb541, 0x7700, 0xb7c1, 0xb681, 0x7640,
	0x7200, 0xb2c1, 0xb381, 0x7340, 0xb101, 0x71c0, 0x7080, 0xb041,
	0x5000, 0x90c1, 0x9181, 0x5140, 0x9301, 0x53c0, 0x5280, 0x9241,
	0x9601, 0x56c0, 0x5780, 0x9741, 0x5500, 0x95c1, 0x9481, 0x5440,
	0x9c01, 0x5cc0, 0x5d80, 0x9d41, 0x5f00, 0x9fc1, 0x9e81, 0x5e40,
	0x5a00, 0x9ac1, 0x9b81, 0x5b40, 0x9901, 0x59c0, 0x5880, 0x9841,
	0x8801, 0x48c0, 0x4980, 0x8941, 0x4b00, 0x8bc1, 0x8a81, 0x4a40,
	0x4e00, 0x8ec1, 0x8f81, 0x4f40, 0x8d01, 0x4dc0, 0x4c80, 0x8c41,
	0x4400, 0x84c1, 0x8581, 0x4540, 0x8701, 0x47c0, 0x4680, 0x8641,
	0x8201, 0x42c0, 0x4380, 0x8341, 0x4100, 0x81c1, 0x8081, 0x4040,
};

uint16_t
fw_bx_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = (uint16_t)((crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff]);
	return crc;
}

int
fw_bx_card_parse(const char *name, int *card)
{
	static const char *const names[] = { "5e", "6e", "5q", "6q" };
	const char *p = name;
	int i;

	if ((p[0] == 'b' || p[0] == 'B') && (p[1] == 'x' || p[1] == 'X') && p[2] == '-')
		p += 3;
	for (i = 0; i < 4; i++)
		if ((p[0] == names[i][0]) && (p[1] == names[i][1] || p[1] == names[i][1] - 32) &&
		    p[2] == '\0') {
			*card = i;
			return 0;
		}
	return -1;
}

void
fw_bx_init(struct fw_bx *b, uint8_t *work, size_t cap, int card, uint16_t screen)
{
	memset(b, 0, sizeof *b);
	b->buf = work;
	b->cap = cap;
	b->card = card;
	b->screen = screen;
	b->brightness = 15;
	b->rgb565_high_first = card == FW_BX_6Q;
}

/* A bounded little-endian reader over one packet. */
struct rd {
	const uint8_t *p;
	size_t n, off;
	int err;
};

static unsigned
rd8(struct rd *r)
{
	if (r->off + 1 > r->n) {
		r->err = 1;
		return 0;
	}
	return r->p[r->off++];
}

static unsigned
rd16(struct rd *r)
{
	unsigned lo = rd8(r);

	return lo | rd8(r) << 8;
}

static uint32_t
rd32(struct rd *r)
{
	uint32_t lo = rd16(r);

	return lo | (uint32_t)rd16(r) << 16;
}

static void
skip(struct rd *r, size_t k)
{
	if (k > r->n - r->off) {
		r->err = 1;
		r->off = r->n;
		return;
	}
	r->off += k;
}

/* Write an answer frame: 16-byte header, Reserved, A0, 00/01, Status, Error, DataLen 0. */
static size_t
make_reply(const struct fw_bx *b, uint16_t to, uint16_t from, int nack, unsigned error,
    uint8_t *out, size_t cap)
{
	uint8_t pkt[25];
	uint16_t crc;
	size_t len = 0, i;

	memset(pkt, 0, sizeof pkt);
	pkt[0] = (uint8_t)to;
	pkt[1] = (uint8_t)(to >> 8);
	pkt[2] = (uint8_t)from;
	pkt[3] = (uint8_t)(from >> 8);
	pkt[4] = 0xF0;
	pkt[6] = 0xFE;                /* device type: the wildcard */
	pkt[7] = 0xFF;
	pkt[12] = 9;                  /* DataLen */
	pkt[17] = 0xA0;
	pkt[18] = (uint8_t)(nack ? 0x01 : 0x00);
	pkt[19] = (uint8_t)(nack ? 1 : 0);    /* Status bit 0: NACK */
	pkt[21] = (uint8_t)error;
	(void)b;
	crc = fw_bx_crc16(0, pkt, sizeof pkt);
	for (i = 0; i < 8; i++) {
		if (len >= cap)
			return 0;
		out[len++] = 0xA5;
	}
	for (i = 0; i < sizeof pkt + 2; i++) {
		uint8_t v = i < sizeof pkt ? pkt[i] : (uint8_t)(i == sizeof pkt ? crc : crc >> 8);

		if (len + 2 > cap)
			return 0;
		if (v == 0xA5 || v == 0xA6) {
			out[len++] = 0xA6;
			out[len++] = v == 0xA5 ? 0x02 : 0x01;
		} else if (v == 0x5A || v == 0x5B) {
			out[len++] = 0x5B;
			out[len++] = v == 0x5A ? 0x02 : 0x01;
		} else {
			out[len++] = v;
		}
	}
	if (len >= cap)
		return 0;
	out[len++] = 0x5A;
	return len;
}

static size_t
bitmap_bytes(int card, int format, unsigned w, unsigned h)
{
	size_t planes = format == FW_RGB_REDGREEN ? 2 : 1;

	switch (card) {
	case FW_BX_5E: return (size_t)h * planes * ((w + 7) / 8);
	case FW_BX_6E: return (size_t)h * planes * 4 * ((w + 31) / 32);
	case FW_BX_5Q:
	case FW_BX_6Q: return (size_t)h * w * (format == FW_RGB_565 ? 2 : 3);
	default:       return 0;
	}
}

/* Draw one page's bitmap at (x, y), w x h LEDs; the length was checked. */
static void
draw(const struct fw_bx *b, const uint8_t *d, unsigned x0, unsigned y0, unsigned w, unsigned h,
    int planes, struct fw_rgb_canvas *c)
{
	unsigned x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned r = 0, g = 0, bl = 0, red, green = 1;

			switch (b->card) {
			case FW_BX_5E: {
				size_t row = (size_t)y * (size_t)planes * ((w + 7) / 8);
				size_t at = row + (size_t)(x / 8) * (size_t)planes;

				red = (d[at] >> (7 - x % 8)) & 1;
				if (planes == 2)
					green = (d[at + 1] >> (7 - x % 8)) & 1;
				goto bits;
			}
			case FW_BX_6E: {
				size_t words = (w + 31) / 32, plane = (size_t)h * words * 4;
				size_t at = ((size_t)y * words + x / 32) * 4 + 3 - (x % 32) / 8;

				red = (d[at] >> (7 - x % 8)) & 1;
				if (planes == 2)
					green = (d[plane + at] >> (7 - x % 8)) & 1;
				goto bits;
			}
			case FW_BX_5Q:
			case FW_BX_6Q:
				if (c->format == FW_RGB_565) {
					/* 5Q: low byte first; 6Q in 565 mode: high byte first */
					const uint8_t *p = d + ((size_t)y * w + x) * 2;
					unsigned v = b->rgb565_high_first ? (unsigned)p[0] << 8 | p[1] :
					    p[0] | (unsigned)p[1] << 8;

					r = (v >> 11) & 31;
					g = (v >> 5) & 63;
					bl = v & 31;
					r = (r << 3) | (r >> 2);
					g = (g << 2) | (g >> 4);
					bl = (bl << 3) | (bl >> 2);
				} else {
					const uint8_t *p = d + ((size_t)y * w + x) * 3;

					r = p[0];
					g = p[1];
					bl = p[2];
				}
				break;
			default:
				return;
			}
			fw_rgb_set(c, (int)(x0 + x), (int)(y0 + y), r, g, bl);
			continue;
bits:
			/* 0 = lit.  A mono LED lights white; red-green: red, green, amber. */
			if (planes == 1) {
				r = g = bl = red ? 0 : 255;
			} else if (b->green_first) {
				r = green ? 0 : 255;
				g = red ? 0 : 255;
			} else {
				r = red ? 0 : 255;
				g = green ? 0 : 255;
			}
			fw_rgb_set(c, (int)(x0 + x), (int)(y0 + y), r, g, bl);
		}
}

/* The dynamic-area command after RtnReq, A7, 00.  0 drawn, -1 bad layout. */
static int
dynamic_area(struct fw_bx *b, struct rd *r, struct fw_rgb_canvas *c)
{
	int sixth = b->card == FW_BX_6E || b->card == FW_BX_6Q;
	int planes = c->format == FW_RGB_REDGREEN ? 2 : 1;
	unsigned areas = 1, a;
	size_t areas_end;
	struct { unsigned x, y, w, h; uint32_t off, len; size_t at; } pg[32];

	b->last_cmd_reserved = rd16(r);
	if (sixth)
		areas = rd16(r);
	if (r->err || areas == 0 || areas > 32)
		return -1;
	for (a = 0; a < areas; a++) {
		uint32_t alen = rd32(r);
		size_t start = r->off, pages, p;
		unsigned rel, fflag;

		if (r->err || alen > r->n - r->off)
			return -1;
		skip(r, 4);                       /* id, run mode, timeout */
		skip(r, 1);                       /* RelateAllPro */
		rel = rd16(r);
		skip(r, 2 * (size_t)rel);
		skip(r, 1 + 4);                   /* ImmePlay, reserved */
		if (a == 0)
			b->last_area_type = rd8(r);
		else
			skip(r, 1);               /* AreaType */
		pg[a].x = rd16(r);
		pg[a].y = rd16(r);
		pg[a].w = rd16(r);
		pg[a].h = rd16(r);
		fflag = rd8(r);
		if (fflag) {
			unsigned fw;

			skip(r, 3);               /* style, speed, step */
			fw = rd8(r);
			skip(r, 2 + fw);
		}
		if (sixth) {
			skip(r, 1);               /* BackGroundFlag */
			if (a == 0)
				b->last_transparency = rd8(r);
			else
				skip(r, 1);       /* Transparency */
			skip(r, 1);               /* AreaEqual */
			if (rd8(r)) {             /* SoundFlag: skip the sound block */
				unsigned plen;

				skip(r, 4 + 4 + 4);
				plen = rd8(r);
				skip(r, plen);
				skip(r, rd32(r));
			}
			skip(r, 5);
		}
		pages = rd16(r);
		if (r->err || pages == 0)
			return -1;
		/* Only the first page is drawn; a static sign shows one. */
		for (p = 0; p < pages; p++) {
			uint32_t plen = rd32(r);
			size_t pstart = r->off;

			if (r->err || plen > r->n - r->off)
				return -1;
			if (sixth) {
				skip(r, 18);
				if (p == 0) {
					pg[a].off = rd32(r);
					pg[a].len = rd32(r);
				}
			} else {
				skip(r, 13);
				if (p == 0) {
					pg[a].at = r->off;
					pg[a].len = plen - 13;
				}
			}
			if (r->err || plen < (sixth ? 26u : 13u))
				return -1;
			r->off = pstart + plen;
		}
		/* The area's parameters end here and AreaDataLen must agree: in
		 * the 5th generation they hold the pages with their bitmaps, in
		 * the 6th only the area and page parameters (the bitmaps come
		 * after every area, at their DataOffset). */
		if (r->off != start + alen)
			return -1;
	}
	areas_end = r->off;
	for (a = 0; a < areas; a++) {
		size_t at = sixth ? areas_end + pg[a].off : pg[a].at;

		if (pg[a].w == 0 || pg[a].h == 0 ||
		    pg[a].len != bitmap_bytes(b->card, c->format, pg[a].w, pg[a].h) ||
		    at > r->n || pg[a].len > r->n - at)
			return -1;
		draw(b, r->p + at, pg[a].x, pg[a].y, pg[a].w, pg[a].h, planes, c);
	}
	return 0;
}

/* One unescaped packet with its CRC checked. */
static int
packet(struct fw_bx *b, const uint8_t *p, size_t n, struct fw_rgb_canvas *c,
    uint8_t *reply, size_t replycap, size_t *replylen)
{
	struct rd r = { p, n, 0, 0 };
	unsigned dst, src, rtn, grp, cmd, res = FW_BX_OTHER, err = 0;
	uint32_t dlen;

	dst = rd16(&r);
	src = rd16(&r);
	if (rd8(&r) != 0xF0)
		return FW_BX_BAD;                 /* font-card protocol: not this board */
	skip(&r, 1 + 2 + 4);
	dlen = rd32(&r);
	if (r.err || dlen != n - 16)
		return FW_BX_BAD;
	if (dst != b->screen && dst != 0xFFFE && dst != 0xFFFF)
		return FW_BX_OTHER;               /* for another card on the line */
	rtn = rd8(&r);
	grp = rd8(&r);
	cmd = rd8(&r);
	if (r.err)
		return FW_BX_BAD;
	if (grp == 0xA7 && cmd == 0x00) {
		if (dynamic_area(b, &r, c) == 0) {
			res = FW_BX_SHOW;
			b->frames++;
		} else {
			res = FW_BX_BAD;
			err = 18;                 /* ERR_SCREEN_PARA */
		}
	} else if (grp == 0xA2 && cmd == 0x07) {
		skip(&r, 2);
		if (rd8(&r) == 0x00)
			b->brightness = (uint8_t)(rd8(&r) & 15);
		if (r.err) {
			res = FW_BX_BAD;
			err = 18;
		}
	} else if (!(grp == 0xA2 && cmd == 0x00)) {
		err = 2;                          /* ERR_NOCMD */
	}
	/* The broadcast address 1 (0xFFFF) never gets an answer. */
	if (rtn == 0x01 && dst != 0xFFFF && reply != 0)
		*replylen = make_reply(b, (uint16_t)src, (uint16_t)(dst == 0xFFFE ? 0xFFFE : b->screen),
		    err != 0, err, reply, replycap);
	return (int)res;
}

int
fw_bx_feed(struct fw_bx *b, const uint8_t *in, size_t n, size_t *used,
    struct fw_rgb_canvas *c, uint8_t *reply, size_t replycap, size_t *replylen)
{
	size_t i;

	if (replylen != 0)
		*replylen = 0;
	for (i = 0; i < n; i++) {
		uint8_t v = in[i];

		switch (b->state) {
		case ST_HUNT:
			if (v == 0xA5)
				b->state = ST_START;
			else if (v != 0x5A)       /* a second end byte is normal */
				b->noise++;
			continue;
		case ST_START:
			if (v == 0xA5)
				continue;
			b->state = ST_DATA;
			b->len = 0;
			b->overflow = 0;
			b->badesc = 0;
			break;
		case ST_ESC_A6:
		case ST_ESC_5B: {
			int a6 = b->state == ST_ESC_A6;

			b->state = ST_DATA;
			if (v == 0x01)
				v = a6 ? 0xA6 : 0x5B;
			else if (v == 0x02)
				v = a6 ? 0xA5 : 0x5A;
			else
				b->badesc = 1;
			if (b->len < b->cap)
				b->buf[b->len++] = v;
			else
				b->overflow = 1;
			continue;
		}
		default:
			break;
		}
		/* ST_DATA */
		if (v == 0xA5) {                  /* a new frame cut this one short */
			b->state = ST_START;
			b->bad++;
			*used = i + 1;
			return FW_BX_BAD;
		}
		if (v == 0xA6) {
			b->state = ST_ESC_A6;
			continue;
		}
		if (v == 0x5B) {
			b->state = ST_ESC_5B;
			continue;
		}
		if (v != 0x5A) {
			if (b->len < b->cap)
				b->buf[b->len++] = v;
			else
				b->overflow = 1;
			continue;
		}
		/* End of frame. */
		b->state = ST_HUNT;
		*used = i + 1;
		if (b->overflow || b->badesc || b->len < 18 ||
		    fw_bx_crc16(0, b->buf, b->len - 2) !=
		    (uint16_t)(b->buf[b->len - 2] | b->buf[b->len - 1] << 8)) {
			b->bad++;
			return FW_BX_BAD;
		}
		{
			int r = packet(b, b->buf, b->len - 2, c, reply, replycap, replylen);

			if (r == FW_BX_BAD)
				b->bad++;
			return r;
		}
	}
	*used = n;
	return FW_BX_NONE;
}
