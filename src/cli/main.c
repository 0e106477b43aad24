/*
 * main.c — the ledsign command line: a table of subcommands.
 *
 * Only this file and the commands print; library code reports through
 * struct ls_diag or error strings.  Exit status: 0 ok, 1 failure, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "util/tz.h"

#ifndef LEDSIGN_VERSION
#define LEDSIGN_VERSION "0.1.0"
#endif

static int cmd_version(int, char **);
static int cmd_help(int, char **);

static const struct cmd cmd_table[] = {
	{ "check", "FILE [--list]", "validate a config file and report every mistake (--list: one line per board)", cmd_check },
	{ "preview", "FILE (--board NAME --item NAME | --all | --board NAME --from RAW.png) [--at TIME] [--raw] [--frames N] -o PATH|DIR",
	  "write PNGs of what boards show (LED dots, or --raw one pixel per LED)", cmd_preview },
	{ "schedule", "FILE [--at \"YYYY-MM-DD HH:MM\" | --week YYYY-MM-DD [-o plan.png]] [--board NAME]", "what each board shows at a time, or the plan of a week (text, printable PNG)", cmd_schedule },
	{ "send", "FILE --board NAME --item NAME [--at TIME]", "push one item once to a board and wait for it to be shown", cmd_send },
	{ "probe", "FILE BOARD [--pause SECONDS] [--step N] [--timeout SECONDS] [--dump DIR]",
	  "send test patterns to a board and say what each should look like, and what to change if not", cmd_probe },
	{ "alert", "TEXT [--boards LIST | --groups LIST] [--level info|warning|emergency] [--for 30m | --until TIME] [--id ID] | --cap FILE  [--socket PATH] [--config FILE]", "raise an alert on every board or the chosen ones; prints its id", cmd_alert },
	{ "clear", "ID | --all  [--socket PATH] [--config FILE]", "take an alert (or all) down; boards return to their schedule", cmd_clear },
	{ "alerts", "[--socket PATH] [--config FILE]", "list the active alerts with their targets and expiry", cmd_alerts },
	{ "watch", "[--types LIST] [--since SEQ] [--count N] [--timeout SECONDS] [--socket PATH] [--config FILE]",
	  "print the running controller's events (items shown, link states, alerts, reloads) as they happen", cmd_watch },
	{ "play", "FILE [--foreground] [--syslog] [-v|--debug] [--until TIME | --duration SECONDS] [--start-at TIME] [--fps N] [--run-dir DIR]", "run the controller: play the schedule on every board", cmd_play },
	{ "status", "[FILE] [--run-dir DIR]", "show each board of the running controller", cmd_status },
	{ "reload", "[FILE] [--run-dir DIR]", "make the running controller check and load its config again", cmd_reload },
	{ "ports", "", "list serial ports with description, USB VID:PID and serial number", cmd_ports },
	{ "version", "", "print the version", cmd_version },
	{ "help", "[COMMAND]", "show this help", cmd_help },
};
#define NCMDS (sizeof cmd_table / sizeof cmd_table[0])

static const struct cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			return &cmd_table[i];
	return NULL;
}

static void
usage_all(FILE *fp)
{
	fprintf(fp, "usage: ledsign COMMAND [ARGS]\n\n"
	    "ledsign plans and plays content on LED signboards.\n\ncommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(fp, "  %-9s %s\n", cmd_table[i].name, cmd_table[i].summary);
	fprintf(fp, "\nTIME is \"YYYY-MM-DD HH:MM\" in the config's timezone.\n"
	    "Run 'ledsign help COMMAND' for a command's arguments; the manual is ledsign(1).\n");
}

static int
cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage_all(stdout);
		return 0;
	}
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "ledsign: unknown command \"%s\"\n", argv[1]);
		return 2;
	}
	printf("usage: ledsign %s %s\n  %s\n", c->name, c->usage, c->summary);
	return 0;
}

static int
cmd_version(int argc, char **argv)
{
	printf("ledsign %s\n", LEDSIGN_VERSION);
	return 0;
}

int
cmd_usage(const char *name)
{
	const struct cmd *c = cmd_find(name);

	fprintf(stderr, "usage: ledsign %s %s\n", name, c ? c->usage : "");
	return 2;
}

struct ls_config *
cmd_load_config(const char *path)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = ls_config_load(path, &d);

	ls_diag_sort(&d);
	ls_diag_print(&d, stderr);
	ls_diag_clear(&d);
	return cfg;
}

int
cmd_parse_time(const struct ls_config *cfg, const char *s, long long *epoch)
{
	int y, mo, d, h, mi, sec = 0, n = 0;
	char err[256];
	struct tz *zone;

	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || s[n] != '\0') {
		n = 0;
		sec = 0;
		if (sscanf(s, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || s[n] != '\0')
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59)
		return -1;
	{
		char date[16];
		ls_day day;
		snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
		if (ls_parse_date(date, &day) < 0)
			return -1;
		/* The same zone code as the schedule, so "--at" means what
		 * `ledsign schedule --at` means, also on daylight-saving nights. */
		if ((zone = tz_load(cfg && cfg->timezone ? cfg->timezone : "UTC", err, sizeof err)) == NULL)
			return -1;
		*epoch = (long long)tz_from_local(zone, day, h * 3600 + mi * 60 + sec);
		tz_free(zone);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_all(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "ledsign: unknown command \"%s\"; run 'ledsign --help' for the list\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: ledsign %s %s\n  %s\n", c->name, c->usage, c->summary);
			return 0;
		}
	return c->run(argc - 1, argv + 1);
}
