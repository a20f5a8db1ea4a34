/* xtables/iptable_mangle.c - the 'mangle' table: every hook at priority NF_IP_PRI_MANGLE.
 *
 * Mirrors net/ipv4/netfilter/iptable_mangle.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * Rerouting after an OUTPUT mark change comes with the packet path.
 */
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING))

static const struct xt_table packet_mangle = {
	.name = "mangle",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_MANGLE,
};

static int iptable_mangle_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_mangle, "iptable_mangle", NULL, ipt_do_table, NULL);
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
