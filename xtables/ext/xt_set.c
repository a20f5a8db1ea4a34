/* xtables/ext/xt_set.c - the "set" match (revs 0-4) and "SET" target (revs 0-3): ipset lookups.
 *
 * Mirrors net/netfilter/xt_set.c (no pr_fmt there: messages lack a prefix).  EMU: nfemu has no
 * ipset, so every rule naming a set gets ENOENT: the match can never be loaded (its packet path
 * stays NULL) and a SET naming no set just continues.  Leaves out: ipset itself.
 */
#include <string.h>
#include <linux/netfilter/xt_set.h>

#include "kernel/module.h"
#include "xtables/x_tables.h"

#ifndef IPSET_INVALID_ID
#define IPSET_INVALID_ID 65535
#endif

/* ip_set_nfnl_get_byindex() of net/netfilter/ipset/ip_set_core.c: the index if it names a
 * set (taking a reference), else IPSET_INVALID_ID.  EMU: no sets exist (see above). */
static ip_set_id_t ip_set_nfnl_get_byindex(struct net *net, ip_set_id_t index)
{
	(void)net;
	(void)index;
	return IPSET_INVALID_ID;
}

static void ip_set_nfnl_put(struct net *net, ip_set_id_t index)
{
	(void)net;
	(void)index;
}

/* set_target_v0..v3 skip each add/del/map set whose index is IPSET_INVALID_ID and return
 * XT_CONTINUE.  EMU: with no sets, checkentry lets a SET rule through only when every index is
 * IPSET_INVALID_ID, so that is all they can do here. */
static unsigned int set_target_noset(struct sk_buff *skb, const struct xt_action_param *par)
{
	(void)skb;
	(void)par;
	return XT_CONTINUE;
}

/* Revision 0 carries per-dimension flags: fill in dim/flags as later revisions have them
 * (enum ip_set_kopt), which GET_ENTRIES then returns. */
static void compat_flags(struct xt_set_info_v0 *info)
{
	u_int8_t i;

	info->u.compat.dim = IPSET_DIM_ZERO;
	if (info->u.flags[0] & IPSET_MATCH_INV)
		info->u.compat.flags |= IPSET_INV_MATCH;
	for (i = 0; i < IPSET_DIM_MAX - 1 && info->u.flags[i]; i++) {
		info->u.compat.dim++;
		if (info->u.flags[i] & IPSET_SRC)
			info->u.compat.flags |= (1 << info->u.compat.dim);
	}
}

/* Revision 0 */

static int set_match_v0_checkentry(const struct xt_mtchk_param *par)
{
	struct xt_set_info_match_v0 *info = par->matchinfo;
	ip_set_id_t index;

	index = ip_set_nfnl_get_byindex(par->net, info->match_set.index);

	if (index == IPSET_INVALID_ID) {
		pr_info_ratelimited(par->net, "Cannot find set identified by id %u to match",
				    info->match_set.index);
		return -ENOENT;
	}
	if (info->match_set.u.flags[IPSET_DIM_MAX - 1] != 0) {
		pr_info_ratelimited(par->net, "set match dimension is over the limit!");
		ip_set_nfnl_put(par->net, info->match_set.index);
		return -ERANGE;
	}

	/* Fill out compatibility data */
	compat_flags(&info->match_set);

	return 0;
}

static void set_match_v0_destroy(const struct xt_mtdtor_param *par)
{
	struct xt_set_info_match_v0 *info = par->matchinfo;

	ip_set_nfnl_put(par->net, info->match_set.index);
}

/* Revisions 1-4: match_set leads every layout. */

static int set_match_v1_checkentry(const struct xt_mtchk_param *par)
{
	struct xt_set_info_match_v1 *info = par->matchinfo;
	ip_set_id_t index;

	index = ip_set_nfnl_get_byindex(par->net, info->match_set.index);

	if (index == IPSET_INVALID_ID) {
		pr_info_ratelimited(par->net, "Cannot find set identified by id %u to match",
				    info->match_set.index);
		return -ENOENT;
	}
	if (info->match_set.dim > IPSET_DIM_MAX) {
		pr_info_ratelimited(par->net, "set match dimension is over the limit!");
		ip_set_nfnl_put(par->net, info->match_set.index);
		return -ERANGE;
	}

	return 0;
}

static void set_match_v1_destroy(const struct xt_mtdtor_param *par)
{
	struct xt_set_info_match_v1 *info = par->matchinfo;

	ip_set_nfnl_put(par->net, info->match_set.index);
}

