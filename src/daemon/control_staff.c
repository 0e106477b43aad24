/*
 * control_staff.c — the staff file through the control socket: read it,
 * save a new text after the whole config checks clean with it, list and
 * show versions, restore one, take a hand edit into the history
 * (docs/alerts.md, "Verbs"; docs/console.md, "Editing" and "History").
 *
 *   staff v=1                         the file's text, fingerprint, conflict
 *   staff-save v=1 text= [actor=] [base=HASH] [summary=]
 *   staff-versions v=1 [limit=N]
 *   staff-version v=1 id=N            one version's text and diff
 *   staff-restore v=1 id=N [actor=]  save that version's text again (a new version)
 *   staff-adopt v=1 [actor=]         record the hand-edited file as a version
 *
 * A save is checked by ls_check_config (the checker `ledsign check` runs)
 * on the whole config with the candidate in place of the staff file; each
 * problem comes back as a "problem" line with the file and line and, for
 * the staff file, the section, item and setting it is about.  Only a clean
 * candidate is written (a new file renamed over the old, both fsynced), kept
 * as a version in STATE_DIR/versions.db (record/versions.h) and reloaded.
 * A file that differs from the last version ledsign wrote was edited by
 * hand: it is never written over (error code=conflict) until staff-adopt
 * takes it into the history.
 */
#include "daemon/control_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/util.h>

#include "config/config.h"
#include "config/staff.h"
#include "record/versions.h"
#include "render/render.h"
#include "util/base64.h"
#include "util/kv.h"
#include "util/file.h"
#include "util/self_exe.h"

#define STAFF_VERB_VERSION "1"
/* Largest poster accepted through the socket (it is decoded in full, under
 * the renderer's limits, before it is kept). */
#define STAFF_POSTER_MAX (1024 * 1024)

struct staff_args {
	char   v[8], author[128], base[32], summary[200];
	long long id, limit;
	char  *text;                 /* malloc'd, or NULL */
	char  *data;                 /* staff-poster: base64, malloc'd, or NULL */
	char   name[80];             /* staff-poster: the file's name */
};

/* What staff_args kept (text=, data=); a verb frees them all once it has
 * taken what it uses, whatever else a peer sent. */
static void
staff_args_free(struct staff_args *a)
{
	free(a->text);
	free(a->data);
	a->text = a->data = NULL;
}

static int
staff_args(struct control_req *rq, struct control_obuf *b, const char *verb, struct staff_args *a)
{
	const char *cur = rq->args;
	char key[32], err[256], *val;
	long long n;
	int r;
	size_t cap;

	memset(a, 0, sizeof *a);
	if ((val = control_valbuf(rq, b, &cap)) == NULL)
		return -1;
	while ((r = kv_next(&cur, key, sizeof key, val, cap, err, sizeof err)) > 0) {
		if (strcmp(key, "v") == 0 && strlen(val) < sizeof a->v)
			snprintf(a->v, sizeof a->v, "%s", val);
		else if (strcmp(key, "actor") == 0 && control_actor_valid(val))
			snprintf(a->author, sizeof a->author, "%s", val);
		else if (strcmp(key, "base") == 0 && strlen(val) < sizeof a->base)
			snprintf(a->base, sizeof a->base, "%s", val);
		else if (strcmp(key, "summary") == 0 && strlen(val) < sizeof a->summary)
			snprintf(a->summary, sizeof a->summary, "%s", val);
		else if (strcmp(key, "name") == 0 && strlen(val) < sizeof a->name)
			snprintf(a->name, sizeof a->name, "%s", val);
		else if (strcmp(key, "data") == 0 && a->data == NULL && strlen(val) <= BASE64_LEN(STAFF_POSTER_MAX)) {
			if ((a->data = strdup(val)) == NULL) {
				b->oom = 1;
				free(val);
				staff_args_free(a);
				return -1;
			}
		} else if (strcmp(key, "id") == 0 && kv_num(val, &n) == 0 && n > 0)
			a->id = n;
		else if (strcmp(key, "limit") == 0 && kv_num(val, &n) == 0 && n > 0)
			a->limit = n;
		else if (strcmp(key, "text") == 0 && a->text == NULL && strlen(val) <= LS_STAFF_MAX) {
			if ((a->text = strdup(val)) == NULL) {
				b->oom = 1;
				free(val);
				staff_args_free(a);
				return -1;
			}
		} else {
			snprintf(err, sizeof err, "%s: unknown or malformed argument \"%s\" (help lists the arguments)", verb,
			    key);
			r = -1;
			break;
		}
	}
	free(val);
	if (r < 0) {
		control_ob_error(b, "usage", err);
		staff_args_free(a);
		return -1;
	}
	if (strcmp(a->v, STAFF_VERB_VERSION) != 0) {
		snprintf(err, sizeof err, "%s: this daemon answers v=" STAFF_VERB_VERSION "; the request asked for v=%s",
		    verb, a->v[0] ? a->v : "(none)");
		control_ob_error(b, "version", err);
		staff_args_free(a);
		return -1;
	}
	return 0;
}

