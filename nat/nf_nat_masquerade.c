/* nat/nf_nat_masquerade.c - MASQUERADE: source NAT to the outgoing device's own address.
 *
 * Mirrors the IPv4 half of net/netfilter/nf_nat_masquerade.c: the new source is the address
 * routing would pick to reach the next hop (inet_select_addr), remembered with the device
 * (masq_index) so that the connection dies if its packets later leave by another device
 * (nf_nat_oif_changed) or when the device goes down or loses that address (the notifiers).
 * EMU: the notifiers' work runs at once instead of from a work queue; only the netdevice
 * notifier exists (no address is ever deleted from a running nfemu host), and
 * nf_nat_masquerade_sweep does the address notifier's work for entries of a state file whose
 * device or address the replay's topology no longer has.
 */
#include <arpa/inet.h>
#include "kernel/net.h"
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

/* Device was downed.  Search entire table for conntracks which were associated with that
 * device, and forget them. */
static void nf_nat_masquerade_device_down(struct net *net, int ifindex)
{
	struct masq_dev_work w = { .ifindex = ifindex };
	struct nf_ct_iter_data iter_data = { .net = net, .data = &w };

	nf_ct_iterate_cleanup_net(device_cmp, &iter_data);
}

static int masq_device_event(struct notifier_block *this, unsigned long event, void *ptr)
{
	const struct net_device *dev = ptr;

	(void)this;
	if (event == NETDEV_DOWN)
		nf_nat_masquerade_device_down(dev_net(dev), dev->ifindex);
	return 0;       /* NOTIFY_DONE */
}

int nf_nat_masquerade_inet_register_notifiers(struct net *net)
{
	struct nat_net *nat_net = nf_nat_pernet(net);

	if (!nat_net)
		return -ENOENT;
	/* check if the notifier was already set */
	if (++nat_net->masq_refcnt > 1)
		return 0;
	nat_net->masq_dev_notifier.notifier_call = masq_device_event;
	return register_netdevice_notifier(net, &nat_net->masq_dev_notifier);
}

void nf_nat_masquerade_inet_unregister_notifiers(struct net *net)
{
	struct nat_net *nat_net = nf_nat_pernet(net);

	/* check if the notifiers still have clients */
	if (!nat_net || !nat_net->masq_refcnt || --nat_net->masq_refcnt > 0)
		return;
	unregister_netdevice_notifier(net, &nat_net->masq_dev_notifier);
}

/* An entry whose masquerade device is gone or down, or no longer has the address the entry
 * was mapped to. */
static int masq_stale(struct nf_conn *ct, void *data)
{
	const struct nf_conn_nat *nat = nfct_nat(ct);
	const struct net_device *dev;
	const struct in_device *in_dev;
	const struct in_ifaddr *ifa;
	__be32 addr = ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3.ip;

	(void)data;
	if (!nat || !nat->masq_index)
		return 0;
	dev = __dev_get_by_index(nf_ct_net(ct), nat->masq_index);
	if (!dev || !(dev->flags & IFF_UP))
		return 1;
	in_dev = __in_dev_get_rcu(dev);
	if (in_dev)
		in_dev_for_each_ifa(ifa, in_dev)
			if (ifa->ifa_local == addr)
				return 0;
	return 1;
}

void nf_nat_masquerade_sweep(struct net *net)
{
	struct nf_ct_iter_data iter_data = { .net = net };

	if (net->nf.nat_hook)
		nf_ct_iterate_cleanup_net(masq_stale, &iter_data);
}
