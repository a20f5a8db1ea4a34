/* netstack/route.c - IPv4 route resolution (net/ipv4/route.c, and ip_route_me_harder from
 * net/ipv4/netfilter.c).
 *
 * ip_route_input_noref() with the martian checks of ip_route_input_slow (multicast/limited
 * broadcast/zero/loopback sources and destinations, rp_filter through fib_validate_source,
 * IN_DEV_FORWARD, broadcast and local input), the forwarding route of __mkroute_input
 * (with the redirect decision), ip_error() for unreachable input routes, the output resolver
 * ip_route_output_key_hash_rcu/__mkroute_output, ICMP redirects with their inet_peer backoff,
 * and re-routing after netfilter changed a packet.
 * EMU: rtables are immutable values interned in a per-net pool (rt_intern) instead of the
 * per-nexthop route cache: equal decisions share one object, which lives as long as the net,
 * so skb->rt needs no reference counting.  No multicast routing, no PMTU exceptions, no
 * tunnels or l3mdev.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/ip.h"
#include "netstack/icmp.h"
#include "netstack/inet.h"

#define PACKET_LOOPBACK_TYPE 5

/* Redirect and ip_error limits (route.c: ip_rt_redirect_*, ip_rt_error_*). */
#define IP_RT_REDIRECT_NUMBER 9
#define IP_RT_REDIRECT_LOAD (HZ / 50)
#define IP_RT_REDIRECT_SILENCE ((HZ / 50) << (IP_RT_REDIRECT_NUMBER + 1))
#define IP_RT_ERROR_COST HZ
#define IP_RT_ERROR_BURST (5 * HZ)

/* ------------------------------------------------------------------------------------------
 * The rtable pool
 */

/* Return the pool's rtable equal to *tmpl, adding a copy if there is none.  tmpl must have been
 * zeroed before it was filled, so that padding compares equal.  NULL on ENOMEM. */
static struct rtable *rt_intern(struct net *net, const struct rtable *tmpl)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	struct rtable *rt;

	for (unsigned int i = 0; i < ipv4->rt_pool_len; i++)
		if (!memcmp(ipv4->rt_pool[i], tmpl, sizeof(*tmpl)))
			return ipv4->rt_pool[i];
	if (ipv4->rt_pool_len == ipv4->rt_pool_cap) {
		unsigned int cap = ipv4->rt_pool_cap ? 2 * ipv4->rt_pool_cap : 16;
		struct rtable **p = realloc(ipv4->rt_pool, cap * sizeof(*p));

		if (!p)
			return NULL;
		ipv4->rt_pool = p;
		ipv4->rt_pool_cap = cap;
	}
	rt = malloc(sizeof(*rt));
	if (!rt)
		return NULL;
	memcpy(rt, tmpl, sizeof(*rt));
	ipv4->rt_pool[ipv4->rt_pool_len++] = rt;
	return rt;
}

void rt_pool_free(struct net *net)
{
	for (unsigned int i = 0; i < net->ipv4.rt_pool_len; i++)
		free(net->ipv4.rt_pool[i]);
	free(net->ipv4.rt_pool);
	net->ipv4.rt_pool = NULL;
	net->ipv4.rt_pool_len = net->ipv4.rt_pool_cap = 0;
}

void rt_cache_flush(struct net *net)
{
	(void)net;      /* EMU: rtables hold no FIB state; nothing goes stale */
}

/* rt_dst_alloc() into a template. */
static void rt_dst_init(struct rtable *rt, struct net_device *dev, unsigned int flags, u16 type)
{
	memset(rt, 0, sizeof(*rt));
	rt->dev = dev;
	rt->rt_type = (unsigned char)type;
	rt->rt_flags = flags;
	rt->output = ip_output;
	if (flags & RTCF_LOCAL)
		rt->input = ip_local_deliver;
}

/* rt_set_nexthop(): the gateway when the nexthop is one (scope link). */
static void rt_set_nexthop(struct rtable *rt, const struct fib_result *res)
{
	if (res->fi) {
		const struct fib_nh *nh = res->nhc;

		if (nh->fib_nh_gw_family && nh->fib_nh_scope == RT_SCOPE_LINK) {
			rt->rt_uses_gateway = 1;
			rt->rt_gw_family = nh->fib_nh_gw_family;
			rt->rt_gw4 = nh->fib_nh_gw4;
		}
	}
}

