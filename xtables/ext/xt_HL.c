/* xtables/ext/xt_HL.c - the "TTL" target: set, increment or decrement the IPv4 TTL.
 *
 * Mirrors net/netfilter/xt_HL.c: the IPv4 registration ("TTL", mangle table only), its
 * checkentry (a known mode; increment/decrement by 0 refused) and the target: set, or
 * increment/decrement saturating at 255/0, updating the IP checksum incrementally
 * (csum_replace2 over the TTL/protocol word) only when the TTL changes.  Leaves out the
 * IPv6 "HL" registration.
 */
#include <arpa/inet.h>
#include <linux/netfilter_ipv4/ipt_TTL.h>
#include "kernel/module.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_HL: " fmt	/* EMU: for our debug lines; the kernel prints none */

static unsigned int ttl_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct ipt_TTL_info *info = par->targinfo;
	struct iphdr *iph;
	int new_ttl;

	if (skb_ensure_writable(skb, sizeof(*iph)))
		return NF_DROP;

	iph = ip_hdr(skb);

	switch (info->mode) {
	case IPT_TTL_SET:
		new_ttl = info->ttl;
		break;
	case IPT_TTL_INC:
		new_ttl = iph->ttl + info->ttl;
		if (new_ttl > 255)
			new_ttl = 255;
		break;
	case IPT_TTL_DEC:
		new_ttl = iph->ttl - info->ttl;
		if (new_ttl < 0)
			new_ttl = 0;
		break;
	default:
		new_ttl = iph->ttl;
		break;
	}

	if (new_ttl != iph->ttl) {
		csum_replace2(&iph->check, htons(iph->ttl << 8), htons(new_ttl << 8));
		iph->ttl = new_ttl;
	}
	return XT_CONTINUE;
}

static int ttl_tg_check(const struct xt_tgchk_param *par)
{
	const struct ipt_TTL_info *info = par->targinfo;

	if (info->mode > IPT_TTL_MAXMODE) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown TTL mode %u\n"), info->mode);
		return -EINVAL;
	}
	if (info->mode != IPT_TTL_SET && info->ttl == 0) {
		pr_debug(par->net, pr_fmt("increment/decrement by 0\n"));   /* EMU: as above */
		return -EINVAL;
	}
	return 0;
}

static const struct xt_target hl_tg_reg[] = {
	{
		.name       = "TTL",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.target     = ttl_tg,
		.targetsize = sizeof(struct ipt_TTL_info),
		.table      = "mangle",
		.checkentry = ttl_tg_check,
	},
};

static int hl_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, hl_tg_reg, ARRAY_SIZE(hl_tg_reg));
}

static void hl_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, hl_tg_reg, ARRAY_SIZE(hl_tg_reg));
}

const struct module_info module_info_xt_HL = {
	.name = "xt_HL",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TTL", "ip6t_HL"),
	.init = hl_tg_init,
	.exit = hl_tg_exit,
};
