/* xtables/ext/xt_dscp.c - the "dscp" and "tos" (revision 1) matches.
 *
 * Mirrors net/netfilter/xt_dscp.c: the IPv4 registrations; dscp's checkentry refuses a
 * DSCP above 0x3f with EDOM (not EINVAL); tos has no checkentry.  dscp compares the upper
 * six bits of the TOS byte, tos compares (tos & mask) with the value.  Leaves out the IPv6
 * registrations.
 */
#include <linux/netfilter/xt_dscp.h>
#include "kernel/module.h"
#include "netstack/dsfield.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_dscp: " fmt

static bool dscp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_dscp_info *info = par->matchinfo;
	u8 dscp = ipv4_get_dsfield(ip_hdr(skb)) >> XT_DSCP_SHIFT;

	return (dscp == info->dscp) ^ !!info->invert;
}

static bool tos_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_tos_match_info *info = par->matchinfo;

	/* EMU: only the NFPROTO_IPV4 branch; nfemu registers no IPv6 tos. */
	return ((ip_hdr(skb)->tos & info->tos_mask) == info->tos_value) ^ !!info->invert;
}

static int dscp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_dscp_info *info = par->matchinfo;

	if (info->dscp > XT_DSCP_MAX) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("dscp 0x%x out of range\n"), info->dscp);
		return -EDOM;
	}
	return 0;
}

static const struct xt_match dscp_mt_reg[] = {
	{
		.name		= "dscp",
		.family		= NFPROTO_IPV4,
		.checkentry	= dscp_mt_check,
		.match		= dscp_mt,
		.matchsize	= sizeof(struct xt_dscp_info),
	},
	{
		.name		= "tos",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.match		= tos_mt,
		.matchsize	= sizeof(struct xt_tos_match_info),
	},
};

static int dscp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, dscp_mt_reg, ARRAY_SIZE(dscp_mt_reg));
}

static void dscp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, dscp_mt_reg, ARRAY_SIZE(dscp_mt_reg));
}

const struct module_info module_info_xt_dscp = {
	.name = "xt_dscp",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_dscp", "ip6t_dscp", "ipt_tos", "ip6t_tos"),
	.init = dscp_mt_init,
	.exit = dscp_mt_exit,
};
