/*
 * cmd_status.c — `ledsign status` and `ledsign reload`: talk to a running
 * `ledsign play`.
 *
 * Board states: the daemon rewrites RUN_DIR/status every second (one line
 * per board, tab-separated; see docs/daemon.md) and keeps its pid in
 * RUN_DIR/ledsign.pid, where RUN_DIR is the directory of the config's
 * control_socket.  Alerts and reload go over the control socket
 * (control.h); when no daemon answers there, reload falls back to SIGHUP
 * and waits for the status file to say how the reload went.
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

struct status_head {
	int    pid;
	double updated, started;
	unsigned reloads;
	char   config[1024];
	char   reload_error[1024];
};

static const struct cmd_opt status_opts[] = {
	{ "run-dir", 0, "DIR", "the controller's run directory (default: that of the config's control_socket)" },
	{ NULL, 0, NULL, NULL },
};

/* Find the run directory (and the config, when one is given or at the
 * default path) from the arguments: [FILE] [--run-dir DIR]. */
static char *
cmd_status_run_dir(const struct cmd_args *a, const char *name, struct ls_config **cfgp)
{
	const char *file = a->argc > 0 ? a->argv[0] : NULL, *dir = cmd_arg(a, "run-dir");
	struct ls_config *cfg = NULL;
	char *rd;

	*cfgp = NULL;
	if (file || !dir) {
		cfg = cmd_load_config(file ? file : LS_PATH_CONFIG);
		if (!cfg) {
			fprintf(stderr, "ledsign %s: need the config to find the daemon (or --run-dir DIR)\n", name);
			return NULL;
		}
	}
	rd = dir ? strdup(dir) : daemon_run_dir(cfg->control_socket);
	*cfgp = cfg;
	return rd;
}

/* The control socket: the config's, or the usual name in the run directory. */
static void
cmd_status_socket(const struct ls_config *cfg, const char *rd, char *buf, size_t len)
{
	if (cfg && cfg->control_socket)
		snprintf(buf, len, "%s", cfg->control_socket);
	else
		snprintf(buf, len, "%s/" LS_FILE_CONTROL_SOCKET, rd);
}

static int
status_read_head(FILE *f, struct status_head *h)
{
	char line[4096], *tok, *save = NULL;

	memset(h, 0, sizeof *h);
	if (!fgets(line, sizeof line, f) || strncmp(line, "ledsign-status 1\t", 17) != 0)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line + 17, "\t", &save); tok; tok = strtok_r(NULL, "\t", &save)) {
		if (sscanf(tok, "pid=%d", &h->pid) == 1 || sscanf(tok, "updated=%lf", &h->updated) == 1 ||
		    sscanf(tok, "started=%lf", &h->started) == 1 || sscanf(tok, "reloads=%u", &h->reloads) == 1)
			continue;
		if (strncmp(tok, "config=", 7) == 0)
			snprintf(h->config, sizeof h->config, "%s", tok + 7);
		else if (strncmp(tok, "reload_error=", 13) == 0)
			snprintf(h->reload_error, sizeof h->reload_error, "%s", tok + 13);
	}
	return 0;
}

