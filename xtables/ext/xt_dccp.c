/* xtables/ext/xt_dccp.c - the "dccp" match: DCCP ports, packet types and options.
 *
 * Mirrors net/netfilter/xt_dccp.c: the IPv4 registration, checkentry (known flags, only set
 * flags inverted) and the match (ports, type mask, option present; hotdrop on a header or
 * options cut short).  Leaves out the IPv6 registration and the shared option buffer.
 */
#include <arpa/inet.h>
#include <linux/dccp.h>
#include <linux/netfilter/xt_dccp.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_dccp: " fmt

/* Test `option` only when the rule asks (flag), inverted on request (invflag). */
#define DCCHECK(cond, option, flag, invflag) (!((flag) & (option)) \
					      || (!!((invflag) & (option)) ^ (cond)))

/* include/linux/dccp.h: generic header, extended sequence number, type-specific part. */
static inline unsigned int __dccp_basic_hdr_len(const struct dccp_hdr *dh)
{
	return sizeof(*dh) + (dh->dccph_x ? sizeof(struct dccp_hdr_ext) : 0);
}

static inline unsigned int __dccp_hdr_len(const struct dccp_hdr *dh)
{
	return __dccp_basic_hdr_len(dh) + dccp_packet_hdr_len(dh->dccph_type);
}

static inline bool dccp_find_option(u8 option, const struct sk_buff *skb, unsigned int protoff,
				    const struct dccp_hdr *dh, bool *hotdrop)
{
	const unsigned char *op;
	unsigned int optoff = __dccp_hdr_len(dh);
	unsigned int optlen = dh->dccph_doff * 4 - __dccp_hdr_len(dh);
	unsigned int i;

	if (dh->dccph_doff * 4 < __dccp_hdr_len(dh))
		goto invalid;

	if (!optlen)
		return false;

	op = skb_header_pointer(skb, protoff + optoff, optlen, NULL);
	if (op == NULL) {
		/* If we don't have the whole header, drop packet. */
		goto invalid;
	}

	for (i = 0; i < optlen; ) {
		if (op[i] == option)
			return true;

		if (op[i] < 2 || i == optlen - 1)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return false;

invalid:
	*hotdrop = true;
	return false;
}

static inline bool match_types(const struct dccp_hdr *dh, u16 typemask)
{
	return typemask & (1 << dh->dccph_type);
}

static bool dccp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_dccp_info *info = par->matchinfo;
	const struct dccp_hdr *dh;
	struct dccp_hdr _dh;

	if (par->fragoff != 0)
		return false;

	dh = skb_header_pointer(skb, par->thoff, sizeof(_dh), &_dh);
	if (dh == NULL) {
		par->hotdrop = true;
		return false;
	}

	return  DCCHECK(ntohs(dh->dccph_sport) >= info->spts[0] &&
			ntohs(dh->dccph_sport) <= info->spts[1],
			XT_DCCP_SRC_PORTS, info->flags, info->invflags) &&
		DCCHECK(ntohs(dh->dccph_dport) >= info->dpts[0] &&
			ntohs(dh->dccph_dport) <= info->dpts[1],
			XT_DCCP_DEST_PORTS, info->flags, info->invflags) &&
		DCCHECK(match_types(dh, info->typemask),
			XT_DCCP_TYPE, info->flags, info->invflags) &&
		DCCHECK(dccp_find_option(info->option, skb, par->thoff, dh, &par->hotdrop),
			XT_DCCP_OPTION, info->flags, info->invflags);
}

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
		.match		= dccp_mt,
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
