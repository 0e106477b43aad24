/*
 * fw_artnet.h — board side of Art-Net: ArtDmx (OpCode 0x5000) into pixels,
 * 170 RGB pixels per port-address from the first; ArtSync (0x5200).  Until
 * an ArtSync arrives the frame is shown when the port-address holding the
 * last pixel arrives; after one, only ArtSync shows.  C99, no allocation.
 */
#ifndef FW_ARTNET_H
#define FW_ARTNET_H

#include <stddef.h>
#include <stdint.h>
#include "fw_rgb.h"

enum fw_artnet_result {
	FW_ARTNET_BAD = -1,
	FW_ARTNET_IGNORED = 0,
	FW_ARTNET_DATA = 1,
	FW_ARTNET_SHOW = 2,
};

struct fw_artnet {
	uint16_t first;               /* port-address of pixel 0 */
	uint8_t  order[3];
	int      synced;              /* an ArtSync has been seen */
	int      pending;             /* data since the last show */
	unsigned long packets, bad;
};

void fw_artnet_init(struct fw_artnet *, uint16_t first, const uint8_t order[3]);
int  fw_artnet_decode(struct fw_artnet *, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *);

#endif
