/* diag.c — collected diagnostics; see diag.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"

void
ls_diag_add(struct ls_diag *d, enum ls_diag_level level, const char *file, int line,
    const char *fmt, ...)
{
	struct ls_diag_msg *m;
	va_list ap;
	char *text = NULL;

	if (level == LS_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct ls_diag_msg *nv = realloc(d->v, ncap * sizeof *nv);
		if (nv == NULL)
			return;
		d->v = nv;
		d->cap = ncap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	m = &d->v[d->n++];
	m->level = level;
	m->file = file ? strdup(file) : NULL;
	m->line = line;
	m->text = text;
}

void
ls_diag_format(const struct ls_diag_msg *m, char *buf, size_t len)
{
	const char *lvl = m->level == LS_DIAG_ERROR ? "error" : "warning";

	if (m->file && m->line > 0)
		snprintf(buf, len, "%s:%d: %s: %s", m->file, m->line, lvl, m->text);
	else if (m->file)
		snprintf(buf, len, "%s: %s: %s", m->file, lvl, m->text);
	else
		snprintf(buf, len, "%s: %s", lvl, m->text);
}

void
ls_diag_print(const struct ls_diag *d, FILE *fp)
{
	char buf[1024];

	for (size_t i = 0; i < d->n; i++) {
		ls_diag_format(&d->v[i], buf, sizeof buf);
		fprintf(fp, "%s\n", buf);
	}
}

void
ls_diag_clear(struct ls_diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].text);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

static int
diag_before(const struct ls_diag_msg *a, const struct ls_diag_msg *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	return c < 0 || (c == 0 && a->line <= b->line);
}

void
ls_diag_sort(struct ls_diag *d)
{
	/* merge sort: stable, and n log n even for a file with an error on
	 * every one of a million lines reported out of order */
	struct ls_diag_msg *tmp, *src = d->v, *dst;

	if (d->n < 2)
		return;
	if ((tmp = malloc(d->n * sizeof *tmp)) == NULL)
		return;              /* unsorted is still every message */
	dst = tmp;
	for (size_t w = 1; w < d->n; w *= 2) {
		for (size_t lo = 0; lo < d->n; lo += 2 * w) {
			size_t mid = lo + w < d->n ? lo + w : d->n;
			size_t hi = lo + 2 * w < d->n ? lo + 2 * w : d->n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = diag_before(&src[i], &src[j]) ? src[i++] : src[j++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct ls_diag_msg *t = src;
		src = dst;
		dst = t;
	}
	if (src != d->v)
		memcpy(d->v, src, d->n * sizeof *src);
	free(tmp);
}

void
ls_errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}
