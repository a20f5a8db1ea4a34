/* xtables/ext/xt_REDIRECT.c - the REDIRECT target: DNAT to the receiving interface's
 * address (127.0.0.1 for local output), nat table PREROUTING/OUTPUT.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_REDIRECT.c: checkentry refuses a range with
 * addresses (NF_NAT_RANGE_MAP_IPS) or more than one range, then takes a conntrack
 * reference.
 * redirect_tg4 hands the range to nf_nat_redirect_ipv4 (nat/nf_nat_redirect.c).
 */
#include <linux/netfilter/nf_nat.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat_redirect.h"

static void redirect_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static int redirect_tg4_check(const struct xt_tgchk_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;

	/* pr_debug, as in Linux: dmesg shows nothing at the default log level. */
	if (mr->range[0].flags & NF_NAT_RANGE_MAP_IPS) {
		pr_debug(par->net, "xt_REDIRECT: bad MAP_IPS.\n");
		return -EINVAL;
	}
	if (mr->rangesize != 1) {
		pr_debug(par->net, "xt_REDIRECT: bad rangesize %u.\n", mr->rangesize);
		return -EINVAL;
	}
	return nf_ct_netns_get(par->net, par->family);
}

static unsigned int redirect_tg4(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;
	struct nf_nat_range2 range = {
		.flags = mr->range[0].flags,
		.min_proto = mr->range[0].min,
		.max_proto = mr->range[0].max,
	};

	return nf_nat_redirect_ipv4(skb, &range, xt_hooknum(par));
}

static const struct xt_target redirect_tg_reg[] = {
	{
		.name       = "REDIRECT",
		.family     = NFPROTO_IPV4,
		.revision   = 0,
		.table      = "nat",
		.target     = redirect_tg4,
		.checkentry = redirect_tg4_check,
		.destroy    = redirect_tg_destroy,
		.targetsize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.hooks      = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT),
	},
};

static int redirect_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, redirect_tg_reg, ARRAY_SIZE(redirect_tg_reg));
}

static void redirect_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, redirect_tg_reg, ARRAY_SIZE(redirect_tg_reg));
}

const struct module_info module_info_xt_REDIRECT = {
	.name = "xt_REDIRECT",
	.size = 12288,
	.depends = MODULE_DEPS("nf_nat", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ip6t_REDIRECT", "ipt_REDIRECT"),
	.init = redirect_tg_init,
	.exit = redirect_tg_exit,
};
