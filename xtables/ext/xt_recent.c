/* xtables/ext/xt_recent.c - the "recent" match (revs 0, 1): lists of recently seen addresses.
 *
 * Mirrors net/netfilter/xt_recent.c: checkentry (flags, hitcount, /proc names, the shared
 * per-net table) and recent_mt (--set/--rcheck/--update/--remove, --seconds, --hitcount,
 * --rttl, --reap, masks, LRU eviction at ip_list_tot).  Leaves out: /proc/net/xt_recent, IPv6.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_recent.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "kernel/random.h"
#include "kernel/rtstate.h"
#include "lib/jhash.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

/* Module parameters.  EMU: nfemu has no modprobe options: always the defaults. */
static const unsigned int ip_list_tot = 100;	/* number of IPs to remember per list */
static const unsigned int ip_pkt_list_tot;	/* packets per IP to remember (0: from hitcount) */
/* ip_list_hash_size: 0 at load, then 1 << fls(ip_list_tot) = 128 buckets. */
#define ip_list_hash_size 128u

/* Timestamps kept per address; hit_count must stay below it (65535 since Linux 6.11). */
#define XT_RECENT_MAX_NSTAMPS 65536

struct recent_entry {
	struct list_head list;		/* the hash chain */
	struct list_head lru_list;	/* recent_table.lru_list, oldest first */
	union nf_inet_addr addr;
	u_int16_t family;
	u_int8_t ttl;
	u_int16_t index;
	u_int16_t nstamps;
	unsigned long stamps[];
};

struct recent_table {
	struct list_head list;		/* recent_net.tables */
	char name[XT_RECENT_NAME_LEN];
	union nf_inet_addr mask;
	unsigned int refcnt;
	unsigned int entries;
	u_int16_t nstamps_max_mask;
	struct list_head lru_list;
	struct list_head iphash[ip_list_hash_size];
};

/* net_generic(net, NET_GENERIC_RECENT) */
struct recent_net {
	struct list_head tables;
	/* EMU: hash_rnd is one global in the kernel (net_get_random_once); here per net. */
	u32 hash_rnd;
	bool hash_rnd_done;
};

static struct recent_net *recent_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_RECENT);
}

static unsigned int recent_entry_hash4(const struct recent_net *rn, const union nf_inet_addr *addr)
{
	return jhash_1word((u32)addr->ip, rn->hash_rnd) & (ip_list_hash_size - 1);
}

static struct recent_entry *recent_entry_lookup(const struct recent_net *rn,
						const struct recent_table *table,
						const union nf_inet_addr *addrp, u_int16_t family,
						u_int8_t ttl)
{
	struct recent_entry *e;
	unsigned int h = recent_entry_hash4(rn, addrp);

	list_for_each_entry(e, &table->iphash[h], list)
		if (e->family == family &&
		    memcmp(&e->addr, addrp, sizeof(e->addr)) == 0 &&
		    (ttl == e->ttl || ttl == 0 || e->ttl == 0))
			return e;
	return NULL;
}

static void recent_entry_remove(struct recent_table *t, struct recent_entry *e)
{
	list_del(&e->list);
	list_del(&e->lru_list);
	free(e);
	t->entries--;
}

/* Drop the oldest entry if its newest timestamp is older than `time`. */
static void recent_entry_reap(struct recent_table *t, unsigned long time,
			      struct recent_entry *working, bool update)
{
	struct recent_entry *e;

	/* The head of the LRU list is always the oldest entry. */
	e = list_entry(t->lru_list.next, struct recent_entry, lru_list);

	/* Do not reap the entry which is going to be updated. */
	if (e == working && update)
		return;

	/* The last time stamp is the most recent. */
	if (time_after(time, e->stamps[e->index - 1]))
		recent_entry_remove(t, e);
}

static struct recent_entry *recent_entry_init(struct net *net, const struct recent_net *rn,
					      struct recent_table *t,
					      const union nf_inet_addr *addr, u_int16_t family,
					      u_int8_t ttl)
{
	struct recent_entry *e;
	unsigned int nstamps_max = t->nstamps_max_mask;

	if (t->entries >= ip_list_tot) {
		e = list_entry(t->lru_list.next, struct recent_entry, lru_list);
		recent_entry_remove(t, e);
	}

	nstamps_max += 1;
	e = malloc(sizeof(*e) + nstamps_max * sizeof(e->stamps[0]));
	if (e == NULL)
		return NULL;
	memcpy(&e->addr, addr, sizeof(e->addr));
	e->ttl = ttl;
	e->stamps[0] = nfemu_jiffies(net);
	e->nstamps = 1;
	e->index = 1;
	e->family = family;
	list_add_tail(&e->list, &t->iphash[recent_entry_hash4(rn, addr)]);
	list_add_tail(&e->lru_list, &t->lru_list);
	t->entries++;
	return e;
}

