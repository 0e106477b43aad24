/*
 * config.h — load and validate a libconfig file into a struct ls_config.
 *
 * Every problem found goes to `diag` with file and line; loading goes on
 * after an error so that one run reports all of them.  The result is NULL
 * when there was any error, so a caller (reload) can keep its old config.
 */
#ifndef LEDSIGN_CONFIG_H
#define LEDSIGN_CONFIG_H

#include "util/diag.h"
#include "config/model.h"

/* Parse and check `path`.  Returns a config the caller frees with
 * ls_config_free, or NULL with at least one error in diag.  Warnings may be
 * added either way. */
struct ls_config *ls_config_load(const char *path, struct ls_diag *diag);

/* Longest content text, in bytes: a text is shaped and laid out whole on
 * the daemon's event loop, and this keeps that well under a frame period
 * (docs/daemon.md, "How long a render may take"). */
#define LS_CONFIG_TEXT_MAX 4096

/* Skip the checks against this machine: installed font families, font
 * files and poster files (what `check` on another machine cannot know, and
 * what the config fuzzer must not spend its time on). */
#define LS_CONFIG_NO_SYSTEM 0x1u

/* ls_config_load with LS_CONFIG_* flags. */
struct ls_config *ls_config_load_flags(const char *path, unsigned flags, struct ls_diag *diag);
void ls_config_free(struct ls_config *);

/* The few top-level settings a client needs to reach a running daemon,
 * read leniently: from libconfig when the file parses (whatever else is
 * wrong with it), else from lines of the form `KEY = "VALUE";` in the file
 * itself (a syntax error elsewhere must not hide the daemon).  A key that is
 * not found is NULL.  0 when the file could be read, -1 with the reason in
 * err when it could not.  Free with ls_config_peek_clear. */
/* The zone of a config without a timezone setting. */
#define LS_DEFAULT_TIMEZONE "Asia/Shanghai"

struct ls_config_peek {
	char *control_socket;
	char *timezone;
	int   syntax_error;    /* 1 when libconfig could not parse the file */
};
int  ls_config_peek(const char *path, struct ls_config_peek *out, char *err, size_t errlen);
void ls_config_peek_clear(struct ls_config_peek *);

/* Resolve a path written in the config relative to the config's directory;
 * returns a malloc'd string. */
char *ls_config_resolve(const struct ls_config *, const char *path);

/* docs/config.md's reference tables, generated from the key tables that
 * check every file: one Markdown table per section between
 * "<!-- BEGIN generated ... NAME -->" and "<!-- END generated: NAME -->"
 * lines.  A malloc'd string the caller frees, or NULL out of memory. */
char *ls_config_doc(void);

/* Parse "YYYY-MM-DD" into days since 1970-01-01; -1 on a malformed or impossible date. */
int ls_parse_date(const char *s, ls_day *out);
/* "#RRGGBB" or a colour name ("red", "amber", ...): 0, or -1. */
int ls_parse_color(const char *s, ls_rgb *out);
/* "static", "scroll-left", "scroll-up", "flash": 0, or -1. */
int ls_parse_effect(const char *s, enum ls_effect *out);
/* Parse "HH:MM" (00:00..24:00) into minutes; -1 on error. */
int ls_parse_hhmm(const char *s, int *minutes);

#endif
