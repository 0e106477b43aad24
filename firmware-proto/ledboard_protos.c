/* ledboard_protos.c — the protocols ledboard can speak; one line each. */
#include <stddef.h>

#include "ledboard_proto.h"

const struct ledboard_proto *const ledboard_protos[] = {
	&ledboard_proto_lsp,
	&ledboard_proto_onbon_bx,
	&ledboard_proto_ddp,
	&ledboard_proto_e131,
	&ledboard_proto_artnet,
	NULL,
};
