/* netstack/nf_reject_ipv4.c - the TCP resets and ICMP errors of the REJECT target.
 *
 * Mirrors net/ipv4/netfilter/nf_reject_ipv4.c (nf_send_reset, nf_send_unreach) and
 * nf_ip_checksum() of net/netfilter/utils.c.  Leaves out: conntrack (nf_ct_attach, closing the
 * connection), bridged packets, the nft/netdev builders (nf_reject_skb_v4_*).
 */
#include <arpa/inet.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack_common.h"
#include "netstack/checksum.h"
#include "netstack/icmp.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/nf_reject_ipv4.h"
#include "netstack/route.h"

bool nf_reject_verify_csum(struct sk_buff *skb, int dataoff, u8 proto)
{
	/* Skip protocols that don't use 16-bit one's complement checksum of the entire
	 * payload. */
	switch (proto) {
	/* Protocols with optional checksums. */
	case IPPROTO_UDP: {
		const struct udphdr *udp_hdr = skb_header_pointer(skb, dataoff, sizeof(*udp_hdr), NULL);

		if (!udp_hdr || udp_hdr->check)
			return true;
		return false;
	}
	case IPPROTO_GRE:
	/* Protocols with other integrity checks. */
	case IPPROTO_AH:
	case IPPROTO_ESP:
	case IPPROTO_SCTP:
	/* Protocols with partial checksums. */
	case IPPROTO_UDPLITE:
	case IPPROTO_DCCP:
		return false;
	}
	return true;
}

__sum16 nf_ip_checksum(struct sk_buff *skb, unsigned int hook, unsigned int dataoff, u8 protocol)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = (unsigned int)(skb_tail_pointer(skb) - skb_network_header(skb));
	__wsum csum;

	(void)hook;
	switch (skb->ip_summed) {
	case CHECKSUM_COMPLETE:
		/* EMU: no skb->csum to trust: sum the packet as for CHECKSUM_NONE. */
	case CHECKSUM_NONE:
		/* The pseudo header for TCP/UDP, then everything from the IP header on: a correct
		 * IP header adds nothing (it sums to -0), as in __skb_checksum_complete. */
		if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
			csum = 0;
		else
			csum = csum_tcpudp_nofold(iph->saddr, iph->daddr, len - dataoff, protocol, 0);
		return csum_fold(csum_partial(skb_network_header(skb), (int)len, csum));
	default:
		/* CHECKSUM_UNNECESSARY, CHECKSUM_PARTIAL: nothing to check */
		return 0;
	}
}

const struct tcphdr *nf_reject_ip_tcphdr_get(struct sk_buff *oldskb, struct tcphdr *_oth, int hook)
{
	const struct tcphdr *oth;

	/* IP header checks: fragment. */
	if (ip_hdr(oldskb)->frag_off & htons(IP_OFFSET))
		return NULL;

	if (ip_hdr(oldskb)->protocol != IPPROTO_TCP)
		return NULL;

	oth = skb_header_pointer(oldskb, skb_network_offset(oldskb) + ip_hdrlen(oldskb),
				 sizeof(struct tcphdr), _oth);
	if (oth == NULL)
		return NULL;

	/* No RST for RST. */
	if (oth->rst)
		return NULL;

	/* Check checksum */
	if (nf_ip_checksum(oldskb, hook, ip_hdrlen(oldskb), IPPROTO_TCP))
		return NULL;

	return oth;
}

struct iphdr *nf_reject_iphdr_put(struct sk_buff *nskb, const struct sk_buff *oldskb,
				  u8 protocol, int ttl)
{
	struct iphdr *niph, *oiph = ip_hdr(oldskb);

	skb_reset_network_header(nskb);
	niph = (struct iphdr *)skb_put(nskb, sizeof(struct iphdr));
	memset(niph, 0, sizeof(*niph));
	niph->version = 4;
	niph->ihl = sizeof(struct iphdr) / 4;
	niph->tos = 0;
	niph->id = 0;
	niph->frag_off = htons(IP_DF);
	niph->protocol = protocol;
	niph->check = 0;
	niph->saddr = oiph->daddr;
	niph->daddr = oiph->saddr;
	niph->ttl = (u8)ttl;

	nskb->protocol = htons(ETH_P_IP);

	return niph;
}

