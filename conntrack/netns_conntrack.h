/* conntrack/netns_conntrack.h - connection tracking's per-namespace state (net->ct).
 *
 * Mirrors include/net/netns/conntrack.h together with struct nf_conntrack_net (count, users)
 * and what nf_conntrack_core.c keeps kernel-wide (the hash, its size, the gc worker), which
 * nfemu keeps per net.  The sysctls are net->ipv4.nf_ct (netstack/netns_ipv4.h), where the
 * topology's `sysctl -w` writes them.  EMU: the unconfirmed list Linux dropped in 6.0 is kept,
 * so that tests and traces can see where a new entry lives until its first packet is
 * confirmed; delayed works are deadlines on the capture clock, run by nf_conntrack_run_timers.
 */
#ifndef NFEMU_CONNTRACK_NETNS_CONNTRACK_H
#define NFEMU_CONNTRACK_NETNS_CONNTRACK_H

#include "kernel/kernel.h"
#include "kernel/list.h"
#include "conntrack/nf_conntrack_common.h"

#include <linux/netfilter/nf_conntrack_ftp.h>

struct hlist_head;
struct nf_conntrack_expect;
struct nf_ct_event_notifier;
struct nf_conntrack_helper;
struct sk_buff;

/* The gc worker's state (struct conntrack_gc_work in nf_conntrack_core.c). */
struct conntrack_gc_work {
	bool queued;                    /* EMU: the delayed work is armed... */
	u32 when;                       /* ...to run at this jiffy */
	u32 next_bucket;
	u32 avg_timeout;
	u32 count;
	u32 start_time;
	bool early_drop;
};

struct netns_ct {
	bool ready;                     /* nf_conntrack_init_net() ran: the module is loaded */
	/* struct nf_conntrack_net */
	unsigned int count;             /* nf_conntrack_count: allocated, not yet freed */
	unsigned int expect_count;
	unsigned int users4;            /* nf_ct_netns_get(NFPROTO_IPV4) references */
	/* nf_defrag_ipv4 (a module of its own: kept when nf_conntrack reloads) */
	struct {
		unsigned int users;     /* net->nf.defrag_ipv4_users */
		struct sk_buff *stolen; /* EMU: stolen fragments, freed after the hook returned */
	} defrag;
	/* EMU: Linux's one hash for all namespaces, here per net (nf_conntrack_hash) */
	struct hlist_head *hash;
	unsigned int htable_size;
	u32 hash_rnd;                   /* EMU: a fixed key, not get_random_once */
	/* EMU: entries allocated for a packet, not confirmed yet (struct nf_conn.emu_list) */
	struct list_head unconfirmed;
	/* nf_conntrack_expect.c: the expectation hash (EMU: per net; Linux has one global
	 * nf_ct_expect_hash of nf_ct_expect_hsize buckets for every netns) */
	struct hlist_head *expect_hash;
	unsigned int expect_hsize;
	/* nf_conntrack_helper.c: the registered helpers, struct nf_conntrack_helper.list
	 * (EMU: per net, a list; Linux: the global nf_ct_helper_hash) */
	struct list_head helpers;
	struct nf_conntrack_helper *builtin_helpers;    /* EMU: the stand-ins, see the helper file */
	/* struct nf_ct_helper_expectfn.head: expectfns by name (nf_ct_helper_expectfn_register) */
	struct list_head expectfn_list;
	/* nf_conntrack_acct.c: accounting forced on by xt_connbytes (nf_ct_set_acct).
	 * EMU: Linux writes the sysctl (net->ct.sysctl_acct); nfemu's sysctls are reset when the
	 * IPv4 stack of a replay is set up after the ruleset was loaded, so the force is kept
	 * here as well */
	bool acct_forced;
	/* ecache: entries whose destroy event could not be delivered, waiting for redelivery */
	struct list_head dying;
	struct {
		bool queued;
		u32 when;
	} ecache_dwork;
	bool ecache_dwork_pending;
	const struct nf_ct_event_notifier *nf_conntrack_event_cb;
	/* nf_conntrack_ftp.h nf_nat_ftp_hook: set while nf_nat_ftp is loaded (EMU: per net) */
	unsigned int (*nf_nat_ftp_hook)(struct sk_buff *skb, enum ip_conntrack_info ctinfo,
					enum nf_ct_ftp_type type, unsigned int protoff,
					unsigned int matchoff, unsigned int matchlen,
					struct nf_conntrack_expect *exp);
	struct conntrack_gc_work gc_work;
	struct ip_conntrack_stat stat;
	/* EMU: cause of the destroy in progress, for the observer ("timeout", "early drop") */
	const char *emu_destroy_why;
	/* EMU: the packet a conntrack hook is working on, so the observer's lines about other
	 * entries (a gc, an early drop) are told with the packet that caused them */
	const struct sk_buff *emu_skb;
	/* net_ratelimit() of "table full" (EMU: per net, on the capture clock) */
	u32 warn_begin;
	unsigned int warn_printed;
};

#endif