unsigned int dst_mtu(const struct rtable *rt)
{
	unsigned int mtu = rt->rt_pmtu;

	if (!mtu)
		mtu = rt->dev->mtu;
	return mtu < 0xFFFFU ? mtu : 0xFFFFU;   /* IP_MAX_MTU */
}

unsigned int ip_dst_mtu_maybe_forward(const struct rtable *rt, bool forwarding)
{
	struct net *net = dev_net(rt->dev);

	if ((net->ipv4.sysctl_ip_fwd_use_pmtu || rt->rt_mtu_locked || !forwarding) && rt->rt_pmtu)
		return rt->rt_pmtu;
	return rt->dev->mtu < 0xFFFFU ? rt->dev->mtu : 0xFFFFU;
}

int ip_rt_bug(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	(void)sk;
	inet_ntop(AF_INET, &ip_hdr(skb)->saddr, s, sizeof(s));
	inet_ntop(AF_INET, &ip_hdr(skb)->daddr, d, sizeof(d));
	pr_debug(net, "IPv4: ip_rt_bug: %s -> %s, %s", s, d, skb->dev ? skb->dev->name : "?");
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "ip_rt_bug");
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * Input
 */

static void ip_handle_martian_source(struct net_device *dev, struct in_device *in_dev,
				     struct sk_buff *skb, __be32 daddr, __be32 saddr)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (!IN_DEV_LOG_MARTIANS(in_dev))
		return;
	/* RFC1812 recommendation, if source is martian, the only hint is MAC header. */
	inet_ntop(AF_INET, &daddr, d, sizeof(d));
	inet_ntop(AF_INET, &saddr, s, sizeof(s));
	pr_warn(dev_net(dev), "IPv4: martian source %s from %s, on dev %s", d, s, dev->name);
	if (dev->hard_header_len && skb_mac_header_was_set(skb)) {
		char line[3 * 16 + 32];
		const unsigned char *p = skb_mac_header(skb);
		unsigned int n = dev->hard_header_len;

		for (unsigned int off = 0; off < n; off += 16) {
			int w = snprintf(line, sizeof(line), "ll header: %08x:", off);

			for (unsigned int i = off; i < n && i < off + 16; i++)
				w += snprintf(line + w, sizeof(line) - (size_t)w, " %02x", p[i]);
			pr_warn(dev_net(dev), "%s", line);
		}
	}
}

static void ip_log_martian_dest(struct in_device *in_dev, struct net_device *dev, __be32 daddr,
				__be32 saddr)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (!IN_DEV_LOG_MARTIANS(in_dev))
		return;
	inet_ntop(AF_INET, &daddr, d, sizeof(d));
	inet_ntop(AF_INET, &saddr, s, sizeof(s));
	pr_warn(dev_net(dev), "IPv4: martian destination %s from %s, dev %s", d, s, dev->name);
}

/* __mkroute_input(): the forwarding route, after rp_filter; marks a redirect when the packet
 * leaves by the device it came in on and its source is on link. */
static int __mkroute_input(struct sk_buff *skb, const struct fib_result *res,
			   struct in_device *in_dev, __be32 daddr, __be32 saddr, u8 tos,
			   enum skb_drop_reason *reason)
{
	struct net_device *dev = res->nhc->fib_nh_dev;
	struct in_device *out_dev = __in_dev_get_rcu(dev);
	struct net *net = dev_net(in_dev->dev);
	struct rtable tmpl, *rth;
	unsigned int flags = 0;
	u32 itag = 0;
	int err;

	if (!out_dev) {
		*reason = SKB_DROP_REASON_NOT_SPECIFIED;
		return -EINVAL;
	}
	err = fib_validate_source(skb, saddr, daddr, tos, FIB_RES_OIF(*res), in_dev->dev, in_dev,
				  &itag, reason);
	if (err < 0) {
		ip_handle_martian_source(in_dev->dev, in_dev, skb, daddr, saddr);
		return err;
	}
	if (out_dev == in_dev && err && IN_DEV_TX_REDIRECTS(out_dev) &&
	    skb->protocol == htons(ETH_P_IP)) {
		__be32 gw = res->nhc->fib_nh_gw_family == AF_INET ? res->nhc->fib_nh_gw4 : 0;

		if (IN_DEV_SHARED_MEDIA(out_dev) || inet_addr_onlink(out_dev, saddr, gw))
			flags |= RTCF_DOREDIRECT;       /* EMU: IPCB(skb)->flags |= IPSKB_DOREDIRECT */
	}
	if (skb->protocol != htons(ETH_P_IP)) {
		/* Not IP (i.e. ARP): no route for proxy arp back out the same device. */
		if (out_dev == in_dev) {
			*reason = SKB_DROP_REASON_NOT_SPECIFIED;
			return -EINVAL;
		}
	}
	rt_dst_init(&tmpl, out_dev->dev, flags, res->type);
	tmpl.rt_is_input = 1;
	tmpl.input = ip_forward;
	rt_set_nexthop(&tmpl, res);
	rth = rt_intern(net, &tmpl);
	if (!rth) {
		*reason = SKB_DROP_REASON_NOMEM;
		return -ENOBUFS;
	}
	skb_dst_set(skb, rth);
	return 0;
}

