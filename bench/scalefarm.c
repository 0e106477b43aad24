/*
 * scalefarm.c — the board side of bench/scale.sh: N simulated boards in one
 * process (the ledboard decoders: LSP on loopback TCP, acknowledging every
 * frame, or DDP on loopback UDP), so that one controller, not N simulator
 * processes, is what is measured.  bench/scale.sh runs it at nice 19.  The
 * LSP boards offer every capability but PROGRAMME, so they are streamed.
 *
 * usage: scalefarm lsp|ddp N WIDTH HEIGHT FORMAT PORTFILE WARM SECS
 *
 * Writes one port per line to PORTFILE, waits until every board has shown a
 * frame (at most 60 s), lets WARM seconds pass, then counts the pictures
 * each board shows for SECS seconds.  Prints
 *   farm boards=N shown=K fps_median=F fps_p10=F fps_min=F gap_p99_ms=G cpu_s=C
 * where gap is the time between two pictures of one board (every board,
 * every picture in the window) and cpu_s the farm's own CPU time.  The
 * files PORTFILE.start and PORTFILE.end appear when the window opens and
 * closes, so that bench/scale.sh can read the daemon's CPU time then.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#include "fw_pixels.h"
#include "ledboard_proto.h"

struct board {
	int    lfd, cfd;          /* listening socket (TCP) or the datagram socket; connection */
	void  *dec;
	long   frames;            /* pictures shown in the window */
	double last;              /* when the last picture was shown */
	int    shown;             /* any picture at all */
};

static const struct ledboard_proto *proto;
static struct board *boards;
static int nboards, datagram;
static double win_start = 1e30, win_end = 1e30;
static double *gaps;
static size_t ngaps, capgaps;

static void
show(void *ctx, const uint8_t *fb)
{
	struct board *b = ctx;
	double t = bench_now();

	(void)fb;
	b->shown = 1;
	if (t >= win_start && t < win_end) {
		if (b->frames > 0 || b->last >= win_start) {
			if (ngaps == capgaps) {
				capgaps = capgaps ? capgaps * 2 : 65536;
				gaps = realloc(gaps, capgaps * sizeof *gaps);
				if (!gaps)
					exit(1);
			}
			gaps[ngaps++] = t - b->last;
		}
		b->frames++;
	}
	b->last = t;
}

static void
reply(void *ctx, const uint8_t *buf, size_t len)
{
	struct board *b = ctx;

	if (!datagram && b->cfd >= 0)
		(void)send(b->cfd, buf, len, MSG_NOSIGNAL);
}

static void
logline(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Serve every board until `until` (monotonic); 1 when done() says so first. */
static int
serve(int ep, double until, int (*done)(void))
{
	static uint8_t buf[65536];
	struct epoll_event evs[256];

	while (bench_now() < until) {
		int n;

		if (done && done())
			return 1;
		n = epoll_wait(ep, evs, 256, 10);
		for (int k = 0; k < n; k++) {
			int i = (int)(evs[k].data.u64 >> 1), conn = (int)(evs[k].data.u64 & 1);
			struct board *b = &boards[i];

			if (!datagram && !conn) {
				int fd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				struct epoll_event e = { .events = EPOLLIN, .data.u64 = (uint64_t)i << 1 | 1 };

				if (fd < 0)
					continue;
				if (b->cfd >= 0) {
					close(b->cfd);
					proto->reset(b->dec);
				}
				b->cfd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
				continue;
			}
			for (int reads = 0; reads < 64; reads++) {
				ssize_t r = recv(datagram ? b->lfd : b->cfd, buf, sizeof buf, 0);

				if (r > 0) {
					proto->feed(b->dec, buf, (size_t)r, datagram);
					continue;
				}
				if (!datagram && (r == 0 || (errno != EAGAIN && errno != EINTR))) {
					close(b->cfd);
					b->cfd = -1;
					proto->reset(b->dec);
				}
				break;
			}
		}
		if (proto->tick) {
			uint32_t ms = (uint32_t)(bench_now() * 1000);

			for (int i = 0; i < nboards; i++)
				proto->tick(boards[i].dec, ms);
		}
	}
	return done ? done() : 0;
}

static int
all_shown(void)
{
	for (int i = 0; i < nboards; i++)
		if (!boards[i].shown)
			return 0;
	return 1;
}

static void
marker(const char *portfile, const char *what)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s.%s", portfile, what);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
}