/* The staff file's path and what it holds now ("" when it does not exist). */
struct staff_ctx {
	char *main;       /* the config's path (a copy: a reload replaces the config) */
	char *path;       /* the staff file */
	char *current;    /* its text now */
	char  hash[17];
	struct versions *vs;
	struct versions_entry latest;
	int   have_latest;
};

static void
staff_ctx_free(struct staff_ctx *c)
{
	free(c->main);
	free(c->path);
	free(c->current);
	if (c->have_latest > 0)
		versions_entry_free(&c->latest);
	versions_close(c->vs);
}

/* The staff file's text, "" when it does not exist yet; NULL + err when it
 * cannot be read whole (LS_STAFF_MAX at most: the console must never save
 * a cut copy over it). */
static char *
read_all(const char *path, char *err, size_t errlen)
{
	char *t = ls_read_file(path, LS_STAFF_MAX, NULL, err, errlen);

	if (t == NULL && errno == ENOENT && (t = strdup("")) == NULL)
		snprintf(err, errlen, "out of memory");
	return t;
}

static int
staff_open(struct control_req *rq, struct control_obuf *b, struct staff_ctx *c)
{
	const struct ls_config *cfg = rq->srv->cfg;
	char err[600], db[4096];

	memset(c, 0, sizeof c[0]);
	if (cfg == NULL || cfg->path == NULL) {
		control_ob_error(b, "unsupported", "this server has no config file");
		return -1;
	}
	if ((c->main = strdup(cfg->path)) == NULL || (c->path = ls_staff_path(cfg->path, err, sizeof err)) == NULL) {
		if (c->main == NULL)
			b->oom = 1;
		else
			control_ob_error(b, "unsupported", err);
		return -1;
	}
	if ((c->current = read_all(c->path, err, sizeof err)) == NULL) {
		control_ob_error(b, "io", err);
		return -1;
	}
	versions_hash(c->current, strlen(c->current), c->hash);
	snprintf(db, sizeof db, "%s/versions.db", cfg->state_dir);
	if ((c->vs = versions_open(db, err, sizeof err)) == NULL ||
	    (c->have_latest = versions_get(c->vs, 0, &c->latest, err, sizeof err)) < 0) {
		control_ob_error(b, "io", err);
		return -1;
	}
	return 0;
}

static int
conflict(const struct staff_ctx *c)
{
	return c->have_latest > 0 && strcmp(c->latest.text, c->current) != 0;
}

/* "alice (uid 999)": who asked, as the console says and as the socket saw it. */
static void
author_of(struct control_req *rq, const struct staff_args *a, char *out, size_t len)
{
	if (a->author[0])
		snprintf(out, len, "%s (uid %u)", a->author, (unsigned)rq->uid);
	else
		snprintf(out, len, "uid %u", (unsigned)rq->uid);
}

void
control_verb_staff(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	char latest[24];

	if (staff_args(rq, b, "staff", &a) < 0)
		return;
	staff_args_free(&a);
	if (staff_open(rq, b, &c) < 0)
		goto done;
	snprintf(latest, sizeof latest, "%lld", c.have_latest > 0 ? c.latest.id : 0);
	control_ob_line(b, "staff", "text", c.current, (const char *)NULL);
	control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "file", c.path, "config", c.main, "hash", c.hash,
	    "conflict", conflict(&c) ? "1" : "0", "latest", latest,
	    "latest_hash", c.have_latest > 0 ? c.latest.hash : "", (const char *)NULL);
done:
	staff_ctx_free(&c);
}

/* Write the staff file's new text (util/file.h: whole or not at all). */
static int
write_atomic(const char *path, const char *text, char *err, size_t errlen)
{
	size_t n;

	if (ls_write_file(path, text, strlen(text), err, errlen) == 0)
		return 0;
	if ((errno == EACCES || errno == EPERM || errno == EROFS) && (n = strlen(err)) < errlen)
		snprintf(err + n, errlen - n, " (the controller needs write permission on the staff file's directory)");
	return -1;
}

