# An uploaded poster is decoded by a checker process, not on the
# controller's loop: a 7.8-Mpixel 16-bit PNG takes 0.2 s to decode, and a
# request sent while it is checked (status here; an alert the same) is
# answered long before the upload is (in the first half of its time),
# where on the loop it waited for the whole decode.  The checker is the controller's program started afresh
# (`png-check FILE`), and the poster is still kept, its size reported.
# serial: compares the answer times of two requests
. tests/lib.sh
. tests/alert-lib.sh
. tests/lib-staff.sh
staff_config
L=$(world_ledsign) || fail "cannot copy the programs"
start_boards
start_daemon
convert -size 2800x2800 -depth 16 gradient:red-blue "PNG48:$TMP/big.png" ||
    fail "cannot make the test poster (ImageMagick's convert)"
$PY - "$SOCK" "$TMP/big.png" "$DAEMON" >"$TMP/order" <<'PYEOF' || fail "the race script failed: $(cat "$TMP/order")"
import base64, os, socket, sys, time
sock, png, daemon = sys.argv[1], sys.argv[2], sys.argv[3]

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.settimeout(20)
    return s

def answer(s):
    data = b""
    while not data.endswith(b"\n"):
        b = s.recv(65536)
        if not b:
            break
        data += b
    return data.decode()

up = connect()
data = base64.b64encode(open(png, "rb").read()).decode()
up.sendall(("ledsign-control/1 staff-poster v=1 name=big.png actor=alice data=%s\n" % data).encode())
# while the poster is decoded, status answers
time.sleep(0.03)
st = connect()
t0 = time.monotonic()
st.sendall(b"ledsign-control/1 status\n")
a_st = answer(st)
t_st = time.monotonic()
# and a checker process decodes it
checker = ""
end = time.monotonic() + 2
while time.monotonic() < end and not checker and up.fileno() >= 0:
    for p in os.popen("pgrep -P %s" % daemon).read().split():
        try:
            cl = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if " png-check " in cl:
            checker = cl
    if not checker:
        time.sleep(0.002)
        up.setblocking(False)
        try:
            if up.recv(1, socket.MSG_PEEK):
                break          # answered already: no checker to see
        except BlockingIOError:
            pass
        up.setblocking(True)
        up.settimeout(20)
up.setblocking(True)
up.settimeout(20)
a_up = answer(up)
t_up = time.monotonic()
print("checker", checker or "none")
print("status_ms %.1f upload_ms %.1f" % ((t_st - t0) * 1000, (t_up - t0) * 1000))
print("status", a_st.split(" ")[0])
print("upload", a_up.strip()[:200])
# on the loop, status waited for the whole decode (260 of 281 ms); off it,
# it answers in the first half of the upload's time whatever the load
print("order", "status-first" if (t_st - t0) < 0.5 * (t_up - t0) else "status-waited")
PYEOF
cat "$TMP/order" >&2
grep -q "^checker ledsign png-check " "$TMP/order" || fail "no 'ledsign png-check' process decoded the poster"
grep -q "^status ok" "$TMP/order" || fail "status did not answer"
grep -q "^upload ok version=1 image=posters/big.png width=2800 height=2800" "$TMP/order" || fail "the poster was not kept"
grep -q "^order status-first" "$TMP/order" || fail "status waited for the poster's decoding"
cmp "$TMP/conf/posters/big.png" "$TMP/big.png" || fail "the poster kept is not the one sent"
[ "$(ls -A "$TMP/conf/posters")" = "big.png" ] || fail "posters/ holds more than big.png: $(ls -A "$TMP/conf/posters")"
# an upgrade replaces the programs under the running controller: the next
# checker is started from the path it was started from, not from the
# replaced file's "PATH (deleted)"
for f in ledsign-play ledsign-full ledsign; do
	cp "$TMP/bin/$f" "$TMP/bin/$f.new" && mv "$TMP/bin/$f.new" "$TMP/bin/$f" || fail "cannot replace $f"
done
readlink "/proc/$DAEMON/exe" | grep -q "(deleted)" || fail "the replaced program is not shown as deleted"
$PY -c "
from PIL import Image; import sys
Image.new('RGB', (64, 16), (0, 0, 255)).save(sys.argv[1])" "$TMP/blue.png"
out=$(ask "staff-poster v=1 name=blue.png data=$(base64 -w0 "$TMP/blue.png")")
echo "$out" | grep -q "^ok version=1 image=posters/blue.png width=64 height=16" ||
    fail "after the programs were replaced, a poster was not checked: $out"
echo "poster-check-async: ok"
