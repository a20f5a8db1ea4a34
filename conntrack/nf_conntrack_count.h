/* conntrack/nf_conntrack_count.h - counting connections by a key (nf_conncount), for
 * connlimit.
 *
 * Mirrors include/net/netfilter/nf_conntrack_count.h: a caller (one connlimit rule) owns an
 * nf_conncount_data; nf_conncount_count_skb() adds the packet's connection under a key (the
 * masked address and the zone) and returns how many live, not closed, connections the key
 * has (0: hotdrop).  EMU: the trees are lists (see nf_conncount.c).
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_COUNT_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_COUNT_H

#include "kernel/kernel.h"
#include "kernel/list.h"

struct net;
struct sk_buff;
struct nf_conncount_data;

struct nf_conncount_list {
	u32 last_gc;                    /* jiffies at most recent gc */
	struct list_head head;          /* connections with the same filtering key */
	unsigned int count;             /* length of list */
	unsigned int last_gc_count;     /* length of list at most recent gc */
};

struct nf_conncount_data *nf_conncount_init(struct net *net, unsigned int keylen);
void nf_conncount_destroy(struct net *net, struct nf_conncount_data *data);

unsigned int nf_conncount_count_skb(struct net *net, const struct sk_buff *skb, u16 l3num,
				    struct nf_conncount_data *data, const u32 *key);
int nf_conncount_add_skb(struct net *net, const struct sk_buff *skb, u16 l3num,
			 struct nf_conncount_list *list);
void nf_conncount_list_init(struct net *net, struct nf_conncount_list *list);
bool nf_conncount_gc_list(struct net *net, struct nf_conncount_list *list);
void nf_conncount_cache_free(struct nf_conncount_list *list);
/* EMU: a rule's lists in the state file (kernel/rtstate.h). */
struct rts_w;
struct rts_r;
void nf_conncount_rt_save(const struct nf_conncount_data *data, struct rts_w *w);
int nf_conncount_rt_load(struct nf_conncount_data *data, struct rts_r *r);

#endif