/* problem lines for every message; returns the errors */
static size_t
report_problems(struct control_obuf *b, const struct staff_ctx *c, const char *text, const struct ls_diag *d)
{
	char line[16], section[32], item[128], key[64];

	for (size_t i = 0; i < d->n; i++) {
		const struct ls_diag_msg *e = &d->v[i];
		int in_staff = e->file != NULL && strcmp(e->file, c->path) == 0;

		section[0] = item[0] = key[0] = '\0';
		if (in_staff && e->line > 0)
			ls_staff_locate(text, e->line, e->text, section, sizeof section, item, sizeof item, key, sizeof key);
		snprintf(line, sizeof line, "%d", e->line);
		control_ob_line(b, "problem", "level", e->level == LS_DIAG_ERROR ? "error" : "warning",
		    "file", e->file ? e->file : "", "line", line, "staff", in_staff ? "1" : "0", "section", section,
		    "item", item, "key", key, "message", e->text, (const char *)NULL);
	}
	return d->errors;
}

/* ---- the check, in a child process ----
 * Checking a config loads fonts and decodes every poster: 90 ms for the
 * sample campaign (bench/staff.sh), far more for a large one.  The
 * controller's loop must not wait for it (the boards would miss frames),
 * so the check runs in a child process, like the CAP parser's work
 * (docs/architecture.md): its report comes back on a pipe as an event, and
 * the connection takes no other request meanwhile.  One save is checked at
 * a time; another gets error code=busy.  Without a connection or an event
 * loop (control_handle_line: tests, the fuzzer) the same check runs inline.
 *
 * The child is the controller's own program started afresh (`staff-check
 * MAIN STAFF`, the text on its standard input), not a copy of the
 * controller: the controller has worker threads, and a fork() copies a
 * lock another thread holds (fontconfig's, FreeType's, a stdio stream's)
 * as held for ever, so a forked checker could hang until the 30 s timeout.
 * Between fork() and exec() the child only moves descriptors. */

#define STAFF_CHECK_MS 30000
/* one check at a time, a save's or a poster's */
#define STAFF_BUSY "a save or a poster is being checked; try again in a moment"

struct control_staffjob {
	struct control_server *srv;
	struct control_conn *conn;    /* to answer; NULL once it went */
	pid_t  pid;
	int    fd;
	struct event *ev, *timer;
	struct evbuffer *report;
	struct staff_ctx c;
	char  *text;
	char   actor[128], author[200], summary[200];
	long long restored_from;
	long long uid;
	/* a poster's check (staff-poster) rather than a save's */
	int    poster;
	char  *tmp, *final, *rel;     /* the file checked, where it goes, as items name it */
};

/* What the check found, as "problem ..." lines and a last line
 * "checked errors=N warnings=M" (the child's report, or the inline one). */
static void
staff_check_report(const struct staff_ctx *c, const char *text, struct control_obuf *ob)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg = ls_check_config(c->main, text, &d);
	char ne[24], nw[24];

	ls_diag_sort(&d);
	report_problems(ob, c, text, &d);
	snprintf(ne, sizeof ne, "%zu", cfg == NULL && d.errors == 0 ? (size_t)1 : d.errors);
	snprintf(nw, sizeof nw, "%zu", d.warnings);
	control_ob_line(ob, "checked", "errors", ne, "warnings", nw, (const char *)NULL);
	ls_config_free(cfg);
	ls_diag_clear(&d);
}

/* A staff text is at most a control line; the checker reads no more. */
#define STAFF_CHECK_TEXT_MAX (16u * 1024 * 1024)

int
control_staff_check_main(const char *main_path, const char *staff_path, int in, int out)
{
	struct staff_ctx c = { 0 };
	struct control_obuf ob = { 0 };
	char *text = malloc(STAFF_CHECK_TEXT_MAX + 1);
	long n;
	int rc;

	if (text == NULL || (n = ls_read_fd(in, text, STAFF_CHECK_TEXT_MAX)) < 0) {
		free(text);
		return 1;
	}
	text[n] = '\0';
	c.main = (char *)main_path;
	c.path = (char *)staff_path;
	staff_check_report(&c, text, &ob);
	free(text);
	rc = ob.oom || ls_write_fd(out, ob.p, ob.len) < 0;
	free(ob.p);
	return rc;
}

/* After a clean check: write, keep the version, reload.  report holds the
 * problem lines (warnings) and the checked line; the answer goes to b. */
