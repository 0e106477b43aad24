/*
 * render/font.c — finding fonts (fontconfig), opening them at a pixel size
 * (FreeType, with HarfBuzz fonts on top), and the glyph cache.
 *
 * A content item names a font; that name becomes a fallback chain: the font
 * itself, then what fontconfig sorts behind it for Chinese text.  Each code
 * point is drawn by the first font of the chain that has it.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-ft.h>
#include FT_TRUETYPE_TABLES_H

#include "render/render.h"
#include "render/render_int.h"
#include <fontconfig/fcfreetype.h>

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

static const struct ls_font *
config_font(const struct ls_config *cfg, const char *name)
{
	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nfonts; i++)
		if (cfg->fonts[i].name != NULL && strcmp(cfg->fonts[i].name, name) == 0)
			return &cfg->fonts[i];
	return NULL;
}

/* Files named in the config are relative to the config's directory.  (The
 * same rule as ls_config_resolve; kept here so render/ links without the
 * config loader, e.g. into the fuzzers and the bench.) */
char *
render_config_path(const struct ls_config *cfg, const char *path)
{
	const char *slash;
	char *out;
	size_t dlen;

	if (path[0] == '/' || cfg == NULL || cfg->path == NULL || (slash = strrchr(cfg->path, '/')) == NULL)
		return xstrdup(path);
	dlen = (size_t)(slash - cfg->path) + 1;
	if ((out = malloc(dlen + strlen(path) + 1)) == NULL)
		return NULL;
	memcpy(out, cfg->path, dlen);
	strcpy(out + dlen, path);
	return out;
}

static int
chain_add(struct render_font *f, const char *file, int index, FcCharSet *cs)
{
	struct render_chain_font *v;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].index == index && strcmp(f->v[i].file, file) == 0)
			return 0;
	if (f->n >= RENDER_MAX_CHAIN)
		return 0;
	if ((v = realloc(f->v, (f->n + 1) * sizeof *v)) == NULL)
		return -1;
	f->v = v;
	if ((v[f->n].file = xstrdup(file)) == NULL)
		return -1;
	v[f->n].index = index;
	v[f->n].charset = cs != NULL ? FcCharSetCopy(cs) : NULL;
	f->n++;
	return 0;
}

static int
family_matches(FcPattern *p, const char *family)
{
	FcChar8 *s;

	for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
		if (FcStrCmpIgnoreCase(s, (const FcChar8 *)family) == 0)
			return 1;
	return 0;
}

/* Append fontconfig's sorted list for `family` (Chinese preferred). */
static int
chain_add_sorted(struct render_font *f, const char *family, int *found)
{
	FcPattern *pat;
	FcFontSet *set;
	FcResult res;
	int rc = 0;

	if ((pat = FcPatternCreate()) == NULL)
		return -1;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	set = FcFontSort(NULL, pat, FcTrue, NULL, &res);
	FcPatternDestroy(pat);
	if (set == NULL)
		return 0;
	for (int i = 0; i < set->nfont && rc == 0; i++) {
		FcChar8 *file;
		int index = 0;
		FcCharSet *cs = NULL;

		if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
			continue;
		FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &index);
		FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs);
		if (i == 0 && found != NULL)
			*found = family_matches(set->fonts[i], family);
		rc = chain_add(f, (const char *)file, index, cs);
	}
	FcFontSetDestroy(set);
	return rc;
}

static void
font_free(struct render_font *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].file);
		if (f->v[i].charset != NULL)
			FcCharSetDestroy(f->v[i].charset);
	}
	free(f->v);
	free(f->name);
	free(f->primary_desc);
	free(f);
}

/* ---- font files, read rather than mapped ----
 *
 * FT_New_Face maps the whole file, and every page FreeType, its autohinter
 * or HarfBuzz touches then counts in the daemon's resident memory: 21 MiB of
 * WenQuanYi Zen Hei for one auto-fitted RGB text, 25-50 MiB for the sample
 * campaign.  A stream that reads with pread() keeps in memory only what
 * FreeType keeps, plus a cache of the last RENDER_FONT_BLOCKS blocks read
 * (so the glyphs drawn most cost no read), 1 MiB however many fonts
 * (issue 20).  One descriptor per font file, shared by all its faces and
 * sizes (pread has no file position), kept until the render context goes. */
