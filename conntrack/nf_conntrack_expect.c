/* conntrack/nf_conntrack_expect.c - the expectation table: what helpers expect, how a new
 * connection finds (and consumes) its expectation, limits, timeouts and their listing.
 *
 * Mirrors net/netfilter/nf_conntrack_expect.c: nf_ct_expect_alloc/init/related as the FTP
 * helper calls them, the per-helper max_expected (oldest evicted), nf_ct_expect_max (the
 * sysctl nf_conntrack_expect_max: "expectation table full", -EMFILE), clashes (-EBUSY),
 * timeouts checked when an expectation is looked at (Linux 6.x has no expectation timer) and
 * reaped by the conntrack gc through nf_ct_expectation_gc, IPEXP_NEW/DESTROY events, and
 * /proc/net/nf_conntrack_expect.
 * EMU: the hash is per net, with a fixed key instead of siphash with a boot-time random key;
 * no RCU (an expectation is freed when its last reference goes, not after a grace period);
 * no ctnetlink (the `conntrack -L expect` listing is printed here, as conntrack-tools does).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"

static unsigned int nf_ct_expect_max(const struct net *net)
{
	return (unsigned int)nf_ct_sysctl(net)->expect_max;
}

void nf_ct_expectation_gc(struct nf_conn_help *master_help)
{
	struct nf_conntrack_expect *exp, *next;

	list_for_each_entry_safe(exp, next, &master_help->expectations, lnode) {
		if (!nf_ct_exp_is_expired(exp))
			continue;
		nf_ct_unlink_expect(exp);
	}
}

/* nf_conntrack_expect helper functions */
void nf_ct_unlink_expect_report(struct nf_conntrack_expect *exp, u32 portid, int report)
{
	struct nf_conn_help *master_help = nfct_help(exp->master);
	struct net *net = nf_ct_exp_net(exp);

	hlist_del_init(&exp->hnode);
	net->ct.expect_count--;
	list_del_init(&exp->lnode);
	if (master_help)
		master_help->expecting[exp->class]--;
	nf_ct_observe_exp(exp, NFEMU_CT_EXP_GONE, nf_ct_exp_is_expired(exp), 0);
	nf_ct_expect_event_report(IPEXP_DESTROY, exp, portid, report);
	nf_ct_expect_put(exp);
	net->ct.stat.expect_delete++;
}

