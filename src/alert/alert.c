/*
 * alert.c — the alert model, its text form, the persisted store and the
 * look of an alert on a board.  See alert.h and docs/alerts.md.
 *
 * Persistence is one file per alert, DIR/ID.alert, holding one line
 * "ledsign-alert/1 RECORD\n".  One file per alert (rather than a journal)
 * keeps every change a single atomic rename or unlink: there is nothing to
 * compact, and a torn write can only ever leave a stray temporary file,
 * which is ignored and removed on the next open.
 */
#include "alert/alert.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/kv.h"
#include "util/safedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_MAGIC "ledsign-alert/1 "
#define FILE_SUFFIX ".alert"
/* .ID.gone: an old alert set aside by alert_store_replace until its change is complete */
#define GONE_SUFFIX ".gone"
/* Largest record: text fully escaped plus targets plus the other fields. */
#define RECORD_MAX (ALERT_TEXT_MAX * 3 + 2 * ALERT_TARGETS_MAX * (ALERT_NAME_MAX * 3 + 1) + 1024)


/* ---- levels and ids ---- */

static const char *const level_names[] = {
	[ALERT_INFO] = "info",
	[ALERT_WARNING] = "warning",
	[ALERT_EMERGENCY] = "emergency",
};

const char *
alert_level_name(enum alert_level l)
{
	if ((unsigned)l < sizeof level_names / sizeof level_names[0])
		return level_names[l];
	return "?";
}

int
alert_level_parse(const char *name, enum alert_level *out)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (name != NULL && strcmp(name, level_names[i]) == 0) {
			*out = (enum alert_level)i;
			return 0;
		}
	}
	return -1;
}

static int
id_char(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == ':' || c == '@' || c == '-');
}

int
alert_id_valid(const char *id)
{
	size_t n;

	if (id == NULL)
		return 0;
	for (n = 0; id[n] != '\0'; n++)
		if (n >= ALERT_ID_MAX || !id_char((unsigned char)id[n], n == 0))
			return 0;
	return n > 0;
}

void
alert_id_make(char *buf, size_t len, long long now)
{
	static unsigned long counter;
	unsigned char rnd[3] = { 0, 0, 0 };
	struct tm tm;
	time_t t = (time_t)now;
	int fd;

	/* Three random bytes keep ids from two controllers (or two restarts
	 * within a second) apart; the counter covers a failed read. */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd)
			memset(rnd, 0, sizeof rnd);
		close(fd);
	}
	counter++;
	rnd[2] ^= (unsigned char)counter;
	rnd[1] ^= (unsigned char)(counter >> 8);
	gmtime_r(&t, &tm);
	snprintf(buf, len, "a-%04d%02d%02d-%02d%02d%02d-%02x%02x%02x", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rnd[0], rnd[1], rnd[2]);
}

/* ---- alerts ---- */

void
alert_clear(struct alert *a)
{
	if (a == NULL)
		return;
	free(a->text);
	free(a->source);
	ls_strlist_free(&a->boards);
	ls_strlist_free(&a->groups);
	memset(a, 0, sizeof *a);
}

int
alert_copy(struct alert *dst, const struct alert *src)
{
	memset(dst, 0, sizeof *dst);
	memcpy(dst->id, src->id, sizeof dst->id);
	dst->id[ALERT_ID_MAX] = '\0';
	dst->level = src->level;
	dst->start = src->start;
	dst->expires = src->expires;
	dst->created = src->created;
	if (src->text != NULL && (dst->text = strdup(src->text)) == NULL)
		goto fail;
	if (src->source != NULL && (dst->source = strdup(src->source)) == NULL)
		goto fail;
	if (ls_strlist_copy(&dst->boards, &src->boards) < 0 || ls_strlist_copy(&dst->groups, &src->groups) < 0)
		goto fail;
	return 0;
fail:
	alert_clear(dst);
	return -1;
}

static int
name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ALERT_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f || c == ',')
			return 0;
	}
	return 1;
}

static int
list_valid(const struct ls_strlist *l, const char *what, char *err, size_t errlen)
{
	if (l->n > ALERT_TARGETS_MAX) {
		ls_errf(err, errlen, "too many %s (%zu, at most %d)", what, l->n, ALERT_TARGETS_MAX);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i] == NULL || !name_valid(l->v[i])) {
			ls_errf(err, errlen, "bad name in %s: \"%s\" (1..%d characters, no spaces or commas)",
			    what, l->v[i] ? l->v[i] : "", ALERT_NAME_MAX);
			return -1;
		}
	}
	return 0;
}

