# Helpers for the district tests (65-69): a real mosquitto with TLS,
# per-school accounts and the ACL of dist/mosquitto.acl, school controllers
# with simulated boards, and the bureau's settings.  Source after tests/lib.sh.
L=$B/ledsign
DIST=haidian
# District CA and broker certificate (EC keys: fast) under $TMP/tls.
district_tls() {
	mkdir -p "$TMP/tls"
	( cd "$TMP/tls" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=ledsign test district CA" \
		-keyout ca.key -out ca.pem 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" -keyout broker.key \
		-out broker.csr 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext &&
	openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out broker.pem 2>/dev/null
	) || fail "cannot make test certificates"
}
# The broker's accounts: bureau and each school NAME with password NAME-secret.
# Usage: district_accounts s1 s2 s3
district_accounts() {
	: >"$TMP/passwd"
	for u in bureau "$@"; do
		mosquitto_passwd -b "$TMP/passwd" "$u" "$u-secret" 2>/dev/null || fail "mosquitto_passwd"
		printf '%s-secret\n' "$u" >"$TMP/$u.pass"; chmod 600 "$TMP/$u.pass"
	done
	sed "s/haidian/$DIST/g" dist/mosquitto.acl >"$TMP/acl"
}
# Start mosquitto on port $MQ_PORT (chosen once) with dist/mosquitto.conf's
# settings on $TMP paths; its pid in MQ.
broker_start() {
	[ -n "$MQ_PORT" ] || MQ_PORT=$(free_port)
	mkdir -p "$TMP/mq"
	sed -e "s|^listener 8883|listener $MQ_PORT 127.0.0.1|" \
	    -e "s|/etc/mosquitto/certs/district-ca.pem|$TMP/tls/ca.pem|" \
	    -e "s|/etc/mosquitto/certs/broker.pem|$TMP/tls/broker.pem|" \
	    -e "s|/etc/mosquitto/certs/broker.key|$TMP/tls/broker.key|" \
	    -e "s|/etc/mosquitto/ledsign.passwd|$TMP/passwd|" -e "s|/etc/mosquitto/ledsign.acl|$TMP/acl|" \
	    -e "s|/var/lib/mosquitto/|$TMP/mq/|" -e "s|^autosave_interval.*|autosave_interval 1|" \
	    dist/mosquitto.conf >"$TMP/mosquitto.conf"
	printf 'log_dest file %s/mq/log\nlog_type all\nuser %s\n' "$TMP" "$(id -un)" >>"$TMP/mosquitto.conf"
	# a restart: wait for this run's listener, not the last one's line
	[ -f "$TMP/mq/log" ] && mv "$TMP/mq/log" "$TMP/mq/log.$(date +%s%N)"
	/usr/sbin/mosquitto -c "$TMP/mosquitto.conf" 2>>"$TMP/mq/stderr" &
	MQ=$!
	PIDS="$PIDS $MQ"
	n=100; until grep -q "Opening ipv4 listen socket on port $MQ_PORT" "$TMP/mq/log" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/mq/stderr" "$TMP/mq/log"; fail "mosquitto did not start"; }
		kill -0 $MQ 2>/dev/null || { cat "$TMP/mq/stderr"; fail "mosquitto exited"; }
		sleep 0.1
	done
}
broker_stop() { kill "$MQ" 2>/dev/null; wait "$MQ" 2>/dev/null; }
# The bureau's settings as ACCOUNT (default bureau) into FILE.
bureau_file() {
	cat >"$1" <<CFG
bureau = { host = "127.0.0.1"; port = $MQ_PORT; tls = true; ca_file = "$TMP/tls/ca.pem";
           district = "$DIST"; username = "${2:-bureau}"; password_file = "$TMP/${2:-bureau}.pass"; };
CFG
}
# A school NAME with NB simulated boards (lsp over TCP, 64x16 mono, groups
# "hall" for the first, "yard" for the rest; each stops after $EXIT_AFTER
# frames when that is set, and is then an LSP 1.0 board, streamed every
# frame, so that its frames shown are the frames acknowledged), in
# $TMP/NAME/ with
# campaign.cfg included as its bundle file.  Boards start now, the
# controller with school_play.  Usage: school_make NAME NB
school_make() {
	d="$TMP/$1"; mkdir -p "$d/snap" "$d/run"
	boards=""; i=1
	while [ $i -le "$2" ]; do
		p=$(free_port)
		g=yard; [ $i = 1 ] && g=hall
		boards="$boards{ name = \"b$i\"; width = 64; height = 16; format = \"mono\"; protocol = \"lsp\"; address = \"tcp:127.0.0.1:$p\"; groups = [\"$g\"]; },"
		mkdir -p "$d/snap/b$i"
		$B/ledboard --listen "tcp:127.0.0.1:$p" --size 64x16 --format mono --snapshot "$d/snap/b$i" ${EXIT_AFTER:+--exit-after $EXIT_AFTER --caps rle,rowxor,delta,page,brightness,power,clock} 2>"$d/b$i.log" &
		PIDS="$PIDS $!"
		i=$((i + 1))
	done
	cat >"$d/school.cfg" <<CFG
timezone = "UTC";
control_socket = "$d/run/control.sock";
state_dir = "$d/state";
boards = ( ${boards%,} );
district = { host = "127.0.0.1"; port = $MQ_PORT; ca_file = "$TMP/tls/ca.pem"; district = "$DIST"; school = "$1";
             password_file = "$TMP/$1.pass"; keepalive = 5; bundle_file = "campaign.cfg"; };
@include "campaign.cfg"
CFG
	cat >"$d/campaign.cfg" <<CFG
content = ( { name = "local"; text = "本校通知"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "p"; items = ["local"]; } );
schedule = ( { name = "always"; playlist = "p"; boards = ["all"]; } );
CFG
	$L check "$d/school.cfg" >/dev/null || fail "school $1 config does not check"
}
# Start school NAME's controller (it starts its district link); pid in SP_NAME.
school_play() {
	$L play "$TMP/$1/school.cfg" --foreground --duration 120 2>>"$TMP/$1/daemon.log" &
	eval "SP_$1=$!"
	PIDS="$PIDS $!"
	n=100; until [ -S "$TMP/$1/run/control.sock" ]; do n=$((n - 1)); [ $n -gt 0 ] || fail "school $1 did not start"; sleep 0.1; done
}
school_stop() { eval "p=\$SP_$1"; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; }
# Wait (up to $2 s, default 20) until `district status` shows every school in
# "$1" (space-separated) online.
wait_online() {
	n=$(( ${2:-20} * 2 ))
	while :; do
		$L district status --bureau "$TMP/bureau.cfg" >"$TMP/status.out" 2>&1
		ok=1; for s in $1; do grep -q "^$s: online" "$TMP/status.out" || ok=0; done
		[ $ok = 1 ] && return 0
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/status.out"; return 1; }
		sleep 0.5
	done
}
