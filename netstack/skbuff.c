/* netstack/skbuff.c - allocate, copy and reshape sk_buffs (net/core/skbuff.c).
 *
 * EMU: one linear buffer per packet; no clones, frags, or shared info.  See skbuff.h.
 */
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/slab.h"
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

/* ------------------------------------------------------------------------------------------
 * EMU: the caches.  Linux allocates sk_buffs from skbuff_head_cache and data from per-size
 * kmalloc caches; nfemu keeps freed ones on free lists (kernel/slab.h), so a replayed packet
 * allocates nothing in the common case.  Data buffers come in power-of-two classes (skb->end
 * stays the size asked for: it is what truesize and tailroom see).
 */
#define SKB_HEAD_MIN_SHIFT 8            /* 256 bytes */
#define SKB_HEAD_CLASSES 10             /* up to 128 KiB */
#define SKB_CACHE_KEEP 1024             /* per cache: what a burst freed beyond this goes back */

static struct kmem_cache skbuff_head_cache = KMEM_CACHE_INIT(struct sk_buff, SKB_CACHE_KEEP);
static struct kmem_cache skb_data_cache[SKB_HEAD_CLASSES];

/* The class of a buffer of size bytes, SKB_HEAD_CLASSES if none (allocated as is). */
static unsigned int skb_head_class(unsigned int size)
{
	unsigned int c = 0;

	while (c < SKB_HEAD_CLASSES && (1u << (SKB_HEAD_MIN_SHIFT + c)) < size)
		c++;
	return c;
}

static unsigned char *skb_head_alloc(unsigned int size, unsigned int *cap)
{
	unsigned int c = skb_head_class(size ? size : 1);
	struct kmem_cache *kc;

	if (c == SKB_HEAD_CLASSES) {
		*cap = size;
		return calloc(1, size);
	}
	kc = &skb_data_cache[c];
	if (!kc->size) {
		kc->size = 1u << (SKB_HEAD_MIN_SHIFT + c);
		kc->keep = SKB_CACHE_KEEP;
	}
	*cap = (unsigned int)kc->size;
	return kmem_cache_zalloc(kc);   /* as calloc: bytes never written read as zero */
}

static void skb_head_free(unsigned char *head, unsigned int cap)
{
	unsigned int c = skb_head_class(cap);

	if (c == SKB_HEAD_CLASSES || skb_data_cache[c].size != cap)
		free(head);
	else
		kmem_cache_free(&skb_data_cache[c], head);
}

void skb_caches_drain(void)
{
	kmem_cache_shrink(&skbuff_head_cache);
	for (unsigned int c = 0; c < SKB_HEAD_CLASSES; c++)
		kmem_cache_shrink(&skb_data_cache[c]);
}

/* ------------------------------------------------------------------------------------------ */

struct sk_buff *alloc_skb(unsigned int size)
{
	struct sk_buff *skb = kmem_cache_zalloc(&skbuff_head_cache);

	if (!skb)
		return NULL;
	skb->end = NFEMU_SKB_HEADROOM + size;
	skb->head = skb_head_alloc(skb->end, &skb->emu_headcap);
	if (!skb->head) {
		kmem_cache_free(&skbuff_head_cache, skb);
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
	skb_head_free(skb->head, skb->emu_headcap);
	kmem_cache_free(&skbuff_head_cache, skb);
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
	struct sk_buff *n = kmem_cache_zalloc(&skbuff_head_cache);

	if (!n)
		return NULL;
	*n = *skb;
	n->next = NULL;
	n->head = skb_head_alloc(skb->end, &n->emu_headcap);
	if (!n->head) {
		kmem_cache_free(&skbuff_head_cache, n);
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
	unsigned int size = nhead + skb->end + ntail, cap;
	unsigned char *data = skb_head_alloc(size, &cap);

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
	skb_head_free(skb->head, skb->emu_headcap);
	skb->head = data;
	skb->emu_headcap = cap;
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
