/* netstack/ip_output.c - sending IPv4 packets (net/ipv4/ip_output.c, route.c's IP ID
 * generator).
 *
 * ip_local_out() (total length, header checksum, NF_INET_LOCAL_OUT), dst_output -> ip_output
 * (NF_INET_POST_ROUTING) -> ip_finish_output (fragment above the MTU: ip_do_fragment's slow
 * path, or frag-needed for DF packets) -> ip_finish_output2 -> the neighbour.  Broadcast and
 * multicast routes that are also local get the loopback copy of ip_mc_output.  ip_push_reply()
 * is what the ICMP and TCP control sockets' ip_append_data/ip_push_pending_frames amount to.
 * EMU: __ip_select_ident() is deterministic: Linux adds a random delta per bucket and keys the
 * hash with a boot-time secret, so host-generated IDs differ run to run there; here a bucket's
 * counter starts from a keyed hash (the key from --seed) and counts up.  Compare such packets
 * with the ID masked.  No GSO, no frag_list fast path, no options on generated packets.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack_common.h"
#include "kernel/clock.h"
#include "netstack/ip.h"
#include "netstack/icmp.h"
#include "netstack/inet.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

#define PACKET_LOOPBACK_TYPE 5

/* ------------------------------------------------------------------------------------------
 * IP ID
 */

/* A 32-bit mix (murmur3's finaliser) for the keyed per-destination hash. */
static u32 nfemu_mix32(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

void __ip_select_ident(struct net *net, struct iphdr *iph, int segs)
{
	u32 key = net->ipv4.ip_id_key;
	u32 hash = nfemu_mix32(nfemu_mix32(iph->daddr ^ key) ^ iph->saddr ^ ((u32)iph->protocol << 24));
	u32 *p = &net->ipv4.ip_idents[hash % NFEMU_IP_IDENTS_SZ];

	/* ip_idents_reserve(): EMU no random delta; a fresh bucket starts at a hashed value */
	if (!*p)
		*p = nfemu_mix32(hash ^ key) | 1;
	iph->id = htons((u16)*p);
	*p += (u32)segs;
}

void ip_select_ident(struct net *net, struct sk_buff *skb, struct sock *sk)
{
	struct iphdr *iph = ip_hdr(skb);

	(void)sk;       /* kernel control sockets are never connected: no inet_id */
	if ((iph->frag_off & htons(IP_DF)) && !skb->local_df)
		iph->id = 0;
	else
		__ip_select_ident(net, iph, 1);
}

/* ------------------------------------------------------------------------------------------
 * Output
 */

int __ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);

	net->ipv4.mib.ip_out_requests++;
	iph->tot_len = htons((u16)skb->len);
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	skb->emu_net = net;
	return nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, sk, skb, NULL, rt->dev, dst_output);
}

int ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	int err = __ip_local_out(net, sk, skb);

	if (err == 1)
		err = dst_output(net, sk, skb);
	return err;
}

/* ip_finish_output2(): hand the packet to the neighbour of the next hop. */
static int ip_finish_output2(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = rt->dev;

	(void)sk;
	(void)net;
	return neigh_output(dev, rt_nexthop(rt, ip_hdr(skb)->daddr), skb);
}

/*
 * ip_do_fragment(), the slow path: every fragment carries a copy of the header and up to
 * (mtu - hlen) & ~7 bytes of data; MF on all but the last (and on the last when the original
 * had it), offsets in 8-byte units added to the original's.  Fragments are sent in order;
 * the first error stops the rest.
 */
