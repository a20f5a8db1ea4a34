/* netstack/inet_hashtables.c - the host's TCP and UDP sockets and their lookups
 * (net/ipv4/inet_hashtables.c __inet_lookup_listener / __inet_lookup_established,
 * net/ipv4/udp.c __udp4_lib_lookup, net/ipv4/tcp_ipv4.c tcp_v4_early_demux).
 *
 * Sockets come from `listen` lines of the topology (or --open-ports).  A listener found for a
 * destination bound to that exact address wins over one bound to 0.0.0.0, as the two lhash2
 * lookups do.  Connections live in the established table: a request sock when a SYN reaches a
 * listener, a full socket when the handshake's ACK arrives, a TIME_WAIT sock for 60 s after
 * the close the host began.
 * EMU: no application runs, so a socket's life follows the capture: the host's SYN-ACK,
 * data, ACKs, FIN and RST are the capture's own frames (nfemu_sock_local_out sends them from
 * the socket they belong to), and what they and the peer's segments do is the small state
 * machine below, enough to know which socket a packet has (request, full with its file,
 * closed by the application, TIME_WAIT) -- what xt_owner and nf_log see -- and that nothing
 * answers a segment of a live connection with a RST.  The application accepts a connection
 * at once and its FIN is its close(); no sequence numbers are checked (a RST in or out of the
 * window ends the connection); connections are not kept in the state file.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "netstack/inet.h"
#include "netstack/ip.h"
#include "netstack/sock.h"
#include "netstack/tcp.h"

static void inet_sk_lists_init(struct net *net)
{
	if (!net->ipv4.sk_list.next) {
		INIT_LIST_HEAD(&net->ipv4.sk_list);
		INIT_LIST_HEAD(&net->ipv4.sk_conns);
		INIT_LIST_HEAD(&net->ipv4.sk_dead);
	}
}

/* inet_ehashfn() (EMU: not keyed: nothing outside nfemu can aim at the buckets) */
static unsigned int inet_ehashfn(__be32 laddr, u16 lport, __be32 faddr, __be16 fport)
{
	u32 h = (u32)laddr * 0x9e3779b1u ^ (u32)faddr * 0x85ebca6bu ^
		((u32)lport << 16 | ntohs(fport)) * 0xc2b2ae35u;

	return (h ^ (h >> 15)) % NFEMU_EHASH;
}

static struct sock *inet_sk_alloc(struct net *net, int protocol, u8 state, __be32 laddr, u16 lport)
{
	struct sock *sk = calloc(1, sizeof(*sk));

	if (!sk)
		return NULL;
	inet_sk_lists_init(net);
	sk->sk_protocol = protocol;
	sk->sk_state = state;
	sk->sk_rcv_saddr = laddr;
	sk->sk_num = lport;
	list_add_tail(&sk->sk_node, &net->ipv4.sk_list);
	return sk;
}

int inet_listen_add(struct net *net, int protocol, __be32 addr, u16 port, u32 uid, u32 gid)
{
	struct sock *sk;

	if ((protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) || !port)
		return -EINVAL;
	sk = inet_sk_alloc(net, protocol, protocol == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE, addr, port);
	if (!sk)
		return -ENOMEM;
	sk->sk_uid = uid;
	sk->sk_gid = gid;
	return 0;
}

void inet_open_ports(struct net *net, bool on)
{
	inet_sk_lists_init(net);
	net->ipv4.emu_open_ports = on;
}

/* A connection that is over: off the tables, freed once no packet can point at it (the
 * next packet's entry reaps it). */
static void inet_sk_kill(struct net *net, struct sock *sk)
{
	struct sock **pp = &net->ipv4.sk_ehash[inet_ehashfn(sk->sk_rcv_saddr, sk->sk_num,
							   sk->sk_daddr, sk->sk_dport)];

	while (*pp && *pp != sk)
		pp = &(*pp)->sk_ehash_next;
	if (*pp)
		*pp = sk->sk_ehash_next;
	sk->sk_ehash_next = NULL;
	sk->sk_state = TCP_CLOSE;
	list_del(&sk->sk_node);
	list_add_tail(&sk->sk_node, &net->ipv4.sk_dead);
}

