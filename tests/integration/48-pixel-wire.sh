# Wire details (issue 15, items 4 and 5):
# - E1.31 multicast: each universe goes to its own group 239.255.hi.lo; a
#   receiver joined to universes 2 and 3 only gets both, from the right
#   groups.  `check` refuses a group that is not the first universe's.
# - Art-Net leaves from UDP port 6454 when it is free, from another port
#   (and says so) when another program holds it.
# Multicast stays on the loopback interface (multicast_if = "127.0.0.1").
. tests/lib.sh
L=$B/ledsign
PM=$(free_port)
PA=$(free_port)
cat >"$TMP/t.cfg" <<CFG
timezone = "Asia/Shanghai";
boards = (
  { name = "m"; width = 30; height = 17; format = "rgb888"; protocol = "e131";
    address = "udp:239.255.0.1:$PM"; universe = 1; multicast_if = "127.0.0.1"; },
  { name = "a"; width = 16; height = 8; format = "rgb888"; protocol = "artnet";
    address = "udp:127.0.0.1:$PA"; },
  { name = "local"; width = 16; height = 8; format = "rgb888"; protocol = "artnet";
    address = "udp:127.0.0.1"; }
);
content = ( { name = "hello"; text = "Hi"; color = "#FF8040"; background = "#203040"; } );
fallback = "p";
playlists = ( { name = "p"; items = ["hello"]; } );
schedule = ( );
CFG
$L check "$TMP/t.cfg" >/dev/null || fail "config does not check"

# A universe-5 board sent to universe 1's group cannot work: check says so.
sed 's/universe = 1;/universe = 5;/' "$TMP/t.cfg" >"$TMP/bad.cfg"
$L check "$TMP/bad.cfg" >"$TMP/bad.out" 2>&1 && fail "check accepted a universe-5 board on universe 1's group"
grep -q "239.255.0.5" "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "check does not name the right group"; }
grep -q "t.cfg\|bad.cfg:[0-9]" "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "check does not name the line"; }

# The receiver joins universes 2 and 3 only, and notes each packet's group.
/usr/bin/python3 - "$PM" >"$TMP/mcast.txt" 2>&1 <<'PY' &
import socket, struct, sys, select, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IP, 49, 0)                 # IP_MULTICAST_ALL off: only our groups
s.setsockopt(socket.IPPROTO_IP, 8, 1)                    # IP_PKTINFO
s.bind(("", port))
for g in ("239.255.0.2", "239.255.0.3"):
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 struct.pack("4s4s", socket.inet_aton(g), socket.inet_aton("127.0.0.1")))
print("joined", flush=True)
end = time.time() + 8
while time.time() < end:
    if not select.select([s], [], [], 0.2)[0]:
        continue
    data, anc, _, _ = s.recvmsg(2048, 256)
    dst = "?"
    for lvl, typ, d in anc:
        if lvl == socket.IPPROTO_IP and typ == 8:
            dst = socket.inet_ntoa(d[8:12])
    if len(data) >= 126:
        print(f"universe {struct.unpack('>H', data[113:115])[0]} group {dst} slots {len(data) - 126}", flush=True)
PY
RX=$!
PIDS="$PIDS $RX"
n=50
until grep -q joined "$TMP/mcast.txt" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
$L send "$TMP/t.cfg" --board m --item hello >/dev/null || fail "send to the multicast board"
n=30
until grep -q "universe 3" "$TMP/mcast.txt" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
kill $RX 2>/dev/null
grep -q "universe 2 group 239.255.0.2 slots 510" "$TMP/mcast.txt" || { cat "$TMP/mcast.txt"; fail "universe 2 did not arrive on its group"; }
grep -q "universe 3 group 239.255.0.3 slots 510" "$TMP/mcast.txt" || { cat "$TMP/mcast.txt"; fail "universe 3 did not arrive on its group"; }
grep -q "universe 1" "$TMP/mcast.txt" && { cat "$TMP/mcast.txt"; fail "universe 1 reached a receiver that did not join its group"; }
grep -v "universe [23] group 239.255.0.[23]" "$TMP/mcast.txt" | grep -q universe && { cat "$TMP/mcast.txt"; fail "a universe arrived on another universe's group"; }
echo "multicast: $(grep -c universe "$TMP/mcast.txt") packets, each universe on its own group"

# Art-Net: the source port of what arrives.
artnet_rx() {   # [port]
	# emptied here, not by the receiver's own redirection: otherwise the
	# wait below may still see the last receiver's "ready" and send too soon
	: >"$TMP/artnet.txt"
	/usr/bin/python3 - "${1:-$PA}" >"$TMP/artnet.txt" 2>&1 <<'PY' &
import socket, sys, select
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as ledboard and many nodes do
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
if select.select([s], [], [], 8)[0]:
    data, src = s.recvfrom(2048)
    print("from", src[1], data[:8], flush=True)
PY
	RX=$!
	PIDS="$PIDS $RX"
	n=50
	until grep -q ready "$TMP/artnet.txt" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
}
# UDP 6454 is one port for the whole machine: a test beside this one or a
# second `make check` sending Art-Net would take it.  They take turns (flock).
artnet_port_lock
if /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("", 6454))' 2>/dev/null; then
	artnet_rx
	$L send "$TMP/t.cfg" --board a --item hello >/dev/null 2>"$TMP/send-a.err" || fail "send to the Art-Net board"
	wait $RX
	grep -q "from 6454 b'Art-Net" "$TMP/artnet.txt" || { cat "$TMP/artnet.txt"; fail "Art-Net did not leave from port 6454"; }
	# A node on this host on 6454 itself: a socket bound there too would take
	# the datagrams for itself, so ledsign leaves from another port.
	artnet_rx 6454
	$L send "$TMP/t.cfg" --board local --item hello >/dev/null 2>"$TMP/send-l.err" || fail "send to a local node"
	wait $RX
	grep -q "from [0-9]* b'Art-Net" "$TMP/artnet.txt" || { cat "$TMP/artnet.txt" "$TMP/send-l.err"; fail "a node on this host's port 6454 got nothing"; }
	# Another program holds 6454: ledsign sends from elsewhere and says so.
	/usr/bin/python3 -c 'import socket, time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("", 6454)); print("held", flush=True); time.sleep(8)' >"$TMP/hold.txt" &
	HOLD=$!
	PIDS="$PIDS $HOLD"
	n=50
	until grep -q held "$TMP/hold.txt" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
	artnet_rx
	$L send "$TMP/t.cfg" --board a --item hello >/dev/null 2>"$TMP/send-a.err" || fail "send with 6454 held"
	wait $RX
	kill $HOLD
	grep -q "from [0-9]* b'Art-Net" "$TMP/artnet.txt" || { cat "$TMP/artnet.txt"; fail "nothing arrived with 6454 held"; }
	grep -q "from 6454 " "$TMP/artnet.txt" && fail "sent from 6454 although another program holds it"
	grep -q "ephemeral port (port 6454" "$TMP/send-a.err" || { cat "$TMP/send-a.err"; fail "send did not say 6454 was taken"; }
	echo "art-net: from 6454, and from an ephemeral port (said so) while 6454 is held"
else
	echo "SKIP art-net source port: another program holds UDP 6454 on this machine"
fi
exec 9>&-
