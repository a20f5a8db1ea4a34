/* xtables/ext/xt_CHECKSUM.c - the "CHECKSUM" target (mangle): fill in a missing checksum.
 *
 * Mirrors net/netfilter/xt_CHECKSUM.c: mangle only (xt_check_target), --checksum-fill only;
 * checksum_tg completes CHECKSUM_PARTIAL packets (REJECT's resets, NAT-helper rewrites) with
 * skb_checksum_help (netstack/skbuff.c).  Leaves out: the once-per-boot advice (see checksum_tg_check), IPv6.
 */
#include <linux/netfilter/xt_CHECKSUM.h>

#include "kernel/module.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

static unsigned int checksum_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	(void)par;
	if (skb->ip_summed == CHECKSUM_PARTIAL)  /* && !skb_is_gso(skb): EMU, no GSO */
		skb_checksum_help(skb);

	return XT_CONTINUE;
}

static int checksum_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_CHECKSUM_info *einfo = par->targinfo;

	if (einfo->operation & ~XT_CHECKSUM_OP_FILL) {
		pr_info_ratelimited(par->net, "xt_CHECKSUM: unsupported CHECKSUM operation %x",
				    einfo->operation);
		return -EINVAL;
	}
	if (!einfo->operation) {
		pr_debug(par->net, "xt_CHECKSUM: no operation");	/* EMU: silent in the kernel */
		return -EINVAL;
	}

	/* EMU: the kernel now says once per boot (pr_warn_once) that CHECKSUM should be avoided
	 * unless limited to -p udp; a long-running reference kernel has said it already. */
	return 0;
}

static const struct xt_target checksum_tg_reg[] = {
	{
		.name		= "CHECKSUM",
		.family		= NFPROTO_IPV4,
		.target		= checksum_tg,
		.checkentry	= checksum_tg_check,
		.targetsize	= sizeof(struct xt_CHECKSUM_info),
		.table		= "mangle",
	},
};

static int checksum_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, checksum_tg_reg, ARRAY_SIZE(checksum_tg_reg));
}

static void checksum_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, checksum_tg_reg, ARRAY_SIZE(checksum_tg_reg));
}

const struct module_info module_info_xt_CHECKSUM = {
	.name = "xt_CHECKSUM",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_CHECKSUM", "ip6t_CHECKSUM"),
	.init = checksum_tg_init,
	.exit = checksum_tg_exit,
};
