/* netstack/eth.c - Ethernet framing (net/ethernet/eth.c, and skb_vlan_untag from
 * net/core/skbuff.c).
 *
 * eth_type_trans() classifies a received frame by its destination MAC (HOST, BROADCAST,
 * MULTICAST, OTHERHOST) and returns the protocol; skb_vlan_untag() removes an 802.1Q/802.1ad
 * tag the way the receive path does before protocol dispatch, leaving a plain Ethernet header
 * in front of the network header; eth_header() builds the header of an outgoing frame.
 * EMU: the VLAN tag is not kept in skb->vlan_tci (the sk_buff has none); the caller learns
 * the VLAN id from the return value.  No DSA, no 802.2/SNAP decoding beyond the protocol.
 */
#include <arpa/inet.h>
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
int skb_vlan_untag(struct sk_buff *skb, u16 *vlan_tci);
int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
	       const void *daddr, const void *saddr);

static bool ether_addr_equal(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, ETH_ALEN);
}

static bool is_multicast_ether_addr(const u8 *addr)
{
	return addr[0] & 0x01;
}

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	const struct ethhdr *eth;

	skb->dev = dev;
	skb_reset_mac_header(skb);
	eth = (const struct ethhdr *)skb->data;
	skb_pull(skb, ETH_HLEN);
	skb->mac_len = ETH_HLEN;

	if (!ether_addr_equal(eth->h_dest, dev->dev_addr)) {
		if (is_multicast_ether_addr(eth->h_dest)) {
			if (ether_addr_equal(eth->h_dest, dev->broadcast))
				skb->pkt_type = PACKET_BROADCAST;
			else
				skb->pkt_type = PACKET_MULTICAST;
		} else {
			skb->pkt_type = PACKET_OTHERHOST;
		}
	}
	if (ntohs(eth->h_proto) >= ETH_P_802_3_MIN)
		return eth->h_proto;
	/* Raw 802.3 (Novell) starts with 0xFFFF, else 802.2 LLC. */
	if (skb->len >= 2 && skb->data[0] == 0xff && skb->data[1] == 0xff)
		return htons(ETH_P_802_3);
	return htons(ETH_P_802_2);
}

/*
 * skb_vlan_untag(): skb->data is past the Ethernet header and skb->protocol is 802.1Q/802.1ad.
 * Takes the 4-byte tag out, moves the MAC addresses up so that a plain Ethernet header with the
 * inner protocol sits in front of the payload (skb_reorder_vlan_header), and sets
 * skb->protocol to the inner protocol.  Returns 0, or -EINVAL when the frame is too short.
 */
int skb_vlan_untag(struct sk_buff *skb, u16 *vlan_tci)
{
	unsigned char *mac;
	__be16 tci, proto;

	if (skb->len < 4 || !skb_mac_header_was_set(skb))
		return -EINVAL;
	memcpy(&tci, skb->data, 2);
	memcpy(&proto, skb->data + 2, 2);
	*vlan_tci = ntohs(tci);
	skb->protocol = proto;
	skb_pull(skb, 4);
	/* skb_reorder_vlan_header(): dst and src MAC move 4 bytes towards the payload */
	mac = skb_mac_header(skb);
	memmove(mac + 4, mac, 2 * ETH_ALEN);
	skb->mac_header += 4;
	memcpy(skb_mac_header(skb) + 2 * ETH_ALEN, &proto, 2);
	skb->mac_len = ETH_HLEN;
	return 0;
}

/* eth_header(): push an Ethernet header; saddr NULL means the device's address. */
int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
	       const void *daddr, const void *saddr)
{
	struct ethhdr *eth;

	if ((unsigned int)(skb->data - skb->head) < ETH_HLEN &&
	    pskb_expand_head(skb, ETH_HLEN, 0))
		return -ENOMEM;
	eth = (struct ethhdr *)skb_push(skb, ETH_HLEN);
	eth->h_proto = htons(type);
	memcpy(eth->h_source, saddr ? saddr : dev->dev_addr, ETH_ALEN);
	if (daddr)
		memcpy(eth->h_dest, daddr, ETH_ALEN);
	else
		memset(eth->h_dest, 0, ETH_ALEN);
	return ETH_HLEN;
}
