/* netstack/fib.c - the IPv4 forwarding information base (net/ipv4/fib_frontend.c,
 * fib_semantics.c, fib_trie.c).
 *
 * Routes of every table, inserted as fib_table_insert orders them and checked as
 * fib_create_info checks them (scopes, gateways reachable on link, prefsrc local); the lookup
 * of fib_table_lookup: longest prefix first, local-table aliases before main at equal
 * prefixes (the local table is merged into main while there are no policy rules), then by
 * metric, skipping routes of a narrower scope than asked and dead nexthops, and error types
 * (unreachable, blackhole, prohibit) answering with their errno; fib_lookup, which walks the
 * rules (fib_rules.c) once there are any.  Also the routes an address implies
 * (fib_add_ifaddr), device up/down, rp_filter (fib_validate_source) and address types.
 * EMU: the routes are one list (fib_list, in fib_table_insert's order), and lookups probe an
 * index of it instead of fib_trie's LC-trie: one hash probe per prefix length in use, longest
 * first (the zones of fib_hash.c, which Linux used before 2.6.39), which finds the alias the
 * trie finds.  No multipath, no default-route selection by neighbour state (the first default
 * route of the lowest metric wins).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "netstack/neighbour.h"
#include "netstack/route.h"
#include "netstack/ip.h"

struct fib_prop {
	int error;
	u8 scope;
};

static const struct fib_prop fib_props[RTN_MAX + 1] = {
	[RTN_UNSPEC] = { 0, RT_SCOPE_NOWHERE },
	[RTN_UNICAST] = { 0, RT_SCOPE_UNIVERSE },
	[RTN_LOCAL] = { 0, RT_SCOPE_HOST },
	[RTN_BROADCAST] = { 0, RT_SCOPE_LINK },
	[RTN_ANYCAST] = { 0, RT_SCOPE_LINK },
	[RTN_MULTICAST] = { 0, RT_SCOPE_UNIVERSE },
	[RTN_BLACKHOLE] = { -EINVAL, RT_SCOPE_UNIVERSE },
	[RTN_UNREACHABLE] = { -EHOSTUNREACH, RT_SCOPE_UNIVERSE },
	[RTN_PROHIBIT] = { -EACCES, RT_SCOPE_UNIVERSE },
	[RTN_THROW] = { -EAGAIN, RT_SCOPE_UNIVERSE },
	[RTN_NAT] = { -EINVAL, RT_SCOPE_NOWHERE },
	[RTN_XRESOLVE] = { -EINVAL, RT_SCOPE_NOWHERE },
};

/* ------------------------------------------------------------------------------------------
 * Lookup
 */

static bool fib_entry_matches(const struct fib_info *fi, __be32 daddr)
{
	return !((daddr ^ fi->fib_dst) & inet_make_mask(fi->fib_dst_len));
}

/* fib_lookup_good_nhc() */
static bool fib_lookup_good_nhc(const struct fib_nh *nh, unsigned int fib_flags,
				const struct flowi4 *flp)
{
	(void)fib_flags;        /* EMU: no carrier, so no RTNH_F_LINKDOWN to ignore */
	if (nh->fib_nh_flags & RTNH_F_DEAD)
		return false;
	if (flp->flowi4_oif && flp->flowi4_oif != nh->fib_nh_oif)
		return false;
	return true;
}

/* Does route fi belong to table tb_id as fib_trie sees it?  Until the first policy rule the
 * local table is an alias of main (fib_new_table: `alias = fib_new_table(net, RT_TABLE_MAIN)`),
 * so a lookup in either sees both; fib_unmerge() splits them when a rule is added. */
static bool fib_in_table(const struct net *net, const struct fib_info *fi, u32 tb_id)
{
	if (fi->tb_id == tb_id)
		return true;
	return !net->ipv4.fib_has_custom_rules &&
	       (tb_id == RT_TABLE_MAIN || tb_id == RT_TABLE_LOCAL) &&
	       (fi->tb_id == RT_TABLE_MAIN || fi->tb_id == RT_TABLE_LOCAL);
}

bool fib_table_exists(const struct net *net, u32 tb_id)
{
	for (unsigned int i = 0; i < net->ipv4.fib_ntables; i++)
		if (net->ipv4.fib_tables[i] == tb_id)
			return true;
	return false;
}

