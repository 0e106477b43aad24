# Wireshark agrees with our E1.31 and Art-Net: capture what `ledsign send`
# puts on the loopback interface (two frames to each protocol), dissect it
# with tshark, and check universe, sequence number, slot count and every
# slot value against `ledsign preview --raw` of the same item.  Skipped, with
# the reason, only where tshark is missing or may not capture.
. tests/lib.sh
artnet_port_lock   # it sends Art-Net, from UDP 6454 where free (tests/lib.sh)
L=$B/ledsign

command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed (scripts/deps.sh installs it)"; exit 0; }
if ! timeout 10 tshark -i lo -a duration:1 -w "$TMP/probe.pcap" >"$TMP/probe.log" 2>&1; then
	echo "SKIP: tshark cannot capture on lo (needs root or CAP_NET_RAW): $(tail -1 "$TMP/probe.log")"
	exit 0
fi

PE=$(free_port)
PA=$(free_port)
cat >"$TMP/t.cfg" <<CFG
timezone = "Asia/Shanghai";
boards = (
  { name = "e"; width = 64; height = 8; format = "rgb888"; protocol = "e131";
    address = "udp:127.0.0.1:$PE"; universe = 7; pixel_order = "grb"; },
  { name = "a"; width = 64; height = 8; format = "rgb565"; protocol = "artnet";
    address = "udp:127.0.0.1:$PA"; universe = 291; pixel_order = "bgr"; }
);
content = ( { name = "hello"; text = "LED 安全"; color = "#FF8040"; background = "#203040"; } );
fallback = "all";
playlists = ( { name = "all"; items = ["hello"]; } );
schedule = ( );
CFG

# Boards listen, so no ICMP "port unreachable" interferes with the sends.
mkdir -p "$TMP/se" "$TMP/sa"
$B/ledboard --listen "udp:127.0.0.1:$PE" --size 64x8 --format rgb888 --protocol "e131:universe=7,order=grb" \
    --snapshot "$TMP/se" --quiet 2>"$TMP/be.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "udp:127.0.0.1:$PA" --size 64x8 --format rgb565 --protocol "artnet:universe=291,order=bgr" \
    --snapshot "$TMP/sa" --quiet 2>"$TMP/ba.log" &
PIDS="$PIDS $!"

# 2 frames x 4 universes per protocol, the first E1.31 frame of a sender
# twice (see e131_session) = 20 packets; bounded in time either way.
tshark -i lo -f "udp and (dst port $PE or dst port $PA)" -c 20 -a duration:30 -w "$TMP/cap.pcap" \
    >"$TMP/tshark.log" 2>&1 &
TPID=$!
PIDS="$PIDS $TPID"
n=50
until grep -q "Capturing on" "$TMP/tshark.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || { cat "$TMP/tshark.log"; fail "tshark did not start capturing"; }
sleep 0.3

$L send "$TMP/t.cfg" --board e --item hello --frames 2 --interval 0.2 || fail "send e131"
$L send "$TMP/t.cfg" --board a --item hello --frames 2 --interval 0.2 || fail "send artnet"
wait "$TPID" || { cat "$TMP/tshark.log"; fail "tshark failed"; }
$L preview "$TMP/t.cfg" --board e --item hello --raw -o "$TMP/e.png" || fail "preview e"
$L preview "$TMP/t.cfg" --board a --item hello --raw -o "$TMP/a.png" || fail "preview a"

tshark -r "$TMP/cap.pcap" --enable-heuristic acn -o acn.dmx_enable:TRUE -o acn.dmx_display_zeros:TRUE \
    -o acn.dmx_display_leading_zeros:TRUE -T fields -E separator='|' \
    -e acn.dmx.universe -e acn.dmx.seq_number -e acn.dmx.count -e acn.dmx.start_code2 -e acn.dmx.data \
    -Y acn >"$TMP/acn.txt" 2>"$TMP/dissect.log" || fail "tshark could not read the capture"
tshark -r "$TMP/cap.pcap" -d "udp.port==$PA,artnet" -o dmx_chan.dmx_disp_chan_val_type:Hexadecimal \
    -o dmx_chan.dmx_disp_chan_nr_type:Decimal -V -Y artnet >"$TMP/artnet.txt" 2>>"$TMP/dissect.log" ||
    fail "tshark could not read the capture"

/usr/bin/python3 - "$TMP" <<'PY' || fail "the dissection disagrees with ledsign (see above)"
import re, sys
from PIL import Image
tmp = sys.argv[1]

def slots(png, order):
    im = Image.open(png).convert("RGB")
    w, h = im.size
    out = []
    for y in range(h):
        for x in range(w):
            px = im.getpixel((x, y))
            out += [px["rgb".index(c)] for c in order]
    return out

def universes(values, first):
    return {first + i // 510: values[i:i + 510] for i in range(0, len(values), 510)}

bad = []
want = universes(slots(f"{tmp}/e.png", "grb"), 7)
seen = {}
for line in open(f"{tmp}/acn.txt"):
    u, seq, count, start, data = line.rstrip("\n").split("|", 4)
    u, seq, count = int(u), int(seq), int(count)
    vals = []
    for row in data.split(",")[1:]:
        vals += [int(t, 16) for t in row.split(":", 1)[1].replace("|", " ").split()]
    seen.setdefault(u, []).append(seq)
    if u not in want:
        bad.append(f"e1.31: unexpected universe {u}")
        continue
    if count != len(want[u]) + 1 or int(start, 0) != 0:
        bad.append(f"e1.31 universe {u}: count {count}, start code {start}")
    if vals != want[u]:
        bad.append(f"e1.31 universe {u} seq {seq}: slots differ from the preview")
if seen != {u: [1, 129, 130] for u in want}:
    bad.append(f"e1.31: universes/sequences seen {seen}, want 1, 129 (the first frame again), 130 in each of {sorted(want)}")

want = universes(slots(f"{tmp}/a.png", "bgr"), 291)
seen = {}
pkts = []
part = None
for line in open(f"{tmp}/artnet.txt"):
    if line.startswith("Frame "):
        part = None
    elif "ArtDMX packet" in line:
        part = "head"
        pkts.append({"vals": []})
    elif line.startswith("DMX Channels") and part:
        part = "data"
    elif part == "head" and re.match(r"\s+(Sequence|Universe|Length): (\d+)", line):
        k, v = re.match(r"\s+(\w+): (\d+)", line).groups()
        pkts[-1][k] = int(v)
    elif part == "data" and re.match(r"\s+\d+:\s+0x", line):
        pkts[-1]["vals"] += [int(t, 16) for t in line.split(":", 1)[1].split()]
for p in pkts:
    u = p["Universe"]
    seen.setdefault(u, []).append(p["Sequence"])
    w = want.get(u)
    if w is None:
        bad.append(f"art-net: unexpected universe {u}")
        continue
    wl = len(w) + len(w) % 2
    if p["Length"] != wl or p["vals"][:len(w)] != w or len(p["vals"]) != wl:
        bad.append(f"art-net universe {u} seq {p['Sequence']}: length {p['Length']}, data differs")
if seen != {u: [1, 2] for u in want}:
    bad.append(f"art-net: universes/sequences seen {seen}, want 1 then 2 in each of {sorted(want)}")
for b in bad:
    print(b)
if not bad:
    print(f"tshark: {sum(len(v) for v in seen.values())} ArtDmx packets and every E1.31 packet agree with the preview")
sys.exit(1 if bad else 0)
PY
