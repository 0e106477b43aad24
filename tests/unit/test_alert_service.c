/* Unit tests for src/alert_service.c: alerts over the socket reach the
 * chooser, expire on time, and come back after a restart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "alert_service.h"
#include "control.h"

static int changed;

static void
on_changed(void *arg)
{
	changed++;
}

static const struct alert_service_ops ops = { on_changed, NULL, NULL, NULL };

/* Run one client request in a child while the loop runs here. */
static int
client(struct event_base *base, const char *sock, const char *req, char *final, size_t cap)
{
	int pfd[2], status, rc;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	if (pid == 0) {
		char f[512] = "", err[256] = "";
		rc = control_request(sock, req, 3000, NULL, NULL, f, sizeof f, err, sizeof err);
		dprintf(pfd[1], "%d %s%s", rc, f, err);
		_exit(0);
	}
	close(pfd[1]);
	for (int i = 0; i < 5000 && waitpid(pid, &status, WNOHANG) != pid; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	memset(final, 0, cap);
	assert_true(read(pfd[0], final, cap - 1) > 0);
	close(pfd[0]);
	rc = atoi(final);
	memmove(final, strchr(final, ' ') + 1, strlen(strchr(final, ' ')));
	return rc;
}

static void
test_service(void **state)
{
	char dir[] = "/tmp/ledsign-test-svc.XXXXXX", sock[128], sdir[128], err[256], final[512], cmd[160];
	char *g_north[] = { "north" }, *g_south[] = { "south" };
	struct ls_board boards[2] = {
		{ .name = "hall", .width = 64, .height = 16, .format = LS_FMT_RGB888, .brightness = 50,
		  .groups = { g_north, 1 } },
		{ .name = "gate", .width = 64, .height = 16, .format = LS_FMT_MONO, .brightness = 50,
		  .groups = { g_south, 1 } },
	};
	struct ls_config cfg = { 0 };
	struct event_base *base = event_base_new();
	struct alert_service *s;
	const struct ls_content *c;
	const char *id;
	int bright;
	double since;

	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof sock, "%s/control.sock", dir);
	snprintf(sdir, sizeof sdir, "%s/state", dir);
	cfg.control_socket = sock;
	cfg.state_dir = sdir;
	cfg.boards = boards;
	cfg.nboards = 2;

	s = alert_service_new(&cfg, base, &ops, NULL, err, sizeof err);
	if (s == NULL)
		fail_msg("%s", err);
	assert_null(alert_service_content(s, &boards[0], time(NULL), NULL, NULL, NULL));

	assert_int_equal(client(base, sock, "alert text=Evacuate id=ev groups=north", final, sizeof final), 0);
	assert_string_equal(final, "ok id=ev");
	assert_int_equal(changed, 1);
	c = alert_service_content(s, &boards[0], time(NULL), &bright, &since, &id);
	assert_non_null(c);
	assert_string_equal(c->text, "Evacuate");
	assert_int_equal(c->effect, LS_FX_FLASH);
	assert_int_equal(bright, 100);
	assert_string_equal(id, "ev");
	assert_true(since <= time(NULL) && since > time(NULL) - 5);
	/* the same pointer while nothing changes */
	assert_ptr_equal(c, alert_service_content(s, &boards[0], time(NULL), NULL, NULL, NULL));
	assert_null(alert_service_content(s, &boards[1], time(NULL), NULL, NULL, NULL));

	/* one that expires in a second or two: the timer re-chooses by itself */
	snprintf(cmd, sizeof cmd, "alert text=Soon id=soon level=info expires=%lld", (long long)time(NULL) + 2);
	assert_int_equal(client(base, sock, cmd, final, sizeof final), 0);
	assert_int_equal(changed, 2);
	assert_non_null(alert_service_content(s, &boards[1], time(NULL), NULL, NULL, NULL));
	{
		struct timeval tv = { 3, 0 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	assert_int_equal(changed, 3);
	assert_null(alert_service_content(s, &boards[1], time(NULL), NULL, NULL, NULL));
	assert_null(alert_store_find(alert_service_store(s), "soon"));

	/* "crash" and restart: the emergency is back at once */
	alert_service_free(s);
	s = alert_service_new(&cfg, base, &ops, NULL, err, sizeof err);
	assert_non_null(s);
	c = alert_service_content(s, &boards[0], time(NULL), NULL, NULL, &id);
	assert_non_null(c);
	assert_string_equal(id, "ev");

	assert_int_equal(client(base, sock, "clear all=1", final, sizeof final), 0);
	assert_null(alert_service_content(s, &boards[0], time(NULL), NULL, NULL, NULL));
	alert_service_free(s);
	event_base_free(base);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
