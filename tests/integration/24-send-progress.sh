# `ledsign send` of a poster to a 9600-baud serial board (a pseudo-terminal
# that ledboard paces like a UART): on a terminal a progress bar with bytes,
# rate and time left; when stderr is not a terminal, one plain result line.
. tests/lib.sh
cp -r content "$TMP/content"
cat >"$TMP/s.cfg" <<CFG
boards = ( { name = "canteen"; width = 128; height = 64; format = "rgb888"; protocol = "lsp";
             address = "serial:$TMP/board.pty@9600"; } );
content = ( { name = "poster"; image = "content/posters/campus-day-128x64.png"; } );
playlists = ( { name = "p"; items = ["poster"]; } );
CFG
mkdir -p "$TMP/snap"
$B/ledboard --listen "pty:$TMP/board.pty" --size 128x64 --format rgb888 --baud 9600 \
    --snapshot "$TMP/snap" 2>"$TMP/board.log" &
PIDS="$PIDS $!"
wait_file "$TMP/board.pty" || fail "no pty"

# On a terminal (script(1) gives the command one): the bar is drawn.
script -qec "$B/ledsign send $TMP/s.cfg --board canteen --item poster --timeout 60" "$TMP/tty.log" >/dev/null \
    || { cat "$TMP/tty.log"; fail "send on a terminal failed"; }
grep -q "board canteen \[#*-*\] *[0-9]*% .*B/s, [0-9]*:[0-9][0-9] left" "$TMP/tty.log" || { cat -v "$TMP/tty.log"; fail "no progress bar"; }
grep -q "1 frame delivered" "$TMP/tty.log" || fail "no result line"

# Not a terminal: exactly one line, the result, and no bar.
$B/ledsign send "$TMP/s.cfg" --board canteen --item poster --timeout 60 >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "send failed"; }
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "more than one result line"
grep -q "1 frame delivered" "$TMP/out" || fail "no result line"
! grep -q "left" "$TMP/err" "$TMP/out" || fail "a bar was drawn on a pipe"
$B/ledsign preview "$TMP/s.cfg" --board canteen --item poster --raw -o "$TMP/p.png"
$B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/p.png" || fail "board differs from preview"
echo ok

# A frame sent again whole (the board rebooted and lost the picture a delta
# was coded against: NACK NOBASE) counts once in the bar: its total grows by
# the frame resent, and only what the board acknowledged counts as done.
cat >"$TMP/r.cfg" <<CFG
boards = ( { name = "teach"; width = 128; height = 32; format = "rgb565"; protocol = "lsp";
             address = "serial:$TMP/r.pty@19200"; } );
content = ( { name = "up"; image = "$TMP/content/posters/theme-128x32.png"; effect = "scroll-up"; speed = 8.0; } );
playlists = ( { name = "p"; items = ["up"]; } );
CFG
mkdir -p "$TMP/snapr"
$B/ledboard --listen "pty:$TMP/r.pty" --size 128x32 --format rgb565 --baud 19200 --reboot-after 1 \
    --snapshot "$TMP/snapr" 2>"$TMP/r.log" &
PIDS="$PIDS $!"
wait_file "$TMP/r.pty" || fail "no pty"
script -qec "$B/ledsign send $TMP/r.cfg --board teach --item up --frames 2 --interval 0.5" "$TMP/rtty.log" >/dev/null \
    || { cat "$TMP/rtty.log" "$TMP/r.log"; fail "send after a board reboot failed"; }
grep -q "NACK nobase" "$TMP/r.log" || fail "the rebooted board did not refuse the delta"
tr '\r' '\n' <"$TMP/rtty.log" | grep -a "board teach \[" >"$TMP/rbars" || fail "no progress bar"
# every bar is for a whole frame (3.3 KiB), not for the small delta that was refused
! grep -Eq "/[0-9]+ B " "$TMP/rbars" || { cat "$TMP/rbars"; fail "the bar counted a resent frame against the delta's size"; }
echo ok
