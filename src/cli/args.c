/*
 * args.c — one argument parser for every command (see cmd.h).
 *
 * A command's struct cmd_opt table becomes a getopt_long option array and
 * short-option string here, so no command walks argv itself.  getopt runs
 * in "return in order" mode ('-' at the start of optstring): positional
 * arguments come back one by one in their order, whatever POSIXLY_CORRECT
 * says, and options may follow them (`ledsign check FILE --list`).  Errors
 * are ours, not getopt's (':' and opterr = 0), so they name the command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"

/* long-only options get getopt values above every char */
#define LONG_ONLY_BASE 256
#define HELP_INDEX     (-1)

static size_t
nopts(const struct cmd_entry *e)
{
	size_t n = 0;

	while (e->opts != NULL && e->opts[n].name != NULL)
		n++;
	return n;
}

/* Table row of a getopt value, HELP_INDEX for --help, or -2. */
static int
row_of(const struct cmd_entry *e, int val)
{
	size_t n = nopts(e);

	if (val == 'h')
		return HELP_INDEX;
	if (val >= LONG_ONLY_BASE && (size_t)(val - LONG_ONLY_BASE) < n)
		return val - LONG_ONLY_BASE;
	for (size_t i = 0; i < n; i++)
		if (e->opts[i].letter != 0 && e->opts[i].letter == val)
			return (int)i;
	return -2;
}

static void
opt_label(const struct cmd_opt *o, char *buf, size_t cap)
{
	if (o->letter)
		snprintf(buf, cap, "-%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(buf, cap, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void
cmd_args_help(const struct cmd_entry *e, FILE *fp)
{
	size_t n = nopts(e), w = strlen("-h, --help");
	char label[128];

	fprintf(fp, "usage: ledsign %s%s%s\n  %s\n\noptions:\n", e->name, e->usage[0] ? " " : "", e->usage,
	    e->summary);
	for (size_t i = 0; i < n; i++) {
		opt_label(&e->opts[i], label, sizeof label);
		if (strlen(label) > w)
			w = strlen(label);
	}
	for (size_t i = 0; i < n; i++) {
		opt_label(&e->opts[i], label, sizeof label);
		fprintf(fp, "  %-*s  %s\n", (int)w, label, e->opts[i].help);
	}
	fprintf(fp, "  %-*s  %s\n", (int)w, "-h, --help", "show this help");
}

static int
usage_error(const struct cmd_entry *e, const char *what, const char *arg)
{
	fprintf(stderr, "ledsign %s: %s%s\n", e->name, what, arg ? arg : "");
	fprintf(stderr, "usage: ledsign %s%s%s\n", e->name, e->usage[0] ? " " : "", e->usage);
	fprintf(stderr, "run 'ledsign %s --help' for the options\n", e->name);
	return 2;
}

int
cmd_args_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a)
{
	struct option lo[CMD_OPTS_MAX + 2];
	char shorts[3 + 3 * CMD_OPTS_MAX + 2], msg[160];
	size_t n = nopts(e), k = 0;
	int c, idx, rc = 2;

	memset(a, 0, sizeof *a);
	a->cmd = e;
	if (n > CMD_OPTS_MAX) {
		/* a table too long for val[]: a mistake in the program, not the user's */
		fprintf(stderr, "ledsign %s: more than %d options in the table\n", e->name, CMD_OPTS_MAX);
		abort();
	}
	if ((a->argv = calloc((size_t)argc + 1, sizeof *a->argv)) == NULL) {
		fprintf(stderr, "ledsign %s: out of memory\n", e->name);
		return 1;
	}
	shorts[k++] = '-';   /* positionals in order, as value 1 */
	shorts[k++] = ':';   /* a missing value returns ':' */
	for (size_t i = 0; i < n; i++) {
		const struct cmd_opt *o = &e->opts[i];
		lo[i].name = o->name;
		lo[i].has_arg = o->arg ? required_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = o->letter ? o->letter : LONG_ONLY_BASE + (int)i;
		if (o->letter) {
			shorts[k++] = o->letter;
			if (o->arg)
				shorts[k++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	shorts[k++] = 'h';
	shorts[k] = '\0';

	opterr = 0;
	optind = 0;   /* glibc: start afresh, also when called a second time */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == 1) {
			a->argv[a->argc++] = optarg;
			continue;
		}
		if (c == '?') {
			/* optopt is the short letter, or 0 for an unknown long option;
			 * a flag given a value (--all=x) comes back with its own value */
			if (optopt != 0 && (idx = row_of(e, optopt)) >= 0 && !e->opts[idx].arg) {
				snprintf(msg, sizeof msg, "--%s takes no value: ", e->opts[idx].name);
				rc = usage_error(e, msg, argv[optind - 1]);
			} else if (optopt != 0 && optopt < LONG_ONLY_BASE) {
				snprintf(msg, sizeof msg, "unknown option -%c (put -- before an argument that starts with -)",
				    optopt);
				rc = usage_error(e, msg, NULL);
			} else {
				rc = usage_error(e, "unknown option ", argv[optind - 1]);
			}
			goto fail;
		}
		if (c == ':') {
			idx = row_of(e, optopt);
			if (idx >= 0) {
				snprintf(msg, sizeof msg, "--%s needs %s", e->opts[idx].name, e->opts[idx].arg);
				rc = usage_error(e, msg, NULL);
			} else {
				rc = usage_error(e, "an option needs a value: ", argv[optind - 1]);
			}
			goto fail;
		}
		idx = row_of(e, c);
		if (idx == HELP_INDEX) {
			cmd_args_help(e, stdout);
			rc = -1;
			goto fail;
		}
		if (idx < 0) {
			rc = usage_error(e, "unknown option ", argv[optind - 1]);
			goto fail;
		}
		a->val[idx] = e->opts[idx].arg ? optarg : "";
	}
	/* after "--": the rest is positional */
	while (optind < argc)
		a->argv[a->argc++] = argv[optind++];
	if (a->argc < e->min_args) {
		rc = usage_error(e, a->argc == 0 ? "missing arguments" : "too few arguments", NULL);
		goto fail;
	}
	if (e->max_args >= 0 && a->argc > e->max_args) {
		rc = usage_error(e, "unexpected argument ", a->argv[e->max_args]);
		goto fail;
	}
	return 0;
fail:
	cmd_args_free(a);
	return rc;
}

void
cmd_args_free(struct cmd_args *a)
{
	if (a == NULL)
		return;
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

static int
row_named(const struct cmd_args *a, const char *name)
{
	size_t n = nopts(a->cmd);

	for (size_t i = 0; i < n; i++)
		if (strcmp(a->cmd->opts[i].name, name) == 0)
			return (int)i;
	fprintf(stderr, "ledsign %s: no option --%s in the command's table\n", a->cmd->name, name);
	abort();
}

const char *
cmd_arg(const struct cmd_args *a, const char *name)
{
	return a->val[row_named(a, name)];
}

int
cmd_flag(const struct cmd_args *a, const char *name)
{
	return a->val[row_named(a, name)] != NULL;
}
