# Screen areas end to end.  A three-area layout (clock strip, scrolling
# slogan, poster) on four simulated 128x32 boards, one per pixel format, over
# a pseudo-terminal, UDP and TCP: `ledsign send --layout` pushes frames of it
# and each board shows, bit for bit, what `ledsign preview --raw --layout`
# draws for the same moment (and what send says it sent).  Then the
# controller plays a layout chosen by a schedule rule: every board shows what
# `preview --all` draws, an alert takes the whole board, and after `clear`
# the layout is back, bit for bit; a reload that moves the areas reaches
# every board.
. tests/lib.sh
L=$B/ledsign
P=$B/tools/pngcmp
AT="2023-09-12 10:00"
cp tests/golden/render/poster.png "$TMP/poster.png"

# name format link
cat >"$TMP/boards.txt" <<'LIST'
m mono pty
rg red-green udp
c565 rgb565 tcp
c888 rgb888 tcp
LIST
{
	echo "timezone = \"Asia/Shanghai\";"
	echo "control_socket = \"$TMP/run/control.sock\";"
	echo "state_dir = \"$TMP/state\";"
	echo "boards = ("
	sep=""
	while read -r name fmt link; do
		if [ "$link" = pty ]; then
			addr="serial:$TMP/pty-$name"; listen="pty:$TMP/pty-$name"
		else
			port=$(free_port); addr="$link:127.0.0.1:$port"; listen=$addr
		fi
		echo "$name $listen" >>"$TMP/listen.txt"
		printf '%s  { name = "%s"; width = 128; height = 32; format = "%s"; protocol = "lsp"; address = "%s"; color = "amber"; }\n' \
		    "$sep" "$name" "$fmt" "$addr"
		sep=","
	done <"$TMP/boards.txt"
	cat <<'CFG'
);
content = (
  { name = "clock";  text = "{date} {time}"; color = "green"; duration = 600.0; },
  { name = "slogan"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0;
    color = "yellow"; background = "#000040"; duration = 600.0; },
  { name = "share";  text = "共享网络文明"; color = "red"; duration = 600.0; },
  { name = "poster"; image = "poster.png"; fit = "fill"; duration = 600.0; }
);
playlists = (
  { name = "clock"; items = ["clock"]; },
  { name = "slogans"; items = ["slogan"]; },
  { name = "still"; items = ["share"]; },
  { name = "posters"; items = ["poster"]; }
);
layouts = (
  { name = "three"; width = 128; height = 32; areas = (
      { name = "clock";  x = 0;  y = 0;  width = 128; height = 12; playlist = "clock"; },
      { name = "slogan"; x = 0;  y = 12; width = 80;  height = 20; playlist = "slogans"; },
      { name = "poster"; x = 80; y = 12; width = 48;  height = 20; playlist = "posters"; } ); },
  { name = "still"; width = 128; height = 32; areas = (
      { name = "clock";  x = 0;  y = 0;  width = 128; height = 12; playlist = "clock"; },
      { name = "text";   x = 0;  y = 12; width = 80;  height = 20; playlist = "still"; },
      { name = "poster"; x = 80; y = 12; width = 48;  height = 20; playlist = "posters"; } ); }
);
schedule = ( { name = "split"; layout = "still"; boards = ["all"]; } );
CFG
} >"$TMP/l.cfg"
$L check "$TMP/l.cfg" >"$TMP/check.log" 2>&1 || { cat "$TMP/check.log"; fail "the test config does not check"; }
grep -q "warning" "$TMP/check.log" && { cat "$TMP/check.log"; fail "the test config has warnings"; }

while read -r name fmt link; do
	listen=$(grep "^$name " "$TMP/listen.txt" | cut -d' ' -f2)
	mkdir -p "$TMP/snap-$name" "$TMP/dump-$name"
	$B/ledboard --listen "$listen" --size 128x32 --format "$fmt" --snapshot "$TMP/snap-$name" \
	    2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
	n=50; while ! grep -q "listening on" "$TMP/board-$name.log" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
done <"$TMP/boards.txt"

# send == preview: three frames of the scroll, 0.5 s of effect time apart
while read -r name fmt link; do
	timeout 60 $L send "$TMP/l.cfg" --board "$name" --layout three --at "$AT" --frames 3 --interval 0.5 \
	    --dump "$TMP/dump-$name" >"$TMP/send-$name.log" 2>&1 || { cat "$TMP/send-$name.log" "$TMP/board-$name.log"; fail "send to $name"; }
	wait_file "$TMP/snap-$name/latest.png" || fail "$name showed nothing"
	for k in 0 1 2; do
		t=$(echo "$k" | awk '{ print $1 * 0.5 }')
		$L preview "$TMP/l.cfg" --board "$name" --layout three --at "$AT" --t "$t" --raw -o "$TMP/pv-$name-$k.png" ||
		    fail "preview $name"
		$P --lit "$TMP/pv-$name-$k.png" || fail "$name: preview is blank"
		$P "$TMP/dump-$name/frame-00000$((k + 1)).png" "$TMP/pv-$name-$k.png" || fail "$name frame $k: sent differs from preview"
	done
	$P "$TMP/pv-$name-0.png" "$TMP/pv-$name-1.png" 2>/dev/null && fail "$name: the slogan does not scroll"
	$P "$TMP/snap-$name/latest.png" "$TMP/pv-$name-2.png" || { cat "$TMP/board-$name.log"; fail "$name ($fmt $link): board differs from preview"; }
	echo "$name ($fmt over $link): 3 frames, board == send == preview --layout"
