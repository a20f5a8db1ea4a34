/* xtables/ext/xt_HL.c - the "TTL" target: set, increment or decrement the IPv4 TTL.
 *
 * Mirrors net/netfilter/xt_HL.c: the IPv4 registration ("TTL", mangle table only) and its
 * checkentry (a known mode; increment/decrement by 0 refused).  Leaves out the IPv6 "HL"
 * registration and the packet path (.target is NULL: not emulated at run time yet).
 */
#include <linux/netfilter_ipv4/ipt_TTL.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_HL: " fmt	/* EMU: for our debug lines; the kernel prints none */

static int ttl_tg_check(const struct xt_tgchk_param *par)
{
	const struct ipt_TTL_info *info = par->targinfo;

	if (info->mode > IPT_TTL_MAXMODE) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown TTL mode %u\n"), info->mode);
		return -EINVAL;
	}
	if (info->mode != IPT_TTL_SET && info->ttl == 0) {
		pr_debug(par->net, pr_fmt("increment/decrement by 0\n"));   /* EMU: as above */
		return -EINVAL;
	}
	return 0;
}

static const struct xt_target hl_tg_reg[] = {
	{
		.name       = "TTL",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct ipt_TTL_info),
		.table      = "mangle",
		.checkentry = ttl_tg_check,
	},
};

static int hl_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, hl_tg_reg, ARRAY_SIZE(hl_tg_reg));
}

static void hl_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, hl_tg_reg, ARRAY_SIZE(hl_tg_reg));
}

const struct module_info module_info_xt_HL = {
	.name = "xt_HL",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TTL", "ip6t_HL"),
	.init = hl_tg_init,
	.exit = hl_tg_exit,
};
