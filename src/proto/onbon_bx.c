/*
 * proto/onbon_bx.c — Onbon BX link layer, graphic-card dynamic areas,
 * font-card text.  Sources: the vendor's "5th/6th 动态区域用户手册"
 * (onbonlab/BX-V-VI) and "BX-5K/6K通讯协议" (onbonlab docs); the facts used
 * are listed in docs/protocols.md.
 */
#include <ctype.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_bx.h"
#include "proto/onbon_bx.h"

/* CRC-16/ARC: the board side (firmware-proto/fw_bx.c) owns the one table;
 * host and board cannot disagree on it. */
uint16_t
proto_bx_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	return fw_bx_crc16(crc, p, n);
}

static const struct {
	const char *name;
	enum proto_bx_card card;
} card_names[] = {
	{ "bx-5e", PROTO_BX_5E }, { "bx-6e", PROTO_BX_6E },
	{ "bx-5q", PROTO_BX_5Q }, { "bx-6q", PROTO_BX_6Q },
	{ "bx-5k", PROTO_BX_5K }, { "bx-5mk", PROTO_BX_5K },
	{ "bx-6k", PROTO_BX_6K },
};

int
proto_bx_card_parse(const char *name, enum proto_bx_card *out)
{
	for (size_t i = 0; i < sizeof card_names / sizeof card_names[0]; i++) {
		const char *n = card_names[i].name;

		if (strcasecmp(name, n) == 0 || strcasecmp(name, n + 3) == 0) {
			*out = card_names[i].card;
			return 0;
		}
	}
	return -1;
}

const char *
proto_bx_card_name(enum proto_bx_card c)
{
	for (size_t i = 0; i < sizeof card_names / sizeof card_names[0]; i++)
		if (card_names[i].card == c)
			return card_names[i].name;
	return "?";
}

enum proto_bx_card
proto_bx_card_default(enum ls_format f)
{
	switch (f) {
	case LS_FMT_RGB565: return PROTO_BX_5Q;
	case LS_FMT_RGB888: return PROTO_BX_6Q;
	default:            return PROTO_BX_5E;
	}
}

int
proto_bx_card_takes(enum proto_bx_card c, enum ls_format f)
{
	switch (c) {
	case PROTO_BX_5E:
	case PROTO_BX_6E: return f == LS_FMT_MONO || f == LS_FMT_REDGREEN;
	case PROTO_BX_5Q: return f == LS_FMT_RGB565;
	case PROTO_BX_6Q: return f == LS_FMT_RGB888 || f == LS_FMT_RGB565;
	default:          return 0;
	}
}

size_t
proto_bx_max_data(enum proto_bx_card c)
{
	return c == PROTO_BX_5E || c == PROTO_BX_6E || c == PROTO_BX_6Q ? PROTO_BX_MAX_DATA :
	    PROTO_BX_MAX_DATA_1K;
}

int
proto_bx_card_has_serial(enum proto_bx_card c)
{
	return c != PROTO_BX_5Q && c != PROTO_BX_6Q;
}

int
proto_bx_max_areas(enum proto_bx_card c)
{
	return (c == PROTO_BX_5E || c == PROTO_BX_5Q) ? 4 : 32;
}

/*
 * A writer that escapes as it goes and keeps the CRC of the unescaped bytes,
 * so a packet never needs a second, unescaped copy.  Lengths inside the
 * packet are computed before writing starts.
 */
struct bxw {
	uint8_t *out;
	size_t   cap, len;
	uint16_t crc;
	int      err;
};

static void
w_out(struct bxw *w, uint8_t b)
{
	if (w->len >= w->cap) {
		w->err = 1;
		return;
	}
	w->out[w->len++] = b;
}

static void
w_esc(struct bxw *w, uint8_t b)
{
	switch (b) {
	case 0xA5: w_out(w, 0xA6); w_out(w, 0x02); break;
	case 0xA6: w_out(w, 0xA6); w_out(w, 0x01); break;
	case 0x5A: w_out(w, 0x5B); w_out(w, 0x02); break;
	case 0x5B: w_out(w, 0x5B); w_out(w, 0x01); break;
	default:   w_out(w, b);
	}
}

static void
w_begin(struct bxw *w, uint8_t *out, size_t cap)
{
	w->out = out;
	w->cap = cap;
	w->len = 0;
	w->crc = 0;
	w->err = 0;
	for (int i = 0; i < 8; i++)
		w_out(w, 0xA5);
}

static void
w_u8(struct bxw *w, unsigned b)
{
	uint8_t v = (uint8_t)b;

	w->crc = proto_bx_crc16(w->crc, &v, 1);
	w_esc(w, v);
}

