/* xtables/ext/xt_multiport.c - the "multiport" match (revision 1): up to 15 ports or ranges.
 *
 * Mirrors net/netfilter/xt_multiport.c: the IPv4 registration and checkentry (a port
 * protocol that is not inverted, a known direction, count <= XT_MULTI_PORTS, and well-formed
 * ranges).  Revision 0 is gone from Linux, so it is not registered here either.  Leaves out
 * the IPv6 registration and the packet path (.match is NULL).
 */
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_multiport: " fmt

/* Every range start (pflags[i] set) needs an end after it that is not itself a range start
 * and is not below the start. */
static bool multiport_valid_ranges(const struct xt_multiport_v1 *multiinfo)
{
	unsigned int i;

	for (i = 0; i < multiinfo->count; i++) {
		if (!multiinfo->pflags[i])
			continue;
		if (++i >= multiinfo->count)
			return false;
		if (multiinfo->pflags[i])
			return false;
		if (multiinfo->ports[i - 1] > multiinfo->ports[i])
			return false;
	}
	return true;
}

static bool check(u16 proto, u8 ip_invflags, u8 match_flags, u8 count)
{
	/* Must specify supported protocol, no unknown flags or bad count */
	return (proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
		proto == IPPROTO_UDPLITE ||
		proto == IPPROTO_SCTP || proto == IPPROTO_DCCP) &&
	       !(ip_invflags & XT_INV_PROTO) &&
	       (match_flags == XT_MULTIPORT_SOURCE ||
		match_flags == XT_MULTIPORT_DESTINATION ||
		match_flags == XT_MULTIPORT_EITHER) &&
	       count <= XT_MULTI_PORTS;
}

static int multiport_mt_check(const struct xt_mtchk_param *par)
{
	const struct ipt_ip *ip = par->entryinfo;
	const struct xt_multiport_v1 *multiinfo = par->matchinfo;

	if (!check(ip->proto, ip->invflags, multiinfo->flags, multiinfo->count)) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("needs a non-inverted tcp/udp/udplite/sctp/dccp protocol, "
			 "a direction and at most %u ports\n"), XT_MULTI_PORTS);
		return -EINVAL;
	}
	if (!multiport_valid_ranges(multiinfo)) {
		pr_debug(par->net, pr_fmt("malformed port range\n"));   /* EMU: as above */
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match multiport_mt_reg[] = {
	{
		.name		= "multiport",
		.family		= NFPROTO_IPV4,
		.revision	= 1,
		.checkentry	= multiport_mt_check,
		.matchsize	= sizeof(struct xt_multiport_v1),
	},
};

static int multiport_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, multiport_mt_reg, ARRAY_SIZE(multiport_mt_reg));
}

static void multiport_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, multiport_mt_reg, ARRAY_SIZE(multiport_mt_reg));
}

const struct module_info module_info_xt_multiport = {
	.name = "xt_multiport",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_multiport", "ip6t_multiport"),
	.init = multiport_mt_init,
	.exit = multiport_mt_exit,
};
