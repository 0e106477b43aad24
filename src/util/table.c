/* table.c — text tables aligned by display width; see table.h. */
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/table.h"

static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Decode one UTF-8 character at s; its length in *len (1 for an invalid byte,
 * which decodes as U+FFFD). */
static uint32_t
decode(const unsigned char *s, size_t *len)
{
	uint32_t c = s[0];
	int more = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	*len = 1;
	if (c < 0x80)
		return c;
	if (more == 0 || c >= 0xf8)
		return 0xfffd;
	c &= 0x3fu >> more;
	for (int i = 1; i <= more; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0xfffd;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*len = (size_t)more + 1;
	return c;
}

/* Without a UTF-8 locale: East Asian Wide/Fullwidth ranges and the usual
 * zero-width ones (Markus Kuhn's wcwidth, abridged). */
static int
fallback_width(uint32_t c)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
		{ 0x064b, 0x065f }, { 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x2064 },
		{ 0x20d0, 0x20f0 }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
		{ 0xe0100, 0xe01ef },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
		{ 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};

	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

static int
cp_width(uint32_t c)
{
	int w;

	if (c < 0x80)
		return c >= 0x20 && c < 0x7f ? 1 : 0;
	pthread_once(&utf8_once, utf8_init);
	if (utf8_loc == (locale_t)0)
		return fallback_width(c);
	locale_t old = uselocale(utf8_loc);
	w = wcwidth((wchar_t)c);
	uselocale(old);
	return w < 0 ? 1 : w;   /* a control character or unassigned: shown somehow, count one */
}

int
table_width(const char *s)
{
	int w = 0;
	size_t len;

	for (const unsigned char *p = (const unsigned char *)s; *p; p += len)
		w += cp_width(decode(p, &len));
	return w;
}

size_t
table_cut(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	size_t len;

	while (*p) {
		int cw = cp_width(decode(p, &len));

		if (w + cw > cols)
			break;
		w += cw;
		p += len;
	}
	return (size_t)(p - (const unsigned char *)s);
}

struct table {
	int      ncols;
	char   **cells;     /* (rows + 1) * ncols, row 0 the heading */
	size_t   rows, cap;
	int      head;      /* the heading row is in */
	int     *max, *right;
};

struct table *
table_new(int ncols, const char *const *head, const int *max, const int *right)
{
	struct table *t = calloc(1, sizeof *t);

	if (t == NULL || ncols < 1)
		goto fail;
	t->ncols = ncols;
	t->max = calloc((size_t)ncols, sizeof *t->max);
	t->right = calloc((size_t)ncols, sizeof *t->right);
	if (!t->max || !t->right)
		goto fail;
	for (int k = 0; k < ncols; k++) {
		t->max[k] = max ? max[k] : 0;
		t->right[k] = right ? right[k] : 0;
	}
	if (table_add(t, head) < 0)
		goto fail;
	t->head = 1;
	return t;
fail:
	table_free(t);
	return NULL;
}

int
table_add(struct table *t, const char *const *cells)
{
	size_t at = t->head ? t->rows + 1 : 0;

	if (at + 1 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 8;
		char **nv = realloc(t->cells, nc * (size_t)t->ncols * sizeof *nv);

		if (nv == NULL)
			return -1;
		t->cells = nv;
		t->cap = nc;
	}
	for (int k = 0; k < t->ncols; k++)
		if ((t->cells[at * (size_t)t->ncols + (size_t)k] = strdup(cells && cells[k] ? cells[k] : "")) == NULL) {
			while (k-- > 0)
				free(t->cells[at * (size_t)t->ncols + (size_t)k]);
			return -1;
		}
	if (at > 0)
		t->rows++;
	return 0;
}

size_t
table_rows(const struct table *t)
{
	return t->rows;
}

char *
table_render(const struct table *t)
{
	int *w = calloc((size_t)t->ncols, sizeof *w);
	size_t cap = 0, n = 0, lines = t->rows + 1;
	char *out = NULL;

	if (w == NULL)
		return NULL;
	for (size_t r = 0; r < lines; r++)
		for (int k = 0; k < t->ncols; k++) {
			const char *c = t->cells[r * (size_t)t->ncols + (size_t)k];
			int cw = table_width(c);

			cap += strlen(c) + 8;
			if (t->max[k] > 0 && cw > t->max[k])
				cw = t->max[k];
			if (cw > w[k])
				w[k] = cw;
		}
	for (int k = 0; k < t->ncols; k++)
		cap += lines * ((size_t)w[k] + 2);
	if ((out = malloc(cap + 1)) == NULL)
		goto done;
	for (size_t r = 0; r < lines; r++) {
		size_t start = n;

		for (int k = 0; k < t->ncols; k++) {
			const char *c = t->cells[r * (size_t)t->ncols + (size_t)k];
			int cw = table_width(c), last = k == t->ncols - 1, pad;
			size_t bytes = strlen(c);

			if (!last && t->max[k] > 0 && cw > t->max[k]) {
				/* cut, and say so with an ellipsis (one column) */
				bytes = table_cut(c, t->max[k] - 1);
				cw = table_width(c) - table_width(c + bytes);
				memcpy(out + n, c, bytes);
				n += bytes;
				memcpy(out + n, "\xe2\x80\xa6", 3);
				n += 3;
				cw++;
				bytes = 0;
			}
			pad = last ? 0 : w[k] - cw;
			if (t->right[k] && !last)
				for (; pad > 0; pad--)
					out[n++] = ' ';
			memcpy(out + n, c, bytes);
			n += bytes;
			for (; pad > 0; pad--)
				out[n++] = ' ';
			if (!last) {
				out[n++] = ' ';
				out[n++] = ' ';
			}
		}
		while (n > start && out[n - 1] == ' ')
			n--;
		out[n++] = '\n';
	}
	out[n] = '\0';
done:
	free(w);
	return out;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; t->head && i < (t->rows + 1) * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->max);
	free(t->right);
	free(t);
}
