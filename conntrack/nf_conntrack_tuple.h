/* conntrack/nf_conntrack_tuple.h - what identifies a connection: the tuple, and zones.
 *
 * Mirrors include/net/netfilter/nf_conntrack_tuple.h and nf_conntrack_zones.h: a tuple is
 * split into the manipulable part (src: address, port or ICMP id, l3num) NAT may rewrite
 * and the fixed part (dst: address, port or ICMP type/code, protocol, direction).
 * EMU: IPv4 only is ever filled in; the union keeps the kernel's 16-byte address.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_TUPLE_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_TUPLE_H

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include "kernel/kernel.h"
#include "conntrack/hlist.h"

static inline bool nf_inet_addr_cmp(const union nf_inet_addr *a1, const union nf_inet_addr *a2)
{
	return a1->all[0] == a2->all[0] && a1->all[1] == a2->all[1] &&
	       a1->all[2] == a2->all[2] && a1->all[3] == a2->all[3];
}

struct nf_conntrack_man {
	union nf_inet_addr u3;
	union nf_conntrack_man_proto u;
	u16 l3num;                      /* layer 3 protocol (NFPROTO_IPV4) */
};

struct nf_conntrack_tuple {
	struct nf_conntrack_man src;
	/* the parts of the tuple that are fixed */
	struct {
		union nf_inet_addr u3;
		union {
			__be16 all;
			struct { __be16 port; } tcp;
			struct { __be16 port; } udp;
			struct { u8 type, code; } icmp;
			struct { __be16 port; } dccp;
			struct { __be16 port; } sctp;
			struct { __be16 key; } gre;
		} u;
		u8 protonum;            /* the protocol */
		u8 dir;                 /* the direction (for the tuplehash); not compared */
	} dst;
};

struct nf_conntrack_tuple_mask {
	struct {
		union nf_inet_addr u3;
		union nf_conntrack_man_proto u;
	} src;
};

/* One direction of a connection in the hash. */
struct nf_conntrack_tuple_hash {
	struct hlist_node hnnode;
	struct nf_conntrack_tuple tuple;
};

#define NF_CT_DIRECTION(h) ((enum ip_conntrack_dir)(h)->tuple.dst.dir)

static inline bool __nf_ct_tuple_src_equal(const struct nf_conntrack_tuple *t1,
					   const struct nf_conntrack_tuple *t2)
{
	return nf_inet_addr_cmp(&t1->src.u3, &t2->src.u3) && t1->src.u.all == t2->src.u.all &&
	       t1->src.l3num == t2->src.l3num;
}

static inline bool __nf_ct_tuple_dst_equal(const struct nf_conntrack_tuple *t1,
					   const struct nf_conntrack_tuple *t2)
{
	return nf_inet_addr_cmp(&t1->dst.u3, &t2->dst.u3) && t1->dst.u.all == t2->dst.u.all &&
	       t1->dst.protonum == t2->dst.protonum;
}

static inline bool nf_ct_tuple_equal(const struct nf_conntrack_tuple *t1,
				     const struct nf_conntrack_tuple *t2)
{
	return __nf_ct_tuple_src_equal(t1, t2) && __nf_ct_tuple_dst_equal(t1, t2);
}

static inline bool nf_ct_tuple_mask_equal(const struct nf_conntrack_tuple_mask *m1,
					  const struct nf_conntrack_tuple_mask *m2)
{
	return nf_inet_addr_cmp(&m1->src.u3, &m2->src.u3) && m1->src.u.all == m2->src.u.all;
}

static inline bool nf_ct_tuple_src_mask_cmp(const struct nf_conntrack_tuple *t1,
					    const struct nf_conntrack_tuple *t2,
					    const struct nf_conntrack_tuple_mask *mask)
{
	for (int count = 0; count < 4; count++)
		if ((t1->src.u3.all[count] ^ t2->src.u3.all[count]) & mask->src.u3.all[count])
			return false;
	if ((t1->src.u.all ^ t2->src.u.all) & mask->src.u.all)
		return false;
	return t1->src.l3num == t2->src.l3num && t1->dst.protonum == t2->dst.protonum;
}

static inline bool nf_ct_tuple_mask_cmp(const struct nf_conntrack_tuple *t,
					const struct nf_conntrack_tuple *tuple,
					const struct nf_conntrack_tuple_mask *mask)
{
	return nf_ct_tuple_src_mask_cmp(t, tuple, mask) && __nf_ct_tuple_dst_equal(t, tuple);
}

/* ---------------------------------------------------------------- zones */

#define NF_CT_DEFAULT_ZONE_ID 0
#define NF_CT_ZONE_DIR_ORIG (1 << IP_CT_DIR_ORIGINAL)
#define NF_CT_ZONE_DIR_REPL (1 << IP_CT_DIR_REPLY)
#define NF_CT_DEFAULT_ZONE_DIR (NF_CT_ZONE_DIR_ORIG | NF_CT_ZONE_DIR_REPL)
#define NF_CT_FLAG_MARK 1

struct nf_conntrack_zone {
	u16 id;
	u8 flags;
	u8 dir;
};

static const struct nf_conntrack_zone nf_ct_zone_dflt = {
	.id = NF_CT_DEFAULT_ZONE_ID,
	.dir = NF_CT_DEFAULT_ZONE_DIR,
};

static inline const struct nf_conntrack_zone *
nf_ct_zone_init(struct nf_conntrack_zone *zone, u16 id, u8 dir, u8 flags)
{
	zone->id = id;
	zone->flags = flags;
	zone->dir = dir;
	return zone;
}

static inline bool nf_ct_zone_matches_dir(const struct nf_conntrack_zone *zone,
					  enum ip_conntrack_dir dir)
{
	return zone->dir & (1 << dir);
}

static inline u16 nf_ct_zone_id(const struct nf_conntrack_zone *zone, enum ip_conntrack_dir dir)
{
	return nf_ct_zone_matches_dir(zone, dir) ? zone->id : NF_CT_DEFAULT_ZONE_ID;
}

#endif
