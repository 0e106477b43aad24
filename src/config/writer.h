/*
 * writer.h — the staff file: the content, playlists and schedule of a
 * config written out in one canonical format, so that the file the console
 * saves is the file `ledsign check` and the controller read.
 *
 * Canonical: a fixed header, then the three lists in that order, one
 * element per line, settings in key-table order, only those that differ
 * from the default (required ones always), strings escaped the way
 * libconfig reads them.  Writing the model read from a canonical file gives
 * the same bytes back, so a version's diff shows what staff changed and
 * nothing else.  Pure: model in, text out; no I/O.
 */
#ifndef LEDSIGN_CONFIG_WRITER_H
#define LEDSIGN_CONFIG_WRITER_H

#include <stddef.h>
#include "config/model.h"

/* The staff file's first line; a file that starts with it was written here. */
#define CONFIG_WRITER_MAGIC "# ledsign staff file"

/* The staff text of cfg's content, playlists and schedule: malloc'd, NUL
 * terminated, its length in *len (may be NULL); NULL when out of memory. */
char *config_write_staff(const struct ls_config *cfg, size_t *len);

/* s as a libconfig string literal, quotes included (malloc'd; NULL out of memory). */
char *config_quote(const char *s);
/* One playlist as its staff-file element, "{ name = ...; items = (...); }"
 * (malloc'd; NULL out of memory): for an editor that reorders entries. */
char *config_write_playlist(const struct ls_playlist *);

/* The settings a staff file may hold at top level: "content", "playlists",
 * "schedule"; 1 when name is one of them. */
int config_staff_key(const char *name);

#endif
