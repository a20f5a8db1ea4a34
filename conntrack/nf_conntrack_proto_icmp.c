/* conntrack/nf_conntrack_proto_icmp.c - the ICMP tracker and ICMP errors as RELATED.
 *
 * Mirrors net/netfilter/nf_conntrack_proto_icmp.c: queries (echo, timestamp, info, address
 * mask) are tracked with their id in the tuple and the reply type in the reply tuple, and
 * time out after nf_conntrack_icmp_timeout; a reply with no request is INVALID.  An ICMP
 * error is tied to the connection of the packet it quotes and becomes RELATED (or
 * RELATED+REPLY) to it, when its outer destination is that connection's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <linux/icmp.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "netstack/skbuff.h"

bool icmp_pkt_to_tuple(const struct sk_buff *skb, unsigned int dataoff, struct net *net,
		       struct nf_conntrack_tuple *tuple)
{
	const struct icmphdr *hp = skb_header_pointer(skb, (int)dataoff, sizeof(*hp), NULL);

	(void)net;
	if (hp == NULL)
		return false;
	tuple->dst.u.icmp.type = hp->type;
	tuple->src.u.icmp.id = hp->un.echo.id;
	tuple->dst.u.icmp.code = hp->code;
	return true;
}

/* Add 1; spaces filled with 0. */
static const u8 invmap[] = {
	[ICMP_ECHO] = ICMP_ECHOREPLY + 1,
	[ICMP_ECHOREPLY] = ICMP_ECHO + 1,
	[ICMP_TIMESTAMP] = ICMP_TIMESTAMPREPLY + 1,
	[ICMP_TIMESTAMPREPLY] = ICMP_TIMESTAMP + 1,
	[ICMP_INFO_REQUEST] = ICMP_INFO_REPLY + 1,
	[ICMP_INFO_REPLY] = ICMP_INFO_REQUEST + 1,
	[ICMP_ADDRESS] = ICMP_ADDRESSREPLY + 1,
	[ICMP_ADDRESSREPLY] = ICMP_ADDRESS + 1
};

bool nf_conntrack_invert_icmp_tuple(struct nf_conntrack_tuple *tuple,
				    const struct nf_conntrack_tuple *orig)
{
	if (orig->dst.u.icmp.type >= sizeof(invmap) || !invmap[orig->dst.u.icmp.type])
		return false;
	tuple->src.u.icmp.id = orig->src.u.icmp.id;
	tuple->dst.u.icmp.type = invmap[orig->dst.u.icmp.type] - 1;
	tuple->dst.u.icmp.code = orig->dst.u.icmp.code;
	return true;
}

/* Returns verdict for packet, or -1 for invalid. */
int nf_conntrack_icmp_packet(struct nf_conn *ct, struct sk_buff *skb, enum ip_conntrack_info ctinfo,
			     const struct nf_hook_state *state)
{
	/* Do not immediately delete the connection after the first successful reply to avoid
	 * excessive conntrackd traffic and also to handle correctly ICMP echo reply duplicates. */
	const unsigned int *timeout = nf_ct_timeout_lookup(ct);
	static const u8 valid_new[] = {
		[ICMP_ECHO] = 1,
		[ICMP_TIMESTAMP] = 1,
		[ICMP_INFO_REQUEST] = 1,
		[ICMP_ADDRESS] = 1
	};
	unsigned int t;

	if (state->pf != NFPROTO_IPV4)
		return -NF_ACCEPT;
	if (ct->tuplehash[0].tuple.dst.u.icmp.type >= sizeof(valid_new) ||
	    !valid_new[ct->tuplehash[0].tuple.dst.u.icmp.type]) {
		/* Can't create a new ICMP `conn' with this. */
		nf_ct_observe_invalid(nf_ct_net(ct), skb, ct, IPPROTO_ICMP, NFEMU_CTINV_NOLOG_ICMP_NEW,
				      ct->tuplehash[0].tuple.dst.u.icmp.type, 0, 0);    /* EMU */
		return -NF_ACCEPT;
	}
	t = timeout ? *timeout : (unsigned int)nf_ct_sysctl(nf_ct_net(ct))->icmp_timeout * HZ;
	nf_ct_refresh_acct(ct, ctinfo, skb, t);
	return NF_ACCEPT;
}

/* Check inner header is related to any of the existing connections */
int nf_conntrack_inet_error(struct nf_conn *tmpl, struct sk_buff *skb, unsigned int dataoff,
			    const struct nf_hook_state *state, u8 l4proto,
			    union nf_inet_addr *outer_daddr)
{
	struct nf_conntrack_tuple innertuple, origtuple;
	const struct nf_conntrack_tuple_hash *h;
	const struct nf_conntrack_zone *zone;
	enum ip_conntrack_info ctinfo;
	struct nf_conntrack_zone tmp;
	union nf_inet_addr *ct_daddr;
	enum ip_conntrack_dir dir;
	struct nf_conn *ct;

	zone = nf_ct_zone_tmpl(tmpl, skb, &tmp);

