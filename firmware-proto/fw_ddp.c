/* fw_ddp.c — DDP data packets into the board's canvas. */
#include <string.h>

#include "fw_ddp.h"

void
fw_ddp_init(struct fw_ddp *d, const uint8_t order[3])
{
	memset(d, 0, sizeof *d);
	memcpy(d->order, order, 3);
	d->pend_index = -1;
}

int
fw_ddp_decode(struct fw_ddp *d, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *c)
{
	size_t hdr = 10, len, i;
	uint32_t off;
	unsigned long total = (unsigned long)c->width * (unsigned long)c->height * 3;

	d->packets++;
	if (n < 10 || (pkt[0] & 0xC0) != 0x40) {
		d->bad++;
		return FW_DDP_BAD;
	}
	if (pkt[0] & 0x10)
		hdr = 14;                 /* timecode present */
	off = (uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 | (uint32_t)pkt[6] << 8 | pkt[7];
	len = (size_t)pkt[8] << 8 | pkt[9];
	if (n < hdr || len > n - hdr) {
		d->bad++;
		return FW_DDP_BAD;
	}
	if (pkt[0] & 0x06)            /* query or reply: nothing to show */
		return FW_DDP_IGNORED;
	if (pkt[3] != 1 && pkt[3] != 255)
		return FW_DDP_IGNORED;
	if (pkt[2] != 0x0B && pkt[2] != 0x01 && pkt[2] != 0x00)
		return FW_DDP_IGNORED;
	if ((pkt[1] & 0x0F) && d->last_push_seq) {
		/* 1..4 behind the last push in the cycle 1..15: an older frame's straggler */
		unsigned behind = (unsigned)(d->last_push_seq + 15 - (pkt[1] & 0x0F)) % 15;

		if (behind >= 1 && behind <= 4) {
			d->dropped++;
			return FW_DDP_IGNORED;
		}
	}
	for (i = 0; i < len; i++) {
		unsigned long pos = (unsigned long)off + i;
		long index = (long)(pos / 3);
		unsigned ch = (unsigned)(pos % 3);

		if (pos >= total)
			break;
		if (index != d->pend_index) {
			d->pend_index = index;
			d->pend_have = 0;
		}
		d->pend[ch] = pkt[hdr + i];
		d->pend_have |= 1 << ch;
		if (d->pend_have == 7) {
			fw_rgb_set_index(c, index, d->order, d->pend);
			d->pend_index = -1;
			d->pend_have = 0;
		}
	}
	if (pkt[0] & 0x01) {
		d->seen_push = 1;
		if (pkt[1] & 0x0F)
			d->last_push_seq = pkt[1] & 0x0F;
		return FW_DDP_SHOW;
	}
	/* Like WLED: until a sender has pushed once, show when the buffer's end is written. */
	if (!d->seen_push && len > 0 && (unsigned long)off + len >= total)
		return FW_DDP_SHOW;
	return FW_DDP_DATA;
}
