/* emu/ipt_blob.h - EMU: a table's rule blob as IPT_SO_GET_ENTRIES returns it, indexed.
 *
 * Read through the kernel's own handlers (do_ipt_get_ctl: GET_INFO, GET_ENTRIES), so it is
 * byte for byte what iptables receives, and walked as libiptc does (parse_table): a built-in
 * chain starts at its hook_entry, a user chain at an ERROR entry naming it, and an ERROR
 * "ERROR" ends the table.  No kernel counterpart.
 */
#ifndef NFEMU_EMU_IPT_BLOB_H
#define NFEMU_EMU_IPT_BLOB_H

#include <stdbool.h>
#include <linux/netfilter_ipv4/ip_tables.h>

struct net;

struct ipt_blob_entry {
	unsigned int offset;            /* from the start of the entries */
	const struct ipt_entry *e;
	const char *chain;              /* the chain it is in (a built-in hook's or a user chain) */
	unsigned int rule;              /* 1-based rule number in that chain, 0 for a chain head */
	unsigned int hook_entry;        /* mask of the hooks whose hook_entry is this entry */
	unsigned int underflow;         /* mask of the hooks whose underflow is this entry */
	bool head;                      /* ERROR entry opening a user chain */
	bool end;                       /* the ERROR entry ending the table */
	bool tail;                      /* last entry of its chain: policy or the chain's RETURN */
	bool user;                      /* in a user chain (opened by an ERROR entry) */
};

struct ipt_blob {
	struct ipt_getinfo info;        /* IPT_SO_GET_INFO's answer */
	struct ipt_get_entries *get;    /* IPT_SO_GET_ENTRIES' answer: header + info.size bytes */
	unsigned char *entries;         /* get->entrytable */
	struct ipt_blob_entry *idx;     /* one per entry, in blob order */
	unsigned int n;
};

/* The hooks' chain names, "PREROUTING" ... "POSTROUTING". */
extern const char *const ipt_blob_hooknames[NF_INET_NUMHOOKS];

/* GET_INFO and GET_ENTRIES of table through do_ipt_get_ctl, then ipt_blob_index.  Does not
 * create the table: -ENOENT when net has no such table yet.  0 or -errno. */
int ipt_blob_get(struct net *net, const char *table, struct ipt_blob *b);

/* Index a blob already in b (info.valid_hooks, hook_entry, underflow and size set, entries
 * pointing at size bytes): -EINVAL if the entries do not tile it. */
int ipt_blob_index(struct ipt_blob *b);

/* The entry at offset, or NULL. */
const struct ipt_blob_entry *ipt_blob_at(const struct ipt_blob *b, unsigned int offset);

/* "chain INPUT rule 2", "chain in-lan head", "chain in-lan's RETURN" (the closing one),
 * "policy of INPUT", "the table's end". */
void ipt_blob_where(const struct ipt_blob_entry *x, char *buf, unsigned int len);

void ipt_blob_free(struct ipt_blob *b);

#endif
