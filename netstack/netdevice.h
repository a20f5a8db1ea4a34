/* netstack/netdevice.h - network devices and their IPv4 configuration.
 *
 * Mirrors struct net_device (include/linux/netdevice.h) and struct in_device / in_ifaddr
 * (include/linux/inetdevice.h) in what routing, the LOG/TRACE lines and the matches read:
 * name, ifindex, type, MAC, MTU, flags, addresses, and the per-device IPv4 sysctls (kept as
 * the kernel keeps them: an array indexed by IPV4_DEVCONF_*, plus a bitmap of the ones set
 * explicitly), the link kind (veth, dummy, vlan, bridge) with what a VLAN device (struct
 * vlan_dev_priv) and a bridge (struct net_bridge: its forwarding database) keep, and the
 * master a bridge port belongs to.
 * EMU: devices come from the topology file (`ip link add ...`); `lo` always exists; no
 * queues, no drivers, no carrier (an up device has its link up).
 */
#ifndef NFEMU_NETSTACK_NETDEVICE_H
#define NFEMU_NETSTACK_NETDEVICE_H

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include "kernel/kernel.h"
#include "kernel/list.h"

struct net;

#define LOOPBACK_IFINDEX 1

/* ifa_flags (include/uapi/linux/if_addr.h) */
#ifndef IFA_F_SECONDARY
#define IFA_F_SECONDARY 0x01
#define IFA_F_NOPREFIXROUTE 0x200
#endif

struct in_device;

/* dev->features (include/linux/netdev_features.h): the one offload nfemu acts on.  A device
 * with NETIF_F_HW_CSUM finishes CHECKSUM_PARTIAL checksums itself, so on a veth such frames
 * leave with only the pseudo-header sum in the field (what a capture on its peer shows);
 * `ethtool -K DEV tx off` clears it and the stack finishes them (skb_checksum_help). */
#define NETIF_F_HW_CSUM (1ULL << 3)

/* One IPv4 address on a device (`ip addr add A/N dev D [broadcast B]`). */
struct in_ifaddr {
	struct list_head list;          /* in_dev->ifa_list: primaries first, then secondaries */
	struct in_device *ifa_dev;
	__be32 ifa_local;
	__be32 ifa_address;
	__be32 ifa_mask;
	__be32 ifa_broadcast;           /* 0 unless given (`broadcast B` or `brd +`) */
	unsigned char ifa_prefixlen;
	unsigned char ifa_scope;        /* RT_SCOPE_UNIVERSE, RT_SCOPE_HOST for 127/8 */
	u32 ifa_flags;                  /* IFA_F_SECONDARY */
	u32 ifa_rt_priority;            /* `metric N` on the address: the prefix route's metric */
	char ifa_label[IFNAMSIZ];
};

/* net.ipv4.conf.<dev>.* (include/linux/inetdevice.h struct ipv4_devconf). */
struct ipv4_devconf {
	int data[IPV4_DEVCONF_MAX];     /* data[IPV4_DEVCONF_X - 1] */
	u64 state;                      /* bit i-1: data[i-1] was written for this device */
};

/* rtnl_link_ops->kind of the devices nfemu makes. */
enum nfemu_dev_kind {
	NFEMU_DEV_LOOPBACK,
	NFEMU_DEV_VETH,                 /* also what nfemu_dev_add_ether makes */
	NFEMU_DEV_DUMMY,
	NFEMU_DEV_VLAN,
	NFEMU_DEV_BRIDGE,
};

/* dev->addr_assign_type (include/uapi/linux/netdevice.h) */
#ifndef NET_ADDR_PERM
#define NET_ADDR_PERM 0
#define NET_ADDR_RANDOM 1
#define NET_ADDR_STOLEN 2
#define NET_ADDR_SET 3
#endif

/* One entry of a bridge's forwarding database (struct net_bridge_fdb_entry). */
struct net_bridge_fdb_entry {
	u8 addr[ETH_ALEN];
	struct net_device *dst;         /* the port it was learned on; NULL: the bridge's own */
	bool is_local;                  /* BR_FDB_LOCAL: a port's or the bridge's own address */
	u64 updated_ns;
};

struct in_device {
	struct net_device *dev;
	struct list_head ifa_list;      /* struct in_ifaddr, primary first */
	struct ipv4_devconf cnf;
};

struct net_device {
	struct list_head dev_list;      /* net->ipv4.dev_base_head, in creation order (lo first) */
	struct net *nd_net;
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
	u64 features;                   /* NETIF_F_* */
	struct in_device *ip_ptr;
	u8 rtnl_kind;                   /* enum nfemu_dev_kind */
	u8 addr_assign_type;            /* NET_ADDR_* */
	/* netdev_master_upper_dev_get(): the bridge this device is a port of, or NULL */
	struct net_device *master;
	/* struct vlan_dev_priv (a VLAN device): the device under it, its id and protocol */
	struct net_device *vlan_real_dev;
	u16 vlan_id;
	__be16 vlan_proto;
	/* struct net_bridge (a bridge): the forwarding database, BROPT_MTU_SET_BY_USER */
	struct net_bridge_fdb_entry *br_fdb;
	unsigned int br_nfdb, br_fdb_cap;
	bool br_mtu_set_by_user;
	/* EMU: the other end of a veth (`peer name P`): a device outside the emulated host that
	 * the differential harness puts in its own namespace.  Empty when not given. */
	char emu_peer[IFNAMSIZ];
	/* EMU: where frames that leave by this device are written (replay --egress). */
	void *emu_egress;
	/* EMU: per-device counters (ip -s link): frames in, frames out. */
	u64 emu_rx_packets, emu_tx_packets;
};

