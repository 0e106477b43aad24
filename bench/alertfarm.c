/*
 * alertfarm.c — the board side of bench/alert.sh: N simulated LSP boards on
 * loopback TCP in one process (the ledboard decoder, fw_lsp), and the clock.
 *
 * Each round it runs `ledsign alert` and measures the time from starting
 * that command to the moment the last board has the alert frame up (the
 * decoder acknowledges a frame in the same call that shows it).  The
 * schedule in the bench config is blank, so "the alert frame" is the first
 * lit frame after the call; `ledsign clear --all` then darkens every board
 * before the next round.  Prints the latencies and
 *   BENCH alert-latency-p50 X ms / BENCH alert-latency-p99 X ms
 *
 * usage: alertfarm N PORTFILE LEDSIGN SOCKET ROUNDS WIDTH HEIGHT
 * It writes one port per line to PORTFILE, then waits for the daemon.
 *
 * With ALERTFARM_BUREAU=FILE in the environment the alert goes through the
 * district instead (bench/district.sh): `ledsign district alert TEXT --id ID
 * --bureau FILE`, cleared with `ledsign district clear ID --bureau FILE`, and
 * the boards may belong to many controllers; the names are then
 * district-alert-p50/p99.
 *
 * ROUNDS 0 is the passive mode of bench/web.sh: something else raises and
 * clears the alerts (a browser), and the farm prints "lit T" when the last
 * board has shown a lit frame and "dark T" when all are dark again, T on
 * CLOCK_MONOTONIC (Python's time.monotonic() is the same clock), until it
 * is killed or nothing happens for 10 minutes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#include "fw_pixels.h"
#include "ledboard_proto.h"

struct board {
	int    lfd, cfd;
	void  *dec;
	size_t bytes;
	int    lit;          /* the last frame shown had a lit LED */
	long   frames;
	double lit_at;       /* when the last dark -> lit change happened */
};

static void
show(void *ctx, const uint8_t *fb)
{
	struct board *b = ctx;
	int lit = 0;

	for (size_t i = 0; i < b->bytes && !lit; i++)
		lit = fb[i] != 0;
	if (lit && !b->lit)
		b->lit_at = bench_now();
	b->lit = lit;
	b->frames++;
}

