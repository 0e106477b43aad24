/*
 * capchild.c — the CAP parser process (capchild.h).
 *
 * One document at a time.  capchild_parse writes a request and waits for
 * the reply (bounded by CAPCHILD_TIMEOUT_MS), for tests and tools; the
 * daemon attaches the child to its event loop (capchild_attach) and gets
 * each reply as an event, so a document that hangs the parser costs that
 * document, not 2 s of every board.  The child is the only place libxml2
 * runs in the daemon.
 */
#include "daemon/capchild.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "alert/cap_wire.h"
#include "util/diag.h"

/* The child's socket, moved here so everything above it can be closed. */
#define CHILD_FD 3

struct capchild {
	pid_t pid;
	int   fd;
	int   reaped;
	int   wstatus;
	/* attached to a loop (capchild_attach) */
	struct bufferevent *bev;
	struct event *timer;          /* CAPCHILD_TIMEOUT_MS for the document out */
	capchild_reply_fn fn;
	void *arg;
	int   busy;                   /* a document is out */
	char  name[CAP_WIRE_NAME_MAX + 1];   /* ... and its name, for the error */
};

pid_t capchild_pid(const struct capchild *c) { return c ? c->pid : -1; }
int   capchild_fd(const struct capchild *c) { return c ? c->fd : -1; }

void
capchild_status_text(int st, char *buf, size_t len)
{
	if (st == -1)
		snprintf(buf, len, "not reaped");
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, len, "wait status %#x", (unsigned)st);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Move n bytes over a non-blocking fd before `deadline` (mono_ms); in the
 * child (deadline < 0) the fd blocks and there is no deadline.  0, or -1
 * with err: "closed", "timed out" or the errno text. */
static int
xfer(int fd, void *buf, size_t n, int writing, long long deadline, char *err, size_t errlen)
{
	uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = writing ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);

		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == 0) {
			ls_errf(err, errlen, "closed");
			return -1;
		}
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && deadline >= 0) {
			struct pollfd pf = { fd, writing ? POLLOUT : POLLIN, 0 };
			long long left = deadline - mono_ms();

			if (left <= 0 || (poll(&pf, 1, (int)left) == 0)) {
				ls_errf(err, errlen, "timed out");
				return -1;
			}
			continue;
		}
		ls_errf(err, errlen, "%s", errno == EPIPE || errno == ECONNRESET ? "closed" : strerror(errno));
		return -1;
	}
	return 0;
}

/* Send one reply from the child; 0 or -1 (the parent is gone). */
static int
child_reply(int rc, const struct cap_result *r, const char *err)
{
	static const struct cap_result none;
	uint8_t small[2048], *buf = small;
	ssize_t n;
	char e[64];
	int ret;

	if (r == NULL)
		r = &none;
	n = cap_wire_encode_reply(rc, r, err, small, sizeof small);
	if (n < 0) {
		/* a field over its limit: say so instead of dropping the answer */
		n = cap_wire_encode_reply(-1, &none, "the parsed alert is larger than the daemon takes", small,
		    sizeof small);
	} else if ((size_t)n > sizeof small) {
		if ((buf = malloc((size_t)n)) == NULL)
			return -1;
		cap_wire_encode_reply(rc, r, err, buf, (size_t)n);
	}
	ret = xfer(CHILD_FD, buf, (size_t)n, 1, -1, e, sizeof e);
	if (buf != small)
		free(buf);
	return ret;
}

/* Character sets a CAP feed may declare besides UTF-8/16 and Latin-1
 * (which libxml2 converts itself).  glibc loads a converter module from
 * disk the first time one is used; the child loads these before it gives
 * up opening files, and keeps them loaded by holding one converter each.
 * (Debian's libxml2 falls back on ICU, whose tables need no file, so there
 * this is belt and braces; a libxml2 built without ICU needs it.) */
static const char *const warm_charsets[] = {
	"GB18030", "GBK", "GB2312", "BIG5", "BIG5-HKSCS", "SHIFT_JIS", "EUC-JP", "EUC-KR",
	"ISO-8859-15", "WINDOWS-1252",
};

static void
warm_iconv(void)
{
	for (size_t i = 0; i < sizeof warm_charsets / sizeof warm_charsets[0]; i++) {
		/* both directions, as libxml2 opens them; never closed on purpose */
		(void)iconv_open("UTF-8", warm_charsets[i]);
		(void)iconv_open(warm_charsets[i], "UTF-8");
	}
}

