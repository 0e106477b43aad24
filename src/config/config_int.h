/*
 * config_int.h — the key tables config.c checks every file by, for the
 * other files of src/config/ (the staff file's writer, writer.c): one
 * description of each setting, so what is read and what is written cannot
 * disagree.
 */
#ifndef LEDSIGN_CONFIG_INT_H
#define LEDSIGN_CONFIG_INT_H

#include <stddef.h>
#include "config/model.h"

/* FNV-1a of a name: the hash of the loader's check index (config.c) and
 * of the config's own index (model_index.c). */
size_t ls_name_hash(const char *s);

/* What a key's value must be, and how it is stored. */
enum key_type {
	K_STR,       /* char * */
	K_INT,       /* int, within [min, max] */
	K_NUM,       /* double, within [min, max]; integers accepted */
	K_BOOL,      /* int 0/1 */
	K_ENUM,      /* int: index into names[] (or the value in vals[]) */
	K_STRLIST,   /* struct ls_strlist; a single string is a list of one */
	K_COLOR,     /* ls_rgb: "#RRGGBB" or a colour name */
	K_DATE,      /* ls_day: "YYYY-MM-DD" */
	K_DATELIST,  /* rule dates */
	K_HOURS,     /* "HH:MM-HH:MM" into two ints (start, end) at off */
	K_WEEKDAYS,  /* uint8_t bitmask */
	K_PARITY,    /* char */
	K_FLOW,      /* char */
	K_SPECIAL,   /* handled by the section's own code (only type-checked here) */
};

/*
 * One setting.  The tables below are also the reference: `ledsign
 * config-doc` (ls_config_doc) prints docs/config.md's tables from them, and
 * integration test 06 fails when the file differs.  The type and default
 * columns are derived (type, min, max; the value the section's defaults
 * function sets) unless `type_doc` or `def` say otherwise.
 */
struct key {
	const char   *name;
	enum key_type type;
	int           required;
	double        min, max;
	size_t        off;
	const char *const *names;   /* K_ENUM */
	const char   *help;         /* one line, for messages ("missing required setting") */
	const char   *doc;          /* docs/config.md's meaning (Markdown); NULL: help */
	const char   *def;          /* docs/config.md's default (Markdown); NULL: derived */
	const char   *type_doc;     /* docs/config.md's type; NULL: derived */
};


/* The sections staff edit (content, playlists, schedule), as the loader
 * reads them: the list's name, its key table, the size of one element and
 * the function that gives a fresh element its defaults (NULL: zeroes). */
struct config_staff_section {
	const char       *list;
	const struct key *keys;
	size_t            size;
	void (*defaults)(void *obj);
};
extern const struct config_staff_section config_staff_content, config_staff_playlists, config_staff_schedule;
/* A playlist item written as a group { item = ...; ... }. */
extern const struct key config_entry_keys[];
/* Names of K_ENUM values are in each key; colours: the name of c when it
 * has one ("red"), else NULL. */
const char *config_color_name(ls_rgb c);

/* ls_config_load_flags on `text`, the main file's contents as if read
 * from `path` (paths and @include resolve against path's directory). */
struct ls_diag;
struct ls_config *config_load_text(const char *path, const char *text, unsigned flags, struct ls_diag *diag);

#endif
