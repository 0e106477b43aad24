#!/usr/bin/env python3
"""snapshot-png.py SOCK BOARD OUT: ask the control socket for BOARD's
snapshot (the `snapshot` verb) and write its pixels, a mono canvas, as an
RGB PNG one pixel per LED (lit white), as ledboard's snapshots are; prints
the snapshot's item.  Exit 1 when there is no such board or no pixels."""
import base64, socket, struct, sys, urllib.parse, zlib

sock, board, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.settimeout(5)
s.sendall(("ledsign-control/1 snapshot boards=%s\n" % board).encode())
data = b""
while not data.endswith(b"\n") or b"\nok " not in b"\n" + data:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
kv = {}
for line in data.decode().splitlines():
    if line.startswith("snapshot "):
        for f in line.split(" ")[1:]:
            k, _, v = f.partition("=")
            kv[k] = urllib.parse.unquote(v)
if kv.get("format") != "mono" or not kv.get("pixels"):
    sys.exit(1)
w, h, stride = int(kv["width"]), int(kv["height"]), int(kv["stride"])
pix = base64.b64decode(kv["pixels"])
rows = b""
for y in range(h):
    rows += b"\0" + bytes(255 if pix[y * stride + x // 8] >> (7 - x % 8) & 1 else 0 for x in range(w) for _ in range(3))

def chunk(tag, body):
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

with open(out, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
print(kv.get("item", ""))
