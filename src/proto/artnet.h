/*
 * proto/artnet.h — Art-Net 4 ArtDmx on UDP 6454: "Art-Net\0", OpCode
 * 0x5000 (little-endian), protocol version 14, sequence, physical port,
 * the 15-bit port-address (net, sub-net, universe), an even length of
 * 2..512 channels.  ledsign puts 170 RGB pixels in each universe, row by
 * row from the top left, from the board's first port-address.
 */
#ifndef LEDSIGN_PROTO_ARTNET_H
#define LEDSIGN_PROTO_ARTNET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "proto/proto.h"
#include "proto/pixel.h"

#define PROTO_ARTNET_PORT      6454
#define PROTO_ARTNET_HEADER    18
#define PROTO_ARTNET_VERSION   14
#define PROTO_ARTNET_OP_DMX    0x5000
#define PROTO_ARTNET_OP_SYNC   0x5200
#define PROTO_ARTNET_PIXELS    170
#define PROTO_ARTNET_ADDR_MAX  0x7fff  /* net 0..127, sub-net 0..15, universe 0..15 */

/* One ArtDmx packet for port-address `addr` with `n` channels (1..512); an
 * odd count is padded with one zero channel, as the spec asks. */
ssize_t proto_artnet_dmx(uint8_t seq, uint8_t physical, uint16_t addr, const uint8_t *data,
    size_t n, uint8_t *out, size_t cap);
/* ArtSync: nodes show the ArtDmx they hold now (14 bytes). */
ssize_t proto_artnet_sync(uint8_t *out, size_t cap);

/* Universes (port-addresses) a width x height board needs. */
int proto_artnet_universes(int width, int height);

extern const struct proto_ops proto_artnet_ops;

#endif
