# Successive senders to one E1.31 or DDP board are all shown (issue 15, items
# 1 and 6).  ledboard applies the receivers' rules: E1.31 sequence numbers
# per source CID (a packet 0..19 behind the last from that source is
# dropped), DDP's straggler rule (a packet 1..4 behind the last push is
# dropped, as WLED does).  Send after send, send while `play` runs, and play
# after a restart must each change the picture.
. tests/lib.sh
L=$B/ledsign
PE=$(free_port)
PD=$(free_port)
cat >"$TMP/t.cfg" <<CFG
timezone = "Asia/Shanghai";
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
    --snapshot "$TMP/se" 2>"$TMP/be.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "udp:127.0.0.1:$PD" --size 32x16 --format rgb888 --protocol ddp \
    --snapshot "$TMP/sd" 2>"$TMP/bd.log" &
PIDS="$PIDS $!"
sleep 0.3

# What the board shows: "red", "green", "blue", or "mixed" when part of the
# picture is from another frame.
shows() { /usr/bin/python3 - "$1" <<'PY'
import sys
from PIL import Image
try:
    px = set(Image.open(sys.argv[1]).convert("RGB").getdata())
except Exception:
    print("nothing"); sys.exit(0)
names = {(255, 0, 0): "red", (0, 255, 0): "green", (0, 0, 255): "blue"}
print(names.get(px.pop(), "other") if len(px) == 1 else "mixed")
PY
}
# Wait up to 3 s until board DIR shows COLOUR.
expect() {
	n=30
	while [ "$(shows "$TMP/$1/latest.png")" != "$2" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	got=$(shows "$TMP/$1/latest.png")
	[ "$got" = "$2" ] || { tail -5 "$TMP/b${1#s}.log"; fail "$3: board shows $got, want $2"; }
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
	$L send "$TMP/t.cfg" --board $b --item blue >/dev/null || fail "send while play runs"
	expect s$b blue "send to $b while play runs"
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
