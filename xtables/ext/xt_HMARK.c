/* xtables/ext/xt_HMARK.c - the HMARK target: set skb->mark to a hash of addresses, ports
 * or SPI and protocol (of the packet or its conntrack tuple), modulo N plus an offset.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_HMARK.c: checkentry refuses a zero modulus, a
 * protocol mask in L3 mode, an SPI mask together with port masks, and a fixed SPI together
 * with fixed ports, all with EINVAL.
 * Leaves out: hmark_tg_v4 (the packet path).
 */
#include <linux/netfilter.h>
#include <linux/netfilter/xt_HMARK.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"

static int hmark_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_hmark_info *info = par->targinfo;
	const char *errmsg = "proto mask must be zero with L3 mode";

	/* EMU: the kernel refuses the zero modulus and the spi-mask/port-mask mix silently;
	 * the debug lines only say why. */
	if (!info->hmodulus) {
		pr_debug(par->net, "xt_HMARK: hash modulus can't be zero\n");
		return -EINVAL;
	}

	if (info->proto_mask &&
	    (info->flags & XT_HMARK_FLAG(XT_HMARK_METHOD_L3)))
		goto err;

	if (info->flags & XT_HMARK_FLAG(XT_HMARK_SPI_MASK) &&
	    (info->flags & (XT_HMARK_FLAG(XT_HMARK_SPORT_MASK) |
			    XT_HMARK_FLAG(XT_HMARK_DPORT_MASK)))) {
		pr_debug(par->net, "xt_HMARK: spi-mask and port-mask can't be combined\n");
		return -EINVAL;
	}

	if (info->flags & XT_HMARK_FLAG(XT_HMARK_SPI) &&
	    (info->flags & (XT_HMARK_FLAG(XT_HMARK_SPORT) |
			    XT_HMARK_FLAG(XT_HMARK_DPORT)))) {
		errmsg = "spi-set and port-set can't be combined";
		goto err;
	}
	return 0;
err:
	pr_info_ratelimited(par->net, "xt_HMARK: %s\n", errmsg);
	return -EINVAL;
}

static const struct xt_target hmark_tg_reg[] = {
	{
		.name       = "HMARK",
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct xt_hmark_info),
		.checkentry = hmark_tg_check,
	},
};

static int hmark_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, hmark_tg_reg, ARRAY_SIZE(hmark_tg_reg));
}

static void hmark_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, hmark_tg_reg, ARRAY_SIZE(hmark_tg_reg));
}

const struct module_info module_info_xt_HMARK = {
	.name = "xt_HMARK",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_HMARK", "ip6t_HMARK"),
	.init = hmark_tg_init,
	.exit = hmark_tg_exit,
};