struct render_fontfile {
	char *path;
	int   fd;
	unsigned long size;
};

/* A face's stream: FreeType's record first, then where its bytes come from. */
struct fontfile_stream {
	FT_StreamRec st;
	struct render_ctx *ctx;
	int fd;
};

/* Block `blk` of file fd, from the context's cache or read now; NULL on a
 * read error.  *len is how many bytes of it the file has. */
static const uint8_t *
fontfile_block(struct render_ctx *ctx, int fd, unsigned long blk, size_t *len)
{
	struct render_fblock *b, *old;
	ssize_t r;

	/* FreeType reads a glyph in many small pieces (six for a strike
	 * glyph): where a block was last found is remembered by (fd, block) */
	size_t h = (blk * 31 + (unsigned)fd) & (RENDER_FONT_HINTS - 1);

	if (ctx->fblocks != NULL && ctx->fhint[h] != 0) {
		b = &ctx->fblocks[ctx->fhint[h] - 1];
		if (b->used != 0 && b->fd == fd && b->blk == blk) {
			b->used = ++ctx->tick;
			*len = b->len;
			return b->data;
		}
	}
	if (ctx->fblocks == NULL && (ctx->fblocks = calloc(RENDER_FONT_BLOCKS, sizeof *ctx->fblocks)) == NULL)
		return NULL;
	old = &ctx->fblocks[0];
	for (size_t i = 0; i < RENDER_FONT_BLOCKS; i++) {
		b = &ctx->fblocks[i];
		if (b->used != 0 && b->fd == fd && b->blk == blk) {
			b->used = ++ctx->tick;
			ctx->fhint[h] = (uint8_t)(i + 1);
			*len = b->len;
			return b->data;
		}
		if (b->used < old->used)
			old = b;
	}
	r = pread(fd, old->data, RENDER_FONT_BLOCK, (off_t)(blk * RENDER_FONT_BLOCK));
	if (r < 0) {
		old->used = 0;
		return NULL;
	}
	old->fd = fd;
	old->blk = blk;
	old->len = (size_t)r;
	old->used = ++ctx->tick;
	ctx->fhint[h] = (uint8_t)(old - ctx->fblocks + 1);
	*len = old->len;
	return old->data;
}

static unsigned long
fontfile_read(FT_Stream st, unsigned long off, unsigned char *buf, unsigned long n)
{
	struct fontfile_stream *fs = (struct fontfile_stream *)st;
	unsigned long done = 0;

	if (n == 0)
		return off <= st->size ? 0 : 1;   /* a seek: 0 means it worked */
	/* through the block cache: the glyphs drawn most are read once */
	while (done < n && off + done < st->size) {
		unsigned long at = off + done, blk = at / RENDER_FONT_BLOCK, in = at % RENDER_FONT_BLOCK, k;
		size_t len;
		const uint8_t *b = fontfile_block(fs->ctx, fs->fd, blk, &len);

		if (b == NULL || in >= len)
			break;
		k = len - in < n - done ? len - in : n - done;
		memcpy(buf + done, b + in, k);
		done += k;
	}
	return done;
}

static void
fontfile_close(FT_Stream st)
{
	free(st);   /* the descriptor belongs to ctx->files */
}

/* The open file at path (opened now if need be), or NULL. */
static struct render_fontfile *
fontfile_get(struct render_ctx *ctx, const char *path)
{
	struct render_fontfile *ff, *nv;
	struct stat sb;
	int fd;

	for (size_t i = 0; i < ctx->nfiles; i++)
		if (strcmp(ctx->files[i].path, path) == 0)
			return &ctx->files[i];
	if ((nv = realloc(ctx->files, (ctx->nfiles + 1) * sizeof *nv)) == NULL)
		return NULL;
	ctx->files = nv;
	/* O_NONBLOCK: a FIFO put where the font was (after `check` saw a file)
	 * must fail below, not block the loop in open() until someone writes */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return NULL;
	ff = &nv[ctx->nfiles];
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || (ff->path = xstrdup(path)) == NULL) {
		close(fd);
		return NULL;
	}
	ff->fd = fd;
	ff->size = (unsigned long)sb.st_size;
	ctx->nfiles++;
	return ff;
}

