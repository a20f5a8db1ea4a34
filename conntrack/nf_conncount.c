/* conntrack/nf_conncount.c - count connections by key (module nf_conncount), for connlimit.
 *
 * Mirrors net/netfilter/nf_conncount.c (6.x, with the skip of assured entries): each key
 * (masked address + zone) has a list of the original tuples of its connections; counting
 * looks each one up in the conntrack hash and drops those gone or closed (TCP TIME_WAIT or
 * CLOSE), at most 64 per call, and adds the packet's connection unless it is already there
 * or assured; a key's list is checked at most once per jiffy while fewer than 64 were added.
 * Keys live in 256 slots chosen by jhash2; empty keys are reaped by the gc work.
 * EMU: each slot is a list of keys, not an rbtree (the walk that inserts a key gcs up to 8 of
 * the keys it passes, as the rbtree descent does); one CPU, so an unconfirmed tuple not in
 * the hash is always evicted (Linux: only by the CPU that added it or 2 jiffies later); the
 * gc work runs at once instead of on a workqueue; the hash seed is fixed (Linux: random).
 */
#include <stdlib.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "kernel/net.h"
#include "lib/jhash.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_count.h"

#define CONNCOUNT_SLOTS 256U
#define CONNCOUNT_GC_MAX_NODES 8
#define CONNCOUNT_GC_MAX_COLLECT 64
#define MAX_KEYLEN 5
/* EMU: conncount_rnd, net_get_random_once() in Linux */
#define NFEMU_CONNCOUNT_RND 0x636f756eu

/* we will save the tuples of all connections we care about */
struct nf_conncount_tuple {
	struct list_head node;
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_zone zone;
	u32 jiffies32;
};

struct nf_conncount_rb {
	struct list_head node;          /* EMU: in its slot's list (Linux: rb_node) */
	struct nf_conncount_list list;
	u32 key[MAX_KEYLEN];
};

struct nf_conncount_data {
	unsigned int keylen;
	struct list_head root[CONNCOUNT_SLOTS];
	struct net *net;
	bool pending_trees[CONNCOUNT_SLOTS];
};

static inline u32 jiffies32(const struct net *net)
{
	return (u32)nfemu_jiffies(net);
}

static inline bool already_closed(const struct nf_conn *conn)
{
	if (nf_ct_protonum(conn) == IPPROTO_TCP)
		return conn->proto.tcp.state == TCP_CONNTRACK_TIME_WAIT ||
		       conn->proto.tcp.state == TCP_CONNTRACK_CLOSE;
	return false;
}

static int key_diff(const u32 *a, const u32 *b, unsigned int klen)
{
	return memcmp(a, b, klen * sizeof(u32));
}

static void conn_free(struct nf_conncount_list *list, struct nf_conncount_tuple *conn)
{
	list->count--;
	list_del(&conn->node);
	free(conn);
}

/* The entry of conn (held), or ERR_PTR(-ENOENT) after evicting conn. */
static const struct nf_conntrack_tuple_hash *find_or_evict(struct net *net,
							   struct nf_conncount_list *list,
							   struct nf_conncount_tuple *conn)
{
	const struct nf_conntrack_tuple_hash *found;

	found = nf_conntrack_find_get(net, &conn->zone, &conn->tuple);
	if (found)
		return found;
	/* conn might have been added just before by another cpu and might still be
	 * unconfirmed.  EMU: one CPU, which is always the one that added it. */
	conn_free(list, conn);
	return ERR_PTR(-ENOENT);
}

