/* netstack/ip_forward.c - forwarding IPv4 packets (net/ipv4/ip_forward.c).
 *
 * ip_forward() runs for a packet whose input route is a forwarding one: TTL <= 1 answers ICMP
 * time exceeded; a DF packet larger than the output MTU answers fragmentation needed; then
 * the TTL is decremented with the kernel's incremental checksum, a redirect is sent when the
 * route said so, skb->priority follows the TOS, and the packet passes NF_INET_FORWARD on its
 * way to dst_output.
 * EMU: no router alert chain, no strict source routing (source-routed packets are dropped at
 * input unless accept_source_route), no XFRM, no GSO.
 */
#include <arpa/inet.h>
#include "kernel/net.h"
#include "netstack/ip.h"
#include "netstack/icmp.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

/* ip_tos2prio[] (net/ipv4/route.c) and rt_tos2priority(). */
#define TC_PRIO_BESTEFFORT 0
#define TC_PRIO_FILLER 1
#define TC_PRIO_BULK 2
#define TC_PRIO_INTERACTIVE_BULK 4
#define TC_PRIO_INTERACTIVE 6
#define ECN_OR_COST(class) TC_PRIO_##class

static const u8 ip_tos2prio[16] = {
	TC_PRIO_BESTEFFORT, ECN_OR_COST(BESTEFFORT), TC_PRIO_BESTEFFORT, ECN_OR_COST(BESTEFFORT),
	TC_PRIO_BULK, ECN_OR_COST(BULK), TC_PRIO_BULK, ECN_OR_COST(BULK),
	TC_PRIO_INTERACTIVE, ECN_OR_COST(INTERACTIVE), TC_PRIO_INTERACTIVE, ECN_OR_COST(INTERACTIVE),
	TC_PRIO_INTERACTIVE_BULK, ECN_OR_COST(INTERACTIVE_BULK), TC_PRIO_INTERACTIVE_BULK,
	ECN_OR_COST(INTERACTIVE_BULK),
};

static u8 rt_tos2priority(u8 tos)
{
	return ip_tos2prio[(tos & IPTOS_TOS_MASK) >> 1];
}

static bool ip_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if ((ip_hdr(skb)->frag_off & htons(IP_DF)) == 0)
		return false;
	/* original fragment exceeds mtu and DF is set */
	if (skb->frag_max_size > mtu)
		return true;
	if (skb->local_df)      /* skb->ignore_df */
		return false;
	return true;
}

/* ip_rt_get_source(): the address this host puts in record-route and timestamp options of a
 * packet it forwards: the preferred source of the route the packet takes. */
static void ip_rt_get_source(u8 *addr, struct sk_buff *skb, struct rtable *rt)
{
	struct net *net = dev_net(rt->dev);
	struct iphdr *iph = ip_hdr(skb);
	struct fib_result res;
	__be32 src;

	if (rt_is_output_route(rt)) {
		src = iph->saddr;
	} else {
		struct flowi4 fl4 = {
			.daddr = iph->daddr,
			.saddr = iph->saddr,
			.flowi4_tos = iph->tos & INET_DSCP_MASK,
			.flowi4_oif = rt->dev->ifindex,
			.flowi4_iif = skb->dev->ifindex,
			.flowi4_mark = skb->mark,
		};

		if (fib_lookup(net, &fl4, &res, 0) == 0)
			src = fib_result_prefsrc(net, &res);
		else
			src = inet_select_addr(rt->dev, rt_nexthop(rt, iph->daddr), RT_SCOPE_UNIVERSE);
	}
	memcpy(addr, &src, 4);
}

/* ip_forward_options() (net/ipv4/ip_options.c): fill in the address slots reception reserved,
 * and fix the header checksum if reception changed the options. */
static void ip_forward_options(struct sk_buff *skb, struct ip_options *opt)
{
	unsigned char *raw = skb_network_header(skb);
	struct rtable *rt = skb_rtable(skb);
	unsigned char *optptr;

	if (opt->rr_needaddr) {
		optptr = raw + opt->rr;
		ip_rt_get_source(&optptr[optptr[2] - 5], skb, rt);
		opt->is_changed = 1;
	}
	if (opt->ts_needaddr) {
		optptr = raw + opt->ts;
		ip_rt_get_source(&optptr[optptr[2] - 9], skb, rt);
		opt->is_changed = 1;
	}
	if (opt->is_changed) {
		opt->is_changed = 0;
		ip_send_check(ip_hdr(skb));
	}
}

static int ip_forward_finish(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	/* IPCB(skb)->opt: EMU kept in the net for the packet being received */
	if (net->ipv4.ipcb_skb == skb && net->ipv4.ipcb_opt.optlen)
		ip_forward_options(skb, &net->ipv4.ipcb_opt);
	skb->tstamp = 0;        /* skb_clear_tstamp */
	return dst_output(net, sk, skb);
}

int ip_forward(struct sk_buff *skb)
{
	enum skb_drop_reason reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct rtable *rt;
	struct iphdr *iph;
	struct net *net;
	u32 mtu;

	/* that should never happen */
	if (skb->pkt_type != PACKET_HOST)
		goto drop;
	if (skb->sk)
		goto drop;
	net = dev_net(skb->dev);

	/* According to the RFC, we must first decrease the TTL field.  If that reaches zero, we
	 * must reply an ICMP control message telling that the packet's lifetime expired. */
	if (ip_hdr(skb)->ttl <= 1)
		goto too_many_hops;

	rt = skb_rtable(skb);
	net->ipv4.mib.ip_forw_datagrams++;
	/* IPCB(skb)->flags |= IPSKB_FORWARDED: EMU implied by the input route */
	mtu = ip_dst_mtu_maybe_forward(rt, true);
	if (ip_exceeds_mtu(skb, mtu)) {
		net->ipv4.mib.ip_frag_fails++;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		reason = SKB_DROP_REASON_PKT_TOO_BIG;
		goto drop;
	}

	iph = ip_hdr(skb);
	/* Decrease ttl after skb cow done */
	ip_decrease_ttl(iph);

	/* We now generate an ICMP HOST REDIRECT giving the route we calculated. */
	if (rt->rt_flags & RTCF_DOREDIRECT)
		ip_rt_send_redirect(skb);

	if (net->ipv4.sysctl_ip_fwd_update_priority)
		skb->priority = rt_tos2priority(iph->tos);

	return NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, skb->dev, rt->dev,
		       ip_forward_finish);

too_many_hops:
	/* Tell the sender its packet died... */
	net->ipv4.mib.ip_in_hdr_errors++;
	icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
	reason = SKB_DROP_REASON_IP_INHDR;
drop:
	nfemu_kfree_skb_at(skb, reason, "ip_forward");
	return NET_RX_DROP;
}