/* A face of the font file at path, read through a stream; FreeType's error code. */
static FT_Error
font_open_face(struct render_ctx *ctx, const char *path, FT_Long index, FT_Face *out)
{
	struct render_fontfile *ff = fontfile_get(ctx, path);
	struct fontfile_stream *fs;
	FT_Open_Args args;

	if (ff == NULL)
		return FT_Err_Cannot_Open_Resource;
	if ((fs = calloc(1, sizeof *fs)) == NULL)
		return FT_Err_Out_Of_Memory;
	fs->ctx = ctx;
	fs->fd = ff->fd;
	fs->st.size = ff->size;
	fs->st.descriptor.value = ff->fd;
	fs->st.read = fontfile_read;
	fs->st.close = fontfile_close;
	memset(&args, 0, sizeof args);
	args.flags = FT_OPEN_STREAM;
	args.stream = &fs->st;
	/* FreeType calls st->close when the face goes, or at once when it fails */
	return FT_Open_Face(ctx->ft, &args, index, out);
}

size_t
render_ctx_open_fonts(struct render_ctx *ctx)
{
	const struct ls_config *cfg = ctx->cfg;
	char err[512];

	for (size_t i = 0; cfg != NULL && i <= cfg->ncontent; i++) {
		/* every content item's font, and the default (i == ncontent) */
		const char *name = i < cfg->ncontent ? cfg->content[i].font : NULL;
		struct render_font *f = render_font_get(ctx, name, err, sizeof err);

		for (size_t k = 0; f != NULL && k < f->n; k++)
			fontfile_get(ctx, f->v[k].file);
	}
	return ctx->nfiles;
}

void
render_fontfiles_close(struct render_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nfiles; i++) {
		close(ctx->files[i].fd);
		free(ctx->files[i].path);
	}
	free(ctx->fblocks);
	ctx->fblocks = NULL;
	memset(ctx->fhint, 0, sizeof ctx->fhint);
	free(ctx->files);
	ctx->files = NULL;
	ctx->nfiles = 0;
}

/* A font given as a file: the chain starts with it; its charset comes from FreeType. */
static int
chain_add_file(struct render_ctx *ctx, struct render_font *f, const char *path, char *err, size_t errlen)
{
	FT_Face face;
	FcCharSet *cs;
	int rc;

	if (font_open_face(ctx, path, 0, &face) != 0) {
		snprintf(err, errlen, "cannot open font file %s (missing, or not a font FreeType can read)", path);
		return -1;
	}
	cs = FcFreeTypeCharSet(face, NULL);
	FT_Done_Face(face);
	rc = chain_add(f, path, 0, cs);
	if (cs != NULL)
		FcCharSetDestroy(cs);
	return rc;
}

struct render_font *
render_font_get(struct render_ctx *ctx, const char *name, char *err, size_t errlen)
{
	const char *key = name;
	const struct ls_font *cf;
	struct render_font *f, **nv;
	char *file = NULL;
	const char *family = NULL;

	if (key == NULL || key[0] == '\0')
		key = ctx->cfg != NULL && ctx->cfg->default_font != NULL ? ctx->cfg->default_font : RENDER_DEFAULT_FONT;
	for (size_t i = 0; i < ctx->nfonts; i++)
		if (strcmp(ctx->fonts[i]->name, key) == 0)
			return ctx->fonts[i];

	if ((f = calloc(1, sizeof *f)) == NULL || (f->name = xstrdup(key)) == NULL)
		goto nomem;
	f->primary_found = 1;
	if ((cf = config_font(ctx->cfg, key)) != NULL) {
		if (cf->file != NULL) {
			if ((file = render_config_path(ctx->cfg, cf->file)) == NULL)
				goto nomem;
		} else if (cf->family != NULL)
			family = cf->family;
		else
			family = key;
	} else if (strchr(key, '/') != NULL) {
		if ((file = render_config_path(ctx->cfg, key)) == NULL)
			goto nomem;
	} else
		family = key;

	if (file != NULL) {
		if (chain_add_file(ctx, f, file, err, errlen) != 0)
			goto fail;
		/* Glyphs the file lacks come from the usual Chinese fonts. */
		if (chain_add_sorted(f, RENDER_DEFAULT_FONT, NULL) != 0)
			goto nomem;
	} else if (chain_add_sorted(f, family, &f->primary_found) != 0)
		goto nomem;
	if (f->n == 0) {
		snprintf(err, errlen, "no font found for \"%s\" (is fontconfig set up, fonts-wqy-zenhei installed?)", key);
		goto fail;
	}
	{
		char buf[512];
		snprintf(buf, sizeof buf, "%s (%s:%d)", key, f->v[0].file, f->v[0].index);
		if ((f->primary_desc = xstrdup(buf)) == NULL)
			goto nomem;
	}
	if ((nv = realloc(ctx->fonts, (ctx->nfonts + 1) * sizeof *nv)) == NULL)
		goto nomem;
	ctx->fonts = nv;
	ctx->fonts[ctx->nfonts++] = f;
	free(file);
	return f;
nomem:
	snprintf(err, errlen, "out of memory loading font \"%s\"", key);
fail:
	free(file);
	font_free(f);
	return NULL;
}

