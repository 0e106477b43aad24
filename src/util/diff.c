/* diff.c — unified line diff (diff.h). */
#include "util/diff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	const char *p;
	size_t n;      /* without the newline */
};

static struct line *
split(const char *s, size_t *count)
{
	size_t n = 0, cap = 16;
	struct line *v = malloc(cap * sizeof *v);

	if (v == NULL)
		return NULL;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (n == cap) {
			struct line *nv = realloc(v, 2 * cap * sizeof *v);
			if (nv == NULL) {
				free(v);
				return NULL;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = (struct line){ s, len };
		s += len + (e != NULL);
	}
	*count = n;
	return v;
}

static int
same(const struct line *a, const struct line *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* An edit script: for each step ' ' (both), '-' (a only), '+' (b only). */
struct op {
	char kind;
	size_t i, j;   /* line indices in a and b (for ' ' and '-': i; ' ' and '+': j) */
};

char *
ls_diff_text(const char *a, const char *b, const char *name_a, const char *name_b, int *added, int *removed)
{
	size_t na = 0, nb = 0, head = 0, tail = 0, nops = 0;
	struct line *la = split(a, &na), *lb = split(b, &nb);
	struct op *ops = NULL;
	uint32_t *t = NULL;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = NULL;
	int plus = 0, minus = 0;

	if (la == NULL || lb == NULL)
		goto done;
	while (head < na && head < nb && same(&la[head], &lb[head]))
		head++;
	while (tail < na - head && tail < nb - head && same(&la[na - 1 - tail], &lb[nb - 1 - tail]))
		tail++;
	size_t ma = na - head - tail, mb = nb - head - tail;
	if ((ops = malloc((na + nb + 1) * sizeof *ops)) == NULL)
		goto done;
	for (size_t k = 0; k < head; k++)
		ops[nops++] = (struct op){ ' ', k, k };
	if ((uint64_t)(ma + 1) * (mb + 1) <= LS_DIFF_CELLS_MAX &&
	    (t = calloc((ma + 1) * (mb + 1), sizeof *t)) != NULL) {
		/* t[i][j]: longest common subsequence of a's middle from i and b's from j */
#define T(i, j) t[(i) * (mb + 1) + (j)]
		for (size_t i = ma; i-- > 0;)
			for (size_t j = mb; j-- > 0;)
				T(i, j) = same(&la[head + i], &lb[head + j]) ? T(i + 1, j + 1) + 1
				    : T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
		size_t i = 0, j = 0;
		while (i < ma || j < mb) {
			if (i < ma && j < mb && same(&la[head + i], &lb[head + j])) {
				ops[nops++] = (struct op){ ' ', head + i++, head + j++ };
			} else if (i < ma && (j == mb || T(i + 1, j) >= T(i, j + 1))) {
				ops[nops++] = (struct op){ '-', head + i++, head + j };
			} else {
				ops[nops++] = (struct op){ '+', head + i, head + j++ };
			}
		}
#undef T
	} else {
		for (size_t i = 0; i < ma; i++)
			ops[nops++] = (struct op){ '-', head + i, head };
		for (size_t j = 0; j < mb; j++)
			ops[nops++] = (struct op){ '+', head + ma, head + j };
	}
	for (size_t k = 0; k < tail; k++)
		ops[nops++] = (struct op){ ' ', na - tail + k, nb - tail + k };

	if ((f = open_memstream(&out, &outlen)) == NULL)
		goto done;
	if (ma + mb > 0)
		fprintf(f, "--- %s\n+++ %s\n", name_a, name_b);
	/* hunks: changes with up to 2 lines of context, joined when close */
	for (size_t k = 0; k < nops;) {
		if (ops[k].kind == ' ') {
			k++;
			continue;
		}
		size_t s = k >= 2 ? k - 2 : 0, e = k;
		for (;;) {
			while (e < nops && ops[e].kind != ' ')
				e++;
			size_t ctx = e;
			while (ctx < nops && ops[ctx].kind == ' ' && ctx - e < 5)
				ctx++;
			if (ctx < nops && ops[ctx].kind != ' ' && ctx - e < 5) {
				e = ctx;
				continue;
			}
			e = e + 2 < nops ? e + 2 : nops;
			break;
		}
		size_t ca = 0, cb = 0;
		for (size_t q = s; q < e; q++) {
			ca += ops[q].kind != '+';
			cb += ops[q].kind != '-';
		}
		fprintf(f, "@@ -%zu,%zu +%zu,%zu @@\n", ops[s].i + (ca > 0), ca, ops[s].j + (cb > 0), cb);
		for (size_t q = s; q < e; q++) {
			const struct line *l = ops[q].kind == '+' ? &lb[ops[q].j] : &la[ops[q].i];
			fputc(ops[q].kind, f);
			fwrite(l->p, 1, l->n, f);
			fputc('\n', f);
			plus += ops[q].kind == '+';
			minus += ops[q].kind == '-';
		}
		k = e;
	}
	if (fclose(f) != 0) {
		free(out);
		out = NULL;
	}
	f = NULL;
done:
	if (f != NULL)
		fclose(f);
	free(la);
	free(lb);
	free(ops);
	free(t);
	if (added)
		*added = plus;
	if (removed)
		*removed = minus;
	return out;
}
