/* netstack/devinet.c - IPv4 addresses on devices (net/ipv4/devinet.c).
 *
 * inetdev_init (a device's in_device, its sysctls copied from conf/default), inet_insert_ifa
 * (primary and secondary addresses in the kernel's order, EEXIST/EINVAL as rtnetlink answers)
 * followed by fib_add_ifaddr's routes, source address selection (inet_select_addr) and the
 * address lookups routing uses.  EMU: no address lifetimes, no promote_secondaries on delete
 * (addresses are only added), no netlink notifications; lookups walk the device lists instead
 * of the inet_addr_lst hash.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

struct in_device *inetdev_init(struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct in_device *in_dev = calloc(1, sizeof(*in_dev));

	if (!in_dev)
		return NULL;
	in_dev->dev = dev;
	INIT_LIST_HEAD(&in_dev->ifa_list);
	/* memcpy(&in_dev->cnf, dev_net(dev)->ipv4.devconf_dflt, sizeof(in_dev->cnf)) */
	in_dev->cnf = *net->ipv4.devconf_dflt;
	in_dev->cnf.state = 0;
	return in_dev;
}

struct in_ifaddr *inet_ifa_byprefix(struct in_device *in_dev, __be32 prefix, __be32 mask)
{
	struct in_ifaddr *ifa;

	in_dev_for_each_ifa(ifa, in_dev) {
		if (ifa->ifa_mask == mask && inet_ifa_match(prefix, ifa))
			return ifa;
	}
	return NULL;
}

bool inet_addr_onlink(struct in_device *in_dev, __be32 a, __be32 b)
{
	struct in_ifaddr *ifa;

	in_dev_for_each_ifa(ifa, in_dev) {
		if (inet_ifa_match(a, ifa)) {
			if (!b || inet_ifa_match(b, ifa))
				return true;
		}
	}
	return false;
}

struct in_ifaddr *inet_lookup_ifaddr_rcu(struct net *net, __be32 addr)
{
	struct net_device *dev;

	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		struct in_ifaddr *ifa;

		if (!dev->ip_ptr)
			continue;
		in_dev_for_each_ifa(ifa, dev->ip_ptr)
			if (ifa->ifa_local == addr)
				return ifa;
	}
	return NULL;
}

/* The device that has addr: an address, or else a local route for it (__ip_dev_find). */
struct net_device *__ip_dev_find(struct net *net, __be32 addr, bool devref)
{
	struct in_ifaddr *ifa = inet_lookup_ifaddr_rcu(net, addr);
	struct flowi4 fl4 = { .daddr = addr };
	struct fib_result res;

	(void)devref;
	if (ifa)
		return ifa->ifa_dev->dev;
	/* Fallback to FIB local table so that communication over loopback subnets work. */
	if (!fib_table_lookup(net, RT_TABLE_LOCAL, &fl4, &res, FIB_LOOKUP_NOREF) &&
	    res.type == RTN_LOCAL)
		return FIB_RES_DEV(res);
	return NULL;
}

/* inet_insert_ifa(): primaries in scope order before the secondaries; an address in the subnet
 * of an existing one becomes its secondary. */
static int inet_insert_ifa(struct in_ifaddr *ifa)
{
	struct in_device *in_dev = ifa->ifa_dev;
	struct list_head *last_primary = &in_dev->ifa_list;
	struct in_ifaddr *ifa1;

	ifa->ifa_flags &= ~IFA_F_SECONDARY;
	in_dev_for_each_ifa(ifa1, in_dev) {
		if (!(ifa1->ifa_flags & IFA_F_SECONDARY) && ifa->ifa_scope <= ifa1->ifa_scope)
			last_primary = &ifa1->list;
		if (ifa1->ifa_mask == ifa->ifa_mask && inet_ifa_match(ifa1->ifa_address, ifa)) {
			if (ifa1->ifa_local == ifa->ifa_local)
				return -EEXIST;
			if (ifa1->ifa_scope != ifa->ifa_scope)
				return -EINVAL;
			ifa->ifa_flags |= IFA_F_SECONDARY;
		}
	}
	if (ifa->ifa_flags & IFA_F_SECONDARY)
		list_add_tail(&ifa->list, &in_dev->ifa_list);
	else
		list_add(&ifa->list, last_primary);
	/* inetaddr_chain NETDEV_UP -> fib_inetaddr_event -> fib_add_ifaddr */
	fib_add_ifaddr(ifa);
	rt_cache_flush(dev_net(in_dev->dev));
	return 0;
}

int nfemu_inet_addr_add(struct net_device *dev, __be32 local, unsigned int prefixlen,
			__be32 broadcast, int scope, u32 metric)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	struct in_ifaddr *ifa;
	int err;

	if (!in_dev)
		return -ENODEV;
	if (prefixlen > 32)
		return -EINVAL;
	if (!local)
		return 0;       /* inet_insert_ifa ignores an all-zero local address */
	ifa = calloc(1, sizeof(*ifa));
	if (!ifa)
		return -ENOMEM;
	ifa->ifa_dev = in_dev;
	ifa->ifa_local = local;
	ifa->ifa_address = local;
	ifa->ifa_prefixlen = (unsigned char)prefixlen;
	ifa->ifa_mask = inet_make_mask(prefixlen);
	ifa->ifa_broadcast = broadcast;
	ifa->ifa_scope = (unsigned char)scope;
	ifa->ifa_rt_priority = metric;
	snprintf(ifa->ifa_label, sizeof(ifa->ifa_label), "%s", dev->name);
	err = inet_insert_ifa(ifa);
	if (err)
		free(ifa);
	return err;
}

static __be32 in_dev_select_addr(const struct in_device *in_dev, int scope)
{
	const struct in_ifaddr *ifa;

	in_dev_for_each_ifa(ifa, in_dev) {
		if (ifa->ifa_flags & IFA_F_SECONDARY)
			continue;
		if (ifa->ifa_scope != RT_SCOPE_LINK && ifa->ifa_scope <= scope)
			return ifa->ifa_local;
	}
	return 0;
}

/* inet_select_addr(): the primary address of dev in dst's subnet with scope <= scope, else
 * its first such primary, else the first usable primary of any device (lo first). */
__be32 inet_select_addr(const struct net_device *dev, __be32 dst, int scope)
{
	unsigned char localnet_scope = RT_SCOPE_HOST;
	struct net *net = dev_net(dev);
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	struct net_device *d;
	__be32 addr = 0;

	in_dev = __in_dev_get_rcu(dev);
	if (in_dev) {
		if (IN_DEV_ROUTE_LOCALNET(in_dev))
			localnet_scope = RT_SCOPE_LINK;
		in_dev_for_each_ifa(ifa, in_dev) {
			unsigned char s = ifa->ifa_scope < localnet_scope ? ifa->ifa_scope : localnet_scope;

			if (ifa->ifa_flags & IFA_F_SECONDARY)
				continue;
			if (s > scope)
				continue;
			if (!dst || inet_ifa_match(dst, ifa)) {
				addr = ifa->ifa_local;
				break;
			}
			if (!addr)
				addr = ifa->ifa_local;
		}
		if (addr)
			return addr;
	}
	/* Not loopback addresses on loopback should be preferred in this case.  It is important
	 * that lo is the first interface in dev_base list. */
	list_for_each_entry(d, &net->ipv4.dev_base_head, dev_list) {
		if (!d->ip_ptr)
			continue;
		addr = in_dev_select_addr(d->ip_ptr, scope);
		if (addr)
			return addr;
	}
	return 0;
}
