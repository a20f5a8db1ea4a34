/* netstack/vlan.c - 802.1Q VLAN devices (net/8021q/vlan.c, vlan_dev.c, vlan_netlink.c,
 * vlan_core.c).
 *
 * `ip link add link eth0 name eth0.10 type vlan id 10` makes a device on top of eth0 with its
 * MAC and MTU; a frame that arrives on eth0 tagged with id 10 is received again by eth0.10
 * (vlan_do_receive: the tag is gone, the header reordered as REORDER_HDR keeps it), and a
 * packet routed out of eth0.10 leaves eth0 tagged (vlan_dev_hard_start_xmit).  The real device
 * going up or down takes its VLAN devices with it, and its MTU caps theirs.
 * EMU: veth and bridge devices offload the tag, dummy and VLAN devices do not (as
 * vlan_hw_offload_capable finds them); no egress/ingress priority maps (PCP 0 out), no
 * GVRP/MVRP, no loose_binding, REORDER_HDR only.
 * Linux 6.18 on the machines nfemu is tested on has no 8021q: this file follows the source.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include "kernel/net.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

#define VLAN_HLEN 4
#define VLAN_VID_MASK 0x0fff

struct net_device *vlan_find_dev(struct net_device *real_dev, __be16 proto, u16 vlan_id)
{
	struct net *net = dev_net(real_dev);
	struct net_device *dev;

	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list)
		if (dev->rtnl_kind == NFEMU_DEV_VLAN && dev->vlan_real_dev == real_dev &&
		    dev->vlan_proto == proto && dev->vlan_id == vlan_id)
			return dev;
	return NULL;
}

/*
 * vlan_newlink() with vlan_check_real_dev() and vlan_dev_init(): an id below 4095, a real
 * device that can carry VLANs (not lo) and has no VLAN device with that id yet; the MAC is
 * the real device's unless given (NET_ADDR_STOLEN), the MTU the real device's and no more.
 */
int vlan_newlink(struct net *net, const char *name, struct net_device *real_dev, u16 vlan_id,
		 __be16 proto, const u8 *mac, unsigned int mtu, const char **extack,
		 struct net_device **devp)
{
	struct net_device *dev;
	int err;

	if (vlan_id >= VLAN_VID_MASK) {
		*extack = "8021q: Invalid VLAN id";
		return -ERANGE;
	}
	if (real_dev->flags & IFF_LOOPBACK) {
		/* NETIF_F_VLAN_CHALLENGED */
		*extack = "8021q: VLANs not supported on device";
		return -EOPNOTSUPP;
	}
	if (vlan_find_dev(real_dev, proto, vlan_id)) {
		*extack = "8021q: VLAN device already exists";
		return -EEXIST;
	}
	if (mtu > real_dev->mtu) {
		*extack = "8021q: Invalid MTU";
		return -EINVAL;
	}
	err = nfemu_dev_add(net, name, NFEMU_DEV_VLAN, mac ? mac : real_dev->dev_addr,
			    mtu ? mtu : real_dev->mtu, &dev);
	if (err)
		return err;
	if (!mac)
		dev->addr_assign_type = NET_ADDR_STOLEN;
	dev->vlan_real_dev = real_dev;
	dev->vlan_id = vlan_id;
	dev->vlan_proto = proto;
	/* vlan_dev_init(): the real device's flags but not its state */
	dev->flags = real_dev->flags & ~(IFF_UP | IFF_RUNNING | IFF_LOWER_UP | IFF_PROMISC |
					 IFF_ALLMULTI | IFF_MASTER | IFF_SLAVE);
	memcpy(dev->broadcast, real_dev->broadcast, ETH_ALEN);
	/* vlan_dev_init(): a real device that puts the tag on itself (veth, a bridge:
	 * NETIF_F_HW_VLAN_*_TX) gets vlan_passthru_header_ops and its header length; another
	 * (a VLAN device under a QinQ inner one, a dummy) the tag's 4 bytes more, which MAC= in
	 * log lines then shows past the untagged header */
	dev->hard_header_len = real_dev->hard_header_len;
	if (real_dev->rtnl_kind == NFEMU_DEV_VLAN || real_dev->rtnl_kind == NFEMU_DEV_DUMMY)
		dev->hard_header_len += VLAN_HLEN;
	dev->features = real_dev->features;
	if (devp)
		*devp = dev;
	return 0;
}

