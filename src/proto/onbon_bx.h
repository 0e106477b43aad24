/*
 * proto/onbon_bx.h — Onbon (仰邦) BX controllers.
 *
 * Two vendor protocols share one link layer (8 x 0xA5, escaped packet,
 * CRC-16/ARC low byte first, 0x5A; see docs/protocols.md for sources):
 *   - graphic cards BX-5E, BX-5Q, BX-6E, BX-6Q: protocol version 0xF0,
 *     16-byte header, the "dynamic area" command A7 00 carries a bitmap;
 *   - font cards BX-5K, BX-5MK, BX-6K: protocol version 0x02, 14-byte
 *     header, the card renders text itself with its own fonts (A3 06).
 * ledsign drives graphic cards with frames (proto_onbon_bx_ops) and offers
 * the font-card text command as a separate pure function.
 * Every function here writes into the caller's buffer and returns the number
 * of bytes written, or -1 when the buffer is too small or an argument is
 * out of range.  No I/O, no allocation.
 */
#ifndef LEDSIGN_PROTO_ONBON_BX_H
#define LEDSIGN_PROTO_ONBON_BX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "proto/proto.h"

#define PROTO_BX_TCP_PORT   5005
#define PROTO_BX_UDP_PORT   5007
#define PROTO_BX_BAUD       57600     /* cards also take 9600; 8N1 */
#define PROTO_BX_SRC_PC     0x8000
#define PROTO_BX_DST_ANY    0xFFFE    /* wildcard screen address; the card answers */
#define PROTO_BX_DEV_ANY_G  0xFFFE    /* graphic-card device type wildcard */
#define PROTO_BX_DEV_ANY_K  0xFE      /* font-card device type wildcard */
/* Largest data field the vendor SDK sends in one packet: 5E/6E/6Q take
 * up to 64 KiB ("keep under 63*1024"), the other cards 1 KiB (SDK headers);
 * ledsign keeps a whole 5Q packet (header, data, CRC) within 1024 bytes. */
#define PROTO_BX_MAX_DATA      (63 * 1024)
#define PROTO_BX_MAX_DATA_1K   (1024 - 16 - 2)

enum proto_bx_card {
	PROTO_BX_5E,     /* mono or red-green, 1 bit per LED and colour, bytes */
	PROTO_BX_6E,     /* mono or red-green, planes of 32-bit words */
	PROTO_BX_5Q,     /* RGB565, low byte first */
	PROTO_BX_6Q,     /* RGB888, or RGB565 high byte first (565 display mode) */
	PROTO_BX_5K,     /* font card, X and width in units of 8 LEDs */
	PROTO_BX_6K,     /* font card, pixel coordinates */
};

/* "bx-5e", "bx-6e", "bx-5q", "bx-6q", "bx-5k", "bx-5mk", "bx-6k" (case-insensitive,
 * the "bx-" optional); 0, or -1 when unknown. */
int proto_bx_card_parse(const char *name, enum proto_bx_card *out);
const char *proto_bx_card_name(enum proto_bx_card);
/* The card a board of this format gets when the config names none. */
enum proto_bx_card proto_bx_card_default(enum ls_format);
/* 1 when the graphic card shows this canvas format. */
int proto_bx_card_takes(enum proto_bx_card, enum ls_format);
/* Largest data field of one packet to this card (PROTO_BX_MAX_DATA or _1K). */
size_t proto_bx_max_data(enum proto_bx_card);
/* 1 when the card has an RS-232/RS-485 port (not the 5Q, not the Ethernet-only 6Q). */
int proto_bx_card_has_serial(enum proto_bx_card);

/* CRC-16/ARC (poly 0x8005 reflected, init 0); check("123456789") = 0xBB3D. */
uint16_t proto_bx_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* Frame one unescaped packet (header + data, no CRC): adds the CRC, escapes
 * A5/A6/5A/5B, and the start and end bytes. */
ssize_t proto_bx_frame(const uint8_t *pkt, size_t n, uint8_t *out, size_t cap);

/* Find the first complete frame in `in` and undo the link layer: pkt gets
 * header + data (CRC checked and removed).  Returns the packet length and
 * sets *used to the bytes consumed; 0 with *used < n when more bytes are
 * needed; -1 for a bad frame (escape or CRC), with *used past it. */
