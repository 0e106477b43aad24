/*
 * cmd_report.c — `ledsign report`: proof of play, what each board showed
 * and for how long, from the controller's STATE_DIR/proof.db (record.h).
 *
 *   ledsign report [FILE] [--from TIME] [--to TIME] [--boards LIST | --groups LIST] [--db PATH] [-o OUT]
 *
 * FILE is the config (for state_dir, the timezone and the groups); OUT
 * ends in .csv or .png ("-", the default: CSV on stdout).  The report can
 * be made while the controller runs: plays reach the file within a second
 * of ending, and running ones every RECORD_SPLIT_S.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "record/record.h"
#include "record/report.h"
#include "util/paths.h"
#include "util/strlist.h"
#include "util/tz.h"

static const struct cmd_opt report_opts[] = {
	{ "from", 0, "TIME", "start of the period, \"YYYY-MM-DD HH:MM[:SS]\" in the config's timezone (default: the beginning)" },
	{ "to", 0, "TIME", "end of the period, the same way (default: now)" },
	{ "boards", 0, "LIST", "only these boards (comma-separated names)" },
	{ "groups", 0, "LIST", "one row per group and item instead of per board, for these groups (comma-separated)" },
	{ "db", 0, "PATH", "read this proof-of-play file instead of the config's state_dir/" RECORD_FILE },
	{ "output", 'o', "FILE", "write FILE.csv or FILE.png (default: CSV on standard output)" },
	{ NULL, 0, NULL, NULL },
};

static int cmd_report(const struct cmd_args *);

const struct cmd_entry cmd_report_entry = {
	"report", "[FILE] [--from TIME] [--to TIME] [--boards LIST | --groups LIST] [--db PATH] [-o FILE.csv|FILE.png]",
	"proof of play: hours each board showed each item, and the alert timeline, as CSV or a PNG chart",
	report_opts, 0, 1, 0, cmd_report,
};

struct report_sel {
	const struct ls_config *cfg;
	const char *boards, *groups;
};

static void
report_keys(void *arg, struct report *r, const char *board, report_key_add add)
{
	const struct report_sel *s = arg;
	const struct ls_board *b;

	if (s->boards && !ls_strlist_csv_has(s->boards, board))
		return;
	if (!s->groups) {
		add(r, board);
		return;
	}
	/* a board no longer in the config counts under no group */
	if (!s->cfg || (b = ls_config_board(s->cfg, board)) == NULL)
		return;
	for (size_t i = 0; i < b->groups.n; i++)
		if (ls_strlist_csv_has(s->groups, b->groups.v[i]))
			add(r, b->groups.v[i]);
}

static int
report_time_arg(const struct ls_config *cfg, const char *opt, const char *v, double *out)
{
	long long t;

	if (cmd_parse_time(cfg, v, &t) < 0) {
		fprintf(stderr, "ledsign report: --%s \"%s\": want \"YYYY-MM-DD HH:MM[:SS]\" in the config's timezone (%s)\n",
		    opt, v, cfg && cfg->timezone ? cfg->timezone : "UTC");
		return -1;
	}
	*out = (double)t;
	return 0;
}

static int
cmd_report(const struct cmd_args *a)
{
	const char *file = a->argc > 0 ? a->argv[0] : NULL, *db = cmd_arg(a, "db");
	const char *out = cmd_arg(a, "output") ? cmd_arg(a, "output") : "-";
	struct report_sel sel = { NULL, cmd_arg(a, "boards"), cmd_arg(a, "groups") };
	struct ls_config *cfg = NULL;
	struct report *r = NULL;
	struct tz *zone = NULL;
	double from = 0, to = (double)time(NULL) + 1;
	char path[4096], err[1024];
	int rc = 1;

	if (sel.boards && sel.groups) {
		fprintf(stderr, "ledsign report: --boards or --groups, not both\n");
		return 2;
	}
	if (file || !db || sel.groups) {
		cfg = cmd_load_config(file ? file : LS_PATH_CONFIG);
		if (!cfg) {
			fprintf(stderr, "ledsign report: need the config for its state_dir%s (or --db PATH)\n",
			    sel.groups ? " and groups" : "");
			return 1;
		}
	}
	sel.cfg = cfg;
	if ((cmd_arg(a, "from") && report_time_arg(cfg, "from", cmd_arg(a, "from"), &from) < 0) ||
	    (cmd_arg(a, "to") && report_time_arg(cfg, "to", cmd_arg(a, "to"), &to) < 0)) {
		rc = 2;
		goto out;
	}
	if (to <= from) {
		fprintf(stderr, "ledsign report: --to must come after --from\n");
		rc = 2;
		goto out;
	}
	if (db)
		snprintf(path, sizeof path, "%s", db);
	else
		snprintf(path, sizeof path, "%s/%s", cfg->state_dir, RECORD_FILE);
	if (cfg && cfg->timezone)
		zone = tz_load(cfg->timezone, err, sizeof err);
	if ((r = report_new(from, to, zone)) == NULL) {
		fprintf(stderr, "ledsign report: out of memory\n");
		goto out;
	}
	if (report_add_file(r, path, NULL, report_keys, &sel, err, sizeof err) < 0) {
		fprintf(stderr, "ledsign report: %s; has `ledsign play` run with this config (it keeps proof of play in "
		    "state_dir)?\n", err);
		goto out;
	}
	if (report_write(r, out, sel.groups ? "group" : "board", err, sizeof err) < 0) {
		fprintf(stderr, "ledsign report: %s\n", err);
		goto out;
	}
	if (strcmp(out, "-") != 0) {
		double secs;
		uint64_t frames;

		report_totals(r, &secs, &frames);
		printf("%s: %zu rows, %.2f hours, %llu frames, %zu alert events\n", out, report_nrows(r), secs / 3600.0,
		    (unsigned long long)frames, report_nalerts(r));
	}
	rc = 0;
out:
	report_free(r);
	tz_free(zone);
	ls_config_free(cfg);
	return rc;
}
