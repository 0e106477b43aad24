#!/bin/sh
# Install the Debian packages ledsign needs to build, test and run the demo.
# Only packages that are absent are installed, and the script says which.
# llvm brings llvm-symbolizer: without it the ASan runtime falls back to addr2line and
# writes "invalid path to external symbolizer" warnings into every test's stderr.
# Usage: scripts/deps.sh [--check]   (--check only lists what is missing)
set -eu

PKGS="build-essential pkg-config clang poppler-utils
libconfig-dev libfreetype-dev libharfbuzz-dev libfontconfig-dev libpng-dev
libserialport-dev libevent-dev libcmocka-dev libxml2-dev libclang-rt-14-dev llvm
fonts-wqy-zenhei fonts-noto-cjk fonts-unifont
libmicrohttpd-dev libsqlite3-dev libcrypt-dev libgif-dev libcairo2-dev
mosquitto mosquitto-clients libmosquitto-dev
chromium chromium-driver python3-selenium openssl
python3-pil imagemagick socat valgrind tshark gcc-multilib bc"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "deps: missing:$missing"
	exit 1
fi

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
