#!/bin/sh
# Build every tests/fuzz/fuzz_*.c as a libFuzzer binary with ASan+UBSan and
# run each for FUZZ_SECONDS (default 20).  Harnesses link against the same
# sources as the product: build-fuzz/libledsign.a and libfwproto.a, built by
# the Makefile's own rules with clang and -fsanitize=fuzzer-no-link.
# A harness may have seeds in tests/fuzz/corpus/NAME/; new corpus entries go
# to build-fuzz/corpus/NAME/.  Exit non-zero when any harness finds a crash.
# FUZZ_ONLY="fuzz_png fuzz_config" runs only those harnesses.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
B=build-fuzz
SECS=${FUZZ_SECONDS:-20}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make -s B=$B CC=clang CFLAGS="-O1 -g $SAN -fsanitize=fuzzer-no-link" $B/libledsign.a $B/libfwproto.a
# the Makefile's own lists: a harness links what the product links (the
# control verbs reach SQLite, the renderer giflib...)
INC="-std=c11 -D_GNU_SOURCE -Isrc -Ifirmware-proto $(make -s --no-print-directory print-cflags)"
LIBS="$(make -s --no-print-directory print-libs)"
# the same leak suppressions as `make asan` (libraries' own process-lifetime caches and known leaks)
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
fail=0
for h in tests/fuzz/fuzz_*.c; do
	[ -f "$h" ] || continue
	name=$(basename "$h" .c)
	case " ${FUZZ_ONLY:-$name} " in *" $name "*) ;; *) continue ;; esac
	echo "fuzz: building $name"
	clang -O1 -g $SAN -fsanitize=fuzzer $INC -o "$B/$name" "$h" $B/libledsign.a $B/libfwproto.a $LIBS
	mkdir -p "$B/corpus/$name"
	seeds=""
	[ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
	# fuzz_config: libconfig 1.5 leaks a token on most syntax errors (lsan.supp),
	# and on every input that leaks libFuzzer stops for a full leak scan of its
	# heap, ~4 ms: that, not the loader, held the harness to ~200 inputs/s.
	# Leaks are still found: LeakSanitizer checks at exit, and anything not
	# suppressed fails the run (it just does not name the input).
	opts=""
	[ "$name" = fuzz_config ] && opts="-detect_leaks=0"
	echo "fuzz: running $name for ${SECS}s"
	if "$B/$name" $opts -max_total_time="$SECS" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$B/$name-" "$B/corpus/$name" $seeds >"$B/$name.log" 2>&1; then
		echo "fuzz: $name: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$B/$name.log" | grep -o '[0-9]*$') runs in ${SECS}s)"
	else
		echo "fuzz: $name: FAILED, see $B/$name.log and $B/$name-crash-*"
		tail -30 "$B/$name.log"
		fail=1
	fi
done
exit $fail
