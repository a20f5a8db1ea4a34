/* netstack/icmp.h - sending ICMP errors and their rate limits (include/net/icmp.h,
 * include/net/inetpeer.h).
 *
 * icmp_send() is what the stack and the REJECT target call; it applies Linux's rules for when
 * no error may be sent, picks the source address, and passes the global token bucket
 * (icmp_msgs_per_sec/burst) and the per-destination inet_peer bucket (icmp_ratelimit,
 * icmp_ratemask) on the emulated clock.  EMU: inet_peer entries are kept in a hash table
 * instead of an rb-tree; garbage collection follows inet_peer_gc's TTL rule approximately.
 */
#ifndef NFEMU_NETSTACK_ICMP_H
#define NFEMU_NETSTACK_ICMP_H

#include <linux/icmp.h>
#include "kernel/kernel.h"

struct net;
struct sk_buff;
struct rtable;
struct flowi4;

#ifndef NR_ICMP_TYPES
#define NR_ICMP_TYPES 18
#endif

/* Per remote address state (struct inet_peer). */
struct inet_peer {
	struct inet_peer *next;         /* hash chain */
	__be32 daddr;
	int vif;
	u32 dtime;                      /* jiffies of the last use */
	unsigned long rate_tokens;      /* icmp and redirect rate limiting */
	unsigned long rate_last;
	u32 n_redirects;
};

struct inet_peer *inet_getpeer_v4(struct net *net, __be32 v4daddr, int vif);
bool inet_peer_xrlim_allow(struct net *net, struct inet_peer *peer, int timeout);
void inet_peers_free(struct net *net);

bool icmp_global_allow(struct net *net);
void icmp_global_consume(struct net *net);

/* Send an ICMP error about skb_in (__icmp_send with no options). */
void __icmp_send(struct sk_buff *skb_in, int type, int code, __be32 info);
static inline void icmp_send(struct sk_buff *skb_in, int type, int code, __be32 info)
{
	__icmp_send(skb_in, type, code, info);
}

#endif
