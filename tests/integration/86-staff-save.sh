# The staff file through the controller (issue 16): a save is checked with
# the whole config first, errors come back at the field with nothing
# changed; a clean save is written, kept as a version with a diff, and
# reloaded; a hand edit is a conflict, never written over, until adopted;
# a restore is a new version.
. tests/lib.sh
. tests/alert-lib.sh
. tests/lib-staff.sh
staff_config
start_boards
start_daemon
cp "$STAFF" "$TMP/orig.cfg"

out=$(ask staff v=1)
echo "$out" | grep -q '^staff text=#%20ledsign%20staff%20file.*%0Acontent%20%3D%20(%0A%20%20{%20name%20%3D%20"ok";' || fail "staff: no text line: $out"
echo "$out" | grep -q "^ok version=1 file=$STAFF config=$MAIN hash=[0-9a-f]\{16\} conflict=0 latest=0 " || fail "staff: ok line: $out"
ask staff v=9 | grep -q "^error code=version" || fail "staff v=9 accepted"

# an error: nothing changes, the problem names the field
$B/ledsign staff-text "$MAIN" | sed 's/text = "OK";/text = "{countdown:2023-02-30}";/' >"$TMP/bad.cfg"
out=$(save "$TMP/bad.cfg" actor=alice)
echo "$out"
echo "$out" | grep -q "^problem level=error file=$STAFF line=[0-9]* staff=1 section=content item=ok key=text message=" ||
    fail "bad save: no problem at content ok text"
echo "$out" | grep -q "^error code=invalid message=1%20error" || fail "bad save: not refused"
cmp "$STAFF" "$TMP/orig.cfg" || fail "a refused save changed the file"
printf 'boards = ( );\n' >"$TMP/boards.cfg"
save "$TMP/boards.cfg" | grep -q "^problem level=error .*does%20not%20belong%20in%20the%20staff%20file" ||
    fail "a staff text with boards is not refused"

# a clean save: written, versioned (the file as found is version 1), reloaded
$B/ledsign staff-text "$MAIN" | sed 's/text = "OK";/text = "NEW";/' >"$TMP/new.cfg"
out=$(save "$TMP/new.cfg" actor=alice)
echo "$out"
echo "$out" | grep -q "^ok version=1 id=2 hash=[0-9a-f]* unchanged=0 warnings=0 reload_error=$" || fail "save: $out"
cmp "$STAFF" "$TMP/new.cfg" || fail "the saved file is not the text sent"
$L check "$MAIN" >/dev/null || fail "the saved config does not check"
ask boards | grep -q "^ok version=1 .* reloads=1 " || fail "no reload after the save"
out=$(ask staff-versions v=1)
echo "$out"
echo "$out" | grep -q "^version id=2 time=[0-9]* author=alice%20(uid%20$(id -u)) hash=[0-9a-f]* summary=+1%20-1%20lines restored_from=0$" ||
    fail "versions: no version 2 by alice"
echo "$out" | grep -q "^version id=1 .* author=ledsign .*summary=the%20file%20as%20ledsign%20found%20it%20(+15%20-0%20lines)" || fail "versions: no version 1"
out=$(ask staff-version v=1 id=2)
echo "$out" | grep -q 'diff=---%20version%201%0A+++%20version%202%0A@@%20' || fail "version 2: no diff header"
echo "$out" | grep -q '%0A-%20%20{%20name%20%3D%20"ok";%20text%20%3D%20"OK";' || fail "version 2: no - line"
echo "$out" | grep -q '%0A+%20%20{%20name%20%3D%20"ok";%20text%20%3D%20"NEW";' || fail "version 2: no + line"
# saving from a stale base is refused
save "$TMP/new.cfg" base=0000000000000000 | grep -q "^error code=stale" || fail "a stale base is not refused"

# a hand edit: a conflict, kept as it is
echo '# a hand edit' >>"$STAFF"
cp "$STAFF" "$TMP/hand.cfg"
ask staff v=1 | grep -q "^ok .* conflict=1 latest=2 " || fail "the hand edit is not a conflict"
save "$TMP/orig.cfg" | grep -q "^error code=conflict message=.*changed%20by%20hand" || fail "saved over a hand edit"
cmp "$STAFF" "$TMP/hand.cfg" || fail "the hand edit was overwritten"
ask staff-adopt v=1 actor=bob | grep -q "^ok version=1 id=3 " || fail "adopt"
ask staff v=1 | grep -q "^ok .* conflict=0 latest=3 " || fail "still a conflict after adopt"
ask staff-adopt v=1 | grep -q "^error code=noconflict" || fail "adopt without a hand edit"

