/* netstack/neighbour.c - the ARP neighbour table and neighbour output (net/core/neighbour.c,
 * net/ipv4/arp.c).
 *
 * Static entries from `ip neigh add`; arp_constructor's rules for addresses that need no ARP
 * (multicast: the mapped 01:00:5e MAC; broadcast and NOARP/loopback devices); neigh_output()
 * builds the Ethernet header from the entry and the device's MAC and transmits.
 * EMU: nfemu does not speak ARP.  A next hop with no entry is never answered: the packet is
 * queued as Linux queues it, and when the probes would be over (3 s of capture time) every
 * queued packet is reported through arp_error_report (ICMP host unreachable to its sender,
 * then NEIGH_FAILED), with a NOTE "ARP for A on DEV unanswered".  Failed entries are reclaimed
 * by the forced gc when the table is full.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "netstack/icmp.h"
#include "netstack/ip.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

int eth_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
	       const void *daddr, const void *saddr);

static unsigned int neigh_hash(const struct net_device *dev, __be32 key)
{
	u32 h = ((u32)key ^ ((u32)dev->ifindex << 24)) * 0x9e3779b1u;

	return h >> 24;         /* NFEMU_NEIGH_HASH == 256 */
}

struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, __be32 key)
{
	struct net *net = dev_net(dev);
	struct neighbour *n;

	for (n = net->ipv4.neigh_hash[neigh_hash(dev, key)]; n; n = n->hnext)
		if (n->dev == dev && n->primary_key == key)
			return n;
	return NULL;
}

static void neigh_link(struct net *net, struct neighbour *n)
{
	struct neighbour **head = &net->ipv4.neigh_hash[neigh_hash(n->dev, n->primary_key)];

	list_add_tail(&n->list, &net->ipv4.neigh_list);
	n->hnext = *head;
	*head = n;
}

static void neigh_unlink(struct net *net, struct neighbour *n)
{
	struct neighbour **pp = &net->ipv4.neigh_hash[neigh_hash(n->dev, n->primary_key)];

	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
	list_del(&n->list);
	if (n->nud_state == NUD_INCOMPLETE)
		net->ipv4.neigh_incomplete--;
	if (n->dynamic)
		net->ipv4.neigh_dynamic--;
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
	if (n && !replace && !n->dynamic)
		return -EEXIST;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		n->dev = dev;
		n->primary_key = addr;
		neigh_link(net, n);
	}
	if (n->dynamic) {
		/* an administrator's entry for an address being resolved: the waiting packets go
		 * once it is known (neigh_update -> neigh_connect) */
		struct sk_buff *skb = n->arp_queue_head;

		n->dynamic = false;
		net->ipv4.neigh_dynamic--;
		if (n->nud_state == NUD_INCOMPLETE)
			net->ipv4.neigh_incomplete--;
		n->arp_queue_head = n->arp_queue_tail = NULL;
		n->arp_queue_len_bytes = 0;
		n->nud_state = nud_state;
		if (lladdr)
			memcpy(n->ha, lladdr, dev->addr_len);
		while (skb) {
			struct sk_buff *next = skb->next;

			skb->next = NULL;
			neigh_output(dev, addr, skb);
			skb = next;
		}
	}
	n->nud_state = nud_state;
	n->type = (u8)inet_addr_type_dev_table(net, dev, addr);
	memset(n->ha, 0, sizeof(n->ha));
	if (lladdr)
		memcpy(n->ha, lladdr, dev->addr_len);
	return 0;
}

/* Free an entry and, silently, what it still queues (teardown, device down). */
void neigh_free(struct neighbour *n)
{
	struct sk_buff *skb;

	while ((skb = n->arp_queue_head)) {
		n->arp_queue_head = skb->next;
		consume_skb(skb);
	}
	neigh_unlink(dev_net(n->dev), n);
	free(n);
}

void neigh_table_free(struct net *net)
{
	struct neighbour *n, *tmp;

	list_for_each_entry_safe(n, tmp, &net->ipv4.neigh_list, list)
		neigh_free(n);
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

/* Neighbour parameters of a fresh netns (arp_tbl.parms). */
#define NEIGH_RETRANS_TIME_NS (1000ULL * NSEC_PER_MSEC)
#define NEIGH_MCAST_PROBES 3
#define NEIGH_QUEUE_LEN_BYTES 212992    /* SK_WMEM_MAX */
#define NEIGH_GC_THRESH3 1024

static unsigned int skb_truesize(const struct sk_buff *skb)
{
	/* SKB_TRUESIZE(): the data buffer plus the sk_buff and its shared info */
	return skb->end + 576;
}

/* arp_error_report() -> ipv4_link_failure() -> ipv4_send_dest_unreach(). */
static void arp_error_report(struct net_device *dev, struct sk_buff *skb)
{
	struct net *net = dev_net(dev);

	net->ipv4.mib.neigh_failed++;
	if (ip_hdr(skb)->version == 4 && ip_hdr(skb)->ihl >= 5)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NEIGH_FAILED, "neigh_invalidate");
}

/* __skb_dequeue(&n->arp_queue) */
static struct sk_buff *neigh_queue_dequeue(struct neighbour *n)
{
	struct sk_buff *skb = n->arp_queue_head;

	if (!skb)
		return NULL;
	n->arp_queue_head = skb->next;
	if (!n->arp_queue_head)
		n->arp_queue_tail = NULL;
	skb->next = NULL;
	n->arp_queue_len_bytes -= skb_truesize(skb);
	return skb;
}

