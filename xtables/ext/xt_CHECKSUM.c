/* xtables/ext/xt_CHECKSUM.c - the "CHECKSUM" target (mangle): fill in a missing checksum.
 *
 * Mirrors net/netfilter/xt_CHECKSUM.c: mangle only (xt_check_target), --checksum-fill only;
 * checksum_tg completes CHECKSUM_PARTIAL packets (in nfemu: REJECT's resets) as
 * skb_checksum_help does.  Leaves out: the once-per-boot advice (see checksum_tg_check), IPv6.
 */
#include <linux/netfilter/xt_CHECKSUM.h>

#include "emu/module.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

/* skb_checksum_help(): sum from csum_start to the end (the field holds the pseudo-header
 * part) and store the folded result at csum_offset, 0 sent as 0xffff.  EMU: nfemu's sk_buff
 * has no csum_start/csum_offset: they are the transport header and the TCP/UDP check field. */
static int skb_checksum_help(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int start = iph->ihl * 4, offset;
	unsigned int len = (unsigned int)(skb_tail_pointer(skb) - skb_network_header(skb));
	__sum16 sum;

	switch (iph->protocol) {
	case IPPROTO_TCP:
		offset = 16;            /* offsetof(struct tcphdr, check) */
		break;
	case IPPROTO_UDP:
		offset = 6;             /* offsetof(struct udphdr, check) */
		break;
	default:
		return -EINVAL;
	}
	if (start + offset + sizeof(sum) > len)
		return -EINVAL;
	sum = csum_fold(csum_partial(skb_network_header(skb) + start, (int)(len - start), 0));
	if (sum == 0)
		sum = CSUM_MANGLED_0;
	memcpy(skb_network_header(skb) + start + offset, &sum, sizeof(sum));
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

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
