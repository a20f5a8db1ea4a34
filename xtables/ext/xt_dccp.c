/* xtables/ext/xt_dccp.c - the "dccp" match: DCCP ports, packet types and options.
 *
 * Mirrors net/netfilter/xt_dccp.c: the IPv4 registration and checkentry (flags and
 * inversion flags must be known, and only set flags may be inverted).  -p dccp is enforced
 * by xt_check_match through .proto.  Leaves out the IPv6 registration, the option buffer
 * the module allocates at init (used only by the packet path) and the packet path itself.
 */
#include <linux/netfilter/xt_dccp.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_dccp: " fmt

static int dccp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_dccp_info *info = par->matchinfo;
	const char *why = NULL;

	if (info->flags & ~XT_DCCP_VALID_FLAGS)
		why = "unknown flags";
	else if (info->invflags & ~XT_DCCP_VALID_FLAGS)
		why = "unknown invflags";
	else if (info->invflags & ~info->flags)
		why = "invflags outside flags";
	if (why) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("%s (flags 0x%x, invflags 0x%x)\n"), why,
			 info->flags, info->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match dccp_mt_reg[] = {
	{
		.name		= "dccp",
		.family		= NFPROTO_IPV4,
		.checkentry	= dccp_mt_check,
		.matchsize	= sizeof(struct xt_dccp_info),
		.proto		= IPPROTO_DCCP,
	},
};

static int dccp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, dccp_mt_reg, ARRAY_SIZE(dccp_mt_reg));
}

static void dccp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, dccp_mt_reg, ARRAY_SIZE(dccp_mt_reg));
}

const struct module_info module_info_xt_dccp = {
	.name = "xt_dccp",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_dccp", "ip6t_dccp"),
	.init = dccp_mt_init,
	.exit = dccp_mt_exit,
};
