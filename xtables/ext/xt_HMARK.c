/* xtables/ext/xt_HMARK.c - the HMARK target: set skb->mark to a hash of addresses, ports
 * or SPI and protocol (of the packet or its conntrack tuple), modulo N plus an offset.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_HMARK.c: checkentry refuses a zero modulus, a
 * protocol mask in L3 mode, an SPI mask together with port masks, and a fixed SPI together
 * with fixed ports, all with EINVAL.  The target hashes the masked addresses (sorted), the
 * masked/set ports or SPI (sorted) and the masked protocol with jhash_3words and the rule's
 * seed, from the packet (the quoted packet of an ICMP error; no ports for fragments) or,
 * with --hmark-tuple ct, from the connection's tuples; mark = offset + hash scaled to the
 * modulus.  Leaves out: IPv6 (IPv4 tables only).
 */
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_HMARK.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "lib/jhash.h"
#include "netstack/ip.h"
#include "netstack/skbuff.h"

struct hmark_tuple {
	__be32 src;
	__be32 dst;
	union hmark_ports uports;
	u8 proto;
};

static inline __be32 hmark_addr_mask(int l3num, const __be32 *addr32, const __be32 *mask)
{
	/* EMU: IPv4 only (hmark_addr6_mask for AF_INET6) */
	if (l3num == AF_INET)
		return *addr32 & *mask;
	return 0;
}

static inline void hmark_swap_ports(union hmark_ports *uports, const struct xt_hmark_info *info)
{
	union hmark_ports hp;
	u16 src, dst;

	hp.b32 = (uports->b32 & info->port_mask.b32) | info->port_set.b32;
	src = ntohs(hp.b16.src);
	dst = ntohs(hp.b16.dst);
	if (dst > src)
		uports->v32 = ((u32)dst << 16) | src;
	else
		uports->v32 = ((u32)src << 16) | dst;
}

static int hmark_ct_set_htuple(const struct sk_buff *skb, struct hmark_tuple *t,
			       const struct xt_hmark_info *info)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	struct nf_conntrack_tuple *otuple;
	struct nf_conntrack_tuple *rtuple;

	if (ct == NULL)
		return -1;
	otuple = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	rtuple = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;

	t->src = hmark_addr_mask(otuple->src.l3num, otuple->src.u3.ip6, info->src_mask.ip6);
	t->dst = hmark_addr_mask(otuple->src.l3num, rtuple->src.u3.ip6, info->dst_mask.ip6);
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_METHOD_L3))
		return 0;
	t->proto = nf_ct_protonum(ct);
	if (t->proto != IPPROTO_ICMP) {
		t->uports.b16.src = otuple->src.u.all;
		t->uports.b16.dst = rtuple->src.u.all;
		hmark_swap_ports(&t->uports, info);
	}
	return 0;
}

/* This hash function is endian independent, to ensure consistent hashing if the cluster is
 * composed of big and little endian systems. */
static inline u32 hmark_hash(struct hmark_tuple *t, const struct xt_hmark_info *info)
{
	u32 hash;
	u32 src = ntohl(t->src);
	u32 dst = ntohl(t->dst);

	if (dst < src) {
		u32 tmp = src;

		src = dst;
		dst = tmp;
	}
	hash = jhash_3words(src, dst, t->uports.v32, info->hashrnd);
	hash = hash ^ (t->proto & info->proto_mask);
	return reciprocal_scale(hash, info->hmodulus) + info->hoffset;
}

/* include/linux/skbuff.h */
static inline int proto_ports_offset(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_DCCP:
	case IPPROTO_ESP:       /* SPI */
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		return 0;
	case IPPROTO_AH:        /* SPI */
		return 4;
	default:
		return -EINVAL;
	}
}

static void hmark_set_tuple_ports(const struct sk_buff *skb, unsigned int nhoff,
				  struct hmark_tuple *t, const struct xt_hmark_info *info)
{
	const void *p;
	int protoff;

	protoff = proto_ports_offset(t->proto);
	if (protoff < 0)
		return;
	nhoff += (unsigned int)protoff;
	p = skb_header_pointer(skb, (int)nhoff, sizeof(t->uports), NULL);   /* skb_copy_bits */
	if (!p)
		return;
	memcpy(&t->uports, p, sizeof(t->uports));
	hmark_swap_ports(&t->uports, info);
}

static bool icmp_is_err(int type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	}
	return false;
}

