/*
 * cmd_probe.c — `ledsign probe FILE BOARD`: check a newly installed board on
 * site.  Sends three test patterns through the same encoder and link as
 * `ledsign send` (cmd_link_*, cmd_send.c): corner marks, a colour bar and a
 * byte-order stripe, and says for each what the panel should show and which
 * setting to change when it does not.  The hints depend on the board's
 * protocol and pixel format, because what can be wrong differs: a pixel
 * controller's channel order, an Onbon card's model, a 565 byte order.
 *
 * --pause S  seconds each pattern stays before the next (default: wait for
 *            Enter when stdin is a terminal, else 5 s); pixel protocols
 *            without acknowledgements get the pattern again every second
 *            meanwhile, so receivers that time a source out (2.5 s in
 *            E1.31, WLED) keep it up.
 * --step N   send only pattern N (1..3).
 * --dump DIR write each pattern sent as DIR/probe-N.png (one pixel per LED).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "config/model.h"
#include "proto/proto.h"
#include "render/render.h"

#define RED    0xff0000
#define GREEN  0x00ff00
#define BLUE   0x0000ff
#define WHITE  0xffffff
#define AMBER  0xffff00

enum family { FAM_LSP, FAM_BX, FAM_PIXEL };

struct probe_ctx {
	const struct ls_board *b;
	enum family fam;
	const char *card;             /* onbon-bx: the configured card or its default */
};

static int
imin(int a, int b)
{
	return a < b ? a : b;
}

/* An L of arm `a` in each corner; a filled block inside the top-left one. */
static void
draw_corners(const struct probe_ctx *p, struct render_canvas *c)
{
	int w = c->width, h = c->height, a = imin(w, h) / 4, k;

	(void)p;
	if (a < 2)
		a = imin(2, imin(w, h));
	render_canvas_fill(c, 0, 0, w, h, 0);
	render_canvas_fill(c, 0, 0, a, 1, WHITE);
	render_canvas_fill(c, 0, 0, 1, a, WHITE);
	render_canvas_fill(c, w - a, 0, a, 1, WHITE);
	render_canvas_fill(c, w - 1, 0, 1, a, WHITE);
	render_canvas_fill(c, 0, h - 1, a, 1, WHITE);
	render_canvas_fill(c, 0, h - a, 1, a, WHITE);
	render_canvas_fill(c, w - a, h - 1, a, 1, WHITE);
	render_canvas_fill(c, w - 1, h - a, 1, a, WHITE);
	k = a / 2 > 0 ? a / 2 : 1;
	render_canvas_fill(c, 0, 0, k, k, WHITE);
}

/* Four vertical bars. */
static void
draw_bars(const struct probe_ctx *p, struct render_canvas *c)
{
	static const ls_rgb rgb[4] = { RED, GREEN, BLUE, WHITE }, rg[4] = { RED, GREEN, AMBER, 0 },
	    mono[4] = { WHITE, 0, WHITE, 0 };
	const ls_rgb *bars = c->format == LS_FMT_MONO ? mono : c->format == LS_FMT_REDGREEN ? rg : rgb;

	(void)p;
	for (int i = 0; i < 4; i++) {
		int x0 = c->width * i / 4, x1 = c->width * (i + 1) / 4;

		render_canvas_fill(c, x0, 0, x1 - x0, c->height, bars[i]);
	}
}

/* What changes with byte or bit order: see explain_stripe. */
static void
draw_stripe(const struct probe_ctx *p, struct render_canvas *c)
{
	int w = c->width, h = c->height;

	(void)p;
	render_canvas_fill(c, 0, 0, w, h, 0);
	switch (c->format) {
	case LS_FMT_RGB565:
		render_canvas_fill(c, 0, 0, w / 2, h, RED);
		render_canvas_fill(c, w / 2, 0, w - w / 2, h, BLUE);
		break;
	case LS_FMT_RGB888:
		for (int x = 0; x < w; x++)
			render_canvas_fill(c, x, 0, 1, h, x % 3 == 0 ? RED : x % 3 == 1 ? GREEN : BLUE);
		break;
	default:
		for (int x = 0; x < w; x++) {
			if (x % 32 < 8)
				render_canvas_fill(c, x, 0, 1, h > 1 ? h / 2 : 1, WHITE);
			if (x % 8 == 0 && h > 1)
				render_canvas_fill(c, x, h / 2, 1, h - h / 2, WHITE);
		}
	}
}

