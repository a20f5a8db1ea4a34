/* xtables/ext/xt_nat.c - the SNAT and DNAT targets of the nat table (revisions 0-2).
 *
 * Mirrors net/netfilter/xt_nat.c: revision 0 (IPv4 only) takes the old
 * nf_nat_ipv4_multi_range_compat and refuses more than one range; revisions 1
 * (nf_nat_range) and 2 (nf_nat_range2, with --to-destination's base port) are
 * NFPROTO_UNSPEC.  All of them take a conntrack reference.
 * Leaves out: xt_snat_target_v0..v2/xt_dnat_target_v0..v2 (need conntrack/ and nat/).
 */
#include <linux/netfilter/nf_nat.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int xt_nat_checkentry_v0(const struct xt_tgchk_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;

	if (mr->rangesize != 1) {
		pr_info_ratelimited(par->net, "xt_nat: multiple ranges no longer supported\n");
		return -EINVAL;
	}
	return nf_ct_netns_get(par->net, par->family);
}

static int xt_nat_checkentry(const struct xt_tgchk_param *par)
{
	return nf_ct_netns_get(par->net, par->family);
}

static void xt_nat_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

#define SNAT_HOOKS ((1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_IN))
#define DNAT_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static const struct xt_target xt_nat_target_reg[] = {
	{
		.name       = "SNAT",
		.revision   = 0,
		.checkentry = xt_nat_checkentry_v0,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.family     = NFPROTO_IPV4,
		.table      = "nat",
		.hooks      = SNAT_HOOKS,
	},
	{
		.name       = "DNAT",
		.revision   = 0,
		.checkentry = xt_nat_checkentry_v0,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.family     = NFPROTO_IPV4,
		.table      = "nat",
		.hooks      = DNAT_HOOKS,
	},
	{
		.name       = "SNAT",
		.revision   = 1,
		.checkentry = xt_nat_checkentry,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_range),
		.family     = NFPROTO_UNSPEC,
		.table      = "nat",
		.hooks      = SNAT_HOOKS,
	},
	{
		.name       = "DNAT",
		.revision   = 1,
		.checkentry = xt_nat_checkentry,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_range),
		.family     = NFPROTO_UNSPEC,
		.table      = "nat",
		.hooks      = DNAT_HOOKS,
	},
	{
		.name       = "SNAT",
		.revision   = 2,
		.checkentry = xt_nat_checkentry,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_range2),
		.family     = NFPROTO_UNSPEC,
		.table      = "nat",
		.hooks      = SNAT_HOOKS,
	},
	{
		.name       = "DNAT",
		.revision   = 2,
		.checkentry = xt_nat_checkentry,
		.destroy    = xt_nat_destroy,
		.targetsize = sizeof(struct nf_nat_range2),
		.family     = NFPROTO_UNSPEC,
		.table      = "nat",
		.hooks      = DNAT_HOOKS,
	},
};

static int xt_nat_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, xt_nat_target_reg, ARRAY_SIZE(xt_nat_target_reg));
}

static void xt_nat_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, xt_nat_target_reg, ARRAY_SIZE(xt_nat_target_reg));
}

const struct module_info module_info_xt_nat = {
	.name = "xt_nat",
	.size = 16384,
	.depends = MODULE_DEPS("nf_nat", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_SNAT", "ipt_DNAT", "ip6t_SNAT", "ip6t_DNAT"),
	.init = xt_nat_init,
	.exit = xt_nat_exit,
};
