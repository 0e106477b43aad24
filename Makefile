# ledsign — build, test, demo, bench, fuzz, install.
# `make demo` and `make check` install missing Debian packages first (scripts/deps.sh).

CC      ?= cc
PKGS    := libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0 \
           libmicrohttpd sqlite3 libcrypt libmosquitto cairo libevent_pthreads
WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc -Ifirmware-proto $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lgif -lm -lpthread
FW_CFLAGS = -std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Werror $(CFLAGS) -Ifirmware-proto

B       ?= build
# Quiet by default; `make V=1` shows the full commands.
Q       := $(if $(V),,@)
PREFIX  ?= /usr/local
DESTDIR ?=
# The daemon's own user (dist/ledsign.service User=; `make install` creates it).
LEDSIGN_USER ?= ledsign
USERADD ?= useradd
# The installed config's path, from the one header that names the default paths.
LS_CONFIG := $(shell sed -n 's/^\#define LS_PATH_CONFIG *"\(.*\)"/\1/p' src/util/paths.h)
LS_ETC    := $(patsubst %/,%,$(dir $(LS_CONFIG)))

# Every .c under src/ except the CLI (src/cli/) is library code; new modules are picked up by the glob.
LIB_SRC  := $(filter-out src/cli/%,$(wildcard src/*.c src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
# The CLI (main and one cmd_*.c per command) is linked into ledsign only, not the library.
CLI_OBJ  := $(patsubst %.c,$(B)/obj/%.o,$(wildcard src/cli/*.c))
# firmware-proto: the portable board side (fw_*.c) plus the host simulator (ledboard*.c).
FW_SRC   := $(wildcard firmware-proto/fw_*.c)
FW_OBJ   := $(FW_SRC:%.c=$(B)/obj/%.o)
BOARD_SRC := $(wildcard firmware-proto/ledboard*.c)
BOARD_OBJ := $(BOARD_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

.PHONY: all check unit unit-bins integration demo bench fuzz asan install install-user clean deps config-doc print-libs print-cflags
all: $(B)/ledsign $(B)/ledsign-full $(B)/ledsign-play $(B)/ledboard $(TOOL_BIN)

deps:
	@scripts/deps.sh

$(B)/obj/src/%.o: src/%.c $(wildcard src/*.h src/*/*.h firmware-proto/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/firmware-proto/%.o: firmware-proto/%.c $(wildcard firmware-proto/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(FW_CFLAGS) $(shell pkg-config --cflags libpng) -c -o $@ $<

$(B)/libledsign.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/libfwproto.a: $(FW_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# Every command.  `ledsign` runs it for all but the control clients.
$(B)/ledsign-full: $(CLI_OBJ) $(B)/libledsign.a $(B)/libfwproto.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# `ledsign` itself, the lean front (docs/cli.md): main.c built with
# LS_MAIN_FRONT runs alert, clear, alerts, watch, status and reload and
# execs ledsign-full for the rest.  It is linked with libconfig, libevent and
# libc only, so a module that draws in FreeType, cairo or the like fails the
# link here rather than costing every alert the 9 ms of loading them.
FRONT_OBJ  := $(patsubst %,$(B)/obj/src/cli/%.o,main-front args cmd_alert cmd_status cmd_watch where)
FRONT_LIBS  = $(shell pkg-config --libs libconfig libevent 2>/dev/null)
$(B)/obj/src/cli/main-front.o: src/cli/main.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DLS_MAIN_FRONT -c -o $@ $<

$(B)/ledsign: $(FRONT_OBJ) $(B)/libledsign.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -Wl,--as-needed -o $@ $^ $(FRONT_LIBS)

# The controller's own binary (`ledsign play` runs it when it sits next to
# ledsign): main.c built with LS_MAIN_PLAY holds only `play` (and the
# checker a staff save starts, `staff-check`), and
# --as-needed drops the libraries play never calls (libmicrohttpd, libmosquitto,
# cairo, libcrypt and what they pull in), so the daemon never loads them
# (docs/daemon.md, "Memory").
$(B)/obj/src/cli/main-play.o: src/cli/main.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DLS_MAIN_PLAY -c -o $@ $<

$(B)/ledsign-play: $(B)/obj/src/cli/main-play.o $(B)/obj/src/cli/cmd_play.o $(B)/obj/src/cli/cmd_staff_check.o \
    $(B)/obj/src/cli/args.o $(B)/libledsign.a $(B)/libfwproto.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -Wl,--as-needed -o $@ $^ $(LIBS)

$(B)/ledboard: $(BOARD_OBJ) $(B)/libfwproto.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(shell pkg-config --libs libpng) -lm

$(B)/tests/%: tests/unit/%.c $(B)/libledsign.a $(B)/libfwproto.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $^ $(LIBS) $(shell pkg-config --libs cmocka)

$(B)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

# check: the normal build's tests, then the same again under ASan+UBSan.
# The normal build compiles on every core; then the unit tests run, then the
# integration tests (never both at once: some measure frame rates and wall
# time).  tests/run-integration.sh runs the integration tests several at a
# time (LEDSIGN_TEST_JOBS=N chooses how many; docs/testing.md), and while
# those wait on their sockets the ASan build compiles beside them at nice 19,
# done before the tests that run alone start.
NPROC   := $(shell nproc 2>/dev/null || echo 2)
check: deps
	$(MAKE) -j$(NPROC) all unit-bins
	$(MAKE) unit
	LEDSIGN_TEST_BESIDE='$(ASAN_MAKE) -j$(NPROC) all unit-bins' $(MAKE) integration
	$(MAKE) asan
	@echo "make check: all tests passed"

unit-bins: $(UNIT_BIN)

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(B)

integration: all
	@tests/run-integration.sh $(B)

# The sanitizers' stack traces need llvm-symbolizer (scripts/deps.sh installs it); naming
# it keeps the runtime from trying addr2line, which on Debian 12 only prints warnings.
SYMBOLIZER := $(firstword $(shell command -v llvm-symbolizer llvm-symbolizer-14 2>/dev/null))
ASAN_MAKE = $(MAKE) B=build-asan CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
ASAN_ENV  = $(if $(SYMBOLIZER),ASAN_SYMBOLIZER_PATH=$(SYMBOLIZER) UBSAN_SYMBOLIZER_PATH=$(SYMBOLIZER)) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1
asan:
	$(ASAN_MAKE) -j$(NPROC) all unit-bins
	$(ASAN_ENV) $(ASAN_MAKE) unit
	$(ASAN_ENV) $(ASAN_MAKE) integration

# docs/config.md's tables from the config key tables (src/config/config.c);
# integration test 06 fails when they differ.
config-doc: $(B)/ledsign $(B)/ledsign-full
	@scripts/config-doc.sh $(B)/ledsign docs/config.md

demo: deps all
	@scripts/demo.sh $(B)

bench: deps all
	@bench/run.sh $(B)

fuzz: deps
	@tests/fuzz/run.sh

# The libraries every program links, for the scripts that build their own
# (tests/fuzz/run.sh): one list, so a new dependency cannot be missed there.
print-libs:
	@echo '$(LIBS)'
print-cflags:
	@echo '$(shell pkg-config --cflags $(PKGS) 2>/dev/null)'


install: all
	@[ -n "$(LS_CONFIG)" ] || { echo "make install: no LS_PATH_CONFIG in src/util/paths.h" >&2; exit 1; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(LS_ETC)
	install -m 755 $(B)/ledsign $(B)/ledsign-full $(B)/ledsign-play $(B)/ledboard $(DESTDIR)$(PREFIX)/bin/
	[ ! -f docs/ledsign.1 ] || install -m 644 docs/ledsign.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	[ -f $(DESTDIR)$(LS_CONFIG) ] || { sed 's|^@include "campaign-week.staff.cfg"$$|@include "staff/ledsign.staff.cfg"|' \
	    content/campaign-week.cfg >$(DESTDIR)$(LS_CONFIG) && chmod 644 $(DESTDIR)$(LS_CONFIG); }
	# the staff file the console writes, in a directory the controller may write (the unit's ReadWritePaths)
	install -d $(DESTDIR)$(LS_ETC)/staff
	[ -f $(DESTDIR)$(LS_ETC)/staff/ledsign.staff.cfg ] || install -m 644 content/campaign-week.staff.cfg $(DESTDIR)$(LS_ETC)/staff/ledsign.staff.cfg
	install -d $(DESTDIR)$(LS_ETC)/posters
	for f in content/posters/*.png; do [ -f "$(DESTDIR)$(LS_ETC)/posters/$${f##*/}" ] || install -m 644 "$$f" $(DESTDIR)$(LS_ETC)/posters/; done
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@USER@|$(LEDSIGN_USER)|g' -e 's|@CONFIG@|$(LS_CONFIG)|g' -e 's|@ETC@|$(LS_ETC)|g' dist/ledsign.service >$(DESTDIR)$(PREFIX)/lib/systemd/system/ledsign.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/ledsign.service
	install -d $(DESTDIR)$(PREFIX)/lib/sysusers.d
	sed 's|@USER@|$(LEDSIGN_USER)|g' dist/ledsign.sysusers >$(DESTDIR)$(PREFIX)/lib/sysusers.d/ledsign.conf
	chmod 644 $(DESTDIR)$(PREFIX)/lib/sysusers.d/ledsign.conf
	$(MAKE) -s install-user
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && getent passwd $(LEDSIGN_USER) >/dev/null; then \
		chown -R $(LEDSIGN_USER) $(LS_ETC)/staff; \
	else \
		echo "install: give $(LS_ETC)/staff to user $(LEDSIGN_USER) (chown -R $(LEDSIGN_USER) $(LS_ETC)/staff) so the console can save"; \
	fi

# The system user the daemon runs as, unless it exists.  Not in a staged
# install (DESTDIR: the target's systemd-sysusers makes it from
# sysusers.d/ledsign.conf) and not without root (then it says what to run).
USERADD_ARGS = --system --user-group --no-create-home --home-dir /var/lib/ledsign --shell /usr/sbin/nologin --comment "ledsign LED signboard controller" $(LEDSIGN_USER)
install-user:
	@if [ -n "$(DESTDIR)" ]; then \
		echo "install: staged in DESTDIR, so user $(LEDSIGN_USER) is not created here; on the target systemd-sysusers makes it from $(PREFIX)/lib/sysusers.d/ledsign.conf"; \
	elif getent passwd $(LEDSIGN_USER) >/dev/null; then \
		echo "install: user $(LEDSIGN_USER) exists"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "install: not root, so user $(LEDSIGN_USER) is not created; as root run: useradd $(USERADD_ARGS)"; \
	else \
		echo "install: creating system user $(LEDSIGN_USER)"; \
		$(USERADD) $(USERADD_ARGS); \
	fi

clean:
	rm -rf build build-asan build-fuzz out
