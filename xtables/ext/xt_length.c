/* xtables/ext/xt_length.c - the "length" match: packet length ranges.
 *
 * Mirrors net/netfilter/xt_length.c, which has no checkentry: the registration is all
 * there is to validate.  Leaves out the IPv6 registration and the packet path (.match is
 * NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_length.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_match length_mt_reg[] = {
	{
		.name		= "length",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_length_info),
	},
};

static int length_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, length_mt_reg, ARRAY_SIZE(length_mt_reg));
}

static void length_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, length_mt_reg, ARRAY_SIZE(length_mt_reg));
}

const struct module_info module_info_xt_length = {
	.name = "xt_length",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_length", "ip6t_length"),
	.init = length_mt_init,
	.exit = length_mt_exit,
};
