/* xtables/ext/xt_mac.c - the "mac" match: Ethernet source address.
 *
 * Mirrors net/netfilter/xt_mac.c, which has no checkentry: only the hook restriction
 * (PREROUTING, INPUT, FORWARD), enforced by xt_check_match.  Leaves out the IPv6
 * registration and the packet path (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_mac.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_match mac_mt_reg[] = {
	{
		.name		= "mac",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_mac_info),
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN) |
				  (1 << NF_INET_FORWARD),
	},
};

static int mac_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, mac_mt_reg, ARRAY_SIZE(mac_mt_reg));
}

static void mac_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, mac_mt_reg, ARRAY_SIZE(mac_mt_reg));
}

const struct module_info module_info_xt_mac = {
	.name = "xt_mac",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_mac", "ip6t_mac"),
	.init = mac_mt_init,
	.exit = mac_mt_exit,
};
