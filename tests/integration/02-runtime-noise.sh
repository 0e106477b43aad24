# Tests that judge stderr hear only the program: the sanitizer runtime's own
# lines ("==PID==WARNING: invalid path to external symbolizer!" on a machine
# without llvm-symbolizer) must not read as config warnings.  In the ASan pass
# the symbolizer must be set up, so real reports have stack traces and the
# runtime has nothing to warn about.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg

# The judge itself: runtime lines are dropped, the program's own are kept.
printf '==12==WARNING: invalid path to external symbolizer!\n' >"$TMP/noise"
[ -z "$(own_stderr "$TMP/noise")" ] || fail "runtime noise read as the program's output"
printf '==12==WARNING: noise\nx.cfg:3: warning: real\n' >"$TMP/mixed"
[ "$(own_stderr "$TMP/mixed")" = "x.cfg:3: warning: real" ] || fail "the program's own warning was lost"

if nm "$L" 2>/dev/null | grep -q __asan_init; then
	[ -n "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x "$ASAN_SYMBOLIZER_PATH" ] ||
		fail "ASan pass without llvm-symbolizer (scripts/deps.sh installs llvm; make asan names it)"
	# The exact lines a fresh Debian 12 machine printed, fed through the judge
	# the way 01-check and 61-schedule-check use it.
	$L check $CFG >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "sample rejected"; }
	printf '==10664==WARNING: invalid path to external symbolizer!\n==10664==WARNING: Failed to use and restart external symbolizer!\n' >>"$TMP/err"
	no_own_stderr "$TMP/err" "sample has warnings once the runtime adds its own"
fi
echo ok
