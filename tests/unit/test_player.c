/* test_player.c — one board's player on real loopback sockets: pacing,
 * skipping instead of queueing, a fresh full frame after a reconnect, and a
 * reload that keeps the link.  DDP is used because it needs no board
 * answers, so a bare socket can stand in for the board. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/player.h"
#include "render/render.h"
#include "transport/xport.h"

static struct ls_config *cfg;
static struct render_ctx *rctx;
static char cfgpath[64];

static int
setup(void **st)
{
	static const char text[] =
	    "boards = ( { name = \"b\"; width = 64; height = 16; format = \"rgb888\"; protocol = \"ddp\";\n"
	    "             address = \"udp:127.0.0.1:9\"; } );\n"
	    "content = ( { name = \"scroll\"; text = \"网络安全为人民\"; effect = \"scroll-left\"; speed = 64.0; },\n"
	    "            { name = \"still\"; text = \"平时\"; } );\n"
	    "playlists = ( { name = \"p\"; items = [\"scroll\"]; }, { name = \"q\"; items = [\"still\"]; } );\n"
	    "layouts = ( { name = \"moving\"; width = 64; height = 16; areas = (\n"
	    "    { x = 0; y = 0; width = 24; height = 16; playlist = \"q\"; },\n"
	    "    { x = 24; y = 0; width = 40; height = 16; playlist = \"p\"; } ); },\n"
	    "  { name = \"still\"; width = 64; height = 16; areas = (\n"
	    "    { x = 0; y = 0; width = 32; height = 16; playlist = \"q\"; },\n"
	    "    { x = 33; y = 0; width = 31; height = 16; playlist = \"q\"; } ); } );\n"
	    "schedule = ( { playlist = \"p\"; boards = [\"all\"]; } );\n";
	struct ls_diag d = { 0 };
	int fd;

	(void)st;
	snprintf(cfgpath, sizeof cfgpath, "/tmp/ledsign-player-XXXXXX");
	fd = mkstemp(cfgpath);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	cfg = ls_config_load(cfgpath, &d);
	ls_diag_print(&d, stderr);
	ls_diag_clear(&d);
	assert_non_null(cfg);
	rctx = render_ctx_new(cfg, &d);
	ls_diag_clear(&d);
	assert_non_null(rctx);
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	render_ctx_free(rctx);
	ls_config_free(cfg);
	unlink(cfgpath);
	return 0;
}

/* What the fake chooser shows: an item, or a layout whose areas all show
 * their playlist's first item from wall time 1000. */
static const char *show_item = "scroll";
static const char *show_layout;

static void
choose(void *ctx, const struct ls_board *b, double wall, struct player_choice *c)
{
	(void)ctx;
	(void)b;
	if (show_layout != NULL) {
		const struct ls_layout *lo = ls_config_layout(cfg, show_layout);
		c->show = PLAYER_SHOW_ITEM;
		c->layout = lo;
		c->nareas = lo->nareas;
		for (size_t i = 0; i < lo->nareas; i++) {
			const struct ls_playlist *pl = ls_config_playlist(cfg, lo->areas[i].playlist);
			c->areas[i].content = ls_config_content(cfg, pl->entries[0].item);
			c->areas[i].item_start = 1000.0;
		}
		c->item_start = 1000.0;
		snprintf(c->item, sizeof c->item, "layout:%s", show_layout);
		snprintf(c->rule, sizeof c->rule, "test");
		return;
	}
	c->show = PLAYER_SHOW_ITEM;
	c->content = ls_config_content(cfg, show_item);
	c->item_start = 1000.0;
	snprintf(c->item, sizeof c->item, "%s", show_item);
	snprintf(c->rule, sizeof c->rule, "test");
	(void)wall;
}

static struct player_env
env(void)
{
	struct player_env e;

	memset(&e, 0, sizeof e);
	e.render = rctx;
	e.choose = choose;
	e.fps = 30;
	xport_opts_default(&e.xopts);
	return e;
}

/* A board copy with another address. */
static struct ls_board
board(const char *address)
{
	struct ls_board b = cfg->boards[0];

	b.address = (char *)address;
	return b;
}