/* ip_mc_validate_source() */
static int ip_mc_validate_source(struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
				 struct net_device *dev, struct in_device *in_dev, u32 *itag,
				 enum skb_drop_reason *reason)
{
	*reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (!in_dev)
		return -EINVAL;
	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || skb->protocol != htons(ETH_P_IP)) {
		*reason = SKB_DROP_REASON_IP_INVALID_SOURCE;
		return -EINVAL;
	}
	if (ipv4_is_loopback(saddr) && !IN_DEV_ROUTE_LOCALNET(in_dev)) {
		*reason = SKB_DROP_REASON_IP_LOCALNET;
		return -EINVAL;
	}
	if (ipv4_is_zeronet(saddr)) {
		if (!ipv4_is_local_multicast(daddr) && ip_hdr(skb)->protocol != IPPROTO_IGMP) {
			*reason = SKB_DROP_REASON_IP_INVALID_SOURCE;
			return -EINVAL;
		}
		return 0;
	}
	if (fib_validate_source(skb, saddr, 0, tos, 0, dev, in_dev, itag, reason) < 0)
		return -EINVAL;
	return 0;
}

/* Is the host a member of group daddr on in_dev (ip_check_mc_rcu)?  EMU: the only groups are
 * the ones every multicast-capable up device joins: 224.0.0.1 (all hosts). */
static bool ip_check_mc_rcu(struct in_device *in_dev, __be32 mc_addr)
{
	struct net_device *dev = in_dev->dev;

	return (dev->flags & IFF_UP) && (dev->flags & (IFF_MULTICAST | IFF_LOOPBACK)) &&
	       mc_addr == htonl(INADDR_ALLHOSTS_GROUP);
}

static int ip_route_input_mc(struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
			     struct net_device *dev, enum skb_drop_reason *reason)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	struct net *net = dev_net(dev);
	struct rtable tmpl, *rth;
	u32 itag = 0;
	int err;

	err = ip_mc_validate_source(skb, daddr, saddr, tos, dev, in_dev, &itag, reason);
	if (err)
		return err;
	rt_dst_init(&tmpl, net->ipv4.loopback_dev, RTCF_MULTICAST | RTCF_LOCAL, RTN_MULTICAST);
	tmpl.output = ip_rt_bug;
	tmpl.rt_is_input = 1;
	tmpl.input = ip_local_deliver;
	rth = rt_intern(net, &tmpl);
	if (!rth) {
		*reason = SKB_DROP_REASON_NOMEM;
		return -ENOBUFS;
	}
	skb_dst_set(skb, rth);
	return 0;
}

/*
 * ip_route_input_slow(): the checks Linux makes before and after the FIB lookup of a received
 * packet, in the kernel's order.  See the comment in net/ipv4/route.c: every properly looped
 * back packet already has its route, so local sources here are spoofing.
 */
