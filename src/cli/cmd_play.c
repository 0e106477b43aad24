/* cmd_play.c — `ledsign play`: run the controller (src/daemon/daemon.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "util/self_exe.h"
#include "config/config.h"
#include "daemon/daemon.h"

static const struct cmd_opt play_opts[] = {
	{ "foreground", 'f', NULL, "stay attached and log to standard error (default: detach and log to syslog)" },
	{ "syslog", 0, NULL, "log to syslog (facility daemon) even in the foreground" },
	{ "debug", 'v', NULL, "also log debug lines: every event as `ledsign watch` prints it, and each line's subsystem" },
	{ "until", 0, "TIME", "stop when the campaign clock reaches TIME" },
	{ "duration", 0, "SECONDS", "stop after that many seconds" },
	{ "start-at", 0, "TIME", "run the campaign clock from TIME instead of now (demonstrations, tests)" },
	{ "fps", 0, "N", "frames per second of scrolling and flashing items, 1..240 (default 30)" },
	{ "workers", 0, "N", "spread the boards over N threads, 1..64 (default: the config's workers, else automatic)" },
	{ "run-dir", 0, "DIR", "directory for the pid and status files (default: that of control_socket)" },
	{ "user", 0, "NAME", "started as root: prepare the directories, then run as this user (also the config's user)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_play(const struct cmd_args *);

const struct cmd_entry cmd_play_entry = {
	"play", "FILE [--foreground] [--syslog] [--debug] [--until TIME | --duration SECONDS] [--start-at TIME] [--fps N] [--workers N] [--run-dir DIR] [--user NAME]",
	"run the controller: play the schedule on every board", play_opts, 1, 1, 0, cmd_play,
};

static int
cmd_play(const struct cmd_args *a)
{
	struct daemon_opts o;
	const char *file = a->argv[0], *start_at = cmd_arg(a, "start-at"), *until = cmd_arg(a, "until"), *v;
	struct ls_config *cfg;
	int rc;
	char self[4096];

	/* The controller runs as ledsign-play, the binary next to this one that
	 * links only what playing needs: libmicrohttpd, libmosquitto, cairo and
	 * libcrypt (with GnuTLS, OpenSSL, pixman, X11...) are then never loaded
	 * into the daemon, about 6 MiB of its memory (docs/daemon.md, "Memory").
	 * Without it (a copied binary) play runs here, the same, only larger. */
	if (!cmd_main_is_play && cmd_main_argv && ls_self_sibling("ledsign-play", self, sizeof self) == 0 &&
	    access(self, X_OK) == 0) {
		execv(self, cmd_main_argv);
		fprintf(stderr, "ledsign play: cannot run %s (%s); playing in this process\n", self, strerror(errno));
	}
	memset(&o, 0, sizeof o);
	o.foreground = cmd_flag(a, "foreground");
	o.use_syslog = cmd_flag(a, "syslog");
	o.verbose = cmd_flag(a, "debug");
	o.run_dir = cmd_arg(a, "run-dir");
	o.user = cmd_arg(a, "user");
	if ((v = cmd_arg(a, "duration")) != NULL) {
		char *end;
		o.duration = strtod(v, &end);
		if (*end || o.duration <= 0) {
			fprintf(stderr, "ledsign play: --duration wants seconds > 0, not \"%s\"\n", v);
			return 2;
		}
	}
	if ((v = cmd_arg(a, "fps")) != NULL) {
		char *end;
		o.fps = strtod(v, &end);
		if (*end || o.fps <= 0 || o.fps > 240) {
			fprintf(stderr, "ledsign play: --fps wants 1..240, not \"%s\"\n", v);
			return 2;
		}
	}
	if ((v = cmd_arg(a, "workers")) != NULL) {
		char *end;
		long nw = strtol(v, &end, 10);

		if (*end || end == v || nw < 1 || nw > 64) {
			fprintf(stderr, "ledsign play: --workers wants 1..64, not \"%s\"\n", v);
			return 2;
		}
		o.workers = (int)nw;
	}
	if (until && o.duration > 0) {
		fprintf(stderr, "ledsign play: give --until or --duration, not both\n");
		return 2;
	}
	/* load once here to turn times into Unix time in the config's timezone;
	 * the daemon loads (and checks) the file again itself */
	cfg = cmd_load_config(file);
	if (!cfg)
		return 1;
	if (start_at) {
		long long t;
		if (cmd_parse_time(cfg, start_at, &t) < 0) {
			fprintf(stderr, "ledsign play: bad --start-at \"%s\"; write \"YYYY-MM-DD HH:MM\"\n", start_at);
			ls_config_free(cfg);
			return 2;
		}
		o.clock_offset = (double)t - (double)time(NULL);
	}
	if (until) {
		long long t;
		if (cmd_parse_time(cfg, until, &t) < 0) {
			fprintf(stderr, "ledsign play: bad --until \"%s\"; write \"YYYY-MM-DD HH:MM\"\n", until);
			ls_config_free(cfg);
			return 2;
		}
		o.until = (double)t;
	}
	ls_config_free(cfg);
	o.config_path = file;
	rc = daemon_run(&o);
	return rc;
}
