/*
 * staff.h — the staff file (docs/config.md, "The staff file"): which file a
 * config @includes for its content, playlists and schedule, and checking a
 * config as it would be with another text in that file, without writing it.
 *
 * The candidate text takes the place of the @include line in memory, the
 * whole is parsed and checked as `ledsign check` does (ls_check_config), and
 * every message and every element's file and line are mapped back, so an
 * error in the candidate reads "STAFF:LINE: ..." exactly as it would once
 * saved.  Nothing here writes a file.
 */
#ifndef LEDSIGN_CONFIG_STAFF_H
#define LEDSIGN_CONFIG_STAFF_H

#include <stddef.h>
#include "config/model.h"
#include "util/diag.h"

/* Longest staff file accepted (the control socket's long line carries it). */
#define LS_STAFF_MAX (1024 * 1024)

/* How a staff file's name ends: `@include "campus.staff.cfg"`.  Other
 * includes (a district's campaign bundle, docs/district.md) are not it. */
#define LS_STAFF_SUFFIX ".staff.cfg"

/* The staff file of the config at `path`: the file named by its first
 * `@include "NAME.staff.cfg"` line, resolved against path's directory.  A malloc'd
 * path, or NULL with a reason in err (no such line, unreadable file). */
char *ls_staff_path(const char *path, char *err, size_t errlen);

/* Load and check `path` as `ledsign check` does, with `staff_text` in place
 * of its staff file (NULL: the file as it is).  Also refuses a staff text
 * holding anything but content, playlists and schedule, or an @include.
 * Returns the config (the caller frees it) or NULL with the errors in diag. */
struct ls_config *ls_check_config(const char *path, const char *staff_text, struct ls_diag *diag);

/* The checks `ledsign check` makes on a config that loaded: the schedule
 * (overlaps, rules that never apply, boards with nothing to show), and with
 * a renderer (rc may be NULL) glyphs, live fields, layout areas and
 * legibility at `now`.  Problems go to diag. */
struct render_ctx;
void ls_check_plan(struct render_ctx *rc, const struct ls_config *, double now, struct ls_diag *diag);

/* Where line `line` of a staff text is: the section ("content",
 * "playlists", "schedule"), the element's name and, when the message names
 * one of its settings, that setting.  Empty strings for what is not known.
 * msg is the diagnostic's text (may be NULL). */
void ls_staff_locate(const char *staff_text, int line, const char *msg, char *section, size_t seclen,
    char *item, size_t itemlen, char *key, size_t keylen);

#endif
