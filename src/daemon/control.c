/*
 * control.c — the control socket server and client, and the watched CAP
 * directory.  See control.h; the protocol is in docs/alerts.md.
 */
#include "util/diag.h"
#include "daemon/control.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "alert/cap.h"
#include "util/kv.h"

struct control_conn {
	struct control_server *srv;
	int    fd;
	uid_t  uid;
	char  *in;
	size_t inlen, incap;
	char  *out;
	size_t outlen, outoff, outcap;
	int    closing;               /* finish sending, then close */
	struct event *rev, *wev;      /* only with control_server_attach */
	struct control_conn *next;
};

struct control_server {
	char  *path;
	int    fd;
	const struct ls_config *cfg;
	struct alert_store *store;
	struct control_ops ops;
	void  *arg;
	uid_t *uids;  size_t nuids;
	gid_t *gids;  size_t ngids;
	struct control_conn *conns;
	size_t nconns;
	struct event_base *base;
	struct event *lev, *capev, *captimer;
	struct event *capsettle;   /* looks again at files waiting to settle */
	int    inotify_fd;
	char  *watched;            /* the cap_dir the events above are for */
	struct cap_pending *pending;   /* cap_dir files that did not parse, not yet settled */
	size_t npending;
	int    idle_ms;            /* a connection silent this long is closed */
};

/* A growing output buffer. */
struct obuf {
	char  *p;
	size_t len, cap;
	int    oom;
};


static void logf_(struct control_server *, int, const char *, ...) __attribute__((format(printf, 3, 4)));
static void
logf_(struct control_server *s, int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (s->ops.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->ops.log(s->arg, level, buf);
}

static char *handle_line(struct control_server *, const char *, long long, size_t *, uid_t);
static int cap_watch(struct control_server *, char *, size_t);
static void cap_unwatch(struct control_server *);

static long long
srv_now(struct control_server *s)
{
	return s->ops.now ? s->ops.now(s->arg) : (long long)time(NULL);
}

static void
ob_reserve(struct obuf *b, size_t more)
{
	char *np;
	size_t ncap;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + more + 1)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (np == NULL) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = ncap;
}

static void
ob_add(struct obuf *b, const char *s, size_t n)
{
	ob_reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append "WORD k=v k=v\n" from NULL-terminated key/value pairs. */
static void
ob_line(struct obuf *b, const char *word, ...)
{
	va_list ap;
	const char *k, *v;
	char *tmp;
	size_t cap = 64, len;

	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cap += strlen(k) + 2 + 3 * strlen(v ? v : "");
	}
	va_end(ap);
	tmp = malloc(cap);
	if (tmp == NULL) {
		b->oom = 1;
		return;
	}
	len = strlen(word);
	memcpy(tmp, word, len + 1);
	va_start(ap, word);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		kv_put(tmp, cap, &len, k, v ? v : "");
	}
	va_end(ap);
	ob_add(b, tmp, len);
	ob_add(b, "\n", 1);
	free(tmp);
}

static void
ob_error(struct obuf *b, const char *code, const char *message)
{
	ob_line(b, "error", "code", code, "message", message, (const char *)NULL);
}

/* ---- access lists ---- */

/* Names that do not resolve are logged and skipped, never fatal: a typo in
 * control_users must not take the control socket away from root in an
 * emergency.  -1 only when out of memory. */
static int
resolve_acl(struct control_server *s, const struct ls_config *cfg, uid_t **uids_out, size_t *nuids,
    gid_t **gids_out, size_t *ngids, char *err, size_t errlen)
{
	const struct ls_strlist *users = cfg ? &cfg->control_users : NULL;
	const struct ls_strlist *groups = cfg ? &cfg->control_groups : NULL;
	size_t nu = users ? users->n : 0, ng = groups ? groups->n : 0, cap_u = nu + 16;
	uid_t *uids = calloc(cap_u, sizeof *uids);
	gid_t *gids = calloc(ng + 1, sizeof *gids);
	size_t iu = 0, ig = 0;

	if (uids == NULL || gids == NULL)
		goto oom;
	for (size_t i = 0; i < nu; i++) {
		const char *name = users->v[i];
		struct passwd *pw = getpwnam(name);
		char *end;
		unsigned long v;

		if (pw != NULL) {
			uids[iu++] = pw->pw_uid;
			continue;
		}
		errno = 0;
		v = strtoul(name, &end, 10);
		if (*name == '\0' || *end != '\0' || errno != 0) {
			logf_(s, 1, "control_users: no such user \"%s\"; ignored", name);
			continue;
		}
		uids[iu++] = (uid_t)v;
	}
	for (size_t i = 0; i < ng; i++) {
		const char *name = groups->v[i];
		struct group *gr = getgrnam(name);
		char *end;
		unsigned long v;

		if (gr == NULL) {
			errno = 0;
			v = strtoul(name, &end, 10);
			if (*name == '\0' || *end != '\0' || errno != 0) {
				logf_(s, 1, "control_groups: no such group \"%s\"; ignored", name);
				continue;
			}
			gids[ig++] = (gid_t)v;
			gr = getgrgid((gid_t)v);
			if (gr == NULL)
				continue;
		} else {
			gids[ig++] = gr->gr_gid;
		}
		/* Supplementary members: their peer credentials show only their primary group. */
		for (char **m = gr->gr_mem; m && *m; m++) {
			struct passwd *pw = getpwnam(*m);
			if (pw == NULL)
				continue;
			if (iu == cap_u) {
				uid_t *nv = realloc(uids, (cap_u *= 2) * sizeof *uids);
				if (nv == NULL)
					goto oom;
				uids = nv;
			}
			uids[iu++] = pw->pw_uid;
		}
	}
	*uids_out = uids;
	*nuids = iu;
	*gids_out = gids;
	*ngids = ig;
	return 0;
oom:
	ls_errf(err, errlen, "out of memory");
	free(uids);
	free(gids);
	return -1;
}

