/* nat/nf_nat_proto.c - rewriting packets, and the NAT core's IPv4 hooks.
 *
 * Mirrors net/netfilter/nf_nat_proto.c: nf_nat_manip_pkt rewrites the address (and port or
 * ICMP id) a binding asks for, with incremental checksum updates (the pseudo-header part of a
 * CHECKSUM_PARTIAL packet's checksum too); nf_nat_icmp_reply_translation rewrites an ICMP
 * error about a translated connection, the quoted header the other way round and then the
 * outer one; nf_nat_csum_recalc leaves a helper-resized packet CHECKSUM_PARTIAL for the device
 * to finish.  The four hooks: PRE_ROUTING and LOCAL_OUT at NF_IP_PRI_NAT_DST (-100, before
 * filter, so filter sees the new destination), POST_ROUTING and LOCAL_IN at NF_IP_PRI_NAT_SRC
 * (100); LOCAL_OUT routes the packet again when its destination changed.
 * EMU: IPv4 only; no xfrm re-lookup; no early-demux sockets to orphan at LOCAL_IN; no DCCP
 * (gone from Linux too).
 */
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "lib/crc32c.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat.h"
#include "netstack/checksum.h"
#include "netstack/ip.h"
#include "netstack/nf_reject_ipv4.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"

static void nf_csum_update(struct sk_buff *skb, unsigned int iphdroff, __sum16 *check,
			   const struct nf_conntrack_tuple *t, enum nf_nat_manip_type maniptype);

static void __udp_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, struct udphdr *hdr,
			    const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype,
			    bool do_csum)
{
	__be16 *portptr, newport;

	if (maniptype == NF_NAT_MANIP_SRC) {
		/* Get rid of src port */
		newport = tuple->src.u.udp.port;
		portptr = &hdr->source;
	} else {
		/* Get rid of dst port */
		newport = tuple->dst.u.udp.port;
		portptr = &hdr->dest;
	}
	if (do_csum) {
		nf_csum_update(skb, iphdroff, &hdr->check, tuple, maniptype);
		inet_proto_csum_replace2(&hdr->check, skb, *portptr, newport, false);
		if (!hdr->check)
			hdr->check = CSUM_MANGLED_0;
	}
	*portptr = newport;
}

static bool udp_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			  const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	struct udphdr *hdr;

	if (skb_ensure_writable(skb, hdroff + sizeof(*hdr)))
		return false;

	hdr = (struct udphdr *)(skb->data + hdroff);
	__udp_manip_pkt(skb, iphdroff, hdr, tuple, maniptype, !!hdr->check);
	return true;
}

static bool udplite_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			      const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	struct udphdr *hdr;

	if (skb_ensure_writable(skb, hdroff + sizeof(*hdr)))
		return false;

	hdr = (struct udphdr *)(skb->data + hdroff);
	__udp_manip_pkt(skb, iphdroff, hdr, tuple, maniptype, true);
	return true;
}

/* The SCTP common header: ports, verification tag, CRC32c over the whole packet. */
struct nf_nat_sctphdr {
	__be16 source;
	__be16 dest;
	__be32 vtag;
	__le32 checksum;
};

static bool sctp_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			   const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	struct nf_nat_sctphdr *hdr;
	unsigned int hdrsize = 8;

	(void)iphdroff;
	/* This could be an inner header returned in icmp packet; in such cases we cannot update
	 * the checksum field since it is outside of the 8 bytes of transport layer headers we
	 * are guaranteed. */
	if (skb->len >= hdroff + sizeof(*hdr))
		hdrsize = sizeof(*hdr);

	if (skb_ensure_writable(skb, hdroff + hdrsize))
		return false;

	hdr = (struct nf_nat_sctphdr *)(skb->data + hdroff);

	if (maniptype == NF_NAT_MANIP_SRC) {
		/* Get rid of src port */
		hdr->source = tuple->src.u.sctp.port;
	} else {
		/* Get rid of dst port */
		hdr->dest = tuple->dst.u.sctp.port;
	}

	if (hdrsize < sizeof(*hdr))
		return true;

	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		/* sctp_compute_cksum(): CRC32c with the field zeroed */
		hdr->checksum = 0;
		hdr->checksum = htole32(~crc32c(~0u, skb->data + hdroff, skb->len - hdroff));
		skb->ip_summed = CHECKSUM_NONE;
	}
	return true;
}

