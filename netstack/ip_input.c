/* netstack/ip_input.c - receiving IPv4 packets (net/ipv4/ip_input.c, ip_options.c's
 * ip_options_compile, protocol.c's inet_protos).
 *
 * ip_rcv_core() validates the header before anything else sees the packet (OTHERHOST, header
 * length, version, checksum, total length against the frame: PKT_TOO_SMALL, trim of link
 * padding); PRE_ROUTING; ip_rcv_finish() routes it (ip_route_input_noref), checks options,
 * and follows the route: ip_local_deliver (reassembly, LOCAL_IN, the protocol handler),
 * ip_forward, or ip_error.  Protocols: TCP, UDP, ICMP, IGMP; any other gets ICMP protocol
 * unreachable, as when no module registered it.
 * Options are processed as ip_options_compile does on receive (record route and timestamps
 * filled in, ICMP parameter problem on errors, source routes dropped unless
 * accept_source_route).  EMU: no source-route rerouting, no CIPSO; timestamps use the emulated
 * clock; no early demux (no sockets), no raw sockets, no XFRM policy checks.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "netstack/ip.h"
#include "netstack/icmp.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/sock.h"

#define IP_DEFRAG_LOCAL_DELIVER 0

/* ms since midnight UT on the emulated clock (inet_current_timestamp). */
static __be32 inet_current_timestamp(struct net *net)
{
	u64 now = ktime_get_real_ns(net);
	u64 secs = (now / NSEC_PER_SEC) % 86400;

	return htonl((u32)(secs * 1000 + (now % NSEC_PER_SEC) / NSEC_PER_MSEC));
}

static void spec_dst_fill(__be32 *spec_dst, struct sk_buff *skb)
{
	if (*spec_dst == htonl(INADDR_ANY))
		*spec_dst = fib_compute_spec_dst(skb);
}

/*
 * ip_options_compile() for a received packet (after routing): check every option in the
 * kernel's order, and do what reception does to them: record route gets the address we answer
 * from and its pointer moves on; timestamps get the time (and address); a full timestamp
 * option counts an overflow.  On an error the sender gets ICMP parameter problem pointing at
 * the offending byte.
 */
static int ip_options_compile(struct net *net, struct ip_options *opt, struct sk_buff *skb)
{
	unsigned char *iph = skb_network_header(skb);
	unsigned char *optptr = iph + sizeof(struct iphdr);
	unsigned char *pp_ptr = NULL;
	struct rtable *rt = skb_rtable(skb);
	__be32 spec_dst = htonl(INADDR_ANY);
	int l = opt->optlen;
	int optlen;

	for (; l > 0;) {
		switch (*optptr) {
		case IPOPT_END:
			for (optptr++, l--; l > 0; optptr++, l--) {
				if (*optptr != IPOPT_END) {
					*optptr = IPOPT_END;
					opt->is_changed = 1;
				}
			}
			goto eol;
		case IPOPT_NOOP:
			l--;
			optptr++;
			continue;
		}
		if (l < 2) {
			pp_ptr = optptr;
			goto error;
		}
		optlen = optptr[1];
		if (optlen < 2 || optlen > l) {
			pp_ptr = optptr;
			goto error;
		}
		switch (*optptr) {
		case IPOPT_SSRR:
		case IPOPT_LSRR:
			if (optlen < 3) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 4) {
				pp_ptr = optptr + 2;
				goto error;
			}
			/* NB: cf RFC-1812 5.2.4.1 */
			if (opt->srr) {
				pp_ptr = optptr;
				goto error;
			}
			opt->is_strictroute = (optptr[0] == IPOPT_SSRR);
			opt->srr = (unsigned char)(optptr - iph);
			break;
		case IPOPT_RR:
			if (opt->rr) {
				pp_ptr = optptr;
				goto error;
			}
			if (optlen < 3) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 4) {
				pp_ptr = optptr + 2;
				goto error;
			}
			if (optptr[2] <= optlen) {
				if (optptr[2] + 3 > optlen) {
					pp_ptr = optptr + 2;
					goto error;
				}
				if (rt) {
					spec_dst_fill(&spec_dst, skb);
					memcpy(&optptr[optptr[2] - 1], &spec_dst, 4);
					opt->is_changed = 1;
				}
				optptr[2] += 4;
				opt->rr_needaddr = 1;
			}
			opt->rr = (unsigned char)(optptr - iph);
			break;
		case IPOPT_TIMESTAMP:
			if (opt->ts) {
				pp_ptr = optptr;
				goto error;
			}
			if (optlen < 4) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] < 5) {
				pp_ptr = optptr + 2;
				goto error;
			}
			if (optptr[2] <= optlen) {
				unsigned char *timeptr = NULL;

				if (optptr[2] + 3 > optlen) {
					pp_ptr = optptr + 2;
					goto error;
				}
				switch (optptr[3] & 0xF) {
				case IPOPT_TS_TSONLY:
					timeptr = &optptr[optptr[2] - 1];
					opt->ts_needtime = 1;
					optptr[2] += 4;
					break;
				case IPOPT_TS_TSANDADDR:
					if (optptr[2] + 7 > optlen) {
						pp_ptr = optptr + 2;
						goto error;
					}
					if (rt) {
						spec_dst_fill(&spec_dst, skb);
						memcpy(&optptr[optptr[2] - 1], &spec_dst, 4);
						timeptr = &optptr[optptr[2] + 3];
					}
					opt->ts_needaddr = 1;
					opt->ts_needtime = 1;
					optptr[2] += 8;
					break;
				case IPOPT_TS_PRESPEC:
					if (optptr[2] + 7 > optlen) {
						pp_ptr = optptr + 2;
						goto error;
					}
					{
						__be32 addr;

						memcpy(&addr, &optptr[optptr[2] - 1], 4);
						if (inet_addr_type(net, addr) == RTN_UNICAST)
							break;
						timeptr = &optptr[optptr[2] + 3];
					}
					opt->ts_needtime = 1;
					optptr[2] += 8;
					break;
				default:
					break;  /* received: no capability check */
				}
				if (timeptr) {
					__be32 midtime = inet_current_timestamp(net);

					memcpy(timeptr, &midtime, 4);
					opt->is_changed = 1;
				}
			} else if ((optptr[3] & 0xF) != IPOPT_TS_PRESPEC) {
				unsigned int overflow = optptr[3] >> 4;

				if (overflow == 15) {
					pp_ptr = optptr + 3;
					goto error;
				}
				optptr[3] = (unsigned char)((optptr[3] & 0xF) | ((overflow + 1) << 4));
				opt->is_changed = 1;
			}
			opt->ts = (unsigned char)(optptr - iph);
			break;
		case IPOPT_RA:
			if (optlen < 4) {
				pp_ptr = optptr + 1;
				goto error;
			}
			if (optptr[2] == 0 && optptr[3] == 0)
				opt->router_alert = (unsigned char)(optptr - iph);
			break;
		case IPOPT_CIPSO:
			/* no NetLabel: cipso_v4_validate() refuses every CIPSO option */
			pp_ptr = optptr;
			goto error;
		case IPOPT_SEC:
		case IPOPT_SID:
		default:
			break;  /* received: no capability check */
		}
		l -= optlen;
		optptr += optlen;
	}
