/* xtables/ext/xt_tcpudp.c - the "tcp", "udp", "udplite" and "icmp" matches (IPv4).
 *
 * Mirrors net/netfilter/xt_tcpudp.c: registrations, checkentry (unknown inversion flags
 * are refused with EINVAL; -p tcp ... is enforced by xt_check_match through .proto) and
 * the matches: port ranges, TCP flags and option lookup, ICMP type/code ranges.  Non-first
 * fragments never match; a TCP fragment at offset 1 and headers cut short are hotdropped.
 * Leaves out the IPv6 registrations (tcp/udp/udplite/icmp6).
 */
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_tcpudp: " fmt

/* Is port in [min, max], inverted on request? */
static inline bool port_match(u16 min, u16 max, u16 port, bool invert)
{
	return (port >= min && port <= max) ^ invert;
}

/* Look for TCP option `option` in the optlen bytes of options after the fixed header. */
static bool tcp_find_option(u8 option, const struct sk_buff *skb, unsigned int protoff,
			    unsigned int optlen, bool invert, bool *hotdrop)
{
	/* tcp.doff is only 4 bits, ie. max 15 * 4 bytes */
	u8 _opt[60 - sizeof(struct tcphdr)];
	const u8 *op;
	unsigned int i;

	if (!optlen)
		return invert;

	/* If we don't have the whole header, drop packet. */
	op = skb_header_pointer(skb, protoff + sizeof(struct tcphdr), optlen, _opt);
	if (op == NULL) {
		*hotdrop = true;
		return false;
	}

	for (i = 0; i < optlen; ) {
		if (op[i] == option)
			return !invert;
		/* EOL and NOP are one byte; a zero length still moves one byte on. */
		if (op[i] < 2 || i == optlen - 1)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return invert;
}

static bool tcp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_tcp *tcpinfo = par->matchinfo;
	const struct tcphdr *th;
	struct tcphdr _tcph;

	if (par->fragoff != 0) {
		/* A TCP fragment at offset 1 (8 bytes) can only be an attempt to overwrite the
		 * flags of the first: drop it. */
		if (par->fragoff == 1)
			par->hotdrop = true;
		/* Must not be a fragment. */
		return false;
	}

	th = skb_header_pointer(skb, par->thoff, sizeof(_tcph), &_tcph);
	if (th == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	if (!port_match(tcpinfo->spts[0], tcpinfo->spts[1], ntohs(th->source),
			!!(tcpinfo->invflags & XT_TCP_INV_SRCPT)))
		return false;
	if (!port_match(tcpinfo->dpts[0], tcpinfo->dpts[1], ntohs(th->dest),
			!!(tcpinfo->invflags & XT_TCP_INV_DSTPT)))
		return false;
	/* NF_INVF: byte 13 holds CWR ECE URG ACK PSH RST SYN FIN */
	if (!(((((const unsigned char *)th)[13] & tcpinfo->flg_mask) == tcpinfo->flg_cmp) ^
	      !!(tcpinfo->invflags & XT_TCP_INV_FLAGS)))
		return false;
	if (tcpinfo->option) {
		if (th->doff * 4 < sizeof(_tcph)) {
			par->hotdrop = true;
			return false;
		}
		if (!tcp_find_option(tcpinfo->option, skb, par->thoff, th->doff * 4 - sizeof(_tcph),
				     tcpinfo->invflags & XT_TCP_INV_OPTION, &par->hotdrop))
			return false;
	}
	return true;
}

static int tcp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_tcp *tcpinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (tcpinfo->invflags & ~XT_TCP_INV_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), tcpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static bool udp_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_udp *udpinfo = par->matchinfo;
	const struct udphdr *uh;
	struct udphdr _udph;

	/* Must not be a fragment. */
	if (par->fragoff != 0)
		return false;

	uh = skb_header_pointer(skb, par->thoff, sizeof(_udph), &_udph);
	if (uh == NULL) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return port_match(udpinfo->spts[0], udpinfo->spts[1], ntohs(uh->source),
			  !!(udpinfo->invflags & XT_UDP_INV_SRCPT)) &&
	       port_match(udpinfo->dpts[0], udpinfo->dpts[1], ntohs(uh->dest),
			  !!(udpinfo->invflags & XT_UDP_INV_DSTPT));
}

