/* xtables/ext/xt_helper.c - the "helper" match: connections related to a master handled by
 * the named conntrack helper (e.g. ftp data connections).
 *
 * Mirrors net/netfilter/xt_helper.c: checkentry takes a conntrack reference and
 * NUL-terminates the helper name in place (which GET_ENTRIES then shows).
 * Leaves out: helper_mt (needs conntrack/ and helpers).
 */
#include <linux/netfilter/xt_helper.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

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