static void
explain_corners(const struct probe_ctx *p, FILE *f)
{
	fprintf(f, "  You should see: a lit L in each of the four corners, touching the edges, and a filled\n"
	    "  block inside the top-left one.\n  If not:\n"
	    "  - a mark away from an edge, or cut off: the panel is not %dx%d; set width and height\n"
	    "    of board %s to the panel's size in LEDs", p->b->width, p->b->height, p->b->name);
	switch (p->fam) {
	case FAM_BX:
		fprintf(f, " (the screen size set in the card with LedshowTW\n    must be the same)\n");
		fprintf(f, "  - the block in another corner: the card's scan settings (LedshowTW) mirror the panel\n");
		break;
	case FAM_PIXEL:
		fprintf(f, " (and the controller's pixel count)\n");
		fprintf(f, "  - the block in another corner, or every other row reversed: set the start corner and\n"
		    "    serpentine wiring in the controller's matrix setup; ledsign sends row by row from\n"
		    "    the top left\n");
		break;
	default:
		fprintf(f, "\n  - the block in another corner: the board's firmware maps rows or columns the wrong way\n"
		    "    round (docs/protocol.md: row 0 is the top, LED 0 the left)\n");
	}
}

/* A controller that reads wire position i as channel t[i], sent channel o[i]
 * there (o = pixel_order), shows our bar of channel c as t[o^-1(c)]. */
static const char *const chan_name[3] = { "red", "green", "blue" };

static int
parse_order(const char *s, int o[3])
{
	const char *letters = "rgb";

	if (s == NULL)
		s = "rgb";
	if (strlen(s) != 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		const char *at = strchr(letters, s[i]);

		if (at == NULL || s[i] == '\0')
			return -1;
		o[i] = (int)(at - letters);
	}
	return o[0] != o[1] && o[1] != o[2] && o[0] != o[2] ? 0 : -1;
}

