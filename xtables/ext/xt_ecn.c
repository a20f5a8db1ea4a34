/* xtables/ext/xt_ecn.c - the "ecn" match: IP ECT codepoint and TCP ECE/CWR bits.
 *
 * Mirrors net/netfilter/xt_ecn.c: the IPv4 registration and checkentry (known operation and
 * inversion bits; ECE/CWR only with a non-inverted -p tcp).  Leaves out the IPv6
 * registration and the packet path (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_ecn: " fmt

static int ecn_mt_check4(const struct xt_mtchk_param *par)
{
	const struct xt_ecn_info *info = par->matchinfo;
	const struct ipt_ip *ip = par->entryinfo;

	if ((info->operation | info->invert) & XT_ECN_OP_MATCH_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown operation 0x%x / invert 0x%x\n"),
			 info->operation, info->invert);
		return -EINVAL;
	}
	if (info->operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR) &&
	    (ip->proto != IPPROTO_TCP || ip->invflags & IPT_INV_PROTO)) {
		pr_info_ratelimited(par->net, pr_fmt("cannot match TCP bits for non-tcp packets\n"));
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match ecn_mt_reg[] = {
	{
		.name		= "ecn",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_ecn_info),
		.checkentry	= ecn_mt_check4,
	},
};

static int ecn_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, ecn_mt_reg, ARRAY_SIZE(ecn_mt_reg));
}

static void ecn_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, ecn_mt_reg, ARRAY_SIZE(ecn_mt_reg));
}

const struct module_info module_info_xt_ecn = {
	.name = "xt_ecn",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_ecn", "ip6t_ecn"),
	.init = ecn_mt_init,
	.exit = ecn_mt_exit,
};
