/*
 * diff.h — a line diff of two texts in the unified format people know from
 * `diff -u` and git, for the history of the staff file (record/versions.h):
 * a changed slogan shows as one "-" line and one "+" line with two lines of
 * context.  No library in ledsign's dependencies makes one; this is the
 * textbook longest-common-subsequence diff after the common head and tail
 * are set aside (docs/console.md, "History", says why that is enough).
 */
#ifndef LEDSIGN_DIFF_H
#define LEDSIGN_DIFF_H

#include <stddef.h>

/* Changed lines between the common head and tail above which the middle is
 * shown as all removed then all added instead of aligned (its table would
 * take rows x columns cells). */
#define LS_DIFF_CELLS_MAX (4u * 1024 * 1024)

/* The diff from a to b ("--- name_a", "+++ name_b", "@@ -l,n +l,n @@"
 * hunks), "" when they are equal; malloc'd, NULL when out of memory.
 * *added and *removed (may be NULL) get the line counts. */
char *ls_diff_text(const char *a, const char *b, const char *name_a, const char *name_b, int *added,
    int *removed);

#endif
