/*
 * cmd_preview.c — `ledsign preview`: what each board will show, as PNG.
 *
 *   ledsign preview FILE (--board NAME (--item NAME | --layout NAME) | --all [--board NAME] [--item NAME])
 *       [--at "YYYY-MM-DD HH:MM"] [--t SECONDS] [--raw] [--frames N [--interval S]] -o PATH|DIR
 *   ledsign preview FILE --board NAME --from RAW.png -o PATH
 *
 * --from draws the LED look of pixels a board really showed, such as a
 * ledboard snapshot (one PNG pixel per LED, canonical colours).
 *
 * One board and item: -o names the PNG, or an existing directory that gets
 * BOARD.png (with --frames N and a directory, N files; with --frames N and a
 * .png path, one contact sheet).  --all: -o is
 * a directory that gets BOARD.png per board (BOARD-NNN.png with --frames).
 *
 * A layout (screen areas) is drawn as the controller composes it: --all
 * when a rule shows one, or --layout NAME as an all-day rule would show it
 * at --at; each area's item at its own effect time.
 */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "render/render.h"
#include "schedule/schedule.h"

struct opts {
	const char *file, *board, *item, *at, *out, *from, *layout;
	int all, raw, frames;
	double t, interval;
};

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int
write_one(const struct opts *o, const struct render_canvas *cv, const struct ls_board *b, const char *path)
{
	char err[512];

	if ((o->raw ? render_png_write_raw(cv, path, err, sizeof err) :
	        render_png_write_preview(cv, b, path, err, sizeof err)) != 0) {
		fprintf(stderr, "ledsign preview: %s\n", err);
		return -1;
	}
	return 0;
}

/* Frames stacked top to bottom with a gap, each as raw LEDs or as dots. */
static int
write_sheet(const struct opts *o, struct render_canvas **fr, int n, const struct ls_board *b, const char *path)
{
	int fw, fh, gap = o->raw ? 1 : 8, W, H;
	uint8_t *sheet;
	char err[512];
	int rc;

	if (o->raw) {
		fw = fr[0]->width;
		fh = fr[0]->height;
	} else {
		int p = render_preview_pitch(fr[0]);
		fw = fr[0]->width * p;
		fh = fr[0]->height * p;
	}
	W = fw;
	H = n * fh + (n - 1) * gap;
	if ((sheet = calloc((size_t)W * (size_t)H, 3)) == NULL) {
		fprintf(stderr, "ledsign preview: out of memory for a %d-frame sheet\n", n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		uint8_t *dst = sheet + (size_t)i * (size_t)(fh + gap) * (size_t)W * 3;
		if (o->raw) {
			for (int y = 0; y < fh; y++)
				for (int x = 0; x < fw; x++) {
					ls_rgb v = render_canvas_get(fr[i], x, y);
					uint8_t *p = dst + ((size_t)y * (size_t)W + (size_t)x) * 3;
					p[0] = (uint8_t)(v >> 16);
					p[1] = (uint8_t)(v >> 8);
					p[2] = (uint8_t)v;
				}
		} else {
			int w, h;
			uint8_t *img = render_preview_dots(fr[i], b, 0, &w, &h);
			if (img == NULL) {
				free(sheet);
				fprintf(stderr, "ledsign preview: out of memory\n");
				return -1;
			}
			memcpy(dst, img, (size_t)w * (size_t)h * 3);
			free(img);
		}
	}
	rc = render_png_write_rgb(sheet, W, H, path, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "ledsign preview: %s\n", err);
	free(sheet);
	return rc;
}

/* Draw b showing item c at effect time t, or, when lay is not NULL, the
 * layout lay->layout with each area's item as far in as at `now`, plus t. */
static int
draw(struct render_ctx *ctx, const struct ls_board *b, const struct ls_content *c,
    const struct sched_result *lay, long long now, double t, struct render_canvas *cv, char *err, size_t errlen)
{
	struct render_area_show shows[LS_LAYOUT_MAX_AREAS];

	if (lay == NULL)
		return render_item(ctx, b, c, (double)now, t, cv, err, errlen);
	memset(shows, 0, sizeof shows);
	for (size_t i = 0; i < lay->nareas; i++) {
		shows[i].content = lay->areas[i].content;
		shows[i].t = (double)now - lay->areas[i].item_start + t;
	}
	return render_compose(ctx, b, lay->layout, shows, (double)now, cv, err, errlen);
}

/* Render board b showing item c (or the layout in lay); write to `path`
 * (a file) or into `dir`. */
static int
preview_board(const struct opts *o, struct render_ctx *ctx, const struct ls_board *b,
    const struct ls_content *c, const struct sched_result *lay, long long now, double t0, const char *path,
    const char *dir)
{
	int n = o->frames > 0 ? o->frames : 1, rc = 0;
	struct render_canvas **fr = calloc((size_t)n, sizeof *fr);
	char err[512], name[4096];

	if (fr == NULL)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		double t = t0 + o->t + i * o->interval;
		if ((fr[i] = render_canvas_new(b->width, b->height, b->format)) == NULL) {
			fprintf(stderr, "ledsign preview: board %s: cannot make a %dx%d canvas\n", b->name, b->width, b->height);
			rc = -1;
			break;
		}
		if (draw(ctx, b, c, lay, now, t, fr[i], err, sizeof err) != 0) {
			fprintf(stderr, "ledsign preview: board %s: %s\n", b->name, err);
			rc = -1;
			break;
		}
		if (o->frames > 0 && dir != NULL) {
			snprintf(name, sizeof name, "%s/%s-%03d.png", dir, b->name, i);
			rc = write_one(o, fr[i], b, name);
		}
	}
	if (rc == 0 && o->frames == 0) {
		if (dir != NULL) {
			snprintf(name, sizeof name, "%s/%s.png", dir, b->name);
			path = name;
		}
		rc = write_one(o, fr[0], b, path);
	} else if (rc == 0 && dir == NULL)
		rc = write_sheet(o, fr, n, b, path);
	for (int i = 0; i < n; i++)
		render_canvas_free(fr[i]);
	free(fr);
	return rc;
}

