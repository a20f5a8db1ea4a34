/* conntrack/nf_conntrack_core.c - the connection tracking core: tuples, the hash, the
 * life of an nf_conn from its first packet to its destruction.
 *
 * Mirrors net/netfilter/nf_conntrack_core.c: nf_conntrack_in finds or creates the entry of a
 * packet (new ones wait, unconfirmed, until the packet is confirmed into the hash in both
 * directions), the trackers judge it, timeouts run on jiffies, early_drop makes room at
 * nf_conntrack_max, and the gc worker reaps expired entries a bounded amount at a time.
 * EMU: one CPU and no RCU: no locks, no clash with another CPU (the clash path stays for
 * packets confirmed out of order); the hash is per net with a fixed key; unconfirmed entries
 * sit on net->ct.unconfirmed; works (gc, ecache) run when their deadline passes on the
 * capture clock (nf_conntrack_run_timers).  Expectations and helpers: nf_conntrack_expect.c,
 * nf_conntrack_helper.c; init_conntrack consults them as Linux does.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/ip.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "kernel/slab.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "netstack/skbuff.h"

#define GC_SCAN_INTERVAL_MAX (60u * HZ)
#define GC_SCAN_INTERVAL_MIN (1u * HZ)
/* clamp timeouts to this value (TCP unacked) */
#define GC_SCAN_INTERVAL_CLAMP (300u * HZ)
/* Initial bias pretending we have 100 entries at the upper bound so we don't wake up often
 * just because we have three entries with a 1s timeout. */
#define GC_SCAN_INITIAL_COUNT 100
#define GC_SCAN_INTERVAL_INIT GC_SCAN_INTERVAL_MAX
#define GC_SCAN_MAX_DURATION msecs_to_jiffies(10)
#define GC_SCAN_EXPIRED_MAX (64000u / HZ)
/* EMU: the kernel bounds a gc pass by GC_SCAN_MAX_DURATION of CPU time; the capture clock does
 * not move during a pass, so a pass is bounded by buckets visited instead. */
#define NFEMU_GC_SCAN_MAX_BUCKETS 65536u

#define MIN_CHAINLEN 50u
#define MAX_CHAINLEN (80u - MIN_CHAINLEN)
/* EMU: Linux draws max_chainlen at random in [MIN_CHAINLEN, 80); nfemu takes the middle, so
 * the seeded randomness that rules see is not consumed by conntrack. */
#define NFEMU_MAX_CHAINLEN (MIN_CHAINLEN + MAX_CHAINLEN / 2)

#define NF_CT_EVICTION_RANGE 8

/* ------------------------------------------------------------------------------------------
 * Hashing
 */

/* EMU: Linux uses siphash with a boot-time random key; nfemu mixes the same fields (the tuple
 * without its direction, and the zone) with a fixed key so that runs are reproducible. */
