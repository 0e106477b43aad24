# The content editor in a real browser (issue 16): change a slogan and see
# it on a simulated board; a save with an error shows the error beside the
# field and changes nothing; undo (restore) brings the old slogan back;
# the week calendar and "why" at a moment; a playlist reordered by keyboard.
. tests/lib.sh
. tests/web-lib.sh
web_config
# two rules for 2027 (the calendar shows a week of it; the boards play now,
# under the fallback)
cat >>"$CFG" <<'EOF2'
schedule = (
  { name = "school-day"; playlist = "normal"; boards = ["north"]; weekdays = ["weekdays"]; hours = "07:30-17:30"; priority = 5;
    from = "2027-01-01"; to = "2027-12-31"; },
  { name = "night"; kind = "off"; boards = ["all"]; hours = "22:00-06:00"; priority = 900;
    from = "2027-01-01"; to = "2027-12-31"; }
);
EOF2
# content and playlists in the staff file the config @includes, as the
# console keeps them
$L staff-text "$CFG" >"$TMP/web.staff.cfg" || fail "staff-text"
sed -i '/^content = \|^playlists = /d; /^schedule = (/,/^);/d' "$CFG"
echo '@include "web.staff.cfg"' >>"$CFG"
$L check "$CFG" >/dev/null || fail "the split config does not check"
start_boards
start_daemon
web_users
echo "$PASS" | $L user add editor1 --role editor --users "$TMP/users.db" --password-stdin >/dev/null || fail "user add editor1"
start_web
start_driver
STAFF=$TMP/web.staff.cfg run_browser content_edit
echo "87-web-content: ok"
