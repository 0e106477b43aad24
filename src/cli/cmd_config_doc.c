/*
 * cmd_config_doc.c — `ledsign config-doc`: print docs/config.md's reference
 * tables from the config key tables (ls_config_doc).  Hidden from --help:
 * it is for `make config-doc` and integration test 06, which splice or
 * compare its blocks with docs/config.md (scripts/config-doc.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "config/config.h"

static int cmd_config_doc(const struct cmd_args *);

const struct cmd_entry cmd_config_doc_entry = {
	"config-doc", "", "print docs/config.md's generated tables (for make config-doc)", NULL, 0, 0, 1,
	cmd_config_doc,
};

static int
cmd_config_doc(const struct cmd_args *a)
{
	char *doc = ls_config_doc();

	if (doc == NULL) {
		fprintf(stderr, "ledsign config-doc: out of memory\n");
		return 1;
	}
	fputs(doc, stdout);
	free(doc);
	return fflush(stdout) == 0 ? 0 : 1;
}
