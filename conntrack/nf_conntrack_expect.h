/* conntrack/nf_conntrack_expect.h - expectations: connections a helper has seen announced
 * (an FTP PORT or PASV) and that will arrive RELATED to their master.
 *
 * Mirrors include/net/netfilter/nf_conntrack_expect.h: an expectation is a tuple with a mask,
 * a master, a class and a timeout (jiffies32, checked when looked at, not a timer: as Linux
 * since 6.x); it lives in the expectation hash and on its master's help->expectations list.
 * EMU: the hash is per net (net->ct.expect_hash); expect_max is the netns sysctl
 * nf_conntrack_expect_max (Linux reads one global value).  No NAT: saved_addr/saved_proto/dir
 * are kept for NAT's later use.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_EXPECT_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_EXPECT_H

#include "conntrack/nf_conntrack.h"

/* Newer than this machine's UAPI header (kernel-internal flag in 6.x). */
#ifndef NF_CT_EXPECT_DEAD
#define NF_CT_EXPECT_DEAD 0x8
#endif

struct nf_conntrack_helper;

struct nf_conntrack_expect {
	struct list_head lnode;         /* on the master's help->expectations */
	struct hlist_node hnode;        /* in net->ct.expect_hash */
	struct net *net;
	/* We expect this tuple, with the following mask */
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_tuple_mask mask;
	struct nf_conntrack_zone zone;
	unsigned int use;
	unsigned int flags;
	unsigned int class;
	/* Function to call after setup and insertion */
	void (*expectfn)(struct nf_conn *new, struct nf_conntrack_expect *this);
	/* Helper that created this expectation */
	const struct nf_conntrack_helper *helper;
	/* Helper to assign to new connection */
	const struct nf_conntrack_helper *assign_helper;
	/* The conntrack of the master connection */
	struct nf_conn *master;
	/* jiffies32 when this expectation expires */
	u32 timeout;
	/* NAT (issue: NAT): where the expected connection is mapped to */
	union nf_inet_addr saved_addr;
	union nf_conntrack_man_proto saved_proto;
	enum ip_conntrack_dir dir;
};

static inline bool nf_ct_exp_is_expired(const struct nf_conntrack_expect *exp)
{
	if (exp->flags & NF_CT_EXPECT_DEAD)
		return true;
	return (s32)(exp->timeout - nfct_time_stamp(exp->net)) <= 0;
}

static inline struct net *nf_ct_exp_net(const struct nf_conntrack_expect *exp)
{
	return exp->net;
}

static inline bool nf_ct_exp_zone_equal_any(const struct nf_conntrack_expect *a,
					    const struct nf_conntrack_zone *b)
{
	return a->zone.id == b->id;
}

#define NF_CT_EXP_POLICY_NAME_LEN 16

struct nf_conntrack_expect_policy {
	unsigned int max_expected;
	unsigned int timeout;           /* seconds */
	char name[NF_CT_EXP_POLICY_NAME_LEN];
};

#define NF_CT_EXPECT_CLASS_DEFAULT 0
#define NF_CT_EXPECT_MAX_CNT 255

/* Allow to reuse expectations with the same tuples from different master conntracks. */
#define NF_CT_EXP_F_SKIP_MASTER 0x1

int nf_conntrack_expect_pernet_init(struct net *net);
void nf_conntrack_expect_pernet_fini(struct net *net);

struct nf_conntrack_expect *__nf_ct_expect_find(struct net *net,
						const struct nf_conntrack_zone *zone,
						const struct nf_conntrack_tuple *tuple);
/* The expectation a new connection fulfils (held, its master held too), unlinked unless
 * permanent or !unlink.  NULL when none. */
struct nf_conntrack_expect *nf_ct_find_expectation(struct net *net,
						   const struct nf_conntrack_zone *zone,
						   const struct nf_conntrack_tuple *tuple, bool unlink);

void nf_ct_unlink_expect_report(struct nf_conntrack_expect *exp, u32 portid, int report);
static inline void nf_ct_unlink_expect(struct nf_conntrack_expect *exp)
{
	nf_ct_unlink_expect_report(exp, 0, 0);
}

void nf_ct_remove_expectations(struct nf_conn *ct);
void nf_ct_unexpect_related(struct nf_conntrack_expect *exp);

void nf_ct_expect_iterate_destroy(struct net *net,
				  bool (*iter)(struct nf_conntrack_expect *e, void *data), void *data);

/* Allocate space for an expectation: this is mandatory before calling nf_ct_expect_related.
 * You will have to call put afterwards. */
struct nf_conntrack_expect *nf_ct_expect_alloc(struct nf_conn *me);
void nf_ct_expect_init(struct nf_conntrack_expect *exp, unsigned int class, u8 family,
		       const union nf_inet_addr *saddr, const union nf_inet_addr *daddr,
		       u8 proto, const __be16 *src, const __be16 *dst);
void nf_ct_expect_put(struct nf_conntrack_expect *exp);
/* 0, or -ESHUTDOWN (master has no helper), -EALREADY, -EBUSY (clash), -EMFILE (table full) */
int nf_ct_expect_related_report(struct nf_conntrack_expect *expect, u32 portid, int report,
				unsigned int flags);
static inline int nf_ct_expect_related(struct nf_conntrack_expect *expect, unsigned int flags)
{
	return nf_ct_expect_related_report(expect, 0, 0, flags);
}

struct nf_conn_help;
void nf_ct_expectation_gc(struct nf_conn_help *master_help);

/* EMU: every live expectation of net in hash order, one line each (malloc'd), as
 * /proc/net/nf_conntrack_expect (proc) or `conntrack -L expect` (!proc) print them;
 * *nentries gets the count.  NULL on allocation failure. */
char *nf_ct_expect_show(struct net *net, bool proc, unsigned int *nentries);
/* EMU, for the state file: insert an expectation as it was saved (timeout in jiffies from
 * now); 0 or -errno. */
int nf_ct_expect_restore(struct nf_conntrack_expect *exp, u32 left);

#endif
