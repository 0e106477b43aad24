/*
 * render/render_int.h — what the files of render/ share among themselves.
 *
 * Not for use outside src/render/ (and the render unit tests, which look
 * inside to check the strike/outline choice and the line breaker).
 */
#ifndef LEDSIGN_RENDER_INT_H
#define LEDSIGN_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <fontconfig/fontconfig.h>

#include "util/diag.h"
#include "config/model.h"
#include "render/canvas.h"

#define RENDER_DEFAULT_FONT "WenQuanYi Zen Hei"
/* Largest text size auto-fit and the config may ask for, in pixels. */
#define RENDER_MAX_SIZE 512
/* Smallest size auto-fit goes down to before it pages or scrolls. */
#define RENDER_MIN_FIT 12
/* A poster larger than this many pixels is refused rather than decoded. */
#define RENDER_MAX_IMAGE_PIXELS ((size_t)8 * 1024 * 1024)
/* Largest poster file read. */
#define RENDER_MAX_IMAGE_FILE ((size_t)256 * 1024 * 1024)
/* Largest chunk the PNG decoder buffers (PLTE and tRNS need under 1 KiB;
 * the rest are skipped unread). */
#define RENDER_PNG_CHUNK_MAX ((size_t)64 * 1024)
/* Bytes of glyph bitmaps kept before the cache is emptied. */
#define RENDER_GLYPH_CACHE_BYTES (32u * 1024 * 1024)
/* The fallback chain is cut after this many fonts. */
#define RENDER_MAX_CHAIN 48

/* How glyphs are rasterised: hard-edged (mono and red-green boards) or
 * 8-bit coverage (RGB boards). */
enum render_aa { RENDER_AA_MONO, RENDER_AA_GREY };

/* Where a glyph's pixels came from; the tests check the choice. */
enum render_src { RENDER_SRC_STRIKE, RENDER_SRC_MONO_OUTLINE, RENDER_SRC_GREY_OUTLINE };

/* One font file face (file + index) at one pixel size and one AA mode. */
struct render_face {
	char          *file;
	int            index;
	int            px;
	enum render_aa aa;
	FT_Face        ft;
	hb_font_t     *hb;
	int            strike;     /* 1 when an embedded bitmap strike of px is selected */
	int            baseline;   /* pixels from the top of the px-high line box */
	int            id;         /* small number naming this face in the glyph cache */
};

/* A rasterised glyph, w*h pixels: grey ones (RENDER_AA_GREY faces) as
 * 8-bit coverage, row-major; hard-edged ones (RENDER_AA_MONO faces) as
 * bits, rows of (w + 7) / 8 bytes, leftmost pixel in the top bit, as a
 * mono canvas stores them, so drawing one is a shift and an OR per byte
 * (and the glyph takes an eighth of the memory).  Exactly one of cov and
 * bits is set, except for a blank glyph (w or h 0), which may have neither. */
struct render_glyph {
	int16_t  left, top;        /* bitmap offset from the pen position, FreeType style */
	uint16_t w, h;
	uint8_t  src;              /* enum render_src */
	uint8_t *cov;
	uint8_t *bits;
	struct render_glyph *next; /* the glyph cache's list of all it holds */
	uint64_t key;              /* its key there */
};

/* One candidate font of a fallback chain. */
struct render_chain_font {
	char      *file;
	int        index;
	FcCharSet *charset;        /* NULL when unknown (a font given by file): ask FreeType */
};

/* A font as content names it, resolved into a fallback chain. */
struct render_font {
	char   *name;              /* as given (NULL = default) */
	struct render_chain_font *v;
	size_t  n;
	int     primary_found;     /* 0 when the named family was not installed */
	char   *primary_desc;      /* "family (file)" of chain[0], for messages */
};

/* A glyph placed on a line. */
struct render_pglyph {
	const struct render_glyph *g;  /* NULL until first drawn: render_layout_glyph */
	struct render_face *face;
	unsigned gid;
	int x;                     /* pen x within the line, pixels */
};

/* What ends a line: how good a place it was to break (text.c). */
enum render_brk {
	RENDER_BRK_NONE,           /* no line may end here (before a space, which hangs) */
	RENDER_BRK_END,            /* end of a paragraph */
	RENDER_BRK_GOOD,           /* after a space or punctuation */
	RENDER_BRK_WORD,           /* between words (Chinese word list, Latin|CJK, a hyphen) */
	RENDER_BRK_SPLIT,          /* inside a word of the Chinese word list */
	RENDER_BRK_FORCED,         /* inside a Latin word, a number, a date or a time */
	RENDER_BRK_VETO,           /* against the Chinese rules (，at a line start, 《 at an end) */
};

