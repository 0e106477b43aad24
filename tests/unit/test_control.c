/* Unit tests for src/daemon/control_*.c: the request format, the verb table and roles,
 * the socket with its permissions and peer-credential check, the client (blocking and
 * on the caller's loop), the CAP directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "config/staff.h"
#include "daemon/control.h"
#include "daemon/event.h"
#include "util/kv.h"
#include "daemon/player.h"
#include "alert/cap.h"
#include "util/log.h"

#include "control_fixture.h"

#define NOBODY 65534

struct fx {
	char dir[64], sock[96], state[96];
	struct ls_config cfg;
	struct alert_store *store;
	struct control_server *srv;
	int changed;
};

static void
on_changed(void *arg)
{
	((struct fx *)arg)->changed++;
}

static int
on_reload(void *arg, char *err, size_t errlen)
{
	snprintf(err, errlen, "config has errors");
	return -1;
}

static char logged[4096];

/* Keeps the lines since the test last emptied `logged` (the oldest if it fills). */
static void
on_log(void *arg, enum log_level level, const char *subsys, const char *board, const char *msg)
{
	size_t n = strlen(logged);

	(void)arg;
	(void)level;
	(void)subsys;
	(void)board;
	snprintf(logged + n, sizeof logged - n, "%s\n", msg);
}

/* One board in a known state, as a daemon's player would report it. */
static void
on_boards(void *arg, struct control_daemon_info *info, control_board_fn fn, void *ctx)
{
	struct player_status st;

	(void)arg;
	info->wall = 1700000100.5;
	info->started = 1700000000.25;
	info->reloads = 2;
	info->config = "/etc/ledsign/a b.cfg";
	info->reload_error = "";
	memset(&st, 0, sizeof st);
	st.board = "gate";
	st.state = PLAYER_STALLED;
	snprintf(st.reason, sizeof st.reason, "no ACK for 3 s");
	snprintf(st.item, sizeof st.item, "welcome");
	snprintf(st.rule, sizeof st.rule, "mornings");
	snprintf(st.address, sizeof st.address, "tcp:127.0.0.1:9");
	st.frames_sent = 42;
	st.acks = 40;
	st.last_ack = 1700000099.0;
	st.brightness = 80;
	snprintf(st.programme, sizeof st.programme, "stored");
	st.programme_version = 0x1234abcd;
	fn(ctx, &st);
}

static const struct control_ops ops = { .changed = on_changed, .reload = on_reload, .boards = on_boards };

