/*
 * render/render.h — turn a content item into a board's canvas.
 *
 * The API every other part uses (preview, send, the daemon).  A render_ctx
 * holds what is worth keeping between frames: open fonts, a glyph cache,
 * decoded posters.  It is not thread-safe; one per thread.
 */
#ifndef LEDSIGN_RENDER_H
#define LEDSIGN_RENDER_H

#include <stddef.h>
#include "util/diag.h"
#include "config/model.h"
#include "render/canvas.h"

struct render_ctx;

/* A context for one config; NULL (with a message in diag) when no font
 * can be found at all.  The config must outlive the context. */
struct render_ctx *render_ctx_new(const struct ls_config *, struct ls_diag *);
void render_ctx_free(struct render_ctx *);

/* Draw `item` for `board` into `out` (which has the board's size and format;
 * it is cleared first).  `now` is wall-clock Unix time (for live fields, in
 * the config's timezone); `t` is seconds since the item started showing
 * (for effects).  Returns 0, or -1 with a message naming the item in err. */
int render_item(struct render_ctx *, const struct ls_board *, const struct ls_content *,
    double now, double t, struct render_canvas *out, char *err, size_t errlen);

/* Open every font file the config's items may draw with (each item's font
 * and its fallbacks, and the default's): the daemon does it before the
 * boards take the descriptors there are.  A font file stays open, one
 * descriptor, until the context is freed (it is read, not mapped).
 * Returns how many font files are open. */
size_t render_ctx_open_fonts(struct render_ctx *);

/* render_item, once for every board that shows the same item at the same
 * size and format with the same now and t: the pixels (and the result) of
 * the first such call are kept in the context and copied for the others
 * (render/share.c).  For the daemon, whose players give boards in one frame
 * period the same times. */
int render_item_shared(struct render_ctx *, const struct ls_board *, const struct ls_content *,
    double now, double t, struct render_canvas *out, char *err, size_t errlen);
/* How often render_item_shared drew, and how often it copied. */
struct render_share_stats {
	unsigned long renders, hits;
};
void render_share_stats(const struct render_ctx *, struct render_share_stats *);

/* The whole line of a fixed text that scrolls left, as one image of the
 * board's height and the text's width (render/strip.c): what a board that
 * scrolls by itself needs.  NULL + err for any other item.  Free with
 * render_canvas_free. */
struct render_canvas *render_strip(struct render_ctx *, const struct ls_board *, const struct ls_content *,
    char *err, size_t errlen);

/* One area of a layout for render_compose: the item it shows and how far
 * into it (seconds since the item started, for effects). */
struct render_area_show {
	const struct ls_content *content;   /* NULL: the area stays dark */
	double t;
};

/* Draw a layout for `board` into `out` (the board's size and format;
 * cleared first): each area's item rendered at the area's size in the
 * board's format, as render_item would on a board that size, then copied
 * into place bit for bit; later areas over earlier ones.  shows[i] is for
 * layout->areas[i].  An area that fails to render stays dark and the others
 * are still drawn; then -1 with the first failure (naming the area) in err,
 * else 0. */
int render_compose(struct render_ctx *, const struct ls_board *, const struct ls_layout *,
    const struct render_area_show *shows, double now, struct render_canvas *out, char *err, size_t errlen);

/* For `ledsign check`: warnings for layout areas too small for the text of
 * an item in their playlist (lower than its size, than the smallest size
 * auto-fit uses, or narrower than one character), with the area's
 * file:line and what to do.  Returns how many. */
size_t render_check_layouts(struct render_ctx *, const struct ls_config *, struct ls_diag *);
/* `text` with its live fields ({date} {time} {weekday} {countdown:YYYY-MM-DD})
 * filled in as a board shows them at Unix time `now` in the config's zone
 * (fields.c).  A malloc'd string, or NULL with a message in err for a
 * malformed field. */
char *render_fields_expand(struct render_ctx *, const char *text, double now, char *err, size_t errlen);

/* For `ledsign check`: a warning in diag (with the item's file:line) for
 * every character of every content text that no installed font can draw,
 * and for {words} that are not live fields; an error for a malformed field
 * such as {countdown:2023-02-30}.  Returns how many missing characters
 * were found. */
size_t render_check_glyphs(struct render_ctx *, const struct ls_config *, struct ls_diag *);

