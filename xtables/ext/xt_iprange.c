/* xtables/ext/xt_iprange.c - the "iprange" match (revision 1): source/destination ranges.
 *
 * Mirrors net/netfilter/xt_iprange.c, which has no checkentry: the registration and the
 * match (source and/or destination address within [min, max] in host order, each
 * inverted on its own flag).  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_iprange.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool iprange_mt4(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_iprange_mtinfo *info = par->matchinfo;
	const struct iphdr *iph = ip_hdr(skb);
	bool m;

	if (info->flags & IPRANGE_SRC) {
		m  = ntohl(iph->saddr) < ntohl(info->src_min.ip);
		m |= ntohl(iph->saddr) > ntohl(info->src_max.ip);
		m ^= !!(info->flags & IPRANGE_SRC_INV);
		if (m)
			return false;
	}
	if (info->flags & IPRANGE_DST) {
		m  = ntohl(iph->daddr) < ntohl(info->dst_min.ip);
		m |= ntohl(iph->daddr) > ntohl(info->dst_max.ip);
		m ^= !!(info->flags & IPRANGE_DST_INV);
		if (m)
			return false;
	}
	return true;
}

static const struct xt_match iprange_mt_reg[] = {
	{
		.name      = "iprange",
		.revision  = 1,
		.family    = NFPROTO_IPV4,
		.match     = iprange_mt4,
		.matchsize = sizeof(struct xt_iprange_mtinfo),
	},
};

static int iprange_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, iprange_mt_reg, ARRAY_SIZE(iprange_mt_reg));
}

static void iprange_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, iprange_mt_reg, ARRAY_SIZE(iprange_mt_reg));
}

const struct module_info module_info_xt_iprange = {
	.name = "xt_iprange",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_iprange", "ip6t_iprange"),
	.init = iprange_mt_init,
	.exit = iprange_mt_exit,
};
