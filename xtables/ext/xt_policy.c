/* xtables/ext/xt_policy.c - the "policy" match: IPsec policy of a packet.
 *
 * Mirrors net/netfilter/xt_policy.c: the IPv4 registration and checkentry (a direction;
 * input policy not in POSTROUTING/OUTPUT, output policy not in PREROUTING/INPUT; at most
 * XT_POLICY_MAX_ELEM elements).  Leaves out the IPv6 registration and the packet path
 * (.match is NULL: nfemu has no xfrm).
 */
#include <linux/netfilter/xt_policy.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_policy: " fmt

static int policy_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_policy_info *info = par->matchinfo;
	const char *errmsg = "neither incoming nor outgoing policy selected";

	if (!(info->flags & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT)))
		goto err;

	if (par->hook_mask & ((1 << NF_INET_PRE_ROUTING) |
	    (1 << NF_INET_LOCAL_IN)) && info->flags & XT_POLICY_MATCH_OUT) {
		errmsg = "output policy not valid in PREROUTING and INPUT";
		goto err;
	}
	if (par->hook_mask & ((1 << NF_INET_POST_ROUTING) |
	    (1 << NF_INET_LOCAL_OUT)) && info->flags & XT_POLICY_MATCH_IN) {
		errmsg = "input policy not valid in POSTROUTING and OUTPUT";
		goto err;
	}
	if (info->len > XT_POLICY_MAX_ELEM) {
		errmsg = "too many policy elements";
		goto err;
	}
	return 0;
err:
	pr_info_ratelimited(par->net, pr_fmt("%s\n"), errmsg);
	return -EINVAL;
}

static const struct xt_match policy_mt_reg[] = {
	{
		.name		= "policy",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.checkentry	= policy_mt_check,
		.matchsize	= sizeof(struct xt_policy_info),
	},
};

static int policy_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, policy_mt_reg, ARRAY_SIZE(policy_mt_reg));
}

static void policy_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, policy_mt_reg, ARRAY_SIZE(policy_mt_reg));
}

const struct module_info module_info_xt_policy = {
	.name = "xt_policy",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_policy", "ip6t_policy"),
	.init = policy_mt_init,
	.exit = policy_mt_exit,
};
