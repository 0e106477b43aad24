/*
 * proto/ddp.h — DDP, the Distributed Display Protocol (3waylabs), as WLED,
 * xLights, FPP and ESPixelStick speak it: UDP 4048, a 10-byte header,
 * RGB bytes at a byte offset into the display buffer, at most 1440 data
 * bytes (480 pixels) per packet, the push flag on the last packet of a frame.
 */
#ifndef LEDSIGN_PROTO_DDP_H
#define LEDSIGN_PROTO_DDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "proto/proto.h"
#include "proto/pixel.h"

#define PROTO_DDP_PORT        4048
#define PROTO_DDP_HEADER      10
#define PROTO_DDP_MAX_DATA    1440
#define PROTO_DDP_VER1        0x40    /* flags: version 1 */
#define PROTO_DDP_PUSH        0x01    /* flags: show the buffer now */
#define PROTO_DDP_TYPE_RGB24  0x0B    /* data type: RGB, 8 bits per channel */
#define PROTO_DDP_ID_DISPLAY  1

/* One data packet: `n` bytes at byte `offset` of the display buffer, with
 * sequence number seq (1..15, 0 = unused).  Returns bytes written or -1. */
ssize_t proto_ddp_packet(uint8_t seq, int push, uint32_t offset, const uint8_t *data,
    size_t n, uint8_t *out, size_t cap);

/* A whole frame: the image's pixels row by row from the top left, three
 * bytes each in `order`, scaled by `scale` (256 = full, see pixel.h), split
 * into packets of 1440 bytes; push on the last.  *seq is the last sequence
 * number used and advances 1..15 per packet.  0, or -1 when the batch is full. */
int proto_ddp_encode(const struct proto_image *, const struct proto_pixel_order *,
    unsigned scale, uint8_t *seq, struct proto_batch *);

extern const struct proto_ops proto_ddp_ops;

#endif
