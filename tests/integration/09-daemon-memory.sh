# Issue 20, memory: the sample campaign's daemon (`ledsign play` of
# content/campaign-week.cfg onto six simulated boards, campus day, 8 s;
# bench/rss.sh) stays under 30 MiB resident.  It held 62-66 MiB when font
# files were mapped: every page FreeType's autohinter and HarfBuzz touched
# counted (25 MiB of WenQuanYi Zen Hei alone); now they are read through a
# stream and only what FreeType keeps is resident.
. tests/lib.sh
if nm "$B/ledsign" 2>/dev/null | grep -q " __asan_init"; then
	echo "skipped: a sanitizer build holds shadow memory of its own"
	exit 0
fi
sh bench/rss.sh "$B" >"$TMP/rss.out" 2>"$TMP/rss.err" || { cat "$TMP/rss.err"; fail "the sample campaign did not play"; }
mib=$(sed -n 's/^BENCH daemon-rss-sample \([0-9.]*\) MiB$/\1/p' "$TMP/rss.out")
[ -n "$mib" ] || { cat "$TMP/rss.out" "$TMP/rss.err"; fail "no peak memory"; }
echo "sample campaign: peak memory $mib MiB ($(cat "$TMP/rss.err"))"
echo "$mib" | awk '{ exit !($1 < 30) }' || fail "the sample campaign's daemon held $mib MiB (goal under 30)"
grep -q "rendering: [0-9]* frames drawn" "$TMP/rss.err" || fail "no rendering summary"