static bool tcp_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			  const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	struct tcphdr *hdr;
	__be16 *portptr, newport, oldport;
	unsigned int hdrsize = 8; /* TCP connection tracking guarantees this much */

	/* this could be a inner header returned in icmp packet; in such cases we cannot update
	 * the checksum field since it is outside of the 8 bytes of transport layer headers we
	 * are guaranteed */
	if (skb->len >= hdroff + sizeof(struct tcphdr))
		hdrsize = sizeof(struct tcphdr);

	if (skb_ensure_writable(skb, hdroff + hdrsize))
		return false;

	hdr = (struct tcphdr *)(skb->data + hdroff);

	if (maniptype == NF_NAT_MANIP_SRC) {
		/* Get rid of src port */
		newport = tuple->src.u.tcp.port;
		portptr = &hdr->source;
	} else {
		/* Get rid of dst port */
		newport = tuple->dst.u.tcp.port;
		portptr = &hdr->dest;
	}

	oldport = *portptr;
	*portptr = newport;

	if (hdrsize < sizeof(*hdr))
		return true;

	nf_csum_update(skb, iphdroff, &hdr->check, tuple, maniptype);
	inet_proto_csum_replace2(&hdr->check, skb, oldport, newport, false);
	return true;
}

static bool icmp_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			   const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	struct icmphdr *hdr;

	(void)iphdroff;
	(void)maniptype;
	if (skb_ensure_writable(skb, hdroff + sizeof(*hdr)))
		return false;

	hdr = (struct icmphdr *)(skb->data + hdroff);
	switch (hdr->type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		break;
	default:
		return true;
	}
	inet_proto_csum_replace2(&hdr->checksum, skb, hdr->un.echo.id, tuple->src.u.icmp.id, false);
	hdr->un.echo.id = tuple->src.u.icmp.id;
	return true;
}

/* GRE: only PPTP's version 1 carries a key NAT rewrites (for the destination); nfemu has no
 * PPTP helper, so no GRE connection has a master and keys never change (see
 * nf_nat_l4proto_unique_tuple).  Passed unmodified, as nf_nat_proto_unknown. */

static bool l4proto_manip_pkt(struct sk_buff *skb, unsigned int iphdroff, unsigned int hdroff,
			      const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype)
{
	switch (tuple->dst.protonum) {
	case IPPROTO_TCP:
		return tcp_manip_pkt(skb, iphdroff, hdroff, tuple, maniptype);
	case IPPROTO_UDP:
		return udp_manip_pkt(skb, iphdroff, hdroff, tuple, maniptype);
	case IPPROTO_UDPLITE:
		return udplite_manip_pkt(skb, iphdroff, hdroff, tuple, maniptype);
	case IPPROTO_SCTP:
		return sctp_manip_pkt(skb, iphdroff, hdroff, tuple, maniptype);
	case IPPROTO_ICMP:
		return icmp_manip_pkt(skb, iphdroff, hdroff, tuple, maniptype);
	}

	/* If we don't know protocol -- no error, pass it unmodified. */
	return true;
}

static bool nf_nat_ipv4_manip_pkt(struct sk_buff *skb, unsigned int iphdroff,
				  const struct nf_conntrack_tuple *target,
				  enum nf_nat_manip_type maniptype)
{
	struct iphdr *iph;
	unsigned int hdroff;

	if (skb_ensure_writable(skb, iphdroff + sizeof(*iph)))
		return false;

	iph = (void *)(skb->data + iphdroff);
	hdroff = iphdroff + iph->ihl * 4;

	if (!l4proto_manip_pkt(skb, iphdroff, hdroff, target, maniptype))
		return false;
	iph = (void *)(skb->data + iphdroff);

	if (maniptype == NF_NAT_MANIP_SRC) {
		csum_replace4(&iph->check, iph->saddr, target->src.u3.ip);
		iph->saddr = target->src.u3.ip;
	} else {
		csum_replace4(&iph->check, iph->daddr, target->dst.u3.ip);
		iph->daddr = target->dst.u3.ip;
	}
	return true;
}