int
render_font_pick(struct render_ctx *ctx, struct render_font *f, uint32_t cp)
{
	(void)ctx;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].charset != NULL && FcCharSetHasChar(f->v[i].charset, cp))
			return (int)i;
	return -1;
}

static int
strike_index(FT_Face ft, int px)
{
	if (!FT_HAS_FIXED_SIZES(ft))
		return -1;
	for (int i = 0; i < ft->num_fixed_sizes; i++)
		if ((ft->available_sizes[i].y_ppem + 32) >> 6 == px)
			return i;
	return -1;
}

/* Where the baseline sits in a px-high line box: from the OS/2 typographic
 * ascent and descent when they span the em (as CJK fonts' do), else from
 * the hhea ascent and descent. */
static int
face_baseline(FT_Face ft, int px)
{
	TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
	long asc = ft->ascender, desc = -(long)ft->descender;

	if (os2 != NULL && os2->version != 0xFFFF && os2->sTypoAscender > 0) {
		long span = (long)os2->sTypoAscender - os2->sTypoDescender;
		if (span * 10 >= (long)ft->units_per_EM * 9 && span * 10 <= (long)ft->units_per_EM * 11) {
			asc = os2->sTypoAscender;
			desc = -(long)os2->sTypoDescender;
		}
	}
	if (asc + desc <= 0)
		return px * 4 / 5;
	return (int)((px * asc * 2 + (asc + desc)) / (2 * (asc + desc)));
}

static FT_Int32
face_load_flags(const struct render_face *fc)
{
	if (fc->strike)
		return fc->aa == RENDER_AA_MONO ? FT_LOAD_TARGET_MONO : FT_LOAD_DEFAULT;
	return FT_LOAD_NO_BITMAP | (fc->aa == RENDER_AA_MONO ? FT_LOAD_TARGET_MONO : FT_LOAD_TARGET_LIGHT);
}

/* A face without a strike at px may have a sibling in the same file that
 * has one (WenQuanYi Zen Hei and Zen Hei Sharp share one .ttc, the same
 * glyphs, and only Sharp carries the 12-16 px bitmaps). */
static int
sibling_with_strike(struct render_ctx *ctx, const char *file, FT_Face ft, int px)
{
	int nfaces = (int)ft->num_faces;

	for (int i = 0; i < nfaces && i < 16; i++) {
		FT_Face s;
		int ok;

		if (i == ft->face_index || font_open_face(ctx, file, i, &s) != 0)
			continue;
		ok = strike_index(s, px) >= 0 && s->num_glyphs == ft->num_glyphs &&
		    s->family_name != NULL && ft->family_name != NULL &&
		    strncmp(s->family_name, ft->family_name, strlen(ft->family_name)) == 0;
		FT_Done_Face(s);
		if (ok)
			return i;
	}
	return -1;
}

/* Metrics put the baseline where the designer's em box says, but on a
 * board every row counts: ideographs in WenQuanYi reach a row above a 16 px
 * box, so a 16 px line on a 16 px board would lose its top row.  So the
 * baseline is set from the ink of tall and deep reference characters as
 * rasterised at this size and mode, centring that ink in the px-high line
 * box.  Fonts without the references (Latin-only) keep the metric baseline. */