int ip_do_fragment(struct net *net, struct sock *sk, struct sk_buff *skb,
		   int (*output)(struct net *, struct sock *, struct sk_buff *))
{
	struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);
	unsigned int hlen = iph->ihl * 4;
	unsigned int mtu = dst_mtu(rt);
	unsigned int left, ptr, offset;
	bool not_last_frag;
	int err = 0;

	/* A reassembled datagram leaves in fragments no larger than it arrived in. */
	if (skb->frag_max_size && skb->frag_max_size < mtu)
		mtu = skb->frag_max_size;
	if (mtu < hlen + 8) {
		err = -EINVAL;
		goto fail;
	}
	mtu -= hlen;    /* Size of data space */
	left = skb->len - hlen;
	ptr = hlen;
	offset = (ntohs(iph->frag_off) & IP_OFFSET) << 3;
	not_last_frag = iph->frag_off & htons(IP_MF);

	while (left > 0) {
		unsigned int len = left;
		struct sk_buff *skb2;
		struct iphdr *iph2;

		if (len > mtu)
			len = mtu;
		/* IF: we are not sending up to and including the packet end then align the next
		 * start on an eight byte boundary */
		if (len < left)
			len &= ~7U;
		skb2 = alloc_skb(len + hlen);
		if (!skb2) {
			err = -ENOMEM;
			goto fail;
		}
		/* ip_copy_metadata() */
		skb2->pkt_type = skb->pkt_type;
		skb2->priority = skb->priority;
		skb2->protocol = skb->protocol;
		skb2->dev = skb->dev;
		skb2->rt = skb->rt;
		skb2->mark = skb->mark;
		skb2->skb_iif = skb->skb_iif;
		skb2->sk = skb->sk;
		__nf_copy(skb2, skb, false);
		skb2->nf_trace = skb->nf_trace;
		skb2->tstamp = skb->tstamp;
		skb2->emu_id = skb->emu_id;
		skb2->emu_parent = skb->emu_parent;
		skb2->emu_net = skb->emu_net;
		skb_reset_network_header(skb2);
		skb2->transport_header = skb2->network_header + hlen;
		memcpy(skb_put(skb2, hlen), skb_network_header(skb), hlen);
		memcpy(skb_put(skb2, len), skb_network_header(skb) + ptr, len);
		left -= len;

		iph2 = ip_hdr(skb2);
		iph2->frag_off = htons((u16)(offset >> 3));
		/* ip_options_fragment() would NOOP the uncopied options after the first fragment:
		 * EMU options are copied as they are. */
		if (left > 0 || not_last_frag)
			iph2->frag_off |= htons(IP_MF);
		ptr += len;
		offset += len;
		iph2->tot_len = htons((u16)(len + hlen));
		ip_send_check(iph2);
		net->ipv4.mib.ip_frag_creates++;
		err = output(net, sk, skb2);
		if (err)
			goto fail;
	}
	consume_skb(skb);
	return err;

fail:
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "ip_do_fragment");
	net->ipv4.mib.ip_frag_fails++;
	return err;
}

/* ip_fragment(): DF packets that are too big are refused with frag-needed. */
static int ip_fragment(struct net *net, struct sock *sk, struct sk_buff *skb, unsigned int mtu,
		       int (*output)(struct net *, struct sock *, struct sk_buff *))
{
	struct iphdr *iph = ip_hdr(skb);

	if ((iph->frag_off & htons(IP_DF)) == 0)
		return ip_do_fragment(net, sk, skb, output);
	if (!skb->local_df || (skb->frag_max_size && skb->frag_max_size > mtu)) {
		net->ipv4.mib.ip_frag_fails++;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "ip_fragment");
		return -EMSGSIZE;
	}
	return ip_do_fragment(net, sk, skb, output);
}

static int ip_finish_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	/* ip_skb_dst_mtu(): forwarded packets and kernel sockets use the route's MTU */
	unsigned int mtu = ip_dst_mtu_maybe_forward(rt, rt->rt_is_input && !skb->sk);

	if (skb->len > mtu || skb->frag_max_size)
		return ip_fragment(net, sk, skb, mtu, ip_finish_output2);
	return ip_finish_output2(net, sk, skb);
}

int ip_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = rt->dev, *indev = skb->dev;

	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	return NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, skb, indev, dev,
		       ip_finish_output);
}

/* ip_mc_finish_output() -> dev_loopback_xmit(): the local copy comes back in on the same
 * device, with no link-layer header, as PACKET_LOOPBACK. */
static int ip_mc_finish_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	(void)net;
	(void)sk;
	skb->data = skb_network_header(skb);
	skb->len = (unsigned int)(skb->len - (unsigned int)skb_network_offset(skb));
	skb_reset_mac_header(skb);
	skb->mac_len = 0;
	skb->pkt_type = PACKET_LOOPBACK_TYPE;
	skb->sk = NULL;
	return netif_rx(skb);
}

int ip_mc_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = rt->dev;

	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	if (rt->rt_flags & RTCF_MULTICAST) {
		/* sk_mc_loop(): on for kernel sockets and for packets without one */
		if (rt->rt_flags & RTCF_LOCAL) {
			struct sk_buff *newskb = skb_copy(skb);

			if (newskb)
				NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, newskb, NULL,
					newskb->dev, ip_mc_finish_output);
		}
		/* Multicasts with ttl 0 must not go beyond the host */
		if (ip_hdr(skb)->ttl == 0) {
			nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "ip_mc_output");
			return 0;
		}
	}
	if (rt->rt_flags & RTCF_BROADCAST) {
		struct sk_buff *newskb = skb_copy(skb);

		if (newskb)
			NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, newskb, NULL, newskb->dev,
				ip_mc_finish_output);
	}
	return NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, skb, NULL, skb->dev,
		       ip_finish_output);
}