/* How a text item is shown on a board, for `ledsign check --legibility`. */
enum render_show { RENDER_SHOW_NONE, RENDER_SHOW_PAGES, RENDER_SHOW_SCROLL_LEFT, RENDER_SHOW_SCROLL_UP };
struct render_text_plan {
	enum render_show how;      /* NONE: the item has no text */
	int  size;                 /* pixels */
	int  auto_fit;             /* the size was chosen by auto-fit */
	int  lines, pages, lines_per_page;
	int  width;                /* widest line, pixels (a scroll's length) */
	int  forced;               /* a Latin word, number, date or time is broken inside */
	int  split;                /* lines that end inside a Chinese word */
	char shown[512];           /* the lines, " / " between them (cut when long) */
	char broken[64];           /* the first bad break, as "…end|start…"; "" when none */
};
/* Lay out `item`'s text (live fields expanded at `now`) for `board` as
 * render_item would.  0, or -1 with a message naming the item in err. */
int render_text_plan(struct render_ctx *, const struct ls_board *, const struct ls_content *,
    double now, struct render_text_plan *out, char *err, size_t errlen);

/* Static text needing more pages than this gets a warning from `check`. */
#define RENDER_MAX_PAGES 3
/* Smallest sizes called legible: WenQuanYi's smallest hand-tuned strike is
 * 12 px, and below that ideographs lose strokes; Latin and digits read at
 * 8 px (the 5x7 dot fonts of LED signs, with room above and below). */
#define RENDER_MIN_LEGIBLE_CJK   12
#define RENDER_MIN_LEGIBLE_LATIN 8
/* The legible minimum for a text: the CJK one when it has any CJK character. */
int render_legible_min(const char *text);
/* For `ledsign check`: a warning for every board x item (items a rule or the
 * fallback can show there, and each layout area's items at the area's size)
 * whose static text needs more than RENDER_MAX_PAGES pages, or that is
 * broken inside a word, number or date.  Live fields are expanded at `now`.
 * Returns the number of warnings. */
size_t render_check_legibility(struct render_ctx *, const struct ls_config *, double now, struct ls_diag *);

/* Read and fully decode the poster file at `path` under the limits the
 * renderer uses (file size, pixels, chunk sizes), as `check` and a reload
 * must: 0 with its size in *w, *h (either may be NULL), or -1 with the
 * reason in err (which names the file). */
int render_png_check(const char *path, int *w, int *h, char *err, size_t errlen);

/* Broken-down local time of Unix time `t` in the config's timezone (read
 * from its TZif file; TZ and localtime are not touched).  0 or -1 + err. */
struct tm;
int render_localtime(struct render_ctx *, long long t, struct tm *out, char *err, size_t errlen);

/* One PNG pixel per LED in canonical colour (render/canvas.h).  0 or -1 + err. */
int render_png_write_raw(const struct render_canvas *, const char *path, char *err, size_t errlen);

/* Write a w x h 8-bit RGB image (rows of 3*w bytes) as a PNG.  0 or -1 + err. */
int render_png_write_rgb(const uint8_t *rgb, int w, int h, const char *path, char *err, size_t errlen);

/* The LED pitch (output pixels per LED) previews use for a canvas. */
int render_preview_pitch(const struct render_canvas *);
/* An image that looks like the board: round LEDs (mono boards in board->color)
 * on a dark panel, `pitch` pixels per LED (0 = render_preview_pitch).
 * Returns malloc'd RGB rows and the size, or NULL when out of memory. */
uint8_t *render_preview_dots(const struct render_canvas *, const struct ls_board *, int pitch, int *w, int *h);
/* render_preview_dots written as a PNG.  0 or -1 + err. */
int render_png_write_preview(const struct render_canvas *, const struct ls_board *, const char *path,
    char *err, size_t errlen);

/* The whole site in one picture (`preview --all -o SITE.gif`): every board's
 * LED look at one pitch (render_site_pitch: the widest board about 960 px),
 * stacked top to bottom in the order given, each under its name and
 * size.  Returns malloc'd RGB rows and the size, or NULL when out of memory. */
int render_site_pitch(const struct ls_board *const *boards, size_t n);
uint8_t *render_site_picture(struct render_ctx *, const struct ls_board *const *boards,
    struct render_canvas *const *canvases, size_t n, int pitch, int *w, int *h);

/* Animated GIFs (gif.c, giflib): frames are whole w x h RGB pictures; a
 * frame equal to the one before only makes that one last longer, others
 * store the rectangle that changed.  Times are centiseconds from the start
 * (GIF's unit).  Every call but new returns 0 or -1; new and close give the
 * reason (naming the file) in err; a failed file is removed. */
struct render_gif;
struct render_gif *render_gif_new(const char *path, int w, int h, char *err, size_t errlen);
/* Show `rgb` from start_cs to end_cs (shorter than 1 cs: skipped). */
int render_gif_add(struct render_gif *, const uint8_t *rgb, long start_cs, long end_cs);
/* Frames stored so far (after merging equal ones). */
size_t render_gif_frames(const struct render_gif *);
/* Finish the file and free; NULL is fine. */
int render_gif_close(struct render_gif *, char *err, size_t errlen);

#endif
