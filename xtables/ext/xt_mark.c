/* xtables/ext/xt_mark.c - the "mark" match (rev 1) and the "MARK" target (rev 2).
 *
 * Mirrors net/netfilter/xt_mark.c: neither has a checkentry; any mark/mask is stored as given.
 * mark_tg sets skb->mark = (mark & ~mask) ^ value; mark_mt compares (mark & mask) with value.
 * Leaves out: the IPv6/ARP registrations.
 */
#include <linux/netfilter/xt_mark.h>

#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static unsigned int mark_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_mark_tginfo2 *info = par->targinfo;

	skb->mark = (skb->mark & ~info->mask) ^ info->mark;
	return XT_CONTINUE;
}

static bool mark_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_mark_mtinfo1 *info = par->matchinfo;

	return ((skb->mark & info->mask) == info->mark) ^ info->invert;
}

static const struct xt_target mark_tg_reg[] = {
	{
		.name		= "MARK",
		.revision	= 2,
		.family		= NFPROTO_IPV4,
		.target		= mark_tg,
		.targetsize	= sizeof(struct xt_mark_tginfo2),
	},
};

static const struct xt_match mark_mt_reg[] = {
	{
		.name		= "mark",
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.match		= mark_mt,
		.matchsize	= sizeof(struct xt_mark_mtinfo1),
	},
};

static int mark_mt_init(struct net *net, struct module *mod)
{
	int ret;

	ret = xt_register_targets(net, mod, mark_tg_reg, ARRAY_SIZE(mark_tg_reg));
	if (ret < 0)
		return ret;
	ret = xt_register_matches(net, mod, mark_mt_reg, ARRAY_SIZE(mark_mt_reg));
	if (ret < 0)
		xt_unregister_targets(net, mark_tg_reg, ARRAY_SIZE(mark_tg_reg));
	return ret;
}

static void mark_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, mark_mt_reg, ARRAY_SIZE(mark_mt_reg));
	xt_unregister_targets(net, mark_tg_reg, ARRAY_SIZE(mark_tg_reg));
}

const struct module_info module_info_xt_mark = {
	.name = "xt_mark",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_mark", "ip6t_mark", "ipt_MARK", "ip6t_MARK", "arpt_MARK"),
	.init = mark_mt_init,
	.exit = mark_mt_exit,
};
