/* xtables/ext/xt_conntrack.c - the "conntrack" match (revisions 1-3): state, status, tuple
 * addresses and ports, expiry and direction of the packet's connection.
 *
 * Mirrors net/netfilter/xt_conntrack.c: three NFPROTO_UNSPEC revisions sharing one
 * checkentry that only takes a conntrack reference (nf_ct_netns_get).
 * Leaves out: conntrack_mt_v1/v2/v3 (packet matching needs conntrack/).
 */
#include <linux/netfilter/xt_conntrack.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int conntrack_mt_check(const struct xt_mtchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "xt_conntrack: cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void conntrack_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match conntrack_mt_reg[] = {
	{
		.name       = "conntrack",
		.revision   = 1,
		.family     = NFPROTO_UNSPEC,
		.matchsize  = sizeof(struct xt_conntrack_mtinfo1),
		.checkentry = conntrack_mt_check,
		.destroy    = conntrack_mt_destroy,
	},
	{
		.name       = "conntrack",
		.revision   = 2,
		.family     = NFPROTO_UNSPEC,
		.matchsize  = sizeof(struct xt_conntrack_mtinfo2),
		.checkentry = conntrack_mt_check,
		.destroy    = conntrack_mt_destroy,
	},
	{
		.name       = "conntrack",
		.revision   = 3,
		.family     = NFPROTO_UNSPEC,
		.matchsize  = sizeof(struct xt_conntrack_mtinfo3),
		.checkentry = conntrack_mt_check,
		.destroy    = conntrack_mt_destroy,
	},
};

static int conntrack_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, conntrack_mt_reg, ARRAY_SIZE(conntrack_mt_reg));
}

static void conntrack_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, conntrack_mt_reg, ARRAY_SIZE(conntrack_mt_reg));
}

const struct module_info module_info_xt_conntrack = {
	.name = "xt_conntrack",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_conntrack", "ip6t_conntrack"),
	.init = conntrack_mt_init,
	.exit = conntrack_mt_exit,
};