static FILE *
status_open(const char *rd, struct status_head *h, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/" LS_FILE_STATUS, rd);
	f = fopen(path, "r");
	if (!f) {
		if (errno == EACCES)
			fprintf(stderr, "ledsign %s: %s: permission denied; the status is for the users of the "
			    "control socket (control_users, control_groups)\n", name, path);
		else
			fprintf(stderr, "ledsign %s: no daemon status in %s (%s); is `ledsign play` running?\n", name, rd,
			    strerror(errno));
		return NULL;
	}
	if (status_read_head(f, h) < 0) {
		fprintf(stderr, "ledsign %s: %s is not a status file\n", name, path);
		fclose(f);
		return NULL;
	}
	if (h->pid <= 0 || (kill(h->pid, 0) < 0 && errno == ESRCH)) {
		fprintf(stderr, "ledsign %s: the daemon (pid %d) is not running; last status in %s\n", name, h->pid,
		    path);
		fclose(f);
		return NULL;
	}
	return f;
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
	struct ls_config *cfg;
	char *rd = cmd_status_run_dir(a, a->cmd->name, &cfg);
	struct status_head h;
	char line[4096], sock[4096];
	FILE *f;
	int up;

	if (!rd)
		return 1;
	cmd_status_socket(cfg, rd, sock, sizeof sock);
	f = status_open(rd, &h, a->cmd->name);
	free(rd);
	if (!f) {
		ls_config_free(cfg);
		return 1;
	}
	up = (int)(h.updated - h.started);
	printf("ledsign play: running, pid %d, %s, up %d:%02d:%02d", h.pid, h.config, up / 3600, up / 60 % 60,
	    up % 60);
	if (h.reloads)
		printf(", %u reload%s%s%s", h.reloads, h.reloads == 1 ? "" : "s",
		    h.reload_error[0] ? "; last one FAILED: " : "", h.reload_error);
	printf("\n%-12s %-10s %-14s %-16s %8s %8s %6s %8s %-10s %s\n", "BOARD", "STATE", "ITEM", "RULE", "FRAMES",
	    "SKIPPED", "ERRORS", "ACKS", "LAST ACK", "ADDRESS / REASON");
	while (fgets(line, sizeof line, f)) {
		char *fld[16], *save = NULL, ago[32];
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(line, "\t", &save); t && n < 16; t = strtok_r(NULL, "\t", &save))
			fld[n++] = t;
		/* board name state item rule frames skipped errors acks nacks last_ack brightness address reason */
		if (n < 13 || strcmp(fld[0], "board") != 0)
			continue;
		fmt_ago(ago, sizeof ago, h.updated, atof(fld[10]));
		printf("%-12s %-10s %-14s %-16s %8s %8s %6s %8s %-10s %s%s%s\n", fld[1], fld[2], fld[3], fld[4], fld[5],
		    fld[6], fld[7], fld[8], ago, fld[12], n > 13 ? "  " : "", n > 13 ? fld[13] : "");
	}
	fclose(f);
	/* and the alerts, from the control socket */
	putchar('\n');
	fflush(stdout);
	cmd_alert_list(sock, cfg);
	ls_config_free(cfg);
	return 0;
}

static int
cmd_reload(const struct cmd_args *a)
{
	struct ls_config *cfg;
	char *rd = cmd_status_run_dir(a, a->cmd->name, &cfg);
	struct status_head h, h2;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char sock[4096], final[2048], err[512], msg[2048];
	FILE *f;
	int rc;

	if (!rd)
		return 1;
	cmd_status_socket(cfg, rd, sock, sizeof sock);
	ls_config_free(cfg);
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
	/* no answer on the socket: signal the daemon named in the status file */
	f = status_open(rd, &h, a->cmd->name);
	if (!f) {
		fprintf(stderr, "ledsign reload: %s\n", err);
		free(rd);
		return 1;
	}
	fclose(f);
	if (kill(h.pid, SIGHUP) < 0) {
		fprintf(stderr, "ledsign reload: %scannot signal pid %d: %s\n", errno == EPERM ? "denied: " : "",
		    h.pid, strerror(errno));
		free(rd);
		return 1;
	}
	/* the daemon rewrites its status right after a reload attempt */
	for (int i = 0; i < 200; i++) {
		nanosleep(&ts, NULL);
		f = status_open(rd, &h2, a->cmd->name);
		if (!f)
			break;
		fclose(f);
		if (h2.reloads > h.reloads) {
			free(rd);
			if (h2.reload_error[0]) {
				fprintf(stderr, "ledsign reload: the new config has errors; still playing the old one\n%s\n"
				    "(every error is in the daemon's log)\n", h2.reload_error);
				return 1;
			}
			printf("reloaded %s\n", h2.config);
			return 0;
		}
	}
	free(rd);
	fprintf(stderr, "ledsign reload: sent SIGHUP to pid %d but it has not answered in 10 s\n", h.pid);
	return 1;
}