static int
peer_allowed(const struct control_server *s, uid_t uid, gid_t gid)
{
	if (uid == 0 || uid == geteuid())
		return 1;
	for (size_t i = 0; i < s->nuids; i++)
		if (s->uids[i] == uid)
			return 1;
	for (size_t i = 0; i < s->ngids; i++)
		if (s->gids[i] == gid)
			return 1;
	return 0;
}

int
control_server_set_config(struct control_server *s, const struct ls_config *cfg, char *err, size_t errlen)
{
	uid_t *uids;
	gid_t *gids;
	size_t nu, ng;

	/* the old config is about to be freed by the caller: never keep pointing at it */
	s->cfg = cfg;
	if (cap_watch(s, err, errlen) < 0)
		logf_(s, 1, "%s", err);
	if (resolve_acl(s, cfg, &uids, &nu, &gids, &ng, err, errlen) < 0)
		return -1;
	free(s->uids);
	free(s->gids);
	s->uids = uids;
	s->nuids = nu;
	s->gids = gids;
	s->ngids = ng;
	if (s->path != NULL && ng > 0 && chown(s->path, (uid_t)-1, gids[0]) < 0)
		logf_(s, 1, "%s: cannot give the socket to group %u: %s", s->path, (unsigned)gids[0], strerror(errno));
	return 0;
}

/* ---- server ---- */

