/*
 * fw_e131.h — board side of E1.31 (sACN) data packets: checks every layer,
 * drops preview packets and non-zero start codes, and maps 170 RGB pixels
 * per universe from the first universe, row by row.  The frame is shown
 * when the universe holding the last pixel arrives.  C99, no allocation.
 *
 * Sources are told apart by CID, as E1.31 receivers must (6.7.2): each
 * source has its own sequence number per universe, and a packet 0..19
 * behind the last one taken from that source on that universe is dropped.
 * A source is forgotten when it sends Stream_Terminated on every universe
 * it used (FW_E131_TERMINATED) or after 2.5 s without a packet
 * (fw_e131_expire, E131_NETWORK_DATA_LOSS_TIMEOUT).  Up to FW_E131_SOURCES
 * at once; packets of more are dropped.  Sources are not merged: the last
 * packet wins.
 */
#ifndef FW_E131_H
#define FW_E131_H

#include <stddef.h>
#include <stdint.h>
#include "fw_rgb.h"

#define FW_E131_SEQ_UNIVERSES 256     /* universes whose sequence is tracked */
#define FW_E131_SOURCES       8       /* sources tracked at once */
#define FW_E131_LOSS_MS       2500    /* a silent source is gone after this */

enum fw_e131_result {
	FW_E131_BAD = -1,
	FW_E131_IGNORED = 0,
	FW_E131_DATA = 1,
	FW_E131_SHOW = 2,
	FW_E131_TERMINATED = 3,       /* a source stopped a universe (Stream_Terminated) */
};

struct fw_e131_source {
	uint8_t  cid[16];
	uint8_t  used;
	uint32_t last_ms;             /* fw_e131's clock when it last sent */
	uint8_t  seq[FW_E131_SEQ_UNIVERSES];
	uint8_t  seen[FW_E131_SEQ_UNIVERSES];
};

struct fw_e131 {
	uint16_t first;               /* universe of pixel 0 */
	uint8_t  order[3];
	uint32_t now_ms;              /* set by fw_e131_expire */
	struct fw_e131_source src[FW_E131_SOURCES];
	int      last_src;            /* source of the last packet decoded, -1 = none */
	unsigned long packets, bad, dropped, terminated, lost, refused;
};

void fw_e131_init(struct fw_e131 *, uint16_t first_universe, const uint8_t order[3]);
int  fw_e131_decode(struct fw_e131 *, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *);
/* Advance the clock (milliseconds, any origin, wrapping) and forget sources
 * silent for FW_E131_LOSS_MS.  Returns how many were forgotten now. */
int  fw_e131_expire(struct fw_e131 *, uint32_t now_ms);
/* Sources known now. */
int  fw_e131_sources(const struct fw_e131 *);

#endif
