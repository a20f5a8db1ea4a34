/* xtables/iptable_raw.c - the 'raw' table: PREROUTING and OUTPUT at priority NF_IP_PRI_RAW, before conntrack.
 *
 * Mirrors net/ipv4/netfilter/iptable_raw.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * EMU: the raw_before_defrag parameter is fixed at its default (off).
 */
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_OUT))

static const struct xt_table packet_raw = {
	.name = "raw",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_RAW,
};

static int iptable_raw_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_raw, "iptable_raw", NULL, ipt_do_table, "ipt_do_table", NULL);
}

static int iptable_raw_init(struct net *net, struct module *me)
{
	return xt_register_template(net, me, "raw", iptable_raw_table_init);
}

static void iptable_raw_fini(struct net *net, struct module *me)
{
	(void)me;
	ipt_table_fini_net(net, "raw");
}

const struct module_info module_info_iptable_raw = {
	.name = "iptable_raw",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "x_tables"),
	.init = iptable_raw_init,
	.exit = iptable_raw_fini,
};
