/* netstack/tcp_ipv4.c - TCP input (net/ipv4/tcp_ipv4.c tcp_v4_rcv, tcp_v4_send_reset;
 * ip_output.c ip_send_unicast_reply).
 *
 * A segment that reaches TCP is checked (PACKET_HOST, header length), its socket looked up
 * (the one early demux attached, else an established-table socket, else a listener:
 * netstack/inet_hashtables.c) and, with one and a good checksum, delivered -- what the
 * application and its socket answer comes from the capture, not from here.  Finding no
 * socket, it is answered with a reset built as Linux builds it: ports swapped, seq = the segment's
 * ack_seq if it had ACK, else ACK set and ack_seq = seq + SYN + FIN + payload length; window 0;
 * from the TCP control socket (IP_PMTUDISC_DO: DF set, IP ID 0), TOS without ECN, TTL
 * ip_default_ttl, mark from fwmark_reflect.  No reset answers a reset, nor a segment to a
 * broadcast or multicast address.
 * EMU: sockets only as the topology declares them (`listen`, --open-ports); no MD5/AO signatures
 * (a segment carrying an MD5 option gets the plain reset a listener-less host sends); IP
 * options of the segment are not echoed into the reset (__ip_options_echo).
 */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include "kernel/net.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/sock.h"

static void tcp_v4_send_reset(struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);
	struct net *net = dev_net(rt->dev);
	struct ip_reply_cork cork = { 0 };
	struct tcphdr rep;
	struct flowi4 fl4;
	u32 mark;

	/* Never send a reset in response to a reset. */
	if (th->rst)
		return;
	/* No socket: the incoming route must have been a local one. */
	if (rt->rt_type != RTN_LOCAL)
		return;

	/* Swap the send and the receive. */
	memset(&rep, 0, sizeof(rep));
	rep.dest = th->source;
	rep.source = th->dest;
	rep.doff = sizeof(struct tcphdr) / 4;
	rep.rst = 1;
	if (th->ack) {
		rep.seq = th->ack_seq;
	} else {
		rep.ack = 1;
		rep.ack_seq = htonl(ntohl(th->seq) + th->syn + th->fin + skb->len - (th->doff << 2));
	}
	rep.check = csum_tcpudp_magic(iph->daddr, iph->saddr, sizeof(rep), IPPROTO_TCP,
				      csum_partial(&rep, sizeof(rep), 0));

	/* ip_send_unicast_reply() from the control socket */
	mark = IP4_REPLY_MARK(net, skb->mark);
	memset(&fl4, 0, sizeof(fl4));
	fl4.flowi4_oif = 0;
	fl4.flowi4_mark = mark;
	fl4.flowi4_tos = iph->tos & INET_DSCP_MASK;
	fl4.flowi4_scope = RT_SCOPE_UNIVERSE;
	fl4.flowi4_proto = IPPROTO_TCP;
	fl4.daddr = iph->saddr;
	fl4.saddr = iph->daddr;
	fl4.fl4_sport = th->dest;
	fl4.fl4_dport = th->source;
	rt = ip_route_output_flow(net, &fl4, NULL);
	if (IS_ERR(rt))
		return;
	cork.tos = iph->tos & ~INET_ECN_MASK;
	cork.protocol = IPPROTO_TCP;
	cork.df = true;         /* the control socket is IP_PMTUDISC_DO */
	cork.mark = fl4.flowi4_mark;
	net->ipv4.mib.tcp_out_rsts++;
	ip_push_reply(net, &fl4, rt, &cork, &rep, sizeof(rep), skb, "tcp_v4_send_reset");
}

int tcp_v4_rcv(struct sk_buff *skb)
{
	enum skb_drop_reason drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);
	const struct tcphdr *th;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST)
		goto discard_it;
	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto discard_it;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4) {
		drop_reason = SKB_DROP_REASON_PKT_TOO_SMALL;
		goto discard_it;
	}
	if (!pskb_may_pull(skb, th->doff * 4))
		goto discard_it;

	/* __inet_lookup_skb(): the socket early demux found, else the lookups */
	sk = skb->sk;
	if (!sk)
		sk = __inet_lookup_established(dev_net(rt->dev), iph->saddr, th->source, iph->daddr,
					       ntohs(th->dest));
	if (!sk)
		sk = __inet_lookup_listener(dev_net(rt->dev), iph->daddr, ntohs(th->dest));
	if (sk && sk->sk_state != TCP_CLOSE) {
		/* the socket's own tcp_checksum_complete(): a bad segment is dropped */
		if (!skb_csum_unnecessary(skb) &&
		    csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
				      csum_partial(skb->data, (int)skb->len, 0))) {
			drop_reason = SKB_DROP_REASON_TCP_CSUM;
			goto discard_it;
		}
		inet_sk_rcv(sk, skb);
		nfemu_skb_delivered_sk(skb, sk);
		return 0;
	}
	drop_reason = SKB_DROP_REASON_NO_SOCKET;
	/* tcp_checksum_complete(): the pseudo-header sum plus the segment must fold to 0 */
	if (!skb_csum_unnecessary(skb) &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
			      csum_partial(skb->data, (int)skb->len, 0))) {
		drop_reason = SKB_DROP_REASON_TCP_CSUM;
		goto discard_it;
	}
	tcp_v4_send_reset(skb);

discard_it:
	nfemu_kfree_skb_at(skb, drop_reason, "tcp_v4_rcv");
	return 0;
}
