/*
 * config.c — libconfig file → struct ls_config, with every mistake reported.
 *
 * The file is read in three passes:
 *   1. libconfig parses the syntax (it stops at the first syntax error; that
 *      one error is all we can report then).
 *   2. Each group (top level, boards, fonts, content, playlists, schedule) is
 *      checked against a key table: unknown settings, wrong types, values out
 *      of range and missing required settings are all reported, and good
 *      values are stored through the table's offsets.
 *   3. Cross references (playlists → content, rules → boards and playlists,
 *      content → fonts and image files) are checked once everything is read.
 * Tables, not if-chains: the same tables drive docs/config.md, whose
 * reference tables ls_config_doc() prints (`make config-doc`; integration
 * test 06 fails when the file differs).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <grp.h>
#include <pwd.h>
#include <libconfig.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_int.h"
#include "config/include_scan.h"
#include "district/dmsg.h"
#include "proto/proto.h"
#include "render/render.h"
#include "transport/xport.h"
#include "util/paths.h"
#include "util/tz.h"

/* Names to their position in a section, so that duplicate names and the
 * cross references cost one lookup each: with a list scan per name, check
 * of a 25 MB config took 3 s and of 100 MB 50 s.  Open addressing; the
 * keys point into the config's own strings. */
struct name_index {
	const char **key;
	size_t      *val;
	size_t       cap;                /* a power of two, at least twice the names */
};

static int
name_index_init(struct name_index *x, size_t n)
{
	x->cap = 16;
	while (x->cap < 2 * n + 16)
		x->cap *= 2;
	x->key = calloc(x->cap, sizeof *x->key);
	x->val = calloc(x->cap, sizeof *x->val);
	return x->key != NULL && x->val != NULL ? 0 : -1;
}

static void
name_index_free(struct name_index *x)
{
	free(x->key);
	free(x->val);
	memset(x, 0, sizeof *x);
}

/* The slot of `name`: where it is, or the empty slot it would go in. */
static size_t
name_index_slot(const struct name_index *x, const char *name)
{
	size_t i = ls_name_hash(name) & (x->cap - 1);

	while (x->key[i] != NULL && strcmp(x->key[i], name) != 0)
		i = (i + 1) & (x->cap - 1);
	return i;
}

/* Position of name, or -1 (also when the index could not be made). */
static long
name_index_find(const struct name_index *x, const char *name)
{
	size_t i;

	if (x->key == NULL || name == NULL)
		return -1;
	i = name_index_slot(x, name);
	return x->key[i] != NULL ? (long)x->val[i] : -1;
}

/* Add name at pos unless it is there: returns the earlier position, or -1. */
static long
name_index_add(struct name_index *x, const char *name, size_t pos)
{
	size_t i = name_index_slot(x, name);

	if (x->key[i] != NULL)
		return (long)x->val[i];
	x->key[i] = name;
	x->val[i] = pos;
	return -1;
}

enum { IDX_BOARD, IDX_FONT, IDX_CONTENT, IDX_PLAYLIST, IDX_LAYOUT, IDX_GROUP, IDX_N };

struct loader {
	const char        *file;
	struct ls_diag    *diag;
	struct ls_config  *cfg;
	unsigned           flags;        /* LS_CONFIG_* */
	struct name_index  idx[IDX_N];   /* names of boards, fonts, ..., board groups */
};

#define ERR(L, line, ...) ls_diag_add((L)->diag, LS_DIAG_ERROR, (L)->file, (line), __VA_ARGS__)
/* An error at an element's own file and line (cross references, after loading). */
#define ERR_AT(L, obj, ...) ls_diag_add((L)->diag, LS_DIAG_ERROR, (obj)->src_file ? (obj)->src_file : (L)->cfg->path, \
    (obj)->line, __VA_ARGS__)
#define WARN(L, line, ...) ls_diag_add((L)->diag, LS_DIAG_WARNING, (L)->file, (line), __VA_ARGS__)

static const char *const effect_names[] = { "static", "scroll-left", "scroll-up", "flash", NULL };
static const char *const align_names[] = { "left", "center", "right", NULL };
static const char *const valign_names[] = { "top", "middle", "bottom", NULL };
static const char *const fit_names[] = { "fit", "fill", "stretch", NULL };
static const char *const format_names[] = { "mono", "red-green", "rgb565", "rgb888", NULL };
static const char *const kind_names[] = { "play", "off", "power-off", NULL };
static const char *const bx_source_names[] = { "manual", "sdk", NULL };

#define O(type, field) offsetof(type, field)
/* the schedule's zone when the file names none */

static const struct key top_keys[] = {
	{ "timezone", K_STR, 0, 0, 0, O(struct ls_config, timezone), NULL, "IANA timezone of the schedule, e.g. \"Asia/Shanghai\"",
	  .doc = "IANA time zone every date and time in the file is in. The controller follows it whatever the machine's own `TZ` is, including daylight-saving changes. Example: `timezone = \"Europe/Berlin\";`",
	  .def = "`\"" LS_DEFAULT_TIMEZONE "\"`" },
	{ "fallback", K_STR, 0, 0, 0, O(struct ls_config, fallback), NULL, "playlist shown when no rule applies",
	  .doc = "playlist shown on a board when no schedule rule applies. Example: `fallback = \"everyday\";`",
	  .def = "none (blank)" },
	{ "default_font", K_STR, 0, 0, 0, O(struct ls_config, default_font), NULL, "font for items that name none",
	  .doc = "font for items that name none: a `fonts` entry or a fontconfig family. Example: `default_font = \"WenQuanYi Zen Hei\";`",
	  .def = "renderer's choice" },
	{ "control_socket", K_STR, 0, 0, 0, O(struct ls_config, control_socket), NULL, "path of the control socket",
	  .doc = "Unix socket for `ledsign alert`, `clear`, `status`, `reload`",
	  .def = "`\"" LS_PATH_CONTROL_SOCKET "\"`" },
	{ "state_dir", K_STR, 0, 0, 0, O(struct ls_config, state_dir), NULL, "where active alerts are kept",
	  .doc = "where active alerts are kept across restarts, and proof of play (`proof.db`, docs/record.md)",
	  .def = "`\"" LS_PATH_STATE_DIR "\"`" },
	{ "user", K_STR, 0, 0, 0, O(struct ls_config, user), NULL, "user the controller runs as when started as root",
	  .doc = "started as root (by hand, not by systemd), the controller prepares its directories and then runs as this user, keeping group `dialout` for serial boards; `ledsign play --user` overrides it. Example: `user = \"ledsign\";` (docs/architecture.md, \"Processes\")" },
	{ "control_users", K_STRLIST, 0, 0, 0, O(struct ls_config, control_users), NULL, "users (names or uids) with the admin role on the control socket (as control_admins); root always has it",
	  .doc = "users (names or uids) with the admin role on the control socket, as `control_admins` (the name from before roles); root and the controller's own user always have it. See docs/alerts.md" },
	{ "control_groups", K_STRLIST, 0, 0, 0, O(struct ls_config, control_groups), NULL, "groups whose members have the admin role (as control_admin_groups); the socket belongs to the first",
	  .doc = "members of these groups have the admin role too; the socket file is given to the first" },
	{ "control_viewers", K_STRLIST, 0, 0, 0, O(struct ls_config, control_viewers), NULL, "users with the viewer role: status, alerts, boards, schedule",
	  .doc = "users with the viewer role: `status`, `alerts`, `boards`, `schedule`" },
	{ "control_viewer_groups", K_STRLIST, 0, 0, 0, O(struct ls_config, control_viewer_groups), NULL, "groups whose members have the viewer role",
	  .doc = "groups whose members have the viewer role" },
	{ "control_operators", K_STRLIST, 0, 0, 0, O(struct ls_config, control_operators), NULL, "users with the operator role: also alert, clear, cap",
	  .doc = "users with the operator role: also `alert`, `clear`, `cap`" },
	{ "control_operator_groups", K_STRLIST, 0, 0, 0, O(struct ls_config, control_operator_groups), NULL, "groups whose members have the operator role",
	  .doc = "groups whose members have the operator role" },
	{ "control_admins", K_STRLIST, 0, 0, 0, O(struct ls_config, control_admins), NULL, "users with the admin role: also reload",
	  .doc = "users with the admin role: also `reload`" },
	{ "control_admin_groups", K_STRLIST, 0, 0, 0, O(struct ls_config, control_admin_groups), NULL, "groups whose members have the admin role",
	  .doc = "groups whose members have the admin role" },
	{ "cap_dir", K_STR, 0, 0, 0, O(struct ls_config, cap_dir), NULL, "directory watched for CAP 1.2 alert files",
	  .doc = "directory watched for CAP 1.2 alert files (docs/alerts.md)" },
	{ "cap_accept_test", K_BOOL, 0, 0, 0, O(struct ls_config, cap_accept_test), NULL, "also show CAP alerts with status Exercise or Test",
	  .doc = "also show CAP alerts whose status is `Exercise` or `Test`" },
	{ "workers", K_INT, 0, 0, 64, O(struct ls_config, workers), NULL, "threads the boards are spread over; 0 = automatic",
	  .doc = "threads (each with its own event loop) the boards are spread over, board i on thread i mod N, so that a controller of many boards uses every core. `0`: automatic, 1 for fewer than 64 boards and one per online CPU from 64 boards on. Read at start (`ledsign play --workers` overrides it); a reload keeps the number running. See docs/daemon.md, \"Workers\"",
	  .def = "`0` (automatic)" },
	{ "cap_areas", K_SPECIAL, 0, 0, 0, 0, NULL, "CAP area or audience text to board groups",
	  .doc = "CAP area or audience text to board groups, below" },
	{ "boards", K_SPECIAL, 1, 0, 0, 0, NULL, "list of boards",
	  .doc = "the boards, below" },
	{ "fonts", K_SPECIAL, 0, 0, 0, 0, NULL, "list of named fonts",
	  .doc = "named fonts, below" },
	{ "content", K_SPECIAL, 1, 0, 0, 0, NULL, "list of content items",
	  .doc = "the items boards can show, below" },
	{ "playlists", K_SPECIAL, 1, 0, 0, 0, NULL, "list of playlists",
	  .doc = "ordered items, below" },
	{ "layouts", K_SPECIAL, 0, 0, 0, 0, NULL, "list of screen layouts (areas with a playlist each)",
	  .doc = "screen layouts: a board divided into areas, each with its own playlist, below" },
	{ "schedule", K_SPECIAL, 0, 0, 0, 0, NULL, "list of schedule rules",
	  .doc = "the rules that decide what plays where and when, below" },
	{ "district", K_SPECIAL, 0, 0, 0, 0, NULL, "this school's link to the district bureau's MQTT broker",
	  .doc = "this school's link to the district bureau's MQTT broker, below (docs/district.md)",
	  .type_doc = "group" },
	{ .name = NULL },
};

