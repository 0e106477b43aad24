/* cmd_check.c — `ledsign check FILE`: report every mistake, or a summary. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "config/staff.h"

/* One board per line, for scripts: NAME WIDTH HEIGHT FORMAT PROTOCOL ADDRESS */
static void
list_boards(const struct ls_config *cfg)
{
	for (size_t i = 0; i < cfg->nboards; i++) {
		const struct ls_board *b = &cfg->boards[i];
		printf("%s %d %d %s %s %s\n", b->name, b->width, b->height, ls_format_name(b->format),
		    b->protocol, b->address);
	}
}

static const struct cmd_opt check_opts[] = {
	{ "list", 0, NULL, "print one line per board (name, width, height, format, protocol, address) instead of the summary" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_check(const struct cmd_args *);

const struct cmd_entry cmd_check_entry = {
	"check", "FILE [--list]", "validate a config file and report every mistake (--list: one line per board)",
	check_opts, 1, 1, 0, cmd_check,
};

static int
cmd_check(const struct cmd_args *a)
{
	struct ls_diag d = { 0 };
	struct ls_config *cfg;
	const char *file = a->argv[0];
	int list = cmd_flag(a, "list");

	/* the same checker the controller runs on a staff file before saving
	 * it (config/staff.h): the file, then the plan-level warnings
	 * (overlaps, rules that never apply, boards with nothing to show) and
	 * glyphs; a malformed live field is an error */
	cfg = list ? ls_config_load(file, &d) : ls_check_config(file, NULL, &d);
	ls_diag_sort(&d);
	ls_diag_print(&d, stderr);
	if (cfg == NULL) {
		fprintf(stderr, "%s: %zu error%s, %zu warning%s; nothing was changed\n", file, d.errors,
		    d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
		ls_diag_clear(&d);
		return 1;
	}
	if (list)
		list_boards(cfg);
	else
		printf("%s: configuration OK: %zu boards, %zu content items, %zu playlists, %zu schedule rules%s\n",
		    file, cfg->nboards, cfg->ncontent, cfg->nplaylists, cfg->nrules,
		    d.warnings ? ", with the warnings above" : "");
	ls_diag_clear(&d);
	ls_config_free(cfg);
	return 0;
}