static bool get_ct_or_tuple_from_skb(struct net *net, const struct sk_buff *skb, u16 l3num,
				     struct nf_conn **ct, struct nf_conntrack_tuple *tuple,
				     const struct nf_conntrack_zone **zone, bool *refcounted)
{
	const struct nf_conntrack_tuple_hash *h;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *found_ct;

	found_ct = nf_ct_get(skb, &ctinfo);
	if (found_ct && !nf_ct_is_template(found_ct)) {
		*tuple = found_ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
		*zone = nf_ct_zone(found_ct);
		*ct = found_ct;
		return true;
	}
	if (!nf_ct_get_tuplepr(skb, (unsigned int)skb_network_offset(skb), l3num, net, tuple))
		return false;
	if (found_ct)
		*zone = nf_ct_zone(found_ct);
	h = nf_conntrack_find_get(net, *zone, tuple);
	if (!h)
		return true;
	found_ct = nf_ct_tuplehash_to_ctrack(h);
	*refcounted = true;
	*ct = found_ct;
	return true;
}

static int __nf_conncount_add(struct net *net, const struct sk_buff *skb, u16 l3num,
			      struct nf_conncount_list *list)
{
	const struct nf_conntrack_zone *zone = &nf_ct_zone_dflt;
	const struct nf_conntrack_tuple_hash *found;
	struct nf_conncount_tuple *conn, *conn_n;
	struct nf_conntrack_tuple tuple;
	struct nf_conn *ct = NULL;
	struct nf_conn *found_ct;
	unsigned int collect = 0;
	bool refcounted = false;
	int err = 0;

	if (!get_ct_or_tuple_from_skb(net, skb, l3num, &ct, &tuple, &zone, &refcounted))
		return -ENOENT;

	if (ct && nf_ct_is_confirmed(ct)) {
		/* Connection is confirmed but might still be in the setup phase.  Only skip the
		 * tracking if it is fully assured. */
		if (ct->status & IPS_ASSURED) {
			err = -EEXIST;
			goto out_put;
		}
		goto check_connections;
	}

	if (jiffies32(net) == list->last_gc &&
	    (list->count - list->last_gc_count) < CONNCOUNT_GC_MAX_COLLECT)
		goto add_new_node;

check_connections:
	/* check the saved connections */
	list_for_each_entry_safe(conn, conn_n, &list->head, node) {
		if (collect > CONNCOUNT_GC_MAX_COLLECT)
			break;
		found = find_or_evict(net, list, conn);
		if (IS_ERR(found)) {
			collect++;
			continue;
		}
		found_ct = nf_ct_tuplehash_to_ctrack(found);
		if (nf_ct_tuple_equal(&conn->tuple, &tuple) &&
		    nf_ct_zone_equal(found_ct, zone, IP_CT_DIR_ORIGINAL)) {
			/* We should not see tuples twice unless someone hooks this into a table
			 * without "-p tcp --syn".  Attempt to avoid a re-add in this case. */
			nf_ct_put(found_ct);
			goto out_put;
		} else if (already_closed(found_ct)) {
			/* we do not care about connections which are closed already -> ditch it */
			nf_ct_put(found_ct);
			conn_free(list, conn);
			collect++;
			continue;
		}
		nf_ct_put(found_ct);
	}
	list->last_gc = jiffies32(net);
	list->last_gc_count = list->count;

add_new_node:
	if (list->count > INT_MAX) {
		err = -EOVERFLOW;
		goto out_put;
	}
	conn = malloc(sizeof(*conn));
	if (conn == NULL) {
		err = -ENOMEM;
		goto out_put;
	}
	conn->tuple = tuple;
	conn->zone = *zone;
	conn->jiffies32 = jiffies32(net);
	list_add_tail(&conn->node, &list->head);
	list->count++;

out_put:
	if (refcounted)
		nf_ct_put(ct);
	return err;
}

int nf_conncount_add_skb(struct net *net, const struct sk_buff *skb, u16 l3num,
			 struct nf_conncount_list *list)
{
	return __nf_conncount_add(net, skb, l3num, list);
}

void nf_conncount_list_init(struct net *net, struct nf_conncount_list *list)
{
	INIT_LIST_HEAD(&list->head);
	list->count = 0;
	list->last_gc_count = 0;
	list->last_gc = jiffies32(net);
}

