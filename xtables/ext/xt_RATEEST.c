/* xtables/ext/xt_RATEEST.c - the "RATEEST" target: feed packets into a named rate estimator.
 *
 * Mirrors net/netfilter/xt_RATEEST.c and the estimator of net/core/gen_estimator.c: per-net
 * named estimators (shared only with the same interval/ewmalog), the byte/packet counters the
 * target feeds, the averaging timer on the capture clock.  Leaves out: per-CPU counters, locks.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_RATEEST.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "kernel/net.h"
#include "netstack/skbuff.h"
#include "xtables/ext/xt_rateest.h"
#include "xtables/x_tables.h"

/* net_generic(net, NET_GENERIC_RATEEST).  EMU: a list instead of a jhash table. */
struct xt_rateest_net {
	struct list_head hash;
};

static struct xt_rateest_net *xt_rateest_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_RATEEST);
}

static struct xt_rateest *__xt_rateest_lookup(struct xt_rateest_net *xn, const char *name)
{
	struct xt_rateest *est;

	list_for_each_entry(est, &xn->hash, list) {
		if (strcmp(est->name, name) == 0) {
			est->refcnt++;
			return est;
		}
	}
	return NULL;
}

struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);

	if (xn == NULL)
		return NULL;
	return __xt_rateest_lookup(xn, name);
}

void xt_rateest_put(struct net *net, struct xt_rateest *est)
{
	(void)net;
	if (--est->refcnt == 0) {
		/* gen_kill_estimator(): the timer goes with it */
		list_del(&est->list);
		free(est);
	}
}

/* est_timer(): fold one period's increase of the counters into the averages. */
static void est_timer(struct xt_rateest *xe)
{
	struct net_rate_estimator *est = &xe->rate_est;
	u64 b_bytes = xe->bstats.bytes, b_packets = xe->bstats.packets;
	u64 rate, brate;

	brate = (b_bytes - est->last_bytes) << (10 - est->intvl_log);
	brate = (brate >> est->ewma_log) - (est->avbps >> est->ewma_log);

	rate = (b_packets - est->last_packets) << (10 - est->intvl_log);
	rate = (rate >> est->ewma_log) - (est->avpps >> est->ewma_log);

	est->avbps += brate;
	est->avpps += rate;

	est->last_bytes = b_bytes;
	est->last_packets = b_packets;

	est->next_jiffies += ((HZ / 4) << est->intvl_log);
}

/* EMU: the timer (every (HZ/4) << intvl_log jiffies) runs on the capture clock: each time the
 * estimator is fed or read, the periods that ended by then are run first, exactly on schedule
 * (Linux's timer wheel may fire a 1-8 s timer up to 8 or 64 jiffies late).  Once the counters
 * stand still and the averages are too small for the shift to move them, the remaining periods
 * change nothing and are skipped. */
static void gen_estimator_catch_up(struct net *net, struct xt_rateest *xe)
{
	struct net_rate_estimator *est = &xe->rate_est;
	unsigned long now = nfemu_jiffies(net);
	unsigned long period = (HZ / 4) << est->intvl_log;

	while (time_after_eq(now, est->next_jiffies)) {
		if (xe->bstats.bytes == est->last_bytes && xe->bstats.packets == est->last_packets &&
		    !(est->avbps >> est->ewma_log) && !(est->avpps >> est->ewma_log)) {
			est->next_jiffies += ((now - est->next_jiffies) / period + 1) * period;
			break;
		}
		est_timer(xe);
	}
}

bool gen_estimator_read(struct net *net, struct xt_rateest *xe, struct gnet_stats_rate_est64 *sample)
{
	gen_estimator_catch_up(net, xe);
	sample->bps = xe->rate_est.avbps >> 8;
	sample->pps = xe->rate_est.avpps >> 8;
	return true;
}

static unsigned int xt_rateest_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_rateest_target_info *info = par->targinfo;
	struct xt_rateest *est = info->est;

	gen_estimator_catch_up(xt_net(par), est);
	est->bstats.bytes += skb->len;
	est->bstats.packets++;
	return XT_CONTINUE;
}

/* The parameter checks of gen_new_estimator() (net/core/gen_estimator.c). */
static int gen_new_estimator_check(signed char interval, unsigned char ewma_log)
{
	/* allowed timer periods are :
	 * -2 : 250ms,   -1 : 500ms,    0 : 1 sec
	 *  1 : 2 sec,    2 : 4 sec,    3 : 8 sec
	 */
	if (interval < -2 || interval > 3)
		return -EINVAL;

	if (ewma_log == 0 || ewma_log >= 31)
		return -EINVAL;

	return 0;
}

