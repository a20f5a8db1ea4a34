/* xtables/ext/xt_sctp.c - the "sctp" match: SCTP ports and chunk types.
 *
 * Mirrors net/netfilter/xt_sctp.c: the IPv4 registration and checkentry (flag_count within
 * flag_info[], known flags, only set flags inverted, a valid chunk match type when chunk
 * types are given).  -p sctp is enforced by xt_check_match through .proto.  Leaves out the
 * IPv6 registration and the packet path (.match is NULL).
 */
#include <linux/netfilter/xt_sctp.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_sctp: " fmt

static int sctp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_sctp_info *info = par->matchinfo;
	const char *why;

	/* flag_count is an int: a negative count is refused too, as in C it converts to a
	 * huge size_t in the kernel's comparison. */
	if ((size_t)info->flag_count > ARRAY_SIZE(info->flag_info))
		why = "flag_count too large";
	else if (info->flags & ~XT_SCTP_VALID_FLAGS)
		why = "unknown flags";
	else if (info->invflags & ~XT_SCTP_VALID_FLAGS)
		why = "unknown invflags";
	else if (info->invflags & ~info->flags)
		why = "invflags outside flags";
	else if (!(info->flags & XT_SCTP_CHUNK_TYPES))
		return 0;
	else if (info->chunk_match_type & (SCTP_CHUNK_MATCH_ALL |
		 SCTP_CHUNK_MATCH_ANY | SCTP_CHUNK_MATCH_ONLY))
		return 0;
	else
		why = "no chunk match type";
	/* EMU: the kernel refuses silently; say why at debug level. */
	pr_debug(par->net, pr_fmt("%s\n"), why);
	return -EINVAL;
}

static const struct xt_match sctp_mt_reg[] = {
	{
		.name		= "sctp",
		.family		= NFPROTO_IPV4,
		.checkentry	= sctp_mt_check,
		.matchsize	= sizeof(struct xt_sctp_info),
		.proto		= IPPROTO_SCTP,
	},
};

static int sctp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, sctp_mt_reg, ARRAY_SIZE(sctp_mt_reg));
}

static void sctp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, sctp_mt_reg, ARRAY_SIZE(sctp_mt_reg));
}

const struct module_info module_info_xt_sctp = {
	.name = "xt_sctp",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_sctp", "ip6t_sctp"),
	.init = sctp_mt_init,
	.exit = sctp_mt_exit,
};
