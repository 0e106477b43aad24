/* log.c — the one log (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "util/log.h"

static int log_syslog;
static int log_debug_on;
static log_sink_fn log_sink;
static void *log_sink_arg;

void
log_set_sink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
}

void
log_open(int use_syslog)
{
	if (use_syslog && !log_syslog)
		openlog("ledsign", LOG_PID, LOG_DAEMON);
	log_syslog = use_syslog != 0;
}

void
log_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

void
log_set_verbose(int v)
{
	log_debug_on = v != 0;
}

int
log_verbose(void)
{
	return log_debug_on;
}

static int
log_prio(enum log_level l)
{
	switch (l) {
	case LOG_LV_DEBUG: return LOG_DEBUG;
	case LOG_LV_INFO:  return LOG_INFO;
	case LOG_LV_WARN:  return LOG_WARNING;
	case LOG_LV_ERROR: return LOG_ERR;
	}
	return LOG_INFO;
}

void
log_vmsg(enum log_level l, const char *subsys, const char *board, const char *fmt, va_list ap)
{
	char msg[1024], tag[40] = "";

	if (l == LOG_LV_DEBUG && !log_debug_on)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_sink != NULL) {
		log_sink(log_sink_arg, l, subsys, board, msg);
		return;
	}
	if (log_debug_on)
		snprintf(tag, sizeof tag, "[%s] ", subsys ? subsys : "-");
	if (log_syslog) {
		syslog(log_prio(l), "%s: %s%s", board ? board : "daemon", tag, msg);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		/* one fprintf per line: lines of concurrent writers do not interleave */
		fprintf(stderr, "%s.%03ld ledsign: %s: %s%s\n", when, ts.tv_nsec / 1000000,
		    board ? board : "daemon", tag, msg);
	}
}

void
log_msg(enum log_level l, const char *subsys, const char *board, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(l, subsys, board, fmt, ap);
	va_end(ap);
}
