/* xtables/ext/xt_rateest.c - the "rateest" match: compare rate estimators made by RATEEST.
 *
 * Mirrors net/netfilter/xt_rateest.c: checkentry (flags, mode, holds the named estimators of
 * xt_RATEEST, ENOENT without them) and xt_rateest_mt (absolute or relative, delta, lt/gt/eq on
 * bytes and/or packets per second).  Leaves out: nothing.
 */
#include <linux/netfilter/xt_rateest.h>

#include "kernel/module.h"
#include "xtables/ext/xt_rateest.h"
#include "xtables/x_tables.h"

static bool xt_rateest_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_rateest_match_info *info = par->matchinfo;
	struct gnet_stats_rate_est64 sample = {0};
	u64 bps1, bps2, pps1, pps2;
	bool ret = true;

	(void)skb;
	gen_estimator_read(xt_net(par), info->est1, &sample);

	if (info->flags & XT_RATEEST_MATCH_DELTA) {
		bps1 = info->bps1 >= sample.bps ? info->bps1 - sample.bps : 0;
		pps1 = info->pps1 >= sample.pps ? info->pps1 - sample.pps : 0;
	} else {
		bps1 = sample.bps;
		pps1 = sample.pps;
	}

	if (info->flags & XT_RATEEST_MATCH_ABS) {
		bps2 = info->bps2;
		pps2 = info->pps2;
	} else {
		gen_estimator_read(xt_net(par), info->est2, &sample);

		if (info->flags & XT_RATEEST_MATCH_DELTA) {
			bps2 = info->bps2 >= sample.bps ? info->bps2 - sample.bps : 0;
			pps2 = info->pps2 >= sample.pps ? info->pps2 - sample.pps : 0;
		} else {
			bps2 = sample.bps;
			pps2 = sample.pps;
		}
	}

	switch (info->mode) {
	case XT_RATEEST_MATCH_LT:
		if (info->flags & XT_RATEEST_MATCH_BPS)
			ret &= bps1 < bps2;
		if (info->flags & XT_RATEEST_MATCH_PPS)
			ret &= pps1 < pps2;
		break;
	case XT_RATEEST_MATCH_GT:
		if (info->flags & XT_RATEEST_MATCH_BPS)
			ret &= bps1 > bps2;
		if (info->flags & XT_RATEEST_MATCH_PPS)
			ret &= pps1 > pps2;
		break;
	case XT_RATEEST_MATCH_EQ:
		if (info->flags & XT_RATEEST_MATCH_BPS)
			ret &= bps1 == bps2;
		if (info->flags & XT_RATEEST_MATCH_PPS)
			ret &= pps1 == pps2;
		break;
	}

	ret ^= info->flags & XT_RATEEST_MATCH_INVERT ? true : false;
	return ret;
}

static int xt_rateest_mt_checkentry(const struct xt_mtchk_param *par)
{
	struct xt_rateest_match_info *info = par->matchinfo;
	struct xt_rateest *est1, *est2;
	unsigned int absrel = info->flags & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_REL);

	/* EMU: the kernel refuses silently in this function; the reasons are nfemu's. */
	if (absrel == 0 || (absrel & (absrel - 1)) != 0) {
		pr_debug(par->net, "xt_rateest: need exactly one of absolute and relative mode");
		return -EINVAL;
	}

	if (!(info->flags & (XT_RATEEST_MATCH_BPS | XT_RATEEST_MATCH_PPS))) {
		pr_debug(par->net, "xt_rateest: need bps or pps");
		return -EINVAL;
	}

	switch (info->mode) {
	case XT_RATEEST_MATCH_EQ:
	case XT_RATEEST_MATCH_LT:
	case XT_RATEEST_MATCH_GT:
		break;
	default:
		pr_debug(par->net, "xt_rateest: unknown mode %u", info->mode);
		return -EINVAL;
	}

	est1 = xt_rateest_lookup(par->net, info->name1);
	if (!est1) {
		pr_debug(par->net, "xt_rateest: no estimator %.*s", IFNAMSIZ, info->name1);
		return -ENOENT;
	}

	est2 = NULL;
	if (info->flags & XT_RATEEST_MATCH_REL) {
		est2 = xt_rateest_lookup(par->net, info->name2);
		if (!est2) {
			pr_debug(par->net, "xt_rateest: no estimator %.*s", IFNAMSIZ, info->name2);
			xt_rateest_put(par->net, est1);
			return -ENOENT;
		}
	}

	info->est1 = est1;
	info->est2 = est2;
	return 0;
}

static void xt_rateest_mt_destroy(const struct xt_mtdtor_param *par)
{
	struct xt_rateest_match_info *info = par->matchinfo;

	xt_rateest_put(par->net, info->est1);
	if (info->est2)
		xt_rateest_put(par->net, info->est2);
}

static const struct xt_match xt_rateest_mt_reg[] = {
	{
		.name		= "rateest",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= xt_rateest_mt,
		.checkentry	= xt_rateest_mt_checkentry,
		.destroy	= xt_rateest_mt_destroy,
		.matchsize	= sizeof(struct xt_rateest_match_info),
		.usersize	= offsetof(struct xt_rateest_match_info, est1),
	},
};

static int xt_rateest_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, xt_rateest_mt_reg, ARRAY_SIZE(xt_rateest_mt_reg));
}

static void xt_rateest_mt_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, xt_rateest_mt_reg, ARRAY_SIZE(xt_rateest_mt_reg));
}

const struct module_info module_info_xt_rateest = {
	.name = "xt_rateest",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables", "xt_RATEEST"),
	.aliases = MODULE_ALIASES("ipt_rateest", "ip6t_rateest"),
	.init = xt_rateest_mt_init,
	.exit = xt_rateest_mt_fini,
};