static void
w_u16(struct bxw *w, unsigned v)
{
	w_u8(w, v & 0xff);
	w_u8(w, (v >> 8) & 0xff);
}

static void
w_u32(struct bxw *w, uint32_t v)
{
	w_u16(w, v & 0xffff);
	w_u16(w, v >> 16);
}

static void
w_zero(struct bxw *w, int n)
{
	while (n-- > 0)
		w_u8(w, 0);
}

static ssize_t
w_end(struct bxw *w)
{
	uint16_t crc = w->crc;

	w_esc(w, crc & 0xff);
	w_esc(w, crc >> 8);
	w_out(w, 0x5A);
	return w->err ? -1 : (ssize_t)w->len;
}

ssize_t
proto_bx_frame(const uint8_t *pkt, size_t n, uint8_t *out, size_t cap)
{
	struct bxw w;

	w_begin(&w, out, cap);
	for (size_t i = 0; i < n && !w.err; i++)
		w_u8(&w, pkt[i]);
	return w_end(&w);
}

ssize_t
proto_bx_unframe(const uint8_t *in, size_t n, size_t *used, uint8_t *pkt, size_t cap)
{
	size_t i = 0, len = 0, start;
	int bad = 0;

	/* Resynchronise: anything before a start byte is noise. */
	while (i < n && in[i] != 0xA5)
		i++;
	start = i;
	while (i < n && in[i] == 0xA5)
		i++;
	if (i >= n) {
		*used = start;       /* keep the start bytes seen so far */
		return 0;
	}
	for (; i < n; i++) {
		uint8_t b = in[i];

		if (b == 0x5A)
			break;
		if (b == 0xA5) {     /* a new frame began: this one was cut short */
			*used = i;
			return -1;
		}
		if (b == 0xA6 || b == 0x5B) {
			if (i + 1 >= n) {
				*used = start;
				return 0;
			}
			i++;
			if (in[i] == 0x01)
				b = b == 0xA6 ? 0xA6 : 0x5B;
			else if (in[i] == 0x02)
				b = b == 0xA6 ? 0xA5 : 0x5A;
			else
				bad = 1;
		}
		if (len >= cap)
			bad = 1;
		else
			pkt[len++] = b;
	}
	if (i >= n) {
		*used = start;
		return 0;
	}
	*used = i + 1;
	if (bad || len < 2 || proto_bx_crc16(0, pkt, len - 2) !=
	    (uint16_t)(pkt[len - 2] | pkt[len - 1] << 8))
		return -1;
	return (ssize_t)(len - 2);
}

/* Graphic-card packet header: 16 bytes, the wildcard device type. */
static void
w_header_g(struct bxw *w, uint16_t dst, uint32_t datalen)
{
	w_u16(w, dst);
	w_u16(w, PROTO_BX_SRC_PC);
	w_u8(w, 0xF0);                /* dynamic-area protocol version */
	w_u8(w, 0);
	w_u16(w, PROTO_BX_DEV_ANY_G);
	w_zero(w, 4);
	w_u32(w, datalen);
}

ssize_t
proto_bx_encode_ping(uint16_t dst, uint8_t *out, size_t cap)
{
	struct bxw w;

	w_begin(&w, out, cap);
	w_header_g(&w, dst, 5);
	w_u8(&w, 0x01);               /* reply required: the point of a ping */
	w_u8(&w, 0xA2);
	w_u8(&w, 0x00);
	w_zero(&w, 2);
	return w_end(&w);
}

ssize_t
proto_bx_encode_brightness(uint16_t dst, int percent, uint8_t *out, size_t cap)
{
	struct bxw w;
	int level;

	if (percent < 0 || percent > 100)
		return -1;
	level = (percent * 15 + 50) / 100;
	w_begin(&w, out, cap);
	w_header_g(&w, dst, 3 + 2 + 49);
	w_u8(&w, 0x01);
	w_u8(&w, 0xA2);
	w_u8(&w, 0x07);
	w_u16(&w, 49);                /* mode + 48 half-hour levels */
	w_u8(&w, 0x00);               /* manual: the same level all day */
	for (int i = 0; i < 48; i++)
		w_u8(&w, (unsigned)level);
	return w_end(&w);
}

static int
is_6th(enum proto_bx_card c)
{
	return c == PROTO_BX_6E || c == PROTO_BX_6Q;
}

size_t
proto_bx_area_overhead(enum proto_bx_card c)
{
	/* 5th gen: head 9 + area 24 + page 17; 6th gen: head 11 + area 33 + page 30. */
	return is_6th(c) ? 74 : 50;
}

