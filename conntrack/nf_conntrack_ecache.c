/* conntrack/nf_conntrack_ecache.c - conntrack events: the per-entry cache, delivery to the
 * listener, redelivery of lost DESTROY events from the dying list; and nfemu's observer.
 *
 * Mirrors net/netfilter/nf_conntrack_ecache.c.  With nf_conntrack_events=2 (the default) the
 * ecache extension is only added while a ctnetlink listener exists, so without one no event
 * is ever sent and nf_ct_delete frees entries at once; with 1 it is always added.  A
 * listener whose ct_event fails on DESTROY leaves the entry on net->ct.dying; the ecache work
 * (a second later, then every 10 ms while congested) retries and frees it.
 * EMU: a listener is a struct nf_ct_event_notifier registered per net (nfemu has no
 * netlink); the work is a deadline on the capture clock.  The observer (replay traces) sees
 * every event whether or not a listener exists, without changing what the kernel does.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include "kernel/net.h"
#include "kernel/observe.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "netstack/skbuff.h"

#define ECACHE_MAX_JIFFIES msecs_to_jiffies(10)
#define ECACHE_RETRY_JIFFIES msecs_to_jiffies(10)

enum retry_state {
	STATE_CONGESTED,
	STATE_RESTART,
	STATE_DONE,
};

void nf_conntrack_register_notifier(struct net *net, const struct nf_ct_event_notifier *nb)
{
	net->ct.nf_conntrack_event_cb = nb;
}

void nf_conntrack_unregister_notifier(struct net *net)
{
	net->ct.nf_conntrack_event_cb = NULL;
}

bool nf_ct_ecache_ext_add(struct nf_conn *ct, u16 ctmask, u16 expmask)
{
	struct net *net = nf_ct_net(ct);
	struct nf_conntrack_ecache *e;

	switch (nf_ct_sysctl(net)->events) {
	case 0:
		/* assignment via template / ruleset? ignore sysctl. */
		if (ctmask || expmask)
			break;
		return true;
	case 2: /* autodetect: no event listener, don't allocate extension. */
		if (!net->ct.nf_conntrack_event_cb)
			return true;
		/* fallthrough */
	case 1:
		/* always allocate an extension. */
		if (!ctmask && !expmask) {
			ctmask = (u16)~0;
			expmask = (u16)~0;
		}
		break;
	default:
		return true;
	}
	e = nf_ct_ext_add(ct, NF_CT_EXT_ECACHE);
	if (e) {
		e->ctmask = ctmask;
		e->expmask = expmask;
	}
	return e != NULL;
}

static int __nf_conntrack_eventmask_report(struct nf_conntrack_ecache *e, u32 events, u32 missed,
					   const struct nf_ct_event *item)
{
	struct net *net = nf_ct_net(item->ct);
	const struct nf_ct_event_notifier *notify;
	int ret;

	if (!((events | missed) & e->ctmask))
		return 0;
	notify = net->ct.nf_conntrack_event_cb;
	if (!notify)
		return 0;
	ret = notify->ct_event(events | missed, item);
	if (ret >= 0 && missed == 0)
		return 0;
	if (ret < 0)
		e->missed |= events;
	else
		e->missed &= ~missed;
	return ret;
}

int nf_conntrack_eventmask_report(unsigned int events, struct nf_conn *ct, u32 portid, int report)
{
	struct nf_conntrack_ecache *e;
	struct nf_ct_event item;
	unsigned int missed;
	int ret;

	if (!nf_ct_is_confirmed(ct))
		return 0;
	e = nf_ct_ecache_find(ct);
	if (!e)
		return 0;
	memset(&item, 0, sizeof(item));
	item.ct = ct;
	item.portid = e->portid ? e->portid : portid;
	item.report = report;
	/* This is a resent of a destroy event? If so, skip missed */
	missed = e->portid ? 0 : e->missed;
	ret = __nf_conntrack_eventmask_report(e, events, missed, &item);
	if (ret < 0 && (events & (1u << IPCT_DESTROY))) {
		/* This is a destroy event that has been triggered by a process, we store the
		 * PORTID to include it in the retransmission. */
		if (e->portid == 0 && portid != 0)
			e->portid = portid;
	}
	return ret;
}

