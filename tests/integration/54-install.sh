# `make install PREFIX=... DESTDIR=...` lays out a Debian-style daemon: the
# programs (ledsign, ledsign-full, ledsign-play, ledboard), the man page, the
# systemd unit with real paths, and a config in /etc/ledsign that passes
# `ledsign check` with its posters beside it.
# serial: runs make install in the checkout (as 04 does)
. tests/lib.sh
D=$TMP/pkg
make -s -o all install B="$B" PREFIX=/usr DESTDIR="$D" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "make install"; }
for f in usr/bin/ledsign usr/bin/ledsign-full usr/bin/ledsign-play usr/bin/ledboard usr/share/man/man1/ledsign.1 \
    usr/lib/systemd/system/ledsign.service etc/ledsign/ledsign.cfg etc/ledsign/staff/ledsign.staff.cfg; do
	[ -f "$D/$f" ] || fail "$f not installed"
done
[ -x "$D/usr/bin/ledsign" ] || fail "ledsign not executable"
# the front runs every command but the control clients as ledsign-full
[ -x "$D/usr/bin/ledsign-full" ] || fail "ledsign-full not executable"
grep -q "^ExecStart=/usr/bin/ledsign play /etc/ledsign/ledsign.cfg --foreground$" "$D/usr/lib/systemd/system/ledsign.service" ||
    fail "unit does not run the installed binary"
grep -q "@[A-Z]*@" "$D/usr/lib/systemd/system/ledsign.service" && fail "unit has an unfilled @BINDIR@ or @CONFIG@"
grep -q "^LimitNOFILE=65536$" "$D/usr/lib/systemd/system/ledsign.service" ||
    fail "unit does not raise the open-file limit for many boards"
# least privilege: its own user, serial ports by group, directories made for it
U=$D/usr/lib/systemd/system/ledsign.service
for l in User=ledsign Group=ledsign SupplementaryGroups=dialout RuntimeDirectory=ledsign \
    StateDirectory=ledsign StateDirectoryMode=0700 NoNewPrivileges=yes; do
	grep -qx "$l" "$U" || fail "unit lacks $l"
done
grep -q "@USER@\|@ETC@" "$U" && fail "unit has an unfilled @USER@ or @ETC@"
grep -qx "ReadWritePaths=-/etc/ledsign/staff" "$U" || fail "unit does not let the controller write the staff file's directory"
grep -qx '@include "staff/ledsign.staff.cfg"' "$D/etc/ledsign/ledsign.cfg" || fail "the installed config does not include its staff file"
grep -qx 'u ledsign - "ledsign LED signboard controller" /var/lib/ledsign' "$D/usr/lib/sysusers.d/ledsign.conf" ||
    fail "sysusers.d/ledsign.conf does not declare user ledsign"
grep -q "user ledsign is not created here" "$TMP/install.log" || fail "a staged install did not say it leaves the user to sysusers"
# unstaged: the user is created with useradd --system unless it exists (a
# stand-in useradd records what it was asked; the system is not changed)
printf '#!/bin/sh\necho "$@" >"%s"\n' "$TMP/useradd.args" >"$TMP/useradd"
chmod +x "$TMP/useradd"
if [ "$(id -u)" = 0 ]; then
	make -s install-user DESTDIR= USERADD="$TMP/useradd" LEDSIGN_USER=ledsign-t$$ >"$TMP/user.log" 2>&1 || fail "install-user"
	grep -q -- "--system .*ledsign-t$$\$" "$TMP/useradd.args" 2>/dev/null || fail "install-user did not run useradd --system: $(cat "$TMP/user.log")"
	rm -f "$TMP/useradd.args"
	make -s install-user DESTDIR= USERADD="$TMP/useradd" LEDSIGN_USER=nobody >"$TMP/user.log" 2>&1 || fail "install-user (existing)"
	[ -e "$TMP/useradd.args" ] && fail "install-user ran useradd for a user that exists"
fi
"$D/usr/bin/ledsign" check "$D/etc/ledsign/ledsign.cfg" || fail "installed config does not check (through the installed ledsign-full)"
# the man page renders and names every command the program knows
if command -v man >/dev/null 2>&1; then
	MANWIDTH=200 man -l "$D/usr/share/man/man1/ledsign.1" >"$TMP/man.txt" 2>/dev/null || fail "man page does not render"
	"$D/usr/bin/ledsign" --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | while read -r c; do
		grep -q "ledsign $c" "$TMP/man.txt" || { echo "man page lacks '$c'"; exit 1; }
	done || fail "man page out of date"
fi
# a second install keeps the admin's edited config
echo "# edited" >>"$D/etc/ledsign/ledsign.cfg"
make -s -o all install B="$B" PREFIX=/usr DESTDIR="$D" >/dev/null 2>&1 || fail "second install"
tail -1 "$D/etc/ledsign/ledsign.cfg" | grep -q "# edited" || fail "install overwrote the config"
echo "install layout ok"