static void
staff_finish(struct control_server *s, struct staff_ctx *c, const char *text, const char *actor, const char *author,
    const char *summary, long long restored_from, long long uid, const char *report, struct control_obuf *b)
{
	struct versions_entry e = { 0 };
	const char *last = NULL;
	char err[600], id[24], warn[24] = "0", nerr[24] = "1", rerr[512] = "", *now;
	long long vid = 0;

	/* the problem lines as they are; the checked line last */
	for (const char *p = report; p && *p;) {
		const char *e2 = strchr(p, '\n');
		size_t n = e2 ? (size_t)(e2 - p) + 1 : strlen(p);
		if (strncmp(p, "checked ", 8) == 0)
			last = p;
		else
			control_ob_add(b, p, n);
		p += n;
	}
	if (last != NULL) {
		control_line_get(last, "errors", nerr, sizeof nerr);
		control_line_get(last, "warnings", warn, sizeof warn);
	}
	if (last == NULL || strcmp(nerr, "0") != 0) {
		snprintf(err, sizeof err, last == NULL ? "the check did not finish; nothing was changed"
		    : "%s error%s in the config with this staff file; nothing was changed", nerr, strcmp(nerr, "1") ? "s" : "");
		control_ob_error(b, last == NULL ? "internal" : "invalid", err);
		return;
	}
	/* a hand edit made while the check ran is not written over either */
	if ((now = read_all(c->path, err, sizeof err)) == NULL || strcmp(now, c->current) != 0) {
		free(now);
		snprintf(err, sizeof err, "%.300s changed while the save was checked; nothing was saved: reload and "
		    "make the change again", c->path);
		control_ob_error(b, "stale", err);
		return;
	}
	free(now);
	if (strcmp(text, c->current) == 0 && c->have_latest > 0) {
		snprintf(id, sizeof id, "%lld", c->latest.id);
		control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "id", id, "hash", c->hash, "unchanged", "1",
		    "warnings", warn, (const char *)NULL);
		return;
	}
	/* the first save keeps the file as it was found, so it can be restored */
	if (c->have_latest == 0 && c->current[0] != '\0') {
		e = (struct versions_entry){ .author = "ledsign", .file = c->path, .text = c->current,
			.summary = "the file as ledsign found it" };
		if (versions_add(c->vs, &e, NULL, err, sizeof err) < 0) {
			control_ob_error(b, "io", err);
			return;
		}
	}
	if (write_atomic(c->path, text, err, sizeof err) < 0) {
		control_ob_error(b, "io", err);
		return;
	}
	e = (struct versions_entry){ .author = author, .file = c->path, .text = text, .summary = summary,
		.restored_from = restored_from };
	if (versions_add(c->vs, &e, &vid, err, sizeof err) < 0) {
		/* written but not recorded: the next save would call it a hand edit */
		control_logf(s, 1, "staff: %s written but its version not recorded: %s", c->path, err);
		control_ob_error(b, "io", err);
		return;
	}
	control_logf(s, 0, "staff: %s saved as version %lld by %s", c->path, vid, author);
	{
		char det[300];
		snprintf(det, sizeof det, "version %lld%s%s", vid, summary && summary[0] ? ": " : "", summary ? summary : "");
		control_audit(s, uid, actor[0] ? actor : NULL, NULL, restored_from ? "restore" : "save", c->path, det);
	}
	if (s->ops.reload != NULL && s->ops.reload(s->arg, rerr, sizeof rerr) < 0)
		control_logf(s, 1, "staff: reload after version %lld failed: %s", vid, rerr);
	versions_hash(text, strlen(text), c->hash);
	snprintf(id, sizeof id, "%lld", vid);
	control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "id", id, "hash", c->hash, "unchanged", "0",
	    "warnings", warn, "reload_error", rerr, (const char *)NULL);
}

static void
staffjob_free(struct control_staffjob *j)
{
	if (j == NULL)
		return;
	if (j->ev != NULL)
		event_free(j->ev);
	if (j->timer != NULL)
		event_free(j->timer);
	if (j->fd >= 0)
		close(j->fd);
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
	}
	if (j->report != NULL)
		evbuffer_free(j->report);
	staff_ctx_free(&j->c);
	free(j->text);
	if (j->tmp != NULL)
		unlink(j->tmp);       /* a poster not kept */
	free(j->tmp);
	free(j->final);
	free(j->rel);
	free(j);
}

static void poster_keep(struct control_server *s, long long uid, const char *author, const char *tmp,
    const char *final, const char *rel, const char *report, struct control_obuf *b);

/* The child's report is complete (or it failed, report NULL): finish and answer. */
static void
staffjob_done(struct control_staffjob *j, const char *report, const char *why)
{
	struct control_server *s = j->srv;
	struct control_obuf b = { 0 };

	if (j->pid > 0) {
		if (report == NULL)
			kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		j->pid = 0;
	}
	if (report == NULL)
		control_ob_error(&b, "internal", why);
	else if (j->poster) {
		poster_keep(s, j->uid, j->author, j->tmp, j->final, j->rel, report, &b);
		free(j->tmp);
		j->tmp = NULL;        /* linked into place, or removed, by poster_keep */
	} else
		staff_finish(s, &j->c, j->text, j->actor, j->author, j->summary, j->restored_from, j->uid, report, &b);
	s->staffjob = NULL;
	if (j->conn != NULL) {
		j->conn->staffjob = NULL;
		control_conn_answer_held(j->conn, &b);
	} else
		free(b.p);     /* the client went: saved (or not), not answered */
	staffjob_free(j);
}

