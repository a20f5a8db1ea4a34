/* xtables/ext/ipt_REJECT.c - the IPv4 "REJECT" target: drop and answer with ICMP or a TCP RST.
 *
 * Mirrors net/ipv4/netfilter/ipt_REJECT.c: filter table, INPUT/FORWARD/OUTPUT (xt_check_target);
 * reject_tg_check refuses the retired echo-reply and a tcp-reset without a plain -p tcp.
 * Leaves out: the packet path (reject_tg is NULL; it needs nf_reject_ipv4's senders).
 */
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "emu/module.h"
#include "xtables/ip_tables.h"

static int reject_tg_check(const struct xt_tgchk_param *par)
{
	const struct ipt_reject_info *rejinfo = par->targinfo;
	const struct ipt_entry *e = par->entryinfo;

	if (rejinfo->with == IPT_ICMP_ECHOREPLY) {
		pr_info_ratelimited(par->net, "ipt_REJECT: ECHOREPLY no longer supported.");
		return -EINVAL;
	} else if (rejinfo->with == IPT_TCP_RESET) {
		/* Must specify that it's a TCP packet */
		if (e->ip.proto != IPPROTO_TCP ||
		    (e->ip.invflags & XT_INV_PROTO)) {
			pr_info_ratelimited(par->net, "ipt_REJECT: TCP_RESET invalid for non-tcp");
			return -EINVAL;
		}
	}
	return 0;
}

static const struct xt_target reject_tg_reg[] = {
	{
		.name		= "REJECT",
		.family		= NFPROTO_IPV4,
		.targetsize	= sizeof(struct ipt_reject_info),
		.table		= "filter",
		.hooks		= (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) |
				  (1 << NF_INET_LOCAL_OUT),
		.checkentry	= reject_tg_check,
	},
};

static int reject_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, reject_tg_reg, ARRAY_SIZE(reject_tg_reg));
}

static void reject_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, reject_tg_reg, ARRAY_SIZE(reject_tg_reg));
}

const struct module_info module_info_ipt_REJECT = {
	.name = "ipt_REJECT",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables", "nf_reject_ipv4"),
	.init = reject_tg_init,
	.exit = reject_tg_exit,
};