ssize_t proto_bx_unframe(const uint8_t *in, size_t n, size_t *used, uint8_t *pkt, size_t cap);

/* Graphic cards (protocol version 0xF0). */

/* The vendor's ping (status query), A2 00, to screen `dst`. */
ssize_t proto_bx_encode_ping(uint16_t dst, uint8_t *out, size_t cap);
/* Manual brightness, A2 07: percent 0..100 -> card levels 0..15 for every half hour. */
ssize_t proto_bx_encode_brightness(uint16_t dst, int percent, uint8_t *out, size_t cap);

/* One dynamic area (A7 00) holding rows [y0, y0 + rows) of an image, shown
 * at the same place on the screen, as one static page. */
struct proto_bx_area {
	enum proto_bx_card card;   /* a graphic card */
	uint16_t dst;              /* screen address */
	uint8_t  area_id;          /* 0..3 on 5E/5Q, 0..31 on 6E/6Q */
	int      y0, rows;
	/* Where the vendor's manual and its SDK differ; 0 = the manual. */
	uint8_t  transparency;     /* 6th gen Transparency: manual/Java encoder 0, SDK 101 */
	uint8_t  area_type_sdk;    /* 5th gen AreaType: 0 = 0x10 (manual), 1 = 0x00 (bx05 SDK) */
	uint8_t  cmd_len_sdk;      /* the 2 bytes after Cmd: 0 = reserved 0 (manual),
	                            * 1 = the bytes that follow them (SDK jars) */
};
ssize_t proto_bx_encode_area(const struct proto_bx_area *, const struct proto_image *,
    uint8_t *out, size_t cap);
/* Bytes of bitmap for `rows` rows of `width` LEDs on `card` in `fmt`. */
size_t proto_bx_bitmap_bytes(enum proto_bx_card, enum ls_format, int width, int rows);
/* Data-field bytes of an A7 00 packet around `bitmap` bytes of bitmap. */
size_t proto_bx_area_overhead(enum proto_bx_card);
/* Dynamic areas a card keeps at once. */
int proto_bx_max_areas(enum proto_bx_card);

/* Font cards (protocol version 0x02). */

/* A command with the usual request head: group, cmd, 0x01 (reply please),
 * two zero bytes, then `data`.  dev is the device type (0xFE = any). */
ssize_t proto_bx_encode_font_cmd(uint16_t dst, uint8_t dev, uint8_t group, uint8_t cmd,
    const uint8_t *data, size_t n, uint8_t *out, size_t cap);

/* Text to one dynamic area of a font card (A3 06, one area, none deleted). */
struct proto_bx_text {
	enum proto_bx_card card;   /* PROTO_BX_5K (x, w multiples of 8) or PROTO_BX_6K */
	uint16_t dst;
	uint8_t  dev;              /* device type, 0xFE = any */
	uint8_t  process_mode;     /* 0 = keep the area, new text (vendor default);
	                            * 1 = clear the area and set it up again */
	uint8_t  area_id;          /* 0..4 on 6K, 0..7 on 5K */
	int      x, y, w, h;       /* LEDs */
	uint8_t  run_mode;         /* 0 = loop */
	uint16_t timeout;          /* seconds */
	uint8_t  align;            /* 0 left, 1 right, 2 centre */
	uint8_t  single_line;      /* 1 single line, 2 several lines */
	uint8_t  new_line;         /* 1 only at line breaks, 2 wrap automatically */
	uint8_t  display_mode;     /* 1 static, 2 quick, 3 scroll left, ... */
	uint8_t  exit_mode;
	uint8_t  speed;
	uint8_t  stay;             /* seconds */
	const uint8_t *text;       /* in the card's font encoding (GB2312/GBK) */
	size_t   len;
};
/* Fill `t` with the vendor's example defaults (static text, 10 s). */
void proto_bx_text_defaults(struct proto_bx_text *t);
ssize_t proto_bx_encode_text(const struct proto_bx_text *, uint8_t *out, size_t cap);
/* UTF-8 to the GBK bytes font cards take; -1 when a character has no GBK form. */
ssize_t proto_bx_text_gbk(const char *utf8, uint8_t *out, size_t cap);

extern const struct proto_ops proto_onbon_bx_ops;

#endif