static void
rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];

	logged[0] = '\0';
	snprintf(f->dir, sizeof f->dir, "/tmp/ledsign-test-ctl.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	chmod(f->dir, 0755);   /* so a test can connect as nobody */
	snprintf(f->sock, sizeof f->sock, "%s/run/control.sock", f->dir);
	snprintf(f->state, sizeof f->state, "%s/state", f->dir);
	f->store = alert_store_open(f->state, time(NULL), err, sizeof err);
	assert_non_null(f->store);
	f->srv = control_server_new(f->sock, &f->cfg, f->store, &ops, f, err, sizeof err);
	if (f->srv == NULL)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	control_server_free(f->srv);
	alert_store_free(f->store);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* Send one line through control_handle_line; returns the answer (static). */
static const char *
ask(struct fx *f, const char *line)
{
	return ctl_ask(f->srv, line);
}

static void
test_requests(void **state)
{
	struct fx *f = *state;
	const char *a;
	char id[ALERT_ID_MAX + 1];

	a = ask(f, "alert text=hi");
	assert_non_null(strstr(a, "error code=version"));
	a = ask(f, "ledsign-control/2 status");
	assert_non_null(strstr(a, "error code=version"));
	a = ask(f, "ledsign-control/1 dance");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1 alert level=emergency");
	assert_non_null(strstr(a, "no%20text"));
	a = ask(f, "ledsign-control/1 alert text=x level=loud");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1 alert text=x colour=red");
	assert_non_null(strstr(a, "colour"));
	a = ask(f, "ledsign-control/1 alert text=x%zz");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1 alert text=x expires=5");
	assert_non_null(strstr(a, "expired"));
	a = ask(f, "ledsign-control/1 alert text=x for=60 expires=99999999999");
	assert_non_null(strstr(a, "either"));
	a = ask(f, "ledsign-control/1 alert text=x id=../../etc/passwd");
	assert_non_null(strstr(a, "bad%20id"));
	a = ask(f, "ledsign-control/1 alert text=x boards=a,,b");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1 alert text=x%1B%5B2Jy");
	assert_non_null(strstr(a, "error code=usage message=text%20holds%20a%20control%20character%20(byte%200x1b%20at%20offset%201)"));
	a = ask(f, "ledsign-control/1 alert text=x%C2%9By");
	assert_non_null(strstr(a, "byte%200xc2%20at%20offset%201"));
	a = ask(f, "ledsign-control/1 alert text=x%09y");
	assert_non_null(strstr(a, "control%20character"));
	a = ask(f, "ledsign-control/1 alert text=x source=a%1Bb");
	assert_non_null(strstr(a, "source%20holds"));
	assert_int_equal(f->changed, 0);
	assert_int_equal(alert_store_count(f->store), 0);

	a = ask(f, "ledsign-control/1 alert text=Fire%20drill level=warning groups=north,gym for=1800");
	assert_memory_equal(a, "ok id=", 6);
	assert_int_equal(f->changed, 1);
	assert_int_equal(control_line_get(a, "id", id, sizeof id), 0);
	assert_non_null(alert_store_find(f->store, id));
	assert_string_equal(alert_store_find(f->store, id)->text, "Fire drill");
	assert_int_equal(alert_store_find(f->store, id)->groups.n, 2);
	assert_true(alert_store_find(f->store, id)->expires > time(NULL) + 1700);

	a = ask(f, "ledsign-control/1 alert text=second id=evac-2");
	assert_string_equal(a, "ok id=evac-2\n");
	a = ask(f, "ledsign-control/1 status");
	assert_non_null(strstr(a, "alert id=evac-2 level=emergency"));
	assert_non_null(strstr(a, "text=Fire%20drill"));
	assert_non_null(strstr(a, "\nok count=2 now="));

	a = ask(f, "ledsign-control/1 clear");
	assert_non_null(strstr(a, "error code=usage"));
	a = ask(f, "ledsign-control/1 clear id=nope");
	assert_non_null(strstr(a, "error code=notfound"));
	a = ask(f, "ledsign-control/1 clear id=evac-2");
	assert_string_equal(a, "ok cleared=1\n");
	a = ask(f, "ledsign-control/1 clear all=1");
	assert_string_equal(a, "ok cleared=1\n");
	assert_int_equal(alert_store_count(f->store), 0);
	a = ask(f, "ledsign-control/1 reload");
	assert_non_null(strstr(a, "error code=reload message=config%20has%20errors"));
}

static void
test_cap_request(void **state)
{
	struct fx *f = *state;
	static const char doc[] =
	    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>X1</identifier>"
	    "<sender>s@x</sender><sent>2026-01-01T00:00:00+00:00</sent><status>Actual</status>"
	    "<msgType>Alert</msgType><scope>Public</scope><info><category>Safety</category>"
	    "<event>Lockdown</event><urgency>Immediate</urgency><severity>Extreme</severity>"
	    "<certainty>Observed</certainty></info></alert>";
	char line[4096];
	size_t len = 0;
	const char *a;

	snprintf(line, sizeof line, "%s cap", CONTROL_VERSION);
	len = strlen(line);
	assert_int_equal(kv_put(line, sizeof line, &len, "doc", doc), 0);
	a = ask(f, line);
	assert_string_equal(a, "ok action=alert id=cap-X1 cleared=0\n");
	assert_non_null(alert_store_find(f->store, "cap-X1"));
	a = ask(f, "ledsign-control/1 cap doc=%3Cnope");
	assert_non_null(strstr(a, "error code=cap message=request:1:%20invalid%20XML"));
	a = ask(f, "ledsign-control/1 cap");
	assert_non_null(strstr(a, "error code=usage"));
}

/* Every verb against every role: a viewer reads, an operator changes
 * alerts, only an admin reloads; a denial names the role needed. */
static void
test_roles(void **state)
{
	struct fx *f = *state;
	const char *a;

	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 status");
	assert_memory_equal(a, "ok count=0 ", 11);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 alerts");
	assert_memory_equal(a, "ok count=0 ", 11);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 boards");
	assert_memory_equal(a, "board ", 6);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 alert text=hi");
	assert_string_equal(a, "error code=denied message=alert%20needs%20the%20operator%20role;%20user%2065534%20has%20"
	    "viewer:%20add%20it%20to%20control_operators%20or%20control_operator_groups\n");
	assert_non_null(strstr(logged, "alert denied to uid 65534 (viewer; needs operator)"));
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 clear all=1");
	assert_memory_equal(a, "error code=denied message=clear%20needs%20the%20operator%20role", 62);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 cap doc=x");
	assert_memory_equal(a, "error code=denied ", 18);
	assert_int_equal(alert_store_count(f->store), 0);
	assert_int_equal(f->changed, 0);

	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_OPERATOR, "ledsign-control/1 alert text=hi id=op1");
	assert_string_equal(a, "ok id=op1\n");
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_OPERATOR, "ledsign-control/1 reload");
	assert_memory_equal(a, "error code=denied message=reload%20needs%20the%20admin%20role", 60);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_OPERATOR, "ledsign-control/1 clear id=op1");
	assert_string_equal(a, "ok cleared=1\n");
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_ADMIN, "ledsign-control/1 reload");
	assert_non_null(strstr(a, "error code=reload"));
	/* no role at all (a connection never gets this far): not even status */
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_NONE, "ledsign-control/1 status");
	assert_memory_equal(a, "error code=denied ", 18);

	/* help lists what the peer may use, and says its role */
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 help");
	assert_non_null(strstr(a, "verb name=boards role=viewer "));
	assert_null(strstr(a, "name=alert "));
	assert_non_null(strstr(a, "\nok verbs=13 role=viewer\n"));
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_ADMIN, "ledsign-control/1 help");
	assert_non_null(strstr(a, "verb name=reload role=admin "));
	assert_non_null(strstr(a, "\nok verbs=22 role=admin\n"));
	assert_string_equal(control_role_name(CONTROL_ROLE_OPERATOR), "operator");
}

/* "boards": one versioned key=value line per board, the daemon on the ok line. */
static void
test_boards(void **state)
{
	struct fx *f = *state;
	const char *a = ask(f, "ledsign-control/1 boards");
	char want[1024];

	snprintf(want, sizeof want,
	    "board name=gate state=stalled reason=no%%20ACK%%20for%%203%%20s item=welcome rule=mornings "
	    "frames_sent=42 frames_skipped=0 frames_late=0 errors=0 acks=40 nacks=0 last_ack=1700000099.000 "
	    "brightness=80 address=tcp:127.0.0.1:9 playing=stored programme=1234abcd\n"
	    "ok version=1 boards=1 pid=%d wall=1700000100.500 started=1700000000.250 reloads=2 "
	    "config=/etc/ledsign/a%%20b.cfg reload_error=\n", (int)getpid());
	assert_string_equal(a, want);
	a = ask(f, "ledsign-control/1 boards x=1");
	assert_memory_equal(a, "error code=usage ", 17);
	/* this server has boards but no scheduler */
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 schedule at=1700000000");
	assert_memory_equal(a, "error code=unsupported ", 23);
	a = ctl_ask_as(f->srv, NOBODY, CONTROL_ROLE_VIEWER, "ledsign-control/1 schedule at=soon");
	assert_memory_equal(a, "error code=usage message=schedule%20takes%20at", 46);
}

