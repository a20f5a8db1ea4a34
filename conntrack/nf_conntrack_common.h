/* conntrack/nf_conntrack_common.h - the conntrack reference an sk_buff carries in skb->_nfct.
 *
 * Mirrors include/linux/netfilter/nf_conntrack_common.h (struct nf_conntrack, the refcount
 * helpers, struct ip_conntrack_stat) and the skb_nfct()/nf_reset_ct()/__nf_copy() helpers of
 * include/linux/skbuff.h: what the stack needs to copy and drop a packet's reference without
 * depending on conntrack/.  EMU: Linux reaches the destructor through the global nf_ct_hook;
 * nfemu has no module-global pointers, so each object carries its own (ct_general.destroy).
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_COMMON_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_COMMON_H

#include <linux/netfilter/nf_conntrack_common.h>
#include "kernel/kernel.h"
#include "netstack/skbuff.h"

/* Newer UAPI headers than this machine's /usr/include have these (Linux 6.12 names). */
#define IP_CT_UNTRACKED 7                       /* skb->_nfct of a NOTRACK'd packet */
#define IPS_NAT_CLASH IPS_UNTRACKED             /* bit 12 reused since IPS_UNTRACKED went away */
#define IPS_NAT_CLASH_BIT IPS_UNTRACKED_BIT

#define NFCT_INFOMASK 7UL
#define NFCT_PTRMASK (~NFCT_INFOMASK)

struct ip_conntrack_stat {
	unsigned int found;
	unsigned int invalid;
	unsigned int insert;
	unsigned int insert_failed;
	unsigned int clash_resolve;
	unsigned int drop;
	unsigned int early_drop;
	unsigned int error;
	unsigned int expect_new;
	unsigned int expect_create;
	unsigned int expect_delete;
	unsigned int search_restart;
	unsigned int chaintoolong;
};

struct nf_conntrack;

/* What the stack calls in conntrack (include/linux/netfilter.h struct nf_ct_hook). */
struct nf_ct_hook {
	void (*destroy)(struct nf_conntrack *nfct);
	void (*set_closing)(struct nf_conntrack *nfct);
};

struct nf_conntrack {
	unsigned int use;
	/* EMU: Linux's global nf_ct_hook, carried by the object (see the head comment). */
	const struct nf_ct_hook *hook;
};

static inline void nf_conntrack_destroy(struct nf_conntrack *nfct)
{
	nfct->hook->destroy(nfct);
}

static inline void nf_conntrack_put(struct nf_conntrack *nfct)
{
	if (nfct && --nfct->use == 0)
		nf_conntrack_destroy(nfct);
}

static inline void nf_conntrack_get(struct nf_conntrack *nfct)
{
	if (nfct)
		nfct->use++;
}

static inline struct nf_conntrack *skb_nfct(const struct sk_buff *skb)
{
	return (struct nf_conntrack *)(skb->_nfct & NFCT_PTRMASK);
}

static inline unsigned long skb_get_nfct(const struct sk_buff *skb)
{
	return skb->_nfct;
}

static inline void skb_set_nfct(struct sk_buff *skb, unsigned long nfct)
{
	skb->_nfct = nfct;
}

/* Drop the packet's reference: every place that frees or recycles an skb calls this. */
static inline void nf_reset_ct(struct sk_buff *skb)
{
	nf_conntrack_put(skb_nfct(skb));
	skb->_nfct = 0;
}

/* nf_ct_attach(): a packet the stack builds in answer to skb (an ICMP error from icmp_send,
 * REJECT's TCP reset) belongs to skb's connection, in the other direction, as RELATED.
 * EMU: a NOTRACK'd skb (no entry) attaches nothing; Linux attaches a bare RELATED ctinfo
 * that conntrack then overwrites, to the same effect. */
static inline void nf_ct_attach(struct sk_buff *nskb, const struct sk_buff *skb)
{
	struct nf_conntrack *ct = skb_nfct(skb);
	unsigned long ctinfo = skb->_nfct & NFCT_INFOMASK;

	if (!ct)
		return;
	/* This ICMP is in reverse direction to the packet which caused it */
	ctinfo = ctinfo >= IP_CT_IS_REPLY ? IP_CT_RELATED : IP_CT_RELATED_REPLY;
	/* Attach to new skbuff, and increment count */
	nskb->_nfct = (unsigned long)ct | ctinfo;
	nf_conntrack_get(ct);
}

/* REJECT's reset closes a TCP connection at once (CLOSE, 10 s). */
static inline void nf_ct_set_closing(struct nf_conntrack *nfct)
{
	if (nfct && nfct->hook->set_closing)
		nfct->hook->set_closing(nfct);
}

/* A copy of a packet (skb_copy, a fragment of it) holds its own reference; copy also takes
 * nf_trace, as __copy_skb_header does. */
static inline void __nf_copy(struct sk_buff *dst, const struct sk_buff *src, bool copy)
{
	dst->_nfct = src->_nfct;
	nf_conntrack_get(skb_nfct(src));
	if (copy)
		dst->nf_trace = src->nf_trace;
}

#endif