unsigned int nf_nat_manip_pkt(struct sk_buff *skb, struct nf_conn *ct, enum nf_nat_manip_type mtype,
			      enum ip_conntrack_dir dir)
{
	struct nf_conntrack_tuple target;

	/* We are aiming to look like inverse of other direction. */
	nf_ct_invert_tuple(&target, &ct->tuplehash[!dir].tuple);

	if (nf_nat_ipv4_manip_pkt(skb, 0, &target, mtype))
		return NF_ACCEPT;
	return NF_DROP;
}

static void nf_nat_ipv4_csum_update(struct sk_buff *skb, unsigned int iphdroff, __sum16 *check,
				    const struct nf_conntrack_tuple *t,
				    enum nf_nat_manip_type maniptype)
{
	const struct iphdr *iph = (const struct iphdr *)(skb->data + iphdroff);
	__be32 oldip, newip;

	if (maniptype == NF_NAT_MANIP_SRC) {
		oldip = iph->saddr;
		newip = t->src.u3.ip;
	} else {
		oldip = iph->daddr;
		newip = t->dst.u3.ip;
	}
	inet_proto_csum_replace4(check, skb, oldip, newip, true);
}

static void nf_csum_update(struct sk_buff *skb, unsigned int iphdroff, __sum16 *check,
			   const struct nf_conntrack_tuple *t, enum nf_nat_manip_type maniptype)
{
	if (t->src.l3num == NFPROTO_IPV4)
		nf_nat_ipv4_csum_update(skb, iphdroff, check, t, maniptype);
}

/* A payload changed length (a NAT helper): the checksum becomes the pseudo header's, for the
 * device to finish (CHECKSUM_PARTIAL), or is adjusted for the new length if it already was. */
static void nf_nat_ipv4_csum_recalc(struct sk_buff *skb, u8 proto, void *data, __sum16 *check,
				    int datalen, int oldlen)
{
	(void)data;     /* skb->csum_start/csum_offset: EMU, skb_checksum_help derives them */
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		const struct iphdr *iph = ip_hdr(skb);

		skb->ip_summed = CHECKSUM_PARTIAL;
		*check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, (u32)datalen, proto, 0);
	} else {
		inet_proto_csum_replace2(check, skb, htons((u16)oldlen), htons((u16)datalen), true);
	}
}

void nf_nat_csum_recalc(struct sk_buff *skb, u8 nfproto, u8 proto, void *data, __sum16 *check,
			int datalen, int oldlen)
{
	if (nfproto == NFPROTO_IPV4)
		nf_nat_ipv4_csum_recalc(skb, proto, data, check, datalen, oldlen);
}

int nf_nat_icmp_reply_translation(struct sk_buff *skb, struct nf_conn *ct,
				  enum ip_conntrack_info ctinfo, unsigned int hooknum)
{
	struct {
		struct icmphdr icmp;
		struct iphdr ip;
	} *inside;
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	enum nf_nat_manip_type manip = HOOK2MANIP(hooknum);
	unsigned int hdrlen = ip_hdrlen(skb);
	struct nf_conntrack_tuple target;
	unsigned long statusbit;

	if (skb_ensure_writable(skb, hdrlen + sizeof(*inside)))
		return 0;
	if (nf_ip_checksum(skb, hooknum, hdrlen, IPPROTO_ICMP))
		return 0;

	inside = (void *)(skb->data + hdrlen);
	if (inside->icmp.type == ICMP_REDIRECT) {
		if ((ct->status & IPS_NAT_DONE_MASK) != IPS_NAT_DONE_MASK)
			return 0;
		if (ct->status & IPS_NAT_MASK)
			return 0;
	}

	if (manip == NF_NAT_MANIP_SRC)
		statusbit = IPS_SRC_NAT;
	else
		statusbit = IPS_DST_NAT;

	/* Invert if this is reply direction */
	if (dir == IP_CT_DIR_REPLY)
		statusbit ^= IPS_NAT_MASK;

	if (!(ct->status & statusbit))
		return 1;

