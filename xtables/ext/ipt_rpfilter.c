/* xtables/ext/ipt_rpfilter.c - the "rpfilter" match: reverse-path filter (IPv4).
 *
 * Mirrors net/ipv4/netfilter/ipt_rpfilter.c: registration (PREROUTING only) and checkentry
 * (known option bits; raw or mangle table only).  Leaves out the packet path (.match is
 * NULL: the FIB lookup is not emulated at run time yet).
 */
#include <string.h>
#include <linux/netfilter/xt_rpfilter.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "ipt_rpfilter: " fmt

/* Kernel-only in <linux/netfilter/xt_rpfilter.h>. */
#define XT_RPFILTER_OPTION_MASK	(XT_RPFILTER_LOOSE | XT_RPFILTER_VALID_MARK | \
				 XT_RPFILTER_ACCEPT_LOCAL | XT_RPFILTER_INVERT)

static int rpfilter_check(const struct xt_mtchk_param *par)
{
	const struct xt_rpfilter_info *info = par->matchinfo;
	unsigned int options = ~XT_RPFILTER_OPTION_MASK;

	if (info->flags & options) {
		pr_info_ratelimited(par->net, pr_fmt("unknown options\n"));
		return -EINVAL;
	}
	if (strcmp(par->table, "mangle") != 0 &&
	    strcmp(par->table, "raw") != 0) {
		pr_info_ratelimited(par->net, pr_fmt("only valid in 'raw' or 'mangle' table, not '%s'\n"),
				    par->table);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match rpfilter_mt_reg = {
	.name		= "rpfilter",
	.match		= xt_unemulated_match,
	.family		= NFPROTO_IPV4,
	.checkentry	= rpfilter_check,
	.matchsize	= sizeof(struct xt_rpfilter_info),
	.hooks		= (1 << NF_INET_PRE_ROUTING),
};

static int rpfilter_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &rpfilter_mt_reg);
}

static void rpfilter_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &rpfilter_mt_reg);
}

/* No MODULE_ALIAS: request_module("ipt_rpfilter") finds the module by its own name. */
const struct module_info module_info_ipt_rpfilter = {
	.name = "ipt_rpfilter",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.init = rpfilter_mt_init,
	.exit = rpfilter_mt_exit,
};