/* Has the connection outlived its timer (a request sock its SYN-ACK retries, a TIME_WAIT
 * sock TCP_TIMEWAIT_LEN)?  EMU: the timers run when looked at. */
static bool inet_sk_expired(const struct net *net, const struct sock *sk)
{
	u64 age = net->clock.now_ns - sk->emu_since_ns;

	return (sk->sk_state == TCP_TIME_WAIT && age >= NFEMU_TCP_TIMEWAIT_NS) ||
	       (sk->sk_state == TCP_NEW_SYN_RECV && age >= NFEMU_TCP_SYNRECV_NS);
}

void inet_sockets_reap(struct net *net)
{
	struct sock *sk, *n;

	/* EMU: no reference counts: a packet waiting on a neighbour may still point at its
	 * socket, so nothing is freed while any waits */
	if (!net->ipv4.sk_dead.next || net->ipv4.neigh_incomplete || net->ipv4.backlog_head)
		return;
	list_for_each_entry_safe(sk, n, &net->ipv4.sk_dead, sk_node) {
		list_del(&sk->sk_node);
		free(sk);
	}
	/* once a second of capture time, the connections whose timers ran out.  Cost: one pass
	 * over the live connections */
	if (net->clock.now_ns - net->ipv4.sk_sweep_ns >= 1000000000ULL) {
		net->ipv4.sk_sweep_ns = net->clock.now_ns;
		list_for_each_entry_safe(sk, n, &net->ipv4.sk_conns, sk_node)
			if (inet_sk_expired(net, sk))
				inet_sk_kill(net, sk);
		list_for_each_entry_safe(sk, n, &net->ipv4.sk_dead, sk_node) {
			list_del(&sk->sk_node);
			free(sk);
		}
	}
}

void inet_sockets_free(struct net *net)
{
	struct sock *sk, *n;

	if (!net->ipv4.sk_list.next)
		return;
	list_for_each_entry_safe(sk, n, &net->ipv4.sk_list, sk_node) {
		list_del(&sk->sk_node);
		free(sk);
	}
	list_for_each_entry_safe(sk, n, &net->ipv4.sk_conns, sk_node) {
		list_del(&sk->sk_node);
		free(sk);
	}
	memset(net->ipv4.sk_ehash, 0, sizeof(net->ipv4.sk_ehash));
	inet_sockets_reap(net);
}

/*
 * The bound (listening) socket of protocol for daddr:hnum: the lookup of lhash2 for
 * (daddr, hnum), then for (INADDR_ANY, hnum); the first declared among equals (EMU: no
 * SO_REUSEPORT groups, no scores for sk_incoming_cpu).  With --open-ports a missing one is
 * made, bound to 0.0.0.0 and owned by root.
 */
static struct sock *inet_lookup_bound(struct net *net, int protocol, __be32 daddr, u16 hnum)
{
	struct sock *sk, *any = NULL;
	u8 state = protocol == IPPROTO_TCP ? TCP_LISTEN : TCP_CLOSE;

	if (!net->ipv4.sk_list.next)
		return NULL;
	list_for_each_entry(sk, &net->ipv4.sk_list, sk_node) {
		if (sk->sk_protocol != protocol || sk->sk_state != state || sk->sk_num != hnum)
			continue;
		if (sk->sk_rcv_saddr == daddr)
			return sk;
		if (!sk->sk_rcv_saddr && !any)
			any = sk;
	}
	if (!any && net->ipv4.emu_open_ports)
		any = inet_sk_alloc(net, protocol, state, 0, hnum);
	return any;
}

struct sock *__inet_lookup_listener(struct net *net, __be32 daddr, u16 hnum)
{
	return inet_lookup_bound(net, IPPROTO_TCP, daddr, hnum);
}

struct sock *__udp4_lib_lookup(struct net *net, __be32 daddr, __be16 dport)
{
	return inet_lookup_bound(net, IPPROTO_UDP, daddr, ntohs(dport));
}

