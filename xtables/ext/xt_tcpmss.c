/* xtables/ext/xt_tcpmss.c - the "tcpmss" match: MSS option ranges of TCP SYNs.
 *
 * Mirrors net/netfilter/xt_tcpmss.c, which has no checkentry: only -p tcp, enforced by
 * xt_check_match through .proto.  Leaves out the IPv6 registration and the packet path
 * (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_tcpmss.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_match tcpmss_mt_reg[] = {
	{
		.name		= "tcpmss",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_tcpmss_match_info),
		.proto		= IPPROTO_TCP,
	},
};

static int tcpmss_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, tcpmss_mt_reg, ARRAY_SIZE(tcpmss_mt_reg));
}

static void tcpmss_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, tcpmss_mt_reg, ARRAY_SIZE(tcpmss_mt_reg));
}

const struct module_info module_info_xt_tcpmss = {
	.name = "xt_tcpmss",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_tcpmss", "ip6t_tcpmss"),
	.init = tcpmss_mt_init,
	.exit = tcpmss_mt_exit,
};