static void
ink_baseline(struct render_ctx *ctx, struct render_face *fc)
{
	static const uint32_t cjk[] = { 0x56fd, 0x5168, 0x5b89, 0x9760, 0x7f8e, 0x6c38, 0x4eba, 0x5e73,
		0x7f51, 0x7edc, 0x4e3a, 0x6c11, 0x5b57, 0x9f99 };
	static const uint32_t latin[] = { 'H', 'd', 'l', 'g', 'p', 'y', 'j' };
	const uint32_t *ref = cjk;
	size_t nref = sizeof cjk / sizeof cjk[0];
	int up = -1, down = -1;

	if (FT_Get_Char_Index(fc->ft, cjk[0]) == 0) {
		ref = latin;
		nref = sizeof latin / sizeof latin[0];
	}
	for (size_t i = 0; i < nref; i++) {
		FT_UInt gid = FT_Get_Char_Index(fc->ft, ref[i]);
		const struct render_glyph *g;
		if (gid == 0)
			continue;
		g = render_glyph_get(ctx, fc, gid);
		if (g->h == 0)
			continue;
		if (g->top > up)
			up = g->top;
		if (g->h - g->top > down)
			down = g->h - g->top;
	}
	if (up < 0 || down < 0 || up + down <= 0)
		return;
	/* centre the ink; when it is taller than the box, lose rows evenly */
	fc->baseline = up + (fc->px - (up + down)) / 2;
}

static void
face_free(struct render_face *fc)
{
	if (fc == NULL)
		return;
	if (fc->hb != NULL)
		hb_font_destroy(fc->hb);     /* drops its reference to the FT_Face */
	else if (fc->ft != NULL)
		FT_Done_Face(fc->ft);
	free(fc->file);
	free(fc);
}

struct render_face *
render_face_get(struct render_ctx *ctx, const char *file, int index, int px, enum render_aa aa)
{
	struct render_face *fc, **nv;
	int si, sib;

	for (size_t i = 0; i < ctx->nfaces; i++) {
		fc = ctx->faces[i];
		if (fc->px == px && fc->aa == aa && fc->index == index && strcmp(fc->file, file) == 0)
			return fc;
	}
	if ((fc = calloc(1, sizeof *fc)) == NULL || (fc->file = xstrdup(file)) == NULL)
		goto fail;
	fc->index = index;
	fc->px = px;
	fc->aa = aa;
	fc->id = (int)ctx->nfaces + 1;
	if (font_open_face(ctx, file, index, &fc->ft) != 0) {
		fc->ft = NULL;
		goto fail;
	}
	if (strike_index(fc->ft, px) < 0 && (sib = sibling_with_strike(ctx, file, fc->ft, px)) >= 0) {
		FT_Face s;
		if (font_open_face(ctx, file, sib, &s) == 0) {
			FT_Done_Face(fc->ft);
			fc->ft = s;
		}
	}
	if ((si = strike_index(fc->ft, px)) >= 0) {
		if (FT_Select_Size(fc->ft, si) != 0)
			goto fail;
		fc->strike = 1;
	} else if (FT_Set_Pixel_Sizes(fc->ft, 0, (FT_UInt)px) != 0)
		goto fail;
	fc->baseline = face_baseline(fc->ft, px);
	if ((fc->hb = hb_ft_font_create_referenced(fc->ft)) == NULL)
		goto fail;
	/* hb took its own reference; ours goes with hb_font_destroy. */
	FT_Done_Face(fc->ft);
	hb_ft_font_set_load_flags(fc->hb, face_load_flags(fc));
	if ((nv = realloc(ctx->faces, (ctx->nfaces + 1) * sizeof *nv)) == NULL)
		goto fail;
	ctx->faces = nv;
	ctx->faces[ctx->nfaces++] = fc;
	ink_baseline(ctx, fc);
	return fc;
fail:
	face_free(fc);
	return NULL;
}

