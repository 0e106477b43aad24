#!/usr/bin/env python3
"""noise-png.py W H SEED OUT: a W x H RGB PNG of pseudo-random pixels (stdlib only),
a picture no LSP encoding makes smaller: the worst case for a slow line."""
import random, struct, sys, zlib

w, h, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
raw = b"".join(b"\0" + bytes(rng.getrandbits(8) for _ in range(3 * w)) for _ in range(h))

def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

with open(out, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