	/* Are they talking about one of our connections? */
	if (!nf_ct_get_tuplepr(skb, dataoff, state->pf, state->net, &origtuple)) {
		nf_ct_observe_invalid(state->net, skb, NULL, l4proto, NFEMU_CTINV_NOLOG_ICMP_INNER,
				      0, 0, 0);         /* EMU */
		return -NF_ACCEPT;
	}
	/* Ordinarily, we'd expect the inverted tupleproto, but it's been preserved inside the
	 * ICMP. */
	if (!nf_ct_invert_tuple(&innertuple, &origtuple)) {
		nf_ct_observe_invalid(state->net, skb, NULL, l4proto, NFEMU_CTINV_NOLOG_ICMP_INNER,
				      0, 0, 0);         /* EMU */
		return -NF_ACCEPT;
	}
	h = nf_conntrack_find_get(state->net, zone, &innertuple);
	if (!h) {
		nf_ct_observe_invalid(state->net, skb, NULL, l4proto, NFEMU_CTINV_NOLOG_ICMP_NO_CT,
				      0, 0, 0);         /* EMU */
		return -NF_ACCEPT;
	}

	/* The found connection's destination in its direction must be the outer destination:
	 * an error from B about A->B goes to A (the reply tuple), one from a middle box about
	 * A->B goes to A too; B->X quoting B->T would otherwise make X's packet RELATED. */
	ct = nf_ct_tuplehash_to_ctrack(h);
	dir = NF_CT_DIRECTION(h);
	ct_daddr = &ct->tuplehash[dir].tuple.dst.u3;
	if (!nf_inet_addr_cmp(outer_daddr, ct_daddr)) {
		char a[16], b[16];

		snprintf(a, sizeof(a), "%u.%u.%u.%u", ((u8 *)&outer_daddr->ip)[0],
			 ((u8 *)&outer_daddr->ip)[1], ((u8 *)&outer_daddr->ip)[2],
			 ((u8 *)&outer_daddr->ip)[3]);
		snprintf(b, sizeof(b), "%u.%u.%u.%u", ((u8 *)&ct_daddr->ip)[0],
			 ((u8 *)&ct_daddr->ip)[1], ((u8 *)&ct_daddr->ip)[2], ((u8 *)&ct_daddr->ip)[3]);
		nf_ct_observe_invalid(state->net, skb, NULL, l4proto, NFEMU_CTINV_OUTER_DADDR,
				      outer_daddr->ip, ct_daddr->ip, 0);        /* EMU */
		nf_l4proto_log_invalid(skb, state, l4proto, "outer daddr %s != inner %s", a, b);
		nf_ct_put(ct);
		return -NF_ACCEPT;
	}

	ctinfo = IP_CT_RELATED;
	if (dir == IP_CT_DIR_REPLY)
		ctinfo += IP_CT_IS_REPLY;
	/* Update skb to refer to this connection */
	nf_ct_set(skb, ct, ctinfo);
	return NF_ACCEPT;
}

static void icmp_error_log(const struct sk_buff *skb, const struct nf_hook_state *state,
			   enum nfemu_ct_invalid why, const char *msg)
{
	nf_ct_observe_invalid(state->net, skb, NULL, IPPROTO_ICMP, why, 0, 0, 0); /* EMU */
	nf_l4proto_log_invalid(skb, state, IPPROTO_ICMP, "%s", msg);
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

/* Small and modified version of icmp_rcv */
int nf_conntrack_icmpv4_error(struct nf_conn *tmpl, struct sk_buff *skb, unsigned int dataoff,
			      const struct nf_hook_state *state)
{
	union nf_inet_addr outer_daddr;
	const struct icmphdr *icmph;

	/* Not enough header? */
	icmph = skb_header_pointer(skb, (int)dataoff, sizeof(*icmph), NULL);
	if (icmph == NULL) {
		icmp_error_log(skb, state, NFEMU_CTINV_ICMP_SHORT, "short packet");
		return -NF_ACCEPT;
	}
	/* See nf_conntrack_proto_tcp.c */
	if (nf_ct_sysctl(state->net)->checksum && state->hook == NF_INET_PRE_ROUTING &&
	    nf_ip_checksum(skb, state->hook, dataoff, IPPROTO_ICMP)) {
		icmp_error_log(skb, state, NFEMU_CTINV_ICMP_CHECKSUM, "bad hw icmp checksum");
		return -NF_ACCEPT;
	}
	/* 18 is the highest 'known' ICMP type.  Anything else is a mystery.  RFC 1122: 3.2.2
	 * Unknown ICMP messages types MUST be silently discarded. */
	if (icmph->type > NR_ICMP_TYPES) {
		icmp_error_log(skb, state, NFEMU_CTINV_ICMP_TYPE, "invalid icmp type");
		return -NF_ACCEPT;
	}
	/* Need to track icmp error message? */
	if (!icmp_is_err(icmph->type))
		return NF_ACCEPT;

	memset(&outer_daddr, 0, sizeof(outer_daddr));
	outer_daddr.ip = ip_hdr(skb)->daddr;
	dataoff += sizeof(*icmph);
	return nf_conntrack_inet_error(tmpl, skb, dataoff, state, IPPROTO_ICMP, &outer_daddr);
}

const struct nf_conntrack_l4proto nf_conntrack_l4proto_icmp = {
	.l4proto = IPPROTO_ICMP,
};
