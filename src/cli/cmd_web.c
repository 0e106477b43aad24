/*
 * cmd_web.c — `ledsign web`: the staff console (src/web/), and `ledsign
 * user`: its accounts.
 *
 * The console is a process of its own: it binds its port (as root when
 * the port needs it), reads its TLS key, then becomes --user for good
 * (priv.c, the same drop as the daemon's) and asks the daemon for
 * everything over the control socket.  It runs until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "daemon/priv.h"
#include "util/log.h"
#include "util/paths.h"
#include "web/users.h"
#include "web/web.h"

#define WEB_USERS_FILE "web-users.db"

static const struct cmd_opt web_opts[] = {
	{ "listen", 'l', "HOST:PORT", "address to serve on (default 127.0.0.1:8080; port 0: any free port)" },
	{ "cert", 0, "FILE", "TLS certificate (PEM): serve HTTPS (with --key)" },
	{ "key", 0, "FILE", "TLS private key (PEM)" },
	{ "config", 'c', "FILE", "the controller's config: its control_socket and state_dir (default " LS_PATH_CONFIG ")" },
	{ "socket", 0, "PATH", "the controller's control socket (default: the config's control_socket)" },
	{ "users", 0, "FILE", "the accounts database (default: STATE_DIR/" WEB_USERS_FILE ")" },
	{ "user", 0, "NAME", "started as root: after binding the port, run as this user" },
	{ "session-hours", 0, "N", "log a session out after N hours without use (default 8)" },
	{ "bureau", 'b', "FILE", "the bureau's settings (as for `ledsign district --bureau`): a District page of every school's boards" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_web(const struct cmd_args *);

const struct cmd_entry cmd_web_entry = {
	"web", "[--listen HOST:PORT] [--cert FILE --key FILE] [--config FILE] [--socket PATH] [--users FILE] [--user NAME] [--session-hours N] [--bureau FILE]",
	"serve the staff console (board wall, alerts, audit log) over HTTP or HTTPS",
	web_opts, 0, 0, 0, cmd_web,
};

/* The config (when given or at the default path), the socket and the
 * accounts file from the options.  Paths are malloc'd. */
static int
web_paths(const struct cmd_args *a, const char *name, char **config, char **sock, char **users)
{
	const char *cp = cmd_arg(a, "config"), *up = cmd_arg(a, "users");
	const char *sp = strcmp(name, "web") == 0 ? cmd_arg(a, "socket") : NULL;
	struct ls_config *cfg = NULL;
	char buf[4096];

	*config = *sock = *users = NULL;
	if (cp == NULL && access(LS_PATH_CONFIG, R_OK) == 0 && (sp == NULL || up == NULL))
		cp = LS_PATH_CONFIG;
	if (cp != NULL && (sp == NULL || up == NULL || strcmp(name, "web") == 0)) {
		if ((cfg = cmd_load_config(cp)) == NULL) {
			fprintf(stderr, "ledsign %s: %s does not load (ledsign check %s says why)\n", name, cp, cp);
			return -1;
		}
		*config = strdup(cp);
	}
	if (sp)
		*sock = strdup(sp);
	else if (cfg && cfg->control_socket)
		*sock = strdup(cfg->control_socket);
	else
		*sock = strdup(LS_PATH_CONTROL_SOCKET);
	if (up)
		*users = strdup(up);
	else {
		snprintf(buf, sizeof buf, "%s/" WEB_USERS_FILE, cfg && cfg->state_dir ? cfg->state_dir : LS_PATH_STATE_DIR);
		*users = strdup(buf);
	}
	ls_config_free(cfg);
	return 0;
}

