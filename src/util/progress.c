/* progress.c — progress bar for long pushes (see progress.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/progress.h"

#define PROGRESS_DELAY  1.0    /* seconds before a bar appears */
#define PROGRESS_PERIOD 0.1    /* seconds between redraws */

void
progress_bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB" };
	int u = 0;

	while (b >= 1024 && u < 3) {
		b /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", b);
	else
		snprintf(buf, len, "%.1f %s", b, unit[u]);
}

void
progress_format(char *buf, size_t len, const char *label, size_t done, size_t total, double elapsed,
    int width)
{
	char d[32], t[32], r[32], bar[128], eta[32] = "";
	double rate = elapsed > 0 ? done / elapsed : 0;
	int fill = 0;

	if (width > (int)sizeof bar - 1)
		width = (int)sizeof bar - 1;
	if (width < 0)
		width = 0;
	if (total > 0) {
		if (done > total)
			done = total;
		fill = (int)((double)done / total * width);
	}
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[width] = '\0';
	progress_bytes(d, sizeof d, (double)done);
	progress_bytes(t, sizeof t, (double)total);
	progress_bytes(r, sizeof r, rate);
	if (total > 0 && rate > 0) {
		double left = (total - done) / rate;
		snprintf(eta, sizeof eta, ", %d:%02d left", (int)left / 60, (int)left % 60);
	}
	if (total > 0)
		snprintf(buf, len, "%s [%s] %3d%% %s/%s %s/s%s", label, bar, (int)(100.0 * done / total), d, t,
		    r, eta);
	else
		snprintf(buf, len, "%s %s %s/s", label, d, r);
}

void
progress_begin(struct progress *p, FILE *out, int tty, const char *label, size_t total, double now)
{
	memset(p, 0, sizeof *p);
	p->out = out;
	p->tty = tty < 0 ? isatty(fileno(out)) : tty;
	snprintf(p->label, sizeof p->label, "%s", label ? label : "");
	p->total = total;
	p->start = now;
	p->last_draw = -1;
}

void
progress_update(struct progress *p, size_t done, double now)
{
	char line[256];

	if (!p->tty || now - p->start < PROGRESS_DELAY)
		return;
	if (p->drawn && now - p->last_draw < PROGRESS_PERIOD)
		return;
	progress_format(line, sizeof line, p->label, done, p->total, now - p->start, 30);
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->drawn = 1;
	p->last_draw = now;
}

void
progress_done(struct progress *p, size_t done, double now, const char *error)
{
	char d[32], r[32];
	double el = now - p->start;

	if (p->drawn)
		fprintf(p->out, "\r\033[K");
	if (error) {
		fprintf(p->out, "%s: failed after %zu bytes: %s\n", p->label, done, error);
		return;
	}
	progress_bytes(d, sizeof d, (double)done);
	progress_bytes(r, sizeof r, el > 0 ? done / el : 0);
	fprintf(p->out, "%s: %s in %.2f s (%s/s)\n", p->label, d, el, r);
}

void
progress_end(struct progress *p)
{
	if (p->drawn) {
		fprintf(p->out, "\r\033[K");
		fflush(p->out);
		p->drawn = 0;
	}
}
