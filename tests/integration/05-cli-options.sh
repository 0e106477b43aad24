# Every command's options come from one table (src/cli/cmd_*.c, parsed by
# src/cli/args.c); `ledsign CMD --help` prints that table.  The man page's
# section for each command must name exactly those options: every option
# --help lists appears in it, and it names no option the command lacks.
# Also: `ledsign help CMD` prints the same as `ledsign CMD --help`, and the
# parser takes --opt=value, options after arguments, and "--".
. tests/lib.sh
L=$B/ledsign
$L --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" -ge 12 ] || fail "ledsign --help lists too few commands"
for c in $(cat "$TMP/cmds"); do
	$L "$c" --help >"$TMP/help.$c" || fail "ledsign $c --help failed"
	$L help "$c" >"$TMP/help2.$c" || fail "ledsign help $c failed"
	cmp -s "$TMP/help.$c" "$TMP/help2.$c" || fail "ledsign help $c differs from ledsign $c --help"
	head -1 "$TMP/help.$c" | grep -q "^usage: ledsign $c" || fail "ledsign $c --help has no usage line"
done
/usr/bin/python3 - "$TMP" docs/ledsign.1 $(cat "$TMP/cmds") <<'PY' || fail "docs/ledsign.1 and --help disagree (above)"
import re, sys
tmp, man, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(man).read().replace('\\-', '-')
m = re.search(r'^\.SH COMMANDS\n(.*?)^\.SH ', text, re.S | re.M)
assert m, "no COMMANDS section in " + man
sections, cur = {}, None
lines = m.group(1).split('\n')
for i, line in enumerate(lines):
    if i > 0 and lines[i - 1] == '.TP':
        w = re.match(r'^\.[A-Z]+ +"?(\[?)([a-z]+)', line)
        if w and w.group(2) in cmds:
            cur = w.group(2)
            sections[cur] = []
            continue
    if cur:
        sections[cur].append(line)
def opts(s):
    longs = set(re.findall(r'(?<![\w-])--([a-z][a-z-]*[a-z])', s)) | set(re.findall(r'(?<![\w-])--([a-z])\b', s))
    shorts = set(re.findall(r'(?<![\w-])-([a-zA-Z])(?![\w-])', s))
    return longs, shorts
bad = 0
for c in cmds:
    if c not in sections:
        print(f"{man}: COMMANDS has no entry for {c}"); bad += 1; continue
    help_ = open(f"{tmp}/help.{c}").read().split('\noptions:\n', 1)
    if len(help_) != 2:
        print(f"ledsign {c} --help has no options list"); bad += 1; continue
    hl, hs = set(), set()
    for line in help_[1].splitlines():
        o = re.match(r'^  (?:-([a-zA-Z]), )? *--([a-z][a-z-]*)', line)
        if not o:
            print(f"ledsign {c} --help: cannot read option line: {line!r}"); bad += 1; continue
        if o.group(2) == 'help':
            continue
        hl.add(o.group(2))
        if o.group(1):
            hs.add(o.group(1))
    # the usage line names every option too: a new user reads it first
    # (preview's --interval and --t were once only in docs/rendering.md)
    # (a command may have several usage lines: "usage: ..." then "       ledsign CMD ...")
    usage = '\n'.join(l for l in help_[0].split('\n') if l.startswith('usage: ') or l.startswith('       ledsign '))
    ul, us = opts(usage)
    for line in help_[1].splitlines():
        o = re.match(r'^  (?:-([a-zA-Z]), )? *--([a-z][a-z-]*)', line)
        if o and o.group(2) != 'help' and o.group(2) not in ul and not (o.group(1) and o.group(1) in us):
            print(f"ledsign {c} --help: the usage line does not name --{o.group(2)}"); bad += 1
    ml, ms = opts('\n'.join(sections[c]))
    for o in sorted(hl - ml):
        print(f"{man}: the section for '{c}' does not name --{o}, which ledsign {c} --help lists"); bad += 1
    for o in sorted(ml - hl):
        print(f"{man}: the section for '{c}' names --{o}, which ledsign {c} does not take"); bad += 1
    for o in sorted(hs - ms):
        print(f"{man}: the section for '{c}' does not name -{o}, which ledsign {c} --help lists"); bad += 1
    for o in sorted(ms - hs):
        print(f"{man}: the section for '{c}' names -{o}, which ledsign {c} does not take"); bad += 1
sys.exit(1 if bad else 0)
PY
# the parser: --opt=value, options after the file, "--", errors with status 2
CFG=content/campaign-week.cfg
$L check "$CFG" --list >"$TMP/a" || fail "check FILE --list"
$L check --list "$CFG" >"$TMP/b" || fail "check --list FILE"
cmp -s "$TMP/a" "$TMP/b" || fail "an option's place changes what it does"
$L schedule "$CFG" --at="2023-09-12 12:05" --board=gate >"$TMP/c" || fail "--opt=value"
$L schedule "$CFG" --board gate --at "2023-09-12 12:05" >"$TMP/d" || fail "--opt value"
cmp -s "$TMP/c" "$TMP/d" || fail "--opt=value differs from --opt value"
for bad in "check" "check a b" "check $CFG --nosuch" "check $CFG --list=1" "preview $CFG --board" \
    "play $CFG -x" "ports extra" "clear a b" "alerts x"; do
	$L $bad >/dev/null 2>"$TMP/err"; rc=$?
	[ $rc -eq 2 ] || fail "ledsign $bad: exit $rc, not 2"
	grep -q "^usage: ledsign " "$TMP/err" || { cat "$TMP/err"; fail "ledsign $bad: no usage line"; }
done
$L alert -5 °C >/dev/null 2>"$TMP/err" && fail "alert -5 taken as text without --"
grep -q "put -- before" "$TMP/err" || { cat "$TMP/err"; fail "no hint to use --"; }
# "--" ends the options: the text reaches the daemon's socket (none here, so it fails there)
$L alert --socket "$TMP/nosock" -- -5 °C >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] || { cat "$TMP/err"; fail "alert -- -5: exit $rc, not 1 (no daemon)"; }
grep -q "nosock" "$TMP/err" || { cat "$TMP/err"; fail "alert -- -5 did not try the socket"; }
echo "cli options: $(wc -l <"$TMP/cmds") commands, --help and docs/ledsign.1 agree"