size_t
proto_bx_bitmap_bytes(enum proto_bx_card c, enum ls_format f, int width, int rows)
{
	size_t planes = f == LS_FMT_REDGREEN ? 2 : 1, w = (size_t)width, r = (size_t)rows;

	switch (c) {
	case PROTO_BX_5E: return r * planes * ((w + 7) / 8);
	case PROTO_BX_6E: return r * planes * 4 * ((w + 31) / 32);
	case PROTO_BX_5Q: return r * w * 2;
	case PROTO_BX_6Q: return r * w * (f == LS_FMT_RGB565 ? 2 : 3);
	default:          return 0;
	}
}

/* Is LED x of row `row` lit in colour plane p (0 red or mono, 1 green)? */
static int
lit(const struct proto_image *im, const uint8_t *row, int x, int p)
{
	if (im->format == LS_FMT_MONO)
		return (row[x >> 3] >> (7 - (x & 7))) & 1;
	return (row[x >> 2] >> (6 - 2 * (x & 3) + (p == 0 ? 1 : 0))) & 1;
}

/* Eight LEDs from x as a BX byte: leftmost in bit 7, 0 = lit, 1 past the edge. */
static unsigned
bx_byte(const struct proto_image *im, const uint8_t *row, int x, int p)
{
	unsigned v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 1 | (x + i < im->width ? !lit(im, row, x + i, p) : 1u);
	return v;
}

static void
w_bitmap(struct bxw *w, enum proto_bx_card c, const struct proto_image *im, int y0, int rows)
{
	int planes = im->format == LS_FMT_REDGREEN ? 2 : 1;

	switch (c) {
	case PROTO_BX_5E:
		/* Per row, per 8 LEDs: the red (or only) byte, then the green byte. */
		for (int y = y0; y < y0 + rows && !w->err; y++) {
			const uint8_t *row = im->data + (size_t)y * im->stride;

			for (int x = 0; x < im->width; x += 8)
				for (int p = 0; p < planes; p++)
					w_u8(w, bx_byte(im, row, x, p));
		}
		break;
	case PROTO_BX_6E:
		/* The whole red plane, then the green one; rows of 32-bit words,
		 * leftmost LED in bit 31, words little-endian like every field. */
		for (int p = 0; p < planes; p++)
			for (int y = y0; y < y0 + rows && !w->err; y++) {
				const uint8_t *row = im->data + (size_t)y * im->stride;

				for (int x = 0; x < im->width; x += 32) {
					uint32_t word = (uint32_t)bx_byte(im, row, x, p) << 24 |
					    (uint32_t)bx_byte(im, row, x + 8, p) << 16 |
					    (uint32_t)bx_byte(im, row, x + 16, p) << 8 |
					    bx_byte(im, row, x + 24, p);
					w_u32(w, word);
				}
			}
		break;
	case PROTO_BX_5Q:   /* RGB565 low byte first: the canvas layout as is */
	case PROTO_BX_6Q:   /* R, G, B as is; RGB565 (565 display mode) high byte first */
		for (int y = y0; y < y0 + rows && !w->err; y++) {
			const uint8_t *row = im->data + (size_t)y * im->stride;
			size_t n = (size_t)im->width * (im->format == LS_FMT_RGB565 ? 2 : 3);

			if (c == PROTO_BX_6Q && im->format == LS_FMT_RGB565)
				for (size_t i = 0; i < n; i += 2) {
					w_u8(w, row[i + 1]);
					w_u8(w, row[i]);
				}
			else
				for (size_t i = 0; i < n; i++)
					w_u8(w, row[i]);
		}
		break;
	default:
		w->err = 1;
	}
}

