/*
 * strlist.h — a growable list of owned strings (board names, group names,
 * user names).  Every subsystem that keeps names uses this one type and
 * these functions, so there is one way to copy and free such a list.
 */
#ifndef LEDSIGN_STRLIST_H
#define LEDSIGN_STRLIST_H

#include <stddef.h>

/* v[0..n-1] are malloc'd strings owned by the list; an empty list is { NULL, 0 }. */
struct ls_strlist {
	char   **v;
	size_t   n;
};

/* Free every string and the array; leaves an empty list.  Accepts NULL. */
void ls_strlist_free(struct ls_strlist *);
/* Deep copy of src into dst (dst is overwritten, not freed).  0, or -1 out of
 * memory with dst empty. */
int ls_strlist_copy(struct ls_strlist *dst, const struct ls_strlist *src);
/* Append a copy of s unless the list already holds an equal string.
 * 0, or -1 out of memory (the list is unchanged). */
int ls_strlist_add_unique(struct ls_strlist *, const char *s);
/* ls_strlist_add_unique for each entry of the comma-separated list csv, in
 * order (empty entries are skipped).  0, or -1 out of memory (the entries
 * before are kept). */
int ls_strlist_add_csv(struct ls_strlist *, const char *csv);
/* 1 when name is one of the entries of the comma-separated list (whole
 * entries only; an empty list holds nothing), else 0. */
int ls_strlist_csv_has(const char *list, const char *name);

#endif