/* Run the player as the daemon does, for `secs`; call `peer` each round. */
static void
run(struct player *p, double secs, void (*peer)(void *), void *arg)
{
	double end = xport_now() + secs, t0 = xport_now();

	for (;;) {
		double now = xport_now(), dl, wall = 1000.0 + (now - t0);
		struct pollfd pf = { .fd = player_fd(p) };
		int ev, ms;

		if (now >= end)
			break;
		dl = player_tick(p, now, wall);
		ev = player_events(p);
		pf.events = (short)((ev & XPORT_EV_READ ? POLLIN : 0) | (ev & XPORT_EV_WRITE ? POLLOUT : 0));
		ms = (int)ceil((fmin(dl, end) - xport_now()) * 1000);
		if (ms > 5)
			ms = 5;   /* the peer needs turns too */
		if (ms < 0)
			ms = 0;
		if (poll(&pf, pf.fd >= 0 ? 1 : 0, ms) > 0) {
			int ready = 0;
			if (pf.revents & (POLLIN | POLLHUP | POLLERR)) ready |= XPORT_EV_READ;
			if (pf.revents & (POLLOUT | POLLHUP | POLLERR)) ready |= XPORT_EV_WRITE;
			player_io(p, ready, xport_now(), 1000.0 + (xport_now() - t0));
		}
		if (peer)
			peer(arg);
	}
}

/* ---- pacing over UDP ---- */

struct udp_peer {
	int fd;
	double t[400];
	int n;
};

static void
udp_drain(void *arg)
{
	struct udp_peer *u = arg;
	uint8_t buf[2048];
	ssize_t r;

	while ((r = recv(u->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
		if (r >= 10 && (buf[0] & 0x01) && u->n < 400)   /* DDP push: the frame is complete */
			u->t[u->n++] = xport_now();
}

static void
test_paces_animated(void **st)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct udp_peer u = { 0 };
	char addr[64], err[256];
	struct ls_board b;
	struct player_env e = env();
	struct player *p;
	struct player_status s;
	double iv[400], jit[4096];
	int n = 0;
	size_t nj;

	(void)st;
	u.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(u.fd, (struct sockaddr *)&sa, sizeof sa), 0);
	getsockname(u.fd, (struct sockaddr *)&sa, &sl);
	snprintf(addr, sizeof addr, "udp:127.0.0.1:%d", ntohs(sa.sin_port));
	b = board(addr);
	show_item = "scroll";
	p = player_new(&b, &e, xport_now(), err, sizeof err);
	assert_non_null(p);
	run(p, 2.0, udp_drain, &u);
	player_status(p, &s);
	assert_int_equal(s.state, PLAYER_ONLINE);
	assert_string_equal(s.item, "scroll");
	/* 2 s at 30 fps; a scroll at 64 px/s changes every frame */
	assert_true(u.n >= 30);   /* room for a loaded machine (ASan beside other tests) */
	assert_true(u.n <= 62);
	for (int i = 1; i < u.n; i++)
		iv[n++] = (u.t[i] - u.t[i - 1]) * 1000;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && iv[j - 1] > iv[j]; j--) {
			double t = iv[j]; iv[j] = iv[j - 1]; iv[j - 1] = t;
		}
	/* the median interval is the frame period */
	assert_true(fabs(iv[n / 2] - 1000.0 / 30) < 5);
	nj = player_jitter(p, jit, 4096);
	assert_true(nj >= 30);
	player_free(p);
	close(u.fd);
}

/* ---- a board that stops reading: frames are skipped, memory bounded ---- */

