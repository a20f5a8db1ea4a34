/* netstack/bridge.c - a bridge as an L3 device (net/bridge/br_if.c, br_input.c, br_device.c,
 * br_fdb.c, br_stp_if.c).
 *
 * `ip link add br0 type bridge` and `ip link set eth1 master br0`: frames arriving on a port
 * for the bridge's MAC (or a port's own, or broadcast/multicast) are received by br0
 * (br_handle_frame -> br_pass_frame_up), broadcast and multicast ones are also flooded to the
 * other ports, and sources are learnt in the forwarding database; what the host sends out of
 * br0 leaves by the port the destination was learnt on, or by every port (br_dev_xmit).  The
 * bridge's MAC is the lowest of its ports' unless set (br_stp_recalculate_bridge_id), its MTU
 * the lowest of theirs unless set (br_mtu_auto_adjust).
 * EMU: no forwarding of unicast frames between ports: a frame for another host behind the
 * bridge is dropped with a note saying nfemu does not bridge.  No STP (ports forward as soon
 * as they are up, as with stp_state 0), no VLAN filtering, no multicast snooping (every
 * multicast frame is flooded and received), no br_netfilter (as with
 * net.bridge.bridge-nf-call-iptables=0: bridged frames never meet iptables).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

#define BR_AGEING_TIME_NS (300ULL * 1000000000ULL)     /* BR_DEFAULT_AGEING_TIME */

static bool is_multicast_ether_addr(const u8 *a)
{
	return a[0] & 1;
}