static int ip_route_input_slow(struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
			       struct net_device *dev, struct fib_result *res,
			       enum skb_drop_reason *reason)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	struct net *net = dev_net(dev);
	struct rtable tmpl, *rth;
	unsigned int flags = 0;
	struct flowi4 fl4;
	int err = -EINVAL;
	u32 itag = 0;

	*reason = SKB_DROP_REASON_NOT_SPECIFIED;
	/* IP on this device is disabled. */
	if (!in_dev)
		goto out;

	skb_dst_drop(skb);

	if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr)) {
		*reason = SKB_DROP_REASON_IP_INVALID_SOURCE;
		goto martian_source;
	}
	res->fi = NULL;
	res->table = 0;
	if (ipv4_is_lbcast(daddr) || (saddr == 0 && daddr == 0))
		goto brd_input;

	/* Accept zero addresses only to limited broadcast. */
	if (ipv4_is_zeronet(saddr)) {
		*reason = SKB_DROP_REASON_IP_INVALID_SOURCE;
		goto martian_source;
	}
	if (ipv4_is_zeronet(daddr)) {
		*reason = SKB_DROP_REASON_IP_INVALID_DEST;
		goto martian_destination;
	}
	if (ipv4_is_loopback(daddr)) {
		if (!IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)) {
			*reason = SKB_DROP_REASON_IP_LOCALNET;
			goto martian_destination;
		}
	} else if (ipv4_is_loopback(saddr)) {
		if (!IN_DEV_NET_ROUTE_LOCALNET(in_dev, net)) {
			*reason = SKB_DROP_REASON_IP_LOCALNET;
			goto martian_source;
		}
	}

	/* Now we are ready to route packet. */
	memset(&fl4, 0, sizeof(fl4));
	fl4.flowi4_oif = 0;
	fl4.flowi4_iif = dev->ifindex;
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_tos = tos;
	fl4.flowi4_scope = RT_SCOPE_UNIVERSE;
	fl4.daddr = daddr;
	fl4.saddr = saddr;
	err = fib_lookup(net, &fl4, res, 0);
	if (err != 0) {
		if (!IN_DEV_FORWARD(in_dev))
			err = -EHOSTUNREACH;
		goto no_route;
	}

	if (res->type == RTN_BROADCAST) {
		if (IN_DEV_BFORWARD(in_dev))
			goto make_route;
		goto brd_input;
	}

	err = -EINVAL;
	if (res->type == RTN_LOCAL) {
		if (fib_validate_source(skb, saddr, daddr, tos, 0, dev, in_dev, &itag, reason) < 0)
			goto martian_source;
		goto local_input;
	}

	if (!IN_DEV_FORWARD(in_dev)) {
		err = -EHOSTUNREACH;
		goto no_route;
	}
	if (res->type != RTN_UNICAST) {
		*reason = SKB_DROP_REASON_IP_INVALID_DEST;
		goto martian_destination;
	}

make_route:
	return __mkroute_input(skb, res, in_dev, daddr, saddr, tos, reason);

brd_input:
	if (skb->protocol != htons(ETH_P_IP)) {
		*reason = SKB_DROP_REASON_INVALID_PROTO;
		err = -EINVAL;
		goto out;
	}
	if (!ipv4_is_zeronet(saddr)) {
		err = -EINVAL;
		if (fib_validate_source(skb, saddr, 0, tos, 0, dev, in_dev, &itag, reason) < 0)
			goto martian_source;
	}
	flags |= RTCF_BROADCAST;
	res->type = RTN_BROADCAST;

local_input:
	/* ip_rt_get_dev(): the l3mdev of the result's device, else the loopback device */
	rt_dst_init(&tmpl, net->ipv4.loopback_dev, flags | RTCF_LOCAL, res->type);
	tmpl.output = ip_rt_bug;
	tmpl.rt_is_input = 1;
	if (res->type == RTN_UNREACHABLE) {
		tmpl.input = ip_error;
		tmpl.error = -err;
		tmpl.rt_flags &= ~RTCF_LOCAL;
	}
	rth = rt_intern(net, &tmpl);
	if (!rth)
		goto e_nobufs;
	skb_dst_set(skb, rth);
	return 0;

no_route:
	res->type = RTN_UNREACHABLE;
	res->fi = NULL;
	res->table = 0;
	goto local_input;

	/* Do not cache martian addresses: they should be logged (RFC1812) */
martian_destination:
	ip_log_martian_dest(in_dev, dev, daddr, saddr);
	err = -EINVAL;
	goto out;

e_nobufs:
	*reason = SKB_DROP_REASON_NOMEM;
	err = -ENOBUFS;
	goto out;

martian_source:
	ip_handle_martian_source(dev, in_dev, skb, daddr, saddr);
	err = -EINVAL;
out:
	return err;
}

int ip_route_input_noref(struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
			 struct net_device *dev, enum skb_drop_reason *reason)
{
	struct fib_result res;

