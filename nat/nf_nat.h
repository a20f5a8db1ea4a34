/* nat/nf_nat.h - network address translation: what the targets, the table and conntrack call.
 *
 * Mirrors include/net/netfilter/nf_nat.h and the NAT parts of nf_nat_core.c/nf_nat_proto.c:
 * a connection gets at most one source and one destination binding (nf_nat_setup_info, on its
 * first packet, while unconfirmed); afterwards every packet is rewritten to match the other
 * direction's tuple (nf_nat_packet).  The nat table is not a hook of its own: iptable_nat
 * registers its chains with the NAT core (nf_nat_ipv4_register_fn), which walks them only for a
 * connection that has no binding yet, and gives a null binding when no rule chose one.
 * EMU: per-net state (net_generic NET_GENERIC_NAT) holds what Linux keeps global: the bysource
 * hash and the per-family lookup hooks.
 */
#ifndef NFEMU_NAT_NF_NAT_H
#define NFEMU_NAT_NF_NAT_H

#include <linux/netfilter/nf_nat.h>
#include "conntrack/hlist.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_helper.h"
#include "hooks/netfilter.h"

enum nf_nat_manip_type {
	NF_NAT_MANIP_SRC,
	NF_NAT_MANIP_DST
};

/* SRC manip occurs POST_ROUTING or LOCAL_IN */
#define HOOK2MANIP(hooknum) ((hooknum) != NF_INET_POST_ROUTING && (hooknum) != NF_INET_LOCAL_IN)

/* Set up the info structure to map into this range: NF_ACCEPT, or NF_DROP. */
unsigned int nf_nat_setup_info(struct nf_conn *ct, const struct nf_nat_range2 *range,
			       enum nf_nat_manip_type maniptype);

/* The binding of a connection no rule translated (its own address, ports only if they clash). */
unsigned int nf_nat_alloc_null_binding(struct nf_conn *ct, unsigned int hooknum);

struct nf_conn_nat *nf_ct_nat_ext_add(struct nf_conn *ct);

static inline struct nf_conn_nat *nfct_nat(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_NAT);
}

struct net_device;

/* A masqueraded connection whose packets now leave by another device is killed (the source
 * address MASQUERADE chose belongs to the old one). */
static inline bool nf_nat_oif_changed(unsigned int hooknum, enum ip_conntrack_info ctinfo,
				      const struct nf_conn_nat *nat, const struct net_device *out);

int nf_nat_register_fn(struct net *net, u8 pf, const struct nf_hook_ops *ops,
		       const struct nf_hook_ops *nat_ops, unsigned int ops_count);
void nf_nat_unregister_fn(struct net *net, u8 pf, const struct nf_hook_ops *ops,
			  unsigned int ops_count);

unsigned int nf_nat_packet(struct nf_conn *ct, enum ip_conntrack_info ctinfo, unsigned int hooknum,
			   struct sk_buff *skb);
unsigned int nf_nat_manip_pkt(struct sk_buff *skb, struct nf_conn *ct, enum nf_nat_manip_type mtype,
			      enum ip_conntrack_dir dir);
void nf_nat_csum_recalc(struct sk_buff *skb, u8 nfproto, u8 proto, void *data, __sum16 *check,
			int datalen, int oldlen);

int nf_nat_icmp_reply_translation(struct sk_buff *skb, struct nf_conn *ct,
				  enum ip_conntrack_info ctinfo, unsigned int hooknum);

int nf_nat_ipv4_register_fn(struct net *net, const struct nf_hook_ops *ops);
void nf_nat_ipv4_unregister_fn(struct net *net, const struct nf_hook_ops *ops);

unsigned int nf_nat_inet_fn(void *priv, struct sk_buff *skb, const struct nf_hook_state *state);

static inline int nf_nat_initialized(const struct nf_conn *ct, enum nf_nat_manip_type manip)
{
	if (manip == NF_NAT_MANIP_SRC)
		return ct->status & IPS_SRC_NAT_DONE;
	return ct->status & IPS_DST_NAT_DONE;
}

/* ---------------------------------------------------------------- per-net state (EMU) */

/* struct nf_nat_lookup_hook_priv: the nat table's chains at one hook, in priority order. */
struct nf_nat_lookup_hook_priv {
	struct nf_hook_entries entries;
};

/* struct nf_nat_hooks_net: the core's own hooks for one family, registered while used. */
struct nf_nat_hooks_net {
	struct nf_hook_ops *nat_hook_ops;
	unsigned int users;
};

struct nat_net {
	struct nf_nat_hooks_net nat_proto_net[NFPROTO_NUMPROTO];
	/* EMU: Linux's nf_nat_bysource (one table for every netns), here per net */
	struct hlist_head *bysource;
	unsigned int htable_size;
	/* EMU: the packet and hook a decision is made for, and whether it is a null binding,
	 * for the observer (NFEMU_EV_NAT) */
	const struct sk_buff *emu_skb;
	u8 emu_hook;
	bool emu_null;
	/* follow_master_nat: nf_nat_follow_master registered by name */
	struct nf_ct_helper_expectfn follow_master_nat;
	/* nf_nat_masquerade.c: masq_refcnt and the netdevice notifier (Linux: module statics) */
	unsigned int masq_refcnt;
	struct notifier_block masq_dev_notifier;
};

static inline struct nat_net *nf_nat_pernet(const struct net *net);

/* nf_nat_proto.c: the core's IPv4 hooks (nf_nat_ipv4_ops), for nf_nat_register_fn. */
extern const struct nf_hook_ops nf_nat_ipv4_ops[4];

/* ---------------------------------------------------------------- inline bodies */

#include "kernel/net.h"
#include "netstack/netdevice.h"

static inline bool nf_nat_oif_changed(unsigned int hooknum, enum ip_conntrack_info ctinfo,
				      const struct nf_conn_nat *nat, const struct net_device *out)
{
	return nat && nat->masq_index && hooknum == NF_INET_POST_ROUTING &&
	       CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL && nat->masq_index != out->ifindex;
}

static inline struct nat_net *nf_nat_pernet(const struct net *net)
{
	return net_generic(net, NET_GENERIC_NAT);
}

#endif
