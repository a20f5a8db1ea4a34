/* xtables/ext/ipt_ECN.c - the "ECN" target: rewrite IP ECT and TCP ECE/CWR (mangle only).
 *
 * Mirrors net/ipv4/netfilter/ipt_ECN.c: registration and checkentry (known operation bits,
 * an ECT value within the ECN field, ECE/CWR only with a non-inverted -p tcp).  Leaves out
 * the packet path (.target is NULL: not emulated at run time yet).
 */
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "ipt_ECN: " fmt

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