static void
explain_bars(const struct probe_ctx *p, FILE *f)
{
	enum ls_format fmt = p->b->format;

	if (fmt == LS_FMT_MONO)
		fprintf(f, "  You should see: four bars, left to right lit, dark, lit, dark.\n  If not:\n");
	else if (fmt == LS_FMT_REDGREEN)
		fprintf(f, "  You should see: four bars, left to right red, green, amber, dark.\n  If not:\n");
	else
		fprintf(f, "  You should see: four bars, left to right red, green, blue, white.\n  If not:\n");
	switch (p->fam) {
	case FAM_PIXEL: {
		static const int perms[6][3] = { {0,1,2}, {1,0,2}, {0,2,1}, {2,1,0}, {1,2,0}, {2,0,1} };
		int o[3], ok = parse_order(p->b->pixel_order, o) == 0;

		if (fmt == LS_FMT_MONO) {
			fprintf(f, "  - lit bars coloured instead of white: a channel is missing; check the controller's\n"
			    "    LED type (RGB, 3 channels per pixel)\n");
			break;
		}
		fprintf(f, "  - other colours: the controller reads the channels in another order.  The first\n"
		    "    three bars tell which pixel_order to set (now \"%s\"):\n",
		    p->b->pixel_order ? p->b->pixel_order : "rgb");
		/* seen(c) = t[o^-1(c)]; we want pixel_order = t, i.e. t[i] = seen(o[i]) */
		for (int k = 0; ok && k < 6; k++) {
			const int *t = perms[k];
			int inv[3];
			char want[4];

			if (t[0] == o[0] && t[1] == o[1])
				continue;         /* the order set now: bars as they should be */
			for (int i = 0; i < 3; i++)
				inv[o[i]] = i;
			for (int i = 0; i < 3; i++)
				want[i] = "rgb"[t[i]];
			want[3] = '\0';
			/* what the bars show when the controller's order is t */
			fprintf(f, "      %-5s %-5s %-5s -> pixel_order = \"%s\"\n", chan_name[t[inv[0]]],
			    chan_name[t[inv[1]]], chan_name[t[inv[2]]], want);
		}
		fprintf(f, "  - the white bar tinted: the controller's colour correction or white balance\n");
		break;
	}
	case FAM_BX:
		if (fmt == LS_FMT_MONO)
			fprintf(f, "  - lit and dark swapped: the card's data polarity is inverted; set it in the\n"
			    "    card's screen settings (LedshowTW)\n");
		else if (fmt == LS_FMT_REDGREEN)
			fprintf(f, "  - red and green swapped: the card's colour order is green-red; set red-green\n"
			    "    in the card's screen settings (LedshowTW); ledsign sends red first\n"
			    "  - lit and dark swapped: the card's data polarity is inverted (LedshowTW)\n");
		else
			fprintf(f, "  - other colours: see the byte-order stripe (step 3); red and blue swapped: the\n"
			    "    card's RGB order in its screen settings (LedshowTW)\n");
		break;
	default:
		fprintf(f, "  - other colours: the board decodes %s differently from docs/protocol.md §8;\n"
		    "    fix the firmware (ledboard shows the reference picture)\n", ls_format_name(fmt));
	}
}

static void
explain_stripe(const struct probe_ctx *p, FILE *f)
{
	switch (p->b->format) {
	case LS_FMT_RGB565:
		fprintf(f, "  You should see: the left half red, the right half blue.\n  If not:\n");
		if (p->fam == FAM_BX)
			fprintf(f, "  - the left half blue and the right half green: the card reads RGB565 the other\n"
			    "    byte order.  A BX-5Q takes the low byte first, a BX-6Q in 565 mode the high byte\n"
			    "    first: set card = \"bx-5q\" or \"bx-6q\" to the card installed (now %s)\n", p->card);
		else if (p->fam == FAM_LSP)
			fprintf(f, "  - the left half blue and the right half green: the board reads RGB565 big-endian;\n"
			    "    docs/protocol.md §8 says low byte first: fix the firmware\n");
		else
			fprintf(f, "  - other colours: %s carries 8 bits per channel, so byte order does not apply; see\n"
			    "    step 2 (pixel_order)\n", p->b->protocol);
		break;
	case LS_FMT_RGB888:
		fprintf(f, "  You should see: on every row, red, green, blue, red, green, blue, ... LED by LED from\n"
		    "  the left edge.\n  If not:\n");
		if (p->fam == FAM_PIXEL) {
			fprintf(f, "  - the row starts with green or blue: the controller's start channel is off; it must\n"
			    "    begin at channel 1 of the first universe (DDP: offset 0)\n");
			if (strcmp(p->b->protocol, "ddp") != 0)
				fprintf(f, "  - the pattern slips after 170 LEDs: the controller expects 512 channels per\n"
				    "    universe; ledsign sends 510 (170 pixels): set 510 in the controller\n");
		} else if (p->fam == FAM_BX) {
			fprintf(f, "  - colours rotated: the card's RGB order in its screen settings (LedshowTW)\n");
		} else {
			fprintf(f, "  - colours rotated: the board reads rgb888 out of order: fix the firmware\n");
		}
		break;
	default:
		fprintf(f, "  You should see: in the top half, runs of 8 lit LEDs with 24 dark between, the first\n"
		    "  at the left edge; in the bottom half, one lit LED in every 8, the first at the left edge.\n"
		    "  If not:\n");
		if (p->fam == FAM_BX)
			fprintf(f, "  - the runs start at the 25th LED of every 32: the card stores 32-bit words the\n"
			    "    other way; a BX-6E packs words, a BX-5E bytes: set card = \"bx-5e\" or \"bx-6e\" to\n"
			    "    the card installed (now %s)\n"
			    "  - the single LEDs at the 8th of every 8: the card reads bits the other way round;\n"
			    "    it is not a 5E/6E, or it is set to another data format in LedshowTW\n", p->card);
		else if (p->fam == FAM_PIXEL)
			fprintf(f, "  - everything shifted sideways: the controller's start channel or offset is wrong\n");
		else
			fprintf(f, "  - shifted or mirrored within 8 LEDs: the board unpacks bits the wrong way round\n"
			    "    (docs/protocol.md §8: leftmost LED in the most significant bit): fix the firmware\n");
	}
}