static int get_inner_hdr(const struct sk_buff *skb, int iphsz, int *nhoff)
{
	const struct icmphdr *icmph;

	/* Not enough header? */
	icmph = skb_header_pointer(skb, *nhoff + iphsz, sizeof(*icmph), NULL);
	if (icmph == NULL || icmph->type > NR_ICMP_TYPES)
		return 0;
	/* Error message? */
	if (!icmp_is_err(icmph->type))
		return 0;
	*nhoff += iphsz + (int)sizeof(*icmph);
	return 1;
}

static int hmark_pkt_set_htuple_ipv4(const struct sk_buff *skb, struct hmark_tuple *t,
				     const struct xt_hmark_info *info)
{
	const struct iphdr *ip;
	int nhoff = skb_network_offset(skb);

	ip = (const struct iphdr *)(skb->data + nhoff);
	if (ip->protocol == IPPROTO_ICMP) {
		/* Use inner header in case of ICMP errors */
		if (get_inner_hdr(skb, ip->ihl * 4, &nhoff)) {
			ip = skb_header_pointer(skb, nhoff, sizeof(*ip), NULL);
			if (ip == NULL)
				return -1;
		}
	}
	t->src = ip->saddr & info->src_mask.ip;
	t->dst = ip->daddr & info->dst_mask.ip;
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_METHOD_L3))
		return 0;
	t->proto = ip->protocol;
	/* ICMP has no ports, skip */
	if (t->proto == IPPROTO_ICMP)
		return 0;
	/* follow-up fragments don't contain ports, skip all fragments */
	if (ip_is_fragment(ip))
		return 0;
	hmark_set_tuple_ports(skb, (unsigned int)(ip->ihl * 4 + nhoff), t, info);
	return 0;
}

static unsigned int hmark_tg_v4(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_hmark_info *info = par->targinfo;
	struct hmark_tuple t;

	memset(&t, 0, sizeof(struct hmark_tuple));
	if (info->flags & XT_HMARK_FLAG(XT_HMARK_CT)) {
		if (hmark_ct_set_htuple(skb, &t, info) < 0)
			return XT_CONTINUE;
	} else {
		if (hmark_pkt_set_htuple_ipv4(skb, &t, info) < 0)
			return XT_CONTINUE;
	}
	skb->mark = hmark_hash(&t, info);
	return XT_CONTINUE;
}

static int hmark_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_hmark_info *info = par->targinfo;
	const char *errmsg = "proto mask must be zero with L3 mode";

	/* EMU: the kernel refuses the zero modulus and the spi-mask/port-mask mix silently;
	 * the debug lines only say why. */
	if (!info->hmodulus) {
		pr_debug(par->net, "xt_HMARK: hash modulus can't be zero\n");
		return -EINVAL;
	}

	if (info->proto_mask &&
	    (info->flags & XT_HMARK_FLAG(XT_HMARK_METHOD_L3)))
		goto err;

	if (info->flags & XT_HMARK_FLAG(XT_HMARK_SPI_MASK) &&
	    (info->flags & (XT_HMARK_FLAG(XT_HMARK_SPORT_MASK) |
			    XT_HMARK_FLAG(XT_HMARK_DPORT_MASK)))) {
		pr_debug(par->net, "xt_HMARK: spi-mask and port-mask can't be combined\n");
		return -EINVAL;
	}

	if (info->flags & XT_HMARK_FLAG(XT_HMARK_SPI) &&
	    (info->flags & (XT_HMARK_FLAG(XT_HMARK_SPORT) |
			    XT_HMARK_FLAG(XT_HMARK_DPORT)))) {
		errmsg = "spi-set and port-set can't be combined";
		goto err;
	}
	return 0;
err:
	pr_info_ratelimited(par->net, "xt_HMARK: %s\n", errmsg);
	return -EINVAL;
}

static const struct xt_target hmark_tg_reg[] = {
	{
		.name       = "HMARK",
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct xt_hmark_info),
		.checkentry = hmark_tg_check,
		.target     = hmark_tg_v4,
	},
};

static int hmark_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, hmark_tg_reg, ARRAY_SIZE(hmark_tg_reg));
}

static void hmark_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, hmark_tg_reg, ARRAY_SIZE(hmark_tg_reg));
}

const struct module_info module_info_xt_HMARK = {
	.name = "xt_HMARK",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_HMARK", "ip6t_HMARK"),
	.init = hmark_tg_init,
	.exit = hmark_tg_exit,
};
