/* xtables/ext/xt_ipcomp.c - the "ipcomp" match: IPComp CPI ranges.
 *
 * Mirrors net/netfilter/xt_ipcomp.c: the IPv4 registration and checkentry (unknown inversion
 * flags are refused with EINVAL); -p ipcomp is enforced by xt_check_match through .proto.
 * Leaves out the IPv6 registration and the packet path (.match is NULL).
 */
#include <linux/netfilter/xt_ipcomp.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_ipcomp: " fmt

static int comp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_ipcomp *compinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (compinfo->invflags & ~XT_IPCOMP_INV_MASK) {
		pr_info_ratelimited(par->net, pr_fmt("unknown flags %X\n"), compinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match comp_mt_reg[] = {
	{
		.name		= "ipcomp",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_ipcomp),
		.proto		= IPPROTO_COMP,
		.checkentry	= comp_mt_check,
	},
};

static int comp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, comp_mt_reg, ARRAY_SIZE(comp_mt_reg));
}

static void comp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, comp_mt_reg, ARRAY_SIZE(comp_mt_reg));
}

const struct module_info module_info_xt_ipcomp = {
	.name = "xt_ipcomp",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_ipcomp", "ip6t_ipcomp"),
	.init = comp_mt_init,
	.exit = comp_mt_exit,
};
