/*
 * model.h — the plain data that a configuration file becomes.
 *
 * config.c fills these structs; everything downstream (schedule, render,
 * proto, daemon) reads them and never changes them.  One struct ls_config
 * owns every string and array below it; ls_config_free() releases all.
 * `line` fields keep the config line each thing was defined on, so later
 * stages can still say "campaign-week.cfg:42: ..." in their messages.
 */
#ifndef LEDSIGN_MODEL_H
#define LEDSIGN_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/strlist.h"

/* Pixel formats a board can take.  Their exact byte layouts are in render/canvas.h. */
enum ls_format {
	LS_FMT_MONO,      /* 1 bit per LED */
	LS_FMT_REDGREEN,  /* 2 bits per LED: red, green (both = amber) */
	LS_FMT_RGB565,
	LS_FMT_RGB888,
};

enum ls_effect {
	LS_FX_STATIC,
	LS_FX_SCROLL_LEFT,
	LS_FX_SCROLL_UP,
	LS_FX_FLASH,
};

enum ls_halign { LS_ALIGN_LEFT, LS_ALIGN_CENTER, LS_ALIGN_RIGHT };
enum ls_valign { LS_VALIGN_TOP, LS_VALIGN_MIDDLE, LS_VALIGN_BOTTOM };
enum ls_fit { LS_FIT_FIT, LS_FIT_FILL, LS_FIT_STRETCH };

/* 0xRRGGBB */
typedef uint32_t ls_rgb;

/* Serial line settings, used when a board's address is serial:... */
struct ls_serial {
	int  baud;        /* default 57600 */
	int  data_bits;   /* 5..8, default 8 */
	char parity;      /* 'n', 'e', 'o' */
	int  stop_bits;   /* 1 or 2 */
	char flow;        /* 'n' none, 'r' rts/cts, 'x' xon/xoff */
	int  rs485;       /* half duplex: wait for our own bytes to leave before reading */
};

struct ls_board {
	char  *name;
	int    line;
	const char *src_file;         /* the file it was defined in (cfg->path or an @included
	                             file; owned by the config's `files`): with `line`, where
	                             messages point.  The same in every struct below. */
	int    width, height;
	enum ls_format format;
	char  *protocol;          /* "lsp", "onbon-bx", "ddp", "e131", "artnet" */
	char  *address;           /* "tcp:HOST:PORT", "udp:HOST:PORT", "serial:/dev/ttyUSB0" */
	struct ls_serial serial;
	struct ls_strlist groups;
	ls_rgb color;             /* LED colour of a mono board, for previews; default red */
	int    brightness;        /* 0..100, default 100 */
	/* protocol options; 0 means "the protocol's default" */
	int    universe;          /* e131/artnet: first universe */
	char  *pixel_order;       /* e131/artnet/ddp: "rgb", "grb", ...; NULL = rgb */
	int    screen_address;    /* onbon-bx: card address; 0 = broadcast 0xFFFE */
	char  *card;              /* onbon-bx: "bx-5e", "bx-5q", "bx-6q", "bx-5k", ... */
	/* onbon-bx, where the vendor's manual and SDK differ; 0 = the manual */
	int    bx_transparency;   /* 6E/6Q Transparency byte 0..102 (SDK: 101) */
	int    bx_area_type;      /* 5E/5Q AreaType: 0 "manual" 0x10, 1 "sdk" 0x00 */
	int    bx_cmd_reserved;   /* 2 bytes after Cmd: 0 "manual" zero, 1 "sdk" a length */
	int    artnet_sync;       /* artnet: send ArtSync after each frame */
	int    keepalive;         /* ms between resends of an unchanged picture; 0 = the protocol's */
	char  *multicast_if;      /* IPv4 address of the interface multicast leaves by; NULL = by route */
};

struct ls_font {
	char *name;               /* what content items refer to */
	int   line;
	const char *src_file;
	char *family;             /* fontconfig family, e.g. "WenQuanYi Zen Hei Sharp" */
	char *file;               /* or a font file path (relative to the config file) */
};

struct ls_content {
	char  *name;
	int    line;
	const char *src_file;
	char  *text;              /* UTF-8, may contain {date} {time} {weekday} {countdown:YYYY-MM-DD} */
	char  *image;             /* PNG path, resolved relative to the config file */
	char  *font;              /* name of a fonts entry, a family name, or NULL for the default */
	int    size;              /* pixels; 0 = auto-fit */
	enum ls_effect effect;
	double speed;             /* scroll speed, pixels per second */
	double flash_hz;          /* flash rate */
	enum ls_halign align;
	enum ls_valign valign;
	enum ls_fit fit;
	int    line_spacing;      /* extra pixels between lines */
	ls_rgb color, background;
	double duration;          /* seconds shown per turn in a playlist; 0 = default */
	int    repeat;            /* turns per playlist pass, default 1 */
};