static u32 hash_conntrack_raw(const struct nf_conntrack_tuple *tuple, unsigned int zoneid,
			      const struct net *net)
{
	u64 words[4] = {
		(u64)tuple->src.u3.all[0] << 32 | tuple->dst.u3.all[0],
		(u64)tuple->src.u3.all[1] << 32 | tuple->dst.u3.all[1] |
			((u64)(tuple->src.u3.all[2] ^ tuple->dst.u3.all[3]) << 16),
		(u64)tuple->src.u.all << 48 | (u64)tuple->dst.u.all << 32 |
			(u64)tuple->dst.protonum << 16 | tuple->src.l3num,
		(u64)zoneid << 32 | (tuple->src.u3.all[3] ^ tuple->dst.u3.all[2]),
	};
	u64 h = 0x736f6d6570736575ULL ^ net->ct.hash_rnd;

	for (unsigned int i = 0; i < ARRAY_SIZE(words); i++) {
		h ^= words[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (u32)h;
}

static u32 reciprocal_scale(u32 val, u32 ep_ro)
{
	return (u32)(((u64)val * ep_ro) >> 32);
}

static u32 scale_hash(const struct net *net, u32 hash)
{
	return reciprocal_scale(hash, net->ct.htable_size);
}

static u32 hash_conntrack(const struct net *net, const struct nf_conntrack_tuple *tuple,
			  unsigned int zoneid)
{
	return scale_hash(net, hash_conntrack_raw(tuple, zoneid, net));
}

u32 nfemu_ct_hash_bucket(const struct net *net, const struct nf_conntrack_tuple *tuple, u16 zoneid)
{
	return hash_conntrack(net, tuple, zoneid);
}

/* ------------------------------------------------------------------------------------------
 * Tuples
 */

static bool nf_ct_get_tuple_ports(const struct sk_buff *skb, unsigned int dataoff,
				  struct nf_conntrack_tuple *tuple)
{
	const __be16 *ports = skb_header_pointer(skb, (int)dataoff, 4, NULL);

	if (!ports)
		return false;
	tuple->src.u.udp.port = ports[0];
	tuple->dst.u.udp.port = ports[1];
	return true;
}

static bool nf_ct_get_tuple(const struct sk_buff *skb, unsigned int nhoff, unsigned int dataoff,
			    u16 l3num, u8 protonum, struct net *net,
			    struct nf_conntrack_tuple *tuple)
{
	const __be32 *ap;

	memset(tuple, 0, sizeof(*tuple));
	tuple->src.l3num = l3num;
	if (l3num != NFPROTO_IPV4)
		return true;
	ap = skb_header_pointer(skb, (int)(nhoff + offsetof(struct iphdr, saddr)), 8, NULL);
	if (!ap)
		return false;
	memcpy(&tuple->src.u3.ip, &ap[0], 4);
	memcpy(&tuple->dst.u3.ip, &ap[1], 4);
	tuple->dst.protonum = protonum;
	tuple->dst.dir = IP_CT_DIR_ORIGINAL;

	switch (protonum) {
	case IPPROTO_ICMP:
		return icmp_pkt_to_tuple(skb, dataoff, net, tuple);
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return nf_ct_get_tuple_ports(skb, dataoff, tuple);
	default:
		break;
	}
	return true;
}

/* The transport header's offset, or -1: conntrack defragments, but ICMP errors may still quote
 * a fragment. */
static int ipv4_get_l4proto(const struct sk_buff *skb, unsigned int nhoff, u8 *protonum)
{
	const struct iphdr *iph = skb_header_pointer(skb, (int)nhoff, sizeof(*iph), NULL);
	int dataoff;

	if (!iph)
		return -1;
	if (iph->frag_off & htons(IP_OFFSET))
		return -1;
	dataoff = (int)nhoff + (iph->ihl << 2);
	*protonum = iph->protocol;
	/* Check bogus IP headers */
	if ((unsigned int)dataoff > skb->len)
		return -1;
	return dataoff;
}

static int get_l4proto(const struct sk_buff *skb, unsigned int nhoff, u8 pf, u8 *l4num)
{
	if (pf == NFPROTO_IPV4)
		return ipv4_get_l4proto(skb, nhoff, l4num);
	*l4num = 0;
	return -1;
}

bool nf_ct_get_tuplepr(const struct sk_buff *skb, unsigned int nhoff, u16 l3num, struct net *net,
		       struct nf_conntrack_tuple *tuple)
{
	u8 protonum;
	int protoff;

	protoff = get_l4proto(skb, nhoff, (u8)l3num, &protonum);
	if (protoff <= 0)
		return false;
	return nf_ct_get_tuple(skb, nhoff, (unsigned int)protoff, l3num, protonum, net, tuple);
}

bool nf_ct_invert_tuple(struct nf_conntrack_tuple *inverse, const struct nf_conntrack_tuple *orig)
{
	memset(inverse, 0, sizeof(*inverse));
	inverse->src.l3num = orig->src.l3num;
	inverse->src.u3 = orig->dst.u3;
	inverse->dst.u3 = orig->src.u3;
	inverse->dst.dir = !orig->dst.dir;
	inverse->dst.protonum = orig->dst.protonum;
	if (orig->dst.protonum == IPPROTO_ICMP)
		return nf_conntrack_invert_icmp_tuple(inverse, orig);
	inverse->src.u.all = orig->dst.u.all;
	inverse->dst.u.all = orig->src.u.all;
	return true;
}

/* ------------------------------------------------------------------------------------------
 * Extensions
 */

static const size_t nf_ct_ext_size[NF_CT_EXT_NUM] = {
	[NF_CT_EXT_HELPER] = sizeof(struct nf_conn_help),
	[NF_CT_EXT_ACCT] = sizeof(struct nf_conn_acct),
	[NF_CT_EXT_ECACHE] = sizeof(struct nf_conntrack_ecache),
	[NF_CT_EXT_TSTAMP] = sizeof(struct nf_conn_tstamp),
	[NF_CT_EXT_TIMEOUT] = sizeof(struct nf_conn_timeout),
	[NF_CT_EXT_LABELS] = sizeof(struct nf_conn_labels),
	[NF_CT_EXT_NAT] = sizeof(struct nf_conn_nat),
	[NF_CT_EXT_SEQADJ] = sizeof(struct nf_conn_seqadj),
};

#define NF_CT_EXT_ALIGN 8

void *nf_ct_ext_find(const struct nf_conn *ct, enum nf_ct_ext_id id)
{
	if (!nf_ct_ext_exist(ct, id))
		return NULL;
	return (char *)ct->ext + ct->ext->offset[id];
}

/* nf_ct_ext_add(): grow the area by the extension's (aligned) size.  EMU: realloc may move
 * the area; the helper's expectation list head is the one pointer into it (Linux's is an
 * hlist that is still empty here: extensions are only added before confirmation). */
void *nf_ct_ext_add(struct nf_conn *ct, enum nf_ct_ext_id id)
{
	struct nf_ct_ext *old = ct->ext, *new;
	unsigned int oldlen, newoff, newlen;
	struct list_head *oldexp = NULL;

	/* Conntrack must not be confirmed to avoid races on reallocation. */
	if (nf_ct_is_confirmed(ct) || id >= NF_CT_EXT_NUM || !nf_ct_ext_size[id])
		return NULL;
	if (nf_ct_ext_exist(ct, id))
		return NULL;
	oldlen = old ? old->len : sizeof(struct nf_ct_ext);
	newoff = (oldlen + NF_CT_EXT_ALIGN - 1) & ~(NF_CT_EXT_ALIGN - 1u);
	newlen = newoff + (unsigned int)nf_ct_ext_size[id];
	if (newoff > 255)
		return NULL;    /* u8 offsets: every extension at once fits well below */
	if (old && old->offset[NF_CT_EXT_HELPER])
		oldexp = &((struct nf_conn_help *)((char *)old + old->offset[NF_CT_EXT_HELPER]))->expectations;
	new = realloc(old, newlen);
	if (!new)
		return NULL;
	if (!old)
		memset(new, 0, sizeof(*new));
	if (oldexp && (struct nf_ct_ext *)new != old) {
		struct list_head *h = &((struct nf_conn_help *)((char *)new +
							    new->offset[NF_CT_EXT_HELPER]))->expectations;

		if (h->next == oldexp) {
			INIT_LIST_HEAD(h);
		} else {
			h->next->prev = h;
			h->prev->next = h;
		}
	}
	memset((char *)new + newoff, 0, newlen - newoff);
	new->offset[id] = (u8)newoff;
	new->len = (u16)newlen;
	ct->ext = new;
	if (id == NF_CT_EXT_HELPER)
		INIT_LIST_HEAD(&((struct nf_conn_help *)((char *)new + newoff))->expectations);
	return (char *)new + newoff;
}

/* nf_conntrack_acct.c / nf_conntrack_timestamp.c: the extensions the sysctls ask for. */
bool nf_ct_acct_enabled(const struct net *net)
{
	return nf_ct_sysctl(net)->acct || net->ct.acct_forced;
}

void nf_ct_set_acct(struct net *net, bool enable)
{
	if (net->ipv4.ready)
		net->ipv4.nf_ct.acct = enable;
	net->ct.acct_forced = enable;
}

static void nf_ct_acct_ext_add(struct nf_conn *ct)
{
	if (nf_ct_acct_enabled(nf_ct_net(ct)))
		nf_ct_ext_add(ct, NF_CT_EXT_ACCT);
}

static void nf_ct_tstamp_ext_add(struct nf_conn *ct)
{
	if (nf_ct_sysctl(nf_ct_net(ct))->timestamp)
		nf_ct_ext_add(ct, NF_CT_EXT_TSTAMP);
}

static void nf_ct_acct_update(struct nf_conn *ct, u32 dir, unsigned int bytes)
{
	struct nf_conn_acct *acct = nf_conn_acct_find(ct);

	if (acct) {
		acct->counter[dir].packets++;
		acct->counter[dir].bytes += bytes;
	}
}

/* ------------------------------------------------------------------------------------------
 * Allocation and destruction
 */

static void nf_conntrack_set_closing(struct nf_conntrack *nfct)
{
	struct nf_conn *ct = nf_ct_to_nf_conn(nfct);

	if (nf_ct_protonum(ct) == IPPROTO_TCP)
		nf_conntrack_tcp_set_closing(ct);
}

static const struct nf_ct_hook nf_conntrack_hook = {
	.destroy = nf_ct_destroy,
	.set_closing = nf_conntrack_set_closing,
};

/* The kernel log line nf_conntrack prints when the table is full, net_ratelimit()ed (10 per
 * 5 s).  EMU: the ratelimit state is per net. */
static void nf_ct_table_full_warn(struct net *net)
{
	u32 now = nfct_time_stamp(net);

	if (!net->ct.warn_begin || (s32)(now - net->ct.warn_begin) >= (s32)(5 * HZ)) {
		net->ct.warn_begin = now ? now : 1;
		net->ct.warn_printed = 0;
	}
	if (net->ct.warn_printed++ < 10)
		pr_warn(net, "nf_conntrack: nf_conntrack: table full, dropping packet");
}

static bool early_drop(struct net *net, unsigned int hash);

/* nf_conntrack_cachep: the entries' cache (EMU: one for the process, as Linux's is global). */
static struct kmem_cache nf_conntrack_cachep = KMEM_CACHE_INIT(struct nf_conn, 4096);

void nf_conntrack_cache_shrink(void)
{
	kmem_cache_shrink(&nf_conntrack_cachep);
}

static struct nf_conn *__nf_conntrack_alloc(struct net *net, const struct nf_conntrack_zone *zone,
					    const struct nf_conntrack_tuple *orig,
					    const struct nf_conntrack_tuple *repl, u32 hash)
{
	unsigned int max = (unsigned int)nf_ct_sysctl(net)->max;
	unsigned int ct_count;
	struct nf_conn *ct;

	/* We don't want any race condition at early drop stage */
	ct_count = ++net->ct.count;
	if (max && ct_count > max) {
		if (!early_drop(net, hash)) {
			net->ct.gc_work.early_drop = true;
			net->ct.count--;
			nf_ct_table_full_warn(net);
			return ERR_PTR(-ENOMEM);
		}
	}
	ct = kmem_cache_zalloc(&nf_conntrack_cachep);
	if (!ct) {
		net->ct.count--;
		return ERR_PTR(-ENOMEM);
	}
	ct->ct_general.hook = &nf_conntrack_hook;
	ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple = *orig;
	ct->tuplehash[IP_CT_DIR_REPLY].tuple = *repl;
	INIT_HLIST_NODE(&ct->tuplehash[IP_CT_DIR_ORIGINAL].hnnode);
	INIT_HLIST_NODE(&ct->tuplehash[IP_CT_DIR_REPLY].hnnode);
	INIT_LIST_HEAD(&ct->emu_list);
	INIT_HLIST_NODE(&ct->nat_bysource);
	/* save hash for reusing when confirming */
	ct->emu_hash = hash;
	ct->ct_net = net;
	nf_ct_zone_add(ct, zone);
	/* no list holds it yet: use stays 0 until a packet takes it */
	ct->ct_general.use = 0;
	return ct;
}

struct nf_conn *nf_conntrack_alloc(struct net *net, const struct nf_conntrack_zone *zone,
				   const struct nf_conntrack_tuple *orig,
				   const struct nf_conntrack_tuple *repl)
{
	return __nf_conntrack_alloc(net, zone, orig, repl, 0);
}

void nf_conntrack_free(struct nf_conn *ct)
{
	struct net *net = nf_ct_net(ct);

	nf_ct_observe(ct, NULL, NFEMU_CT_FREED, NULL, 0, 0);
	/* a source binding leaves NAT's bysource hash with the entry */
	if ((ct->status & IPS_SRC_NAT_DONE) && net->nf.nat_hook)
		net->nf.nat_hook->remove_nat_bysrc(ct);
	/* EMU: off the unconfirmed (or dying) list */
	if (!list_empty(&ct->emu_list))
		list_del_init(&ct->emu_list);
	free(ct->ext);
	kmem_cache_free(&nf_conntrack_cachep, ct);
	net->ct.count--;
}

struct nf_conn *nf_ct_tmpl_alloc(struct net *net, const struct nf_conntrack_zone *zone)
{
	struct nf_conn *tmpl = calloc(1, sizeof(*tmpl));

	if (!tmpl)
		return NULL;
	tmpl->status = IPS_TEMPLATE;
	tmpl->ct_net = net;
	tmpl->ct_general.hook = &nf_conntrack_hook;
	INIT_LIST_HEAD(&tmpl->emu_list);
	nf_ct_zone_add(tmpl, zone ? zone : &nf_ct_zone_dflt);
	tmpl->ct_general.use = 1;
	return tmpl;
}

void nf_ct_tmpl_free(struct nf_conn *tmpl)
{
	free(tmpl->ext);
	free(tmpl);
}

void nf_ct_destroy(struct nf_conntrack *nfct)
{
	struct nf_conn *ct = nf_ct_to_nf_conn(nfct);

	if (nf_ct_is_template(ct)) {
		nf_ct_tmpl_free(ct);
		return;
	}
	/* Expectations will have been removed in clean_from_lists, except TFTP can create an
	 * expectation on the first packet, before connection is in the list, so we need to
	 * clean here, too. */
	nf_ct_remove_expectations(ct);
	if (ct->master)
		nf_ct_put(ct->master);
	nf_conntrack_free(ct);
}

/* ------------------------------------------------------------------------------------------
 * The lists
 */

static void __nf_ct_delete_from_lists(struct nf_conn *ct)
{
	/* clean_from_lists() */
	hlist_del_init(&ct->tuplehash[IP_CT_DIR_ORIGINAL].hnnode);
	hlist_del_init(&ct->tuplehash[IP_CT_DIR_REPLY].hnnode);
	/* Destroy all pending expectations */
	nf_ct_remove_expectations(ct);
	/* EMU: an unconfirmed entry is on net->ct.unconfirmed */
	if (!list_empty(&ct->emu_list))
		list_del_init(&ct->emu_list);
}

static void nf_ct_add_to_ecache_list(struct nf_conn *ct)
{
	list_add(&ct->emu_list, &nf_ct_net(ct)->ct.dying);
}

bool nf_ct_delete(struct nf_conn *ct, u32 portid, int report)
{
	struct nf_conn_tstamp *tstamp;
	struct net *net = nf_ct_net(ct);
	const char *why = net->ct.emu_destroy_why ? net->ct.emu_destroy_why : "deleted";

	if (nf_ct_is_dying(ct))
		return false;
	ct->status |= IPS_DYING;

	tstamp = nf_conn_tstamp_find(ct);
	if (tstamp) {
		s32 timeout = (s32)(ct->timeout - nfct_time_stamp(net));

		tstamp->stop = ktime_get_real_ns(net);
		if (timeout < 0)
			tstamp->stop -= (u64)(-timeout) * (NSEC_PER_SEC / HZ);
	}

	if (nf_conntrack_event_report(IPCT_DESTROY, ct, portid, report) < 0) {
		/* destroy event was not delivered. nf_ct_put will be done by event cache worker
		 * on redelivery. */
		nf_ct_helper_destroy(ct);
		__nf_ct_delete_from_lists(ct);
		nf_ct_add_to_ecache_list(ct);
		nf_ct_observe(ct, NULL, NFEMU_CT_DESTROY_DYING, why, 0, 0);
		nf_conntrack_ecache_work(net, NFCT_ECACHE_DESTROY_FAIL);
		return false;
	}
	if (net->ct.ecache_dwork_pending)
		nf_conntrack_ecache_work(net, NFCT_ECACHE_DESTROY_SENT);
	nf_ct_helper_destroy(ct);       /* nf_ct_delete_from_lists() */
	__nf_ct_delete_from_lists(ct);
	nf_ct_observe(ct, NULL, NFEMU_CT_DESTROY, why, 0, 0);
	nf_ct_put(ct);
	return true;
}

/* Delete under a cause the observer is told about. */
static bool nf_ct_delete_why(struct nf_conn *ct, const char *why)
{
	struct net *net = nf_ct_net(ct);
	const char *old = net->ct.emu_destroy_why;
	bool ret;

	net->ct.emu_destroy_why = why;
	ret = nf_ct_delete(ct, 0, 0);
	net->ct.emu_destroy_why = old;
	return ret;
}

static void nf_ct_gc_expired(struct nf_conn *ct)
{
	nf_conntrack_get(&ct->ct_general);
	if (nf_ct_should_gc(ct))
		nf_ct_delete_why(ct, "timeout");
	nf_ct_put(ct);
}

static bool nf_ct_key_equal(const struct nf_conntrack_tuple_hash *h,
			    const struct nf_conntrack_tuple *tuple,
			    const struct nf_conntrack_zone *zone, const struct net *net)
{
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	/* A conntrack can be recreated with the equal tuple, so we need to check that the
	 * conntrack is confirmed. */
	return nf_ct_tuple_equal(tuple, &h->tuple) && nf_ct_zone_equal(ct, zone, NF_CT_DIRECTION(h)) &&
	       nf_ct_is_confirmed(ct) && nf_ct_net(ct) == net;
}

static bool nf_ct_match(const struct nf_conn *ct1, const struct nf_conn *ct2)
{
	return nf_ct_tuple_equal(&ct1->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
				 &ct2->tuplehash[IP_CT_DIR_ORIGINAL].tuple) &&
	       nf_ct_tuple_equal(&ct1->tuplehash[IP_CT_DIR_REPLY].tuple,
				 &ct2->tuplehash[IP_CT_DIR_REPLY].tuple) &&
	       nf_ct_zone_equal(ct1, nf_ct_zone(ct2), IP_CT_DIR_ORIGINAL) &&
	       nf_ct_zone_equal(ct1, nf_ct_zone(ct2), IP_CT_DIR_REPLY) &&
	       nf_ct_net(ct1) == nf_ct_net(ct2);
}

/* The next node of a chain that does not belong to ct, whose nodes are about to be unlinked
 * (EMU: Linux's RCU walk may step on a node being removed; a plain list may not). */
static struct hlist_node *nf_ct_next_not_of(struct hlist_node *n, const struct nf_conn *ct)
{
	while (n && nf_ct_tuplehash_to_ctrack(hlist_entry(n, struct nf_conntrack_tuple_hash,
							  hnnode)) == ct)
		n = n->next;
	return n;
}

#define for_each_tuplehash_safe(h, node, nxt, head)                                             \
	for (node = (head)->first;                                                               \
	     node && ((nxt = node->next), (h = hlist_entry(node, struct nf_conntrack_tuple_hash,  \
							    hnnode)), 1);                            \
	     node = nxt)

static struct nf_conntrack_tuple_hash *____nf_conntrack_find(struct net *net,
							     const struct nf_conntrack_zone *zone,
							     const struct nf_conntrack_tuple *tuple,
							     u32 hash)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_node *node, *nxt;
	unsigned int bucket = reciprocal_scale(hash, net->ct.htable_size);

	for_each_tuplehash_safe(h, node, nxt, &net->ct.hash[bucket]) {
		struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

		if (nf_ct_is_expired(ct)) {
			nxt = nf_ct_next_not_of(nxt, ct);
			nf_ct_gc_expired(ct);
			continue;
		}
		if (nf_ct_key_equal(h, tuple, zone, net))
			return h;
	}
	return NULL;
}

/* Find a connection corresponding to a tuple; takes a reference. */
static struct nf_conntrack_tuple_hash *__nf_conntrack_find_get(struct net *net,
							       const struct nf_conntrack_zone *zone,
							       const struct nf_conntrack_tuple *tuple,
							       u32 hash)
{
	struct nf_conntrack_tuple_hash *h = ____nf_conntrack_find(net, zone, tuple, hash);

	if (h) {
		nf_conntrack_get(&nf_ct_tuplehash_to_ctrack(h)->ct_general);
		net->ct.stat.found++;
	}
	return h;
}

struct nf_conntrack_tuple_hash *nf_conntrack_find_get(struct net *net,
						      const struct nf_conntrack_zone *zone,
						      const struct nf_conntrack_tuple *tuple)
{
	unsigned int rid, zone_id = nf_ct_zone_id(zone, IP_CT_DIR_ORIGINAL);
	struct nf_conntrack_tuple_hash *thash;

	if (!net->ct.ready)
		return NULL;
	thash = __nf_conntrack_find_get(net, zone, tuple, hash_conntrack_raw(tuple, zone_id, net));
	if (thash)
		return thash;
	rid = nf_ct_zone_id(zone, IP_CT_DIR_REPLY);
	if (rid != zone_id)
		thash = __nf_conntrack_find_get(net, zone, tuple, hash_conntrack_raw(tuple, rid, net));
	return thash;
}

static void __nf_conntrack_hash_insert(struct nf_conn *ct, unsigned int hash,
				       unsigned int reply_hash)
{
	struct net *net = nf_ct_net(ct);

	hlist_add_head(&ct->tuplehash[IP_CT_DIR_ORIGINAL].hnnode, &net->ct.hash[hash]);
	hlist_add_head(&ct->tuplehash[IP_CT_DIR_REPLY].hnnode, &net->ct.hash[reply_hash]);
}

/* Insert an entry made outside the packet path (ctnetlink; EMU: the state file). */
int nf_conntrack_hash_check_insert(struct nf_conn *ct)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);
	struct net *net = nf_ct_net(ct);
	struct nf_conntrack_tuple_hash *h;
	unsigned int hash, reply_hash, chainlen = 0;

	hash = hash_conntrack(net, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			      nf_ct_zone_id(zone, IP_CT_DIR_ORIGINAL));
	reply_hash = hash_conntrack(net, &ct->tuplehash[IP_CT_DIR_REPLY].tuple,
				    nf_ct_zone_id(zone, IP_CT_DIR_REPLY));
	/* See if there's one in the list already, including reverse */
	hlist_for_each_entry(h, &net->ct.hash[hash], hnnode) {
		if (nf_ct_key_equal(h, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, zone, net))
			return -EEXIST;
		if (chainlen++ > NFEMU_MAX_CHAINLEN)
			goto chaintoolong;
	}
	chainlen = 0;
	hlist_for_each_entry(h, &net->ct.hash[reply_hash], hnnode) {
		if (nf_ct_key_equal(h, &ct->tuplehash[IP_CT_DIR_REPLY].tuple, zone, net))
			return -EEXIST;
		if (chainlen++ > NFEMU_MAX_CHAINLEN)
			goto chaintoolong;
	}
	/* The caller holds a reference to this object */
	ct->ct_general.use = 2;
	__nf_conntrack_hash_insert(ct, hash, reply_hash);
	net->ct.stat.insert++;
	return 0;
