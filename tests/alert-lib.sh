# Helpers for the alert integration tests (tests/integration/7*-alert-*.sh).
# Source after tests/lib.sh.  Two simulated boards on loopback TCP:
#   hall  64x16 rgb888, group north;  gate  64x16 rgb888, group south.
# The schedule shows green "OK" on both; alerts are told apart by colour
# (emergency = red background, info = dark blue).
L=$B/ledsign
SOCK=$TMP/run/control.sock
CFG=$TMP/alerts.cfg
PY=/usr/bin/python3

alert_config() {   # [extra settings...]
	HALL_PORT=$(free_port)
	GATE_PORT=$(free_port)
	cat >"$CFG" <<CFGEOF
control_socket = "$SOCK";
state_dir = "$TMP/state";
fallback = "normal";
$*
boards = (
$(hall_gate_boards)
);
content = ( { name = "ok"; text = "OK"; color = "green"; } );
playlists = ( { name = "normal"; items = ["ok"]; } );
CFGEOF
	$L check "$CFG" >/dev/null || fail "test config does not check"
}

# alert_many_boards N SINK: a "boards = (...);" block with hall and gate as
# alert_config has them and N 8x8 DDP boards f0..f<N-1> between them, sending
# on UDP to port SINK where nobody listens: N + 2 board sockets in all (the
# open-file limit tests 07 and 73).
alert_many_boards() {
	echo "boards = ("
	echo "  { name = \"hall\"; width = 64; height = 16; format = \"rgb888\"; protocol = \"lsp\";"
	echo "    address = \"tcp:127.0.0.1:$HALL_PORT\"; groups = [\"north\"]; },"
	i=0
	while [ $i -lt "$1" ]; do
		echo "  { name = \"f$i\"; width = 8; height = 8; format = \"rgb888\"; protocol = \"ddp\"; address = \"udp:127.0.0.1:$2\"; },"
		i=$((i + 1))
	done
	echo "  { name = \"gate\"; width = 64; height = 16; format = \"rgb888\"; protocol = \"lsp\";"
	echo "    address = \"tcp:127.0.0.1:$GATE_PORT\"; groups = [\"south\"]; }"
	echo ");"
}

start_boards() {
	start_snapshot_board hall rgb888 "$HALL_PORT"
	start_snapshot_board gate rgb888 "$GATE_PORT"
	sleep 0.2
}

start_daemon() { start_play_daemon; }

# How many pixels of a board's latest snapshot have colour RRGGBB (hex).
count_colour() {   # board rrggbb
	$PY - "$TMP/snap-$1/latest.png" "$2" <<'PYEOF' 2>/dev/null || echo 0
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
want = tuple(int(sys.argv[2][i:i + 2], 16) for i in (0, 2, 4))
print(sum(1 for p in im.getdata() if p == want))
PYEOF
}

# Wait (up to $3 tenths of a second, default 50) until a board shows colour; flashing is allowed for.
wait_colour() {   # board rrggbb [tenths]
	n=${3:-50}
	while [ "$n" -gt 0 ]; do
		[ -e "$TMP/snap-$1/latest.png" ] && [ "$(count_colour "$1" "$2")" -gt 0 ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# True when the board shows no pixel of colour over a whole second (10 looks).
never_colour() {   # board rrggbb
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(count_colour "$1" "$2")" -eq 0 ] || return 1
		sleep 0.1
	done
	return 0
}

# fail, with the logs that explain it
afail() {
	echo "--- daemon log"; tail -n 25 "$TMP/daemon.log"
	for b in hall gate; do echo "--- board $b"; tail -n 5 "$TMP/board-$b.log"; done
	fail "$@"
}

# CAP files for the cap_dir and CAP-parser tests.  cap_typhoon FILE ID
# [PADDING-BYTES]: a valid CAP 1.2 Actual/Extreme alert "TYPHOON ID" (its
# ledsign id is cap-ID), padded with a comment to make it large.
cap_typhoon() {
	pad=""
	[ -n "${3:-}" ] && pad="<!-- $(head -c "$3" /dev/zero | tr '\0' x) -->"
	cat >"$1" <<CAPEOF
<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>$2</identifier>
  <sender>duty@school.example</sender>
  <sent>2026-01-01T08:00:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  $pad
  <info>
    <category>Met</category>
    <event>Typhoon</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Observed</certainty>
    <headline>TYPHOON $2</headline>
  </info>
</alert>
CAPEOF
}
# Drop a complete CAP file ID into $CAPD the proper way (written elsewhere,
# then renamed in).
cap_drop() { cap_typhoon "$TMP/$1.xml" "$1"; mv "$TMP/$1.xml" "$CAPD/$1.xml"; }
# Is cap-ID among the active alerts; wait up to 8 s until it is.
cap_active() { $L alerts --socket "$SOCK" 2>/dev/null | grep -q "cap-$1"; }
cap_wait_active() { n=80; until cap_active "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }
