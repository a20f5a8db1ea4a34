/* netstack/ip_fragment.c - IPv4 reassembly (net/ipv4/ip_fragment.c, net/ipv4/inet_fragment.c).
 *
 * ip_defrag() queues a fragment under (saddr, daddr, id, protocol, user) and returns the whole
 * datagram once the first and last fragments are in and nothing is missing.  As in Linux
 * since 4.19: a fragment that partly overlaps what is queued kills the queue; one that lies
 * inside a run already queued is a duplicate and is dropped alone; a last fragment that
 * disagrees with the length known so far kills the queue; ECN codepoints combine per
 * RFC 3168 5.3; DF survives when every fragment had it at the largest size.  A queue not
 * completed within ipfrag_time expires: ICMP "fragment reassembly time exceeded" back to the
 * sender if the first fragment was in and the datagram was for this host, then
 * FRAG_REASM_TIMEOUT.  Queues are refused above ipfrag_high_thresh bytes.
 * EMU: the kernel morphs the completing skb in place; here *skbp is replaced.  Timers run when
 * the next packet arrives (nfemu_ip_frag_timers), on the emulated clock.  No ipfrag_max_dist
 * check (its per-peer counter depends on every packet's arrival order across queues).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack_common.h"
#include "kernel/clock.h"
#include "netstack/icmp.h"
#include "netstack/inet.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

#define INET_FRAG_FIRST_IN 0x01
#define INET_FRAG_LAST_IN 0x02
#define INET_FRAG_COMPLETE 0x04

#define IPFRAG_ECN_NOT_ECT 0x01
#define IPFRAG_ECN_ECT_1 0x02
#define IPFRAG_ECN_ECT_0 0x04
#define IPFRAG_ECN_CE 0x08
#define INET_ECN_CE 3

static const u8 ip_frag_ecn_table[16] = {
	/* at least one fragment had CE, and others ECT_0 or ECT_1 */
	[IPFRAG_ECN_CE | IPFRAG_ECN_ECT_0] = INET_ECN_CE,
	[IPFRAG_ECN_CE | IPFRAG_ECN_ECT_1] = INET_ECN_CE,
	[IPFRAG_ECN_CE | IPFRAG_ECN_ECT_0 | IPFRAG_ECN_ECT_1] = INET_ECN_CE,
	/* invalid combinations : drop frame */
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_CE] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_ECT_0] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_ECT_1] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_ECT_0 | IPFRAG_ECN_ECT_1] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_CE | IPFRAG_ECN_ECT_0] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_CE | IPFRAG_ECN_ECT_1] = 0xff,
	[IPFRAG_ECN_NOT_ECT | IPFRAG_ECN_CE | IPFRAG_ECN_ECT_0 | IPFRAG_ECN_ECT_1] = 0xff,
};

/* One queued fragment: the skb with data at its payload, and where it goes. */
struct ipfrag {
	struct ipfrag *next;            /* sorted by offset */
	struct sk_buff *skb;
	unsigned int offset, end;
	unsigned int run_end;           /* for the first fragment of a run: where the run ends */
	bool run_head;
};

/* struct ipq */
struct ipq {
	struct list_head list;          /* net->ipv4.frag_list, oldest first */
	__be32 saddr, daddr;
	__be16 id;
	u8 protocol;
	u32 user;
	u8 flags;
	u8 ecn;
	unsigned int len;               /* total length of the original datagram */
	unsigned int meat;              /* bytes received */
	unsigned int max_size, max_df_size;
	int iif;
	u64 created_ns;
	long mem;
	struct ipfrag *fragments;
	struct ipfrag *tail;
};

static long frag_truesize(const struct sk_buff *skb)
{
	return (long)(skb->end + sizeof(struct sk_buff));
}

/* inet_frag_destroy(): the fragments still queued go with the queue: dropped as
 * FRAG_REASM_TIMEOUT when it expired, else consumed (an overlap killed it, or it completed). */
static void ipq_free(struct net *net, struct ipq *qp, bool expired)
{
	struct ipfrag *f = qp->fragments;

	while (f) {
		struct ipfrag *n = f->next;

		if (f->skb && expired) {
			nfemu_kfree_skb_at(f->skb, SKB_DROP_REASON_FRAG_REASM_TIMEOUT, "ip_expire");
		} else if (f->skb) {
			nfemu_note(net, f->skb, f->skb->dev, "fragment discarded with its reassembly queue");
			consume_skb(f->skb);
		}
		free(f);
		f = n;
	}
	net->ipv4.frag_mem -= qp->mem;
	net->ipv4.frag_count--;
	list_del(&qp->list);
	free(qp);
}