chaintoolong:
	net->ct.stat.chaintoolong++;
	return -ENOSPC;
}

/* ------------------------------------------------------------------------------------------
 * Confirmation
 */

static void nf_ct_acct_merge(struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			     const struct nf_conn *loser_ct)
{
	struct nf_conn_acct *acct = nf_conn_acct_find(loser_ct);

	if (acct) {
		/* u32 should be fine since we must have seen one packet. */
		unsigned int bytes = (unsigned int)acct->counter[CTINFO2DIR(ctinfo)].bytes;

		nf_ct_acct_update(ct, CTINFO2DIR(ctinfo), bytes);
	}
}

static bool nf_ct_match_reverse(const struct nf_conn *ct1, const struct nf_conn *ct2)
{
	if (!nf_ct_tuple_equal(&ct1->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       &ct2->tuplehash[IP_CT_DIR_REPLY].tuple) ||
	    !nf_ct_tuple_equal(&ct1->tuplehash[IP_CT_DIR_REPLY].tuple,
			       &ct2->tuplehash[IP_CT_DIR_ORIGINAL].tuple))
		return false;
	return nf_ct_zone_id(nf_ct_zone(ct1), IP_CT_DIR_ORIGINAL) ==
		       nf_ct_zone_id(nf_ct_zone(ct2), IP_CT_DIR_REPLY) &&
	       nf_ct_zone_id(nf_ct_zone(ct1), IP_CT_DIR_REPLY) ==
		       nf_ct_zone_id(nf_ct_zone(ct2), IP_CT_DIR_ORIGINAL);
}

