/* xtables/ext/xt_state.c - the "state" match: the packet's conntrack state (INVALID, NEW, ...).
 *
 * Mirrors net/netfilter/xt_state.c: one NFPROTO_UNSPEC match whose checkentry takes a
 * conntrack reference for the family (nf_ct_netns_get) and whose destroy drops it; state_mt
 * tests the packet's ctinfo (INVALID when conntrack gave it none, UNTRACKED for NOTRACK).
 */
#include <linux/netfilter/xt_state.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static bool state_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_state_info *sinfo = par->matchinfo;
	enum ip_conntrack_info ctinfo;
	unsigned int statebit;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (ct)
		statebit = XT_STATE_BIT(ctinfo);
	else if (ctinfo == IP_CT_UNTRACKED)
		statebit = XT_STATE_UNTRACKED;
	else
		statebit = XT_STATE_INVALID;
	return sinfo->statemask & statebit;
}

static int state_mt_check(const struct xt_mtchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void state_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match state_mt_reg = {
	.name       = "state",
	.family     = NFPROTO_UNSPEC,
	.match      = state_mt,
	.checkentry = state_mt_check,
	.destroy    = state_mt_destroy,
	.matchsize  = sizeof(struct xt_state_info),
};

static int state_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &state_mt_reg);
}

static void state_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &state_mt_reg);
}

const struct module_info module_info_xt_state = {
	.name = "xt_state",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_state", "ip6t_state"),
	.init = state_mt_init,
	.exit = state_mt_exit,
};