static void
staffjob_read(evutil_socket_t fd, short what, void *arg)
{
	struct control_staffjob *j = arg;
	int n;

	(void)what;
	n = evbuffer_read(j->report, fd, 65536);
	if (n > 0 && evbuffer_get_length(j->report) <= 4u * 1024 * 1024)
		return;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0) {
		char *rep;
		size_t len = evbuffer_get_length(j->report);
		if (len == 0) {
			staffjob_done(j, NULL, "the checker process (the controller's program started "
			    "again) ended without a report; nothing was changed");
			return;
		}
		if ((rep = malloc(len + 1)) == NULL) {
			staffjob_done(j, NULL, "out of memory");
			return;
		}
		evbuffer_remove(j->report, rep, len);
		rep[len] = '\0';
		staffjob_done(j, rep, NULL);
		free(rep);
		return;
	}
	staffjob_done(j, NULL, n < 0 ? "the checker's pipe failed" : "the checker's report is too long");
}

static void
staffjob_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	staffjob_done(arg, NULL, "the check took longer than 30 s; nothing was changed");
}

void
control_staffjob_conn_gone(struct control_conn *c)
{
	if (c->staffjob != NULL)
		c->staffjob->conn = NULL;
	c->staffjob = NULL;
}

void
control_staffjob_server_gone(struct control_server *s)
{
	struct control_staffjob *j = s->staffjob;

	if (j == NULL)
		return;
	s->staffjob = NULL;
	if (j->conn != NULL)
		j->conn->staffjob = NULL;
	staffjob_free(j);
}

/* Start the controller's program afresh as a checker with argv: standard
 * input from in (-1: the controller's own), standard output to a pipe whose
 * read end goes to *out.  The child's pid, or -1. */
