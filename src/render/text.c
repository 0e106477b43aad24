/*
 * render/text.c — shaping (HarfBuzz) and layout: font fallback runs, line
 * breaking with the Chinese rules, lines of placed glyphs.
 *
 * A paragraph is shaped once, as a whole, per font run; lines are then cut
 * at cluster boundaries.  That is exact for Chinese and Latin (no shaping
 * happens across a break in those scripts) and keeps a long slogan to one
 * HarfBuzz call per run.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

size_t
render_utf8_decode(const char *s, uint32_t **out)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), k = 0;
	uint32_t *v = malloc((n + 1) * sizeof *v);

	*out = v;
	if (v == NULL)
		return 0;
	while (*p) {
		uint32_t c = *p, min;
		int len;

		if (c < 0x80) { v[k++] = c; p++; continue; }
		else if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; min = 0x10000; }
		else { v[k++] = 0xfffd; p++; continue; }
		int i;
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (i < len || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
			v[k++] = 0xfffd;
			p += i;          /* i >= 1: skip the bad lead and any good continuation bytes */
			continue;
		}
		v[k++] = c;
		p += len;
	}
	return k;
}

/* Characters that must not begin a line (closing punctuation, marks that
 * belong to the text before them), after GB/T 15834 and common practice. */
static const uint32_t no_start_tab[] = {
	'!', '%', ')', ',', '.', ':', ';', '?', ']', '}',
	0x00b7, 0x2014, 0x2019, 0x201d, 0x2026, 0x2030, 0x2032, 0x2033, 0x203a,
	0x3001, 0x3002, 0x3005, 0x3009, 0x300b, 0x300d, 0x300f, 0x3011, 0x3015,
	0x3017, 0x3019, 0x301b, 0x301e, 0x301f, 0x309d, 0x309e, 0x30fb, 0x30fc,
	0xfe50, 0xfe51, 0xfe52, 0xfe54, 0xfe55, 0xfe56, 0xfe57, 0xfe5a, 0xfe5c, 0xfe5e,
	0xff01, 0xff05, 0xff09, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff1f, 0xff3d,
	0xff5d, 0xff5e, 0xff60, 0xff61, 0xff63, 0xff64,
};

/* Characters that must not end a line (opening brackets and quotes, currency). */
static const uint32_t no_end_tab[] = {
	'$', '(', '[', '{', 0x00a3, 0x00a5, 0x2018, 0x201c, 0x2035,
	0x3008, 0x300a, 0x300c, 0x300e, 0x3010, 0x3014, 0x3016, 0x3018, 0x301a, 0x301d,
	0xfe59, 0xfe5b, 0xfe5d, 0xff04, 0xff08, 0xff3b, 0xff5b, 0xff5f, 0xffe1, 0xffe5,
};

