/* emu/ingress.c - EMU: which way a captured frame went, and where a received one entered.
 * No kernel counterpart: on Linux the NIC that received a frame is known; a capture says it
 * only in part (a pcapng interface, SLL's packet type and SLL2's index, the MACs of an
 * Ethernet frame), so replay reads the frame before it falls back to the route back to the
 * source.  Order and reasons: docs/replay.md, "Where a packet enters".
 */
#include <string.h>
#include <linux/if_packet.h>
#include "emu/ingress.h"
#include "kernel/net.h"
#include "netstack/inet.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"

struct net_device *nfemu_dev_by_mac(struct net *net, const unsigned char *addr)
{
	struct net_device *dev;

	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		if (dev->addr_len != ETH_ALEN || (dev->flags & IFF_LOOPBACK) ||
		    dev->rtnl_kind == NFEMU_DEV_VLAN)
			continue;
		if (!memcmp(dev->dev_addr, addr, ETH_ALEN))
			return dev;
	}
	return NULL;
}

enum nfemu_frame_dir nfemu_frame_direction(struct net *net, const struct nfemu_capture_pkt *pkt,
					   const struct nfemu_frame *fr)
{
	if (pkt->direction == 1)
		return NFEMU_DIR_IN;
	if (pkt->direction == 2)
		return NFEMU_DIR_OUT;
	if (fr->pkt_type >= 0)          /* SLL, SLL2: the kernel's own word for it */
		return fr->pkt_type == PACKET_OUTGOING ? NFEMU_DIR_OUT : NFEMU_DIR_IN;
	if (fr->has_eth && fr->eth_dst_known)
		return nfemu_dev_by_mac(net, fr->eth + ETH_ALEN) ? NFEMU_DIR_OUT : NFEMU_DIR_IN;
	return NFEMU_DIR_UNKNOWN;
}

static unsigned int learn_slot(const unsigned char *mac)
{
	u32 h = 0;

	for (int i = 0; i < ETH_ALEN; i++)
		h = h * 31 + mac[i];
	return h % NFEMU_INGRESS_LEARN;
}

static void learn(struct nfemu_ingress_learn *l, const unsigned char *mac, struct net_device *dev)
{
	unsigned int s;

	if (mac[0] & 1)                 /* a group address sends nothing */
		return;
	s = learn_slot(mac);
	memcpy(l->slot[s].mac, mac, ETH_ALEN);
	l->slot[s].valid = true;
	l->slot[s].dev = dev;
}

/* The segment of a broadcast's or multicast's sender: the neighbour entry with its MAC (the
 * topology's `ip neigh` lines), the interface an earlier frame from it arrived on, the
 * interface whose connected subnet holds its source address.  NULL: none says. */
static struct net_device *ingress_segment(struct net *net, struct nfemu_ingress_learn *l,
					  const unsigned char *smac, __be32 saddr, bool have_saddr)
{
	struct net_device *dev;
	struct neighbour *n;
	unsigned int s;

	list_for_each_entry(n, &net->ipv4.neigh_list, list)
		if (n->dev && n->dev->addr_len == ETH_ALEN && !memcmp(n->ha, smac, ETH_ALEN) &&
		    (n->nud_state & NUD_VALID))
			return n->dev;
	s = learn_slot(smac);
	if (l->slot[s].valid && !memcmp(l->slot[s].mac, smac, ETH_ALEN))
		return l->slot[s].dev;
	if (!have_saddr || !saddr)
		return NULL;
	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		struct in_device *in_dev = __in_dev_get_rcu(dev);
		struct in_ifaddr *ifa;

		if (!in_dev || (dev->flags & IFF_LOOPBACK))
			continue;
		in_dev_for_each_ifa(ifa, in_dev)
			if (inet_ifa_match(saddr, ifa))
				return dev;
	}
	return NULL;
}

struct net_device *nfemu_ingress_from_frame(struct net *net, struct nfemu_ingress_learn *l,
					    const struct nfemu_frame *fr, __be32 saddr,
					    bool have_saddr, enum nfemu_ingress_by *by)
{
	const unsigned char *smac = fr->eth + ETH_ALEN;
	struct net_device *dev = NULL;

	if (fr->sll_ifindex > 0) {
		dev = __dev_get_by_index(net, fr->sll_ifindex);
		if (dev && !(dev->flags & IFF_LOOPBACK)) {
			*by = NFEMU_INGRESS_IFINDEX;
			goto found;
		}
		dev = NULL;
	}
	if (!fr->has_eth)
		return NULL;
	if (fr->eth_dst_known && !(fr->eth[0] & 1)) {
		/* unicast: the interface it was sent to (another host's: the route decides) */
		dev = nfemu_dev_by_mac(net, fr->eth);
		*by = NFEMU_INGRESS_MAC;
	} else if ((fr->eth_dst_known && (fr->eth[0] & 1)) ||
		   fr->pkt_type == PACKET_BROADCAST || fr->pkt_type == PACKET_MULTICAST) {
		dev = ingress_segment(net, l, smac, saddr, have_saddr);
		*by = NFEMU_INGRESS_SEGMENT;
	}
	if (!dev)
		return NULL;
found:
	learn(l, smac, dev);
	return dev;
}
