/*
 * wall.c — the board wall: every board as the LED-dot look of the frame it
 * last acknowledged, with its state, reason, item and rule, grouped as in
 * the config, updated live.
 *
 * One watcher thread keeps the wall's state: it holds a `watch` connection
 * to the daemon (types item_start, link, frame_ack, alert_*, reload) and,
 * when events name boards, asks the `snapshot` verb for those boards (at
 * most every WALL_MIN_MS per board, at once for a new item or link state;
 * a full snapshot every WALL_FULL_MS catches anything else).  A board whose
 * pixels or status changed gets a new version and every waiting event
 * stream is woken (a condition variable).  Pictures are drawn on request
 * (render_preview_dots, the same LED-dot look as `ledsign preview`) and
 * cached per version, so a board nobody looks at costs no PNG.
 *
 * Browsers get the page with each board's picture URL (carrying its
 * version) and an EventSource on /wall/events: one "board" message per
 * change, the JSON of that board, so the page swaps the picture's URL.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <png.h>

#include "daemon/control.h"
#include "render/canvas.h"
#include "render/render.h"
#include "util/base64.h"
#include "util/kv.h"
#include "util/log.h"
#include "util/strlist.h"
#include "web/web.h"
#include "web/web_int.h"

#define WALL_BOARDS_MAX 4096
#define WALL_MIN_MS 150          /* a board's picture is fetched at most this often */
#define WALL_FULL_MS 5000        /* and every board's this often anyway */
#define WALL_PING_S 15           /* an idle event stream gets a comment this often */
#define WALL_LINE_MAX (256 * 1024)

struct wall_board {
	char   name[64], state[16], reason[256], item[64], rule[128], groups[512], format[16];
	int    width, height;
	size_t stride;
	ls_rgb color;
	uint8_t *pix;
	size_t npix;
	unsigned long long frame;
	int    acked;
	unsigned long long version;   /* changes whenever anything shown changes */
	uint8_t *png;                 /* cached picture of png_version */
	size_t pnglen;
	unsigned long long png_version;
	int    dirty, urgent;         /* events named it since the last fetch */
	int    seen;                  /* in the last full snapshot */
};

struct web_wall {
	struct web_server *srv;
	pthread_t th;
	int    started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wall_board *b;
	size_t n;
	unsigned long long gen;       /* version counter: every change takes the next */
	int    have_snapshot;         /* at least one full snapshot */
	int    connected;
	char   err[256];
	int    stop;
	int    wake[2];               /* a pipe: wakes the watcher's poll to stop */
	int    all_dirty;
};

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct wall_board *
board_find(struct web_wall *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->b[i].name, name) == 0)
			return &w->b[i];
	return NULL;
}

/* ---- the snapshot answer ---- */

struct snap_fetch {
	struct web_wall *w;
	int full;
	int changed;
};

#define GETF(line, k, v) (control_line_get(line, k, v, sizeof v) == 0)
#define GETO(line, k, v) ((void)control_line_get(line, k, v, sizeof v))