static int
mkparent(const char *path)
{
	char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

struct control_server *
control_server_new(const char *path, const struct ls_config *cfg, struct alert_store *store,
    const struct control_ops *ops, void *arg, char *err, size_t errlen)
{
	struct control_server *s;
	struct sockaddr_un sa;
	mode_t old;
	int probe;

	if (strlen(path) >= sizeof sa.sun_path) {
		ls_errf(err, errlen, "%s: control socket path too long (at most %zu bytes)", path, sizeof sa.sun_path - 1);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		ls_errf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->inotify_fd = -1;
	s->idle_ms = CONTROL_IDLE_MS;
	s->store = store;
	s->arg = arg;
	if (ops != NULL)
		s->ops = *ops;
	if (control_server_set_config(s, cfg, err, errlen) < 0)
		goto fail;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (mkparent(path) < 0) {
		ls_errf(err, errlen, "%s: cannot create the socket's directory: %s", path, strerror(errno));
		goto fail;
	}
	/* Someone answering there already?  Then do not steal the socket. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(probe);
			ls_errf(err, errlen, "%s: another ledsign daemon is listening there; stop it first", path);
			goto fail;
		}
		close(probe);
	}
	{
		struct stat st;
		if (lstat(path, &st) == 0) {
			if (!S_ISSOCK(st.st_mode)) {
				ls_errf(err, errlen, "%s: exists and is not a socket; remove it or choose control_socket", path);
				goto fail;
			}
			unlink(path);
		}
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ls_errf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	/* umask around bind, so the socket is never, even for a moment, open to all */
	old = umask(0117);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		umask(old);
		ls_errf(err, errlen, "%s: cannot bind: %s", path, strerror(errno));
		goto fail;
	}
	umask(old);
	if ((s->path = strdup(path)) == NULL) {
		unlink(path);
		ls_errf(err, errlen, "out of memory");
		goto fail;
	}
	if (chmod(path, 0660) < 0 || listen(s->fd, 64) < 0) {
		ls_errf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (s->ngids > 0 && chown(path, (uid_t)-1, s->gids[0]) < 0)
		logf_(s, 1, "%s: cannot give the socket to group %u: %s", path, (unsigned)s->gids[0], strerror(errno));
	return s;
fail:
	control_server_free(s);
	return NULL;
}

void
control_server_free(struct control_server *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		control_conn_free(s->conns);
	if (s->lev != NULL)
		event_free(s->lev);
	cap_unwatch(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
	free(s->uids);
	free(s->gids);
	free(s);
}

void
control_server_set_idle(struct control_server *s, int ms)
{
	s->idle_ms = ms > 0 ? ms : CONTROL_IDLE_MS;
}

int
control_server_fd(const struct control_server *s)
{
	return s->fd;
}

struct control_conn *
control_server_accept(struct control_server *s)
{
	struct control_conn *c;
	struct ucred cr;
	socklen_t len = sizeof cr;
	char msg[160];
	int fd;

	fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
			logf_(s, 1, "%s: accept: %s", s->path, strerror(errno));
		return NULL;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof cr) {
		logf_(s, 1, "%s: cannot read the peer's credentials: %s; refused", s->path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!peer_allowed(s, cr.uid, cr.gid) || s->nconns >= CONTROL_CONN_MAX) {
		struct obuf b = { 0 };
		int denied = !peer_allowed(s, cr.uid, cr.gid);

		if (denied)
			snprintf(msg, sizeof msg, "user %u (pid %d) is not allowed on the control socket; "
			    "add it to control_users or control_groups", (unsigned)cr.uid, (int)cr.pid);
		else
			snprintf(msg, sizeof msg, "too many control connections (%d); try again", CONTROL_CONN_MAX);
		ob_error(&b, denied ? "denied" : "busy", msg);
		/* best effort: a fresh socket buffer always takes one short line */
		if (!b.oom && write(fd, b.p, b.len) < 0)
			(void)0;
		free(b.p);
		close(fd);
		logf_(s, 1, "control: refused: %s", msg);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		close(fd);
		return NULL;
	}
	c->srv = s;
	c->fd = fd;
	c->uid = cr.uid;
	c->next = s->conns;
	s->conns = c;
	s->nconns++;
	return c;
}

int
control_conn_fd(const struct control_conn *c)
{
	return c->fd;
}

int
control_conn_want_write(const struct control_conn *c)
{
	return c->outoff < c->outlen;
}

void
control_conn_free(struct control_conn *c)
{
	struct control_conn **pp;

	if (c == NULL)
		return;
	for (pp = &c->srv->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			c->srv->nconns--;
			break;
		}
	}
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void
conn_queue(struct control_conn *c, const char *p, size_t n)
{
	if (c->outoff > 0 && c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->outlen + n > c->outcap) {
		size_t ncap = c->outcap ? c->outcap : 4096;
		char *np;
		while (ncap < c->outlen + n)
			ncap *= 2;
		np = realloc(c->out, ncap);
		if (np == NULL) {
			c->closing = 1;
			return;
		}
		c->out = np;
		c->outcap = ncap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

int
control_conn_writable(struct control_conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->outoff += (size_t)w;
	}
	return c->closing ? -1 : 0;
}

int
control_conn_readable(struct control_conn *c)
{
	struct control_server *s = c->srv;

	for (;;) {
		ssize_t r;
		char *nl;

		if (c->incap - c->inlen < 4096) {
			size_t ncap = c->incap ? c->incap * 2 : 8192;
			char *np;
			if (ncap > CONTROL_LINE_MAX + 8192)
				ncap = CONTROL_LINE_MAX + 8192;
			if (ncap <= c->incap) {
				struct obuf b = { 0 };
				ob_error(&b, "toolarge", "request line too long; see docs/alerts.md for the limit");
				if (!b.oom)
					conn_queue(c, b.p, b.len);
				free(b.p);
				c->closing = 1;
				return control_conn_writable(c);
			}
			np = realloc(c->in, ncap);
			if (np == NULL)
				return -1;
			c->in = np;
			c->incap = ncap;
		}
		r = recv(c->fd, c->in + c->inlen, c->incap - c->inlen - 1, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		if (r == 0) {
			c->closing = 1;
			break;
		}
		c->inlen += (size_t)r;
		c->in[c->inlen] = '\0';
		/* answer every complete line */
		while ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
			size_t linelen = (size_t)(nl - c->in);
			char *ans;
			size_t anslen;

			*nl = '\0';
			if (linelen > 0 && c->in[linelen - 1] == '\r')
				c->in[linelen - 1] = '\0';
			if (memchr(c->in, '\0', linelen) != NULL) {
				struct obuf b = { 0 };
				ob_error(&b, "usage", "NUL byte in request");
				ans = b.p;
				anslen = b.oom ? 0 : b.len;
			} else {
				ans = handle_line(s, c->in, srv_now(s), &anslen, c->uid);
			}
			if (ans != NULL)
				conn_queue(c, ans, anslen);
			free(ans);
			memmove(c->in, nl + 1, c->inlen - linelen - 1);
			c->inlen -= linelen + 1;
			c->in[c->inlen] = '\0';
		}
	}
	if (c->closing && c->outoff == c->outlen)
		return -1;
	return control_conn_writable(c);
}

/* ---- requests ---- */

static void
req_alert(struct control_server *s, const char *args, long long now, uid_t uid, struct obuf *b)
{
	struct alert a;
	char key[32], err[512], id[ALERT_ID_MAX + 1], *val;
	const char *cur = args;
	long long dur = -1;
	int r, have_start = 0;

	memset(&a, 0, sizeof a);
	a.level = ALERT_EMERGENCY;
	val = malloc(strlen(args) + 1);
	if (val == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	while ((r = kv_next(&cur, key, sizeof key, val, strlen(args) + 1, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0) {
			if (!alert_id_valid(val)) {
				snprintf(err, sizeof err, "bad id \"%.100s\": use 1..%d letters, digits and ._:@- starting with a letter or digit",
				    val, ALERT_ID_MAX);
				goto bad;
			}
			snprintf(a.id, sizeof a.id, "%s", val);
		} else if (strcmp(key, "text") == 0) {
			free(a.text);
			if ((a.text = strdup(val)) == NULL)
				goto oom;
		} else if (strcmp(key, "level") == 0) {
			if (alert_level_parse(val, &a.level) < 0) {
				snprintf(err, sizeof err, "bad level \"%.40s\": use info, warning or emergency", val);
				goto bad;
			}
		} else if (strcmp(key, "boards") == 0 || strcmp(key, "groups") == 0) {
			struct ls_strlist *l = key[0] == 'b' ? &a.boards : &a.groups;
			struct ls_strlist nl;
			if (alert_names_parse(val, &nl, key, err, sizeof err) < 0)
				goto bad;
			ls_strlist_free(l);
			*l = nl;
		} else if (strcmp(key, "start") == 0) {
			if (kv_num(val, &a.start) < 0) {
				snprintf(err, sizeof err, "bad start \"%.40s\": Unix seconds", val);
				goto bad;
			}
			have_start = 1;
		} else if (strcmp(key, "expires") == 0) {
			if (kv_num(val, &a.expires) < 0) {
				snprintf(err, sizeof err, "bad expires \"%.40s\": Unix seconds", val);
				goto bad;
			}
		} else if (strcmp(key, "for") == 0) {
			if (kv_num(val, &dur) < 0 || dur <= 0 || dur > 366LL * 86400) {
				snprintf(err, sizeof err, "bad for \"%.40s\": seconds, 1..31622400", val);
				goto bad;
			}
		} else if (strcmp(key, "source") == 0) {
			free(a.source);
			if ((a.source = strdup(val)) == NULL)
				goto oom;
		} else {
			snprintf(err, sizeof err, "unknown key \"%s\" for alert (id, text, level, boards, groups, start, expires, for, source)", key);
			goto bad;
		}
	}
	if (r < 0)
		goto bad;
	if (!have_start)
		a.start = now;
	if (dur > 0) {
		if (a.expires != 0) {
			snprintf(err, sizeof err, "give either for or expires, not both");
			goto bad;
		}
		a.expires = a.start + dur;
	}
	if (a.expires != 0 && a.expires <= now) {
		snprintf(err, sizeof err, "the alert would already have expired");
		goto bad;
	}
	if (a.source == NULL) {
		char src[48];
		snprintf(src, sizeof src, "control:uid=%u", (unsigned)uid);
		if ((a.source = strdup(src)) == NULL)
			goto oom;
	}
	if (alert_validate(&a, err, sizeof err) < 0)
		goto bad;
	if ((r = alert_store_put(s->store, &a, now, id, err, sizeof err)) < 0) {
		ob_error(b, r == ALERT_STORE_FULL ? "full" : "io", err);
		logf_(s, 1, "control: alert not stored: %s", err);
		goto done;
	}
	logf_(s, 0, "control: alert %s stored (%s, uid %u)", id, alert_level_name(a.level), (unsigned)uid);
	if (s->ops.changed)
		s->ops.changed(s->arg);
	ob_line(b, "ok", "id", id, (const char *)NULL);
	goto done;
oom:
	snprintf(err, sizeof err, "out of memory");
bad:
	ob_error(b, "usage", err);
done:
	free(val);
	alert_clear(&a);
}

static void
req_clear(struct control_server *s, const char *args, long long now, uid_t uid, struct obuf *b)
{
	char key[32], val[ALERT_ID_MAX * 3 + 8], err[512], num[32];
	const char *cur = args;
	int r, all = 0, n, unrec = 0;

	val[0] = '\0';
	char id[ALERT_ID_MAX + 1] = "";
	while ((r = kv_next(&cur, key, sizeof key, val, sizeof val, err, sizeof err)) > 0) {
		if (strcmp(key, "id") == 0 && strlen(val) <= ALERT_ID_MAX)
			snprintf(id, sizeof id, "%s", val);
		else if (strcmp(key, "all") == 0 && strcmp(val, "1") == 0)
			all = 1;
		else {
			snprintf(err, sizeof err, "clear takes id=ID or all=1");
			r = -1;
			break;
		}
	}
	if (r < 0 || (id[0] == '\0') == !all) {
		ob_error(b, "usage", r < 0 ? err : "clear takes id=ID or all=1");
		return;
	}
	/* Off the boards even when state_dir cannot record it: a false alarm
	 * must always come down.  What could not be recorded is said. */
	n = alert_store_withdraw(s->store, all ? NULL : id, &unrec, err, sizeof err);
	if (n == 0 && !all) {
		snprintf(err, sizeof err, "no alert with id %s (ledsign status lists the active ones)", id);
		ob_error(b, "notfound", err);
		return;
	}
	logf_(s, 0, "control: cleared %s (uid %u)", all ? "all alerts" : id, (unsigned)uid);
	if (n > 0 && s->ops.changed)
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", n);
	if (unrec > 0) {
		char msg[1024], nu[32];

		logf_(s, 1, "control: %d cleared alert(s) taken off the boards but not recorded: %s", unrec, err);
		snprintf(msg, sizeof msg, "taken off the boards, but not recorded: %s; until it is, a restart of "
		    "the daemon shows it again: make the state directory writable and run the clear again "
		    "(or delete the file by hand)", err);
		snprintf(nu, sizeof nu, "%d", unrec);
		ob_line(b, "ok", "cleared", num, "unrecorded", nu, "message", msg, (const char *)NULL);
		return;
	}
	ob_line(b, "ok", "cleared", num, (const char *)NULL);
	(void)now;
}

static void
req_status(struct control_server *s, long long now, struct obuf *b)
{
	size_t n = alert_store_count(s->store), cap = 64 * 1024;
	char *rec = malloc(cap), num[32], nowbuf[32];

	if (rec == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct alert *a = alert_store_at(s->store, i);
		if (alert_format(a, rec, cap) < 0)
			continue;
		ob_add(b, "alert ", 6);
		ob_add(b, rec, strlen(rec));
		ob_add(b, "\n", 1);
	}
	free(rec);
	snprintf(num, sizeof num, "%zu", n);
	snprintf(nowbuf, sizeof nowbuf, "%lld", now);
	ob_line(b, "ok", "count", num, "now", nowbuf, (const char *)NULL);
}

static void
req_reload(struct control_server *s, struct obuf *b)
{
	char err[512] = "reload is not supported by this daemon";

	if (s->ops.reload == NULL || s->ops.reload(s->arg, err, sizeof err) < 0) {
		ob_error(b, "reload", err);
		return;
	}
	ob_line(b, "ok", (const char *)NULL);
}

/* Parse and apply one CAP document; the answer (or an error) goes to b. */
static int
apply_cap(struct control_server *s, const char *doc, size_t len, const char *name, long long now,
    struct obuf *b, int from_dir)
{
	struct cap_result r;
	char err[512], id[ALERT_ID_MAX + 1], num[16];
	int removed = 0, rc;

	if (cap_parse(doc, len, name, s->cfg, now, &r, err, sizeof err) < 0) {
		ob_error(b, "cap", err);
		/* a cap_dir file may be half-written: its caller logs once it fails it */
		if (!from_dir)
			logf_(s, 1, "cap: %s", err);
		return -1;
	}
	if (r.action == CAP_IGNORED) {
		ob_line(b, "ok", "action", "ignored", "reason", r.reason, (const char *)NULL);
		logf_(s, 0, "cap: %s: ignored: %s", name, r.reason);
		cap_result_clear(&r);
		return 0;
	}
	if ((rc = cap_apply(s->store, &r, now, id, &removed, err, sizeof err)) < 0) {
		ob_error(b, rc == ALERT_STORE_FULL ? "full" : "io", err);
		logf_(s, 1, "cap: %s: %s", name, err);
		if (s->ops.changed)
			s->ops.changed(s->arg);
		cap_result_clear(&r);
		return -1;
	}
	logf_(s, 0, "cap: %s: %s%s%s, %d cleared", name, cap_action_name(r.action), id[0] ? " " : "", id, removed);
	if (s->ops.changed && (id[0] || removed))
		s->ops.changed(s->arg);
	snprintf(num, sizeof num, "%d", removed);
	ob_line(b, "ok", "action", cap_action_name(r.action), "id", id, "cleared", num, (const char *)NULL);
	cap_result_clear(&r);
	return id[0] || removed;
}

static void
req_cap(struct control_server *s, const char *args, long long now, struct obuf *b)
{
	char key[32], err[256], name[128] = "request";
	size_t cap = strlen(args) + 1;
	char *val = malloc(cap), *doc = NULL;
	size_t doclen = 0;
	const char *cur = args;
	int r;

	if (val == NULL) {
		ob_error(b, "internal", "out of memory");
		return;
	}
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "doc") == 0) {
			free(doc);
			doclen = strlen(val);
			if ((doc = strdup(val)) == NULL)
				break;
		} else if (strcmp(key, "name") == 0) {
			snprintf(name, sizeof name, "%s", val);
		} else {
			snprintf(err, sizeof err, "cap takes doc=XML and name=NAME");
			r = -1;
			break;
		}
	}
	if (r < 0 || doc == NULL)
		ob_error(b, "usage", r < 0 ? err : "cap needs doc=XML (percent-encoded)");
	else
		apply_cap(s, doc, doclen, name, now, b, 0);
	free(doc);
	free(val);
}

/* Handle one line for a peer; the answer is malloc'd (*len bytes). */
static char *
handle_line(struct control_server *s, const char *line, long long now, size_t *len, uid_t uid)
{
	struct obuf b = { 0 };
	const char *sp, *args;
	char verb[16];
	size_t vlen, n = strlen(CONTROL_VERSION);

	if (strncmp(line, CONTROL_VERSION, n) != 0 || (line[n] != ' ' && line[n] != '\0')) {
		ob_error(&b, "version", "expected \"" CONTROL_VERSION " VERB ...\"; is this client from another ledsign version?");
		goto out;
	}
	line += n;
	while (*line == ' ')
		line++;
	sp = strchr(line, ' ');
	vlen = sp ? (size_t)(sp - line) : strlen(line);
	args = sp ? sp + 1 : "";
	if (vlen == 0 || vlen >= sizeof verb) {
		ob_error(&b, "usage", "missing or unknown verb; use alert, clear, status, reload or cap");
		goto out;
	}
	memcpy(verb, line, vlen);
	verb[vlen] = '\0';
	if (strcmp(verb, "alert") == 0)
		req_alert(s, args, now, uid, &b);
	else if (strcmp(verb, "clear") == 0)
		req_clear(s, args, now, uid, &b);
	else if (strcmp(verb, "status") == 0)
		req_status(s, now, &b);
	else if (strcmp(verb, "reload") == 0)
		req_reload(s, &b);
	else if (strcmp(verb, "cap") == 0)
		req_cap(s, args, now, &b);
	else
		ob_error(&b, "usage", "unknown verb; use alert, clear, status, reload or cap");
out:
	if (b.oom) {
		free(b.p);
		b.p = strdup("error code=internal message=out%20of%20memory\n");
		b.len = b.p ? strlen(b.p) : 0;
	}
	*len = b.len;
	return b.p;
}

char *
control_handle_line(struct control_server *s, const char *line, long long now, size_t *len)
{
	return handle_line(s, line, now, len, geteuid());
}

/* ---- watched CAP directory ----
 *
 * Feeders should write elsewhere (or under a dot name) and rename into the
 * directory, but plenty just `cp`.  So a file is taken only when it is
 * complete: one still open for writing is left alone (its IN_CLOSE_WRITE
 * brings us back), and one that does not parse is failed only once it has
 * been still for CAP_SETTLE_MS; until then it may be a writer that paused,
 * and the settle timer looks again. */

#define CAP_SETTLE_MS 3000

/* A file that did not parse and is waiting to settle. */
struct cap_pending {
	char     *name;
	ino_t     ino;
	off_t     size;
	long long mtime_ns;
	long long since_ms;       /* monotonic: when this size and mtime were first seen */
	int       seen;           /* still in the directory at the last scan */
};

static long long ms_now(void);

static int
move_to(int dirfd, const char *sub, const char *name)
{
	char dst[NAME_MAX + 64];

	if (mkdirat(dirfd, sub, 0750) < 0 && errno != EEXIST)
		return -1;
	snprintf(dst, sizeof dst, "%s/%s", sub, name);
	return renameat(dirfd, name, dirfd, dst);
}

/* Move NAME to failed/ and write failed/NAME.error saying why (one line). */
static void
cap_dir_fail(struct control_server *s, int dirfd, const char *dir, const char *name, const char *why)
{
	char en[NAME_MAX + 32];
	int fd;

	if (move_to(dirfd, "failed", name) < 0) {
		logf_(s, 1, "cap_dir %s/%s: cannot move it to failed/ (%s); removing it so it is not applied twice",
		    dir, name, strerror(errno));
		unlinkat(dirfd, name, 0);
		return;
	}
	snprintf(en, sizeof en, "failed/%s.error", name);
	fd = openat(dirfd, en, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd >= 0) {
		if (write(fd, why, strlen(why)) < 0 || write(fd, "\n", 1) < 0)
			(void)0;
		close(fd);
	}
}

/* 1 when some process has the file open for writing.  A read lease is
 * refused (EAGAIN) exactly then; it is dropped at once.  Its break signal
 * is set to SIGURG, ignored by default, so a writer opening the file in
 * that instant cannot kill us with SIGIO.  Without leases (not our file and
 * no CAP_LEASE, NFS) we cannot tell: 0, and the settle time has to do. */
static int
cap_open_for_writing(int fd)
{
	if (fcntl(fd, F_SETSIG, SIGURG) < 0)
		return 0;
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return errno == EAGAIN;
	fcntl(fd, F_SETLEASE, F_UNLCK);
	return 0;
}

static struct cap_pending *
cap_pending_find(struct control_server *s, const char *name)
{
	for (size_t i = 0; i < s->npending; i++)
		if (strcmp(s->pending[i].name, name) == 0)
			return &s->pending[i];
	return NULL;
}

static void
cap_pending_clear(struct control_server *s)
{
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[i].name);
	free(s->pending);
	s->pending = NULL;
	s->npending = 0;
}

/* Forget files no longer in the directory (applied, failed, removed). */
static void
cap_pending_sweep(struct control_server *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->npending; i++) {
		if (s->pending[i].seen) {
			s->pending[i].seen = 0;
			s->pending[j++] = s->pending[i];
		} else {
			free(s->pending[i].name);
		}
	}
	s->npending = j;
}

/* A file that did not parse: has it been still long enough to be failed?
 * If not, remember it; *wait_ms is lowered to when it will have been. */
static int
cap_settled(struct control_server *s, const char *name, const struct stat *st, long long *wait_ms)
{
	struct timespec now;
	long long mt = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	long long age_ms, ms = ms_now(), left;
	struct cap_pending *p = cap_pending_find(s, name);

	clock_gettime(CLOCK_REALTIME, &now);
	age_ms = ((long long)now.tv_sec * 1000000000LL + now.tv_nsec - mt) / 1000000;
	if (p == NULL) {
		struct cap_pending *np = realloc(s->pending, (s->npending + 1) * sizeof *np);
		char *nm = strdup(name);

		if (np == NULL || nm == NULL) {
			free(nm);
			if (np != NULL)
				s->pending = np;
			return 1;     /* cannot keep track: fail it rather than retry for ever */
		}
		s->pending = np;
		p = &s->pending[s->npending++];
		p->name = nm;
		p->since_ms = ms;
	} else if (p->ino != st->st_ino || p->size != st->st_size || p->mtime_ns != mt) {
		p->since_ms = ms;     /* it changed: it is being written */
	}
	p->ino = st->st_ino;
	p->size = st->st_size;
	p->mtime_ns = mt;
	p->seen = 1;
	/* still for the settle time by its mtime (a file from before we started),
	 * or unchanged for that long while we watched (mtime from a skewed clock) */
	if ((age_ms >= CAP_SETTLE_MS) || ms - p->since_ms >= CAP_SETTLE_MS)
		return 1;
	left = CAP_SETTLE_MS - (ms - p->since_ms);
	if (age_ms >= 0 && CAP_SETTLE_MS - age_ms < left)
		left = CAP_SETTLE_MS - age_ms;
	if (left < *wait_ms)
		*wait_ms = left;
	return 0;
}

/* Not a regular file (a symbolic link, FIFO, socket, device): never read,
 * so that no one can make us follow a link or block on a FIFO, and never
 * left lying there silently either. */
static void
cap_dir_refuse(struct control_server *s, int dirfd, const char *dir, const char *name, const struct stat *st)
{
	char why[PATH_MAX + 160], target[PATH_MAX];
	ssize_t n;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		snprintf(why, sizeof why, "a symbolic link (to %s), not followed: copy the file into cap_dir instead",
		    n > 0 ? target : "?");
	} else {
		snprintf(why, sizeof why, "not a regular file (%s): cap_dir takes regular files only",
		    S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISSOCK(st->st_mode) ? "a socket" : "a device");
	}
	logf_(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, why);
	cap_dir_fail(s, dirfd, dir, name, why);
}