/* The LED look (or, with --raw, a clean copy) of a raw PNG a board showed.
 * Each pixel goes through render_canvas_set like any drawing, which leaves
 * canonical colours as they are and maps anything else to what the board
 * could show. */
static int
preview_from_png(const struct opts *o, const struct ls_board *b)
{
	png_image img;
	uint8_t *rgb = NULL;
	struct render_canvas *cv = NULL;
	int rc = -1;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, o->from)) {
		fprintf(stderr, "ledsign preview: %s: %s\n", o->from, img.message);
		return -1;
	}
	if ((int)img.width != b->width || (int)img.height != b->height) {
		fprintf(stderr, "ledsign preview: %s is %ux%u but board %s is %dx%d; give the board it came from\n",
		    o->from, img.width, img.height, b->name, b->width, b->height);
		png_image_free(&img);
		return -1;
	}
	img.format = PNG_FORMAT_RGB;
	if ((rgb = malloc(PNG_IMAGE_SIZE(img))) == NULL || !png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
		fprintf(stderr, "ledsign preview: %s: %s\n", o->from, rgb ? img.message : "out of memory");
		goto out;
	}
	if ((cv = render_canvas_new(b->width, b->height, b->format)) == NULL)
		goto out;
	for (int y = 0; y < b->height; y++)
		for (int x = 0; x < b->width; x++) {
			const uint8_t *p = rgb + 3 * ((size_t)y * (size_t)b->width + (size_t)x);
			render_canvas_set(cv, x, y, (ls_rgb)p[0] << 16 | (ls_rgb)p[1] << 8 | p[2]);
		}
	rc = write_one(o, cv, b, o->out);
out:
	render_canvas_free(cv);
	free(rgb);
	png_image_free(&img);
	return rc;
}

static const struct cmd_opt preview_opts[] = {
	{ "board", 0, "NAME", "the board to draw (with --all: only this board)" },
	{ "item", 0, "NAME", "the content item to draw (with --all: only boards showing it)" },
	{ "layout", 0, "NAME", "instead of --item: the layout's areas as an all-day rule shows them at --at" },
	{ "all", 0, NULL, "what the schedule shows on every board at --at: DIR/BOARD.png each" },
	{ "at", 0, "TIME", "the time to draw (default: now)" },
	{ "raw", 0, NULL, "one PNG pixel per LED, exactly the pixels the board receives" },
	{ "frames", 0, "N", "the first N frames of an effect, 1..1000 (files in a directory, or a contact sheet)" },
	{ "interval", 0, "SECONDS", "time between those frames (default 0.1)" },
	{ "t", 0, "SECONDS", "effect time of the first frame: seconds since the item started" },
	{ "from", 0, "RAW.png", "draw the LED look of pixels a board showed (a ledboard snapshot); needs --board" },
	{ "output", 'o', "PATH", "the PNG to write, or a directory for BOARD.png files" },
	{ NULL, 0, NULL, NULL },
};