static const struct key district_keys[] = {
	{ "host", K_STR, 1, 0, 0, O(struct ls_district, host), NULL, "the MQTT broker's host name or address",
	  .doc = "the MQTT broker's host name or address" },
	{ "port", K_INT, 0, 1, 65535, O(struct ls_district, port), NULL, "the broker's port",
	  .doc = "the broker's port", .def = "`8883`, `1883` with `tls = false`" },
	{ "tls", K_BOOL, 0, 0, 0, O(struct ls_district, tls), NULL, "TLS to the broker",
	  .doc = "TLS to the broker; turn it off only on a loopback or otherwise private network" },
	{ "ca_file", K_STR, 0, 0, 0, O(struct ls_district, ca_file), NULL, "CA certificate(s) the broker's certificate is checked against",
	  .doc = "PEM file of the CA the broker's certificate must chain to", .def = "the system's CAs" },
	{ "cert_file", K_STR, 0, 0, 0, O(struct ls_district, cert_file), NULL, "this school's client certificate (PEM), if the broker wants one",
	  .doc = "this school's client certificate (PEM), when the broker asks for one; with `key_file`" },
	{ "key_file", K_STR, 0, 0, 0, O(struct ls_district, key_file), NULL, "the client certificate's private key (PEM)",
	  .doc = "the client certificate's private key (PEM)" },
	{ "district", K_STR, 1, 0, 0, O(struct ls_district, district), NULL, "the district's name in topics",
	  .doc = "the district's name in topics: 1..64 of `a-z 0-9 _ -`" },
	{ "school", K_STR, 1, 0, 0, O(struct ls_district, school), NULL, "this school's name in topics",
	  .doc = "this school's name in topics: 1..64 of `a-z 0-9 _ -`; the broker's ACL gives it its own topics" },
	{ "username", K_STR, 0, 0, 0, O(struct ls_district, username), NULL, "user name on the broker",
	  .doc = "user name on the broker", .def = "the school's name" },
	{ "password_file", K_STR, 0, 0, 0, O(struct ls_district, password_file), NULL, "file whose first line is the password",
	  .doc = "file whose first line is this school's broker password (keep it mode 0600); without it, no password" },
	{ "keepalive", K_INT, 0, 5, 3600, O(struct ls_district, keepalive), NULL, "seconds between MQTT keepalives",
	  .doc = "seconds between MQTT keepalives; the broker declares the school offline after 1.5 times this" },
	{ "bundle_file", K_STR, 0, 0, 0, O(struct ls_district, bundle_file), NULL, "the @included file campaign bundles replace",
	  .doc = "the file this config `@include`s that a bureau's campaign bundle replaces (content, playlists, schedule), relative to the config's directory; without it the school refuses bundles" },
	{ .name = NULL },
};


static const struct key board_keys[] = {
	{ "name", K_STR, 1, 0, 0, O(struct ls_board, name), NULL, "unique board name",
	  .doc = "unique; used by rules, `preview`, `send`, alerts" },
	{ "width", K_INT, 1, 1, 4096, O(struct ls_board, width), NULL, "LEDs across",
	  .doc = "LEDs across" },
	{ "height", K_INT, 1, 1, 4096, O(struct ls_board, height), NULL, "LEDs down",
	  .doc = "LEDs down" },
	{ "format", K_ENUM, 1, 0, 0, O(struct ls_board, format), format_names, "pixel format",
	  .doc = "`\"mono\"` (one colour), `\"red-green\"` (red, green, amber), `\"rgb565\"`, `\"rgb888\"`" },
	{ "protocol", K_STR, 0, 0, 0, O(struct ls_board, protocol), NULL, "board protocol, default \"lsp\"",
	  .doc = "how the board is spoken to: `\"lsp\"` (our own, docs/protocol.md) and the vendor protocols this build has (`ledsign check` lists them when it meets an unknown one)",
	  .def = "`\"lsp\"`" },
	{ "address", K_STR, 1, 0, 0, O(struct ls_board, address), NULL, "tcp:HOST:PORT, udp:HOST:PORT or serial:DEVICE",
	  .doc = "`\"tcp:HOST:PORT\"`, `\"udp:HOST:PORT\"` or `\"serial:/dev/ttyUSB0\"`" },
	{ "groups", K_STRLIST, 0, 0, 0, O(struct ls_board, groups), NULL, "group names",
	  .doc = "group names rules and alerts can target, e.g. `[\"indoor\", \"dorms\"]`" },
	{ "color", K_COLOR, 0, 0, 0, O(struct ls_board, color), NULL, "LED colour of a mono board",
	  .doc = "LED colour of a mono board, for previews" },
	{ "brightness", K_INT, 0, 0, 100, O(struct ls_board, brightness), NULL, "percent",
	  .doc = "percent, when no schedule rule sets one" },
	{ "baud", K_INT, 0, 50, 4000000, O(struct ls_board, serial.baud), NULL, "serial speed", NULL, NULL, NULL },
	{ "data_bits", K_INT, 0, 5, 8, O(struct ls_board, serial.data_bits), NULL, "serial data bits", NULL, NULL, NULL },
	{ "parity", K_PARITY, 0, 0, 0, O(struct ls_board, serial.parity), NULL, "\"none\", \"even\" or \"odd\"",
	  .doc = "`\"none\"`, `\"even\"` or `\"odd\"`" },
	{ "stop_bits", K_INT, 0, 1, 2, O(struct ls_board, serial.stop_bits), NULL, "1 or 2",
	  .doc = "serial stop bits" },
	{ "flow", K_FLOW, 0, 0, 0, O(struct ls_board, serial.flow), NULL, "\"none\", \"rtscts\" or \"xonxoff\"",
	  .doc = "`\"none\"`, `\"rtscts\"` or `\"xonxoff\"`" },
	{ "rs485", K_BOOL, 0, 0, 0, O(struct ls_board, serial.rs485), NULL, "half-duplex RS-485 line", NULL, NULL, NULL },
	{ "universe", K_INT, 0, 0, 63999, O(struct ls_board, universe), NULL, "first DMX universe (e131, artnet)",
	  .doc = "first DMX universe (E1.31, Art-Net)",
	  .def = "protocol default" },
	{ "pixel_order", K_STR, 0, 0, 0, O(struct ls_board, pixel_order), NULL, "\"rgb\", \"grb\", ...",
	  .doc = "`\"rgb\"`, `\"grb\"`, ... (E1.31, Art-Net, DDP)",
	  .def = "`\"rgb\"`" },
	{ "screen_address", K_INT, 0, 0, 65535, O(struct ls_board, screen_address), NULL, "Onbon card address",
	  .def = "broadcast" },
	{ "card", K_STR, 0, 0, 0, O(struct ls_board, card), NULL, "Onbon card model, e.g. \"bx-5e\"",
	  .doc = "Onbon card model, e.g. `\"bx-5e\"`" },
	{ "bx_transparency", K_INT, 0, 0, 102, O(struct ls_board, bx_transparency), NULL, "Onbon 6E/6Q Transparency byte; 0 as the manual, the SDK sends 101",
	  .doc = "Onbon 6E/6Q: the area's Transparency byte. The manual gives no value and the vendor's small Java encoder sends 0; the official SDK sends 101 (overlay on the background). See docs/protocols.md" },
	{ "bx_area_type", K_ENUM, 0, 0, 0, O(struct ls_board, bx_area_type), bx_source_names, "Onbon 5E/5Q AreaType: \"manual\" 0x10 or \"sdk\" 0x00",
	  .doc = "Onbon 5E/5Q: AreaType of the dynamic area, `\"manual\"` 0x10 (the 5th-generation manual) or `\"sdk\"` 0x00 (the bx05 SDK)" },
	{ "bx_cmd_reserved", K_ENUM, 0, 0, 0, O(struct ls_board, bx_cmd_reserved), bx_source_names, "Onbon: the 2 bytes after Cmd, \"manual\" 0 or \"sdk\" a length",
	  .doc = "Onbon: the 2 bytes after Cmd in A7 00, `\"manual\"` 0 (Reserved) or `\"sdk\"` the length of what follows them (the SDK jars)" },
	{ "artnet_sync", K_BOOL, 0, 0, 0, O(struct ls_board, artnet_sync), NULL, "send ArtSync after each frame (artnet)",
	  .doc = "send ArtSync after each frame (Art-Net); see docs/protocols.md" },
	{ "multicast_if", K_STR, 0, 0, 0, O(struct ls_board, multicast_if), NULL, "IPv4 address of the interface multicast goes out by, e.g. \"10.1.2.3\"; default: by route",
	  .doc = "IPv4 address of the network card E1.31 multicast leaves by, e.g. `\"10.1.2.3\"` (a controller with a separate lighting network)",
	  .def = "by route" },
	{ "keepalive", K_INT, 0, 100, 60000, O(struct ls_board, keepalive), NULL, "ms between resends of an unchanged picture; default 1000 for ddp, e131, artnet, 5000 otherwise",
	  .doc = "milliseconds between resends of an unchanged picture; DDP, E1.31 and Art-Net receivers give a sender up after 2.5 s, so keep it well under that",
	  .def = "`1000` for DDP, E1.31, Art-Net; `5000` otherwise" },
	{ .name = NULL },
};

static const struct key font_keys[] = {
	{ "name", K_STR, 1, 0, 0, O(struct ls_font, name), NULL, "name content items use",
	  .doc = "what content items write in `font`" },
	{ "family", K_STR, 0, 0, 0, O(struct ls_font, family), NULL, "fontconfig family name",
	  .doc = "a fontconfig family name" },
	{ "file", K_STR, 0, 0, 0, O(struct ls_font, file), NULL, "font file path",
	  .doc = "or a font file, relative to the config file" },
	{ .name = NULL },
};

static const struct key content_keys[] = {
	{ "name", K_STR, 1, 0, 0, O(struct ls_content, name), NULL, "unique item name",
	  .doc = "unique; playlists refer to it" },
	{ "text", K_STR, 0, 0, 0, O(struct ls_content, text), NULL, "UTF-8 text with optional {fields}",
	  .doc = "UTF-8, at most 4096 bytes (about 1365 Chinese characters; split longer texts into several items); may contain live fields `{date}`, `{time}`, `{weekday}` (星期二), `{countdown:YYYY-MM-DD}` (days left)" },
	{ "image", K_STR, 0, 0, 0, O(struct ls_content, image), NULL, "PNG file",
	  .doc = "a PNG file, relative to the config file; `check` decodes it in full: truncated or corrupt files and images over 8 Mi pixels are errors at the item's line" },
	{ "font", K_STR, 0, 0, 0, O(struct ls_content, font), NULL, "font entry or family",
	  .doc = "a `fonts` entry or a family name",
	  .def = "`default_font`" },
	{ "size", K_INT, 0, 0, 512, O(struct ls_content, size), NULL, "text height in pixels, 0 = fit",
	  .doc = "text height in pixels; 0 = the largest that fits" },
	{ "effect", K_ENUM, 0, 0, 0, O(struct ls_content, effect), effect_names, "how it moves",
	  .doc = "`\"static\"`, `\"scroll-left\"`, `\"scroll-up\"`, `\"flash\"`" },
	{ "speed", K_NUM, 0, 0.1, 10000, O(struct ls_content, speed), NULL, "scroll speed, pixels per second", NULL, NULL, NULL },
	{ "flash_hz", K_NUM, 0, 0.1, 50, O(struct ls_content, flash_hz), NULL, "flashes per second", NULL, NULL, NULL },
	{ "align", K_ENUM, 0, 0, 0, O(struct ls_content, align), align_names, "horizontal alignment",
	  .doc = "`\"left\"`, `\"center\"`, `\"right\"`" },
	{ "valign", K_ENUM, 0, 0, 0, O(struct ls_content, valign), valign_names, "vertical alignment",
	  .doc = "`\"top\"`, `\"middle\"`, `\"bottom\"`" },
	{ "fit", K_ENUM, 0, 0, 0, O(struct ls_content, fit), fit_names, "how an image fills the board",
	  .doc = "images: `\"fit\"` (whole image, letterboxed), `\"fill\"` (cover, cropped), `\"stretch\"`" },
	{ "line_spacing", K_INT, 0, -64, 64, O(struct ls_content, line_spacing), NULL, "extra pixels between lines", NULL, NULL, NULL },
	{ "color", K_COLOR, 0, 0, 0, O(struct ls_content, color), NULL, "text colour",
	  .doc = "text colour (mono boards use their LED colour)" },
	{ "background", K_COLOR, 0, 0, 0, O(struct ls_content, background), NULL, "background colour",
	  .doc = "background" },
	{ "duration", K_NUM, 0, 0.1, 86400, O(struct ls_content, duration), NULL, "seconds per turn",
	  .doc = "seconds shown per turn in a playlist" },
	{ "repeat", K_INT, 0, 1, 1000, O(struct ls_content, repeat), NULL, "turns per playlist pass",
	  .doc = "turns per pass of a playlist" },
	{ .name = NULL },
};