static int
cmd_web(const struct cmd_args *a)
{
	struct web_opts o;
	struct web_server *s;
	struct priv_user pu;
	const char *v, *uname = cmd_arg(a, "user");
	char *config, *sock, *users, err[1024];
	sigset_t set;
	int sig, rc = 1;

	memset(&o, 0, sizeof o);
	if (web_paths(a, "web", &config, &sock, &users) < 0)
		return 1;
	o.listen = cmd_arg(a, "listen");
	o.cert = cmd_arg(a, "cert");
	o.key = cmd_arg(a, "key");
	o.config = config;
	o.socket = sock;
	o.users = users;
	o.bureau = cmd_arg(a, "bureau");
	if ((v = cmd_arg(a, "session-hours")) != NULL) {
		char *end;
		double h = strtod(v, &end);

		if (*end || h <= 0 || h > 24 * 30) {
			fprintf(stderr, "ledsign web: --session-hours wants hours, 0 < N <= 720, not \"%s\"\n", v);
			goto out;
		}
		o.session_ttl = (int)(h * 3600);
	}
	if (uname != NULL) {
		if (geteuid() != 0) {
			fprintf(stderr, "ledsign web: --user needs to be started as root (already running as uid %u)\n",
			    (unsigned)geteuid());
			goto out;
		}
		if (priv_user_lookup(uname, 0, &pu, err, sizeof err) < 0) {
			fprintf(stderr, "ledsign web: %s\n", err);
			goto out;
		}
	}
	/* the server's threads inherit this mask, so only sigwait below sees these */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((s = web_server_new(&o, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign web: %s\n", err);
		goto out;
	}
	if (uname != NULL && priv_drop(&pu, err, sizeof err) < 0) {
		fprintf(stderr, "ledsign web: %s\n", err);
		web_server_free(s);
		goto out;
	}
	if (access(users, R_OK) < 0)
		fprintf(stderr, "ledsign web: warning: %s: %s; nobody can log in until `ledsign user add NAME --role admin`%s\n",
		    users, strerror(errno), uname ? " (and the file must be readable by --user)" : "");
	printf("ledsign web: serving %s://%s:%d/ (control socket %s, accounts %s)\n", o.cert ? "https" : "http",
	    strncmp(web_server_opts(s)->listen, "[", 1) == 0 ? "[::1]" : "127.0.0.1", web_server_port(s), sock, users);
	fflush(stdout);
	do {
		if (sigwait(&set, &sig) != 0)
			break;
	} while (sig == SIGHUP);
	log_info("web", NULL, "stopping (signal %d)", sig);
	web_server_free(s);
	rc = 0;
out:
	free(config);
	free(sock);
	free(users);
	return rc;
}

/* ---- ledsign user ---- */

static const struct cmd_opt user_opts[] = {
	{ "role", 'r', "ROLE", "viewer, editor, duty or admin (add: default viewer; passwd: change it too)" },
	{ "password-stdin", 0, NULL, "read the password from the first line of standard input (scripts)" },
	{ "config", 'c', "FILE", "the config whose state_dir holds the accounts (default " LS_PATH_CONFIG ")" },
	{ "users", 0, "FILE", "the accounts database (default: STATE_DIR/" WEB_USERS_FILE ")" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_user(const struct cmd_args *);

const struct cmd_entry cmd_user_entry = {
	"user", "add|del|passwd|list [NAME] [--role ROLE] [--password-stdin] [--config FILE] [--users FILE]",
	"manage the staff console's accounts",
	user_opts, 1, 2, 0, cmd_user,
};

/* A password from stdin's first line, or typed twice without echo. */
static int
read_password(int from_stdin, char *buf, size_t cap)
{
	struct termios t, quiet;
	char again[WEB_PASSWORD_MAX + 2];
	size_t n;

	if (from_stdin || !isatty(STDIN_FILENO)) {
		if (fgets(buf, (int)cap, stdin) == NULL)
			return -1;
		buf[strcspn(buf, "\r\n")] = '\0';
		return 0;
	}
	if (tcgetattr(STDIN_FILENO, &t) < 0)
		return -1;
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fprintf(stderr, "password: ");
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	if (fgets(buf, (int)cap, stdin) == NULL) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		return -1;
	}
	fprintf(stderr, "\nagain: ");
	if (fgets(again, sizeof again, stdin) == NULL) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		return -1;
	}
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	fprintf(stderr, "\n");
	buf[strcspn(buf, "\r\n")] = '\0';
	again[strcspn(again, "\r\n")] = '\0';
	n = strcmp(buf, again) != 0;
	explicit_bzero(again, sizeof again);
	if (n) {
		fprintf(stderr, "ledsign user: the two passwords differ\n");
		return -1;
	}
	return 0;
}

static void
list_one(void *arg, const char *name, enum web_role role, double created, double changed)
{
	char c[32], ch[32];
	time_t t1 = (time_t)created, t2 = (time_t)changed;

	(void)arg;
	strftime(c, sizeof c, "%Y-%m-%d %H:%M", localtime(&t1));
	strftime(ch, sizeof ch, "%Y-%m-%d %H:%M", localtime(&t2));
	printf("%-32s %-8s %-17s %s\n", name, web_role_name(role), c, ch);
}

/* Run as root for a daemon whose state_dir belongs to its user: give the
 * file to the directory's owner, so the console (running as that user)
 * can read it. */
static void
give_to_dir_owner(const char *path)
{
	char dir[4096], *slash;
	struct stat st;

	if (geteuid() != 0)
		return;
	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == 0 && st.st_uid != 0 && chown(path, st.st_uid, st.st_gid) < 0)
		fprintf(stderr, "ledsign user: warning: cannot give %s to uid %u: %s\n", path, (unsigned)st.st_uid,
		    strerror(errno));
}

static int
cmd_user(const struct cmd_args *a)
{
	const char *verb = a->argv[0], *name = a->argc > 1 ? a->argv[1] : NULL, *rs = cmd_arg(a, "role");
	char *config, *sock, *users, err[1024], pw[WEB_PASSWORD_MAX + 2];
	struct web_users *db = NULL;
	enum web_role role = WEB_ROLE_VIEWER;
	int rc = 1, is_list = strcmp(verb, "list") == 0;

	if (!is_list && strcmp(verb, "add") != 0 && strcmp(verb, "del") != 0 && strcmp(verb, "passwd") != 0) {
		fprintf(stderr, "ledsign user: unknown action \"%s\": add, del, passwd or list\n", verb);
		return 2;
	}
	if (is_list != (name == NULL)) {
		fprintf(stderr, "ledsign user: %s\n", is_list ? "list takes no NAME" : "which user? ledsign user ACTION NAME");
		return 2;
	}
	if (rs && web_role_parse(rs, &role) < 0) {
		fprintf(stderr, "ledsign user: unknown role \"%s\": viewer, editor, duty or admin\n", rs);
		return 2;
	}
	if (web_paths(a, "user", &config, &sock, &users) < 0)
		return 1;
	if ((db = web_users_open(users, strcmp(verb, "add") == 0, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign user: %s\n", err);
		goto out;
	}
	if (is_list) {
		printf("%-32s %-8s %-17s %s\n", "USER", "ROLE", "CREATED", "CHANGED");
		rc = web_users_list(db, list_one, NULL, err, sizeof err) < 0;
	} else if (strcmp(verb, "del") == 0) {
		rc = web_users_del(db, name, err, sizeof err) < 0;
		if (!rc)
			printf("deleted %s (a session open in the console ends at its next request)\n", name);
	} else {
		if (read_password(cmd_flag(a, "password-stdin"), pw, sizeof pw) < 0) {
			fprintf(stderr, "ledsign user: no password read\n");
			goto out;
		}
		if (strcmp(verb, "add") == 0) {
			rc = web_users_add(db, name, role, pw, err, sizeof err) < 0;
			if (!rc)
				printf("added %s (%s)\n", name, web_role_name(role));
		} else {
			rc = web_users_passwd(db, name, pw, err, sizeof err) < 0;
			if (!rc && rs)
				rc = web_users_set_role(db, name, role, err, sizeof err) < 0;
			if (!rc)
				printf("changed %s\n", name);
		}
		explicit_bzero(pw, sizeof pw);
	}
	if (rc)
		fprintf(stderr, "ledsign user: %s\n", err);
	else if (!is_list)
		give_to_dir_owner(users);
out:
	web_users_close(db);
	free(config);
	free(sock);
	free(users);
	return rc;
}