/* The packet's new entry lost to one already in the hash for the same flow: use that one. */
static int __nf_ct_resolve_clash(struct sk_buff *skb, struct nf_conntrack_tuple_hash *h)
{
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *loser_ct = nf_ct_get(skb, &ctinfo);

	if (nf_ct_match(ct, loser_ct) || nf_ct_match_reverse(ct, loser_ct)) {
		nf_conntrack_get(&ct->ct_general);
		nf_ct_acct_merge(ct, ctinfo, loser_ct);
		nf_ct_put(loser_ct);
		nf_ct_set(skb, ct, ctinfo);
		nf_ct_net(ct)->ct.stat.clash_resolve++;
		return NF_ACCEPT;
	}
	return NF_DROP;
}

/* EMU: nf_ct_resolve_clash_harder (inserting the loser with only its reply tuple, for NAT'd
 * UDP) is left out; the clash is dropped as when the protocol does not allow clashes. */
static int nf_ct_resolve_clash(struct sk_buff *skb, struct nf_conntrack_tuple_hash *h)
{
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);
	struct net *net = nf_ct_net(ct);

	if (nf_ct_l4proto_find(nf_ct_protonum(ct))->allow_clash &&
	    __nf_ct_resolve_clash(skb, h) == NF_ACCEPT)
		return NF_ACCEPT;
	net->ct.stat.drop++;
	net->ct.stat.insert_failed++;
	return NF_DROP;
}

