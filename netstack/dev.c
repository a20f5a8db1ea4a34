/* netstack/dev.c - network devices: register, find, up/down, MAC and MTU, receive and
 * transmit (net/core/dev.c, drivers/net/loopback.c, drivers/net/dummy.c, net/ethernet/eth.c
 * ether_setup).
 *
 * A device is an Ethernet device (what `ip link add NAME type veth` makes on the router's side,
 * a dummy, a VLAN device (vlan.c) or a bridge (bridge.c)) or the loopback device, created
 * first with ifindex 1.  Bringing a device up or down runs what the NETDEV_UP/NETDEV_DOWN
 * notifiers do for IPv4: the loopback address on lo, the routes the addresses imply
 * (fib_add_ifaddr), and on down the flush of its routes and neighbours; and the VLAN
 * notifier's: VLAN devices follow their real device.  __netif_receive_skb_core takes an
 * 802.1Q tag to the VLAN device and a bridge port's frame to its bridge (another round each).
 * EMU: no queues, no qdiscs, no carrier: an up device's link is up.  lo starts up with
 * 127.0.0.1/8 as on a booted host (a fresh netns has lo down: `ip link set lo down`).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include "kernel/net.h"
#include "kernel/random.h"
#include "netstack/netdevice.h"
#include "netstack/neighbour.h"
#include "netstack/route.h"
#include "netstack/ip.h"
#include "netstack/inet.h"
#include "netstack/sock.h"

struct net_device *dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev;

	if (!net->ipv4.ready)
		return NULL;
	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list)
		if (!strncmp(dev->name, name, IFNAMSIZ))
			return dev;
	return NULL;
}

struct net_device *__dev_get_by_index(struct net *net, int ifindex)
{
	struct net_device *dev;

	if (!net->ipv4.ready)
		return NULL;
	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list)
		if (dev->ifindex == ifindex)
			return dev;
	return NULL;
}

/* dev_valid_name(): what the kernel accepts as an interface name. */
static bool dev_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || *name == ' ' || *name == '\t' || *name == '\n')
			return false;
	return true;
}

static struct net_device *alloc_netdev(struct net *net, const char *name)
{
	struct net_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->nd_net = net;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	return dev;
}

/* ether_setup() */
static void ether_setup(struct net_device *dev)
{
	dev->type = ARPHRD_ETHER;
	dev->hard_header_len = ETH_HLEN;
	dev->mtu = ETH_DATA_LEN;
	dev->addr_len = ETH_ALEN;
	dev->flags = IFF_BROADCAST | IFF_MULTICAST;
	memset(dev->broadcast, 0xff, ETH_ALEN);
	/* veth_setup()/dummy_setup(): VETH_FEATURES / DUMMY_FEATURES include NETIF_F_HW_CSUM */
	dev->features = NETIF_F_HW_CSUM;
}

/* loopback_setup() */
static void loopback_setup(struct net_device *dev)
{
	dev->type = ARPHRD_LOOPBACK;
	dev->hard_header_len = ETH_HLEN;
	dev->mtu = 64 * 1024;
	dev->addr_len = ETH_ALEN;
	dev->flags = IFF_LOOPBACK;
	dev->features = NETIF_F_HW_CSUM;        /* LOOPBACK_FEATURES */
}

/* register_netdevice(): an ifindex, an in_device with the net's default sysctls. */
static int register_netdevice(struct net_device *dev)
{
	struct net *net = dev_net(dev);

	if (dev_get_by_name(net, dev->name))
		return -EEXIST;
	dev->ip_ptr = inetdev_init(dev);
	if (!dev->ip_ptr)
		return -ENOMEM;
	dev->ifindex = ++net->ipv4.dev_index_head;
	list_add_tail(&dev->dev_list, &net->ipv4.dev_base_head);
	fib_rules_attach(dev);          /* NETDEV_REGISTER */
	return 0;
}

