/* xtables/ext/xt_hl.c - the "ttl" match: IPv4 TTL equal/unequal/less/greater.
 *
 * Mirrors net/netfilter/xt_hl.c as the reference kernel (Linux 6.18) has it: the IPv4
 * registration ("ttl") and no checkentry, so an unknown mode is stored and simply never
 * matches (later kernels refuse it: "Unknown TTL match mode").  The match compares the
 * IP header's TTL: eq, ne, lt, gt.  Leaves out the IPv6 "hl" registration.
 */
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool ttl_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct ipt_ttl_info *info = par->matchinfo;
	const u8 ttl = ip_hdr(skb)->ttl;

	switch (info->mode) {
	case IPT_TTL_EQ:
		return ttl == info->ttl;
	case IPT_TTL_NE:
		return ttl != info->ttl;
	case IPT_TTL_LT:
		return ttl < info->ttl;
	case IPT_TTL_GT:
		return ttl > info->ttl;
	}
	return false;
}

static const struct xt_match hl_mt_reg[] = {
	{
		.name       = "ttl",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.match      = ttl_mt,
		.matchsize  = sizeof(struct ipt_ttl_info),
	},
};

static int hl_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, hl_mt_reg, ARRAY_SIZE(hl_mt_reg));
}

static void hl_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, hl_mt_reg, ARRAY_SIZE(hl_mt_reg));
}

const struct module_info module_info_xt_hl = {
	.name = "xt_hl",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_ttl", "ip6t_hl"),
	.init = hl_mt_init,
	.exit = hl_mt_exit,
};
