/* xtables/ext/xt_TPROXY.c - the TPROXY target: deliver a forwarded TCP/UDP packet to a
 * local transparent socket (and mark it), mangle table PREROUTING only.
 *
 * Mirrors the IPv4 half of net/netfilter/xt_TPROXY.c (revisions 0 and 1): checkentry turns
 * on IPv4 defragmentation, then requires a non-inverted "-p tcp" or "-p udp".
 * Leaves out: tproxy_tg4_v0/v1 (need sockets and the packet path).
 */
#include <netinet/in.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"

/* EMU: nf_defrag_ipv4 counts its users per netns and registers its defragmentation hooks
 * for the first; with no packet path there is nothing to register yet.  (Linux does not
 * undo the enable when the protocol check below fails; neither has anything to undo.) */
static inline int nf_defrag_ipv4_enable(struct net *net) { (void)net; return 0; }
static inline void nf_defrag_ipv4_disable(struct net *net) { (void)net; }

static int tproxy_tg4_check(const struct xt_tgchk_param *par)
{
	const struct ipt_ip *i = par->entryinfo;
	int err;

	err = nf_defrag_ipv4_enable(par->net);
	if (err)
		return err;

	if ((i->proto == IPPROTO_TCP || i->proto == IPPROTO_UDP)
	    && !(i->invflags & IPT_INV_PROTO))
		return 0;

	pr_info_ratelimited(par->net, "xt_TPROXY: Can be used only with -p tcp or -p udp\n");
	return -EINVAL;
}

static void tproxy_tg4_destroy(const struct xt_tgdtor_param *par)
{
	nf_defrag_ipv4_disable(par->net);
}

static const struct xt_target tproxy_tg_reg[] = {
	{
		.name       = "TPROXY",
		.target    = xt_unemulated_target,
		.family     = NFPROTO_IPV4,
		.table      = "mangle",
		.revision   = 0,
		.targetsize = sizeof(struct xt_tproxy_target_info),
		.checkentry = tproxy_tg4_check,
		.destroy    = tproxy_tg4_destroy,
		.hooks      = 1 << NF_INET_PRE_ROUTING,
	},
	{
		.name       = "TPROXY",
		.target    = xt_unemulated_target,
		.family     = NFPROTO_IPV4,
		.table      = "mangle",
		.revision   = 1,
		.targetsize = sizeof(struct xt_tproxy_target_info_v1),
		.checkentry = tproxy_tg4_check,
		.destroy    = tproxy_tg4_destroy,
		.hooks      = 1 << NF_INET_PRE_ROUTING,
	},
};

static int tproxy_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tproxy_tg_reg, ARRAY_SIZE(tproxy_tg_reg));
}

static void tproxy_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tproxy_tg_reg, ARRAY_SIZE(tproxy_tg_reg));
}

/* Debian's xt_TPROXY also depends on nf_tproxy_ipv6, which nfemu does not have. */
const struct module_info module_info_xt_TPROXY = {
	.name = "xt_TPROXY",
	.size = 16384,
	.depends = MODULE_DEPS("nf_tproxy_ipv4", "nf_defrag_ipv6", "nf_defrag_ipv4", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_TPROXY", "ip6t_TPROXY"),
	.init = tproxy_tg_init,
	.exit = tproxy_tg_exit,
};
