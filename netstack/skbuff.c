/* netstack/skbuff.c - allocate, copy and reshape sk_buffs (net/core/skbuff.c).
 *
 * EMU: one linear buffer per packet; no clones, frags, or shared info.  See skbuff.h.
 */
#include <stdlib.h>
#include "kernel/net.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "conntrack/nf_conntrack_common.h"

static const char *const drop_reasons[] = {
#define FN(r) [SKB_DROP_REASON_##r] = #r,
	NFEMU_DROP_REASONS(FN)
#undef FN
};

const char *skb_drop_reason_name(enum skb_drop_reason reason)
{
	return reason < SKB_DROP_REASON_MAX ? drop_reasons[reason] : "NOT_SPECIFIED";
}

struct sk_buff *alloc_skb(unsigned int size)
{
	struct sk_buff *skb = calloc(1, sizeof(*skb));

	if (!skb)
		return NULL;
	skb->end = NFEMU_SKB_HEADROOM + size;
	skb->head = calloc(1, skb->end ? skb->end : 1);
	if (!skb->head) {
		free(skb);
		return NULL;
	}
	skb->data = skb->head + NFEMU_SKB_HEADROOM;
	skb->mac_header = SKB_HDR_UNSET;
	skb->network_header = SKB_HDR_UNSET;
	skb->transport_header = SKB_HDR_UNSET;
	return skb;
}

void consume_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	nf_reset_ct(skb);       /* skb_release_head_state: the packet's conntrack reference */
	free(skb->head);
	free(skb);
}

void kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason)
{
	if (!skb)
		return;
	if (skb->emu_net) {
		struct nfemu_event ev = {
			.type = NFEMU_EV_DROP,
			.skb = skb,
			.dev = skb->dev,
			.reason = reason,
			.verdict = &skb->emu_verdict,
		};

		nfemu_observe(skb->emu_net, &ev);
	}
	consume_skb(skb);
}

void kfree_skb(struct sk_buff *skb)
{
	kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
	struct sk_buff *n = malloc(sizeof(*n));

	if (!n)
		return NULL;
	*n = *skb;
	n->next = NULL;
	n->head = malloc(skb->end ? skb->end : 1);
	if (!n->head) {
		free(n);
		return NULL;
	}
	memcpy(n->head, skb->head, skb->end);
	n->data = n->head + (skb->data - skb->head);
	__nf_copy(n, skb, true);        /* the copy holds its own conntrack reference */
	return n;
}

/* Extend the data at the tail; the caller guarantees room (pskb_expand_head first). */
unsigned char *skb_put(struct sk_buff *skb, unsigned int len)
{
	unsigned char *tmp = skb_tail_pointer(skb);

	if ((unsigned int)(tmp - skb->head) + len > skb->end)
		abort();        /* skb_over_panic */
	skb->len += len;
	return tmp;
}

unsigned char *skb_push(struct sk_buff *skb, unsigned int len)
{
	if ((unsigned int)(skb->data - skb->head) < len)
		abort();        /* skb_under_panic */
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

unsigned char *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->len -= len;
	skb->data += len;
	return skb->data;
}

void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len)
		skb->len = len;
}

int pskb_expand_head(struct sk_buff *skb, unsigned int nhead, unsigned int ntail)
{
	unsigned int size = nhead + skb->end + ntail;
	unsigned char *data = calloc(1, size ? size : 1);

	if (!data)
		return -ENOMEM;
	memcpy(data + nhead, skb->head, skb->end);
	skb->data = data + nhead + (skb->data - skb->head);
	if (skb->mac_header != SKB_HDR_UNSET)
		skb->mac_header += nhead;
	if (skb->network_header != SKB_HDR_UNSET)
		skb->network_header += nhead;
	if (skb->transport_header != SKB_HDR_UNSET)
		skb->transport_header += nhead;
	free(skb->head);
	skb->head = data;
	skb->end = size;
	return 0;
}

/* skb_checksum_help(): sum from csum_start to the end (the field holds the pseudo-header
 * part) and store the folded result at csum_offset, 0 sent as 0xffff.  EMU: nfemu's sk_buff
 * has no csum_start/csum_offset: they are the transport header and the TCP/UDP check field. */
int skb_checksum_help(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int start = iph->ihl * 4, offset;
	unsigned int len = (unsigned int)(skb_tail_pointer(skb) - skb_network_header(skb));
	__sum16 sum;

	switch (iph->protocol) {
	case IPPROTO_TCP:
		offset = 16;            /* offsetof(struct tcphdr, check) */
		break;
	case IPPROTO_UDP:
		offset = 6;             /* offsetof(struct udphdr, check) */
		break;
	default:
		return -EINVAL;
	}
	if (start + offset + sizeof(sum) > len)
		return -EINVAL;
	sum = csum_fold(csum_partial(skb_network_header(skb) + start, (int)(len - start), 0));
	if (sum == 0)
		sum = CSUM_MANGLED_0;
	memcpy(skb_network_header(skb) + start + offset, &sum, sizeof(sum));
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
