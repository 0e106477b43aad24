/* record.c — proof of play in SQLite (see record.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "daemon/event.h"
#include "record/record.h"
#include "record/db.h"

/* A row waiting for the writer. */
struct record_row {
	int    alert;                 /* 0 play, 1 alert */
	char   board[64], item[64], rule[128];
	double start, end;
	uint64_t frames;
	char   event[8], id[97], level[16], targets[160];
};

/* What one board is showing, as far as the recorder knows. */
struct record_board {
	char   name[64], item[64], rule[128];
	int    have_item;             /* an item_start came */
	int    online;
	double start;                 /* first ack of the open play (0: none open) */
	uint64_t frames;
	struct record_board *next;    /* hash chain */
};

#define RECORD_HASH 1024

struct record {
	double offset;
	sqlite3 *db;
	struct record_board *hash[RECORD_HASH];
	/* shared with the writer, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct record_row *pending;
	size_t npending, cap;
	int    stop;
	uint64_t lost;
	char   error[256];
};

static const char record_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "INSERT OR IGNORE INTO meta VALUES('schema','1');"
    "CREATE TABLE IF NOT EXISTS plays(board TEXT NOT NULL, item TEXT NOT NULL, rule TEXT NOT NULL,"
    " start REAL NOT NULL, end REAL NOT NULL, frames INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS plays_time ON plays(start, end);"
    "CREATE TABLE IF NOT EXISTS alerts(time REAL NOT NULL, event TEXT NOT NULL, id TEXT NOT NULL,"
    " level TEXT NOT NULL, targets TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alerts_time ON alerts(time);";

static unsigned
record_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % RECORD_HASH;
}

static struct record_board *
record_board(struct record *r, const char *name)
{
	unsigned h = record_hash(name);
	struct record_board *b;

	for (b = r->hash[h]; b; b = b->next)
		if (strcmp(b->name, name) == 0)
			return b;
	b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	snprintf(b->name, sizeof b->name, "%s", name);
	b->online = 1;
	b->next = r->hash[h];
	r->hash[h] = b;
	return b;
}

/* Queue a row for the writer (bounded). */
static void
record_push(struct record *r, const struct record_row *row)
{
	pthread_mutex_lock(&r->mu);
	if (r->npending >= RECORD_PENDING_MAX) {
		r->lost++;
	} else {
		if (r->npending == r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 256;
			struct record_row *np = realloc(r->pending, ncap * sizeof *np);

			if (!np) {
				r->lost++;
				pthread_mutex_unlock(&r->mu);
				return;
			}
			r->pending = np;
			r->cap = ncap;
		}
		r->pending[r->npending++] = *row;
	}
	pthread_mutex_unlock(&r->mu);
}

/* End b's open play at `end` (daemon clock). */
static void
record_end_play(struct record *r, struct record_board *b, double end)
{
	struct record_row row;

	if (b->start == 0) {
		b->start = 0;
		b->frames = 0;
		return;
	}
	memset(&row, 0, sizeof row);
	snprintf(row.board, sizeof row.board, "%s", b->name);
	snprintf(row.item, sizeof row.item, "%s", b->item);
	snprintf(row.rule, sizeof row.rule, "%s", b->rule);
	row.start = b->start;
	row.end = end < b->start ? b->start : end;
	row.frames = b->frames;
	record_push(r, &row);
	b->start = 0;
	b->frames = 0;
}

void
record_event(struct record *r, const struct ls_event *ev)
{
	struct record_board *b;
	double t;

	if (!r)
		return;
	t = ev->time + r->offset;
	switch (ev->type) {
	case EVENT_ITEM_START:
	case EVENT_ITEM_STOP:
	case EVENT_FRAME_ACK:
	case EVENT_LINK:
		if ((b = record_board(r, ev->board)) == NULL)
			return;
		break;
	case EVENT_ALERT_RAISED:
	case EVENT_ALERT_CLEARED:
	case EVENT_ALERT_EXPIRED: {
		struct record_row row;

		memset(&row, 0, sizeof row);
		row.alert = 1;
		row.start = t;
		snprintf(row.event, sizeof row.event, "%s", ev->type == EVENT_ALERT_RAISED ? "raised" :
		    ev->type == EVENT_ALERT_CLEARED ? "cleared" : "expired");
		snprintf(row.id, sizeof row.id, "%s", ev->id);
		snprintf(row.level, sizeof row.level, "%s", ev->level);
		snprintf(row.targets, sizeof row.targets, "%s", ev->targets);
		record_push(r, &row);
		return;
	}
	default:
		return;
	}
	switch (ev->type) {
	case EVENT_ITEM_START:
		record_end_play(r, b, t);
		snprintf(b->item, sizeof b->item, "%s", ev->item);
		snprintf(b->rule, sizeof b->rule, "%s", ev->rule);
		b->have_item = 1;
		break;
	case EVENT_ITEM_STOP:
		record_end_play(r, b, t);
		b->have_item = 0;
		break;
	case EVENT_FRAME_ACK:
		/* an acknowledgement before any item_start (a frame the board
		 * confirms after a reload re-made its player) has nothing to be
		 * counted against */
		if (!b->have_item)
			break;
		if (b->start == 0)
			b->start = t;
		/* "stored": the board confirms it plays its stored programme; no
		 * frame was sent, so none is counted, but the play goes on */
		if (strcmp(ev->reason, "stored") != 0)
			b->frames++;
		break;
	case EVENT_LINK:
		b->online = strcmp(ev->to, "online") == 0;
		/* the board showed what it acknowledged until its link went */
		if (!b->online)
			record_end_play(r, b, t);
		break;
	default:
		break;
	}
}

void
record_tick(struct record *r, double now)
{
	double t;

	if (!r)
		return;
	t = now + r->offset;
	for (size_t h = 0; h < RECORD_HASH; h++)
		for (struct record_board *b = r->hash[h]; b; b = b->next)
			if (b->start != 0 && t - b->start >= RECORD_SPLIT_S) {
				record_end_play(r, b, t);
				/* the item goes on: the next acknowledgement opens the next play */
			}
}

/* Insert a batch in one transaction.  Writer thread only. */
static void
record_write(struct record *r, const struct record_row *rows, size_t n)
{
	sqlite3_stmt *play = NULL, *alert = NULL;
	char err[256] = "";
	int rc;

	if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(r->db, "INSERT INTO plays VALUES(?,?,?,?,?,?)", -1, &play, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "INSERT INTO alerts VALUES(?,?,?,?,?)", -1, &alert, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct record_row *w = &rows[i];
		sqlite3_stmt *s = w->alert ? alert : play;

		sqlite3_reset(s);
		if (w->alert) {
			sqlite3_bind_double(s, 1, w->start);
			sqlite3_bind_text(s, 2, w->event, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, w->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 4, w->level, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 5, w->targets, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_text(s, 1, w->board, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, w->item, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, w->rule, -1, SQLITE_STATIC);
			sqlite3_bind_double(s, 4, w->start);
			sqlite3_bind_double(s, 5, w->end);
			sqlite3_bind_int64(s, 6, (sqlite3_int64)w->frames);
		}
		if ((rc = sqlite3_step(s)) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(play);
	sqlite3_finalize(alert);
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail_nostmt;
	return;
fail:
	sqlite3_finalize(play);
	sqlite3_finalize(alert);
fail_nostmt:
	snprintf(err, sizeof err, "%s", sqlite3_errmsg(r->db));
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_lock(&r->mu);
	snprintf(r->error, sizeof r->error, "%s", err);
	r->lost += n;
	pthread_mutex_unlock(&r->mu);
}

static void *
record_writer(void *arg)
{
	struct record *r = arg;
	struct record_row *batch = NULL;
	size_t bcap = 0;
	int stop = 0;

	while (!stop) {
		struct timespec ts;
		size_t n;

		pthread_mutex_lock(&r->mu);
		if (!r->stop) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (RECORD_COMMIT_MS % 1000) * 1000000L;
			ts.tv_sec += RECORD_COMMIT_MS / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		}
		stop = r->stop;
		/* take the whole batch: swap buffers, so the loop appends to an empty one */
		{
			struct record_row *t = r->pending;
			size_t tc = r->cap;

			n = r->npending;
			r->pending = batch;
			r->cap = bcap;
			r->npending = 0;
			batch = t;
			bcap = tc;
		}
		pthread_mutex_unlock(&r->mu);
		if (n > 0)
			record_write(r, batch, n);
	}
	free(batch);
	return NULL;
}

struct record *
record_open(const char *dir, double clock_offset, char *err, size_t errlen)
{
	struct record *r = calloc(1, sizeof *r);
	char path[4096];

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->offset = clock_offset;
	snprintf(path, sizeof path, "%s/%s", dir, RECORD_FILE);
	if (record_db_open(path, SQLITE_OPEN_NOMUTEX, 2000, record_schema,
	    "; move the file aside if it is not ledsign's proof of play", &r->db, err, errlen) < 0)
		goto fail;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((errno = pthread_create(&r->thread, NULL, record_writer, r)) != 0) {
		snprintf(err, errlen, "cannot start the proof-of-play writer: %s", strerror(errno));
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		goto fail;
	}
	return r;
fail:
	sqlite3_close(r->db);
	free(r);
	return NULL;
}

uint64_t
record_lost(struct record *r)
{
	uint64_t n;

	pthread_mutex_lock(&r->mu);
	n = r->lost;
	pthread_mutex_unlock(&r->mu);
	return n;
}

void
record_last_error(struct record *r, char *buf, size_t len)
{
	pthread_mutex_lock(&r->mu);
	snprintf(buf, len, "%s", r->error);
	pthread_mutex_unlock(&r->mu);
}

void
record_close(struct record *r, double now)
{
	if (!r)
		return;
	for (size_t h = 0; h < RECORD_HASH; h++)
		for (struct record_board *b = r->hash[h]; b; b = b->next)
			record_end_play(r, b, now + r->offset);
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	sqlite3_close(r->db);
	for (size_t h = 0; h < RECORD_HASH; h++)
		while (r->hash[h]) {
			struct record_board *b = r->hash[h];

			r->hash[h] = b->next;
			free(b);
		}
	free(r->pending);
	free(r);
}

/* ---- reading ---- */

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int
record_read(const char *path, double from, double to, record_sum_fn sum_fn, record_alert_fn alert_fn, void *arg,
    char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1;

	/* frames of a play cut by the period count pro rata, so a period that
	 * covers every play adds up exactly to the acknowledgements */
	static const char q_sums[] =
	    "SELECT board, item,"
	    " SUM(MIN(end, ?2) - MAX(start, ?1)),"
	    " SUM(CASE WHEN start >= ?1 AND end <= ?2 THEN frames"
	    "  ELSE CAST(ROUND(frames * (MIN(end, ?2) - MAX(start, ?1)) / (end - start)) AS INTEGER) END),"
	    " COUNT(*), MIN(MAX(start, ?1)), MAX(MIN(end, ?2))"
	    " FROM plays WHERE end > ?1 AND start < ?2 OR (start = end AND start >= ?1 AND start < ?2)"
	    " GROUP BY board, item ORDER BY board, item";
	static const char q_alerts[] =
	    "SELECT time, event, id, level, targets FROM alerts WHERE time >= ?1 AND time < ?2 ORDER BY time, rowid";

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, q_sums, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s (is it a ledsign proof-of-play file?)", path, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_double(s, 1, from);
	sqlite3_bind_double(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct record_sum m;

		m.board = col_text(s, 0);
		m.item = col_text(s, 1);
		m.seconds = sqlite3_column_double(s, 2);
		m.frames = (uint64_t)sqlite3_column_int64(s, 3);
		m.plays = (uint64_t)sqlite3_column_int64(s, 4);
		m.first = sqlite3_column_double(s, 5);
		m.last = sqlite3_column_double(s, 6);
		if (sum_fn && sum_fn(arg, &m) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		rc = -1;
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	rc = -1;
	if (sqlite3_prepare_v2(db, q_alerts, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s (is it a ledsign proof-of-play file?)", path, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_double(s, 1, from);
	sqlite3_bind_double(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct record_alert a;

		a.time = sqlite3_column_double(s, 0);
		a.event = col_text(s, 1);
		a.id = col_text(s, 2);
		a.level = col_text(s, 3);
		a.targets = col_text(s, 4);
		if (alert_fn && alert_fn(arg, &a) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}