static int set_target_v0_checkentry(const struct xt_tgchk_param *par)
{
	struct xt_set_info_target_v0 *info = par->targinfo;
	ip_set_id_t index;

	if (info->add_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->add_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find add_set index %u as target",
					    info->add_set.index);
			return -ENOENT;
		}
	}

	if (info->del_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->del_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find del_set index %u as target",
					    info->del_set.index);
			if (info->add_set.index != IPSET_INVALID_ID)
				ip_set_nfnl_put(par->net, info->add_set.index);
			return -ENOENT;
		}
	}
	if (info->add_set.u.flags[IPSET_DIM_MAX - 1] != 0 ||
	    info->del_set.u.flags[IPSET_DIM_MAX - 1] != 0) {
		pr_info_ratelimited(par->net, "SET target dimension over the limit!");
		if (info->add_set.index != IPSET_INVALID_ID)
			ip_set_nfnl_put(par->net, info->add_set.index);
		if (info->del_set.index != IPSET_INVALID_ID)
			ip_set_nfnl_put(par->net, info->del_set.index);
		return -ERANGE;
	}

	/* Fill out compatibility data */
	compat_flags(&info->add_set);
	compat_flags(&info->del_set);

	return 0;
}

static void set_target_v0_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_set_info_target_v0 *info = par->targinfo;

	if (info->add_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->add_set.index);
	if (info->del_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->del_set.index);
}

/* Revisions 1 and 2 (2 adds flags and timeout after the same two sets). */

static int set_target_v1_checkentry(const struct xt_tgchk_param *par)
{
	const struct xt_set_info_target_v1 *info = par->targinfo;
	ip_set_id_t index;

	if (info->add_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->add_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find add_set index %u as target",
					    info->add_set.index);
			return -ENOENT;
		}
	}

	if (info->del_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->del_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find del_set index %u as target",
					    info->del_set.index);
			if (info->add_set.index != IPSET_INVALID_ID)
				ip_set_nfnl_put(par->net, info->add_set.index);
			return -ENOENT;
		}
	}
	if (info->add_set.dim > IPSET_DIM_MAX ||
	    info->del_set.dim > IPSET_DIM_MAX) {
		pr_info_ratelimited(par->net, "SET target dimension over the limit!");
		if (info->add_set.index != IPSET_INVALID_ID)
			ip_set_nfnl_put(par->net, info->add_set.index);
		if (info->del_set.index != IPSET_INVALID_ID)
			ip_set_nfnl_put(par->net, info->del_set.index);
		return -ERANGE;
	}

	return 0;
}

static void set_target_v1_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_set_info_target_v1 *info = par->targinfo;

	if (info->add_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->add_set.index);
	if (info->del_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->del_set.index);
}

/* Revision 3 adds --map-set: mangle only, prio/queue mapping only late in the path. */

static int set_target_v3_checkentry(const struct xt_tgchk_param *par)
{
	const struct xt_set_info_target_v3 *info = par->targinfo;
	ip_set_id_t index;
	int ret = 0;

	if (info->add_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->add_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find add_set index %u as target",
					    info->add_set.index);
			return -ENOENT;
		}
	}

	if (info->del_set.index != IPSET_INVALID_ID) {
		index = ip_set_nfnl_get_byindex(par->net, info->del_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find del_set index %u as target",
					    info->del_set.index);
			ret = -ENOENT;
			goto cleanup_add;
		}
	}

	if (info->map_set.index != IPSET_INVALID_ID) {
		if (strncmp(par->table, "mangle", 7)) {
			pr_info_ratelimited(par->net, "--map-set only usable from mangle table");
			ret = -EINVAL;
			goto cleanup_del;
		}
		if (((info->flags & IPSET_FLAG_MAP_SKBPRIO) |
		     (info->flags & IPSET_FLAG_MAP_SKBQUEUE)) &&
		     (par->hook_mask & ~(1 << NF_INET_FORWARD |
					 1 << NF_INET_LOCAL_OUT |
					 1 << NF_INET_POST_ROUTING))) {
			pr_info_ratelimited(par->net, "mapping of prio or/and queue is allowed only from OUTPUT/FORWARD/POSTROUTING chains");
			ret = -EINVAL;
			goto cleanup_del;
		}
		index = ip_set_nfnl_get_byindex(par->net, info->map_set.index);
		if (index == IPSET_INVALID_ID) {
			pr_info_ratelimited(par->net, "Cannot find map_set index %u as target",
					    info->map_set.index);
			ret = -ENOENT;
			goto cleanup_del;
		}
	}

	if (info->add_set.dim > IPSET_DIM_MAX ||
	    info->del_set.dim > IPSET_DIM_MAX ||
	    info->map_set.dim > IPSET_DIM_MAX) {
		pr_info_ratelimited(par->net, "SET target dimension over the limit!");
		ret = -ERANGE;
		goto cleanup_mark;
	}

	return 0;
