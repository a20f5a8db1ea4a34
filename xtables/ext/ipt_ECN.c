/* xtables/ext/ipt_ECN.c - the "ECN" target: rewrite IP ECT and TCP ECE/CWR (mangle only).
 *
 * Mirrors net/ipv4/netfilter/ipt_ECN.c: registration, checkentry (known operations, ECT
 * within the ECN field, ECE/CWR only with -p tcp) and the target, which patches the IP and
 * TCP checksums incrementally and only when a bit changes.
 */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include "kernel/module.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "ipt_ECN: " fmt

/* Set the ECT codepoint in the IP header; false on error. */
static inline bool set_ect_ip(struct sk_buff *skb, const struct ipt_ECN_info *einfo)
{
	struct iphdr *iph = ip_hdr(skb);

	if ((iph->tos & IPT_ECN_IP_MASK) != (einfo->ip_ect & IPT_ECN_IP_MASK)) {
		u8 oldtos;

		if (skb_ensure_writable(skb, sizeof(struct iphdr)))
			return false;
		iph = ip_hdr(skb);
		oldtos = iph->tos;
		iph->tos &= ~IPT_ECN_IP_MASK;
		iph->tos |= (einfo->ip_ect & IPT_ECN_IP_MASK);
		csum_replace2(&iph->check, htons(oldtos), htons(iph->tos));
	}
	return true;
}

/* Set ECE/CWR in the TCP header; false on error. */
static inline bool set_ect_tcp(struct sk_buff *skb, const struct ipt_ECN_info *einfo)
{
	struct tcphdr _tcph, *tcph;
	__be16 oldval;

	/* Not enough header? */
	tcph = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_tcph), &_tcph);
	if (!tcph)
		return false;

	if ((!(einfo->operation & IPT_ECN_OP_SET_ECE) ||
	     tcph->ece == einfo->proto.tcp.ece) &&
	    (!(einfo->operation & IPT_ECN_OP_SET_CWR) ||
	     tcph->cwr == einfo->proto.tcp.cwr))
		return true;

	if (skb_ensure_writable(skb, ip_hdrlen(skb) + sizeof(*tcph)))
		return false;
	tcph = (struct tcphdr *)((u8 *)ip_hdr(skb) + ip_hdrlen(skb));

	oldval = ((__be16 *)tcph)[6];
	if (einfo->operation & IPT_ECN_OP_SET_ECE)
		tcph->ece = einfo->proto.tcp.ece;
	if (einfo->operation & IPT_ECN_OP_SET_CWR)
		tcph->cwr = einfo->proto.tcp.cwr;

	inet_proto_csum_replace2(&tcph->check, skb, oldval, ((__be16 *)tcph)[6], false);
	return true;
}

static unsigned int ecn_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct ipt_ECN_info *einfo = par->targinfo;

	if (einfo->operation & IPT_ECN_OP_SET_IP)
		if (!set_ect_ip(skb, einfo))
			return NF_DROP;

	if (einfo->operation & (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR) &&
	    ip_hdr(skb)->protocol == IPPROTO_TCP)
		if (!set_ect_tcp(skb, einfo))
			return NF_DROP;

	return XT_CONTINUE;
}

static int ecn_tg_check(const struct xt_tgchk_param *par)
{
	const struct ipt_ECN_info *einfo = par->targinfo;
	const struct ipt_entry *e = par->entryinfo;

	if (einfo->operation & IPT_ECN_OP_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown operation 0x%x\n"), einfo->operation);
		return -EINVAL;
	}
	if (einfo->ip_ect & ~IPT_ECN_IP_MASK) {
		pr_debug(par->net, pr_fmt("ECT value 0x%x out of range\n"), einfo->ip_ect); /* EMU */
		return -EINVAL;
	}
	if ((einfo->operation & (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR)) &&
	    (e->ip.proto != IPPROTO_TCP || (e->ip.invflags & XT_INV_PROTO))) {
		pr_info_ratelimited(par->net, pr_fmt("cannot use operation on non-tcp rule\n"));
		return -EINVAL;
	}
	return 0;
}

static const struct xt_target ecn_tg_reg = {
	.name		= "ECN",
	.family		= NFPROTO_IPV4,
	.targetsize	= sizeof(struct ipt_ECN_info),
	.table		= "mangle",
	.checkentry	= ecn_tg_check,
	.target		= ecn_tg,
};

static int ecn_tg_init(struct net *net, struct module *mod)
{
	return xt_register_target(net, mod, &ecn_tg_reg);
}

static void ecn_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_target(net, &ecn_tg_reg);
}

/* No MODULE_ALIAS: request_module("ipt_ECN") finds the module by its own name. */
const struct module_info module_info_ipt_ECN = {
	.name = "ipt_ECN",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.init = ecn_tg_init,
	.exit = ecn_tg_exit,
};