/* eth_hw_addr_random(): a random unicast, locally administered MAC. */
static void eth_random_addr(struct net *net, u8 *addr)
{
	u64 r = get_random_u64(net);

	for (int i = 0; i < ETH_ALEN; i++)
		addr[i] = (u8)(r >> (8 * i));
	addr[0] &= 0xfe;        /* clear multicast bit */
	addr[0] |= 0x02;        /* set local assignment bit (IEEE802) */
}

int nfemu_dev_add(struct net *net, const char *name, enum nfemu_dev_kind kind, const u8 *mac,
		  unsigned int mtu, struct net_device **devp)
{
	struct net_device *dev;
	int err;

	if (!dev_valid_name(name))
		return -EINVAL;
	if (dev_get_by_name(net, name))
		return -EEXIST;
	if (mac && (mac[0] & 1))
		return -EADDRNOTAVAIL;
	dev = alloc_netdev(net, name);
	if (!dev)
		return -ENOMEM;
	ether_setup(dev);
	dev->rtnl_kind = (u8)kind;
	if (kind == NFEMU_DEV_DUMMY) {
		/* dummy_setup() */
		dev->flags |= IFF_NOARP;
		dev->flags &= ~IFF_MULTICAST;
	}
	if (mac) {
		memcpy(dev->dev_addr, mac, ETH_ALEN);
		dev->addr_assign_type = NET_ADDR_SET;
	} else {
		eth_random_addr(net, dev->dev_addr);
		dev->addr_assign_type = NET_ADDR_RANDOM;
	}
	if (mtu) {
		/* veth: ETH_MIN_MTU .. ETH_MAX_MTU */
		if (mtu < ETH_MIN_MTU || mtu > 0xffff) {
			free(dev);
			return -EINVAL;
		}
		dev->mtu = mtu;
		if (kind == NFEMU_DEV_BRIDGE)
			dev->br_mtu_set_by_user = true;
	}
	err = register_netdevice(dev);
	if (err) {
		free(dev);
		return err;
	}
	if (kind == NFEMU_DEV_BRIDGE)
		br_recalculate(dev);    /* the bridge's own address in its fdb */
	if (devp)
		*devp = dev;
	return 0;
}

int nfemu_dev_add_ether(struct net *net, const char *name, const u8 *mac, unsigned int mtu,
			struct net_device **devp)
{
	return nfemu_dev_add(net, name, NFEMU_DEV_VETH, mac, mtu, devp);
}

/* inetdev_event(NETDEV_UP) for lo: the loopback address. */
static void inetdev_loopback_up(struct net_device *dev)
{
	int err = nfemu_inet_addr_add(dev, htonl(INADDR_LOOPBACK), 8, 0, RT_SCOPE_HOST, 0);

	if (!err)       /* ipv4_devconf_setall(): conf/default no longer reaches lo */
		dev->ip_ptr->cnf.state = (1ULL << IPV4_DEVCONF_MAX) - 1;
	/* -EEXIST on the second up: the address stayed */
}

/* dev_open/dev_close through dev_change_flags, with the IPv4 notifier work. */
int register_netdevice_notifier(struct net *net, struct notifier_block *nb)
{
	nb->next = net->netdev_chain;
	net->netdev_chain = nb;
	return 0;
}

void unregister_netdevice_notifier(struct net *net, struct notifier_block *nb)
{
	for (struct notifier_block **p = &net->netdev_chain; *p; p = &(*p)->next)
		if (*p == nb) {
			*p = nb->next;
			nb->next = NULL;
			return;
		}
}

static void call_netdevice_notifiers(unsigned long val, struct net_device *dev)
{
	for (struct notifier_block *nb = dev_net(dev)->netdev_chain; nb; nb = nb->next)
		nb->notifier_call(nb, val, dev);
}