ssize_t
proto_bx_encode_area(const struct proto_bx_area *a, const struct proto_image *im,
    uint8_t *out, size_t cap)
{
	struct bxw w;
	size_t nbits;
	int sixth = is_6th(a->card);
	uint16_t stay = 1000;         /* 10 s per turn; the page is static anyway */

	if (!proto_bx_card_takes(a->card, im->format) || a->y0 < 0 || a->rows <= 0 ||
	    a->y0 + a->rows > im->height || im->width <= 0 || im->width > 0xffff ||
	    a->area_id >= proto_bx_max_areas(a->card) || a->transparency > 102)
		return -1;
	nbits = proto_bx_bitmap_bytes(a->card, im->format, im->width, a->rows);
	/* The card's packet limit: a larger area would be cut or refused by the card. */
	if (nbits + proto_bx_area_overhead(a->card) > proto_bx_max_data(a->card))
		return -1;

	w_begin(&w, out, cap);
	w_header_g(&w, a->dst, (uint32_t)(proto_bx_area_overhead(a->card) + nbits));
	w_u8(&w, 0x01);               /* RtnReq: the card answers ACK or NACK */
	w_u8(&w, 0xA7);
	w_u8(&w, 0x00);
	/* Reserved = 0 in the manuals; the SDK jars put the length of what
	 * follows here (bx05: 4 + body, bx06: 2 + area info + 4 + bitmaps). */
	w_u16(&w, a->cmd_len_sdk ? (unsigned)(proto_bx_area_overhead(a->card) - 5 + nbits) : 0u);
	if (sixth)
		w_u16(&w, 1);             /* AreaNum */
	/* AreaDataLen.  5th gen: the area with its pages and bitmap.  6th gen:
	 * only the area and page parameters (63 bytes here); the bitmaps come
	 * after all areas' parameters and are not counted (bx06 message XML,
	 * the vendor's 6Q Java encoder). */
	w_u32(&w, sixth ? (uint32_t)(proto_bx_area_overhead(a->card) - 11) :
	    (uint32_t)(proto_bx_area_overhead(a->card) - 9 + nbits));
	w_u8(&w, a->area_id);
	w_u8(&w, 0);                  /* RunMode: loop the pages */
	w_u16(&w, 0);                 /* Timeout */
	w_u8(&w, 0);                  /* RelateAllPro */
	w_u16(&w, 0);                 /* RelateProNum */
	w_u8(&w, 1);                  /* ImmePlay: stop stored programs, show only this */
	w_zero(&w, 4);
	w_u8(&w, sixth || !a->area_type_sdk ? 0x10 : 0x00);  /* AreaType: dynamic */
	w_u16(&w, 0);                 /* X */
	w_u16(&w, (unsigned)a->y0);
	w_u16(&w, (unsigned)im->width);
	w_u16(&w, (unsigned)a->rows);
	w_u8(&w, 0);                  /* AreaFFlag: no frame, so no frame fields */
	if (sixth) {
		w_u8(&w, 0);              /* BackGroundFlag */
		w_u8(&w, a->transparency);
		w_u8(&w, 0);              /* AreaEqual */
		w_u8(&w, 0);              /* SoundFlag: no sound fields follow */
		w_zero(&w, 5);
	}
	w_u16(&w, 1);                 /* PageNum */
	w_u32(&w, sixth ? 26 : (uint32_t)(13 + nbits));   /* PageDataLen: rest of the page */
	w_u8(&w, 0);                  /* PageStyle */
	w_u8(&w, 0x01);               /* DisplayMode: static */
	w_u8(&w, 0);                  /* ClearMode */
	w_u8(&w, 0);                  /* Speed */
	w_u16(&w, stay);
	w_u8(&w, 1);                  /* RepeatTime */
	w_u16(&w, (unsigned)im->width);   /* ValidLen */
	if (sixth) {
		w_zero(&w, 9);
		w_u32(&w, 0);             /* DataOffset of this page's bitmap */
		w_u32(&w, (uint32_t)nbits);
	} else {
		w_zero(&w, 4);
	}
	w_bitmap(&w, a->card, im, a->y0, a->rows);
	return w_end(&w);
}

/* Font-card packet header: 14 bytes. */
static void
w_header_k(struct bxw *w, uint16_t dst, uint8_t dev, uint16_t datalen)
{
	w_u16(w, dst);
	w_u16(w, PROTO_BX_SRC_PC);
	w_zero(w, 3);
	w_u8(w, 0);                   /* BarCode option: none */
	w_u8(w, 0);                   /* CheckMode: CRC16 */
	w_u8(w, 0);                   /* DisplayMode: normal */
	w_u8(w, dev);
	w_u8(w, 0x02);                /* font-card protocol version */
	w_u16(w, datalen);
}

ssize_t
proto_bx_encode_font_cmd(uint16_t dst, uint8_t dev, uint8_t group, uint8_t cmd,
    const uint8_t *data, size_t n, uint8_t *out, size_t cap)
{
	struct bxw w;

	if (n > 0xffff - 5)
		return -1;
	w_begin(&w, out, cap);
	w_header_k(&w, dst, dev, (uint16_t)(5 + n));
	w_u8(&w, group);
	w_u8(&w, cmd);
	w_u8(&w, 0x01);               /* the card must reply */
	w_zero(&w, 2);
	for (size_t i = 0; i < n; i++)
		w_u8(&w, data[i]);
	return w_end(&w);
}

void
proto_bx_text_defaults(struct proto_bx_text *t)
{
	memset(t, 0, sizeof *t);
	t->card = PROTO_BX_6K;
	t->dst = PROTO_BX_DST_ANY;
	t->dev = PROTO_BX_DEV_ANY_K;
	t->process_mode = 0;          /* the vendor's Java default: keep the area */
	t->timeout = 10;
	t->single_line = 2;
	t->new_line = 1;
	t->display_mode = 1;
	t->speed = 2;
	t->stay = 10;
}

