/*
 * cmd_rehearse.c — `ledsign rehearse FILE --at TIME [--for 30s] [-o DIR]`:
 * play a config on simulated boards, as if it were TIME, and leave
 * pictures of what every board showed.
 *
 * One ledboard (the board simulator, found next to this binary or given
 * with --ledboard) per board of the config, each on a port the kernel
 * chooses on 127.0.0.1 (ledboard's port 0 reports it), or on a
 * pseudo-terminal for a serial board.  The controller (daemon_run, as
 * `ledsign play`) then plays FILE with its campaign clock at TIME; every
 * config it loads -- at start and at any reload -- goes through
 * rehearse_rewrite first, which points each board at its simulator and the
 * control socket and alert store into DIR, so a rehearsal can never drive a
 * real board, whatever FILE says or becomes.  The rewriting is done on the
 * loaded config (a private copy in memory) rather than on a copy of the
 * file, so relative poster and font paths and @include keep working.
 *
 * Left in DIR: controller.log (the controller's log), BOARD.png (the last picture, LED look), BOARD-strip.png
 * (pictures at even times over the run, top to bottom), BOARD.gif and
 * site.gif (the run animated, one board and every board) and boards/BOARD/
 * (ledboard's log and raw latest.png).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "util/self_exe.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "render/render.h"

extern char **environ;

#define REHEARSE_FRAMES_DEFAULT 8
#define REHEARSE_START_TIMEOUT  10.0   /* seconds for every simulator to listen */

struct rboard {
	const struct ls_board *b;
	pid_t pid;
	char  dir[PATH_MAX];       /* DIR/boards/NAME: snapshots and log */
	char  address[2 * PATH_MAX];    /* where the simulator listens, as a board address */
};

struct rehearsal {
	struct rboard *rb;
	size_t n;
	char   sock[PATH_MAX + 64], state[PATH_MAX + 16];
};