eol:
	if (!pp_ptr)
		return 0;
error:
	icmp_send(skb, ICMP_PARAMETERPROB, 0, htonl((u32)(pp_ptr - iph) << 24));
	return -EINVAL;
}

static bool ip_rcv_options(struct sk_buff *skb, struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct ip_options *opt = &net->ipv4.ipcb_opt;
	struct iphdr *iph = ip_hdr(skb);

	memset(opt, 0, sizeof(*opt));
	net->ipv4.ipcb_skb = skb;
	opt->optlen = (unsigned char)(iph->ihl * 4 - sizeof(struct iphdr));
	if (ip_options_compile(net, opt, skb)) {
		net->ipv4.mib.ip_in_hdr_errors++;
		return true;
	}
	if (opt->srr) {
		struct in_device *in_dev = __in_dev_get_rcu(dev);

		if (in_dev && !IN_DEV_SOURCE_ROUTE(in_dev)) {
			if (IN_DEV_LOG_MARTIANS(in_dev)) {
				char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &iph->saddr, s, sizeof(s));
				inet_ntop(AF_INET, &iph->daddr, d, sizeof(d));
				pr_info(net, "source route option %s -> %s", s, d);
			}
			return true;
		}
		/* EMU: with accept_source_route on, ip_options_rcv_srr's rerouting is not done */
	}
	return false;
}

/* ------------------------------------------------------------------------------------------
 * Local delivery
 */

/* IGMP (igmp_rcv): a host with no multicast memberships beyond all-hosts reads and drops. */
static int igmp_rcv(struct sk_buff *skb)
{
	nfemu_skb_delivered(skb, "igmp_rcv");
	return 0;
}

static void ip_protocol_deliver_rcu(struct net *net, struct sk_buff *skb, int protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		tcp_v4_rcv(skb);
		break;
	case IPPROTO_UDP:
		udp_rcv(skb);
		break;
	case IPPROTO_ICMP:
		icmp_rcv(skb);
		break;
	case IPPROTO_IGMP:
		igmp_rcv(skb);
		break;
	default:
		/* no handler and no raw socket */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_IP_NOPROTO, "ip_protocol_deliver_rcu");
		return;
	}
	net->ipv4.mib.ip_in_delivers++;
}

static int ip_local_deliver_finish(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	(void)sk;
	skb->tstamp = 0;        /* skb_clear_delivery_time */
	skb_pull(skb, skb_network_header_len(skb));
	ip_protocol_deliver_rcu(net, skb, ip_hdr(skb)->protocol);
	return 0;
}

