/* xtables/ext/xt_addrtype.c - the "addrtype" match (revisions 0 and 1): address types.
 *
 * Mirrors net/netfilter/xt_addrtype.c: both IPv4 registrations, revision 1's checkentry
 * (interface limits only where that interface exists) and the match: the FIB's RTN_* type
 * of the source and/or destination (inet_dev_addr_type) against a type mask.  Leaves out
 * the IPv6 registration.
 */
#include <linux/netfilter/xt_addrtype.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_addrtype: " fmt

static inline bool match_type(struct net *net, const struct net_device *dev, __be32 addr,
			      u16 mask)
{
	return !!(mask & (1 << inet_dev_addr_type(net, dev, addr)));
}

static bool addrtype_mt_v0(const struct sk_buff *skb, struct xt_action_param *par)
{
	struct net *net = xt_net(par);
	const struct xt_addrtype_info *info = par->matchinfo;
	const struct iphdr *iph = ip_hdr(skb);
	bool ret = true;

	if (info->source)
		ret &= match_type(net, NULL, iph->saddr, info->source) ^ info->invert_source;
	if (info->dest)
		ret &= match_type(net, NULL, iph->daddr, info->dest) ^ info->invert_dest;

	return ret;
}

static bool addrtype_mt_v1(const struct sk_buff *skb, struct xt_action_param *par)
{
	struct net *net = xt_net(par);
	const struct xt_addrtype_info_v1 *info = par->matchinfo;
	const struct iphdr *iph;
	const struct net_device *dev = NULL;
	bool ret = true;

	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		dev = xt_in(par);
	else if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		dev = xt_out(par);

	iph = ip_hdr(skb);
	if (info->source)
		ret &= match_type(net, dev, iph->saddr, info->source) ^
		       (info->flags & XT_ADDRTYPE_INVERT_SOURCE);
	if (ret && info->dest)
		ret &= match_type(net, dev, iph->daddr, info->dest) ^
		       !!(info->flags & XT_ADDRTYPE_INVERT_DEST);
	return ret;
}

static int addrtype_mt_checkentry_v1(const struct xt_mtchk_param *par)
{
	const char *errmsg = "both incoming and outgoing interface limitation cannot be selected";
	const struct xt_addrtype_info_v1 *info = par->matchinfo;

	if (info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN &&
	    info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		goto err;

	if (par->hook_mask & ((1 << NF_INET_PRE_ROUTING) |
	    (1 << NF_INET_LOCAL_IN)) &&
	    info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT) {
		errmsg = "output interface limitation not valid in PREROUTING and INPUT";
		goto err;
	}

	if (par->hook_mask & ((1 << NF_INET_POST_ROUTING) |
	    (1 << NF_INET_LOCAL_OUT)) &&
	    info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN) {
		errmsg = "input interface limitation not valid in POSTROUTING and OUTPUT";
		goto err;
	}
	return 0;
err:
	pr_info_ratelimited(par->net, pr_fmt("%s\n"), errmsg);
	return -EINVAL;
}

static const struct xt_match addrtype_mt_reg[] = {
	{
		.name		= "addrtype",
		.family		= NFPROTO_IPV4,
		.match		= addrtype_mt_v0,
		.matchsize	= sizeof(struct xt_addrtype_info),
	},
	{
		.name		= "addrtype",
		.family		= NFPROTO_IPV4,
		.revision	= 1,
		.checkentry	= addrtype_mt_checkentry_v1,
		.match		= addrtype_mt_v1,
		.matchsize	= sizeof(struct xt_addrtype_info_v1),
	},
};

static int addrtype_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, addrtype_mt_reg, ARRAY_SIZE(addrtype_mt_reg));
}

static void addrtype_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, addrtype_mt_reg, ARRAY_SIZE(addrtype_mt_reg));
}

const struct module_info module_info_xt_addrtype = {
	.name = "xt_addrtype",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_addrtype", "ip6t_addrtype"),
	.init = addrtype_mt_init,
	.exit = addrtype_mt_exit,
};
