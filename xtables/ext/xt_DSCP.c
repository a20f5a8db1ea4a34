/* xtables/ext/xt_DSCP.c - the "DSCP" and "TOS" (revision 1) targets, mangle table only.
 *
 * Mirrors net/netfilter/xt_DSCP.c: the IPv4 registrations; DSCP's checkentry refuses a
 * DSCP above 0x3f with EDOM; TOS has no checkentry.  DSCP rewrites the upper six bits of
 * the TOS byte, keeping ECN; TOS computes (tos & ~mask) ^ value.  Both rewrite only when
 * the byte changes, patching the checksum with ipv4_change_dsfield's arithmetic.  Leaves
 * out the IPv6 registrations.
 */
#include <linux/netfilter/xt_DSCP.h>
#include "kernel/module.h"
#include "netstack/dsfield.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_DSCP: " fmt

#define XT_DSCP_ECN_MASK	3u

static unsigned int dscp_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_DSCP_info *dinfo = par->targinfo;
	u8 dscp = ipv4_get_dsfield(ip_hdr(skb)) >> XT_DSCP_SHIFT;

	if (dscp != dinfo->dscp) {
		if (skb_ensure_writable(skb, sizeof(struct iphdr)))
			return NF_DROP;

		ipv4_change_dsfield(ip_hdr(skb), XT_DSCP_ECN_MASK, dinfo->dscp << XT_DSCP_SHIFT);
	}
	return XT_CONTINUE;
}

static unsigned int tos_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_tos_target_info *info = par->targinfo;
	struct iphdr *iph = ip_hdr(skb);
	u8 orig, nv;

	orig = ipv4_get_dsfield(iph);
	nv   = (orig & ~info->tos_mask) ^ info->tos_value;

	if (orig != nv) {
		if (skb_ensure_writable(skb, sizeof(struct iphdr)))
			return NF_DROP;
		iph = ip_hdr(skb);
		ipv4_change_dsfield(iph, 0, nv);
	}
	return XT_CONTINUE;
}

static int dscp_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_DSCP_info *info = par->targinfo;

	if (info->dscp > XT_DSCP_MAX) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("dscp 0x%x out of range\n"), info->dscp);
		return -EDOM;
	}
	return 0;
}

static const struct xt_target dscp_tg_reg[] = {
	{
		.name		= "DSCP",
		.family		= NFPROTO_IPV4,
		.checkentry	= dscp_tg_check,
		.target		= dscp_tg,
		.targetsize	= sizeof(struct xt_DSCP_info),
		.table		= "mangle",
	},
	{
		.name		= "TOS",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.target		= tos_tg,
		.targetsize	= sizeof(struct xt_tos_target_info),
	},
};

static int dscp_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, dscp_tg_reg, ARRAY_SIZE(dscp_tg_reg));
}

static void dscp_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, dscp_tg_reg, ARRAY_SIZE(dscp_tg_reg));
}

const struct module_info module_info_xt_DSCP = {
	.name = "xt_DSCP",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_DSCP", "ip6t_DSCP", "ipt_TOS", "ip6t_TOS"),
	.init = dscp_tg_init,
	.exit = dscp_tg_exit,
};