/* Deliver IP packets to the higher protocol layers, reassembling fragments first. */
int ip_local_deliver(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);

	if (ip_is_fragment(ip_hdr(skb))) {
		if (ip_defrag(net, &skb, IP_DEFRAG_LOCAL_DELIVER))
			return 0;
	}
	return NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, NULL, skb, skb->dev, NULL,
		       ip_local_deliver_finish);
}

/* ------------------------------------------------------------------------------------------
 * Receive
 */

static int ip_rcv_finish_core(struct net *net, struct sk_buff *skb, struct net_device *dev)
{
	const struct iphdr *iph = ip_hdr(skb);
	enum skb_drop_reason drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct rtable *rt;

	/* early demux: a segment of an established-table socket gets it now (EMU: its cached
	 * input route is not used; routing it again gives the same local route) */
	if (net->ipv4.sysctl_ip_early_demux && !skb_rtable(skb) && !skb->sk &&
	    !ip_is_fragment(iph) && iph->protocol == IPPROTO_TCP && net->ipv4.sysctl_tcp_early_demux)
		tcp_v4_early_demux(skb);
	/* Initialise the virtual path cache for the packet (looped-back packets have it). */
	if (!skb_rtable(skb)) {
		if (ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos, dev, &drop_reason))
			goto drop;
	}
	net->ipv4.ipcb_skb = NULL;      /* memset(IPCB(skb), 0, ...) */
	if (iph->ihl > 5 && ip_rcv_options(skb, dev)) {
		drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
		goto drop;
	}
	rt = skb_rtable(skb);
	if (rt->rt_type != RTN_MULTICAST && rt->rt_type != RTN_BROADCAST &&
	    (skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST)) {
		struct in_device *in_dev = __in_dev_get_rcu(dev);

		/* RFC 1122 3.3.6: a datagram received via a link-layer broadcast must have an IP
		 * multicast or broadcast destination. */
		if (in_dev && IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST)) {
			drop_reason = SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST;
			goto drop;
		}
	}
	return NET_RX_SUCCESS;
drop:
	(void)net;
	nfemu_kfree_skb_at(skb, drop_reason, "ip_rcv_finish_core");
	return NET_RX_DROP;
}

static int ip_rcv_finish(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	int ret;

	(void)sk;
	ret = ip_rcv_finish_core(net, skb, dev);
	if (ret != NET_RX_DROP)
		ret = dst_input(skb);
	return ret;
}

/* Main IP receive routine: the checks RFC 1122 asks for before the packet may go anywhere. */
static struct sk_buff *ip_rcv_core(struct sk_buff *skb, struct net *net)
{
	enum skb_drop_reason drop_reason;
	const struct iphdr *iph;
	u32 len;

	/* When the interface is in promisc. mode, drop all the crap that it receives. */
	if (skb->pkt_type == PACKET_OTHERHOST) {
		drop_reason = SKB_DROP_REASON_OTHERHOST;
		goto drop;
	}
	net->ipv4.mib.ip_in_receives++;
	drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		goto inhdr_error;
	iph = ip_hdr(skb);
	/* 1. at least a header, 2. version 4, 3. checksum, 4. no bogus length */
	if (iph->ihl < 5 || iph->version != 4)
		goto inhdr_error;
	if (!pskb_may_pull(skb, iph->ihl * 4))
		goto inhdr_error;
	if (ip_fast_csum((const u8 *)iph, iph->ihl))
		goto csum_error;
	len = ntohs(iph->tot_len);
	if (skb->len < len) {
		drop_reason = SKB_DROP_REASON_PKT_TOO_SMALL;
		goto drop;
	} else if (len < (u32)(iph->ihl * 4)) {
		goto inhdr_error;
	}
	/* Our transport medium may have padded the buffer out: trim to the true length. */
	skb_trim(skb, len);
	skb->transport_header = skb->network_header + iph->ihl * 4;
	/* Must drop socket now because of tproxy. */
	skb->sk = NULL;
	return skb;

csum_error:
	drop_reason = SKB_DROP_REASON_IP_CSUM;
inhdr_error:
	if (drop_reason == SKB_DROP_REASON_NOT_SPECIFIED)
		drop_reason = SKB_DROP_REASON_IP_INHDR;
	net->ipv4.mib.ip_in_hdr_errors++;
drop:
	nfemu_kfree_skb_at(skb, drop_reason, "ip_rcv_core");
	return NULL;
}

int ip_rcv(struct sk_buff *skb, struct net_device *dev)
{
	struct net *net = dev_net(dev);

	skb_reset_network_header(skb);
	skb = ip_rcv_core(skb, net);
	if (!skb)
		return NET_RX_DROP;
	return NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL, ip_rcv_finish);
}
