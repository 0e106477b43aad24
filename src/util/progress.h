/*
 * progress.h — a progress bar for pushes that take a while.
 *
 * For commands such as `ledsign send`: a poster to a 9600-baud board takes
 * seconds.  On a terminal, after the first second, one line is redrawn in
 * place: bar, bytes, rate and time left.  When the output is not a
 * terminal nothing is drawn while running, and progress_done prints one
 * plain result line.  The caller owns the clock (pass monotonic seconds,
 * e.g. xport_now()) so the formatting can be tested.
 */
#ifndef LEDSIGN_PROGRESS_H
#define LEDSIGN_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

struct progress {
	FILE  *out;
	int    tty;           /* draw the bar (out is a terminal) */
	char   label[64];     /* e.g. the board name */
	size_t total;         /* bytes expected; 0 = unknown */
	double start, last_draw;
	int    drawn;         /* a bar line is on screen */
};

/* Start tracking a push of `total` bytes at time `now`.  tty < 0 asks isatty(out). */
void progress_begin(struct progress *, FILE *out, int tty, const char *label, size_t total,
    double now);
/* Report `done` bytes at `now`; redraws at most 10 times a second, only after 1 s. */
void progress_update(struct progress *, size_t done, double now);
/* Finish: clear the bar and print one line "LABEL: N bytes in T s (R/s)" or the error. */
void progress_done(struct progress *, size_t done, double now, const char *error);
/* Finish quietly: clear the bar if one is drawn and print nothing else,
 * for callers that print their own result line. */
void progress_end(struct progress *);
/* Format the bar line into buf (no newline); `width` is the bar's width in cells. */
void progress_format(char *buf, size_t len, const char *label, size_t done, size_t total,
    double elapsed, int width);
/* "1.5 KiB", "12.0 MiB". */
void progress_bytes(char *buf, size_t len, double bytes);

#endif