/* Options into struct opts, and the combinations preview takes; -1: usage. */
static int
parse_args(const struct cmd_args *a, struct opts *o)
{
	const char *v;
	char *end;

	memset(o, 0, sizeof *o);
	o->interval = 0.1;
	o->file = a->argv[0];
	o->all = cmd_flag(a, "all");
	o->raw = cmd_flag(a, "raw");
	o->board = cmd_arg(a, "board");
	o->item = cmd_arg(a, "item");
	o->at = cmd_arg(a, "at");
	o->out = cmd_arg(a, "output");
	o->from = cmd_arg(a, "from");
	o->layout = cmd_arg(a, "layout");
	if ((v = cmd_arg(a, "frames")) != NULL) {
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 1000) {
			fprintf(stderr, "ledsign preview: --frames takes 1..1000, not \"%s\"\n", v);
			return -1;
		}
		o->frames = (int)n;
	}
	for (int k = 0; k < 2; k++) {
		const char *name = k == 0 ? "t" : "interval";
		double d;
		if ((v = cmd_arg(a, name)) == NULL)
			continue;
		d = strtod(v, &end);
		if (*end || !(d >= 0) || d > 1e6) {
			fprintf(stderr, "ledsign preview: --%s takes seconds, not \"%s\"\n", name, v);
			return -1;
		}
		if (k == 0)
			o->t = d;
		else
			o->interval = d;
	}
	if (o->out == NULL)
		return -1;
	if (o->from != NULL)
		return o->board != NULL && o->item == NULL && o->layout == NULL && !o->all && o->frames == 0 ? 0 : -1;
	if (o->layout != NULL)
		return o->board != NULL && o->item == NULL && !o->all ? 0 : -1;
	if (!o->all && (o->board == NULL || o->item == NULL))
		return -1;
	return 0;
}

static int cmd_preview(const struct cmd_args *);

const struct cmd_entry cmd_preview_entry = {
	"preview", "FILE (--board NAME --item NAME | --board NAME --layout NAME | --all | --board NAME --from RAW.png) [--at TIME] [--raw] [--frames N] -o PATH|DIR",
	"write PNGs of what boards show (LED dots, or --raw one pixel per LED)", preview_opts, 1, 1, 0, cmd_preview,
};