static uint64_t
hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int
gtab_grow(struct render_ctx *ctx)
{
	size_t ncap = ctx->gcap ? ctx->gcap * 2 : 1024;
	struct render_gslot *nt = calloc(ncap, sizeof *nt);

	if (nt == NULL)
		return -1;
	for (size_t i = 0; i < ctx->gcap; i++) {
		if (ctx->gtab[i].key == 0)
			continue;
		size_t j = hash64(ctx->gtab[i].key) & (ncap - 1);
		while (nt[j].key != 0)
			j = (j + 1) & (ncap - 1);
		nt[j] = ctx->gtab[i];
	}
	free(ctx->gtab);
	ctx->gtab = nt;
	ctx->gcap = ncap;
	return 0;
}

static const struct render_glyph empty_glyph;

/* The 8 pixels of one byte of a 1-bit row (top bit first) as 8 coverage
 * bytes, 0 or 255: bit 7 - k lands in the top bit of byte k (the copies of
 * the byte that the multiplication makes do not overlap, so nothing
 * carries), then each 0x80 becomes 0xff. */
static inline void
spread_bits(uint8_t v, uint8_t *out, size_t n)
{
	uint64_t x = ((uint64_t)v * 0x8040201008040201ULL) & 0x8080808080808080ULL;

	x = (x >> 7) * 0xff;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8) {
		memcpy(out, &x, 8);
		return;
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out, &x, n);
#else
	for (size_t k = 0; k < n; k++)
		out[k] = (uint8_t)(x >> (8 * k));
#endif
}

static struct render_glyph *
rasterise(struct render_face *fc, unsigned gid)
{
	FT_GlyphSlot slot;
	struct render_glyph *g;
	const FT_Bitmap *bm;
	uint8_t src;
	size_t w, bpr;

	if (FT_Load_Glyph(fc->ft, gid, face_load_flags(fc)) != 0)
		return NULL;
	slot = fc->ft->glyph;
	if (slot->format == FT_GLYPH_FORMAT_BITMAP)
		src = RENDER_SRC_STRIKE;
	else {
		src = fc->aa == RENDER_AA_MONO ? RENDER_SRC_MONO_OUTLINE : RENDER_SRC_GREY_OUTLINE;
		if (FT_Render_Glyph(slot, fc->aa == RENDER_AA_MONO ? FT_RENDER_MODE_MONO : FT_RENDER_MODE_NORMAL) != 0)
			return NULL;
	}
	bm = &slot->bitmap;
	if (bm->pixel_mode != FT_PIXEL_MODE_MONO && bm->pixel_mode != FT_PIXEL_MODE_GRAY)
		return NULL;
	if (bm->width > 4096 || bm->rows > 4096)
		return NULL;
	w = bm->width;
	bpr = (w + 7) / 8;
	if (fc->aa == RENDER_AA_MONO) {
		/* hard-edged: bits only (what mono and red-green boards draw from) */
		if ((g = calloc(1, sizeof *g + bpr * bm->rows)) == NULL)
			return NULL;
		g->bits = (uint8_t *)(g + 1);
	} else {
		if ((g = calloc(1, sizeof *g + w * bm->rows)) == NULL)
			return NULL;
		g->cov = (uint8_t *)(g + 1);
	}
	g->w = (uint16_t)bm->width;
	g->h = (uint16_t)bm->rows;
	g->left = (int16_t)slot->bitmap_left;
	g->top = (int16_t)slot->bitmap_top;
	g->src = src;
	for (unsigned y = 0; y < bm->rows; y++) {
		const uint8_t *row = bm->buffer + (long)y * bm->pitch;

		if (g->bits != NULL) {
			uint8_t *bits = g->bits + (size_t)y * bpr;
			if (bm->pixel_mode == FT_PIXEL_MODE_MONO) {
				memcpy(bits, row, bpr);
				if (w % 8 != 0)         /* bits past the width are not the glyph's */
					bits[bpr - 1] &= (uint8_t)(0xff00u >> (w % 8));
			} else {
				/* lit where the coverage would be >= 128 of 255 */
				unsigned ng = bm->num_grays, half = ng >= 2 && ng < 256 ? (128 * (ng - 1) + 254) / 255 : 128;
				for (size_t x = 0; x < w; x++)
					if (row[x] >= half)
						bits[x >> 3] |= (uint8_t)(0x80u >> (x & 7));
			}
			continue;
		}
		uint8_t *out = g->cov + (size_t)y * w;
		if (bm->pixel_mode == FT_PIXEL_MODE_MONO) {
			for (size_t i = 0; i < bpr; i++) {
				size_t n = w - 8 * i < 8 ? w - 8 * i : 8;
				spread_bits((uint8_t)(row[i] & (0xff00u >> n)), out + 8 * i, n);
			}
		} else if (bm->num_grays == 256 || bm->num_grays < 2)
			memcpy(out, row, w);
		else
			for (size_t x = 0; x < w; x++)
				out[x] = (uint8_t)(row[x] * 255u / (bm->num_grays - 1));
	}
	return g;
}