/* ---- over the socket ---- */

struct child_result {
	int rc;
	char final[512];
	char err[256];
};

/* Run control_request in a child (optionally as another uid) while this
 * process runs the server's event loop; returns what the child got. */
static struct child_result
run_client(struct fx *f, struct event_base *base, uid_t uid, const char *request)
{
	struct child_result res;
	int pfd[2];
	pid_t pid;
	int status;
	struct timespec t0, t;

	memset(&res, 0, sizeof res);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		if (uid != 0 && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(99);
		res.rc = control_request(f->sock, request, 3000, NULL, NULL, res.final, sizeof res.final,
		    res.err, sizeof res.err);
		if (write(pfd[1], &res, sizeof res) != sizeof res)
			_exit(98);
		_exit(0);
	}
	close(pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("client hung");
		}
		usleep(1000);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(pfd[0], &res, sizeof res), (ssize_t)sizeof res);
	close(pfd[0]);
	return res;
}

static void
test_socket_roundtrip(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	struct child_result r;
	struct stat st;
	char err[256];

	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	assert_int_equal(stat(f->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);

	r = run_client(f, base, 0, "alert text=Evacuate%20now id=evac level=emergency");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.final, "ok id=evac");
	assert_int_equal(f->changed, 1);
	r = run_client(f, base, 0, "clear id=evac");
	assert_int_equal(r.rc, 0);
	r = run_client(f, base, 0, "clear id=evac");
	assert_int_equal(r.rc, 1);
	assert_memory_equal(r.final, "error code=notfound", 19);

	/* a second server on the same path must not steal the socket */
	assert_null(control_server_new(f->sock, &f->cfg, f->store, &ops, f, err, sizeof err));
	assert_non_null(strstr(err, "another ledsign daemon"));
	control_server_free(f->srv);   /* its events belong to the base: free them first */
	f->srv = NULL;
	event_base_free(base);
}

static void
test_peer_refused(void **state)
{
	struct fx *f = *state;
	struct event_base *base;
	struct child_result r;
	char err[256];
	char *users[] = { "nobody" };

	if (geteuid() != 0)
		skip();
	base = event_base_new();
	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);

	/* 0660 root:root: the file permissions alone keep nobody out */
	r = run_client(f, base, NOBODY, "status");
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.err, "permission denied"));

	/* even when the file is opened up, the peer credentials are checked */
	assert_int_equal(chmod(f->sock, 0666), 0);
	r = run_client(f, base, NOBODY, "alert text=hijack");
	assert_int_equal(r.rc, 1);
	assert_memory_equal(r.final, "error code=denied", 17);
	assert_non_null(strstr(r.final, "65534"));
	assert_int_equal(alert_store_count(f->store), 0);
	assert_int_equal(f->changed, 0);

	/* allow nobody in the config: now it may */
	f->cfg.control_users.v = users;
	f->cfg.control_users.n = 1;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	r = run_client(f, base, NOBODY, "alert text=allowed id=ok1");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.final, "ok id=ok1");
	assert_non_null(strstr(alert_store_find(f->store, "ok1")->source, "uid=65534"));
	r = run_client(f, base, NOBODY, "reload");
	assert_memory_equal(r.final, "error code=reload ", 18);   /* control_users are admins, as before roles */
	f->cfg.control_users.n = 0;
	f->cfg.control_users.v = NULL;

	/* a viewer: reads, but may not change anything */
	f->cfg.control_viewers.v = users;
	f->cfg.control_viewers.n = 1;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	r = run_client(f, base, NOBODY, "status");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.final, "ok count=1 ", 11);
	r = run_client(f, base, NOBODY, "boards");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.final, "ok version=1 boards=1 ", 22);
	r = run_client(f, base, NOBODY, "clear id=ok1");
	assert_int_equal(r.rc, 1);
	assert_memory_equal(r.final, "error code=denied message=clear%20needs%20the%20operator%20role", 62);
	assert_non_null(alert_store_find(f->store, "ok1"));
	/* an operator: changes alerts, but does not reload */
	f->cfg.control_viewers.n = 0;
	f->cfg.control_operators.v = users;
	f->cfg.control_operators.n = 1;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	r = run_client(f, base, NOBODY, "clear id=ok1");
	assert_int_equal(r.rc, 0);
	r = run_client(f, base, NOBODY, "reload");
	assert_memory_equal(r.final, "error code=denied message=reload%20needs%20the%20admin%20role", 60);
	f->cfg.control_operators.n = 0;
	f->cfg.control_viewers.v = f->cfg.control_operators.v = NULL;
	control_server_free(f->srv);   /* its events belong to the base: free them first */
	f->srv = NULL;
	event_base_free(base);
}

struct async_result {
	int lines, done, rc;
	char final[256];
	struct event_base *base;
	int *left;
};

static void
async_line(void *arg, const char *line)
{
	((struct async_result *)arg)->lines++;
	(void)line;
}

static void
async_done(void *arg, int rc, const char *final, const char *err, int eno)
{
	struct async_result *r = arg;

	(void)eno;
	r->done++;
	r->rc = rc;
	snprintf(r->final, sizeof r->final, "%s", final ? final : err);
	if (--*r->left == 0)
		event_base_loopexit(r->base, NULL);
}

/* The client runs on the caller's loop without blocking it: here the
 * server is on the same loop, so a client that waited for its answer
 * (connect, send, read) would wait for ever.  Three requests at once. */
