/* xtables/ext/xt_recent.c - the "recent" match (revs 0, 1): lists of recently seen addresses.
 *
 * Mirrors net/netfilter/xt_recent.c: refuses bad flag combinations, hitcounts above 65535 and
 * names unfit for /proc, then finds or creates the per-net table of that name (shared; a later
 * rule never refuses).  Leaves out: the packet path (recent_mt is NULL), entries, /proc files.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_recent.h>

#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"

/* Timestamps kept per address; hit_count must stay below it (65535 since Linux 6.11). */
#define XT_RECENT_MAX_NSTAMPS 65536


struct recent_table {
	struct list_head list;			/* recent_net.tables */
	char name[XT_RECENT_NAME_LEN];
	union nf_inet_addr mask;
	unsigned int refcnt;
	unsigned int entries;
	u16 nstamps_max_mask;
};

/* net_generic(net, NET_GENERIC_RECENT) */
struct recent_net {
	struct list_head tables;
};

static struct recent_net *recent_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_RECENT);
}

static struct recent_table *recent_table_lookup(struct recent_net *recent_net, const char *name)
{
	struct recent_table *t;

	list_for_each_entry(t, &recent_net->tables, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* EMU: xt_check_proc_name() of net/netfilter/x_tables.c, which x_tables.h does not
 * export: the table name becomes /proc/net/xt_recent/<name>. */
static int recent_check_proc_name(const char *name, unsigned int size)
{
	if (name[0] == '\0')
		return -EINVAL;

	if (strnlen(name, size) == size)
		return -ENAMETOOLONG;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
		return -EINVAL;

	return 0;
}

static unsigned int roundup_pow_of_two(unsigned int n)
{
	unsigned int p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int recent_mt_check(const struct xt_mtchk_param *par,
			   const struct xt_recent_mtinfo_v1 *info)
{
	struct recent_net *recent_net = recent_pernet(par->net);
	struct recent_table *t;
	/* The module parameter ip_pkt_list_tot: 0 by default, then hit_count sizes the ring. */
	unsigned int ip_pkt_list_tot = 0;
	unsigned int nstamp_mask;
	u8 ops;
	int ret;

	if (info->check_set & ~XT_RECENT_VALID_FLAGS) {
		pr_info_ratelimited(par->net, "xt_recent: Unsupported userspace flags (%08x)",
				    info->check_set);
		return -EINVAL;
	}
	/* EMU: the kernel refuses silently in the next three checks; the reasons are nfemu's. */
	ops = info->check_set & (XT_RECENT_SET | XT_RECENT_REMOVE |
				 XT_RECENT_CHECK | XT_RECENT_UPDATE);
	if (ops == 0 || (ops & (ops - 1)) != 0) {
		pr_debug(par->net, "xt_recent: need exactly one of --set, --remove, --rcheck, --update");
		return -EINVAL;
	}
	if ((info->check_set & (XT_RECENT_SET | XT_RECENT_REMOVE)) &&
	    (info->seconds || info->hit_count ||
	     (info->check_set & XT_RECENT_MODIFIERS))) {
		pr_debug(par->net, "xt_recent: --set/--remove take no --seconds, --hitcount, --rttl or --reap");
		return -EINVAL;
	}
	if ((info->check_set & XT_RECENT_REAP) && !info->seconds) {
		pr_debug(par->net, "xt_recent: --reap needs --seconds");
		return -EINVAL;
	}
	if (info->hit_count >= XT_RECENT_MAX_NSTAMPS) {
		pr_info_ratelimited(par->net, "xt_recent: hitcount (%u) is larger than allowed maximum (%u)",
				    info->hit_count, XT_RECENT_MAX_NSTAMPS - 1);
		return -EINVAL;
	}
	ret = recent_check_proc_name(info->name, sizeof(info->name));
	if (ret) {
		pr_debug(par->net, "xt_recent: invalid table name");	/* EMU: silent in the kernel */
		return ret;
	}

	if (ip_pkt_list_tot && info->hit_count < ip_pkt_list_tot)
		nstamp_mask = roundup_pow_of_two(ip_pkt_list_tot) - 1;
	else if (info->hit_count)
		nstamp_mask = roundup_pow_of_two(info->hit_count) - 1;
	else
		nstamp_mask = 32 - 1;

	t = recent_table_lookup(recent_net, info->name);
	if (t != NULL) {
		/* A wider ring flushes the table (no entries are kept in nfemu yet). */
		if (nstamp_mask > t->nstamps_max_mask) {
			t->entries = 0;
			t->nstamps_max_mask = nstamp_mask;
		}
		t->refcnt++;
		return 0;
	}

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->refcnt = 1;
	t->nstamps_max_mask = nstamp_mask;
	memcpy(&t->mask, &info->mask, sizeof(t->mask));
	strcpy(t->name, info->name);
	list_add_tail(&t->list, &recent_net->tables);
	return 0;
}

static int recent_mt_check_v0(const struct xt_mtchk_param *par)
{
	const struct xt_recent_mtinfo *info_v0 = par->matchinfo;
	struct xt_recent_mtinfo_v1 info_v1;

	/* Copy revision 0 structure to revision 1 */
	memcpy(&info_v1, info_v0, sizeof(struct xt_recent_mtinfo));
	/* Set default mask to ensure backward compatible behaviour */
	memset(info_v1.mask.all, 0xFF, sizeof(info_v1.mask.all));

	return recent_mt_check(par, &info_v1);
}

static int recent_mt_check_v1(const struct xt_mtchk_param *par)
{
	return recent_mt_check(par, par->matchinfo);
}

/* Both revisions keep name at the same offset, so the destructor reads it as revision 1. */
static void recent_mt_destroy(const struct xt_mtdtor_param *par)
{
	struct recent_net *recent_net = recent_pernet(par->net);
	const struct xt_recent_mtinfo *info = par->matchinfo;
	struct recent_table *t;

	t = recent_table_lookup(recent_net, info->name);
	if (t != NULL && --t->refcnt == 0) {
		list_del(&t->list);
		free(t);
	}
}

static const struct xt_match recent_mt_reg[] = {
	{
		.name		= "recent",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_recent_mtinfo),
		.checkentry	= recent_mt_check_v0,
		.destroy	= recent_mt_destroy,
	},
	{
		.name		= "recent",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_recent_mtinfo_v1),
		.checkentry	= recent_mt_check_v1,
		.destroy	= recent_mt_destroy,
	},
};

static int recent_net_init(struct net *net)
{
	struct recent_net *recent_net = calloc(1, sizeof(*recent_net));

	if (recent_net == NULL)
		return -ENOMEM;
	INIT_LIST_HEAD(&recent_net->tables);
	net->gen[NET_GENERIC_RECENT] = recent_net;
	return 0;
}

static void recent_net_exit(struct net *net)
{
	struct recent_net *recent_net = recent_pernet(net);

	if (recent_net == NULL)
		return;
	/* Rules hold the module, so no table is left here unless the net is torn down with
	 * rules in place: their destructors still look the tables up, so keep them all. */
	if (!list_empty(&recent_net->tables))
		return;
	free(recent_net);
	net->gen[NET_GENERIC_RECENT] = NULL;
}

static int recent_mt_init(struct net *net, struct module *mod)
{
	int err;

	err = recent_net_init(net);
	if (err)
		return err;
	err = xt_register_matches(net, mod, recent_mt_reg, ARRAY_SIZE(recent_mt_reg));
	if (err)
		recent_net_exit(net);
	return err;
}

static void recent_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, recent_mt_reg, ARRAY_SIZE(recent_mt_reg));
	recent_net_exit(net);
}

const struct module_info module_info_xt_recent = {
	.name = "xt_recent",
	.size = 24576,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_recent", "ip6t_recent"),
	.init = recent_mt_init,
	.exit = recent_mt_exit,
};
