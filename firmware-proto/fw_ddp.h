/*
 * fw_ddp.h — board side of DDP (UDP 4048): one datagram in, pixels out.
 * Accepts version-1 data packets for display id 1 (or 255, all) with data
 * type RGB 8-bit (0x0B, or the legacy 0x00/0x01); 10-byte header, 14 with
 * a timecode.  Like WLED, a packet whose sequence number is 1..4 behind that
 * of the last push taken is a straggler of an older frame and is dropped
 * (sequence 0 means "not used" and is never checked).  C99, no allocation.
 */
#ifndef FW_DDP_H
#define FW_DDP_H

#include <stddef.h>
#include <stdint.h>
#include "fw_rgb.h"

enum fw_ddp_result {
	FW_DDP_BAD = -1,              /* malformed: counted and dropped */
	FW_DDP_IGNORED = 0,           /* well formed but not for us (query, other id, type) */
	FW_DDP_DATA = 1,              /* pixels stored, not shown yet */
	FW_DDP_SHOW = 2,              /* show the buffer now */
};

struct fw_ddp {
	uint8_t order[3];             /* wire channel order, see fw_rgb.h */
	int     seen_push;            /* once a sender pushes, only pushes show */
	long    pend_index;           /* a pixel split across two packets */
	uint8_t pend[3];
	int     pend_have;
	uint8_t last_push_seq;        /* 1..15; 0 = no numbered push yet */
	unsigned long packets, bad, dropped;
};

void fw_ddp_init(struct fw_ddp *, const uint8_t order[3]);
int  fw_ddp_decode(struct fw_ddp *, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *);

#endif