/* Conntrack's queues (IP_DEFRAG_CONNTRACK_IN + zone) answer a timeout only for this host. */
static bool frag_expire_skip_icmp(u32 user)
{
	return user >= 2 && user <= 2 + 65535;
}

/* ip_expire(): the queue timed out. */
static void ip_expire(struct net *net, struct ipq *qp)
{
	struct sk_buff *head = NULL;

	if ((qp->flags & INET_FRAG_FIRST_IN) && qp->fragments && qp->fragments->offset == 0) {
		struct net_device *dev = __dev_get_by_index(net, qp->iif);

		head = qp->fragments->skb;
		qp->fragments->skb = NULL;
		if (dev) {
			const struct iphdr *iph;
			enum skb_drop_reason r;

			head->dev = dev;
			/* the head's payload was pulled: back to its IP header */
			head->len += (unsigned int)(head->data - skb_network_header(head));
			head->data = skb_network_header(head);
			iph = ip_hdr(head);
			/* skb has no dst, perform route lookup again */
			head->rt = NULL;
			if (!ip_route_input_noref(head, iph->daddr, iph->saddr, iph->tos, dev, &r)) {
				/* Only an end host needs to send an ICMP "Fragment Reassembly Timeout"
				 * message, per RFC792. */
				if (!frag_expire_skip_icmp(qp->user) ||
				    skb_rtable(head)->rt_type == RTN_LOCAL)
					icmp_send(head, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
			}
		}
	}
	if (head)
		nfemu_kfree_skb_at(head, SKB_DROP_REASON_FRAG_REASM_TIMEOUT, "ip_expire");
	ipq_free(net, qp, true);
}

/* The earliest queue expiry (UINT64_MAX for none); queues are kept oldest first. */
u64 ip_frag_next_timer(struct net *net)
{
	struct ipq *qp;

	if (!net->ipv4.frag_list.next || list_empty(&net->ipv4.frag_list))
		return UINT64_MAX;
	qp = list_first_entry(&net->ipv4.frag_list, struct ipq, list);
	return qp->created_ns + (u64)net->ipv4.sysctl_ipfrag_time * (NSEC_PER_SEC / HZ);
}

void ip_frag_run_timers(struct net *net, u64 now_ns)
{
	if (ip_frag_next_timer(net) <= now_ns)
		ip_expire(net, list_first_entry(&net->ipv4.frag_list, struct ipq, list));
}

void ip_frag_free_all(struct net *net)
{
	if (!net->ipv4.frag_list.next)
		return;
	/* teardown: no events */
	while (!list_empty(&net->ipv4.frag_list)) {
		struct ipq *qp = list_first_entry(&net->ipv4.frag_list, struct ipq, list);
		struct ipfrag *f = qp->fragments;

		while (f) {
			struct ipfrag *n = f->next;

			consume_skb(f->skb);
			free(f);
			f = n;
		}
		list_del(&qp->list);
		free(qp);
	}
	net->ipv4.frag_mem = 0;
	net->ipv4.frag_count = 0;
}

static struct ipq *ip_find(struct net *net, const struct iphdr *iph, u32 user, int vif)
{
	struct ipq *qp;

	(void)vif;
	list_for_each_entry(qp, &net->ipv4.frag_list, list)
		if (qp->saddr == iph->saddr && qp->daddr == iph->daddr && qp->id == iph->id &&
		    qp->protocol == iph->protocol && qp->user == user)
			return qp;
	/* inet_frag_create(): refuse above high_thresh */
	if (!net->ipv4.sysctl_ipfrag_high_thresh ||
	    net->ipv4.frag_mem > net->ipv4.sysctl_ipfrag_high_thresh)
		return NULL;
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	qp->saddr = iph->saddr;
	qp->daddr = iph->daddr;
	qp->id = iph->id;
	qp->protocol = iph->protocol;
	qp->user = user;
	qp->created_ns = net->clock.now_ns;
	list_add_tail(&qp->list, &net->ipv4.frag_list);
	net->ipv4.frag_count++;
	return qp;
}

enum { IPFRAG_OK, IPFRAG_DUP, IPFRAG_OVERLAP };

/* inet_frag_queue_insert(): runs of contiguous fragments appended at the tail; anything that
 * lands inside a run is a duplicate, anything that straddles one an overlap. */
static int inet_frag_queue_insert(struct ipq *qp, struct ipfrag *nf)
{
	struct ipfrag *last = qp->tail, **pp;

	if (!last) {
		nf->run_head = true;
		nf->run_end = nf->end;
		qp->fragments = qp->tail = nf;
		return IPFRAG_OK;
	}
	if (last->end < nf->end && nf->offset >= last->end) {
		/* the common case: after the tail */
		if (nf->offset == last->end) {
			struct ipfrag *h;

			/* fragrun_append_to_last(): extend the tail's run */
			for (h = qp->fragments; h; h = h->next)
				if (h->run_head && h->run_end == last->end)
					h->run_end = nf->end;
		} else {
			nf->run_head = true;
			nf->run_end = nf->end;
		}
		last->next = nf;
		qp->tail = nf;
		return IPFRAG_OK;
	}
	if (last->end < nf->end)
		return IPFRAG_OVERLAP;  /* starts before the tail's end, ends after it */
	/* Binary search in the kernel; a walk over the runs here. */
	for (struct ipfrag *h = qp->fragments; h; h = h->next) {
		if (!h->run_head)
			continue;
		if (nf->end <= h->offset || nf->offset >= h->run_end)
			continue;
		if (nf->offset >= h->offset && nf->end <= h->run_end)
			return IPFRAG_DUP;
		return IPFRAG_OVERLAP;
	}
	nf->run_head = true;
	nf->run_end = nf->end;
	for (pp = &qp->fragments; *pp && (*pp)->offset < nf->offset; pp = &(*pp)->next)
		;
	nf->next = *pp;
	*pp = nf;
	return IPFRAG_OK;
}

/* ip_frag_reasm(): one skb with the first fragment's header and every payload in order. */
static struct sk_buff *ip_frag_reasm(struct net *net, struct ipq *qp, struct sk_buff *last_in,
				     int *err)
{
	struct sk_buff *head = qp->fragments->skb, *skb;
	unsigned int ihl = (unsigned int)(head->data - skb_network_header(head));
	struct iphdr *iph;
	u8 ecn = ip_frag_ecn_table[qp->ecn];
	unsigned int len = ihl + qp->len;

	if (ecn == 0xff) {
		*err = -EINVAL;
		return NULL;
	}
	if (len > 65535) {
		*err = -E2BIG;  /* "Oversized IP packet" */
		return NULL;
	}
	skb = alloc_skb(len);
	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}
	/* the head's metadata (skb_morph), the device and route of the fragment that completed it */
	skb->pkt_type = head->pkt_type;
	skb->mark = head->mark;
	skb->priority = head->priority;
	skb->protocol = head->protocol;
	skb->skb_iif = head->skb_iif;
	__nf_copy(skb, head, false);
	skb->nf_trace = head->nf_trace;
	skb->tstamp = head->tstamp;
	skb->ip_summed = CHECKSUM_NONE;
	skb->dev = last_in->dev;
	skb->rt = last_in->rt;
	skb->emu_net = net;
	skb->emu_id = last_in->emu_id;
	skb->emu_parent = last_in->emu_parent;
	if (skb_mac_header_was_set(head) && head->network_header >= head->mac_header) {
		unsigned int mlen = head->network_header - head->mac_header;

		if (mlen <= NFEMU_SKB_HEADROOM) {
			memcpy(skb->data - mlen, skb_mac_header(head), mlen);
			skb->mac_header = (u16)(skb->data - skb->head - mlen);
			skb->mac_len = (u16)mlen;
		}
	}
	skb_reset_network_header(skb);
	memcpy(skb_put(skb, ihl), skb_network_header(head), ihl);
	for (struct ipfrag *f = qp->fragments; f; f = f->next)
		memcpy(skb_put(skb, f->end - f->offset), f->skb->data, f->end - f->offset);
	skb->transport_header = skb->network_header + ihl;

	skb->frag_max_size = (u16)(qp->max_df_size > qp->max_size ? qp->max_df_size : qp->max_size);
	iph = ip_hdr(skb);
	iph->tot_len = htons((u16)len);
	iph->tos |= ecn;
	/* When we set IP_DF on a refragmented skb we must also force a call to ip_fragment to
	 * avoid forwarding a DF-skb of size s while original sender is probing with size t */
	if (qp->max_df_size == qp->max_size)
		iph->frag_off = htons(IP_DF);
	else
		iph->frag_off = 0;
	ip_send_check(iph);
	*err = 0;
	return skb;
}