int
alert_validate(const struct alert *a, char *err, size_t errlen)
{
	if (a->id[0] != '\0' && !alert_id_valid(a->id)) {
		ls_errf(err, errlen, "bad alert id \"%.*s\": use 1..%d letters, digits and ._:@- starting with a letter or digit",
		    ALERT_ID_MAX, a->id, ALERT_ID_MAX);
		return -1;
	}
	if (a->text == NULL || a->text[0] == '\0') {
		ls_errf(err, errlen, "alert has no text");
		return -1;
	}
	if (strlen(a->text) > ALERT_TEXT_MAX) {
		ls_errf(err, errlen, "alert text is %zu bytes; at most %d", strlen(a->text), ALERT_TEXT_MAX);
		return -1;
	}
	if ((unsigned)a->level > ALERT_EMERGENCY) {
		ls_errf(err, errlen, "bad alert level");
		return -1;
	}
	if (list_valid(&a->boards, "boards", err, errlen) < 0 || list_valid(&a->groups, "groups", err, errlen) < 0)
		return -1;
	if (a->start < 0 || a->expires < 0) {
		ls_errf(err, errlen, "negative time");
		return -1;
	}
	if (a->expires != 0 && a->expires <= a->start) {
		ls_errf(err, errlen, "alert expires before it starts");
		return -1;
	}
	return 0;
}

int
alert_live(const struct alert *a, long long now)
{
	return now >= a->start && (a->expires == 0 || now < a->expires);
}

int
alert_targets(const struct alert *a, const struct ls_board *b)
{
	if (a->boards.n == 0 && a->groups.n == 0)
		return 1;
	for (size_t i = 0; i < a->boards.n; i++)
		if (strcmp(a->boards.v[i], b->name) == 0)
			return 1;
	for (size_t i = 0; i < a->groups.n; i++) {
		if (strcmp(a->groups.v[i], "all") == 0)
			return 1;
		for (size_t j = 0; j < b->groups.n; j++)
			if (strcmp(a->groups.v[i], b->groups.v[j]) == 0)
				return 1;
	}
	return 0;
}

static int
join_list(const struct ls_strlist *l, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		size_t len = strlen(l->v[i]);
		if (n + len + 2 > cap)
			return -1;
		if (i > 0)
			buf[n++] = ',';
		memcpy(buf + n, l->v[i], len);
		n += len;
		buf[n] = '\0';
	}
	return 0;
}

int
alert_format(const struct alert *a, char *buf, size_t cap)
{
	char num[32], *list;
	size_t len = 0, listcap = ALERT_TARGETS_MAX * (ALERT_NAME_MAX + 1) + 1;
	int rc = -1;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	list = malloc(listcap);
	if (list == NULL)
		return -1;
	if (kv_put(buf, cap, &len, "id", a->id) < 0 ||
	    kv_put(buf, cap, &len, "level", alert_level_name(a->level)) < 0)
		goto done;
	if (join_list(&a->boards, list, listcap) < 0 || (a->boards.n > 0 &&
	    kv_put(buf, cap, &len, "boards", list) < 0))
		goto done;
	if (join_list(&a->groups, list, listcap) < 0 || (a->groups.n > 0 &&
	    kv_put(buf, cap, &len, "groups", list) < 0))
		goto done;
	snprintf(num, sizeof num, "%lld", a->start);
	if (kv_put(buf, cap, &len, "start", num) < 0)
		goto done;
	snprintf(num, sizeof num, "%lld", a->expires);
	if (kv_put(buf, cap, &len, "expires", num) < 0)
		goto done;
	snprintf(num, sizeof num, "%lld", a->created);
	if (kv_put(buf, cap, &len, "created", num) < 0)
		goto done;
	if (a->source != NULL && kv_put(buf, cap, &len, "source", a->source) < 0)
		goto done;
	if (kv_put(buf, cap, &len, "text", a->text ? a->text : "") < 0)
		goto done;
	rc = (int)len;
done:
	free(list);
	return rc;
}

static int
split_list(const char *s, struct ls_strlist *out, const char *what, char *err, size_t errlen)
{
	const char *p = s;

	ls_strlist_free(out);
	if (*s == '\0')
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char **nv;

		if (out->n >= ALERT_TARGETS_MAX) {
			ls_errf(err, errlen, "too many %s (at most %d)", what, ALERT_TARGETS_MAX);
			return -1;
		}
		if (n == 0 || n > ALERT_NAME_MAX) {
			ls_errf(err, errlen, "empty or too long name in %s", what);
			return -1;
		}
		nv = realloc(out->v, (out->n + 1) * sizeof *nv);
		if (nv == NULL)
			goto oom;
		out->v = nv;
		out->v[out->n] = strndup(p, n);
		if (out->v[out->n] == NULL)
			goto oom;
		out->n++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
oom:
	ls_errf(err, errlen, "out of memory");
	return -1;
}

int
alert_names_parse(const char *s, struct ls_strlist *out, const char *what, char *err, size_t errlen)
{
	struct ls_strlist l = { 0 };

	if (split_list(s, &l, what, err, errlen) < 0 || list_valid(&l, what, err, errlen) < 0) {
		ls_strlist_free(&l);
		return -1;
	}
	*out = l;
	return 0;
}

