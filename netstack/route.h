/* netstack/route.h - IPv4 routing: the FIB, route lookups and address types.
 *
 * Mirrors include/net/route.h and include/net/ip_fib.h in what the packet path and the
 * matches use: a routing decision (struct rtable: type, output device, gateway, MTU), FIB
 * lookups for forwarding and reverse-path checks, and inet_addr_type() for addrtype.
 * EMU: one main and one local table (no policy routing); routes come from the topology.
 */
#ifndef NFEMU_NETSTACK_ROUTE_H
#define NFEMU_NETSTACK_ROUTE_H

#include <linux/rtnetlink.h>
#include "emu/kernel.h"

struct net;
struct net_device;
struct sk_buff;

struct rtable {
	unsigned char rt_type;          /* RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_UNREACHABLE, ... */
	unsigned int rt_flags;          /* RTCF_LOCAL, RTCF_BROADCAST, ... */
	struct net_device *dev;         /* output device (lo for local) */
	__be32 rt_gw4;                  /* next hop, 0 = on link */
	__be32 rt_src;                  /* preferred source */
	unsigned int rt_pmtu;           /* 0 = the device MTU */
	int rt_iif;
};

/* RTN_* type of addr as seen from dev's table (NULL dev: any), as inet_addr_type_dev_table. */
unsigned int inet_addr_type_dev_table(struct net *net, const struct net_device *dev, __be32 addr);
unsigned int inet_addr_type(struct net *net, __be32 addr);

#endif
