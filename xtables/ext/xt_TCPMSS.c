/* xtables/ext/xt_TCPMSS.c - the "TCPMSS" target: set or clamp the MSS of TCP SYNs.
 *
 * Mirrors net/netfilter/xt_TCPMSS.c: the IPv4 registration, checkentry (clamping only in
 * FORWARD/OUTPUT/POSTROUTING; a "tcp" match requiring SYN) and the target: lower the MSS
 * option, or add one to a SYN without payload, patching checksums incrementally as Linux
 * does.  Leaves out the IPv6 registration.
 */
#include <arpa/inet.h>
#include <string.h>
#include <linux/tcp.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "netstack/checksum.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_TCPMSS: " fmt

#define TCPHDR_SYN 0x02
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOLEN_MSS 4

static inline unsigned int optlen(const u8 *opt, unsigned int offset)
{
	/* Beware zero-length options: make finite progress */
	if (opt[offset] <= TCPOPT_NOP || opt[offset + 1] == 0)
		return 1;
	else
		return opt[offset + 1];
}

/* The MTU of the route back to the packet's source (nf_route: an output route lookup to
 * saddr), or ~0U when there is none. */
static u32 tcpmss_reverse_mtu(struct net *net, const struct sk_buff *skb)
{
	struct flowi4 fl4;
	struct rtable *rt;
	u32 mtu = ~0U;

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = ip_hdr(skb)->saddr;

	rt = ip_route_output_key(net, &fl4);
	if (!IS_ERR_OR_NULL(rt))
		mtu = dst_mtu(rt);         /* EMU: rtables are interned values: no dst_release */
	return mtu;
}

/* skb_tailroom(): bytes free after the packet's end in its buffer. */
static unsigned int tcpmss_skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - (unsigned int)(skb_tail_pointer(skb) - skb->head);
}

/* 0 = done (changed or not), TCPOLEN_MSS = an option was added, -1 = drop. */
static int tcpmss_mangle_packet(struct sk_buff *skb, const struct xt_action_param *par,
				unsigned int tcphoff, unsigned int minlen)
{
	const struct xt_tcpmss_info *info = par->targinfo;
	struct tcphdr *tcph;
	int len, tcp_hdrlen;
	unsigned int i;
	__be16 oldval;
	u16 newmss;
	u8 *opt;

	/* This is a fragment, no TCP header is available */
	if (par->fragoff != 0)
		return 0;

	if (skb_ensure_writable(skb, skb->len))
		return -1;

	len = skb->len - tcphoff;
	if (len < (int)sizeof(struct tcphdr))
		return -1;

	tcph = (struct tcphdr *)(skb_network_header(skb) + tcphoff);
	tcp_hdrlen = tcph->doff * 4;

	if (len < tcp_hdrlen || tcp_hdrlen < (int)sizeof(struct tcphdr))
		return -1;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU) {
		struct net *net = xt_net(par);
		unsigned int in_mtu = tcpmss_reverse_mtu(net, skb);
		/* EMU: Linux has a dst in every hook the rule may sit in; guard anyway. */
		unsigned int dst = skb->rt ? dst_mtu(skb->rt) : ~0U;
		unsigned int min_mtu = dst < in_mtu ? dst : in_mtu;

		if (min_mtu <= minlen) {
			pr_err_ratelimited(net, pr_fmt("unknown or invalid path-MTU (%u)\n"), min_mtu);
			return -1;
		}
		newmss = min_mtu - minlen;
	} else {
		newmss = info->mss;
	}

	opt = (u8 *)tcph;
	for (i = sizeof(struct tcphdr); i <= (unsigned int)(tcp_hdrlen - TCPOLEN_MSS);
	     i += optlen(opt, i)) {
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS) {
			u16 oldmss;

			oldmss = (opt[i + 2] << 8) | opt[i + 3];

			/* Never increase MSS, even when setting it, as doing so results in
			 * problems for hosts that rely on MSS being set correctly. */
			if (oldmss <= newmss)
				return 0;

			opt[i + 2] = (newmss & 0xff00) >> 8;
			opt[i + 3] = newmss & 0x00ff;

			inet_proto_csum_replace2(&tcph->check, skb, htons(oldmss), htons(newmss),
						 false);
			return 0;
		}
	}

	/* There is data after the header so the option can't be added without moving it,
	 * and doing so may make the SYN packet itself too large: accept it unmodified. */
	if (len > tcp_hdrlen)
		return 0;

	/* tcph->doff has 4 bits, do not wrap it to 0 */
	if (tcp_hdrlen >= 15 * 4)
		return 0;

	/* MSS Option not found ?! add it.. */
	if (tcpmss_skb_tailroom(skb) < TCPOLEN_MSS) {
		if (pskb_expand_head(skb, 0, TCPOLEN_MSS - tcpmss_skb_tailroom(skb)))
			return -1;
		tcph = (struct tcphdr *)(skb_network_header(skb) + tcphoff);
	}

	skb_put(skb, TCPOLEN_MSS);

	/* IPv4: RFC 1122 states "If an MSS option is not received at connection setup, TCP
	 * MUST assume a default send MSS of 536". */
	if (newmss > 536)
		newmss = 536;

	opt = (u8 *)tcph + sizeof(struct tcphdr);
	memmove(opt + TCPOLEN_MSS, opt, len - sizeof(struct tcphdr));

	inet_proto_csum_replace2(&tcph->check, skb, htons(len), htons(len + TCPOLEN_MSS), true);
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	opt[2] = (newmss & 0xff00) >> 8;
	opt[3] = newmss & 0x00ff;

	{
		__be32 optword;

		memcpy(&optword, opt, sizeof(optword));
		inet_proto_csum_replace4(&tcph->check, skb, 0, optword, false);
	}

	oldval = ((__be16 *)tcph)[6];
	tcph->doff += TCPOLEN_MSS / 4;
	inet_proto_csum_replace2(&tcph->check, skb, oldval, ((__be16 *)tcph)[6], false);
	return TCPOLEN_MSS;
}