/* fib_new_table(): 0 or -ENOMEM.  EMU: a table is only its id; its routes are in fib_list. */
int fib_new_table(struct net *net, u32 tb_id)
{
	u32 *t;

	if (tb_id == 0)
		tb_id = RT_TABLE_MAIN;
	if (fib_table_exists(net, tb_id))
		return 0;
	t = realloc(net->ipv4.fib_tables, (net->ipv4.fib_ntables + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	t[net->ipv4.fib_ntables++] = tb_id;
	net->ipv4.fib_tables = t;
	return 0;
}

u32 fib_empty_table(struct net *net)
{
	for (u32 id = 1; id != 0; id++)
		if (!fib_table_exists(net, id))
			return fib_new_table(net, id) ? 0 : id;
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * The index (EMU, in place of the trie): a node per (prefix length, prefix) in use, holding
 * its aliases in fib_list order, chained in a power-of-two hash.
 */
struct fib_node {
	struct fib_node *next;
	__be32 key;
	u8 len;
	unsigned int nalias;
	struct fib_info *alias[];
};

static unsigned int fib_index_hash(__be32 key, u8 len, unsigned int mask)
{
	u32 h = ((u32)key ^ ((u32)len << 24 | len)) * 0x9e3779b1u;

	return (h ^ h >> 16) & mask;
}

static void fib_index_free(struct net *net)
{
	struct fib_node *n, *next;

	if (!net->ipv4.fib_index)
		return;
	for (unsigned int i = 0; i <= net->ipv4.fib_index_mask; i++)
		for (n = net->ipv4.fib_index[i]; n; n = next) {
			next = n->next;
			free(n);
		}
	free(net->ipv4.fib_index);
	net->ipv4.fib_index = NULL;
	net->ipv4.fib_lens = 0;
	net->ipv4.fib_index_seq = 0;
}

static struct fib_node *fib_index_find(const struct net *net, __be32 key, u8 len)
{
	struct fib_node *n = net->ipv4.fib_index[fib_index_hash(key, len, net->ipv4.fib_index_mask)];

	while (n && (n->key != key || n->len != len))
		n = n->next;
	return n;
}

/* Two passes over fib_list: count the aliases of each prefix, then fill the nodes in list
 * order.  false when out of memory (the lookup then scans the list). */
static bool fib_index_build(struct net *net)
{
	unsigned int nroutes = 0, size = 16;
	struct fib_info *fi;
	struct fib_node **slot, *n;

	fib_index_free(net);
	list_for_each_entry(fi, &net->ipv4.fib_list, fib_list)
		nroutes++;
	while (size < 2 * nroutes)
		size <<= 1;
	net->ipv4.fib_index = calloc(size, sizeof(*net->ipv4.fib_index));
	if (!net->ipv4.fib_index)
		return false;
	net->ipv4.fib_index_mask = size - 1;
	/* pass 1: nodes sized by a count kept in nalias, filled in pass 2 */
	list_for_each_entry(fi, &net->ipv4.fib_list, fib_list) {
		n = fib_index_find(net, fi->fib_dst, fi->fib_dst_len);
		if (n) {
			n->nalias++;
			continue;
		}
		n = calloc(1, sizeof(*n));
		if (!n)
			goto fail;
		n->key = fi->fib_dst;
		n->len = fi->fib_dst_len;
		n->nalias = 1;
		slot = &net->ipv4.fib_index[fib_index_hash(n->key, n->len, net->ipv4.fib_index_mask)];
		n->next = *slot;
		*slot = n;
		net->ipv4.fib_lens |= 1ULL << n->len;
	}
	for (unsigned int i = 0; i < size; i++)
		for (slot = &net->ipv4.fib_index[i]; *slot; slot = &(*slot)->next) {
			n = realloc(*slot, sizeof(*n) + (*slot)->nalias * sizeof(n->alias[0]));
			if (!n)
				goto fail;
			n->nalias = 0;
			*slot = n;
		}
	list_for_each_entry(fi, &net->ipv4.fib_list, fib_list) {
		n = fib_index_find(net, fi->fib_dst, fi->fib_dst_len);
		n->alias[n->nalias++] = fi;
	}
	net->ipv4.fib_index_seq = net->ipv4.fib_seq + 1;
	return true;
fail:
	fib_index_free(net);
	return false;
}

/* Does alias fi answer a lookup in table tb_id for flp (its type's error, or a usable
 * nexthop)? */
static bool fib_alias_qualifies(const struct net *net, const struct fib_info *fi, u32 tb_id,
				const struct flowi4 *flp, unsigned int flags)
{
	if (!fib_in_table(net, fi, tb_id))
		return false;
	if (fi->fib_scope < flp->flowi4_scope)
		return false;
	return fib_props[fi->fa_type].error || fib_lookup_good_nhc(&fi->fib_nh, flags, flp);
}

/*
 * fib_table_lookup().  The trie walks prefix lengths from the longest down and, at each, the
 * aliases in order (local table first in the merged table); the first alias whose scope is
 * wide enough either answers with its type's error (unreachable, blackhole, prohibit, throw) or,
 * if its nexthop is usable, is the result; if none qualifies the walk backtracks to a shorter
 * prefix.  The index finds the same alias: at the longest prefix length with a qualifying
 * alias, the one of the higher table id, the earliest in the list.  Returns 0, the error, or
 * -EAGAIN.  Cost: one hash probe per prefix length in use (a handful).
 */
int fib_table_lookup(struct net *net, u32 tb_id, const struct flowi4 *flp, struct fib_result *res,
		     unsigned int flags)
{
	struct fib_info *fi, *best = NULL;
	u64 lens;

	if (!net->ipv4.ready)
		return -EAGAIN;
	if (net->ipv4.fib_index_seq != net->ipv4.fib_seq + 1 && !fib_index_build(net)) {
		list_for_each_entry(fi, &net->ipv4.fib_list, fib_list) {
			if (best && (fi->fib_dst_len < best->fib_dst_len ||
				     (fi->fib_dst_len == best->fib_dst_len && fi->tb_id <= best->tb_id)))
				continue;
			if (fib_entry_matches(fi, flp->daddr) &&
			    fib_alias_qualifies(net, fi, tb_id, flp, flags))
				best = fi;
		}
		goto found;
	}
	for (lens = net->ipv4.fib_lens; lens && !best; lens &= ~(1ULL << (63 - __builtin_clzll(lens)))) {
		u8 len = (u8)(63 - __builtin_clzll(lens));
		struct fib_node *n = fib_index_find(net, flp->daddr & inet_make_mask(len), len);

		if (!n)
			continue;
		for (unsigned int i = 0; i < n->nalias; i++) {
			fi = n->alias[i];
			if ((!best || fi->tb_id > best->tb_id) &&
			    fib_alias_qualifies(net, fi, tb_id, flp, flags))
				best = fi;
		}
	}
found:
	if (!best)
		return -EAGAIN;
	if (fib_props[best->fa_type].error)     /* throw: -EAGAIN, the next rule or table */
		return fib_props[best->fa_type].error;
	res->prefix = best->fib_dst;
	res->prefixlen = best->fib_dst_len;
	res->type = best->fa_type;
	res->scope = best->fib_scope;
	res->tclassid = 0;
	res->fi = best;
	res->nhc = &best->fib_nh;
	res->table = best->tb_id;
	return 0;
}

/*
 * fib_lookup() of include/net/ip_fib.h (CONFIG_IP_MULTIPLE_TABLES): while the user added no
 * rule, table main (with local merged in) and, if it did not answer 0, table default -- whose
 * answer then replaces main's, even an unreachable route's error; else the rules.
 */
int fib_lookup(struct net *net, const struct flowi4 *flp, struct fib_result *res, unsigned int flags)
{
	int err = -ENETUNREACH;

	if (!net->ipv4.ready)
		return -ENETUNREACH;
	if (net->ipv4.fib_has_custom_rules)
		return __fib_lookup(net, flp, res, flags);
	res->tclassid = 0;
	if (fib_table_exists(net, RT_TABLE_MAIN) || fib_table_exists(net, RT_TABLE_LOCAL))
		err = fib_table_lookup(net, RT_TABLE_MAIN, flp, res, flags);
	if (!err)
		goto out;
	if (fib_table_exists(net, RT_TABLE_DEFAULT))
		err = fib_table_lookup(net, RT_TABLE_DEFAULT, flp, res, flags);
out:
	if (err == -EAGAIN)
		err = -ENETUNREACH;
	return err;
}

__be32 fib_result_prefsrc(struct net *net, struct fib_result *res)
{
	(void)net;
	if (res->fi->fib_prefsrc)
		return res->fi->fib_prefsrc;
	/* fib_info_update_nhc_saddr() */
	return inet_select_addr(res->nhc->fib_nh_dev, res->nhc->fib_nh_gw4, res->fi->fib_scope);
}

void fib_select_path(struct net *net, struct fib_result *res, struct flowi4 *fl4,
		     const struct sk_buff *skb)
{
	(void)skb;
	if (!fl4->saddr)
		fl4->saddr = fib_result_prefsrc(net, res);
}

/* ------------------------------------------------------------------------------------------
 * Address types
 */

static unsigned int __inet_dev_addr_type(struct net *net, const struct net_device *dev, __be32 addr)
{
	struct flowi4 fl4 = { .daddr = addr };
	struct fib_result res;
	unsigned int ret;

	if (ipv4_is_zeronet(addr) || ipv4_is_lbcast(addr))
		return RTN_BROADCAST;
	if (ipv4_is_multicast(addr))
		return RTN_MULTICAST;
	/* fib_get_table(net, RT_TABLE_LOCAL): the merged main table while there are no rules */
	ret = RTN_UNICAST;
	if (!fib_table_lookup(net, RT_TABLE_LOCAL, &fl4, &res, FIB_LOOKUP_NOREF)) {
		if (!dev || dev == res.nhc->fib_nh_dev)
			ret = res.type;
	}
	return ret;
}

unsigned int inet_addr_type(struct net *net, __be32 addr)
{
	return __inet_dev_addr_type(net, NULL, addr);
}

unsigned int inet_dev_addr_type(struct net *net, const struct net_device *dev, __be32 addr)
{
	return __inet_dev_addr_type(net, dev, addr);
}

unsigned int inet_addr_type_dev_table(struct net *net, const struct net_device *dev, __be32 addr)
{
	(void)dev;      /* only selects the table (l3mdev); nfemu has one */
	return __inet_dev_addr_type(net, NULL, addr);
}

/* ------------------------------------------------------------------------------------------
 * Insert and delete (fib_create_info + fib_table_insert)
 */

/* fib_check_nh(): resolve the nexthop's device and scope.  A gateway is looked up in the
 * route's own table first (unless that is main), then by a full fib_lookup, "needed for
 * example when nexthops are in the local table rather than the given table". */
static int fib_check_nh(struct net *net, u32 table, struct fib_nh *nh, u8 scope, const char **extack)
{
	struct net_device *dev;

	if (nh->fib_nh_gw_family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = nh->fib_nh_gw4,
			.flowi4_scope = (u8)(scope + 1),
			.flowi4_oif = nh->fib_nh_oif,
			.flowi4_iif = LOOPBACK_IFINDEX,
		};
		struct fib_result res;

		if (fl4.flowi4_scope < RT_SCOPE_LINK)
			fl4.flowi4_scope = RT_SCOPE_LINK;
		int err = -EAGAIN;

		if (nh->fib_nh_oif && !__dev_get_by_index(net, nh->fib_nh_oif))
			return -ENODEV;
		if (table && table != RT_TABLE_MAIN && fib_table_exists(net, table))
			err = fib_table_lookup(net, table, &fl4, &res,
					       FIB_LOOKUP_IGNORE_LINKSTATE | FIB_LOOKUP_NOREF);
		if (err)
			err = fib_lookup(net, &fl4, &res, FIB_LOOKUP_IGNORE_LINKSTATE);
		if (err || (res.type != RTN_UNICAST && res.type != RTN_LOCAL)) {
			*extack = "Nexthop has invalid gateway";
			return -EINVAL;
		}
		nh->fib_nh_scope = res.scope;
		nh->fib_nh_oif = res.nhc->fib_nh_oif;
		nh->fib_nh_dev = dev = res.nhc->fib_nh_dev;
		if (!dev)
			return -EINVAL;
		return (dev->flags & IFF_UP) ? 0 : -ENETDOWN;
	}
	/* fib_check_nh_nongw() */
	dev = __dev_get_by_index(net, nh->fib_nh_oif);
	if (!dev || !dev->ip_ptr)
		return -ENODEV;
	if (!(dev->flags & IFF_UP)) {
		*extack = "Device for nexthop is not up";
		return -ENETDOWN;
	}
	nh->fib_nh_dev = dev;
	nh->fib_nh_scope = RT_SCOPE_HOST;
	return 0;
}

/* inet_addr_type_table(): the type of addr in table tb_id (RTN_UNICAST when it is not there). */
static unsigned int inet_addr_type_table(struct net *net, __be32 addr, u32 tb_id)
{
	struct flowi4 fl4 = { .daddr = addr };
	struct fib_result res;

	if (ipv4_is_zeronet(addr) || ipv4_is_lbcast(addr))
		return RTN_BROADCAST;
	if (ipv4_is_multicast(addr))
		return RTN_MULTICAST;
	if (!fib_table_lookup(net, tb_id, &fl4, &res, FIB_LOOKUP_NOREF))
		return res.type;
	return RTN_UNICAST;
}

/* fib_valid_prefsrc(): the preferred source must be local in the route's table (main means
 * local) or in the local table. */
static bool fib_valid_prefsrc(struct net *net, const struct fib_config *cfg, __be32 prefsrc)
{
	if (cfg->fc_type != RTN_LOCAL || !cfg->fc_dst || prefsrc != cfg->fc_dst) {
		u32 tb_id = cfg->fc_table == RT_TABLE_MAIN ? RT_TABLE_LOCAL : cfg->fc_table;
		unsigned int rc = inet_addr_type_table(net, prefsrc, tb_id);

		if (rc != RTN_LOCAL && tb_id != RT_TABLE_LOCAL)
			rc = inet_addr_type_table(net, prefsrc, RT_TABLE_LOCAL);
		return rc == RTN_LOCAL;
	}
	return true;
}

static int fib_create_info(struct net *net, struct fib_config *cfg, struct fib_info *fi)
{
	int err;

	if (cfg->fc_type > RTN_MAX)
		return -EINVAL;
	if (fib_props[cfg->fc_type].scope > cfg->fc_scope) {
		cfg->extack = "Invalid scope";
		return -EINVAL;
	}
	fi->tb_id = cfg->fc_table;
	fi->fib_dst = cfg->fc_dst;
	fi->fib_dst_len = cfg->fc_dst_len;
	fi->fa_type = cfg->fc_type;
	fi->fa_dscp = cfg->fc_dscp;
	fi->fib_scope = cfg->fc_scope;
	fi->fib_protocol = cfg->fc_protocol;
	fi->fib_priority = cfg->fc_priority;
	fi->fib_prefsrc = cfg->fc_prefsrc;
	fi->fib_nh.fib_nh_oif = cfg->fc_oif;
	fi->fib_nh.fib_nh_gw4 = cfg->fc_gw4;
	fi->fib_nh.fib_nh_gw_family = cfg->fc_gw4 ? AF_INET : 0;

	if (fib_props[cfg->fc_type].error) {
		if (cfg->fc_gw4 || cfg->fc_oif) {
			cfg->extack = "Gateway, device and multipath can not be specified for this route type";
			return -EINVAL;
		}
		fi->fib_nh.fib_nh_scope = RT_SCOPE_NOWHERE;
		return 0;
	}
	switch (cfg->fc_type) {
	case RTN_UNICAST:
	case RTN_LOCAL:
	case RTN_BROADCAST:
	case RTN_ANYCAST:
	case RTN_MULTICAST:
		break;
	default:
		cfg->extack = "Invalid route type";
		return -EINVAL;
	}
	if (cfg->fc_scope > RT_SCOPE_HOST) {
		cfg->extack = "Invalid scope";
		return -EINVAL;
	}
	if (cfg->fc_scope == RT_SCOPE_HOST) {
		if (cfg->fc_gw4) {
			cfg->extack = "Route with host scope can not have a gateway";
			return -EINVAL;
		}
		fi->fib_nh.fib_nh_scope = RT_SCOPE_NOWHERE;
		fi->fib_nh.fib_nh_dev = __dev_get_by_index(net, cfg->fc_oif);
		if (!fi->fib_nh.fib_nh_dev)
			return -ENODEV;
	} else {
		err = fib_check_nh(net, cfg->fc_table, &fi->fib_nh, cfg->fc_scope, &cfg->extack);
		if (err)
			return err;
	}
	if (fi->fib_prefsrc && !fib_valid_prefsrc(net, cfg, fi->fib_prefsrc)) {
		cfg->extack = "Invalid prefsrc address";
		return -EINVAL;
	}
	return 0;
}

static bool fib_same_alias_group(const struct fib_info *a, const struct fib_info *b)
{
	return a->tb_id == b->tb_id && a->fib_dst == b->fib_dst &&
	       a->fib_dst_len == b->fib_dst_len && a->fa_dscp == b->fa_dscp;
}

static bool fib_same_info(const struct fib_info *a, const struct fib_info *b)
{
	return a->fa_type == b->fa_type && a->fib_scope == b->fib_scope &&
	       a->fib_protocol == b->fib_protocol && a->fib_prefsrc == b->fib_prefsrc &&
	       a->fib_priority == b->fib_priority &&
	       a->fib_nh.fib_nh_dev == b->fib_nh.fib_nh_dev &&
	       a->fib_nh.fib_nh_gw4 == b->fib_nh.fib_nh_gw4;
}

/*
 * fib_table_insert(): -EEXIST for `ip route add` of a prefix/tos/metric already there
 * (NLM_F_EXCL) or an identical route, replace with NLM_F_REPLACE, else insert before the
 * first alias of the group with a metric >= ours (after those equal with NLM_F_APPEND).
 */
int fib_table_insert(struct net *net, struct fib_config *cfg)
{
	struct fib_info *fi, *fa, *pos = NULL, *first_equal = NULL;
	int err;

	if (cfg->fc_dst_len > 32)
		return -EINVAL;
	if (cfg->fc_dst & ~inet_make_mask(cfg->fc_dst_len)) {
		cfg->extack = "Invalid prefix for given prefix length";
		return -EINVAL;
	}
	if (cfg->fc_table == 0)         /* rtm_to_fib_config(): table 0 is main */
		cfg->fc_table = RT_TABLE_MAIN;
	/* inet_rtm_newroute(): the table is made before the route is checked */
	err = fib_new_table(net, cfg->fc_table);
	if (!err && cfg->fc_table == RT_TABLE_LOCAL && !net->ipv4.fib_has_custom_rules)
		err = fib_new_table(net, RT_TABLE_MAIN);        /* the alias */
	if (err)
		return err;
	fi = calloc(1, sizeof(*fi));
	if (!fi)
		return -ENOMEM;
	err = fib_create_info(net, cfg, fi);
	if (err)
		goto out_free;

	list_for_each_entry(fa, &net->ipv4.fib_list, fib_list) {
		if (!fib_same_alias_group(fa, fi))
			continue;
		if (fa->fib_priority == fi->fib_priority) {
			if (!first_equal)
				first_equal = fa;
			if (fib_same_info(fa, fi)) {
				err = -EEXIST;
				goto out_free;
			}
		}
		if (!pos && (cfg->fc_nlflags & NLM_F_APPEND ? fa->fib_priority > fi->fib_priority
							     : fa->fib_priority >= fi->fib_priority))
			pos = fa;
	}
	if (first_equal) {
		if (cfg->fc_nlflags & NLM_F_EXCL) {
			err = -EEXIST;
			goto out_free;
		}
		if (cfg->fc_nlflags & NLM_F_REPLACE) {
			list_add_tail(&fi->fib_list, &first_equal->fib_list);
			list_del(&first_equal->fib_list);
			free(first_equal);
			goto inserted;
		}
	}
	if (!(cfg->fc_nlflags & NLM_F_CREATE)) {
		err = -ENOENT;
		goto out_free;
	}
	if (pos)
		list_add_tail(&fi->fib_list, &pos->fib_list);
	else
		list_add_tail(&fi->fib_list, &net->ipv4.fib_list);
inserted:
	if (fi->tb_id == RT_TABLE_LOCAL && cfg->fc_protocol != RTPROT_KERNEL)
		net->ipv4.fib_has_custom_local_routes = true;
	net->ipv4.fib_seq++;
	rt_cache_flush(net);
	return 0;
out_free:
	free(fi);
	return err;
}

/* ------------------------------------------------------------------------------------------
 * The routes of addresses and devices
 */

static void fib_magic(int type, __be32 dst, int dst_len, struct in_ifaddr *ifa, u32 rt_priority)
{
	struct net_device *dev = ifa->ifa_dev->dev;
	struct fib_config cfg = {
		.fc_protocol = RTPROT_KERNEL,
		.fc_type = (u8)type,
		.fc_dst = dst,
		.fc_dst_len = (u8)dst_len,
		.fc_priority = rt_priority,
		.fc_prefsrc = ifa->ifa_local,
		.fc_oif = dev->ifindex,
		.fc_nlflags = NLM_F_CREATE | NLM_F_APPEND,
		.fc_table = type == RTN_UNICAST ? RT_TABLE_MAIN : RT_TABLE_LOCAL,
		.fc_scope = type != RTN_LOCAL ? RT_SCOPE_LINK : RT_SCOPE_HOST,
	};

	(void)fib_table_insert(dev_net(dev), &cfg);
}

/* fib_add_ifaddr(): the local route; on an up device also the broadcast routes and the
 * prefix route (not for secondaries, not for a /32 whose prefix is the address). */
void fib_add_ifaddr(struct in_ifaddr *ifa)
{
	struct in_device *in_dev = ifa->ifa_dev;
	struct net_device *dev = in_dev->dev;
	struct in_ifaddr *prim = ifa;
	__be32 mask = ifa->ifa_mask;
	__be32 addr = ifa->ifa_local;
	__be32 prefix = ifa->ifa_address & mask;

	if (ifa->ifa_flags & IFA_F_SECONDARY) {
		prim = inet_ifa_byprefix(in_dev, prefix, mask);
		if (!prim)
			return;
	}
	fib_magic(RTN_LOCAL, addr, 32, prim, 0);
	if (!(dev->flags & IFF_UP))
		return;
	/* Add broadcast address, if it is explicitly assigned. */
	if (ifa->ifa_broadcast && ifa->ifa_broadcast != htonl(0xFFFFFFFF))
		fib_magic(RTN_BROADCAST, ifa->ifa_broadcast, 32, prim, 0);
	if (!ipv4_is_zeronet(prefix) && !(ifa->ifa_flags & IFA_F_SECONDARY) &&
	    (prefix != addr || ifa->ifa_prefixlen < 32)) {
		if (!(ifa->ifa_flags & IFA_F_NOPREFIXROUTE))
			fib_magic(dev->flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST,
				  prefix, ifa->ifa_prefixlen, prim, ifa->ifa_rt_priority);
		/* Add the network broadcast address, when it makes sense */
		if (ifa->ifa_prefixlen < 31)
			fib_magic(RTN_BROADCAST, prefix | ~mask, 32, prim, 0);
	}
}

/* fib_netdev_event(NETDEV_UP) */
void fib_netdev_up(struct net_device *dev)
{
	struct in_ifaddr *ifa;

	if (!dev->ip_ptr)
		return;
	in_dev_for_each_ifa(ifa, dev->ip_ptr)
		fib_add_ifaddr(ifa);
}

/* fib_netdev_event(NETDEV_DOWN) -> fib_disable_ip(): every route whose nexthop uses dev dies
 * and is flushed, except host-scope (local) ones; then arp_ifdown() flushes the neighbours. */
void fib_netdev_down(struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct fib_info *fi, *n;
	struct neighbour *ne, *nn;

	list_for_each_entry_safe(fi, n, &net->ipv4.fib_list, fib_list) {
		if (fi->fib_nh.fib_nh_dev != dev || fi->fib_nh.fib_nh_scope == RT_SCOPE_NOWHERE)
			continue;
		list_del(&fi->fib_list);
		free(fi);
	}
	list_for_each_entry_safe(ne, nn, &net->ipv4.neigh_list, list)
		if (ne->dev == dev)
			neigh_free(ne);
	net->ipv4.fib_seq++;
}

void fib_free_table(struct net *net)
{
	struct fib_info *fi, *n;

	fib_index_free(net);
	free(net->ipv4.fib_tables);
	net->ipv4.fib_tables = NULL;
	net->ipv4.fib_ntables = 0;

	list_for_each_entry_safe(fi, n, &net->ipv4.fib_list, fib_list) {
		list_del(&fi->fib_list);
		free(fi);
	}
}

/* ------------------------------------------------------------------------------------------
 * rp_filter
 */

/* Does the route's nexthop use dev (fib_info_nh_uses_dev)? */
static bool fib_info_nh_uses_dev(const struct fib_info *fi, const struct net_device *dev)
{
	return fi->fib_nh.fib_nh_dev == dev;
}

/*
 * __fib_validate_source(): look the source up as a destination.  It must be reachable by a
 * unicast route (or a local one with accept_local); with rp_filter 1 (strict) that route must
 * leave by the device the packet came in on; with 2 (loose) any route will do.  Returns 1 when
 * the reverse route's nexthop is on link (the redirect test), 0, or -EINVAL / -EXDEV.
 */
static int __fib_validate_source(struct sk_buff *skb, __be32 src, __be32 dst, u8 tos, int oif,
				 struct net_device *dev, int rpf, struct in_device *idev,
				 u32 *itag, enum skb_drop_reason *reason)
{
	struct net *net = dev_net(dev);
	struct fib_result res;
	struct flowi4 fl4 = {
		.flowi4_oif = 0,
		.flowi4_iif = oif ? oif : LOOPBACK_IFINDEX,
		.daddr = src,
		.saddr = dst,
		.flowi4_tos = tos,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
	};
	bool no_addr, dev_match;

	no_addr = list_empty(&idev->ifa_list);
	fl4.flowi4_mark = IN_DEV_SRC_VMARK(idev) ? skb->mark : 0;

	if (fib_lookup(net, &fl4, &res, 0))
		goto last_resort;
	if (res.type != RTN_UNICAST) {
		if (res.type != RTN_LOCAL) {
			*reason = SKB_DROP_REASON_IP_INVALID_SOURCE;
			return -EINVAL;
		} else if (!IN_DEV_ACCEPT_LOCAL(idev)) {
			*reason = SKB_DROP_REASON_IP_LOCAL_SOURCE;
			return -EINVAL;
		}
	}
	*itag = 0;
	dev_match = fib_info_nh_uses_dev(res.fi, dev);
	/* loopback packets retain skb_dst so normally they would not even hit this path */
	dev_match = dev_match || (res.type == RTN_LOCAL && dev == net->ipv4.loopback_dev);
	if (dev_match)
		return res.nhc->fib_nh_scope >= RT_SCOPE_HOST;
	if (no_addr)
		goto last_resort;
	if (rpf == 1)
		goto e_rpf;
	fl4.flowi4_oif = dev->ifindex;
	if (fib_lookup(net, &fl4, &res, FIB_LOOKUP_IGNORE_LINKSTATE) == 0) {
		if (res.type == RTN_UNICAST)
			return res.nhc->fib_nh_scope >= RT_SCOPE_HOST;
	}
	return 0;

last_resort:
	if (rpf)
		goto e_rpf;
	*itag = 0;
	return 0;
e_rpf:
	*reason = SKB_DROP_REASON_IP_RPFILTER;
	return -EXDEV;
}

int fib_validate_source(struct sk_buff *skb, __be32 src, __be32 dst, u8 tos, int oif,
			struct net_device *dev, struct in_device *idev, u32 *itag,
			enum skb_drop_reason *reason)
{
	struct net *net = dev_net(dev);
	int r = IN_DEV_RPFILTER(idev);  /* no IPsec: no secpath to exempt */

	if (!r && (dev->ifindex != oif || !IN_DEV_TX_REDIRECTS(idev))) {
		if (IN_DEV_ACCEPT_LOCAL(idev))
			goto ok;
		/* with custom local routes in place, checking local addresses only will be too
		 * optimistic */
		if (net->ipv4.fib_has_custom_local_routes)
			goto full_check;
		/* Within the same container, it is regarded as a martian source. */
		if (inet_lookup_ifaddr_rcu(net, src)) {
			*reason = SKB_DROP_REASON_IP_LOCAL_SOURCE;
			return -EINVAL;
		}
ok:
		*itag = 0;
		return 0;
	}
full_check:
	return __fib_validate_source(skb, src, dst, tos, oif, dev, r, idev, itag, reason);
}

__be32 fib_compute_spec_dst(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct rtable *rt = skb_rtable(skb);
	struct net *net = dev_net(dev);
	struct in_device *in_dev;
	struct fib_result res;
	int scope;

	if ((rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST | RTCF_LOCAL)) == RTCF_LOCAL)
		return ip_hdr(skb)->daddr;

	in_dev = __in_dev_get_rcu(dev);
	scope = RT_SCOPE_UNIVERSE;
	if (!ipv4_is_zeronet(ip_hdr(skb)->saddr)) {
		bool vmark = in_dev && IN_DEV_SRC_VMARK(in_dev);
		struct flowi4 fl4 = {
			.flowi4_iif = LOOPBACK_IFINDEX,
			.daddr = ip_hdr(skb)->saddr,
			.flowi4_tos = ip_hdr(skb)->tos & INET_DSCP_MASK,
			.flowi4_scope = (u8)scope,
			.flowi4_mark = vmark ? skb->mark : 0,
		};

		if (!fib_lookup(net, &fl4, &res, 0))
			return fib_result_prefsrc(net, &res);
	} else {
		scope = RT_SCOPE_LINK;
	}
	return inet_select_addr(dev, 0, scope);
}
