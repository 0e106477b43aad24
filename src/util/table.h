/*
 * table.h — text tables for the terminal, aligned by display width.
 *
 * A column's width is what a terminal shows, not bytes: 国 takes two
 * columns and three bytes, é one column and two bytes, a combining mark
 * none.  Widths come from the C library's wcwidth() under a UTF-8 locale
 * object of our own (C.UTF-8), so they do not depend on the user's LANG or
 * LC_ALL; without that locale a built-in table of the wide and zero-width
 * ranges is used (docs/architecture.md, "Decisions").  A cell wider than
 * its column's limit is cut at a character boundary and ends in "…".
 * Pure: the result is a string; the caller prints it.
 */
#ifndef LEDSIGN_TABLE_H
#define LEDSIGN_TABLE_H

#include <stddef.h>

/* Display columns of UTF-8 text (invalid bytes count one column each). */
int    table_width(const char *s);
/* Bytes of the longest prefix of s that takes at most cols columns,
 * never splitting a character (combining marks stay with their base). */
size_t table_cut(const char *s, int cols);

struct table;

/* A table of ncols columns; head[k] is column k's heading.  max[k] limits
 * column k's width (0: none; the last column is never padded or cut);
 * right[k] nonzero right-aligns it (numbers).  NULL out of memory. */
struct table *table_new(int ncols, const char *const *head, const int *max, const int *right);
/* Append a row of ncols cells (copied; NULL is empty).  0, or -1 out of memory. */
int    table_add(struct table *, const char *const *cells);
size_t table_rows(const struct table *);
/* The heading and every row, columns two spaces apart, one line each ending
 * in '\n', trailing blanks removed; malloc'd, or NULL out of memory. */
char  *table_render(const struct table *);
/* Accepts NULL. */
void   table_free(struct table *);

#endif
