/* xtables/ext/xt_ipcomp.c - the "ipcomp" match: IPComp CPI ranges.
 *
 * Mirrors net/netfilter/xt_ipcomp.c: the IPv4 registration and checkentry (unknown inversion
 * flags are refused with EINVAL); -p ipcomp is enforced by xt_check_match through .proto.
 * The match tests the 16-bit CPI of the IPComp header against a range; non-first
 * fragments never match, a header cut short is hotdropped.  Leaves out the IPv6
 * registration.
 */
#include <arpa/inet.h>
#include <linux/ip.h>
#include <linux/netfilter/xt_ipcomp.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_ipcomp: " fmt

/* Is spi in [min, max], inverted on request? */
static inline bool spi_match(u32 min, u32 max, u32 spi, bool invert)
{
	return (spi >= min && spi <= max) ^ invert;
}

static bool comp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_ipcomp *compinfo = par->matchinfo;
	struct ip_comp_hdr _comphdr;
	const struct ip_comp_hdr *chdr;

	/* Must not be a fragment. */
	if (par->fragoff != 0)
		return false;

	chdr = skb_header_pointer(skb, par->thoff, sizeof(_comphdr), &_comphdr);
	if (chdr == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return spi_match(compinfo->spis[0], compinfo->spis[1], ntohs(chdr->cpi),
			 !!(compinfo->invflags & XT_IPCOMP_INV_SPI));
}

static int comp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_ipcomp *compinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (compinfo->invflags & ~XT_IPCOMP_INV_MASK) {
		pr_info_ratelimited(par->net, pr_fmt("unknown flags %X\n"), compinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match comp_mt_reg[] = {
	{
		.name		= "ipcomp",
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_ipcomp),
		.proto		= IPPROTO_COMP,
		.checkentry	= comp_mt_check,
		.match		= comp_mt,
	},
};

static int comp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, comp_mt_reg, ARRAY_SIZE(comp_mt_reg));
}

static void comp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, comp_mt_reg, ARRAY_SIZE(comp_mt_reg));
}

const struct module_info module_info_xt_ipcomp = {
	.name = "xt_ipcomp",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_ipcomp", "ip6t_ipcomp"),
	.init = comp_mt_init,
	.exit = comp_mt_exit,
};
