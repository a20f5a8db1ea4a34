/* xtables/ext/xt_helper.c - the "helper" match: connections related to a master handled by
 * the named conntrack helper (e.g. ftp data connections).
 *
 * Mirrors net/netfilter/xt_helper.c: checkentry takes a conntrack reference and
 * NUL-terminates the helper name in place (which GET_ENTRIES then shows); the match is true
 * for an entry whose master's helper has the name (compared over the helper name's length,
 * so "ftp-" prefixes match too; an empty name matches any helper).
 */
#include <linux/netfilter/xt_helper.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_helper.h"

static bool helper_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_helper_info *info = par->matchinfo;
	const struct nf_conn *ct;
	const struct nf_conn_help *master_help;
	const struct nf_conntrack_helper *helper;
	enum ip_conntrack_info ctinfo;
	bool ret = info->invert;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !ct->master)
		return ret;
	master_help = nfct_help(ct->master);
	if (!master_help)
		return ret;
	helper = master_help->helper;
	if (!helper)
		return ret;
	if (info->name[0] == '\0')
		ret = !ret;
	else
		ret ^= !strncmp(helper->name, info->name, strlen(helper->name));
	return ret;
}

static int helper_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_helper_info *info = par->matchinfo;
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0) {
		pr_info_ratelimited(par->net, "xt_helper: cannot load conntrack support for proto=%u\n",
				    par->family);
		return ret;
	}
	info->name[sizeof(info->name) - 1] = '\0';
	return 0;
}

static void helper_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match helper_mt_reg = {
	.name       = "helper",
	.revision   = 0,
	.family     = NFPROTO_UNSPEC,
	.checkentry = helper_mt_check,
	.match      = helper_mt,
	.destroy    = helper_mt_destroy,
	.matchsize  = sizeof(struct xt_helper_info),
};

static int helper_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &helper_mt_reg);
}

static void helper_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &helper_mt_reg);
}

const struct module_info module_info_xt_helper = {
	.name = "xt_helper",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_helper", "ip6t_helper"),
	.init = helper_mt_init,
	.exit = helper_mt_exit,
};