void nf_conntrack_event_cache(enum ip_conntrack_events event, struct nf_conn *ct)
{
	struct nf_conntrack_ecache *e;

	ct->emu_events |= (u16)(1u << event);   /* EMU: for the observer */
	if (!nf_ct_net(ct)->ct.nf_conntrack_event_cb)
		return;
	e = nf_ct_ecache_find(ct);
	if (e == NULL)
		return;
	e->cache |= 1ul << event;
}

/* deliver cached events and clear cache entry */
void nf_ct_deliver_cached_events(struct nf_conn *ct)
{
	struct nf_conntrack_ecache *e;
	struct nf_ct_event item;
	unsigned int events;

	if (!nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct))
		return;
	e = nf_ct_ecache_find(ct);
	if (e == NULL)
		return;
	events = (unsigned int)e->cache;
	e->cache = 0;
	item.ct = ct;
	item.portid = 0;
	item.report = 0;
	/* We make a copy of the missed event cache without taking the lock, thus we may send
	 * missed events twice.  However, this does not harm and it happens very rarely. */
	__nf_conntrack_eventmask_report(e, events, e->missed, &item);
}

void nf_ct_expect_event_report(enum ip_conntrack_expect_events event,
			       struct nf_conntrack_expect *exp, u32 portid, int report)
{
	const struct nf_ct_event_notifier *notify = nf_ct_exp_net(exp)->ct.nf_conntrack_event_cb;
	struct nf_conntrack_ecache *e;

	if (!notify || !notify->exp_event)
		return;
	e = nf_ct_ecache_find(exp->master);
	if (!e)
		return;
	if (e->expmask & (1 << event)) {
		struct nf_exp_event item = {
			.exp = exp,
			.portid = portid,
			.report = report,
		};

		notify->exp_event(1u << event, &item);
	}
}

/* ------------------------------------------------------------------------------------------
 * The dying list and its work
 */

static enum retry_state ecache_work_evict_list(struct net *net)
{
	enum retry_state ret = STATE_DONE;
	struct nf_conn *ct, *tmp;
	struct list_head evicted = LIST_HEAD_INIT(evicted);

	list_for_each_entry_safe(ct, tmp, &net->ct.dying, emu_list) {
		/* The worker owns all entries, ct remains valid until nf_ct_put below. */
		if (nf_conntrack_event(IPCT_DESTROY, ct)) {
			ret = STATE_CONGESTED;
			break;
		}
		list_del(&ct->emu_list);
		list_add_tail(&ct->emu_list, &evicted);
	}
	while (!list_empty(&evicted)) {
		ct = list_first_entry(&evicted, struct nf_conn, emu_list);
		list_del_init(&ct->emu_list);
		nf_ct_observe(ct, NULL, NFEMU_CT_REDELIVERED, NULL, 0, 0);
		nf_ct_put(ct);
	}
	return ret;
}

static void ecache_work_queue(struct net *net, unsigned long delay)
{
	net->ct.ecache_dwork.queued = true;
	net->ct.ecache_dwork.when = nfct_time_stamp(net) + (u32)delay;
}

static void ecache_work(struct net *net)
{
	int delay = -1;

	net->ct.ecache_dwork.queued = false;
	switch (ecache_work_evict_list(net)) {
	case STATE_CONGESTED:
		delay = (int)ECACHE_RETRY_JIFFIES;
		break;
	case STATE_RESTART:
		delay = 0;
		break;
	case STATE_DONE:
		break;
	}
	if (delay >= 0)
		ecache_work_queue(net, (unsigned long)delay);
}

