/*
 * control_capdir.c — the watched CAP directory (control.h): files dropped
 * into the config's cap_dir are applied as if sent with the cap verb.
 */
#include "util/diag.h"
#include "daemon/control_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "alert/cap.h"
#include "daemon/control.h"

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
		control_logf(s, 1, "cap_dir %s/%s: cannot move it to failed/ (%s); removing it so it is not applied twice",
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
	long long age_ms, ms = control_ms_now(), left;
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
	control_logf(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, why);
	cap_dir_fail(s, dirfd, dir, name, why);
}

/* The outcome of one file (r as control_apply_cap, its answer in b):
 * move it to done/ or failed/, or leave it to settle.  Returns 1 when it
 * changed the alerts, 0 when handled, -1 when left for later (*wait_ms
 * lowered to when to look again). */
static int
cap_dir_outcome(struct control_server *s, int dirfd, const char *dir, const char *name, const struct stat *st,
    int r, struct control_obuf *b, long long *wait_ms)
{
	int ok = r >= 0;

	/* a document the parser died on is not waited for: a half-written file
	 * does not crash a parser, and a second try would only crash it again */
	if (!ok && r != CONTROL_CAP_PARSER_FAILED && !cap_settled(s, name, st, wait_ms))
		return -1;
	if (ok) {
		if (move_to(dirfd, "done", name) < 0) {
			control_logf(s, 1, "cap_dir %s/%s: cannot move it to done/ (%s); removing it so it is not applied twice",
			    dir, name, strerror(errno));
			unlinkat(dirfd, name, 0);
		}
	} else {
		char msg[1024];

		if (b->oom || control_line_get(b->p, "message", msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "%s", b->p && !b->oom ? b->p : "out of memory");
		control_logf(s, 1, "cap_dir %s/%s: %s; moved to failed/", dir, name, msg);
		cap_dir_fail(s, dirfd, dir, name, msg);
	}
	return r > 0;
}

/* Read and apply one regular file.  Returns 1 when it changed the alerts,
 * 0 when handled (done/ or failed/) or handed to the parser process, -1
 * when left for later; *wait_ms is lowered to when a file left for later
 * should be looked at again. */
static int
cap_dir_file(struct control_server *s, int dirfd, const char *dir, const char *name, long long now,
    long long *wait_ms)
{
	struct stat st;
	struct control_obuf b = { 0 };
	char *doc = NULL;
	ssize_t got;
	int fd, r = -1;

	if (s->ops.cap_parse_start != NULL && control_capq_find_file(s, dir, name) != NULL) {
		struct cap_pending *p = cap_pending_find(s, name);

		if (p != NULL)
			p->seen = 1;  /* at the parser: keep its settle time */
		return -1;
	}
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
	if (s->ops.cap_parse_start != NULL && s->ncapq >= CONTROL_CAP_QUEUE) {
		close(fd);    /* no room: scanned again once the queue is empty */
		s->capq_full = 1;
		return -1;
	}
	if (st.st_size > CAP_DOC_MAX) {
		control_ob_error(&b, "cap", "file larger than 1 MiB; not read");
	} else if ((doc = malloc((size_t)st.st_size + 1)) == NULL) {
		control_ob_error(&b, "io", "out of memory");
	} else if ((got = read(fd, doc, (size_t)st.st_size)) < 0) {
		control_ob_error(&b, "io", strerror(errno));
	} else if (s->ops.cap_parse_start != NULL) {
		/* parsed in the parser process: moved when its answer comes
		 * (control_cap_dir_parsed), while the loop goes on */
		struct control_capjob *job = calloc(1, sizeof *job);

		close(fd);
		if (job == NULL || (job->name = strdup(name)) == NULL || (job->dir = strdup(dir)) == NULL) {
			control_capjob_free(job);
			free(doc);
			return -1;    /* out of memory: the next scan tries again */
		}
		job->doc = doc;
		job->len = (size_t)got;
		job->now = now;
		job->st = st;
		if (control_capq_add(s, job) < 0) {
			control_capjob_free(job);
			s->capq_full = 1;
			return -1;
		}
		return 0;
	} else {
		r = control_apply_cap(s, doc, (size_t)got, name, now, &b, 1);
	}
	close(fd);
	free(doc);
	r = cap_dir_outcome(s, dirfd, dir, name, &st, r, &b, wait_ms);
	free(b.p);
	return r;
}

/* Look again at files waiting to settle in wait ms (when >= 0). */
static void
cap_settle_in(struct control_server *s, long long wait)
{
	if (wait >= 0 && s->capsettle != NULL) {
		struct timeval tv;

		wait += 50;   /* past the settle time, not a hair before it */
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		event_add(s->capsettle, &tv);
	}
}

void
control_cap_dir_parsed(struct control_server *s, struct control_capjob *job, int ret, struct control_obuf *b)
{
	long long wait = LLONG_MAX;
	struct stat now;
	int dirfd = open(job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0) {
		control_logf(s, 1, "cap_dir %s: %s", job->dir, strerror(errno));
		return;
	}
	/* replaced or removed while it was parsed: the next scan takes what is there */
	if (fstatat(dirfd, job->name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_ino == job->st.st_ino &&
	    now.st_dev == job->st.st_dev)
		cap_dir_outcome(s, dirfd, job->dir, job->name, &job->st, ret, b, &wait);
	close(dirfd);
	if (wait != LLONG_MAX) {
		/* left to settle: a rescan is due (an earlier one that is
		 * already due looks at it too) */
		if (s->capsettle != NULL && !evtimer_pending(s->capsettle, NULL))
			cap_settle_in(s, wait);
	}
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
		control_logf(s, 1, "cap_dir %s: %s", dir, strerror(errno));
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

/* Scan; when a file waits to settle, look again once it will have. */
static void
cap_scan_and_rearm(struct control_server *s)
{
	long long wait;

	cap_dir_scan(s, control_srv_now(s), &wait);
	cap_settle_in(s, wait);
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
void
control_cap_unwatch(struct control_server *s)
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
int
control_cap_watch(struct control_server *s, char *err, size_t errlen)
{
	const char *dir = s->cfg ? s->cfg->cap_dir : NULL;
	struct timeval tv = { 5, 0 };

	if (s->base == NULL)
		return 0;
	if ((dir == NULL && s->watched == NULL) || (dir && s->watched && strcmp(dir, s->watched) == 0))
		return 0;
	control_cap_unwatch(s);
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

