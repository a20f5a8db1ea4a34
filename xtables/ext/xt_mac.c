/* xtables/ext/xt_mac.c - the "mac" match: Ethernet source address.
 *
 * Mirrors net/netfilter/xt_mac.c, which has no checkentry: the hook restriction
 * (PREROUTING, INPUT, FORWARD), enforced by xt_check_match, and the match: the Ethernet
 * source address of a packet that came in on an ARPHRD_ETHER device with a full Ethernet
 * header in front of the IP header (never on loopback).  Leaves out the IPv6 registration.
 */
#include <linux/netfilter/xt_mac.h>
#include "kernel/module.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool mac_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_mac_info *info = par->matchinfo;
	const struct ethhdr *eth;
	bool ret;

	if (skb->dev == NULL || skb->dev->type != ARPHRD_ETHER)
		return false;
	/* skb_mac_header_len: the bytes from the MAC header to the network header */
	if (!skb_mac_header_was_set(skb) ||
	    (int)skb->network_header - (int)skb->mac_header < ETH_HLEN)
		return false;
	eth = (const struct ethhdr *)skb_mac_header(skb);
	ret  = memcmp(eth->h_source, info->srcaddr, ETH_ALEN) == 0;
	ret ^= info->invert;
	return ret;
}

static const struct xt_match mac_mt_reg[] = {
	{
		.name		= "mac",
		.family		= NFPROTO_IPV4,
		.match		= mac_mt,
		.matchsize	= sizeof(struct xt_mac_info),
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN) |
				  (1 << NF_INET_FORWARD),
	},
};

static int mac_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, mac_mt_reg, ARRAY_SIZE(mac_mt_reg));
}

static void mac_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, mac_mt_reg, ARRAY_SIZE(mac_mt_reg));
}

const struct module_info module_info_xt_mac = {
	.name = "xt_mac",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_mac", "ip6t_mac"),
	.init = mac_mt_init,
	.exit = mac_mt_exit,
};
