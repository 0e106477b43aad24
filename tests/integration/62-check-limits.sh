# `ledsign check` holds against large and hostile input, every problem with
# its file and line:
#  - its work grows linearly with the config (issue 13 #16: quadratic name
#    lookups made 25 MB take 3 s and 100 MB 50 s); CPU time, so a busy
#    machine does not count;
#  - a content text longer than the per-item limit is an error (issue 13 #3:
#    a 1 MiB text passed and then froze the daemon's event loop);
#  - posters are decoded in full: truncated, corrupt (CRC, IDAT) and
#    huge-dimension PNGs are errors at the item's line, and a FIFO is not
#    waited on (issue 13 #9).
. tests/lib.sh
L=$B/ledsign

# --- linear scaling: 4x the config, well under 8x the CPU (quadratic gives ~15x) ---
$B/tools/gencfg 5000 >"$TMP/s.cfg"
$B/tools/gencfg 20000 >"$TMP/l.cfg"
best() {   # best of two CPU-time runs of `check FILE`
	a=$($B/tools/cputime $L check "$1" 2>/dev/null) || fail "check $1 failed"
	b=$($B/tools/cputime $L check "$1" 2>/dev/null) || fail "check $1 failed"
	awk -v a="$a" -v b="$b" 'BEGIN { print (a < b ? a : b) }'
}
small=$(best "$TMP/s.cfg")
large=$(best "$TMP/l.cfg")
echo "check: 5000 units $small s CPU, 20000 units $large s CPU ($(wc -c <"$TMP/l.cfg") bytes)"
awk -v s="$small" -v l="$large" 'BEGIN { exit !(l <= 8 * s + 0.05) }' ||
	fail "check is not linear: ${small}s for 5000 units, ${large}s for 20000"

# --- text length limit: 4096 bytes pass, 4097 is an error at the text's line ---
$B/tools/gencfg 1 4096 >"$TMP/t-ok.cfg"
$L check "$TMP/t-ok.cfg" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "a 4096-byte text was refused"; }
$B/tools/gencfg 1 4097 >"$TMP/t-long.cfg"
line=$(grep -n 'name = "item-0"' "$TMP/t-long.cfg" | cut -d: -f1)
if $L check "$TMP/t-long.cfg" 2>"$TMP/err"; then fail "a 4097-byte text was accepted"; fi
cat "$TMP/err"
grep -q "t-long.cfg:$line: error: content \"item-0\": text is 4097 bytes, more than the limit of 4096 bytes per item.*split it" \
	"$TMP/err" || fail "no FILE:LINE error for the long text"
# 1 MiB, the case that froze the daemon, is refused just as plainly
$B/tools/gencfg 1 1048576 >"$TMP/t-1m.cfg"
if $L check "$TMP/t-1m.cfg" 2>"$TMP/err"; then fail "a 1 MiB text was accepted"; fi
grep -q "text is 1048576 bytes" "$TMP/err" || fail "1 MiB text message"

# 4000 '{' and one '}': one unknown field, as the renderer reads it (one
# warning, not one per brace, each rescanning the text)
{ printf 'boards = ( { name = "b"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:9"; } );\n'
  printf 'content = ( { name = "braces"; text = "'
  i=0; while [ $i -lt 4000 ]; do printf '{'; i=$((i + 1)); done
  printf '}"; } );\nplaylists = ( { name = "p"; items = ["braces"]; } );\nfallback = "p";\n'; } >"$TMP/braces.cfg"
$L check "$TMP/braces.cfg" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "braces.cfg refused"; }
[ "$(grep -c 'is not a live field' "$TMP/err")" -eq 1 ] || fail "$(grep -c 'is not a live field' "$TMP/err") warnings for one unknown field"

# --- posters: decoded in full under the size limits ---
/usr/bin/python3 - "$TMP" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, data, crc=None):
    c = zlib.crc32(t + data) if crc is None else crc
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", c & 0xffffffff)
def png(w, h, idat, ihdr_crc=None, idat_crc=None):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)   # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr, ihdr_crc) + chunk(b"IDAT", idat, idat_crc)
            + chunk(b"IEND", b""))
rows = b"".join(b"\0" + bytes((x * 7 + y) & 255 for x in range(32)) for y in range(16))
good = png(32, 16, zlib.compress(rows))
open(d + "/good.png", "wb").write(good)
open(d + "/truncated.png", "wb").write(good[:len(good) - 30])
open(d + "/crc.png", "wb").write(png(32, 16, zlib.compress(rows), idat_crc=0x12345678))
bad = bytearray(zlib.compress(rows)); bad[5] ^= 0xff; bad[6] ^= 0x55
open(d + "/idat.png", "wb").write(png(32, 16, bytes(bad)))
# 60000 x 60000 grey claimed by a few hundred bytes: 3.6 GB once inflated
open(d + "/bomb.png", "wb").write(png(60000, 60000, zlib.compress(b"\0" * 60001 * 4, 9)))
PY
cat >"$TMP/posters.cfg" <<'CFG'
boards = ( { name = "b"; width = 64; height = 32; format = "rgb888"; address = "tcp:127.0.0.1:9"; } );
content = (
  { name = "good"; image = "good.png"; },
  { name = "truncated"; image = "truncated.png"; },
  { name = "crc"; image = "crc.png"; },
  { name = "idat"; image = "idat.png"; },
  { name = "bomb"; image = "bomb.png"; },
  { name = "bomb-again"; image = "bomb.png"; }
);
playlists = ( { name = "p"; items = ["good", "truncated", "crc", "idat", "bomb", "bomb-again"]; } );
fallback = "p";
CFG
if $L check "$TMP/posters.cfg" 2>"$TMP/err"; then fail "broken posters accepted"; fi
cat "$TMP/err"
for pat in \
  "posters.cfg:4: error: content \"truncated\": image cannot be shown: .*truncated.png.*truncated" \
  "posters.cfg:5: error: content \"crc\": image cannot be shown: .*crc.png.*CRC" \
  "posters.cfg:6: error: content \"idat\": image cannot be shown: .*idat.png" \
  "posters.cfg:7: error: content \"bomb\": image cannot be shown: .*bomb.png.*60000x60000.*limit" \
  "posters.cfg:8: error: content \"bomb-again\": image cannot be shown: .*bomb.png.*limit" ; do
	grep -q "$pat" "$TMP/err" || fail "missing diagnostic: $pat"
done
grep -q "posters.cfg:3:" "$TMP/err" && fail "the good poster was refused"
[ "$(grep -c ': error: ' "$TMP/err")" -eq 5 ] || fail "expected exactly 5 errors"

# A FIFO named as a poster is refused at once (it blocked check, and a
# reload on the daemon's loop, forever).
mkfifo "$TMP/fifo.png"
sed 's/"good.png"/"fifo.png"/' "$TMP/posters.cfg" >"$TMP/fifo.cfg"
timeout 10 $L check "$TMP/fifo.cfg" 2>"$TMP/err"
[ $? -eq 1 ] || fail "check of a FIFO poster did not fail at once"
grep -q "fifo.cfg:3: error: .*fifo.png.* not a regular file" "$TMP/err" || fail "FIFO poster message"
echo ok