ssize_t
proto_bx_encode_text(const struct proto_bx_text *t, uint8_t *out, size_t cap)
{
	struct bxw w;
	unsigned x, wd;
	size_t area = 27 + t->len;

	if (t->x < 0 || t->y < 0 || t->w <= 0 || t->h <= 0 || t->x + t->w > 0x7fff || t->process_mode > 1 ||
	    t->y + t->h > 0xffff || area > 0xffff || 9 + area > 0xffff)
		return -1;
	if (t->card == PROTO_BX_5K) {
		/* 5th-generation font cards count X and width in bytes of 8 LEDs. */
		if (t->x % 8 || t->w % 8 || t->area_id > 7)
			return -1;
		x = (unsigned)t->x / 8;
		wd = (unsigned)t->w / 8;
	} else if (t->card == PROTO_BX_6K) {
		/* 6K: bit 15 set means the value is in LEDs. */
		if (t->area_id > 4)
			return -1;
		x = 0x8000u | (unsigned)t->x;
		wd = 0x8000u | (unsigned)t->w;
	} else {
		return -1;
	}
	w_begin(&w, out, cap);
	w_header_k(&w, t->dst, t->dev, (uint16_t)(9 + area));
	w_u8(&w, 0xA3);
	w_u8(&w, 0x06);
	w_u8(&w, 0x01);               /* Response: the card must reply */
	w_u8(&w, t->process_mode);    /* ProcessMode: 0 keep the area (vendor default) */
	w_u8(&w, 0x00);
	w_u8(&w, 0x00);               /* DeleteAreaNum */
	w_u8(&w, 0x01);               /* AreaNum */
	w_u16(&w, (unsigned)area);
	w_u8(&w, 0x00);               /* AreaType: dynamic */
	w_u16(&w, x);
	w_u16(&w, (unsigned)t->y);
	w_u16(&w, wd);
	w_u16(&w, (unsigned)t->h);
	w_u8(&w, t->area_id);
	w_u8(&w, 0);                  /* line spacing */
	w_u8(&w, t->run_mode);
	w_u16(&w, t->timeout);
	w_u8(&w, 0);                  /* SoundMode: none, so no sound fields */
	w_u8(&w, 0);                  /* ExtendParaLen */
	w_u8(&w, t->align);
	w_u8(&w, t->single_line);
	w_u8(&w, t->new_line);
	w_u8(&w, t->display_mode);
	w_u8(&w, t->exit_mode);
	w_u8(&w, t->speed);
	w_u8(&w, t->stay);
	w_u32(&w, (uint32_t)t->len);
	for (size_t i = 0; i < t->len && !w.err; i++)
		w_u8(&w, t->text[i]);
	return w_end(&w);
}

ssize_t
proto_bx_text_gbk(const char *utf8, uint8_t *out, size_t cap)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	char *in = (char *)(uintptr_t)utf8, *o = (char *)out;
	size_t inleft = strlen(utf8), outleft = cap;
	ssize_t r = -1;

	if (cd == (iconv_t)-1)
		return -1;
	if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 && inleft == 0)
		r = (ssize_t)(cap - outleft);
	iconv_close(cd);
	return r;
}

/* The protocol as the daemon sees it: graphic cards, one frame = 1..N areas. */

#define BX_RETRY_MS  1000
#define BX_TRIES     6

struct bx_state {
	enum proto_bx_card card;
	uint16_t dst;
	uint8_t  transparency, area_type_sdk, cmd_len_sdk;   /* the board's bx_* settings */
	int      band_rows;           /* rows per dynamic area */
	uint8_t  rx[512];             /* a reply being received */
	size_t   rxlen;
	/* Delivery of the last frame, for poll: a copy of its packets, one ACK each. */
	uint8_t *copy;
	size_t   copycap, off[32], len[32];
	int      npk, acked, tries, queued, failed;
	uint64_t retry_at;
	char     error[160];
	/* Answers come in the order packets went out but carry no number, so
	 * each packet sent leaves its frame's generation here (0 for other
	 * commands such as brightness); an answer is matched to the oldest. */
	uint16_t gen, expect[64];
	int      ehead, ecount;
};

static void
bx_expect(struct bx_state *s, uint16_t gen)
{
	if (s->ecount == 64) {        /* answers lost long ago: forget the oldest */
		s->ehead = (s->ehead + 1) % 64;
		s->ecount--;
	}
	s->expect[(s->ehead + s->ecount++) % 64] = gen;
}

