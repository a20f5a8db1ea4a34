/* xtables/ext/ipt_REJECT.c - the IPv4 "REJECT" target: drop and answer with ICMP or a TCP RST.
 *
 * Mirrors net/ipv4/netfilter/ipt_REJECT.c: filter, INPUT/FORWARD/OUTPUT (xt_check_target);
 * reject_tg_check (no echo-reply, tcp-reset only with -p tcp); reject_tg through
 * netstack/nf_reject_ipv4.c.  Leaves out: nothing (IPv6 is ip6t_REJECT's).
 */
#include <linux/icmp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "kernel/module.h"
#include "netstack/nf_reject_ipv4.h"
#include "netstack/skbuff.h"
#include "xtables/ip_tables.h"

static unsigned int reject_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct ipt_reject_info *reject = par->targinfo;
	int hook = xt_hooknum(par);

	switch (reject->with) {
	case IPT_ICMP_NET_UNREACHABLE:
		nf_send_unreach(skb, ICMP_NET_UNREACH, hook);
		break;
	case IPT_ICMP_HOST_UNREACHABLE:
		nf_send_unreach(skb, ICMP_HOST_UNREACH, hook);
		break;
	case IPT_ICMP_PROT_UNREACHABLE:
		nf_send_unreach(skb, ICMP_PROT_UNREACH, hook);
		break;
	case IPT_ICMP_PORT_UNREACHABLE:
		nf_send_unreach(skb, ICMP_PORT_UNREACH, hook);
		break;
	case IPT_ICMP_NET_PROHIBITED:
		nf_send_unreach(skb, ICMP_NET_ANO, hook);
		break;
	case IPT_ICMP_HOST_PROHIBITED:
		nf_send_unreach(skb, ICMP_HOST_ANO, hook);
		break;
	case IPT_ICMP_ADMIN_PROHIBITED:
		nf_send_unreach(skb, ICMP_PKT_FILTERED, hook);
		break;
	case IPT_TCP_RESET:
		nf_send_reset(xt_net(par), par->state->sk, skb, hook);
		break;
	case IPT_ICMP_ECHOREPLY:
		/* Doesn't happen. */
		break;
	}

	return NF_DROP;
}

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
		.target		= reject_tg,
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
