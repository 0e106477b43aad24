# What a console save costs the controller's event loop: a staff-save of
# the sample campaign (6 boards, 27 items, 5 posters, 15 rules) is checked
# whole (the checker of `ledsign check`), written, versioned and reloaded
# on the loop; the boards wait that long for their next frame.  Prints
#   BENCH staff-save-ms        median round trip of 10 saves (each a change)
#   BENCH staff-save-loop-max-ms  the longest a `status` request, sent every 5 ms
#                                 during the saves, waited: how long the loop was held
#   BENCH reload-loop-max-ms      the same during 10 plain reloads (a save ends in one)
#   BENCH staff-check-ms       median `ledsign check` of the same config (the check alone, a process of its own)
#   BENCH staff-why-ms         median `why v=1` for every board
. tests/lib.sh
L=$B/ledsign
SOCK=$TMP/run/control.sock
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
sed -i "s|^timezone = .*|&\ncontrol_socket = \"$SOCK\";\nstate_dir = \"$TMP/state\";|" "$CFG"
$L check "$CFG" >/dev/null || fail "bench config does not check"
$L play "$CFG" --foreground 2>"$TMP/daemon.log" &
PIDS="$PIDS $!"
n=100
until $L alerts --socket "$SOCK" >/dev/null 2>&1; do n=$((n - 1)); [ $n -gt 0 ] || fail "no daemon"; sleep 0.1; done
/usr/bin/python3 - "$SOCK" "$TMP/content/campaign-week.staff.cfg" "$L" "$CFG" <<'PY'
import socket, statistics, subprocess, sys, threading, time
sock, staff, ledsign, cfg = sys.argv[1:5]
def pct(b):
    return "".join(chr(c) if c > 0x20 and c != 0x7f and c not in b"%=" and c < 0x80 else "%%%02X" % c for c in b)
def ask(line):
    s = socket.socket(socket.AF_UNIX); s.connect(sock); s.sendall(line.encode() + b"\n")
    data = b""
    while not (data.endswith(b"\n") and (data.startswith((b"ok", b"error")) or b"\nok" in data or b"\nerror" in data)):
        b = s.recv(1 << 16)
        if not b:
            break
        data += b
    s.close()
    return data
text = open(staff, "rb").read()
lat, stop = [], threading.Event()
def pinger():
    while not stop.is_set():
        t0 = time.monotonic()
        ask("ledsign-control/1 status")
        lat.append((time.monotonic() - t0) * 1000)
        time.sleep(0.005)
th = threading.Thread(target=pinger)
th.start()
saves = []
for i in range(10):
    t = text.replace(b'"\xe5\x85\xb1\xe5\xbb\xba', ('"%d' % i).encode() + b'\xe5\x85\xb1\xe5\xbb\xba', 1)
    t0 = time.monotonic()
    a = ask("ledsign-control/1 staff-save v=1 actor=bench text=" + pct(t))
    saves.append((time.monotonic() - t0) * 1000)
    if b"\nok " not in b"\n" + a:
        sys.exit("save failed: " + a.decode()[-300:])
stop.set()
th.join()
save_lat = lat[:]
lat.clear()
stop.clear()
th = threading.Thread(target=pinger)
th.start()
for i in range(10):
    ask("ledsign-control/1 reload")
    time.sleep(0.05)
stop.set()
th.join()
reload_lat = lat[:]
checks = []
for i in range(5):
    t0 = time.monotonic()
    subprocess.run([ledsign, "check", cfg], capture_output=True)
    checks.append((time.monotonic() - t0) * 1000)
whys = []
for i in range(10):
    t0 = time.monotonic()
    ask("ledsign-control/1 why v=1")
    whys.append((time.monotonic() - t0) * 1000)
print("BENCH staff-save-ms %.1f ms" % statistics.median(saves))
print("BENCH staff-save-loop-max-ms %.1f ms" % max(save_lat))
print("BENCH reload-loop-max-ms %.1f ms" % max(reload_lat))
print("BENCH staff-check-ms %.1f ms" % statistics.median(checks))
print("BENCH staff-why-ms %.2f ms" % statistics.median(whys))
PY
