/* xtables/ext/xt_devgroup.c - the "devgroup" match: device group of in/out interface.
 *
 * Mirrors net/netfilter/xt_devgroup.c: one NFPROTO_UNSPEC registration, checkentry (known
 * flags; --src-group only where there is an input device, --dst-group only where there is
 * an output device) and the match: (group ^ dev->group) & mask must be 0, per direction,
 * each inverted on its own flag.
 */
#include <linux/netfilter/xt_devgroup.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "xtables/x_tables.h"

static bool devgroup_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_devgroup_info *info = par->matchinfo;

	(void)skb;
	if (info->flags & XT_DEVGROUP_MATCH_SRC &&
	    (((info->src_group ^ xt_in(par)->group) & info->src_mask ? 1 : 0) ^
	     ((info->flags & XT_DEVGROUP_INVERT_SRC) ? 1 : 0)))
		return false;

	if (info->flags & XT_DEVGROUP_MATCH_DST &&
	    (((info->dst_group ^ xt_out(par)->group) & info->dst_mask ? 1 : 0) ^
	     ((info->flags & XT_DEVGROUP_INVERT_DST) ? 1 : 0)))
		return false;

	return true;
}

#define pr_fmt(fmt) "xt_devgroup: " fmt

static int devgroup_mt_checkentry(const struct xt_mtchk_param *par)
{
	const struct xt_devgroup_info *info = par->matchinfo;
	const char *why = NULL;

	if (info->flags & ~(XT_DEVGROUP_MATCH_SRC | XT_DEVGROUP_INVERT_SRC |
			    XT_DEVGROUP_MATCH_DST | XT_DEVGROUP_INVERT_DST))
		why = "unknown flags";
	else if (info->flags & XT_DEVGROUP_MATCH_SRC &&
		 par->hook_mask & ~((1 << NF_INET_PRE_ROUTING) |
				    (1 << NF_INET_LOCAL_IN) |
				    (1 << NF_INET_FORWARD)))
		why = "source group only in PREROUTING, INPUT and FORWARD";
	else if (info->flags & XT_DEVGROUP_MATCH_DST &&
		 par->hook_mask & ~((1 << NF_INET_FORWARD) |
				    (1 << NF_INET_LOCAL_OUT) |
				    (1 << NF_INET_POST_ROUTING)))
		why = "destination group only in FORWARD, OUTPUT and POSTROUTING";
	if (why) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("%s\n"), why);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match devgroup_mt_reg = {
	.name		= "devgroup",
	.checkentry	= devgroup_mt_checkentry,
	.match		= devgroup_mt,
	.matchsize	= sizeof(struct xt_devgroup_info),
	.family		= NFPROTO_UNSPEC,
};

static int devgroup_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &devgroup_mt_reg);
}

static void devgroup_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &devgroup_mt_reg);
}

const struct module_info module_info_xt_devgroup = {
	.name = "xt_devgroup",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_devgroup", "ip6t_devgroup"),
	.init = devgroup_mt_init,
	.exit = devgroup_mt_exit,
};