/* Confirm a connection given skb; places it in hash table. */
int __nf_conntrack_confirm(struct sk_buff *skb)
{
	unsigned int chainlen = 0, hash, reply_hash;
	const struct nf_conntrack_zone *zone;
	struct nf_conntrack_tuple_hash *h;
	enum ip_conntrack_info ctinfo;
	struct nf_conn_help *help;
	struct nf_conn *ct;
	struct net *net;

	ct = nf_ct_get(skb, &ctinfo);
	net = nf_ct_net(ct);

	/* ipt_REJECT uses nf_conntrack_attach to attach related ICMP/TCP RST packets in other
	 * direction.  Actual packet which created connection will be IP_CT_NEW or for an
	 * expected connection, IP_CT_RELATED. */
	if (CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
		return NF_ACCEPT;

	zone = nf_ct_zone(ct);
	/* reuse the hash saved before */
	hash = scale_hash(net, ct->emu_hash);
	reply_hash = hash_conntrack(net, &ct->tuplehash[IP_CT_DIR_REPLY].tuple,
				    nf_ct_zone_id(zone, IP_CT_DIR_REPLY));

	/* Another skb with the same unconfirmed conntrack may win the race. */
	if (nf_ct_is_confirmed(ct))
		return NF_DROP;

	/* We have to check the DYING flag after unlink to prevent a race against
	 * nf_ct_get_next_corpse() possibly called from user context, else we insert an
	 * already 'dead' hash, blocking further use of that particular connection. */
	if (nf_ct_is_dying(ct)) {
		net->ct.stat.insert_failed++;
		return NF_DROP;
	}

	/* See if there's one in the list already, including reverse: NAT could have grabbed
	 * it without realizing, since we're not in the hash.  If there is, we lost race. */
	hlist_for_each_entry(h, &net->ct.hash[hash], hnnode) {
		if (nf_ct_key_equal(h, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, zone, net))
			return nf_ct_resolve_clash(skb, h);
		if (chainlen++ > NFEMU_MAX_CHAINLEN)
			goto chaintoolong;
	}
	chainlen = 0;
	hlist_for_each_entry(h, &net->ct.hash[reply_hash], hnnode) {
		if (nf_ct_key_equal(h, &ct->tuplehash[IP_CT_DIR_REPLY].tuple, zone, net))
			return nf_ct_resolve_clash(skb, h);
		if (chainlen++ > NFEMU_MAX_CHAINLEN)
			goto chaintoolong;
	}

	/* Timeout is relative to confirmation time, not original setting time, otherwise we'd
	 * get timer wrap in weird delay cases. */
	ct->timeout += nfct_time_stamp(net);

	/* __nf_conntrack_insert_prepare(): the hash's reference, the start timestamp */
	nf_conntrack_get(&ct->ct_general);
	{
		struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);

		if (tstamp)
			tstamp->start = ktime_get_real_ns(net);
	}
	list_del_init(&ct->emu_list);   /* EMU: off the unconfirmed list */
	__nf_conntrack_hash_insert(ct, hash, reply_hash);
	ct->status |= IPS_CONFIRMED;
	net->ct.stat.insert++;

	help = nfct_help(ct);
	if (help && help->helper)
		nf_conntrack_event_cache(IPCT_HELPER, ct);
	nf_conntrack_event_cache(master_ct(ct) ? IPCT_RELATED : IPCT_NEW, ct);
	return NF_ACCEPT;

chaintoolong:
	net->ct.stat.chaintoolong++;
	net->ct.stat.insert_failed++;
	return NF_DROP;
}

int nf_conntrack_confirm(struct sk_buff *skb)
{
	struct nf_conn *ct = (struct nf_conn *)skb_nfct(skb);
	int ret = NF_ACCEPT;

	if (ct) {
		if (!nf_ct_is_confirmed(ct)) {
			ret = __nf_conntrack_confirm(skb);
			if (ret == NF_ACCEPT)
				ct = (struct nf_conn *)skb_nfct(skb);
		}
		if (ret == NF_ACCEPT && nf_ct_ecache_exist(ct))
			nf_ct_deliver_cached_events(ct);
		if (ret == NF_ACCEPT)
			nf_ct_observe_events(ct, skb);
		else
			nf_ct_observe(ct, skb, NFEMU_CT_NOT_CONFIRMED, NULL, 0, 0);
	}
	return ret;
}

/* NAT rewrote what the replies will look like: the entry is not in the hash yet, so only its
 * reply tuple changes.  A helper is looked for again (the kernel's "Now, a helper may want
 * the new tuple" hook): EMU, as in 6.x, only templates assign helpers, so with no template
 * this changes nothing. */
void nf_conntrack_alter_reply(struct nf_conn *ct, const struct nf_conntrack_tuple *newreply)
{
	struct nf_conn_help *help = nfct_help(ct);

	/* Should be unconfirmed, so not in hash table yet */
	if (nf_ct_is_confirmed(ct))
		return;
	ct->tuplehash[IP_CT_DIR_REPLY].tuple = *newreply;
	if (ct->master || (help && !list_empty(&help->expectations)))
		return;
	__nf_ct_try_assign_helper(ct, NULL);
}

/* Is this tuple taken?  (ignoring any belonging to the given conntrack; for NAT) */
int nf_conntrack_tuple_taken(const struct nf_conntrack_tuple *tuple,
			     const struct nf_conn *ignored_conntrack)
{
	struct net *net = nf_ct_net(ignored_conntrack);
	const struct nf_conntrack_zone *zone = nf_ct_zone(ignored_conntrack);
	struct nf_conntrack_tuple_hash *h;
	struct hlist_node *node, *nxt;
	unsigned int hash;

	hash = hash_conntrack(net, tuple, nf_ct_zone_id(zone, IP_CT_DIR_REPLY));
	for_each_tuplehash_safe(h, node, nxt, &net->ct.hash[hash]) {
		struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

		if (ct == ignored_conntrack)
			continue;
		if (nf_ct_is_expired(ct)) {
			nxt = nf_ct_next_not_of(nxt, ct);
			nf_ct_gc_expired(ct);
			continue;
		}
		if (nf_ct_key_equal(h, tuple, zone, net)) {
			/* Only exception: the original tuples are identical, the same flow;
			 * nf_ct_resolve_clash() deals with it later. */
			if (nf_ct_tuple_equal(&ignored_conntrack->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
					      &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple) &&
			    nf_ct_zone_equal(ct, zone, IP_CT_DIR_ORIGINAL))
				continue;
			net->ct.stat.found++;
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * Early drop and the gc worker
 */

/* Drop every unassured entry of one bucket.  There's a small race here where we may free a
 * just-assured connection; too bad: we're in trouble anyway. */
static unsigned int early_drop_list(struct net *net, struct hlist_head *head)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_node *node, *nxt;
	unsigned int drops = 0;

	for_each_tuplehash_safe(h, node, nxt, head) {
		struct nf_conn *tmp = nf_ct_tuplehash_to_ctrack(h);

		if (nf_ct_is_expired(tmp)) {
			nxt = nf_ct_next_not_of(nxt, tmp);
			nf_ct_gc_expired(tmp);
			continue;
		}
		if ((tmp->status & IPS_ASSURED) || nf_ct_net(tmp) != net || nf_ct_is_dying(tmp))
			continue;
		nf_conntrack_get(&tmp->ct_general);
		nxt = nf_ct_next_not_of(nxt, tmp);
		if (nf_ct_is_confirmed(tmp) && nf_ct_delete_why(tmp, "early drop"))
			drops++;
		nf_ct_put(tmp);
	}
	return drops;
}

static bool early_drop(struct net *net, unsigned int hash)
{
	unsigned int i, bucket = 0, hsize = net->ct.htable_size;

	for (i = 0; i < NF_CT_EVICTION_RANGE; i++) {
		unsigned int drops;

		if (!i)
			bucket = reciprocal_scale(hash, hsize);
		else
			bucket = (bucket + 1) % hsize;
		drops = early_drop_list(net, &net->ct.hash[bucket]);
		if (drops) {
			net->ct.stat.early_drop += drops;
			return true;
		}
	}
	return false;
}

/* Reap the expired expectations of an entry with a helper. */
static void nf_ct_help_gc(struct nf_conn *ct)
{
	struct nf_conn_help *help;

	if (ct->ct_general.use == 0)
		return;
	nf_conntrack_get(&ct->ct_general);
	if (!nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct)) {
		nf_ct_put(ct);
		return;
	}
	if (ct->status & IPS_HELPER) {
		help = nfct_help(ct);
		if (help)
			nf_ct_expectation_gc(help);
	}
	nf_ct_put(ct);
}

static bool gc_worker_skip_ct(const struct nf_conn *ct)
{
	return !nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct);
}

