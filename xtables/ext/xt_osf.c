/* xtables/ext/xt_osf.c - the "osf" match: passive OS fingerprinting of TCP SYNs.
 *
 * Mirrors net/netfilter/xt_osf.c, which has no checkentry: only -p tcp (.proto) and the
 * hooks PREROUTING, INPUT, FORWARD, enforced by xt_check_match.  The fingerprints live in
 * nfnetlink_osf, which this module depends on.  Leaves out the packet path (.match NULL).
 */
#include <linux/netfilter/xt_osf.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

static const struct xt_match xt_osf_match = {
	.name		= "osf",
	.match		= xt_unemulated_match,
	.revision	= 0,
	.family		= NFPROTO_IPV4,
	.proto		= IPPROTO_TCP,
	.hooks		= (1 << NF_INET_LOCAL_IN) |
			  (1 << NF_INET_PRE_ROUTING) |
			  (1 << NF_INET_FORWARD),
	.matchsize	= sizeof(struct xt_osf_info),
};

static int xt_osf_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &xt_osf_match);
}

static void xt_osf_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &xt_osf_match);
}

const struct module_info module_info_xt_osf = {
	.name = "xt_osf",
	.size = 12288,
	.depends = MODULE_DEPS("nfnetlink_osf", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_osf", "ip6t_osf"),
	.init = xt_osf_init,
	.exit = xt_osf_fini,
};