static inline struct in_device *__in_dev_get_rcu(const struct net_device *dev)
{
	return dev ? dev->ip_ptr : NULL;
}

static inline struct net *dev_net(const struct net_device *dev)
{
	return dev->nd_net;
}

/* The IPv4 sysctls of a device (include/linux/inetdevice.h). */
#define IPV4_DEVCONF(cnf, attr) ((cnf).data[IPV4_DEVCONF_##attr - 1])
#define IN_DEV_CONF_GET(in_dev, attr) IPV4_DEVCONF((in_dev)->cnf, attr)
/* net.ipv4.conf.all.X and net.ipv4.conf.default.X */
#define IPV4_DEVCONF_ALL(net, attr) IPV4_DEVCONF(*(net)->ipv4.devconf_all, attr)
#define IPV4_DEVCONF_DFLT(net, attr) IPV4_DEVCONF(*(net)->ipv4.devconf_dflt, attr)

#define IN_DEV_ANDCONF(in_dev, attr) \
	(IPV4_DEVCONF_ALL(dev_net((in_dev)->dev), attr) && IN_DEV_CONF_GET((in_dev), attr))
#define IN_DEV_NET_ORCONF(in_dev, net, attr) \
	(IPV4_DEVCONF_ALL(net, attr) || IN_DEV_CONF_GET((in_dev), attr))
#define IN_DEV_ORCONF(in_dev, attr) IN_DEV_NET_ORCONF(in_dev, dev_net((in_dev)->dev), attr)
#define IN_DEV_MAXCONF(in_dev, attr) \
	(IPV4_DEVCONF_ALL(dev_net((in_dev)->dev), attr) > IN_DEV_CONF_GET((in_dev), attr) ? \
	 IPV4_DEVCONF_ALL(dev_net((in_dev)->dev), attr) : IN_DEV_CONF_GET((in_dev), attr))

#define IN_DEV_FORWARD(in_dev) IN_DEV_CONF_GET((in_dev), FORWARDING)
#define IN_DEV_MFORWARD(in_dev) IN_DEV_ANDCONF((in_dev), MC_FORWARDING)
#define IN_DEV_BFORWARD(in_dev) IN_DEV_ANDCONF((in_dev), BC_FORWARDING)
#define IN_DEV_RPFILTER(in_dev) IN_DEV_MAXCONF((in_dev), RP_FILTER)
#define IN_DEV_SRC_VMARK(in_dev) IN_DEV_ORCONF((in_dev), SRC_VMARK)
#define IN_DEV_SOURCE_ROUTE(in_dev) IN_DEV_ANDCONF((in_dev), ACCEPT_SOURCE_ROUTE)
#define IN_DEV_ACCEPT_LOCAL(in_dev) IN_DEV_ORCONF((in_dev), ACCEPT_LOCAL)
#define IN_DEV_BOOTP_RELAY(in_dev) IN_DEV_ANDCONF((in_dev), BOOTP_RELAY)
#define IN_DEV_ROUTE_LOCALNET(in_dev) IN_DEV_ORCONF(in_dev, ROUTE_LOCALNET)
#define IN_DEV_NET_ROUTE_LOCALNET(in_dev, net) IN_DEV_NET_ORCONF(in_dev, net, ROUTE_LOCALNET)
#define IN_DEV_LOG_MARTIANS(in_dev) IN_DEV_ORCONF((in_dev), LOG_MARTIANS)
#define IN_DEV_PROXY_ARP(in_dev) IN_DEV_ORCONF((in_dev), PROXY_ARP)
#define IN_DEV_SHARED_MEDIA(in_dev) IN_DEV_ORCONF((in_dev), SHARED_MEDIA)
#define IN_DEV_TX_REDIRECTS(in_dev) IN_DEV_ORCONF((in_dev), SEND_REDIRECTS)
#define IN_DEV_SEC_REDIRECTS(in_dev) IN_DEV_ORCONF((in_dev), SECURE_REDIRECTS)
#define IN_DEV_IGNORE_ROUTES_WITH_LINKDOWN(in_dev) IN_DEV_ORCONF((in_dev), IGNORE_ROUTES_WITH_LINKDOWN)

#define in_dev_for_each_ifa(ifa, in_dev) list_for_each_entry(ifa, &(in_dev)->ifa_list, list)

/* The address's subnet contains addr (inet_ifa_match). */
static inline bool inet_ifa_match(__be32 addr, const struct in_ifaddr *ifa)
{
	return !((addr ^ ifa->ifa_address) & ifa->ifa_mask);
}

