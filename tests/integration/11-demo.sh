# `make demo` as a user runs it (scripts/demo.sh): it ends by itself and leaves
# one non-blank PNG per sample board.  Written to a scratch directory.
. tests/lib.sh
DEMO_OUT="$TMP/out" timeout 60 scripts/demo.sh "$B" >"$TMP/demo.log" 2>&1 || { tail -30 "$TMP/demo.log"; fail "demo failed or did not end"; }
$B/ledsign check content/campaign-week.cfg --list >"$TMP/boards.txt"
while read -r name w h fmt proto addr; do
	[ -f "$TMP/out/$name.png" ] || fail "no PNG for $name"
	$B/tools/pngcmp --lit "$TMP/out/$name.png" || fail "$name.png is blank"
	[ "$($B/tools/pngcmp --size "$TMP/out/raw/$name.png")" = "${w}x${h}" ] || fail "$name raw PNG is not ${w}x${h}"
	grep -q "$TMP/out/$name.png" "$TMP/demo.log" || fail "demo did not print the path of $name.png"
done <"$TMP/boards.txt"
echo "demo: $(wc -l <"$TMP/boards.txt") boards, each with a lit PNG"