/* Everything the child does before its first document. */
static int
child_setup(int fd, const struct priv_user *u, pid_t parent, char *err, size_t errlen)
{
	struct rlimit zero = { 0, 0 }, fds = { CHILD_FD + 1, CHILD_FD + 1 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE };

	/* the daemon's handlers write to the daemon's loop, which is not ours */
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], sigs[i] == SIGPIPE ? SIG_IGN : SIG_DFL);
	if (fd != CHILD_FD && dup2(fd, CHILD_FD) < 0) {
		ls_errf(err, errlen, "dup2: %s", strerror(errno));
		return -1;
	}
	/* no board link, no alert store, no control socket: only our socket
	 * and stdin/out/err (/dev/null once detached; sanitizers report there) */
	if (close_range(CHILD_FD + 1, ~0U, 0) < 0)
		for (int i = CHILD_FD + 1; i < 65536; i++)
			close(i);
	if (chdir("/") < 0) {
		ls_errf(err, errlen, "chdir /: %s", strerror(errno));
		return -1;
	}
	if (geteuid() == 0 && priv_drop(u, err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		ls_errf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* set after the drop, which clears it: the child does not outlive the daemon */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent) {
		ls_errf(err, errlen, "the daemon is gone");
		return -1;
	}
	/* no processes, no file writes and no new descriptors (no file, device
	 * or socket can be opened): parsing from memory needs none of them */
	warm_iconv();
	if (setrlimit(RLIMIT_NPROC, &zero) < 0 || setrlimit(RLIMIT_FSIZE, &zero) < 0 ||
	    setrlimit(RLIMIT_CORE, &zero) < 0 || setrlimit(RLIMIT_NOFILE, &fds) < 0) {
		ls_errf(err, errlen, "setrlimit: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void __attribute__((noreturn))
child_main(int fd, const struct ls_config *cfg, const struct priv_user *u, pid_t parent)
{
	char err[1024] = "";

	if (child_setup(fd, u, parent, err, sizeof err) < 0) {
		child_reply(-1, NULL, err[0] ? err : "setup failed");
		_exit(3);
	}
	if (child_reply(-1, NULL, "") < 0)   /* ready */
		_exit(0);
	for (;;) {
		uint8_t hdr[CAP_WIRE_REQ_HDR];
		char name[CAP_WIRE_NAME_MAX + 1], *doc;
		size_t namelen, doclen;
		long long now;
		struct cap_result r;
		int rc;

		if (xfer(CHILD_FD, hdr, sizeof hdr, 0, -1, err, sizeof err) < 0)
			_exit(0);          /* the daemon closed its end */
		if (cap_wire_decode_request(hdr, &namelen, &doclen, &now, err, sizeof err) < 0)
			_exit(2);
		if (xfer(CHILD_FD, name, namelen, 0, -1, err, sizeof err) < 0)
			_exit(2);
		name[namelen] = '\0';
		if ((doc = malloc(doclen + 1)) == NULL)
			_exit(4);
		if (xfer(CHILD_FD, doc, doclen, 0, -1, err, sizeof err) < 0)
			_exit(2);
		doc[doclen] = '\0';
		rc = cap_parse(doc, doclen, name, cfg, now, &r, err, sizeof err);
		free(doc);
		if (child_reply(rc, rc == 0 ? &r : NULL, err) < 0)
			_exit(0);
		if (rc == 0)
			cap_result_clear(&r);
	}
}

/* Kill and reap the child once; keeps its wait status. */
static void
reap(struct capchild *c)
{
	int st;

	if (c->reaped)
		return;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = -1;
			break;
		}
	}
	c->reaped = 1;
	c->wstatus = st;
}

/* Read one reply: 0 (decoded into out, rc and perr), -1 + err when the child
 * is gone or said something malformed. */
static int
read_reply(struct capchild *c, long long deadline, struct cap_result *out, int *rc, char *perr, size_t perrlen,
    char *err, size_t errlen)
{
	uint8_t hdr[CAP_WIRE_REPLY_HDR], *body;
	size_t len;
	int r;

	if (xfer(c->fd, hdr, sizeof hdr, 0, deadline, err, errlen) < 0 ||
	    cap_wire_reply_len(hdr, &len, err, errlen) < 0)
		return -1;
	if ((body = malloc(len ? len : 1)) == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	r = xfer(c->fd, body, len, 0, deadline, err, errlen);
	if (r == 0)
		r = cap_wire_decode_reply(body, len, out, rc, perr, perrlen, err, errlen);
	free(body);
	return r;
}

struct capchild *
capchild_new(const struct ls_config *cfg, const struct priv_user *user, char *err, size_t errlen)
{
	struct capchild *c = calloc(1, sizeof *c);
	struct priv_user u;
	struct cap_result none;
	char perr[512], why[256];
	int sv[2] = { -1, -1 }, rc;
	pid_t parent = getpid();

	if (c == NULL) {
		ls_errf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->reaped = 1;
	memset(&u, 0, sizeof u);
	if (geteuid() == 0) {
		/* the child needs no device and no file: no supplementary groups */
		if (user)
			u = *user;
		else if (priv_user_lookup("nobody", 0, &u, err, errlen) < 0)
			goto fail;
		u.ngroups = 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		ls_errf(err, errlen, "socketpair: %s", strerror(errno));
		goto fail;
	}
	c->pid = fork();
	if (c->pid < 0) {
		ls_errf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (c->pid == 0) {
		close(sv[0]);
		child_main(sv[1], cfg, &u, parent);
	}
	c->reaped = 0;
	close(sv[1]);
	sv[1] = -1;
	c->fd = sv[0];
	sv[0] = -1;
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) < 0) {
		ls_errf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	/* the first reply says the child is ready (an empty error) or why not */
	if (read_reply(c, mono_ms() + CAPCHILD_TIMEOUT_MS, &none, &rc, perr, sizeof perr, why, sizeof why) < 0) {
		reap(c);
		capchild_status_text(c->wstatus, perr, sizeof perr);
		ls_errf(err, errlen, "CAP parser process did not start (%s; %s)", why, perr);
		goto fail;
	}
	if (rc == 0 || perr[0]) {
		if (rc == 0)
			cap_result_clear(&none);
		ls_errf(err, errlen, "CAP parser process did not start: %s", rc == 0 ? "unexpected reply" : perr);
		goto fail;
	}
	return c;
fail:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	capchild_free(c, NULL);
	return NULL;
}

void
capchild_free(struct capchild *c, int *status)
{
	if (c == NULL)
		return;
	if (c->bev != NULL)
		bufferevent_free(c->bev);   /* safe from its own callbacks */
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	if (c->pid > 0)
		reap(c);
	if (status)
		*status = c->wstatus;
	free(c);
}

int
capchild_parse(struct capchild *c, const char *doc, size_t len, const char *name, long long now,
    struct cap_result *out, char *err, size_t errlen)
{
	uint8_t hdr[CAP_WIRE_REQ_HDR];
	size_t namelen;
	long long deadline = mono_ms() + CAPCHILD_TIMEOUT_MS;
	char why[256], st[96];
	int rc;

	memset(out, 0, sizeof *out);
	if (c->reaped) {
		ls_errf(err, errlen, "%s: the CAP parser process is not running", name);
		return CAPCHILD_DIED;
	}
	if (cap_wire_encode_request(hdr, name, &namelen, len, now) < 0) {
		ls_errf(err, errlen, "%s: larger than %d bytes; not parsed", name, CAP_DOC_MAX);
		return -1;
	}
	if (xfer(c->fd, hdr, sizeof hdr, 1, deadline, why, sizeof why) < 0 ||
	    xfer(c->fd, (void *)name, namelen, 1, deadline, why, sizeof why) < 0 ||
	    xfer(c->fd, (void *)doc, len, 1, deadline, why, sizeof why) < 0 ||
	    read_reply(c, deadline, out, &rc, err, errlen, why, sizeof why) < 0) {
		int timed_out = strcmp(why, "timed out") == 0;

		reap(c);
		capchild_status_text(c->wstatus, st, sizeof st);
		if (timed_out)
			ls_errf(err, errlen, "%s: the CAP parser process (pid %d) did not answer within %d ms and was stopped; "
			    "the document may be crafted to hang it", name, (int)c->pid, CAPCHILD_TIMEOUT_MS);
		else
			ls_errf(err, errlen, "%s: the CAP parser process (pid %d) failed on this document (%s: %s); "
			    "the document may be crafted to crash it", name, (int)c->pid, why, st);
		return CAPCHILD_DIED;
	}
	return rc;
}

/* ---- on an event loop ---- */

int
capchild_busy(const struct capchild *c)
{
	return c != NULL && c->busy;
}

/* The child is finished: kill and reap it and tell fn (last: fn may free c). */
static void
child_lost(struct capchild *c, const char *why, int timed_out)
{
	char err[1024], st[96];
	int sent = c->busy;

	c->busy = 0;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_del(c->timer);
	reap(c);
	capchild_status_text(c->wstatus, st, sizeof st);
	if (!sent)
		snprintf(err, sizeof err, "CAP parser process %d %s (%s)", (int)c->pid, st, why);
	else if (timed_out)
		snprintf(err, sizeof err, "%s: the CAP parser process (pid %d) did not answer within %d ms and was stopped; "
		    "the document may be crafted to hang it", c->name, (int)c->pid, CAPCHILD_TIMEOUT_MS);
	else
		snprintf(err, sizeof err, "%s: the CAP parser process (pid %d) failed on this document (%s: %s); "
		    "the document may be crafted to crash it", c->name, (int)c->pid, why, st);
	c->fn(c->arg, CAPCHILD_DIED, NULL, err, sent);
}

static void
child_read_cb(struct bufferevent *bev, void *arg)
{
	struct capchild *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[CAP_WIRE_REPLY_HDR], *msg;
	struct cap_result out;
	char why[256], perr[CAP_WIRE_ERR_MAX + 1];
	size_t len;
	int rc;

	if (!c->busy) {
		child_lost(c, "it wrote while no document was out", 0);
		return;
	}
	if (evbuffer_get_length(in) < sizeof hdr)
		return;
	evbuffer_copyout(in, hdr, sizeof hdr);
	if (cap_wire_reply_len(hdr, &len, why, sizeof why) < 0) {
		child_lost(c, why, 0);
		return;
	}
	if (evbuffer_get_length(in) < sizeof hdr + len)
		return;               /* the rest of the reply is still coming */
	if ((msg = evbuffer_pullup(in, (ev_ssize_t)(sizeof hdr + len))) == NULL) {
		child_lost(c, "out of memory", 0);
		return;
	}
	if (cap_wire_decode_reply(msg + sizeof hdr, len, &out, &rc, perr, sizeof perr, why, sizeof why) < 0) {
		child_lost(c, why, 0);
		return;
	}
	evbuffer_drain(in, sizeof hdr + len);
	if (evbuffer_get_length(in) > 0) {
		if (rc == 0)
			cap_result_clear(&out);
		child_lost(c, "it wrote more than one reply", 0);
		return;
	}
	c->busy = 0;
	event_del(c->timer);
	c->fn(c->arg, rc, rc == 0 ? &out : NULL, perr, 1);
}

static void
child_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct capchild *c = arg;

	(void)bev;
	child_lost(c, (what & BEV_EVENT_EOF) ? "closed" : strerror(EVUTIL_SOCKET_ERROR()), 0);
}

static void
child_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	child_lost(arg, "timed out", 1);
}

int
capchild_attach(struct capchild *c, struct event_base *base, capchild_reply_fn fn, void *arg, char *err,
    size_t errlen)
{
	if (c->bev != NULL) {
		ls_errf(err, errlen, "the CAP parser process is already attached");
		return -1;
	}
	c->bev = bufferevent_socket_new(base, c->fd, 0);
	c->timer = evtimer_new(base, child_timeout_cb, c);
	if (c->bev == NULL || c->timer == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		if (c->timer != NULL)
			event_free(c->timer);
		c->bev = NULL;
		c->timer = NULL;
		ls_errf(err, errlen, "cannot watch the CAP parser process: out of memory");
		return -1;
	}
	c->fn = fn;
	c->arg = arg;
	bufferevent_setcb(c->bev, child_read_cb, NULL, child_event_cb, c);
	/* readable while idle only when the child is gone */
	bufferevent_enable(c->bev, EV_READ);
	return 0;
}

int
capchild_send(struct capchild *c, const char *doc, size_t len, const char *name, long long now, char *err,
    size_t errlen)
{
	uint8_t hdr[CAP_WIRE_REQ_HDR];
	struct evbuffer *out;
	struct timeval tv = { CAPCHILD_TIMEOUT_MS / 1000, (CAPCHILD_TIMEOUT_MS % 1000) * 1000 };
	size_t namelen;

	if (c->bev == NULL || c->busy || c->reaped) {
		ls_errf(err, errlen, "%s: the CAP parser process is %s", name,
		    c->reaped ? "not running" : c->busy ? "busy" : "not attached");
		return -1;
	}
	if (cap_wire_encode_request(hdr, name, &namelen, len, now) < 0) {
		ls_errf(err, errlen, "%s: larger than %d bytes; not parsed", name, CAP_DOC_MAX);
		return -1;
	}
	out = bufferevent_get_output(c->bev);
	if (evbuffer_add(out, hdr, sizeof hdr) < 0 || evbuffer_add(out, name, namelen) < 0 ||
	    evbuffer_add(out, doc, len) < 0) {
		evbuffer_drain(out, evbuffer_get_length(out));
		ls_errf(err, errlen, "%s: out of memory; not parsed", name);
		return -1;
	}
	memcpy(c->name, name, namelen);
	c->name[namelen] = '\0';
	c->busy = 1;
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	event_add(c->timer, &tv);
	return 0;
}