static const struct {
	const char *name;
	void (*draw)(const struct probe_ctx *, struct render_canvas *);
	void (*explain)(const struct probe_ctx *, FILE *);
} patterns[] = {
	{ "corner marks", draw_corners, explain_corners },
	{ "colour bar", draw_bars, explain_bars },
	{ "byte-order stripe", draw_stripe, explain_stripe },
};
#define NPATTERNS (int)(sizeof patterns / sizeof patterns[0])

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keep the pattern up until the pause is over (or Enter, when interactive):
 * boards without acknowledgements get it again every second. */
static int
hold(struct cmd_link *k, const struct render_canvas *c, double pause, int interactive,
    char *err, size_t errlen)
{
	double end = mono_now() + pause;     /* not used when interactive */

	if (interactive) {
		printf("  Press Enter for the next pattern.\n");
		fflush(stdout);
	}
	for (double next = mono_now() + 1.0;;) {
		struct pollfd pfd = { 0, POLLIN, 0 };
		double now = mono_now(), until = !interactive && end < next ? end : next;
		int ms = until > now ? (int)((until - now) * 1000.0) + 1 : 0;

		if (!interactive && now >= end)
			return 0;
		/* stdin when waiting for Enter; otherwise just the clock */
		if (poll(&pfd, interactive ? 1 : 0, ms) > 0) {
			char line[256];

			if (fgets(line, sizeof line, stdin) == NULL || strchr(line, '\n'))
				return 0;
		}
		if (mono_now() >= next) {
			next += 1.0;
			if (!cmd_link_ops(k)->wants_ack && cmd_link_push(k, c, err, errlen) < 0)
				return -1;
		}
	}
}

