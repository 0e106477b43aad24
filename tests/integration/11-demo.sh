# `make demo` as a user runs it (scripts/demo.sh): it ends by itself and leaves
# one non-blank PNG per sample board.  Written to a scratch directory.
. tests/lib.sh
$B/ledsign check content/campaign-week.cfg --list >"$TMP/boards.txt"

# Another program (a second demo, another test) holds the ports the sample
# names: the demo must not care, its boards listen on ports the kernel picks.
cat >"$TMP/hold.py" <<'PY'
import socket, sys, time
held = []
for line in open(sys.argv[1]):
    port = int(line.split()[5].rsplit(":", 1)[1])
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); s.listen(1); held.append(s)
    except OSError:
        pass  # held by someone else already: just as good
open(sys.argv[2], "w").write("%d\n" % len(held))
time.sleep(60)
PY
/usr/bin/python3 "$TMP/hold.py" "$TMP/boards.txt" "$TMP/held" &
PIDS="$PIDS $!"
wait_file "$TMP/held" || fail "port holder did not start"

DEMO_OUT="$TMP/out" timeout 60 scripts/demo.sh "$B" >"$TMP/demo.log" 2>&1 || { tail -30 "$TMP/demo.log"; fail "demo failed or did not end"; }
while read -r name w h fmt proto addr; do
	[ -f "$TMP/out/$name.png" ] || fail "no PNG for $name"
	$B/tools/pngcmp --lit "$TMP/out/$name.png" || fail "$name.png is blank"
	[ "$($B/tools/pngcmp --size "$TMP/out/raw/$name.png")" = "${w}x${h}" ] || fail "$name raw PNG is not ${w}x${h}"
	grep -q "$TMP/out/$name.png" "$TMP/demo.log" || fail "demo did not print the path of $name.png"
done <"$TMP/boards.txt"
# and one animation of the whole site: every board in one picture, 6 s at 30 fps
[ -f "$TMP/out/site.gif" ] || fail "no site.gif"
grep -q "$TMP/out/site.gif" "$TMP/demo.log" || fail "demo did not print the path of site.gif"
/usr/bin/python3 - "$TMP/out/site.gif" "$(wc -l <"$TMP/boards.txt")" <<'PY' || fail "site.gif is not a 6 s animation of every board"
import sys
from PIL import Image
im = Image.open(sys.argv[1])
assert im.is_animated and im.n_frames > 30, im.n_frames
total = 0
for k in range(im.n_frames):
    im.seek(k)
    total += im.info["duration"]
assert total == 6000, total
# one labelled strip per board: the picture is taller than the boards' LEDs alone
assert im.size[1] > 16 * int(sys.argv[2]), im.size
PY
echo "demo: $(wc -l <"$TMP/boards.txt") boards, each with a lit PNG, with the sample's ports held by another program"
