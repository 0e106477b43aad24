# Issue 20, memory: the sample campaign's daemon (scripts/demo.sh: six
# simulated boards, campus day, 8 s) stays under 30 MiB resident.  It held
# 62 MiB when font files were mapped: every page FreeType's autohinter and
# HarfBuzz touched counted (25 MiB of WenQuanYi Zen Hei alone); now they are
# read through a stream and only what FreeType keeps is resident.
. tests/lib.sh
if nm "$B/ledsign" 2>/dev/null | grep -q " __asan_init"; then
	echo "skipped: a sanitizer build holds shadow memory of its own"
	exit 0
fi
DEMO_OUT="$TMP/demo" timeout 60 scripts/demo.sh "$B" >"$TMP/demo.log" 2>&1 || { tail -20 "$TMP/demo.log"; fail "demo failed"; }
# the demo is a rehearsal now: the controller's own log is DEMO_OUT/demo/controller.log
cat "$TMP/demo.log" $(find "$TMP/demo" -name controller.log) >"$TMP/all.log"
line=$(grep "peak memory" "$TMP/all.log") || { tail "$TMP/demo.log"; fail "no peak memory line"; }
mib=$(echo "$line" | sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/')
echo "sample campaign: peak memory $mib MiB"
echo "$mib" | awk '{ exit !($1 < 30) }' || fail "the sample campaign's daemon held $mib MiB (goal under 30)"
grep -q "rendering: [0-9]* frames drawn" "$TMP/all.log" || fail "no rendering summary"