static const struct cmd_opt rehearse_opts[] = {
	{ "at", 0, "TIME", "the campaign time to rehearse, \"YYYY-MM-DD HH:MM[:SS]\"" },
	{ "for", 0, "DURATION", "how long to play: seconds, or with s, m or h (default 30s)" },
	{ "output", 'o', "DIR", "where the pictures go (default ./rehearsal)" },
	{ "frames", 0, "N", "pictures in each board's strip, 1..100 (default 8)" },
	{ "ledboard", 0, "PATH", "the board simulator (default: ledboard next to this ledsign)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_rehearse(const struct cmd_args *);

const struct cmd_entry cmd_rehearse_entry = {
	"rehearse", "FILE --at TIME [--for DURATION] [-o DIR] [--frames N] [--ledboard PATH]",
	"play a config on simulated boards as if it were TIME and keep pictures of every board",
	rehearse_opts, 1, 1, 0, cmd_rehearse,
};

/* "30", "30s", "2m", "1h" -> seconds; -1 when malformed or out of 1 s..24 h. */
static double
parse_duration(const char *s)
{
	char *end;
	double v = strtod(s, &end), mul = 1;

	if (end == s)
		return -1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mul = 60, end++;
	else if (*end == 'h')
		mul = 3600, end++;
	if (*end != '\0' || !(v * mul >= 1) || v * mul > 86400)
		return -1;
	return v * mul;
}

/* The simulator: --ledboard, else ledboard in this program's directory. */
static int
find_ledboard(const char *given, char *buf, size_t len)
{
	if (given) {
		snprintf(buf, len, "%s", given);
		return access(buf, X_OK);
	}
	if (ls_self_sibling("ledboard", buf, len) < 0)
		return -1;
	return access(buf, X_OK);
}

/* ledboard's --protocol for board b: the name and the options that make it
 * decode what b's settings make the controller send. */
static void
sim_protocol(const struct ls_board *b, char *buf, size_t len)
{
	char card[64] = "", screen[32] = "", universe[32] = "", order[64] = "";
	const char *opts[4] = { card, screen, universe, order };
	size_t n;

	if (strcmp(b->protocol, "onbon-bx") == 0) {
		if (b->card)
			snprintf(card, sizeof card, "card=%s", b->card);
		if (b->screen_address)
			snprintf(screen, sizeof screen, "screen=%d", b->screen_address);
	}
	if ((strcmp(b->protocol, "e131") == 0 || strcmp(b->protocol, "artnet") == 0) && b->universe)
		snprintf(universe, sizeof universe, "universe=%d", b->universe);
	if ((strcmp(b->protocol, "e131") == 0 || strcmp(b->protocol, "artnet") == 0 ||
	    strcmp(b->protocol, "ddp") == 0) && b->pixel_order)
		snprintf(order, sizeof order, "order=%s", b->pixel_order);
	n = (size_t)snprintf(buf, len, "%s", b->protocol);
	for (int k = 0, first = 1; k < 4 && n < len; k++)
		if (opts[k][0]) {
			n += (size_t)snprintf(buf + n, len - n, "%c%s", first ? ':' : ',', opts[k]);
			first = 0;
		}
}

/* Start board r's simulator: TCP or UDP on 127.0.0.1 port 0, a pty for
 * serial.  0, or -1 with a message printed. */
static int
sim_start(const char *ledboard, struct rboard *r)
{
	const struct ls_board *b = r->b;
	char listen[PATH_MAX + 16], size[32], proto[256], log[PATH_MAX + 16];
	posix_spawn_file_actions_t fa;
	int rc;

	if (strncmp(b->address, "serial:", 7) == 0)
		snprintf(listen, sizeof listen, "pty:%s/tty", r->dir);
	else
		snprintf(listen, sizeof listen, "%s:127.0.0.1:0", strncmp(b->address, "udp:", 4) == 0 ? "udp" : "tcp");
	snprintf(size, sizeof size, "%dx%d", b->width, b->height);
	sim_protocol(b, proto, sizeof proto);
	snprintf(log, sizeof log, "%s/ledboard.log", r->dir);
	char *argv[] = { (char *)ledboard, "--listen", listen, "--size", size, "--format",
		(char *)ls_format_name(b->format), "--protocol", proto, "--snapshot", r->dir, "--keep", "--quiet", NULL };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = posix_spawn(&r->pid, ledboard, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "ledsign rehearse: cannot start %s: %s\n", ledboard, strerror(rc));
		r->pid = 0;
		return -1;
	}
	return 0;
}

/* Wait until r's simulator says where it listens; fill r->address.  1 when
 * it has, 0 not yet, -1 when it died. */
static int
sim_ready(struct rboard *r)
{
	char log[PATH_MAX + 16], line[PATH_MAX + 256];
	FILE *f;
	int st, found = 0;


	snprintf(log, sizeof log, "%s/ledboard.log", r->dir);
	if ((f = fopen(log, "r")) != NULL) {
		while (!found && fgets(line, sizeof line, f)) {
			char kind[8], where[PATH_MAX + 64];

			if (sscanf(line, "ledboard: listening on %7[a-z]:%4159s as ", kind, where) != 2)
				continue;
			if (strcmp(kind, "pty") == 0) {
				const char *at = strchr(r->b->address, '@');   /* keep the line speed */
				snprintf(r->address, sizeof r->address, "serial:%s%s", where, at ? at : "");
			} else
				snprintf(r->address, sizeof r->address, "%s:%s", kind, where);
			found = 1;
		}
		fclose(f);
	}
	if (found)
		return 1;
	if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
		r->pid = 0;
		return -1;
	}
	return 0;
}

