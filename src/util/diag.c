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

void
ls_diag_sort(struct ls_diag *d)
{
	/* insertion sort: stable, and reports are short */
	for (size_t i = 1; i < d->n; i++) {
		struct ls_diag_msg m = d->v[i];
		size_t j = i;
		while (j > 0) {
			const struct ls_diag_msg *p = &d->v[j - 1];
			int c = strcmp(p->file ? p->file : "", m.file ? m.file : "");
			if (c < 0 || (c == 0 && p->line <= m.line))
				break;
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = m;
	}
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