void nf_reject_ip_tcphdr_put(struct sk_buff *nskb, const struct sk_buff *oldskb,
			     const struct tcphdr *oth)
{
	struct iphdr *niph = ip_hdr(nskb);
	struct tcphdr *tcph;

	nskb->transport_header = nskb->network_header + sizeof(struct iphdr);
	tcph = (struct tcphdr *)skb_put(nskb, sizeof(struct tcphdr));
	memset(tcph, 0, sizeof(*tcph));
	tcph->source = oth->dest;
	tcph->dest = oth->source;
	tcph->doff = sizeof(struct tcphdr) / 4;

	if (oth->ack) {
		tcph->seq = oth->ack_seq;
	} else {
		tcph->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin +
				      oldskb->len - ip_hdrlen(oldskb) - (oth->doff << 2));
		tcph->ack = 1;
	}

	tcph->rst = 1;
	/* ~tcp_v4_check(): the pseudo header only, CHECKSUM_PARTIAL: the device adds the segment.
	 * A veth (and nfemu's egress) sends these bytes as they are, which is what a capture on
	 * the far end of a veth shows; a NIC with offload, or the CHECKSUM target, completes them.
	 * EMU: csum_start/csum_offset are implied (transport header, TCP check field). */
	tcph->check = ~csum_tcpudp_magic(niph->saddr, niph->daddr, sizeof(struct tcphdr),
					 IPPROTO_TCP, 0);
	nskb->ip_summed = CHECKSUM_PARTIAL;
}

/* A packet met before routing (nft's prerouting REJECT) gets the route back to its source. */
static int nf_reject_fill_skb_dst(struct net *net, struct sk_buff *skb_in)
{
	struct flowi4 fl4;
	struct rtable *rt;

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = ip_hdr(skb_in)->saddr;
	rt = ip_route_output_key(net, &fl4);    /* nf_ip_route() */
	if (IS_ERR(rt))
		return -1;
	skb_dst_drop(skb_in);
	skb_dst_set(skb_in, rt);
	return 0;
}

/* ip4_dst_hoplimit(): the route's hop limit metric, else the sysctl.  EMU: nfemu's routes
 * carry no metrics, so always ip_default_ttl. */
static int ip4_dst_hoplimit(struct net *net, const struct rtable *rt)
{
	(void)rt;
	return net->ipv4.sysctl_ip_default_ttl;
}

/* Send RST reply: from the segment's destination, DF, ID 0, TOS 0, the route's TTL, through
 * ip_route_me_harder and ip_local_out (so it passes OUTPUT and POSTROUTING). */
void nf_send_reset(struct net *net, struct sock *sk, struct sk_buff *oldskb, int hook)
{
	const struct tcphdr *oth;
	struct sk_buff *nskb;
	struct tcphdr _oth;

	oth = nf_reject_ip_tcphdr_get(oldskb, &_oth, hook);
	if (!oth)
		return;

	if (!skb_rtable(oldskb) && nf_reject_fill_skb_dst(net, oldskb) < 0)
		return;

	if (skb_rtable(oldskb)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return;

	nskb = alloc_skb(sizeof(struct iphdr) + sizeof(struct tcphdr));
	if (!nskb)
		return;

	/* ip_route_me_harder expects skb->dst to be set */
	skb_dst_set(nskb, skb_rtable(oldskb));

	nskb->mark = IP4_REPLY_MARK(net, oldskb->mark);

	nf_reject_iphdr_put(nskb, oldskb, IPPROTO_TCP, ip4_dst_hoplimit(net, skb_rtable(nskb)));
	nf_reject_ip_tcphdr_put(nskb, oldskb, oth);
	if (ip_route_me_harder(net, sk, nskb, RTN_UNSPEC))
		goto free_nskb;

	/* "Never happens" */
	if (nskb->len > dst_mtu(skb_rtable(nskb)))
		goto free_nskb;

	nf_ct_attach(nskb, oldskb);
	nf_ct_set_closing(skb_nfct(oldskb));
	nfemu_skb_generated(net, nskb, oldskb, "nf_send_reset");
	ip_local_out(net, nskb->sk, nskb);
	return;

free_nskb:
	/* EMU: not reported: the answer was never sent (nskb->emu_net is not set yet). */
	kfree_skb(nskb);
}

void nf_send_unreach(struct sk_buff *skb_in, int code, int hook)
{
	struct iphdr *iph = ip_hdr(skb_in);
	int dataoff = ip_hdrlen(skb_in);
	u8 proto = iph->protocol;

	if (iph->frag_off & htons(IP_OFFSET))
		return;

	/* EMU: the net comes from the device (dev_net(skb_in->dev)), else the packet's kernel. */
	if (!skb_rtable(skb_in) &&
	    (!(skb_in->dev || skb_in->emu_net) ||
	     nf_reject_fill_skb_dst(skb_in->dev ? dev_net(skb_in->dev) : skb_in->emu_net, skb_in) < 0))
		return;

	/* (NF_INET_INGRESS, which resets the IP control block, is nft's only.) */
	if (skb_in->ip_summed == CHECKSUM_UNNECESSARY || !nf_reject_verify_csum(skb_in, dataoff, proto)) {
		icmp_send(skb_in, ICMP_DEST_UNREACH, code, 0);
		return;
	}

	if (nf_ip_checksum(skb_in, hook, dataoff, proto) == 0)
		icmp_send(skb_in, ICMP_DEST_UNREACH, code, 0);
}
