/* netstack/icmp.c - ICMP: receive, echo and timestamp replies, errors and their rate limits
 * (net/ipv4/icmp.c, net/ipv4/inetpeer.c).
 *
 * __icmp_send() refuses where Linux refuses (no route on the packet, a link-layer
 * broadcast/multicast or an IP broadcast/multicast destination, a non-first fragment, an error
 * about an ICMP error), applies the global token bucket (icmp_msgs_per_sec/burst, for the
 * types in icmp_ratemask) and the per-destination inet_peer bucket (icmp_ratelimit), picks the
 * source address (the original destination when it was ours, else the route's preferred
 * source), quotes as much of the packet as fits in 576 bytes, and sends through LOCAL_OUT.
 * icmp_rcv() validates the checksum and answers echo (unless icmp_echo_ignore_all) and
 * timestamp requests; broadcast echo is ignored (icmp_echo_ignore_broadcasts).
 * EMU: no IP options echoed, no ICMP sockets (echo replies to us are NO_SOCKET drops), no
 * PROBE (RFC 8335), no PMTU or redirect learning from received errors, inet_peer in a hash
 * table.  icmp_global_consume() draws from the seeded PRNG as Linux draws at random.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "kernel/random.h"
#include "netstack/icmp.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

#define XRLIM_BURST_FACTOR 6
#define INET_PEER_MINTTL (120 * HZ)
#define INET_PEER_MAXTTL (10 * 60 * HZ)
#define INET_PEER_THRESHOLD (65536 + 128)

/* icmp_pointers[].error: which types are errors. */
static bool icmp_is_error_type(int type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------------------------------------------
 * inet_peer
 */

static unsigned int inet_peer_hash(__be32 daddr, int vif)
{
	u32 h = (u32)daddr * 0x9e3779b1u ^ (u32)vif;

	return (h ^ (h >> 16)) % NFEMU_PEER_HASH;
}

/* inet_peer_gc(): EMU look at a few entries per insertion (a rotating cursor over the buckets
 * instead of the rb-tree path) and free those idle for longer than the TTL, which shrinks from
 * 10 minutes towards 2 as the table fills and is 0 once it is full. */
static void inet_peer_gc(struct net *net)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	u32 now = (u32)nfemu_jiffies(net);
	u32 ttl;

	if (ipv4->peers_total >= INET_PEER_THRESHOLD)
		ttl = 0;
	else
		ttl = INET_PEER_MAXTTL - (INET_PEER_MAXTTL - INET_PEER_MINTTL) / HZ *
					 ipv4->peers_total / INET_PEER_THRESHOLD * HZ;
	for (int scanned = 0; scanned < 4; scanned++) {
		unsigned int b = ipv4->peers_gc_cursor++ % NFEMU_PEER_HASH;
		struct inet_peer **pp = &ipv4->peers[b];

		while (*pp) {
			struct inet_peer *p = *pp;

			if ((u32)(now - p->dtime) >= ttl && ipv4->peers_total > 1) {
				*pp = p->next;
				free(p);
				ipv4->peers_total--;
			} else {
				pp = &p->next;
			}
		}
	}
}

struct inet_peer *inet_getpeer_v4(struct net *net, __be32 v4daddr, int vif)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	unsigned int h = inet_peer_hash(v4daddr, vif);
	unsigned long now = nfemu_jiffies(net);
	struct inet_peer *p;

	for (p = ipv4->peers[h]; p; p = p->next) {
		if (p->daddr == v4daddr && p->vif == vif) {
			p->dtime = (u32)now;
			return p;
		}
	}
	inet_peer_gc(net);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->daddr = v4daddr;
	p->vif = vif;
	p->dtime = (u32)now;
	p->rate_tokens = 0;
	p->n_redirects = 0;
	/* 60*HZ is arbitrary, but chosen enough high so that the first calculation of tokens is
	 * at its maximum. */
	p->rate_last = now - 60 * HZ;
	p->next = ipv4->peers[h];
	ipv4->peers[h] = p;
	ipv4->peers_total++;
	return p;
}

void inet_peers_free(struct net *net)
{
	for (unsigned int i = 0; i < NFEMU_PEER_HASH; i++) {
		while (net->ipv4.peers[i]) {
			struct inet_peer *p = net->ipv4.peers[i];

			net->ipv4.peers[i] = p->next;
			free(p);
		}
	}
	net->ipv4.peers_total = 0;
}