/* ip_frag_queue() */
static int ip_frag_queue(struct net *net, struct ipq *qp, struct sk_buff **skbp)
{
	struct sk_buff *skb = *skbp;
	const struct iphdr *iph = ip_hdr(skb);
	enum skb_drop_reason reason = SKB_DROP_REASON_NOT_SPECIFIED;
	unsigned int ihl = iph->ihl * 4, offset, end, fragsize;
	struct ipfrag *nf;
	int flags, err = -ENOENT, ins;

	/* If reassembly is already done, skb must be a duplicate frag. */
	if (qp->flags & INET_FRAG_COMPLETE)
		goto err_drop;
	offset = ntohs(iph->frag_off);
	flags = (int)(offset & ~IP_OFFSET);
	offset &= IP_OFFSET;
	offset <<= 3;           /* offset is in 8-byte chunks */
	end = offset + skb->len - ihl;
	err = -EINVAL;

	/* Is this the final fragment? */
	if ((flags & IP_MF) == 0) {
		/* If we already have some bits beyond end or have different end, the segment is
		 * corrupted. */
		if (end < qp->len || ((qp->flags & INET_FRAG_LAST_IN) && end != qp->len))
			goto discard_qp;
		qp->flags |= INET_FRAG_LAST_IN;
		qp->len = end;
	} else {
		if (end & 7)
			end &= ~7U;
		if (end > qp->len) {
			/* Some bits beyond end -> corruption. */
			if (qp->flags & INET_FRAG_LAST_IN)
				goto discard_qp;
			qp->len = end;
		}
	}
	if (end == offset)
		goto discard_qp;

	nf = calloc(1, sizeof(*nf));
	if (!nf) {
		err = -ENOMEM;
		goto discard_qp;
	}
	skb_pull(skb, ihl);
	skb_trim(skb, end - offset);
	nf->skb = skb;
	nf->offset = offset;
	nf->end = end;
	ins = inet_frag_queue_insert(qp, nf);
	if (ins != IPFRAG_OK) {
		free(nf);
		if (ins == IPFRAG_DUP) {
			/* EMU: dropreason.h has no DUP_FRAG */
			nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOT_SPECIFIED, "ip_frag_queue");
			return -EINVAL;
		}
		err = -EINVAL;
		goto discard_qp;
	}
	if (skb->dev)
		qp->iif = skb->dev->ifindex;
	qp->meat += skb->len;
	qp->ecn |= (u8)(1 << (iph->tos & INET_ECN_MASK));
	qp->mem += frag_truesize(skb);
	net->ipv4.frag_mem += frag_truesize(skb);
	if (offset == 0)
		qp->flags |= INET_FRAG_FIRST_IN;
	fragsize = skb->len + ihl;
	if (fragsize > qp->max_size)
		qp->max_size = fragsize;
	if ((iph->frag_off & htons(IP_DF)) && fragsize > qp->max_df_size)
		qp->max_df_size = fragsize;

	if (qp->flags == (INET_FRAG_FIRST_IN | INET_FRAG_LAST_IN) && qp->meat == qp->len) {
		struct sk_buff *whole = ip_frag_reasm(net, qp, skb, &err);

		if (!whole) {
			/* the completing fragment is in the queue: the queue's free takes it */
			ipq_free(net, qp, false);
			return err;
		}
		qp->flags |= INET_FRAG_COMPLETE;
		for (struct ipfrag *f = qp->fragments; f; f = f->next) {
			if (f->skb != skb)
				nfemu_note(net, f->skb, f->skb->dev,
					   "fragment reassembled into the datagram of packet %llu",
					   (unsigned long long)whole->emu_id);
			consume_skb(f->skb);
			f->skb = NULL;
		}
		ipq_free(net, qp, false);
		*skbp = whole;
		return 0;
	}
	nfemu_note(net, skb, skb->dev, "fragment queued for reassembly (id %u, offset %u)",
		   ntohs(qp->id), offset);
	skb->rt = NULL;         /* skb_dst_drop */
	skb->sk = NULL;         /* skb_orphan */
	return -EINPROGRESS;

discard_qp:
	/* inet_frag_kill(): every queued fragment goes */
	ipq_free(net, qp, false);
err_drop:
	nfemu_kfree_skb_at(skb, reason, "ip_frag_queue");
	return err;
}

/* Process an incoming IP datagram fragment.  0: *skbp is now the whole datagram;
 * otherwise the fragment was queued (-EINPROGRESS) or dropped. */
int ip_defrag(struct net *net, struct sk_buff **skbp, u32 user)
{
	struct sk_buff *skb = *skbp;
	struct ipq *qp;

	qp = ip_find(net, ip_hdr(skb), user, 0);
	if (qp)
		return ip_frag_queue(net, qp, skbp);
	nfemu_kfree_skb_at(skb, SKB_DROP_REASON_NOMEM, "ip_defrag");
	return -ENOMEM;
}
