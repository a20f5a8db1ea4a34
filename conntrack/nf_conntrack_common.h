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
#include "emu/kernel.h"
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

struct nf_conntrack {
	unsigned int use;
	/* EMU: nf_ct_hook->destroy, carried by the object (see the head comment). */
	void (*destroy)(struct nf_conntrack *nfct);
};

static inline void nf_conntrack_destroy(struct nf_conntrack *nfct)
{
	nfct->destroy(nfct);
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
