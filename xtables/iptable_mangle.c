/* xtables/iptable_mangle.c - the 'mangle' table: every hook at priority NF_IP_PRI_MANGLE.
 *
 * Mirrors net/ipv4/netfilter/iptable_mangle.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * On OUTPUT, ipt_mangle_out re-routes a packet whose mark, addresses or TOS the table
 * changed (ip_route_me_harder), so the new route is the one the packet leaves by.
 */
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING))

static const struct xt_table packet_mangle = {
	.name = "mangle",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_MANGLE,
};

/* Save things which could affect the route, walk the table, and re-route for any change. */
static unsigned int ipt_mangle_out(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be32 saddr = iph->saddr, daddr = iph->daddr;
	u32 mark = skb->mark;
	u8 tos = iph->tos;
	unsigned int ret, verdict;
	int err;

	ret = ipt_do_table(priv, skb, state);
	verdict = ret & NF_VERDICT_MASK;
	/* Reroute for ANY change. */
	if (verdict != NF_DROP && verdict != NF_STOLEN) {
		iph = ip_hdr(skb);
		if (iph->saddr != saddr || iph->daddr != daddr || skb->mark != mark || iph->tos != tos) {
			err = ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC);
			if (err < 0)
				ret = ((unsigned int)(-err) << NF_VERDICT_QBITS) | NF_DROP;     /* NF_DROP_ERR */
		}
	}
	return ret;
}

/* The table's hook function: the kernel's iptable_mangle_hook. */
static unsigned int iptable_mangle_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	if (state->hook == NF_INET_LOCAL_OUT)
		return ipt_mangle_out(priv, skb, state);
	return ipt_do_table(priv, skb, state);
}

static int iptable_mangle_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_mangle, "iptable_mangle", NULL, iptable_mangle_hook,
				  "iptable_mangle_hook", NULL);
}

static int iptable_mangle_init(struct net *net, struct module *me)
{
	return xt_register_template(net, me, "mangle", iptable_mangle_table_init);
}

static void iptable_mangle_fini(struct net *net, struct module *me)
{
	(void)me;
	ipt_table_fini_net(net, "mangle");
}

const struct module_info module_info_iptable_mangle = {
	.name = "iptable_mangle",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "x_tables"),
	.init = iptable_mangle_init,
	.exit = iptable_mangle_fini,
};
