/* ledboard_protos.c — the protocols ledboard can speak; one line each. */
#include <stddef.h>

#include "ledboard_proto.h"

const struct ledboard_proto *const ledboard_protos[] = {
	&ledboard_proto_lsp,
	NULL,
};