static const struct key cap_area_keys[] = {
	{ "match", K_STR, 1, 0, 0, O(struct ls_cap_area, match), NULL, "CAP <areaDesc> or <audience> text (any case), or \"*\"",
	  .doc = "a CAP `<areaDesc>` or `<audience>` text (any case), or `\"*\"` for any" },
	{ "groups", K_STRLIST, 1, 0, 0, O(struct ls_cap_area, groups), NULL, "board groups, or \"all\"",
	  .doc = "board groups the alert goes to, or `\"all\"`; each group must exist" },
	{ .name = NULL },
};

static const struct key playlist_keys[] = {
	{ "name", K_STR, 1, 0, 0, O(struct ls_playlist, name), NULL, "unique playlist name",
	  .doc = "unique; schedule rules and `fallback` refer to it" },
	{ "items", K_SPECIAL, 1, 0, 0, 0, NULL, "content names, or groups with item/duration/repeat/hours",
	  .doc = "content names in order; an item may be a group to override its timing, below",
	  .type_doc = "list" },
	{ .name = NULL },
};

const struct key config_entry_keys[] = {
	{ "item", K_STR, 1, 0, 0, O(struct ls_playlist_entry, item), NULL, "content name",
	  .doc = "content name" },
	{ "duration", K_NUM, 0, 0.1, 86400, O(struct ls_playlist_entry, duration), NULL, "seconds",
	  .doc = "seconds per turn",
	  .def = "the content's" },
	{ "repeat", K_INT, 0, 1, 1000, O(struct ls_playlist_entry, repeat), NULL, "turns",
	  .doc = "turns per pass",
	  .def = "the content's" },
	{ "hours", K_HOURS, 0, 0, 0, O(struct ls_playlist_entry, from_min), NULL, "daily window \"HH:MM-HH:MM\"",
	  .doc = "the item plays only inside this daily window; outside it, it is left out of the loop (a window across midnight belongs to the day it starts, as for rules)",
	  .def = "always" },
	{ "weekdays", K_WEEKDAYS, 0, 0, 0, O(struct ls_playlist_entry, weekdays), NULL, "e.g. [\"wed\"] or \"weekend\"",
	  .doc = "the item plays only on these days of the week, e.g. `[\"wed\"]`, `\"weekend\"`; on others it is left out of the loop",
	  .def = "every day" },
	{ "dates", K_DATELIST, 0, 0, 0, O(struct ls_playlist_entry, dates), NULL, "only these days",
	  .doc = "the item plays only on these days, e.g. `[\"2023-09-13\"]`; with `weekdays`, a day must be both",
	  .def = "any day" },
	{ .name = NULL },
};

static const struct key layout_keys[] = {
	{ "name", K_STR, 1, 0, 0, O(struct ls_layout, name), NULL, "unique layout name",
	  .doc = "unique; schedule rules refer to it with `layout`" },
	{ "width", K_INT, 1, 1, 4096, O(struct ls_layout, width), NULL, "LEDs across: the width of the boards it is for",
	  .doc = "LEDs across: only boards of this width and height may show it (`check` says which do not)" },
	{ "height", K_INT, 1, 1, 4096, O(struct ls_layout, height), NULL, "LEDs down: the height of the boards it is for",
	  .doc = "LEDs down" },
	{ "areas", K_SPECIAL, 1, 0, 0, 0, NULL, "the areas: groups with x, y, width, height, playlist",
	  .doc = "1 to 16 areas, below; a later area is drawn over an earlier one where they overlap (`check` warns)",
	  .type_doc = "list of groups" },
	{ .name = NULL },
};

static const struct key area_keys[] = {
	{ "name", K_STR, 0, 0, 0, O(struct ls_area, name), NULL, "label in reports",
	  .doc = "label in `schedule`, `check` and `status`",
	  .def = "`\"area#N\"`" },
	{ "x", K_INT, 0, 0, 4095, O(struct ls_area, x), NULL, "left edge, LEDs from the board's left",
	  .doc = "left edge, in LEDs from the board's left" },
	{ "y", K_INT, 0, 0, 4095, O(struct ls_area, y), NULL, "top edge, LEDs from the board's top",
	  .doc = "top edge, in LEDs from the board's top" },
	{ "width", K_INT, 1, 1, 4096, O(struct ls_area, width), NULL, "LEDs across",
	  .doc = "LEDs across; the area must stay on the layout" },
	{ "height", K_INT, 1, 1, 4096, O(struct ls_area, height), NULL, "LEDs down",
	  .doc = "LEDs down; `check` warns when it is lower than an item's text needs" },
	{ "playlist", K_STR, 1, 0, 0, O(struct ls_area, playlist), NULL, "playlist shown in the area",
	  .doc = "what plays in the area, on its own timing: items are drawn at the area's size with their own effects and live fields" },
	{ .name = NULL },
};

static const struct key rule_keys[] = {
	{ "name", K_STR, 0, 0, 0, O(struct ls_rule, name), NULL, "label in reports",
	  .doc = "label in `schedule` reports and warnings",
	  .def = "`\"rule@LINE\"`" },
	{ "kind", K_ENUM, 0, 0, 0, O(struct ls_rule, kind), kind_names, "\"play\", \"off\" or \"power-off\"",
	  .doc = "`\"play\"` a playlist, `\"off\"` (board blank), `\"power-off\"` (board powered down: an LSP board that offers POWER gets POWER 0 and keeps its picture for later; other boards are sent black)" },
	{ "playlist", K_STR, 0, 0, 0, O(struct ls_rule, playlist), NULL, "playlist to show",
	  .doc = "for `\"play\"`; a play rule with `brightness` and no playlist only dims" },
	{ "layout", K_STR, 0, 0, 0, O(struct ls_rule, layout), NULL, "layout to show instead of a playlist",
	  .doc = "for `\"play\"`, instead of `playlist`: a `layouts` entry, each area playing its own playlist; every board the rule selects must have the layout's size" },
	{ "boards", K_STRLIST, 1, 0, 0, O(struct ls_rule, boards), NULL, "board names, group names or \"all\"",
	  .doc = "board names, group names, or `\"all\"`" },
	{ "from", K_DATE, 0, 0, 0, O(struct ls_rule, from), NULL, "first day, YYYY-MM-DD",
	  .doc = "first day, included",
	  .def = "open" },
	{ "to", K_DATE, 0, 0, 0, O(struct ls_rule, to), NULL, "last day, YYYY-MM-DD",
	  .doc = "last day, included",
	  .def = "open" },
	{ "dates", K_DATELIST, 0, 0, 0, O(struct ls_rule, dates), NULL, "special days only",
	  .doc = "special days: the rule applies only on these",
	  .def = "any day" },
	{ "weekdays", K_WEEKDAYS, 0, 0, 0, O(struct ls_rule, weekdays), NULL, "e.g. [\"mon\", \"tue\"] or \"weekend\"",
	  .doc = "e.g. `[\"mon\", \"wed\"]`, `\"weekend\"`",
	  .def = "every day" },
	{ "hours", K_HOURS, 0, 0, 0, O(struct ls_rule, start_min), NULL, "daily window \"HH:MM-HH:MM\"",
	  .doc = "daily window, e.g. `\"07:00-22:00\"`, or `\"22:00-06:00\"` across midnight",
	  .def = "all day" },
	{ "priority", K_INT, 0, -1000, 1000, O(struct ls_rule, priority), NULL, "higher wins",
	  .doc = "higher wins",
	  .def = "100 with `dates`, else 0" },
	{ "brightness", K_INT, 0, 0, 100, O(struct ls_rule, brightness), NULL, "percent while in force",
	  .doc = "percent while the rule applies",
	  .def = "unchanged" },
	{ .name = NULL },
};

static const char *
type_word(enum key_type t)
{
	switch (t) {
	case K_INT: return "a whole number";
	case K_NUM: return "a number";
	case K_BOOL: return "true or false";
	case K_STRLIST: return "a string or a list of strings";
	case K_DATELIST: return "a list of dates";
	case K_WEEKDAYS: return "a string or a list of day names";
	case K_SPECIAL: return "a list";
	default: return "a string";
	}
}

static int
line_of(const config_setting_t *s)
{
	return (int)config_setting_source_line(s);
}

/* The code points of UTF-8 `s`, ASCII folded to lower case; at most cap.
 * A byte that does not start a sequence counts as one point of its own. */
static size_t
utf8_points(const char *s, uint32_t *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p && n < cap) {
		uint32_t c = *p++;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (more) {
			c &= 0x3fu >> more;
			for (; more > 0 && (*p & 0xc0) == 0x80; more--)
				c = (c << 6) | (*p++ & 0x3f);
		} else
			c = (uint32_t)tolower((int)c);
		out[n++] = c;
	}
	return n;
}

/* Edit distance for "did you mean": insertions, deletions, substitutions
 * and swaps of neighbours (optimal string alignment), counted in code
 * points so that a mistyped Chinese character is one edit, not three
 * bytes' worth; ASCII compared without case.  99 past 63 code points. */
static int
distance(const char *a, const char *b)
{
	uint32_t ca[64], cb[64];
	size_t la = utf8_points(a, ca, 64), lb = utf8_points(b, cb, 64);
	int d2[64], prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int d = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
			if (prev[j] + 1 < d) d = prev[j] + 1;
			if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] && d2[j - 2] + 1 < d)
				d = d2[j - 2] + 1;
			cur[j] = d;
		}
		memcpy(d2, prev, sizeof(int) * (lb + 1));
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

/* The known name nearest `name` if it is near enough to be a typing
 * mistake (1 edit up to 4 code points, 2 up to 8, else 3), else NULL.
 * Ties go to the name that comes first in the file. */
static const char *
suggest(const struct name_index *x, const char *name)
{
	uint32_t tmp[64];
	size_t len = utf8_points(name, tmp, 64);
	int max = len <= 4 ? 1 : len <= 8 ? 2 : 3, bestd = max + 1;
	const char *best = NULL;
	size_t bestpos = 0;

	for (size_t i = 0; x->key && i < x->cap; i++) {
		int d;

		if (x->key[i] == NULL || (d = distance(x->key[i], name)) > max || (size_t)d >= len)
			continue;
		if (d < bestd || (d == bestd && x->val[i] < bestpos)) {
			bestd = d;
			best = x->key[i];
			bestpos = x->val[i];
		}
	}
	return best;
}

