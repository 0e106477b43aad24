/*
 * fw_e131.h — board side of E1.31 (sACN) data packets: checks every layer,
 * drops preview and stream-terminated packets, non-zero start codes and
 * out-of-order sequence numbers, and maps 170 RGB pixels per universe from
 * the first universe, row by row.  The frame is shown when the universe
 * holding the last pixel arrives.  C99, no allocation.
 */
#ifndef FW_E131_H
#define FW_E131_H

#include <stddef.h>
#include <stdint.h>
#include "fw_rgb.h"

#define FW_E131_SEQ_UNIVERSES 256     /* universes whose sequence is tracked */

enum fw_e131_result {
	FW_E131_BAD = -1,
	FW_E131_IGNORED = 0,
	FW_E131_DATA = 1,
	FW_E131_SHOW = 2,
};

struct fw_e131 {
	uint16_t first;               /* universe of pixel 0 */
	uint8_t  order[3];
	uint8_t  seq[FW_E131_SEQ_UNIVERSES];
	uint8_t  seen[FW_E131_SEQ_UNIVERSES];
	unsigned long packets, bad, dropped;
};

void fw_e131_init(struct fw_e131 *, uint16_t first_universe, const uint8_t order[3]);
int  fw_e131_decode(struct fw_e131 *, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *);

#endif
