/*
 * main.c — the ledsign command line: a table of subcommands.
 *
 * Only this file and the commands print; library code reports through
 * struct ls_diag or error strings.  Exit status: 0 ok, 1 failure, 2 usage.
 *
 * Built three ways (Makefile): ledsign-full, every command; with
 * LS_MAIN_PLAY, ledsign-play, the controller's own binary; with
 * LS_MAIN_FRONT, `ledsign` itself: the lean front that runs the control
 * clients and hands every other command to ledsign-full (docs/cli.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "util/self_exe.h"
#include "util/tz.h"

#ifndef LEDSIGN_VERSION
#define LEDSIGN_VERSION "0.1.0"
#endif

char **cmd_main_argv;
#ifdef LS_MAIN_PLAY
const int cmd_main_is_play = 1;
#else
const int cmd_main_is_play = 0;
#endif

static int cmd_version(const struct cmd_args *);
static int cmd_help(const struct cmd_args *);

static const struct cmd_entry cmd_version_entry = {
	"version", "", "print the version", NULL, 0, 0, 0, cmd_version,
};
static const struct cmd_entry cmd_help_entry = {
	"help", "[COMMAND]", "show this help, or a command's options", NULL, 0, 1, 0, cmd_help,
};

/* In the order `ledsign --help` lists them.  Built with LS_MAIN_PLAY this
 * file is the main of ledsign-play, the controller's own binary: only
 * `play` (and help, version, and `staff-check` and `png-check`, the
 * checkers the controller starts), linked with -Wl,--as-needed so that the
 * libraries only other commands use (libmicrohttpd and GnuTLS, libmosquitto
 * and OpenSSL, cairo and pixman/X11, libcrypt) are not even loaded into the
 * daemon (docs/daemon.md, "Memory").  Built with LS_MAIN_FRONT it is the
 * main of `ledsign`: the commands that only talk to the running controller,
 * linked with libconfig, libevent and libc alone, because loading the
 * others cost 9 ms of an alert's latency (docs/cli.md, "The lean front"). */
#if defined LS_MAIN_PLAY
static const struct cmd_entry *const cmd_table[] = {
	&cmd_play_entry, &cmd_version_entry, &cmd_help_entry, &cmd_staff_check_entry, &cmd_png_check_entry,
};
#elif defined LS_MAIN_FRONT
static const struct cmd_entry *const cmd_table[] = {
	&cmd_alert_entry, &cmd_clear_entry, &cmd_alerts_entry, &cmd_watch_entry, &cmd_status_entry,
	&cmd_reload_entry, &cmd_version_entry, &cmd_help_entry,
};
#else
static const struct cmd_entry *const cmd_table[] = {
	&cmd_check_entry, &cmd_preview_entry, &cmd_schedule_entry, &cmd_rehearse_entry, &cmd_send_entry, &cmd_probe_entry,
	&cmd_alert_entry, &cmd_clear_entry, &cmd_alerts_entry, &cmd_watch_entry, &cmd_play_entry, &cmd_status_entry,
	&cmd_reload_entry, &cmd_web_entry, &cmd_user_entry, &cmd_report_entry, &cmd_district_entry, &cmd_district_link_entry,
	&cmd_ports_entry, &cmd_version_entry, &cmd_help_entry, &cmd_config_doc_entry,
	&cmd_staff_text_entry, &cmd_staff_check_entry, &cmd_png_check_entry,
};
#endif
#define NCMDS (sizeof cmd_table / sizeof cmd_table[0])

static const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

void
cmd_exec_sibling(const char *name)
{
	char path[PATH_MAX];

	if (ls_self_sibling(name, path, sizeof path) < 0) {
		fprintf(stderr, "ledsign: cannot find %s: %s\n", name, path);
		return;
	}
	execv(path, cmd_main_argv);
	fprintf(stderr, "ledsign: cannot run %s: %s\n", path, strerror(errno));
}

#ifdef LS_MAIN_FRONT
/* Everything the front does not run itself: `play` to the controller's own
 * binary when it is there (as ledsign-full's play would), the rest to
 * ledsign-full, argv unchanged.  Returns only when that failed. */
static int
front_hand_over(void)
{
	char path[PATH_MAX];

	if (cmd_main_argv[1] && strcmp(cmd_main_argv[1], "play") == 0 &&
	    ls_self_sibling("ledsign-play", path, sizeof path) == 0 && access(path, X_OK) == 0)
		cmd_exec_sibling("ledsign-play");
	cmd_exec_sibling("ledsign-full");
	fprintf(stderr, "ledsign: every command but alert, clear, alerts, watch, status and reload is "
	    "ledsign-full's, which belongs beside ledsign (make install puts it there)\n");
	return 127;
}

/* The loader is ledsign-full's: the command runs there, from the start. */
void
cmd_config_report(const char *path)
{
	cmd_exec_sibling("ledsign-full");
}
#else
static void
usage_all(FILE *fp)
{
	fprintf(fp, "usage: ledsign COMMAND [ARGS]\n\n"
	    "ledsign plans and plays content on LED signboards.\n\ncommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		if (!cmd_table[i]->hidden)
			fprintf(fp, "  %-9s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(fp, "\nTIME is \"YYYY-MM-DD HH:MM\" in the config's timezone.\n"
	    "Run 'ledsign help COMMAND' for a command's arguments; the manual is ledsign(1).\n");
}

void
cmd_config_report(const char *path)
{
	ls_config_free(cmd_load_config(path));
}
#endif

static int
cmd_help(const struct cmd_args *a)
{
	const struct cmd_entry *c;

#ifdef LS_MAIN_FRONT
	if (a->argc < 1 || (c = cmd_find(a->argv[0])) == NULL)
		return front_hand_over();   /* the list of all, or another's */
#else
	if (a->argc < 1) {
		usage_all(stdout);
		return 0;
	}
	if ((c = cmd_find(a->argv[0])) == NULL) {
		fprintf(stderr, "ledsign: unknown command \"%s\"\n", a->argv[0]);
		return 2;
	}
#endif
	cmd_args_help(c, stdout);
	return 0;
}

static int
cmd_version(const struct cmd_args *a)
{
	printf("ledsign %s\n", LEDSIGN_VERSION);
	return 0;
}

int
cmd_usage(const char *name)
{
	const struct cmd_entry *c = cmd_find(name);

	fprintf(stderr, "usage: ledsign %s%s%s\n", name, c && c->usage[0] ? " " : "", c ? c->usage : "");
	return 2;
}

#ifndef LS_MAIN_FRONT
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
#endif

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
	const struct cmd_entry *c;
	struct cmd_args a;
	int rc;

	cmd_main_argv = argv;
	ls_self_exe();     /* while /proc/self/exe names the file we run (self_exe.h) */
#ifdef LS_MAIN_FRONT
	/* the list of all commands, an unknown one and all but ours: ledsign-full's */
	if (argc < 2 || (strcmp(argv[1], "--version") != 0 && cmd_find(argv[1]) == NULL))
		return front_hand_over();
#else
	if (argc < 2) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_all(stdout);
		return 0;
	}
#endif
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(NULL);
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "ledsign: unknown command \"%s\"; run 'ledsign --help' for the list\n", argv[1]);
		return 2;
	}
	rc = cmd_args_parse(c, argc - 1, argv + 1, &a);
	if (rc < 0)
		return 0;   /* --help */
	if (rc != 0)
		return rc;
	rc = c->run(&a);
	cmd_args_free(&a);
	return rc;
}
