/*
 * render/check.c — what `ledsign check` asks of the renderer: characters
 * that no installed font can draw, found before anyone sees a box on a board.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/render.h"
#include "render/render_int.h"

static int
printable(uint32_t cp)
{
	return cp > 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp != 0x3000 &&
	    !(cp >= 0xfe00 && cp <= 0xfe0f) && cp != 0x200b && cp != 0x200d && cp != 0xfeff;
}

size_t
render_check_glyphs(struct render_ctx *ctx, const struct ls_config *cfg, struct ls_diag *diag)
{
	size_t missing = 0;
	char err[512];

	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		struct render_font *f;
		char *text;
		uint32_t *cps = NULL;
		size_t n;

		if (c->text == NULL)
			continue;
		/* a field we do not know is drawn as written: probably a typo */
		for (const char *p = c->text; (p = strchr(p, '{')) != NULL; p++) {
			const char *e = strchr(p, '}');
			size_t len;
			if (e == NULL)
				break;
			len = (size_t)(e - p - 1);
			if ((len == 4 && (strncmp(p + 1, "date", 4) == 0 || strncmp(p + 1, "time", 4) == 0)) ||
			    (len == 7 && strncmp(p + 1, "weekday", 7) == 0) || strncmp(p + 1, "countdown:", 10) == 0)
				continue;
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, c), c->line,
			    "content \"%s\": {%.*s} is not a live field and will be shown as written; "
			    "the fields are {date} {time} {weekday} {countdown:YYYY-MM-DD}", c->name,
			    len > 40 ? 40 : (int)len, p + 1);
			p = e;       /* as render_fields_expand reads it: up to the first '}' */
		}
		if ((f = render_font_get(ctx, c->font, err, sizeof err)) == NULL) {
			ls_diag_add(diag, LS_DIAG_ERROR, LS_FILE(cfg, c), c->line, "content \"%s\": %s", c->name, err);
			continue;
		}
		/* live fields expand to digits, '-', ':' and 星期X: check those too */
		if ((text = render_fields_expand(ctx, c->text, (double)time(NULL), err, sizeof err)) == NULL) {
			ls_diag_add(diag, LS_DIAG_ERROR, LS_FILE(cfg, c), c->line, "content \"%s\": %s", c->name, err);
			continue;
		}
		n = render_utf8_decode(text, &cps);
		/* code points already reported for this item: a set, so that a
		 * text of many missing characters costs n, not n squared */
		size_t scap = 16;
		while (scap < 2 * n)
			scap *= 2;
		uint32_t *seen = malloc(scap * sizeof *seen);
		if (seen == NULL)
			n = 0;
		else
			memset(seen, 0xff, scap * sizeof *seen);
		for (size_t k = 0; k < n; k++) {
			char ch[8] = "";
			size_t h;

			if (!printable(cps[k]) || render_font_pick(ctx, f, cps[k]) >= 0)
				continue;
			for (h = (cps[k] * 2654435761u) & (scap - 1); seen[h] != UINT32_MAX && seen[h] != cps[k];
			    h = (h + 1) & (scap - 1))
				;
			if (seen[h] == cps[k])
				continue;
			seen[h] = cps[k];
			missing++;
			if (cps[k] != 0xfffd) {
				uint32_t u = cps[k];
				if (u < 0x800) { ch[0] = (char)(0xc0 | u >> 6); ch[1] = (char)(0x80 | (u & 63)); }
				else if (u < 0x10000) { ch[0] = (char)(0xe0 | u >> 12); ch[1] = (char)(0x80 | (u >> 6 & 63)); ch[2] = (char)(0x80 | (u & 63)); }
				else { ch[0] = (char)(0xf0 | u >> 18); ch[1] = (char)(0x80 | (u >> 12 & 63)); ch[2] = (char)(0x80 | (u >> 6 & 63)); ch[3] = (char)(0x80 | (u & 63)); }
				ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, c), c->line,
				    "content \"%s\": character U+%04X \"%s\" is in no installed font (tried %s and its fallbacks); it will show as a box",
				    c->name, (unsigned)u, ch, f->name);
			} else
				ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, c), c->line,
				    "content \"%s\": the text is not valid UTF-8; save the config as UTF-8", c->name);
		}
		free(seen);
		free(cps);
		free(text);
	}
	return missing;
}

int
render_legible_min(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; p != NULL && *p; p++)
		if (*p >= 0xe3 && *p <= 0xef)      /* U+3000..U+FFFF: CJK, kana, fullwidth */
			return RENDER_MIN_LEGIBLE_CJK;
	return RENDER_MIN_LEGIBLE_LATIN;
}

/* The legibility warnings for the items marked in `mark` on `b` (a board,
 * or an area as a board of its size), which messages call `where`. */
static size_t
legibility_items(struct render_ctx *ctx, const struct ls_config *cfg, const struct ls_board *b, const char *where,
    const uint8_t *mark, double now, struct ls_diag *diag)
{
	size_t found = 0;
	char err[512];

	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		struct render_text_plan pl;

		if (!mark[i] || c->text == NULL || c->text[0] == '\0')
			continue;
		if (render_text_plan(ctx, b, c, now, &pl, err, sizeof err) != 0)
			continue;        /* render_check_glyphs reports the item's errors */
		if (pl.how == RENDER_SHOW_PAGES && pl.pages > RENDER_MAX_PAGES) {
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, c), c->line,
			    "content \"%s\" on %s (%dx%d) needs %d pages at %d px; "
			    "make it effect = \"scroll-left\", shorten it, or set a smaller size",
			    c->name, where, b->width, b->height, pl.pages, pl.size);
			found++;
		}
		if (pl.forced || pl.split) {
			ls_diag_add(diag, LS_DIAG_WARNING, LS_FILE(cfg, c), c->line,
			    "content \"%s\" on %s (%dx%d) is broken inside a %s at %d px (%s); "
			    "make it effect = \"scroll-left\", add a space where it may break, or set a smaller size",
			    c->name, where, b->width, b->height, pl.forced ? "word, number or date" : "word",
			    pl.size, pl.broken);
			found++;
		}
	}
	return found;
}

struct legibility_walk {
	struct render_ctx *ctx;
	const struct ls_config *cfg;
	double now;
	struct ls_diag *diag;
	size_t found;
};

static void
legibility_view(void *arg, const struct ls_board *b, const struct ls_layout *lo, const struct ls_area *ar,
    const uint8_t *mark)
{
	struct legibility_walk *w = arg;
	char where[256];

	if (lo == NULL)
		snprintf(where, sizeof where, "board \"%s\"", b->name);
	else
		snprintf(where, sizeof where, "board \"%s\" in area \"%s\" of layout \"%s\"", b->name, ar->name, lo->name);
	w->found += legibility_items(w->ctx, w->cfg, b, where, mark, w->now, w->diag);
}

size_t
render_check_legibility(struct render_ctx *ctx, const struct ls_config *cfg, double now, struct ls_diag *diag)
{
	struct legibility_walk w = { ctx, cfg, now, diag, 0 };

	for (size_t bi = 0; bi < cfg->nboards; bi++)
		if (ls_board_views(cfg, &cfg->boards[bi], legibility_view, &w) < 0)
			break;
	return w.found;
}
