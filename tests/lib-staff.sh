# Helpers for the staff-file tests (86, 87, 88): a config of two 64x16 rgb888
# LSP boards (hall, gate) whose content, playlists and schedule are in the
# staff file it @includes, and a daemon playing it.  Source after lib.sh and
# alert-lib.sh (start_boards, start_daemon, SOCK, PY).
STAFF=$TMP/conf/main.staff.cfg
MAIN=$TMP/conf/main.cfg
CFG=$MAIN
staff_config() {
	HALL_PORT=$(free_port)
	GATE_PORT=$(free_port)
	mkdir -p "$TMP/conf"
	cat >"$MAIN" <<CFGEOF
control_socket = "$SOCK";
state_dir = "$TMP/state";
fallback = "normal";
boards = (
$(hall_gate_boards)
);
@include "main.staff.cfg"
CFGEOF
	cat >"$STAFF" <<'CFGEOF'
content = ( { name = "ok"; text = "OK"; color = "green"; } );
playlists = ( { name = "normal"; items = ["ok"]; } );
CFGEOF
	$L check "$MAIN" >/dev/null || fail "staff test config does not check"
	# in the canonical form the controller writes
	$L staff-text "$MAIN" >"$TMP/canon.cfg" && mv "$TMP/canon.cfg" "$STAFF"
}
# ask VERB ARGS...: one request, the answer on stdout
ask() { $PY tests/tools/ctlclient.py ask "$SOCK" "ledsign-control/1 $*\n"; }
# save FILE [K=V...]: staff-save with FILE's text
save() { f=$1; shift; $PY tests/tools/ctlclient.py file "$SOCK" staff-save text "$f" v=1 "$@"; }