/*
 * neigh_invalidate(): the probes are over, nobody answered.  "It is very thin place.
 * report_unreachable is very complicated routine. Particularly, it can hit the same neighbour
 * entry!" -- the ICMP error for a queued packet is routed back, often through this same
 * neighbour, which __neigh_event_send() moves from FAILED to INCOMPLETE and queues the ICMP
 * on.  So, as Linux does, packets are taken off the queue one at a time while the entry stays
 * FAILED, and whatever is left once it is not (the ICMP itself among them) is purged.
 */
static void neigh_invalidate(struct neighbour *n)
{
	struct net *net = dev_net(n->dev);
	char a[INET_ADDRSTRLEN];
	struct sk_buff *skb;

	n->nud_state = NUD_FAILED;
	net->ipv4.neigh_incomplete--;
	inet_ntop(AF_INET, &n->primary_key, a, sizeof(a));
	nfemu_note(net, n->arp_queue_head, n->dev, "ARP for %s on %s unanswered", a, n->dev->name);
	n->held = true;
	while (n->nud_state == NUD_FAILED && (skb = neigh_queue_dequeue(n)))
		arp_error_report(n->dev, skb);
	n->held = false;
	/* __skb_queue_purge() */
	while ((skb = neigh_queue_dequeue(n)))
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_QUEUE_PURGE, "neigh_invalidate");
	n->arp_queue_len_bytes = 0;
}

u64 neigh_next_timer(struct net *net)
{
	struct neighbour *n;
	u64 next = UINT64_MAX;

	if (!net->ipv4.neigh_incomplete)
		return next;
	list_for_each_entry(n, &net->ipv4.neigh_list, list)
		if (n->nud_state == NUD_INCOMPLETE && n->fail_at_ns < next)
			next = n->fail_at_ns;
	return next;
}

void neigh_run_timers(struct net *net, u64 now_ns)
{
	struct neighbour *n;

	list_for_each_entry(n, &net->ipv4.neigh_list, list) {
		if (n->nud_state == NUD_INCOMPLETE && n->fail_at_ns <= now_ns) {
			neigh_invalidate(n);
			return;         /* one at a time: the caller orders timers by time */
		}
	}
}

/* neigh_forced_gc(): make room by dropping entries that hold nothing (failed ones). */
static bool neigh_forced_gc(struct net *net)
{
	struct neighbour *n, *tmp;
	bool freed = false;

	list_for_each_entry_safe(n, tmp, &net->ipv4.neigh_list, list) {
		if (n->dynamic && n->nud_state == NUD_FAILED && !n->held) {
			neigh_unlink(net, n);
			free(n);
			freed = true;
		}
	}
	return freed;
}

/* __neigh_create() for an address ARP would have to resolve. */
static struct neighbour *neigh_create(struct net_device *dev, __be32 key)
{
	struct net *net = dev_net(dev);
	struct neighbour *n;

	if (net->ipv4.neigh_dynamic >= NEIGH_GC_THRESH3 && !neigh_forced_gc(net))
		return NULL;    /* "neighbour table overflow" */
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->dev = dev;
	n->primary_key = key;
	n->dynamic = true;
	n->nud_state = NUD_NONE;
	n->type = RTN_UNICAST;
	neigh_link(net, n);
	net->ipv4.neigh_dynamic++;
	return n;
}

/* __neigh_event_send(): start resolving (NONE or FAILED -> INCOMPLETE) and queue the packet,
 * dropping the oldest queued ones above unres_qlen_bytes. */
static void neigh_event_send(struct neighbour *n, struct sk_buff *skb)
{
	struct net *net = dev_net(n->dev);

	if (n->nud_state != NUD_INCOMPLETE) {
		n->nud_state = NUD_INCOMPLETE;
		net->ipv4.neigh_incomplete++;
		n->fail_at_ns = net->clock.now_ns + NEIGH_MCAST_PROBES * NEIGH_RETRANS_TIME_NS;
	}
	while (n->arp_queue_len_bytes + skb_truesize(skb) > NEIGH_QUEUE_LEN_BYTES) {
		struct sk_buff *old = neigh_queue_dequeue(n);

		if (!old)
			break;
		nfemu_kfree_skb_at(old, SKB_DROP_REASON_NEIGH_QUEUEFULL, "__neigh_event_send");
	}
	skb->next = NULL;
	if (n->arp_queue_tail)
		n->arp_queue_tail->next = skb;
	else
		n->arp_queue_head = skb;
	n->arp_queue_tail = skb;
	n->arp_queue_len_bytes += skb_truesize(skb);
	if (net->observer.event) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &n->primary_key, a, sizeof(a));
		nfemu_skb_pending(net, skb, "awaiting ARP for %s on %s", a, n->dev->name);
	}
}

int neigh_output(struct net_device *dev, __be32 nexthop, struct sk_buff *skb)
{
	unsigned char ha[MAX_ADDR_LEN];
	struct neighbour *n;

	if (arp_resolve(dev, nexthop, ha)) {
		n = __ipv4_neigh_lookup_noref(dev, nexthop);
		if (!n)
			n = neigh_create(dev, nexthop);
		if (!n) {
			nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NEIGH_CREATEFAIL, "ip_finish_output2");
			return -ENOBUFS;
		}
		neigh_event_send(n, skb);
		return 0;
	}
	skb->dev = dev;
	if (eth_header(skb, dev, ntohs(skb->protocol), ha, NULL) < 0) {
		nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOMEM, "neigh_hh_output");
		return -ENOMEM;
	}
	return dev_queue_xmit(skb);
}
