/* nat/nf_nat_core.c - the NAT core: bindings, the bysource hash and unique-tuple selection.
 *
 * Mirrors net/netfilter/nf_nat_core.c.  nf_nat_setup_info gives an unconfirmed connection its
 * source or destination binding: get_unique_tuple keeps the packet's own tuple when it is in
 * the range and unused, else reuses the mapping an earlier connection from the same source got
 * (find_appropriate_src over the bysource hash), else takes the address the range hashes the
 * tuple to (find_best_ips_proto: jhash2, deterministic) and, if that clashes, searches the
 * port or ICMP id range (nf_nat_l4proto_unique_tuple: from a random offset for source
 * mappings, from the range's start for destination ones).  The reply tuple is altered so that
 * replies are recognised; nf_nat_packet then rewrites every packet.  nf_nat_inet_fn runs the
 * nat table's chains (registered through nf_nat_register_fn) only for a connection's first
 * packet and gives it a null binding when no rule chose one.
 * EMU: per-net tables instead of global ones (no locks, no RCU); the bysource hash is keyed by
 * jhash2 with a fixed seed where Linux uses siphash with a boot-time key (only the bucket
 * depends on it: the entries of one source are still found newest first); get_random_u16 is
 * the net's seeded generator; no ctnetlink NAT setup, no BPF kfuncs, no xfrm.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "kernel/random.h"
#include "lib/jhash.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "conntrack/nf_conntrack_seqadj.h"
#include "nat/nf_nat.h"
#include "nat/nf_nat_helper.h"
#include "netstack/skbuff.h"

#define NF_NAT_MAX_ATTEMPTS 128
#define NF_NAT_HARDER_THRESH (NF_NAT_MAX_ATTEMPTS / 4)
#define CONNTRACK_LOCKS 1024

static u16 get_random_u16(struct net *net)
{
	return (u16)get_random_u32(net);
}

/* EMU: what get_unique_tuple found, for the observer (struct nfemu_nat_event). */
struct nf_nat_emu_why {
	enum nfemu_nat_how how;
	bool bysource_hit;
	bool clash;
	u32 tried;
};

/* ------------------------------------------------------------------------------------------
 * The bysource hash
 */

/* We keep an extra hash for each conntrack, for fast searching. */
static unsigned int hash_by_src(const struct net *net, const struct nf_conntrack_zone *zone,
				const struct nf_conntrack_tuple *tuple)
{
	const struct nat_net *nat_net = nf_nat_pernet(net);
	u32 combined[7];

	/* Original src, to ensure we map it consistently if poss. */
	memcpy(combined, tuple->src.u3.all, sizeof(tuple->src.u3.all));
	combined[4] = (u32)tuple->src.u.all | ((u32)tuple->src.l3num << 16);
	combined[5] = tuple->dst.protonum;
	/* Zone ID can be used provided its valid for both directions */
	combined[6] = zone->dir == NF_CT_DEFAULT_ZONE_DIR ? zone->id : 0;
	return reciprocal_scale(jhash2(combined, ARRAY_SIZE(combined), 0x6e617473 /* "nats" */),
				nat_net->htable_size);
}

static void nf_nat_bysource_add(struct nf_conn *ct)
{
	struct net *net = nf_ct_net(ct);
	unsigned int srchash = hash_by_src(net, nf_ct_zone(ct),
					   &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);

	hlist_add_head(&ct->nat_bysource, &nf_nat_pernet(net)->bysource[srchash]);
}

/* nf_nat_hook->remove_nat_bysrc: nf_conntrack_free of an entry with a source binding. */
static void nf_nat_cleanup_conntrack(struct nf_conn *ct)
{
	hlist_del_init(&ct->nat_bysource);
}

/* EMU: an entry read back from the state file with IPS_SRC_NAT_DONE. */
static void nf_nat_restore_conntrack(struct nf_conn *ct)
{
	if (hlist_unhashed(&ct->nat_bysource))
		nf_nat_bysource_add(ct);
}

/* ------------------------------------------------------------------------------------------
 * Is a tuple in use?
 */

/**
 * nf_nat_used_tuple - check if proposed nat tuple clashes with existing entry
 *
 * A conntrack entry can be inserted to the connection tracking table if there is no existing
 * entry with an identical tuple in either direction.  Conntrack tracking doesn't keep track of
 * outgoing tuples; only incoming ones.  NAT means they don't have a fixed mapping, so we invert
 * the tuple and look for the incoming reply.
 */
static int nf_nat_used_tuple(const struct nf_conntrack_tuple *tuple,
			     const struct nf_conn *ignored_conntrack)
{
	struct nf_conntrack_tuple reply;

	nf_ct_invert_tuple(&reply, tuple);
	return nf_conntrack_tuple_taken(&reply, ignored_conntrack);
}