int
main(int argc, char **argv)
{
	struct ledboard_screen scr = { 0 };
	struct ledboard_sink sink = { 0 };
	double warm, secs, *fps;
	int ep, fmt, up = 0;
	long total = 0;
	FILE *pf;
	struct rusage ru;

	if (argc != 9 || (strcmp(argv[1], "lsp") != 0 && strcmp(argv[1], "ddp") != 0) ||
	    (fmt = fw_pix_parse(argv[5])) < 0) {
		fprintf(stderr, "usage: scalefarm lsp|ddp N WIDTH HEIGHT FORMAT PORTFILE WARM SECS\n");
		return 2;
	}
	datagram = strcmp(argv[1], "ddp") == 0;
	proto = datagram ? &ledboard_proto_ddp : &ledboard_proto_lsp;
	nboards = atoi(argv[2]);
	scr.width = (uint16_t)atoi(argv[3]);
	scr.height = (uint16_t)atoi(argv[4]);
	scr.format = (uint8_t)fmt;
	scr.stride = fw_pix_stride(scr.format, scr.width);
	/* boards that are streamed every frame, as issue 20 measures: without
	 * PROGRAMME a board does not store the scroll and play it by itself
	 * (docs/daemon.md, Stored programmes), which would leave the
	 * controller nothing to do but a PING every 2 s */
	scr.caps = "rle,rowxor,delta,page,brightness,power,clock";
	warm = atof(argv[7]);
	secs = atof(argv[8]);
	boards = calloc((size_t)nboards, sizeof *boards);
	fps = calloc((size_t)nboards, sizeof *fps);
	pf = fopen(argv[6], "w");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!boards || !fps || !pf || ep < 0 || nboards <= 0)
		return 1;
	for (int i = 0; i < nboards; i++) {
		struct board *b = &boards[i];
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t sl = sizeof sa;
		struct epoll_event e = { .events = EPOLLIN, .data.u64 = (uint64_t)i << 1 };
		char err[128];
		int rcv = 1 << 20;

		b->cfd = -1;
		b->lfd = socket(AF_INET, (datagram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (datagram)
			setsockopt(b->lfd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
		if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
		    (!datagram && listen(b->lfd, 4) < 0) || getsockname(b->lfd, (struct sockaddr *)&sa, &sl) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, b->lfd, &e) < 0) {
			perror("scalefarm: socket");
			return 1;
		}
		sink.ctx = b;
		sink.show = show;
		sink.reply = reply;
		sink.log = logline;
		b->dec = proto->open(&scr, &sink, err, sizeof err);
		if (b->dec == NULL) {
			fprintf(stderr, "scalefarm: %s\n", err);
			return 1;
		}
		fprintf(pf, "%d\n", ntohs(sa.sin_port));
	}
	fclose(pf);
	if (!serve(ep, bench_now() + 60, all_shown)) {
		for (int i = 0; i < nboards; i++)
			up += boards[i].shown;
		fprintf(stderr, "scalefarm: only %d of %d boards showed a picture within 60 s\n", up, nboards);
		return 1;
	}
	win_start = bench_now() + warm;
	win_end = win_start + secs;
	serve(ep, win_start, NULL);
	marker(argv[6], "start");
	serve(ep, win_end, NULL);
	marker(argv[6], "end");
	for (int i = 0; i < nboards; i++) {
		fps[i] = boards[i].frames / secs;
		total += boards[i].frames;
		up += boards[i].frames > 0;
	}
	qsort(fps, (size_t)nboards, sizeof *fps, cmp_d);
	qsort(gaps, ngaps, sizeof *gaps, cmp_d);
	getrusage(RUSAGE_SELF, &ru);
	printf("farm boards=%d shown=%d frames=%ld fps_median=%.1f fps_p10=%.1f fps_min=%.1f gap_p99_ms=%.1f cpu_s=%.2f\n",
	    nboards, up, total, fps[nboards / 2], fps[nboards / 10], fps[0],
	    ngaps ? gaps[(size_t)(ngaps * 0.99)] * 1e3 : 0.0,
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return 0;
}
