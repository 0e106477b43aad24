/* cmd_ports.c — `ledsign ports`: the serial ports this machine has. */
#include <stdio.h>
#include <string.h>

#include <libserialport.h>

#include "cli/cmd.h"

static int cmd_ports(const struct cmd_args *);

const struct cmd_entry cmd_ports_entry = {
	"ports", "", "list serial ports with description, USB VID:PID and serial number", NULL, 0, 0, 0, cmd_ports,
};

static int
cmd_ports(const struct cmd_args *a)
{
	struct sp_port **list = NULL;
	int n = 0;

	if (sp_list_ports(&list) != SP_OK) {
		char *m = sp_last_error_message();
		fprintf(stderr, "ledsign ports: cannot list serial ports: %s\n", m ? m : "unknown error");
		sp_free_error_message(m);
		return 1;
	}
	for (int i = 0; list[i]; i++) {
		const char *desc = sp_get_port_description(list[i]);
		const char *serial = NULL;
		char usb[16] = "-";
		int vid, pid;

		if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB) {
			if (sp_get_port_usb_vid_pid(list[i], &vid, &pid) == SP_OK)
				snprintf(usb, sizeof usb, "%04x:%04x", vid, pid);
			serial = sp_get_port_usb_serial(list[i]);
		}
		if (n++ == 0)
			printf("%-20s %-9s %-16s %s\n", "PORT", "USB", "SERIAL", "DESCRIPTION");
		printf("%-20s %-9s %-16s %s\n", sp_get_port_name(list[i]), usb,
		    serial && *serial ? serial : "-", desc && *desc ? desc : "-");
	}
	sp_free_port_list(list);
	if (n == 0)
		printf("no serial ports found (pseudo-terminals are not listed; use their path directly)\n");
	return 0;
}
