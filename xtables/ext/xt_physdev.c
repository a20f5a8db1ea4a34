/* xtables/ext/xt_physdev.c - the "physdev" match: bridge ports of bridged packets.
 *
 * Mirrors net/netfilter/xt_physdev.c: the IPv4 registration, checkentry and the match for
 * packets that crossed no bridge.  Leaves out the IPv6 registration and, as nfemu has no
 * bridge (no br_netfilter), the bridge port tests and the request_module("br_netfilter").
 */
#include <linux/netfilter/xt_physdev.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

static bool physdev_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_physdev_info *info = par->matchinfo;

	(void)skb;
	/* !nf_bridge_info_exists(skb), always (EMU: no bridge).  Not a bridged IP packet
	 * or no info available yet: match if the invert flags of the used options are on. */
	if ((info->bitmask & XT_PHYSDEV_OP_BRIDGED) && !(info->invert & XT_PHYSDEV_OP_BRIDGED))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_ISIN) && !(info->invert & XT_PHYSDEV_OP_ISIN))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_ISOUT) && !(info->invert & XT_PHYSDEV_OP_ISOUT))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_IN) && !(info->invert & XT_PHYSDEV_OP_IN))
		return false;
	if ((info->bitmask & XT_PHYSDEV_OP_OUT) && !(info->invert & XT_PHYSDEV_OP_OUT))
		return false;
	return true;
}

#define pr_fmt(fmt) "xt_physdev: " fmt

static int physdev_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_physdev_info *info = par->matchinfo;

	if (!(info->bitmask & XT_PHYSDEV_OP_MASK) ||
	    info->bitmask & ~XT_PHYSDEV_OP_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("bad option mask 0x%x\n"), info->bitmask);
		return -EINVAL;
	}
	if (info->bitmask & (XT_PHYSDEV_OP_OUT | XT_PHYSDEV_OP_ISOUT) &&
	    (!(info->bitmask & XT_PHYSDEV_OP_BRIDGED) ||
	     info->invert & XT_PHYSDEV_OP_BRIDGED) &&
	    par->hook_mask & (1 << NF_INET_LOCAL_OUT)) {
		pr_info_ratelimited(par->net, pr_fmt("--physdev-out and --physdev-is-out only supported "
				    "in the FORWARD and POSTROUTING chains with bridged traffic\n"));
		return -EINVAL;
	}
	/* EMU: Linux loads br_netfilter here on first use; nfemu emulates no bridge. */
	return 0;
}

static const struct xt_match physdev_mt_reg[] = {
	{
		.name		= "physdev",
		.family		= NFPROTO_IPV4,
		.checkentry	= physdev_mt_check,
		.match		= physdev_mt,
		.matchsize	= sizeof(struct xt_physdev_info),
	},
};

static int physdev_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, physdev_mt_reg, ARRAY_SIZE(physdev_mt_reg));
}

static void physdev_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, physdev_mt_reg, ARRAY_SIZE(physdev_mt_reg));
}

const struct module_info module_info_xt_physdev = {
	.name = "xt_physdev",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_physdev", "ip6t_physdev"),
	.init = physdev_mt_init,
	.exit = physdev_mt_exit,
};