/*
 * inet_peer_xrlim_allow(): a token bucket per destination.  Tokens are jiffies: one message
 * costs `timeout` (icmp_ratelimit), the bucket holds at most XRLIM_BURST_FACTOR messages.
 */
bool inet_peer_xrlim_allow(struct net *net, struct inet_peer *peer, int timeout)
{
	unsigned long now, token;
	bool rc = false;

	if (!peer)
		return true;
	token = peer->rate_tokens;
	now = nfemu_jiffies(net);
	token += now - peer->rate_last;
	peer->rate_last = now;
	if (token > (unsigned long)XRLIM_BURST_FACTOR * (unsigned long)timeout)
		token = (unsigned long)XRLIM_BURST_FACTOR * (unsigned long)timeout;
	if (token >= (unsigned long)timeout) {
		token -= (unsigned long)timeout;
		rc = true;
	}
	peer->rate_tokens = token;
	return rc;
}

/* ------------------------------------------------------------------------------------------
 * Rate limits
 */

/* icmp_global_allow(): a bucket of icmp_msgs_burst credits refilled at icmp_msgs_per_sec,
 * looked at no more often than every HZ/50 jiffies. */
bool icmp_global_allow(struct net *net)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	u32 delta, now, oldstamp;
	int incr, new;

	if (ipv4->icmp_global_credit > 0)
		return true;
	now = (u32)nfemu_jiffies(net);
	oldstamp = ipv4->icmp_global_stamp;
	delta = now - oldstamp < HZ ? now - oldstamp : HZ;
	if (delta < HZ / 50)
		return false;
	incr = (int)((u64)ipv4->sysctl_icmp_msgs_per_sec * delta / HZ);
	if (!incr)
		return false;
	ipv4->icmp_global_stamp = now;
	new = ipv4->icmp_global_credit + incr;
	if (new > ipv4->sysctl_icmp_msgs_burst)
		new = ipv4->sysctl_icmp_msgs_burst;
	ipv4->icmp_global_credit = new;
	return true;
}

/* icmp_global_consume(): 0, 1 or 2 credits at random (the credit may go negative). */
void icmp_global_consume(struct net *net)
{
	int credits = (int)get_random_u32_below(net, 3);

	if (credits)
		net->ipv4.icmp_global_credit -= credits;
}

static bool icmpv4_mask_allow(struct net *net, int type, int code)
{
	if (type > NR_ICMP_TYPES)
		return true;
	/* Don't limit PMTU discovery. */
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		return true;
	/* Limit if icmp type is enabled in ratemask. */
	if (!((1 << type) & net->ipv4.sysctl_icmp_ratemask))
		return true;
	return false;
}

static bool icmpv4_global_allow(struct net *net, int type, int code, bool *apply_ratelimit)
{
	if (icmpv4_mask_allow(net, type, code))
		return true;
	if (icmp_global_allow(net)) {
		*apply_ratelimit = true;
		return true;
	}
	net->ipv4.mib.icmp_ratelimit_global++;
	return false;
}

static bool icmpv4_xrlim_allow(struct net *net, struct rtable *rt, struct flowi4 *fl4,
			       int type, int code, bool apply_ratelimit)
{
	struct inet_peer *peer;
	bool rc;

	(void)type;
	(void)code;
	if (!apply_ratelimit)
		return true;
	/* No rate limit on loopback */
	if (rt->dev && (rt->dev->flags & IFF_LOOPBACK)) {
		icmp_global_consume(net);
		return true;
	}
	peer = inet_getpeer_v4(net, fl4->daddr, 0);
	rc = inet_peer_xrlim_allow(net, peer, net->ipv4.sysctl_icmp_ratelimit);
	if (!rc)
		net->ipv4.mib.icmp_ratelimit_host++;
	else
		icmp_global_consume(net);
	return rc;
}

/* ------------------------------------------------------------------------------------------
 * Sending
 */

/* icmp_push_reply(): the ICMP message (header + data, checksummed) in an IPv4 packet from the
 * ICMP control socket (IP_PMTUDISC_DONT: no DF). */
