/* xtables/ext/xt_MASQUERADE.c - the MASQUERADE target: SNAT to the address of the outgoing
 * interface, nat table POSTROUTING only.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_MASQUERADE.c: checkentry refuses a range with
 * addresses (NF_NAT_RANGE_MAP_IPS) or more than one range, then takes a conntrack
 * reference.
 * masquerade_tg hands the port range to nf_nat_masquerade_ipv4 (nat/nf_nat_masquerade.c),
 * whose notifiers forget masqueraded connections when their device or address goes away.
 */
#include <linux/netfilter/nf_nat.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat_masquerade.h"

static int masquerade_tg_check(const struct xt_tgchk_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;

	/* pr_debug, as in Linux: dmesg shows nothing at the default log level. */
	if (mr->range[0].flags & NF_NAT_RANGE_MAP_IPS) {
		pr_debug(par->net, "xt_MASQUERADE: bad MAP_IPS.\n");
		return -EINVAL;
	}
	if (mr->rangesize != 1) {
		pr_debug(par->net, "xt_MASQUERADE: bad rangesize %u\n", mr->rangesize);
		return -EINVAL;
	}
	return nf_ct_netns_get(par->net, par->family);
}

static void masquerade_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static unsigned int masquerade_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;
	struct nf_nat_range2 range;

	memset(&range, 0, sizeof(range));
	range.flags = mr->range[0].flags;
	range.min_proto = mr->range[0].min;
	range.max_proto = mr->range[0].max;

	return nf_nat_masquerade_ipv4(skb, xt_hooknum(par), &range, xt_out(par));
}

static const struct xt_target masquerade_tg_reg[] = {
	{
		.name       = "MASQUERADE",
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.table      = "nat",
		.hooks      = 1 << NF_INET_POST_ROUTING,
		.target     = masquerade_tg,
		.checkentry = masquerade_tg_check,
		.destroy    = masquerade_tg_destroy,
	},
};

static int masquerade_tg_init(struct net *net, struct module *mod)
{
	int ret = nf_nat_masquerade_inet_register_notifiers(net);

	if (ret)
		return ret;
	ret = xt_register_targets(net, mod, masquerade_tg_reg, ARRAY_SIZE(masquerade_tg_reg));
	if (ret)
		nf_nat_masquerade_inet_unregister_notifiers(net);
	return ret;
}

static void masquerade_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, masquerade_tg_reg, ARRAY_SIZE(masquerade_tg_reg));
	nf_nat_masquerade_inet_unregister_notifiers(net);
}

const struct module_info module_info_xt_MASQUERADE = {
	.name = "xt_MASQUERADE",
	.size = 16384,
	.depends = MODULE_DEPS("nf_nat", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ip6t_MASQUERADE", "ipt_MASQUERADE"),
	.init = masquerade_tg_init,
	.exit = masquerade_tg_exit,
};
