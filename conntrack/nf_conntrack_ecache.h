/* conntrack/nf_conntrack_ecache.h - conntrack events (NEW, UPDATE, DESTROY) and their cache.
 *
 * Mirrors include/net/netfilter/nf_conntrack_ecache.h: events are cached per entry and
 * delivered to the netlink listener (ctnetlink, `conntrack -E`) when the packet is confirmed;
 * a DESTROY that cannot be delivered leaves the entry on the dying list until the ecache
 * work redelivers it.  EMU: nfemu never has a netlink listener, so as on Linux with
 * nf_conntrack_events=2 no ecache extension exists and nothing waits on the dying list; a
 * notifier can be registered (tests do) to exercise that path.  Separately, every event is
 * shown to nfemu's observer (replay traces), which is not a listener and changes nothing.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_ECACHE_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_ECACHE_H

#include "conntrack/nf_conntrack.h"

enum nf_ct_ecache_state {
	NFCT_ECACHE_DESTROY_FAIL,       /* tried but failed to send destroy event */
	NFCT_ECACHE_DESTROY_SENT,       /* sent destroy event after failure */
};

struct nf_ct_event {
	struct nf_conn *ct;
	u32 portid;
	int report;
};

struct nf_conntrack_expect;
struct nf_exp_event {
	struct nf_conntrack_expect *exp;
	u32 portid;
	int report;
};

struct nf_ct_event_notifier {
	/* < 0: the event was not delivered (the listener's socket is full) */
	int (*ct_event)(unsigned int events, const struct nf_ct_event *item);
	/* IPEXP_NEW / IPEXP_DESTROY of an expectation whose master has an ecache extension
	 * asking for them (expmask); NULL: not interested */
	void (*exp_event)(unsigned int events, const struct nf_exp_event *item);
};

void nf_conntrack_register_notifier(struct net *net, const struct nf_ct_event_notifier *nb);
void nf_conntrack_unregister_notifier(struct net *net);

bool nf_ct_ecache_ext_add(struct nf_conn *ct, u16 ctmask, u16 expmask);

static inline bool nf_ct_ecache_exist(const struct nf_conn *ct)
{
	return nf_ct_ext_exist(ct, NF_CT_EXT_ECACHE);
}

void nf_conntrack_event_cache(enum ip_conntrack_events event, struct nf_conn *ct);
int nf_conntrack_eventmask_report(unsigned int eventmask, struct nf_conn *ct, u32 portid,
				  int report);
void nf_ct_deliver_cached_events(struct nf_conn *ct);

static inline int nf_conntrack_event_report(enum ip_conntrack_events event, struct nf_conn *ct,
					    u32 portid, int report)
{
	if (nf_ct_ecache_exist(ct))
		return nf_conntrack_eventmask_report(1u << event, ct, portid, report);
	return 0;
}

static inline int nf_conntrack_event(enum ip_conntrack_events event, struct nf_conn *ct)
{
	if (nf_ct_ecache_exist(ct))
		return nf_conntrack_eventmask_report(1u << event, ct, 0, 0);
	return 0;
}

void nf_ct_expect_event_report(enum ip_conntrack_expect_events event,
			       struct nf_conntrack_expect *exp, u32 portid, int report);

/* Schedule (DESTROY_FAIL) or hurry (DESTROY_SENT) the redelivery work. */
void nf_conntrack_ecache_work(struct net *net, enum nf_ct_ecache_state state);
/* EMU: run the redelivery work if its deadline has passed. */
void nf_conntrack_ecache_run(struct net *net);

/* ---------------------------------------------------------------- EMU: the observer */

/* An NFEMU_EV_CT event about ct for the replay's --explain trace and JSON Lines (only when
 * the observer asked for them: net->observer.ct_events).  str, a, b: see enum nfemu_ct_what.
 * skb NULL: the packet conntrack is working on, if any. */
void nf_ct_observe(const struct nf_conn *ct, const struct sk_buff *skb, enum nfemu_ct_what what,
		   const char *str, u32 a, u32 b);
/* The same about an expectation. */
void nf_ct_observe_exp(const struct nf_conntrack_expect *exp, enum nfemu_ct_what what, bool flag,
		       u32 a);
/* Report the events cached for the observer since the last report ([NEW], [UPDATE]). */
void nf_ct_observe_events(struct nf_conn *ct, const struct sk_buff *skb);
/* A tracker's verdict on skb, in binary (NFEMU_CT_INVALID): why (enum nfemu_ct_invalid) and
 * its numbers, the protocol its log line names, the entry if it has one.  Reported whatever
 * nf_conntrack_log_invalid says, where Linux calls nf_l4proto_log_invalid (and where it
 * judges a packet INVALID silently). */
void nf_ct_observe_invalid(struct net *net, const struct sk_buff *skb, const struct nf_conn *ct,
			   u8 protonum, enum nfemu_ct_invalid why, u32 a, u32 b, u32 c);

#endif
