/*
 * model_index.c — the config's names and rule selections, indexed once
 * when it is loaded (model.h, ls_config_index_build).
 *
 * The schedule asks, for every board at every moment, which rules select
 * the board and what the playlists' items are; each answer was a list
 * scan with strcmp (a rule's targets against the board's name and groups,
 * an item's name against every content item).  On the sample campaign
 * strcmp was 70 % of sched_at's time (perf, bench/sched_bench.c), and a
 * stored programme, which asks the schedule for a whole day, cost its
 * board's loop 5-30 ms.  Names now go through one hash table per section
 * and a rule's selection is one bit per board.
 *
 * The index describes the arrays it was built from: a lookup checks that
 * the section is still that array with that many elements, and otherwise
 * (a config put together by hand, a board copied to draw an area) scans
 * the list as before, so an answer never depends on the index.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "config/model.h"

enum { IX_BOARD, IX_CONTENT, IX_PLAYLIST, IX_N };

struct ix_table {
	const void *arr;       /* the section's array when indexed */
	size_t      n;         /* ... and its length */
	size_t      mask;      /* slots - 1 (a power of two, over twice n) */
	uint32_t   *slot;      /* element + 1, 0 for empty */
};

struct ls_config_index {
	struct ix_table t[IX_N];
	const struct ls_rule  *rules;
	size_t                 nrules;
	size_t                 words;   /* uint64_t per rule row: one bit per board */
	uint64_t              *sel;     /* rule r selects board b: bit b of row r */
};

size_t
ls_name_hash(const char *s)
{
	size_t h = 14695981039346656037u;    /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static const char *
ix_name(int kind, const void *arr, size_t i)
{
	switch (kind) {
	case IX_BOARD:   return ((const struct ls_board *)arr)[i].name;
	case IX_CONTENT: return ((const struct ls_content *)arr)[i].name;
	default:         return ((const struct ls_playlist *)arr)[i].name;
	}
}

static int
ix_table_build(struct ix_table *t, int kind, const void *arr, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 1)
		cap *= 2;
	if (n >= UINT32_MAX || (t->slot = calloc(cap, sizeof *t->slot)) == NULL)
		return -1;
	t->arr = arr;
	t->n = n;
	t->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		const char *name = ix_name(kind, arr, i);
		size_t s;

		if (name == NULL)
			continue;
		for (s = ls_name_hash(name) & t->mask; t->slot[s] != 0; s = (s + 1) & t->mask)
			if (strcmp(ix_name(kind, arr, t->slot[s] - 1), name) == 0)
				break;      /* a duplicate: the first keeps the name, as a scan finds it */
		if (t->slot[s] == 0)
			t->slot[s] = (uint32_t)i + 1;
	}
	return 0;
}

/* Position of name in the section (arr, n): -1 when absent; -2 when the
 * index does not describe that array, and the caller scans. */
static long
ix_find(const struct ls_config *c, int kind, const void *arr, size_t n, const char *name)
{
	const struct ix_table *t;

	if (c->index == NULL || name == NULL)
		return -2;
	t = &c->index->t[kind];
	if (t->arr != arr || t->n != n || t->slot == NULL)
		return -2;
	for (size_t s = ls_name_hash(name) & t->mask; t->slot[s] != 0; s = (s + 1) & t->mask)
		if (strcmp(ix_name(kind, arr, t->slot[s] - 1), name) == 0)
			return (long)t->slot[s] - 1;
	return -1;
}

/* The element of (arr, n) named name, by a scan of the list. */
#define IX_SCAN(arr, n, name)                                                \
	do {                                                                     \
		for (size_t j_ = 0; j_ < (n); j_++)                                  \
			if (strcmp((arr)[j_].name, (name)) == 0)                         \
				return &(arr)[j_];                                           \
		return NULL;                                                         \
	} while (0)

/* The lookup of an indexed section by name: the index, else a scan. */
#define IX_LOOKUP(kind, arr, n, name)                                        \
	do {                                                                     \
		long i_ = ix_find(c, (kind), (arr), (n), (name));                    \
		if (i_ >= 0)                                                         \
			return &(arr)[i_];                                               \
		if (i_ == -1)                                                        \
			return NULL;                                                     \
		IX_SCAN(arr, n, name);                                               \
	} while (0)

const struct ls_board *
ls_config_board(const struct ls_config *c, const char *name)
{
	IX_LOOKUP(IX_BOARD, c->boards, c->nboards, name);
}

const struct ls_content *
ls_config_content(const struct ls_config *c, const char *name)
{
	IX_LOOKUP(IX_CONTENT, c->content, c->ncontent, name);
}

const struct ls_playlist *
ls_config_playlist(const struct ls_config *c, const char *name)
{
	IX_LOOKUP(IX_PLAYLIST, c->playlists, c->nplaylists, name);
}

/* fonts and layouts are few, and looked up when a config is drawn, not
 * for every answer of the schedule: a scan */
const struct ls_font *
ls_config_font(const struct ls_config *c, const char *name)
{
	IX_SCAN(c->fonts, c->nfonts, name);
}

const struct ls_layout *
ls_config_layout(const struct ls_config *c, const char *name)
{
	IX_SCAN(c->layouts, c->nlayouts, name);
}

int
ls_rule_selects(const struct ls_config *c, const struct ls_rule *r, const struct ls_board *b)
{
	const struct ls_config_index *x = c->index;

	if (x != NULL && x->sel != NULL && x->rules == c->rules && x->nrules == c->nrules &&
	    x->t[IX_BOARD].arr == c->boards && x->t[IX_BOARD].n == c->nboards &&
	    r >= c->rules && r < c->rules + c->nrules && b >= c->boards && b < c->boards + c->nboards) {
		size_t ri = (size_t)(r - c->rules), bi = (size_t)(b - c->boards);
		return (int)((x->sel[ri * x->words + bi / 64] >> (bi % 64)) & 1);
	}
	return ls_board_selected(b, &r->boards);
}

int
ls_config_index_build(struct ls_config *c)
{
	struct ls_config_index *x;

	ls_config_index_free(c->index);
	c->index = NULL;
	if ((x = calloc(1, sizeof *x)) == NULL)
		return -1;
	if (ix_table_build(&x->t[IX_BOARD], IX_BOARD, c->boards, c->nboards) < 0 ||
	    ix_table_build(&x->t[IX_CONTENT], IX_CONTENT, c->content, c->ncontent) < 0 ||
	    ix_table_build(&x->t[IX_PLAYLIST], IX_PLAYLIST, c->playlists, c->nplaylists) < 0)
		goto fail;
	x->words = (c->nboards + 63) / 64;
	if (c->nrules > 0 && x->words > 0) {
		if (c->nrules > SIZE_MAX / x->words / sizeof *x->sel ||
		    (x->sel = calloc(c->nrules * x->words, sizeof *x->sel)) == NULL)
			goto fail;
		for (size_t r = 0; r < c->nrules; r++)
			for (size_t b = 0; b < c->nboards; b++)
				if (ls_board_selected(&c->boards[b], &c->rules[r].boards))
					x->sel[r * x->words + b / 64] |= (uint64_t)1 << (b % 64);
	}
	x->rules = c->rules;
	x->nrules = c->nrules;
	c->index = x;
	return 0;
fail:
	ls_config_index_free(x);
	return -1;
}

void
ls_config_index_free(struct ls_config_index *x)
{
	if (x == NULL)
		return;
	for (int k = 0; k < IX_N; k++)
		free(x->t[k].slot);
	free(x->sel);
	free(x);
}