done <"$TMP/boards.txt"

# The controller: a rule chooses the still layout; every board shows
# what preview --all draws (static items: any frame is the same)
$L preview "$TMP/l.cfg" --all --at "$AT" --raw -o "$TMP/all" >/dev/null 2>&1 || fail "preview --all"
for f in "$TMP"/snap-*/latest.png; do rm -f "$f"; done
timeout 40 $L play "$TMP/l.cfg" --foreground --start-at "$AT" --duration 25 2>"$TMP/daemon.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
watch_events "$TMP/run/control.sock" "$TMP/events"
while read -r name fmt link; do
	$P --lit "$TMP/all/$name.png" || fail "preview --all: $name is dark"
	n=100; until $P "$TMP/snap-$name/latest.png" "$TMP/all/$name.png" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log" "$TMP/board-$name.log"; fail "$name never showed the layout as preview --all draws it"; }
		sleep 0.1
	done
	wait_event "$TMP/events" "^type=item_start .* board=$name item=layout:still rule=split$" ||
	    { cat "$TMP/events"; fail "no item_start for the layout on $name"; }
	echo "$name: the controller shows the still layout == preview --all"
done <"$TMP/boards.txt"

# The schedule verb names the layout and gives a line per area (at 10:00:00)
out=$(/usr/bin/python3 tests/tools/ctlclient.py ask "$TMP/run/control.sock" 'ledsign-control/1 schedule board=c565 at=1694484000\n')
echo "$out" | grep -q "^slot board=c565 state=play rule=split .* layout=still$" || { echo "$out"; fail "schedule verb: no layout"; }
echo "$out" | grep -q "^area board=c565 area=text playlist=still entry=1 item=share position=0 cycle=600 until=1694484600$" ||
    { echo "$out"; fail "schedule verb: no line for the text area"; }
[ "$(echo "$out" | grep -c '^area board=c565 ')" -eq 3 ] || { echo "$out"; fail "schedule verb: not 3 areas"; }
echo "control socket: the schedule verb lists the layout's areas"

# An alert takes the whole board; clear gives the layout back
id=$($L alert "紧急疏散" --level warning --config "$TMP/l.cfg") || fail "ledsign alert"
wait_event "$TMP/events" "^type=item_start .* board=c888 item=alert:warning " || fail "the alert did not pre-empt c888"
n=50; while $P "$TMP/snap-c888/latest.png" "$TMP/all/c888.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the alert never reached c888"; sleep 0.1
done
$L clear "$id" --config "$TMP/l.cfg" >/dev/null || fail "ledsign clear"
n=100; until $P "$TMP/snap-c888/latest.png" "$TMP/all/c888.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "c888 did not go back to its layout after clear"; sleep 0.1
done
echo "alert: took the whole board, and the layout came back bit for bit after clear"

# A reload that moves the areas: the boards follow, bit for bit
sed -i -e 's/{ name = "text";   x = 0;  y = 12; width = 80;/{ name = "text";   x = 48; y = 12; width = 80;/' \
    -e 's/{ name = "poster"; x = 80; y = 12; width = 48;  height = 20; playlist = "posters"; } ); }$/{ name = "poster"; x = 0; y = 12; width = 48;  height = 20; playlist = "posters"; } ); }/' "$TMP/l.cfg"
grep -q 'name = "text";   x = 48;' "$TMP/l.cfg" || fail "test edit did not apply"
$L preview "$TMP/l.cfg" --all --at "$AT" --raw -o "$TMP/moved" >/dev/null 2>&1 || fail "preview --all after the edit"
$P "$TMP/moved/c888.png" "$TMP/all/c888.png" 2>/dev/null && fail "the edit changed nothing"
$L reload "$TMP/l.cfg" >/dev/null || fail "ledsign reload"
while read -r name fmt link; do
	n=100; until $P "$TMP/snap-$name/latest.png" "$TMP/moved/$name.png" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "$name did not show the moved areas after reload"; }
		sleep 0.1
	done
done <"$TMP/boards.txt"
echo "reload: the moved areas reached every board, bit for bit"
kill "$PLAY" 2>/dev/null
wait "$PLAY" 2>/dev/null