/* The generation the next answer belongs to; 0 when it is not for the current frame. */
static int
bx_answered(struct bx_state *s)
{
	uint16_t g;

	if (s->ecount == 0)
		return 0;
	g = s->expect[s->ehead];
	s->ehead = (s->ehead + 1) % 64;
	s->ecount--;
	return s->queued && g == s->gen;
}

/* The card's Error register, as the vendor manuals name the values. */
static const char *const bx_errors[] = {
	"no error", "command group error", "no such command", "controller busy",
	"out of memory volume", "CRC error", "file does not exist", "flash access error",
	"file download error", "file name error", "file type error", "file CRC error",
	"font does not exist", "firmware does not match the controller", "date/time format error",
	"file exists", "file block number error", "controller type does not match",
	"screen parameters out of range or wrong", "controller ID error",
};

static int
bx_supports(enum ls_format f)
{
	(void)f;
	return 1;                     /* every format has a card; init checks the pair */
}

static int
bx_band_rows(enum proto_bx_card c, enum ls_format f, int width)
{
	size_t row = proto_bx_bitmap_bytes(c, f, width, 1), max = proto_bx_max_data(c);

	if (row == 0 || row + proto_bx_area_overhead(c) > max)
		return 0;
	return (int)((max - proto_bx_area_overhead(c)) / row);
}

static size_t bx_max_frame_bytes(int width, int height, enum ls_format f);

static const char *
fmt_name(enum ls_format f)
{
	static const char *const names[] = { "mono", "red-green", "rgb565", "rgb888" };

	return (unsigned)f < 4 ? names[f] : "?";
}