static bool gc_worker_can_early_drop(const struct nf_conn *ct)
{
	const struct nf_conntrack_l4proto *l4proto;

	if (!(ct->status & IPS_ASSURED))
		return true;
	l4proto = nf_ct_l4proto_find(nf_ct_protonum(ct));
	return l4proto->can_early_drop && l4proto->can_early_drop(ct);
}

static u32 clamp_u32(long v, u32 lo, u32 hi)
{
	return v < (long)lo ? lo : v > (long)hi ? hi : (u32)v;
}

static void gc_worker_queue(struct net *net, unsigned long delay)
{
	net->ct.gc_work.queued = true;
	net->ct.gc_work.when = nfct_time_stamp(net) + (u32)delay;
}

/* One run of the gc worker: walk buckets from where the last run stopped, reap expired entries
 * (at most GC_SCAN_EXPIRED_MAX), early-drop when the table was full, and requeue itself after
 * an interval learnt from the timeouts it saw. */
static void gc_worker(struct net *net)
{
	struct conntrack_gc_work *gc_work = &net->ct.gc_work;
	unsigned int i, hashsz, nf_conntrack_max95 = 0, max = (unsigned int)nf_ct_sysctl(net)->max;
	u32 start_time = nfct_time_stamp(net), scanned = 0;
	unsigned int expired_count = 0;
	unsigned long next_run;
	s32 delta_time;
	long count;

	gc_work->queued = false;
	i = gc_work->next_bucket;
	if (gc_work->early_drop)
		nf_conntrack_max95 = max / 100u * 95u;
	if (i == 0) {
		gc_work->avg_timeout = GC_SCAN_INTERVAL_INIT;
		gc_work->count = GC_SCAN_INITIAL_COUNT;
		gc_work->start_time = start_time;
	}
	next_run = gc_work->avg_timeout;
	count = gc_work->count;

	do {
		struct nf_conntrack_tuple_hash *h;
		struct hlist_node *node, *nxt;

		hashsz = net->ct.htable_size;
		if (i >= hashsz)
			break;
		for_each_tuplehash_safe(h, node, nxt, &net->ct.hash[i]) {
			struct nf_conn *tmp = nf_ct_tuplehash_to_ctrack(h);
			long expires;

			if (expired_count > GC_SCAN_EXPIRED_MAX) {
				gc_work->next_bucket = i;
				gc_work->avg_timeout = (u32)next_run;
				gc_work->count = (u32)count;
				delta_time = (s32)(nfct_time_stamp(net) - gc_work->start_time);
				/* re-sched immediately if total cycle time is exceeded */
				next_run = delta_time < (s32)GC_SCAN_INTERVAL_MAX;
				goto early_exit;
			}
			if (nf_ct_is_expired(tmp)) {
				nxt = nf_ct_next_not_of(nxt, tmp);
				nf_ct_gc_expired(tmp);
				expired_count++;
				continue;
			}
			expires = clamp_u32((long)nf_ct_expires(tmp), GC_SCAN_INTERVAL_MIN,
					    GC_SCAN_INTERVAL_CLAMP);
			expires = (expires - (long)next_run) / ++count;
			next_run += (unsigned long)expires;

			if (gc_worker_skip_ct(tmp))
				continue;
			nf_ct_help_gc(tmp);
			if (nf_conntrack_max95 == 0)
				continue;
			if (net->ct.count < nf_conntrack_max95)
				continue;
			nf_conntrack_get(&tmp->ct_general);
			if (!gc_worker_skip_ct(tmp) && gc_worker_can_early_drop(tmp)) {
				nxt = nf_ct_next_not_of(nxt, tmp);
				nf_ct_delete_why(tmp, "early drop (gc)");
				expired_count++;
			}
			nf_ct_put(tmp);
		}
		i++;
		if (++scanned >= NFEMU_GC_SCAN_MAX_BUCKETS && i < hashsz) {
			gc_work->avg_timeout = (u32)next_run;
			gc_work->count = (u32)count;
			gc_work->next_bucket = i;
			next_run = 0;
			goto early_exit;
		}
	} while (i < hashsz);

	gc_work->next_bucket = 0;
	next_run = clamp_u32((long)next_run, GC_SCAN_INTERVAL_MIN, GC_SCAN_INTERVAL_MAX);
	delta_time = (s32)(nfct_time_stamp(net) - gc_work->start_time);
	if (delta_time < 1)
		delta_time = 1;
	if (next_run > (unsigned long)delta_time)
		next_run -= (unsigned long)delta_time;
	else
		next_run = 1;

early_exit:
	if (next_run)
		gc_work->early_drop = false;
	gc_worker_queue(net, next_run);
}

void nf_conntrack_run_timers(struct net *net)
{
	if (!net->ct.ready)
		return;
	if (net->ct.gc_work.queued && (s32)(nfct_time_stamp(net) - net->ct.gc_work.when) >= 0)
		gc_worker(net);
	nf_conntrack_ecache_run(net);
}

void nf_conntrack_gc(struct net *net)
{
	if (!net->ct.ready)
		return;
	do
		gc_worker(net);
	while (net->ct.gc_work.next_bucket != 0);
	nf_conntrack_ecache_run(net);
}

/* ------------------------------------------------------------------------------------------
 * The packet path
 */

/* Allocate a new conntrack: ERR_PTR(-ENOMEM) if classification failed due to stress,
 * NULL if the packet really is unclassifiable. */
static struct nf_conntrack_tuple_hash *init_conntrack(struct net *net, struct nf_conn *tmpl,
						      const struct nf_conntrack_tuple *tuple,
						      struct sk_buff *skb, u32 hash)
{
	struct nf_conntrack_expect *exp = NULL;
	struct nf_conntrack_tuple repl_tuple;
	struct nf_conntrack_ecache *ecache;
	const struct nf_conntrack_zone *zone;
	struct nf_conn_timeout *timeout_ext;
	struct nf_conntrack_zone tmp;
	struct nf_conn *ct;

	if (!nf_ct_invert_tuple(&repl_tuple, tuple))
		return NULL;

	zone = nf_ct_zone_tmpl(tmpl, skb, &tmp);
	ct = __nf_conntrack_alloc(net, zone, tuple, &repl_tuple, hash);
	if (IS_ERR(ct))
		return (struct nf_conntrack_tuple_hash *)ct;