/* A date as days since 1970-01-01 in the configured timezone (civil date, no time). */
typedef int32_t ls_day;
#define LS_DAY_NONE INT32_MIN

struct ls_playlist_entry {
	char *item;               /* content name */
	int   line;
	const char *src_file;
	double duration;          /* overrides the content's duration when > 0 */
	int   repeat;             /* overrides when > 0 */
	int   from_min, to_min;   /* per-item daily window in minutes; -1 = always */
	uint8_t weekdays;         /* bit 0 = Sunday .. bit 6 = Saturday; 0 = every day (unlike a rule's) */
	struct { ls_day *v; size_t n; } dates; /* only on these days; n = 0: any day */
};

struct ls_playlist {
	char  *name;
	int    line;
	const char *src_file;
	struct ls_playlist_entry *entries;
	size_t nentries;
};

/* Screen areas (LedshowTW 分区, Xibo regions): a layout divides a board of
 * its size into rectangles, each playing its own playlist.  Areas later in
 * the list are drawn over earlier ones where they overlap (check warns). */
#define LS_LAYOUT_MAX_AREAS 16

struct ls_area {
	char  *name;              /* default "area#N" */
	int    line;
	int    x, y;              /* top-left LED, from the board's top-left */
	int    width, height;
	char  *playlist;          /* what plays in it */
};

struct ls_layout {
	char  *name;
	int    line;
	const char *src_file;
	int    width, height;     /* the board size it is made for */
	struct ls_area *areas;
	size_t nareas;            /* 1..LS_LAYOUT_MAX_AREAS */
};


enum ls_rule_kind {
	LS_RULE_PLAY,     /* show a playlist */
	LS_RULE_OFF,      /* board blank */
	LS_RULE_POWER_OFF /* board powered off */
};

struct ls_rule {
	int    line;
	const char *src_file;
	char  *name;              /* optional, for reports; default "rule@LINE" */
	enum ls_rule_kind kind;
	char  *playlist;          /* for LS_RULE_PLAY: one playlist on the whole board ... */
	char  *layout;            /* ... or a layout: a playlist per area */
	struct ls_strlist boards; /* board names, group names, or "all" */
	ls_day from, to;          /* inclusive; LS_DAY_NONE = open */
	struct { ls_day *v; size_t n; } dates; /* special dates: rule applies only on these */
	uint8_t weekdays;         /* bit 0 = Sunday .. bit 6 = Saturday; 0x7f = every day */
	int    start_min, end_min;/* daily window, minutes from midnight; end < start crosses midnight; -1 = all day */
	int    priority;          /* higher wins; special-date rules default to 100, others 0 */
	int    brightness;        /* 0..100 while this rule is in force; -1 = unchanged */
};

/* CAP alerts: an <area><areaDesc> or <audience> text mapped to board groups. */
struct ls_cap_area {
	char  *match;             /* compared case-insensitively; "*" matches anything */
	int    line;
	const char *src_file;
	struct ls_strlist groups; /* board group names, or "all" */
};

/* The district link (docs/district.md): this school's place on the
 * bureau's MQTT broker.  NULL in ls_config when the file has no district. */
struct ls_district {
	int    line;
	char  *host;              /* the broker */
	int    port;              /* default 8883 (1883 without TLS) */
	int    tls;               /* default true */
	char  *ca_file, *cert_file, *key_file;   /* TLS: the CA; a client certificate (optional) */
	char  *district;          /* topic name of the district */
	char  *school;            /* topic name of this school */
	char  *username;          /* default: school */
	char  *password_file;     /* first line: the password; NULL = none */
	int    keepalive;         /* seconds */
	char  *bundle_file;       /* the @included file a campaign bundle replaces; NULL = no bundles */
};