static int
in_tab(const uint32_t *t, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {             /* tables are sorted */
		size_t mid = (lo + hi) / 2;
		if (t[mid] == cp)
			return 1;
		if (t[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
render_no_start(uint32_t cp)
{
	return in_tab(no_start_tab, sizeof no_start_tab / sizeof no_start_tab[0], cp);
}

int
render_no_end(uint32_t cp)
{
	return in_tab(no_end_tab, sizeof no_end_tab / sizeof no_end_tab[0], cp);
}

/* Scripts written without spaces, where a line may break between any two characters. */
static int
is_cjk(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x11ff) || (c >= 0x2e80 && c <= 0x9fff) ||
	    (c >= 0xa960 && c <= 0xa97f) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
	    (c >= 0xff00 && c <= 0xffef) || (c >= 0x20000 && c <= 0x3ffff) ||
	    c == 0x2014 || c == 0x2026 || c == 0x201c || c == 0x201d || c == 0x2018 || c == 0x2019;
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xa0;
}

static int
is_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xff10 && c <= 0xff19);
}

/* Letters and digits of words written with spaces (Latin, Greek, Cyrillic, fullwidth). */
static int
is_alnum(uint32_t c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	    (c >= 0xc0 && c <= 0x52f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

/* Characters that belong to the number before them: 9月12日, 6天, 3个. */
static int
is_unit(uint32_t c)
{
	static const uint32_t units[] = {
		0x4e2a /* 个 */, 0x5143 /* 元 */, 0x5206 /* 分 */, 0x53f7 /* 号 */, 0x5468 /* 周 */,
		0x5929 /* 天 */, 0x5c81 /* 岁 */, 0x5e74 /* 年 */, 0x5ea6 /* 度 */, 0x65e5 /* 日 */,
		0x65f6 /* 时 */, 0x6708 /* 月 */, 0x70b9 /* 点 */, 0x79d2 /* 秒 */, 0x8282 /* 节 */,
	};
	return in_tab(units, sizeof units / sizeof units[0], c);
}

/* Punctuation that ends a phrase, after which a line break reads best. */
static int
ends_phrase(uint32_t c)
{
	return render_no_start(c) && c != '%' && c != 0x00b7 && c != 0x2030 && c != 0x2032 &&
	    c != 0x2033 && c != 0x3005 && c != 0x309d && c != 0x309e && c != 0x30fb && c != 0x30fc &&
	    c != 0xff05;
}

/* Numbers, dates and times are words: 2023-09-12, 10:00, 1,000, 3.5, 9月12日,
 * 40%, 第3 (UAX #14's numeric rule LB25, plus the Chinese units). */
static int
inside_number(const uint32_t *cps, size_t p)
{
	uint32_t a = cps[p - 1], b = cps[p];
	int digit_before_a = p >= 2 && is_digit(cps[p - 2]);

	if (is_digit(a) && (is_digit(b) || is_unit(b) || (b < 0x80 && strchr("-/:.,%", (int)b) != NULL && b != 0)))
		return 1;
	if (is_digit(b) && a < 0x80 && a != 0 && strchr("-/:.,", (int)a) != NULL && (digit_before_a || a == '-'))
		return 1;
	if (is_digit(b) && ((is_unit(a) && digit_before_a) || a == 0x7b2c /* 第 */))
		return 1;
	return 0;
}

int
render_break_class(const uint32_t *cps, size_t n, size_t p, const uint8_t *inword)
{
	uint32_t a, b;

	if (p == 0 || p >= n)
		return RENDER_BRK_END;
	a = cps[p - 1];
	b = cps[p];
	if (is_space(b) && b != 0x3000)
		return RENDER_BRK_NONE;  /* spaces hang at the end of the line they follow */
	if (render_no_start(b) || render_no_end(a))
		return RENDER_BRK_VETO;
	if (inside_number(cps, p))
		return RENDER_BRK_FORCED;
	if (is_space(a) || ends_phrase(a))
		return RENDER_BRK_GOOD;
	if (is_alnum(a) && is_alnum(b))
		return RENDER_BRK_FORCED;
	if (inword != NULL && inword[p] && render_zh_han(a) && render_zh_han(b))
		return RENDER_BRK_SPLIT;
	if (is_cjk(a) || is_cjk(b) || a == '-' || a == '/')
		return RENDER_BRK_WORD;
	return RENDER_BRK_FORCED;
}

int
render_break_ok(uint32_t a, uint32_t b)
{
	uint32_t pair[2] = { a, b };
	int c = render_break_class(pair, 2, 1, NULL);

	return c == RENDER_BRK_GOOD || c == RENDER_BRK_WORD || c == RENDER_BRK_SPLIT;
}

const struct render_glyph *
render_layout_glyph(struct render_ctx *ctx, struct render_layout *l, size_t k)
{
	if (l->g[k].g == NULL)
		l->g[k].g = render_glyph_get(ctx, l->g[k].face, l->g[k].gid);
	return l->g[k].g;
}

void
render_layout_free(struct render_layout *l)
{
	if (l == NULL)
		return;
	free(l->g);
	free(l->lines);
	free(l);
}

/* One shaped glyph of a paragraph. */
struct sglyph {
	struct render_face *face;
	unsigned gid;
	uint32_t cluster;            /* code point index in the paragraph */
	int32_t  x;                  /* pen + offset, 26.6, from the paragraph start */
};

struct shaped {
	struct sglyph *v;
	size_t n, cap;
	int32_t width;               /* 26.6 */
};

static int
shaped_push(struct shaped *s, struct render_face *face, unsigned gid, uint32_t cluster, int32_t x)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct sglyph *nv = realloc(s->v, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n].face = face;
	s->v[s->n].gid = gid;
	s->v[s->n].cluster = cluster;
	s->v[s->n].x = x;
	s->n++;
	return 0;
}

static int
ignorable(uint32_t cp)
{
	hb_unicode_general_category_t gc = hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);

	return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
	    gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK ||
	    gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
	    gc == HB_UNICODE_GENERAL_CATEGORY_FORMAT ||
	    (cp >= 0xfe00 && cp <= 0xfe0f);
}

/* Shape cps[0..n) into s: split into runs by the font that has each code point. */
static int
shape_paragraph(struct render_ctx *ctx, struct render_font *f, const uint32_t *cps, size_t n,
    int size, enum render_aa aa, struct shaped *s, size_t *missing, hb_buffer_t *buf)
{
	int32_t pen = 0;
	size_t i = 0;
	int prev = 0;

	while (i < n) {
		size_t j = i;
		int fi = -1;

		/* the run: consecutive code points drawn by the same chain font */
		while (j < n) {
			int k = render_font_pick(ctx, f, cps[j]);
			if (k < 0) {
				if (ignorable(cps[j]) || cps[j] == '\t')
					k = fi >= 0 ? fi : prev;
				else {
					(*missing)++;
					k = 0;        /* drawn as the primary font's .notdef box */
				}
			}
			if (fi < 0)
				fi = k;
			else if (k != fi)
				break;
			j++;
		}
		prev = fi;
		struct render_face *fc = render_face_get(ctx, f->v[fi].file, f->v[fi].index, size, aa);
		if (fc == NULL) {
			/* cannot open this fallback: count its characters as missing */
			*missing += j - i;
			i = j;
			continue;
		}
		hb_buffer_clear_contents(buf);
		hb_buffer_add_utf32(buf, cps, (int)n, (unsigned)i, (int)(j - i));
		hb_buffer_guess_segment_properties(buf);
		hb_shape(fc->hb, buf, NULL, 0);
		unsigned gn;
		hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(buf, &gn);
		hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(buf, NULL);
		/* glyphs are rasterised when drawn, not here: auto-fit lays a
		 * text out at up to nine sizes and a page shows a few lines of it */
		for (unsigned k = 0; k < gn; k++) {
			int32_t gx = pen + gp[k].x_offset;
			if (shaped_push(s, fc, gi[k].codepoint, gi[k].cluster, gx) != 0)
				return -1;
			pen += gp[k].x_advance;
		}
		i = j;
	}
	s->width = pen;
	return 0;
}

static int
push_line(struct render_layout *l, size_t *lcap, size_t first, size_t n, int width)
{
	if (l->nlines == *lcap) {
		size_t nc = *lcap ? *lcap * 2 : 8;
		struct render_line *nv = realloc(l->lines, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		l->lines = nv;
		*lcap = nc;
	}
	l->lines[l->nlines].first = first;
	l->lines[l->nlines].n = n;
	l->lines[l->nlines].width = width;
	l->lines[l->nlines].cp = 0;
	l->lines[l->nlines].ncp = 0;
	l->lines[l->nlines].brk = RENDER_BRK_END;
	l->nlines++;
	if (width > l->width)
		l->width = width;
	return 0;
}

static int
push_glyph(struct render_layout *l, size_t *gcap, struct render_face *face, unsigned gid, int x)
{
	if (l->ng == *gcap) {
		size_t nc = *gcap ? *gcap * 2 : 64;
		struct render_pglyph *nv = realloc(l->g, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		l->g = nv;
		*gcap = nc;
	}
	l->g[l->ng].g = NULL;
	l->g[l->ng].face = face;
	l->g[l->ng].gid = gid;
	l->g[l->ng].x = x;
	l->ng++;
	return 0;
}

/* Where each code point's glyphs are: order[] holds the shaped glyph
 * indices sorted (stably) by cluster, and the glyphs of code points
 * [s, e) are order[at[s] .. at[e]).  Built once per paragraph, so cutting
 * it into lines costs the glyphs of each line, not of the whole paragraph
 * (a 128 KiB text took 5.6 s when every line scanned every glyph). */
struct cluster_index {
	size_t *at;          /* n + 1 entries */
	size_t *order;       /* sh->n entries */
};

static int
cluster_index_build(struct cluster_index *ci, const struct shaped *sh, size_t n)
{
	ci->at = calloc(n + 2, sizeof *ci->at);
	ci->order = malloc((sh->n + 1) * sizeof *ci->order);
	if (ci->at == NULL || ci->order == NULL)
		return -1;
	/* counting sort: at[c + 1] counts cluster c, then prefix sums */
	for (size_t k = 0; k < sh->n; k++)
		if (sh->v[k].cluster < n)
			ci->at[sh->v[k].cluster + 1]++;
	for (size_t c = 0; c < n; c++)
		ci->at[c + 1] += ci->at[c];
	ci->at[n + 1] = ci->at[n];
	{
		size_t *fill = malloc((n + 1) * sizeof *fill);
		if (fill == NULL)
			return -1;
		memcpy(fill, ci->at, (n + 1) * sizeof *fill);
		for (size_t k = 0; k < sh->n; k++)
			if (sh->v[k].cluster < n)
				ci->order[fill[sh->v[k].cluster]++] = k;
		free(fill);
	}
	return 0;
}

/* Emit the line made of code points [s, e) of a shaped paragraph. */
static int
emit_line(struct render_layout *l, size_t *gcap, size_t *lcap, const struct shaped *sh,
    const struct cluster_index *ci, const int32_t *bx, const uint32_t *cps, size_t s, size_t e,
    size_t p0, int brk)
{
	size_t first = l->ng;
	size_t et = e;

	while (et > s && is_space(cps[et - 1]))
		et--;
	/* glyphs in cluster order: the paragraph's own order for left-to-right text */
	for (size_t j = ci->at[s]; j < ci->at[et]; j++) {
		const struct sglyph *sg = &sh->v[ci->order[j]];
		if (push_glyph(l, gcap, sg->face, sg->gid, (sg->x - bx[s] + 32) >> 6) != 0)
			return -1;
	}
	if (push_line(l, lcap, first, l->ng - first, (bx[et] - bx[s] + 32) >> 6) != 0)
		return -1;
	l->lines[l->nlines - 1].cp = p0 + s;
	l->lines[l->nlines - 1].ncp = et - s;
	l->lines[l->nlines - 1].brk = (uint8_t)brk;
	return 0;
}

/* The cost of a way to break a paragraph, compared in this order: breaks
 * against the Chinese rules, breaks inside a number, date, time or Latin
 * word (or a glyph wider than the board), breaks inside a Chinese word,
 * lines (so pages), and last "badness": the squared room left on each line
 * (the last one included, so pages come out balanced instead of 4+4+4+1)
 * plus a penalty for a break between words rather than at punctuation or a
 * space. */
struct bcost {
	uint32_t veto, forced, split, lines;
	uint64_t bad;
};

static int
bcost_less(const struct bcost *x, const struct bcost *y)
{
	if (x->veto != y->veto) return x->veto < y->veto;
	if (x->forced != y->forced) return x->forced < y->forced;
	if (x->split != y->split) return x->split < y->split;
	if (x->lines != y->lines) return x->lines < y->lines;
	return x->bad < y->bad;
}

/* Break one shaped paragraph into lines no wider than `width` pixels.
 *
 * Not greedy: a shortest-path search over the break points (as TeX does
 * for paragraphs, with the cost above), looking back from each point only
 * as far as one line reaches, so the work is the text's length times the
 * characters of a line.  `p0` is the paragraph's first code point in the
 * whole text (for render_line.cp). */
static int
break_paragraph(struct render_layout *l, size_t *gcap, size_t *lcap, const struct shaped *sh,
    const uint32_t *cps, size_t n, enum render_wrap wrap, int width, size_t p0)
{
	int32_t *bx = NULL;
	uint8_t *boundary = NULL, *inword = NULL, *cls = NULL;
	size_t *ns = NULL, *te = NULL, *prev = NULL, *stack = NULL;
	struct bcost *best = NULL;
	void *block = NULL;
	struct cluster_index ci = { NULL, NULL };
	int rc = -1;
	int32_t lim = (int32_t)width * 64;
	uint64_t word_pen = (uint64_t)l->size * (uint64_t)l->size;

	if (n > (size_t)1 << 28)
		return -1;
	/* one block for the arrays below (a cold frame made nine allocations
	 * a paragraph here): the 8-byte ones first, then bx, then the bytes */
	block = malloc((n + 1) * (sizeof *best + 4 * sizeof *ns + sizeof *bx + 3));
	if (block == NULL)
		goto out;
	best = (struct bcost *)block;
	ns = (size_t *)(best + n + 1);
	te = ns + n + 1;
	prev = te + n + 1;
	stack = prev + n + 1;
	bx = (int32_t *)(stack + n + 1);
	boundary = (uint8_t *)(bx + n + 1);
	inword = boundary + n + 1;
	cls = inword + n + 1;
	memset(boundary, 0, n + 1);
	memset(cls, 0, n + 1);
	if (cluster_index_build(&ci, sh, n) != 0)
		goto out;
	/* bx[i]: pen x where code point i starts (the first glyph of a cluster >= i) */
	{
		size_t k = sh->n;
		for (size_t i = n + 1; i-- > 0;) {
			while (k > 0 && sh->v[k - 1].cluster >= i)
				k--;
			bx[i] = k < sh->n ? sh->v[k].x : sh->width;
		}
		for (size_t k2 = 0; k2 < sh->n; k2++)
			if (sh->v[k2].cluster < n)
				boundary[sh->v[k2].cluster] = 1;
		boundary[n] = 1;
	}
	if (n == 0) {
		rc = push_line(l, lcap, l->ng, 0, 0);
		if (rc == 0)
			l->lines[l->nlines - 1].cp = p0;
		goto out;
	}
	if (wrap == RENDER_WRAP_NONE) {
		rc = emit_line(l, gcap, lcap, sh, &ci, bx, cps, 0, n, p0, RENDER_BRK_END);
		goto out;
	}
	if (render_zh_segment(cps, n, inword) != 0)
		goto out;
	cls[0] = cls[n] = RENDER_BRK_END;
	for (size_t p = 1; p < n; p++)
		cls[p] = boundary[p] ? (uint8_t)render_break_class(cps, n, p, inword) : 0;
	/* ns[j]: where the line after a break at j starts (spaces there dropped);
	 * te[k]: where a line ending at k ends (trailing spaces not counted) */
	ns[n] = n;
	for (size_t j = n; j-- > 0;)
		ns[j] = (j > 0 && is_space(cps[j]) && cps[j] != 0x3000) ? ns[j + 1] : j;
	te[0] = 0;
	for (size_t k = 1; k <= n; k++)
		te[k] = is_space(cps[k - 1]) ? te[k - 1] : k;
	memset(&best[0], 0, sizeof best[0]);
	for (size_t k = 1; k <= n; k++) {
		int first = 1;

		if (cls[k] == 0)
			continue;
		memset(&best[k], 0, sizeof best[k]);
		best[k].veto = UINT32_MAX;   /* worse than any real way */
		prev[k] = 0;
		for (size_t j = k; j-- > 0;) {
			struct bcost c;
			size_t s, e;
			int32_t w;

			if (cls[j] == 0)
				continue;
			s = ns[j];
			e = te[k];
			w = e > s ? bx[e] - bx[s] : 0;
			if (!first && w > lim)
				break;           /* every earlier start is wider still */
			first = 0;
			c = best[j];
			c.lines++;
			if (w > lim)
				c.forced++;      /* one glyph wider than the board */
			else {
				uint64_t room = (uint64_t)((lim - w) >> 6);
				c.bad += room * room;
			}
			switch (cls[k]) {
			case RENDER_BRK_WORD:   c.bad += word_pen; break;
			case RENDER_BRK_SPLIT:  c.split += inword[k]; break;
			case RENDER_BRK_FORCED: c.forced++; break;
			case RENDER_BRK_VETO:   c.veto++; break;
			default: break;
			}
			if (bcost_less(&c, &best[k])) {
				best[k] = c;
				prev[k] = j;
			}
		}
	}
	{
		size_t depth = 0, k = n;
		while (k > 0) {
			stack[depth++] = k;
			k = prev[k];
		}
		size_t s = 0;
		while (depth > 0) {
			size_t b = stack[--depth];
			int32_t w = te[b] > ns[s] ? bx[te[b]] - bx[ns[s]] : 0;
			if (w > lim || cls[b] == RENDER_BRK_FORCED || cls[b] == RENDER_BRK_VETO)
				l->forced = 1;
			if (cls[b] == RENDER_BRK_SPLIT)
				l->split++;
			if (emit_line(l, gcap, lcap, sh, &ci, bx, cps, ns[s], b, p0, b == n ? RENDER_BRK_END : cls[b]) != 0)
				goto out;
			s = b;
		}
	}
	rc = 0;
out:
	free(block);
	free(ci.at);
	free(ci.order);
	return rc;
}

static struct render_layout *
layout_build(struct render_ctx *ctx, struct render_font *f, const char *utf8, int size,
    enum render_aa aa, enum render_wrap wrap, int width, int spacing)
{
	struct render_layout *l = calloc(1, sizeof *l);
	uint32_t *cps = NULL;
	size_t n, gcap = 0, lcap = 0, p = 0;
	struct shaped sh = { 0 };
	hb_buffer_t *buf = hb_buffer_create();
	struct render_face *primary;

	if (l == NULL || !hb_buffer_allocation_successful(buf))
		goto fail;
	if ((primary = render_face_get(ctx, f->v[0].file, f->v[0].index, size, aa)) == NULL)
		goto fail;
	l->size = size;
	l->line_h = size;
	l->baseline = primary->baseline;
	l->spacing = spacing;
	n = render_utf8_decode(utf8, &cps);
	if (cps == NULL)
		goto fail;
	if (wrap == RENDER_WRAP_NONE)         /* one line: paragraphs run on */
		for (size_t i = 0; i < n; i++)
			if (cps[i] == '\n' || cps[i] == '\r')
				cps[i] = ' ';
	while (p <= n) {
		size_t e = p;
		while (e < n && cps[e] != '\n')
			e++;
		size_t pe = e;
		if (pe > p && cps[pe - 1] == '\r')
			pe--;
		sh.n = 0;
		if (shape_paragraph(ctx, f, cps + p, pe - p, size, aa, &sh, &l->missing, buf) != 0)
			goto fail;
		if (break_paragraph(l, &gcap, &lcap, &sh, cps + p, pe - p, wrap, width, p) != 0)
			goto fail;
		p = e + 1;
	}
	free(cps);
	free(sh.v);
	hb_buffer_destroy(buf);
	return l;
fail:
	free(cps);
	free(sh.v);
	hb_buffer_destroy(buf);
	render_layout_free(l);
	return NULL;
}

/* Layouts are cached by everything they depend on; the cache owns them. */
struct render_layout *
render_layout_text(struct render_ctx *ctx, struct render_font *f, const char *utf8, int size,
    enum render_aa aa, enum render_wrap wrap, int width, int spacing)
{
	struct render_lcache *slot = &ctx->lc[0];
	struct render_layout *l;
	char *copy;

	if (wrap == RENDER_WRAP_NONE)
		width = 0;
	for (size_t i = 0; i < RENDER_LAYOUT_CACHE; i++) {
		struct render_lcache *c = &ctx->lc[i];
		if (c->l != NULL && c->key.font == f && c->key.size == size && c->key.aa == (int)aa &&
		    c->key.wrap == (int)wrap && c->key.width == width && c->key.spacing == spacing &&
		    strcmp(c->key.text, utf8) == 0) {
			c->used = ++ctx->tick;
			return c->l;
		}
		if (c->used < slot->used)
			slot = c;
	}
	if (ctx->gbytes > RENDER_GLYPH_CACHE_BYTES) {
		render_glyph_cache_flush(ctx);
		slot = &ctx->lc[0];
	}
	if ((copy = strdup(utf8)) == NULL)
		return NULL;
	if ((l = layout_build(ctx, f, utf8, size, aa, wrap, width, spacing)) == NULL) {
		free(copy);
		return NULL;
	}
	render_layout_free(slot->l);
	free(slot->key.text);
	slot->l = l;
	slot->key.text = copy;
	slot->key.font = f;
	slot->key.size = size;
	slot->key.aa = (int)aa;
	slot->key.wrap = (int)wrap;
	slot->key.width = width;
	slot->key.spacing = spacing;
	slot->used = ++ctx->tick;
	return l;
}
