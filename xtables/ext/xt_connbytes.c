/* xtables/ext/xt_connbytes.c - the "connbytes" match: packets, bytes or average packet size
 * a connection has seen in one or both directions.
 *
 * Mirrors net/netfilter/xt_connbytes.c: checkentry refuses an unknown mode (what) or
 * direction with EINVAL, takes a conntrack reference and forces conntrack accounting on.
 * Leaves out: connbytes_mt (needs conntrack/ and its accounting).
 */
#include <linux/netfilter/xt_connbytes.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

static int connbytes_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_connbytes_info *sinfo = par->matchinfo;
	int ret;

	/* EMU: the kernel refuses these two silently; the debug lines only say why. */
	if (sinfo->what != XT_CONNBYTES_PKTS &&
	    sinfo->what != XT_CONNBYTES_BYTES &&
	    sinfo->what != XT_CONNBYTES_AVGPKT) {
		pr_debug(par->net, "xt_connbytes: invalid mode %u\n", sinfo->what);
		return -EINVAL;
	}

	if (sinfo->direction != XT_CONNBYTES_DIR_ORIGINAL &&
	    sinfo->direction != XT_CONNBYTES_DIR_REPLY &&
	    sinfo->direction != XT_CONNBYTES_DIR_BOTH) {
		pr_debug(par->net, "xt_connbytes: invalid direction %u\n", sinfo->direction);
		return -EINVAL;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0) {
		pr_info_ratelimited(par->net, "xt_connbytes: cannot load conntrack support for proto=%u\n",
				    par->family);
		return ret;
	}

	/*
	 * This filter cannot function correctly unless connection tracking
	 * accounting is enabled, so the kernel turns it on and says so.
	 * EMU: net.netfilter.nf_conntrack_acct is not modelled yet (conntrack/), so nfemu
	 * cannot tell whether it is already on and warns every time, where Linux warns
	 * for the first connbytes rule of a netns only.
	 */
	pr_warn(par->net, "xt_connbytes: Forcing CT accounting to be enabled\n");

	return ret;
}

static void connbytes_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match connbytes_mt_reg = {
	.name       = "connbytes",
	.revision   = 0,
	.family     = NFPROTO_UNSPEC,
	.checkentry = connbytes_mt_check,
	.destroy    = connbytes_mt_destroy,
	.matchsize  = sizeof(struct xt_connbytes_info),
};

static int connbytes_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &connbytes_mt_reg);
}

static void connbytes_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &connbytes_mt_reg);
}

const struct module_info module_info_xt_connbytes = {
	.name = "xt_connbytes",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_connbytes", "ip6t_connbytes"),
	.init = connbytes_mt_init,
	.exit = connbytes_mt_exit,
};
