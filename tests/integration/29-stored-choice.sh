# How the host chooses between stored pages and streaming (issue 18):
#  1. a version-1.0 board (no PROGRAMME capability: ledboard --caps without
#     it) is streamed as before: live frames at the frame rate, no PROGRAMME,
#     status PLAYING streaming and no programme version;
#  2. on a 1.1 board a playlist of a clock ({time}: only the host can make
#     it) and a fixed text: the text is stored and played by the board, the
#     clock streamed as live frames, and each time the text comes round
#     again the board is sent RESUME and shows it from its programme; the
#     snapshot verb (the console's board wall) shows that text as the board
#     plays it, no frame of it having been sent.
. tests/lib.sh
. tests/lib-stored.sh
L=$B/ledsign
mkdir -p "$TMP/run" "$TMP/state" "$TMP/s1" "$TMP/s2" && chmod 700 "$TMP/run" "$TMP/state"
P1=$(free_port); P2=$(free_port)
cat >"$TMP/c.cfg" <<CFG
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = ( { name = "old"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; },
           { name = "new"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P2"; } );
content = ( { name = "theme"; text = "网络安全为人民"; effect = "scroll-left"; speed = 32.0; },
            { name = "clock"; text = "{time}"; duration = 2; },
            { name = "hello"; text = "欢迎"; duration = 2; } );
playlists = ( { name = "scroll"; items = ["theme"]; }, { name = "mixed"; items = ["clock", "hello"]; } );
schedule = ( { playlist = "scroll"; boards = ["old"]; }, { playlist = "mixed"; boards = ["new"]; } );
CFG
$L check "$TMP/c.cfg" >/dev/null 2>&1 || { $L check "$TMP/c.cfg"; fail "test config does not check"; }
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/s1" \
    --caps rle,rowxor,delta,page,brightness,power,clock 2>"$TMP/old.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P2" --size 64x16 --format mono --snapshot "$TMP/s2" 2>"$TMP/new.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/old.log"; wait_listen "$TMP/new.log"
# a fixed campaign clock at mid-day: near midnight the programme spans two days
# and the text is a later entry of it
$L play "$TMP/c.cfg" --foreground --start-at "2023-09-13 10:00" 2>"$TMP/d.log" &
D=$!; PIDS="$PIDS $D"
sleep 9
$L status "$TMP/c.cfg" >"$TMP/st.txt" || fail "status"
# the snapshot verb (the console's wall) shows what the stored board plays,
# although no frame of it was sent: "hello" as preview draws it
$L preview "$TMP/c.cfg" --board new --item hello --raw -o "$TMP/hello.png" >/dev/null || fail "preview"
n=40; until [ "$(python3 tests/tools/snapshot-png.py "$TMP/run/control.sock" new "$TMP/snap.png")" = hello ] &&
    $B/tools/pngcmp "$TMP/snap.png" "$TMP/hello.png" >/dev/null 2>&1 || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "the snapshot of the stored board is not the text it plays"
kill $D; wait $D 2>/dev/null
cat "$TMP/st.txt"

# ---- 1. the 1.0 board ----------------------------------------------------
! grep -q "PROGRAMME\|RESUME" "$TMP/old.log" || fail "a 1.0 board was sent PROGRAMME or RESUME"
live=$(grep -c "rx FRAME .* complete" "$TMP/old.log")
echo "1.0 board: $live live frames in about 9 s"
[ "$live" -ge 90 ] || fail "the 1.0 board got only $live frames in 9 s: it is not streamed"
grep -Eq "^old .* streaming +- " "$TMP/st.txt" || fail "status does not say the 1.0 board is streamed"

# ---- 2. the 1.1 board: stored and streamed by item -----------------------
grep -q "rx PROGRAMME .* -> ACK" "$TMP/new.log" || fail "no programme stored on the 1.1 board"
resumes=$(grep -c "rx RESUME .* -> ACK" "$TMP/new.log")
clockframes=$(awk '/rx RESUME/ { r = 1 } /rx FRAME .* complete/ && r { n++ } END { print n + 0 }' "$TMP/new.log")
echo "1.1 board: $resumes RESUMEs (the stored text), $clockframes live frames between (the clock)"
[ "$resumes" -ge 2 ] || fail "the stored text did not come back from the board's programme each turn"
# ({time} is HH:MM: a frame each time the clock comes round, more when the minute turns)
[ "$clockframes" -ge 1 ] && [ "$clockframes" -ge $((resumes - 1)) ] || fail "the clock was not streamed each turn"
grep -q "programme version=.* entry=1 " "$TMP/new.log" || fail "the board never showed the text from its programme"
echo ok
