/*
 * cmd_staff_check.c — `ledsign staff-check MAIN STAFF`: the checker a
 * staff save runs in (src/daemon/control_staff.c says why it is a program
 * of its own): the candidate staff text on standard input, its report on
 * standard output.  Hidden from --help: the controller starts it.
 */
#include <unistd.h>

#include "cli/cmd.h"
#include "daemon/control.h"

static int cmd_staff_check(const struct cmd_args *);

const struct cmd_entry cmd_staff_check_entry = {
	"staff-check", "MAIN STAFF", "check MAIN with standard input as STAFF's text, for the controller", NULL, 2, 2, 1,
	cmd_staff_check,
};

static int
cmd_staff_check(const struct cmd_args *a)
{
	return control_staff_check_main(a->argv[0], a->argv[1], STDIN_FILENO, STDOUT_FILENO);
}