static int
cmd_preview(const struct cmd_args *a)
{
	struct opts o;
	struct ls_config *cfg;
	struct render_ctx *ctx = NULL;
	struct ls_diag d = { 0 };
	struct sched *sched = NULL;
	char err[512];
	long long now;
	int rc = 1, failed = 0;

	if (parse_args(a, &o) != 0)
		return cmd_usage("preview");
	if ((cfg = cmd_load_config(o.file)) == NULL)
		return 1;
	if (o.at != NULL) {
		if (cmd_parse_time(cfg, o.at, &now) != 0) {
			fprintf(stderr, "ledsign preview: --at \"%s\": write \"YYYY-MM-DD HH:MM\"\n", o.at);
			goto out;
		}
	} else
		now = (long long)time(NULL);
	if ((ctx = render_ctx_new(cfg, &d)) == NULL) {
		ls_diag_print(&d, stderr);
		goto out;
	}
	if (o.from != NULL) {
		const struct ls_board *b = ls_config_board(cfg, o.board);
		if (b == NULL) {
			fprintf(stderr, "ledsign preview: %s: no board named \"%s\"\n", o.file, o.board);
			goto out;
		}
		rc = preview_from_png(&o, b) == 0 ? 0 : 1;
		goto out;
	}
	if (o.layout != NULL) {
		const struct ls_board *b = ls_config_board(cfg, o.board);
		const struct ls_layout *lo = ls_config_layout(cfg, o.layout);
		struct sched_result lay;
		const char *dir = NULL;
		if (b == NULL || lo == NULL) {
			fprintf(stderr, "ledsign preview: %s: no %s named \"%s\"\n", o.file, b == NULL ? "board" : "layout",
			    b == NULL ? o.board : o.layout);
			goto out;
		}
		if (b->width != lo->width || b->height != lo->height)
			fprintf(stderr, "ledsign preview: layout %s is for %dx%d boards, board %s is %dx%d: areas are cut "
			    "or leave LEDs dark\n", lo->name, lo->width, lo->height, b->name, b->width, b->height);
		if ((sched = sched_new(cfg, err, sizeof err)) == NULL) {
			fprintf(stderr, "ledsign preview: %s: %s\n", o.file, err);
			goto out;
		}
		sched_layout_at(sched, lo, NAN, (double)now, &lay);
		if (is_dir(o.out) || (o.frames > 0 && !ends_with(o.out, ".png")))
			dir = o.out;
		if (dir != NULL && !is_dir(dir) && mkdir(dir, 0777) != 0) {
			fprintf(stderr, "ledsign preview: cannot create %s: %s\n", dir, strerror(errno));
			goto out;
		}
		rc = preview_board(&o, ctx, b, NULL, &lay, now, 0, o.out, dir) == 0 ? 0 : 1;
		goto out;
	}
	if (!o.all) {
		const struct ls_board *b = ls_config_board(cfg, o.board);
		const struct ls_content *c = ls_config_content(cfg, o.item);
		const char *dir = NULL;
		if (b == NULL || c == NULL) {
			fprintf(stderr, "ledsign preview: %s: no %s named \"%s\" (ledsign check %s --list shows the boards)\n",
			    o.file, b == NULL ? "board" : "content item", b == NULL ? o.board : o.item, o.file);
			goto out;
		}
		/* an existing directory gets BOARD.png (or BOARD-NNN.png) inside it */
		if (is_dir(o.out) || (o.frames > 0 && !ends_with(o.out, ".png")))
			dir = o.out;
		if (dir != NULL && !is_dir(dir) && mkdir(dir, 0777) != 0) {
			fprintf(stderr, "ledsign preview: cannot create %s: %s\n", dir, strerror(errno));
			goto out;
		}
		rc = preview_board(&o, ctx, b, c, NULL, now, 0, o.out, dir) == 0 ? 0 : 1;
		goto out;
	}
	if (!is_dir(o.out) && mkdir(o.out, 0777) != 0) {
		fprintf(stderr, "ledsign preview: cannot create directory %s: %s\n", o.out, strerror(errno));
		goto out;
	}
	if (o.item == NULL && (sched = sched_new(cfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign preview: %s: %s\n", o.file, err);
		goto out;
	}
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *b = &cfg->boards[i];
		const struct ls_content *c;
		struct sched_result res;
		double t0 = 0;

		if (o.board != NULL && strcmp(o.board, b->name) != 0)
			continue;
		if (o.item != NULL) {
			if ((c = ls_config_content(cfg, o.item)) == NULL) {
				fprintf(stderr, "ledsign preview: %s: no content item named \"%s\"\n", o.file, o.item);
				goto out;
			}
		} else {
			/* what the schedule plays there at --at, as far into the item as the board is */
			sched_at(sched, b, (double)now, &res);
			c = res.content;
			t0 = c != NULL ? (double)now - res.item_start : 0;
			if (res.layout != NULL) {
				/* areas, each as far into its item as the board is */
				if (preview_board(&o, ctx, b, NULL, &res, now, 0, NULL, o.out) != 0)
					failed = 1;
				continue;
			}
		}
		if (c == NULL) {
			/* nothing plays (off, powered off, or no rule): the board is dark */
			struct ls_content blank = { .name = (char *)"(nothing scheduled)" };
			static const char *const why[] = { "plays nothing", "has nothing scheduled", "is switched off by a rule",
				"is powered off by a rule" };
			fprintf(stderr, "ledsign preview: board %s %s at that time; writing a dark board\n", b->name,
			    why[res.slot.state <= SCHED_POWER_OFF ? res.slot.state : 0]);
			if (preview_board(&o, ctx, b, &blank, NULL, now, 0, NULL, o.out) != 0)
				failed = 1;
			continue;
		}
		if (preview_board(&o, ctx, b, c, NULL, now, t0, NULL, o.out) != 0)
			failed = 1;
	}
	rc = failed;
out:
	sched_free(sched);
	ls_diag_clear(&d);
	render_ctx_free(ctx);
	ls_config_free(cfg);
	return rc;
}