int
alert_parse(const char *line, struct alert *out, char *err, size_t errlen)
{
	char key[32], *val;
	const char *cur = line;
	int r, have_id = 0;

	memset(out, 0, sizeof *out);
	val = malloc(RECORD_MAX);
	if (val == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	while ((r = kv_next(&cur, key, sizeof key, val, RECORD_MAX, err, errlen)) > 0) {
		if (strcmp(key, "id") == 0) {
			if (strlen(val) > ALERT_ID_MAX)
				goto badval;
			strcpy(out->id, val);
			have_id = 1;
		} else if (strcmp(key, "level") == 0) {
			if (alert_level_parse(val, &out->level) < 0)
				goto badval;
		} else if (strcmp(key, "boards") == 0) {
			if (split_list(val, &out->boards, "boards", err, errlen) < 0)
				goto fail;
		} else if (strcmp(key, "groups") == 0) {
			if (split_list(val, &out->groups, "groups", err, errlen) < 0)
				goto fail;
		} else if (strcmp(key, "start") == 0) {
			if (kv_num(val, &out->start) < 0)
				goto badval;
		} else if (strcmp(key, "expires") == 0) {
			if (kv_num(val, &out->expires) < 0)
				goto badval;
		} else if (strcmp(key, "created") == 0) {
			if (kv_num(val, &out->created) < 0)
				goto badval;
		} else if (strcmp(key, "source") == 0) {
			free(out->source);
			if ((out->source = strdup(val)) == NULL)
				goto oom;
		} else if (strcmp(key, "text") == 0) {
			free(out->text);
			if ((out->text = strdup(val)) == NULL)
				goto oom;
		} else {
			ls_errf(err, errlen, "unknown key \"%s\"", key);
			goto fail;
		}
	}
	if (r < 0)
		goto fail;
	if (!have_id) {
		ls_errf(err, errlen, "record has no id");
		goto fail;
	}
	if (alert_validate(out, err, errlen) < 0)
		goto fail;
	free(val);
	return 0;
badval:
	ls_errf(err, errlen, "bad value for %s: \"%.40s\"", key, val);
	goto fail;
oom:
	ls_errf(err, errlen, "out of memory");
fail:
	free(val);
	alert_clear(out);
	return -1;
}

/* ---- the store ---- */

struct entry {
	struct alert a;
	unsigned long long seq;     /* order of insertion; breaks ties in `created` */
};

struct alert_store {
	char  *dir;
	int    dirfd;
	struct entry *v;
	size_t n, cap;
	unsigned long long seq;
	char **problems;
	size_t nproblems;
	/* withdrawn alerts whose files could not be deleted yet */
	char (*unrec)[ALERT_ID_MAX + 1];
	size_t nunrec;
	alert_store_stage_fn stage;   /* told of an alert before it is written (alert_store_on_stage) */
	void  *stage_arg;
};

void
alert_store_on_stage(struct alert_store *s, alert_store_stage_fn fn, void *arg)
{
	s->stage = fn;
	s->stage_arg = arg;
}

static void
add_problem(struct alert_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
add_problem(struct alert_store *s, const char *fmt, ...)
{
	char buf[512], **nv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	nv = realloc(s->problems, (s->nproblems + 1) * sizeof *nv);
	if (nv == NULL)
		return;
	s->problems = nv;
	if ((nv[s->nproblems] = strdup(buf)) != NULL)
		s->nproblems++;
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	if (a->a.created != b->a.created)
		return a->a.created < b->a.created ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static struct entry *
find_entry(const struct alert_store *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].a.id, id) == 0)
			return &s->v[i];
	return NULL;
}

static int
grow(struct alert_store *s)
{
	struct entry *nv;
	size_t ncap;

	if (s->n < s->cap)
		return 0;
	ncap = s->cap ? s->cap * 2 : 16;
	nv = realloc(s->v, ncap * sizeof *nv);
	if (nv == NULL)
		return -1;
	s->v = nv;
	s->cap = ncap;
	return 0;
}

static void
drop_entry(struct alert_store *s, size_t i)
{
	alert_clear(&s->v[i].a);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof s->v[0]);
	s->n--;
}

