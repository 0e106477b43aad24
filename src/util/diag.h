/*
 * diag.h — collected diagnostics: "FILE:LINE: error: message".
 *
 * Library code never prints.  It appends to a struct ls_diag and the CLI
 * or daemon decides where the lines go.  Collecting (not stopping at the
 * first problem) is what lets `ledsign check` report every mistake at once.
 */
#ifndef LEDSIGN_DIAG_H
#define LEDSIGN_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum ls_diag_level { LS_DIAG_ERROR, LS_DIAG_WARNING };

struct ls_diag_msg {
	enum ls_diag_level level;
	char *file;     /* may be NULL */
	int   line;     /* 0 = no line */
	char *text;
};

struct ls_diag {
	struct ls_diag_msg *v;
	size_t n, cap;
	size_t errors, warnings;
};

/* Append a message; out of memory is counted as an error but the text is lost. */
void ls_diag_add(struct ls_diag *, enum ls_diag_level, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Print every message, one per line, in the order added. */
void ls_diag_print(const struct ls_diag *, FILE *);
/* Format one message as "file:line: error: text". */
void ls_diag_format(const struct ls_diag_msg *, char *buf, size_t len);
/* Format an error message into a caller's buffer (err may be NULL or len 0:
 * then nothing is written).  The one helper behind every "char *err, size_t
 * errlen" out-parameter in library code. */
void ls_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Order messages by file and line (stable), so a report reads top to bottom. */
void ls_diag_sort(struct ls_diag *);
/* Release the messages; the struct itself is the caller's. */
void ls_diag_clear(struct ls_diag *);

#endif