/* "; did you mean \"NAME\"?" for the nearest of up to two indexes, or "". */
static const char *
did_you_mean(const struct name_index *a, const struct name_index *b, const char *name, char *buf, size_t len)
{
	const char *s = suggest(a, name), *t = b ? suggest(b, name) : NULL;
	size_t n = strlen(name);

	/* libconfig joins strings written side by side: ["a" "b"] is ["ab"] */
	for (size_t i = 1; i < n && n < 256; i++) {
		char head[256];

		if (((unsigned char)name[i] & 0xc0) == 0x80)
			continue;
		memcpy(head, name, i);
		head[i] = '\0';
		if ((name_index_find(a, head) >= 0 || (b && name_index_find(b, head) >= 0)) &&
		    (name_index_find(a, name + i) >= 0 || (b && name_index_find(b, name + i) >= 0))) {
			snprintf(buf, len, "; a ',' is missing between \"%.200s\" and \"%.200s\" (strings written side by side "
			    "are joined into one)", head, name + i);
			return buf;
		}
	}
	if (t && (!s || distance(t, name) < distance(s, name)))
		s = t;
	if (s == NULL)
		return "";
	snprintf(buf, len, "; did you mean \"%s\"?", s);
	return buf;
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		int n;
		unsigned cp;
		if (c < 0x80) { p++; continue; }
		else if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
		else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
		else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
		else return 0;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* "HH:MM" in form: two digits, a colon, two digits (the range is
 * ls_parse_hhmm's to judge). */
static int
hhmm_shaped(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]);
}

static const struct { const char *name; ls_rgb rgb; } color_names[] = {
	{ "black", 0x000000 }, { "white", 0xffffff }, { "red", 0xff0000 },
	{ "green", 0x00ff00 }, { "blue", 0x0000ff }, { "yellow", 0xffff00 },
	{ "amber", 0xffbf00 }, { "orange", 0xff8000 }, { "cyan", 0x00ffff },
	{ "magenta", 0xff00ff },
};

static int
parse_color(const char *s, ls_rgb *out)
{
	if (s[0] == '#' && strlen(s) == 7) {
		char *end;
		unsigned long v = strtoul(s + 1, &end, 16);
		if (*end == '\0' && isxdigit((unsigned char)s[1])) {
			*out = (ls_rgb)v;
			return 0;
		}
		return -1;
	}
	for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++)
		if (strcmp(s, color_names[i].name) == 0) {
			*out = color_names[i].rgb;
			return 0;
		}
	return -1;
}

static int
parse_weekday(const char *s, uint8_t *mask)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

	if (strcmp(s, "weekdays") == 0) { *mask |= 0x3e; return 0; }
	if (strcmp(s, "weekend") == 0) { *mask |= 0x41; return 0; }
	if (strcmp(s, "every") == 0 || strcmp(s, "daily") == 0) { *mask |= 0x7f; return 0; }
	for (int i = 0; i < 7; i++)
		if (strncasecmp(s, days[i], 3) == 0) {
			*mask |= (uint8_t)(1u << i);
			return 0;
		}
	return -1;
}

static char *
names_list(const char *const *names, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i]; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s\"%s\"",
		    i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
	return buf;
}

static int
is_string(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_STRING;
}

/* A string setting's value, checked for UTF-8; NULL (after an error) otherwise. */
static const char *
get_string(struct loader *L, const config_setting_t *s, const char *what)
{
	const char *v = config_setting_get_string(s);

	if (!utf8_valid(v)) {
		ERR(L, line_of(s), "%s is not valid UTF-8; save the file as UTF-8", what);
		return NULL;
	}
	return v;
}

static int
store_strlist(struct loader *L, const config_setting_t *s, const char *what, struct ls_strlist *out)
{
	int n;

	if (is_string(s)) {
		const char *v = get_string(L, s, what);
		if (v == NULL)
			return -1;
		out->v = calloc(1, sizeof(char *));
		out->v[0] = strdup(v);
		out->n = 1;
		return 0;
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		ERR(L, line_of(s), "%s must be a string or a list of strings", what);
		return -1;
	}
	n = config_setting_length(s);
	out->v = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v;
		if (!is_string(e)) {
			ERR(L, line_of(e) ? line_of(e) : line_of(s), "%s must list strings (in quotes)", what);
			continue;
		}
		if ((v = get_string(L, e, what)) != NULL)
			out->v[out->n++] = strdup(v);
	}
	return 0;
}

/* Check and store one setting `s` of a group according to key `k`. */
static void
store_key(struct loader *L, const struct key *k, const config_setting_t *s, void *obj,
    const char *where)
{
	char what[160], buf[256];
	char *p = (char *)obj + k->off;
	int line = line_of(s);
	int type = config_setting_type(s);

	snprintf(what, sizeof what, "%s%s%s", where, *where ? ": " : "", k->name);
	switch (k->type) {
	case K_STR: {
		const char *v;
		if (type != CONFIG_TYPE_STRING) {
			ERR(L, line, "%s must be a string (in double quotes)", what);
			return;
		}
		if ((v = get_string(L, s, what)) == NULL)
			return;
		if (*v == '\0' && k->required) {
			ERR(L, line, "%s must not be empty", what);
			return;
		}
		free(*(char **)p);
		*(char **)p = strdup(v);
		return;
	}
	case K_INT: {
		long long v;
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
			ERR(L, line, "%s must be a whole number without quotes, from %g to %g", what, k->min, k->max);
			return;
		}
		v = config_setting_get_int64(s);
		if (v < (long long)k->min || v > (long long)k->max) {
			ERR(L, line, "%s is %lld; it must be from %g to %g", what, v, k->min, k->max);
			return;
		}
		*(int *)p = (int)v;
		return;
	}
	case K_NUM: {
		double v;
		if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
			v = (double)config_setting_get_int64(s);
		else if (type == CONFIG_TYPE_FLOAT)
			v = config_setting_get_float(s);
		else {
			ERR(L, line, "%s must be a number", what);
			return;
		}
		if (v < k->min || v > k->max) {
			ERR(L, line, "%s is %g; it must be from %g to %g", what, v, k->min, k->max);
			return;
		}
		*(double *)p = v;
		return;
	}
	case K_BOOL:
		if (type != CONFIG_TYPE_BOOL) {
			ERR(L, line, "%s must be true or false", what);
			return;
		}
		*(int *)p = config_setting_get_bool(s);
		return;
	case K_ENUM: {
		const char *v;
		if (type != CONFIG_TYPE_STRING) {
			ERR(L, line, "%s must be one of %s", what, names_list(k->names, buf, sizeof buf));
			return;
		}
		v = config_setting_get_string(s);
		for (int i = 0; k->names[i]; i++)
			if (strcmp(v, k->names[i]) == 0) {
				*(int *)p = i;
				return;
			}
		ERR(L, line, "%s \"%s\" is not known; use %s", what, v, names_list(k->names, buf, sizeof buf));
		return;
	}
	case K_STRLIST:
		store_strlist(L, s, what, (struct ls_strlist *)p);
		return;
	case K_COLOR:
		if (type != CONFIG_TYPE_STRING || parse_color(config_setting_get_string(s), (ls_rgb *)p) < 0)
			ERR(L, line, "%s must be \"#RRGGBB\" or a colour name such as \"red\", \"amber\", \"white\"", what);
		return;
	case K_DATE:
		if (type != CONFIG_TYPE_STRING || ls_parse_date(config_setting_get_string(s), (ls_day *)p) < 0)
			ERR(L, line, "%s must be a real date written \"YYYY-MM-DD\", like \"2023-09-11\"", what);
		return;
	case K_DATELIST: {
		struct { ls_day *v; size_t n; } *dl = (void *)p;
		struct ls_strlist sl = { 0 };
		if (store_strlist(L, s, what, &sl) < 0)
			return;
		dl->v = calloc(sl.n + 1, sizeof(ls_day));
		for (size_t i = 0; i < sl.n; i++) {
			if (ls_parse_date(sl.v[i], &dl->v[dl->n]) < 0)
				ERR(L, line, "%s: \"%s\" is not a real date written \"YYYY-MM-DD\"", what, sl.v[i]);
			else
				dl->n++;
			free(sl.v[i]);
		}
		free(sl.v);
		return;
	}
	case K_HOURS: {
		const char *v;
		char a[8], b[8];
		int sm, em, n = 0;
		if (type != CONFIG_TYPE_STRING) {
			ERR(L, line, "%s must be a string \"HH:MM-HH:MM\", like \"07:00-22:00\"", what);
			return;
		}
		v = config_setting_get_string(s);
		if (sscanf(v, "%5[0-9:]-%5[0-9:]%n", a, b, &n) != 2 || v[n] != '\0' ||
		    !hhmm_shaped(a) || !hhmm_shaped(b)) {
			ERR(L, line, "%s \"%s\" must be \"HH:MM-HH:MM\", like \"07:00-22:00\" (a window may cross midnight: \"22:00-06:00\")", what, v);
			return;
		}
		/* written right, but not a time of day: say which and why */
		for (int e = 0; e < 2; e++) {
			const char *t = e == 0 ? a : b;
			if (ls_parse_hhmm(t, e == 0 ? &sm : &em) < 0) {
				ERR(L, line, "%s \"%s\": %s is out of range: the hour goes from 00 to 24 and the minutes "
				    "from 00 to 59 (24:00 is the end of the day; a window may cross midnight, like "
				    "\"22:00-06:00\")", what, v, t);
				return;
			}
		}
		if (sm == em) {
			ERR(L, line, "%s \"%s\" is empty; the start and end must differ", what, v);
			return;
		}
		((int *)p)[0] = sm;
		((int *)p)[1] = em;
		return;
	}
	case K_WEEKDAYS: {
		struct ls_strlist sl = { 0 };
		uint8_t mask = 0;
		if (store_strlist(L, s, what, &sl) < 0)
			return;
		for (size_t i = 0; i < sl.n; i++) {
			if (parse_weekday(sl.v[i], &mask) < 0)
				ERR(L, line, "%s: \"%s\" is not a day; use \"mon\"..\"sun\", \"weekdays\" or \"weekend\"", what, sl.v[i]);
			free(sl.v[i]);
		}
		free(sl.v);
		if (mask)
			*(uint8_t *)p = mask;
		return;
	}
	case K_PARITY: {
		const char *v = type == CONFIG_TYPE_STRING ? config_setting_get_string(s) : "";
		if (strcmp(v, "none") == 0) *p = 'n';
		else if (strcmp(v, "even") == 0) *p = 'e';
		else if (strcmp(v, "odd") == 0) *p = 'o';
		else ERR(L, line, "%s must be \"none\", \"even\" or \"odd\"", what);
		return;
	}
	case K_FLOW: {
		const char *v = type == CONFIG_TYPE_STRING ? config_setting_get_string(s) : "";
		if (strcmp(v, "none") == 0) *p = 'n';
		else if (strcmp(v, "rtscts") == 0) *p = 'r';
		else if (strcmp(v, "xonxoff") == 0) *p = 'x';
		else ERR(L, line, "%s must be \"none\", \"rtscts\" or \"xonxoff\"", what);
		return;
	}
	case K_SPECIAL:
		/* a K_SPECIAL documented as a group (district) is checked by its loader */
		if (k->type_doc && strcmp(k->type_doc, "group") == 0)
			return;
		if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY)
			ERR(L, line, "%s must be a list in ( ... )", what);
		return;
	}
}

/* Check every setting of group `g` against `keys`; store values into obj.
 * Returns a bitmask... no: returns 0 if every required key was present. */
static int
load_group(struct loader *L, const config_setting_t *g, const struct key *keys, void *obj,
    const char *where)
{
	int missing = 0;
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct key *k = NULL, *best = NULL;
		int bestd = 3;

		for (const struct key *kk = keys; kk->name && k == NULL; kk++)
			if (strcmp(kk->name, name) == 0)
				k = kk;
		/* edit distances only for a name that is not known (they were a
		 * third of the loader's time when computed for every setting) */
		for (const struct key *kk = keys; kk->name && k == NULL; kk++) {
			int d = distance(kk->name, name);
			if (d < bestd) {
				bestd = d;
				best = kk;
			}
		}
		if (k == NULL) {
			if (best)
				ERR(L, line_of(s), "%s%sunknown setting \"%s\"; did you mean \"%s\"?", where,
				    *where ? ": " : "", name, best->name);
			else
				ERR(L, line_of(s), "%s%sunknown setting \"%s\"; remove it or check the spelling (see docs/config.md)",
				    where, *where ? ": " : "", name);
			continue;
		}
		store_key(L, k, s, obj, where);
	}
	for (const struct key *k = keys; k->name; k++)
		if (k->required && config_setting_get_member(g, k->name) == NULL) {
			ERR(L, line_of(g), "%s%smissing required setting \"%s\" (%s: %s)", where,
			    *where ? ": " : "", k->name, type_word(k->type), k->help);
			missing = 1;
		}
	return missing ? -1 : 0;
}