static bool nf_nat_allow_clash(const struct nf_conn *ct)
{
	return nf_ct_l4proto_find(nf_ct_protonum(ct))->allow_clash;
}

/* Same as nf_nat_used_tuple, but also check for a (rare) clash in the reverse direction:
 * the tuple is the connection's own, unaltered.  On one CPU the reverse clash only arises
 * from an entry that is exactly this one's reply, so it is not a clash. */
static bool nf_nat_used_tuple_new(const struct nf_conntrack_tuple *tuple,
				  const struct nf_conn *ignored_ct)
{
	static const unsigned long uses_nat = IPS_NAT_MASK | IPS_SEQ_ADJUST;
	const struct nf_conntrack_tuple_hash *thash;
	const struct nf_conntrack_zone *zone;
	struct nf_conn *ct;
	bool taken = true;
	struct net *net;

	if (!nf_nat_used_tuple(tuple, ignored_ct))
		return false;
	if (!nf_nat_allow_clash(ignored_ct))
		return true;
	/* If ignored_conntrack and colliding ct are not subject to NAT then pretend the tuple is
	 * available and let later clash resolution handle this at insertion time. */
	if (ignored_ct->status & uses_nat)
		return true;

	net = nf_ct_net(ignored_ct);
	zone = nf_ct_zone(ignored_ct);
	thash = nf_conntrack_find_get(net, zone, tuple);
	if (!thash) {
		struct nf_conntrack_tuple reply;

		nf_ct_invert_tuple(&reply, tuple);
		thash = nf_conntrack_find_get(net, zone, &reply);
		if (!thash) /* clashing entry went away */
			return false;
	}
	ct = nf_ct_tuplehash_to_ctrack(thash);
	/* NB: IP_CT_DIR_ORIGINAL should be impossible because nf_nat_used_tuple() handles origin
	 * collisions. */
	if (thash->tuple.dst.dir != IP_CT_DIR_REPLY)
		goto out;
	/* clashing connection subject to NAT? Retry with new tuple. */
	if (ct->status & uses_nat)
		goto out;
	if (nf_ct_tuple_equal(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			      &ignored_ct->tuplehash[IP_CT_DIR_REPLY].tuple) &&
	    nf_ct_tuple_equal(&ct->tuplehash[IP_CT_DIR_REPLY].tuple,
			      &ignored_ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple))
		taken = false;
out:
	nf_ct_put(ct);
	return taken;
}

static bool nf_nat_may_kill(const struct nf_conn *ct, unsigned long flags)
{
	static const unsigned long flags_refuse = IPS_FIXED_TIMEOUT | IPS_DYING;
	static const unsigned long flags_needed = IPS_SRC_NAT;

	if (ct->proto.tcp.state < TCP_CONNTRACK_TIME_WAIT)
		return false;
	if (flags & flags_refuse)
		return false;
	return (flags & flags_needed) == flags_needed;
}

/* reverse direction will send packets to new source, so make sure such packets are invalid. */
static bool nf_seq_has_advanced(const struct nf_conn *old, const struct nf_conn *new)
{
	return (s32)(new->proto.tcp.seen[0].td_end - old->proto.tcp.seen[0].td_end) > 0;
}

/* The last attempts of a TCP port search may evict a TIME_WAIT entry whose slot they want,
 * if the new connection's sequence numbers have moved past the old one's. */
static int nf_nat_used_tuple_harder(const struct nf_conntrack_tuple *tuple,
				    const struct nf_conn *ignored_conntrack, unsigned int attempts_left)
{
	static const unsigned long flags_offload = IPS_OFFLOAD | IPS_HW_OFFLOAD;
	struct nf_conntrack_tuple_hash *thash;
	const struct nf_conntrack_zone *zone;
	struct nf_conntrack_tuple reply;
	unsigned long flags;
	struct nf_conn *ct;
	bool taken = true;
	struct net *net;

	nf_ct_invert_tuple(&reply, tuple);

	if (attempts_left > NF_NAT_HARDER_THRESH || tuple->dst.protonum != IPPROTO_TCP ||
	    ignored_conntrack->proto.tcp.state != TCP_CONNTRACK_SYN_SENT)
		return nf_conntrack_tuple_taken(&reply, ignored_conntrack);

	net = nf_ct_net(ignored_conntrack);
	zone = nf_ct_zone(ignored_conntrack);
	thash = nf_conntrack_find_get(net, zone, &reply);
	if (!thash)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(thash);
	if (thash->tuple.dst.dir == IP_CT_DIR_ORIGINAL)
		goto out;
	if (ct == ignored_conntrack)
		goto out;
	flags = ct->status;
	if (!nf_nat_may_kill(ct, flags))
		goto out;
	if (!nf_seq_has_advanced(ct, ignored_conntrack))
		goto out;
	/* Even if we can evict do not reuse if entry is offloaded. */
	if (nf_ct_kill(ct))
		taken = flags & flags_offload;
out:
	nf_ct_put(ct);
	return taken;
}

