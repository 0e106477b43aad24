/*
 * log.h — the one log of the daemon (OpenBSD ntpd's log.c is the model).
 *
 * Every line names its subsystem ("daemon", "player", "control", "events")
 * and, when it is about one board, that board.  Lines go to stderr as
 *   2026-01-31 12:00:00.123 ledsign: BOARD: message
 * (BOARD is "daemon" when the line is about no board), or to syslog as
 * "BOARD: message"; the same text either way, so greps and log watchers see
 * one format.  The subsystem is shown only at debug verbosity, after the
 * board: "ledsign: BOARD: [player] message", so the default format stays as
 * it always was.  Debug lines are written only after log_set_verbose(1)
 * (`ledsign play -v`/`--debug`).
 *
 * The state is process-wide, as a log is: log_open once in the daemon.
 * Without log_open lines go to stderr at info level.
 */
#ifndef LEDSIGN_LOG_H
#define LEDSIGN_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LV_DEBUG,
	LOG_LV_INFO,
	LOG_LV_WARN,
	LOG_LV_ERROR,
};

/* Where lines go: syslog (ident "ledsign", facility daemon) or stderr. */
void log_open(int use_syslog);
/* Close syslog if it was opened; lines go to stderr again. */
void log_close(void);
/* Send lines to fn instead of stderr or syslog (tests that check what is
 * logged); NULL restores.  msg is the formatted message, without board or tag. */
typedef void (*log_sink_fn)(void *arg, enum log_level, const char *subsys, const char *board, const char *msg);
void log_set_sink(log_sink_fn fn, void *arg);
/* 1: write debug lines too (and show each line's subsystem). */
void log_set_verbose(int);
int  log_verbose(void);

/* One line.  subsys: who says it (not NULL); board: the board it is about, or NULL. */
void log_msg(enum log_level, const char *subsys, const char *board, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void log_vmsg(enum log_level, const char *subsys, const char *board, const char *fmt, va_list);

#define log_debug(sub, board, ...) log_msg(LOG_LV_DEBUG, sub, board, __VA_ARGS__)
#define log_info(sub, board, ...)  log_msg(LOG_LV_INFO, sub, board, __VA_ARGS__)
#define log_warn(sub, board, ...)  log_msg(LOG_LV_WARN, sub, board, __VA_ARGS__)
#define log_error(sub, board, ...) log_msg(LOG_LV_ERROR, sub, board, __VA_ARGS__)

#endif
