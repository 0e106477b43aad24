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

/* How an item's text is laid out on a board: the size used (auto-fit's
 * choice when size is 0), the lines, and the pages a static or flashing
 * text is cut into (each shows duration/pages seconds); a scrolling text is
 * one page of `width` pixels.  For the console's warnings as staff type. */
struct render_text_info {
	int    size;
	size_t lines, pages;
	int    width;
	int    scrolls;     /* scroll-left or scroll-up */
};
/* Lay `item` out for `board` as render_item does (it draws it once into a
 * scratch canvas).  0 with *out filled (all zero for an image), or -1 + err. */
int render_item_info(struct render_ctx *, const struct ls_board *, const struct ls_content *, double now,
    struct render_text_info *out, char *err, size_t errlen);

/* For `ledsign check`: a warning in diag (with the item's file:line) for
 * every character of every content text that no installed font can draw,
 * and for {words} that are not live fields; an error for a malformed field
 * such as {countdown:2023-02-30}.  Returns how many missing characters
 * were found. */
size_t render_check_glyphs(struct render_ctx *, const struct ls_config *, struct ls_diag *);

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

#endif