struct render_line {
	size_t first, n;           /* glyphs */
	int    width;              /* pixels, trailing spaces excluded */
	size_t cp, ncp;            /* code points of the text shown, from its start (spaces at a break dropped) */
	uint8_t brk;               /* enum render_brk: what ends this line */
};

/* A laid-out text: lines of glyphs at one size. */
struct render_layout {
	int     size;              /* pixels */
	int     line_h;            /* = size */
	int     baseline;          /* from the top of a line box */
	int     spacing;           /* extra pixels between lines */
	struct render_pglyph *g;   size_t ng;
	struct render_line   *lines; size_t nlines;
	int     width;             /* widest line */
	int     forced;            /* a word, number or date had to be broken inside (did not fit) */
	int     split;             /* lines that end inside a word of the Chinese word list */
	size_t  missing;           /* code points no font could draw */
};

struct tz;
struct tm;

struct render_gslot {
	uint64_t key;              /* face id << 32 | glyph id; 0 = empty */
	struct render_glyph *g;
};

/* Recently used layouts: the same text at the same size is shaped once. */
#define RENDER_LAYOUT_CACHE 16
struct render_lkey {
	char *text;
	const struct render_font *font;
	int size, aa, wrap, width, spacing;
};
struct render_lcache {
	struct render_lkey key;
	struct render_layout *l;
	unsigned long used;
};

/* Auto-fit results: (text, font, box) -> size. */
#define RENDER_FIT_CACHE 16
struct render_fcache {
	char *text;
	const struct render_font *font;
	int aa, w, h, spacing, mode, size;
	unsigned long used;
};

#define RENDER_IMAGE_CACHE 8
struct render_icache {
	char *path;
	struct render_image *img;
	char *err;                 /* a decode error is remembered too */
	unsigned long used;
	struct stat st;            /* the file as it was read (st_ino 0: not opened) */
	time_t checked;            /* CLOCK_MONOTONIC_COARSE second of the last stat */
	/* a scrolling poster, scaled and quantised once for one board and colour */
	struct render_canvas *strip;
	ls_rgb strip_bg;
};

struct render_ctx {
	const struct ls_config *cfg;
	FT_Library ft;
	struct render_font **fonts;  size_t nfonts;
	struct render_face **faces;  size_t nfaces;
	struct render_gslot *gtab;   size_t gcap, gcount, gbytes;
	struct render_glyph *glist;  /* every glyph in gtab, so emptying it need not scan gtab */
	struct render_lcache lc[RENDER_LAYOUT_CACHE];
	struct render_fcache fc[RENDER_FIT_CACHE];
	struct render_icache ic[RENDER_IMAGE_CACHE];
	unsigned long tick;
	/* blend table for the last fg/bg pair (one item usually keeps its colours) */
	uint8_t mix[256][3];
	ls_rgb  mix_fg, mix_bg;
	int     mix_valid;
	uint8_t *cov; size_t covcap;  /* coverage scratch for RGB text */
	struct tz *zone;             /* the config's timezone, read on first use */
	struct render_share *share;  /* renders kept for other boards (share.c), made on first use */
	struct render_fontfile *files; size_t nfiles;  /* open font files (font.c) */
	struct render_fblock *fblocks;                 /* their last blocks read (font.c) */
	uint8_t fhint[64];           /* (fd, block) hash -> 1 + where its block was found (font.c) */
};
/* Font file bytes kept in memory: RENDER_FONT_BLOCKS blocks of RENDER_FONT_BLOCK. */
#define RENDER_FONT_BLOCK  16384
#define RENDER_FONT_BLOCKS 32
#define RENDER_FONT_HINTS  (sizeof ((struct render_ctx *)0)->fhint)
struct render_fblock {
	int      fd;
	unsigned long blk, used;
	size_t   len;
	uint8_t  data[RENDER_FONT_BLOCK];
};
/* Renders kept by render_item_shared: one per item, size and format shown at once. */
#define RENDER_SHARE_SLOTS 32
void render_share_free(struct render_share *);

/* fonts (font.c) */
/* `path` resolved against the config file's directory; malloc'd. */
char *render_config_path(const struct ls_config *, const char *path);
struct render_font *render_font_get(struct render_ctx *, const char *name, char *err, size_t errlen);
struct render_face *render_face_get(struct render_ctx *, const char *file, int index, int px,
    enum render_aa);
const struct render_glyph *render_glyph_get(struct render_ctx *, struct render_face *, unsigned gid);
/* The chain entry able to draw `cp`, or -1. */
int render_font_pick(struct render_ctx *, struct render_font *, uint32_t cp);
void render_fonts_free(struct render_ctx *);
/* Close the font files: after FT_Done_FreeType, which ends every face. */
void render_fontfiles_close(struct render_ctx *);
/* Empty the glyph cache (and everything that points into it). */
void render_glyph_cache_flush(struct render_ctx *);