static const struct cmd_opt probe_opts[] = {
	{ "board", 0, "NAME", "the board, when not given as the second argument" },
	{ "pause", 0, "SECONDS", "how long each pattern stays, 0..3600 (default: Enter on a terminal, else 5)" },
	{ "step", 0, "N", "send only pattern N (1 corner marks, 2 colour bar, 3 byte-order stripe)" },
	{ "timeout", 0, "SECONDS", "how long to wait for the link and each acknowledgement (default 10)" },
	{ "dump", 0, "DIR", "write each pattern sent as DIR/probe-N.png, one pixel per LED" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_probe(const struct cmd_args *);

const struct cmd_entry cmd_probe_entry = {
	"probe", "FILE (BOARD | --board NAME) [--pause SECONDS] [--step N] [--timeout SECONDS] [--dump DIR]",
	"send test patterns to a board and say what each should look like, and what to change if not",
	probe_opts, 1, 2, 0, cmd_probe,
};

static int
cmd_probe(const struct cmd_args *a)
{
	const char *file = a->argv[0], *name = a->argc > 1 ? a->argv[1] : NULL, *dump = cmd_arg(a, "dump"), *v;
	double pause = -1, timeout = 10;
	int step = 0, rc = 1;
	struct ls_config *cfg = NULL;
	struct render_canvas *c = NULL;
	struct cmd_link *k = NULL;
	struct probe_ctx p;
	char err[512], *end = NULL;

	if (cmd_arg(a, "board") != NULL) {
		if (name != NULL)
			return cmd_usage("probe");
		name = cmd_arg(a, "board");
	}
	if (name == NULL)
		return cmd_usage("probe");
	if ((v = cmd_arg(a, "pause")) != NULL) {
		pause = strtod(v, &end);
		if (*end || !(pause >= 0 && pause <= 3600))
			return cmd_usage("probe");
	}
	if ((v = cmd_arg(a, "timeout")) != NULL) {
		timeout = strtod(v, &end);
		if (*end || !(timeout > 0 && timeout <= 3600))
			return cmd_usage("probe");
	}
	if ((v = cmd_arg(a, "step")) != NULL) {
		step = (int)strtol(v, &end, 10);
		if (*end || step < 1 || step > NPATTERNS)
			return cmd_usage("probe");
	}
	if ((cfg = cmd_load_config(file)) == NULL)
		return 1;
	memset(&p, 0, sizeof p);
	if ((p.b = ls_config_board(cfg, name)) == NULL) {
		fprintf(stderr, "ledsign probe: %s has no board called \"%s\"\n", file, name);
		goto out;
	}
	p.fam = strcmp(p.b->protocol, "lsp") == 0 ? FAM_LSP :
	    strcmp(p.b->protocol, "onbon-bx") == 0 ? FAM_BX : FAM_PIXEL;
	p.card = p.b->card ? p.b->card : p.b->format == LS_FMT_RGB565 ? "bx-5q (the default)" :
	    p.b->format == LS_FMT_RGB888 ? "bx-6q (the default)" : "bx-5e (the default)";
	if ((c = render_canvas_new(p.b->width, p.b->height, p.b->format)) == NULL) {
		fprintf(stderr, "board %s: cannot make a %dx%d canvas\n", p.b->name, p.b->width, p.b->height);
		goto out;
	}
	if ((k = cmd_link_open(p.b, timeout, err, sizeof err)) == NULL) {
		fprintf(stderr, "board %s: %s\n", p.b->name, err);
		goto out;
	}
	printf("probing board %s: %dx%d %s, %s at %s\n", p.b->name, p.b->width, p.b->height,
	    ls_format_name(p.b->format), p.b->protocol, p.b->address);
	for (int i = 0; i < NPATTERNS; i++) {
		int last = step ? 1 : i == NPATTERNS - 1;

		if (step && i != step - 1)
			continue;
		patterns[i].draw(&p, c);
		if (dump) {
			char path[4096];

			snprintf(path, sizeof path, "%s/probe-%d.png", dump, i + 1);
			if (render_png_write_raw(c, path, err, sizeof err) < 0) {
				fprintf(stderr, "ledsign probe: %s\n", err);
				goto out;
			}
		}
		if (cmd_link_push(k, c, err, sizeof err) < 0) {
			fprintf(stderr, "board %s: pattern %d (%s) not delivered: %s\n", p.b->name, i + 1,
			    patterns[i].name, err);
			goto out;
		}
		printf("\n%d/%d %s: %s\n", i + 1, NPATTERNS, patterns[i].name,
		    cmd_link_ops(k)->wants_ack ? "shown (the board acknowledged it)" : "sent");
		patterns[i].explain(&p, stdout);
		fflush(stdout);
		if (!last && hold(k, c, pause >= 0 ? pause : 5.0, pause < 0 && isatty(0), err,
		    sizeof err) < 0) {
			fprintf(stderr, "board %s: %s\n", p.b->name, err);
			goto out;
		}
	}
	printf("\nIf every pattern looked as described, board %s is set up right.\n", p.b->name);
	rc = 0;
out:
	cmd_link_close(k);
	render_canvas_free(c);
	ls_config_free(cfg);
	return rc;
}
