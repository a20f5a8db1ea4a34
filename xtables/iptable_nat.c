/* xtables/iptable_nat.c - the 'nat' table: its chains run inside the NAT core's hooks.
 *
 * Mirrors net/ipv4/netfilter/iptable_nat.c: the module registers a template; on first use the
 * table is created with ACCEPT policies and its four chains are handed to the NAT core
 * (nf_nat_ipv4_register_fn) instead of being hooks of their own.  The core's hooks
 * (nf_nat_ipv4_pre_routing and friends, NF_IP_PRI_NAT_DST/-100 at PREROUTING and OUTPUT,
 * NF_IP_PRI_NAT_SRC/100 at INPUT and POSTROUTING) call ipt_do_table only for a connection that
 * has no binding yet for that hook's manipulation: the nat table sees the first packet of a
 * connection, and later ones follow the binding.
 */
#include <stdlib.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "nat/nf_nat.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_LOCAL_IN))

/* struct iptable_nat_pernet */
struct iptable_nat_pernet {
	struct nf_hook_ops *nf_nat_ops;
};

static const struct xt_table nf_nat_ipv4_table = {
	.name = "nat",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_NAT_DST,
};

static const struct nf_hook_ops nf_nat_ipv4_table_ops[] = {
	{ .hook = ipt_do_table, .pf = NFPROTO_IPV4, .hooknum = NF_INET_PRE_ROUTING,
	  .priority = NF_IP_PRI_NAT_DST, .name = "ipt_do_table", .module = "ip_tables" },
	{ .hook = ipt_do_table, .pf = NFPROTO_IPV4, .hooknum = NF_INET_POST_ROUTING,
	  .priority = NF_IP_PRI_NAT_SRC, .name = "ipt_do_table", .module = "ip_tables" },
	{ .hook = ipt_do_table, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_NAT_DST, .name = "ipt_do_table", .module = "ip_tables" },
	{ .hook = ipt_do_table, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_NAT_SRC, .name = "ipt_do_table", .module = "ip_tables" },
};

static int ipt_nat_register_lookups(struct net *net)
{
	struct iptable_nat_pernet *xt_nat_net = net_generic(net, NET_GENERIC_IPTABLE_NAT);
	struct nf_hook_ops *ops;
	struct xt_table *table;
	unsigned int i;
	int ret;

	table = xt_find_table(net, NFPROTO_IPV4, "nat");
	if (!table || !xt_nat_net)
		return -ENOENT;

	ops = malloc(sizeof(nf_nat_ipv4_table_ops));
	if (!ops)
		return -ENOMEM;
	memcpy(ops, nf_nat_ipv4_table_ops, sizeof(nf_nat_ipv4_table_ops));

	for (i = 0; i < ARRAY_SIZE(nf_nat_ipv4_table_ops); i++) {
		ops[i].priv = table;
		ret = nf_nat_ipv4_register_fn(net, &ops[i]);
		if (ret) {
			while (i)
				nf_nat_ipv4_unregister_fn(net, &ops[--i]);
			free(ops);
			return ret;
		}
	}

	xt_nat_net->nf_nat_ops = ops;
	return 0;
}

static void ipt_nat_unregister_lookups(struct net *net)
{
	struct iptable_nat_pernet *xt_nat_net = net_generic(net, NET_GENERIC_IPTABLE_NAT);
	struct nf_hook_ops *ops = xt_nat_net ? xt_nat_net->nf_nat_ops : NULL;

	if (!ops)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(nf_nat_ipv4_table_ops); i++)
		nf_nat_ipv4_unregister_fn(net, &ops[i]);
	free(ops);
	xt_nat_net->nf_nat_ops = NULL;
}

static int iptable_nat_table_init(struct net *net)
{
	int ret = ipt_table_init_net(net, &nf_nat_ipv4_table, "iptable_nat", NULL, NULL, NULL, NULL);

	if (ret < 0)
		return ret;
	ret = ipt_nat_register_lookups(net);
	if (ret < 0)
		ipt_unregister_table_exit(net, "nat");
	return ret;
}

static int iptable_nat_init(struct net *net, struct module *me)
{
	struct iptable_nat_pernet *xt_nat_net = calloc(1, sizeof(*xt_nat_net));
	int ret;

	if (!xt_nat_net)
		return -ENOMEM;
	net->gen[NET_GENERIC_IPTABLE_NAT] = xt_nat_net;
	ret = xt_register_template(net, me, "nat", iptable_nat_table_init);
	if (ret < 0) {
		net->gen[NET_GENERIC_IPTABLE_NAT] = NULL;
		free(xt_nat_net);
	}
	return ret;
}

static void iptable_nat_fini(struct net *net, struct module *me)
{
	(void)me;
	/* iptable_nat_net_pre_exit, then iptable_nat_net_exit */
	ipt_nat_unregister_lookups(net);
	ipt_table_fini_net(net, "nat");
	free(net->gen[NET_GENERIC_IPTABLE_NAT]);
	net->gen[NET_GENERIC_IPTABLE_NAT] = NULL;
}

const struct module_info module_info_iptable_nat = {
	.name = "iptable_nat",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "nf_nat", "x_tables"),
	.init = iptable_nat_init,
	.exit = iptable_nat_fini,
};