int dev_change_flags(struct net_device *dev, unsigned int flags)
{
	bool was_up = dev->flags & IFF_UP;
	bool up = flags & IFF_UP;

	if (was_up == up)
		return 0;
	if (up) {
		/* vlan_dev_open(): not without the real device */
		if (dev->rtnl_kind == NFEMU_DEV_VLAN) {
			if (!(dev->vlan_real_dev->flags & IFF_UP))
				return -ENETDOWN;
			if (dev->addr_assign_type == NET_ADDR_STOLEN)   /* vlan_dev_inherit_address */
				memcpy(dev->dev_addr, dev->vlan_real_dev->dev_addr, ETH_ALEN);
		}
		dev->flags |= IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
		if (dev->flags & IFF_LOOPBACK)
			inetdev_loopback_up(dev);
		fib_netdev_up(dev);
		vlan_device_event(dev, NETDEV_UP);
	} else {
		dev->flags &= ~(IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
		fib_netdev_down(dev);
		call_netdevice_notifiers(NETDEV_DOWN, dev);
		vlan_device_event(dev, NETDEV_DOWN);
	}
	rt_cache_flush(dev_net(dev));
	return 0;
}

int dev_set_mtu(struct net_device *dev, unsigned int mtu)
{
	unsigned int min = dev->type == ARPHRD_LOOPBACK ? 0 : ETH_MIN_MTU;

	if (mtu < min || mtu > 0xffff)
		return -EINVAL;
	/* vlan_dev_change_mtu(): no more than the real device's */
	if (dev->rtnl_kind == NFEMU_DEV_VLAN && mtu > dev->vlan_real_dev->mtu)
		return -ERANGE;
	dev->mtu = mtu;
	if (dev->rtnl_kind == NFEMU_DEV_BRIDGE)
		dev->br_mtu_set_by_user = true;         /* br_change_mtu() */
	vlan_device_event(dev, NETDEV_CHANGEMTU);
	if (dev->master)
		br_recalculate(dev->master);            /* br_device_event(NETDEV_CHANGEMTU) */
	rt_cache_flush(dev_net(dev));
	return 0;
}

int dev_set_mac_address(struct net_device *dev, const u8 *mac)
{
	if (dev->type != ARPHRD_ETHER)
		return -EOPNOTSUPP;
	if (mac[0] & 1)
		return -EADDRNOTAVAIL;
	memcpy(dev->dev_addr, mac, ETH_ALEN);
	dev->addr_assign_type = NET_ADDR_SET;
	vlan_device_event(dev, NETDEV_CHANGEADDR);
	if (dev->master)
		br_recalculate(dev->master);            /* br_device_event(NETDEV_CHANGEADDR) */
	if (dev->rtnl_kind == NFEMU_DEV_BRIDGE)
		br_recalculate(dev);
	return 0;
}

/* The loopback device of a new net (loopback_net_init), up with 127.0.0.1/8. */
int nfemu_loopback_init(struct net *net)
{
	struct net_device *dev = alloc_netdev(net, "lo");
	int err;

	if (!dev)
		return -ENOMEM;
	loopback_setup(dev);
	dev->rtnl_kind = NFEMU_DEV_LOOPBACK;
	err = register_netdevice(dev);
	if (err) {
		free(dev);
		return err;
	}
	net->ipv4.loopback_dev = dev;
	/* lo's in_device does not use policy or xfrm (devinet.c: disable_policy/disable_xfrm = 1). */
	IN_DEV_CONF_GET(dev->ip_ptr, NOPOLICY) = 1;
	IN_DEV_CONF_GET(dev->ip_ptr, NOXFRM) = 1;
	return dev_change_flags(dev, dev->flags | IFF_UP);
}

void nfemu_devices_free(struct net *net)
{
	struct net_device *dev, *n;

	list_for_each_entry_safe(dev, n, &net->ipv4.dev_base_head, dev_list) {
		struct in_device *in_dev = dev->ip_ptr;

		if (in_dev) {
			struct in_ifaddr *ifa, *ifn;

			list_for_each_entry_safe(ifa, ifn, &in_dev->ifa_list, list)
				free(ifa);
			free(in_dev);
		}
		br_dev_free(dev);
		list_del(&dev->dev_list);
		free(dev);
	}
	net->ipv4.loopback_dev = NULL;
}

/* ------------------------------------------------------------------------------------------
 * Receive and transmit (net/core/dev.c)
 */

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
int skb_vlan_untag(struct sk_buff *skb, u16 *vlan_tci);

/*
 * __netif_receive_skb_core(): an 802.1Q/802.1ad tag is taken off (skb_vlan_untag) and the
 * frame goes to the VLAN device for it (vlan_do_receive), a bridge port's frame to the bridge
 * (its rx_handler, br_handle_frame), each time another round as received by that device;
 * then protocol dispatch: IPv4 to ip_rcv, the rest counted and noted.
 */
static int __netif_receive_skb_one(struct sk_buff *skb)
{
	struct net_device *dev;
	struct net *net;
	u16 proto;

another_round:
	dev = skb->dev;
	net = dev_net(dev);
	skb->skb_iif = dev->ifindex;
	skb_reset_network_header(skb);
	proto = ntohs(skb->protocol);
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		__be16 vlan_proto = skb->protocol;
		bool dropped;
		u16 tci;

		if (skb_vlan_untag(skb, &tci)) {
			nfemu_kfree_skb_at(skb, SKB_DROP_REASON_PKT_TOO_SMALL, "skb_vlan_untag");
			return NET_RX_DROP;
		}
		skb_reset_network_header(skb);
		if (vlan_do_receive(skb, vlan_proto, tci, &dropped)) {
			if (dropped)
				return NET_RX_DROP;
			goto another_round;
		}
		/* check_vlan_id: no VLAN device for the tag: a frame for a VLAN id other than 0
		 * is for another host; priority tags (id 0) go on. */
		if (tci & 0x0fff)
			skb->pkt_type = PACKET_OTHERHOST;
		proto = ntohs(skb->protocol);
		/* an 802.1p (id 0) outer tag over an 802.1Q/802.1ad one: the inner one counts */
		if (!(tci & 0x0fff) && (proto == ETH_P_8021Q || proto == ETH_P_8021AD))
			goto another_round;
	}
	if (dev->master) {
		/* rx_handler: br_handle_frame */
		if (!br_handle_frame(skb))
			return NET_RX_SUCCESS;
		goto another_round;
	}
	if (proto == ETH_P_IP)
		return ip_rcv(skb, dev);

	net->ipv4.mib.rx_non_ip++;
	nfemu_note(net, skb, dev, "%s frame (ethertype 0x%04x) on %s: not IPv4, skipped",
		   proto == ETH_P_ARP ? "ARP" : proto == ETH_P_IPV6 ? "IPv6" : "non-IP", proto,
		   dev->name);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

/* process_backlog(): the frames netif_rx() queued while the outermost packet was processed. */
void nfemu_process_backlog(struct net *net)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	struct sk_buff *skb;

	while ((skb = ipv4->backlog_head)) {
		ipv4->backlog_head = skb->next;
		if (!ipv4->backlog_head)
			ipv4->backlog_tail = NULL;
		skb->next = NULL;
		ipv4->rx_depth++;
		__netif_receive_skb_one(skb);
		ipv4->rx_depth--;
	}
}

