/* xtables/ext/xt_rateest.h - named rate estimators shared by RATEEST and the rateest match.
 *
 * Mirrors include/net/netfilter/xt_rateest.h (struct xt_rateest, xt_rateest_lookup/put) and
 * gen_estimator's net_rate_estimator and gen_estimator_read (include/net/gen_stats.h).
 * EMU: the estimator's timer runs on the capture clock (xt_RATEEST.c).  Leaves out: per-CPU
 * counters, the RCU pointer to the estimator.
 */
#ifndef NFEMU_XTABLES_EXT_XT_RATEEST_H
#define NFEMU_XTABLES_EXT_XT_RATEEST_H

#include <linux/if.h>
#include "kernel/kernel.h"
#include "kernel/list.h"

struct net;

/* struct gnet_stats_rate_est64: what gen_estimator_read() returns. */
struct gnet_stats_rate_est64 {
	u64 bps;
	u64 pps;
};

/* struct net_rate_estimator, with its timer as the next expiry in jiffies. */
struct net_rate_estimator {
	u8 ewma_log;
	u8 intvl_log;                   /* period: (250ms << intvl_log) */
	u64 last_packets;
	u64 last_bytes;
	u64 avpps;
	u64 avbps;
	unsigned long next_jiffies;
};

struct xt_rateest {
	/* keep lock and bstats on same cache line to speedup xt_rateest_tg() */
	struct {                        /* struct gnet_stats_basic_sync */
		u64 bytes;
		u64 packets;
	} bstats;
	struct list_head list;          /* xt_rateest_net.hash */
	char name[IFNAMSIZ];
	unsigned int refcnt;
	struct {                        /* struct gnet_estimator */
		signed char interval;
		unsigned char ewma_log;
	} params;
	struct net_rate_estimator rate_est;
};

/* Find an estimator by name and take a reference, or NULL. */
struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name);
void xt_rateest_put(struct net *net, struct xt_rateest *est);

/* gen_estimator_read(): the current estimate (bytes and packets per second), after running
 * the estimator's timer up to the net's clock. */
bool gen_estimator_read(struct net *net, struct xt_rateest *est, struct gnet_stats_rate_est64 *sample);

#endif