	if (!nf_nat_ipv4_manip_pkt(skb, hdrlen + sizeof(inside->icmp), &ct->tuplehash[!dir].tuple,
				   !manip))
		return 0;

	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		/* Reloading "inside" here since manip_pkt may reallocate */
		inside = (void *)(skb->data + hdrlen);
		inside->icmp.checksum = 0;
		inside->icmp.checksum = csum_fold(csum_partial(skb->data + hdrlen, (int)(skb->len - hdrlen), 0));
	}

	/* Change outer to look like the reply to an incoming packet */
	nf_ct_invert_tuple(&target, &ct->tuplehash[!dir].tuple);
	target.dst.protonum = IPPROTO_ICMP;
	if (!nf_nat_ipv4_manip_pkt(skb, 0, &target, manip))
		return 0;

	return 1;
}

static unsigned int nf_nat_ipv4_fn(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct nat_net *nat_net = nf_nat_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	unsigned int ret;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;

	if (ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY) {
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP) {
			if (!nf_nat_icmp_reply_translation(skb, ct, ctinfo, state->hook))
				return NF_DROP;
			else
				return NF_ACCEPT;
		}
	}

	nat_net->emu_skb = skb;         /* EMU: for the observer */
	nat_net->emu_hook = state->hook;
	ret = nf_nat_inet_fn(priv, skb, state);
	nat_net->emu_skb = NULL;
	return ret;
}

static unsigned int nf_nat_ipv4_pre_routing(void *priv, struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	unsigned int ret;
	__be32 daddr = ip_hdr(skb)->daddr;

	ret = nf_nat_ipv4_fn(priv, skb, state);
	if (ret == NF_ACCEPT && daddr != ip_hdr(skb)->daddr)
		skb_dst_drop(skb);

	return ret;
}

/* EMU: Linux orphans an skb whose early-demux socket no longer fits its source; nfemu
 * delivers to no sockets before LOCAL_IN. */
static unsigned int nf_nat_ipv4_local_in(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	return nf_nat_ipv4_fn(priv, skb, state);
}

static unsigned int nf_nat_ipv4_out(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	return nf_nat_ipv4_fn(priv, skb, state);
}

static unsigned int nf_nat_ipv4_local_fn(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	const struct nf_conn *ct;
	enum ip_conntrack_info ctinfo;
	unsigned int ret;
	int err;

	ret = nf_nat_ipv4_fn(priv, skb, state);
	if (ret != NF_ACCEPT)
		return ret;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct) {
		enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);

		if (ct->tuplehash[dir].tuple.dst.u3.ip != ct->tuplehash[!dir].tuple.src.u3.ip) {
			err = ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC);
			if (err < 0)
				ret = ((unsigned int)(-err) << NF_VERDICT_QBITS) | NF_DROP; /* NF_DROP_ERR */
		}
	}
	return ret;
}

const struct nf_hook_ops nf_nat_ipv4_ops[4] = {
	/* Before packet filtering, change destination */
	{
		.hook = nf_nat_ipv4_pre_routing,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST,
		.name = "nf_nat_ipv4_pre_routing",
		.module = "nf_nat",
	},
	/* After packet filtering, change source */
	{
		.hook = nf_nat_ipv4_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC,
		.name = "nf_nat_ipv4_out",
		.module = "nf_nat",
	},
	/* Before packet filtering, change destination */
	{
		.hook = nf_nat_ipv4_local_fn,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST,
		.name = "nf_nat_ipv4_local_fn",
		.module = "nf_nat",
	},
	/* After packet filtering, change source */
	{
		.hook = nf_nat_ipv4_local_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_NAT_SRC,
		.name = "nf_nat_ipv4_local_in",
		.module = "nf_nat",
	},
};

int nf_nat_ipv4_register_fn(struct net *net, const struct nf_hook_ops *ops)
{
	return nf_nat_register_fn(net, ops->pf, ops, nf_nat_ipv4_ops, ARRAY_SIZE(nf_nat_ipv4_ops));
}

void nf_nat_ipv4_unregister_fn(struct net *net, const struct nf_hook_ops *ops)
{
	nf_nat_unregister_fn(net, ops->pf, ops, ARRAY_SIZE(nf_nat_ipv4_ops));
}