/* Read and apply one regular file.  Returns 1 when it changed the alerts,
 * 0 when handled (done/ or failed/), -1 when left for later; *wait_ms is
 * lowered to when a file left for later should be looked at again. */
static int
cap_dir_file(struct control_server *s, int dirfd, const char *dir, const char *name, long long now,
    long long *wait_ms)
{
	struct stat st;
	struct obuf b = { 0 };
	char *doc = NULL;
	ssize_t got;
	int fd, r = -1, ok = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;    /* gone, or swapped for a link: the next scan sees what it is */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (cap_open_for_writing(fd)) {
		close(fd);    /* still being written; IN_CLOSE_WRITE brings us back */
		return -1;
	}
	if (st.st_size > CAP_DOC_MAX) {
		ob_error(&b, "cap", "file larger than 1 MiB; not read");
	} else if ((doc = malloc((size_t)st.st_size + 1)) == NULL) {
		ob_error(&b, "io", "out of memory");
	} else if ((got = read(fd, doc, (size_t)st.st_size)) < 0) {
		ob_error(&b, "io", strerror(errno));
	} else {
		r = apply_cap(s, doc, (size_t)got, name, now, &b, 1);
		ok = r >= 0;
	}
	close(fd);
	free(doc);
	if (!ok && !cap_settled(s, name, &st, wait_ms)) {
		free(b.p);
		return -1;
	}
	if (ok) {
		if (move_to(dirfd, "done", name) < 0) {
			logf_(s, 1, "cap_dir %s/%s: cannot move it to done/ (%s); removing it so it is not applied twice",
			    dir, name, strerror(errno));
			unlinkat(dirfd, name, 0);
		}
	} else {
		char msg[1024];

		if (b.oom || control_line_get(b.p, "message", msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "%s", b.p && !b.oom ? b.p : "out of memory");
		logf_(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, msg);
		cap_dir_fail(s, dirfd, dir, name, msg);
	}
	free(b.p);
	return r > 0;
}

/* Scan; *wait_ms (when not NULL) gets how long until a file left for later
 * should be looked at again, or -1 when none needs a timer. */
static int
cap_dir_scan(struct control_server *s, long long now, long long *wait_ms)
{
	const char *dir = s->cfg ? s->cfg->cap_dir : NULL;
	long long wait = LLONG_MAX;
	DIR *d;
	struct dirent *de;
	int dirfd, dfd, changed = 0;

	if (wait_ms != NULL)
		*wait_ms = -1;
	if (dir == NULL)
		return 0;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		logf_(s, 1, "cap_dir %s: %s", dir, strerror(errno));
		return 0;
	}
	dfd = dup(dirfd);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		close(dirfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;     /* done/, failed/ and other directories are not ours to take */
		if (!S_ISREG(st.st_mode))
			cap_dir_refuse(s, dirfd, dir, de->d_name, &st);
		else if (cap_dir_file(s, dirfd, dir, de->d_name, now, &wait) > 0)
			changed++;
	}
	closedir(d);
	close(dirfd);
	cap_pending_sweep(s);
	if (wait_ms != NULL && wait != LLONG_MAX)
		*wait_ms = wait;
	return changed;
}

