# A Wednesday-only poster in an everyday playlist (weekdays on a playlist
# entry): check accepts it, `schedule --at` shows it on Wednesday and not on
# Tuesday, and the controller plays it on Wednesday (the board's own pixels
# are the poster's) and never on Tuesday.
. tests/lib.sh
L=$B/ledsign
cp -r content/posters "$TMP/posters"
P=$(free_port)
cat >"$TMP/w.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = ( { name = "b"; width = 128; height = 64; format = "rgb888"; address = "tcp:127.0.0.1:$P"; } );
content = ( { name = "theme"; text = "网络安全为人民"; duration = 2.0; },
            { name = "poster"; image = "posters/privacy-128x64.png"; duration = 2.0; } );
playlists = ( { name = "week"; items = ( "theme", { item = "poster"; weekdays = ["wed"]; } ); } );
schedule = ( { name = "all-week"; playlist = "week"; boards = ["all"]; } );
EOF
$L check "$TMP/w.cfg" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "check refused weekdays on an item"; }
grep -q "configuration OK" "$TMP/check.out" || fail "check: not OK"
grep -q warning "$TMP/check.out" && { cat "$TMP/check.out"; fail "check warns"; }
# the cycle is theme 2 s, then (Wednesdays) poster 2 s, from midnight
$L schedule "$TMP/w.cfg" --at "2023-09-13 10:00:02" >"$TMP/wed" || fail "schedule --at Wednesday"
grep -q "2:poster" "$TMP/wed" || { cat "$TMP/wed"; fail "Wednesday 10:00:02 does not show the poster"; }
grep -q "of 4s" "$TMP/wed" || { cat "$TMP/wed"; fail "Wednesday's cycle is not theme + poster"; }
$L schedule "$TMP/w.cfg" --at "2023-09-12 10:00:02" >"$TMP/tue" || fail "schedule --at Tuesday"
grep -q "1:theme" "$TMP/tue" || { cat "$TMP/tue"; fail "Tuesday does not show the theme"; }
grep -q "of 2s" "$TMP/tue" || { cat "$TMP/tue"; fail "Tuesday's cycle has more than the theme"; }
# a rule whose playlist is Wednesday-only takes the board on Wednesdays and
# yields on the other days: the week's plan shows it so
sed -e 's|^playlists = ( |playlists = ( { name = "wed"; items = ( { item = "poster"; weekdays = ["wed"]; } ); }, |' \
    -e 's|^schedule = ( |schedule = ( { name = "wed-only"; playlist = "wed"; boards = ["all"]; priority = 5; }, |' \
    "$TMP/w.cfg" >"$TMP/w2.cfg"
$L check "$TMP/w2.cfg" >"$TMP/check2.out" 2>&1 || { cat "$TMP/check2.out"; fail "check of the Wednesday rule"; }
$L schedule "$TMP/w2.cfg" --week 2023-09-11 >"$TMP/week" || fail "schedule --week"
/usr/bin/python3 - "$TMP/week" <<'PY' || { cat "$TMP/week"; fail "the week's plan does not give Wednesday to wed-only"; }
import sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
head = [l for l in lines if 'Mon 09-11' in l][0]
noon = [l for l in lines if l.startswith('12:00  ')][0]
col = lambda d: noon[head.index(d):head.index(d) + 12].strip()
assert col('Wed 09-13') == 'wed-only', col('Wed 09-13')
for d in ('Mon 09-11', 'Tue 09-12', 'Thu 09-14', 'Sun 09-17'):
    assert col(d) == 'all-week', (d, col(d))
PY
$L preview "$TMP/w.cfg" --board b --item poster --raw -o "$TMP/poster.png" || fail "preview poster"

play_day() {   # play_day NAME "YYYY-MM-DD": 5 s of the campaign from 10:00 that day
	rm -rf "$TMP/run" "$TMP/snap-$1"; mkdir -p "$TMP/snap-$1"
	$B/ledboard --listen "tcp:127.0.0.1:$P" --size 128x64 --format rgb888 --snapshot "$TMP/snap-$1" --keep \
	    2>"$TMP/board-$1.log" &
	BOARD=$!
	PIDS="$PIDS $BOARD"
	sleep 0.3
	timeout 30 $L play "$TMP/w.cfg" --foreground --start-at "$2 10:00" --until "$2 10:00:05" 2>"$TMP/daemon-$1.log" &
	PLAY=$!
	PIDS="$PIDS $PLAY"
	watch_events "$TMP/run/control.sock" "$TMP/events-$1"
	wait $PLAY || { cat "$TMP/daemon-$1.log"; fail "$1: play failed"; }
	wait $WATCH
	kill $BOARD; wait $BOARD 2>/dev/null
}
play_day wed 2023-09-13
grep -Eq "^type=item_start .* board=b item=poster " "$TMP/events-wed" || { cat "$TMP/events-wed"; fail "Wednesday: the poster never started"; }
shown=0
for f in "$TMP"/snap-wed/frame-*; do
	$B/tools/pngcmp "$f" "$TMP/poster.png" 2>/dev/null && { shown=1; break; }
done
[ $shown -eq 1 ] || fail "Wednesday: the board never showed the poster's pixels"
play_day tue 2023-09-12
grep -Eq "^type=item_start .* board=b item=theme " "$TMP/events-tue" || fail "Tuesday: the theme never started"
grep -Eq "item=poster" "$TMP/events-tue" && fail "Tuesday: the Wednesday poster played"
for f in "$TMP"/snap-tue/frame-*; do
	$B/tools/pngcmp "$f" "$TMP/poster.png" 2>/dev/null && fail "Tuesday: the board showed the poster"
done
echo "ok"
