#!/usr/bin/python3
"""Raw clients of the ledsign control socket for the integration tests:
well-behaved, broken and hostile ones.  Every mode is bounded in time and
in count; results go to stdout as "key value" lines.

  ask SOCK LINE            send LINE (Python escapes, e.g. \\r\\n) and print the answer
  long SOCK VERB N         send a VERB request N bytes long and print the answer
  hold SOCK N SECONDS      open N connections, send nothing, hold them; report
                           how many the server refused or closed
  flood SOCK SECONDS       pipeline status requests without reading a byte
  readflood SOCK SECONDS   pipeline status requests and read every answer
  slow SOCK SECONDS        send a request one byte a second; report when closed
  storm SOCK N             N connections opened and closed at once
  rss PID                  the process's resident set in KiB
  file SOCK VERB KEY FILE [K=V...]
                           send "VERB K=V ... KEY=<FILE's bytes, percent-encoded>"
                           and print the answer
  alertlat SOCK ID DIR...  raise emergency alert ID as a raw request and print, per
                           board snapshot DIR, the ms until latest.png is mostly red
Use as another user with `setpriv --reuid=nobody --regid=nogroup --clear-groups`.
"""
import os
import socket
import sys
import time

REQ = b"ledsign-control/1 status\n"


def connect(path, timeout=5.0):
    # a blocking connect, as ledsign's own client does: when the listen
    # backlog is full it waits for room instead of failing with EAGAIN
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(timeout)
    return s


def ask(path, line):
    s = connect(path)
    s.sendall(line.encode("utf-8").decode("unicode_escape").encode("latin-1"))
    data = b""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            break
        data += b
        if data.startswith((b"ok", b"error")) or b"\nok" in data or b"\nerror" in data:
            if data.endswith(b"\n"):
                break
    sys.stdout.write(data.decode("utf-8", "replace"))


def long_line(path, verb, n):
    head = ("ledsign-control/1 %s " % verb).encode()
    s = connect(path)
    try:
        s.sendall(head + b"a" * (n - len(head)) + b"\n")
    except OSError:
        pass   # refused early: the answer is still there to read
    data = b""
    try:
        while not data.endswith(b"\n"):
            b = s.recv(65536)
            if not b:
                break
            data += b
    except OSError:
        pass
    sys.stdout.write(data.decode("utf-8", "replace"))


def hold(path, n, seconds):
    socks, refused = [], 0
    for _ in range(n):
        try:
            s = connect(path, 2)
        except OSError:
            refused += 1
            continue
        s.setblocking(False)
        socks.append(s)
    time.sleep(0.3)
    # a refused connection gets "error code=busy" and is closed at once
    alive = []
    for s in socks:
        try:
            b = s.recv(4096)
            if b == b"" or b.startswith(b"error"):
                refused += 1
                s.close()
                continue
        except BlockingIOError:
            pass
        alive.append(s)
    print("held", len(alive), flush=True)
    print("refused", refused, flush=True)
    end = time.monotonic() + seconds
    closed_at = {}
    while time.monotonic() < end and len(closed_at) < len(alive):
        for i, s in enumerate(alive):
            if i in closed_at:
                continue
            try:
                if s.recv(4096) == b"":
                    closed_at[i] = time.monotonic()
            except BlockingIOError:
                pass
            except OSError:
                closed_at[i] = time.monotonic()
        time.sleep(0.05)
    print("closed", len(closed_at), flush=True)
    for s in alive:
        s.close()


