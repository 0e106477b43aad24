#!/usr/bin/python3
"""An Onbon BX graphic card written from the vendor's 5th/6th-generation
dynamic-area manuals' field tables (onbonlab/BX-V-VI, 5.4.1), independent of
ledsign's encoder and of ledboard's decoder.  For tests only.

  bx_manual_card.py PORT GEN OUT
      listen on 127.0.0.1:PORT (writes OUT.ready), take one connection,
      answer every packet with ACK, parse the first A7 00 (dynamic area) as
      generation GEN (5 or 6) and write "OK ..." or "BAD reason" to OUT.
  bx_manual_card.py --send PORT vendor|old PNG
      send a 2x1 BX-6Q RGB888 area built from the 6th-generation table
      (vendor: AreaDataLen = 63; old: 63 + bitmap, what ledsign sent
      before), wait up to 3 s for an answer, and write PNG, the picture the
      vendor frame should give.
"""
import os
import socket
import struct
import sys
import zlib


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(pkt):
    body = pkt + struct.pack("<H", crc16(pkt))
    esc = {0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01"}
    out = bytearray(b"\xa5" * 8)
    for b in body:
        out += esc.get(b, bytes([b]))
    return bytes(out + b"\x5a")


def unescape(data):
    out, i = bytearray(), 0
    while i < len(data):
        b = data[i]
        if b in (0xA6, 0x5B):
            i += 1
            b = {(0xA6, 1): 0xA6, (0xA6, 2): 0xA5, (0x5B, 1): 0x5B, (0x5B, 2): 0x5A}[(b, data[i])]
        out.append(b)
        i += 1
    return bytes(out)


class Reader:
    def __init__(self, p, off):
        self.p, self.off = p, off

    def take(self, n):
        if self.off + n > len(self.p):
            raise ValueError("packet ends inside a field at byte %d" % self.off)
        v = self.p[self.off:self.off + n]
        self.off += n
        return v

    def u(self, n):
        return int.from_bytes(self.take(n), "little")


def parse_area_command(p, gen):
    """The A7 00 data field of packet p as the manual's table lays it out."""
    r = Reader(p, 16)
    rtn, grp, cmd = r.u(1), r.u(1), r.u(1)
    if (grp, cmd) != (0xA7, 0x00):
        raise ValueError("not A7 00")
    r.u(2)                                   # Reserved (the SDK puts a length here)
    areas = r.u(2) if gen == 6 else 1
    info = []
    for _ in range(areas):
        alen = r.u(4)                        # AreaDataLen
        start = r.off
        r.u(1); r.u(1); r.u(2); r.u(1)      # AreaId, RunMode, Timeout, RelateAllPro
        r.take(2 * r.u(2))                   # RelateProNum, RelateProSerial...
        r.u(1); r.u(4)                       # ImmePlay, Reserved
        atype = r.u(1)
        x, y, w, h = r.u(2), r.u(2), r.u(2), r.u(2)
        if r.u(1):                           # AreaFFlag
            r.take(3)
            r.take(2 + r.u(1))
        if gen == 6:
            r.u(1); r.u(1); r.u(1)           # BackGroundFlag, Transparency, AreaEqual
            if r.u(1):
                raise ValueError("SoundFlag set")
            r.take(5)
        pages = []
        for _ in range(r.u(2)):              # PageNum
            plen = r.u(4)
            pstart = r.off
            r.take(1 + 1 + 1 + 1 + 2 + 1 + 2)   # style, mode, clear, speed, stay, repeat, ValidLen
            if gen == 6:
                r.take(9)
                pages.append((r.u(4), r.u(4)))   # DataOffset, DataLen
                if r.off - pstart != plen:
                    raise ValueError("PageDataLen %d, the page's fields are %d" % (plen, r.off - pstart))
            else:
                r.take(4)
                n = plen - (r.off - pstart)
                r.take(n)                    # PicPageData
                pages.append((None, n))
        if r.off - start != alen:
            raise ValueError("AreaDataLen %d but the area has %d bytes" % (alen, r.off - start))
        info.append((alen, atype, x, y, w, h, pages))
    bitmaps = len(p) - r.off
    if gen == 6:
        want = sum(dl for a in info for (_, dl) in a[6])
        for a in info:
            for off, dl in a[6]:
                if off + dl > bitmaps:
                    raise ValueError("DataOffset %d + DataLen %d past the %d bitmap bytes" % (off, dl, bitmaps))
        if bitmaps != want:
            raise ValueError("%d bytes after the parameters, the pages say %d" % (bitmaps, want))
    elif bitmaps != 0:
        raise ValueError("%d bytes after the last area" % bitmaps)
    return info, bitmaps, rtn


def ack(to):
    pkt = struct.pack("<HHBBHIIBBBHHH", to, 0xFFFE, 0xF0, 0, 0xFFFE, 0, 9, 0, 0xA0, 0, 0, 0, 0)
    return frame(pkt)


def packets(sock):
    """Unescaped packets (CRC checked and removed) as they arrive."""
    buf = b""
    while True:
        start = buf.find(b"\xa5")
        end = buf.find(b"\x5a", start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buf += chunk
            continue
        p = unescape(buf[start:end].lstrip(b"\xa5"))
        buf = buf[end + 1:]
        if len(p) < 18 or crc16(p[:-2]) != struct.unpack("<H", p[-2:])[0]:
            raise ValueError("CRC")
        yield p[:-2]


def card(port, gen, out):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    srv.settimeout(15)
    open(out + ".ready", "w").close()
    conn, _ = srv.accept()
    conn.settimeout(10)
    result = "BAD no A7 00 received"
    try:
        for p in packets(conn):
            if struct.unpack("<I", p[12:16])[0] != len(p) - 16:
                result = "BAD DataLen"
                break
            if p[17:19] != b"\xa7\x00":
                conn.sendall(ack(0x8000))
                continue
            try:
                info, bitmaps, _ = parse_area_command(p, gen)
                result = "OK %d area(s), AreaDataLen %s, %d bitmap bytes after the parameters" % (
                    len(info), ",".join(str(a[0]) for a in info), bitmaps)
            except ValueError as e:
                result = "BAD %s" % e
            conn.sendall(ack(0x8000))
            break
    except (ValueError, socket.timeout) as e:
        result = "BAD %s" % e
    with open(out + ".tmp", "w") as f:
        f.write(result + "\n")
    os.rename(out + ".tmp", out)
    try:
        while conn.recv(4096):              # until the sender closes
            pass
    except (OSError, socket.timeout):
        pass
    conn.close()


def png(path, w, h, rows):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def send(port, which, out):
    bitmap = bytes([0xFF, 0, 0, 0x12, 0x34, 0x56])
    area = (bytes([0, 0]) + struct.pack("<H", 0) + bytes([0]) + struct.pack("<H", 0) + bytes([1])
            + bytes(4) + bytes([0x10]) + struct.pack("<HHHH", 0, 0, 2, 1) + bytes([0])
            + bytes([0, 0, 0, 0]) + bytes(5))
    page = (bytes([0, 1, 0, 0]) + struct.pack("<H", 1000) + bytes([1]) + struct.pack("<H", 2)
            + bytes(9) + struct.pack("<II", 0, len(bitmap)))
    params = area + struct.pack("<H", 1) + struct.pack("<I", len(page)) + page   # PageDataLen 26
    alen = len(params) if which == "vendor" else len(params) + len(bitmap)
    assert len(params) == 63
    data = bytes([1, 0xA7, 0, 0, 0]) + struct.pack("<H", 1) + struct.pack("<I", alen) + params + bitmap
    head = struct.pack("<HHBBHII", 0xFFFE, 0x8000, 0xF0, 0, 0xFFFE, 0, len(data))
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.sendall(frame(head + data))
    try:
        s.recv(256)
    except socket.timeout:
        pass
    s.close()
    png(out, 2, 1, [[0xFF, 0, 0, 0x12, 0x34, 0x56]])


if __name__ == "__main__":
    if sys.argv[1] == "--send":
        send(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        card(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
