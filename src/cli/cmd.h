/*
 * cmd.h — subcommands of the ledsign CLI.
 *
 * Each command lives in its own src/cmd_NAME.c and is listed once in the
 * table in main.c.  A command gets argv with argv[0] = its own name, prints
 * its own output and returns the process exit status (0 ok, 1 failure,
 * 2 usage error).
 */
#ifndef LEDSIGN_CMD_H
#define LEDSIGN_CMD_H

#include <stddef.h>

struct cmd {
	const char *name;
	const char *usage;     /* arguments, shown after "ledsign NAME " */
	const char *summary;   /* one line for --help */
	int (*run)(int argc, char **argv);
};

int cmd_check(int, char **);
int cmd_preview(int, char **);
int cmd_send(int, char **);
int cmd_schedule(int, char **);
int cmd_ports(int, char **);
int cmd_play(int, char **);
int cmd_status(int, char **);
int cmd_reload(int, char **);
struct ls_config;
int cmd_alert(int, char **);
int cmd_clear(int, char **);
int cmd_alerts(int, char **);
int cmd_probe(int, char **);
int cmd_watch(int, char **);
/* Print the daemon's active alerts as a table to stdout (what `ledsign alerts`
 * shows; `ledsign status` may append it).  0, or 1 with the reason on stderr. */
int cmd_alert_list(const char *socket_path, const struct ls_config *);

/* Shared helpers for commands. */
/* Load a config, printing every diagnostic to stderr; NULL on error. */
struct ls_config;
struct ls_config *cmd_load_config(const char *path);
/* Print "ledsign NAME: usage: ledsign NAME USAGE" and return 2. */
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

#endif
