/*
 * cmd_staff_check.c — the checkers the controller starts for the console
 * (src/daemon/control_staff.c says why each is a program of its own):
 * `ledsign staff-check MAIN STAFF`, a save's check, the candidate staff
 * text on standard input and its report on standard output; `ledsign
 * png-check FILE`, an uploaded poster's decoding, one line on standard
 * output.  Hidden from --help.
 */
#include <unistd.h>

#include "cli/cmd.h"
#include "daemon/control.h"

static int cmd_staff_check(const struct cmd_args *);
static int cmd_png_check(const struct cmd_args *);

const struct cmd_entry cmd_staff_check_entry = {
	"staff-check", "MAIN STAFF", "check MAIN with standard input as STAFF's text, for the controller", NULL, 2, 2, 1,
	cmd_staff_check,
};

static int
cmd_staff_check(const struct cmd_args *a)
{
	return control_staff_check_main(a->argv[0], a->argv[1], STDIN_FILENO, STDOUT_FILENO);
}

const struct cmd_entry cmd_png_check_entry = {
	"png-check", "FILE", "decode FILE as a poster and say its size, for the controller", NULL, 1, 1, 1,
	cmd_png_check,
};

static int
cmd_png_check(const struct cmd_args *a)
{
	return control_png_check_main(a->argv[0], STDOUT_FILENO);
}
