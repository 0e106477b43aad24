/*
 * cmd_alert.c — `ledsign alert`, `ledsign clear`, `ledsign alerts`: the
 * duty officer's side of the control socket (docs/alerts.md).
 *
 * The commands only talk to the running daemon; they never touch the alert
 * files themselves, so an alert is reported as raised only once the daemon
 * has it on disk.  The config is only peeked at for its control_socket and
 * timezone (where.c); one that does not parse does not stop an alert: its
 * errors are shown, then the commands go on with the socket its
 * control_socket line names, else the default.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/cap.h"
#include "cli/cmd.h"
#include "config/config.h"
#include "daemon/control.h"
#include "util/kv.h"
#include "util/paths.h"
#include "util/file.h"
#include "util/table.h"

#define REQUEST_TIMEOUT_MS 15000

struct common {
	const char *config_path;
	const char *socket_arg;   /* --socket */
	const char *socket;       /* the one used */
	struct cmd_where where;
};

/* The options all three commands take. */
#define COMMON_OPTS \
	{ "socket", 0, "PATH", "the controller's control socket (default: the config's control_socket)" }, \
	{ "config", 0, "FILE", "the config that names the socket (default " LS_PATH_CONFIG " when readable)" }

static void
common_args(struct common *c, const struct cmd_args *a)
{
	c->socket_arg = cmd_arg(a, "socket");
	c->config_path = cmd_arg(a, "config");
}

/* An alert must not wait for the config to be fixed, nor for it to be
 * loaded: only its control_socket and timezone are read (where.c). */
static int
common_load(struct common *c, const char *cmd)
{
	if (cmd_where_find(&c->where, c->socket_arg, c->config_path, cmd) < 0)
		return -1;
	c->socket = c->where.socket;
	return 0;
}

/* Copy s into buf with every control character (C0, DEL, C1) shown as
 * "\xNN" ("\n" for a line feed): a daemon of another version, or a record
 * written by hand, must not be able to drive the terminal. */
