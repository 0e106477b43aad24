#!/bin/sh
# check-includes.sh [ROOT] — the include wall (docs/architecture.md, "Walls").
#
# Under ROOT (default: the repository this script is in) every quoted
# #include in src/, firmware-proto/, tests/unit/, tests/fuzz/ and bench/ must
#   1. name a header that exists: "folder/name.h" relative to src/, a
#      firmware-proto/ header, or a file beside the includer (tests only);
#      a flat "alert.h" from before the folders is refused;
#   2. not reach into another folder's private header: src/F/*_int.h may be
#      included only from src/F/ (and by the white-box tests and benchmarks);
#   3. keep the layering: src/util/ includes only src/util/; src/proto/ never
#      src/render/; nothing outside src/cli/ includes src/cli/; firmware-proto/
#      nothing from src/.
# Prints FILE:LINE: what is wrong and how to fix it; exit 1 when anything is.
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT" || exit 2
files=$(find src firmware-proto tests/unit tests/fuzz bench -name '*.[ch]' 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-includes: no sources under $ROOT" >&2; exit 2; }
# FILE LINE HEADER, one per quoted include
grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files |
	sed 's/^\([^:]*\):\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2 \3/' |
	while read -r file line hdr; do
		dir=${file%/*}
		case $file in src/*) home=${file#src/}; home=${home%%/*};; *) home=;; esac
		case $hdr in */*) hfolder=${hdr%%/*};; *) hfolder=;; esac
		where="$file:$line: #include \"$hdr\""
		# 1. the header exists where the build's include path finds it
		if [ -n "$hfolder" ] && [ -f "src/$hdr" ]; then
			:
		elif [ -z "$hfolder" ] && [ -f "firmware-proto/$hdr" ]; then
			:
		elif [ -z "$hfolder" ] && [ -f "$dir/$hdr" ] && case $file in src/*) false;; *) true;; esac; then
			:
		else
			guess=$(cd src && ls -d */"$hdr" 2>/dev/null | head -1)
			echo "$where: no such header under src/${guess:+; write \"$guess\"}"
			continue
		fi
		# 2. private headers stay in their folder
		case $hdr in
		*_int.h)
			case $file in
			src/*) [ "$home" = "$hfolder" ] ||
				echo "$where: private to src/$hfolder/ (*_int.h); use its public header or move the code into src/$hfolder/";;
			tests/unit/*|tests/fuzz/*|bench/*) ;;
			*) echo "$where: private to src/$hfolder/ (*_int.h)";;
			esac;;
		esac
		# 3. layering
		case $file:$hfolder in
		src/util/*:util|src/util/*:) ;;
		src/util/*:*) echo "$where: src/util/ is below every subsystem and includes only src/util/";;
		src/proto/*:render) echo "$where: encoders take a struct proto_image, not render/ types (proto/ never includes render/)";;
		src/cli/*:cli) ;;
		src/*:cli) echo "$where: library code cannot use the CLI (src/cli/ is linked into ledsign only)";;
		firmware-proto/*:?*) echo "$where: firmware-proto/ includes nothing from src/";;
		esac
	done >"${TMPDIR:-/tmp}/check-includes.$$"
n=$(wc -l <"${TMPDIR:-/tmp}/check-includes.$$")
cat "${TMPDIR:-/tmp}/check-includes.$$"
rm -f "${TMPDIR:-/tmp}/check-includes.$$"
[ "$n" -eq 0 ] || { echo "check-includes: $n include(s) break the wall (docs/architecture.md, Walls)" >&2; exit 1; }
