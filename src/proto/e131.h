/*
 * proto/e131.h — ANSI E1.31 (streaming ACN, "sACN") DMX data packets on
 * UDP 5568: root layer, framing layer, DMP layer, then a start code of 0
 * and up to 512 slots.  ledsign puts 170 RGB pixels (510 slots) in each
 * universe, row by row from the top left, from the board's first universe.
 */
#ifndef LEDSIGN_PROTO_E131_H
#define LEDSIGN_PROTO_E131_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "proto/proto.h"
#include "proto/pixel.h"

#define PROTO_E131_PORT        5568
#define PROTO_E131_HEADER      126     /* bytes before the first slot */
#define PROTO_E131_MAX_SLOTS   512
#define PROTO_E131_PIXELS      170     /* RGB pixels per universe */
#define PROTO_E131_UNIVERSE_MAX 63999
#define PROTO_E131_PRIORITY    100
#define PROTO_E131_PREVIEW     0x80    /* framing options */
#define PROTO_E131_TERMINATED  0x40

struct proto_e131_source {
	uint8_t cid[16];              /* the sender's UUID, the same every run */
	char    name[64];             /* UTF-8, NUL-terminated */
	uint8_t priority;             /* 0..200 */
};

/* A stable CID for a sender named `seed`: an RFC 9562 version-8 UUID whose
 * bits come from a hash of the name, so a restart keeps the same CID. */
void proto_e131_cid(const char *seed, uint8_t cid[16]);

/* One data packet for `universe` with `n` slots (1..512). */
ssize_t proto_e131_packet(const struct proto_e131_source *, uint16_t universe, uint8_t seq,
    uint8_t options, const uint8_t *slots, size_t n, uint8_t *out, size_t cap);

/* Multicast group of a universe, 239.255.hi.lo, as a host-order IPv4 address.
 * Whether to send there or unicast is the transport's choice. */
uint32_t proto_e131_group(uint16_t universe);
/* The same as dotted text; bytes written (excluding NUL) or -1. */
int proto_e131_group_str(uint16_t universe, char *buf, size_t len);

/* Universes a width x height board needs. */
int proto_e131_universes(int width, int height);

extern const struct proto_ops proto_e131_ops;

#endif
