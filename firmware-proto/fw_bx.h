/*
 * fw_bx.h — board side of the Onbon BX graphic-card protocol (version 0xF0):
 * the link layer (8 x 0xA5, escaped packet, CRC-16/ARC, 0x5A), the dynamic
 * area command A7 00 drawn into the canvas, ping (A2 00) and brightness
 * (A2 07), and the ACK/NACK a card sends back.  The card decides the bitmap
 * layout: 5E bytes with red/green interleaved per 8 LEDs, 6E 32-bit word
 * planes, 5Q RGB565 low byte first, 6Q RGB888 or (on an rgb565 screen)
 * RGB565 high byte first; 5E/5Q use the 5th-generation command layout,
 * 6E/6Q the 6th, where AreaDataLen counts only the area and page
 * parameters and the bitmaps follow all of them.  C99, no allocation: the caller lends a work buffer big
 * enough for the largest packet it accepts.
 */
#ifndef FW_BX_H
#define FW_BX_H

#include <stddef.h>
#include <stdint.h>
#include "fw_rgb.h"

enum fw_bx_card { FW_BX_5E, FW_BX_6E, FW_BX_5Q, FW_BX_6Q };

enum fw_bx_result {
	FW_BX_BAD = -1,               /* a broken frame (escape, CRC, size, layout) */
	FW_BX_NONE = 0,               /* need more bytes */
	FW_BX_SHOW = 1,               /* a dynamic area was drawn: show the canvas */
	FW_BX_OTHER = 2,              /* a command handled (ping, brightness, ...) */
};

struct fw_bx {
	uint8_t *buf;                 /* one unescaped packet */
	size_t   cap, len;
	int      state, overflow, badesc;
	int      card;                /* enum fw_bx_card */
	uint16_t screen;              /* this card's screen address */
	uint8_t  brightness;          /* 0..15, from A2 07 */
	/* How this card reads RGB565 (a setting of the card): 1 = high byte
	 * first (6Q in 565 display mode), 0 = low byte first (5Q).  fw_bx_init
	 * sets the card's own; a simulator may change it to show a card set
	 * up the other way. */
	int      rgb565_high_first;
	/* 5E/6E two-colour: 1 when the card's matrix is set up green-red, so
	 * the first plane lights green (the SDK's order for such screens). */
	int      green_first;
	/* What the last A7 00 said where the vendor's manual and SDK differ. */
	unsigned last_cmd_reserved;   /* the 2 bytes after Cmd: 0 (manual) or a length (SDK) */
	unsigned last_area_type;      /* AreaType of the first area: 0x10 (manual) or 0x00 */
	unsigned last_transparency;   /* 6th gen Transparency of the first area */
	unsigned long frames, bad, noise;
};

/* Parse "bx-5e", "5e", ... for the graphic cards; 0, or -1. */
int  fw_bx_card_parse(const char *name, int *card);
void fw_bx_init(struct fw_bx *, uint8_t *work, size_t cap, int card, uint16_t screen);

/* Feed bytes from the link.  Stops after each complete frame; *used says how
 * many bytes were taken.  When the frame asked for an answer, `reply` gets
 * the ACK or NACK frame (*replylen bytes, 0 if none or if it did not fit). */
int fw_bx_feed(struct fw_bx *, const uint8_t *in, size_t n, size_t *used,
    struct fw_rgb_canvas *, uint8_t *reply, size_t replycap, size_t *replylen);

/* The CRC of the link layer: CRC-16/ARC. */
uint16_t fw_bx_crc16(uint16_t crc, const uint8_t *p, size_t n);

#endif
