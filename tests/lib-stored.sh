# Helpers for the stored-programme tests (27, 28, 29): a ledboard with
# --snapshot and --keep logs "programme version=... clock=..." for each
# picture it shows from its programme, then "frame N shown".  Source after
# lib.sh; $L is the ledsign to ask.
# Wait until ledboard's LOG says it is listening (up to 5 s).
wait_listen() { n=50; while ! grep -q "listening on" "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; }
# $TMP/run and $TMP/state (private, for the socket and the state) and $TMP/snap.
stored_dirs() { mkdir -p "$TMP/run" "$TMP/state" "$TMP/snap" && chmod 700 "$TMP/run" "$TMP/state"; }
# The first lines of a config FILE: one 128x32 mono LSP board NAME at PORT,
# the socket and state under $TMP; the test appends the rest.
# Usage: stored_config FILE NAME PORT
stored_config() {
	cat >"$1" <<CFG
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = ( { name = "$2"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "tcp:127.0.0.1:$3"; } );
CFG
}
# "CLOCK FRAME" for each picture the board showed from its programme, from
# a piece of its LOG: the board's clock then, and the snapshot's number.
stored_shows() {
	awk '/programme version=/ { split($0, a, "clock="); clk = a[2] } / frame [0-9]+ shown/ && clk != "" { print clk, $3; clk = "" }' \
	    "$1"
}
# Ask `ledsign status` into OUT until it has a line matching the extended
# regex ERE, up to TRIES tenths of a second; 1 when it never did.
# (status reads $TMP/c.cfg)
# Usage: stored_status_wait TRIES OUT ERE
stored_status_wait() {
	n=$1
	until $L status "$TMP/c.cfg" >"$2" 2>/dev/null && grep -Eq "$3" "$2"; do
		[ $n -eq 0 ] && return 1
		sleep 0.1; n=$((n - 1))
	done
}
# The programme version status OUT shows for BOARD.
stored_version() { sed -n "s/^$2 .* stored \{1,\}\([0-9a-f]\{8\}\) .*/\1/p" "$1"; }
