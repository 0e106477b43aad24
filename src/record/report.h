/*
 * report.h — proof-of-play reports: hours shown per item and board (or
 * group, or school), and the alert timeline, as CSV or a PNG chart.
 *
 * A report is built in memory from one or more proof-of-play files
 * (record_read), then written.  `ledsign report` makes one from a school's
 * file; `ledsign district report` from every school's, with the school's
 * name in front of each board ("school/board").  Library code: it writes
 * the file it is asked to and says what went wrong in err; it never prints.
 */
#ifndef LEDSIGN_REPORT_H
#define LEDSIGN_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct report;
struct tz;

struct report_row {
	char  *key;                   /* board, group or school/board */
	char  *item;
	double seconds;
	uint64_t frames, plays;
};
struct report_alert {
	double time;
	char  *where;                 /* the school, or "" */
	char  *event, *id, *level, *targets;
};

/* A report of [from, to); times in the output are shown in zone tz (not
 * owned; NULL = UTC).  NULL when out of memory. */
struct report *report_new(double from, double to, const struct tz *tz);
void report_free(struct report *);

/* Which keys a play counts under: called with the board's name, it calls
 * add(key) once per key (none: the board is left out).  NULL: the board's
 * own name. */
typedef void (*report_key_add)(struct report *, const char *key);
typedef void (*report_keys_fn)(void *arg, struct report *, const char *board, report_key_add add);

/* Add one proof-of-play file.  Board names get `prefix` + "/" in front
 * when prefix is not NULL (a school), and so does the alert timeline's
 * where.  0, or -1 + err. */
int  report_add_file(struct report *, const char *path, const char *prefix, report_keys_fn keys, void *arg,
    char *err, size_t errlen);

/* Add one row or one alert by hand (a school's answer over the network,
 * already summed).  0, or -1 when out of memory. */
int  report_add_row(struct report *, const char *key, const char *item, double seconds, uint64_t frames,
    uint64_t plays);
int  report_add_alert(struct report *, const char *where, double time, const char *event, const char *id,
    const char *level, const char *targets);

/* The rows, sorted by key then item, and the alerts in time order. */
size_t report_nrows(const struct report *);
const struct report_row *report_row(const struct report *, size_t i);
size_t report_nalerts(const struct report *);
const struct report_alert *report_alert(const struct report *, size_t i);
/* Totals over every row. */
void report_totals(const struct report *, double *seconds, uint64_t *frames);

/* Write the report to `path`: CSV when it ends in .csv, a PNG chart when
 * it ends in .png; "-" is CSV to stdout.  `key_title` heads the first
 * column ("board", "group", "school/board").  0, or -1 + err. */
int  report_write(const struct report *, const char *path, const char *key_title, char *err, size_t errlen);

#endif
