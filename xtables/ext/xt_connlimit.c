/* xtables/ext/xt_connlimit.c - the "connlimit" match: how many connections a source (or
 * destination) address or network has open.
 *
 * Mirrors net/netfilter/xt_connlimit.c (revision 1, NFPROTO_IPV4 registration): each rule
 * gets its own nf_conncount data (conntrack/nf_conncount.c), stored in the kernel-only tail of
 * the matchinfo (info->data, hidden from GET_ENTRIES by usersize); the match counts the
 * connections of the packet's source (or destination) address under the mask, in its zone,
 * this packet's included, and compares with the limit; a count of 0 hotdrops.
 * Leaves out: IPv6 (IPv4 tables only).
 */
#include <stdlib.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_connlimit.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_count.h"
#include "netstack/skbuff.h"
#include "netstack/ip.h"

static bool connlimit_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	struct net *net = xt_net(par);
	const struct xt_connlimit_info *info = par->matchinfo;
	const struct nf_conntrack_zone *zone = &nf_ct_zone_dflt;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct;
	unsigned int connections;
	const struct iphdr *iph;
	u32 key[5];

	ct = nf_ct_get(skb, &ctinfo);
	if (ct)
		zone = nf_ct_zone(ct);

	/* EMU: IPv4 tables only */
	iph = ip_hdr(skb);
	key[0] = (info->flags & XT_CONNLIMIT_DADDR) ? (u32)iph->daddr : (u32)iph->saddr;
	key[0] &= (u32)info->mask.ip;
	key[1] = zone->id;

	connections = nf_conncount_count_skb(net, skb, xt_family(par), info->data, key);
	if (connections == 0)
		/* kmalloc failed or tuple couldn't be found, drop it entirely */
		goto hotdrop;
	return (connections > info->limit) ^ !!(info->flags & XT_CONNLIMIT_INVERT);

hotdrop:
	par->hotdrop = true;
	return false;
}

static int connlimit_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_connlimit_info *info = par->matchinfo;
	unsigned int keylen;
	int ret;

	keylen = sizeof(u32);
	if (par->family == NFPROTO_IPV6)
		keylen += sizeof(struct in6_addr);
	else
		keylen += sizeof(struct in_addr);

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0) {
		pr_info_ratelimited(par->net, "xt_connlimit: cannot load conntrack support for proto=%u\n",
				    par->family);
		return ret;
	}

	/* init private data */
	info->data = nf_conncount_init(par->net, keylen);
	if (IS_ERR(info->data)) {
		ret = (int)PTR_ERR(info->data);
		info->data = NULL;
		nf_ct_netns_put(par->net, par->family);
		return ret;
	}
	return 0;
}

static void connlimit_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_connlimit_info *info = par->matchinfo;

	nf_conncount_destroy(par->net, info->data);
	nf_ct_netns_put(par->net, par->family);
}

/* EMU: the state file keeps the rule's lists (nf_conncount_rt_save). */
static void connlimit_mt_rt_save(const void *matchinfo, struct rts_w *w)
{
	const struct xt_connlimit_info *info = matchinfo;

	nf_conncount_rt_save(info->data, w);
}

static int connlimit_mt_rt_load(struct net *net, void *matchinfo, struct rts_r *r)
{
	struct xt_connlimit_info *info = matchinfo;

	(void)net;
	return nf_conncount_rt_load(info->data, r);
}

static const struct xt_match connlimit_mt_reg[] = {
	{
		.name       = "connlimit",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.checkentry = connlimit_mt_check,
		.match      = connlimit_mt,
		.matchsize  = sizeof(struct xt_connlimit_info),
		.usersize   = offsetof(struct xt_connlimit_info, data),
		.emu_rt_save = connlimit_mt_rt_save,
		.emu_rt_load = connlimit_mt_rt_load,
		.destroy    = connlimit_mt_destroy,
	},
};

static int connlimit_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, connlimit_mt_reg, ARRAY_SIZE(connlimit_mt_reg));
}

static void connlimit_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, connlimit_mt_reg, ARRAY_SIZE(connlimit_mt_reg));
}

const struct module_info module_info_xt_connlimit = {
	.name = "xt_connlimit",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conncount", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_connlimit", "ip6t_connlimit"),
	.init = connlimit_mt_init,
	.exit = connlimit_mt_exit,
};
