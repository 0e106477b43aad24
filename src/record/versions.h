/*
 * versions.h — the history of the staff file (config/staff.h): every text
 * the controller wrote, with who, when, a readable diff against the
 * version before, and what it was restored from.  In SQLite (the
 * controller keeps STATE_DIR/versions.db); append-only: triggers refuse
 * UPDATE and DELETE.  The last version's text is also what tells a hand
 * edit of the file from ledsign's own writing (docs/console.md, "History").
 * Nothing here prints.
 */
#ifndef LEDSIGN_VERSIONS_H
#define LEDSIGN_VERSIONS_H

#include <stddef.h>
#include <stdint.h>

struct versions;

struct versions_entry {
	long long id;          /* 1, 2, ... (set by versions_add) */
	double time;           /* Unix seconds */
	const char *author;    /* "web:alice", "uid 1000", "hand edit" */
	const char *file;      /* the staff file's path */
	const char *hash;      /* versions_hash of text */
	const char *text;      /* the whole file */
	const char *diff;      /* unified diff from the version before ("" for the first) */
	const char *summary;   /* one line: "+3 -1 lines", "restored version 4", ... */
	long long restored_from;  /* 0 unless a restore */
};

/* Open (creating when missing) the history at path.  NULL + err. */
struct versions *versions_open(const char *path, char *err, size_t errlen);
void versions_close(struct versions *);   /* accepts NULL */

/* A text's fingerprint: 16 hex digits of FNV-1a 64 (a name for a version
 * and the base of a save, not a defence: hand edits are told by comparing
 * the text itself).  out has 17 bytes. */
void versions_hash(const char *text, size_t len, char out[17]);

/* Append one version: its diff is made here from the latest version's
 * text (time 0: now).  0 with *id set (may be NULL), or -1 + err. */
int versions_add(struct versions *, const struct versions_entry *, long long *id, char *err, size_t errlen);

/* One version (id 0: the latest).  Strings in *out are malloc'd; free them
 * with versions_entry_free.  1 found, 0 none, -1 + err. */
int versions_get(struct versions *, long long id, struct versions_entry *out, char *err, size_t errlen);
void versions_entry_free(struct versions_entry *);

/* Versions newest first (text and diff left NULL), at most limit; fn
 * returns nonzero to stop.  The count, or -1 + err. */
typedef int (*versions_fn)(void *arg, const struct versions_entry *);
int versions_list(struct versions *, int limit, versions_fn fn, void *arg, char *err, size_t errlen);

#endif
