/* emu/observe.h - EMU: how the emulated kernel tells nfemu's outputs what happened.
 *
 * Linux has tracepoints (skb:kfree_skb, net:net_dev_xmit, ...) and the kernel log; nfemu's
 * kernel calls the observer installed in struct net at the same places, and `nfemu replay`
 * turns the events into fate lines, JSON Lines, egress pcaps and the closing summary.
 * With no observer installed every call is a no-op.
 */
#ifndef NFEMU_EMU_OBSERVE_H
#define NFEMU_EMU_OBSERVE_H

#include "emu/kernel.h"
#include "netstack/dropreason.h"

struct sk_buff;
struct net_device;

enum nfemu_event_type {
	NFEMU_EV_DROP,          /* kfree_skb_reason(): reason, and for netfilter the rule */
	NFEMU_EV_STOLEN,        /* a hook took the packet (NF_STOLEN) */
	NFEMU_EV_QUEUED,        /* handed to nf_queue (NFQUEUE with a listener) */
	NFEMU_EV_XMIT,          /* a frame left by dev: frame/frame_len are the bytes on the wire */
	NFEMU_EV_DELIVER,       /* reached the local host (a protocol handler or socket) */
	NFEMU_EV_GENERATED,     /* the host built a packet (RST, ICMP, echo reply): skb->emu_parent */
	NFEMU_EV_NOTE,          /* anything else worth a line (e.g. "ARP unresolved for ...") */
	NFEMU_EV_PENDING,       /* held by the stack to finish later (queued on a neighbour being
				 * resolved): its fate comes when a timer fires, maybe during a
				 * later packet; text = what it waits for */
	NFEMU_EV_TIMERS_DONE,   /* the stack's timers due before this packet have run */
	NFEMU_EV_CT,            /* conntrack: a list move, an event, an expectation; where = the
				 * entry ("tcp 192.0.2.10:40000>203.0.113.5:80"), text = what
				 * ("[NEW] SYN_SENT, confirmed into the hash"); skb may be NULL */
};

struct nfemu_event {
	enum nfemu_event_type type;
	const struct sk_buff *skb;
	const struct net_device *dev;
	enum skb_drop_reason reason;
	const char *where;              /* "filter:INPUT:rule:3", "ip_rcv", ... */
	const unsigned char *frame;
	unsigned int frame_len;
	const char *text;
};

struct nfemu_observer {
	void (*event)(void *ctx, const struct nfemu_event *ev);
	void *ctx;
	/* NFEMU_EV_CT events are wanted (conntrack only formats them then: four per new flow) */
	bool ct_events;
};

#endif