/* The list `name` at top level as an array of groups; calls fn for each. */
static size_t
list_length(struct loader *L, const config_setting_t *root, const char *name, const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(root, name);

	*out = NULL;
	if (s == NULL || (config_setting_type(s) != CONFIG_TYPE_LIST && config_setting_type(s) != CONFIG_TYPE_ARRAY))
		return 0;
	*out = s;
	return (size_t)config_setting_length(s);
}

/* Each element of a section list must be a group { ... }. */
static const config_setting_t *
section_elem(struct loader *L, const config_setting_t *list, size_t i, const char *section)
{
	const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);

	if (!config_setting_is_group(e)) {
		ERR(L, line_of(e) ? line_of(e) : line_of(list),
		    "%s entry %zu must be a group in { ... }", section, i + 1);
		return NULL;
	}
	return e;
}

/* Index the section's names; a name used twice is an error at its second use. */
static void
check_duplicates(struct loader *L, const char *section, const void *arr, size_t n, size_t size,
    size_t name_off, size_t line_off, size_t file_off, struct name_index *idx)
{
	if (name_index_init(idx, n) != 0) {
		ERR(L, 0, "out of memory checking %s names", section);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *a = *(char *const *)((const char *)arr + i * size + name_off);
		long j;
		if (a == NULL || (j = name_index_add(idx, a, i)) < 0)
			continue;
		const char *fi = *(const char *const *)((const char *)arr + i * size + file_off);
		const char *fj = *(const char *const *)((const char *)arr + (size_t)j * size + file_off);
		ls_diag_add(L->diag, LS_DIAG_ERROR, fi, *(const int *)((const char *)arr + i * size + line_off),
		    "%s name \"%s\" is used twice (first at %s%sline %d); names must be unique", section, a,
		    fj != fi ? fj : "", fj != fi ? ":" : "",
		    *(const int *)((const char *)arr + (size_t)j * size + line_off));
	}
}

/*
 * Every list section (boards, fonts, content, ...) is read the same way:
 * each element must be a group; it gets the section's defaults, is checked
 * against the section's key table, then gets the section's own checks; and
 * names must be unique.  A section is described by a table row, not a copy
 * of this loop.
 */
struct section {
	const char       *list;       /* setting name, e.g. "boards" */
	size_t            file_off;   /* const char *src_file */
	const char       *what;       /* "board", for messages */
	const struct key *keys;
	size_t            size;       /* of one element */
	ptrdiff_t         name_off;   /* char *name, or -1 when elements have none */
	size_t            line_off;   /* int line */
	void (*defaults)(void *obj);
	void (*finish)(struct loader *, void *obj, const config_setting_t *e, const char *where);
	int               index;      /* IDX_* of its names, or -1 */
};

/* The config's own copy of the name of the file `s` came from (libconfig's
 * lives only as long as its config_t): the main file, or one it @includes. */
static const char *
source_file(struct loader *L, const config_setting_t *s)
{
	const char *f = s != NULL ? config_setting_source_file(s) : NULL;

	char *full = NULL;
	const char *name;

	if (f == NULL || strcmp(f, L->cfg->path) == 0)
		return L->cfg->path;
	/* libconfig 1.5 keeps an included file's name as written in
	 * @include; it is relative to the main file's directory */
	if (f[0] != '/' && (full = ls_config_resolve(L->cfg, f)) == NULL)
		return L->cfg->path;
	name = full ? full : f;
	for (size_t i = 0; i < L->cfg->files.n; i++)
		if (strcmp(L->cfg->files.v[i], name) == 0) {
			free(full);
			return L->cfg->files.v[i];
		}
	if (ls_strlist_add_unique(&L->cfg->files, name) < 0) {
		free(full);
		return L->cfg->path;
	}
	free(full);
	return L->cfg->files.v[L->cfg->files.n - 1];
}

static void *
load_section(struct loader *L, const config_setting_t *root, const struct section *sec, size_t *count)
{
	const char *saved = L->file;
	const config_setting_t *list;
	size_t n = list_length(L, root, sec->list, &list);
	char *arr = calloc(n + 1, sec->size);

	*count = 0;
	for (size_t i = 0; arr != NULL && i < n; i++) {
		const config_setting_t *e = section_elem(L, list, i, sec->list);
		char *obj = arr + *count * sec->size;
		const char *name = NULL;
		char where[96];
		int line;

		if (e == NULL)
			continue;
		(*count)++;
		line = line_of(e);
		*(int *)(obj + sec->line_off) = line;
		/* messages about this element name the file it is in */
		L->file = source_file(L, e);
		*(const char **)(obj + sec->file_off) = L->file;
		if (sec->defaults)
			sec->defaults(obj);
		/* named in messages by name, or by line when it has none (a
		 * schedule rule's name is optional) */
		config_setting_lookup_string(e, "name", &name);
		if (name)
			snprintf(where, sizeof where, "%s \"%s\"", sec->what, name);
		else if (sec->name_off >= 0)
			snprintf(where, sizeof where, "%s \"?\"", sec->what);
		else
			snprintf(where, sizeof where, "%s at line %d", sec->what, line);
		load_group(L, e, sec->keys, obj, where);
		if (sec->name_off >= 0 && *(char **)(obj + sec->name_off) == NULL) {
			char tmp[48];
			snprintf(tmp, sizeof tmp, "%s#%zu", sec->what, i + 1);
			*(char **)(obj + sec->name_off) = strdup(tmp);
		}
		if (sec->finish)
			sec->finish(L, obj, e, where);
		L->file = saved;
	}
	if (sec->name_off >= 0)
		check_duplicates(L, sec->what, arr, *count, sec->size, (size_t)sec->name_off, sec->line_off,
		    sec->file_off, &L->idx[sec->index]);
	return arr;
}

static void
board_defaults(void *obj)
{
	struct ls_board *b = obj;

	b->color = 0xff0000;
	b->brightness = 100;
	b->serial = (struct ls_serial){ 57600, 8, 'n', 1, 'n', 0 };
}

static void
board_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_board *b = obj;

	if (b->multicast_if) {
		struct in_addr ia;

		if (inet_pton(AF_INET, b->multicast_if, &ia) != 1)
			ERR(L, b->line, "%s: multicast_if \"%s\" is not an IPv4 address; give the address of the "
			    "network card multicast should leave by, e.g. \"10.1.2.3\"", where, b->multicast_if);
	}
	if (b->protocol == NULL)
		b->protocol = strdup("lsp");
	const struct proto_ops *ops = proto_find(b->protocol);
	if (b->address) {
		/* the transports' own parser: what check accepts, play can open */
		struct xport_addr xa;
		char xerr[256];

		if (xport_parse(b->address, proto_default_port(ops, b->address), &xa, xerr, sizeof xerr) < 0)
			ERR(L, b->line, "%s: address: %s", where, xerr);
		else if (xa.baud > 0) {
			/* "serial:DEV@9600" is the line speed everyone must use: the
			 * transport, and the protocol (LSP times retransmissions by it) */
			const config_setting_t *bs = config_setting_get_member(e, "baud");
			if (bs != NULL && b->serial.baud != xa.baud)
				ERR(L, line_of(bs), "%s: baud = %d but the address says @%d; keep one of them", where,
				    b->serial.baud, xa.baud);
			b->serial.baud = xa.baud;
		}
	}
	if (ops == NULL) {
		char buf[256];
		ERR(L, b->line, "%s: protocol \"%s\" is not known; use %s", where, b->protocol,
		    names_list(proto_names, buf, sizeof buf));
	} else if (b->width > 0 && !ops->supports(b->format))
		ERR(L, b->line, "%s: protocol \"%s\" cannot carry the %s format; choose another format or protocol",
		    where, b->protocol, ls_format_name(b->format));
	else if (b->width > 0 && b->height > 0) {
		/* The protocol's own options (card, universe, pixel_order, ...). */
		char perr[256];
		void *st = ops->init(b, perr, sizeof perr);
		if (st == NULL)
			ERR(L, b->line, "%s", perr);
		else
			ops->fini(st);
	}
}

static void
font_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_font *f = obj;

	if ((f->family == NULL) == (f->file == NULL))
		ERR(L, f->line, "%s: give exactly one of \"family\" or \"file\"", where);
}

static void
cap_area_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_cap_area *a = obj;

	if (a->match == NULL)
		a->match = strdup("?");
}

static void
content_defaults(void *obj)
{
	struct ls_content *it = obj;

	it->effect = LS_FX_STATIC;
	it->speed = 24;
	it->flash_hz = 1;
	it->align = LS_ALIGN_CENTER;
	it->valign = LS_VALIGN_MIDDLE;
	it->fit = LS_FIT_FIT;
	it->color = 0xffffff;
	it->background = 0;
	it->duration = 10;
	it->repeat = 1;
}

static void
content_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_content *it = obj;

	if ((it->text == NULL) == (it->image == NULL))
		ERR(L, it->line, "%s: give exactly one of \"text\" or \"image\"", where);
	if (it->text != NULL && strlen(it->text) > LS_CONFIG_TEXT_MAX) {
		const config_setting_t *t = config_setting_get_member(e, "text");
		ERR(L, t != NULL ? line_of(t) : it->line,
		    "%s: text is %zu bytes, more than the limit of %d bytes per item (about %d Chinese "
		    "characters); split it into several items of one playlist, or show it as a poster image",
		    where, strlen(it->text), LS_CONFIG_TEXT_MAX, LS_CONFIG_TEXT_MAX / 3);
	}
}

/* Playlist items: content names, or groups { item = ...; duration = ...; }. */
static void
playlist_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_playlist *p = obj;
	const config_setting_t *items;

	items = config_setting_get_member(e, "items");
	if (items == NULL || !config_setting_is_aggregate(items) || config_setting_is_group(items))
		return;
	size_t m = (size_t)config_setting_length(items);
	if (m == 0)
		ERR(L, line_of(items), "%s: items is empty; list at least one content name", where);
	p->entries = calloc(m + 1, sizeof *p->entries);
	for (size_t j = 0; j < m; j++) {
		const config_setting_t *it = config_setting_get_elem(items, (unsigned)j);
		struct ls_playlist_entry *pe = &p->entries[p->nentries];
		int ln = line_of(it) ? line_of(it) : line_of(items);

		pe->from_min = pe->to_min = -1;
		pe->line = ln;
		pe->src_file = p->src_file;
		if (is_string(it)) {
			const char *v = get_string(L, it, where);
			if (v == NULL)
				continue;
			pe->item = strdup(v);
		} else if (config_setting_is_group(it)) {
			char w2[128];
			snprintf(w2, sizeof w2, "%s item %zu", where, j + 1);
			load_group(L, it, config_entry_keys, pe, w2);
			if (pe->item == NULL) {
				free(pe->dates.v);
				memset(pe, 0, sizeof *pe);
				continue;
			}
			/* 0 is "every day" in the model (an entry built in code
			 * plays every day); a list naming no day is a mistake */
			if (config_setting_get_member(it, "weekdays") && pe->weekdays == 0)
				ERR(L, ln, "%s: weekdays names no day, so the item would never play; name the days "
				    "(e.g. [\"wed\"]) or remove weekdays", w2);
		} else {
			ERR(L, ln, "%s: each item must be a content name in quotes or a group { item = ...; }", where);
			continue;
		}
		p->nentries++;
	}
}

