/* model.c — what a config's boards and rules select; see model.h (the
 * lookups by name are in model_index.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/model.h"

int
ls_board_selected(const struct ls_board *b, const struct ls_strlist *targets)
{
	for (size_t i = 0; i < targets->n; i++) {
		const char *t = targets->v[i];
		if (strcmp(t, "all") == 0 || strcmp(t, b->name) == 0)
			return 1;
		for (size_t g = 0; g < b->groups.n; g++)
			if (strcmp(t, b->groups.v[g]) == 0)
				return 1;
	}
	return 0;
}

static void
mark_playlist(const struct ls_config *c, const char *name, uint8_t *mark)
{
	const struct ls_playlist *pl = name != NULL ? ls_config_playlist(c, name) : NULL;

	if (pl == NULL)
		return;
	for (size_t e = 0; e < pl->nentries; e++) {
		const struct ls_content *it = ls_config_content(c, pl->entries[e].item);
		if (it != NULL)
			mark[it - c->content] = 1;
	}
}

void
ls_board_content(const struct ls_config *c, const struct ls_board *b, uint8_t *mark)
{
	mark_playlist(c, c->fallback, mark);
	for (size_t r = 0; r < c->nrules; r++)
		if (c->rules[r].kind == LS_RULE_PLAY && ls_rule_selects(c, &c->rules[r], b))
			mark_playlist(c, c->rules[r].playlist, mark);
}

void
ls_area_content(const struct ls_config *c, const struct ls_area *a, uint8_t *mark)
{
	mark_playlist(c, a->playlist, mark);
}

size_t
ls_board_layouts(const struct ls_config *c, const struct ls_board *b, const struct ls_layout **out, size_t cap)
{
	size_t n = 0;

	for (size_t r = 0; r < c->nrules; r++) {
		const struct ls_layout *lo;
		size_t k;

		if (c->rules[r].kind != LS_RULE_PLAY || c->rules[r].layout == NULL ||
		    !ls_board_selected(b, &c->rules[r].boards) || (lo = ls_config_layout(c, c->rules[r].layout)) == NULL)
			continue;
		for (k = 0; k < n && out[k] != lo; k++)
			;
		if (k == n && n < cap)
			out[n++] = lo;
	}
	return n;
}

int
ls_board_views(const struct ls_config *c, const struct ls_board *b, ls_board_view_fn fn, void *arg)
{
	const struct ls_layout *los[16];
	uint8_t *mark = malloc(c->ncontent + 1);
	size_t nlo;

	if (mark == NULL)
		return -1;
	memset(mark, 0, c->ncontent + 1);
	ls_board_content(c, b, mark);
	fn(arg, b, NULL, NULL, mark);
	/* a layout's items are drawn at their area's size */
	nlo = ls_board_layouts(c, b, los, sizeof los / sizeof los[0]);
	for (size_t l = 0; l < nlo; l++)
		for (size_t a = 0; a < los[l]->nareas; a++) {
			const struct ls_area *ar = &los[l]->areas[a];
			struct ls_board ab = *b;

			ab.width = ar->width;
			ab.height = ar->height;
			memset(mark, 0, c->ncontent + 1);
			ls_area_content(c, ar, mark);
			fn(arg, &ab, los[l], ar, mark);
		}
	free(mark);
	return 0;
}

static const char *const format_names[] = {
	[LS_FMT_MONO] = "mono",
	[LS_FMT_REDGREEN] = "red-green",
	[LS_FMT_RGB565] = "rgb565",
	[LS_FMT_RGB888] = "rgb888",
};

const char *
ls_format_name(enum ls_format f)
{
	return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

int
ls_format_parse(const char *name, enum ls_format *out)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum ls_format)i;
			return 0;
		}
	return -1;
}

const char *
ls_rule_where(const struct ls_rule *r, char *buf, size_t len)
{
	char own[32];

	snprintf(own, sizeof own, "rule@%d", r->line);
	if (r->name == NULL || strcmp(r->name, own) == 0)
		snprintf(buf, len, "schedule rule at line %d", r->line);
	else
		snprintf(buf, len, "schedule rule \"%s\"", r->name);
	return buf;
}
