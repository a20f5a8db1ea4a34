/* xtables/ext/xt_SECMARK.c - the SECMARK target: label packets with an LSM security id.
 *
 * Mirrors net/netfilter/xt_SECMARK.c: revisions 0 and 1, mangle/security tables only, mode
 * SECMARK_MODE_SEL only, and the security context mapped through the LSM.
 * EMU: the emulated kernel has no LSM, like the kernel here without SELinux: every context
 * maps to secid 0, so checkentry refuses it with ENOENT ("unable to map security context"),
 * exactly what Linux answers.  Because no rule is ever accepted, the module-wide `mode` Linux
 * keeps is never set, and nfemu needs no state for it.  No run-time function.
 */
#include <linux/netfilter/xt_SECMARK.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"

/* security_secctx_to_secid with no LSM: success, secid 0. */
static int checkentry_lsm(struct net *net, struct xt_secmark_target_info_v1 *info)
{
	info->secctx[SECMARK_SECCTX_MAX - 1] = '\0';
	info->secid = 0;
	pr_info_ratelimited(net, "xt_SECMARK: unable to map security context '%s'", info->secctx);
	return -ENOENT;
}

static int secmark_tg_check(struct net *net, const char *table, struct xt_secmark_target_info_v1 *info)
{
	if (strcmp(table, "mangle") != 0 && strcmp(table, "security") != 0) {
		pr_info_ratelimited(net, "xt_SECMARK: only valid in 'mangle' or 'security' table, not '%s'", table);
		return -EINVAL;
	}
	if (info->mode != SECMARK_MODE_SEL) {
		pr_info_ratelimited(net, "xt_SECMARK: invalid mode: %hu", (unsigned short)info->mode);
		return -EINVAL;
	}
	return checkentry_lsm(net, info);
}

static int secmark_tg_check_v0(const struct xt_tgchk_param *par)
{
	struct xt_secmark_target_info *info = par->targinfo;
	struct xt_secmark_target_info_v1 newinfo = { .mode = info->mode };
	int ret;

	memcpy(newinfo.secctx, info->secctx, SECMARK_SECCTX_MAX);
	ret = secmark_tg_check(par->net, par->table, &newinfo);
	info->secid = newinfo.secid;
	return ret;
}

static int secmark_tg_check_v1(const struct xt_tgchk_param *par)
{
	return secmark_tg_check(par->net, par->table, par->targinfo);
}

static const struct xt_target secmark_tg_reg[] = {
	{
		.name = "SECMARK",
		.target    = xt_unemulated_target,
		.revision = 0,
		.family = NFPROTO_IPV4,
		.checkentry = secmark_tg_check_v0,
		.targetsize = sizeof(struct xt_secmark_target_info),
	},
	{
		.name = "SECMARK",
		.target    = xt_unemulated_target,
		.revision = 1,
		.family = NFPROTO_IPV4,
		.checkentry = secmark_tg_check_v1,
		.targetsize = sizeof(struct xt_secmark_target_info_v1),
		.usersize = offsetof(struct xt_secmark_target_info_v1, secid),
	},
};

static int secmark_tg_init(struct net *net, struct module *me)
{
	return xt_register_targets(net, me, secmark_tg_reg, ARRAY_SIZE(secmark_tg_reg));
}

static void secmark_tg_exit(struct net *net, struct module *me)
{
	(void)me;
	xt_unregister_targets(net, secmark_tg_reg, ARRAY_SIZE(secmark_tg_reg));
}

const struct module_info module_info_xt_SECMARK = {
	.name = "xt_SECMARK",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_SECMARK", "ip6t_SECMARK"),
	.init = secmark_tg_init,
	.exit = secmark_tg_exit,
};
