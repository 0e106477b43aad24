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
	const char *file, *board, *item, *rule, *at, *out, *from, *layout;
	int all, raw, frames, gif, fps;
	double t, interval, seconds;
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
int
cmd_preview_sheet(struct render_canvas *const *fr, int n, const struct ls_board *b, int raw, const char *path,
    char *err, size_t errlen)
{
	int fw, fh, gap = raw ? 1 : 8, W, H;
	uint8_t *sheet;
	int rc;

	if (raw) {
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
		snprintf(err, errlen, "out of memory for a %d-frame sheet", n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		uint8_t *dst = sheet + (size_t)i * (size_t)(fh + gap) * (size_t)W * 3;
		if (raw) {
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
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			memcpy(dst, img, (size_t)w * (size_t)h * 3);
			free(img);
		}
	}
	rc = render_png_write_rgb(sheet, W, H, path, err, errlen);
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

static int
write_sheet(const struct opts *o, struct render_canvas **fr, int n, const struct ls_board *b, const char *path)
{
	char err[512];

	if (cmd_preview_sheet(fr, n, b, o->raw, path, err, sizeof err) != 0) {
		fprintf(stderr, "ledsign preview: %s\n", err);
		return -1;
	}
	return 0;
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

/* A raw PNG a board showed as a canvas of board b.  Each pixel goes through
 * render_canvas_set like any drawing, which leaves canonical colours as
 * they are and maps anything else to what the board could show. */
struct render_canvas *
cmd_preview_load_raw(const struct ls_board *b, const char *path, char *err, size_t errlen)
{
	png_image img;
	uint8_t *rgb = NULL;
	struct render_canvas *cv = NULL;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		return NULL;
	}
	if ((int)img.width != b->width || (int)img.height != b->height) {
		snprintf(err, errlen, "%s is %ux%u but board %s is %dx%d; give the board it came from",
		    path, img.width, img.height, b->name, b->width, b->height);
		png_image_free(&img);
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	if ((rgb = malloc(PNG_IMAGE_SIZE(img))) == NULL || !png_image_finish_read(&img, NULL, rgb, 0, NULL)) {
		snprintf(err, errlen, "%s: %s", path, rgb ? img.message : "out of memory");
		goto out;
	}
	if ((cv = render_canvas_new(b->width, b->height, b->format)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (int y = 0; y < b->height; y++)
		for (int x = 0; x < b->width; x++) {
			const uint8_t *p = rgb + 3 * ((size_t)y * (size_t)b->width + (size_t)x);
			render_canvas_set(cv, x, y, (ls_rgb)p[0] << 16 | (ls_rgb)p[1] << 8 | p[2]);
		}
out:
	free(rgb);
	png_image_free(&img);
	return cv;
}

/* The LED look (or, with --raw, a clean copy) of a raw PNG a board showed. */
static int
preview_from_png(const struct opts *o, const struct ls_board *b)
{
	char err[512];
	struct render_canvas *cv = cmd_preview_load_raw(b, o->from, err, sizeof err);
	int rc;

	if (cv == NULL) {
		fprintf(stderr, "ledsign preview: %s\n", err);
		return -1;
	}
	rc = write_one(o, cv, b, o->out);
	render_canvas_free(cv);
	return rc;
}

/* One picture of a frame: the LED look at the site picture's pitch (about
 * 960 px wide, smaller than a PNG preview's 1536: a GIF has many frames),
 * or with --raw one pixel per LED (canonical colours).  malloc'd RGB. */
static uint8_t *
frame_rgb(const struct opts *o, const struct render_canvas *cv, const struct ls_board *b, int *w, int *h)
{
	uint8_t *rgb;

	if (!o->raw)
		return render_preview_dots(cv, b, render_site_pitch(&b, 1), w, h);
	if ((rgb = malloc((size_t)cv->width * (size_t)cv->height * 3)) == NULL)
		return NULL;
	for (int y = 0; y < cv->height; y++)
		for (int x = 0; x < cv->width; x++) {
			ls_rgb v = render_canvas_get(cv, x, y);
			uint8_t *p = rgb + ((size_t)y * (size_t)cv->width + (size_t)x) * 3;
			p[0] = (uint8_t)(v >> 16);
			p[1] = (uint8_t)(v >> 8);
			p[2] = (uint8_t)v;
		}
	*w = cv->width;
	*h = cv->height;
	return rgb;
}

/* What board b shows `dt` seconds after --at in GIF mode: the item (from
 * --t), or the rule's playlist from its first item (preview_gif asks the
 * schedule itself, which may give a layout). */
static const struct ls_content *
gif_item_at(const struct opts *o, const struct ls_config *cfg, const struct ls_rule *rule, ls_day day, int minute,
    double dt, double *t)
{
	if (o->item != NULL) {
		*t = o->t + dt;
		return ls_config_content(cfg, o->item);
	}
	if (rule != NULL) {
		/* the rule's playlist in order, items outside their own hours at
		 * --at left out, as the schedule plays it from the rule's start */
		const struct ls_playlist *pl = ls_config_playlist(cfg, rule->playlist);
		double cycle = 0, pos;
		for (size_t k = 0; pl != NULL && k < pl->nentries; k++)
			if (sched_entry_active(&pl->entries[k], day, minute))
				cycle += sched_entry_length(cfg, &pl->entries[k]);
		if (cycle <= 0)
			return NULL;
		pos = fmod(o->t + dt, cycle);
		for (size_t k = 0; k < pl->nentries; k++) {
			double len;
			if (!sched_entry_active(&pl->entries[k], day, minute))
				continue;
			len = sched_entry_length(cfg, &pl->entries[k]);
			if (pos < len) {
				const struct ls_content *c = ls_config_content(cfg, pl->entries[k].item);
				double one = c != NULL && c->duration > 0 ? c->duration : SCHED_DEFAULT_DURATION;
				if (pl->entries[k].duration > 0)
					one = pl->entries[k].duration;
				*t = fmod(pos, one);
				return c;
			}
			pos -= len;
		}
		return NULL;
	}
	return NULL;
}

/* -o NAME.gif: an animated GIF over --for seconds at --fps: one board's
 * item (--item), layout (--layout) or rule (--rule, a playlist or a
 * layout), or with --all every board in one picture following the schedule
 * (layouts composed). */
static int
preview_gif(const struct opts *o, const struct ls_config *cfg, struct render_ctx *ctx, long long now)
{
	const struct ls_board **bs = calloc(cfg->nboards + 1, sizeof *bs);
	struct render_canvas **cv = calloc(cfg->nboards + 1, sizeof *cv);
	const struct ls_rule *rule = NULL;
	const struct ls_layout *lo = NULL;   /* --layout, or a --rule that shows one */
	struct sched *sched = NULL;
	struct render_gif *gif = NULL;
	size_t n = 0;
	long nframes = (long)ceil(o->seconds * o->fps - 1e-9);
	int rc = -1, minute = 0, pitch = 0;
	ls_day day = 0;
	char err[512];
	struct tm tm;

	if (bs == NULL || cv == NULL)
		goto out;
	for (size_t i = 0; i < cfg->nboards; i++)
		if (o->board == NULL || strcmp(o->board, cfg->boards[i].name) == 0)
			bs[n++] = &cfg->boards[i];
	if (n == 0) {
		fprintf(stderr, "ledsign preview: %s: no board named \"%s\" (ledsign check %s --list shows the boards)\n",
		    o->file, o->board, o->file);
		goto out;
	}
	if (o->item != NULL && ls_config_content(cfg, o->item) == NULL) {
		fprintf(stderr, "ledsign preview: %s: no content item named \"%s\"\n", o->file, o->item);
		goto out;
	}
	if (o->rule != NULL) {
		for (size_t r = 0; r < cfg->nrules && rule == NULL; r++)
			if (cfg->rules[r].name != NULL && strcmp(cfg->rules[r].name, o->rule) == 0)
				rule = &cfg->rules[r];
		if (rule == NULL || rule->kind != LS_RULE_PLAY || (rule->playlist == NULL && rule->layout == NULL)) {
			fprintf(stderr, "ledsign preview: %s: no schedule rule named \"%s\" that plays a playlist or layout\n",
			    o->file, o->rule);
			goto out;
		}
		if (render_localtime(ctx, now, &tm, err, sizeof err) != 0) {
			fprintf(stderr, "ledsign preview: %s\n", err);
			goto out;
		}
		minute = tm.tm_hour * 60 + tm.tm_min;
		day = tz_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	}
	if (o->layout != NULL && (lo = ls_config_layout(cfg, o->layout)) == NULL) {
		fprintf(stderr, "ledsign preview: %s: no layout named \"%s\"\n", o->file, o->layout);
		goto out;
	}
	if (rule != NULL && rule->layout != NULL)
		lo = ls_config_layout(cfg, rule->layout);
	if (o->item == NULL && (rule == NULL || lo != NULL) && (sched = sched_new(cfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign preview: %s: %s\n", o->file, err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((cv[i] = render_canvas_new(bs[i]->width, bs[i]->height, bs[i]->format)) == NULL) {
			fprintf(stderr, "ledsign preview: board %s: cannot make a canvas\n", bs[i]->name);
			goto out;
		}
	pitch = render_site_pitch(bs, n);
	for (long f = 0; f < nframes; f++) {
		double dt = (double)f / o->fps;
		uint8_t *rgb;
		int w, h;

		for (size_t i = 0; i < n; i++) {
			double t = 0;
			const struct ls_content *c = NULL;
			struct ls_content blank = { .name = (char *)"(nothing scheduled)" };
			struct sched_result lay;
			int rc2;

			/* a layout: --layout (from midnight), a --rule that shows one
			 * (from --t before --at), or the schedule's */
			lay.layout = NULL;
			if (lo != NULL)
				sched_layout_at(sched, lo, o->layout != NULL ? NAN : (double)now - o->t, (double)now + dt, &lay);
			else if (o->item == NULL && rule == NULL) {
				sched_at(sched, bs[i], (double)now + dt, &lay);
				c = lay.content;
				t = c != NULL ? (double)now + dt - lay.item_start : 0;
			} else
				c = gif_item_at(o, cfg, rule, day, minute, dt, &t);
			if (lay.layout != NULL) {
				struct render_area_show shows[LS_LAYOUT_MAX_AREAS];
				memset(shows, 0, sizeof shows);
				for (size_t k = 0; k < lay.nareas; k++) {
					shows[k].content = lay.areas[k].content;
					shows[k].t = (double)now + dt - lay.areas[k].item_start + (o->layout != NULL ? o->t : 0);
				}
				rc2 = render_compose(ctx, bs[i], lay.layout, shows, (double)now + dt, cv[i], err, sizeof err);
			} else
				rc2 = render_item(ctx, bs[i], c != NULL ? c : &blank, (double)now + dt, t, cv[i], err, sizeof err);
			if (rc2 != 0) {
				fprintf(stderr, "ledsign preview: board %s: %s\n", bs[i]->name, err);
				goto out;
			}
		}
		rgb = o->all ? render_site_picture(ctx, bs, cv, n, pitch, &w, &h) : frame_rgb(o, cv[0], bs[0], &w, &h);
		if (rgb == NULL) {
			fprintf(stderr, "ledsign preview: out of memory\n");
			goto out;
		}
		if (gif == NULL && (gif = render_gif_new(o->out, w, h, err, sizeof err)) == NULL) {
			free(rgb);
			fprintf(stderr, "ledsign preview: %s\n", err);
			goto out;
		}
		/* frame f starts at round(100 f / fps) cs: the GIF keeps the rate exactly */
		if (render_gif_add(gif, rgb, lround(100.0 * (double)f / o->fps), lround(100.0 * (double)(f + 1) / o->fps)) != 0) {
			free(rgb);
			break;           /* the reason comes from render_gif_close */
		}
		free(rgb);
	}
	rc = 0;
out:
	if (gif != NULL && render_gif_close(gif, err, sizeof err) != 0) {
		fprintf(stderr, "ledsign preview: %s\n", err);
		rc = -1;
	}
	for (size_t i = 0; cv != NULL && i < n; i++)
		render_canvas_free(cv[i]);
	free(cv);
	free(bs);
	sched_free(sched);
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
	{ "rule", 0, "NAME", "with --board and -o NAME.gif: the rule's playlist (or layout) from its first item" },
	{ "for", 0, "SECONDS", "length of an animated GIF (-o NAME.gif), 0.1..600 (default 10)" },
	{ "fps", 0, "N", "frames per second of an animated GIF, 1..50 (default 30, as ledsign play)" },
	{ "output", 'o', "PATH", "the PNG to write, a directory for BOARD.png files, or NAME.gif for an animation" },
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
	o->rule = cmd_arg(a, "rule");
	o->seconds = 10;
	o->fps = 30;
	if ((v = cmd_arg(a, "for")) != NULL) {
		o->seconds = strtod(v, &end);
		if (*end || !(o->seconds >= 0.1 && o->seconds <= 600)) {
			fprintf(stderr, "ledsign preview: --for takes 0.1..600 seconds, not \"%s\"\n", v);
			return -1;
		}
	}
	if ((v = cmd_arg(a, "fps")) != NULL) {
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 50) {
			fprintf(stderr, "ledsign preview: --fps takes 1..50, not \"%s\"\n", v);
			return -1;
		}
		o->fps = (int)n;
	}
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
	o->gif = ends_with(o->out, ".gif");
	if (o->gif)      /* one board's item or rule, or the site (--all, with --board: one board, scheduled) */
		return o->from == NULL && o->frames == 0 && (o->all ? o->rule == NULL && o->layout == NULL :
		    o->board != NULL && (o->item != NULL) + (o->rule != NULL) + (o->layout != NULL) == 1) ? 0 : -1;
	if (o->rule != NULL || cmd_arg(a, "for") != NULL || cmd_arg(a, "fps") != NULL)
		return -1;       /* animation options without a .gif */
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
	"preview", "FILE (--board NAME --item NAME | --board NAME --layout NAME | --all [--board NAME] [--item NAME] | --board NAME --from RAW.png) [--at TIME] [--t SECONDS] [--raw] [--frames N [--interval SECONDS]] -o PATH|DIR\n"
	"       ledsign preview FILE (--board NAME (--item NAME | --layout NAME | --rule NAME) | --all) [--at TIME] [--for SECONDS] [--fps N] -o NAME.gif",
	"write PNGs of what boards show (LED dots, or --raw one pixel per LED), or animated GIFs", preview_opts, 1, 1, 0, cmd_preview,
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
	if (o.gif) {
		rc = preview_gif(&o, cfg, ctx, now) == 0 ? 0 : 1;
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