/* Return true if the list is empty. */
bool nf_conncount_gc_list(struct net *net, struct nf_conncount_list *list)
{
	const struct nf_conntrack_tuple_hash *found;
	struct nf_conncount_tuple *conn, *conn_n;
	struct nf_conn *found_ct;
	unsigned int collected = 0;
	bool ret = false;

	/* don't bother if we just did GC */
	if (jiffies32(net) == list->last_gc)
		return false;

	list_for_each_entry_safe(conn, conn_n, &list->head, node) {
		found = find_or_evict(net, list, conn);
		if (IS_ERR(found)) {
			collected++;
			continue;
		}
		found_ct = nf_ct_tuplehash_to_ctrack(found);
		if (already_closed(found_ct)) {
			/* we do not care about connections which are closed already -> ditch it */
			nf_ct_put(found_ct);
			conn_free(list, conn);
			collected++;
			continue;
		}
		nf_ct_put(found_ct);
		if (collected > CONNCOUNT_GC_MAX_COLLECT)
			break;
	}
	if (!list->count)
		ret = true;
	list->last_gc = jiffies32(net);
	list->last_gc_count = list->count;
	return ret;
}

void nf_conncount_cache_free(struct nf_conncount_list *list)
{
	struct nf_conncount_tuple *conn, *conn_n;

	list_for_each_entry_safe(conn, conn_n, &list->head, node)
		free(conn);
}

static void tree_nodes_free(struct nf_conncount_rb *gc_nodes[], unsigned int gc_count)
{
	struct nf_conncount_rb *rbconn;

	while (gc_count) {
		rbconn = gc_nodes[--gc_count];
		if (!rbconn->list.count) {
			list_del(&rbconn->node);
			free(rbconn);
		}
	}
}

/* The gc work for the pending slots: collect every key's list, and free the empty keys when
 * there are at least CONNCOUNT_GC_MAX_NODES of them. */
static void tree_gc_worker(struct nf_conncount_data *data)
{
	struct nf_conncount_rb *gc_nodes[CONNCOUNT_GC_MAX_NODES], *rbconn, *tmp;

	for (unsigned int tree = 0; tree < CONNCOUNT_SLOTS; tree++) {
		unsigned int gc_count = 0;

		if (!data->pending_trees[tree])
			continue;
		list_for_each_entry(rbconn, &data->root[tree], node)
			if (nf_conncount_gc_list(data->net, &rbconn->list))
				gc_count++;
		if (gc_count >= ARRAY_SIZE(gc_nodes)) {
			gc_count = 0;
			list_for_each_entry_safe(rbconn, tmp, &data->root[tree], node) {
				if (rbconn->list.count > 0)
					continue;
				gc_nodes[gc_count++] = rbconn;
				if (gc_count >= ARRAY_SIZE(gc_nodes)) {
					tree_nodes_free(gc_nodes, gc_count);
					gc_count = 0;
				}
			}
			tree_nodes_free(gc_nodes, gc_count);
		}
		data->pending_trees[tree] = false;
	}
}