static void icmp_push_reply(struct net *net, struct icmphdr *icmph, const void *data,
			    unsigned int data_len, struct flowi4 *fl4, struct rtable *rt, u8 tos,
			    u32 mark, const struct sk_buff *cause, const char *what)
{
	unsigned int head_len = sizeof(*icmph);
	struct ip_reply_cork cork = {
		.tos = tos,
		.protocol = IPPROTO_ICMP,
		.df = false,
		.mark = mark,
	};
	unsigned char *msg = malloc(head_len + data_len);

	if (!msg)
		return;
	icmph->checksum = 0;
	memcpy(msg, icmph, head_len);
	if (data_len)
		memcpy(msg + head_len, data, data_len);
	((struct icmphdr *)msg)->checksum = ip_compute_csum(msg, (int)(head_len + data_len));
	net->ipv4.mib.icmp_out_msgs++;
	ip_push_reply(net, fl4, rt, &cork, msg, head_len + data_len, cause, what);
	free(msg);
}

/*
 * __icmp_send(): send an ICMP error about skb_in back to its sender.
 * RFC 1122 3.2.2: MUST send at least the IP header and 8 bytes of header, MAY send more (we
 * do); MUST NOT reply to a multicast/broadcast IP or MAC address; MUST reply to only the first
 * fragment.
 */
void __icmp_send(struct sk_buff *skb_in, int type, int code, __be32 info)
{
	struct rtable *rt = skb_rtable(skb_in);
	bool apply_ratelimit = false;
	const struct iphdr *iph;
	struct icmphdr icmph;
	struct flowi4 fl4;
	struct net *net;
	unsigned int room, data_len, nh_len;
	__be32 saddr;
	u32 mark;
	u8 tos;

	if (!rt)
		return;
	net = rt->dev ? dev_net(rt->dev) : skb_in->dev ? dev_net(skb_in->dev) : NULL;
	if (!net)
		return;

	/* Find the original header.  It is expected to be valid, of course. */
	iph = ip_hdr(skb_in);
	if (skb_in->network_header == SKB_HDR_UNSET ||
	    skb_network_header(skb_in) + sizeof(*iph) > skb_tail_pointer(skb_in))
		return;
	/* No replies to physical multicast/broadcast */
	if (skb_in->pkt_type != PACKET_HOST)
		return;
	/* Now check at the protocol level */
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return;
	/* Only reply to fragment 0. */
	if (iph->frag_off & htons(IP_OFFSET))
		return;
	/* If we send an ICMP error to an ICMP error a mess would result.. */
	if (icmp_is_error_type(type) && iph->protocol == IPPROTO_ICMP) {
		const unsigned char *itp = skb_network_header(skb_in) + iph->ihl * 4 +
					   offsetof(struct icmphdr, type);

		if (itp + 1 > skb_tail_pointer(skb_in))
			return;
		/* Assume any unknown ICMP type is an error. */
		if (*itp > NR_ICMP_TYPES || icmp_is_error_type(*itp))
			return;
	}

	/* The global limit, unless the packet came in on loopback. */
	if (!(skb_in->dev && (skb_in->dev->flags & IFF_LOOPBACK)) &&
	    !icmpv4_global_allow(net, type, code, &apply_ratelimit))
		return;

	/* Construct source address. */
	saddr = iph->daddr;
	if (!(rt->rt_flags & RTCF_LOCAL)) {
		struct net_device *dev = NULL;

		if (rt_is_input_route(rt) && net->ipv4.sysctl_icmp_errors_use_inbound_ifaddr)
			dev = __dev_get_by_index(net, inet_iif(skb_in));
		if (dev)
			saddr = inet_select_addr(dev, iph->saddr, RT_SCOPE_LINK);
		else
			saddr = 0;
	}
	tos = icmp_is_error_type(type) ? (RT_TOS(iph->tos) | IPTOS_PREC_INTERNETCONTROL) : iph->tos;
	mark = IP4_REPLY_MARK(net, skb_in->mark);

	memset(&icmph, 0, sizeof(icmph));
	icmph.type = (u8)type;
	icmph.code = (u8)code;
	icmph.un.gateway = info;

	/* icmp_route_lookup(): the route back to the sender (no XFRM: no relookup) */
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = iph->saddr;
	fl4.saddr = saddr;
	fl4.flowi4_mark = mark;
	fl4.flowi4_tos = tos & INET_DSCP_MASK;
	fl4.flowi4_proto = IPPROTO_ICMP;
	fl4.fl4_sport = htons((u16)type);
	fl4.fl4_dport = htons((u16)code);
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;

	/* peer icmp_ratelimit */
	if (!icmpv4_xrlim_allow(net, rt, &fl4, type, code, apply_ratelimit))
		return;

	/* RFC says return as much as we can without exceeding 576 bytes. */
	room = dst_mtu(rt);
	if (room > 576)
		room = 576;
	room -= sizeof(struct iphdr);
	room -= sizeof(struct icmphdr);
	/* Guard against tiny mtu: at least one IP header must fit. */
	if ((int)room <= (int)sizeof(struct iphdr))
		return;
	nh_len = (unsigned int)(skb_tail_pointer(skb_in) - skb_network_header(skb_in));
	data_len = nh_len < room ? nh_len : room;
	/* if we don't have a source address at this point, fall back to the dummy address
	 * instead of sending out a packet with a source address of 0.0.0.0 */
	if (!fl4.saddr)
		fl4.saddr = htonl(INADDR_DUMMY);
	icmp_push_reply(net, &icmph, skb_network_header(skb_in), data_len, &fl4, rt, tos, mark,
			skb_in, "icmp_send");
}