/* A layout's areas: groups checked by area_keys, each inside the layout;
 * overlapping areas are a warning (the later one is drawn over). */
static void
layout_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_layout *lo = obj;
	const config_setting_t *areas = config_setting_get_member(e, "areas");

	if (areas == NULL || !config_setting_is_aggregate(areas) || config_setting_is_group(areas))
		return;
	size_t m = (size_t)config_setting_length(areas);
	if (m == 0 || m > LS_LAYOUT_MAX_AREAS) {
		ERR(L, line_of(areas), "%s: areas has %zu entries; a layout has 1 to %d areas", where, m,
		    LS_LAYOUT_MAX_AREAS);
		if (m == 0)
			return;
		m = LS_LAYOUT_MAX_AREAS;
	}
	lo->areas = calloc(m + 1, sizeof *lo->areas);
	for (size_t j = 0; lo->areas != NULL && j < m; j++) {
		const config_setting_t *g = config_setting_get_elem(areas, (unsigned)j);
		struct ls_area *a = &lo->areas[lo->nareas];
		int ln = line_of(g) ? line_of(g) : line_of(areas);
		char w2[160];

		if (!config_setting_is_group(g)) {
			ERR(L, ln, "%s: area %zu must be a group { x = ...; y = ...; width = ...; height = ...; "
			    "playlist = ...; }", where, j + 1);
			continue;
		}
		a->line = ln;
		snprintf(w2, sizeof w2, "%s area %zu", where, j + 1);
		if (load_group(L, g, area_keys, a, w2) != 0) {
			free(a->name);
			free(a->playlist);
			memset(a, 0, sizeof *a);
			continue;
		}
		if (a->name == NULL) {
			char tmp[32];
			snprintf(tmp, sizeof tmp, "area#%zu", j + 1);
			a->name = strdup(tmp);
		}
		lo->nareas++;
	}
	for (size_t i = 0; i < lo->nareas && lo->width > 0 && lo->height > 0; i++) {
		const struct ls_area *a = &lo->areas[i];
		if (a->x + a->width > lo->width || a->y + a->height > lo->height) {
			int right = a->x + a->width > lo->width;
			int by = right ? a->x + a->width - lo->width : a->y + a->height - lo->height;
			ERR(L, a->line, "%s: area \"%s\" (%dx%d at %d,%d) leaves the %dx%d layout by %d LED%s at the %s; "
			    "make it smaller or move it %s", where, a->name, a->width, a->height, a->x, a->y,
			    lo->width, lo->height, by, by == 1 ? "" : "s", right ? "right" : "bottom", right ? "left" : "up");
		}
		for (size_t j = 0; j < i; j++) {
			const struct ls_area *b = &lo->areas[j];
			int x0 = a->x > b->x ? a->x : b->x, y0 = a->y > b->y ? a->y : b->y;
			int x1 = a->x + a->width < b->x + b->width ? a->x + a->width : b->x + b->width;
			int y1 = a->y + a->height < b->y + b->height ? a->y + a->height : b->y + b->height;
			if (x1 > x0 && y1 > y0)
				WARN(L, a->line, "%s: areas \"%s\" (line %d) and \"%s\" overlap in %dx%d LEDs at %d,%d; "
				    "\"%s\" is drawn over \"%s\" there: move or shrink one so they only touch",
				    where, b->name, b->line, a->name, x1 - x0, y1 - y0, x0, y0, a->name, b->name);
		}
	}
}

static void
rule_defaults(void *obj)
{
	struct ls_rule *r = obj;

	r->kind = LS_RULE_PLAY;
	r->from = r->to = LS_DAY_NONE;
	r->weekdays = 0x7f;
	r->start_min = r->end_min = -1;
	r->brightness = -1;
	r->priority = INT_MIN;
}

static void
rule_finish(struct loader *L, void *obj, const config_setting_t *e, const char *where)
{
	struct ls_rule *r = obj;

	if (r->priority == INT_MIN)
		r->priority = r->dates.n ? 100 : 0;
	if (r->name == NULL) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "rule@%d", r->line);
		r->name = strdup(tmp);
	}
	/* A play rule with brightness but no playlist only dims (schedule.h). */
	if (r->kind == LS_RULE_PLAY && r->playlist == NULL && r->layout == NULL && r->brightness < 0)
		ERR(L, r->line, "%s: missing \"playlist\" or \"layout\" (or set kind = \"off\", or "
		    "\"brightness\" for a rule that only dims)", where);
	if (r->playlist != NULL && r->layout != NULL)
		ERR(L, r->line, "%s: give \"playlist\" or \"layout\", not both (a layout's areas name their own "
		    "playlists)", where);
	if (r->kind != LS_RULE_PLAY && (r->playlist != NULL || r->layout != NULL))
		ERR(L, r->line, "%s: a rule of kind \"%s\" shows nothing; remove \"%s\"", where,
		    kind_names[r->kind], r->playlist ? "playlist" : "layout");
	if (r->from != LS_DAY_NONE && r->to != LS_DAY_NONE && r->to < r->from)
		ERR(L, r->line, "%s: \"to\" is before \"from\"; swap them", where);
}

/* Sections whose elements have a unique name, and those whose do not. */
#define SECTION(list, what, keys, type, defaults, finish, index) \
	{ list, offsetof(type, src_file), what, keys, sizeof(type), (ptrdiff_t)offsetof(type, name), offsetof(type, line), defaults, finish, index }
#define SECTION_UNNAMED(list, what, keys, type, defaults, finish) \
	{ list, offsetof(type, src_file), what, keys, sizeof(type), -1, offsetof(type, line), defaults, finish, -1 }

static const struct section board_section =
    SECTION("boards", "board", board_keys, struct ls_board, board_defaults, board_finish, IDX_BOARD);
static const struct section font_section =
    SECTION("fonts", "font", font_keys, struct ls_font, NULL, font_finish, IDX_FONT);
static const struct section content_section =
    SECTION("content", "content", content_keys, struct ls_content, content_defaults, content_finish,
        IDX_CONTENT);
static const struct section playlist_section =
    SECTION("playlists", "playlist", playlist_keys, struct ls_playlist, NULL, playlist_finish,
        IDX_PLAYLIST);
static const struct section layout_section =
    SECTION("layouts", "layout", layout_keys, struct ls_layout, NULL, layout_finish, IDX_LAYOUT);
static const struct section rule_section =
    SECTION_UNNAMED("schedule", "schedule rule", rule_keys, struct ls_rule, rule_defaults, rule_finish);
static const struct section cap_area_section =
    SECTION_UNNAMED("cap_areas", "cap_areas entry", cap_area_keys, struct ls_cap_area, NULL, cap_area_finish);

/* NULL when path is a regular file we may read, else why not.  Only
 * regular files: opening a FIFO nobody writes blocks the opener, so a font
 * or poster named as one would hang `ledsign check` and a reload. */
static const char *
file_unreadable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? "it is a directory" :
		    "it is not a regular file (a FIFO, socket or device); name the font or image file itself";
	return NULL;
}

/* Does fontconfig know a font whose family is `family`? */
static int
font_family_known(const char *family)
{
	FcPattern *pat;
	FcFontSet *fs;
	FcObjectSet *os;
	int found = 0;

	if (!FcInit())
		return 0;
	pat = FcPatternCreate();
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
	fs = FcFontList(NULL, pat, os);
	found = fs && fs->nfont > 0;
	if (fs)
		FcFontSetDestroy(fs);
	FcObjectSetDestroy(os);
	FcPatternDestroy(pat);
	return found;
}

static void
check_font_ref(struct loader *L, const char *font, const char *file, int line, const char *where)
{
	if (font == NULL || name_index_find(&L->idx[IDX_FONT], font) >= 0 || (L->flags & LS_CONFIG_NO_SYSTEM))
		return;
	if (strchr(font, '/')) {
		char *p = ls_config_resolve(L->cfg, font);
		const char *why = p ? file_unreadable(p) : "out of memory";
		if (why != NULL)
			ls_diag_add(L->diag, LS_DIAG_ERROR, file ? file : L->cfg->path, line, "%s: font file \"%s\" cannot be read: %s", where, p ? p : font, why);
		free(p);
	} else if (!font_family_known(font))
		ls_diag_add(L->diag, LS_DIAG_ERROR, file ? file : L->cfg->path, line, "%s: font \"%s\" is neither a fonts entry nor an installed font family (fc-list shows those)",
		    where, font);
}

/* Every poster decoded as the renderer will (size limits included), each
 * file once however many items show it: a truncated or corrupt PNG, or one
 * too large, is reported at every item that uses it. */
static void
check_images(struct loader *L)
{
	struct ls_config *c = L->cfg;
	struct name_index seen;
	char **why;

	if ((why = calloc(c->ncontent + 1, sizeof *why)) == NULL || name_index_init(&seen, c->ncontent) != 0) {
		free(why);
		ERR(L, 0, "out of memory checking images");
		return;
	}
	for (size_t i = 0; i < c->ncontent; i++) {
		struct ls_content *it = &c->content[i];
		const char *e, *bad;
		long first;

		if (it->image == NULL)
			continue;
		if ((first = name_index_add(&seen, it->image, i)) < 0) {
			char *p = ls_config_resolve(c, it->image);
			char err[512];
			if (p == NULL)
				why[i] = strdup("cannot be checked: out of memory");
			else if ((bad = file_unreadable(p)) != NULL) {
				if (asprintf(&why[i], "\"%s\" cannot be read: %s", p, bad) < 0)
					why[i] = NULL;
			} else if (render_png_check(p, NULL, NULL, err, sizeof err) != 0) {
				/* the decoder's message names the file and what to do */
				if (asprintf(&why[i], "cannot be shown: %s", err) < 0)
					why[i] = NULL;
			}
			free(p);
			e = why[i];
		} else
			e = why[first];
		if (e != NULL)
			ERR_AT(L, it, "content \"%s\": image %s", it->name, e);
	}
	for (size_t i = 0; i < c->ncontent; i++)
		free(why[i]);
	free(why);
	name_index_free(&seen);
}

/* Is t a board group? */
static int
is_group(struct loader *L, const char *t)
{
	return name_index_find(&L->idx[IDX_GROUP], t) >= 0;
}

