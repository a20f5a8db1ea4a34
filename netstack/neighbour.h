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
#include "emu/kernel.h"
#include "emu/list.h"
#include "netstack/netdevice.h"

struct sk_buff;

struct neighbour {
	struct list_head list;          /* net->ipv4.neigh_list */
	struct net_device *dev;
	__be32 primary_key;
	u8 nud_state;                   /* NUD_PERMANENT, NUD_REACHABLE, NUD_NOARP, ... */
	u8 type;                        /* RTN_UNICAST / RTN_BROADCAST / RTN_MULTICAST */
	unsigned char ha[MAX_ADDR_LEN];
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

#endif