static int xt_rateest_tg_checkentry(const struct xt_tgchk_param *par)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(par->net);
	struct xt_rateest_target_info *info = par->targinfo;
	struct xt_rateest *est;
	int ret;

	if (strnlen(info->name, sizeof(est->name)) >= sizeof(est->name)) {
		/* EMU: the kernel refuses silently here and below; the reasons are nfemu's. */
		pr_debug(par->net, "xt_RATEEST: estimator name not terminated");
		return -ENAMETOOLONG;
	}

	est = __xt_rateest_lookup(xn, info->name);
	if (est) {
		/*
		 * If estimator parameters are specified, they must match the
		 * existing estimator.
		 */
		if ((!info->interval && !info->ewma_log) ||
		    (info->interval != est->params.interval ||
		     info->ewma_log != est->params.ewma_log)) {
			pr_debug(par->net, "xt_RATEEST: estimator %s exists with other parameters",
				 info->name);
			xt_rateest_put(par->net, est);
			return -EINVAL;
		}
		info->est = est;
		return 0;
	}

	ret = gen_new_estimator_check(info->interval, info->ewma_log);
	if (ret < 0) {
		pr_debug(par->net, "xt_RATEEST: invalid interval %d or ewmalog %u",
			 info->interval, info->ewma_log);
		return ret;
	}

	est = calloc(1, sizeof(*est));
	if (!est)
		return -ENOMEM;

	memcpy(est->name, info->name, sizeof(est->name));	/* NUL-terminated: checked above */
	est->refcnt = 1;
	est->params.interval = info->interval;
	est->params.ewma_log = info->ewma_log;

	/* gen_new_estimator(): the counters start at 0, the first period ends one period on */
	est->rate_est.intvl_log = (u8)(info->interval + 2);
	est->rate_est.ewma_log = info->ewma_log;
	est->rate_est.next_jiffies = nfemu_jiffies(par->net) +
				     ((HZ / 4) << est->rate_est.intvl_log);

	info->est = est;
	list_add(&est->list, &xn->hash);
	return 0;
}

static void xt_rateest_tg_destroy(const struct xt_tgdtor_param *par)
{
	struct xt_rateest_target_info *info = par->targinfo;

	xt_rateest_put(par->net, info->est);
}

static const struct xt_target xt_rateest_tg_reg[] = {
	{
		.name		= "RATEEST",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.target		= xt_rateest_tg,
		.checkentry	= xt_rateest_tg_checkentry,
		.destroy	= xt_rateest_tg_destroy,
		.targetsize	= sizeof(struct xt_rateest_target_info),
		.usersize	= offsetof(struct xt_rateest_target_info, est),
	},
};

static int xt_rateest_net_init(struct net *net)
{
	struct xt_rateest_net *xn = calloc(1, sizeof(*xn));

	if (xn == NULL)
		return -ENOMEM;
	INIT_LIST_HEAD(&xn->hash);
	net->gen[NET_GENERIC_RATEEST] = xn;
	return 0;
}

static void xt_rateest_net_exit(struct net *net)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);

	if (xn == NULL)
		return;
	/* Rules hold the module, so no estimator is left here unless the net is torn down with
	 * rules in place: those rules still point at their estimators, so keep them all. */
	if (!list_empty(&xn->hash))
		return;
	free(xn);
	net->gen[NET_GENERIC_RATEEST] = NULL;
}

static int xt_rateest_tg_init(struct net *net, struct module *mod)
{
	int err;

	err = xt_rateest_net_init(net);
	if (err)
		return err;
	err = xt_register_targets(net, mod, xt_rateest_tg_reg, ARRAY_SIZE(xt_rateest_tg_reg));
	if (err)
		xt_rateest_net_exit(net);
	return err;
}

static void xt_rateest_tg_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, xt_rateest_tg_reg, ARRAY_SIZE(xt_rateest_tg_reg));
	xt_rateest_net_exit(net);
}

/* EMU: the state file keeps each estimator's counts and averages (kernel/rtstate.h). */
static void xt_rateest_rt_save(struct net *net, struct rts_w *w)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);
	struct xt_rateest *est;
	u32 n = 0;

	if (!xn || list_empty(&xn->hash))
		return;
	list_for_each_entry(est, &xn->hash, list)
		n++;
	RTS_PUT(w, n);
	list_for_each_entry(est, &xn->hash, list) {
		const struct net_rate_estimator *re = &est->rate_est;
		u8 len = (u8)strlen(est->name);
		u64 next = re->next_jiffies;

		RTS_PUT(w, len);
		rts_put(w, est->name, len);
		RTS_PUT(w, est->bstats.bytes);
		RTS_PUT(w, est->bstats.packets);
		RTS_PUT(w, re->last_packets);
		RTS_PUT(w, re->last_bytes);
		RTS_PUT(w, re->avpps);
		RTS_PUT(w, re->avbps);
		RTS_PUT(w, next);
	}
}

static int xt_rateest_rt_load(struct net *net, struct rts_r *r)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);
	u32 n;

	if (!RTS_GET(r, n))
		return -EINVAL;
	for (u32 i = 0; i < n; i++) {
		char name[IFNAMSIZ];
		struct xt_rateest *est, *it;
		struct net_rate_estimator *re;
		u64 next;
		u8 len;

		if (!RTS_GET(r, len) || len == 0 || len >= sizeof(name) || !rts_get(r, name, len))
			return rts_bad(r, "bad estimator name");
		name[len] = '\0';
		est = NULL;
		list_for_each_entry(it, &xn->hash, list)      /* no reference taken */
			if (!strcmp(it->name, name))
				est = it;
		if (!est)
			return rts_bad(r, "an estimator no rule names");
		re = &est->rate_est;
		if (!RTS_GET(r, est->bstats.bytes) || !RTS_GET(r, est->bstats.packets) ||
		    !RTS_GET(r, re->last_packets) || !RTS_GET(r, re->last_bytes) ||
		    !RTS_GET(r, re->avpps) || !RTS_GET(r, re->avbps) || !RTS_GET(r, next))
			return -EINVAL;
		re->next_jiffies = (unsigned long)next;
	}
	return 0;
}

const struct module_info module_info_xt_RATEEST = {
	.name = "xt_RATEEST",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_RATEEST", "ip6t_RATEEST"),
	.init = xt_rateest_tg_init,
	.exit = xt_rateest_tg_fini,
	.rt_save = xt_rateest_rt_save,
	.rt_load = xt_rateest_rt_load,
};