/* EMU: Linux hashes these fields with siphash and a random key; a fixed-key mix here. */
static unsigned int nf_ct_expect_dst_hash(const struct net *n, const struct nf_conntrack_tuple *tuple)
{
	u64 h = 0x6578706563746564ULL;  /* "expected" */
	u64 words[3] = {
		(u64)tuple->dst.u3.all[0] << 32 | tuple->dst.u3.all[1],
		(u64)tuple->dst.u3.all[2] << 32 | tuple->dst.u3.all[3],
		(u64)tuple->dst.u.all << 32 | (u64)tuple->src.l3num << 8 | tuple->dst.protonum,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(words); i++) {
		h ^= words[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	return (unsigned int)(((h >> 32) * (u64)n->ct.expect_hsize) >> 32);
}

static bool nf_ct_exp_equal(const struct nf_conntrack_tuple *tuple,
			    const struct nf_conntrack_expect *i,
			    const struct nf_conntrack_zone *zone, const struct net *net)
{
	return nf_ct_tuple_mask_cmp(tuple, &i->tuple, &i->mask) && net == i->net &&
	       nf_ct_exp_zone_equal_any(i, zone);
}

struct nf_conntrack_expect *__nf_ct_expect_find(struct net *net,
						const struct nf_conntrack_zone *zone,
						const struct nf_conntrack_tuple *tuple)
{
	struct nf_conntrack_expect *i;
	unsigned int h;

	if (!net->ct.ready || !net->ct.expect_count)
		return NULL;
	h = nf_ct_expect_dst_hash(net, tuple);
	hlist_for_each_entry(i, &net->ct.expect_hash[h], hnode) {
		if (nf_ct_exp_is_expired(i))
			continue;
		if (nf_ct_exp_equal(tuple, i, zone, net))
			return i;
	}
	return NULL;
}

/* If an expectation for this connection is found, it gets delete from global list then
 * returned. */
struct nf_conntrack_expect *nf_ct_find_expectation(struct net *net,
						   const struct nf_conntrack_zone *zone,
						   const struct nf_conntrack_tuple *tuple, bool unlink)
{
	struct nf_conntrack_expect *i, *exp = NULL;
	struct hlist_node *next;
	unsigned int h;

	if (!net->ct.expect_count)
		return NULL;

	h = nf_ct_expect_dst_hash(net, tuple);
	hlist_for_each_entry_safe(i, next, &net->ct.expect_hash[h], hnode) {
		if (nf_ct_exp_is_expired(i)) {
			nf_ct_unlink_expect(i);
			continue;
		}
		if (!(i->flags & NF_CT_EXPECT_INACTIVE) && nf_ct_exp_equal(tuple, i, zone, net)) {
			exp = i;
			break;
		}
	}
	if (!exp)
		return NULL;
	if (exp->use == 0)              /* refcount_inc_not_zero */
		return NULL;
	exp->use++;

	/* If master is not in hash table yet (ie. packet hasn't left this machine yet), how
	 * can other end know about expected?  Hence these are not the droids you are looking
	 * for (if master ct never got confirmed, we'd hold a reference to it and weird things
	 * would happen to future packets). */
	if (!nf_ct_is_confirmed(exp->master))
		goto err_release_exp;

	/* Avoid race with other CPUs, that for exp->master ct, is about to invoke ->destroy(),
	 * or nf_ct_delete() via timeout or early_drop(). */
	if (nf_ct_is_dying(exp->master) || exp->master->ct_general.use == 0)
		goto err_release_exp;
	nf_conntrack_get(&exp->master->ct_general);

	nf_ct_observe_exp(exp, NFEMU_CT_EXP_MATCHED, false, 0);
	if (exp->flags & NF_CT_EXPECT_PERMANENT || !unlink)
		return exp;

	nf_ct_unlink_expect(exp);
	return exp;

err_release_exp:
	nf_ct_expect_put(exp);
	return NULL;
}

/* delete all expectations for this conntrack */
void nf_ct_remove_expectations(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct nf_conntrack_expect *exp, *next;

	/* Optimization: most connection never expect any others. */
	if (!help)
		return;
	list_for_each_entry_safe(exp, next, &help->expectations, lnode)
		nf_ct_unlink_expect(exp);
}

/* Would two expected things clash? */
static bool expect_clash(const struct nf_conntrack_expect *a, const struct nf_conntrack_expect *b)
{
	/* Part covered by intersection of masks must be unequal, otherwise they clash */
	struct nf_conntrack_tuple_mask intersect_mask;

	intersect_mask.src.u.all = a->mask.src.u.all & b->mask.src.u.all;
	for (int count = 0; count < 4; count++)
		intersect_mask.src.u3.all[count] = a->mask.src.u3.all[count] & b->mask.src.u3.all[count];

	return nf_ct_tuple_mask_cmp(&a->tuple, &b->tuple, &intersect_mask) &&
	       nf_ct_net(a->master) == nf_ct_net(b->master) &&
	       nf_ct_exp_zone_equal_any(a, nf_ct_zone(b->master));
}

static bool expect_matches(const struct nf_conntrack_expect *a, const struct nf_conntrack_expect *b)
{
	return nf_ct_tuple_equal(&a->tuple, &b->tuple) &&
	       nf_ct_tuple_mask_equal(&a->mask, &b->mask) &&
	       nf_ct_net(a->master) == nf_ct_net(b->master) &&
	       nf_ct_exp_zone_equal_any(a, nf_ct_zone(b->master));
}

static bool master_matches(const struct nf_conntrack_expect *a,
			   const struct nf_conntrack_expect *b, unsigned int flags)
{
	if (flags & NF_CT_EXP_F_SKIP_MASTER)
		return true;
	return a->master == b->master;
}

/* Generally a bad idea to call this: could have matched already. */
void nf_ct_unexpect_related(struct nf_conntrack_expect *exp)
{
	exp->flags |= NF_CT_EXPECT_DEAD;
}

/* We don't increase the master conntrack refcount for non-fulfilled conntracks.  During the
 * conntrack destruction, the expectations are always killed before the conntrack itself */
struct nf_conntrack_expect *nf_ct_expect_alloc(struct nf_conn *me)
{
	struct nf_conntrack_expect *new = calloc(1, sizeof(*new));

	if (!new)
		return NULL;
	new->timeout = nfct_time_stamp(nf_ct_net(me));
	new->master = me;
	new->use = 1;
	INIT_LIST_HEAD(&new->lnode);
	INIT_HLIST_NODE(&new->hnode);
	return new;
}

/* This function can only be used from packet path, where accessing master's helper is safe,
 * because the packet holds a reference on the conntrack object. */
void nf_ct_expect_init(struct nf_conntrack_expect *exp, unsigned int class, u8 family,
		       const union nf_inet_addr *saddr, const union nf_inet_addr *daddr,
		       u8 proto, const __be16 *src, const __be16 *dst)
{
	const struct nf_conntrack_helper *helper = NULL;
	struct nf_conn *ct = exp->master;
	struct nf_conn_help *help;
	size_t len = family == AF_INET ? 4 : 16;

	exp->flags = 0;
	exp->class = class;
	exp->expectfn = NULL;

	help = nfct_help(ct);
	if (help)
		helper = help->helper;
	exp->helper = helper;
	exp->assign_helper = NULL;
	exp->net = nf_ct_net(ct);
	exp->zone = ct->zone;
	exp->tuple.src.l3num = family;
	exp->tuple.dst.protonum = proto;

	memset(&exp->tuple.src.u3, 0, sizeof(exp->tuple.src.u3));
	memset(&exp->mask.src.u3, 0, sizeof(exp->mask.src.u3));
	if (saddr) {
		memcpy(&exp->tuple.src.u3, saddr, len);
		memset(&exp->mask.src.u3, 0xFF, len);
	}
	if (src) {
		exp->tuple.src.u.all = *src;
		exp->mask.src.u.all = htons(0xFFFF);
	} else {
		exp->tuple.src.u.all = 0;
		exp->mask.src.u.all = 0;
	}
	memset(&exp->tuple.dst.u3, 0, sizeof(exp->tuple.dst.u3));
	memcpy(&exp->tuple.dst.u3, daddr, len);
	exp->tuple.dst.u.all = *dst;

	memset(&exp->saved_addr, 0, sizeof(exp->saved_addr));
	memset(&exp->saved_proto, 0, sizeof(exp->saved_proto));
	exp->dir = 0;
}

void nf_ct_expect_put(struct nf_conntrack_expect *exp)
{
	if (--exp->use == 0)
		free(exp);
}

static void nf_ct_expect_insert(struct nf_conntrack_expect *exp)
{
	struct nf_conn_help *master_help = nfct_help(exp->master);
	struct net *net = nf_ct_exp_net(exp);
	unsigned int h = nf_ct_expect_dst_hash(net, &exp->tuple);
	const struct nf_conntrack_helper *helper;

	exp->use++;
	helper = master_help->helper;
	if (helper)
		exp->timeout += helper->expect_policy[exp->class].timeout * HZ;
	list_add(&exp->lnode, &master_help->expectations);
	hlist_add_head(&exp->hnode, &net->ct.expect_hash[h]);
	net->ct.expect_count++;
	net->ct.stat.expect_create++;
}

static void evict_oldest_expect(struct nf_conn_help *master_help,
				struct nf_conntrack_expect *new,
				const struct nf_conntrack_expect_policy *p)
{
	struct nf_conntrack_expect *exp, *next, *last = NULL;

	/* the list is newest first, as Linux's hlist: the last one seen is the oldest */
	list_for_each_entry_safe(exp, next, &master_help->expectations, lnode) {
		if (nf_ct_exp_is_expired(exp)) {
			nf_ct_unlink_expect(exp);
			continue;
		}
		if (exp->class == new->class)
			last = exp;
	}
	/* Still worth to evict oldest expectation after garbage collection? */
	if (last && master_help->expecting[last->class] >= p->max_expected)
		nf_ct_unlink_expect(last);
}

static int __nf_ct_expect_check(struct nf_conntrack_expect *expect, unsigned int flags)
{
	const struct nf_conntrack_expect_policy *p;
	struct nf_conntrack_expect *i;
	struct nf_conn *master = expect->master;
	struct nf_conn_help *master_help = nfct_help(master);
	const struct nf_conntrack_helper *helper;
	struct net *net = nf_ct_exp_net(expect);
	struct hlist_node *next;
	unsigned int h;
	int ret = 0;

	if (!master_help)
		return -ESHUTDOWN;
	h = nf_ct_expect_dst_hash(net, &expect->tuple);
	hlist_for_each_entry_safe(i, next, &net->ct.expect_hash[h], hnode) {
		if (nf_ct_exp_is_expired(i)) {
			nf_ct_unlink_expect(i);
			continue;
		}
		if (master_matches(i, expect, flags) && expect_matches(i, expect)) {
			if (i->class != expect->class || i->master != expect->master)
				return -EALREADY;
			nf_ct_unlink_expect(i);
			break;
		} else if (expect_clash(i, expect)) {
			return -EBUSY;
		}
	}
	/* Will be over limit? */
	helper = master_help->helper;
	if (helper) {
		p = &helper->expect_policy[expect->class];
		if (p->max_expected && master_help->expecting[expect->class] >= p->max_expected)
			evict_oldest_expect(master_help, expect, p);
	}
	if (net->ct.expect_count >= nf_ct_expect_max(net)) {
		/* net_warn_ratelimited() */
		pr_warn(net, "nf_conntrack: expectation table full");
		ret = -EMFILE;
	}
	return ret;
}

int nf_ct_expect_related_report(struct nf_conntrack_expect *expect, u32 portid, int report,
				unsigned int flags)
{
	int ret = __nf_ct_expect_check(expect, flags);

	if (ret < 0) {
		nf_ct_observe_exp(expect, NFEMU_CT_EXP_REFUSED, false, (u32)-ret);
		return ret;
	}
	nfct_help(expect->master)->expecting[expect->class]++;
	nf_ct_expect_insert(expect);
	nf_ct_observe_exp(expect, NFEMU_CT_EXP_CREATED, false,
			  (u32)((expect->timeout - nfct_time_stamp(nf_ct_exp_net(expect))) / HZ));
	nf_ct_expect_event_report(IPEXP_NEW, expect, portid, report);
	return 0;
}

int nf_ct_expect_restore(struct nf_conntrack_expect *exp, u32 left)
{
	struct nf_conn_help *master_help = nfct_help(exp->master);
	struct net *net = nf_ct_exp_net(exp);

	if (!master_help || exp->class >= NF_CT_MAX_EXPECT_CLASSES)
		return -EINVAL;
	if (net->ct.expect_count >= nf_ct_expect_max(net))
		return -EMFILE;
	exp->timeout = nfct_time_stamp(net) + left;
	master_help->expecting[exp->class]++;
	exp->use++;
	list_add_tail(&exp->lnode, &master_help->expectations);
	hlist_add_head(&exp->hnode, &net->ct.expect_hash[nf_ct_expect_dst_hash(net, &exp->tuple)]);
	net->ct.expect_count++;
	return 0;
}

void nf_ct_expect_iterate_destroy(struct net *net,
				  bool (*iter)(struct nf_conntrack_expect *e, void *data), void *data)
{
	struct nf_conntrack_expect *exp;
	struct hlist_node *next;

	if (!net->ct.expect_hash)
		return;
	for (unsigned int i = 0; i < net->ct.expect_hsize; i++)
		hlist_for_each_entry_safe(exp, next, &net->ct.expect_hash[i], hnode)
			if (iter(exp, data))
				nf_ct_unlink_expect(exp);
}

/* ------------------------------------------------------------------------------------------
 * Listing: /proc/net/nf_conntrack_expect (exp_seq_show) and `conntrack -L expect`
 */

struct exp_buf {
	char *buf;
	size_t len, off;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void eb_add(struct exp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->buf + b->off, b->len - b->off, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < b->len - b->off)
			break;
		char *nb = realloc(b->buf, b->len * 2 + (size_t)n);

		if (!nb) {
			b->oom = true;
			return;
		}
		b->buf = nb;
		b->len = b->len * 2 + (size_t)n;
	}
	b->off += (size_t)n;
}

static void eb_ip(struct exp_buf *b, const char *key, __be32 a)
{
	const u8 *p = (const u8 *)&a;

	eb_add(b, "%s=%u.%u.%u.%u ", key, p[0], p[1], p[2], p[3]);
}

/* print_tuple() of nf_conntrack_standalone.c for an expectation's tuple */
static void eb_ports(struct exp_buf *b, const struct nf_conntrack_tuple *t, __be16 sport,
		     __be16 dport)
{
	switch (t->dst.protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_DCCP:
	case IPPROTO_SCTP:
		eb_add(b, "sport=%u dport=%u ", ntohs(sport), ntohs(dport));
		break;
	case IPPROTO_ICMP:
		eb_add(b, "type=%u code=%u id=%u ", t->dst.u.icmp.type, t->dst.u.icmp.code,
		       ntohs(t->src.u.icmp.id));
		break;
	}
}

static void exp_show_one(struct exp_buf *b, const struct nf_conntrack_expect *expect, bool proc)
{
	const struct nf_conntrack_helper *helper = expect->helper;
	s32 timeout = (s32)(expect->timeout - nfct_time_stamp(expect->net)) / HZ;
	const char *delim = "";

	eb_add(b, "%d ", timeout > 0 ? timeout : 0);
	if (proc) {
		eb_add(b, "l3proto = %u proto=%u ", expect->tuple.src.l3num,
		       expect->tuple.dst.protonum);
		eb_ip(b, "src", expect->tuple.src.u3.ip);
		eb_ip(b, "dst", expect->tuple.dst.u3.ip);
		eb_ports(b, &expect->tuple, expect->tuple.src.u.all, expect->tuple.dst.u.all);
		if (expect->flags & NF_CT_EXPECT_PERMANENT) {
			eb_add(b, "PERMANENT");
			delim = ",";
		}
		if (expect->flags & NF_CT_EXPECT_INACTIVE) {
			eb_add(b, "%sINACTIVE", delim);
			delim = ",";
		}
		if (expect->flags & NF_CT_EXPECT_USERSPACE)
			eb_add(b, "%sUSERSPACE", delim);
		if (helper) {
			eb_add(b, "%s%s", expect->flags ? " " : "", helper->name);
			if (helper->expect_policy[expect->class].name[0])
				eb_add(b, "/%s", helper->expect_policy[expect->class].name);
		}
	} else {
		/* what ctnetlink dumps (ctnetlink_exp_dump_expect) as conntrack-tools prints it:
		 * the mask's fixed part reads as all ones */
		const struct nf_conntrack_tuple *m = &expect->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

		eb_add(b, "proto=%u ", expect->tuple.dst.protonum);
		eb_ip(b, "src", expect->tuple.src.u3.ip);
		eb_ip(b, "dst", expect->tuple.dst.u3.ip);
		eb_ports(b, &expect->tuple, expect->tuple.src.u.all, expect->tuple.dst.u.all);
		eb_ip(b, "mask-src", expect->mask.src.u3.ip);
		eb_ip(b, "mask-dst", 0xffffffff);
		eb_ports(b, &expect->tuple, expect->mask.src.u.all, 0xffff);
		eb_ip(b, "master-src", m->src.u3.ip);
		eb_ip(b, "master-dst", m->dst.u3.ip);
		eb_ports(b, m, m->src.u.all, m->dst.u.all);
		if (expect->zone.id)
			eb_add(b, "zone=%u ", expect->zone.id);
		if (expect->flags & NF_CT_EXPECT_PERMANENT)
			eb_add(b, "PERMANENT ");
		if (expect->flags & NF_CT_EXPECT_INACTIVE)
			eb_add(b, "INACTIVE ");
		if (expect->flags & NF_CT_EXPECT_USERSPACE)
			eb_add(b, "USERSPACE ");
		eb_add(b, "class=%u ", expect->class);
		if (helper)
			eb_add(b, "helper=%s", helper->name);
		while (b->off && b->buf[b->off - 1] == ' ')
			b->buf[--b->off] = '\0';
	}
	eb_add(b, "\n");
}

char *nf_ct_expect_show(struct net *net, bool proc, unsigned int *nentries)
{
	struct exp_buf b = { .len = 1024 };
	struct nf_conntrack_expect *exp;
	unsigned int n = 0;

	b.buf = malloc(b.len);
	if (!b.buf)
		return NULL;
	b.buf[0] = '\0';
	for (unsigned int i = 0; net->ct.ready && net->ct.expect_hash && i < net->ct.expect_hsize; i++)
		hlist_for_each_entry(exp, &net->ct.expect_hash[i], hnode) {
			if (nf_ct_exp_net(exp) != net || nf_ct_exp_is_expired(exp))
				continue;
			exp_show_one(&b, exp, proc);
			n++;
		}
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	if (nentries)
		*nentries = n;
	return b.buf;
}

/* ------------------------------------------------------------------------------------------ */

int nf_conntrack_expect_pernet_init(struct net *net)
{
	unsigned int hsize = (unsigned int)nf_ct_sysctl(net)->buckets / 256;

	/* nf_conntrack_expect_init(): nf_conntrack_htable_size / 256, at least 1 */
	if (!hsize)
		hsize = 1;
	net->ct.expect_hash = calloc(hsize, sizeof(*net->ct.expect_hash));
	if (!net->ct.expect_hash)
		return -ENOMEM;
	net->ct.expect_hsize = hsize;
	net->ct.expect_count = 0;
	return 0;
}

void nf_conntrack_expect_pernet_fini(struct net *net)
{
	free(net->ct.expect_hash);
	net->ct.expect_hash = NULL;
	net->ct.expect_hsize = 0;
}
