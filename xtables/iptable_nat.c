/* xtables/iptable_nat.c - the 'nat' table: PREROUTING/OUTPUT before filter (NAT_DST), INPUT/POSTROUTING after (NAT_SRC).
 *
 * Mirrors net/ipv4/netfilter/iptable_nat.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * EMU: Linux registers these hooks with the NAT core (nf_nat_ipv4_register_fn) so only the first packet of a connection walks the table; that comes with nat/.
 */
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_LOCAL_IN))

static const struct xt_table packet_nat = {
	.name = "nat",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_NAT_DST,
};

static const int nf_nat_ipv4_prio[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = NF_IP_PRI_NAT_DST,
	[NF_INET_LOCAL_IN] = NF_IP_PRI_NAT_SRC,
	[NF_INET_LOCAL_OUT] = NF_IP_PRI_NAT_DST,
	[NF_INET_POST_ROUTING] = NF_IP_PRI_NAT_SRC,
};

static int iptable_nat_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_nat, "iptable_nat", NULL, ipt_do_table, nf_nat_ipv4_prio);
}

static int iptable_nat_init(struct net *net, struct module *me)
{
	return xt_register_template(net, me, "nat", iptable_nat_table_init);
}

static void iptable_nat_fini(struct net *net, struct module *me)
{
	(void)me;
	ipt_table_fini_net(net, "nat");
}

const struct module_info module_info_iptable_nat = {
	.name = "iptable_nat",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "nf_nat", "x_tables"),
	.init = iptable_nat_init,
	.exit = iptable_nat_fini,
};
