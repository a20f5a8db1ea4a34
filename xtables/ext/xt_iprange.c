/* xtables/ext/xt_iprange.c - the "iprange" match (revision 1): source/destination ranges.
 *
 * Mirrors net/netfilter/xt_iprange.c, which has no checkentry: the registration is all
 * there is to validate.  Leaves out the IPv6 registration and the packet path (.match is
 * NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_iprange.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_match iprange_mt_reg[] = {
	{
		.name      = "iprange",
		.revision  = 1,
		.family    = NFPROTO_IPV4,
		.matchsize = sizeof(struct xt_iprange_mtinfo),
	},
};

static int iprange_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, iprange_mt_reg, ARRAY_SIZE(iprange_mt_reg));
}

static void iprange_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, iprange_mt_reg, ARRAY_SIZE(iprange_mt_reg));
}

const struct module_info module_info_xt_iprange = {
	.name = "xt_iprange",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_iprange", "ip6t_iprange"),
	.init = iprange_mt_init,
	.exit = iprange_mt_exit,
};
