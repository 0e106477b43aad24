/*
 * cmd_status.c — `ledsign status` and `ledsign reload`: talk to a running
 * `ledsign play`.
 *
 * Everything goes over the control socket (control.h): the board states
 * come from the "boards" verb, the alerts from "status", and reload is the
 * "reload" verb.  When no daemon answers on the socket, reload falls back
 * to SIGHUP to the pid in RUN_DIR/ledsign.pid, where RUN_DIR is the
 * directory of the config's control_socket (or --run-dir).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "util/paths.h"
#include "util/table.h"

static const struct cmd_opt status_opts[] = {
	{ "run-dir", 0, "DIR", "the controller's run directory (default: that of the config's control_socket)" },
	{ NULL, 0, NULL, NULL },
};

/* Where the daemon is, from the arguments [FILE] [--run-dir DIR]: the
 * control socket, its run directory (the pid file's) and the config's time
 * zone (for the alerts' times; NULL: the machine's).  Reaching the daemon
 * must not depend on FILE being valid -- a reload after a bad edit is when
 * "still playing the old one" matters -- so FILE is only peeked at for
 * control_socket and timezone (ls_config_peek), and its other errors are
 * the daemon's to report.  Without FILE, --run-dir DIR names the socket
 * (DIR/control.sock); with neither, the default config, else the default
 * run directory. */
struct where {
	char sock[4096];
	char *rd;
	char *timezone;
};

static int
cmd_status_where(const struct cmd_args *a, const char *name, struct where *w)
{
	const char *file = a->argc > 0 ? a->argv[0] : NULL, *dir = cmd_arg(a, "run-dir");
	struct ls_config_peek pk = { 0 };
	char err[512];
	int peeked = 0;

	memset(w, 0, sizeof *w);
	if (!file && !dir && access(LS_PATH_CONFIG, R_OK) == 0)
		file = LS_PATH_CONFIG;
	if (file && !(peeked = ls_config_peek(file, &pk, err, sizeof err) == 0)) {
		if (!dir && a->argc > 0) {
			fprintf(stderr, "ledsign %s: %s (give the controller's run directory with --run-dir DIR)\n", name, err);
			return -1;
		}
		fprintf(stderr, "ledsign %s: warning: %s; going on with %s\n", name, err,
		    dir ? "--run-dir" : "the default run directory " LS_PATH_RUN_DIR);
	} else if (file && pk.syntax_error && strcmp(name, "status") == 0)
		fprintf(stderr, "ledsign %s: warning: %s has a syntax error (ledsign check %s shows it); "
		    "the daemon is found from its control_socket line%s\n", name, file, file,
		    pk.control_socket ? "" : dir ? ", which it does not have: --run-dir's" : ", which it does not have: the default");
	if (pk.control_socket)
		snprintf(w->sock, sizeof w->sock, "%s", pk.control_socket);
	else if (dir)
		snprintf(w->sock, sizeof w->sock, "%s/" LS_FILE_CONTROL_SOCKET, dir);
	else
		snprintf(w->sock, sizeof w->sock, "%s", LS_PATH_CONTROL_SOCKET);
	w->rd = dir ? strdup(dir) : daemon_run_dir(w->sock);
	/* a config that parsed and sets no timezone plays in the default one,
	 * and the alerts' times are shown in it, as `ledsign alerts` does */
	if (peeked && !pk.syntax_error && pk.timezone == NULL && (pk.timezone = strdup(LS_DEFAULT_TIMEZONE)) == NULL) {
		fprintf(stderr, "ledsign %s: out of memory\n", name);
		ls_config_peek_clear(&pk);
		return -1;
	}
	w->timezone = pk.timezone;
	pk.timezone = NULL;
	ls_config_peek_clear(&pk);
	if (w->rd == NULL) {
		fprintf(stderr, "ledsign %s: out of memory\n", name);
		free(w->timezone);
		return -1;
	}
	return 0;
}

static void
where_clear(struct where *w)
{
	free(w->rd);
	free(w->timezone);
}

static void
fmt_ago(char *buf, size_t len, double now, double t)
{
	if (t <= 0)
		snprintf(buf, len, "never");
	else if (now - t < 60)
		snprintf(buf, len, "%.1fs ago", now - t);
	else
		snprintf(buf, len, "%.0fm ago", (now - t) / 60);
}

