/* xtables/ip_tables.h - IPv4 tables: translate_table, the sockopt ABI, ipt_do_table.
 *
 * Mirrors include/linux/netfilter_ipv4/ip_tables.h and net/ipv4/netfilter/ip_tables.c.
 */
#ifndef NFEMU_XTABLES_IP_TABLES_H
#define NFEMU_XTABLES_IP_TABLES_H

#include <linux/netfilter_ipv4/ip_tables.h>
#include "xtables/x_tables.h"
#include "hooks/netfilter.h"

struct net;

/*
 * Kernel-internal shapes of the two fixed entries (include/linux/netfilter_ipv4/ip_tables.h).
 * EMU: Linux declares them with a struct ipt_entry member, which ends in the flexible elems[]:
 * ISO C does not allow that inside another struct, and clang refuses it
 * (-Wgnu-variable-sized-type-not-at-end).  The same bytes, with the entry as its fixed-size
 * part; ipt_standard_entry()/ipt_error_entry() give the struct ipt_entry view of it.
 */
struct ipt_standard {
	_Alignas(struct ipt_entry) unsigned char entry[sizeof(struct ipt_entry)];
	struct xt_standard_target target;
};

struct ipt_error {
	_Alignas(struct ipt_entry) unsigned char entry[sizeof(struct ipt_entry)];
	struct xt_error_target target;
};

_Static_assert(__builtin_offsetof(struct ipt_standard, target) == sizeof(struct ipt_entry),
	       "struct ipt_standard: the target follows the entry, as in Linux");
_Static_assert(__builtin_offsetof(struct ipt_error, target) == sizeof(struct ipt_entry),
	       "struct ipt_error: the target follows the entry, as in Linux");

static inline struct ipt_entry *ipt_standard_entry(struct ipt_standard *s)
{
	return (struct ipt_entry *)s->entry;
}

static inline struct ipt_entry *ipt_error_entry(struct ipt_error *s)
{
	return (struct ipt_entry *)s->entry;
}

/* The getsockopt/setsockopt entry points, as nf_sockopt_ops for PF_INET.  They return 0
 * (or, for the revision queries, the best revision) or a negative errno, exactly the errno
 * Linux returns.  *len is in/out for get. */
int do_ipt_get_ctl(struct net *net, int cmd, void *user, int *len);
int do_ipt_set_ctl(struct net *net, int cmd, const void *user, unsigned int len);

/* Table modules (iptable_filter, ...) */
void *ipt_alloc_initial_table(const struct xt_table *info);
int ipt_register_table(struct net *net, const struct xt_table *table,
		       const struct ipt_replace *repl, const struct nf_hook_ops *template_ops);
void ipt_unregister_table_pre_exit(struct net *net, const char *name);
void ipt_unregister_table_exit(struct net *net, const char *name);

/* The packet path: walk the table registered as priv for the hook in state. */
unsigned int ipt_do_table(void *priv, struct sk_buff *skb, const struct nf_hook_state *state);

/* EMU: where the entry at offset in private's rules is, as TRACE names it (chain, and
 * "rule"/"return"/"policy" with its number): for the observer's skb->emu_verdict. */
void ipt_verdict_location(const struct xt_table_info *private, unsigned int hook, unsigned int offset,
			  const char **chainname, const char **comment, unsigned int *rulenum);

/* EMU: facts for wording the entry at offset: the hook's policy, the RETURN closing a user
 * chain, its target's name and data. */
void ipt_verdict_entry(const struct xt_table_info *private, unsigned int hook, unsigned int offset,
		       bool *policy, bool *chain_end, const char **target, const void **targinfo);

/* EMU: -EOPNOTSUPP (with the rule named in buf) if a rule uses an extension that nfemu
 * validates but does not emulate at run time; replay refuses such rulesets. */
int ipt_check_emulated(struct net *net, char *buf, size_t len);
/* EMU: call warn once per rule whose -i/-o names no device of the net (with a '+' wildcard:
 * matches none), naming it as iptables-save users count ("filter FORWARD rule 3"). */
void ipt_check_interfaces(struct net *net, void (*warn)(void *ctx, const char *msg), void *ctx);

/* EMU: the location of the last refusal (rule number and byte offset) for error lines. */
struct ipt_refusal {
	int rule;                       /* 1-based entry index, 0 = none */
	unsigned int offset;            /* byte offset of that entry in the blob */
};

#endif

/* The shared body of the iptable_* modules' table_init: build the initial table (policies
 * ACCEPT, optionally adjusted by fixup), register it with hooks calling fn (the kernel's
 * function name fn_name) at the table's priority (per-hook priorities from prio[] when
 * given), owned by module `owner`. */
int ipt_table_init_net(struct net *net, const struct xt_table *tmpl, const char *owner,
		       void (*fixup)(struct ipt_replace *repl), nf_hookfn *fn, const char *fn_name,
		       const int *prio);
/* The shared body of their module exit. */
void ipt_table_fini_net(struct net *net, const char *name);
