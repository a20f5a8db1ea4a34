/* xtables/ext/xt_cluster.c - the "cluster" match: spread connections over up to 32 cluster
 * nodes by a hash of the original source address.
 *
 * Mirrors net/netfilter/xt_cluster.c (NFPROTO_IPV4 registration): checkentry refuses more
 * than XT_CLUSTER_NODES_MAX nodes (EINVAL) and a node mask naming nodes beyond the total
 * (EDOM), then takes a conntrack reference.  The match hashes the original source address of
 * the packet's connection (its master's, for an expected one) with jhash_1word and the
 * rule's seed, scales it to total_nodes and tests the node's bit; as Linux, it turns a
 * unicast packet received as PACKET_MULTICAST into PACKET_HOST.
 */
#include <linux/netfilter/xt_cluster.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "lib/jhash.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"

static inline u32 nf_ct_orig_ipv4_src(const struct nf_conn *ct)
{
	return (u32)ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u3.ip;
}

static inline u32 xt_cluster_hash_ipv4(u32 ip, const struct xt_cluster_match_info *info)
{
	return jhash_1word(ip, info->hash_seed);
}

static inline u32 xt_cluster_hash(const struct nf_conn *ct, const struct xt_cluster_match_info *info)
{
	u32 hash = 0;

	/* EMU: IPv4 only */
	if (nf_ct_l3num(ct) == AF_INET)
		hash = xt_cluster_hash_ipv4(nf_ct_orig_ipv4_src(ct), info);
	return reciprocal_scale(hash, info->total_nodes);
}

static inline bool xt_cluster_is_multicast_addr(const struct sk_buff *skb)
{
	return ipv4_is_multicast(ip_hdr(skb)->daddr);
}

static bool xt_cluster_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	struct sk_buff *pskb = (struct sk_buff *)skb;
	const struct xt_cluster_match_info *info = par->matchinfo;
	const struct nf_conn *ct;
	enum ip_conntrack_info ctinfo;
	unsigned long hash;

	/* This match assumes that all nodes see the same packets; cluster nodes may answer
	 * ARP with a multicast MAC, so the link layer marks unicast IP packets
	 * PACKET_MULTICAST, which TCP and others do not accept: the match mangles them back. */
	if (!xt_cluster_is_multicast_addr(skb) && skb->pkt_type == PACKET_MULTICAST)
		pskb->pkt_type = PACKET_HOST;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_template(ct))
		return false;
	if (ct->master)
		hash = xt_cluster_hash(ct->master, info);
	else
		hash = xt_cluster_hash(ct, info);
	return !!((1u << hash) & info->node_mask) ^ !!(info->flags & XT_CLUSTER_F_INV);
}

static int xt_cluster_mt_checkentry(const struct xt_mtchk_param *par)
{
	const struct xt_cluster_match_info *info = par->matchinfo;
	int ret;

	if (info->total_nodes > XT_CLUSTER_NODES_MAX) {
		pr_info_ratelimited(par->net, "xt_cluster: you have exceeded the maximum number of cluster nodes (%u > %u)\n",
				    info->total_nodes, XT_CLUSTER_NODES_MAX);
		return -EINVAL;
	}
	/* total_nodes <= 32 here, so the shift is defined. */
	if (info->node_mask >= (1ULL << info->total_nodes)) {
		pr_info_ratelimited(par->net, "xt_cluster: node mask cannot exceed total number of nodes\n");
		return -EDOM;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "xt_cluster: cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void xt_cluster_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match xt_cluster_match[] = {
	{
		.name       = "cluster",
		.family     = NFPROTO_IPV4,
		.checkentry = xt_cluster_mt_checkentry,
		.match      = xt_cluster_mt,
		.matchsize  = sizeof(struct xt_cluster_match_info),
		.destroy    = xt_cluster_mt_destroy,
	},
};

static int xt_cluster_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, xt_cluster_match, ARRAY_SIZE(xt_cluster_match));
}

static void xt_cluster_mt_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, xt_cluster_match, ARRAY_SIZE(xt_cluster_match));
}

const struct module_info module_info_xt_cluster = {
	.name = "xt_cluster",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_cluster", "ip6t_cluster"),
	.init = xt_cluster_mt_init,
	.exit = xt_cluster_mt_fini,
};
