/* xtables/ext/xt_CLASSIFY.c - the "CLASSIFY" target: set skb->priority (the tc class).
 *
 * Mirrors net/netfilter/xt_CLASSIFY.c: no checkentry; OUTPUT, FORWARD and POSTROUTING, any
 * table (xt_check_target).  Leaves out: qdiscs (nothing reads the class but later rules and
 * the trace), the IPv6/ARP registrations.
 */
#include <linux/netfilter/xt_CLASSIFY.h>

#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static unsigned int classify_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_classify_target_info *clinfo = par->targinfo;

	skb->priority = clinfo->priority;
	return XT_CONTINUE;
}

static const struct xt_target classify_tg_reg[] = {
	{
		.name		= "CLASSIFY",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.hooks		= (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_FORWARD) |
				  (1 << NF_INET_POST_ROUTING),
		.target		= classify_tg,
		.targetsize	= sizeof(struct xt_classify_target_info),
	},
};

static int classify_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, classify_tg_reg, ARRAY_SIZE(classify_tg_reg));
}

static void classify_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, classify_tg_reg, ARRAY_SIZE(classify_tg_reg));
}

const struct module_info module_info_xt_CLASSIFY = {
	.name = "xt_CLASSIFY",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_CLASSIFY", "ip6t_CLASSIFY", "arpt_CLASSIFY"),
	.init = classify_tg_init,
	.exit = classify_tg_exit,
};