/*
 * vlan_do_receive(): skb (its tag already taken off by skb_vlan_untag, the MAC header
 * reordered) goes to real_dev's VLAN device for the tag, if there is one: true and skb->dev is
 * that device (another round of __netif_receive_skb_core), or true with *dropped set when that
 * device is down.  A frame the real device thought was for another host is ours if it carries
 * the VLAN device's MAC.
 */
bool vlan_do_receive(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci, bool *dropped)
{
	struct net_device *vlan_dev = vlan_find_dev(skb->dev, vlan_proto, vlan_tci & VLAN_VID_MASK);

	*dropped = false;
	if (!vlan_dev)
		return false;
	if (!(vlan_dev->flags & IFF_UP)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "vlan_do_receive");
		*dropped = true;
		return true;
	}
	skb->dev = vlan_dev;
	if (skb->pkt_type == PACKET_OTHERHOST &&
	    !memcmp(skb_mac_header(skb), vlan_dev->dev_addr, ETH_ALEN))
		skb->pkt_type = PACKET_HOST;
	/* VLAN_FLAG_REORDER_HDR: the header stays untagged; vlan_get_ingress_priority: 0 */
	skb->priority = 0;
	vlan_dev->emu_rx_packets++;
	return true;
}

/*
 * vlan_dev_hard_start_xmit(): skb->data at the Ethernet header the VLAN device built; the tag
 * (id, priority 0) goes in after the MAC addresses and the frame leaves by the real device.
 */
int vlan_dev_hard_start_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned char *p;
	__be16 tci = htons(dev->vlan_id);

	if ((unsigned int)(skb->data - skb->head) < VLAN_HLEN &&
	    pskb_expand_head(skb, VLAN_HLEN, 0)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOMEM, "vlan_dev_hard_start_xmit");
		return -ENOMEM;
	}
	p = skb_push(skb, VLAN_HLEN);
	memmove(p, p + VLAN_HLEN, 2 * ETH_ALEN);
	memcpy(p + 2 * ETH_ALEN, &dev->vlan_proto, 2);
	memcpy(p + 2 * ETH_ALEN + 2, &tci, 2);
	dev->emu_tx_packets++;
	skb->dev = dev->vlan_real_dev;
	return dev_queue_xmit(skb);
}

/* vlan_device_event(): what the real device's NETDEV_UP/DOWN/CHANGEMTU/CHANGEADDR do to its
 * VLAN devices. */
void vlan_device_event(struct net_device *real_dev, unsigned long event)
{
	struct net *net = dev_net(real_dev);
	struct net_device *dev;

	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		if (dev->rtnl_kind != NFEMU_DEV_VLAN || dev->vlan_real_dev != real_dev)
			continue;
		switch (event) {
		case NETDEV_UP:
			if (!(dev->flags & IFF_UP))
				dev_change_flags(dev, dev->flags | IFF_UP);
			break;
		case NETDEV_DOWN:
			if (dev->flags & IFF_UP)
				dev_change_flags(dev, dev->flags & ~IFF_UP);
			break;
		case NETDEV_CHANGEMTU:
			if (dev->mtu > real_dev->mtu)
				dev_set_mtu(dev, real_dev->mtu);
			break;
		case NETDEV_CHANGEADDR:
			/* vlan_sync_address(): a device that inherited the address keeps doing so
			 * (vlan_dev_open does the same for one that is down now) */
			if (dev->addr_assign_type == NET_ADDR_STOLEN)
				memcpy(dev->dev_addr, real_dev->dev_addr, ETH_ALEN);
			break;
		}
	}
}
