/* nat/nf_nat_masquerade.c - MASQUERADE: source NAT to the outgoing device's own address.
 *
 * Mirrors the IPv4 half of net/netfilter/nf_nat_masquerade.c: the new source is the address
 * routing would pick to reach the next hop (inet_select_addr), remembered with the device
 * (masq_index) so that the connection dies if its packets later leave by another device
 * (nf_nat_oif_changed) or when the device goes down or loses that address (the notifiers).
 * EMU: the notifiers' work runs at once instead of from a work queue; nfemu also calls them for
 * a state file's entries whose device or address the replay's topology no longer has.
 */
#include <arpa/inet.h>
#include "emu/net.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat_masquerade.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"

unsigned int nf_nat_masquerade_ipv4(struct sk_buff *skb, unsigned int hooknum,
				    const struct nf_nat_range2 *range, const struct net_device *out)
{
	struct nf_conn *ct;
	struct nf_conn_nat *nat;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 newrange;
	const struct rtable *rt;
	__be32 newsrc, nh;

	(void)hooknum;  /* WARN_ON(hooknum != NF_INET_POST_ROUTING): the target's .hooks */
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;

	/* Source address is 0.0.0.0 - locally generated packet that is probably not supposed to
	 * be masqueraded. */
	if (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u3.ip == 0)
		return NF_ACCEPT;

	rt = skb_rtable(skb);
	nh = rt_nexthop(rt, ip_hdr(skb)->daddr);
	newsrc = inet_select_addr(out, nh, RT_SCOPE_UNIVERSE);
	if (!newsrc) {
		pr_info(nf_ct_net(ct), "%s ate my IP address\n", out->name);
		return NF_DROP;
	}

	nat = nf_ct_nat_ext_add(ct);
	if (nat)
		nat->masq_index = out->ifindex;

	/* Transfer from original range. */
	memset(&newrange, 0, sizeof(newrange));
	newrange.flags = range->flags | NF_NAT_RANGE_MAP_IPS;
	newrange.min_addr.ip = newsrc;
	newrange.max_addr.ip = newsrc;
	newrange.min_proto = range->min_proto;
	newrange.max_proto = range->max_proto;

	/* Hand modified range to generic setup. */
	return nf_nat_setup_info(ct, &newrange, NF_NAT_MANIP_SRC);
}

struct masq_dev_work {
	union nf_inet_addr addr;
	int ifindex;
};

static int device_cmp(struct nf_conn *i, void *arg)
{
	const struct nf_conn_nat *nat = nfct_nat(i);
	const struct masq_dev_work *w = arg;

	if (!nat)
		return 0;
	return nat->masq_index == w->ifindex;
}

static int inet_cmp(struct nf_conn *ct, void *ptr)
{
	const struct masq_dev_work *w = ptr;

	if (!device_cmp(ct, ptr))
		return 0;
	return nf_inet_addr_cmp(&w->addr, &ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3);
}

/* Device was downed.  Search entire table for conntracks which were associated with that
 * device, and forget them. */
void nf_nat_masquerade_device_down(struct net *net, int ifindex)
{
	struct masq_dev_work w = { .ifindex = ifindex };
	struct nf_ct_iter_data iter_data = { .net = net, .data = &w };

	nf_ct_iterate_cleanup_net(device_cmp, &iter_data);
}

/* An address was removed from a device that stays up. */
void nf_nat_masquerade_inet_down(struct net *net, int ifindex, __be32 addr)
{
	struct masq_dev_work w = { .ifindex = ifindex };
	struct nf_ct_iter_data iter_data = { .net = net, .data = &w };

	w.addr.ip = addr;
	nf_ct_iterate_cleanup_net(inet_cmp, &iter_data);
}
