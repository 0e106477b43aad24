# The include wall (docs/architecture.md, Walls): scripts/check-includes.sh
# passes on the tree, and fails, naming file and line, on each kind of
# violation planted in a copy of the tree.
. tests/lib.sh
scripts/check-includes.sh . >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "the tree breaks its include wall"; }
T=$TMP/tree
# expect_fail FILE 'INCLUDE LINE' 'message part': plant one bad include in a fresh copy
expect_fail() {
	rm -rf "$T"; mkdir -p "$T"
	cp -R src firmware-proto bench "$T"/; mkdir -p "$T/tests"; cp -R tests/unit tests/fuzz "$T/tests/"
	mkdir -p "$(dirname "$T/$1")"
	printf '/* planted by 03-include-wall */\n%s\nint planted;\n' "$2" >>"$T/$1"
	if scripts/check-includes.sh "$T" >"$TMP/out" 2>&1; then
		fail "check-includes.sh accepted $2 in $1"
	fi
	grep -qF "$1:" "$TMP/out" || { cat "$TMP/out"; fail "no file:line for $2 in $1"; }
	grep -qF "$3" "$TMP/out" || { cat "$TMP/out"; fail "no '$3' for $2 in $1"; }
	[ "$(grep -c '#include' "$TMP/out")" -eq 1 ] || { cat "$TMP/out"; fail "more than the planted include reported"; }
}
expect_fail src/daemon/planted.c '#include "render/render_int.h"' 'private to src/render/'
expect_fail src/alert/alert.c '#include "transport/xport_int.h"' 'private to src/transport/'
expect_fail src/daemon/daemon.h '#  include "render/render_int.h"' 'private to src/render/'
expect_fail src/alert/alert.c '#include "alert.h"' 'write "alert/alert.h"'
expect_fail src/cli/main.c '#include "config/nosuch.h"' 'no such header'
expect_fail src/util/kv.c '#include "config/model.h"' 'includes only src/util/'
expect_fail src/proto/lsp.c '#include "render/canvas.h"' 'proto/ never includes render/'
expect_fail src/daemon/daemon.c '#include "cli/cmd.h"' 'library code cannot use the CLI'
expect_fail firmware-proto/fw_lsp.c '#include "util/kv.h"' 'firmware-proto/ includes nothing from src/'
expect_fail tests/unit/test_kv.c '#include "kv.h"' 'write "util/kv.h"'
# a private header within its own folder, and in the white-box tests, is fine
rm -rf "$T"; mkdir -p "$T/tests"; cp -R src firmware-proto bench "$T"/; cp -R tests/unit tests/fuzz "$T/tests/"
printf '#include "render/render_int.h"\n' >>"$T/src/render/planted.c"
printf '#include "transport/xport_int.h"\n' >>"$T/tests/unit/test_planted.c"
scripts/check-includes.sh "$T" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "a private header in its own folder or a unit test was refused"; }
echo "include wall ok"
