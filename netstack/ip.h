/* netstack/ip.h - the IPv4 layer's functions as the packet path calls them (include/net/ip.h).
 *
 * Receive (ip_rcv, ip_local_deliver), forward (ip_forward), send (ip_local_out, ip_output,
 * ip_fragment), the transport handlers that answer when no socket listens (tcp_v4_rcv,
 * udp_rcv, icmp_rcv), and the header helpers (ip_decrease_ttl, ip_select_ident).
 * EMU: the inet_skb_parm control block (IPCB) is not kept: IPSKB_FORWARDED is derived from
 * the route (an input route on an skb with no socket) and IPSKB_DOREDIRECT travels in
 * rt->rt_flags as RTCF_DOREDIRECT, where Linux kept it before 3.6.
 */
#ifndef NFEMU_NETSTACK_IP_H
#define NFEMU_NETSTACK_IP_H

#include <linux/ip.h>
#include "kernel/kernel.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"
#include "netstack/checksum.h"

struct net;
struct net_device;
struct sock;

#define NET_RX_SUCCESS 0
#define NET_RX_DROP 1

#ifndef IPTOS_TOS_MASK
#define IPTOS_TOS_MASK 0x1E
#define IPTOS_PREC_INTERNETCONTROL 0xc0
#endif
#define INET_ECN_MASK 3
#define INET_DSCP_MASK 0xfc
#ifndef RT_TOS
#define RT_TOS(tos) ((tos) & IPTOS_TOS_MASK)
#endif

#define IP4_REPLY_MARK(net, mark) ((net)->ipv4.sysctl_fwmark_reflect ? (mark) : 0)

static inline bool ip_is_fragment(const struct iphdr *iph)
{
	return (iph->frag_off & __cpu_to_be16(IP_MF | IP_OFFSET)) != 0;
}

static inline void ip_send_check(struct iphdr *iph)
{
	iph->check = 0;
	iph->check = ip_fast_csum((unsigned char *)iph, iph->ihl);
}

/* ip_decrease_ttl: the incremental checksum update the kernel does (byte-exact, including
 * the 0xffff/0x0000 it may leave where a full recomputation would differ). */
static inline int ip_decrease_ttl(struct iphdr *iph)
{
	u32 check = (u32)iph->check;

	check += (u32)__cpu_to_be16(0x0100);
	iph->check = (__sum16)(check + (check >= 0xFFFF));
	return --iph->ttl;
}

/* The skb's network header offset from skb->data as Linux keeps it after __skb_pull. */
static inline unsigned int skb_network_header_len(const struct sk_buff *skb)
{
	return skb->transport_header - skb->network_header;
}

/* The device index the packet came in on (inet_iif). */
static inline int inet_iif(const struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);

	if (rt && rt->rt_iif)
		return rt->rt_iif;
	return skb->skb_iif;
}

/* EMU: a drop by the stack: skb->emu_where = the kernel function that freed it. */
void nfemu_kfree_skb_at(struct sk_buff *skb, enum skb_drop_reason reason, const char *where);
/* EMU: the packet reached its local consumer (a protocol handler): NFEMU_EV_DELIVER. */
void nfemu_skb_delivered(struct sk_buff *skb, const char *where);
/* ...to a socket's queue: the observer names the socket ("to tcp 0.0.0.0:22"). */
void nfemu_skb_delivered_sk(struct sk_buff *skb, const struct sock *sk);
/* EMU: the host built a packet (RST, ICMP): NFEMU_EV_GENERATED, emu_parent = cause. */
void nfemu_skb_generated(struct net *net, struct sk_buff *nskb, const struct sk_buff *cause,
			 const char *what);
/* EMU: a NOTE event. */
/* skb waits in the stack (NFEMU_EV_PENDING); text says for what. */
void nfemu_skb_pending(struct net *net, const struct sk_buff *skb, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nfemu_note(struct net *net, const struct sk_buff *skb, const struct net_device *dev,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* dev.c: EMU move the data so the network header, l3off bytes in, is 4-byte aligned. */
void nfemu_skb_align_l3(struct sk_buff *skb, unsigned int l3off);
/* dev.c: run the frames netif_rx() queued (after the outermost packet is done). */
void nfemu_process_backlog(struct net *net);

/* ip_input.c */
int ip_rcv(struct sk_buff *skb, struct net_device *dev);
int ip_local_deliver(struct sk_buff *skb);
/* ip_forward.c */
int ip_forward(struct sk_buff *skb);
/* route.c: dst.input of unreachable routes, dst.output of input routes. */
int ip_error(struct sk_buff *skb);
int ip_rt_bug(struct net *net, struct sock *sk, struct sk_buff *skb);

/* ip_output.c */
int __ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb);
int ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb);
int ip_output(struct net *net, struct sock *sk, struct sk_buff *skb);
int ip_mc_output(struct net *net, struct sock *sk, struct sk_buff *skb);
void __ip_select_ident(struct net *net, struct iphdr *iph, int segs);
void ip_select_ident(struct net *net, struct sk_buff *skb, struct sock *sk);
int ip_do_fragment(struct net *net, struct sock *sk, struct sk_buff *skb,
		   int (*output)(struct net *, struct sock *, struct sk_buff *));

/* What a kernel socket (the ICMP or TCP control socket) puts in the headers of a packet it
 * builds through ip_append_data/ip_push_pending_frames (struct inet_cork). */
struct ip_reply_cork {
	u8 tos;
	u8 protocol;
	bool df;                        /* IP_PMTUDISC_DO sockets (the TCP control socket) */
	int ttl;                        /* 0: ip_select_ttl (the route's hop limit) */
	u32 mark;
	u32 priority;
};

/* Build an IPv4 packet from fl4 (saddr, daddr), the route and the payload (already complete,
 * checksum included), as __ip_make_skb does, and send it with ip_local_out.  cause is the
 * packet that made the host answer (for the GENERATED event).  Returns ip_local_out's value
 * or -ENOMEM. */
int ip_push_reply(struct net *net, struct flowi4 *fl4, struct rtable *rt,
		  const struct ip_reply_cork *cork, const void *payload, unsigned int len,
		  const struct sk_buff *cause, const char *what);

/* Transport handlers (protocol.c's inet_protos[]): each consumes the skb. */
int tcp_v4_rcv(struct sk_buff *skb);
int udp_rcv(struct sk_buff *skb);
int icmp_rcv(struct sk_buff *skb);

/* Reassembly (ip_fragment.c): ip_defrag() under a user (IP_DEFRAG_*), the queues' timers */
int ip_defrag(struct net *net, struct sk_buff **skbp, u32 user);
void ip_frag_free_all(struct net *net);
u64 ip_frag_next_timer(struct net *net);
void ip_frag_run_timers(struct net *net, u64 now_ns);

#endif
