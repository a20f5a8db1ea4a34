/* xtables/ext/xt_tcpmss.c - the "tcpmss" match: MSS option ranges of TCP SYNs.
 *
 * Mirrors net/netfilter/xt_tcpmss.c, which has no checkentry: -p tcp, enforced by
 * xt_check_match through .proto, and the match: the first MSS option (kind 2, length 4)
 * among the TCP options within range; no MSS option matches only when inverted.  As in
 * Linux it does not look at the fragment offset; a header or options cut short, or a data
 * offset below 5, are hotdropped.  Leaves out the IPv6 registration.
 */
#include <linux/tcp.h>
#include <linux/netfilter/xt_tcpmss.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define TCPOPT_MSS	2
#define TCPOLEN_MSS	4

static bool tcpmss_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_tcpmss_match_info *info = par->matchinfo;
	const struct tcphdr *th;
	struct tcphdr _tcph;
	/* tcp.doff is only 4 bits, ie. max 15 * 4 bytes */
	const u8 *op;
	u8 _opt[15 * 4 - sizeof(_tcph)];
	unsigned int i, optlen;

	/* If we don't have the whole header, drop packet. */
	th = skb_header_pointer(skb, par->thoff, sizeof(_tcph), &_tcph);
	if (th == NULL)
		goto dropit;

	/* Malformed. */
	if (th->doff * 4 < sizeof(*th))
		goto dropit;

	optlen = th->doff * 4 - sizeof(*th);
	if (!optlen)
		goto out;

	/* Truncated options. */
	op = skb_header_pointer(skb, par->thoff + sizeof(*th), optlen, _opt);
	if (op == NULL)
		goto dropit;

	for (i = 0; i < optlen; ) {
		if (op[i] == TCPOPT_MSS && (optlen - i) >= TCPOLEN_MSS && op[i + 1] == TCPOLEN_MSS) {
			u16 mssval;

			mssval = (op[i + 2] << 8) | op[i + 3];

			return (mssval >= info->mss_min && mssval <= info->mss_max) ^ info->invert;
		}
		if (op[i] < 2 || i == optlen - 1)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
out:
	return info->invert;

dropit:
	par->hotdrop = true;
	return false;
}

static const struct xt_match tcpmss_mt_reg[] = {
	{
		.name		= "tcpmss",
		.family		= NFPROTO_IPV4,
		.match		= tcpmss_mt,
		.matchsize	= sizeof(struct xt_tcpmss_match_info),
		.proto		= IPPROTO_TCP,
	},
};

static int tcpmss_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, tcpmss_mt_reg, ARRAY_SIZE(tcpmss_mt_reg));
}

static void tcpmss_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, tcpmss_mt_reg, ARRAY_SIZE(tcpmss_mt_reg));
}

const struct module_info module_info_xt_tcpmss = {
	.name = "xt_tcpmss",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_tcpmss", "ip6t_tcpmss"),
	.init = tcpmss_mt_init,
	.exit = tcpmss_mt_exit,
};
