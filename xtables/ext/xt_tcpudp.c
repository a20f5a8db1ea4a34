/* xtables/ext/xt_tcpudp.c - the "tcp", "udp", "udplite" and "icmp" matches (IPv4).
 *
 * Mirrors net/netfilter/xt_tcpudp.c: registrations and checkentry (unknown inversion flags
 * are refused with EINVAL).  The protocol restriction (-p tcp ...) is enforced by
 * xt_check_match through .proto.  Leaves out the IPv6 registrations (tcp/udp/udplite/icmp6)
 * and the packet path (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_tcpudp: " fmt

static int tcp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_tcp *tcpinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (tcpinfo->invflags & ~XT_TCP_INV_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), tcpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static int udp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_udp *udpinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (udpinfo->invflags & ~XT_UDP_INV_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), udpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static int icmp_checkentry(const struct xt_mtchk_param *par)
{
	const struct ipt_icmp *icmpinfo = par->matchinfo;

	if (icmpinfo->invflags & ~IPT_ICMP_INV) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), icmpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match tcpudp_mt_reg[] = {
	{
		.name		= "tcp",
		.family		= NFPROTO_IPV4,
		.checkentry	= tcp_mt_check,
		.matchsize	= sizeof(struct xt_tcp),
		.proto		= IPPROTO_TCP,
	},
	{
		.name		= "udp",
		.family		= NFPROTO_IPV4,
		.checkentry	= udp_mt_check,
		.matchsize	= sizeof(struct xt_udp),
		.proto		= IPPROTO_UDP,
	},
	{
		.name		= "udplite",
		.family		= NFPROTO_IPV4,
		.checkentry	= udp_mt_check,
		.matchsize	= sizeof(struct xt_udp),
		.proto		= IPPROTO_UDPLITE,
	},
	{
		/* Current kernels register icmp here, no longer in ip_tables.c. */
		.name		= "icmp",
		.family		= NFPROTO_IPV4,
		.checkentry	= icmp_checkentry,
		.matchsize	= sizeof(struct ipt_icmp),
		.proto		= IPPROTO_ICMP,
	},
};

static int tcpudp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, tcpudp_mt_reg, ARRAY_SIZE(tcpudp_mt_reg));
}

static void tcpudp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, tcpudp_mt_reg, ARRAY_SIZE(tcpudp_mt_reg));
}

const struct module_info module_info_xt_tcpudp = {
	.name = "xt_tcpudp",
	.size = 20480,
	.depends = MODULE_DEPS("x_tables"),
	/* EMU: "ipt_udplite" is ours: Linux finds udplite only because xt_tcpudp is usually
	 * loaded already; nfemu's request_module needs an alias for every name. */
	.aliases = MODULE_ALIASES("xt_tcp", "xt_udp", "ipt_udp", "ipt_tcp", "ip6t_udp", "ip6t_tcp",
				  "ipt_icmp", "ip6t_icmp6", "ipt_udplite"),
	.init = tcpudp_mt_init,
	.exit = tcpudp_mt_exit,
};
