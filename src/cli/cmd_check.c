/* cmd_check.c — `ledsign check FILE`: report every mistake, or a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "render/render.h"
#include "schedule/schedule.h"

/* One board per line, for scripts: NAME WIDTH HEIGHT FORMAT PROTOCOL ADDRESS */
static void
list_boards(const struct ls_config *cfg)
{
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *b = &cfg->boards[i];
		printf("%s %d %d %s %s %s\n", b->name, b->width, b->height, ls_format_name(b->format),
		    b->protocol, b->address);
	}
}

/* Display columns of a UTF-8 string: CJK and fullwidth characters take two. */
static int
cols(const char *s)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += (*p >= 0xe3 && *p <= 0xef) ? 2 : 1;
	}
	return n;
}

static void
pad(const char *s, int w)
{
	fputs(s, stdout);
	for (int n = cols(s); n < w; n++)
		putchar(' ');
}

/* `check --legibility`: every board x item it may show, and how. */
static int
list_legibility(const struct ls_config *cfg, struct render_ctx *rc, double now)
{
	size_t pairs = 0, broken = 0, small = 0, many = 0;
	uint8_t *mark = malloc(cfg->ncontent + 1);
	char err[512];

	if (mark == NULL) {
		fprintf(stderr, "ledsign check: out of memory\n");
		return 1;
	}
	printf("BOARD     SIZE     ITEM                    SHOWN AS\n");
	for (size_t bi = 0; bi < cfg->nboards; bi++) {
		const struct ls_board *b = &cfg->boards[bi];
		char bsz[32];

		snprintf(bsz, sizeof bsz, "%dx%d", b->width, b->height);
		memset(mark, 0, cfg->ncontent + 1);
		ls_board_content(cfg, b, mark);
		for (size_t i = 0; i < cfg->ncontent; i++) {
			const struct ls_content *c = &cfg->content[i];
			struct render_text_plan pl;
			char how[160];

			if (!mark[i])
				continue;
			pairs++;
			pad(b->name, 9);
			putchar(' ');
			pad(bsz, 8);
			putchar(' ');
			pad(c->name, 23);
			putchar(' ');
			if (c->text == NULL || c->text[0] == '\0') {
				printf("poster\n");
				continue;
			}
			if (render_text_plan(rc, b, c, now, &pl, err, sizeof err) != 0) {
				printf("cannot lay out: %s\n", err);
				continue;
			}
			if (pl.how == RENDER_SHOW_SCROLL_LEFT)
				snprintf(how, sizeof how, "scroll left, %d px long", pl.width);
			else if (pl.how == RENDER_SHOW_SCROLL_UP)
				snprintf(how, sizeof how, "scroll up, %d lines", pl.lines);
			else if (pl.pages == 1)
				snprintf(how, sizeof how, "one page, %d line%s", pl.lines, pl.lines == 1 ? "" : "s");
			else
				snprintf(how, sizeof how, "%d pages of %d line%s", pl.pages, pl.lines_per_page,
				    pl.lines_per_page == 1 ? "" : "s");
			printf("%s at %d px%s: %s", how, pl.size, pl.auto_fit ? " (auto-fit)" : "", pl.shown);
			if (pl.how == RENDER_SHOW_PAGES && pl.pages > RENDER_MAX_PAGES) {
				printf("  [MANY PAGES: more than %d; scroll it or use a smaller size]", RENDER_MAX_PAGES);
				many++;
			}
			if (pl.forced || pl.split) {
				printf("  [BROKEN inside a %s: %s]", pl.forced ? "word, number or date" : "word", pl.broken);
				broken++;
			}
			if (pl.size < render_legible_min(c->text)) {
				printf("  [SMALL: below %d px, the smallest legible size for this text]",
				    render_legible_min(c->text));
				small++;
			}
			putchar('\n');
		}
	}
	printf("%zu board x item pairs: %zu broken inside a word, %zu with more than %d pages, %zu below the legible size\n",
	    pairs, broken, many, RENDER_MAX_PAGES, small);
	free(mark);
	return 0;
}

static const struct cmd_opt check_opts[] = {
	{ "list", 0, NULL, "print one line per board (name, width, height, format, protocol, address) instead of the summary" },
	{ "legibility", 0, NULL, "list every board x item with how it is shown (one page, N pages, scroll, size) and flag bad breaks and small sizes" },
	{ "at", 0, "TIME", "with --legibility: the time live fields are expanded for (default: now)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_check(const struct cmd_args *);

const struct cmd_entry cmd_check_entry = {
	"check", "FILE [--list | --legibility [--at TIME]]",
	"validate a config file and report every mistake (--list: one line per board; --legibility: how each item reads on each board)",
	check_opts, 1, 1, 0, cmd_check,
};

static int
cmd_check(const struct cmd_args *a)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg;
	const char *file = a->argv[0];
	int list = cmd_flag(a, "list"), legible = cmd_flag(a, "legibility"), status = 0;
	long long now = (long long)time(NULL);
	int rc_list = 0;

	cfg = ls_config_load(file, &d);
	/* The plan-level warnings (overlaps, rules that never apply, boards
	 * with nothing to show) only make sense on a config that loaded. */
	if (cfg != NULL && !list) {
		struct render_ctx *rc = render_ctx_new(cfg, &d);

		sched_check(cfg, &d);
		if (rc != NULL && cmd_arg(a, "at") != NULL && cmd_parse_time(cfg, cmd_arg(a, "at"), &now) != 0) {
			ls_diag_add(&d, LS_DIAG_ERROR, NULL, 0, "--at \"%s\": not a time (YYYY-MM-DD HH:MM)",
			    cmd_arg(a, "at"));
		}
		if (rc != NULL) {
			render_check_glyphs(rc, cfg, &d);
			render_check_layouts(rc, cfg, &d);
			render_check_legibility(rc, cfg, (double)now, &d);
		}
		if (rc != NULL && legible && d.errors == 0) {
			ls_diag_sort(&d);
			ls_diag_print(&d, stderr);
			ls_diag_clear(&d);
			rc_list = list_legibility(cfg, rc, (double)now);
		}
		render_ctx_free(rc);
		/* a malformed live field is an error: the file is not fit to play */
		if (d.errors > 0) {
			ls_config_free(cfg);
			cfg = NULL;
		}
	}
	ls_diag_sort(&d);
	ls_diag_print(&d, stderr);
	if (cfg == NULL) {
		fprintf(stderr, "%s: %zu error%s, %zu warning%s; nothing was changed\n", file, d.errors,
		    d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
		ls_diag_clear(&d);
		return 1;
	}
	if (list)
		list_boards(cfg);
	else if (legible)
		status = rc_list;
	else {
		char lay[48] = "";
		if (cfg->nlayouts > 0)
			snprintf(lay, sizeof lay, ", %zu layout%s", cfg->nlayouts, cfg->nlayouts == 1 ? "" : "s");
		printf("%s: configuration OK: %zu boards, %zu content items, %zu playlists, %zu schedule rules%s%s\n",
		    file, cfg->nboards, cfg->ncontent, cfg->nplaylists, cfg->nrules, lay,
		    d.warnings ? ", with the warnings above" : "");
	}
	ls_diag_clear(&d);
	ls_config_free(cfg);
	return status;
}
