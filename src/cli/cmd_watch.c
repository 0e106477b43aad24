/*
 * cmd_watch.c — `ledsign watch`: print the running daemon's events as they
 * happen, one key=value line each (the control socket's `watch` verb,
 * control_watch.h; the fields are listed in docs/architecture.md).
 *
 *   ledsign watch [--types LIST] [--since SEQ] [--count N] [--timeout SECONDS] [--socket PATH] [--config FILE]
 *
 * --since 1 starts with the oldest event the daemon still holds (its last
 * 2048), so a script started just after the daemon misses nothing.
 *
 * Runs until the daemon stops (exit 0), N events have been printed (exit
 * 0), or SECONDS pass without reaching N (exit 1).  Output is flushed per
 * line, so `ledsign watch | grep` and files a test polls see each event at
 * once.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "daemon/control.h"
#include "util/paths.h"

/* Longest line the daemon sends (an event line is about 1 KiB at most). */
#define WATCH_LINE_MAX 8192

static double
watch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
watch_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "ledsign watch: %s: socket path too long\n", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "ledsign watch: %s: %s; is `ledsign play` running%s?\n", path, strerror(errno),
		    errno == EACCES ? " and are you in control_users or control_groups" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One line from the daemon: the answer first, then events.  Returns 1 to
 * go on, 0 when done (count reached), -1 on an error answer. */
static int
watch_line(char *line, int *answered, long long *left)
{
	if (!*answered) {
		*answered = 1;
		if (strncmp(line, "ok", 2) == 0 && (line[2] == '\0' || line[2] == ' '))
			return 1;
		{
			char msg[1024];

			if (control_line_get(line, "message", msg, sizeof msg) < 0)
				snprintf(msg, sizeof msg, "%.1000s", line);
			fprintf(stderr, "ledsign watch: the daemon refused: %s\n", msg);
		}
		return -1;
	}
	if (strncmp(line, "event ", 6) != 0)
		return 1;   /* a later version's other lines */
	printf("%s\n", line + 6);
	fflush(stdout);
	if (*left > 0 && --*left == 0)
		return 0;
	return 1;
}

static const struct cmd_opt watch_opts[] = {
	{ "types", 0, "LIST", "event types, comma-separated (default: all but frame_ack; \"all\": every type)" },
	{ "since", 0, "SEQ", "start with event SEQ if the controller still holds it (1: the oldest it holds)" },
	{ "count", 0, "N", "exit after N events" },
	{ "timeout", 0, "SECONDS", "exit after SECONDS (status 1 when --count was not reached)" },
	{ "socket", 0, "PATH", "the controller's control socket (default: the config's control_socket)" },
	{ "config", 0, "FILE", "the config that names the socket (default " LS_PATH_CONFIG " when readable)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_watch(const struct cmd_args *);

const struct cmd_entry cmd_watch_entry = {
	"watch", "[--types LIST] [--since SEQ] [--count N] [--timeout SECONDS] [--socket PATH] [--config FILE]",
	"print the running controller's events (items shown, link states, alerts, reloads) as they happen",
	watch_opts, 0, 0, 0, cmd_watch,
};

static int
cmd_watch(const struct cmd_args *a)
{
	const char *socket_path = cmd_arg(a, "socket"), *config_path = cmd_arg(a, "config");
	const char *types = cmd_arg(a, "types"), *v;
	unsigned long long since = 0;
	long long count = 0;
	double timeout = 0, end;
	char req[512], *buf = NULL;
	size_t have = 0;
	int fd, answered = 0, rc = 1;
	struct cmd_where where = { 0 };
	char *e;

	if ((v = cmd_arg(a, "since")) != NULL) {
		since = strtoull(v, &e, 10);
		if (*e || v[0] < '0' || v[0] > '9') {
			fprintf(stderr, "ledsign watch: --since wants an event number (seq), not \"%s\"\n", v);
			return 2;
		}
	}
	if ((v = cmd_arg(a, "count")) != NULL) {
		count = strtoll(v, &e, 10);
		if (*e || count <= 0) {
			fprintf(stderr, "ledsign watch: --count wants a number > 0, not \"%s\"\n", v);
			return 2;
		}
	}
	if ((v = cmd_arg(a, "timeout")) != NULL) {
		timeout = strtod(v, &e);
		if (*e || !(timeout > 0) || !isfinite(timeout)) {
			fprintf(stderr, "ledsign watch: --timeout wants seconds > 0, not \"%s\"\n", v);
			return 2;
		}
	}
	if (types && (strlen(types) > 300 || strspn(types, "abcdefghijklmnopqrstuvwxyz_,") != strlen(types))) {
		fprintf(stderr, "ledsign watch: --types wants event type names separated by commas, not \"%s\"\n", types);
		return 2;
	}
	if (socket_path == NULL) {
		if (cmd_where_find(&where, NULL, config_path, "watch") < 0)
			return 1;
		socket_path = where.socket;
	}
	fd = watch_connect(socket_path);
	cmd_where_clear(&where);   /* socket_path pointed into it; connected, it is not needed */
	if (fd < 0)
		return 1;
	{
		size_t n = (size_t)snprintf(req, sizeof req, "%s watch", CONTROL_VERSION);

		if (types)
			n += (size_t)snprintf(req + n, sizeof req - n, " types=%s", types);
		if (since)
			n += (size_t)snprintf(req + n, sizeof req - n, " since=%llu", since);
		snprintf(req + n, sizeof req - n, "\n");
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		fprintf(stderr, "ledsign watch: cannot send the request: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if ((buf = malloc(WATCH_LINE_MAX)) == NULL) {
		close(fd);
		return 1;
	}
	end = timeout > 0 ? watch_now() + timeout : INFINITY;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		double wait = end - watch_now();
		ssize_t n;
		char *nl;
		int r;

		if (wait <= 0) {
			fprintf(stderr, "ledsign watch: %s\n", count ? "timed out before the count was reached" : "time is up");
			rc = count ? 1 : 0;
			break;
		}
		r = poll(&pfd, 1, isfinite(wait) ? (int)(wait * 1000) + 1 : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf + have, WATCH_LINE_MAX - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!answered)
				fprintf(stderr, "ledsign watch: the daemon closed the connection without an answer\n");
			rc = answered ? 0 : 1;
			break;
		}
		have += (size_t)n;
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			size_t len = (size_t)(nl - buf);

			*nl = '\0';
			if (len > 0 && buf[len - 1] == '\r')
				buf[len - 1] = '\0';
			r = watch_line(buf, &answered, &count);
			memmove(buf, nl + 1, have - len - 1);
			have -= len + 1;
			if (r <= 0) {
				rc = r < 0 ? 1 : 0;
				goto out;
			}
		}
		if (have == WATCH_LINE_MAX) {
			fprintf(stderr, "ledsign watch: a line from the daemon is longer than %d bytes\n", WATCH_LINE_MAX);
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}