/* icmp_reply(): an answer to a query (echo, timestamp): from the address the query was sent
 * to (fib_compute_spec_dst), with the query's TOS. */
static void icmp_reply(struct icmphdr *icmph, const void *data, unsigned int data_len,
		       struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net *net = dev_net(rt->dev);
	bool apply_ratelimit = false;
	struct flowi4 fl4;
	u32 mark = IP4_REPLY_MARK(net, skb->mark);
	int type = icmph->type, code = icmph->code;

	/* is global icmp_msgs_per_sec exhausted ? */
	if (!icmpv4_global_allow(net, type, code, &apply_ratelimit))
		return;
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = ip_hdr(skb)->saddr;
	fl4.saddr = fib_compute_spec_dst(skb);
	fl4.flowi4_mark = mark;
	fl4.flowi4_tos = ip_hdr(skb)->tos & INET_DSCP_MASK;
	fl4.flowi4_proto = IPPROTO_ICMP;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	if (icmpv4_xrlim_allow(net, rt, &fl4, type, code, apply_ratelimit))
		icmp_push_reply(net, icmph, data, data_len, &fl4, rt, ip_hdr(skb)->tos, mark, skb,
				type == ICMP_ECHOREPLY ? "icmp_echo" : "icmp_timestamp");
}

/* ------------------------------------------------------------------------------------------
 * Receiving
 */

static enum skb_drop_reason icmp_echo(struct sk_buff *skb)
{
	struct net *net = dev_net(skb_rtable(skb)->dev);
	struct icmphdr icmph;

	/* should there be an ICMP stat for ignored echos? */
	if (net->ipv4.sysctl_icmp_echo_ignore_all)
		return SKB_NOT_DROPPED_YET;
	memcpy(&icmph, skb_transport_header(skb), sizeof(icmph));
	icmph.type = ICMP_ECHOREPLY;
	icmp_reply(&icmph, skb->data, skb->len, skb);
	return SKB_NOT_DROPPED_YET;
}

/* ms since midnight UT (inet_current_timestamp), from the emulated clock. */
static __be32 inet_current_timestamp(struct net *net)
{
	u64 now = ktime_get_real_ns(net);
	u64 secs = (now / NSEC_PER_SEC) % 86400;
	u64 msecs = secs * 1000 + (now % NSEC_PER_SEC) / NSEC_PER_MSEC;

	return htonl((u32)msecs);
}

static enum skb_drop_reason icmp_timestamp(struct sk_buff *skb)
{
	struct net *net = dev_net(skb_rtable(skb)->dev);
	struct icmphdr icmph;
	__be32 times[3];

	/* Too short. */
	if (skb->len < 4)
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	/* Fill in the current time as ms since midnight UT: */
	times[1] = inet_current_timestamp(net);
	times[2] = times[1];
	memcpy(&times[0], skb->data, 4);
	memcpy(&icmph, skb_transport_header(skb), sizeof(icmph));
	icmph.type = ICMP_TIMESTAMPREPLY;
	icmph.code = 0;
	icmp_reply(&icmph, times, sizeof(times), skb);
	return SKB_NOT_DROPPED_YET;
}