static pid_t
checker_spawn(char *const argv[], int in, int *out)
{
	const char *exe = ls_self_exe();
	int pfd[2];
	pid_t pid;

	if (exe == NULL || pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/* only async-signal-safe calls until exec: descriptors 0 and 1
		 * (dup2 clears close-on-exec), nothing else kept open, the
		 * signal mask the workers block cleared */
		sigset_t none;
		if ((in >= 0 && dup2(in, 0) < 0) || dup2(pfd[1], 1) < 0)
			_exit(127);
		close_range(3, ~0U, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(exe, argv);
		_exit(127);
	}
	close(pfd[1]);
	*out = pfd[0];
	return pid;
}

/* A job for a checker started with argv (and stdin from in): its report is
 * read as an event, bounded by STAFF_CHECK_MS; the connection waits for
 * the answer.  NULL when it could not start. */
static struct control_staffjob *
staffjob_new(struct control_req *rq, char *const argv[], int in)
{
	struct control_server *s = rq->srv;
	struct control_staffjob *j;
	struct timeval tv = { STAFF_CHECK_MS / 1000, 0 };

	if (rq->conn == NULL || s->base == NULL || (j = calloc(1, sizeof *j)) == NULL)
		return NULL;
	j->fd = -1;
	if ((j->report = evbuffer_new()) == NULL || (j->pid = checker_spawn(argv, in, &j->fd)) < 0) {
		j->pid = 0;
		staffjob_free(j);
		return NULL;
	}
	evutil_make_socket_nonblocking(j->fd);
	if ((j->ev = event_new(s->base, j->fd, EV_READ | EV_PERSIST, staffjob_read, j)) == NULL ||
	    (j->timer = evtimer_new(s->base, staffjob_timeout, j)) == NULL || event_add(j->ev, NULL) != 0 ||
	    evtimer_add(j->timer, &tv) != 0) {
		staffjob_free(j);
		return NULL;
	}
	j->srv = s;
	j->conn = rq->conn;
	j->uid = (long long)rq->uid;
	s->staffjob = j;
	rq->conn->staffjob = j;
	return j;
}

/* Start checking text in a child; 0 when started (the answer comes later),
 * -1 to check inline instead. */
static int
staffjob_start(struct control_req *rq, struct staff_ctx *c, const char *text, const char *actor, const char *author,
    const char *summary, long long restored_from)
{
	char *argv[] = { "ledsign", "staff-check", c->main, c->path, NULL };
	struct control_staffjob *j;
	char *copy;
	int tfd;

	/* the text, for the child's standard input: in memory, so writing it
	 * never waits for the child to read */
	if ((copy = strdup(text)) == NULL || (tfd = memfd_create("ledsign-staff-text", MFD_CLOEXEC)) < 0) {
		free(copy);
		return -1;
	}
	if (ls_write_fd(tfd, text, strlen(text)) < 0 || lseek(tfd, 0, SEEK_SET) != 0 ||
	    (j = staffjob_new(rq, argv, tfd)) == NULL) {
		close(tfd);
		free(copy);
		return -1;
	}
	close(tfd);
	j->text = copy;
	j->c = *c;
	memset(c, 0, sizeof *c);     /* the job owns the context now */
	snprintf(j->actor, sizeof j->actor, "%s", actor);
	snprintf(j->author, sizeof j->author, "%s", author);
	snprintf(j->summary, sizeof j->summary, "%s", summary ? summary : "");
	j->restored_from = restored_from;
	return 0;
}

/* The save path shared by staff-save and staff-restore. */
static void
staff_store(struct control_req *rq, struct control_obuf *b, struct staff_ctx *c, const char *text,
    const char *actor, const char *author, const char *base, const char *summary, long long restored_from)
{
	struct control_obuf rep = { 0 };
	char err[600];

	if (conflict(c)) {
		snprintf(err, sizeof err, "%.300s was changed by hand since ledsign wrote version %lld; it is kept as it is "
		    "and nothing was saved: take the hand edit into the history first (staff-adopt)", c->path, c->latest.id);
		control_ob_error(b, "conflict", err);
		return;
	}
	if (base != NULL && base[0] && strcmp(base, c->hash) != 0) {
		snprintf(err, sizeof err, "%.300s changed since it was read (now %s, the edit started from %s); "
		    "nothing was saved: reload the page and make the change again", c->path, c->hash, base);
		control_ob_error(b, "stale", err);
		return;
	}
	if (rq->srv->staffjob != NULL) {
		control_ob_error(b, "busy", STAFF_BUSY);
		return;
	}
	if (staffjob_start(rq, c, text, actor, author, summary, restored_from) == 0)
		return;      /* answered when the check is done */
	staff_check_report(c, text, &rep);
	if (rep.oom) {
		free(rep.p);
		b->oom = 1;
		return;
	}
	control_ob_add(&rep, "", 1);
	staff_finish(rq->srv, c, text, actor, author, summary, restored_from, (long long)rq->uid, rep.p, b);
	free(rep.p);
}

void
control_verb_staff_save(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	char author[200];

	if (staff_args(rq, b, "staff-save", &a) < 0)
		return;
	if (a.text == NULL) {
		control_ob_error(b, "usage", "staff-save needs text= (the whole staff file)");
		staff_args_free(&a);
		return;
	}
	if (staff_open(rq, b, &c) == 0) {
		author_of(rq, &a, author, sizeof author);
		staff_store(rq, b, &c, a.text, a.author, author, a.base, a.summary, 0);
	}
	staff_ctx_free(&c);
	staff_args_free(&a);
}

void
control_verb_staff_restore(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	struct versions_entry old;
	char author[200], err[300], summary[64];
	int r;

	if (staff_args(rq, b, "staff-restore", &a) < 0)
		return;
	staff_args_free(&a);
	if (a.id <= 0) {
		control_ob_error(b, "usage", "staff-restore needs id=N (staff-versions lists them)");
		return;
	}
	if (staff_open(rq, b, &c) == 0) {
		if ((r = versions_get(c.vs, a.id, &old, err, sizeof err)) <= 0) {
			if (r == 0)
				snprintf(err, sizeof err, "there is no version %lld (staff-versions lists them)", a.id);
			control_ob_error(b, r == 0 ? "notfound" : "io", err);
		} else {
			author_of(rq, &a, author, sizeof author);
			snprintf(summary, sizeof summary, "restored version %lld", a.id);
			staff_store(rq, b, &c, old.text, a.author, author, a.base, summary, a.id);
			versions_entry_free(&old);
		}
	}
	staff_ctx_free(&c);
}

void
control_verb_staff_adopt(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	struct versions_entry e;
	char author[200], err[300], id[24];
	long long vid;

	if (staff_args(rq, b, "staff-adopt", &a) < 0)
		return;
	staff_args_free(&a);
	if (staff_open(rq, b, &c) == 0) {
		if (!conflict(&c))
			control_ob_error(b, "noconflict", "the staff file is as ledsign last wrote it; there is no hand edit to take");
		else {
			author_of(rq, &a, author, sizeof author);
			e = (struct versions_entry){ .author = author, .file = c.path, .text = c.current,
				.summary = a.summary[0] ? a.summary : "hand edit taken into the history" };
			if (versions_add(c.vs, &e, &vid, err, sizeof err) < 0)
				control_ob_error(b, "io", err);
			else {
				char det[64];
				snprintf(id, sizeof id, "%lld", vid);
				snprintf(det, sizeof det, "version %lld: a hand edit", vid);
				control_audit(rq->srv, (long long)rq->uid, a.author[0] ? a.author : NULL, NULL, "adopt", c.path, det);
				control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "id", id, "hash", c.hash,
				    (const char *)NULL);
			}
		}
	}
	staff_ctx_free(&c);
}

