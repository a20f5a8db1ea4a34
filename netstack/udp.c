/* netstack/udp.c - UDP input (net/ipv4/udp.c __udp4_lib_rcv, __udp4_lib_mcast_deliver).
 *
 * The datagram is checked (header present, length field against the packet: PKT_TOO_SMALL,
 * trimmed to the UDP length); one for a bound socket (__udp4_lib_lookup: the exact address
 * before 0.0.0.0; for broadcast and multicast, a socket bound to 0.0.0.0 or to that address)
 * with a good checksum (or none) is delivered, what the application answers coming from the
 * capture.  Else broadcast and multicast ones are freed without an answer (NOT_SPECIFIED), and
 * a unicast one with a good checksum (or none) is answered with ICMP port unreachable and
 * dropped as NO_SOCKET; a bad checksum is UDP_CSUM with no answer.
 * EMU: sockets only as the topology declares them (`listen`, --open-ports), unconnected; no
 * UDP-Lite, no encapsulation sockets.
 */
#include <arpa/inet.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "netstack/icmp.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/sock.h"

int udp_rcv(struct sk_buff *skb)
{
	enum skb_drop_reason drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct rtable *rt = skb_rtable(skb);
	const struct udphdr *uh;
	struct sock *sk;
	unsigned short ulen;
	__be32 saddr, daddr;

	/* Validate the packet. */
	if (!pskb_may_pull(skb, sizeof(struct udphdr)))
		goto drop;      /* No space for header. */
	uh = (const struct udphdr *)skb->data;
	ulen = ntohs(uh->len);
	saddr = ip_hdr(skb)->saddr;
	daddr = ip_hdr(skb)->daddr;
	if (ulen > skb->len)
		goto short_packet;
	/* UDP validates ulen. */
	if (ulen < sizeof(*uh))
		goto short_packet;
	skb_trim(skb, ulen);

	sk = __udp4_lib_lookup(dev_net(rt->dev), daddr, uh->dest);
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		/* __udp4_lib_mcast_deliver(): the sockets bound to the group/broadcast address
		 * or to 0.0.0.0 get it (udp_v4_mcast_next); none: kfree_skb (IGNOREDMULTI) */
		if (sk && (!sk->sk_rcv_saddr || sk->sk_rcv_saddr == daddr))
			goto deliver;
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "__udp4_lib_mcast_deliver");
		return 0;
	}

	/* Drop packet silently, if checksum is wrong (udp_queue_rcv_skb for a socket too) */
	if (uh->check && !skb_csum_unnecessary(skb) &&
	    csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_UDP,
			      csum_partial(skb->data, (int)skb->len, 0)))
		goto csum_error;
	if (sk) {
deliver:
		udp_sk_rcv(sk, skb);
		nfemu_skb_delivered_sk(skb, sk);
		return 0;
	}

	drop_reason = SKB_DROP_REASON_NO_SOCKET;
	dev_net(rt->dev)->ipv4.mib.udp_no_ports++;
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	/* Hmm.  We got an UDP packet to a port to which we don't wanna listen.  Ignore it. */
	nfemu_kfree_skb_at(skb, drop_reason, "__udp4_lib_rcv");
	return 0;

short_packet:
	drop_reason = SKB_DROP_REASON_PKT_TOO_SMALL;
	goto drop;
csum_error:
	/* RFC1122: OK.  Discards the bad packet silently (4.1.3.4 MUST). */
	drop_reason = SKB_DROP_REASON_UDP_CSUM;
drop:
	nfemu_kfree_skb_at(skb, drop_reason, "__udp4_lib_rcv");
	return 0;
}