static void
reply(void *ctx, const uint8_t *buf, size_t len)
{
	struct board *b = ctx;

	if (b->cfd >= 0 && send(b->cfd, buf, len, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		fprintf(stderr, "alertfarm: reply: %s\n", strerror(errno));
}

static void
logline(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static struct board *boards;
static int nboards;
static struct pollfd *pfds;

/* Serve every board for up to `secs` or until done() says so. */
static int
serve(double secs, int (*done)(double), double arg)
{
	double end = bench_now() + secs;
	uint8_t buf[65536];

	while (bench_now() < end) {
		if (done(arg))
			return 1;
		for (int i = 0; i < nboards; i++) {
			pfds[i].fd = boards[i].cfd >= 0 ? boards[i].cfd : boards[i].lfd;
			pfds[i].events = POLLIN;
		}
		if (poll(pfds, nboards, 5) < 0 && errno != EINTR)
			return 0;
		for (int i = 0; i < nboards; i++) {
			struct board *b = &boards[i];
			if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (b->cfd < 0) {
				b->cfd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				continue;
			}
			for (;;) {
				ssize_t n = recv(b->cfd, buf, sizeof buf, 0);
				if (n > 0) {
					ledboard_proto_lsp.feed(b->dec, buf, (size_t)n, 0);
					continue;
				}
				if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
					close(b->cfd);
					b->cfd = -1;
					ledboard_proto_lsp.reset(b->dec);
				}
				break;
			}
		}
		if (ledboard_proto_lsp.tick) {
			uint32_t ms = (uint32_t)(bench_now() * 1000);
			for (int i = 0; i < nboards; i++)
				ledboard_proto_lsp.tick(boards[i].dec, ms);
		}
	}
	return done(arg);
}

static int
all_shown_dark(double unused)
{
	(void)unused;
	for (int i = 0; i < nboards; i++)
		if (boards[i].frames == 0 || boards[i].lit)
			return 0;
	return 1;
}

static int
all_lit_since(double t0)
{
	for (int i = 0; i < nboards; i++)
		if (!boards[i].lit || boards[i].lit_at < t0)
			return 0;
	return 1;
}

static int
never(double unused)
{
	(void)unused;
	return 0;
}

static pid_t
run(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Serve the boards while a command runs; its exit status. */
static int
run_serving(char *const argv[])
{
	pid_t pid = run(argv);
	int st = 0;

	while (waitpid(pid, &st, WNOHANG) == 0)
		serve(0.002, never, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct ledboard_screen scr;
	struct ledboard_sink sink = { 0 };
	FILE *pf;
	int rounds, bad = 0;
	double *lat;
	char *ledsign, *sock;

	if (argc != 8) {
		fprintf(stderr, "usage: alertfarm N PORTFILE LEDSIGN SOCKET ROUNDS WIDTH HEIGHT\n");
		return 2;
	}
	nboards = atoi(argv[1]);
	ledsign = argv[3];
	sock = argv[4];
	rounds = atoi(argv[5]);
	scr.width = (uint16_t)atoi(argv[6]);
	scr.height = (uint16_t)atoi(argv[7]);
	scr.format = FW_PIX_RGB888;
	scr.stride = fw_pix_stride(scr.format, scr.width);
	boards = calloc((size_t)nboards, sizeof *boards);
	pfds = calloc((size_t)nboards, sizeof *pfds);
	lat = calloc((size_t)rounds + 1, sizeof *lat);
	pf = fopen(argv[2], "w");
	if (!boards || !pfds || !lat || !pf || nboards <= 0 || rounds < 0)
		return 1;
	for (int i = 0; i < nboards; i++) {
		struct board *b = &boards[i];
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t sl = sizeof sa;
		char err[128];

		b->cfd = -1;
		b->bytes = (size_t)scr.stride * scr.height;
		b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(b->lfd, 4) < 0 ||
		    getsockname(b->lfd, (struct sockaddr *)&sa, &sl) < 0) {
			perror("alertfarm: listen");
			return 1;
		}
		sink.ctx = b;
		sink.show = show;
		sink.reply = reply;
		sink.log = logline;
		b->dec = ledboard_proto_lsp.open(&scr, &sink, err, sizeof err);
		if (b->dec == NULL) {
			fprintf(stderr, "alertfarm: %s\n", err);
			return 1;
		}
		fprintf(pf, "%d\n", ntohs(sa.sin_port));
	}
	fclose(pf);
	if (!serve(getenv("ALERTFARM_BUREAU") ? 180 : 60, all_shown_dark, 0)) {
		int up = 0;
		for (int i = 0; i < nboards; i++)
			up += boards[i].frames > 0;
		fprintf(stderr, "alertfarm: only %d of %d boards showed their (blank) schedule\n", up, nboards);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (rounds == 0) {
		double last = 0;

		if (!serve(600, all_lit_since, 0))
			return 0;
		for (int i = 0; i < nboards; i++)
			if (boards[i].lit_at > last)
				last = boards[i].lit_at;
		printf("lit %.6f\n", last);
		fflush(stdout);
		if (!serve(600, all_shown_dark, 0))
			return 0;
		printf("dark %.6f\n", bench_now());
		fflush(stdout);
	}
	for (int r = 0; r < rounds; r++) {
		char text[64], id[32];
		char *bureau = getenv("ALERTFARM_BUREAU");
		char *local_alert[] = { ledsign, "alert", text, "--id", id, "--socket", sock, NULL };
		char *local_clear[] = { ledsign, "clear", "--all", "--socket", sock, NULL };
		char *dist_alert[] = { ledsign, "district", "alert", text, "--id", id, "--bureau", bureau, NULL };
		char *dist_clear[] = { ledsign, "district", "clear", id, "--bureau", bureau, NULL };
		char **alert_argv = bureau ? dist_alert : local_alert, **clear_argv = bureau ? dist_clear : local_clear;
		double t0, last = 0;
		pid_t pid;
		int st = 0;

		snprintf(text, sizeof text, "ALERT %d", r + 1);
		snprintf(id, sizeof id, "bench-%d", r + 1);
		t0 = bench_now();
		pid = run(alert_argv);
		if (!serve(10, all_lit_since, t0)) {
			int lit = 0;
			for (int i = 0; i < nboards; i++)
				lit += boards[i].lit && boards[i].lit_at >= t0;
			fprintf(stderr, "alertfarm: round %d: only %d of %d boards showed the alert\n", r + 1, lit, nboards);
			bad = 1;
		}
		for (int i = 0; i < nboards; i++)
			if (boards[i].lit_at > last)
				last = boards[i].lit_at;
		lat[r] = (last - t0) * 1000;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "alertfarm: round %d: ledsign alert failed\n", r + 1);
			bad = 1;
		}
		printf("round %d: last of %d boards %.2f ms after `ledsign alert`\n", r + 1, nboards, lat[r]);
		if (run_serving(clear_argv) != 0 || !serve(10, all_shown_dark, 0)) {
			fprintf(stderr, "alertfarm: round %d: the boards did not go dark after clear\n", r + 1);
			bad = 1;
		}
		serve(0.05, never, 0);   /* a breath between rounds */
	}
	qsort(lat, (size_t)rounds, sizeof *lat, cmp_d);
	{
		/* nearest rank */
		int i50 = (int)((rounds * 50 + 99) / 100) - 1, i99 = (int)((rounds * 99 + 99) / 100) - 1;
		const char *name = getenv("ALERTFARM_BUREAU") ? "district-alert" : "alert-latency";

		printf("BENCH %s-p50 %.1f ms\n", name, lat[i50 < 0 ? 0 : i50]);
		printf("BENCH %s-p99 %.1f ms\n", name, lat[i99 < 0 ? 0 : i99]);
	}
	return bad;
}
