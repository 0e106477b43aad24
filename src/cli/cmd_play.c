/* cmd_play.c — `ledsign play`: run the controller (src/daemon/daemon.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "daemon/daemon.h"

int
cmd_play(int argc, char **argv)
{
	struct daemon_opts o;
	const char *file = NULL, *start_at = NULL, *until = NULL;
	struct ls_config *cfg;
	int rc;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--foreground") == 0 || strcmp(a, "-f") == 0) {
			o.foreground = 1;
		} else if (strcmp(a, "--debug") == 0 || strcmp(a, "-v") == 0) {
			o.verbose = 1;
		} else if (strcmp(a, "--syslog") == 0) {
			o.use_syslog = 1;
		} else if (strcmp(a, "--until") == 0 && i + 1 < argc) {
			until = argv[++i];
		} else if (strcmp(a, "--start-at") == 0 && i + 1 < argc) {
			start_at = argv[++i];
		} else if (strcmp(a, "--duration") == 0 && i + 1 < argc) {
			char *end;
			o.duration = strtod(argv[++i], &end);
			if (*end || o.duration <= 0) {
				fprintf(stderr, "ledsign play: --duration wants seconds > 0, not \"%s\"\n", argv[i]);
				return 2;
			}
		} else if (strcmp(a, "--fps") == 0 && i + 1 < argc) {
			char *end;
			o.fps = strtod(argv[++i], &end);
			if (*end || o.fps <= 0 || o.fps > 240) {
				fprintf(stderr, "ledsign play: --fps wants 1..240, not \"%s\"\n", argv[i]);
				return 2;
			}
		} else if (strcmp(a, "--run-dir") == 0 && i + 1 < argc) {
			o.run_dir = argv[++i];
		} else if (a[0] == '-' || file) {
			return cmd_usage(argv[0]);
		} else {
			file = a;
		}
	}
	if (!file)
		return cmd_usage(argv[0]);
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
