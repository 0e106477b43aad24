/* cmd_check.c — `ledsign check FILE`: report every mistake, or a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "config/staff.h"
#include "render/render.h"
#include "schedule/schedule.h"
#include "util/table.h"

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

/* What `check --legibility` counts, and the table it fills. */
struct legib_count {
	size_t pairs, broken, small, many;
	struct table *t;
	int oom;
	const struct ls_config *cfg;
	struct render_ctx *rc;
	double now;
};

/* One row per item marked in `mark`, as shown on `b` (a board, or an area
 * as a board of its size) labelled `label`. */
static void
legibility_rows(const struct ls_config *cfg, struct render_ctx *rc, const struct ls_board *b, const char *label,
    const uint8_t *mark, double now, struct legib_count *n)
{
	char bsz[32], err[512];

	snprintf(bsz, sizeof bsz, "%dx%d", b->width, b->height);
	for (size_t i = 0; i < cfg->ncontent; i++) {
		const struct ls_content *c = &cfg->content[i];
		struct render_text_plan pl;
		char how[160], *shown = NULL;
		size_t shown_len = 0;
		FILE *f;

		if (!mark[i])
			continue;
		n->pairs++;
		if ((f = open_memstream(&shown, &shown_len)) == NULL) {
			n->oom = 1;
			continue;
		}
		if (c->text == NULL || c->text[0] == '\0') {
			fprintf(f, "poster");
			goto row;
		}
		if (render_text_plan(rc, b, c, now, &pl, err, sizeof err) != 0) {
			fprintf(f, "cannot lay out: %s", err);
			goto row;
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
		fprintf(f, "%s at %d px%s: %s", how, pl.size, pl.auto_fit ? " (auto-fit)" : "", pl.shown);
		if (pl.how == RENDER_SHOW_PAGES && pl.pages > RENDER_MAX_PAGES) {
			fprintf(f, "  [MANY PAGES: more than %d; scroll it or use a smaller size]", RENDER_MAX_PAGES);
			n->many++;
		}
		if (pl.forced || pl.split) {
			fprintf(f, "  [BROKEN inside a %s: %s]", pl.forced ? "word, number or date" : "word", pl.broken);
			n->broken++;
		}
		if (pl.size < render_legible_min(c->text)) {
			fprintf(f, "  [SMALL: below %d px, the smallest legible size for this text]",
			    render_legible_min(c->text));
			n->small++;
		}
row:
		if (fclose(f) != 0 || shown == NULL) {
			n->oom = 1;
		} else {
			const char *const cells[] = { label, bsz, c->name, shown };
			n->oom |= table_add(n->t, cells) < 0;
		}
		free(shown);
	}
}

/* legibility_rows for one picture of a board (ls_board_views): a layout's
 * area is labelled BOARD/AREA. */
static void
legibility_view(void *arg, const struct ls_board *b, const struct ls_layout *lo, const struct ls_area *ar,
    const uint8_t *mark)
{
	struct legib_count *n = arg;
	char label[160];

	(void)lo;
	if (ar == NULL)
		snprintf(label, sizeof label, "%s", b->name);
	else
		snprintf(label, sizeof label, "%s/%s", b->name, ar->name);
	legibility_rows(n->cfg, n->rc, b, label, mark, n->now, n);
}

/* `check --legibility`: every board x item it may show, and how; a
 * layout's items as BOARD/AREA at the area's size. */
static int
list_legibility(const struct ls_config *cfg, struct render_ctx *rc, double now)
{
	static const char *const head[] = { "BOARD", "SIZE", "ITEM", "SHOWN AS" };
	/* names may be long or Chinese: a table aligned by display width */
	struct legib_count n = { .t = table_new(4, head, NULL, NULL), .cfg = cfg, .rc = rc, .now = now };
	char *out;

	if (n.t == NULL) {
		fprintf(stderr, "ledsign check: out of memory\n");
		return 1;
	}
	for (size_t bi = 0; bi < cfg->nboards && !n.oom; bi++)
		n.oom |= ls_board_views(cfg, &cfg->boards[bi], legibility_view, &n) < 0;
	if (n.oom || (out = table_render(n.t)) == NULL) {
		fprintf(stderr, "ledsign check: out of memory\n");
		table_free(n.t);
		return 1;
	}
	fputs(out, stdout);
	free(out);
	table_free(n.t);
	printf("%zu board x item pairs: %zu broken inside a word, %zu with more than %d pages, %zu below the legible size\n",
	    n.pairs, n.broken, n.many, RENDER_MAX_PAGES, n.small);
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

		if (rc != NULL && cmd_arg(a, "at") != NULL && cmd_parse_time(cfg, cmd_arg(a, "at"), &now) != 0) {
			ls_diag_add(&d, LS_DIAG_ERROR, NULL, 0, "--at \"%s\": not a time (YYYY-MM-DD HH:MM)",
			    cmd_arg(a, "at"));
		}
		/* the same plan-level checks the controller makes on a console
		 * save before it writes the staff file (config/staff.h) */
		ls_check_plan(rc, cfg, (double)now, &d);
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