static void
test_client_async(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	struct async_result r[3];
	const char *req[3] = { "alert text=one id=a1", "boards", "nosuchverb" };
	struct timeval limit = { 5, 0 };
	char err[256];
	int left = 3;

	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	memset(r, 0, sizeof r);
	for (int i = 0; i < 3; i++) {
		r[i].base = base;
		r[i].left = &left;
		assert_non_null(control_client_request(base, f->sock, req[i], 3000, async_line, async_done, &r[i],
		    err, sizeof err));
		assert_int_equal(r[i].done, 0);   /* never called from inside the request */
	}
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);
	assert_int_equal(left, 0);
	assert_int_equal(r[0].rc, 0);
	assert_string_equal(r[0].final, "ok id=a1");
	assert_int_equal(r[1].rc, 0);
	assert_int_equal(r[1].lines, 1);
	assert_memory_equal(r[1].final, "ok version=1 boards=1 ", 22);
	assert_int_equal(r[2].rc, 1);
	assert_memory_equal(r[2].final, "error code=usage ", 17);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r[i].done, 1);

	/* no daemon: done says so, once, from the loop */
	left = 1;
	memset(&r[0], 0, sizeof r[0]);
	r[0].base = base;
	r[0].left = &left;
	snprintf(err, sizeof err, "%s/none.sock", f->dir);
	assert_non_null(control_client_request(base, err, "status", 3000, NULL, async_done, &r[0], err, sizeof err));
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);
	assert_int_equal(r[0].done, 1);
	assert_int_equal(r[0].rc, -1);
	assert_non_null(strstr(r[0].final, "no ledsign daemon is listening"));
	control_server_free(f->srv);
	f->srv = NULL;
	event_base_free(base);
}

/* A daemon that refuses a peer answers and closes without reading the
 * request.  A client writing the rest of a long request then gets EPIPE:
 * it must read the answer, not die of SIGPIPE (the CLI does not ignore it). */