/* ------------------------------------------------------------------------------------------
 * Ranges
 */

static bool nf_nat_inet_in_range(const struct nf_conntrack_tuple *t, const struct nf_nat_range2 *range)
{
	return ntohl(t->src.u3.ip) >= ntohl(range->min_addr.ip) &&
	       ntohl(t->src.u3.ip) <= ntohl(range->max_addr.ip);
}

/* Is the manipable part of the tuple between min and max incl? */
static bool l4proto_in_range(const struct nf_conntrack_tuple *tuple, enum nf_nat_manip_type maniptype,
			     const union nf_conntrack_man_proto *min,
			     const union nf_conntrack_man_proto *max)
{
	__be16 port;

	switch (tuple->dst.protonum) {
	case IPPROTO_ICMP:
		return ntohs(tuple->src.u.icmp.id) >= ntohs(min->icmp.id) &&
		       ntohs(tuple->src.u.icmp.id) <= ntohs(max->icmp.id);
	case IPPROTO_GRE: /* all fall though */
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		if (maniptype == NF_NAT_MANIP_SRC)
			port = tuple->src.u.all;
		else
			port = tuple->dst.u.all;
		return ntohs(port) >= ntohs(min->all) && ntohs(port) <= ntohs(max->all);
	default:
		return true;
	}
}

/* If we source map this tuple so reply looks like reply_tuple, will that meet the constraints
 * of range. */
static int nf_in_range(const struct nf_conntrack_tuple *tuple, const struct nf_nat_range2 *range)
{
	/* If we are supposed to map IPs, then we must be in the range specified, otherwise let
	 * this drag us onto a new src IP. */
	if (range->flags & NF_NAT_RANGE_MAP_IPS && !nf_nat_inet_in_range(tuple, range))
		return 0;
	if (!(range->flags & NF_NAT_RANGE_PROTO_SPECIFIED))
		return 1;
	return l4proto_in_range(tuple, NF_NAT_MANIP_SRC, &range->min_proto, &range->max_proto);
}

static inline int same_src(const struct nf_conn *ct, const struct nf_conntrack_tuple *tuple)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	return t->dst.protonum == tuple->dst.protonum && nf_inet_addr_cmp(&t->src.u3, &tuple->src.u3) &&
	       t->src.u.all == tuple->src.u.all;
}

