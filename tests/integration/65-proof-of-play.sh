# Proof of play: the controller records what each board acknowledged
# (board, item, rule, start, end, frames) in state_dir/proof.db, and
# `ledsign report` adds it up.  Two simulated boards each show a fixed
# number of frames and then go away; an alert comes and goes in between.
# The report for the test's period adds up, board by board, to exactly the
# frames the boards showed (and acknowledged); the alert is on the
# timeline; --groups, --boards, a period with nothing in it, and the PNG
# chart.  Those two are LSP 1.0 boards (no PROGRAMME capability), so every
# frame they show is streamed; a third, a 1.1 board, plays its stored
# programme by itself and is sent only pings: its play is counted from its
# acknowledgements all the same, with hours and (almost) no frames.
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port); P3=$(free_port)
V10="--caps rle,rowxor,delta,page,brightness,power,clock"
N1=120; N2=75
cat >"$TMP/play.cfg" <<CFG
timezone = "UTC";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "gate"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; groups = ["outdoor"]; },
  { name = "hall"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P2"; groups = ["indoor"]; },
  { name = "yard"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P3"; groups = ["outdoor"]; }
);
content = ( { name = "theme"; text = "网络安全为人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "week"; items = ["theme"]; } );
schedule = ( { name = "always"; playlist = "week"; boards = ["all"]; } );
CFG
$L check "$TMP/play.cfg" >/dev/null || fail "config does not check"
FROM=$(date -u +"%Y-%m-%d %H:%M:%S")
mkdir -p "$TMP/s1" "$TMP/s2" "$TMP/s3"
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/s1" $V10 --exit-after $N1 2>"$TMP/b1.log" &
B1=$!; PIDS="$PIDS $B1"
$B/ledboard --listen "tcp:127.0.0.1:$P2" --size 64x16 --format mono --snapshot "$TMP/s2" $V10 --exit-after $N2 2>"$TMP/b2.log" &
B2=$!; PIDS="$PIDS $B2"
$B/ledboard --listen "tcp:127.0.0.1:$P3" --size 64x16 --format mono --snapshot "$TMP/s3" --quiet 2>"$TMP/b3.log" &
B3=$!; PIDS="$PIDS $B3"
$L play "$TMP/play.cfg" --foreground --duration 60 2>"$TMP/daemon.log" &
D=$!; PIDS="$PIDS $D"
watch_events "$TMP/run/control.sock" "$TMP/ev"
wait_event "$TMP/ev" 'type=item_start .* board=gate ' || fail "gate never started"
sleep 1
$L alert "Fire drill" --id drill-1 --level warning --boards gate --config "$TMP/play.cfg" >/dev/null || fail "alert"
wait_event "$TMP/ev" 'type=item_start .* board=gate item=alert:warning ' || fail "gate did not show the alert"
sleep 1
$L clear drill-1 --config "$TMP/play.cfg" >/dev/null || fail "clear"
wait_event "$TMP/ev" 'type=alert_cleared .* id=drill-1 ' || fail "no clear"
# the boards stop by themselves after their frames
n=300; while kill -0 $B1 2>/dev/null || kill -0 $B2 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the boards did not show their frames"; sleep 0.1; done
S1=$(grep -c "frame [0-9]* shown" "$TMP/b1.log"); S2=$(grep -c "frame [0-9]* shown" "$TMP/b2.log")
[ "$S1" = $N1 ] && [ "$S2" = $N2 ] || fail "boards showed $S1 and $S2 frames"
# the report while the daemon still runs (rows reach the file within a second)
sleep 2
TO=$(date -u -d "+1 minute" +"%Y-%m-%d %H:%M:%S")
$L report "$TMP/play.cfg" --from "$FROM" --to "$TO" -o "$TMP/live.csv" >/dev/null || fail "report while running"
kill $D; wait $D || fail "daemon did not stop cleanly"
$L report "$TMP/play.cfg" --from "$FROM" --to "$TO" -o "$TMP/r.csv" >"$TMP/r.out" 2>"$TMP/r.err" || { cat "$TMP/r.err"; fail "report"; }
cat "$TMP/r.csv"
sum() { awk -F, -v b="$2" 'NF == 0 { exit } $1 == b { f += $5 } END { print f + 0 }' "$1"; }
[ "$(sum "$TMP/r.csv" gate)" = $N1 ] || fail "gate: report says $(sum "$TMP/r.csv" gate) frames, the board showed $N1"
[ "$(sum "$TMP/r.csv" hall)" = $N2 ] || fail "hall: report says $(sum "$TMP/r.csv" hall) frames, the board showed $N2"
[ "$(sum "$TMP/live.csv" hall)" = $N2 ] || fail "the report made while the daemon ran missed frames"
# the gate's frames are split between the theme and the alert, under their rules
grep -Eq '^gate,theme,[0-9.]+,[0-9.]+,[1-9][0-9]*,[2-9]' "$TMP/r.csv" || fail "gate's theme should be two plays (before and after the alert)"
grep -Eq '^gate,alert:warning,[0-9.]+,[0-9.]+,[1-9][0-9]*,1$' "$TMP/r.csv" || fail "the alert's frames are not on the gate"
grep -q '^hall,alert' "$TMP/r.csv" && fail "hall was not targeted but has alert frames"
# the board on its stored programme: a play as long as it was up, though hardly any frame was sent
awk -F, 'NF == 0 { exit } $1 == "yard" && $2 == "theme" { s += $4; f += $5 } END { if (s < 4 || f > 10) { print "yard: " s " s, " f " frames"; exit 1 } }' "$TMP/r.csv" ||
	fail "the board playing its stored programme has no proof of play"
grep -q 'stored' "$TMP/daemon.log" || true
# hours: each board's seconds are at most the time it was up, and more than its frames at 30 fps take
awk -F, 'NF == 0 { exit } NR > 1 { s[$1] += $4 } END { if (s["gate"] < 3 || s["gate"] > 30 || s["hall"] < 2 || s["hall"] > 30) exit 1 }' "$TMP/r.csv" ||
	fail "implausible seconds"
# the alert timeline: raised then cleared
grep -Eq '^[0-9-]+ [0-9:]+,,drill-1,raised,warning,gate$' "$TMP/r.csv" || fail "no raised on the timeline"
grep -Eq '^[0-9-]+ [0-9:]+,,drill-1,cleared,warning,gate$' "$TMP/r.csv" || fail "no cleared on the timeline"
# by group, and only some boards
$L report "$TMP/play.cfg" --from "$FROM" --to "$TO" --groups indoor,outdoor >"$TMP/g.csv" || fail "report --groups"
head -1 "$TMP/g.csv" | grep -q '^group,item,' || fail "no group column"
[ "$(sum "$TMP/g.csv" outdoor)" = $(( N1 + $(sum "$TMP/r.csv" yard) )) ] && [ "$(sum "$TMP/g.csv" indoor)" = $N2 ] || { cat "$TMP/g.csv"; fail "group sums"; }
$L report "$TMP/play.cfg" --from "$FROM" --to "$TO" --boards hall >"$TMP/h.csv" || fail "report --boards"
grep -q '^gate,' "$TMP/h.csv" && fail "--boards hall listed gate"
[ "$(sum "$TMP/h.csv" hall)" = $N2 ] || fail "--boards hall"
# a period before anything happened: no rows, no alerts
$L report "$TMP/play.cfg" --from "2020-01-01 00:00" --to "2020-01-02 00:00" >"$TMP/e.csv" || fail "empty report"
[ "$(wc -l <"$TMP/e.csv")" = 3 ] || { cat "$TMP/e.csv"; fail "a period with nothing in it has rows"; }
# the chart
$L report "$TMP/play.cfg" --from "$FROM" --to "$TO" -o "$TMP/r.png" >/dev/null || fail "report -o png"
[ "$(head -c 8 "$TMP/r.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "not a PNG"
[ "$(stat -c %s "$TMP/r.png")" -gt 5000 ] || fail "the chart is too small to hold anything"
# bad input is refused with a reason
$L report "$TMP/play.cfg" --from "yesterday" 2>"$TMP/bad.err" && fail "a bad --from was taken"
grep -q 'YYYY-MM-DD HH:MM' "$TMP/bad.err" || fail "no reason for the bad --from"
$L report "$TMP/play.cfg" -o "$TMP/r.txt" 2>"$TMP/bad2.err" && fail "an unknown output type was taken"
grep -q '.csv or .png' "$TMP/bad2.err" || fail "no reason for the output type"
echo "proof of play: $N1 + $N2 acknowledged frames = the report's; a stored programme's play from its pings; alert on the timeline; groups, boards, PNG"
