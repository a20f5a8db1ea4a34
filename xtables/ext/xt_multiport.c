/* xtables/ext/xt_multiport.c - the "multiport" match (revision 1): up to 15 ports or ranges.
 *
 * Mirrors net/netfilter/xt_multiport.c: the IPv4 registration, checkentry (a port protocol,
 * not inverted; a known direction; count <= 15; well-formed ranges) and the match.
 * Revision 0 is gone from Linux and not registered.  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_multiport: " fmt

/* Returns true if the port is matched by the test (inverted on request). */
static inline bool ports_match_v1(const struct xt_multiport_v1 *minfo, u16 src, u16 dst)
{
	unsigned int i;
	u16 s, e;

	for (i = 0; i < minfo->count; i++) {
		s = minfo->ports[i];

		if (minfo->pflags[i]) {
			/* range port matching */
			e = minfo->ports[++i];

			switch (minfo->flags) {
			case XT_MULTIPORT_SOURCE:
				if (src >= s && src <= e)
					return true ^ minfo->invert;
				break;
			case XT_MULTIPORT_DESTINATION:
				if (dst >= s && dst <= e)
					return true ^ minfo->invert;
				break;
			case XT_MULTIPORT_EITHER:
				if ((dst >= s && dst <= e) || (src >= s && src <= e))
					return true ^ minfo->invert;
				break;
			default:
				break;
			}
		} else {
			/* exact port matching */
			switch (minfo->flags) {
			case XT_MULTIPORT_SOURCE:
				if (src == s)
					return true ^ minfo->invert;
				break;
			case XT_MULTIPORT_DESTINATION:
				if (dst == s)
					return true ^ minfo->invert;
				break;
			case XT_MULTIPORT_EITHER:
				if (src == s || dst == s)
					return true ^ minfo->invert;
				break;
			default:
				break;
			}
		}
	}
	return minfo->invert;
}

static bool multiport_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_multiport_v1 *multiinfo = par->matchinfo;
	const __be16 *pptr;
	__be16 _ports[2];

	if (par->fragoff != 0)
		return false;

	pptr = skb_header_pointer(skb, par->thoff, sizeof(_ports), _ports);
	if (pptr == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return ports_match_v1(multiinfo, ntohs(pptr[0]), ntohs(pptr[1]));
}

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
		.match		= multiport_mt,
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
