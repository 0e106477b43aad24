# One render never holds up the event loop, and a render that fails is told
# once (issue 13 #3 and #9):
#  - the largest text check allows (4096 bytes, a live field so it is laid
#    out again every second) plays while another board keeps its frame rate;
#  - a poster file broken after start: a reload is refused with the line;
#    when the item comes up, one log line names the board, item and reason,
#    however many frames and turns it fails;
#  - a reload to a 1 MiB text is refused with its file:line (it used to be
#    accepted and then froze the loop: no frames, SIGTERM ignored);
#  - SIGTERM is answered at once.
# serial: counts a board's frames in 2 s and 1 s beside the largest text
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port); P3=$(free_port)

/usr/bin/python3 - "$TMP" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
rows = b"".join(b"\0" + bytes(v for x in range(64) for v in ((x * 4) & 255, (255 - x * 4) & 255, 128))
                for y in range(32))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 32, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(d + "/good.png", "wb").write(png)
open(d + "/later.png", "wb").write(png)
for i in range(1, 9):
    open(d + "/p%d.png" % i, "wb").write(png)
# the largest text check allows: 4096 bytes of Chinese and a live field
unit = "网络安全为人民，网络安全靠人民。"          # 16 characters, 48 bytes
text = "{time} " + unit * ((4096 - 7) // len(unit.encode()))
text += "安" * ((4096 - len(text.encode())) // 3)
text += "!" * (4096 - len(text.encode()))
assert len(text.encode()) == 4096
open(d + "/longtext", "w").write(text)
PY

config() {   # config TEXT-FILE
	cat >"$TMP/play.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "big"; width = 192; height = 64; format = "rgb888"; address = "tcp:127.0.0.1:$P1"; },
  { name = "tick"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:$P2"; },
  { name = "wall"; width = 64; height = 32; format = "rgb888"; address = "tcp:127.0.0.1:$P3"; }
);
content = (
  { name = "long"; text = "$(cat "$1")"; duration = 60.0; },
  { name = "scroll"; text = "frames keep coming"; effect = "scroll-left"; speed = 40.0; },
  { name = "g1"; image = "p1.png"; duration = 1.0; }, { name = "g2"; image = "p2.png"; duration = 1.0; },
  { name = "g3"; image = "p3.png"; duration = 1.0; }, { name = "g4"; image = "p4.png"; duration = 1.0; },
  { name = "g5"; image = "p5.png"; duration = 1.0; }, { name = "g6"; image = "p6.png"; duration = 1.0; },
  { name = "g7"; image = "p7.png"; duration = 1.0; }, { name = "g8"; image = "p8.png"; duration = 1.0; },
  { name = "later"; image = "later.png"; effect = "scroll-left"; duration = 1.0; }
);
playlists = ( { name = "pl"; items = ["long"]; }, { name = "ps"; items = ["scroll"]; },
              { name = "pw"; items = ["g1", "g2", "g3", "g4", "later", "g5", "g6", "g7", "g8"]; } );
schedule = ( { playlist = "pl"; boards = ["big"]; }, { playlist = "ps"; boards = ["tick"]; },
             { playlist = "pw"; boards = ["wall"]; } );
EOF
}
config "$TMP/longtext"
$L check "$TMP/play.cfg" >/dev/null || fail "the largest allowed text does not pass check"
for b in big tick wall; do mkdir -p "$TMP/snap-$b"; done
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 192x64 --format rgb888 --snapshot "$TMP/snap-big" 2>/dev/null &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P2" --size 64x16 --format mono --snapshot "$TMP/snap-tick" --keep 2>/dev/null &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P3" --size 64x32 --format rgb888 --snapshot "$TMP/snap-wall" 2>/dev/null &
PIDS="$PIDS $!"
sleep 0.3
$L play "$TMP/play.cfg" --foreground --duration 90 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
# Once the daemon is up (its start-up check decoded every poster), "later"
# is truncated.  The renderer's poster cache looks at the file again (at most
# once a second), so the next turn meets it broken, whether or not "later"
# was still cached: CI once started the playlist at "later", and with the
# other posters stored on the board it stayed cached and was never re-read.
wait_file "$TMP/snap-wall/latest.png" || { cat "$TMP/daemon.log"; fail "wall showed nothing"; }
head -c 100 "$TMP/good.png" >"$TMP/later.png"
wait_file "$TMP/snap-big/latest.png" || { cat "$TMP/daemon.log"; fail "the long text never showed"; }
wait_file "$TMP/snap-tick/latest.png" || fail "tick showed nothing"
$B/tools/pngcmp --lit "$TMP/snap-big/latest.png" || fail "the long text board is dark"

frames() { ls "$TMP/snap-tick" | grep -c '^frame-'; }
# tick scrolls at 30 fps; over 2 s of the long text laid out again every
# second, ask for a third of that (a loaded machine)
a=$(frames); sleep 2; b=$(frames)
echo "tick: $((b - a)) frames in 2 s beside the largest text"
[ $((b - a)) -ge 20 ] || fail "tick got $((b - a)) frames in 2 s beside the largest text"

# The poster broken after start: reload refuses it, with the line.
line=$(grep -n 'name = "later"' "$TMP/play.cfg" | cut -d: -f1)
if $L reload --run-dir "$TMP/run" 2>"$TMP/reload1.err"; then fail "reload with a truncated poster succeeded"; fi
cat "$TMP/reload1.err"
grep -q "play.cfg:$line: .*later.png.*truncated" "$TMP/reload1.err" || fail "reload did not name line $line"
grep -q "keeping the running configuration" "$TMP/daemon.log" || fail "no 'keeping' line"
# ...and at run time, when "later" comes up (every 9 s; it scrolls, so it
# fails on every frame), one line names board, item and reason
n=300   # up to 30 s: "later" comes every 9 s, and a loaded machine runs late
until grep -q "wall: cannot render later" "$TMP/daemon.log"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "the broken poster was never logged"; }; sleep 0.1
done
# one more turn of "later": read again, failing again, not logged again
turns=$(grep -c "wall: now showing later" "$TMP/daemon.log")
n=120
until [ "$(grep -c "wall: now showing later" "$TMP/daemon.log")" -gt "$turns" ]; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "later did not come round again"; }; sleep 0.1
done
sleep 0.5
grep "cannot render" "$TMP/daemon.log"
grep -q "wall: cannot render later: .*later.png.*truncated" "$TMP/daemon.log" || fail "the log line lacks the reason"
[ "$(grep -c 'cannot render' "$TMP/daemon.log")" -eq 1 ] || fail "the broken poster was logged more than once"
cp "$TMP/good.png" "$TMP/later.png"

# A 1 MiB text: refused at reload, with its line; frames go on.
head -c 1048576 /dev/zero | tr '\0' 'x' >"$TMP/hugetext"
config "$TMP/hugetext"
line=$(grep -n 'name = "long"' "$TMP/play.cfg" | cut -d: -f1)
if $L reload --run-dir "$TMP/run" 2>"$TMP/reload2.err"; then fail "reload to a 1 MiB text succeeded"; fi
grep -q "play.cfg:$line: .*text is 1048576 bytes, more than the limit of 4096" "$TMP/reload2.err" ||
	{ cat "$TMP/reload2.err"; fail "reload did not name the long text's line"; }
a=$(frames); sleep 1; b=$(frames)
[ $((b - a)) -ge 10 ] || fail "tick got $((b - a)) frames in the second after the refused reload"

# SIGTERM is answered at once.
kill -TERM "$DAEMON"
n=30
while kill -0 "$DAEMON" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the daemon ignored SIGTERM for 3 s"; sleep 0.1
done
echo ok
