/* hooks/core.c - netfilter hook registration (net/netfilter/core.c).
 *
 * Each (pf, hooknum) keeps its hook entries sorted by priority; an entry of equal priority
 * goes after the ones already there, as nf_hook_entries_grow() inserts it.
 * NF_HOOK() runs them with nf_hook_slow() and calls okfn when they all accepted.
 * EMU: one array edited in place instead of a new RCU-published blob per change.
 */
#include <stdio.h>
#include "kernel/net.h"
#include "hooks/netfilter.h"
#include "hooks/nf_queue.h"
#include "netstack/skbuff.h"

static struct nf_hook_entries *nf_hook_entry_head(struct net *net, int pf, unsigned int hooknum)
{
	if (pf != NFPROTO_IPV4 || hooknum >= NF_INET_NUMHOOKS)
		return NULL;
	return &net->nf.hooks_ipv4[hooknum];
}

int nf_hook_entries_insert_raw(struct nf_hook_entries *e, const struct nf_hook_ops *reg)
{
	unsigned int i;

	if (e->num_hook_entries >= NF_MAX_HOOK_ENTRIES)
		return -E2BIG;
	for (i = 0; i < e->num_hook_entries; i++)
		if (reg->priority < e->ops[i]->priority)
			break;
	memmove(&e->ops[i + 1], &e->ops[i], (e->num_hook_entries - i) * sizeof(e->ops[0]));
	e->ops[i] = reg;
	e->num_hook_entries++;
	return 0;
}

void nf_hook_entries_delete_raw(struct nf_hook_entries *e, const struct nf_hook_ops *reg)
{
	for (unsigned int i = 0; i < e->num_hook_entries; i++) {
		if (e->ops[i] != reg)
			continue;
		memmove(&e->ops[i], &e->ops[i + 1], (e->num_hook_entries - i - 1) * sizeof(e->ops[0]));
		e->num_hook_entries--;
		return;
	}
}

int nf_register_net_hook(struct net *net, const struct nf_hook_ops *reg)
{
	struct nf_hook_entries *e = nf_hook_entry_head(net, reg->pf, reg->hooknum);

	if (!e)
		return -EINVAL;
	return nf_hook_entries_insert_raw(e, reg);
}

void nf_unregister_net_hook(struct net *net, const struct nf_hook_ops *reg)
{
	struct nf_hook_entries *e = nf_hook_entry_head(net, reg->pf, reg->hooknum);

	if (e)
		nf_hook_entries_delete_raw(e, reg);
}

int nf_register_net_hooks(struct net *net, const struct nf_hook_ops *reg, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = nf_register_net_hook(net, &reg[i]);
		if (err)
			goto err;
	}
	return 0;
err:
	while (i-- > 0)
		nf_unregister_net_hook(net, &reg[i]);
	return err;
}

void nf_unregister_net_hooks(struct net *net, const struct nf_hook_ops *reg, unsigned int n)
{
	while (n-- > 0)
		nf_unregister_net_hook(net, &reg[n]);
}

/* ---------------------------------------------------------------- the walk */

static unsigned int nf_hook_entry_hookfn(const struct nf_hook_ops *ops, struct sk_buff *skb,
					 struct nf_hook_state *state)
{
	return ops->hook(ops->priv, skb, state);
}

/*
 * Run the hooks of one (pf, hooknum) from entry s, in priority order.  Returns 1 when every
 * hook accepted (the caller goes on with okfn), 0 when the packet was stolen or queued, and a
 * negative errno when it was dropped (the skb is freed here, as in Linux).
 * EMU: NF_REPEAT and NF_STOP are not verdicts a hook may return here in Linux 6.x either
 * (conntrack handles its repeat internally); they take the WARN_ON_ONCE path: treated as stolen.
 */
int nf_hook_slow(struct sk_buff *skb, struct nf_hook_state *state, const struct nf_hook_entries *e,
		 unsigned int s)
{
	unsigned int verdict;
	int ret;

	for (; s < e->num_hook_entries; s++) {
		if (state->net->observer.walk) {        /* EMU: the call, before what it does */
			struct nfemu_hook_event he = { .ops = e->ops[s], .index = (u8)s,
						       .count = (u8)e->num_hook_entries };
			struct nfemu_event ev = { .type = NFEMU_EV_HOOK_CALL, .skb = skb, .hook = &he };

			nfemu_observe(state->net, &ev);
		}
		verdict = nf_hook_entry_hookfn(e->ops[s], skb, state);
		if (state->net->observer.walk) {        /* EMU */
			struct nfemu_hook_event he = { .ops = e->ops[s], .verdict = verdict,
						       .index = (u8)s, .count = (u8)e->num_hook_entries };
			struct nfemu_event ev = { .type = NFEMU_EV_HOOK, .skb = skb, .hook = &he };

			nfemu_observe(state->net, &ev);
		}
		switch (verdict & NF_VERDICT_MASK) {
		case NF_ACCEPT:
			break;
		case NF_DROP:
			/* EMU: a drop no rule decided (conntrack, NAT) is told by the hook's name */
			if (skb->emu_verdict.kind == NFEMU_VERDICT_NONE && e->ops[s]->name) {
				skb->emu_verdict.kind = NFEMU_VERDICT_FUNC;
				skb->emu_verdict.func = e->ops[s]->name;
			}
			kfree_skb_reason(skb, SKB_DROP_REASON_NETFILTER_DROP);
			ret = -(int)(verdict >> NF_VERDICT_QBITS);      /* NF_DROP_GETERR */
			if (ret == 0)
				ret = -EPERM;
			return ret;
		case NF_QUEUE:
			ret = nf_queue(skb, state, s, verdict);
			if (ret == 1)
				continue;
			return ret;
		case NF_STOLEN: {
			struct nfemu_event ev = { .type = NFEMU_EV_STOLEN, .skb = skb,
						  .where = e->ops[s]->name };

			nfemu_observe(state->net, &ev);
			return -(int)(verdict >> NF_VERDICT_QBITS);
		}
		default:
			nfemu_printk(state->net, "warn", "nf_hook_slow: unexpected verdict %u from %s",
				     verdict, e->ops[s]->name ? e->ops[s]->name : "?");
			return 0;
		}
	}
	return 1;
}

int nf_hook(u8 pf, unsigned int hook, struct net *net, struct sock *sk, struct sk_buff *skb,
	    struct net_device *in, struct net_device *out, nf_okfn_t okfn)
{
	struct nf_hook_entries *hook_head = nf_hook_entry_head(net, pf, hook);
	struct nf_hook_state state;

	if (!hook_head || !hook_head->num_hook_entries)
		return 1;
	nf_hook_state_init(&state, hook, pf, in, out, sk, net, okfn);
	return nf_hook_slow(skb, &state, hook_head, 0);
}

int NF_HOOK(u8 pf, unsigned int hook, struct net *net, struct sock *sk, struct sk_buff *skb,
	    struct net_device *in, struct net_device *out, nf_okfn_t okfn)
{
	int ret = nf_hook(pf, hook, net, sk, skb, in, out, okfn);

	if (ret == 1)
		ret = okfn(net, sk, skb);
	return ret;
}