static bool is_zero_ether_addr(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

/* br_fdb_find(): a live entry for addr (entries learnt longer than the ageing time ago are
 * gone, as br_fdb_cleanup would have removed them). */
static struct net_bridge_fdb_entry *br_fdb_find(struct net_device *br, const u8 *addr)
{
	u64 now = dev_net(br)->clock.now_ns;

	for (unsigned int i = 0; i < br->br_nfdb; i++) {
		struct net_bridge_fdb_entry *f = &br->br_fdb[i];

		if (memcmp(f->addr, addr, ETH_ALEN))
			continue;
		if (!f->is_local && now - f->updated_ns > BR_AGEING_TIME_NS)
			return NULL;
		return f;
	}
	return NULL;
}

static struct net_bridge_fdb_entry *br_fdb_new(struct net_device *br, const u8 *addr)
{
	struct net_bridge_fdb_entry *f;

	if (br->br_nfdb == br->br_fdb_cap) {
		unsigned int cap = br->br_fdb_cap ? 2 * br->br_fdb_cap : 8;

		f = realloc(br->br_fdb, cap * sizeof(*f));
		if (!f)
			return NULL;
		br->br_fdb = f;
		br->br_fdb_cap = cap;
	}
	f = &br->br_fdb[br->br_nfdb++];
	memset(f, 0, sizeof(*f));
	memcpy(f->addr, addr, ETH_ALEN);
	return f;
}

/* br_fdb_update(): learn where src lives.  A local address is never moved. */
static void br_fdb_update(struct net_device *br, struct net_device *port, const u8 *src)
{
	struct net_bridge_fdb_entry *f = NULL;

	for (unsigned int i = 0; i < br->br_nfdb; i++)
		if (!memcmp(br->br_fdb[i].addr, src, ETH_ALEN))
			f = &br->br_fdb[i];
	if (f && f->is_local)
		return;         /* "received packet on %s with own address as source address" */
	if (!f)
		f = br_fdb_new(br, src);
	if (!f)
		return;
	f->dst = port;
	f->updated_ns = dev_net(br)->clock.now_ns;
}

/* The local entries: the bridge's own address and its ports' (br_fdb_change_mac_address,
 * br_fdb_add_local). */
static void br_fdb_sync_local(struct net_device *br)
{
	struct net *net = dev_net(br);
	struct net_device *port;
	unsigned int i, j;

	for (i = j = 0; i < br->br_nfdb; i++)
		if (!br->br_fdb[i].is_local)
			br->br_fdb[j++] = br->br_fdb[i];
	br->br_nfdb = j;
	list_for_each_entry(port, &net->ipv4.dev_base_head, dev_list) {
		struct net_bridge_fdb_entry *f;

		if (port != br && port->master != br)
			continue;
		f = br_fdb_find(br, port->dev_addr);
		if (f && f->is_local)
			continue;
		if (!f)
			f = br_fdb_new(br, port->dev_addr);
		if (!f)
			return;
		f->is_local = true;
		f->dst = port == br ? NULL : port;
	}
}

/* br_stp_recalculate_bridge_id() and br_mtu_auto_adjust(): what the ports imply. */
void br_recalculate(struct net_device *br)
{
	struct net *net = dev_net(br);
	const u8 *addr = NULL;
	unsigned int mtu = 0;
	struct net_device *p;

	list_for_each_entry(p, &net->ipv4.dev_base_head, dev_list) {
		if (p->master != br)
			continue;
		if (!addr || memcmp(p->dev_addr, addr, ETH_ALEN) < 0)
			addr = p->dev_addr;
		if (!mtu || p->mtu < mtu)
			mtu = p->mtu;
	}
	if (br->addr_assign_type != NET_ADDR_SET && addr)
		memcpy(br->dev_addr, addr, ETH_ALEN);
	if (!br->br_mtu_set_by_user && mtu) {
		dev_set_mtu(br, mtu);
		br->br_mtu_set_by_user = false;
	}
	br_fdb_sync_local(br);
}

/* do_set_master() + br_add_if(): an Ethernet device that is not lo and not a bridge; a port
 * of another bridge moves (ndo_del_slave first). */
int br_add_if(struct net_device *br, struct net_device *dev, const char **extack)
{
	if (br->rtnl_kind != NFEMU_DEV_BRIDGE)
		return -EOPNOTSUPP;             /* no ndo_add_slave */
	if (dev->flags & IFF_LOOPBACK || dev->type != ARPHRD_ETHER)
		return -EINVAL;
	if (dev->rtnl_kind == NFEMU_DEV_BRIDGE) {
		*extack = "Can not enslave a bridge to a bridge";
		return -ELOOP;
	}
	if (dev->master == br)
		return 0;
	if (dev->master)
		br_del_if(dev);
	dev->master = br;
	br_recalculate(br);
	return 0;
}

int br_del_if(struct net_device *dev)
{
	struct net_device *br = dev->master;

	if (!br)
		return 0;
	dev->master = NULL;
	/* br_fdb_delete_by_port(): what was learnt on it goes */
	for (unsigned int i = 0, j = 0; i < br->br_nfdb; i++) {
		if (br->br_fdb[i].dst != dev)
			br->br_fdb[j++] = br->br_fdb[i];
		if (i + 1 == br->br_nfdb)
			br->br_nfdb = j;
	}
	br_recalculate(br);
	return 0;
}

/* Send a copy of the frame in skb (data at the Ethernet header) out of port. */
static void br_deliver_copy(struct net_device *port, const struct sk_buff *skb)
{
	struct sk_buff *c = skb_copy(skb);

	if (!c)
		return;
	c->dev = port;
	c->sk = NULL;
	dev_queue_xmit(c);
}

/* br_flood(): a copy to every port that is up, but the one the frame came in on.  Returns
 * how many ports got one. */
static unsigned int br_flood(struct net_device *br, const struct sk_buff *skb,
			     const struct net_device *from)
{
	struct net *net = dev_net(br);
	struct net_device *p;
	unsigned int n = 0;

	list_for_each_entry(p, &net->ipv4.dev_base_head, dev_list)
		if (p->master == br && p != from && (p->flags & IFF_UP)) {
			br_deliver_copy(p, skb);
			n++;
		}
	return n;
}

/*
 * br_handle_frame() + br_handle_frame_finish(), the rx_handler of a port: skb->data is past
 * the Ethernet header.  Returns true with skb->dev = the bridge when the bridge receives it
 * (br_pass_frame_up: another round of the receive path), false when the skb was used up.
 */
bool br_handle_frame(struct sk_buff *skb)
{
	struct net_device *port = skb->dev, *br = port->master;
	struct net *net = dev_net(port);
	const u8 *dest, *src;
	struct net_bridge_fdb_entry *dst;
	char d[18];

	if (!skb_mac_header_was_set(skb))
		goto pass_up;           /* EMU: a capture without a link layer: nothing to bridge */
	dest = skb_mac_header(skb);
	src = dest + ETH_ALEN;
	if (is_multicast_ether_addr(src) || is_zero_ether_addr(src)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_MAC_INVALID_SOURCE, "br_handle_frame");
		return false;
	}
	if (!(port->flags & IFF_UP) || !(br->flags & IFF_UP)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "br_handle_frame");
		return false;
	}
	if (!memcmp(dest, br->dev_addr, ETH_ALEN))
		skb->pkt_type = PACKET_HOST;
	br_fdb_update(br, port, src);
	if (is_multicast_ether_addr(dest)) {
		/* flood (a copy with the header back on) and receive */
		skb_push(skb, ETH_HLEN);
		br_flood(br, skb, port);
		skb_pull(skb, ETH_HLEN);
		goto pass_up;
	}
	dst = br_fdb_find(br, dest);
	if (dst && dst->is_local)
		goto pass_up;
	if (dst && dst->dst == port) {
		/* should_deliver(): never back out of the port it came in by */
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "br_forward");
		return false;
	}
	snprintf(d, sizeof(d), "%02x:%02x:%02x:%02x:%02x:%02x", dest[0], dest[1], dest[2], dest[3],
		 dest[4], dest[5]);
	nfemu_note(net, skb, port, "error: frame for %s on %s, a port of %s: the bridge would %s it "
		   "to %s%s; nfemu does not forward frames between bridge ports", d, port->name,
		   br->name, dst ? "forward" : "flood", dst ? dst->dst->name : "its other ports",
		   dst ? "" : " (an address it has not learnt)");
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "br_handle_frame (bridging not emulated)");
	return false;

pass_up:
	/* br_pass_frame_up(): the bridge device receives it */
	skb->dev = br;
	br->emu_rx_packets++;
	return true;
}

/* br_dev_xmit(): skb->data at the Ethernet header the bridge built. */
int br_dev_xmit(struct sk_buff *skb)
{
	struct net_device *br = skb->dev;
	const u8 *dest = skb->data;
	struct net_bridge_fdb_entry *dst;

	br->emu_tx_packets++;
	dst = is_multicast_ether_addr(dest) ? NULL : br_fdb_find(br, dest);
	if (dst && dst->dst && !dst->is_local) {
		if (!(dst->dst->flags & IFF_UP)) {
			nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "br_forward");
			return 0;
		}
		skb->dev = dst->dst;
		return dev_queue_xmit(skb);
	}
	if (!br_flood(br, skb, NULL)) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "br_flood (no port is up)");
		return 0;
	}
	consume_skb(skb);
	return 0;
}

void br_dev_free(struct net_device *br)
{
	free(br->br_fdb);
	br->br_fdb = NULL;
	br->br_nfdb = br->br_fdb_cap = 0;
}
