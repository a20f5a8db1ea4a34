/* xtables/ext/xt_cluster.c - the "cluster" match: spread connections over up to 32 cluster
 * nodes by a hash of the original source address.
 *
 * Mirrors net/netfilter/xt_cluster.c (NFPROTO_IPV4 registration): checkentry refuses more
 * than XT_CLUSTER_NODES_MAX nodes (EINVAL) and a node mask naming nodes beyond the total
 * (EDOM), then takes a conntrack reference.
 * Leaves out: xt_cluster_mt (needs conntrack/).
 */
#include <linux/netfilter/xt_cluster.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int xt_cluster_mt_checkentry(const struct xt_mtchk_param *par)
{
	const struct xt_cluster_match_info *info = par->matchinfo;
	int ret;

	if (info->total_nodes > XT_CLUSTER_NODES_MAX) {
		pr_info_ratelimited(par->net, "xt_cluster: you have exceeded the maximum number of cluster nodes (%u > %u)\n",
				    info->total_nodes, XT_CLUSTER_NODES_MAX);
		return -EINVAL;
	}
	/* total_nodes <= 32 here, so the shift is defined. */
	if (info->node_mask >= (1ULL << info->total_nodes)) {
		pr_info_ratelimited(par->net, "xt_cluster: node mask cannot exceed total number of nodes\n");
		return -EDOM;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "xt_cluster: cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void xt_cluster_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match xt_cluster_match[] = {
	{
		.name       = "cluster",
		.family     = NFPROTO_IPV4,
		.checkentry = xt_cluster_mt_checkentry,
		.matchsize  = sizeof(struct xt_cluster_match_info),
		.destroy    = xt_cluster_mt_destroy,
	},
};

static int xt_cluster_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, xt_cluster_match, ARRAY_SIZE(xt_cluster_match));
}

static void xt_cluster_mt_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, xt_cluster_match, ARRAY_SIZE(xt_cluster_match));
}

const struct module_info module_info_xt_cluster = {
	.name = "xt_cluster",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_cluster", "ip6t_cluster"),
	.init = xt_cluster_mt_init,
	.exit = xt_cluster_mt_fini,
};
