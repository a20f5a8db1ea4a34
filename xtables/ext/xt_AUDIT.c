/* xtables/ext/xt_AUDIT.c - the "AUDIT" target: emit an audit record for matching packets.
 *
 * Mirrors net/netfilter/xt_AUDIT.c: audit_tg_check refuses a type other than accept, drop or
 * reject (ERANGE).  Leaves out: the packet path (audit_tg is NULL) and the bridge registration.
 */
#include <linux/netfilter/xt_AUDIT.h>

#include "emu/module.h"
#include "xtables/x_tables.h"

static int audit_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_audit_info *info = par->targinfo;

	if (info->type > XT_AUDIT_TYPE_MAX) {
		pr_info_ratelimited(par->net, "xt_AUDIT: Audit type out of range (valid range: 0..%u)",
				    XT_AUDIT_TYPE_MAX);
		return -ERANGE;
	}

	return 0;
}

static const struct xt_target audit_tg_reg[] = {
	{
		.name		= "AUDIT",
		.family		= NFPROTO_UNSPEC,
		.checkentry	= audit_tg_check,
		.targetsize	= sizeof(struct xt_audit_info),
	},
};

static int audit_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, audit_tg_reg, ARRAY_SIZE(audit_tg_reg));
}

static void audit_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, audit_tg_reg, ARRAY_SIZE(audit_tg_reg));
}

const struct module_info module_info_xt_AUDIT = {
	.name = "xt_AUDIT",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_AUDIT", "ip6t_AUDIT", "ebt_AUDIT", "arpt_AUDIT"),
	.init = audit_tg_init,
	.exit = audit_tg_exit,
};