/* One "board k=v ..." line of the boards answer, printed as a table row. */
struct board_rows {
	double wall;
	char  *rows;          /* the item lines, kept until the ok line gives the clock */
	size_t len;
	int    oom;
};

static void
board_row_keep(void *arg, const char *line)
{
	struct board_rows *br = arg;
	size_t n = strlen(line);
	char *np;

	if (strncmp(line, "board ", 6) != 0 || br->oom)
		return;
	if ((np = realloc(br->rows, br->len + n + 2)) == NULL) {
		br->oom = 1;
		return;
	}
	br->rows = np;
	memcpy(br->rows + br->len, line, n);
	br->rows[br->len + n] = '\n';
	br->len += n + 1;
	br->rows[br->len] = '\0';
}

/* One "board k=v ..." line of the boards answer as a table row.  Names and
 * items may be long or Chinese: the table aligns by display width
 * (util/table.h), not bytes. */
static int
board_row_add(struct table *t, const char *line, double wall)
{
	char name[128], state[32], item[128], rule[160], sent[24], skipped[24], errs[24], acks[24], last[32],
	    addr[320], reason[300], ago[32], tail[640], playing[32], prog[32];

#define GET(k, v) if (control_line_get(line, k, v, sizeof v) < 0) v[0] = '\0'
	GET("name", name); GET("state", state); GET("item", item); GET("rule", rule);
	GET("frames_sent", sent); GET("frames_skipped", skipped); GET("errors", errs); GET("acks", acks);
	GET("last_ack", last); GET("address", addr); GET("reason", reason);
	GET("playing", playing); GET("programme", prog);
#undef GET
	fmt_ago(ago, sizeof ago, wall, atof(last));
	/* an older daemon says nothing of programmes: "-" */
	if (!playing[0])
		snprintf(playing, sizeof playing, "-");
	if (!prog[0] || strcmp(prog, "00000000") == 0)
		snprintf(prog, sizeof prog, "-");
	snprintf(tail, sizeof tail, "%s%s%s", addr, reason[0] ? "  " : "", reason);
	const char *const cells[] = { name, state, item, rule, sent, skipped, errs, acks, ago, playing, prog, tail };
	return table_add(t, cells);
}

static int cmd_status(const struct cmd_args *);
static int cmd_reload(const struct cmd_args *);

const struct cmd_entry cmd_status_entry = {
	"status", "[FILE] [--run-dir DIR]", "show each board of the running controller", status_opts, 0, 1, 0,
	cmd_status,
};

const struct cmd_entry cmd_reload_entry = {
	"reload", "[FILE] [--run-dir DIR]", "make the running controller check and load its config again",
	status_opts, 0, 1, 0, cmd_reload,
};

