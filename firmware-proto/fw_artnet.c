/* fw_artnet.c — ArtDmx and ArtSync into the board's canvas. */
#include <string.h>

#include "fw_artnet.h"

void
fw_artnet_init(struct fw_artnet *a, uint16_t first, const uint8_t order[3])
{
	memset(a, 0, sizeof *a);
	a->first = first;
	memcpy(a->order, order, 3);
}

int
fw_artnet_decode(struct fw_artnet *a, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *c)
{
	static const uint8_t id[8] = { 'A', 'r', 't', '-', 'N', 'e', 't', 0 };
	unsigned op, len, addr, i;
	long npix = (long)c->width * c->height, base;

	a->packets++;
	if (n < 12 || memcmp(pkt, id, 8) != 0) {
		a->bad++;
		return FW_ARTNET_BAD;
	}
	op = (unsigned)pkt[8] | (unsigned)pkt[9] << 8;
	if (op == 0x5200) {                   /* ArtSync */
		a->synced = 1;
		if (a->pending) {
			a->pending = 0;
			return FW_ARTNET_SHOW;
		}
		return FW_ARTNET_IGNORED;
	}
	if (op != 0x5000)
		return FW_ARTNET_IGNORED;     /* ArtPoll and friends */
	if (n < 18 || ((unsigned)pkt[10] << 8 | pkt[11]) < 14) {
		a->bad++;
		return FW_ARTNET_BAD;
	}
	len = (unsigned)pkt[16] << 8 | pkt[17];
	if (len < 2 || len > 512 || (len & 1) || len > n - 18) {
		a->bad++;
		return FW_ARTNET_BAD;
	}
	addr = ((unsigned)pkt[15] & 0x7f) << 8 | pkt[14];
	if (addr < a->first || npix <= 0)
		return FW_ARTNET_IGNORED;
	base = (long)(addr - a->first) * 170;
	if (base >= npix)
		return FW_ARTNET_IGNORED;
	for (i = 0; i + 3 <= len && i / 3 < 170; i += 3)
		fw_rgb_set_index(c, base + (long)(i / 3), a->order, pkt + 18 + i);
	a->pending = 1;
	if (!a->synced && (npix - 1) / 170 == (long)(addr - a->first)) {
		a->pending = 0;
		return FW_ARTNET_SHOW;
	}
	return FW_ARTNET_DATA;
}