struct ls_config {
	char  *path;              /* the file it came from */
	struct ls_strlist files;  /* it and the files it @includes, in the order met; the
	                             `file` of every element points into these */
	char  *timezone;          /* IANA name, default "Asia/Shanghai" */
	char  *fallback;          /* playlist shown when no rule matches; NULL = blank */
	char  *default_font;      /* family or font entry name */
	char  *control_socket;    /* path of the Unix control socket */
	char  *state_dir;         /* where alerts are persisted */
	char  *user;              /* started as root, become this user; NULL = stay (daemon/priv.h) */
	/* Who may use the control socket, per role (names or ids; control.h).
	 * control_users/control_groups are the names from before roles: admin. */
	struct ls_strlist control_users;  /* admin (names or uids); root and the daemon's user always are */
	struct ls_strlist control_groups; /* members of these groups are admin too (names or gids) */
	struct ls_strlist control_viewers, control_viewer_groups;      /* status, alerts, boards, schedule */
	struct ls_strlist control_operators, control_operator_groups;  /* and alert, clear, cap */
	struct ls_strlist control_admins, control_admin_groups;        /* and reload */
	char  *cap_dir;           /* directory watched for CAP 1.2 files; NULL = none */
	struct ls_cap_area *cap_areas; size_t ncap_areas;
	int    cap_accept_test;   /* show CAP status Exercise and Test too (marked as such) */
	int    workers;           /* threads the boards are spread over; 0 = automatic (daemon.c) */
	struct ls_board    *boards;    size_t nboards;
	struct ls_font     *fonts;     size_t nfonts;
	struct ls_content  *content;   size_t ncontent;
	struct ls_playlist *playlists; size_t nplaylists;
	struct ls_layout   *layouts;   size_t nlayouts;
	struct ls_rule     *rules;     size_t nrules;
	struct ls_district *district;  /* NULL: not in a district */
	struct ls_config_index *index; /* names and rule selections, built by the loader (model_index.c); NULL: scans */
};

/* The file an element (board, content, rule, ...) was defined in, for messages. */
#define LS_FILE(cfg, obj) ((obj)->src_file != NULL ? (obj)->src_file : (cfg)->path)

/* Lookups by name; NULL when absent. */
const struct ls_board    *ls_config_board(const struct ls_config *, const char *name);
const struct ls_content  *ls_config_content(const struct ls_config *, const char *name);
const struct ls_playlist *ls_config_playlist(const struct ls_config *, const char *name);
const struct ls_font     *ls_config_font(const struct ls_config *, const char *name);
const struct ls_layout   *ls_config_layout(const struct ls_config *, const char *name);

/* True when `board` is named by a rule's boards list (its name, one of its groups, or "all"). */
int ls_board_selected(const struct ls_board *board, const struct ls_strlist *targets);
/* The same for rule r of c and a board of c, from the index (one bit)
 * when c has one that covers them, else ls_board_selected. */
int ls_rule_selects(const struct ls_config *c, const struct ls_rule *r, const struct ls_board *board);

/* Index c's boards, content and playlists by name and its rules' boards
 * (the loader does, once c is complete): the lookups above then cost one
 * hash each.  Changing a section afterwards is safe (the index no longer
 * matches it and is not used) but slow.  0, or -1 when out of memory (c
 * stays without an index).  ls_config_free frees it. */
int  ls_config_index_build(struct ls_config *c);
void ls_config_index_free(struct ls_config_index *);
/* How messages name a rule: `schedule rule "NAME"`, or `schedule rule at
 * line N` when it has no name of its own (its name is then "rule@N"). */
const char *ls_rule_where(const struct ls_rule *, char *buf, size_t len);

/* Set mark[i] = 1 for every content item that a play rule selecting `board`,
 * or the fallback playlist, may show on it (mark has ncontent bytes; the
 * caller clears it). */
void ls_board_content(const struct ls_config *, const struct ls_board *board, uint8_t *mark);
/* The same for the items one area of a layout may show (its playlist). */
void ls_area_content(const struct ls_config *, const struct ls_area *, uint8_t *mark);
/* The layouts play rules selecting `board` may show on it, each once, into
 * out (at most cap); returns how many. */
size_t ls_board_layouts(const struct ls_config *, const struct ls_board *board, const struct ls_layout **out,
    size_t cap);

/* Every picture board is drawn at, with the items it may show there: the
 * board itself (lo and area NULL), then each area of each layout it may
 * show (ls_board_layouts, the first 16), as a board of the area's size.
 * fn gets the board as drawn and mark (mark[i] set for content i).
 * 0, or -1 out of memory. */
typedef void (*ls_board_view_fn)(void *arg, const struct ls_board *drawn, const struct ls_layout *lo,
    const struct ls_area *area, const uint8_t *mark);
int ls_board_views(const struct ls_config *, const struct ls_board *board, ls_board_view_fn fn, void *arg);

/* Format names as written in the config, e.g. "red-green". */
const char *ls_format_name(enum ls_format);
int ls_format_parse(const char *name, enum ls_format *out);

#endif