static unsigned int insert_tree(struct net *net, const struct sk_buff *skb, u16 l3num,
				struct nf_conncount_data *data, struct list_head *root,
				unsigned int hash, const u32 *key)
{
	struct nf_conncount_rb *gc_nodes[CONNCOUNT_GC_MAX_NODES];
	const struct nf_conntrack_zone *zone = &nf_ct_zone_dflt;
	bool do_gc = true, refcounted = false, schedule = false;
	unsigned int count = 0, gc_count = 0;
	struct nf_conntrack_tuple tuple;
	struct nf_conncount_tuple *conn;
	struct nf_conncount_rb *rbconn;
	struct nf_conn *ct = NULL;

restart:
	list_for_each_entry(rbconn, root, node) {
		if (key_diff(key, rbconn->key, data->keylen) == 0) {
			int ret = nf_conncount_add_skb(net, skb, l3num, &rbconn->list);

			if (ret && ret != -EEXIST)
				count = 0;      /* hotdrop */
			else
				count = rbconn->list.count;
			tree_nodes_free(gc_nodes, gc_count);
			goto out_unlock;
		}
		if (gc_count >= ARRAY_SIZE(gc_nodes))
			continue;
		if (do_gc && nf_conncount_gc_list(net, &rbconn->list))
			gc_nodes[gc_count++] = rbconn;
	}

	if (gc_count) {
		tree_nodes_free(gc_nodes, gc_count);
		data->pending_trees[hash] = true;       /* schedule_gc_worker() */
		schedule = true;
		gc_count = 0;
		do_gc = false;
		goto restart;
	}

	if (get_ct_or_tuple_from_skb(net, skb, l3num, &ct, &tuple, &zone, &refcounted)) {
		/* expected case: match, insert new node */
		rbconn = malloc(sizeof(*rbconn));
		if (rbconn == NULL)
			goto out_unlock;
		conn = malloc(sizeof(*conn));
		if (conn == NULL) {
			free(rbconn);
			goto out_unlock;
		}
		conn->tuple = tuple;
		conn->zone = *zone;
		conn->jiffies32 = jiffies32(net);
		memset(rbconn->key, 0, sizeof(rbconn->key));
		memcpy(rbconn->key, key, sizeof(u32) * data->keylen);
		nf_conncount_list_init(net, &rbconn->list);
		list_add(&conn->node, &rbconn->list.head);
		count = 1;
		rbconn->list.count = count;
		list_add_tail(&rbconn->node, root);
	}
out_unlock:
	if (refcounted)
		nf_ct_put(ct);
	if (schedule)
		tree_gc_worker(data);   /* EMU: the work runs now */
	return count;
}

static unsigned int count_tree(struct net *net, const struct sk_buff *skb, u16 l3num,
			       struct nf_conncount_data *data, const u32 *key)
{
	struct nf_conncount_rb *rbconn;
	struct list_head *root;
	unsigned int hash;

	hash = jhash2(key, data->keylen, NFEMU_CONNCOUNT_RND) % CONNCOUNT_SLOTS;
	root = &data->root[hash];

	list_for_each_entry(rbconn, root, node) {
		int ret;

		if (key_diff(key, rbconn->key, data->keylen))
			continue;
		if (!skb) {
			nf_conncount_gc_list(net, &rbconn->list);
			return rbconn->list.count;
		}
		/* Node might be about to be free'd.  We need to defer to insert_tree() */
		if (rbconn->list.count == 0)
			break;
		/* same source network -> be counted! */
		ret = __nf_conncount_add(net, skb, l3num, &rbconn->list);
		if (ret && ret != -EEXIST)
			return 0;       /* hotdrop */
		/* -EEXIST means add was skipped, update the list */
		if (ret == -EEXIST)
			nf_conncount_gc_list(net, &rbconn->list);
		return rbconn->list.count;
	}
	if (!skb)
		return 0;
	return insert_tree(net, skb, l3num, data, root, hash, key);
}

/* Count and return number of conntrack entries in 'net' with particular 'key'.  If 'skb' is
 * not null, insert the corresponding tuple into the accounting data structure. */
unsigned int nf_conncount_count_skb(struct net *net, const struct sk_buff *skb, u16 l3num,
				    struct nf_conncount_data *data, const u32 *key)
{
	return count_tree(net, skb, l3num, data, key);
}

struct nf_conncount_data *nf_conncount_init(struct net *net, unsigned int keylen)
{
	struct nf_conncount_data *data;

	if (keylen % sizeof(u32) || keylen / sizeof(u32) > MAX_KEYLEN || keylen == 0)
		return ERR_PTR(-EINVAL);
	data = calloc(1, sizeof(*data));
	if (!data)
		return ERR_PTR(-ENOMEM);
	for (unsigned int i = 0; i < ARRAY_SIZE(data->root); ++i)
		INIT_LIST_HEAD(&data->root[i]);
	data->keylen = keylen / sizeof(u32);
	data->net = net;
	return data;
}