/* text (text.c) */
enum render_wrap { RENDER_WRAP_NONE, RENDER_WRAP_WIDTH };
struct render_layout *render_layout_text(struct render_ctx *, struct render_font *, const char *utf8,
    int size, enum render_aa, enum render_wrap, int width, int spacing);
void render_layout_free(struct render_layout *);
/* Glyph k of a layout, rasterised (and kept in the glyph cache) on first use. */
const struct render_glyph *render_layout_glyph(struct render_ctx *, struct render_layout *, size_t k);
/* 1 when a break is allowed between code points a and b (Chinese line-breaking rules). */
int render_break_ok(uint32_t a, uint32_t b);
/* What a break between cps[p-1] and cps[p] would be (enum render_brk;
 * RENDER_BRK_NONE before a space, which hangs at the line end instead).
 * inword as render_zh_segment fills it, or NULL. */
int render_break_class(const uint32_t *cps, size_t n, size_t p, const uint8_t *inword);

/* Chinese words (zhwords.c) */
#define RENDER_ZH_MAXWORD 8
/* 1 for a CJK ideograph (the characters the word list segments). */
int render_zh_han(uint32_t c);
/* 1 when cps[0..n) is a word of the list. */
int render_zh_is_word(const uint32_t *cps, size_t n);
/* inword[p] = 1 (p in 1..n-1) when a break before cps[p] would cut a listed
 * word, 2 when it would also cut a shorter listed word inside that one
 * (网|络 in 网络安全法, against 1 for 网络安全|法); inword has n + 1 bytes.  0, or -1 when out of memory. */
int render_zh_segment(const uint32_t *cps, size_t n, uint8_t *inword);
/* The list, for tests: its size and entry i. */
size_t render_zh_nwords(void);
const char *render_zh_word(size_t i);
int render_no_start(uint32_t cp);
int render_no_end(uint32_t cp);
/* Decode UTF-8 (invalid bytes become U+FFFD); returns the count, *out malloc'd. */
size_t render_utf8_decode(const char *s, uint32_t **out);

/* Drawing (draw.c) */
struct render_paint {
	enum render_aa aa;
	ls_rgb fg, bg;             /* already mapped for the canvas format */
	uint16_t fg_lin[3];        /* fg in linear light */
	uint8_t  bg_rgb[3];
	const uint8_t (*mix)[3];   /* RGB: fg over bg at coverage a, in linear light */
	uint8_t *cov;              /* when set, text goes into this width*height coverage
	                            * buffer and render_cov_resolve writes the canvas */
};
void render_paint_init(struct render_ctx *, struct render_paint *, enum ls_format, ls_rgb color, ls_rgb background);
void render_draw_layout(struct render_ctx *, struct render_canvas *, const struct render_paint *, struct render_layout *,
    size_t first_line, size_t nlines, int x0, int y0, int width, enum ls_halign);
void render_fill_background(struct render_canvas *, const struct render_paint *);
/* Write the whole canvas from p->cov: background, text, and its edges blended. */
void render_cov_resolve(struct render_canvas *, const struct render_paint *);

/* Live fields (fields.c): render_fields_expand is in render.h. */
void render_zone_free(struct render_ctx *);

/* Images (image.c) */
struct render_image {
	int       w, h;
	uint16_t *px;              /* linear-light premultiplied RGBA, 16 bits per channel */
};
struct render_image *render_png_decode(const uint8_t *buf, size_t len, size_t max_pixels,
    char *err, size_t errlen);
void render_image_free(struct render_image *);
/* render_png_decode without keeping the pixels: every row read through one
 * row buffer.  0 with the size in *w, *h, or -1 with err. */
int render_png_verify(const uint8_t *buf, size_t len, size_t max_pixels, int *w, int *h,
    char *err, size_t errlen);
int render_draw_image(struct render_canvas *, const struct render_image *, enum ls_fit,
    enum ls_halign, enum ls_valign, ls_rgb background, char *err, size_t errlen);
/* Draw the item's poster (decoded once, cached by path) into the canvas. */
int render_image_item(struct render_ctx *, const struct ls_content *, double t, struct render_canvas *,
    char *err, size_t errlen);
/* Where scrolled content of length `len` starts in a box of `box` at time t (render.c). */
int render_scroll_pos(double t, double speed, int box, int len);

/* sRGB <-> linear tables (image.c) */
uint16_t render_srgb_to_lin(uint8_t v);
uint8_t render_lin_to_srgb(uint16_t v);

#endif