	tos &= INET_DSCP_MASK;
	memset(&res, 0, sizeof(res));
	*reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (ipv4_is_multicast(daddr)) {
		struct in_device *in_dev = __in_dev_get_rcu(dev);

		if (!in_dev)
			return -EINVAL;
		/* no multicast routing (mc_forwarding is read-only 0 without a daemon) */
		if (ip_check_mc_rcu(in_dev, daddr))
			return ip_route_input_mc(skb, daddr, saddr, tos, dev, reason);
		return -EINVAL;
	}
	return ip_route_input_slow(skb, daddr, saddr, tos, dev, &res, reason);
}

/*
 * ip_error(): the input of an unreachable route.  Without forwarding on the device the packet
 * is simply counted and dropped; with it, an ICMP destination unreachable goes back, limited
 * per source by the inet_peer token bucket (1 per second, bursts of 5).
 */
int ip_error(struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = skb->dev;
	enum skb_drop_reason reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct in_device *in_dev;
	struct inet_peer *peer;
	struct net *net;
	bool send;
	int code;

	in_dev = __in_dev_get_rcu(dev);
	/* IP on this device is disabled. */
	if (!in_dev)
		goto out;
	net = dev_net(rt->dev);
	if (!IN_DEV_FORWARD(in_dev)) {
		switch (rt->error) {
		case EHOSTUNREACH:
			reason = SKB_DROP_REASON_IP_INADDRERRORS;
			net->ipv4.mib.ip_in_addr_errors++;
			break;
		case ENETUNREACH:
			reason = SKB_DROP_REASON_IP_INNOROUTES;
			net->ipv4.mib.ip_in_no_routes++;
			break;
		}
		goto out;
	}
	switch (rt->error) {
	case EINVAL:
	default:
		goto out;
	case EHOSTUNREACH:
		code = ICMP_HOST_UNREACH;
		break;
	case ENETUNREACH:
		code = ICMP_NET_UNREACH;
		reason = SKB_DROP_REASON_IP_INNOROUTES;
		net->ipv4.mib.ip_in_no_routes++;
		break;
	case EACCES:
		code = ICMP_PKT_FILTERED;
		break;
	}

	peer = inet_getpeer_v4(net, ip_hdr(skb)->saddr, 0);
	send = true;
	if (peer) {
		unsigned long now = nfemu_jiffies(net);

		peer->rate_tokens += now - peer->rate_last;
		if (peer->rate_tokens > IP_RT_ERROR_BURST)
			peer->rate_tokens = IP_RT_ERROR_BURST;
		peer->rate_last = now;
		if (peer->rate_tokens >= IP_RT_ERROR_COST)
			peer->rate_tokens -= IP_RT_ERROR_COST;
		else
			send = false;
	}
	if (send)
		icmp_send(skb, ICMP_DEST_UNREACH, code, 0);
out:
	nfemu_kfree_skb_at(skb, reason, "ip_error");
	return 0;
}

/*
 * ip_rt_send_redirect(): the first ip_rt_redirect_number redirects with exponential backoff,
 * then silence until the host has sent nothing that needed one for ip_rt_redirect_silence.
 */
void ip_rt_send_redirect(struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct in_device *in_dev = __in_dev_get_rcu(rt->dev);
	struct inet_peer *peer;
	struct net *net;
	unsigned long now;

	if (!in_dev || !IN_DEV_TX_REDIRECTS(in_dev))
		return;
	net = dev_net(rt->dev);
	peer = inet_getpeer_v4(net, ip_hdr(skb)->saddr, 0);
	if (!peer)
		return;
	now = nfemu_jiffies(net);
	/* No redirected packets during ip_rt_redirect_silence; reset the algorithm. */
	if (time_after(now, peer->rate_last + IP_RT_REDIRECT_SILENCE)) {
		peer->rate_tokens = 0;
		peer->n_redirects = 0;
	}
	/* Too many ignored redirects; do not send anything. */
	if (peer->n_redirects >= IP_RT_REDIRECT_NUMBER) {
		peer->rate_last = now;
		return;
	}
	if (peer->n_redirects == 0 ||
	    time_after(now, peer->rate_last + ((unsigned long)IP_RT_REDIRECT_LOAD << peer->n_redirects))) {
		__be32 gw = rt_nexthop(rt, ip_hdr(skb)->daddr);

		icmp_send(skb, ICMP_REDIRECT, ICMP_REDIR_HOST, gw);
		peer->rate_last = now;
		++peer->n_redirects;
	}
}

/* ------------------------------------------------------------------------------------------
 * Output
 */

