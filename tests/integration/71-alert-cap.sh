# CAP 1.2: an Alert shows on the boards its area maps to, its Cancel returns
# them to the schedule; the watched directory does the same; malformed XML and
# documents that are not CAP are refused with a clear message and show nothing.
. tests/lib.sh
. tests/alert-lib.sh
alert_config 'cap_dir = "'"$TMP"'/cap"; cap_areas = ( { match = "North Campus"; groups = ["north"]; } );'
start_boards
start_daemon
wait_colour hall 00ff00 || afail "hall never showed its schedule"

cap() {   # file msgType identifier [references]
	refs=""
	[ -n "${4:-}" ] && refs="<references>$4</references>"
	cat >"$1" <<CAPEOF
<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>$3</identifier>
  <sender>duty@school.example</sender>
  <sent>2026-01-01T08:00:00+08:00</sent>
  <status>Actual</status>
  <msgType>$2</msgType>
  <scope>Public</scope>
  $refs
  <info>
    <category>Met</category>
    <event>Typhoon</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Observed</certainty>
    <headline>TYPHOON</headline>
    <area><areaDesc>North Campus</areaDesc></area>
  </info>
</alert>
CAPEOF
}

cap "$TMP/a.xml" Alert T-1
id=$($L alert --cap "$TMP/a.xml" --socket "$SOCK") || afail "CAP alert refused"
[ "$id" = cap-T-1 ] || afail "CAP alert printed \"$id\""
wait_colour hall ff0000 50 || afail "hall does not show the CAP alert"
never_colour gate ff0000 || afail "gate (not North Campus) shows it"

cap "$TMP/c.xml" Cancel T-2 "duty@school.example,T-1,2026-01-01T08:00:00+08:00"
out=$($L alert --cap "$TMP/c.xml" --socket "$SOCK") || afail "CAP cancel refused"
[ "$out" = "cancelled 1" ] || afail "cancel printed \"$out\""
wait_colour hall 00ff00 50 || afail "hall is not back on its schedule after the Cancel"
never_colour hall ff0000 || afail "hall still shows the cancelled alert"

# Broken input: clear errors, nothing shown.
printf '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</ident' >"$TMP/bad.xml"
$L alert --cap "$TMP/bad.xml" --socket "$SOCK" 2>"$TMP/err.txt" && afail "accepted malformed XML"
grep -q "bad.xml:1: invalid XML" "$TMP/err.txt" || { cat "$TMP/err.txt"; afail "no line-numbered XML error"; }
printf '<html><body>hello</body></html>' >"$TMP/html.xml"
$L alert --cap "$TMP/html.xml" --socket "$SOCK" 2>"$TMP/err.txt" && afail "accepted a non-CAP document"
grep -q "not a CAP 1.2 document" "$TMP/err.txt" || { cat "$TMP/err.txt"; afail "no not-CAP error"; }
$L alert --cap "$TMP/nosuch.xml" --socket "$SOCK" 2>"$TMP/err.txt" && afail "accepted a missing file"
grep -q "nosuch.xml: No such file" "$TMP/err.txt" || afail "no missing-file error"
never_colour hall ff0000 || afail "something was shown after bad input"

# The watched directory: write under a dot name, then rename into place.
cap "$TMP/cap/.d.xml" Alert T-3
mv "$TMP/cap/.d.xml" "$TMP/cap/d.xml"
wait_colour hall ff0000 50 || afail "a CAP file dropped into cap_dir was not shown"
wait_file "$TMP/cap/done/d.xml" 30 || afail "processed file not moved to done/"
cap "$TMP/cap/.e.xml" Cancel T-4 "duty@school.example,T-3,2026-01-01T08:00:00+08:00"
mv "$TMP/cap/.e.xml" "$TMP/cap/e.xml"
wait_colour hall 00ff00 50 || afail "the Cancel in cap_dir did not return hall to its schedule"
never_colour hall ff0000 || afail "hall still shows the cancelled alert"
cp "$TMP/html.xml" "$TMP/cap/f.xml"
wait_file "$TMP/cap/failed/f.xml.error" 80 || afail "a bad file in cap_dir was not moved to failed/"
grep -q "not a CAP 1.2 document" "$TMP/cap/failed/f.xml.error" || afail "the .error file does not say why"
echo "alert cap: ok"
