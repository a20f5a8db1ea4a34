/* xtables/ext/xt_nfacct.c - the "nfacct" match (revs 0, 1): count into a named nfacct object.
 *
 * Mirrors net/netfilter/xt_nfacct.c: nfacct_mt_checkentry refuses with ENOENT a name that
 * nfnetlink_acct does not know.  EMU: nfemu has no nfnetlink, so no object can be created
 * (`nfacct add`) and every name is unknown.  Leaves out: the packet path (nfacct_mt is NULL).
 */
#include <linux/netfilter/nfnetlink_acct.h>
#include <linux/netfilter/xt_nfacct.h>

#include "kernel/module.h"
#include "xtables/x_tables.h"

/* nfnl_acct_find_get() of net/netfilter/nfnetlink_acct.c.  EMU: the list of objects is
 * always empty (see above); a real list would live in a net_generic slot. */
static struct nf_acct *nfnl_acct_find_get(struct net *net, const char *acct_name)
{
	(void)net;
	(void)acct_name;
	return NULL;
}

static void nfnl_acct_put(struct nf_acct *acct)
{
	(void)acct;
}

static int nfacct_mt_checkentry(const struct xt_mtchk_param *par)
{
	struct xt_nfacct_match_info *info = par->matchinfo;
	struct nf_acct *nfacct;

	nfacct = nfnl_acct_find_get(par->net, info->name);
	if (nfacct == NULL) {
		pr_info_ratelimited(par->net, "xt_nfacct: accounting object `%.*s' does not exist",
				    NFACCT_NAME_MAX, info->name);
		return -ENOENT;
	}
	info->nfacct = nfacct;
	return 0;
}

/* Revision 1 only realigns the pointer: name and nfacct sit at the same offsets on LP64. */
static void nfacct_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_nfacct_match_info *info = par->matchinfo;

	nfnl_acct_put(info->nfacct);
}

static const struct xt_match nfacct_mt_reg[] = {
	{
		.name		= "nfacct",
		.match		= xt_unemulated_match,
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= nfacct_mt_checkentry,
		.destroy	= nfacct_mt_destroy,
		.matchsize	= sizeof(struct xt_nfacct_match_info),
		.usersize	= offsetof(struct xt_nfacct_match_info, nfacct),
	},
	{
		.name		= "nfacct",
		.match		= xt_unemulated_match,
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= nfacct_mt_checkentry,
		.destroy	= nfacct_mt_destroy,
		.matchsize	= sizeof(struct xt_nfacct_match_info_v1),
		.usersize	= offsetof(struct xt_nfacct_match_info_v1, nfacct),
	},
};

static int nfacct_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, nfacct_mt_reg, ARRAY_SIZE(nfacct_mt_reg));
}

static void nfacct_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, nfacct_mt_reg, ARRAY_SIZE(nfacct_mt_reg));
}

const struct module_info module_info_xt_nfacct = {
	.name = "xt_nfacct",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables", "nfnetlink_acct"),
	.aliases = MODULE_ALIASES("ipt_nfacct", "ip6t_nfacct"),
	.init = nfacct_mt_init,
	.exit = nfacct_mt_exit,
};
