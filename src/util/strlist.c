/*
 * strlist.c — owned string lists (see strlist.h).
 */
#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

void
ls_strlist_free(struct ls_strlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
ls_strlist_copy(struct ls_strlist *dst, const struct ls_strlist *src)
{
	dst->v = NULL;
	dst->n = 0;
	if (src->n == 0)
		return 0;
	dst->v = calloc(src->n, sizeof *dst->v);
	if (dst->v == NULL)
		return -1;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i] = strdup(src->v[i]);
		if (dst->v[i] == NULL) {
			dst->n = i;
			ls_strlist_free(dst);
			return -1;
		}
	}
	dst->n = src->n;
	return 0;
}

int
ls_strlist_add_unique(struct ls_strlist *l, const char *s)
{
	char **nv, *copy;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 0;
	if ((copy = strdup(s)) == NULL)
		return -1;
	nv = realloc(l->v, (l->n + 1) * sizeof *nv);
	if (nv == NULL) {
		free(copy);
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = copy;
	return 0;
}

int
ls_strlist_add_csv(struct ls_strlist *l, const char *csv)
{
	for (const char *p = csv; *p;) {
		size_t k = strcspn(p, ",");

		if (k > 0) {
			char *one = strndup(p, k);
			int rc = one != NULL ? ls_strlist_add_unique(l, one) : -1;

			free(one);
			if (rc < 0)
				return -1;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
ls_strlist_csv_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");

		if (k == n && memcmp(p, name, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}
