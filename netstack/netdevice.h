/* netstack/netdevice.h - network devices and their IPv4 configuration.
 *
 * Mirrors struct net_device (include/linux/netdevice.h) and struct in_device / in_ifaddr
 * (include/linux/inetdevice.h) in what routing, the LOG/TRACE lines and the matches read:
 * name, ifindex, type, MAC, MTU, flags, addresses, and the per-device IPv4 sysctls.
 * EMU: devices come from the topology file (`ip link add ...`); `lo` always exists.
 */
#ifndef NFEMU_NETSTACK_NETDEVICE_H
#define NFEMU_NETSTACK_NETDEVICE_H

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include "emu/kernel.h"
#include "emu/list.h"

struct net;

/* One IPv4 address on a device (`ip addr add A/N dev D [broadcast B]`). */
struct in_ifaddr {
	struct list_head list;
	__be32 ifa_local;
	__be32 ifa_address;
	__be32 ifa_mask;
	__be32 ifa_broadcast;
	unsigned char ifa_prefixlen;
	unsigned char ifa_scope;        /* RT_SCOPE_UNIVERSE, RT_SCOPE_HOST for 127/8 */
	char ifa_label[IFNAMSIZ];
};

/* net.ipv4.conf.<dev>.* (IPV4_DEVCONF_*); "all" and "default" live in struct net. */
struct ipv4_devconf {
	int forwarding;
	int rp_filter;
	int accept_local;
	int log_martians;
	int send_redirects;
	int accept_redirects;
	int route_localnet;
};

struct in_device {
	struct list_head ifa_list;      /* struct in_ifaddr, primary first */
	struct ipv4_devconf cnf;
};

struct net_device {
	struct list_head dev_list;      /* net->dev_base_head, in creation order */
	char name[IFNAMSIZ];
	int ifindex;
	unsigned short type;            /* ARPHRD_ETHER, ARPHRD_LOOPBACK */
	unsigned int flags;             /* IFF_UP, IFF_LOOPBACK, IFF_BROADCAST, ... */
	unsigned int mtu;
	unsigned char addr_len;
	unsigned char dev_addr[MAX_ADDR_LEN];
	unsigned char broadcast[MAX_ADDR_LEN];
	unsigned short hard_header_len;
	u32 group;                      /* devgroup match */
	struct in_device *ip_ptr;
	/* EMU: where frames that leave by this device are written (replay --egress). */
	void *emu_egress;
};

static inline struct in_device *__in_dev_get_rcu(const struct net_device *dev)
{
	return dev ? dev->ip_ptr : NULL;
}

#endif