static void
test_skips_when_board_stalls(void **st)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), small = 4096, cfd;
	char addr[64], err[256], reason[256];
	struct ls_board b;
	struct player_env e = env();
	struct player *p;
	struct player_status s;

	(void)st;
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	listen(lfd, 1);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	/* DDP over TCP: every protocol goes over every transport */
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", ntohs(sa.sin_port));
	b = board(addr);
	e.xopts.stall_timeout = 0.5;
	e.xopts.queue_max = 16 * 1024;
	show_item = "scroll";
	p = player_new(&b, &e, xport_now(), err, sizeof err);
	assert_non_null(p);
	run(p, 0.2, NULL, NULL);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	/* small kernel buffers on our side too, so that "never reads" shows soon */
	setsockopt(player_fd(p), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	run(p, 3.0, NULL, NULL);   /* never read */
	player_status(p, &s);
	snprintf(reason, sizeof reason, "%s", s.reason);
	assert_int_equal(s.state, PLAYER_STALLED);
	assert_non_null(strstr(reason, "no bytes"));
	/* far fewer frames went out than were due, and the rest were skipped, not queued */
	assert_true(s.frames_skipped > 40);
	assert_true(s.frames_sent < 60);
	assert_true(s.link.bytes_out < 8u << 20);
	player_free(p);
	close(cfd);
	close(lfd);
}

/* ---- a link that comes back gets a full frame again; reload keeps links ---- */

struct tcp_peer {
	int lfd, cfd, accepts;
	size_t got;
};

static void
tcp_serve(void *arg)
{
	struct tcp_peer *t = arg;
	uint8_t buf[8192];
	ssize_t r;

	if (t->cfd < 0) {
		t->cfd = accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (t->cfd >= 0)
			t->accepts++;
	}
	while (t->cfd >= 0 && (r = read(t->cfd, buf, sizeof buf)) > 0)
		t->got += (size_t)r;
}

static void
test_reconnect_and_reload(void **st)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct tcp_peer t = { .cfd = -1 };
	char addr[64], err[256];
	struct ls_board b, b2, b3;
	struct player_env e = env();
	struct player *p;
	struct player_status s;
	size_t before;

	(void)st;
	t.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(t.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	listen(t.lfd, 1);
	getsockname(t.lfd, (struct sockaddr *)&sa, &sl);
	snprintf(addr, sizeof addr, "tcp:127.0.0.1:%d", ntohs(sa.sin_port));
	b = board(addr);
	b.keepalive = 60000;   /* no resend of the unchanged picture within this test */
	show_item = "still";   /* static: sent once, then only when it changes */
	p = player_new(&b, &e, xport_now(), err, sizeof err);
	assert_non_null(p);
	run(p, 0.5, tcp_serve, &t);
	assert_int_equal(t.accepts, 1);
	/* one frame: 3072 bytes in 3 DDP packets, twice as a session's first (see ddp_session) */
	assert_int_equal(t.got, 2 * (64 * 16 * 3 + 10 * 3));
	player_status(p, &s);
	assert_int_equal(s.frames_sent, 1);

	/* the board restarts: same picture, but it must be sent again */
	close(t.cfd);
	t.cfd = -1;
	run(p, 1.0, tcp_serve, &t);
	assert_int_equal(t.accepts, 2);
	player_status(p, &s);
	assert_int_equal(s.state, PLAYER_ONLINE);
	assert_int_equal(s.frames_sent, 2);
	assert_int_equal(t.got, 4 * (64 * 16 * 3 + 10 * 3));

	/* a reload with the same board: the link stays, nothing is resent */
	b2 = b;
	before = t.got;
	assert_int_equal(player_set_config(p, &b2, &e, xport_now(), err, sizeof err), 1);
	run(p, 0.5, tcp_serve, &t);
	assert_int_equal(t.accepts, 2);
	assert_int_equal(t.got, before);
	/* another size: the player starts over on a new link */
	b3 = b2;
	b3.width = 32;
	assert_int_equal(player_set_config(p, &b3, &e, xport_now(), err, sizeof err), 0);
	close(t.cfd);
	t.cfd = -1;
	run(p, 0.5, tcp_serve, &t);
	assert_int_equal(t.accepts, 3);
	assert_int_equal(t.got, before + 2 * (32 * 16 * 3 + 10 * 2));
	player_free(p);
	if (t.cfd >= 0)
		close(t.cfd);
	close(t.lfd);
}