/* Load one DIR/NAME; returns 0 loaded, 1 skipped (reported). */
static int
load_file(struct alert_store *s, const char *name, long long now)
{
	char err[256], bad[NAME_MAX + 8], *buf = NULL;
	struct alert a;
	struct stat st;
	size_t idlen = strlen(name) - strlen(FILE_SUFFIX);
	ssize_t got;
	int fd;

	/* Look before opening: a FIFO would block an open for reading (and a
	 * device could do worse), so only regular files are ever opened. */
	fd = -1;
	if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		add_problem(s, "%s/%s: cannot look at it: %s", s->dir, name, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, sizeof err, "not a regular file (%s)", S_ISLNK(st.st_mode) ? "a symbolic link" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a directory" : "a device or socket");
		goto skip;
	}
	/* O_NONBLOCK and O_NOFOLLOW again: it may have been swapped since the look */
	fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENXIO) {
			snprintf(err, sizeof err, "not a regular file");
			goto skip;
		}
		/* EMFILE, ENOMEM, ...: the file may be fine; leave it for the next start */
		add_problem(s, "%s/%s: cannot open: %s", s->dir, name, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, sizeof err, "not a regular file");
		goto skip;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		/* someone else wrote it: an unlisted user must not put text on every board */
		snprintf(err, sizeof err, "owned by uid %u, not by the daemon's user (uid %u) or root: not trusted",
		    (unsigned)st.st_uid, (unsigned)geteuid());
		goto skip;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, sizeof err, "writable by group or others (mode %04o): not trusted",
		    (unsigned)(st.st_mode & 07777));
		goto skip;
	}
	if (st.st_size <= 0 || st.st_size > (off_t)RECORD_MAX + 64) {
		snprintf(err, sizeof err, "not a regular file of a sane size");
		goto skip;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		snprintf(err, sizeof err, "out of memory");
		goto skip;
	}
	got = read(fd, buf, (size_t)st.st_size);
	if (got != (ssize_t)st.st_size) {
		snprintf(err, sizeof err, "short read");
		goto skip;
	}
	buf[got] = '\0';
	if (strncmp(buf, FILE_MAGIC, strlen(FILE_MAGIC)) != 0 || buf[got - 1] != '\n' ||
	    memchr(buf, '\n', (size_t)got - 1) != NULL || strlen(buf) != (size_t)got) {
		snprintf(err, sizeof err, "not a ledsign-alert/1 file (or truncated)");
		goto skip;
	}
	buf[got - 1] = '\0';
	if (alert_parse(buf + strlen(FILE_MAGIC), &a, err, sizeof err) < 0)
		goto skip;
	if (strlen(a.id) != idlen || strncmp(a.id, name, idlen) != 0) {
		snprintf(err, sizeof err, "id \"%s\" does not match the file name", a.id);
		alert_clear(&a);
		goto skip;
	}
	close(fd);
	free(buf);
	if (a.expires != 0 && a.expires <= now) {
		unlinkat(s->dirfd, name, 0);
		alert_clear(&a);
		return 1;
	}
	if (find_entry(s, a.id) != NULL || s->n >= ALERT_STORE_MAX || grow(s) < 0) {
		add_problem(s, "%s/%s: duplicate, too many alerts, or out of memory", s->dir, name);
		alert_clear(&a);
		return 1;
	}
	s->v[s->n].a = a;
	s->v[s->n].seq = s->seq++;
	s->n++;
	return 0;
skip:
	if (fd >= 0)
		close(fd);
	free(buf);
	snprintf(bad, sizeof bad, "%s.bad", name);
	if (renameat(s->dirfd, name, s->dirfd, bad) == 0)
		add_problem(s, "%s/%s: %s (moved aside to %s)", s->dir, name, err, bad);
	else
		add_problem(s, "%s/%s: %s", s->dir, name, err);
	return 1;
}

/* A .ID.gone file is an old alert that a change set aside and a crash kept
 * from finishing: the change was never answered, so it is undone.  When
 * the alert's id is back as ID.alert (the change did store it), the file
 * is stale and goes. */
static void
restore_gone(struct alert_store *s, const char *name)
{
	char final[NAME_MAX + 8];
	size_t n = strlen(name) - 1 - strlen(GONE_SUFFIX);
	struct stat st;

	if (n == 0 || n > ALERT_ID_MAX)
		return;
	snprintf(final, sizeof final, "%.*s%s", (int)n, name + 1, FILE_SUFFIX);
	if (fstatat(s->dirfd, final, &st, AT_SYMLINK_NOFOLLOW) == 0)
		unlinkat(s->dirfd, name, 0);
	else if (renameat(s->dirfd, name, s->dirfd, final) == 0)
		add_problem(s, "%s/%s: a change to this alert was interrupted; restored as %s", s->dir, name, final);
}

static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), sl = strlen(suffix);

	return n > sl && strcmp(name + n - sl, suffix) == 0;
}

struct alert_store *
alert_store_open(const char *dir, long long now, char *err, size_t errlen)
{
	struct alert_store *s;
	DIR *d = NULL;
	struct dirent *de;
	int fd2;

	s = calloc(1, sizeof *s);
	if (s == NULL || (s->dir = strdup(dir)) == NULL) {
		ls_errf(err, errlen, "out of memory");
		goto fail;
	}
	s->dirfd = safedir_open(dir, 0700, "state_dir", err, errlen);
	if (s->dirfd < 0)
		goto fail;
	/* first pass: undo interrupted changes, so the second sees every alert */
	for (int pass = 0; pass < 2; pass++) {
		fd2 = dup(s->dirfd);
		if (fd2 < 0 || (d = fdopendir(fd2)) == NULL) {
			if (fd2 >= 0)
				close(fd2);
			ls_errf(err, errlen, "state_dir %s: cannot read it: %s", dir, strerror(errno));
			goto fail;
		}
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.') {
				if (pass == 0 && has_suffix(de->d_name, ".tmp"))
					/* a write that never reached its rename: the request was never answered */
					unlinkat(s->dirfd, de->d_name, 0);
				else if (pass == 0 && has_suffix(de->d_name, GONE_SUFFIX))
					restore_gone(s, de->d_name);
				continue;
			}
			if (pass == 1 && has_suffix(de->d_name, FILE_SUFFIX))
				load_file(s, de->d_name, now);
		}
		closedir(d);
		d = NULL;
	}
	fsync(s->dirfd);   /* make the deletions of expired alerts durable too */
	if (s->n > 1)
		qsort(s->v, s->n, sizeof s->v[0], entry_cmp);
	return s;