	timeout_ext = tmpl ? nf_ct_ext_find(tmpl, NF_CT_EXT_TIMEOUT) : NULL;
	if (timeout_ext) {
		struct nf_conn_timeout *t = nf_ct_ext_add(ct, NF_CT_EXT_TIMEOUT);

		if (t)
			t->timeouts = timeout_ext->timeouts;
	}
	nf_ct_acct_ext_add(ct);
	nf_ct_tstamp_ext_add(ct);
	/* nf_ct_labels_ext_add(ct): connlabel's users count decides (xt_connlabel) */

	ecache = tmpl ? nf_ct_ecache_find(tmpl) : NULL;
	if ((ecache || nf_ct_sysctl(net)->events) &&
	    !nf_ct_ecache_ext_add(ct, ecache ? ecache->ctmask : 0, ecache ? ecache->expmask : 0)) {
		nf_conntrack_free(ct);
		return ERR_PTR(-ENOMEM);
	}

	if (net->ct.expect_count) {
		exp = nf_ct_find_expectation(net, zone, tuple, !tmpl || nf_ct_is_confirmed(tmpl));
		if (exp) {
			/* Welcome, Mr. Bond.  We've been expecting you... */
			ct->status |= IPS_EXPECTED;
			/* exp->master safe, refcnt bumped in nf_ct_find_expectation */
			ct->master = exp->master;
			if (exp->assign_helper) {
				struct nf_conn_help *help = nf_ct_helper_ext_add(ct);

				if (help)
					help->helper = exp->assign_helper;
			}
			ct->mark = exp->master->mark;
			ct->secmark = exp->master->secmark;
			net->ct.stat.expect_new++;
		}
	}
	if (!exp && tmpl)
		__nf_ct_try_assign_helper(ct, tmpl);

	/* Now it is going to be associated with an sk_buff, set refcount to 1. */
	ct->ct_general.use = 1;
	list_add_tail(&ct->emu_list, &net->ct.unconfirmed);     /* EMU */
	if (exp) {
		nf_ct_observe(ct, skb, NFEMU_CT_UNCONFIRMED, NULL, 0, 0);
		if (exp->expectfn)
			exp->expectfn(ct, exp);
		nf_ct_expect_put(exp);
	} else {
		nf_ct_observe(ct, skb, NFEMU_CT_UNCONFIRMED, NULL, 0, 0);
	}
	return &ct->tuplehash[IP_CT_DIR_ORIGINAL];
}

/* On success, returns 0, sets skb->_nfct | ctinfo */
static int resolve_normal_ct(struct nf_conn *tmpl, struct sk_buff *skb, unsigned int dataoff,
			     u8 protonum, const struct nf_hook_state *state)
{
	const struct nf_conntrack_zone *zone;
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_tuple_hash *h;
	enum ip_conntrack_info ctinfo;
	struct nf_conntrack_zone tmp;
	u32 hash, zone_id, rid;
	struct nf_conn *ct;

	if (!nf_ct_get_tuple(skb, (unsigned int)skb_network_offset(skb), dataoff, state->pf,
			     protonum, state->net, &tuple)) {
		nf_ct_observe_invalid(state->net, skb, NULL, protonum, NFEMU_CTINV_NOLOG_NO_TUPLE,
				      0, 0, 0);         /* EMU */
		return 0;
	}

	/* look for tuple match */
	zone = nf_ct_zone_tmpl(tmpl, skb, &tmp);
	zone_id = nf_ct_zone_id(zone, IP_CT_DIR_ORIGINAL);
	hash = hash_conntrack_raw(&tuple, zone_id, state->net);
	h = __nf_conntrack_find_get(state->net, zone, &tuple, hash);
	if (!h) {
		rid = nf_ct_zone_id(zone, IP_CT_DIR_REPLY);
		if (zone_id != rid)
			h = __nf_conntrack_find_get(state->net, zone, &tuple,
						    hash_conntrack_raw(&tuple, rid, state->net));
	}
	if (!h) {
		h = init_conntrack(state->net, tmpl, &tuple, skb, hash);
		if (!h)
			return 0;
		if (IS_ERR(h))
			return (int)PTR_ERR(h);
	}
	ct = nf_ct_tuplehash_to_ctrack(h);

	/* It exists; we have (non-exclusive) reference. */
	if (NF_CT_DIRECTION(h) == IP_CT_DIR_REPLY) {
		ctinfo = IP_CT_ESTABLISHED_REPLY;
	} else {
		/* Once we've had two way comms, always ESTABLISHED. */
		if (ct->status & IPS_SEEN_REPLY)
			ctinfo = IP_CT_ESTABLISHED;
		else if (ct->status & IPS_EXPECTED)
			ctinfo = IP_CT_RELATED;
		else
			ctinfo = IP_CT_NEW;
	}
	nf_ct_set(skb, ct, ctinfo);
	return 0;
}

/* ICMP packets need special treatment to handle error messages that are related to a
 * connection. */
static unsigned int nf_conntrack_handle_icmp(struct nf_conn *tmpl, struct sk_buff *skb,
					     unsigned int dataoff, u8 protonum,
					     const struct nf_hook_state *state)
{
	int ret;

	if (state->pf == NFPROTO_IPV4 && protonum == IPPROTO_ICMP)
		ret = nf_conntrack_icmpv4_error(tmpl, skb, dataoff, state);
	else
		return NF_ACCEPT;
	if (ret <= 0)
		state->net->ct.stat.error++;
	return (unsigned int)ret;
}

/* Returns verdict for packet, or -1 for invalid. */
static int nf_conntrack_handle_packet(struct nf_conn *ct, struct sk_buff *skb, unsigned int dataoff,
				      enum ip_conntrack_info ctinfo, const struct nf_hook_state *state)
{
	switch (nf_ct_protonum(ct)) {
	case IPPROTO_TCP:
		return nf_conntrack_tcp_packet(ct, skb, dataoff, ctinfo, state);
	case IPPROTO_UDP:
		return nf_conntrack_udp_packet(ct, skb, dataoff, ctinfo, state);
	case IPPROTO_ICMP:
		return nf_conntrack_icmp_packet(ct, skb, ctinfo, state);
	}
	/* EMU: UDP-Lite, SCTP, DCCP and GRE have no tracker here: generic, as when built out */
	return generic_packet(ct, skb, ctinfo);
}

static unsigned int __nf_conntrack_in(struct sk_buff *skb, const struct nf_hook_state *state);

unsigned int nf_conntrack_in(struct sk_buff *skb, const struct nf_hook_state *state)
{
	unsigned int ret;

	state->net->ct.emu_skb = skb;           /* EMU: for the observer */
	nf_conntrack_run_timers(state->net);    /* EMU: the works due by now */
	ret = __nf_conntrack_in(skb, state);
	state->net->ct.emu_skb = NULL;
	return ret;
}