struct sock *__inet_lookup_established(struct net *net, __be32 saddr, __be16 sport,
				       __be32 daddr, u16 hnum)
{
	struct sock *sk;

	if (!net->ipv4.sk_list.next)
		return NULL;
	for (sk = net->ipv4.sk_ehash[inet_ehashfn(daddr, hnum, saddr, sport)]; sk; sk = sk->sk_ehash_next) {
		if (sk->sk_daddr != saddr || sk->sk_dport != sport ||
		    sk->sk_rcv_saddr != daddr || sk->sk_num != hnum)
			continue;
		/* its timer (inet_twsk_kill, the request's expiry), run when it is looked at */
		if (inet_sk_expired(net, sk)) {
			inet_sk_kill(net, sk);
			return NULL;
		}
		return sk;
	}
	return NULL;
}

/* A connection of listener's port (a request sock or a full socket): the listener's owner. */
static struct sock *inet_conn_alloc(struct net *net, struct sock *listener, u8 state,
				    __be32 laddr, __be32 raddr, __be16 rport)
{
	struct sock *sk = inet_sk_alloc(net, IPPROTO_TCP, state, laddr, listener->sk_num);
	unsigned int h = inet_ehashfn(laddr, listener->sk_num, raddr, rport);

	if (!sk)
		return NULL;
	list_del(&sk->sk_node);
	list_add_tail(&sk->sk_node, &net->ipv4.sk_conns);
	sk->sk_ehash_next = net->ipv4.sk_ehash[h];
	net->ipv4.sk_ehash[h] = sk;
	sk->emu_since_ns = net->clock.now_ns;
	sk->rsk_listener = listener;
	sk->sk_daddr = raddr;
	sk->sk_dport = rport;
	sk->sk_uid = listener->sk_uid;
	sk->sk_gid = listener->sk_gid;
	return sk;
}

/*
 * EMU: the UDP socket a datagram of the host came from.  Its source address and port do not
 * always say: a socket bound to 0.0.0.0 answers from the address routing picks, which may be
 * that of another socket on the same port.  A socket that last heard from the datagram's
 * destination is taken first, then the lookup's answer for the source.
 */
static struct sock *udp_sk_of_reply(struct net *net, __be32 saddr, u16 sport, __be32 daddr,
				    __be16 dport)
{
	struct sock *sk;

	list_for_each_entry(sk, &net->ipv4.sk_list, sk_node)
		if (sk->sk_protocol == IPPROTO_UDP && sk->sk_num == sport &&
		    (!sk->sk_rcv_saddr || sk->sk_rcv_saddr == saddr) &&
		    sk->sk_daddr == daddr && sk->sk_dport == dport)
			return sk;
	return __udp4_lib_lookup(net, saddr, htons(sport));
}

/* A datagram delivered to a UDP socket: EMU, its sender is remembered (udp_sk_of_reply). */
void udp_sk_rcv(struct sock *sk, const struct sk_buff *skb)
{
	const struct udphdr *uh = (const struct udphdr *)skb->data;

	sk->sk_daddr = ip_hdr(skb)->saddr;
	sk->sk_dport = uh->source;
}

/* tcp_v4_early_demux() (ip_rcv_finish_core): a segment for an established-table socket gets
 * it as skb->sk before routing, so LOCAL_IN's log lines see its owner. */
void tcp_v4_early_demux(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th;
	struct net *net = skb->emu_net;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST || !net)
		return;
	if (skb->len < (unsigned int)iph->ihl * 4 + sizeof(struct tcphdr))
		return;
	th = (const struct tcphdr *)((const u8 *)iph + iph->ihl * 4);
	if (th->doff < sizeof(struct tcphdr) / 4)
		return;
	sk = __inet_lookup_established(net, iph->saddr, th->source, iph->daddr, ntohs(th->dest));
	if (sk)
		skb->sk = sk;
}

/* What the peer's segment th does: a SYN to a listener makes a request sock; the handshake's
 * ACK turns it into a connection (accepted at once); a FIN after the host's own close puts
 * it in TIME_WAIT; the last ACK after both FINs, when the peer closed first, or a RST ends it. */