static void *
bx_init(const struct ls_board *b, char *err, size_t errlen)
{
	struct bx_state *s;
	enum proto_bx_card card = proto_bx_card_default(b->format);
	int rows;

	if (b->card != NULL && proto_bx_card_parse(b->card, &card) != 0) {
		snprintf(err, errlen, "board %s: unknown onbon-bx card \"%s\"; use bx-5e, bx-6e, "
		    "bx-5q, bx-6q (graphic cards)", b->name, b->card);
		return NULL;
	}
	if (card == PROTO_BX_5K || card == PROTO_BX_6K) {
		snprintf(err, errlen, "board %s: %s is a font card: it draws text with its own fonts "
		    "and cannot show ledsign's frames; use a graphic card (bx-5e, bx-6e, bx-5q, bx-6q)",
		    b->name, proto_bx_card_name(card));
		return NULL;
	}
	if (!proto_bx_card_takes(card, b->format)) {
		snprintf(err, errlen, "board %s: card %s cannot show format %s; %s takes %s",
		    b->name, proto_bx_card_name(card), fmt_name(b->format),
		    proto_bx_card_name(card),
		    card == PROTO_BX_5Q ? "rgb565" : card == PROTO_BX_6Q ? "rgb888 or rgb565 (565 mode)" :
		    "mono or red-green");
		return NULL;
	}
	if (!proto_bx_card_has_serial(card) && b->address != NULL &&
	    strncmp(b->address, "serial:", 7) == 0) {
		snprintf(err, errlen, "board %s: %s has no serial port (%s); connect it by Ethernet: "
		    "address = \"tcp:HOST\" (port 5005) or \"udp:HOST\" (port 5007)", b->name,
		    proto_bx_card_name(card), card == PROTO_BX_6Q ? "the 6Q is Ethernet only" :
		    "the 5Q has no RS-232 or RS-485");
		return NULL;
	}
	if (b->bx_transparency < 0 || b->bx_transparency > 102) {
		snprintf(err, errlen, "board %s: bx_transparency %d out of range 0..102", b->name,
		    b->bx_transparency);
		return NULL;
	}
	if (b->screen_address < 0 || b->screen_address > 0xffff) {
		snprintf(err, errlen, "board %s: screen_address %d out of range 0..65535",
		    b->name, b->screen_address);
		return NULL;
	}
	rows = bx_band_rows(card, b->format, b->width);
	if (rows <= 0 || (b->height + rows - 1) / rows > proto_bx_max_areas(card)) {
		/* Each dynamic area is one packet, and the card caps both. */
		snprintf(err, errlen, "board %s: %dx%d %s is too large for %s: it needs %zu bytes of "
		    "bitmap, and the card takes at most %d dynamic areas of one packet each, %zu bytes "
		    "of data per packet%s", b->name, b->width, b->height, fmt_name(b->format),
		    proto_bx_card_name(card), proto_bx_bitmap_bytes(card, b->format, b->width, b->height),
		    proto_bx_max_areas(card), proto_bx_max_data(card),
		    card == PROTO_BX_5Q ? "; a BX-6Q in 565 mode takes 63 KiB packets (card = \"bx-6q\")" :
		    "; use a smaller board");
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	s->card = card;
	s->dst = b->screen_address ? (uint16_t)b->screen_address : PROTO_BX_DST_ANY;
	s->transparency = (uint8_t)b->bx_transparency;
	s->area_type_sdk = b->bx_area_type != 0;
	s->cmd_len_sdk = b->bx_cmd_reserved != 0;
	s->band_rows = rows;
	s->copycap = bx_max_frame_bytes(b->width, b->height, b->format);
	if ((s->copy = malloc(s->copycap)) == NULL) {
		free(s);
		snprintf(err, errlen, "board %s: out of memory", b->name);
		return NULL;
	}
	return s;
}

static void
bx_fini(void *state)
{
	struct bx_state *s = state;

	if (s == NULL)
		return;
	free(s->copy);
	free(s);
}

static int
bx_encode_frame(void *state, const struct proto_image *im, struct proto_batch *batch)
{
	struct bx_state *s = state;
	int rows = s->band_rows;
	size_t first = batch->npkts;

	if (!proto_bx_card_takes(s->card, im->format))
		return -1;
	for (int y = 0, id = 0; y < im->height; y += rows, id++) {
		struct proto_bx_area a = { s->card, s->dst, (uint8_t)id, y,
		    y + rows > im->height ? im->height - y : rows,
		    s->transparency, s->area_type_sdk, s->cmd_len_sdk };
		size_t max = 9 + 2 * (16 + proto_bx_area_overhead(s->card) + 2 +
		    proto_bx_bitmap_bytes(s->card, im->format, im->width, a.rows));
		uint8_t *p = proto_batch_reserve(batch, max);
		ssize_t n;

		if (p == NULL || (n = proto_bx_encode_area(&a, im, p, max)) < 0)
			return -1;
		proto_batch_commit(batch, (size_t)n);
	}
	/* Keep the packets until the card has acknowledged each (see bx_poll). */
	s->npk = 0;
	for (size_t i = first, at = 0; i < batch->npkts && s->npk < 32; i++) {
		if (at + batch->len[i] > s->copycap)
			break;
		memcpy(s->copy + at, batch->buf + batch->off[i], batch->len[i]);
		s->off[s->npk] = at;
		s->len[s->npk++] = batch->len[i];
		at += batch->len[i];
	}
	s->acked = s->tries = s->failed = 0;
	s->retry_at = 0;
	s->queued = 1;
	if (++s->gen == 0)
		s->gen = 1;
	for (int i = 0; i < s->npk; i++)
		bx_expect(s, s->gen);
	s->error[0] = '\0';
	return 0;
}

static int
bx_encode_brightness(void *state, int percent, struct proto_batch *batch)
{
	struct bx_state *s = state;
	uint8_t *p = proto_batch_reserve(batch, 256);
	ssize_t n;

	if (p == NULL || (n = proto_bx_encode_brightness(s->dst, percent, p, 256)) < 0)
		return -1;
	proto_batch_commit(batch, (size_t)n);
	bx_expect(s, 0);
	return 0;
}

/* Replies: 16-byte header, then Reserved, CmdGroup, Cmd, Status(2), Error(2), DataLen(2). */
static enum proto_reply
bx_reply(const uint8_t *pkt, size_t n)
{
	if (n < 16 + 9 || pkt[4] != 0xF0)
		return PROTO_REPLY_GARBAGE;
	if (pkt[17] == 0xA0 && pkt[18] == 0x00)
		return PROTO_REPLY_ACK;
	if (pkt[17] == 0xA0 && pkt[18] == 0x01)
		return PROTO_REPLY_NACK;
	return PROTO_REPLY_INFO;
}

static enum proto_reply
bx_input(void *state, const uint8_t *in, size_t n, size_t *consumed)
{
	struct bx_state *s = state;
	uint8_t pkt[sizeof s->rx];
	int skipped = 0;

	/* Collect one frame at a time, so a reply is reported as soon as its
	 * end byte arrives and nothing after it is swallowed. */
	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		size_t used;
		ssize_t r;

		if (s->rxlen == 0 && b != 0xA5) {
			skipped = 1;
			continue;
		}
		/* Both errors below take the byte, so every call makes progress. */
		if (b == 0xA5 && s->rxlen > 0 && s->rx[s->rxlen - 1] != 0xA5) {
			s->rx[0] = b;         /* a new frame cut the last one short */
			s->rxlen = 1;
			*consumed = i + 1;
			return PROTO_REPLY_GARBAGE;
		}
		if (s->rxlen == sizeof s->rx) {
			s->rxlen = 0;         /* longer than any reply: drop it */
			*consumed = i + 1;
			return PROTO_REPLY_GARBAGE;
		}
		s->rx[s->rxlen++] = b;
		if (b != 0x5A)
			continue;
		r = proto_bx_unframe(s->rx, s->rxlen, &used, pkt, sizeof pkt);
		s->rxlen = 0;
		*consumed = i + 1;
		if (r <= 0)
			return PROTO_REPLY_GARBAGE;
		switch (bx_reply(pkt, (size_t)r)) {
		case PROTO_REPLY_ACK:
			if (bx_answered(s))
				s->acked++;
			return PROTO_REPLY_ACK;
		case PROTO_REPLY_NACK: {
			unsigned e = pkt[21] | pkt[22] << 8;

			if (bx_answered(s) && !s->failed) {
				s->failed = 1;
				snprintf(s->error, sizeof s->error, "the card refused the frame: error %u (%s)",
				    e, e < sizeof bx_errors / sizeof bx_errors[0] ? bx_errors[e] : "unknown");
			}
			return PROTO_REPLY_NACK;
		}
		default:
			return bx_reply(pkt, (size_t)r);
		}
	}
	*consumed = n;
	return skipped ? PROTO_REPLY_GARBAGE : PROTO_REPLY_NONE;
}

