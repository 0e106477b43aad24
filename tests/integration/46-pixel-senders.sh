# Successive senders to one E1.31 or DDP board are all shown (issue 15, items
# 1 and 6).  ledboard applies the receivers' rules: E1.31 sequence numbers
# per source CID (a packet 0..19 behind the last from that source is
# dropped), DDP's straggler rule (a packet 1..4 behind the last push is
# dropped, as WLED does).  Send after send, send while `play` runs, and play
# after a restart must each change the picture.
#
# Two senders share the board while `play` runs: play repaints its own
# picture at its next frame (its keepalive, 1 s at most), so a `send` in
# between is on the board only until then, possibly for a few ms.  What
# must hold is that the board took and showed send's picture, so that check
# reads the board's frame history (--keep), not whatever is on it when a
# poll happens to look (docs/protocols.md, "Two senders at once").
. tests/lib.sh
L=$B/ledsign
PE=$(free_port)
PD=$(free_port)
cat >"$TMP/t.cfg" <<CFG
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "e"; width = 64; height = 8; format = "rgb888"; protocol = "e131";
    address = "udp:127.0.0.1:$PE"; universe = 3; },
  { name = "d"; width = 32; height = 16; format = "rgb888"; protocol = "ddp";
    address = "udp:127.0.0.1:$PD"; }
);
content = (
  { name = "red";   text = "R"; color = "#FF0000"; background = "#FF0000"; },
  { name = "green"; text = "G"; color = "#00FF00"; background = "#00FF00"; },
  { name = "blue";  text = "B"; color = "#0000FF"; background = "#0000FF"; }
);
fallback = "p";
playlists = ( { name = "p"; items = ["green"]; } );
schedule = ( );
CFG
$L check "$TMP/t.cfg" >/dev/null || fail "config does not check"

mkdir -p "$TMP/se" "$TMP/sd"
$B/ledboard --listen "udp:127.0.0.1:$PE" --size 64x8 --format rgb888 --protocol "e131:universe=3" \
    --snapshot "$TMP/se" --keep 2>"$TMP/be.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "udp:127.0.0.1:$PD" --size 32x16 --format rgb888 --protocol ddp \
    --snapshot "$TMP/sd" --keep 2>"$TMP/bd.log" &
PIDS="$PIDS $!"
sleep 0.3

# What a picture shows: "red", "green", "blue", or "mixed" when part of it is
# from another frame.  shows FILE prints it for one PNG.  wait_shows DIR
# COLOUR AFTER waits up to 15 s for a frame numbered above AFTER (a board's
# frame-NNNNNN.png, kept by --keep) that shows COLOUR, or (AFTER = latest)
# for latest.png to show it, and prints what the board showed last.  One
# Python process polls, so a loaded machine does not stretch the poll.
wait_shows() { /usr/bin/python3 - "$@" <<'PY'
import glob, os, sys, time
from PIL import Image
d, want, after = sys.argv[1], sys.argv[2], sys.argv[3]
names = {(255, 0, 0): "red", (0, 255, 0): "green", (0, 0, 255): "blue"}
def shows(path):
    try:
        px = set(Image.open(path).convert("RGB").getdata())
    except Exception:
        return "nothing"
    return names.get(px.pop(), "other") if len(px) == 1 else "mixed"
def frame_no(path):
    return int(os.path.basename(path)[6:-4])
deadline = time.monotonic() + 15
seen = {}
while True:
    if after == "latest":
        got = shows(os.path.join(d, "latest.png"))
        if got == want:
            break
    else:
        for f in glob.glob(os.path.join(d, "frame-*.png")):
            if frame_no(f) > int(after) and f not in seen:
                seen[f] = shows(f)
        if want in seen.values():
            got = want
            break
        got = ",".join(seen[f] for f in sorted(seen)) or "no new frame"
    if time.monotonic() > deadline:
        break
    time.sleep(0.05)
print(got)
PY
}
# The number of the last frame board DIR showed (0 before the first).
last_frame() {
	ls "$TMP/$1" | sed -n 's/^frame-0*\([0-9][0-9]*\)\.png$/\1/p' | sort -n | tail -1 | grep . || echo 0
}
# Wait until board DIR shows COLOUR.
expect() {
	got=$(wait_shows "$TMP/$1" "$2" latest)
	[ "$got" = "$2" ] || { tail -5 "$TMP/b${1#s}.log"; fail "$3: board shows $got, want $2"; }
}
# Wait until board DIR has shown COLOUR in a frame after frame AFTER.
expect_shown() {
	got=$(wait_shows "$TMP/$1" "$2" "$3")
	[ "$got" = "$2" ] || { tail -12 "$TMP/b${1#s}.log"; fail "$4: board showed $got after frame $3, want $2"; }
}

for b in e d; do
	$L send "$TMP/t.cfg" --board $b --item red >/dev/null || fail "send red to $b"
	expect s$b red "first send to $b"
	$L send "$TMP/t.cfg" --board $b --item blue >/dev/null || fail "send blue to $b"
	expect s$b blue "a second send to $b right after the first"
	$L send "$TMP/t.cfg" --board $b --item red >/dev/null || fail "send red to $b"
	expect s$b red "a third send to $b"
done
grep -q "dropped\|ignored" "$TMP/be.log" && echo "(e1.31 board ignored some packets, as a receiver may)"

# play shows green; a send in between is shown; play after a restart is shown.
timeout 20 $L play "$TMP/t.cfg" --foreground --duration 3 2>"$TMP/play1.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
expect se green "play"
expect sd green "play"
for b in e d; do
	n=$(last_frame s$b)
	$L send "$TMP/t.cfg" --board $b --item blue >/dev/null || fail "send while play runs"
	expect_shown s$b blue "$n" "send to $b while play runs"
done
wait $PLAY || { cat "$TMP/play1.log"; fail "play failed"; }
for b in e d; do
	$L send "$TMP/t.cfg" --board $b --item red >/dev/null || fail "send after play"
	expect s$b red "send to $b after play stopped"
done
timeout 20 $L play "$TMP/t.cfg" --foreground --duration 2 2>"$TMP/play2.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
expect se green "play started again"
expect sd green "play started again"
wait $PLAY || { cat "$TMP/play2.log"; fail "second play failed"; }
echo "every sender was shown: send after send, send during play, play after a restart (e1.31, ddp)"