static const char *
clean(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < cap; p++) {
		if (*p == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (*p < 0x20 || *p == 0x7f) {
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", *p);
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", p[1]);   /* the C1 code point */
			p++;
		} else {
			buf[n++] = (char)*p;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* Send one request; prints errors.  Returns 0 ok, 1 error answer or no answer. */
static int
send_request(const char *cmd, struct common *c, const char *req, control_line_fn fn, void *arg,
    char *final, size_t finalcap)
{
	char err[512], msg[1024];
	int r = control_request(c->socket, req, REQUEST_TIMEOUT_MS, fn, arg, final, finalcap, err, sizeof err);

	if (r < 0) {
		fprintf(stderr, "ledsign %s: %s\n", cmd, err);
		return 1;
	}
	if (r > 0) {
		if (control_line_get(final, "message", msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "%s", final);
		char cmsg[sizeof msg * 4];
		/* a CAP error quotes the document, which may hold anything */
		fprintf(stderr, "ledsign %s: the daemon refused: %s\n", cmd, clean(msg, cmsg, sizeof cmsg));
		return 1;
	}
	return 0;
}

/* "30m", "2h", "90s", "1d", or plain seconds. */
static int
parse_duration(const char *s, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v <= 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > 366LL * 86400)
		return -1;
	*out = v;
	return 0;
}

/* "YYYY-MM-DD HH:MM[:SS]" or "HH:MM" (the next such time) in time zone
 * `zone` (NULL: $TZ's, else UTC). */
static int
parse_until(const char *zone, const char *s, long long *out)
{
	struct ls_config local = { 0 };
	const struct ls_config *cfg = &local;
	char buf[64];
	int h, m, n = 0;
	time_t now = time(NULL);

	local.timezone = (char *)(zone ? zone : getenv("TZ"));
	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) == 2 && s[n] == '\0') {
		struct tm tm;
		const char *tz = cfg->timezone;
		char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

		/* today's date in the config's timezone, then the time on it */
		setenv("TZ", tz ? tz : "UTC", 1);
		tzset();
		localtime_r(&now, &tm);
		if (saved) {
			setenv("TZ", saved, 1);
			free(saved);
		} else {
			unsetenv("TZ");
		}
		tzset();
		snprintf(buf, sizeof buf, "%04d-%02d-%02d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, s);
		if (cmd_parse_time(cfg, buf, out) < 0)
			return -1;
		if (*out <= (long long)now)
			*out += 86400;
		return 0;
	}
	return cmd_parse_time(cfg, s, out);
}

static int
put_list(char *req, size_t cap, size_t *len, const char *key, const char *list)
{
	/* accept "a, b" as well as "a,b" */
	char *clean = malloc(strlen(list) + 1), *o = clean;
	int r;

	if (clean == NULL)
		return -1;
	for (const char *p = list; *p; p++)
		if (*p != ' ')
			*o++ = *p;
	*o = '\0';
	r = kv_put(req, cap, len, key, clean);
	free(clean);
	return r;
}

static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	char *buf = ls_read_file(path, CAP_DOC_MAX, len, err, errlen);

	if (buf == NULL && errno == EFBIG)
		snprintf(err, errlen, "%s: larger than 1 MiB; not a CAP alert", path);
	return buf;
}

static int
alert_cap(struct common *c, const char *file)
{
	char err[512], final[1024], action[32], id[ALERT_ID_MAX + 1], reason[512], cleared[16];
	size_t doclen, cap, len;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *doc, *req;
	int rc;

	doc = read_file(file, &doclen, err, sizeof err);
	if (doc == NULL) {
		fprintf(stderr, "ledsign alert: %s\n", err);
		return 1;
	}
	if (memchr(doc, '\0', doclen) != NULL) {
		fprintf(stderr, "ledsign alert: %s: contains NUL bytes; not a CAP alert\n", file);
		free(doc);
		return 1;
	}
	cap = doclen * 3 + strlen(base) * 3 + 64;
	req = malloc(cap);
	if (req == NULL) {
		free(doc);
		return 1;
	}
	strcpy(req, "cap");
	len = 3;
	kv_put(req, cap, &len, "name", base);
	kv_put(req, cap, &len, "doc", doc);
	free(doc);
	rc = send_request("alert", c, req, NULL, NULL, final, sizeof final);
	free(req);
	if (rc != 0)
		return rc;
	if (control_line_get(final, "action", action, sizeof action) < 0)
		action[0] = '\0';
	if (strcmp(action, "ignored") == 0) {
		if (control_line_get(final, "reason", reason, sizeof reason) < 0)
			reason[0] = '\0';
		printf("ignored: %s\n", reason);
		return 0;
	}
	if (control_line_get(final, "id", id, sizeof id) == 0 && id[0] != '\0')
		printf("%s\n", id);
	else if (control_line_get(final, "cleared", cleared, sizeof cleared) == 0)
		printf("cancelled %s\n", cleared);
	return 0;
}

static const struct cmd_opt alert_opts[] = {
	{ "boards", 0, "LIST", "only these boards (comma-separated names)" },
	{ "groups", 0, "LIST", "only the boards in these groups (comma-separated)" },
	{ "level", 0, "LEVEL", "info, warning or emergency (default emergency)" },
	{ "for", 0, "DURATION", "take it down after 90s, 30m, 2h, 1d (at most 366d)" },
	{ "until", 0, "TIME", "take it down at TIME (or HH:MM, the next such time)" },
	{ "id", 0, "ID", "the alert's id (default: a new one); the same id replaces that alert" },
	{ "cap", 0, "FILE", "raise, update or cancel an alert from a CAP 1.2 document" },
	COMMON_OPTS,
	{ NULL, 0, NULL, NULL },
};

static int cmd_alert(const struct cmd_args *);

const struct cmd_entry cmd_alert_entry = {
	"alert", "TEXT [--boards LIST | --groups LIST] [--level info|warning|emergency] [--for 30m | --until TIME] [--id ID] | --cap FILE  [--socket PATH] [--config FILE]",
	"raise an alert on every board or the chosen ones; prints its id", alert_opts, 0, -1, 0, cmd_alert,
};

static int
cmd_alert(const struct cmd_args *a)
{
	struct common c = { 0 };
	const char *boards = cmd_arg(a, "boards"), *groups = cmd_arg(a, "groups"), *level = cmd_arg(a, "level"),
	    *dur = cmd_arg(a, "for"), *until = cmd_arg(a, "until"), *id = cmd_arg(a, "id"),
	    *capfile = cmd_arg(a, "cap");
	char *text = NULL, *req = NULL, final[1024], got[ALERT_ID_MAX + 1], num[32];
	size_t tlen = 0, len, cap;
	long long secs = 0, when = 0;
	int rc = 1;

	common_args(&c, a);
	/* the text: every argument, joined with spaces */
	for (int i = 0; i < a->argc; i++) {
		size_t al = strlen(a->argv[i]);
		char *nt = realloc(text, tlen + al + 2);
		if (nt == NULL)
			goto done;
		text = nt;
		if (tlen > 0)
			text[tlen++] = ' ';
		memcpy(text + tlen, a->argv[i], al + 1);
		tlen += al;
	}
	if (capfile != NULL) {
		if (text || boards || groups || level || dur || until || id) {
			fprintf(stderr, "ledsign alert: --cap takes everything from the CAP file; give no text or other options\n");
			goto usage;
		}
		if (common_load(&c, "alert") == 0)
			rc = alert_cap(&c, capfile);
		goto done;
	}
	if (text == NULL || text[0] == '\0') {
		fprintf(stderr, "ledsign alert: give the text to show\n");
		goto usage;
	}
	if (boards && groups) {
		fprintf(stderr, "ledsign alert: give --boards or --groups, not both\n");
		goto usage;
	}
	if (dur && until) {
		fprintf(stderr, "ledsign alert: give --for or --until, not both\n");
		goto usage;
	}
	if (level) {
		enum alert_level l;
		if (alert_level_parse(level, &l) < 0) {
			fprintf(stderr, "ledsign alert: --level is info, warning or emergency, not \"%s\"\n", level);
			goto usage;
		}
	}
	if (dur && parse_duration(dur, &secs) < 0) {
		fprintf(stderr, "ledsign alert: --for takes a duration such as 90s, 30m, 2h or 1d (at most 366d), not \"%s\"\n", dur);
		goto usage;
	}
	if (id && !alert_id_valid(id)) {
		fprintf(stderr, "ledsign alert: --id \"%s\": use letters, digits and ._:@- (starting with a letter or digit)\n", id);
		goto usage;
	}
	if (common_load(&c, "alert") < 0)
		goto done;
	if (until) {
		if (parse_until(c.where.timezone, until, &when) < 0) {
			fprintf(stderr, "ledsign alert: --until takes \"YYYY-MM-DD HH:MM\" or \"HH:MM\", not \"%s\"\n", until);
			goto usage;
		}
		if (when <= (long long)time(NULL)) {
			fprintf(stderr, "ledsign alert: --until %s is already past\n", until);
			goto done;
		}
	}
	cap = tlen * 3 + (boards ? strlen(boards) * 3 : 0) + (groups ? strlen(groups) * 3 : 0) + 512;
	req = malloc(cap);
	if (req == NULL)
		goto done;
	strcpy(req, "alert");
	len = 5;
	if (id)
		kv_put(req, cap, &len, "id", id);
	kv_put(req, cap, &len, "level", level ? level : "emergency");
	if (boards)
		put_list(req, cap, &len, "boards", boards);
	if (groups)
		put_list(req, cap, &len, "groups", groups);
	if (secs > 0) {
		snprintf(num, sizeof num, "%lld", secs);
		kv_put(req, cap, &len, "for", num);
	}
	if (when > 0) {
		snprintf(num, sizeof num, "%lld", when);
		kv_put(req, cap, &len, "expires", num);
	}
	kv_put(req, cap, &len, "source", "cli");
	if (kv_put(req, cap, &len, "text", text) < 0)
		goto done;
	if (send_request("alert", &c, req, NULL, NULL, final, sizeof final) != 0)
		goto done;
	if (control_line_get(final, "id", got, sizeof got) < 0) {
		fprintf(stderr, "ledsign alert: the daemon's answer has no id: %s\n", final);
		goto done;
	}
	printf("%s\n", got);
	fflush(stdout);
	rc = 0;
	goto done;
usage:
	rc = cmd_usage("alert");
done:
	free(text);
	free(req);
	cmd_where_clear(&c.where);
	return rc;
}

static const struct cmd_opt clear_opts[] = {
	{ "all", 0, NULL, "take every alert down" },
	COMMON_OPTS,
	{ NULL, 0, NULL, NULL },
};

static int cmd_clear(const struct cmd_args *);

const struct cmd_entry cmd_clear_entry = {
	"clear", "ID | --all  [--socket PATH] [--config FILE]",
	"take an alert (or all) down; boards return to their schedule", clear_opts, 0, 1, 0, cmd_clear,
};

static int
cmd_clear(const struct cmd_args *a)
{
	struct common c = { 0 };
	const char *id = a->argc > 0 ? a->argv[0] : NULL;
	int all = cmd_flag(a, "all"), rc = 1;
	char req[ALERT_ID_MAX * 3 + 32], final[1024], n[16];
	size_t len;

	common_args(&c, a);
	if ((id == NULL) == !all) {
		fprintf(stderr, "ledsign clear: give one alert id (see ledsign status) or --all\n");
		return cmd_usage("clear");
	}
	if (id && !alert_id_valid(id)) {
		fprintf(stderr, "ledsign clear: \"%s\" is not an alert id (see ledsign status)\n", id);
		return 1;
	}
	if (common_load(&c, "clear") < 0)
		return 1;
	strcpy(req, "clear");
	len = 5;
	if (all)
		kv_put(req, sizeof req, &len, "all", "1");
	else
		kv_put(req, sizeof req, &len, "id", id);
	if (send_request("clear", &c, req, NULL, NULL, final, sizeof final) == 0) {
		if (control_line_get(final, "cleared", n, sizeof n) < 0)
			snprintf(n, sizeof n, "?");
		printf("cleared %s\n", n);
		rc = 0;
		if (control_line_get(final, "unrecorded", n, sizeof n) == 0) {
			char msg[1024];

			if (control_line_get(final, "message", msg, sizeof msg) < 0)
				snprintf(msg, sizeof msg, "the state directory could not be changed");
			fprintf(stderr, "ledsign clear: warning: %s alert(s) %s\n", n, msg);
			rc = 1;
		}
	}
	cmd_where_clear(&c.where);
	return rc;
}

static void
fmt_time(const char *zone, long long t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	if (zone) {
		setenv("TZ", zone, 1);
		tzset();
	}
	localtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	if (zone) {
		if (saved)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	free(saved);
}

/* Who raised an alert, from its source as the daemon wrote it: a console
 * user ("web:NAME uid=N"), a Unix user ("... uid=N", named here), or a CAP
 * sender (the source as it is). */
static void
alert_by(const char *src, char *buf, size_t len)
{
	const char *u;
	char *end;
	unsigned long uid;
	struct passwd *pw;

	if (src == NULL || src[0] == '\0') {
		snprintf(buf, len, "-");
		return;
	}
	if (strncmp(src, "web:", 4) == 0) {
		snprintf(buf, len, "%.*s (console)", (int)strcspn(src + 4, " "), src + 4);
		return;
	}
	if ((u = strstr(src, "uid=")) != NULL) {
		uid = strtoul(u + 4, &end, 10);
		if (end != u + 4 && (pw = getpwuid((uid_t)uid)) != NULL)
			snprintf(buf, len, "%s (uid %lu)", pw->pw_name, uid);
		else
			snprintf(buf, len, "uid %lu", uid);
		return;
	}
	snprintf(buf, len, "%s", src);
}

struct status_ctx {
	const char *timezone;
	struct table *t;      /* the alerts, printed once all are in (aligned by display width) */
	int n, oom;
};

static void
status_line(void *arg, const char *line)
{
	struct status_ctx *sc = arg;
	struct alert a;
	char err[256], exp[40], targets[512];
	size_t tl = 0;

	if (strncmp(line, "alert ", 6) != 0 || alert_parse(line + 6, &a, err, sizeof err) < 0) {
		char cline[1024];
		printf("? %s\n", clean(line, cline, sizeof cline));
		return;
	}
	sc->n++;
	targets[0] = '\0';
	for (size_t i = 0; i < a.boards.n; i++)
		tl += (size_t)snprintf(targets + tl, tl < sizeof targets ? sizeof targets - tl : 0, "%s%s",
		    tl ? "," : "", a.boards.v[i]);
	for (size_t i = 0; i < a.groups.n; i++)
		tl += (size_t)snprintf(targets + tl, tl < sizeof targets ? sizeof targets - tl : 0, "%s@%s",
		    tl ? "," : "", a.groups.v[i]);
	if (tl == 0)
		snprintf(targets, sizeof targets, "all");
	if (a.expires)
		fmt_time(sc->timezone, a.expires, exp, sizeof exp);
	else
		snprintf(exp, sizeof exp, "until cleared");
	{
		char ctargets[sizeof targets * 4], ctext[ALERT_TEXT_MAX * 4 + 8], cid[ALERT_ID_MAX * 4 + 8], by[160],
		    cby[sizeof by * 4];
		const char *cells[6];

		alert_by(a.source, by, sizeof by);
		cells[0] = clean(a.id, cid, sizeof cid);
		cells[1] = alert_level_name(a.level);
		cells[2] = clean(targets, ctargets, sizeof ctargets);
		cells[3] = exp;
		cells[4] = clean(by, cby, sizeof cby);
		cells[5] = clean(a.text, ctext, sizeof ctext);
		if (sc->t && table_add(sc->t, cells) < 0)
			sc->oom = 1;
	}
	alert_clear(&a);
}

int
cmd_alert_list(const char *socket_path, const char *zone)
{
	static const char *const head[] = { "ID", "LEVEL", "TARGETS", "EXPIRES", "BY", "TEXT" };
	static const int max[] = { 0, 0, 40, 0, 32, 0 };
	struct common c = { 0 };
	struct status_ctx sc = { 0 };
	char final[1024], *out;
	int rc = 0;

	c.socket = socket_path;
	sc.timezone = zone;
	if ((sc.t = table_new(6, head, max, NULL)) == NULL)
		sc.oom = 1;
	if (send_request("alerts", &c, "status", status_line, &sc, final, sizeof final) != 0)
		rc = 1;
	else if (sc.oom || (out = table_render(sc.t)) == NULL) {
		fprintf(stderr, "ledsign alerts: out of memory\n");
		rc = 1;
	} else {
		if (sc.n == 0)
			printf("no active alerts; every board follows its schedule\n");
		else
			fputs(out, stdout);
		free(out);
	}
	table_free(sc.t);
	return rc;
}

static const struct cmd_opt alerts_opts[] = {
	COMMON_OPTS,
	{ NULL, 0, NULL, NULL },
};

static int cmd_alerts(const struct cmd_args *);

const struct cmd_entry cmd_alerts_entry = {
	"alerts", "[--socket PATH] [--config FILE]", "list the active alerts with their targets and expiry",
	alerts_opts, 0, 0, 0, cmd_alerts,
};

static int
cmd_alerts(const struct cmd_args *a)
{
	struct common c = { 0 };
	int rc;

	common_args(&c, a);
	if (common_load(&c, "alerts") < 0)
		return 1;
	rc = cmd_alert_list(c.socket, c.where.timezone);
	cmd_where_clear(&c.where);
	return rc;
}