static void
test_bad_board(void **st)
{
	char err[256];
	struct ls_board b = board("udp:127.0.0.1:9");
	struct player_env e = env();

	(void)st;
	b.protocol = "nosuch";
	assert_null(player_new(&b, &e, xport_now(), err, sizeof err));
	assert_non_null(strstr(err, "unknown protocol"));
	b = board("carrier-pigeon:loft");
	assert_null(player_new(&b, &e, xport_now(), err, sizeof err));
	assert_non_null(strstr(err, "unknown transport"));
}

/* ---- layouts: the compose step ---- */

struct ddp_peer {
	int fd;
	uint8_t frame[64 * 16 * 3];
	int frames;
};

/* Reassemble DDP frames (offset in bytes 4..7, length in 8..9). */
static void
ddp_collect(void *arg)
{
	struct ddp_peer *u = arg;
	uint8_t buf[2048];
	ssize_t r;

	while ((r = recv(u->fd, buf, sizeof buf, MSG_DONTWAIT)) >= 10) {
		uint32_t off = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
		size_t len = (size_t)buf[8] << 8 | buf[9];
		if (len > (size_t)r - 10 || off > sizeof u->frame || len > sizeof u->frame - off)
			continue;
		memcpy(u->frame + off, buf + 10, len);
		if (buf[0] & 0x01)
			u->frames++;
	}
}

static int
udp_bound(struct sockaddr_in *sa)
{
	socklen_t sl = sizeof *sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof *sa), 0);
	getsockname(fd, (struct sockaddr *)sa, &sl);
	return fd;
}

/* A layout with a scrolling area goes out at the frame rate; one of static
 * areas only when it changes and at keepalives; and what the board gets is
 * the composed picture, byte for byte. */
static void
test_layout_compose(void **st)
{
	struct sockaddr_in sa;
	struct ddp_peer u;
	char addr[64], err[256];
	struct ls_board b;
	struct player_env e = env();
	struct player *p;
	struct player_status s;
	struct render_canvas *want;
	struct render_area_show shows[2];

	(void)st;
	memset(&u, 0, sizeof u);
	u.fd = udp_bound(&sa);
	snprintf(addr, sizeof addr, "udp:127.0.0.1:%d", ntohs(sa.sin_port));
	b = board(addr);
	show_layout = "moving";
	p = player_new(&b, &e, xport_now(), err, sizeof err);
	assert_non_null(p);
	run(p, 2.0, ddp_collect, &u);
	player_status(p, &s);
	assert_string_equal(s.item, "layout:moving");
	/* the scrolling area makes the whole frame animated: 2 s at 30 fps is
	 * 60 frames; a still layout gets at most 4 (below).  15 keeps the two
	 * apart with room for a loaded machine or a sanitizer build. */
	assert_true(u.frames >= 15);
	player_free(p);

	memset(u.frame, 0, sizeof u.frame);
	u.frames = 0;
	show_layout = "still";
	p = player_new(&b, &e, xport_now(), err, sizeof err);
	assert_non_null(p);
	run(p, 2.0, ddp_collect, &u);
	/* static areas: the first frame, then DDP's 1 s keepalive */
	assert_true(u.frames >= 1);
	assert_true(u.frames <= 4);
	want = render_canvas_new(64, 16, LS_FMT_RGB888);
	shows[0].content = shows[1].content = ls_config_content(cfg, "still");
	shows[0].t = shows[1].t = 0;
	assert_int_equal(render_compose(rctx, &b, ls_config_layout(cfg, "still"), shows, 1000.0, want, err, sizeof err), 0);
	assert_true(render_canvas_lit(want));
	assert_memory_equal(u.frame, want->data, sizeof u.frame);
	/* column 32 lies between the areas: dark */
	for (int y = 0; y < 16; y++)
		assert_int_equal(render_canvas_get(want, 32, y), 0);
	render_canvas_free(want);
	player_free(p);
	show_layout = NULL;
	close(u.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paces_animated),
		cmocka_unit_test(test_layout_compose),
		cmocka_unit_test(test_skips_when_board_stalls),
		cmocka_unit_test(test_reconnect_and_reload),
		cmocka_unit_test(test_bad_board),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
