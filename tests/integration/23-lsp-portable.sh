# The board-side decoder is portable C99 for a microcontroller: it builds
# warning-free with -std=c99 -pedantic -Wconversion for 32-bit x86 (-m32,
# when gcc-multilib is installed) and for ARM Cortex-M (when
# arm-none-eabi-gcc is present), and calls nothing from the C library but
# memset/memcpy/memmove/memcmp (and strcmp, in a name lookup for hosts):
# no malloc, no stdio.
. tests/lib.sh
FLAGS="-std=c99 -pedantic -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wconversion -Werror -O2 -Ifirmware-proto"
built=0
check_objs() {  # $1 = label, $2 = compiler, $3.. = objects
	label=$1; ccx=$2; shift 2
	$ccx -r -nostdlib "$@" -o "$TMP/combined.o" || fail "$label: cannot link the objects together"
	bad=$(nm -u "$TMP/combined.o" | awk '{print $NF}' | grep -v -E '^(memset|memcpy|memmove|memcmp|strcmp|__aeabi_.*|__udivsi3|__divsi3|__udivdi3|__divdi3|__moddi3|__umoddi3|_GLOBAL_OFFSET_TABLE_|__x86\.get_pc_thunk.*)$' | sort -u)
	[ -z "$bad" ] || fail "$label: the decoder calls $bad"
	echo "$label: builds clean, calls only mem* helpers"
	built=$((built + 1))
}
if echo 'int main(void){return 0;}' | gcc -m32 -x c - -o "$TMP/m32" 2>/dev/null; then
	for f in fw_lsp fw_pixels; do
		gcc -m32 $FLAGS -c "firmware-proto/$f.c" -o "$TMP/$f-m32.o" || fail "$f.c does not build with -m32"
	done
	check_objs "-m32" "gcc -m32" "$TMP/fw_lsp-m32.o" "$TMP/fw_pixels-m32.o"
	# a board with a 256-byte receive buffer: how much RAM the state takes
	cat >"$TMP/size.c" <<'C'
#include <stdio.h>
#include "fw_lsp.h"
int main(void) { printf("%u\n", (unsigned)sizeof(struct fw_lsp_board)); return 0; }
C
	gcc -m32 -std=c99 -DFW_LSP_RX_PAYLOAD=256 -Ifirmware-proto -o "$TMP/size" "$TMP/size.c" && \
	    echo "-m32: struct fw_lsp_board is $("$TMP/size") bytes with a 256-byte receive buffer"
else
	echo "skip -m32: gcc-multilib not installed"
fi
if command -v arm-none-eabi-gcc >/dev/null; then
	for f in fw_lsp fw_pixels; do
		arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb $FLAGS -c "firmware-proto/$f.c" -o "$TMP/$f-arm.o" ||
		    fail "$f.c does not build for Cortex-M3"
	done
	check_objs "cortex-m3" "arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb" "$TMP/fw_lsp-arm.o" "$TMP/fw_pixels-arm.o"
	arm-none-eabi-size "$TMP/fw_lsp-arm.o" "$TMP/fw_pixels-arm.o"
else
	echo "skip arm: arm-none-eabi-gcc not installed"
fi
# the native build at least, always
for f in fw_lsp fw_pixels; do
	cc $FLAGS -c "firmware-proto/$f.c" -o "$TMP/$f.o" || fail "$f.c does not build with $FLAGS"
done
check_objs "native" "cc" "$TMP/fw_lsp.o" "$TMP/fw_pixels.o"
