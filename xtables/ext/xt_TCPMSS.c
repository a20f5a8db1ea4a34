/* xtables/ext/xt_TCPMSS.c - the "TCPMSS" target: set or clamp the MSS of TCP SYNs.
 *
 * Mirrors net/netfilter/xt_TCPMSS.c: the IPv4 registration (-p tcp via .proto) and
 * checkentry (path-MTU clamping only in FORWARD, OUTPUT, POSTROUTING; the rule must also
 * carry a non-inverted "tcp" match that requires SYN).  Leaves out the IPv6 registration and
 * the packet path (.target is NULL: not emulated at run time yet).
 */
#include <string.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_TCPMSS: " fmt

#define TCPHDR_SYN 0x02

/* Is m a "tcp" match requiring SYN?  translate_table has already resolved the rule's
 * matches (u.kernel.match) when the target is checked. */
static bool find_syn_match(const struct xt_entry_match *m)
{
	const struct xt_tcp *tcpinfo = (const struct xt_tcp *)m->data;

	return strcmp(m->u.kernel.match->name, "tcp") == 0 &&
	       tcpinfo->flg_cmp & TCPHDR_SYN &&
	       !(tcpinfo->invflags & XT_TCP_INV_FLAGS);
}

static int tcpmss_tg4_check(const struct xt_tgchk_param *par)
{
	const struct xt_tcpmss_info *info = par->targinfo;
	const struct ipt_entry *e = par->entryinfo;
	const struct xt_entry_match *ematch;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU &&
	    (par->hook_mask & ~((1 << NF_INET_FORWARD) |
				(1 << NF_INET_LOCAL_OUT) |
				(1 << NF_INET_POST_ROUTING))) != 0) {
		pr_info_ratelimited(par->net, pr_fmt("path-MTU clamping only supported in FORWARD, "
				    "OUTPUT and POSTROUTING hooks\n"));
		return -EINVAL;
	}
	if (par->nft_compat)
		return 0;

	xt_ematch_foreach(ematch, e)
		if (find_syn_match(ematch))
			return 0;
	pr_info_ratelimited(par->net, pr_fmt("Only works on TCP SYN packets\n"));
	return -EINVAL;
}

static const struct xt_target tcpmss_tg_reg[] = {
	{
		.family		= NFPROTO_IPV4,
		.name		= "TCPMSS",
		.checkentry	= tcpmss_tg4_check,
		.targetsize	= sizeof(struct xt_tcpmss_info),
		.proto		= IPPROTO_TCP,
	},
};

static int tcpmss_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tcpmss_tg_reg, ARRAY_SIZE(tcpmss_tg_reg));
}

static void tcpmss_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tcpmss_tg_reg, ARRAY_SIZE(tcpmss_tg_reg));
}

const struct module_info module_info_xt_TCPMSS = {
	.name = "xt_TCPMSS",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TCPMSS", "ip6t_TCPMSS"),
	.init = tcpmss_tg_init,
	.exit = tcpmss_tg_exit,
};
