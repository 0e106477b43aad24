/*
 * cmd_staff_text.c — `ledsign staff-text FILE`: print the canonical staff
 * file (config/writer.h) of FILE's content, playlists and schedule: how a
 * hand-written config moves those sections into the file it @includes
 * (docs/config.md, "The staff file").  Hidden from --help: a migration
 * tool, and what test 86 compares the sample's staff file with.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "config/writer.h"

static int cmd_staff_text(const struct cmd_args *);

const struct cmd_entry cmd_staff_text_entry = {
	"staff-text", "FILE", "print the canonical staff file of FILE's content, playlists and schedule", NULL, 1, 1, 1,
	cmd_staff_text,
};

static int
cmd_staff_text(const struct cmd_args *a)
{
	struct ls_config *cfg = cmd_load_config(a->argv[0]);
	char *text;
	size_t len;

	if (cfg == NULL)
		return 1;
	text = config_write_staff(cfg, &len);
	ls_config_free(cfg);
	if (text == NULL) {
		fprintf(stderr, "ledsign staff-text: out of memory\n");
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}
