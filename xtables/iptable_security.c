/* xtables/iptable_security.c - the 'security' table: INPUT, FORWARD and OUTPUT at priority NF_IP_PRI_SECURITY, after filter.
 *
 * Mirrors net/ipv4/netfilter/iptable_security.c: the module registers a template, and the table is
 * created in a net on its first use (xt_find_table_lock), with ACCEPT policies.
 * 
 */
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"

#define TABLE_VALID_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

static const struct xt_table packet_security = {
	.name = "security",
	.valid_hooks = TABLE_VALID_HOOKS,
	.af = NFPROTO_IPV4,
	.priority = NF_IP_PRI_SECURITY,
};

static int iptable_security_table_init(struct net *net)
{
	return ipt_table_init_net(net, &packet_security, "iptable_security", NULL, ipt_do_table, "ipt_do_table", NULL);
}

static int iptable_security_init(struct net *net, struct module *me)
{
	return xt_register_template(net, me, "security", iptable_security_table_init);
}

static void iptable_security_fini(struct net *net, struct module *me)
{
	(void)me;
	ipt_table_fini_net(net, "security");
}

const struct module_info module_info_iptable_security = {
	.name = "iptable_security",
	.size = 12288,
	.depends = MODULE_DEPS("ip_tables", "x_tables"),
	.init = iptable_security_init,
	.exit = iptable_security_fini,
};
