/* xtables/ext/xt_ecn.c - the "ecn" match: IP ECT codepoint and TCP ECE/CWR bits.
 *
 * Mirrors net/netfilter/xt_ecn.c: the IPv4 registration, checkentry (known operation and
 * inversion bits; ECE/CWR only with a non-inverted -p tcp) and the match: the ECT
 * codepoint of the TOS byte, and the TCP ECE/CWR bits.  As in Linux the TCP test does not
 * look at the fragment offset, and a header cut short fails the match without hotdrop.
 * Leaves out the IPv6 registration.
 */
#include <linux/tcp.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_ecn: " fmt

static bool match_tcp(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_ecn_info *einfo = par->matchinfo;
	struct tcphdr _tcph;
	const struct tcphdr *th;

	/* In practice the tcp match has already checked this, so it cannot fail. */
	th = skb_header_pointer(skb, par->thoff, sizeof(_tcph), &_tcph);
	if (th == NULL)
		return false;

	if (einfo->operation & XT_ECN_OP_MATCH_ECE) {
		if (einfo->invert & XT_ECN_OP_MATCH_ECE) {
			if (th->ece == 1)
				return false;
		} else {
			if (th->ece == 0)
				return false;
		}
	}

	if (einfo->operation & XT_ECN_OP_MATCH_CWR) {
		if (einfo->invert & XT_ECN_OP_MATCH_CWR) {
			if (th->cwr == 1)
				return false;
		} else {
			if (th->cwr == 0)
				return false;
		}
	}
	return true;
}

static inline bool match_ip(const struct sk_buff *skb, const struct xt_ecn_info *einfo)
{
	return ((ip_hdr(skb)->tos & XT_ECN_IP_MASK) == einfo->ip_ect) ^
	       !!(einfo->invert & XT_ECN_OP_MATCH_IP);
}

static bool ecn_mt4(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_ecn_info *info = par->matchinfo;

	if (info->operation & XT_ECN_OP_MATCH_IP && !match_ip(skb, info))
		return false;

	if (info->operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR) &&
	    !match_tcp(skb, par))
		return false;

	return true;
}

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
		.match		= ecn_mt4,
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
