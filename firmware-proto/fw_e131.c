/* fw_e131.c — E1.31 data packets into the board's canvas. */
#include <string.h>

#include "fw_e131.h"

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

void
fw_e131_init(struct fw_e131 *e, uint16_t first_universe, const uint8_t order[3])
{
	memset(e, 0, sizeof *e);
	e->first = first_universe;
	memcpy(e->order, order, 3);
	e->last_src = -1;
}

int
fw_e131_expire(struct fw_e131 *e, uint32_t now_ms)
{
	int gone = 0;

	e->now_ms = now_ms;
	for (int i = 0; i < FW_E131_SOURCES; i++)
		if (e->src[i].used && (uint32_t)(now_ms - e->src[i].last_ms) > FW_E131_LOSS_MS) {
			memset(&e->src[i], 0, sizeof e->src[i]);
			e->lost++;
			gone++;
		}
	return gone;
}

int
fw_e131_sources(const struct fw_e131 *e)
{
	int n = 0;

	for (int i = 0; i < FW_E131_SOURCES; i++)
		n += e->src[i].used;
	return n;
}

/* The source with this CID, or (add) a free slot for it; -1 when none. */
static int
fw_e131_source(struct fw_e131 *e, const uint8_t *cid, int add)
{
	int free_slot = -1;

	for (int i = 0; i < FW_E131_SOURCES; i++) {
		if (e->src[i].used && memcmp(e->src[i].cid, cid, 16) == 0)
			return i;
		if (!e->src[i].used && free_slot < 0)
			free_slot = i;
	}
	if (!add || free_slot < 0)
		return -1;
	memset(&e->src[free_slot], 0, sizeof e->src[free_slot]);
	memcpy(e->src[free_slot].cid, cid, 16);
	e->src[free_slot].used = 1;
	e->src[free_slot].last_ms = e->now_ms;
	return free_slot;
}

int
fw_e131_decode(struct fw_e131 *e, const uint8_t *pkt, size_t n, struct fw_rgb_canvas *c)
{
	static const uint8_t acn_id[12] = { 'A', 'S', 'C', '-', 'E', '1', '.', '1', '7', 0, 0, 0 };
	unsigned universe, slots, u, i;
	long npix = (long)c->width * c->height, base, last_univ;
	struct fw_e131_source *src;
	int si;

	e->packets++;
	if (n < 126 || get16(pkt) != 0x0010 || get16(pkt + 2) != 0 ||
	    memcmp(pkt + 4, acn_id, 12) != 0 ||
	    (get16(pkt + 16) & 0x0fff) != n - 16) {
		e->bad++;
		return FW_E131_BAD;
	}
	if (get32(pkt + 18) != 0x00000004)    /* sync or discovery, not data */
		return FW_E131_IGNORED;
	if ((get16(pkt + 38) & 0x0fff) != n - 38 || get32(pkt + 40) != 0x00000002 ||
	    (get16(pkt + 115) & 0x0fff) != n - 115 || pkt[117] != 0x02 || pkt[118] != 0xA1 ||
	    get16(pkt + 119) != 0 || get16(pkt + 121) != 1 || get16(pkt + 123) != n - 125 ||
	    n - 126 > 512 || pkt[108] > 200) {
		e->bad++;
		return FW_E131_BAD;
	}
	e->last_src = -1;
	if (pkt[112] & 0x80)                  /* preview data: not for the show */
		return FW_E131_IGNORED;
	universe = get16(pkt + 113);
	if (universe < e->first || npix <= 0)
		return FW_E131_IGNORED;
	u = universe - e->first;
	base = (long)u * 170;
	if (base >= npix)
		return FW_E131_IGNORED;
	if (pkt[112] & 0x40) {                /* the source stops this universe */
		if ((si = fw_e131_source(e, pkt + 22, 0)) < 0)
			return FW_E131_IGNORED;   /* the second and third of three */
		src = &e->src[si];
		e->last_src = si;
		if (u < FW_E131_SEQ_UNIVERSES)
			src->seen[u] = 0;
		for (i = 0; i < FW_E131_SEQ_UNIVERSES && !src->seen[i]; i++)
			;
		if (i == FW_E131_SEQ_UNIVERSES || u >= FW_E131_SEQ_UNIVERSES)
			memset(src, 0, sizeof *src);
		e->terminated++;
		return FW_E131_TERMINATED;
	}
	if (pkt[125] != 0x00)                 /* not DMX levels */
		return FW_E131_IGNORED;
	if ((si = fw_e131_source(e, pkt + 22, 1)) < 0) {
		e->refused++;                 /* more sources than we track */
		return FW_E131_IGNORED;
	}
	src = &e->src[si];
	e->last_src = si;
	src->last_ms = e->now_ms;
	if (u < FW_E131_SEQ_UNIVERSES) {
		/* E1.31 6.7.2: drop a packet 0..19 behind the last one from this source. */
		int diff = (int)(int8_t)(uint8_t)(pkt[111] - src->seq[u]);

		if (src->seen[u] && diff <= 0 && diff > -20) {
			e->dropped++;
			return FW_E131_IGNORED;
		}
		src->seq[u] = pkt[111];
		src->seen[u] = 1;
	}
	slots = (unsigned)(n - 126);
	for (i = 0; i + 3 <= slots && i / 3 < 170; i += 3)
		fw_rgb_set_index(c, base + (long)(i / 3), e->order, pkt + 126 + i);
	last_univ = (npix - 1) / 170;
	return (long)u == last_univ ? FW_E131_SHOW : FW_E131_DATA;
}