def flood(path, seconds, read):
    s = connect(path)
    s.setblocking(False)
    chunk = REQ * 512
    sent = got = oks = 0
    tail = b""
    end = time.monotonic() + seconds
    closed = False
    while time.monotonic() < end:
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            closed = True
            break
        if read:
            try:
                while True:
                    b = s.recv(1 << 20)
                    if not b:
                        closed = True
                        break
                    got += len(b)
                    oks += (tail + b).count(b"\nok count=")
                    tail = b[-16:]
            except BlockingIOError:
                pass
            if closed:
                break
    print("sent", sent // len(REQ))
    print("answered", oks)
    print("bytes_read", got)
    print("closed", int(closed))
    s.close()


def slow(path, seconds):
    s = connect(path)
    s.setblocking(False)
    t0 = time.monotonic()
    i = 0
    while time.monotonic() - t0 < seconds:
        try:
            s.send(REQ[i % (len(REQ) - 1):i % (len(REQ) - 1) + 1])
            i += 1
        except OSError:
            print("closed_after %.1f" % (time.monotonic() - t0))
            return
        # look for the close for a second before the next byte
        stop = time.monotonic() + 1
        done = False
        while time.monotonic() < stop:
            try:
                b = s.recv(4096)
                if b.startswith(b"error"):
                    print("answer", b.decode().strip())
                if b == b"":
                    done = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                done = True
                break
            time.sleep(0.02)
        if done:
            print("closed_after %.1f" % (time.monotonic() - t0))
            return
    print("closed_after never")


def storm(path, n):
    ok = refused = failed = 0
    for _ in range(n):
        try:
            s = connect(path, 2)
            ok += 1
            s.close()
        except OSError:
            failed += 1
    print("connected", ok)
    print("failed", failed)
    print("refused", refused)


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                print(line.split()[1])
                return
    print(0)


def mostly_red(path):
    from PIL import Image
    try:
        im = Image.open(path).convert("RGB")
        px = list(im.getdata())
    except (OSError, ValueError):
        return False
    red = sum(1 for (r, g, b) in px if r >= 160 and g <= 80 and b <= 80)
    return red * 2 > len(px)


def alertlat(path, ident, dirs):
    s = connect(path)
    t0 = time.monotonic()
    s.sendall(("ledsign-control/1 alert id=%s level=emergency text=Evacuate\n" % ident).encode())
    seen = {}
    answer = b""
    while len(seen) < len(dirs) and time.monotonic() - t0 < 5:
        for d in dirs:
            if d not in seen and mostly_red(d + "/latest.png"):
                seen[d] = (time.monotonic() - t0) * 1000
        time.sleep(0.002)
    s.settimeout(5)
    while not answer.endswith(b"\n"):
        b = s.recv(4096)
        if not b:
            break
        answer += b
    print("answer", answer.decode().strip())
    for d in dirs:
        print("latency_ms %s %s" % (d, ("%.0f" % seen[d]) if d in seen else "never"))
    print("max_ms", ("%.0f" % max(seen.values())) if len(seen) == len(dirs) else "never")


def pct(b):
    return "".join(chr(c) if c > 0x20 and c != 0x7f and c not in b"%=" and c < 0x80
                   else "%%%02X" % c for c in b)


def send_file(path, verb, key, fname, extra):
    with open(fname, "rb") as f:
        body = f.read()
    parts = ["ledsign-control/1", verb]
    for kv in extra:
        k, v = kv.split("=", 1)
        parts.append("%s=%s" % (k, pct(v.encode("utf-8"))))
    parts.append("%s=%s" % (key, pct(body)))
    s = connect(path, timeout=20)   # a save's check may take seconds
    s.sendall((" ".join(parts) + "\n").encode("ascii"))
    data = b""
    end = time.monotonic() + 20
    while time.monotonic() < end and not (data.endswith(b"\n") and
                                          (data.startswith((b"ok", b"error")) or b"\nok" in data or b"\nerror" in data)):
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            break
        data += b
    sys.stdout.write(data.decode("utf-8", "replace"))


def main():
    mode = sys.argv[1]
    if mode == "ask":
        ask(sys.argv[2], sys.argv[3])
    elif mode == "long":
        long_line(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "hold":
        hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "flood":
        flood(sys.argv[2], float(sys.argv[3]), False)
    elif mode == "readflood":
        flood(sys.argv[2], float(sys.argv[3]), True)
    elif mode == "slow":
        slow(sys.argv[2], float(sys.argv[3]))
    elif mode == "storm":
        storm(sys.argv[2], int(sys.argv[3]))
    elif mode == "alertlat":
        alertlat(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif mode == "file":
        send_file(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif mode == "rss":
        rss(sys.argv[2])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
