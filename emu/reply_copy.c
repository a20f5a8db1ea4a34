/* emu/reply_copy.c - EMU: the capture's copy of a packet the replay generated itself.
 * No kernel counterpart.  A capture taken on the router (`tcpdump -i any`, or on one of its
 * interfaces, both directions) holds the router's own echo replies, RSTs and ICMP errors;
 * the replay generates them too, so the capture's copy must not be sent a second time.  The
 * frames the host's generated packets left by are kept (the last OUT_SENT_MAX) and an
 * outgoing record is compared with them: every IP header field but the id and the header
 * checksum, and the payload but the transport checksum (pseudo-header-only on a veth) and an
 * ICMP timestamp reply's clock readings -- the differences docs/differences.md lists.
 */
#include <stdlib.h>
#include <string.h>
#include "emu/output_int.h"

#define OUT_SENT_MAX 32
#define OUT_SENT_BYTES 256

struct out_sent {
	bool valid;
	char id[32];                    /* "N.k" */
	unsigned int len;               /* bytes kept in l3 */
	unsigned int tot;               /* the IP total length */
	unsigned char l3[OUT_SENT_BYTES];
};

struct out_sent_ring {
	struct out_sent e[OUT_SENT_MAX];
	unsigned int next;
};

void out_sent_free(struct nfemu_output *o)
{
	free(o->gen_sent);
	o->gen_sent = NULL;
}

void out_sent_remember(struct nfemu_output *o, const struct fate *f, const unsigned char *frame,
		       unsigned int len)
{
	unsigned int off = 12, tot;
	struct out_sent *e;

	while (off + 4 <= len && (frame[off] == 0x81 || frame[off] == 0x88) &&
	       (frame[off + 1] == 0x00 || frame[off + 1] == 0xa8))
		off += 4;               /* 802.1Q / 802.1ad tags */
	if (off + 2 + 20 > len || frame[off] != 0x08 || frame[off + 1] != 0x00)
		return;
	frame += off + 2;
	len -= off + 2;
	tot = (unsigned int)(frame[2] << 8 | frame[3]);
	if (!o->gen_sent && !(o->gen_sent = calloc(1, sizeof(*o->gen_sent))))
		return;
	e = &o->gen_sent->e[o->gen_sent->next++ % OUT_SENT_MAX];
	e->valid = true;
	*fate_id(e->id, f) = '\0';
	e->tot = tot;
	e->len = len < OUT_SENT_BYTES ? len : OUT_SENT_BYTES;
	if (e->len > tot)
		e->len = tot;
	memcpy(e->l3, frame, e->len);
}

/* Whether byte i of an IP packet (header length ihl, protocol proto) is one the two copies
 * may differ in. */
static bool byte_may_differ(const unsigned char *l3, unsigned int ihl, unsigned int i)
{
	unsigned int t;

	if (i == 4 || i == 5 || i == 10 || i == 11)     /* id, header checksum */
		return true;
	if (i < ihl)
		return false;
	t = i - ihl;
	switch (l3[9]) {
	case 6: return t == 16 || t == 17;
	case 17: return t == 6 || t == 7;
	case 1: return t == 2 || t == 3 || (l3[ihl] == 14 && t >= 12 && t < 20);
	default: return false;
	}
}

bool nfemu_output_generated_copy(struct nfemu_output *o, const unsigned char *l3,
				 unsigned int len, char *id, size_t idlen)
{
	unsigned int tot, ihl;

	if (!o->gen_sent || len < 20)
		return false;
	tot = (unsigned int)(l3[2] << 8 | l3[3]);
	ihl = (l3[0] & 15u) * 4;
	if (tot < len)
		len = tot;
	for (unsigned int k = 0; k < OUT_SENT_MAX; k++) {
		/* newest first: a retransmitted reply matches its latest original */
		struct out_sent *e = &o->gen_sent->e[(o->gen_sent->next - 1 - k) % OUT_SENT_MAX];
		unsigned int n = e->len < len ? e->len : len, i;

		if (!e->valid || e->tot != tot || (e->l3[0] & 15u) * 4 != ihl || n < 20)
			continue;
		for (i = 0; i < n; i++)
			if (e->l3[i] != l3[i] && !byte_may_differ(l3, ihl, i))
				break;
		if (i < n)
			continue;
		e->valid = false;       /* one capture copy per generated packet */
		snprintf(id, idlen, "%s", e->id);
		return true;
	}
	return false;
}
