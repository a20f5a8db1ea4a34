/* xtables/ext/ipt_ah.c - the "ah" match: IPsec AH SPI ranges (IPv4 only).
 *
 * Mirrors net/ipv4/netfilter/ipt_ah.c: registration and checkentry (unknown inversion flags
 * are refused with EINVAL); -p ah is enforced by xt_check_match through .proto.  The
 * match tests the SPI of the AH header against a range; non-first fragments never match,
 * a header cut short is hotdropped.
 */
#include <arpa/inet.h>
#include <linux/ip.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "ipt_ah: " fmt

/* Is spi in [min, max], inverted on request? */
static inline bool spi_match(u32 min, u32 max, u32 spi, bool invert)
{
	return (spi >= min && spi <= max) ^ invert;
}

static bool ah_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct ipt_ah *ahinfo = par->matchinfo;
	struct ip_auth_hdr _ahdr;
	const struct ip_auth_hdr *ah;

	/* Must not be a fragment. */
	if (par->fragoff != 0)
		return false;

	ah = skb_header_pointer(skb, par->thoff, sizeof(_ahdr), &_ahdr);
	if (ah == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return spi_match(ahinfo->spis[0], ahinfo->spis[1], ntohl(ah->spi),
			 !!(ahinfo->invflags & IPT_AH_INV_SPI));
}

static int ah_mt_check(const struct xt_mtchk_param *par)
{
	const struct ipt_ah *ahinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (ahinfo->invflags & ~IPT_AH_INV_MASK) {
		pr_debug(par->net, pr_fmt("unknown flags %X\n"), ahinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match ah_mt_reg = {
	.name		= "ah",
	.family		= NFPROTO_IPV4,
	.matchsize	= sizeof(struct ipt_ah),
	.proto		= IPPROTO_AH,
	.checkentry	= ah_mt_check,
	.match		= ah_mt,
};

static int ah_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &ah_mt_reg);
}

static void ah_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &ah_mt_reg);
}

/* No MODULE_ALIAS: request_module("ipt_ah") finds the module by its own name. */
const struct module_info module_info_ipt_ah = {
	.name = "ipt_ah",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.init = ah_mt_init,
	.exit = ah_mt_exit,
};
