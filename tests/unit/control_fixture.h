/* Asking the control server in the unit tests without a socket: the
 * answer to one request line (control_handle_line, or _as a peer with a
 * uid and role), copied into a static buffer that the next call
 * overwrites.  Include once per test file, after cmocka.h and
 * daemon/control.h. */
#ifndef LEDSIGN_TEST_CONTROL_FIXTURE_H
#define LEDSIGN_TEST_CONTROL_FIXTURE_H

static inline const char *
ctl_keep(char *a, size_t len)
{
	static char out[4 << 20];   /* a staff text (LS_STAFF_MAX), percent-encoded */

	assert_non_null(a);
	assert_true(len < sizeof out);
	memcpy(out, a, len + 1);
	free(a);
	return out;
}

static inline const char *
ctl_ask(struct control_server *srv, const char *line)
{
	size_t len;
	char *a = control_handle_line(srv, line, time(NULL), &len);

	return ctl_keep(a, len);
}

static inline const char *
ctl_ask_as(struct control_server *srv, uid_t uid, enum control_role role, const char *line)
{
	size_t len;
	char *a = control_handle_line_as(srv, line, time(NULL), uid, role, &len);

	return ctl_keep(a, len);
}

#endif
