/* proto/proto.c — the protocol table and packet batches. */
#include <string.h>

#include "proto/proto.h"

extern const struct proto_ops proto_lsp_ops;
extern const struct proto_ops proto_onbon_bx_ops;
extern const struct proto_ops proto_ddp_ops;
extern const struct proto_ops proto_e131_ops;
extern const struct proto_ops proto_artnet_ops;

static const struct proto_ops *const proto_table[] = {
	&proto_lsp_ops,
	&proto_onbon_bx_ops,
	&proto_ddp_ops,
	&proto_e131_ops,
	&proto_artnet_ops,
};

const char *const proto_names[] = {
	"lsp",
	"onbon-bx",
	"ddp",
	"e131",
	"artnet",
	NULL,
};

const struct proto_ops *
proto_find(const char *name)
{
	for (size_t i = 0; i < sizeof proto_table / sizeof proto_table[0]; i++)
		if (strcmp(proto_table[i]->name, name) == 0)
			return proto_table[i];
	return NULL;
}

void
proto_batch_init(struct proto_batch *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->used = 0;
	b->npkts = 0;
	b->any_dest = 0;
}

uint8_t *
proto_batch_reserve(struct proto_batch *b, size_t max)
{
	if (b->npkts >= PROTO_BATCH_MAX || b->cap - b->used < max)
		return NULL;
	return b->buf + b->used;
}

void
proto_batch_commit(struct proto_batch *b, size_t len)
{
	b->off[b->npkts] = b->used;
	b->len[b->npkts] = len;
	b->dest[b->npkts] = 0;
	b->npkts++;
	b->used += len;
}

void
proto_batch_set_dest(struct proto_batch *b, uint32_t ipv4)
{
	if (b->npkts == 0)
		return;
	b->dest[b->npkts - 1] = ipv4;
	if (ipv4)
		b->any_dest = 1;
}

int
proto_default_port(const struct proto_ops *ops, const char *address)
{
	if (ops == NULL)
		return 0;
	if (ops->default_udp_port && address && strncmp(address, "udp:", 4) == 0)
		return ops->default_udp_port;
	return ops->default_port;
}
