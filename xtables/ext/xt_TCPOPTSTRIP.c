/* xtables/ext/xt_TCPOPTSTRIP.c - the "TCPOPTSTRIP" target: strip TCP options (mangle only).
 *
 * Mirrors net/netfilter/xt_TCPOPTSTRIP.c, which has no checkentry: the mangle table and
 * -p tcp restrictions are enforced by xt_check_target.  Leaves out the IPv6 registration
 * and the packet path (.target is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

static const struct xt_target tcpoptstrip_tg_reg[] = {
	{
		.name       = "TCPOPTSTRIP",
		.family     = NFPROTO_IPV4,
		.table      = "mangle",
		.proto      = IPPROTO_TCP,
		.targetsize = sizeof(struct xt_tcpoptstrip_target_info),
	},
};

static int tcpoptstrip_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tcpoptstrip_tg_reg, ARRAY_SIZE(tcpoptstrip_tg_reg));
}

static void tcpoptstrip_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tcpoptstrip_tg_reg, ARRAY_SIZE(tcpoptstrip_tg_reg));
}

const struct module_info module_info_xt_TCPOPTSTRIP = {
	.name = "xt_TCPOPTSTRIP",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TCPOPTSTRIP", "ip6t_TCPOPTSTRIP"),
	.init = tcpoptstrip_tg_init,
	.exit = tcpoptstrip_tg_exit,
};
