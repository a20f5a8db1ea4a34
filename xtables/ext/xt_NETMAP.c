/* xtables/ext/xt_NETMAP.c - the NETMAP target: 1:1 mapping of a whole network onto another
 * (source in POSTROUTING/INPUT, destination in PREROUTING/OUTPUT), nat table.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_NETMAP.c: checkentry requires an address range
 * (NF_NAT_RANGE_MAP_IPS) and exactly one range, then takes a conntrack reference.
 * netmap_tg4 keeps the host part of the address and takes the network part from the range,
 * then hands the one address to nf_nat_setup_info (destination before routing, source after).
 */
#include <linux/netfilter/nf_nat.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat.h"
#include "netstack/skbuff.h"

static unsigned int netmap_tg4(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;
	struct nf_nat_range2 newrange;
	enum ip_conntrack_info ctinfo;
	__be32 new_ip, netmask;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;

	netmask = ~(mr->range[0].min_ip ^ mr->range[0].max_ip);

	if (xt_hooknum(par) == NF_INET_PRE_ROUTING || xt_hooknum(par) == NF_INET_LOCAL_OUT)
		new_ip = ip_hdr(skb)->daddr & ~netmask;
	else
		new_ip = ip_hdr(skb)->saddr & ~netmask;
	new_ip |= mr->range[0].min_ip & netmask;

	memset(&newrange, 0, sizeof(newrange));
	newrange.flags = mr->range[0].flags | NF_NAT_RANGE_MAP_IPS;
	newrange.min_addr.ip = new_ip;
	newrange.max_addr.ip = new_ip;
	newrange.min_proto = mr->range[0].min;
	newrange.max_proto = mr->range[0].max;

	/* Hand modified range to generic setup. */
	return nf_nat_setup_info(ct, &newrange, HOOK2MANIP(xt_hooknum(par)));
}

static int netmap_tg4_check(const struct xt_tgchk_param *par)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = par->targinfo;

	/* pr_debug, as in Linux: dmesg shows nothing at the default log level. */
	if (!(mr->range[0].flags & NF_NAT_RANGE_MAP_IPS)) {
		pr_debug(par->net, "xt_NETMAP: bad MAP_IPS.\n");
		return -EINVAL;
	}
	if (mr->rangesize != 1) {
		pr_debug(par->net, "xt_NETMAP: bad rangesize %u.\n", mr->rangesize);
		return -EINVAL;
	}
	return nf_ct_netns_get(par->net, par->family);
}

static void netmap_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target netmap_tg_reg[] = {
	{
		.name       = "NETMAP",
		.family     = NFPROTO_IPV4,
		.revision   = 0,
		.targetsize = sizeof(struct nf_nat_ipv4_multi_range_compat),
		.target     = netmap_tg4,
		.table      = "nat",
		.hooks      = (1 << NF_INET_PRE_ROUTING) |
			      (1 << NF_INET_POST_ROUTING) |
			      (1 << NF_INET_LOCAL_OUT) |
			      (1 << NF_INET_LOCAL_IN),
		.checkentry = netmap_tg4_check,
		.destroy    = netmap_tg_destroy,
	},
};

static int netmap_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, netmap_tg_reg, ARRAY_SIZE(netmap_tg_reg));
}

static void netmap_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, netmap_tg_reg, ARRAY_SIZE(netmap_tg_reg));
}

const struct module_info module_info_xt_NETMAP = {
	.name = "xt_NETMAP",
	.size = 12288,
	.depends = MODULE_DEPS("nf_nat", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ip6t_NETMAP", "ipt_NETMAP"),
	.init = netmap_tg_init,
	.exit = netmap_tg_exit,
};