struct list_ctx {
	struct control_obuf *b;
};

static int
list_one(void *arg, const struct versions_entry *e)
{
	struct list_ctx *l = arg;
	char id[24], t[32], from[24];

	snprintf(id, sizeof id, "%lld", e->id);
	snprintf(t, sizeof t, "%.0f", e->time);
	snprintf(from, sizeof from, "%lld", e->restored_from);
	control_ob_line(l->b, "version", "id", id, "time", t, "author", e->author ? e->author : "",
	    "hash", e->hash ? e->hash : "", "summary", e->summary ? e->summary : "", "restored_from", from,
	    (const char *)NULL);
	return 0;
}

void
control_verb_staff_versions(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	struct list_ctx l = { b };
	char err[300], n[24];
	int k;

	if (staff_args(rq, b, "staff-versions", &a) < 0)
		return;
	staff_args_free(&a);
	if (staff_open(rq, b, &c) == 0) {
		if ((k = versions_list(c.vs, a.limit > 0 && a.limit < 1000 ? (int)a.limit : 100, list_one, &l, err,
		    sizeof err)) < 0)
			control_ob_error(b, "io", err);
		else {
			snprintf(n, sizeof n, "%d", k);
			control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "versions", n, "conflict",
			    conflict(&c) ? "1" : "0", "hash", c.hash, (const char *)NULL);
		}
	}
	staff_ctx_free(&c);
}

void
control_verb_staff_version(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	struct versions_entry e;
	char err[300], id[24], t[32], from[24];
	int r;

	if (staff_args(rq, b, "staff-version", &a) < 0)
		return;
	staff_args_free(&a);
	if (a.id <= 0) {
		control_ob_error(b, "usage", "staff-version needs id=N");
		return;
	}
	if (staff_open(rq, b, &c) == 0) {
		if ((r = versions_get(c.vs, a.id, &e, err, sizeof err)) <= 0) {
			if (r == 0)
				snprintf(err, sizeof err, "there is no version %lld", a.id);
			control_ob_error(b, r == 0 ? "notfound" : "io", err);
		} else {
			snprintf(id, sizeof id, "%lld", e.id);
			snprintf(t, sizeof t, "%.0f", e.time);
			snprintf(from, sizeof from, "%lld", e.restored_from);
			control_ob_line(b, "version", "id", id, "time", t, "author", e.author, "hash", e.hash,
			    "summary", e.summary, "restored_from", from, "text", e.text, "diff", e.diff, (const char *)NULL);
			control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, (const char *)NULL);
			versions_entry_free(&e);
		}
	}
	staff_ctx_free(&c);
}

/* The poster's check as one line, "ok width=W height=H" or "error
 * code=invalid message=...": what the checker process reports. */
static void
poster_check_line(const char *path, struct control_obuf *ob)
{
	char err[600], wh[2][16];
	int w = 0, h = 0;

	if (render_png_check(path, &w, &h, err, sizeof err) != 0) {
		control_ob_error(ob, "invalid", err);
		return;
	}
	snprintf(wh[0], sizeof wh[0], "%d", w);
	snprintf(wh[1], sizeof wh[1], "%d", h);
	control_ob_line(ob, "ok", "width", wh[0], "height", wh[1], (const char *)NULL);
}

int
control_png_check_main(const char *path, int out)
{
	struct control_obuf ob = { 0 };
	int rc;

	poster_check_line(path, &ob);
	rc = ob.oom || ls_write_fd(out, ob.p, ob.len) < 0;
	free(ob.p);
	return rc;
}

/* After the check (report: poster_check_line's line): put the poster in
 * place as final, or say why not; tmp is gone either way. */
static void
poster_keep(struct control_server *s, long long uid, const char *author, const char *tmp, const char *final,
    const char *rel, const char *report, struct control_obuf *b)
{
	char err[600], wh[2][16];

	if (strncmp(report, "ok ", 3) != 0 || control_line_get(report, "width", wh[0], sizeof wh[0]) < 0 ||
	    control_line_get(report, "height", wh[1], sizeof wh[1]) < 0) {
		unlink(tmp);
		if (strncmp(report, "error ", 6) == 0 && control_line_get(report, "message", err, sizeof err) == 0)
			control_ob_error(b, "invalid", err);
		else
			control_ob_error(b, "internal", "the poster's checker gave no answer; nothing was kept");
		return;
	}
	if (link(tmp, final) != 0) {     /* not rename: never replaces a poster that appeared meanwhile */
		snprintf(err, sizeof err, "%.300s: %s", final, strerror(errno));
		unlink(tmp);
		control_ob_error(b, errno == EEXIST ? "exists" : "io", err);
		return;
	}
	unlink(tmp);
	control_audit(s, uid, author[0] ? author : NULL, NULL, "poster", rel, wh[0]);
	control_ob_line(b, "ok", "version", STAFF_VERB_VERSION, "image", rel, "width", wh[0], "height", wh[1],
	    (const char *)NULL);
}

