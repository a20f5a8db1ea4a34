/* xtables/ext/xt_pkttype.c - the "pkttype" match: unicast, broadcast, multicast, ...
 *
 * Mirrors net/netfilter/xt_pkttype.c, which has no checkentry: one NFPROTO_UNSPEC
 * registration and the match on skb->pkt_type; a looped-back packet (PACKET_LOOPBACK)
 * counts as multicast when its IPv4 destination is multicast, else as broadcast.
 * EMU: only IPv4 packets reach it (nfemu has no IPv6 path).
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_pkttype.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool pkttype_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_pkttype_info *info = par->matchinfo;
	u8 type;

	if (skb->pkt_type != PACKET_LOOPBACK)
		type = skb->pkt_type;
	else if (xt_family(par) == NFPROTO_IPV4 &&
		 (ip_hdr(skb)->daddr & htonl(0xf0000000)) == htonl(0xe0000000))   /* ipv4_is_multicast */
		type = PACKET_MULTICAST;
	else if (xt_family(par) == NFPROTO_IPV6)
		type = PACKET_MULTICAST;
	else
		type = PACKET_BROADCAST;

	return (type == info->pkttype) ^ info->invert;
}

static const struct xt_match pkttype_mt_reg = {
	.name      = "pkttype",
	.revision  = 0,
	.family    = NFPROTO_UNSPEC,
	.match     = pkttype_mt,
	.matchsize = sizeof(struct xt_pkttype_info),
};

static int pkttype_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &pkttype_mt_reg);
}

static void pkttype_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &pkttype_mt_reg);
}

const struct module_info module_info_xt_pkttype = {
	.name = "xt_pkttype",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_pkttype", "ip6t_pkttype"),
	.init = pkttype_mt_init,
	.exit = pkttype_mt_exit,
};