static void
snap_line(void *arg, const char *line)
{
	struct snap_fetch *sf = arg;
	struct web_wall *w = sf->w;
	struct wall_board nb, *b;
	char num[32], *pix = NULL;
	size_t plen;
	long n = 0;
	uint8_t *bytes = NULL;

	if (strncmp(line, "snapshot ", 9) != 0)
		return;
	memset(&nb, 0, sizeof nb);
	if (!GETF(line, "name", nb.name) || !GETF(line, "state", nb.state))
		return;
	GETO(line, "reason", nb.reason);
	GETO(line, "item", nb.item);
	GETO(line, "rule", nb.rule);
	GETO(line, "groups", nb.groups);
	GETO(line, "format", nb.format);
	if (GETF(line, "width", num))
		nb.width = atoi(num);
	if (GETF(line, "height", num))
		nb.height = atoi(num);
	if (GETF(line, "stride", num))
		nb.stride = (size_t)strtoul(num, NULL, 10);
	if (GETF(line, "color", num))
		nb.color = (ls_rgb)strtoul(num, NULL, 16);
	if (GETF(line, "frame", num))
		nb.frame = strtoull(num, NULL, 10);
	if (GETF(line, "acked", num))
		nb.acked = atoi(num);
	plen = strlen(line);
	if ((pix = malloc(plen + 1)) != NULL && control_line_get(line, "pixels", pix, plen + 1) == 0 && pix[0]) {
		size_t want = nb.stride * (size_t)(nb.height > 0 ? nb.height : 0);

		if (nb.width > 0 && nb.width <= RENDER_MAX_SIDE && nb.height > 0 && nb.height <= RENDER_MAX_SIDE &&
		    want > 0 && (bytes = malloc(want)) != NULL && (n = base64_decode(pix, bytes, want)) != (long)want) {
			free(bytes);
			bytes = NULL;
		}
	}
	free(pix);
	pthread_mutex_lock(&w->mu);
	b = board_find(w, nb.name);
	if (b == NULL && w->n < WALL_BOARDS_MAX) {
		struct wall_board *nbv = realloc(w->b, (w->n + 1) * sizeof *w->b);

		if (nbv != NULL) {
			w->b = nbv;
			b = &w->b[w->n++];
			memset(b, 0, sizeof *b);
			snprintf(b->name, sizeof b->name, "%s", nb.name);
		}
	}
	if (b == NULL) {
		pthread_mutex_unlock(&w->mu);
		free(bytes);
		return;
	}
	b->seen = 1;
	b->dirty = b->urgent = 0;
	if (strcmp(b->state, nb.state) != 0 || strcmp(b->reason, nb.reason) != 0 || strcmp(b->item, nb.item) != 0 ||
	    strcmp(b->rule, nb.rule) != 0 || strcmp(b->groups, nb.groups) != 0 || b->width != nb.width ||
	    b->height != nb.height || strcmp(b->format, nb.format) != 0 || b->color != nb.color ||
	    (bytes != NULL && (b->pix == NULL || b->npix != (size_t)n || memcmp(b->pix, bytes, (size_t)n) != 0))) {
		memcpy(b->state, nb.state, sizeof b->state);
		memcpy(b->reason, nb.reason, sizeof b->reason);
		memcpy(b->item, nb.item, sizeof b->item);
		memcpy(b->rule, nb.rule, sizeof b->rule);
		memcpy(b->groups, nb.groups, sizeof b->groups);
		memcpy(b->format, nb.format, sizeof b->format);
		b->width = nb.width;
		b->height = nb.height;
		b->stride = nb.stride;
		b->color = nb.color;
		if (bytes != NULL) {
			free(b->pix);
			b->pix = bytes;
			b->npix = (size_t)n;
			bytes = NULL;
		}
		b->version = ++w->gen;
		sf->changed = 1;
	}
	b->frame = nb.frame;
	b->acked = nb.acked;
	pthread_mutex_unlock(&w->mu);
	free(bytes);
}

