/* xtables/ext/xt_l2tp.c - the l2tp match: L2TP tunnel/session ids, version and type.
 *
 * Mirrors net/netfilter/xt_l2tp.c: checkentry (flag combinations, version 2 id ranges, the
 * rule's protocol must be udp or l2tpip (115), and v2 has no IP mode).
 * EMU: registration and checks only: its packet semantics are not emulated (NULL .match).
 */
#include <linux/netfilter/xt_l2tp.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP 115
#endif

static int l2tp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_l2tp_info *info = par->matchinfo;

	/* Check for invalid flags */
	if (info->flags & ~(XT_L2TP_TID | XT_L2TP_SID | XT_L2TP_VERSION | XT_L2TP_TYPE)) {
		pr_info_ratelimited(par->net, "xt_l2tp: unknown flags: %x", info->flags);
		return -EINVAL;
	}
	/* At least one of tid, sid or type=control must be specified */
	if (!(info->flags & XT_L2TP_TID) && !(info->flags & XT_L2TP_SID) &&
	    (!(info->flags & XT_L2TP_TYPE) || info->type != XT_L2TP_TYPE_CONTROL)) {
		pr_info_ratelimited(par->net, "xt_l2tp: invalid flags combination: %x", info->flags);
		return -EINVAL;
	}
	/* If version 2 is specified, check that incompatible params are not supplied */
	if (info->flags & XT_L2TP_VERSION) {
		if (info->version < 2 || info->version > 3) {
			pr_info_ratelimited(par->net, "xt_l2tp: wrong L2TP version: %u", info->version);
			return -EINVAL;
		}
		if (info->version == 2) {
			if ((info->flags & XT_L2TP_TID) && info->tid > 0xffff) {
				pr_info_ratelimited(par->net, "xt_l2tp: v2 tid > 0xffff: %u", info->tid);
				return -EINVAL;
			}
			if ((info->flags & XT_L2TP_SID) && info->sid > 0xffff) {
				pr_info_ratelimited(par->net, "xt_l2tp: v2 sid > 0xffff: %u", info->sid);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int l2tp_mt_check4(const struct xt_mtchk_param *par)
{
	const struct xt_l2tp_info *info = par->matchinfo;
	const struct ipt_entry *e = par->entryinfo;
	const struct ipt_ip *ip = &e->ip;
	int ret;

	ret = l2tp_mt_check(par);
	if (ret != 0)
		return ret;
	if (ip->proto != IPPROTO_UDP && ip->proto != IPPROTO_L2TP) {
		pr_info_ratelimited(par->net, "xt_l2tp: missing protocol rule (udp|l2tpip)");
		return -EINVAL;
	}
	if (ip->proto == IPPROTO_L2TP && info->version == 2) {
		pr_info_ratelimited(par->net, "xt_l2tp: v2 doesn't support IP mode");
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match l2tp_mt_reg[] = {
	{
		.name = "l2tp",
		.match     = xt_unemulated_match,
		.revision = 0,
		.family = NFPROTO_IPV4,
		.matchsize = XT_ALIGN(sizeof(struct xt_l2tp_info)),
		.checkentry = l2tp_mt_check4,
		.hooks = (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_LOCAL_OUT) |
			 (1 << NF_INET_FORWARD),
	},
};

static int l2tp_mt_init(struct net *net, struct module *me)
{
	return xt_register_matches(net, me, l2tp_mt_reg, ARRAY_SIZE(l2tp_mt_reg));
}

static void l2tp_mt_exit(struct net *net, struct module *me)
{
	(void)me;
	xt_unregister_matches(net, l2tp_mt_reg, ARRAY_SIZE(l2tp_mt_reg));
}

const struct module_info module_info_xt_l2tp = {
	.name = "xt_l2tp",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_l2tp", "ip6t_l2tp"),
	.init = l2tp_mt_init,
	.exit = l2tp_mt_exit,
};
