/* hooks/netfilter.h - netfilter hook registration: nf_hook_ops and the per-net hook lists.
 *
 * Mirrors include/linux/netfilter.h and net/netfilter/core.c: each (pf, hooknum) has an
 * array of entries sorted by priority, walked in order by nf_hook_slow.
 * EMU: the kernel swaps whole nf_hook_entries blobs under RCU; nfemu edits one array.
 */
#ifndef NFEMU_HOOKS_NETFILTER_H
#define NFEMU_HOOKS_NETFILTER_H

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include "kernel/kernel.h"
#include "hooks/nf_log.h"

struct sk_buff;
struct net_device;
struct sock;

typedef int (*nf_okfn_t)(struct net *net, struct sock *sk, struct sk_buff *skb);

struct nf_hook_state {
	u8 hook;
	u8 pf;
	struct net_device *in;
	struct net_device *out;
	struct sock *sk;
	struct net *net;
	nf_okfn_t okfn;
};

typedef unsigned int nf_hookfn(void *priv, struct sk_buff *skb, const struct nf_hook_state *state);

struct nf_hook_ops {
	nf_hookfn *hook;
	struct net_device *dev;
	void *priv;
	u8 pf;
	unsigned int hooknum;
	int priority;
	/* EMU: what kallsyms' "%ps" gives for hook in Linux, which nfnetlink_hook reports and
	 * `nft list hooks` prints as "ipv4_conntrack_in [nf_conntrack]": the function's name
	 * (also used in fate lines) and the module its code is in (`nfemu hooks`). */
	const char *name;
	const char *module;
};

#define NF_MAX_HOOK_ENTRIES 64

struct nf_hook_entries {
	unsigned int num_hook_entries;
	const struct nf_hook_ops *ops[NF_MAX_HOOK_ENTRIES];
};

struct nf_conn;

/* What conntrack calls in NAT (include/linux/netfilter.h struct nf_nat_hook), set while
 * nf_nat is loaded.  EMU: per net (Linux: the global nf_nat_hook); add_nat_bysrc puts an entry
 * restored from the state file back into the bysource hash. */
struct nf_nat_hook {
	void (*remove_nat_bysrc)(struct nf_conn *ct);
	void (*add_nat_bysrc)(struct nf_conn *ct);
};

struct netns_nf {
	struct nf_hook_entries hooks_ipv4[NF_INET_NUMHOOKS];
	struct netns_nf_log log;
	const struct nf_nat_hook *nat_hook;
};

static inline void nf_hook_state_init(struct nf_hook_state *p, unsigned int hook, u8 pf,
				      struct net_device *indev, struct net_device *outdev,
				      struct sock *sk, struct net *net, nf_okfn_t okfn)
{
	p->hook = hook;
	p->pf = pf;
	p->in = indev;
	p->out = outdev;
	p->sk = sk;
	p->net = net;
	p->okfn = okfn;
}

/* Walk the hooks from entry s: 1 = all accepted (call okfn), 0 = stolen/queued, <0 = dropped
 * (the skb is freed). */
int nf_hook_slow(struct sk_buff *skb, struct nf_hook_state *state, const struct nf_hook_entries *e,
		 unsigned int s);
/* NF_HOOK: run the hooks, then okfn if they all accepted. */
int NF_HOOK(u8 pf, unsigned int hook, struct net *net, struct sock *sk, struct sk_buff *skb,
	    struct net_device *in, struct net_device *out, nf_okfn_t okfn);
/* nf_hook: run the hooks only (1 = continue, as in Linux). */
int nf_hook(u8 pf, unsigned int hook, struct net *net, struct sock *sk, struct sk_buff *skb,
	    struct net_device *in, struct net_device *out, nf_okfn_t okfn);

/* Insert ops into (or take it out of) a list that is not one of the net's hook points, kept in
 * priority order: NAT's lookup hooks (nf_hook_entries_insert_raw/_delete_raw). */
int nf_hook_entries_insert_raw(struct nf_hook_entries *e, const struct nf_hook_ops *reg);
void nf_hook_entries_delete_raw(struct nf_hook_entries *e, const struct nf_hook_ops *reg);

int nf_register_net_hook(struct net *net, const struct nf_hook_ops *ops);
void nf_unregister_net_hook(struct net *net, const struct nf_hook_ops *ops);
int nf_register_net_hooks(struct net *net, const struct nf_hook_ops *reg, unsigned int n);
void nf_unregister_net_hooks(struct net *net, const struct nf_hook_ops *reg, unsigned int n);

#endif