/* ------------------------------------------------------------------------------------------
 * Packets the host builds
 */

int ip_push_reply(struct net *net, struct flowi4 *fl4, struct rtable *rt,
		  const struct ip_reply_cork *cork, const void *payload, unsigned int len,
		  const struct sk_buff *cause, const char *what)
{
	unsigned int hlen = sizeof(struct iphdr);
	struct sk_buff *skb = alloc_skb(hlen + len);
	struct iphdr *iph;

	if (!skb)
		return -ENOMEM;
	skb_reset_network_header(skb);
	iph = (struct iphdr *)skb_put(skb, hlen);
	skb->transport_header = skb->network_header + hlen;
	memcpy(skb_put(skb, len), payload, len);
	/* __ip_make_skb() */
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = cork->tos;
	iph->frag_off = cork->df ? htons(IP_DF) : 0;
	/* ip_select_ttl(): the socket's uc_ttl is -1, so the route's hop limit: the sysctl */
	iph->ttl = (u8)(cork->ttl ? cork->ttl : net->ipv4.sysctl_ip_default_ttl);
	iph->protocol = cork->protocol;
	iph->saddr = fl4->saddr;
	iph->daddr = fl4->daddr;
	iph->tot_len = htons((u16)skb->len);
	skb_dst_set(skb, rt);
	ip_select_ident(net, skb, NULL);
	skb->priority = cork->priority;
	skb->mark = cork->mark;
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	/* The reply belongs to the stack's control socket (ip_send_unicast_reply / icmp_sk), as
	 * on Linux: owner --socket-exists matches it, --uid-owner and LOG --log-uid do not. */
	skb->sk = &net->ipv4.ctl_sk;
	/* icmp_glue_bits(): an ICMP error belongs to the connection of the packet it is about */
	if (cork->protocol == IPPROTO_ICMP && cause && len) {
		u8 type = *(const u8 *)payload;

		if (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
			nf_ct_attach(skb, cause);
	}
	nfemu_skb_generated(net, skb, cause, what);
	/* ip_send_skb() */
	return ip_local_out(net, skb->sk, skb);
}

/*
 * A packet the host sends from a socket: route it as ip_queue_xmit would (the source is the
 * socket's bound address, so it must be one of ours) and send it.  The packet keeps the bytes
 * it was captured with, except the total length and header checksum __ip_local_out sets.
 */
int nfemu_local_out(struct net *net, struct sk_buff *skb, struct sock *sk)
{
	struct iphdr *iph;
	struct flowi4 fl4;
	struct rtable *rt;

	nfemu_netstack_run_timers(net);
	skb->emu_net = net;
	skb->sk = sk;
	skb->dev = NULL;
	skb->pkt_type = PACKET_HOST;
	nfemu_skb_align_l3(skb, 0);
	skb_reset_network_header(skb);
	if (skb->len < sizeof(struct iphdr) || ip_hdr(skb)->version != 4 ||
	    ip_hdr(skb)->ihl < 5 || skb->len < (unsigned int)ip_hdr(skb)->ihl * 4) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_IP_INHDR, "nfemu_local_out");
		return -EINVAL;
	}
	iph = ip_hdr(skb);
	if (ntohs(iph->tot_len) >= iph->ihl * 4 && ntohs(iph->tot_len) < skb->len)
		skb_trim(skb, ntohs(iph->tot_len));
	skb->transport_header = skb->network_header + iph->ihl * 4;
	if (sk)
		skb->mark = sk->sk_mark;
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = iph->daddr;
	fl4.saddr = iph->saddr;
	fl4.flowi4_tos = iph->tos & INET_DSCP_MASK;
	fl4.flowi4_proto = iph->protocol;
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_scope = RT_SCOPE_UNIVERSE;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		nfemu_note(net, skb, NULL, "no route for a locally sent packet (%s)",
			   PTR_ERR(rt) == -ENETUNREACH ? "Network is unreachable" :
			   PTR_ERR(rt) == -EHOSTUNREACH ? "No route to host" :
			   PTR_ERR(rt) == -EACCES ? "Permission denied" : "Invalid argument");
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_IP_OUTNOROUTES, "ip_route_output_key");
		return (int)PTR_ERR(rt);
	}
	skb_dst_set(skb, rt);
	net->ipv4.rx_depth++;
	ip_local_out(net, sk, skb);
	net->ipv4.rx_depth--;
	if (!net->ipv4.rx_depth)
		nfemu_process_backlog(net);
	return 0;
}