static struct rtable *__mkroute_output(struct net *net, const struct fib_result *res,
				       const struct flowi4 *fl4, int orig_oif,
				       struct net_device *dev_out, unsigned int flags)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev_out);
	const struct fib_result *nh_res = res;
	u16 type = res->type;
	struct rtable tmpl, *rth;

	if (!in_dev)
		return ERR_PTR(-EINVAL);
	if (!IN_DEV_ROUTE_LOCALNET(in_dev))
		if (ipv4_is_loopback(fl4->saddr) && !(dev_out->flags & IFF_LOOPBACK))
			return ERR_PTR(-EINVAL);
	if (ipv4_is_lbcast(fl4->daddr)) {
		type = RTN_BROADCAST;
		nh_res = NULL;  /* reset fi to prevent gateway resolution */
	} else if (ipv4_is_multicast(fl4->daddr)) {
		type = RTN_MULTICAST;
	} else if (ipv4_is_zeronet(fl4->daddr)) {
		return ERR_PTR(-EINVAL);
	}
	if (dev_out->flags & IFF_LOOPBACK)
		flags |= RTCF_LOCAL;
	if (type == RTN_BROADCAST) {
		flags |= RTCF_BROADCAST | RTCF_LOCAL;
	} else if (type == RTN_MULTICAST) {
		flags |= RTCF_MULTICAST | RTCF_LOCAL;
		if (!ip_check_mc_rcu(in_dev, fl4->daddr))
			flags &= ~RTCF_LOCAL;
		/* If multicast route do not exist use default one, but do not gateway. */
		if (nh_res && nh_res->fi && res->prefixlen < 4)
			nh_res = NULL;
	}
	rt_dst_init(&tmpl, dev_out, flags, type);
	tmpl.rt_iif = orig_oif;
	if (flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		if (flags & RTCF_LOCAL && !(dev_out->flags & IFF_LOOPBACK))
			tmpl.output = ip_mc_output;
	}
	if (nh_res)
		rt_set_nexthop(&tmpl, nh_res);
	rth = rt_intern(net, &tmpl);
	return rth ? rth : ERR_PTR(-ENOBUFS);
}

/* ip_route_output_key_hash_rcu(): the major route resolver for locally generated packets. */
static struct rtable *ip_route_output_key_hash_rcu(struct net *net, struct flowi4 *fl4,
						   struct fib_result *res)
{
	struct net_device *dev_out = NULL;
	int orig_oif = fl4->flowi4_oif;
	unsigned int flags = 0;
	int err;

	if (fl4->saddr) {
		if (ipv4_is_multicast(fl4->saddr) || ipv4_is_lbcast(fl4->saddr) ||
		    ipv4_is_zeronet(fl4->saddr))
			return ERR_PTR(-EINVAL);
		if (fl4->flowi4_oif == 0 && (ipv4_is_multicast(fl4->daddr) || ipv4_is_lbcast(fl4->daddr))) {
			/* It is equivalent to inet_addr_type(saddr) == RTN_LOCAL */
			dev_out = __ip_dev_find(net, fl4->saddr, false);
			if (!dev_out)
				return ERR_PTR(-ENETUNREACH);
			fl4->flowi4_oif = dev_out->ifindex;
			goto make_route;
		}
		if (!(fl4->flowi4_flags & FLOWI_FLAG_ANYSRC)) {
			if (!__ip_dev_find(net, fl4->saddr, false))
				return ERR_PTR(-ENETUNREACH);
		}
	}
	if (fl4->flowi4_oif) {
		dev_out = __dev_get_by_index(net, fl4->flowi4_oif);
		if (!dev_out)
			return ERR_PTR(-ENODEV);
		if (!(dev_out->flags & IFF_UP) || !__in_dev_get_rcu(dev_out))
			return ERR_PTR(-ENETUNREACH);
		if (ipv4_is_local_multicast(fl4->daddr) || ipv4_is_lbcast(fl4->daddr) ||
		    fl4->flowi4_proto == IPPROTO_IGMP) {
			if (!fl4->saddr)
				fl4->saddr = inet_select_addr(dev_out, 0, RT_SCOPE_LINK);
			goto make_route;
		}
		if (!fl4->saddr) {
			if (ipv4_is_multicast(fl4->daddr))
				fl4->saddr = inet_select_addr(dev_out, 0, fl4->flowi4_scope);
			else if (!fl4->daddr)
				fl4->saddr = inet_select_addr(dev_out, 0, RT_SCOPE_HOST);
		}
	}
	if (!fl4->daddr) {
		fl4->daddr = fl4->saddr;
		if (!fl4->daddr)
			fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK);
		dev_out = net->ipv4.loopback_dev;
		fl4->flowi4_oif = LOOPBACK_IFINDEX;
		res->type = RTN_LOCAL;
		flags |= RTCF_LOCAL;
		goto make_route;
	}

	err = fib_lookup(net, fl4, res, 0);
	if (err) {
		res->fi = NULL;
		res->table = 0;
		if (fl4->flowi4_oif) {
			/* Apparently, routing tables are wrong.  Assume that the destination is on
			 * link (we are allowed to send to an interface with no routes). */
			if (fl4->saddr == 0)
				fl4->saddr = inet_select_addr(dev_out, 0, RT_SCOPE_LINK);
			res->type = RTN_UNICAST;
			goto make_route;
		}
		return ERR_PTR(err);
	}

	if (res->type == RTN_LOCAL) {
		if (!fl4->saddr) {
			if (res->fi->fib_prefsrc)
				fl4->saddr = res->fi->fib_prefsrc;
			else
				fl4->saddr = fl4->daddr;
		}
		dev_out = net->ipv4.loopback_dev;
		orig_oif = FIB_RES_OIF(*res);
		fl4->flowi4_oif = dev_out->ifindex;
		flags |= RTCF_LOCAL;
		goto make_route;
	}

	fib_select_path(net, res, fl4, NULL);
	dev_out = FIB_RES_DEV(*res);

