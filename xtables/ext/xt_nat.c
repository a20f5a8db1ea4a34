/* xtables/ext/xt_nat.c - the SNAT and DNAT targets of the nat table (revisions 0-2).
 *
 * Mirrors net/netfilter/xt_nat.c: revision 0 (IPv4 only) takes the old
 * nf_nat_ipv4_multi_range_compat and refuses more than one range; revisions 1
 * (nf_nat_range) and 2 (nf_nat_range2, with --to-destination's base port) are
 * NFPROTO_UNSPEC.  All of them take a conntrack reference.  The targets convert their range
 * to a struct nf_nat_range2 and call nf_nat_setup_info (nat/nf_nat_core.c).
 */
#include <linux/netfilter/nf_nat.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat.h"

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

static void xt_nat_convert_range(struct nf_nat_range2 *dst, const struct nf_nat_ipv4_range *src)
{
	memset(&dst->min_addr, 0, sizeof(dst->min_addr));
	memset(&dst->max_addr, 0, sizeof(dst->max_addr));
	memset(&dst->base_proto, 0, sizeof(dst->base_proto));

	dst->flags = src->flags;
	dst->min_addr.ip = src->min_ip;
	dst->max_addr.ip = src->max_ip;
	dst->min_proto = src->min;
	dst->max_proto = src->max;
}

/* WARN_ON(!(ct && (NEW || RELATED || RELATED_REPLY))) in Linux: the nat table only runs for
 * a connection's first packets, so there always is one; EMU: a packet without one passes. */
static unsigned int xt_nat_setup(struct sk_buff *skb, const struct nf_nat_range2 *range,
				 enum nf_nat_manip_type manip)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct)
		return NF_ACCEPT;
	return nf_nat_setup_info(ct, range, manip);
}

static unsigned int xt_snat_target_v0(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;
	struct nf_nat_range2 range;

	xt_nat_convert_range(&range, &mr->range[0]);
	return xt_nat_setup(skb, &range, NF_NAT_MANIP_SRC);
}

static unsigned int xt_dnat_target_v0(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;
	struct nf_nat_range2 range;

	xt_nat_convert_range(&range, &mr->range[0]);
	return xt_nat_setup(skb, &range, NF_NAT_MANIP_DST);
}

static unsigned int xt_snat_target_v1(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_range *range_v1 = par->targinfo;
	struct nf_nat_range2 range;

	memcpy(&range, range_v1, sizeof(*range_v1));
	memset(&range.base_proto, 0, sizeof(range.base_proto));
	return xt_nat_setup(skb, &range, NF_NAT_MANIP_SRC);
}

static unsigned int xt_dnat_target_v1(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_range *range_v1 = par->targinfo;
	struct nf_nat_range2 range;

	memcpy(&range, range_v1, sizeof(*range_v1));
	memset(&range.base_proto, 0, sizeof(range.base_proto));
	return xt_nat_setup(skb, &range, NF_NAT_MANIP_DST);
}

static unsigned int xt_snat_target_v2(struct sk_buff *skb, const struct xt_action_param *par)
{
	return xt_nat_setup(skb, par->targinfo, NF_NAT_MANIP_SRC);
}

static unsigned int xt_dnat_target_v2(struct sk_buff *skb, const struct xt_action_param *par)
{
	return xt_nat_setup(skb, par->targinfo, NF_NAT_MANIP_DST);
}

#define SNAT_HOOKS ((1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_IN))
#define DNAT_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static const struct xt_target xt_nat_target_reg[] = {
	{
		.name       = "SNAT",
		.revision   = 0,
		.checkentry = xt_nat_checkentry_v0,
		.destroy    = xt_nat_destroy,
		.target     = xt_snat_target_v0,
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
		.target     = xt_dnat_target_v0,
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
		.target     = xt_snat_target_v1,
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
		.target     = xt_dnat_target_v1,
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
		.target     = xt_snat_target_v2,
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
		.target     = xt_dnat_target_v2,
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