static int udp_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_udp *udpinfo = par->matchinfo;

	/* Must specify no unknown invflags */
	if (udpinfo->invflags & ~XT_UDP_INV_MASK) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), udpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

/* Is (type, code) the test type with a code in [min_code, max_code]? */
static bool type_code_in_range(u8 test_type, u8 min_code, u8 max_code, u8 type, u8 code)
{
	return type == test_type && code >= min_code && code <= max_code;
}

/* Test type 0xff (iptables' "any") matches every ICMP packet. */
static bool icmp_type_code_match(u8 test_type, u8 min_code, u8 max_code, u8 type, u8 code,
				 bool invert)
{
	return (test_type == 0xFF ||
		type_code_in_range(test_type, min_code, max_code, type, code)) ^ invert;
}

static bool icmp_match(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct ipt_icmp *icmpinfo = par->matchinfo;
	const struct icmphdr *ic;
	struct icmphdr _icmph;

	/* Must not be a fragment. */
	if (par->fragoff != 0)
		return false;

	ic = skb_header_pointer(skb, par->thoff, sizeof(_icmph), &_icmph);
	if (!ic) {
		/* Asked to examine a packet it cannot: drop. */
		par->hotdrop = true;
		return false;
	}

	return icmp_type_code_match(icmpinfo->type, icmpinfo->code[0], icmpinfo->code[1],
				    ic->type, ic->code, !!(icmpinfo->invflags & IPT_ICMP_INV));
}

static int icmp_checkentry(const struct xt_mtchk_param *par)
{
	const struct ipt_icmp *icmpinfo = par->matchinfo;

	if (icmpinfo->invflags & ~IPT_ICMP_INV) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("unknown invflags 0x%x\n"), icmpinfo->invflags);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match tcpudp_mt_reg[] = {
	{
		.name		= "tcp",
		.family		= NFPROTO_IPV4,
		.checkentry	= tcp_mt_check,
		.match		= tcp_mt,
		.matchsize	= sizeof(struct xt_tcp),
		.proto		= IPPROTO_TCP,
	},
	{
		.name		= "udp",
		.family		= NFPROTO_IPV4,
		.checkentry	= udp_mt_check,
		.match		= udp_mt,
		.matchsize	= sizeof(struct xt_udp),
		.proto		= IPPROTO_UDP,
	},
	{
		.name		= "udplite",
		.family		= NFPROTO_IPV4,
		.checkentry	= udp_mt_check,
		.match		= udp_mt,
		.matchsize	= sizeof(struct xt_udp),
		.proto		= IPPROTO_UDPLITE,
	},
	{
		/* Current kernels register icmp here, no longer in ip_tables.c. */
		.name		= "icmp",
		.family		= NFPROTO_IPV4,
		.checkentry	= icmp_checkentry,
		.match		= icmp_match,
		.matchsize	= sizeof(struct ipt_icmp),
		.proto		= IPPROTO_ICMP,
	},
};

static int tcpudp_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, tcpudp_mt_reg, ARRAY_SIZE(tcpudp_mt_reg));
}

static void tcpudp_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, tcpudp_mt_reg, ARRAY_SIZE(tcpudp_mt_reg));
}

const struct module_info module_info_xt_tcpudp = {
	.name = "xt_tcpudp",
	.size = 20480,
	.depends = MODULE_DEPS("x_tables"),
	/* EMU: "ipt_udplite" is ours: Linux finds udplite only because xt_tcpudp is usually
	 * loaded already; nfemu's request_module needs an alias for every name. */
	.aliases = MODULE_ALIASES("xt_tcp", "xt_udp", "ipt_udp", "ipt_tcp", "ip6t_udp", "ip6t_tcp",
				  "ipt_icmp", "ip6t_icmp6", "ipt_udplite"),
	.init = tcpudp_mt_init,
	.exit = tcpudp_mt_exit,
};