fail:
	alert_store_free(s);
	return NULL;
}

void
alert_store_free(struct alert_store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		alert_clear(&s->v[i].a);
	for (size_t i = 0; i < s->nproblems; i++)
		free(s->problems[i]);
	free(s->problems);
	free(s->unrec);
	free(s->v);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->dir);
	free(s);
}

size_t
alert_store_nproblems(const struct alert_store *s)
{
	return s->nproblems;
}

const char *
alert_store_problem(const struct alert_store *s, size_t i)
{
	return i < s->nproblems ? s->problems[i] : NULL;
}

/* Write `a` to DIR/ID.alert atomically and durably.  `replacing`: an
 * ID.alert is there already (the same id raised again). */
static int
persist(struct alert_store *s, const struct alert *a, int replacing, char *err, size_t errlen)
{
	char tmp[ALERT_ID_MAX + 16], final[ALERT_ID_MAX + 16], *buf;
	size_t len = strlen(FILE_MAGIC);
	int fd = -1, n;

	buf = malloc(RECORD_MAX + 64);
	if (buf == NULL) {
		ls_errf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(buf, FILE_MAGIC, len);
	n = alert_format(a, buf + len, RECORD_MAX);
	if (n < 0) {
		ls_errf(err, errlen, "alert too large to store");
		goto fail;
	}
	len += (size_t)n;
	buf[len++] = '\n';
	snprintf(tmp, sizeof tmp, ".%s.tmp", a->id);
	snprintf(final, sizeof final, "%s%s", a->id, FILE_SUFFIX);
	fd = openat(s->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || ls_write_fd(fd, buf, len) < 0 || fsync(fd) < 0) {
		ls_errf(err, errlen, "%s/%s: cannot write: %s", s->dir, tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ls_errf(err, errlen, "%s/%s: cannot write: %s", s->dir, tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (renameat(s->dirfd, tmp, s->dirfd, final) < 0) {
		ls_errf(err, errlen, "%s/%s: cannot rename into place: %s", s->dir, final, strerror(errno));
		goto fail;
	}
	if (fsync(s->dirfd) < 0) {
		/* The rename may or may not survive a power cut: say so, and undo
		 * it so memory and the answer agree with what might be on disk. */
		ls_errf(err, errlen, "%s: cannot sync the directory: %s", s->dir, strerror(errno));
		if (!replacing)   /* a replaced alert's file now holds the new text: keep it, never lose both */
			unlinkat(s->dirfd, final, 0);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(s->dirfd, tmp, 0);
	free(buf);
	return -1;
}

/* Per level, the most alerts of that level or lower (alert.h). */
static const size_t level_cap[] = {
	[ALERT_INFO] = ALERT_CAP_INFO,
	[ALERT_WARNING] = ALERT_CAP_WARNING,
	[ALERT_EMERGENCY] = ALERT_STORE_MAX,
};

/* Is there room for one more alert of `level`, not counting the entries
 * marked in `skip` (those being replaced or removed)?  0, or
 * ALERT_STORE_FULL + err naming the level that is full. */
static int
room_for(const struct alert_store *s, enum alert_level level, const unsigned char *skip, char *err, size_t errlen)
{
	size_t upto[ALERT_EMERGENCY + 1] = { 0 };

	for (size_t i = 0; i < s->n; i++)
		if (!skip[i])
			for (int l = s->v[i].a.level; l <= ALERT_EMERGENCY; l++)
				upto[l]++;
	/* one more of `level` counts against its own cap and every higher one */
	for (int l = level; l <= ALERT_EMERGENCY; l++) {
		if (upto[l] >= level_cap[l]) {
			if (l == ALERT_EMERGENCY)
				ls_errf(err, errlen, "%zu alerts are active, the most the store keeps; clear some first "
				    "(ledsign alerts lists them)", upto[l]);
			else
				ls_errf(err, errlen, "%zu alerts of level %s or lower are active, the most kept for them "
				    "(the rest is kept for higher levels); clear some first (ledsign alerts lists them)",
				    upto[l], alert_level_name((enum alert_level)l));
			return ALERT_STORE_FULL;
		}
	}
	return 0;
}

static void
gone_name(char *buf, size_t len, const char *id)
{
	snprintf(buf, len, ".%s%s", id, GONE_SUFFIX);
}

static void
final_name(char *buf, size_t len, const char *id)
{
	snprintf(buf, len, "%s%s", id, FILE_SUFFIX);
}

static void
unrec_drop(struct alert_store *s, const char *id)
{
	for (size_t i = 0; i < s->nunrec; i++) {
		if (strcmp(s->unrec[i], id) == 0) {
			memmove(&s->unrec[i], &s->unrec[i + 1], (s->nunrec - i - 1) * sizeof s->unrec[0]);
			s->nunrec--;
			return;
		}
	}
}

int
alert_store_replace(struct alert_store *s, const struct alert *a, const char *const *rm, size_t nrm,
    long long now, char *id_out, int *removed, char *err, size_t errlen)
{
	struct alert copy;
	struct entry *old = NULL;
	unsigned char *skip = NULL;     /* per entry: 1 replaced by a (3: and named in rm), 2 to be removed */
	size_t nset = 0;                /* how many were set aside (.ID.gone) so far */
	size_t *aside = NULL;
	char from[ALERT_ID_MAX + 16], to[ALERT_ID_MAX + 16];
	int rc = -1, n = 0, staged = 0;

	memset(&copy, 0, sizeof copy);
	if (removed != NULL)
		*removed = 0;
	if (a != NULL) {
		if (alert_validate(a, err, errlen) < 0)
			return -1;
		if (alert_copy(&copy, a) < 0) {
			ls_errf(err, errlen, "out of memory");
			return -1;
		}
		if (copy.id[0] == '\0') {
			do
				alert_id_make(copy.id, sizeof copy.id, now);
			while (find_entry(s, copy.id) != NULL);
		}
		copy.created = now;
		old = find_entry(s, copy.id);
	}
	skip = calloc(s->n + 1, 1);
	aside = calloc(s->n + 1, sizeof *aside);
	if (skip == NULL || aside == NULL) {
		ls_errf(err, errlen, "out of memory");
		goto out;
	}
	if (old != NULL)
		skip[old - s->v] = 1;
	for (size_t j = 0; j < nrm; j++) {
		struct entry *e = find_entry(s, rm[j]);
		if (e == NULL || skip[e - s->v] >= 2)
			continue;   /* not there, or named twice */
		/* one replaced by `a` (1 -> 3) counts as removed too: the old alert is gone */
		skip[e - s->v] = skip[e - s->v] == 1 ? 3 : 2;
		n++;
	}
	if (a != NULL) {
		if ((rc = room_for(s, copy.level, skip, err, errlen)) < 0)
			goto out;
		rc = -1;
		if (old == NULL && grow(s) < 0) {
			ls_errf(err, errlen, "out of memory");
			goto out;
		}
	}
	/* Valid and with room: whoever shows alerts may show it now, while it
	 * is written (the fsyncs below may take a while on a small box's card). */
	if (a != NULL && s->stage != NULL) {
		s->stage(s->stage_arg, &copy);
		staged = 1;
	}
	/* Set the old ones aside first: a rename needs no space, and renaming
	 * back undoes it, so a full disk below leaves everything as it was. */
	for (size_t i = 0; i < s->n; i++) {
		if (skip[i] != 2)
			continue;
		final_name(from, sizeof from, s->v[i].a.id);
		gone_name(to, sizeof to, s->v[i].a.id);
		if (renameat(s->dirfd, from, s->dirfd, to) < 0 && errno != ENOENT) {
			ls_errf(err, errlen, "%s/%s: cannot remove: %s", s->dir, from, strerror(errno));
			goto undo;
		}
		aside[nset++] = i;
	}
	if (a != NULL && persist(s, &copy, old != NULL, err, errlen) < 0)
		goto undo;
	/* Both parts worked: now the old ones go for good. */
	for (size_t k = 0; k < nset; k++) {
		gone_name(to, sizeof to, s->v[aside[k]].a.id);
		unlinkat(s->dirfd, to, 0);
	}
	if (nset > 0)
		fsync(s->dirfd);
	for (size_t i = s->n; i-- > 0;)
		if (skip[i] == 2)
			drop_entry(s, i);
	if (a != NULL) {
		unrec_drop(s, copy.id);   /* its file is the new one now: never delete it */
		old = find_entry(s, copy.id);
		if (old != NULL) {
			alert_clear(&old->a);
			old->a = copy;
			old->seq = s->seq++;
		} else {
			s->v[s->n].a = copy;
			s->v[s->n].seq = s->seq++;
			s->n++;
		}
		if (id_out != NULL)
			memcpy(id_out, copy.id, ALERT_ID_MAX + 1);
		memset(&copy, 0, sizeof copy);   /* the store owns it now */
		if (s->n > 1)
			qsort(s->v, s->n, sizeof s->v[0], entry_cmp);
	} else if (id_out != NULL) {
		id_out[0] = '\0';
	}
	if (removed != NULL)
		*removed = n;
	rc = 0;
	goto out;
undo:
	while (nset > 0) {
		nset--;
		final_name(from, sizeof from, s->v[aside[nset]].a.id);
		gone_name(to, sizeof to, s->v[aside[nset]].a.id);
		renameat(s->dirfd, to, s->dirfd, from);
	}
	fsync(s->dirfd);
out:
	/* stored (it is in s->v now) or not: the staged copy is over */
	if (staged)
		s->stage(s->stage_arg, NULL);
	alert_clear(&copy);
	free(skip);
	free(aside);
	return rc;
}

int
alert_store_put(struct alert_store *s, const struct alert *a, long long now,
    char *id_out, char *err, size_t errlen)
{
	return alert_store_replace(s, a, NULL, 0, now, id_out, NULL, err, errlen);
}

int
alert_store_remove(struct alert_store *s, const char *id, char *err, size_t errlen)
{
	int n;

	if (find_entry(s, id) == NULL)
		return 1;
	if (alert_store_replace(s, NULL, &id, 1, 0, NULL, &n, err, errlen) < 0)
		return -1;
	return 0;
}

static int
unpersist(struct alert_store *s, const char *id, char *err, size_t errlen)
{
	char final[ALERT_ID_MAX + 16];

	final_name(final, sizeof final, id);
	if (unlinkat(s->dirfd, final, 0) < 0 && errno != ENOENT) {
		ls_errf(err, errlen, "%s/%s: cannot remove: %s", s->dir, final, strerror(errno));
		return -1;
	}
	return 0;
}

int
alert_store_remove_all(struct alert_store *s, char *err, size_t errlen)
{
	int n = 0;

	while (s->n > 0) {
		if (unpersist(s, s->v[s->n - 1].a.id, err, errlen) < 0) {
			fsync(s->dirfd);
			return -1;
		}
		drop_entry(s, s->n - 1);
		n++;
	}
	if (fsync(s->dirfd) < 0) {
		ls_errf(err, errlen, "%s: cannot sync the directory: %s", s->dir, strerror(errno));
		return -1;
	}
	return n;
}

int
alert_store_withdraw(struct alert_store *s, const char *id, int *unrecorded, char *err, size_t errlen)
{
	int n = 0, bad = 0;
	size_t before = s->nunrec;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	for (size_t i = s->n; i-- > 0;) {
		char why[512];

		if (id != NULL && strcmp(s->v[i].a.id, id) != 0)
			continue;
		if (unpersist(s, s->v[i].a.id, why, sizeof why) < 0) {
			/* Off the boards all the same: a false alarm must come down even
			 * when the disk says no.  The file is retried later. */
			void *nv = realloc(s->unrec, (s->nunrec + 1) * sizeof *s->unrec);
			if (nv != NULL) {
				s->unrec = nv;
				memcpy(s->unrec[s->nunrec++], s->v[i].a.id, ALERT_ID_MAX + 1);
			}
			if (bad++ == 0)
				ls_errf(err, errlen, "%s", why);
		}
		drop_entry(s, i);
		n++;
	}
	/* Cleared before but not recorded: try again now (the operator may
	 * have fixed the directory and repeated the clear). */
	for (size_t i = before; i-- > 0;) {
		char why[512], uid[ALERT_ID_MAX + 1];

		memcpy(uid, s->unrec[i], sizeof uid);
		if (id != NULL && strcmp(uid, id) != 0)
			continue;
		n++;
		if (unpersist(s, uid, why, sizeof why) == 0)
			unrec_drop(s, uid);
		else if (bad++ == 0)
			ls_errf(err, errlen, "%s", why);
	}
	if (n > bad && fsync(s->dirfd) < 0 && bad == 0)
		ls_errf(err, errlen, "%s: cannot sync the directory: %s", s->dir, strerror(errno));
	if (unrecorded != NULL)
		*unrecorded = bad;
	return n;
}

size_t
alert_store_unrecorded(const struct alert_store *s)
{
	return s->nunrec;
}

int
alert_store_expire(struct alert_store *s, long long now)
{
	int n = 0;
	size_t was = s->nunrec;

	for (size_t i = 0; i < s->n;) {
		if (s->v[i].a.expires != 0 && s->v[i].a.expires <= now) {
			/* An expired file left behind by a failed unlink is dropped at the next open anyway. */
			unpersist(s, s->v[i].a.id, NULL, 0);
			drop_entry(s, i);
			n++;
		} else {
			i++;
		}
	}
	for (size_t i = s->nunrec; i-- > 0;) {
		char id[ALERT_ID_MAX + 1];

		memcpy(id, s->unrec[i], sizeof id);
		if (find_entry(s, id) != NULL || unpersist(s, id, NULL, 0) == 0)
			unrec_drop(s, id);
	}
	if (n > 0 || s->nunrec != was)
		fsync(s->dirfd);
	return n;
}

long long
alert_store_next_change(const struct alert_store *s, long long now)
{
	long long next = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct alert *a = &s->v[i].a;
		if (a->start > now && (next == 0 || a->start < next))
			next = a->start;
		if (a->expires > now && (next == 0 || a->expires < next))
			next = a->expires;
	}
	return next;
}

size_t
alert_store_count(const struct alert_store *s)
{
	return s->n;
}

const struct alert *
alert_store_at(const struct alert_store *s, size_t i)
{
	return i < s->n ? &s->v[i].a : NULL;
}

const struct alert *
alert_store_find(const struct alert_store *s, const char *id)
{
	struct entry *e = find_entry(s, id);

	return e ? &e->a : NULL;
}

const struct alert *
alert_store_for_board(const struct alert_store *s, const struct ls_board *b, long long now)
{
	const struct alert *best = NULL;

	/* Sorted oldest first, so ">=" leaves the newest among equal levels. */
	for (size_t i = 0; i < s->n; i++) {
		const struct alert *a = &s->v[i].a;
		if (alert_live(a, now) && alert_targets(a, b) && (best == NULL || a->level >= best->level))
			best = a;
	}
	return best;
}

const struct alert *
alert_pick_for_board(const struct alert *v, size_t n, const struct ls_board *b, long long now)
{
	const struct alert *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (alert_live(&v[i], now) && alert_targets(&v[i], b) && (best == NULL || v[i].level >= best->level))
			best = &v[i];
	return best;
}

/* ---- the look ---- */

/* Rough width of UTF-8 text in ems: ASCII half an em, everything else (CJK) one.
 * Only used to decide between a static page and a scroll, so rough is enough. */
static double
text_ems(const char *s, int *lines)
{
	double ems = 0;

	*lines = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			(*lines)++;
		else if (*p < 0x80)
			ems += 0.55;
		else if ((*p & 0xc0) != 0x80)
			ems += 1;
	}
	return ems;
}

/* Does the text fit on one page at a legible size?  Legible = 12 px (the
 * smallest bitmap strikes) or the board height if that is smaller. */
static int
fits_page(const char *text, int width, int height)
{
	int minpx = height < 12 ? height : 12, lines;
	double ems = text_ems(text, &lines);

	if (minpx <= 0)
		return 0;
	for (int px = height; px >= minpx; px--) {
		int rows = height / px;
		double per_row = (double)width / px;
		/* 0.85: line breaking never fills every row to the last pixel */
		if (rows >= lines && ems <= rows * per_row * 0.85)
			return 1;
	}
	return 0;
}

struct level_style {
	ls_rgb fg, bg;            /* on full-colour boards */
	ls_rgb fg_rg, bg_rg;      /* on red-green boards */
	int    flash;
	double flash_hz;
	int    brightness;        /* -1 = the board's own */
};

static const struct level_style styles[] = {
	/* info: the board's usual look, white on dark blue so it is not mistaken for content */
	[ALERT_INFO] = { 0xFFFFFF, 0x000080, 0x00FF00, 0x000000, 0, 0, -1 },
	/* warning: black on amber, steady, at least 80 % brightness */
	[ALERT_WARNING] = { 0x000000, 0xFFB000, 0xFFFF00, 0x000000, 0, 0, 80 },
	/* emergency: white on red, flashing twice a second, full brightness */
	[ALERT_EMERGENCY] = { 0xFFFFFF, 0xFF0000, 0xFF0000, 0x000000, 1, 2.0, 100 },
};

int
alert_look_build(const struct alert *a, const struct ls_board *b, struct alert_look *out)
{
	const struct level_style *st = &styles[a->level <= ALERT_EMERGENCY ? a->level : ALERT_EMERGENCY];
	struct ls_content *c = &out->content;
	size_t nlen = strlen(a->id) + 7;

	memset(out, 0, sizeof *out);
	c->name = malloc(nlen);
	c->text = strdup(a->text ? a->text : "");
	if (c->name == NULL || c->text == NULL) {
		alert_look_clear(out);
		return -1;
	}
	snprintf(c->name, nlen, "alert:%s", a->id);
	c->size = 0;                       /* auto-fit: the largest size that fits the board */
	c->align = LS_ALIGN_CENTER;
	c->valign = LS_VALIGN_MIDDLE;
	c->fit = LS_FIT_FIT;
	c->repeat = 1;
	c->duration = 0;
	switch (b->format) {
	case LS_FMT_MONO:
		/* lit text on dark: the only contrast a one-colour board has */
		c->color = 0xFFFFFF;
		c->background = 0x000000;
		break;
	case LS_FMT_REDGREEN:
		c->color = st->fg_rg;
		c->background = st->bg_rg;
		break;
	default:
		c->color = st->fg;
		c->background = st->bg;
		break;
	}
	if (!fits_page(c->text, b->width, b->height)) {
		/* too long for one page: scroll, about three glyph heights per second */
		c->effect = LS_FX_SCROLL_LEFT;
		c->speed = b->height > 0 ? 3.0 * b->height : 48;
	} else if (st->flash) {
		c->effect = LS_FX_FLASH;
		c->flash_hz = st->flash_hz;
	} else {
		c->effect = LS_FX_STATIC;
	}
	out->level = a->level;
	out->brightness = st->brightness < 0 ? b->brightness :
	    (b->brightness > st->brightness ? b->brightness : st->brightness);
	return 0;
}

int
alert_look_matches(const struct alert_look *l, const struct alert *a)
{
	const char *name = l->content.name;

	return name != NULL && strncmp(name, "alert:", 6) == 0 && strcmp(name + 6, a->id) == 0 &&
	    l->level == a->level && l->content.text != NULL && a->text != NULL && strcmp(l->content.text, a->text) == 0;
}

void
alert_look_clear(struct alert_look *l)
{
	if (l == NULL)
		return;
	free(l->content.name);
	free(l->content.text);
	memset(l, 0, sizeof *l);
}