static void
check_references(struct loader *L)
{
	struct ls_config *c = L->cfg;
	char where[128], dym[600];
	size_t ngroups = 0;

	for (size_t b = 0; b < c->nboards; b++)
		ngroups += c->boards[b].groups.n;
	if (name_index_init(&L->idx[IDX_GROUP], ngroups) != 0)
		ERR(L, 0, "out of memory checking board groups");
	else
		for (size_t b = 0; b < c->nboards; b++)
			for (size_t g = 0; g < c->boards[b].groups.n; g++)
				name_index_add(&L->idx[IDX_GROUP], c->boards[b].groups.v[g], b);
	for (size_t i = 0; i < c->nfonts && !(L->flags & LS_CONFIG_NO_SYSTEM); i++) {
		struct ls_font *f = &c->fonts[i];
		snprintf(where, sizeof where, "font \"%s\"", f->name);
		if (f->file) {
			char *p = ls_config_resolve(c, f->file);
			const char *why = p ? file_unreadable(p) : "out of memory";
			if (why != NULL)
				ERR_AT(L, f, "%s: file \"%s\" cannot be read: %s", where, p ? p : f->file, why);
			free(p);
		} else if (f->family && !font_family_known(f->family))
			ERR_AT(L, f, "%s: family \"%s\" is not installed (fc-list shows those)", where, f->family);
	}
	if (c->default_font)
		check_font_ref(L, c->default_font, NULL, 0, "default_font");
	for (size_t i = 0; i < c->ncontent; i++) {
		struct ls_content *it = &c->content[i];
		snprintf(where, sizeof where, "content \"%s\"", it->name);
		check_font_ref(L, it->font, it->src_file, it->line, where);
	}
	if (!(L->flags & LS_CONFIG_NO_SYSTEM))
		check_images(L);
	for (size_t i = 0; i < c->nplaylists; i++) {
		struct ls_playlist *p = &c->playlists[i];
		for (size_t j = 0; j < p->nentries; j++)
			if (p->entries[j].item != NULL && name_index_find(&L->idx[IDX_CONTENT], p->entries[j].item) < 0)
				ERR_AT(L, &p->entries[j], "playlist \"%s\": item \"%s\" is not in content%s", p->name,
				    p->entries[j].item, did_you_mean(&L->idx[IDX_CONTENT], NULL, p->entries[j].item, dym,
				    sizeof dym));
	}
	if (c->fallback && name_index_find(&L->idx[IDX_PLAYLIST], c->fallback) < 0)
		ERR(L, 0, "fallback: playlist \"%s\" does not exist%s", c->fallback,
		    did_you_mean(&L->idx[IDX_PLAYLIST], NULL, c->fallback, dym, sizeof dym));
	for (size_t i = 0; i < c->nlayouts; i++) {
		const struct ls_layout *lo = &c->layouts[i];
		for (size_t j = 0; j < lo->nareas; j++)
			/* NULL: missing or not valid UTF-8, reported already */
			if (lo->areas[j].playlist != NULL && name_index_find(&L->idx[IDX_PLAYLIST], lo->areas[j].playlist) < 0)
				ERR(L, lo->areas[j].line, "layout \"%s\" area \"%s\": playlist \"%s\" does not exist; "
				    "add it to playlists or name one that is there%s", lo->name, lo->areas[j].name,
				    lo->areas[j].playlist, did_you_mean(&L->idx[IDX_PLAYLIST], NULL, lo->areas[j].playlist,
				    dym, sizeof dym));
	}
	for (size_t i = 0; i < c->nrules; i++) {
		struct ls_rule *r = &c->rules[i];

		ls_rule_where(r, where, sizeof where);
		if (r->playlist && name_index_find(&L->idx[IDX_PLAYLIST], r->playlist) < 0)
			ERR_AT(L, r, "%s: playlist \"%s\" does not exist%s", where, r->playlist,
			    did_you_mean(&L->idx[IDX_PLAYLIST], NULL, r->playlist, dym, sizeof dym));
		if (r->layout) {
			long li = name_index_find(&L->idx[IDX_LAYOUT], r->layout);
			if (li < 0)
				ERR_AT(L, r, "%s: layout \"%s\" does not exist; add it to layouts%s", where, r->layout,
				    did_you_mean(&L->idx[IDX_LAYOUT], NULL, r->layout, dym, sizeof dym));
			else {
				/* areas are placed in LEDs: a layout fits boards of its own size only */
				const struct ls_layout *lo = &c->layouts[li];
				for (size_t b = 0; b < c->nboards; b++) {
					const struct ls_board *bd = &c->boards[b];
					if (ls_board_selected(bd, &r->boards) && (bd->width != lo->width || bd->height != lo->height))
						ERR_AT(L, r, "%s: layout \"%s\" is for %dx%d boards but board "
						    "\"%s\" is %dx%d; name only boards of that size in the rule, or make a layout "
						    "for %dx%d", where, lo->name, lo->width, lo->height, bd->name, bd->width,
						    bd->height, bd->width, bd->height);
				}
			}
		}
		for (size_t j = 0; j < r->boards.n; j++) {
			const char *t = r->boards.v[j];
			int ok = strcmp(t, "all") == 0 || name_index_find(&L->idx[IDX_BOARD], t) >= 0 || is_group(L, t);
			if (!ok)
				ERR_AT(L, r, "%s: \"%s\" is neither a board nor a group%s", where, t,
				    *did_you_mean(&L->idx[IDX_BOARD], &L->idx[IDX_GROUP], t, dym, sizeof dym) ? dym :
				    "; check boards");
		}
	}
	/* the control socket's user and group lists: a warning only, since the
	 * file may be checked on another machine */
	{
		static const struct { const char *key; size_t off; int group; } acl[] = {
			{ "control_users", O(struct ls_config, control_users), 0 },
			{ "control_groups", O(struct ls_config, control_groups), 1 },
			{ "control_viewers", O(struct ls_config, control_viewers), 0 },
			{ "control_viewer_groups", O(struct ls_config, control_viewer_groups), 1 },
			{ "control_operators", O(struct ls_config, control_operators), 0 },
			{ "control_operator_groups", O(struct ls_config, control_operator_groups), 1 },
			{ "control_admins", O(struct ls_config, control_admins), 0 },
			{ "control_admin_groups", O(struct ls_config, control_admin_groups), 1 },
		};
		for (size_t k = 0; k < sizeof acl / sizeof acl[0]; k++) {
			const struct ls_strlist *l = (const struct ls_strlist *)((const char *)c + acl[k].off);
			for (size_t i = 0; i < l->n; i++) {
				const char *u = l->v[i];
				if (strspn(u, "0123456789") == strlen(u))
					continue;
				if (acl[k].group ? getgrnam(u) == NULL : getpwnam(u) == NULL)
					WARN(L, 0, "%s: no %s \"%s\" on this machine; it will be ignored", acl[k].key,
					    acl[k].group ? "group" : "user", u);
			}
		}
	}
	for (size_t i = 0; i < c->ncap_areas; i++) {
		struct ls_cap_area *a = &c->cap_areas[i];
		for (size_t j = 0; j < a->groups.n; j++) {
			const char *t = a->groups.v[j];
			int ok = strcmp(t, "all") == 0 || is_group(L, t);
			if (!ok)
				ERR_AT(L, a, "cap_areas: \"%s\" is not a board group; use a group from boards or \"all\"", t);
		}
	}
}

static void
district_defaults(void *obj)
{
	struct ls_district *d = obj;

	d->tls = 1;
	d->keepalive = 30;
}

static void
load_district(struct loader *L, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "district");
	struct ls_district *d;

	if (g == NULL)
		return;
	if (!config_setting_is_group(g)) {
		ERR(L, line_of(g), "district must be a group in { ... }");
		return;
	}
	if ((d = calloc(1, sizeof *d)) == NULL) {
		ERR(L, line_of(g), "out of memory");
		return;
	}
	district_defaults(d);
	d->line = line_of(g);
	L->cfg->district = d;
	if (load_group(L, g, district_keys, d, "district") != 0)
		return;
	if (!dmsg_name_ok(d->district))
		ERR(L, d->line, "district: district \"%s\" must be 1..64 of a-z, 0-9, _ and - (it is a topic level)", d->district);
	if (!dmsg_name_ok(d->school))
		ERR(L, d->line, "district: school \"%s\" must be 1..64 of a-z, 0-9, _ and - (it is a topic level)", d->school);
	if (strcmp(d->school, "bureau") == 0)
		ERR(L, d->line, "district: school may not be called \"bureau\" (the bureau's own topics are named so)");
	if (d->port == 0)
		d->port = d->tls ? 8883 : 1883;
	if (d->username == NULL)
		d->username = strdup(d->school);
	if ((d->cert_file == NULL) != (d->key_file == NULL))
		ERR(L, d->line, "district: cert_file and key_file go together");
	if (d->bundle_file && (strstr(d->bundle_file, "..") || d->bundle_file[0] == '/'))
		ERR(L, d->line, "district: bundle_file \"%s\" must be a file name relative to the config's directory, without ..",
		    d->bundle_file);
}

/* Top-level settings with line numbers of their own. */
static void
load_top(struct loader *L, const config_setting_t *root)
{
	load_group(L, root, top_keys, L->cfg, "");
}

/* The first and last significant characters of a line of libconfig text:
 * outside comments, a string counting as '"'.  0 for a line with none. */
static void
line_ends(const char *l, const char *end, char *first, char *last)
{
	*first = *last = 0;
	for (const char *p = l; p < end; p++) {
		char c = *p;

		if (c == '#' || (c == '/' && p + 1 < end && p[1] == '/'))
			break;
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '"')
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
		if (*first == 0)
			*first = c;
		*last = c;
	}
}

/* A syntax error at `line` of `file` that is a missing comma between two
 * elements of a list written on lines of their own: libconfig reports the
 * line of the second element, the comma belongs at the end of the line
 * before it.  That line, or 0 when it does not look like this. */
static int
missing_comma_line(const char *file, int line)
{
	FILE *f = fopen(file, "r");
	char buf[4096], pl = 0, cf = 0;
	int n = 0, prev = 0;

	if (f == NULL || line < 2)
		goto out;
	while (fgets(buf, sizeof buf, f) && ++n <= line) {
		char first, last;

		line_ends(buf, buf + strcspn(buf, "\n"), &first, &last);
		if (n == line)
			cf = first;
		else if (first) {
			pl = last;
			prev = n;
		}
	}
out:
	if (f)
		fclose(f);
	if (prev && cf && strchr("{(\"", cf) && strchr("})]\"", pl))
		return prev;
	return 0;
}

struct ls_config *
ls_config_load(const char *path, struct ls_diag *diag)
{
	return ls_config_load_flags(path, 0, diag);
}

struct ls_config *
ls_config_load_flags(const char *path, unsigned flags, struct ls_diag *diag)
{
	return config_load_text(path, NULL, flags, diag);
}