void nf_conncount_destroy(struct net *net, struct nf_conncount_data *data)
{
	struct nf_conncount_rb *rbconn, *tmp;

	(void)net;
	if (!data)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(data->root); ++i)
		list_for_each_entry_safe(rbconn, tmp, &data->root[i], node) {
			list_del(&rbconn->node);
			nf_conncount_cache_free(&rbconn->list);
			free(rbconn);
		}
	free(data);
}

/* EMU: a rule's lists in the state file (kernel/rtstate.h): the key length, then each slot's
 * keys in order, each with its list's gc marks and connections, so counting and collecting go
 * on as in one process.  The tuples need not still be in the conntrack table: the next count
 * evicts those that are gone, as it would have. */
void nf_conncount_rt_save(const struct nf_conncount_data *data, struct rts_w *w)
{
	const struct nf_conncount_rb *rbconn;
	u32 nkeys = 0;
	u8 keylen = (u8)data->keylen;

	for (unsigned int i = 0; i < CONNCOUNT_SLOTS; i++)
		list_for_each_entry(rbconn, &data->root[i], node)
			nkeys++;
	RTS_PUT(w, keylen);
	RTS_PUT(w, nkeys);
	for (unsigned int i = 0; i < CONNCOUNT_SLOTS; i++) {
		list_for_each_entry(rbconn, &data->root[i], node) {
			const struct nf_conncount_tuple *conn;
			u8 slot = (u8)i;

			RTS_PUT(w, slot);
			rts_put(w, rbconn->key, sizeof(u32) * data->keylen);
			RTS_PUT(w, rbconn->list.last_gc);
			RTS_PUT(w, rbconn->list.count);
			RTS_PUT(w, rbconn->list.last_gc_count);
			list_for_each_entry(conn, &rbconn->list.head, node) {
				RTS_PUT(w, conn->tuple);
				RTS_PUT(w, conn->zone);
				RTS_PUT(w, conn->jiffies32);
			}
		}
	}
}

int nf_conncount_rt_load(struct nf_conncount_data *data, struct rts_r *r)
{
	u32 nkeys;
	u8 keylen;

	if (!RTS_GET(r, keylen) || !RTS_GET(r, nkeys))
		return -EINVAL;
	if (keylen != data->keylen)
		return rts_bad(r, "key length differs from the rule's");
	for (u32 k = 0; k < nkeys; k++) {
		struct nf_conncount_rb *rbconn = calloc(1, sizeof(*rbconn));
		unsigned int count;
		u8 slot;

		if (!rbconn)
			return rts_bad(r, "out of memory");
		nf_conncount_list_init(data->net, &rbconn->list);
		if (!RTS_GET(r, slot) || !rts_get(r, rbconn->key, sizeof(u32) * data->keylen) ||
		    !RTS_GET(r, rbconn->list.last_gc) || !RTS_GET(r, count) ||
		    !RTS_GET(r, rbconn->list.last_gc_count)) {
			free(rbconn);
			return -EINVAL;
		}
		if (slot != jhash2(rbconn->key, data->keylen, NFEMU_CONNCOUNT_RND) % CONNCOUNT_SLOTS) {
			free(rbconn);
			return rts_bad(r, "a key in the wrong slot");
		}
		/* in the tree at once, so that a failure below frees it with the rule */
		list_add_tail(&rbconn->node, &data->root[slot]);
		for (unsigned int c = 0; c < count; c++) {
			struct nf_conncount_tuple *conn = calloc(1, sizeof(*conn));

			if (!conn)
				return rts_bad(r, "out of memory");
			if (!RTS_GET(r, conn->tuple) || !RTS_GET(r, conn->zone) ||
			    !RTS_GET(r, conn->jiffies32)) {
				free(conn);
				return -EINVAL;
			}
			list_add_tail(&conn->node, &rbconn->list.head);
			rbconn->list.count++;
		}
	}
	return 0;
}

const struct module_info module_info_nf_conncount = {
	.name = "nf_conncount",
	.size = 24576,
	.depends = MODULE_DEPS("nf_conntrack"),
};
