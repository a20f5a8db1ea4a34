/* conntrack/nf_defrag_ipv4.c - reassembly of IPv4 fragments before conntrack sees them.
 *
 * Mirrors net/ipv4/netfilter/nf_defrag_ipv4.c: at PRE_ROUTING and LOCAL_OUT, priority -400,
 * a fragment is handed to ip_defrag() under the user IP_DEFRAG_CONNTRACK_IN/OUT + zone and
 * stolen (NF_STOLEN) until its datagram is complete; the fragment that completes it continues
 * through the hooks as the whole datagram (ignore_df set).  The hooks are registered per net
 * by the first nf_defrag_ipv4_enable() (conntrack's nf_ct_netns_get) and removed by the last
 * disable.  EMU: Linux morphs the completing skb into the datagram inside ip_defrag; nfemu's
 * ip_defrag returns a new skb, whose contents are moved into the hook's skb here.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "netstack/ip.h"
#include "netstack/skbuff.h"

/* include/net/ip.h enum ip_defrag_users */
#define IP_DEFRAG_CONNTRACK_IN 2
#define IP_DEFRAG_CONNTRACK_OUT (IP_DEFRAG_CONNTRACK_IN + 65535 + 1)

/* netstack/ip_fragment.c.  EMU: not (yet) in a netstack header. */

/* Give skb the contents of whole (the reassembled datagram) and free whole's shell. */
static void nf_defrag_morph(struct sk_buff *skb, struct sk_buff *whole)
{
	struct sk_buff orig = *skb;

	*skb = *whole;
	skb->next = orig.next;
	skb->sk = orig.sk;
	skb->_nfct = orig._nfct;        /* conntrack's reference, if any, stays with skb */
	skb->emu_id = orig.emu_id;
	skb->emu_parent = orig.emu_parent;
	skb->emu_net = orig.emu_net;
	skb->emu_verdict = orig.emu_verdict;
	/* whole now owns the original buffer: free it with the shell */
	whole->head = orig.head;
	whole->emu_headcap = orig.emu_headcap;
	whole->_nfct = 0;
	whole->next = NULL;
	consume_skb(whole);
}

static int nf_ct_ipv4_gather_frags(struct net *net, struct sk_buff *skb, u32 user)
{
	struct sk_buff *frag = skb_copy(skb);
	int err;

	if (!frag)
		return -ENOMEM;
	/* the copy is what the reassembly queue holds; it holds no conntrack reference */
	nf_reset_ct(frag);
	err = ip_defrag(net, &frag, user);
	if (err)
		return err;     /* queued (-EINPROGRESS) or dropped: frag is gone either way */
	nf_defrag_morph(skb, frag);
	skb->local_df = 1;      /* skb->ignore_df */
	return 0;
}

static u32 nf_ct_defrag_user(unsigned int hooknum, struct sk_buff *skb)
{
	u16 zone_id = NF_CT_DEFAULT_ZONE_ID;

	if (skb_nfct(skb)) {
		enum ip_conntrack_info ctinfo;
		const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

		zone_id = nf_ct_zone_id(nf_ct_zone(ct), CTINFO2DIR(ctinfo));
	}
	if (hooknum == NF_INET_PRE_ROUTING)
		return IP_DEFRAG_CONNTRACK_IN + zone_id;
	return IP_DEFRAG_CONNTRACK_OUT + zone_id;
}

/* EMU: a stolen fragment is freed only after nf_hook_slow has reported it (the queue holds
 * a copy), at the next fragment or when the module goes. */
static void nf_defrag_free_stolen(struct net *net)
{
	while (net->ct.defrag.stolen) {
		struct sk_buff *skb = net->ct.defrag.stolen;

		net->ct.defrag.stolen = skb->next;
		skb->next = NULL;
		consume_skb(skb);
	}
}

static unsigned int ipv4_conntrack_defrag(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	(void)priv;
	nf_defrag_free_stolen(state->net);
	/* EMU: no IP_NODEFRAG sockets.  The kernel this machine runs has NAT built, so a
	 * packet already tracked (looped back) is not skipped here. */
	if (skb->_nfct == IP_CT_UNTRACKED)
		return NF_ACCEPT;
	/* Gather fragments. */
	if (ip_is_fragment(ip_hdr(skb))) {
		u32 user = nf_ct_defrag_user(state->hook, skb);

		if (nf_ct_ipv4_gather_frags(state->net, skb, user)) {
			skb->next = state->net->ct.defrag.stolen;
			state->net->ct.defrag.stolen = skb;
			return NF_STOLEN;
		}
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops ipv4_defrag_ops[] = {
	{
		.hook = ipv4_conntrack_defrag,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK_DEFRAG,
		.name = "ipv4_conntrack_defrag",
		.module = "nf_defrag_ipv4",
	},
	{
		.hook = ipv4_conntrack_defrag,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK_DEFRAG,
		.name = "ipv4_conntrack_defrag",
		.module = "nf_defrag_ipv4",
	},
};

int nf_defrag_ipv4_enable(struct net *net)
{
	int err = 0;

	if (net->ct.defrag.users == UINT_MAX)
		return -EOVERFLOW;
	if (net->ct.defrag.users++)
		return 0;
	err = nf_register_net_hooks(net, ipv4_defrag_ops, ARRAY_SIZE(ipv4_defrag_ops));
	if (err)
		net->ct.defrag.users = 0;
	return err;
}

void nf_defrag_ipv4_disable(struct net *net)
{
	if (net->ct.defrag.users) {
		net->ct.defrag.users--;
		if (net->ct.defrag.users == 0) {
			nf_unregister_net_hooks(net, ipv4_defrag_ops, ARRAY_SIZE(ipv4_defrag_ops));
			nf_defrag_free_stolen(net);
		}
	}
}

/* defrag4_net_exit */
static void nf_defrag_fini(struct net *net, struct module *mod)
{
	(void)mod;
	nf_defrag_free_stolen(net);
	if (net->ct.defrag.users) {
		nf_unregister_net_hooks(net, ipv4_defrag_ops, ARRAY_SIZE(ipv4_defrag_ops));
		net->ct.defrag.users = 0;
	}
}

const struct module_info module_info_nf_defrag_ipv4 = {
	.name = "nf_defrag_ipv4",
	.size = 12288,
	.exit = nf_defrag_fini,
};