/* "staff-poster v=1 name=NAME.png data=BASE64": a poster for the staff
 * file's items, kept as posters/NAME.png beside it.  The name is a plain
 * file name; the PNG is decoded in full under the renderer's limits before
 * it is linked into place, and an existing poster is never replaced (a
 * poster in use would change without a version).  The decoding (up to
 * 8 Mpixel: 0.2 s) is done by a checker process, like a save's check, so
 * an alert or a board's frame never waits for it; one check at a time. */
void
control_verb_staff_poster(struct control_req *rq, struct control_obuf *b)
{
	struct staff_args a;
	struct staff_ctx c;
	struct control_staffjob *j;
	struct control_obuf rep = { 0 };
	uint8_t *png = NULL;
	char dir[4096], tmp[4200], final[4200], err[600], rel[4200], *slash;
	long n;
	int fd = -1;
	size_t len;

	if (staff_args(rq, b, "staff-poster", &a) < 0)
		return;
	free(a.text);
	len = strlen(a.name);
	if (len < 5 || len > 64 || strcmp(a.name + len - 4, ".png") != 0 || a.name[0] == '.' ||
	    strspn(a.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len) {
		control_ob_error(b, "usage", "staff-poster: name= is a plain file name ending in .png (letters, digits, . _ -)");
		free(a.data);
		return;
	}
	if (a.data == NULL || (png = malloc(STAFF_POSTER_MAX + 4)) == NULL ||
	    (n = base64_decode(a.data, png, STAFF_POSTER_MAX + 3)) < 0 || n > STAFF_POSTER_MAX) {
		control_ob_error(b, "usage", "staff-poster: data= is the PNG in base64, at most 1 MiB");
		free(png);
		free(a.data);
		return;
	}
	free(a.data);
	if (staff_open(rq, b, &c) < 0)
		goto done;
	if (rq->srv->staffjob != NULL) {
		control_ob_error(b, "busy", STAFF_BUSY);
		goto done;
	}
	snprintf(dir, sizeof dir, "%s", c.path);
	if ((slash = strrchr(dir, '/')) != NULL)
		snprintf(slash, sizeof dir - (size_t)(slash - dir), "/posters");
	else
		snprintf(dir, sizeof dir, "posters");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, sizeof err, "%.300s: %s", dir, strerror(errno));
		control_ob_error(b, "io", err);
		goto done;
	}
	snprintf(final, sizeof final, "%s/%s", dir, a.name);
	snprintf(tmp, sizeof tmp, "%s/.%s.new-%d", dir, a.name, (int)getpid());
	if (access(final, F_OK) == 0) {
		snprintf(err, sizeof err, "posters/%s is there already; give the new poster another name", a.name);
		control_ob_error(b, "exists", err);
		goto done;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0 ||
	    ls_write_fd(fd, png, (size_t)n) < 0 || fsync(fd) != 0) {
		snprintf(err, sizeof err, "%.300s: %s", tmp, strerror(errno));
		control_ob_error(b, "io", err);
		if (fd >= 0)
			unlink(tmp);
		goto done;
	}
	close(fd);
	fd = -1;
	/* as an item names it: relative to the main config's directory (the
	 * staff file may be in a directory of its own, staff/ under it) */
	{
		const char *ms = strrchr(c.main, '/');
		size_t ml = ms ? (size_t)(ms - c.main) : 0;
		if (ms != NULL && strncmp(final, c.main, ml) == 0 && final[ml] == '/')
			snprintf(rel, sizeof rel, "%s", final + ml + 1);
		else
			snprintf(rel, sizeof rel, "%s", final);
	}
	{
		char *argv[] = { "ledsign", "png-check", tmp, NULL };
		char *t = strdup(tmp), *f = strdup(final), *r = strdup(rel);

		if (t != NULL && f != NULL && r != NULL && (j = staffjob_new(rq, argv, -1)) != NULL) {
			j->poster = 1;
			snprintf(j->author, sizeof j->author, "%s", a.author);
			j->tmp = t;
			j->final = f;
			j->rel = r;
			goto done;    /* answered when the check is done */
		}
		free(t);
		free(f);
		free(r);
	}
	poster_check_line(tmp, &rep);
	control_ob_add(&rep, "", 1);
	if (rep.oom) {
		unlink(tmp);
		b->oom = 1;
	} else
		poster_keep(rq->srv, (long long)rq->uid, a.author, tmp, final, rel, rep.p, b);
	free(rep.p);
done:
	if (fd >= 0)
		close(fd);
	free(png);
	staff_ctx_free(&c);
}