static int
cmd_status(const struct cmd_args *a)
{
	struct where w;
	struct board_rows br = { 0 };
	char final[4096], err[512], config[1024], rerr[1024], num[64];
	unsigned reloads = 0;
	double started = 0;
	int rc, pid = 0, up;

	if (cmd_status_where(a, a->cmd->name, &w) < 0)
		return 1;
	const char *sock = w.sock;
	/* every board's state, live from the daemon (the "boards" verb) */
	rc = control_request(sock, "boards", 15000, board_row_keep, &br, final, sizeof final, err, sizeof err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "ledsign %s: %s\n", a->cmd->name, err);
		else {
			char msg[sizeof final];

			if (control_line_get(final, "message", msg, sizeof msg) < 0)
				snprintf(msg, sizeof msg, "%s", final);
			fprintf(stderr, "ledsign %s: the daemon refused: %s\n", a->cmd->name, msg);
		}
		free(br.rows);
		where_clear(&w);
		return 1;
	}
	if (br.oom) {
		fprintf(stderr, "ledsign %s: out of memory\n", a->cmd->name);
		free(br.rows);
		where_clear(&w);
		return 1;
	}
	if (control_line_get(final, "version", num, sizeof num) < 0 || strcmp(num, "1") != 0)
		fprintf(stderr, "ledsign %s: warning: the daemon answers boards in format %s, this ledsign knows 1\n",
		    a->cmd->name, num);
	if (control_line_get(final, "pid", num, sizeof num) == 0)
		pid = atoi(num);
	if (control_line_get(final, "wall", num, sizeof num) == 0)
		br.wall = atof(num);
	if (control_line_get(final, "started", num, sizeof num) == 0)
		started = atof(num);
	if (control_line_get(final, "reloads", num, sizeof num) == 0)
		reloads = (unsigned)strtoul(num, NULL, 10);
	if (control_line_get(final, "config", config, sizeof config) < 0)
		config[0] = '\0';
	if (control_line_get(final, "reload_error", rerr, sizeof rerr) < 0)
		rerr[0] = '\0';
	up = (int)(br.wall - started);
	printf("ledsign play: running, pid %d, %s, up %d:%02d:%02d", pid, config, up / 3600, up / 60 % 60, up % 60);
	if (reloads)
		printf(", %u reload%s%s%s", reloads, reloads == 1 ? "" : "s", rerr[0] ? "; last one FAILED: " : "", rerr);
	{
		static const char *const head[] = { "BOARD", "STATE", "ITEM", "RULE", "FRAMES", "SKIPPED", "ERRORS",
			"ACKS", "LAST ACK", "PLAYING", "PROGRAM", "ADDRESS / REASON" };
		static const int max[] = { 32, 0, 32, 32, 0, 0, 0, 0, 0, 0, 0, 0 },
		    right[] = { 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0 };
		struct table *t = table_new(12, head, max, right);
		char *out = NULL;
		int bad = t == NULL;

		for (char *l = br.rows, *nl; !bad && l && (nl = strchr(l, '\n')) != NULL; l = nl + 1) {
			*nl = '\0';
			bad = board_row_add(t, l, br.wall) < 0;
		}
		if (!bad && (out = table_render(t)) != NULL)
			printf("\n%s", out);
		else
			fprintf(stderr, "ledsign %s: out of memory\n", a->cmd->name);
		free(out);
		table_free(t);
	}
	free(br.rows);
	/* and the alerts */
	putchar('\n');
	fflush(stdout);
	cmd_alert_list(sock, w.timezone);
	where_clear(&w);
	return 0;
}

/* The pid in RUN_DIR/ledsign.pid, or 0. */
static int
read_pid(const char *rd)
{
	char path[4096];
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof path, "%s/" LS_FILE_PID, rd);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

static int
cmd_reload(const struct cmd_args *a)
{
	struct where w;
	char final[2048], err[512], msg[2048];
	char *rd;
	int rc, pid;

	if (cmd_status_where(a, a->cmd->name, &w) < 0)
		return 1;
	rd = w.rd;
	free(w.timezone);
	const char *sock = w.sock;
	/* the control socket answers with the outcome */
	rc = control_request(sock, "reload", 30000, NULL, NULL, final, sizeof final, err, sizeof err);
	if (rc == 0) {
		free(rd);
		printf("reloaded\n");
		return 0;
	}
	if (rc == 1) {
		char code[32] = "";

		free(rd);
		if (control_line_get(final, "message", msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "%s", final);
		/* only code=reload means the config was read and found wanting */
		if (control_line_get(final, "code", code, sizeof code) < 0 || strcmp(code, "reload") != 0) {
			fprintf(stderr, "ledsign reload: %s: %s\n", strcmp(code, "denied") == 0 ? "denied" : "refused", msg);
			return 1;
		}
		fprintf(stderr, "ledsign reload: the new config has errors; still playing the old one\n%s\n"
		    "(every error is in the daemon's log)\n", msg);
		return 1;
	}
	if (errno == EACCES) {
		/* the socket's permissions kept us out: a signal would be refused too */
		fprintf(stderr, "ledsign reload: denied: %s\n", err);
		free(rd);
		return 1;
	}
	/* no answer on the socket (removed, or the daemon is busy): signal the
	 * daemon named in the pid file; only its log can say how it went */
	pid = read_pid(rd);
	free(rd);
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH)) {
		fprintf(stderr, "ledsign reload: %s\n", err);
		return 1;
	}
	if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "ledsign reload: %scannot signal pid %d: %s\n", errno == EPERM ? "denied: " : "",
		    pid, strerror(errno));
		return 1;
	}
	fprintf(stderr, "ledsign reload: %s\nsent SIGHUP to pid %d instead; the daemon's log says how the reload went\n",
	    err, pid);
	return 0;
}