/* netif_rx(): queue for process_backlog (loopback_xmit, dev_loopback_xmit). */
int netif_rx(struct sk_buff *skb)
{
	struct netns_ipv4 *ipv4 = &dev_net(skb->dev)->ipv4;

	skb->next = NULL;
	if (ipv4->backlog_tail)
		ipv4->backlog_tail->next = skb;
	else
		ipv4->backlog_head = skb;
	ipv4->backlog_tail = skb;
	skb->dev->emu_rx_packets++;
	return NET_RX_SUCCESS;
}

/* EMU: make the network header (l3off bytes into the data) 4-byte aligned, as a driver's
 * skb_reserve(NET_IP_ALIGN) does, when the caller did not: the headers are read as structs. */
void nfemu_skb_align_l3(struct sk_buff *skb, unsigned int l3off)
{
	unsigned int mis = (unsigned int)((uintptr_t)(skb->data + l3off) & 3);

	if (!mis || (unsigned int)(skb->data - skb->head) < mis)
		return;
	memmove(skb->data - mis, skb->data, skb->len);
	skb->data -= mis;
}

static void nfemu_rx_prepare(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!dev_net(dev)->ipv4.rx_depth)
		inet_sockets_reap(dev_net(dev));        /* closed sockets no packet points at */
	skb->emu_net = dev_net(dev);
	skb->skb_iif = dev->ifindex;
	skb->rt = NULL;
	skb->sk = NULL;
	dev->emu_rx_packets++;
}