/* Only called for SRC manip */
static int find_appropriate_src(struct net *net, const struct nf_conntrack_zone *zone,
				const struct nf_conntrack_tuple *tuple, struct nf_conntrack_tuple *result,
				const struct nf_nat_range2 *range, struct nf_nat_emu_why *why)
{
	unsigned int h = hash_by_src(net, zone, tuple);
	struct hlist_node *node;

	for (node = nf_nat_pernet(net)->bysource[h].first; node; node = node->next) {
		const struct nf_conn *ct = hlist_entry(node, struct nf_conn, nat_bysource);

		if (same_src(ct, tuple) && nf_ct_net(ct) == net &&
		    nf_ct_zone_equal(ct, zone, IP_CT_DIR_ORIGINAL)) {
			why->bysource_hit = true;
			/* Copy source part from reply tuple. */
			nf_ct_invert_tuple(result, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
			result->dst = tuple->dst;
			if (nf_in_range(result, range))
				return 1;
		}
	}
	return 0;
}

/* For [FUTURE] fragmentation handling, we want the least-used src-ip/dst-ip/proto triple.
 * Fairness doesn't come into it.  Thus if the range specifies 1.2.3.4 ports 10000-10005 and
 * 1.2.3.5 ports 1-65535, we don't do pro-rata allocation based on ports; we choose the ip with
 * the lowest src-ip/dst-ip/proto usage. */
static void find_best_ips_proto(const struct nf_conntrack_zone *zone, struct nf_conntrack_tuple *tuple,
				const struct nf_nat_range2 *range, const struct nf_conn *ct,
				enum nf_nat_manip_type maniptype)
{
	union nf_inet_addr *var_ipp;
	unsigned int i, max;
	/* Host order */
	u32 minip, maxip, j, dist;
	bool full_range;

	/* No IP mapping?  Do nothing. */
	if (!(range->flags & NF_NAT_RANGE_MAP_IPS))
		return;

	if (maniptype == NF_NAT_MANIP_SRC)
		var_ipp = &tuple->src.u3;
	else
		var_ipp = &tuple->dst.u3;

	/* Fast path: only one choice. */
	if (nf_inet_addr_cmp(&range->min_addr, &range->max_addr)) {
		*var_ipp = range->min_addr;
		return;
	}

	(void)ct;       /* nf_ct_l3num(ct) == NFPROTO_IPV4: EMU, the only family */
	max = sizeof(var_ipp->ip) / sizeof(u32) - 1;

	/* Hashing source and destination IPs gives a fairly even spread in practice (if there
	 * are a small number of IPs involved, there usually aren't that many connections anyway).
	 * The consistency means that servers see the same client coming from the same IP (some
	 * Internet Banking sites like this), even across reboots. */
	j = jhash2((const u32 *)&tuple->src.u3, sizeof(tuple->src.u3) / sizeof(u32),
		   range->flags & NF_NAT_RANGE_PERSISTENT ? 0 : (u32)tuple->dst.u3.all[max] ^ zone->id);

	full_range = false;
	for (i = 0; i <= max; i++) {
		/* If first bytes of the address are at the maximum, use the distance.  Otherwise
		 * use the full range. */
		if (!full_range) {
			minip = ntohl(range->min_addr.all[i]);
			maxip = ntohl(range->max_addr.all[i]);
			dist = maxip - minip + 1;
		} else {
			minip = 0;
			dist = ~0u;
		}

		var_ipp->all[i] = htonl(minip + reciprocal_scale(j, dist));
		if (var_ipp->all[i] != range->max_addr.all[i])
			full_range = true;

		if (!(range->flags & NF_NAT_RANGE_PERSISTENT))
			j ^= (u32)tuple->dst.u3.all[i];
	}
}

/* Alter the per-proto part of the tuple (depending on maniptype), to give a unique tuple in the
 * given range if possible.  Per-protocol part of tuple is initialized to the incoming packet.
 * Returns false when every attempt was in use (the last one is left in the tuple). */
static bool nf_nat_l4proto_unique_tuple(struct nf_conntrack_tuple *tuple,
					const struct nf_nat_range2 *range,
					enum nf_nat_manip_type maniptype, const struct nf_conn *ct,
					struct nf_nat_emu_why *why)
{
	unsigned int range_size, min, max, i, attempts;
	struct net *net = nf_ct_net(ct);
	__be16 *keyptr;
	u16 off;

	switch (tuple->dst.protonum) {
	case IPPROTO_ICMP:
		/* id is same for either direction... */
		keyptr = &tuple->src.u.icmp.id;
		if (!(range->flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
			min = 0;
			range_size = 65536;
		} else {
			min = ntohs(range->min_proto.icmp.id);
			range_size = ntohs(range->max_proto.icmp.id) - ntohs(range->min_proto.icmp.id) + 1;
		}
		goto find_free_id;
	case IPPROTO_GRE:
		/* If there is no master conntrack we are not PPTP, do not change tuples */
		if (!ct->master)
			return true;
		if (maniptype == NF_NAT_MANIP_SRC)
			keyptr = &tuple->src.u.gre.key;
		else
			keyptr = &tuple->dst.u.gre.key;
		if (!(range->flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
			min = 1;
			range_size = 65535;
		} else {
			min = ntohs(range->min_proto.gre.key);
			range_size = ntohs(range->max_proto.gre.key) - min + 1;
		}
		goto find_free_id;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_TCP:
	case IPPROTO_SCTP:
		if (maniptype == NF_NAT_MANIP_SRC)
			keyptr = &tuple->src.u.all;
		else
			keyptr = &tuple->dst.u.all;
		break;
	default:
		return true;
	}

	/* If no range specified... */
	if (!(range->flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
		/* If it's dst rewrite, can't change port */
		if (maniptype == NF_NAT_MANIP_DST)
			return true;

		if (ntohs(*keyptr) < 1024) {
			/* Loose convention: >> 512 is credential passing */
			if (ntohs(*keyptr) < 512) {
				min = 1;
				range_size = 511 - min + 1;
			} else {
				min = 600;
				range_size = 1023 - min + 1;
			}
		} else {
			min = 1024;
			range_size = 65535 - 1024 + 1;
		}
	} else {
		min = ntohs(range->min_proto.all);
		max = ntohs(range->max_proto.all);
		if (max < min) {
			unsigned int tmp = max;

			max = min;
			min = tmp;
		}
		range_size = max - min + 1;
	}

find_free_id:
	if (range->flags & NF_NAT_RANGE_PROTO_OFFSET)
		off = (u16)(ntohs(*keyptr) - ntohs(range->base_proto.all));
	else if ((range->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL) || maniptype != NF_NAT_MANIP_DST)
		off = get_random_u16(net);
	else
		off = 0;

	attempts = range_size;
	if (attempts > NF_NAT_MAX_ATTEMPTS)
		attempts = NF_NAT_MAX_ATTEMPTS;

	/* We are in softirq; doing a search of the entire range risks soft lockup when all tuples
	 * are already used.  If we can't find any free port from first offset, pick a new one and
	 * try again, with ever smaller search window. */
another_round:
	for (i = 0; i < attempts; i++, off++) {
		*keyptr = htons((u16)(min + off % range_size));
		why->tried++;
		if (!nf_nat_used_tuple_harder(tuple, ct, attempts - i))
			return true;
	}

	if (attempts >= range_size || attempts < 16)
		return false;
	attempts /= 2;
	off = get_random_u16(net);
	goto another_round;
}

/* Manipulate the tuple into the range given.  For NF_INET_POST_ROUTING, we change the source to
 * map into the range.  For NF_INET_PRE_ROUTING and NF_INET_LOCAL_OUT, we change the
 * destination to map into the range.  It might not be possible to get a unique tuple, but we
 * try.  At worst (or if we race), we will end up with a final duplicate in
 * __nf_conntrack_confirm and drop the packet. */
static void get_unique_tuple(struct nf_conntrack_tuple *tuple,
			     const struct nf_conntrack_tuple *orig_tuple,
			     const struct nf_nat_range2 *range, struct nf_conn *ct,
			     enum nf_nat_manip_type maniptype, struct nf_nat_emu_why *why)
{
	const struct nf_conntrack_zone *zone;
	struct net *net = nf_ct_net(ct);

	zone = nf_ct_zone(ct);

	/* 1) If this srcip/proto/src-proto-part is currently mapped, and that same mapping gives a
	 * unique tuple within the given range, use that.
	 *
	 * This is only required for source (ie. NAT/masq) mappings.  So far, we don't do local
	 * source mappings, so multiple manips not an issue. */
	if (maniptype == NF_NAT_MANIP_SRC && !(range->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
		/* try the original tuple first */
		if (nf_in_range(orig_tuple, range)) {
			if (!nf_nat_used_tuple_new(orig_tuple, ct)) {
				*tuple = *orig_tuple;
				why->how = NFEMU_NAT_KEPT;
				return;
			}
			why->clash = true;
		} else if (find_appropriate_src(net, zone, orig_tuple, tuple, range, why)) {
			if (!nf_nat_used_tuple(tuple, ct)) {
				why->how = NFEMU_NAT_BYSOURCE;
				return;
			}
			why->clash = true;
		}
	}

	/* 2) Select the least-used IP/proto combination in the given range */
	*tuple = *orig_tuple;
	find_best_ips_proto(zone, tuple, range, ct, maniptype);

	/* 3) The per-protocol part of the manip is made to map into the range to make a unique
	 * tuple. */

	/* Only bother mapping if it's not already in range and unique */
	why->how = NFEMU_NAT_RANGE;
	if (!(range->flags & NF_NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (range->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			if (!(range->flags & NF_NAT_RANGE_PROTO_OFFSET) &&
			    l4proto_in_range(tuple, maniptype, &range->min_proto, &range->max_proto)) {
				if (range->min_proto.all == range->max_proto.all ||
				    !nf_nat_used_tuple(tuple, ct))
					return;
				why->clash = true;
			}
		} else if (!nf_nat_used_tuple(tuple, ct)) {
			return;
		} else {
			why->clash = true;
		}
	}

	/* Last chance: get protocol to try to obtain unique tuple. */
	why->how = nf_nat_l4proto_unique_tuple(tuple, range, maniptype, ct, why) ?
		   NFEMU_NAT_SEARCH : NFEMU_NAT_EXHAUSTED;
}

/* ------------------------------------------------------------------------------------------
 * Bindings
 */

struct nf_conn_nat *nf_ct_nat_ext_add(struct nf_conn *ct)
{
	struct nf_conn_nat *nat = nfct_nat(ct);

	if (nat)
		return nat;
	if (!nf_ct_is_confirmed(ct))
		nat = nf_ct_ext_add(ct, NF_CT_EXT_NAT);
	return nat;
}

/* EMU: tell the observer what nf_nat_setup_info decided. */
static void nf_nat_observe(struct nf_conn *ct, enum nf_nat_manip_type maniptype,
			   const struct nf_nat_range2 *range, const struct nf_conntrack_tuple *from,
			   const struct nf_conntrack_tuple *to, const struct nf_nat_emu_why *why)
{
	struct net *net = nf_ct_net(ct);
	const struct nat_net *nat_net = nf_nat_pernet(net);
	struct nfemu_nat_event nev = {
		.hook = nat_net->emu_hook,
		.manip = (u8)maniptype,
		.how = (u8)why->how,
		.null_binding = nat_net->emu_null,
		.bysource_hit = why->bysource_hit,
		.clash = why->clash,
		.tried = why->tried,
		.from = from,
		.to = to,
		.range = range,
	};
	struct nfemu_event ev = {
		.type = NFEMU_EV_NAT,
		.skb = nat_net->emu_skb ? nat_net->emu_skb : net->ct.emu_skb,
		.nat = &nev,
	};

	nfemu_observe(net, &ev);
}

unsigned int nf_nat_setup_info(struct nf_conn *ct, const struct nf_nat_range2 *range,
			       enum nf_nat_manip_type maniptype)
{
	struct net *net = nf_ct_net(ct);
	struct nf_conntrack_tuple curr_tuple, new_tuple;
	struct nf_nat_emu_why why = { 0 };

	/* Can't setup nat info for confirmed ct. */
	if (nf_ct_is_confirmed(ct))
		return NF_ACCEPT;
	if (nf_nat_initialized(ct, maniptype))  /* WARN_ON in Linux */
		return NF_DROP;

	/* What we've got will look like inverse of reply.  Normally this is what is in the
	 * conntrack, except for prior manipulations (future optimization: if num_manips == 0,
	 * orig_tp = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple) */
	nf_ct_invert_tuple(&curr_tuple, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);

	get_unique_tuple(&new_tuple, &curr_tuple, range, ct, maniptype, &why);
	if (net->observer.event)
		nf_nat_observe(ct, maniptype, range, &curr_tuple, &new_tuple, &why);

	if (!nf_ct_tuple_equal(&new_tuple, &curr_tuple)) {
		struct nf_conntrack_tuple reply;

		/* Alter conntrack table so will recognize replies. */
		nf_ct_invert_tuple(&reply, &new_tuple);
		nf_conntrack_alter_reply(ct, &reply);

		/* Non-atomic: we own this at the moment. */
		if (maniptype == NF_NAT_MANIP_SRC)
			ct->status |= IPS_SRC_NAT;
		else
			ct->status |= IPS_DST_NAT;

		if (nfct_help(ct) && !nfct_seqadj(ct))
			if (!nfct_seqadj_ext_add(ct))
				return NF_DROP;
	}

	if (maniptype == NF_NAT_MANIP_SRC)
		nf_nat_bysource_add(ct);

	/* It's done. */
	if (maniptype == NF_NAT_MANIP_DST)
		ct->status |= IPS_DST_NAT_DONE;
	else
		ct->status |= IPS_SRC_NAT_DONE;

	return NF_ACCEPT;
}

static unsigned int __nf_nat_alloc_null_binding(struct nf_conn *ct, enum nf_nat_manip_type manip)
{
	/* Force range to this IP; let proto decide mapping for per-proto parts (hence not
	 * IP_NAT_RANGE_PROTO_SPECIFIED).  Use reply in case it's already been mangled (eg local
	 * packet). */
	union nf_inet_addr ip = manip == NF_NAT_MANIP_SRC ? ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3 :
							    ct->tuplehash[IP_CT_DIR_REPLY].tuple.src.u3;
	struct nf_nat_range2 range = {
		.flags = NF_NAT_RANGE_MAP_IPS,
		.min_addr = ip,
		.max_addr = ip,
	};
	struct nat_net *nat_net = nf_nat_pernet(nf_ct_net(ct));
	unsigned int ret;

	nat_net->emu_null = true;
	ret = nf_nat_setup_info(ct, &range, manip);
	nat_net->emu_null = false;
	return ret;
}

unsigned int nf_nat_alloc_null_binding(struct nf_conn *ct, unsigned int hooknum)
{
	return __nf_nat_alloc_null_binding(ct, HOOK2MANIP(hooknum));
}

/* Do packet manipulations according to nf_nat_setup_info. */
unsigned int nf_nat_packet(struct nf_conn *ct, enum ip_conntrack_info ctinfo, unsigned int hooknum,
			   struct sk_buff *skb)
{
	enum nf_nat_manip_type mtype = HOOK2MANIP(hooknum);
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	unsigned int verdict = NF_ACCEPT;
	unsigned long statusbit;

	if (mtype == NF_NAT_MANIP_SRC)
		statusbit = IPS_SRC_NAT;
	else
		statusbit = IPS_DST_NAT;

	/* Invert if this is reply dir. */
	if (dir == IP_CT_DIR_REPLY)
		statusbit ^= IPS_NAT_MASK;

	/* Non-atomic: these bits don't change. */
	if (ct->status & statusbit)
		verdict = nf_nat_manip_pkt(skb, ct, mtype, dir);

	return verdict;
}

unsigned int nf_nat_inet_fn(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct nf_conn *ct;
	enum ip_conntrack_info ctinfo;
	struct nf_conn_nat *nat;
	/* maniptype == SRC for postrouting. */
	enum nf_nat_manip_type maniptype = HOOK2MANIP(state->hook);

	ct = nf_ct_get(skb, &ctinfo);
	/* Can't track?  It's not due to stress, or conntrack would have dropped it.  Hence it's
	 * the user's responsibilty to packet filter it out, or implement conntrack/NAT for that
	 * protocol. 8) --RR */
	if (!ct)
		return NF_ACCEPT;

	nat = nfct_nat(ct);

	switch (ctinfo) {
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		/* Only ICMPs can be IP_CT_IS_REPLY.  Fallthrough */
	case IP_CT_NEW:
		/* Seen it before?  This can happen for loopback, retrans, or local packets. */
		if (!nf_nat_initialized(ct, maniptype)) {
			const struct nf_nat_lookup_hook_priv *lpriv = priv;
			const struct nf_hook_entries *e = lpriv ? &lpriv->entries : NULL;
			unsigned int ret;

			if (!e || !e->num_hook_entries)
				goto null_bind;

			for (unsigned int i = 0; i < e->num_hook_entries; i++) {
				ret = e->ops[i]->hook(e->ops[i]->priv, skb, state);
				if (ret != NF_ACCEPT)
					return ret;
				if (nf_nat_initialized(ct, maniptype))
					goto do_nat;
			}
null_bind:
			ret = nf_nat_alloc_null_binding(ct, state->hook);
			if (ret != NF_ACCEPT)
				return ret;
		} else {
			if (nf_nat_oif_changed(state->hook, ctinfo, nat, state->out))
				goto oif_changed;
		}
		break;
	default:
		/* ESTABLISHED */
		if (nf_nat_oif_changed(state->hook, ctinfo, nat, state->out))
			goto oif_changed;
	}
do_nat:
	return nf_nat_packet(ct, ctinfo, state->hook, skb);

oif_changed:
	nf_ct_kill_acct(ct, ctinfo, skb);
	return NF_DROP;
}

/* ------------------------------------------------------------------------------------------
 * The lookup hooks
 */

int nf_nat_register_fn(struct net *net, u8 pf, const struct nf_hook_ops *ops,
		       const struct nf_hook_ops *orig_nat_ops, unsigned int ops_count)
{
	struct nat_net *nat_net = nf_nat_pernet(net);
	struct nf_nat_hooks_net *nat_proto_net;
	struct nf_nat_lookup_hook_priv *priv;
	unsigned int hooknum = ops->hooknum;
	struct nf_hook_ops *nat_ops;
	unsigned int i;
	int ret;

	if (!nat_net || pf >= ARRAY_SIZE(nat_net->nat_proto_net))
		return -EINVAL;

	nat_proto_net = &nat_net->nat_proto_net[pf];

	for (i = 0; i < ops_count; i++) {
		if (orig_nat_ops[i].hooknum == hooknum) {
			hooknum = i;
			break;
		}
	}
	if (i == ops_count)
		return -EINVAL;

	if (!nat_proto_net->nat_hook_ops) {
		nat_ops = calloc(ops_count, sizeof(*orig_nat_ops));
		if (!nat_ops)
			return -ENOMEM;
		memcpy(nat_ops, orig_nat_ops, ops_count * sizeof(*orig_nat_ops));
		for (i = 0; i < ops_count; i++) {
			priv = calloc(1, sizeof(*priv));
			if (priv) {
				nat_ops[i].priv = priv;
				continue;
			}
			while (i)
				free(nat_ops[--i].priv);
			free(nat_ops);
			return -ENOMEM;
		}

		ret = nf_register_net_hooks(net, nat_ops, ops_count);
		if (ret < 0) {
			for (i = 0; i < ops_count; i++)
				free(nat_ops[i].priv);
			free(nat_ops);
			return ret;
		}
		nat_proto_net->nat_hook_ops = nat_ops;
	}

	nat_ops = nat_proto_net->nat_hook_ops;
	priv = nat_ops[hooknum].priv;
	if (!priv)
		return -EOPNOTSUPP;

	ret = nf_hook_entries_insert_raw(&priv->entries, ops);
	if (ret == 0)
		nat_proto_net->users++;
	return ret;
}

void nf_nat_unregister_fn(struct net *net, u8 pf, const struct nf_hook_ops *ops,
			  unsigned int ops_count)
{
	struct nat_net *nat_net = nf_nat_pernet(net);
	struct nf_nat_hooks_net *nat_proto_net;
	struct nf_nat_lookup_hook_priv *priv;
	struct nf_hook_ops *nat_ops;
	unsigned int hooknum = ops->hooknum;
	unsigned int i;

	if (!nat_net || pf >= ARRAY_SIZE(nat_net->nat_proto_net))
		return;

	nat_proto_net = &nat_net->nat_proto_net[pf];
	if (nat_proto_net->users == 0)
		return;
	nat_proto_net->users--;

	nat_ops = nat_proto_net->nat_hook_ops;
	for (i = 0; i < ops_count; i++) {
		if (nat_ops[i].hooknum == hooknum) {
			hooknum = i;
			break;
		}
	}
	if (i == ops_count)
		return;
	priv = nat_ops[hooknum].priv;
	nf_hook_entries_delete_raw(&priv->entries, ops);

	if (nat_proto_net->users == 0) {
		nf_unregister_net_hooks(net, nat_ops, ops_count);
		for (i = 0; i < ops_count; i++)
			free(nat_ops[i].priv);
		nat_proto_net->nat_hook_ops = NULL;
		free(nat_ops);
	}
}

/* ------------------------------------------------------------------------------------------
 * The module
 */

/* kill conntracks with affected NAT section */
static int nf_nat_proto_remove(struct nf_conn *i, void *data)
{
	(void)data;     /* struct nf_nat_proto_clean: every l3/l4 protocol */
	return i->status & IPS_NAT_MASK ? 1 : 0;
}

static int nf_nat_proto_clean(struct nf_conn *ct, void *data)
{
	if (nf_nat_proto_remove(ct, data))
		return 1;
	/* This module is being removed and conntrack has nat null binding.  Remove it from
	 * bysource hash, as the table will be freed soon.  Don't delete conntrack.  Although that
	 * would make things a lot simpler, we'd end up flushing all conntracks on nat rmmod. */
	if (ct->status & IPS_SRC_NAT_DONE) {
		ct->status &= ~IPS_SRC_NAT_DONE;
		nf_nat_cleanup_conntrack(ct);
	}
	return 0;
}

/* EMU: Linux's follow_master_nat is a static of the module; here one per net, in nat_net. */
static const struct nf_nat_hook nat_hook = {
	.remove_nat_bysrc = nf_nat_cleanup_conntrack,
	.add_nat_bysrc = nf_nat_restore_conntrack,
};

static int nf_nat_init(struct net *net, struct module *mod)
{
	struct nat_net *nat_net;
	unsigned int size = net->ct.ready && net->ct.htable_size ? net->ct.htable_size :
			    (unsigned int)nf_ct_sysctl(net)->buckets;

	(void)mod;
	/* Leave them the same for the moment. */
	if (size < CONNTRACK_LOCKS)
		size = CONNTRACK_LOCKS;
	nat_net = calloc(1, sizeof(*nat_net));
	if (!nat_net)
		return -ENOMEM;
	nat_net->bysource = calloc(size, sizeof(*nat_net->bysource));
	if (!nat_net->bysource) {
		free(nat_net);
		return -ENOMEM;
	}
	nat_net->htable_size = size;
	nat_net->follow_master_nat.name = "nat-follow-master";
	nat_net->follow_master_nat.expectfn = nf_nat_follow_master;
	INIT_LIST_HEAD(&nat_net->follow_master_nat.head);
	if (net->ct.ready)
		nf_ct_helper_expectfn_register(net, &nat_net->follow_master_nat);
	net->gen[NET_GENERIC_NAT] = nat_net;
	net->nf.nat_hook = &nat_hook;
	return 0;
}

/* An entry that never reached the hash (a packet in flight) loses its binding as well. */
static void nf_nat_clean_unconfirmed(struct net *net)
{
	struct nf_conn *ct;

	if (!net->ct.ready)
		return;
	list_for_each_entry(ct, &net->ct.unconfirmed, emu_list)
		nf_nat_proto_clean(ct, NULL);
	list_for_each_entry(ct, &net->ct.dying, emu_list)
		nf_nat_proto_clean(ct, NULL);
}

static void nf_nat_exit(struct net *net, struct module *mod)
{
	struct nat_net *nat_net = nf_nat_pernet(net);
	struct nf_ct_iter_data iter_data = { .net = net };

	(void)mod;
	if (!nat_net)
		return;
	nf_ct_iterate_cleanup_net(nf_nat_proto_clean, &iter_data);
	nf_nat_clean_unconfirmed(net);
	nf_ct_helper_expectfn_unregister(net, &nat_net->follow_master_nat);
	net->nf.nat_hook = NULL;
	free(nat_net->bysource);
	free(nat_net);
	net->gen[NET_GENERIC_NAT] = NULL;
}

const struct module_info module_info_nf_nat = {
	.name = "nf_nat",
	.size = 61440,
	.depends = MODULE_DEPS("nf_conntrack", "libcrc32c"),
	.init = nf_nat_init,
	.exit = nf_nat_exit,
};
