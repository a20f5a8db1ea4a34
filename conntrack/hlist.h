/* conntrack/hlist.h - hash-bucket lists with the names of <linux/list.h>'s hlist.
 *
 * The conntrack hash is an array of hlist_head, one pointer per bucket, each entry linked
 * into two chains (its ORIGINAL and REPLY tuples), newest first as hlist_add_head puts it.
 * EMU: plain hlists instead of hlist_nulls (no RCU readers, so no nulls markers); this file
 * could move to kernel/list.h if other code wants hlists.
 */
#ifndef NFEMU_CONNTRACK_HLIST_H
#define NFEMU_CONNTRACK_HLIST_H

#include <stdbool.h>
#include <stddef.h>

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void INIT_HLIST_NODE(struct hlist_node *h)
{
	h->next = NULL;
	h->pprev = NULL;
}

static inline bool hlist_unhashed(const struct hlist_node *h)
{
	return !h->pprev;
}

static inline bool hlist_empty(const struct hlist_head *h)
{
	return !h->first;
}

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	if (first)
		first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (hlist_unhashed(n))
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	INIT_HLIST_NODE(n);
}

#define hlist_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define hlist_entry_safe(ptr, type, member) \
	({ __typeof__(ptr) ____ptr = (ptr); ____ptr ? hlist_entry(____ptr, type, member) : NULL; })

#define hlist_for_each_entry(pos, head, member)                                          \
	for (pos = hlist_entry_safe((head)->first, __typeof__(*(pos)), member); pos;      \
	     pos = hlist_entry_safe((pos)->member.next, __typeof__(*(pos)), member))

/* Safe against removal of pos (n holds the next node). */
#define hlist_for_each_entry_safe(pos, n, head, member)                                  \
	for (pos = hlist_entry_safe((head)->first, __typeof__(*pos), member);             \
	     pos && ({ n = pos->member.next; 1; });                                         \
	     pos = hlist_entry_safe(n, __typeof__(*pos), member))

#endif
