/* xtables/ext/xt_CONNSECMARK.c - the CONNSECMARK target: copy the security mark between
 * packet and connection (--save / --restore), mangle and security tables only.
 *
 * Mirrors net/netfilter/xt_CONNSECMARK.c: checkentry enforces the table itself (the target
 * has no .table), refuses an unknown mode, then takes a conntrack reference.
 * Leaves out: connsecmark_tg (needs conntrack/ and an LSM's secmarks).
 */
#include <linux/netfilter/xt_CONNSECMARK.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int connsecmark_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_connsecmark_target_info *info = par->targinfo;
	int ret;

	if (strcmp(par->table, "mangle") != 0 &&
	    strcmp(par->table, "security") != 0) {
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: only valid in 'mangle' or 'security' table, not '%s'\n",
				    par->table);
		return -EINVAL;
	}

	switch (info->mode) {
	case CONNSECMARK_SAVE:
	case CONNSECMARK_RESTORE:
		break;

	default:
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: invalid mode: %hu\n",
				    (unsigned short)info->mode);
		return -EINVAL;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void connsecmark_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target connsecmark_tg_reg[] = {
	{
		.name       = "CONNSECMARK",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.checkentry = connsecmark_tg_check,
		.destroy    = connsecmark_tg_destroy,
		.targetsize = sizeof(struct xt_connsecmark_target_info),
	},
};

static int connsecmark_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, connsecmark_tg_reg, ARRAY_SIZE(connsecmark_tg_reg));
}

static void connsecmark_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, connsecmark_tg_reg, ARRAY_SIZE(connsecmark_tg_reg));
}

const struct module_info module_info_xt_CONNSECMARK = {
	.name = "xt_CONNSECMARK",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_CONNSECMARK", "ip6t_CONNSECMARK"),
	.init = connsecmark_tg_init,
	.exit = connsecmark_tg_exit,
};