int
control_cap_dir_scan(struct control_server *s, long long now)
{
	return cap_dir_scan(s, now, NULL);
}

/* ---- libevent glue ---- */

static void conn_event(evutil_socket_t fd, short what, void *arg);

static void
conn_rearm(struct control_conn *c, int r)
{
	if (r < 0) {
		control_conn_free(c);
		return;
	}
	if (control_conn_want_write(c))
		event_add(c->wev, NULL);
}

static void
conn_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_conn *c = arg;
	int r = 0;

	(void)fd;
	if (what & EV_TIMEOUT) {
		/* a client that connects and says nothing must not hold a slot for ever */
		logf_(c->srv, 1, "control: closing a connection of uid %u that was idle %d ms", (unsigned)c->uid,
		    c->srv->idle_ms);
		control_conn_free(c);
		return;
	}
	if (what & EV_WRITE)
		r = control_conn_writable(c);
	if (r == 0 && (what & EV_READ))
		r = control_conn_readable(c);
	conn_rearm(c, r);
}

static void
listen_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *s = arg;
	struct control_conn *c;

	(void)fd;
	(void)what;
	while ((c = control_server_accept(s)) != NULL) {
		struct timeval idle = { s->idle_ms / 1000, (s->idle_ms % 1000) * 1000 };

		c->rev = event_new(s->base, c->fd, EV_READ | EV_PERSIST, conn_event, c);
		c->wev = event_new(s->base, c->fd, EV_WRITE, conn_event, c);
		if (c->rev == NULL || c->wev == NULL || event_add(c->rev, &idle) < 0) {
			control_conn_free(c);
			continue;
		}
	}
}