make_route:
	return __mkroute_output(net, res, fl4, orig_oif, dev_out, flags);
}

struct rtable *__ip_route_output_key(struct net *net, struct flowi4 *fl4)
{
	struct fib_result res;

	memset(&res, 0, sizeof(res));
	res.type = RTN_UNSPEC;
	fl4->flowi4_iif = LOOPBACK_IFINDEX;
	fl4->flowi4_tos &= INET_DSCP_MASK;
	return ip_route_output_key_hash_rcu(net, fl4, &res);
}

struct rtable *ip_route_output_flow(struct net *net, struct flowi4 *fl4, const struct sock *sk)
{
	(void)sk;       /* no xfrm */
	return __ip_route_output_key(net, fl4);
}

struct rtable *ip_route_output_key(struct net *net, struct flowi4 *fl4)
{
	return ip_route_output_flow(net, fl4, NULL);
}

/*
 * ip_route_me_harder() (net/ipv4/netfilter.c): route a locally generated packet again after a
 * hook changed what routing depends on (mangle OUTPUT: mark, addresses, tos; NAT OUTPUT;
 * REJECT's reset).  A source that is not ours (or a broadcast one) is routed as 0.
 */
int ip_route_me_harder(struct net *net, struct sock *sk, struct sk_buff *skb, unsigned int addr_type)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = rt ? rt->dev : NULL;
	struct flowi4 fl4;
	__be32 saddr = iph->saddr;
	u8 flags = 0;

	(void)sk;
	if (addr_type == RTN_UNSPEC)
		addr_type = inet_addr_type_dev_table(net, dev, saddr);
	if (addr_type == RTN_LOCAL || addr_type == RTN_UNICAST)
		flags |= FLOWI_FLAG_ANYSRC;
	else
		saddr = 0;
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = iph->daddr;
	fl4.saddr = saddr;
	fl4.flowi4_tos = iph->tos & INET_DSCP_MASK;
	fl4.flowi4_oif = 0;     /* sk->sk_bound_dev_if: nfemu's sockets are not bound */
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_flags = flags;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return (int)PTR_ERR(rt);
	/* Drop old route. */
	skb_dst_set(skb, rt);
	if (rt->error)
		return -rt->error;
	return 0;
}

/* EMU helpers for the replay: the device the routes lead back to, and "is it ours". */
struct net_device *nfemu_dev_route_back(struct net *net, __be32 saddr)
{
	struct flowi4 fl4 = { .daddr = saddr, .flowi4_iif = LOOPBACK_IFINDEX };
	struct fib_result res;

	if (fib_lookup(net, &fl4, &res, 0) || res.type == RTN_LOCAL || !res.nhc)
		return NULL;
	return res.nhc->fib_nh_dev;
}

bool nfemu_addr_is_local(struct net *net, __be32 saddr)
{
	return net->ipv4.ready && inet_addr_type(net, saddr) == RTN_LOCAL;
}
