/* netstack/neighbour.c - the ARP neighbour table and neighbour output (net/core/neighbour.c,
 * net/ipv4/arp.c).
 *
 * Static entries from `ip neigh add`; arp_constructor's rules for addresses that need no ARP
 * (multicast: the mapped 01:00:5e MAC; broadcast and NOARP/loopback devices); neigh_output()
 * builds the Ethernet header from the entry and the device's MAC and transmits.
 * EMU: nfemu does not speak ARP.  A next hop with no entry is unresolved at once: Linux would
 * queue the packet, probe (ucast/mcast_solicit, 1 s apart) and after ~3 s report every queued
 * packet through arp_error_report: ICMP host unreachable to its sender, then NEIGH_FAILED.
 * nfemu does that immediately, with a NOTE "ARP for A on DEV unanswered", and does not keep
 * failed entries (so memory does not grow with the capture).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include "emu/net.h"
#include "netstack/icmp.h"
#include "netstack/ip.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
	       const void *daddr, const void *saddr);

struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, __be32 key)
{
	struct net *net = dev_net(dev);
	struct neighbour *n;

	list_for_each_entry(n, &net->ipv4.neigh_list, list)
		if (n->dev == dev && n->primary_key == key)
			return n;
	return NULL;
}

/* arp_mc_map() for Ethernet: 01:00:5e + the low 23 bits of the group. */
static void ip_eth_mc_map(__be32 naddr, unsigned char *buf)
{
	u32 addr = ntohl(naddr);

	buf[0] = 0x01;
	buf[1] = 0x00;
	buf[2] = 0x5e;
	buf[5] = addr & 0xFF;
	addr >>= 8;
	buf[4] = addr & 0xFF;
	addr >>= 8;
	buf[3] = addr & 0x7F;
}

int nfemu_neigh_add(struct net_device *dev, __be32 addr, const u8 *lladdr, u8 nud_state,
		    bool replace)
{
	struct net *net = dev_net(dev);
	struct neighbour *n = __ipv4_neigh_lookup_noref(dev, addr);

	if (ipv4_is_multicast(addr) || ipv4_is_lbcast(addr))
		return -EINVAL;
	if (n && !replace)
		return -EEXIST;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		n->dev = dev;
		n->primary_key = addr;
		list_add_tail(&n->list, &net->ipv4.neigh_list);
	}
	n->nud_state = nud_state;
	n->type = (u8)inet_addr_type_dev_table(net, dev, addr);
	memset(n->ha, 0, sizeof(n->ha));
	if (lladdr)
		memcpy(n->ha, lladdr, dev->addr_len);
	return 0;
}

void neigh_table_free(struct net *net)
{
	struct neighbour *n, *tmp;

	list_for_each_entry_safe(n, tmp, &net->ipv4.neigh_list, list) {
		list_del(&n->list);
		free(n);
	}
}

/* What arp_constructor() decides for an address with no entry. */
int arp_resolve(struct net_device *dev, __be32 key, unsigned char *ha)
{
	struct neighbour *n = __ipv4_neigh_lookup_noref(dev, key);
	unsigned int type;

	if (n && (n->nud_state & NUD_VALID)) {
		memcpy(ha, n->ha, dev->addr_len);
		return 0;
	}
	type = inet_addr_type_dev_table(dev_net(dev), dev, key);
	if (type == RTN_MULTICAST) {
		ip_eth_mc_map(key, ha);
		return 0;
	}
	if (dev->flags & (IFF_NOARP | IFF_LOOPBACK)) {
		memcpy(ha, dev->dev_addr, dev->addr_len);
		return 0;
	}
	if (type == RTN_BROADCAST || (dev->flags & IFF_POINTOPOINT)) {
		memcpy(ha, dev->broadcast, dev->addr_len);
		return 0;
	}
	return -EHOSTUNREACH;
}

/* arp_error_report() -> ipv4_link_failure() -> ipv4_send_dest_unreach(). */
static void arp_error_report(struct net_device *dev, __be32 key, struct sk_buff *skb)
{
	struct net *net = dev_net(dev);
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &key, a, sizeof(a));
	nfemu_note(net, skb, dev, "ARP for %s on %s unanswered", a, dev->name);
	net->ipv4.mib.neigh_failed++;
	if (ip_hdr(skb)->version == 4 && ip_hdr(skb)->ihl >= 5)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NEIGH_FAILED, "arp_error_report");
}

int neigh_output(struct net_device *dev, __be32 nexthop, struct sk_buff *skb)
{
	unsigned char ha[MAX_ADDR_LEN];

	if (arp_resolve(dev, nexthop, ha)) {
		arp_error_report(dev, nexthop, skb);
		return -EHOSTUNREACH;
	}
	skb->dev = dev;
	if (eth_header(skb, dev, ntohs(skb->protocol), ha, NULL) < 0) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOMEM, "neigh_hh_output");
		return -ENOMEM;
	}
	return dev_queue_xmit(skb);
}