/* net/core/dev.c */
struct net_device *dev_get_by_name(struct net *net, const char *name);
struct net_device *__dev_get_by_index(struct net *net, int ifindex);
#define dev_get_by_index_rcu __dev_get_by_index
/* Create a device (`ip link add NAME type veth`): an Ethernet device, down, MTU 1500, a MAC
 * from the net's seeded PRNG unless mac is given.  -EEXIST, -EINVAL (bad name), -ENOMEM. */
int nfemu_dev_add_ether(struct net *net, const char *name, const u8 *mac, unsigned int mtu,
			struct net_device **devp);
/* `ip link add NAME type dummy|bridge`: as nfemu_dev_add_ether, with the kind's setup
 * (dummy_setup: NOARP; br_dev_setup: a random MAC until a port or `address` gives one). */
int nfemu_dev_add(struct net *net, const char *name, enum nfemu_dev_kind kind, const u8 *mac,
		  unsigned int mtu, struct net_device **devp);
/* `ip link add link REAL name NAME type vlan id ID [protocol P]` (vlan_newlink): 0 or -errno
 * with *extack set when the kernel has words for it. */
int vlan_newlink(struct net *net, const char *name, struct net_device *real_dev, u16 vlan_id,
		 __be16 proto, const u8 *mac, unsigned int mtu, const char **extack,
		 struct net_device **devp);
/* vlan_find_dev(): real_dev's VLAN device for (proto, id), or NULL. */
struct net_device *vlan_find_dev(struct net_device *real_dev, __be16 proto, u16 vlan_id);
/* `ip link set DEV master BR` (br_add_if) and `nomaster` (br_del_if). */
int br_add_if(struct net_device *br, struct net_device *dev, const char **extack);
int br_del_if(struct net_device *dev);
/* `ip link set dev up|down`: as dev_open/dev_close, with the routes NETDEV_UP/DOWN change. */
int dev_change_flags(struct net_device *dev, unsigned int flags);
int dev_set_mtu(struct net_device *dev, unsigned int mtu);
int dev_set_mac_address(struct net_device *dev, const u8 *mac);
/* The netdevice notifier chain (net->netdev_chain): NETDEV_DOWN when a device goes down. */
#ifndef NETDEV_DOWN
#define NETDEV_UP 0x0001
#define NETDEV_DOWN 0x0002
#define NETDEV_CHANGEMTU 0x0007
#define NETDEV_CHANGEADDR 0x0008
#endif
struct notifier_block;
int register_netdevice_notifier(struct net *net, struct notifier_block *nb);
void unregister_netdevice_notifier(struct net *net, struct notifier_block *nb);
/* `ethtool -K DEV tx on|off`: the checksum offload (NETIF_F_HW_CSUM). */
void netdev_set_features(struct net_device *dev, u64 features);
struct sk_buff;
/* Transmit a frame (skb->data at the link-layer header) by skb->dev; lo loops it back. */
int dev_queue_xmit(struct sk_buff *skb);
/* Queue a received frame for the backlog (processed after the current packet). */
int netif_rx(struct sk_buff *skb);

/* net/ipv4/devinet.c */
__be32 inet_select_addr(const struct net_device *dev, __be32 dst, int scope);
/* The device that holds local address addr (__ip_dev_find), or NULL. */
struct net_device *__ip_dev_find(struct net *net, __be32 addr, bool devref);
/* Any device of the net has addr (inet_lookup_ifaddr_rcu). */
struct in_ifaddr *inet_lookup_ifaddr_rcu(struct net *net, __be32 addr);
/* The primary address of in_dev in prefix/mask (inet_ifa_byprefix). */
struct in_ifaddr *inet_ifa_byprefix(struct in_device *in_dev, __be32 prefix, __be32 mask);
/* addr is on the link of in_dev's subnets, or a == 0... (inet_addr_onlink). */
bool inet_addr_onlink(struct in_device *in_dev, __be32 a, __be32 b);
/* `ip addr add local/prefixlen dev D [broadcast B] [scope S] [metric M]`: inet_insert_ifa and
 * the routes fib_add_ifaddr derives.  -EEXIST (already there), -EINVAL. */
int nfemu_inet_addr_add(struct net_device *dev, __be32 local, unsigned int prefixlen,
			__be32 broadcast, int scope, u32 metric);
/* A new in_device with the net's default sysctls (inetdev_init). */
struct in_device *inetdev_init(struct net_device *dev);

/* The loopback device of a new net, and every device at its end (dev.c) */
int nfemu_loopback_init(struct net *net);
void nfemu_devices_free(struct net *net);
/* 802.1Q devices (vlan.c: net/8021q/vlan_dev.c, vlan_core.c, vlan.c) */
int vlan_dev_hard_start_xmit(struct sk_buff *skb);
bool vlan_do_receive(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci, bool *dropped);
void vlan_device_event(struct net_device *real_dev, unsigned long event);
/* bridges as L3 devices (bridge.c: net/bridge/br_input.c, br_device.c, br_if.c) */
bool br_handle_frame(struct sk_buff *skb);
int br_dev_xmit(struct sk_buff *skb);
void br_recalculate(struct net_device *br);
void br_dev_free(struct net_device *br);

#endif
