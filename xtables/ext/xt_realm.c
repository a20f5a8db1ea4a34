/* xtables/ext/xt_realm.c - the "realm" match: routing realm (route classid), IPv4 only.
 *
 * Mirrors net/netfilter/xt_realm.c, which has no checkentry: the hook restriction (INPUT,
 * FORWARD, OUTPUT, POSTROUTING), enforced by xt_check_match, and the match on the route's
 * realm (dst->tclassid & mask).
 * EMU: nfemu's routes carry no realms (the topology has no `realm`), so tclassid is always
 * 0, as on a Linux box whose routes name none.
 */
#include <linux/netfilter/xt_realm.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static bool realm_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_realm_info *info = par->matchinfo;
	const u32 tclassid = 0;         /* EMU: skb_dst(skb)->tclassid; see above */

	(void)skb;
	return (info->id == (tclassid & info->mask)) ^ info->invert;
}

static const struct xt_match realm_mt_reg = {
	.name		= "realm",
	.match		= realm_mt,
	.matchsize	= sizeof(struct xt_realm_info),
	.hooks		= (1 << NF_INET_POST_ROUTING) | (1 << NF_INET_FORWARD) |
			  (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_LOCAL_IN),
	.family		= NFPROTO_IPV4,
};

static int realm_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &realm_mt_reg);
}

static void realm_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &realm_mt_reg);
}

const struct module_info module_info_xt_realm = {
	.name = "xt_realm",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_realm"),
	.init = realm_mt_init,
	.exit = realm_mt_exit,
};
