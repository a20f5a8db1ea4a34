/* xtables/ext/xt_TCPOPTSTRIP.c - the "TCPOPTSTRIP" target: strip TCP options (mangle only).
 *
 * Mirrors net/netfilter/xt_TCPOPTSTRIP.c, which has no checkentry (mangle and -p tcp are
 * checked by xt_check_target): options whose kind is in the bitmap become NOPs, the TCP
 * checksum patched byte by byte.  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include "kernel/module.h"
#include "netstack/checksum.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define TCPOPT_NOP	1

static inline unsigned int optlen(const u8 *opt, unsigned int offset)
{
	/* Beware zero-length options: make finite progress */
	if (opt[offset] <= TCPOPT_NOP || opt[offset + 1] == 0)
		return 1;
	else
		return opt[offset + 1];
}

static unsigned int tcpoptstrip_mangle_packet(struct sk_buff *skb,
					      const struct xt_action_param *par,
					      unsigned int tcphoff)
{
	const struct xt_tcpoptstrip_target_info *info = par->targinfo;
	struct tcphdr *tcph, _th;
	unsigned int optl, i, j;
	u16 n, o;
	u8 *opt;
	int tcp_hdrlen;

	/* This is a fragment, no TCP header is available */
	if (par->fragoff != 0)
		return XT_CONTINUE;

	tcph = skb_header_pointer(skb, tcphoff, sizeof(_th), &_th);
	if (!tcph)
		return NF_DROP;

	tcp_hdrlen = tcph->doff * 4;
	if (tcp_hdrlen < (int)sizeof(struct tcphdr))
		return NF_DROP;

	if (skb_ensure_writable(skb, tcphoff + tcp_hdrlen))
		return NF_DROP;

	/* must reload tcph, might have been moved */
	tcph = (struct tcphdr *)(skb_network_header(skb) + tcphoff);
	opt  = (u8 *)tcph;

	/* Walk through all TCP options: set each one to remove to NOPs, adjusting the
	 * checksum. */
	for (i = sizeof(struct tcphdr); i < (unsigned int)tcp_hdrlen - 1; i += optl) {
		optl = optlen(opt, i);

		if (i + optl > (unsigned int)tcp_hdrlen)
			break;

		if (!tcpoptstrip_test_bit(info->strip_bmap, opt[i]))
			continue;

		for (j = 0; j < optl; ++j) {
			o = opt[i + j];
			n = TCPOPT_NOP;
			if ((i + j) % 2 == 0) {
				o <<= 8;
				n <<= 8;
			}
			inet_proto_csum_replace2(&tcph->check, skb, htons(o), htons(n), false);
		}
		memset(opt + i, TCPOPT_NOP, optl);
	}
	return XT_CONTINUE;
}

static unsigned int tcpoptstrip_tg4(struct sk_buff *skb, const struct xt_action_param *par)
{
	return tcpoptstrip_mangle_packet(skb, par, ip_hdrlen(skb));
}

static const struct xt_target tcpoptstrip_tg_reg[] = {
	{
		.name       = "TCPOPTSTRIP",
		.family     = NFPROTO_IPV4,
		.table      = "mangle",
		.proto      = IPPROTO_TCP,
		.target     = tcpoptstrip_tg4,
		.targetsize = sizeof(struct xt_tcpoptstrip_target_info),
	},
};

static int tcpoptstrip_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tcpoptstrip_tg_reg, ARRAY_SIZE(tcpoptstrip_tg_reg));
}

static void tcpoptstrip_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tcpoptstrip_tg_reg, ARRAY_SIZE(tcpoptstrip_tg_reg));
}

const struct module_info module_info_xt_TCPOPTSTRIP = {
	.name = "xt_TCPOPTSTRIP",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TCPOPTSTRIP", "ip6t_TCPOPTSTRIP"),
	.init = tcpoptstrip_tg_init,
	.exit = tcpoptstrip_tg_exit,
};