static void
test_client_no_sigpipe(void **state)
{
	struct fx *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct child_result res;
	size_t n = 4 * 1024 * 1024;
	char *big = malloc(n + 1);
	int lfd, cfd, pfd[2], status;
	pid_t pid;

	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big, "cap doc=", 8);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/fake.sock", f->dir);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		memset(&res, 0, sizeof res);
		for (int i = 0; i < 2; i++) {
			memset(&res, 0, sizeof res);
			res.rc = control_request(sa.sun_path, big, 3000, NULL, NULL, res.final, sizeof res.final, res.err,
			    sizeof res.err);
			if (write(pfd[1], &res, sizeof res) != sizeof res)
				_exit(98);
		}
		_exit(0);
	}
	close(pfd[1]);
	/* first a peer that answers and closes, then one that closes unanswered */
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	assert_int_equal(write(cfd, "error code=denied message=go%20away\n", 36), 36);
	usleep(50 * 1000);   /* let the client fill its socket buffer */
	close(cfd);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	close(cfd);
	close(lfd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_false(WIFSIGNALED(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(pfd[0], &res, sizeof res), (ssize_t)sizeof res);
	assert_int_equal(res.rc, 1);
	assert_string_equal(res.final, "error code=denied message=go%20away");
	assert_int_equal(read(pfd[0], &res, sizeof res), (ssize_t)sizeof res);
	assert_int_equal(res.rc, -1);
	assert_true(strstr(res.err, "closed the connection without an answer") != NULL ||
	    strstr(res.err, "Connection reset by peer") != NULL);
	close(pfd[0]);
	free(big);
}

static void
test_acl_errors(void **state)
{
	struct fx *f = *state;
	char err[256];
	char *bad[] = { "no-such-user-xyz", "nobody" };

	/* a typo is logged and skipped; the rest of the list still counts */
	f->cfg.control_users.v = bad;
	f->cfg.control_users.n = 2;
	logged[0] = '\0';
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	assert_non_null(strstr(logged, "no-such-user-xyz"));
	f->cfg.control_users.n = 0;
	f->cfg.control_groups.v = bad;
	f->cfg.control_groups.n = 1;
	logged[0] = '\0';
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	assert_non_null(strstr(logged, "no such group \"no-such-user-xyz\""));
	f->cfg.control_groups.n = 0;
	f->cfg.control_viewer_groups.v = bad;
	f->cfg.control_viewer_groups.n = 1;
	logged[0] = '\0';
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	assert_non_null(strstr(logged, "control_viewer_groups: no such group \"no-such-user-xyz\""));
	f->cfg.control_viewer_groups.n = 0;
	f->cfg.control_viewer_groups.v = NULL;
	f->cfg.control_users.v = f->cfg.control_groups.v = NULL;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
}

/* Connect a non-blocking raw client to the server's socket. */
static int
raw_connect(struct fx *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	strcpy(sa.sun_path, f->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Run the loop until fd has sent back text containing `want` (or, with
 * want NULL, until it is closed), at most about two seconds.  What was
 * read is in buf.  1 when seen. */
static int
loop_for(struct event_base *base, int fd, const char *want, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2000; i++) {
		ssize_t n;

		event_base_loop(base, EVLOOP_NONBLOCK);
		n = read(fd, buf + len, cap - 1 - len);
		if (n > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			if (want != NULL && strstr(buf, want) != NULL)
				return 1;
			continue;
		}
		if (n == 0)
			return want == NULL;
		usleep(1000);
	}
	return 0;
}

/* Raw bytes straight at the server: garbage, a NUL, CRLF, an endless line. */
static void
test_garbage(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	char buf[8192], err[256];
	int fd;

	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	fd = raw_connect(f);
	static const char junk[] = "\x01\x02\xff garbage\nledsign-control/1 st\0atus\n";
	assert_int_equal(write(fd, junk, sizeof junk - 1), (ssize_t)sizeof junk - 1);
	assert_true(loop_for(base, fd, "NUL", buf, sizeof buf));
	assert_non_null(strstr(buf, "error code=version"));

	/* CRLF ends a line like LF */
	assert_int_equal(write(fd, "ledsign-control/1 status\r\n", 26), 26);
	assert_true(loop_for(base, fd, "\n", buf, sizeof buf));
	assert_memory_equal(buf, "ok count=0 now=", 15);

	/* a line over CONTROL_LINE_MAX: refused and closed, the server lives on */
	{
		static char big[CONTROL_LINE_MAX + 4096];
		size_t off = 0;
		memset(big, 'a', sizeof big);
		for (int i = 0; i < 2000 && off < sizeof big; i++) {
			ssize_t w = write(fd, big + off, sizeof big - off);
			if (w > 0)
				off += (size_t)w;
			event_base_loop(base, EVLOOP_NONBLOCK);
		}
	}
	assert_true(loop_for(base, fd, "error code=toolarge", buf, sizeof buf));
	assert_true(loop_for(base, fd, NULL, buf, sizeof buf));
	close(fd);
	/* still serving */
	assert_non_null(strstr(ask(f, "ledsign-control/1 status"), "ok count=0"));
	control_server_free(f->srv);
	f->srv = NULL;
	event_base_free(base);
}

#define CAP_DOC(id) "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>" id "</identifier>" \
	"<sender>s@x</sender><sent>2026-01-01T00:00:00+00:00</sent><status>Actual</status>" \
	"<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>" \
	"<event>Storm</event><urgency>Expected</urgency><severity>Severe</severity>" \
	"<certainty>Likely</certainty><headline>Storm coming</headline></info></alert>"

/* Make a file look as if it was last written a minute ago. */
static void
age_file(const char *path)
{
	struct timespec ts[2];

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 60;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int
exists(const char *dir, const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static void
test_cap_dir(void **state)
{
	struct fx *f = *state;
	char dir[160], p[256], err[256], why[512];
	const char *doc = CAP_DOC("D2");
	FILE *fp, *w;
	int fd;
	ssize_t n;

	snprintf(dir, sizeof dir, "%s/cap", f->dir);
	mkdir(dir, 0750);
	f->cfg.cap_dir = dir;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	snprintf(p, sizeof p, "%s/a.xml", dir);
	fp = fopen(p, "w");
	fputs(CAP_DOC("D1"), fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/b.xml", dir);
	fp = fopen(p, "w");
	fputs("<alert>not cap</alert>", fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/.partial", dir);
	fp = fopen(p, "w");
	fputs("<al", fp);
	fclose(fp);
	/* half a document, still open for writing, and last written long ago:
	 * a writer that paused; it must be left alone however old it looks */
	snprintf(p, sizeof p, "%s/c.xml", dir);
	w = fopen(p, "w");
	fwrite(doc, 1, strlen(doc) / 2, w);
	fflush(w);
	age_file(p);
	/* a symbolic link: not followed, but not left lying there either */
	snprintf(p, sizeof p, "%s/a.xml", f->dir);
	fp = fopen(p, "w");
	fputs(CAP_DOC("L1"), fp);
	fclose(fp);
	snprintf(why, sizeof why, "%s/l.xml", dir);
	assert_int_equal(symlink(p, why), 0);

	assert_int_equal(control_cap_dir_scan(f->srv, time(NULL)), 1);
	assert_non_null(alert_store_find(f->store, "cap-D1"));
	assert_string_equal(alert_store_find(f->store, "cap-D1")->text, "Storm coming");
	assert_int_equal(alert_store_find(f->store, "cap-D1")->level, ALERT_WARNING);
	assert_true(exists(dir, "done/a.xml"));
	/* just written and not CAP: it may still be growing, so it waits */
	assert_true(exists(dir, "b.xml"));
	assert_false(exists(dir, "failed/b.xml"));
	assert_true(exists(dir, ".partial"));               /* dot files wait */
	assert_true(exists(dir, "c.xml"));                  /* open for writing: not touched */
	assert_false(exists(dir, "failed/c.xml"));
	assert_null(alert_store_find(f->store, "cap-L1"));  /* the link was not followed */
	assert_false(exists(dir, "l.xml"));
	assert_true(exists(dir, "failed/l.xml"));
	snprintf(p, sizeof p, "%s/failed/l.xml.error", dir);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, why, sizeof why - 1);
	close(fd);
	assert_true(n > 0);
	why[n] = '\0';
	assert_non_null(strstr(why, "symbolic link"));
	assert_non_null(strstr(logged, "l.xml: a symbolic link"));

	/* still for long enough: now it is failed, with the reason */
	snprintf(p, sizeof p, "%s/b.xml", dir);
	age_file(p);
	assert_int_equal(control_cap_dir_scan(f->srv, time(NULL)), 0);
	assert_true(exists(dir, "failed/b.xml.error"));
	assert_non_null(strstr(logged, "b.xml: "));
	assert_true(exists(dir, "c.xml"));

	/* the writer finishes: applied */
	fputs(doc + strlen(doc) / 2, w);
	fclose(w);
	assert_int_equal(control_cap_dir_scan(f->srv, time(NULL)), 1);
	assert_non_null(alert_store_find(f->store, "cap-D2"));
	assert_true(exists(dir, "done/c.xml"));
	assert_false(exists(dir, "failed/c.xml"));
	assert_int_equal(control_cap_dir_scan(f->srv, time(NULL)), 0);   /* nothing new */
	f->cfg.cap_dir = NULL;
}

/* The parser process, played by the test: control_server_cap_parsed is
 * called by hand, as the daemon calls it when the reply comes. */
struct fake_parser {
	int started;
	char doc[2048], name[256];
	long long now;
};

/* The server's arg: a fixture (on_changed counts in it) and the parser. */
struct async_fx {
	struct fx fx;
	struct fake_parser *fp;
};

static int
fake_parse_start(void *arg, const char *doc, size_t len, const char *name, long long now, char *err, size_t errlen)
{
	struct fake_parser *fp = ((struct async_fx *)arg)->fp;

	(void)err;
	(void)errlen;
	assert_true(len < sizeof fp->doc);
	memcpy(fp->doc, doc, len);
	fp->doc[len] = '\0';
	snprintf(fp->name, sizeof fp->name, "%s", name);
	fp->now = now;
	fp->started++;
	return 0;
}

static const struct control_ops async_ops = { .changed = on_changed, .cap_parse_start = fake_parse_start };

/* cap_dir files with a parser that answers later: none is moved until its
 * answer comes; one at a time goes to the parser, CONTROL_CAP_QUEUE wait,
 * the rest wait for a later scan; a document the parser died on is failed
 * at once with the reason. */
static void
test_cap_dir_async(void **state)
{
	struct fx *f = *state;
	struct async_fx *af = calloc(1, sizeof *af);
	struct fake_parser fp = { 0 };
	struct control_server *srv;
	char dir[128], p[256], sock[160], err[256], name[64];
	int nfiles = CONTROL_CAP_QUEUE + 1, answered = 0;

	af->fx = *f;
	af->fp = &fp;
	snprintf(dir, sizeof dir, "%s/capq", f->dir);
	mkdir(dir, 0750);
	af->fx.cfg.cap_dir = dir;
	snprintf(sock, sizeof sock, "%s/run/async.sock", f->dir);
	srv = control_server_new(sock, &af->fx.cfg, f->store, &async_ops, af, err, sizeof err);
	assert_non_null(srv);
	for (int i = 0; i < nfiles; i++) {
		FILE *w;

		snprintf(p, sizeof p, "%s/q%02d.xml", dir, i);
		w = fopen(p, "w");
		assert_non_null(w);
		fprintf(w, "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>Q%02d</identifier>"
		    "<sender>s@x</sender><sent>2026-01-01T00:00:00+00:00</sent><status>Actual</status>"
		    "<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
		    "<event>Storm</event><urgency>Expected</urgency><severity>Severe</severity>"
		    "<certainty>Likely</certainty><headline>Storm %d</headline></info></alert>", i, i);
		fclose(w);
	}
	assert_int_equal(control_cap_dir_scan(srv, time(NULL)), 0);
	assert_int_equal(fp.started, 1);            /* one at the parser */
	for (int i = 0; i < nfiles; i++) {
		snprintf(name, sizeof name, "q%02d.xml", i);
		assert_true(exists(dir, name));         /* nothing moved before its answer */
	}
	/* a scan meanwhile sends nothing twice */
	assert_int_equal(control_cap_dir_scan(srv, time(NULL)), 0);
	assert_int_equal(fp.started, 1);
	/* the first (readdir's order): the parser died on it */
	snprintf(name, sizeof name, "failed/%.40s", fp.name);
	snprintf(p, sizeof p, "%.40s: the CAP parser process (pid 1) did not answer within 2000 ms", fp.name);
	control_server_cap_parsed(srv, CONTROL_CAP_PARSER_FAILED, NULL, p);
	assert_true(exists(dir, name));
	strcat(name, ".error");
	assert_true(exists(dir, name));
	answered++;
	/* the others: parsed as the parser would, answered one by one */
	while (fp.started > answered) {
		struct cap_result r;

		assert_int_equal(cap_parse(fp.doc, strlen(fp.doc), fp.name, &af->fx.cfg, fp.now, &r, err, sizeof err), 0);
		snprintf(name, sizeof name, "done/%.40s", fp.name);   /* the next one is sent at once */
		control_server_cap_parsed(srv, 0, &r, "");
		answered++;
		assert_true(exists(dir, name));
	}
	/* CONTROL_CAP_QUEUE were taken at the first scan; one waited for the next */
	assert_int_equal(answered, CONTROL_CAP_QUEUE);
	assert_int_equal(control_cap_dir_scan(srv, time(NULL)), 0);
	assert_int_equal(fp.started, CONTROL_CAP_QUEUE + 1);
	{
		struct cap_result r;

		assert_int_equal(cap_parse(fp.doc, strlen(fp.doc), fp.name, &af->fx.cfg, fp.now, &r, err, sizeof err), 0);
		control_server_cap_parsed(srv, 0, &r, "");
	}
	for (int i = 0, done = 0, failed = 0; i <= nfiles; i++) {
		if (i == nfiles) {
			assert_int_equal(done, nfiles - 1);
			assert_int_equal(failed, 1);
			break;
		}
		snprintf(name, sizeof name, "done/q%02d.xml", i);
		done += exists(dir, name);
		snprintf(name, sizeof name, "failed/q%02d.xml", i);
		failed += exists(dir, name);
	}
	assert_int_equal(alert_store_count(f->store), nfiles - 1);
	/* an answer nobody waits for is dropped */
	control_server_cap_parsed(srv, -1, NULL, "stray");
	control_server_free(srv);
	free(af);
}

/* A connection must complete a request by the deadline: one that says
 * nothing, and one that sends a byte now and then but never a whole
 * request, are closed; one that completes requests stays. */
static void
test_deadline(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	static const char req[] = "ledsign-control/1 status\n";
	char err[256], buf[4096];
	struct timespec t0, t;
	int idle, slow, busy, slow_closed = 0, busy_closed = 0;
	long busy_n = 0;
	size_t sent = 0;

	control_server_set_deadline(f->srv, 300);
	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	idle = raw_connect(f);
	assert_true(loop_for(base, idle, NULL, buf, sizeof buf));
	slow = raw_connect(f);
	busy = raw_connect(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++) {
		ssize_t n;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > 1200)
			break;
		/* one byte every 40 ms: a request would take a second */
		if (!slow_closed && ms / 40 >= (long)sent && sent < sizeof req - 2)
			if (write(slow, req + sent, 1) == 1)
				sent++;
		/* a whole request every 100 ms */
		if (ms / 100 >= busy_n && !busy_closed) {
			busy_n++;
			if (write(busy, req, sizeof req - 1) < 0)
				busy_closed = 1;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (!slow_closed && read(slow, buf, sizeof buf) == 0) {
			slow_closed = 1;
			assert_true(ms >= 250 && ms < 900);
		}
		while ((n = read(busy, buf, sizeof buf)) > 0)
			;
		if (n == 0)
			busy_closed = 1;
		usleep(1000);
	}
	assert_true(slow_closed);
	assert_false(busy_closed);
	assert_non_null(strstr(logged, "completed no request in 300 ms"));
	close(idle);
	close(slow);
	close(busy);
	control_server_free(f->srv);
	f->srv = NULL;
	event_base_free(base);
}

/* A watcher that does not read: the server holds it at its output limit,
 * the events it misses are counted exactly in one dropped line, the
 * connection outlives the request deadline, and other requests and
 * watchers go on. */
static void
test_watch(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	struct event_bus *bus = event_bus_new(256);
	static const char req[] = "ledsign-control/1 watch types=link\n";
	char err[256], buf[8192];
	static char all[4 << 20];
	size_t len = 0;
	unsigned long long got = 0, dropped = 0, last = 0;
	int w, rcv = 4096, bad;
	const int N = 6000;

	assert_non_null(bus);
	assert_int_equal(event_bus_attach(bus, base), 0);
	control_server_set_events(f->srv, bus);
	control_server_set_deadline(f->srv, 300);
	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	/* a bad type is refused and the connection stays a request connection */
	bad = raw_connect(f);
	assert_int_equal(write(bad, "ledsign-control/1 watch types=nope\n", 35), 35);
	assert_true(loop_for(base, bad, "error code=usage message=unknown%20event%20type", buf, sizeof buf));
	close(bad);

	w = raw_connect(f);
	setsockopt(w, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	assert_int_equal(write(w, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
	for (int i = 0; i < 20; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	/* N link events of about 300 bytes, half a second of them, never read */
	for (int i = 1; i <= N; i++) {
		struct ls_event ev = { .type = EVENT_LINK };

		snprintf(ev.board, sizeof ev.board, "b%d", i);
		snprintf(ev.to, sizeof ev.to, "online");
		memset(ev.reason, 'x', 250);
		event_bus_emit(bus, &ev);
		/* another type, not watched: does not count as dropped */
		ev.type = EVENT_ITEM_START;
		event_bus_emit(bus, &ev);
		if (i % 20 == 0) {
			event_base_loop(base, EVLOOP_NONBLOCK);
			usleep(1000);
		}
	}
	for (int i = 0; i < 200; i++) {   /* past the 300 ms deadline */
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(2000);
	}
	/* now read everything there is */
	for (int idle = 0; idle < 200;) {
		ssize_t n;

		event_base_loop(base, EVLOOP_NONBLOCK);
		n = read(w, all + len, sizeof all - 1 - len);
		if (n > 0) {
			len += (size_t)n;
			idle = 0;
		} else {
			assert_true(n < 0);   /* not closed: no deadline for a watcher */
			idle++;
			usleep(1000);
		}
	}
	all[len] = '\0';
	/* far less than everything was ever queued: the server held the watcher */
	assert_true(len < (size_t)N * 300 / 2);
	assert_memory_equal(all, "ok version=1 types=link\n", 24);
	for (char *line = strchr(all, '\n') + 1, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		unsigned long long seq, d;

		*nl = '\0';
		assert_int_equal(sscanf(line, "event type=%*s seq=%llu", &seq), 1);
		assert_true(seq > last);
		last = seq;
		if (sscanf(line, "event type=dropped seq=%*u time=%*s dropped=%llu", &d) == 1)
			dropped += d;
		else {
			assert_non_null(strstr(line, "event type=link "));
			got++;
		}
	}
	print_message("watch: %zu bytes read of about %d sent, %llu events, %llu counted as dropped\n", len, N * 300,
	    got, dropped);
	assert_true(dropped > 0);
	/* every link event is accounted for: received or counted as dropped */
	assert_int_equal(got + dropped, (unsigned long long)N);
	/* and the watcher goes on */
	{
		struct ls_event ev = { .type = EVENT_LINK };

		snprintf(ev.board, sizeof ev.board, "after");
		event_bus_emit(bus, &ev);
		assert_true(loop_for(base, w, "board=after ", buf, sizeof buf));
	}
	close(w);
	for (int i = 0; i < 10; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	control_server_free(f->srv);
	f->srv = NULL;
	event_bus_free(bus);
	event_base_free(base);
}

static void
drop_cap(const char *dir, const char *name, const char *ident)
{
	char tmp[256], dst[256];
	FILE *fp;

	snprintf(tmp, sizeof tmp, "%s/.%s", dir, name);
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	fp = fopen(tmp, "w");
	assert_non_null(fp);
	fprintf(fp, "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>%s</identifier>"
	    "<sender>s@x</sender><sent>2026-01-01T00:00:00+00:00</sent><status>Actual</status>"
	    "<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
	    "<event>Storm</event><urgency>Expected</urgency><severity>Severe</severity>"
	    "<certainty>Likely</certainty></info></alert>", ident);
	fclose(fp);
	assert_int_equal(rename(tmp, dst), 0);
}

/* Loop until the alert is stored or about two seconds pass. */
static int
loop_until(struct fx *f, struct event_base *base, const char *id)
{
	for (int i = 0; i < 2000; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (alert_store_find(f->store, id) != NULL)
			return 1;
		usleep(1000);
	}
	return 0;
}

static void
test_cap_dir_watch_and_reload(void **state)
{
	struct fx *f = *state;
	struct event_base *base = event_base_new();
	struct ls_config cfg2;
	char a[160], b[160], err[256];

	snprintf(a, sizeof a, "%s/capa", f->dir);
	snprintf(b, sizeof b, "%s/capb", f->dir);
	f->cfg.cap_dir = a;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	assert_int_equal(control_server_attach(f->srv, base, err, sizeof err), 0);
	drop_cap(a, "one.xml", "W1");
	assert_true(loop_until(f, base, "cap-W1"));
	assert_int_equal(f->changed, 1);

	/* a reload moves the watch to the new directory */
	cfg2 = f->cfg;
	cfg2.cap_dir = b;
	assert_int_equal(control_server_set_config(f->srv, &cfg2, err, sizeof err), 0);
	drop_cap(b, "two.xml", "W2");
	assert_true(loop_until(f, base, "cap-W2"));
	drop_cap(a, "three.xml", "W3");
	assert_false(loop_until(f, base, "cap-W3"));
	f->cfg.cap_dir = NULL;
	assert_int_equal(control_server_set_config(f->srv, &f->cfg, err, sizeof err), 0);
	control_server_free(f->srv);   /* events first, then the base */
	f->srv = NULL;
	event_base_free(base);
}

/* Issue 13 item 14: a store full of info alerts refuses one more with its
 * own code (full, not io), and still takes an emergency. */
static void
test_full_of_info(void **state)
{
	struct fx *f = *state;
	const char *a;
	char line[128];

	for (int i = 0; i < ALERT_CAP_INFO; i++) {
		snprintf(line, sizeof line, "ledsign-control/1 alert text=x level=info id=i%d", i);
		a = ask(f, line);
		assert_memory_equal(a, "ok id=", 6);
	}
	a = ask(f, "ledsign-control/1 alert text=x level=info id=one-more");
	assert_memory_equal(a, "error code=full message=", 24);
	assert_non_null(strstr(a, "level%20info%20or%20lower"));
	a = ask(f, "ledsign-control/1 alert text=EVACUATE level=emergency id=evac");
	assert_string_equal(a, "ok id=evac\n");
	a = ask(f, "ledsign-control/1 clear all=1");
	assert_non_null(strstr(a, "ok cleared=513"));
}

/* A staff file the console cannot take whole is an error naming it, not a
 * shorter or empty text: one over LS_STAFF_MAX was cut at the limit (and a
 * save would have written the cut text back), a directory read as empty. */
static void
test_staff_unreadable(void **state)
{
	struct fx *f = *state;
	char mainp[128], staffp[128], want[256];
	const char *a;
	FILE *fp;

	snprintf(mainp, sizeof mainp, "%s/m.cfg", f->dir);
	snprintf(staffp, sizeof staffp, "%s/m.staff.cfg", f->dir);
	assert_non_null(fp = fopen(mainp, "w"));
	fputs("@include \"m.staff.cfg\"\n", fp);
	fclose(fp);
	assert_non_null(fp = fopen(staffp, "w"));
	fputs("content = ( );\n", fp);
	for (size_t n = 0; n < LS_STAFF_MAX; n += 8)
		fputs("#ABCDEF\n", fp);
	fclose(fp);
	f->cfg.path = mainp;
	f->cfg.state_dir = f->dir;
	a = ask(f, "ledsign-control/1 staff v=1");
	snprintf(want, sizeof want, "error code=io message=%s%%20is%%20larger%%20than%%20%d%%20bytes", staffp, LS_STAFF_MAX);
	assert_string_equal(strtok((char *)a, "\n"), want);
	unlink(staffp);
	assert_int_equal(mkdir(staffp, 0700), 0);
	a = ask(f, "ledsign-control/1 staff v=1");
	snprintf(want, sizeof want, "error code=io message=%s:%%20Is%%20a%%20directory", staffp);
	assert_memory_equal(a, want, strlen(want));
	rmdir(staffp);
	/* missing: an empty staff file, as before */
	a = ask(f, "ledsign-control/1 staff v=1");
	assert_memory_equal(a, "staff text=\n", 12);
	unlink(mainp);
	f->cfg.path = f->cfg.state_dir = NULL;
}

/* An argument a staff verb has no use for is not kept: data= (a poster's
 * base64, meant for staff-poster) sent with any other staff verb was
 * copied and never freed, up to a line's worth on every request, so a
 * viewer asking "staff" over and over could use up the daemon's memory. */
static void
test_staff_args_not_kept(void **state)
{
	static const char *const verbs[] = { "staff", "staff-versions", "staff-version id=1", "staff-restore id=1",
		"staff-adopt", "staff-save" };
	struct fx *f = *state;
	size_t big = 48 * 1024, cap = big + 128;
	char *line = malloc(cap);
	struct mallinfo2 m0, m1;
	const char *a;

	assert_non_null(line);
	/* once each first, so that what the first request sets up is not counted */
	for (int round = 0; round < 9; round++) {
		if (round == 1)
			m0 = mallinfo2();
		for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++) {
			int n = snprintf(line, cap, "ledsign-control/1 %s v=1 data=", verbs[v]);
			memset(line + n, 'A', big);
			line[n + big] = '\0';
			a = ask(f, line);
			assert_memory_equal(a, "error code=", 11);
		}
	}
	m1 = mallinfo2();
	/* 8 rounds of 6 requests each kept 48 KiB before: 2.3 MiB */
	assert_true(m1.uordblks + m1.hblkhd < m0.uordblks + m0.hblkhd + 512 * 1024);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_no_sigpipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_dir_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_dir_watch_and_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_of_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_args_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_unreadable, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	log_set_sink(on_log, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
