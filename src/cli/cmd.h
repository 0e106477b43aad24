/*
 * cmd.h — subcommands of the ledsign CLI.
 *
 * Each command lives in src/cli/cmd_NAME.c and declares itself there in a
 * struct cmd_entry: name, synopsis, one-line summary, its options as a
 * table and its function.  main.c lists the entries; args.c parses every
 * command's arguments with getopt_long from the table and prints its
 * --help from the same table (tmux's cmd_entry and arguments.c), so the
 * options a command takes, its --help and the man page (checked by
 * tests/integration/05-cli-options.sh) cannot drift apart.  A command's
 * function gets the parsed arguments, prints its own output and returns the
 * process exit status (0 ok, 1 failure, 2 usage error).
 */
#ifndef LEDSIGN_CMD_H
#define LEDSIGN_CMD_H

#include <stddef.h>
#include <stdio.h>

/* One option of a command.  Every option has a long name; `letter` adds a
 * short form.  `arg` names the option's value in --help ("SECONDS"), or is
 * NULL for a flag.  Given twice, the last value counts. */
struct cmd_opt {
	const char *name;     /* --NAME */
	char        letter;   /* -L, or 0 */
	const char *arg;      /* value's name, or NULL: a flag */
	const char *help;     /* one line for --help */
};

#define CMD_OPTS_MAX 16

/* main's argv, whole (`ledsign play` hands it on to ledsign-play, the front
 * everything but the control clients to ledsign-full), and whether this
 * binary is ledsign-play (main.c built with LS_MAIN_PLAY). */
extern char     **cmd_main_argv;
extern const int  cmd_main_is_play;

struct cmd_args;

struct cmd_entry {
	const char *name;
	const char *usage;     /* synopsis, shown after "ledsign NAME " */
	const char *summary;   /* one line for `ledsign --help` */
	const struct cmd_opt *opts;   /* ends with { NULL }; NULL: no options */
	int min_args, max_args;       /* positional arguments; max_args -1: any number */
	int hidden;                   /* left out of `ledsign --help` (tools for the build) */
	int (*run)(const struct cmd_args *);
};

/* What args.c parsed.  Positional arguments keep their order; options may
 * come before, between or after them, and "--" ends the options. */
struct cmd_args {
	const struct cmd_entry *cmd;
	const char *val[CMD_OPTS_MAX];   /* per row of cmd->opts: the value, "" for a given flag, NULL if absent */
	int    argc;                     /* positional arguments */
	char **argv;
};

/* Parse argv (argv[0] is the command's name) by e's table.  0 with *a
 * filled (release it with cmd_args_free); -1 after printing --help to
 * stdout (exit 0); otherwise the exit status after printing why to stderr
 * (2 a usage error, 1 out of memory). */
int  cmd_args_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a);
void cmd_args_free(struct cmd_args *a);
/* The command's usage, summary and option table, as --help prints it. */
void cmd_args_help(const struct cmd_entry *e, FILE *fp);
/* Value of option `name` (its long name), or NULL when not given.  A name
 * that is not in the command's table is a programming error: abort(). */
const char *cmd_arg(const struct cmd_args *a, const char *name);
/* 1 when flag `name` was given. */
int  cmd_flag(const struct cmd_args *a, const char *name);

extern const struct cmd_entry cmd_check_entry, cmd_preview_entry, cmd_schedule_entry, cmd_send_entry,
    cmd_probe_entry, cmd_alert_entry, cmd_clear_entry, cmd_alerts_entry, cmd_play_entry,
    cmd_status_entry, cmd_reload_entry, cmd_ports_entry, cmd_config_doc_entry, cmd_watch_entry,
    cmd_rehearse_entry, cmd_web_entry, cmd_user_entry, cmd_report_entry, cmd_district_entry, cmd_district_link_entry,
    cmd_staff_text_entry, cmd_staff_check_entry, cmd_png_check_entry;

struct ls_config;
/* Print the daemon's active alerts as a table to stdout (what `ledsign alerts`
 * shows; `ledsign status` may append it), times in time zone `zone` (NULL: the
 * machine's).  0, or 1 with the reason on stderr. */
int cmd_alert_list(const char *socket_path, const char *zone);

/* Shared helpers for commands. */
/* Load a config, printing every diagnostic to stderr; NULL on error.  Not
 * in the lean front (main.c built with LS_MAIN_FRONT, docs/cli.md): the
 * loader needs FreeType, fontconfig, libpng... */
struct ls_config *cmd_load_config(const char *path);
/* The config at path does not parse or cannot be read: print every error
 * (cmd_load_config).  In the lean front this runs the whole command again
 * as ledsign-full, which prints them, and returns only when that cannot be
 * run (having said so). */
void cmd_config_report(const char *path);
/* Exec the program `name` in this binary's directory with main's argv as
 * it is; returns only when that failed, after printing why to stderr. */
void cmd_exec_sibling(const char *name);

/* Where the controller is for alert, clear, alerts and watch (where.c):
 * the socket (given, else the control_socket of config -- NULL: the
 * default config when readable -- else the default) and the config's time
 * zone (NULL: none read; the machine's).  The config is only peeked at;
 * one that does not parse is reported (cmd_config_report) with a warning
 * and the command goes on.  0, or -1 out of memory (said on stderr, as
 * "ledsign NAME: ...").  Release with cmd_where_clear. */
struct cmd_where {
	char *socket;
	char *timezone;
};
int  cmd_where_find(struct cmd_where *, const char *socket, const char *config, const char *name);
void cmd_where_clear(struct cmd_where *);
/* Print "usage: ledsign NAME USAGE" to stderr and return 2. */
int cmd_usage(const char *name);
/* Parse "YYYY-MM-DD HH:MM[:SS]" in the config's timezone; -1 on error. */
int cmd_parse_time(const struct ls_config *, const char *s, long long *epoch);

/* A board's link driven exactly as `ledsign send` drives it (cmd_send.c):
 * the board's protocol encoder, its transport, its acknowledgements.  Open
 * waits until the link is up; push sends one canvas and waits until the
 * board has it (or the timeout passes).  NULL/-1 with a message in err. */
struct cmd_link;
struct ls_board;
struct render_canvas;
struct proto_ops;
struct cmd_link *cmd_link_open(const struct ls_board *, double timeout, char *err, size_t errlen);
int  cmd_link_push(struct cmd_link *, const struct render_canvas *, char *err, size_t errlen);
const struct proto_ops *cmd_link_ops(const struct cmd_link *);
void cmd_link_close(struct cmd_link *);

/* Pictures of what a board showed (cmd_preview.c): a raw PNG (one pixel per
 * LED, as ledboard writes) as a canvas of board b, and canvases stacked into
 * one PNG strip, in the LED look or raw.  NULL/-1 with a message in err. */
struct render_canvas *cmd_preview_load_raw(const struct ls_board *b, const char *path, char *err, size_t errlen);
int cmd_preview_sheet(struct render_canvas *const *fr, int n, const struct ls_board *b, int raw, const char *path,
    char *err, size_t errlen);

#endif