const struct render_glyph *
render_glyph_get(struct render_ctx *ctx, struct render_face *fc, unsigned gid)
{
	uint64_t key = (uint64_t)(unsigned)fc->id << 32 | gid;
	size_t j;
	struct render_glyph *g;

	if (ctx->gcap != 0) {
		j = hash64(key) & (ctx->gcap - 1);
		while (ctx->gtab[j].key != 0) {
			if (ctx->gtab[j].key == key)
				return ctx->gtab[j].g;
			j = (j + 1) & (ctx->gcap - 1);
		}
	}
	if ((ctx->gcount + 1) * 2 > ctx->gcap && gtab_grow(ctx) != 0)
		return &empty_glyph;
	if ((g = rasterise(fc, gid)) == NULL)
		g = calloc(1, sizeof *g);    /* an undrawable glyph is cached as blank */
	if (g == NULL)
		return &empty_glyph;
	j = hash64(key) & (ctx->gcap - 1);
	while (ctx->gtab[j].key != 0)
		j = (j + 1) & (ctx->gcap - 1);
	ctx->gtab[j].key = key;
	ctx->gtab[j].g = g;
	g->key = key;
	g->next = ctx->glist;
	ctx->glist = g;
	ctx->gcount++;
	ctx->gbytes += sizeof *g + (g->bits != NULL ? (size_t)(g->w + 7) / 8 : g->w) * g->h;
	return g;
}

/* Slots of the table kept when it is emptied: a cold frame (a new text,
 * or the bench's cold runs) then does not allocate and zero it again. */
#define GTAB_KEEP 4096

void
render_glyph_cache_flush(struct render_ctx *ctx)
{
	for (size_t i = 0; i < RENDER_LAYOUT_CACHE; i++) {
		if (ctx->lc[i].l == NULL && ctx->lc[i].key.text == NULL)
			continue;
		render_layout_free(ctx->lc[i].l);
		free(ctx->lc[i].key.text);
		memset(&ctx->lc[i], 0, sizeof ctx->lc[i]);
	}
	if (ctx->gcap > GTAB_KEEP) {
		free(ctx->gtab);
		ctx->gtab = NULL;
		ctx->gcap = 0;
	}
	while (ctx->glist != NULL) {
		struct render_glyph *g = ctx->glist;
		ctx->glist = g->next;
		/* empty its slot (a few glyphs: cheaper than zeroing the table);
		 * the key is there, so the probe runs on over slots emptied already */
		if (ctx->gcap != 0) {
			size_t j = hash64(g->key) & (ctx->gcap - 1);
			while (ctx->gtab[j].key != g->key)
				j = (j + 1) & (ctx->gcap - 1);
			ctx->gtab[j].key = 0;
			ctx->gtab[j].g = NULL;
		}
		free(g);
	}
	ctx->gcount = ctx->gbytes = 0;
}

void
render_fonts_free(struct render_ctx *ctx)
{
	render_glyph_cache_flush(ctx);
	free(ctx->gtab);
	ctx->gtab = NULL;
	ctx->gcap = 0;
	for (size_t i = 0; i < ctx->nfaces; i++)
		face_free(ctx->faces[i]);
	free(ctx->faces);
	for (size_t i = 0; i < ctx->nfonts; i++)
		font_free(ctx->fonts[i]);
	free(ctx->fonts);
	ctx->faces = NULL;
	ctx->fonts = NULL;
	ctx->nfaces = ctx->nfonts = 0;
}