/* Stop every simulator; -1 when one did not end cleanly (its log says why). */
static int
sim_stop(struct rehearsal *rh)
{
	int rc = 0;

	for (size_t i = 0; i < rh->n; i++)
		if (rh->rb[i].pid > 0)
			kill(rh->rb[i].pid, SIGTERM);
	for (size_t i = 0; i < rh->n; i++)
		if (rh->rb[i].pid > 0) {
			int st = 0;

			while (waitpid(rh->rb[i].pid, &st, 0) < 0 && errno == EINTR)
				;
			rh->rb[i].pid = 0;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM)) {
				fprintf(stderr, "ledsign rehearse: the simulator of board %s ended badly (%s %d); see %s/ledboard.log\n",
				    rh->rb[i].b->name, WIFSIGNALED(st) ? "signal" : "exit status",
				    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), rh->rb[i].dir);
				rc = -1;
			}
		}
	return rc;
}

static int
replace(char **field, const char *value)
{
	char *v = value ? strdup(value) : NULL;

	if (value && !v)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

/* daemon_opts.rewrite: every board to its simulator, socket and alerts into
 * the rehearsal's directory, no user change, no CAP directory. */
static int
rehearse_rewrite(struct ls_config *cfg, void *arg, char *err, size_t errlen)
{
	const struct rehearsal *rh = arg;

	for (size_t i = 0; i < cfg->nboards; i++) {
		struct ls_board *b = &cfg->boards[i];
		const struct rboard *r = NULL;

		for (size_t k = 0; k < rh->n && !r; k++)
			if (strcmp(rh->rb[k].b->name, b->name) == 0)
				r = &rh->rb[k];
		if (r == NULL) {
			snprintf(err, errlen, "board %s was added after the rehearsal started and has no simulated board; "
			    "start the rehearsal again", b->name);
			return -1;
		}
		if (strcmp(r->b->protocol, b->protocol) != 0 || r->b->width != b->width || r->b->height != b->height ||
		    r->b->format != b->format || (strncmp(r->b->address, "serial:", 7) == 0) !=
		    (strncmp(b->address, "serial:", 7) == 0)) {
			snprintf(err, errlen, "board %s changed its protocol, size, format or link since the rehearsal "
			    "started; start the rehearsal again", b->name);
			return -1;
		}
		if (replace(&b->address, r->address) < 0 || replace(&b->multicast_if, NULL) < 0)
			goto oom;
	}
	if (replace(&cfg->control_socket, rh->sock) < 0 || replace(&cfg->state_dir, rh->state) < 0 ||
	    replace(&cfg->user, NULL) < 0 || replace(&cfg->cap_dir, NULL) < 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_frame(const struct dirent *e)
{
	return strncmp(e->d_name, "frame-", 6) == 0;
}

/* The frames one simulator received, in order, with the times they were
 * written: what the board showed at time t is the last one written by t. */
struct track {
	struct rboard *r;
	struct dirent **ent;
	double *mt;
	int    n, cur;                  /* cur: the frame in cv, -1 none */
	struct render_canvas *cv;       /* what the board shows at the last track_at */
};

static int
track_open(struct track *tr, struct rboard *r, char *err, size_t errlen)
{
	char path[PATH_MAX + 320];

	memset(tr, 0, sizeof *tr);
	tr->r = r;
	tr->cur = -1;
	if ((tr->n = scandir(r->dir, &tr->ent, is_frame, by_name)) < 0) {
		tr->n = 0;
		snprintf(err, errlen, "%.300s: %s", r->dir, strerror(errno));
		return -1;
	}
	if ((tr->mt = calloc((size_t)tr->n + 1, sizeof *tr->mt)) == NULL ||
	    (tr->cv = render_canvas_new(r->b->width, r->b->height, r->b->format)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < tr->n; i++) {
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", r->dir, tr->ent[i]->d_name);
		tr->mt[i] = stat(path, &st) == 0 ? (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9 : 0;
	}
	return 0;
}

/* Move to time t: 1 when the picture changed, 0 not, -1 with err. */
static int
track_at(struct track *tr, double t, char *err, size_t errlen)
{
	char path[PATH_MAX + 320];
	struct render_canvas *cv;
	int i = tr->cur;

	while (i + 1 < tr->n && tr->mt[i + 1] <= t)
		i++;
	if (i == tr->cur)
		return 0;
	snprintf(path, sizeof path, "%s/%s", tr->r->dir, tr->ent[i]->d_name);
	if ((cv = cmd_preview_load_raw(tr->r->b, path, err, errlen)) == NULL)
		return -1;
	render_canvas_free(tr->cv);
	tr->cv = cv;
	tr->cur = i;
	return 1;
}

/* Remove the raw frames (latest.png stays) and free. */
static void
track_close(struct track *tr, int remove)
{
	char path[PATH_MAX + 320];

	for (int i = 0; i < tr->n; i++) {
		if (remove) {
			snprintf(path, sizeof path, "%s/%s", tr->r->dir, tr->ent[i]->d_name);
			unlink(path);
		}
		free(tr->ent[i]);
	}
	free(tr->ent);
	free(tr->mt);
	render_canvas_free(tr->cv);
	memset(tr, 0, sizeof *tr);
}

/* GIF frames are taken every REHEARSE_GIF_CS centiseconds of the run (a
 * board's own GIF) or REHEARSE_SITE_CS (the whole site): enough to see a
 * scroll move and an item change, a few MB for a 30 s rehearsal. */
#define REHEARSE_GIF_CS  10
#define REHEARSE_SITE_CS 20

/* Board r's pictures: OUT/NAME.png (the last one, LED look),
 * OUT/NAME-strip.png (nframes at even times from t0 to t1) and OUT/NAME.gif
 * (the run as it looked, REHEARSE_GIF_CS a frame).  0, or -1 with a message
 * printed. */
static int
pictures(const char *out, struct rboard *r, int nframes, double t0, double t1)
{
	const struct ls_board *b = r->b;
	struct render_canvas *last = NULL, **fr = NULL;
	struct render_gif *gif = NULL;
	struct track tr;
	char path[PATH_MAX + 320], err[512];
	uint8_t *rgb = NULL;
	int rc = -1, k = 0, pitch, w, h;
	long cs, end = lround((t1 - t0) * 100), shown_from = 0;

	memset(&tr, 0, sizeof tr);
	snprintf(path, sizeof path, "%s/latest.png", r->dir);
	if ((last = cmd_preview_load_raw(b, path, err, sizeof err)) == NULL) {
		fprintf(stderr, "ledsign rehearse: board %s showed nothing (%s); see %s/ledboard.log\n", b->name, err,
		    r->dir);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s.png", out, b->name);
	if (render_png_write_preview(last, b, path, err, sizeof err) != 0)
		goto fail;
	printf("  %s\n", path);
	if (track_open(&tr, r, err, sizeof err) < 0 || (fr = calloc((size_t)nframes, sizeof *fr)) == NULL)
		goto fail;
	/* the strip: at each of nframes even times, what the board showed */
	for (int s = 0; s < nframes; s++) {
		int ch = track_at(&tr, t0 + (t1 - t0) * (s + 1) / nframes, err, sizeof err);

		if (ch < 0)
			goto fail;
		if (tr.cur >= 0) {
			if ((fr[k] = render_canvas_dup(tr.cv)) == NULL) {
				snprintf(err, sizeof err, "out of memory");
				goto fail;
			}
			k++;
		}
	}
	if (k == 0)
		fr[k++] = last, last = NULL;
	snprintf(path, sizeof path, "%s/%s-strip.png", out, b->name);
	if (cmd_preview_sheet(fr, k, b, 0, path, err, sizeof err) != 0)
		goto fail;
	printf("  %s  (%d pictures, %.1f s apart)\n", path, k, (t1 - t0) / nframes);
	/* the GIF: from the start again, every REHEARSE_GIF_CS */
	track_close(&tr, 0);
	if (track_open(&tr, r, err, sizeof err) < 0)
		goto fail;
	pitch = render_site_pitch(&b, 1);
	for (cs = 0; cs <= end; cs += REHEARSE_GIF_CS) {
		int ch = track_at(&tr, t0 + cs / 100.0, err, sizeof err);

		if (ch < 0)
			goto fail;
		if (ch == 0 && cs < end)
			continue;
		/* the picture changed (or the run ended): the one before lasted until now */
		if (rgb && render_gif_add(gif, rgb, shown_from, cs) != 0)
			goto gif_fail;
		free(rgb);
		rgb = NULL;
		if (tr.cur < 0 || cs == end)
			continue;
		if ((rgb = render_preview_dots(tr.cv, b, pitch, &w, &h)) == NULL) {
			snprintf(err, sizeof err, "out of memory");
			goto fail;
		}
		if (gif == NULL) {
			snprintf(path, sizeof path, "%s/%s.gif", out, b->name);
			if ((gif = render_gif_new(path, w, h, err, sizeof err)) == NULL)
				goto fail;
		}
		shown_from = cs;
	}
	if (gif) {
		size_t nf = render_gif_frames(gif);

		snprintf(path, sizeof path, "%s/%s.gif", out, b->name);
		if (render_gif_close(gif, err, sizeof err) != 0) {
			gif = NULL;
			goto fail;
		}
		gif = NULL;
		printf("  %s  (%zu frames)\n", path, nf);
	}
	rc = 0;
	goto done;
gif_fail:
	snprintf(err, sizeof err, "%s/%s.gif: cannot add a frame", out, b->name);
fail:
	fprintf(stderr, "ledsign rehearse: board %s: %s\n", b->name, err);
done:
	render_gif_close(gif, err, sizeof err);
	free(rgb);
	track_close(&tr, 0);
	for (int i = 0; fr && i < nframes; i++)
		render_canvas_free(fr[i]);
	free(fr);
	render_canvas_free(last);
	return rc;
}

/* OUT/site.gif: every board at once, as `preview --all -o SITE.gif` draws
 * the site, REHEARSE_SITE_CS a frame.  0, or -1 with a message printed. */
static int
site_gif(const char *out, const struct ls_config *cfg, struct rehearsal *rh, double t0, double t1)
{
	struct track *tr = calloc(rh->n + 1, sizeof *tr);
	const struct ls_board **bs = calloc(rh->n + 1, sizeof *bs);
	struct render_canvas **cv = calloc(rh->n + 1, sizeof *cv);
	struct render_gif *gif = NULL;
	struct render_ctx *ctx = NULL;
	struct ls_diag d = { 0 };
	char path[PATH_MAX + 32], err[512] = "out of memory";
	uint8_t *rgb = NULL;
	long end = lround((t1 - t0) * 100), shown_from = 0;
	int rc = -1, pitch, w, h;

	snprintf(path, sizeof path, "%s/site.gif", out);
	if (!tr || !bs || !cv || (ctx = render_ctx_new(cfg, &d)) == NULL)
		goto fail;
	for (size_t i = 0; i < rh->n; i++) {
		if (track_open(&tr[i], &rh->rb[i], err, sizeof err) < 0)
			goto fail;
		bs[i] = rh->rb[i].b;
		cv[i] = tr[i].cv;
	}
	pitch = render_site_pitch(bs, rh->n);
	for (long cs = 0; cs <= end; cs += REHEARSE_SITE_CS) {
		int changed = cs == end;

		for (size_t i = 0; i < rh->n; i++) {
			int ch = track_at(&tr[i], t0 + cs / 100.0, err, sizeof err);
			if (ch < 0)
				goto fail;
			changed |= ch;
			cv[i] = tr[i].cv;
		}
		if (!changed && rgb)
			continue;
		if (rgb && render_gif_add(gif, rgb, shown_from, cs) != 0) {
			snprintf(err, sizeof err, "cannot add a frame");
			goto fail;
		}
		free(rgb);
		rgb = NULL;
		if (cs == end)
			break;
		if ((rgb = render_site_picture(ctx, bs, cv, rh->n, pitch, &w, &h)) == NULL) {
			snprintf(err, sizeof err, "out of memory");
			goto fail;
		}
		if (gif == NULL && (gif = render_gif_new(path, w, h, err, sizeof err)) == NULL)
			goto fail;
		shown_from = cs;
	}
	if (render_gif_close(gif, err, sizeof err) != 0) {
		gif = NULL;
		goto fail;
	}
	gif = NULL;
	printf("  %s  (every board)\n", path);
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "ledsign rehearse: %s: %s\n", path, err);
done:
	render_gif_close(gif, err, sizeof err);
	free(rgb);
	for (size_t i = 0; tr && i < rh->n; i++)
		track_close(&tr[i], 0);
	free(tr);
	free(bs);
	free(cv);
	render_ctx_free(ctx);
	ls_diag_clear(&d);
	return rc;
}

/* The raw frames are only material for the pictures: remove them. */
static void
remove_frames(struct rehearsal *rh)
{
	for (size_t i = 0; i < rh->n; i++) {
		struct track tr;
		char err[256];

		if (track_open(&tr, &rh->rb[i], err, sizeof err) == 0)
			track_close(&tr, 1);
		else
			track_close(&tr, 0);
	}
}

static int
mkdir_p(const char *dir, mode_t mode)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -1;
	return chmod(tmp, mode);
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmd_rehearse(const struct cmd_args *a)
{
	const char *file = a->argv[0], *at = cmd_arg(a, "at"), *v;
	const char *out = cmd_arg(a, "output") ? cmd_arg(a, "output") : "rehearsal";
	struct rehearsal rh = { 0 };
	struct daemon_opts o;
	struct ls_config *cfg = NULL;
	char ledboard[PATH_MAX + 16], dir[PATH_MAX + 32];
	double dur = 30, t0;
	long long when;
	char logpath[PATH_MAX + 32];
	int nframes = REHEARSE_FRAMES_DEFAULT, rc = 1, logfd = -1, saved = -1, played;

	if (at == NULL) {
		fprintf(stderr, "ledsign rehearse: give the time to rehearse with --at \"YYYY-MM-DD HH:MM\"\n");
		return cmd_usage("rehearse");
	}
	if ((v = cmd_arg(a, "for")) != NULL && (dur = parse_duration(v)) < 0) {
		fprintf(stderr, "ledsign rehearse: --for wants 1 s to 24 h, like 30s, 2m or 90, not \"%s\"\n", v);
		return 2;
	}
	if ((v = cmd_arg(a, "frames")) != NULL) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 100) {
			fprintf(stderr, "ledsign rehearse: --frames takes 1..100, not \"%s\"\n", v);
			return 2;
		}
		nframes = (int)n;
	}
	if (find_ledboard(cmd_arg(a, "ledboard"), ledboard, sizeof ledboard) < 0) {
		fprintf(stderr, "ledsign rehearse: no board simulator at %s; build it (make) or give --ledboard PATH\n",
		    cmd_arg(a, "ledboard") ? ledboard : "ledboard next to this ledsign");
		return 1;
	}
	if ((cfg = cmd_load_config(file)) == NULL)
		return 1;
	if (cmd_parse_time(cfg, at, &when) < 0) {
		fprintf(stderr, "ledsign rehearse: bad --at \"%s\"; write \"YYYY-MM-DD HH:MM\"\n", at);
		ls_config_free(cfg);
		return 2;
	}
	/* the run and state directories must be the daemon's own (0700) */
	snprintf(dir, sizeof dir, "%s/run", out);
	if (mkdir_p(dir, 0700) < 0) {
		fprintf(stderr, "ledsign rehearse: cannot make %s: %s\n", dir, strerror(errno));
		goto out;
	}
	snprintf(rh.sock, sizeof rh.sock, "%s/" "control.sock", dir);
	snprintf(rh.state, sizeof rh.state, "%s/state", out);
	if (mkdir_p(rh.state, 0700) < 0) {
		fprintf(stderr, "ledsign rehearse: cannot make %s: %s\n", rh.state, strerror(errno));
		goto out;
	}
	if ((rh.rb = calloc(cfg->nboards + 1, sizeof *rh.rb)) == NULL) {
		fprintf(stderr, "ledsign rehearse: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < cfg->nboards; i++) {
		struct rboard *r = &rh.rb[rh.n];

		r->b = &cfg->boards[i];
		snprintf(r->dir, sizeof r->dir, "%s/boards/%s", out, r->b->name);
		if (mkdir_p(r->dir, 0755) < 0) {
			fprintf(stderr, "ledsign rehearse: cannot make %s: %s\n", r->dir, strerror(errno));
			goto out;
		}
		rh.n++;
		{
			/* frames left by an earlier rehearsal into the same DIR would
			 * be taken for this one's */
			struct track tr;
			char e2[256];

			track_close(&tr, track_open(&tr, r, e2, sizeof e2) == 0);
		}
		if (sim_start(ledboard, r) < 0)
			goto out;
	}
	/* every simulator listening, or give up naming the one that is not */
	for (double waited = 0;; waited += 0.05) {
		size_t ready = 0;

		for (size_t i = 0; i < rh.n; i++) {
			int s = rh.rb[i].address[0] ? 1 : sim_ready(&rh.rb[i]);
			if (s < 0) {
				fprintf(stderr, "ledsign rehearse: the simulator of board %s stopped; see %s/ledboard.log\n",
				    rh.rb[i].b->name, rh.rb[i].dir);
				goto out;
			}
			ready += (size_t)s;
		}
		if (ready == rh.n)
			break;
		if (waited >= REHEARSE_START_TIMEOUT) {
			fprintf(stderr, "ledsign rehearse: the simulated boards did not start within %.0f s\n",
			    REHEARSE_START_TIMEOUT);
			goto out;
		}
		nanosleep(&(struct timespec){ 0, 50 * 1000000L }, NULL);
	}
	for (size_t i = 0; i < rh.n; i++)
		fprintf(stderr, "ledsign rehearse: board %s (%s) is simulated at %s\n", rh.rb[i].b->name,
		    rh.rb[i].b->address, rh.rb[i].address);
	memset(&o, 0, sizeof o);
	o.config_path = file;
	o.foreground = 1;
	o.duration = dur;
	o.run_dir = dir;
	o.rewrite = rehearse_rewrite;
	o.rewrite_arg = &rh;
	t0 = wall_now();
	o.clock_offset = (double)when - t0;
	/* the controller logs to standard error, a line per item and link
	 * change: that goes to DIR/controller.log, the pictures are the point */
	snprintf(logpath, sizeof logpath, "%s/controller.log", out);
	fflush(stderr);
	if ((logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    (saved = fcntl(2, F_DUPFD_CLOEXEC, 3)) < 0 || dup2(logfd, 2) < 0) {
		fprintf(stderr, "ledsign rehearse: cannot write %s: %s\n", logpath, strerror(errno));
		goto out;
	}
	fprintf(stderr, "ledsign rehearse: playing %s as on %s for %.0f s\n", file, at, dur);
	played = daemon_run(&o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	saved = -1;
	if (played != 0) {
		fprintf(stderr, "ledsign rehearse: the controller could not play %s; its log is %s\n", file, logpath);
		goto out;
	}
	rc = sim_stop(&rh) < 0;
	printf("the controller's log: %s\n", logpath);
	printf("rehearsal of %s from %s for %.0f s; what each simulated board showed:\n", file, at, dur);
	for (size_t i = 0; i < rh.n; i++)
		if (pictures(out, &rh.rb[i], nframes, t0, t0 + dur) < 0)
			rc = 1;
	if (rh.n > 0 && site_gif(out, cfg, &rh, t0, t0 + dur) < 0)
		rc = 1;
	remove_frames(&rh);
out:
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (logfd >= 0)
		close(logfd);
	sim_stop(&rh);
	free(rh.rb);
	ls_config_free(cfg);
	return rc;
}
