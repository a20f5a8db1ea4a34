/* xtables/ext/xt_connmark.c - the "connmark" match and the CONNMARK target (ct->mark).
 *
 * Mirrors net/netfilter/xt_connmark.c: CONNMARK revisions 1 and 2 (NFPROTO_IPV4 since the
 * kernel stopped registering them for NFPROTO_UNSPEC) and the NFPROTO_UNSPEC connmark
 * match, revision 1.  Both checkentries only take a conntrack reference; the kernel does
 * not validate mode or shift here.
 * Leaves out: connmark_tg/connmark_tg_v2/connmark_mt (need conntrack/).
 */
#include <linux/netfilter/xt_connmark.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int connmark_tg_check(const struct xt_tgchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void connmark_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static int connmark_mt_check(const struct xt_mtchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void connmark_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target connmark_tg_reg[] = {
	{
		.name       = "CONNMARK",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.checkentry = connmark_tg_check,
		.targetsize = sizeof(struct xt_connmark_tginfo1),
		.destroy    = connmark_tg_destroy,
	},
	{
		.name       = "CONNMARK",
		.revision   = 2,
		.family     = NFPROTO_IPV4,
		.checkentry = connmark_tg_check,
		.targetsize = sizeof(struct xt_connmark_tginfo2),
		.destroy    = connmark_tg_destroy,
	},
};

static const struct xt_match connmark_mt_reg = {
	.name       = "connmark",
	.revision   = 1,
	.family     = NFPROTO_UNSPEC,
	.checkentry = connmark_mt_check,
	.matchsize  = sizeof(struct xt_connmark_mtinfo1),
	.destroy    = connmark_mt_destroy,
};

static int connmark_mt_init(struct net *net, struct module *mod)
{
	int ret;

	ret = xt_register_targets(net, mod, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
	if (ret < 0)
		return ret;
	ret = xt_register_match(net, mod, &connmark_mt_reg);
	if (ret < 0) {
		xt_unregister_targets(net, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
		return ret;
	}
	return 0;
}

static void connmark_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &connmark_mt_reg);
	xt_unregister_targets(net, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
}

const struct module_info module_info_xt_connmark = {
	.name = "xt_connmark",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_CONNMARK", "ip6t_CONNMARK", "ipt_connmark", "ip6t_connmark"),
	.init = connmark_mt_init,
	.exit = connmark_mt_exit,
};