/* Stop and wait per frame: every area packet is answered; what is not
 * answered within BX_RETRY_MS is sent again, BX_TRIES times in all. */
static int
bx_poll(void *state, uint64_t now_ms, struct proto_batch *out, uint64_t *wake_ms)
{
	struct bx_state *s = state;

	if (!s->queued)
		return PROTO_TX_IDLE;
	/* Settled either way: answers still due belong to nothing we wait for,
	 * so forget them; a lost answer cannot shift the matching for good. */
	if (s->failed) {
		s->queued = 0;
		s->ecount = 0;
		return PROTO_TX_FAILED;
	}
	if (s->acked >= s->npk) {
		s->queued = 0;
		s->ecount = 0;
		return PROTO_TX_DONE;
	}
	if (s->retry_at == 0) {
		s->tries = 1;
		s->retry_at = now_ms + BX_RETRY_MS;
	} else if (now_ms >= s->retry_at) {
		if (s->tries >= BX_TRIES) {
			s->queued = 0;
			s->ecount = 0;
			snprintf(s->error, sizeof s->error, "no answer from the card after %d tries "
			    "(%d of %d areas acknowledged) — check the card's address and screen_address",
			    s->tries, s->acked, s->npk);
			return PROTO_TX_FAILED;
		}
		/* Replies come in order, so resend from the first unanswered packet. */
		for (int i = s->acked; i < s->npk; i++) {
			uint8_t *p = proto_batch_reserve(out, s->len[i]);

			if (p == NULL)
				break;
			memcpy(p, s->copy + s->off[i], s->len[i]);
			proto_batch_commit(out, s->len[i]);
			bx_expect(s, s->gen);
		}
		s->tries++;
		s->retry_at = now_ms + BX_RETRY_MS;
	}
	*wake_ms = s->retry_at;
	return PROTO_TX_BUSY;
}

static const char *
bx_error(void *state)
{
	struct bx_state *s = state;

	return s->error[0] ? s->error : NULL;
}

static size_t
bx_max_frame_bytes(int width, int height, enum ls_format f)
{
	/* The worst card that takes the format (6E words outweigh 5E bytes,
	 * 5Q's small packets cost more headers than 6Q's). */
	static const enum proto_bx_card cards[] = { PROTO_BX_5E, PROTO_BX_6E, PROTO_BX_5Q, PROTO_BX_6Q };
	size_t worst = 0;

	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		enum proto_bx_card c = cards[i];
		int rows = bx_band_rows(c, f, width), bands;
		size_t n;

		if (!proto_bx_card_takes(c, f) || rows <= 0)
			continue;
		bands = (height + rows - 1) / rows;
		/* Escaping at most doubles a byte. */
		n = (size_t)bands * (9 + 2 * (16 + proto_bx_area_overhead(c) + 2)) +
		    2 * proto_bx_bitmap_bytes(c, f, width, height);
		if (n > worst)
			worst = n;
	}
	return worst;
}

const struct proto_ops proto_onbon_bx_ops = {
	.name = "onbon-bx",
	.supports = bx_supports,
	.init = bx_init,
	.fini = bx_fini,
	.encode_frame = bx_encode_frame,
	.encode_brightness = bx_encode_brightness,
	.input = bx_input,
	.max_frame_bytes = bx_max_frame_bytes,
	.wants_ack = 1,
	.default_port = PROTO_BX_TCP_PORT,
	.default_udp_port = PROTO_BX_UDP_PORT,
	.poll = bx_poll,
	.error = bx_error,
};
