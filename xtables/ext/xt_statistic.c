/* xtables/ext/xt_statistic.c - the "statistic" match: random or every-nth packet selection.
 *
 * Mirrors net/netfilter/xt_statistic.c: statistic_mt_check (mode, flags, the rule's nth counter
 * in master) and statistic_mt; EMU: random mode draws from the net's seeded generator
 * (kernel/random.h), so a replay with the same --seed picks the same packets; `nfemu test` may force
 * the outcome to explore every branch (net->emu_stat_force).  Leaves out: atomics.
 */
#include <stdlib.h>
#include <linux/netfilter/xt_statistic.h>

#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "kernel/random.h"
#include "xtables/x_tables.h"

/* The nth counter, private to the rule (an atomic_t in the kernel).  EMU: one CPU. */
struct xt_statistic_priv {
	int count;
};

static bool statistic_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_statistic_info *info = par->matchinfo;
	bool ret = info->flags & XT_STATISTIC_INVERT;
	int nval, oval;

	(void)skb;
	/* EMU: a forced outcome (nfemu test's branch exploration, struct net); the nth counter
	 * stays where it is while the outcome is forced */
	if (xt_net(par)->emu_stat_force.decide) {
		bool can_fire, can_miss;

		if (info->mode == XT_STATISTIC_MODE_RANDOM) {
			can_fire = info->u.random.probability > 0;
			can_miss = info->u.random.probability <= 0x7FFFFFFF;
		} else {
			can_fire = true;
			can_miss = info->u.nth.every > 0;
		}
		if (xt_net(par)->emu_stat_force.decide(xt_net(par)->emu_stat_force.ctx, can_fire, can_miss))
			ret = !ret;
		return ret;
	}
	switch (info->mode) {
	case XT_STATISTIC_MODE_RANDOM:
		if ((get_random_u32(xt_net(par)) & 0x7FFFFFFF) < info->u.random.probability)
			ret = !ret;
		break;
	case XT_STATISTIC_MODE_NTH:
		oval = info->master->count;
		nval = (oval == (int)info->u.nth.every) ? 0 : oval + 1;
		info->master->count = nval;
		if (nval == 0)
			ret = !ret;
		break;
	}

	return ret;
}

static int statistic_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_statistic_info *info = par->matchinfo;

	if (info->mode > XT_STATISTIC_MODE_MAX ||
	    info->flags & ~XT_STATISTIC_MASK) {
		/* EMU: the kernel refuses silently; the reason is nfemu's. */
		pr_debug(par->net, "xt_statistic: unknown mode %u or flags 0x%x",
			 info->mode, info->flags);
		return -EINVAL;
	}

	info->master = calloc(1, sizeof(*info->master));
	if (info->master == NULL)
		return -ENOMEM;
	info->master->count = (int)info->u.nth.count;

	return 0;
}

static void statistic_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_statistic_info *info = par->matchinfo;

	free(info->master);
}

/* EMU: the state file keeps the nth counter (kernel/rtstate.h). */
static void statistic_mt_rt_save(const void *matchinfo, struct rts_w *w)
{
	const struct xt_statistic_info *info = matchinfo;
	s32 count = info->master->count;

	RTS_PUT(w, count);
}

static int statistic_mt_rt_load(struct net *net, void *matchinfo, struct rts_r *r)
{
	struct xt_statistic_info *info = matchinfo;
	s32 count;

	(void)net;
	if (!RTS_GET(r, count))
		return -EINVAL;
	info->master->count = count;
	return 0;
}

static const struct xt_match statistic_mt_reg[] = {
	{
		.name		= "statistic",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= statistic_mt,
		.checkentry	= statistic_mt_check,
		.destroy	= statistic_mt_destroy,
		.matchsize	= sizeof(struct xt_statistic_info),
		.usersize	= offsetof(struct xt_statistic_info, master),
		.emu_rt_save	= statistic_mt_rt_save,
		.emu_rt_load	= statistic_mt_rt_load,
	},
};

static int statistic_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, statistic_mt_reg, ARRAY_SIZE(statistic_mt_reg));
}

static void statistic_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, statistic_mt_reg, ARRAY_SIZE(statistic_mt_reg));
}

const struct module_info module_info_xt_statistic = {
	.name = "xt_statistic",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_statistic", "ip6t_statistic"),
	.init = statistic_mt_init,
	.exit = statistic_mt_exit,
};
