/* xtables/ext/xt_length.c - the "length" match: packet length ranges.
 *
 * Mirrors net/netfilter/xt_length.c, which has no checkentry: the registration and the
 * match on the IPv4 total length (the header's tot_len, not the buffer's length).
 * Leaves out the IPv6 registration and big-TCP GSO packets (tot_len 0).
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_length.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool length_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_length_info *info = par->matchinfo;
	/* skb_ip_totlen(); EMU: no GSO, so no tot_len 0 "big TCP" packets */
	u32 pktlen = ntohs(ip_hdr(skb)->tot_len);

	return (pktlen >= info->min && pktlen <= info->max) ^ info->invert;
}

static const struct xt_match length_mt_reg[] = {
	{
		.name		= "length",
		.family		= NFPROTO_IPV4,
		.match		= length_mt,
		.matchsize	= sizeof(struct xt_length_info),
	},
};

static int length_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, length_mt_reg, ARRAY_SIZE(length_mt_reg));
}

static void length_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, length_mt_reg, ARRAY_SIZE(length_mt_reg));
}

const struct module_info module_info_xt_length = {
	.name = "xt_length",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_length", "ip6t_length"),
	.init = length_mt_init,
	.exit = length_mt_exit,
};
