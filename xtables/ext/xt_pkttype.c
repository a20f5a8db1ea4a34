/* xtables/ext/xt_pkttype.c - the "pkttype" match: unicast, broadcast, multicast, ...
 *
 * Mirrors net/netfilter/xt_pkttype.c, which has no checkentry: one NFPROTO_UNSPEC
 * registration.  Leaves out the packet path (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_pkttype.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_match pkttype_mt_reg = {
	.name      = "pkttype",
	.revision  = 0,
	.family    = NFPROTO_UNSPEC,
	.matchsize = sizeof(struct xt_pkttype_info),
};

static int pkttype_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &pkttype_mt_reg);
}

static void pkttype_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &pkttype_mt_reg);
}

const struct module_info module_info_xt_pkttype = {
	.name = "xt_pkttype",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_pkttype", "ip6t_pkttype"),
	.init = pkttype_mt_init,
	.exit = pkttype_mt_exit,
};
