/* xtables/ext/xt_DSCP.c - the "DSCP" and "TOS" (revision 1) targets, mangle table only.
 *
 * Mirrors net/netfilter/xt_DSCP.c: the IPv4 registrations; DSCP's checkentry refuses a
 * DSCP above 0x3f with EDOM; TOS has no checkentry.  Leaves out the IPv6 registrations and
 * the packet path (.target is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_DSCP.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_DSCP: " fmt

static int dscp_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_DSCP_info *info = par->targinfo;

	if (info->dscp > XT_DSCP_MAX) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("dscp 0x%x out of range\n"), info->dscp);
		return -EDOM;
	}
	return 0;
}

static const struct xt_target dscp_tg_reg[] = {
	{
		.name		= "DSCP",
		.family		= NFPROTO_IPV4,
		.checkentry	= dscp_tg_check,
		.targetsize	= sizeof(struct xt_DSCP_info),
		.table		= "mangle",
	},
	{
		.name		= "TOS",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.targetsize	= sizeof(struct xt_tos_target_info),
	},
};

static int dscp_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, dscp_tg_reg, ARRAY_SIZE(dscp_tg_reg));
}

static void dscp_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, dscp_tg_reg, ARRAY_SIZE(dscp_tg_reg));
}

const struct module_info module_info_xt_DSCP = {
	.name = "xt_DSCP",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_DSCP", "ip6t_DSCP", "ipt_TOS", "ip6t_TOS"),
	.init = dscp_tg_init,
	.exit = dscp_tg_exit,
};