static unsigned int __nf_conntrack_in(struct sk_buff *skb, const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct, *tmpl;
	u8 protonum;
	int dataoff, ret;

	tmpl = nf_ct_get(skb, &ctinfo);
	if (tmpl || ctinfo == IP_CT_UNTRACKED) {
		/* Previously seen (loopback or untracked)?  Ignore. */
		if ((tmpl && !nf_ct_is_template(tmpl)) || ctinfo == IP_CT_UNTRACKED)
			return NF_ACCEPT;
		skb->_nfct = 0;
	}

	dataoff = get_l4proto(skb, (unsigned int)skb_network_offset(skb), state->pf, &protonum);
	if (dataoff <= 0) {
		state->net->ct.stat.invalid++;
		ret = NF_ACCEPT;
		goto out;
	}

	if (protonum == IPPROTO_ICMP) {
		ret = (int)nf_conntrack_handle_icmp(tmpl, skb, (unsigned int)dataoff, protonum, state);
		if (ret <= 0) {
			ret = -ret;
			goto out;
		}
		/* ICMP[v6] protocol trackers may assign one conntrack. */
		if (skb->_nfct)
			goto out;
	}
repeat:
	ret = resolve_normal_ct(tmpl, skb, (unsigned int)dataoff, protonum, state);
	if (ret < 0) {
		/* Too stressed to deal. */
		state->net->ct.stat.drop++;
		ret = NF_DROP;
		goto out;
	}

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct) {
		/* Not valid part of a connection */
		state->net->ct.stat.invalid++;
		ret = NF_ACCEPT;
		goto out;
	}

	ret = nf_conntrack_handle_packet(ct, skb, (unsigned int)dataoff, ctinfo, state);
	if (ret <= 0) {
		/* Invalid: inverse of the return code tells the netfilter core what to do */
		nf_ct_put(ct);
		skb->_nfct = 0;
		/* Special case: TCP tracker reports an attempt to reopen a closed/aborted
		 * connection.  We have to go back and create a fresh conntrack. */
		if (ret == -NF_REPEAT)
			goto repeat;
		state->net->ct.stat.invalid++;
		if (ret == NF_DROP)
			state->net->ct.stat.drop++;
		ret = -ret;
		goto out;
	}

	if (ctinfo == IP_CT_ESTABLISHED_REPLY && !(ct->status & IPS_SEEN_REPLY)) {
		ct->status |= IPS_SEEN_REPLY;
		nf_conntrack_event_cache(IPCT_REPLY, ct);
	}
out:
	if (tmpl)
		nf_ct_put(tmpl);
	return (unsigned int)ret;
}

/* Refresh conntrack for this many jiffies and do accounting if bytes */
void __nf_ct_refresh_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo, u32 extra_jiffies,
			  unsigned int bytes)
{
	/* Only update if this is not a fixed timeout */
	if (!(ct->status & IPS_FIXED_TIMEOUT)) {
		/* If not in hash table, timer will not be active yet */
		if (nf_ct_is_confirmed(ct))
			extra_jiffies += nfct_time_stamp(nf_ct_net(ct));
		ct->timeout = extra_jiffies;
	}
	if (bytes)
		nf_ct_acct_update(ct, CTINFO2DIR(ctinfo), bytes);
}

bool nf_ct_kill_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo, const struct sk_buff *skb)
{
	nf_ct_acct_update(ct, CTINFO2DIR(ctinfo), skb->len);
	return nf_ct_delete_why(ct, "killed");
}

u32 nf_conntrack_count(const struct net *net)
{
	return net->ct.ready ? net->ct.count : 0;
}

/* ------------------------------------------------------------------------------------------
 * Iteration and per-net setup
 */

/* Bring out ya dead!  The next entry of this net, from *bucket on, that iter chooses; held. */
static struct nf_conn *get_next_corpse(int (*iter)(struct nf_conn *i, void *data),
				       const struct nf_ct_iter_data *iter_data, unsigned int *bucket)
{
	struct net *net = iter_data->net;
	struct nf_conntrack_tuple_hash *h;

	for (; *bucket < net->ct.htable_size; (*bucket)++) {
		hlist_for_each_entry(h, &net->ct.hash[*bucket], hnnode) {
			struct nf_conn *ct;

			/* every entry is in the hash twice: visit it by its reply tuple */
			if (NF_CT_DIRECTION(h) != IP_CT_DIR_REPLY)
				continue;
			ct = nf_ct_tuplehash_to_ctrack(h);
			if (nf_ct_net(ct) != net)
				continue;
			if (iter(ct, iter_data->data)) {
				nf_conntrack_get(&ct->ct_general);
				return ct;
			}
		}
	}
	return NULL;
}

void nf_ct_iterate_cleanup_net(int (*iter)(struct nf_conn *i, void *data),
			       const struct nf_ct_iter_data *iter_data)
{
	struct net *net = iter_data->net;
	unsigned int bucket = 0;
	struct nf_conn *ct;

	if (!net->ct.ready || net->ct.count == 0)
		return;
	while ((ct = get_next_corpse(iter, iter_data, &bucket)) != NULL) {
		/* Time to push up daises... */
		nf_ct_delete(ct, iter_data->portid, iter_data->report);
		nf_ct_put(ct);
	}
}

static int kill_all(struct nf_conn *i, void *data)
{
	(void)i;
	(void)data;
	return 1;
}

int nf_conntrack_init_net(struct net *net)
{
	struct netns_ct *cnet = &net->ct;
	unsigned int size = (unsigned int)nf_ct_sysctl(net)->buckets;
	__typeof__(cnet->defrag) defrag;

	if (cnet->ready)
		return 0;
	defrag = cnet->defrag;
	memset(cnet, 0, sizeof(*cnet));
	cnet->defrag = defrag;
	if (size < 1024)
		size = 1024;
	cnet->hash = calloc(size, sizeof(*cnet->hash));
	if (!cnet->hash)
		return -ENOMEM;
	cnet->htable_size = size;
	cnet->hash_rnd = 0x6e66656d;    /* EMU: "nfem", see hash_conntrack_raw */
	INIT_LIST_HEAD(&cnet->unconfirmed);
	INIT_LIST_HEAD(&cnet->dying);
	INIT_LIST_HEAD(&cnet->helpers);
	INIT_LIST_HEAD(&cnet->expectfn_list);
	if (nf_conntrack_expect_pernet_init(net)) {
		free(cnet->hash);
		cnet->hash = NULL;
		return -ENOMEM;
	}
	cnet->ready = true;
	if (nf_conntrack_helper_pernet_init(net)) {
		nf_conntrack_expect_pernet_fini(net);
		free(cnet->hash);
		cnet->hash = NULL;
		cnet->ready = false;
		return -ENOMEM;
	}
	/* nf_conntrack_init_start(): the gc worker first runs a second after load */
	gc_worker_queue(net, HZ);
	return 0;
}

void nf_conntrack_cleanup_net(struct net *net)
{
	struct nf_ct_iter_data iter_data = { .net = net };
	struct netns_ct *cnet = &net->ct;

	if (!cnet->ready)
		return;
	/* the hooks go with the module (a netns exit unregisters them) */
	while (cnet->users4)
		nf_ct_netns_put(net, NFPROTO_IPV4);
	nf_conntrack_unregister_notifier(net);
	nf_ct_iterate_cleanup_net(kill_all, &iter_data);
	/* EMU: the dying list's entries (DESTROY events never delivered) go now, as the netns
	 * exit waits for them in Linux. */
	while (!list_empty(&cnet->dying)) {
		struct nf_conn *ct = list_first_entry(&cnet->dying, struct nf_conn, emu_list);

		list_del_init(&ct->emu_list);
		nf_ct_put(ct);
	}
	/* An unconfirmed entry belongs to the packet that holds it, and net_free() has freed
	 * every packet (the devices' exit runs first).  One left here is a packet leaked
	 * elsewhere: Linux would wait for it forever; freeing the entry under it would leave the
	 * packet a dangling reference, so it is only taken off the list and reported. */
	while (!list_empty(&cnet->unconfirmed)) {
		struct nf_conn *ct = list_first_entry(&cnet->unconfirmed, struct nf_conn, emu_list);

		list_del_init(&ct->emu_list);
		fprintf(stderr, "nfemu: BUG: nf_conntrack exit: an unconfirmed entry is still held "
			"(use %u)\n", (unsigned int)ct->ct_general.use);
	}
	nf_conntrack_helper_pernet_fini(net);
	nf_conntrack_expect_pernet_fini(net);
	free(cnet->hash);
	cnet->hash = NULL;
	cnet->htable_size = 0;
	cnet->ready = false;
}