static void recent_entry_update(struct net *net, struct recent_table *t, struct recent_entry *e)
{
	e->index &= t->nstamps_max_mask;
	e->stamps[e->index++] = nfemu_jiffies(net);
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	/* list_move_tail */
	list_del(&e->lru_list);
	list_add_tail(&e->lru_list, &t->lru_list);
}

static struct recent_table *recent_table_lookup(struct recent_net *recent_net, const char *name)
{
	struct recent_table *t;

	list_for_each_entry(t, &recent_net->tables, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void recent_table_flush(struct recent_table *t)
{
	struct recent_entry *e, *next;

	for (unsigned int i = 0; i < ip_list_hash_size; i++)
		list_for_each_entry_safe(e, next, &t->iphash[i], list)
			recent_entry_remove(t, e);
}

static bool recent_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	struct net *net = xt_net(par);
	struct recent_net *recent_net = recent_pernet(net);
	const struct xt_recent_mtinfo_v1 *info = par->matchinfo;
	const struct iphdr *iph = ip_hdr(skb);
	struct recent_table *t;
	struct recent_entry *e;
	union nf_inet_addr addr = {}, addr_mask;
	u_int8_t ttl;
	bool ret = info->invert;

	if (info->side == XT_RECENT_DEST)
		addr.ip = iph->daddr;
	else
		addr.ip = iph->saddr;
	ttl = iph->ttl;

	/* use TTL as seen before forwarding */
	if (xt_out(par) != NULL && !skb->sk)
		ttl++;

	t = recent_table_lookup(recent_net, info->name);

	/* nf_inet_addr_mask */
	for (unsigned int i = 0; i < ARRAY_SIZE(addr_mask.all); i++)
		addr_mask.all[i] = addr.all[i] & t->mask.all[i];

	e = recent_entry_lookup(recent_net, t, &addr_mask, xt_family(par),
				(info->check_set & XT_RECENT_TTL) ? ttl : 0);
	if (e == NULL) {
		if (!(info->check_set & XT_RECENT_SET))
			goto out;
		e = recent_entry_init(net, recent_net, t, &addr_mask, xt_family(par), ttl);
		if (e == NULL)
			par->hotdrop = true;
		ret = !ret;
		goto out;
	}

	if (info->check_set & XT_RECENT_SET) {
		ret = !ret;
	} else if (info->check_set & XT_RECENT_REMOVE) {
		recent_entry_remove(t, e);
		ret = !ret;
	} else if (info->check_set & (XT_RECENT_CHECK | XT_RECENT_UPDATE)) {
		unsigned long time = nfemu_jiffies(net) - info->seconds * HZ;
		unsigned int i, hits = 0;

		for (i = 0; i < e->nstamps; i++) {
			if (info->seconds && time_after(time, e->stamps[i]))
				continue;
			if (!info->hit_count || ++hits >= info->hit_count) {
				ret = !ret;
				break;
			}
		}

		/* info->seconds must be non-zero */
		if (info->check_set & XT_RECENT_REAP)
			recent_entry_reap(t, time, e, info->check_set & XT_RECENT_UPDATE && ret);
	}

	/* (--reap never frees e here: it spares the entry a successful --update refreshes.) */
	if (info->check_set & XT_RECENT_SET ||
	    (info->check_set & XT_RECENT_UPDATE && ret)) {
		recent_entry_update(net, t, e);
		e->ttl = ttl;
	}
out:
	return ret;
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
	unsigned int nstamp_mask;
	u8 ops;
	int ret;

	/* net_get_random_once(&hash_rnd) */
	if (!recent_net->hash_rnd_done) {
		recent_net->hash_rnd = get_random_u32(par->net);
		recent_net->hash_rnd_done = true;
	}

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
	ret = xt_check_proc_name(info->name, sizeof(info->name));
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
		/* A rule that needs a longer ring of timestamps empties the table. */
		if (nstamp_mask > t->nstamps_max_mask) {
			recent_table_flush(t);
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
	INIT_LIST_HEAD(&t->lru_list);
	for (unsigned int i = 0; i < ip_list_hash_size; i++)
		INIT_LIST_HEAD(&t->iphash[i]);
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
		recent_table_flush(t);
		free(t);
	}
}

static const struct xt_match recent_mt_reg[] = {
	{
		.name		= "recent",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.match		= recent_mt,
		.matchsize	= sizeof(struct xt_recent_mtinfo),
		.checkentry	= recent_mt_check_v0,
		.destroy	= recent_mt_destroy,
	},
	{
		.name		= "recent",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.match		= recent_mt,
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

/* EMU: the state file keeps the lists (kernel/rtstate.h): per net the hash seed, then per
 * table its name and ring size and its entries chain by chain, each with its place in the LRU
 * order, so that lookups and evictions go on exactly as in one process. */
static void recent_rt_save(struct net *net, struct rts_w *w)
{
	struct recent_net *rn = recent_pernet(net);
	struct recent_table *t;
	u32 ntables = 0;

	if (!rn || list_empty(&rn->tables))
		return;
	list_for_each_entry(t, &rn->tables, list)
		ntables++;
	RTS_PUT(w, rn->hash_rnd);
	RTS_PUT(w, rn->hash_rnd_done);
	RTS_PUT(w, ntables);
	list_for_each_entry(t, &rn->tables, list) {
		struct recent_entry *e;
		u8 n = (u8)strlen(t->name);
		u32 nentries = t->entries, rank;

		RTS_PUT(w, n);
		rts_put(w, t->name, n);
		RTS_PUT(w, t->nstamps_max_mask);
		RTS_PUT(w, nentries);
		for (u8 b = 0; b < ip_list_hash_size; b++) {
			list_for_each_entry(e, &t->iphash[b], list) {
				const struct recent_entry *l;

				rank = 0;
				list_for_each_entry(l, &t->lru_list, lru_list) {
					if (l == e)
						break;
					rank++;
				}
				RTS_PUT(w, b);
				RTS_PUT(w, e->addr);
				RTS_PUT(w, e->family);
				RTS_PUT(w, e->ttl);
				RTS_PUT(w, e->index);
				RTS_PUT(w, e->nstamps);
				RTS_PUT(w, rank);
				for (unsigned int i = 0; i <= t->nstamps_max_mask; i++) {
					u64 stamp = e->stamps[i];

					RTS_PUT(w, stamp);
				}
			}
		}
	}
}

static int recent_rt_load(struct net *net, struct rts_r *r)
{
	struct recent_net *rn = recent_pernet(net);
	u32 ntables;

	if (!RTS_GET(r, rn->hash_rnd) || !RTS_GET(r, rn->hash_rnd_done) || !RTS_GET(r, ntables))
		return -EINVAL;
	for (u32 i = 0; i < ntables; i++) {
		struct recent_entry **byrank = NULL;
		char name[XT_RECENT_NAME_LEN];
		struct recent_table *t;
		u16 mask;
		u32 nentries;
		u8 n;
		int ret = -EINVAL;

		if (!RTS_GET(r, n) || n == 0 || n >= sizeof(name) || !rts_get(r, name, n))
			return rts_bad(r, "bad table name");
		name[n] = '\0';
		t = recent_table_lookup(rn, name);
		if (!t)
			return rts_bad(r, "a list no rule names");
		if (!RTS_GET(r, mask) || !RTS_GET(r, nentries))
			return -EINVAL;
		if (mask != t->nstamps_max_mask)
			return rts_bad(r, "a list's ring of timestamps differs from its rules'");
		if (t->entries || nentries > ip_list_tot)
			return rts_bad(r, "a list with too many entries");
		byrank = calloc(nentries ? nentries : 1, sizeof(*byrank));
		if (!byrank)
			return rts_bad(r, "out of memory");
		for (u32 j = 0; j < nentries; j++) {
			struct recent_entry *e;
			u32 rank;
			u8 b;

			e = calloc(1, sizeof(*e) + ((size_t)mask + 1) * sizeof(e->stamps[0]));
			if (!e) {
				rts_bad(r, "out of memory");
				goto fail;
			}
			if (!RTS_GET(r, b) || !RTS_GET(r, e->addr) || !RTS_GET(r, e->family) ||
			    !RTS_GET(r, e->ttl) || !RTS_GET(r, e->index) || !RTS_GET(r, e->nstamps) ||
			    !RTS_GET(r, rank)) {
				free(e);
				goto fail;
			}
			for (unsigned int k = 0; k <= mask; k++) {
				u64 stamp;

				if (!RTS_GET(r, stamp)) {
					free(e);
					goto fail;
				}
				e->stamps[k] = (unsigned long)stamp;
			}
			if (b != recent_entry_hash4(rn, &e->addr) || rank >= nentries || byrank[rank] ||
			    e->index == 0 || e->index > mask + 1u || e->nstamps > mask + 1u ||
			    e->index > e->nstamps) {
				free(e);
				rts_bad(r, "an entry out of place");
				goto fail;
			}
			list_add_tail(&e->list, &t->iphash[b]);
			byrank[rank] = e;
			t->entries++;
		}
		for (u32 j = 0; j < nentries; j++)
			list_add_tail(&byrank[j]->lru_list, &t->lru_list);
		free(byrank);
		continue;
fail:
		/* entries already chained but not yet in the LRU list: take them out again */
		for (u32 j = 0; j < nentries; j++)
			if (byrank[j]) {
				list_del(&byrank[j]->list);
				free(byrank[j]);
				t->entries--;
			}
		free(byrank);
		return ret;
	}
	return 0;
}

const struct module_info module_info_xt_recent = {
	.name = "xt_recent",
	.size = 24576,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_recent", "ip6t_recent"),
	.init = recent_mt_init,
	.exit = recent_mt_exit,
	.rt_save = recent_rt_save,
	.rt_load = recent_rt_load,
};