/* Scan; when a file waits to settle, look again once it will have. */
static void
cap_scan_and_rearm(struct control_server *s)
{
	long long wait;

	cap_dir_scan(s, srv_now(s), &wait);
	if (wait >= 0 && s->capsettle != NULL) {
		struct timeval tv;

		wait += 50;   /* past the settle time, not a hair before it */
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		event_add(s->capsettle, &tv);
	}
}

static void
cap_event(evutil_socket_t fd, short what, void *arg)
{
	struct control_server *s = arg;
	char buf[4096];

	(void)what;
	if (fd >= 0)
		while (read(fd, buf, sizeof buf) > 0)
			;
	cap_scan_and_rearm(s);
}

/* Stop watching the CAP directory. */
static void
cap_unwatch(struct control_server *s)
{
	if (s->capev != NULL)
		event_free(s->capev);
	if (s->captimer != NULL)
		event_free(s->captimer);
	if (s->capsettle != NULL)
		event_free(s->capsettle);
	if (s->inotify_fd >= 0)
		close(s->inotify_fd);
	s->capev = s->captimer = s->capsettle = NULL;
	s->inotify_fd = -1;
	free(s->watched);
	s->watched = NULL;
	cap_pending_clear(s);
}

/* Watch the config's cap_dir (again, when a reload changed it). */
static int
cap_watch(struct control_server *s, char *err, size_t errlen)
{
	const char *dir = s->cfg ? s->cfg->cap_dir : NULL;
	struct timeval tv = { 5, 0 };

	if (s->base == NULL)
		return 0;
	if ((dir == NULL && s->watched == NULL) || (dir && s->watched && strcmp(dir, s->watched) == 0))
		return 0;
	cap_unwatch(s);
	if (dir == NULL)
		return 0;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		ls_errf(err, errlen, "cap_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((s->watched = strdup(dir)) == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd >= 0 && inotify_add_watch(s->inotify_fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) >= 0) {
		s->capev = event_new(s->base, s->inotify_fd, EV_READ | EV_PERSIST, cap_event, s);
		if (s->capev != NULL)
			event_add(s->capev, NULL);
	}
	/* a slow rescan as well: inotify does not see every network file system */
	s->captimer = event_new(s->base, -1, EV_PERSIST, cap_event, s);
	if (s->captimer != NULL)
		event_add(s->captimer, &tv);
	s->capsettle = evtimer_new(s->base, cap_event, s);
	cap_scan_and_rearm(s);
	return 0;
}

