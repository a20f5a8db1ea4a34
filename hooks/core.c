/* hooks/core.c - netfilter hook registration (net/netfilter/core.c).
 *
 * Each (pf, hooknum) keeps its hook entries sorted by priority; an entry of equal priority
 * goes after the ones already there, as nf_hook_entries_grow() inserts it.
 * EMU: one array edited in place instead of a new RCU-published blob per change.
 * nf_hook_slow() arrives with the packet path.
 */
#include "emu/net.h"
#include "hooks/netfilter.h"

static struct nf_hook_entries *nf_hook_entry_head(struct net *net, int pf, unsigned int hooknum)
{
	if (pf != NFPROTO_IPV4 || hooknum >= NF_INET_NUMHOOKS)
		return NULL;
	return &net->nf.hooks_ipv4[hooknum];
}

int nf_register_net_hook(struct net *net, const struct nf_hook_ops *reg)
{
	struct nf_hook_entries *e = nf_hook_entry_head(net, reg->pf, reg->hooknum);
	unsigned int i;

	if (!e)
		return -EINVAL;
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

void nf_unregister_net_hook(struct net *net, const struct nf_hook_ops *reg)
{
	struct nf_hook_entries *e = nf_hook_entry_head(net, reg->pf, reg->hooknum);

	if (!e)
		return;
	for (unsigned int i = 0; i < e->num_hook_entries; i++) {
		if (e->ops[i] != reg)
			continue;
		memmove(&e->ops[i], &e->ops[i + 1], (e->num_hook_entries - i - 1) * sizeof(e->ops[0]));
		e->num_hook_entries--;
		return;
	}
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