void inet_sk_rcv(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = skb->emu_net;

	if (sk->sk_protocol != IPPROTO_TCP || !net)
		return;
	switch (sk->sk_state) {
	case TCP_LISTEN:
		if (th->syn && !th->ack && !th->rst)
			inet_conn_alloc(net, sk, TCP_NEW_SYN_RECV, iph->daddr, iph->saddr, th->source);
		break;
	case TCP_NEW_SYN_RECV:
		if (th->rst)
			inet_sk_kill(net, sk);
		else if (th->ack && !th->syn)
			sk->sk_state = TCP_ESTABLISHED;
		break;
	case TCP_ESTABLISHED:
		if (th->rst) {
			inet_sk_kill(net, sk);
		} else if (th->fin && !sk->emu_fin_in) {
			sk->emu_fin_in = 1;
			if (sk->emu_fin_out) {
				sk->sk_state = TCP_TIME_WAIT;
				sk->emu_since_ns = net->clock.now_ns;
			}
		} else if (th->ack && sk->emu_fin_in && sk->emu_fin_out) {
			inet_sk_kill(net, sk);          /* LAST_ACK -> CLOSE */
		}
		break;
	case TCP_TIME_WAIT:
		/* tcp_timewait_state_process(): a RST kills it; a new SYN (TCP_TW_SYN) goes to
		 * the listener, which makes a request sock of it */
		if (th->rst) {
			inet_sk_kill(net, sk);
		} else if (th->syn && !th->ack) {
			struct sock *l = sk->rsk_listener;

			inet_sk_kill(net, sk);
			inet_conn_alloc(net, l, TCP_NEW_SYN_RECV, iph->daddr, iph->saddr, th->source);
		}
		break;
	}
}

/* What the host's own segment does: a FIN is the application's close() (the socket has no
 * file any more); a RST ends it. */
static void inet_sk_sent(struct net *net, struct sock *sk, u8 flags)
{
	if (flags & TCPHDR_RST) {
		if (sk->sk_state != TCP_LISTEN)
			inet_sk_kill(net, sk);
		return;
	}
	if ((flags & TCPHDR_FIN) && sk->sk_state == TCP_ESTABLISHED && !sk->emu_fin_out) {
		sk->emu_fin_out = 1;
		sk->sk_orphan = 1;
	}
}

/*
 * The host's packet from the capture: sent from the socket that owns its source (a connection
 * of a listening port, or a UDP socket), else from raw_sk.  A segment of a listening port
 * with no connection yet is the start of one the capture did not see begin: a SYN-ACK gets a
 * request sock, anything else a connection.
 */
int nfemu_sock_local_out(struct net *net, struct sk_buff *skb, struct sock *raw_sk)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct sock *sk = NULL;
	unsigned int ihl;
	u8 flags = 0;
	int ret;

	inet_sockets_reap(net);
	if (skb->len < sizeof(*iph) || iph->version != 4)
		return nfemu_local_out(net, skb, raw_sk);
	ihl = iph->ihl * 4u;
	if (ihl < sizeof(*iph) || (iph->frag_off & htons(IP_OFFSET | IP_MF)))
		return nfemu_local_out(net, skb, raw_sk);
	if (iph->protocol == IPPROTO_UDP && skb->len >= ihl + sizeof(struct udphdr)) {
		const struct udphdr *uh = (const struct udphdr *)(skb->data + ihl);

		sk = udp_sk_of_reply(net, iph->saddr, ntohs(uh->source), iph->daddr, uh->dest);
	} else if (iph->protocol == IPPROTO_TCP && skb->len >= ihl + sizeof(struct tcphdr)) {
		const struct tcphdr *th = (const struct tcphdr *)(skb->data + ihl);

		flags = tcp_flag_byte(th);
		sk = __inet_lookup_established(net, iph->daddr, th->dest, iph->saddr, ntohs(th->source));
		if (!sk) {
			struct sock *l = __inet_lookup_listener(net, iph->saddr, ntohs(th->source));

			if (l && !(flags & TCPHDR_RST))
				sk = inet_conn_alloc(net, l, (flags & (TCPHDR_SYN | TCPHDR_ACK)) ==
						     (TCPHDR_SYN | TCPHDR_ACK) ?
						     TCP_NEW_SYN_RECV : TCP_ESTABLISHED,
						     iph->saddr, iph->daddr, th->dest);
			else
				sk = l;         /* a RST from the listener itself */
		}
	}
	if (!sk)
		return nfemu_local_out(net, skb, raw_sk);
	ret = nfemu_local_out(net, skb, sk);
	if (sk->sk_protocol == IPPROTO_TCP)
		inet_sk_sent(net, sk, flags);
	return ret;
}