void nf_conntrack_ecache_work(struct net *net, enum nf_ct_ecache_state state)
{
	if (state == NFCT_ECACHE_DESTROY_FAIL && !net->ct.ecache_dwork.queued) {
		ecache_work_queue(net, HZ);
		net->ct.ecache_dwork_pending = true;
	} else if (state == NFCT_ECACHE_DESTROY_SENT) {
		if (!list_empty(&net->ct.dying))
			ecache_work_queue(net, 0);      /* mod_delayed_work(.., 0) */
		else
			net->ct.ecache_dwork_pending = false;
	}
}

void nf_conntrack_ecache_run(struct net *net)
{
	if (net->ct.ecache_dwork.queued &&
	    (s32)(nfct_time_stamp(net) - net->ct.ecache_dwork.when) >= 0)
		ecache_work(net);
}

/* ------------------------------------------------------------------------------------------
 * EMU: the observer
 */

static void nf_ct_observe_ev(struct net *net, const struct sk_buff *skb, const struct nfemu_ct_event *ce)
{
	struct nfemu_event ev = { .type = NFEMU_EV_CT, .skb = skb, .ct = ce };

	if (!skb)
		ev.skb = net->ct.emu_skb;
	nfemu_observe(net, &ev);
}

void nf_ct_observe(const struct nf_conn *ct, const struct sk_buff *skb, enum nfemu_ct_what what,
		   const char *str, u32 a, u32 b)
{
	struct net *net = nf_ct_net(ct);
	struct nfemu_ct_event ce = { .what = (u8)what, .str = str, .a = a, .b = b, .ct = ct };

	if (!net || !net->observer.event || !net->observer.ct_events)
		return;
	if (what == NFEMU_CT_FREED)
		ce.flag = nf_ct_is_confirmed(ct);
	if (what == NFEMU_CT_UNCONFIRMED)
		ce.master = ct->master;
	nf_ct_observe_ev(net, skb, &ce);
}

void nf_ct_observe_exp(const struct nf_conntrack_expect *exp, enum nfemu_ct_what what, bool flag,
		       u32 a)
{
	struct net *net = nf_ct_exp_net(exp);
	struct nfemu_ct_event ce = { .what = (u8)what, .flag = flag, .a = a, .exp = exp };

	if (!net || !net->observer.event || !net->observer.ct_events)
		return;
	nf_ct_observe_ev(net, NULL, &ce);
}

void nf_ct_observe_events(struct nf_conn *ct, const struct sk_buff *skb)
{
	const struct nf_conntrack_l4proto *l4;
	unsigned int ev = ct->emu_events;
	struct nfemu_ct_event ce = { .ct = ct };

	if (!ev)
		return;
	ct->emu_events = 0;
	if (!nf_ct_net(ct)->observer.ct_events)
		return;
	/* as nf_ct_deliver_cached_events: a dying entry's updates are not sent */
	if (!nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct))
		return;
	l4 = nf_ct_l4proto_find(nf_ct_protonum(ct));
	ce.state = l4->state_name ? l4->state_name(ct) : NULL;
	ce.events = ev;
	if (ev & ((1u << IPCT_NEW) | (1u << IPCT_RELATED))) {
		ce.what = NFEMU_CT_CONFIRMED;
		if (ev & (1u << IPCT_RELATED))
			ce.master = ct->master;
	} else {
		ce.what = NFEMU_CT_UPDATE;
	}
	nf_ct_observe_ev(nf_ct_net(ct), skb, &ce);
}

void nf_ct_observe_invalid(struct net *net, const struct sk_buff *skb, const struct nf_conn *ct,
			   u8 protonum, enum nfemu_ct_invalid why, u32 a, u32 b, u32 c)
{
	struct nfemu_ct_event ce = { .what = NFEMU_CT_INVALID, .inv = (u8)why, .protonum = protonum,
				     .a = a, .b = b, .c = c, .ct = ct, .pkt = skb };

	if (!net || !net->observer.event || !net->observer.ct_events)
		return;
	nf_ct_observe_ev(net, skb, &ce);
}