int netif_receive_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct net *net = dev_net(dev);
	int ret;

	nfemu_netstack_run_timers(net);
	nfemu_rx_prepare(skb);
	if (!(dev->flags & IFF_UP)) {
		nfemu_note(net, skb, dev, "frame on %s, which is down", dev->name);
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "netif_receive_skb");
		return NET_RX_DROP;
	}
	if (skb->len < ETH_HLEN) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_PKT_TOO_SMALL, "eth_type_trans");
		return NET_RX_DROP;
	}
	nfemu_skb_align_l3(skb, ETH_HLEN);
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	net->ipv4.rx_depth++;
	ret = __netif_receive_skb_one(skb);
	net->ipv4.rx_depth--;
	if (!net->ipv4.rx_depth)
		nfemu_process_backlog(net);
	return ret;
}

int nfemu_rx_l3(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct net *net = dev_net(dev);
	int ret;

	nfemu_netstack_run_timers(net);
	nfemu_rx_prepare(skb);
	if (!(dev->flags & IFF_UP)) {
		nfemu_note(net, skb, dev, "packet on %s, which is down", dev->name);
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "netif_receive_skb");
		return NET_RX_DROP;
	}
	if (!skb->protocol)
		skb->protocol = htons(ETH_P_IP);
	if (!skb_mac_header_was_set(skb))
		nfemu_skb_align_l3(skb, 0);
	net->ipv4.rx_depth++;
	ret = __netif_receive_skb_one(skb);
	net->ipv4.rx_depth--;
	if (!net->ipv4.rx_depth)
		nfemu_process_backlog(net);
	return ret;
}

/* loopback_xmit(): the frame comes back in on lo. */
static int loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb->sk = NULL;                 /* skb_orphan */
	skb->tstamp = 0;
	nfemu_skb_align_l3(skb, ETH_HLEN);
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	return netif_rx(skb);
}

/*
 * dev_queue_xmit(): the frame (skb->data at the link-layer header) leaves by skb->dev.  The
 * observer gets NFEMU_EV_XMIT with the bytes; lo loops it back into the receive path.
 */
void netdev_set_features(struct net_device *dev, u64 features)
{
	dev->features = features;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct net *net = dev_net(dev);
	struct nfemu_event ev = {
		.type = NFEMU_EV_XMIT,
		.skb = skb,
		.dev = dev,
		.frame = skb->data,
		.frame_len = skb->len,
	};

	if (!(dev->flags & IFF_UP)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "__dev_queue_xmit");
		return -ENETDOWN;
	}
	/* ndo_start_xmit of the virtual devices: the frame goes on by another device */
	if (dev->rtnl_kind == NFEMU_DEV_VLAN)
		return vlan_dev_hard_start_xmit(skb);
	if (dev->rtnl_kind == NFEMU_DEV_BRIDGE)
		return br_dev_xmit(skb);
	/* validate_xmit_skb(): a device that does not finish checksums gets them finished */
	if (skb->ip_summed == CHECKSUM_PARTIAL && !(dev->features & NETIF_F_HW_CSUM))
		skb_checksum_help(skb);
	dev->emu_tx_packets++;
	nfemu_observe(net, &ev);
	if (dev->flags & IFF_LOOPBACK)
		return loopback_xmit(skb, dev);
	consume_skb(skb);
	return 0;
}
