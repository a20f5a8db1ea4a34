/* netstack/sock.h - the host's sockets as the stack looks them up (include/net/sock.h,
 * include/net/inet_hashtables.h, include/net/request_sock.h, include/net/udp.h).
 *
 * sk_fullsock / sk_to_full_sk (what xt_owner and nf_log ask), the listener and established
 * lookups of TCP and the UDP lookup, and the sockets the topology declares (`listen`) or
 * --open-ports makes.
 * EMU: no applications run: a socket's life (request sock, accepted connection, closed,
 * TIME_WAIT) follows the packets of the capture in both directions (inet_hashtables.c).
 */
#ifndef NFEMU_NETSTACK_SOCK_H
#define NFEMU_NETSTACK_SOCK_H

#include "kernel/kernel.h"
#include "netstack/skbuff.h"

struct net;

/* include/net/tcp_states.h */
#ifndef TCP_ESTABLISHED
#define TCP_ESTABLISHED 1
#define TCP_TIME_WAIT 6
#define TCP_CLOSE 7
#define TCP_LISTEN 10
#define TCP_NEW_SYN_RECV 12
#endif

/* TCP_TIMEWAIT_LEN: how long a TIME_WAIT socket lasts (60 s); how long a request sock waits
 * for the handshake's end: the SYN-ACK sent again tcp_synack_retries (5) times, 1 s doubling
 * each time, then 32 s more (63 s). */
#define NFEMU_TCP_TIMEWAIT_NS (60ULL * 1000000000ULL)
#define NFEMU_TCP_SYNRECV_NS (63ULL * 1000000000ULL)

/* sk_fullsock(): not a request sock, not a TIME_WAIT sock. */
static inline bool sk_fullsock(const struct sock *sk)
{
	return sk->sk_state != TCP_NEW_SYN_RECV && sk->sk_state != TCP_TIME_WAIT;
}

/* sk_to_full_sk(): a request sock stands for its listener; a TIME_WAIT sock for nothing. */
static inline const struct sock *sk_to_full_sk(const struct sock *sk)
{
	if (sk && sk->sk_state == TCP_NEW_SYN_RECV)
		sk = sk->rsk_listener;
	if (sk && sk->sk_state == TCP_TIME_WAIT)
		sk = NULL;
	return sk;
}

static inline const struct sock *skb_to_full_sk(const struct sk_buff *skb)
{
	return sk_to_full_sk(skb->sk);
}

/* sk->sk_socket != NULL */
static inline bool sk_has_socket(const struct sock *sk)
{
	return !sk->sk_orphan;
}

/* sk->sk_socket && sk->sk_socket->file: what has credentials to log and match. */
static inline bool sk_has_file(const struct sock *sk)
{
	return !sk->sk_orphan && !sk->sk_kern_sock;
}

/* `listen tcp|udp ADDR:PORT [uid N] [gid N]`: a socket bound to addr (0: any) and port,
 * listening (TCP) or bound (UDP), owned by uid/gid.  0 or -ENOMEM / -EINVAL. */
int inet_listen_add(struct net *net, int protocol, __be32 addr, u16 port, u32 uid, u32 gid);
/* --open-ports: every local port of proto TCP and UDP has a listener (0.0.0.0, uid 0). */
void inet_open_ports(struct net *net, bool on);

/* __inet_lookup_listener(): the listener for daddr:hnum, a socket bound to that exact
 * address before one bound to 0.0.0.0; NULL if none. */
struct sock *__inet_lookup_listener(struct net *net, __be32 daddr, u16 hnum);
/* __inet_lookup_established(): the request, connection or TIME_WAIT sock of the 4-tuple
 * (the packet's view: saddr:sport is the peer). */
struct sock *__inet_lookup_established(struct net *net, __be32 saddr, __be16 sport,
				       __be32 daddr, u16 hnum);
/* __udp4_lib_lookup(): the UDP socket for daddr:dport (exact before 0.0.0.0), or NULL. */
struct sock *__udp4_lib_lookup(struct net *net, __be32 daddr, __be16 dport);

/* tcp_v4_early_demux(): skb->sk = the established-table socket of a received segment. */
void tcp_v4_early_demux(struct sk_buff *skb);
/* What a segment delivered to sk does to the socket's life (EMU, inet_hashtables.c). */
void inet_sk_rcv(struct sock *sk, struct sk_buff *skb);
/* A datagram delivered to a UDP socket (EMU: its sender is remembered for the replies). */
void udp_sk_rcv(struct sock *sk, const struct sk_buff *skb);

/* A packet of the host's own (the capture's) from the socket that owns its source address
 * and port, if any, else from raw_sk; the socket's life follows (EMU). */
int nfemu_sock_local_out(struct net *net, struct sk_buff *skb, struct sock *raw_sk);

/* Free the sockets (inet_net_exit), and the closed ones no packet points at any more. */
void inet_sockets_free(struct net *net);
void inet_sockets_reap(struct net *net);

#endif
