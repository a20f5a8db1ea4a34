/* netstack/neighbour.h - the IPv4 neighbour (ARP) table (include/net/neighbour.h, net/ipv4/arp.c).
 *
 * A neighbour maps a next-hop address on a device to a link-layer address.  Entries come from
 * the topology (`ip neigh add A lladdr MAC dev D [nud permanent|reachable|stale|noarp]`);
 * broadcast, multicast and NOARP devices resolve without asking anyone, as arp_constructor
 * does.  EMU: nfemu sends no ARP and hears no replies: a next hop with no entry fails to
 * resolve at once (Linux: after mcast_solicit probes, ~3 s), with what Linux then does.
 */
#ifndef NFEMU_NETSTACK_NEIGHBOUR_H
#define NFEMU_NETSTACK_NEIGHBOUR_H

#include <linux/neighbour.h>
#include "kernel/kernel.h"
#include "kernel/list.h"
#include "netstack/netdevice.h"

struct sk_buff;

struct neighbour {
	struct list_head list;          /* net->ipv4.neigh_list */
	struct neighbour *hnext;        /* net->ipv4.neigh_hash chain */
	struct net_device *dev;
	__be32 primary_key;
	u8 nud_state;                   /* NUD_PERMANENT, NUD_REACHABLE, NUD_INCOMPLETE, NUD_FAILED, ... */
	u8 type;                        /* RTN_UNICAST / RTN_BROADCAST / RTN_MULTICAST */
	bool dynamic;                   /* created by the stack, not by `ip neigh add` */
	unsigned char ha[MAX_ADDR_LEN];
	/* resolution (dynamic entries): packets waiting, and when the probes are over */
	struct sk_buff *arp_queue_head, *arp_queue_tail;
	unsigned int arp_queue_len_bytes;
	u64 fail_at_ns;
	/* EMU: the timer handler's neigh_hold(): error reports it makes may create entries,
	 * and neigh_forced_gc must not free this one under it */
	bool held;
};

#define NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

/* `ip neigh add|replace`: 0, -EEXIST (add of an existing entry), -ENODEV, -EINVAL. */
int nfemu_neigh_add(struct net_device *dev, __be32 addr, const u8 *lladdr, u8 nud_state,
		    bool replace);
struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, __be32 key);
/* Resolve key on dev as arp_constructor would, without creating an entry: fills ha and
 * returns 0, or -EHOSTUNREACH when ARP would have to ask (no static entry). */
int arp_resolve(struct net_device *dev, __be32 key, unsigned char *ha);
/* neigh_output: put the link-layer header on skb and transmit it (dev_queue_xmit), or fail the
 * resolution: ICMP host unreachable to the sender (arp_error_report) and NEIGH_FAILED. */
int neigh_output(struct net_device *dev, __be32 nexthop, struct sk_buff *skb);
void neigh_table_free(struct net *net);
/* Free an entry and, silently, the packets it queues (device down, teardown). */
void neigh_free(struct neighbour *n);
/* The earliest resolution deadline (U64_MAX for none), and run the failures due by now_ns. */
u64 neigh_next_timer(struct net *net);
void neigh_run_timers(struct net *net, u64 now_ns);

#endif