/* icmp_unreach() and friends: errors about our own packets go to the sockets that sent
 * them; nfemu has none, so a well-formed error is read and freed. */
static enum skb_drop_reason icmp_unreach(struct sk_buff *skb)
{
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return SKB_DROP_REASON_NOT_SPECIFIED;
	iph = (const struct iphdr *)skb->data;
	if (iph->ihl < 5)       /* Mangled header, drop. */
		return SKB_DROP_REASON_IP_INHDR;
	return SKB_NOT_DROPPED_YET;
}

static enum skb_drop_reason icmp_redirect(struct sk_buff *skb)
{
	if (skb->len < sizeof(struct iphdr))
		return SKB_DROP_REASON_NOT_SPECIFIED;
	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return SKB_DROP_REASON_NOT_SPECIFIED;
	/* EMU: no route exceptions are learnt from redirects */
	return SKB_NOT_DROPPED_YET;
}

static enum skb_drop_reason icmp_discard(struct sk_buff *skb)
{
	(void)skb;
	/* RFC 1122: 3.2.2.7 SHOULD silently discard Info Request/Reply */
	return SKB_NOT_DROPPED_YET;
}

/* ping_rcv(): an echo reply for a ping socket; there are none. */
static enum skb_drop_reason ping_rcv(struct sk_buff *skb)
{
	(void)skb;
	return SKB_DROP_REASON_NO_SOCKET;
}

int icmp_rcv(struct sk_buff *skb)
{
	enum skb_drop_reason reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct rtable *rt = skb_rtable(skb);
	struct net *net = dev_net(rt->dev);
	const struct icmphdr *icmph;
	bool drop;

	/* skb_checksum_simple_validate() */
	if (!skb_csum_unnecessary(skb) && ip_compute_csum(skb->data, (int)skb->len)) {
		reason = SKB_DROP_REASON_ICMP_CSUM;
		goto drop;
	}
	if (!pskb_may_pull(skb, sizeof(*icmph)))
		goto drop;
	icmph = (const struct icmphdr *)skb->data;
	skb_pull(skb, sizeof(*icmph));

	/* 18 is the highest 'known' ICMP type.  Anything else is a mystery: RFC 1122 3.2.2
	 * unknown ICMP messages types MUST be silently discarded. */
	if (icmph->type > NR_ICMP_TYPES) {
		reason = SKB_DROP_REASON_UNHANDLED_PROTO;
		goto drop;
	}
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		/* RFC 1122 3.2.2.6: an echo to broadcast MAY be silently ignored; 3.2.2.8: a
		 * timestamp to broadcast/multicast MAY be discarded. */
		if ((icmph->type == ICMP_ECHO || icmph->type == ICMP_TIMESTAMP) &&
		    net->ipv4.sysctl_icmp_echo_ignore_broadcasts) {
			reason = SKB_DROP_REASON_INVALID_PROTO;
			goto drop;
		}
		if (icmph->type != ICMP_ECHO && icmph->type != ICMP_TIMESTAMP &&
		    icmph->type != ICMP_ADDRESS && icmph->type != ICMP_ADDRESSREPLY) {
			reason = SKB_DROP_REASON_INVALID_PROTO;
			goto drop;
		}
	}
	switch (icmph->type) {
	case ICMP_ECHOREPLY:
		reason = ping_rcv(skb);
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		reason = icmp_unreach(skb);
		break;
	case ICMP_REDIRECT:
		reason = icmp_redirect(skb);
		break;
	case ICMP_ECHO:
		reason = icmp_echo(skb);
		break;
	case ICMP_TIMESTAMP:
		reason = icmp_timestamp(skb);
		break;
	default:
		reason = icmp_discard(skb);
		break;
	}
	drop = reason != SKB_NOT_DROPPED_YET;
	if (!drop) {
		nfemu_skb_delivered(skb, "icmp_rcv");
		return NET_RX_SUCCESS;
	}
drop:
	nfemu_kfree_skb_at(skb, reason, "icmp_rcv");
	return NET_RX_DROP;
}
