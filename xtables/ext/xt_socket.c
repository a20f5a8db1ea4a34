/* xtables/ext/xt_socket.c - the "socket" match (revisions 0-3): packets with a local socket.
 *
 * Mirrors net/netfilter/xt_socket.c: the IPv4 registrations (PREROUTING and INPUT only;
 * revision 0 carries no data, matchsize 0) and checkentry (known flags per revision, then
 * IPv4 defragmentation is enabled for the net).  Leaves out the IPv6 registrations and the
 * socket lookup itself (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_socket.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_socket: " fmt

/* EMU: nf_defrag_ipv4_enable()/disable() keep a per-net user count and register the
 * defrag hooks on the first user; nf_defrag_ipv4 is a stub module in nfemu (the packet path
 * reassembles on its own), so enabling always succeeds and nothing is counted. */
static int socket_mt_enable_defrag(struct net *net, int family)
{
	(void)net;
	(void)family;
	return 0;
}

static int socket_mt_check_flags(const struct xt_mtchk_param *par, u8 valid)
{
	const struct xt_socket_mtinfo1 *info = par->matchinfo;

	if (info->flags & ~valid) {
		pr_info_ratelimited(par->net, pr_fmt("unknown flags 0x%x\n"), info->flags & ~valid);
		return -EINVAL;
	}
	return socket_mt_enable_defrag(par->net, par->family);
}

static int socket_mt_v1_check(const struct xt_mtchk_param *par)
{
	return socket_mt_check_flags(par, XT_SOCKET_FLAGS_V1);
}

static int socket_mt_v2_check(const struct xt_mtchk_param *par)
{
	return socket_mt_check_flags(par, XT_SOCKET_FLAGS_V2);
}

static int socket_mt_v3_check(const struct xt_mtchk_param *par)
{
	return socket_mt_check_flags(par, XT_SOCKET_FLAGS_V3);
}

static void socket_mt_destroy(const struct xt_mtdtor_param *par)
{
	/* nf_defrag_ipv4_disable(par->net): see socket_mt_enable_defrag. */
	(void)par;
}

static const struct xt_match socket_mt_reg[] = {
	{
		.name		= "socket",
		.match		= xt_unemulated_match,
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
	{
		.name		= "socket",
		.match		= xt_unemulated_match,
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.destroy	= socket_mt_destroy,
		.checkentry	= socket_mt_v1_check,
		.matchsize	= sizeof(struct xt_socket_mtinfo1),
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
	{
		.name		= "socket",
		.match		= xt_unemulated_match,
		.revision	= 2,
		.family		= NFPROTO_IPV4,
		.checkentry	= socket_mt_v2_check,
		.destroy	= socket_mt_destroy,
		.matchsize	= sizeof(struct xt_socket_mtinfo1),
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
	{
		.name		= "socket",
		.match		= xt_unemulated_match,
		.revision	= 3,
		.family		= NFPROTO_IPV4,
		.checkentry	= socket_mt_v3_check,
		.destroy	= socket_mt_destroy,
		.matchsize	= sizeof(struct xt_socket_mtinfo1),
		.hooks		= (1 << NF_INET_PRE_ROUTING) |
				  (1 << NF_INET_LOCAL_IN),
	},
};

static int socket_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, socket_mt_reg, ARRAY_SIZE(socket_mt_reg));
}

static void socket_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, socket_mt_reg, ARRAY_SIZE(socket_mt_reg));
}

const struct module_info module_info_xt_socket = {
	.name = "xt_socket",
	.size = 16384,
	/* EMU: Linux also lists nf_socket_ipv6, which nfemu does not have. */
	.depends = MODULE_DEPS("nf_socket_ipv4", "nf_defrag_ipv6", "nf_defrag_ipv4", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_socket", "ip6t_socket"),
	.init = socket_mt_init,
	.exit = socket_mt_exit,
};