/* Ask for the boards marked dirty (or all); 0, or -1 when the daemon did not answer. */
static int
wall_fetch(struct web_wall *w, int full)
{
	struct snap_fetch sf = { w, full, 0 };
	struct web_buf req = { 0 };
	char final[1024], err[512];
	int rc, ndirty = 0;

	pthread_mutex_lock(&w->mu);
	if (!full) {
		for (size_t i = 0; i < w->n; i++)
			if (w->b[i].dirty)
				ndirty++;
		if (ndirty == 0 && !w->all_dirty) {
			pthread_mutex_unlock(&w->mu);
			return 0;
		}
		if (w->all_dirty || ndirty > 64 || (size_t)ndirty * 2 > w->n)
			full = 1;
	}
	web_buf_puts(&req, "snapshot");
	if (!full) {
		int k = 0;

		web_buf_puts(&req, " boards=");
		for (size_t i = 0; i < w->n; i++)
			if (w->b[i].dirty) {
				char enc[256];
				size_t el = 0;

				enc[0] = '\0';
				kv_put(enc, sizeof enc, &el, "x", w->b[i].name);
				web_buf_printf(&req, "%s%s", k++ ? "," : "", enc + 2);
			}
	} else {
		for (size_t i = 0; i < w->n; i++)
			w->b[i].seen = 0;
	}
	w->all_dirty = 0;
	pthread_mutex_unlock(&w->mu);
	if (req.oom) {
		web_buf_free(&req);
		return -1;
	}
	sf.full = full;
	rc = control_request(w->srv->socket, req.p, 10000, snap_line, &sf, final, sizeof final, err, sizeof err);
	web_buf_free(&req);
	pthread_mutex_lock(&w->mu);
	if (rc != 0) {
		snprintf(w->err, sizeof w->err, "%.250s", rc < 0 ? err : final);
		if (w->connected) {
			w->connected = 0;
			w->gen++;
			sf.changed = 1;
		}
	} else {
		if (!w->connected) {
			w->connected = 1;
			w->err[0] = '\0';
			w->gen++;
			sf.changed = 1;
		}
		if (full) {
			/* boards gone after a reload leave the wall */
			for (size_t i = 0; i < w->n;) {
				if (!w->b[i].seen) {
					free(w->b[i].pix);
					free(w->b[i].png);
					w->b[i] = w->b[--w->n];
					sf.changed = 1;
				} else {
					i++;
				}
			}
			if (!w->have_snapshot)
				sf.changed = 1;
			w->have_snapshot = 1;
		}
	}
	if (sf.changed) {
		w->gen++;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return rc == 0 ? 0 : -1;
}

/* ---- the watcher thread ---- */

static int
watch_connect(const char *path)
{
	struct sockaddr_un sa;
	static const char req[] = CONTROL_VERSION " watch types=item_start,link,frame_ack,alert_raised,alert_cleared,"
	    "alert_expired,reload\n";
	int fd;

	if (path == NULL || strlen(path) >= sizeof sa.sun_path)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One event line: mark its board (or every board) for the next fetch. */
static void
wall_event(struct web_wall *w, const char *line)
{
	char type[32], board[128];
	struct wall_board *b;

	if (strncmp(line, "event ", 6) != 0 || control_line_get(line, "type", type, sizeof type) < 0)
		return;
	pthread_mutex_lock(&w->mu);
	if (control_line_get(line, "board", board, sizeof board) == 0 && (b = board_find(w, board)) != NULL) {
		b->dirty = 1;
		if (strcmp(type, "frame_ack") != 0)
			b->urgent = 1;
	} else {
		w->all_dirty = 1;   /* a new board, an alert, a reload, dropped events */
	}
	pthread_mutex_unlock(&w->mu);
}

static int
wall_urgent(struct web_wall *w)
{
	int u = w->all_dirty;

	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->n && !u; i++)
		u = w->b[i].urgent;
	pthread_mutex_unlock(&w->mu);
	return u;
}

static void *
wall_thread(void *arg)
{
	struct web_wall *w = arg;
	char *buf = malloc(WALL_LINE_MAX + 1);
	size_t len = 0;
	int fd = -1;
	long long last_fetch = 0, last_full = 0;

	if (buf == NULL)
		return NULL;
	while (!w->stop) {
		struct pollfd pf[2];
		long long now = ms_now();
		int timeout;

		if (fd < 0) {
			fd = watch_connect(w->srv->socket);
			len = 0;
			/* connected or not, a full snapshot says where things stand */
			if (wall_fetch(w, 1) == 0 && fd >= 0) {
				last_fetch = last_full = ms_now();
			} else {
				if (fd >= 0)
					close(fd);
				fd = -1;
				pf[0].fd = w->wake[0];
				pf[0].events = POLLIN;
				poll(pf, 1, 500);   /* the daemon is not there (yet): try again soon */
				continue;
			}
		}
		timeout = WALL_FULL_MS;
		pf[0].fd = fd;
		pf[0].events = POLLIN;
		pf[1].fd = w->wake[0];
		pf[1].events = POLLIN;
		{
			long long due_min = last_fetch + WALL_MIN_MS - now, due_full = last_full + WALL_FULL_MS - now;

			if (due_full < timeout)
				timeout = (int)(due_full > 0 ? due_full : 0);
			if (w->all_dirty || w->n > 0) {
				int dirty = w->all_dirty;

				pthread_mutex_lock(&w->mu);
				for (size_t i = 0; i < w->n && !dirty; i++)
					dirty = w->b[i].dirty;
				pthread_mutex_unlock(&w->mu);
				if (dirty) {
					long long t = wall_urgent(w) ? 0 : due_min;
					if (t < timeout)
						timeout = (int)(t > 0 ? t : 0);
				}
			}
		}
		if (poll(pf, 2, timeout) < 0 && errno != EINTR)
			break;
		if (w->stop)
			break;
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(fd, buf + len, WALL_LINE_MAX - len);

			if (r <= 0) {
				close(fd);
				fd = -1;
				pthread_mutex_lock(&w->mu);
				w->connected = 0;
				snprintf(w->err, sizeof w->err, "the controller closed the event stream");
				w->gen++;
				pthread_cond_broadcast(&w->cv);
				pthread_mutex_unlock(&w->mu);
				continue;
			}
			len += (size_t)r;
			buf[len] = '\0';
			{
				char *p = buf, *nl;

				while ((nl = strchr(p, '\n')) != NULL) {
					*nl = '\0';
					if (strncmp(p, "error", 5) == 0) {
						pthread_mutex_lock(&w->mu);
						snprintf(w->err, sizeof w->err, "watch refused: %.200s", p);
						pthread_mutex_unlock(&w->mu);
					}
					wall_event(w, p);
					p = nl + 1;
				}
				len -= (size_t)(p - buf);
				memmove(buf, p, len);
				if (len == WALL_LINE_MAX)
					len = 0;   /* a line longer than any event: drop it */
			}
		}
		now = ms_now();
		if (now - last_full >= WALL_FULL_MS) {
			if (wall_fetch(w, 1) < 0) {
				close(fd);
				fd = -1;
			}
			last_fetch = last_full = now;
		} else if (wall_urgent(w) || now - last_fetch >= WALL_MIN_MS) {
			wall_fetch(w, 0);
			last_fetch = now;
		}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

struct web_wall *
web_wall_new(struct web_server *srv)
{
	struct web_wall *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->srv = srv;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pipe2(w->wake, O_CLOEXEC) < 0) {
		free(w);
		return NULL;
	}
	if (pthread_create(&w->th, NULL, wall_thread, w) != 0) {
		close(w->wake[0]);
		close(w->wake[1]);
		free(w);
		return NULL;
	}
	w->started = 1;
	return w;
}

void
web_wall_stop(struct web_wall *w)
{
	if (w == NULL || !w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (write(w->wake[1], "x", 1) < 0) {
		/* the thread also sees w->stop at its next wake */
	}
	pthread_join(w->th, NULL);
	w->started = 0;
}

void
web_wall_free(struct web_wall *w)
{
	if (w == NULL)
		return;
	web_wall_stop(w);
	for (size_t i = 0; i < w->n; i++) {
		free(w->b[i].pix);
		free(w->b[i].png);
	}
	free(w->b);
	close(w->wake[0]);
	close(w->wake[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

/* ---- pictures ---- */

struct png_out {
	struct web_buf b;
};

static void
png_write_cb(png_structp png, png_bytep data, png_size_t n)
{
	struct png_out *o = png_get_io_ptr(png);

	web_buf_add(&o->b, (const char *)data, n);
}

static void
png_flush_cb(png_structp png)
{
	(void)png;
}

/* RGB rows into a PNG in memory; NULL when out of memory. */
uint8_t *
web_png_encode(const uint8_t *rgb, int w, int h, size_t *len)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	struct png_out o = { { 0 } };

	if (png == NULL || info == NULL) {
		png_destroy_write_struct(&png, &info);
		return NULL;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		web_buf_free(&o.b);
		return NULL;
	}
	png_set_write_fn(png, &o, png_write_cb, png_flush_cb);
	png_set_compression_level(png, 3);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++)
		png_write_row(png, (png_const_bytep)(rgb + (size_t)y * (size_t)w * 3));
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	if (o.b.oom) {
		web_buf_free(&o.b);
		return NULL;
	}
	*len = o.b.len;
	return (uint8_t *)o.b.p;
}

/* LED pitch on the wall: boards of any width come out 256..512 px wide. */
int
web_wall_pitch(int width)
{
	int s = width > 0 ? 384 / width : 6;

	return s < 2 ? 2 : s > 8 ? 8 : s;
}

static int
format_parse(const char *s, enum ls_format *f)
{
	static const enum ls_format all[] = { LS_FMT_MONO, LS_FMT_REDGREEN, LS_FMT_RGB565, LS_FMT_RGB888 };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(ls_format_name(all[i]), s) == 0) {
			*f = all[i];
			return 0;
		}
	return -1;
}

/* The picture of a board's version, drawn now or from the cache. */
void
wall_board_png(struct web_req *rq, struct web_resp *r)
{
	struct web_wall *w = rq->srv->wall;
	struct wall_board *b;
	char name[128];
	size_t n = strlen(rq->rest);
	struct render_canvas *cv = NULL;
	struct ls_board bd;
	enum ls_format fmt;
	unsigned long long ver;
	uint8_t *rgb, *png, *copy;
	size_t plen;
	int pw, ph;

	if (n < 5 || n - 4 >= sizeof name || strcmp(rq->rest + n - 4, ".png") != 0) {
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	memcpy(name, rq->rest, n - 4);
	name[n - 4] = '\0';
	pthread_mutex_lock(&w->mu);
	b = board_find(w, name);
	if (b == NULL || b->pix == NULL || format_parse(b->format, &fmt) < 0) {
		pthread_mutex_unlock(&w->mu);
		web_error(rq, r, 404, web_msg(rq, "err.notfound"));
		return;
	}
	if (b->png != NULL && b->png_version == b->version) {
		copy = malloc(b->pnglen);
		if (copy)
			memcpy(copy, b->png, b->pnglen);
		plen = b->pnglen;
		pthread_mutex_unlock(&w->mu);
		if (copy == NULL) {
			web_error(rq, r, 500, web_msg(rq, "err.internal"));
			return;
		}
		web_png(r, copy, plen);
		r->cache = "private, max-age=3600";
		return;
	}
	ver = b->version;
	cv = render_canvas_new(b->width, b->height, fmt);
	if (cv && render_canvas_size(cv) == b->npix)
		memcpy(cv->data, b->pix, b->npix);
	else {
		render_canvas_free(cv);
		cv = NULL;
	}
	memset(&bd, 0, sizeof bd);
	bd.name = name;
	bd.width = b->width;
	bd.height = b->height;
	bd.format = fmt;
	bd.color = b->color;
	pthread_mutex_unlock(&w->mu);
	if (cv == NULL) {
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	rgb = render_preview_dots(cv, &bd, web_wall_pitch(cv->width), &pw, &ph);
	render_canvas_free(cv);
	png = rgb ? web_png_encode(rgb, pw, ph, &plen) : NULL;
	free(rgb);
	if (png == NULL) {
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	pthread_mutex_lock(&w->mu);
	if ((b = board_find(w, name)) != NULL && b->version == ver && (copy = malloc(plen)) != NULL) {
		memcpy(copy, png, plen);
		free(b->png);
		b->png = copy;
		b->pnglen = plen;
		b->png_version = ver;
	}
	pthread_mutex_unlock(&w->mu);
	web_png(r, png, plen);
	r->cache = "private, max-age=3600";
}

void
web_wall_boards(struct web_wall *w, void (*fn)(void *, const char *name, const char *groups), void *arg)
{
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->n; i++)
		fn(arg, w->b[i].name, w->b[i].groups);
	pthread_mutex_unlock(&w->mu);
}

/* ---- JSON of one board, for the event stream and boards.json ---- */

static void
board_json(const struct web_req *rq, struct web_buf *j, const struct wall_board *b)
{
	char st[40];

	snprintf(st, sizeof st, "state.%s", b->state);
	web_buf_puts(j, "{\"name\":");
	web_buf_json_str(j, b->name);
	web_buf_printf(j, ",\"v\":%llu,\"frame\":%llu,\"acked\":%d,\"width\":%d,\"height\":%d,\"picture\":%s,\"state\":",
	    b->version, b->frame, b->acked, b->width, b->height, b->pix ? "true" : "false");
	web_buf_json_str(j, b->state);
	web_buf_puts(j, ",\"state_text\":");
	web_buf_json_str(j, web_msg_lang(rq->lang, st));
	web_buf_puts(j, ",\"reason\":");
	web_buf_json_str(j, b->reason);
	web_buf_puts(j, ",\"item\":");
	web_buf_json_str(j, b->item);
	web_buf_puts(j, ",\"rule\":");
	web_buf_json_str(j, b->rule);
	web_buf_puts(j, ",\"groups\":");
	web_buf_json_str(j, b->groups);
	web_buf_puts(j, "}");
}

void
wall_json(struct web_req *rq, struct web_resp *r)
{
	struct web_wall *w = rq->srv->wall;
	struct web_buf j = { 0 };

	pthread_mutex_lock(&w->mu);
	web_buf_printf(&j, "{\"connected\":%s,\"complete\":%s,\"gen\":%llu,\"boards\":[", w->connected ? "true" : "false",
	    w->have_snapshot ? "true" : "false", w->gen);
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			web_buf_puts(&j, ",");
		board_json(rq, &j, &w->b[i]);
	}
	web_buf_puts(&j, "]}");
	pthread_mutex_unlock(&w->mu);
	web_json(r, 200, &j);
}

/* ---- the page ---- */

static void
board_card(const struct web_req *rq, struct web_buf *b, const struct wall_board *bd)
{
	char st[40], alt[200];

	snprintf(st, sizeof st, "state.%s", bd->state);
	snprintf(alt, sizeof alt, "%s: %s", bd->name, bd->item);
	web_buf_escf(b, "<figure class=\"board\" data-board=\"%s\" data-state=\"%s\">", bd->name, bd->state);
	if (bd->pix) {
		char url[300];
		struct web_buf u = { 0 };

		web_buf_url(&u, bd->name);
		snprintf(url, sizeof url, "/wall/board/%s.png?v=%llu", u.p ? u.p : "", bd->version);
		web_buf_free(&u);
		web_buf_escf(b, "<img src=\"%s\" data-v=\"%llu\" alt=\"%s\" width=\"%d\" height=\"%d\">", url, bd->version, alt,
		    bd->width * web_wall_pitch(bd->width), bd->height * web_wall_pitch(bd->width));
	} else {
		web_buf_escf(b, "<img alt=\"%s\" data-v=\"0\" width=\"%d\" height=\"%d\">", alt,
		    bd->width * web_wall_pitch(bd->width), bd->height * web_wall_pitch(bd->width));
	}
	web_buf_escf(b, "<figcaption><span class=\"name\">%s</span><span class=\"st st-%s\">%s</span>"
	    "<div class=\"meta\">%s: <span class=\"item\">%s</span> · %s: <span class=\"rule\">%s</span></div>"
	    "<div class=\"meta reason\">%s</div></figcaption></figure>",
	    bd->name, bd->state, web_msg(rq, st), web_msg(rq, "wall.item"), bd->item, web_msg(rq, "wall.rule"), bd->rule,
	    bd->reason);
}

void
page_wall(struct web_req *rq, struct web_resp *r)
{
	struct web_wall *w = rq->srv->wall;
	struct web_buf b = { 0 };
	struct ls_strlist groups = { NULL, 0 };
	long long until = ms_now() + 3000;

	/* right after start the first snapshot may still be on its way */
	pthread_mutex_lock(&w->mu);
	while (!w->have_snapshot && w->err[0] == '\0' && ms_now() < until) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
	web_buf_escf(&b, "<p><span id=\"live\" class=\"live%s\" data-live=\"%s\" data-lost=\"%s\">%s</span></p>",
	    w->connected ? "" : " lost", web_msg(rq, "wall.live"), web_msg(rq, "wall.lost"),
	    w->connected ? web_msg(rq, "wall.live") : web_msg(rq, "wall.lost"));
	if (!w->connected && w->err[0])
		web_buf_escf(&b, "<p class=\"error\">%s%s</p>", web_msg(rq, "err.daemon"), w->err);
	if (w->n == 0)
		web_buf_escf(&b, "<p>%s</p>", web_msg(rq, "wall.none"));
	web_buf_puts(&b, "<div id=\"wall\">");
	/* groups in the order the boards name them; a board in two groups shows in both */
	for (size_t i = 0; i < w->n; i++)
		ls_strlist_add_csv(&groups, w->b[i].groups);
	for (size_t g = 0; g <= groups.n; g++) {
		int any = 0;

		for (size_t i = 0; i < w->n && !any; i++)
			any = g < groups.n ? ls_strlist_csv_has(w->b[i].groups, groups.v[g]) : w->b[i].groups[0] == '\0';
		if (!any)
			continue;
		web_buf_escf(&b, "<section class=\"group\"><h2>%s</h2><div class=\"boards\">",
		    g < groups.n ? groups.v[g] : web_msg(rq, "wall.nogroup"));
		for (size_t i = 0; i < w->n; i++)
			if (g < groups.n ? ls_strlist_csv_has(w->b[i].groups, groups.v[g]) : w->b[i].groups[0] == '\0')
				board_card(rq, &b, &w->b[i]);
		web_buf_puts(&b, "</div></section>");
	}
	web_buf_puts(&b, "</div>");
	pthread_mutex_unlock(&w->mu);
	ls_strlist_free(&groups);
	web_page(rq, r, 200, web_msg(rq, "wall.title"), &b);
}

/* ---- the event stream ---- */

struct wall_stream {
	struct web_wall *w;
	struct web_server *srv;
	char   lang[4];
	unsigned long long gen;       /* the wall's gen last looked at */
	struct { char name[64]; unsigned long long v; } *sent;
	size_t nsent;
	int    connected;
	struct web_buf out;
	size_t off;
	int    started;
};

static unsigned long long *
sent_version(struct wall_stream *s, const char *name)
{
	void *np;

	for (size_t i = 0; i < s->nsent; i++)
		if (strcmp(s->sent[i].name, name) == 0)
			return &s->sent[i].v;
	if ((np = realloc(s->sent, (s->nsent + 1) * sizeof *s->sent)) == NULL)
		return NULL;
	s->sent = np;
	snprintf(s->sent[s->nsent].name, sizeof s->sent[s->nsent].name, "%s", name);
	s->sent[s->nsent].v = 0;
	return &s->sent[s->nsent++].v;
}

/* What changed since this stream last looked, as event messages (under the lock). */
static void
stream_collect(struct wall_stream *s)
{
	struct web_wall *w = s->w;
	struct web_req rq;

	memset(&rq, 0, sizeof rq);
	rq.lang = s->lang;
	for (size_t i = 0; i < w->n; i++) {
		unsigned long long *v = sent_version(s, w->b[i].name);

		if (v == NULL || *v == w->b[i].version)
			continue;
		*v = w->b[i].version;
		web_buf_puts(&s->out, "event: board\ndata: ");
		board_json(&rq, &s->out, &w->b[i]);
		web_buf_puts(&s->out, "\n\n");
	}
	if (s->connected != w->connected) {
		s->connected = w->connected;
		web_buf_printf(&s->out, "event: daemon\ndata: {\"connected\":%s}\n\n", w->connected ? "true" : "false");
	}
	s->gen = w->gen;
}

static long
stream_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	struct wall_stream *s = arg;
	struct web_wall *w = s->w;
	size_t n;

	(void)pos;
	if (s->off >= s->out.len) {
		s->out.len = 0;
		s->off = 0;
		pthread_mutex_lock(&w->mu);
		if (!s->started) {
			s->started = 1;
			s->connected = -1;
			web_buf_puts(&s->out, "retry: 1000\n\n");
			stream_collect(s);
		}
		while (s->out.len == 0 && !w->stop && !s->srv->stopping) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += WALL_PING_S;
			if (w->gen == s->gen && pthread_cond_timedwait(&w->cv, &w->mu, &ts) != 0) {
				web_buf_puts(&s->out, ": ping\n\n");   /* keeps proxies and the idle timeout away */
				break;
			}
			stream_collect(s);
		}
		pthread_mutex_unlock(&w->mu);
		if (s->out.oom || (s->out.len == 0 && (w->stop || s->srv->stopping)))
			return -1;
	}
	n = s->out.len - s->off;
	if (n > max)
		n = max;
	memcpy(buf, s->out.p + s->off, n);
	s->off += n;
	return (long)n;
}

static void
stream_free(void *arg)
{
	struct wall_stream *s = arg;

	web_buf_free(&s->out);
	free(s->sent);
	free(s);
}

void
wall_events(struct web_req *rq, struct web_resp *r)
{
	struct wall_stream *s = calloc(1, sizeof *s);

	if (s == NULL) {
		web_error(rq, r, 500, web_msg(rq, "err.internal"));
		return;
	}
	s->w = rq->srv->wall;
	s->srv = rq->srv;
	snprintf(s->lang, sizeof s->lang, "%s", rq->lang);
	r->status = 200;
	r->type = "text/event-stream; charset=utf-8";
	r->stream = stream_read;
	r->stream_free = stream_free;
	r->stream_arg = s;
}
