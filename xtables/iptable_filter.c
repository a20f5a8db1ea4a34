/* xtables/iptable_filter.c - the 'filter' table: INPUT, FORWARD and OUTPUT at priority NF_IP_PRI_FILTER.
 *
 * Mirrors net/ipv4/netfilter/iptable_filter.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * EMU: the module parameter forward= is fixed at its default (FORWARD policy ACCEPT).
 */
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

static const struct xt_table packet_filter = {
	.name = "filter",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_FILTER,
};

static int iptable_filter_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_filter, "iptable_filter", NULL, ipt_do_table, "ipt_do_table", NULL);
}

static int iptable_filter_init(struct net *net, struct module *me)
{
	return xt_register_template(net, me, "filter", iptable_filter_table_init);
}

static void iptable_filter_fini(struct net *net, struct module *me)
{
	(void)me;
	ipt_table_fini_net(net, "filter");
}

const struct module_info module_info_iptable_filter = {
	.name = "iptable_filter",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "x_tables"),
	.init = iptable_filter_init,
	.exit = iptable_filter_fini,
};