static unsigned int tcpmss_tg4(struct sk_buff *skb, const struct xt_action_param *par)
{
	struct iphdr *iph = ip_hdr(skb);
	__be16 newlen;
	int ret;

	ret = tcpmss_mangle_packet(skb, par, iph->ihl * 4,
				   sizeof(*iph) + sizeof(struct tcphdr));
	if (ret < 0)
		return NF_DROP;
	if (ret > 0) {
		iph = ip_hdr(skb);
		newlen = htons(ntohs(iph->tot_len) + ret);
		csum_replace2(&iph->check, iph->tot_len, newlen);
		iph->tot_len = newlen;
	}
	return XT_CONTINUE;
}

/* Is m a "tcp" match requiring SYN?  translate_table has already resolved the rule's
 * matches (u.kernel.match) when the target is checked. */
static bool find_syn_match(const struct xt_entry_match *m)
{
	const struct xt_tcp *tcpinfo = (const struct xt_tcp *)m->data;

	return strcmp(m->u.kernel.match->name, "tcp") == 0 &&
	       tcpinfo->flg_cmp & TCPHDR_SYN &&
	       !(tcpinfo->invflags & XT_TCP_INV_FLAGS);
}

static int tcpmss_tg4_check(const struct xt_tgchk_param *par)
{
	const struct xt_tcpmss_info *info = par->targinfo;
	const struct ipt_entry *e = par->entryinfo;
	const struct xt_entry_match *ematch;

	if (info->mss == XT_TCPMSS_CLAMP_PMTU &&
	    (par->hook_mask & ~((1 << NF_INET_FORWARD) |
				(1 << NF_INET_LOCAL_OUT) |
				(1 << NF_INET_POST_ROUTING))) != 0) {
		pr_info_ratelimited(par->net, pr_fmt("path-MTU clamping only supported in FORWARD, "
				    "OUTPUT and POSTROUTING hooks\n"));
		return -EINVAL;
	}
	if (par->nft_compat)
		return 0;

	xt_ematch_foreach(ematch, e)
		if (find_syn_match(ematch))
			return 0;
	pr_info_ratelimited(par->net, pr_fmt("Only works on TCP SYN packets\n"));
	return -EINVAL;
}

static const struct xt_target tcpmss_tg_reg[] = {
	{
		.family		= NFPROTO_IPV4,
		.name		= "TCPMSS",
		.checkentry	= tcpmss_tg4_check,
		.target		= tcpmss_tg4,
		.targetsize	= sizeof(struct xt_tcpmss_info),
		.proto		= IPPROTO_TCP,
	},
};

static int tcpmss_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tcpmss_tg_reg, ARRAY_SIZE(tcpmss_tg_reg));
}

static void tcpmss_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tcpmss_tg_reg, ARRAY_SIZE(tcpmss_tg_reg));
}

const struct module_info module_info_xt_TCPMSS = {
	.name = "xt_TCPMSS",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TCPMSS", "ip6t_TCPMSS"),
	.init = tcpmss_tg_init,
	.exit = tcpmss_tg_exit,
};
