/* emu/ipt_blob.c - EMU: read a table through GET_INFO/GET_ENTRIES and index its entries.
 *
 * See emu/ipt_blob.h.  The walk is libiptc's (parse_table/cache_add_entry): a chain begins at
 * a hook_entry or at an ERROR entry, and its rules are numbered from 1; the kernel knows
 * nothing of chains, only of offsets.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/ipt_blob.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"

const char *const ipt_blob_hooknames[NF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

static const struct xt_entry_target *ipt_blob_target(const struct ipt_entry *e)
{
	return (const void *)((const char *)e + e->target_offset);
}

int ipt_blob_index(struct ipt_blob *b)
{
	unsigned int off = 0, n = 0, rule = 0;
	const char *chain = NULL;
	bool user = false;

	/* count and check the tiling first */
	while (off < b->info.size) {
		const struct ipt_entry *e = (const void *)(b->entries + off);

		if (b->info.size - off < sizeof(*e) || e->next_offset < sizeof(*e) ||
		    e->next_offset > b->info.size - off || e->target_offset < sizeof(*e) ||
		    e->target_offset + sizeof(struct xt_entry_target) > e->next_offset)
			return -EINVAL;
		off += e->next_offset;
		n++;
	}
	b->idx = calloc(n ? n : 1, sizeof(*b->idx));
	if (!b->idx)
		return -ENOMEM;
	b->n = n;
	off = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct ipt_blob_entry *x = &b->idx[i];
		const struct ipt_entry *e = (const void *)(b->entries + off);
		const struct xt_entry_target *t = ipt_blob_target(e);

		x->offset = off;
		x->e = e;
		for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
			if (!(b->info.valid_hooks & (1u << h)))
				continue;
			if (b->info.hook_entry[h] == off) {
				x->hook_entry |= 1u << h;
				if (!(x->hook_entry & ((1u << h) - 1))) {
					chain = ipt_blob_hooknames[h];
					rule = 0;
					user = false;
				}
			}
			if (b->info.underflow[h] == off)
				x->underflow |= 1u << h;
		}
		if (!strcmp(t->u.user.name, XT_ERROR_TARGET)) {
			const char *name = (const char *)t->data;

			if (off + e->next_offset == b->info.size) {
				x->end = true;
				chain = NULL;
			} else {
				x->head = true;
				chain = name;
				rule = 0;
				user = true;
			}
		} else {
			rule++;
		}
		x->chain = chain ? chain : "";
		x->user = user && !x->head && !x->end;
		x->rule = x->head || x->end ? 0 : rule;
		off += e->next_offset;
	}
	/* the tail of each chain: the entry before a head, the end, or another hook's entry */
	for (unsigned int i = 0; i + 1 < n; i++) {
		const struct ipt_blob_entry *next = &b->idx[i + 1];

		if (!b->idx[i].head && !b->idx[i].end && (next->head || next->end || next->hook_entry))
			b->idx[i].tail = true;
	}
	return 0;
}

int ipt_blob_get(struct net *net, const char *table, struct ipt_blob *b)
{
	int len = sizeof(b->info), ret;

	memset(b, 0, sizeof(*b));
	if (!xt_find_table(net, NFPROTO_IPV4, table))
		return -ENOENT;
	snprintf(b->info.name, sizeof(b->info.name), "%s", table);
	ret = do_ipt_get_ctl(net, IPT_SO_GET_INFO, &b->info, &len);
	if (ret < 0)
		return ret;
	len = (int)(sizeof(*b->get) + b->info.size);
	b->get = calloc(1, (size_t)len);
	if (!b->get)
		return -ENOMEM;
	snprintf(b->get->name, sizeof(b->get->name), "%s", table);
	b->get->size = b->info.size;
	ret = do_ipt_get_ctl(net, IPT_SO_GET_ENTRIES, b->get, &len);
	if (ret < 0) {
		ipt_blob_free(b);
		return ret;
	}
	b->entries = (unsigned char *)b->get->entrytable;
	ret = ipt_blob_index(b);
	if (ret < 0)
		ipt_blob_free(b);
	return ret;
}

const struct ipt_blob_entry *ipt_blob_at(const struct ipt_blob *b, unsigned int offset)
{
	unsigned int lo = 0, hi = b->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->idx[mid].offset == offset)
			return &b->idx[mid];
		if (b->idx[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void ipt_blob_where(const struct ipt_blob_entry *x, char *buf, unsigned int len)
{
	if (x->end)
		snprintf(buf, len, "the table's end");
	else if (x->head)
		snprintf(buf, len, "chain %s head", x->chain);
	else if (x->underflow)
		snprintf(buf, len, "policy of %s", x->chain);
	else if (x->tail && x->user)
		snprintf(buf, len, "chain %s's RETURN", x->chain);
	else
		snprintf(buf, len, "chain %s rule %u", x->chain, x->rule);
}

void ipt_blob_free(struct ipt_blob *b)
{
	free(b->get);
	free(b->idx);
	b->get = NULL;
	b->idx = NULL;
	b->entries = NULL;
	b->n = 0;
}