cleanup_mark:
	if (info->map_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->map_set.index);
cleanup_del:
	if (info->del_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->del_set.index);
cleanup_add:
	if (info->add_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->add_set.index);
	return ret;
}

static void set_target_v3_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_set_info_target_v3 *info = par->targinfo;

	if (info->add_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->add_set.index);
	if (info->del_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->del_set.index);
	if (info->map_set.index != IPSET_INVALID_ID)
		ip_set_nfnl_put(par->net, info->map_set.index);
}

static const struct xt_match set_matches[] = {
	{
		.name		= "set",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.revision	= 0,
		.matchsize	= sizeof(struct xt_set_info_match_v0),
		.checkentry	= set_match_v0_checkentry,
		.destroy	= set_match_v0_destroy,
	},
	{
		.name		= "set",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.revision	= 1,
		.matchsize	= sizeof(struct xt_set_info_match_v1),
		.checkentry	= set_match_v1_checkentry,
		.destroy	= set_match_v1_destroy,
	},
	/* --return-nomatch flag support */
	{
		.name		= "set",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.revision	= 2,
		.matchsize	= sizeof(struct xt_set_info_match_v1),
		.checkentry	= set_match_v1_checkentry,
		.destroy	= set_match_v1_destroy,
	},
	/* counters support: update, match */
	{
		.name		= "set",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.revision	= 3,
		.matchsize	= sizeof(struct xt_set_info_match_v3),
		.checkentry	= set_match_v1_checkentry,
		.destroy	= set_match_v1_destroy,
	},
	/* new revision for counters support: update, match */
	{
		.name		= "set",
		.match		= xt_unemulated_match,
		.family		= NFPROTO_IPV4,
		.revision	= 4,
		.matchsize	= sizeof(struct xt_set_info_match_v4),
		.checkentry	= set_match_v1_checkentry,
		.destroy	= set_match_v1_destroy,
	},
};

static const struct xt_target set_targets[] = {
	{
		.name		= "SET",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.target		= set_target_noset,
		.targetsize	= sizeof(struct xt_set_info_target_v0),
		.checkentry	= set_target_v0_checkentry,
		.destroy	= set_target_v0_destroy,
	},
	{
		.name		= "SET",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.target		= set_target_noset,
		.targetsize	= sizeof(struct xt_set_info_target_v1),
		.checkentry	= set_target_v1_checkentry,
		.destroy	= set_target_v1_destroy,
	},
	/* --timeout and --exist flags support */
	{
		.name		= "SET",
		.revision	= 2,
		.family		= NFPROTO_IPV4,
		.target		= set_target_noset,
		.targetsize	= sizeof(struct xt_set_info_target_v2),
		.checkentry	= set_target_v1_checkentry,
		.destroy	= set_target_v1_destroy,
	},
	/* --map-set support */
	{
		.name		= "SET",
		.revision	= 3,
		.family		= NFPROTO_IPV4,
		.target		= set_target_noset,
		.targetsize	= sizeof(struct xt_set_info_target_v3),
		.checkentry	= set_target_v3_checkentry,
		.destroy	= set_target_v3_destroy,
	},
};

static int xt_set_init(struct net *net, struct module *mod)
{
	int ret;

	ret = xt_register_matches(net, mod, set_matches, ARRAY_SIZE(set_matches));
	if (!ret) {
		ret = xt_register_targets(net, mod, set_targets, ARRAY_SIZE(set_targets));
		if (ret)
			xt_unregister_matches(net, set_matches, ARRAY_SIZE(set_matches));
	}
	return ret;
}

static void xt_set_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, set_matches, ARRAY_SIZE(set_matches));
	xt_unregister_targets(net, set_targets, ARRAY_SIZE(set_targets));
}

const struct module_info module_info_xt_set = {
	.name = "xt_set",
	.size = 20480,
	.depends = MODULE_DEPS("x_tables", "ip_set"),
	.aliases = MODULE_ALIASES("ipt_set", "ip6t_set", "ipt_SET", "ip6t_SET"),
	.init = xt_set_init,
	.exit = xt_set_fini,
};