struct ls_config *
config_load_text(const char *path, const char *text, unsigned flags, struct ls_diag *diag)
{
	config_t lc;
	struct loader L = { .file = path, .diag = diag, .flags = flags };
	size_t errors_before = diag->errors;
	const config_setting_t *root;

	if ((L.cfg = calloc(1, sizeof *L.cfg)) == NULL)
		return NULL;
	L.cfg->path = strdup(path);
	config_init(&lc);
	/* @include "FILE" is relative to this file's directory, wherever the
	 * program runs (the staff file; a bundle's campaign.cfg next to the
	 * school's config) */
	{
		const char *slash = strrchr(path, '/');
		char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
		struct ls_include_problem ip;
		int bad = 0;

		if (dir != NULL) {
			config_set_include_dir(&lc, dir);
			/* before libconfig opens an @included FIFO and blocks */
			if ((bad = ls_include_scan(path, text, dir, &ip)) != 0)
				ls_diag_add(diag, LS_DIAG_ERROR, ip.file, ip.line, "%s", ip.why);
		}
		free(dir);
		if (bad) {
			config_destroy(&lc);
			ls_config_free(L.cfg);
			return NULL;
		}
	}
	if (!(text != NULL ? config_read_string(&lc, text) : config_read_file(&lc, path))) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO && text == NULL)
			ls_diag_add(diag, LS_DIAG_ERROR, path, 0, "cannot read the file: %s", strerror(errno));
		else {
			/* an error in an @included file: its name as written, relative
			 * to path's directory; a text given in memory is not the file's */
			const char *ef0 = config_error_file(&lc) ? config_error_file(&lc) : path;
			char *full = ef0[0] != '/' && strcmp(ef0, path) != 0 ? ls_config_resolve(L.cfg, ef0) : NULL;
			const char *ef = full ? full : ef0;
			int el = config_error_line(&lc), cl = text == NULL || full != NULL ? missing_comma_line(ef, el) : 0;

			if (cl > 0)
				/* libconfig stops at the element after the missing comma */
				ls_diag_add(diag, LS_DIAG_ERROR, ef, cl, "syntax error: missing ',' at the end of this line "
				    "(the elements of a list are separated by commas; the next one is on line %d)", el);
			else
				ls_diag_add(diag, LS_DIAG_ERROR, ef, el, "%s%s here or on the line before (settings end with "
				    "';', strings are in double quotes, list elements are separated by ',', a list that mixes "
				    "names and groups uses ( ) not [ ])",
				    strcmp(config_error_text(&lc), "syntax error") == 0 ? "" : "syntax error: ",
				    config_error_text(&lc));
			free(full);
		}
		config_destroy(&lc);
		ls_config_free(L.cfg);
		return NULL;
	}
	root = config_root_setting(&lc);
	load_top(&L, root);
	L.cfg->boards = load_section(&L, root, &board_section, &L.cfg->nboards);
	L.cfg->fonts = load_section(&L, root, &font_section, &L.cfg->nfonts);
	L.cfg->content = load_section(&L, root, &content_section, &L.cfg->ncontent);
	L.cfg->playlists = load_section(&L, root, &playlist_section, &L.cfg->nplaylists);
	L.cfg->layouts = load_section(&L, root, &layout_section, &L.cfg->nlayouts);
	L.cfg->rules = load_section(&L, root, &rule_section, &L.cfg->nrules);
	L.cfg->cap_areas = load_section(&L, root, &cap_area_section, &L.cfg->ncap_areas);
	load_district(&L, root);
	if (L.cfg->timezone == NULL)
		L.cfg->timezone = strdup(LS_DEFAULT_TIMEZONE);
	else {
		/* Load it as the schedule will: a readable file under zoneinfo
		 * is not enough (zone.tab and friends live there too). */
		char tzerr[256];
		struct tz *z = tz_load(L.cfg->timezone, tzerr, sizeof tzerr);
		if (z == NULL)
			ERR(&L, line_of(config_setting_get_member(root, "timezone")),
			    "timezone \"%s\" is not known; use an IANA name such as \"Asia/Shanghai\"", L.cfg->timezone);
		tz_free(z);
	}
	if (L.cfg->control_socket == NULL)
		L.cfg->control_socket = strdup(LS_PATH_CONTROL_SOCKET);
	if (L.cfg->state_dir == NULL)
		L.cfg->state_dir = strdup(LS_PATH_STATE_DIR);
	check_references(&L);
	for (int i = 0; i < IDX_N; i++)
		name_index_free(&L.idx[i]);
	config_destroy(&lc);
	if (diag->errors > errors_before) {
		ls_config_free(L.cfg);
		return NULL;
	}
	if (ls_config_index_build(L.cfg) < 0)
		ls_diag_add(diag, LS_DIAG_WARNING, path, 0, "out of memory indexing the config: it is used without");
	return L.cfg;
}

char *
ls_config_resolve(const struct ls_config *c, const char *path)
{
	const char *slash;
	char *out;

	if (path[0] == '/' || c->path == NULL || (slash = strrchr(c->path, '/')) == NULL)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - c->path), c->path, path) < 0)
		return NULL;
	return out;
}

void
ls_config_free(struct ls_config *c)
{
	if (c == NULL)
		return;
	ls_config_index_free(c->index);
	for (size_t i = 0; i < c->nboards; i++) {
		struct ls_board *b = &c->boards[i];
		free(b->name); free(b->protocol); free(b->address); free(b->pixel_order); free(b->card); free(b->multicast_if);
		ls_strlist_free(&b->groups);
	}
	for (size_t i = 0; i < c->nfonts; i++) {
		free(c->fonts[i].name); free(c->fonts[i].family); free(c->fonts[i].file);
	}
	for (size_t i = 0; i < c->ncontent; i++) {
		struct ls_content *it = &c->content[i];
		free(it->name); free(it->text); free(it->image); free(it->font);
	}
	for (size_t i = 0; i < c->nplaylists; i++) {
		for (size_t j = 0; j < c->playlists[i].nentries; j++) {
			free(c->playlists[i].entries[j].item);
			free(c->playlists[i].entries[j].dates.v);
		}
		free(c->playlists[i].entries);
		free(c->playlists[i].name);
	}
	for (size_t i = 0; i < c->nlayouts; i++) {
		for (size_t j = 0; j < c->layouts[i].nareas; j++) {
			free(c->layouts[i].areas[j].name);
			free(c->layouts[i].areas[j].playlist);
		}
		free(c->layouts[i].areas);
		free(c->layouts[i].name);
	}
	free(c->layouts);
	for (size_t i = 0; i < c->nrules; i++) {
		free(c->rules[i].name); free(c->rules[i].playlist); free(c->rules[i].layout);
		ls_strlist_free(&c->rules[i].boards);
		free(c->rules[i].dates.v);
	}
	free(c->boards); free(c->fonts); free(c->content); free(c->playlists); free(c->rules);
	ls_strlist_free(&c->files);
	free(c->path); free(c->timezone); free(c->fallback); free(c->default_font);
	if (c->district) {
		struct ls_district *d = c->district;
		free(d->host); free(d->ca_file); free(d->cert_file); free(d->key_file); free(d->district);
		free(d->school); free(d->username); free(d->password_file); free(d->bundle_file);
		free(d);
	}
	free(c->control_socket); free(c->state_dir); free(c->user);
	ls_strlist_free(&c->control_users); ls_strlist_free(&c->control_groups);
	ls_strlist_free(&c->control_viewers); ls_strlist_free(&c->control_viewer_groups);
	ls_strlist_free(&c->control_operators); ls_strlist_free(&c->control_operator_groups);
	ls_strlist_free(&c->control_admins); ls_strlist_free(&c->control_admin_groups); free(c->cap_dir);
	for (size_t i = 0; i < c->ncap_areas; i++) {
		free(c->cap_areas[i].match);
		ls_strlist_free(&c->cap_areas[i].groups);
	}
	free(c->cap_areas);
	free(c);
}

/* ---- docs/config.md's reference tables (ledsign config-doc) ---- */

/* One table of docs/config.md: a key table, and how a fresh element of it
 * starts out (so the default column shows what the loader really sets). */
struct doc_block {
	const char *name;
	const struct key *keys;
	size_t size;
	void (*defaults)(void *obj);
};

static const struct doc_block doc_blocks[] = {
	{ "top", top_keys, sizeof(struct ls_config), NULL },
	{ "boards", board_keys, sizeof(struct ls_board), board_defaults },
	{ "fonts", font_keys, sizeof(struct ls_font), NULL },
	{ "content", content_keys, sizeof(struct ls_content), content_defaults },
	{ "playlists", playlist_keys, sizeof(struct ls_playlist), NULL },
	{ "items", config_entry_keys, sizeof(struct ls_playlist_entry), NULL },
	{ "layouts", layout_keys, sizeof(struct ls_layout), NULL },
	{ "areas", area_keys, sizeof(struct ls_area), NULL },
	{ "schedule", rule_keys, sizeof(struct ls_rule), rule_defaults },
	{ "cap_areas", cap_area_keys, sizeof(struct ls_cap_area), NULL },
	{ "district", district_keys, sizeof(struct ls_district), district_defaults },
};

static void
doc_type(FILE *f, const struct key *k)
{
	if (k->type_doc != NULL) {
		fputs(k->type_doc, f);
		return;
	}
	switch (k->type) {
	case K_INT: fprintf(f, "integer %.0f..%.0f", k->min, k->max); break;
	case K_NUM: fprintf(f, "number %g..%g", k->min, k->max); break;
	case K_BOOL: fputs("bool", f); break;
	case K_STRLIST: fputs("string or list of strings", f); break;
	case K_COLOR: fputs("colour", f); break;
	case K_DATE: fputs("date", f); break;
	case K_DATELIST: fputs("list of dates", f); break;
	case K_HOURS: fputs("window", f); break;
	case K_WEEKDAYS: fputs("days", f); break;
	case K_SPECIAL: fputs("list of groups", f); break;
	default: fputs("string", f); break;
	}
}

/* The default column: said in the table, "required", or the value a fresh
 * element has after the section's defaults function. */
static void
doc_default(FILE *f, const struct key *k, const char *obj)
{
	const char *p = obj + k->off;

	if (k->def != NULL) {
		fputs(k->def, f);
		return;
	}
	if (k->required) {
		fputs("required", f);
		return;
	}
	switch (k->type) {
	case K_INT: fprintf(f, "`%d`", *(const int *)p); return;
	case K_NUM: fprintf(f, "`%g`", *(const double *)p); return;
	case K_BOOL: fputs(*(const int *)p ? "`true`" : "`false`", f); return;
	case K_ENUM: fprintf(f, "`\"%s\"`", k->names[*(const int *)p]); return;
	case K_PARITY: fprintf(f, "`\"%s\"`", *p == 'e' ? "even" : *p == 'o' ? "odd" : "none"); return;
	case K_FLOW: fprintf(f, "`\"%s\"`", *p == 'r' ? "rtscts" : *p == 'x' ? "xonxoff" : "none"); return;
	case K_COLOR: {
		ls_rgb c = *(const ls_rgb *)p;
		for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++)
			if (color_names[i].rgb == c) {
				fprintf(f, "`\"%s\"`", color_names[i].name);
				return;
			}
		fprintf(f, "`\"#%06X\"`", (unsigned)c);
		return;
	}
	default:
		fputs("none", f);
		return;
	}
}

char *
ls_config_doc(void)
{
	char *out = NULL, *obj = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	for (size_t b = 0; b < sizeof doc_blocks / sizeof doc_blocks[0]; b++) {
		const struct doc_block *d = &doc_blocks[b];

		if ((obj = calloc(1, d->size)) == NULL)
			goto fail;
		if (d->defaults)
			d->defaults(obj);
		fprintf(f, "<!-- BEGIN generated by `ledsign config-doc` from src/config/config.c: %s -->\n", d->name);
		fputs("| setting | type | default | meaning |\n|---|---|---|---|\n", f);
		for (const struct key *k = d->keys; k->name != NULL; k++) {
			fprintf(f, "| `%s` | ", k->name);
			doc_type(f, k);
			fputs(" | ", f);
			doc_default(f, k, obj);
			fprintf(f, " | %s |\n", k->doc ? k->doc : k->help);
		}
		fprintf(f, "<!-- END generated: %s -->\n", d->name);
		free(obj);
		obj = NULL;
	}
	if (ferror(f))
		goto fail;
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
fail:
	free(obj);
	fclose(f);
	free(out);
	return NULL;
}

/* ---- for the staff file's writer (config_int.h) ---- */

const struct config_staff_section config_staff_content = { "content", content_keys, sizeof(struct ls_content),
	content_defaults };
const struct config_staff_section config_staff_playlists = { "playlists", playlist_keys, sizeof(struct ls_playlist),
	NULL };
const struct config_staff_section config_staff_schedule = { "schedule", rule_keys, sizeof(struct ls_rule),
	rule_defaults };

const char *
config_color_name(ls_rgb c)
{
	for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++)
		if (color_names[i].rgb == c)
			return color_names[i].name;
	return NULL;
}

int
ls_parse_color(const char *s, ls_rgb *out)
{
	return parse_color(s, out);
}

int
ls_parse_effect(const char *s, enum ls_effect *out)
{
	for (int i = 0; effect_names[i]; i++)
		if (strcmp(s, effect_names[i]) == 0) {
			*out = (enum ls_effect)i;
			return 0;
		}
	return -1;
}