# restore version 1 in one step: a new version, the old text back
out=$(ask staff-restore v=1 id=1 actor=alice)
echo "$out" | grep -q "^ok version=1 id=4 " || fail "restore: $out"
cmp "$STAFF" "$TMP/orig.cfg" || fail "restore did not bring version 1's text back"
ask staff-versions v=1 | grep -q "^version id=4 .*summary=restored%20version%201%20.* restored_from=1$" || fail "restore not recorded"
ask staff-restore v=1 id=99 | grep -q "^error code=notfound" || fail "restore of a missing version"
# the history is append-only
$PY - "$TMP/state/versions.db" <<'PYEOF' || fail "a version could be changed"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for q in ("UPDATE versions SET author='x'", "DELETE FROM versions"):
    try:
        db.execute(q); db.commit(); sys.exit(1)
    except sqlite3.DatabaseError:
        pass
PYEOF
# posters: a plain name, decoded in full before it is kept, never replaced
$PY -c "
from PIL import Image; import sys
Image.new('RGB', (64, 16), (0, 0, 255)).save(sys.argv[1])
d = open(sys.argv[1], 'rb').read(); open(sys.argv[2], 'wb').write(d[:len(d) // 2])" "$TMP/blue.png" "$TMP/cut.png"
b64() { base64 -w0 "$1"; }
ask "staff-poster v=1 name=blue.png actor=alice data=$(b64 "$TMP/blue.png")" | grep -q "^ok version=1 image=posters/blue.png width=64 height=16" ||
    fail "poster not kept"
cmp "$TMP/conf/posters/blue.png" "$TMP/blue.png" || fail "the poster kept is not the one sent"
ask "staff-poster v=1 name=blue.png data=$(b64 "$TMP/blue.png")" | grep -q "^error code=exists" || fail "a poster was replaced"
ask "staff-poster v=1 name=cut.png data=$(b64 "$TMP/cut.png")" | grep -q "^error code=invalid" || fail "a truncated PNG was kept"
[ ! -e "$TMP/conf/posters/cut.png" ] || fail "the truncated PNG is in posters/"
ask "staff-poster v=1 name=../evil.png data=$(b64 "$TMP/blue.png")" | grep -q "^error code=usage" || fail "a path was taken as a name"
[ "$(ls -A "$TMP/conf/posters")" = "blue.png" ] || fail "posters/ holds more than blue.png: $(ls -A "$TMP/conf/posters")"

# every save, restore and adoption is in the audit log, with who
out=$(ask audit)
echo "$out" | grep -q "^entry .*actor=alice .*action=save target=$STAFF detail=version%202$" || fail "audit: no save: $out"
echo "$out" | grep -q "^entry .*actor=bob .*action=adopt target=$STAFF " || fail "audit: no adopt"
echo "$out" | grep -q "^entry .*actor=alice .*action=restore target=$STAFF detail=version%204:%20restored%20version%201" ||
    fail "audit: no restore"
echo "$out" | grep -q "^entry .*actor=alice .*action=poster target=posters/blue.png " || fail "audit: no poster"
# a staff file in a directory of its own: posters go beside it, and an item
# names them relative to the main file (as every path in a config is)
kill "$DAEMON"
wait "$DAEMON" 2>/dev/null
mkdir -p "$TMP/conf/staff"
mv "$STAFF" "$TMP/conf/staff/s.staff.cfg"
sed -i 's|@include "main.staff.cfg"|@include "staff/s.staff.cfg"|' "$MAIN"
start_daemon
ask "staff-poster v=1 name=sub.png data=$(b64 "$TMP/blue.png")" | grep -q "^ok version=1 image=staff/posters/sub.png " ||
    fail "a poster of a staff file in staff/ is not named staff/posters/sub.png"
[ -f "$TMP/conf/staff/posters/sub.png" ] || fail "the poster is not beside the staff file"
echo "staff-save: ok"