int
control_server_attach(struct control_server *s, struct event_base *base, char *err, size_t errlen)
{
	s->base = base;
	s->lev = event_new(base, s->fd, EV_READ | EV_PERSIST, listen_event, s);
	if (s->lev == NULL || event_add(s->lev, NULL) < 0) {
		ls_errf(err, errlen, "cannot watch the control socket");
		return -1;
	}
	return cap_watch(s, err, errlen);
}

/* ---- client ---- */

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
control_request(const char *path, const char *request, int timeout_ms,
    control_line_fn fn, void *arg, char *final, size_t finalcap, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	long long deadline = ms_now() + timeout_ms;
	size_t reqlen = strlen(CONTROL_VERSION) + 1 + strlen(request) + 1, off = 0, inlen = 0, incap = 65536;
	char *req = NULL, *in = NULL;
	int fd = -1, rc = -1;

	if (final && finalcap)
		final[0] = '\0';
	if (strlen(path) >= sizeof sa.sun_path) {
		ls_errf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	req = malloc(reqlen + 1);
	in = malloc(incap);
	if (req == NULL || in == NULL) {
		ls_errf(err, errlen, "out of memory");
		goto done;
	}
	snprintf(req, reqlen + 1, "%s %s\n", CONTROL_VERSION, request);
	reqlen = strlen(req);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			ls_errf(err, errlen, "%s: no ledsign daemon is listening (is `ledsign play` running?)", path);
		else if (e == EACCES || e == EPERM)
			ls_errf(err, errlen, "%s: permission denied; ask for your user to be added to control_users or control_groups", path);
		else
			ls_errf(err, errlen, "%s: cannot connect: %s", path, strerror(e));
		goto done;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p = { fd, (short)(off < reqlen ? POLLIN | POLLOUT : POLLIN), 0 };
		long long left = deadline - ms_now();
		char *nl;

		if (left <= 0) {
			ls_errf(err, errlen, "%s: no answer within %d ms", path, timeout_ms);
			goto done;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			ls_errf(err, errlen, "poll: %s", strerror(errno));
			goto done;
		}
		if ((p.revents & POLLOUT) && off < reqlen) {
			ssize_t w = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR && errno != EPIPE && errno != ECONNRESET) {
				ls_errf(err, errlen, "%s: send: %s", path, strerror(errno));
				goto done;
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r;
			if (incap - inlen < 4096) {
				char *np = realloc(in, incap * 2);
				if (np == NULL) {
					ls_errf(err, errlen, "out of memory");
					goto done;
				}
				in = np;
				incap *= 2;
			}
			r = recv(fd, in + inlen, incap - inlen - 1, 0);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				ls_errf(err, errlen, "%s: the daemon closed the connection without an answer", path);
				goto done;
			}
			inlen += (size_t)r;
			in[inlen] = '\0';
			while ((nl = memchr(in, '\n', inlen)) != NULL) {
				size_t ll = (size_t)(nl - in);
				*nl = '\0';
				if (strncmp(in, "ok", 2) == 0 && (in[2] == ' ' || in[2] == '\0'))
					rc = 0;
				else if (strncmp(in, "error", 5) == 0 && (in[5] == ' ' || in[5] == '\0'))
					rc = 1;
				if (rc >= 0) {
					if (final && finalcap)
						snprintf(final, finalcap, "%s", in);
					goto done;
				}
				if (fn != NULL)
					fn(arg, in);
				memmove(in, nl + 1, inlen - ll - 1);
				inlen -= ll + 1;
			}
		}
	}
done:
	if (fd >= 0)
		close(fd);
	free(req);
	free(in);
	return rc;
}

int
control_line_get(const char *line, const char *key, char *val, size_t valcap)
{
	const char *rec = strchr(line, ' ');

	return rec == NULL ? -1 : kv_get(rec, key, val, valcap);
}
